//! [`Desk`]: the one API through which the TUI and the command line record decisions —
//! status, notes, the maintainer's trailers (previewed, gated, undoable), waivers, accepted
//! reply trailers — on top of the queue as loaded and the store that keeps them.
//!
//! Patches and series are named by their index in [`Queue::patches`] / [`Queue::series`];
//! the state itself is keyed by patch key so it survives reloads. Every change pushes the
//! previous state on an undo stack (in memory, for this session). Nothing is written until
//! [`Desk::save`]; the TUI saves after each action, the CLI after its command.

use super::gate::{self, GateCheck, Waiver, WaiverRequest};
use super::notes::{self, Note, NoteTarget, Reanchored};
use super::replies::{self, Collected, ReplyTrailer};
use super::status::{self, Status};
use super::store::{DeskState, LoadedPatch, LoadedSeries, Store};
use super::trailers::{self, RecordedTrailer, TrailerKind, TrailerPreview};
use crate::policy::{Finding, Part};
use crate::queue::{Queue, Series};
use crate::{Error, Result};
use std::path::Path;

/// How many operations can be undone.
pub const UNDO_LIMIT: usize = 200;

/// What a note is to be attached to, as the UI names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteSpec {
    /// A series, by index into `Queue::series`.
    Series(usize),
    /// A patch, by index into `Queue::patches`.
    Patch(usize),
    /// A line of a patch: `file` for the diff (new-side `line`), else message/notes line.
    Line {
        patch: usize,
        part: Part,
        file: Option<String>,
        line: u32,
    },
}

/// What the maintainer asked for: a trailer on some patches, with waivers offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailerRequest {
    pub kind: TrailerKind,
    /// `Name <email>` ([`super::identity::find`]).
    pub identity: String,
    /// Indices into `Queue::patches`; a cover letter stands for its whole series.
    pub targets: Vec<usize>,
    /// Every patch of each target's series.
    pub whole_series: bool,
    pub waivers: Vec<WaiverRequest>,
}

/// One patch's part of a trailer plan.
#[derive(Debug, Clone)]
pub struct PatchPlan {
    /// Index into `Queue::patches`.
    pub patch: usize,
    pub preview: TrailerPreview,
    pub gate: GateCheck,
}

/// What adding a trailer would do, patch by patch; nothing is recorded until
/// [`Desk::add_trailer`] is called with it.
#[derive(Debug, Clone)]
pub struct TrailerPlan {
    pub kind: TrailerKind,
    /// `Name <email>`.
    pub identity: String,
    pub patches: Vec<PatchPlan>,
}

impl TrailerPlan {
    /// True when every patch passes the compliance gate.
    pub fn passes(&self) -> bool {
        self.patches.iter().all(|p| p.gate.passes())
    }

    /// The gate's complaints, one per line.
    pub fn gate_problems(&self) -> String {
        self.patches
            .iter()
            .filter(|p| !p.gate.passes())
            .map(|p| p.gate.explain())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The preview, line by line: per patch its title, the resulting trailer block with the
    /// new lines marked `+`, skipped ones with the reason, the waivers that will be recorded,
    /// the advisories and the gate's refusals. Each line says what it is, for the views to
    /// style; [`TrailerPlan::render`] is its text.
    pub fn preview_lines(&self, queue: &Queue) -> Vec<PreviewLine> {
        let mut out = Vec::new();
        let mut push = |kind, text: String| out.push(PreviewLine { kind, text });
        for plan in &self.patches {
            let label = patch_label(queue, plan.patch);
            push(
                PreviewKind::Title,
                format!("{label} {}", plan.preview.title),
            );
            let added = plan
                .preview
                .planned
                .iter()
                .filter(|p| p.outcome == super::trailer_rules::Outcome::Added)
                .count();
            let first_new = plan.preview.block.len().saturating_sub(added);
            for (i, line) in plan.preview.block.iter().enumerate() {
                if i >= first_new {
                    push(PreviewKind::Added, format!("  + {line}"));
                } else {
                    push(PreviewKind::Kept, format!("    {line}"));
                }
            }
            for planned in &plan.preview.planned {
                if planned.outcome != super::trailer_rules::Outcome::Added {
                    push(PreviewKind::Skipped, format!("  {}", planned.describe()));
                }
            }
            for w in &plan.gate.new_waivers {
                push(
                    PreviewKind::Waiver,
                    format!(
                        "  waiver recorded (not in the commit message): {}: {}",
                        w.rule, w.reason
                    ),
                );
            }
            for advisory in &plan.gate.advisories {
                push(
                    PreviewKind::Advisory,
                    format!("  ? {advisory} (check before asserting)"),
                );
            }
            if !plan.gate.passes() {
                for line in plan.gate.explain().lines() {
                    push(PreviewKind::Refused, format!("  ! {line}"));
                }
            }
        }
        out
    }

    /// The preview as text, one line each ([`TrailerPlan::preview_lines`]).
    pub fn render(&self, queue: &Queue) -> String {
        self.preview_lines(queue)
            .into_iter()
            .map(|l| l.text + "\n")
            .collect()
    }
}

/// What a line of a trailer preview is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreviewKind {
    /// A patch's label and title.
    Title,
    /// A trailer already in the message, kept.
    Kept,
    /// The trailer this plan adds.
    Added,
    /// A trailer not added, with the reason.
    Skipped,
    /// A waiver recorded with the trailer.
    Waiver,
    /// Something to check before asserting the trailer.
    Advisory,
    /// Why the compliance gate refuses the trailer.
    Refused,
}

