//! The policy engine: rules by family (dco, ai, trailer, style, license) look at one parsed
//! patch and return findings, each located exactly; profiles (TOML, embedded) decide which
//! rules run and at what severity.
//!
//! Modules: [`catalogue`] names every rule; [`profile`] loads profiles; [`engine`] runs the
//! rules over a queue; [`rules`] holds the rules by family; [`report`] renders findings as
//! compiler-style text or JSON.

pub mod catalogue;
pub mod engine;
pub mod profile;
pub mod report;
pub mod rules;
#[cfg(test)]
pub(crate) mod testutil;

pub use engine::{check_patch, check_queue, check_queue_owned};
pub use profile::{AiPolicy, Profile};

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

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error`, `warning` (`warn`) or `info`.
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    /// One step less serious (info stays info).
    pub fn lower(self) -> Severity {
        match self {
            Severity::Error => Severity::Warning,
            _ => Severity::Info,
        }
    }
}

/// Which part of a patch a finding points into.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// A mail header; `line` is 1-based among `Message::headers`; the byte range is within
    /// `"Name: value"`.
    Header,
    /// The subject line (line 1); the byte range is within `Subject::raw`.
    Subject,
    /// The commit message; `line` is 1-based within `Patch::message`.
    Message,
    /// The trailer block; `line` is 1-based within `Patch::message` (the block is part of it).
    Trailer,
    /// The notes between `---` and the diff; `line` is 1-based within `Patch::notes`.
    Notes,
    /// The diff; `file` names the file, `line` is the new-side line number (old-side for
    /// removed lines; 0 for the file header). The byte range is within `DiffLine::text`.
    Diff,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Header => "header",
            Part::Subject => "subject",
            Part::Message => "message",
            Part::Trailer => "trailer",
            Part::Notes => "notes",
            Part::Diff => "diff",
        }
    }
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
