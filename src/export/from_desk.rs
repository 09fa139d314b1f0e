//! The thin mapping from the triage desk's state to the exports' [`ReviewPlan`]: statuses,
//! notes (series, patch and line notes; a note whose line is gone becomes a patch note that
//! says so), the maintainer's trailers, accepted reply trailers, waivers and, when given,
//! the findings under the active profile.

use super::plan::{FindingsSummary, LineNote, ReviewPlan, WaiverRecord};
use crate::mail::Address;
use crate::policy::Finding;
use crate::queue::Queue;
use crate::triage::notes::NoteTarget;
use crate::triage::store::DeskState;

/// Keeps the later of two RFC 3339 times (they compare as text when written alike).
fn later(slot: &mut Option<String>, when: &str) {
    if when.is_empty() {
        return;
    }
    if slot.as_deref().is_none_or(|s| s < when) {
        *slot = Some(when.to_string());
    }
}

/// Builds the plan from the desk's state. `findings` (indexed like `queue.patches`) fill in
/// the findings summaries when given.
pub fn plan_from_state(
    state: &DeskState,
    queue: &Queue,
    maintainer: Address,
    findings: Option<&[Vec<Finding>]>,
) -> ReviewPlan {
    let mut plan = ReviewPlan::new(maintainer);
    for (key, patch) in &state.patches {
        let review = plan.patch_mut(key);
        if let Some(status) = &patch.status {
            review.status = status.clone();
        }
        for t in &patch.trailers {
            review
                .trailers
                .push((t.kind.key().to_string(), t.value.clone()));
            later(&mut review.updated, &t.added);
        }
        review.accepted_reply_trailers = patch.accepted_reply_trailers.clone();
    }
    for (key, series) in &state.series {
        if let Some(status) = &series.status {
            plan.series_mut(key).status = Some(status.clone());
        }
    }
    for note in &state.notes {
        match &note.target {
            NoteTarget::Series { series } => plan.series_mut(series).notes.push(note.text.clone()),
            NoteTarget::Patch { patch } => {
                let review = plan.patch_mut(patch);
                review.notes.push(note.text.clone());
                later(&mut review.updated, &note.updated);
                later(&mut review.updated, &note.created);
            }
            NoteTarget::Line(anchor) => {
                let review = plan.patch_mut(&anchor.patch);
                if note.orphaned {
                    let place = match &anchor.file {
                        Some(file) => format!("{file}:{}", anchor.line),
                        None => format!("line {}", anchor.line),
                    };
                    review
                        .notes
                        .push(format!("(On {place}, since changed:) {}", note.text.trim()));
                } else {
                    review.line_notes.push(LineNote {
                        part: anchor.part,
                        file: anchor.file.clone(),
                        line: anchor.line,
                        text: note.text.clone(),
                        interdiff: note.interdiff.clone(),
                    });
                }
                later(&mut review.updated, &note.updated);
                later(&mut review.updated, &note.created);
            }
        }
    }
    for waiver in &state.waivers {
        let review = plan.patch_mut(&waiver.patch);
        review.waivers.push(WaiverRecord {
            rule: waiver.rule.clone(),
            reason: waiver.reason.clone(),
            who: waiver.who.clone(),
            when: waiver.when.clone(),
        });
        later(&mut review.updated, &waiver.when);
    }
    if let Some(findings) = findings {
        for (patch, found) in queue.patches.iter().zip(findings) {
            plan.patch_mut(&patch.key).findings = Some(FindingsSummary::of(found));
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Part;
    use crate::triage::gate::Waiver;
    use crate::triage::notes::{LineAnchor, Note};
    use crate::triage::status::Status;
    use crate::triage::store::{PatchState, SeriesState};
    use crate::triage::trailers::{RecordedTrailer, TrailerKind};

    fn note(id: u64, target: NoteTarget, text: &str, orphaned: bool) -> Note {
        Note {
            id,
            target,
            text: text.into(),
            created: "2026-11-24T10:00:00Z".into(),
            updated: String::new(),
            carried_over_from: None,
            orphaned,
            interdiff: None,
        }
    }

    #[test]
    fn desk_state_maps_onto_the_plan() {
        let json = r#"{"schema_version": 1, "source": "q"}"#;
        let mut state: DeskState = serde_json::from_str(json).expect("minimal state");
        state.patches.insert(
            "p1".into(),
            PatchState {
                status: Some(Status::Deferred {
                    until: Some("2026-12-01".into()),
                }),
                trailers: vec![RecordedTrailer {
                    kind: TrailerKind::Acked,
                    value: "M <m@x>".into(),
                    added: "2026-11-24T11:00:00Z".into(),
                    carried_over_from: None,
                }],
                accepted_reply_trailers: vec!["Tested-by: T <t@x>".into()],
                ..PatchState::default()
            },
        );
        state.series.insert(
            "c".into(),
            SeriesState {
                status: Some(Status::Accepted),
                ..SeriesState::default()
            },
        );
        let anchor = |line| LineAnchor {
            patch: "p1".into(),
            part: Part::Diff,
            file: Some("a.c".into()),
            line,
            line_hash: String::new(),
        };
        state.notes = vec![
            note(
                1,
                NoteTarget::Series { series: "c".into() },
                "series",
                false,
            ),
            note(2, NoteTarget::Patch { patch: "p1".into() }, "whole", false),
            note(3, NoteTarget::Line(anchor(7)), "here", false),
            note(4, NoteTarget::Line(anchor(9)), "gone", true),
        ];
        state.waivers = vec![Waiver {
            who: "M <m@x>".into(),
            when: "2026-11-24T12:00:00Z".into(),
            patch: "p1".into(),
            rule: "dco-missing".into(),
            reason: "signed on the list".into(),
            carried_over_from: None,
        }];
        let plan = plan_from_state(&state, &Queue::default(), Address::default(), None);
        let p1 = plan.patch("p1").expect("p1");
        assert_eq!(
            p1.status,
            Status::Deferred {
                until: Some("2026-12-01".into())
            }
        );
        assert_eq!(
            p1.trailers,
            vec![("Acked-by".to_string(), "M <m@x>".to_string())]
        );
        assert_eq!(p1.accepted_reply_trailers, vec!["Tested-by: T <t@x>"]);
        assert_eq!(p1.notes, vec!["whole", "(On a.c:9, since changed:) gone"]);
        assert_eq!(p1.line_notes.len(), 1);
        assert_eq!(
            (p1.line_notes[0].line, p1.line_notes[0].text.as_str()),
            (7, "here")
        );
        assert_eq!(p1.waivers[0].reason, "signed on the list");
        assert_eq!(p1.updated.as_deref(), Some("2026-11-24T12:00:00Z"));
        let series = &plan.series["c"];
        assert_eq!(series.status, Some(Status::Accepted));
        assert_eq!(series.notes, vec!["series"]);
    }
}
