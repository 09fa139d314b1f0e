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
