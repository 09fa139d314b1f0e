//! The cold read of an mbox, straight into its cache: the file is read a window of whole
//! messages at a time (16 MiB or so), each window is parsed and built into patches on every
//! core, its texts are written to the new cache file, and its patches are pointed at that
//! part of the file, mapped, before the window is let go; each window is written while the
//! next is parsed. So the mbox is never held whole: the process holds two windows and the
//! patches' small fields (the meta is kept in a temporary file till the end), and the
//! patches' long texts cost memory only while they are looked at, as after a reopen.
//!
//! The windows end where a separator line starts ([`mbox::last_separator`]), and each is
//! read as the rest of the mbox from there (its messages numbered on, their offsets in the
//! file), so the messages, their numbers and offsets are those a read of the whole file
//! gives.

use super::format::{self, SourceKey};
use super::{Cache, FileWriter, Stamp};
use crate::fsutil::Replacement;
use crate::mail::mbox;
use crate::patch::{Parsed, Patch};
use crate::progress::{self, Event};
use crate::source::{self, Held, MessageReader};
use crate::text::{Buffer, MappedText};
use crate::{Error, Result};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

/// How much of the mbox is read at a time (a window grows past it to hold a longer message).
pub const WINDOW: usize = 16 << 20;
/// The least a window shrinks to toward the end of the file ([`Windows::next`]); a sixteenth
/// of the window when that is less.
const TAIL_WINDOW: usize = 1 << 20;

/// Reads the mbox at `path` (its stamp `stamp`, taken before) window by window into a new
/// cache file of `cache`, and gives its patches, their texts in that file. `Ok(None)`: it
/// could not be read so (the cache file cannot be made, or no message could be read: the
/// caller reads it as it would without a cache, which says why). When a window cannot be
/// written (the disk is full, the text would pass 4 GiB), the rest is read as without a
/// cache and no cache file is left. The file is put in place only when the mbox did not
/// change meanwhile.
pub fn read_mbox(
    cache: &Cache,
    path: &Path,
    key: &SourceKey,
    stamp: &Stamp,
) -> Result<Option<Parsed>> {
    let Some((replacement, writer)) = cache.new_file(key, stamp) else {
        return Ok(None);
    };
    let writer = writer.limiting_text(cache.text_limit);
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut windows = Windows::new(file, cache.window, size);
    let mut gathered = Gathered {
        parsed: Parsed::default(),
        size,
        uncached: false,
    };
    let mut entries = 0;
    // A window is written (on a thread of its own, in order) while the next is parsed (on
    // rayon's), so that neither waits for the other.
    let (writer, read) = std::thread::scope(|scope| {
        let (to_writer, parsed_windows) = std::sync::mpsc::sync_channel::<ParsedWindow>(0);
        let (to_reader, written) = std::sync::mpsc::channel::<Written>();
        let replacement = &replacement;
        let writing = scope.spawn(move || {
            let mut writer = writer;
            // Once a window could not be written (the disk is full, the text would pass what
            // a cache holds), no later one is: the rest of the mbox is read as without a
            // cache, its patches holding their windows.
            let mut cached = true;
            for window in parsed_windows {
                let mut patches = window.part.patches;
                cached = cached && write_window(&mut writer, replacement, &mut patches);
                let done = Written {
                    patches,
                    cached,
                    skipped: window.part.skipped,
                    held: window.held,
                    read_to: window.read_to,
                    last: window.last,
                };
                if to_reader.send(done).is_err() {
                    break;
                }
            }
            writer
        });
        let mut read = Ok(());
        loop {
            let next = match windows.next() {
                Ok(Some(next)) => next,
                Ok(None) => break,
                Err(e) => {
                    read = Err(Error::io(path, e));
                    break;
                }
            };
            let (offset, bytes) = next;
            let read_to = offset + bytes.len() as u64;
            let mut reader = MessageReader::continuing(&key.name, entries, offset);
            // The desk is shown the whole list so far after each window, not a window alone.
            let (part, held) = progress::unwatched(|| {
                let held = source::read_file_source(&mut reader, path, bytes);
                entries += reader.len();
                (Parsed::from_loaded(reader.finish_part()), held)
            });
            let window = ParsedWindow {
                part,
                held,
                read_to,
                last: windows.done,
            };
            if to_writer.send(window).is_err() {
                break;
            }
            for done in written.try_iter() {
                gathered.add(done, &mut windows);
            }
        }
        drop(to_writer);
        for done in written.iter() {
            gathered.add(done, &mut windows);
        }
        (writing.join(), read)
    });
    read?;
    let Ok(writer) = writer else {
        return Ok(None);
    };
    let parsed = gathered.parsed;
    if parsed.patches.is_empty() {
        return Ok(None);
    }
    if !gathered.uncached
        && Stamp::of(path, source::SourceKind::File).ok().as_ref() == Some(stamp)
        && writer.finish(&parsed.skipped, entries, true).is_ok()
    {
        let _ = replacement.commit();
    }
    Ok(Some(parsed))
}

