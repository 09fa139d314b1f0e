//! Pairing the patches of two versions of a series as `git range-diff` pairs them.
//!
//! Each patch is first written in range-diff's form ([`RangeText`]): a ` ## Metadata ##`
//! part with the author, a ` ## Commit message ##` part with the message indented by four
//! spaces, then per file a ` ## path ##` line and its hunks, each headed `@@ path: section`
//! (or `@@`) without line numbers. Patches whose diff parts are identical pair first; the
//! rest pair by the least total cost, the cost of a pair being the number of lines of a
//! three-line-context diff between the two diff parts (hunk headers included), and leaving
//! a patch unpaired costing the creation factor (60 %) of its diff part's line count.

use super::assignment::assign;
use crate::patch::{FileStatus, LineKind, Patch};
use similar::TextDiff;
use std::collections::HashMap;

/// Git's default creation factor, in per cent.
pub const CREATION_FACTOR: i64 = 60;

/// Cost of a pair that must not be made (git's `COST_MAX`).
const COST_MAX: i64 = 1 << 30;

/// What became of a patch between the versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Diff and message (and author) equal.
    Same,
    /// Paired, but the message, the diff or both differ.
    Changed,
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
}

impl Change {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Same => "same",
            Change::Changed => "changed",
            Change::Added => "added",
            Change::Removed => "removed",
        }
    }
}

/// One line of the range-diff: indices into the old and the new series' patch lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub old: Option<usize>,
    pub new: Option<usize>,
    pub change: Change,
    /// The metadata or commit message part differs.
    pub message_changed: bool,
    /// The diff part differs.
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RangeText {
    /// The whole text: metadata, commit message, then the diff part.
    pub text: String,
    /// Where the diff part starts in `text` (0 when there is no diff: git then compares
    /// the whole text).
    pub diff_offset: usize,
    /// Lines of the diff part as git counts them (file headers, hunk headers, lines).
    pub diffsize: i64,
}

impl RangeText {
    /// The metadata and commit message part.
    pub fn head(&self) -> &str {
        &self.text[..self.diff_offset]
    }

    /// The diff part (the whole text for a patch without a diff, as in git).
    pub fn diff(&self) -> &str {
        &self.text[self.diff_offset..]
    }

    /// True when the patch has a diff part.
    pub fn has_diff(&self) -> bool {
        self.diff_offset > 0
    }
}

