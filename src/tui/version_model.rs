//! The line models of the versions views, over [`PatchModel`] so that scrolling, search,
//! hunks and findings work as in the patch view: a patch's interdiff against its previous
//! version, with the findings new in this version marked at their lines, and a series'
//! range-diff (the text `patchdesk revisions` prints).

use super::patch_model::{LineKind, Mark, NoteView, PatchModel, ViewLine, push_text};
use crate::policy::{Finding, Part};
use crate::queue::Queue;
use crate::revisions::compare::{PairReport, Revision};
use std::borrow::Cow;

/// What a patch view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shown {
    /// The patch.
    #[default]
    Patch,
    /// The previous version of patch `newer` (the view's index is the older patch).
    Previous { newer: usize },
    /// The interdiff of the view's patch against its previous version.
    Interdiff,
    /// The range-diff of series `series` (positions in `Queue::series`) against its
    /// previous version; `from` is the patch it was opened from.
    RangeDiff { series: usize, from: Option<usize> },
}

/// Where in a range-diff a pair was opened: the view that Enter opened (the patch and what
/// it shows), and the range-diff's series, the patch it came from and its top line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairFrom {
    pub opened: (usize, Shown),
    pub series: usize,
    pub from: Option<usize>,
    pub offset: usize,
}

/// The model a view shows, or `None` for the patch's own model ([`Shown::Patch`],
/// [`Shown::Previous`]) or when there is nothing to compare; `notes` are the patch's (the
/// interdiff shows them).
pub fn model_for(
    queue: &Queue,
    versions: &crate::revisions::Versions,
    findings: &[Vec<Finding>],
    index: usize,
    shows: Shown,
    notes: &[NoteView],
) -> Option<PatchModel> {
    match shows {
        Shown::Patch | Shown::Previous { .. } => None,
        Shown::Interdiff => {
            let pair = versions.pair_of(queue, index)?;
            pair.old_patch?;
            let own = findings.get(index).map_or(&[][..], Vec::as_slice);
            let mut model = PatchModel::interdiff(queue, index, pair, own);
            // The patch's notes, line notes under the interdiff lines of their lines.
            model.insert_notes(notes);
            Some(model)
        }
        Shown::RangeDiff { series, .. } => {
            let revision = versions.revisions.get(series)?.as_ref()?;
            Some(PatchModel::range_diff(&versions.beside(queue), revision))
        }
    }
}

/// Whitespace collapsed, for matching a finding's line to an interdiff line.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Adds the lines of range-diff text (pair lines, interdiffs, findings) to a model.
fn push_range_text<'a>(
    m: &mut PatchModel,
    lines: &mut Vec<ViewLine>,
    raws: &mut Vec<Cow<'a, str>>,
    text: &'a str,
) {
    for l in text.lines() {
        let (kind, shown) = match l.strip_prefix("    ") {
            Some(rest) if rest.starts_with("@@") => (LineKind::HunkHeader, rest),
            Some(rest) if rest.starts_with('(') => (LineKind::Header, rest),
            Some(rest) if rest.starts_with("findings: ") || rest.starts_with("trailers: ") => {
                (LineKind::Header, rest)
            }
            Some(rest) => {
                let outer = rest.chars().next().unwrap_or(' ');
                (LineKind::Interdiff { outer }, rest)
            }
            None if l.starts_with('#') => (LineKind::Header, l),
            None => (LineKind::Title, l),
        };
        let i = push_text(lines, raws, kind, shown);
        if kind == LineKind::HunkHeader {
            m.hunks.push(i);
        }
    }
}

/// Where `f` (a finding of the newer patch) shows in the interdiff: the `+` line whose text
/// is the finding's line, and the span on it.
fn place(
    queue: &Queue,
    index: usize,
    f: &Finding,
    lines: &[ViewLine],
) -> Option<(usize, usize, usize)> {
    let patch = queue.patches.get(index)?;
    let anchor = crate::revisions::carry::key(patch, f).3;
    if anchor.is_empty() {
        return None;
    }
    lines.iter().enumerate().find_map(|(i, l)| {
        if l.kind != (LineKind::Interdiff { outer: '+' }) {
            return None;
        }
        // Diff lines carry their own marker after the outer one; message lines are
        // indented.
        // Diff findings are on the new side: an added or a context line of the newer patch.
        let content = match f.location.part {
            Part::Diff if matches!(l.text.as_bytes().get(1), Some(b'+' | b' ')) => {
                l.text.get(2..)?
            }
            Part::Diff => return None,
            _ => l.text.get(1..)?,
        };
        (collapse(content) == anchor).then(|| {
            let lead = l.text.len() - content.len();
            let start = lead + content.len() - content.trim_start().len();
            (i, start, l.text.len())
        })
    })
}

