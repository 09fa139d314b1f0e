//! The interdiff of a changed pair in `git range-diff`'s manner: the diff between the two
//! patches as range-diff writes them, indented four spaces, each hunk headed by `@@` and
//! the nearest section line above it (a ` ## … ##` part or an `@@ file: function` line).

use super::pairing::RangeText;
use similar::{ChangeTag, TextDiff};

/// The section a line names, as range-diff's section pattern reads it.
fn section(line: &str) -> Option<&str> {
    if let Some(s) = line
        .strip_prefix(" ## ")
        .and_then(|s| s.strip_suffix(" ##"))
    {
        return Some(s);
    }
    let rest = line.strip_prefix("@@ ").or_else(|| {
        let mut chars = line.chars();
        chars.next()?;
        chars.as_str().strip_prefix("@@ ")
    })?;
    Some(rest)
}

/// The interdiff text (empty when the two are equal).
pub fn interdiff(old: &RangeText, new: &RangeText) -> String {
    let d = TextDiff::from_lines(&old.text, &new.text);
    let old_lines: Vec<&str> = old.text.lines().collect();
    let mut out = String::new();
    for group in d.grouped_ops(3) {
        let first = group.first().map_or(0, |op| op.old_range().start);
        let heading = old_lines[..first.min(old_lines.len())]
            .iter()
            .rev()
            .find_map(|l| section(l));
        match heading {
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

    fn text(head: &str, diff: &str) -> RangeText {
        RangeText {
            text: format!("{head}{diff}"),
            diff_offset: head.len(),
            diffsize: 0,
        }
    }

    #[test]
    fn shows_the_changed_diff_line_under_its_file() {
        let head = " ## Metadata ##\nAuthor: A <a@x>\n\n ## Commit message ##\n    t\n\n";
        // The hunk's context starts below ` ## f.c ##`, so that is its section.
        let old = text(head, " ## f.c ##\n@@ f.c: f\n 1\n 2\n 3\n 4\n+a\n");
        let new = text(head, " ## f.c ##\n@@ f.c: f\n 1\n 2\n 3\n 4\n+b\n");
        let out = interdiff(&old, &new);
        assert!(out.starts_with("    @@ f.c: f\n"), "{out}");
        assert!(out.contains("    -+a\n    ++b\n"), "{out}");
        assert_eq!(interdiff(&old, &old), "");
    }

    #[test]
    fn sections_are_parts_and_hunk_lines() {
        assert_eq!(section(" ## Commit message ##"), Some("Commit message"));
        assert_eq!(
            section("@@ f.c: int main(void)"),
            Some("f.c: int main(void)")
        );
        assert_eq!(section(" @@ f.c: x"), Some("f.c: x"));
        assert_eq!(section("+a"), None);
        assert_eq!(section(""), None);
    }
}
