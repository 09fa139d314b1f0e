//! The desk's state: plain data, owned by the event loop, changed only by `update`, read by
//! `render`. Nothing here does I/O.

use super::action::Context;
use super::filter::{Filter, Match, Query};
use super::key::KeyChord;
use super::keymap::Keymap;
use super::list::{self, List};
use super::patch_model::{NoteView, PatchModel, ReplyTrailerView};
use super::summary::{self, Summary};
use super::theme::Theme;
use crate::policy::Finding;
use crate::queue::Queue;
use chrono::{DateTime, FixedOffset};
use std::collections::BTreeMap;
use std::sync::Arc;

/// How many filter results are kept for backspacing.
const FILTER_CACHE: usize = 32;

/// An overlay over the current view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help {
        scroll: usize,
    },
    Files {
        selected: usize,
    },
    /// The trailer preview of `AppState::confirm`, scrolled.
    Confirm {
        scroll: usize,
    },
    /// The export preview of `AppState::export`, scrolled.
    ConfirmExport {
        scroll: usize,
    },
    /// The list of every note; `selected` indexes `AppState::note_list`.
    Notes {
        selected: usize,
    },
    /// The status picker over `target`; `selected` indexes [`STATUS_NAMES`].
    Status {
        selected: usize,
        target: super::boundary::DeskTarget,
    },
}

/// The statuses the picker offers, in order.
pub use crate::triage::status::STATUS_NAMES;

/// What a prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Filter,
    Search,
    /// A note on the model line in `Prompt::origin`.
    Note,
    /// The reason for waiving `AppState::confirm`'s first unwaived rule.
    Waiver,
    /// The output file (or repository) of `AppState::export`.
    ExportTarget,
    /// The branch `AppState::export` (an apply) creates.
    ExportBranch,
    /// The revision `AppState::export` (an apply) starts from.
    ExportOnto,
    /// The optional until-date (`YYYY-MM-DD`) of a deferral picked for the target.
    DeferUntil(super::boundary::DeskTarget),
    /// A note on a whole patch or series.
    WholeNote(super::boundary::DeskTarget),
    /// The new text of a note (by desk note id), pre-filled with the old one.
    EditNote(u64),
}

/// An export or apply being set up: target asked, then the preview confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportPending {
    pub ask: super::boundary::ExportAsk,
    /// What will be written where (`export::actions::preview`).
    pub preview: Vec<String>,
    /// Why it cannot be written as set up (the options may change that).
    pub refused: Option<String>,
}

/// A planned trailer waiting for waivers or the maintainer's confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub ask: super::boundary::TrailerAsk,
    /// The exact resulting trailer blocks, skipped lines with reasons, waivers.
    pub preview: Vec<crate::triage::desk::PreviewLine>,
    /// Rules still needing a waiver reason, in order.
    pub unwaived: Vec<String>,
}

/// A text prompt at the bottom line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
    /// The text before the prompt opened, restored on cancel.
    pub before: String,
    /// Where the view was when the prompt opened (search starts from there).
    pub origin: usize,
    /// Why the typed text was refused (shown until the next edit).
    pub error: Option<String>,
}

impl Prompt {
    /// A prompt of `kind` with nothing typed yet.
    pub fn empty(kind: PromptKind) -> Prompt {
        Prompt {
            kind,
            text: String::new(),
            before: String::new(),
            origin: 0,
            error: None,
        }
    }
}

/// Search in the open patch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    /// (line index into the model, start, end) byte ranges, in order.
    pub matches: Vec<(usize, usize, usize)>,
    pub current: Option<usize>,
}

/// What the desk says of one patch, for its view.
#[derive(Debug, Clone, Copy)]
pub struct PatchDesk<'a> {
    pub notes: &'a [NoteView],
    pub reply_trailers: &'a [ReplyTrailerView],
}

