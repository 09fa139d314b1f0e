//! Grouping messages into a [`Queue`]: which messages are patches, cover letters or replies,
//! which patches form a series, what is missing or repeated, and what each reply answers.
//!
//! A series is identified by (thread root, version, total). The thread root is the first id
//! of a message's `References:` (else its `In-Reply-To:`, else its own Message-Id), so
//! shallow and deep threading, a missing root message and a v2 sent in reply to v1 all group
//! right; version and total keep re-rolls apart. Messages without a Message-Id (a
//! `git format-patch` directory made without threading, a git range) fall back to
//! consecutive runs of the same version and total.

use super::{Queue, Reply, Series};
use crate::mail::Message;
use crate::patch::{Parsed, Patch, Trailer};
use crate::source::Loaded;
use std::collections::HashMap;

/// What a message is within a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Patch,
    Cover,
    Reply,
}

fn classify(patch: &Patch) -> Kind {
    if patch.subject.is_reply {
        // A reply that carries a patch (in-body headers, a `[PATCH]` line or a scissors line
        // above a diff) is what `git am` takes: a patch.
        let carries_patch = match &patch.as_reply {
            Some(facts) => facts.carries_patch,
            None => crate::patch::mailinfo::carries_patch(&patch.mail.body),
        };
        if patch.has_diff() && carries_patch {
            return Kind::Patch;
        }
        return Kind::Reply;
    }
    if patch.subject.index == Some(0) && patch.subject.total.is_some() {
        return Kind::Cover;
    }
    if patch.has_diff() {
        return Kind::Patch;
    }
    // A `[PATCH n/N]` that lost its diff (or carries only a binary note) is still a patch of
    // its series: the maintainer should see it there, flagged, rather than among replies.
    // So is a lone `[PATCH]` with no diff (an empty commit, a patch a mailer lost): listed,
    // and the policy says there is nothing to apply. A `[GIT PULL]` is not a patch.
    if (patch.subject.total.is_some() && is_patch_like(patch))
        || patch
            .subject
            .tags
            .iter()
            .any(|t| t.eq_ignore_ascii_case("PATCH"))
    {
        return Kind::Patch;
    }
    Kind::Reply
}

fn is_patch_like(patch: &Patch) -> bool {
    patch
        .subject
        .tags
        .iter()
        .any(|t| matches!(t.to_ascii_uppercase().as_str(), "PATCH" | "PULL" | "RFC"))
}

/// The id the thread of a message starts at.
fn thread_root(mail: &Message) -> Option<&str> {
    mail.references
        .first()
        .or(mail.in_reply_to.as_ref())
        .or(mail.message_id.as_ref())
        .map(String::as_str)
}

/// Builds the queue from the messages of a source.
pub fn build(source: &str, loaded: Loaded) -> Queue {
    build_parsed(source, Parsed::from_loaded(loaded))
}

/// Builds the queue from messages already built into patches.
pub fn build_parsed(source: &str, parsed: Parsed) -> Queue {
    let Parsed {
        mut patches,
        skipped: skipped_messages,
        window,
    } = parsed;
    // The replies are taken out in place: the patches are never moved to a new list.
    let reply_mails: Vec<(Message, Option<Vec<Trailer>>)> = patches
        .extract_if(.., |patch| matches!(classify(patch), Kind::Reply))
        .map(|reply| (reply.mail, reply.as_reply.map(|facts| facts.trailers)))
        .collect();
    let mut queue = Queue {
        source: source.to_string(),
        skipped: skipped_messages,
        window,
        patches,
        ..Queue::default()
    };
    group_series(&mut queue);
    link_replies(&mut queue, reply_mails);
    queue
}

/// A key that decides which series a patch belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum SeriesKey<'a> {
    /// Threaded: (root id, version, total).
    Thread(&'a str, u32, Option<u32>),
    /// Unthreaded numbered patches: the n-th consecutive run of (version, total).
    Run(usize),
    /// A lone patch with nothing to group it by.
    Alone(usize),
}

