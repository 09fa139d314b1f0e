//! The triage actions of the queue and patch views (status, notes, trailers, exports), then
//! the view's own (motion, folding, findings, search).

use super::*;

/// Whether `action` records something on the open patch (refused on an archived version,
/// which is shown for comparison and belongs to no loaded series).
fn changes_the_patch(action: Action) -> bool {
    matches!(
        action,
        Action::SetStatus
            | Action::AddNote
            | Action::AddPatchNote
            | Action::DeleteNote
            | Action::EditNote
            | Action::EditNoteInEditor
            | Action::AcceptReplyTrailer
            | Action::Ack
            | Action::Review
            | Action::Tested
            | Action::ExportReplies
            | Action::ExportSeries
            | Action::ApplySeries
    )
}

/// Applies `action` in the queue or patch view (`context`).
pub(super) fn view_action(state: &mut AppState, context: Context, action: Action) -> Vec<Effect> {
    let archived = state
        .patch
        .as_ref()
        .is_some_and(|v| state.is_archived(v.index));
    if archived && context == Context::Patch && changes_the_patch(action) {
        state.message =
            Some("read-only: this version is from the archive of reviewed patches".into());
        return Vec::new();
    }
    match action {
        Action::SetStatus => {
            match desk_target(state) {
                Some(target) => {
                    state.overlay = Overlay::Status {
                        selected: 0,
                        target,
                    }
                }
                None => state.message = Some("nothing selected to set a status on".into()),
            }
            return Vec::new();
        }
        Action::Undo => {
            return vec![Effect::Undo];
        }
        Action::AddNote => {
            match note_line(state) {
                Some(line) => {
                    state.prompt = Some(Prompt {
                        kind: PromptKind::Note,
                        text: String::new(),
                        before: String::new(),
                        origin: line,
                        error: None,
                    })
                }
                None => state.message = Some(
                    "no line for a note here: scroll a message or new-side diff line to the top"
                        .into(),
                ),
            }
            return Vec::new();
        }
        Action::EditNote | Action::EditNoteInEditor => {
            let found = state.patch.as_ref().and_then(|v| {
                let id = state.note_target()?;
                state.note_of(v.index, id).map(|n| (id, n.text.clone()))
            });
            let Some((id, text)) = found else {
                state.message = Some("no note on screen".into());
                return Vec::new();
            };
            return edit_note(state, action, id, text);
        }
        Action::NotesList => {
            if state.note_list.is_empty() {
                state.message = Some("no notes in this queue yet".into());
            } else {
                state.sort_note_list();
                // Start at the first note of the open patch, if it has one.
                let open = state
                    .patch
                    .as_ref()
                    .and_then(|v| state.queue.patches.get(v.index))
                    .map(|p| p.key.clone());
                let selected = state
                    .note_list
                    .iter()
                    .position(|n| open.is_some() && n.patch_key == open)
                    .unwrap_or(0);
                state.overlay = Overlay::Notes { selected };
            }
            return Vec::new();
        }
        Action::AcceptReplyTrailer => {
            return match state.warned_trailer_on_screen() {
                Some((patch, line)) => vec![Effect::AcceptReplyTrailer { patch, line }],
                None => {
                    state.message = Some("no warned reply trailer on screen".into());
                    Vec::new()
                }
            };
        }
        Action::AddPatchNote => {
            match desk_target(state) {
                Some(target) => state.prompt = Some(Prompt::empty(PromptKind::WholeNote(target))),
                None => state.message = Some("nothing selected to put a note on".into()),
            }
            return Vec::new();
        }
        Action::DeleteNote => {
            return match state.note_target() {
                Some(id) => vec![Effect::DeleteNote(id)],
                None => {
                    state.message = Some("no note on screen".into());
                    Vec::new()
                }
            };
        }
        Action::Ack | Action::Review | Action::Tested => {
            use crate::triage::trailers::TrailerKind;
            let kind = match action {
                Action::Ack => TrailerKind::Acked,
                Action::Review => TrailerKind::Reviewed,
                _ => TrailerKind::Tested,
            };
            let targets = match desk_target(state) {
                Some(DeskTarget::Patch(p)) => vec![p],
                Some(DeskTarget::Series(s)) => state
                    .queue
                    .series
                    .get(s)
                    .map(|s| s.patches.clone())
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            if targets.is_empty() {
                state.message = Some("nothing selected to add a trailer to".into());
                return Vec::new();
            }
            return vec![Effect::PlanTrailer(TrailerAsk {
                kind,
                targets,
                waivers: Vec::new(),
            })];
        }
        Action::ExportReplies
        | Action::ExportSeries
        | Action::ExportRecord
        | Action::ApplySeries => {
            let series = selected_series(state);
            let (kind, target) = match (action, series) {
                (Action::ExportReplies, Some(id)) => {
                    (ExportKind::Replies, format!("replies-{id}.mbox"))
                }
                (Action::ExportReplies, None) => (ExportKind::Replies, "replies.mbox".into()),
                (Action::ExportSeries, Some(id)) => {
                    (ExportKind::Series, format!("series-{id}.mbox"))
                }
                (Action::ExportRecord, _) => (ExportKind::Record, "record.json".into()),
                (Action::ApplySeries, Some(_)) => (ExportKind::Apply, ".".into()),
                _ => {
                    state.message = Some("select a patch of a series first".into());
                    return Vec::new();
                }
            };
            state.export = Some(crate::tui::state::ExportPending {
                ask: ExportAsk {
                    kind,
                    series: series.filter(|_| kind != ExportKind::Record),
                    target: target.clone(),
                    json: kind == ExportKind::Record,
                    ..ExportAsk::default()
                },
                preview: Vec::new(),
                refused: None,
            });
            state.prompt = Some(Prompt {
                kind: PromptKind::ExportTarget,
                text: target.clone(),
                before: target,
                origin: 0,
                error: None,
            });
            return Vec::new();
        }
        Action::ShowInterdiff | Action::ShowPrevious | Action::RangeDiff | Action::OpenPair => {
            versions_action(state, action);
            return Vec::new();
        }
        Action::NextNote | Action::PrevNote => {
            jump_to_note(state, action == Action::NextNote);
            return Vec::new();
        }
        _ => {}
    }
    if context == Context::Patch {
        patch_action(state, action);
    } else {
        queue_action(state, action);
    }
    Vec::new()
}
