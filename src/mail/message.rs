//! Decoding one raw message into a [`super::Message`].
//!
//! The RFC work is done by `mail-parser`; this module decides what the body is. The body is
//! the text `git mailinfo` reads, so that the patch stage can reproduce what `git am` does:
//!
//! - a single-part message: its decoded text;
//! - a multipart message: every leaf part in MIME order, each decoded (transfer encoding and
//!   charset), one after the other, with a `\n` where a multipart ends (git emits that
//!   newline at each closing boundary). So a description in the first part and the diff in a
//!   `text/x-patch` / `text/x-diff` attachment both land in the body, in that order, as they do
//!   for `git am`. Two deliberate differences from git: of a `multipart/alternative` only the
//!   `text/plain` alternative is kept (git would pour the HTML in too), and parts that are not
//!   text and not valid UTF-8 (images, archives) are left out with a warning;
//! - CRLF line ends become LF.
//!
//! Invalid UTF-8 is replaced (U+FFFD) with a warning; an unknown charset is read as UTF-8 with
//! a warning. A `format=flowed` part is unflowed as `git mailinfo` unflows it (soft line
//! breaks joined, `delsp=yes` honoured) and sets [`Message::format_flowed`] and a warning: the
//! sender's client may have rewrapped the lines, so a patch in it may not apply.

use super::{Address, Message, Origin};
use crate::text::SharedText;
use crate::{Error, Result};
use chrono::{DateTime, FixedOffset};
use mail_parser::{HeaderName, HeaderValue, MessageParser, MessagePart, MimeHeaders, PartType};
use std::sync::OnceLock;

/// The one header patchdesk reads that mail-parser does not know.
const X_ORIGINAL_FROM: &str = "X-Original-From";

fn parser() -> &'static MessageParser {
    static PARSER: OnceLock<MessageParser> = OnceLock::new();
    PARSER.get_or_init(|| {
        MessageParser::new()
            .with_mime_headers()
            .with_date_headers()
            .with_address_headers()
            .with_message_ids()
            .header_text(HeaderName::Subject)
            .header_text(HeaderName::Comments)
            .header_address(HeaderName::Other(X_ORIGINAL_FROM.into()))
            .default_header_text()
    })
}

/// Decodes one raw RFC 5322 message.
///
/// Fails with [`Error::BadMessage`] (naming `origin`) when the input has no header at all.
pub fn parse_message(raw: &[u8], origin: Origin) -> Result<Message> {
    parse_with(raw, origin, |body| SharedText::from(body))
}

/// [`parse_message`] of a message that is a shared text (a slice of a UTF-8 file): a plain
/// body is a slice of it, not a copy.
pub fn parse_message_shared(text: &SharedText, origin: Origin) -> Result<Message> {
    parse_with(text.as_bytes(), origin, |body| text.subslice(body))
}

/// The body of a message in the fast path is `share(body text)`.
fn parse_with(
    raw: &[u8],
    origin: Origin,
    share: impl FnOnce(&str) -> SharedText,
) -> Result<Message> {
    // Most patches are one plain UTF-8 part with no transfer encoding: their body is the raw
    // bytes after the header block, which `std::str::from_utf8` validates several times
    // faster than the general MIME walk. Anything else takes the general path.
    let (stripped, separator_commit) = strip_separator(raw);
    if starts_with_header(stripped)
        && let Some(parsed) = parser().parse_headers(stripped)
        && let Some(root) = parsed.parts.first()
        && let Some(body) = plain_utf8_body(stripped, root)
    {
        let mut message = Message {
            origin,
            commit: separator_commit,
            ..Message::default()
        };
        read_headers(stripped, root, &mut message);
        message.body = if body.contains('\r') {
            body.replace("\r\n", "\n").into()
        } else {
            share(body)
        };
        return Ok(message);
    }
    parse_message_general(raw, origin)
}

