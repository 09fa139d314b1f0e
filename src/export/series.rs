//! `export series`: the patches of a series as an mbox `git am` takes, each commit message
//! carrying the trailers collected from replies and the maintainer's own, placed by git's
//! rules ([`crate::patch::trailers::add`], i.e. `git interpret-trailers --if-exists
//! addIfDifferent`), and with `--signoff` the maintainer's Signed-off-by last, as `git am -s`
//! puts it.
//!
//! The cover letter is left out (it carries no diff; `git am` would stop on it).

use super::mbox::{Mbox, Outgoing};
use super::plan::ReviewPlan;
use crate::mail::Address;
use crate::patch::trailers;
use crate::queue::{Queue, Series};
use crate::triage::replies::{Collected, collect};
use crate::{Error, Result};
use std::path::Path;

/// Options of `export series` and `apply`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeriesOptions {
    /// Append the maintainer's Signed-off-by last.
    pub signoff: bool,
    /// Go on when patches of the series did not arrive.
    pub allow_missing: bool,
}

/// One patch of an exported series.
#[derive(Debug, Clone)]
pub struct ExportedPatch {
    /// Index into [`Queue::patches`].
    pub index: usize,
    /// The commit message `git am` will commit.
    pub message: String,
    /// The mail that carries it.
    pub mail: Outgoing,
}

/// The trailers from replies that go into a patch's message, as the desk collects them
/// ([`crate::triage::replies::collect`]: review trailers whose address is the reply's sender,
/// replies to a cover letter counting for every patch, NACKs never), plus those the
/// maintainer accepted at the desk although the sender differs; each once.
pub fn collected_trailers(queue: &Queue, plan: &ReviewPlan, index: usize) -> Vec<(String, String)> {
    collected_with(&collect(queue), queue, plan, index)
}

/// [`collected_trailers`] with the queue's replies already collected.
pub fn collected_with(
    collected: &Collected,
    queue: &Queue,
    plan: &ReviewPlan,
    index: usize,
) -> Vec<(String, String)> {
    let accepted: &[String] = queue
        .patches
        .get(index)
        .and_then(|p| plan.patch(&p.key))
        .map_or(&[], |r| r.accepted_reply_trailers.as_slice());
    let matched = collected.for_patch(index);
    let accepted_warnings = collected
        .warnings
        .iter()
        .filter(|t| t.patch == index && accepted.contains(&t.line()));
    let mut out: Vec<(String, String)> = Vec::new();
    for t in matched.chain(accepted_warnings) {
        if t.key.eq_ignore_ascii_case("Nacked-by") {
            continue;
        }
        if !out
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case(&t.key) && v == &t.value)
        {
            out.push((t.key.clone(), t.value.clone()));
        }
    }
    out
}

/// Adds the Signed-off-by of `who` as `git am -s` does: nothing when it is already the last
/// trailer, otherwise appended at the end of the trailer block (even when it appears
/// earlier: the maintainer's sign-off must come last).
pub fn append_signoff(message: &str, who: &Address) -> String {
    let value = who.display();
    let (_, existing) = trailers::parse(message);
    let last_is_ours = existing
        .last()
        .is_some_and(|t| t.key.eq_ignore_ascii_case("Signed-off-by") && t.value == value);
    if last_is_ours {
        return message.to_string();
    }
    let seen = existing
        .iter()
        .any(|t| t.key.eq_ignore_ascii_case("Signed-off-by") && t.value == value);
    if seen {
        // The block ends the message; git appends the line after it.
        let mut out = message.to_string();
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("Signed-off-by: {value}\n"));
        return out;
    }
    trailers::add(message, "Signed-off-by", &value).message
}

/// The commit message of patch `index` with the trailers collected from replies, the
/// maintainer's trailers, and (with `signoff`) the maintainer's Signed-off-by.
pub fn final_message(queue: &Queue, plan: &ReviewPlan, index: usize, signoff: bool) -> String {
    final_message_with(&collect(queue), queue, plan, index, signoff)
}

/// [`final_message`] with the queue's replies already collected.
pub fn final_message_with(
    collected: &Collected,
    queue: &Queue,
    plan: &ReviewPlan,
    index: usize,
    signoff: bool,
) -> String {
    let Some(patch) = queue.patches.get(index) else {
        return String::new();
    };
    let mut message = patch.message.to_string();
    let own = plan
        .patch(&patch.key)
        .map(|r| r.trailers.clone())
        .unwrap_or_default();
    for (key, value) in collected_with(collected, queue, plan, index)
        .into_iter()
        .chain(own)
    {
        message = trailers::add(&message, &key, &value).message;
    }
    if signoff {
        message = append_signoff(&message, &plan.maintainer);
    }
    message
}

