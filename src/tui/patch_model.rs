//! The patch view's line model, built once when a patch is opened: every line the view can
//! show (subject, flagged headers, problems, commit message with trailers by kind, notes,
//! file and hunk headers, diff lines with old/new numbers, replies), each finding placed at
//! its exact byte span, and a message line under each marked line. Tabs are expanded and
//! control characters made visible here, so spans stay exact on screen and scrolling a
//! 5,000-line diff only slices this vector.

use crate::patch::{FileStatus, LineKind as DiffKind, Patch};
use crate::policy::{Finding, Part, Severity};
use std::borrow::Cow;
use unicode_width::UnicodeWidthStr;

/// What a trailer line says, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrailerKind {
    SignedOff,
    Review,
    Fixes,
    Ai,
    Other,
}

impl TrailerKind {
    /// Classifies a trailer key.
    pub fn of(key: &str) -> TrailerKind {
        match key.to_ascii_lowercase().as_str() {
            "signed-off-by" => TrailerKind::SignedOff,
            "acked-by" | "reviewed-by" | "tested-by" | "reported-by" | "suggested-by" => {
                TrailerKind::Review
            }
            "fixes" | "cc" | "link" | "closes" => TrailerKind::Fixes,
            "assisted-by" | "generated-by" | "ai-assisted-by" | "co-developed-by-ai" => {
                TrailerKind::Ai
            }
            _ => TrailerKind::Other,
        }
    }
}

/// The kind of a view line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Title,
    Header,
    Problem,
    Blank,
    Message,
    Trailer(TrailerKind),
    NotesRule,
    Notes,
    FileHeader,
    HunkHeader,
    Context,
    Add,
    Remove,
    NoNewline,
    Reply,
    /// A finding's message under its line.
    Annotation(Severity),
    /// A maintainer's note (by desk note id) under its line.
    Note(u64),
    /// A trailer collected from a reply (index into [`PatchModel::reply_trailers`]), after
    /// the commit message.
    ReplyTrailer {
        index: usize,
        state: ReplyTrailerState,
    },
    /// A line of an interdiff or range-diff: `outer` is the marker between the versions
    /// (`+` only in the newer, `-` only in the older, ` ` both); the text starts with it.
    Interdiff {
        outer: char,
    },
}

pub use crate::triage::desk::ReplyTrailerState;

/// A trailer a reply gave the patch, as the patch view shows it (from the desk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTrailerView {
    /// `Key: value`.
    pub line: String,
    /// The reply's sender (`Name <addr>`).
    pub sender: String,
    pub state: ReplyTrailerState,
    /// The trailer's name is the sender's, the address another.
    pub same_name: bool,
    /// The reply answered the cover letter.
    pub via_cover: bool,
}

impl ReplyTrailerView {
    /// The line the patch view shows: the trailer and where it stands.
    pub fn text(&self) -> String {
        // The sender's address, without the name (the line is long enough).
        let from = match (self.sender.rfind('<'), self.sender.rfind('>')) {
            (Some(a), Some(b)) if a < b => &self.sender[a + 1..b],
            _ => self.sender.as_str(),
        };
        match self.state {
            ReplyTrailerState::Collected if self.via_cover => {
                format!("{}  (reply to the cover letter)", self.line)
            }
            ReplyTrailerState::Collected => self.line.clone(),
            ReplyTrailerState::Warning => format!("{}  (sent from {from})", self.line),
            ReplyTrailerState::Accepted => format!("{}  (sent from {from}; accepted)", self.line),
        }
    }
}

/// What a note is on, as the patch view places it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteAnchor {
    /// The series the patch belongs to: shown at the top of each of its patches.
    Series,
    /// The whole patch: shown at the top, under the subject.
    Patch,
    /// One line: a 1-based message/notes line, or a new-side diff line of `file`.
    Line {
        part: Part,
        file: Option<String>,
        line: u32,
    },
}

