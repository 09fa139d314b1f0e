//! Throughput on a large mbox: builds a ≥ 300 MB mbox by repeating the corpus's
//! `qemu-recent-500.mbox` (Message-Ids made unique per copy) in a temp file, then times each
//! stage over all of it and prints MB/s and messages/s, and `git mailsplit` on the same file.
//!
//! Stages are entries of [`stages`]: splitting, header decoding, full mail decoding, loading,
//! parsing into `Patch`, grouping into a queue, and checking it. Run with
//! `cargo bench --bench throughput` (with `PATCHDESK_CORPUS` pointing at the corpus).

mod common;

use patchdesk::mail::{Message, Origin, mbox, parse_headers, parse_message};
use patchdesk::source::{SourceSpec, load};
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TARGET_BYTES: usize = 300 * 1024 * 1024;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("PATCHDESK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    dir.is_dir().then_some(dir)
}

/// The big mbox: copies of `seed`, each copy's ids (`Message-ID`, `In-Reply-To`,
/// `References`) prefixed with its copy number so they stay unique.
fn build_mbox(seed: &[u8]) -> Vec<u8> {
    let copies = TARGET_BYTES.div_ceil(seed.len().max(1));
    let mut out = Vec::with_capacity(copies * (seed.len() + 4096));
    for copy in 0..copies {
        let prefix = format!("r{copy}.");
        let mut in_id_header = false;
        for line in seed.split_inclusive(|&b| b == b'\n') {
            common::push_line_with_id_prefix(&mut out, line, prefix.as_bytes(), &mut in_id_header);
        }
    }
    out
}

/// What a stage reports: how many messages it handled.
type StageFn = fn(&Input) -> usize;

struct Input {
    path: PathBuf,
    data: Vec<u8>,
}

fn stage_split(input: &Input) -> usize {
    mbox::split(&input.data).messages.len()
}

fn decode_all(input: &Input) -> Vec<Message> {
    let split = mbox::split(&input.data);
    split
        .messages
        .par_iter()
        .enumerate()
        .filter_map(|(i, entry)| {
            let raw = mbox::message_bytes(&input.data, entry);
            let origin = Origin {
                source: "bench".into(),
                index: i + 1,
                offset: entry.offset as u64,
                file: None,
            };
            parse_message(&raw, origin).ok()
        })
        .collect()
}

fn stage_headers(input: &Input) -> usize {
    let split = mbox::split(&input.data);
    split
        .messages
        .par_iter()
        .enumerate()
        .filter(|(i, entry)| {
            let raw = mbox::message_bytes(&input.data, entry);
            let origin = Origin {
                source: "bench".into(),
                index: i + 1,
                offset: entry.offset as u64,
                file: None,
            };
            parse_headers(&raw, origin).is_ok()
        })
        .count()
}

fn stage_decode(input: &Input) -> usize {
    decode_all(input).len()
}

fn stage_full_parse(input: &Input) -> usize {
    decode_all(input)
        .into_par_iter()
        .map(patchdesk::patch::Patch::from_message)
        .filter(|p| p.has_diff())
        .count()
}

fn stage_queue(input: &Input) -> usize {
    patchdesk::queue::load(&SourceSpec::Path(input.path.clone()))
        .map(|q| q.patches.len() + q.replies.len())
        .unwrap_or(0)
}

fn stage_queue_and_check(input: &Input) -> usize {
    let Ok(queue) = patchdesk::queue::load(&SourceSpec::Path(input.path.clone())) else {
        return 0;
    };
    let Ok(profile) = patchdesk::policy::Profile::builtin("qemu") else {
        return 0;
    };
    patchdesk::policy::check_queue(&queue, &profile).len()
}

fn stage_load(input: &Input) -> usize {
    load(&SourceSpec::Path(input.path.clone()))
        .map(|l| l.messages.len())
        .unwrap_or(0)
}

/// The stages timed, in order; each one starts from the bytes (or the file) again.
fn stages() -> Vec<(&'static str, StageFn)> {
    vec![
        ("split (memchr, 1 thread)", stage_split as StageFn),
        ("split + decode headers only (rayon)", stage_headers),
        ("split + decode headers and body (rayon)", stage_decode),
        ("source::load (read file + split + decode)", stage_load),
        ("decode + Patch::from_message (rayon)", stage_full_parse),
        ("queue::load (source + patches + grouping)", stage_queue),
        ("queue::load + check (qemu profile)", stage_queue_and_check),
    ]
}

/// CPU seconds (user + system) this process has used so far, from `/proc/self/stat`; the
/// wall clock alone misleads on a shared machine.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn report(name: &str, bytes: usize, messages: usize, seconds: f64, cpu: Option<f64>) {
    let mb = bytes as f64 / 1_000_000.0;
    let cpu = cpu.map(|c| format!("  cpu {c:.2} s")).unwrap_or_default();
    println!(
        "{name:<45} {seconds:>7.3} s  {:>9.1} MB/s  {:>10.0} messages/s  ({messages} messages){cpu}",
        mb / seconds,
        messages as f64 / seconds
    );
}

fn main() {
    let Some(corpus) = corpus() else {
        println!("skipped: ../shared/corpus not found (set PATCHDESK_CORPUS)");
        return;
    };
    let seed_path = corpus.join("qemu-recent-500.mbox");
    let Ok(seed) = std::fs::read(&seed_path) else {
        println!("skipped: {} not found", seed_path.display());
        return;
    };
    let data = build_mbox(&seed);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.mbox");
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(&data))
        .expect("write the big mbox");
    println!(
        "input: {} ({:.1} MB, {} threads)",
        path.display(),
        data.len() as f64 / 1_000_000.0,
        rayon::current_num_threads()
    );
    let input = Input { path, data };
    // `PATCHDESK_BENCH_STAGES=decode,check` runs only the stages whose name holds a word.
    let only: Vec<String> = std::env::var("PATCHDESK_BENCH_STAGES")
        .map(|v| v.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    for (name, stage) in stages() {
        if !only.is_empty() && !only.iter().any(|word| name.contains(word.as_str())) {
            continue;
        }
        let cpu_start = cpu_seconds();
        let start = Instant::now();
        let messages = stage(&input);
        let seconds = start.elapsed().as_secs_f64();
        let cpu = cpu_start.zip(cpu_seconds()).map(|(a, b)| b - a);
        report(name, input.data.len(), messages, seconds, cpu);
    }

    if !only.is_empty()
        && !only
            .iter()
            .any(|word| "git mailsplit".contains(word.as_str()))
    {
        return;
    }
    let out = dir.path().join("split");
    std::fs::create_dir(&out).expect("split dir");
    let start = Instant::now();
    let status = std::process::Command::new("git")
        .env("HOME", dir.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .arg("mailsplit")
        .arg(format!("-o{}", out.display()))
        .arg(&input.path)
        .output();
    let seconds = start.elapsed().as_secs_f64();
    match status {
        Ok(o) if o.status.success() => {
            let count = String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse()
                .unwrap_or(0);
            report(
                "git mailsplit (writes one file each)",
                input.data.len(),
                count,
                seconds,
                None,
            );
        }
        _ => println!("git mailsplit: could not run"),
    }
}
