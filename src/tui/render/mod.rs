//! Drawing: `render(&AppState, &mut Frame)` paints the current view, overlay and status line
//! from the state alone. Every view draws only the rows on screen.

pub mod help;
pub mod patch;
pub mod picker;
pub mod queue;
pub mod text;

use super::action::{Action, Context};
use super::state::{AppState, Overlay, PromptKind};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Paints the whole screen.
pub fn render(state: &AppState, frame: &mut Frame) {
    let area = frame.area();
    if area.height < 3 || area.width < 10 {
        frame
            .buffer_mut()
            .set_string(area.x, area.y, "too small", Style::new());
        return;
    }
    match &state.patch {
        Some(view) => patch::render(state, view, frame, area),
        None => queue::render(state, frame, area),
    }
    match state.overlay {
        Overlay::Help { scroll } => help::render(state, scroll, frame, area),
        Overlay::Files { selected } => {
            if let Some(view) = &state.patch {
                patch::render_files(state, view, selected, frame, area);
            }
        }
        Overlay::Confirm { scroll } => picker::render_confirm(state, scroll, frame, area),
        Overlay::ConfirmExport { scroll } => picker::render_export(state, scroll, frame, area),
        Overlay::Notes { selected } => picker::render_notes(state, selected, frame, area),
        Overlay::Status { selected, target } => {
            picker::render(state, selected, target, frame, area)
        }
        Overlay::None => {}
    }
    status_line(
        state,
        frame,
        Rect {
            y: area.bottom() - 1,
            height: 1,
            ..area
        },
    );
}

/// The first key bound to `action` in `context` and its label, for hints; `None` when the
/// action has no key there.
pub(super) fn hint(
    state: &AppState,
    context: Context,
    action: Action,
    label: &str,
) -> Option<Vec<Span<'static>>> {
    let key = state.keymap.hint(context, action)?;
    Some(vec![
        Span::styled(key, state.theme.key),
        Span::raw(format!(" {label}  ")),
    ])
}

/// The prompt label of a note on a whole patch or series.
fn whole_note_label(state: &AppState, target: super::boundary::DeskTarget) -> &'static str {
    use super::boundary::DeskTarget;
    match target {
        DeskTarget::Patch(p) if state.queue.series_of_cover(p).is_none() => "note on the patch: ",
        _ => "note on the series: ",
    }
}