/// A note as the patch view draws it (from the desk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteView {
    pub id: u64,
    pub on: NoteAnchor,
    pub text: String,
}

impl NoteView {
    /// A note on one line.
    pub fn line(id: u64, part: Part, file: Option<&str>, line: u32, text: &str) -> NoteView {
        NoteView {
            id,
            on: NoteAnchor::Line {
                part,
                file: file.map(str::to_string),
                line,
            },
            text: text.to_string(),
        }
    }
}

/// A finding's span on a line (display byte offsets) and the finding's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub start: usize,
    pub end: usize,
    pub finding: usize,
    pub severity: Severity,
}

/// One line of the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewLine {
    pub kind: LineKind,
    pub text: String,
    pub old: Option<u32>,
    pub new: Option<u32>,
    /// A short gutter label for lines that are not numbered (`subj`, `hdr`, `!!`).
    pub label: Option<&'static str>,
    pub marks: Vec<Mark>,
    /// The file this line belongs to (index into [`PatchModel::files`]).
    pub file: Option<usize>,
}

impl ViewLine {
    pub(super) fn new(kind: LineKind, text: String) -> ViewLine {
        ViewLine {
            kind,
            text,
            old: None,
            new: None,
            label: None,
            marks: Vec::new(),
            file: None,
        }
    }

    /// The worst severity marked on this line.
    pub fn worst(&self) -> Option<Severity> {
        self.marks.iter().map(|m| m.severity).max()
    }
}

/// One file of the diff, for the file list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub path: String,
    pub line: usize,
    pub adds: usize,
    pub dels: usize,
    pub findings: usize,
}

/// The whole model.
#[derive(Debug, Clone, Default)]
pub struct PatchModel {
    pub lines: Vec<ViewLine>,
    /// For each finding (as indexed in the patch's findings), the line it is drawn on.
    pub finding_line: Vec<usize>,
    /// Finding indices in the order they appear.
    pub finding_order: Vec<usize>,
    pub files: Vec<FileEntry>,
    /// Line indices of hunk headers.
    pub hunks: Vec<usize>,
    /// Widest line number, for the gutter.
    pub number_width: usize,
    /// Trailers from replies, shown after the commit message.
    pub reply_trailers: Vec<ReplyTrailerView>,
    /// In a range-diff: the line of each pair's `git range-diff` line, in pair order.
    pub pair_lines: Vec<usize>,
    /// In an interdiff: the newer patch's line (part, file, line) that an interdiff line of
    /// the newer version shows, so a note written there lands on that line.
    pub anchored: std::collections::HashMap<usize, (Part, Option<String>, u32)>,
}

/// Makes text safe and exact to draw: tabs to spaces (8-column stops), controls and bidi
/// controls in the one visible notation of [`crate::safe`]. Returns the text and, when it
/// changed, a map from original byte offset to new offset.
pub fn sanitize(text: &str) -> (String, Option<Vec<usize>>) {
    crate::safe::line(text, true)
}

/// Adds a line; `raws` keeps the original text so a finding's byte range can be mapped
/// through [`sanitize`] later (only for the few lines that carry one).
pub(super) fn push_text<'a>(
    lines: &mut Vec<ViewLine>,
    raws: &mut Vec<Cow<'a, str>>,
    kind: LineKind,
    raw: impl Into<Cow<'a, str>>,
) -> usize {
    let raw = raw.into();
    let text = sanitize(&raw).0;
    lines.push(ViewLine::new(kind, text));
    raws.push(raw);
    lines.len() - 1
}