/// One line of a trailer preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewLine {
    pub kind: PreviewKind,
    pub text: String,
}

/// How `list` numbers a patch: `S.N` (cover `S.0`), else `#index`.
pub fn patch_label(queue: &Queue, patch: usize) -> String {
    let Some(series) = queue.series_of(patch) else {
        return format!("#{}", patch + 1);
    };
    if series.cover == Some(patch) {
        return format!("{}.0", series.id);
    }
    let n = queue
        .patches
        .get(patch)
        .and_then(|p| p.subject.index)
        .or_else(|| {
            series
                .patches
                .iter()
                .position(|&i| i == patch)
                .and_then(|p| u32::try_from(p + 1).ok())
        })
        .unwrap_or(0);
    format!("{}.{n}", series.id)
}

/// Where a note is, as the list shows it: `1.2`, `1.2 src/a.c:12`, `series 1`.
pub fn note_place(queue: &Queue, note: &Note) -> String {
    let label_of = |key: &str| {
        queue
            .patches
            .iter()
            .position(|p| p.key == key)
            .map(|i| patch_label(queue, i))
            .unwrap_or_else(|| format!("<{key}> (not in this queue)"))
    };
    match &note.target {
        NoteTarget::Series { series } => {
            let id = queue
                .patches
                .iter()
                .position(|p| &p.key == series)
                .and_then(|i| queue.series_of(i))
                .map(|s| s.id.to_string())
                .unwrap_or_else(|| format!("<{series}>"));
            format!("series {id}")
        }
        NoteTarget::Patch { patch } => label_of(patch),
        NoteTarget::Line(a) => match &a.file {
            Some(file) => format!("{} {file}:{}", label_of(&a.patch), a.line),
            None => format!(
                "{} {}:{}",
                label_of(&a.patch),
                notes::part_name(a.part),
                a.line
            ),
        },
    }
}

/// The key under which a series' state is kept (the queue's one rule).
pub use crate::queue::series_key;

/// How a trailer from a reply stands at the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyTrailerState {
    /// Its address is the reply sender's: collected.
    Collected,
    /// Its address is not the sender's: only a warning until the maintainer accepts it.
    Warning,
    /// A warning the maintainer accepted: collected like the others.
    Accepted,
}

/// Decisions on patches outside this queue, recorded in other queues' desks
/// ([`Desk::recorded_elsewhere`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Elsewhere {
    pub statuses: std::collections::BTreeMap<String, Status>,
    /// Patch and line notes (series notes stay with their queue).
    pub notes: Vec<Note>,
}

/// The desk: state, store, undo stack, and what was collected from replies.
#[derive(Debug)]
pub struct Desk {
    store: Store,
    state: DeskState,
    history: Vec<(String, DeskState)>,
    replies: Collected,
    /// Things to tell the user after opening (read-only, carried over, moved or orphaned
    /// notes).
    pub notices: Vec<String>,
}

impl Desk {
    /// Opens the desk of `queue` with its state under `data_dir`: loads (a bad state file is
    /// an error and is never overwritten), carries decisions over to re-rolled patches,
    /// re-anchors line notes, and collects trailers from replies.
    pub fn open(data_dir: &Path, queue: &Queue) -> Result<Desk> {
        let (store, state) = Store::open(data_dir, &queue.source)?;
        Ok(Desk::with_store(store, state, queue))
    }

