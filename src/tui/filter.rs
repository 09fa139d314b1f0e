//! The queue filter: a query is fuzzy text (matched against subject, author and Message-Id with
//! `SkimMatcherV2`) plus field terms (`author:`, `status:`, `has:error`, `rule:ai-`), all of
//! which must hold. Filtering is a pure function of the summaries and the query; one matcher
//! lives in the state.

use super::summary::{FIELD_SEP, Summary};
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// A parsed filter query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// The fuzzy part, words joined without spaces.
    pub fuzzy: String,
    pub authors: Vec<String>,
    pub statuses: Vec<String>,
    /// `has:error`, `has:warning`, `has:info`, `has:findings`.
    pub has: Vec<String>,
    pub rules: Vec<String>,
}

impl Query {
    /// Parses the text typed at the filter prompt.
    pub fn parse(text: &str) -> Query {
        let mut q = Query::default();
        for word in text.split_whitespace() {
            let lower = word.to_lowercase();
            if let Some(v) = lower.strip_prefix("author:") {
                q.authors.push(v.to_string());
            } else if let Some(v) = lower.strip_prefix("status:") {
                q.statuses.push(v.to_string());
            } else if let Some(v) = lower.strip_prefix("has:") {
                q.has.push(v.to_string());
            } else if let Some(v) = lower.strip_prefix("rule:") {
                q.rules.push(v.to_string());
            } else {
                q.fuzzy.push_str(word);
            }
        }
        q
    }

    /// True when nothing is asked.
    pub fn is_empty(&self) -> bool {
        *self == Query::default()
    }

    /// True when `self` can only match a subset of what `before` matched (typing more).
    pub fn narrows(&self, before: &Query) -> bool {
        self.authors == before.authors
            && self.statuses == before.statuses
            && self.has == before.has
            && self.rules == before.rules
            && self.fuzzy.starts_with(&before.fuzzy)
    }

    fn fields_hold(&self, s: &Summary, status: &str) -> bool {
        self.authors
            .iter()
            .all(|a| s.author_lower.contains(a.as_str()))
            && self
                .statuses
                .iter()
                .all(|st| status.starts_with(st.as_str()))
            && self
                .rules
                .iter()
                .all(|r| s.rules.iter().any(|rule| rule.starts_with(r.as_str())))
            && self.has.iter().all(|h| match h.as_str() {
                "error" | "errors" => s.counts.errors > 0,
                "warning" | "warnings" => s.counts.warnings > 0,
                "info" | "infos" => s.counts.infos > 0,
                "finding" | "findings" => !s.counts.is_empty(),
                _ => false,
            })
    }
}

/// A patch that passed the filter, with its fuzzy score (0 when there is no fuzzy part).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub index: usize,
    pub score: i64,
}

/// Matched character positions in each displayed field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlights {
    pub title: Vec<usize>,
    pub author: Vec<usize>,
    pub message_id: Vec<usize>,
}

/// The filter with its matchers, built once and kept in the state.
///
/// Ranking uses skim's linear-time scorer (`element_limit`: the full score matrix of every
/// subject on every keystroke costs ~25 µs a patch, too slow for 20,000 patches); the
/// highlighting of the rows on screen uses the full algorithm for the best alignment.
pub struct Filter {
    ranker: SkimMatcherV2,
    highlighter: SkimMatcherV2,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            ranker: SkimMatcherV2::default().smart_case().element_limit(1),
            highlighter: SkimMatcherV2::default().smart_case(),
        }
    }
}

/// Below this many candidates one thread filters; above, rayon splits the work.
const PARALLEL_FROM: usize = 4096;

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Filter")
    }
}

