//! Sources and mail decoding end to end, on the fixtures in `tests/fixtures/mail/` and on
//! maildirs, public-inbox repositories and git repositories built in temp dirs.

use crate::git;
use patchdesk::Error;
use patchdesk::mail::{Origin, mbox, parse_headers, parse_message};
use patchdesk::source::{SourceKind, SourceSpec, detect, load};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mail")
        .join(name)
}

fn load_path(path: &Path) -> patchdesk::source::Loaded {
    load(&SourceSpec::Path(path.to_path_buf()))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn subjects(loaded: &patchdesk::source::Loaded) -> Vec<&str> {
    loaded.messages.iter().map(|m| m.subject.as_str()).collect()
}

fn git_mailsplit_count(path: &Path, mboxrd: bool) -> usize {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let mut cmd = git(home.path());
    cmd.arg("mailsplit").arg("-b");
    if mboxrd {
        cmd.arg("--mboxrd");
    }
    let output = cmd
        .arg(format!("-o{}", out.display()))
        .arg(path)
        .output()
        .unwrap();
    assert!(output.status.success());
    std::fs::read_dir(out).unwrap().count()
}

#[test]
fn format_patch_mbox_splits_like_git() {
    let path = fixture("format-patch.mbox");
    let loaded = load_path(&path);
    assert_eq!(loaded.messages.len(), git_mailsplit_count(&path, false));
    assert_eq!(
        subjects(&loaded),
        [
            "[PATCH 1/2] engine: describe the loop",
            "[PATCH 2/2] engine: a second line of subject"
        ]
    );
    let first = &loaded.messages[0];
    assert_eq!(
        first.commit.as_deref(),
        Some("1111111111111111111111111111111111111111")
    );
    assert!(
        first
            .body
            .starts_with("From the start the loop counted wrong.\nFrom here on")
    );
    let second = &loaded.messages[1];
    assert_eq!(second.from.as_ref().unwrap().name, "René Descartes");
    assert_eq!(second.in_reply_to.as_deref(), Some("one@example.org"));
    assert_eq!(second.origin.index, 2);
    let data = std::fs::read(&path).unwrap();
    assert_eq!(
        &data[second.origin.offset as usize..][..45],
        b"From 2222222222222222222222222222222222222222"
    );
}

#[test]
fn crlf_mbox_reads_like_lf() {
    let lf = std::fs::read_to_string(fixture("format-patch.mbox")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crlf.mbox");
    std::fs::write(&path, lf.replace('\n', "\r\n")).unwrap();
    let crlf = load_path(&path);
    let plain = load_path(&fixture("format-patch.mbox"));
    assert_eq!(subjects(&crlf), subjects(&plain));
    for (a, b) in crlf.messages.iter().zip(&plain.messages) {
        assert_eq!(a.body, b.body);
        assert_eq!(a.commit, b.commit);
    }
    assert_eq!(crlf.messages.len(), git_mailsplit_count(&path, false));
}

#[test]
fn mboxrd_is_detected_and_unescaped() {
    let path = fixture("mboxrd.mbox");
    let loaded = load_path(&path);
    assert_eq!(loaded.messages.len(), git_mailsplit_count(&path, true));
    assert!(
        loaded.messages[0]
            .body
            .starts_with("From the compiler's point of view this is fine.\n>From a quoted mail.\n")
    );
    assert_eq!(loaded.messages[0].commit, None);
    assert_eq!(loaded.messages[1].subject, "[PATCH] machine: halt");
}

#[test]
fn single_message_file_without_separator() {
    let path = fixture("single.eml");
    let loaded = load_path(&path);
    assert_eq!(loaded.messages.len(), 1);
    let m = &loaded.messages[0];
    assert_eq!(m.subject, "[RFC PATCH v2 3/7] notes: a single message");
    assert_eq!(m.from.as_ref().unwrap().name, "Lovelace, Ada");
    assert_eq!(m.cc[0].name, "Björn");
    assert_eq!(
        m.x_original_from.as_ref().unwrap().email,
        "ada@real.example.org"
    );
    assert_eq!(m.reply_to.as_ref().unwrap().email, "ada@real.example.org");
    assert_eq!(m.message_id.as_deref(), Some("single@example.org"));
    assert_eq!(m.origin.offset, 0);
    assert!(m.body.contains("\nFrom the first line"));
    assert_eq!(m.header("return-path"), Some("<ada@example.org>"));
}

#[test]
fn attachment_patch_follows_its_description() {
    let loaded = load_path(&fixture("multipart-attachment.eml"));
    let body = &loaded.messages[0].body;
    assert!(body.starts_with("The description, in Latin-1: café.\n\nSigned-off-by: Linus <linus@example.org>\n---\n a.c | 2 +-\n"), "{body:?}");
    assert!(body.contains("@@ -1 +1 @@\n-old\n+new\n"));
}

#[test]
fn flowed_message_is_flagged_and_unflowed() {
    let loaded = load_path(&fixture("flowed.eml"));
    let m = &loaded.messages[0];
    assert!(m.format_flowed);
    assert!(m.body.starts_with(
        "This line was wrapped by the mail client and is joined again by the reader.\n"
    ));
    assert!(!m.warnings.is_empty());
}

#[test]
fn patch_directory_in_number_order() {
    let dir = fixture("patches");
    assert_eq!(detect(&dir).unwrap(), SourceKind::PatchDir);
    let loaded = load_path(&dir);
    assert_eq!(
        subjects(&loaded),
        [
            "[PATCH 1/3] first",
            "[PATCH 2/3] second",
            "[PATCH 3/3] tenth"
        ]
    );
    assert_eq!(
        loaded.messages[2].origin.file.as_deref(),
        Some("0010-tenth.patch")
    );
    assert_eq!(loaded.messages[2].origin.index, 3);
}

#[test]
fn quilt_series_order_and_plain_diffs() {
    let dir = fixture("quilt");
    assert_eq!(detect(&dir).unwrap(), SourceKind::Quilt);
    let loaded = load_path(&dir);
    assert_eq!(subjects(&loaded), ["mail-style: has headers", "plain"]);
    assert_eq!(
        loaded.messages[0].from.as_ref().unwrap().email,
        "quilt@example.org"
    );
    let plain = &loaded.messages[1];
    assert!(plain.body.starts_with("Fix the widget so that it turns.\n"));
    assert!(plain.body.contains("+++ widget/turn.c\n"));
    assert!(plain.from.is_none());
}

#[test]
fn quilt_project_layout_with_patches_dir() {
    let project = tempfile::tempdir().unwrap();
    let patches = project.path().join("patches");
    std::fs::create_dir(&patches).unwrap();
    for name in ["series", "mail-style.patch", "plain.diff"] {
        std::fs::copy(fixture("quilt").join(name), patches.join(name)).unwrap();
    }
    assert_eq!(detect(project.path()).unwrap(), SourceKind::Quilt);
    assert_eq!(
        subjects(&load_path(project.path())),
        ["mail-style: has headers", "plain"]
    );
}

#[test]
fn git_work_tree_path_points_to_repo_option() {
    let home = tempfile::tempdir().unwrap();
    let repo = make_repo(home.path());
    let error = load(&SourceSpec::Path(repo)).unwrap_err().to_string();
    assert!(error.contains("--repo"), "{error}");
}

#[test]
fn maildir_cur_and_new_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    let mail = |n: u32| format!("From: a@example.org\nSubject: message {n}\n\nbody {n}\n");
    std::fs::write(dir.path().join("cur/1700000003.M3.host:2,S"), mail(3)).unwrap();
    std::fs::write(dir.path().join("new/1700000001.M1.host"), mail(1)).unwrap();
    std::fs::write(dir.path().join("cur/1700000002.M2.host:2,"), mail(2)).unwrap();
    std::fs::write(dir.path().join("tmp/1700000004.M4.host"), mail(4)).unwrap();
    assert_eq!(detect(dir.path()).unwrap(), SourceKind::Maildir);
    let loaded = load_path(dir.path());
    assert_eq!(subjects(&loaded), ["message 1", "message 2", "message 3"]);
    assert_eq!(
        loaded.messages[0].origin.file.as_deref(),
        Some("new/1700000001.M1.host")
    );
}

/// A bare repository whose commits each hold one message as blob `m`, like a public-inbox
/// epoch. `None` makes a commit without `m`.
fn make_epoch(path: &Path, messages: &[Option<&str>]) {
    let timed: Vec<(i64, Option<&str>)> = messages.iter().map(|m| (1_700_000_000, *m)).collect();
    make_epoch_at(path, &timed);
}

/// [`make_epoch`], each commit made at its time (seconds since the epoch): when it arrived.
fn make_epoch_at(path: &Path, messages: &[(i64, Option<&str>)]) {
    let repo = git2::Repository::init_bare(path).unwrap();
    let mut parent: Option<git2::Oid> = None;
    for &(time, message) in messages {
        let sig =
            git2::Signature::new("inbox", "inbox@example.org", &git2::Time::new(time, 0)).unwrap();
        let mut builder = repo.treebuilder(None).unwrap();
        match message {
            Some(text) => {
                let blob = repo.blob(text.as_bytes()).unwrap();
                builder.insert("m", blob, 0o100644).unwrap();
            }
            None => {
                let blob = repo.blob(b"deleted").unwrap();
                builder.insert("d", blob, 0o100644).unwrap();
            }
        }
        let tree = repo.find_tree(builder.write().unwrap()).unwrap();
        let parents: Vec<git2::Commit> = parent
            .iter()
            .map(|p| repo.find_commit(*p).unwrap())
            .collect();
        let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
        parent = Some(
            repo.commit(
                Some("refs/heads/master"),
                &sig,
                &sig,
                "msg",
                &tree,
                &parent_refs,
            )
            .unwrap(),
        );
    }
}

#[test]
fn public_inbox_v2_epochs_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let msg =
        |n: u32| format!("From: a@example.org\nSubject: inbox {n}\nMessage-ID: <{n}@x>\n\nb\n");
    let (m1, m2, m3, m4) = (msg(1), msg(2), msg(3), msg(4));
    make_epoch(&dir.path().join("git/0.git"), &[Some(&m1), None, Some(&m2)]);
    make_epoch(&dir.path().join("git/1.git"), &[Some(&m3), Some(&m4)]);
    assert_eq!(detect(dir.path()).unwrap(), SourceKind::PublicInboxV2);
    let loaded = load_path(dir.path());
    assert_eq!(
        subjects(&loaded),
        ["inbox 1", "inbox 2", "inbox 3", "inbox 4"]
    );

    let epoch = dir.path().join("git/1.git");
    assert_eq!(detect(&epoch).unwrap(), SourceKind::PublicInboxEpoch);
    assert_eq!(subjects(&load_path(&epoch)), ["inbox 3", "inbox 4"]);
}

