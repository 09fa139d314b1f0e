//! Runs the desk's triage effects (status, undo) against a [`Desk`] outside the pure
//! `update`, and turns each result into an [`Incoming`] that comes back into the state.
//! The event loop and headless replay both own one [`DeskLink`].

use super::patch_model::{NoteAnchor, NoteView, ReplyTrailerView};
use super::state::AppState;
use super::update::{
    DeskTarget, DeskView, Effect, ExportAsk, ExportKind, Incoming, NoteEntry, TrailerAsk,
};
use crate::policy::Finding;
use crate::queue::Queue;
use crate::triage::desk::TrailerRequest;
use crate::triage::desk::{Desk, Elsewhere, NoteSpec, ReplyTrailerState};
use crate::triage::gate::WaiverRequest;
use crate::triage::notes::{self, NoteTarget};
use chrono::{DateTime, FixedOffset};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What a desk effect reads of the state: the queue and findings it was asked over and the
/// clock. Cheap to take (shared pointers), so each effect sent to the worker carries its own.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub queue: Arc<Queue>,
    pub findings: Arc<Vec<Vec<Finding>>>,
    pub now: DateTime<FixedOffset>,
    /// Earlier versions from the archive of reviewed patches, beside the queue.
    pub older: Option<Arc<crate::revisions::older::Older>>,
}

impl Snapshot {
    pub fn of(state: &AppState) -> Snapshot {
        Snapshot {
            queue: Arc::clone(&state.queue),
            findings: Arc::clone(&state.findings),
            now: state.now,
            older: state.versions.older.clone(),
        }
    }
}

/// The maintainer's editor for notes; run by the event loop, which owns the terminal.
#[derive(Debug, Clone, Default)]
pub struct NoteEditor {
    /// Program and arguments ([`notes::editor_command`]); `None`: none configured.
    pub command: Option<Vec<String>>,
    /// Where the editor's temporary file goes.
    pub temp_dir: PathBuf,
}

impl NoteEditor {
    /// Runs the editor on note `id` (now `text`): the effect recording what it leaves, or
    /// the line to tell the user (unchanged, no editor, the editor failed). The caller hands
    /// the terminal over first ([`super::run`] does); headless replay never calls this.
    pub fn edit(&self, id: u64, text: &str) -> Result<Effect, String> {
        let Some(editor) = self.command.as_deref() else {
            return Err("no editor configured: set $VISUAL or $EDITOR".into());
        };
        match notes::edit_in_editor(editor, text, &self.temp_dir) {
            Ok(new) if new.trim_end() == text.trim_end() => Err("note unchanged".into()),
            Ok(new) => Ok(Effect::EditNote { id, text: new }),
            Err(e) => Err(format!("error: {e}")),
        }
    }
}

/// The desk (when a data dir is configured) behind the TUI. It runs on the desk worker
/// ([`super::worker`]) in the terminal desk, inline in headless replay.
#[derive(Default)]
pub struct DeskLink {
    data_dir: Option<PathBuf>,
    desk: Option<Desk>,
    /// `Name <email>` for the maintainer's trailers.
    identity: Option<String>,
    /// Waited before each save: lets tests stand in for a slow disk.
    save_delay: Duration,
    /// The export plan of the desk's current decisions, kept while they do not change so
    /// that each option toggled at an export's confirm step does not rebuild it.
    export_plan: Option<(usize, crate::export::plan::ReviewPlan)>,
    /// How many export plans were built (the cache's test).
    plans_built: usize,
    /// What other queues' desks recorded on the archived earlier versions, read at open.
    elsewhere: crate::triage::desk::Elsewhere,
}

impl DeskLink {
    /// A link that opens the desk in `data_dir`; `None` keeps the view read-only.
    pub fn new(data_dir: Option<PathBuf>, identity: Option<String>) -> DeskLink {
        DeskLink {
            data_dir,
            identity,
            ..DeskLink::default()
        }
    }

    /// The same link, waiting `delay` before each save (tests of a slow disk).
    pub fn with_save_delay(mut self, delay: Duration) -> DeskLink {
        self.save_delay = delay;
        self
    }

