//! What of a patch the script looks at: the file names it takes from the mail's lines, and
//! the lines its `K:` keywords are tried on (anywhere before the first file header, only
//! `+`/`-` lines after it).

use crate::patch::Patch;
use crate::patch::diff::LineKind;

use super::parse::Dialect;

/// The files and keyword lines of one patch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatchScan {
    /// Sorted and de-duplicated (byte order, as the script's `sort`).
    pub files: Vec<String>,
    pub keyword_lines: Vec<KeywordLine>,
}

/// A line keywords are tried on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeywordLine {
    pub text: String,
    /// After the first file header: only `+`/`-` lines count.
    pub in_diff: bool,
}

/// Scan a patch file's text as the script reads it.
pub fn scan_text(text: &str, dialect: Dialect) -> PatchScan {
    let mut files = Vec::new();
    let mut lines = Vec::new();
    let mut in_diff = false;
    for line in text.lines() {
        let linux = dialect == Dialect::Linux;
        if let Some(name) = header_file(line, linux) {
            files.push(strip_first_component(name));
            in_diff = true;
            continue;
        }
        if linux {
            if let Some(rest) = line.strip_prefix(" mode change ")
                && let Some(f) = mode_change(rest)
            {
                files.push(f.to_string());
                continue;
            }
            if let Some(f) = line
                .strip_prefix("rename from ")
                .or_else(|| line.strip_prefix("rename to "))
            {
                let f = f.trim_end();
                if !f.is_empty() && !f.contains(char::is_whitespace) {
                    files.push(f.to_string());
                    continue;
                }
            }
            if let Some((a, b)) = diff_git(line) {
                files.push(a.to_string());
                files.push(b.to_string());
                continue;
            }
            if is_fixes(line) {
                continue;
            }
        }
        if line.starts_with("@@ -") && hunk_header(line) {
            continue;
        }
        lines.push(KeywordLine {
            text: line.to_string(),
            in_diff,
        });
    }
    files.sort();
    files.dedup();
    PatchScan {
        files,
        keyword_lines: lines,
    }
}

/// Scan a parsed patch: the old and new path of every file, the commit message and every
/// added or removed line.
pub fn scan_patch(patch: &Patch) -> PatchScan {
    let mut files = Vec::new();
    let mut lines: Vec<KeywordLine> = Vec::new();
    lines.push(KeywordLine {
        text: format!("Subject: {}", patch.mail.subject),
        in_diff: false,
    });
    for l in patch.message.lines() {
        lines.push(KeywordLine {
            text: l.to_string(),
            in_diff: false,
        });
    }
    for f in &patch.diff {
        for p in [&f.old_path, &f.new_path].into_iter().flatten() {
            files.push(p.clone());
        }
        for h in &f.hunks {
            for l in &h.lines {
                let mark = match l.kind {
                    LineKind::Add => '+',
                    LineKind::Remove => '-',
                    LineKind::Context => continue,
                };
                lines.push(KeywordLine {
                    text: format!("{mark}{}", l.text.as_str()),
                    in_diff: true,
                });
            }
        }
    }
    files.sort();
    files.dedup();
    PatchScan {
        files,
        keyword_lines: lines,
    }
}

/// `+++ FILE`, and for Linux `--- FILE` too.
fn header_file(line: &str, linux: bool) -> Option<&str> {
    let rest = line
        .strip_prefix("+++")
        .or_else(|| line.strip_prefix("---").filter(|_| linux))?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    rest.split_whitespace().next()
}

fn strip_first_component(name: &str) -> String {
    match name.find('/') {
        Some(i) => name[i + 1..].to_string(),
        None => name.to_string(),
    }
}

fn mode_change(rest: &str) -> Option<&str> {
    let mut it = rest.split(' ');
    let a = it.next()?;
    let arrow = it.next()?;
    let b = it.next()?;
    let file = it.next()?;
    let octal = |s: &str| !s.is_empty() && s.bytes().all(|c| (b'0'..=b'7').contains(&c));
    (octal(a) && arrow == "=>" && octal(b) && !file.is_empty() && it.all(|s| s.is_empty()))
        .then_some(file)
}

fn diff_git(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("diff --git a/")?;
    let rest = rest.trim_end();
    let (a, b) = rest.split_once(" b/")?;
    (!a.is_empty() && !a.contains(char::is_whitespace) && !b.contains(char::is_whitespace))
        .then_some((a, b))
}

fn is_fixes(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("Fixes:") else {
        return false;
    };
    if !rest.starts_with(char::is_whitespace) {
        return false;
    }
    rest.trim_start()
        .bytes()
        .take_while(u8::is_ascii_hexdigit)
        .count()
        >= 6
}

fn hunk_header(line: &str) -> bool {
    let rest = &line[4..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0
        && rest[digits..].starts_with(',')
        && rest[digits + 1..].starts_with(|c: char| c.is_ascii_digit())
}
