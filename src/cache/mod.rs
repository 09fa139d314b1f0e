//! The persistent index: the messages read from a source, each built into its patch model
//! ([`Parsed`]), kept in one versioned, checksummed binary file per source under the cache
//! dir ([`crate::fsutil::cache_dir`]), so reopening an unchanged source reads that file
//! instead of parsing the mail again, an mbox that only grew has only its new tail parsed,
//! and a maildir only its new files.
//!
//! The cache is only a cache: a missing, old-version, truncated or corrupt file, or one whose
//! source changed ([`stamp`]: size, mtime, ctime, inode and the hash of the first and last
//! 64 KiB of a file; name, size, mtime, ctime and inode of each file of a directory), is
//! rebuilt without an error. A file is written under a temporary name and renamed into place
//! ([`crate::fsutil::Replacement`]), so two processes filling the same cache at once leave
//! one whole file. The layout is in [`format`].
//!
//! A cold mbox is read straight into its new cache file a window at a time ([`stream`]), so
//! it is never held whole in memory.
//!
//! Cached: a file (mbox, one message; appended tails are read incrementally), a maildir (new
//! files read incrementally) and a directory of patches (hit or miss). A quilt series,
//! public-inbox, git range, standard input and the demo queue bypass the cache.
//!
//! Beside a cache file ([`sidecar`]): the table a plain `list` printed ([`listing`]), and
//! the diff facts a load worked out after the file was written ([`facts`]).

pub mod facts;
pub mod format;
pub mod listing;
pub mod sidecar;
pub mod stamp;
mod stream;

use crate::fsutil::Replacement;
use crate::mail::mbox;
use crate::patch::Parsed;
use crate::source::{self, MessageReader, SourceKind, SourceSpec};
use crate::{Error, Result};
use chrono::{DateTime, FixedOffset};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

pub use facts::{FactsAt, FactsFile};
pub use format::{CacheFile, Header, SourceKey, TextCheck};
pub use stamp::Stamp;

/// The kinds of file kept beside a cache file ([`sidecar`]).
pub static SIDECARS: [sidecar::Kind; 2] = [listing::KIND, facts::KIND];

/// The kind of file kept beside a cache file that `path` is named as, if any.
pub fn sidecar_of(path: &Path) -> Option<&'static sidecar::Kind> {
    SIDECARS.iter().find(|kind| kind.names(path))
}

/// What the cache did for one load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheOutcome {
    /// No cache file yet: the source was read and the cache written.
    Cold,
    /// The cache matched the source: nothing was parsed.
    Hit,
    /// The source only grew: its new messages were parsed and added.
    Appended,
    /// The cache could not be used (the reason) and was written anew.
    Rebuilt(String),
    /// The cache was not used (`--no-cache`, a source kind it does not keep, no cache dir).
    Bypassed,
}

impl std::fmt::Display for CacheOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheOutcome::Cold => f.write_str("cold (cache written)"),
            CacheOutcome::Hit => f.write_str("hit"),
            CacheOutcome::Appended => f.write_str("appended (new messages parsed)"),
            CacheOutcome::Rebuilt(why) => write!(f, "rebuilt ({why})"),
            CacheOutcome::Bypassed => f.write_str("bypassed"),
        }
    }
}

/// A cache dir.
#[derive(Debug, Clone)]
pub struct Cache {
    pub dir: PathBuf,
    /// How much of an mbox a cold read takes at a time ([`stream`]).
    window: usize,
    /// When the texts of a cache file read back are checked.
    text_check: TextCheck,
    /// The most text a cold mbox read writes to a cache file ([`format::Writer::limiting_text`]).
    text_limit: u64,
}

impl Cache {
    /// The cache in `dir`.
    pub fn at(dir: impl Into<PathBuf>) -> Cache {
        Cache {
            dir: dir.into(),
            window: stream::WINDOW,
            text_check: TextCheck::Now,
            text_limit: format::MAX_TEXT,
        }
    }

    /// This cache, writing at most `bytes` of text to the file of a cold mbox read (4 GiB at
    /// most, the default; a test asks for less to see what happens past it).
    pub fn limiting_text(self, bytes: u64) -> Cache {
        Cache {
            text_limit: bytes,
            ..self
        }
    }

    /// This cache, checking the texts of the files it reads back when `check` says.
    pub fn checking_texts(self, check: TextCheck) -> Cache {
        Cache {
            text_check: check,
            ..self
        }
    }