    /// Opens (or re-opens, after the queue changed) the desk over the state's queue and
    /// returns what the state should learn: statuses and notices.
    pub fn open(&mut self, at: &Snapshot) -> Option<Incoming> {
        let dir = self.data_dir.as_ref()?;
        self.desk = None;
        self.export_plan = None;
        // Shared: no lock between changes, each change one transaction, so `patchdesk`
        // commands (and a second desk) can record decisions while this desk is open.
        match Desk::open_shared(dir, &at.queue) {
            Ok(mut desk) => {
                let notice = take_notices(&mut desk);
                let keys: Vec<&str> = (at.older.iter())
                    .flat_map(|o| o.patches.iter().map(|p| p.key.as_str()))
                    .collect();
                self.elsewhere = desk.recorded_elsewhere(&keys);
                let view = view_of(&desk, &at.queue, &self.elsewhere);
                self.desk = Some(desk);
                Some(Incoming::Desk {
                    view,
                    message: notice,
                })
            }
            Err(e) => Some(Incoming::Desk {
                view: DeskView {
                    read_only: true,
                    ..DeskView::default()
                },
                message: Some(format!("desk unavailable: {e}")),
            }),
        }
    }

    /// Reads the desk again when another patchdesk changed it: what the views should learn,
    /// with the notice; `None` when nothing changed (or there is no desk).
    pub fn refresh(&mut self, at: &Snapshot) -> Option<Incoming> {
        let desk = self.desk.as_mut()?;
        match desk.reload_if_changed(&at.queue) {
            Ok(false) => None,
            Ok(true) => {
                self.export_plan = None;
                let message = take_notices(desk);
                Some(Incoming::Desk {
                    view: view_of(desk, &at.queue, &self.elsewhere),
                    message,
                })
            }
            Err(e) => Some(message(format!("error: {e}"))),
        }
    }

    /// Runs one effect; `None` when it is not a desk effect.
    pub fn execute(&mut self, at: &Snapshot, effect: &Effect) -> Option<Incoming> {
        match effect {
            Effect::OpenDesk => return self.open(at),
            Effect::SetStatus { .. }
            | Effect::Undo
            | Effect::AddNote { .. }
            | Effect::AddWholeNote { .. }
            | Effect::EditNote { .. }
            | Effect::AcceptReplyTrailer { .. }
            | Effect::DeleteNote(_)
            | Effect::AddTrailer(_) => {}
            Effect::PlanTrailer(ask) => return Some(self.plan(at, ask)),
            // The caller runs the editor (it needs the terminal) and quits.
            Effect::EditNoteExternally { .. } | Effect::Quit => return None,
            Effect::PreviewExport(ask) => return Some(self.export(at, ask, false)),
            Effect::RunExport(ask) => return Some(self.export(at, ask, true)),
        }
        let queue = &at.queue;
        // Every effect below may change the decisions an export is planned from.
        self.export_plan = None;
        let Some(desk) = self.desk.as_mut() else {
            return Some(message(
                "no desk: decisions are not recorded in this view".into(),
            ));
        };
        let identity = self.identity.as_deref();
        let delay = self.save_delay;
        // One transaction: what another patchdesk saved meanwhile is read first, the change
        // is saved, or on failure nothing is.
        let outcome = desk.transact(queue, |desk| {
            if !delay.is_zero() {
                std::thread::sleep(delay);
            }
            match effect {
                Effect::SetStatus { target, status } => (|| {
                    match *target {
                        DeskTarget::Patch(p) => desk.set_status(queue, p, status.clone())?,
                        DeskTarget::Series(s) => {
                            desk.set_series_status(queue, s, Some(status.clone()))?
                        }
                    }
                    Ok(desk.undo_description().unwrap_or_default().to_string())
                })(),
                Effect::AddNote {
                    patch,
                    part,
                    file,
                    line,
                    text,
                    interdiff,
                } => {
                    let spec = NoteSpec::Line {
                        patch: *patch,
                        part: *part,
                        file: file.clone(),
                        line: *line,
                    };
                    let place = match file {
                        Some(f) => format!("{f}:{line}"),
                        None => format!("{} line {line}", crate::triage::notes::part_name(*part)),
                    };
                    desk.add_note(queue, &spec, text)
                        .and_then(|id| match interdiff {
                            Some(lines) => desk
                                .quote_interdiff(id, lines.clone())
                                .map(|_| format!("note added on {place}, quoting the interdiff")),
                            None => Ok(format!("note added on {place}")),
                        })
                }
                Effect::AddWholeNote { target, text } => {
                    // The desk makes a note on a cover letter one on its series.
                    let spec = match *target {
                        DeskTarget::Patch(p) => NoteSpec::Patch(p),
                        DeskTarget::Series(s) => NoteSpec::Series(s),
                    };
                    desk.add_note(queue, &spec, text).and_then(|id| {
                        let place = crate::triage::desk::note_place(queue, desk.note(id)?);
                        Ok(format!("note added on {place}"))
                    })
                }
                Effect::DeleteNote(id) => {
                    desk.delete_note(*id).map(|()| "note deleted".to_string())
                }
                Effect::AcceptReplyTrailer { patch, line } => {
                    desk.accept_reply_warning(queue, *patch, line).map(|()| {
                        format!(
                            "accepted '{line}' on {}",
                            crate::triage::desk::patch_label(queue, *patch)
                        )
                    })
                }
                Effect::EditNote { id, text } => desk
                    .edit_note(*id, text)
                    .map(|()| format!("note {id} edited")),
                Effect::AddTrailer(ask) => match identity {
                    None => Err(no_identity()),
                    Some(identity) => desk
                        .plan_trailer(queue, &at.findings, &request(ask, identity))
                        .and_then(|plan| desk.add_trailer(queue, &plan))
                        .map(|n| {
                            format!(
                                "{} recorded on {n} patch{}",
                                ask.kind.key(),
                                if n == 1 { "" } else { "es" }
                            )
                        }),
                },
                Effect::Undo => Ok(desk
                    .undo()
                    .map_or_else(|| "nothing to undo".to_string(), |w| format!("undone: {w}"))),
                // Not desk changes: answered before the transaction.
                _ => Ok(String::new()),
            }
        });
        let text = match outcome {
            Ok(m) => m,
            Err(e) => format!("error: {e}"),
        };
        let text = match take_notices(desk) {
            Some(notice) => format!("{notice}; {text}"),
            None => text,
        };
        Some(Incoming::Desk {
            view: view_of(desk, queue, &self.elsewhere),
            message: Some(text),
        })
    }
}