impl PatchModel {
    /// Builds the model of patch `index` of `queue` with its findings.
    pub fn build(
        queue: &impl crate::revisions::older::Lookup,
        index: usize,
        findings: &[Finding],
    ) -> PatchModel {
        let Some(patch) = queue.patch(index) else {
            return PatchModel::default();
        };
        let mut lines: Vec<ViewLine> = Vec::new();
        let mut maps: Vec<std::borrow::Cow<str>> = Vec::new();
        let mut m = PatchModel::default();

        let title = push_text(&mut lines, &mut maps, LineKind::Title, &patch.subject.raw);
        lines[title].label = Some("subj");
        // Header lines that findings point at.
        let mut header_line = std::collections::BTreeMap::new();
        for f in findings.iter().filter(|f| f.location.part == Part::Header) {
            let n = f.location.line as usize;
            if header_line.contains_key(&n) {
                continue;
            }
            if let Some((name, value)) = patch.mail.headers.get(n.wrapping_sub(1)) {
                let i = push_text(
                    &mut lines,
                    &mut maps,
                    LineKind::Header,
                    format!("{name}: {value}"),
                );
                lines[i].label = Some("hdr");
                header_line.insert(n, i);
            }
        }
        for p in patch.problems() {
            let i = push_text(&mut lines, &mut maps, LineKind::Problem, p);
            lines[i].label = Some("!!");
        }
        push_text(&mut lines, &mut maps, LineKind::Blank, "");

        let message_start = lines.len();
        let mut trailer_kind = TrailerKind::Other;
        for (i, l) in patch.message.lines().enumerate() {
            let kind = if i >= patch.trailer_start
                && patch.trailer_start < patch.message.lines().count()
            {
                if let Some(t) = patch.trailers.iter().find(|t| t.line == i) {
                    trailer_kind = TrailerKind::of(&t.key);
                } else if let Some((k, _)) = l.split_once(':')
                    && !k.starts_with(' ')
                    && !k.contains(' ')
                {
                    trailer_kind = TrailerKind::of(k);
                }
                LineKind::Trailer(trailer_kind)
            } else {
                LineKind::Message
            };
            let idx = push_text(&mut lines, &mut maps, kind, l);
            lines[idx].new = Some(i as u32 + 1);
        }
        let message_end = lines.len();

        let mut notes_start = lines.len();
        let mut notes_end = lines.len();
        if !patch.notes.trim().is_empty() {
            push_text(&mut lines, &mut maps, LineKind::NotesRule, "---");
            notes_start = lines.len();
            for (i, l) in patch.notes.lines().enumerate() {
                let idx = push_text(&mut lines, &mut maps, LineKind::Notes, l);
                lines[idx].new = Some(i as u32 + 1);
            }
            notes_end = lines.len();
        }

        let mut file_ranges = Vec::new();
        for (fi, file) in patch.diff.iter().enumerate() {
            let header = file_header(patch, fi);
            let start = push_text(&mut lines, &mut maps, LineKind::FileHeader, header);
            lines[start].file = Some(fi);
            let (mut adds, mut dels) = (0, 0);
            for hunk in &file.hunks {
                let text = format!(
                    "@@ -{},{} +{},{} @@{}{}",
                    hunk.old_start,
                    hunk.old_lines,
                    hunk.new_start,
                    hunk.new_lines,
                    if hunk.section.is_empty() { "" } else { " " },
                    hunk.section
                );
                let h = push_text(&mut lines, &mut maps, LineKind::HunkHeader, text);
                lines[h].file = Some(fi);
                m.hunks.push(h);
                for dl in &hunk.lines {
                    let kind = match dl.kind {
                        DiffKind::Add => {
                            adds += 1;
                            LineKind::Add
                        }
                        DiffKind::Remove => {
                            dels += 1;
                            LineKind::Remove
                        }
                        DiffKind::Context => LineKind::Context,
                    };
                    let i = push_text(&mut lines, &mut maps, kind, dl.text.as_str());
                    lines[i].old = dl.old;
                    lines[i].new = dl.new;
                    lines[i].file = Some(fi);
                    if dl.no_newline {
                        let n = push_text(
                            &mut lines,
                            &mut maps,
                            LineKind::NoNewline,
                            "\\ No newline at end of file",
                        );
                        lines[n].file = Some(fi);
                    }
                }
            }
            file_ranges.push((start, lines.len()));
            m.files.push(FileEntry {
                path: file.path().to_string(),
                line: start,
                adds,
                dels,
                findings: 0,
            });
        }

        // Replies to this patch.
        let mut replies: Vec<String> = Vec::new();
        for r in queue.replies().iter().filter(|r| r.parent == Some(index)) {
            let who = r
                .mail
                .from
                .as_ref()
                .map(|a| a.display())
                .unwrap_or_default();
            let trailers: Vec<String> = r
                .trailers
                .iter()
                .map(|t| format!("{}: {}", t.key, t.value))
                .collect();
            replies.push(if trailers.is_empty() {
                format!("Reply from {who}")
            } else {
                format!("Reply from {who} — {}", trailers.join(", "))
            });
        }
        if !replies.is_empty() {
            push_text(&mut lines, &mut maps, LineKind::Blank, "");
            for r in replies {
                let i = push_text(&mut lines, &mut maps, LineKind::Reply, r);
                lines[i].label = Some("re");
            }
        }

        // Place every finding.
        m.finding_line = findings
            .iter()
            .map(|f| {
                let loc = &f.location;
                let n = loc.line as usize;
                let in_range = |start: usize, end: usize| {
                    (n >= 1 && start + n - 1 < end).then_some(start + n - 1)
                };
                let placed = match loc.part {
                    Part::Subject => Some(title),
                    Part::Header => header_line.get(&n).copied(),
                    Part::Message | Part::Trailer => in_range(message_start, message_end),
                    Part::Notes => in_range(notes_start, notes_end),
                    Part::Diff => {
                        let fi = patch.diff.iter().position(|fd| {
                            loc.file.as_deref().is_some_and(|p| {
                                fd.path() == p || fd.old_path.as_deref() == Some(p)
                            })
                        });
                        fi.and_then(|fi| {
                            let (s, e) = file_ranges[fi];
                            if n == 0 {
                                return Some(s);
                            }
                            let want = Some(n as u32);
                            (s..e)
                                .find(|&i| {
                                    matches!(lines[i].kind, LineKind::Add | LineKind::Context)
                                        && lines[i].new == want
                                })
                                .or_else(|| {
                                    (s..e).find(|&i| {
                                        lines[i].kind == LineKind::Remove && lines[i].old == want
                                    })
                                })
                        })
                    }
                };
                placed.unwrap_or(title)
            })
            .collect();
        for (fi, f) in findings.iter().enumerate() {
            let li = m.finding_line[fi];
            let placed_exactly = li != title || f.location.part == Part::Subject;
            let (start, end) = if placed_exactly {
                let map = maps.get(li).and_then(|raw| sanitize(raw).1);
                span_on(
                    &lines[li].text,
                    map.as_deref(),
                    f.location.start,
                    f.location.end,
                )
            } else {
                (0, 0)
            };
            lines[li].marks.push(Mark {
                start,
                end,
                finding: fi,
                severity: f.severity,
            });
            if let Some(file) = lines[li].file
                && let Some(entry) = m.files.get_mut(file)
            {
                entry.findings += 1;
            }
        }
        let mut order: Vec<usize> = (0..findings.len()).collect();
        order.sort_by_key(|&i| {
            (
                m.finding_line[i],
                lines[m.finding_line[i]]
                    .marks
                    .iter()
                    .find(|mk| mk.finding == i)
                    .map_or(0, |mk| mk.start),
            )
        });
        m.finding_order = order;

        // Annotation lines under marked lines; remap line indices.
        let mut out = Vec::with_capacity(lines.len() + findings.len());
        let mut new_index = vec![0; lines.len()];
        for (i, line) in lines.into_iter().enumerate() {
            new_index[i] = out.len();
            if line.marks.is_empty() {
                out.push(line);
                continue;
            }
            let marks = line.marks.clone();
            let file = line.file;
            let width = line.text.len();
            out.push(line);
            let mut sorted = marks;
            sorted.sort_by_key(|mk| mk.start);
            for mk in sorted {
                let Some(f) = findings.get(mk.finding) else {
                    continue;
                };
                let prefix_cols = out[new_index[i]]
                    .text
                    .get(..mk.start.min(width))
                    .map_or(0, UnicodeWidthStr::width);
                let carets = out[new_index[i]]
                    .text
                    .get(mk.start..mk.end)
                    .map_or(1, |s| s.width().max(1));
                let unplaced =
                    mk.start == mk.end && mk.start == 0 && f.location.part != Part::Subject;
                let text = if unplaced {
                    format!(
                        "{} {}: {} (at {:?} line {})",
                        sev_word(f.severity),
                        f.rule,
                        f.message,
                        f.location.part,
                        f.location.line
                    )
                } else {
                    format!(
                        "{}{} {}: {}",
                        " ".repeat(prefix_cols),
                        "^".repeat(carets),
                        f.rule,
                        f.message
                    )
                };
                let mut a = ViewLine::new(LineKind::Annotation(f.severity), text);
                a.file = file;
                out.push(a);
            }
        }
        for l in &mut m.finding_line {
            *l = new_index[*l];
        }
        for h in &mut m.hunks {
            *h = new_index[*h];
        }
        for f in &mut m.files {
            f.line = new_index[f.line];
        }
        let max_number = out
            .iter()
            .filter_map(|l| l.old.max(l.new))
            .max()
            .unwrap_or(0);
        m.number_width = max_number.to_string().len().max(3);
        m.lines = out;
        m
    }
}

