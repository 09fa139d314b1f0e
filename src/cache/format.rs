//! The cache file, little-endian:
//!
//! ```text
//! magic "PDCACHE\n" | format version u32 | header length u32 | meta length u64 | text length u64
//! header  postcard: crate version, source key (canonical path, kind, name), stamp
//! text    per patch: its body; its diff when that is not a slice of the body; its commit
//!         message; its notes when they are not a slice of the body; its headers' names and
//!         values (UTF-8)
//! meta    postcard: the patch count, where each block of 1,024 patches ends, then every
//!         message built into its patch model ([`crate::patch::Parsed`]): the message without
//!         its body and headers, trailers, counts, patch-id and problems, the ranges in the
//!         text of its body, diff, commit message, notes and headers, and its diff's paths;
//!         then the skipped messages, how many messages the source held, and whether it is
//!         an mbox
//! sums    XXH3-128 of the prefix, the header and the XXH3-128s of the meta's 4 MiB chunks;
//!         XXH3-128 of the XXH3-128s of the text's 4 MiB chunks (so each is hashed in
//!         parallel, and the meta is known good before a byte of it is decoded)
//! ```
//!
//! The text comes before the meta so that a file can be written as a source is read
//! ([`Writer`]): each window's texts as soon as it is parsed, the meta (which starts with
//! the count) and the prefix's lengths at the end.
//!
//! Every long text of a patch is in the text, so reading the file back allocates nothing
//! for it: the commit message, the notes and the headers are slices of the map like the
//! body. The blocks let the meta be decoded on every core.
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
use crate::mail::headers::HeaderSpan;
use crate::mail::{Address, Headers, Message};
use crate::patch::{
    AuthorSource, DiffFacts, LazyDiff, Parsed, Patch, ReplyFacts, Subject, Trailer,
};
use crate::source::{Skipped, SourceKind};
use crate::text::{Buffer, MapError, MappedFile, SharedText};
use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek, Write};
use std::path::Path;
use std::sync::Arc;

pub const MAGIC: &[u8; 8] = b"PDCACHE\n";
/// Bumped whenever the layout or anything serialised in it changes.
pub const FORMAT_VERSION: u32 = 9;
const PREFIX: usize = 8 + 4 + 4 + 8 + 8;
const CHECKSUM: usize = 16;
/// The two checksums at the end: the meta's, then the text's.
pub const SUMS: usize = 2 * CHECKSUM;
const CHUNK: usize = 4 << 20;
/// Patches per block of the meta (each block is decoded on its own).
const BLOCK: usize = 1024;
/// The fewest bytes a patch takes in the meta (an empty one: a byte or more per field).
const MIN_PATCH_META: usize = 32;

/// A date serialised as its seconds, nanoseconds and offset (read back
/// without parsing text), not as RFC 3339.
mod compact_date {
    use chrono::{DateTime, FixedOffset};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(
        date: &Option<DateTime<FixedOffset>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        date.map(|d| {
            (
                d.timestamp(),
                d.timestamp_subsec_nanos(),
                d.offset().local_minus_utc(),
            )
        })
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        let parts = Option::<(i64, u32, i32)>::deserialize(d)?;
        parts
            .map(|(secs, nanos, offset)| {
                let offset = FixedOffset::east_opt(offset);
                let utc = DateTime::from_timestamp(secs, nanos);
                offset
                    .zip(utc)
                    .map(|(o, u)| u.with_timezone(&o))
                    .ok_or_else(|| serde::de::Error::custom("a date out of range"))
            })
            .transpose()
    }
}

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

impl Header {
    /// Refused unless this patchdesk wrote it (what an older one kept may differ).
    pub fn check_version(&self) -> Result<(), String> {
        if self.crate_version == env!("CARGO_PKG_VERSION") {
            return Ok(());
        }
        Err(format!(
            "written by patchdesk {}, this is {}",
            self.crate_version,
            env!("CARGO_PKG_VERSION")
        ))
    }

    /// The header this patchdesk writes for the cache of `key`, read at `stamp`.
    pub fn of(key: &SourceKey, stamp: &Stamp) -> Header {
        Header {
            crate_version: env!("CARGO_PKG_VERSION").to_string(),
            key: key.clone(),
            stamp: stamp.clone(),
        }
    }
}

/// The most text a cache file holds: every text of a map is a `SharedText` range, which
/// stops at 4 GiB.
pub const MAX_TEXT: u64 = u32::MAX as u64;

