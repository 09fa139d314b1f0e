//! The triage commands: their `*_on` functions on hand-built queues (the whole flow: preview,
//! gate, waivers, record, list), and the binary's exit code 2 on bad input.

use super::fixtures::{findings, series_queue};
use crate::{patchdesk_in, stderr};
use patchdesk::cli::Format;
use patchdesk::cli::triage::{self as cli_triage, QueueArgs, TrailerArgs};
use patchdesk::mail::Address;
use patchdesk::triage::status::Status;
use patchdesk::triage::store;
use patchdesk::triage::trailers::TrailerKind;

fn me() -> Address {
    Address {
        name: "Mia Maintainer".into(),
        email: "mia@example.org".into(),
    }
}

fn ack_args(patches: &[&str], waive: &[&str], dry_run: bool) -> TrailerArgs {
    TrailerArgs {
        queue: QueueArgs {
            source: "q.mbox".into(),
            repo: None,
            no_cache: true,
        },
        patches: patches.iter().map(|s| s.to_string()).collect(),
        series: false,
        profile: None,
        policy: None,
        waive: waive.iter().map(|s| s.to_string()).collect(),
        dry_run,
    }
}

#[test]
fn ack_cover_needs_waiver_then_records_and_lists() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let f = findings();

    let (text, result) = cli_triage::trailer_on(
        &q,
        &f,
        data.path(),
        TrailerKind::Acked,
        &ack_args(&["1.0"], &[], false),
        &me(),
    );
    let err = result.unwrap_err().to_string();
    assert!(err.contains("nothing recorded"), "{err}");
    assert!(
        text.contains("! 1.2: error 'dco-missing' is not resolved"),
        "{text}"
    );
    assert!(text.contains("--waive 'dco-missing=REASON'"), "{text}");
    assert!(
        text.contains("+ Acked-by: Mia Maintainer <mia@example.org>"),
        "{text}"
    );

    let (text, result) = cli_triage::trailer_on(
        &q,
        &f,
        data.path(),
        TrailerKind::Acked,
        &ack_args(&["1.0"], &["dco-missing=signed off in reply"], true),
        &me(),
    );
    assert_eq!(result.unwrap(), 0);
    assert!(text.contains("dry run: nothing recorded"), "{text}");
    assert!(!store::state_path(data.path(), "q.mbox").exists());

    let (text, result) = cli_triage::trailer_on(
        &q,
        &f,
        data.path(),
        TrailerKind::Acked,
        &ack_args(&["1.0"], &["dco-missing=signed off in reply"], false),
        &me(),
    );
    assert_eq!(result.unwrap(), 0, "{text}");
    assert!(text.contains("recorded Acked-by on 2 patch(es)"), "{text}");
    let state = store::load(&store::state_path(data.path(), "q.mbox"))
        .unwrap()
        .unwrap();
    assert_eq!(state.waivers.len(), 1);
    assert_eq!(state.waivers[0].reason, "signed off in reply");
}

#[test]
fn waiver_for_a_rule_that_did_not_fire_is_bad_input() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let (text, result) = cli_triage::trailer_on(
        &q,
        &findings(),
        data.path(),
        TrailerKind::Reviewed,
        &ack_args(&["1.1"], &["ai-footer=nothing"], false),
        &me(),
    );
    assert!(result.is_err());
    assert!(
        text.contains("1.1: waiver for 'ai-footer', but that rule did not fire"),
        "{text}"
    );
}

#[test]
fn unknown_patch_is_bad_input() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let (_, result) = cli_triage::trailer_on(
        &q,
        &findings(),
        data.path(),
        TrailerKind::Tested,
        &ack_args(&["1.7"], &[], false),
        &me(),
    );
    assert!(result.unwrap_err().to_string().contains("no patch 7"));
}

