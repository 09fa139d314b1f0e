//! Pairing the patches of two versions of a series as `git range-diff` does: each patch is
//! written out in range-diff's form (author, commit message indented, then per file a
//! ` ## path ##` header and its hunks with `@@ path: section` lines); patches whose diff
//! parts are equal pair first; the rest pair by the least total cost, the cost of a pair
//! being the number of lines of the diff between the two diff parts (three lines of
//! context, one per hunk header), and leaving a patch unpaired costing 60 % (the
//! creation factor) of its diff part's line count.

use super::assignment::assign;
use crate::patch::{FileStatus, LineKind, Patch};
use similar::TextDiff;
use std::collections::HashMap;

/// Git's default creation factor, in per cent.
pub const CREATION_FACTOR: i64 = 60;

/// What became of a patch between the versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Same,
    Changed,
    Added,
    Removed,
}

/// One line of the range-diff: indices into the old and the new series' patch lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub old: Option<usize>,
    pub new: Option<usize>,
    pub change: Change,
    pub message_changed: bool,
    pub diff_changed: bool,
}

impl Pair {
    /// The `git range-diff` status character.
    pub fn mark(&self) -> char {
        match self.change {
            Change::Same => '=',
            Change::Changed => '!',
            Change::Added => '>',
            Change::Removed => '<',
        }
    }
}

/// A patch in range-diff's form.
#[derive(Debug, Clone)]
pub struct RangeText {
    /// Metadata and commit message part.
    pub head: String,
    /// The diff part.
    pub diff: String,
    /// Lines of the diff part.
    pub diffsize: i64,
}

/// Writes a patch in range-diff's form.
pub fn range_text(p: &Patch) -> RangeText {
    let mut head = String::from(" ## Metadata ##\n");
    head.push_str(&format!(
        "Author: {} <{}>\n\n",
        p.author.name, p.author.email
    ));
    head.push_str(" ## Commit message ##\n");
    let title = &p.subject.title;
    head.push_str(&format!("    {}\n", title.trim_end()));
    let body = p
        .message
        .split_once('\n')
        .map(|(_, rest)| rest)
        .unwrap_or("");
    for line in body.lines() {
        head.push_str(&format!("    {}\n", line.trim_end()).replace("    \n", "\n"));
    }
    let mut diff = String::new();
    let mut size = 0i64;
    for f in &p.diff {
        let name = f.path();
        diff.push('\n');
        let label = match f.status {
            FileStatus::Added => format!("{name} (new)"),
            FileStatus::Deleted => format!("{} (deleted)", f.old_path.as_deref().unwrap_or(name)),
            FileStatus::Renamed => format!(
                "{} => {}",
                f.old_path.as_deref().unwrap_or(name),
                f.new_path.as_deref().unwrap_or(name)
            ),
            _ => name.to_string(),
        };
        let mode = match (f.old_mode, f.new_mode) {
            (Some(a), Some(b)) if a != b => format!(" (mode change {a:06o} => {b:06o})"),
            _ => String::new(),
        };
        diff.push_str(&format!(" ## {label}{mode} ##\n"));
        size += 1;
        for h in &f.hunks {
            if h.section.is_empty() {
                diff.push_str("@@\n");
            } else {
                diff.push_str(&format!("@@ {name}: {}\n", h.section));
            }
            size += 1;
            for l in &h.lines {
                let c = match l.kind {
                    LineKind::Add => '+',
                    LineKind::Remove => '-',
                    LineKind::Context => ' ',
                };
                diff.push(c);
                diff.push_str(l.text.as_str().trim_end_matches(['\n', '\r']));
                diff.push('\n');
                size += 1;
            }
        }
    }
    RangeText {
        head,
        diff,
        diffsize: size,
    }
}

/// Lines of a unified diff (three lines of context) between `a` and `b`, hunk headers
/// included; 0 when they are equal.
pub fn diffsize(a: &str, b: &str) -> i64 {
    let d = TextDiff::from_lines(a, b);
    let mut n = 0i64;
    for group in d.grouped_ops(3) {
        n += 1;
        for op in group {
            n += d.iter_changes(&op).count() as i64;
        }
    }
    n
}

/// Pairs the patches of `old` with those of `new`; the pairs come in `git range-diff`'s
/// order (the newer series' order, a removed patch once its predecessors are shown).
pub fn pair(old: &[&Patch], new: &[&Patch]) -> Vec<Pair> {
    let a: Vec<RangeText> = old.iter().map(|p| range_text(p)).collect();
    let b: Vec<RangeText> = new.iter().map(|p| range_text(p)).collect();
    pair_texts(&a, &b)
}