/// The open patch.
#[derive(Debug, Clone)]
pub struct PatchView {
    pub index: usize,
    /// What the view shows of the patch: itself, its previous version, its interdiff, or
    /// its series' range-diff.
    pub shows: Shown,
    pub model: PatchModel,
    /// Model line indices shown (annotation lines drop out when inline findings are off).
    pub visible: Vec<usize>,
    /// Position in `visible` of the top line.
    pub offset: usize,
    /// Position in `model.finding_order` of the finding jumped to last.
    pub current: Option<usize>,
    pub search: Search,
    pub wrap: bool,
    pub inline: bool,
    pub pane: bool,
    /// The note jumped to last (by desk note id): edit and delete act on it while it is on
    /// screen.
    pub note: Option<u64>,
}

pub use super::version_model::Shown;

impl PatchView {
    /// Opens patch `index` (builds its line model once) with what the desk says of it.
    pub fn open(
        queue: &impl crate::revisions::older::Lookup,
        own: &[Finding],
        desk: PatchDesk<'_>,
        index: usize,
        inline: bool,
        wrap: bool,
        pane: bool,
    ) -> PatchView {
        let mut model = PatchModel::build(queue, index, own);
        model.insert_reply_trailers(desk.reply_trailers);
        model.insert_notes(desk.notes);
        let mut v = PatchView {
            index,
            shows: Shown::Patch,
            model,
            visible: Vec::new(),
            offset: 0,
            current: None,
            search: Search::default(),
            wrap,
            inline,
            pane,
            note: None,
        };
        v.refresh_visible();
        v
    }

    /// Recomputes `visible` after the inline toggle, keeping the top line.
    pub fn refresh_visible(&mut self) {
        let top = self.visible.get(self.offset).copied();
        let inline = self.inline;
        self.visible = self
            .model
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                inline || !matches!(l.kind, super::patch_model::LineKind::Annotation(_))
            })
            .map(|(i, _)| i)
            .collect();
        self.offset = top.map_or(0, |t| self.position_of(t));
    }

    /// Position in `visible` of model line `line` (or the nearest line before it).
    pub fn position_of(&self, line: usize) -> usize {
        match self.visible.binary_search(&line) {
            Ok(p) => p,
            Err(p) => p.saturating_sub(1),
        }
    }
}

/// How far a background load has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loading {
    pub done: usize,
    pub total: Option<usize>,
    pub what: String,
}

/// Everything the desk shows.
#[derive(Debug)]
pub struct AppState {
    /// Shared with the desk worker, which reads it for the effect it is running.
    pub queue: Arc<Queue>,
    pub findings: Arc<Vec<Vec<Finding>>>,
    pub summaries: Vec<Summary>,
    /// Each patch's MAINTAINERS sections and people, indexed like the queue's patches
    /// (empty without a tree, or until the load has looked them up).
    pub owners: Arc<Vec<crate::maintainers::Lookup>>,
    /// Each series against its previous version, and each patch's mark against it.
    pub versions: Arc<crate::revisions::Versions>,
    /// The maintainer's own addresses (the `@` mark and `mine`).
    pub mine: crate::query::Mine,
    pub profile: String,
    /// Triage status by patch key; a patch not here is `new`. Filled by the triage work.
    pub statuses: BTreeMap<String, crate::triage::status::Status>,
    pub filter: Filter,
    pub query_text: String,
    pub query: Query,
    /// The filter result; `None` when no filter is set.
    pub matches: Option<Vec<Match>>,
    /// Results of the last few queries, oldest first (cleared when the queue changes).
    pub filter_cache: Vec<(Query, Vec<Match>)>,
    pub list: List,
    pub patch: Option<PatchView>,
    /// The range-diff a pair was opened from (Enter in `V`), which leaving the pair
    /// returns to.
    pub pair_from: Option<crate::tui::version_model::PairFrom>,
    pub overlay: Overlay,
    pub prompt: Option<Prompt>,
    /// Keys of a chord typed so far.
    pub pending: Vec<KeyChord>,
    pub keymap: Keymap,
    pub theme: Theme,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    pub now: DateTime<FixedOffset>,
    pub loading: Option<Loading>,
    /// A one-line message on the status line until the next key.
    pub message: Option<String>,
    /// Set by `update` when the screen must be redrawn.
    pub dirty: bool,
    /// Open patches with finding messages under their lines.
    pub inline_default: bool,
    /// True when decisions cannot be recorded (no desk, or another patchdesk holds the lock).
    pub desk_read_only: bool,
    /// A trailer being planned (waivers asked, then the preview confirmed).
    pub confirm: Option<Confirm>,
    /// An export being set up.
    pub export: Option<ExportPending>,
    /// Line notes by patch key (from the desk).
    pub notes: BTreeMap<String, Vec<NoteView>>,
    /// Patches with a recorded waiver, by key.
    pub waived: std::collections::BTreeSet<String>,
    /// Patches NACKed in a reply, by key.
    pub nacked: std::collections::BTreeSet<String>,
    /// Every note, as the notes list shows them.
    pub note_list: Vec<super::boundary::NoteEntry>,
    /// Trailers from replies with their desk state, by patch key.
    pub reply_trailers: BTreeMap<String, Vec<ReplyTrailerView>>,
    /// The maintainer's trailers recorded at the desk, by patch key (counted in A/R/T).
    pub recorded: BTreeMap<String, Vec<crate::patch::Trailer>>,
    /// Effects sent to the desk worker whose results have not come back, oldest first, as
    /// the status line names them ("saving").
    pub in_flight: std::collections::VecDeque<String>,
}

