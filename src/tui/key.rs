//! Keys as patchdesk sees them: [`KeyChord`] is one key with its modifiers, normalised by one
//! SHIFT rule so a file's `G` and a terminal's Shift+g are the same chord. Also the key
//! notation used by keymap files and key scripts (`j`, `G`, `<enter>`, `<c-d>`, `<s-tab>`).
//!
//! The SHIFT rule: for character keys SHIFT is dropped and the character's case carries it
//! (`G`, `?`); for every other key SHIFT is kept (`<s-tab>`). BackTab is Shift+Tab.

use std::fmt;

/// A key without modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Char(char),
    Enter,
    Esc,
    Tab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

/// Modifier bits other than SHIFT on characters (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Mods {
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

/// One key press, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyChord {
    pub key: Key,
    pub mods: Mods,
}

/// Why a key notation could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyParseError {
    pub text: String,
    pub reason: String,
}

impl fmt::Display for KeyParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.text, self.reason)
    }
}

impl KeyChord {
    /// A chord, with the SHIFT rule applied.
    pub fn new(key: Key, mods: Mods) -> KeyChord {
        let mut key = key;
        let mut mods = mods;
        if let Key::Char(c) = key {
            if mods.shift && c.is_ascii_lowercase() {
                key = Key::Char(c.to_ascii_uppercase());
            }
            mods.shift = false;
        }
        KeyChord { key, mods }
    }

    /// A plain character key.
    pub fn char(c: char) -> KeyChord {
        KeyChord::new(Key::Char(c), Mods::default())
    }

    /// A key without modifiers.
    pub fn plain(key: Key) -> KeyChord {
        KeyChord::new(key, Mods::default())
    }

    /// The character a prompt should insert for this chord, if any.
    pub fn printable(&self) -> Option<char> {
        match self.key {
            Key::Char(c) if !self.mods.ctrl && !self.mods.alt && !c.is_control() => Some(c),
            _ => None,
        }
    }
}

const NAMED: &[(&str, Key)] = &[
    ("enter", Key::Enter),
    ("ret", Key::Enter),
    ("cr", Key::Enter),
    ("esc", Key::Esc),
    ("tab", Key::Tab),
    ("bs", Key::Backspace),
    ("backspace", Key::Backspace),
    ("del", Key::Delete),
    ("delete", Key::Delete),
    ("ins", Key::Insert),
    ("insert", Key::Insert),
    ("up", Key::Up),
    ("down", Key::Down),
    ("left", Key::Left),
    ("right", Key::Right),
    ("home", Key::Home),
    ("end", Key::End),
    ("pgup", Key::PageUp),
    ("pageup", Key::PageUp),
    ("pgdn", Key::PageDown),
    ("pagedown", Key::PageDown),
    ("space", Key::Char(' ')),
    ("lt", Key::Char('<')),
    ("gt", Key::Char('>')),
];

fn parse_bracketed(inner: &str, whole: &str) -> Result<KeyChord, KeyParseError> {
    let err = |reason: String| KeyParseError {
        text: whole.to_string(),
        reason,
    };
    let mut mods = Mods::default();
    let mut rest = inner;
    // Modifier prefixes: c- a- s- (also ctrl- alt- shift- m-), any order.
    loop {
        let lower = rest.to_ascii_lowercase();
        let taken = ["c-", "ctrl-", "a-", "alt-", "m-", "meta-", "s-", "shift-"]
            .iter()
            .find(|p| lower.starts_with(**p) && rest.len() > p.len());
        match taken {
            Some(p) => {
                match p.chars().next() {
                    Some('c') => mods.ctrl = true,
                    Some('a') | Some('m') => mods.alt = true,
                    _ => mods.shift = true,
                }
                rest = &rest[p.len()..];
            }
            None => break,
        }
    }
    let mut chars = rest.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Ok(KeyChord::new(Key::Char(c), mods));
    }
    let lower = rest.to_ascii_lowercase();
    if let Some((_, key)) = NAMED.iter().find(|(n, _)| *n == lower) {
        return Ok(KeyChord::new(*key, mods));
    }
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok())
        && (1..=24).contains(&n)
    {
        return Ok(KeyChord::new(Key::F(n), mods));
    }
    let hint = if lower.starts_with("ctrl+") || lower.contains('+') {
        " (write modifiers as `<c-x>`, `<a-x>`, `<s-tab>`)".to_string()
    } else {
        String::new()
    };
    Err(err(format!("unknown key name `{rest}`{hint}")))
}