impl DeskLink {
    /// Previews (or with `run`, runs) an export or apply over the desk's decisions.
    fn export(&mut self, at: &Snapshot, ask: &ExportAsk, run: bool) -> Incoming {
        use crate::export::actions::{self, ExportAction};
        use crate::export::apply::ApplyRequest;
        use crate::export::record::RecordFormat;
        use crate::export::replies::Selection;
        use crate::export::series::SeriesOptions;
        let Some(desk) = &self.desk else {
            return message("no desk: nothing to export in this view".into());
        };
        let Some(maintainer) = self.identity.as_deref().map(address) else {
            return message(no_identity().to_string());
        };
        let options = SeriesOptions {
            signoff: ask.signoff,
            allow_missing: ask.allow_missing,
        };
        let target = PathBuf::from(&ask.target);
        let action = match (ask.kind, ask.series) {
            (ExportKind::Replies, series) => ExportAction::Replies {
                selection: series.map_or(Selection::All, Selection::Series),
                out: target,
            },
            (ExportKind::Series, Some(series)) => ExportAction::Series {
                series,
                options,
                out: target,
            },
            (ExportKind::Record, _) => ExportAction::Record {
                format: if ask.json {
                    RecordFormat::Json
                } else {
                    RecordFormat::Mbox
                },
                out: target,
            },
            (ExportKind::Apply, Some(series)) => ExportAction::Apply {
                repo: target,
                request: ApplyRequest {
                    series,
                    branch: ask.branch.clone(),
                    onto: ask.onto.clone(),
                    options,
                },
            },
            _ => return message("select a patch of a series first".into()),
        };
        // Keyed by the queue it was made over; any desk change clears it (`execute`).
        let queue_id = Arc::as_ptr(&at.queue) as usize;
        let plan = match self.export_plan.take() {
            Some((id, plan)) if id == queue_id => plan,
            _ => {
                self.plans_built += 1;
                crate::export::from_desk::plan_from_state(
                    desk.state(),
                    &at.queue,
                    maintainer,
                    Some(&at.findings),
                )
            }
        };
        if run {
            match actions::run(&action, &at.queue, &plan, at.now, ask.force) {
                Ok(done) => message(done),
                Err(e) => message(format!("error: {e}")),
            }
        } else {
            // A refusal still opens the confirm step: an option there may lift it.
            let (lines, refused) =
                match actions::preview(&action, &at.queue, &plan, at.now, ask.force) {
                    Ok(lines) => (lines, None),
                    Err(e) => (Vec::new(), Some(e.to_string())),
                };
            self.export_plan = Some((queue_id, plan));
            Incoming::ExportPreview {
                ask: ask.clone(),
                lines,
                refused,
            }
        }
    }

