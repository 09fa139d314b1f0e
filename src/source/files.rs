//! Reading messages out of byte buffers (an mbox, one message file, one plain diff) and
//! parsing them in parallel, keeping source order; broken messages go to `skipped`.

use super::Loaded;
use super::skipped;
use crate::mail::mbox::{self, MboxFormat};
use crate::mail::{Message, Origin, parse_message, parse_message_shared};
use crate::text::{self, SharedText};
use crate::{Error, Result};
use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

/// A buffer read from a source: text when it is all valid UTF-8 (most queues are), so the
/// bodies of its plain messages can be slices of it rather than copies; bytes otherwise.
/// Clones share the buffer.
#[derive(Clone)]
enum Buffer {
    Text(Arc<text::Buffer>),
    Bytes(Arc<Vec<u8>>),
}

impl Buffer {
    fn new(data: Vec<u8>) -> Buffer {
        // simdutf8 validates a window of mail several times faster than the standard check.
        if simdutf8::basic::from_utf8(&data).is_err() {
            return Buffer::Bytes(Arc::new(data));
        }
        // SAFETY: the bytes were validated as UTF-8 just above.
        let text = unsafe { String::from_utf8_unchecked(data) };
        Buffer::Text(Arc::new(text::Buffer::Owned(text)))
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Buffer::Text(text) => text.as_str().as_bytes(),
            Buffer::Bytes(bytes) => bytes,
        }
    }
}

/// The buffer a file was read into, to be had back ([`Held::into_bytes`]) once nothing
/// read from it holds it any more, and the next file read into it: a fresh buffer costs a
/// page fault per page.
pub struct Held(Buffer);

impl Held {
    /// The bytes back, emptied, when nothing else holds them.
    pub fn into_bytes(self) -> Option<Vec<u8>> {
        let mut bytes = match self.0 {
            Buffer::Text(text) => match Arc::try_unwrap(text).ok()? {
                text::Buffer::Owned(text) => text.into_bytes(),
                text::Buffer::Mapped(_) => return None,
            },
            Buffer::Bytes(bytes) => Arc::try_unwrap(bytes).ok()?,
        };
        bytes.clear();
        Some(bytes)
    }
}

/// A message found but not yet decoded.
struct Pending {
    buf: Buffer,
    range: Range<usize>,
    mboxrd: bool,
    origin: Origin,
    commit: Option<String>,
    /// For files that may be plain diffs (quilt, `*.patch`): the subject to use when the file
    /// has no mail headers.
    fallback_subject: Option<String>,
    /// The mbox ended in the middle of this message's last line.
    cut_off: bool,
}

/// Collects the messages of one source, numbering them 1, 2, ... in source order, then
/// decodes them all in parallel in [`MessageReader::finish`].
pub struct MessageReader {
    source: String,
    pending: Vec<Pending>,
    /// Messages before the first one this reader adds (an mbox's tail read on its own).
    index_base: usize,
    /// Where the bytes this reader is given start in their file.
    offset_base: u64,
}

impl MessageReader {
    pub fn new(source: &str) -> Self {
        Self::continuing(source, 0, 0)
    }

    /// A reader for the rest of a source whose first `index_base` messages were read before
    /// (their numbers go on from there), whose bytes start at `offset_base` of the file.
    pub fn continuing(source: &str, index_base: usize, offset_base: u64) -> Self {
        Self {
            source: source.to_string(),
            pending: Vec::new(),
            index_base,
            offset_base,
        }
    }

