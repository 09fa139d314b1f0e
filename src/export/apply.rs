//! `apply`: a series as commits on a new branch of a git repository, with libgit2 (git2).
//!
//! Each patch's diff is applied to the previous commit's tree in memory
//! (`Repository::apply_to_tree`), so the working tree, the index, HEAD and the current
//! branch are never touched. Each commit has the patch's author and date, the message with
//! its trailers as `export series` writes it, and the maintainer as committer.
//!
//! Nothing reaches the repository until every patch applied: new objects go to an in-memory
//! object store first and are written as one pack at the end, just before the branch is
//! created. A patch that does not apply stops the run, naming the patch, the file and the
//! hunk, and leaves the repository exactly as it was.

use super::plan::ReviewPlan;
use super::series::{SeriesOptions, final_message_with, patches_to_apply};
use crate::mail::Address;
use crate::queue::Queue;
use crate::{Error, Result};
use chrono::{DateTime, FixedOffset};
use git2::{ApplyOptions, BranchType, Diff, Oid, Repository, Signature, Time};
use std::cell::RefCell;
use std::io::Write;
use std::path::Path;

/// What `apply` is asked to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyRequest {
    /// Series number as `patchdesk list` shows it.
    pub series: usize,
    /// The new branch; `None`: `patchdesk/<title>-v<version>`.
    pub branch: Option<String>,
    /// Where the branch starts; `None`: HEAD.
    pub onto: Option<String>,
    pub options: SeriesOptions,
}

/// What `apply` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub branch: String,
    /// The commit the branch starts from.
    pub base: Oid,
    /// The new commits, oldest first.
    pub commits: Vec<Oid>,
}

/// Where the application stopped (the last file and hunk libgit2 was working on).
#[derive(Debug, Default)]
struct Position {
    file: Option<String>,
    hunk: usize,
    header: String,
}

/// The branch name used when none is given: `patchdesk/<title words>-v<version>`.
pub fn default_branch_name(title: &str, version: u32) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { "series" } else { slug };
    format!("patchdesk/{slug}-v{}", version.max(1))
}

fn signature(who: &Address, when: DateTime<FixedOffset>) -> Result<Signature<'static>> {
    let time = Time::new(when.timestamp(), when.offset().local_minus_utc() / 60);
    let name = if who.name.is_empty() {
        who.email.as_str()
    } else {
        who.name.as_str()
    };
    Signature::new(name, &who.email, &time)
        .map_err(|e| Error::git(format!("identity {}", who.display()), e))
}

/// Opens `path` as a git repository, with a message a person can act on when it is not one.
pub fn open_repository(path: &Path) -> Result<Repository> {
    Repository::open(path).map_err(|e| {
        Error::Usage(format!(
            "{}: not a git repository ({})",
            path.display(),
            e.message()
        ))
    })
}

/// The new branch's name (valid, not yet taken) and the commit it would start from, checked
/// before anything is applied.
fn resolve_target<'r>(
    repo: &'r Repository,
    repo_path: &Path,
    request: &ApplyRequest,
    default_branch: String,
) -> Result<(String, git2::Commit<'r>)> {
    let branch = request.branch.clone().unwrap_or(default_branch);
    if !git2::Branch::name_is_valid(&branch).unwrap_or(false) {
        return Err(Error::Usage(format!(
            "{branch:?} is not a valid branch name"
        )));
    }
    if repo.find_branch(&branch, BranchType::Local).is_ok() {
        return Err(Error::Usage(format!(
            "{}: branch {branch} exists; name another with --branch",
            repo_path.display()
        )));
    }
    let base = match &request.onto {
        Some(rev) => repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|_| {
                Error::Usage(format!(
                    "{}: --onto {rev}: no such commit",
                    repo_path.display()
                ))
            })?,
        None => repo.head().and_then(|h| h.peel_to_commit()).map_err(|_| {
            Error::Usage(format!(
                "{}: HEAD names no commit; pass --onto REV",
                repo_path.display()
            ))
        })?,
    };
    Ok((branch, base))
}

/// Checks where `request` would apply without applying anything: the branch it would
/// create and the commit it would start from (short id and summary), or what `apply`
/// would refuse (not a repository, the branch exists, no such `onto`).
pub fn describe_target(
    repo_path: &Path,
    request: &ApplyRequest,
    default_branch: String,
) -> Result<(String, String)> {
    let repo = open_repository(repo_path)?;
    let (branch, base) = resolve_target(&repo, repo_path, request, default_branch)?;
    let summary = base.summary().unwrap_or("").to_string();
    Ok((branch, format!("{} {summary}", short(base.id()))))
}

