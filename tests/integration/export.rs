//! Exports read back by three readers (the project's parser, `git mailsplit`, Python's
//! `mailbox`), an end-to-end run through real git (`format-patch` → patchdesk → `git am`,
//! compared with `git interpret-trailers`, and `patchdesk apply` compared with `git am`), a
//! conflict that leaves the repository unchanged, and the command line's refusals.
//!
//! Every git and patchdesk process runs with HOME and XDG dirs in a temp dir, no global or
//! system git config, and fixed identities and dates.

use crate::{patchdesk_in, stderr, stdout};
use chrono::{DateTime, FixedOffset};
use patchdesk::export::plan::{LineNote, ReviewPlan, ReviewStatus};
use patchdesk::export::replies::{self, Selection};
use patchdesk::export::series::SeriesOptions;
use patchdesk::export::{record, series};
use patchdesk::mail::Address;
use patchdesk::policy::Part;
use patchdesk::queue::{self, Queue};
use patchdesk::source::{self, SourceSpec};
use std::path::{Path, PathBuf};
use std::process::Command;

const MAINTAINER: (&str, &str) = ("Jön Tåbor", "jon.tabor@example.net");

fn maintainer() -> Address {
    Address {
        name: MAINTAINER.0.into(),
        email: MAINTAINER.1.into(),
    }
}

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-24T20:00:00+01:00").expect("date")
}

/// A sandbox: a temp dir used as HOME, with git's identity and dates fixed.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs git in `cwd`; panics with its stderr when it fails.
    fn git(&self, cwd: &Path, args: &[&str]) -> String {
        let out = self.git_raw(cwd, args, None);
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn git_raw(&self, cwd: &Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
        use std::io::Write;
        let home = self.dir.path();
        let mut cmd = Command::new("git");
        cmd.args(args)
            .current_dir(cwd)
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Zoë Łukasiewicz")
            .env("GIT_AUTHOR_EMAIL", "zoe@example.org")
            .env("GIT_AUTHOR_DATE", "2026-11-20T10:12:00+01:00")
            .env("GIT_COMMITTER_NAME", MAINTAINER.0)
            .env("GIT_COMMITTER_EMAIL", MAINTAINER.1)
            .env("GIT_COMMITTER_DATE", "2026-11-24T20:00:00+01:00")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("git runs");
        if let (Some(mut pipe), Some(text)) = (child.stdin.take(), stdin) {
            pipe.write_all(text.as_bytes()).expect("stdin");
        }
        child.wait_with_output().expect("git finishes")
    }

    fn patchdesk(&self, args: &[&str]) -> std::process::Output {
        patchdesk_in(self.dir.path(), args, None)
    }
}

fn load(path: &Path) -> Queue {
    queue::load(&SourceSpec::Path(path.to_path_buf())).expect("queue loads")
}

/// The demo queue as a file in the sandbox.
fn demo_queue(sandbox: &Sandbox) -> (PathBuf, Queue) {
    let path = sandbox.path("queue.mbox");
    std::fs::write(&path, patchdesk::demo::DEMO_MBOX).expect("demo written");
    let queue = load(&path);
    (path, queue)
}

fn key(queue: &Queue, name: &str) -> String {
    let index = queue.select(Some(name)).expect("patch exists");
    queue.patches[index].key.clone()
}

/// A review of the demo: notes, an ack, a rejection, a review of the non-ASCII author's
/// patch, and a series note.
fn demo_plan(queue: &Queue) -> ReviewPlan {
    let mut plan = ReviewPlan::new(maintainer());
    let p = plan.patch_mut(&key(queue, "2.2"));
    p.status = ReviewStatus::ChangesRequested;
    p.line_notes.push(LineNote {
        part: Part::Diff,
        file: Some("hw/char/uart.c".into()),
        line: 41,
        text: "Tab here; use four spaces.".into(),
        interdiff: None,
    });
    plan.patch_mut(&key(queue, "2.1"))
        .trailers
        .push(("Acked-by".into(), maintainer().display()));
    plan.patch_mut(&key(queue, "3.1")).status = ReviewStatus::Rejected;
    plan.patch_mut(&key(queue, "4.1"))
        .trailers
        .push(("Reviewed-by".into(), maintainer().display()));
    let cover = key(queue, "2.0");
    plan.series_mut(&cover)
        .notes
        .push("From now on, one FIFO per UART.".into());
    plan
}

/// Number of messages `git mailsplit` finds.
fn mailsplit_count(sandbox: &Sandbox, mbox: &Path) -> usize {
    let dir = tempfile::tempdir_in(sandbox.dir.path()).expect("split dir");
    let out = sandbox.git(
        sandbox.dir.path(),
        &[
            "mailsplit",
            "--mboxrd",
            &format!("-o{}", dir.path().display()),
            &mbox.display().to_string(),
        ],
    );
    let count: usize = out.trim().parse().expect("mailsplit prints a count");
    assert_eq!(std::fs::read_dir(dir.path()).expect("split").count(), count);
    count
}

/// Python's `mailbox`: the number of messages and each one's decoded From and To.
fn python_read(mbox: &Path) -> (usize, Vec<String>) {
    let script = r#"
import mailbox, sys, email.policy, email.parser
box = mailbox.mbox(sys.argv[1], factory=lambda f: email.parser.BytesParser(policy=email.policy.default).parse(f))
msgs = list(box)
print(len(msgs))
for m in msgs:
    print(str(m['From']) + ' | ' + str(m['To']) + ' | ' + str(m['Subject']))
"#;
    let out = Command::new("python3")
        .args(["-c", script, &mbox.display().to_string()])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut lines = text.lines();
    let count = lines
        .next()
        .and_then(|l| l.parse().ok())
        .expect("python prints a count");
    (count, lines.map(String::from).collect())
}