/// [`parse_message`] without its fast path for plain UTF-8 bodies: every message through the
/// MIME walk. Public for the tests that check both paths agree.
#[doc(hidden)]
pub fn parse_message_general(raw: &[u8], origin: Origin) -> Result<Message> {
    let bad = |what: &str| Error::BadMessage {
        source_name: origin.source.clone(),
        index: origin.index,
        offset: origin.offset,
        what: what.to_string(),
    };
    let (raw, separator_commit) = strip_separator(raw);
    if !starts_with_header(raw) {
        return Err(bad("not a mail message (no header lines)"));
    }
    let parsed = parser()
        .parse(raw)
        .ok_or_else(|| bad("not a mail message (no header lines)"))?;
    let Some(root) = parsed.parts.first() else {
        return Err(bad("not a mail message (no header lines)"));
    };

    let mut message = Message {
        origin,
        commit: separator_commit,
        ..Message::default()
    };
    read_headers(raw, root, &mut message);

    let mut body = BodyBuilder::default();
    body.collect(&parsed, 0, 0, false);
    message.format_flowed = body.flowed;
    message.warnings.extend(body.warnings);
    if message.format_flowed {
        message.warnings.push(
            "sent format=flowed: lines may have been rewrapped, the patch may not apply".into(),
        );
    }
    message.body = if body.text.contains('\r') {
        body.text.replace("\r\n", "\n").into()
    } else {
        body.text.into()
    };
    Ok(message)
}

/// Decodes only the headers of one raw message (the body is left empty): what a list of
/// subjects and authors needs, several times faster than [`parse_message`].
pub fn parse_headers(raw: &[u8], origin: Origin) -> Result<Message> {
    let bad = || Error::BadMessage {
        source_name: origin.source.clone(),
        index: origin.index,
        offset: origin.offset,
        what: "not a mail message (no header lines)".to_string(),
    };
    let (raw, separator_commit) = strip_separator(raw);
    if !starts_with_header(raw) {
        return Err(bad());
    }
    let parsed = parser().parse_headers(raw).ok_or_else(bad)?;
    let Some(root) = parsed.parts.first() else {
        return Err(bad());
    };
    let mut message = Message {
        origin,
        commit: separator_commit,
        ..Message::default()
    };
    read_headers(raw, root, &mut message);
    Ok(message)
}

/// The body of a message that is one `text/plain` part, UTF-8 or ASCII, not flowed, with no
/// transfer encoding (`7bit`, `8bit` or none), when its bytes are valid UTF-8: the bytes after
/// the blank line that ends the headers, exactly as mail-parser delimits them.
fn plain_utf8_body<'a>(raw: &'a [u8], root: &MessagePart<'_>) -> Option<&'a str> {
    let mut body_start = None;
    for header in &root.headers {
        match &header.name {
            HeaderName::ContentType => {
                let ct = header.value.as_content_type()?;
                let plain = ct.ctype().eq_ignore_ascii_case("text")
                    && ct.subtype().is_none_or(|s| s.eq_ignore_ascii_case("plain"));
                let utf8 = ct.attribute("charset").is_none_or(|c| {
                    ["utf-8", "utf8", "us-ascii", "ascii"]
                        .iter()
                        .any(|known| c.eq_ignore_ascii_case(known))
                });
                let flowed = ct
                    .attribute("format")
                    .is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
                if !plain || !utf8 || flowed {
                    return None;
                }
            }
            HeaderName::ContentTransferEncoding => {
                let encoding = header.value.as_text()?.trim();
                if !["7bit", "8bit", "binary"]
                    .iter()
                    .any(|e| encoding.eq_ignore_ascii_case(e))
                {
                    return None;
                }
            }
            _ => {}
        }
        body_start = Some(header.offset_end as usize);
    }
    // After the last header: white space up to the empty line's `\n`, nothing else.
    let mut at = body_start?;
    loop {
        match raw.get(at)? {
            b'\n' => break,
            b if b.is_ascii_whitespace() => at += 1,
            _ => return None,
        }
    }
    std::str::from_utf8(raw.get(at + 1..)?).ok()
}

/// Drops a leading mbox separator line (`From <sha> Mon Sep 17 ...`, as a `git mailsplit`
/// output file or a maildir file may start with), returning the commit it names.
fn strip_separator(raw: &[u8]) -> (&[u8], Option<String>) {
    let end = memchr::memchr(b'\n', raw).map_or(raw.len(), |i| i + 1);
    let first = &raw[..end];
    if super::mbox::is_from_line(first) {
        (&raw[end..], super::mbox::format_patch_commit(first))
    } else {
        (raw, None)
    }
}

