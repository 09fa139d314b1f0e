//! public-inbox repositories, read with git2 straight from the object store (no checkout):
//! a v2 inbox is a directory with `git/0.git`, `git/1.git`, ... epochs; each epoch is a bare
//! repository in which every commit's tree holds one message as the blob `m` (a deletion
//! leaves `d` instead). Messages are read oldest first, epoch by epoch.

use super::Loaded;
use super::files::MessageReader;
use crate::{Error, Result};
use git2::{Oid, Repository, Sort};
use std::path::{Path, PathBuf};

/// The epochs of a v2 inbox (`git/N.git`), in number order; empty when `dir` is not one.
pub fn epochs(dir: &Path) -> Result<Vec<PathBuf>> {
    let git_dir = dir.join("git");
    if !git_dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&git_dir).map_err(|e| Error::io(&git_dir, e))? {
        let entry = entry.map_err(|e| Error::io(&git_dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(n) = name
            .strip_suffix(".git")
            .and_then(|n| n.parse::<u64>().ok())
            && entry.path().is_dir()
        {
            found.push((n, entry.path()));
        }
    }
    found.sort();
    Ok(found.into_iter().map(|(_, path)| path).collect())
}

/// A v2 inbox directory.
pub fn load_v2(dir: &Path, source: &str) -> Result<Loaded> {
    load_epochs(&epochs(dir)?, source)
}

/// Reads the `m` blob of every commit of each epoch, oldest first.
pub fn load_epochs(epochs: &[PathBuf], source: &str) -> Result<Loaded> {
    let mut reader = MessageReader::new(source);
    let mut blobs = 0;
    for epoch in epochs {
        let repo = Repository::open_bare(epoch)
            .or_else(|_| Repository::open(epoch))
            .map_err(|e| Error::git(format!("{}: not a git repository", epoch.display()), e))?;
        let label = epoch
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for commit_id in history(&repo, epoch)? {
            let commit = repo
                .find_commit(commit_id)
                .map_err(|e| Error::git(format!("{}: commit {commit_id}", epoch.display()), e))?;
            let tree = commit
                .tree()
                .map_err(|e| Error::git(format!("{}: tree of {commit_id}", epoch.display()), e))?;
            let Some(entry) = tree.get_name("m") else {
                continue;
            };
            let Ok(blob) = repo.find_blob(entry.id()) else {
                continue;
            };
            blobs += 1;
            reader.read_single(
                blob.content().to_vec(),
                Some(&format!("{label}:{commit_id}")),
            );
        }
    }
    if blobs == 0 {
        return Err(Error::BadInput {
            source_name: source.to_string(),
            what: "no `m` blobs: not a public-inbox repository".into(),
        });
    }
    reader.finish()
}

/// Every commit reachable from HEAD (or from all branches when HEAD is unborn), oldest first.
fn history(repo: &Repository, epoch: &Path) -> Result<Vec<Oid>> {
    let context = || format!("{}: reading history", epoch.display());
    let mut walk = repo.revwalk().map_err(|e| Error::git(context(), e))?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
        .map_err(|e| Error::git(context(), e))?;
    if walk.push_head().is_err() {
        walk.push_glob("refs/heads/*")
            .map_err(|e| Error::git(context(), e))?;
    }
    walk.map(|oid| oid.map_err(|e| Error::git(context(), e)))
        .collect()
}
