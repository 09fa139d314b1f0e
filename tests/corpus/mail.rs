//! The mail and source modules over the real corpus: every mbox, maildir and patch directory
//! loads with the count `git mailsplit` finds, and every message body carries what
//! `git mailinfo` reads from it (the patch it extracts ends the body; the commit message
//! lines appear in the body in order).

use patchdesk::mail::mbox;
use patchdesk::source::{SourceSpec, load};
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("PATCHDESK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: ../shared/corpus not found");
        None
    }
}

/// `git` with no user or system configuration and a throw-away home.
fn git(home: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    cmd
}

/// Splits with `git mailsplit` into a fresh directory; returns the message files in order.
fn git_mailsplit(home: &Path, source: &Path, mboxrd: bool) -> Vec<PathBuf> {
    let out = tempfile::tempdir_in(home).unwrap();
    let mut cmd = git(home);
    cmd.arg("mailsplit").arg("-b");
    if mboxrd {
        cmd.arg("--mboxrd");
    }
    let status = cmd
        .arg(format!("-o{}", out.path().display()))
        .arg(source)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "git mailsplit {}",
        source.display()
    );
    let mut files: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    // Keep the directory alive by leaking it into the home temp dir (removed with `home`).
    let _ = out.keep();
    files
}

#[test]
fn every_corpus_source_loads_with_git_mailsplit_count() {
    let Some(corpus) = corpus() else { return };
    let home = tempfile::tempdir().unwrap();
    let mut checked = 0;
    let mut sources: Vec<(PathBuf, Option<usize>)> = vec![
        (corpus.join("leds-list-1000.mbox"), Some(1000)),
        (corpus.join("qemu-recent-500.mbox"), Some(500)),
        (corpus.join("leds-maildir"), Some(300)),
    ];
    for group in [
        "leds-threads",
        "leds-threads-b4",
        "qemu-series",
        "qemu-pending",
        "uboot-series",
    ] {
        let mut entries: Vec<_> = std::fs::read_dir(corpus.join(group))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "mbox"))
            .collect();
        entries.sort();
        sources.extend(entries.into_iter().map(|p| (p, None)));
    }
    for (path, expected) in sources {
        let loaded = load(&SourceSpec::Path(path.clone()))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let git_count: usize = if path.is_dir() && !path.join("cur").is_dir() {
            std::fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "patch" || e == "mbx"))
                .map(|p| git_mailsplit(home.path(), &p, false).len())
                .sum()
        } else {
            git_mailsplit(home.path(), &path, false).len()
        };
        assert_eq!(loaded.messages.len(), git_count, "{}", path.display());
        assert!(
            loaded.skipped.is_empty(),
            "{}: {:?}",
            path.display(),
            loaded.skipped
        );
        if let Some(expected) = expected {
            assert_eq!(loaded.messages.len(), expected, "{}", path.display());
        }
        checked += loaded.messages.len();
    }
    println!("mail corpus: {checked} messages loaded and counted against git mailsplit");
}

/// The author and subject `git mailinfo` printed agree with the decoded headers: the author
/// is the `From:` header unless the body starts with an in-body `From:`; git's subject (bracket
/// prefix and `Re:` stripped) ends our subject, white space collapsed.
fn check_header_fields(where_: &str, info: &str, message: &patchdesk::mail::Message) {
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name).map(str::to_string))
            .unwrap_or_default()
    };
    let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let subject = collapse(&field("Subject: "));
    assert!(
        collapse(&message.subject).ends_with(&subject),
        "{where_}: subject {:?} vs git {subject:?}",
        message.subject
    );
    let in_body_from = message.body.trim_start().starts_with("From:");
    if !in_body_from && let Some(from) = &message.from {
        assert_eq!(from.email, field("Email: "), "{where_}: email");
        if !from.name.is_empty() {
            assert_eq!(
                collapse(&from.name),
                field("Author: "),
                "{where_}: author name"
            );
        }
    }
}

/// Whether `needle`'s lines occur in `hay`'s lines in the same order.
fn lines_in_order(needle: &str, hay: &str) -> bool {
    let mut hay = hay.lines();
    needle
        .lines()
        .filter(|l| !l.trim().is_empty())
        .all(|line| hay.any(|h| h.trim_end() == line.trim_end()))
}

