//! `patchdesk list` and `show` on the demo queue and on bad input.

use crate::{patchdesk, patchdesk_in, stderr, stdout};

#[test]
fn list_demo_text_shows_every_series_and_the_gap() {
    let out = patchdesk(&["list", "--demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for needle in [
        "include/hw/uart: add receive FIFO state",
        "block/qcow: look clusters up with a binary search",
        "docs: fix a typo in the device list",
        "Zoë Łukasiewicz",
        "missing: 2/3",
        "5 series, 11 patches, 4 replies",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
fn list_demo_json_follows_the_contract() {
    let out = patchdesk(&["list", "--demo", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let series = v["series"].as_array().expect("series");
    assert_eq!(series.len(), 5);
    let first = &series[0];
    assert_eq!(first["id"], 1);
    assert_eq!(first["version"], 1);
    assert_eq!(first["total"], 3);
    assert_eq!(first["title"], "hw/char/uart: add a receive FIFO");
    assert_eq!(
        first["cover"]["message_id"],
        "20261120091200.1000-0-mara.quint@example.org"
    );
    let p = &first["patches"][0];
    for field in [
        "key",
        "message_id",
        "commit",
        "index",
        "total",
        "version",
        "subject",
        "author",
        "date",
        "trailers",
        "files",
        "insertions",
        "deletions",
    ] {
        assert!(p.get(field).is_some(), "PATCH has {field}");
    }
    assert_eq!(p["subject"], "include/hw/uart: add receive FIFO state");
    assert_eq!(p["author"]["email"], "mara.quint@example.org");
    assert_eq!(p["date"], "2026-11-20T10:12:01+01:00");
    assert_eq!(p["files"][0], "include/hw/uart.h");
    assert_eq!(p["insertions"], 5);
    assert_eq!(p["reviews"]["reviewed"], 1, "Jon's reply counted");
    assert_eq!(series[1]["version"], 2);
    assert_eq!(series[4]["missing"], serde_json::json!([2]));
    assert_eq!(v["skipped"], serde_json::json!([]));
}

#[test]
fn show_demo_patch_text_and_json() {
    let out = patchdesk(&["show", "--demo", "3.1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Co-Authored-By: Claude <noreply@anthropic.com>"),
        "{text}"
    );
    assert!(
        text.contains("+        int mid = lo + (hi - lo) / 2;"),
        "{text}"
    );
    assert!(text.contains("Nacked-by: Kevin Wolfe"), "{text}");

    let out = patchdesk(&[
        "show",
        "--demo",
        "20261121113000.4000-1-zoe@example.pl",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["author"]["name"], "Zoë Łukasiewicz");
    assert_eq!(
        v["message"],
        "docs: fix a typo in the device list\n\nFixes: 977f8c2 (docs: add device list)\nSigned-off-by: Zoë Łukasiewicz <zoe@example.pl>\n"
    );
    assert!(v["notes"].as_str().unwrap().contains("1 file changed"));
    let hunk = &v["diff"][0]["hunks"][0];
    assert_eq!(hunk["lines"][0]["kind"], "context");
    let removed = hunk["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "remove")
        .unwrap();
    assert_eq!(removed["old"], 4);
    assert!(removed["new"].is_null());
}

#[test]
fn show_names_a_missing_patch() {
    let out = patchdesk(&["show", "--demo", "5.2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("series 5 has no patch 2 (it did not arrive)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn stdin_reads_an_mbox() {
    let home = tempfile::tempdir().unwrap();
    let out = patchdesk_in(
        home.path(),
        &["list", "-"],
        Some(patchdesk::demo::DEMO_MBOX.as_bytes()),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("5 series, 11 patches, 4 replies"));
}

#[test]
fn bad_sources_exit_2_with_one_line_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.mbox");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for (path, hint) in [(missing.as_path(), "nope.mbox"), (empty.as_path(), "empty")] {
        let out = patchdesk(&["list", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        let err = stderr(&out);
        assert!(
            err.starts_with("patchdesk: ") && err.contains(hint),
            "{err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
}

#[test]
fn the_desk_replays_keys_headless_and_prints_the_screen() {
    let out = patchdesk(&[
        "demo",
        "--keys",
        "/qcow<enter><enter>",
        "--print",
        "--size",
        "100x30",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let screen = stdout(&out);
    assert_eq!(screen.lines().count(), 30, "{screen}");
    assert!(screen.contains("block/qcow"), "{screen}");

    let out = patchdesk(&["--keys", "", "--print", "--size", "100x20"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("built-in demo queue"),
        "{}",
        stdout(&out)
    );

    let out = patchdesk(&["demo", "--print", "--size", "huge"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--size \"huge\""), "{}", stderr(&out));
}

#[test]
fn a_bad_keymap_is_reported_before_the_desk_opens() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keys.toml");
    std::fs::write(&file, "[queue]\nno_such_action = \"x\"\n").unwrap();
    let out = patchdesk(&["demo", "--keymap", file.to_str().unwrap(), "--print"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no_such_action"), "{}", stderr(&out));
}

#[test]
fn keys_prints_the_effective_keymap() {
    let out = patchdesk(&["keys", "--markdown"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps/KEYS.md"),
    )
    .unwrap();
    assert!(
        committed.trim_end().ends_with(stdout(&out).trim()),
        "keymaps/KEYS.md is current"
    );
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    assert!(
        readme.contains(stdout(&out).trim()),
        "README's key table is the generated one"
    );
}

#[test]
fn show_marks_findings_under_their_exact_span() {
    let out = patchdesk(&["show", "--demo", "3.1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("Co-Authored-By: Claude"))
        .expect("trailer shown");
    let marks = lines[at + 1];
    assert!(marks.contains("error[ai-coauthor]"), "{marks}");
    // The carets stand under `Claude <noreply@anthropic.com>`, not under the key.
    assert_eq!(marks.find('^'), Some("Co-Authored-By: ".len()), "{marks}");

    let out = patchdesk(&["show", "--demo", "3.1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"ai-coauthor") && rules.contains(&"ai-footer"),
        "{rules:?}"
    );

    let out = patchdesk(&["show", "--demo", "3.1", "--profile", "generic"]);
    assert!(stdout(&out).starts_with("Profile: generic"));
}
