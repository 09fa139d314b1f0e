//! `export replies`: one review reply per patch or cover letter the maintainer has something
//! to say about (notes, a trailer, a status the author must hear: changes requested,
//! rejected), threaded under the message it answers and addressed to its author with the
//! original recipients in Cc.
//!
//! The body reads like a reply written by hand: an attribution line, the commit message
//! quoted, the diff hunks that carry notes quoted around the noted lines (everything else
//! trimmed to `[...]`), each note unquoted right below its line, then the maintainer's
//! trailers on lines of their own so b4 and Patchwork collect them.

use super::mbox::{Mbox, Outgoing};
use super::plan::{LineNote, PatchReview, ReviewPlan};
use crate::mail::Address;
use crate::patch::{FileDiff, Hunk, LineKind, Patch};
use crate::policy::Part;
use crate::queue::Queue;
use crate::{Error, Result};
use chrono::{DateTime, FixedOffset};
use std::path::Path;

/// Lines of context kept around a noted line.
pub const CONTEXT: usize = 3;

/// Which series to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// One series, as `patchdesk list` numbers it.
    Series(usize),
    /// Every series of the queue.
    All,
}

/// One reply and the patch (index into [`Queue::patches`]) it answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub answers: usize,
    pub mail: Outgoing,
}

/// Builds the replies, in queue order (cover letter first, then the patches of each series).
/// `now` dates the replies and seeds their Message-Ids.
pub fn build(
    queue: &Queue,
    plan: &ReviewPlan,
    selection: Selection,
    now: DateTime<FixedOffset>,
) -> Result<Vec<Reply>> {
    let series: Vec<_> = match selection {
        Selection::All => queue.series.iter().collect(),
        Selection::Series(id) => vec![super::find_series(queue, id)?],
    };
    let mut ids = IdMaker::new(&plan.maintainer, now);
    let mut replies = Vec::new();
    for s in series {
        let series_notes: &[String] = super::series_key(queue, s)
            .and_then(|k| plan.series.get(&k))
            .map_or(&[], |r| r.notes.as_slice());
        // Series notes go in the reply to the cover letter, else to the first patch.
        let carrier = s.head();
        let empty = PatchReview::default();
        for index in s.cover.into_iter().chain(s.patches.iter().copied()) {
            let Some(patch) = queue.patches.get(index) else {
                continue;
            };
            let review = plan.patch(&patch.key).unwrap_or(&empty);
            let extra: &[String] = if carrier == Some(index) {
                series_notes
            } else {
                &[]
            };
            if !review.wants_reply() && extra.is_empty() {
                continue;
            }
            let mail = reply_mail(patch, review, extra, plan, now, ids.next(patch));
            replies.push(Reply {
                answers: index,
                mail,
            });
        }
    }
    Ok(replies)
}

/// Builds the replies and writes them as an mboxrd file; returns how many were written.
/// Nothing is written when there is nothing to reply to.
pub fn export(
    queue: &Queue,
    plan: &ReviewPlan,
    selection: Selection,
    now: DateTime<FixedOffset>,
    out: &Path,
    force: bool,
) -> Result<usize> {
    super::mbox::check_output(out, force)?;
    let replies = build(queue, plan, selection, now)?;
    if replies.is_empty() {
        return Err(Error::Usage(format!(
            "{}: nothing to reply to (no notes, trailers or telling statuses){}",
            queue.source,
            match selection {
                Selection::Series(id) => format!(" in series {id}"),
                Selection::All => String::new(),
            }
        )));
    }
    let mut mbox = Mbox::new();
    for reply in &replies {
        mbox.push_outgoing(&reply.mail)?;
    }
    super::mbox::write_atomic(out, mbox.as_bytes(), force)?;
    Ok(replies.len())
}

/// Makes Message-Ids no other reply has: the time to the nanosecond, the process, a counter
/// and a hash of the message answered, at the maintainer's domain.
struct IdMaker {
    domain: String,
    stamp: String,
    counter: usize,
}

