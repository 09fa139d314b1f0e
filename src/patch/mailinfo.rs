//! Extracting author, commit message, notes and diff from a message as `git mailinfo` and
//! `git am` do.
//!
//! The body is walked once, line by line, as mailinfo's `handle_commit_msg` walks it:
//! leading blank lines are skipped; `From:`, `Subject:` and `Date:` lines at the top are
//! in-body headers (folded lines continue them; a blank line ends them); the message ends
//! at the patch break (`---`, `diff -`, `Index: `). In-body headers count only when the
//! message carries a patch, as in mailinfo. The commit message is then what `git am`
//! commits: the cleaned subject, a blank line, the message, through `git stripspace`.
use super::diff;
use super::subject::{self, collapse_space};
use super::trailers::{self, c_trim, is_c_space};
use super::{AuthorSource, LazyDiff, Patch, ReplyFacts};
use crate::mail::{Address, Message};
use crate::text::SharedText;
use chrono::DateTime;

/// What the walk over the body found.
#[derive(Debug, Default, PartialEq, Eq)]
struct BodyParts<'a> {
    /// The log message as mailinfo writes it to its `msg` file.
    log: String,
    /// In-body header values (continuations joined), when present.
    from: Option<String>,
    subject: Option<String>,
    date: Option<String>,
    /// The text from the patch break on (the `---` line, or the diff itself).
    patch: Option<&'a str>,
}

/// The in-body header a line opens (`From`, `Subject`, `Date`; name case-insensitive,
/// directly followed by `:`), with the value after the colon and its leading whitespace.
fn inbody_header(line: &str) -> Option<(usize, &str)> {
    for (slot, name) in ["From", "Subject", "Date"].iter().enumerate() {
        let n = name.len();
        if line.len() > n
            && line.as_bytes()[..n].eq_ignore_ascii_case(name.as_bytes())
            && line.as_bytes()[n] == b':'
        {
            return Some((
                slot,
                line[n + 1..].trim_start_matches(|c: char| c.is_ascii() && is_c_space(c as u8)),
            ));
        }
    }
    None
}

/// mailinfo's `patchbreak`.
fn is_patch_break(line: &str) -> bool {
    if line.starts_with("diff -") || line.starts_with("Index: ") {
        return true;
    }
    let b = line.as_bytes();
    if b.len() < 4 || !line.starts_with("---") {
        return false;
    }
    if b[3] == b' ' && !is_c_space(b[4]) {
        return true;
    }
    for &c in &b[3..] {
        if c == b'\n' {
            return true;
        }
        if !is_c_space(c) {
            break;
        }
    }
    false
}

/// mailinfo's `is_format_patch_separator` on the text after a `>`.
fn is_format_patch_separator(line: &str) -> bool {
    const TAIL: &str = " Mon Sep 17 00:00:00 2001\n";
    let Some(rest) = line.strip_prefix("From ") else {
        return false;
    };
    rest.len() == 40 + TAIL.len()
        && rest.as_bytes()[..40]
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        && &rest[40..] == TAIL
}

/// Walks the body as mailinfo's `handle_commit_msg` (in-body headers on, no scissors).
fn split_body(body: &str) -> BodyParts<'_> {
    let mut parts = BodyParts::default();
    let mut header_stage = true;
    // The in-body header being read: its slot and text so far.
    let mut accum: Option<(usize, String)> = None;
    let mut pos = 0;

    let flush = |accum: &mut Option<(usize, String)>, parts: &mut BodyParts<'_>| {
        if let Some((slot, text)) = accum.take() {
            let value = inbody_header(&text)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default();
            let target = match slot {
                0 => &mut parts.from,
                1 => &mut parts.subject,
                _ => &mut parts.date,
            };
            if target.is_none() {
                *target = Some(value);
            }
        }
    };

    for line in super::lines_inclusive(body) {
        let start = pos;
        pos += line.len();
        if header_stage {
            if line == "\n" {
                if accum.is_some() {
                    flush(&mut accum, &mut parts);
                    header_stage = false;
                }
                continue;
            }
            // check_inbody_header
            if accum.is_some() && (line.starts_with(' ') || line.starts_with('\t')) {
                if let Some((_, text)) = accum.as_mut() {
                    if text.ends_with('\n') {
                        text.pop();
                    }
                    text.push_str(line);
                }
                continue;
            }
            flush(&mut accum, &mut parts);
            header_stage = if line.starts_with(">From")
                && line.as_bytes().get(5).is_some_and(|&b| is_c_space(b))
            {
                is_format_patch_separator(&line[1..])
            } else if line.starts_with("[PATCH]")
                && line.as_bytes().get(7).is_some_and(|&b| is_c_space(b))
            {
                parts.subject = Some(line.to_string());
                true
            } else {
                match inbody_header(line) {
                    Some((slot, _)) if slot_is_free(&parts, slot) => {
                        accum = Some((slot, line.to_string()));
                        true
                    }
                    _ => false,
                }
            };
            if header_stage {
                continue;
            }
        }
        if is_patch_break(line) {
            parts.patch = Some(&body[start..]);
            break;
        }
        parts.log.push_str(line);
    }
    flush(&mut accum, &mut parts);
    parts
}