    /// How many messages were found so far, readable or not.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// No message found yet.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    fn origin(&self, offset: usize, file: Option<&str>) -> Origin {
        Origin {
            source: self.source.clone(),
            index: self.index_base + self.pending.len() + 1,
            offset: self.offset_base + offset as u64,
            file: file.map(str::to_string),
        }
    }

    /// Adds every message of an mbox (or the one bare message it holds).
    pub fn read_mbox(&mut self, data: Vec<u8>, file: Option<&str>) {
        self.read_buffer(Buffer::new(data), file, None);
    }

    /// Adds the messages of a file; a file with no mail headers that holds a diff becomes one
    /// message whose subject is the file name (as `git quiltimport` does).
    pub fn read_file(&mut self, data: Vec<u8>, file: Option<&str>, name_for_subject: &str) -> Held {
        let buf = Buffer::new(data);
        self.read_buffer(
            buf.clone(),
            file,
            Some(subject_from_file_name(name_for_subject)),
        );
        Held(buf)
    }

    /// Adds one message that is a whole buffer (a maildir file, a public-inbox blob).
    pub fn read_single(&mut self, data: Vec<u8>, file: Option<&str>) {
        let origin = self.origin(0, file);
        let len = data.len();
        self.pending.push(Pending {
            buf: Buffer::new(data),
            range: 0..len,
            mboxrd: false,
            origin,
            commit: None,
            fallback_subject: None,
            cut_off: false,
        });
    }

    fn read_buffer(&mut self, buf: Buffer, file: Option<&str>, fallback: Option<String>) {
        let split = mbox::split(buf.bytes());
        let ends_mid_line = !buf.bytes().ends_with(b"\n");
        let count = split.messages.len();
        for (i, entry) in split.messages.into_iter().enumerate() {
            let origin = self.origin(entry.offset, file);
            self.pending.push(Pending {
                buf: buf.clone(),
                range: entry.range,
                mboxrd: entry.mboxrd,
                origin,
                commit: entry.commit,
                fallback_subject: fallback.clone(),
                cut_off: ends_mid_line && split.format != MboxFormat::Bare && i + 1 == count,
            });
        }
    }

    /// Decodes every message in parallel. A source with no readable message is an error: the
    /// message's own error when there was one message, else [`Error::BadInput`].
    pub fn finish(self) -> Result<Loaded> {
        let source = self.source.clone();
        let (loaded, total, first_error) = self.decode_all();
        if loaded.messages.is_empty() {
            return Err(match first_error {
                Some(error) if total == 1 => error,
                Some(error) => Error::BadInput {
                    source_name: source,
                    what: format!("none of its {total} messages could be read; first: {error}"),
                },
                None => Error::BadInput {
                    source_name: source,
                    what: "no messages found".into(),
                },
            });
        }
        Ok(loaded)
    }

    /// Decodes every message in parallel, with no error when none could be read (the tail of
    /// a source whose start was read before).
    pub fn finish_part(self) -> Loaded {
        self.decode_all().0
    }

    fn decode_all(self) -> (Loaded, usize, Option<Error>) {
        let source = self.source;
        let total = self.pending.len();
        let results: Vec<Result<Message>> =
            crate::progress::map_batched(self.pending, decode, |done| {
                crate::progress::report(&crate::progress::Event::Read {
                    done: done.len(),
                    total,
                })
            });
        let total = results.len();
        let mut loaded = Loaded::default();
        let mut first_error = None;
        for result in results {
            match result {
                Ok(message) => loaded.messages.push(message),
                Err(error) => {
                    let origin = match &error {
                        Error::BadMessage {
                            source_name,
                            index,
                            offset,
                            ..
                        } => Origin {
                            source: source_name.clone(),
                            index: *index,
                            offset: *offset,
                            file: None,
                        },
                        _ => Origin {
                            source: source.clone(),
                            ..Origin::default()
                        },
                    };
                    loaded.skipped.push(skipped(&origin, &error));
                    first_error.get_or_insert(error);
                }
            }
        }
        (loaded, total, first_error)
    }
}

fn decode(pending: Pending) -> Result<Message> {
    let slice = pending
        .buf
        .bytes()
        .get(pending.range.clone())
        .unwrap_or_default();
    let raw: Cow<'_, [u8]> = if pending.mboxrd {
        mbox::unescape_mboxrd(slice)
    } else {
        Cow::Borrowed(slice)
    };
    let parsed = match (&pending.buf, &raw) {
        (Buffer::Text(text), Cow::Borrowed(_)) => parse_message_shared(
            &SharedText::slice(text, pending.range.clone()),
            pending.origin.clone(),
        ),
        _ => parse_message(&raw, pending.origin.clone()),
    };
    let mut message = match (parsed, &pending.fallback_subject) {
        (Ok(mut message), Some(subject)) => {
            if message.subject.is_empty() {
                message.subject = subject.clone();
            }
            message
        }
        (Ok(message), None) => message,
        (Err(_), Some(subject)) if looks_like_diff(&raw) => {
            plain_patch(&raw, subject, pending.origin.clone())
        }
        (Err(error), _) => return Err(name_the_file(error, pending.origin.file.as_deref())),
    };
    if message.commit.is_none() {
        message.commit = pending.commit;
    }
    if pending.cut_off {
        message
            .warnings
            .push("the mbox ends in the middle of this message: it may be cut off".into());
    }
    Ok(message)
}

/// Adds the file a broken message came from (maildir, patch directory) to its error.
fn name_the_file(error: Error, file: Option<&str>) -> Error {
    match (error, file) {
        (
            Error::BadMessage {
                source_name,
                index,
                offset,
                what,
            },
            Some(file),
        ) => Error::BadMessage {
            source_name,
            index,
            offset,
            what: format!("{file}: {what}"),
        },
        (error, _) => error,
    }
}

/// True when the text holds a unified diff (or an `Index:`-style one).
fn looks_like_diff(raw: &[u8]) -> bool {
    let text = String::from_utf8_lossy(raw);
    text.lines().any(|line| {
        line.starts_with("diff ") || line.starts_with("--- ") || line.starts_with("Index: ")
    })
}

