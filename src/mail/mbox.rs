//! Splitting an mbox into messages the way `git mailsplit` does.
//!
//! A separator is a line that starts with `From ` *and* ends in something that looks like a
//! date (`HH:MM:SS YYYY` with a year after 1990), exactly git's `is_from_line` test. A body line
//! such as `From the start we ...` therefore never splits, which matters because
//! `git format-patch --stdout` does not escape body lines that begin with `From `.
//!
//! Two flavours are told apart message by message, by the separator line: a message after
//! `From mboxrd@z ...` (what public-inbox and lore write) is **mboxrd**, and every body line
//! `>From `, `>>From `, ... loses one `>` when the message is read (git needs `--mboxrd` for
//! this; we detect it). Any other message is **mboxo** and its lines are kept as they are, as
//! `git mailsplit` does without `--mboxrd` (b4's `From git@z` files and `git format-patch`
//! output are mboxo). Deciding per message keeps both right in a file that concatenates a lore
//! download and `git format-patch` output; [`MboxSplit::format`] names the first message's.
//!
//! A file that does not start with a separator line is one bare message (a single `.eml` or a
//! single `git format-patch` output without its `From <sha>` line), as `git mailsplit -b` reads
//! it. Leading whitespace before the first line is skipped, as git does.
//!
//! Splitting only finds byte ranges (with `memchr::memmem`), so it runs at memory speed;
//! [`message_bytes`] hands out a message's bytes with the mboxrd unescaping applied.

use memchr::memmem;
use std::borrow::Cow;
use std::ops::Range;

/// How body lines beginning with `From ` were protected in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MboxFormat {
    /// Classic mbox: nothing to undo (`>From ` stays as it is, as in `git mailsplit`).
    #[default]
    Mboxo,
    /// mboxrd: one `>` is removed from each `>+From ` line.
    Mboxrd,
    /// One message without a separator line.
    Bare,
}

/// One message found in an mbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MboxEntry {
    /// Byte offset of the message in the file: its separator line, or its first byte.
    pub offset: usize,
    /// The message itself (headers and body), without the separator line.
    pub range: Range<usize>,
    /// The commit id named by a `git format-patch` separator
    /// (`From <40 hex> Mon Sep 17 00:00:00 2001`).
    pub commit: Option<String>,
    /// Its separator line is `From mboxrd@z ...`: its `>From ` lines are escaped.
    pub mboxrd: bool,
}

/// The result of splitting: the flavour detected and every message in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MboxSplit {
    pub format: MboxFormat,
    pub messages: Vec<MboxEntry>,
}

/// Splits `data` into messages. An empty (or all-whitespace) input yields no messages.
pub fn split(data: &[u8]) -> MboxSplit {
    let start = data
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != b'\x0b')
        .unwrap_or(data.len());
    if start == data.len() {
        return MboxSplit::default();
    }
    let first_end = line_end(data, start);
    let first_line = &data[start..first_end];
    if !is_from_line(first_line) {
        return MboxSplit {
            format: MboxFormat::Bare,
            messages: vec![MboxEntry {
                offset: start,
                range: start..data.len(),
                commit: None,
                mboxrd: false,
            }],
        };
    }
    let format = if is_mboxrd_separator(first_line) {
        MboxFormat::Mboxrd
    } else {
        MboxFormat::Mboxo
    };

    let mut separators = vec![start];
    let finder = memmem::Finder::new(b"\nFrom ");
    let mut pos = first_end;
    while let Some(found) = finder.find(&data[pos..]) {
        let line_start = pos + found + 1;
        let end = line_end(data, line_start);
        if is_from_line(&data[line_start..end]) {
            separators.push(line_start);
        }
        // Search on from this line's start: its own `\n` may begin the next separator.
        pos = line_start;
    }

    let messages = separators
        .iter()
        .enumerate()
        .map(|(i, &sep)| {
            let sep_end = line_end(data, sep);
            let end = separators.get(i + 1).copied().unwrap_or(data.len());
            MboxEntry {
                offset: sep,
                range: sep_end.min(end)..end,
                commit: format_patch_commit(&data[sep..sep_end]),
                mboxrd: is_mboxrd_separator(&data[sep..sep_end]),
            }
        })
        .collect();
    MboxSplit { format, messages }
}