    /// Opens the desk for a command-line change: waits (up to [`super::store::BUSY_WAIT`]) for any
    /// patchdesk writing the queue, then holds the lock until the desk is dropped, so the
    /// load, the change and the save are one read-modify-write no other writer comes between.
    /// A queue held for longer is an error saying it is busy.
    pub fn open_waiting(data_dir: &Path, queue: &Queue) -> Result<Desk> {
        let (store, state) = Store::open_waiting(data_dir, &queue.source, super::store::BUSY_WAIT)?;
        Ok(Desk::with_store(store, state, queue))
    }

    /// Opens the desk for a long-lived front end (the terminal desk): no lock is kept
    /// between saves, so command-line changes land meanwhile. Make each change with
    /// [`Desk::transact`] (or call [`Desk::reload_if_changed`] before it): a save never
    /// overwrites state another patchdesk saved since this desk read it.
    pub fn open_shared(data_dir: &Path, queue: &Queue) -> Result<Desk> {
        let (store, state) = Store::open_shared(data_dir, &queue.source)?;
        Ok(Desk::with_store(store, state, queue))
    }

    fn with_store(store: Store, state: DeskState, queue: &Queue) -> Desk {
        let mut desk = Desk {
            store,
            state,
            history: Vec::new(),
            replies: replies::collect(queue),
            notices: Vec::new(),
        };
        if let Some(reason) = desk.store.read_only_reason() {
            desk.notices.push(reason);
        }
        desk.refresh(queue);
        desk
    }

    /// Reads the state again when another patchdesk saved it since this desk read or wrote
    /// it; returns whether it did. The undo history is dropped then (it would undo the other
    /// writer's changes too), and a notice says so.
    pub fn reload_if_changed(&mut self, queue: &Queue) -> Result<bool> {
        if !self.store.changed_on_disk()? {
            return Ok(false);
        }
        let mut state = self.store.reload()?;
        if state.source.is_empty() {
            state.source = queue.source.clone();
        }
        self.state = state;
        self.history.clear();
        self.notices.push(format!(
            "another patchdesk changed this queue; its changes were read from {} (undo history cleared)",
            self.store.path().display()
        ));
        self.refresh(queue);
        Ok(true)
    }

    /// One change as one step: takes the queue's lock, reads what another patchdesk saved
    /// meanwhile ([`Desk::reload_if_changed`]), makes the change, saves, and lets go. When
    /// `change` fails, the state is as before and nothing is written.
    pub fn transact<T>(
        &mut self,
        queue: &Queue,
        change: impl FnOnce(&mut Desk) -> Result<T>,
    ) -> Result<T> {
        self.store.hold()?;
        let result = (|| {
            self.reload_if_changed(queue)?;
            let before = (self.state.clone(), self.history.len());
            match change(self) {
                Ok(value) => {
                    self.save_and_keep(queue)?;
                    Ok(value)
                }
                Err(e) => {
                    self.state = before.0;
                    self.history.truncate(before.1);
                    Err(e)
                }
            }
        })();
        self.store.release();
        result
    }

    /// Saves, then keeps the content of every series with something recorded in the
    /// reviewed-patch archive ([`super::archive`]) of the same data dir. The decision is
    /// saved whatever becomes of the archive; an archive that cannot be written is a notice.
    pub fn save_and_keep(&mut self, queue: &Queue) -> Result<()> {
        self.save()?;
        let Some(data_dir) = self.store.path().parent().and_then(Path::parent) else {
            return Ok(());
        };
        let recorded: Vec<usize> = (0..queue.patches.len())
            .filter(|&i| {
                let key = queue.patches[i].key.as_str();
                self.has_record(key) || self.state.waivers.iter().any(|w| w.patch == key)
            })
            .collect();
        if let Err(e) = super::archive::keep(data_dir, queue, &recorded) {
            self.notices
                .push(format!("reviewed patches not archived: {e}"));
        }
        Ok(())
    }

