//! The queue filter: a query is fuzzy text (matched against subject, author and Message-Id with
//! `SkimMatcherV2`) plus field terms (`author:`, `status:`, `has:error`, `rule:ai-`,
//! `maintainer:`, `section:`, `mine`), all of which must hold. Filtering is a pure function of the summaries and the query; one matcher
//! lives in the state.

use super::summary::Summary;
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
    /// `maintainer:TEXT`: a person or list of any role whose `name <email>` contains it.
    pub maintainers: Vec<String>,
    /// `section:TEXT`: a MAINTAINERS section whose title contains it.
    pub sections: Vec<String>,
    /// `mine` (or `is:mine`): patches marked as the maintainer's own.
    pub mine: bool,
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
            } else if let Some(v) = lower.strip_prefix("maintainer:") {
                q.maintainers.push(v.to_string());
            } else if let Some(v) = lower.strip_prefix("section:") {
                q.sections.push(v.to_string());
            } else if lower == "mine" || lower == "is:mine" {
                q.mine = true;
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
            && self.maintainers == before.maintainers
            && self.sections == before.sections
            && self.mine == before.mine
            && self.fuzzy.starts_with(&before.fuzzy)
    }

    /// True when the query has field terms (not only fuzzy text).
    fn has_fields(&self) -> bool {
        !(self.authors.is_empty()
            && self.statuses.is_empty()
            && self.has.is_empty()
            && self.rules.is_empty()
            && self.maintainers.is_empty()
            && self.sections.is_empty()
            && !self.mine)
    }

    fn fields_hold(&self, s: &Summary, status: &str) -> bool {
        (!self.mine || s.mine)
            && self
                .maintainers
                .iter()
                .all(|m| s.people_lower.iter().any(|p| p.contains(m.as_str())))
            && self
                .sections
                .iter()
                .all(|t| s.sections_lower.iter().any(|x| x.contains(t.as_str())))
            && self
                .authors
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
/// Each field is matched on its own (a query never runs from the subject into the author's
/// name). Ranking an ASCII query uses [`field_score`], a linear byte scan: skim's scorer costs
/// ~0.4 µs a subject even in its linear mode, too slow to re-rank 20,000 patches inside a
/// frame on every keystroke. Other queries are ranked by skim's linear scorer, and the rows on
/// screen are highlighted by skim's full algorithm for the best alignment.
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

/// Below this many candidates one thread filters; above, rayon splits the work. The byte
/// scorer takes ~75 ns a patch, so 20,000 patches filter in 1.5 ms on one thread; splitting
/// that across two busy cores made the tail worse (a descheduled worker stalls the join).
const PARALLEL_FROM: usize = 65_536;

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Filter")
    }
}

/// A typed fuzzy pattern, prepared once per query.
pub(crate) struct Pattern<'q> {
    text: &'q str,
    /// The bytes to look for when the pattern is ASCII: as typed when it has a capital
    /// (smart case: exact), else lower case, to be found in the folded fields.
    ascii: Option<&'q [u8]>,
    exact: bool,
}

impl<'q> Pattern<'q> {
    pub(crate) fn new(text: &'q str) -> Self {
        Pattern {
            text,
            ascii: text.is_ascii().then_some(text.as_bytes()),
            exact: text.bytes().any(|b| b.is_ascii_uppercase()),
        }
    }
}

impl Filter {
    /// Filters `candidates` (indices into `summaries`), best score first, then index.
    /// `status` gives each patch's triage status.
    pub fn run<'s>(
        &self,
        summaries: &[Summary],
        candidates: impl Iterator<Item = usize>,
        status: &(dyn Fn(usize) -> &'s str + Sync + 's),
        query: &Query,
    ) -> Vec<Match> {
        use rayon::prelude::*;
        let no_fields = !query.has_fields();
        let pattern = Pattern::new(&query.fuzzy);
        let one = |i: usize| -> Option<Match> {
            let s = summaries.get(i)?;
            if !no_fields && !query.fields_hold(s, status(i)) {
                return None;
            }
            if query.fuzzy.is_empty() {
                return Some(Match { index: i, score: 0 });
            }
            let title = self.rank(&s.title, &s.title_folded, &pattern);
            let author = self.rank(&s.author, &s.author_folded, &pattern);
            // A Message-Id matches only when subject and author do not (ids are long and
            // would match almost any short query).
            title
                .max(author)
                .or_else(|| {
                    self.rank(&s.message_id, &s.message_id_folded, &pattern)
                        .map(|sc| sc / 2)
                })
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
        out.sort_unstable_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
        out
    }

    /// The ranking score of one field (`folded`: its ASCII lower-case copy).
    pub(crate) fn rank(&self, field: &str, folded: &str, pattern: &Pattern) -> Option<i64> {
        match pattern.ascii {
            Some(p) if pattern.exact => field_score(field.as_bytes(), field.as_bytes(), p),
            Some(p) => field_score(field.as_bytes(), folded.as_bytes(), p),
            None => self.ranker.fuzzy_match(field, pattern.text),
        }
    }

    /// Which characters of each field the fuzzy part matched: the better of subject and
    /// author (the subject on a tie), else the Message-Id.
    pub fn highlights(&self, s: &Summary, fuzzy: &str) -> Highlights {
        let mut h = Highlights::default();
        if fuzzy.is_empty() {
            return h;
        }
        let title = self.highlighter.fuzzy_indices(&s.title, fuzzy);
        let author = self.highlighter.fuzzy_indices(&s.author, fuzzy);
        match (title, author) {
            (Some((ts, ti)), Some((as_, ai))) => {
                if as_ > ts {
                    h.author = ai;
                } else {
                    h.title = ti;
                }
            }
            (Some((_, ti)), None) => h.title = ti,
            (None, Some((_, ai))) => h.author = ai,
            (None, None) => {
                if let Some((_, ids)) = self.highlighter.fuzzy_indices(&s.message_id, fuzzy) {
                    h.message_id = ids;
                }
            }
        }
        h
    }
}