/// Writes a patch in range-diff's form.
pub fn range_text(p: &Patch) -> RangeText {
    let mut text = String::from(" ## Metadata ##\n");
    text.push_str(&format!(
        "Author: {} <{}>\n\n",
        p.author.name, p.author.email
    ));
    text.push_str(" ## Commit message ##\n");
    // `git log` indents every line of the message; range-diff strips trailing blanks.
    let mut started = false;
    for line in p.message.lines() {
        if !started && line.trim().is_empty() {
            continue;
        }
        started = true;
        let line = line.trim_end();
        if line.is_empty() {
            text.push('\n');
        } else {
            text.push_str("    ");
            text.push_str(line);
            text.push('\n');
        }
    }
    let mut diff_offset = 0;
    let mut size = 0i64;
    for f in &p.diff {
        text.push('\n');
        if diff_offset == 0 {
            diff_offset = text.len();
        }
        let old = f.old_path.as_deref().unwrap_or(f.path());
        let new = f.new_path.as_deref().unwrap_or(f.path());
        let label = match f.status {
            FileStatus::Added => format!("{new} (new)"),
            FileStatus::Deleted => format!("{old} (deleted)"),
            FileStatus::Renamed => format!("{old} => {new}"),
            _ => new.to_string(),
        };
        let current = if f.status == FileStatus::Deleted {
            old
        } else {
            new
        };
        let mode = match (f.old_mode, f.new_mode) {
            (Some(a), Some(b)) if a != b && a != 0 && b != 0 => {
                format!(" (mode change {a:06o} => {b:06o})")
            }
            _ => String::new(),
        };
        text.push_str(&format!(" ## {label}{mode} ##\n"));
        size += 1;
        for h in &f.hunks {
            if h.section.is_empty() {
                text.push_str("@@\n");
            } else {
                text.push_str(&format!("@@ {current}: {}\n", h.section));
            }
            size += 1;
            for l in &h.lines {
                text.push(match l.kind {
                    LineKind::Add => '+',
                    LineKind::Remove => '-',
                    LineKind::Context => ' ',
                });
                text.push_str(l.text.as_str().trim_end_matches(['\n', '\r']));
                text.push('\n');
                size += 1;
                if l.no_newline {
                    text.push_str(" \\ No newline at end of file\n");
                    size += 1;
                }
            }
        }
    }
    RangeText {
        text,
        diff_offset,
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

/// The sorted hashes of a text's lines.
fn line_hashes(text: &str) -> Vec<u64> {
    use std::hash::{BuildHasher, BuildHasherDefault};
    let h = BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default();
    let mut v: Vec<u64> = text.lines().map(|l| h.hash_one(l)).collect();
    v.sort_unstable();
    v
}

/// Lines of one side without an equal line on the other (as multisets): every diff
/// between the two texts removes or adds at least these, so it is a lower bound of
/// [`diffsize`].
fn lower_bound(a: &[u64], b: &[u64]) -> i64 {
    let (mut i, mut j, mut common) = (0, 0, 0i64);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    a.len() as i64 + b.len() as i64 - 2 * common
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
    let (a_match, b_match) = correspondences(a, b);
    order(a, b, &a_match, &b_match)
}

/// Exact matches of the diff part. As in git, a later duplicate of the older side is
/// taken first.
fn exact_matches(a: &[RangeText], b: &[RangeText]) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    let mut a_match: Vec<Option<usize>> = vec![None; a.len()];
    let mut b_match: Vec<Option<usize>> = vec![None; b.len()];
    let mut by_diff: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, t) in a.iter().enumerate() {
        by_diff.entry(t.diff()).or_default().push(i);
    }
    for (j, t) in b.iter().enumerate() {
        if let Some(i) = by_diff.get_mut(t.diff()).and_then(Vec::pop) {
            a_match[i] = Some(j);
            b_match[j] = Some(i);
        }
    }
    (a_match, b_match)
}

