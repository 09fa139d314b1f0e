//! MAINTAINERS speed: a Linux-sized file (about 3,000 sections, made by repeating QEMU's from
//! `../shared/corpus/maintainers/qemu`, titles numbered per copy) parsed, and 20,000 patches
//! (the corpus's `qemu-recent-500.mbox` over and over) matched against it. Targets: parse
//! under 20 ms, matching under 0.5 s. Run with `cargo bench --bench maintainers` (with
//! `PATCHDESK_CORPUS` pointing at the corpus when it is not at `../shared/corpus`).

use patchdesk::maintainers::{Dialect, Maintainers, PatchScan, scan_patch};
use patchdesk::source::SourceSpec;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SECTIONS: usize = 3000;
const PATCHES: usize = 20_000;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("PATCHDESK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    dir.join("maintainers/qemu").is_dir().then_some(dir)
}

/// QEMU's file repeated until it has `SECTIONS` sections; each copy's titles carry its number.
fn big_file(seed: &str) -> (String, usize) {
    let mut out = String::new();
    let mut sections = 0;
    let mut copy = 0;
    while sections < SECTIONS {
        let mut prev_blank = true;
        for line in seed.lines() {
            let typed = line.len() > 1 && line.as_bytes()[1] == b':';
            if !typed && !line.trim().is_empty() && copy > 0 {
                out.push_str(&format!("{line} #{copy}\n"));
            } else {
                out.push_str(line);
                out.push('\n');
            }
            if typed && prev_blank {
                sections += 1;
            }
            prev_blank = !typed;
        }
        copy += 1;
    }
    (out, sections)
}

fn main() {
    let Some(corpus) = corpus() else {
        println!("skipped: ../shared/corpus/maintainers/qemu not found (set PATCHDESK_CORPUS)");
        return;
    };
    let qemu = corpus.join("maintainers/qemu");
    let seed = std::fs::read_to_string(qemu.join("MAINTAINERS")).expect("QEMU MAINTAINERS");
    let files = std::fs::read_to_string(qemu.join("FILES")).expect("QEMU FILES");
    let dirs: HashSet<String> = files
        .lines()
        .flat_map(|f| {
            let mut d = Vec::new();
            let mut p = Path::new(f).parent();
            while let Some(x) = p.filter(|x| !x.as_os_str().is_empty()) {
                d.push(x.to_string_lossy().into_owned());
                p = x.parent();
            }
            d
        })
        .collect();
    let is_dir = |p: &str| dirs.contains(p.trim_end_matches('/'));
    let (text, _) = big_file(&seed);
    let origin = Path::new("MAINTAINERS");

    let mut best = f64::MAX;
    let mut m = None;
    for _ in 0..10 {
        let t = Instant::now();
        let parsed = Maintainers::parse(&text, origin, Dialect::Qemu, &is_dir);
        best = best.min(t.elapsed().as_secs_f64());
        m = Some(parsed);
    }
    let m = m.expect("parsed");
    println!(
        "parse: {} sections, {} lines, {} errors: best of 10 {:.2} ms (target < 20 ms)",
        m.section_count(),
        text.lines().count(),
        m.errors().len(),
        best * 1e3
    );

    let spec = SourceSpec::Path(corpus.join("qemu-recent-500.mbox"));
    let queue = patchdesk::queue::load(&spec).expect("corpus mbox loads");
    let seeds: Vec<PatchScan> = queue.patches.iter().map(scan_patch).collect();
    let scans: Vec<&PatchScan> = seeds.iter().cycle().take(PATCHES).collect();
    let t = Instant::now();
    let mut people = 0usize;
    for s in &scans {
        people += m.lookup(s).people.len();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "match: {} patches ({} files, {} people named) in {:.3} s, {:.0} patches/s (target < 0.5 s)",
        scans.len(),
        scans.iter().map(|s| s.files.len()).sum::<usize>(),
        people,
        secs,
        scans.len() as f64 / secs
    );
    // As the desk and `list --filter` run it: in parallel over the machine's cores.
    let t = Instant::now();
    let people: usize = {
        use rayon::prelude::*;
        scans.par_iter().map(|s| m.lookup(s).people.len()).sum()
    };
    let secs = t.elapsed().as_secs_f64();
    println!(
        "match in parallel ({} threads): {} patches ({} people named) in {:.3} s (target < 0.5 s)",
        rayon::current_num_threads(),
        scans.len(),
        people,
        secs
    );
}