    /// Plans a trailer: the preview and the rules still needing a waiver.
    fn plan(&self, at: &Snapshot, ask: &TrailerAsk) -> Incoming {
        let (Some(desk), Some(identity)) = (&self.desk, &self.identity) else {
            return message(if self.desk.is_none() {
                "no desk: decisions are not recorded in this view".into()
            } else {
                no_identity().to_string()
            });
        };
        match desk.plan_trailer(&at.queue, &at.findings, &request(ask, identity)) {
            Ok(plan) => {
                let mut unwaived: Vec<String> = Vec::new();
                for p in &plan.patches {
                    for u in &p.gate.unwaived {
                        if !unwaived.contains(&u.rule) {
                            unwaived.push(u.rule.clone());
                        }
                    }
                }
                Incoming::TrailerPlan {
                    ask: ask.clone(),
                    preview: plan.preview_lines(&at.queue),
                    unwaived,
                }
            }
            Err(e) => message(format!("error: {e}")),
        }
    }
}

fn request(ask: &TrailerAsk, identity: &str) -> TrailerRequest {
    TrailerRequest {
        kind: ask.kind,
        identity: identity.to_string(),
        targets: ask.targets.clone(),
        whole_series: false,
        waivers: ask
            .waivers
            .iter()
            .map(|(rule, reason)| WaiverRequest {
                rule: rule.clone(),
                reason: reason.clone(),
            })
            .collect(),
    }
}

/// The desk's notices since they were last taken, as one status line.
fn take_notices(desk: &mut Desk) -> Option<String> {
    let notices = std::mem::take(&mut desk.notices);
    (!notices.is_empty()).then(|| notices.join("; "))
}

/// `Name <email>` as an address (the whole text is the email when there is no `<`).
fn address(identity: &str) -> crate::mail::Address {
    match identity.split_once('<') {
        Some((name, rest)) => crate::mail::Address {
            name: name.trim().to_string(),
            email: rest.trim_end().trim_end_matches('>').trim().to_string(),
        },
        None => crate::mail::Address {
            name: String::new(),
            email: identity.trim().to_string(),
        },
    }
}

fn no_identity() -> crate::Error {
    crate::Error::Usage("no identity for trailers: set git config user.name and user.email".into())
}

