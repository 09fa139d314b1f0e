//! Adding the maintainer's trailers compared with `git interpret-trailers --if-exists
//! addIfDifferent` on every message of the corpus that git wrote (`git format-patch`
//! output: the QEMU mbox and the series folders) and on the raw linux-leds list mail. Each message body goes in whole — commit
//! message, `---` notes and diff — so git's divider handling is exercised too.

use patchdesk::triage::trailer_rules;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn git_add(input: &str, trailers: &[(String, String)]) -> String {
    let home = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new("git");
    cmd.args([
        "interpret-trailers",
        "--where",
        "end",
        "--if-exists",
        "addIfDifferent",
    ])
    .env("HOME", home.path())
    .env("XDG_CONFIG_HOME", home.path())
    .env("GIT_CONFIG_GLOBAL", "/dev/null")
    .env("GIT_CONFIG_NOSYSTEM", "1")
    .current_dir(home.path())
    .stdin(Stdio::piped())
    .stdout(Stdio::piped());
    for (k, v) in trailers {
        cmd.arg("--trailer").arg(format!("{k}: {v}"));
    }
    let mut child = cmd.spawn().expect("git runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("git finishes");
    let _ = writer.join();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The commit message part of a format-patch message: subject line + body, as a commit
/// message editor would see it (headers dropped, `Subject: [PATCH…]` kept as the title).
fn bodies_of_mbox(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.split_inclusive('\n') {
        let is_separator = line.starts_with("From mboxrd@z ")
            || line.starts_with("From ") && line.trim_end().ends_with("Mon Sep 17 00:00:00 2001");
        if is_separator {
            if let Some(msg) = current.take() {
                out.push(msg);
            }
            current = Some(String::new());
        } else if let Some(msg) = current.as_mut() {
            msg.push_str(line);
        }
    }
    out.extend(current);
    out.into_iter()
        .map(|m| match m.split_once("\n\n") {
            Some((headers, body)) => {
                let subject = headers
                    .lines()
                    .find_map(|l| l.strip_prefix("Subject: "))
                    .unwrap_or("");
                format!("{subject}\n\n{body}")
            }
            None => m,
        })
        .collect()
}

fn patch_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            patch_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "patch") {
            out.push(path);
        }
    }
}

#[test]
fn trailer_adding_matches_git_on_the_corpus() {
    let Some(corpus) = super::corpus("trailer_adding_matches_git_on_the_corpus") else {
        return;
    };
    let mut messages = Vec::new();
    let mbox = std::fs::read_to_string(corpus.join("qemu-recent-500.mbox")).expect("mbox");
    messages.extend(bodies_of_mbox(&mbox));
    let mut files = Vec::new();
    for dir in ["qemu-series", "qemu-pending", "uboot-series"] {
        patch_files(&corpus.join(dir), &mut files);
    }
    files.sort();
    for file in &files {
        let text = String::from_utf8_lossy(&std::fs::read(file).expect("patch")).into_owned();
        messages.extend(bodies_of_mbox(&text));
    }
    // The list mail as sent (raw bodies, whatever their encoding): text all the same.
    let list = std::fs::read(corpus.join("leds-list-1000.mbox")).expect("list mbox");
    messages.extend(bodies_of_mbox(&String::from_utf8_lossy(&list)));
    assert!(messages.len() >= 1500, "found {} messages", messages.len());
    let request = vec![
        (
            "Acked-by".to_string(),
            "Mia Maintainer <mia@example.org>".to_string(),
        ),
        (
            "Reviewed-by".to_string(),
            "Mia Maintainer <mia@example.org>".to_string(),
        ),
    ];
    let mut failures = Vec::new();
    for (i, message) in messages.iter().enumerate() {
        let ours = trailer_rules::add(message, &request).message;
        let theirs = git_add(message, &request);
        if ours != theirs {
            failures.push(format!("message {i}: {:?}", message.lines().next()));
        }
    }
    println!("compared {} messages with git", messages.len());
    assert!(
        failures.is_empty(),
        "{} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
