//! Headless mode, for tests, benchmarks, screenshots and bug reports: replay a key script
//! (`jj<enter>n`, the keymap notation) against a test backend and return the final screen as
//! plain text, with ANSI colours, or as a styled dump (text plus every styled run) for
//! snapshot tests that must notice a lost highlight.

use super::action::{Action, Context};
use super::desk_link::{DeskLink, Snapshot};
use super::key::{KeyChord, parse_sequence};
use super::render::render;
use super::state::AppState;
use super::update::{Effect, Incoming, handle_key, receive};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};
use unicode_width::UnicodeWidthStr;

/// How the final screen is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Plain,
    Ansi,
    /// Text lines, then each row's styled runs.
    Styled,
}

/// Parses a key script; errors name the bad key.
pub fn parse_script(keys: &str) -> crate::Result<Vec<KeyChord>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    parse_sequence(keys).map_err(|e| crate::Error::Usage(format!("--keys: {e}")))
}

/// Replays `keys` on `state` at `size` and renders the final screen; desk effects run
/// against `link` (opened over the state's queue first).
pub fn replay(
    state: &mut AppState,
    link: &mut DeskLink,
    keys: &[KeyChord],
    size: (u16, u16),
    output: Output,
) -> crate::Result<String> {
    receive(state, Incoming::Resize(size.0, size.1));
    if let Some(incoming) = link.open(&Snapshot::of(state)) {
        receive(state, incoming);
    }
    for &k in keys {
        let effects = handle_key(state, k);
        if !run_effects(state, link, effects) {
            break;
        }
    }
    let buffer = draw(state, size)?;
    Ok(match output {
        Output::Plain => plain(&buffer),
        Output::Ansi => ansi(&buffer),
        Output::Styled => styled(&buffer),
    })
}

/// Runs effects (and the effects their results cause) against the desk, one after another
/// on this thread, so a replay is deterministic; false on quit.
pub fn run_effects(state: &mut AppState, link: &mut DeskLink, effects: Vec<Effect>) -> bool {
    let mut queue = effects;
    while !queue.is_empty() {
        for effect in std::mem::take(&mut queue) {
            let result = match &effect {
                Effect::Quit => return false,
                // A replay has no terminal to hand to an editor.
                Effect::EditNoteExternally { .. } => Some(Incoming::Message(no_editor(state))),
                _ => link.execute(&Snapshot::of(state), &effect),
            };
            if let Some(incoming) = result {
                queue.extend(receive(state, incoming));
            }
        }
    }
    true
}

/// Why a replay does not run the editor, and the key that edits a note inline instead.
pub fn no_editor(state: &AppState) -> String {
    let inline = state
        .keymap
        .hint(Context::Patch, Action::EditNote)
        .unwrap_or_else(|| "edit_note".into());
    format!("no editor without a terminal (headless): {inline} edits the note here")
}

/// Renders the state into a fresh buffer of `size`.
pub fn draw(state: &AppState, size: (u16, u16)) -> crate::Result<Buffer> {
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1))
        .map_err(|e| crate::Error::io("test backend", e))?;
    terminal
        .draw(|f| render(state, f))
        .map_err(|e| crate::Error::io("test backend", e))?;
    Ok(terminal.backend().buffer().clone())
}

/// Iterates a row's visible cells (skipping the cells covered by wide characters).
fn row_cells(buf: &Buffer, y: u16) -> Vec<(String, Style)> {
    let mut out = Vec::new();
    let mut skip = 0;
    for x in 0..buf.area.width {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let Some(cell) = buf.cell((x, y)) else {
            continue;
        };
        let sym = cell.symbol().to_string();
        skip = sym.width().saturating_sub(1);
        out.push((sym, cell.style()));
    }
    out
}

