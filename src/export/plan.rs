//! What the exports need to know about the maintainer's review, independent of how the desk
//! stores it: per patch a status, notes (on the patch or on one line), trailers to add and
//! waivers; per series a status and notes; and who the maintainer is.
//!
//! The triage desk maps its state onto a [`ReviewPlan`]; tests build one directly.

use crate::mail::Address;
use crate::policy::{Finding, Part, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a patch or series stands: the desk's own [`Status`](crate::triage::status::Status), one enum for the desk and
/// the exports alike.
pub use crate::triage::status::Status as ReviewStatus;

/// The sentence a review reply carries for a status the author must hear about.
pub fn reply_line(status: &ReviewStatus) -> Option<&'static str> {
    match status {
        ReviewStatus::ChangesRequested => Some("Changes requested: please send a new version."),
        ReviewStatus::Rejected => Some("Rejected: this will not be applied."),
        _ => None,
    }
}

/// How a status is written in a `--plan` file: `"accepted"`, `{"deferred": "2026-12-01"}`
/// (the plan file's format, kept as it was; the state file tags it differently).
mod wire {
    use super::ReviewStatus;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    enum Wire {
        New,
        UnderReview,
        ChangesRequested,
        Accepted,
        Rejected,
        Superseded,
        Deferred(Option<String>),
    }

    fn to_wire(status: &ReviewStatus) -> Wire {
        match status {
            ReviewStatus::New => Wire::New,
            ReviewStatus::UnderReview => Wire::UnderReview,
            ReviewStatus::ChangesRequested => Wire::ChangesRequested,
            ReviewStatus::Accepted => Wire::Accepted,
            ReviewStatus::Rejected => Wire::Rejected,
            ReviewStatus::Superseded => Wire::Superseded,
            ReviewStatus::Deferred { until } => Wire::Deferred(until.clone()),
        }
    }

    fn from_wire(wire: Wire) -> ReviewStatus {
        match wire {
            Wire::New => ReviewStatus::New,
            Wire::UnderReview => ReviewStatus::UnderReview,
            Wire::ChangesRequested => ReviewStatus::ChangesRequested,
            Wire::Accepted => ReviewStatus::Accepted,
            Wire::Rejected => ReviewStatus::Rejected,
            Wire::Superseded => ReviewStatus::Superseded,
            Wire::Deferred(until) => ReviewStatus::Deferred { until },
        }
    }

    pub fn serialize<S: Serializer>(status: &ReviewStatus, s: S) -> Result<S::Ok, S::Error> {
        to_wire(status).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ReviewStatus, D::Error> {
        Wire::deserialize(d).map(from_wire)
    }

    /// The same for an optional status.
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            status: &Option<ReviewStatus>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            status.as_ref().map(to_wire).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<ReviewStatus>, D::Error> {
            Option::<Wire>::deserialize(d).map(|w| w.map(from_wire))
        }
    }
}

/// A note anchored to one line of a patch, as the desk anchors it: the part, the file (for
/// the diff) and the 1-based line (the new-side line number in the diff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineNote {
    pub part: Part,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub line: u32,
    pub text: String,
    /// The interdiff lines the note was written under, when it was written on the
    /// interdiff against the previous version: the reply quotes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interdiff: Option<Vec<String>>,
}

/// A waiver the maintainer gave for a rule that fired on a patch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverRecord {
    pub rule: String,
    pub reason: String,
    /// Who waived it (`Name <email>`).
    pub who: String,
    /// When (RFC 3339).
    pub when: String,
}

/// How many findings of each severity a patch has, and which rules fired.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingsSummary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Rule ids that fired, each once, in first-seen order.
    pub rules: Vec<String>,
}

impl FindingsSummary {
    /// Counts the findings of one patch.
    pub fn of(findings: &[Finding]) -> FindingsSummary {
        let mut summary = FindingsSummary::default();
        for finding in findings {
            match finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
            if !summary.rules.contains(&finding.rule) {
                summary.rules.push(finding.rule.clone());
            }
        }
        summary
    }
}