impl IdMaker {
    fn new(maintainer: &Address, now: DateTime<FixedOffset>) -> IdMaker {
        let domain = maintainer
            .email
            .rsplit_once('@')
            .map(|(_, d)| d.trim())
            .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_graphic() && c != '>'))
            .unwrap_or("patchdesk.invalid")
            .to_string();
        let nanos = now.timestamp_nanos_opt().unwrap_or_default();
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        IdMaker {
            domain,
            stamp: format!("{nanos:x}.{:x}.{wall:x}", std::process::id()),
            counter: 0,
        }
    }

    fn next(&mut self, answered: &Patch) -> String {
        self.counter += 1;
        let seed = format!("{}\0{}\0{}", self.stamp, self.counter, answered.key);
        let hash = crate::hash::sha1_hex(seed.as_bytes());
        format!("patchdesk-{}-{}@{}", &hash[..16], self.counter, self.domain)
    }
}

fn same_person(a: &Address, b: &Address) -> bool {
    a.email.eq_ignore_ascii_case(&b.email)
}

/// The original To and Cc (and the sender, when someone else than the author sent it),
/// deduplicated, without the maintainer and without the author (who is in To).
fn cc_list(patch: &Patch, maintainer: &Address) -> Vec<Address> {
    let mut cc: Vec<Address> = Vec::new();
    let sender = patch.mail.from.iter();
    for address in patch.mail.to.iter().chain(&patch.mail.cc).chain(sender) {
        if address.email.trim().is_empty()
            || same_person(address, maintainer)
            || same_person(address, &patch.author)
            || cc.iter().any(|c| same_person(c, address))
        {
            continue;
        }
        cc.push(address.clone());
    }
    cc
}

fn reply_mail(
    patch: &Patch,
    review: &PatchReview,
    series_notes: &[String],
    plan: &ReviewPlan,
    now: DateTime<FixedOffset>,
    message_id: String,
) -> Outgoing {
    let original = &patch.mail;
    let subject = if original
        .subject
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("re:")
    {
        original.subject.clone()
    } else {
        format!("Re: {}", original.subject)
    };
    let mut references = original.references.clone();
    if let Some(id) = &original.message_id
        && !references.contains(id)
    {
        references.push(id.clone());
    }
    let to = if patch.author.email.is_empty() {
        original.from.iter().cloned().collect()
    } else {
        vec![patch.author.clone()]
    };
    Outgoing {
        from: plan.maintainer.clone(),
        to,
        cc: cc_list(patch, &plan.maintainer),
        subject,
        date: Some(now),
        message_id,
        in_reply_to: original.message_id.clone(),
        references: if original.message_id.is_some() {
            references
        } else {
            Vec::new()
        },
        extra_headers: Vec::new(),
        body: reply_body(patch, review, series_notes),
    }
}

/// A body being written: quoted lines, notes, and `[...]` for what was left out (never two
/// in a row).
#[derive(Default)]
struct Body {
    text: String,
    trimmed: bool,
}

impl Body {
    fn quote(&mut self, line: &str) {
        if line.is_empty() {
            self.text.push_str(">\n");
        } else {
            self.text.push_str("> ");
            self.text.push_str(line);
            self.text.push('\n');
        }
        self.trimmed = false;
    }

    fn trim(&mut self) {
        if !self.trimmed {
            self.text.push_str("> [...]\n");
            self.trimmed = true;
        }
    }

    fn note(&mut self, text: &str) {
        self.text.push('\n');
        for line in text.trim_end().lines() {
            self.text.push_str(line.trim_end());
            self.text.push('\n');
        }
        self.text.push('\n');
        self.trimmed = false;
    }

