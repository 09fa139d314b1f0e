//! The policy engine on fixture patches written for the project (tests/fixtures/policy),
//! parsed by the real mail and patch parsers, and `patchdesk check` / `policy` end to end.

use crate::{fixtures, patchdesk, patchdesk_in, stderr, stdout};
use patchdesk::policy::{Finding, Part, Profile, Severity, check_queue};
use patchdesk::queue;
use patchdesk::source::SourceSpec;

fn fixture(name: &str) -> std::path::PathBuf {
    fixtures().join("policy").join(name)
}

/// Findings of the one patch in a fixture, with a built-in profile.
fn check(name: &str, profile: &str) -> Vec<Finding> {
    let q = queue::load(&SourceSpec::Path(fixture(name))).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(q.patches.len(), 1, "{name}");
    let p = Profile::builtin(profile).expect("built-in");
    check_queue(&q, &p).remove(0)
}

fn get<'a>(f: &'a [Finding], rule: &str) -> Option<&'a Finding> {
    f.iter().find(|f| f.rule == rule)
}

fn above_info(f: &[Finding]) -> Vec<String> {
    f.iter()
        .filter(|f| f.severity > Severity::Info)
        .map(|f| format!("{} {}", f.rule, f.message))
        .collect()
}

#[test]
fn clean_patch_has_nothing_above_info() {
    for profile in ["qemu", "generic"] {
        let f = check("clean.patch", profile);
        assert!(above_info(&f).is_empty(), "{profile}: {:?}", above_info(&f));
    }
}

#[test]
fn claude_code_commit_is_declined_by_qemu_and_located_exactly() {
    let f = check("claude-code.patch", "qemu");
    let co = get(&f, "ai-coauthor").expect("co-author");
    assert_eq!(co.severity, Severity::Error);
    assert_eq!((co.location.part, co.location.line), (Part::Trailer, 7));
    assert_eq!((co.location.start, co.location.end), (16, 46));
    let footer = get(&f, "ai-footer").expect("footer");
    assert_eq!(
        (footer.location.part, footer.location.line),
        (Part::Message, 5)
    );
    assert!(footer.source.contains("code-provenance.rst"));
    let linux = check("claude-code.patch", "linux");
    assert_eq!(
        get(&linux, "ai-coauthor").map(|f| f.severity),
        Some(Severity::Warning)
    );
    let generic = check("claude-code.patch", "generic");
    assert!(
        generic
            .iter()
            .filter(|f| f.rule.starts_with("ai-"))
            .all(|f| f.severity == Severity::Info)
    );
}

#[test]
fn linux_assisted_by_format() {
    let f = check("assisted-by.patch", "linux");
    let fmt: Vec<&Finding> = f
        .iter()
        .filter(|f| f.rule == "ai-assisted-format")
        .collect();
    assert_eq!(fmt.len(), 2, "{fmt:?}");
    assert_eq!(fmt[0].severity, Severity::Info, "spaces in the agent name");
    assert_eq!(
        fmt[1].severity,
        Severity::Warning,
        "Name <address> is not AGENT:MODEL"
    );
    assert!(
        f.iter()
            .filter(|f| f.rule == "ai-assisted-by")
            .all(|f| f.severity == Severity::Info)
    );
    assert!(get(&f, "trailer-fix-format").is_none());
    let q = check("assisted-by.patch", "qemu");
    assert_eq!(
        q.iter()
            .filter(|f| f.rule == "ai-assisted-by" && f.severity == Severity::Error)
            .count(),
        3
    );
}

#[test]
fn traps_raise_no_ai_finding() {
    for profile in ["qemu", "linux", "generic"] {
        let f = check("traps.patch", profile);
        let ai: Vec<_> = f.iter().filter(|f| f.rule.starts_with("ai-")).collect();
        assert!(ai.is_empty(), "{profile}: {ai:?}");
        assert!(
            !f.iter()
                .any(|f| f.rule.starts_with("dco-") && f.severity == Severity::Error),
            "{profile}: {f:?}"
        );
    }
}

#[test]
fn sloppy_patch_fires_style_trailer_and_licence_rules() {
    let f = check("sloppy.patch", "qemu");
    for rule in [
        "dco-form",
        "trailer-not-parsed",
        "style-msg-subj",
        "style-ws-trailing",
        "style-ws-tabs",
        "license-spdx-missing",
        "style-maintainers",
    ] {
        assert!(get(&f, rule).is_some(), "{rule}: {f:#?}");
    }
    let ws = get(&f, "style-ws-trailing").expect("ws");
    assert_eq!(ws.location.file.as_deref(), Some("hw/misc/bar.c"));
    assert_eq!(
        (ws.location.line, ws.location.start, ws.location.end),
        (1, 20, 22)
    );
}