/// The screen as text, trailing spaces trimmed.
pub fn plain(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = row_cells(buf, y).into_iter().map(|(s, _)| s).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn color_code(c: Color, fg: bool) -> Option<String> {
    let base = if fg { 30 } else { 40 };
    Some(match c {
        Color::Reset => return None,
        Color::Black => format!("{}", base),
        Color::Red => format!("{}", base + 1),
        Color::Green => format!("{}", base + 2),
        Color::Yellow => format!("{}", base + 3),
        Color::Blue => format!("{}", base + 4),
        Color::Magenta => format!("{}", base + 5),
        Color::Cyan => format!("{}", base + 6),
        Color::Gray => format!("{}", base + 7),
        Color::DarkGray => format!("{}", base + 60),
        Color::LightRed => format!("{}", base + 61),
        Color::LightGreen => format!("{}", base + 62),
        Color::LightYellow => format!("{}", base + 63),
        Color::LightBlue => format!("{}", base + 64),
        Color::LightMagenta => format!("{}", base + 65),
        Color::LightCyan => format!("{}", base + 66),
        Color::White => format!("{}", base + 67),
        Color::Indexed(i) => format!("{};5;{i}", base + 8),
        Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", base + 8),
    })
}

fn sgr(style: Style) -> String {
    let mut codes: Vec<String> = vec!["0".into()];
    let m = style.add_modifier;
    for (flag, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::REVERSED, "7"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if m.contains(flag) {
            codes.push(code.into());
        }
    }
    if let Some(c) = style.fg.and_then(|c| color_code(c, true)) {
        codes.push(c);
    }
    if let Some(c) = style.bg.and_then(|c| color_code(c, false)) {
        codes.push(c);
    }
    format!("\x1b[{}m", codes.join(";"))
}

/// The screen with ANSI SGR sequences.
pub fn ansi(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut current = Style::new();
        for (sym, style) in row_cells(buf, y) {
            if style != current {
                out.push_str(&sgr(style));
                current = style;
            }
            out.push_str(&sym);
        }
        out.push_str("\x1b[0m\n");
    }
    out
}

fn describe(style: Style) -> String {
    let mut parts = Vec::new();
    if let Some(c) = style.fg.filter(|c| *c != Color::Reset) {
        parts.push(format!("fg={c:?}").to_lowercase());
    }
    if let Some(c) = style.bg.filter(|c| *c != Color::Reset) {
        parts.push(format!("bg={c:?}").to_lowercase());
    }
    if let Some(c) = style.underline_color.filter(|c| *c != Color::Reset) {
        parts.push(format!("ul={c:?}").to_lowercase());
    }
    for (flag, name) in [
        (Modifier::BOLD, "bold"),
        (Modifier::DIM, "dim"),
        (Modifier::ITALIC, "italic"),
        (Modifier::UNDERLINED, "underline"),
        (Modifier::REVERSED, "reverse"),
    ] {
        if style.add_modifier.contains(flag) {
            parts.push(name.to_string());
        }
    }
    parts.join(" ")
}

/// Text lines, then for each row its runs of non-default style as `row: col-col style`.
pub fn styled(buf: &Buffer) -> String {
    let mut out = plain(buf);
    out.push_str("--- styles (row: columns style) ---\n");
    for y in 0..buf.area.height {
        let cells = row_cells(buf, y);
        let mut runs: Vec<(usize, usize, String)> = Vec::new();
        for (x, (_, style)) in cells.iter().enumerate() {
            let d = describe(*style);
            match runs.last_mut() {
                Some(last) if last.2 == d && last.1 + 1 == x => last.1 = x,
                _ => runs.push((x, x, d)),
            }
        }
        let runs: Vec<String> = runs
            .into_iter()
            .filter(|r| !r.2.is_empty())
            .map(|(a, b, d)| format!("{a}-{b} {d}"))
            .collect();
        if !runs.is_empty() {
            out.push_str(&format!("{y:>2}: {}\n", runs.join("; ")));
        }
    }
    out
}
