//! The pure heart of the desk: keys become actions through the keymap, and `update` applies
//! an action to the state, returning effects (anything that needs I/O) for the loop to run.
//! Nothing here touches the terminal, the clock or a file.
//!
//! Split by context: `view` (the triage actions of both views), `queue` (the list), `patch`
//! (the patch view and its search), `modal` (help, pickers, notes, files, confirm steps) and
//! `prompt` (the one-line editor). Which contexts an action means something in is said once,
//! in the action table; `update` checks it there and dispatches by context.

mod modal;
mod patch;
mod prompt;
mod queue;
#[cfg(test)]
mod tests;
mod versions;
mod view;

use super::action::{Action, Context};
pub use super::boundary::{
    DeskTarget, DeskView, Effect, ExportAsk, ExportKind, ExportOption, Incoming, NoteEntry,
    TrailerAsk,
};
use super::key::{Key, KeyChord, format_sequence};
use super::keymap::Resolution;
use super::list::Row;
use super::state::{AppState, Overlay, Prompt, PromptKind};
use modal::*;
use patch::*;
use prompt::*;
use queue::*;
use versions::*;
use view::*;

/// Handles one incoming event.
pub fn receive(state: &mut AppState, event: Incoming) -> Vec<Effect> {
    match event {
        Incoming::Key(chord) => handle_key(state, chord),
        Incoming::Resize(w, h) => {
            state.size = (w, h);
            clamp(state);
            state.dirty = true;
            Vec::new()
        }
        Incoming::Progress { done, total, what } => {
            state.loading = Some(super::state::Loading { done, total, what });
            state.dirty = true;
            Vec::new()
        }
        Incoming::Queue {
            queue,
            findings,
            owners,
            versions,
            done,
        } => {
            let problem = versions.families.problems.first().cloned();
            state.set_queue(queue, findings);
            state.set_owners(owners);
            state.set_versions(versions);
            if done {
                state.loading = None;
                let window = state.queue.window.as_ref().map(|w| w.describe());
                if let Some(message) = window.or(problem) {
                    state.message = Some(message);
                }
                return vec![Effect::OpenDesk];
            }
            Vec::new()
        }
        Incoming::Desk { view, message } => {
            state.set_desk(view);
            if message.is_some() {
                state.message = message;
            }
            Vec::new()
        }
        Incoming::TrailerPlan {
            ask,
            preview,
            unwaived,
        } => {
            state.dirty = true;
            if unwaived.is_empty() {
                state.overlay = Overlay::Confirm { scroll: 0 };
                state.confirm = Some(super::state::Confirm {
                    ask,
                    preview,
                    unwaived,
                });
            } else {
                ask_waiver(state, &unwaived[0]);
                state.confirm = Some(super::state::Confirm {
                    ask,
                    preview,
                    unwaived,
                });
            }
            Vec::new()
        }
        Incoming::ExportPreview {
            ask,
            lines,
            refused,
        } => {
            state.export = Some(super::state::ExportPending {
                ask,
                preview: lines,
                refused,
            });
            state.overlay = Overlay::ConfirmExport { scroll: 0 };
            state.dirty = true;
            Vec::new()
        }
        Incoming::Message(text) => {
            state.message = Some(text);
            state.dirty = true;
            Vec::new()
        }
        Incoming::Worked(result) => {
            state.in_flight.pop_front();
            state.dirty = true;
            match result {
                Some(incoming) => receive(state, *incoming),
                None => Vec::new(),
            }
        }
        Incoming::LoadFailed(e) => {
            state.loading = None;
            state.message = Some(format!("loading failed: {e}"));
            state.dirty = true;
            Vec::new()
        }
    }
}

