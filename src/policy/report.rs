//! Rendering findings: compiler-style diagnostics (annotate-snippets: the patch, the
//! offending line, a caret under the exact span, the message and the rule's source), and the
//! JSON document `patchdesk check --format json` prints.

use super::{Finding, Location, Part, Profile, Severity};
use crate::patch::{LineKind, Patch};
use annotate_snippets::{Level, Renderer, Snippet};
use serde::Serialize;
use std::fmt::Write as _;

/// Counts of findings shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub patches: usize,
}

/// Findings of a queue ready to print.
pub struct Report<'a> {
    pub profile: &'a Profile,
    /// Why this profile (`--profile qemu`, `guessed: ...`).
    pub reason: &'a str,
    pub patches: &'a [Patch],
    /// Indexed like `patches`.
    pub findings: &'a [Vec<Finding>],
    /// Findings below this are left out.
    pub min: Severity,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    part: Part,
    line: u32,
    start: usize,
    end: usize,
    file: Option<&'a str>,
    message: &'a str,
    source: &'a str,
}

#[derive(Serialize)]
struct JsonPatch<'a> {
    key: &'a str,
    message_id: Option<&'a str>,
    subject: &'a str,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    profile: &'a str,
    policy_version: &'a str,
    patches: Vec<JsonPatch<'a>>,
    summary: Summary,
}

impl<'a> Report<'a> {
    fn shown(&self, i: usize) -> impl Iterator<Item = &'a Finding> + '_ {
        self.findings
            .get(i)
            .into_iter()
            .flatten()
            .filter(move |f| f.severity >= self.min)
    }

    /// Counts of the findings shown.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            patches: self.patches.len(),
            ..Default::default()
        };
        for i in 0..self.patches.len() {
            for f in self.shown(i) {
                match f.severity {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Info => s.infos += 1,
                }
            }
        }
        s
    }

    /// The JSON document.
    pub fn to_json(&self) -> serde_json::Value {
        let patches = self
            .patches
            .iter()
            .enumerate()
            .map(|(i, p)| JsonPatch {
                key: &p.key,
                message_id: p.mail.message_id.as_deref(),
                subject: &p.subject.raw,
                findings: self
                    .shown(i)
                    .map(|f| JsonFinding {
                        rule: &f.rule,
                        severity: f.severity,
                        part: f.location.part,
                        line: f.location.line,
                        start: f.location.start,
                        end: f.location.end,
                        file: f.location.file.as_deref(),
                        message: &f.message,
                        source: &f.source,
                    })
                    .collect(),
            })
            .collect();
        let doc = JsonReport {
            profile: &self.profile.name,
            policy_version: &self.profile.policy_version,
            patches,
            summary: self.summary(),
        };
        serde_json::to_value(doc).unwrap_or(serde_json::Value::Null)
    }

    /// Compiler-style text; `color` adds ANSI styles.
    pub fn to_text(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "profile {} (chosen: {})\npolicy_version: {}",
            crate::safe::Safe(&self.profile.name),
            crate::safe::Safe(self.reason),
            crate::safe::Safe(&self.profile.policy_version)
        );
        for (i, p) in self.patches.iter().enumerate() {
            let shown: Vec<&Finding> = self.shown(i).collect();
            if shown.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "\n== {} ({})",
                crate::safe::Safe(&p.subject.raw),
                crate::safe::Safe(&p.key)
            );
            for f in shown {
                out.push_str(&render_finding(&renderer, p, f));
                out.push('\n');
            }
        }
        let s = self.summary();
        let _ = writeln!(
            out,
            "\n{} error(s), {} warning(s), {} info(s) in {} patch(es)",
            s.errors, s.warnings, s.infos, s.patches
        );
        out
    }
}

/// Whether to colour output on stdout: a terminal and no `NO_COLOR`.
pub fn use_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// One finding as a diagnostic.
pub fn render_finding(renderer: &Renderer, patch: &Patch, f: &Finding) -> String {
    let level = match f.severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info => Level::Info,
    };
    // Everything drawn from the message is made safe here, before any style is added, so the
    // styled output can be written as it is (the span is mapped through the notation).
    let raw = line_text(patch, &f.location).unwrap_or_default();
    let (start, end) = clamp_span(&raw, f.location.start, f.location.end);
    let (line, map) = crate::safe::line(&raw, false);
    let (start, end) = match map {
        Some(map) => (map[start], map[end]),
        None => (start, end),
    };
    let origin = match (&f.location.part, &f.location.file) {
        (Part::Diff, Some(file)) => crate::safe::line(file, false).0,
        (part, _) => part.as_str().to_string(),
    };
    let source_note = format!("source: {}", crate::safe::Safe(&f.source));
    let label = f.rule.as_str();
    let title = crate::safe::line(&f.message, false).0;
    let title = title.as_str();
    let line_no = (f.location.line as usize).max(1);
    let message = level.title(title).id(label).snippet(
        Snippet::source(&line)
            .line_start(line_no)
            .origin(&origin)
            .annotation(level.span(start..end)),
    );
    let message = if f.source.is_empty() {
        message
    } else {
        message.footer(Level::Note.title(&source_note))
    };
    renderer.render(message).to_string()
}

