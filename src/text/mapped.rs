//! [`MappedText`]: UTF-8 text that is a read-only memory map of part of a file, so a cache
//! of hundreds of megabytes is read back without copying it into the heap, and its pages
//! cost memory only while they are being read.
//!
//! This is the crate's only `unsafe`, and it is confined here:
//! - **The map.** Mapping a file is sound only while nobody changes the mapped bytes.
//!   patchdesk maps only its own cache files, and never changes a byte of one that is
//!   mapped: a cache file is written under a temporary name (appended to while it is
//!   written, its prefix put in last, never over a part already mapped) and renamed over
//!   the old one, and cleared by unlinking it. Either leaves a mapped file's inode as it was.
//! - **The text.** The mapped bytes are checked to be UTF-8 once: when the map is made, or,
//!   put off ([`MappedFile::into_text_when_read`]), before the text is first read (until
//!   then, and if the check fails, it reads as empty). They cannot change after (above), so
//!   later reads take them as `str` without checking again. The one exception is
//!   [`MappedText::written`]: a part of a cache file that this process has itself just
//!   written, whole `str`s one after the other, to a temporary file it created (private to
//!   the user, under a fresh name); those bytes are UTF-8 because they were written so.
//! - **Releasing pages.** The pages are dropped from the process as soon as they have been
//!   checked (`MADV_DONTNEED`). On a read-only map of a file this loses nothing: a page read
//!   again is read back from the file (from the page cache, where it still is).

use memmap2::{Mmap, UncheckedAdvice};
use rayon::prelude::*;
use std::fs::File;
use std::ops::Range;

/// A file mapped read-only, its bytes not yet checked for anything.
pub struct MappedFile {
    map: Mmap,
}

/// Part of a mapped file, known to be UTF-8, or to be checked when it is first read.
pub struct MappedText {
    file: MappedFile,
    range: Range<usize>,
    /// The check put off till the text is first read ([`MappedFile::into_text_when_read`]).
    deferred: Option<Deferred>,
}

/// The checksum of a chunk.
type ChunkSum = [u8; 16];
/// Takes a chunk's sum.
type Visit = Box<dyn Fn(&[u8]) -> ChunkSum + Send + Sync>;
/// Says whether the chunks' sums are right.
type Accept = Box<dyn Fn(&[ChunkSum]) -> bool + Send + Sync>;

/// A check of a mapped text's bytes, run once, when the text is first read.
struct Deferred {
    chunk: usize,
    /// Takes each chunk's sum (as [`MappedFile::into_text`]'s `visit` does).
    visit: Visit,
    /// Whether the sums are right.
    accept: Accept,
    /// Told when the check failed (to drop the file, say).
    failed: Box<dyn Fn() + Send + Sync>,
    passed: std::sync::OnceLock<bool>,
}

/// Why a file's part could not be mapped as text.
#[derive(Debug)]
pub enum MapError {
    Io(std::io::Error),
    /// The range is not inside the file.
    OutOfRange,
    NotUtf8,
}

impl MappedFile {
    pub fn map(file: &File) -> Result<MappedFile, MapError> {
        // SAFETY: see the module's doc: only cache files are mapped, and they are never
        // changed in place.
        let map = unsafe { Mmap::map(file) }.map_err(MapError::Io)?;
        Ok(MappedFile { map })
    }

    /// The whole file.
    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// Drops the pages of `part` (bytes of [`MappedFile::bytes`]) from the process, once
    /// read: they are read back from the file if they are touched again.
    pub fn release(&self, part: &[u8]) {
        let at = (part.as_ptr() as usize).wrapping_sub(self.map.as_ptr() as usize);
        if at <= self.map.len() && part.len() <= self.map.len() - at {
            release(&self.map, at, part.len());
        }
    }

