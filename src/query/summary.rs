//! What the queue list needs to know about each patch, computed once when a queue arrives:
//! display fields, review-trailer counts (the patch's own trailers, replies to it and replies
//! to its cover letter, then the maintainer's own recorded at the desk: [`with_recorded`]),
//! finding counts by severity, and the text the filter matches.

use crate::patch::Trailer;
use crate::policy::{Finding, Severity};
use crate::queue::Queue;
use chrono::{DateTime, FixedOffset};
use std::collections::BTreeMap;

/// Review trailers counted in the A/R/T column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reviews {
    pub acked: u16,
    pub reviewed: u16,
    pub tested: u16,
}

impl From<crate::queue::ReviewCounts> for Reviews {
    fn from(c: crate::queue::ReviewCounts) -> Reviews {
        let narrow = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
        Reviews {
            acked: narrow(c.acked),
            reviewed: narrow(c.reviewed),
            tested: narrow(c.tested),
        }
    }
}

/// Finding counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Counts {
    pub errors: u32,
    pub warnings: u32,
    pub infos: u32,
}

impl Counts {
    /// Counts a patch's findings.
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            c.add(f.severity);
        }
        c
    }

    fn add(&mut self, s: Severity) {
        match s {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    /// Adds another patch's counts.
    pub fn plus(self, o: Counts) -> Counts {
        Counts {
            errors: self.errors + o.errors,
            warnings: self.warnings + o.warnings,
            infos: self.infos + o.infos,
        }
    }

    /// Worst first, for sorting.
    pub fn weight(self) -> u64 {
        (self.errors as u64) << 40 | (self.warnings as u64) << 20 | self.infos as u64
    }

    pub fn is_empty(self) -> bool {
        self == Counts::default()
    }
}

/// One patch as the list shows and filters it.
#[derive(Debug, Clone)]
pub struct Summary {
    pub title: String,
    pub author: String,
    pub author_email: String,
    pub message_id: String,
    pub date: Option<DateTime<FixedOffset>>,
    pub version: u32,
    pub index: Option<u32>,
    pub total: Option<u32>,
    /// What the A/R/T column shows: `queue_reviews` plus the maintainer's recorded trailers.
    pub reviews: Reviews,
    /// The counts from the queue alone ([`crate::queue::Queue::all_review_counts`]).
    pub queue_reviews: Reviews,
    pub counts: Counts,
    /// Distinct rule ids of its findings.
    pub rules: Vec<String>,
    /// ASCII lower-case copies of title, author and Message-Id, byte for byte as long, for
    /// the filter's case-insensitive scan.
    pub title_folded: String,
    pub author_folded: String,
    pub message_id_folded: String,
    /// Lower-cased `author <email>` for `author:`.
    pub author_lower: String,
    /// Lower-cased titles of the MAINTAINERS sections it touches, for `section:` (empty
    /// without a tree; filled by [`super::owners::apply`]).
    pub sections_lower: Vec<String>,
    /// Lower-cased `name <email>` of its MAINTAINERS people and lists, for `maintainer:`.
    pub people_lower: Vec<String>,
    /// One of the maintainer's own addresses is among its people (or, without a tree, in
    /// its To/Cc): `mine`.
    pub mine: bool,
}

/// Summaries for every patch of `queue`, indexed like `queue.patches`.
pub fn summarise(queue: &Queue, findings: &[Vec<Finding>]) -> Vec<Summary> {
    let all_reviews = queue.all_review_counts();
    queue
        .patches
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let reviews = Reviews::from(all_reviews[i]);
            let own = findings.get(i).map(Vec::as_slice).unwrap_or(&[]);
            let mut rules: Vec<String> = own.iter().map(|f| f.rule.clone()).collect();
            rules.sort();
            rules.dedup();
            let title = if p.subject.title.is_empty() {
                p.mail.subject.clone()
            } else {
                p.subject.title.clone()
            };
            let author = if p.author.name.is_empty() {
                p.author.email.clone()
            } else {
                p.author.name.clone()
            };
            let message_id = p.mail.message_id.clone().unwrap_or_else(|| p.key.clone());
            Summary {
                title_folded: title.to_ascii_lowercase(),
                author_folded: author.to_ascii_lowercase(),
                message_id_folded: message_id.to_ascii_lowercase(),
                author_lower: format!("{} <{}>", p.author.name, p.author.email).to_lowercase(),
                author_email: p.author.email.clone(),
                title,
                author,
                message_id,
                date: p.date.or(p.mail.date),
                version: p.subject.version.max(1),
                index: p.subject.index,
                total: p.subject.total,
                reviews,
                queue_reviews: reviews,
                counts: Counts::of(own),
                rules,
                sections_lower: Vec::new(),
                people_lower: Vec::new(),
                mine: false,
            }
        })
        .collect()
}

/// Makes the A/R/T counts include the maintainer's trailers recorded at the desk (`recorded`:
/// by patch key, as trailers), a person the queue already counted for a kind not counted
/// again; patches with none go back to the queue's counts.
pub fn with_recorded(
    summaries: &mut [Summary],
    queue: &Queue,
    recorded: &BTreeMap<String, Vec<Trailer>>,
) {
    for (i, s) in summaries.iter_mut().enumerate() {
        s.reviews = match queue.patches.get(i).and_then(|p| recorded.get(&p.key)) {
            Some(mine) if !mine.is_empty() => queue.review_counts_with(i, mine).into(),
            _ => s.queue_reviews,
        };
    }
}
