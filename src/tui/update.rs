//! The pure heart of the desk: keys become actions through the keymap, and `update` applies
//! an action to the state, returning effects (anything that needs I/O) for the loop to run.
//! Nothing here touches the terminal, the clock or a file.

use super::action::{Action, Context};
use super::key::{Key, KeyChord, format_sequence};
use super::keymap::Resolution;
use super::list::Row;
use super::patch_model::NoteView;
use super::state::{AppState, Overlay, PatchView, Prompt, PromptKind, STATUS_NAMES, Search};
use crate::policy::Finding;
use crate::queue::Queue;

/// Work for the event loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Leave the desk.
    Quit,
    /// Open the triage desk over the (now fully loaded) queue.
    OpenDesk,
    /// Record a review status (a name from `STATUS_NAMES`).
    SetStatus { target: DeskTarget, status: String },
    /// Undo the last desk change.
    Undo,
    /// Add a note on a line of a patch.
    AddNote {
        patch: usize,
        part: crate::policy::Part,
        file: Option<String>,
        line: u32,
        text: String,
    },
    /// Add a note on a whole patch (a cover letter: its series) or series.
    AddWholeNote { target: DeskTarget, text: String },
    /// Delete a note by id.
    DeleteNote(u64),
    /// Replace a note's text.
    EditNote { id: u64, text: String },
    /// Accept a reply trailer that came with a warning (`line` is `Key: value`).
    AcceptReplyTrailer { patch: usize, line: String },
    /// Let the maintainer edit a note (its current `text`) in their editor, outside the
    /// desk: the event loop leaves the terminal to it and comes back (headless: refused).
    EditNoteExternally { id: u64, text: String },
    /// Plan the maintainer's trailer (preview and gate); the plan comes back as
    /// [`Incoming::TrailerPlan`].
    PlanTrailer(TrailerAsk),
    /// Record the trailer planned with these waivers.
    AddTrailer(TrailerAsk),
    /// Say what an export would write where ([`Incoming::ExportPreview`]).
    PreviewExport(ExportAsk),
    /// Run an export or apply.
    RunExport(ExportAsk),
}

/// Which export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExportKind {
    #[default]
    Replies,
    Series,
    Record,
    Apply,
}

/// A choice the confirm step of an export offers (the command line's flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportOption {
    Force,
    Signoff,
    AllowMissing,
    Format,
    Branch,
    Onto,
}

impl ExportOption {
    pub const ALL: [ExportOption; 6] = [
        ExportOption::Force,
        ExportOption::Signoff,
        ExportOption::AllowMissing,
        ExportOption::Format,
        ExportOption::Branch,
        ExportOption::Onto,
    ];

    /// The action that changes it at the confirm step.
    pub fn action(self) -> Action {
        match self {
            ExportOption::Force => Action::ExportForce,
            ExportOption::Signoff => Action::ExportSignoff,
            ExportOption::AllowMissing => Action::ExportAllowMissing,
            ExportOption::Format => Action::ExportFormat,
            ExportOption::Branch => Action::ExportBranch,
            ExportOption::Onto => Action::ExportOnto,
        }
    }

    /// The option `action` changes, if it is one.
    pub fn of(action: Action) -> Option<ExportOption> {
        ExportOption::ALL.into_iter().find(|o| o.action() == action)
    }

    /// How the confirm step and messages name it.
    pub fn label(self) -> &'static str {
        match self {
            ExportOption::Force => "replace existing",
            ExportOption::Signoff => "signoff",
            ExportOption::AllowMissing => "allow missing",
            ExportOption::Format => "format",
            ExportOption::Branch => "branch",
            ExportOption::Onto => "onto",
        }
    }
}

impl ExportKind {
    /// What the command line calls it.
    pub fn name(self) -> &'static str {
        match self {
            ExportKind::Replies => "export replies",
            ExportKind::Series => "export series",
            ExportKind::Record => "export record",
            ExportKind::Apply => "apply",
        }
    }

    /// The options this export takes, in the order the confirm step lists them.
    pub fn options(self) -> &'static [ExportOption] {
        use ExportOption::*;
        match self {
            ExportKind::Replies => &[Force],
            ExportKind::Series => &[Signoff, AllowMissing, Force],
            ExportKind::Record => &[Format, Force],
            ExportKind::Apply => &[Branch, Onto, Signoff, AllowMissing],
        }
    }
}

/// An export the maintainer asked for, with the options chosen at the confirm step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportAsk {
    pub kind: ExportKind,
    /// The series id (as `patchdesk list` numbers it); `None`: every series (replies,
    /// record).
    pub series: Option<usize>,
    /// The output file, or the repository for apply.
    pub target: String,
    /// Replace an existing output file.
    pub force: bool,
    /// The maintainer's Signed-off-by last on each patch (series, apply).
    pub signoff: bool,
    /// Go ahead although patches of the series never arrived (series, apply).
    pub allow_missing: bool,
    /// The record as JSON (else one mbox summary per series).
    pub json: bool,
    /// The branch apply creates; `None`: named after the series.
    pub branch: Option<String>,
    /// Where apply starts; `None`: HEAD.
    pub onto: Option<String>,
}

impl ExportAsk {
    /// The current value of `option`, as the confirm step shows it.
    pub fn value(&self, option: ExportOption) -> String {
        let on_off = |b: bool| if b { "on" } else { "off" }.to_string();
        match option {
            ExportOption::Force => on_off(self.force),
            ExportOption::Signoff => on_off(self.signoff),
            ExportOption::AllowMissing => on_off(self.allow_missing),
            ExportOption::Format => if self.json { "json" } else { "mbox" }.into(),
            ExportOption::Branch => self.branch.clone().unwrap_or_else(|| "(default)".into()),
            ExportOption::Onto => self.onto.clone().unwrap_or_else(|| "HEAD".into()),
        }
    }
}

/// A trailer the maintainer asked for, with the waivers given so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailerAsk {
    pub kind: crate::triage::trailers::TrailerKind,
    /// Patch indices (a cover letter stands for its series).
    pub targets: Vec<usize>,
    /// (rule, reason) pairs.
    pub waivers: Vec<(String, String)>,
}

/// What the views show of the desk, by patch key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeskView {
    /// Statuses other than `new`.
    pub statuses: std::collections::BTreeMap<String, String>,
    /// Line notes per patch.
    pub notes: std::collections::BTreeMap<String, Vec<NoteView>>,
    /// Patches with a recorded waiver.
    pub waived: std::collections::BTreeSet<String>,
    /// Patches someone NACKed in a reply.
    pub nacked: std::collections::BTreeSet<String>,
    /// Every note, in queue order (patch, then series, patch and line notes by line).
    pub note_list: Vec<NoteEntry>,
    /// Trailers from replies per patch, with how each stands.
    pub reply_trailers:
        std::collections::BTreeMap<String, Vec<super::patch_model::ReplyTrailerView>>,
    /// The maintainer's recorded trailers per patch (`Acked-by: Name <email>`), for the
    /// A/R/T counts.
    pub recorded: std::collections::BTreeMap<String, Vec<crate::patch::Trailer>>,
    /// No change can be recorded (no desk, or another patchdesk holds the lock).
    pub read_only: bool,
}

/// One note as the notes list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteEntry {
    pub id: u64,
    /// Where it is, as `patchdesk notes` says it (`1.2 net/ring.c:45`, `series 1`).
    pub place: String,
    /// The subject of its patch or series.
    pub subject: String,
    pub text: String,
    /// The patch to open for it (a series note: its cover letter, else its first patch);
    /// `None` when that is not in this queue.
    pub patch_key: Option<String>,
    /// That patch's index in the queue the list was made for (to sort the list as the queue
    /// view shows it).
    pub patch: Option<usize>,
    /// A line note whose line is gone.
    pub orphaned: bool,
}

/// What a triage decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskTarget {
    /// A patch by queue index (a cover letter stands for its series).
    Patch(usize),
    /// A series by queue index (one without a cover letter).
    Series(usize),
}

/// Something that happened, other than a key.
#[derive(Debug)]
pub enum Incoming {
    Key(KeyChord),
    Resize(u16, u16),
    /// A background load has come this far.
    Progress {
        done: usize,
        total: Option<usize>,
        what: String,
    },
    /// A (possibly partial) queue to show now; `done` says whether loading has finished.
    Queue {
        queue: Queue,
        findings: Vec<Vec<Finding>>,
        done: bool,
    },
    /// The background load failed.
    LoadFailed(String),
    /// The desk changed (or opened): what the views show of it and what to tell the user.
    Desk {
        view: DeskView,
        message: Option<String>,
    },
    /// A line for the status bar.
    Message(String),
    /// What an export would write where, or why it would be refused.
    ExportPreview {
        ask: ExportAsk,
        lines: Vec<String>,
        refused: Option<String>,
    },
    /// A planned trailer: the preview text and the rules still needing a waiver.
    TrailerPlan {
        ask: TrailerAsk,
        preview: String,
        unwaived: Vec<String>,
    },
}

