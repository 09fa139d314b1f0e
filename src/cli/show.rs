//! `patchdesk show`: one patch with its header, commit message, notes and diff, or JSON.

use super::json::{PatchJson, ShowJson};
use super::{Format, ShowArgs, emit};
use crate::Result;
use crate::patch::LineKind;
use crate::queue::Queue;
use std::fmt::Write;

/// Runs `show`.
pub fn run(args: &ShowArgs) -> Result<i32> {
    let queue = args.source.load()?;
    let index = queue.select(args.patch.as_deref())?;
    let text = match args.format {
        Format::Json => to_json(&queue, index),
        Format::Text => to_text(&queue, index),
    };
    emit(&text)?;
    Ok(0)
}

/// The JSON form.
pub fn to_json(queue: &Queue, index: usize) -> String {
    let p = &queue.patches[index];
    let show = ShowJson {
        patch: PatchJson::new(queue, index),
        message: &p.message,
        notes: &p.notes,
        diff: &p.diff,
    };
    let mut text = serde_json::to_string_pretty(&show).unwrap_or_default();
    text.push('\n');
    text
}

/// The text form: what a maintainer reads.
pub fn to_text(queue: &Queue, index: usize) -> String {
    let p = &queue.patches[index];
    let mut out = String::new();
    let _ = writeln!(out, "Subject: {}", p.subject.raw);
    let _ = writeln!(out, "From:    {}", p.author.display());
    if let Some(date) = p.date {
        let _ = writeln!(out, "Date:    {}", date.to_rfc2822());
    }
    if let Some(id) = &p.mail.message_id {
        let _ = writeln!(out, "Message-Id: <{id}>");
    }
    if let Some(commit) = &p.mail.commit {
        let _ = writeln!(out, "Commit:  {commit}");
    }
    for problem in &p.problems {
        let _ = writeln!(out, "Problem: {problem}");
    }
    for (reply, trailer) in queue.reply_trailers(index) {
        let from = reply.mail.message_id.as_deref().unwrap_or("?");
        let _ = writeln!(
            out,
            "Reply:   {}: {} (in <{from}>)",
            trailer.key, trailer.value
        );
    }
    out.push('\n');
    out.push_str(&p.message);
    if !p.notes.is_empty() {
        out.push_str("---\n");
        out.push_str(&p.notes);
        if !p.notes.ends_with('\n') {
            out.push('\n');
        }
    }
    for file in &p.diff {
        let _ = writeln!(
            out,
            "\n=== {} ({:?}{})",
            file.path(),
            file.status,
            if file.binary { ", binary" } else { "" }
        );
        for hunk in &file.hunks {
            let _ = writeln!(
                out,
                "@@ -{},{} +{},{} @@ {}",
                hunk.old_start, hunk.old_lines, hunk.new_start, hunk.new_lines, hunk.section
            );
            for line in &hunk.lines {
                let (mark, old, new) = match line.kind {
                    LineKind::Context => (' ', line.old, line.new),
                    LineKind::Add => ('+', None, line.new),
                    LineKind::Remove => ('-', line.old, None),
                };
                let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
                let _ = writeln!(out, "{:>5} {:>5} {mark}{}", num(old), num(new), line.text);
            }
        }
    }
    out
}
