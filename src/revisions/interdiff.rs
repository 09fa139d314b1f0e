//! The interdiff of a changed pair in `git range-diff`'s manner: the diff between the two
//! patches as range-diff writes them, indented four spaces, each hunk headed by `@@` and
//! the nearest ` ## … ##` section above it.

use super::pairing::RangeText;
use similar::{ChangeTag, TextDiff};

/// The interdiff text (empty when the two are equal).
pub fn interdiff(old: &RangeText, new: &RangeText) -> String {
    let a = format!("{}{}", old.head, old.diff);
    let b = format!("{}{}", new.head, new.diff);
    let d = TextDiff::from_lines(&a, &b);
    let old_lines: Vec<&str> = a.lines().collect();
    let mut out = String::new();
    for group in d.grouped_ops(3) {
        let first = group.first().map(|op| op.old_range().start).unwrap_or(0);
        let section = old_lines[..first.min(old_lines.len())]
            .iter()
            .rev()
            .find_map(|l| l.strip_prefix(" ## ").and_then(|s| s.strip_suffix(" ##")));
        match section {
            Some(s) => out.push_str(&format!("    @@ {s}\n")),
            None => out.push_str("    @@\n"),
        }
        for op in &group {
            for c in d.iter_changes(op) {
                let sign = match c.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                let line = c.value().trim_end_matches('\n');
                out.push_str(&format!("    {sign}{line}\n"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_the_changed_diff_line_under_its_file() {
        let old = RangeText {
            head: " ## Commit message ##\n    t\n".into(),
            diff: "\n ## f.c ##\n@@\n+a\n".into(),
            diffsize: 3,
        };
        let mut new = old.clone();
        new.diff = "\n ## f.c ##\n@@\n+b\n".into();
        let text = interdiff(&old, &new);
        assert!(text.contains("    @@ f.c\n"), "{text}");
        assert!(text.contains("    -+a\n    ++b\n"), "{text}");
        assert_eq!(interdiff(&old, &old), "");
    }
}
