//! `maintainers-cc-missing`: a mail whose To/Cc names none of the maintainers of a
//! MAINTAINERS section its patch touches. It needs the patch's lookup (the tree's
//! MAINTAINERS), so it runs after the per-patch rules, over the queue ([`check`]); mail
//! without To/Cc headers (a `git format-patch` file, a quilt patch) is never judged.
//!
//! A section's maintainers are its people other than reviewers (`M:` lines of any status);
//! a section whose people were all named first by an earlier section, or that lists no
//! people (THE REST), is not judged on its own.

use crate::maintainers::Lookup;
use crate::patch::Patch;
use crate::policy::profile::Profile;
use crate::policy::{Finding, Location, Part};

/// The rule's id.
pub const RULE: &str = "maintainers-cc-missing";

/// The finding for one patch, if its mail misses every maintainer of some section.
pub fn check(patch: &Patch, lookup: &Lookup, profile: &Profile) -> Option<Finding> {
    let severity = profile.severity(RULE)?;
    let mail = &patch.mail;
    if mail.to.is_empty() && mail.cc.is_empty() {
        return None;
    }
    let sent_to = |email: &str| {
        mail.to
            .iter()
            .chain(&mail.cc)
            .any(|a| a.email.eq_ignore_ascii_case(email))
    };
    let mut missed: Vec<String> = Vec::new();
    for section in &lookup.sections {
        let maintainers: Vec<_> = lookup
            .people
            .iter()
            .filter(|p| &p.section == section && p.is_person() && p.role != "reviewer")
            .collect();
        if maintainers.is_empty() || maintainers.iter().any(|p| sent_to(&p.email)) {
            continue;
        }
        let names: Vec<String> = maintainers
            .iter()
            .map(|p| {
                if p.name.is_empty() {
                    p.email.clone()
                } else {
                    format!("{} <{}>", p.name, p.email)
                }
            })
            .collect();
        missed.push(format!("{section} ({})", names.join(", ")));
    }
    if missed.is_empty() {
        return None;
    }
    // Point at the To: header (else Cc:), as the mail has it.
    let line = mail
        .headers
        .iter()
        .position(|(name, _)| name.eq_ignore_ascii_case("to"))
        .or_else(|| {
            mail.headers
                .iter()
                .position(|(name, _)| name.eq_ignore_ascii_case("cc"))
        })
        .map_or(0, |i| i + 1);
    let end = mail
        .headers
        .get(line.wrapping_sub(1))
        .map_or(0, |(n, v)| n.len() + 2 + v.len());
    Some(Finding {
        rule: RULE.to_string(),
        severity,
        location: Location {
            part: Part::Header,
            line: line as u32,
            start: 0,
            end,
            file: None,
        },
        message: format!(
            "To/Cc names no maintainer of {}: get_maintainer.pl would copy them",
            missed.join("; ")
        ),
        source: profile.source_of(RULE).to_string(),
    })
}

/// Adds the rule's findings to a queue's (`findings` and `owners` indexed like
/// `patches`).
pub fn add(patches: &[Patch], owners: &[Lookup], profile: &Profile, findings: &mut [Vec<Finding>]) {
    for ((patch, lookup), out) in patches.iter().zip(owners).zip(findings.iter_mut()) {
        if let Some(f) = check(patch, lookup, profile) {
            out.push(f);
        }
    }
}