fn slot_is_free(parts: &BodyParts<'_>, slot: usize) -> bool {
    match slot {
        0 => parts.from.is_none(),
        1 => parts.subject.is_none(),
        _ => parts.date.is_none(),
    }
}

/// `git stripspace` (no comment stripping): trailing whitespace off every line, runs of
/// blank lines squeezed to one, none at the start or end, each line ending in `\n`.
pub fn stripspace(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    let mut empties = 0usize;
    for line in super::lines_inclusive(text) {
        let content = line.trim_end_matches(|c: char| c.is_ascii() && is_c_space(c as u8));
        if content.is_empty() {
            empties += 1;
            continue;
        }
        if empties > 0 && !out.is_empty() {
            out.push('\n');
        }
        empties = 0;
        out.push_str(content);
        out.push('\n');
    }
    out
}

/// mailinfo's `get_sane_name`: the email stands in for an empty, overlong or odd name.
fn sane_name(name: String, email: &str) -> String {
    if name.is_empty() || name.len() > 60 || name.contains(['@', '<', '>']) {
        email.to_string()
    } else {
        name
    }
}

/// mailinfo's quoted-pair handling: `"..."` unquoted, `(...)` comments kept with their
/// parentheses, backslash escapes resolved.
fn unquote_pairs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                out.push(n);
                            }
                        }
                        '"' => break,
                        c => out.push(c),
                    }
                }
            }
            '(' => unquote_comment(&mut out, &mut chars),
            c => out.push(c),
        }
    }
    out
}

fn unquote_comment(out: &mut String, chars: &mut std::str::Chars<'_>) {
    out.push('(');
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '(' => unquote_comment(out, chars),
            ')' => {
                out.push(')');
                return;
            }
            c => out.push(c),
        }
    }
}

/// mailinfo's `handle_from` on a `From:` value (after `cleanup_space`): the address is the
/// word around `@` (inside `<>` if so written), the rest is the name.
pub fn parse_from(value: &str) -> Address {
    let value = collapse_space(value);
    let unquoted = unquote_pairs(&value);
    let Some(at) = unquoted.find('@') else {
        // "John Doe <johndoe>"
        let Some(bra) = value.find('<') else {
            return Address::default();
        };
        let Some(ket) = value[bra..].find('>') else {
            return Address::default();
        };
        let email = value[bra + 1..bra + ket].to_string();
        let name = c_trim(&value[..bra]).to_string();
        return Address {
            name: sane_name(name, &email),
            email,
        };
    };
    let bytes = unquoted.as_bytes();
    let mut start = at;
    let mut angle = None;
    while start > 0 {
        let c = bytes[start - 1];
        if is_c_space(c) {
            break;
        }
        if c == b'<' {
            angle = Some(start - 1);
            break;
        }
        start -= 1;
    }
    let len = unquoted[start..]
        .find([' ', '\n', '\t', '\r', '\x0b', '\x0c', '>'])
        .unwrap_or(unquoted.len() - start);
    let email = unquoted[start..start + len].to_string();
    let after = (start + len + usize::from(start + len < unquoted.len())).min(unquoted.len());
    let mut rest = String::with_capacity(unquoted.len());
    match angle {
        Some(a) => {
            rest.push_str(&unquoted[..a]);
            rest.push(' ');
        }
        None => rest.push_str(&unquoted[..start]),
    }
    rest.push_str(&unquoted[after..]);
    let rest = collapse_space(&rest);
    let mut name = c_trim(&rest);
    if name.len() >= 2 && name.starts_with('(') && name.ends_with(')') {
        name = &name[1..name.len() - 1];
    }
    Address {
        name: sane_name(name.to_string(), &email),
        email,
    }
}

