//! [`Headers`]: a message's headers, in order, as (name, decoded value), kept as one text
//! and where each name and value is in it, so a message holds one buffer and one list of
//! offsets for its headers, not two strings (or two shared slices) per header. Read back
//! from the cache, the text is a slice of the map and nothing is allocated for it.

use crate::text::SharedText;
use std::fmt;

/// Where one header's name and value are in [`Headers`]'s text: offset and length of each.
pub type HeaderSpan = [u32; 4];

/// A message's headers, in order.
#[derive(Clone, Default)]
pub struct Headers {
    text: SharedText,
    spans: Vec<HeaderSpan>,
}

impl Headers {
    /// Headers whose names and values are at `spans` in `text` (a span outside it, or off a
    /// character boundary, reads as empty).
    pub fn from_parts(text: SharedText, spans: Vec<HeaderSpan>) -> Headers {
        Headers { text, spans }
    }

    /// Where each name and value is in the text (the text let go).
    pub fn into_spans(self) -> Vec<HeaderSpan> {
        self.spans
    }

    /// The text the names and values are in, and where each is.
    pub fn parts(&self) -> (&SharedText, &[HeaderSpan]) {
        (&self.text, &self.spans)
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The `index`-th header (0-based) as (name, value).
    pub fn get(&self, index: usize) -> Option<(&str, &str)> {
        self.spans.get(index).map(|span| self.at(span))
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.spans.iter().map(|span| self.at(span))
    }

    fn at(&self, &[name, name_len, value, value_len]: &HeaderSpan) -> (&str, &str) {
        let part = |at: u32, len: u32| {
            let (at, len) = (at as usize, len as usize);
            at.checked_add(len)
                .and_then(|end| self.text.get(at..end))
                .unwrap_or_default()
        };
        (part(name, name_len), part(value, value_len))
    }

    /// Adds a header at the end. (It copies the text: for building messages by hand.)
    pub fn push(&mut self, name: &str, value: &str) {
        let grown: Headers = self.iter().chain([(name, value)]).collect();
        *self = grown;
    }

    /// Gives the `index`-th header another value (nothing when there is no such header).
    /// (It copies the text: for building messages by hand.)
    pub fn set_value(&mut self, index: usize, value: &str) {
        if index < self.len() {
            let changed: Headers = self
                .iter()
                .enumerate()
                .map(|(i, (n, v))| (n, if i == index { value } else { v }))
                .collect();
            *self = changed;
        }
    }
}

impl<N: AsRef<str>, V: AsRef<str>> FromIterator<(N, V)> for Headers {
    /// One text made of the names and values, one after the other.
    fn from_iter<I: IntoIterator<Item = (N, V)>>(pairs: I) -> Self {
        let mut text = String::new();
        let mut spans = Vec::new();
        let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        for (name, value) in pairs {
            let (name, value) = (name.as_ref(), value.as_ref());
            let at = text.len();
            text.push_str(name);
            text.push_str(value);
            spans.push([
                offset(at),
                offset(name.len()),
                offset(at + name.len()),
                offset(value.len()),
            ]);
        }
        Headers {
            text: SharedText::from(text),
            spans,
        }
    }
}

impl PartialEq for Headers {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Headers {}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_read_back_in_order_and_compare_by_their_text() {
        let mut h: Headers = [
            ("From", "A <a@x.org>"),
            ("Subject", "ünïcode"),
            ("X-Empty", ""),
        ]
        .into_iter()
        .collect();
        assert_eq!(h.len(), 3);
        assert_eq!(h.get(1), Some(("Subject", "ünïcode")));
        assert_eq!(h.get(3), None);
        let names: Vec<&str> = h.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["From", "Subject", "X-Empty"]);
        h.set_value(0, "B <b@x.org>");
        h.push("To", "c@x.org");
        assert_eq!(h.get(0), Some(("From", "B <b@x.org>")));
        assert_eq!(h.get(3), Some(("To", "c@x.org")));
        assert_eq!(h.get(1), Some(("Subject", "ünïcode")));
        let same: Headers = h.iter().collect();
        assert_eq!(same, h);
        assert_eq!(format!("{h:?}").matches("Subject").count(), 1);
    }

    #[test]
    fn a_span_outside_the_text_or_inside_a_character_reads_as_empty() {
        let text = SharedText::from("Nameé");
        let h = Headers::from_parts(text, vec![[0, 4, 4, 1], [0, 4, 90, 3]]);
        assert_eq!(h.get(0), Some(("Name", "")));
        assert_eq!(h.get(1), Some(("Name", "")));
    }
}
