//! Trailer rules: tags the profile does not know, spelling and spacing, combined tags, tags
//! git does not parse or that sit below `---`, the Fixes format (R4), Reported-by/Closes,
//! link tags (R15), lore links, the stable Cc (R16) and Gerrit Change-Ids.

use super::dco::typo_of;
use super::util::{self, BY_LINE, TRAILER_LINE};
use crate::policy::Severity;
use crate::policy::engine::Ctx;
use regex::Regex;
use std::sync::LazyLock;

static FIXES_STRICT: LazyLock<Regex> =
    LazyLock::new(|| util::re(r#"^Fixes: (?P<sha>[0-9a-f]{12,40}) \("(?P<title>.+)"\)$"#));
static FIXES_DETECT: LazyLock<Regex> = LazyLock::new(|| {
    util::re(r"(?i)^[ \t]*fixes:?[ \t]*(?:commit[ \t]*)?(?P<sha>[0-9a-f]{5,40})\b")
});
static URL_VALUE: LazyLock<Regex> = LazyLock::new(|| util::re(r"^<?https?://"));
static LINK_IN_TAG: LazyLock<Regex> =
    LazyLock::new(|| util::re(r"^(?P<tag>[A-Za-z][\w-]*):[ \t]*<?https?://"));
static STABLE_KERNEL: LazyLock<Regex> =
    LazyLock::new(|| util::re(r"^Cc: <?stable@(?:vger\.)?kernel\.org>?(?:[ \t]+#.*)?$"));
static STABLE_QEMU: LazyLock<Regex> = LazyLock::new(|| {
    util::re(r"^Cc: (?:qemu-stable@nongnu\.org|<qemu-stable@nongnu\.org>)(?:[ \t]+#.*)?$")
});

const NON_LORE: &[&str] = &[
    "freedesktop.org/archives/dri-devel",
    "lists.infradead.org",
    "lkml.org",
    "mail-archive.com",
    "mailman.alsa-project.org/pipermail",
    "marc.info",
    "ozlabs.org/pipermail",
    "spinics.net",
    "lists.gnu.org/archive",
    "patchew.org",
];

/// AI trailer keys, reported by the ai family instead of as non-standard.
const AI_KEYS: &[&str] = &[
    "assisted-by",
    "generated-by",
    "co-authored-by",
    "co-authored-by-ai",
    "synthesized-by",
    "ai-exception-granted-by",
];

fn canonical<'p>(allowed: &'p [String], key: &str) -> Option<&'p str> {
    allowed
        .iter()
        .find(|t| *t == key)
        .or_else(|| allowed.iter().find(|t| t.eq_ignore_ascii_case(key)))
        .map(String::as_str)
}