const DAY: i64 = 86_400;
const T0: i64 = 1_790_000_000;

fn dated(n: u32, reply_to: Option<u32>) -> String {
    let reply = reply_to.map_or(String::new(), |r| format!("In-Reply-To: <{r}@x>\n"));
    format!("From: a@example.org\nSubject: inbox {n}\nMessage-ID: <{n}@x>\n{reply}\nb\n")
}

#[test]
fn a_window_never_reads_the_history_behind_the_first_older_commit() {
    use patchdesk::source::load_since;
    let dir = tempfile::tempdir().unwrap();
    let epoch = dir.path().join("git/0.git");
    let m: Vec<String> = (1..=5).map(|n| dated(n, None)).collect();
    let timed: Vec<(i64, Option<&str>)> = m
        .iter()
        .enumerate()
        .map(|(i, text)| (T0 + i as i64 * DAY, Some(text.as_str())))
        .collect();
    make_epoch_at(&epoch, &timed);
    // Lose the oldest commit (its objects are loose): a walk that sorts the whole
    // history first, as libgit2 does for a time or topological order, fails on them.
    let repo = git2::Repository::open_bare(&epoch).unwrap();
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    let newest_first: Vec<git2::Oid> = walk.map(Result::unwrap).collect();
    for oid in &newest_first[4..] {
        let hex = oid.to_string();
        std::fs::remove_file(epoch.join("objects").join(&hex[..2]).join(&hex[2..])).unwrap();
    }
    let spec = SourceSpec::Path(dir.path().to_path_buf());
    assert!(load(&spec).is_err(), "the whole history is not readable");
    let since = chrono::DateTime::from_timestamp(T0 + 3 * DAY, 0)
        .unwrap()
        .fixed_offset();
    let got = load_since(&spec, Some(since)).unwrap();
    assert_eq!(subjects(&got), ["inbox 4", "inbox 5"]);
}

