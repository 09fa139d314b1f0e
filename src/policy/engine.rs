//! Running the rules: a [`Ctx`] per patch gives the rules the patch's text cut into the parts
//! findings point into and turns rule ids into severities from the profile; [`check_queue`]
//! runs every patch in parallel (rayon). Fingerprint regexes are compiled once (statics in the
//! rule modules); profile regexes are compiled when the profile loads.

use super::profile::Profile;
use super::rules;
use super::{Finding, Location, Part, Severity};
use crate::mail::Address;
use crate::patch::Patch;
use crate::queue::Queue;
use rayon::prelude::*;

/// What a rule sees: one patch, the profile, and the patch's text cut into lines.
pub struct Ctx<'a> {
    pub patch: &'a Patch,
    pub profile: &'a Profile,
    /// Lines of `Patch::message`.
    pub lines: Vec<&'a str>,
    /// 0-based index of the first trailer-block line (== `lines.len()` without a block).
    pub trailer_start: usize,
    /// Lines of `Patch::notes`.
    pub notes: Vec<&'a str>,
    /// A cover letter or other message without a diff: only text rules run.
    pub is_cover: bool,
    out: Vec<Finding>,
}

impl<'a> Ctx<'a> {
    pub fn new(patch: &'a Patch, profile: &'a Profile) -> Ctx<'a> {
        let lines: Vec<&str> = patch.message.lines().collect();
        let trailer_start = patch.trailer_start.min(lines.len());
        Ctx {
            patch,
            profile,
            lines,
            trailer_start,
            notes: patch.notes.lines().collect(),
            is_cover: patch.subject.index == Some(0) || !patch.has_diff(),
            out: Vec::new(),
        }
    }

    /// The profile's severity for a rule; `None` when it is off.
    pub fn sev(&self, rule: &str) -> Option<Severity> {
        self.profile.severity(rule)
    }

    /// True when the rule is on.
    pub fn on(&self, rule: &str) -> bool {
        self.sev(rule).is_some()
    }

    /// Emits a finding at the profile's severity (nothing when the rule is off).
    pub fn emit(&mut self, rule: &str, location: Location, message: impl Into<String>) {
        if let Some(s) = self.sev(rule) {
            self.push(rule, s, location, message);
        }
    }

    /// Emits at a severity the rule worked out (e.g. downgraded for quoted text); nothing when
    /// the rule is off.
    pub fn emit_at(
        &mut self,
        rule: &str,
        severity: impl FnOnce(Severity) -> Severity,
        location: Location,
        message: impl Into<String>,
    ) {
        if let Some(s) = self.sev(rule) {
            let s = severity(s);
            self.push(rule, s, location, message);
        }
    }

    fn push(
        &mut self,
        rule: &str,
        severity: Severity,
        location: Location,
        message: impl Into<String>,
    ) {
        self.out.push(Finding {
            rule: rule.to_string(),
            severity,
            location,
            message: message.into(),
            source: self.profile.source_of(rule).to_string(),
        });
    }

    /// The findings so far.
    pub fn findings(&self) -> &[Finding] {
        &self.out
    }

    /// The commit-message lines above the trailer block, after the title (index, text).
    pub fn body(&self) -> impl Iterator<Item = (usize, &'a str)> + '_ {
        self.lines
            .iter()
            .copied()
            .enumerate()
            .take(self.trailer_start)
            .skip(1)
    }

    /// Location of a byte range on a 0-based line of the message.
    pub fn at_message(&self, line0: usize, start: usize, end: usize) -> Location {
        let part = if line0 >= self.trailer_start {
            Part::Trailer
        } else {
            Part::Message
        };
        loc(part, line0 + 1, start, end, None)
    }

    /// Location of the whole text of a 0-based message line.
    pub fn at_message_line(&self, line0: usize) -> Location {
        let len = self.lines.get(line0).map_or(0, |l| l.len());
        self.at_message(line0, 0, len)
    }

    /// Location of a byte range on a 0-based line of the notes.
    pub fn at_notes(&self, line0: usize, start: usize, end: usize) -> Location {
        loc(Part::Notes, line0 + 1, start, end, None)
    }

    /// Location of a byte range of `Subject::raw` given as a range of the title.
    pub fn at_title(&self, start: usize, end: usize) -> Location {
        let raw = &self.patch.subject.raw;
        let title = &self.patch.subject.title;
        let off = raw.rfind(title.as_str()).unwrap_or(0);
        loc(Part::Subject, 1, off + start, off + end, None)
    }

    /// Location in the diff.
    pub fn at_diff(&self, file: &str, line: u32, start: usize, end: usize) -> Location {
        Location {
            part: Part::Diff,
            line,
            start,
            end,
            file: Some(file.to_string()),
        }
    }

    /// Location of a header's value (first header with that name), or of line 1 when absent.
    pub fn at_header(&self, name: &str) -> Location {
        let headers = &self.patch.mail.headers;
        match headers
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(i) => {
                let (n, v) = headers.get(i).unwrap_or_default();
                let start = n.len() + 2;
                loc(Part::Header, i + 1, start, start + v.len(), None)
            }
            None => loc(Part::Header, 1, 0, 0, None),
        }
    }

    /// Where "nothing" is reported (a missing sign-off): the end of the commit message.
    pub fn at_message_end(&self) -> Location {
        let last = self.lines.len().saturating_sub(1);
        let len = self.lines.get(last).map_or(0, |l| l.len());
        loc(Part::Trailer, last + 1, len, len, None)
    }

    /// The sender: the header `From:`, with a DMARC `via` rewrite undone.
    pub fn sender(&self) -> Option<Address> {
        let from = self.patch.mail.from.as_ref()?;
        if rules::util::is_list_munged(from) || rules::util::is_relayed(from) {
            let m = &self.patch.mail;
            return m
                .x_original_from
                .clone()
                .or_else(|| m.reply_to.clone())
                .or_else(|| Some(rules::util::unmunge_name(from)));
        }
        Some(from.clone())
    }

    /// The author as git am would record it, with a DMARC rewrite undone.
    pub fn author(&self) -> Address {
        let a = &self.patch.author;
        if self.patch.author_source != crate::patch::AuthorSource::InBody
            && (rules::util::is_list_munged(a) || rules::util::is_relayed(a))
        {
            return self.sender().unwrap_or_else(|| a.clone());
        }
        a.clone()
    }
}