impl PatchModel {
    /// The interdiff of patch `index` (the newer of `report`) against its previous version;
    /// `findings` are the patch's, and those new in this version are marked where the
    /// interdiff shows their line.
    pub fn interdiff(
        queue: &Queue,
        index: usize,
        report: &PairReport,
        findings: &[Finding],
    ) -> PatchModel {
        let mut m = PatchModel::default();
        let mut lines: Vec<ViewLine> = Vec::new();
        let mut raws: Vec<Cow<str>> = Vec::new();
        let subject = queue
            .patches
            .get(index)
            .map_or("", |p| p.subject.raw.as_str());
        let t = push_text(&mut lines, &mut raws, LineKind::Title, subject);
        lines[t].label = Some("subj");
        let what = match (report.pair.message_changed, report.pair.diff_changed) {
            (true, true) => "message and diff changed",
            (true, false) => "message changed",
            (false, true) => "diff changed",
            (false, false) => "unchanged",
        };
        push_text(&mut lines, &mut raws, LineKind::Header, format!("({what})"));
        push_text(&mut lines, &mut raws, LineKind::Blank, "");
        push_range_text(&mut m, &mut lines, &mut raws, &report.interdiff);
        // The findings new in this version, under the line that brought them.
        let new: Vec<&str> = report.findings.new.iter().map(String::as_str).collect();
        m.finding_line = vec![0; findings.len()];
        let mut placed: Vec<(usize, usize, usize, usize)> = Vec::new();
        let mut left = new.clone();
        for (fi, f) in findings.iter().enumerate() {
            let Some(k) = left.iter().position(|r| *r == f.rule) else {
                continue;
            };
            if let Some((line, start, end)) = place(queue, index, f, &lines) {
                left.remove(k);
                placed.push((line, start, end, fi));
            }
        }
        placed.sort();
        let mut out: Vec<ViewLine> = Vec::with_capacity(lines.len() + placed.len());
        let mut next = placed.iter().peekable();
        for (i, mut l) in lines.into_iter().enumerate() {
            let mine: Vec<(usize, usize, usize, usize)> =
                std::iter::from_fn(|| next.next_if(|p| p.0 == i).copied()).collect();
            for &(_, start, end, fi) in &mine {
                l.marks.push(Mark {
                    start,
                    end,
                    finding: fi,
                    severity: findings[fi].severity,
                });
            }
            let at = out.len();
            out.push(l);
            for &(_, _, _, fi) in &mine {
                let f = &findings[fi];
                m.finding_line[fi] = at;
                m.finding_order.push(fi);
                let text = crate::safe::line(&format!("new: {} [{}]", f.message, f.rule), true).0;
                out.push(ViewLine::new(LineKind::Annotation(f.severity), text));
            }
        }
        if !left.is_empty() {
            let text = format!("also new in this version: {}", left.join(", "));
            out.insert(2, ViewLine::new(LineKind::Header, text));
            for l in &mut m.finding_line {
                if *l >= 2 {
                    *l += 1;
                }
            }
            for h in &mut m.hunks {
                *h += 1;
            }
        }
        m.lines = out;
        // Hunk positions moved by the annotations: find them again.
        m.hunks = (0..m.lines.len())
            .filter(|&i| m.lines[i].kind == LineKind::HunkHeader)
            .collect();
        m.anchor_to_newer(&PatchModel::build(queue, index, findings));
        m
    }

