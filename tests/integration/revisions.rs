//! `patchdesk revisions` against the real `git range-diff`: two versions of a series are
//! built with git in a temp repository (same, reworded, changed, reworded and changed,
//! added, removed and reordered patches), mailed with `git format-patch` into one mbox, and
//! patchdesk's pair lines must be git's, line for line.

use crate::{patchdesk_in, stderr, stdout};
use std::path::Path;
use std::process::Stdio;

/// Sandboxed git with fixed dates; returns stdout, panics with stderr on failure.
fn git(home: &Path, dir: &Path, args: &[&str]) -> String {
    let out = crate::git(home)
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_DATE", "2026-01-02T03:04:05Z")
        .env("GIT_COMMITTER_DATE", "2026-01-02T03:04:05Z")
        .stdin(Stdio::null())
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Twenty numbered lines naming `file`.
fn lines(file: &str, changed: &[(usize, &str)]) -> String {
    (1..=20)
        .map(|n| {
            changed
                .iter()
                .find(|(k, _)| *k == n)
                .map_or(format!("{file} line {n}\n"), |(_, t)| format!("{t}\n"))
        })
        .collect()
}

fn commit(home: &Path, dir: &Path, files: &[(&str, String)], message: &str) {
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("file written");
    }
    git(home, dir, &["add", "-A"]);
    git(home, dir, &["commit", "-q", "-m", message]);
}

/// A repository with `base`, `v1` and `v2`; returns its path.
fn two_versions(home: &Path) -> std::path::PathBuf {
    let dir = home.join("repo");
    std::fs::create_dir(&dir).expect("repo dir");
    git(home, &dir, &["init", "-q", "-b", "base"]);
    let base: Vec<(&str, String)> = ["a.c", "b.c", "c.c", "d.c", "g.c"]
        .iter()
        .map(|f| (*f, lines(f, &[])))
        .collect();
    commit(home, &dir, &base, "base");
    // v1: a (kept), b (reworded in v2), c (reordered), d (diff changed), e (removed),
    // g (message and diff changed).
    git(home, &dir, &["checkout", "-q", "-b", "v1"]);
    let sob = "\n\nSigned-off-by: Test <test@example.org>";
    commit(
        home,
        &dir,
        &[("a.c", lines("a.c", &[(5, "a five")]))],
        &format!("a: fix five{sob}"),
    );
    commit(
        home,
        &dir,
        &[("b.c", lines("b.c", &[(7, "b seven")]))],
        &format!("b: fix seven{sob}"),
    );
    commit(
        home,
        &dir,
        &[("c.c", lines("c.c", &[(9, "c nine")]))],
        &format!("c: fix nine{sob}"),
    );
    commit(
        home,
        &dir,
        &[(
            "d.c",
            lines("d.c", &[(3, "d three"), (4, "d four"), (5, "d five")]),
        )],
        &format!("d: fix three to five{sob}"),
    );
    let e: String = (1..=30).map(|n| format!("e {n}\n")).collect();
    commit(home, &dir, &[("e.c", e)], &format!("e: add e{sob}"));
    commit(
        home,
        &dir,
        &[("g.c", lines("g.c", &[(11, "g eleven"), (12, "g twelve")]))],
        &format!("g: fix eleven{sob}"),
    );
    git(home, &dir, &["checkout", "-q", "-b", "v2", "base"]);
    commit(
        home,
        &dir,
        &[("a.c", lines("a.c", &[(5, "a five")]))],
        &format!("a: fix five{sob}"),
    );
    commit(
        home,
        &dir,
        &[("c.c", lines("c.c", &[(9, "c nine")]))],
        &format!("c: fix nine{sob}"),
    );
    commit(
        home,
        &dir,
        &[("b.c", lines("b.c", &[(7, "b seven")]))],
        &format!("b: fix line seven\n\nExplained now.{sob}"),
    );
    commit(
        home,
        &dir,
        &[(
            "d.c",
            lines("d.c", &[(3, "d three"), (4, "d FOUR"), (5, "d five")]),
        )],
        &format!("d: fix three to five{sob}"),
    );
    let f: String = (1..=30).map(|n| format!("f {n}\n")).collect();
    commit(home, &dir, &[("f.c", f)], &format!("f: add f{sob}"));
    commit(
        home,
        &dir,
        &[("g.c", lines("g.c", &[(11, "g eleven"), (12, "g 12")]))],
        &format!("g: fix eleven and twelve{sob}"),
    );
    dir
}

