//! DCO rules: the sign-off chain (missing, below `---`, wrong form, typos), the identities it
//! names (malformed, anonymous), and whether the author, co-developers and sender signed off.

use super::util::{
    self, BY_LINE, Ident, TRAILER_LINE, email_base, norm_name, parse_ident, same_person,
};
use crate::mail::Address;
use crate::policy::Severity;
use crate::policy::engine::Ctx;
use regex::Regex;
use std::sync::LazyLock;

static SIGNOFF_ISH: LazyLock<Regex> =
    LazyLock::new(|| util::re(r"(?i)^[ \t]*signed[-_ ]?off[-_ ]?by[ \t]*:"));
static BRACKET_NOTE: LazyLock<Regex> = LazyLock::new(|| util::re(r"^\[.*\]$"));

/// Tags whose misspellings `dco-tag-typo` recognises.
pub const STANDARD_TAGS: &[&str] = &[
    "Signed-off-by",
    "Co-developed-by",
    "Acked-by",
    "Tested-by",
    "Reviewed-by",
    "Reported-by",
    "Suggested-by",
];

/// The standard tag a key is a typo of (≤ 2 edits, ignoring case and `-`), if any.
pub fn typo_of(key: &str) -> Option<&'static str> {
    let k: String = key
        .to_lowercase()
        .chars()
        .filter(|c| *c != '-' && *c != '_' && *c != ' ')
        .collect();
    if k.len() < 6 {
        return None;
    }
    STANDARD_TAGS.iter().copied().find(|t| {
        let s: String = t.to_lowercase().replace('-', "");
        s != k && strsim::levenshtein(&s, &k) <= 2
    })
}

/// A sign-off (or co-developed-by) trailer with its 0-based line and identity.
struct Sob {
    line: usize,
    ident: Option<Ident>,
}

fn trailers_with_key(ctx: &Ctx<'_>, key: &str) -> Vec<Sob> {
    ctx.patch
        .trailers
        .iter()
        .filter(|t| t.key.eq_ignore_ascii_case(key))
        .map(|t| Sob {
            line: t.line,
            ident: parse_ident(&t.value),
        })
        .collect()
}

pub fn check(ctx: &mut Ctx<'_>) {
    let sobs = trailers_with_key(ctx, "Signed-off-by");
    missing(ctx, &sobs);
    form_and_typos(ctx);
    identities(ctx);
    author_and_sender(ctx, &sobs);
    duplicates(ctx);
    codev_pairs(ctx);
    mangled_from(ctx);
    notes_between_sobs(ctx);
}

fn missing(ctx: &mut Ctx<'_>, sobs: &[Sob]) {
    let in_message = !sobs.is_empty() || ctx.lines.iter().any(|l| SIGNOFF_ISH.is_match(l));
    if in_message {
        return;
    }
    let below = ctx.notes.iter().position(|l| SIGNOFF_ISH.is_match(l));
    match below {
        Some(i) => {
            let len = ctx.notes[i].trim_end().len();
            let loc = ctx.at_notes(i, 0, len);
            ctx.emit(
                "dco-below-divider",
                loc,
                "Signed-off-by only below the --- line: git am drops it, so the commit has none",
            );
        }
        None => {
            let loc = ctx.at_message_end();
            ctx.emit("dco-missing", loc, "Missing Signed-off-by: line(s)");
        }
    }
}

