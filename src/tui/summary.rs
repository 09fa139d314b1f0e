//! What the queue list needs to know about each patch, computed once when a queue arrives:
//! display fields, review-trailer counts (the patch's own trailers, replies to it and replies
//! to its cover letter), finding counts by severity, and the text the filter matches.

use crate::policy::{Finding, Severity};
use crate::queue::Queue;
use chrono::{DateTime, FixedOffset};

/// Review trailers counted in the A/R/T column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reviews {
    pub acked: u16,
    pub reviewed: u16,
    pub tested: u16,
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
    pub reviews: Reviews,
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
}

/// Summaries for every patch of `queue`, indexed like `queue.patches`.
pub fn summarise(queue: &Queue, findings: &[Vec<Finding>]) -> Vec<Summary> {
    let all_reviews = queue.all_review_counts();
    queue
        .patches
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let counted = all_reviews[i];
            let narrow = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
            let reviews = Reviews {
                acked: narrow(counted.acked),
                reviewed: narrow(counted.reviewed),
                tested: narrow(counted.tested),
            };
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
                counts: Counts::of(own),
                rules,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::sample;

    #[test]
    fn reviews_count_own_reply_and_cover_trailers_once() {
        let (q, f) = sample::small_queue();
        let s = summarise(&q, &f);
        // p1: own Reviewed-by; cover reply Tested-by.
        assert_eq!(
            s[1].reviews,
            Reviews {
                acked: 0,
                reviewed: 1,
                tested: 1
            }
        );
        // p2: reply Acked-by; cover Tested-by.
        assert_eq!(
            s[2].reviews,
            Reviews {
                acked: 1,
                reviewed: 0,
                tested: 1
            }
        );
        // p3: own Acked-by by Linus; cover Tested-by.
        assert_eq!(
            s[3].reviews,
            Reviews {
                acked: 1,
                reviewed: 0,
                tested: 1
            }
        );
        // A lone patch has none.
        assert_eq!(s[5].reviews, Reviews::default());
    }

    #[test]
    fn counts_by_severity_and_rules() {
        let (q, f) = sample::small_queue();
        let s = summarise(&q, &f);
        assert_eq!(
            s[2].counts,
            Counts {
                errors: 1,
                warnings: 1,
                infos: 1
            }
        );
        assert_eq!(
            s[4].rules,
            vec![
                "ai-assisted-by".to_string(),
                "ai-generated-text".to_string()
            ]
        );
        assert!(
            Counts {
                errors: 1,
                ..Counts::default()
            }
            .weight()
                > Counts {
                    warnings: 50,
                    ..Counts::default()
                }
                .weight()
        );
    }
}