#[test]
fn signoff_below_divider_and_dmarc_rewrite() {
    let f = check("no-signoff.patch", "qemu");
    assert!(
        get(&f, "dco-below-divider").is_some_and(|f| f.location.part == Part::Notes),
        "{f:?}"
    );
    assert!(get(&f, "dco-missing").is_none());
    let m = get(&f, "dco-mangled-from").expect("mangled");
    assert!(m.message.contains("jane@example.org"), "{}", m.message);
}

#[test]
fn cli_check_exit_codes_and_json() {
    let ok = patchdesk(&[
        "check",
        fixture("clean.patch").to_str().unwrap(),
        "--profile",
        "qemu",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}{}", stdout(&ok), stderr(&ok));
    assert!(stdout(&ok).starts_with("profile qemu ("));

    let bad = patchdesk(&[
        "check",
        fixture("claude-code.patch").to_str().unwrap(),
        "--profile",
        "qemu",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let text = stdout(&bad);
    assert!(text.contains("error[ai-coauthor]"), "{text}");
    assert!(text.contains("Co-Authored-By: Claude <noreply@anthropic.com>"));
    assert!(text.contains("^^^^"));
    assert!(!text.contains('\u{1b}'), "NO_COLOR and a pipe: plain");

    let js = patchdesk(&[
        "check",
        fixture("claude-code.patch").to_str().unwrap(),
        "--profile",
        "linux",
        "--format",
        "json",
        "--min-severity",
        "warning",
    ]);
    assert_eq!(js.status.code(), Some(0), "linux: warnings only");
    let v: serde_json::Value = serde_json::from_str(&stdout(&js)).expect("json");
    assert_eq!(v["profile"], "linux");
    assert_eq!(v["summary"]["patches"], 1);
    assert_eq!(v["summary"]["infos"], 0);
    assert_eq!(v["patches"][0]["message_id"], "20251104-foo-2@example.org");
    let f = &v["patches"][0]["findings"][0];
    assert!(
        f["rule"].is_string()
            && f["part"].is_string()
            && f["line"].is_u64()
            && f["source"].is_string()
    );
}

#[test]
fn cli_bad_profile_lists_every_error_and_exits_2() {
    let out = patchdesk(&[
        "check",
        fixture("clean.patch").to_str().unwrap(),
        "--policy",
        fixture("bad-profile.toml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bad-profile.toml:4: unknown rule id 'dco-mising'"),
        "{err}"
    );
    assert!(
        err.contains("bad-profile.toml:5: bad severity 'fatal'"),
        "{err}"
    );
    assert!(err.contains("bad-profile.toml:9:"), "{err}");
}

#[test]
fn cli_user_profile_exception_turns_errors_into_warnings() {
    let out = patchdesk(&[
        "check",
        fixture("exception.patch").to_str().unwrap(),
        "--policy",
        fixture("exception-profile.toml").to_str().unwrap(),
    ]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("warning[ai-coauthor]"), "{text}");
    assert!(
        text.contains("exception 'isa-test-tables' claimed"),
        "{text}"
    );
    let strict = patchdesk(&[
        "check",
        fixture("exception.patch").to_str().unwrap(),
        "--profile",
        "qemu",
    ]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn cli_profile_from_config_dir_and_guess() {
    let home = tempfile::tempdir().expect("home");
    let dir = home.path().join("config/patchdesk/policies");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::copy(fixture("exception-profile.toml"), dir.join("mine.toml")).expect("copy");
    let out = patchdesk_in(
        home.path(),
        &[
            "check",
            fixture("exception.patch").to_str().unwrap(),
            "--profile",
            "mine",
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("--profile mine (user profile"));
    let list = patchdesk_in(home.path(), &["policy", "list"], None);
    assert!(
        stdout(&list).lines().any(|l| l.starts_with("mine")),
        "{}",
        stdout(&list)
    );
    let show = patchdesk(&["policy", "show", "qemu"]);
    assert_eq!(show.status.code(), Some(0));
    assert!(stdout(&show).contains("policy_version"));
}