#[test]
fn a_window_walks_only_the_newest_commits_and_reaches_back_for_threads() {
    use patchdesk::source::load_since;
    let dir = tempfile::tempdir().unwrap();
    // Epoch 0 is not a repository at all: a window inside epoch 1 never opens it.
    std::fs::create_dir_all(dir.path().join("git/0.git")).unwrap();
    let m: Vec<String> = vec![
        dated(1, None),
        dated(2, None),
        dated(3, None),
        dated(4, Some(2)),
        dated(5, None),
    ];
    let at = |day: i64, i: usize| (T0 + day * DAY, Some(m[i].as_str()));
    make_epoch_at(
        &dir.path().join("git/1.git"),
        &[
            at(1, 0),
            at(2, 1),
            at(3, 2),
            (T0 + 4 * DAY, None),
            at(10, 3),
            at(11, 4),
        ],
    );
    let whole = load(&SourceSpec::Path(dir.path().to_path_buf()));
    assert!(whole.is_err(), "the full read does open epoch 0");
    let since = chrono::DateTime::from_timestamp(T0 + 9 * DAY, 0)
        .unwrap()
        .fixed_offset();
    let got = load_since(&SourceSpec::Path(dir.path().to_path_buf()), Some(since)).unwrap();
    // 4 and 5 arrived in the window; 4 answers 2, which is taken in; 1 and 3 are not.
    assert_eq!(subjects(&got), ["inbox 2", "inbox 4", "inbox 5"]);
    let window = got.window.expect("a window");
    assert_eq!((window.read, window.left_out, window.reached), (2, None, 1));
    // A window that holds everything of epoch 1 goes on into epoch 0, and so fails there.
    let early = chrono::DateTime::from_timestamp(T0, 0)
        .unwrap()
        .fixed_offset();
    let e = load_since(&SourceSpec::Path(dir.path().to_path_buf()), Some(early)).unwrap_err();
    assert!(e.to_string().contains("0.git"), "{e}");
}