    /// This cache, reading a cold mbox `bytes` at a time (a window grows to hold a longer
    /// message) rather than [`stream::WINDOW`].
    pub fn windowed(self, bytes: usize) -> Cache {
        Cache {
            window: bytes,
            ..self
        }
    }

    /// The user's cache ([`crate::fsutil::cache_dir`]); `None` when there is no home.
    pub fn from_env() -> Option<Cache> {
        crate::fsutil::cache_dir().map(Cache::at)
    }

    /// The cache file of a source.
    pub fn file_for(&self, key: &SourceKey) -> PathBuf {
        self.dir.join(format!("{}.cache", key.id()))
    }

    /// The cache files and the files beside them ([`SIDECARS`]) in the dir, with their headers
    /// (`None`: unreadable).
    pub fn files(&self) -> Vec<(PathBuf, u64, Option<Header>)> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut files: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "cache") || sidecar_of(p).is_some())
            .map(|p| {
                let size = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
                let bytes = std::fs::read(&p).ok();
                let header = bytes.and_then(|b| match sidecar_of(&p) {
                    Some(kind) => kind.decode_header(&b).ok(),
                    None => format::decode_header(&b).ok(),
                });
                (p, size, header)
            })
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    }

    /// Removes every cache file and every file beside one (and temporary files a killed writer
    /// left); returns how many.
    pub fn clear(&self) -> Result<usize> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Ok(0);
        };
        let mut removed = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = name.ends_with(".cache")
                || sidecar_of(&path).is_some()
                || name.ends_with(crate::fsutil::TEMP_SUFFIX);
            if ours {
                std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Reads `spec` through the cache, built into patches (then keeps the `since` window,
    /// as [`source::load_since`] does).
    pub fn load_since(
        &self,
        spec: &SourceSpec,
        since: Option<DateTime<FixedOffset>>,
        facts: FactsAt,
    ) -> Result<(Parsed, CacheOutcome)> {
        let Some((path, kind)) = kept_source(spec)? else {
            return Ok((uncached(spec, since, facts)?, CacheOutcome::Bypassed));
        };
        let (parsed, outcome, kept) = self.load_path(spec, path, kind, facts)?;
        if facts == FactsAt::Load {
            survey_keeping(&parsed, Some(&kept));
        }
        Ok((parsed.since(since), outcome))
    }

    /// The source read through its cache file, and the facts file of the cache file its
    /// first patches are from (or were just written to).
    fn load_path(
        &self,
        spec: &SourceSpec,
        path: &Path,
        kind: SourceKind,
        facts: FactsAt,
    ) -> Result<(Parsed, CacheOutcome, FactsFile)> {
        let key = SourceKey::new(path, kind, &spec.name());
        let file = self.file_for(&key);
        let before = Stamp::of(path, kind)?;
        let outcome = match format::read_checking(&file, self.text_check) {
            Err(None) => CacheOutcome::Cold,
            Err(Some(why)) => CacheOutcome::Rebuilt(why),
            Ok(cached) if cached.header.key != key => {
                CacheOutcome::Rebuilt("another source's cache".into())
            }
            // A load that works the diff facts out reads every diff: a check of the texts put
            // off till they are read is run now, so that none is surveyed as empty.
            Ok(cached) if facts == FactsAt::Load && !cached.texts_readable() => {
                CacheOutcome::Rebuilt("corrupt (checksum)".into())
            }
            Ok(mut cached) => {
                let kept = self.facts_file(&key, &cached.header, cached.patches.len());
                if facts == FactsAt::Load {
                    kept.attach(&mut cached.patches);
                }
                if cached.header.stamp == before {
                    return Ok((cached.parsed(), CacheOutcome::Hit, kept));
                }
                // The new tail is not the queue: the desk is not shown it alone.
                let extended =
                    crate::progress::unwatched(|| self.extend(path, kind, &key, cached, &before))?;
                match extended {
                    Ok((loaded, rewritten)) => {
                        let kept = match rewritten {
                            true => self.facts_file(
                                &key,
                                &Header::of(&key, &before),
                                loaded.patches.len(),
                            ),
                            false => kept,
                        };
                        return Ok((loaded, CacheOutcome::Appended, kept));
                    }
                    Err(why) => CacheOutcome::Rebuilt(why),
                }
            }
        };
        let appendable = kind == SourceKind::File && starts_with_from_line(path);
        let streamed = match appendable {
            true => stream::read_mbox(self, path, &key, &before)?,
            false => None,
        };
        let parsed = match streamed {
            Some(parsed) => parsed,
            None => {
                let parsed = Parsed::from_loaded(source::load(spec)?);
                let entries = parsed.patches.len() + parsed.skipped.len();
                self.store(path, kind, &key, &before, &parsed, entries, appendable);
                parsed
            }
        };
        let kept = self.facts_file(&key, &Header::of(&key, &before), parsed.patches.len());
        Ok((parsed, outcome, kept))
    }

    /// The facts file ([`facts`]) of the cache file of `key` with `header` and `count`
    /// patches.
    fn facts_file(&self, key: &SourceKey, header: &Header, count: usize) -> FactsFile {
        FactsFile::beside(&self.file_for(key), header.clone(), count)
    }

    /// The cached messages and those the source gained since, and whether the cache file was
    /// written anew with them all; `Err(reason)` when it did not only grow.
    fn extend(
        &self,
        path: &Path,
        kind: SourceKind,
        key: &SourceKey,
        cached: CacheFile,
        now: &Stamp,
    ) -> Result<std::result::Result<(Parsed, bool), String>> {
        let changed = || Ok(Err("source changed".to_string()));
        let name = &key.name;
        let mut reader = MessageReader::continuing(name, cached.entries, 0);
        match (&cached.header.stamp, now) {
            (Stamp::File(old), Stamp::File(new)) if kind == SourceKind::File => {
                if !cached.appendable || new.size <= old.size || old.size == 0 {
                    return changed();
                }
                let Ok(again) = stamp::FileStamp::hashes_at(path, old.size) else {
                    return changed();
                };
                if again != (old.head.clone(), old.tail.clone()) {
                    return changed();
                }
                let Some(tail) = read_tail(path, old.size) else {
                    return changed();
                };
                let first_line =
                    &tail[..tail.iter().position(|&b| b == b'\n').unwrap_or(tail.len())];
                if !mbox::is_from_line(first_line) {
                    return Ok(Err(
                        "source changed (grew, but not by whole messages)".into()
                    ));
                }
                reader = MessageReader::continuing(name, cached.entries, old.size);
                source::read_file_source(&mut reader, path, tail);
            }
            (Stamp::Dir(old), Stamp::Dir(new)) if kind == SourceKind::Maildir => {
                if new.len() <= old.len() || new[..old.len()] != old[..] {
                    return changed();
                }
                let files: Vec<(String, PathBuf)> = new[old.len()..]
                    .iter()
                    .map(|e| (e.name.clone(), path.join(&e.name)))
                    .collect();
                source::dirs::read_maildir_files(&mut reader, &files)?;
            }
            _ => return changed(),
        }
        let entries = cached.entries + reader.len();
        let rewrite = worth_rewriting(cached.entries, reader.len());
        // The cached patches are to be written again: their texts must be sound (a check put
        // off till they are read would otherwise have them written empty).
        if rewrite && !cached.texts_readable() {
            return Ok(Err("corrupt (checksum)".to_string()));
        }
        let appendable = cached.appendable;
        let mut parsed = cached.parsed();
        let tail = Parsed::from_loaded(reader.finish_part());
        // Exactly the room needed: a list of patches grown by doubling would hold as much
        // again as it has, empty.
        parsed.patches.reserve_exact(tail.patches.len());
        parsed.patches.extend(tail.patches);
        parsed.skipped.extend(tail.skipped);
        if rewrite {
            self.store(path, kind, key, now, &parsed, entries, appendable);
        }
        Ok(Ok((parsed, rewrite)))
    }

    /// Writes the cache of a source read with `stamp` taken before reading; nothing is
    /// written when the source changed while it was read, or when the write fails (the
    /// cache is only a cache).
    #[allow(clippy::too_many_arguments)]
    fn store(
        &self,
        path: &Path,
        kind: SourceKind,
        key: &SourceKey,
        stamp: &Stamp,
        parsed: &Parsed,
        entries: usize,
        appendable: bool,
    ) {
        if !stamp.is_current(path, kind) {
            return;
        }
        let Some((replacement, mut writer)) = self.new_file(key, stamp) else {
            return;
        };
        if let Ok(Some(_)) = writer.add(&parsed.patches)
            && writer.finish(&parsed.skipped, entries, appendable).is_ok()
        {
            let _ = replacement.commit();
        }
    }

    /// A new cache file for the source `key` read at `stamp`, under a temporary name till it
    /// is committed, and its writer; `None` when it cannot be made.
    fn new_file(&self, key: &SourceKey, stamp: &Stamp) -> Option<(Replacement, FileWriter)> {
        std::fs::create_dir_all(&self.dir).ok()?;
        let replacement = Replacement::new(&self.file_for(key)).ok()?;
        let out = std::io::BufWriter::with_capacity(1 << 20, replacement.file().try_clone().ok()?);
        let spill = tempfile::tempfile_in(&self.dir).ok()?;
        let writer = format::Writer::new(out, &Header::of(key, stamp), spill).ok()?;
        Some((replacement, writer))
    }
}

/// The writer of a cache file.
type FileWriter = format::Writer<std::io::BufWriter<std::fs::File>>;

/// The path and kind of `spec` when it is a source the cache keeps (a file, maildir or
/// directory of patches); `None` for any other, which is read as it is.
fn kept_source(spec: &SourceSpec) -> Result<Option<(&Path, SourceKind)>> {
    let SourceSpec::Path(path) = spec else {
        return Ok(None);
    };
    let kind = source::detect(path)?;
    let kept = matches!(
        kind,
        SourceKind::File | SourceKind::Maildir | SourceKind::PatchDir
    );
    Ok(kept.then_some((path.as_path(), kind)))
}

/// Reads `spec` through the user's cache when `use_cache` (and there is a cache dir), else
/// as [`source::load_since`] does; built into patches either way.
pub fn load_since(
    spec: &SourceSpec,
    since: Option<DateTime<FixedOffset>>,
    use_cache: bool,
    texts: TextCheck,
    facts: FactsAt,
) -> Result<(Parsed, CacheOutcome)> {
    match Cache::from_env().filter(|_| use_cache) {
        Some(cache) => cache.checking_texts(texts).load_since(spec, since, facts),
        None => Ok((uncached(spec, since, facts)?, CacheOutcome::Bypassed)),
    }
}

/// A source read without the cache, built into patches (their diff facts worked out when
/// `facts` says).
fn uncached(
    spec: &SourceSpec,
    since: Option<DateTime<FixedOffset>>,
    facts: FactsAt,
) -> Result<Parsed> {
    let parsed = Parsed::from_loaded(source::load_since(spec, since)?);
    if facts == FactsAt::Load {
        survey_keeping(&parsed, None);
    }
    Ok(parsed)
}

/// Works out the diff facts of every patch of `parsed` on every core, and keeps those of
/// the cache file's patches in its facts file when some of them were not kept there yet.
fn survey_keeping(parsed: &Parsed, kept: Option<&FactsFile>) {
    let unkept = |file: &FactsFile| {
        let cached = parsed.patches.get(..file.count()).unwrap_or_default();
        cached.iter().any(|p| p.diff.known_facts().is_none())
    };
    let to_keep = kept.filter(|file| unkept(file));
    crate::patch::survey_all(&parsed.patches);
    if let Some(file) = to_keep {
        file.write(&parsed.patches);
    }
}

/// A cache that lacks `new` messages the source gained since it was written (`cached` in it)
/// is written anew only once they are an eighth of it: until then each open parses just
/// that tail, which costs less than rewriting the whole cache would (a 400 MB cache for a
/// few hundred new mails), and the cache stays a good base for the next append.
fn worth_rewriting(cached: usize, new: usize) -> bool {
    new.saturating_mul(8) >= cached
}

/// The file is an mbox (its first line is a `From ` separator): a tail can be added to it.
fn starts_with_from_line(path: &Path) -> bool {
    let mut head = vec![0u8; 4096];
    let Ok(n) = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)) else {
        return false;
    };
    let head = &head[..n];
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let end = head[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(head.len(), |i| start + i);
    start < end && mbox::is_from_line(&head[start..end])
}

/// The bytes of `path` from `offset` on, when the byte before `offset` ends a line.
fn read_tail(path: &Path, offset: u64) -> Option<Vec<u8>> {
    let mut file = std::fs::File::open(path).ok()?;
    file.seek(SeekFrom::Start(offset - 1)).ok()?;
    let mut before = [0u8; 1];
    file.read_exact(&mut before).ok()?;
    if before != *b"\n" {
        return None;
    }
    // Read into room made once for the whole tail (it is tens of megabytes after a day).
    let len = file.metadata().ok()?.len().saturating_sub(offset);
    let mut data = Vec::with_capacity(usize::try_from(len).ok()?);
    file.read_to_end(&mut data).ok()?;
    Some(data)
}

#[cfg(test)]
mod tests;
