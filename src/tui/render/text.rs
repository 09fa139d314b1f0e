//! Text helpers for drawing: display width, cutting to a width, and splitting a line into
//! styled pieces by byte ranges (highlights, finding spans, search matches).

use ratatui::style::Style;
use ratatui::text::Span;
use unicode_width::UnicodeWidthChar;

/// Display width of a string.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Cuts `s` to `w` columns, ending in `…` when cut; pads with spaces to exactly `w`. Controls
/// and bidi controls from a message are shown in [`crate::safe`]'s notation, never drawn raw.
pub fn fit(s: &str, w: usize) -> String {
    let safe = crate::safe::line(s, false).0;
    let s = safe.as_str();
    let mut out = String::new();
    let mut used = 0;
    let total = width(s);
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if total > w && used + cw + 1 > w {
            if w > 0 {
                out.push('…');
                used += 1;
            }
            break;
        }
        if used + cw > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(used)));
    out
}

/// Styles applied over byte ranges of a text, later layers patched over earlier ones.
pub struct Layered<'a> {
    pub text: &'a str,
    pub base: Style,
    /// (start, end, style) byte ranges; later entries win where they overlap.
    pub layers: Vec<(usize, usize, Style)>,
}

impl Layered<'_> {
    /// The text as spans, split at every boundary.
    pub fn spans(&self) -> Vec<Span<'static>> {
        if self.layers.is_empty() {
            return vec![Span::styled(self.text.to_string(), self.base)];
        }
        let len = self.text.len();
        let mut cuts: Vec<usize> = vec![0, len];
        for (s, e, _) in &self.layers {
            cuts.push((*s).min(len));
            cuts.push((*e).min(len));
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut out = Vec::new();
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let Some(piece) = self.text.get(a..b) else {
                continue;
            };
            if piece.is_empty() {
                continue;
            }
            let mut style = self.base;
            for (s, e, st) in &self.layers {
                if *s <= a && b <= *e {
                    style = style.patch(*st);
                }
            }
            out.push(Span::styled(piece.to_string(), style));
        }
        out
    }
}

/// Byte ranges of the chars at `indices` (char positions), merged when adjacent.
pub fn char_ranges(text: &str, indices: &[usize]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    if indices.is_empty() {
        return out;
    }
    for (ci, (bi, c)) in text.char_indices().enumerate() {
        if indices.contains(&ci) {
            let end = bi + c.len_utf8();
            match out.last_mut() {
                Some(last) if last.1 == bi => last.1 = end,
                _ => out.push((bi, end)),
            }
        }
    }
    out
}

/// Splits spans into rows of at most `w` columns (for wrapping).
pub fn wrap_spans(spans: Vec<Span<'static>>, w: usize) -> Vec<Vec<Span<'static>>> {
    let w = w.max(1);
    let mut rows: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for span in spans {
        let mut piece = String::new();
        for c in span.content.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > w {
                if !piece.is_empty()
                    && let Some(r) = rows.last_mut()
                {
                    r.push(Span::styled(std::mem::take(&mut piece), span.style));
                }
                rows.push(Vec::new());
                used = 0;
            }
            piece.push(c);
            used += cw;
        }
        if !piece.is_empty()
            && let Some(r) = rows.last_mut()
        {
            r.push(Span::styled(piece, span.style));
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    #[test]
    fn fit_cuts_with_an_ellipsis_and_pads() {
        assert_eq!(fit("hello world", 8), "hello w…");
        assert_eq!(fit("hi", 4), "hi  ");
        assert_eq!(fit("abcd", 4), "abcd");
    }

    #[test]
    fn fit_never_draws_a_control_or_bidi_character() {
        assert_eq!(fit("a\u{1b}[2J\u{202e}b", 20), "a\\u001b[2J\\u202eb   ");
    }

    #[test]
    fn layers_split_and_patch_styles() {
        let u = Style::new().add_modifier(Modifier::UNDERLINED);
        let b = Style::new().add_modifier(Modifier::BOLD);
        let l = Layered {
            text: "abcdef",
            base: Style::new(),
            layers: vec![(1, 4, u), (3, 5, b)],
        };
        let spans = l.spans();
        let texts: Vec<&str> = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, vec!["a", "bc", "d", "e", "f"]);
        assert!(
            spans[2]
                .style
                .add_modifier
                .contains(Modifier::UNDERLINED | Modifier::BOLD)
        );
    }

    #[test]
    fn char_ranges_merge_neighbours() {
        assert_eq!(char_ranges("héllo", &[1, 2, 4]), vec![(1, 4), (5, 6)]);
    }

    #[test]
    fn wrapping_splits_by_width() {
        let rows = wrap_spans(vec![Span::raw("abcdefg")], 3);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2][0].content, "g");
    }
}
