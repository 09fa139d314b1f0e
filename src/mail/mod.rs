//! Mail: splitting mboxes the way `git mailsplit` does and decoding one message (headers,
//! encodings, MIME parts) into a [`Message`] whose body is the text that carries the patch.
//!
//! The RFC work (RFC 2047 words, quoted-printable, base64, charsets, MIME) is done by the
//! `mail-parser` crate (with its `full_encoding` feature, so CJK charsets decode too); this
//! module walks the MIME parts in the order `git mailinfo` reads them and normalises what git
//! would (CRLF, `format=flowed`), so the patch stage sees the text git sees. See
//! [`message`] for the details and the two deliberate differences from git.

pub mod headers;
pub mod mbox;
pub mod message;

pub use headers::Headers;
pub use message::{parse_headers, parse_message, parse_message_shared};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// Where a message came from, for error messages and for `skipped` in the JSON output.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The source as the user named it (a path, `-`, or `REPO RANGE`).
    pub source: String,
    /// 1-based number of the message within the source.
    pub index: usize,
    /// Byte offset of the message within its file (0 for one-message files).
    pub offset: u64,
    /// The file the message was read from, when that differs from `source` (maildir, dirs).
    pub file: Option<String>,
}

/// A person as a mail header or trailer names them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub struct Address {
    pub name: String,
    pub email: String,
}

impl Address {
    /// `Name <email>`, or just the email when there is no name.
    pub fn display(&self) -> String {
        if self.name.is_empty() {
            self.email.clone()
        } else {
            format!("{} <{}>", self.name, self.email)
        }
    }
}

/// One decoded mail message. It serialises **without its body** (the cache stores the
/// bodies of a source apart, as one text their [`crate::text::SharedText`]s slice).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Message {
    pub origin: Origin,
    /// Message-Id without the angle brackets.
    pub message_id: Option<String>,
    /// In-Reply-To without angle brackets (the first id, if several).
    pub in_reply_to: Option<String>,
    /// References, oldest first, without angle brackets.
    pub references: Vec<String>,
    /// The decoded `From:` header.
    pub from: Option<Address>,
    /// The decoded `Reply-To:` header (DMARC rewrites put the real author here).
    pub reply_to: Option<Address>,
    /// The decoded `X-Original-From:` header (another DMARC trace).
    pub x_original_from: Option<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    /// The decoded, unfolded `Subject:` header, exactly as sent (with its `[PATCH ...]`).
    pub subject: String,
    pub date: Option<DateTime<FixedOffset>>,
    /// The commit id a `git format-patch` separator line (`From <sha> Mon Sep 17 ...`) names.
    pub commit: Option<String>,
    /// The text that carries the patch: the inline text part, or a `text/x-patch` /
    /// `text/x-diff` attachment; decoded to UTF-8 with CRLF turned into LF. For a multipart
    /// message, every text part in MIME order (as `git mailinfo` reads them), so a
    /// description part followed by a diff attachment gives both; `format=flowed` text is
    /// unflowed as git does.
    #[serde(skip)]
    pub body: crate::text::SharedText,
    /// The body was sent `format=flowed`: its lines may have been rewrapped, so the patch
    /// will not apply as it stands.
    pub format_flowed: bool,
    /// The message was made from a git commit (a `--repo PATH RANGE` source): its `From:` and
    /// `Date:` are the commit's author, not a mail's sender.
    pub from_commit: bool,
    /// Problems met while decoding that do not stop the message being read
    /// (invalid UTF-8 replaced, unknown charset, ...).
    pub warnings: Vec<String>,
    /// Every header as (name, decoded value), in order, for rules that look at headers.
    /// (Serialised after the message by those that keep messages: the cache keeps them in
    /// its text, the archive as (name, value) pairs right after the message, where they
    /// were when this was the message's last field. It must stay the last.)
    #[serde(skip)]
    pub headers: Headers,
}

impl Message {
    /// The first header with this name (case-insensitive), decoded.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }
}