/// The maintainer's review of one patch or cover letter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatchReview {
    #[serde(default, with = "wire")]
    pub status: ReviewStatus,
    /// Notes on the patch as a whole, in the order written.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Notes on single lines.
    #[serde(default)]
    pub line_notes: Vec<LineNote>,
    /// Trailers the maintainer adds, as (key, value), in the order given
    /// (`("Acked-by", "Name <email>")`).
    #[serde(default)]
    pub trailers: Vec<(String, String)>,
    /// Trailers from replies the maintainer accepted although their address is not the
    /// reply's sender, as `Key: value` lines.
    #[serde(default)]
    pub accepted_reply_trailers: Vec<String>,
    #[serde(default)]
    pub waivers: Vec<WaiverRecord>,
    /// Findings under the active profile, when known.
    #[serde(default)]
    pub findings: Option<FindingsSummary>,
    /// When the review last changed (RFC 3339), for the record.
    #[serde(default)]
    pub updated: Option<String>,
}

impl PatchReview {
    /// True when a reply should be sent for it: notes, trailers, or a status worth telling.
    pub fn wants_reply(&self) -> bool {
        !self.notes.is_empty()
            || !self.line_notes.is_empty()
            || !self.trailers.is_empty()
            || reply_line(&self.status).is_some()
    }
}

/// The maintainer's review of a series as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesReview {
    /// Set explicitly; otherwise the record derives it from the patches.
    #[serde(default, with = "wire::option")]
    pub status: Option<ReviewStatus>,
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Everything the exports need: the maintainer and the review of each patch (by patch key,
/// see [`crate::patch::Patch::key`]) and series (by the key of its cover letter, else its
/// first patch).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewPlan {
    pub maintainer: Address,
    #[serde(default)]
    pub patches: BTreeMap<String, PatchReview>,
    #[serde(default)]
    pub series: BTreeMap<String, SeriesReview>,
}

impl ReviewPlan {
    /// An empty plan for this maintainer.
    pub fn new(maintainer: Address) -> ReviewPlan {
        ReviewPlan {
            maintainer,
            ..ReviewPlan::default()
        }
    }

    /// The review of a patch, if any.
    pub fn patch(&self, key: &str) -> Option<&PatchReview> {
        self.patches.get(key)
    }

    /// The review of a patch, created empty when missing (for building plans).
    pub fn patch_mut(&mut self, key: &str) -> &mut PatchReview {
        self.patches.entry(key.to_string()).or_default()
    }

    /// The review of a series, created empty when missing (for building plans).
    pub fn series_mut(&mut self, key: &str) -> &mut SeriesReview {
        self.series.entry(key.to_string()).or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Location;

    fn finding(rule: &str, severity: Severity) -> Finding {
        Finding {
            rule: rule.into(),
            severity,
            location: Location {
                part: Part::Message,
                line: 1,
                start: 0,
                end: 0,
                file: None,
            },
            message: String::new(),
            source: String::new(),
        }
    }

    #[test]
    fn only_telling_statuses_notes_or_trailers_want_a_reply() {
        let mut review = PatchReview::default();
        assert!(!review.wants_reply());
        review.status = ReviewStatus::Accepted;
        assert!(!review.wants_reply());
        review.status = ReviewStatus::Rejected;
        assert!(review.wants_reply());
        let acked = PatchReview {
            trailers: vec![("Acked-by".into(), "M <m@x>".into())],
            ..PatchReview::default()
        };
        assert!(acked.wants_reply());
        let noted = PatchReview {
            notes: vec!["why?".into()],
            ..PatchReview::default()
        };
        assert!(noted.wants_reply());
    }

    #[test]
    fn findings_summary_counts_by_severity_and_lists_rules_once() {
        let s = FindingsSummary::of(&[
            finding("dco-missing", Severity::Error),
            finding("style-long-line", Severity::Warning),
            finding("style-long-line", Severity::Warning),
            finding("ai-marker", Severity::Info),
        ]);
        assert_eq!((s.errors, s.warnings, s.infos), (1, 2, 1));
        assert_eq!(s.rules, vec!["dco-missing", "style-long-line", "ai-marker"]);
    }
}