/// A message made for a plain diff with no mail headers: the whole text is the body (its
/// description is the text before the diff), the subject is the file name.
fn plain_patch(raw: &[u8], subject: &str, origin: Origin) -> Message {
    let mut warnings = vec!["no mail headers: subject taken from the file name".to_string()];
    let text = match String::from_utf8_lossy(raw) {
        Cow::Borrowed(text) => text.to_string(),
        Cow::Owned(text) => {
            warnings.push("invalid UTF-8 in the body replaced with U+FFFD".into());
            text
        }
    };
    Message {
        origin,
        subject: subject.to_string(),
        body: text.replace("\r\n", "\n").into(),
        warnings,
        headers: [("Subject", subject)].into_iter().collect(),
        ..Message::default()
    }
}

/// `0003-fix-the-thing.patch` → `fix-the-thing`; `foo.diff` → `foo`.
fn subject_from_file_name(name: &str) -> String {
    let base = name.rsplit('/').next().unwrap_or(name);
    let stem = [".patch", ".diff"]
        .iter()
        .find_map(|ext| base.strip_suffix(ext))
        .unwrap_or(base);
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    match stem.get(digits..).and_then(|rest| rest.strip_prefix('-')) {
        Some(rest) if digits > 0 && !rest.is_empty() => rest.to_string(),
        _ => stem.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_from_names() {
        assert_eq!(
            subject_from_file_name("0003-fix-the-thing.patch"),
            "fix-the-thing"
        );
        assert_eq!(subject_from_file_name("dir/foo.diff"), "foo");
        assert_eq!(subject_from_file_name("2024.patch"), "2024");
        assert_eq!(subject_from_file_name("noext"), "noext");
    }

    #[test]
    fn indices_count_across_buffers_and_broken_ones_are_skipped() {
        let mut reader = MessageReader::new("src");
        reader.read_mbox(
            b"From a@b Thu Jan  1 00:00:00 2020\nSubject: one\n\nx\n\
              From a@b Thu Jan  1 00:00:00 2020\nnot a header line\n\n\
              From a@b Thu Jan  1 00:00:00 2020\nSubject: three\n\ny\n"
                .to_vec(),
            None,
        );
        reader.read_single(b"Subject: four\n\nz\n".to_vec(), Some("f4"));
        reader.read_single(b"junk\n".to_vec(), Some("cur/f5"));
        let loaded = reader.finish().unwrap();
        let subjects: Vec<_> = loaded.messages.iter().map(|m| m.subject.as_str()).collect();
        assert_eq!(subjects, ["one", "three", "four"]);
        assert_eq!(loaded.messages[2].origin.index, 4);
        assert_eq!(loaded.messages[2].origin.file.as_deref(), Some("f4"));
        assert_eq!(loaded.skipped.len(), 2);
        assert_eq!(loaded.skipped[0].index, 2);
        assert!(
            loaded.skipped[1]
                .error
                .contains("message 5 at byte 0: cur/f5: not a mail")
        );
        assert_eq!(loaded.skipped[0].offset, 50);
    }

    #[test]
    fn cut_off_last_message_warns() {
        let mut reader = MessageReader::new("src");
        reader.read_mbox(
            b"From a@b Thu Jan  1 00:00:00 2020\nSubject: one\n\nx\n\
              From a@b Thu Jan  1 00:00:00 2020\nSubject: two\n\n@@ -1,3 +1,3 @@\n-a"
                .to_vec(),
            None,
        );
        let loaded = reader.finish().unwrap();
        assert!(loaded.messages[0].warnings.is_empty());
        assert!(
            loaded.messages[1]
                .warnings
                .iter()
                .any(|w| w.contains("cut off"))
        );
    }

    #[test]
    fn plain_diff_gets_file_name_subject() {
        let mut reader = MessageReader::new("src");
        reader.read_file(
            b"Make foo faster.\n\n--- a/foo\n+++ b/foo\n@@ -1 +1 @@\n-a\n+b\n".to_vec(),
            Some("0002-foo-faster.patch"),
            "0002-foo-faster.patch",
        );
        let loaded = reader.finish().unwrap();
        assert_eq!(loaded.messages[0].subject, "foo-faster");
        assert!(loaded.messages[0].body.starts_with("Make foo faster.\n"));
    }

    #[test]
    fn one_unreadable_message_is_its_own_error() {
        let mut reader = MessageReader::new("notes.txt");
        reader.read_file(b"hello\nworld\n".to_vec(), None, "notes.txt");
        let error = reader.finish().unwrap_err().to_string();
        assert!(error.contains("notes.txt: message 1 at byte 0"), "{error}");
        let reader = MessageReader::new("empty");
        assert!(
            reader
                .finish()
                .unwrap_err()
                .to_string()
                .contains("no messages")
        );
    }
}