/// True when the first non-blank line is a header line (`Name: value`, RFC 5322 field name).
fn starts_with_header(raw: &[u8]) -> bool {
    let start = raw
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(raw.len());
    let line = &raw[start..];
    let name_len = line
        .iter()
        .take_while(|&&b| (33..=126).contains(&b) && b != b':')
        .count();
    name_len > 0 && line.get(name_len) == Some(&b':')
}

/// Fills the header fields of `message` from the root part's headers.
fn read_headers(raw: &[u8], root: &MessagePart<'_>, message: &mut Message) {
    let mut pairs = Vec::with_capacity(root.headers.len());
    for header in &root.headers {
        let value = match header.name {
            // As mailinfo reads them: the raw text with its encoded words decoded, so the
            // comments and quotes of an address and the spacing of a subject survive.
            HeaderName::From | HeaderName::Subject => decode_words(&raw_value(raw, header)),
            _ => render_value(raw, header),
        };
        if value.contains('\u{fffd}') {
            message
                .warnings
                .push(format!("header {}: invalid bytes replaced", header.name()));
        }
        match &header.name {
            HeaderName::MessageId if message.message_id.is_none() => {
                message.message_id = first_id(&header.value);
            }
            HeaderName::InReplyTo if message.in_reply_to.is_none() => {
                message.in_reply_to = first_id(&header.value);
            }
            HeaderName::References => message.references.extend(all_ids(&header.value)),
            HeaderName::From if message.from.is_none() => {
                message.from = first_address(&header.value);
            }
            HeaderName::ReplyTo if message.reply_to.is_none() => {
                message.reply_to = first_address(&header.value);
            }
            HeaderName::Other(name)
                if name.eq_ignore_ascii_case(X_ORIGINAL_FROM)
                    && message.x_original_from.is_none() =>
            {
                message.x_original_from = first_address(&header.value);
            }
            HeaderName::To => message.to.extend(all_addresses(&header.value)),
            HeaderName::Cc => message.cc.extend(all_addresses(&header.value)),
            HeaderName::Subject if message.subject.is_empty() => message.subject = value.clone(),
            HeaderName::Date if message.date.is_none() => {
                message.date = header.value.as_datetime().and_then(to_chrono);
                if message.date.is_none() {
                    message.warnings.push(format!("unreadable Date: {value}"));
                }
            }
            _ => {}
        }
        pairs.push((header.name(), value));
    }
    message.headers = pairs.into_iter().collect();
}

/// A header's value as one line of text: decoded words, unfolded.
fn render_value(raw: &[u8], header: &mail_parser::Header<'_>) -> String {
    match &header.value {
        HeaderValue::Text(text) => text.to_string(),
        HeaderValue::TextList(list) if is_id_header(&header.name) => list
            .iter()
            .map(|id| format!("<{id}>"))
            .collect::<Vec<_>>()
            .join(" "),
        HeaderValue::TextList(list) => list.join(", "),
        HeaderValue::Address(address) => address
            .iter()
            .map(|a| to_address(a).display())
            .collect::<Vec<_>>()
            .join(", "),
        HeaderValue::DateTime(date) => date.to_rfc822(),
        HeaderValue::ContentType(_) | HeaderValue::Received(_) | HeaderValue::Empty => {
            raw_value(raw, header)
        }
    }
}

