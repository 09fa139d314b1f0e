//! `patchdesk show`: one patch with its header, commit message, notes and diff, the policy
//! findings marked under the lines they point at (a caret run under the exact span), or JSON.

use super::json::{PatchJson, ShowJson};
use super::{Format, ShowArgs, emit};
use crate::Result;
use crate::patch::LineKind;
use crate::policy::{Finding, Part, check_patch};
use crate::queue::Queue;
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// Runs `show`.
pub fn run(args: &ShowArgs) -> Result<i32> {
    let spec = args.source.spec()?;
    let (profile, _why) = args.profile.select(&spec)?;
    let queue = args.source.load()?;
    let index = queue.select(args.patch.as_deref())?;
    let findings = check_patch(&queue.patches[index], &profile);
    let maintainers = args.source.maintainers()?;
    let text = match args.format {
        Format::Json => match &maintainers {
            Some(m) => {
                let mut value: serde_json::Value =
                    serde_json::from_str(&to_json(&queue, index, &findings)).unwrap_or_default();
                let patch = &queue.patches[index];
                let lookup = m.lookup(&crate::maintainers::scan_patch(patch));
                super::json::add_maintainers(&mut value, &lookup);
                let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
                text.push('\n');
                text
            }
            None => to_json(&queue, index, &findings),
        },
        Format::Text => format!(
            "Profile: {}\n{}",
            profile.name,
            to_text(&queue, index, &findings)
        ),
    };
    emit(&text)?;
    Ok(0)
}

/// The JSON form: the `show` contract plus `"findings"` (as `check` writes them).
pub fn to_json(queue: &Queue, index: usize, findings: &[Finding]) -> String {
    let p = &queue.patches[index];
    let show = ShowJson {
        patch: PatchJson::new(queue, index, queue.review_counts(index)),
        message: &p.message,
        notes: &p.notes,
        diff: &p.diff,
    };
    let mut value = serde_json::to_value(&show).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        let list: Vec<serde_json::Value> = findings
            .iter()
            .map(|f| {
                serde_json::json!({
                    "rule": f.rule, "severity": f.severity, "part": f.location.part,
                    "line": f.location.line, "start": f.location.start, "end": f.location.end,
                    "file": f.location.file, "message": f.message, "source": f.source,
                })
            })
            .collect();
        map.insert("findings".into(), serde_json::Value::Array(list));
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes the marks of the findings on one line: carets under the span, then the message.
fn mark(out: &mut String, indent: usize, line: &str, hits: &[&Finding]) {
    // Columns are counted on the line as printed, controls in their visible notation.
    let raw = line;
    let (shown, map) = crate::safe::line(raw, false);
    let line = shown.as_str();
    let to_shown = |i: usize| map.as_ref().map_or(i, |m| m[i]);
    for f in hits {
        let start = f.location.start.min(raw.len());
        let end = f.location.end.clamp(start, raw.len());
        let (start, end) = (to_shown(start), to_shown(end));
        let (before, span) = match (line.get(..start), line.get(start..end)) {
            (Some(b), Some(s)) => (b, s),
            _ => ("", line),
        };
        let pad = indent + before.width();
        let carets = span.width().max(1);
        let _ = writeln!(
            out,
            "{}{} {}[{}]: {}",
            " ".repeat(pad),
            "^".repeat(carets),
            f.severity.as_str(),
            f.rule,
            f.message
        );
    }
}

fn at<'a>(
    findings: &'a [Finding],
    part: &[Part],
    line: u32,
    file: Option<&str>,
) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| {
            part.contains(&f.location.part)
                && f.location.line == line
                && (file.is_none() || f.location.file.as_deref() == file)
        })
        .collect()
}

/// The text form: what a maintainer reads, findings marked in place.
pub fn to_text(queue: &Queue, index: usize, findings: &[Finding]) -> String {
    let p = &queue.patches[index];
    let mut out = String::new();
    let _ = writeln!(out, "Subject: {}", p.subject.raw);
    mark(
        &mut out,
        9,
        &p.subject.raw,
        &at(findings, &[Part::Subject], 1, None),
    );
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
    for f in findings.iter().filter(|f| f.location.part == Part::Header) {
        let _ = writeln!(
            out,
            "Header:  {}[{}]: {}",
            f.severity.as_str(),
            f.rule,
            f.message
        );
    }
    for problem in p.problems() {
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
    let (errors, warnings, infos) =
        findings
            .iter()
            .fold((0, 0, 0), |(e, w, i), f| match f.severity {
                crate::policy::Severity::Error => (e + 1, w, i),
                crate::policy::Severity::Warning => (e, w + 1, i),
                crate::policy::Severity::Info => (e, w, i + 1),
            });
    let _ = writeln!(
        out,
        "Findings: {errors} errors, {warnings} warnings, {infos} infos"
    );
    out.push('\n');
    let message_parts = [Part::Message, Part::Trailer];
    for (n, line) in p.message.lines().enumerate() {
        let _ = writeln!(out, "{line}");
        mark(
            &mut out,
            0,
            line,
            &at(findings, &message_parts, n as u32 + 1, None),
        );
    }
    if !p.notes.is_empty() {
        out.push_str("---\n");
        for (n, line) in p.notes.lines().enumerate() {
            let _ = writeln!(out, "{line}");
            mark(
                &mut out,
                0,
                line,
                &at(findings, &[Part::Notes], n as u32 + 1, None),
            );
        }
    }
    for file in &p.diff {
        let path = file.path();
        let _ = writeln!(
            out,
            "\n=== {} ({:?}{})",
            path,
            file.status,
            if file.binary { ", binary" } else { "" }
        );
        mark(
            &mut out,
            4,
            path,
            &at(findings, &[Part::Diff], 0, Some(path)),
        );
        for hunk in &file.hunks {
            let _ = writeln!(
                out,
                "@@ -{},{} +{},{} @@ {}",
                hunk.old_start, hunk.old_lines, hunk.new_start, hunk.new_lines, hunk.section
            );
            for line in &hunk.lines {
                let (mark_char, old, new) = match line.kind {
                    LineKind::Context => (' ', line.old, line.new),
                    LineKind::Add => ('+', None, line.new),
                    LineKind::Remove => ('-', line.old, None),
                };
                let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{:>5} {:>5} {mark_char}{}",
                    num(old),
                    num(new),
                    line.text
                );
                if line.kind == LineKind::Add {
                    let hits = at(findings, &[Part::Diff], line.new.unwrap_or(0), Some(path));
                    mark(&mut out, 13, &line.text, &hits);
                }
            }
        }
    }
    out
}
