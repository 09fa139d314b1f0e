//! The cache file, little-endian:
//!
//! ```text
//! magic "PDCACHE\n" | format version u32 | header length u32 | meta length u64 | text length u64
//! header  postcard: crate version, source key (canonical path, kind, name), stamp
//! meta    postcard: every message built into its patch model ([`crate::patch::Parsed`]):
//!         the message without its body, the body's range in the text, the commit message,
//!         trailers, notes, counts, patch-id and problems, the diff's range in the text and
//!         its files' paths; the skipped messages, how many messages the source held, and
//!         whether it is an mbox
//! text    every body, one after the other (UTF-8); a diff that is not a slice of its body
//!         follows the body
//! XXH3-128 of everything before it (of the text: of its 4 MiB chunks' XXH3-128s, in parallel)
//! ```
//!
//! Keeping the built patches, not only the messages, means that reopening a source parses
//! no mail at all: no body split, no trailer parse, no diff count or patch-id.
//!
//! postcard (serde) was chosen over an embedded database: one source's messages are always
//! read whole, so one sequential read and one decode is the fastest way back; the bodies are
//! kept apart as one text so that reading them back is a single buffer that every body
//! slices, not one allocation per body. A kill at any moment leaves the old file or the new
//! one (atomic rename); a torn or altered file fails its checksum and is rebuilt.

use super::stamp::Stamp;
use crate::mail::{Address, Message};
use crate::patch::{AuthorSource, LazyDiff, Parsed, Patch, Subject, Trailer};
use crate::source::{Skipped, SourceKind};
use crate::text::{Buffer, MapError, MappedFile, SharedText};
use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

pub const MAGIC: &[u8; 8] = b"PDCACHE\n";
/// Bumped whenever the layout or anything serialised in it changes.
pub const FORMAT_VERSION: u32 = 3;
const PREFIX: usize = 8 + 4 + 4 + 8 + 8;
const CHECKSUM: usize = 16;
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

/// A [`Patch`] borrowed, for writing: it serialises as a [`PatchMeta`].
#[derive(Serialize)]
struct PatchMetaRef<'a> {
    key: &'a str,
    mail: &'a Message,
    /// The body's range in the text.
    body: (u64, u64),
    subject: &'a Subject,
    author: &'a Address,
    author_source: AuthorSource,
    date: Option<DateTime<FixedOffset>>,
    message: &'a str,
    /// Key, value and line of each trailer.
    trailers: Vec<(&'a str, &'a str, u64)>,
    trailer_start: u64,
    notes: &'a str,
    /// The diff's range in the text.
    diff: (u64, u64),
    diff_paths: &'a [String],
    insertions: u64,
    deletions: u64,
    patch_id: Option<&'a str>,
    problems: &'a [String],
}

#[derive(Deserialize)]
struct PatchMeta {
    key: String,
    mail: Message,
    body: (u64, u64),
    subject: Subject,
    author: Address,
    author_source: AuthorSource,
    date: Option<DateTime<FixedOffset>>,
    message: String,
    trailers: Vec<(String, String, u64)>,
    trailer_start: u64,
    notes: String,
    diff: (u64, u64),
    diff_paths: Vec<String>,
    insertions: u64,
    deletions: u64,
    patch_id: Option<String>,
    problems: Vec<String>,
}

/// The meta, for writing. (It is read back field by field: see [`decode_meta`].)
#[derive(Serialize)]
struct MetaRef<'a> {
    patches: Vec<PatchMetaRef<'a>>,
    skipped: &'a [Skipped],
    entries: usize,
    appendable: bool,
}

/// A decoded cache file.
#[derive(Debug)]
pub struct CacheFile {
    pub header: Header,
    pub patches: Vec<Patch>,
    pub skipped: Vec<Skipped>,
    /// Messages the source held, readable or not (the next one's number less one).
    pub entries: usize,
    /// The source is an mbox, to which messages may be appended.
    pub appendable: bool,
}