/// RFC 2047 encoded words decoded wherever they stand, as mailinfo's `decode_header` does:
/// whitespace between two encoded words is dropped, everything else is kept as written; a
/// word that does not decode stays as it is.
pub fn decode_words(text: &str) -> String {
    if !text.contains("=?") {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut pending_space = String::new();
    let mut after_word = false;
    while i < bytes.len() {
        if bytes[i] == b'=' && bytes.get(i + 1) == Some(&b'?') {
            let mut stream = mail_parser::parsers::MessageStream::new(&bytes[i + 1..]);
            if let Some(decoded) = stream.decode_rfc2047() {
                if !after_word {
                    out.push_str(&pending_space);
                }
                pending_space.clear();
                out.push_str(&decoded);
                i += 1 + stream.offset();
                after_word = true;
                continue;
            }
        }
        let ch_len = text[i..].chars().next().map_or(1, char::len_utf8);
        let ch = &text[i..i + ch_len];
        if ch.chars().all(char::is_whitespace) {
            pending_space.push_str(ch);
        } else {
            out.push_str(&pending_space);
            pending_space.clear();
            out.push_str(ch);
            after_word = false;
        }
        i += ch_len;
    }
    out.push_str(&pending_space);
    out
}

fn is_id_header(name: &HeaderName<'_>) -> bool {
    matches!(
        name,
        HeaderName::MessageId
            | HeaderName::InReplyTo
            | HeaderName::References
            | HeaderName::ResentMessageId
    )
}

/// The raw bytes of a header's value, unfolded and trimmed.
fn raw_value(raw: &[u8], header: &mail_parser::Header<'_>) -> String {
    let bytes = raw
        .get(header.offset_start as usize..header.offset_end as usize)
        .unwrap_or_default();
    let text = String::from_utf8_lossy(bytes);
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn first_id(value: &HeaderValue<'_>) -> Option<String> {
    all_ids(value).into_iter().next()
}

fn all_ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![strip_brackets(id)],
        HeaderValue::TextList(ids) => ids.iter().map(|id| strip_brackets(id)).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|id| !id.is_empty())
    .collect()
}

fn strip_brackets(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string()
}

fn first_address(value: &HeaderValue<'_>) -> Option<Address> {
    value.as_address()?.first().map(to_address)
}

fn all_addresses(value: &HeaderValue<'_>) -> Vec<Address> {
    value
        .as_address()
        .map(|a| a.iter().map(to_address).collect())
        .unwrap_or_default()
}

fn to_address(addr: &mail_parser::Addr<'_>) -> Address {
    Address {
        name: addr.name().unwrap_or_default().trim().to_string(),
        email: addr.address().unwrap_or_default().trim().to_string(),
    }
}

fn to_chrono(date: &mail_parser::DateTime) -> Option<DateTime<FixedOffset>> {
    if !date.is_valid() {
        return None;
    }
    DateTime::parse_from_rfc3339(&date.to_rfc3339()).ok()
}

/// Walks the MIME tree the way `git mailinfo` reads it and gathers the body text.
#[derive(Default)]
struct BodyBuilder {
    text: String,
    flowed: bool,
    warnings: Vec<String>,
}

/// Deep enough for any real message; deeper nesting is ignored rather than recursed into.
const MAX_DEPTH: usize = 32;