fn loc(part: Part, line: usize, start: usize, end: usize, file: Option<String>) -> Location {
    Location {
        part,
        line: u32::try_from(line).unwrap_or(u32::MAX),
        start,
        end,
        file,
    }
}

/// Checks one patch with a profile. Never panics: a patch that makes a rule fail, or that is
/// too broken to check, gets one finding saying why.
pub fn check_patch(patch: &Patch, profile: &Profile) -> Vec<Finding> {
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_rules(patch, profile)));
    match run {
        Ok(f) => f,
        Err(e) => {
            let why = e
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| e.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown failure".into());
            vec![Finding {
                rule: "style-patch-broken".into(),
                severity: Severity::Error,
                location: loc(Part::Subject, 1, 0, patch.subject.raw.len(), None),
                message: format!("could not check this patch: {why}"),
                source: profile.source_of("style-patch-broken").to_string(),
            }]
        }
    }
}

fn run_rules(patch: &Patch, profile: &Profile) -> Vec<Finding> {
    let mut ctx = Ctx::new(patch, profile);
    let problems: Vec<&str> = patch.problems().collect();
    let broken = !problems.is_empty();
    if broken {
        let len = patch.subject.raw.len();
        ctx.emit_at(
            "style-patch-broken",
            |_| Severity::Error,
            loc(Part::Subject, 1, 0, len, None),
            format!("patch unusable as it stands: {}", problems.join("; ")),
        );
    }
    if !broken && patch.diff.is_empty() && patch.subject.index != Some(0) && !patch.subject.is_reply
    {
        let len = patch.subject.raw.len();
        ctx.emit(
            "style-patch-empty",
            loc(Part::Subject, 1, 0, len, None),
            "nothing to apply: the message carries no diff (an empty commit, or the patch was lost on the way)",
        );
    }
    rules::ai::check(&mut ctx);
    if !ctx.is_cover {
        rules::dco::check(&mut ctx);
        rules::trailer::check(&mut ctx);
        rules::style::check_message(&mut ctx);
        rules::bidi::check(&mut ctx);
        if !broken {
            rules::style::check_diff(&mut ctx);
            rules::license::check(&mut ctx);
        }
    }
    let mut out = ctx.out;
    rules::ai::apply_exceptions(patch, profile, &mut out);
    out.sort_by(|a, b| {
        (
            a.location.part,
            &a.location.file,
            a.location.line,
            a.location.start,
        )
            .cmp(&(
                b.location.part,
                &b.location.file,
                b.location.line,
                b.location.start,
            ))
    });
    out
}