/// Resolves a key through the keymap (chords by prefix; Esc cancels a pending chord) and
/// applies the action. In a prompt, an unbound printable key is typed.
pub fn handle_key(state: &mut AppState, chord: KeyChord) -> Vec<Effect> {
    let context = state.context();
    state.dirty = true;
    if state.pending.is_empty() {
        state.message = None;
    }
    if chord == KeyChord::plain(Key::Esc) && !state.pending.is_empty() {
        state.pending.clear();
        return Vec::new();
    }
    state.pending.push(chord);
    match state.keymap.resolve(context, &state.pending) {
        Resolution::Matched(action) => {
            state.pending.clear();
            update(state, action)
        }
        Resolution::Pending => Vec::new(),
        Resolution::NotFound => {
            let typed = std::mem::take(&mut state.pending);
            if context == Context::Prompt && typed.len() == 1 {
                if let Some(c) = chord.printable() {
                    prompt_edit(state, |t| t.push(c));
                }
            } else if typed.len() > 1 {
                state.message = Some(format!("`{}` is not bound", format_sequence(&typed)));
            }
            Vec::new()
        }
    }
}

/// Applies one action.
pub fn update(state: &mut AppState, action: Action) -> Vec<Effect> {
    state.dirty = true;
    let context = state.context();
    match action {
        Action::Quit => return vec![Effect::Quit],
        Action::Help => {
            state.overlay = match state.overlay {
                Overlay::Help { .. } => Overlay::None,
                _ => Overlay::Help { scroll: 0 },
            };
            return Vec::new();
        }
        _ => {}
    }
    // The action table says where an action means something; nothing else re-checks it.
    let global = context.inherits_global() && action.allowed_in(Context::Global);
    if !action.allowed_in(context) && !global {
        return Vec::new();
    }
    match context {
        Context::Picker => picker_action(state, action),
        Context::Confirm => confirm_action(state, action),
        Context::Export => export_confirm_action(state, action),
        Context::Notes => notes_action(state, action),
        Context::Prompt => prompt_action(state, action),
        Context::Help => {
            help_action(state, action);
            Vec::new()
        }
        Context::Files => {
            files_action(state, action);
            Vec::new()
        }
        Context::Patch | Context::Queue | Context::Global => view_action(state, context, action),
    }
}

pub(super) fn step(pos: usize, len: usize, action: Action, page: usize) -> usize {
    let last = len.saturating_sub(1);
    let page = page.max(1);
    match action {
        Action::MoveDown => (pos + 1).min(last),
        Action::MoveUp => pos.saturating_sub(1),
        Action::PageDown => (pos + page).min(last),
        Action::PageUp => pos.saturating_sub(page),
        Action::HalfPageDown => (pos + page.div_ceil(2)).min(last),
        Action::HalfPageUp => pos.saturating_sub(page.div_ceil(2)),
        Action::GoTop => 0,
        Action::GoBottom => last,
        _ => pos,
    }
}

pub(super) fn is_motion(a: Action) -> bool {
    matches!(
        a,
        Action::MoveDown
            | Action::MoveUp
            | Action::PageDown
            | Action::PageUp
            | Action::HalfPageDown
            | Action::HalfPageUp
            | Action::GoTop
            | Action::GoBottom
    )
}

/// What the selected queue row or the open patch is, for a triage decision.
pub(super) fn desk_target(state: &AppState) -> Option<DeskTarget> {
    if let Some(v) = &state.patch {
        return Some(DeskTarget::Patch(v.index));
    }
    match state.list.rows.get(state.list.selected).copied()? {
        Row::Head { group } => {
            let g = state.list.groups.get(group)?;
            match (g.head, g.series) {
                (Some(p), _) => Some(DeskTarget::Patch(p)),
                (None, Some(s)) => Some(DeskTarget::Series(s)),
                (None, None) => None,
            }
        }
        Row::Child { patch, .. } => Some(DeskTarget::Patch(patch)),
        Row::Gap { .. } => None,
    }
}

/// The series id of the selected row or open patch.
pub(super) fn selected_series(state: &AppState) -> Option<usize> {
    let patch = match desk_target(state)? {
        DeskTarget::Patch(p) => p,
        DeskTarget::Series(s) => return state.queue.series.get(s).map(|s| s.id),
    };
    state.queue.series_of(patch).map(|s| s.id)
}
