//! Licence rules: an SPDX-License-Identifier at the top of new files (R13), licences the
//! profile allows or prefers, the comment style Linux wants, other `SPDX-*` tags (R13b) and
//! licence boilerplate (including the FSF postal address) in new files.

use super::util;
use crate::patch::{FileStatus, LineKind};
use crate::policy::Severity;
use crate::policy::engine::Ctx;
use regex::Regex;
use std::sync::LazyLock;

static SPDX: LazyLock<Regex> =
    LazyLock::new(|| util::re(r"SPDX-License-Identifier:[ \t]*(?P<expr>.*?)[ \t]*(?:\*/)?[ \t]*$"));
static SPDX_OTHER: LazyLock<Regex> = LazyLock::new(|| util::re(r"(SPDX-[A-Za-z0-9_-]+):"));
const FSF_ADDRESS: &[&str] = &[
    "write to the Free",
    "675 Mass Ave",
    "59 Temple Pl",
    "51 Franklin St",
];
const BOILERPLATE: &[&str] = &[
    "This program is free software",
    "is free software; you can redistribute it",
    "Permission is hereby granted, free of charge",
    "under the terms of the GNU General Public License",
    "under the terms of the GNU Lesser General Public",
];
/// Files that carry no licence line.
fn exempt(path: &str) -> bool {
    let b = util::basename(path);
    let e = util::ext(path);
    b.starts_with('.')
        || matches!(
            b,
            "MAINTAINERS" | "COPYING" | "LICENSE" | "README" | "series"
        )
        || matches!(
            e,
            "txt"
                | "md"
                | "csv"
                | "tsv"
                | "out"
                | "ref"
                | "bin"
                | "png"
                | "svg"
                | "patch"
                | "diff"
                | "expected"
                | "snap"
        )
        || path.contains("/data/")
        || path.starts_with("LICENSES/")
}

pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.patch;
    for f in &p.diff {
        if f.binary {
            continue;
        }
        let path = f.path();
        let added: Vec<(u32, &str)> = f
            .hunks
            .iter()
            .flat_map(|h| h.lines.iter())
            .filter(|l| l.kind == LineKind::Add)
            .map(|l| (l.new.unwrap_or(0), l.text.as_str()))
            .collect();
        for (n, t) in &added {
            if let Some(c) = SPDX.captures(t)
                && let Some(m) = c.name("expr")
            {
                licence_ids(ctx, path, *n, m.start(), m.as_str());
            }
            for c in SPDX_OTHER.captures_iter(t) {
                let Some(m) = c.get(1) else { continue };
                if m.as_str() != "SPDX-License-Identifier" {
                    let loc = ctx.at_diff(path, *n, m.start(), m.end());
                    ctx.emit(
                        "license-spdx-other",
                        loc,
                        format!(
                            "'{}' is not accepted: use SPDX-License-Identifier only",
                            m.as_str()
                        ),
                    );
                }
            }
        }
        if f.status != FileStatus::Added || added.is_empty() || exempt(path) {
            continue;
        }
        new_file(ctx, path, &added);
    }
}

fn new_file(ctx: &mut Ctx<'_>, path: &str, added: &[(u32, &str)]) {
    let params = &ctx.profile.params;
    let ext = util::ext(path).to_string();
    let base = util::basename(path);
    let required = params.spdx_required_ext.contains(&ext)
        || params
            .spdx_required_names
            .iter()
            .any(|n| base.starts_with(n.as_str()));
    let spdx_at = added
        .iter()
        .take(5)
        .position(|(_, t)| t.contains("SPDX-License-Identifier:"));
    let shebang = added.first().is_some_and(|(_, t)| t.starts_with("#!"));
    let expected_line = if shebang { 2 } else { 1 };
    match spdx_at {
        None => {
            let loc = ctx.at_diff(path, 1, 0, added.first().map_or(0, |(_, t)| t.len()));
            ctx.emit_at(
                "license-spdx-missing",
                |s| {
                    if required || s < Severity::Error {
                        s
                    } else {
                        Severity::Warning
                    }
                },
                loc,
                format!("New file '{path}' requires 'SPDX-License-Identifier'"),
            );
        }
        Some(i) => {
            let (n, t) = added[i];
            if !ctx.profile.params.spdx_comment_style.is_empty() && i + 1 != expected_line {
                let loc = ctx.at_diff(path, n, 0, t.len());
                ctx.emit(
                    "license-spdx-missing",
                    loc,
                    format!(
                        "Missing or malformed SPDX-License-Identifier tag in line {expected_line}"
                    ),
                );
            }
            if let Some(style) = ctx.profile.params.spdx_comment_style.get(&ext).cloned()
                && !t.trim_start().starts_with(style.as_str())
            {
                let loc = ctx.at_diff(path, n, 0, t.len());
                ctx.emit(
                    "license-spdx-style",
                    loc,
                    format!(
                        "Improper SPDX comment style for '{path}', please use '{style}' instead"
                    ),
                );
            }
        }
    }
    let all = ctx.profile.params.boilerplate_all;
    for (n, t) in added.iter().take(60) {
        let hit = FSF_ADDRESS
            .iter()
            .chain(if all { BOILERPLATE } else { &[] })
            .find_map(|p| t.find(p).map(|s| (s, s + p.len())));
        if let Some((s, e)) = hit {
            let loc = ctx.at_diff(path, *n, s, e);
            ctx.emit(
                "license-boilerplate",
                loc,
                "licence boilerplate in a new file: use an SPDX-License-Identifier line instead",
            );
            break;
        }
    }
}

