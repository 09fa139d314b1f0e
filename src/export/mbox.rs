//! Writing mail: one message built with `mail-builder` (which encodes non-ASCII headers by
//! RFC 2047), framed into an mboxrd file (`From ` separator lines, body lines matching
//! `>*From ` get one more `>`), and the file written atomically — a temporary file in the
//! same directory, fsync, rename — and refused when it exists unless forced.

use crate::mail::Address;
use crate::{Error, Result};
use chrono::{DateTime, FixedOffset};
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address as BuilderAddress;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::MimePart;
use std::path::Path;

/// A message to write: plain UTF-8 text, sent 8bit as `git format-patch` and
/// `git send-email` do.
#[derive(Debug, Clone, Default)]
pub struct Outgoing {
    pub from: Address,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub subject: String,
    pub date: Option<DateTime<FixedOffset>>,
    /// Without angle brackets.
    pub message_id: String,
    /// Without angle brackets.
    pub in_reply_to: Option<String>,
    /// Oldest first, without angle brackets.
    pub references: Vec<String>,
    /// Extra headers (ASCII values), written after the standard ones.
    pub extra_headers: Vec<(String, String)>,
    /// The text; lines end in `\n`.
    pub body: String,
}

fn builder_address(address: &Address) -> BuilderAddress<'_> {
    let name = (!address.name.is_empty()).then_some(address.name.as_str());
    BuilderAddress::new_address(name, address.email.as_str())
}

fn address_list(addresses: &[Address]) -> BuilderAddress<'_> {
    BuilderAddress::new_list(addresses.iter().map(builder_address).collect())
}

/// Builds one message (RFC 5322, LF line endings) without mbox framing.
pub fn build_message(mail: &Outgoing) -> Result<Vec<u8>> {
    let mut builder = MessageBuilder::new()
        .from(builder_address(&mail.from))
        .subject(mail.subject.as_str())
        .message_id(MessageId::new(mail.message_id.as_str()));
    if !mail.to.is_empty() {
        builder = builder.to(address_list(&mail.to));
    }
    if !mail.cc.is_empty() {
        builder = builder.cc(address_list(&mail.cc));
    }
    if let Some(date) = mail.date {
        builder = builder.header("Date", Raw::new(date.to_rfc2822()));
    }
    if let Some(parent) = &mail.in_reply_to {
        builder = builder.in_reply_to(MessageId::new(parent.as_str()));
    }
    if !mail.references.is_empty() {
        builder = builder.references(MessageId::new_list(
            mail.references.iter().map(String::as_str),
        ));
    }
    for (name, value) in &mail.extra_headers {
        builder = builder.header(name.as_str(), Raw::new(value.as_str()));
    }
    let body = if mail.body.ends_with('\n') || mail.body.is_empty() {
        mail.body.clone()
    } else {
        format!("{}\n", mail.body)
    };
    // The part's two headers are fixed ASCII; the text goes out 8bit, as git writes patches.
    builder = builder.body(MimePart::raw(format!(
        "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}"
    )));
    let bytes = builder
        .write_to_vec()
        .map_err(|e| Error::io("message being built", e))?;
    Ok(unquote_encoded_names(&crlf_to_lf(&bytes)))
}

