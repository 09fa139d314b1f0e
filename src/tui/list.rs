//! The queue list as a tree: one group per series (its cover letter, or its title when it has
//! none), its patches in `n` order, and gaps where patches did not arrive. Groups are sorted
//! by date, subject, author or findings (or by filter score while filtering), can be folded,
//! and the list keeps one selected row.

use super::filter::Match;
use super::summary::{Counts, Summary};
use crate::queue::Queue;
use std::collections::HashSet;

/// What the list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Date,
    Subject,
    Author,
    Findings,
    /// Series with a patch that is mine first, then newest first.
    Mine,
}

impl SortKey {
    pub fn name(self) -> &'static str {
        match self {
            SortKey::Date => "date",
            SortKey::Subject => "subject",
            SortKey::Author => "author",
            SortKey::Findings => "findings",
            SortKey::Mine => "mine first",
        }
    }
}

/// A group of rows: a series, or a patch that belongs to none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Index into `queue.series`, or `None` for a loose patch.
    pub series: Option<usize>,
    /// The patch shown on the group's own row (the cover letter, a lone patch), if any.
    pub head: Option<usize>,
    /// Patches under the head, in `n` order (empty for a lone patch).
    pub children: Vec<usize>,
    /// `n` values that did not arrive, shown as gaps.
    pub missing: Vec<u32>,
}

impl Group {
    /// Every patch of the group, head first.
    pub fn patches(&self) -> impl Iterator<Item = usize> + '_ {
        self.head.into_iter().chain(self.children.iter().copied())
    }
}

/// One row of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Row {
    /// The head row of group `group` (index into [`List::groups`]).
    Head { group: usize },
    /// A patch under a head.
    Child { group: usize, patch: usize },
    /// A patch that did not arrive: `n` of the group's series.
    Gap { group: usize, n: u32 },
}

/// Groups built from a queue: series first, then patches no series claims.
pub fn groups(queue: &Queue) -> Vec<Group> {
    let mut claimed = vec![false; queue.patches.len()];
    let mut out = Vec::new();
    for (si, s) in queue.series.iter().enumerate() {
        let lone = s.cover.is_none() && s.patches.len() == 1 && s.missing.is_empty();
        let (head, children) = if lone {
            (s.patches.first().copied(), Vec::new())
        } else {
            (s.cover, s.patches.clone())
        };
        for p in head.iter().chain(children.iter()) {
            if let Some(c) = claimed.get_mut(*p) {
                *c = true;
            }
        }
        for d in &s.duplicates {
            if let Some(c) = claimed.get_mut(*d) {
                *c = true;
            }
        }
        out.push(Group {
            series: Some(si),
            head,
            children,
            missing: s.missing.clone(),
        });
    }
    for (p, was) in claimed.iter().enumerate() {
        if !was {
            out.push(Group {
                series: None,
                head: Some(p),
                children: Vec::new(),
                missing: Vec::new(),
            });
        }
    }
    out
}

/// The list's state.
#[derive(Debug, Clone, Default)]
pub struct List {
    pub groups: Vec<Group>,
    /// Group order after sorting and filtering, with the patches each shows.
    pub rows: Vec<Row>,
    /// Every shown patch in row order, folded or not: the order of next/previous patch.
    pub order: Vec<usize>,
    pub selected: usize,
    pub offset: usize,
    pub folded: HashSet<usize>,
    pub sort: SortKey,
    pub reverse: bool,
    /// Per patch: shown by the filter (all true without one). Heads shown only as the
    /// context of a matching child are drawn dim.
    pub passes: Vec<bool>,
}

/// Per-group values used for sorting.
fn group_key_date(g: &Group, s: &[Summary]) -> i64 {
    g.patches()
        .filter_map(|p| s.get(p).and_then(|x| x.date).map(|d| d.timestamp()))
        .max()
        .unwrap_or(i64::MIN)
}

fn group_title<'a>(g: &Group, queue: &'a Queue, s: &'a [Summary]) -> &'a str {
    match (g.head, g.series) {
        (Some(h), _) => s.get(h).map_or("", |x| x.title.as_str()),
        (None, Some(si)) => queue.series.get(si).map_or("", |x| x.title.as_str()),
        _ => "",
    }
}

/// Counts for a group: the sum over its patches.
pub fn group_counts(g: &Group, s: &[Summary]) -> Counts {
    g.patches()
        .filter_map(|p| s.get(p))
        .fold(Counts::default(), |acc, x| acc.plus(x.counts))
}