/// Where the last separator line of `data` that starts after its first byte and ends inside
/// it (with its `\n`) starts: `data` up to there is whole messages, which [`split`] splits
/// as it would the same messages in a larger mbox (the messages from there on are not
/// whole yet, or hold the rest). `None` when there is no such line.
pub fn last_separator(data: &[u8]) -> Option<usize> {
    let mut end = data.len();
    while let Some(found) = memmem::rfind(&data[..end], b"\nFrom ") {
        let line_start = found + 1;
        let line_end = line_end(data, line_start);
        if data[..line_end].ends_with(b"\n") && is_from_line(&data[line_start..line_end]) {
            return Some(line_start);
        }
        end = found;
    }
    None
}

/// The separator public-inbox, lore and our own exports write for mboxrd.
fn is_mboxrd_separator(line: &[u8]) -> bool {
    line.starts_with(b"From mboxrd@z ")
}

/// The bytes of one message, with mboxrd `>From ` unescaping applied when its separator
/// marks it mboxrd.
pub fn message_bytes<'a>(data: &'a [u8], entry: &MboxEntry) -> Cow<'a, [u8]> {
    let raw = data.get(entry.range.clone()).unwrap_or_default();
    if entry.mboxrd {
        unescape_mboxrd(raw)
    } else {
        Cow::Borrowed(raw)
    }
}

/// Removes one `>` from every line that matches `>+From `.
pub fn unescape_mboxrd(raw: &[u8]) -> Cow<'_, [u8]> {
    if memmem::find(raw, b">From ").is_none() {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut pos = 0;
    while pos < raw.len() {
        let end = line_end(raw, pos);
        let line = &raw[pos..end];
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        if quotes > 0 && line[quotes..].starts_with(b"From ") {
            out.extend_from_slice(&line[1..]);
        } else {
            out.extend_from_slice(line);
        }
        pos = end;
    }
    Cow::Owned(out)
}

/// The index just past the end of the line starting at `start` (past its `\n`, or the end).
fn line_end(data: &[u8], start: usize) -> usize {
    match memchr::memchr(b'\n', data.get(start..).unwrap_or_default()) {
        Some(i) => start + i + 1,
        None => data.len(),
    }
}

/// git's `is_from_line`: `From `, at least 20 bytes, and a tail `..D:DD:DD YYYY` whose year
/// is above 90. `line` may include its line end.
pub fn is_from_line(line: &[u8]) -> bool {
    if line.len() < 20 || !line.starts_with(b"From ") {
        return false;
    }
    // git starts looking for the last colon two bytes before the end (skipping the newline
    // and one more byte) and never before the text after "From ".
    let mut colon = line.len() - 2;
    loop {
        if colon <= 5 {
            return false;
        }
        colon -= 1;
        if line[colon] == b':' {
            break;
        }
    }
    let digit = |i: Option<usize>| i.and_then(|i| line.get(i)).is_some_and(u8::is_ascii_digit);
    if !(digit(colon.checked_sub(4))
        && digit(colon.checked_sub(2))
        && digit(colon.checked_sub(1))
        && digit(Some(colon + 1))
        && digit(Some(colon + 2)))
    {
        return false;
    }
    strtol(line.get(colon + 3..).unwrap_or_default()) > 90
}