/// Applies a series onto a new branch of the repository at `repo_path`; `now` is the
/// committer date.
pub fn apply(
    queue: &Queue,
    plan: &ReviewPlan,
    repo_path: &Path,
    request: &ApplyRequest,
    now: DateTime<FixedOffset>,
) -> Result<Applied> {
    let (series, indices) = patches_to_apply(queue, request.series, request.options.allow_missing)?;
    let repo = open_repository(repo_path)?;
    let default = default_branch_name(&series.title, series.version);
    let (branch, base) = resolve_target(&repo, repo_path, request, default)?;
    let committer = signature(&plan.maintainer, now)?;

    // New objects stay in memory until everything applied.
    let odb = repo
        .odb()
        .map_err(|e| Error::git("opening the object database", e))?;
    let mempack = odb
        .add_new_mempack_backend(1000)
        .map_err(|e| Error::git("preparing an in-memory object store", e))?;

    let collected = crate::triage::replies::collect(queue);
    let mut parent = base.clone();
    let mut commits = Vec::new();
    for &index in &indices {
        let patch = &queue.patches[index];
        let name = format!(
            "patch {}.{} ({})",
            series.id,
            patch.subject.index.unwrap_or(commits.len() as u32 + 1),
            patch.subject.title
        );
        let text = with_git_headers(super::diff_text(patch).unwrap_or_default());
        let diff = Diff::from_buffer(text.as_bytes()).map_err(|e| {
            Error::Usage(format!("{name}: its diff cannot be read: {}", e.message()))
        })?;
        let tree = parent
            .tree()
            .map_err(|e| Error::git("reading the parent tree", e))?;
        let position = RefCell::new(Position::default());
        let mut options = ApplyOptions::new();
        options.delta_callback(|delta| {
            let mut p = position.borrow_mut();
            p.file = delta.and_then(|d| {
                d.new_file()
                    .path()
                    .or(d.old_file().path())
                    .map(|p| p.display().to_string())
            });
            p.hunk = 0;
            p.header.clear();
            true
        });
        options.hunk_callback(|hunk| {
            let mut p = position.borrow_mut();
            p.hunk += 1;
            p.header = hunk
                .map(|h| String::from_utf8_lossy(h.header()).trim_end().to_string())
                .unwrap_or_default();
            true
        });
        let applied = repo.apply_to_tree(&tree, &diff, Some(&mut options));
        drop(options);
        let mut index_after = match applied {
            Ok(i) => i,
            Err(e) => {
                let p = position.into_inner();
                let place = match (&p.file, p.hunk) {
                    (Some(file), 0) => format!("file {file}"),
                    (Some(file), n) => format!("file {file}, hunk {n} ({})", p.header),
                    (None, _) => "its first file".to_string(),
                };
                let _ = mempack.reset();
                return Err(Error::Usage(format!(
                    "{name} does not apply onto {}: {place}: {}; nothing was changed in {}",
                    short(parent.id()),
                    e.message(),
                    repo_path.display()
                )));
            }
        };
        let tree_id = index_after
            .write_tree_to(&repo)
            .map_err(|e| Error::git(format!("{name}: writing its tree"), e))?;
        let new_tree = repo
            .find_tree(tree_id)
            .map_err(|e| Error::git(format!("{name}: reading its tree"), e))?;
        let author_date = patch.date.or(patch.mail.date).unwrap_or(now);
        let author = signature(&patch.author, author_date)?;
        let message = final_message_with(&collected, queue, plan, index, request.options.signoff);
        let id = repo
            .commit(None, &author, &committer, &message, &new_tree, &[&parent])
            .map_err(|e| Error::git(format!("{name}: making its commit"), e))?;
        commits.push(id);
        parent = repo
            .find_commit(id)
            .map_err(|e| Error::git(format!("{name}: reading its commit"), e))?;
    }

    // Everything applied: write the objects as one pack, then create the branch.
    let mut pack = git2::Buf::new();
    mempack
        .dump(&repo, &mut pack)
        .map_err(|e| Error::git("packing the new objects", e))?;
    let mut writer = odb
        .packwriter()
        .map_err(|e| Error::git("writing the new objects", e))?;
    writer
        .write_all(&pack)
        .map_err(|e| Error::io(repo.path(), e))?;
    writer
        .commit()
        .map_err(|e| Error::git("writing the new objects", e))?;
    repo.branch(&branch, &parent, false)
        .map_err(|e| Error::git(format!("creating branch {branch}"), e))?;
    Ok(Applied {
        branch,
        base: base.id(),
        commits,
    })
}