#[test]
fn bodies_carry_what_git_mailinfo_reads() {
    let Some(corpus) = corpus() else { return };
    let home = tempfile::tempdir().unwrap();
    let mut checked = 0;
    let mut sources = vec![
        (corpus.join("qemu-recent-500.mbox"), false),
        (corpus.join("leds-list-1000.mbox"), true),
    ];
    for group in [
        "leds-threads",
        "qemu-series",
        "qemu-pending",
        "uboot-series",
    ] {
        let mut entries: Vec<_> = std::fs::read_dir(corpus.join(group))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "mbox"))
            .collect();
        entries.sort();
        sources.extend(entries.into_iter().map(|p| (p, group == "leds-threads")));
    }
    for (path, mboxrd) in sources {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let loaded = load(&SourceSpec::Path(path.clone())).unwrap();
        let files: Vec<PathBuf> = if path.is_dir() {
            let mut patches: Vec<_> = std::fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "patch"))
                .collect();
            patches.sort();
            patches
                .iter()
                .flat_map(|p| git_mailsplit(home.path(), p, false))
                .collect()
        } else {
            git_mailsplit(home.path(), &path, mboxrd)
        };
        assert_eq!(files.len(), loaded.messages.len(), "{name}");
        for (file, message) in files.iter().zip(&loaded.messages) {
            let msg = file.with_extension("msg");
            let patch = file.with_extension("patch");
            let out = git(home.path())
                .arg("mailinfo")
                .arg(&msg)
                .arg(&patch)
                .stdin(std::fs::File::open(file).unwrap())
                .output()
                .unwrap();
            if !out.status.success() {
                continue;
            }
            let where_ = format!("{name} message {}", message.origin.index);
            if let Ok(patch_text) = String::from_utf8(std::fs::read(&patch).unwrap()) {
                assert!(
                    message.body.ends_with(&patch_text),
                    "{where_}: body does not end with git's patch\n--- git:\n{patch_text}\n--- ours:\n{}",
                    message.body
                );
            }
            let info = String::from_utf8_lossy(&out.stdout).into_owned();
            check_header_fields(&where_, &info, message);
            let msg_text = std::fs::read_to_string(&msg).unwrap();
            assert!(
                lines_in_order(&msg_text, &message.body),
                "{where_}: commit message lines not in body\n--- git:\n{msg_text}\n--- ours:\n{}",
                message.body
            );
            checked += 1;
        }
    }
    println!("mail corpus: {checked} bodies compared with git mailinfo");
}

#[test]
fn format_patch_separators_name_their_commit() {
    let Some(corpus) = corpus() else { return };
    let data = std::fs::read(corpus.join("qemu-recent-500.mbox")).unwrap();
    let split = mbox::split(&data);
    assert!(
        split
            .messages
            .iter()
            .all(|m| m.commit.as_ref().is_some_and(|c| c.len() == 40))
    );
    let loaded = load(&SourceSpec::Path(corpus.join("qemu-recent-500.mbox"))).unwrap();
    for message in &loaded.messages {
        let commit = message.commit.as_deref().unwrap();
        assert!(message.message_id.as_deref().unwrap().starts_with(commit));
    }
    println!("mail corpus: {} commit ids checked", loaded.messages.len());
}

/// Everything a decoded message holds, for comparing two decodings.
fn summary(m: &patchdesk::mail::Message) -> String {
    format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{}",
        m.subject,
        m.from,
        m.reply_to,
        m.x_original_from,
        m.to,
        m.cc,
        m.date,
        (&m.message_id, &m.in_reply_to, &m.references),
        m.format_flowed,
        m.warnings,
        m.headers,
        m.body
    )
}

#[test]
fn fast_path_decodes_exactly_like_the_mime_walk() {
    let Some(corpus) = corpus() else { return };
    let mut raws: Vec<Vec<u8>> = Vec::new();
    let mut files = vec![
        corpus.join("qemu-recent-500.mbox"),
        corpus.join("leds-list-1000.mbox"),
    ];
    for group in ["qemu-series", "uboot-series", "qemu-pending"] {
        for dir in std::fs::read_dir(corpus.join(group)).unwrap() {
            let dir = dir.unwrap().path();
            if dir.is_dir() {
                files.extend(std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()));
            }
        }
    }
    for file in files {
        let data = std::fs::read(&file).unwrap();
        let split = mbox::split(&data);
        for entry in &split.messages {
            raws.push(mbox::message_bytes(&data, entry).into_owned());
        }
    }
    for raw in &raws {
        let origin = patchdesk::mail::Origin::default();
        let fast = patchdesk::mail::parse_message(raw, origin.clone()).unwrap();
        let general = patchdesk::mail::message::parse_message_general(raw, origin).unwrap();
        assert_eq!(summary(&fast), summary(&general));
    }
    println!(
        "mail corpus: {} messages decoded both ways, identical",
        raws.len()
    );
}