fn clamp_span(line: &str, start: usize, end: usize) -> (usize, usize) {
    let fix = |mut i: usize| {
        i = i.min(line.len());
        while i > 0 && !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (s, e) = (fix(start), fix(end));
    if s < e {
        (s, e)
    } else if line.is_empty() {
        (0, 0)
    } else if s >= line.len() {
        // An empty span at the end: point at the last character.
        let last = line.char_indices().last().map_or(0, |(i, _)| i);
        (last, line.len())
    } else {
        let next = line[s..].chars().next().map_or(s, |c| s + c.len_utf8());
        (s, next)
    }
}

/// The text of the line a location points at.
pub fn line_text(patch: &Patch, loc: &Location) -> Option<String> {
    let idx = (loc.line as usize).checked_sub(1);
    match loc.part {
        Part::Header => {
            let (n, v) = patch.mail.headers.get(idx?)?;
            Some(format!("{n}: {v}"))
        }
        Part::Subject => Some(patch.subject.raw.clone()),
        Part::Message | Part::Trailer => patch.message.lines().nth(idx?).map(str::to_string),
        Part::Notes => patch.notes.lines().nth(idx?).map(str::to_string),
        Part::Diff => {
            let file = patch
                .diff
                .iter()
                .find(|d| Some(d.path()) == loc.file.as_deref())?;
            if loc.line == 0 {
                return Some(file.path().to_string());
            }
            file.hunks
                .iter()
                .flat_map(|h| h.lines.iter())
                .find(|l| match l.kind {
                    LineKind::Remove => l.old == Some(loc.line),
                    _ => l.new == Some(loc.line),
                })
                .map(|l| l.text.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::check_patch;
    use crate::policy::testutil::{PatchBuilder, SIGNED};

    fn sample() -> (Profile, Vec<Patch>, Vec<Vec<Finding>>) {
        let prof = Profile::builtin("qemu").unwrap();
        let p = PatchBuilder::new(
            "hw: x",
            &format!(
                "Why.\n\nCo-authored-by: Claude <noreply@anthropic.com>\n{}",
                &SIGNED[14..]
            ),
        )
        .diff_modify("hw/a.c", &["int y;  "])
        .build();
        let f = check_patch(&p, &prof);
        (prof, vec![p], vec![f])
    }

    #[test]
    fn text_points_at_the_exact_span() {
        let (prof, patches, findings) = sample();
        let r = Report {
            profile: &prof,
            reason: "--profile qemu",
            patches: &patches,
            findings: &findings,
            min: Severity::Info,
        };
        let t = r.to_text(false);
        assert!(t.starts_with("profile qemu ("), "{t}");
        assert!(
            t.contains("error[ai-coauthor]: Co-authored-by names an AI tool"),
            "{t}"
        );
        assert!(t.contains("Co-authored-by: Claude <noreply@anthropic.com>"));
        assert!(
            t.contains(&format!("                 {}\n", "^".repeat(30))),
            "{t}"
        );
        assert!(
            t.contains("= note: source: QEMU docs/devel/code-provenance.rst"),
            "{t}"
        );
        assert!(t.contains("--> hw/a.c:1"), "{t}");
        assert!(!t.contains("\u{1b}["), "plain has no escapes");
        assert!(r.to_text(true).contains("\u{1b}["), "styled has escapes");
    }

    #[test]
    fn json_has_the_contract_shape() {
        let (prof, patches, findings) = sample();
        let r = Report {
            profile: &prof,
            reason: "",
            patches: &patches,
            findings: &findings,
            min: Severity::Warning,
        };
        let j = r.to_json();
        assert_eq!(j["profile"], "qemu");
        assert!(
            j["policy_version"]
                .as_str()
                .is_some_and(|s| s.contains("95b9e0d2"))
        );
        let f = &j["patches"][0]["findings"][0];
        for k in [
            "rule", "severity", "part", "line", "start", "end", "file", "message", "source",
        ] {
            assert!(f.get(k).is_some(), "missing {k}: {f}");
        }
        assert_eq!(j["patches"][0]["subject"], "[PATCH] hw: x");
        let s = &j["summary"];
        assert_eq!(s["patches"], 1);
        assert_eq!(s["infos"], 0, "min severity filters");
        assert!(s["errors"].as_u64().unwrap_or(0) >= 2);
    }

    #[test]
    fn spans_are_clamped_to_char_boundaries() {
        assert_eq!(clamp_span("héllo", 2, 2), (1, 3));
        assert_eq!(clamp_span("abc", 3, 3), (2, 3));
        assert_eq!(clamp_span("", 5, 9), (0, 0));
        assert_eq!(clamp_span("abc", 1, 99), (1, 3));
    }
}
