//! The maintainer's identity from git config: the repository's config over the global one,
//! the global one named by GIT_CONFIG_GLOBAL. Run in a child process (this test binary) so
//! the environment can be set without touching other tests or the user's config.

use std::process::Command;

const CHILD_ENV: &str = "PATCHDESK_TEST_IDENTITY_DIR";

/// Not a test on its own: prints the identity found from `$PATCHDESK_TEST_IDENTITY_DIR`.
#[test]
fn identity_child() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    match patchdesk::triage::identity::find(None, Some(std::path::Path::new(&dir))) {
        Ok(id) => println!("IDENTITY={}", id.address.display()),
        Err(e) => println!("IDENTITY-ERROR={e}"),
    }
}

fn identity_in(dir: &std::path::Path, global: &std::path::Path) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "triage::identity::identity_child", "--nocapture"])
        .env(CHILD_ENV, dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env("GIT_CONFIG_GLOBAL", global)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .find(|l| l.starts_with("IDENTITY"))
        .unwrap_or("")
        .to_string()
}

fn git(dir: &std::path::Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn identity_comes_from_global_then_repository_config() {
    let tmp = tempfile::tempdir().unwrap();
    let global = tmp.path().join("global.gitconfig");
    std::fs::write(
        &global,
        "[user]\n\tname = Gil Global\n\temail = gil@example.org\n",
    )
    .unwrap();
    let plain = tmp.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    assert_eq!(
        identity_in(&plain, &global),
        "IDENTITY=Gil Global <gil@example.org>"
    );

    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["config", "user.name", "Rae Repo"]);
    git(&repo, &["config", "user.email", "rae@example.org"]);
    assert_eq!(
        identity_in(&repo, &global),
        "IDENTITY=Rae Repo <rae@example.org>"
    );

    let none = identity_in(&plain, std::path::Path::new("/dev/null"));
    assert!(none.starts_with("IDENTITY-ERROR=no identity"), "{none}");
}