pub fn check(ctx: &mut Ctx<'_>) {
    let trailers = ctx.patch.trailers.clone();
    let allowed = ctx.profile.params.allowed_tags.clone();
    for (idx, t) in trailers.iter().enumerate() {
        let Some(line) = ctx.lines.get(t.line).copied() else {
            continue;
        };
        let (ks, ke) = util::key_span(line);
        let (vs, ve) = util::value_span(line);
        let kloc = ctx.at_message(t.line, ks, ke);
        let vloc = ctx.at_message(t.line, vs, ve);
        let key_l = t.key.to_lowercase();
        let is_by = key_l.ends_with("-by");
        let is_sob = key_l == "signed-off-by";
        // Known tag, spelling and spacing.
        match canonical(&allowed, &t.key) {
            Some(c) if c != t.key && !is_sob => ctx.emit(
                "trailer-case",
                kloc.clone(),
                format!("'{}' is the preferred signature form, not '{}'", c, t.key),
            ),
            Some(_) if !is_sob => {
                let after = &line[ke..];
                if !after.starts_with(": ") || after[2..].starts_with([' ', '\t']) {
                    ctx.emit(
                        "trailer-case",
                        ctx.at_message(t.line, ks, (ke + 2).min(line.len())),
                        format!("Use a single space after {}:", t.key),
                    );
                }
            }
            None if is_by
                && !allowed.is_empty()
                && typo_of(&t.key).is_none()
                && !AI_KEYS.contains(&key_l.as_str()) =>
            {
                ctx.emit(
                    "trailer-nonstd",
                    kloc.clone(),
                    format!("Non-standard signature: {}", t.key),
                );
            }
            _ => {}
        }
        if key_l.contains("-and-") {
            ctx.emit(
                "trailer-combined",
                kloc.clone(),
                format!("combined tag '{}': use one tag per role", t.key),
            );
        }
        if key_l == "fixes" && FIXES_DETECT.is_match(&format!("Fixes: {}", t.value)) {
            fixes(ctx, line, t.line, vloc.clone());
        }
        if key_l.starts_with("reported") && key_l.ends_with("-by") {
            match trailers.get(idx + 1).map(|n| n.key.to_lowercase()) {
                Some(k) if k == "closes" => {}
                Some(k) if k == "link" => ctx.emit_at(
                    "trailer-rep-closes",
                    |_| Severity::Info,
                    kloc.clone(),
                    "Reported-by: is followed by Link:, prefer Closes: with a URL to the report",
                ),
                _ => ctx.emit(
                    "trailer-rep-closes",
                    kloc.clone(),
                    "Reported-by: should be immediately followed by Closes: with a URL to the report",
                ),
            }
        }
        let is_link_tag = ctx
            .profile
            .params
            .link_tags
            .iter()
            .any(|l| l.eq_ignore_ascii_case(&t.key));
        if is_link_tag {
            if !URL_VALUE.is_match(&t.value) {
                ctx.emit(
                    "trailer-link-url",
                    vloc.clone(),
                    format!("'{}:' should be followed by a public http(s) link", t.key),
                );
            } else if let Some(host) = NON_LORE.iter().find(|h| t.value.contains(*h)) {
                ctx.emit(
                    "trailer-link-lore",
                    vloc.clone(),
                    format!("link to {host}: use lore.kernel.org archive links when possible"),
                );
            }
        } else if LINK_IN_TAG.is_match(line) && key_l != "fixes" {
            ctx.emit(
                "trailer-link-unknown-tag",
                kloc.clone(),
                format!(
                    "Unknown link reference '{}:', use 'Link:' or 'Closes:' instead",
                    t.key
                ),
            );
        }
        if key_l == "cc" {
            stable(ctx, line, vloc.clone());
        }
        if key_l == "change-id" {
            ctx.emit(
                "trailer-change-id",
                kloc,
                "Remove Gerrit Change-Id's before submitting upstream",
            );
        }
    }
    not_parsed(ctx);
    below_divider(ctx);
    change_id_in_body(ctx);
}

fn fixes(ctx: &mut Ctx<'_>, line: &str, line0: usize, vloc: crate::policy::Location) {
    let min = ctx.profile.params.fixes_min_sha;
    let strict = FIXES_STRICT.captures(line.trim_end());
    let ok = strict.as_ref().is_some_and(|c| c["sha"].len() >= min);
    if !ok {
        let sha = FIXES_DETECT
            .captures(line)
            .map(|c| c["sha"].to_string())
            .unwrap_or_default();
        ctx.emit(
            "trailer-fix-format",
            vloc,
            format!("Please use correct Fixes: style 'Fixes: <{min}+ chars of sha1> (\"<title line>\")' - got '{}' (sha {sha})", line.trim()),
        );
    }
    let _ = line0;
}

fn stable(ctx: &mut Ctx<'_>, line: &str, vloc: crate::policy::Location) {
    let Some(addr) = ctx.profile.params.stable_cc.clone() else {
        return;
    };
    let lower = line.to_lowercase();
    let local = addr.split('@').next().unwrap_or("stable");
    let mentions = lower.contains(&format!("{local}@"));
    if !mentions {
        return;
    }
    let ok = if addr.contains("kernel.org") {
        STABLE_KERNEL.is_match(line.trim_end())
    } else {
        STABLE_QEMU.is_match(line.trim_end()) || line.trim_end() == format!("Cc: {addr}")
    };
    if !ok {
        ctx.emit(
            "trailer-stable-format",
            vloc,
            format!(
                "Invalid email format for stable: '{}', prefer 'Cc: {addr}'",
                line.trim()
            ),
        );
    }
}