/// mail-builder writes an encoded display name inside quotes (`"=?utf-8?B?…?=" <a@b>`), but
/// RFC 2047 (section 5) forbids an encoded word in a quoted string and strict readers show
/// it raw. In the address headers, a quoted string made only of encoded words loses its
/// quotes; every other quoted name is kept as written.
fn unquote_encoded_names(message: &[u8]) -> Vec<u8> {
    use regex::bytes::Regex;
    use std::sync::OnceLock;
    static QUOTED_WORDS: OnceLock<Regex> = OnceLock::new();
    let quoted = QUOTED_WORDS.get_or_init(|| {
        let word = r"=\?[A-Za-z0-9_-]+\?[BbQq]\?[^?\s\x22]*\?=";
        Regex::new(&format!(r#""({word}(?:\s+{word})*)""#)).expect("a valid pattern")
    });
    let end = memchr::memmem::find(message, b"\n\n").map_or(message.len(), |i| i + 1);
    let (head, body) = message.split_at(end);
    let mut out = Vec::with_capacity(message.len());
    let mut in_address = false;
    for line in head.split_inclusive(|&b| b == b'\n') {
        if !line.starts_with(b" ") && !line.starts_with(b"\t") {
            let lower = line.to_ascii_lowercase();
            in_address = [&b"from:"[..], b"to:", b"cc:", b"reply-to:"]
                .iter()
                .any(|h| lower.starts_with(h));
        }
        if in_address {
            out.extend_from_slice(&quoted.replace_all(line, &b"$1"[..]));
        } else {
            out.extend_from_slice(line);
        }
    }
    out.extend_from_slice(body);
    out
}

fn crlf_to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// The separator line of every message: public-inbox's, which marks the file as mboxrd.
pub const SEPARATOR: &[u8] = b"From mboxrd@z Thu Jan  1 00:00:00 1970\n";

/// True for a line mboxrd escapes: `From ` after zero or more `>`.
fn needs_escape(line: &[u8]) -> bool {
    let rest = line
        .iter()
        .position(|&b| b != b'>')
        .map_or(&[][..], |i| &line[i..]);
    rest.starts_with(b"From ")
}

/// An mboxrd file being put together in memory.
#[derive(Debug, Default)]
pub struct Mbox {
    bytes: Vec<u8>,
    count: usize,
}

impl Mbox {
    /// An empty mbox.
    pub fn new() -> Mbox {
        Mbox::default()
    }

    /// Appends one message (as [`build_message`] makes it): the `From mboxrd@z ...` line
    /// public-inbox writes (which tells readers, the project's parser among them, that
    /// `>From ` lines are escaped), the message with `>*From ` lines escaped, a blank line.
    pub fn push(&mut self, message: &[u8]) {
        self.bytes.extend_from_slice(SEPARATOR);
        for line in message.split_inclusive(|&b| b == b'\n') {
            if needs_escape(line) {
                self.bytes.push(b'>');
            }
            self.bytes.extend_from_slice(line);
        }
        if !message.ends_with(b"\n") {
            self.bytes.push(b'\n');
        }
        self.bytes.push(b'\n');
        self.count += 1;
    }

    /// Builds and appends an [`Outgoing`] message.
    pub fn push_outgoing(&mut self, mail: &Outgoing) -> Result<()> {
        let bytes = build_message(mail)?;
        self.push(&bytes);
        Ok(())
    }

    /// Number of messages.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when no message was added.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The file's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Refuses an output path that exists unless `force` (checked before any work is done).
pub fn check_output(path: &Path, force: bool) -> Result<()> {
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(Error::Usage(format!(
            "{}: exists; choose another --out or pass --force to replace it",
            path.display()
        )));
    }
    if path.is_dir() {
        return Err(Error::Usage(format!("{}: is a directory", path.display())));
    }
    Ok(())
}

/// Writes an export to `path` atomically ([`crate::fsutil::write_atomic`]), refusing an
/// existing file unless `force` (checked first, and again when the file is put in place).
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    use crate::fsutil::{Existing, write_atomic};
    check_output(path, force)?;
    let existing = if force {
        Existing::Replace
    } else {
        Existing::Keep
    };
    write_atomic(path, bytes, existing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Outgoing {
        Outgoing {
            from: Address {
                name: "Zoë Ångström".into(),
                email: "zoe@example.org".into(),
            },
            to: vec![Address {
                name: "Mara Quint".into(),
                email: "mara@example.org".into(),
            }],
            cc: vec![Address {
                name: String::new(),
                email: "list@example.org".into(),
            }],
            subject: "Re: [PATCH] uart: fix naïve FIFO".into(),
            date: DateTime::parse_from_rfc2822("Fri, 20 Nov 2026 10:12:00 +0100").ok(),
            message_id: "r1@example.org".into(),
            in_reply_to: Some("p1@example.org".into()),
            references: vec!["c@example.org".into(), "p1@example.org".into()],
            extra_headers: vec![],
            body: "From the start\n>From here\nplain\n".into(),
        }
    }

    #[test]
    fn message_has_encoded_headers_and_8bit_text() {
        let bytes = build_message(&sample()).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.contains('\r'));
        assert!(text.contains("Subject: =?utf-8?"), "{text}");
        assert!(!text.contains("Zoë"), "names are encoded: {text}");
        assert!(text.contains("In-Reply-To: <p1@example.org>"));
        assert!(text.contains("References: <c@example.org> <p1@example.org>"));
        assert!(text.contains("Message-ID: <r1@example.org>"));
        assert!(text.contains("Date: Fri, 20 Nov 2026 10:12:00 +0100"));
        assert!(text.contains("MIME-Version: 1.0"));
        assert!(
            text.contains("\nContent-Type: text/plain; charset=UTF-8\n"),
            "{text}"
        );
        assert!(text.contains("Content-Transfer-Encoding: 8bit"));
        // The parser the project reads mail with decodes it back.
        let parsed = mail_parser::MessageParser::default()
            .parse(text.as_bytes())
            .unwrap();
        assert_eq!(parsed.subject(), Some("Re: [PATCH] uart: fix naïve FIFO"));
        let from = parsed.from().and_then(|a| a.first()).unwrap();
        assert_eq!(from.name(), Some("Zoë Ångström"));
        // RFC 2047: an encoded word is never inside a quoted string.
        let from_line = text.lines().find(|l| l.starts_with("From:")).unwrap();
        assert!(from_line.starts_with("From: =?utf-8?"), "{from_line}");
        assert!(!from_line.contains('"'), "{from_line}");
        assert_eq!(
            parsed.body_text(0).as_deref(),
            Some("From the start\n>From here\nplain\n")
        );
    }

    #[test]
    fn encoded_names_are_unquoted_in_lists_and_plain_quoted_names_kept() {
        let mut mail = sample();
        let long = "Åsa Öberg-Łukasiewicz von Ünterwalden zu Großßtädten und Ämter";
        mail.to = vec![
            Address {
                name: "Quint, Mara".into(),
                email: "mara@example.org".into(),
            },
            Address {
                name: long.into(),
                email: "asa@example.org".into(),
            },
        ];
        let text = String::from_utf8(build_message(&mail).unwrap()).unwrap();
        let head = &text[..text.find("\n\n").unwrap()];
        assert!(
            head.contains("\"Quint, Mara\" <mara@example.org>"),
            "{head}"
        );
        assert!(!head.contains("\"=?"), "{head}");
        assert!(!head.contains("?=\""), "{head}");
        let parsed = mail_parser::MessageParser::default()
            .parse(text.as_bytes())
            .unwrap();
        let names: Vec<Option<&str>> = parsed.to().unwrap().iter().map(|a| a.name()).collect();
        assert_eq!(names, vec![Some("Quint, Mara"), Some(long)]);
    }

    #[test]
    fn mboxrd_escapes_from_lines_at_any_depth() {
        let mut mbox = Mbox::new();
        mbox.push_outgoing(&sample()).unwrap();
        mbox.push(b"Subject: x\n\nbody");
        assert_eq!(mbox.len(), 2);
        let text = String::from_utf8(mbox.as_bytes().to_vec()).unwrap();
        assert!(
            text.starts_with("From mboxrd@z Thu Jan  1 00:00:00 1970\n"),
            "{text}"
        );
        assert!(
            text.contains("\n>From the start\n>>From here\nplain\n"),
            "{text}"
        );
        assert!(text.ends_with("body\n\n"));
        let separators = text.lines().filter(|l| l.starts_with("From ")).count();
        assert_eq!(separators, 2);
    }

    #[test]
    fn atomic_write_refuses_existing_files_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.mbox");
        write_atomic(&path, b"one", false).unwrap();
        let err = write_atomic(&path, b"two", false).unwrap_err().to_string();
        assert!(err.contains("--force"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_atomic(&path, b"two", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left behind");
    }

    #[test]
    fn atomic_write_into_a_missing_directory_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope/out.mbox");
        assert!(write_atomic(&path, b"x", false).is_err());
        assert!(!path.exists());
    }
}
