//! Integration tests: the library and the `patchdesk` binary on fixtures written for the
//! project (tests/fixtures) and on the built-in demo queue.

mod bounds;
mod cache;
mod cli;
mod escape;
mod export;
mod fuzz;
mod layering;
mod mail;
mod maintainers;
mod patch;
mod policy;
mod props;
mod public_inbox_tools;
mod revisions;
mod t5100;
mod triage;
mod tui;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A `git` command with a sandboxed environment: a throw-away home, no user or system
/// configuration, a fixed identity, and no inherited repository.
pub fn git(home: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
    cmd
}

/// Runs sandboxed git in `dir` with `args`, feeding `input`; returns stdout (panics when
/// git fails, with its stderr).
pub fn run_git(home: &Path, dir: &Path, args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = git(home)
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("git runs");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input).expect("stdin written");
    }
    let out = child.wait_with_output().expect("git finishes");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The fixtures folder.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs the binary with a sandboxed environment (no real home, no user git config).
pub fn patchdesk(args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("temp home");
    patchdesk_in(home.path(), args, None)
}

/// Runs the binary with `home` as HOME and XDG dirs, optionally feeding standard input.
pub fn patchdesk_in(home: &std::path::Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    patchdesk_env(home, args, stdin, &[])
}

/// [`patchdesk_in`] with more environment variables for the child (never for this process).
pub fn patchdesk_env(
    home: &std::path::Path,
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &std::ffi::OsStr)],
) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_patchdesk"));
    cmd.envs(env.iter().copied());
    cmd.args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("patchdesk runs");
    if let Some(mut pipe) = child.stdin.take()
        && let Some(bytes) = stdin
    {
        pipe.write_all(bytes).expect("stdin written");
    }
    child.wait_with_output().expect("patchdesk finishes")
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
