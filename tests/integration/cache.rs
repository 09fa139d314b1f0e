//! The cache through the binary: `list --format json` and `check --format json` are the same
//! with and without it (cold and from the cache) on the fixtures and on the corpus sources, `-v` says what it did,
//! `cache info` names each file's source and `cache clear` removes them, and two processes
//! filling one cache at once leave a good one.

use crate::{fixtures, patchdesk_env, stdout};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

fn run(home: &Path, cache: &Path, args: &[&str]) -> std::process::Output {
    patchdesk_env(
        home,
        args,
        None,
        &[("PATCHDESK_CACHE_DIR", cache.as_os_str())],
    )
}

/// The file of the cache dir `cache` whose name ends in `.{extension}`.
fn file_in(cache: &Path, extension: &str) -> PathBuf {
    std::fs::read_dir(cache)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == extension))
        .unwrap_or_else(|| panic!("a .{extension} file in {}", cache.display()))
}

/// Lists `source` without the cache, then twice with it; all three outputs must be equal,
/// in JSON and as the table (whose second read is the listing kept beside the cache).
fn same_with_and_without(source: &Path) {
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("c");
    let src = source.to_str().unwrap();
    let plain = run(
        home.path(),
        &cache,
        &["list", "--format", "json", "--no-cache", src],
    );
    assert!(plain.status.success(), "{src}: {plain:?}");
    assert!(!cache.exists(), "--no-cache wrote a cache");
    for round in ["first", "second"] {
        let cached = run(
            home.path(),
            &cache,
            &["list", "--format", "json", "-v", src],
        );
        assert_eq!(
            stdout(&cached),
            stdout(&plain),
            "{src}, {round} cached read"
        );
        let err = String::from_utf8_lossy(&cached.stderr);
        assert!(err.contains("patchdesk: cache: "), "{err}");
        if round == "second" && !err.contains("bypassed") {
            assert!(err.contains("cache: hit"), "{src}: {err}");
        }
    }
    let table = stdout(&run(home.path(), &cache, &["list", "--no-cache", src]));
    for round in ["first", "second"] {
        let cached = run(home.path(), &cache, &["list", "-v", src]);
        assert_eq!(stdout(&cached), table, "{src}, {round} listing");
        let err = String::from_utf8_lossy(&cached.stderr);
        if round == "second" && !err.contains("bypassed") {
            assert!(
                err.contains("cache: hit (the listing kept)"),
                "{src}: {err}"
            );
        }
    }
    // The cache keeps each message's patch model (commit message, trailers and their
    // lines, notes, diff, problems): the findings read back from it are the same too.
    let check = |extra: &[&str]| {
        let args: Vec<&str> = ["check", "--format", "json"]
            .iter()
            .chain(extra)
            .chain([&src])
            .copied()
            .collect();
        stdout(&run(home.path(), &cache, &args))
    };
    assert_eq!(
        check(&[]),
        check(&["--no-cache"]),
        "{src}: check from the cache"
    );
}

fn fixture_sources() -> Vec<PathBuf> {
    let mail = fixtures().join("mail");
    [
        "format-patch.mbox",
        "mboxrd.mbox",
        "single.eml",
        "flowed.eml",
        "patches",
        "quilt",
    ]
    .iter()
    .map(|n| mail.join(n))
    .collect()
}

#[test]
fn list_json_is_the_same_with_and_without_the_cache_on_the_fixtures() {
    for source in fixture_sources() {
        same_with_and_without(&source);
    }
}

#[test]
fn list_json_is_the_same_with_and_without_the_cache_on_the_corpus() {
    let corpus = std::env::var_os("PATCHDESK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if !corpus.is_dir() {
        println!(
            "skipped: {} not found (set PATCHDESK_CORPUS)",
            corpus.display()
        );
        return;
    }
    // Each entry that is a source, else each of its entries that is one.
    let entries = |dir: &Path| -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|e| e.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        paths.sort();
        paths
    };
    let is_source = |p: &Path| {
        (p.is_dir() || p.extension() == Some(OsStr::new("mbox")))
            && patchdesk::source::detect(p).is_ok()
    };
    let mut sources = Vec::new();
    for path in entries(&corpus)
        .into_iter()
        .filter(|p| !p.ends_with("maintainers"))
    {
        if is_source(&path) {
            sources.push(path);
        } else if path.is_dir() {
            sources.extend(entries(&path).into_iter().filter(|p| is_source(p)));
        }
    }
    assert!(!sources.is_empty());
    for source in &sources {
        same_with_and_without(source);
    }
    println!(
        "{} corpus sources read with and without the cache",
        sources.len()
    );
}