/// The text after the `---` line up to the diff (changelog, diffstat), and the diff.
fn split_notes(patch: &str) -> (&str, &str) {
    let first_end = patch.find('\n').map_or(patch.len(), |i| i + 1);
    let first = &patch[..first_end];
    if !first.starts_with("---") || is_diff_start_at(patch, 0) {
        return ("", patch);
    }
    let mut pos = first_end;
    while pos < patch.len() {
        if is_diff_start_at(patch, pos) {
            return (&patch[first_end..pos], &patch[pos..]);
        }
        pos = patch[pos..].find('\n').map_or(patch.len(), |i| pos + i + 1);
    }
    (&patch[first_end..], "")
}

fn is_diff_start_at(text: &str, pos: usize) -> bool {
    let rest = &text[pos..];
    let mut lines = rest.lines();
    let line = lines.next().unwrap_or("");
    diff::is_diff_start(line, lines.next())
}

/// An in-body header value with its RFC 2047 encoded words decoded (mailinfo decodes
/// in-body headers as it does the mail's own), by the mail module's decoder.
fn decode_inbody(name: &str, value: String) -> String {
    if !value.contains("=?") {
        return value;
    }
    let raw = format!("{name}: {}\n\n", collapse_space(&value));
    match crate::mail::parse_message(raw.as_bytes(), crate::mail::Origin::default()) {
        Ok(decoded) => decoded.header(name).map_or(value.clone(), str::to_string),
        Err(_) => value,
    }
}

/// True when a body opens like a patch sent inside another message: in-body `From:`,
/// `Subject:` or `Date:` headers or a `[PATCH]` line at its top, or a scissors line
/// (`-- >8 --`) anywhere above the diff.
pub fn carries_patch(body: &str) -> bool {
    let mut lines = body.lines().skip_while(|l| l.trim().is_empty());
    let first = lines.next().unwrap_or("");
    if inbody_header(&format!("{first}\n")).is_some() || first.starts_with("[PATCH]") {
        return true;
    }
    body.lines()
        .take_while(|l| !is_patch_break(&format!("{l}\n")))
        .any(is_scissors_line)
}

/// A scissors line as git's `is_scissors_line` counts one: a `>8`/`8<`/`>%`/`%<` mark in a
/// perforation of dashes that spans most of the visible text (at least 8 columns).
fn is_scissors_line(line: &str) -> bool {
    let b = line.as_bytes();
    let (mut scissors, mut perforation, mut gap) = (0usize, 0usize, 0usize);
    let (mut first, mut last): (Option<usize>, usize) = (None, 0);
    let mut in_perforation = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            if in_perforation {
                perforation += 1;
                gap += 1;
            }
            i += 1;
            continue;
        }
        last = i;
        first.get_or_insert(i);
        if c == b'-' {
            in_perforation = true;
            perforation += 1;
        } else if [b">8", b"8<", b">%", b"%<"]
            .iter()
            .any(|m| b[i..].starts_with(*m))
        {
            in_perforation = true;
            perforation += 2;
            scissors += 2;
            i += 1;
        } else {
            in_perforation = false;
        }
        i += 1;
    }
    let visible = first.map_or(0, |f| last - f + 1);
    scissors > 0 && visible >= 8 && visible < perforation * 3 && gap * 2 < perforation
}