impl BodyBuilder {
    /// Appends part `part_id`; `in_multipart` says a MIME delimiter follows it, whose leading
    /// line end git keeps as the part's last newline (unless the part is base64, where line
    /// ends are not content).
    fn collect(
        &mut self,
        message: &mail_parser::Message<'_>,
        part_id: usize,
        depth: usize,
        in_multipart: bool,
    ) {
        let Some(part) = message.parts.get(part_id) else {
            return;
        };
        if depth > MAX_DEPTH {
            self.warnings.push("MIME parts nested too deep".into());
            return;
        }
        let content_type = part.content_type();
        match &part.body {
            PartType::Multipart(children) => {
                let alternative = content_type.is_some_and(|ct| {
                    ct.subtype()
                        .is_some_and(|s| s.eq_ignore_ascii_case("alternative"))
                });
                if alternative {
                    let chosen = children
                        .iter()
                        .find(|&&c| is_plain_text(message, c as usize))
                        .or(children.first());
                    if let Some(&child) = chosen {
                        self.collect(message, child as usize, depth + 1, true);
                    }
                } else {
                    for &child in children {
                        self.collect(message, child as usize, depth + 1, true);
                    }
                }
                self.text.push('\n');
            }
            PartType::Text(text) | PartType::Html(text) => {
                self.note_charset(part);
                // Text borrowed from the raw bytes was valid UTF-8 as it stood; only decoded
                // (owned) text can hold replacements made while decoding.
                let decoded = matches!(text, std::borrow::Cow::Owned(_));
                if decoded && text.contains('\u{fffd}') && !raw_has_replacement(message, part) {
                    self.warnings
                        .push("invalid UTF-8 in the body replaced with U+FFFD".into());
                }
                let attribute_is = |name: &str, value: &str| {
                    content_type.is_some_and(|ct| {
                        ct.attribute(name)
                            .is_some_and(|v| v.eq_ignore_ascii_case(value))
                    })
                };
                if attribute_is("format", "flowed") {
                    self.flowed = true;
                    unflow(text, attribute_is("delsp", "yes"), &mut self.text);
                } else {
                    self.text.push_str(text);
                }
            }
            PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
                match std::str::from_utf8(bytes) {
                    Ok(text) => self.text.push_str(text),
                    Err(_) => self.warnings.push(format!(
                        "binary attachment ({}) left out of the body",
                        content_type
                            .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")))
                            .unwrap_or_else(|| "no type".into())
                    )),
                }
            }
            PartType::Message(nested) => {
                // git reads a forwarded message as text, headers included. Unencoded, the
                // nested message is the part's slice of the outer message; encoded, it is
                // its own decoded buffer.
                let raw = if part.encoding == mail_parser::Encoding::None {
                    message
                        .raw_message()
                        .get(part.offset_body as usize..part.offset_end as usize)
                        .unwrap_or_default()
                } else {
                    nested.raw_message()
                };
                self.text.push_str(&String::from_utf8_lossy(raw));
            }
        }
        let is_leaf = !matches!(part.body, PartType::Multipart(_));
        if in_multipart && is_leaf && part.encoding != mail_parser::Encoding::Base64 {
            self.text.push('\n');
        }
    }

    /// Warns about a charset mail-parser cannot decode (it then reads the bytes as UTF-8).
    fn note_charset(&mut self, part: &MessagePart<'_>) {
        let Some(charset) = part.content_type().and_then(|ct| ct.attribute("charset")) else {
            return;
        };
        let known_utf8 = ["utf-8", "utf8", "us-ascii", "ascii"]
            .iter()
            .any(|c| charset.eq_ignore_ascii_case(c));
        if !known_utf8
            && mail_parser::decoders::charsets::map::charset_decoder(charset.as_bytes()).is_none()
        {
            self.warnings
                .push(format!("unknown charset {charset:?}, read as UTF-8"));
        }
    }
}

/// Joins `format=flowed` lines (RFC 3676) exactly as `git mailinfo` does: a line ending in a
/// space continues on the next (the space dropped with `delsp=yes`), a leading space is
/// unstuffed, and the signature separator `-- ` is kept as it is.
fn unflow(text: &str, delsp: bool, out: &mut String) {
    let mut pending = String::new();
    for line in text.split_inclusive('\n') {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let content = content.strip_suffix('\r').unwrap_or(content);
        let ending = &line[content.len()..];
        if content == "-- " {
            out.push_str(&pending);
            pending.clear();
            out.push_str(line);
            continue;
        }
        let content = content.strip_prefix(' ').unwrap_or(content);
        if content.ends_with(' ') {
            let keep = if delsp {
                content.len() - 1
            } else {
                content.len()
            };
            pending.push_str(&content[..keep]);
            continue;
        }
        out.push_str(&pending);
        pending.clear();
        out.push_str(content);
        out.push_str(ending);
    }
    out.push_str(&pending);
}

fn is_plain_text(message: &mail_parser::Message<'_>, part_id: usize) -> bool {
    message.parts.get(part_id).is_some_and(|p| {
        matches!(p.body, PartType::Text(_))
            && p.content_type().is_none_or(|ct| {
                ct.ctype().eq_ignore_ascii_case("text")
                    && ct.subtype().is_none_or(|s| s.eq_ignore_ascii_case("plain"))
            })
    })
}

