//! The policy engine: rules by family (dco, ai, trailer, style, license) look at one parsed
//! patch and return findings, each located exactly; profiles (TOML, embedded) decide which
//! rules run and at what severity.

use serde::Serialize;

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// Which part of a patch a finding points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// A mail header; `line` is 1-based among `Message::headers`.
    Header,
    /// The subject line (line 1).
    Subject,
    /// The commit message; `line` is 1-based within `Patch::message`.
    Message,
    /// The trailer block; `line` is 1-based within `Patch::message` (the block is part of it).
    Trailer,
    /// The notes between `---` and the diff; `line` is 1-based within `Patch::notes`.
    Notes,
    /// The diff; `file` names the file, `line` is the new-side line number (old-side for
    /// removed lines; 0 for the file header).
    Diff,
}

/// An exact place in a patch.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Location {
    pub part: Part,
    pub line: u32,
    /// Byte range within the line.
    pub start: usize,
    pub end: usize,
    /// The file, for `Part::Diff`.
    pub file: Option<String>,
}

/// One concern found in a patch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id, kebab-case with its family first (`dco-missing`).
    pub rule: String,
    pub severity: Severity,
    pub location: Location,
    /// One line a maintainer understands at a glance.
    pub message: String,
    /// Where the rule comes from (document and section).
    pub source: String,
}

/// A profile: which rules run and at what severity (stub; the policy work fills it in).
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub name: String,
}

/// Checks every patch of a queue; the result is indexed like `queue.patches`.
pub fn check_queue(_queue: &crate::queue::Queue, _profile: &Profile) -> Vec<Vec<Finding>> {
    unimplemented!("policy helper")
}