/// Tag-like lines above the trailer block (git does not see them as trailers).
fn not_parsed(ctx: &mut Ctx<'_>) {
    if !ctx.on("trailer-not-parsed") {
        return;
    }
    let allowed = ctx.profile.params.allowed_tags.clone();
    let known = |k: &str| {
        super::dco::STANDARD_TAGS
            .iter()
            .any(|t| t.eq_ignore_ascii_case(k))
            || allowed
                .iter()
                .any(|t| t.eq_ignore_ascii_case(k) && t != "Cc" && t != "Link")
    };
    let body: Vec<(usize, &str)> = ctx.body().collect();
    for (i, line) in body {
        if util::is_quoted(line) {
            continue;
        }
        let Some(c) = TRAILER_LINE.captures(line) else {
            continue;
        };
        let key = &c["key"];
        if !(key.to_lowercase().ends_with("-by") || key.eq_ignore_ascii_case("fixes"))
            || !known(key)
        {
            continue;
        }
        let (ks, ke) = util::key_span(line);
        let loc = ctx.at_message(i, ks, ke);
        ctx.emit(
            "trailer-not-parsed",
            loc,
            format!("'{key}:' is not in the trailer block (the last paragraph), so git and b4 do not see it as a trailer"),
        );
    }
}

fn below_divider(ctx: &mut Ctx<'_>) {
    let notes: Vec<(usize, &str)> = ctx.notes.iter().copied().enumerate().collect();
    for (i, line) in notes {
        let Some(c) = BY_LINE.captures(line) else {
            continue;
        };
        if !c["lead"].is_empty() || c["key"].eq_ignore_ascii_case("signed-off-by") {
            continue;
        }
        let (ks, ke) = util::key_span(line);
        let loc = ctx.at_notes(i, ks, ke);
        ctx.emit(
            "trailer-below-divider",
            loc,
            format!("'{}:' is below the --- line: git am drops it", &c["key"]),
        );
    }
}