fn form_and_typos(ctx: &mut Ctx<'_>) {
    for i in 0..ctx.lines.len() {
        let line = ctx.lines[i];
        if i == 0 {
            continue;
        }
        if SIGNOFF_ISH.is_match(line) {
            if line.starts_with("Signed-off-by: ")
                && !line[15..].starts_with([' ', '\t'])
                && line.len() > 15
            {
                continue;
            }
            let (ks, ke) = util::key_span(line);
            let msg = if line.starts_with([' ', '\t']) {
                "Do not use whitespace before Signed-off-by:".to_string()
            } else if !line[ks..].starts_with("Signed-off-by") {
                format!(
                    "The correct form is \"Signed-off-by\", not \"{}\"",
                    &line[ks..ke]
                )
            } else {
                "space required after Signed-off-by: (exactly one)".to_string()
            };
            let end = (ke + 2).min(line.len());
            let loc = ctx.at_message(i, ks, end);
            let quoted = util::is_quoted(line);
            ctx.emit_at(
                "dco-form",
                |s| if quoted { Severity::Info } else { s },
                loc,
                msg,
            );
            continue;
        }
        let Some(c) = TRAILER_LINE.captures(line) else {
            continue;
        };
        let key = &c["key"];
        if let Some(std) = typo_of(key) {
            let (ks, ke) = util::key_span(line);
            let loc = ctx.at_message(i, ks, ke);
            ctx.emit(
                "dco-tag-typo",
                loc,
                format!("Non-standard signature: '{key}' - perhaps '{std}'?"),
            );
        }
    }
}

fn identities(ctx: &mut Ctx<'_>) {
    let trailers: Vec<_> = ctx
        .patch
        .trailers
        .iter()
        .filter(|t| {
            t.key.eq_ignore_ascii_case("Signed-off-by")
                || t.key.eq_ignore_ascii_case("Co-developed-by")
        })
        .cloned()
        .collect();
    for t in trailers {
        let Some(line) = ctx.lines.get(t.line).copied() else {
            continue;
        };
        let (vs, ve) = util::value_span(line);
        let loc = ctx.at_message(t.line, vs, ve);
        match parse_ident(&t.value) {
            None => ctx.emit(
                "dco-bad-email",
                loc,
                format!("Unrecognized email address: '{}'", t.value),
            ),
            Some(id) if id.name.is_empty() => ctx.emit(
                "dco-bad-email",
                loc,
                format!("{}: '{}' has an address but no name", t.key, t.value),
            ),
            Some(id) => {
                if let Some(why) = anonymous(&id)
                    && !ctx.profile.is_allowlisted(&id.address())
                {
                    ctx.emit(
                        "dco-anon",
                        loc,
                        format!("{} names '{}': {why}", t.key, id.name),
                    );
                }
            }
        }
    }
}

/// Why an identity looks anonymous, if it does.
fn anonymous(id: &Ident) -> Option<&'static str> {
    let name = id.name.trim();
    let lower = name.to_lowercase();
    let local = id.email.split('@').next().unwrap_or("").to_lowercase();
    if [
        "root",
        "user",
        "admin",
        "unknown",
        "anonymous",
        "nobody",
        "localhost",
    ]
    .contains(&lower.as_str())
    {
        return Some("not a person's name");
    }
    if !name.contains(' ') && lower == local {
        return Some("the name is the mailbox's local part, not a real name");
    }
    if !name.contains(' ') && name.chars().any(|c| c.is_ascii_digit()) {
        return Some("looks like a handle, not a real name");
    }
    None
}