/// Builds the patch model from a decoded message. The subject keeps the header's prefix
/// (version, `n/N`, tags); its title comes from an in-body `Subject:` when the message
/// carries a patch, as mailinfo's does.
pub fn build(mail: Message) -> Patch {
    let mut parts = split_body(&mail.body);
    parts.from = parts.from.map(|v| decode_inbody("From", v));
    parts.subject = parts.subject.map(|v| decode_inbody("Subject", v));
    parts.date = parts.date.map(|v| decode_inbody("Date", v));
    let has_patch = parts.patch.is_some();

    let mut subject = subject::parse(&mail.subject);
    if has_patch && let Some(inbody) = &parts.subject {
        subject.title = subject::clean_title(inbody);
    }

    let (author, author_source) = match (&parts.from, has_patch) {
        (Some(from), true) => (parse_from(from), AuthorSource::InBody),
        _ if mail.from_commit => (header_author(&mail), AuthorSource::Commit),
        _ => (header_author(&mail), AuthorSource::Header),
    };
    let date = match (&parts.date, has_patch) {
        (Some(d), true) => DateTime::parse_from_rfc2822(c_trim(&collapse_space(d)))
            .ok()
            .or(mail.date),
        _ => mail.date,
    };

    let mut message = String::with_capacity(subject.title.len() + parts.log.len() + 2);
    message.push_str(&subject.title);
    message.push_str("\n\n");
    message.push_str(&parts.log);
    let message = stripspace(&message);
    let (trailer_start, trailers) = trailers::parse(&message);

    let (notes, diff_text) = parts.patch.map_or(("", ""), split_notes);
    // Like the diff, the notes are a slice of the body.
    let notes = if notes.is_empty() {
        SharedText::default()
    } else {
        mail.body.subslice(notes)
    };
    // The diff is a slice of the body, so its lines share the body's buffer.
    // It is surveyed (counted, checked for problems, its patch-id taken) and parsed only
    // when read.
    let diff = LazyDiff::unparsed(mail.body.subslice(diff_text));
    let mut extra_problems = Vec::new();
    if mail.format_flowed && !diff.is_empty() {
        extra_problems.push(
            "sent format=flowed: its lines may have been rewrapped, so the patch will not apply as it stands"
                .to_string(),
        );
    }

    let key = mail
        .message_id
        .clone()
        .or_else(|| mail.commit.clone())
        .unwrap_or_else(|| format!("{}#{}", mail.origin.source, mail.origin.index));
    let as_reply = reply_facts(&mail.body, subject.is_reply, !diff.is_empty());

    Patch {
        key,
        subject,
        author,
        author_source,
        date,
        message: message.into(),
        trailers,
        trailer_start,
        notes,
        diff,
        extra_problems,
        as_reply: Some(as_reply),
        mail,
    }
}

/// What the queue asks of a message that may be a reply (see `queue::build`'s `classify`):
/// whether it carries a patch, asked of a reply with a diff; the trailers it states, read
/// from a reply or from a message without a diff (the others are patches).
fn reply_facts(body: &str, is_reply: bool, has_diff: bool) -> ReplyFacts {
    ReplyFacts {
        carries_patch: is_reply && has_diff && carries_patch(body),
        trailers: if is_reply || !has_diff {
            super::trailers::stated_in_reply(body)
        } else {
            Vec::new()
        },
    }
}

