//! The store under stress: a child process killed in the middle of saving, many times, must
//! leave the old or the new state, never a broken one; the lock across processes.

use patchdesk::triage::notes::{Note, NoteTarget};
use patchdesk::triage::store::{self, DeskState, Store};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const CHILD_ENV: &str = "PATCHDESK_TEST_SAVE_LOOP";

/// A state of generation `generation`, big enough that a save takes a while, with content
/// that can be checked for consistency.
fn state_of(generation: u64) -> DeskState {
    let mut state = DeskState {
        source: format!("generation-{generation}"),
        ..DeskState::default()
    };
    for i in 0..40u64 {
        state.notes.push(Note {
            id: i,
            target: NoteTarget::Patch {
                patch: format!("p{i}"),
            },
            text: format!("{generation}:").repeat(2000),
            created: String::new(),
            updated: String::new(),
            carried_over_from: None,
            orphaned: false,
            interdiff: None,
        });
    }
    state
}

fn generation_of(state: &DeskState) -> u64 {
    let generation: u64 = state
        .source
        .strip_prefix("generation-")
        .and_then(|g| g.parse().ok())
        .expect("source names the generation");
    assert_eq!(state.notes.len(), 40, "all notes present");
    for note in &state.notes {
        assert_eq!(
            note.text,
            format!("{generation}:").repeat(2000),
            "note intact"
        );
    }
    generation
}

/// Not a test on its own: when started by [`killed_saves_leave_old_or_new_state`] with
/// `PATCHDESK_TEST_SAVE_LOOP=<state file>`, saves new generations until killed.
#[test]
fn save_loop_child() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let path = PathBuf::from(path);
    let store = Store::open_path(&path).expect("open");
    assert!(!store.read_only(), "child must hold the lock");
    let mut generation = store::load(&path)
        .expect("load")
        .map(|s| generation_of(&s))
        .unwrap_or(0);
    loop {
        generation += 1;
        store.save(&state_of(generation)).expect("save");
    }
}

fn spawn_child(path: &Path) -> Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "triage::store::save_loop_child", "--nocapture"])
        .env(CHILD_ENV, path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child")
}

fn pseudo_random(seed: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    let mut x = seed ^ nanos ^ 0x9E37_79B9_7F4A_7C15;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^ (x >> 33)
}

#[test]
fn killed_saves_leave_old_or_new_state() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("queue.json");
    let mut last = 0u64;
    let mut progressed = 0;
    const ROUNDS: u64 = 200;
    for round in 0..ROUNDS {
        let mut child = spawn_child(&path);
        // Let the child get going, then kill it at a random moment.
        std::thread::sleep(Duration::from_millis(10 + pseudo_random(round) % 40));
        child.kill().expect("kill");
        child.wait().expect("reap");
        let Some(state) = store::load(&path).expect("state loads after a kill") else {
            continue;
        };
        let generation = generation_of(&state);
        assert!(
            generation >= last,
            "state went back from {last} to {generation}"
        );
        if generation > last {
            progressed += 1;
        }
        last = generation;
    }
    assert!(progressed > 0, "the child never saved");
    eprintln!("{ROUNDS} kills, state moved on in {progressed} of them, 0 corrupt");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("corrupt"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn lock_held_by_another_process_makes_the_store_read_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("queue.json");
    let mut child = spawn_child(&path);
    // Wait until the child has saved once (so it holds the lock).
    for _ in 0..200 {
        if path.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let store = Store::open_path(&path).expect("open");
    let read_only = store.read_only();
    let reason = store.read_only_reason();
    let save = store.save(&DeskState::default());
    child.kill().expect("kill");
    child.wait().expect("reap");
    assert!(read_only, "second opener must be read-only");
    assert!(reason.unwrap_or_default().contains("another patchdesk"));
    assert!(save.is_err(), "a read-only store refuses to save");
    drop(store);
    let store = Store::open_path(&path).expect("reopen");
    assert!(!store.read_only(), "lock is released when the holder dies");
}