fn group_series(queue: &mut Queue) {
    // Each patch's key, and the patches of each key in the order the keys first appear.
    let mut slots: HashMap<SeriesKey<'_>, usize, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(queue.patches.len(), Default::default());
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut run = 0usize;
    let mut previous: Option<(u32, Option<u32>, Option<u32>)> = None;
    for (i, patch) in queue.patches.iter().enumerate() {
        let s = &patch.subject;
        let key = match (patch.mail.message_id.is_some(), s.total) {
            (true, total) => {
                let root = thread_root(&patch.mail).unwrap_or_default();
                // A lone patch that answers some other thread is a series of its own.
                if total.is_none() && patch.mail.message_id.as_deref() != Some(root) {
                    let own = patch.mail.message_id.as_deref().unwrap_or_default();
                    SeriesKey::Thread(own, s.version, None)
                } else {
                    SeriesKey::Thread(root, s.version, total)
                }
            }
            (false, Some(total)) => {
                // A new run starts when version or total changes or the counter goes back.
                let continues = matches!(previous, Some((v, t, n))
                    if v == s.version && t == Some(total) && n < s.index);
                if !continues {
                    run += 1;
                }
                SeriesKey::Run(run)
            }
            (false, None) => SeriesKey::Alone(i),
        };
        previous = Some((s.version, s.total, s.index));
        let next = groups.len();
        let slot = *slots.entry(key).or_insert(next);
        if slot == next {
            groups.push(Vec::new());
        }
        groups[slot].push(i);
    }
    drop(slots);
    queue.series.reserve(groups.len());
    for (n, indices) in groups.into_iter().enumerate() {
        let series = make_series(queue, n + 1, indices);
        queue.series.push(series);
    }
}

fn make_series(queue: &Queue, id: usize, indices: Vec<usize>) -> Series {
    let mut series = Series {
        id,
        ..Series::default()
    };
    let mut by_index: Vec<(u32, usize)> = Vec::new();
    let mut unnumbered = Vec::new();
    for &i in &indices {
        let subject = &queue.patches[i].subject;
        series.version = series.version.max(subject.version);
        if series.total.is_none() {
            series.total = subject.total;
        }
        match subject.index {
            Some(0) if series.cover.is_none() => series.cover = Some(i),
            Some(0) => series.duplicates.push(i),
            Some(n) => by_index.push((n, i)),
            None => unnumbered.push(i),
        }
    }
    by_index.sort_by_key(|&(n, i)| (n, i));
    let mut last = None;
    for (n, i) in by_index {
        if last == Some(n) {
            series.duplicates.push(i);
        } else {
            series.patches.push(i);
            last = Some(n);
        }
    }
    series.patches.extend(unnumbered);
    if let Some(total) = series.total {
        let present: Vec<u32> = series
            .patches
            .iter()
            .filter_map(|&i| queue.patches[i].subject.index)
            .collect();
        series.missing = (1..=total).filter(|n| !present.contains(n)).collect();
    }
    let title_from = series.head();
    series.title = title_from
        .map(|i| queue.patches[i].subject.title.clone())
        .unwrap_or_default();
    if series.version == 0 {
        series.version = 1;
    }
    series
}

/// Links each reply (with the review trailers it states, when they were read before) to what
/// it answers.
fn link_replies(queue: &mut Queue, replies: Vec<(Message, Option<Vec<Trailer>>)>) {
    if replies.is_empty() {
        return;
    }
    let parents: Vec<Option<usize>> = {
        let mut patch_by_id: HashMap<&str, usize> = HashMap::with_capacity(queue.patches.len());
        for (i, patch) in queue.patches.iter().enumerate() {
            if let Some(id) = &patch.mail.message_id {
                patch_by_id.entry(id.as_str()).or_insert(i);
            }
        }
        let reply_parent: HashMap<&str, Vec<&str>> = replies
            .iter()
            .filter_map(|(m, _)| Some((m.message_id.as_deref()?, ancestry(m))))
            .collect();
        replies
            .iter()
            .map(|(m, _)| find_parent(&ancestry(m), &patch_by_id, &reply_parent))
            .collect()
    };
    queue.replies.reserve(replies.len());
    for ((mail, stated), parent) in replies.into_iter().zip(parents) {
        let trailers =
            stated.unwrap_or_else(|| crate::patch::trailers::stated_in_reply(&mail.body));
        queue.replies.push(Reply {
            mail,
            parent,
            trailers,
        });
    }
}