impl CacheFile {
    /// The patches as a load and build give them.
    pub fn parsed(self) -> Parsed {
        Parsed {
            patches: self.patches,
            skipped: self.skipped,
            window: None,
        }
    }
}

/// Where each part of the text goes: the bodies one after the other, a diff that is not a
/// slice of its body right after that body.
struct TextPlan<'a> {
    /// Body and diff range of each patch.
    ranges: Vec<((u64, u64), (u64, u64))>,
    /// The pieces of the text, in order.
    pieces: Vec<&'a str>,
    len: u64,
}

fn plan_text(patches: &[Patch]) -> Option<TextPlan<'_>> {
    let mut plan = TextPlan {
        ranges: Vec::with_capacity(patches.len()),
        pieces: Vec::with_capacity(patches.len()),
        len: 0,
    };
    for p in patches {
        let (diff_text, _) = p.diff.stored()?;
        let body = (plan.len, p.mail.body.len() as u64);
        plan.pieces.push(p.mail.body.as_str());
        plan.len += body.1;
        let diff = match diff_text.offset_in(&p.mail.body) {
            Some(at) => (body.0 + at as u64, diff_text.len() as u64),
            None => {
                let at = plan.len;
                plan.pieces.push(diff_text.as_str());
                plan.len += diff_text.len() as u64;
                (at, diff_text.len() as u64)
            }
        };
        plan.ranges.push((body, diff));
    }
    Some(plan)
}

/// The XXH3-128 of `parts` and then of the text made of `pieces` (one after the other), the
/// text hashed as the XXH3-128s of its 4 MiB chunks, in parallel; the pieces are never
/// joined. (It finds a torn or altered file; nothing here needs a cryptographic hash, and
/// SHA-1 took a third of a reopen.)
fn checksum(parts: &[&[u8]], pieces: &[&[u8]]) -> [u8; CHECKSUM] {
    combine(parts, &chunk_sums(pieces))
}

/// The checksums of the 4 MiB chunks of the text made of `pieces`, in parallel.
fn chunk_sums(pieces: &[&[u8]]) -> Vec<[u8; CHECKSUM]> {
    use xxhash_rust::xxh3::Xxh3;
    let mut spans: Vec<Vec<&[u8]>> = vec![Vec::new()];
    let mut room = CHUNK;
    for piece in pieces {
        let mut rest = *piece;
        while !rest.is_empty() {
            if room == 0 {
                spans.push(Vec::new());
                room = CHUNK;
            }
            let (now, later) = rest.split_at(rest.len().min(room));
            spans.last_mut().expect("one span at least").push(now);
            room -= now.len();
            rest = later;
        }
    }
    if spans.len() == 1 && spans[0].is_empty() {
        spans.clear();
    }
    spans
        .par_iter()
        .map(|span| {
            let mut h = Xxh3::new();
            span.iter().for_each(|s| h.update(s));
            h.digest128().to_le_bytes()
        })
        .collect()
}

/// The checksum of one 4 MiB chunk of the text (the last may be shorter).
fn chunk_sum(chunk: &[u8]) -> [u8; CHECKSUM] {
    xxhash_rust::xxh3::xxh3_128(chunk).to_le_bytes()
}

/// The checksum of `parts` followed by the text whose chunks have the checksums `chunks`.
fn combine(parts: &[&[u8]], chunks: &[[u8; CHECKSUM]]) -> [u8; CHECKSUM] {
    use xxhash_rust::xxh3::Xxh3;
    let mut h = Xxh3::new();
    for p in parts {
        h.update(p);
    }
    for c in chunks {
        h.update(c);
    }
    h.digest128().to_le_bytes()
}

/// A cache file ready to be written: its prefix and header, its meta (still to be
/// serialised: it is written as it is serialised, never held whole), the pieces its text is
/// made of (borrowed from the patches: the text is never gathered in memory) and the
/// checksums of the text's chunks.
pub struct Encoded<'a> {
    head: Vec<u8>,
    meta: MetaRef<'a>,
    pieces: Vec<&'a str>,
    chunks: Vec<[u8; CHECKSUM]>,
}