/// [`pair`] over patches already written in range-diff's form.
pub fn pair_texts(a: &[RangeText], b: &[RangeText]) -> Vec<Pair> {
    let mut a_match: Vec<Option<usize>> = vec![None; a.len()];
    let mut b_match: Vec<Option<usize>> = vec![None; b.len()];
    // Exact matches of the diff part first.
    let mut by_diff: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, t) in a.iter().enumerate().rev() {
        by_diff.entry(t.diff.as_str()).or_default().push(i);
    }
    for (j, t) in b.iter().enumerate() {
        if let Some(i) = by_diff.get_mut(t.diff.as_str()).and_then(|v| v.pop()) {
            a_match[i] = Some(j);
            b_match[j] = Some(i);
        }
    }
    const COST_MAX: i64 = 1 << 30;
    let n = a.len() + b.len();
    let mut cost = vec![vec![0i64; n]; n];
    for i in 0..a.len() {
        for j in 0..b.len() {
            cost[i][j] = if a_match[i] == Some(j) {
                0
            } else if a_match[i].is_none() && b_match[j].is_none() {
                diffsize(&a[i].diff, &b[j].diff)
            } else {
                COST_MAX
            };
        }
        let c = if a_match[i].is_none() {
            a[i].diffsize * CREATION_FACTOR / 100
        } else {
            COST_MAX
        };
        for col in b.len()..n {
            cost[i][col] = c;
        }
    }
    for j in 0..b.len() {
        let c = if b_match[j].is_none() {
            b[j].diffsize * CREATION_FACTOR / 100
        } else {
            COST_MAX
        };
        for row in cost.iter_mut().skip(a.len()) {
            row[j] = c;
        }
    }
    let a2b = assign(&cost);
    for i in 0..a.len() {
        let j = a2b[i];
        if j < b.len() {
            a_match[i] = Some(j);
            b_match[j] = Some(i);
        } else {
            a_match[i] = None;
        }
    }
    for (j, m) in b_match.iter_mut().enumerate() {
        if let Some(i) = *m
            && a_match[i] != Some(j)
        {
            *m = None;
        }
    }
    order(a, b, &a_match, &b_match)
}

fn order(
    a: &[RangeText],
    b: &[RangeText],
    a_match: &[Option<usize>],
    b_match: &[Option<usize>],
) -> Vec<Pair> {
    let mut out = Vec::new();
    let mut shown = vec![false; a.len()];
    let (mut i, mut j) = (0, 0);
    let removed = |i| Pair {
        old: Some(i),
        new: None,
        change: Change::Removed,
        message_changed: false,
        diff_changed: false,
    };
    while i < a.len() || j < b.len() {
        while i < a.len() && shown[i] {
            i += 1;
        }
        if i < a.len() && a_match[i].is_none() {
            out.push(removed(i));
            i += 1;
            continue;
        }
        while j < b.len() && b_match[j].is_none() {
            out.push(Pair {
                old: None,
                new: Some(j),
                change: Change::Added,
                message_changed: false,
                diff_changed: false,
            });
            j += 1;
        }
        if j < b.len() {
            let k = b_match[j].unwrap_or(0);
            let message_changed = a[k].head != b[j].head;
            let diff_changed = a[k].diff != b[j].diff;
            out.push(Pair {
                old: Some(k),
                new: Some(j),
                change: if message_changed || diff_changed {
                    Change::Changed
                } else {
                    Change::Same
                },
                message_changed,
                diff_changed,
            });
            shown[k] = true;
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(diff: &str) -> RangeText {
        RangeText {
            head: "h\n".into(),
            diff: diff.into(),
            diffsize: diff.lines().count() as i64,
        }
    }

    #[test]
    fn exact_diffs_pair_even_when_reordered() {
        let a = [text("\n ## a ##\n+1\n"), text("\n ## b ##\n+2\n")];
        let b = [text("\n ## b ##\n+2\n"), text("\n ## a ##\n+1\n")];
        let p = pair_texts(&a, &b);
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[0].old, p[0].new, p[0].change),
            (Some(1), Some(0), Change::Same)
        );
        assert_eq!(
            (p[1].old, p[1].new, p[1].change),
            (Some(0), Some(1), Change::Same)
        );
    }

    #[test]
    fn a_rewrite_beyond_the_creation_factor_is_no_pair() {
        let a = [text("\n ## a ##\n+1\n+2\n+3\n")];
        let b = [text("\n ## z ##\n+x\n+y\n+w\n")];
        let p = pair_texts(&a, &b);
        let kinds: Vec<Change> = p.iter().map(|p| p.change).collect();
        assert_eq!(kinds, [Change::Removed, Change::Added]);
    }

    #[test]
    fn diffsize_counts_hunk_headers_and_lines() {
        assert_eq!(diffsize("a\nb\n", "a\nb\n"), 0);
        // @@ header, context a, -b, +c
        assert_eq!(diffsize("a\nb\n", "a\nc\n"), 4);
    }
}
