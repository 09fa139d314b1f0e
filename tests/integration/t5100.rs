//! git's own mailinfo tests (t/t5100 in git's source): every case that uses default options
//! (what `git am` runs: `git mailinfo -u`), read from tests/fixtures/t5100 (the inputs of
//! those cases, kept as data), compared with the real `git mailinfo` run here on each
//! message: author, email, subject and the message `git am` commits.

use patchdesk::mail::Origin;
use patchdesk::patch::Patch;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn git(home: &Path, dir: &Path, args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("git runs");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input).expect("git stdin");
    }
    let out = child.wait_with_output().expect("git finishes");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

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
    let mut text = format!("{subject}\n\n").into_bytes();
    text.extend_from_slice(&msg);
    let message =
        String::from_utf8_lossy(&git(home, dir.path(), &["stripspace"], &text)).into_owned();
    Expected {
        author: field("Author"),
        email: field("Email"),
        subject,
        message,
    }
}

#[test]
fn t5100_default_option_cases_match_git_mailinfo() {
    let home = tempfile::tempdir().expect("temp home");
    let dir = super::fixtures().join("t5100");
    let mut inputs: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("t5100 fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    inputs.sort();
    let mut failures = Vec::new();
    let mut checked = 0;
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
                ("message", &patch.message, &want.message),
            ] {
                if got != exp {
                    failures.push(format!("{name} {what}: ours {got:?}, git {exp:?}"));
                }
            }
            checked += 1;
        }
    }
    println!("t5100 messages checked: {checked}");
    assert!(checked >= 40, "only {checked} messages");
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
