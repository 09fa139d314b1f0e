//! [`LazyDiff`]: a patch's diff kept as its text (a slice of the mail body), surveyed for
//! its paths, counts, problems and patch-id ([`DiffFacts`]) and parsed into files, hunks and
//! numbered lines only when something reads them (the check, a view, an export, the
//! families). Listing a queue needs neither, and they are most of the work of reading one
//! (the survey and the patch-id walk every byte of every diff) and of its memory (about 40
//! bytes for each diff line), so a large queue is listed without either.

use super::diff::{self, FileDiff, LineKind};
use crate::text::SharedText;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

/// A diff parsed on first use (it reads as a `Vec<FileDiff>`), and surveyed on first use:
/// what a patch says of its diff without its lines ([`DiffFacts`]) is worked out only when
/// asked, so that reading a queue to list it walks no diff.
#[derive(Clone, Default)]
pub struct LazyDiff {
    text: SharedText,
    /// The text holds a file ([`diff::has_file`]), known without surveying it.
    has_files: bool,
    facts: OnceLock<DiffFacts>,
    files: OnceLock<Vec<FileDiff>>,
}

/// What a diff's survey finds, and its patch-id: the facts a patch gives of its diff
/// without its lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DiffFacts {
    /// The path of each file ([`FileDiff::path`]).
    pub paths: Vec<String>,
    pub insertions: usize,
    pub deletions: usize,
    /// Problems of the diff (a cut-off hunk, a line-wrapped diff).
    pub problems: Vec<String>,
    /// `git patch-id --stable` of the diff.
    pub patch_id: Option<String>,
}

impl DiffFacts {
    /// The facts of the diff `text`: its survey ([`diff::survey`]) and its patch-id.
    pub fn of_text(text: &SharedText) -> DiffFacts {
        let survey = diff::survey(text);
        let patch_id = if survey.files.is_empty() {
            None
        } else {
            super::patch_id::patch_id(text)
        };
        DiffFacts {
            paths: survey.files.iter().map(|f| f.path().to_string()).collect(),
            insertions: survey.insertions,
            deletions: survey.deletions,
            problems: survey.problems,
            patch_id,
        }
    }

    /// The facts of files that no text gives back (built, or changed): their paths and
    /// counts; no problem and no patch-id.
    fn of_files(files: &[FileDiff]) -> DiffFacts {
        DiffFacts {
            paths: files.iter().map(|f| f.path().to_string()).collect(),
            insertions: diff::count_lines(files, LineKind::Add),
            deletions: diff::count_lines(files, LineKind::Remove),
            problems: Vec::new(),
            patch_id: None,
        }
    }
}

impl LazyDiff {
    /// The diff `text`, surveyed and parsed when first read.
    pub fn unparsed(text: SharedText) -> LazyDiff {
        LazyDiff {
            has_files: diff::has_file(&text),
            text,
            facts: OnceLock::new(),
            files: OnceLock::new(),
        }
    }

    /// True when the diff has no file (without surveying or parsing it).
    pub fn is_empty(&self) -> bool {
        match self.files.get() {
            Some(files) => files.is_empty(),
            None => !self.has_files,
        }
    }

    /// The diff's facts, worked out now if they were not yet (a survey of the text and its
    /// patch-id: no line is kept).
    pub fn facts(&self) -> &DiffFacts {
        self.facts.get_or_init(|| {
            if !self.text.is_empty() || self.files.get().is_none() {
                DiffFacts::of_text(&self.text)
            } else {
                DiffFacts::of_files(self.files())
            }
        })
    }

    /// The facts, when they were worked out (or given back by the cache).
    pub fn known_facts(&self) -> Option<&DiffFacts> {
        self.facts.get()
    }

    /// The path of each file, in order, without parsing the diff's lines (it is surveyed,
    /// its patch-id taken, if it was not yet: [`LazyDiff::facts`]).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.facts().paths.iter().map(String::as_str)
    }

    /// The files, parsed now if they were not yet.
    pub fn files(&self) -> &Vec<FileDiff> {
        self.files
            .get_or_init(|| diff::parse_shared(&self.text).files)
    }

    /// Forgets the parsed files of a diff that can parse them again from its text (a later
    /// read parses again); a diff built from files, or changed, keeps them.
    pub fn release(&mut self) {
        if !self.text.is_empty() {
            self.files = OnceLock::new();
        }
    }

    /// What the diff is made from, to keep it (the cache): its text, whether it holds a
    /// file, and its facts when known. `None` for a diff built from files or changed, which
    /// no text gives back.
    pub fn stored(&self) -> Option<(&SharedText, bool, Option<&DiffFacts>)> {
        let rebuildable = !self.text.is_empty() || self.files.get().is_none_or(Vec::is_empty);
        rebuildable.then_some((&self.text, !self.is_empty(), self.facts.get()))
    }

    /// The diff [`LazyDiff::stored`] gave, to be surveyed (unless its facts are given) and
    /// parsed when first read.
    pub fn from_stored(text: SharedText, has_files: bool, facts: Option<DiffFacts>) -> LazyDiff {
        LazyDiff {
            text,
            has_files,
            facts: facts.map_or_else(OnceLock::new, OnceLock::from),
            files: OnceLock::new(),
        }
    }

    /// What [`LazyDiff::stored`] gives besides the text (the text let go).
    pub fn into_kept(self) -> (bool, Option<DiffFacts>) {
        (!self.is_empty(), self.facts.into_inner())
    }

    /// Gives the diff facts worked out elsewhere (kept by the cache), in place of its own.
    pub fn set_facts(&mut self, facts: DiffFacts) {
        self.facts = OnceLock::from(facts);
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
            has_files: !files.is_empty(),
            facts: OnceLock::new(),
            files: OnceLock::from(files),
        }
    }
}