#[test]
fn a_window_over_an_mbox_filters_by_date_and_keeps_undated_mail() {
    use patchdesk::source::load_since;
    let dir = tempfile::tempdir().unwrap();
    let mbox = dir.path().join("q.mbox");
    let mail = |n: u32, date: &str| {
        format!(
            "From x@y Thu Jan  1 00:00:00 1970\nFrom: a@example.org\nSubject: m {n}\nMessage-ID: <{n}@x>\n{date}\nb\n\n"
        )
    };
    let text = [
        mail(1, "Date: Mon, 2 Nov 2026 10:00:00 +0000"),
        mail(2, "Date: Fri, 20 Nov 2026 10:00:00 +0100"),
        mail(3, ""),
        mail(4, "Date: Thu, 3 Dec 2026 10:00:00 +0000"),
    ]
    .concat();
    std::fs::write(&mbox, text).unwrap();
    let since = patchdesk::source::window::parse_since(
        "2026-11-20",
        chrono::DateTime::parse_from_rfc3339("2026-12-04T00:00:00Z").unwrap(),
    )
    .unwrap();
    let got = load_since(&SourceSpec::Path(mbox), Some(since)).unwrap();
    assert_eq!(subjects(&got), ["m 2", "m 3", "m 4"]);
    let window = got.window.expect("a window");
    assert_eq!((window.read, window.left_out), (3, Some(1)));
}

