//! [`LineText`]: the text of one diff line, a slice of its patch's diff shared by every line,
//! so a 300 MB queue does not hold one heap allocation per line (millions of them) and a
//! copy of every byte.
//!
//! It reads as a `&str` (it derefs to one), compares and serialises as its text, and clones
//! without copying.

use serde::{Serialize, Serializer};
use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// A line's text: a range into a shared buffer.
#[derive(Clone)]
pub struct LineText {
    buf: Arc<str>,
    start: u32,
    end: u32,
}

impl LineText {
    /// The text `range` of `buf`; both ends must lie on character boundaries (diff lines are
    /// cut at `\n`, so they do). A buffer over 4 GiB is not split into ranges but copied.
    pub fn slice(buf: &Arc<str>, range: Range<usize>) -> LineText {
        match (u32::try_from(range.start), u32::try_from(range.end)) {
            (Ok(start), Ok(end))
                if buf.is_char_boundary(range.start) && buf.is_char_boundary(range.end) =>
            {
                LineText {
                    buf: Arc::clone(buf),
                    start,
                    end,
                }
            }
            _ => LineText::from(buf.get(range).unwrap_or_default()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.buf[self.start as usize..self.end as usize]
    }
}

impl Default for LineText {
    fn default() -> Self {
        LineText::from("")
    }
}

impl From<&str> for LineText {
    fn from(text: &str) -> Self {
        LineText {
            buf: Arc::from(text),
            start: 0,
            end: text.len() as u32,
        }
    }
}

impl From<String> for LineText {
    fn from(text: String) -> Self {
        LineText::from(text.as_str())
    }
}

impl Deref for LineText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for LineText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for LineText {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for LineText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for LineText {}

impl PartialEq<str> for LineText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for LineText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for LineText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::hash::Hash for LineText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for LineText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for LineText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for LineText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_share_the_buffer_and_read_as_their_text() {
        let buf: Arc<str> = Arc::from("first\nsecond line\n");
        let a = LineText::slice(&buf, 0..5);
        let b = LineText::slice(&buf, 6..17);
        assert_eq!(a, "first");
        assert_eq!(&*b, "second line");
        assert_eq!(
            Arc::strong_count(&buf),
            3,
            "no copy: both lines hold the buffer"
        );
        assert_eq!(b.clone(), LineText::from("second line"));
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"second line\"");
        assert_eq!(format!("{a}|{a:?}"), "first|\"first\"");
    }

    #[test]
    fn a_range_off_a_character_boundary_is_copied_not_cut() {
        let buf: Arc<str> = Arc::from("é");
        assert_eq!(LineText::slice(&buf, 0..1), "");
        assert_eq!(LineText::slice(&buf, 0..2), "é");
    }
}
