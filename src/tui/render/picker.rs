//! The small overlays of the triage flows: the status picker (the review statuses, the
//! current one marked), the trailer confirm box (the exact preview), the export confirm box
//! and the list of every note.

use super::super::action::{Action, Context};
use super::super::boundary::DeskTarget;
use super::super::state::{AppState, STATUS_NAMES};
use super::hint;
use super::patch::centred;
use super::text::fit;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

/// Draws the picker for `target` with entry `selected` highlighted.
pub fn render(
    state: &AppState,
    selected: usize,
    target: DeskTarget,
    frame: &mut Frame,
    area: Rect,
) {
    let current = match target {
        DeskTarget::Patch(p) => state.status_of(p),
        DeskTarget::Series(_) => String::new(),
    };
    let rect = centred(area, 30, STATUS_NAMES.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    let block = Block::default().borders(Borders::ALL).title(" status ");
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let buf = frame.buffer_mut();
    for (i, name) in STATUS_NAMES.iter().enumerate().take(inner.height as usize) {
        let mark = if current.split(' ').next() == Some(name) {
            "● "
        } else {
            "  "
        };
        let mut line = Line::from(vec![Span::raw(mark), Span::raw(*name)]);
        if i == selected {
            line = line.patch_style(state.theme.selected);
        }
        buf.set_line(inner.x, inner.y + i as u16, &line, inner.width);
    }
}

/// Draws the trailer preview waiting for confirmation, from line `scroll`.
pub fn render_confirm(state: &AppState, scroll: usize, frame: &mut Frame, area: Rect) {
    let Some(confirm) = &state.confirm else {
        return;
    };
    let lines = &confirm.preview;
    let width = lines
        .iter()
        .map(|l| l.text.chars().count())
        .max()
        .unwrap_or(20)
        .max(40) as u16
        + 4;
    let rect = centred(area, width, lines.len() as u16 + 3);
    frame.render_widget(Clear, rect);
    let title = format!(" {} — confirm to record ", confirm.ask.kind.key());
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let buf = frame.buffer_mut();
    let rows = (inner.height as usize).saturating_sub(1);
    for (i, line) in lines.iter().skip(scroll).take(rows).enumerate() {
        use crate::triage::desk::PreviewKind;
        let style = match line.kind {
            PreviewKind::Added => state.theme.add,
            PreviewKind::Waiver => state.theme.waived,
            PreviewKind::Skipped | PreviewKind::Advisory | PreviewKind::Refused => state.theme.dim,
            PreviewKind::Title | PreviewKind::Kept => ratatui::style::Style::new(),
        };
        buf.set_line(
            inner.x,
            inner.y + i as u16,
            &Line::from(Span::styled(line.text.clone(), style)),
            inner.width,
        );
    }
    let hint: Line = [(Action::Open, "record"), (Action::Back, "drop")]
        .into_iter()
        .filter_map(|(action, label)| hint(state, Context::Confirm, action, label))
        .flatten()
        .collect();
    buf.set_line(
        inner.x,
        inner.bottom().saturating_sub(1),
        &hint,
        inner.width,
    );
}

/// Draws the confirm step of an export: what goes where (wrapped), why it is refused if it
/// is, the options with their keys and values, and how to write or cancel.
pub fn render_export(state: &AppState, scroll: usize, frame: &mut Frame, area: Rect) {
    let Some(export) = &state.export else {
        return;
    };
    let theme = &state.theme;
    let mut body: Vec<Line> = export
        .preview
        .iter()
        .map(|l| Line::from(l.clone()))
        .collect();
    if let Some(why) = &export.refused {
        body.push(Line::from(Span::styled(
            format!("refused: {why}"),
            theme.nack,
        )));
    }
    let ask = &export.ask;
    let options: Line = ask
        .kind
        .options()
        .iter()
        .filter_map(|&o| {
            let label = format!("{}: {}", o.label(), ask.value(o));
            hint(state, Context::Export, o.action(), &label)
        })
        .flatten()
        .collect();
    let write = export.refused.is_none().then_some((Action::Open, "write"));
    let keys: Line = write
        .into_iter()
        .chain([(Action::Back, "cancel")])
        .filter_map(|(action, label)| hint(state, Context::Export, action, label))
        .flatten()
        .collect();
    let longest = body
        .iter()
        .chain([&options])
        .map(Line::width)
        .max()
        .unwrap_or(0);
    let width = (longest as u16 + 4).clamp(44, area.width.saturating_sub(2).max(44));
    let inner_width = width.saturating_sub(2).max(1) as usize;
    let rows = |l: &Line| l.width().max(1).div_ceil(inner_width);
    let body_rows: usize = body.iter().map(rows).sum();
    let option_rows = rows(&options);
    let rect = centred(area, width, (body_rows + option_rows + 3) as u16);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" confirm to write ");
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let footer = (option_rows + 1) as u16;
    let body_area = Rect {
        height: inner.height.saturating_sub(footer),
        ..inner
    };
    frame.render_widget(
        Paragraph::new(body)
            .wrap(Wrap { trim: false })
            .scroll((scroll as u16, 0)),
        body_area,
    );
    let footer_area = Rect {
        y: body_area.bottom(),
        height: inner.height.saturating_sub(body_area.height),
        ..inner
    };
    frame.render_widget(
        Paragraph::new(vec![options, keys]).wrap(Wrap { trim: false }),
        footer_area,
    );
}

/// Draws the list of every note (place, subject, first line of the text), `selected`
/// highlighted and kept on screen.
pub fn render_notes(state: &AppState, selected: usize, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let notes = &state.note_list;
    let w = area.width.saturating_sub(4).clamp(20, 110);
    let rect = centred(area, w, notes.len() as u16 + 3);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" notes ({}) ", notes.len()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let buf = frame.buffer_mut();
    let iw = inner.width as usize;
    let place_w = notes
        .iter()
        .map(|n| n.place.chars().count())
        .max()
        .unwrap_or(8)
        .min(24)
        .min(iw / 3);
    let subject_w = (iw.saturating_sub(place_w + 2) * 2 / 5).min(36);
    let text_w = iw.saturating_sub(place_w + subject_w + 2);
    let rows = (inner.height as usize).saturating_sub(1);
    let start = selected.saturating_sub(rows.saturating_sub(1));
    for (i, n) in notes.iter().enumerate().skip(start).take(rows) {
        let mut text = n.text.lines().next().unwrap_or("").to_string();
        if n.text.lines().nth(1).is_some() {
            text.push_str(" …");
        }
        let mut spans = vec![
            Span::styled(format!("{} ", fit(&n.place, place_w)), theme.key),
            Span::styled(format!("{} ", fit(&n.subject, subject_w)), theme.dim),
        ];
        if n.orphaned {
            spans.push(Span::styled("(line gone) ", theme.waived));
        }
        spans.push(Span::styled(fit(&text, text_w), theme.note));
        let mut line = Line::from(spans);
        if i == selected {
            line = line.patch_style(state.theme.selected);
        }
        buf.set_line(inner.x, inner.y + (i - start) as u16, &line, inner.width);
    }
    let keys: Line = [
        (Action::Open, "open"),
        (Action::EditNote, "edit"),
        (Action::EditNoteInEditor, "editor"),
        (Action::DeleteNote, "delete"),
        (Action::Back, "close"),
    ]
    .into_iter()
    .filter_map(|(action, label)| hint(state, Context::Notes, action, label))
    .flatten()
    .collect();
    buf.set_line(
        inner.x,
        inner.bottom().saturating_sub(1),
        &keys,
        inner.width,
    );
}
