//! `--tree`: the MAINTAINERS of a tree in `list`/`show` JSON, and its errors reported.

use super::{patchdesk, stderr, stdout};

const MAINTAINERS: &str = "\
UART
M:\tUma Art <uma@example.org>
R:\tRay View <ray@example.org>
L:\tserial@lists.example.org
S:\tMaintained
F:\thw/char/
F:\tinclude/hw/uart.h

BLOCK
M:\tBo Lock <bo@example.org>
S:\tSupported
F:\tblock/
F:\ttests/test-qcow*
Z:\tnot a kind this reader knows
F:\tblock/(broken

THE REST
L:\tall@lists.example.org
S:\tMaintained
F:\t*
F:\t*/
";

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("MAINTAINERS"), MAINTAINERS).unwrap();
    std::fs::create_dir_all(dir.path().join("hw/char")).unwrap();
    dir
}

#[test]
fn list_json_names_each_patchs_sections_and_people_in_the_scripts_order() {
    let tree = tree();
    let t = tree.path().to_str().unwrap();
    let out = patchdesk(&["list", "--demo", "--tree", t, "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let patches: Vec<&serde_json::Value> = v["series"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["patches"].as_array().unwrap())
        .collect();
    let touching = |file: &str| {
        patches
            .iter()
            .find(|p| p["files"].as_array().unwrap().iter().any(|f| f == file))
            .copied()
    };
    let uart = touching("hw/char/uart.c").expect("a demo patch touches the uart");
    let people: Vec<(&str, &str, &str)> = uart["maintainers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap(),
                m["role"].as_str().unwrap(),
                m["section"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        people[..3],
        [
            ("uma@example.org", "maintainer", "UART"),
            ("ray@example.org", "reviewer", "UART"),
            ("serial@lists.example.org", "open list", "UART"),
        ]
    );
    assert_eq!(people.last().unwrap().0, "all@lists.example.org");
    assert_eq!(uart["sections"][0], "UART");
    assert_eq!(uart["maintainers"][0]["name"], "Uma Art");
    let qcow = touching("block/qcow.c").expect("a demo patch touches qcow");
    assert_eq!(qcow["sections"][0], "BLOCK");
    assert_eq!(qcow["maintainers"][0]["role"], "supporter");
    // The bad lines are reported, each with file and line, and the rest still used.
    let err = stderr(&out);
    assert!(
        err.contains("MAINTAINERS:14: unknown line kind 'Z'"),
        "{err}"
    );
    assert!(err.contains("MAINTAINERS:15: bad file pattern"), "{err}");
}

#[test]
fn show_json_has_them_too_and_without_a_tree_neither_appears() {
    let tree = tree();
    let t = tree.path().to_str().unwrap();
    let out = patchdesk(&["show", "--demo", "1.1", "--tree", t, "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(v["maintainers"].as_array().is_some_and(|m| !m.is_empty()));
    assert!(v["sections"].as_array().is_some_and(|s| !s.is_empty()));
    let out = patchdesk(&["show", "--demo", "1.1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(v.get("maintainers").is_none());
}

#[test]
fn a_tree_without_maintainers_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().to_str().unwrap();
    let out = patchdesk(&["list", "--demo", "--tree", t]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("MAINTAINERS") && err.contains(t), "{err}");
}

/// The subjects of the patches of `list --format json` output whose JSON satisfies `pred`.
fn subjects_where(
    out: &std::process::Output,
    pred: impl Fn(&serde_json::Value) -> bool,
) -> Vec<String> {
    assert!(out.status.success(), "{}", stderr(out));
    let v: serde_json::Value = serde_json::from_str(&stdout(out)).unwrap();
    v["series"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["patches"].as_array().unwrap())
        .filter(|p| pred(p))
        .map(|p| p["subject"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The patch subjects of `list --format json`.
fn listed(out: &std::process::Output) -> Vec<String> {
    subjects_where(out, |_| true)
}

/// Subjects of the patches (in `list` JSON with a tree) whose maintainers satisfy `pred`.
fn listed_where(t: &str, pred: impl Fn(&serde_json::Value) -> bool) -> Vec<String> {
    subjects_where(
        &patchdesk(&["list", "--demo", "--tree", t, "--format", "json"]),
        pred,
    )
}

#[test]
fn list_filter_keeps_the_patches_of_a_maintainer_a_section_and_mine() {
    let tree = tree();
    let t = tree.path().to_str().unwrap();
    let has_person = |email: &'static str| {
        move |p: &serde_json::Value| {
            p["maintainers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["email"] == email)
        }
    };
    let uma = listed_where(t, has_person("uma@example.org"));
    assert!(!uma.is_empty());
    let out = patchdesk(&[
        "list",
        "--demo",
        "--tree",
        t,
        "--format",
        "json",
        "--filter",
        "maintainer:UMA@",
    ]);
    assert_eq!(listed(&out), uma);
    let block = listed_where(t, |p| {
        p["sections"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "BLOCK")
    });
    assert!(!block.is_empty() && block != uma);
    let out = patchdesk(&[
        "list",
        "--demo",
        "--tree",
        t,
        "--format",
        "json",
        "--filter",
        "section:block",
    ]);
    assert_eq!(listed(&out), block);
    // "mine": the config's [maintainers] mine addresses.
    let home = home_with("[maintainers]\nmine = [\"Bo Lock <bo@example.org>\"]\n");
    let args = [
        "list", "--demo", "--tree", t, "--format", "json", "--filter", "mine",
    ];
    let out = super::patchdesk_in(home.path(), &args, None);
    assert_eq!(listed(&out), listed_where(t, has_person("bo@example.org")));
    // Text keeps the same rows.
    let args = ["list", "--demo", "--tree", t, "--filter", "mine"];
    let out = super::patchdesk_in(home.path(), &args, None);
    let text = stdout(&out);
    let rows = text.lines().count() - 1;
    assert!(rows > 0 && rows < listed_where(t, |_| true).len(), "{text}");
    // Nobody's: nothing is mine without addresses.
    let out = patchdesk(&[
        "list", "--demo", "--tree", t, "--format", "json", "--filter", "mine",
    ]);
    assert!(listed(&out).is_empty());
}

#[test]
fn check_filter_reports_only_the_kept_patches() {
    let tree = tree();
    let t = tree.path().to_str().unwrap();
    let all = patchdesk(&["check", "--demo", "--format", "json"]);
    let some = patchdesk(&[
        "check",
        "--demo",
        "--tree",
        t,
        "--format",
        "json",
        "--filter",
        "section:block",
    ]);
    let count = |o: &std::process::Output| {
        let v: serde_json::Value = serde_json::from_str(&stdout(o)).unwrap();
        v["patches"].as_array().map_or(0, Vec::len)
    };
    assert!(count(&some) > 0, "{}", stdout(&some));
    assert!(count(&some) < count(&all));
}

/// A home whose patchdesk config is `text`.
fn home_with(text: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/patchdesk");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), text).unwrap();
    home
}

/// A home whose config makes Bo Lock's address mine.
fn bo_home() -> tempfile::TempDir {
    home_with("[maintainers]\nmine = [\"bo@example.org\"]\n")
}

#[test]
fn the_desk_marks_mine_sorts_it_first_and_filters_as_list_does() {
    let tree = tree();
    let t = tree.path().to_str().unwrap();
    let home = bo_home();
    let desk = |keys: &str| {
        let args = [
            "--demo", "--tree", t, "--keys", keys, "--print", "--size", "160x30",
        ];
        let out = super::patchdesk_in(home.path(), &args, None);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let args = [
        "list", "--demo", "--tree", t, "--format", "json", "--filter", "mine",
    ];
    let mine = listed(&super::patchdesk_in(home.path(), &args, None));
    assert!(!mine.is_empty());
    // The filter shows exactly list's patches (titles without their [PATCH] prefix).
    let screen = desk("/mine<enter>");
    let all = listed_where(t, |_| true);
    for subject in &all {
        let title = subject.rsplit("] ").next().unwrap();
        let shown = screen.lines().any(|l| l.contains(title));
        assert_eq!(shown, mine.contains(subject), "{title}\n{screen}");
    }
    // Marked with @ and sorted first by `sm`.
    let screen = desk("sm");
    let rows: Vec<&str> = screen.lines().skip(2).collect();
    assert!(rows[1].contains("@ "), "{screen}");
    let first_unmarked = rows
        .iter()
        .position(|r| !r.contains("@ ") && r.contains('└'));
    let last_marked = rows.iter().rposition(|r| r.contains("@ "));
    assert!(last_marked < first_unmarked, "{screen}");
    assert!(screen.contains("sorted by mine first"), "{screen}");
    // The patch header names the sections and people.
    let screen = desk("/mine<enter>j<enter>");
    assert!(screen.contains("sections: BLOCK"), "{screen}");
    assert!(screen.contains("Bo Lock (supporter)"), "{screen}");
    // `patchdesk demo --tree` is the same desk.
    let args = [
        "demo",
        "--tree",
        t,
        "--keys",
        "/mine<enter>j<enter>",
        "--print",
        "--size",
        "160x30",
    ];
    let out = super::patchdesk_in(home.path(), &args, None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), screen);
}

/// One patch to block/qcow.c, sent with `headers` (To/Cc lines or nothing).
fn qcow_patch(headers: &str) -> String {
    format!(
        "From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001\n\
From: Pat Sender <pat@example.org>\n\
Date: Mon, 2 Nov 2026 10:00:00 +0000\n\
Subject: [PATCH] block/qcow: fix a leak\n\
Message-ID: <qcow.1@example.org>\n\
{headers}\
\n\
Free the table on the error path.\n\
\n\
Signed-off-by: Pat Sender <pat@example.org>\n\
---\n\
 block/qcow.c | 1 +\n\
 1 file changed, 1 insertion(+)\n\
\n\
diff --git a/block/qcow.c b/block/qcow.c\n\
index 1111111..2222222 100644\n\
--- a/block/qcow.c\n\
+++ b/block/qcow.c\n\
@@ -1,2 +1,3 @@\n\
 int a;\n\
+int b;\n\
 int c;\n\
-- \n\
2.47.0\n\
\n"
    )
}

#[test]
fn a_mail_that_misses_every_maintainer_of_a_section_is_reported_per_profile() {
    let tree = tree();
    let t = tree.path().to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let rule_hits = |headers: &str, profile: &str| -> Vec<String> {
        let mbox = dir.path().join("q.mbox");
        std::fs::write(&mbox, qcow_patch(headers)).unwrap();
        let m = mbox.to_str().unwrap();
        let out = patchdesk(&[
            "check",
            m,
            "--tree",
            t,
            "--profile",
            profile,
            "--format",
            "json",
        ]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        v["patches"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "maintainers-cc-missing")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    let missed = rule_hits(
        "To: someone@example.org\nCc: all@lists.example.org\n",
        "qemu",
    );
    assert_eq!(missed.len(), 1, "{missed:?}");
    assert!(
        missed[0].contains("BLOCK (Bo Lock <bo@example.org>)"),
        "{missed:?}"
    );
    // Sent to the maintainer (any case): nothing.
    assert!(rule_hits("To: someone@example.org\nCc: BO@example.org\n", "qemu").is_empty());
    // Off in generic; never judged without To/Cc (a format-patch file).
    assert!(rule_hits("To: someone@example.org\n", "generic").is_empty());
    assert!(rule_hits("", "qemu").is_empty());
    // Without a tree the rule cannot run.
    let mbox = dir.path().join("q.mbox");
    std::fs::write(&mbox, qcow_patch("To: someone@example.org\n")).unwrap();
    let out = patchdesk(&["check", mbox.to_str().unwrap(), "--profile", "qemu"]);
    assert!(!stdout(&out).contains("maintainers-cc-missing"));
}

#[test]
fn without_a_tree_mine_is_what_is_addressed_to_me_in_the_desk_and_in_list() {
    let home = home_with("[identity]\nname = \"Kevin Wolfe\"\nemail = \"kwolfe@example.org\"\n");
    let args = ["list", "--demo", "--format", "json", "--filter", "mine"];
    let mine = listed(&super::patchdesk_in(home.path(), &args, None));
    assert!(!mine.is_empty());
    let all = listed(&patchdesk(&["list", "--demo", "--format", "json"]));
    assert!(mine.len() < all.len());
    let args = [
        "--demo",
        "--keys",
        "/mine<enter>",
        "--print",
        "--size",
        "160x30",
    ];
    let out = super::patchdesk_in(home.path(), &args, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let screen = stdout(&out);
    for subject in &all {
        let title = subject.rsplit("] ").next().unwrap();
        let shown = screen.lines().any(|l| l.contains(title));
        assert_eq!(shown, mine.contains(subject), "{title}\n{screen}");
    }
    let args = ["--demo", "--print", "--size", "160x30"];
    let screen = stdout(&super::patchdesk_in(home.path(), &args, None));
    assert!(screen.contains("@ "), "{screen}");
}

#[test]
fn a_sources_configured_tree_applies_and_a_broken_config_is_named() {
    let tree = tree();
    let dir = tempfile::tempdir().unwrap();
    let mbox = dir.path().join("q.mbox");
    std::fs::write(&mbox, qcow_patch("To: someone@example.org\n")).unwrap();
    let m = mbox.to_str().unwrap();
    let home = home_with(&format!(
        "[[source]]\npath = {m:?}\ntree = {:?}\n",
        tree.path().to_str().unwrap()
    ));
    let out = super::patchdesk_in(home.path(), &["list", m, "--format", "json"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["series"][0]["patches"][0]["sections"][0], "BLOCK");
    let broken = home_with("[[source]]\npath = 3\n");
    let out = super::patchdesk_in(broken.path(), &["list", m], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("config.toml"), "{}", stderr(&out));
}