    /// Re-applies carry-over and re-anchoring after the queue was (re)loaded.
    pub fn refresh(&mut self, queue: &Queue) {
        crate::patch::survey_all(&queue.patches);
        let loaded: Vec<LoadedPatch<'_>> = queue
            .patches
            .iter()
            .map(|p| LoadedPatch {
                key: &p.key,
                title: &p.subject.title,
                patch_id: p.patch_id(),
                message_hash: Some(crate::triage::store::message_hash(&p.message)),
            })
            .collect();
        for c in self.state.carry_over(&loaded) {
            self.notices.push(format!(
                "decisions and {} note(s) carried over from {} to {} (same patch-id)",
                c.notes, c.from, c.to
            ));
            if !c.trailers_held.is_empty() {
                self.notices.push(format!(
                    "not carried to {}: {} (the message changed since you gave it; give it again to confirm)",
                    c.to,
                    c.trailers_held.join(", ")
                ));
            }
        }
        let loaded_series: Vec<LoadedSeries<'_>> = queue
            .series
            .iter()
            .filter_map(|s| {
                let key = s.head().and_then(|i| queue.patches.get(i))?;
                Some(LoadedSeries {
                    key: &key.key,
                    title: &s.title,
                    patch_keys: s
                        .patches
                        .iter()
                        .filter_map(|&i| queue.patches.get(i).map(|p| p.key.as_str()))
                        .collect(),
                })
            })
            .collect();
        for c in self.state.carry_over_series(&loaded_series) {
            self.notices.push(format!(
                "series status and {} note(s) carried over from <{}> to <{}>",
                c.notes, c.from, c.to
            ));
        }
        for note in &mut self.state.notes {
            let Some(key) = note.target.patch() else {
                continue;
            };
            let Some(patch) = queue.patches.iter().find(|p| p.key == key) else {
                continue;
            };
            match notes::reanchor(note, patch) {
                Reanchored::InPlace => {}
                Reanchored::Moved { from, to } => self
                    .notices
                    .push(format!("note {} moved from line {from} to {to}", note.id)),
                Reanchored::Orphaned => self.notices.push(format!(
                    "note {} lost its line (orphaned; it is kept)",
                    note.id
                )),
            }
        }
        self.replies = replies::collect(queue);
    }

    /// The state as it stands (for views).
    pub fn state(&self) -> &DeskState {
        &self.state
    }

    /// The state file.
    pub fn state_path(&self) -> &Path {
        self.store.path()
    }

    /// True when another patchdesk holds the queue: nothing can be changed.
    pub fn read_only(&self) -> bool {
        self.store.read_only()
    }

    /// Trailers and NACKs collected from the queue's replies.
    pub fn reply_trailers(&self) -> &Collected {
        &self.replies
    }

    fn patch_key(queue: &Queue, patch: usize) -> Result<&str> {
        queue
            .patches
            .get(patch)
            .map(|p| p.key.as_str())
            .ok_or_else(|| Error::Usage(format!("{}: no patch #{}", queue.source, patch + 1)))
    }

    /// Makes sure the state has an entry for a patch about to get a decision or note, with
    /// its title and patch-id (so the decision can follow a re-roll).
    fn remember(&mut self, queue: &Queue, patch: usize) {
        let Some(p) = queue.patches.get(patch) else {
            return;
        };
        let entry = self.state.patches.entry(p.key.clone()).or_default();
        if entry.title.is_empty() {
            entry.title = p.subject.title.clone();
        }
        if let Some(id) = p.patch_id() {
            entry.patch_id = Some(id.to_string());
        }
        entry.message_hash = Some(crate::triage::store::message_hash(&p.message));
    }

    /// Makes sure the state has an entry for a series about to get a status or note, with
    /// its patches' keys (and remembers those patches), so it can follow a re-roll.
    fn remember_series(&mut self, queue: &Queue, series: usize) {
        let Some(s) = queue.series.get(series) else {
            return;
        };
        let Some(key) = series_key(queue, s) else {
            return;
        };
        for &p in &s.patches {
            self.remember(queue, p);
        }
        let entry = self.state.series.entry(key).or_default();
        entry.title = s.title.clone();
        entry.patch_keys = s
            .patches
            .iter()
            .filter_map(|&i| queue.patches.get(i).map(|p| p.key.clone()))
            .collect();
    }

    /// Records the state before a change (and refuses changes when read-only).
    fn begin(&mut self, what: impl Into<String>) -> Result<()> {
        if let Some(reason) = self.store.read_only_reason() {
            return Err(Error::Usage(reason));
        }
        self.history.push((what.into(), self.state.clone()));
        if self.history.len() > UNDO_LIMIT {
            self.history.remove(0);
        }
        Ok(())
    }

    /// Undoes the last change; returns what was undone, or `None` when there is nothing.
    pub fn undo(&mut self) -> Option<String> {
        let (what, before) = self.history.pop()?;
        self.state = before;
        Some(what)
    }

    /// What the next undo would undo.
    pub fn undo_description(&self) -> Option<&str> {
        self.history.last().map(|(w, _)| w.as_str())
    }

    /// Writes the state atomically.
    pub fn save(&self) -> Result<()> {
        self.store.save(&self.state)
    }

    // ---- status ----

    /// The status of a patch (`new` unless set).
    pub fn patch_status(&self, queue: &Queue, patch: usize) -> Status {
        queue
            .patches
            .get(patch)
            .and_then(|p| self.state.patches.get(&p.key))
            .and_then(|s| s.status.clone())
            .unwrap_or_default()
    }

