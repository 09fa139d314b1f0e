//! The queue: messages grouped into series by thread and by `n/N` counters, cover letters
//! found, missing and duplicate patches recognised, and replies linked to what they answer
//! (with the review trailers they carry).

pub mod build;
pub mod select;

pub use build::{build, build_parsed};

use crate::mail::Message;
use crate::patch::{Patch, Trailer};
use crate::source::{self, SourceSpec};
use std::collections::HashSet;

pub use crate::source::{Skipped, skipped};

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

/// How the messages read were taken: every message is exactly one of these, so they add
/// up to what was read (what `git mailsplit` counts, less a `--since` window's cut).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Every message read.
    pub messages: usize,
    /// Patches in a series.
    pub patches: usize,
    pub covers: usize,
    /// Discussion and review: messages that carry no patch.
    pub replies: usize,
    /// Set aside: a patch (or cover) repeating a number its series already has.
    pub duplicates: usize,
    /// Set aside: messages that could not be read (`skipped`, each with its reason).
    pub unreadable: usize,
}

impl Queue {
    /// How the messages read were taken ([`Counts`]).
    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            replies: self.replies.len(),
            unreadable: self.skipped.len(),
            ..Counts::default()
        };
        for s in &self.series {
            c.patches += s.patches.len();
            c.covers += usize::from(s.cover.is_some());
            c.duplicates += s.duplicates.len();
        }
        c.messages = c.patches + c.covers + c.replies + c.duplicates + c.unreadable;
        c
    }
}

impl Series {
    /// The patch that stands for the series (its replies carry the series notes, its key is
    /// the series' key): the cover letter, else the first patch.
    pub fn head(&self) -> Option<usize> {
        self.cover.or_else(|| self.patches.first().copied())
    }
}

/// The key under which a series is known (its state at the desk, its review in an export):
/// the key of its [`Series::head`].
pub fn series_key(queue: &Queue, series: &Series) -> Option<String> {
    series
        .head()
        .and_then(|i| queue.patches.get(i))
        .map(|p| p.key.clone())
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
    /// What a `--since` window read and left out; `None`: the whole source.
    pub window: Option<crate::source::window::Window>,
}

/// The review trailers: the ones the list view counts and a maintainer adds at the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrailerKind {
    Acked,
    Reviewed,
    Tested,
}

impl TrailerKind {
    /// The trailer key as written (`Acked-by`).
    pub fn key(self) -> &'static str {
        match self {
            TrailerKind::Acked => "Acked-by",
            TrailerKind::Reviewed => "Reviewed-by",
            TrailerKind::Tested => "Tested-by",
        }
    }

    /// The kind a trailer key names (`acked-by` in any case), if it is a review trailer.
    pub fn of_key(key: &str) -> Option<TrailerKind> {
        [
            TrailerKind::Acked,
            TrailerKind::Reviewed,
            TrailerKind::Tested,
        ]
        .into_iter()
        .find(|k| k.key().eq_ignore_ascii_case(key))
    }
}

/// Review trailers counted for the list view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReviewCounts {
    pub acked: usize,
    pub reviewed: usize,
    pub tested: usize,
}

/// Who a review trailer's value names, for counting each person once: the address between
/// `<` and `>` when there is one (`Name <addr> # comment`), else the whole value; lower-cased.
pub fn review_identity(value: &str) -> String {
    match (value.find('<'), value.rfind('>')) {
        (Some(a), Some(b)) if a < b => value[a + 1..b].trim().to_ascii_lowercase(),
        _ => value.trim().to_ascii_lowercase(),
    }
}

/// True when `email` is one of the sender's addresses (From, Reply-To, X-Original-From — a
/// list that rewrites From keeps the original there), case-insensitive. A reply trailer counts
/// only when it names its sender, as b4 collects them; others are warnings the maintainer may
/// accept at the desk.
pub fn sent_by(mail: &crate::mail::Message, email: &str) -> bool {
    [&mail.from, &mail.reply_to, &mail.x_original_from]
        .into_iter()
        .flatten()
        .any(|a| a.email.eq_ignore_ascii_case(email))
}

/// The trailers of `reply` that count: those naming its sender.
fn vouched(reply: &Reply) -> impl Iterator<Item = &Trailer> {
    reply
        .trailers
        .iter()
        .filter(|t| sent_by(&reply.mail, &review_identity(&t.value)))
}

/// Counts Acked/Reviewed/Tested-by trailers, each (kind, identity) once.
fn count_reviews<'a>(trailers: impl Iterator<Item = &'a Trailer>, counts: &mut ReviewCounts) {
    // (A set makes no table until a review is counted.)
    let mut seen = HashSet::new();
    for t in trailers {
        let Some(kind) = TrailerKind::of_key(&t.key) else {
            continue;
        };
        if seen.insert((kind, review_identity(&t.value))) {
            match kind {
                TrailerKind::Acked => counts.acked += 1,
                TrailerKind::Reviewed => counts.reviewed += 1,
                TrailerKind::Tested => counts.tested += 1,
            }
        }
    }
}