impl List {
    /// Rebuilds rows from the groups, the filter result (`None`: no filter) and the sort,
    /// keeping the selected row when it is still shown.
    pub fn rebuild(&mut self, queue: &Queue, summaries: &[Summary], matches: Option<&[Match]>) {
        let keep = self.rows.get(self.selected).copied();
        // Which patches pass, and each group's best score.
        let mut pass: Option<Vec<Option<i64>>> = None;
        if let Some(ms) = matches {
            let mut v = vec![None; summaries.len()];
            for m in ms {
                if let Some(x) = v.get_mut(m.index) {
                    *x = Some(m.score);
                }
            }
            pass = Some(v);
        }
        let passes = |p: usize| {
            pass.as_ref()
                .is_none_or(|v| v.get(p).copied().flatten().is_some())
        };
        let mut order: Vec<(usize, i64)> = Vec::new();
        for (gi, g) in self.groups.iter().enumerate() {
            let best = match &pass {
                None => Some(0),
                Some(v) => g
                    .patches()
                    .filter_map(|p| v.get(p).copied().flatten())
                    .max(),
            };
            if let Some(score) = best {
                order.push((gi, score));
            }
        }
        // Sort keys computed once per group, not per comparison.
        #[derive(PartialEq, Eq, PartialOrd, Ord)]
        enum SortValue {
            Number(std::cmp::Reverse<u64>),
            Text(String),
            /// Not mine (true after false), then a number.
            Mine(bool, std::cmp::Reverse<u64>),
        }
        let keys: Vec<SortValue> = self
            .groups
            .iter()
            .map(|g| match self.sort {
                SortKey::Date => {
                    // Shifted so that "no date" sorts last among newest-first.
                    let t = group_key_date(g, summaries);
                    SortValue::Number(std::cmp::Reverse((t as i128 - i64::MIN as i128) as u64))
                }
                SortKey::Mine => {
                    let t = group_key_date(g, summaries);
                    let mine = g
                        .patches()
                        .any(|p| summaries.get(p).is_some_and(|s| s.mine));
                    SortValue::Mine(
                        !mine,
                        std::cmp::Reverse((t as i128 - i64::MIN as i128) as u64),
                    )
                }
                SortKey::Subject => {
                    SortValue::Text(group_title(g, queue, summaries).to_lowercase())
                }
                SortKey::Author => SortValue::Text(
                    g.patches()
                        .next()
                        .and_then(|p| summaries.get(p))
                        .map(|s| s.author.to_lowercase())
                        .unwrap_or_default(),
                ),
                SortKey::Findings => {
                    SortValue::Number(std::cmp::Reverse(group_counts(g, summaries).weight()))
                }
            })
            .collect();
        let key_cmp = |a: &usize, b: &usize| -> std::cmp::Ordering {
            let ord = keys[*a].cmp(&keys[*b]);
            if self.reverse { ord.reverse() } else { ord }
        };
        let scored = matches.is_some_and(|m| m.iter().any(|x| x.score != 0));
        order.sort_by(|a, b| {
            if scored {
                b.1.cmp(&a.1).then_with(|| key_cmp(&a.0, &b.0))
            } else {
                key_cmp(&a.0, &b.0)
            }
            .then(a.0.cmp(&b.0))
        });
        self.passes = (0..summaries.len()).map(passes).collect();
        self.rows.clear();
        self.order.clear();
        let filtering = matches.is_some();
        let mut items: Vec<(u32, Row)> = Vec::new();
        for (gi, _) in order {
            let g = &self.groups[gi];
            self.rows.push(Row::Head { group: gi });
            if let Some(h) = g.head.filter(|&h| passes(h)) {
                self.order.push(h);
            }
            let open = filtering || !self.folded.contains(&gi);
            // Children and gaps in `n` order.
            items.clear();
            for (k, &p) in g.children.iter().enumerate() {
                if !passes(p) {
                    continue;
                }
                self.order.push(p);
                let n = summaries
                    .get(p)
                    .and_then(|s| s.index)
                    .unwrap_or(k as u32 + 1);
                items.push((
                    n,
                    Row::Child {
                        group: gi,
                        patch: p,
                    },
                ));
            }
            if !filtering {
                for &n in &g.missing {
                    items.push((n, Row::Gap { group: gi, n }));
                }
            }
            items.sort_by_key(|(n, r)| (*n, matches!(r, Row::Gap { .. })));
            if open {
                self.rows.extend(items.drain(..).map(|(_, r)| r));
            }
        }
        self.selected = keep
            .and_then(|k| self.rows.iter().position(|r| *r == k))
            .or_else(|| match keep {
                Some(Row::Child { group, .. }) | Some(Row::Gap { group, .. }) => {
                    self.rows.iter().position(|r| *r == Row::Head { group })
                }
                _ => None,
            })
            .unwrap_or(0)
            .min(self.rows.len().saturating_sub(1));
    }