fn change_id_in_body(ctx: &mut Ctx<'_>) {
    let body: Vec<(usize, &str)> = ctx.body().collect();
    for (i, line) in body {
        if line.trim_start().to_lowercase().starts_with("change-id:") {
            let (ks, ke) = util::key_span(line);
            let loc = ctx.at_message(i, ks, ke);
            ctx.emit(
                "trailer-change-id",
                loc,
                "Remove Gerrit Change-Id's before submitting upstream",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::Severity;
    use crate::policy::testutil::{PatchBuilder, check, rules_of};

    fn run(profile: &str, trailers: &str) -> Vec<crate::policy::Finding> {
        let p = PatchBuilder::new(
            "hw: x",
            &format!("Why.\n\n{trailers}Signed-off-by: A U Thor <a@example.org>\n"),
        )
        .diff_modify("a.c", &["x;"])
        .build();
        check(&p, profile)
    }

    fn has(f: &[crate::policy::Finding], rule: &str) -> bool {
        rules_of(f).contains(&rule)
    }

    #[test]
    fn nonstandard_and_case() {
        let f = run(
            "linux",
            "Reviewed-By: R R <r@example.org>\nApproved-by: L L <l@example.org>\n",
        );
        assert!(
            f.iter()
                .any(|f| f.rule == "trailer-case" && f.message.contains("'Reviewed-by'"))
        );
        assert!(
            f.iter()
                .any(|f| f.rule == "trailer-nonstd" && f.message.contains("Approved-by"))
        );
        let ok = run(
            "linux",
            "Reviewed-by: R R <r@example.org>\nAcked-by: A A <x@example.org>\n",
        );
        assert!(
            !has(&ok, "trailer-case") && !has(&ok, "trailer-nonstd"),
            "{ok:?}"
        );
        let sp = run("linux", "Acked-by:  A A <x@example.org>\n");
        assert!(
            sp.iter()
                .any(|f| f.rule == "trailer-case" && f.message.contains("single space"))
        );
    }

    #[test]
    fn every_listed_spelling_is_canonical() {
        for k in ["Message-Id", "Message-ID", "Message-id"] {
            assert!(
                !has(
                    &run("qemu", &format!("{k}: <1@example.org>\n")),
                    "trailer-case"
                ),
                "{k}"
            );
        }
    }

    #[test]
    fn combined_tags() {
        assert!(has(
            &run("qemu", "Reported-and-tested-by: R R <r@example.org>\n"),
            "trailer-combined"
        ));
        assert!(!has(
            &run("qemu", "Tested-by: R R <r@example.org>\n"),
            "trailer-combined"
        ));
    }

    #[test]
    fn fixes_format() {
        let good = run(
            "qemu",
            "Fixes: 14055ce53c2d (\"s390x/tcg: avoid overflows in time2tod/tod2time\")\n",
        );
        assert!(!has(&good, "trailer-fix-format"), "{good:?}");
        for bad in [
            "Fixes: 14055ce5 (\"short sha\")\n",
            "Fixes: 14055ce53c2d s390x/tcg: no quotes\n",
            "Fixes: commit 14055ce53c2d\n",
        ] {
            let f = run("qemu", bad);
            let x = f
                .iter()
                .find(|f| f.rule == "trailer-fix-format")
                .unwrap_or_else(|| panic!("{bad}"));
            assert_eq!(x.severity, Severity::Warning);
        }
        assert!(!has(
            &run(
                "qemu",
                "Fixes: https://gitlab.com/qemu-project/qemu/-/issues/1\n"
            ),
            "trailer-fix-format"
        ));
    }

    #[test]
    fn reported_by_wants_closes() {
        let f = run("linux", "Reported-by: R R <r@example.org>\n");
        assert!(has(&f, "trailer-rep-closes"));
        let ok = run(
            "linux",
            "Reported-by: R R <r@example.org>\nCloses: https://lore.kernel.org/r/x@y/\n",
        );
        assert!(!has(&ok, "trailer-rep-closes"));
        let link = run(
            "linux",
            "Reported-by: R R <r@example.org>\nLink: https://lore.kernel.org/r/x@y/\n",
        );
        assert_eq!(
            link.iter()
                .find(|f| f.rule == "trailer-rep-closes")
                .map(|f| f.severity),
            Some(Severity::Info)
        );
        assert!(!has(
            &run("qemu", "Reported-by: R R <r@example.org>\n"),
            "trailer-rep-closes"
        ));
    }

    #[test]
    fn links() {
        assert!(has(
            &run("linux", "Link: 20250101.1234-1-a@example.org\n"),
            "trailer-link-url"
        ));
        assert!(has(
            &run("linux", "Link: https://lkml.org/lkml/2020/1/1/1\n"),
            "trailer-link-lore"
        ));
        assert!(has(
            &run("linux", "Bug: https://bugzilla.kernel.org/1\n"),
            "trailer-link-unknown-tag"
        ));
        let ok = run(
            "linux",
            "Link: https://lore.kernel.org/r/x@y/\nCloses: https://bugzilla.kernel.org/1\n",
        );
        assert!(
            !has(&ok, "trailer-link-url")
                && !has(&ok, "trailer-link-lore")
                && !has(&ok, "trailer-link-unknown-tag")
        );
        assert!(!has(
            &run(
                "qemu",
                "Resolves: https://gitlab.com/qemu-project/qemu/-/issues/1\n"
            ),
            "trailer-link-url"
        ));
    }

    #[test]
    fn stable_cc() {
        assert!(has(
            &run("linux", "Cc: Stable <stable@vger.kernel.org>\n"),
            "trailer-stable-format"
        ));
        assert!(!has(
            &run("linux", "Cc: stable@vger.kernel.org # 6.1+\n"),
            "trailer-stable-format"
        ));
        assert!(has(
            &run("qemu", "Cc: qemu-stable <qemu-stable@nongnu.org>\n"),
            "trailer-stable-format"
        ));
        assert!(!has(
            &run("qemu", "Cc: qemu-stable@nongnu.org\n"),
            "trailer-stable-format"
        ));
    }

    #[test]
    fn change_id() {
        let f = run(
            "linux",
            "Change-Id: I0123456789abcdef0123456789abcdef01234567\n",
        );
        assert_eq!(
            f.iter()
                .find(|f| f.rule == "trailer-change-id")
                .map(|f| f.severity),
            Some(Severity::Error)
        );
        assert!(!has(&run("linux", ""), "trailer-change-id"));
    }

    #[test]
    fn not_parsed_and_below_divider() {
        let p = PatchBuilder::new("hw: x", "Why.\nReviewed-by: R R <r@example.org>\nMore prose.\n\nSigned-off-by: A U Thor <a@example.org>\n")
            .notes("Acked-by: X Y <x@example.org>\nv2: Reviewed-by: kept\n")
            .diff_modify("a.c", &["x;"])
            .build();
        let f = check(&p, "qemu");
        let np = f
            .iter()
            .find(|f| f.rule == "trailer-not-parsed")
            .expect("not parsed");
        assert_eq!(np.location.line, 4);
        assert_eq!(
            f.iter()
                .filter(|f| f.rule == "trailer-below-divider")
                .count(),
            1
        );
        assert!(!has(
            &run("qemu", "Reviewed-by: R R <r@example.org>\n"),
            "trailer-not-parsed"
        ));
    }
}
