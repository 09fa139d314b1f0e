//! The desk's boundary types: the effects `update` asks the event loop to run, the events
//! (`Incoming`) that come back, what the views show of the desk (`DeskView`) and the asks
//! (exports, trailers) that travel between them. State and render use these without
//! importing `update`.

use super::action::Action;
use super::key::KeyChord;
use super::patch_model::NoteView;
use crate::policy::Finding;
use crate::queue::Queue;

/// Work for the event loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Leave the desk.
    Quit,
    /// Open the triage desk over the (now fully loaded) queue.
    OpenDesk,
    /// Record a review status.
    SetStatus {
        target: DeskTarget,
        status: crate::triage::status::Status,
    },
    /// Undo the last desk change.
    Undo,
    /// Add a note on a line of a patch.
    AddNote {
        patch: usize,
        part: crate::policy::Part,
        file: Option<String>,
        line: u32,
        text: String,
        /// Written on the interdiff: the lines it was written under.
        interdiff: Option<Vec<String>>,
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
    pub statuses: std::collections::BTreeMap<String, crate::triage::status::Status>,
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
        queue: std::sync::Arc<Queue>,
        findings: Vec<Vec<Finding>>,
        /// Each patch's MAINTAINERS sections and people (empty without a tree).
        owners: Vec<crate::maintainers::Lookup>,
        /// Each series against its previous version (empty until the load is done).
        versions: crate::revisions::Versions,
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
    /// A planned trailer: the preview lines and the rules still needing a waiver.
    TrailerPlan {
        ask: TrailerAsk,
        preview: Vec<crate::triage::desk::PreviewLine>,
        unwaived: Vec<String>,
    },
    /// The desk worker ran the oldest effect in flight; what it sent back, if anything.
    Worked(Option<Box<Incoming>>),
}