    fn paragraph(&mut self, text: &str) {
        if !self.text.ends_with("\n\n") {
            self.text.push('\n');
        }
        for line in text.trim_end().lines() {
            self.text.push_str(line.trim_end());
            self.text.push('\n');
        }
    }
}

/// True for a note in the commit message (its trailer block is part of it).
fn in_message(note: &LineNote) -> bool {
    matches!(note.part, Part::Message | Part::Trailer)
}

/// The reply's text.
pub fn reply_body(patch: &Patch, review: &PatchReview, series_notes: &[String]) -> String {
    // Notes written on the interdiff against the previous version quote that, in a block
    // of their own after the patch's quoted lines.
    let on_interdiff: Vec<&LineNote> = (review.line_notes.iter())
        .filter(|n| n.interdiff.is_some())
        .collect();
    let on_patch;
    let review = if on_interdiff.is_empty() {
        review
    } else {
        on_patch = PatchReview {
            line_notes: (review.line_notes.iter())
                .filter(|n| n.interdiff.is_none())
                .cloned()
                .collect(),
            ..review.clone()
        };
        &on_patch
    };
    let mut body = Body::default();
    let who = patch.author.display();
    match patch.date.or(patch.mail.date) {
        Some(date) => body
            .text
            .push_str(&format!("On {}, {who} wrote:\n", date.to_rfc2822())),
        None => body.text.push_str(&format!("{who} wrote:\n")),
    }
    let mut placed = vec![false; review.line_notes.len()];
    let is_cover = !patch.has_diff();

    // Notes on the subject (or the title line) come first, under the quoted subject.
    let title_notes: Vec<usize> = (0..review.line_notes.len())
        .filter(|&i| {
            let n = &review.line_notes[i];
            n.part == Part::Subject || (in_message(n) && n.line == 1)
        })
        .collect();
    if !title_notes.is_empty() {
        body.quote(&format!("Subject: {}", patch.mail.subject));
        for &i in &title_notes {
            body.note(&review.line_notes[i].text);
            placed[i] = true;
        }
    }

    // The commit message after its title: quoted whole for a patch, around notes for a
    // cover letter (whose message carries the shortlog and diffstat too).
    let message: Vec<&str> = patch.message.lines().collect();
    let noted: Vec<(usize, u32)> = review
        .line_notes
        .iter()
        .enumerate()
        .filter(|(i, n)| !placed[*i] && in_message(n) && n.line >= 2)
        .map(|(i, n)| (i, n.line))
        .collect();
    let keep = |line: usize| {
        !is_cover
            || noted
                .iter()
                .any(|&(_, l)| (l as usize).abs_diff(line) <= CONTEXT)
    };
    let first = if message.get(1).is_some_and(|l| l.trim().is_empty()) {
        2
    } else {
        1
    };
    for (index, line) in message.iter().enumerate().skip(first) {
        let number = index + 1;
        if keep(number) {
            body.quote(line);
        } else {
            body.trim();
        }
        for &(i, l) in &noted {
            if l as usize == number {
                body.note(&review.line_notes[i].text);
                placed[i] = true;
            }
        }
    }

    if patch.has_diff() {
        quote_notes_part(&mut body, patch, review, &mut placed);
        for file in &patch.diff {
            quote_file(&mut body, file, review, &mut placed);
        }
    } else if message.len() > first && is_cover && !body.trimmed {
        body.trim();
    }

    // Notes whose line is gone, then the notes on the whole patch and series.
    for (i, note) in review.line_notes.iter().enumerate() {
        if !placed[i] {
            let place = match &note.file {
                Some(file) => format!("{file}:{}", note.line),
                None => format!("{} line {}", part_label(note.part), note.line),
            };
            body.paragraph(&format!("On {place}: {}", note.text.trim()));
        }
    }
    if !on_interdiff.is_empty() {
        body.paragraph("On what changed since the previous version (the interdiff):");
        body.text.push('\n');
        for note in on_interdiff {
            for line in note.interdiff.iter().flatten() {
                body.quote(line);
            }
            body.note(&note.text);
        }
    }
    for note in series_notes.iter().chain(&review.notes) {
        body.paragraph(note);
    }
    if let Some(line) = super::plan::reply_line(&review.status) {
        body.paragraph(line);
    }
    if !review.trailers.is_empty() {
        let block: Vec<String> = review
            .trailers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        body.paragraph(&block.join("\n"));
    }
    body.text
}