/// Checks every patch of a queue in parallel; the result is indexed like `queue.patches`.
/// This is also the stage the benchmark times.
pub fn check_queue(queue: &Queue, profile: &Profile) -> Vec<Vec<Finding>> {
    queue
        .patches
        .par_iter()
        .map(|p| check_patch(p, profile))
        .collect()
}

/// [`check_queue`] with the rules that need each patch's MAINTAINERS lookup (`owners`,
/// indexed like the queue's patches; empty without a tree).
pub fn check_queue_owned(
    queue: &Queue,
    profile: &Profile,
    owners: &[crate::maintainers::Lookup],
) -> Vec<Vec<Finding>> {
    let mut findings = check_queue(queue, profile);
    super::rules::maintainers_cc::add(&queue.patches, owners, profile, &mut findings);
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::testutil::PatchBuilder;

    #[test]
    fn broken_patch_gets_one_finding_and_message_rules_still_run() {
        let mut p = PatchBuilder::new("hw: fix it", "Body text here.\n")
            .diff_add("a.c", &["x "])
            .build();
        p.extra_problems.push("hunk cut off at line 12".into());
        let q = Profile::builtin("qemu").unwrap();
        let f = check_patch(&p, &q);
        let broken: Vec<_> = f
            .iter()
            .filter(|f| f.rule == "style-patch-broken")
            .collect();
        assert_eq!(broken.len(), 1);
        assert!(broken[0].message.contains("hunk cut off"));
        assert!(f.iter().any(|f| f.rule == "dco-missing"));
        assert!(
            !f.iter().any(|f| f.rule == "style-ws-trailing"),
            "diff rules skipped"
        );
    }

    #[test]
    fn queue_results_are_indexed_like_patches() {
        let good = PatchBuilder::new(
            "hw: fix",
            "Why.\n\nSigned-off-by: A U Thor <a@example.org>\n",
        )
        .diff_add("a.c", &["int x;"])
        .build();
        let bad = PatchBuilder::new("hw: fix", "Why.\n")
            .diff_add("a.c", &["int x;"])
            .build();
        let queue = Queue {
            patches: vec![good, bad],
            ..Default::default()
        };
        let r = check_queue(&queue, &Profile::builtin("qemu").unwrap());
        assert_eq!(r.len(), 2);
        assert!(!r[0].iter().any(|f| f.rule == "dco-missing"));
        assert!(r[1].iter().any(|f| f.rule == "dco-missing"));
    }

    #[test]
    fn rules_turned_off_do_not_report() {
        let p = PatchBuilder::new("hw: fix", "Why.\n")
            .diff_add("a.c", &["int x;"])
            .build();
        let mut prof = Profile::builtin("qemu").unwrap();
        prof.severities.remove("dco-missing");
        assert!(
            !check_patch(&p, &prof)
                .iter()
                .any(|f| f.rule == "dco-missing")
        );
    }
}
