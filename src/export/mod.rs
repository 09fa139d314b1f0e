//! Handing the desk's work on, in the forms maintainers already use: review replies as an
//! mbox any mail client or `git send-email` sends, a series with its trailers as an mbox
//! `git am` takes, the triage record (JSON or mbox), and the series as commits on a new
//! branch of a git tree.
//!
//! The exports read the queue and a [`plan::ReviewPlan`] (the maintainer's decisions, in a
//! shape of their own so this module does not depend on how the desk stores them).

pub mod actions;
pub mod apply;
pub mod from_desk;
pub mod mbox;
pub mod plan;
pub mod record;
pub mod replies;
pub mod series;

pub use plan::{LineNote, PatchReview, ReviewPlan, ReviewStatus, SeriesReview};

use crate::patch::Patch;
use crate::queue::{Queue, Series};
use crate::{Error, Result};

/// The key a series is known by in a [`ReviewPlan`] (the queue's one rule).
pub use crate::queue::series_key;

/// Finds series `id` (as `patchdesk list` numbers them).
pub fn find_series(queue: &Queue, id: usize) -> Result<&Series> {
    queue.series.iter().find(|s| s.id == id).ok_or_else(|| {
        Error::Usage(format!(
            "{}: no series {id} (the queue has {})",
            queue.source,
            queue.series.len()
        ))
    })
}

/// Refuses a series with patches that did not arrive, unless the caller allows it.
pub fn check_complete(queue: &Queue, series: &Series, allow_missing: bool) -> Result<()> {
    if series.missing.is_empty() || allow_missing {
        return Ok(());
    }
    let missing: Vec<String> = series.missing.iter().map(u32::to_string).collect();
    Err(Error::Usage(format!(
        "{}: series {} lacks patch{} {} of {}; pass --allow-missing to go on without",
        queue.source,
        series.id,
        if missing.len() == 1 { "" } else { "es" },
        missing.join(", "),
        series.total.unwrap_or(0)
    )))
}

/// The diff of a patch as it was sent: from the first line that starts a diff to the end of
/// the body, without a trailing `-- ` signature. `None` when the patch carries no diff.
pub fn diff_text(patch: &Patch) -> Option<&str> {
    let body = patch.mail.body.as_str();
    let mut offset = 0;
    let mut start = None;
    let mut lines = body.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        let next = lines.peek().copied().unwrap_or("");
        if line.starts_with("diff --git ")
            || line.starts_with("Index: ")
            || (line.starts_with("--- ") && next.starts_with("+++ "))
        {
            start = Some(offset);
            break;
        }
        offset += line.len();
    }
    let text = &body[start?..];
    let end = signature_start(text).unwrap_or(text.len());
    Some(&text[..end])
}

/// Where a trailing mail signature (`-- ` line and what follows) starts.
fn signature_start(text: &str) -> Option<usize> {
    let at = text.rfind("\n-- \n")? + 1;
    // A removed line `- ` also reads `-- `: it is the signature only when nothing after it
    // looks like a line of a diff.
    let rest = &text[at + 4..];
    let diff_like = rest.lines().any(|l| {
        l.starts_with(['+', '-', ' ', '\\', '@'])
            || l.starts_with("diff ")
            || l.starts_with("index ")
    });
    (!diff_like).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_text_runs_from_the_diff_to_the_signature() {
        let mut p = Patch::default();
        p.mail.body = "Body\n\nSigned-off-by: A <a@x>\n---\n a | 1 +\n\ndiff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1,2 @@\n x\n+y\n-- \n2.43.0\n\n".into();
        assert_eq!(
            diff_text(&p),
            Some("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1,2 @@\n x\n+y\n")
        );
        p.mail.body = "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,2 +1 @@\n-- \n x\n".into();
        assert_eq!(
            diff_text(&p),
            Some(p.mail.body.as_str()),
            "a removed `- ` line is kept"
        );
        p.mail.body = "no diff here\n".into();
        assert_eq!(diff_text(&p), None);
        p.mail.body = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n".into();
        assert_eq!(diff_text(&p), Some(p.mail.body.as_str()));
    }
}