/// Reads a source and groups it.
pub fn load(spec: &SourceSpec) -> crate::Result<Queue> {
    load_since(spec, None)
}

/// Reads the messages of a source that arrived since `since` and groups them.
pub fn load_since(
    spec: &SourceSpec,
    since: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> crate::Result<Queue> {
    let loaded = source::load_since(spec, since)?;
    Ok(build(&spec.name(), loaded))
}

/// [`load_since`] through the cache when `use_cache` ([`crate::cache`]), saying what the
/// cache did; a cache's texts are checked as `texts` says.
pub fn load_cached(
    spec: &SourceSpec,
    since: Option<chrono::DateTime<chrono::FixedOffset>>,
    use_cache: bool,
    texts: crate::cache::TextCheck,
    facts: crate::cache::FactsAt,
) -> crate::Result<(Queue, crate::cache::CacheOutcome)> {
    let (parsed, outcome) = crate::cache::load_since(spec, since, use_cache, texts, facts)?;
    Ok((build_parsed(&spec.name(), parsed), outcome))
}

impl Queue {
    /// Trailers from replies that concern this patch: replies to it, and replies to the
    /// cover letter of its series (which speak for every patch).
    pub fn reply_trailers(&self, patch: usize) -> impl Iterator<Item = (&Reply, &Trailer)> {
        let cover = self.series_of(patch).and_then(|s| s.cover);
        self.replies
            .iter()
            .filter(move |r| r.parent.is_some() && (r.parent == Some(patch) || r.parent == cover))
            .flat_map(|r| r.trailers.iter().map(move |t| (r, t)))
    }

    /// Acked-by, Reviewed-by and Tested-by in the patch itself and in replies to it (and to
    /// its cover letter) that name their sender ([`sent_by`]), each identity counted once per
    /// kind.
    pub fn review_counts(&self, patch: usize) -> ReviewCounts {
        self.review_counts_with(patch, &[])
    }

    /// [`Queue::review_counts`] plus `extra` trailers (the maintainer's own, recorded at the
    /// desk), a person already counted for a kind not counted again.
    pub fn review_counts_with(&self, patch: usize, extra: &[Trailer]) -> ReviewCounts {
        let mut counts = ReviewCounts::default();
        let Some(p) = self.patches.get(patch) else {
            return counts;
        };
        count_reviews(
            p.trailers
                .iter()
                .chain(
                    self.reply_trailers(patch)
                        .filter(|(r, t)| sent_by(&r.mail, &review_identity(&t.value)))
                        .map(|(_, t)| t),
                )
                .chain(extra),
            &mut counts,
        );
        counts
    }

    /// [`Queue::review_counts`] for every patch at once, indexed like `patches`: one pass
    /// over the replies and the series instead of one per patch.
    pub fn all_review_counts(&self) -> Vec<ReviewCounts> {
        let mut answering: Vec<Vec<usize>> = vec![Vec::new(); self.patches.len()];
        for (r, reply) in self.replies.iter().enumerate() {
            if let Some(list) = reply.parent.and_then(|p| answering.get_mut(p)) {
                list.push(r);
            }
        }
        let mut cover_of: Vec<Option<usize>> = vec![None; self.patches.len()];
        for series in &self.series {
            for &p in &series.patches {
                cover_of[p] = series.cover;
            }
        }
        use rayon::prelude::*;
        (0..self.patches.len())
            .into_par_iter()
            .map(|i| {
                let mut counts = ReviewCounts::default();
                let replies = answering[i]
                    .iter()
                    .chain(cover_of[i].iter().flat_map(|&c| answering[c].iter()))
                    .flat_map(|&r| vouched(&self.replies[r]));
                count_reviews(self.patches[i].trailers.iter().chain(replies), &mut counts);
                counts
            })
            .collect()
    }

    /// The index of the series whose cover letter `patch` is (a cover stands for its series).
    pub fn series_of_cover(&self, patch: usize) -> Option<usize> {
        self.series.iter().position(|s| s.cover == Some(patch))
    }

    /// The series a patch belongs to and its position there.
    pub fn series_of(&self, patch: usize) -> Option<&Series> {
        self.series
            .iter()
            .find(|s| s.cover == Some(patch) || s.patches.contains(&patch))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailer_kinds_are_named_by_their_keys_in_any_case() {
        for kind in [
            TrailerKind::Acked,
            TrailerKind::Reviewed,
            TrailerKind::Tested,
        ] {
            assert_eq!(TrailerKind::of_key(kind.key()), Some(kind));
            assert_eq!(
                TrailerKind::of_key(&kind.key().to_ascii_uppercase()),
                Some(kind)
            );
        }
        assert_eq!(TrailerKind::of_key("Signed-off-by"), None);
    }
}
