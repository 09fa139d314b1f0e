//! A public-inbox time window: builds one epoch of 300,000 messages (`git fast-import` of the
//! corpus's `qemu-recent-500.mbox` over and over, each copy with fresh Message-IDs, one
//! message a minute) and opens the last 3,000 by `--since`. Target: under 2 s, however long
//! the archive. Run with `cargo bench --bench window`; `PATCHDESK_WINDOW_MESSAGES` changes
//! the archive's size, `PATCHDESK_CORPUS` the corpus directory, and `PATCHDESK_WINDOW_EPOCH`
//! a directory to build the epoch in and keep (an epoch already there is reused).

use patchdesk::mail::mbox;
use patchdesk::source::{SourceSpec, load_since};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const WINDOW: usize = 3_000;
const START: i64 = 1_700_000_000;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("PATCHDESK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let mbox = dir.join("qemu-recent-500.mbox");
    mbox.is_file().then_some(mbox)
}

/// `raw` with its Message-ID (and In-Reply-To/References ids) made unique to `copy`.
fn fresh(raw: &[u8], copy: usize) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw);
    let tag = format!(".c{copy}@");
    let mut out = String::with_capacity(text.len() + 64);
    let mut in_header = true;
    for line in text.split_inclusive('\n') {
        if in_header && line.trim().is_empty() {
            in_header = false;
        }
        let lower = line.to_ascii_lowercase();
        let ids = in_header
            && (lower.starts_with("message-id:")
                || lower.starts_with("in-reply-to:")
                || lower.starts_with("references:")
                || line.starts_with([' ', '\t']));
        if ids {
            out.push_str(&line.replace('@', &tag));
        } else {
            out.push_str(line);
        }
    }
    out.into_bytes()
}

fn build_epoch(dir: &Path, seed: &[Vec<u8>], total: usize) {
    let status = Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git init");
    assert!(status.success());
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .env("GIT_DIR", dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    let mut input = std::io::BufWriter::new(child.stdin.take().expect("stdin"));
    for n in 0..total {
        let raw = fresh(&seed[n % seed.len()], n / seed.len());
        let time = START + 60 * n as i64;
        write!(
            input,
            "commit refs/heads/master\ncommitter inbox <inbox@example.org> {time} +0000\ndata 0\nM 100644 inline m\ndata {}\n",
            raw.len()
        )
        .and_then(|()| input.write_all(&raw))
        .and_then(|()| input.write_all(b"\n"))
        .expect("fast-import input");
    }
    drop(input);
    assert!(child.wait().expect("fast-import").success());
}

fn main() {
    let Some(mbox_path) = corpus() else {
        println!("window: skipped, no corpus (set PATCHDESK_CORPUS)");
        return;
    };
    let total: usize = std::env::var("PATCHDESK_WINDOW_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300_000);
    let data = std::fs::read(&mbox_path).expect("corpus mbox");
    let split = mbox::split(&data);
    let seed: Vec<Vec<u8>> = split
        .messages
        .iter()
        .map(|e| mbox::message_bytes(&data, e).into_owned())
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let epoch = std::env::var_os("PATCHDESK_WINDOW_EPOCH")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().join("0.git"));
    if epoch.join("HEAD").is_file() {
        println!("window: reusing the epoch in {}", epoch.display());
    } else {
        let built = Instant::now();
        build_epoch(&epoch, &seed, total);
        println!(
            "window: built a {total}-message epoch in {:.1} s",
            built.elapsed().as_secs_f64()
        );
    }
    let since = chrono::DateTime::from_timestamp(START + 60 * (total - WINDOW) as i64, 0)
        .expect("time")
        .fixed_offset();
    let spec = SourceSpec::Path(epoch);
    let mut times = Vec::new();
    let mut read = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let queue = patchdesk::queue::build("bench", load_since(&spec, Some(since)).expect("load"));
        times.push(t.elapsed().as_secs_f64());
        read = queue.window.as_ref().map_or(0, |w| w.read);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "window: last {WINDOW} of {total} messages (read {read}) opened in {:.3} s (median of 5; target 2 s)",
        times[2]
    );
}
