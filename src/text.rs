//! [`SharedText`]: text that is a slice of a buffer shared by many owners, so a 300 MB queue
//! holds each byte once: a message's body is (where it can be) a slice of the file it was read
//! from, and every diff line a slice of its message's body — no heap allocation per line
//! (millions of them) and no copy per stage.
//!
//! It reads as a `&str` (it derefs to one), compares, hashes and serialises as its text, and
//! clones without copying. It is 16 bytes: a thin pointer to the buffer and a `u32` range.
//!
//! The buffer is a heap string or, for a cache read back, a memory map ([`MappedText`]).

mod mapped;

pub use mapped::{MapError, MappedFile, MappedText};

use serde::{Serialize, Serializer};
use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// The text that [`SharedText`]s slice.
pub enum Buffer {
    Owned(String),
    Mapped(MappedText),
}

impl Buffer {
    pub fn as_str(&self) -> &str {
        match self {
            Buffer::Owned(text) => text,
            Buffer::Mapped(text) => text.as_str(),
        }
    }

    /// How long the text is, without reading it (a mapped text whose check is deferred is
    /// not checked by this, so after a failed check this is not `as_str().len()`, which is
    /// 0: only ranges are checked against it).
    pub fn len(&self) -> usize {
        match self {
            Buffer::Owned(text) => text.len(),
            Buffer::Mapped(text) => text.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<String> for Buffer {
    fn from(text: String) -> Self {
        Buffer::Owned(text)
    }
}

/// A range of a shared buffer (empty by default).
#[derive(Clone, Default)]
pub struct SharedText {
    /// `None` for an empty text: empty texts (there are several in every patch) share no
    /// buffer, so making, cloning and dropping them touches no reference count.
    buf: Option<Arc<Buffer>>,
    start: u32,
    end: u32,
}

impl SharedText {
    /// The text `range` of `buf`, shared. A range that is not on character boundaries reads
    /// as empty; one past 4 GiB is copied into a buffer of its own.
    pub fn slice(buf: &Arc<Buffer>, range: Range<usize>) -> SharedText {
        let Some(text) = buf.as_str().get(range.clone()) else {
            return SharedText::default();
        };
        match (u32::try_from(range.start), u32::try_from(range.end)) {
            (Ok(start), Ok(end)) => SharedText {
                buf: Some(Arc::clone(buf)),
                start,
                end,
            },
            _ => SharedText::from(text),
        }
    }

    /// The range `range` of `buf`, without reading the text: the range is checked only to lie
    /// inside the buffer (`None` when it does not, or when it is past 4 GiB), and one off a
    /// character boundary reads as empty. For a mapped buffer this leaves its pages unread
    /// until the text is looked at.
    pub fn range(buf: &Arc<Buffer>, range: Range<usize>) -> Option<SharedText> {
        if range.start > range.end || range.end > buf.len() {
            return None;
        }
        Some(SharedText {
            buf: Some(Arc::clone(buf)),
            start: u32::try_from(range.start).ok()?,
            end: u32::try_from(range.end).ok()?,
        })
    }

    /// `part` as a slice of this text's buffer when it lies inside this text (as the result
    /// of `str` methods on it does), else a copy of `part`.
    pub fn subslice(&self, part: &str) -> SharedText {
        let Some(buf) = &self.buf else {
            return SharedText::from(part);
        };
        let base = buf.as_str().as_ptr() as usize;
        let at = (part.as_ptr() as usize).wrapping_sub(base);
        let inside = at >= self.start as usize && at + part.len() <= self.end as usize;
        if inside {
            SharedText::slice(buf, at..at + part.len())
        } else {
            SharedText::from(part)
        }
    }

    /// Both texts are slices of the same buffer (or both empty, of none).
    pub fn same_buffer(&self, other: &SharedText) -> bool {
        match (&self.buf, &other.buf) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }

    /// Where this text starts in `outer`, when it is a slice of the same buffer inside it.
    pub fn offset_in(&self, outer: &SharedText) -> Option<usize> {
        let inside = self.same_buffer(outer) && self.start >= outer.start && self.end <= outer.end;
        inside.then(|| (self.start - outer.start) as usize)
    }

    /// The text reads as what its buffer holds: always, but for a mapped text whose put-off
    /// check ([`MappedFile::into_text_when_read`]) failed, which reads as empty. Runs that
    /// check if it has not run yet.
    pub fn is_readable(&self) -> bool {
        self.buf
            .as_deref()
            .is_none_or(|buf| buf.as_str().len() == buf.len())
    }

    /// The text is part of a memory-mapped file (a cache read back), not of the heap.
    pub fn is_mapped(&self) -> bool {
        matches!(self.buf.as_deref(), Some(Buffer::Mapped(_)))
    }

    pub fn as_str(&self) -> &str {
        // In range and on boundaries: checked when the range was made, and the buffer never
        // changes behind an `Arc`.
        self.buf.as_deref().map_or("", |buf| {
            buf.as_str()
                .get(self.start as usize..self.end as usize)
                .unwrap_or_default()
        })
    }
}

impl From<String> for SharedText {
    /// Takes the string as the buffer: no copy.
    fn from(text: String) -> Self {
        match u32::try_from(text.len()) {
            Ok(0) => SharedText::default(),
            Ok(end) => SharedText {
                buf: Some(Arc::new(Buffer::Owned(text))),
                start: 0,
                end,
            },
            // Past 4 GiB a range cannot say it; keep the first 4 GiB's worth of whole lines.
            Err(_) => {
                let cut = text[..u32::MAX as usize].rfind('\n').map_or(0, |i| i + 1);
                SharedText::from(text[..cut].to_string())
            }
        }
    }
}

impl From<&str> for SharedText {
    fn from(text: &str) -> Self {
        SharedText::from(text.to_string())
    }
}

impl From<&String> for SharedText {
    fn from(text: &String) -> Self {
        SharedText::from(text.as_str())
    }
}

impl From<SharedText> for String {
    fn from(text: SharedText) -> Self {
        text.as_str().to_string()
    }
}

impl Deref for SharedText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for SharedText {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for SharedText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedText {}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<SharedText> for &str {
    fn eq(&self, other: &SharedText) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<SharedText> for String {
    fn eq(&self, other: &SharedText) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::hash::Hash for SharedText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SharedText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_share_the_buffer_and_read_as_their_text() {
        let buf = Arc::new(Buffer::from("first\nsecond line\n".to_string()));
        let a = SharedText::slice(&buf, 0..5);
        let b = SharedText::slice(&buf, 6..17);
        assert_eq!(a, "first");
        assert_eq!(&*b, "second line");
        assert_eq!(Arc::strong_count(&buf), 3, "no copy: both hold the buffer");
        assert_eq!(b.clone(), SharedText::from("second line"));
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"second line\"");
        assert_eq!(format!("{a}|{a:?}"), "first|\"first\"");
        assert_eq!(std::mem::size_of::<SharedText>(), 16);
    }

    #[test]
    fn a_subslice_shares_only_when_it_lies_inside() {
        let body = SharedText::from("head\n---\ndiff --git a/x b/x\n");
        let diff = body.subslice(&body[9..]);
        assert_eq!(diff, "diff --git a/x b/x\n");
        assert!(diff.same_buffer(&body));
        let line = diff.subslice(&diff[0..4]);
        assert_eq!(line, "diff");
        assert!(line.same_buffer(&body));
        // Outside the text (another buffer, or the buffer outside this slice): copied.
        let other = diff.subslice("elsewhere");
        assert_eq!(other, "elsewhere");
        assert!(!other.same_buffer(&body));
        let before = diff.subslice(&body[0..4]);
        assert_eq!(before, "head");
        assert!(!before.same_buffer(&body));
    }

    #[test]
    fn a_range_off_a_character_boundary_reads_as_empty() {
        let buf = Arc::new(Buffer::from("é".to_string()));
        assert_eq!(SharedText::slice(&buf, 0..1), "");
        assert_eq!(SharedText::slice(&buf, 0..2), "é");
        assert_eq!(SharedText::slice(&buf, 1..9), "");
    }
}