impl Encoded<'_> {
    /// Writes the file, each body copied once, straight to `out`.
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut hashed = Hashed {
            out,
            hash: xxhash_rust::xxh3::Xxh3::new(),
        };
        std::io::Write::write_all(&mut hashed, &self.head)?;
        let hashed = postcard::to_io(&self.meta, hashed).map_err(std::io::Error::other)?;
        let (out, mut hash) = (hashed.out, hashed.hash);
        for piece in &self.pieces {
            out.write_all(piece.as_bytes())?;
        }
        for chunk in &self.chunks {
            hash.update(chunk);
        }
        out.write_all(&hash.digest128().to_le_bytes())
    }
}

/// A writer that hashes what it passes on.
struct Hashed<'w> {
    out: &'w mut dyn std::io::Write,
    hash: xxhash_rust::xxh3::Xxh3,
}

impl std::io::Write for Hashed<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The bytes of a cache file; `None` when a patch's diff was changed and so is no longer
/// its text.
pub fn encode(
    header: &Header,
    parsed: &Parsed,
    entries: usize,
    appendable: bool,
) -> Option<Vec<u8>> {
    let encoded = prepare(header, parsed, entries, appendable)?;
    let mut out = Vec::new();
    encoded.write_to(&mut out).ok()?;
    Some(out)
}

/// The cache file of `parsed`, ready to be written ([`encode`] without the buffer).
pub fn prepare<'a>(
    header: &Header,
    parsed: &'a Parsed,
    entries: usize,
    appendable: bool,
) -> Option<Encoded<'a>> {
    let plan = plan_text(&parsed.patches)?;
    let patches = parsed
        .patches
        .iter()
        .zip(&plan.ranges)
        .map(|(p, &(body, diff))| PatchMetaRef {
            key: &p.key,
            mail: &p.mail,
            body,
            subject: &p.subject,
            author: &p.author,
            author_source: p.author_source,
            date: p.date,
            message: &p.message,
            trailers: p
                .trailers
                .iter()
                .map(|t| (t.key.as_str(), t.value.as_str(), t.line as u64))
                .collect(),
            trailer_start: p.trailer_start as u64,
            notes: &p.notes,
            diff,
            diff_paths: p.diff.stored().map_or(&[][..], |(_, paths)| paths),
            insertions: p.insertions as u64,
            deletions: p.deletions as u64,
            patch_id: p.patch_id.as_deref(),
            problems: &p.problems,
        })
        .collect();
    let meta = MetaRef {
        patches,
        skipped: &parsed.skipped,
        entries,
        appendable,
    };
    let header = postcard::to_stdvec(header).ok()?;
    // Its length goes first, so the meta is serialised twice: once to count, once to write.
    let meta_len = postcard::serialize_with_flavor::<_, postcard::ser_flavors::Size, usize>(
        &meta,
        postcard::ser_flavors::Size::default(),
    )
    .ok()?;
    let mut head = Vec::with_capacity(PREFIX + header.len());
    head.extend_from_slice(MAGIC);
    head.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    head.extend_from_slice(&(header.len() as u32).to_le_bytes());
    head.extend_from_slice(&(meta_len as u64).to_le_bytes());
    head.extend_from_slice(&plan.len.to_le_bytes());
    head.extend_from_slice(&header);
    let bytes: Vec<&[u8]> = plan.pieces.iter().map(|p| p.as_bytes()).collect();
    Some(Encoded {
        head,
        meta,
        chunks: chunk_sums(&bytes),
        pieces: plan.pieces,
    })
}

struct Sections<'a> {
    prefix: &'a [u8],
    header: &'a [u8],
    meta: &'a [u8],
    text: &'a [u8],
    sum: &'a [u8],
}