#[test]
fn repository_without_m_blobs_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let epoch = dir.path().join("epoch.git");
    make_epoch(&epoch, &[None, None]);
    let error = load(&SourceSpec::Path(epoch)).unwrap_err();
    assert!(matches!(error, Error::BadInput { .. }), "{error}");
    assert!(error.to_string().contains("no `m` blobs"));
}

/// Runs git in `repo` with a fixed author (and date, when given; the committer is Ada) and
/// asserts it succeeded.
fn git_ok(home: &Path, repo: &Path, args: &[&str], author: (&str, &str), date: Option<&str>) {
    let mut cmd = git(home);
    cmd.current_dir(repo)
        .args(args)
        .env("GIT_AUTHOR_NAME", author.0)
        .env("GIT_AUTHOR_EMAIL", author.1)
        .env("GIT_COMMITTER_NAME", "Ada Lovelace")
        .env("GIT_COMMITTER_EMAIL", "ada@example.org");
    if let Some(date) = date {
        cmd.env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository with three commits on a line and a merge of a side branch, made with git.
fn make_repo(home: &Path) -> PathBuf {
    let repo = home.join("repo");
    let clock = std::cell::Cell::new(0);
    let run = |args: &[&str]| {
        clock.set(clock.get() + 1);
        let date = format!("2025-03-03T10:00:{:02}+01:00", clock.get());
        git_ok(
            home,
            &repo,
            args,
            ("Ada Lovelace", "ada@example.org"),
            Some(&date),
        );
    };
    std::fs::create_dir(&repo).unwrap();
    run(&["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("a.txt"), "one\n").unwrap();
    run(&["add", "a.txt"]);
    run(&["commit", "-q", "-m", "base: start"]);
    run(&["tag", "base"]);
    std::fs::write(repo.join("a.txt"), "one\ntwo\n").unwrap();
    run(&[
        "commit",
        "-q",
        "-am",
        "a: add two\n\nThe second line.\n\nSigned-off-by: Ada Lovelace <ada@example.org>",
    ]);
    run(&["checkout", "-q", "-b", "side", "base"]);
    std::fs::write(repo.join("b.txt"), "bee\n").unwrap();
    run(&["add", "b.txt"]);
    run(&["commit", "-q", "-m", "b: add a file"]);
    run(&["checkout", "-q", "main"]);
    run(&["merge", "-q", "--no-ff", "-m", "Merge side", "side"]);
    repo
}

#[test]
fn git_range_commits_become_format_patch_mails() {
    let home = tempfile::tempdir().unwrap();
    let repo = make_repo(home.path());
    let spec = SourceSpec::GitRange {
        repo: repo.clone(),
        range: "base..main".into(),
    };
    let loaded = load(&spec).unwrap();
    assert_eq!(loaded.messages.len(), 2, "the merge is left out");
    // The order and subjects of git format-patch.
    let out = git(home.path())
        .current_dir(&repo)
        .args(["format-patch", "--stdout", "base..main"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let git_subjects: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("Subject: "))
        .collect();
    assert_eq!(subjects(&loaded), git_subjects);
    let first = &loaded.messages[0];
    assert_eq!(first.subject, "[PATCH 1/2] a: add two");
    assert_eq!(first.from.as_ref().unwrap().email, "ada@example.org");
    assert_eq!(
        first.date.unwrap().to_rfc3339(),
        "2025-03-03T10:00:05+01:00"
    );
    assert!(first.message_id.is_none());
    assert_eq!(first.commit.as_ref().map(String::len), Some(40));
    assert!(
        first.body.starts_with(
            "The second line.\n\nSigned-off-by: Ada Lovelace <ada@example.org>\n---\n"
        ),
        "{:?}",
        first.body
    );
    assert!(first.body.contains("diff --git a/a.txt b/a.txt\n"));
    assert!(first.body.contains("\n+two\n"));

    let single = load(&SourceSpec::GitRange {
        repo: repo.clone(),
        range: "main~1".into(),
    })
    .unwrap();
    assert_eq!(single.messages.len(), 1);
    assert_eq!(single.messages[0].subject, "[PATCH] b: add a file");
}

#[test]
fn git_range_writes_binary_changes_git_can_apply() {
    let home = tempfile::tempdir().unwrap();
    let repo = make_repo(home.path());
    let bytes: Vec<u8> = (0..=255u8).cycle().take(600).collect();
    std::fs::write(repo.join("logo.bin"), &bytes).unwrap();
    for args in [
        &["add", "logo.bin"][..],
        &["commit", "-q", "-m", "logo: add it"],
    ] {
        git_ok(
            home.path(),
            &repo,
            args,
            ("Grace Hopper", "grace@example.org"),
            None,
        );
    }
    let spec = SourceSpec::GitRange {
        repo: repo.clone(),
        range: "HEAD~1..HEAD".into(),
    };
    let loaded = load(&spec).unwrap();
    let body = &loaded.messages[0].body;
    assert!(body.contains("GIT binary patch\n"), "{body}");
    let patch = patchdesk::patch::Patch::from_message(loaded.messages[0].clone());
    assert!(patch.diff[0].binary);
    assert_eq!(patch.author.email, "grace@example.org");
    assert_eq!(patch.author_source, patchdesk::patch::AuthorSource::Commit);
    // The change is already in the tree, so it must reverse-apply there.
    let diff_at = body.find("diff --git").unwrap();
    let diff_file = home.path().join("logo.diff");
    std::fs::write(&diff_file, &body[diff_at..]).unwrap();
    let out = git(home.path())
        .current_dir(&repo)
        .args(["apply", "--check", "-R"])
        .arg(&diff_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn unknown_revision_is_a_clear_error() {
    let home = tempfile::tempdir().unwrap();
    let repo = make_repo(home.path());
    let error = load(&SourceSpec::GitRange {
        repo,
        range: "nosuch..main".into(),
    })
    .unwrap_err()
    .to_string();
    assert!(error.contains("nosuch..main"), "{error}");
    assert!(error.contains("unknown revision"), "{error}");
}

#[test]
fn bad_sources_give_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.mbox");
    assert!(matches!(
        load(&SourceSpec::Path(missing)),
        Err(Error::Io { .. })
    ));

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let error = load(&SourceSpec::Path(empty)).unwrap_err();
    assert!(matches!(error, Error::UnknownSource { .. }));
    assert!(error.to_string().contains("empty directory"), "{error}");

    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "x").unwrap();
    assert!(matches!(
        load(&SourceSpec::Path(other)),
        Err(Error::UnknownSource { .. })
    ));

    let not_mail = dir.path().join("notes.txt");
    std::fs::write(&not_mail, "Dear diary,\nno headers here.\n").unwrap();
    let error = load(&SourceSpec::Path(not_mail)).unwrap_err().to_string();
    assert!(error.contains("notes.txt: message 1 at byte 0"), "{error}");

    let empty_file = dir.path().join("empty.mbox");
    std::fs::write(&empty_file, "").unwrap();
    let error = load(&SourceSpec::Path(empty_file)).unwrap_err();
    assert!(matches!(error, Error::BadInput { .. }), "{error}");
}

#[test]
fn broken_message_is_skipped_and_the_rest_load() {
    let good = std::fs::read_to_string(fixture("format-patch.mbox")).unwrap();
    let broken = "From x@y Thu Jan  1 00:00:00 2020\n\nno headers at all\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.mbox");
    std::fs::write(&path, format!("{good}{broken}{good}")).unwrap();
    let loaded = load_path(&path);
    assert_eq!(loaded.messages.len(), 4);
    assert_eq!(loaded.skipped.len(), 1);
    assert_eq!(loaded.skipped[0].index, 3);
    assert_eq!(loaded.skipped[0].offset, good.len() as u64);
    assert_eq!(loaded.messages[3].origin.index, 5);
}

#[test]
fn truncated_mbox_keeps_what_is_there() {
    let good = std::fs::read_to_string(fixture("format-patch.mbox")).unwrap();
    let cut = &good[..good.len() - 40];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.mbox");
    std::fs::write(&path, cut).unwrap();
    let loaded = load_path(&path);
    assert_eq!(loaded.messages.len(), 2);
    assert!(
        loaded.messages[1]
            .warnings
            .iter()
            .any(|w| w.contains("cut off"))
    );
}

/// A small deterministic generator for the robustness test.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn exercise(data: &[u8]) -> usize {
    let split = mbox::split(data);
    let mut ok = 0;
    for (i, entry) in split.messages.iter().enumerate() {
        let raw = mbox::message_bytes(data, entry);
        let origin = Origin {
            source: "fuzz".into(),
            index: i + 1,
            offset: entry.offset as u64,
            file: None,
        };
        let headers_ok = parse_headers(&raw, origin.clone()).is_ok();
        let general = patchdesk::mail::message::parse_message_general(&raw, origin.clone());
        if let Ok(message) = parse_message(&raw, origin) {
            ok += 1;
            assert!(
                headers_ok,
                "the full parse read headers the header parse refused"
            );
            let general = general.expect("both paths read the same messages");
            assert_eq!(message.body, general.body);
            assert_eq!(message.subject, general.subject);
            assert_eq!(message.headers, general.headers);
        } else {
            assert!(general.is_err());
        }
    }
    ok
}

#[test]
fn truncated_and_random_input_never_panics() {
    let mut files = vec![
        "format-patch.mbox",
        "mboxrd.mbox",
        "single.eml",
        "multipart-attachment.eml",
        "flowed.eml",
        "quilt/plain.diff",
        "patches/0001-first.patch",
    ];
    let mut runs = 0;
    let mut parsed = 0;
    let mut rng = Lcg(42);
    for name in files.drain(..) {
        let data = std::fs::read(fixture(name)).unwrap();
        let step = (data.len() / 150).max(1);
        for cut in (0..=data.len()).step_by(step) {
            parsed += exercise(&data[..cut]);
            runs += 1;
        }
        // Flip random bytes too.
        for _ in 0..50 {
            let mut noisy = data.clone();
            for _ in 0..8 {
                let at = rng.next() as usize % noisy.len().max(1);
                if let Some(b) = noisy.get_mut(at) {
                    *b = rng.next() as u8;
                }
            }
            parsed += exercise(&noisy);
            runs += 1;
        }
    }
    for len in [0usize, 1, 7, 64, 512, 4096] {
        for _ in 0..20 {
            let noise: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            exercise(&noise);
            let mut with_header = b"From x@y Thu Jan  1 00:00:00 2020\nSubject: ".to_vec();
            with_header.extend_from_slice(&noise);
            exercise(&with_header);
            runs += 2;
        }
    }
    // Every truncation of a quilt patch and a maildir still loads or fails cleanly.
    let dir = tempfile::tempdir().unwrap();
    let data = std::fs::read(fixture("format-patch.mbox")).unwrap();
    for cut in (0..data.len()).step_by(97) {
        let path = dir.path().join("cut.mbox");
        std::fs::write(&path, &data[..cut]).unwrap();
        let _ = load(&SourceSpec::Path(path));
        runs += 1;
    }
    assert!(runs > 1000 && parsed > 500, "runs {runs}, parsed {parsed}");
}

#[test]
fn demo_queue_splits_like_git() {
    let loaded = load(&SourceSpec::Demo).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.mbox");
    std::fs::write(&path, patchdesk::demo::DEMO_MBOX).unwrap();
    assert_eq!(loaded.messages.len(), git_mailsplit_count(&path, false));
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    assert!(loaded.messages.iter().all(|m| m.origin.source == "demo"));
}

#[test]
fn directory_of_eml_and_mbox_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("single.eml"), dir.path().join("b-single.eml")).unwrap();
    std::fs::copy(fixture("mboxrd.mbox"), dir.path().join("a-thread.mbox")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
    assert_eq!(detect(dir.path()).unwrap(), SourceKind::PatchDir);
    let loaded = load_path(dir.path());
    assert_eq!(
        subjects(&loaded),
        [
            "Re: [PATCH] compiler: fix",
            "[PATCH] machine: halt",
            "[RFC PATCH v2 3/7] notes: a single message"
        ]
    );
    assert!(loaded.messages[0].body.starts_with("From the compiler's"));
    assert_eq!(
        loaded.messages[2].origin.file.as_deref(),
        Some("b-single.eml")
    );
}

#[test]
fn list_since_says_what_the_window_read_and_a_bad_window_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mbox = dir.path().join("q.mbox");
    let mail = |n: u32, date: &str| {
        format!(
            "From x@y Thu Jan  1 00:00:00 1970\nFrom: A <a@example.org>\nSubject: [PATCH] m {n}\nMessage-ID: <{n}@x>\nDate: {date}\n\nb\n\nSigned-off-by: A <a@example.org>\n---\n f | 1 +\n\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n\n"
        )
    };
    let text = [
        mail(1, "Mon, 2 Nov 2026 10:00:00 +0000"),
        mail(2, "Thu, 3 Dec 2026 10:00:00 +0000"),
    ]
    .concat();
    std::fs::write(&mbox, text).unwrap();
    let path = mbox.to_str().unwrap();
    let out = crate::patchdesk(&["list", path, "--since", "2026-11-20"]);
    let text = crate::stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("m 2") && !text.contains("m 1"), "{text}");
    assert!(
        text.contains("window since 2026-11-20: 1 messages read, 1 older left out"),
        "{text}"
    );
    let json = crate::stdout(&crate::patchdesk(&[
        "list",
        path,
        "--since",
        "2026-11-20",
        "--format",
        "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["window"]["left_out"], 1, "{json}");
    // Without --since there is no window, in text or JSON.
    let whole = crate::stdout(&crate::patchdesk(&["list", path, "--format", "json"]));
    assert!(!whole.contains("\"window\""), "{whole}");
    // The desk says it on its status line.
    let screen = crate::stdout(&crate::patchdesk(&[
        path,
        "--since",
        "2026-11-20",
        "--print",
        "--size",
        "140x10",
    ]));
    assert!(screen.contains("window since 2026-11-20"), "{screen}");
    let bad = crate::patchdesk(&["list", path, "--since", "last tuesday"]);
    assert!(!bad.status.success());
    assert!(
        crate::stderr(&bad).contains("--since \"last tuesday\""),
        "{}",
        crate::stderr(&bad)
    );
}

#[test]
fn list_counts_every_message_git_mailsplit_splits() {
    let home = tempfile::tempdir().unwrap();
    for name in ["format-patch.mbox", "mboxrd.mbox"] {
        let path = fixture(name);
        let out = tempfile::tempdir().unwrap();
        let split = crate::run_git(
            home.path(),
            out.path(),
            &["mailsplit", "-o.", path.to_str().unwrap()],
            b"",
        );
        let git_count: u64 = String::from_utf8_lossy(&split).trim().parse().unwrap();
        let json = crate::stdout(&crate::patchdesk(&[
            "list",
            path.to_str().unwrap(),
            "--format",
            "json",
        ]));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let c = &v["counts"];
        let sum: u64 = ["patches", "covers", "replies", "duplicates", "unreadable"]
            .iter()
            .map(|k| c[k].as_u64().unwrap())
            .sum();
        assert_eq!(
            (c["messages"].as_u64(), sum),
            (Some(git_count), git_count),
            "{name}: {c}"
        );
        let text = crate::stdout(&crate::patchdesk(&["list", path.to_str().unwrap()]));
        assert!(
            text.contains(&format!("{git_count} messages read")),
            "{text}"
        );
    }
}
