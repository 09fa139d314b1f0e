//! The maintainer's own trailers (Acked-by, Reviewed-by, Tested-by) on a patch or a whole
//! series, and the preview of each patch's exact resulting trailer block by git's rules:
//! the trailers already recorded are applied first (in the order they were given), then the
//! new ones; an identical trailer is never added twice and the preview says why.

use super::trailer_rules::{self, Outcome};
use crate::patch::Patch;
use serde::{Deserialize, Serialize};

/// The trailers a maintainer adds from the desk: the review kinds the queue counts.
pub use crate::queue::TrailerKind;

impl TrailerKind {
    /// Whether the compliance gate applies (Acked-by and Reviewed-by assert compliance).
    pub fn gated(self) -> bool {
        super::gate::needs_gate(self.key())
    }
}

/// A trailer the maintainer added at the desk (to be written on export).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedTrailer {
    pub kind: TrailerKind,
    /// `Name <email>`.
    pub value: String,
    /// RFC 3339 time.
    pub added: String,
    /// Set when carried over from an earlier version of the patch (its key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_over_from: Option<String>,
}

/// What would happen to one new trailer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedTrailer {
    /// The line as it would be written (`Acked-by: Name <email>`).
    pub line: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl PlannedTrailer {
    /// One line for the preview: `+ Acked-by: …` or `= Acked-by: … (skipped: …)`.
    pub fn describe(&self) -> String {
        match &self.outcome {
            Outcome::Added => format!("+ {}", self.line),
            Outcome::SkippedIdentical { existing } => format!(
                "= {} (skipped: identical to existing trailer '{existing}')",
                self.line
            ),
            Outcome::SkippedEmptyKey => format!("= {} (skipped: empty trailer key)", self.line),
        }
    }
}

/// The preview for one patch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrailerPreview {
    pub patch: String,
    pub title: String,
    /// The resulting trailer block, line by line.
    pub block: Vec<String>,
    pub planned: Vec<PlannedTrailer>,
    /// The whole commit message as it would be committed.
    #[serde(skip)]
    pub message: String,
}

impl TrailerPreview {
    /// True when at least one trailer would be added.
    pub fn adds_anything(&self) -> bool {
        self.planned.iter().any(|p| p.outcome == Outcome::Added)
    }
}

/// Computes the exact resulting trailer block of `patch` when `recorded` (already accepted at
/// the desk) and then `new` trailers are added by git's rules.
pub fn preview(
    patch: &Patch,
    recorded: &[RecordedTrailer],
    new: &[(TrailerKind, String)],
) -> TrailerPreview {
    let mut requests: Vec<(String, String)> = recorded
        .iter()
        .map(|t| (t.kind.key().to_string(), t.value.clone()))
        .collect();
    let already = requests.len();
    requests.extend(new.iter().map(|(k, v)| (k.key().to_string(), v.clone())));
    let added = trailer_rules::add(&patch.message, &requests);
    let planned = new
        .iter()
        .zip(added.outcomes.iter().skip(already))
        .map(|((kind, value), outcome)| PlannedTrailer {
            line: format!("{}: {value}", kind.key()),
            outcome: outcome.clone(),
        })
        .collect();
    TrailerPreview {
        patch: patch.key.clone(),
        title: if patch.subject.title.is_empty() {
            patch.message.lines().next().unwrap_or("").to_string()
        } else {
            patch.subject.title.clone()
        },
        block: added.block,
        planned,
        message: added.message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(message: &str) -> Patch {
        Patch {
            key: "p1".into(),
            message: message.into(),
            ..Patch::default()
        }
    }

    #[test]
    fn preview_shows_block_and_skip_reason() {
        let p = patch("t: x\n\nbody\n\nSigned-off-by: A <a@e>\nAcked-by: M <m@e>\n");
        let prev = preview(
            &p,
            &[],
            &[
                (TrailerKind::Acked, "M <m@e>".into()),
                (TrailerKind::Reviewed, "M <m@e>".into()),
            ],
        );
        assert_eq!(
            prev.block,
            vec![
                "Signed-off-by: A <a@e>",
                "Acked-by: M <m@e>",
                "Reviewed-by: M <m@e>"
            ]
        );
        assert!(prev.planned[0].describe().contains("skipped: identical"));
        assert_eq!(prev.planned[1].describe(), "+ Reviewed-by: M <m@e>");
        assert!(prev.adds_anything());
    }

    #[test]
    fn recorded_trailers_come_first_and_block_duplicates() {
        let p = patch("t: x\n\nbody\n\nSigned-off-by: A <a@e>\n");
        let recorded = vec![RecordedTrailer {
            kind: TrailerKind::Tested,
            value: "M <m@e>".into(),
            added: String::new(),
            carried_over_from: None,
        }];
        let prev = preview(&p, &recorded, &[(TrailerKind::Tested, "M <m@e>".into())]);
        assert_eq!(
            prev.block,
            vec!["Signed-off-by: A <a@e>", "Tested-by: M <m@e>"]
        );
        assert!(!prev.adds_anything());
    }
}
