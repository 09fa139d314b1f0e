//! `trailer-stale-review` (POLICY.md TAG-STALE-REVIEW): a review that no longer covers the
//! code it names. Two cases, both on the newer patch of a pair that [`compare`] made
//! against the series' previous version:
//!
//! - a `Reviewed-by`, `Acked-by` or `Tested-by` the author kept in the message of v(n+1)
//!   although the diff changed a lot since v(n): more than a tenth of the newer diff's
//!   lines (git's diffsize) were added, removed or rewritten;
//! - a trailer given in a reply to v(n) (b4-style, see `triage::replies`), which is carried
//!   to v(n+1) only when the pair is `same`; on any other pair it is stale.
//!
//! Queue-level: it needs the families, so it runs after the per-patch rules.

use super::compare::Revision;
use super::pairing::{Change, range_text};
use crate::policy::profile::Profile;
use crate::policy::{Finding, Location, Part};
use crate::queue::Queue;
use similar::{ChangeTag, TextDiff};

/// The rule's id.
pub const RULE: &str = "trailer-stale-review";

/// The trailers that vouch for the code.
pub const REVIEW_KEYS: [&str; 3] = ["Reviewed-by", "Acked-by", "Tested-by"];

/// True when `key` (any case) is one of [`REVIEW_KEYS`].
pub fn is_review_key(key: &str) -> bool {
    REVIEW_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// Lines of the diff part added or removed between two versions of a patch, and the
/// newer's diffsize (both as `git range-diff` counts them).
pub fn diff_change(old: &crate::patch::Patch, new: &crate::patch::Patch) -> (usize, usize) {
    let (a, b) = (range_text(old), range_text(new));
    let changed = TextDiff::from_lines(a.diff(), b.diff())
        .iter_all_changes()
        .filter(|c| c.tag() != ChangeTag::Equal)
        .count();
    (changed, usize::try_from(b.diffsize).unwrap_or(0))
}

/// True when `changed` lines of a `size`-line diff are "a lot": more than a tenth.
pub fn changed_a_lot(changed: usize, size: usize) -> bool {
    changed > 0 && changed * 10 > size.max(1)
}

/// The version label of a series for messages (`v2`, `v1` when unnumbered).
fn version(queue: &Queue, series: usize) -> String {
    format!("v{}", queue.series[series].version.max(1))
}

/// One stale review trailer of a newer patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleTrailer {
    /// The trailer line (`Reviewed-by: Name <addr>`).
    pub trailer: String,
    /// 0-based line of the newer message it is on, or the message's last line when it was
    /// given in a reply.
    pub line0: usize,
    /// Why it is stale, in one line.
    pub why: String,
}

/// What becomes of the review trailers across one pair: those given in replies to the
/// older patch and carried to the newer (a `same` pair), and those that are stale.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewCarry {
    pub carried: Vec<String>,
    pub stale: Vec<StaleTrailer>,
}

/// The review trailers of one pair of `revision`; `given(old_patch)` lists the trailer
/// lines (`Acked-by: Name <addr>`) given in replies to an older patch.
pub fn review_carry(
    queue: &Queue,
    revision: &Revision,
    report: &super::compare::PairReport,
    given: &dyn Fn(usize) -> Vec<String>,
) -> ReviewCarry {
    let mut out = ReviewCarry::default();
    let (Some(oi), Some(ni)) = (report.old_patch, report.new_patch) else {
        return out;
    };
    let (old, new) = (&queue.patches[oi], &queue.patches[ni]);
    let was = version(queue, revision.previous);
    if report.pair.diff_changed {
        let (changed, size) = diff_change(old, new);
        if changed_a_lot(changed, size) {
            for t in new.trailers.iter().filter(|t| is_review_key(&t.key)) {
                out.stale.push(StaleTrailer {
                    trailer: format!("{}: {}", t.key, t.value),
                    line0: t.line,
                    why: format!(
                        "{}: {} kept, but the diff changed since {was} ({changed} of {size} lines): ask again or drop it",
                        t.key, t.value
                    ),
                });
            }
        }
    }
    let in_message = |line: &str| {
        new.trailers
            .iter()
            .any(|t| format!("{}: {}", t.key, t.value).eq_ignore_ascii_case(line))
    };
    let last = new.message.lines().count().saturating_sub(1);
    for line in given(oi).into_iter().filter(|l| !in_message(l)) {
        if report.pair.change == Change::Same {
            out.carried.push(line);
        } else {
            out.stale.push(StaleTrailer {
                why: format!(
                    "{line} was given on {was}; the patch changed since, so it is not carried"
                ),
                trailer: line,
                line0: last,
            });
        }
    }
    out
}

/// Fills each pair's [`PairReport::trailers`](super::compare::PairReport::trailers).
pub fn fill(queue: &Queue, revision: &mut Revision, given: &dyn Fn(usize) -> Vec<String>) {
    let carries: Vec<ReviewCarry> = revision
        .pairs
        .iter()
        .map(|r| review_carry(queue, revision, r, given))
        .collect();
    for (r, c) in revision.pairs.iter_mut().zip(carries) {
        r.trailers = c;
    }
}

/// The stale findings of one revision, each with the index of the patch it is on.
pub fn check(
    queue: &Queue,
    revision: &Revision,
    profile: &Profile,
    given: &dyn Fn(usize) -> Vec<String>,
) -> Vec<(usize, Finding)> {
    let Some(severity) = profile.severity(RULE) else {
        return Vec::new();
    };
    let source = profile.source_of(RULE).to_string();
    let mut out = Vec::new();
    for report in &revision.pairs {
        let Some(ni) = report.new_patch else { continue };
        let message = &queue.patches[ni].message;
        for s in review_carry(queue, revision, report, given).stale {
            out.push((
                ni,
                Finding {
                    rule: RULE.to_string(),
                    severity,
                    location: Location {
                        part: Part::Trailer,
                        line: u32::try_from(s.line0 + 1).unwrap_or(u32::MAX),
                        start: 0,
                        end: message.lines().nth(s.line0).map_or(0, str::len),
                        file: None,
                    },
                    message: s.why,
                    source: source.clone(),
                },
            ));
        }
    }
    out
}

/// Adds the rule's findings to a queue's (`findings` indexed like `queue.patches`), each
/// series against its previous version in `versions`.
pub fn add(
    queue: &Queue,
    versions: &super::versions::Versions,
    profile: &Profile,
    findings: &mut [Vec<Finding>],
    given: &dyn Fn(usize) -> Vec<String>,
) {
    for revision in versions.revisions.iter().flatten() {
        for (i, f) in check(queue, revision, profile, given) {
            if let Some(list) = findings.get_mut(i) {
                list.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lot_is_more_than_a_tenth() {
        assert!(!changed_a_lot(0, 10));
        assert!(!changed_a_lot(1, 10));
        assert!(changed_a_lot(2, 10));
        assert!(changed_a_lot(1, 0));
        assert!(!changed_a_lot(10, 100));
        assert!(changed_a_lot(11, 100));
    }

    #[test]
    fn review_keys_in_any_case() {
        assert!(is_review_key("reviewed-by"));
        assert!(is_review_key("Tested-by"));
        assert!(!is_review_key("Signed-off-by"));
    }
}