/// The patches of a series (without its cover letter), refusing a series with missing
/// patches (unless allowed) and patches that carry no diff.
pub fn patches_to_apply(
    queue: &Queue,
    id: usize,
    allow_missing: bool,
) -> Result<(&Series, Vec<usize>)> {
    let series = super::find_series(queue, id)?;
    super::check_complete(queue, series, allow_missing)?;
    if series.patches.is_empty() {
        return Err(Error::Usage(format!(
            "{}: series {id} holds no patch",
            queue.source
        )));
    }
    for (position, &index) in series.patches.iter().enumerate() {
        let patch = &queue.patches[index];
        if super::diff_text(patch).is_none() {
            let n = patch.subject.index.unwrap_or(position as u32 + 1);
            return Err(Error::Usage(format!(
                "{}: patch {id}.{n} ({}) carries no diff to apply",
                queue.source, patch.subject.title
            )));
        }
    }
    Ok((series, series.patches.clone()))
}

/// Builds the mails of the series.
pub fn build(
    queue: &Queue,
    plan: &ReviewPlan,
    id: usize,
    options: SeriesOptions,
) -> Result<Vec<ExportedPatch>> {
    let (series, indices) = patches_to_apply(queue, id, options.allow_missing)?;
    let collected = collect(queue);
    let mut out = Vec::new();
    for index in indices {
        let patch = &queue.patches[index];
        let message = final_message_with(&collected, queue, plan, index, options.signoff);
        let (title, rest) = split_title(&message);
        let mut prefix = String::from("PATCH");
        if series.version > 1 {
            prefix.push_str(&format!(" v{}", series.version));
        }
        if let (Some(n), Some(total)) = (patch.subject.index, series.total) {
            prefix.push_str(&format!(" {n}/{total}"));
        }
        let mut body = rest.to_string();
        body.push_str("---\n");
        body.push_str(&patch.notes);
        if !patch.notes.is_empty() && !patch.notes.ends_with('\n') {
            body.push('\n');
        }
        body.push_str(super::diff_text(patch).unwrap_or_default());
        let message_id = patch.mail.message_id.clone().unwrap_or_else(|| {
            format!(
                "{}@patchdesk.invalid",
                crate::hash::sha1_hex(patch.key.as_bytes())
            )
        });
        let mail = Outgoing {
            from: if patch.author.email.is_empty() {
                patch.mail.from.clone().unwrap_or_default()
            } else {
                patch.author.clone()
            },
            to: patch.mail.to.clone(),
            cc: patch.mail.cc.clone(),
            subject: format!("[{prefix}] {title}"),
            date: patch.date.or(patch.mail.date),
            message_id,
            in_reply_to: patch.mail.in_reply_to.clone(),
            references: patch.mail.references.clone(),
            extra_headers: Vec::new(),
            body,
        };
        out.push(ExportedPatch {
            index,
            message,
            mail,
        });
    }
    Ok(out)
}

/// The title (first line) and the rest of a commit message after the blank line.
fn split_title(message: &str) -> (&str, &str) {
    let (title, rest) = message.split_once('\n').unwrap_or((message, ""));
    let rest = rest.strip_prefix('\n').unwrap_or(rest);
    (title, rest)
}

