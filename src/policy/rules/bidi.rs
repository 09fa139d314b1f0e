//! The Trojan Source rule: bidirectional embedding, override and isolate controls
//! (U+202A–U+202E, U+2066–U+2069) in the commit message or in a diff's added lines, where they
//! can make code or text read differently from what it does (CVE-2021-42574).

use crate::policy::engine::Ctx;
use crate::safe;

/// Rule id in the catalogue.
pub const RULE: &str = "style-bidi-control";

fn message(c: char) -> String {
    format!(
        "bidirectional control {} can make this read differently from what it is",
        safe::notation(c)
    )
}

/// One finding for each line that holds a bidi control, at the first one.
pub fn check(ctx: &mut Ctx<'_>) {
    if !ctx.on(RULE) {
        return;
    }
    let mut found = Vec::new();
    for (i, line) in ctx.lines.iter().enumerate() {
        if let Some((at, c)) = safe::bidi_controls(line).next() {
            found.push((ctx.at_message(i, at, at + c.len_utf8()), c));
        }
    }
    for f in &ctx.patch.diff {
        if f.binary {
            continue;
        }
        for h in &f.hunks {
            for l in h
                .lines
                .iter()
                .filter(|l| l.kind == crate::patch::LineKind::Add)
            {
                if let Some((at, c)) = safe::bidi_controls(&l.text).next() {
                    let n = l.new.unwrap_or(0);
                    found.push((ctx.at_diff(f.path(), n, at, at + c.len_utf8()), c));
                }
            }
        }
    }
    for (loc, c) in found {
        ctx.emit(RULE, loc, message(c));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::policy::testutil::{PatchBuilder, SIGNED, check};
    use crate::policy::{Part, Severity};

    #[test]
    fn a_warning_in_every_profile_for_added_lines_and_the_message() {
        let body = "Explain \u{2066}why\u{2069}.\n\nSigned-off-by: A U Thor <a@example.org>\n";
        let p = PatchBuilder::new("hw: x", body)
            .diff_modify("a.c", &["if (ok) /*\u{202e} } \u{2066}*/ {", "plain;"])
            .build();
        for profile in ["generic", "qemu", "linux"] {
            let f: Vec<_> = check(&p, profile)
                .into_iter()
                .filter(|f| f.rule == RULE)
                .collect();
            assert_eq!(f.len(), 2, "{profile}: {f:?}");
            assert!(f.iter().all(|f| f.severity == Severity::Warning));
            let diff = f.iter().find(|f| f.location.part == Part::Diff).unwrap();
            assert_eq!(diff.location.file.as_deref(), Some("a.c"));
            assert_eq!(diff.location.start, "if (ok) /*".len());
            assert!(diff.message.contains("\\u202e"));
            let msg = f.iter().find(|f| f.location.part == Part::Message).unwrap();
            assert_eq!(msg.location.line, 3);
            assert_eq!(msg.location.start, "Explain ".len());
        }
    }

    #[test]
    fn removed_lines_and_plain_text_are_quiet() {
        let clean = PatchBuilder::new("hw: x", SIGNED)
            .diff_modify("a.c", &["x; // naïve → fine"])
            .build();
        assert!(check(&clean, "qemu").iter().all(|f| f.rule != RULE));
    }
}