impl PatchModel {
    /// Where a note on model line `li` is anchored: message, notes or new-side diff line.
    pub fn anchor_of(&self, li: usize) -> Option<(Part, Option<String>, u32)> {
        if let Some(anchor) = self.anchored.get(&li) {
            return Some(anchor.clone());
        }
        let line = self.lines.get(li)?;
        let n = line.new?;
        match line.kind {
            LineKind::Message | LineKind::Trailer(_) => Some((Part::Message, None, n)),
            LineKind::Notes => Some((Part::Notes, None, n)),
            LineKind::Add | LineKind::Context => {
                let file = self.files.get(line.file?)?.path.clone();
                Some((Part::Diff, Some(file), n))
            }
            _ => None,
        }
    }

    /// Inserts each note as lines of its own: a line note right under the line it is
    /// anchored to, series and patch notes at the top (under the subject and its marks,
    /// labelled `series` / `patch`), keeping every stored line index (findings, hunks,
    /// files) pointing at the same line.
    pub fn insert_notes(&mut self, notes: &[NoteView]) {
        if notes.is_empty() {
            return;
        }
        let anchors: Vec<_> = (0..self.lines.len()).map(|i| self.anchor_of(i)).collect();
        // Series notes first, then patch notes, before the blank line that ends the top.
        let top = self.lines.iter().position(|l| l.kind == LineKind::Blank);
        let mut pinned: Vec<&NoteView> = notes
            .iter()
            .filter(|n| !matches!(n.on, NoteAnchor::Line { .. }))
            .collect();
        pinned.sort_by_key(|n| n.on != NoteAnchor::Series);
        let old = std::mem::take(&mut self.lines);
        let mut new_index = vec![0; old.len()];
        let push_note = |lines: &mut Vec<ViewLine>, note: &NoteView, file: Option<usize>| {
            for (k, text) in note.text.lines().enumerate() {
                let mut v = ViewLine::new(LineKind::Note(note.id), text.to_string());
                v.file = file;
                if k == 0 {
                    v.label = match note.on {
                        NoteAnchor::Series => Some("series"),
                        NoteAnchor::Patch => Some("patch"),
                        NoteAnchor::Line { .. } => None,
                    };
                }
                lines.push(v);
            }
        };
        for (i, line) in old.into_iter().enumerate() {
            if Some(i) == top {
                for note in &pinned {
                    push_note(&mut self.lines, note, None);
                }
            }
            new_index[i] = self.lines.len();
            let file = line.file;
            self.lines.push(line);
            let Some((part, path, n)) = &anchors[i] else {
                continue;
            };
            for note in notes.iter().filter(|no| match &no.on {
                NoteAnchor::Line {
                    part: p,
                    file,
                    line,
                } => p == part && file == path && line == n,
                _ => false,
            }) {
                push_note(&mut self.lines, note, file);
            }
        }
        self.remap_lines(|l| new_index.get(l).copied().unwrap_or(l));
    }

