//! The cache file, little-endian:
//!
//! ```text
//! magic "PDCACHE\n" | format version u32 | header length u32 | meta length u64 | text length u64
//! header  postcard: crate version, source key (canonical path, kind, name), stamp
//! meta    postcard: the messages without their bodies, each body's range in the text,
//!         the skipped messages, how many messages the source held, whether it is an mbox
//! text    every body, one after the other (UTF-8)
//! SHA-1 of everything before it (of the text: of its 4 MiB chunks' SHA-1s, hashed in parallel)
//! ```
//!
//! postcard (serde) was chosen over an embedded database: one source's messages are always
//! read whole, so one sequential read and one decode is the fastest way back; the bodies are
//! kept apart as one text so that reading them back is a single buffer that every body
//! slices, not one allocation per body. A kill at any moment leaves the old file or the new
//! one (atomic rename); a torn or altered file fails its checksum and is rebuilt.

use super::stamp::Stamp;
use crate::mail::Message;
use crate::source::{Loaded, Skipped, SourceKind};
use crate::text::SharedText;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

pub const MAGIC: &[u8; 8] = b"PDCACHE\n";
/// Bumped whenever the layout or anything serialised in it changes.
pub const FORMAT_VERSION: u32 = 1;
const PREFIX: usize = 8 + 4 + 4 + 8 + 8;
const CHECKSUM: usize = 20;
const CHUNK: usize = 4 << 20;

/// Which source a cache file belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceKey {
    /// The canonical path.
    pub path: String,
    pub kind: String,
    /// The source as it was named (it is in every message's origin).
    pub name: String,
}

impl SourceKey {
    pub fn new(path: &Path, kind: SourceKind, name: &str) -> SourceKey {
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        SourceKey {
            path: canonical.display().to_string(),
            kind: format!("{kind:?}"),
            name: name.to_string(),
        }
    }

    /// The cache file's name: the SHA-1 of the key.
    pub fn id(&self) -> String {
        crate::hash::sha1_hex(format!("{}\0{}\0{}", self.kind, self.path, self.name).as_bytes())
    }
}

/// What a cache file says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub crate_version: String,
    pub key: SourceKey,
    pub stamp: Stamp,
}

/// [`Meta`] borrowed, for writing: it serialises as a `Meta`.
#[derive(Serialize)]
struct MetaRef<'a> {
    messages: &'a [Message],
    bodies: Vec<(u64, u64)>,
    skipped: &'a [Skipped],
    entries: usize,
    appendable: bool,
}

#[derive(Deserialize)]
struct Meta {
    messages: Vec<Message>,
    bodies: Vec<(u64, u64)>,
    skipped: Vec<Skipped>,
    entries: usize,
    appendable: bool,
}

/// A decoded cache file.
#[derive(Debug)]
pub struct CacheFile {
    pub header: Header,
    pub messages: Vec<Message>,
    pub skipped: Vec<Skipped>,
    /// Messages the source held, readable or not (the next one's number less one).
    pub entries: usize,
    /// The source is an mbox, to which messages may be appended.
    pub appendable: bool,
}

impl CacheFile {
    /// The messages as a load gives them.
    pub fn loaded(self) -> Loaded {
        Loaded {
            messages: self.messages,
            skipped: self.skipped,
            window: None,
        }
    }
}

fn checksum(parts: &[&[u8]], text: &[u8]) -> [u8; CHECKSUM] {
    use sha1::Digest;
    let chunks: Vec<_> = text.par_chunks(CHUNK).map(sha1::Sha1::digest).collect();
    let mut h = sha1::Sha1::new();
    for p in parts {
        h.update(p);
    }
    for c in chunks {
        h.update(c);
    }
    h.finalize().into()
}

/// The bytes of a cache file, written into one buffer (the bodies are copied once, straight
/// into place).
pub fn encode(header: &Header, loaded: &Loaded, entries: usize, appendable: bool) -> Vec<u8> {
    let mut bodies = Vec::with_capacity(loaded.messages.len());
    let mut text_len = 0u64;
    for m in &loaded.messages {
        bodies.push((text_len, m.body.len() as u64));
        text_len += m.body.len() as u64;
    }
    let meta = MetaRef {
        messages: &loaded.messages,
        bodies,
        skipped: &loaded.skipped,
        entries,
        appendable,
    };
    let header = postcard::to_stdvec(header).unwrap_or_default();
    let meta = postcard::to_stdvec(&meta).unwrap_or_default();
    let text_start = PREFIX + header.len() + meta.len();
    let mut out = Vec::with_capacity(text_start + text_len as usize + CHECKSUM);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&(meta.len() as u64).to_le_bytes());
    out.extend_from_slice(&text_len.to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&meta);
    for m in &loaded.messages {
        out.extend_from_slice(m.body.as_bytes());
    }
    let (head, text) = out.split_at(text_start);
    let sum = checksum(&[head], text);
    out.extend_from_slice(&sum);
    out
}

