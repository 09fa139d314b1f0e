//! Versions speed: pairing a 50-patch series with a 50-patch revision of it (the first 50
//! patches of the corpus's `qemu-recent-500.mbox`, and the same with every third diff
//! changed by a line, every fifth message reworded and the order reversed), target under
//! 50 ms; and linking families over a 20,000-patch backlog (that mbox repeated), reported
//! beside the load of the same backlog, target under 10 % of it. Run with
//! `cargo bench --bench revisions` (`PATCHDESK_CORPUS` when the corpus is not at
//! `../shared/corpus`).

use patchdesk::patch::Patch;
use patchdesk::queue;
use patchdesk::revisions::{link, pair};
use patchdesk::source::SourceSpec;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("PATCHDESK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    dir.join("qemu-recent-500.mbox").is_file().then_some(dir)
}

fn main() {
    let Some(dir) = corpus() else {
        eprintln!("revisions bench: corpus not found; skipped");
        return;
    };
    let mbox = dir.join("qemu-recent-500.mbox");
    let q = queue::load(&SourceSpec::Path(mbox.clone())).expect("corpus loads");
    let v1: Vec<Patch> = q
        .patches
        .iter()
        .filter(|p| p.has_diff())
        .take(50)
        .cloned()
        .collect();
    let mut v2 = v1.clone();
    for (k, p) in v2.iter_mut().enumerate() {
        if k % 3 == 0
            && let Some(line) = p
                .diff
                .first_mut()
                .and_then(|f| f.hunks.first_mut())
                .and_then(|h| h.lines.first_mut())
        {
            line.text = format!("{} /* v2 */", line.text.as_str()).into();
        }
        if k % 5 == 0 {
            p.message = format!("{}\nReworded in v2.\n", p.message).into();
        }
    }
    v2.reverse();
    let (a, b): (Vec<&Patch>, Vec<&Patch>) = (v1.iter().collect(), v2.iter().collect());
    let runs = 5;
    let start = Instant::now();
    let mut pairs = 0;
    for _ in 0..runs {
        pairs = pair(&a, &b).len();
    }
    let per = start.elapsed() / runs;
    println!("pairing 50 x 50: {per:?} per run ({pairs} pairs; target < 50 ms)");

    let seed = std::fs::read(&mbox).expect("corpus reads");
    let copies = 20_000 / 500;
    let tmp = tempfile::tempdir().expect("temp dir");
    let big = tmp.path().join("backlog.mbox");
    std::fs::write(&big, seed.repeat(copies)).expect("backlog written");
    let start = Instant::now();
    let backlog = queue::load(&SourceSpec::Path(big)).expect("backlog loads");
    let load = start.elapsed();
    let start = Instant::now();
    let families = link(&backlog);
    let linking = start.elapsed();
    let linked = families.previous.iter().filter(|p| p.is_some()).count();
    println!(
        "families over {} patches ({} series, {linked} with a previous version): {linking:?}, load {load:?} ({:.1} %; target < 10 %)",
        backlog.patches.len(),
        backlog.series.len(),
        100.0 * linking.as_secs_f64() / load.as_secs_f64().max(1e-9)
    );
}