fn author_and_sender(ctx: &mut Ctx<'_>, sobs: &[Sob]) {
    if sobs.is_empty() {
        return;
    }
    let idents: Vec<(usize, Address, String)> = sobs
        .iter()
        .filter_map(|s| {
            s.ident
                .as_ref()
                .map(|i| (s.line, i.address(), i.comment.clone()))
        })
        .collect();
    let author = ctx.author();
    let author_known = !author.email.is_empty() || !author.name.is_empty();
    if author_known {
        let by_addr = idents
            .iter()
            .find(|(_, a, _)| a.email.eq_ignore_ascii_case(&author.email));
        let by_base = idents.iter().find(|(_, a, _)| {
            !author.email.is_empty() && email_base(&a.email) == email_base(&author.email)
        });
        let by_name = idents.iter().find(|(_, a, _)| {
            !author.name.is_empty() && norm_name(&a.name) == norm_name(&author.name)
        });
        let hloc = author_location(ctx);
        match (by_addr, by_base, by_name) {
            (Some((line, a, comment)), _, _) => {
                let (l, a, comment) = (*line, a.clone(), comment.clone());
                if !author.name.is_empty() && norm_name(&a.name) != norm_name(&author.name) {
                    let loc = trailer_value_loc(ctx, l);
                    ctx.emit(
                        "dco-author-mismatch",
                        loc,
                        format!(
                            "From:/Signed-off-by: email name mismatch: '{}' != '{}'",
                            author.display(),
                            a.display()
                        ),
                    );
                } else if !comment.is_empty() && !comment.starts_with('#') {
                    let loc = trailer_value_loc(ctx, l);
                    ctx.emit_at(
                        "dco-author-mismatch",
                        |_| Severity::Info,
                        loc,
                        format!(
                            "From:/Signed-off-by: email comments mismatch: '{}' != '{} {comment}'",
                            author.display(),
                            a.display()
                        ),
                    );
                }
            }
            (None, Some((line, a, _)), _) => {
                let (l, a) = (*line, a.clone());
                let loc = trailer_value_loc(ctx, l);
                ctx.emit(
                    "dco-author-mismatch",
                    loc,
                    format!(
                        "From:/Signed-off-by: email subaddress mismatch: '{}' != '{}'",
                        author.email, a.email
                    ),
                );
            }
            (None, None, Some((line, a, _))) => {
                let (l, a) = (*line, a.clone());
                let loc = trailer_value_loc(ctx, l);
                if author.email.is_empty() {
                    // Address unknown (DMARC rewrite without Reply-To): the name matched.
                } else {
                    ctx.emit(
                        "dco-author-mismatch",
                        loc,
                        format!(
                            "From:/Signed-off-by: email address mismatch: '{}' != '{}'",
                            author.display(),
                            a.display()
                        ),
                    );
                }
            }
            (None, None, None) => ctx.emit(
                "dco-no-author-sob",
                hloc,
                format!(
                    "Missing Signed-off-by: line by nominal patch author '{}'",
                    author.display()
                ),
            ),
        }
    }
    if let Some(sender) = ctx.sender() {
        if same_person(&sender, &author) && !author.email.is_empty() {
            // The author sent it; the order of others' sign-offs is their business.
            return;
        }
        let last = idents.last().map(|(l, a, _)| (*l, a.clone()));
        let has = idents.iter().any(|(_, a, _)| same_person(a, &sender));
        let hloc = ctx.at_header("From");
        match last {
            _ if !has => ctx.emit(
                "dco-sender-last",
                hloc,
                format!(
                    "the sender '{}' has not signed off (DCO clause (c))",
                    sender.display()
                ),
            ),
            Some((l, a)) if !same_person(&a, &sender) => {
                let loc = trailer_value_loc(ctx, l);
                ctx.emit_at(
                    "dco-sender-last",
                    |_| Severity::Info,
                    loc,
                    format!(
                        "the last Signed-off-by is not the sender's ('{}')",
                        sender.display()
                    ),
                );
            }
            _ => {}
        }
    }
}

fn author_location(ctx: &Ctx<'_>) -> crate::policy::Location {
    ctx.at_header("From")
}

fn trailer_value_loc(ctx: &Ctx<'_>, line0: usize) -> crate::policy::Location {
    let line = ctx.lines.get(line0).copied().unwrap_or("");
    let (s, e) = util::value_span(line);
    ctx.at_message(line0, s, e)
}

fn duplicates(ctx: &mut Ctx<'_>) {
    let mut seen: Vec<(String, String)> = Vec::new();
    let trailers = ctx.patch.trailers.clone();
    for t in trailers {
        let norm = (t.key.to_lowercase(), norm_name(&t.value));
        if seen.contains(&norm) {
            let loc = ctx.at_message_line(t.line);
            ctx.emit(
                "dco-dup",
                loc,
                format!("Duplicate signature: '{}: {}'", t.key, t.value),
            );
        } else {
            seen.push(norm);
        }
    }
}