/// What the views show of the desk.
fn view_of(desk: &Desk, queue: &Queue, elsewhere: &Elsewhere) -> DeskView {
    let mut view = DeskView {
        statuses: desk.statuses(queue),
        read_only: desk.read_only(),
        ..DeskView::default()
    };
    // Patches outside the queue keep their status too: an earlier version shown from the
    // archive of reviewed patches says what the maintainer decided on it.
    for (key, patch) in &desk.state().patches {
        if let Some(status) =
            (patch.status.clone()).filter(|s| *s != crate::triage::status::Status::New)
        {
            view.statuses.entry(key.clone()).or_insert(status);
        }
    }
    // And what another queue's desk recorded on one (last week's mbox).
    for (key, status) in &elsewhere.statuses {
        view.statuses.entry(key.clone()).or_insert(status.clone());
    }
    for (i, patch) in queue.patches.iter().enumerate() {
        if desk.has_waivers(queue, i) {
            view.waived.insert(patch.key.clone());
        }
        if desk.nacked(i) {
            view.nacked.insert(patch.key.clone());
        }
    }
    // The maintainer's trailers join the counts (and, below, the reply trailers accepted).
    let trailer = |key: &str, value: &str| crate::patch::Trailer {
        key: key.to_string(),
        value: value.to_string(),
        line: 0,
    };
    for (key, patch) in &desk.state().patches {
        if !patch.trailers.is_empty() {
            let mine = patch
                .trailers
                .iter()
                .map(|t| trailer(t.kind.key(), &t.value))
                .collect();
            view.recorded.insert(key.clone(), mine);
        }
    }
    // Series notes show on every patch of the series.
    let series_patches = |key: &str| -> Vec<usize> {
        queue
            .series
            .iter()
            .find(|s| crate::triage::desk::series_key(queue, s).as_deref() == Some(key))
            .map(|s| {
                s.cover
                    .into_iter()
                    .chain(s.patches.iter().copied())
                    .collect()
            })
            .unwrap_or_default()
    };
    view.note_list = note_list(desk, queue);
    for (t, state) in desk.all_reply_trailers(queue) {
        let Some(patch) = queue.patches.get(t.patch) else {
            continue;
        };
        if state == ReplyTrailerState::Accepted {
            view.recorded
                .entry(patch.key.clone())
                .or_default()
                .push(trailer(&t.key, &t.value));
        }
        view.reply_trailers
            .entry(patch.key.clone())
            .or_default()
            .push(ReplyTrailerView {
                line: t.line(),
                sender: t.sender.clone(),
                state,
                same_name: t.same_name,
                via_cover: t.via_cover,
            });
    }
    for note in desk.notes().iter().chain(&elsewhere.notes) {
        let mut add = |key: &str, on: NoteAnchor| {
            view.notes
                .entry(key.to_string())
                .or_default()
                .push(NoteView {
                    id: note.id,
                    on,
                    text: note.text.clone(),
                })
        };
        match &note.target {
            NoteTarget::Line(a) if !note.orphaned => add(
                &a.patch,
                NoteAnchor::Line {
                    part: a.part,
                    file: a.file.clone(),
                    line: a.line,
                },
            ),
            NoteTarget::Line(_) => {}
            NoteTarget::Patch { patch } => add(patch, NoteAnchor::Patch),
            NoteTarget::Series { series } => {
                for p in series_patches(series) {
                    if let Some(patch) = queue.patches.get(p) {
                        add(&patch.key, NoteAnchor::Series);
                    }
                }
            }
        }
    }
    view
}

/// Every note for the notes list, in the queue's order: by the patch it opens (series notes
/// at their cover letter or first patch), then series, patch and line notes, lines in order.
/// The state sorts the patches as the queue view shows them.
fn note_list(desk: &Desk, queue: &Queue) -> Vec<NoteEntry> {
    use crate::triage::desk::{note_place, series_key};
    let position = |key: &str| queue.patches.iter().position(|p| p.key == key);
    let mut rows: Vec<(usize, u8, Option<String>, u32, u64, NoteEntry)> = Vec::new();
    for note in desk.notes() {
        let (key, subject, rank, file, line) = match &note.target {
            NoteTarget::Series { series } => {
                let s = queue
                    .series
                    .iter()
                    .find(|s| series_key(queue, s).as_deref() == Some(series.as_str()));
                (
                    series.clone(),
                    s.map(|s| s.title.clone()).unwrap_or_default(),
                    0,
                    None,
                    0,
                )
            }
            NoteTarget::Patch { patch } => (patch.clone(), String::new(), 1, None, 0),
            NoteTarget::Line(a) => (a.patch.clone(), String::new(), 2, a.file.clone(), a.line),
        };
        let at = position(&key);
        let subject = match (subject.is_empty(), at.and_then(|i| queue.patches.get(i))) {
            (true, Some(p)) if !p.subject.title.is_empty() => p.subject.title.clone(),
            (true, Some(p)) => p.mail.subject.clone(),
            (true, None) => desk
                .state()
                .patches
                .get(&key)
                .map(|p| p.title.clone())
                .unwrap_or_default(),
            (false, _) => subject,
        };
        let entry = NoteEntry {
            id: note.id,
            place: note_place(queue, note),
            subject,
            text: note.text.clone(),
            patch_key: at.map(|_| key),
            patch: at,
            orphaned: note.orphaned,
        };
        rows.push((at.unwrap_or(usize::MAX), rank, file, line, note.id, entry));
    }
    rows.sort_by(|a, b| (a.0, a.1, &a.2, a.3, a.4).cmp(&(b.0, b.1, &b.2, b.3, b.4)));
    rows.into_iter().map(|r| r.5).collect()
}