/// A [`Patch`] borrowed, for writing: it serialises as a [`PatchMeta`].
#[derive(Serialize)]
struct PatchMetaRef<'a> {
    key: &'a str,
    mail: &'a Message,
    subject: &'a Subject,
    author: &'a Address,
    author_source: AuthorSource,
    #[serde(with = "compact_date")]
    date: Option<DateTime<FixedOffset>>,
    /// Where its body, diff, commit message, notes and headers are in the text.
    texts: &'a TextRanges,
    /// Key, value and line of each trailer.
    trailers: Vec<TrailerRef<'a>>,
    trailer_start: u64,
    /// The diff holds a file, and its facts when they were worked out (a cold read does not).
    has_files: bool,
    diff_facts: Option<&'a DiffFacts>,
    extra_problems: &'a [String],
    /// Whether it carries a patch and key, value and line of each trailer it states, when
    /// taken as a reply.
    as_reply: Option<(bool, Vec<TrailerRef<'a>>)>,
}

#[derive(Deserialize)]
struct PatchMeta {
    key: String,
    mail: Message,
    subject: Subject,
    author: Address,
    author_source: AuthorSource,
    #[serde(with = "compact_date")]
    date: Option<DateTime<FixedOffset>>,
    texts: TextRanges,
    trailers: Vec<TrailerParts>,
    trailer_start: u64,
    has_files: bool,
    diff_facts: Option<DiffFacts>,
    extra_problems: Vec<String>,
    as_reply: Option<(bool, Vec<TrailerParts>)>,
}

/// A trailer's key, value and line, as the meta keeps them.
type TrailerRef<'a> = (&'a str, &'a str, u64);
/// [`TrailerRef`] read back.
type TrailerParts = (String, String, u64);

/// Key, value and line of each trailer, as the meta keeps them.
fn trailer_parts(trailers: &[Trailer]) -> Vec<TrailerRef<'_>> {
    trailers
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str(), t.line as u64))
        .collect()
}

/// The trailers [`trailer_parts`] gave.
fn trailers_from_parts(parts: Vec<TrailerParts>) -> Vec<Trailer> {
    parts
        .into_iter()
        .map(|(key, value, line)| Trailer {
            key,
            value,
            line: usize::try_from(line).unwrap_or(usize::MAX),
        })
        .collect()
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
    /// Every text of the file can be read: its check, if it was put off
    /// ([`TextCheck::WhenRead`]), is run now and passed. A file whose texts cannot be read
    /// must not be written again (as an appended source's is): it would be written with
    /// empty texts.
    pub fn texts_readable(&self) -> bool {
        self.patches.iter().all(|p| p.mail.body.is_readable())
    }

    /// The patches as a load and build give them.
    pub fn parsed(self) -> Parsed {
        Parsed {
            patches: self.patches,
            skipped: self.skipped,
            window: None,
        }
    }
}

/// Where one patch's texts are in the text: start and length of each, and where each
/// header's name and value are in the headers' text.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TextRanges {
    body: (u64, u64),
    diff: (u64, u64),
    message: (u64, u64),
    notes: (u64, u64),
    headers: (u64, u64),
    header_spans: Vec<HeaderSpan>,
}

/// Where each part of the text goes (see the module's layout).
struct TextPlan {
    placements: Vec<TextRanges>,
    /// The pieces of the text, in order (shared with the patches, or made for the file).
    pieces: Vec<SharedText>,
    len: u64,
}

impl TextPlan {
    /// Puts `piece` at the end of the text; its range.
    fn push(&mut self, piece: SharedText) -> (u64, u64) {
        let range = (self.len, piece.len() as u64);
        self.len += range.1;
        self.pieces.push(piece);
        range
    }

    /// `part`'s range: inside `within` (already placed at `at`) when it is a slice of it,
    /// else put at the end.
    fn place_in(&mut self, part: &SharedText, within: &SharedText, at: u64) -> (u64, u64) {
        match part.offset_in(within) {
            Some(offset) => (at + offset as u64, part.len() as u64),
            None => self.push(part.clone()),
        }
    }

    /// The message's headers: their text put at the end as one piece.
    fn place_headers(&mut self, headers: &Headers) -> (u64, u64) {
        if headers.is_empty() {
            return (self.len, 0);
        }
        self.push(headers.parts().0.clone())
    }
}

/// Where the texts of `patches` go in a text that is `start` long so far.
fn plan_text(patches: &[Patch], start: u64) -> Option<TextPlan> {
    let mut plan = TextPlan {
        placements: Vec::with_capacity(patches.len()),
        pieces: Vec::with_capacity(patches.len() * 4),
        len: start,
    };
    for p in patches {
        let (diff_text, ..) = p.diff.stored()?;
        let body = plan.push(p.mail.body.clone());
        let diff = plan.place_in(diff_text, &p.mail.body, body.0);
        let message = plan.push(p.message.clone());
        let notes = plan.place_in(&p.notes, &p.mail.body, body.0);
        let headers = plan.place_headers(&p.mail.headers);
        plan.placements.push(TextRanges {
            body,
            diff,
            message,
            notes,
            headers,
            header_spans: p.mail.headers.parts().1.to_vec(),
        });
    }
    Some(plan)
}

