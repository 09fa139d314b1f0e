//! The patch model, following git: the subject's bracket prefix as `git mailinfo` strips it,
//! the author (in-body `From:` first, as `git am`), the commit message exactly as `git am`
//! would commit it, its trailer block by git's algorithm, the notes between `---` and the
//! diff, and the diff itself with every line numbered.

pub mod diff;
pub mod lazy_diff;
pub mod mailinfo;
pub mod parsed;
pub mod patch_id;
pub mod subject;
pub mod trailers;

pub use diff::{DiffLine, FileDiff, FileStatus, Hunk, LineKind};
pub use lazy_diff::{DiffFacts, LazyDiff};
pub use parsed::Parsed;
pub use subject::Subject;
pub use trailers::Trailer;

use crate::mail::{Address, Message};

/// The lines of `text`, each with its `\n` (the last one may lack it); a fast
/// `split_inclusive('\n')` for the loops that read every byte of a diff.
pub(crate) fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = ends.next().map_or(text.len(), |i| i + 1);
        let line = &text[start..end];
        start = end;
        Some(line)
    })
}
use chrono::{DateTime, FixedOffset};

/// Works out the diff facts ([`DiffFacts`]) of every patch that lacks them, on every core:
/// for what reads them of every patch (the families, the desk's carry-over, the JSON
/// listing), so that none surveys a whole queue on one thread.
pub fn survey_all(patches: &[Patch]) {
    use rayon::prelude::*;
    patches.par_iter().with_min_len(64).for_each(|p| {
        p.diff.facts();
    });
}

/// Where the author identity was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum AuthorSource {
    /// The message's `From:` header.
    #[default]
    Header,
    /// A `From:` line at the top of the body (as `git send-email` writes for another author).
    InBody,
    /// A git commit's author (a `--repo PATH RANGE` source).
    Commit,
}

/// One patch (or cover letter, or a reply that carries no diff) as git would see it.
#[derive(Debug, Clone, Default)]
pub struct Patch {
    /// Stable key: the Message-Id, else the commit id, else `source#index`.
    pub key: String,
    /// The decoded mail it came from.
    pub mail: Message,
    pub subject: Subject,
    pub author: Address,
    pub author_source: AuthorSource,
    pub date: Option<DateTime<FixedOffset>>,
    /// The commit message exactly as `git am` would commit it (title, blank line, body,
    /// trailers), ending in a single newline; empty body gives just the title line.
    pub message: crate::text::SharedText,
    /// The trailers of `message`, parsed by git's algorithm (values unfolded).
    pub trailers: Vec<Trailer>,
    /// 0-based line index in `message` where the trailer block starts (== number of lines
    /// when there is none).
    pub trailer_start: usize,
    /// The text between the `---` line and the diff (changelog, diffstat), without the `---`.
    pub notes: crate::text::SharedText,
    /// The diff, surveyed and parsed when first read ([`LazyDiff`]).
    pub diff: LazyDiff,
    /// Problems that make the patch unusable as it stands found outside its diff's survey
    /// (format=flowed); [`Patch::problems`] gives them after the diff's own.
    pub extra_problems: Vec<String>,
    /// What the queue needs to know of a message that may be a reply, read from its body
    /// when it is built (so that grouping a queue read back from the cache reads no body);
    /// `None` when the patch was not built from a message: then the body is read.
    pub as_reply: Option<ReplyFacts>,
}

/// What a message's body says when it is taken as a reply ([`Patch::as_reply`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplyFacts {
    /// The review trailers it states itself ([`trailers::stated_in_reply`]).
    pub trailers: Vec<Trailer>,
    /// It carries a patch of its own ([`mailinfo::carries_patch`]).
    pub carries_patch: bool,
}

impl Patch {
    /// Builds the patch model from a decoded message.
    pub fn from_message(mail: Message) -> Patch {
        mailinfo::build(mail)
    }

    /// True when the message carries a diff.
    pub fn has_diff(&self) -> bool {
        !self.diff.is_empty()
    }

    /// Lines the diff adds (surveyed when first asked).
    pub fn insertions(&self) -> usize {
        self.diff.facts().insertions
    }

    /// Lines the diff removes (surveyed when first asked).
    pub fn deletions(&self) -> usize {
        self.diff.facts().deletions
    }

    /// `git patch-id --stable` of the diff, when there is one (worked out when first asked).
    pub fn patch_id(&self) -> Option<&str> {
        self.diff.facts().patch_id.as_deref()
    }

    /// Problems that make the patch unusable as it stands (cut-off hunk, line-wrapped diff,
    /// format=flowed); shown to the maintainer and reported by `check`.
    pub fn problems(&self) -> impl Iterator<Item = &str> {
        let of_diff = self.diff.facts().problems.iter();
        of_diff.chain(&self.extra_problems).map(String::as_str)
    }

    /// The commit message's lines (without their newline).
    pub fn message_lines(&self) -> impl Iterator<Item = &str> {
        self.message.lines()
    }
}

#[cfg(test)]
mod tests {
    use super::lines_inclusive;

    #[test]
    fn lines_keep_their_newline() {
        let lines: Vec<&str> = lines_inclusive("a\n\nb\r\nc").collect();
        assert_eq!(lines, ["a\n", "\n", "b\r\n", "c"]);
        assert_eq!(lines_inclusive("").count(), 0);
        assert_eq!(lines_inclusive("x\n").collect::<Vec<_>>(), ["x\n"]);
    }
}