fn message(text: String) -> Incoming {
    Incoming::Message(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::sample;
    use crate::tui::update::receive;

    fn state() -> AppState {
        sample::small_state()
    }

    #[test]
    fn without_a_data_dir_effects_only_explain() {
        let s = state();
        let mut link = DeskLink::new(None, None);
        assert!(link.open(&Snapshot::of(&s)).is_none());
        let got = link.execute(&Snapshot::of(&s), &Effect::Undo);
        assert!(matches!(got, Some(Incoming::Message(m)) if m.contains("no desk")));
        assert!(link.execute(&Snapshot::of(&s), &Effect::Quit).is_none());
    }

    #[test]
    fn status_and_undo_round_trip_through_the_desk_and_back_into_state() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = state();
        let mut link = DeskLink::new(Some(dir.path().to_path_buf()), None);
        let opened = link.open(&Snapshot::of(&s)).expect("desk opens");
        receive(&mut s, opened);
        let set = Effect::SetStatus {
            target: DeskTarget::Patch(1),
            status: crate::triage::status::Status::Rejected,
        };
        let back = link.execute(&Snapshot::of(&s), &set).expect("a result");
        receive(&mut s, back);
        assert_eq!(s.status_of(1), "rejected");
        let back = link
            .execute(&Snapshot::of(&s), &Effect::Undo)
            .expect("a result");
        receive(&mut s, back);
        assert_eq!(s.status_of(1), "new");
        // Trailers need an identity: without one the user is told, nothing is planned.
        let ask = TrailerAsk {
            kind: crate::triage::trailers::TrailerKind::Acked,
            targets: vec![1],
            waivers: Vec::new(),
        };
        let got = link.execute(&Snapshot::of(&s), &Effect::PlanTrailer(ask));
        assert!(matches!(got, Some(Incoming::Message(m)) if m.contains("identity")));
    }

    /// A desk in a temp dir with one note on 1.2's message line 3; returns the note's id.
    fn desk_with_a_note(s: &mut AppState, link: &mut DeskLink) -> u64 {
        let opened = link.open(&Snapshot::of(s)).expect("desk opens");
        receive(s, opened);
        let add = Effect::AddNote {
            patch: 2,
            part: crate::policy::Part::Message,
            file: None,
            line: 3,
            text: "split this".into(),
            interdiff: None,
        };
        let back = link.execute(&Snapshot::of(s), &add).expect("a result");
        receive(s, back);
        s.notes_of(2)[0].id
    }

    #[test]
    fn the_editor_rewrites_a_note_with_its_path_as_an_argument() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = state();
        // A fake editor: `sh -c SCRIPT sh PATH`, the path arriving as $1, never via a shell
        // string; it checks it was given the old text.
        let editor: Vec<String> = [
            "sh",
            "-c",
            "grep -q 'split this' \"$1\" && printf 'split in two\\nand test it\\n' > \"$1\"",
            "sh",
        ]
        .map(String::from)
        .to_vec();
        let mut link = DeskLink::new(Some(dir.path().to_path_buf()), None);
        let editor = NoteEditor {
            command: Some(editor),
            temp_dir: dir.path().to_path_buf(),
        };
        let id = desk_with_a_note(&mut s, &mut link);
        let edit = editor.edit(id, "split this").expect("an edit");
        let back = link.execute(&Snapshot::of(&s), &edit).expect("a result");
        receive(&mut s, back);
        assert_eq!(s.notes_of(2)[0].text, "split in two\nand test it");
        assert_eq!(
            s.message.as_deref(),
            Some(format!("note {id} edited").as_str())
        );
        // Undo brings the old text back.
        let back = link
            .execute(&Snapshot::of(&s), &Effect::Undo)
            .expect("a result");
        receive(&mut s, back);
        assert_eq!(s.notes_of(2)[0].text, "split this");
    }

    #[test]
    fn a_failing_or_missing_editor_leaves_the_note_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = state();
        let mut link = DeskLink::new(Some(dir.path().to_path_buf()), None);
        let id = desk_with_a_note(&mut s, &mut link);
        let editor = |command: Option<&str>| NoteEditor {
            command: command.map(|c| vec![c.to_string()]),
            temp_dir: dir.path().to_path_buf(),
        };
        let told = editor(Some("false")).edit(id, "split this").unwrap_err();
        assert!(told.contains("not changed"), "{told}");
        // An editor that leaves the text as it was changes nothing either.
        let told = editor(Some("true")).edit(id, "split this").unwrap_err();
        assert_eq!(told, "note unchanged");
        let told = editor(None).edit(id, "x").unwrap_err();
        assert!(told.contains("no editor"), "{told}");
        // The desk itself never runs one: that is the event loop's, with the terminal.
        let refused = link.execute(
            &Snapshot::of(&s),
            &Effect::EditNoteExternally {
                id,
                text: "x".into(),
            },
        );
        assert!(refused.is_none(), "{refused:?}");
        assert_eq!(s.notes_of(2)[0].text, "split this");
    }

    #[test]
    fn confirm_toggles_reuse_the_export_plan_until_a_decision_changes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = state();
        let mut link = DeskLink::new(
            Some(dir.path().to_path_buf()),
            Some("Mae Maintainer <mae@example.org>".into()),
        );
        let opened = link.open(&Snapshot::of(&s)).expect("desk opens");
        receive(&mut s, opened);
        let mut ask = ExportAsk {
            kind: ExportKind::Replies,
            series: None,
            target: dir.path().join("replies.mbox").display().to_string(),
            force: false,
            signoff: false,
            allow_missing: false,
            json: false,
            branch: None,
            onto: None,
        };
        let preview = |link: &mut DeskLink, ask: &ExportAsk| {
            let got = link.execute(&Snapshot::of(&s), &Effect::PreviewExport(ask.clone()));
            assert!(
                matches!(got, Some(Incoming::ExportPreview { .. })),
                "{got:?}"
            );
        };
        preview(&mut link, &ask);
        ask.force = true;
        preview(&mut link, &ask);
        ask.force = false;
        preview(&mut link, &ask);
        assert_eq!(link.plans_built, 1);
        // A decision in between: the next preview plans anew.
        let set = Effect::SetStatus {
            target: DeskTarget::Patch(1),
            status: crate::triage::status::Status::Accepted,
        };
        link.execute(&Snapshot::of(&s), &set).expect("a result");
        preview(&mut link, &ask);
        assert_eq!(link.plans_built, 2);
    }

    #[test]
    fn two_desks_on_one_queue_keep_both_changes_and_say_so() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = state();
        let mut first = DeskLink::new(Some(dir.path().to_path_buf()), None);
        let mut second = DeskLink::new(Some(dir.path().to_path_buf()), None);
        let at = Snapshot::of(&s);
        receive(&mut s, first.open(&at).expect("first opens"));
        assert!(!s.desk_read_only);
        let _ = second.open(&at).expect("second opens");
        let set = |p, status| Effect::SetStatus {
            target: DeskTarget::Patch(p),
            status,
        };
        use crate::triage::status::Status;
        second
            .execute(&at, &set(1, Status::Rejected))
            .expect("a result");
        // The first desk has not read that yet; its next change reads it in first.
        assert!(
            first
                .refresh(&at)
                .is_some_and(|i| matches!(i, Incoming::Desk { .. }))
        );
        assert!(first.refresh(&at).is_none(), "read once");
        second
            .execute(&at, &set(2, Status::Accepted))
            .expect("a result");
        let back = first
            .execute(&at, &set(3, Status::Accepted))
            .expect("a result");
        receive(&mut s, back);
        assert_eq!(
            (
                s.status_of(1).as_str(),
                s.status_of(2).as_str(),
                s.status_of(3).as_str()
            ),
            ("rejected", "accepted", "accepted")
        );
        let told = s.message.clone().unwrap_or_default();
        assert!(told.contains("another patchdesk changed"), "{told}");
    }

    #[test]
    fn identity_text_becomes_an_address() {
        let a = address("Mae Maintainer <mae@example.org>");
        assert_eq!(
            (a.name.as_str(), a.email.as_str()),
            ("Mae Maintainer", "mae@example.org")
        );
        assert_eq!(address("x@y").email, "x@y");
    }
}