impl AppState {
    /// A desk over `queue` with its findings.
    pub fn new(
        queue: impl Into<Arc<Queue>>,
        findings: Vec<Vec<Finding>>,
        profile: &str,
        keymap: Keymap,
        theme: Theme,
        now: DateTime<FixedOffset>,
    ) -> AppState {
        let mut s = AppState {
            queue: Arc::new(Queue::default()),
            findings: Arc::new(Vec::new()),
            summaries: Vec::new(),
            owners: Arc::new(Vec::new()),
            versions: Arc::default(),
            mine: crate::query::Mine::default(),
            profile: profile.to_string(),
            statuses: BTreeMap::new(),
            filter: Filter::default(),
            query_text: String::new(),
            query: Query::default(),
            matches: None,
            filter_cache: Vec::new(),
            list: List::default(),
            patch: None,
            pair_from: None,
            overlay: Overlay::None,
            prompt: None,
            pending: Vec::new(),
            keymap,
            theme,
            size: (80, 24),
            now,
            loading: None,
            message: None,
            dirty: true,
            inline_default: true,
            desk_read_only: false,
            confirm: None,
            export: None,
            notes: BTreeMap::new(),
            waived: Default::default(),
            nacked: Default::default(),
            recorded: BTreeMap::new(),
            note_list: Vec::new(),
            reply_trailers: BTreeMap::new(),
            in_flight: Default::default(),
        };
        s.set_queue(queue, findings);
        s
    }

    /// Replaces the queue (a load finished or published more), keeping the selection, the
    /// filter and the open patch where their keys still exist.
    pub fn set_queue(&mut self, queue: impl Into<Arc<Queue>>, mut findings: Vec<Vec<Finding>>) {
        let queue: Arc<Queue> = queue.into();
        findings.resize(queue.patches.len(), Vec::new());
        let selected_key = self
            .list
            .rows
            .get(self.list.selected)
            .and_then(|r| self.list.patch_of(*r))
            .and_then(|p| self.queue.patches.get(p))
            .map(|p| p.key.clone());
        let open_key = self
            .patch
            .as_ref()
            .and_then(|v| self.queue.patches.get(v.index))
            .map(|p| p.key.clone());
        self.summaries = summary::summarise(&queue, &findings);
        summary::with_recorded(&mut self.summaries, &queue, &self.recorded);
        self.owners = Arc::new(Vec::new());
        self.versions = Arc::default();
        self.pair_from = None;
        crate::query::owners::apply(&mut self.summaries, &queue, &[], &self.mine);
        self.list.groups = list::groups(&queue);
        self.list.folded.clear();
        self.list.rows.clear();
        self.queue = queue;
        self.findings = Arc::new(findings);
        self.refilter(true);
        let find = |key: &Option<String>| {
            key.as_ref()
                .and_then(|k| self.queue.patches.iter().position(|p| &p.key == k))
        };
        if let Some(p) = find(&selected_key) {
            self.list.select_patch(p);
        }
        if let Some(view) = &self.patch {
            let (inline, wrap, pane, offset) = (view.inline, view.wrap, view.pane, view.offset);
            self.patch = find(&open_key).map(|p| {
                let mut v = self.open_view(p, inline, wrap, pane);
                v.offset = offset.min(v.visible.len().saturating_sub(1));
                v
            });
        }
        self.dirty = true;
    }