    /// Moves every stored model line index (findings, hunks, files) through `to` after lines
    /// were inserted: the one place that knows which indices the model keeps.
    fn remap_lines(&mut self, to: impl Fn(usize) -> usize) {
        for l in &mut self.finding_line {
            *l = to(*l);
        }
        for h in &mut self.hunks {
            *h = to(*h);
        }
        for f in &mut self.files {
            f.line = to(f.line);
        }
        self.anchored = std::mem::take(&mut self.anchored)
            .into_iter()
            .map(|(l, a)| (to(l), a))
            .collect();
    }

    /// Inserts the trailers collected from replies right after the commit message (and the
    /// marks and notes under its last line), labelled `reply`, keeping stored line indices.
    pub fn insert_reply_trailers(&mut self, trailers: &[ReplyTrailerView]) {
        if trailers.is_empty() {
            return;
        }
        let in_message = |k: LineKind| matches!(k, LineKind::Message | LineKind::Trailer(_));
        let Some(first) = self.lines.iter().position(|l| in_message(l.kind)) else {
            return;
        };
        let at = (first..self.lines.len())
            .find(|&i| {
                matches!(
                    self.lines[i].kind,
                    LineKind::NotesRule | LineKind::FileHeader | LineKind::Blank | LineKind::Reply
                )
            })
            .unwrap_or(self.lines.len());
        let new: Vec<ViewLine> = trailers
            .iter()
            .enumerate()
            .map(|(index, t)| {
                let mut v = ViewLine::new(
                    LineKind::ReplyTrailer {
                        index,
                        state: t.state,
                    },
                    sanitize(&t.text()).0,
                );
                v.label = Some("reply");
                v
            })
            .collect();
        let n = new.len();
        self.lines.splice(at..at, new);
        self.remap_lines(|l| if l >= at { l + n } else { l });
        self.reply_trailers = trailers.to_vec();
    }

