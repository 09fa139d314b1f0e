//! The JSON contract of `list` and `show` (fields may be added, never renamed).

use crate::mail::Address;
use crate::patch::{FileDiff, Patch};
use crate::queue::{Queue, ReviewCounts, Series, Skipped};
use serde::Serialize;

/// `{"key","value"}` of a trailer.
#[derive(Debug, Serialize)]
pub struct TrailerJson<'a> {
    pub key: &'a str,
    pub value: &'a str,
}

/// A patch as `list` shows it.
#[derive(Debug, Serialize)]
pub struct PatchJson<'a> {
    pub key: &'a str,
    pub message_id: Option<&'a str>,
    pub commit: Option<&'a str>,
    pub index: Option<u32>,
    pub total: Option<u32>,
    pub version: u32,
    pub subject: &'a str,
    pub author: &'a Address,
    pub date: Option<String>,
    pub trailers: Vec<TrailerJson<'a>>,
    pub files: Vec<&'a str>,
    pub insertions: usize,
    pub deletions: usize,
    /// Acked/Reviewed/Tested-by in the patch and in replies to it (added field).
    pub reviews: ReviewCounts,
}

impl<'a> PatchJson<'a> {
    /// `reviews` is the patch's entry of [`Queue::all_review_counts`] (or its own count).
    pub fn new(queue: &'a Queue, index: usize, reviews: ReviewCounts) -> Self {
        let p: &'a Patch = &queue.patches[index];
        PatchJson {
            key: &p.key,
            message_id: p.mail.message_id.as_deref(),
            commit: p.mail.commit.as_deref(),
            index: p.subject.index,
            total: p.subject.total,
            version: p.subject.version.max(1),
            subject: &p.subject.title,
            author: &p.author,
            date: p.date.map(|d| d.to_rfc3339()),
            trailers: p
                .trailers
                .iter()
                .map(|t| TrailerJson {
                    key: &t.key,
                    value: &t.value,
                })
                .collect(),
            files: p.diff.paths().collect(),
            insertions: p.insertions(),
            deletions: p.deletions(),
            reviews,
        }
    }
}

/// `"maintainers"` and `"sections"` of one patch, added to its JSON object.
pub fn add_maintainers(object: &mut serde_json::Value, lookup: &crate::maintainers::Lookup) {
    if let Some(map) = object.as_object_mut() {
        map.insert(
            "maintainers".into(),
            serde_json::to_value(&lookup.people).unwrap_or_default(),
        );
        map.insert(
            "sections".into(),
            serde_json::to_value(&lookup.sections).unwrap_or_default(),
        );
    }
}

/// A cover letter's reference.
#[derive(Debug, Serialize)]
pub struct CoverJson<'a> {
    pub message_id: Option<&'a str>,
    pub subject: &'a str,
}

/// A series as `list` shows it.
#[derive(Debug, Serialize)]
pub struct SeriesJson<'a> {
    pub id: usize,
    pub title: &'a str,
    pub version: u32,
    pub total: Option<u32>,
    pub cover: Option<CoverJson<'a>>,
    pub missing: &'a [u32],
    /// The newest earlier version of this series in the queue (added field).
    pub previous: Option<usize>,
    /// The oldest version of this series in the queue, itself when alone (added field).
    pub family: usize,
    pub patches: Vec<PatchJson<'a>>,
}

impl<'a> SeriesJson<'a> {
    /// `families` is [`crate::revisions::link`] of the queue; `k` the series' position.
    pub fn new(
        queue: &'a Queue,
        k: usize,
        reviews: &[ReviewCounts],
        families: &crate::revisions::Families,
    ) -> Self {
        let series: &'a Series = &queue.series[k];
        SeriesJson {
            id: series.id,
            title: &series.title,
            version: series.version,
            total: series.total,
            cover: series.cover.map(|c| CoverJson {
                message_id: queue.patches[c].mail.message_id.as_deref(),
                subject: &queue.patches[c].subject.raw,
            }),
            missing: &series.missing,
            previous: families.previous_id(queue, k),
            family: families.family_id(queue, k),
            patches: series
                .patches
                .iter()
                .map(|&i| PatchJson::new(queue, i, reviews[i]))
                .collect(),
        }
    }
}

/// The whole `list` output; its series anything that serialises as a list of
/// [`SeriesJson`] (made one at a time as they are written).
#[derive(Debug, Serialize)]
pub struct ListJson<'a, S: Serialize> {
    pub series: S,
    pub skipped: &'a [Skipped],
    /// How the messages read were taken; they add up to `messages`.
    pub counts: crate::queue::Counts,
    /// What a --since window read and left out (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<&'a crate::source::window::Window>,
}

/// The whole `show` output: the patch plus its message, notes and diff.
#[derive(Debug, Serialize)]
pub struct ShowJson<'a> {
    #[serde(flatten)]
    pub patch: PatchJson<'a>,
    pub message: &'a str,
    pub notes: &'a str,
    pub diff: &'a [FileDiff],
}
