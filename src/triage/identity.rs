//! The maintainer's identity for the trailers they add: patchdesk's own config when it names
//! one, else `user.name`/`user.email` from git config read with git2 — the repository's
//! config (when a repository is given or found), else the global one. The global file is
//! `$GIT_CONFIG_GLOBAL` when set (as git does, so tests can sandbox it; `/dev/null` means
//! none), else `~/.gitconfig` and `$XDG_CONFIG_HOME/git/config`. System config is not read.

use crate::mail::Address;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// Where the identity came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub address: Address,
    pub from: String,
}

/// Finds the identity. `configured` is patchdesk's config (`[identity] name/email`);
/// `repo_dir` a directory inside a git repository, if any.
pub fn find(configured: Option<&Address>, repo_dir: Option<&Path>) -> Result<Identity> {
    if let Some(addr) = configured.filter(|a| !a.email.is_empty()) {
        return Ok(Identity {
            address: addr.clone(),
            from: "patchdesk config".into(),
        });
    }
    let config = git_config(repo_dir)?;
    let name = config.get_string("user.name").ok();
    let email = config.get_string("user.email").ok();
    match (name, email) {
        (Some(name), Some(email)) if !email.trim().is_empty() => Ok(Identity {
            address: Address {
                name: name.trim().to_string(),
                email: email.trim().to_string(),
            },
            from: "git config".into(),
        }),
        _ => Err(Error::Usage(
            "no identity for the trailer: set git config user.name and user.email, or [identity] name/email in patchdesk's config"
                .into(),
        )),
    }
}

/// The global git config files, as git would choose them.
fn global_config_files() -> Vec<PathBuf> {
    if let Some(path) = std::env::var_os("GIT_CONFIG_GLOBAL") {
        return vec![PathBuf::from(path)];
    }
    let mut files = Vec::new();
    if let Some(xdg) = std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        files.push(PathBuf::from(xdg).join("git/config"));
    } else if let Some(home) = std::env::var_os("HOME") {
        files.push(PathBuf::from(home).join(".config/git/config"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        files.push(PathBuf::from(home).join(".gitconfig"));
    }
    files
}

/// The repository's config over the global one (higher levels win in git2).
fn git_config(repo_dir: Option<&Path>) -> Result<git2::Config> {
    let mut config = git2::Config::new().map_err(|e| Error::git("reading git config", e))?;
    for file in global_config_files() {
        if file.is_file() {
            config
                .add_file(&file, git2::ConfigLevel::Global, false)
                .map_err(|e| Error::git(format!("reading {}", file.display()), e))?;
        }
    }
    if let Some(dir) = repo_dir
        && let Ok(repo) = git2::Repository::discover(dir)
    {
        let file = repo.path().join("config");
        if file.is_file() {
            config
                .add_file(&file, git2::ConfigLevel::Local, false)
                .map_err(|e| Error::git(format!("reading {}", file.display()), e))?;
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patchdesk_config_wins() {
        let addr = Address {
            name: "M".into(),
            email: "m@example.org".into(),
        };
        let id = find(Some(&addr), None).unwrap();
        assert_eq!(id.address, addr);
        assert_eq!(id.from, "patchdesk config");
    }
}