fn codev_pairs(ctx: &mut Ctx<'_>) {
    let trailers = ctx.patch.trailers.clone();
    let author = ctx.author();
    for (i, t) in trailers.iter().enumerate() {
        if !t.key.eq_ignore_ascii_case("Co-developed-by") {
            continue;
        }
        let loc = ctx.at_message_line(t.line);
        let Some(id) = parse_ident(&t.value) else {
            continue;
        };
        if same_person(&id.address(), &author) {
            ctx.emit(
                "dco-codev-pair",
                loc,
                format!(
                    "Co-developed-by: should not be used to attribute nominal patch author '{}'",
                    author.display()
                ),
            );
            continue;
        }
        match trailers.get(i + 1) {
            Some(n) if n.key.eq_ignore_ascii_case("Signed-off-by") => {
                let same = parse_ident(&n.value).is_some_and(|s| {
                    s.email.eq_ignore_ascii_case(&id.email)
                        && norm_name(&s.name) == norm_name(&id.name)
                });
                if !same {
                    let loc = ctx.at_message_line(n.line);
                    ctx.emit(
                        "dco-codev-pair",
                        loc,
                        "Co-developed-by and Signed-off-by: name/email do not match",
                    );
                }
            }
            _ => ctx.emit(
                "dco-codev-pair",
                loc,
                "Co-developed-by: must be immediately followed by Signed-off-by:",
            ),
        }
    }
}

fn mangled_from(ctx: &mut Ctx<'_>) {
    let p = ctx.patch;
    if p.author_source == crate::patch::AuthorSource::InBody {
        return;
    }
    if util::is_list_munged(&p.author) {
        let loc = ctx.at_header("From");
        let real = ctx.author();
        let fix = if real.email.is_empty() {
            String::new()
        } else {
            format!(" (the real author is probably '{}')", real.display())
        };
        ctx.emit(
            "dco-mangled-from",
            loc,
            format!("Author email address is mangled by the mailing list{fix}"),
        );
    }
}

fn notes_between_sobs(ctx: &mut Ctx<'_>) {
    if !ctx.on("dco-note") {
        return;
    }
    for i in ctx.trailer_start..ctx.lines.len() {
        let l = ctx.lines[i].trim_end();
        if BRACKET_NOTE.is_match(l) {
            let loc = ctx.at_message(i, 0, l.len());
            ctx.emit("dco-note", loc, format!("maintainer note: {l}"));
        }
    }
}

/// True when a line is a `-by` tag (for other families).
pub fn is_by_line(line: &str) -> bool {
    BY_LINE.is_match(line)
}

#[cfg(test)]
mod tests {
    use crate::policy::testutil::{PatchBuilder, SIGNED, check, rules_of};
    use crate::policy::{Part, Severity};

    fn sev(f: &[crate::policy::Finding], rule: &str) -> Option<Severity> {
        f.iter().find(|f| f.rule == rule).map(|f| f.severity)
    }

    #[test]
    fn missing_signoff_fires_and_is_silent_when_present() {
        let p = PatchBuilder::new("hw: x", "Why.\n")
            .diff_modify("a.c", &["x;"])
            .build();
        let f = check(&p, "qemu");
        assert_eq!(sev(&f, "dco-missing"), Some(Severity::Error));
        assert_eq!(
            sev(&check(&p, "generic"), "dco-missing"),
            Some(Severity::Warning)
        );
        let ok = PatchBuilder::new("hw: x", SIGNED)
            .diff_modify("a.c", &["x;"])
            .build();
        let f = check(&ok, "qemu");
        assert!(!rules_of(&f).iter().any(|r| r.starts_with("dco-")), "{f:?}");
    }