/// True when the text after `SPDX-License-Identifier:` looks like a licence expression
/// (and not code that mentions the tag, as checkpatch itself does).
fn is_expression(expr: &str) -> bool {
    !expr.is_empty()
        && expr.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '(' | ')' | ' ' | ':')
        })
}

fn licence_ids(ctx: &mut Ctx<'_>, path: &str, line: u32, offset: usize, expr: &str) {
    if !is_expression(expr) {
        return;
    }
    let params = &ctx.profile.params;
    if params.spdx_allowed.is_empty() && params.spdx_preferred.is_none() {
        return;
    }
    let preferred = params.spdx_preferred.clone();
    let allowed = params.spdx_allowed.clone();
    let mut pos = 0;
    for tok in expr.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
        let start = expr[pos..].find(tok).map_or(pos, |i| pos + i);
        pos = start + tok.len();
        if tok.is_empty() || matches!(tok, "OR" | "AND" | "WITH" | "or" | "and" | "with") {
            continue;
        }
        if tok.ends_with("-exception")
            || tok.ends_with("-note")
                && allowed.iter().all(|a| a != tok)
                && tok.contains("exception")
        {
            continue;
        }
        let is_pref = preferred.as_deref() == Some(tok);
        let is_allowed = allowed.iter().any(|a| a == tok);
        let loc = ctx.at_diff(path, line, offset + start, offset + pos);
        if !is_pref && !is_allowed {
            ctx.emit(
                "license-spdx-license",
                loc,
                format!("licence '{tok}' is not one the project accepts"),
            );
        } else if !is_pref && let Some(p) = &preferred {
            ctx.emit_at(
                "license-spdx-license",
                |s| s.min(Severity::Warning),
                loc,
                format!("licence '{tok}' is accepted, but '{p}' is preferred for new code"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::Severity;
    use crate::policy::testutil::{PatchBuilder, SIGNED, check};

    fn new_file(profile: &str, path: &str, lines: &[&str]) -> Vec<crate::policy::Finding> {
        check(
            &PatchBuilder::new("hw: x", SIGNED)
                .diff_add(path, lines)
                .diff_modify("MAINTAINERS", &["F: x"])
                .build(),
            profile,
        )
    }

    fn get<'a>(f: &'a [crate::policy::Finding], rule: &str) -> Option<&'a crate::policy::Finding> {
        f.iter().find(|f| f.rule == rule)
    }

    #[test]
    fn spdx_missing() {
        let f = new_file("qemu", "hw/new.c", &["/* a device */", "int x;"]);
        assert_eq!(
            get(&f, "license-spdx-missing").map(|f| f.severity),
            Some(Severity::Error)
        );
        let f = new_file("qemu", "docs/new.rst", &["A doc", "====="]);
        assert_eq!(
            get(&f, "license-spdx-missing").map(|f| f.severity),
            Some(Severity::Warning)
        );
        let ok = new_file(
            "qemu",
            "hw/new.c",
            &["/*", " * SPDX-License-Identifier: GPL-2.0-or-later", " */"],
        );
        assert!(get(&ok, "license-spdx-missing").is_none(), "{ok:?}");
        assert!(
            get(
                &new_file("qemu", "tests/data/x.bin", &["x"]),
                "license-spdx-missing"
            )
            .is_none()
        );
        // Modified files are not asked for one.
        let m = check(
            &PatchBuilder::new("hw: x", SIGNED)
                .diff_modify("hw/old.c", &["int x;"])
                .build(),
            "qemu",
        );
        assert!(get(&m, "license-spdx-missing").is_none());
    }

    #[test]
    fn linux_position_and_style() {
        let good = new_file(
            "linux",
            "drivers/leds/x.c",
            &["// SPDX-License-Identifier: GPL-2.0-only", "int x;"],
        );
        assert!(
            get(&good, "license-spdx-style").is_none()
                && get(&good, "license-spdx-missing").is_none(),
            "{good:?}"
        );
        let style = new_file(
            "linux",
            "drivers/leds/x.c",
            &["/* SPDX-License-Identifier: GPL-2.0-only */"],
        );
        assert!(get(&style, "license-spdx-style").is_some());
        let pos = new_file(
            "linux",
            "drivers/leds/x.c",
            &["/*", "// SPDX-License-Identifier: GPL-2.0-only"],
        );
        assert!(get(&pos, "license-spdx-missing").is_some_and(|f| f.message.contains("line 1")));
        let sh = new_file(
            "linux",
            "tools/x.sh",
            &["#!/bin/sh", "# SPDX-License-Identifier: GPL-2.0"],
        );
        assert!(
            get(&sh, "license-spdx-missing").is_none() && get(&sh, "license-spdx-style").is_none(),
            "{sh:?}"
        );
    }

    #[test]
    fn licences_allowed_and_preferred() {
        let f = new_file(
            "qemu",
            "hw/x.c",
            &["/* SPDX-License-Identifier: GPL-3.0-or-later */"],
        );
        let x = get(&f, "license-spdx-license").expect("not allowed");
        assert_eq!(x.severity, Severity::Error);
        let (s, e) = (x.location.start, x.location.end);
        assert_eq!(
            &"/* SPDX-License-Identifier: GPL-3.0-or-later */"[s..e],
            "GPL-3.0-or-later"
        );
        let f = new_file("qemu", "hw/x.c", &["/* SPDX-License-Identifier: MIT */"]);
        assert_eq!(
            get(&f, "license-spdx-license").map(|f| f.severity),
            Some(Severity::Warning)
        );
        let f = new_file(
            "qemu",
            "hw/x.c",
            &["/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */"],
        );
        assert_eq!(
            f.iter()
                .filter(|f| f.rule == "license-spdx-license")
                .count(),
            1
        );
        let ok = new_file(
            "qemu",
            "hw/x.c",
            &["/* SPDX-License-Identifier: GPL-2.0-or-later */"],
        );
        assert!(get(&ok, "license-spdx-license").is_none());
    }

    #[test]
    fn code_that_mentions_the_tag_is_not_a_licence() {
        let f = new_file(
            "qemu",
            "scripts/x.py",
            &[
                "# SPDX-License-Identifier: GPL-2.0-or-later",
                "    out('// SPDX-License-Identifier: GPL-2.0-or-later',",
            ],
        );
        assert!(get(&f, "license-spdx-license").is_none(), "{f:?}");
    }

    #[test]
    fn other_tags_and_boilerplate() {
        let f = new_file(
            "qemu",
            "hw/x.c",
            &[
                "/* SPDX-License-Identifier: GPL-2.0-or-later */",
                "/* SPDX-FileCopyrightText: 2025 Me */",
            ],
        );
        assert!(get(&f, "license-spdx-other").is_some());
        let b = new_file(
            "qemu",
            "hw/x.c",
            &[
                "/* SPDX-License-Identifier: GPL-2.0-or-later */",
                " * This program is free software; you can redistribute it",
            ],
        );
        assert!(get(&b, "license-boilerplate").is_some());
        let l = new_file(
            "linux",
            "drivers/x.c",
            &[
                "// SPDX-License-Identifier: GPL-2.0",
                " * This program is free software; you can redistribute it",
            ],
        );
        assert!(get(&l, "license-boilerplate").is_none());
        let fsf = new_file(
            "linux",
            "drivers/x.c",
            &[
                "// SPDX-License-Identifier: GPL-2.0",
                " * 51 Franklin St, Fifth Floor",
            ],
        );
        assert!(get(&fsf, "license-boilerplate").is_some());
    }
}