/// The path of a `---`/`+++` line with its first component stripped (`git apply -p1`), or
/// `None` for `/dev/null`.
fn traditional_path(line: &str) -> Option<String> {
    let path = line.get(4..)?.split('\t').next()?.trim_end();
    if path == "/dev/null" {
        return None;
    }
    Some(
        path.split_once('/')
            .map_or(path, |(_, rest)| rest)
            .to_string(),
    )
}

/// libgit2 reads only git's diff format: a traditional diff (quilt, `diff -u`) gets a
/// `diff --git` header (and the new/deleted file line) before each file.
pub fn with_git_headers(text: &str) -> String {
    if text.lines().any(|l| l.starts_with("diff --git ")) {
        return text.to_string();
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len() + 64);
    // Lines left in the current hunk, old and new side: a `--- ` inside a hunk is a removed
    // line, not a file header.
    let (mut old_left, mut new_left) = (0u32, 0u32);
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).copied().unwrap_or("");
        if old_left == 0 && new_left == 0 {
            if line.starts_with("--- ") && next.starts_with("+++ ") {
                let old = traditional_path(line);
                let new = traditional_path(next);
                if let Some(path) = new.as_ref().or(old.as_ref()) {
                    let a = old.as_deref().unwrap_or(path);
                    let b = new.as_deref().unwrap_or(path);
                    out.push_str(&format!("diff --git a/{a} b/{b}\n"));
                    if old.is_none() {
                        out.push_str("new file mode 100644\n");
                    } else if new.is_none() {
                        out.push_str("deleted file mode 100644\n");
                    }
                }
            } else if let Some(ranges) = line.strip_prefix("@@ -") {
                let mut counts = ranges.split(' ').take(2).map(|range| {
                    let range = range.trim_start_matches('+');
                    range
                        .split_once(',')
                        .map_or(Some(1), |(_, n)| n.parse::<u32>().ok())
                        .unwrap_or(0)
                });
                old_left = counts.next().unwrap_or(0);
                new_left = counts.next().unwrap_or(0);
            }
        } else {
            match line.as_bytes().first() {
                Some(b'-') => old_left = old_left.saturating_sub(1),
                Some(b'+') => new_left = new_left.saturating_sub(1),
                Some(b'\\') => {}
                _ => {
                    old_left = old_left.saturating_sub(1);
                    new_left = new_left.saturating_sub(1);
                }
            }
        }
        out.push_str(line);
    }
    out
}

