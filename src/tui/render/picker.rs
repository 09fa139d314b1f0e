//! The status picker overlay: the review statuses in a small box, the current one marked.

use super::super::state::{AppState, STATUS_NAMES};
use super::super::update::DeskTarget;
use super::patch::centred;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};

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