/// The file's two checksums: the XXH3-128 of `parts` (the prefix and header) and of the
/// XXH3-128s of the 4 MiB chunks of `meta`; then the XXH3-128 of the XXH3-128s of the 4 MiB
/// chunks of `text`, each in parallel. (They find a torn or altered file; nothing here
/// needs a cryptographic hash, and SHA-1 took a third of a reopen.) [`Writer`] sums the
/// same as it writes.
fn checksum(parts: &[&[u8]], meta: &[u8], text: &[u8]) -> [u8; SUMS] {
    let sums = |bytes: &[u8]| bytes.par_chunks(CHUNK).map(chunk_sum).collect::<Vec<_>>();
    let mut out = [0; SUMS];
    out[..CHECKSUM].copy_from_slice(&combine(parts, &sums(meta)));
    out[CHECKSUM..].copy_from_slice(&combine(&[], &sums(text)));
    out
}

/// The checksum of one 4 MiB chunk of the text (the last may be shorter).
fn chunk_sum(chunk: &[u8]) -> [u8; CHECKSUM] {
    xxhash_rust::xxh3::xxh3_128(chunk).to_le_bytes()
}

/// The checksum of `parts` followed by the checksums `sums` of some chunks.
fn combine(parts: &[&[u8]], sums: &[[u8; CHECKSUM]]) -> [u8; CHECKSUM] {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for p in parts.iter().copied().chain(sums.iter().map(|s| &s[..])) {
        h.update(p);
    }
    h.digest128().to_le_bytes()
}

/// The checksums of 4 MiB chunks of a stream written piece by piece ([`chunk_sum`] of each
/// chunk, whatever the pieces).
#[derive(Default)]
struct ChunkSums {
    hash: xxhash_rust::xxh3::Xxh3,
    in_chunk: usize,
    sums: Vec<[u8; CHECKSUM]>,
}

impl ChunkSums {
    fn update(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let (now, later) = bytes.split_at(bytes.len().min(CHUNK - self.in_chunk));
            self.hash.update(now);
            self.in_chunk += now.len();
            if self.in_chunk == CHUNK {
                self.sums.push(self.hash.digest128().to_le_bytes());
                self.hash.reset();
                self.in_chunk = 0;
            }
            bytes = later;
        }
    }

    /// The sums of the chunks (the last may be shorter).
    fn finish(mut self) -> Vec<[u8; CHECKSUM]> {
        if self.in_chunk > 0 {
            self.sums.push(self.hash.digest128().to_le_bytes());
        }
        self.sums
    }
}

/// Writes a cache file run by run of patches: the prefix and header first, then the text of
/// each run as it is added ([`Writer::add`]), so a source can be read a window at a time and
/// no more than a window of it is ever held; the meta, kept serialised meanwhile, and the
/// checksums go last, and the prefix, whose lengths are known only then, is put in at the
/// start at the end ([`Writer::finish`]).
pub struct Writer<W: std::io::Write + std::io::Seek> {
    out: W,
    header: Vec<u8>,
    text_len: u64,
    text_sums: ChunkSums,
    /// A file the patches are serialised to, one after the other, till the end, so they are
    /// not held in memory meanwhile (tens of megabytes on a large source).
    spill: std::io::BufWriter<std::fs::File>,
    patches_len: u64,
    scratch: Vec<u8>,
    /// The most text the file may hold ([`Writer::limiting_text`]).
    text_limit: u64,
    count: usize,
    block_ends: Vec<u64>,
}

impl<W: std::io::Write + std::io::Seek> Writer<W> {
    /// Starts the file of a source with this header in `out` (at its start), keeping the
    /// serialised patches in `spill` (an empty file) till the end.
    pub fn new(mut out: W, header: &Header, spill: std::fs::File) -> std::io::Result<Self> {
        let header = postcard::to_stdvec(header).map_err(std::io::Error::other)?;
        out.write_all(&[0; PREFIX])?;
        out.write_all(&header)?;
        Ok(Writer {
            out,
            header,
            text_len: 0,
            text_sums: ChunkSums::default(),
            spill: std::io::BufWriter::with_capacity(1 << 20, spill),
            patches_len: 0,
            scratch: Vec::new(),
            text_limit: MAX_TEXT,
            count: 0,
            block_ends: Vec::new(),
        })
    }