    #[test]
    fn signoff_below_divider() {
        let p = PatchBuilder::new("hw: x", "Why.\n")
            .notes("v2: rebased\nSigned-off-by: A U Thor <a@example.org>\n")
            .diff_modify("a.c", &["x;"])
            .build();
        let f = check(&p, "qemu");
        let d = f
            .iter()
            .find(|f| f.rule == "dco-below-divider")
            .expect("fires");
        assert_eq!((d.location.part, d.location.line), (Part::Notes, 2));
        assert!(!rules_of(&f).contains(&"dco-missing"));
    }

    #[test]
    fn wrong_forms() {
        for (line, want) in [
            ("Signed-Off-By: A U Thor <a@example.org>", "correct form"),
            ("Signed-off-by:A U Thor <a@example.org>", "space required"),
            ("signed-off-by: A U Thor <a@example.org>", "correct form"),
        ] {
            let p = PatchBuilder::new("hw: x", &format!("Why.\n\n{line}\n"))
                .diff_modify("a.c", &["x;"])
                .build();
            let f = check(&p, "qemu");
            let d = f
                .iter()
                .find(|f| f.rule == "dco-form")
                .unwrap_or_else(|| panic!("{line}: {f:?}"));
            assert!(d.message.contains(want), "{}", d.message);
            assert_eq!(d.location.start, 0);
        }
    }

    #[test]
    fn tag_typos_suggest_the_tag() {
        let p = PatchBuilder::new(
            "hw: x",
            "Why.\n\nReviewd-by: R <r@example.org>\nSigned-off-by: A U Thor <a@example.org>\n",
        )
        .diff_modify("a.c", &["x;"])
        .build();
        let f = check(&p, "qemu");
        let t = f.iter().find(|f| f.rule == "dco-tag-typo").expect("typo");
        assert!(t.message.contains("perhaps 'Reviewed-by'"));
        assert_eq!((t.location.start, t.location.end), (0, 10));
        assert_eq!(super::typo_of("Siganed-off-by"), Some("Signed-off-by"));
        assert_eq!(super::typo_of("Reviewed-by"), None);
        assert_eq!(super::typo_of("Requested-by"), None);
        assert_eq!(super::typo_of("Cc"), None);
    }

    #[test]
    fn bad_and_anonymous_identities() {
        let p = PatchBuilder::new("hw: x", "Why.\n\nSigned-off-by: A U Thor\nSigned-off-by: MidG971 <midgy971@gmail.com>\nSigned-off-by: root <root@localhost.localdomain>\n")
            .diff_modify("a.c", &["x;"])
            .build();
        let f = check(&p, "qemu");
        assert_eq!(f.iter().filter(|f| f.rule == "dco-bad-email").count(), 1);
        assert_eq!(
            f.iter().filter(|f| f.rule == "dco-anon").count(),
            2,
            "{f:?}"
        );
        let ok = PatchBuilder::new(
            "hw: x",
            "Why.\n\nSigned-off-by: Zhao Liu <zhao1.liu@intel.com>\n",
        )
        .from("Zhao Liu", "zhao1.liu@intel.com")
        .diff_modify("a.c", &["x;"])
        .build();
        assert!(!rules_of(&check(&ok, "qemu")).contains(&"dco-anon"));
    }

    #[test]
    fn author_signoff_and_mismatches() {
        let other = PatchBuilder::new(
            "hw: x",
            "Why.\n\nSigned-off-by: Someone Else <s@example.org>\n",
        )
        .diff_modify("a.c", &["x;"])
        .build();
        let f = check(&other, "linux");
        assert_eq!(sev(&f, "dco-no-author-sob"), Some(Severity::Error));
        assert_eq!(
            sev(&check(&other, "qemu"), "dco-no-author-sob"),
            Some(Severity::Warning)
        );

        let name = PatchBuilder::new(
            "hw: x",
            "Why.\n\nSigned-off-by: Anne Author <a@example.org>\n",
        )
        .diff_modify("a.c", &["x;"])
        .build();
        let m = check(&name, "qemu");
        assert!(
            m.iter()
                .any(|f| f.rule == "dco-author-mismatch" && f.message.contains("name mismatch")),
            "{m:?}"
        );

        let sub = PatchBuilder::new(
            "hw: x",
            "Why.\n\nSigned-off-by: A U Thor <a+lkml@example.org>\n",
        )
        .diff_modify("a.c", &["x;"])
        .build();
        assert!(
            check(&sub, "qemu")
                .iter()
                .any(|f| f.message.contains("subaddress"))
        );
    }

