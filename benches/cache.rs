//! The cache on a large mbox: builds a ≥ 300 MB mbox by repeating the corpus's
//! `qemu-recent-500.mbox` (Message-Ids made unique per copy), then times the `patchdesk`
//! binary's `list` and reports each as a ratio to `git mailsplit` of the same file to a RAM
//! disk (`/dev/shm`): cold open (no cache yet: parse and write the cache), reopen from the
//! cache (with the table `list` keeps beside it, and without), reopen after appending 3,000
//! messages, and `--no-cache`; with each process's peak
//! RSS against the file's size (`wait4`). Medians of 3. `list` (the series list, what opening
//! a queue shows) is timed, and `list --format json` too, which on this backlog also links
//! every family of versions and writes 90 MB of JSON. In-process it also times reading the
//! patches back from the cache against parsing the mail, and grouping them into a queue. Run
//! with `cargo bench --bench cache` (with `PATCHDESK_CORPUS` pointing at the corpus).

mod common;

use patchdesk::cache::{Cache, CacheOutcome, FactsAt};
use patchdesk::patch::Parsed;
use patchdesk::source::{SourceSpec, load};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TARGET_BYTES: usize = 300 * 1024 * 1024;
const APPENDED: usize = 3000;
const RUNS: usize = 3;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("PATCHDESK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    dir.is_dir().then_some(dir)
}

/// Copies of `seed` until `target` bytes (or `messages` messages), each copy's ids prefixed
/// with `tag` and its copy number so they stay unique.
/// [`build_mbox`] of `target` bytes written to `path` a copy at a time, so that this process
/// never holds it: a child's peak RSS counts the memory of the process it was spawned from
/// (Linux keeps the larger at exec, and a spawn shares this process's memory until then).
/// Returns its size and how many messages it holds.
fn write_mbox(path: &Path, seed: &[u8], target: usize, tag: &str) -> (u64, usize) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let (mut size, mut messages, mut copy) = (0usize, 0usize, 0usize);
    while size < target {
        let one = build_mbox_copy(seed, &format!("{tag}{copy}."));
        file.write_all(&one).expect("write the big mbox");
        size += one.len();
        messages += patchdesk::mail::mbox::split(&one).messages.len();
        copy += 1;
    }
    file.flush().expect("flush");
    (size as u64, messages)
}

/// One copy of `seed`, its ids prefixed with `prefix`.
fn build_mbox_copy(seed: &[u8], prefix: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(seed.len() + seed.len() / 8);
    let mut in_id_header = false;
    for line in seed.split_inclusive(|&b| b == b'\n') {
        common::push_line_with_id_prefix(&mut out, line, prefix.as_bytes(), &mut in_id_header);
    }
    out
}

fn build_mbox(seed: &[u8], target: usize, messages: usize, tag: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(target + seed.len());
    let mut count = 0;
    let mut copy = 0;
    while out.len() < target && count < messages {
        let prefix = format!("{tag}{copy}.");
        let mut in_id_header = false;
        for line in seed.split_inclusive(|&b| b == b'\n') {
            if line.starts_with(b"From ")
                && patchdesk::mail::mbox::is_from_line(line.trim_ascii_end())
            {
                if count == messages {
                    break;
                }
                count += 1;
            }
            common::push_line_with_id_prefix(&mut out, line, prefix.as_bytes(), &mut in_id_header);
        }
        copy += 1;
    }
    out
}

/// Runs `cmd`; its wall time and peak RSS (bytes).
// The child is reaped by `wait4`, which clippy does not see.
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command) -> (f64, u64) {
    let start = Instant::now();
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("runs");
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid, and wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: waits for the child spawned above, with valid pointers.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = start.elapsed().as_secs_f64();
    assert!(waited == pid && status == 0, "{cmd:?} failed");
    (seconds, usage.ru_maxrss as u64 * 1024)
}

fn median(mut v: Vec<(f64, u64)>) -> (f64, u64) {
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v[v.len() / 2]
}

fn patchdesk(path: &Path, cache: &Path, format: &str, extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_patchdesk"));
    cmd.env("PATCHDESK_CACHE_DIR", cache)
        .args(["list", "--format", format])
        .args(extra)
        .arg(path);
    cmd
}

/// Removes the tables kept beside the cache files, so that a `list` reads the cache file.
fn remove_listings(cache: &Path) {
    for entry in std::fs::read_dir(cache).into_iter().flatten().flatten() {
        if entry.path().extension().is_some_and(|e| e == "listing") {
            std::fs::remove_file(entry.path()).expect("remove a listing");
        }
    }
}

/// Cuts the mbox back to its first `size` bytes (what it was before the append).
fn truncate(path: &Path, size: u64) {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("open");
    file.set_len(size).expect("truncate");
}

