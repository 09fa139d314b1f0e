//! Subject lines: the bracket prefix parsed the way `git mailinfo` strips it.
use serde::Serialize;

/// A parsed subject line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// The subject as sent.
    pub raw: String,
    /// The title git commits: `Re:`/`[...]` prefixes removed as `git mailinfo` does.
    pub title: String,
    /// Version from `v3` in the prefix; 1 when absent.
    pub version: u32,
    /// `n` of `n/N`.
    pub index: Option<u32>,
    /// `N` of `n/N`.
    pub total: Option<u32>,
    /// The other prefix words, upper-cased as sent: `PATCH`, `RFC`, `RESEND`, `PULL`,
    /// `for-10.2`, `qemu`, ...
    pub tags: Vec<String>,
    /// The subject started with `Re:` (a reply).
    pub is_reply: bool,
}

/// Parses a subject line.
pub fn parse(_raw: &str) -> Subject {
    unimplemented!("patch helper")
}