    /// Takes the maintainer's own addresses and marks what is mine by them.
    pub fn set_mine(&mut self, mine: crate::query::Mine) {
        self.mine = mine;
        crate::query::owners::apply(&mut self.summaries, &self.queue, &self.owners, &self.mine);
        self.refilter(true);
        self.dirty = true;
    }

    /// Takes each patch's sections and people (looked up off the key path) and marks what is
    /// mine by them; without them ([`AppState::set_queue`] marked mine by To/Cc) nothing
    /// changes.
    pub fn set_owners(&mut self, owners: Vec<crate::maintainers::Lookup>) {
        if owners.is_empty() || owners.len() != self.queue.patches.len() {
            return;
        }
        crate::query::owners::apply(&mut self.summaries, &self.queue, &owners, &self.mine);
        self.owners = Arc::new(owners);
        self.refilter(true);
        self.dirty = true;
    }

    /// Takes the versions of the queue's series (worked out off the key path).
    pub fn set_versions(&mut self, versions: crate::revisions::Versions) {
        if versions.patches.len() != self.queue.patches.len() {
            return;
        }
        self.versions = Arc::new(versions);
        self.dirty = true;
    }

    /// Patch `index`: the loaded queue's, else an earlier version from the archive of
    /// reviewed patches (positions after the queue's).
    pub fn patch_at(&self, index: usize) -> Option<&crate::patch::Patch> {
        self.versions.beside(&self.queue).patch_at(index)
    }

    /// Series `k`, loaded or from the archive of reviewed patches.
    pub fn series_at(&self, k: usize) -> Option<&crate::queue::Series> {
        self.versions.beside(&self.queue).series_at(k)
    }

    /// Whether patch `index` is an earlier version from the archive (shown, not changed).
    pub fn is_archived(&self, index: usize) -> bool {
        self.versions.beside(&self.queue).is_archived_patch(index)
    }

    /// Opens the view of patch `index` (loaded or archived) with the desk's notes on it.
    pub fn open_view(&self, index: usize, inline: bool, wrap: bool, pane: bool) -> PatchView {
        PatchView::open(
            &self.versions.beside(&self.queue),
            self.versions.findings_of(&self.findings, index),
            self.desk_of(index),
            index,
            inline,
            wrap,
            pane,
        )
    }

    /// What patch `index` is against the previous version of its series.
    pub fn version_of(&self, index: usize) -> Option<&crate::revisions::PatchVersion> {
        self.versions.patches.get(index)?.as_ref()
    }

    /// The sections and people of patch `index`, when a tree is known.
    pub fn owners_of(&self, index: usize) -> Option<&crate::maintainers::Lookup> {
        self.owners.get(index)
    }