/// Checks an mbox with the three readers; returns the messages the project's parser read.
fn read_back(sandbox: &Sandbox, mbox: &Path, expected: usize) -> Vec<patchdesk::mail::Message> {
    let loaded = source::load(&SourceSpec::Path(mbox.to_path_buf())).expect("parser reads it");
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    assert_eq!(loaded.messages.len(), expected, "project's parser");
    assert_eq!(mailsplit_count(sandbox, mbox), expected, "git mailsplit");
    let (count, _) = python_read(mbox);
    assert_eq!(count, expected, "python mailbox");
    loaded.messages
}

#[test]
fn replies_read_back_everywhere_thread_right_and_keep_non_ascii_names() {
    let sandbox = Sandbox::new();
    let (_, queue) = demo_queue(&sandbox);
    let plan = demo_plan(&queue);
    let out = sandbox.path("replies.mbox");
    let built = replies::build(&queue, &plan, Selection::All, now()).expect("replies");
    let count = replies::export(&queue, &plan, Selection::All, now(), &out, false).expect("export");
    assert_eq!(count, 5, "2.0 (series note), 2.1, 2.2, 3.1, 4.1");
    assert_eq!(built.len(), count);

    let messages = read_back(&sandbox, &out, count);
    for (message, reply) in messages.iter().zip(&built) {
        let answered = &queue.patches[reply.answers];
        assert_eq!(
            message.in_reply_to, answered.mail.message_id,
            "threaded under its patch"
        );
        assert_eq!(message.references.last(), answered.mail.message_id.as_ref());
        assert_eq!(message.subject, format!("Re: {}", answered.mail.subject));
        assert_eq!(
            message.from.as_ref(),
            Some(&maintainer()),
            "non-ASCII From survives"
        );
        assert_eq!(message.to, vec![answered.author.clone()]);
        assert!(message.cc.iter().all(|a| a.email != MAINTAINER.1));
        assert_eq!(
            message.header("Content-Type"),
            Some("text/plain; charset=UTF-8")
        );
        assert_eq!(message.header("MIME-Version"), Some("1.0"));
        assert!(message.date.is_some());
    }
    let ids: std::collections::HashSet<_> = messages
        .iter()
        .filter_map(|m| m.message_id.clone())
        .collect();
    assert_eq!(ids.len(), count, "every Message-Id is new and unique");

    // The review of Zoë's patch goes to her, by name, in every reader.
    let zoe = messages
        .iter()
        .find(|m| m.to.iter().any(|a| a.name == "Zoë Łukasiewicz"))
        .expect("reply to Zoë");
    assert!(
        zoe.body
            .contains(&format!("\nReviewed-by: {}\n", maintainer().display()))
    );
    let (_, python) = python_read(&out);
    assert!(
        python.iter().any(|l| l.contains("Zoë Łukasiewicz")),
        "{python:?}"
    );
    assert!(
        python
            .iter()
            .all(|l| l.starts_with("Jön Tåbor <jon.tabor@example.net>")),
        "{python:?}"
    );

    // The note sits under its line, unquoted; the status is told.
    let fifo = messages
        .iter()
        .find(|m| m.body.contains("Tab here"))
        .expect("noted reply");
    assert!(
        fifo.body
            .contains("> +\ts->lsr |= UART_LSR_DR;\n\nTab here; use four spaces.\n\n> +    }\n"),
        "{}",
        fifo.body
    );
    assert!(fifo.body.contains("Changes requested"));
    // A body line that starts with "From " survived the mboxrd escaping.
    assert!(
        messages
            .iter()
            .any(|m| m.body.contains("\nFrom now on, one FIFO per UART.\n"))
    );
}

#[test]
fn series_and_record_read_back_everywhere() {
    let sandbox = Sandbox::new();
    let (_, queue) = demo_queue(&sandbox);
    let plan = demo_plan(&queue);
    let out = sandbox.path("series.mbox");
    let options = SeriesOptions {
        signoff: true,
        ..SeriesOptions::default()
    };
    let n = series::export(&queue, &plan, 2, options, &out, false).expect("series");
    assert_eq!(n, 3);
    let messages = read_back(&sandbox, &out, 3);
    let reread = queue::build(
        "series.mbox",
        source::Loaded {
            messages,
            ..Default::default()
        },
    );
    assert_eq!(reread.series.len(), 1);
    assert_eq!(reread.series[0].patches.len(), 3);
    let first = &reread.patches[reread.series[0].patches[0]];
    let keys: Vec<&str> = first.trailers.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(keys.last(), Some(&"Signed-off-by"));
    assert!(
        keys.contains(&"Acked-by") && keys.contains(&"Tested-by"),
        "{keys:?}"
    );

    let record = sandbox.path("record.mbox");
    let series_count = record::export(
        &queue,
        &plan,
        record::RecordFormat::Mbox,
        now(),
        &record,
        false,
    )
    .expect("record");
    let messages = read_back(&sandbox, &record, series_count);
    for (message, s) in messages.iter().zip(&queue.series) {
        let anchor = s
            .cover
            .or(s.patches.first().copied())
            .expect("series has a patch");
        assert_eq!(message.in_reply_to, queue.patches[anchor].mail.message_id);
    }
}