    #[test]
    fn dmarc_via_author_is_recovered_and_flagged() {
        let p = PatchBuilder::new(
            "hw: x",
            "Why.\n\nSigned-off-by: Jane Doe <jane@example.org>\n",
        )
        .from("Jane Doe via Qemu-devel", "qemu-devel@nongnu.org")
        .reply_to("Jane Doe", "jane@example.org")
        .diff_modify("a.c", &["x;"])
        .build();
        let f = check(&p, "qemu");
        let m = f
            .iter()
            .find(|f| f.rule == "dco-mangled-from")
            .expect("mangled");
        assert!(m.message.contains("jane@example.org"));
        assert!(!rules_of(&f).contains(&"dco-no-author-sob"), "{f:?}");
        assert!(!rules_of(&f).contains(&"dco-author-mismatch"), "{f:?}");
        assert!(!rules_of(&f).contains(&"dco-sender-last"), "{f:?}");
    }

    #[test]
    fn sender_must_sign_off() {
        let p = PatchBuilder::new(
            "hw: x",
            "Why.\n\nSigned-off-by: Jane Doe <jane@example.org>\n",
        )
        .author("Jane Doe", "jane@example.org")
        .from("Mark Maintainer", "mark@example.org")
        .diff_modify("a.c", &["x;"])
        .build();
        assert_eq!(
            sev(&check(&p, "qemu"), "dco-sender-last"),
            Some(Severity::Warning)
        );
        let ok = PatchBuilder::new("hw: x", "Why.\n\nSigned-off-by: Jane Doe <jane@example.org>\nSigned-off-by: Mark Maintainer <mark@example.org>\n")
            .author("Jane Doe", "jane@example.org")
            .from("Mark Maintainer", "mark@example.org")
            .diff_modify("a.c", &["x;"])
            .build();
        assert!(!rules_of(&check(&ok, "qemu")).contains(&"dco-sender-last"));
    }

    #[test]
    fn duplicates_and_codev_pairs() {
        let p = PatchBuilder::new("hw: x", "Why.\n\nCo-developed-by: Bob B <b@example.org>\nReviewed-by: R R <r@example.org>\nReviewed-by: R R <r@example.org>\nSigned-off-by: A U Thor <a@example.org>\n")
            .diff_modify("a.c", &["x;"])
            .build();
        let f = check(&p, "linux");
        assert_eq!(f.iter().filter(|f| f.rule == "dco-dup").count(), 1);
        assert!(
            f.iter()
                .any(|f| f.rule == "dco-codev-pair" && f.message.contains("immediately followed"))
        );
        let ok = PatchBuilder::new("hw: x", "Why.\n\nCo-developed-by: Bob B <b@example.org>\nSigned-off-by: Bob B <b@example.org>\nSigned-off-by: A U Thor <a@example.org>\n")
            .diff_modify("a.c", &["x;"])
            .build();
        let f = check(&ok, "linux");
        assert!(!rules_of(&f).contains(&"dco-codev-pair"), "{f:?}");
        assert!(!rules_of(&f).contains(&"dco-dup"));
    }

    #[test]
    fn bracket_notes_are_shown() {
        let p = PatchBuilder::new("hw: x", "Why.\n\nSigned-off-by: A U Thor <a@example.org>\n[PMM: rephrased comment]\nSigned-off-by: Peter M <p@example.org>\n")
            .diff_modify("a.c", &["x;"])
            .build();
        let f = check(&p, "qemu");
        assert!(
            f.iter()
                .any(|f| f.rule == "dco-note" && f.message.contains("PMM")),
            "{f:?}"
        );
    }
}