/// The header, meta and text lengths a file's prefix gives, or why it is not a cache file
/// this patchdesk reads.
fn prefix_lengths(bytes: &[u8]) -> Result<[u64; 3], String> {
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
    Ok([u64::from(u32_at(12)), u64_at(16), u64_at(24)])
}

/// Checks that a file of `size` bytes is as long as its lengths say.
fn check_size(lens: &[u64; 3], size: u64) -> Result<(), String> {
    let total = lens
        .iter()
        .try_fold(PREFIX as u64 + CHECKSUM as u64, |a, &l| a.checked_add(l));
    match total {
        Some(t) if t == size => Ok(()),
        Some(t) if t > size => Err("truncated".into()),
        _ => Err("corrupt (its lengths do not add up)".into()),
    }
}

fn sections(bytes: &[u8]) -> Result<Sections<'_>, String> {
    let lens = prefix_lengths(bytes)?;
    check_size(&lens, bytes.len() as u64)?;
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
    let s = sections(bytes)?;
    if checksum(&[s.prefix, s.header, s.meta], &[s.text])[..] != *s.sum {
        return Err("corrupt (checksum)".into());
    }
    let text = String::from_utf8(s.text.to_vec()).map_err(|_| NOT_UTF8.to_string())?;
    let decoded = decode_meta(s.header, s.meta, &mut |_| ())?;
    attach(decoded, &Arc::new(Buffer::Owned(text)))
}

const NOT_UTF8: &str = "corrupt (text not UTF-8)";

/// Reads and decodes the cache file at `path` (`Err(None)`: there is none). The file is
/// memory-mapped, not read into memory, and each page is read once and dropped: the text's
/// for the checksum and the UTF-8 check, on every core but one, while the meta is decoded
/// (and hashed) on that one. A body's pages are read again only when it is looked at.
/// Where the file cannot be mapped it is read whole.
pub fn read(path: &Path) -> Result<CacheFile, Option<String>> {
    use std::io::Read;
    use xxhash_rust::xxh3::Xxh3;
    let mut file = std::fs::File::open(path).map_err(|_| None)?;
    let io = |e: std::io::Error| Some(format!("unreadable ({e})"));
    let size = file.metadata().map_err(io)?.len();
    let mut prefix = Vec::with_capacity(PREFIX);
    (&mut file)
        .take(PREFIX as u64)
        .read_to_end(&mut prefix)
        .map_err(io)?;
    let lens = prefix_lengths(&prefix)?;
    check_size(&lens, size)?;
    let mapped = match MappedFile::map(&file) {
        Ok(mapped) => mapped,
        Err(_) => {
            let bytes = std::fs::read(path).map_err(io)?;
            return Ok(decode(&bytes)?);
        }
    };
    let text_start = PREFIX + (lens[0] + lens[1]) as usize;
    let text = text_start..text_start + lens[2] as usize;
    let (text, meta) = mapped.into_text(text, CHUNK, chunk_sum, |file| {
        let s = sections(file.bytes())?;
        let mut hash = Xxh3::new();
        hash.update(s.prefix);
        hash.update(s.header);
        // Each stretch of the meta is hashed once decoded, then its pages go.
        let decoded = decode_meta(s.header, s.meta, &mut |part| {
            hash.update(part);
            file.release(part);
        });
        file.release(s.header);
        let sum: [u8; CHECKSUM] = s.sum.try_into().map_err(|_| "truncated".to_string())?;
        Ok::<_, String>((hash, decoded?, sum))
    });
    let (text, chunks) = text.map_err(|e| match e {
        MapError::NotUtf8 => NOT_UTF8.to_string(),
        MapError::OutOfRange => "truncated".to_string(),
        MapError::Io(e) => format!("unreadable ({e})"),
    })?;
    let (mut hash, decoded, sum) = meta?;
    for chunk in &chunks {
        hash.update(chunk);
    }
    if hash.digest128().to_le_bytes() != sum {
        return Err(Some("corrupt (checksum)".into()));
    }
    Ok(attach(decoded, &Arc::new(Buffer::Mapped(text)))?)
}