struct Sections<'a> {
    prefix: &'a [u8],
    header: &'a [u8],
    meta: &'a [u8],
    text: &'a [u8],
    sum: &'a [u8],
}

fn sections(bytes: &[u8]) -> Result<Sections<'_>, String> {
    if bytes.len() < PREFIX || &bytes[..8] != MAGIC {
        return Err(if bytes.starts_with(&MAGIC[..bytes.len().min(8)]) {
            "truncated".into()
        } else {
            "not a cache file".into()
        });
    }
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default());
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    let version = u32_at(8);
    if version != FORMAT_VERSION {
        return Err(format!(
            "format version {version}, this patchdesk writes {FORMAT_VERSION}"
        ));
    }
    let lens = [u64::from(u32_at(12)), u64_at(16), u64_at(24)];
    let total = lens
        .iter()
        .try_fold(PREFIX as u64 + CHECKSUM as u64, |a, &l| a.checked_add(l));
    match total {
        Some(t) if t == bytes.len() as u64 => {}
        Some(t) if t > bytes.len() as u64 => return Err("truncated".into()),
        _ => return Err("corrupt (its lengths do not add up)".into()),
    }
    let (prefix, rest) = bytes.split_at(PREFIX);
    let (header, rest) = rest.split_at(lens[0] as usize);
    let (meta, rest) = rest.split_at(lens[1] as usize);
    let (text, sum) = rest.split_at(lens[2] as usize);
    Ok(Sections {
        prefix,
        header,
        meta,
        text,
        sum,
    })
}

/// The header alone (for `cache info`), checksum not checked.
pub fn decode_header(bytes: &[u8]) -> Result<Header, String> {
    let s = sections(bytes)?;
    postcard::from_bytes(s.header).map_err(|e| format!("corrupt header: {e}"))
}

/// A cache file's content, or why it cannot be used.
pub fn decode(bytes: &[u8]) -> Result<CacheFile, String> {
    decode_owned(bytes.to_vec())
}

/// [`decode`] of a file read into `bytes`: the text the bodies share is made of that buffer
/// in place (moved to its front), not copied out of it.
pub fn decode_owned(mut bytes: Vec<u8>) -> Result<CacheFile, String> {
    let s = sections(&bytes)?;
    if checksum(&[s.prefix, s.header, s.meta], s.text)[..] != *s.sum {
        return Err("corrupt (checksum)".into());
    }
    let header: Header =
        postcard::from_bytes(s.header).map_err(|e| format!("corrupt header: {e}"))?;
    if header.crate_version != env!("CARGO_PKG_VERSION") {
        return Err(format!(
            "written by patchdesk {}, this is {}",
            header.crate_version,
            env!("CARGO_PKG_VERSION")
        ));
    }
    let meta: Meta = postcard::from_bytes(s.meta).map_err(|e| format!("corrupt: {e}"))?;
    if meta.bodies.len() != meta.messages.len() {
        return Err("corrupt (bodies and messages differ)".into());
    }
    let text_start = s.text.as_ptr() as usize - bytes.as_ptr() as usize;
    let text_end = text_start + s.text.len();
    bytes.truncate(text_end);
    bytes.drain(..text_start);
    let text =
        Arc::new(String::from_utf8(bytes).map_err(|_| "corrupt (text not UTF-8)".to_string())?);
    let mut messages = meta.messages;
    for (m, &(start, len)) in messages.iter_mut().zip(&meta.bodies) {
        let range = usize::try_from(start)
            .ok()
            .zip(usize::try_from(len).ok())
            .and_then(|(s, l)| Some(s..s.checked_add(l)?))
            .filter(|r| text.get(r.clone()).is_some())
            .ok_or_else(|| "corrupt (a body outside the text)".to_string())?;
        m.body = SharedText::slice(&text, range);
    }
    Ok(CacheFile {
        header,
        messages,
        skipped: meta.skipped,
        entries: meta.entries,
        appendable: meta.appendable,
    })
}

/// `bytes` with its checksum made right, when its lengths add up (so the fuzzer reaches the
/// decoding behind the checksum).
pub fn reseal(bytes: &[u8]) -> Option<Vec<u8>> {
    let s = sections(bytes).ok()?;
    let sum = checksum(&[s.prefix, s.header, s.meta], s.text);
    let mut out = bytes[..bytes.len() - CHECKSUM].to_vec();
    out.extend_from_slice(&sum);
    Some(out)
}
