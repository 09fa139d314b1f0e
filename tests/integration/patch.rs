//! The patch model against the real `git` on fixtures written for the project
//! (tests/fixtures/patch): trailers (`git interpret-trailers`), mailinfo and `git am`,
//! `git patch-id --stable` and `git apply --numstat`.

use crate::git;
use patchdesk::mail::{Message, Origin};
use patchdesk::patch::diff;
use patchdesk::patch::patch_id::patch_id;
use patchdesk::patch::{Patch, trailers};
use std::fs;
use std::path::{Path, PathBuf};

/// Sandboxed git's stdout as text.
fn run_git(home: &Path, dir: &Path, args: &[&str], input: &[u8]) -> String {
    String::from_utf8_lossy(&crate::run_git(home, dir, args, input)).into_owned()
}

fn fixture_files(sub: &str, ext: &str) -> Vec<PathBuf> {
    let dir = super::fixtures().join("patch").join(sub);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

/// `key: value` lines, as `git interpret-trailers --parse` prints them.
fn format_trailers(list: &[trailers::Trailer]) -> String {
    list.iter()
        .map(|t| format!("{}: {}\n", t.key, t.value))
        .collect()
}

#[test]
fn trailer_parse_matches_git() {
    let home = tempfile::tempdir().expect("temp home");
    let mut checked = 0;
    for file in fixture_files("trailers", "txt") {
        let text = fs::read_to_string(&file).expect("fixture readable");
        let expected = run_git(
            home.path(),
            home.path(),
            &["interpret-trailers", "--parse"],
            text.as_bytes(),
        );
        let (_, ours) = trailers::parse(&text);
        assert_eq!(format_trailers(&ours), expected, "{}", file.display());
        let expected = run_git(
            home.path(),
            home.path(),
            &["interpret-trailers", "--parse", "--no-divider"],
            text.as_bytes(),
        );
        let (_, ours) = trailers::parse_with(&text, false);
        assert_eq!(
            format_trailers(&ours),
            expected,
            "{} (--no-divider)",
            file.display()
        );
        checked += 1;
    }
    println!("trailer fixtures checked: {checked}");
}

#[test]
fn trailer_add_matches_git() {
    let home = tempfile::tempdir().expect("temp home");
    let additions = [
        ("Acked-by", "Alice Example <alice@example.org>"),
        ("Signed-off-by", "A U Thor <author@example.org>"),
        ("reviewed-BY", "bob <BOB@example.org>"),
        ("Acked", "alice example <ALICE@example.org>"),
        ("Tested-by", ""),
    ];
    let mut checked = 0;
    for file in fixture_files("trailers", "txt") {
        let text = fs::read_to_string(&file).expect("fixture readable");
        for (key, value) in additions {
            let arg = format!("{key}: {value}");
            let expected = run_git(
                home.path(),
                home.path(),
                &[
                    "interpret-trailers",
                    "--if-exists",
                    "addIfDifferent",
                    "--trailer",
                    &arg,
                ],
                text.as_bytes(),
            );
            let ours = trailers::add(&text, key, value);
            assert_eq!(ours.message, expected, "{} + {arg}", file.display());
            let count = |text: &str| {
                run_git(
                    home.path(),
                    home.path(),
                    &["interpret-trailers", "--parse"],
                    text.as_bytes(),
                )
                .lines()
                .count()
            };
            let git_added = count(&expected) > count(&text)
                || (count(&text) == 0 && expected.len() > text.len() + 1);
            assert_eq!(
                ours.added,
                git_added,
                "{} + {arg}: added flag",
                file.display()
            );
            checked += 1;
        }
    }
    println!("trailer additions checked: {checked}");
}

/// A fixture message decoded by the mail module (the `From <sha>` separator line, which
/// the sources strip, is skipped here too). Truncated or odd text that is not mail becomes
/// an empty message with the text as its body, so every byte still reaches the patch code.
fn simple_message(raw: &str) -> Message {
    let bytes = raw.as_bytes();
    let message_bytes = if raw.starts_with("From ") {
        memchr::memchr(b'\n', bytes).map_or(&bytes[bytes.len()..], |i| &bytes[i + 1..])
    } else {
        bytes
    };
    let origin = Origin {
        source: "fixture".into(),
        index: 1,
        ..Origin::default()
    };
    patchdesk::mail::parse_message(message_bytes, origin).unwrap_or_else(|_| Message {
        body: raw.into(),
        ..Message::default()
    })
}

/// What `git am` would commit, from `git mailinfo` output: author, email, subject and
/// `git stripspace` of subject, blank line, message.
struct GitMailinfo {
    author: String,
    email: String,
    subject: String,
    message: String,
}

fn git_mailinfo(home: &Path, raw: &[u8]) -> GitMailinfo {
    let dir = tempfile::tempdir_in(home).expect("temp dir");
    let info = run_git(home, dir.path(), &["mailinfo", "msg", "patch"], raw);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")[..]))
            .unwrap_or("")
            .to_string()
    };
    let subject = field("Subject");
    let msg = fs::read_to_string(dir.path().join("msg")).unwrap_or_default();
    let message = run_git(
        home,
        dir.path(),
        &["stripspace"],
        format!("{subject}\n\n{msg}").as_bytes(),
    );
    GitMailinfo {
        author: field("Author"),
        email: field("Email"),
        subject,
        message,
    }
}