/// A repository with a base commit and three commits on top (one by an author with a
/// non-ASCII name, one with a trailer block, one with none), returned with the base id.
fn make_repo(sandbox: &Sandbox) -> (PathBuf, String) {
    let repo = sandbox.path("repo");
    std::fs::create_dir(&repo).expect("repo dir");
    sandbox.git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(
        repo.join("uart.c"),
        (1..=30).map(|i| format!("line {i}\n")).collect::<String>(),
    )
    .expect("file");
    std::fs::write(repo.join("README"), "tiny emulator\n").expect("file");
    sandbox.git(&repo, &["add", "."]);
    sandbox.git(&repo, &["commit", "-q", "-m", "base"]);
    let base = sandbox
        .git(&repo, &["rev-parse", "HEAD"])
        .trim()
        .to_string();

    let edit = |path: &str, from: &str, to: &str| {
        let p = repo.join(path);
        let text = std::fs::read_to_string(&p)
            .expect("read")
            .replacen(from, to, 1);
        std::fs::write(&p, text).expect("write");
    };
    edit("uart.c", "line 5\n", "line five\n");
    sandbox.git(&repo, &["commit", "-q", "-a", "-m", "uart: spell five\n\nNumbers under ten are words.\n\nSigned-off-by: Zoë Łukasiewicz <zoe@example.org>\nCc: Mara Quint <mara@example.org>"]);
    edit("uart.c", "line 25\n", "line 25\nline 25b\n");
    std::fs::write(repo.join("new.txt"), "new file\n").expect("file");
    sandbox.git(&repo, &["add", "new.txt"]);
    sandbox.git(
        &repo,
        &[
            "commit",
            "-q",
            "-a",
            "-m",
            "uart: add a line and a file\n\nThe body has no trailers at all.",
        ],
    );
    edit(
        "README",
        "tiny emulator\n",
        "tiny emulator, now with a FIFO\n",
    );
    sandbox.git(
        &repo,
        &["commit", "-q", "-a", "-m", "README: mention the FIFO"],
    );
    (repo, base)
}

/// The commits after `base`, as `git format-patch --thread --cover-letter` sends them, in
/// `sent.mbox` in the sandbox.
fn send_series(sandbox: &Sandbox, repo: &Path, base: &str) -> PathBuf {
    let sent = sandbox.git(
        repo,
        &[
            "format-patch",
            "--stdout",
            "--thread",
            "--cover-letter",
            &format!("{base}..HEAD"),
        ],
    );
    let mbox = sandbox.path("sent.mbox");
    std::fs::write(&mbox, sent).expect("mbox");
    mbox
}

/// A commit's message exactly as stored.
fn message_of(sandbox: &Sandbox, repo: &Path, rev: &str) -> String {
    let raw = sandbox.git(repo, &["cat-file", "commit", rev]);
    raw.split_once("\n\n")
        .map(|(_, m)| m.to_string())
        .unwrap_or_default()
}

