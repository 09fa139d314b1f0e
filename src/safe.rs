//! Making text from a message safe to write to a terminal: the one place that decides which
//! characters are never sent raw and how they are shown instead.
//!
//! A message is written by a stranger. Its subject, author, body, diff lines and file names may
//! hold escape sequences (`ESC ] 52` writes the clipboard, `ESC [ 2 J` clears the screen) or
//! bidirectional controls that reorder what is shown ("Trojan Source", CVE-2021-42574).
//!
//! Every such character is shown in one notation, the JSON/JavaScript escape `\u001b`:
//! C0 controls other than tab and newline, DEL, C1 controls (U+0080–U+009F) and the bidi
//! controls U+202A–U+202E and U+2066–U+2069. The notation is visible on any terminal and, inside
//! a JSON string, it is the exact JSON escape of the character, so one output layer serves text
//! and JSON alike (JSON keeps the exact text). Nothing here knows about ratatui.

use std::borrow::Cow;
use std::fmt;

/// Whether `c` is a bidirectional embedding, override or isolate control (Trojan Source).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` is never written raw to a terminal (newline and tab aside, which callers decide).
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || is_bidi_control(c)
}

/// The visible form of an unsafe character: `\u` and four lowercase hex digits.
pub fn notation(c: char) -> String {
    format!("\\u{:04x}", u32::from(c))
}

fn push_notation(out: &mut String, c: char) {
    use fmt::Write;
    let _ = write!(out, "\\u{:04x}", u32::from(c));
}

/// Text safe for a terminal: tabs and newlines kept, every other control and every bidi control
/// shown in [`notation`]. Borrows when nothing needed changing.
pub fn terminal(text: &str) -> Cow<'_, str> {
    // Printable ASCII, tabs and newlines are safe: most text is only that, and is passed
    // over a byte at a time.
    let plain = |b: &u8| matches!(b, b' '..=b'~' | b'\t' | b'\n');
    if text.as_bytes().iter().all(plain) || !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            push_notation(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A `Display` wrapper that writes its text through [`terminal`].
#[derive(Debug, Clone, Copy)]
pub struct Safe<'a>(pub &'a str);

impl fmt::Display for Safe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&terminal(self.0))
    }
}