#[test]
fn mailinfo_matches_git() {
    let home = tempfile::tempdir().expect("temp home");
    let mut checked = 0;
    for file in fixture_files("mail", "eml") {
        let raw = fs::read_to_string(&file).expect("fixture readable");
        let expected = git_mailinfo(home.path(), raw.as_bytes());
        let patch = Patch::from_message(simple_message(&raw));
        let name = file.display();
        assert_eq!(patch.author.name, expected.author, "{name}: author");
        assert_eq!(patch.author.email, expected.email, "{name}: email");
        assert_eq!(patch.subject.title, expected.subject, "{name}: subject");
        assert_eq!(patch.message, expected.message, "{name}: message");
        let parsed = run_git(
            home.path(),
            home.path(),
            &["interpret-trailers", "--parse"],
            patch.message.as_bytes(),
        );
        assert_eq!(format_trailers(&patch.trailers), parsed, "{name}: trailers");
        checked += 1;
    }
    println!("mail fixtures checked: {checked}");
}

#[test]
fn git_am_commits_the_same_message() {
    let home = tempfile::tempdir().expect("temp home");
    let repo = tempfile::tempdir_in(home.path()).expect("temp repo");
    let dir = repo.path();
    run_git(home.path(), dir, &["init", "-q"], b"");
    fs::write(dir.join("hello.txt"), "one\ntwo\nthree\n").expect("base file");
    run_git(home.path(), dir, &["add", "hello.txt"], b"");
    run_git(home.path(), dir, &["commit", "-qm", "base"], b"");
    let mut applied = 0;
    for file in fixture_files("mail", "eml") {
        let raw = fs::read_to_string(&file).expect("fixture readable");
        let patch = Patch::from_message(simple_message(&raw));
        if !patch.has_diff() {
            continue;
        }
        run_git(home.path(), dir, &["am", "-q"], raw.as_bytes());
        let committed = run_git(
            home.path(),
            dir,
            &["log", "-1", "--format=%an%n%ae%n%B"],
            b"",
        );
        let expected = format!(
            "{}\n{}\n{}\n",
            patch.author.name, patch.author.email, patch.message
        );
        assert_eq!(committed, expected, "{}", file.display());
        run_git(home.path(), dir, &["reset", "-q", "--hard", "HEAD~1"], b"");
        applied += 1;
    }
    assert!(applied >= 10, "only {applied} fixtures applied");
    println!("git am fixtures applied: {applied}");
}

#[test]
fn patch_id_matches_git() {
    let home = tempfile::tempdir().expect("temp home");
    let mut files = fixture_files("diffs", "diff");
    files.extend(fixture_files("diffs", "mbox"));
    files.extend(fixture_files("mail", "eml"));
    for file in files {
        let text = fs::read_to_string(&file).expect("fixture readable");
        let out = run_git(
            home.path(),
            home.path(),
            &["patch-id", "--stable"],
            text.as_bytes(),
        );
        let expected = out.split_whitespace().next().map(str::to_string);
        assert_eq!(patch_id(&text), expected, "{}", file.display());
    }
}

#[test]
fn diff_counts_match_git_apply_numstat() {
    let home = tempfile::tempdir().expect("temp home");
    for file in fixture_files("diffs", "diff") {
        let text = fs::read_to_string(&file).expect("fixture readable");
        let numstat = run_git(
            home.path(),
            home.path(),
            &["apply", "--numstat", "-"],
            text.as_bytes(),
        );
        let parsed = diff::parse(&text);
        assert!(
            parsed.problems.is_empty(),
            "{}: {:?}",
            file.display(),
            parsed.problems
        );
        let expected: Vec<String> = numstat.lines().map(str::to_string).collect();
        let ours: Vec<String> = parsed
            .files
            .iter()
            .map(|f| {
                let count = |k| {
                    f.hunks
                        .iter()
                        .flat_map(|h| &h.lines)
                        .filter(|l| l.kind == k)
                        .count()
                };
                let (add, del) = if f.binary {
                    ("-".to_string(), "-".to_string())
                } else {
                    (
                        count(diff::LineKind::Add).to_string(),
                        count(diff::LineKind::Remove).to_string(),
                    )
                };
                format!("{add}\t{del}\t{}", c_quote(f.path()))
            })
            .collect();
        assert_eq!(ours, expected, "{}", file.display());
    }
}