/// A message's ancestors, nearest first.
fn ancestry(mail: &Message) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    if let Some(id) = &mail.in_reply_to {
        ids.push(id);
    }
    for id in mail.references.iter().rev() {
        if !ids.contains(&id.as_str()) {
            ids.push(id);
        }
    }
    ids
}

/// The nearest patch or cover letter among the ancestors; a reply to a reply concerns the
/// patch the first reply answered.
fn find_parent(
    ancestors: &[&str],
    patch_by_id: &HashMap<&str, usize>,
    reply_parent: &HashMap<&str, Vec<&str>>,
) -> Option<usize> {
    let mut seen = 0usize;
    let mut frontier: Vec<&str> = ancestors.to_vec();
    while let Some(id) = frontier.first().copied() {
        frontier.remove(0);
        if let Some(&i) = patch_by_id.get(id) {
            return Some(i);
        }
        seen += 1;
        if seen > 64 {
            break;
        }
        if let Some(up) = reply_parent.get(id) {
            frontier.splice(0..0, up.iter().copied());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::{FileDiff, Subject};

    /// A patch with just what grouping looks at.
    fn patch(
        id: Option<&str>,
        refs: &[&str],
        version: u32,
        n: Option<u32>,
        total: Option<u32>,
    ) -> Patch {
        let mut p = Patch::default();
        p.mail.message_id = id.map(String::from);
        p.mail.references = refs.iter().map(|s| s.to_string()).collect();
        p.mail.in_reply_to = refs.last().map(|s| s.to_string());
        p.subject = Subject {
            title: format!("t{}", n.unwrap_or(0)),
            version,
            index: n,
            total,
            tags: vec!["PATCH".into()],
            ..Subject::default()
        };
        if n != Some(0) {
            p.diff.push(FileDiff::default());
        }
        p
    }

    /// A reply sent by the person its first own trailer names (so the trailers count).
    fn reply(id: &str, refs: &[&str], body: &str) -> Message {
        let sender = body
            .lines()
            .filter(|l| !l.starts_with('>'))
            .find_map(|l| Some(l[l.find('<')? + 1..l.find('>')?].to_string()));
        Message {
            from: sender.map(|email| crate::mail::Address {
                name: String::new(),
                email,
            }),
            message_id: Some(id.into()),
            in_reply_to: refs.last().map(|s| s.to_string()),
            references: refs.iter().map(|s| s.to_string()).collect(),
            body: body.into(),
            ..Message::default()
        }
    }

    fn grouped(patches: Vec<Patch>, replies: Vec<Message>) -> Queue {
        let mut q = Queue {
            patches,
            ..Queue::default()
        };
        group_series(&mut q);
        link_replies(&mut q, replies.into_iter().map(|m| (m, None)).collect());
        q
    }

    fn mail_patch(subject: &str, body: &str) -> Patch {
        Patch::from_message(Message {
            subject: subject.into(),
            from: Some(crate::mail::Address {
                name: "S".into(),
                email: "s@example.org".into(),
            }),
            body: body.into(),
            ..Message::default()
        })
    }

    #[test]
    fn replies_carrying_a_patch_and_patches_without_a_diff() {
        let diff = "---\n a | 1 +\n\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1,2 @@\n x\n+y\n";
        let inbody = mail_patch(
            "Re: [PATCH] old",
            &format!("From: A U Thor <a@example.com>\nSubject: [PATCH] new\n\nWhy.\n{diff}"),
        );
        assert_eq!(classify(&inbody), Kind::Patch);
        assert_eq!(inbody.subject.title, "new");
        assert_eq!(inbody.author.email, "a@example.com");
        let scissors = mail_patch(
            "Re: [PATCH] old",
            &format!("Try this:\n\n-- >8 --\nWhy.\n{diff}"),
        );
        assert_eq!(classify(&scissors), Kind::Patch);
        // A review that quotes the diff, or suggests one without marking it, stays a reply.
        assert_eq!(
            classify(&mail_patch(
                "Re: [PATCH] old",
                &format!("Something like:\n{diff}")
            )),
            Kind::Reply
        );
        assert_eq!(
            classify(&mail_patch("[PATCH] empty", "Nothing here.\n")),
            Kind::Patch
        );
        assert_eq!(
            classify(&mail_patch("[GIT PULL] branch", "Please pull.\n")),
            Kind::Reply
        );
        assert_eq!(
            classify(&mail_patch(
                "Re: [PATCH] x",
                "From: A <a@x.org>\n\nNo diff.\n"
            )),
            Kind::Reply
        );
    }

    #[test]
    fn classify_tells_covers_patches_and_replies_apart() {
        assert_eq!(
            classify(&patch(Some("c"), &[], 1, Some(0), Some(2))),
            Kind::Cover
        );
        assert_eq!(
            classify(&patch(Some("a"), &["c"], 1, Some(1), Some(2))),
            Kind::Patch
        );
        let mut re = patch(Some("r"), &["a"], 1, Some(1), Some(2));
        re.subject.is_reply = true;
        assert_eq!(classify(&re), Kind::Reply);
        let mut chat = Patch::default();
        chat.subject.title = "question".into();
        assert_eq!(classify(&chat), Kind::Reply);
    }

    #[test]
    fn shallow_threaded_series_with_cover() {
        let q = grouped(
            vec![
                patch(Some("c"), &[], 1, Some(0), Some(2)),
                patch(Some("a"), &["c"], 1, Some(1), Some(2)),
                patch(Some("b"), &["c"], 1, Some(2), Some(2)),
            ],
            vec![],
        );
        assert_eq!(q.series.len(), 1);
        let s = &q.series[0];
        assert_eq!(s.cover, Some(0));
        assert_eq!(s.patches, vec![1, 2]);
        assert!(s.missing.is_empty());
        assert_eq!(s.title, "t0");
    }

    #[test]
    fn deep_threading_and_missing_root_group_too() {
        let q = grouped(
            vec![
                patch(Some("a"), &["root"], 2, Some(1), Some(3)),
                patch(Some("b"), &["root", "a"], 2, Some(2), Some(3)),
                patch(Some("c"), &["root", "a", "b"], 2, Some(3), Some(3)),
            ],
            vec![],
        );
        assert_eq!(q.series.len(), 1);
        assert_eq!(q.series[0].patches, vec![0, 1, 2]);
        assert_eq!(q.series[0].version, 2);
        assert_eq!(q.series[0].cover, None);
    }

    #[test]
    fn v2_in_reply_to_v1_is_its_own_series() {
        let q = grouped(
            vec![
                patch(Some("c1"), &[], 1, Some(0), Some(1)),
                patch(Some("p1"), &["c1"], 1, Some(1), Some(1)),
                patch(Some("c2"), &["c1"], 2, Some(0), Some(1)),
                patch(Some("p2"), &["c1", "c2"], 2, Some(1), Some(1)),
            ],
            vec![],
        );
        assert_eq!(q.series.len(), 2);
        assert_eq!((q.series[0].version, q.series[0].cover), (1, Some(0)));
        assert_eq!((q.series[1].version, q.series[1].cover), (2, Some(2)));
        assert_eq!(q.series[1].patches, vec![3]);
    }

    #[test]
    fn missing_and_duplicate_patches_are_recognised() {
        let q = grouped(
            vec![
                patch(Some("c"), &[], 1, Some(0), Some(5)),
                patch(Some("a"), &["c"], 1, Some(1), Some(5)),
                patch(Some("e"), &["c"], 1, Some(5), Some(5)),
                patch(Some("a2"), &["c"], 1, Some(1), Some(5)),
                patch(Some("d"), &["c"], 1, Some(3), Some(5)),
            ],
            vec![],
        );
        let s = &q.series[0];
        assert_eq!(s.patches, vec![1, 4, 2]);
        assert_eq!(s.missing, vec![2, 4]);
        assert_eq!(s.duplicates, vec![3]);
    }

    #[test]
    fn unthreaded_numbered_patches_form_runs() {
        let q = grouped(
            vec![
                patch(None, &[], 1, Some(1), Some(2)),
                patch(None, &[], 1, Some(2), Some(2)),
                patch(None, &[], 1, Some(1), Some(2)),
                patch(None, &[], 1, None, None),
                patch(None, &[], 1, None, None),
            ],
            vec![],
        );
        let shapes: Vec<Vec<usize>> = q.series.iter().map(|s| s.patches.clone()).collect();
        assert_eq!(shapes, vec![vec![0, 1], vec![2], vec![3], vec![4]]);
    }

    #[test]
    fn lone_patches_are_series_of_one() {
        let q = grouped(
            vec![
                patch(Some("x"), &[], 1, None, None),
                patch(Some("y"), &[], 1, None, None),
                patch(Some("z"), &["elsewhere"], 1, None, None),
            ],
            vec![],
        );
        assert_eq!(q.series.len(), 3);
        assert!(
            q.series
                .iter()
                .all(|s| s.patches.len() == 1 && s.total.is_none())
        );
    }

    #[test]
    fn replies_link_to_the_patch_they_answer_even_through_other_replies() {
        let q = grouped(
            vec![
                patch(Some("c"), &[], 1, Some(0), Some(2)),
                patch(Some("a"), &["c"], 1, Some(1), Some(2)),
                patch(Some("b"), &["c"], 1, Some(2), Some(2)),
            ],
            vec![
                reply("r1", &["c", "b"], "Reviewed-by: R <r@example.org>\n"),
                reply(
                    "r2",
                    &["r1"],
                    "> Reviewed-by: R <r@example.org>\nAcked-by: S <s@example.org>\n",
                ),
                reply("r3", &["c"], "Tested-by: T <t@example.org>\n"),
                reply("r4", &["unknown"], "hello\n"),
            ],
        );
        let parents: Vec<Option<usize>> = q.replies.iter().map(|r| r.parent).collect();
        assert_eq!(parents, vec![Some(2), Some(2), Some(0), None]);
        assert_eq!(q.replies[1].trailers.len(), 1, "quoted trailer ignored");
        assert_eq!(q.replies[1].trailers[0].key, "Acked-by");
        // The cover letter's Tested-by speaks for every patch.
        let counts = q.review_counts(1);
        assert_eq!((counts.acked, counts.reviewed, counts.tested), (0, 0, 1));
        let counts = q.review_counts(2);
        assert_eq!((counts.acked, counts.reviewed, counts.tested), (1, 1, 1));
    }

    #[test]
    fn review_counts_count_each_identity_once_and_agree_for_all_patches() {
        let mut own = patch(Some("a"), &["c"], 1, Some(1), Some(2));
        own.trailers.push(Trailer {
            key: "Reviewed-by".into(),
            value: "R <r@example.org>".into(),
            line: 4,
        });
        let q = grouped(
            vec![
                patch(Some("c"), &[], 1, Some(0), Some(2)),
                own,
                patch(Some("b"), &["c"], 1, Some(2), Some(2)),
            ],
            vec![
                reply("r1", &["c", "a"], "Reviewed-by: R <R@example.org>\n"),
                reply(
                    "r2",
                    &["c"],
                    "Reviewed-by: R <r@example.org>\nAcked-by: R <r@example.org>\n",
                ),
            ],
        );
        let one = q.review_counts(1);
        assert_eq!(
            (one.acked, one.reviewed, one.tested),
            (1, 1, 0),
            "R counted once"
        );
        let each: Vec<_> = (0..q.patches.len()).map(|i| q.review_counts(i)).collect();
        assert_eq!(q.all_review_counts(), each);
    }

    #[test]
    fn a_reply_trailer_naming_someone_else_is_not_counted() {
        let mut forwarded = reply(
            "r1",
            &["a"],
            "Acked-by: S <s@example.org>
",
        );
        forwarded.from = Some(crate::mail::Address {
            name: "Bot".into(),
            email: "bot@example.org".into(),
        });
        let mut relayed = reply(
            "r2",
            &["a"],
            "Tested-by: T <t@example.org>
",
        );
        relayed.from = Some(crate::mail::Address {
            name: "List".into(),
            email: "list@example.org".into(),
        });
        relayed.x_original_from = Some(crate::mail::Address {
            name: "T".into(),
            email: "T@example.org".into(),
        });
        let q = grouped(
            vec![patch(Some("a"), &[], 1, None, None)],
            vec![forwarded, relayed],
        );
        let counts = q.review_counts(0);
        // The bot's Acked-by names S: a warning for the desk, not an ack. The list rewrote
        // From but kept the original sender, whose Tested-by counts.
        assert_eq!((counts.acked, counts.reviewed, counts.tested), (0, 0, 1));
        assert_eq!(q.all_review_counts(), vec![counts]);
    }

    #[test]
    fn one_person_counts_once_by_address_and_extra_trailers_join_the_count() {
        let q = grouped(
            vec![
                patch(Some("c"), &[], 1, Some(0), Some(1)),
                patch(Some("a"), &["c"], 1, Some(1), Some(1)),
            ],
            vec![reply(
                "r1",
                &["c", "a"],
                "Acked-by: Mae M. <MAE@example.org> # for net\n",
            )],
        );
        assert_eq!(q.review_counts(1).acked, 1);
        let mine = |key: &str| Trailer {
            key: key.into(),
            value: "Mae Maintainer <mae@example.org>".into(),
            line: 0,
        };
        // The same address under another name is the same person: no second ack.
        let with = q.review_counts_with(1, &[mine("Acked-by"), mine("Reviewed-by")]);
        assert_eq!((with.acked, with.reviewed, with.tested), (1, 1, 0));
        assert_eq!(super::super::review_identity("x@y"), "x@y");
        assert_eq!(q.review_counts_with(9, &[mine("Acked-by")]).acked, 0);
    }

    #[test]
    fn reply_trailers_skip_quotes_indentation_and_repeats() {
        let t = crate::patch::trailers::stated_in_reply(
            "> Acked-by: A <a@x>\n  Reviewed-by: B <b@x>\nReviewed-by: C <c@x>\nReviewed-by: C <c@x>\nNacked-by: D <d@x>\nSigned-off-by: E <e@x>\nTested-by:\n",
        );
        let keys: Vec<(&str, &str)> = t
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect();
        assert_eq!(
            keys,
            vec![("Reviewed-by", "C <c@x>"), ("Nacked-by", "D <d@x>")]
        );
    }

    #[test]
    fn select_by_number_id_and_commit() {
        let mut q = grouped(
            vec![
                patch(Some("c"), &[], 1, Some(0), Some(3)),
                patch(Some("a"), &["c"], 1, Some(1), Some(3)),
                patch(Some("b"), &["c"], 1, Some(3), Some(3)),
            ],
            vec![],
        );
        q.patches[2].mail.commit = Some("deadbeef00".into());
        assert_eq!(q.select(Some("1.0")).ok(), Some(0));
        assert_eq!(q.select(Some("1.3")).ok(), Some(2));
        assert_eq!(q.select(Some("<a>")).ok(), Some(1));
        assert_eq!(q.select(Some("deadbe")).ok(), Some(2));
        let err = q.select(Some("1.2")).unwrap_err().to_string();
        assert!(err.contains("did not arrive"), "{err}");
        assert!(q.select(Some("9.1")).is_err());
        assert!(q.select(None).is_err(), "two patches need a name");
    }
}
