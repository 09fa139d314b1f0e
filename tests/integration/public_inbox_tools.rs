//! A public-inbox made by public-inbox's own tools (`public-inbox-init -V2`, then
//! `public-inbox-mda` delivering each message of the demo queue) reads as the demo queue
//! does, and `--since` keeps only the newer messages. Skipped, with a message, where the
//! tools are not installed (`apt-get install public-inbox`; `.ci/run` tries it).

use super::{patchdesk_in, stderr, stdout};
use std::path::Path;
use std::process::{Command, Stdio};

fn tool(name: &str) -> bool {
    Command::new(name)
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Runs a public-inbox tool with its config and home in `home` (never the user's).
fn run(home: &Path, name: &str, args: &[&str], stdin: Option<&[u8]>) {
    use std::io::Write;
    let mut child = Command::new(name)
        .args(args)
        .env("HOME", home)
        .env("PI_CONFIG", home.join("pi-config"))
        .env("ORIGINAL_RECIPIENT", "demo@example.org")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_inbox_made_by_public_inbox_reads_as_its_mail_does() {
    if !(tool("public-inbox-init") && tool("public-inbox-mda")) {
        println!(
            "skipped: public-inbox-init/public-inbox-mda not installed (apt-get install public-inbox)"
        );
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let inbox = home.path().join("inbox");
    let inbox_arg = inbox.to_str().unwrap();
    run(
        home.path(),
        "public-inbox-init",
        &[
            "-V2",
            "demo",
            inbox_arg,
            "http://example.org/demo",
            "demo@example.org",
        ],
        None,
    );
    // No spam filter on a test machine.
    let config = home.path().join("pi-config");
    let config = config.to_str().unwrap();
    let no_spamcheck = ["config", "-f", config, "publicinboxmda.spamcheck", "none"];
    super::run_git(home.path(), home.path(), &no_spamcheck, b"");
    let split = home.path().join("split");
    std::fs::create_dir_all(&split).unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo/demo.mbox");
    let into = format!("-o{}", split.display());
    let mailsplit = ["mailsplit", into.as_str(), demo.to_str().unwrap()];
    super::run_git(home.path(), home.path(), &mailsplit, b"");
    let mut files: Vec<_> = std::fs::read_dir(&split)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() > 10, "{files:?}");
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        run(
            home.path(),
            "public-inbox-mda",
            &["--no-precheck"],
            Some(&bytes),
        );
    }
    let list = |args: &[&str]| {
        let out = patchdesk_in(home.path(), args, None);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    let want = list(&["list", "--demo", "--format", "json"]);
    let got = list(&["list", inbox_arg, "--format", "json", "--no-cache"]);
    let patches = |text: &str| -> Vec<(String, String)> {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut out: Vec<(String, String)> = (v["series"].as_array().unwrap().iter())
            .flat_map(|s| s["patches"].as_array().unwrap().clone())
            .map(|p| {
                let field = |k: &str| p[k].as_str().unwrap_or("").to_string();
                (field("message_id"), field("subject"))
            })
            .collect();
        out.sort();
        out
    };
    assert_eq!(patches(&got), patches(&want));
    // Read twice (the second time from the cache, when the source kind is cached): the same.
    assert_eq!(list(&["list", inbox_arg, "--format", "json"]), got);
    // A window keeps only what is newer.
    let windowed = list(&[
        "list",
        inbox_arg,
        "--format",
        "json",
        "--since",
        "2026-11-22",
    ]);
    let kept = patches(&windowed);
    assert!(
        !kept.is_empty() && kept.len() < patches(&want).len(),
        "{windowed}"
    );
}