/// A path as git prints it: in double quotes with octal escapes when it holds bytes
/// outside printable ASCII.
fn c_quote(path: &str) -> String {
    if path
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        return path.to_string();
    }
    let mut out = String::from("\"");
    for b in path.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..0x7f => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push('"');
    out
}

#[test]
fn every_fixture_truncated_never_panics() {
    let mut files = fixture_files("mail", "eml");
    files.extend(fixture_files("diffs", "diff"));
    for file in files {
        let raw = fs::read_to_string(&file).expect("fixture readable");
        let cuts: Vec<usize> = (0..raw.len())
            .step_by(7)
            .filter(|&i| raw.is_char_boundary(i))
            .collect();
        for cut in cuts {
            let part = &raw[..cut];
            let _ = Patch::from_message(simple_message(part));
            let _ = diff::parse(part);
            let _ = patch_id(part);
            let _ = trailers::parse(part);
            let _ = trailers::add(part, "Acked-by", "A <a@b>");
        }
    }
}

/// Pseudo-random texts built from diff, mail and trailer fragments never make the patch
/// code panic.
#[test]
fn random_fragments_never_panic() {
    const PIECES: [&str; 24] = [
        "diff --git ",
        "a/x b/x",
        "\"a/\\303\\251\" ",
        "@@ -",
        "1,2 +1",
        ",3 @@",
        "\n",
        "+",
        "-",
        " ",
        "\\ No newline",
        "---",
        "+++ ",
        "From: ",
        "Subject: ",
        "[PATCH v2 1/3]",
        "Re:",
        "Signed-off-by: ",
        "<a@b>",
        "é",
        "\r\n",
        "index 1..é",
        "GIT binary patch\n",
        "#",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let len = (next() % 40) as usize;
        let text: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let _ = diff::parse(&text);
        let _ = patch_id(&text);
        let _ = trailers::parse(&text);
        let _ = trailers::add(&text, "Acked-by", "A <a@b>");
        let _ = patchdesk::patch::subject::parse(&text);
        let _ = Patch::from_message(Message {
            subject: text.clone(),
            body: text.clone().into(),
            headers: [("From", text.clone())].into_iter().collect(),
            ..Message::default()
        });
    }
}

/// Random messages built from trailer-block fragments (trailers, notes, comments, blank and
/// whitespace lines, continuations, dividers, CRLF) parse and take a trailer exactly as git
/// does.
#[test]
fn random_trailer_blocks_match_git() {
    const LINES: [&str; 22] = [
        "Signed-off-by: A U Thor <author@example.org>\n",
        "Acked-by: Alice Example <alice@example.org>\n",
        "acked-by: ALICE example <alice@EXAMPLE.org>\n",
        "Reviewed-by: Bob <bob@example.org>\r\n",
        "Key :value\n",
        "Fixes: 0123456789ab (\"title\")\n",
        "  continued value\n",
        "\tcontinued by tab\n",
        "(cherry picked from commit 0123456789abcdef)\n",
        "[maintainer: note]\n",
        "Plain prose line.\n",
        "Acked by: Not A Trailer\n",
        "# comment\n",
        "\n",
        " \t\n",
        "\r\n",
        "---\n",
        "--- \n",
        "----\n",
        "https://example.org/x\n",
        "Link: https://example.org/y\n",
        "Signed-off-by:NoSpace\n",
    ];
    let home = tempfile::tempdir().expect("temp home");
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for case in 0..300 {
        let mut text = String::from("subject: title\n\n");
        let n = (next() % 9) as usize;
        for _ in 0..n {
            text.push_str(LINES[(next() % LINES.len() as u64) as usize]);
        }
        let expected = run_git(
            home.path(),
            home.path(),
            &["interpret-trailers", "--parse"],
            text.as_bytes(),
        );
        assert_eq!(
            format_trailers(&trailers::parse(&text).1),
            expected,
            "case {case}: {text:?}"
        );
        let expected = run_git(
            home.path(),
            home.path(),
            &[
                "interpret-trailers",
                "--if-exists",
                "addIfDifferent",
                "--trailer",
                "Acked-by: Alice Example <alice@example.org>",
            ],
            text.as_bytes(),
        );
        let ours = trailers::add(&text, "Acked-by", "Alice Example <alice@example.org>");
        assert_eq!(ours.message, expected, "case {case}: {text:?}");
    }
}

