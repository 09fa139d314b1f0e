//! Which series of a queue are versions of one another.
//!
//! Evidence, strongest first: the same b4 `change-id:` in the covers; a link to an
//! earlier version's Message-Id in the cover or the notes (`v1: https://lore…/<id>`,
//! `- Link to v2: …`); the newer posted in reply to an older version. When none of those
//! joins them (plain `git send-email` postings), the same author with the same title (the
//! cover's, or the first patch's for a series of one) and a file or a patch-id in
//! common, unless both carry different change-ids. Within a family the series are ordered by version, then date.

use crate::queue::Queue;
use std::collections::{HashMap, HashSet};

/// Each series' newest earlier version and the oldest of its family, as positions in
/// [`Queue::series`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Families {
    /// `previous[k]`: the newest earlier version of series `k` in the queue.
    pub previous: Vec<Option<usize>>,
    /// `family[k]`: the oldest version of series `k` in the queue (`k` itself when alone).
    pub family: Vec<usize>,
    /// Evidence that could not be used (a malformed change-id), one message each.
    pub problems: Vec<String>,
}

impl Families {
    /// The `list` id of series `k`'s previous version.
    pub fn previous_id(&self, queue: &Queue, k: usize) -> Option<usize> {
        self.previous
            .get(k)
            .copied()
            .flatten()
            .and_then(|p| queue.series.get(p))
            .map(|s| s.id)
    }

    /// The `list` id of the oldest version of series `k`.
    pub fn family_id(&self, queue: &Queue, k: usize) -> usize {
        let oldest = self.family.get(k).copied().unwrap_or(k);
        queue.series.get(oldest).map_or(0, |s| s.id)
    }
}

/// The longest change-id accepted; b4 writes `YYYYMMDD-topic-hash`, far shorter.
const CHANGE_ID_MAX: usize = 200;

/// The change-id of a cover (`change-id: 20240101-topic-abcdef012345`); an error message
/// when the line is there but its value is not a token of letters, digits, `-`, `_`, `.`.
pub fn change_id(body: &str) -> Option<Result<String, String>> {
    let value = body.lines().find_map(|l| {
        let l = l.trim_start();
        let (key, value) = l.split_once(':')?;
        key.eq_ignore_ascii_case("change-id").then(|| value.trim())
    })?;
    let ok = !value.is_empty()
        && value.len() <= CHANGE_ID_MAX
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    Some(if ok {
        Ok(value.to_string())
    } else {
        let shown: String = value.chars().take(40).collect();
        Err(format!("malformed change-id {shown:?}"))
    })
}

fn norm_title(t: &str) -> String {
    t.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `%XX` escapes decoded (lore writes a `/` in a Message-Id as `%2F`); bad escapes kept.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// True when a line (bullets stripped) starts with a version label: `v2:`, `v2 -`,
/// `link to v2:`, `[v2]`.
fn version_label(line: &str) -> bool {
    let l = line
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '*' | '•' | '['))
        .to_ascii_lowercase();
    let l = l.strip_prefix("link to ").unwrap_or(&l);
    let Some(rest) = l.strip_prefix('v') else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0
        && rest[digits..]
            .trim_start()
            .starts_with([':', '-', ']', '(', 'h'])
}

/// Message-Ids that a text links to as earlier versions: the path segment holding an `@`
/// of a URL on a line labelled with a version (`v1: https://lore.kernel.org/r/<id>`).
pub fn linked_ids(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        if !version_label(line) {
            continue;
        }
        for (pos, _) in line.match_indices("://") {
            let url = line[pos + 3..]
                .split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | ')'))
                .next()
                .unwrap_or("");
            let url = url.split(['#', '?']).next().unwrap_or("");
            if let Some(id) = url
                .split('/')
                .skip(1)
                .map(percent_decode)
                .find(|seg| seg.contains('@'))
            {
                out.push(id);
            }
        }
    }
    out
}

/// Union-find over series positions; the smaller position becomes the root.
struct Sets(Vec<usize>);