/// The diff as its text and whether it holds a file (or its files, when no text gives them
/// back): whether its facts or lines were worked out yet is not part of what it is.
impl std::fmt::Debug for LazyDiff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.stored() {
            Some((text, has_files, _)) => {
                let mut tuple = f.debug_tuple("LazyDiff");
                tuple.field(text).field(&has_files).finish()
            }
            None => f.debug_tuple("LazyDiff").field(self.files()).finish(),
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
    /// kept (never released), and their facts are worked out again from them.
    fn deref_mut(&mut self) -> &mut Vec<FileDiff> {
        self.files();
        self.text = SharedText::default();
        self.facts = OnceLock::new();
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
        let mut lazy = LazyDiff::unparsed(text);
        assert!(!lazy.is_parsed());
        assert!(!lazy.is_empty());
        assert!(lazy.known_facts().is_none(), "is_empty must not survey");
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
    fn a_patch_built_from_mail_surveys_its_diff_only_when_asked() {
        let raw = format!("From: A <a@example.org>\nSubject: [PATCH] x\n\nBody\n---\n{DIFF}");
        let origin = crate::mail::Origin::default();
        let mail = crate::mail::parse_message(raw.as_bytes(), origin).expect("parses");
        let patch = crate::patch::Patch::from_message(mail);
        assert!(patch.has_diff());
        assert!(
            patch.diff.known_facts().is_none(),
            "building a patch neither surveys its diff nor takes its patch-id"
        );
        assert_eq!((patch.insertions(), patch.deletions()), (1, 1));
        assert_eq!(
            patch.patch_id(),
            crate::patch::patch_id::patch_id(DIFF).as_deref()
        );
        assert!(patch.patch_id().is_some());
        assert!(
            !patch.diff.is_parsed(),
            "the facts are surveyed without parsing the lines"
        );
        assert_eq!(patch.diff[0].path(), "x");
        assert!(patch.diff.is_parsed());
    }

    #[test]
    fn facts_are_the_survey_and_the_patch_id_of_the_text() {
        let texts = [
            DIFF,
            "notes\n--- a/f\n+++ b/f\n@@ -1,2 +1,1 @@\n-a\n",
            "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n+c\n",
            "no diff at all\n",
            "",
        ];
        for text in texts {
            let shared = SharedText::from(text);
            let survey = diff::survey(&shared);
            let facts = LazyDiff::unparsed(shared.clone()).facts().clone();
            let paths: Vec<String> = survey.files.iter().map(|f| f.path().into()).collect();
            assert_eq!(facts.paths, paths, "{text:?}");
            assert_eq!(
                (facts.insertions, facts.deletions),
                (survey.insertions, survey.deletions),
                "{text:?}"
            );
            assert_eq!(facts.problems, survey.problems, "{text:?}");
            let id = (!survey.files.is_empty())
                .then(|| crate::patch::patch_id::patch_id(text))
                .flatten();
            assert_eq!(facts.patch_id, id, "{text:?}");
            assert_eq!(LazyDiff::unparsed(shared).is_empty(), paths.is_empty());
        }
    }

    #[test]
    fn kept_facts_are_used_and_a_change_works_them_out_again() {
        let kept = DiffFacts {
            paths: vec!["kept".into()],
            insertions: 7,
            ..DiffFacts::default()
        };
        let lazy = LazyDiff::from_stored(SharedText::from(DIFF), true, Some(kept.clone()));
        assert_eq!(lazy.facts(), &kept, "kept facts are not surveyed again");
        let (has_files, facts) = lazy.clone().into_kept();
        assert!(has_files);
        assert_eq!(facts, Some(kept));
        let mut changed = lazy;
        changed[0].hunks[0].lines.pop();
        assert_eq!(changed.paths().collect::<Vec<_>>(), ["x"]);
        assert_eq!(
            (changed.facts().insertions, changed.facts().deletions),
            (0, 1)
        );
        assert_eq!(changed.facts().patch_id, None, "no text gives a patch-id");
    }

    #[test]
    fn changed_or_built_files_are_never_released() {
        let mut lazy = LazyDiff::unparsed(SharedText::from(DIFF));
        lazy.clear();
        lazy.release();
        assert!(lazy.is_empty());
        assert!(lazy.facts().paths.is_empty());
        let mut built = LazyDiff::from(vec![FileDiff::default()]);
        built.release();
        assert!(built.is_parsed());
        assert_eq!(built.len(), 1);
    }
}