    /// Holds at most `bytes` of text (at most 4 GiB, where every text of a map, a
    /// `SharedText` range, stops; a test may ask for less).
    pub fn limiting_text(mut self, bytes: u64) -> Self {
        self.text_limit = bytes.min(MAX_TEXT);
        self
    }

    /// Where the text starts in the file.
    pub fn text_start(&self) -> u64 {
        (PREFIX + self.header.len()) as u64
    }

    /// How long the text written so far is.
    pub fn text_len(&self) -> u64 {
        self.text_len
    }

    /// The file being written (to flush it, say, before a part of it is mapped).
    pub fn out(&mut self) -> &mut W {
        &mut self.out
    }

    /// Writes the texts of `patches` and keeps their meta; returns where each patch's texts
    /// are in the text (from its start). `Ok(None)`: they cannot be cached (a diff was
    /// changed and so is no longer its text, or the text would pass 4 GiB, where every text
    /// of a map, a `SharedText` range, stops); the file is then of no use.
    pub fn add(&mut self, patches: &[Patch]) -> std::io::Result<Option<Vec<TextRanges>>> {
        let Some(plan) = plan_text(patches, self.text_len) else {
            return Ok(None);
        };
        if plan.len > self.text_limit {
            return Ok(None);
        }
        for piece in &plan.pieces {
            self.out.write_all(piece.as_bytes())?;
            self.text_sums.update(piece.as_bytes());
        }
        self.text_len = plan.len;
        for (p, texts) in patches.iter().zip(&plan.placements) {
            // (Every diff is one kept as its text: `plan_text` saw to it.)
            let (has_files, diff_facts) = p.diff.stored().map_or((false, None), |(_, h, f)| (h, f));
            let meta = PatchMetaRef {
                key: &p.key,
                mail: &p.mail,
                subject: &p.subject,
                author: &p.author,
                author_source: p.author_source,
                date: p.date,
                texts,
                trailers: trailer_parts(&p.trailers),
                trailer_start: p.trailer_start as u64,
                has_files,
                diff_facts,
                extra_problems: &p.extra_problems,
                as_reply: p
                    .as_reply
                    .as_ref()
                    .map(|facts| (facts.carries_patch, trailer_parts(&facts.trailers))),
            };
            self.scratch.clear();
            self.scratch = postcard::to_extend(&meta, std::mem::take(&mut self.scratch))
                .map_err(std::io::Error::other)?;
            self.spill.write_all(&self.scratch)?;
            self.patches_len += self.scratch.len() as u64;
            self.count += 1;
            if self.count.is_multiple_of(BLOCK) {
                self.block_ends.push(self.patches_len);
            }
        }
        Ok(Some(plan.placements))
    }

