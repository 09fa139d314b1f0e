//! Review status of patches and series, the set maintainers know from Patchwork and b4, and
//! the rule by which a series' status follows its patches unless it was set explicitly.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a patch or series stands.
///
/// Serialised as `{"state": "deferred", "until": "2026-12-01"}`; `until` is only present for
/// [`Status::Deferred`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Status {
    /// Nobody has looked at it yet.
    #[default]
    New,
    /// The maintainer is reviewing it.
    UnderReview,
    /// The author has to send another version.
    ChangesRequested,
    /// Will be (or was) applied.
    Accepted,
    /// Will not be applied.
    Rejected,
    /// A newer version replaces it.
    Superseded,
    /// Put off, optionally until a date (`YYYY-MM-DD`).
    Deferred {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<String>,
    },
}

/// The status names accepted on the command line, in the order shown to users.
pub const STATUS_NAMES: &[&str] = &[
    "new",
    "under-review",
    "changes-requested",
    "accepted",
    "rejected",
    "superseded",
    "deferred",
];

impl Status {
    /// The kebab-case name (`changes-requested`), without the date.
    pub fn name(&self) -> &'static str {
        match self {
            Status::New => "new",
            Status::UnderReview => "under-review",
            Status::ChangesRequested => "changes-requested",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Superseded => "superseded",
            Status::Deferred { .. } => "deferred",
        }
    }

    /// Parses `new`, `under-review`, ..., `deferred` or `deferred:YYYY-MM-DD`
    /// (also `deferred=DATE`). Case-insensitive; `_` may stand for `-`.
    pub fn parse(text: &str) -> Result<Status, String> {
        let text = text.trim();
        let (name, date) = match text.split_once([':', '=']) {
            Some((name, date)) => (name, Some(date.trim())),
            None => (text, None),
        };
        let name = name.trim().to_ascii_lowercase().replace('_', "-");
        let status = match name.as_str() {
            "new" => Status::New,
            "under-review" | "review" => Status::UnderReview,
            "changes-requested" => Status::ChangesRequested,
            "accepted" => Status::Accepted,
            "rejected" => Status::Rejected,
            "superseded" => Status::Superseded,
            "deferred" => {
                let until = match date {
                    Some(d) => Some(parse_date(d)?),
                    None => None,
                };
                return Ok(Status::Deferred { until });
            }
            _ => {
                return Err(format!(
                    "unknown status '{text}' (known: {}; deferred takes an optional date: deferred:YYYY-MM-DD)",
                    STATUS_NAMES.join(", ")
                ));
            }
        };
        if date.is_some() {
            return Err(format!("status '{name}' takes no date; only deferred does"));
        }
        Ok(status)
    }

    /// True for a deferral whose until-date is `today` or past: time to look again.
    pub fn is_due(&self, today: NaiveDate) -> bool {
        match self {
            Status::Deferred { until: Some(d) } => {
                NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok_and(|d| d <= today)
            }
            _ => false,
        }
    }

    /// True for statuses that end the review (accepted, rejected, superseded).
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Status::Accepted | Status::Rejected | Status::Superseded
        )
    }
}

fn parse_date(text: &str) -> Result<String, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| format!("'{text}' is not a date (YYYY-MM-DD)"))
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Deferred { until: Some(d) } => write!(f, "deferred until {d}"),
            other => f.write_str(other.name()),
        }
    }
}

/// The status a series shows.
///
/// The rule: an explicitly set series status wins. Otherwise the series follows the
/// (effective) statuses of its patches:
/// 1. no patches → `new`;
/// 2. every patch has the same status → that status (for `deferred`, the until-date is kept
///    only when all patches share it);
/// 3. any patch is `changes-requested` or `rejected` → `changes-requested` (the series
///    cannot go in as it stands);
/// 4. otherwise (a mix of new, under-review, accepted, deferred, superseded) →
///    `under-review` (work has started but is not finished).
pub fn series_status(explicit: Option<&Status>, patches: &[Status]) -> Status {
    if let Some(status) = explicit {
        return status.clone();
    }
    let Some(first) = patches.first() else {
        return Status::New;
    };
    if patches.iter().all(|s| s == first) {
        return first.clone();
    }
    if patches.iter().all(|s| s.name() == first.name()) {
        // All deferred, but with different dates.
        return Status::Deferred { until: None };
    }
    if patches
        .iter()
        .any(|s| matches!(s, Status::ChangesRequested | Status::Rejected))
    {
        return Status::ChangesRequested;
    }
    Status::UnderReview
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_name_and_round_trips_it() {
        for name in STATUS_NAMES {
            let status = Status::parse(name).unwrap();
            assert_eq!(status.name(), *name);
        }
        assert_eq!(
            Status::parse("Changes_Requested").unwrap(),
            Status::ChangesRequested
        );
    }

    #[test]
    fn deferred_takes_an_optional_valid_date() {
        assert_eq!(
            Status::parse("deferred:2026-12-01").unwrap(),
            Status::Deferred {
                until: Some("2026-12-01".into())
            }
        );
        assert_eq!(
            Status::parse("deferred").unwrap(),
            Status::Deferred { until: None }
        );
        assert!(Status::parse("deferred:2026-13-01").is_err());
        assert!(Status::parse("accepted:2026-12-01").is_err());
    }

    #[test]
    fn deferral_falls_due_on_its_date() {
        let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let deferred = Status::parse("deferred:2026-12-01").unwrap();
        assert!(!deferred.is_due(day("2026-11-30")));
        assert!(deferred.is_due(day("2026-12-01")));
        assert!(!Status::Deferred { until: None }.is_due(day("2030-01-01")));
        assert!(!Status::New.is_due(day("2030-01-01")));
    }

    #[test]
    fn unknown_status_lists_the_known_ones() {
        let err = Status::parse("merged").unwrap_err();
        assert!(err.contains("unknown status 'merged'"), "{err}");
        assert!(err.contains("changes-requested"), "{err}");
    }

    #[test]
    fn serialises_with_a_state_tag() {
        let json = serde_json::to_string(&Status::Deferred {
            until: Some("2026-12-01".into()),
        })
        .unwrap();
        assert_eq!(json, r#"{"state":"deferred","until":"2026-12-01"}"#);
        let back: Status = serde_json::from_str(r#"{"state":"under-review"}"#).unwrap();
        assert_eq!(back, Status::UnderReview);
    }

    #[test]
    fn series_follows_its_patches_unless_set() {
        use Status::*;
        assert_eq!(series_status(None, &[]), New);
        assert_eq!(series_status(None, &[Accepted, Accepted]), Accepted);
        assert_eq!(
            series_status(None, &[Accepted, ChangesRequested, New]),
            ChangesRequested
        );
        assert_eq!(series_status(None, &[Accepted, Rejected]), ChangesRequested);
        assert_eq!(series_status(None, &[Accepted, New]), UnderReview);
        assert_eq!(
            series_status(
                None,
                &[
                    Deferred {
                        until: Some("2026-01-01".into())
                    },
                    Deferred { until: None }
                ]
            ),
            Deferred { until: None }
        );
        assert_eq!(series_status(Some(&Rejected), &[Accepted]), Rejected);
    }
}
