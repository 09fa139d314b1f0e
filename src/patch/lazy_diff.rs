//! [`LazyDiff`]: a patch's diff kept as its text (a slice of the mail body) and parsed into
//! files, hunks and numbered lines only when something reads it (the check, a view, an
//! export). Listing a queue never needs the lines, and they are most of a queue's memory
//! (about 40 bytes for each diff line), so a large queue is listed without ever holding them.

use super::diff::{self, FileDiff};
use crate::text::SharedText;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

/// A diff parsed on first use (it reads as a `Vec<FileDiff>`).
#[derive(Debug, Clone, Default)]
pub struct LazyDiff {
    text: SharedText,
    /// The path of each file in the diff ([`FileDiff::path`]), known without parsing it.
    paths: Vec<String>,
    files: OnceLock<Vec<FileDiff>>,
}

impl LazyDiff {
    /// The diff `text`, which parses into `files` (kept only as their paths); parsed again
    /// when first read.
    pub fn unparsed(text: SharedText, files: &[FileDiff]) -> LazyDiff {
        LazyDiff {
            text,
            paths: files.iter().map(|f| f.path().to_string()).collect(),
            files: OnceLock::new(),
        }
    }

    /// True when the diff has no file (without parsing it).
    pub fn is_empty(&self) -> bool {
        match self.files.get() {
            Some(files) => files.is_empty(),
            None => self.paths.is_empty(),
        }
    }

    /// The path of each file, in order, without parsing the diff.
    pub fn paths(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        match self.files.get() {
            Some(files) => Box::new(files.iter().map(FileDiff::path)),
            None => Box::new(self.paths.iter().map(String::as_str)),
        }
    }

    /// The files, parsed now if they were not yet.
    pub fn files(&self) -> &Vec<FileDiff> {
        self.files
            .get_or_init(|| diff::parse_shared(&self.text).files)
    }

    /// Forgets the parsed files of a diff that can parse them again from its text (a later
    /// read parses again); a diff built from files, or changed, keeps them. (A diff that
    /// still has its text was never changed, so its paths are still its files'.)
    pub fn release(&mut self) {
        if !self.text.is_empty() {
            self.files = OnceLock::new();
        }
    }

    /// What the diff is made from, to keep it (the cache): its text and its files' paths.
    /// `None` for a diff built from files or changed, which no text gives back.
    pub fn stored(&self) -> Option<(&SharedText, &[String])> {
        let rebuildable = !self.text.is_empty() || self.files.get().is_none_or(Vec::is_empty);
        rebuildable.then_some((&self.text, &self.paths[..]))
    }

    /// The paths [`LazyDiff::stored`] gives (the text let go).
    pub fn into_paths(self) -> Vec<String> {
        self.paths
    }

    /// The diff [`LazyDiff::stored`] gave, to be parsed when first read.
    pub fn from_stored(text: SharedText, paths: Vec<String>) -> LazyDiff {
        LazyDiff {
            text,
            paths,
            files: OnceLock::new(),
        }
    }

    /// The files have been parsed (and are held).
    pub fn is_parsed(&self) -> bool {
        self.files.get().is_some()
    }
}

impl From<Vec<FileDiff>> for LazyDiff {
    fn from(files: Vec<FileDiff>) -> LazyDiff {
        LazyDiff {
            text: SharedText::default(),
            paths: Vec::new(),
            files: OnceLock::from(files),
        }
    }
}

impl Deref for LazyDiff {
    type Target = Vec<FileDiff>;
    fn deref(&self) -> &Vec<FileDiff> {
        self.files()
    }
}

impl DerefMut for LazyDiff {
    /// Parses the files if needed; once changed they are no longer the text's, so they are
    /// kept (never released).
    fn deref_mut(&mut self) -> &mut Vec<FileDiff> {
        self.files();
        self.text = SharedText::default();
        self.files.get_mut().expect("parsed just above")
    }
}

impl<'a> IntoIterator for &'a LazyDiff {
    type Item = &'a FileDiff;
    type IntoIter = std::slice::Iter<'a, FileDiff>;
    fn into_iter(self) -> Self::IntoIter {
        self.files().iter()
    }
}

impl PartialEq for LazyDiff {
    fn eq(&self, other: &LazyDiff) -> bool {
        self.files() == other.files()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIFF: &str = "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n";

    #[test]
    fn parses_on_first_read_and_again_after_release() {
        let text = SharedText::from(DIFF);
        let eager = diff::parse_shared(&text).files;
        let mut lazy = LazyDiff::unparsed(text, &eager);
        assert!(!lazy.is_parsed());
        assert!(!lazy.is_empty());
        assert_eq!(lazy.paths().collect::<Vec<_>>(), ["x"]);
        assert!(!lazy.is_parsed(), "is_empty and paths must not parse");
        assert_eq!(*lazy, eager);
        assert!(lazy.is_parsed());
        lazy.release();
        assert!(!lazy.is_parsed());
        assert_eq!(lazy.paths().collect::<Vec<_>>(), ["x"]);
        assert_eq!(lazy.len(), 1);
        assert_eq!(lazy[0].hunks[0].lines.len(), 2);
    }

    #[test]
    fn a_patch_built_from_mail_counts_its_diff_without_holding_its_lines() {
        let raw = format!("From: A <a@example.org>\nSubject: [PATCH] x\n\nBody\n---\n{DIFF}");
        let origin = crate::mail::Origin::default();
        let mail = crate::mail::parse_message(raw.as_bytes(), origin).expect("parses");
        let patch = crate::patch::Patch::from_message(mail);
        assert!(patch.has_diff());
        assert_eq!((patch.insertions, patch.deletions), (1, 1));
        assert!(patch.patch_id.is_some());
        assert!(
            !patch.diff.is_parsed(),
            "the lines are parsed only when read"
        );
        assert_eq!(patch.diff[0].path(), "x");
        assert!(patch.diff.is_parsed());
    }

    #[test]
    fn changed_or_built_files_are_never_released() {
        let mut lazy = LazyDiff::unparsed(SharedText::from(DIFF), &[FileDiff::default()]);
        lazy.clear();
        lazy.release();
        assert!(lazy.is_empty());
        let mut built = LazyDiff::from(vec![FileDiff::default()]);
        built.release();
        assert!(built.is_parsed());
        assert_eq!(built.len(), 1);
    }
}