/// A cache file decoded but for its bodies and diffs: where each patch's are in the text,
/// and its diff's paths.
struct Decoded {
    file: CacheFile,
    placed: Vec<Placed>,
}

struct Placed {
    body: (u64, u64),
    diff: (u64, u64),
    diff_paths: Vec<String>,
}

/// Decodes a cache file's header and meta, one patch at a time, handing `done` each
/// stretch of the meta once it has been decoded, in order and once each (to hash it and
/// release its pages): the meta is never held twice.
fn decode_meta(header: &[u8], meta: &[u8], done: &mut dyn FnMut(&[u8])) -> Result<Decoded, String> {
    let header: Header =
        postcard::from_bytes(header).map_err(|e| format!("corrupt header: {e}"))?;
    if header.crate_version != env!("CARGO_PKG_VERSION") {
        return Err(format!(
            "written by patchdesk {}, this is {}",
            header.crate_version,
            env!("CARGO_PKG_VERSION")
        ));
    }
    let corrupt = |e: postcard::Error| format!("corrupt: {e}");
    // The meta's fields in order (`MetaRef`), as postcard lays them out: a sequence is its
    // length and then its elements.
    let (count, mut rest) = postcard::take_from_bytes::<u64>(meta).map_err(corrupt)?;
    let mut released = 0;
    // (Each patch takes more than a byte: a corrupt count cannot ask for more room than that.)
    let room = (count as usize).min(rest.len());
    let mut patches = Vec::with_capacity(room);
    let mut placed = Vec::with_capacity(room);
    // Bodies and diffs are put in by `attach`; till then all share one empty text.
    let empty = SharedText::default();
    for _ in 0..count {
        let (m, after) = postcard::take_from_bytes::<PatchMeta>(rest).map_err(corrupt)?;
        rest = after;
        let read = meta.len() - rest.len();
        if read - released >= CHUNK {
            done(&meta[released..read]);
            released = read;
        }
        let mut mail = m.mail;
        mail.body = empty.clone();
        placed.push(Placed {
            body: m.body,
            diff: m.diff,
            diff_paths: m.diff_paths,
        });
        patches.push(Patch {
            key: m.key,
            mail,
            subject: m.subject,
            author: m.author,
            author_source: m.author_source,
            date: m.date,
            message: m.message,
            trailers: m
                .trailers
                .into_iter()
                .map(|(key, value, line)| Trailer {
                    key,
                    value,
                    line: line as usize,
                })
                .collect(),
            trailer_start: m.trailer_start as usize,
            notes: m.notes,
            diff: LazyDiff::from_stored(empty.clone(), Vec::new()),
            insertions: m.insertions as usize,
            deletions: m.deletions as usize,
            patch_id: m.patch_id,
            problems: m.problems,
        });
    }
    let (skipped, rest) = postcard::take_from_bytes(rest).map_err(corrupt)?;
    let (entries, rest) = postcard::take_from_bytes(rest).map_err(corrupt)?;
    let (appendable, _) = postcard::take_from_bytes(rest).map_err(corrupt)?;
    done(&meta[released..]);
    Ok(Decoded {
        file: CacheFile {
            header,
            patches,
            skipped,
            entries,
            appendable,
        },
        placed,
    })
}

/// Puts each patch's body and diff in, as slices of `text`.
fn attach(decoded: Decoded, text: &Arc<Buffer>) -> Result<CacheFile, String> {
    let Decoded { mut file, placed } = decoded;
    let slice = |(start, len): (u64, u64)| {
        usize::try_from(start)
            .ok()
            .zip(usize::try_from(len).ok())
            .and_then(|(s, l)| SharedText::range(text, s..s.checked_add(l)?))
            .ok_or_else(|| "corrupt (a body or diff outside the text)".to_string())
    };
    for (patch, placed) in file.patches.iter_mut().zip(placed) {
        patch.mail.body = slice(placed.body)?;
        patch.diff = LazyDiff::from_stored(slice(placed.diff)?, placed.diff_paths);
    }
    Ok(file)
}