fn part_label(part: Part) -> &'static str {
    match part {
        Part::Header => "header",
        Part::Subject => "subject",
        Part::Message | Part::Trailer => "commit message",
        Part::Notes => "notes",
        Part::Diff => "diff",
    }
}

/// The `---` section (changelog, diffstat): quoted around its notes, else trimmed.
fn quote_notes_part(body: &mut Body, patch: &Patch, review: &PatchReview, placed: &mut [bool]) {
    let noted: Vec<(usize, u32)> = review
        .line_notes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.part == Part::Notes)
        .map(|(i, n)| (i, n.line))
        .collect();
    body.quote("---");
    for (index, line) in patch.notes.lines().enumerate() {
        let number = index + 1;
        if noted
            .iter()
            .any(|&(_, l)| (l as usize).abs_diff(number) <= CONTEXT)
        {
            body.quote(line);
        } else {
            body.trim();
        }
        for &(i, l) in &noted {
            if l as usize == number {
                body.note(&review.line_notes[i].text);
                placed[i] = true;
            }
        }
    }
}

/// The notes on one file, with the index of the hunk line each one sits under
/// (`None`: under the file header).
fn file_notes(file: &FileDiff, review: &PatchReview) -> Vec<(usize, Option<(usize, usize)>)> {
    let matches_file = |n: &LineNote| {
        n.part == Part::Diff
            && n.file
                .as_deref()
                .is_some_and(|f| f == file.path() || file.old_path.as_deref() == Some(f))
    };
    let mut found = Vec::new();
    for (i, note) in review.line_notes.iter().enumerate() {
        if !matches_file(note) {
            continue;
        }
        if note.line == 0 {
            found.push((i, None));
            continue;
        }
        let at = file.hunks.iter().enumerate().find_map(|(h, hunk)| {
            hunk.lines
                .iter()
                .position(|l| l.new == Some(note.line))
                .map(|l| (h, l))
        });
        if let Some(at) = at {
            found.push((i, Some(at)));
        }
    }
    found
}

fn quote_file(body: &mut Body, file: &FileDiff, review: &PatchReview, placed: &mut [bool]) {
    let notes = file_notes(file, review);
    if notes.is_empty() {
        body.trim();
        return;
    }
    let old = file.old_path.as_deref().unwrap_or(file.path());
    let new = file.new_path.as_deref().unwrap_or(file.path());
    body.quote(&format!("diff --git a/{old} b/{new}"));
    body.quote(&match &file.old_path {
        Some(p) if file.status != crate::patch::FileStatus::Added => format!("--- a/{p}"),
        _ => "--- /dev/null".to_string(),
    });
    body.quote(&match &file.new_path {
        Some(p) if file.status != crate::patch::FileStatus::Deleted => format!("+++ b/{p}"),
        _ => "+++ /dev/null".to_string(),
    });
    for &(i, at) in &notes {
        if at.is_none() {
            body.note(&review.line_notes[i].text);
            placed[i] = true;
        }
    }
    for (h, hunk) in file.hunks.iter().enumerate() {
        let here: Vec<(usize, usize)> = notes
            .iter()
            .filter_map(|&(i, at)| at.filter(|&(hh, _)| hh == h).map(|(_, l)| (i, l)))
            .collect();
        if here.is_empty() {
            body.trim();
            continue;
        }
        quote_hunk(body, hunk, &here, review, placed);
    }
}

