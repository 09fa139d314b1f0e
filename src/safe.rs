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
    let Some(first) = first_unsafe(text) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if is_unsafe(c) {
            push_notation(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Where the first character [`is_unsafe`] says is unsafe starts, if any. Printable ASCII,
/// which most text is, is passed over eight bytes at a time; tabs, newlines and other
/// characters are looked at one by one.
fn first_unsafe(text: &str) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // Whether every byte of `word` is in ' '..='~': none has its high bit set, none is
    // below 0x20 (subtracting 0x20 from it would borrow into its high bit) and none is
    // DEL (adding 1 to 0x7f sets the high bit).
    let printable = |word: u64| {
        let below_space = word.wrapping_sub(ONES * 0x20) & !word;
        let del = word.wrapping_add(ONES) & !word;
        (word | below_space | del) & HIGHS == 0
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_ne_bytes(chunk.try_into().unwrap_or_default());
            if printable(word) {
                i += 8;
                continue;
            }
        }
        match bytes[i] {
            b' '..=b'~' | b'\t' | b'\n' => i += 1,
            0..=0x7f => return Some(i),
            _ => {
                // (`i` is at a character's first byte: only whole characters are passed.)
                let c = text[i..].chars().next()?;
                if is_unsafe(c) {
                    return Some(i);
                }
                i += c.len_utf8();
            }
        }
    }
    None
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
    fn every_character_is_judged_alike_wherever_it_falls_in_the_eight_byte_words() {
        // Each character that is not printable ASCII (all of Latin-1, the bidi controls and
        // their neighbours, a wide and a four-byte one), at every offset of a text longer
        // than two words, and at its end: `terminal` marks exactly the unsafe ones.
        let mut odd: Vec<char> = (0u32..0x100).filter_map(char::from_u32).collect();
        odd.extend(('\u{2028}'..='\u{206f}').chain(['日', '🦀']));
        odd.retain(|c| !matches!(c, ' '..='~'));
        for c in odd {
            for at in 0..=20 {
                let text = format!("{}{c}{}", "x".repeat(at), "y".repeat(20 - at));
                let expected: String = text
                    .chars()
                    .map(|c| {
                        if is_unsafe(c) {
                            notation(c)
                        } else {
                            c.to_string()
                        }
                    })
                    .collect();
                assert_eq!(terminal(&text), expected, "{c:?} at {at}");
                assert_eq!(matches!(terminal(&text), Cow::Borrowed(_)), !is_unsafe(c));
            }
        }
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