fn main() {
    let Some(corpus) = corpus() else {
        println!("skipped: ../shared/corpus not found (set PATCHDESK_CORPUS)");
        return;
    };
    let Ok(seed) = std::fs::read(corpus.join("qemu-recent-500.mbox")) else {
        println!("skipped: qemu-recent-500.mbox not found");
        return;
    };
    let extra = build_mbox(&seed, usize::MAX, APPENDED, "a");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.mbox");
    let cache = dir.path().join("cache");
    let (size, messages) = write_mbox(&path, &seed, TARGET_BYTES, "r");
    println!(
        "input: {:.1} MB, {messages} messages, +{APPENDED} appended ({:.1} MB)",
        size as f64 / 1e6,
        extra.len() as f64 / 1e6
    );

    let shm = Path::new("/dev/shm").join(format!("patchdesk-bench-{}", std::process::id()));
    let mailsplit = median(
        (0..RUNS)
            .map(|_| {
                let _ = std::fs::remove_dir_all(&shm);
                std::fs::create_dir_all(&shm).expect("/dev/shm dir");
                measure(
                    Command::new("git")
                        .env("GIT_CONFIG_GLOBAL", "/dev/null")
                        .env("GIT_CONFIG_NOSYSTEM", "1")
                        .arg("mailsplit")
                        .arg(format!("-o{}", shm.display()))
                        .arg(&path),
                )
            })
            .collect(),
    );
    let _ = std::fs::remove_dir_all(&shm);
    let row = |name: &str, (s, rss): (f64, u64), base: f64| {
        println!(
            "{name:<40} {s:>7.3} s  {:>5.2}x mailsplit  {:>5.2}x cold  peak RSS {:>6.0} MiB = {:.2}x file",
            s / mailsplit.0,
            s / base,
            rss as f64 / 1048576.0,
            rss as f64 / size as f64
        );
    };
    row("git mailsplit -o/dev/shm", mailsplit, mailsplit.0);
    for format in ["text", "json"] {
        let run = |extra: &[&str]| measure(&mut patchdesk(&path, &cache, format, extra));
        let no_cache = median((0..RUNS).map(|_| run(&["--no-cache"])).collect());
        let cold = median(
            (0..RUNS)
                .map(|_| {
                    let _ = std::fs::remove_dir_all(&cache);
                    run(&[])
                })
                .collect(),
        );
        let reopen = median((0..RUNS).map(|_| run(&[])).collect());
        // A table is kept beside the cache (`cache::listing`): without it, a reopen reads
        // the cache file and builds the queue (and keeps the table again).
        let without_listing = (format == "text").then(|| {
            median(
                (0..RUNS)
                    .map(|_| {
                        remove_listings(&cache);
                        run(&[])
                    })
                    .collect(),
            )
        });
        let append = median(
            (0..RUNS)
                .map(|_| {
                    truncate(&path, size);
                    run(&[]);
                    let mut file = std::fs::OpenOptions::new()
                        .append(true)
                        .open(&path)
                        .expect("open");
                    file.write_all(&extra).expect("append");
                    drop(file);
                    run(&[])
                })
                .collect(),
        );
        let list = if format == "text" {
            "list"
        } else {
            "list --format json"
        };
        row(&format!("{list} --no-cache"), no_cache, cold.0);
        row(&format!("{list}, cold (parse + write cache)"), cold, cold.0);
        row(&format!("{list}, reopen from cache"), reopen, cold.0);
        if let Some(without) = without_listing {
            row(&format!("{list}, reopen, no table kept"), without, cold.0);
        }
        row(&format!("{list}, after appending 3,000"), append, cold.0);
    }

    // In process: the messages read back from the cache against a parse, and grouping.
    truncate(&path, size);
    let spec = SourceSpec::Path(path.clone());
    let c = Cache::at(&cache);
    let _ = c.load_since(&spec, None, FactsAt::Load);
    let t = Instant::now();
    let parsed = Parsed::from_loaded(load(&spec).expect("load"));
    let parse = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (back, outcome) = c.load_since(&spec, None, FactsAt::Load).expect("cache");
    let read_back = t.elapsed().as_secs_f64();
    assert_eq!(outcome, CacheOutcome::Hit);
    assert_eq!(back.patches.len(), parsed.patches.len());
    let t = Instant::now();
    let queue = patchdesk::queue::build_parsed("bench", back);
    let build = t.elapsed().as_secs_f64();
    println!(
        "in process: read and parse the mail {parse:.3} s, read back {} patches from the cache {read_back:.3} s ({:.2}x), grouping {build:.3} s ({} patches)",
        parsed.patches.len(),
        read_back / parse,
        queue.patches.len()
    );
    let _ = std::fs::remove_dir_all(&cache);
}
