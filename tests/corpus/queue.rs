//! Series grouping on every series of the corpus: covers, counts, versions, replies linked.

use crate::{corpus, index};
use patchdesk::queue::{self, Queue};
use patchdesk::source::SourceSpec;

fn load(path: std::path::PathBuf) -> Queue {
    queue::load(&SourceSpec::Path(path.clone()))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Pull requests and U-Boot series: one series each, with its cover letter and every patch.
#[test]
fn format_patch_series_group_with_their_covers() {
    let Some(root) = corpus("format_patch_series_group_with_their_covers") else {
        return;
    };
    let mut checked = 0;
    for folder in ["qemu-series", "uboot-series"] {
        for entry in index(&root.join(folder)) {
            let dir = root.join(folder).join(entry["dir"].as_str().unwrap());
            let n = entry["n_patches"].as_u64().unwrap() as usize;
            let q = load(dir.clone());
            assert_eq!(q.series.len(), 1, "{}: {:#?}", dir.display(), q.series);
            let s = &q.series[0];
            assert!(s.cover.is_some(), "{}: cover letter found", dir.display());
            assert_eq!(s.patches.len(), n, "{}", dir.display());
            assert_eq!(s.total, Some(n as u32), "{}", dir.display());
            assert!(
                s.missing.is_empty() && s.duplicates.is_empty(),
                "{}",
                dir.display()
            );
            let indexes: Vec<u32> = s
                .patches
                .iter()
                .filter_map(|&i| q.patches[i].subject.index)
                .collect();
            assert_eq!(
                indexes,
                (1..=n as u32).collect::<Vec<_>>(),
                "{}",
                dir.display()
            );
            assert!(q.skipped.is_empty(), "{}: {:?}", dir.display(), q.skipped);
            checked += 1 + n;
        }
    }
    println!("checked {checked} messages in 20 series");
}

/// Series as posted: the thread root is not included, the patches still form one series.
#[test]
fn posted_series_group_without_their_root() {
    let Some(root) = corpus("posted_series_group_without_their_root") else {
        return;
    };
    let mut checked = 0;
    for entry in index(&root.join("qemu-pending")) {
        let dir = root
            .join("qemu-pending")
            .join(entry["dir"].as_str().unwrap());
        let n = entry["n_patches"].as_u64().unwrap() as usize;
        let q = load(dir.clone());
        assert_eq!(q.series.len(), 1, "{}", dir.display());
        let s = &q.series[0];
        assert_eq!(s.patches.len(), n, "{}", dir.display());
        assert!(
            s.missing.is_empty(),
            "{}: missing {:?}",
            dir.display(),
            s.missing
        );
        checked += n;
    }
    println!("checked {checked} messages in 9 series");
}

/// List threads: patches, covers and replies counted as the index says, replies linked.
#[test]
fn list_threads_link_replies() {
    let Some(root) = corpus("list_threads_link_replies") else {
        return;
    };
    let mut checked = 0;
    for entry in index(&root.join("leds-threads")) {
        let file = root
            .join("leds-threads")
            .join(entry["file"].as_str().unwrap());
        let q = load(file.clone());
        let name = file.display();
        let messages = entry["messages"].as_u64().unwrap() as usize;
        let patch_messages = entry["patch_messages"].as_u64().unwrap() as usize;
        let replies = entry["replies"].as_u64().unwrap() as usize;
        assert_eq!(
            q.patches.len(),
            patch_messages,
            "{name}: patches and covers"
        );
        assert_eq!(q.replies.len(), replies, "{name}: replies");
        assert_eq!(q.patches.len() + q.replies.len(), messages, "{name}");
        let root_id = entry["root_message_id"].as_str().unwrap();
        let root_patch = q
            .patches
            .iter()
            .position(|p| p.mail.message_id.as_deref() == Some(root_id))
            .unwrap_or_else(|| panic!("{name}: root message is a patch or cover"));
        let series = q.series_of(root_patch).expect("root in a series");
        let root_subject = entry["root_subject"].as_str().unwrap();
        if root_subject.contains(" 0/") || root_subject.contains(" 00/") {
            assert_eq!(
                series.cover,
                Some(root_patch),
                "{name}: the root is the cover"
            );
        }
        assert!(
            series.missing.is_empty(),
            "{name}: missing {:?}",
            series.missing
        );
        for r in &q.replies {
            assert!(
                r.parent.is_some(),
                "{name}: reply {:?} ({}) is linked to a patch",
                r.mail.message_id,
                r.mail.subject
            );
        }
        let with_trailers = q.replies.iter().filter(|r| !r.trailers.is_empty()).count();
        assert!(
            with_trailers >= entry["replies_with_trailers"].as_u64().unwrap() as usize,
            "{name}: replies with trailers {with_trailers}"
        );
        checked += messages;
    }
    println!("checked {checked} messages in 8 threads");
}

/// 500 unthreaded commits: 500 lone series, nothing skipped.
#[test]
fn commit_mbox_gives_one_series_per_commit() {
    let Some(root) = corpus("commit_mbox_gives_one_series_per_commit") else {
        return;
    };
    let q = load(root.join("qemu-recent-500.mbox"));
    assert_eq!(q.patches.len(), 500);
    assert_eq!(q.series.len(), 500);
    assert!(q.skipped.is_empty());
    assert!(q.patches.iter().all(|p| p.mail.commit.is_some()));
    println!("checked 500 messages");
}

/// `git mailsplit`'s count of a file's messages (run sandboxed, into a temp dir).
fn mailsplit_count(mbox: &std::path::Path) -> usize {
    let out_dir = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new("git")
        .env("HOME", out_dir.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .arg("mailsplit")
        .arg(format!("-o{}", out_dir.path().display()))
        .arg(mbox)
        .output()
        .expect("git mailsplit runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a count")
}

/// Every message git splits off is counted once: patches, covers, replies, duplicates set
/// aside and unreadable messages add up to `git mailsplit`'s count.
#[test]
fn counts_add_up_to_what_git_mailsplit_splits() {
    let Some(root) = corpus("counts_add_up_to_what_git_mailsplit_splits") else {
        return;
    };
    for name in ["leds-list-1000.mbox", "qemu-recent-500.mbox"] {
        let path = root.join(name);
        let c = load(path.clone()).counts();
        assert_eq!(c.messages, mailsplit_count(&path), "{name}: {c:?}");
        assert!(c.patches > 0, "{name}: {c:?}");
    }
}
