//! The modals' actions: help, the status picker, the notes and files lists, the trailer
//! and export confirm steps.

use super::*;
use crate::tui::state::STATUS_NAMES;

pub(super) fn help_action(state: &mut AppState, action: Action) {
    let Overlay::Help { scroll } = state.overlay else {
        return;
    };
    if action == Action::Back {
        state.overlay = Overlay::None;
        return;
    }
    if is_motion(action) {
        let rows = crate::tui::render::help::row_count(state);
        let page = (state.size.1 as usize).saturating_sub(6);
        let max = rows.saturating_sub(page) + 1;
        state.overlay = Overlay::Help {
            scroll: step(scroll, max, action, page),
        };
    }
}

/// The export confirm step: write, cancel, change an option or scroll the preview.
pub(super) fn export_confirm_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Overlay::ConfirmExport { scroll } = state.overlay else {
        return Vec::new();
    };
    match action {
        Action::Back => {
            state.overlay = Overlay::None;
            state.export = None;
            state.message = Some("nothing written".into());
            Vec::new()
        }
        Action::Open => {
            if let Some(why) = state.export.as_ref().and_then(|e| e.refused.clone()) {
                state.message = Some(format!("nothing written: {why}"));
                return Vec::new();
            }
            state.overlay = Overlay::None;
            state
                .export
                .take()
                .map_or_else(Vec::new, |e| vec![Effect::RunExport(e.ask)])
        }
        a if ExportOption::of(a).is_some() => {
            ExportOption::of(a).map_or_else(Vec::new, |o| export_option(state, o))
        }
        a if is_motion(a) => {
            let n = state.export.as_ref().map_or(0, |e| e.preview.len());
            state.overlay = Overlay::ConfirmExport {
                scroll: step(scroll, n, a, 10),
            };
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The status picker: move, pick (deferred asks for a date first) or close.
pub(super) fn picker_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Overlay::Status { selected, target } = state.overlay else {
        return Vec::new();
    };
    match action {
        Action::Back => state.overlay = Overlay::None,
        Action::Open => {
            state.overlay = Overlay::None;
            if STATUS_NAMES.get(selected) == Some(&"deferred") {
                // Deferred takes an optional date: ask, showing the current one.
                let until = match target {
                    DeskTarget::Patch(p) => match state.status(p) {
                        crate::triage::status::Status::Deferred { until } => {
                            until.unwrap_or_default()
                        }
                        _ => String::new(),
                    },
                    DeskTarget::Series(_) => String::new(),
                };
                state.prompt = Some(Prompt {
                    kind: PromptKind::DeferUntil(target),
                    text: until.clone(),
                    before: until,
                    origin: 0,
                    error: None,
                });
            } else if let Some(Ok(status)) = STATUS_NAMES
                .get(selected)
                .map(|name| crate::triage::status::Status::parse(name))
            {
                return vec![Effect::SetStatus { target, status }];
            }
        }
        a if is_motion(a) => {
            state.overlay = Overlay::Status {
                selected: step(selected, STATUS_NAMES.len(), a, STATUS_NAMES.len()),
                target,
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The notes list: move, open one at its line, edit or delete it.
pub(super) fn notes_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Overlay::Notes { selected } = state.overlay else {
        return Vec::new();
    };
    let Some(entry) = state.note_list.get(selected).cloned() else {
        state.overlay = Overlay::None;
        return Vec::new();
    };
    match action {
        Action::Back | Action::NotesList => state.overlay = Overlay::None,
        Action::Open => {
            state.overlay = Overlay::None;
            open_note(state, &entry);
        }
        Action::DeleteNote => return vec![Effect::DeleteNote(entry.id)],
        Action::EditNote | Action::EditNoteInEditor => {
            return edit_note(state, action, entry.id, entry.text);
        }
        a if is_motion(a) => {
            let page = state.size.1.saturating_sub(6) as usize;
            state.overlay = Overlay::Notes {
                selected: step(selected, state.note_list.len(), a, page),
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Opens the patch of a listed note and scrolls to the note, making it the one edit and
/// delete act on.
pub(super) fn open_note(state: &mut AppState, entry: &NoteEntry) {
    use crate::tui::patch_model::LineKind;
    let index = entry
        .patch_key
        .as_ref()
        .and_then(|k| state.queue.patches.iter().position(|p| &p.key == k));
    let Some(index) = index else {
        state.message = Some(format!("note {}: its patch is not in this queue", entry.id));
        return;
    };
    if state.patch.as_ref().map(|v| v.index) != Some(index) {
        open_patch(state, index);
    }
    let max = max_offset(state);
    let Some(v) = state.patch.as_mut() else {
        return;
    };
    let first = v
        .model
        .lines
        .iter()
        .position(|l| l.kind == LineKind::Note(entry.id));
    match first {
        Some(l) => {
            // The line it is on at the top; a note on the whole patch or series: the top.
            let pinned = v.model.lines[l].label.is_some();
            v.offset = if pinned {
                0
            } else {
                v.position_of(l.saturating_sub(1)).min(max)
            };
            v.note = Some(entry.id);
            state.message = Some(format!("note {} on {}", entry.id, entry.place));
        }
        None => {
            v.offset = 0;
            state.message = Some(format!(
                "note {} lost its line in this version of the patch",
                entry.id
            ));
        }
    }
}

pub(super) fn files_action(state: &mut AppState, action: Action) {
    let Overlay::Files { selected } = state.overlay else {
        return;
    };
    let n = state.patch.as_ref().map_or(0, |v| v.model.files.len());
    match action {
        Action::Back => state.overlay = Overlay::None,
        Action::Open => {
            state.overlay = Overlay::None;
            let line = state
                .patch
                .as_ref()
                .and_then(|v| v.model.files.get(selected))
                .map(|f| f.line);
            let max = max_offset(state);
            if let (Some(line), Some(v)) = (line, state.patch.as_mut()) {
                v.offset = v.position_of(line).min(max);
            }
        }
        a if is_motion(a) => {
            state.overlay = Overlay::Files {
                selected: step(selected, n, a, 10),
            }
        }
        _ => {}
    }
}

/// Changes one option of the export being confirmed: a switch flips and the preview is made
/// again; a name (branch, onto) is asked for first.
pub(super) fn export_option(state: &mut AppState, option: ExportOption) -> Vec<Effect> {
    let Some(e) = state.export.as_mut() else {
        return Vec::new();
    };
    if !e.ask.kind.options().contains(&option) {
        state.message = Some(format!(
            "{} is not an option of {}",
            option.label(),
            e.ask.kind.name()
        ));
        return Vec::new();
    }
    match option {
        ExportOption::Force => e.ask.force = !e.ask.force,
        ExportOption::Signoff => e.ask.signoff = !e.ask.signoff,
        ExportOption::AllowMissing => e.ask.allow_missing = !e.ask.allow_missing,
        ExportOption::Format => {
            e.ask.json = !e.ask.json;
            let (from, to) = if e.ask.json {
                (".mbox", ".json")
            } else {
                (".json", ".mbox")
            };
            if let Some(stem) = e.ask.target.strip_suffix(from) {
                e.ask.target = format!("{stem}{to}");
            }
        }
        ExportOption::Branch | ExportOption::Onto => {
            let (kind, current) = if option == ExportOption::Branch {
                (PromptKind::ExportBranch, e.ask.branch.clone())
            } else {
                (PromptKind::ExportOnto, e.ask.onto.clone())
            };
            let text = current.unwrap_or_default();
            state.prompt = Some(Prompt {
                kind,
                before: text.clone(),
                text,
                origin: 0,
                error: None,
            });
            return Vec::new();
        }
    }
    vec![Effect::PreviewExport(e.ask.clone())]
}

/// The trailer preview: confirm records it, back drops it.
pub(super) fn confirm_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Overlay::Confirm { scroll } = state.overlay else {
        return Vec::new();
    };
    match action {
        Action::Back => {
            state.overlay = Overlay::None;
            state.confirm = None;
            state.message = Some("nothing recorded".into());
        }
        Action::Open => {
            state.overlay = Overlay::None;
            if let Some(c) = state.confirm.take() {
                return vec![Effect::AddTrailer(c.ask)];
            }
        }
        a if is_motion(a) => {
            let n = state.confirm.as_ref().map_or(0, |c| c.preview.len());
            state.overlay = Overlay::Confirm {
                scroll: step(scroll, n, a, 10),
            };
        }
        _ => {}
    }
    Vec::new()
}

/// Opens note `id` (now `text`) for editing: in a prompt (one line only), or in the editor.
pub(super) fn edit_note(
    state: &mut AppState,
    action: Action,
    id: u64,
    text: String,
) -> Vec<Effect> {
    if action == Action::EditNoteInEditor {
        return vec![Effect::EditNoteExternally { id, text }];
    }
    if text.lines().count() > 1 {
        let editor = state
            .keymap
            .hint(state.context(), Action::EditNoteInEditor)
            .unwrap_or_else(|| "edit_note_in_editor".into());
        state.message = Some(format!(
            "note {id} has several lines: edit it in your editor ({editor})"
        ));
        return Vec::new();
    }
    state.prompt = Some(Prompt {
        kind: PromptKind::EditNote(id),
        text: text.clone(),
        before: text,
        origin: 0,
        error: None,
    });
    Vec::new()
}