/// Parses a key sequence such as `gg`, `<c-x><c-c>` or `]f` into chords.
pub fn parse_sequence(text: &str) -> Result<Vec<KeyChord>, KeyParseError> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(end) = rest.find('>') {
                // `<>` or `<` followed later by `>` of another token: treat `<` literally when
                // the bracket holds nothing.
                if end > 1 {
                    out.push(parse_bracketed(&rest[1..end], text)?);
                    rest = &rest[end + 1..];
                    continue;
                }
            }
            return Err(KeyParseError {
                text: text.to_string(),
                reason: "`<` opens a key name that is not closed; write `<lt>` for the key itself"
                    .to_string(),
            });
        }
        out.push(KeyChord::char(c));
        rest = &rest[c.len_utf8()..];
    }
    if out.is_empty() {
        return Err(KeyParseError {
            text: text.to_string(),
            reason: "empty key".to_string(),
        });
    }
    Ok(out)
}

/// Writes chords back in the notation [`parse_sequence`] reads.
pub fn format_sequence(chords: &[KeyChord]) -> String {
    chords.iter().map(|c| c.to_string()).collect()
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name: String = match self.key {
            Key::Char(' ') => "space".into(),
            Key::Char('<') => "lt".into(),
            Key::Char('>') => "gt".into(),
            Key::Char(c) => c.to_string(),
            Key::F(n) => format!("f{n}"),
            other => NAMED
                .iter()
                .find(|(_, k)| *k == other)
                .map(|(n, _)| n.to_string())
                .unwrap_or_default(),
        };
        let plain_char = matches!(self.key, Key::Char(c) if c != ' ' && c != '<' && c != '>');
        if plain_char && !self.mods.ctrl && !self.mods.alt {
            return f.write_str(&name);
        }
        f.write_str("<")?;
        if self.mods.ctrl {
            f.write_str("c-")?;
        }
        if self.mods.alt {
            f.write_str("a-")?;
        }
        if self.mods.shift {
            f.write_str("s-")?;
        }
        write!(f, "{name}>")
    }
}

/// Writes chords for people (help, hints): `<`, `>` and space as themselves.
pub fn pretty_sequence(chords: &[KeyChord]) -> String {
    format_sequence(chords)
        .replace("<lt>", "<")
        .replace("<gt>", ">")
        .replace("<space>", "space")
}

/// Converts a crossterm key event; `None` for releases, repeats handled as presses, and keys
/// patchdesk does not bind (media keys, modifiers alone).
pub fn from_crossterm(event: &crossterm::event::KeyEvent) -> Option<KeyChord> {
    use crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};
    if event.kind != KeyEventKind::Press {
        return None;
    }
    let m = event.modifiers;
    let mut mods = Mods {
        ctrl: m.contains(KeyModifiers::CONTROL),
        alt: m.contains(KeyModifiers::ALT),
        shift: m.contains(KeyModifiers::SHIFT),
    };
    let key = match event.code {
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => {
            mods.shift = true;
            Key::Tab
        }
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Insert => Key::Insert,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::F(n) => Key::F(n),
        _ => return None,
    };
    Some(KeyChord::new(key, mods))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

    #[test]
    fn parses_plain_named_and_modified_keys() {
        let seq = parse_sequence("gG<enter><c-d><s-tab><a-x><lt><space>").unwrap();
        assert_eq!(
            seq,
            vec![
                KeyChord::char('g'),
                KeyChord::char('G'),
                KeyChord::plain(Key::Enter),
                KeyChord::new(
                    Key::Char('d'),
                    Mods {
                        ctrl: true,
                        ..Mods::default()
                    }
                ),
                KeyChord::new(
                    Key::Tab,
                    Mods {
                        shift: true,
                        ..Mods::default()
                    }
                ),
                KeyChord::new(
                    Key::Char('x'),
                    Mods {
                        alt: true,
                        ..Mods::default()
                    }
                ),
                KeyChord::char('<'),
                KeyChord::char(' '),
            ]
        );
    }

    #[test]
    fn shift_on_a_letter_becomes_the_capital() {
        assert_eq!(parse_sequence("<s-g>").unwrap(), vec![KeyChord::char('G')]);
        let ev = KeyEvent::new(KeyCode::Char('g'), KeyModifiers::SHIFT);
        assert_eq!(from_crossterm(&ev), Some(KeyChord::char('G')));
        let ev = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(from_crossterm(&ev), Some(KeyChord::char('?')));
    }

    #[test]
    fn backtab_is_shift_tab_and_releases_are_dropped() {
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            from_crossterm(&ev),
            parse_sequence("<s-tab>").unwrap().pop()
        );
        let mut release = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(from_crossterm(&release), None);
    }

    #[test]
    fn bad_notation_is_explained() {
        let e = parse_sequence("<ctrl+x>").unwrap_err();
        assert!(e.reason.contains("<c-x>"), "{e}");
        assert!(parse_sequence("<c-").is_err());
        assert!(parse_sequence("").is_err());
        assert!(parse_sequence("<nokey>").is_err());
    }

    #[test]
    fn formatting_round_trips() {
        for text in [
            "j", "G", "<enter>", "<c-d>", "<s-tab>", "<a-x>", "gg", "<lt>", "<space>", "]f", "<f5>",
        ] {
            let seq = parse_sequence(text).unwrap();
            assert_eq!(format_sequence(&seq), text);
        }
    }
}