/// Random bodies built from in-body header, prose, separator and diff fragments give the
/// author, subject and commit message `git mailinfo` gives.
#[test]
fn random_bodies_match_git_mailinfo() {
    const LINES: [&str; 20] = [
        "From: Inner Author <inner@example.org>\n",
        "from: lower <lower@example.org>\n",
        "Date: Tue, 1 Oct 2024 10:00:00 +0200\n",
        "Subject: [PATCH v2] inner: title\n",
        "  folded continuation\n",
        "[PATCH] bracket subject line\n",
        ">From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\n",
        "\n",
        "   \n",
        "Prose with trailing spaces.   \n",
        "Signed-off-by: A U Thor <author@example.org>\n",
        "# hash line\n",
        "-- >8 --\n",
        "---\n",
        "--- a/hello.txt\n",
        "-- \n",
        "----\n",
        "diff --git a/f b/f\n",
        "Index: f\n",
        "\tTabbed line\n",
    ];
    let home = tempfile::tempdir().expect("temp home");
    let mut state: u64 = 0x1234_5678_9abc_def1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for case in 0..200 {
        let mut raw = String::from(
            "From: Sender <sender@example.org>\nSubject: [PATCH 1/2] outer: title\nMessage-Id: <r@example.org>\n\n",
        );
        for _ in 0..(next() % 10) {
            raw.push_str(LINES[(next() % LINES.len() as u64) as usize]);
        }
        let expected = git_mailinfo(home.path(), raw.as_bytes());
        let patch = Patch::from_message(simple_message(&raw));
        let got = (
            &patch.author.name,
            &patch.author.email,
            &patch.subject.title,
            &patch.message.to_string(),
        );
        let want = (
            &expected.author,
            &expected.email,
            &expected.subject,
            &expected.message,
        );
        assert_eq!(got, want, "case {case}: {raw:?}");
    }
}

/// Random edits of a file, diffed by `git diff --no-index`: every numbered line of every
/// hunk is the line at that number in the old or new file, the counts agree with the
/// edit, and the patch-id is git's.
#[test]
fn random_diffs_number_lines_like_the_files() {
    let home = tempfile::tempdir().expect("temp home");
    let dir = home.path();
    let mut state: u64 = 0x0bad_cafe_f00d_d00d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for case in 0..60 {
        let old: Vec<String> = (0..(next() % 60))
            .map(|i| format!("line {} {}", i, next() % 5))
            .collect();
        let mut new = Vec::new();
        for line in &old {
            match next() % 8 {
                0 => {}
                1 => new.push(format!("changed {}", next() % 100)),
                2 => {
                    new.push(line.clone());
                    new.push(format!("inserted {}", next() % 100));
                }
                _ => new.push(line.clone()),
            }
        }
        let join = |lines: &[String], final_newline: bool| {
            let mut text = lines.join("\n");
            if final_newline && !text.is_empty() {
                text.push('\n');
            }
            text
        };
        let old_text = join(&old, true);
        let new_text = join(&new, next() % 4 != 0);
        fs::write(dir.join("old.txt"), &old_text).expect("old file");
        fs::write(dir.join("new.txt"), &new_text).expect("new file");
        let out = git(dir)
            .current_dir(dir)
            .args(["diff", "--no-index", "-U2", "old.txt", "new.txt"])
            .output()
            .expect("git diff runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let parsed = diff::parse(&text);
        assert!(
            parsed.problems.is_empty(),
            "case {case}: {:?}",
            parsed.problems
        );
        if text.is_empty() {
            assert!(parsed.files.is_empty());
            continue;
        }
        let old_lines: Vec<&str> = old_text.lines().collect();
        let new_lines: Vec<&str> = new_text.lines().collect();
        for hunk in &parsed.files[0].hunks {
            for line in &hunk.lines {
                if let Some(n) = line.old {
                    assert_eq!(
                        old_lines.get(n as usize - 1),
                        Some(&line.text.as_str()),
                        "case {case} old {n}"
                    );
                }
                if let Some(n) = line.new {
                    assert_eq!(
                        new_lines.get(n as usize - 1),
                        Some(&line.text.as_str()),
                        "case {case} new {n}"
                    );
                }
            }
        }
        // The new file's last line carries `\ No newline at end of file` exactly when the
        // new file lacks its final newline.
        let last_new = parsed.files[0]
            .hunks
            .iter()
            .flat_map(|h| &h.lines)
            .find(|l| l.new == Some(new_lines.len() as u32));
        if let Some(line) = last_new {
            assert_eq!(
                line.no_newline,
                !new_text.ends_with('\n'),
                "case {case}: {text}"
            );
        }
        let id = run_git(dir, dir, &["patch-id", "--stable"], text.as_bytes());
        assert_eq!(
            patch_id(&text),
            id.split_whitespace().next().map(str::to_string),
            "case {case}"
        );
    }
}