fn quote_hunk(
    body: &mut Body,
    hunk: &Hunk,
    notes: &[(usize, usize)],
    review: &PatchReview,
    placed: &mut [bool],
) {
    let section = if hunk.section.is_empty() {
        String::new()
    } else {
        format!(" {}", hunk.section.trim_start())
    };
    body.quote(&format!(
        "@@ -{},{} +{},{} @@{section}",
        hunk.old_start, hunk.old_lines, hunk.new_start, hunk.new_lines
    ));
    for (index, line) in hunk.lines.iter().enumerate() {
        if notes.iter().any(|&(_, l)| l.abs_diff(index) <= CONTEXT) {
            let mark = match line.kind {
                LineKind::Context => ' ',
                LineKind::Add => '+',
                LineKind::Remove => '-',
            };
            body.quote(&format!("{mark}{}", line.text));
        } else {
            body.trim();
        }
        for &(i, l) in notes {
            if l == index {
                body.note(&review.line_notes[i].text);
                placed[i] = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::{DiffLine, FileStatus, Subject};
    use crate::queue::Series;

    fn addr(name: &str, email: &str) -> Address {
        Address {
            name: name.into(),
            email: email.into(),
        }
    }

    fn line(kind: LineKind, old: Option<u32>, new: Option<u32>, text: &str) -> DiffLine {
        DiffLine {
            kind,
            old,
            new,
            text: text.into(),
            no_newline: false,
        }
    }

    /// A patch with a two-hunk diff of `uart.c`, sent to a list with the maintainer in Cc.
    fn patch() -> Patch {
        let mut p = Patch {
            key: "p1@example.org".into(),
            author: addr("Mara Quint", "mara@example.org"),
            message: "uart: add a FIFO\n\nKeep sixteen bytes.\nLike a 16550.\n\nSigned-off-by: Mara Quint <mara@example.org>\n".into(),
            notes: " uart.c | 3 ++-\n 1 file changed\n".into(),
            subject: Subject {
                raw: "[PATCH 1/1] uart: add a FIFO".into(),
                title: "uart: add a FIFO".into(),
                index: Some(1),
                total: Some(1),
                ..Subject::default()
            },
            date: DateTime::parse_from_rfc2822("Fri, 20 Nov 2026 10:12:01 +0100").ok(),
            ..Patch::default()
        };
        p.mail.message_id = Some("p1@example.org".into());
        p.mail.references = vec!["c@example.org".into()];
        p.mail.in_reply_to = Some("c@example.org".into());
        p.mail.subject = p.subject.raw.clone();
        p.mail.from = Some(addr("Mara Quint", "mara@example.org"));
        p.mail.to = vec![addr("", "devel@lists.example.org")];
        p.mail.cc = vec![
            addr("Max Maint", "MAX@example.org"),
            addr("Jon", "jon@example.net"),
            addr("Jon T", "jon@example.net"),
            addr("Mara Quint", "mara@example.org"),
        ];
        let mut lines = vec![line(
            LineKind::Context,
            Some(1),
            Some(1),
            "#include \"uart.h\"",
        )];
        for n in 2..=9 {
            lines.push(line(
                LineKind::Context,
                Some(n),
                Some(n),
                &format!("ctx {n}"),
            ));
        }
        lines.push(line(LineKind::Remove, Some(10), None, "    uint8_t rx;"));
        lines.push(line(LineKind::Add, None, Some(10), "    uint8_t fifo[16];"));
        lines.push(line(LineKind::Context, Some(11), Some(11), "}"));
        p.diff = vec![FileDiff {
            old_path: Some("uart.c".into()),
            new_path: Some("uart.c".into()),
            status: FileStatus::Modified,
            hunks: vec![
                Hunk {
                    old_start: 1,
                    old_lines: 11,
                    new_start: 1,
                    new_lines: 11,
                    section: String::new(),
                    lines,
                },
                Hunk {
                    old_start: 40,
                    old_lines: 1,
                    new_start: 40,
                    new_lines: 1,
                    section: "void f(void)".into(),
                    lines: vec![line(LineKind::Context, Some(40), Some(40), "x")],
                },
            ],
            ..FileDiff::default()
        }]
        .into();
        p
    }

    fn queue() -> Queue {
        Queue {
            source: "test".into(),
            patches: vec![patch()],
            series: vec![Series {
                id: 1,
                patches: vec![0],
                total: Some(1),
                ..Series::default()
            }],
            ..Queue::default()
        }
    }

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-24T19:00:00+01:00").unwrap()
    }

    fn plan() -> ReviewPlan {
        ReviewPlan::new(addr("Max Maint", "max@example.org"))
    }

    #[test]
    fn nothing_to_say_means_no_reply() {
        let replies = build(&queue(), &plan(), Selection::All, now()).unwrap();
        assert!(replies.is_empty());
        let mut p = plan();
        p.patch_mut("p1@example.org").status = super::super::ReviewStatus::Accepted;
        assert!(
            build(&queue(), &p, Selection::All, now())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn headers_thread_under_the_patch_and_address_the_author() {
        let mut p = plan();
        p.patch_mut("p1@example.org")
            .trailers
            .push(("Acked-by".into(), "Max Maint <max@example.org>".into()));
        let replies = build(&queue(), &p, Selection::Series(1), now()).unwrap();
        assert_eq!(replies.len(), 1);
        let mail = &replies[0].mail;
        assert_eq!(replies[0].answers, 0);
        assert_eq!(mail.from, addr("Max Maint", "max@example.org"));
        assert_eq!(mail.to, vec![addr("Mara Quint", "mara@example.org")]);
        let cc: Vec<&str> = mail.cc.iter().map(|a| a.email.as_str()).collect();
        assert_eq!(cc, vec!["devel@lists.example.org", "jon@example.net"]);
        assert_eq!(mail.subject, "Re: [PATCH 1/1] uart: add a FIFO");
        assert_eq!(mail.in_reply_to.as_deref(), Some("p1@example.org"));
        assert_eq!(mail.references, vec!["c@example.org", "p1@example.org"]);
        assert_eq!(mail.date, Some(now()));
        assert!(mail.message_id.ends_with("@example.org"));
        assert!(
            mail.body
                .ends_with("\nAcked-by: Max Maint <max@example.org>\n")
        );
        assert!(
            mail.body
                .starts_with("On Fri, 20 Nov 2026 10:12:01 +0100, Mara Quint <mara@example.org> wrote:\n> Keep sixteen bytes.\n")
        );
    }

    #[test]
    fn message_ids_are_unique_across_replies_and_runs() {
        let mut q = queue();
        let mut second = patch();
        second.key = "p2@example.org".into();
        second.mail.message_id = Some("p2@example.org".into());
        q.patches.push(second);
        q.series[0].patches.push(1);
        let mut p = plan();
        for key in ["p1@example.org", "p2@example.org"] {
            p.patch_mut(key).notes.push("ok".into());
        }
        let a = build(&q, &p, Selection::All, now()).unwrap();
        let b = build(&q, &p, Selection::All, now()).unwrap();
        let mut ids: Vec<&str> = a
            .iter()
            .chain(&b)
            .map(|r| r.mail.message_id.as_str())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 4);
    }

    #[test]
    fn noted_hunk_is_quoted_around_the_note_and_the_rest_trimmed() {
        let mut p = plan();
        let review = p.patch_mut("p1@example.org");
        review.line_notes.push(LineNote {
            part: Part::Diff,
            file: Some("uart.c".into()),
            line: 10,
            text: "Why sixteen?".into(),
            interdiff: None,
        });
        review.line_notes.push(LineNote {
            part: Part::Message,
            line: 3,
            file: None,
            text: "Say which datasheet.".into(),
            interdiff: None,
        });
        review.status = super::super::ReviewStatus::ChangesRequested;
        let replies = build(&queue(), &p, Selection::All, now()).unwrap();
        let expected = "\
On Fri, 20 Nov 2026 10:12:01 +0100, Mara Quint <mara@example.org> wrote:
> Keep sixteen bytes.

Say which datasheet.

> Like a 16550.
>
> Signed-off-by: Mara Quint <mara@example.org>
> ---
> [...]
> diff --git a/uart.c b/uart.c
> --- a/uart.c
> +++ b/uart.c
> @@ -1,11 +1,11 @@
> [...]
>  ctx 8
>  ctx 9
> -    uint8_t rx;
> +    uint8_t fifo[16];

Why sixteen?

>  }
> [...]

Changes requested: please send a new version.
";
        assert_eq!(replies[0].mail.body, expected);
    }

    #[test]
    fn notes_on_the_title_the_diffstat_and_lost_lines_still_reach_the_reply() {
        let mut p = plan();
        let review = p.patch_mut("p1@example.org");
        review.line_notes.push(LineNote {
            part: Part::Subject,
            line: 1,
            file: None,
            text: "Prefix should be hw/char.".into(),
            interdiff: None,
        });
        review.line_notes.push(LineNote {
            part: Part::Notes,
            line: 1,
            file: None,
            text: "Only one file?".into(),
            interdiff: None,
        });
        review.line_notes.push(LineNote {
            part: Part::Diff,
            line: 999,
            file: Some("uart.c".into()),
            text: "gone".into(),
            interdiff: None,
        });
        review.notes.push("Overall fine.".into());
        let body = &build(&queue(), &p, Selection::All, now()).unwrap()[0]
            .mail
            .body;
        assert!(
            body.contains(
                "> Subject: [PATCH 1/1] uart: add a FIFO\n\nPrefix should be hw/char.\n\n"
            ),
            "{body}"
        );
        assert!(
            body.contains("> ---\n>  uart.c | 3 ++-\n\nOnly one file?\n\n>  1 file changed\n"),
            "{body}"
        );
        assert!(body.contains("\nOn uart.c:999: gone\n"), "{body}");
        assert!(body.ends_with("\nOverall fine.\n"), "{body}");
    }

    #[test]
    fn series_notes_go_to_the_cover_letter() {
        let mut q = queue();
        let mut cover = patch();
        cover.key = "c@example.org".into();
        cover.diff.clear();
        cover.message =
            "uart: FIFO series\n\nThis adds a FIFO.\n\nMara (1):\n  uart: add a FIFO\n".into();
        cover.mail.message_id = Some("c@example.org".into());
        cover.mail.references.clear();
        cover.mail.in_reply_to = None;
        q.patches.push(cover);
        q.series[0].cover = Some(1);
        let mut p = plan();
        p.series_mut("c@example.org")
            .notes
            .push("Thanks, queued.".into());
        let replies = build(&q, &p, Selection::All, now()).unwrap();
        assert_eq!(replies.len(), 1);
        assert_eq!(replies[0].answers, 1);
        assert_eq!(
            replies[0].mail.in_reply_to.as_deref(),
            Some("c@example.org")
        );
        assert_eq!(replies[0].mail.references, vec!["c@example.org"]);
        assert!(
            replies[0]
                .mail
                .body
                .contains("wrote:\n> [...]\n\nThanks, queued.\n"),
            "{}",
            replies[0].mail.body
        );
    }

    #[test]
    fn unknown_series_and_empty_exports_are_refused_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r.mbox");
        let err = export(&queue(), &plan(), Selection::Series(7), now(), &out, false).unwrap_err();
        assert!(err.to_string().contains("no series 7"));
        let err = export(&queue(), &plan(), Selection::All, now(), &out, false).unwrap_err();
        assert!(err.to_string().contains("nothing to reply to"));
        assert!(!out.exists());
    }
}