#[test]
fn cache_info_names_the_sources_and_clear_removes_them() {
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("c");
    let mbox = fixtures().join("mail/format-patch.mbox");
    assert!(
        run(home.path(), &cache, &["list", mbox.to_str().unwrap()])
            .status
            .success()
    );
    // The source's cache file and the listing kept beside it.
    let info = stdout(&run(home.path(), &cache, &["cache", "info"]));
    assert!(info.contains(&cache.display().to_string()), "{info}");
    assert!(info.contains("2 files"), "{info}");
    let canonical = std::fs::canonicalize(&mbox).unwrap();
    for end in [".cache ", ".listing "] {
        let line = info.lines().find(|l| l.contains(end));
        assert!(
            line.is_some_and(|l| l.contains(&canonical.display().to_string())),
            "{info}"
        );
    }
    let cleared = stdout(&run(home.path(), &cache, &["cache", "clear"]));
    assert!(cleared.contains("removed 2 files"), "{cleared}");
    let info = stdout(&run(home.path(), &cache, &["cache", "info"]));
    assert!(info.contains("0 files"), "{info}");
}

#[test]
fn two_processes_filling_one_cache_leave_a_good_one() {
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("c");
    let mbox = fixtures().join("mail/format-patch.mbox");
    let src = mbox.to_str().unwrap();
    let plain = stdout(&run(
        home.path(),
        &cache,
        &["list", "--format", "json", "--no-cache", src],
    ));
    let outputs: Vec<_> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..2)
            .map(|_| s.spawn(|| run(home.path(), &cache, &["list", "--format", "json", src])))
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    for out in outputs {
        assert_eq!(stdout(&out), plain);
    }
    let after = run(
        home.path(),
        &cache,
        &["list", "--format", "json", "-v", src],
    );
    assert_eq!(stdout(&after), plain);
    assert!(String::from_utf8_lossy(&after.stderr).contains("cache: hit"));
    // The cache file and the diff facts the JSON worked out beside it; nothing else left.
    let mut files: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .map(|e| e.path().extension().unwrap_or_default().to_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["cache", "facts"]);
}

#[test]
fn a_plain_list_reads_no_text_of_the_cache_and_a_check_finds_it_corrupt() {
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("c");
    // The fixture and a review of its first patch: the review counts need the reply's
    // trailers, which the cache keeps apart from the texts.
    let mut text = std::fs::read_to_string(fixtures().join("mail/format-patch.mbox")).unwrap();
    let first = patchdesk::mail::parse_message(text.as_bytes(), patchdesk::mail::Origin::default())
        .unwrap();
    let id = first.message_id.expect("an id");
    text.push_str(&format!(
        "From r@b Thu Jan  1 00:00:00 2026\nFrom: R <r@example.org>\nSubject: Re: {}\n\
         Message-Id: <review@example.org>\nIn-Reply-To: <{id}>\nReferences: <{id}>\n\n\
         > The patch.\n\nLooks right.\n\nReviewed-by: R <r@example.org>\n",
        first.subject
    ));
    let mbox = home.path().join("q.mbox");
    std::fs::write(&mbox, text).unwrap();
    let src = mbox.to_str().unwrap();
    let plain = stdout(&run(home.path(), &cache, &["list", "--no-cache", src]));
    assert_eq!(stdout(&run(home.path(), &cache, &["list", src])), plain);
    let file = file_in(&cache, "cache");
    // A byte of the first body (the text follows the 32-byte prefix and the header), put
    // in place as patchdesk writes: a new file renamed over the old.
    let mut bytes = std::fs::read(&file).unwrap();
    let at = 32 + u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize + 5;
    bytes[at] ^= 0x01;
    let next = file.with_extension("next");
    std::fs::write(&next, &bytes).unwrap();
    std::fs::rename(&next, &file).unwrap();
    let listed = run(home.path(), &cache, &["list", "-v", src]);
    assert_eq!(stdout(&listed), plain);
    assert!(plain.contains("1 replies"), "{plain}");
    // Its acks, reviews and tests: one review.
    let reviewed = plain
        .lines()
        .find(|l| l.contains("engine: describe the loop"));
    assert!(
        reviewed.is_some_and(|l| l.trim_end().ends_with("0  1  0")),
        "{plain}"
    );
    let err = String::from_utf8_lossy(&listed.stderr);
    assert!(err.contains("cache: hit"), "{err}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        bytes,
        "the text was never read"
    );
    let checked = run(
        home.path(),
        &cache,
        &["check", "--format", "json", "-v", src],
    );
    let err = String::from_utf8_lossy(&checked.stderr);
    assert!(err.contains("rebuilt (corrupt (checksum))"), "{err}");
    let uncached = run(
        home.path(),
        &cache,
        &["check", "--format", "json", "--no-cache", src],
    );
    assert_eq!(stdout(&checked), stdout(&uncached));
}

