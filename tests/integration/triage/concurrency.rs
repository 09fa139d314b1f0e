//! Two writers on one queue: command-line writers wait for each other and all land; a
//! long-lived (shared) desk never overwrites what another patchdesk saved, and picks it up.

use super::fixtures::series_queue;
use crate::{fixtures, patchdesk_in, stderr, stdout};
use patchdesk::triage::desk::{Desk, NoteSpec};
use patchdesk::triage::status::Status;
use patchdesk::triage::store::{self, Store};
use std::time::Duration;

#[test]
fn a_shared_desk_refuses_to_overwrite_newer_state_and_reloads_it() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let mut desk = Desk::open_shared(data.path(), &q).unwrap();
    assert!(!desk.read_only());
    // Another patchdesk (a command) records a status meanwhile.
    {
        let mut other = Desk::open_waiting(data.path(), &q).unwrap();
        other.set_status(&q, 1, Status::Accepted).unwrap();
        other.save().unwrap();
    }
    let saved = std::fs::read(desk.state_path()).unwrap();
    // The desk, unaware, changes something else and saves: refused, nothing written.
    desk.set_status(&q, 2, Status::Rejected).unwrap();
    let err = desk.save().unwrap_err().to_string();
    assert!(err.contains("another patchdesk saved"), "{err}");
    assert_eq!(std::fs::read(desk.state_path()).unwrap(), saved);
    // It reads the newer state, with a notice; the other writer's status is there.
    assert!(desk.reload_if_changed(&q).unwrap());
    assert!(!desk.reload_if_changed(&q).unwrap(), "once is enough");
    assert_eq!(desk.patch_status(&q, 1), Status::Accepted);
    assert_eq!(desk.patch_status(&q, 2), Status::New);
    assert!(desk.undo().is_none(), "undo would revert the other writer");
    assert!(
        desk.notices
            .iter()
            .any(|n| n.contains("another patchdesk changed this queue"))
    );
}

#[test]
fn a_transaction_keeps_both_writers_changes() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let mut desk = Desk::open_shared(data.path(), &q).unwrap();
    {
        let mut other = Desk::open_waiting(data.path(), &q).unwrap();
        other.set_status(&q, 1, Status::Accepted).unwrap();
        other.save().unwrap();
    }
    desk.transact(&q, |d| d.set_status(&q, 2, Status::Rejected))
        .unwrap();
    let on_disk = store::load(desk.state_path()).unwrap().unwrap();
    let status = |k: &str| on_disk.patches.get(k).and_then(|p| p.status.clone());
    assert_eq!(status(&q.patches[1].key), Some(Status::Accepted));
    assert_eq!(status(&q.patches[2].key), Some(Status::Rejected));
    // A failed change writes nothing and leaves the state as it was.
    let before = std::fs::read(desk.state_path()).unwrap();
    let failed = desk.transact(&q, |d| {
        d.set_status(&q, 1, Status::New)?;
        d.add_note(&q, &NoteSpec::Patch(99), "nowhere")
    });
    assert!(failed.is_err());
    assert_eq!(desk.patch_status(&q, 1), Status::Accepted);
    assert_eq!(std::fs::read(desk.state_path()).unwrap(), before);
}

#[test]
fn a_writer_waits_for_the_lock_and_then_says_the_queue_is_busy() {
    let data = tempfile::tempdir().unwrap();
    let (holder, _) = Store::open_waiting(data.path(), "q.mbox", Duration::ZERO).unwrap();
    let started = std::time::Instant::now();
    let err = Store::open_waiting(data.path(), "q.mbox", Duration::from_millis(200))
        .unwrap_err()
        .to_string();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert!(err.contains("the queue is busy"), "{err}");
    assert!(err.contains(".lock"), "{err}");
    // A writer that comes while the lock is held gets it as soon as it is let go.
    let waiter = std::thread::spawn({
        let dir = data.path().to_path_buf();
        move || Store::open_waiting(&dir, "q.mbox", Duration::from_secs(5)).map(|_| ())
    });
    std::thread::sleep(Duration::from_millis(100));
    drop(holder);
    waiter.join().unwrap().unwrap();
}

/// A queue file of two patches for the binary.
fn queue_file(home: &std::path::Path) -> String {
    let source = home.join("q.mbox");
    std::fs::copy(fixtures().join("mail/format-patch.mbox"), &source).unwrap();
    source.display().to_string()
}

#[test]
fn concurrent_note_and_status_commands_all_land() {
    let home = tempfile::tempdir().unwrap();
    let source = queue_file(home.path());
    const WRITERS: usize = 12;
    let mut runs = 0;
    let data = home.path().join("data/patchdesk");
    for round in 0..2 {
        // In the first round another writer holds the queue for longer than a save takes,
        // as a slow save would: the commands wait for it instead of failing.
        let holder =
            (round == 0).then(|| Store::open_waiting(&data, &source, Duration::ZERO).unwrap());
        let handles: Vec<_> = (0..WRITERS)
            .map(|i| {
                let home = home.path().to_path_buf();
                let source = source.clone();
                std::thread::spawn(move || {
                    let text = format!("note {round}-{i}");
                    let args: Vec<&str> = if i % 3 == 2 {
                        vec!["status", &source, "1.1", "under-review"]
                    } else {
                        vec!["note", &source, "1.1", &text]
                    };
                    let out = patchdesk_in(&home, &args, None);
                    (args.join(" "), out)
                })
            })
            .collect();
        if let Some(holder) = holder {
            std::thread::sleep(Duration::from_millis(700));
            drop(holder);
        }
        for h in handles {
            let (args, out) = h.join().unwrap();
            assert!(
                out.status.success(),
                "{args}: {}{}",
                stdout(&out),
                stderr(&out)
            );
            runs += 1;
        }
    }
    assert_eq!(runs, 2 * WRITERS);
    let notes = patchdesk_in(home.path(), &["notes", &source, "--format", "json"], None);
    assert!(notes.status.success(), "{}", stderr(&notes));
    let text = stdout(&notes);
    for round in 0..2 {
        for i in (0..WRITERS).filter(|i| i % 3 != 2) {
            assert!(
                text.contains(&format!("note {round}-{i}")),
                "lost note {round}-{i}: {text}"
            );
        }
    }
    let state = store::state_path(&data, &source);
    let state = store::load(&state).unwrap().expect("state saved");
    assert!(
        state
            .patches
            .values()
            .any(|p| p.status == Some(Status::UnderReview)),
        "status lost: {state:?}"
    );
    assert_eq!(state.notes.len(), 2 * (WRITERS - WRITERS / 3));
}