/// `bytes` with its checksum made right, when its lengths add up (so the fuzzer reaches the
/// decoding behind the checksum).
pub fn reseal(bytes: &[u8]) -> Option<Vec<u8>> {
    let s = sections(bytes).ok()?;
    let sum = checksum(&[s.prefix, s.header, s.meta], &[s.text]);
    let mut out = bytes[..bytes.len() - CHECKSUM].to_vec();
    out.extend_from_slice(&sum);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meta_is_decoded_and_released_in_stretches_that_cover_it_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.mbox");
        let long = "A line of the commit message that is long enough to fill the meta.\n";
        let mbox: String = (0..4000)
            .map(|n| {
                format!(
                    "From a@b Thu Jan  1 00:00:00 2020\nFrom: A <a@example.org>\n\
                     Subject: [PATCH] change {n}\nMessage-Id: <m{n}@example.org>\n\n\
                     {}\nSigned-off-by: A <a@example.org>\n---\n\
                     diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b{n}\n",
                    long.repeat(30)
                )
            })
            .collect();
        std::fs::write(&path, mbox).unwrap();
        let spec = crate::source::SourceSpec::Path(path.clone());
        let parsed = Parsed::from_loaded(crate::source::load(&spec).unwrap());
        let header = Header {
            crate_version: env!("CARGO_PKG_VERSION").to_string(),
            key: SourceKey::new(&path, SourceKind::File, "q.mbox"),
            stamp: Stamp::of(&path, SourceKind::File).unwrap(),
        };
        let bytes = encode(&header, &parsed, 4000, true).unwrap();
        let s = sections(&bytes).unwrap();
        assert!(s.meta.len() > 2 * CHUNK, "{} bytes of meta", s.meta.len());
        let text = Arc::new(Buffer::Owned(String::from_utf8(s.text.to_vec()).unwrap()));
        let stretches = std::sync::Mutex::new(Vec::new());
        let mut done = |part: &[u8]| {
            let at = part.as_ptr() as usize - s.meta.as_ptr() as usize;
            stretches.lock().unwrap().push(at..at + part.len());
        };
        let decoded = attach(decode_meta(s.header, s.meta, &mut done).unwrap(), &text).unwrap();
        assert_eq!(
            format!("{:?}", decoded.patches),
            format!("{:?}", parsed.patches)
        );
        let stretches = stretches.into_inner().unwrap();
        assert!(stretches.len() > 2, "{stretches:?}");
        assert_eq!(stretches[0].start, 0);
        assert!(stretches.windows(2).all(|w| w[0].end == w[1].start));
        assert_eq!(stretches.last().unwrap().end, s.meta.len());
    }

    #[test]
    fn the_checksum_of_pieces_is_the_checksum_of_their_text() {
        // Pieces that straddle the 4 MiB chunks in every way: inside one, across one
        // boundary, across two, empty ones, and one ending exactly on a boundary.
        let sizes = [
            0,
            3 << 20,
            1,
            (5 << 20) + 7,
            0,
            12,
            CHUNK * 3 - (8 << 20) - 20,
            5,
        ];
        let text: Vec<u8> = (0..sizes.iter().sum::<usize>())
            .map(|i| (i % 251) as u8)
            .collect();
        let mut pieces = Vec::new();
        let mut at = 0;
        for n in sizes {
            pieces.push(&text[at..at + n]);
            at += n;
        }
        let whole = checksum(&[b"head"], &[&text]);
        assert_eq!(checksum(&[b"head"], &pieces), whole);
        assert_ne!(checksum(&[b"head!"], &pieces), whole);
        assert_eq!(checksum(&[b"h"], &[]), checksum(&[b"h"], &[&[][..]]));
    }
}