    /// Model line indices of the first line of each note, in order.
    pub fn note_lines(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let mut prev = None;
        for (i, l) in self.lines.iter().enumerate() {
            match l.kind {
                LineKind::Note(id) if prev != Some(id) => {
                    out.push(i);
                    prev = Some(id);
                }
                LineKind::Note(_) => {}
                _ => prev = None,
            }
        }
        out
    }
}

fn sev_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// Maps a finding's byte range on the original line to the display text, never empty when
/// the line has text (a zero-width finding marks one character).
fn span_on(text: &str, map: Option<&[usize]>, start: usize, end: usize) -> (usize, usize) {
    let conv = |b: usize| match map {
        Some(m) => m.get(b).copied().unwrap_or(text.len()),
        None => b.min(text.len()),
    };
    let mut s = conv(start);
    let mut e = conv(end.max(start));
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    while e < text.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    if e <= s {
        e = text[s..].chars().next().map_or(s, |c| s + c.len_utf8());
        if e == s && s > 0 {
            // Past the end of the line: mark its last character.
            s = text[..s].char_indices().last().map_or(0, |(i, _)| i);
            e = text.len();
        }
    }
    (s, e)
}

fn file_header(patch: &Patch, fi: usize) -> String {
    let Some(f) = patch.diff.get(fi) else {
        return String::new();
    };
    let path = f.path();
    let what = match f.status {
        FileStatus::Modified => format!("modified  {path}"),
        FileStatus::Added => format!("new file  {path}"),
        FileStatus::Deleted => format!("deleted   {path}"),
        FileStatus::Renamed => {
            format!("renamed   {} → {path}", f.old_path.as_deref().unwrap_or(""))
        }
        FileStatus::Copied => format!("copied    {} → {path}", f.old_path.as_deref().unwrap_or("")),
    };
    if f.binary {
        format!("{what} (binary)")
    } else {
        what
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::sample;

    fn model(i: usize) -> PatchModel {
        let (q, f) = sample::small_queue();
        PatchModel::build(&q, i, &f[i])
    }

    #[test]
    fn tabs_expand_and_controls_show_with_a_byte_map() {
        let (t, map) = sanitize("\tab\x1b[31m");
        assert_eq!(t, "        ab\\u001b[31m");
        let map = map.unwrap();
        assert_eq!(map[1], 8); // 'a'
        assert_eq!(map[3], 10); // ESC
        assert_eq!(map[4], 16);
        assert_eq!(sanitize("x\u{202e}y").0, "x\\u202ey");
        assert_eq!(sanitize("plain").1, None);
    }

    #[test]
    fn findings_land_on_their_exact_spans() {
        let m = model(2);
        let (q, f) = sample::small_queue();
        let _ = q;
        // Fixes trailer: dco-missing over "Fixes:"? (0,6) and the id (7,15).
        let li = m.finding_line[1];
        let line = &m.lines[li];
        assert_eq!(line.kind, LineKind::Trailer(TrailerKind::Fixes));
        let mark = line.marks.iter().find(|mk| mk.finding == 1).unwrap();
        assert_eq!(&line.text[mark.start..mark.end], "12345678");
        // The TODO on new line 45 of net/ring.c, after a tab expanded to 8 columns.
        let li = m.finding_line[2];
        let line = &m.lines[li];
        assert_eq!((line.kind, line.new), (LineKind::Add, Some(45)));
        let mark = line.marks[0];
        assert_eq!(&line.text[mark.start..mark.end], "TODO");
        assert_eq!(f[2][2].rule, "style-todo");
        // Each marked line is followed by its annotation.
        assert!(matches!(
            m.lines[li + 1].kind,
            LineKind::Annotation(Severity::Info)
        ));
        assert!(
            m.lines[li + 1]
                .text
                .contains("^^^^ style-todo: new TODO comment"),
            "{}",
            m.lines[li + 1].text
        );
    }

    #[test]
    fn subject_spans_use_the_raw_subject() {
        let m = model(1);
        let line = &m.lines[m.finding_line[0]];
        assert_eq!(line.kind, LineKind::Title);
        let mk = line.marks[0];
        assert_eq!(&line.text[mk.start..mk.end], "ring_len");
    }

    #[test]
    fn diff_lines_keep_numbers_and_files_hunks_are_indexed() {
        let m = model(1);
        assert_eq!(m.files.len(), 2);
        assert_eq!(m.files[0].path, "net/ring.c");
        assert_eq!((m.files[0].adds, m.files[0].dels), (1, 1));
        assert_eq!(m.hunks.len(), 2);
        assert_eq!(m.lines[m.hunks[0]].kind, LineKind::HunkHeader);
        let removed = m.lines.iter().find(|l| l.kind == LineKind::Remove).unwrap();
        assert_eq!((removed.old, removed.new), (Some(11), None));
        assert!(m.lines.iter().any(|l| l.kind == LineKind::NotesRule));
        assert!(
            m.lines
                .iter()
                .any(|l| l.kind == LineKind::Trailer(TrailerKind::Review))
        );
    }

    #[test]
    fn a_finding_that_cannot_be_placed_is_still_shown() {
        let (q, _) = sample::small_queue();
        let f = vec![sample::finding(
            "x-rule",
            Severity::Error,
            Part::Diff,
            999,
            (0, 1),
            Some("nope.c"),
            "lost",
        )];
        let m = PatchModel::build(&q, 1, &f);
        let li = m.finding_line[0];
        assert_eq!(m.lines[li].kind, LineKind::Title);
        assert!(m.lines[li + 1].text.contains("x-rule: lost"));
        assert_eq!(m.lines[li].worst(), Some(Severity::Error));
    }

    #[test]
    fn series_and_patch_notes_sit_at_the_top_and_line_notes_under_their_line() {
        let mut m = model(2);
        let hunk = m.hunks[0];
        let finding = m.finding_line[0];
        m.insert_notes(&[
            NoteView::line(1, Part::Message, None, 3, "on the body"),
            NoteView {
                id: 2,
                on: NoteAnchor::Patch,
                text: "whole patch\nsecond line".into(),
            },
            NoteView {
                id: 3,
                on: NoteAnchor::Series,
                text: "whole series".into(),
            },
        ]);
        let kinds: Vec<(LineKind, Option<&str>)> =
            m.lines[..4].iter().map(|l| (l.kind, l.label)).collect();
        assert_eq!(
            kinds,
            vec![
                (LineKind::Title, Some("subj")),
                (LineKind::Note(3), Some("series")),
                (LineKind::Note(2), Some("patch")),
                (LineKind::Note(2), None),
            ]
        );
        assert_eq!(m.lines[4].kind, LineKind::Blank);
        let body = m.lines.iter().position(|l| l.kind == LineKind::Note(1));
        assert_eq!(body.map(|b| m.lines[b - 1].new), Some(Some(3)));
        // Stored indices moved with their lines.
        assert_eq!(m.hunks[0], hunk + 4);
        assert_eq!(m.finding_line[0], finding + 4);
        assert_eq!(m.note_lines().len(), 3);
    }

    #[test]
    fn reply_trailers_follow_the_message_and_its_marks() {
        let mut m = model(2);
        let hunk = m.hunks[0];
        let rule = m.lines.iter().position(|l| l.kind == LineKind::FileHeader);
        let t = |line: &str, state| ReplyTrailerView {
            line: line.into(),
            sender: "Kim <kim@example.org>".into(),
            state,
            same_name: true,
            via_cover: false,
        };
        m.insert_reply_trailers(&[
            t(
                "Acked-by: Kim <kim@example.org>",
                ReplyTrailerState::Collected,
            ),
            t(
                "Tested-by: Kim <kim@lab.example>",
                ReplyTrailerState::Warning,
            ),
        ]);
        let at = rule.unwrap_or(0);
        // After the Fixes trailer and its two finding messages, before the diff.
        assert!(matches!(m.lines[at - 1].kind, LineKind::Annotation(_)));
        assert_eq!(m.lines[at].text, "Acked-by: Kim <kim@example.org>");
        assert_eq!(m.lines[at].label, Some("reply"));
        assert_eq!(
            m.lines[at + 1].text,
            "Tested-by: Kim <kim@lab.example>  (sent from kim@example.org)"
        );
        assert_eq!(m.lines[at + 2].kind, LineKind::FileHeader);
        assert_eq!(m.hunks[0], hunk + 2);
        assert!(m.anchor_of(at).is_none(), "no notes on them");
    }

    #[test]
    fn spans_are_clamped_to_char_boundaries() {
        assert_eq!(span_on("héllo", None, 2, 2), (1, 3));
        assert_eq!(span_on("abc", None, 10, 20), (2, 3));
        assert_eq!(span_on("", None, 0, 5), (0, 0));
    }
}
