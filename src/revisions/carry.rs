//! Findings carried across versions: for a pair of patches, which findings are new in the
//! newer, fixed (only in the older) or kept (in both). Two findings are the same when their
//! rule id and their normalised location agree: the part, the file, and the text of the
//! line they point at (whitespace collapsed), not its number, which moves between versions.

use crate::patch::Patch;
use crate::policy::{Finding, Part};
use std::collections::HashMap;

/// The findings of a pair, each by rule id (one entry per finding, sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Carried {
    pub new: Vec<String>,
    pub fixed: Vec<String>,
    pub kept: Vec<String>,
}

/// The text of the line a finding points at, whitespace collapsed.
fn anchor_text(patch: &Patch, f: &Finding) -> String {
    let line = f.location.line as usize;
    let text: Option<String> = match f.location.part {
        Part::Header => patch
            .mail
            .headers
            .get(line.wrapping_sub(1))
            .map(|(name, _)| name.to_ascii_lowercase()),
        Part::Subject => Some(patch.subject.title.clone()),
        Part::Message | Part::Trailer => patch
            .message
            .lines()
            .nth(line.wrapping_sub(1))
            .map(str::to_string),
        Part::Notes => patch
            .notes
            .lines()
            .nth(line.wrapping_sub(1))
            .map(str::to_string),
        Part::Diff => {
            let file = f.location.file.as_deref().unwrap_or("");
            let n = f.location.line;
            patch
                .diff
                .iter()
                .filter(|d| d.path() == file)
                .flat_map(|d| d.hunks.iter().flat_map(|h| h.lines.iter()))
                .find(|l| l.new == Some(n) || (l.new.is_none() && l.old == Some(n)))
                .map(|l| l.text.as_str().to_string())
        }
    };
    text.unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The normalised identity of a finding.
pub fn key(patch: &Patch, f: &Finding) -> Key {
    (
        f.rule.clone(),
        f.location.part,
        f.location.file.clone(),
        anchor_text(patch, f),
    )
}

/// Compares the findings of the older and the newer patch (either may be absent: an added
/// patch has only new findings, a removed one only fixed ones). Findings pair first when
/// their whole normalised location agrees, then, among the rest, by rule, part and file
/// alone (a message-wide finding stays kept when the subject line was reworded).
pub fn carry(old: Option<(&Patch, &[Finding])>, new: Option<(&Patch, &[Finding])>) -> Carried {
    let keyed = |side: Option<(&Patch, &[Finding])>| -> Vec<(Key, String)> {
        side.map(|(p, fs)| fs.iter().map(|f| (key(p, f), f.rule.clone())).collect())
            .unwrap_or_default()
    };
    let mut left = keyed(old);
    let mut right = keyed(new);
    let mut out = Carried::default();
    type Coarse = fn(&Key) -> (String, Part, Option<String>, String);
    let exact: Coarse = |k| k.clone();
    let loose: Coarse = |k| (k.0.clone(), k.1, k.2.clone(), String::new());
    for coarse in [exact, loose] {
        let mut pool: HashMap<_, Vec<usize>> = HashMap::new();
        for (i, (k, _)) in left.iter().enumerate() {
            pool.entry(coarse(k)).or_default().push(i);
        }
        let mut taken = vec![false; left.len()];
        right.retain(
            |(k, rule)| match pool.get_mut(&coarse(k)).and_then(Vec::pop) {
                Some(i) => {
                    taken[i] = true;
                    out.kept.push(rule.clone());
                    false
                }
                None => true,
            },
        );
        let mut i = 0;
        left.retain(|_| {
            i += 1;
            !taken[i - 1]
        });
    }
    out.new = right.into_iter().map(|(_, r)| r).collect();
    out.fixed = left.into_iter().map(|(_, r)| r).collect();
    out.new.sort();
    out.fixed.sort();
    out.kept.sort();
    out
}

/// A finding's normalised identity: rule, part, file, text of its line.
type Key = (String, Part, Option<String>, String);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::testutil::PatchBuilder;
    use crate::policy::{Location, Severity};

    fn finding(rule: &str, part: Part, line: u32, file: Option<&str>) -> Finding {
        Finding {
            rule: rule.into(),
            severity: Severity::Warning,
            location: Location {
                part,
                line,
                start: 0,
                end: 1,
                file: file.map(str::to_string),
            },
            message: String::new(),
            source: String::new(),
        }
    }

    #[test]
    fn a_finding_on_a_moved_line_is_kept_and_others_are_new_or_fixed() {
        let old = PatchBuilder::new("hw: fix", "Body.\n")
            .diff_add("a.c", &["x ", "y"])
            .build();
        let new = PatchBuilder::new("hw: fix", "Body.\n")
            .diff_add("a.c", &["new", "x ", "z "])
            .build();
        let line_of = |p: &Patch, t: &str| {
            p.diff[0].hunks[0]
                .lines
                .iter()
                .find(|l| l.text.as_str() == t)
                .and_then(|l| l.new)
                .unwrap()
        };
        let of = [
            finding(
                "style-trailing-ws",
                Part::Diff,
                line_of(&old, "x "),
                Some("a.c"),
            ),
            finding("dco-missing", Part::Message, 1, None),
        ];
        let nf = [
            finding(
                "style-trailing-ws",
                Part::Diff,
                line_of(&new, "x "),
                Some("a.c"),
            ),
            finding(
                "style-trailing-ws",
                Part::Diff,
                line_of(&new, "z "),
                Some("a.c"),
            ),
        ];
        let c = carry(Some((&old, &of)), Some((&new, &nf)));
        assert_eq!(c.kept, ["style-trailing-ws"]);
        assert_eq!(c.new, ["style-trailing-ws"]);
        assert_eq!(c.fixed, ["dco-missing"]);
        let added = carry(None, Some((&new, &nf)));
        assert_eq!(added.new.len(), 2);
        let removed = carry(Some((&old, &of)), None);
        assert_eq!(removed.fixed.len(), 2);
    }

    #[test]
    fn a_message_wide_finding_is_kept_when_the_subject_is_reworded() {
        let old = PatchBuilder::new("hw: fix", "").build();
        let new = PatchBuilder::new("hw: fix it better", "").build();
        let of = [finding("style-msg-no-body", Part::Subject, 1, None)];
        let nf = [finding("style-msg-no-body", Part::Subject, 1, None)];
        let c = carry(Some((&old, &of)), Some((&new, &nf)));
        assert_eq!(c.kept, ["style-msg-no-body"]);
        assert!(c.new.is_empty() && c.fixed.is_empty());
    }

    #[test]
    fn a_location_past_the_end_is_compared_without_panic() {
        let p = PatchBuilder::new("t", "b\n").build();
        for part in [
            Part::Header,
            Part::Message,
            Part::Notes,
            Part::Diff,
            Part::Trailer,
        ] {
            let f = finding("r", part, 0, Some("none"));
            let g = finding("r", part, 999, None);
            let c = carry(
                Some((&p, std::slice::from_ref(&f))),
                Some((&p, std::slice::from_ref(&g))),
            );
            assert_eq!(c.kept.len() + c.new.len(), 1);
        }
    }
}