impl Filter {
    /// Filters `candidates` (indices into `summaries`), best score first, then index.
    /// `status` gives each patch's triage status.
    pub fn run(
        &self,
        summaries: &[Summary],
        candidates: impl Iterator<Item = usize>,
        status: &(dyn Fn(usize) -> String + Sync),
        query: &Query,
    ) -> Vec<Match> {
        use rayon::prelude::*;
        let no_fields = query.authors.is_empty()
            && query.statuses.is_empty()
            && query.has.is_empty()
            && query.rules.is_empty();
        let one = |i: usize| -> Option<Match> {
            let s = summaries.get(i)?;
            if !no_fields && !query.fields_hold(s, &status(i)) {
                return None;
            }
            if query.fuzzy.is_empty() {
                return Some(Match { index: i, score: 0 });
            }
            self.ranker
                .fuzzy_match(&s.haystack, &query.fuzzy)
                .map(|score| Match { index: i, score })
        };
        let candidates: Vec<usize> = candidates.collect();
        let mut out: Vec<Match> = if candidates.len() >= PARALLEL_FROM {
            candidates
                .par_iter()
                .with_min_len(1024)
                .filter_map(|&i| one(i))
                .collect()
        } else {
            candidates.iter().filter_map(|&i| one(i)).collect()
        };
        out.sort_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
        out
    }

    /// Which characters of each field the fuzzy part matched.
    pub fn highlights(&self, s: &Summary, fuzzy: &str) -> Highlights {
        let mut h = Highlights::default();
        if fuzzy.is_empty() {
            return h;
        }
        let Some((_, indices)) = self.highlighter.fuzzy_indices(&s.haystack, fuzzy) else {
            return h;
        };
        let author_start = s.title_chars + 1;
        let id_start = author_start + s.author_chars + 1;
        for i in indices {
            if i < s.title_chars {
                h.title.push(i);
            } else if i >= author_start && i < author_start + s.author_chars {
                h.author.push(i - author_start);
            } else if i >= id_start {
                h.message_id.push(i - id_start);
            }
        }
        h
    }
}

/// Removes the separator from typed text so it can never be matched.
pub fn clean(text: &str) -> String {
    text.chars().filter(|&c| c != FIELD_SEP).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::{sample, summary};

    fn run(q: &str) -> Vec<usize> {
        let (queue, f) = sample::small_queue();
        let s = summary::summarise(&queue, &f);
        Filter::default()
            .run(&s, 0..s.len(), &|_| "new".to_string(), &Query::parse(q))
            .into_iter()
            .map(|m| m.index)
            .collect()
    }

    #[test]
    fn parses_field_terms_and_fuzzy_words() {
        let q = Query::parse("author:Ada ring has:error rule:ai- free status:new");
        assert_eq!(q.fuzzy, "ringfree");
        assert_eq!(q.authors, vec!["ada"]);
        assert_eq!(q.has, vec!["error"]);
        assert_eq!(q.rules, vec!["ai-"]);
        assert_eq!(q.statuses, vec!["new"]);
        assert!(Query::parse("ringf").narrows(&Query::parse("ring")));
        assert!(!Query::parse("ring author:x").narrows(&Query::parse("ring")));
    }

    #[test]
    fn empty_query_keeps_everything_in_order() {
        assert_eq!(run(""), vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn field_filters_narrow() {
        assert_eq!(run("author:grace"), vec![5]);
        assert_eq!(run("has:error"), vec![2, 4]);
        assert_eq!(run("rule:ai-"), vec![4]);
        assert_eq!(run("status:new has:warning"), vec![2, 4]);
        assert_eq!(run("status:accepted"), Vec::<usize>::new());
    }

    #[test]
    fn fuzzy_ranks_tight_matches_first() {
        let hits = run("free");
        assert_eq!(hits.first(), Some(&2), "{hits:?}");
        // A contiguous word beats a scattered subsequence.
        let hits = run("docs");
        assert_eq!(hits.first(), Some(&4), "{hits:?}");
        // Message-Ids are searched too.
        assert_eq!(run("1700000200"), vec![5]);
    }

    #[test]
    fn highlights_map_back_to_fields() {
        let (queue, f) = sample::small_queue();
        let s = summary::summarise(&queue, &f);
        let filter = Filter::default();
        let h = filter.highlights(&s[2], "free");
        // "net: free the ring on error": f r e e at 5..9.
        assert_eq!(h.title, vec![5, 6, 7, 8]);
        assert!(h.author.is_empty());
        let h = filter.highlights(&s[5], "grace");
        assert_eq!(h.author, vec![0, 1, 2, 3, 4], "{h:?}");
    }
}