    /// Checks, in parallel chunks of `chunk` bytes, that `range` of the file is UTF-8, and
    /// makes it the text. Each chunk is handed to `visit` as well (to take a checksum, say)
    /// while its pages are in memory, and its pages are released after: the bytes are read
    /// once. `alongside` runs meanwhile, in parallel, over the file (to decode another part
    /// of it, say). Returns the text and what `visit` gave for each chunk, in order, and
    /// what `alongside` gave.
    pub fn into_text<T, F, R, A>(
        self,
        range: Range<usize>,
        chunk: usize,
        visit: F,
        alongside: A,
    ) -> (Result<(MappedText, Vec<T>), MapError>, R)
    where
        T: Send,
        F: Fn(&[u8]) -> T + Sync,
        R: Send,
        A: FnOnce(&MappedFile) -> R + Send,
    {
        if self.map.get(range.clone()).is_none() {
            return (Err(MapError::OutOfRange), alongside(&self));
        }
        let (checked, beside) = rayon::join(
            || check_chunks(&self.map, range.clone(), chunk, &visit, Spread::Rayon),
            || alongside(&self),
        );
        let Some(outs) = checked else {
            return (Err(MapError::NotUtf8), beside);
        };
        let text = MappedText {
            file: self,
            range,
            deferred: None,
        };
        (Ok((text, outs)), beside)
    }

    /// `range` of the file as text whose check is put off till it is first read: then, once,
    /// it is checked to be UTF-8 and `visit` takes the sum of each chunk of `chunk` bytes,
    /// in parallel, which `accept` must find right; if not, the text reads as empty (and
    /// `failed` is told). For a caller that may well never read it (a listing of subjects
    /// from a cache, whose texts are bodies), so that it is never read at all.
    pub fn into_text_when_read(
        self,
        range: Range<usize>,
        chunk: usize,
        visit: impl Fn(&[u8]) -> [u8; 16] + Send + Sync + 'static,
        accept: impl Fn(&[[u8; 16]]) -> bool + Send + Sync + 'static,
        failed: impl Fn() + Send + Sync + 'static,
    ) -> Result<MappedText, MapError> {
        if self.map.get(range.clone()).is_none() {
            return Err(MapError::OutOfRange);
        }
        Ok(MappedText {
            file: self,
            range,
            deferred: Some(Deferred {
                chunk,
                visit: Box::new(visit),
                accept: Box::new(accept),
                failed: Box::new(failed),
                passed: std::sync::OnceLock::new(),
            }),
        })
    }
}

