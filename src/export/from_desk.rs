//! The desk's state as a [`ReviewPlan`]: what the exports need, read from
//! [`crate::triage::desk::Desk`] (status, notes on patches, lines and series, the
//! maintainer's trailers, accepted reply trailers, waivers) for the patches of a queue.

use super::plan::{
    FindingsSummary, LineNote, PatchReview, ReviewPlan, ReviewStatus, SeriesReview, WaiverRecord,
};
use crate::mail::Address;
use crate::policy::Finding;
use crate::queue::Queue;
use crate::triage::desk::{Desk, series_key};
use crate::triage::notes::{self, NoteTarget};
use crate::triage::status::Status;

/// The export's name for a desk status.
pub fn review_status(status: &Status) -> ReviewStatus {
    match status {
        Status::New => ReviewStatus::New,
        Status::UnderReview => ReviewStatus::UnderReview,
        Status::ChangesRequested => ReviewStatus::ChangesRequested,
        Status::Accepted => ReviewStatus::Accepted,
        Status::Rejected => ReviewStatus::Rejected,
        Status::Superseded => ReviewStatus::Superseded,
        Status::Deferred { until } => ReviewStatus::Deferred(until.clone()),
    }
}

/// Builds the plan for the patches and series of `queue`. `findings` (indexed like
/// `queue.patches`) fills each review's findings summary when given. A line note whose line
/// is gone (orphaned) becomes a patch note saying where it was.
pub fn review_plan(
    desk: &Desk,
    queue: &Queue,
    findings: Option<&[Vec<Finding>]>,
    maintainer: Address,
) -> ReviewPlan {
    let mut plan = ReviewPlan::new(maintainer);
    for (i, patch) in queue.patches.iter().enumerate() {
        let mut review = PatchReview {
            status: review_status(&desk.patch_status(queue, i)),
            trailers: desk
                .trailers_for(queue, i)
                .iter()
                .map(|t| (t.kind.key().to_string(), t.value.clone()))
                .collect(),
            accepted_reply_trailers: desk
                .state()
                .patches
                .get(&patch.key)
                .map(|s| s.accepted_reply_trailers.clone())
                .unwrap_or_default(),
            waivers: desk
                .waivers_for(queue, i)
                .into_iter()
                .map(|w| WaiverRecord {
                    rule: w.rule.clone(),
                    reason: w.reason.clone(),
                    who: w.who.clone(),
                    when: w.when.clone(),
                })
                .collect(),
            findings: findings
                .and_then(|f| f.get(i))
                .map(|f| FindingsSummary::of(f)),
            ..PatchReview::default()
        };
        let mut latest: Vec<&str> = review.waivers.iter().map(|w| w.when.as_str()).collect();
        latest.extend(desk.trailers_for(queue, i).iter().map(|t| t.added.as_str()));
        for note in desk.notes_for_patch(queue, i) {
            latest.push(&note.updated);
            match &note.target {
                NoteTarget::Line(anchor) if !note.orphaned => review.line_notes.push(LineNote {
                    part: anchor.part,
                    file: anchor.file.clone(),
                    line: anchor.line,
                    text: note.text.clone(),
                }),
                NoteTarget::Line(anchor) => review.notes.push(format!(
                    "[on {} line {} of an earlier version] {}",
                    anchor
                        .file
                        .clone()
                        .unwrap_or_else(|| notes::part_name(anchor.part).to_string()),
                    anchor.line,
                    note.text
                )),
                _ => review.notes.push(note.text.clone()),
            }
        }
        review.updated = latest
            .into_iter()
            .filter(|t| !t.is_empty())
            .max()
            .map(str::to_string);
        let decided = review.status != ReviewStatus::New
            || !review.notes.is_empty()
            || !review.line_notes.is_empty()
            || !review.trailers.is_empty()
            || !review.accepted_reply_trailers.is_empty()
            || !review.waivers.is_empty();
        if decided || review.findings.is_some() {
            plan.patches.insert(patch.key.clone(), review);
        }
    }
    for series in &queue.series {
        let Some(key) = series_key(queue, series) else {
            continue;
        };
        let explicit = desk
            .state()
            .series
            .get(&key)
            .and_then(|s| s.status.as_ref())
            .map(review_status);
        let notes: Vec<String> = desk
            .notes_for_series(queue, series)
            .into_iter()
            .map(|n| n.text.clone())
            .collect();
        if explicit.is_some() || !notes.is_empty() {
            plan.series.insert(
                key,
                SeriesReview {
                    status: explicit,
                    notes,
                },
            );
        }
    }
    plan
}
