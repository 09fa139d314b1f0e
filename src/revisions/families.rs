//! Which series of a queue are versions of one another. Evidence, strongest first: the
//! same b4 `change-id:` in the covers; a link to an earlier version's Message-Id in the
//! cover or notes (`v1: https://lore…/<id>`, `Link to v2: …`); the newer posted in reply
//! to the older; else the same author with the same title (cover's, or the first patch's)
//! and a lower version number. Within a family the series are ordered by version, then
//! date.

use crate::queue::{Queue, Series};
use std::collections::HashMap;

/// Each series' newest earlier version and the oldest of its family (ids as in `list`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Families {
    /// `previous[id]`: the newest earlier version in the queue.
    pub previous: Vec<Option<usize>>,
    /// `family[id]`: the oldest version in the queue (the series itself when alone).
    pub family: Vec<usize>,
    /// Change-ids that could not be read, with the series they were in.
    pub problems: Vec<String>,
}

/// The change-id of a cover (`change-id: 20240101-topic-abcdef012345`); an error message
/// when the line is there but its value is not a token of letters, digits, `-`, `_`, `.`.
pub fn change_id(body: &str) -> Option<Result<String, String>> {
    let line = body.lines().find(|l| {
        l.trim_start()
            .to_ascii_lowercase()
            .starts_with("change-id:")
    })?;
    let value = line.trim_start()["change-id:".len()..].trim();
    let ok = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    Some(if ok {
        Ok(value.to_string())
    } else {
        Err(format!("malformed change-id {value:?}"))
    })
}

fn head(s: &Series) -> Option<usize> {
    s.cover.or_else(|| s.patches.first().copied())
}

fn norm_title(t: &str) -> String {
    t.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Message-Ids that a text links to as earlier versions (lore-style URLs after a `vN:` or
/// `Link to vN:` label).
fn linked_ids(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim().to_ascii_lowercase();
        let labelled = (l.starts_with('v')
            && l[1..]
                .split(':')
                .next()
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty()))
            || l.starts_with("link to v");
        if !labelled {
            continue;
        }
        if let Some(pos) = line.find("://") {
            let url = line[pos..].split_whitespace().next().unwrap_or("");
            let parts: Vec<&str> = url.trim_end_matches('/').split('/').collect();
            // https://lore.kernel.org/<list>/<id>/ or https://lore.kernel.org/r/<id>
            if let Some(id) = parts.last().filter(|p| p.contains('@')) {
                out.push(id.trim_matches(['<', '>']).to_string());
            }
        }
    }
    out
}

/// Links the series of a queue into families.
pub fn link(queue: &Queue) -> Families {
    let n = queue.series.len();
    let mut problems = Vec::new();
    let mut by_msgid: HashMap<&str, usize> = HashMap::new();
    for (k, s) in queue.series.iter().enumerate() {
        for &i in s.cover.iter().chain(s.patches.iter()) {
            if let Some(id) = queue.patches[i].mail.message_id.as_deref() {
                by_msgid.insert(id.trim_matches(['<', '>']), k);
            }
        }
    }
    // Union-find over series positions.
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], x: usize) -> usize {
        let mut x = x;
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let join = |p: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (find(p, a), find(p, b));
        if ra != rb {
            p[ra.max(rb)] = ra.min(rb);
        }
    };
    let mut by_change: HashMap<String, usize> = HashMap::new();
    let mut by_title: HashMap<(String, String), usize> = HashMap::new();
    for (k, s) in queue.series.iter().enumerate() {
        let Some(h) = head(s) else { continue };
        let p = &queue.patches[h];
        let mut strong = false;
        if let Some(cid) = s
            .cover
            .and_then(|c| change_id(queue.patches[c].mail.body.as_str()))
        {
            match cid {
                Ok(cid) => {
                    strong = true;
                    if let Some(&other) = by_change.get(&cid) {
                        join(&mut parent, other, k);
                    } else {
                        by_change.insert(cid, k);
                    }
                }
                Err(e) => problems.push(format!("series {}: {e}; not used to link versions", s.id)),
            }
        }
        let text = format!("{}\n{}", p.mail.body.as_str(), p.notes);
        for id in linked_ids(&text) {
            if let Some(&other) = by_msgid.get(id.as_str())
                && other != k
            {
                join(&mut parent, other, k);
                strong = true;
            }
        }
        if let Some(irt) = p.mail.in_reply_to.as_deref()
            && let Some(&other) = by_msgid.get(irt.trim_matches(['<', '>']))
            && other != k
            && queue.series[other].version < s.version
        {
            join(&mut parent, other, k);
            strong = true;
        }
        if !strong {
            let key = (p.author.email.to_lowercase(), norm_title(&s.title));
            if let Some(&other) = by_title.get(&key) {
                join(&mut parent, other, k);
            } else {
                by_title.insert(key, k);
            }
        }
    }
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for k in 0..n {
        let r = find(&mut parent, k);
        members.entry(r).or_default().push(k);
    }
    let mut previous = vec![None; n];
    let mut family = vec![0; n];
    let ids: Vec<usize> = queue.series.iter().map(|s| s.id).collect();
    let max_id = ids.iter().copied().max().map_or(0, |m| m + 1);
    previous.resize(max_id.max(n), None);
    family.resize(max_id.max(n), 0);
    for list in members.values_mut() {
        list.sort_by_key(|&k| {
            let s = &queue.series[k];
            let date = head(s).and_then(|h| queue.patches[h].date);
            (s.version, date, k)
        });
        let oldest = ids[list[0]];
        for (pos, &k) in list.iter().enumerate() {
            family[ids[k]] = oldest;
            previous[ids[k]] = pos.checked_sub(1).map(|p| ids[list[p]]);
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

    #[test]
    fn change_id_is_read_or_reported() {
        assert_eq!(
            change_id("hi\n\n---\nchange-id: 20240101-x-0123abcd\n"),
            Some(Ok("20240101-x-0123abcd".into()))
        );
        assert!(matches!(change_id("change-id: bad id!\n"), Some(Err(_))));
        assert_eq!(change_id("nothing\n"), None);
    }

    #[test]
    fn lore_links_to_earlier_versions_are_found() {
        let ids = linked_ids(
            "v1: https://lore.kernel.org/all/20240101.1-a@x.org/\nLink to v2: https://lore.kernel.org/r/b@y.org\nv3: not a link\n",
        );
        assert_eq!(ids, ["20240101.1-a@x.org", "b@y.org"]);
    }
}