impl Sets {
    fn find(&mut self, x: usize) -> usize {
        let mut x = x;
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// True when two series touch a file in common or share a patch-id.
fn overlap(queue: &Queue, a: usize, b: usize) -> bool {
    let patches = |k: usize| {
        queue.series[k]
            .patches
            .iter()
            .filter_map(|&i| queue.patches.get(i))
    };
    let files: HashSet<&str> = patches(a).flat_map(|p| p.diff.paths()).collect();
    let ids: HashSet<&str> = patches(a).filter_map(|p| p.patch_id()).collect();
    patches(b).any(|p| {
        p.diff.paths().any(|path| files.contains(path))
            || p.patch_id().is_some_and(|id| ids.contains(id))
    })
}

/// Links the series of a queue into families.
pub fn link(queue: &Queue) -> Families {
    crate::patch::survey_all(&queue.patches);
    let n = queue.series.len();
    let mut problems = Vec::new();
    let mut by_msgid: HashMap<&str, usize> = HashMap::new();
    for (k, s) in queue.series.iter().enumerate() {
        for &i in s.cover.iter().chain(s.patches.iter()) {
            if let Some(id) = queue
                .patches
                .get(i)
                .and_then(|p| p.mail.message_id.as_deref())
            {
                by_msgid.entry(id.trim_matches(['<', '>'])).or_insert(k);
            }
        }
    }
    let mut sets = Sets((0..n).collect());
    let mut change_ids: Vec<Option<String>> = vec![None; n];
    let mut by_change: HashMap<String, usize> = HashMap::new();
    let mut by_title: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (k, s) in queue.series.iter().enumerate() {
        let Some(p) = s.head().and_then(|h| queue.patches.get(h)) else {
            continue;
        };
        if let Some(cid) = s
            .cover
            .and_then(|c| queue.patches.get(c))
            .and_then(|c| change_id(c.mail.body.as_str()))
        {
            match cid {
                Ok(cid) => {
                    match by_change.get(&cid) {
                        Some(&other) => sets.join(other, k),
                        None => {
                            by_change.insert(cid.clone(), k);
                        }
                    }
                    change_ids[k] = Some(cid);
                }
                Err(e) => problems.push(format!("series {}: {e}; not used to link versions", s.id)),
            }
        }
        let mut texts = vec![p.mail.body.as_str(), p.notes.as_str()];
        if let Some(first) = s.patches.first().and_then(|&i| queue.patches.get(i)) {
            texts.push(first.notes.as_str());
        }
        for text in texts {
            for id in linked_ids(text) {
                if let Some(&other) = by_msgid.get(id.as_str())
                    && other != k
                {
                    sets.join(other, k);
                }
            }
        }
        if let Some(irt) = p.mail.in_reply_to.as_deref()
            && let Some(&other) = by_msgid.get(irt.trim_matches(['<', '>']))
            && other != k
            && queue.series[other].version < s.version
        {
            sets.join(other, k);
        }
        let key = (p.author.email.to_lowercase(), norm_title(&s.title));
        by_title.entry(key).or_default().push(k);
    }
    // Each series joins the first earlier one of its author and title it overlaps with
    // (the rest of that family then follows by transitivity).
    for list in by_title.values() {
        for (x, &b) in list.iter().enumerate() {
            let first = list[..x].iter().copied().find(|&a| {
                let differ =
                    matches!((&change_ids[a], &change_ids[b]), (Some(x), Some(y)) if x != y);
                !differ && overlap(queue, a, b)
            });
            if let Some(a) = first {
                sets.join(a, b);
            }
        }
    }
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for k in 0..n {
        let r = sets.find(k);
        members.entry(r).or_default().push(k);
    }
    let mut previous = vec![None; n];
    let mut family: Vec<usize> = (0..n).collect();
    for list in members.values_mut() {
        list.sort_by_key(|&k| {
            let s = &queue.series[k];
            let date = s
                .head()
                .and_then(|h| queue.patches.get(h))
                .and_then(|p| p.date);
            (s.version, date, k)
        });
        for (pos, &k) in list.iter().enumerate() {
            family[k] = list[0];
            previous[k] = pos.checked_sub(1).map(|p| list[p]);
        }
    }
    Families {
        previous,
        family,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::{FileDiff, Patch};
    use crate::queue::Series;

    /// One series to put in a queue: its head's Message-Id, title, author, version, cover
    /// body (a cover is made when given), In-Reply-To and the file its patch touches.
    struct S<'a> {
        id: &'a str,
        title: &'a str,
        author: &'a str,
        version: u32,
        cover: Option<&'a str>,
        reply_to: Option<&'a str>,
        file: &'a str,
    }

    fn s<'a>(id: &'a str, title: &'a str, version: u32) -> S<'a> {
        S {
            id,
            title,
            author: "a@x.org",
            version,
            cover: None,
            reply_to: None,
            file: "a.c",
        }
    }

    fn queue(list: &[S]) -> Queue {
        let mut q = Queue::default();
        for (k, x) in list.iter().enumerate() {
            let mut series = Series {
                id: k + 1,
                title: x.title.into(),
                version: x.version,
                ..Series::default()
            };
            let mut head = Patch::default();
            head.mail.message_id = Some(x.id.into());
            head.mail.in_reply_to = x.reply_to.map(String::from);
            head.author.email = x.author.into();
            head.subject.title = x.title.into();
            if let Some(body) = x.cover {
                head.mail.body = body.into();
                series.cover = Some(q.patches.len());
                q.patches.push(head);
                let mut p = Patch::default();
                p.mail.message_id = Some(format!("p.{}", x.id));
                p.author.email = x.author.into();
                p.diff.push(FileDiff {
                    new_path: Some(x.file.into()),
                    ..FileDiff::default()
                });
                series.patches.push(q.patches.len());
                q.patches.push(p);
            } else {
                head.diff.push(FileDiff {
                    new_path: Some(x.file.into()),
                    ..FileDiff::default()
                });
                series.patches.push(q.patches.len());
                q.patches.push(head);
            }
            q.series.push(series);
        }
        q
    }

    fn prev(q: &Queue) -> Vec<Option<usize>> {
        let f = link(q);
        (0..q.series.len()).map(|k| f.previous_id(q, k)).collect()
    }

    #[test]
    fn change_ids_link_covers_whatever_their_titles() {
        let q = queue(&[
            S {
                cover: Some("change-id: 2024-x-1\n"),
                ..s("c1", "one", 1)
            },
            S {
                cover: Some("change-id: 2024-x-2\n"),
                ..s("c2", "other", 1)
            },
            S {
                cover: Some("change-id: 2024-x-1\n"),
                author: "b@y.org",
                ..s("c3", "two", 2)
            },
        ]);
        assert_eq!(prev(&q), [None, None, Some(1)]);
        let f = link(&q);
        assert_eq!(f.family_id(&q, 2), 1);
        assert!(f.problems.is_empty());
    }

    #[test]
    fn version_links_and_replies_link_series() {
        let q = queue(&[
            s("v1@x.org", "first title", 1),
            S {
                cover: Some("v2:\n- Link to v1: https://lore.kernel.org/r/v1@x.org\n"),
                author: "z@z",
                ..s("v2@x.org", "renamed", 2)
            },
            S {
                reply_to: Some("<v2@x.org>"),
                author: "q@q",
                ..s("v3@x.org", "renamed again", 3)
            },
            // A reply to a newer version is no earlier version of it.
            S {
                reply_to: Some("v3@x.org"),
                author: "r@r",
                ..s("old@x.org", "unrelated", 1)
            },
        ]);
        assert_eq!(prev(&q), [None, Some(1), Some(2), None]);
        let f = link(&q);
        assert_eq!((f.family_id(&q, 2), f.family_id(&q, 3)), (1, 4));
    }

    #[test]
    fn same_author_and_title_link_only_with_a_file_in_common() {
        let q = queue(&[
            s("a1", "hw: Fix It", 1),
            s("a2", "hw:  fix it", 2),
            S {
                file: "elsewhere.c",
                ..s("a3", "hw: fix it", 3)
            },
            S {
                author: "other@x.org",
                ..s("a4", "hw: fix it", 2)
            },
        ]);
        assert_eq!(prev(&q), [None, Some(1), None, None]);
    }

    #[test]
    fn a_malformed_change_id_is_reported_and_the_title_still_links() {
        let q = queue(&[
            S {
                cover: Some("change-id: not valid!\n"),
                ..s("m1", "t", 1)
            },
            S {
                cover: Some("change-id: fine\n"),
                ..s("m2", "t", 2)
            },
        ]);
        let f = link(&q);
        assert_eq!(f.problems.len(), 1, "{:?}", f.problems);
        assert!(f.problems[0].contains("series 1") && f.problems[0].contains("malformed"));
        assert_eq!(prev(&q), [None, Some(1)]);
    }

    #[test]
    fn different_change_ids_keep_same_titled_series_apart() {
        let q = queue(&[
            S {
                cover: Some("change-id: one\n"),
                ..s("d1", "t", 1)
            },
            S {
                cover: Some("change-id: two\n"),
                ..s("d2", "t", 2)
            },
        ]);
        assert_eq!(prev(&q), [None, None]);
        assert_eq!(link(&Queue::default()), Families::default());
    }

    #[test]
    fn change_id_is_read_or_reported() {
        assert_eq!(
            change_id("hi\n\n---\nchange-id: 20240101-x-0123abcd\n"),
            Some(Ok("20240101-x-0123abcd".into()))
        );
        assert!(matches!(change_id("change-id: bad id!\n"), Some(Err(_))));
        assert!(matches!(change_id("Change-Id:\n"), Some(Err(_))));
        assert!(matches!(
            change_id(&format!("change-id: {}\n", "a".repeat(500))),
            Some(Err(_))
        ));
        assert_eq!(change_id("nothing\n"), None);
    }

    #[test]
    fn lore_links_to_earlier_versions_are_found() {
        let ids = linked_ids(
            "v1: https://lore.kernel.org/all/20240101.1-a@x.org/\n\
             - Link to v2: https://lore.kernel.org/r/b@y.org\n\
             v3: not a link\n\
             Changes in v2: see https://lore.kernel.org/r/not-this@z.org\n\
             v4 - <https://patchew.org/QEMU/c%2Fd@q.org/>\n\
             see https://lore.kernel.org/r/unlabelled@x.org\n",
        );
        assert_eq!(ids, ["20240101.1-a@x.org", "b@y.org", "c/d@q.org"]);
    }

    #[test]
    fn odd_text_gives_no_ids_and_no_panic() {
        for t in [
            "v",
            "v:",
            "v1:",
            "v1: ://",
            "v1: https://@",
            "%",
            "v1: https://x/%e2%8",
        ] {
            let _ = linked_ids(t);
        }
        assert_eq!(percent_decode("a%2Fb%zz%"), "a/b%zz%");
    }
}
