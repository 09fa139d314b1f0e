//! Sources: detecting what a path is (mbox, maildir, `git format-patch` directory, quilt
//! series, public-inbox repository), a git revision range, or standard input, and reading
//! every message from it. Broken messages are reported in `skipped`, the rest still load.

use crate::Result;
use crate::mail::Message;
use crate::queue::Skipped;
use std::path::PathBuf;

/// What the user asked to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// A path; its kind is detected.
    Path(PathBuf),
    /// An mbox on standard input (`-`).
    Stdin,
    /// Non-merge commits of a revision range in a git repository.
    GitRange { repo: PathBuf, range: String },
    /// The built-in demo queue.
    Demo,
}

impl SourceSpec {
    /// The name used in messages and JSON (`source` fields).
    pub fn name(&self) -> String {
        match self {
            SourceSpec::Path(p) => p.display().to_string(),
            SourceSpec::Stdin => "-".to_string(),
            SourceSpec::GitRange { repo, range } => format!("{} {}", repo.display(), range),
            SourceSpec::Demo => "demo".to_string(),
        }
    }
}

/// The messages read from a source, in source order, and those that were skipped.
#[derive(Debug, Default)]
pub struct Loaded {
    pub messages: Vec<Message>,
    pub skipped: Vec<Skipped>,
}

/// Reads every message of a source.
pub fn load(_spec: &SourceSpec) -> Result<Loaded> {
    unimplemented!("mail helper")
}