/// Builds the series and writes it as an mboxrd file; returns the number of patches.
pub fn export(
    queue: &Queue,
    plan: &ReviewPlan,
    id: usize,
    options: SeriesOptions,
    out: &Path,
    force: bool,
) -> Result<usize> {
    super::mbox::check_output(out, force)?;
    let patches = build(queue, plan, id, options)?;
    let mut mbox = Mbox::new();
    for p in &patches {
        mbox.push_outgoing(&p.mail)?;
    }
    super::mbox::write_atomic(out, mbox.as_bytes(), force)?;
    Ok(patches.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::{FileDiff, Patch, Subject, Trailer};
    use crate::queue::Reply;

    fn addr(name: &str, email: &str) -> Address {
        Address {
            name: name.into(),
            email: email.into(),
        }
    }

    fn patch(n: u32, key: &str) -> Patch {
        let mut p = Patch {
            key: key.into(),
            author: addr("Mara Quint", "mara@example.org"),
            message: format!(
                "uart: step {n}\n\nBody {n}.\n\nSigned-off-by: Mara Quint <mara@example.org>\n"
            )
            .into(),
            subject: Subject {
                title: format!("uart: step {n}"),
                index: Some(n),
                total: Some(3),
                version: 2,
                ..Subject::default()
            },
            diff: vec![FileDiff::default()].into(),
            notes: " a | 1 +\n\n".into(),
            ..Patch::default()
        };
        p.mail.message_id = Some(key.into());
        p.mail.body = format!(
            "Body {n}.\n---\n a | 1 +\n\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -0,0 +1 @@\n+{n}\n-- \n2.43.0\n"
        )
        .into();
        p
    }

    fn reply(parent: usize, from: &str, key: &str, value: &str) -> Reply {
        let mut r = Reply {
            mail: Default::default(),
            parent: Some(parent),
            trailers: vec![Trailer {
                key: key.into(),
                value: value.into(),
                line: 0,
            }],
        };
        r.mail.from = Some(addr("", from));
        r.mail.body = format!("Looks right.\n\n{key}: {value}\n").into();
        r
    }

    fn queue() -> Queue {
        let mut cover = Patch {
            key: "c".into(),
            ..Patch::default()
        };
        cover.subject.index = Some(0);
        Queue {
            source: "q".into(),
            patches: vec![cover, patch(1, "p1"), patch(2, "p2"), patch(3, "p3")],
            series: vec![crate::queue::Series {
                id: 1,
                version: 2,
                total: Some(3),
                cover: Some(0),
                patches: vec![1, 2, 3],
                ..crate::queue::Series::default()
            }],
            replies: vec![
                reply(
                    0,
                    "tess@example.org",
                    "Tested-by",
                    "Tess <tess@example.org>",
                ),
                reply(2, "rob@example.org", "Reviewed-by", "Rob <rob@example.org>"),
                reply(2, "eve@example.org", "Reviewed-by", "Rob <rob@example.org>"),
                reply(
                    2,
                    "eve@example.org",
                    "Acked-by",
                    "Someone <someone@example.org>",
                ),
                reply(
                    3,
                    "nick@example.org",
                    "Nacked-by",
                    "Nick <nick@example.org>",
                ),
            ],
            ..Queue::default()
        }
    }

    fn plan() -> ReviewPlan {
        ReviewPlan::new(addr("Max Maint", "max@example.org"))
    }

    #[test]
    fn trailers_from_replies_are_collected_when_the_sender_signs_them() {
        let q = queue();
        let mut p = plan();
        assert_eq!(
            collected_trailers(&q, &p, 2),
            vec![
                (
                    "Tested-by".to_string(),
                    "Tess <tess@example.org>".to_string()
                ),
                (
                    "Reviewed-by".to_string(),
                    "Rob <rob@example.org>".to_string()
                ),
            ]
        );
        assert_eq!(
            collected_trailers(&q, &p, 3).len(),
            1,
            "a NACK is never collected"
        );
        p.patch_mut("p2")
            .accepted_reply_trailers
            .push("Acked-by: Someone <someone@example.org>".into());
        assert_eq!(
            collected_trailers(&q, &p, 2).len(),
            3,
            "accepted at the desk"
        );
    }

    #[test]
    fn final_message_places_collected_then_own_trailers_then_signoff() {
        let q = queue();
        let mut p = plan();
        p.patch_mut("p1")
            .trailers
            .push(("Acked-by".into(), "Max Maint <max@example.org>".into()));
        let message = final_message(&q, &p, 1, true);
        assert_eq!(
            message,
            "uart: step 1\n\nBody 1.\n\nSigned-off-by: Mara Quint <mara@example.org>\nTested-by: Tess <tess@example.org>\nAcked-by: Max Maint <max@example.org>\nSigned-off-by: Max Maint <max@example.org>\n"
        );
    }

    #[test]
    fn signoff_is_not_repeated_when_last_but_moved_last_when_earlier() {
        let max = addr("Max Maint", "max@example.org");
        let last = "t\n\nSigned-off-by: Max Maint <max@example.org>\n";
        assert_eq!(append_signoff(last, &max), last);
        let earlier = "t\n\nSigned-off-by: Max Maint <max@example.org>\nAcked-by: A <a@x>\n";
        assert_eq!(
            append_signoff(earlier, &max),
            format!("{earlier}Signed-off-by: Max Maint <max@example.org>\n")
        );
        assert_eq!(
            append_signoff("t\n", &max),
            "t\n\nSigned-off-by: Max Maint <max@example.org>\n"
        );
    }

    #[test]
    fn mails_carry_the_message_notes_and_diff_without_the_cover() {
        let q = queue();
        let patches = build(&q, &plan(), 1, SeriesOptions::default()).unwrap();
        assert_eq!(
            patches.iter().map(|p| p.index).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        let first = &patches[0].mail;
        assert_eq!(first.subject, "[PATCH v2 1/3] uart: step 1");
        assert_eq!(first.from, addr("Mara Quint", "mara@example.org"));
        assert_eq!(
            first.body,
            "Body 1.\n\nSigned-off-by: Mara Quint <mara@example.org>\nTested-by: Tess <tess@example.org>\n---\n a | 1 +\n\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -0,0 +1 @@\n+1\n"
        );
    }

    #[test]
    fn missing_patches_and_patches_without_diff_are_refused() {
        let mut q = queue();
        q.series[0].missing = vec![2];
        let err = build(&q, &plan(), 1, SeriesOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("lacks patch 2 of 3") && err.contains("--allow-missing"),
            "{err}"
        );
        let allowed = SeriesOptions {
            allow_missing: true,
            ..SeriesOptions::default()
        };
        assert!(build(&q, &plan(), 1, allowed).is_ok());
        q.patches[2].mail.body = "no diff\n".into();
        let err = build(&q, &plan(), 1, allowed).unwrap_err().to_string();
        assert!(err.contains("1.2") && err.contains("no diff"), "{err}");
    }
}
