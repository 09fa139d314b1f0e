//! The queue: messages grouped into series by thread and by `n/N` counters, cover letters
//! found, missing and duplicate patches recognised, and replies linked to what they answer
//! (with the review trailers they carry).

use crate::mail::{Message, Origin};
use crate::patch::{Patch, Trailer};

/// A message that could not be read and was skipped; the rest of the source still loads.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Skipped {
    pub source: String,
    pub index: usize,
    pub offset: u64,
    pub error: String,
}

/// A reply that is not a patch (review, ack, question), linked to what it answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub mail: Message,
    /// Index into [`Queue::patches`] of the patch or cover letter it answers, if found.
    pub parent: Option<usize>,
    /// Review trailers found in the reply (`Acked-by` etc.), not quoted ones.
    pub trailers: Vec<Trailer>,
}

/// A series: a cover letter (optional) and its patches in `n` order.
#[derive(Debug, Clone, Default)]
pub struct Series {
    /// 1-based number as `list` shows it.
    pub id: usize,
    pub title: String,
    pub version: u32,
    /// `N` of `n/N`; `None` for a lone patch.
    pub total: Option<u32>,
    /// Index into [`Queue::patches`] of the cover letter (`0/N`).
    pub cover: Option<usize>,
    /// Indices into [`Queue::patches`], in order.
    pub patches: Vec<usize>,
    /// `n` values of `1..=N` that did not arrive.
    pub missing: Vec<u32>,
    /// Indices of patches that repeat an `n` already present (kept, but not in `patches`).
    pub duplicates: Vec<usize>,
}

/// Everything read from one source.
#[derive(Debug, Clone, Default)]
pub struct Queue {
    /// The source as the user named it.
    pub source: String,
    /// Every patch and cover letter (covers have no diff).
    pub patches: Vec<Patch>,
    pub series: Vec<Series>,
    pub replies: Vec<Reply>,
    pub skipped: Vec<Skipped>,
}

impl Queue {
    /// The series a patch belongs to and its position there.
    pub fn series_of(&self, patch: usize) -> Option<&Series> {
        self.series
            .iter()
            .find(|s| s.cover == Some(patch) || s.patches.contains(&patch))
    }
}

/// Origin of a skipped message, for building [`Skipped`].
pub fn skipped(origin: &Origin, error: impl ToString) -> Skipped {
    Skipped {
        source: origin.source.clone(),
        index: origin.index,
        offset: origin.offset,
        error: error.to_string(),
    }
}