#[test]
fn status_and_notes_commands() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let out = cli_triage::status_on(&q, data.path(), "1.1", Status::Accepted).unwrap();
    assert_eq!(out, "1.1: accepted\n");
    let out = cli_triage::status_on(
        &q,
        data.path(),
        "1.0",
        Status::parse("deferred:2026-12-24").unwrap(),
    )
    .unwrap();
    assert_eq!(out, "series 1: deferred until 2026-12-24\n");

    cli_triage::note_on(&q, data.path(), "1.1", Some("src/a.c:2"), "why b?").unwrap();
    cli_triage::note_on(&q, data.path(), "1.2", Some("message:3"), "explain").unwrap();
    cli_triage::note_on(&q, data.path(), "1.0", None, "ask for a v2").unwrap();
    let err = cli_triage::note_on(&q, data.path(), "1.1", Some("src/a.c:99"), "x").unwrap_err();
    assert!(err.to_string().contains("no new-side line 99"), "{err}");

    let list = cli_triage::notes_on(&q, data.path(), Format::Text).unwrap();
    assert!(list.contains("1.1 src/a.c:2\n      why b?"), "{list}");
    assert!(list.contains("1.2 message:3\n      explain"), "{list}");
    assert!(list.contains("series 1\n      ask for a v2"), "{list}");
    let json = cli_triage::notes_on(&q, data.path(), Format::Json).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value.as_array().map(Vec::len), Some(3));
}

