//! Style rules: the commit message (subject form, long lines, no description, version
//! history, diff-like and `#` lines, commit references, encoding) and the added lines of the
//! diff (trailing whitespace, indentation per profile, line length, newline at end of file,
//! executable source files, MAINTAINERS).

use super::util::{self};
use crate::patch::{FileStatus, LineKind};
use crate::policy::Severity;
use crate::policy::engine::Ctx;
use crate::policy::profile::Indent;
use regex::Regex;
use std::sync::LazyLock;

static SUBSYSTEM: LazyLock<Regex> = LazyLock::new(|| util::re(r"^[\w./+-]+(?:,\s*[\w./+-]+)*: \S"));
static VERSION_LOG: LazyLock<Regex> =
    LazyLock::new(|| util::re(r"(?i)^(?:v\d+\s*[:\->]|changes (?:since|in|from) v\d)"));
static DIFF_IN_LOG: LazyLock<Regex> =
    LazyLock::new(|| util::re(r"^\s*(?:--- a/|\+\+\+ b/|@@ -\d+,\d+ \+\d+,\d+ @@)"));
static COMMIT_REF: LazyLock<Regex> =
    LazyLock::new(|| util::re(r"(?i)\bcommit[ \t]+[0-9a-f]{5,}\b"));
static COMMIT_REF_GOOD: LazyLock<Regex> =
    LazyLock::new(|| util::re(r#"^commit [0-9a-f]{12,40} \("(?:[^"\n]+"\)|[^"\n]*$)"#));
static COMMIT_REF_EXEMPT: LazyLock<Regex> = LazyLock::new(|| {
    util::re(r"(?i)(?:upstream commit|reverts commit|cherry picked from commit)[ \t]+[0-9a-f]{5,}")
});
static TOOL_SUBJ: LazyLock<Regex> =
    LazyLock::new(|| util::re(r"(?i)\b(?:checkpatch|sparse|smatch)\b[^:]"));
static URL: LazyLock<Regex> = LazyLock::new(|| util::re(r"[a-z]+://\S"));

/// Files whose lines count as code for length and indentation.
const CODE_EXT: &[&str] = &[
    "c", "h", "cc", "cpp", "cxx", "hpp", "inc", "rs", "py", "pl", "sh", "m", "S", "s", "dts",
    "dtsi", "decode", "json", "awk",
];
/// C-family sources: QEMU's hard line limit applies to these.
const C_FAMILY: &[&str] = &["c", "h", "cc", "cpp", "cxx", "hpp", "inc", "rs"];
/// Sources QEMU's checkpatch checks for tabs (`$SrcFile`, without assembler).
const NO_TABS_EXT: &[&str] = &["c", "h", "cc", "cpp", "cxx", "hpp", "inc", "rs", "py", "sh"];

/// Files imported from other projects keep their own style (QEMU's Linux headers).
fn imported(path: &str) -> bool {
    path.starts_with("linux-headers/") || path.starts_with("include/standard-headers/")
}

/// Source extensions that should never be executable.
const NO_EXEC_EXT: &[&str] = &[
    "c", "h", "cc", "cpp", "cxx", "hpp", "inc", "rs", "S", "s", "dts", "dtsi", "json", "rst", "md",
    "txt", "yaml", "yml",
];

pub fn check_message(ctx: &mut Ctx<'_>) {
    subject(ctx);
    let max = ctx.profile.params.commit_line_max;
    let body: Vec<(usize, &str)> = ctx.body().collect();
    if !body.iter().any(|(_, l)| !l.trim().is_empty())
        && !ctx.patch.subject.title.starts_with("Revert")
    {
        let loc = ctx.at_title(0, ctx.patch.subject.title.len());
        ctx.emit(
            "style-msg-no-body",
            loc,
            "Missing commit description - say why, not only what",
        );
    }
    let mut in_quote = false;
    for (i, line) in body {
        let quoted = util::is_quoted(line);
        if line.trim().is_empty() {
            in_quote = false;
        }
        if VERSION_LOG.is_match(line) {
            let loc = ctx.at_message_line(i);
            ctx.emit(
                "style-version-in-log",
                loc,
                "Patch version information should be after the --- line",
            );
        }
        if DIFF_IN_LOG.is_match(line) {
            let loc = ctx.at_message_line(i);
            ctx.emit(
                "style-msg-diff",
                loc,
                "Avoid using diff content in the commit message - patch(1) might not work",
            );
        }
        if line.starts_with('#') {
            ctx.emit(
                "style-msg-hash-line",
                ctx.at_message(i, 0, 1),
                "Commit log lines starting with '#' are dropped by git as comments",
            );
        }
        let width = line.chars().count();
        if width > max && !quoted && !in_quote && !long_line_exempt(line) {
            let start = line.char_indices().nth(max).map_or(line.len(), |(b, _)| b);
            let loc = ctx.at_message(i, start, line.len());
            ctx.emit(
                "style-msg-long",
                loc,
                format!("commit message line of {width} characters; wrap at {max}"),
            );
        }
        if !quoted {
            for m in COMMIT_REF.find_iter(line) {
                if !COMMIT_REF_GOOD.is_match(&line[m.start()..])
                    && !COMMIT_REF_EXEMPT.is_match(line)
                {
                    let loc = ctx.at_message(i, m.start(), m.end());
                    ctx.emit(
                        "style-msg-commit-ref",
                        loc,
                        "Please use git commit description style 'commit <12+ chars of sha1> (\"<title line>\")'",
                    );
                }
            }
        }
        if quoted {
            in_quote = true;
        }
    }
    if let Some(w) = ctx.patch.mail.warnings.iter().find(|w| {
        let l = w.to_lowercase();
        l.contains("utf") || l.contains("charset") || l.contains("encod")
    }) {
        let w = w.clone();
        let loc = ctx.at_header("Content-Type");
        ctx.emit(
            "style-msg-utf8",
            loc,
            format!("Invalid UTF-8 or charset: {w}"),
        );
    }
}

fn long_line_exempt(line: &str) -> bool {
    let t = line.trim();
    URL.is_match(line)
        || t.contains(" | ")
        || t.starts_with('[')
        || t.split_whitespace().count() <= 1
        || line.starts_with(' ')
}

fn subject(ctx: &mut Ctx<'_>) {
    let title = ctx.patch.subject.title.clone();
    if title.is_empty() {
        return;
    }
    let special = title.starts_with("Revert \"")
        || title.starts_with("Merge ")
        || title.starts_with("Update version");
    if !special && !SUBSYSTEM.is_match(&title) {
        let end = title.find(' ').unwrap_or(title.len());
        let loc = ctx.at_title(0, end);
        ctx.emit(
            "style-msg-subj",
            loc,
            "subject should read 'subsystem: summary'",
        );
    }
    if title.ends_with('.') && !title.ends_with("...") {
        let loc = ctx.at_title(title.len() - 1, title.len());
        ctx.emit_at(
            "style-msg-subj",
            |_| Severity::Info,
            loc,
            "subject should not end with a full stop",
        );
    }
    let max = ctx.profile.params.subject_max;
    let n = title.chars().count();
    if n > max {
        let start = title
            .char_indices()
            .nth(max)
            .map_or(title.len(), |(b, _)| b);
        let loc = ctx.at_title(start, title.len());
        ctx.emit(
            "style-msg-subj",
            loc,
            format!("subject of {n} characters; keep it under {max}"),
        );
    }
    if let Some(m) = TOOL_SUBJ.find(&title) {
        let loc = ctx.at_title(m.start(), m.end());
        ctx.emit(
            "style-msg-tool-subj",
            loc,
            "A patch subject line should describe the change not the tool that found it",
        );
    }
}

/// Display width with tabs to the next multiple of 8.
fn width(text: &str) -> usize {
    let mut w = 0;
    for c in text.chars() {
        if c == '\t' {
            w = (w / 8 + 1) * 8;
        } else {
            w += 1;
        }
    }
    w
}

fn is_makefile(path: &str) -> bool {
    let b = util::basename(path);
    b.starts_with("Makefile")
        || b.starts_with("GNUmakefile")
        || b.starts_with("Kbuild")
        || b.starts_with("Kconfig")
        || util::ext(path) == "mak"
        || util::ext(path) == "mk"
}

pub fn check_diff(ctx: &mut Ctx<'_>) {
    let p = ctx.patch;
    let params = &ctx.profile.params;
    let (warn, error) = (params.code_line_warn, params.code_line_error);
    let indent = params.indent;
    let mut structural = false;
    let mut touches_maintainers = false;
    for f in &p.diff {
        let path = f.path();
        if util::basename(path) == "MAINTAINERS" {
            touches_maintainers = true;
        }
        if matches!(
            f.status,
            FileStatus::Added | FileStatus::Deleted | FileStatus::Renamed
        ) {
            structural = true;
        }
        let ext = util::ext(path);
        let exec_new = f.new_mode == Some(0o100755) && f.old_mode != Some(0o100755);
        if exec_new && NO_EXEC_EXT.contains(&ext) && !path.starts_with("scripts/") {
            let loc = ctx.at_diff(path, 0, 0, 0);
            ctx.emit(
                "style-exec-perm",
                loc,
                format!("do not set execute permissions for source files ({path})"),
            );
        }
        if f.binary {
            continue;
        }
        let code = CODE_EXT.contains(&ext);
        let asm = matches!(ext, "S" | "s");
        let makefile = is_makefile(path);
        let no_tabs = NO_TABS_EXT.contains(&ext) && !imported(path);
        let c_family = C_FAMILY.contains(&ext);
        let data = matches!(
            ext,
            "patch" | "diff" | "tsv" | "csv" | "out" | "txt" | "bin" | "ref" | "expected"
        ) || path.contains("/data/");
        for h in &f.hunks {
            for l in &h.lines {
                if l.kind != LineKind::Add {
                    continue;
                }
                let n = l.new.unwrap_or(0);
                let t = l.text.as_str();
                let trimmed = t.trim_end_matches([' ', '\t', '\r']);
                if trimmed.len() != t.len() && !data {
                    let what = if t.ends_with('\r') {
                        "DOS line ending"
                    } else {
                        "trailing whitespace"
                    };
                    let loc = ctx.at_diff(path, n, trimmed.len(), t.len());
                    ctx.emit("style-ws-trailing", loc, what);
                }
                let lead_len = t.len() - t.trim_start_matches([' ', '\t']).len();
                let lead = &t[..lead_len];
                if code && !makefile && !data && !t.trim().is_empty() {
                    match indent {
                        Indent::Spaces if !asm && no_tabs && lead.contains('\t') => {
                            let loc = ctx.at_diff(path, n, 0, lead_len);
                            ctx.emit("style-ws-tabs", loc, "code indent should never use tabs");
                        }
                        Indent::Tabs
                            if matches!(ext, "c" | "h" | "dts" | "dtsi")
                                && lead.contains("        ") =>
                        {
                            let loc = ctx.at_diff(path, n, 0, lead_len);
                            ctx.emit(
                                "style-ws-tabs",
                                loc,
                                "code indent should use tabs where possible",
                            );
                        }
                        _ => {}
                    }
                }
                if code && !data && !imported(path) {
                    let w = width(t);
                    if w > warn && !length_exempt(t) {
                        let start = t
                            .char_indices()
                            .nth(warn.saturating_sub(lead.matches('\t').count() * 7))
                            .map_or(t.len(), |(b, _)| b)
                            .min(t.len());
                        let loc = ctx.at_diff(path, n, start, t.len());
                        let over_error = c_family && error.is_some_and(|e| w > e);
                        let limit = if over_error {
                            error.unwrap_or(warn)
                        } else {
                            warn
                        };
                        ctx.emit_at(
                            "style-len-code",
                            |s| {
                                if over_error && s >= Severity::Warning {
                                    Severity::Error
                                } else {
                                    s
                                }
                            },
                            loc,
                            format!("line length of {w} exceeds {limit} columns"),
                        );
                    }
                }
                if l.no_newline {
                    let loc = ctx.at_diff(path, n, t.len(), t.len());
                    ctx.emit(
                        "style-eof-newline",
                        loc,
                        "adding a line without newline at end of file",
                    );
                }
            }
        }
    }
    if structural
        && !touches_maintainers
        && let Some(f) = p.diff.iter().find(|f| {
            matches!(
                f.status,
                FileStatus::Added | FileStatus::Deleted | FileStatus::Renamed
            )
        })
    {
        let path = f.path().to_string();
        let loc = ctx.at_diff(&path, 0, 0, 0);
        ctx.emit(
            "style-maintainers",
            loc,
            "added, moved or deleted file(s), does MAINTAINERS need updating?",
        );
    }
}

/// Lines that are only a string or a URL may run long.
fn length_exempt(t: &str) -> bool {
    let s = t.trim().trim_end_matches([',', ';', ')']);
    (s.starts_with('"') && s.ends_with('"')) || URL.is_match(t) && !s.contains(' ')
}

#[cfg(test)]
mod tests {
    use crate::policy::testutil::{PatchBuilder, SIGNED, check, rules_of};
    use crate::policy::{Part, Severity};

    fn diff(profile: &str, path: &str, lines: &[&str]) -> Vec<crate::policy::Finding> {
        check(
            &PatchBuilder::new("hw: x", SIGNED)
                .diff_modify(path, lines)
                .build(),
            profile,
        )
    }

    fn get<'a>(f: &'a [crate::policy::Finding], rule: &str) -> Option<&'a crate::policy::Finding> {
        f.iter().find(|f| f.rule == rule)
    }

    #[test]
    fn trailing_whitespace_is_located_exactly() {
        let f = diff("qemu", "hw/a.c", &["int x;", "int y;  ", "int z;\r"]);
        let w: Vec<_> = f.iter().filter(|f| f.rule == "style-ws-trailing").collect();
        assert_eq!(w.len(), 2);
        assert_eq!(
            (
                w[0].location.part,
                w[0].location.line,
                w[0].location.start,
                w[0].location.end
            ),
            (Part::Diff, 2, 6, 8)
        );
        assert_eq!(w[0].location.file.as_deref(), Some("hw/a.c"));
        assert!(w[1].message.contains("DOS"));
        assert!(get(&diff("qemu", "hw/a.c", &["int x;"]), "style-ws-trailing").is_none());
    }

    #[test]
    fn indentation_per_profile() {
        assert!(get(&diff("qemu", "hw/a.c", &["\tint x;"]), "style-ws-tabs").is_some());
        assert!(get(&diff("qemu", "hw/a.c", &["    int x;"]), "style-ws-tabs").is_none());
        assert!(get(&diff("qemu", "hw/Makefile", &["\t$(CC)"]), "style-ws-tabs").is_none());
        assert!(
            get(
                &diff("linux", "drivers/a.c", &["        int x;"]),
                "style-ws-tabs"
            )
            .is_some()
        );
        assert!(
            get(
                &diff("linux", "drivers/a.c", &["\tint x;"]),
                "style-ws-tabs"
            )
            .is_none()
        );
        assert!(get(&diff("generic", "a.c", &["\tint x;"]), "style-ws-tabs").is_none());
    }

    #[test]
    fn imported_headers_and_perl_keep_their_tabs() {
        assert!(
            get(
                &diff("qemu", "linux-headers/linux/vfio.h", &["\tint x;"]),
                "style-ws-tabs"
            )
            .is_none()
        );
        assert!(
            get(
                &diff("qemu", "include/standard-headers/linux/a.h", &["\tint x;"]),
                "style-ws-tabs"
            )
            .is_none()
        );
        assert!(
            get(
                &diff("qemu", "scripts/checkpatch.pl", &["\tmy $x;"]),
                "style-ws-tabs"
            )
            .is_none()
        );
    }

    #[test]
    fn hard_limit_is_for_c_family_only() {
        let l95 = format!("    x = {}", "a".repeat(90));
        assert_eq!(
            get(&diff("qemu", "tests/a.py", &[&l95]), "style-len-code").map(|f| f.severity),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn line_length_per_profile() {
        let l85 = format!("    x = {};", "a".repeat(75));
        let l95 = format!("    x = {};", "a".repeat(85));
        assert_eq!(
            get(&diff("qemu", "a.c", &[&l85]), "style-len-code").map(|f| f.severity),
            Some(Severity::Warning)
        );
        assert_eq!(
            get(&diff("qemu", "a.c", &[&l95]), "style-len-code").map(|f| f.severity),
            Some(Severity::Error)
        );
        assert!(get(&diff("linux", "a.c", &[&l95]), "style-len-code").is_none());
        let s = format!("    \"{}\"", "a".repeat(100));
        assert!(get(&diff("qemu", "a.c", &[&s]), "style-len-code").is_none());
        assert!(get(&diff("qemu", "README.txt", &[&l95]), "style-len-code").is_none());
    }

    #[test]
    fn eof_newline_and_exec_perm() {
        let p = PatchBuilder::new("hw: x", SIGNED)
            .diff_modify("a.c", &["x;"])
            .no_newline_at_end()
            .build();
        assert!(get(&check(&p, "qemu"), "style-eof-newline").is_some());
        let p = PatchBuilder::new("hw: x", SIGNED)
            .diff_add_mode(
                "hw/a.c",
                &["/* SPDX-License-Identifier: GPL-2.0-or-later */"],
                0o100755,
            )
            .build();
        assert!(get(&check(&p, "qemu"), "style-exec-perm").is_some());
        let s = PatchBuilder::new("hw: x", SIGNED)
            .diff_add_mode(
                "scripts/x.py",
                &[
                    "#!/usr/bin/env python3",
                    "# SPDX-License-Identifier: GPL-2.0-or-later",
                ],
                0o100755,
            )
            .build();
        assert!(get(&check(&s, "qemu"), "style-exec-perm").is_none());
    }

    #[test]
    fn maintainers() {
        let p = PatchBuilder::new("hw: x", SIGNED)
            .diff_add(
                "hw/new.c",
                &["/* SPDX-License-Identifier: GPL-2.0-or-later */"],
            )
            .build();
        assert!(get(&check(&p, "qemu"), "style-maintainers").is_some());
        let p = PatchBuilder::new("hw: x", SIGNED)
            .diff_add(
                "hw/new.c",
                &["/* SPDX-License-Identifier: GPL-2.0-or-later */"],
            )
            .diff_modify("MAINTAINERS", &["F: hw/new.c"])
            .build();
        assert!(get(&check(&p, "qemu"), "style-maintainers").is_none());
    }

    #[test]
    fn subject_rules() {
        let f = check(
            &PatchBuilder::new("Fix the thing.", SIGNED)
                .diff_modify("a.c", &["x;"])
                .build(),
            "qemu",
        );
        let s: Vec<_> = f.iter().filter(|f| f.rule == "style-msg-subj").collect();
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(s[1].severity, Severity::Info);
        let ok = check(
            &PatchBuilder::new("hw/arm/virt: fix the thing", SIGNED)
                .diff_modify("a.c", &["x;"])
                .build(),
            "qemu",
        );
        assert!(get(&ok, "style-msg-subj").is_none());
        let tool = check(
            &PatchBuilder::new("leds: fix sparse warning", SIGNED)
                .diff_modify("a.c", &["x;"])
                .build(),
            "linux",
        );
        assert!(get(&tool, "style-msg-tool-subj").is_some());
        let long = check(
            &PatchBuilder::new(&format!("hw: {}", "word ".repeat(20)), SIGNED)
                .diff_modify("a.c", &["x;"])
                .build(),
            "qemu",
        );
        assert!(
            long.iter()
                .any(|f| f.rule == "style-msg-subj" && f.message.contains("characters"))
        );
    }

    #[test]
    fn message_rules() {
        let long = format!("{}\n", "word ".repeat(18));
        let body = format!(
            "v2: fixed it\n{long}    {long}#include <x.h>\n--- a/foo.c\nSee commit abcdef123456 and commit 0123456789ab (\"good\").\nhttps://example.org/{}\n\nSigned-off-by: A U Thor <a@example.org>\n",
            "x".repeat(90)
        );
        let f = check(
            &PatchBuilder::new("hw: x", &body)
                .diff_modify("a.c", &["x;"])
                .build(),
            "qemu",
        );
        let r = rules_of(&f);
        assert!(r.contains(&"style-version-in-log"));
        assert_eq!(
            f.iter().filter(|f| f.rule == "style-msg-long").count(),
            1,
            "{f:?}"
        );
        assert!(r.contains(&"style-msg-hash-line"));
        assert!(r.contains(&"style-msg-diff"));
        assert_eq!(
            f.iter()
                .filter(|f| f.rule == "style-msg-commit-ref")
                .count(),
            1
        );
        for ok in [
            "[ Upstream commit 0123456789abcdef0123456789abcdef01234567 ]",
            "This reverts commit 0123456789abcdef0123456789abcdef01234567.",
            "Since commit 0123456789ab (\"leds: a title that is long and",
        ] {
            let b = format!("{ok}\n\nSigned-off-by: A U Thor <a@example.org>\n");
            let f = check(
                &PatchBuilder::new("hw: x", &b)
                    .diff_modify("a.c", &["x;"])
                    .build(),
                "linux",
            );
            assert!(get(&f, "style-msg-commit-ref").is_none(), "{ok}");
        }
        let nobody = check(
            &PatchBuilder::new("hw: x", "Signed-off-by: A U Thor <a@example.org>\n")
                .diff_modify("a.c", &["x;"])
                .build(),
            "qemu",
        );
        assert!(get(&nobody, "style-msg-no-body").is_some());
        assert!(
            get(
                &check(
                    &PatchBuilder::new("hw: x", SIGNED)
                        .diff_modify("a.c", &["x;"])
                        .build(),
                    "qemu"
                ),
                "style-msg-no-body"
            )
            .is_none()
        );
    }

    #[test]
    fn encoding_warnings() {
        let p = PatchBuilder::new("hw: x", SIGNED)
            .warning("invalid UTF-8 replaced")
            .diff_modify("a.c", &["x;"])
            .build();
        assert!(get(&check(&p, "qemu"), "style-msg-utf8").is_some());
    }
}
