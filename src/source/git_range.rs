//! A git revision range: each non-merge commit becomes the mail `git format-patch` would
//! write for it (From author, Date, `Subject: [PATCH n/N] title`, the rest of the message,
//! `---`, diffstat and diff), made by libgit2's format-patch code and decoded like any mail.
//!
//! `A..B` is the commits reachable from B and not from A; a single revision `R` means `R..HEAD`
//! as in `git format-patch R`. Commits come oldest first (parents before children, then by
//! commit date), the order `git format-patch` writes them in.

use super::Loaded;
use crate::mail::{Origin, mbox, parse_message};
use crate::{Error, Result};
use git2::{Diff, DiffFindOptions, DiffOptions, Email, EmailCreateOptions, Oid, Repository, Sort};
use rayon::prelude::*;
use std::path::Path;

pub fn load(repo_path: &Path, range: &str, source: &str) -> Result<Loaded> {
    let repo = Repository::open(repo_path)
        .map_err(|e| Error::git(format!("{}: not a git repository", repo_path.display()), e))?;
    let commits = commits_in(&repo, range, source)?;
    if commits.is_empty() {
        return Err(Error::BadInput {
            source_name: source.to_string(),
            what: "the range holds no commits (merges are left out)".into(),
        });
    }
    let total = commits.len();
    let mut mails = Vec::with_capacity(total);
    for (i, oid) in commits.iter().enumerate() {
        mails.push(format_patch(&repo, *oid, i + 1, total, source)?);
    }
    let messages = mails
        .into_par_iter()
        .enumerate()
        .map(|(i, (oid, mail))| {
            let origin = Origin {
                source: source.to_string(),
                index: i + 1,
                offset: 0,
                file: Some(oid.to_string()),
            };
            // libgit2 writes the `From <sha> Mon Sep 17 ...` separator first, as git does.
            let split = mbox::split(&mail);
            let raw = split
                .messages
                .first()
                .map(|entry| mbox::message_bytes(&mail, entry))
                .unwrap_or_default();
            let mut message = parse_message(&raw, origin)?;
            message.commit = Some(oid.to_string());
            message.message_id = None;
            message.from_commit = true;
            Ok(message)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Loaded {
        messages,
        skipped: Vec::new(),
        window: None,
    })
}

/// The non-merge commits of `range`, oldest first.
fn commits_in(repo: &Repository, range: &str, source: &str) -> Result<Vec<Oid>> {
    let unknown = |e| Error::git(format!("{source}: unknown revision or range"), e);
    let mut walk = repo.revwalk().map_err(unknown)?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)
        .map_err(unknown)?;
    if range.contains("..") {
        walk.push_range(range).map_err(unknown)?;
    } else {
        let from = repo.revparse_single(range).map_err(unknown)?;
        walk.push_head().map_err(unknown)?;
        walk.hide(from.id()).map_err(unknown)?;
    }
    let mut commits = Vec::new();
    for oid in walk {
        let oid = oid.map_err(unknown)?;
        let commit = repo.find_commit(oid).map_err(unknown)?;
        if commit.parent_count() <= 1 {
            commits.push(oid);
        }
    }
    Ok(commits)
}

/// The `git format-patch` mail of one commit, numbered `index` of `total`.
fn format_patch(
    repo: &Repository,
    oid: Oid,
    index: usize,
    total: usize,
    source: &str,
) -> Result<(Oid, Vec<u8>)> {
    let context = || format!("{source}: formatting commit {oid}");
    let commit = repo
        .find_commit(oid)
        .map_err(|e| Error::git(context(), e))?;
    let tree = commit.tree().map_err(|e| Error::git(context(), e))?;
    let parent_tree = match commit.parent(0) {
        Ok(parent) => Some(parent.tree().map_err(|e| Error::git(context(), e))?),
        Err(_) => None,
    };
    // `git format-patch` writes binary changes as `GIT binary patch` data (its `--binary` is
    // on by default), so `git am` can apply them.
    let mut diff_options = DiffOptions::new();
    diff_options.show_binary(true);
    let mut diff: Diff<'_> = repo
        .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), Some(&mut diff_options))
        .map_err(|e| Error::git(context(), e))?;
    diff.find_similar(Some(DiffFindOptions::new().renames(true)))
        .map_err(|e| Error::git(context(), e))?;
    let summary = commit.summary().unwrap_or_default().to_string();
    let body = commit.body().unwrap_or_default().to_string();
    let mut options = EmailCreateOptions::new();
    let email = Email::from_diff(
        &diff,
        index,
        total,
        &oid,
        summary.as_str(),
        body.as_str(),
        &commit.author(),
        &mut options,
    )
    .map_err(|e| Error::git(context(), e))?;
    Ok((oid, email.as_slice().to_vec()))
}