/// C's `strtol(s, NULL, 10)`: leading white space, a sign, digits; 0 when there are none.
fn strtol(s: &[u8]) -> i64 {
    let mut rest = s;
    while let Some((first, tail)) = rest.split_first() {
        if matches!(first, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') {
            rest = tail;
        } else {
            break;
        }
    }
    let negative = rest.first() == Some(&b'-');
    if matches!(rest.first(), Some(b'-' | b'+')) {
        rest = &rest[1..];
    }
    let mut value: i64 = 0;
    for &b in rest.iter().take_while(|b| b.is_ascii_digit()) {
        value = value.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if negative { -value } else { value }
}

/// The commit id of a `From <40 hex> Mon Sep 17 00:00:00 2001` separator line.
pub fn format_patch_commit(line: &[u8]) -> Option<String> {
    let rest = line.strip_prefix(b"From ")?;
    let sha = rest.get(..40)?;
    let tail = rest.get(40..)?;
    let tail = tail.strip_suffix(b"\n").unwrap_or(tail);
    let tail = tail.strip_suffix(b"\r").unwrap_or(tail);
    if sha.iter().all(u8::is_ascii_hexdigit) && tail == b" Mon Sep 17 00:00:00 2001" {
        std::str::from_utf8(sha).ok().map(str::to_ascii_lowercase)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA1: &str = "c8e5aed246914ff6438839350e414a3bea5a8041";
    const SHA2: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn the_last_separator_is_a_whole_from_line_after_the_first_byte() {
        let sep = "From a@b Thu Jan  1 00:00:00 2020\n";
        let one = format!("{sep}Subject: one\n\nFrom here on, prose.\n");
        let two = format!("{one}{sep}Subject: two\n\nbody\n");
        assert_eq!(last_separator(two.as_bytes()), Some(one.len()));
        // Only one message, or a `From ` line that is not a separator: none.
        assert_eq!(last_separator(one.as_bytes()), None);
        // A separator whose line is not finished yet is not known to be one.
        let unfinished = format!("{one}{}", &sep[..sep.len() - 1]);
        assert_eq!(last_separator(unfinished.as_bytes()), None);
        let three = format!("{two}{sep}");
        assert_eq!(last_separator(three.as_bytes()), Some(two.len()));
        // Cut there, each part splits into what the whole did.
        let cut = last_separator(three.as_bytes()).unwrap();
        let whole = texts(three.as_bytes());
        let mut parts = texts(&three.as_bytes()[..cut]);
        parts.extend(texts(&three.as_bytes()[cut..]));
        assert_eq!(parts, whole);
    }

    fn texts(data: &[u8]) -> Vec<String> {
        let split = split(data);
        split
            .messages
            .iter()
            .map(|m| String::from_utf8_lossy(&message_bytes(data, m)).into_owned())
            .collect()
    }

    #[test]
    fn from_line_needs_a_date_tail() {
        assert!(is_from_line(
            b"From c8e5aed246914ff6438839350e414a3bea5a8041 Mon Sep 17 00:00:00 2001\n"
        ));
        assert!(is_from_line(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n"));
        assert!(is_from_line(
            b"From someone@example.org Tue Nov 24 19:14:43 2026"
        ));
        assert!(!is_from_line(
            b"From the beginning, this driver was broken.\n"
        ));
        assert!(!is_from_line(b"From: Someone <a@b.c> 12:34:56 2001\n"));
        // A year of 90 or less does not count.
        assert!(!is_from_line(b"From x Tue Nov 24 19:14:43 90\n"));
        assert!(is_from_line(b"From x Tue Nov 24 19:14:43 91\n"));
        assert!(!is_from_line(b"From short 1:2\n"));
        assert!(!is_from_line(b"From :::::::::::::::::::\n"));
    }

    #[test]
    fn format_patch_body_from_lines_do_not_split() {
        let data = format!(
            "From {SHA1} Mon Sep 17 00:00:00 2001\nFrom: A <a@b.c>\nSubject: [PATCH 1/2] one\n\n\
             From the start this was wrong.\nFrom here on\n---\n diff\n\
             From {SHA2} Mon Sep 17 00:00:00 2001\nFrom: A <a@b.c>\nSubject: [PATCH 2/2] two\n\nbody\n"
        );
        let split = split(data.as_bytes());
        assert_eq!(split.format, MboxFormat::Mboxo);
        assert_eq!(split.messages.len(), 2);
        assert_eq!(split.messages[0].commit.as_deref(), Some(SHA1));
        assert_eq!(split.messages[1].commit.as_deref(), Some(SHA2));
        assert_eq!(split.messages[0].offset, 0);
        let texts = texts(data.as_bytes());
        assert!(texts[0].starts_with("From: A"));
        assert!(texts[0].contains("From the start this was wrong.\nFrom here on\n"));
        assert!(texts[1].ends_with("body\n"));
        assert_eq!(
            split.messages[1].offset,
            data.find(&format!("From {SHA2}")).unwrap()
        );
    }

    #[test]
    fn mboxrd_unescapes_one_level() {
        let data = b"From mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: a\n\n>From here\n>>From there\n> From not\n>Fromage\nFrom the start\n\
From mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: b\n\nx\n";
        let split = split(data);
        assert_eq!(split.format, MboxFormat::Mboxrd);
        assert_eq!(split.messages.len(), 2);
        assert_eq!(split.messages[0].commit, None);
        let texts = texts(data);
        assert_eq!(
            texts[0],
            "Subject: a\n\nFrom here\n>From there\n> From not\n>Fromage\nFrom the start\n"
        );
    }

    #[test]
    fn mboxrd_is_decided_per_message_in_a_concatenated_file() {
        // A `git format-patch` message (mboxo, read as is), then a lore download (mboxrd),
        // then b4's am-ready `From git@z` message (mboxo again).
        let data = format!(
            "From {SHA1} Mon Sep 17 00:00:00 2001\nSubject: a\n\n>From kept\n\
             From mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: b\n\n>From unquoted\n>>From once\n\
             From git@z Thu Jan  1 00:00:00 1970\nSubject: c\n\n>From kept too\n"
        );
        let split = split(data.as_bytes());
        assert_eq!(
            split.format,
            MboxFormat::Mboxo,
            "named after the first message"
        );
        let flags: Vec<bool> = split.messages.iter().map(|m| m.mboxrd).collect();
        assert_eq!(flags, [false, true, false]);
        assert_eq!(
            texts(data.as_bytes()),
            [
                "Subject: a\n\n>From kept\n",
                "Subject: b\n\nFrom unquoted\n>From once\n",
                "Subject: c\n\n>From kept too\n",
            ]
        );
    }

    #[test]
    fn mboxo_keeps_quoted_from() {
        let data = b"From a@b Thu Jan  1 00:00:00 2020\nSubject: a\n\n>From here\n";
        assert_eq!(texts(data), vec!["Subject: a\n\n>From here\n".to_string()]);
    }

    #[test]
    fn crlf_lines_split() {
        let data = format!(
            "From {SHA1} Mon Sep 17 00:00:00 2001\r\nSubject: a\r\n\r\nx\r\n\
             From {SHA2} Mon Sep 17 00:00:00 2001\r\nSubject: b\r\n\r\ny\r\n"
        );
        let split = split(data.as_bytes());
        assert_eq!(split.messages.len(), 2);
        assert_eq!(split.messages[1].commit.as_deref(), Some(SHA2));
        assert_eq!(texts(data.as_bytes())[0], "Subject: a\r\n\r\nx\r\n");
    }

    #[test]
    fn single_message_without_separator_is_bare() {
        let data =
            b"\n\nFrom: A <a@b.c>\nSubject: one\n\nFrom the top\nFrom x Tue Nov 24 19:14:43 2026\n";
        let split = split(data);
        assert_eq!(split.format, MboxFormat::Bare);
        assert_eq!(split.messages.len(), 1);
        assert_eq!(split.messages[0].offset, 2);
        assert_eq!(split.messages[0].range, 2..data.len());
    }

    #[test]
    fn empty_input_has_no_messages() {
        assert!(split(b"").messages.is_empty());
        assert!(split(b" \n\r\n\t").messages.is_empty());
    }

    #[test]
    fn separator_at_end_without_newline() {
        let data = b"From a@b Thu Jan  1 00:00:00 2020\nSubject: a\n\nx\nFrom a@b Thu Jan  1 00:00:00 2020";
        let split = split(data);
        assert_eq!(split.messages.len(), 2);
        assert!(split.messages[1].range.is_empty());
    }

    #[test]
    fn commit_only_from_format_patch_lines() {
        assert_eq!(
            format_patch_commit(format!("From {SHA1} Mon Sep 17 00:00:00 2001\n").as_bytes()),
            Some(SHA1.to_string())
        );
        assert_eq!(
            format_patch_commit(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n"),
            None
        );
        assert_eq!(
            format_patch_commit(format!("From {SHA1} Tue Sep 17 00:00:00 2001\n").as_bytes()),
            None
        );
    }
}
