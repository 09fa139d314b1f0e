//! Trailer adding compared with `git interpret-trailers --if-exists addIfDifferent` run in a
//! sandboxed git environment, on messages written for these tests.

use patchdesk::triage::trailer_rules;
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `git interpret-trailers` with a sandboxed environment (no user or system config).
pub fn git_interpret_trailers(message: &str, trailers: &[(String, String)]) -> String {
    let home = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new("git");
    cmd.arg("interpret-trailers")
        .args([
            "--where",
            "end",
            "--if-exists",
            "addIfDifferent",
            "--if-missing",
            "add",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .current_dir(home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    for (key, value) in trailers {
        cmd.arg("--trailer").arg(format!("{key}: {value}"));
    }
    let mut child = cmd.spawn().expect("git runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(message.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("git finishes");
    assert!(out.status.success(), "git interpret-trailers failed");
    String::from_utf8(out.stdout).expect("utf-8")
}

fn ack(name: &str) -> (String, String) {
    (
        "Acked-by".into(),
        format!("{name} <{}@example.org>", name.to_lowercase()),
    )
}

/// Messages written for these tests; each name says what it exercises.
pub fn cases() -> Vec<(&'static str, String)> {
    vec![
        ("title only", "subsystem: do a thing\n".into()),
        ("no trailing newline", "subsystem: do a thing\n\nBody".into()),
        ("empty", String::new()),
        ("no trailers", "t: x\n\nSome body text.\nMore text.\n".into()),
        (
            "plain block",
            "t: x\n\nBody.\n\nSigned-off-by: A <a@example.org>\nCc: b@example.org\n".into(),
        ),
        (
            "only a cherry-pick line",
            "t: x\n\nBody.\n\n(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)\n"
                .into(),
        ),
        (
            "comment lines",
            "t: x\n\nBody.\n# a comment\n\nSigned-off-by: A <a@example.org>\n# trailing comment\n# another\n"
                .into(),
        ),
        (
            "comment inside block",
            "t: x\n\nBody.\n\nSigned-off-by: A <a@example.org>\n# inside\nReviewed-by: B <b@example.org>\n"
                .into(),
        ),
        (
            "continuation lines",
            "t: x\n\nBody.\n\nLink: https://example.org/a\n  continued value\nSigned-off-by: A <a@example.org>\n"
                .into(),
        ),
        (
            "a --- section",
            "t: x\n\nBody.\n\nSigned-off-by: A <a@example.org>\n---\n v2: changed\n\n file.c | 2 +-\n"
                .into(),
        ),
        (
            "--- with no trailers above",
            "t: x\n\nBody.\n---\nnotes\n".into(),
        ),
        (
            "last paragraph not a trailer block",
            "t: x\n\nBody.\n\nThis paragraph mentions Fixes: something\nbut is prose, not trailers.\n"
                .into(),
        ),
        (
            "mixed block with a git prefix (25% rule)",
            "t: x\n\nBody.\n\n[ maintainer: fixed typo ]\nsome note\nSigned-off-by: A <a@example.org>\n"
                .into(),
        ),
        (
            "mixed block without a git prefix",
            "t: x\n\nBody.\n\nnot a trailer\nReviewed-by: B <b@example.org>\n".into(),
        ),
        (
            "already acked (identical, different case)",
            "t: x\n\nBody.\n\nacked-by: ALICE <alice@example.org>\nSigned-off-by: A <a@example.org>\n"
                .into(),
        ),
        (
            "spacing normalised",
            "t: x\n\nBody.\n\nSigned-off-by:   A <a@example.org>   \nAcked-by :B <b@example.org>\n"
                .into(),
        ),
        (
            "CRLF",
            "t: x\r\n\r\nBody.\r\n\r\nSigned-off-by: A <a@example.org>\r\n".into(),
        ),
        (
            "CRLF without trailers",
            "t: x\r\n\r\nBody.\r\n".into(),
        ),
        (
            "scissors",
            "t: x\n\nBody.\n\nSigned-off-by: A <a@example.org>\n# ------------------------ >8 ------------------------\ndiff --git a/x b/x\n"
                .into(),
        ),
        (
            "title paragraph of two lines",
            "t: x\nAcked-by: Z <z@example.org>\n".into(),
        ),
        ("divider right after the title", "t: x\n---\nnotes\n".into()),
        (
            "old Conflicts: block",
            "t: x\n\nBody.\n\nSigned-off-by: A <a@example.org>\n\nConflicts:\n\tfile.c\n".into(),
        ),
        (
            "empty trailer value",
            "t: x\n\nBody.\n\nCc:\nSigned-off-by: A <a@example.org>\n".into(),
        ),
        (
            "tab continuation and trailing spaces",
            "t: x\n\nBody.\n\nLink: https://example.org\n\tmore  \nReviewed-By: B <b@example.org>  \n".into(),
        ),
        (
            "whitespace-only lines at the end",
            "t: x\n\nBody.\n\nSigned-off-by: A <a@example.org>\n   \n\t\n".into(),
        ),
        (
            "non-ASCII values",
            "t: x\n\nBody.\n\nSigned-off-by: Zoë Łukasiewicz <zoe@example.org>\n".into(),
        ),
        (
            "key prefix of another key",
            "t: x\n\nBody.\n\nAcked: Alice <alice@example.org>\n".into(),
        ),
        (
            "trailing blank lines",
            "t: x\n\nBody.\n\nSigned-off-by: A <a@example.org>\n\n\n".into(),
        ),
    ]
}

#[test]
fn adding_trailers_matches_git_interpret_trailers() {
    let requests: Vec<Vec<(String, String)>> = vec![
        vec![ack("Alice")],
        vec![ack("Alice"), ack("Alice")],
        vec![
            ("Reviewed-by".into(), "B <b@example.org>".into()),
            ("Tested-by".into(), "Carol <carol@example.org>".into()),
        ],
    ];
    let mut failures = Vec::new();
    for (name, message) in cases() {
        for request in &requests {
            let expected = git_interpret_trailers(&message, request);
            let ours = trailer_rules::add(&message, request).message;
            if ours != expected {
                failures.push(format!(
                    "case '{name}' with {request:?}:\n  git:  {expected:?}\n  ours: {ours:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn skipped_trailer_reports_the_existing_line() {
    let message =
        "t: x\n\nBody.\n\nReviewed-by: B <b@example.org>\nSigned-off-by: A <a@example.org>\n";
    let request = vec![("Reviewed-by".to_string(), "B <b@example.org>".to_string())];
    let out = trailer_rules::add(message, &request);
    assert_eq!(out.message, git_interpret_trailers(message, &request));
    assert_eq!(
        out.outcomes,
        vec![trailer_rules::Outcome::SkippedIdentical {
            existing: "Reviewed-by: B <b@example.org>".into()
        }]
    );
}