    /// Gives each interdiff line of the newer version (an outer `+` or context line) the
    /// anchor of the line of `newer` (the newer patch's model) with the same text, in the
    /// commit message or the file the interdiff hunk names, taking the lines in order (the
    /// next equal line after the last one matched) so that a `}` finds its own.
    fn anchor_to_newer(&mut self, newer: &PatchModel) {
        use std::collections::HashMap;
        type Anchor = (Part, Option<String>, u32);
        /// A file's (or the message's) lines in order, and where the next search starts.
        type InOrder = (Vec<(String, Anchor)>, usize);
        // Lines by file (`None`: the commit message and notes).
        let mut lines: HashMap<Option<String>, InOrder> = HashMap::new();
        for li in 0..newer.lines.len() {
            if let Some(a) = newer.anchor_of(li) {
                let text = collapse(&newer.lines[li].text);
                if !text.is_empty() {
                    let file = a.1.clone().filter(|_| a.0 == Part::Diff);
                    lines.entry(file).or_default().0.push((text, a));
                }
            }
        }
        // `None` in the commit message; the file of the hunk (`@@ FILE: context`) otherwise.
        let mut section: Option<Option<String>> = None;
        for (i, l) in self.lines.iter().enumerate() {
            match l.kind {
                LineKind::HunkHeader => {
                    let rest = l.text.trim_start_matches('@').trim();
                    section = if rest.starts_with("Commit message") {
                        Some(None)
                    } else {
                        let file = rest.split([':', ' ']).next().unwrap_or("");
                        (!file.is_empty()).then(|| Some(file.to_string()))
                    };
                }
                LineKind::Interdiff { outer } if outer != '-' => {
                    let Some(file) = &section else { continue };
                    let content = if file.is_none() {
                        l.text.get(1..)
                    } else if matches!(l.text.as_bytes().get(1), Some(b'+' | b' ')) {
                        l.text.get(2..)
                    } else {
                        None
                    };
                    let Some(text) = content.map(collapse).filter(|t| !t.is_empty()) else {
                        continue;
                    };
                    let Some((list, cursor)) = lines.get_mut(file) else {
                        continue;
                    };
                    let found = (*cursor..list.len())
                        .chain(0..*cursor)
                        .find(|&k| list[k].0 == text);
                    if let Some(k) = found {
                        *cursor = k + 1;
                        self.anchored.insert(i, list[k].1.clone());
                    }
                }
                _ => {}
            }
        }
    }

    /// The interdiff lines a note on line `li` is written under: its hunk header, then
    /// `[...]` when lines are left out, then up to six lines ending with the note's line.
    pub fn interdiff_excerpt(&self, li: usize) -> Vec<String> {
        let li = li.min(self.lines.len().saturating_sub(1));
        let shown =
            |i: usize| (self.lines.get(i)).filter(|l| matches!(l.kind, LineKind::Interdiff { .. }));
        let header = (0..=li)
            .rev()
            .find(|&i| self.lines[i].kind == LineKind::HunkHeader);
        let from = header.map_or(0, |h| h + 1).max(li.saturating_sub(5));
        let mut out = Vec::new();
        if let Some(h) = header {
            out.push(self.lines[h].text.trim_end().to_string());
            if (h + 1..from).any(|i| shown(i).is_some()) {
                out.push("[...]".to_string());
            }
        }
        out.extend(
            (from..=li)
                .filter_map(shown)
                .map(|l| l.text.trim_end().to_string()),
        );
        out
    }

    /// The range-diff of a series against its previous version.
    pub fn range_diff(
        queue: &impl crate::revisions::older::Lookup,
        revision: &Revision,
    ) -> PatchModel {
        let mut m = PatchModel::default();
        let mut lines: Vec<ViewLine> = Vec::new();
        let mut raws: Vec<Cow<str>> = Vec::new();
        let text = crate::revisions::text::to_text(queue, revision);
        push_range_text(&mut m, &mut lines, &mut raws, &text);
        // Every title line is a pair's line, in pair order (the rest is indented or `#`).
        m.pair_lines = (lines.iter().enumerate())
            .filter(|(_, l)| l.kind == LineKind::Title)
            .map(|(i, _)| i)
            .collect();
        debug_assert_eq!(m.pair_lines.len(), revision.pairs.len());
        m.lines = lines;
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Location, Severity};
    use crate::revisions::Versions;