/// Handles one incoming event.
pub fn receive(state: &mut AppState, event: Incoming) -> Vec<Effect> {
    match event {
        Incoming::Key(chord) => handle_key(state, chord),
        Incoming::Resize(w, h) => {
            state.size = (w, h);
            clamp(state);
            state.dirty = true;
            Vec::new()
        }
        Incoming::Progress { done, total, what } => {
            state.loading = Some(super::state::Loading { done, total, what });
            state.dirty = true;
            Vec::new()
        }
        Incoming::Queue {
            queue,
            findings,
            done,
        } => {
            state.set_queue(queue, findings);
            if done {
                state.loading = None;
                return vec![Effect::OpenDesk];
            }
            Vec::new()
        }
        Incoming::Desk { view, message } => {
            state.set_desk(view);
            if message.is_some() {
                state.message = message;
            }
            Vec::new()
        }
        Incoming::TrailerPlan {
            ask,
            preview,
            unwaived,
        } => {
            state.dirty = true;
            if unwaived.is_empty() {
                state.overlay = Overlay::Confirm { scroll: 0 };
                state.confirm = Some(super::state::Confirm {
                    ask,
                    preview,
                    unwaived,
                });
            } else {
                let rule = unwaived[0].clone();
                state.confirm = Some(super::state::Confirm {
                    ask,
                    preview,
                    unwaived,
                });
                state.prompt = Some(Prompt {
                    kind: PromptKind::Waiver,
                    text: String::new(),
                    before: String::new(),
                    origin: 0,
                    error: None,
                });
                state.message = Some(format!(
                    "{rule} is an error here: give a reason to waive it"
                ));
            }
            Vec::new()
        }
        Incoming::ExportPreview {
            ask,
            lines,
            refused,
        } => {
            state.export = Some(super::state::ExportPending {
                ask,
                preview: lines,
                refused,
            });
            state.overlay = Overlay::ConfirmExport { scroll: 0 };
            state.dirty = true;
            Vec::new()
        }
        Incoming::Message(text) => {
            state.message = Some(text);
            state.dirty = true;
            Vec::new()
        }
        Incoming::LoadFailed(e) => {
            state.loading = None;
            state.message = Some(format!("loading failed: {e}"));
            state.dirty = true;
            Vec::new()
        }
    }
}

/// Resolves a key through the keymap (chords by prefix; Esc cancels a pending chord) and
/// applies the action. In a prompt, an unbound printable key is typed.
pub fn handle_key(state: &mut AppState, chord: KeyChord) -> Vec<Effect> {
    let context = state.context();
    state.dirty = true;
    if state.pending.is_empty() {
        state.message = None;
    }
    if chord == KeyChord::plain(Key::Esc) && !state.pending.is_empty() {
        state.pending.clear();
        return Vec::new();
    }
    state.pending.push(chord);
    match state.keymap.resolve(context, &state.pending) {
        Resolution::Matched(action) => {
            state.pending.clear();
            update(state, action)
        }
        Resolution::Pending => Vec::new(),
        Resolution::NotFound => {
            let typed = std::mem::take(&mut state.pending);
            if context == Context::Prompt && typed.len() == 1 {
                if let Some(c) = chord.printable() {
                    prompt_edit(state, |t| t.push(c));
                }
            } else if typed.len() > 1 {
                state.message = Some(format!("`{}` is not bound", format_sequence(&typed)));
            }
            Vec::new()
        }
    }
}

