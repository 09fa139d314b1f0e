//! git's own mailinfo tests (t/t5100 in git's source): every case that uses default options
//! (what `git am` runs: `git mailinfo -u`), read from tests/fixtures/t5100 (the inputs of
//! those cases, kept as data), compared with the real `git mailinfo` run here on each
//! message: author, email, subject and the message `git am` commits.

use patchdesk::mail::Origin;
use patchdesk::patch::Patch;
use std::fs;
use std::path::{Path, PathBuf};

use crate::run_git as git;

/// The messages of one input as `git mailsplit` cuts them (an input without a `From `
/// line is one message).
fn split(home: &Path, input: &Path) -> Vec<PathBuf> {
    let raw = fs::read(input).expect("fixture readable");
    let dir = tempfile::tempdir_in(home).expect("temp dir").keep();
    let start = raw
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    if !raw[start..].starts_with(b"From ") {
        let one = dir.join("0001");
        fs::write(&one, &raw).expect("copy");
        return vec![one];
    }
    let out = git(
        home,
        &dir,
        &["mailsplit", "-o.", &input.display().to_string()],
        b"",
    );
    let n: usize = String::from_utf8_lossy(&out)
        .trim()
        .parse()
        .expect("mailsplit count");
    (1..=n).map(|i| dir.join(format!("{i:04}"))).collect()
}

struct Expected {
    author: String,
    email: String,
    subject: String,
    message: String,
    /// Whether mailinfo found a patch to apply.
    has_patch: bool,
}

fn git_mailinfo(home: &Path, mail: &Path) -> Expected {
    let dir = tempfile::tempdir_in(home).expect("temp dir");
    let raw = fs::read(mail).expect("message readable");
    let info = git(home, dir.path(), &["mailinfo", "-u", "msg", "patch"], &raw);
    let info = String::from_utf8_lossy(&info).into_owned();
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")[..]))
            .unwrap_or("")
            .to_string()
    };
    let subject = field("Subject");
    let msg = fs::read(dir.path().join("msg")).unwrap_or_default();
    let has_patch = fs::metadata(dir.path().join("patch")).is_ok_and(|m| m.len() > 0);
    let mut text = format!("{subject}\n\n").into_bytes();
    text.extend_from_slice(&msg);
    let message =
        String::from_utf8_lossy(&git(home, dir.path(), &["stripspace"], &text)).into_owned();
    Expected {
        author: field("Author"),
        email: field("Email"),
        subject,
        message,
        has_patch,
    }
}

#[test]
fn t5100_default_option_cases_match_git_mailinfo() {
    let home = tempfile::tempdir().expect("temp home");
    let dir = super::fixtures().join("t5100");
    let mut inputs: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("t5100 fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "in" || x == "mbox"))
        .collect();
    inputs.sort();
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut shown = 0;
    for input in &inputs {
        for mail in split(home.path(), input) {
            let name = format!(
                "{}:{}",
                input.file_name().unwrap_or_default().to_string_lossy(),
                mail.file_name().unwrap_or_default().to_string_lossy()
            );
            let want = git_mailinfo(home.path(), &mail);
            let raw = fs::read(&mail).expect("message readable");
            let origin = Origin {
                source: name.clone(),
                index: 1,
                ..Origin::default()
            };
            let msg = patchdesk::mail::parse_message(&raw, origin)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let patch = Patch::from_message(msg);
            for (what, got, exp) in [
                ("author", &patch.author.name, &want.author),
                ("email", &patch.author.email, &want.email),
                ("subject", &patch.subject.title, &want.subject),
                ("message", &patch.message.to_string(), &want.message),
            ] {
                if got != exp {
                    failures.push(format!("{name} {what}: ours {got:?}, git {exp:?}"));
                }
            }
            if want.has_patch {
                shown += 1;
                check_show(&mail, &want, &name, &mut failures);
            }
            checked += 1;
        }
    }
    println!("t5100 messages checked: {checked}");
    println!("t5100 patches shown: {shown}");
    assert!(
        checked >= 40 && shown >= 16,
        "only {checked} messages, {shown} patches"
    );
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A message git takes as a patch is one in the queue: `show --format json` on it gives git's
/// author, email, subject and message.
fn check_show(mail: &Path, want: &Expected, name: &str, failures: &mut Vec<String>) {
    let out = super::patchdesk(&["show", "--format", "json", &mail.display().to_string()]);
    if !out.status.success() {
        failures.push(format!("{name}: show failed: {}", super::stderr(&out)));
        return;
    }
    let json: serde_json::Value = serde_json::from_str(&super::stdout(&out)).expect("show JSON");
    for (what, got, exp) in [
        ("show author", &json["author"]["name"], &want.author),
        ("show email", &json["author"]["email"], &want.email),
        ("show message", &json["message"], &want.message),
    ] {
        if got.as_str() != Some(exp.as_str()) {
            failures.push(format!("{name} {what}: ours {got}, git {exp:?}"));
        }
    }
    let title = json["message"]
        .as_str()
        .and_then(|m| m.lines().next())
        .unwrap_or("");
    if title != want.subject {
        failures.push(format!(
            "{name} show subject: ours {title:?}, git {:?}",
            want.subject
        ));
    }
}

#[test]
fn patch_subject_without_a_diff_is_listed_with_nothing_to_apply() {
    let home = tempfile::tempdir().expect("temp home");
    let sample = super::fixtures().join("t5100/sample.mbox");
    let mails = split(home.path(), &sample);
    // 0007: "[PATCH] another patch" whose patch was forgotten; 0008 the reply saying so.
    let empty = &mails[6];
    assert!(!git_mailinfo(home.path(), empty).has_patch);
    let out = super::patchdesk(&["show", "--format", "json", &empty.display().to_string()]);
    assert!(out.status.success(), "{}", super::stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&super::stdout(&out)).expect("JSON");
    assert_eq!(json["diff"].as_array().map(Vec::len), Some(0));
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"style-patch-empty"), "{rules:?}");
    let reply = super::patchdesk(&["show", "--format", "json", &mails[7].display().to_string()]);
    assert!(
        !reply.status.success(),
        "a reply without a patch is not a patch"
    );
}