    /// Writes the meta (with the skipped messages, how many messages the source held and
    /// whether it is an mbox), the checksums and the prefix; returns the writer.
    pub fn finish(
        mut self,
        skipped: &[Skipped],
        entries: usize,
        appendable: bool,
    ) -> std::io::Result<W> {
        let io = std::io::Error::other;
        if !self.count.is_multiple_of(BLOCK) {
            self.block_ends.push(self.patches_len);
        }
        let mut lead = postcard::to_stdvec(&(self.count as u64)).map_err(io)?;
        lead = postcard::to_extend(&self.block_ends, lead).map_err(io)?;
        let tail = postcard::to_stdvec(&(skipped, entries, appendable)).map_err(io)?;
        let meta_len = (lead.len() + tail.len()) as u64 + self.patches_len;
        let mut prefix = Vec::with_capacity(PREFIX);
        prefix.extend_from_slice(MAGIC);
        prefix.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        prefix.extend_from_slice(&(self.header.len() as u32).to_le_bytes());
        prefix.extend_from_slice(&meta_len.to_le_bytes());
        prefix.extend_from_slice(&self.text_len.to_le_bytes());
        let mut meta = Summed {
            out: &mut self.out,
            sums: ChunkSums::default(),
        };
        meta.write_all(&lead)?;
        let mut spill = self.spill.into_inner().map_err(|e| e.into_error())?;
        spill.seek(std::io::SeekFrom::Start(0))?;
        if std::io::copy(&mut spill.take(self.patches_len), &mut meta)? != self.patches_len {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        meta.write_all(&tail)?;
        let meta_sums = meta.sums.finish();
        self.out
            .write_all(&combine(&[&prefix, &self.header], &meta_sums))?;
        self.out
            .write_all(&combine(&[], &self.text_sums.finish()))?;
        self.out.seek(std::io::SeekFrom::Start(0))?;
        self.out.write_all(&prefix)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A writer that passes on what it is given and sums it in 4 MiB chunks ([`ChunkSums`]).
struct Summed<'w, W: std::io::Write> {
    out: &'w mut W,
    sums: ChunkSums,
}

impl<W: std::io::Write> std::io::Write for Summed<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.sums.update(&buf[..n]);
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
    let spill = tempfile::tempfile().ok()?;
    let mut writer = Writer::new(std::io::Cursor::new(Vec::new()), header, spill).ok()?;
    writer.add(&parsed.patches).ok()??;
    let out = writer.finish(&parsed.skipped, entries, appendable).ok()?;
    Some(out.into_inner())
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
        .try_fold(PREFIX as u64 + SUMS as u64, |a, &l| a.checked_add(l));
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
    let (text, rest) = rest.split_at(lens[2] as usize);
    let (meta, sum) = rest.split_at(lens[1] as usize);
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

/// The header of the cache file at `path`, read alone (its prefix and header, not the rest;
/// lengths checked against the file's size, checksum not checked).
pub fn read_header(path: &Path) -> Option<Header> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let size = file.metadata().ok()?.len();
    let mut bytes = Vec::with_capacity(PREFIX);
    (&mut file)
        .take(PREFIX as u64)
        .read_to_end(&mut bytes)
        .ok()?;
    let lens = prefix_lengths(&bytes).ok()?;
    check_size(&lens, size).ok()?;
    file.take(lens[0]).read_to_end(&mut bytes).ok()?;
    postcard::from_bytes(bytes.get(PREFIX..)?).ok()
}

/// A cache file's content, or why it cannot be used.
pub fn decode(bytes: &[u8]) -> Result<CacheFile, String> {
    let s = sections(bytes)?;
    if checksum(&[s.prefix, s.header], s.meta, s.text)[..] != *s.sum {
        return Err("corrupt (checksum)".into());
    }
    let text = String::from_utf8(s.text.to_vec()).map_err(|_| NOT_UTF8.to_string())?;
    let decoded = decode_meta(s.header, s.meta, &|_| ())?;
    attach(decoded, &Arc::new(Buffer::Owned(text)))
}

const NOT_UTF8: &str = "corrupt (text not UTF-8)";

/// When the text of a cache file is checked (its UTF-8 and its checksum; the rest is always
/// checked before it is decoded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextCheck {
    /// As the file is read.
    #[default]
    Now,
    /// When a text is first read (once, all of it), for a caller that may never read one: a
    /// listing. If the check then fails, every text reads as empty and the file is removed,
    /// so the next open rebuilds it.
    WhenRead,
}

/// Reads and decodes the cache file at `path` (`Err(None)`: there is none). The file is
/// memory-mapped, not read into memory, and each page is read once and dropped, all on every
/// core: the text's for the checksum and the UTF-8 check, the meta's for the checksum and
/// then to be decoded block by block. A body's pages are read again only when it is looked
/// at. Where the file cannot be mapped it is read whole.
pub fn read(path: &Path) -> Result<CacheFile, Option<String>> {
    read_checking(path, TextCheck::Now)
}

/// [`read`], with the text checked when `check` says.
pub fn read_checking(path: &Path, check: TextCheck) -> Result<CacheFile, Option<String>> {
    use std::io::Read;
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
    let text_start = PREFIX + lens[0] as usize;
    let text = text_start..text_start + lens[2] as usize;
    if check == TextCheck::WhenRead {
        let (decoded, expected) = checked_meta(&mapped)?;
        let stale = path.to_path_buf();
        let text = mapped
            .into_text_when_read(
                text,
                CHUNK,
                chunk_sum,
                move |sums| combine(&[], sums)[..] == expected[..],
                move || {
                    let _ = std::fs::remove_file(&stale);
                },
            )
            .map_err(|_| Some("truncated".to_string()))?;
        return Ok(attach(decoded, &Arc::new(Buffer::Mapped(text)))?);
    }
    let (text, meta) = mapped.into_text(text, CHUNK, chunk_sum, checked_meta);
    let (text, text_sums) = text.map_err(|e| match e {
        MapError::NotUtf8 => NOT_UTF8.to_string(),
        MapError::OutOfRange => "truncated".to_string(),
        MapError::Io(e) => format!("unreadable ({e})"),
    })?;
    let (decoded, text_sum) = meta?;
    if combine(&[], &text_sums)[..] != text_sum[..] {
        return Err(Some("corrupt (checksum)".into()));
    }
    Ok(attach(decoded, &Arc::new(Buffer::Mapped(text)))?)
}

