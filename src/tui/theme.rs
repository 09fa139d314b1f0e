//! Colours and emphasis. Only the 8 base ANSI colours are used (the terminal's palette makes
//! them readable on dark and light backgrounds) and no background colour except for search
//! matches; selection is reverse video. With `NO_COLOR` (or `--no-color`) every colour is
//! dropped and meaning is carried by bold, underline and reverse alone.

use super::patch_model::TrailerKind;
use crate::policy::Severity;
use ratatui::style::{Color, Modifier, Style};

/// Every style the views use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub bar: Style,
    pub header: Style,
    pub selected: Style,
    pub dim: Style,
    pub matched: Style,
    pub search: Style,
    pub search_current: Style,
    pub add: Style,
    pub remove: Style,
    pub file_header: Style,
    pub hunk_header: Style,
    pub title: Style,
    pub problem: Style,
    pub gap: Style,
    pub key: Style,
    /// The maintainer's notes in the patch view.
    pub note: Style,
    /// Queue marks: a waived patch, a NACKed one.
    pub waived: Style,
    pub nack: Style,
}

fn c(color: bool, fg: Color) -> Style {
    if color {
        Style::new().fg(fg)
    } else {
        Style::new()
    }
}

impl Theme {
    /// The theme; `color: false` for `NO_COLOR`.
    pub fn new(color: bool) -> Theme {
        Theme {
            color,
            bar: Style::new().add_modifier(Modifier::REVERSED),
            header: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            dim: Style::new().add_modifier(Modifier::DIM),
            matched: c(color, Color::Magenta).add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            note: c(color, Color::Blue).add_modifier(Modifier::ITALIC),
            waived: c(color, Color::Yellow).add_modifier(Modifier::BOLD),
            nack: c(color, Color::Red).add_modifier(Modifier::BOLD | Modifier::REVERSED),
            search: if color {
                Style::new().bg(Color::Yellow).fg(Color::Black)
            } else {
                Style::new().add_modifier(Modifier::REVERSED)
            },
            search_current: if color {
                Style::new()
                    .bg(Color::Magenta)
                    .fg(Color::Black)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
            },
            add: c(color, Color::Green),
            remove: c(color, Color::Red),
            file_header: c(color, Color::Blue).add_modifier(Modifier::BOLD),
            hunk_header: c(color, Color::Cyan),
            title: Style::new().add_modifier(Modifier::BOLD),
            problem: c(color, Color::Red).add_modifier(Modifier::BOLD),
            gap: Style::new().add_modifier(Modifier::DIM | Modifier::ITALIC),
            key: c(color, Color::Cyan).add_modifier(Modifier::BOLD),
        }
    }

    /// The colour of a severity (text, gutter mark, counts).
    pub fn severity(&self, s: Severity) -> Style {
        let fg = match s {
            Severity::Error => Color::Red,
            Severity::Warning => Color::Yellow,
            Severity::Info => Color::Cyan,
        };
        c(self.color, fg).add_modifier(Modifier::BOLD)
    }

    /// A finding's span: underlined in its severity's colour.
    pub fn finding_span(&self, s: Severity) -> Style {
        let st = self.severity(s).add_modifier(Modifier::UNDERLINED);
        if self.color {
            st.underline_color(match s {
                Severity::Error => Color::Red,
                Severity::Warning => Color::Yellow,
                Severity::Info => Color::Cyan,
            })
        } else {
            st
        }
    }

    /// A trailer line by kind.
    pub fn trailer(&self, k: TrailerKind) -> Style {
        match k {
            TrailerKind::SignedOff => c(self.color, Color::Green),
            TrailerKind::Review => c(self.color, Color::Cyan),
            TrailerKind::Fixes => c(self.color, Color::Yellow),
            TrailerKind::Ai => c(self.color, Color::Magenta).add_modifier(Modifier::BOLD),
            TrailerKind::Other => c(self.color, Color::Blue),
        }
    }

    /// The gutter letter of a severity.
    pub fn severity_mark(s: Severity) -> &'static str {
        match s {
            Severity::Error => "E",
            Severity::Warning => "W",
            Severity::Info => "i",
        }
    }
}

/// True when the environment asks for no colour (`NO_COLOR` set and not empty).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_theme_has_no_colours_but_keeps_emphasis() {
        let t = Theme::new(false);
        for s in [
            t.add,
            t.remove,
            t.matched,
            t.search,
            t.finding_span(Severity::Error),
            t.trailer(TrailerKind::Ai),
        ] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
        assert!(
            t.finding_span(Severity::Error)
                .add_modifier
                .contains(Modifier::UNDERLINED)
        );
        assert!(t.search.add_modifier.contains(Modifier::REVERSED));
        let colored = Theme::new(true);
        assert_eq!(
            colored.finding_span(Severity::Warning).fg,
            Some(Color::Yellow)
        );
    }
}