/// Applies one action.
pub fn update(state: &mut AppState, action: Action) -> Vec<Effect> {
    state.dirty = true;
    let context = state.context();
    match action {
        Action::Quit => return vec![Effect::Quit],
        Action::Help => {
            state.overlay = match state.overlay {
                Overlay::Help { .. } => Overlay::None,
                _ => Overlay::Help { scroll: 0 },
            };
            return Vec::new();
        }
        Action::SetStatus if matches!(context, Context::Queue | Context::Patch) => {
            match desk_target(state) {
                Some(target) => {
                    state.overlay = Overlay::Status {
                        selected: 0,
                        target,
                    }
                }
                None => state.message = Some("nothing selected to set a status on".into()),
            }
            return Vec::new();
        }
        Action::Undo if matches!(context, Context::Queue | Context::Patch) => {
            return vec![Effect::Undo];
        }
        Action::AddNote if context == Context::Patch => {
            match note_line(state) {
                Some(line) => {
                    state.prompt = Some(Prompt {
                        kind: PromptKind::Note,
                        text: String::new(),
                        before: String::new(),
                        origin: line,
                        error: None,
                    })
                }
                None => state.message = Some(
                    "no line for a note here: scroll a message or new-side diff line to the top"
                        .into(),
                ),
            }
            return Vec::new();
        }
        Action::EditNote | Action::EditNoteInEditor if context == Context::Patch => {
            let found = state.patch.as_ref().and_then(|v| {
                let id = state.note_target()?;
                state.note_of(v.index, id).map(|n| (id, n.text.clone()))
            });
            let Some((id, text)) = found else {
                state.message = Some("no note on screen".into());
                return Vec::new();
            };
            return edit_note(state, action, id, text);
        }
        Action::NotesList if matches!(context, Context::Queue | Context::Patch) => {
            if state.note_list.is_empty() {
                state.message = Some("no notes in this queue yet".into());
            } else {
                state.sort_note_list();
                // Start at the first note of the open patch, if it has one.
                let open = state
                    .patch
                    .as_ref()
                    .and_then(|v| state.queue.patches.get(v.index))
                    .map(|p| p.key.clone());
                let selected = state
                    .note_list
                    .iter()
                    .position(|n| open.is_some() && n.patch_key == open)
                    .unwrap_or(0);
                state.overlay = Overlay::Notes { selected };
            }
            return Vec::new();
        }
        Action::AcceptReplyTrailer if context == Context::Patch => {
            return match state.warned_trailer_on_screen() {
                Some((patch, line)) => vec![Effect::AcceptReplyTrailer { patch, line }],
                None => {
                    state.message = Some("no warned reply trailer on screen".into());
                    Vec::new()
                }
            };
        }
        Action::AddPatchNote if matches!(context, Context::Queue | Context::Patch) => {
            match desk_target(state) {
                Some(target) => {
                    state.prompt = Some(Prompt {
                        kind: PromptKind::WholeNote(target),
                        text: String::new(),
                        before: String::new(),
                        origin: 0,
                        error: None,
                    })
                }
                None => state.message = Some("nothing selected to put a note on".into()),
            }
            return Vec::new();
        }
        Action::DeleteNote if context == Context::Patch => {
            return match state.note_target() {
                Some(id) => vec![Effect::DeleteNote(id)],
                None => {
                    state.message = Some("no note on screen".into());
                    Vec::new()
                }
            };
        }
        Action::Ack | Action::Review | Action::Tested
            if matches!(context, Context::Queue | Context::Patch) =>
        {
            use crate::triage::trailers::TrailerKind;
            let kind = match action {
                Action::Ack => TrailerKind::Acked,
                Action::Review => TrailerKind::Reviewed,
                _ => TrailerKind::Tested,
            };
            let targets = match desk_target(state) {
                Some(DeskTarget::Patch(p)) => vec![p],
                Some(DeskTarget::Series(s)) => state
                    .queue
                    .series
                    .get(s)
                    .map(|s| s.patches.clone())
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            if targets.is_empty() {
                state.message = Some("nothing selected to add a trailer to".into());
                return Vec::new();
            }
            return vec![Effect::PlanTrailer(TrailerAsk {
                kind,
                targets,
                waivers: Vec::new(),
            })];
        }
        Action::ExportReplies
        | Action::ExportSeries
        | Action::ExportRecord
        | Action::ApplySeries
            if matches!(context, Context::Queue | Context::Patch) =>
        {
            let series = selected_series(state);
            let (kind, target) = match (action, series) {
                (Action::ExportReplies, Some(id)) => {
                    (ExportKind::Replies, format!("replies-{id}.mbox"))
                }
                (Action::ExportReplies, None) => (ExportKind::Replies, "replies.mbox".into()),
                (Action::ExportSeries, Some(id)) => {
                    (ExportKind::Series, format!("series-{id}.mbox"))
                }
                (Action::ExportRecord, _) => (ExportKind::Record, "record.json".into()),
                (Action::ApplySeries, Some(_)) => (ExportKind::Apply, ".".into()),
                _ => {
                    state.message = Some("select a patch of a series first".into());
                    return Vec::new();
                }
            };
            state.export = Some(super::state::ExportPending {
                ask: ExportAsk {
                    kind,
                    series: series.filter(|_| kind != ExportKind::Record),
                    target: target.clone(),
                    json: kind == ExportKind::Record,
                    ..ExportAsk::default()
                },
                preview: Vec::new(),
                refused: None,
            });
            state.prompt = Some(Prompt {
                kind: PromptKind::ExportTarget,
                text: target.clone(),
                before: target,
                origin: 0,
                error: None,
            });
            return Vec::new();
        }
        Action::NextNote | Action::PrevNote if context == Context::Patch => {
            jump_to_note(state, action == Action::NextNote);
            return Vec::new();
        }
        _ => {}
    }
    match context {
        Context::Picker => return picker_action(state, action),
        Context::Notes => return notes_action(state, action),
        Context::Prompt => return prompt_action(state, action),
        Context::Help => help_action(state, action),
        Context::Files => files_action(state, action),
        Context::Patch => patch_action(state, action),
        Context::Queue | Context::Global => queue_action(state, action),
    }
    Vec::new()
}

fn step(pos: usize, len: usize, action: Action, page: usize) -> usize {
    let last = len.saturating_sub(1);
    let page = page.max(1);
    match action {
        Action::MoveDown => (pos + 1).min(last),
        Action::MoveUp => pos.saturating_sub(1),
        Action::PageDown => (pos + page).min(last),
        Action::PageUp => pos.saturating_sub(page),
        Action::HalfPageDown => (pos + page.div_ceil(2)).min(last),
        Action::HalfPageUp => pos.saturating_sub(page.div_ceil(2)),
        Action::GoTop => 0,
        Action::GoBottom => last,
        _ => pos,
    }
}

fn is_motion(a: Action) -> bool {
    matches!(
        a,
        Action::MoveDown
            | Action::MoveUp
            | Action::PageDown
            | Action::PageUp
            | Action::HalfPageDown
            | Action::HalfPageUp
            | Action::GoTop
            | Action::GoBottom
    )
}

fn queue_action(state: &mut AppState, action: Action) {
    let height = state.list_height();
    if is_motion(action) {
        state.list.selected = step(state.list.selected, state.list.rows.len(), action, height);
        state.list.scroll_into_view(height);
        return;
    }
    let row = state.list.rows.get(state.list.selected).copied();
    match action {
        Action::Open => match row {
            Some(Row::Gap { n, .. }) => {
                state.message = Some(format!("patch {n} of this series did not arrive"))
            }
            Some(Row::Head { group })
                if state
                    .list
                    .groups
                    .get(group)
                    .is_some_and(|g| g.head.is_none()) =>
            {
                toggle_fold(state, group)
            }
            Some(r) => {
                if let Some(p) = state.list.patch_of(r) {
                    open_patch(state, p);
                }
            }
            None => {}
        },
        Action::ToggleFold => {
            let group = match row {
                Some(Row::Head { group })
                | Some(Row::Child { group, .. })
                | Some(Row::Gap { group, .. }) => group,
                None => return,
            };
            if state.list.has_children(group) {
                toggle_fold(state, group);
            }
        }
        Action::FoldAll => {
            state.list.folded = (0..state.list.groups.len())
                .filter(|&g| state.list.has_children(g))
                .collect();
            rebuild(state);
        }
        Action::UnfoldAll => {
            state.list.folded.clear();
            rebuild(state);
        }
        Action::Filter => {
            state.prompt = Some(Prompt {
                kind: PromptKind::Filter,
                text: state.query_text.clone(),
                before: state.query_text.clone(),
                origin: state.list.selected,
                error: None,
            });
        }
        Action::ClearFilter | Action::Back if !state.query_text.is_empty() => {
            state.query_text.clear();
            state.refilter(true);
        }
        Action::SortByDate
        | Action::SortBySubject
        | Action::SortByAuthor
        | Action::SortByFindings => {
            state.list.sort = match action {
                Action::SortByDate => super::list::SortKey::Date,
                Action::SortBySubject => super::list::SortKey::Subject,
                Action::SortByAuthor => super::list::SortKey::Author,
                _ => super::list::SortKey::Findings,
            };
            state.list.reverse = false;
            rebuild(state);
            state.message = Some(format!("sorted by {}", state.list.sort.name()));
        }
        Action::ReverseSort => {
            state.list.reverse = !state.list.reverse;
            rebuild(state);
        }
        _ => {}
    }
}

fn toggle_fold(state: &mut AppState, group: usize) {
    if !state.list.folded.remove(&group) {
        state.list.folded.insert(group);
    }
    rebuild(state);
    if let Some(p) = state
        .list
        .rows
        .iter()
        .position(|r| *r == Row::Head { group })
    {
        state.list.selected = p;
    }
    let h = state.list_height();
    state.list.scroll_into_view(h);
}

fn rebuild(state: &mut AppState) {
    state
        .list
        .rebuild(&state.queue, &state.summaries, state.matches.as_deref());
    let h = state.list_height();
    state.list.scroll_into_view(h);
}

fn open_patch(state: &mut AppState, index: usize) {
    let (inline, wrap, pane) = state
        .patch
        .as_ref()
        .map_or((state.inline_default, false, true), |v| {
            (v.inline, v.wrap, v.pane)
        });
    state.patch = Some(PatchView::open(
        &state.queue,
        &state.findings,
        state.desk_of(index),
        index,
        inline,
        wrap,
        pane,
    ));
    state.list.select_patch(index);
    let h = state.list_height();
    state.list.scroll_into_view(h);
}

fn max_offset(state: &AppState) -> usize {
    let Some(v) = &state.patch else { return 0 };
    v.visible.len().saturating_sub(state.body_height())
}

fn clamp(state: &mut AppState) {
    let h = state.list_height();
    state.list.scroll_into_view(h);
    let max = max_offset(state);
    if let Some(v) = &mut state.patch {
        v.offset = v.offset.min(max);
    }
}

/// Scrolls so model line `line` sits a third of the way down the body.
fn show_line(state: &mut AppState, line: usize) {
    let third = state.body_height() / 3;
    let max = max_offset(state);
    if let Some(v) = &mut state.patch {
        let pos = v.position_of(line);
        v.offset = pos.saturating_sub(third).min(max);
    }
}

fn patch_action(state: &mut AppState, action: Action) {
    let body = state.body_height();
    let max = max_offset(state);
    let Some(v) = state.patch.as_mut() else {
        return;
    };
    if is_motion(action) {
        // Scrolling moves the top line; the last page stops at the end.
        let len = max + 1;
        v.offset = step(v.offset, len, action, body);
        return;
    }
    match action {
        Action::Back => {
            let index = v.index;
            state.patch = None;
            state.list.select_patch(index);
            let h = state.list_height();
            state.list.scroll_into_view(h);
        }
        Action::NextFinding | Action::PrevFinding => {
            let order = &v.model.finding_order;
            if order.is_empty() {
                state.message = Some("no findings in this patch".into());
                return;
            }
            let top_line = v.visible.get(v.offset).copied().unwrap_or(0);
            let next = match (action, v.current) {
                (Action::NextFinding, Some(c)) if c + 1 < order.len() => Some(c + 1),
                (Action::NextFinding, Some(_)) => None,
                (Action::NextFinding, None) => order
                    .iter()
                    .position(|&f| v.model.finding_line[f] >= top_line),
                (_, Some(c)) => c.checked_sub(1),
                (_, None) => order
                    .iter()
                    .rposition(|&f| v.model.finding_line[f] < top_line),
            };
            match next {
                Some(n) => {
                    v.current = Some(n);
                    let line = v.model.finding_line[order[n]];
                    state.message = Some(format!("finding {}/{}", n + 1, order.len()));
                    show_line(state, line);
                }
                None => {
                    state.message = Some(
                        if action == Action::NextFinding {
                            "no more findings below"
                        } else {
                            "no more findings above"
                        }
                        .into(),
                    );
                }
            }
        }
        Action::NextHunk | Action::PrevHunk | Action::NextFile | Action::PrevFile => {
            let targets: Vec<usize> = match action {
                Action::NextHunk | Action::PrevHunk => v.model.hunks.clone(),
                _ => v.model.files.iter().map(|f| f.line).collect(),
            };
            let positions: Vec<usize> = targets.iter().map(|&l| v.position_of(l)).collect();
            let forward = matches!(action, Action::NextHunk | Action::NextFile);
            let found = if forward {
                positions.iter().copied().find(|&p| p > v.offset)
            } else {
                positions.iter().copied().rev().find(|&p| p < v.offset)
            };
            match found {
                Some(p) if p.min(max) != v.offset => v.offset = p.min(max),
                _ => state.message = Some("nothing further in that direction".into()),
            }
        }
        Action::NextPatch | Action::PrevPatch => {
            let order = state.list.order.clone();
            let pos = order.iter().position(|&p| p == v.index);
            let target = match (action, pos) {
                (Action::NextPatch, Some(p)) => order.get(p + 1).copied(),
                (Action::NextPatch, None) => order.first().copied(),
                (_, Some(p)) => p.checked_sub(1).and_then(|p| order.get(p).copied()),
                (_, None) => None,
            };
            match target {
                Some(t) => open_patch(state, t),
                None => state.message = Some("no more patches in that direction".into()),
            }
        }
        Action::FileList => {
            if v.model.files.is_empty() {
                state.message = Some("this patch has no files".into());
            } else {
                let top = v.visible.get(v.offset).copied().unwrap_or(0);
                let selected = v
                    .model
                    .files
                    .iter()
                    .rposition(|f| f.line <= top)
                    .unwrap_or(0);
                state.overlay = Overlay::Files { selected };
            }
        }
        Action::Search => {
            let text = v.search.query.clone();
            state.prompt = Some(Prompt {
                kind: PromptKind::Search,
                text: text.clone(),
                before: text,
                origin: v.offset,
                error: None,
            });
        }
        Action::SearchNext | Action::SearchPrev => {
            if v.search.matches.is_empty() {
                state.message = Some(if v.search.query.is_empty() {
                    "no search (press / to search)".to_string()
                } else {
                    format!("no match for `{}`", v.search.query)
                });
                return;
            }
            let n = v.search.matches.len();
            let cur = v.search.current.unwrap_or(0);
            let next = if action == Action::SearchNext {
                (cur + 1) % n
            } else {
                (cur + n - 1) % n
            };
            v.search.current = Some(next);
            let line = v.search.matches[next].0;
            state.message = Some(format!("match {}/{}", next + 1, n));
            show_line(state, line);
        }
        Action::ToggleWrap => v.wrap = !v.wrap,
        Action::ToggleInlineFindings => {
            v.inline = !v.inline;
            v.refresh_visible();
        }
        Action::ToggleFindingsPane => v.pane = !v.pane,
        _ => {}
    }
    clamp(state);
}

fn help_action(state: &mut AppState, action: Action) {
    let Overlay::Help { scroll } = state.overlay else {
        return;
    };
    if action == Action::Back {
        state.overlay = Overlay::None;
        return;
    }
    if is_motion(action) {
        let rows = super::render::help::row_count(state);
        let page = (state.size.1 as usize).saturating_sub(6);
        let max = rows.saturating_sub(page) + 1;
        state.overlay = Overlay::Help {
            scroll: step(scroll, max, action, page),
        };
    }
}

/// What the selected queue row or the open patch is, for a triage decision.
fn desk_target(state: &AppState) -> Option<DeskTarget> {
    if let Some(v) = &state.patch {
        return Some(DeskTarget::Patch(v.index));
    }
    match state.list.rows.get(state.list.selected).copied()? {
        Row::Head { group } => {
            let g = state.list.groups.get(group)?;
            match (g.head, g.series) {
                (Some(p), _) => Some(DeskTarget::Patch(p)),
                (None, Some(s)) => Some(DeskTarget::Series(s)),
                (None, None) => None,
            }
        }
        Row::Child { patch, .. } => Some(DeskTarget::Patch(patch)),
        Row::Gap { .. } => None,
    }
}

fn picker_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    if let Overlay::Confirm { scroll } = state.overlay {
        return confirm_action(state, action, scroll);
    }
    if let Overlay::ConfirmExport { scroll } = state.overlay {
        return match action {
            Action::Back => {
                state.overlay = Overlay::None;
                state.export = None;
                state.message = Some("nothing written".into());
                Vec::new()
            }
            Action::Open => {
                if let Some(why) = state.export.as_ref().and_then(|e| e.refused.clone()) {
                    state.message = Some(format!("nothing written: {why}"));
                    return Vec::new();
                }
                state.overlay = Overlay::None;
                state
                    .export
                    .take()
                    .map_or_else(Vec::new, |e| vec![Effect::RunExport(e.ask)])
            }
            a if ExportOption::of(a).is_some() => {
                ExportOption::of(a).map_or_else(Vec::new, |o| export_option(state, o))
            }
            a if is_motion(a) => {
                let n = state.export.as_ref().map_or(0, |e| e.preview.len());
                state.overlay = Overlay::ConfirmExport {
                    scroll: step(scroll, n, a, 10),
                };
                Vec::new()
            }
            _ => Vec::new(),
        };
    }
    let Overlay::Status { selected, target } = state.overlay else {
        return Vec::new();
    };
    match action {
        Action::Back => state.overlay = Overlay::None,
        Action::Open => {
            state.overlay = Overlay::None;
            if STATUS_NAMES.get(selected) == Some(&"deferred") {
                // Deferred takes an optional date: ask, showing the current one.
                let current = match target {
                    DeskTarget::Patch(p) => state.status_of(p),
                    DeskTarget::Series(_) => String::new(),
                };
                let until = current
                    .strip_prefix("deferred until ")
                    .unwrap_or_default()
                    .to_string();
                state.prompt = Some(Prompt {
                    kind: PromptKind::DeferUntil(target),
                    text: until.clone(),
                    before: until,
                    origin: 0,
                    error: None,
                });
            } else if let Some(name) = STATUS_NAMES.get(selected) {
                return vec![Effect::SetStatus {
                    target,
                    status: (*name).to_string(),
                }];
            }
        }
        a if is_motion(a) => {
            state.overlay = Overlay::Status {
                selected: step(selected, STATUS_NAMES.len(), a, STATUS_NAMES.len()),
                target,
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The notes list: move, open one at its line, edit or delete it.
fn notes_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Overlay::Notes { selected } = state.overlay else {
        return Vec::new();
    };
    let Some(entry) = state.note_list.get(selected).cloned() else {
        state.overlay = Overlay::None;
        return Vec::new();
    };
    match action {
        Action::Back | Action::NotesList => state.overlay = Overlay::None,
        Action::Open => {
            state.overlay = Overlay::None;
            open_note(state, &entry);
        }
        Action::DeleteNote => return vec![Effect::DeleteNote(entry.id)],
        Action::EditNote | Action::EditNoteInEditor => {
            return edit_note(state, action, entry.id, entry.text);
        }
        a if is_motion(a) => {
            let page = state.size.1.saturating_sub(6) as usize;
            state.overlay = Overlay::Notes {
                selected: step(selected, state.note_list.len(), a, page),
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Opens the patch of a listed note and scrolls to the note, making it the one edit and
/// delete act on.
fn open_note(state: &mut AppState, entry: &NoteEntry) {
    use super::patch_model::LineKind;
    let index = entry
        .patch_key
        .as_ref()
        .and_then(|k| state.queue.patches.iter().position(|p| &p.key == k));
    let Some(index) = index else {
        state.message = Some(format!("note {}: its patch is not in this queue", entry.id));
        return;
    };
    if state.patch.as_ref().map(|v| v.index) != Some(index) {
        open_patch(state, index);
    }
    let max = max_offset(state);
    let Some(v) = state.patch.as_mut() else {
        return;
    };
    let first = v
        .model
        .lines
        .iter()
        .position(|l| l.kind == LineKind::Note(entry.id));
    match first {
        Some(l) => {
            // The line it is on at the top; a note on the whole patch or series: the top.
            let pinned = v.model.lines[l].label.is_some();
            v.offset = if pinned {
                0
            } else {
                v.position_of(l.saturating_sub(1)).min(max)
            };
            v.note = Some(entry.id);
            state.message = Some(format!("note {} on {}", entry.id, entry.place));
        }
        None => {
            v.offset = 0;
            state.message = Some(format!(
                "note {} lost its line in this version of the patch",
                entry.id
            ));
        }
    }
}

fn files_action(state: &mut AppState, action: Action) {
    let Overlay::Files { selected } = state.overlay else {
        return;
    };
    let n = state.patch.as_ref().map_or(0, |v| v.model.files.len());
    match action {
        Action::Back => state.overlay = Overlay::None,
        Action::Open => {
            state.overlay = Overlay::None;
            let line = state
                .patch
                .as_ref()
                .and_then(|v| v.model.files.get(selected))
                .map(|f| f.line);
            let max = max_offset(state);
            if let (Some(line), Some(v)) = (line, state.patch.as_mut()) {
                v.offset = v.position_of(line).min(max);
            }
        }
        a if is_motion(a) => {
            state.overlay = Overlay::Files {
                selected: step(selected, n, a, 10),
            }
        }
        _ => {}
    }
}

/// Changes one option of the export being confirmed: a switch flips and the preview is made
/// again; a name (branch, onto) is asked for first.
fn export_option(state: &mut AppState, option: ExportOption) -> Vec<Effect> {
    let Some(e) = state.export.as_mut() else {
        return Vec::new();
    };
    if !e.ask.kind.options().contains(&option) {
        state.message = Some(format!(
            "{} is not an option of {}",
            option.label(),
            e.ask.kind.name()
        ));
        return Vec::new();
    }
    match option {
        ExportOption::Force => e.ask.force = !e.ask.force,
        ExportOption::Signoff => e.ask.signoff = !e.ask.signoff,
        ExportOption::AllowMissing => e.ask.allow_missing = !e.ask.allow_missing,
        ExportOption::Format => {
            e.ask.json = !e.ask.json;
            let (from, to) = if e.ask.json {
                (".mbox", ".json")
            } else {
                (".json", ".mbox")
            };
            if let Some(stem) = e.ask.target.strip_suffix(from) {
                e.ask.target = format!("{stem}{to}");
            }
        }
        ExportOption::Branch | ExportOption::Onto => {
            let (kind, current) = if option == ExportOption::Branch {
                (PromptKind::ExportBranch, e.ask.branch.clone())
            } else {
                (PromptKind::ExportOnto, e.ask.onto.clone())
            };
            let text = current.unwrap_or_default();
            state.prompt = Some(Prompt {
                kind,
                before: text.clone(),
                text,
                origin: 0,
                error: None,
            });
            return Vec::new();
        }
    }
    vec![Effect::PreviewExport(e.ask.clone())]
}

fn prompt_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(prompt) = state.prompt.clone() else {
        return Vec::new();
    };
    match action {
        Action::PromptSubmit if prompt.kind == PromptKind::Waiver => {
            let reason = prompt.text.trim().to_string();
            if reason.is_empty() {
                if let Some(p) = state.prompt.as_mut() {
                    p.error = Some("a waiver needs a reason (Esc drops the trailer)".into());
                }
                return Vec::new();
            }
            state.prompt = None;
            let Some(mut c) = state.confirm.take() else {
                return Vec::new();
            };
            if c.unwaived.is_empty() {
                return Vec::new();
            }
            let rule = c.unwaived.remove(0);
            c.ask.waivers.push((rule, reason));
            if let Some(next) = c.unwaived.first() {
                state.message = Some(format!(
                    "{next} is an error here: give a reason to waive it"
                ));
                state.prompt = Some(Prompt {
                    kind: PromptKind::Waiver,
                    text: String::new(),
                    before: String::new(),
                    origin: 0,
                    error: None,
                });
                state.confirm = Some(c);
                return Vec::new();
            }
            return vec![Effect::PlanTrailer(c.ask)];
        }
        Action::PromptSubmit if prompt.kind == PromptKind::ExportTarget => {
            state.prompt = None;
            let target = prompt.text.trim().to_string();
            let Some(mut e) = state.export.take() else {
                return Vec::new();
            };
            if target.is_empty() {
                state.message = Some("no path given: nothing written".into());
                return Vec::new();
            }
            e.ask.target = target;
            return vec![Effect::PreviewExport(e.ask)];
        }
        Action::PromptSubmit
            if matches!(
                prompt.kind,
                PromptKind::ExportBranch | PromptKind::ExportOnto
            ) =>
        {
            state.prompt = None;
            let Some(e) = state.export.as_mut() else {
                return Vec::new();
            };
            let value = Some(prompt.text.trim().to_string()).filter(|t| !t.is_empty());
            if prompt.kind == PromptKind::ExportBranch {
                e.ask.branch = value;
            } else {
                e.ask.onto = value;
            }
            return vec![Effect::PreviewExport(e.ask.clone())];
        }
        Action::PromptCancel
            if matches!(
                prompt.kind,
                PromptKind::ExportBranch | PromptKind::ExportOnto
            ) =>
        {
            state.prompt = None;
        }
        Action::PromptCancel if prompt.kind == PromptKind::ExportTarget => {
            state.prompt = None;
            state.export = None;
        }
        Action::PromptCancel if prompt.kind == PromptKind::Waiver => {
            state.prompt = None;
            state.confirm = None;
            state.message = Some("not waived: nothing recorded".into());
        }
        Action::PromptSubmit if matches!(prompt.kind, PromptKind::DeferUntil(_)) => {
            let PromptKind::DeferUntil(target) = prompt.kind else {
                return Vec::new();
            };
            let date = prompt.text.trim();
            let status = if date.is_empty() {
                "deferred".to_string()
            } else {
                format!("deferred:{date}")
            };
            // The same check the desk makes, here so a bad date can be typed again.
            match crate::triage::status::Status::parse(&status) {
                Ok(_) => {
                    state.prompt = None;
                    return vec![Effect::SetStatus { target, status }];
                }
                Err(e) => {
                    if let Some(p) = state.prompt.as_mut() {
                        p.error = Some(format!("{e}; leave it empty for no date"));
                    }
                }
            }
        }
        Action::PromptCancel if matches!(prompt.kind, PromptKind::DeferUntil(_)) => {
            state.prompt = None;
            state.message = Some("status not changed".into());
        }
        Action::PromptSubmit if matches!(prompt.kind, PromptKind::WholeNote(_)) => {
            state.prompt = None;
            let PromptKind::WholeNote(target) = prompt.kind else {
                return Vec::new();
            };
            let text = prompt.text.trim();
            if text.is_empty() {
                state.message = Some("empty note: nothing added".into());
                return Vec::new();
            }
            return vec![Effect::AddWholeNote {
                target,
                text: text.to_string(),
            }];
        }
        Action::PromptSubmit if matches!(prompt.kind, PromptKind::EditNote(_)) => {
            let PromptKind::EditNote(id) = prompt.kind else {
                return Vec::new();
            };
            let text = prompt.text.trim();
            if text.is_empty() {
                let delete = state
                    .keymap
                    .hint(Context::Patch, Action::DeleteNote)
                    .unwrap_or_else(|| "delete_note".into());
                if let Some(p) = state.prompt.as_mut() {
                    p.error = Some(format!("a note needs some text ({delete} deletes it)"));
                }
                return Vec::new();
            }
            state.prompt = None;
            if text == prompt.before.trim() {
                state.message = Some("note unchanged".into());
                return Vec::new();
            }
            return vec![Effect::EditNote {
                id,
                text: text.to_string(),
            }];
        }
        Action::PromptCancel if matches!(prompt.kind, PromptKind::EditNote(_)) => {
            state.prompt = None;
            state.message = Some("note unchanged".into());
        }
        Action::PromptSubmit if prompt.kind == PromptKind::Note => {
            state.prompt = None;
            let text = prompt.text.trim();
            let anchor = state.patch.as_ref().and_then(|v| {
                v.model
                    .anchor_of(prompt.origin)
                    .map(|(part, file, line)| (v.index, part, file, line))
            });
            match anchor {
                Some((patch, part, file, line)) if !text.is_empty() => {
                    return vec![Effect::AddNote {
                        patch,
                        part,
                        file,
                        line,
                        text: text.to_string(),
                    }];
                }
                _ => state.message = Some("empty note: nothing added".into()),
            }
        }
        Action::PromptSubmit => {
            state.prompt = None;
            if prompt.kind == PromptKind::Search
                && let Some(v) = &state.patch
            {
                if !prompt.text.is_empty() && v.search.matches.is_empty() {
                    state.message = Some(format!("no match for `{}`", prompt.text));
                } else if !v.search.matches.is_empty() {
                    state.message = Some(format!(
                        "match {}/{}",
                        v.search.current.map_or(1, |c| c + 1),
                        v.search.matches.len()
                    ));
                }
            }
        }
        Action::PromptCancel => {
            prompt_edit(state, |t| *t = prompt.before.clone());
            state.prompt = None;
            if prompt.kind == PromptKind::Search
                && let Some(v) = &mut state.patch
            {
                v.offset = prompt.origin;
            }
        }
        Action::PromptBackspace => prompt_edit(state, |t| {
            t.pop();
        }),
        Action::PromptDeleteWord => prompt_edit(state, |t| {
            let trimmed = t.trim_end().len();
            t.truncate(trimmed);
            let cut = t.rfind(' ').map_or(0, |i| i + 1);
            t.truncate(cut);
        }),
        Action::PromptClear => prompt_edit(state, String::clear),
        Action::MoveDown | Action::MoveUp if prompt.kind == PromptKind::Filter => {
            let h = state.list_height();
            state.list.selected = step(state.list.selected, state.list.rows.len(), action, h);
            state.list.scroll_into_view(h);
        }
        _ => {}
    }
    Vec::new()
}

/// The series id of the selected row or open patch.
fn selected_series(state: &AppState) -> Option<usize> {
    let patch = match desk_target(state)? {
        DeskTarget::Patch(p) => p,
        DeskTarget::Series(s) => return state.queue.series.get(s).map(|s| s.id),
    };
    state.queue.series_of(patch).map(|s| s.id)
}

/// The trailer preview: confirm records it, back drops it.
fn confirm_action(state: &mut AppState, action: Action, scroll: usize) -> Vec<Effect> {
    match action {
        Action::Back => {
            state.overlay = Overlay::None;
            state.confirm = None;
            state.message = Some("nothing recorded".into());
        }
        Action::Open => {
            state.overlay = Overlay::None;
            if let Some(c) = state.confirm.take() {
                return vec![Effect::AddTrailer(c.ask)];
            }
        }
        a if is_motion(a) => {
            let n = state
                .confirm
                .as_ref()
                .map_or(0, |c| c.preview.lines().count());
            state.overlay = Overlay::Confirm {
                scroll: step(scroll, n, a, 10),
            };
        }
        _ => {}
    }
    Vec::new()
}

/// The model line a new note goes on: the first line from the top of the view that can
/// carry one (a message, notes or new-side diff line).
fn note_line(state: &AppState) -> Option<usize> {
    let v = state.patch.as_ref()?;
    let body = state.body_height();
    v.visible
        .iter()
        .skip(v.offset)
        .take(body)
        .copied()
        .find(|&l| v.model.anchor_of(l).is_some())
}

/// Opens note `id` (now `text`) for editing: in a prompt (one line only), or in the editor.
fn edit_note(state: &mut AppState, action: Action, id: u64, text: String) -> Vec<Effect> {
    if action == Action::EditNoteInEditor {
        return vec![Effect::EditNoteExternally { id, text }];
    }
    if text.lines().count() > 1 {
        let editor = state
            .keymap
            .hint(state.context(), Action::EditNoteInEditor)
            .unwrap_or_else(|| "edit_note_in_editor".into());
        state.message = Some(format!(
            "note {id} has several lines: edit it in your editor ({editor})"
        ));
        return Vec::new();
    }
    state.prompt = Some(Prompt {
        kind: PromptKind::EditNote(id),
        text: text.clone(),
        before: text,
        origin: 0,
        error: None,
    });
    Vec::new()
}

/// Scrolls so that the next (or previous) note's line is at the top (as far as the last page
/// allows) and makes it the note edit and delete act on.
fn jump_to_note(state: &mut AppState, forward: bool) {
    use super::patch_model::LineKind;
    let max = max_offset(state);
    let current = state.note_target();
    let Some(v) = state.patch.as_mut() else {
        return;
    };
    // Each note is shown under the line it is on: jump to that line.
    let notes: Vec<(usize, u64)> = v
        .model
        .note_lines()
        .into_iter()
        .filter_map(|l| match v.model.lines[l].kind {
            LineKind::Note(id) => Some((l.saturating_sub(1), id)),
            _ => None,
        })
        .collect();
    let top = v.visible.get(v.offset).copied().unwrap_or(0);
    // From the current note when there is one (the last page may keep it below the top).
    let at = current
        .filter(|c| v.note == Some(*c))
        .and_then(|id| notes.iter().position(|n| n.1 == id));
    let target = match (at, forward) {
        (Some(i), true) => notes.get(i + 1).map(|_| i + 1),
        (Some(i), false) => i.checked_sub(1),
        (None, true) => notes.iter().position(|&(a, _)| a > top),
        (None, false) => notes.iter().rposition(|&(a, _)| a < top),
    };
    match target {
        Some(i) => {
            let (anchor, id) = notes[i];
            v.offset = v.position_of(anchor).min(max);
            v.note = Some(id);
            state.message = Some(format!("note {}/{}", i + 1, notes.len()));
        }
        None => {
            state.message = Some(if notes.is_empty() {
                "no notes in this patch".into()
            } else if forward {
                "no more notes below".into()
            } else {
                "no more notes above".into()
            })
        }
    }
}

/// Edits the prompt text and applies it (filter the queue, or search the patch).
fn prompt_edit(state: &mut AppState, edit: impl FnOnce(&mut String)) {
    let Some(prompt) = state.prompt.as_mut() else {
        return;
    };
    edit(&mut prompt.text);
    prompt.error = None;
    let text = prompt.text.clone();
    let (kind, origin) = (prompt.kind, prompt.origin);
    match kind {
        PromptKind::Filter => {
            state.query_text = text;
            state.refilter(false);
            state.list.selected = 0;
            state.list.offset = 0;
            // Select the best match itself, not the series head shown for context.
            let best = state
                .matches
                .as_ref()
                .and_then(|m| m.first())
                .map(|m| m.index);
            if let Some(best) = best {
                state.list.select_patch(best);
                let h = state.list_height();
                state.list.scroll_into_view(h);
            }
        }
        PromptKind::Note
        | PromptKind::Waiver
        | PromptKind::ExportTarget
        | PromptKind::ExportBranch
        | PromptKind::ExportOnto
        | PromptKind::DeferUntil(_)
        | PromptKind::WholeNote(_)
        | PromptKind::EditNote(_) => {}
        PromptKind::Search => {
            if let Some(v) = &mut state.patch {
                v.search = search(v, &text, origin);
                let line = v.search.current.map(|c| v.search.matches[c].0);
                match line {
                    Some(l) => show_line(state, l),
                    None => {
                        if let Some(v) = &mut state.patch {
                            v.offset = origin;
                        }
                    }
                }
            }
        }
    }
}

/// Finds `query` in the patch's visible lines (smart case: a capital makes it exact); the
/// current match is the first at or after view position `from`.
pub fn search(v: &PatchView, query: &str, from: usize) -> Search {
    let mut s = Search {
        query: query.to_string(),
        ..Search::default()
    };
    if query.is_empty() {
        return s;
    }
    let exact = query.chars().any(|c| c.is_uppercase());
    let needle = if exact {
        query.to_string()
    } else {
        query.to_ascii_lowercase()
    };
    for &li in &v.visible {
        let text = &v.model.lines[li].text;
        let hay = if exact {
            std::borrow::Cow::Borrowed(text.as_str())
        } else {
            std::borrow::Cow::Owned(text.to_ascii_lowercase())
        };
        let mut at = 0;
        while let Some(i) = hay[at..].find(&needle) {
            let start = at + i;
            s.matches.push((li, start, start + needle.len()));
            at = start + needle.len().max(1);
            if at >= hay.len() {
                break;
            }
        }
    }
    let from_line = v.visible.get(from).copied().unwrap_or(0);
    s.current = s
        .matches
        .iter()
        .position(|m| m.0 >= from_line)
        .or((!s.matches.is_empty()).then_some(0));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::key::parse_sequence;
    use crate::tui::keymap::Keymap;
    use crate::tui::sample;
    use crate::tui::state::AppState;
    use crate::tui::theme::Theme;

    fn state() -> AppState {
        let (q, f) = sample::small_queue();
        let mut s = AppState::new(
            q,
            f,
            "qemu",
            Keymap::default_keymap(),
            Theme::new(false),
            sample::now(),
        );
        s.size = (100, 30);
        s
    }

    fn keys(s: &mut AppState, k: &str) -> Vec<Effect> {
        parse_sequence(k)
            .unwrap()
            .into_iter()
            .flat_map(|c| handle_key(s, c))
            .collect()
    }

    #[test]
    fn quit_is_an_effect() {
        let mut s = state();
        assert_eq!(keys(&mut s, "q"), vec![Effect::Quit]);
    }

    #[test]
    fn moving_and_opening_a_patch_and_coming_back() {
        let mut s = state();
        keys(&mut s, "jj");
        assert_eq!(s.list.selected, 2);
        keys(&mut s, "<enter>");
        assert_eq!(s.patch.as_ref().map(|v| v.index), Some(1));
        keys(&mut s, "q");
        assert!(s.patch.is_none());
        assert_eq!(s.list.selected, 2);
    }

    #[test]
    fn chords_wait_and_escape_cancels() {
        let mut s = state();
        keys(&mut s, "s");
        assert_eq!(s.pending.len(), 1);
        keys(&mut s, "<esc>");
        assert!(s.pending.is_empty());
        keys(&mut s, "sf");
        assert_eq!(s.list.sort, crate::tui::list::SortKey::Findings);
        keys(&mut s, "sx");
        assert!(
            s.message
                .as_deref()
                .unwrap_or("")
                .contains("`sx` is not bound")
        );
    }

    #[test]
    fn filter_prompt_types_narrows_and_cancel_restores() {
        let mut s = state();
        keys(&mut s, "/free");
        assert_eq!(s.query_text, "free");
        assert_eq!(s.matches.as_ref().map(|m| m[0].index), Some(2));
        keys(&mut s, "<bs>");
        assert_eq!(s.query_text, "fre");
        keys(&mut s, "<esc>");
        assert_eq!(s.query_text, "");
        assert!(s.matches.is_none());
        keys(&mut s, "/has:error<enter>");
        assert!(s.prompt.is_none());
        assert_eq!(s.list.order, vec![4, 2]);
        keys(&mut s, "<bs>");
        assert!(s.matches.is_none());
    }

    #[test]
    fn findings_jump_in_order_and_stop_at_the_end() {
        let mut s = state();
        keys(&mut s, "jjj<enter>"); // patch 2: three findings
        let v = s.patch.as_ref().unwrap();
        assert_eq!(v.index, 2);
        let order = v.model.finding_order.clone();
        keys(&mut s, "f");
        assert_eq!(s.patch.as_ref().unwrap().current, Some(0));
        keys(&mut s, "ff");
        assert_eq!(s.patch.as_ref().unwrap().current, Some(2));
        keys(&mut s, "f");
        assert_eq!(s.message.as_deref(), Some("no more findings below"));
        keys(&mut s, "F");
        assert_eq!(s.patch.as_ref().unwrap().current, Some(1));
        assert_eq!(order.len(), 3);
    }

    #[test]
    fn next_patch_walks_the_queue_order_across_series() {
        let mut s = state();
        keys(&mut s, "<enter>"); // the AI patch, first row
        assert_eq!(s.patch.as_ref().unwrap().index, 4);
        keys(&mut s, ">");
        assert_eq!(s.patch.as_ref().unwrap().index, 0);
        keys(&mut s, ">>>>");
        assert_eq!(s.patch.as_ref().unwrap().index, 5);
        keys(&mut s, ">");
        assert!(
            s.message
                .as_deref()
                .unwrap_or("")
                .contains("no more patches")
        );
        keys(&mut s, "<lt>");
        assert_eq!(s.patch.as_ref().unwrap().index, 3);
    }

    #[test]
    fn search_finds_highlights_and_cycles() {
        let mut s = state();
        keys(&mut s, "jj<enter>/ring<enter>");
        let v = s.patch.as_ref().unwrap();
        assert!(v.search.matches.len() >= 3, "{:?}", v.search.matches);
        let first = v.search.current;
        keys(&mut s, "n");
        assert_ne!(s.patch.as_ref().unwrap().search.current, first);
        keys(&mut s, "N");
        assert_eq!(s.patch.as_ref().unwrap().search.current, first);
        // Smart case: a capital makes it exact.
        keys(&mut s, "/RING<enter>");
        let v = s.patch.as_ref().unwrap();
        assert!(
            v.search
                .matches
                .iter()
                .all(|(l, a, b)| &v.model.lines[*l].text[*a..*b] == "RING")
        );
    }

    #[test]
    fn folding_and_gaps() {
        let mut s = state();
        keys(&mut s, "j<tab>");
        assert_eq!(s.list.rows.len(), 3);
        keys(&mut s, "=");
        assert_eq!(s.list.rows.len(), 7);
        keys(&mut s, "jjjj<enter>");
        assert!(matches!(
            s.list.rows[s.list.selected],
            Row::Gap { n: 4, .. }
        ));
        assert!(
            s.message
                .as_deref()
                .unwrap_or("")
                .contains("did not arrive")
        );
        assert!(s.patch.is_none());
    }

    #[test]
    fn help_and_file_list_overlays() {
        let mut s = state();
        keys(&mut s, "?");
        assert_eq!(s.context(), Context::Help);
        keys(&mut s, "q");
        assert_eq!(s.context(), Context::Queue);
        keys(&mut s, "jj<enter>o");
        assert_eq!(s.overlay, Overlay::Files { selected: 0 });
        keys(&mut s, "j<enter>");
        let v = s.patch.as_ref().unwrap();
        assert_eq!(
            v.visible[v.offset],
            v.model.files[1].line.min(v.visible[v.offset])
        );
        assert_eq!(s.overlay, Overlay::None);
    }

    #[test]
    fn scrolling_stops_at_the_last_page_and_resizes_clamp() {
        let (q, f) = sample::big_patch(5000);
        let mut s = AppState::new(
            q,
            f,
            "p",
            Keymap::default_keymap(),
            Theme::new(false),
            sample::now(),
        );
        s.size = (80, 24);
        keys(&mut s, "<enter>G");
        let off = s.patch.as_ref().unwrap().offset;
        assert_eq!(
            off,
            s.patch.as_ref().unwrap().visible.len() - s.body_height()
        );
        receive(&mut s, Incoming::Resize(80, 60));
        assert!(s.patch.as_ref().unwrap().offset <= off);
        keys(&mut s, "g");
        assert_eq!(s.patch.as_ref().unwrap().offset, 0);
        keys(&mut s, "]");
        let v = s.patch.as_ref().unwrap();
        assert_eq!(v.visible[v.offset], v.model.hunks[0]);
    }

    #[test]
    fn inline_toggle_keeps_the_top_line() {
        let mut s = state();
        keys(&mut s, "jjj<enter>");
        let with = s.patch.as_ref().unwrap().visible.len();
        keys(&mut s, "i");
        let v = s.patch.as_ref().unwrap();
        assert_eq!(with - v.visible.len(), 3);
    }

    #[test]
    fn a_queue_arriving_keeps_the_selection() {
        let mut s = state();
        keys(&mut s, "jjj");
        let row = s.list.rows[s.list.selected];
        let (q, f) = sample::small_queue();
        receive(
            &mut s,
            Incoming::Queue {
                queue: q,
                findings: f,
                done: true,
            },
        );
        assert_eq!(s.list.rows[s.list.selected], row);
    }

    #[test]
    fn status_picker_emits_the_picked_status_for_the_selected_patch() {
        let mut s = state();
        assert!(keys(&mut s, "jjS").is_empty());
        assert_eq!(s.context(), Context::Picker);
        let effects = keys(&mut s, "jjj<enter>");
        assert_eq!(
            effects,
            vec![Effect::SetStatus {
                target: DeskTarget::Patch(1),
                status: "accepted".into()
            }]
        );
        assert_eq!(s.overlay, Overlay::None);
        // Back closes the picker without an effect.
        assert!(keys(&mut s, "S<esc>").is_empty());
        assert_eq!(s.overlay, Overlay::None);
    }

    #[test]
    fn deferred_asks_for_an_optional_date_and_refuses_a_bad_one() {
        let mut s = state();
        // The picker's last entry is deferred.
        assert!(keys(&mut s, "jjSG<enter>").is_empty());
        assert_eq!(
            s.prompt.as_ref().map(|p| p.kind),
            Some(PromptKind::DeferUntil(DeskTarget::Patch(1)))
        );
        assert!(keys(&mut s, "2026-13-01<enter>").is_empty());
        let error = s.prompt.as_ref().and_then(|p| p.error.clone());
        assert!(error.unwrap_or_default().contains("not a date"));
        assert_eq!(
            s.context(),
            Context::Prompt,
            "the prompt stays for another try"
        );
        let effects = keys(&mut s, "<c-u>2026-12-24<enter>");
        assert_eq!(
            effects,
            vec![Effect::SetStatus {
                target: DeskTarget::Patch(1),
                status: "deferred:2026-12-24".into()
            }]
        );
        assert!(s.prompt.is_none());
        // Empty: deferred without a date. Esc: nothing.
        assert_eq!(
            keys(&mut s, "SG<enter><enter>"),
            vec![Effect::SetStatus {
                target: DeskTarget::Patch(1),
                status: "deferred".into()
            }]
        );
        assert!(keys(&mut s, "SG<enter><esc>").is_empty());
        assert_eq!(s.message.as_deref(), Some("status not changed"));
    }

    #[test]
    fn the_date_prompt_shows_the_current_deferral() {
        let mut s = state();
        let key = s.queue.patches[1].key.clone();
        let mut view = DeskView::default();
        view.statuses
            .insert(key, "deferred until 2026-12-24".into());
        receive(
            &mut s,
            Incoming::Desk {
                view,
                message: None,
            },
        );
        keys(&mut s, "jjSG<enter>");
        assert_eq!(
            s.prompt.as_ref().map(|p| p.text.as_str()),
            Some("2026-12-24")
        );
    }

    #[test]
    fn desk_results_fill_statuses_and_the_status_filter_uses_them() {
        let mut s = state();
        let key = s.queue.patches[1].key.clone();
        let mut view = DeskView::default();
        view.statuses.insert(key, "accepted".into());
        receive(
            &mut s,
            Incoming::Desk {
                view,
                message: Some("done".into()),
            },
        );
        assert_eq!(s.status_of(1), "accepted");
        assert_eq!(s.message.as_deref(), Some("done"));
        keys(&mut s, "/status:acc<enter>");
        let shown: Vec<usize> = s
            .matches
            .as_ref()
            .unwrap()
            .iter()
            .map(|m| m.index)
            .collect();
        assert_eq!(shown, vec![1]);
    }

    #[test]
    fn ack_asks_a_waiver_per_rule_then_plans_again_then_confirms() {
        use crate::triage::trailers::TrailerKind;
        let mut s = state();
        let effects = keys(&mut s, "jjjA");
        let ask = TrailerAsk {
            kind: TrailerKind::Acked,
            targets: vec![2],
            waivers: Vec::new(),
        };
        assert_eq!(effects, vec![Effect::PlanTrailer(ask.clone())]);
        receive(
            &mut s,
            Incoming::TrailerPlan {
                ask: ask.clone(),
                preview: "1.2 x\n  + Acked-by: M <m@x>\n".into(),
                unwaived: vec!["dco-missing".into(), "other-rule".into()],
            },
        );
        assert_eq!(s.context(), Context::Prompt);
        // An empty reason is refused.
        assert!(keys(&mut s, "<enter>").is_empty());
        assert_eq!(s.context(), Context::Prompt);
        assert!(keys(&mut s, "off list<enter>").is_empty());
        assert!(s.message.as_deref().unwrap_or("").contains("other-rule"));
        let effects = keys(&mut s, "known<enter>");
        let waived = TrailerAsk {
            waivers: vec![
                ("dco-missing".into(), "off list".into()),
                ("other-rule".into(), "known".into()),
            ],
            ..ask
        };
        assert_eq!(effects, vec![Effect::PlanTrailer(waived.clone())]);
        receive(
            &mut s,
            Incoming::TrailerPlan {
                ask: waived.clone(),
                preview: "ok".into(),
                unwaived: Vec::new(),
            },
        );
        assert_eq!(s.overlay, Overlay::Confirm { scroll: 0 });
        assert_eq!(keys(&mut s, "y"), vec![Effect::AddTrailer(waived)]);
        assert!(s.confirm.is_none());
        assert_eq!(keys(&mut s, "u"), vec![Effect::Undo]);
    }

    #[test]
    fn whole_notes_go_on_the_selected_row_or_the_open_patch() {
        let mut s = state();
        // The series row of series 1 is its cover letter (the desk makes that a series note).
        assert!(keys(&mut s, "ja").is_empty());
        assert_eq!(
            s.prompt.as_ref().map(|p| p.kind),
            Some(PromptKind::WholeNote(DeskTarget::Patch(0)))
        );
        assert_eq!(
            keys(&mut s, " merge after rc1 <enter>"),
            vec![Effect::AddWholeNote {
                target: DeskTarget::Patch(0),
                text: "merge after rc1".into()
            }]
        );
        assert!(
            keys(&mut s, "a<enter>").is_empty(),
            "an empty note is dropped"
        );
        assert_eq!(s.message.as_deref(), Some("empty note: nothing added"));
        keys(&mut s, "jj<enter>");
        assert!(keys(&mut s, "Pok<enter>").iter().any(|e| *e
            == Effect::AddWholeNote {
                target: DeskTarget::Patch(2),
                text: "ok".into()
            }));
    }

    /// The small queue with notes on patch 2 from the desk: one on message line 3, a
    /// two-line one on the patch.
    fn state_with_notes() -> AppState {
        let mut s = state();
        s.size = (100, 20);
        let key = s.queue.patches[2].key.clone();
        let mut view = DeskView::default();
        view.notes.insert(
            key,
            vec![
                NoteView::line(7, crate::policy::Part::Message, None, 3, "split this"),
                NoteView {
                    id: 8,
                    on: crate::tui::patch_model::NoteAnchor::Patch,
                    text: "first\nsecond".into(),
                },
            ],
        );
        receive(
            &mut s,
            Incoming::Desk {
                view,
                message: None,
            },
        );
        s
    }

    #[test]
    fn editing_a_note_prefills_the_prompt_and_saves_only_a_change() {
        let mut s = state_with_notes();
        keys(&mut s, "jjj<enter>");
        // The top shows the two-line patch note first: not for a one-line prompt.
        assert!(keys(&mut s, "c").is_empty());
        assert!(s.prompt.is_none());
        assert!(s.message.as_deref().unwrap_or("").contains("several lines"));
        assert!(
            s.message.as_deref().unwrap_or("").contains("C"),
            "{:?}",
            s.message
        );
        // Jump to the line note: `c` edits it.
        keys(&mut s, "))");
        assert_eq!(s.patch.as_ref().and_then(|v| v.note), Some(7));
        keys(&mut s, "c");
        let p = s.prompt.clone().expect("prompt");
        assert_eq!(
            (p.kind, p.text.as_str()),
            (PromptKind::EditNote(7), "split this")
        );
        assert!(
            keys(&mut s, "<enter>").is_empty(),
            "unchanged: nothing to save"
        );
        assert_eq!(s.message.as_deref(), Some("note unchanged"));
        assert!(keys(&mut s, "c<c-u><enter>").is_empty(), "empty is refused");
        assert!(
            s.prompt
                .as_ref()
                .and_then(|p| p.error.as_deref())
                .unwrap_or("")
                .contains("D deletes")
        );
        assert!(keys(&mut s, "<esc>").is_empty());
        assert!(s.prompt.is_none());
        assert_eq!(
            keys(&mut s, "c in two<enter>"),
            vec![Effect::EditNote {
                id: 7,
                text: "split this in two".into()
            }]
        );
        // In the editor: any note, its whole text.
        keys(&mut s, "(");
        assert_eq!(
            keys(&mut s, "C"),
            vec![Effect::EditNoteExternally {
                id: 8,
                text: "first\nsecond".into()
            }]
        );
    }

    #[test]
    fn the_notes_list_opens_a_note_at_its_line_and_edits_or_deletes_it() {
        let mut s = state_with_notes();
        assert!(keys(&mut s, "L").is_empty());
        assert_eq!(s.message.as_deref(), Some("no notes in this queue yet"));
        let entry = |id: u64, place: &str, text: &str, patch: usize| NoteEntry {
            id,
            place: place.into(),
            subject: String::new(),
            text: text.into(),
            patch_key: Some(s.queue.patches[patch].key.clone()),
            patch: Some(patch),
            orphaned: false,
        };
        let mut view = DeskView {
            notes: s.notes.clone(),
            ..DeskView::default()
        };
        // Given in queue order; the list follows the queue view (the AI patch, 4, first).
        view.note_list = vec![
            entry(8, "1.2", "first\nsecond", 2),
            entry(7, "1.2 message:3", "split this", 2),
            entry(9, "2.1", "gone", 4),
        ];
        receive(
            &mut s,
            Incoming::Desk {
                view,
                message: None,
            },
        );
        let order: Vec<u64> = s.note_list.iter().map(|n| n.id).collect();
        assert_eq!(order, vec![9, 8, 7]);
        keys(&mut s, "L");
        assert_eq!(s.context(), Context::Notes);
        assert_eq!(s.overlay, Overlay::Notes { selected: 0 });
        keys(&mut s, "jj<enter>");
        let v = s.patch.as_ref().expect("patch 2 open");
        assert_eq!((v.index, v.note), (2, Some(7)));
        assert_eq!(s.note_target(), Some(7));
        let top = v.visible[v.offset];
        assert_eq!(v.model.lines[top].new, Some(3), "its line at the top");
        // From the patch view the list starts at the open patch's first note.
        keys(&mut s, "L");
        assert_eq!(s.overlay, Overlay::Notes { selected: 1 });
        assert_eq!(keys(&mut s, "D"), vec![Effect::DeleteNote(8)]);
        assert_eq!(
            keys(&mut s, "C"),
            vec![Effect::EditNoteExternally {
                id: 8,
                text: "first\nsecond".into()
            }]
        );
        keys(&mut s, "jc");
        assert_eq!(
            s.prompt.as_ref().map(|p| p.kind),
            Some(PromptKind::EditNote(7))
        );
        keys(&mut s, "<esc>");
        assert_eq!(
            s.context(),
            Context::Notes,
            "the list stays after the prompt"
        );
        keys(&mut s, "q");
        assert_eq!(s.context(), Context::Patch);
        // A note on the whole patch opens the patch at its top.
        keys(&mut s, "GL<enter>");
        let v = s.patch.as_ref().expect("patch open");
        assert_eq!((v.offset, v.note), (0, Some(8)));
    }

    #[test]
    fn y_accepts_the_first_warned_reply_trailer_on_screen() {
        use crate::tui::patch_model::{ReplyTrailerState, ReplyTrailerView};
        let mut s = state();
        let t = |line: &str, state| ReplyTrailerView {
            line: line.into(),
            sender: "Kim <kim@example.org>".into(),
            state,
            same_name: false,
            via_cover: false,
        };
        let mut view = DeskView::default();
        view.reply_trailers.insert(
            s.queue.patches[3].key.clone(),
            vec![
                t(
                    "Acked-by: Kim <kim@example.org>",
                    ReplyTrailerState::Collected,
                ),
                t(
                    "Reviewed-by: Kim <kim@work.example>",
                    ReplyTrailerState::Warning,
                ),
            ],
        );
        receive(
            &mut s,
            Incoming::Desk {
                view,
                message: None,
            },
        );
        keys(&mut s, "jjjj<enter>");
        assert_eq!(
            keys(&mut s, "Y"),
            vec![Effect::AcceptReplyTrailer {
                patch: 3,
                line: "Reviewed-by: Kim <kim@work.example>".into()
            }]
        );
        // Patch 2 has none.
        keys(&mut s, "<lt>");
        assert!(keys(&mut s, "Y").is_empty());
        assert_eq!(
            s.message.as_deref(),
            Some("no warned reply trailer on screen")
        );
    }

    #[test]
    fn note_prompt_anchors_to_the_top_message_line() {
        let mut s = state();
        s.size = (100, 20);
        keys(&mut s, "jjj<enter>jjjj");
        assert!(keys(&mut s, "a").is_empty());
        let effects = keys(&mut s, "split<enter>");
        let [
            Effect::AddNote {
                patch,
                part,
                file,
                line,
                text,
            },
        ] = effects.as_slice()
        else {
            panic!("one note effect: {effects:?}");
        };
        assert_eq!(
            (*patch, *part, file.as_deref(), *line),
            (2, crate::policy::Part::Message, None, 3)
        );
        assert_eq!(text, "split");
        // Nothing to delete on a line without a note.
        assert!(keys(&mut s, "D").is_empty());
        assert_eq!(s.message.as_deref(), Some("no note on screen"));
    }
}