/// The meta of a mapped cache file, checked against its checksum and then decoded (each
/// block's pages released once decoded), and the checksum its text must have.
fn checked_meta(file: &MappedFile) -> Result<(Decoded, Vec<u8>), String> {
    let s = sections(file.bytes())?;
    let sums: Vec<_> = s.meta.par_chunks(CHUNK).map(chunk_sum).collect();
    if combine(&[s.prefix, s.header], &sums)[..] != s.sum[..CHECKSUM] {
        return Err("corrupt (checksum)".to_string());
    }
    let decoded = decode_meta(s.header, s.meta, &|part| file.release(part));
    file.release(s.header);
    Ok((decoded?, s.sum[CHECKSUM..].to_vec()))
}

/// A cache file decoded but for the texts of its patches: where each patch's are in the
/// text, and its diff's paths.
struct Decoded {
    file: CacheFile,
    placed: Vec<Placed>,
}

#[derive(Default)]
struct Placed {
    texts: TextRanges,
    /// Whether the diff holds a file, and its facts if kept.
    diff: KeptDiff,
}

/// What the meta keeps of a diff besides its text: whether it holds a file, and its facts
/// when they were worked out.
type KeptDiff = (bool, Option<DiffFacts>);

/// Decodes a cache file's header and meta, its blocks of patches on every core, handing
/// `done` each part of the meta once it has been decoded, once each (to release its pages):
/// the meta is never held twice.
fn decode_meta(
    header: &[u8],
    meta: &[u8],
    done: &(dyn Fn(&[u8]) + Sync),
) -> Result<Decoded, String> {
    let header: Header =
        postcard::from_bytes(header).map_err(|e| format!("corrupt header: {e}"))?;
    header.check_version()?;
    let corrupt = |e: postcard::Error| format!("corrupt: {e}");
    // The meta's parts in order (`Writer::finish`).
    let (count, rest) = postcard::take_from_bytes::<u64>(meta).map_err(corrupt)?;
    let (block_ends, patches) = postcard::take_from_bytes::<Vec<u64>>(rest).map_err(corrupt)?;
    let lead = &meta[..meta.len() - patches.len()];
    if block_ends.len() as u64 != count.div_ceil(BLOCK as u64) {
        return Err("corrupt (its blocks do not hold its patches)".into());
    }
    let mut blocks = Vec::with_capacity(block_ends.len());
    let mut start = 0;
    for &end in &block_ends {
        let end = usize::try_from(end).unwrap_or(usize::MAX);
        if end < start || end > patches.len() {
            return Err("corrupt (a block outside the meta)".into());
        }
        blocks.push(&patches[start..end]);
        start = end;
    }
    let tail = &patches[start..];
    // (The meta's checksum is good, so the count is what was written; and no patch takes
    // fewer than `MIN_PATCH_META` bytes, so a count the meta cannot hold is refused before
    // room is made for it.)
    let count = usize::try_from(count)
        .ok()
        .filter(|&n| {
            n.checked_mul(MIN_PATCH_META)
                .is_some_and(|b| b <= patches.len())
        })
        .ok_or("corrupt (more patches than the meta can hold)")?;
    // Each block is decoded into its own stretch of the lists: no patch is moved after. The
    // list has room for an eighth more (pages never touched cost no memory): a source that
    // grew has its tail added to it without moving every patch (until its tail is an eighth,
    // when the cache file is written anew).
    let mut decoded = Vec::with_capacity(count + count / 8);
    decoded.resize_with(count, Patch::default);
    let mut placed = Vec::new();
    placed.resize_with(count, Placed::default);
    decoded
        .par_chunks_mut(BLOCK)
        .zip(placed.par_chunks_mut(BLOCK))
        .zip(blocks.par_iter())
        .try_for_each(|((patches, placed), block)| {
            decode_block(block, patches, placed).map_err(corrupt)?;
            done(block);
            Ok::<_, String>(())
        })?;
    let ((skipped, entries, appendable), _) =
        postcard::take_from_bytes::<(Vec<Skipped>, usize, bool)>(tail).map_err(corrupt)?;
    done(lead);
    done(tail);
    let patches = decoded;
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

/// Decodes one block of the meta into `patches` and where their texts are into `placed`
/// (as many as there are patches); the texts are still to be attached.
fn decode_block(
    mut block: &[u8],
    patches: &mut [Patch],
    placed: &mut [Placed],
) -> postcard::Result<()> {
    // Till `attach` every text is empty.
    let empty = SharedText::default();
    for (patch_slot, placed_slot) in patches.iter_mut().zip(placed) {
        let (m, after) = postcard::take_from_bytes::<PatchMeta>(block)?;
        block = after;
        let mut mail = m.mail;
        mail.body = empty.clone();
        let patch = Patch {
            key: m.key,
            mail,
            subject: m.subject,
            author: m.author,
            author_source: m.author_source,
            date: m.date,
            message: empty.clone(),
            trailers: trailers_from_parts(m.trailers),
            trailer_start: m.trailer_start as usize,
            notes: empty.clone(),
            diff: LazyDiff::default(),
            extra_problems: m.extra_problems,
            as_reply: m.as_reply.map(|(carries_patch, trailers)| ReplyFacts {
                carries_patch,
                trailers: trailers_from_parts(trailers),
            }),
        };
        *placed_slot = Placed {
            texts: m.texts,
            diff: (m.has_files, m.diff_facts),
        };
        *patch_slot = patch;
    }
    if block.is_empty() {
        Ok(())
    } else {
        Err(postcard::Error::DeserializeBadEncoding)
    }
}

/// Puts each patch's texts in, as slices of `text`.
fn attach(decoded: Decoded, text: &Arc<Buffer>) -> Result<CacheFile, String> {
    let Decoded { mut file, placed } = decoded;
    for (patch, Placed { mut texts, diff }) in file.patches.iter_mut().zip(placed) {
        let spans = std::mem::take(&mut texts.header_spans);
        place_texts(patch, &texts, diff, spans, text, 0)?;
    }
    Ok(file)
}

/// Makes each of `patches`' texts the slice of `text` that `placed` says, where `text` is
/// the file's text from `base` on: the patches no longer hold the buffers they were built
/// from. (Where a run of patches that [`Writer::add`] has just written is given the part of
/// the file it wrote, mapped.)
pub fn rebase(
    patches: &mut [Patch],
    placed: &[TextRanges],
    text: &Arc<Buffer>,
    base: u64,
) -> Result<(), String> {
    for (patch, texts) in patches.iter_mut().zip(placed) {
        let diff = std::mem::take(&mut patch.diff).into_kept();
        let spans = std::mem::take(&mut patch.mail.headers).into_spans();
        place_texts(patch, texts, diff, spans, text, base)?;
    }
    Ok(())
}

fn place_texts(
    patch: &mut Patch,
    texts: &TextRanges,
    (has_files, facts): KeptDiff,
    header_spans: Vec<HeaderSpan>,
    text: &Arc<Buffer>,
    base: u64,
) -> Result<(), String> {
    let slice = |(start, len): (u64, u64)| {
        start
            .checked_sub(base)
            .and_then(|s| usize::try_from(s).ok())
            .zip(usize::try_from(len).ok())
            .and_then(|(s, l)| SharedText::range(text, s..s.checked_add(l)?))
            .ok_or_else(|| "corrupt (a text outside the text)".to_string())
    };
    patch.mail.body = slice(texts.body)?;
    patch.diff = LazyDiff::from_stored(slice(texts.diff)?, has_files, facts);
    patch.message = slice(texts.message)?;
    patch.notes = slice(texts.notes)?;
    patch.mail.headers = Headers::from_parts(slice(texts.headers)?, header_spans);
    Ok(())
}

/// `bytes` with its checksum made right, when its lengths add up (so the fuzzer reaches the
/// decoding behind the checksum).
pub fn reseal(bytes: &[u8]) -> Option<Vec<u8>> {
    let s = sections(bytes).ok()?;
    let sum = checksum(&[s.prefix, s.header], s.meta, s.text);
    let mut out = bytes[..bytes.len() - SUMS].to_vec();
    out.extend_from_slice(&sum);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header of a cache of a one-byte file in a new temporary dir (kept while it lives).
    fn test_header() -> (tempfile::TempDir, Header) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q");
        std::fs::write(&path, "x").unwrap();
        let header = Header::of(
            &SourceKey::new(&path, SourceKind::File, "q"),
            &Stamp::of(&path, SourceKind::File).unwrap(),
        );
        (dir, header)
    }

    #[test]
    fn the_meta_is_decoded_in_blocks_released_once_each_and_its_texts_are_slices_of_the_text() {
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
        let header = Header::of(
            &SourceKey::new(&path, SourceKind::File, "q.mbox"),
            &Stamp::of(&path, SourceKind::File).unwrap(),
        );
        let bytes = encode(&header, &parsed, 4000, true).unwrap();
        let s = sections(&bytes).unwrap();
        // The commit messages are in the text, not the meta.
        assert!(
            s.meta.len() < s.text.len() / 2,
            "{} bytes of meta",
            s.meta.len()
        );
        let text = Arc::new(Buffer::Owned(String::from_utf8(s.text.to_vec()).unwrap()));
        let stretches = std::sync::Mutex::new(Vec::new());
        let done = |part: &[u8]| {
            let at = part.as_ptr() as usize - s.meta.as_ptr() as usize;
            stretches.lock().unwrap().push(at..at + part.len());
        };
        let decoded = attach(decode_meta(s.header, s.meta, &done).unwrap(), &text).unwrap();
        assert_eq!(
            format!("{:?}", decoded.patches),
            format!("{:?}", parsed.patches)
        );
        // Every text of every patch is a slice of the file's text: nothing was copied out.
        for p in &decoded.patches {
            let texts = [&p.mail.body, &p.message, &p.notes, p.mail.headers.parts().0];
            for t in texts {
                assert!(
                    t.is_empty() || t.same_buffer(&decoded.patches[0].mail.body),
                    "{t:?} is not a slice of the text"
                );
            }
            assert!(!p.mail.headers.is_empty() && !p.message.is_empty());
        }
        let mut stretches = stretches.into_inner().unwrap();
        stretches.sort_by_key(|r| r.start);
        assert!(
            stretches.len() > 4,
            "{} blocks: {stretches:?}",
            4000 / BLOCK
        );
        assert_eq!(stretches[0].start, 0);
        assert!(stretches.windows(2).all(|w| w[0].end == w[1].start));
        assert_eq!(stretches.last().unwrap().end, s.meta.len());
    }

    #[test]
    fn a_text_that_would_pass_4_gib_is_not_cached() {
        let (_dir, header) = test_header();
        let mail = crate::mail::parse_message(
            b"From: A <a@example.org>\nSubject: [PATCH] x\n\nBody.\n---\n\
              diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n",
            crate::mail::Origin::default(),
        )
        .unwrap();
        let patches = vec![Patch::from_message(mail)];
        let spill = tempfile::tempfile().unwrap();
        let mut writer = Writer::new(std::io::Cursor::new(Vec::new()), &header, spill).unwrap();
        assert!(writer.add(&patches).unwrap().is_some());
        // As if 4 GiB of text had been written before: one more patch would pass the end
        // of what a map's text can address.
        writer.text_len = u64::from(u32::MAX) - 8;
        assert!(writer.add(&patches).unwrap().is_none());
        writer.text_len = 0;
        assert!(writer.add(&patches).unwrap().is_some());
    }

    #[test]
    fn the_fuzz_seed_is_a_cache_file_of_this_format() {
        // So the fuzzer starts from a file that gets past the version check. When the version
        // changes, regenerate it: the cache file `XDG_CACHE_HOME=DIR patchdesk list
        // tests/fixtures/mail/format-patch.mbox` writes in DIR/patchdesk.
        let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
            "tests/fixtures/fuzz/cache/format-patch-v{FORMAT_VERSION}"
        ));
        let bytes = std::fs::read(&seed).expect("a seed of this format version");
        let sections = sections(&bytes).expect("its lengths add up");
        assert!(postcard::from_bytes::<Header>(sections.header).is_ok());
        let sealed = reseal(&bytes).unwrap();
        let decoded = decode_meta(sections.header, sections.meta, &|_| ());
        // (It may be from an older crate version: then only the header check refuses it.)
        match decoded {
            Ok(d) => assert!(!d.file.patches.is_empty()),
            Err(why) => assert!(why.starts_with("written by patchdesk"), "{why}"),
        }
        assert_eq!(sealed.len(), bytes.len());
    }

    #[test]
    fn no_patch_takes_fewer_bytes_in_the_meta_than_the_decoder_allows() {
        let empty = Parsed {
            patches: vec![Patch::default()],
            ..Default::default()
        };
        let (_dir, header) = test_header();
        let one = encode(&header, &empty, 1, true).unwrap();
        let none = encode(&header, &Parsed::default(), 1, true).unwrap();
        let meta = |b: &[u8]| sections(b).unwrap().meta.len();
        assert!(
            meta(&one) - meta(&none) >= MIN_PATCH_META,
            "{}",
            meta(&one) - meta(&none)
        );
        assert_eq!(decode(&one).unwrap().patches.len(), 1);
    }

    #[test]
    fn the_sums_taken_while_writing_pieces_are_the_sums_of_their_text() {
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
        let mut sums = ChunkSums::default();
        let mut at = 0;
        for n in sizes {
            sums.update(&text[at..at + n]);
            at += n;
        }
        let whole: Vec<_> = text.par_chunks(CHUNK).map(chunk_sum).collect();
        assert_eq!(whole.len(), 4);
        assert_eq!(sums.finish(), whole);
        let file = checksum(&[b"head"], b"meta", &text);
        assert_eq!(file[CHECKSUM..], combine(&[], &whole));
        assert_ne!(checksum(&[b"head!"], b"meta", &text), file);
        assert_ne!(checksum(&[b"head"], b"meta!", &text), file);
        assert!(ChunkSums::default().finish().is_empty());
    }
}
