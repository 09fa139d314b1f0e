//! The text form of a revision, `git range-diff`'s manner: one line per pair
//! (`1:  abc1234 ! 1:  def5678 subject`), the interdiff under each changed pair, then the
//! trailers carried or stale and the findings new, fixed or kept. `patchdesk revisions`
//! prints it and the desk's range-diff view draws it.

use super::compare::Revision;
use super::older::Lookup;
use super::pairing::Change;
use std::fmt::Write;

/// Seven hex digits naming a patch: its commit, else its patch-id; dashes when neither.
fn short_id(queue: &impl Lookup, patch: Option<usize>) -> String {
    patch
        .and_then(|i| queue.patch(i))
        .and_then(|p| p.mail.commit.as_deref().or(p.patch_id()))
        .map_or_else(|| "-".repeat(7), |id| id.chars().take(7).collect())
}

/// The text form: `git range-diff`'s pair lines, each followed by the interdiff of a
/// changed pair and a line of findings when any differ or remain.
/// The older series may be one of the archive of reviewed patches (see
/// [`super::older`]); a series `queue` does not hold gives no text.
pub fn to_text(queue: &impl Lookup, r: &Revision) -> String {
    let (Some(os), Some(ns)) = (queue.series(r.previous), queue.series(r.series)) else {
        return String::new();
    };
    let mut out = String::new();
    let older = match queue.archived(r.previous) {
        true => format!("v{} in the archive of reviewed patches", os.version),
        false => format!("series {} (v{})", os.id, os.version),
    };
    let _ = writeln!(out, "# series {} (v{}) against {older}", ns.id, ns.version);
    let width = (1 + os.patches.len().max(ns.patches.len()))
        .to_string()
        .len();
    for p in &r.pairs {
        let side = |n: Option<u32>, patch: Option<usize>| match n {
            Some(n) => format!("{n:>width$}:  {}", short_id(queue, patch)),
            None => format!("{:>width$}:  {}", "-", "-".repeat(7)),
        };
        // As git, the subject is the older patch's when there is one.
        let subject = p
            .old_patch
            .or(p.new_patch)
            .and_then(|i| queue.patch(i))
            .map_or("", |x| x.subject.title.as_str());
        let _ = writeln!(
            out,
            "{} {} {} {}",
            side(p.old_number, p.old_patch),
            p.pair.mark(),
            side(p.new_number, p.new_patch),
            subject
        );
        if p.pair.change == Change::Changed {
            let what = match (p.pair.message_changed, p.pair.diff_changed) {
                (true, true) => "message and diff changed",
                (true, false) => "message changed",
                _ => "diff changed",
            };
            let _ = writeln!(out, "    ({what})");
            out.push_str(&p.interdiff);
        }
        let t = &p.trailers;
        if !(t.carried.is_empty() && t.stale.is_empty()) {
            let stale: Vec<&str> = t.stale.iter().map(|s| s.trailer.as_str()).collect();
            let _ = writeln!(
                out,
                "    trailers: carried {}; stale {}",
                if t.carried.is_empty() {
                    "-".to_string()
                } else {
                    t.carried.join(", ")
                },
                if stale.is_empty() {
                    "-".to_string()
                } else {
                    stale.join(", ")
                }
            );
        }
        let f = &p.findings;
        if !(f.new.is_empty() && f.fixed.is_empty() && f.kept.is_empty()) {
            let list = |v: &[String]| {
                if v.is_empty() {
                    return "-".to_string();
                }
                let mut parts: Vec<String> = Vec::new();
                let mut k = 0;
                while k < v.len() {
                    let n = v[k..].iter().take_while(|r| **r == v[k]).count();
                    parts.push(if n > 1 {
                        format!("{} ({n})", v[k])
                    } else {
                        v[k].clone()
                    });
                    k += n;
                }
                parts.join(", ")
            };
            let _ = writeln!(
                out,
                "    findings: new {}; fixed {}; kept {}",
                list(&f.new),
                list(&f.fixed),
                list(&f.kept)
            );
        }
    }
    out
}
