//! The answers compared with `perl scripts/get_maintainer.pl --no-git --no-git-fallback`
//! of QEMU and U-Boot, run in a temporary tree made from `../shared/corpus/maintainers`
//! (or `$PATCHDESK_CORPUS/maintainers`; skipped, with a message, when the corpus or perl is absent), on corpus patches and on a
//! hand-made MAINTAINERS file with one section per pattern rule.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("PATCHDESK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if !dir.join("maintainers").is_dir() {
        println!("skipped: {} is absent", dir.display());
        return None;
    }
    if Command::new("perl").arg("-v").output().is_err() {
        println!("skipped: perl is not installed");
        return None;
    }
    Some(dir)
}

/// A temp tree: every path of FILES as an empty file, the script, and MAINTAINERS.
fn make_tree(project: &Path, maintainers: Option<&str>) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let files = std::fs::read_to_string(project.join("FILES")).unwrap();
    for f in files.lines().filter(|l| !l.is_empty()) {
        let p = tmp.path().join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        if !p.exists() {
            std::fs::write(&p, "").unwrap();
        }
    }
    std::fs::create_dir_all(tmp.path().join("scripts")).unwrap();
    std::fs::copy(
        project.join("scripts/get_maintainer.pl"),
        tmp.path().join("scripts/get_maintainer.pl"),
    )
    .unwrap();
    match maintainers {
        Some(text) => std::fs::write(tmp.path().join("MAINTAINERS"), text).unwrap(),
        None => {
            std::fs::copy(project.join("MAINTAINERS"), tmp.path().join("MAINTAINERS")).unwrap();
        }
    }
    tmp
}

fn script(tree: &Path, patch: &Path) -> Vec<String> {
    let out = Command::new("perl")
        .args(["scripts/get_maintainer.pl", "--no-git", "--no-git-fallback"])
        .arg(patch)
        .current_dir(tree)
        .env("HOME", tree)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

fn ours(m: &Maintainers, patch: &Path) -> Vec<String> {
    let text = String::from_utf8_lossy(&std::fs::read(patch).unwrap()).into_owned();
    m.lookup(&scan_text(&text, m.dialect()))
        .people
        .iter()
        .map(Person::script_line)
        .collect()
}

fn patches(dir: &Path, per_series: usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut series: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    series.sort();
    for s in series {
        let mut ps: Vec<_> = std::fs::read_dir(&s)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "patch"))
            .filter(|p| !p.to_string_lossy().contains("0000-cover"))
            .collect();
        ps.sort();
        out.extend(ps.into_iter().take(per_series));
    }
    out
}