#[test]
fn a_plain_listing_is_kept_and_made_again_when_its_source_or_its_file_changes() {
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("c");
    let mbox = home.path().join("q.mbox");
    let text = std::fs::read_to_string(fixtures().join("mail/format-patch.mbox")).unwrap();
    std::fs::write(&mbox, &text).unwrap();
    let src = mbox.to_str().unwrap();
    let list = |extra: &[&str]| {
        let mut args = vec!["list", "-v", src];
        args.extend(extra);
        let out = run(home.path(), &cache, &args);
        assert!(out.status.success(), "{out:?}");
        (
            stdout(&out),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let uncached = || stdout(&run(home.path(), &cache, &["list", "--no-cache", src]));
    let (first, err) = list(&[]);
    assert_eq!(first, uncached());
    assert!(err.contains("cache: cold"), "{err}");
    let listing = file_in(&cache, "listing");
    let (again, err) = list(&[]);
    assert_eq!(again, first);
    assert_eq!(
        err.trim_end(),
        format!("patchdesk: cache: hit (the listing kept): {src}")
    );

    // A byte of the kept table changed: not used, made again from the cache, and kept.
    let mut bytes = std::fs::read(&listing).unwrap();
    let at = bytes.len() - 40;
    bytes[at] ^= 0x01;
    std::fs::write(&listing, &bytes).unwrap();
    let (mended, err) = list(&[]);
    assert_eq!(mended, first);
    assert!(
        err.contains("listing not used (corrupt (checksum))"),
        "{err}"
    );
    assert!(err.contains("cache: hit: "), "{err}");
    assert!(list(&[]).1.contains("hit (the listing kept)"));

    // Mail delivered: the listing is made again, with the new patch.
    let grown = text
        .replace("Subject: [PATCH", "Subject: [PATCH v9")
        .replace("Message-ID: <", "Message-ID: <again.");
    std::fs::write(&mbox, format!("{text}{grown}")).unwrap();
    let (after, err) = list(&[]);
    assert!(err.contains("listing not used (source changed)"), "{err}");
    assert_eq!(after, uncached());
    assert_ne!(after, first);
    assert!(after.lines().count() > first.lines().count(), "{after}");
    assert!(!after.contains("duplicates"), "{after}");

    // A window of the source is listed from the queue, and the kept table left alone.
    let kept = std::fs::read(&listing).unwrap();
    let (window, err) = list(&["--since", "2000-01-01"]);
    assert!(!err.contains("listing"), "{err}");
    assert_eq!(
        window,
        stdout(&run(
            home.path(),
            &cache,
            &["list", "--no-cache", "--since", "2000-01-01", src]
        ))
    );
    assert_eq!(std::fs::read(&listing).unwrap(), kept);
    assert!(list(&[]).1.contains("hit (the listing kept)"));

    // What is wrong is said in the order a load says it: first the missing SOURCE.
    let unnamed = run(home.path(), &cache, &["list", "--since", "bad"]);
    assert_eq!(unnamed.status.code(), Some(2));
    let err = String::from_utf8_lossy(&unnamed.stderr);
    assert!(err.contains("name a SOURCE"), "{err}");
}