impl MappedText {
    /// `range` of `file` mapped as text, unchecked: for a part of a cache file this process
    /// has just written from whole `str`s (see the module's doc), which is read back mapped
    /// so that the patches built from it hold the file's pages, not the heap's.
    pub fn written(file: &File, range: Range<u64>) -> Result<MappedText, MapError> {
        let len = usize::try_from(range.end.saturating_sub(range.start))
            .map_err(|_| MapError::OutOfRange)?;
        if file.metadata().map_err(MapError::Io)?.len() < range.end {
            return Err(MapError::OutOfRange);
        }
        // SAFETY: see the module's doc: a cache file, never changed in place.
        let map = unsafe {
            memmap2::MmapOptions::new()
                .offset(range.start)
                .len(len)
                .map(file)
        }
        .map_err(MapError::Io)?;
        Ok(MappedText {
            file: MappedFile { map },
            range: 0..len,
            deferred: None,
        })
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        if let Some(deferred) = &self.deferred
            && !*deferred.passed.get_or_init(|| self.run(deferred))
        {
            return "";
        }
        let bytes = &self.file.map[self.range.clone()];
        // SAFETY: checked to be UTF-8 in `into_text` or, deferred, just above (every chunk,
        // split on character starts), or written so (`written`), and the mapped file does
        // not change (see the module's doc).
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// How long the text is, without reading (or checking) it.
    pub fn len(&self) -> usize {
        self.range.len()
    }

    /// The text is empty (not read).
    pub fn is_empty(&self) -> bool {
        self.range.is_empty()
    }

    /// The deferred check, run (it passed, or it failed and `failed` was told).
    fn run(&self, deferred: &Deferred) -> bool {
        let passed = check_chunks(
            &self.file.map,
            self.range.clone(),
            deferred.chunk,
            &deferred.visit,
            Spread::Threads,
        )
        .is_some_and(|sums| (deferred.accept)(&sums));
        if !passed {
            (deferred.failed)();
        }
        passed
    }
}

/// Checks, in parallel chunks of `chunk` bytes, that `range` of `map` is UTF-8, handing each
/// chunk to `visit` while its pages are in memory and releasing them after: what `visit`
/// gave for each chunk, in order, or `None` when it is not UTF-8. `Spread::Rayon` runs the
/// chunks on rayon's pool; `Spread::Threads` on threads of its own, for a check run inside
/// a `OnceLock`'s initialiser: a rayon worker waiting there for its chunks could take up
/// other work meanwhile that reads the same text, and so initialise the cell again from
/// inside itself, which deadlocks.
fn check_chunks<T: Send>(
    map: &Mmap,
    range: Range<usize>,
    chunk: usize,
    visit: &(impl Fn(&[u8]) -> T + Sync + ?Sized),
    spread: Spread,
) -> Option<Vec<T>> {
    let bytes = map.get(range.clone())?;
    let chunk = chunk.max(4);
    let one = |(i, part): (usize, &[u8])| {
        let out = visit(part);
        // Checked from the first character that starts in this chunk to the first that
        // starts in the next: each character is checked once, whole.
        let from = char_start(bytes, i * chunk);
        let to = char_start(bytes, (i * chunk + part.len()).min(bytes.len()));
        let valid = simdutf8::basic::from_utf8(&bytes[from..to]).is_ok();
        release(map, range.start + i * chunk, part.len());
        (out, valid)
    };
    let results: Vec<(T, bool)> = match spread {
        Spread::Rayon => bytes.par_chunks(chunk).enumerate().map(one).collect(),
        Spread::Threads => {
            let chunks: Vec<(usize, &[u8])> = bytes.chunks(chunk).enumerate().collect();
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let per = chunks.len().div_ceil(threads).max(1);
            std::thread::scope(|scope| {
                let runs: Vec<_> = chunks
                    .chunks(per)
                    .map(|run| {
                        scope.spawn(move || run.iter().copied().map(one).collect::<Vec<_>>())
                    })
                    .collect();
                runs.into_iter()
                    .flat_map(|run| run.join().unwrap_or_default())
                    .collect()
            })
        }
    };
    if results.len() != bytes.len().div_ceil(chunk) || results.iter().any(|(_, valid)| !valid) {
        return None;
    }
    Some(results.into_iter().map(|(out, _)| out).collect())
}

/// Where [`check_chunks`] runs its chunks.
#[derive(Clone, Copy)]
enum Spread {
    Rayon,
    Threads,
}

/// The start of the character that `at` falls in (`at` itself at the end or on a start). A
/// UTF-8 character is at most 4 bytes, so this looks back at most 3.
fn char_start(bytes: &[u8], at: usize) -> usize {
    let mut at = at.min(bytes.len());
    let floor = at.saturating_sub(3);
    while at > floor && at < bytes.len() && (bytes[at] & 0xC0) == 0x80 {
        at -= 1;
    }
    at
}

/// Drops the pages of `len` bytes at `offset` of `map` from the process.
fn release(map: &Mmap, offset: usize, len: usize) {
    // SAFETY: the map is a read-only map of a file: a dropped page is read back from the
    // file when it is touched again, with the same bytes (the file does not change).
    let _ = unsafe { map.unchecked_advise_range(UncheckedAdvice::DontNeed, offset, len) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Maps `range` of `file` and makes it the text, with nothing alongside.
    fn open<T, F>(
        file: &File,
        range: Range<u64>,
        chunk: usize,
        visit: F,
    ) -> Result<(MappedText, Vec<T>), MapError>
    where
        T: Send,
        F: Fn(&[u8]) -> T + Sync,
    {
        let start = usize::try_from(range.start).map_err(|_| MapError::OutOfRange)?;
        let end = usize::try_from(range.end).map_err(|_| MapError::OutOfRange)?;
        if start > end {
            return Err(MapError::OutOfRange);
        }
        MappedFile::map(file)?
            .into_text(start..end, chunk, visit, |_| ())
            .0
    }

    fn file_with(bytes: &[u8]) -> File {
        let mut file = tempfile::tempfile().expect("temp file");
        file.write_all(bytes).expect("write");
        file
    }

    #[test]
    fn maps_the_range_as_text_and_visits_every_chunk_in_order() {
        let text = "head|é€𝄞 and more text|tail";
        let file = file_with(text.as_bytes());
        let body = 5..text.len() as u64 - 5;
        // Chunks of 4 bytes split the multi-byte characters in every way.
        let (mapped, chunks) = open(&file, body.clone(), 4, |c: &[u8]| c.to_vec()).expect("maps");
        assert_eq!(mapped.as_str(), &text[5..text.len() - 5]);
        assert_eq!(chunks.concat(), &text.as_bytes()[5..text.len() - 5]);
        assert!(chunks.iter().all(|c| c.len() <= 4));
        assert_eq!(mapped.file.bytes(), text.as_bytes());
        // Released pages read back the same; a part of another buffer is left alone.
        mapped.file.release(&mapped.file.bytes()[1..9]);
        mapped.file.release(b"elsewhere");
        assert_eq!(mapped.file.bytes(), text.as_bytes());
        assert_eq!(mapped.as_str(), &text[5..text.len() - 5]);
    }

    #[test]
    fn refuses_text_that_is_not_utf8_wherever_it_is() {
        let mut bytes = "abcdefghijklmnop".as_bytes().to_vec();
        for at in 0..bytes.len() {
            let saved = bytes[at];
            bytes[at] = 0xFF;
            let file = file_with(&bytes);
            let got = open(&file, 0..bytes.len() as u64, 4, |_| ());
            assert!(matches!(got, Err(MapError::NotUtf8)), "byte {at}");
            bytes[at] = saved;
        }
        // A character cut off by the end of the range.
        let file = file_with("ab€".as_bytes());
        let got = open(&file, 0..4, 2, |_| ());
        assert!(matches!(got, Err(MapError::NotUtf8)));
    }

    #[test]
    fn the_work_alongside_sees_the_whole_file_whether_or_not_the_text_is_good() {
        for (bytes, good) in [
            (&b"head|textmore"[..], true),
            (&b"head|te\xFFtmore"[..], false),
        ] {
            let file = file_with(bytes);
            let map = MappedFile::map(&file).expect("maps");
            let (text, beside) =
                map.into_text(5..13, 4, |c: &[u8]| c.len(), |f| f.bytes()[..4].to_vec());
            assert_eq!(beside, b"head");
            match text {
                Ok((text, lens)) => {
                    assert!(good);
                    assert_eq!(text.as_str(), "textmore");
                    assert_eq!(lens, [4, 4]);
                }
                Err(e) => assert!(!good && matches!(e, MapError::NotUtf8)),
            }
        }
    }

    #[test]
    fn a_range_outside_the_file_or_empty_is_handled() {
        let file = file_with(b"short");
        let got = open(&file, 2..9, 4, |_| ());
        assert!(matches!(got, Err(MapError::OutOfRange)));
        let (empty, chunks) = open(&file, 3..3, 4, |_| ()).expect("empty");
        assert_eq!(empty.as_str(), "");
        assert!(chunks.is_empty());
    }
}