/// Whether the part's raw bytes already held U+FFFD (then it is content, not a replacement).
fn raw_has_replacement(message: &mail_parser::Message<'_>, part: &MessagePart<'_>) -> bool {
    message
        .raw_message()
        .get(part.offset_body as usize..part.offset_end as usize)
        .is_some_and(|raw| memchr::memmem::find(raw, "\u{fffd}".as_bytes()).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Origin {
        Origin {
            source: "test.mbox".into(),
            index: 3,
            offset: 1234,
            file: None,
        }
    }

    fn parse(raw: &str) -> Message {
        parse_message(raw.as_bytes(), origin()).expect("parses")
    }

    #[test]
    fn plain_format_patch_message() {
        let m = parse(
            "From: Ada Lovelace <ada@example.org>\n\
             Date: Fri, 11 Jul 2025 18:48:29 +0200\n\
             Subject: [PATCH v2 1/3] hw/foo: fix\n the bar\n\
             Message-ID: <abc@example.org>\n\
             In-Reply-To: <root@example.org>\n\
             References: <root@example.org>\n <mid@example.org>\n\
             To: qemu-devel@nongnu.org, Bob <bob@example.org>\n\
             Cc: Carol <carol@example.org>\n\
             X-Mailer: git-send-email 2.47.3\n\
             \n\
             Body line\n\
             ---\n\
             diff --git a/x b/x\n",
        );
        assert_eq!(m.subject, "[PATCH v2 1/3] hw/foo: fix the bar");
        assert_eq!(
            m.from,
            Some(Address {
                name: "Ada Lovelace".into(),
                email: "ada@example.org".into()
            })
        );
        assert_eq!(m.message_id.as_deref(), Some("abc@example.org"));
        assert_eq!(m.in_reply_to.as_deref(), Some("root@example.org"));
        assert_eq!(m.references, vec!["root@example.org", "mid@example.org"]);
        assert_eq!(m.to.len(), 2);
        assert_eq!(m.to[1].email, "bob@example.org");
        assert_eq!(m.cc[0].name, "Carol");
        assert_eq!(
            m.date.map(|d| d.to_rfc3339()).as_deref(),
            Some("2025-07-11T18:48:29+02:00")
        );
        assert_eq!(m.body, "Body line\n---\ndiff --git a/x b/x\n");
        assert_eq!(m.header("x-mailer"), Some("git-send-email 2.47.3"));
        assert_eq!(
            m.header("References"),
            Some("<root@example.org> <mid@example.org>")
        );
        assert!(m.warnings.is_empty(), "{:?}", m.warnings);
        assert!(!m.format_flowed);
        assert_eq!(m.origin.index, 3);
    }

    #[test]
    fn from_keeps_comments_and_decodes_words_as_mailinfo() {
        let m = parse(
            "From: A (zzz) U Thor <a@example.com> (Comment)\nSubject: (=?ISO-8859-1?Q?a?=   =?ISO-8859-1?Q?b?=) x\n\nbody\n",
        );
        assert_eq!(
            m.header("From"),
            Some("A (zzz) U Thor <a@example.com> (Comment)")
        );
        assert_eq!(m.subject, "(ab) x");
        assert_eq!(
            decode_words("=?UTF-8?B?w6k=?= and =?bogus"),
            "é and =?bogus"
        );
        assert_eq!(decode_words("a =?UTF-8?Q?b?= c"), "a b c");
    }

    #[test]
    fn encoded_words_in_several_charsets() {
        let m = parse(
            "From: =?UTF-8?q?Daniel_P=2E_Berrang=C3=A9?= <berrange@example.org>\n\
             Reply-To: =?iso-8859-1?Q?J=F6rg_M=FCller?= <jm@example.org>\n\
             X-Original-From: =?koi8-r?B?8NLJ18XU?= <privet@example.org>\n\
             Subject: =?utf-8?b?W1BBVENIXSDinJMgZG9uZQ==?=\n =?iso-8859-2?q?_=B1?=\n\
             \n\
             body\n",
        );
        assert_eq!(m.from.as_ref().unwrap().name, "Daniel P. Berrangé");
        assert_eq!(m.reply_to.as_ref().unwrap().name, "Jörg Müller");
        assert_eq!(m.x_original_from.as_ref().unwrap().name, "Привет");
        assert_eq!(
            m.x_original_from.as_ref().unwrap().email,
            "privet@example.org"
        );
        assert_eq!(m.subject, "[PATCH] ✓ done ą");
        assert_eq!(
            m.header("X-Original-From"),
            Some("Привет <privet@example.org>")
        );
    }

    #[test]
    fn multibyte_charset_encoded_word() {
        // "日本" in ISO-2022-JP.
        let m =
            parse("From: =?ISO-2022-JP?B?GyRCRnxLXBsoQg==?= <jp@example.org>\nSubject: x\n\nb\n");
        assert_eq!(m.from.unwrap().name, "日本");
    }

    #[test]
    fn quoted_printable_body_in_latin1() {
        let m = parse(
            "From: a@example.org\nSubject: qp\nContent-Type: text/plain; charset=iso-8859-1\n\
             Content-Transfer-Encoding: quoted-printable\n\n\
             Gr=FC=DFe, a long line that was=\n wrapped\n+\tint x =3D 1;\n",
        );
        assert_eq!(
            m.body,
            "Grüße, a long line that was wrapped\n+\tint x = 1;\n"
        );
        assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    }

    #[test]
    fn base64_body_with_crlf() {
        // "line one\r\nline two\r\n"
        let m = parse(
            "From: a@example.org\r\nSubject: b64\r\nContent-Type: text/plain; charset=utf-8\r\n\
             Content-Transfer-Encoding: base64\r\n\r\nbGluZSBvbmUNCmxpbmUgdHdvDQo=\r\n",
        );
        assert_eq!(m.body, "line one\nline two\n");
    }

    #[test]
    fn multipart_with_patch_attachment() {
        let m = parse(
            "From: a@example.org\nSubject: [PATCH] attach\nMIME-Version: 1.0\n\
             Content-Type: multipart/mixed; boundary=\"XX\"\n\n\
             preamble is skipped\n\
             --XX\nContent-Type: text/plain; charset=utf-8\n\n\
             The description.\n\nSigned-off-by: A <a@example.org>\n\
             --XX\nContent-Type: text/x-patch; name=\"fix.patch\"\n\
             Content-Disposition: attachment; filename=\"fix.patch\"\n\
             Content-Transfer-Encoding: base64\n\n\
             LS0tCiBhIHwgMSArCmRpZmYgLS1naXQgYS9hIGIvYQo=\n\
             --XX--\nepilogue\n",
        );
        assert!(
            m.body
                .starts_with("The description.\n\nSigned-off-by: A <a@example.org>\n"),
            "{:?}",
            m.body
        );
        assert!(
            m.body.contains("---\n a | 1 +\ndiff --git a/a b/a\n"),
            "{:?}",
            m.body
        );
        assert!(!m.body.contains("preamble"));
        assert!(!m.body.contains("epilogue"));
    }

    #[test]
    fn alternative_keeps_the_plain_text() {
        let m = parse(
            "From: a@example.org\nSubject: alt\n\
             Content-Type: multipart/alternative; boundary=b\n\n\
             --b\nContent-Type: text/html\n\n<p>html</p>\n\
             --b\nContent-Type: text/plain\n\nplain text\n--b--\n",
        );
        assert!(m.body.contains("plain text"));
        assert!(!m.body.contains("<p>"));
    }

    #[test]
    fn binary_attachment_left_out_with_warning() {
        let m = parse(
            "From: a@example.org\nSubject: img\n\
             Content-Type: multipart/mixed; boundary=b\n\n\
             --b\nContent-Type: text/plain\n\ntext\n\
             --b\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n/wD+\n--b--\n",
        );
        assert!(m.body.starts_with("text"));
        assert!(m.warnings.iter().any(|w| w.contains("image/png")));
    }

    #[test]
    fn format_flowed_detected() {
        let m = parse(
            "From: a@example.org\nSubject: f\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n\
             a soft \nbreak\n",
        );
        assert!(m.format_flowed);
        assert_eq!(m.body, "a soft break\n");
        assert!(m.warnings.iter().any(|w| w.contains("format=flowed")));
    }

    #[test]
    fn format_flowed_is_unflowed_like_git() {
        let mut out = String::new();
        unflow("one \ntwo\n  stuffed\n-- \nsig \n", false, &mut out);
        assert_eq!(out, "one two\n stuffed\n-- \nsig ");
        out.clear();
        unflow("del \nsp\n", true, &mut out);
        assert_eq!(out, "delsp\n");
    }

    #[test]
    fn invalid_utf8_replaced_with_warning() {
        let mut raw = b"From: a@example.org\nSubject: bad\n\nbad \xff\xfe bytes\n".to_vec();
        let m = parse_message(&raw, origin()).unwrap();
        assert!(m.body.contains('\u{fffd}'));
        assert!(m.warnings.iter().any(|w| w.contains("invalid UTF-8")));
        // A real U+FFFD in the text is not a decoding problem.
        raw = "From: a@example.org\nSubject: ok\n\nreal \u{fffd}\n"
            .as_bytes()
            .to_vec();
        let m = parse_message(&raw, origin()).unwrap();
        assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    }

    #[test]
    fn unknown_charset_warns() {
        let m = parse(
            "From: a@example.org\nSubject: u\nContent-Type: text/plain; charset=x-martian\n\nhi\n",
        );
        assert_eq!(m.body, "hi\n");
        assert!(m.warnings.iter().any(|w| w.contains("x-martian")));
    }

    #[test]
    fn not_mail_is_an_error_naming_the_place() {
        let err = parse_message(b"just some text\nwithout headers\n", origin()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("test.mbox"), "{text}");
        assert!(text.contains("message 3"), "{text}");
        assert!(text.contains("byte 1234"), "{text}");
        assert!(parse_message(b"", origin()).is_err());
        assert!(parse_message(b"\n\n", origin()).is_err());
    }

    #[test]
    fn headers_alone_match_the_full_parse() {
        let raw = "From: =?UTF-8?q?Ren=C3=A9?= <r@example.org>\nSubject: [PATCH] x\n\
                   Message-ID: <m@x>\nDate: Fri, 11 Jul 2025 18:48:29 +0200\n\nbody\n";
        let full = parse(raw);
        let headers = parse_headers(raw.as_bytes(), origin()).unwrap();
        assert_eq!(headers.from, full.from);
        assert_eq!(headers.subject, full.subject);
        assert_eq!(headers.date, full.date);
        assert_eq!(headers.headers, full.headers);
        assert_eq!(headers.body, "");
        assert!(parse_headers(b"no headers\n", origin()).is_err());
    }

    #[test]
    fn leading_separator_line_is_dropped_and_names_the_commit() {
        let m = parse(
            "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n\
             From: a@example.org\nSubject: s\n\nb\n",
        );
        assert_eq!(m.subject, "s");
        assert_eq!(
            m.commit.as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
    }

    #[test]
    fn forwarded_message_is_read_as_text_once() {
        let m = parse(
            "From: a@example.org\nSubject: fwd\n\
             Content-Type: multipart/mixed; boundary=b\n\n\
             --b\nContent-Type: text/plain\n\nsee below\n\
             --b\nContent-Type: message/rfc822\n\n\
             From: inner@example.org\nSubject: inner\n\ninner body\n--b--\n",
        );
        assert!(m.body.starts_with("see below\n"), "{:?}", m.body);
        assert!(m.body.contains("Subject: inner"), "{:?}", m.body);
        assert!(m.body.contains("inner body"));
        assert_eq!(m.body.matches("see below").count(), 1, "{:?}", m.body);
    }

    #[test]
    fn deeply_nested_multiparts_do_not_overflow() {
        let mut raw = String::from("From: a@example.org\nSubject: deep\n");
        for level in 0..2000 {
            raw.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=b{level}\n\n--b{level}\n"
            ));
        }
        raw.push_str("Content-Type: text/plain\n\nthe bottom\n");
        let m = parse(&raw);
        assert_eq!(m.subject, "deep");
        assert!(
            m.warnings.iter().any(|w| w.contains("too deep")),
            "{:?}",
            m.warnings
        );
    }

    #[test]
    fn headers_only_message_has_empty_body() {
        let m = parse("Subject: only\nFrom: a@example.org");
        assert_eq!(m.subject, "only");
        assert_eq!(m.body, "");
    }
}