    /// Takes what the desk now says: statuses, notes and marks; re-filters and rebuilds the
    /// open patch (its notes may have changed), keeping its scroll position.
    pub fn set_desk(&mut self, view: super::boundary::DeskView) {
        self.statuses = view.statuses;
        self.notes = view.notes;
        self.waived = view.waived;
        self.nacked = view.nacked;
        self.desk_read_only = view.read_only;
        self.note_list = view.note_list;
        self.reply_trailers = view.reply_trailers;
        if let Overlay::Notes { selected } = self.overlay {
            self.overlay = match self.note_list.len() {
                0 => Overlay::None,
                n => Overlay::Notes {
                    selected: selected.min(n - 1),
                },
            };
        }
        if view.recorded != self.recorded {
            self.recorded = view.recorded;
            summary::with_recorded(&mut self.summaries, &self.queue, &self.recorded);
        }
        self.refilter(true);
        // In the order the (re-filtered) queue view shows.
        self.sort_note_list();
        if let Some(old) = self.patch.take() {
            let top = old
                .visible
                .get(old.offset)
                .and_then(|&l| old.model.anchor_of(l));
            let mut v = self.open_view(old.index, old.inline, old.wrap, old.pane);
            let same =
                (0..v.model.lines.len()).find(|&l| top.is_some() && v.model.anchor_of(l) == top);
            v.offset = match same {
                Some(l) => v.position_of(l),
                None => old.offset.min(v.visible.len().saturating_sub(1)),
            };
            v.note = old.note;
            v.shows = old.shows;
            if let Some(model) = super::version_model::model_for(
                &self.queue,
                &self.versions,
                &self.findings,
                old.index,
                old.shows,
                self.notes_of(old.index),
            ) {
                v.model = model;
                v.refresh_visible();
                v.offset = old.offset.min(v.visible.len().saturating_sub(1));
            }
            self.patch = Some(v);
        }
        self.dirty = true;
    }

    /// Orders the notes list as the queue view shows the patches (a stable sort: notes of
    /// one patch keep their order; patches the view does not show go last).
    pub fn sort_note_list(&mut self) {
        if self.note_list.len() < 2 {
            return;
        }
        let mut rank = vec![usize::MAX; self.queue.patches.len()];
        for (r, &p) in self.list.order.iter().enumerate() {
            if let Some(slot) = rank.get_mut(p) {
                *slot = r;
            }
        }
        self.note_list.sort_by_key(|n| {
            n.patch
                .and_then(|p| rank.get(p).copied())
                .unwrap_or(usize::MAX)
        });
    }