/// The script orders sections of equal depth by Perl's hash order, which changes from run
/// to run; the set of lines, and each line's role and section, must agree.
fn compare(project: &str, series: &[&str], dialect: Dialect) {
    let Some(corpus) = corpus() else { return };
    let pdir = corpus.join("maintainers").join(project);
    let tree = make_tree(&pdir, None);
    let m = Maintainers::load(tree.path()).unwrap();
    assert_eq!(m.dialect(), dialect);
    let mut checked = 0;
    for s in series {
        for patch in patches(&corpus.join(s), 2) {
            let mut want = script(tree.path(), &patch);
            let mut got = ours(&m, &patch);
            want.sort();
            got.sort();
            assert_eq!(got, want, "{}", patch.display());
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} patches");
    println!("{project}: {checked} patches agree with get_maintainer.pl");
}

#[test]
fn qemu_patches_agree_with_qemus_script() {
    compare("qemu", &["qemu-series", "qemu-pending"], Dialect::Qemu);
}

#[test]
fn uboot_patches_agree_with_uboots_script() {
    compare("u-boot", &["uboot-series"], Dialect::Linux);
}

const HAND_MADE: &str = "\
Descriptions here are not sections
\tP: Person

# a comment line, dropped by Linux's script
ARM BOARDS
M:\tAnn Arm <ann@example.org>
R:\tRob Review <rob@example.org>
L:\tarm@lists.example.org (moderated for non-subscribers)
S:\tMaintained
F:\tarch/arm/
X:\tarch/arm/dts/

ARM DTS
M:\tDee Tee <dee@example.org>
S:\tOdd Fixes
F:\tarch/arm/dts/*.dts
F:\tarch/arm/dts/?.dtsi

ONE FILE
M:\tOlly One <olly@example.org>
M:\tAnn Arm <ann@example.org>
S:\tSupported
F:\tarch/arm/board.c

BY NAME
M:\tNed Name <ned@example.org>
S:\tOrphan
N:\tsandbox

KEYWORDS
M:\tKay Word <kay@example.org>
L:\tsecret@lists.example.org (subscribers-only)
S:\tObsolete
K:\tfrobnicate

NO STATUS
M:\tNora None <nora@example.org>
F:\tlib/*

THE REST
M:\tRest Person <rest@example.org>
L:\tall@lists.example.org
S:\tBuried alive in reporters
F:\t*
F:\t*/
";

const HAND_PATCH: &str = "\
From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001
From: Some One <some@example.org>
Subject: [PATCH] arm: frobnicate the board

It does things.

Signed-off-by: Some One <some@example.org>
---
 arch/arm/board.c           | 2 +-
 arch/arm/dts/x.dtsi        | 1 +
 arch/arm/dts/board.dts     | 1 +
 drivers/sandbox/thing.c    | 1 +
 lib/string.c               | 1 +
 5 files changed

diff --git a/arch/arm/board.c b/arch/arm/board.c
--- a/arch/arm/board.c
+++ b/arch/arm/board.c
@@ -1,1 +1,1 @@
-old
+frobnicate(x);
diff --git a/arch/arm/dts/x.dtsi b/arch/arm/dts/x.dtsi
--- a/arch/arm/dts/x.dtsi
+++ b/arch/arm/dts/x.dtsi
@@ -1,1 +1,2 @@
 a
+b
diff --git a/arch/arm/dts/board.dts b/arch/arm/dts/board.dts
--- a/arch/arm/dts/board.dts
+++ b/arch/arm/dts/board.dts
@@ -1,1 +1,2 @@
 a
+b
diff --git a/drivers/sandbox/thing.c b/drivers/sandbox/thing.c
--- a/drivers/sandbox/thing.c
+++ b/drivers/sandbox/thing.c
@@ -1,1 +1,2 @@
 a
+b
diff --git a/lib/string.c b/lib/string.c
--- a/lib/string.c
+++ b/lib/string.c
@@ -1,1 +1,2 @@
 a
+b
-- 
2.47.3
";

#[test]
fn a_hand_made_file_agrees_with_uboots_script_rule_by_rule() {
    let Some(corpus) = corpus() else { return };
    let tree = make_tree(&corpus.join("maintainers/u-boot"), Some(HAND_MADE));
    let patch = tree.path().join("hand.patch");
    std::fs::write(&patch, HAND_PATCH).unwrap();
    let m = Maintainers::load(tree.path()).unwrap();
    assert!(m.errors().is_empty(), "{:?}", m.errors());
    let mut want = script(tree.path(), &patch);
    let mut got = ours(&m, &patch);
    // Every role string of the script appears.
    for role in [
        "(reviewer:ARM BOARDS)",
        "(odd fixer:ARM DTS)",
        "(supporter:ONE FILE)",
        "(orphan minder:BY NAME)",
        "(obsolete minder:KEYWORDS)",
        "(unknown:NO STATUS)",
        "(chief penguin:THE REST)",
        "(moderated list:ARM BOARDS)",
        "(open list)",
    ] {
        assert!(
            got.iter().any(|l| l.ends_with(role)),
            "{role} not in {got:?}"
        );
    }
    want.sort();
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn the_hand_made_file_orders_people_as_the_script_does() {
    let m = Maintainers::parse(HAND_MADE, Path::new("MAINTAINERS"), Dialect::Linux, &|p| {
        p == "arch/arm" || p == "arch/arm/dts"
    });
    let l = m.lookup(&scan_text(HAND_PATCH, Dialect::Linux));
    let emails: Vec<&str> = l.people.iter().map(|p| p.email.as_str()).collect();
    // arch/arm/board.c: ONE FILE (depth 3) before ARM BOARDS (2) before THE REST (-1);
    // Ann is named once, as ONE FILE's supporter; the lists come last.
    assert_eq!(
        emails,
        [
            "olly@example.org",
            "ann@example.org",
            "rob@example.org",
            "rest@example.org",
            "dee@example.org",
            "ned@example.org",
            "nora@example.org",
            "kay@example.org",
            "arm@lists.example.org",
            "all@lists.example.org",
        ]
    );
    assert_eq!(l.people[1].role, "supporter");
    assert!(l.sections.contains(&"KEYWORDS".to_string()));
    assert!(l.uncovered.is_empty());
}

#[test]
fn every_bad_line_is_listed_and_the_rest_is_used() {
    let text = "\
GOOD
M:\tA <a@example.org>
S:\tMaintained
F:\tgood/

BAD
M:\tno address here
Z:\twhat
F:\tbad/(unclosed
N:\t[oops
K:\t(also
F:\tbad/
";
    let m = Maintainers::parse(text, Path::new("x/MAINTAINERS"), Dialect::Linux, &|_| false);
    let lines: Vec<usize> = m.errors().iter().map(|e| e.line).collect();
    assert_eq!(lines, [7, 8, 9, 10, 11]);
    assert!(m.errors()[0].to_string().starts_with("x/MAINTAINERS:7: "));
    let scan = PatchScan {
        files: vec!["good/a.c".into(), "bad/b.c".into()],
        keyword_lines: vec![],
    };
    let l = m.lookup(&scan);
    assert_eq!(l.sections, ["GOOD", "BAD"]);
}

/// Sections that repeat another's `F:`, `N:` and `K:` lines (as Linux's file does, and as
/// the benchmark's repeated file does): each one compiled once, every section still named.
const SHARED: &str = "
SHARED LIB
M:\tSam Shared <sam@example.org>
S:\tMaintained
F:\tlib/*
F:\tarch/arm/

SHARED NAME
R:\tNick Again <nick@example.org>
N:\tsandbox
K:\tfrobnicate
X:\tarch/arm/dts/
";

#[test]
fn a_pattern_shared_by_sections_names_every_one_of_them() {
    let text = format!("{HAND_MADE}{SHARED}");
    let m = Maintainers::parse(&text, Path::new("MAINTAINERS"), Dialect::Linux, &|p| {
        p == "arch/arm" || p == "arch/arm/dts"
    });
    assert!(m.errors().is_empty(), "{:?}", m.errors());
    let l = m.lookup(&scan_text(HAND_PATCH, Dialect::Linux));
    for section in [
        "NO STATUS",
        "SHARED LIB",
        "BY NAME",
        "SHARED NAME",
        "KEYWORDS",
    ] {
        assert!(
            l.sections.iter().any(|s| s == section),
            "{section} not in {:?}",
            l.sections
        );
    }
    let emails: Vec<&str> = l.people.iter().map(|p| p.email.as_str()).collect();
    assert!(emails.contains(&"sam@example.org") && emails.contains(&"nick@example.org"));
    let Some(corpus) = corpus() else { return };
    let tree = make_tree(&corpus.join("maintainers/u-boot"), Some(&text));
    let patch = tree.path().join("hand.patch");
    std::fs::write(&patch, HAND_PATCH).unwrap();
    let m = Maintainers::load(tree.path()).unwrap();
    let mut want = script(tree.path(), &patch);
    let mut got = ours(&m, &patch);
    want.sort();
    got.sort();
    assert_eq!(got, want);
}