    /// The patch a row opens: a child, or the head's patch, or the series' first patch.
    pub fn patch_of(&self, row: Row) -> Option<usize> {
        match row {
            Row::Child { patch, .. } => Some(patch),
            Row::Head { group } => self.groups.get(group).and_then(|g| g.patches().next()),
            Row::Gap { .. } => None,
        }
    }

    /// True when the group has rows under its head.
    pub fn has_children(&self, group: usize) -> bool {
        self.groups
            .get(group)
            .is_some_and(|g| !g.children.is_empty() || !g.missing.is_empty())
    }

    /// Selects the row showing `patch` (or its group's head when folded).
    pub fn select_patch(&mut self, patch: usize) {
        let pos = self.rows.iter().position(|r| match *r {
            Row::Child { patch: p, .. } => p == patch,
            Row::Head { group } => self.groups.get(group).and_then(|g| g.head) == Some(patch),
            Row::Gap { .. } => false,
        });
        let pos = pos.or_else(|| {
            let gi = self
                .groups
                .iter()
                .position(|g| g.children.contains(&patch))?;
            self.rows.iter().position(|r| *r == Row::Head { group: gi })
        });
        if let Some(p) = pos {
            self.selected = p;
        }
    }

    /// Keeps the selected row inside a window of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.rows.len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::{filter, sample, summary};

    fn list() -> (Queue, Vec<Summary>, List) {
        let (q, f) = sample::small_queue();
        let s = summary::summarise(&q, &f);
        let mut l = List {
            groups: groups(&q),
            ..List::default()
        };
        l.rebuild(&q, &s, None);
        (q, s, l)
    }

    #[test]
    fn series_become_trees_with_gaps_and_lone_patches_stand_alone() {
        let (_, _, l) = list();
        assert_eq!(l.groups[0].head, Some(0));
        assert_eq!(l.groups[0].children, vec![1, 2, 3]);
        assert_eq!(l.groups[1].head, Some(4));
        assert!(l.groups[1].children.is_empty());
        // Newest first: the AI patch (5h), the series (29h), MAINTAINERS (50h).
        assert_eq!(
            l.rows,
            vec![
                Row::Head { group: 1 },
                Row::Head { group: 0 },
                Row::Child { group: 0, patch: 1 },
                Row::Child { group: 0, patch: 2 },
                Row::Child { group: 0, patch: 3 },
                Row::Gap { group: 0, n: 4 },
                Row::Head { group: 2 },
            ]
        );
        assert_eq!(l.order, vec![4, 0, 1, 2, 3, 5]);
    }

    #[test]
    fn folding_hides_children_but_not_the_patch_order() {
        let (q, s, mut l) = list();
        l.folded.insert(0);
        l.rebuild(&q, &s, None);
        assert_eq!(l.rows.len(), 3);
        assert_eq!(l.order, vec![4, 0, 1, 2, 3, 5]);
    }

    #[test]
    fn sorting_by_findings_and_subject() {
        let (q, s, mut l) = list();
        l.sort = SortKey::Findings;
        l.rebuild(&q, &s, None);
        // The series has 1 error, 1 warning, 2 infos; the AI patch 1 error, 1 warning.
        assert_eq!(l.rows[0], Row::Head { group: 0 });
        l.sort = SortKey::Subject;
        l.rebuild(&q, &s, None);
        // Case-insensitive: "docs:" < "MAINTAINERS:" < "net:".
        assert_eq!(l.rows[0], Row::Head { group: 1 });
        assert_eq!(l.rows.last(), Some(&Row::Gap { group: 0, n: 4 }));
    }

    #[test]
    fn filtering_shows_matching_patches_under_their_series() {
        let (q, s, mut l) = list();
        let m = filter::Filter::default().run(
            &s,
            0..s.len(),
            &|_| "new",
            &filter::Query::parse("has:error"),
        );
        l.rebuild(&q, &s, Some(&m));
        assert_eq!(
            l.rows,
            vec![
                Row::Head { group: 1 },
                Row::Head { group: 0 },
                Row::Child { group: 0, patch: 2 }
            ]
        );
        assert_eq!(l.order, vec![4, 2]);
    }

    #[test]
    fn selection_follows_the_row_across_rebuilds() {
        let (q, s, mut l) = list();
        l.selected = 3; // patch 2
        l.sort = SortKey::Subject;
        l.rebuild(&q, &s, None);
        assert_eq!(l.rows[l.selected], Row::Child { group: 0, patch: 2 });
    }
}