fn interpret_trailers(sandbox: &Sandbox, repo: &Path, message: &str, trailer: &str) -> String {
    let out = sandbox.git_raw(
        repo,
        &[
            "interpret-trailers",
            "--if-exists",
            "addIfDifferent",
            "--trailer",
            trailer,
        ],
        Some(message),
    );
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn acked_series_goes_through_git_am_and_apply_alike() {
    let sandbox = Sandbox::new();
    let (repo, base) = make_repo(&sandbox);
    let originals: Vec<String> = (0..3)
        .rev()
        .map(|i| message_of(&sandbox, &repo, &format!("HEAD~{i}")))
        .collect();
    let mbox = send_series(&sandbox, &repo, &base);

    let queue = load(&mbox);
    assert_eq!(queue.series.len(), 1);
    let ack = format!("Acked-by: {}", maintainer().display());
    let mut plan = ReviewPlan::new(maintainer());
    for &i in &queue.series[0].patches {
        plan.patch_mut(&queue.patches[i].key)
            .trailers
            .push(("Acked-by".into(), maintainer().display()));
    }
    let plan_file = sandbox.path("plan.json");
    std::fs::write(&plan_file, serde_json::to_string(&plan).expect("json")).expect("plan");

    // Export through the command line, then `git am` in a clone at the base.
    let exported = sandbox.path("acked.mbox");
    let out = sandbox.patchdesk(&[
        "export",
        "series",
        &mbox.display().to_string(),
        "--series",
        "1",
        "--out",
        &exported.display().to_string(),
        "--plan",
        &plan_file.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("wrote 3 patches of series 1"),
        "{}",
        stdout(&out)
    );
    let clone = sandbox.path("clone");
    sandbox.git(
        sandbox.dir.path(),
        &[
            "clone",
            "-q",
            &repo.display().to_string(),
            &clone.display().to_string(),
        ],
    );
    sandbox.git(&clone, &["reset", "-q", "--hard", &base]);
    sandbox.git(
        &clone,
        &[
            "am",
            "-q",
            "--patch-format=mboxrd",
            &exported.display().to_string(),
        ],
    );
    for (i, original) in originals.iter().enumerate() {
        let rev = format!("HEAD~{}", 2 - i);
        assert_eq!(
            message_of(&sandbox, &clone, &rev),
            interpret_trailers(&sandbox, &repo, original, &ack),
            "commit {rev} after git am"
        );
        let author = sandbox.git(&clone, &["log", "-1", "--format=%an <%ae> %aI", &rev]);
        assert_eq!(
            author.trim(),
            "Zoë Łukasiewicz <zoe@example.org> 2026-11-20T10:12:00+01:00"
        );
    }

    // `patchdesk apply` makes the same trees and messages, on a branch, HEAD untouched.
    let head_before = sandbox.git(&repo, &["rev-parse", "HEAD"]);
    let out = sandbox.patchdesk(&[
        "apply",
        &mbox.display().to_string(),
        "--series",
        "1",
        "--repo",
        &repo.display().to_string(),
        "--branch",
        "acked",
        "--onto",
        &base,
        "--plan",
        &plan_file.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("on branch acked"), "{}", stdout(&out));
    assert_eq!(sandbox.git(&repo, &["rev-parse", "HEAD"]), head_before);
    for i in 0..3 {
        let ours = format!("acked~{i}");
        let theirs = format!("HEAD~{i}");
        assert_eq!(
            sandbox.git(&repo, &["rev-parse", &format!("{ours}^{{tree}}")]),
            sandbox.git(&clone, &["rev-parse", &format!("{theirs}^{{tree}}")]),
            "tree of {ours}"
        );
        assert_eq!(
            message_of(&sandbox, &repo, &ours),
            message_of(&sandbox, &clone, &theirs)
        );
        let committer = sandbox.git(&repo, &["log", "-1", "--format=%cn <%ce>", &ours]);
        assert_eq!(committer.trim(), maintainer().display());
    }
    assert_eq!(sandbox.git(&repo, &["rev-parse", "acked~3"]).trim(), base);
    assert!(sandbox.git(&repo, &["status", "--porcelain"]).is_empty());
}

/// Everything a failed apply must leave as it was.
fn repo_state(sandbox: &Sandbox, repo: &Path) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    let mut stack = vec![repo.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("dir") {
            let entry = entry.expect("entry");
            let path = entry.path();
            if entry.file_type().expect("type").is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("file");
                let hash = patchdesk::hash::sha1_hex(&bytes);
                files.push(format!("{} {hash}", path.display()));
            }
        }
    }
    files.sort();
    files.push(sandbox.git(repo, &["for-each-ref"]));
    files.push(sandbox.git(repo, &["symbolic-ref", "HEAD"]));
    files.push(sandbox.git(repo, &["status", "--porcelain"]));
    files
}

#[test]
fn a_patch_that_does_not_apply_stops_apply_with_the_repository_unchanged() {
    let sandbox = Sandbox::new();
    let (repo, base) = make_repo(&sandbox);
    let sent = sandbox.git(
        &repo,
        &["format-patch", "--stdout", &format!("{base}..HEAD")],
    );
    let mbox = sandbox.path("sent.mbox");
    std::fs::write(&mbox, sent).expect("mbox");
    // Upstream moved on: line 25 changed, so patch 2 no longer applies. Leave a dirty file
    // and a staged change too: apply must not care, nor touch them.
    sandbox.git(&repo, &["checkout", "-q", &base]);
    sandbox.git(&repo, &["checkout", "-q", "-b", "upstream"]);
    let text = std::fs::read_to_string(repo.join("uart.c"))
        .expect("read")
        .replace("line 25\n", "line 25 changed\n");
    std::fs::write(repo.join("uart.c"), text).expect("write");
    sandbox.git(&repo, &["commit", "-q", "-a", "-m", "upstream change"]);
    std::fs::write(repo.join("README"), "dirty\n").expect("dirty");
    std::fs::write(repo.join("staged.txt"), "staged\n").expect("staged");
    sandbox.git(&repo, &["add", "staged.txt"]);
    let before = repo_state(&sandbox, &repo);

    let plan_file = sandbox.path("plan.json");
    std::fs::write(
        &plan_file,
        serde_json::to_string(&ReviewPlan::new(maintainer())).expect("json"),
    )
    .expect("plan");
    let out = sandbox.patchdesk(&[
        "apply",
        &mbox.display().to_string(),
        "--series",
        "1",
        "--repo",
        &repo.display().to_string(),
        "--branch",
        "try",
        "--plan",
        &plan_file.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("patch 1.2 (uart: add a line and a file) does not apply"),
        "{err}"
    );
    assert!(
        err.contains("file uart.c, hunk 1 (@@ -23,6 +23,7 @@"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");
    assert_eq!(
        repo_state(&sandbox, &repo),
        before,
        "refs, HEAD, index, worktree, objects"
    );
}

#[test]
fn command_line_refuses_bad_input_with_one_line_and_writes_nothing() {
    let sandbox = Sandbox::new();
    let (queue_path, queue) = demo_queue(&sandbox);
    let source = queue_path.display().to_string();
    let plan_file = sandbox.path("plan.json");
    std::fs::write(
        &plan_file,
        serde_json::to_string(&demo_plan(&queue)).expect("json"),
    )
    .expect("plan");
    let plan = plan_file.display().to_string();

    // An output that exists is kept unless --force.
    let out_path = sandbox.path("taken.mbox");
    std::fs::write(&out_path, "mine\n").expect("file");
    let out_arg = out_path.display().to_string();
    let out = sandbox.patchdesk(&[
        "export", "replies", &source, "--all", "--out", &out_arg, "--plan", &plan,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&out_path).expect("kept"), "mine\n");
    let out = sandbox.patchdesk(&[
        "export", "replies", &source, "--all", "--out", &out_arg, "--plan", &plan, "--force",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("wrote 5 replies"), "{}", stdout(&out));

    // Series 5 lacks patch 2: refused for export series and apply unless --allow-missing.
    let missing = sandbox.path("s5.mbox");
    let missing_arg = missing.display().to_string();
    let out = sandbox.patchdesk(&[
        "export",
        "series",
        &source,
        "--series",
        "5",
        "--out",
        &missing_arg,
        "--plan",
        &plan,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("lacks patch 2 of 3"),
        "{}",
        stderr(&out)
    );
    assert!(!missing.exists());
    let out = sandbox.patchdesk(&[
        "export",
        "series",
        &source,
        "--series",
        "5",
        "--out",
        &missing_arg,
        "--plan",
        &plan,
        "--allow-missing",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Not a repository; an existing branch; an unknown --onto.
    let not_repo = sandbox.path("plain");
    std::fs::create_dir(&not_repo).expect("dir");
    let out = sandbox.patchdesk(&[
        "apply",
        &source,
        "--series",
        "4",
        "--repo",
        &not_repo.display().to_string(),
        "--plan",
        &plan,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a git repository"),
        "{}",
        stderr(&out)
    );
    let (repo, _) = make_repo(&sandbox);
    let repo_arg = repo.display().to_string();
    let out = sandbox.patchdesk(&[
        "apply", &source, "--series", "4", "--repo", &repo_arg, "--branch", "main", "--plan", &plan,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("branch main exists"),
        "{}",
        stderr(&out)
    );
    let out = sandbox.patchdesk(&[
        "apply", &source, "--series", "4", "--repo", &repo_arg, "--onto", "nowhere", "--plan",
        &plan,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--onto nowhere"), "{}", stderr(&out));

    // Record as JSON.
    let json = sandbox.path("record.json");
    let out = sandbox.patchdesk(&[
        "export",
        "record",
        &source,
        "--out",
        &json.display().to_string(),
        "--format",
        "json",
        "--plan",
        &plan,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("valid");
    assert_eq!(v["series"].as_array().map(Vec::len), Some(5));
    assert_eq!(v["series"][1]["status"], "changes-requested");
}

impl Sandbox {
    /// Runs patchdesk in `cwd` (whose git config names the maintainer), sandboxed.
    fn patchdesk_at(&self, cwd: &Path, args: &[&str]) -> std::process::Output {
        let home = self.dir.path();
        Command::new(env!("CARGO_BIN_EXE_patchdesk"))
            .args(args)
            .current_dir(cwd)
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("NO_COLOR", "1")
            .env_remove("EDITOR")
            .env_remove("VISUAL")
            .output()
            .expect("patchdesk runs")
    }
}

#[test]
fn what_the_desk_recorded_is_what_gets_exported() {
    let sandbox = Sandbox::new();
    let (repo, base) = make_repo(&sandbox);
    sandbox.git(&repo, &["config", "user.name", MAINTAINER.0]);
    sandbox.git(&repo, &["config", "user.email", MAINTAINER.1]);
    let sent = sandbox.git(
        &repo,
        &[
            "format-patch",
            "--stdout",
            "--thread",
            &format!("{base}..HEAD"),
        ],
    );
    let mbox = sandbox.path("sent.mbox");
    std::fs::write(&mbox, sent).expect("mbox");
    let source = mbox.display().to_string();
    let run = |args: &[&str]| {
        let out = sandbox.patchdesk_at(&repo, args);
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        stdout(&out)
    };
    run(&["ack", &source, "1.1", "--profile", "generic"]);
    run(&[
        "note",
        &source,
        "1.2",
        "--line",
        "uart.c:26",
        "Why a second line?",
    ]);
    run(&["status", &source, "1.2", "changes-requested"]);

    let replies_out = sandbox.path("replies.mbox");
    run(&[
        "export",
        "replies",
        &source,
        "--all",
        "--out",
        &replies_out.display().to_string(),
    ]);
    let messages = read_back(&sandbox, &replies_out, 2);
    assert!(
        messages[0]
            .body
            .trim_end()
            .ends_with(&format!("\nAcked-by: {}", maintainer().display())),
        "{}",
        messages[0].body
    );
    assert!(
        messages[1]
            .body
            .contains("> +line 25b\n\nWhy a second line?\n\n"),
        "{}",
        messages[1].body
    );
    assert!(messages[1].body.contains("Changes requested"));

    let series_out = sandbox.path("series.mbox");
    run(&[
        "export",
        "series",
        &source,
        "--series",
        "1",
        "--out",
        &series_out.display().to_string(),
        "--signoff",
    ]);
    let reread = load(&series_out);
    let first = &reread.patches[reread.series[0].patches[0]];
    let lines: Vec<String> = first
        .trailers
        .iter()
        .map(|t| format!("{}: {}", t.key, t.value))
        .collect();
    assert_eq!(
        lines,
        vec![
            "Signed-off-by: Zoë Łukasiewicz <zoe@example.org>".to_string(),
            "Cc: Mara Quint <mara@example.org>".to_string(),
            format!("Acked-by: {}", maintainer().display()),
            format!("Signed-off-by: {}", maintainer().display()),
        ]
    );

    let record_out = sandbox.path("record.json");
    run(&[
        "export",
        "record",
        &source,
        "--out",
        &record_out.display().to_string(),
        "--format",
        "json",
        "--profile",
        "generic",
    ]);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record_out).expect("record")).expect("json");
    assert_eq!(v["maintainer"], maintainer().display());
    assert_eq!(v["series"][0]["status"], "changes-requested");
    assert_eq!(v["series"][0]["patches"][1]["status"], "changes-requested");
    assert_eq!(v["series"][0]["patches"][1]["line_notes"], 1);
    assert!(v["series"][0]["patches"][0]["findings"].is_object());
}

/// Writes patchdesk's config in the sandbox: the maintainer's identity.
fn write_identity(sandbox: &Sandbox) {
    let dir = sandbox.path("config/patchdesk");
    std::fs::create_dir_all(&dir).expect("config dir");
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[identity]\nname = \"{}\"\nemail = \"{}\"\n",
            MAINTAINER.0, MAINTAINER.1
        ),
    )
    .expect("config");
}

/// Replays `keys` in the desk over `source` (headless), as a user would type them.
fn tui_keys(sandbox: &Sandbox, source: &Path, keys: &str) -> String {
    let out = sandbox.patchdesk(&[
        &source.display().to_string(),
        "--keys",
        keys,
        "--print",
        "--size",
        "100x30",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn the_tui_applies_a_series_to_a_real_repository_with_the_options_chosen_at_the_confirm() {
    let sandbox = Sandbox::new();
    write_identity(&sandbox);
    let (repo, base) = make_repo(&sandbox);
    let mbox = send_series(&sandbox, &repo, &base);
    let head = sandbox.git(&repo, &["rev-parse", "HEAD"]);
    let repo_text = repo.display().to_string();

    // Apply the series onto the base as a named branch with the maintainer's sign-off: `ea`,
    // the repository, `o` onto, `b` branch, `s` signoff.
    let setup = format!("ea<c-u>{repo_text}<enter>o{base}<enter>bqueue/uart<enter>s");
    let confirm = tui_keys(&sandbox, &mbox, &setup);
    assert!(confirm.contains("confirm to write"), "{confirm}");
    assert!(confirm.contains("new branch queue/uart"), "{confirm}");
    assert!(confirm.contains("signoff: on"), "{confirm}");
    assert!(
        sandbox
            .git(&repo, &["branch", "--list", "queue/uart"])
            .is_empty(),
        "nothing is applied before the confirmation"
    );
    let done = tui_keys(&sandbox, &mbox, &format!("{setup}y"));
    assert!(
        done.contains("applied 3 patches on branch queue/uart"),
        "the result names the branch: {done}"
    );
    // The branch holds the same trees as the original commits, signed off last.
    for i in 0..3 {
        assert_eq!(
            sandbox.git(&repo, &["rev-parse", &format!("queue/uart~{i}^{{tree}}")]),
            sandbox.git(&repo, &["rev-parse", &format!("HEAD~{i}^{{tree}}")]),
        );
        let message = message_of(&sandbox, &repo, &format!("queue/uart~{i}"));
        let me = format!("Signed-off-by: {} <{}>", MAINTAINER.0, MAINTAINER.1);
        assert_eq!(message.lines().last(), Some(me.as_str()), "{message}");
    }
    assert_eq!(sandbox.git(&repo, &["rev-parse", "HEAD"]), head);
    assert_eq!(
        sandbox.git(&repo, &["symbolic-ref", "HEAD"]).trim(),
        "refs/heads/main"
    );
    assert!(sandbox.git(&repo, &["status", "--porcelain"]).is_empty());

    // The same branch again is refused at the confirm step, before anything is tried.
    let again = tui_keys(&sandbox, &mbox, &setup);
    assert!(
        again.contains("refused:") && again.contains("branch queue/uart exists"),
        "{again}"
    );
    let pressed = tui_keys(&sandbox, &mbox, &format!("{setup}y"));
    assert!(pressed.contains("nothing written"), "{pressed}");
}

#[test]
fn the_tui_writes_the_record_in_either_format_and_replaces_only_when_told() {
    let sandbox = Sandbox::new();
    write_identity(&sandbox);
    let (mbox, queue) = demo_queue(&sandbox);
    let json = sandbox.path("record.json");
    let json_text = json.display().to_string();
    let done = tui_keys(&sandbox, &mbox, &format!("et<c-u>{json_text}<enter>y"));
    assert!(done.contains(&format!("to {json_text}")), "{done}");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("record written"))
            .expect("the record is JSON");
    assert!(record.is_object() || record.is_array(), "{record}");

    // `t` switches to mbox (and the file name with it): one summary per series.
    let done = tui_keys(&sandbox, &mbox, &format!("et<c-u>{json_text}<enter>ty"));
    let mbox_out = sandbox.path("record.mbox");
    assert!(done.contains("record.mbox"), "{done}");
    assert_eq!(mailsplit_count(&sandbox, &mbox_out), queue.series.len());

    // Writing over an existing file needs `F`.
    std::fs::write(&json, "keep me").expect("file");
    let refused = tui_keys(&sandbox, &mbox, &format!("et<c-u>{json_text}<enter>y"));
    assert!(refused.contains("error:"), "{refused}");
    assert_eq!(std::fs::read_to_string(&json).expect("file"), "keep me");
    let replaced = tui_keys(&sandbox, &mbox, &format!("et<c-u>{json_text}<enter>Fy"));
    assert!(replaced.contains("wrote the record"), "{replaced}");
    assert_ne!(std::fs::read_to_string(&json).expect("file"), "keep me");
}

#[test]
fn exports_sign_with_the_identity_in_patchdesks_config_when_git_has_none() {
    let sandbox = Sandbox::new();
    write_identity(&sandbox);
    let (mbox, _) = demo_queue(&sandbox);
    let source = mbox.display().to_string();
    let out = sandbox.patchdesk(&["status", &source, "1.1", "changes-requested"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let replies_out = sandbox.path("replies.mbox");
    let out = sandbox.patchdesk(&[
        "export",
        "replies",
        &source,
        "--all",
        "--out",
        &replies_out.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&replies_out).expect("replies");
    let messages = read_back(&sandbox, &replies_out, text.matches("\nFrom ").count() + 1);
    assert!(!messages.is_empty());
    for m in &messages {
        let from = m.from.as_ref().expect("a From");
        assert_eq!(
            (from.name.as_str(), from.email.as_str()),
            MAINTAINER,
            "{}",
            m.subject
        );
    }
}

// ---- kill -9 in the middle of an export or an apply ----

const EXPORT_LOOP: &str = "PATCHDESK_TEST_EXPORT_LOOP";
const APPLY_LOOP: &str = "PATCHDESK_TEST_APPLY_LOOP";

/// The bytes of export generation `g`: big enough that a write takes a while, each line
/// naming its generation.
fn export_generation(g: u64) -> Vec<u8> {
    format!("From gen-{g} Mon Sep 17 00:00:00 2001\n")
        .repeat(12_000)
        .into_bytes()
}

/// Not a test on its own: with `PATCHDESK_TEST_EXPORT_LOOP=<file>`, replaces the file with
/// one generation after another, as every export writes its file, until killed.
#[test]
fn export_loop_child() {
    let Some(path) = std::env::var_os(EXPORT_LOOP) else {
        return;
    };
    let path = PathBuf::from(path);
    for g in 1.. {
        patchdesk::export::mbox::write_atomic(&path, &export_generation(g), true).expect("write");
    }
}

/// Not a test on its own: with `PATCHDESK_TEST_APPLY_LOOP=<repo>\n<mbox>`, applies series 1
/// onto new branches `loop/<pid>-<n>` until killed.
#[test]
fn apply_loop_child() {
    let Some(spec) = std::env::var(APPLY_LOOP).ok() else {
        return;
    };
    let (repo, mbox) = spec.split_once('\n').expect("repo and mbox");
    let queue = load(Path::new(mbox));
    let plan = ReviewPlan::new(maintainer());
    for n in 0.. {
        let request = patchdesk::export::apply::ApplyRequest {
            series: 1,
            branch: Some(format!("loop/{}-{n}", std::process::id())),
            onto: None,
            options: SeriesOptions::default(),
        };
        patchdesk::export::apply::apply(&queue, &plan, Path::new(repo), &request, now())
            .expect("apply");
    }
}

fn spawn_loop_child(name: &str, var: &str, value: &str, home: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", name, "--nocapture"])
        .env(var, value)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn child")
}

/// A delay in `0..range` milliseconds that differs from round to round.
fn random_millis(round: u64, range: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0);
    let mut x = round.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ nanos;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    (x ^ (x >> 33)) % range
}

#[test]
fn an_export_killed_at_any_moment_leaves_the_old_file_or_the_new_whole() {
    let sandbox = Sandbox::new();
    let out = sandbox.path("series.mbox");
    let out_text = out.display().to_string();
    const ROUNDS: u64 = 200;
    let (mut last, mut changed) = (0u64, 0);
    for round in 0..ROUNDS {
        let mut child = spawn_loop_child(
            "export::export_loop_child",
            EXPORT_LOOP,
            &out_text,
            sandbox.dir.path(),
        );
        std::thread::sleep(std::time::Duration::from_millis(
            3 + random_millis(round, 25),
        ));
        child.kill().expect("kill -9");
        child.wait().expect("reap");
        let Ok(bytes) = std::fs::read(&out) else {
            continue;
        };
        let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        let g: u64 = std::str::from_utf8(first)
            .ok()
            .and_then(|l| l.strip_prefix("From gen-"))
            .and_then(|l| l.split(' ').next())
            .and_then(|g| g.parse().ok())
            .unwrap_or_else(|| panic!("round {round}: not an export: {first:?}"));
        assert_eq!(bytes, export_generation(g), "round {round}: half a file");
        if g != last {
            changed += 1;
            last = g;
        }
    }
    assert!(
        changed > ROUNDS / 4,
        "the file changed in only {changed} rounds"
    );
    eprintln!("{ROUNDS} kills of an export, the file moved on in {changed}, 0 half files");
    let temps: Vec<String> = std::fs::read_dir(sandbox.dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".series.mbox."))
        .collect();
    // A killed write may leave its hidden temporary file; never in place of the export.
    assert!(temps.iter().all(|t| t.ends_with(".tmp")), "{temps:?}");
}

/// Bytes of every file of the working tree and of `.git/HEAD` and `.git/index`.
fn tree_and_index(repo: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut dirs = vec![repo.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("dir").flatten() {
            let path = entry.path();
            if path.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push((
                    path.display().to_string(),
                    std::fs::read(&path).expect("file"),
                ));
            }
        }
    }
    for name in ["HEAD", "index"] {
        let path = repo.join(".git").join(name);
        files.push((
            path.display().to_string(),
            std::fs::read(&path).expect("git file"),
        ));
    }
    files.sort();
    files
}

#[test]
fn an_apply_killed_at_any_moment_leaves_the_repository_without_a_half_branch() {
    let sandbox = Sandbox::new();
    let (repo, base) = make_repo(&sandbox);
    let mbox = send_series(&sandbox, &repo, &base);
    sandbox.git(&repo, &["reset", "-q", "--hard", &base]);
    let head = sandbox.git(&repo, &["rev-parse", "HEAD"]);
    let before = tree_and_index(&repo);
    let spec = format!("{}\n{}", repo.display(), mbox.display());
    const ROUNDS: u64 = 100;
    for round in 0..ROUNDS {
        let mut child = spawn_loop_child(
            "export::apply_loop_child",
            APPLY_LOOP,
            &spec,
            sandbox.dir.path(),
        );
        std::thread::sleep(std::time::Duration::from_millis(
            15 + random_millis(round, 60),
        ));
        child.kill().expect("kill -9");
        child.wait().expect("reap");
        assert!(
            tree_and_index(&repo) == before,
            "round {round}: HEAD, index or tree changed"
        );
    }
    assert_eq!(sandbox.git(&repo, &["rev-parse", "HEAD"]), head);
    assert_eq!(
        sandbox.git(&repo, &["symbolic-ref", "HEAD"]).trim(),
        "refs/heads/main"
    );
    assert!(sandbox.git(&repo, &["status", "--porcelain"]).is_empty());
    let branches = sandbox.git(
        &repo,
        &["for-each-ref", "--format=%(refname)", "refs/heads/loop/"],
    );
    let branches: Vec<&str> = branches.lines().collect();
    assert!(
        branches.len() > 10,
        "only {} applies finished",
        branches.len()
    );
    // Every branch that exists carries the whole series, all with the same tree.
    let mut trees = std::collections::BTreeSet::new();
    for branch in &branches {
        let count = sandbox.git(
            &repo,
            &["rev-list", "--count", &format!("{base}..{branch}")],
        );
        assert_eq!(count.trim(), "3", "{branch}");
        trees.insert(sandbox.git(&repo, &["rev-parse", &format!("{branch}^{{tree}}")]));
    }
    assert_eq!(trees.len(), 1, "{trees:?}");
    eprintln!(
        "{ROUNDS} kills of an apply, {} whole branches, 0 half branches, HEAD/index/tree unchanged",
        branches.len()
    );
    let fsck = sandbox.git_raw(&repo, &["fsck", "--no-dangling", "--strict"], None);
    assert!(
        fsck.status.success(),
        "{}",
        String::from_utf8_lossy(&fsck.stderr)
    );
}

// ---- no command changes a source or an apply's repository ----

/// Every file under `path` (or `path` itself) with its bytes, sorted.
fn snapshot(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut todo = vec![path.to_path_buf()];
    while let Some(p) = todo.pop() {
        if p.is_dir() {
            for entry in std::fs::read_dir(&p).expect("dir").flatten() {
                todo.push(entry.path());
            }
        } else {
            files.push((p.display().to_string(), std::fs::read(&p).expect("file")));
        }
    }
    files.sort();
    files
}

#[test]
fn no_command_changes_a_source_or_the_repository_it_applies_to() {
    let sandbox = Sandbox::new();
    let (repo, base) = make_repo(&sandbox);
    let sent = send_series(&sandbox, &repo, &base);
    sandbox.git(&repo, &["reset", "-q", "--hard", &base]);
    let demo = sandbox.path("demo.mbox");
    std::fs::write(&demo, patchdesk::demo::DEMO_MBOX).expect("demo");
    let mail = crate::fixtures().join("mail");
    let copy = |name: &str| {
        let to = sandbox.path(name);
        let from = mail.join(name);
        if from.is_dir() {
            std::fs::create_dir(&to).expect("dir");
            for e in std::fs::read_dir(&from).expect("dir").flatten() {
                std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
            }
        } else {
            std::fs::copy(&from, &to).expect("copy");
        }
        to
    };
    let sources = [
        sent.clone(),
        demo,
        copy("format-patch.mbox"),
        copy("patches"),
        copy("quilt"),
        copy("single.eml"),
    ];
    let repo_state = |r: &Path| {
        (
            sandbox.git(r, &["rev-parse", "HEAD"]),
            sandbox.git(r, &["symbolic-ref", "HEAD"]),
            sandbox.git(r, &["status", "--porcelain", "--ignored"]),
            tree_and_index(r),
        )
    };
    let plan = sandbox.path("plan.json");
    std::fs::write(
        &plan,
        serde_json::to_string(&ReviewPlan::new(maintainer())).expect("json"),
    )
    .expect("plan");
    let plan = plan.display().to_string();
    let repo_text = repo.display().to_string();
    let mut commands = 0;
    for (i, source) in sources.iter().enumerate() {
        let s = source.display().to_string();
        let out = |name: &str| {
            sandbox
                .path(&format!("out-{i}-{name}"))
                .display()
                .to_string()
        };
        let runs: Vec<Vec<String>> = vec![
            vec!["list".into(), s.clone()],
            vec!["show".into(), s.clone(), "1.1".into()],
            vec![
                "check".into(),
                s.clone(),
                "--profile".into(),
                "generic".into(),
            ],
            vec!["notes".into(), s.clone()],
            vec!["note".into(), s.clone(), "1.1".into(), "a note".into()],
            vec!["status".into(), s.clone(), "1.1".into(), "accepted".into()],
            vec![
                "ack".into(),
                s.clone(),
                "1.1".into(),
                "--profile".into(),
                "generic".into(),
            ],
            vec![
                "export".into(),
                "replies".into(),
                s.clone(),
                "--out".into(),
                out("r.mbox"),
            ],
            vec![
                "export".into(),
                "series".into(),
                s.clone(),
                "--series".into(),
                "1".into(),
                "--allow-missing".into(),
                "--out".into(),
                out("s.mbox"),
            ],
            vec![
                "export".into(),
                "record".into(),
                s.clone(),
                "--format".into(),
                "json".into(),
                "--out".into(),
                out("rec.json"),
            ],
            vec![
                "apply".into(),
                s.clone(),
                "--series".into(),
                "1".into(),
                "--repo".into(),
                repo_text.clone(),
                "--branch".into(),
                format!("b{i}"),
                "--plan".into(),
                plan.clone(),
            ],
        ];
        for args in runs {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let before = (snapshot(source), repo_state(&repo));
            let result = sandbox.patchdesk_at(&repo, &args);
            assert_ne!(
                result.status.code(),
                Some(101),
                "{args:?} panicked: {}",
                stderr(&result)
            );
            assert!(result.status.code().is_some(), "{args:?} was killed");
            let after = (snapshot(source), repo_state(&repo));
            assert!(before.0 == after.0, "{args:?} changed its source");
            assert!(
                before.1 == after.1,
                "{args:?} changed HEAD, the branch, the index or the tree"
            );
            commands += 1;
        }
    }
    // The series that was sent applies: the check above covered a real apply.
    assert!(
        sandbox
            .git(&repo, &["rev-parse", "--verify", "refs/heads/b0"])
            .len()
            > 7
    );
    eprintln!(
        "{commands} commands on {} sources: every source and the repository unchanged",
        sources.len()
    );
}