#[test]
fn binary_refuses_an_unknown_status_with_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let out = patchdesk_in(home.path(), &["status", "q.mbox", "1.1", "merged"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown status 'merged'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn binary_moves_a_corrupt_state_file_aside_with_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let source = home.path().join("q.mbox");
    std::fs::write(&source, "").unwrap();
    let source = source.display().to_string();
    let state = store::state_path(&home.path().join("data/patchdesk"), &source);
    std::fs::create_dir_all(state.parent().unwrap()).unwrap();
    std::fs::write(&state, "{ broken").unwrap();
    let out = patchdesk_in(home.path(), &["notes", &source], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("corrupt") && err.contains(".corrupt-"),
        "{err}"
    );
    assert!(!state.exists(), "moved aside, not overwritten");

    // A state file from a newer patchdesk stays where it is.
    std::fs::write(&state, r#"{"schema_version": 7}"#).unwrap();
    let out = patchdesk_in(home.path(), &["status", &source, "1.1", "accepted"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("schema version 7"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&state).unwrap(),
        r#"{"schema_version": 7}"#
    );
}

/// Runs the binary in a sandbox whose global git config names the maintainer.
fn run_as_maintainer(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    let gitconfig = home.join("gitconfig");
    std::fs::write(
        &gitconfig,
        "[user]\n\tname = Mia Maintainer\n\temail = mia@example.org\n",
    )
    .unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_patchdesk"))
        .args(args)
        .current_dir(home)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("GIT_CONFIG_GLOBAL", &gitconfig)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn binary_end_to_end_on_the_demo_queue() {
    let home = tempfile::tempdir().unwrap();
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo/demo.mbox");
    let q = demo.to_str().unwrap();
    let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();

    // Series 1 (v1): patch 2 has no Signed-off-by, an error under the qemu profile.
    let out = run_as_maintainer(home.path(), &["ack", q, "1.0", "--profile", "qemu"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        text(&out).contains("! 1.2: error 'dco-missing' is not resolved"),
        "{}",
        text(&out)
    );
    assert!(
        stderr(&out).contains("nothing recorded"),
        "{}",
        stderr(&out)
    );

    let waive = "dco-missing=author sent the sign-off in a reply";
    let out = run_as_maintainer(
        home.path(),
        &[
            "ack",
            q,
            "1.0",
            "--profile",
            "qemu",
            "--waive",
            waive,
            "--dry-run",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(text(&out).contains("+ Acked-by: Mia Maintainer <mia@example.org>"));
    assert!(text(&out).contains("dry run: nothing recorded"));

    let out = run_as_maintainer(
        home.path(),
        &["ack", q, "1.0", "--profile", "qemu", "--waive", waive],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        text(&out).contains("recorded Acked-by on 3 patch(es)"),
        "{}",
        text(&out)
    );

    let out = run_as_maintainer(
        home.path(),
        &["ack", q, "1.1", "--profile", "qemu", "--dry-run"],
    );
    assert!(text(&out).contains("skipped: identical"), "{}", text(&out));

    // A waiver for a rule that did not fire is bad input.
    let out = run_as_maintainer(
        home.path(),
        &["review", q, "1.1", "--waive", "ai-footer=no"],
    );
    assert_eq!(out.status.code(), Some(2));

    let out = run_as_maintainer(home.path(), &["status", q, "1.3", "accepted"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run_as_maintainer(
        home.path(),
        &["note", q, "1.2", "--line", "message:1", "why?"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run_as_maintainer(home.path(), &["notes", q]);
    assert!(
        text(&out).contains("1.2 message:1\n      why?"),
        "{}",
        text(&out)
    );
    let out = run_as_maintainer(home.path(), &["status", q, "7.1", "accepted"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no series 7"), "{}", stderr(&out));

    // The exports read the same store: the series mbox carries the ack, never the waiver.
    let mbox = home.path().join("series1.mbox");
    let out = run_as_maintainer(
        home.path(),
        &[
            "export",
            "series",
            q,
            "--series",
            "1",
            "--out",
            mbox.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read_to_string(&mbox).unwrap();
    assert_eq!(
        written
            .matches("Acked-by: Mia Maintainer <mia@example.org>")
            .count(),
        3,
        "{written}"
    );
    assert!(!written.contains("author sent the sign-off"), "{written}");
}

#[test]
fn binary_uses_patchdesk_config_for_identity_and_editor() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo/demo.mbox");
    let q = demo.to_str().unwrap();
    let editor = home.path().join("my editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'written in the editor\\n' > \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config_dir = home.path().join("config/patchdesk");
    std::fs::create_dir_all(&config_dir).unwrap();
    // The editor's path has a space: patchdesk's config splits on whitespace, so point at
    // it through a symlink without one.
    let link = home.path().join("ed");
    std::os::unix::fs::symlink(&editor, &link).unwrap();
    std::fs::write(
        config_dir.join("config.toml"),
        format!(
            "[identity]\nname = \"Cora Config\"\nemail = \"cora@example.org\"\n[notes]\neditor = \"{}\"\n",
            link.display()
        ),
    )
    .unwrap();
    let out = run_as_maintainer(home.path(), &["test", q, "4.1", "--dry-run"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        stdout.contains("+ Tested-by: Cora Config <cora@example.org>"),
        "{stdout}"
    );

    let out = run_as_maintainer(home.path(), &["note", q, "4.1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run_as_maintainer(home.path(), &["notes", q]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains("written in the editor"), "{stdout}");
}

#[test]
fn a_hand_truncated_state_file_is_set_aside_with_its_path_and_not_reset() {
    let home = tempfile::tempdir().unwrap();
    let source = home.path().join("q.mbox");
    std::fs::copy(crate::fixtures().join("mail/format-patch.mbox"), &source).unwrap();
    let source = source.display().to_string();
    let ok = patchdesk_in(home.path(), &["note", &source, "1.1", "keep me"], None);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let state = store::state_path(&home.path().join("data/patchdesk"), &source);
    let whole = std::fs::read(&state).unwrap();
    std::fs::write(&state, &whole[..whole.len() / 2]).unwrap();
    let out = patchdesk_in(home.path(), &["status", &source, "1.1", "accepted"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let aside = std::fs::read_dir(state.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.display().to_string().contains(".corrupt-"))
        .expect("set aside");
    assert!(err.contains(&aside.display().to_string()), "{err}");
    assert_eq!(std::fs::read(&aside).unwrap(), &whole[..whole.len() / 2]);
    assert!(!state.exists(), "nothing was written in its place: {err}");
}