    /// What the desk says of patch `index`, for its view.
    pub fn desk_of(&self, index: usize) -> PatchDesk<'_> {
        PatchDesk {
            notes: self.notes_of(index),
            reply_trailers: self
                .patch_at(index)
                .and_then(|p| self.reply_trailers.get(&p.key))
                .map_or(&[], Vec::as_slice),
        }
    }

    /// A note of patch `index` by id.
    pub fn note_of(&self, index: usize, id: u64) -> Option<&NoteView> {
        self.notes_of(index).iter().find(|n| n.id == id)
    }

    /// The notes shown in patch `index`: on its lines, on it, on its series.
    pub fn notes_of(&self, index: usize) -> &[NoteView] {
        self.patch_at(index)
            .and_then(|p| self.notes.get(&p.key))
            .map_or(&[], Vec::as_slice)
    }

    /// The triage status of patch `index` (`new` when the desk has none).
    pub fn status(&self, index: usize) -> crate::triage::status::Status {
        self.patch_at(index)
            .and_then(|p| self.statuses.get(&p.key))
            .cloned()
            .unwrap_or_default()
    }

    /// The triage status of patch `index` as the views and the filter say it
    /// (`deferred until 2026-12-24`).
    pub fn status_of(&self, index: usize) -> String {
        self.status(index).to_string()
    }

    /// Re-runs the filter; `full` ignores the previous result (the queue changed).
    pub fn refilter(&mut self, full: bool) {
        let query = Query::parse(&self.query_text);
        if query.is_empty() {
            self.matches = None;
        } else {
            let statuses: Vec<String> = if query.statuses.is_empty() {
                Vec::new()
            } else {
                (0..self.queue.patches.len())
                    .map(|i| self.status_of(i))
                    .collect()
            };
            let status = |i: usize| statuses.get(i).map_or("", String::as_str);
            let narrowing = !full && self.matches.is_some() && query.narrows(&self.query);
            let cached = if full {
                self.filter_cache.clear();
                None
            } else {
                self.filter_cache
                    .iter()
                    .find(|(q, _)| *q == query)
                    .map(|(_, m)| m.clone())
            };
            let result = match (&self.matches, narrowing) {
                _ if cached.is_some() => cached.unwrap_or_default(),
                (Some(prev), true) => {
                    let mut cands: Vec<usize> = prev.iter().map(|m| m.index).collect();
                    cands.sort_unstable();
                    self.filter
                        .run(&self.summaries, cands.into_iter(), &status, &query)
                }
                _ => self
                    .filter
                    .run(&self.summaries, 0..self.summaries.len(), &status, &query),
            };
            // Backspacing returns to a query typed a moment ago: keep the last few results.
            if !self.filter_cache.iter().any(|(q, _)| *q == query) {
                if self.filter_cache.len() >= FILTER_CACHE {
                    self.filter_cache.remove(0);
                }
                self.filter_cache.push((query.clone(), result.clone()));
            }
            self.matches = Some(result);
        }
        self.query = query;
        self.list
            .rebuild(&self.queue, &self.summaries, self.matches.as_deref());
        self.list.scroll_into_view(self.list_height());
        self.dirty = true;
    }

    /// The first reply trailer on screen that came with a warning: (patch, `Key: value`).
    pub fn warned_trailer_on_screen(&self) -> Option<(usize, String)> {
        use super::patch_model::{LineKind, ReplyTrailerState};
        let v = self.patch.as_ref()?;
        let body = self.body_height();
        v.visible
            .iter()
            .skip(v.offset)
            .take(body)
            .find_map(|&l| match v.model.lines.get(l)?.kind {
                LineKind::ReplyTrailer {
                    index,
                    state: ReplyTrailerState::Warning,
                } => v.model.reply_trailers.get(index),
                _ => None,
            })
            .map(|t| (v.index, t.line.clone()))
    }

    /// The note edit and delete act on: the one jumped to last while it is on screen, else the
    /// first note on screen from the top.
    pub fn note_target(&self) -> Option<u64> {
        use super::patch_model::LineKind;
        let v = self.patch.as_ref()?;
        let body = self.body_height();
        let on_screen = || {
            v.visible.iter().skip(v.offset).take(body).filter_map(|&l| {
                match v.model.lines.get(l)?.kind {
                    LineKind::Note(id) => Some(id),
                    _ => None,
                }
            })
        };
        match v.note {
            Some(id) if on_screen().any(|n| n == id) => Some(id),
            _ => on_screen().next(),
        }
    }

    /// The context keys are looked up in.
    pub fn context(&self) -> Context {
        if self.prompt.is_some() {
            Context::Prompt
        } else {
            match self.overlay {
                Overlay::Help { .. } => Context::Help,
                Overlay::Files { .. } => Context::Files,
                Overlay::Notes { .. } => Context::Notes,
                Overlay::Status { .. } => Context::Picker,
                Overlay::Confirm { .. } => Context::Confirm,
                Overlay::ConfirmExport { .. } => Context::Export,
                Overlay::None if self.patch.is_some() => Context::Patch,
                Overlay::None => Context::Queue,
            }
        }
    }

    /// Rows of the queue list on screen (title, column header and status line take 3).
    pub fn list_height(&self) -> usize {
        (self.size.1 as usize).saturating_sub(3).max(1)
    }

    /// Rows of the findings pane in the patch view (0 when hidden).
    pub fn pane_height(&self) -> usize {
        let Some(v) = &self.patch else { return 0 };
        let n = v.model.finding_order.len();
        if !v.pane || n == 0 || self.size.1 < 16 {
            return 0;
        }
        (n + 3).min(self.size.1 as usize / 4).max(4)
    }

    /// Rows of the patch body on screen (2 header rows, the pane, the status line).
    pub fn body_height(&self) -> usize {
        (self.size.1 as usize)
            .saturating_sub(3 + self.header_extra() + self.pane_height())
            .max(1)
    }

    /// Lines the patch header has beyond its two: one for the sections and people when a
    /// MAINTAINERS file is known.
    pub fn header_extra(&self) -> usize {
        usize::from(!self.owners.is_empty())
    }

    /// Width of the patch text area (without the gutter).
    pub fn text_width(&self) -> usize {
        let gutter = self
            .patch
            .as_ref()
            .map_or(12, |v| 2 * v.model.number_width + 4);
        (self.size.0 as usize).saturating_sub(gutter).max(1)
    }
}