    /// The status of a series: set explicitly, else following its patches
    /// ([`status::series_status`]).
    pub fn series_status(&self, queue: &Queue, series: &Series) -> Status {
        let explicit = series_key(queue, series)
            .and_then(|k| self.state.series.get(&k))
            .and_then(|s| s.status.as_ref());
        let patches: Vec<Status> = series
            .patches
            .iter()
            .map(|&i| self.patch_status(queue, i))
            .collect();
        status::series_status(explicit, &patches)
    }

    /// Every status that is not `new`, by patch key, as the views show it (`accepted`,
    /// `deferred until 2026-12-01`); a cover letter shows its series' status.
    pub fn status_map(&self, queue: &Queue) -> std::collections::BTreeMap<String, String> {
        self.statuses(queue)
            .into_iter()
            .map(|(key, status)| (key, status.to_string()))
            .collect()
    }

    /// Every status that is not `new`, by patch key, typed (the views render it); a cover
    /// letter has its series' status.
    pub fn statuses(&self, queue: &Queue) -> std::collections::BTreeMap<String, Status> {
        let mut map = std::collections::BTreeMap::new();
        for (i, patch) in queue.patches.iter().enumerate() {
            let status = match queue.series.iter().find(|s| s.cover == Some(i)) {
                Some(series) => self.series_status(queue, series),
                None => self.patch_status(queue, i),
            };
            if status != Status::New {
                map.insert(patch.key.clone(), status);
            }
        }
        map
    }

    /// Sets a patch's status. Setting it on a cover letter sets the series' status.
    pub fn set_status(&mut self, queue: &Queue, patch: usize, status: Status) -> Result<()> {
        if let Some(series) = queue.series_of_cover(patch) {
            return self.set_series_status(queue, series, Some(status));
        }
        let key = Self::patch_key(queue, patch)?.to_string();
        self.begin(format!(
            "status of {} set to {status}",
            patch_label(queue, patch)
        ))?;
        self.remember(queue, patch);
        if let Some(entry) = self.state.patches.get_mut(&key) {
            entry.status = Some(status);
        }
        Ok(())
    }

    /// Sets (or with `None` clears, so it follows its patches again) a series' status.
    pub fn set_series_status(
        &mut self,
        queue: &Queue,
        series: usize,
        status: Option<Status>,
    ) -> Result<()> {
        let s = queue
            .series
            .get(series)
            .ok_or_else(|| Error::Usage(format!("{}: no series {}", queue.source, series + 1)))?;
        let key = series_key(queue, s)
            .ok_or_else(|| Error::Usage(format!("series {} has no patches", s.id)))?;
        let what = match &status {
            Some(st) => format!("status of series {} set to {st}", s.id),
            None => format!("status of series {} follows its patches", s.id),
        };
        self.begin(what)?;
        self.remember_series(queue, series);
        let entry = self.state.series.entry(key).or_default();
        entry.status = status;
        Ok(())
    }

    // ---- notes ----

    /// Adds a note; returns its id.
    pub fn add_note(&mut self, queue: &Queue, spec: &NoteSpec, text: &str) -> Result<u64> {
        let text = text.trim_end().to_string();
        if text.trim().is_empty() {
            return Err(Error::Usage("a note needs some text".into()));
        }
        // A note on a cover letter is a note on its series.
        let cover_series;
        let spec = match spec {
            NoteSpec::Patch(p) => match queue.series_of_cover(*p) {
                Some(s) => {
                    cover_series = NoteSpec::Series(s);
                    &cover_series
                }
                None => spec,
            },
            _ => spec,
        };
        let target = match spec {
            NoteSpec::Series(i) => {
                let s = queue
                    .series
                    .get(*i)
                    .ok_or_else(|| Error::Usage(format!("no series {}", i + 1)))?;
                NoteTarget::Series {
                    series: series_key(queue, s)
                        .ok_or_else(|| Error::Usage(format!("series {} has no patches", s.id)))?,
                }
            }
            NoteSpec::Patch(i) => NoteTarget::Patch {
                patch: Self::patch_key(queue, *i)?.to_string(),
            },
            NoteSpec::Line {
                patch,
                part,
                file,
                line,
            } => {
                Self::patch_key(queue, *patch)?;
                NoteTarget::Line(notes::anchor(
                    &queue.patches[*patch],
                    *part,
                    file.as_deref(),
                    *line,
                )?)
            }
        };
        self.begin("add note")?;
        match spec {
            NoteSpec::Patch(p) | NoteSpec::Line { patch: p, .. } => self.remember(queue, *p),
            NoteSpec::Series(s) => self.remember_series(queue, *s),
        }
        let id = self.state.next_note_id.max(1);
        self.state.next_note_id = id + 1;
        let now = now();
        self.state.notes.push(Note {
            id,
            target,
            text,
            created: now.clone(),
            updated: now,
            carried_over_from: None,
            orphaned: false,
            interdiff: None,
        });
        Ok(id)
    }