/// Both versions mailed into one mbox, v1 first, each with a cover letter.
fn mbox(home: &Path, dir: &Path) -> std::path::PathBuf {
    let mut text = git(
        home,
        dir,
        &["format-patch", "--stdout", "--cover-letter", "base..v1"],
    );
    text.push_str(&git(
        home,
        dir,
        &[
            "format-patch",
            "--stdout",
            "--cover-letter",
            "-v2",
            "base..v2",
        ],
    ));
    let path = home.join("queue.mbox");
    std::fs::write(&path, text).expect("mbox written");
    path
}

/// The pair lines of a range-diff (the lines that are not indented).
fn pair_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with("    ") && !l.starts_with('#') && !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn revisions_pairs_as_git_range_diff_does() {
    let home = tempfile::tempdir().expect("temp home");
    let dir = two_versions(home.path());
    let expected = git(
        home.path(),
        &dir,
        &["range-diff", "--no-color", "base..v1", "base..v2"],
    );
    let queue = mbox(home.path(), &dir);
    let out = patchdesk_in(
        home.path(),
        &["revisions", queue.to_str().unwrap(), "2"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let got = stdout(&out);
    assert_eq!(
        pair_lines(&got),
        pair_lines(&expected),
        "ours:\n{got}\ngit's:\n{expected}"
    );
    // Every kind is there.
    let marks: String = pair_lines(&got)
        .iter()
        .map(|l| l.split_whitespace().nth(2).unwrap_or("?").to_string())
        .collect();
    for m in ["=", "!", "<", ">"] {
        assert!(marks.contains(m), "{marks}");
    }
}

#[test]
fn revisions_interdiff_is_git_range_diffs() {
    let home = tempfile::tempdir().expect("temp home");
    let dir = two_versions(home.path());
    let expected = git(
        home.path(),
        &dir,
        &["range-diff", "--no-color", "base..v1", "base..v2"],
    );
    let queue = mbox(home.path(), &dir);
    let out = patchdesk_in(
        home.path(),
        &["revisions", queue.to_str().unwrap(), "2"],
        None,
    );
    let got = stdout(&out);
    let git_indented: Vec<&str> = expected.lines().filter(|l| l.starts_with("    ")).collect();
    let ours: Vec<&str> = got
        .lines()
        .filter(|l| {
            l.starts_with("    ") && !l.starts_with("    (") && !l.starts_with("    findings:")
        })
        .collect();
    assert_eq!(ours, git_indented, "ours:\n{got}\ngit's:\n{expected}");
}

/// old, new, change, message_changed, diff_changed of one JSON pair.
type PairRow<'a> = (Option<u64>, Option<u64>, &'a str, bool, bool);

#[test]
fn revisions_json_names_each_pair_and_what_changed() {
    let home = tempfile::tempdir().expect("temp home");
    let dir = two_versions(home.path());
    let queue = mbox(home.path(), &dir);
    let q = queue.to_str().unwrap();
    let out = patchdesk_in(
        home.path(),
        &["revisions", q, "2", "--against", "1", "--format", "json"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let r = &v["revisions"][0];
    assert_eq!(
        (r["series"].as_u64(), r["previous"].as_u64()),
        (Some(2), Some(1))
    );
    let pairs: Vec<PairRow> = r["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| {
            (
                p["old"].as_u64(),
                p["new"].as_u64(),
                p["change"].as_str().unwrap_or(""),
                p["message_changed"].as_bool().unwrap_or(false),
                p["diff_changed"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            (Some(1), Some(1), "same", false, false),
            (Some(3), Some(2), "same", false, false),
            (Some(2), Some(3), "changed", true, false),
            (Some(4), Some(4), "changed", false, true),
            (Some(5), None, "removed", false, false),
            (None, Some(5), "added", false, false),
            (Some(6), Some(6), "changed", true, true),
        ]
    );
    assert!(r["pairs"][0]["findings"]["new"].is_array());
}

#[test]
fn list_json_links_the_versions() {
    let home = tempfile::tempdir().expect("temp home");
    let dir = two_versions(home.path());
    let queue = mbox(home.path(), &dir);
    let out = patchdesk_in(
        home.path(),
        &["list", "--format", "json", queue.to_str().unwrap()],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let s = v["series"].as_array().expect("series");
    assert_eq!(s.len(), 2);
    assert!(s[0]["previous"].is_null());
    assert_eq!(s[0]["family"], 1);
    assert_eq!(s[1]["previous"], 1);
    assert_eq!(s[1]["family"], 1);
}

#[test]
fn revisions_errors_name_the_problem_and_exit_2() {
    let home = tempfile::tempdir().expect("temp home");
    let dir = two_versions(home.path());
    let queue = mbox(home.path(), &dir);
    let q = queue.to_str().unwrap();
    for (args, says) in [
        (vec!["revisions", q, "9"], "no series 9"),
        (vec!["revisions", q, "x"], "not a series number"),
        (vec!["revisions", q, "1"], "no earlier version"),
        (
            vec!["revisions", q, "2", "--against", "2"],
            "compared with itself",
        ),
        (vec!["revisions", q], "name a SERIES"),
    ] {
        let out = patchdesk_in(home.path(), &args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(stdout(&out).is_empty());
    }
}

/// v1: one patch touching two files, then two small patches of one file; v2, on a base
/// that moved the files' lines down: the first split in two, the other two squashed.
fn split_and_squash(home: &Path) -> std::path::PathBuf {
    let dir = home.join("repo2");
    std::fs::create_dir(&dir).expect("repo dir");
    git(home, &dir, &["init", "-q", "-b", "base"]);
    let base: Vec<(&str, String)> = ["h.c", "k.c", "m.c"]
        .iter()
        .map(|f| (*f, lines(f, &[])))
        .collect();
    commit(home, &dir, &base, "base");
    let sob = "\n\nSigned-off-by: Test <test@example.org>";
    git(home, &dir, &["checkout", "-q", "-b", "v1"]);
    commit(
        home,
        &dir,
        &[
            ("h.c", lines("h.c", &[(4, "h four"), (5, "h five")])),
            ("k.c", lines("k.c", &[(6, "k six"), (7, "k seven")])),
        ],
        &format!("hk: fix both{sob}"),
    );
    commit(
        home,
        &dir,
        &[("m.c", lines("m.c", &[(2, "m two")]))],
        &format!("m: two{sob}"),
    );
    commit(
        home,
        &dir,
        &[("m.c", lines("m.c", &[(2, "m two"), (15, "m fifteen")]))],
        &format!("m: fifteen{sob}"),
    );
    // The new base: a line added at the top of every file (the hunks move).
    git(home, &dir, &["checkout", "-q", "-b", "base2", "base"]);
    let moved = |f: &str, changed: &[(usize, &str)]| format!("/* top */\n{}", lines(f, changed));
    commit(
        home,
        &dir,
        &[
            ("h.c", moved("h.c", &[])),
            ("k.c", moved("k.c", &[])),
            ("m.c", moved("m.c", &[])),
        ],
        "base2",
    );
    git(home, &dir, &["checkout", "-q", "-b", "v2"]);
    commit(
        home,
        &dir,
        &[("h.c", moved("h.c", &[(4, "h four"), (5, "h five")]))],
        &format!("h: fix{sob}"),
    );
    commit(
        home,
        &dir,
        &[("k.c", moved("k.c", &[(6, "k six"), (7, "k seven")]))],
        &format!("k: fix{sob}"),
    );
    commit(
        home,
        &dir,
        &[("m.c", moved("m.c", &[(2, "m two"), (15, "m fifteen")]))],
        &format!("m: two and fifteen{sob}"),
    );
    dir
}

#[test]
fn revisions_of_a_split_squashed_rebased_series_pair_as_git_range_diff() {
    let home = tempfile::tempdir().expect("temp home");
    let dir = split_and_squash(home.path());
    let expected = git(
        home.path(),
        &dir,
        &["range-diff", "--no-color", "base..v1", "base2..v2"],
    );
    let mut text = git(
        home.path(),
        &dir,
        &["format-patch", "--stdout", "--cover-letter", "base..v1"],
    );
    text.push_str(&git(
        home.path(),
        &dir,
        &[
            "format-patch",
            "--stdout",
            "--cover-letter",
            "-v2",
            "base2..v2",
        ],
    ));
    let queue = home.path().join("q.mbox");
    std::fs::write(&queue, text).expect("mbox");
    let out = patchdesk_in(
        home.path(),
        &["revisions", queue.to_str().unwrap(), "2"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let got = stdout(&out);
    assert_eq!(
        pair_lines(&got),
        pair_lines(&expected),
        "ours:\n{got}\ngit's:\n{expected}"
    );
    let git_indented: Vec<&str> = expected.lines().filter(|l| l.starts_with("    ")).collect();
    let indented: Vec<&str> = got
        .lines()
        .filter(|l| {
            l.starts_with("    ") && !l.starts_with("    (") && !l.starts_with("    findings:")
        })
        .collect();
    assert_eq!(indented, git_indented, "ours:\n{got}\ngit's:\n{expected}");
}

/// v1 and v2 of a three-patch series, threaded, with replies to v1: `b` is resent
/// unchanged (its Acked-by from a reply is carried), `d`'s diff changed a lot while it keeps
/// the Reviewed-by of v1 (stale) and has a Tested-by from a reply to v1 (stale), `a` only
/// gains the Reviewed-by in its message (not stale: its diff did not change).
fn reviewed_versions(home: &Path) -> std::path::PathBuf {
    let dir = home.join("repo");
    std::fs::create_dir(&dir).expect("repo dir");
    git(home, &dir, &["init", "-q", "-b", "base"]);
    let base: Vec<(&str, String)> = ["a.c", "b.c", "d.c"]
        .iter()
        .map(|f| (*f, lines(f, &[])))
        .collect();
    commit(home, &dir, &base, "base");
    let sob = "Signed-off-by: Test <test@example.org>";
    let rb = "Reviewed-by: Rev <rev@example.org>";
    for (branch, a_msg, d_lines, d_msg) in [
        (
            "v1",
            format!("a: fix five\n\n{sob}"),
            vec![(3, "d three"), (4, "d four"), (5, "d five")],
            format!("d: fix three\n\n{sob}"),
        ),
        (
            "v2",
            format!("a: fix five\n\n{sob}\n{rb}"),
            vec![(3, "d three"), (4, "d FOUR"), (5, "d five")],
            format!("d: fix three\n\n{sob}\n{rb}"),
        ),
    ] {
        git(home, &dir, &["checkout", "-q", "-b", branch, "base"]);
        commit(
            home,
            &dir,
            &[("a.c", lines("a.c", &[(5, "a five")]))],
            &a_msg,
        );
        commit(
            home,
            &dir,
            &[("b.c", lines("b.c", &[(7, "b seven")]))],
            &format!("b: fix seven\n\n{sob}"),
        );
        commit(home, &dir, &[("d.c", lines("d.c", &d_lines))], &d_msg);
    }
    let v1 = git(
        home,
        &dir,
        &[
            "format-patch",
            "--stdout",
            "--thread=shallow",
            "--cover-letter",
            "base..v1",
        ],
    );
    let id_of = |subject: &str| -> String {
        let at = v1.find(subject).expect("subject in v1");
        let before = &v1[..at];
        let from = before
            .rfind("\nMessage-ID: <")
            .or_else(|| before.rfind("\nMessage-Id: <"))
            .expect("message id");
        let rest = &v1[from + 14..];
        rest[..rest.find('>').unwrap()].to_string()
    };
    let reply = |id: &str, subject: &str, body: &str| {
        format!(
            "From rev@example.org Mon Sep 17 00:00:00 2001\nFrom: Rev <rev@example.org>\nSubject: Re: {subject}\nDate: Sat, 3 Jan 2026 00:00:00 +0000\nMessage-Id: <reply-{id}>\nIn-Reply-To: <{id}>\nReferences: <{id}>\n\n{body}\n\n"
        )
    };
    let mut text = v1.clone();
    text.push_str(&reply(
        &id_of("Subject: [PATCH 2/3] b: fix seven"),
        "[PATCH 2/3] b: fix seven",
        "Acked-by: Rev <rev@example.org>",
    ));
    text.push_str(&reply(
        &id_of("Subject: [PATCH 3/3] d: fix three"),
        "[PATCH 3/3] d: fix three",
        "Tested-by: Rev <rev@example.org>",
    ));
    text.push_str(&git(
        home,
        &dir,
        &[
            "format-patch",
            "--stdout",
            "--thread=shallow",
            "--cover-letter",
            "-v2",
            "base..v2",
        ],
    ));
    let path = home.join("queue.mbox");
    std::fs::write(&path, text).expect("mbox written");
    path
}

#[test]
fn reviews_carry_to_a_same_patch_and_go_stale_on_a_changed_one() {
    let home = tempfile::tempdir().expect("temp home");
    let queue = reviewed_versions(home.path());
    let q = queue.to_str().unwrap();
    let out = patchdesk_in(
        home.path(),
        &["revisions", q, "2", "--format", "json"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let pairs = v["revisions"][0]["pairs"]
        .as_array()
        .expect("pairs")
        .clone();
    let row = |n: u64| pairs.iter().find(|p| p["new"] == n).expect("pair").clone();
    let (a, b, d) = (row(1), row(2), row(3));
    assert_eq!(b["change"], "same");
    assert_eq!(
        b["trailers"]["carried"],
        serde_json::json!(["Acked-by: Rev <rev@example.org>"])
    );
    assert_eq!(
        a["trailers"]["stale"],
        serde_json::json!([]),
        "only the message changed"
    );
    assert_eq!(
        d["trailers"]["stale"],
        serde_json::json!([
            "Reviewed-by: Rev <rev@example.org>",
            "Tested-by: Rev <rev@example.org>"
        ]),
        "{d}"
    );
    assert!(
        d["findings"]["new"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "trailer-stale-review"),
        "{d}"
    );
    let text = patchdesk_in(home.path(), &["revisions", q, "2"], None);
    assert!(
        stdout(&text).contains("    trailers: carried Acked-by: Rev <rev@example.org>; stale -"),
        "{}",
        stdout(&text)
    );
    // `check` reports it too, as an info on v2's patch 3 only.
    let check = patchdesk_in(
        home.path(),
        &["check", q, "--format", "json", "--min-severity", "info"],
        None,
    );
    let c: serde_json::Value = serde_json::from_str(&stdout(&check)).expect("json");
    let stale: Vec<String> = c["patches"]
        .as_array()
        .expect("patches")
        .iter()
        .filter(|p| {
            p["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == "trailer-stale-review")
        })
        .map(|p| p["subject"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(stale, ["[PATCH v2 3/3] d: fix three"], "{}", stdout(&check));
}

/// The two versions of [`two_versions`] in two mboxes: v1 as last week's, v2 as today's;
/// the repository, then the mboxes' paths.
fn last_week_and_today(
    home: &Path,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let dir = two_versions(home);
    let write = |name: &str, args: &[&str]| {
        let text = git(home, &dir, args);
        let path = home.join(name);
        std::fs::write(&path, text).expect("mbox written");
        path
    };
    let v1 = write(
        "last-week.mbox",
        &["format-patch", "--stdout", "--cover-letter", "base..v1"],
    );
    let v2 = write(
        "today.mbox",
        &[
            "format-patch",
            "--stdout",
            "--cover-letter",
            "-v2",
            "base..v2",
        ],
    );
    (dir, v1, v2)
}

/// A v2 in today's mbox is compared with the v1 reviewed from last week's: the status set
/// on v1 kept its series in the archive of reviewed patches; without the archive the
/// message says where nothing was found.
#[test]
fn a_version_reviewed_from_another_mbox_is_compared_from_the_archive() {
    let home = tempfile::tempdir().expect("temp home");
    let (dir, v1, v2) = last_week_and_today(home.path());
    let (v1, v2) = (v1.to_str().unwrap(), v2.to_str().unwrap());
    let before = patchdesk_in(home.path(), &["revisions", v2, "1"], None);
    assert_eq!(before.status.code(), Some(2));
    assert!(
        stderr(&before)
            .contains("no earlier version in this queue or in the archive of reviewed patches")
            && stderr(&before).contains("reviewed.bin"),
        "{}",
        stderr(&before)
    );
    let out = patchdesk_in(
        home.path(),
        &["status", v1, "1.4", "changes-requested"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = patchdesk_in(home.path(), &["revisions", v2, "1"], None);
    assert!(text.status.success(), "{}", stderr(&text));
    assert!(
        stdout(&text).starts_with("# v1 from the archive of reviewed patches"),
        "{}",
        stdout(&text)
    );
    // The same pairs as with both versions in one mbox.
    let both = mbox(home.path(), &dir);
    let together = patchdesk_in(
        home.path(),
        &["revisions", both.to_str().unwrap(), "2"],
        None,
    );
    assert_eq!(pair_lines(&stdout(&text)), pair_lines(&stdout(&together)));
    let json = patchdesk_in(
        home.path(),
        &["revisions", v2, "1", "--format", "json"],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("json");
    assert_eq!(v["revisions"][0]["series"], 1);
    assert!(v["revisions"][0]["previous"].is_null());
    assert_eq!(v["revisions"][0]["archived"], true);
    assert_eq!(v["revisions"][0]["pairs"].as_array().map(Vec::len), Some(7));
}

/// A note written on the demo's v2 interdiff lands on the newer patch's own line and the
/// review reply quotes the interdiff it was written on.
#[test]
fn a_note_on_the_interdiff_lands_on_the_new_line_and_the_reply_quotes_the_interdiff() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/patchdesk");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "[identity]\nname = \"Rev Iewer\"\nemail = \"rev@example.org\"\n",
    )
    .unwrap();
    // v2 2/3's interdiff, scrolled so that the close of the new receive loop is on top.
    let keys = format!(
        "jjjjjj<enter>d{}aonly when the FIFO holds data?<enter>",
        "j".repeat(24)
    );
    let args = ["demo", "--keys", &keys, "--print", "--size", "100x12"];
    let out = patchdesk_in(home.path(), &args, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let screen = stdout(&out);
    // The loop's `}` is new-side line 39 of the newer patch (the first `}` is line 14).
    assert!(
        screen.contains("note added on hw/char/uart.c:39, quoting the interdiff"),
        "{screen}"
    );
    // And it shows there, under the line it was written on.
    let note_row =
        (screen.lines()).position(|l| l.contains("\u{270e} only when the FIFO holds data?"));
    let line_row = (screen.lines()).position(|l| l.trim_start() == "+    }");
    assert_eq!(note_row, line_row.map(|r| r + 1), "{screen}");
    let mbox = home.path().join("replies.mbox");
    let args = [
        "export",
        "replies",
        "--demo",
        "--all",
        "--out",
        mbox.to_str().unwrap(),
    ];
    let out = patchdesk_in(home.path(), &args, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&mbox).unwrap();
    let block = text
        .split("On what changed since the previous version (the interdiff):\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no interdiff block in\n{text}"));
    let quoted: Vec<&str> = (block.trim_start().lines())
        .take_while(|l| l.starts_with('>'))
        .collect();
    assert_eq!(
        quoted.first().copied(),
        Some("> @@ hw/char/uart.c: static void uart_write_tx(UARTState *s, uint8_t value)")
    );
    assert_eq!(quoted.last().copied(), Some(">  +    }"), "{block}");
    assert!(
        block.contains("\nonly when the FIFO holds data?\n"),
        "{block}"
    );
    // Not quoted a second time around the patch's own diff.
    assert_eq!(
        text.matches("only when the FIFO holds data?").count(),
        1,
        "{text}"
    );
}

/// The desk compares today's v2 with last week's reviewed v1 from the archive: the queue
/// marks the series, the range-diff names the archive, `v` opens the archived version
/// read-only; a corrupt archive is a message, not a failed load.
#[test]
fn the_desk_compares_with_the_archived_version_and_shows_it_read_only() {
    let home = tempfile::tempdir().expect("temp home");
    let (_, v1, v2) = last_week_and_today(home.path());
    let (v1, v2) = (v1.to_str().unwrap(), v2.to_str().unwrap());
    for args in [
        &["status", v1, "1.4", "changes-requested"][..],
        &["note", v1, "1.4", "say why in the message"][..],
    ] {
        let out = patchdesk_in(home.path(), args, None);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let desk = |keys: &str| {
        let args = [v2, "--keys", keys, "--print", "--size", "200x12"];
        let out = patchdesk_in(home.path(), &args, None);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    // The queue: v2 has earlier versions, its patches marked against the archived v1.
    let screen = desk("");
    let row = (screen.lines())
        .find(|l| l.contains("*** SUBJECT HERE ***"))
        .unwrap_or_else(|| panic!("no cover row in\n{screen}"));
    assert!(row.contains("\u{21bb}v1"), "{screen}");
    let marks: Vec<&str> = ["a: fix five", "b: fix line seven", "f: add f"]
        .iter()
        .map(|subject| {
            let row = (screen.lines())
                .find(|l| l.contains(subject))
                .unwrap_or_default();
            let before = row.split(subject).next().unwrap_or_default();
            before.split_whitespace().last().unwrap_or_default()
        })
        .collect();
    assert_eq!(marks, ["=", "!", "+\u{25b2}3"], "{screen}");
    // The range-diff names where v1 came from.
    let screen = desk("V");
    assert!(
        screen.contains("series 1 (v2) against v1 in the archive of reviewed patches"),
        "{screen}"
    );
    // The changed 4/6 knows the maintainer reviewed v1 — in last week's desk.
    let screen = desk("jjjj<enter>");
    assert!(screen.contains("[PATCH v2 4/6]"), "{screen}");
    assert!(screen.contains("changed since you reviewed v1"), "{screen}");
    // `v`: the archived v1, read-only, with the note written on it last week.
    let screen = desk("jjjj<enter>v");
    assert!(
        screen.contains("[PATCH 4/6] d: fix three to five"),
        "{screen}"
    );
    assert!(
        screen.contains("previous version (v1, from the archive of reviewed patches, read-only)"),
        "{screen}"
    );
    assert!(screen.contains("say why in the message"), "{screen}");
    let screen = desk("jjjj<enter>vS");
    assert!(
        screen.contains("read-only: this version is from the archive of reviewed patches"),
        "{screen}"
    );
    // Back on v2, the status still records on today's patch.
    let screen = desk("jjjj<enter>vvs");
    assert!(!screen.contains("read-only"), "{screen}");
    // A corrupt archive: the desk opens, says why v1 is not compared.
    let archive = home.path().join("data/patchdesk/reviewed.bin");
    assert!(archive.is_file(), "the status on v1 archived its series");
    std::fs::write(&archive, b"garbage").unwrap();
    let screen = desk("");
    assert!(screen.contains("earlier versions not compared"), "{screen}");
    assert!(screen.contains("*** SUBJECT HERE ***"), "{screen}");
}
