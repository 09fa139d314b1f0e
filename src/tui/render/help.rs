//! The help overlay: the bindings of the view under it (and the global ones it inherits),
//! grouped by category, generated from the keymap and the action descriptions.

use super::patch::centred;
use super::text::fit;
use crate::tui::action::Context;
use crate::tui::state::AppState;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};

fn under(state: &AppState) -> Context {
    if state.patch.is_some() {
        Context::Patch
    } else {
        Context::Queue
    }
}

/// The overlay's lines: category headings and `keys  description` rows.
fn lines(state: &AppState) -> Vec<(bool, String, String)> {
    let mut out = Vec::new();
    let mut last = None;
    for (cat, keys, desc) in state.keymap.help_rows(under(state)) {
        if last != Some(cat) {
            out.push((true, cat.title().to_string(), String::new()));
            last = Some(cat);
        }
        out.push((false, keys, desc.to_string()));
    }
    // What undo can reach (the desk keeps no history between sessions).
    out.push((true, "The desk".into(), String::new()));
    out.push((
        false,
        state
            .keymap
            .hint(under(state), crate::tui::action::Action::Undo)
            .unwrap_or_else(|| "undo".into()),
        "undoes this session's changes only (each is saved)".into(),
    ));
    if under(state) == Context::Queue {
        out.push((true, "Filter syntax".into(), String::new()));
        out.push((
            false,
            "words".into(),
            "fuzzy over subject, author and Message-Id".into(),
        ));
        out.push((
            false,
            "author:NAME".into(),
            "author name or address contains NAME".into(),
        ));
        out.push((
            false,
            "status:S".into(),
            "triage status starts with S".into(),
        ));
        out.push((
            false,
            "has:error".into(),
            "has an error (also warning, info, findings)".into(),
        ));
        out.push((
            false,
            "rule:ai-".into(),
            "has a finding whose rule starts with ai-".into(),
        ));
    }
    out
}

/// How many rows the overlay has (for scrolling).
pub fn row_count(state: &AppState) -> usize {
    lines(state).len()
}

/// Paints the overlay.
pub fn render(state: &AppState, scroll: usize, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let rect = centred(area, 78, area.height.saturating_sub(2));
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" keys: {} ", under(state)));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let buf = frame.buffer_mut();
    let all = lines(state);
    let key_w = all
        .iter()
        .filter(|l| !l.0)
        .map(|l| l.1.chars().count())
        .max()
        .unwrap_or(8)
        .min(24);
    for (i, (heading, a, b)) in all
        .iter()
        .skip(scroll)
        .take(inner.height as usize)
        .enumerate()
    {
        let y = inner.y + i as u16;
        let line = if *heading {
            Line::from(Span::styled(a.clone(), theme.header))
        } else {
            Line::from(vec![
                Span::styled(format!("  {} ", fit(a, key_w)), theme.key),
                Span::raw(b.clone()),
            ])
        };
        buf.set_line(inner.x, y, &line, inner.width);
    }
}