    /// The demo's v2 against its v1.
    fn demo() -> (Queue, Versions, Vec<Vec<Finding>>) {
        let queue = crate::queue::load(&crate::source::SourceSpec::Demo).unwrap();
        let profile = crate::policy::profile::Profile::builtin("qemu").unwrap();
        let findings = crate::policy::check_queue(&queue, &profile);
        let versions = Versions::build(&queue, crate::revisions::link(&queue), &findings);
        (queue, versions, findings)
    }

    #[test]
    fn interdiff_lines_keep_both_markers_and_new_findings_sit_under_their_line() {
        let (queue, versions, findings) = demo();
        let (index, report) = versions
            .revisions
            .iter()
            .flatten()
            .flat_map(|r| &r.pairs)
            .find_map(|p| {
                let i = p.new_patch?;
                (p.pair.diff_changed && !p.findings.new.is_empty()).then_some((i, p))
            })
            .expect("the demo's v2 changes a diff and brings a finding");
        let m = PatchModel::interdiff(&queue, index, report, &findings[index]);
        assert_eq!(m.lines[0].kind, LineKind::Title);
        assert!(
            m.lines
                .iter()
                .any(|l| l.kind == LineKind::Interdiff { outer: '+' })
        );
        assert!(!m.hunks.is_empty());
        assert!(
            m.hunks
                .iter()
                .all(|&h| m.lines[h].kind == LineKind::HunkHeader)
        );
        for &fi in &m.finding_order {
            let at = m.finding_line[fi];
            assert!(!m.lines[at].marks.is_empty(), "{:?}", m.lines[at]);
            assert!(matches!(m.lines[at + 1].kind, LineKind::Annotation(_)));
            assert!(m.lines[at + 1].text.starts_with("new: "));
        }
    }

    #[test]
    fn notes_show_under_their_interdiff_lines_and_later_lines_keep_their_anchors() {
        let (queue, versions, findings) = demo();
        let (index, report) = (versions.revisions.iter().flatten())
            .flat_map(|r| &r.pairs)
            .find_map(|p| Some((p.new_patch?, p)).filter(|_| p.pair.diff_changed))
            .expect("the demo's v2 changes a diff");
        let bare = PatchModel::interdiff(&queue, index, report, &findings[index]);
        let mut anchored: Vec<usize> = bare.anchored.keys().copied().collect();
        anchored.sort();
        let (first, last) = (anchored[0], *anchored.last().unwrap());
        assert!(first < last, "two anchored lines: {anchored:?}");
        let (part, file, line) = bare.anchor_of(first).unwrap();
        let note = NoteView::line(7, part, file.as_deref(), line, "why?\nand this");
        let mut m = bare.clone();
        m.insert_notes(std::slice::from_ref(&note));
        assert_eq!(m.lines[first + 1].kind, LineKind::Note(7));
        assert_eq!(m.lines[first + 2].text, "and this");
        // The two note lines moved every later line, and its anchor with it.
        assert_eq!(m.lines[last + 2].text, bare.lines[last].text);
        assert_eq!(m.anchor_of(last + 2), bare.anchor_of(last));
    }

    #[test]
    fn a_diff_finding_is_placed_on_the_new_side_line_of_its_text() {
        let (queue, _, _) = demo();
        let (index, path, line) = (0..queue.patches.len())
            .find_map(|i| {
                let d = queue.patches[i].diff.iter().find(|d| !d.hunks.is_empty())?;
                let l = d.hunks[0]
                    .lines
                    .iter()
                    .find(|l| l.new.is_some() && l.old.is_none())?;
                Some((i, d.path().to_string(), l.clone()))
            })
            .unwrap();
        let f = Finding {
            rule: "style-ws-trailing".into(),
            severity: Severity::Error,
            location: Location {
                part: Part::Diff,
                line: line.new.unwrap(),
                start: 0,
                end: 1,
                file: Some(path),
            },
            message: "m".into(),
            source: String::new(),
        };
        let text = line.text.as_str();
        let at = |outer: char, inner: char| {
            ViewLine::new(
                LineKind::Interdiff { outer },
                format!("{outer}{inner}{text}"),
            )
        };
        // Only in the older, or removed by the newer: not where the finding is.
        let lines = [at('-', '+'), at('+', '-'), at('+', '+')];
        assert_eq!(place(&queue, index, &f, &lines).map(|p| p.0), Some(2));
        assert_eq!(place(&queue, index, &f, &lines[..2]), None);
    }
}