/// A window parsed and built, on its way to be written.
struct ParsedWindow {
    part: Parsed,
    held: Held,
    /// Where the window ends in the file.
    read_to: u64,
    last: bool,
}

/// A window written: its patches, with their texts in the file when it could be written
/// (`cached`), and its buffer, to be had back.
struct Written {
    patches: Vec<Patch>,
    cached: bool,
    skipped: Vec<crate::source::Skipped>,
    held: Held,
    read_to: u64,
    /// The last window of the file.
    last: bool,
}

/// The patches of the windows written so far, in order.
struct Gathered {
    parsed: Parsed,
    /// The mbox's size.
    size: u64,
    /// A window could not be written: the cache file is of no use.
    uncached: bool,
}

impl Gathered {
    /// Adds a written window, hands its buffer back to `windows`, and shows the list so
    /// far to whoever watches.
    fn add(&mut self, done: Written, windows: &mut Windows) {
        let patches = done.patches;
        self.uncached |= !done.cached;
        let (size, read_to) = (self.size, done.read_to.max(1));
        let all = &mut self.parsed.patches;
        if all.is_empty() && read_to < size {
            // Room for as many patches as the file holds at this window's rate, and a little.
            let expected = (patches.len() as u64 * size / read_to) as usize;
            all.reserve_exact(expected + expected / 16);
        }
        all.extend(patches);
        self.parsed.skipped.extend(done.skipped);
        // Nothing holds the window now: a later one is read into the same memory.
        if let Some(bytes) = done.held.into_bytes() {
            windows.recycle(bytes);
        }
        let total = if !done.last {
            // An estimate, above what is built so far until the last window.
            let rate = (all.len() as u64 * size / read_to) as usize;
            rate.max(all.len() + 1)
        } else {
            all.len()
        };
        progress::report(&Event::Built { so_far: all, total });
    }
}

/// Writes the texts and meta of a window's patches and points their texts at the part of
/// the file written (mapped); `false` when they could not be written (they are as they were,
/// or some of them point at the file).
fn write_window(writer: &mut FileWriter, replacement: &Replacement, patches: &mut [Patch]) -> bool {
    let base = writer.text_len();
    let Ok(Some(placed)) = writer.add(patches) else {
        return false;
    };
    if writer.out().flush().is_err() {
        return false;
    }
    let start = writer.text_start() + base;
    let end = writer.text_start() + writer.text_len();
    if end > start {
        let Ok(text) = MappedText::written(replacement.file(), start..end) else {
            return false;
        };
        if format::rebase(patches, &placed, &Arc::new(Buffer::Mapped(text)), base).is_err() {
            return false;
        }
    }
    true
}

/// An mbox read a window of whole messages at a time.
struct Windows {
    file: std::fs::File,
    size: usize,
    /// The file's length when it was opened.
    len: u64,
    /// What was read past the end of the last window (the start of its next message).
    carry: Vec<u8>,
    /// Buffers to read the next windows into.
    spare: Vec<Vec<u8>>,
    /// Where `carry` starts in the file.
    offset: u64,
    done: bool,
}

impl Windows {
    fn new(file: std::fs::File, size: usize, len: u64) -> Windows {
        Windows {
            file,
            size,
            len,
            carry: Vec::new(),
            spare: Vec::new(),
            offset: 0,
            done: false,
        }
    }

    /// Gives back a window's buffer, for a later window (two are kept: one being parsed,
    /// one being written).
    fn recycle(&mut self, bytes: Vec<u8>) {
        if self.spare.len() < 2 {
            self.spare.push(bytes);
        }
    }