/// Which patch of `a` each patch of `b` corresponds to, and back.
fn correspondences(a: &[RangeText], b: &[RangeText]) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    let (mut a_match, mut b_match) = exact_matches(a, b);
    let n = a.len() + b.len();
    if n == 0 {
        return (a_match, b_match);
    }
    // Rows: the older patches, then one "created" row per newer patch; columns: the newer
    // patches, then one "deleted" column per older patch.
    let a_lines: Vec<Vec<u64>> = a.iter().map(|t| line_hashes(t.diff())).collect();
    let b_lines: Vec<Vec<u64>> = b.iter().map(|t| line_hashes(t.diff())).collect();
    let mut cost = vec![vec![0i64; n]; n];
    for i in 0..a.len() {
        for j in 0..b.len() {
            cost[i][j] = if a_match[i] == Some(j) {
                0
            } else if a_match[i].is_none() && b_match[j].is_none() {
                // A pair dearer than creating both patches anew is never in the least
                // total (leaving both unpaired is cheaper), so a lower bound above that
                // spares the diff.
                let leave = (a[i].diffsize + b[j].diffsize) * CREATION_FACTOR / 100 + 1;
                if lower_bound(&a_lines[i], &b_lines[j]) > leave {
                    COST_MAX
                } else {
                    diffsize(a[i].diff(), b[j].diff())
                }
            } else {
                COST_MAX
            };
        }
        let c = if a_match[i].is_none() {
            a[i].diffsize * CREATION_FACTOR / 100
        } else {
            COST_MAX
        };
        cost[i][b.len()..].fill(c);
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
    for (i, &j) in a2b.iter().enumerate().take(a.len()) {
        if j < b.len() {
            a_match[i] = Some(j);
            b_match[j] = Some(i);
        }
    }
    (a_match, b_match)
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
    while i < a.len() || j < b.len() {
        while i < a.len() && shown[i] {
            i += 1;
        }
        if i < a.len() && a_match[i].is_none() {
            out.push(Pair {
                old: Some(i),
                new: None,
                change: Change::Removed,
                message_changed: false,
                diff_changed: false,
            });
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
        if j < b.len()
            && let Some(k) = b_match[j]
        {
            let message_changed = a[k].head() != b[j].head();
            let diff_changed = a[k].diff() != b[j].diff();
            out.push(Pair {
                old: Some(k),
                new: Some(j),
                change: if a[k].text == b[j].text {
                    Change::Same
                } else {
                    Change::Changed
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
        let head = " ## Metadata ##\nAuthor: A <a@x>\n\n ## Commit message ##\n    t\n\n";
        RangeText {
            text: format!("{head}{diff}"),
            diff_offset: head.len(),
            diffsize: diff.lines().count() as i64,
        }
    }

    #[test]
    fn exact_diffs_pair_even_when_reordered() {
        let a = [text(" ## a ##\n+1\n"), text(" ## b ##\n+2\n")];
        let b = [text(" ## b ##\n+2\n"), text(" ## a ##\n+1\n")];
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
        let a = [text(" ## a ##\n@@\n+1\n+2\n+3\n")];
        let b = [text(" ## z ##\n@@\n+x\n+y\n+w\n")];
        let kinds: Vec<Change> = pair_texts(&a, &b).iter().map(|p| p.change).collect();
        assert_eq!(kinds, [Change::Removed, Change::Added]);
    }

    #[test]
    fn a_small_change_pairs_and_says_what_changed() {
        let a = [text(" ## a ##\n@@\n+1\n+2\n+3\n+4\n+5\n+6\n")];
        let mut b = [text(" ## a ##\n@@\n+1\n+2\n+3\n+4\n+5\n+7\n")];
        let p = pair_texts(&a, &b);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].change, Change::Changed);
        assert!(p[0].diff_changed && !p[0].message_changed);
        b[0] = text(" ## a ##\n@@\n+1\n+2\n+3\n+4\n+5\n+6\n");
        b[0].text = b[0].text.replace("    t\n", "    t2\n");
        b[0].diff_offset += 1;
        let p = pair_texts(&a, &b);
        assert!(p[0].message_changed && !p[0].diff_changed, "{p:?}");
    }

    #[test]
    fn removed_patches_come_once_their_predecessors_are_shown() {
        let a = [
            text(" ## a ##\n+1\n"),
            text(" ## gone ##\n@@\n+q\n+r\n+s\n"),
            text(" ## c ##\n+3\n"),
        ];
        let b = [text(" ## a ##\n+1\n"), text(" ## c ##\n+3\n")];
        let p = pair_texts(&a, &b);
        let got: Vec<(Option<usize>, Option<usize>)> = p.iter().map(|p| (p.old, p.new)).collect();
        assert_eq!(
            got,
            [(Some(0), Some(0)), (Some(1), None), (Some(2), Some(1))]
        );
        assert!(pair_texts(&[], &[]).is_empty());
    }

    #[test]
    fn the_lower_bound_never_exceeds_the_diff() {
        let texts = ["a\nb\nc\n", "a\nc\nb\n", "x\n", "", "a\na\nb\n", "b\na\n"];
        for x in texts {
            for y in texts {
                let lb = lower_bound(&line_hashes(x), &line_hashes(y));
                assert!(lb <= diffsize(x, y), "{x:?} {y:?}");
            }
        }
        assert_eq!(
            lower_bound(&line_hashes("a\nb\n"), &line_hashes("b\nc\n")),
            2
        );
    }

    #[test]
    fn diffsize_counts_hunk_headers_and_lines() {
        assert_eq!(diffsize("a\nb\n", "a\nb\n"), 0);
        // @@ header, context a, -b, +c
        assert_eq!(diffsize("a\nb\n", "a\nc\n"), 4);
    }
}