fn status_line(state: &AppState, frame: &mut Frame, area: Rect) {
    let buf = frame.buffer_mut();
    let mut left: Vec<Span> = Vec::new();
    if let Some(p) = &state.prompt {
        let label = match p.kind {
            PromptKind::Filter => "filter: ",
            PromptKind::Search => "search: ",
            PromptKind::Note => "note: ",
            PromptKind::Waiver => "waive ",
            PromptKind::DeferUntil(_) => "defer until YYYY-MM-DD (empty: no date): ",
            PromptKind::WholeNote(target) => whole_note_label(state, target),
            PromptKind::EditNote(_) => "edit note: ",
            PromptKind::ExportTarget => match state.export.as_ref().map(|e| e.ask.kind) {
                Some(super::boundary::ExportKind::Apply) => "apply to repository: ",
                _ => "write to: ",
            },
            PromptKind::ExportBranch => "new branch (empty: named after the series): ",
            PromptKind::ExportOnto => "start from revision (empty: HEAD): ",
        };
        left.push(Span::styled(label, state.theme.key));
        if p.kind == PromptKind::Waiver
            && let Some(rule) = state.confirm.as_ref().and_then(|c| c.unwaived.first())
        {
            left.push(Span::styled(rule.to_string(), state.theme.nack));
            left.push(Span::styled(" because: ", state.theme.key));
        }
        left.push(Span::raw(p.text.clone()));
        left.push(Span::styled(" ", state.theme.selected));
        if let Some(e) = &p.error {
            left.push(Span::styled(format!("  {e}"), state.theme.problem));
        } else if p.kind == PromptKind::Filter {
            let n = state.list.order.len();
            left.push(Span::styled(
                format!("  {n} match{}", if n == 1 { "" } else { "es" }),
                state.theme.dim,
            ));
        } else if matches!(
            p.kind,
            PromptKind::Note
                | PromptKind::DeferUntil(_)
                | PromptKind::WholeNote(_)
                | PromptKind::EditNote(_)
        ) {
            let keys: Vec<String> = [
                (Action::PromptSubmit, "save"),
                (Action::PromptCancel, "cancel"),
            ]
            .into_iter()
            .filter_map(|(action, label)| {
                let key = state.keymap.hint(Context::Prompt, action)?;
                Some(format!("  {key} {label}"))
            })
            .collect();
            left.push(Span::styled(keys.concat(), state.theme.dim));
        } else if let Some(v) = &state.patch {
            let n = v.search.matches.len();
            left.push(Span::styled(
                format!("  {n} match{}", if n == 1 { "" } else { "es" }),
                state.theme.dim,
            ));
        }
    } else if let Some(what) = state.in_flight.front() {
        // Until the desk worker is done, a newer message waits for its result.
        left.push(Span::styled(format!("{what}…"), state.theme.dim));
    } else if let Some(m) = &state.message {
        left.push(Span::raw(m.clone()));
    } else {
        let context = state.context();
        if context == Context::Patch
            && state.warned_trailer_on_screen().is_some()
            && let Some(spans) = hint(state, context, Action::AcceptReplyTrailer, "accept trailer")
        {
            left.extend(spans);
        }
        let wanted: &[(Action, &str)] = match context {
            Context::Patch => &[
                (Action::NextFinding, "finding"),
                (Action::NextHunk, "hunk"),
                (Action::NextPatch, "patch"),
                (Action::Search, "search"),
                (Action::Back, "back"),
                (Action::Help, "help"),
            ],
            Context::Help | Context::Files => &[(Action::Back, "close")],
            Context::Picker => &[(Action::Open, "pick"), (Action::Back, "close")],
            Context::Confirm => &[(Action::Open, "record"), (Action::Back, "drop")],
            Context::Export => &[(Action::Open, "write"), (Action::Back, "cancel")],
            Context::Notes => &[(Action::Open, "open"), (Action::Back, "close")],
            _ => &[
                (Action::Open, "open"),
                (Action::Filter, "filter"),
                (Action::ToggleFold, "fold"),
                (Action::Help, "help"),
                (Action::Quit, "quit"),
            ],
        };
        for (a, label) in wanted {
            if let Some(spans) = hint(state, context, *a, label) {
                left.extend(spans);
            }
        }
        if !state.query_text.is_empty() && state.patch.is_none() {
            left.push(Span::styled(
                format!("filter: {}", state.query_text),
                state.theme.matched,
            ));
        }
    }
    let mut right = String::new();
    if state.desk_read_only {
        right.push_str("read-only  ");
    }
    if !state.pending.is_empty() {
        right.push_str(&super::key::format_sequence(&state.pending));
        right.push_str("…  ");
    }
    match &state.patch {
        Some(v) => {
            let total = v.visible.len().max(1);
            let pct = ((v.offset + state.body_height()).min(total) * 100) / total;
            right.push_str(&format!("{}/{} {pct}%", (v.offset + 1).min(total), total));
        }
        None => {
            right.push_str(&format!(
                "{}/{}",
                (state.list.selected + 1).min(state.list.rows.len()),
                state.list.rows.len()
            ));
        }
    }
    let rw = right.chars().count() as u16;
    buf.set_line(
        area.x,
        area.y,
        &Line::from(left),
        area.width.saturating_sub(rw + 1),
    );
    if rw < area.width {
        buf.set_string(area.right() - rw, area.y, &right, state.theme.dim);
    }
}