    /// The next window and where it starts in the file; `None` after the last.
    fn next(&mut self) -> std::io::Result<Option<(u64, Vec<u8>)>> {
        if self.done {
            return Ok(None);
        }
        let mut buf = self.spare.pop().unwrap_or_default();
        buf.clear();
        buf.extend_from_slice(&self.carry);
        // Toward the end windows shrink, to a quarter of what is left (down to TAIL_WINDOW):
        // the last one is written while nothing is left to parse beside it, so the smaller
        // it is, the less of the read waits on one thread.
        let left = usize::try_from(self.len.saturating_sub(self.offset)).unwrap_or(usize::MAX);
        let least = TAIL_WINDOW.min(self.size / 16);
        let mut want = self.size.min((left / 4).max(least)).max(1);
        loop {
            let before = buf.len();
            if want > before {
                buf.reserve_exact(want - before);
                (&mut self.file)
                    .take((want - before) as u64)
                    .read_to_end(&mut buf)?;
            }
            if buf.len() < want {
                // The end of the file: the rest is the last window.
                self.done = true;
                let at = self.offset;
                self.offset += buf.len() as u64;
                return Ok((!buf.is_empty()).then_some((at, buf)));
            }
            if let Some(cut) = mbox::last_separator(&buf) {
                self.carry.clear();
                self.carry.extend_from_slice(&buf[cut..]);
                buf.truncate(cut);
                let at = self.offset;
                self.offset += cut as u64;
                return Ok(Some((at, buf)));
            }
            // One message longer than the window: read on.
            want = want.saturating_mul(2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(n: usize, long: usize) -> String {
        format!(
            "From a@b Thu Jan  1 00:00:00 2020\nFrom: A <a@example.org>\n\
             Subject: [PATCH] change {n}\nMessage-Id: <m{n}@example.org>\n\n{}\
             Signed-off-by: A <a@example.org>\n---\n\
             diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b{n}\n",
            "Some words of the message, again.\n".repeat(long)
        )
    }

    #[test]
    fn windows_end_on_separators_and_join_into_the_file() {
        let mbox: String = (0..40).map(|n| message(n, n * 7 % 50)).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.mbox");
        std::fs::write(&path, &mbox).unwrap();
        let len = mbox.len() as u64;
        let mut windows = Windows::new(std::fs::File::open(&path).unwrap(), 700, len);
        let mut joined = Vec::new();
        let mut count = 0;
        while let Some((at, bytes)) = windows.next().unwrap() {
            assert_eq!(at, joined.len() as u64);
            assert!(bytes.starts_with(b"From a@b "), "{at}");
            joined.extend_from_slice(&bytes);
            count += 1;
        }
        assert_eq!(joined, mbox.as_bytes());
        // Messages longer than a window still come whole, in windows that grew to hold them.
        assert!((10..=40).contains(&count), "{count} windows");
    }

    #[test]
    fn windows_shrink_toward_the_end_of_the_file() {
        let mbox: String = (0..2000).map(|n| message(n, 0)).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.mbox");
        std::fs::write(&path, &mbox).unwrap();
        let size = 32 << 10;
        let len = mbox.len() as u64;
        let mut windows = Windows::new(std::fs::File::open(&path).unwrap(), size, len);
        let mut lengths = Vec::new();
        let mut joined = Vec::new();
        while let Some((_, bytes)) = windows.next().unwrap() {
            lengths.push(bytes.len());
            joined.extend_from_slice(&bytes);
        }
        assert_eq!(joined, mbox.as_bytes());
        // Whole windows while more than four are left, then each a quarter of what is left
        // (a message more or less), down to a sixteenth of a window.
        let message_len = message(0, 0).len() + 4;
        assert!(lengths[0] > size - message_len, "{lengths:?}");
        let last = *lengths.last().unwrap();
        assert!(last <= size / 16 + message_len, "{lengths:?}");
        let before_last = lengths[lengths.len() - 2];
        assert!(before_last < size / 2, "{lengths:?}");
        let shrinking = lengths
            .windows(2)
            .rev()
            .take(4)
            .all(|w| w[0] + message_len >= w[1]);
        assert!(shrinking, "{lengths:?}");
        // A file that grew since it was opened is still read to its end.
        let mut windows = Windows::new(std::fs::File::open(&path).unwrap(), size, len / 2);
        let mut again = Vec::new();
        while let Some((_, bytes)) = windows.next().unwrap() {
            again.extend_from_slice(&bytes);
        }
        assert_eq!(again, mbox.as_bytes());
    }
}