    /// Records the interdiff lines note `id` was written under (see [`Note::interdiff`]).
    pub fn quote_interdiff(&mut self, id: u64, lines: Vec<String>) -> Result<()> {
        self.note(id)?;
        if let Some(note) = self.state.notes.iter_mut().find(|n| n.id == id) {
            note.interdiff = Some(lines);
        }
        Ok(())
    }

    /// Replaces a note's text.
    pub fn edit_note(&mut self, id: u64, text: &str) -> Result<()> {
        if text.trim().is_empty() {
            return Err(Error::Usage(
                "a note needs some text (delete it instead)".into(),
            ));
        }
        self.note(id)?;
        self.begin(format!("edit note {id}"))?;
        if let Some(note) = self.state.notes.iter_mut().find(|n| n.id == id) {
            note.text = text.trim_end().to_string();
            note.updated = now();
        }
        Ok(())
    }

    /// Deletes a note.
    pub fn delete_note(&mut self, id: u64) -> Result<()> {
        self.note(id)?;
        self.begin(format!("delete note {id}"))?;
        self.state.notes.retain(|n| n.id != id);
        Ok(())
    }

    /// One note by id.
    pub fn note(&self, id: u64) -> Result<&Note> {
        self.state
            .notes
            .iter()
            .find(|n| n.id == id)
            .ok_or_else(|| Error::Usage(format!("no note {id}")))
    }

    /// Whether this desk has a decision (status, trailer, …) or a note on patch `key`.
    fn has_record(&self, key: &str) -> bool {
        self.state.patches.get(key).is_some_and(|p| !p.is_empty())
            || (self.state.notes.iter()).any(|n| n.target.patch() == Some(key))
    }

    /// What the maintainer recorded on the patches `keys` in the desks of other queues —
    /// an earlier version reviewed in last week's mbox, now read from the archive of
    /// reviewed patches — for showing, read-only. Keys this desk has decisions on are left
    /// to it; of the other desks, the first (by file name) with a status gives it.
    pub fn recorded_elsewhere(&self, keys: &[&str]) -> Elsewhere {
        let mut out = Elsewhere::default();
        let wanted: std::collections::BTreeSet<&str> = keys
            .iter()
            .copied()
            .filter(|k| !self.has_record(k))
            .collect();
        if wanted.is_empty() {
            return out;
        }
        for other in super::store::other_states(self.store.path()) {
            for &key in &wanted {
                let status = (other.patches.get(key)).and_then(|p| p.status.clone());
                if let Some(status) = status.filter(|s| *s != Status::New) {
                    out.statuses.entry(key.to_string()).or_insert(status);
                }
            }
            out.notes.extend(
                other.notes.into_iter().filter(|n| {
                    !n.orphaned && n.target.patch().is_some_and(|k| wanted.contains(k))
                }),
            );
        }
        out
    }

    /// All notes, in the order they were written.
    pub fn notes(&self) -> &[Note] {
        &self.state.notes
    }

    /// The notes of one patch (patch and line notes), line notes in line order.
    pub fn notes_for_patch(&self, queue: &Queue, patch: usize) -> Vec<&Note> {
        let Some(key) = queue.patches.get(patch).map(|p| p.key.as_str()) else {
            return Vec::new();
        };
        let mut found: Vec<&Note> = self
            .state
            .notes
            .iter()
            .filter(|n| n.target.patch() == Some(key))
            .collect();
        found.sort_by_key(|n| match &n.target {
            NoteTarget::Line(a) => (1, a.file.clone(), a.line),
            _ => (0, None, 0),
        });
        found
    }

    /// The notes drawn under one line of a patch's view (`file` for diff lines).
    pub fn notes_on_line(
        &self,
        queue: &Queue,
        patch: usize,
        part: Part,
        file: Option<&str>,
        line: u32,
    ) -> Vec<&Note> {
        let Some(key) = queue.patches.get(patch).map(|p| p.key.as_str()) else {
            return Vec::new();
        };
        self.state
            .notes
            .iter()
            .filter(|n| match &n.target {
                NoteTarget::Line(a) => {
                    a.patch == key
                        && a.part == part
                        && a.file.as_deref() == file
                        && a.line == line
                        && !n.orphaned
                }
                _ => false,
            })
            .collect()
    }