fn short(id: Oid) -> String {
    id.to_string().chars().take(12).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::{FileDiff, Patch};
    use crate::queue::Series;

    fn addr(name: &str, email: &str) -> Address {
        Address {
            name: name.into(),
            email: email.into(),
        }
    }

    fn date(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc2822(text).unwrap()
    }

    /// A repository with one commit holding `f.txt` = lines one..five, HEAD on `main`.
    fn repo() -> (tempfile::TempDir, Oid) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let blob = repo.blob(b"one\ntwo\nthree\nfour\nfive\n").unwrap();
        let mut tb = repo.treebuilder(None).unwrap();
        tb.insert("f.txt", blob, 0o100644).unwrap();
        let tree = repo.find_tree(tb.write().unwrap()).unwrap();
        let sig = signature(
            &addr("Base", "base@example.org"),
            date("Mon, 2 Nov 2026 10:00:00 +0000"),
        )
        .unwrap();
        let id = repo
            .commit(Some("refs/heads/main"), &sig, &sig, "base\n", &tree, &[])
            .unwrap();
        repo.set_head("refs/heads/main").unwrap();
        (dir, id)
    }

    fn patch(n: u32, diff: &str) -> Patch {
        let mut p = Patch {
            key: format!("p{n}"),
            author: addr("Zoë Ångström", "zoe@example.org"),
            date: Some(date("Fri, 20 Nov 2026 10:12:00 +0100")),
            message: format!("f: change {n}\n\nSigned-off-by: Zoë Ångström <zoe@example.org>\n")
                .into(),
            diff: vec![FileDiff::default()].into(),
            ..Patch::default()
        };
        p.subject.title = format!("f: change {n}");
        p.subject.index = Some(n);
        p.subject.total = Some(2);
        p.mail.body = format!("Body\n---\n{diff}").into();
        p
    }

    const FIRST: &str = "diff --git a/f.txt b/f.txt\n--- a/f.txt\n+++ b/f.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n";
    const SECOND: &str = "diff --git a/f.txt b/f.txt\n--- a/f.txt\n+++ b/f.txt\n@@ -3,3 +3,4 @@\n three\n four\n five\n+six\n";
    const CONFLICT: &str = "diff --git a/f.txt b/f.txt\n--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n one\n-TWO\n+2\n@@ -4,2 +4,2 @@\n four\n-FIVE\n+5\n";

    fn queue(second: &str) -> Queue {
        Queue {
            source: "q".into(),
            patches: vec![patch(1, FIRST), patch(2, second)],
            series: vec![Series {
                id: 1,
                title: "f: changes".into(),
                version: 1,
                total: Some(2),
                patches: vec![0, 1],
                ..Series::default()
            }],
            ..Queue::default()
        }
    }

    fn plan() -> ReviewPlan {
        let mut plan = ReviewPlan::new(addr("Max Maint", "max@example.org"));
        plan.patch_mut("p1")
            .trailers
            .push(("Acked-by".into(), "Max Maint <max@example.org>".into()));
        plan
    }

    fn now() -> DateTime<FixedOffset> {
        date("Tue, 24 Nov 2026 20:00:00 +0000")
    }

    /// Every ref, HEAD, the object files and the index file, to compare before and after.
    fn snapshot(path: &Path) -> Vec<String> {
        let repo = Repository::open(path).unwrap();
        let mut out: Vec<String> = repo
            .references()
            .unwrap()
            .map(|r| {
                let r = r.unwrap();
                format!("{} {:?}", r.name().unwrap_or(""), r.target())
            })
            .collect();
        out.push(format!(
            "HEAD {:?}",
            repo.head().ok().and_then(|h| h.target())
        ));
        let mut objects = Vec::new();
        let mut stack = vec![path.join(".git/objects")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let entry = entry.unwrap();
                if entry.file_type().unwrap().is_dir() {
                    stack.push(entry.path());
                } else {
                    objects.push(entry.path().display().to_string());
                }
            }
        }
        objects.sort();
        out.extend(objects);
        out.push(format!(
            "index {:?}",
            std::fs::read(path.join(".git/index")).ok()
        ));
        out
    }

    #[test]
    fn a_series_becomes_commits_on_a_new_branch_and_nothing_else_moves() {
        let (dir, base) = repo();
        let request = ApplyRequest {
            series: 1,
            branch: Some("review/f".into()),
            ..ApplyRequest::default()
        };
        let applied = apply(&queue(SECOND), &plan(), dir.path(), &request, now()).unwrap();
        assert_eq!(applied.base, base);
        assert_eq!(applied.commits.len(), 2);
        let repo = Repository::open(dir.path()).unwrap();
        assert_eq!(repo.head().unwrap().target(), Some(base), "HEAD stays");
        assert_eq!(repo.head().unwrap().shorthand(), Some("main"));
        let tip = repo
            .find_branch("review/f", BranchType::Local)
            .unwrap()
            .get()
            .peel_to_commit()
            .unwrap();
        assert_eq!(tip.id(), applied.commits[1]);
        let blob = tip
            .tree()
            .unwrap()
            .get_name("f.txt")
            .unwrap()
            .to_object(&repo)
            .unwrap();
        assert_eq!(
            blob.as_blob().unwrap().content(),
            b"one\nTWO\nthree\nfour\nfive\nsix\n"
        );
        let first = repo.find_commit(applied.commits[0]).unwrap();
        assert_eq!(
            first.message(),
            Some(
                "f: change 1\n\nSigned-off-by: Zoë Ångström <zoe@example.org>\nAcked-by: Max Maint <max@example.org>\n"
            )
        );
        assert_eq!(first.author().name(), Some("Zoë Ångström"));
        assert_eq!(
            first.author().when().seconds(),
            date("Fri, 20 Nov 2026 10:12:00 +0100").timestamp()
        );
        assert_eq!(first.author().when().offset_minutes(), 60);
        assert_eq!(first.committer().email(), Some("max@example.org"));
        assert_eq!(first.committer().when().seconds(), now().timestamp());
        // Opened again from disk: the objects were written for good.
        let again = Repository::open(dir.path()).unwrap();
        assert!(again.find_commit(applied.commits[1]).is_ok());
    }

    #[test]
    fn a_conflict_stops_naming_patch_file_and_hunk_and_changes_nothing() {
        let (dir, _) = repo();
        let before = snapshot(dir.path());
        let request = ApplyRequest {
            series: 1,
            branch: Some("review/f".into()),
            ..ApplyRequest::default()
        };
        let err = apply(&queue(CONFLICT), &plan(), dir.path(), &request, now())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("patch 1.2 (f: change 2) does not apply"),
            "{err}"
        );
        assert!(
            err.contains("file f.txt, hunk 2 (@@ -4,2 +4,2 @@)"),
            "{err}"
        );
        assert_eq!(snapshot(dir.path()), before, "repository unchanged");
    }

    #[test]
    fn traditional_diffs_get_git_headers_but_hunk_lines_stay_lines() {
        let text = "--- a/x.c\t2026-01-01\n+++ b/x.c\n@@ -1,1 +1,1 @@\n--- old\n+++ new\n--- /dev/null\n+++ b/new.c\n@@ -0,0 +1 @@\n+x\n";
        assert_eq!(
            with_git_headers(text),
            "diff --git a/x.c b/x.c\n--- a/x.c\t2026-01-01\n+++ b/x.c\n@@ -1,1 +1,1 @@\n--- old\n+++ new\ndiff --git a/new.c b/new.c\nnew file mode 100644\n--- /dev/null\n+++ b/new.c\n@@ -0,0 +1 @@\n+x\n"
        );
        let git = "diff --git a/x b/x\n--- a/x\n+++ b/x\n";
        assert_eq!(with_git_headers(git), git);
    }

    #[test]
    fn diffs_without_git_headers_apply_too() {
        let (dir, _) = repo();
        let plain = "--- a/f.txt\n+++ b/f.txt\n@@ -3,3 +3,4 @@\n three\n four\n five\n+six\n";
        let mut q = queue(plain);
        q.patches[0].mail.body = format!(
            "Body\n---\nIndex: f.txt\n===\n{}",
            FIRST.replacen("diff --git a/f.txt b/f.txt\n", "", 1)
        )
        .into();
        let request = ApplyRequest {
            series: 1,
            ..ApplyRequest::default()
        };
        let applied = apply(&q, &plan(), dir.path(), &request, now()).unwrap();
        let repo = Repository::open(dir.path()).unwrap();
        let tip = repo.find_commit(applied.commits[1]).unwrap();
        let blob = tip
            .tree()
            .unwrap()
            .get_name("f.txt")
            .unwrap()
            .to_object(&repo)
            .unwrap();
        assert_eq!(
            blob.as_blob().unwrap().content(),
            b"one\nTWO\nthree\nfour\nfive\nsix\n"
        );
    }

    #[test]
    fn existing_branch_unknown_onto_and_missing_patches_are_refused() {
        let (dir, _) = repo();
        let mut request = ApplyRequest {
            series: 1,
            branch: Some("main".into()),
            ..ApplyRequest::default()
        };
        let q = queue(SECOND);
        let err = apply(&q, &plan(), dir.path(), &request, now())
            .unwrap_err()
            .to_string();
        assert!(err.contains("branch main exists"), "{err}");
        request.branch = None;
        request.onto = Some("no-such-rev".into());
        let err = apply(&q, &plan(), dir.path(), &request, now())
            .unwrap_err()
            .to_string();
        assert!(err.contains("--onto no-such-rev"), "{err}");
        let mut q = q;
        q.series[0].missing = vec![3];
        request.onto = None;
        let err = apply(&q, &plan(), dir.path(), &request, now())
            .unwrap_err()
            .to_string();
        assert!(err.contains("--allow-missing"), "{err}");
        request.options.allow_missing = true;
        let applied = apply(&q, &plan(), dir.path(), &request, now()).unwrap();
        assert_eq!(applied.branch, "patchdesk/f-changes-v1");
    }

    #[test]
    fn default_branch_names_are_slugs_with_the_version() {
        assert_eq!(
            default_branch_name("hw/char/uart: add a receive FIFO", 2),
            "patchdesk/hw-char-uart-add-a-receive-fifo-v2"
        );
        assert_eq!(default_branch_name("ÄÖÜ", 0), "patchdesk/series-v1");
        assert!(git2::Branch::name_is_valid(&default_branch_name("a..b~^:?*[", 1)).unwrap());
    }

    #[test]
    fn a_directory_that_is_not_a_repository_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = open_repository(dir.path()).err().unwrap().to_string();
        assert!(err.contains("not a git repository"), "{err}");
    }
}