/// Scores for [`field_score`], in the spirit of fzf's and skim's: every matched byte earns
/// `MATCH`; a match at a word start or a camel-case hump earns a bonus (doubled for the
/// pattern's first byte); a run of consecutive matches keeps at least `CONSECUTIVE`; a gap
/// costs `GAP_START` plus `GAP_EXTEND` a byte; a late start costs a little.
const MATCH: i64 = 16;
const BOUNDARY: i64 = 8;
const CAMEL: i64 = 7;
const CONSECUTIVE: i64 = 4;
const GAP_START: i64 = 3;
const GAP_EXTEND: i64 = 1;
/// Patterns longer than this are scored by their first this-many bytes' window, then checked.
const MAX_PATTERN: usize = 64;
/// How many exact (contiguous) occurrences are compared for the best-placed one.
const OCCURRENCES: usize = 4;

/// Scores ASCII `pattern` against a field in linear time, `None` when it is not a
/// subsequence. `hay` is the field as shown (for word starts and camel case); `search` is
/// what the pattern is looked for in — `hay` itself for an exact (smart-case) pattern, else
/// its ASCII lower-case copy, byte for byte the same length.
///
/// A contiguous occurrence scores best (the best-placed of the first few); otherwise, as
/// fzf's v1: a forward scan finds where the shortest-ending subsequence ends, a backward scan
/// from there finds the tightest start, and those positions are scored.
pub fn field_score(hay: &[u8], search: &[u8], pattern: &[u8]) -> Option<i64> {
    if pattern.is_empty() {
        return Some(0);
    }
    if hay.len() != search.len() || pattern.len() > MAX_PATTERN {
        return None;
    }
    let mut positions = [0usize; MAX_PATTERN];
    let mut best: Option<i64> = None;
    // Contiguous occurrences, found by their first byte (building a memmem searcher costs more
    // than a subject's scan).
    let first = pattern[0];
    let occurrences = memchr::memchr_iter(first, search)
        .filter(|&i| search[i..].starts_with(pattern))
        .take(OCCURRENCES);
    for start in occurrences {
        for (k, p) in positions.iter_mut().take(pattern.len()).enumerate() {
            *p = start + k;
        }
        let score = positions_score(hay, &positions[..pattern.len()]);
        best = Some(best.map_or(score, |b| b.max(score)));
    }
    if best.is_some() {
        return best;
    }
    let mut end = 0;
    for &b in pattern {
        end += memchr::memchr(b, search.get(end..)?)? + 1;
    }
    let mut k = end;
    for j in (0..pattern.len()).rev() {
        loop {
            k -= 1;
            if search[k] == pattern[j] {
                positions[j] = k;
                break;
            }
        }
    }
    Some(positions_score(hay, &positions[..pattern.len()]))
}

/// The score of matched byte `positions` (ascending) in `hay`.
fn positions_score(hay: &[u8], positions: &[usize]) -> i64 {
    let mut score = 0;
    let mut previous: Option<usize> = None;
    for &p in positions {
        let bonus = bonus_at(hay, p);
        score += MATCH;
        score += match previous {
            None => bonus * 2,
            Some(q) if q + 1 == p => bonus.max(CONSECUTIVE),
            Some(q) => bonus - GAP_START - GAP_EXTEND * (p - q - 1) as i64,
        };
        previous = Some(p);
    }
    score - positions.first().map_or(0, |&p| (p as i64).min(15) / 3)
}

/// The bonus of a match at byte `p`: a word start, a camel-case hump, or nothing.
fn bonus_at(hay: &[u8], p: usize) -> i64 {
    let before = if p == 0 { None } else { hay.get(p - 1) };
    let here = hay.get(p).copied().unwrap_or(0);
    match before {
        None => BOUNDARY,
        Some(b) if !b.is_ascii_alphanumeric() => BOUNDARY,
        Some(b) if b.is_ascii_lowercase() && here.is_ascii_uppercase() => CAMEL,
        Some(b) if !b.is_ascii_digit() && here.is_ascii_digit() => CAMEL,
        _ => 0,
    }
}