/// The author from the message's `From:` header, cleaned as mailinfo does.
fn header_author(mail: &Message) -> Address {
    if let Some(raw) = mail.header("From") {
        let parsed = parse_from(raw);
        if !parsed.email.is_empty() {
            return parsed;
        }
    }
    match &mail.from {
        Some(a) => Address {
            name: sane_name(collapse_space(c_trim(&a.name)), &a.email),
            email: a.email.clone(),
        },
        None => Address::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(subject: &str, from: &str, body: &str) -> Message {
        Message {
            subject: subject.to_string(),
            from: Some(parse_from(from)),
            headers: [("From", from), ("Subject", subject)].into_iter().collect(),
            body: body.into(),
            ..Message::default()
        }
    }

    const DIFF: &str =
        "diff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n";

    #[test]
    fn patch_break_lines() {
        assert!(is_patch_break("---\n"));
        assert!(is_patch_break("--- a/file\n"));
        assert!(is_patch_break("---   \n"));
        assert!(is_patch_break("diff --git a b\n"));
        assert!(is_patch_break("Index: x\n"));
        assert!(!is_patch_break("---"));
        assert!(!is_patch_break("----\n"));
        assert!(!is_patch_break("-- \n"));
        assert!(!is_patch_break("---x\n"));
    }

    #[test]
    fn stripspace_rules() {
        assert_eq!(stripspace("\n\na  \n\n\n\nb\t\n\n"), "a\n\nb\n");
        assert_eq!(stripspace("x"), "x\n");
        assert_eq!(stripspace(" \n\t\n"), "");
    }

    #[test]
    fn from_forms() {
        let a = parse_from("John Doe <john@x.org>");
        assert_eq!(
            (a.name.as_str(), a.email.as_str()),
            ("John Doe", "john@x.org")
        );
        let a = parse_from("john@x.org (John Doe)");
        assert_eq!(
            (a.name.as_str(), a.email.as_str()),
            ("John Doe", "john@x.org")
        );
        let a = parse_from("\"Doe, John\" <john@x.org>");
        assert_eq!(a.name, "Doe, John");
        let a = parse_from("john@x.org");
        assert_eq!(a.name, "john@x.org");
        let a = parse_from("John Doe <johndoe>");
        assert_eq!((a.name.as_str(), a.email.as_str()), ("John Doe", "johndoe"));
        assert_eq!(parse_from("nobody"), Address::default());
    }

    #[test]
    fn inbody_from_overrides_header_when_there_is_a_patch() {
        let body = format!(
            "\n\nFrom: Real Author <real@x.org>\nDate: Tue, 1 Oct 2024 10:00:00 +0200\n\nBody line.  \n\n\nSigned-off-by: Real Author <real@x.org>\n---\n f | 2 +-\n\n{DIFF}-- \n2.47.3\n"
        );
        let p = build(mail("[PATCH v2 1/2] f: change", "Sender <s@x.org>", &body));
        assert_eq!(p.author.email, "real@x.org");
        assert_eq!(p.author_source, AuthorSource::InBody);
        assert_eq!(
            p.date.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-10-01T10:00:00+02:00")
        );
        assert_eq!(
            p.message,
            "f: change\n\nBody line.\n\nSigned-off-by: Real Author <real@x.org>\n"
        );
        assert_eq!(p.trailer_start, 4);
        assert_eq!(p.trailers.len(), 1);
        assert_eq!(p.notes, " f | 2 +-\n\n");
        assert_eq!(p.diff.len(), 1);
        assert_eq!((p.insertions(), p.deletions()), (1, 1));
        assert!(p.patch_id().is_some());
        assert!(p.problems().next().is_none());
        assert_eq!(p.subject.version, 2);
    }

    #[test]
    fn inbody_headers_ignored_without_patch() {
        let p = build(mail(
            "Re: [PATCH] x",
            "Rev <r@x.org>",
            "From: Other <o@x.org>\n\nLooks good.\n\nAcked-by: Rev <r@x.org>\n",
        ));
        assert_eq!(p.author.email, "r@x.org");
        assert_eq!(p.message, "x\n\nLooks good.\n\nAcked-by: Rev <r@x.org>\n");
        assert!(p.diff.is_empty());
        assert_eq!(p.patch_id(), None);
    }

    #[test]
    fn inbody_subject_and_folding() {
        let body = format!("Subject: [PATCH] real\n  title\n\nText\n---\n{DIFF}");
        let p = build(mail("[PATCH 3/4] wrong", "A <a@x>", &body));
        assert_eq!(p.subject.title, "real title");
        assert_eq!(p.subject.index, Some(3));
        assert!(p.message.starts_with("real title\n\nText\n"));
    }

    #[test]
    fn key_fallbacks() {
        let mut m = mail("s", "A <a@x>", "b");
        m.origin.source = "box.mbox".into();
        m.origin.index = 7;
        assert_eq!(build(m.clone()).key, "box.mbox#7");
        m.commit = Some("abc".into());
        assert_eq!(build(m.clone()).key, "abc");
        m.message_id = Some("id@x".into());
        assert_eq!(build(m).key, "id@x");
    }

    #[test]
    fn diff_without_separator_and_problems() {
        let mut m = mail(
            "[PATCH] x",
            "A <a@x>",
            "Msg\n\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n",
        );
        m.format_flowed = true;
        let p = build(m);
        assert_eq!(p.notes, "");
        assert_eq!(p.message, "x\n\nMsg\n");
        assert_eq!(
            p.problems().count(),
            2,
            "{:?}",
            p.problems().collect::<Vec<_>>()
        );
    }

    #[test]
    fn odd_bodies_do_not_panic() {
        for body in [
            "",
            "\n",
            "From:",
            "From: \n \n",
            ">From x",
            "[PATCH] \n",
            "---",
            "---\n",
            "Subject:\n\tx",
            "\u{e9}\n---\n\u{e9}",
        ] {
            let _ = build(mail("", "", body));
        }
    }

    #[test]
    fn replies_that_carry_a_patch() {
        for body in [
            "From: A U Thor <a@example.com>\nSubject: [PATCH] x\n\nWhy.\n",
            "[PATCH] x\n\nWhy.\n",
            "Like this?\n\n-- >8 --\nSubject: x\n\nWhy.\n",
            "Like this?\n\n----- 8< -----\nWhy.\n",
        ] {
            assert!(carries_patch(body), "{body}");
        }
        for body in [
            "> From: A U Thor <a@example.com>\nLooks good.\n",
            "Looks good. The --> arrow and 8< are fine.\n",
            "Thanks!\n---\n-- >8 --\n",
        ] {
            assert!(!carries_patch(body), "{body}");
        }
        assert!(is_scissors_line("-- >8 --"));
        assert!(is_scissors_line(
            "------------------------ >8 ------------------------"
        ));
        assert!(!is_scissors_line("a >8 b"));
        assert!(!is_scissors_line("-- >8"));
    }
}