/// One line made safe to draw at a fixed position: every control (newline too) and bidi control
/// in [`notation`]; with `tabs`, tabs expanded to spaces at 8-column stops, otherwise a tab is
/// kept. Returns the text and, when it changed, a map from each original byte offset (and the
/// end) to the offset in the new text, so byte ranges found in the original can be drawn.
pub fn line(text: &str, tabs: bool) -> (String, Option<Vec<usize>>) {
    let changes =
        |c: char| (c == '\t' && tabs) || (c != '\t' && (c.is_control() || is_bidi_control(c)));
    if !text.chars().any(changes) {
        return (text.to_string(), None);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut map = vec![0; text.len() + 1];
    let mut col = 0usize;
    for (i, c) in text.char_indices() {
        for slot in map.iter_mut().skip(i).take(c.len_utf8()) {
            *slot = out.len();
        }
        if c == '\t' && tabs {
            let n = 8 - col % 8;
            out.extend(std::iter::repeat_n(' ', n));
            col += n;
        } else if c != '\t' && (c.is_control() || is_bidi_control(c)) {
            push_notation(&mut out, c);
            col += 6;
        } else {
            out.push(c);
            col += 1;
        }
    }
    map[text.len()] = out.len();
    (out, Some(map))
}

/// Byte offsets and characters of the bidi controls in `text`.
pub fn bidi_controls(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    text.char_indices().filter(|&(_, c)| is_bidi_control(c))
}

/// A writer that passes what is written to it on through [`terminal`], for output too large
/// to hold whole before it is made safe. A character split between two writes is held back
/// until it is whole; bytes that are not UTF-8 are passed on as U+FFFD.
pub struct SafeWriter<W: std::io::Write> {
    inner: W,
    /// The start of a character whose last bytes have not been written yet.
    pending: Vec<u8>,
}

impl<W: std::io::Write> SafeWriter<W> {
    /// Writes into `inner`.
    pub fn new(inner: W) -> SafeWriter<W> {
        SafeWriter {
            inner,
            pending: Vec::new(),
        }
    }

    /// Writes what is held back (as U+FFFD: it never became a whole character) and flushes.
    pub fn finish(mut self) -> std::io::Result<W> {
        if !self.pending.is_empty() {
            let rest = String::from_utf8_lossy(&self.pending).into_owned();
            self.pending.clear();
            self.inner.write_all(terminal(&rest).as_bytes())?;
        }
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: std::io::Write> std::io::Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let joined;
        let bytes = if self.pending.is_empty() {
            buf
        } else {
            self.pending.extend_from_slice(buf);
            joined = std::mem::take(&mut self.pending);
            &joined[..]
        };
        // Up to the last whole character; a character cut off at the end waits for the rest.
        let whole = match std::str::from_utf8(bytes) {
            Ok(_) => bytes.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => bytes.len(),
        };
        let text = String::from_utf8_lossy(&bytes[..whole]);
        self.inner.write_all(terminal(&text).as_bytes())?;
        self.pending.extend_from_slice(&bytes[whole..]);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_and_bidi_mark_is_shown_not_sent() {
        let mut text = String::new();
        for c in (0u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32) {
            text.push(c);
        }
        for c in ['\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}'] {
            text.push(c);
        }
        for c in ['\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'] {
            text.push(c);
        }
        let safe = terminal(&text);
        assert!(safe.chars().all(|c| !is_unsafe(c)));
        assert_eq!(safe.matches('\t').count(), 1);
        assert_eq!(safe.matches('\n').count(), 1);
        assert!(safe.contains("\\u001b"));
        assert!(safe.contains("\\u009b"));
        assert!(safe.contains("\\u007f"));
        assert!(safe.contains("\\u202e"));
        assert!(safe.contains("\\u2069"));
        // 32 C0 + 33 DEL/C1 + 9 bidi, less tab and newline.
        assert_eq!(safe.matches("\\u").count(), 32 + 33 + 9 - 2);
    }

    #[test]
    fn plain_text_is_borrowed_and_unchanged() {
        let t = "fix: naïve → sane\tand\nmore";
        assert!(matches!(terminal(t), Cow::Borrowed(_)));
        assert_eq!(Safe(t).to_string(), t);
    }

    #[test]
    fn the_notation_is_the_json_escape() {
        let raw = "a\u{1b}]52;c;ZXZpbA==\u{7}b\u{202e}c\u{9b}";
        let json = format!("\"{}\"", terminal(raw));
        let back: String = serde_json::from_str(&json).unwrap();
        assert_eq!(back, raw);
        assert_eq!(notation('\u{1b}'), "\\u001b");
    }

    #[test]
    fn line_maps_offsets_through_marks_and_tabs() {
        let raw = "\tx\u{1b}y";
        let (text, map) = line(raw, true);
        assert_eq!(text, "        x\\u001by");
        let map = map.unwrap();
        assert_eq!(map[1], 8);
        assert_eq!(map[3], 15);
        assert_eq!(map[raw.len()], text.len());
        let (kept, _) = line("a\tb\u{202e}", false);
        assert_eq!(kept, "a\tb\\u202e");
        assert_eq!(line("plain", true), ("plain".to_string(), None));
    }

    #[test]
    fn bidi_controls_are_found_with_offsets() {
        let found: Vec<_> = bidi_controls("ab\u{202e}c\u{2066}").collect();
        assert_eq!(found, vec![(2, '\u{202e}'), (6, '\u{2066}')]);
    }

    #[test]
    fn a_safe_writer_gives_what_terminal_gives_however_the_text_is_cut() {
        use std::io::Write;
        let text = "plain \u{1b}[2J é \u{202e}gnp.exe 日本 \u{9b}end\n";
        let whole = terminal(text).into_owned();
        let bytes = text.as_bytes();
        for step in 1..=bytes.len() {
            let mut out = SafeWriter::new(Vec::new());
            for chunk in bytes.chunks(step) {
                out.write_all(chunk).unwrap();
            }
            let written = out.finish().unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                whole,
                "cut every {step} bytes"
            );
        }
        // A character never finished, and a byte that is not UTF-8, come out as U+FFFD.
        let mut out = SafeWriter::new(Vec::new());
        out.write_all(b"a\xffb\xe6\x97").unwrap();
        let written = out.finish().unwrap();
        assert_eq!(String::from_utf8(written).unwrap(), "a\u{fffd}b\u{fffd}");
    }
}
