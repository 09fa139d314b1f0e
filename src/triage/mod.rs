//! The desk's decisions and memory: review status, notes anchored to lines, the maintainer's
//! own trailers (with a preview by git's rules and undo), the compliance gate with its
//! waivers, trailers collected from replies, and the store that keeps all of it on disk —
//! versioned, atomic, locked, carried over to re-rolled series.
//!
//! [`desk::Desk`] is the one API the TUI and the command line call; nothing here imports
//! ratatui or crossterm. Effects on the outside world (spawning `$EDITOR`, reading git
//! config) are small functions the caller invokes explicitly.
//!
//! How a front end drives it (the CLI in `cli/triage.rs` does exactly this):
//!
//! 1. `Desk::open_waiting(data_dir, &queue)` for a command that changes something (it holds
//!    the queue's lock until dropped; busy after [`store::BUSY_WAIT`]), `Desk::open_shared`
//!    for a long-lived desk (make each change inside `desk.transact(&queue, |d| …)`, or call
//!    `reload_if_changed` first: a save never overwrites newer state), `Desk::open` to read
//!    (or the old exclusive desk) — `data_dir` is [`store::default_data_dir`] (tests pass
//!    a temp dir). Show `desk.notices` (read-only, carried over, moved/orphaned notes). A
//!    bad state file is an `Err` naming where it was moved: show it and stop.
//! 2. Status: `desk.set_status(&queue, patch, Status::parse(text)?)`; read with
//!    `patch_status` / `series_status`.
//! 3. Notes: `add_note(&queue, &NoteSpec::…, text)`, `edit_note`, `delete_note`,
//!    `notes_for_patch`, `notes_on_line`, `notes_for_series`, `notes`. For `$EDITOR`:
//!    `notes::edit_in_editor(&notes::editor_command(config), old_text, temp_dir)` (leave
//!    the terminal's raw mode around it), then `edit_note`.
//! 4. Trailers: `identity::find(config, repo)` once; `plan_trailer(&queue, &findings,
//!    &TrailerRequest{…})` gives the preview (`plan.render`, or `plan.patches[i].preview`
//!    / `.gate` for a view); if `!plan.passes()`, ask for a reason per
//!    `plan.patches[i].gate.unwaived` rule and plan again with the waivers; then
//!    `add_trailer(&queue, &plan)`.
//! 5. `undo()` restores the state before the last change (this session only).
//! 6. `save()` after every change (atomic; cheap for a queue's state).
//! 7. For the exports: `export::from_desk::plan_from_state(desk.state(), &queue, me, findings)`.
//! 8. For the queue view: `status_map`, `has_waivers`, `nacked`, `reply_trailers()`.

pub mod archive;
pub mod config;
pub mod desk;
pub mod gate;
pub mod identity;
pub mod notes;
pub mod replies;
pub mod status;
pub mod store;
pub mod trailer_rules;
pub mod trailers;