    /// The notes on a series.
    pub fn notes_for_series(&self, queue: &Queue, series: &Series) -> Vec<&Note> {
        let Some(key) = series_key(queue, series) else {
            return Vec::new();
        };
        self.state
            .notes
            .iter()
            .filter(|n| matches!(&n.target, NoteTarget::Series { series } if *series == key))
            .collect()
    }

    // ---- trailers and the gate ----

    /// The patches an action on `targets` concerns: a cover letter (or any patch with
    /// `whole_series`) stands for every patch of its series. Order kept, no repeats.
    pub fn expand_targets(queue: &Queue, targets: &[usize], whole_series: bool) -> Vec<usize> {
        let mut out = Vec::new();
        for &t in targets {
            let series = queue.series_of(t);
            let expand = series.is_some_and(|s| whole_series || s.cover == Some(t));
            let add: Vec<usize> = match series {
                Some(s) if expand => s.patches.clone(),
                _ => vec![t],
            };
            for p in add {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }

    /// Plans adding the maintainer's trailer to `targets` (see [`Desk::expand_targets`]):
    /// the exact resulting trailer block of each patch, and the gate's verdict with the
    /// waivers offered. `findings` is indexed like `queue.patches`.
    pub fn plan_trailer(
        &self,
        queue: &Queue,
        findings: &[Vec<Finding>],
        request: &TrailerRequest,
    ) -> Result<TrailerPlan> {
        let TrailerRequest {
            kind,
            identity,
            targets,
            whole_series,
            waivers,
        } = request;
        let (kind, whole_series) = (*kind, *whole_series);
        let patches = Self::expand_targets(queue, targets, whole_series);
        if patches.is_empty() {
            return Err(Error::Usage("no patch to add the trailer to".into()));
        }
        let mut plans = Vec::with_capacity(patches.len());
        for i in patches {
            let patch = queue
                .patches
                .get(i)
                .ok_or_else(|| Error::Usage(format!("no patch #{}", i + 1)))?;
            let recorded: &[RecordedTrailer] = self
                .state
                .patches
                .get(&patch.key)
                .map(|s| s.trailers.as_slice())
                .unwrap_or(&[]);
            let preview = trailers::preview(patch, recorded, &[(kind, identity.to_string())]);
            let none = Vec::new();
            let patch_findings = findings.get(i).unwrap_or(&none);
            let mut gate = gate::check(
                &patch.key,
                patch_findings,
                &self.state.waivers,
                waivers,
                kind.gated(),
            );
            gate.label = patch_label(queue, i);
            plans.push(PatchPlan {
                patch: i,
                preview,
                gate,
            });
        }
        // In a series action a waiver is for the patches its rule fired on; it is only
        // refused when the rule fired on none of them.
        for request in waivers.iter() {
            let fired_somewhere = plans
                .iter()
                .any(|p| !p.gate.bad_waivers.contains(&request.rule));
            if fired_somewhere {
                for p in &mut plans {
                    p.gate.bad_waivers.retain(|r| r != &request.rule);
                }
            }
        }
        Ok(TrailerPlan {
            kind,
            identity: identity.clone(),
            patches: plans,
        })
    }

    /// Records a planned trailer (and its waivers). Refused, with the gate's reasons, when
    /// any patch fails the gate. Returns how many patches gained the trailer.
    pub fn add_trailer(&mut self, queue: &Queue, plan: &TrailerPlan) -> Result<usize> {
        if !plan.passes() {
            return Err(Error::Usage(plan.gate_problems()));
        }
        let labels: Vec<String> = plan
            .patches
            .iter()
            .map(|p| patch_label(queue, p.patch))
            .collect();
        self.begin(format!("{} on {}", plan.kind.key(), labels.join(", ")))?;
        let when = now();
        let mut added = 0;
        for p in &plan.patches {
            self.remember(queue, p.patch);
            let key = p.preview.patch.clone();
            for w in &p.gate.new_waivers {
                self.state.waivers.push(Waiver {
                    who: plan.identity.clone(),
                    when: when.clone(),
                    patch: key.clone(),
                    rule: w.rule.clone(),
                    reason: w.reason.clone(),
                    carried_over_from: None,
                });
            }
            if p.preview.adds_anything() {
                let entry = self.state.patches.entry(key).or_default();
                if entry.title.is_empty() {
                    entry.title = p.preview.title.clone();
                }
                entry.trailers.push(RecordedTrailer {
                    kind: plan.kind,
                    value: plan.identity.clone(),
                    added: when.clone(),
                    carried_over_from: None,
                });
                added += 1;
            }
        }
        Ok(added)
    }

    /// The waivers recorded for a patch.
    pub fn waivers_for(&self, queue: &Queue, patch: usize) -> Vec<&Waiver> {
        let Some(key) = queue.patches.get(patch).map(|p| p.key.as_str()) else {
            return Vec::new();
        };
        self.state
            .waivers
            .iter()
            .filter(|w| w.patch == key)
            .collect()
    }

    /// True when a patch carries a waiver (the queue view marks it).
    pub fn has_waivers(&self, queue: &Queue, patch: usize) -> bool {
        !self.waivers_for(queue, patch).is_empty()
    }

    /// True when a reply NACKed the patch (the views show it prominently).
    pub fn nacked(&self, patch: usize) -> bool {
        self.replies.nacks_for(patch).next().is_some()
    }

    /// The maintainer's recorded trailers on a patch.
    pub fn trailers_for(&self, queue: &Queue, patch: usize) -> &[RecordedTrailer] {
        queue
            .patches
            .get(patch)
            .and_then(|p| self.state.patches.get(&p.key))
            .map(|s| s.trailers.as_slice())
            .unwrap_or(&[])
    }

    /// The trailers replies gave a patch, each with how it stands: the collected ones in
    /// reply order, then the warnings (accepted or not).
    pub fn reply_trailers_for(
        &self,
        queue: &Queue,
        patch: usize,
    ) -> Vec<(&ReplyTrailer, ReplyTrailerState)> {
        let collected = self.replies.for_patch(patch);
        let warnings = self.replies.warnings.iter().filter(|t| t.patch == patch);
        collected
            .chain(warnings)
            .map(|t| (t, self.reply_trailer_state(queue, t)))
            .collect()
    }

    /// [`Desk::reply_trailers_for`] for every patch at once, in one pass: collected ones,
    /// then warnings, each in reply order.
    pub fn all_reply_trailers(&self, queue: &Queue) -> Vec<(&ReplyTrailer, ReplyTrailerState)> {
        self.replies
            .trailers
            .iter()
            .chain(&self.replies.warnings)
            .map(|t| (t, self.reply_trailer_state(queue, t)))
            .collect()
    }

    /// How one collected trailer stands: matched, or a warning accepted or not.
    fn reply_trailer_state(&self, queue: &Queue, trailer: &ReplyTrailer) -> ReplyTrailerState {
        if trailer.sender_matches {
            return ReplyTrailerState::Collected;
        }
        let accepted = queue
            .patches
            .get(trailer.patch)
            .and_then(|p| self.state.patches.get(&p.key))
            .is_some_and(|s| s.accepted_reply_trailers.contains(&trailer.line()));
        if accepted {
            ReplyTrailerState::Accepted
        } else {
            ReplyTrailerState::Warning
        }
    }

    /// Accepts the warned reply trailer `line` (`Key: value`, as [`ReplyTrailer::line`]) of
    /// `patch`: from then on it is collected like the others. Refused when the patch has no
    /// such warning or it is accepted already. Undoable.
    pub fn accept_reply_warning(&mut self, queue: &Queue, patch: usize, line: &str) -> Result<()> {
        let label = patch_label(queue, patch);
        let found = self
            .replies
            .warnings
            .iter()
            .find(|t| t.patch == patch && t.line() == line)
            .cloned();
        match found {
            None => Err(Error::Usage(format!(
                "{label} has no warned reply trailer '{line}'"
            ))),
            Some(t) if self.reply_trailer_state(queue, &t) == ReplyTrailerState::Accepted => Err(
                Error::Usage(format!("'{line}' on {label} is accepted already")),
            ),
            Some(trailer) => self.accept_reply_trailer(queue, &trailer),
        }
    }

    /// Accepts a reply trailer whose address did not match its sender.
    pub fn accept_reply_trailer(&mut self, queue: &Queue, trailer: &ReplyTrailer) -> Result<()> {
        let key = Self::patch_key(queue, trailer.patch)?.to_string();
        self.begin(format!("accept '{}'", trailer.line()))?;
        self.remember(queue, trailer.patch);
        let entry = self.state.patches.entry(key).or_default();
        let line = trailer.line();
        if !entry.accepted_reply_trailers.contains(&line) {
            entry.accepted_reply_trailers.push(line);
        }
        Ok(())
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
