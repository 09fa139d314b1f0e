//! Replays the committed fuzz inputs (seeds and minimised crashers in
//! `tests/fixtures/fuzz/<target>/`) and the project's own fixtures through the same target
//! bodies the fuzz harness runs (`patchdesk::fuzzing`), so what the fuzzer once found stays
//! fixed without the harness.

use patchdesk::fuzzing::TARGETS;

fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn committed_fuzz_inputs_replay_through_every_target() {
    let root = crate::fixtures().join("fuzz");
    let mut replayed = 0;
    for (name, target) in TARGETS {
        let mut files = Vec::new();
        files_under(&root.join(name), &mut files);
        assert!(
            !files.is_empty(),
            "no committed inputs for fuzz target {name}"
        );
        for f in files {
            let data = std::fs::read(&f).unwrap();
            target(&data);
            replayed += 1;
        }
    }
    assert!(replayed >= TARGETS.len());
}

#[test]
fn every_fixture_goes_through_every_target() {
    let mut files = Vec::new();
    for sub in ["mail", "patch", "policy"] {
        files_under(&crate::fixtures().join(sub), &mut files);
    }
    assert!(files.len() > 5);
    for f in files {
        let data = std::fs::read(&f).unwrap();
        for (_, target) in TARGETS {
            target(&data);
        }
    }
}
