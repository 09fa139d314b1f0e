//! Subject lines: the bracket prefix parsed the way `git mailinfo` strips it.
use serde::{Deserialize, Serialize};

/// A parsed subject line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// The subject as sent.
    pub raw: String,
    /// The title git commits: `Re:`/`[...]` prefixes removed as `git mailinfo` does.
    pub title: String,
    /// Version from `v3` in the prefix; 1 when absent.
    pub version: u32,
    /// `n` of `n/N`.
    pub index: Option<u32>,
    /// `N` of `n/N`.
    pub total: Option<u32>,
    /// The other prefix words, upper-cased as sent: `PATCH`, `RFC`, `RESEND`, `PULL`,
    /// `for-10.2`, `qemu`, ...
    pub tags: Vec<String>,
    /// The subject started with `Re:` (a reply).
    pub is_reply: bool,
}

/// What `cleanup_subject` removed from the front of a subject.
#[derive(Debug, Default)]
struct Stripped<'a> {
    /// Contents of each removed `[...]` group, without the brackets.
    groups: Vec<&'a str>,
    /// A `Re:` was removed.
    reply: bool,
    /// Byte offset where the title starts.
    rest: usize,
}

/// git mailinfo's `cleanup_subject` (without `-k`/`-b`): repeatedly drop `Re:` (any case),
/// spaces, tabs, colons and `[...]` groups from the front.
fn strip_prefix(subject: &str) -> Stripped<'_> {
    let bytes = subject.as_bytes();
    let mut out = Stripped::default();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'r' | b'R' => {
                if bytes.len() > at + 3
                    && (bytes[at + 1] == b'e' || bytes[at + 1] == b'E')
                    && bytes[at + 2] == b':'
                {
                    out.reply = true;
                    at += 3;
                    continue;
                }
                break;
            }
            b' ' | b'\t' | b':' => at += 1,
            b'[' => match memchr::memchr(b']', &bytes[at..]) {
                Some(close) => {
                    out.groups.push(&subject[at + 1..at + close]);
                    at += close + 1;
                }
                None => break,
            },
            _ => break,
        }
    }
    out.rest = at;
    out
}

/// git mailinfo's `cleanup_space`: every run of whitespace becomes one space.
pub(crate) fn collapse_space(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in s.chars() {
        if c.is_ascii() && super::trailers::is_c_space(c as u8) {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// The title `git mailinfo` makes of a subject: prefixes stripped, trimmed, whitespace
/// collapsed.
pub fn clean_title(raw: &str) -> String {
    let stripped = strip_prefix(raw);
    collapse_space(super::trailers::c_trim(&raw[stripped.rest..]))
}

/// Parses `v3`, `V3` into 3.
fn parse_version(word: &str) -> Option<u32> {
    let digits = word.strip_prefix(['v', 'V'])?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Parses `02/10` into (2, 10).
fn parse_counter(word: &str) -> Option<(u32, u32)> {
    let (n, total) = word.split_once('/')?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(n) || !all_digits(total) {
        return None;
    }
    Some((n.parse().ok()?, total.parse().ok()?))
}

/// Parses a subject line.
pub fn parse(raw: &str) -> Subject {
    let stripped = strip_prefix(raw);
    let mut subject = Subject {
        raw: raw.to_string(),
        title: collapse_space(super::trailers::c_trim(&raw[stripped.rest..])),
        version: 1,
        is_reply: stripped.reply,
        ..Subject::default()
    };
    for group in &stripped.groups {
        for word in group.split(|c: char| c.is_whitespace() || c == ',') {
            if word.is_empty() {
                continue;
            }
            if let Some(v) = parse_version(word) {
                subject.version = v;
            } else if let Some((n, total)) = parse_counter(word) {
                subject.index = Some(n);
                subject.total = Some(total);
            } else if let Some(v) = word
                .strip_prefix("PATCH")
                .and_then(|r| parse_version(r.trim_start_matches('-')))
            {
                // `PATCHv2`, `PATCH-v2`
                subject.tags.push("PATCH".to_string());
                subject.version = v;
            } else {
                subject.tags.push(word.to_string());
            }
        }
    }
    subject
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(s: &Subject) -> Vec<&str> {
        s.tags.iter().map(String::as_str).collect()
    }

    #[test]
    fn version_and_counter() {
        let s = parse("[PATCH v3 02/10] hw/foo: fix bar");
        assert_eq!(s.title, "hw/foo: fix bar");
        assert_eq!((s.version, s.index, s.total), (3, Some(2), Some(10)));
        assert_eq!(tags(&s), ["PATCH"]);
        assert!(!s.is_reply);
    }

    #[test]
    fn rfc_cover_letter() {
        let s = parse("[RFC PATCH 0/5] Add things");
        assert_eq!((s.version, s.index, s.total), (1, Some(0), Some(5)));
        assert_eq!(tags(&s), ["RFC", "PATCH"]);
        assert_eq!(s.title, "Add things");
    }

    #[test]
    fn pull_and_other_tags() {
        let s = parse("[PULL 00/12] Misc patches");
        assert_eq!((s.index, s.total), (Some(0), Some(12)));
        assert_eq!(tags(&s), ["PULL"]);
        let s = parse("[PATCH for-10.2 v2 1/3] x");
        assert_eq!(tags(&s), ["PATCH", "for-10.2"]);
        assert_eq!((s.version, s.index, s.total), (2, Some(1), Some(3)));
        let s = parse("[PATCH qemu] x");
        assert_eq!(tags(&s), ["PATCH", "qemu"]);
    }

    #[test]
    fn reply_and_repeated_groups() {
        let s = parse("Re: [PATCH 1/2] foo: bar");
        assert!(s.is_reply);
        assert_eq!(s.title, "foo: bar");
        assert_eq!((s.index, s.total), (Some(1), Some(2)));
        let s = parse("[PATCH] [RESEND] foo");
        assert_eq!(tags(&s), ["PATCH", "RESEND"]);
        assert_eq!(s.title, "foo");
        let s = parse("RE: re: Re: [PATCHv2] x");
        assert!(s.is_reply);
        assert_eq!(s.version, 2);
        assert_eq!(s.title, "x");
    }

    #[test]
    fn mailinfo_corner_cases() {
        // `Re:` needs a character after it; an `r` word ends the stripping.
        assert_eq!(parse("Re:").title, "Re:");
        assert_eq!(parse("really [PATCH] x").title, "really [PATCH] x");
        // An unclosed bracket stops stripping.
        assert_eq!(parse("[PATCH x").title, "[PATCH x");
        // Whitespace runs collapse; leading colons go.
        assert_eq!(parse(" :: [PATCH]  a \t b  ").title, "a b");
        assert_eq!(parse("Fwd: x").title, "Fwd: x");
        assert_eq!(parse("").title, "");
    }
}
