//! The desk: a keyboard-driven terminal UI over a queue and its findings.
//!
//! ```text
//!  crossterm event ─► key::from_crossterm (Press only, one SHIFT rule) ─► KeyChord
//!        KeyChord ─► keymap.resolve(context, pending) ─► Action | Pending | NotFound
//!          Action ─► update::update(&mut AppState) ─► Vec<Effect>  (pure; the loop runs effects)
//!          Effect ─► desk_link::DeskLink (triage desk, exports) ─► Incoming::Desk | TrailerPlan | …
//!        AppState ─► render::render(&AppState, &mut Frame)        (only when state.dirty)
//! ```
//!
//! The triage desk (status, notes, trailers with the gate, undo, exports) lives in
//! [`desk_link`], outside `update`: the event loop and headless replay both run effects
//! through it and feed the results back as [`update::Incoming`] events. Editing a note in
//! the maintainer's editor (`Effect::EditNoteExternally`) is run by the event loop alone: it
//! parks the input thread, leaves raw mode and the alternate screen for the editor, and takes
//! the terminal back afterwards; headless replay refuses it.
//!
//! Modules: [`action`] (the action table), [`desk_link`] (desk effects), [`key`] and [`keymap`] (keys, files, chords),
//! [`state`] (plain data), [`summary`], [`filter`] and [`list`] (the queue view's model),
//! [`patch_model`] (the patch view's line model), [`update`], [`render`], [`theme`],
//! [`headless`] (key scripts and screen dumps) and [`sample`] (queues for tests and benches).
//! This is the only module that uses ratatui and crossterm.

pub mod action;
pub mod boundary;
pub mod desk_link;
pub use crate::query::filter;
pub mod headless;
pub mod key;
pub mod keymap;
pub mod list;
pub mod patch_model;
pub mod render;
pub mod sample;
pub mod state;
pub use crate::query::summary;
#[cfg(test)]
mod query_tests;
pub mod theme;
pub mod update;
pub mod version_model;
pub mod worker;

use crate::policy::Finding;
use crate::queue::Queue;
use crate::{Error, Result};
use chrono::{DateTime, FixedOffset};
use keymap::Keymap;
use state::AppState;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};
use update::{Effect, Incoming};

pub use headless::Output;

/// How the desk is set up; build it (and so load the keymap) before the terminal goes raw.
#[derive(Debug, Clone)]
pub struct Options {
    pub keymap: Keymap,
    /// Colours on (false under `NO_COLOR`).
    pub color: bool,
    /// The time ages are measured from; `None` for the clock.
    pub now: Option<DateTime<FixedOffset>>,
    /// A line for the status bar when the desk opens (e.g. why the demo queue is shown).
    pub notice: Option<String>,
    /// Where the triage desk keeps its state (`triage::store::default_data_dir` in the
    /// binary, a temp dir in tests); `None` disables the desk: a read-only view.
    pub data_dir: Option<std::path::PathBuf>,
    /// `Name <email>` for the maintainer's trailers (git config in the binary).
    pub identity: Option<String>,
    /// The editor for notes, program and arguments (`triage::notes::editor_command` in the
    /// binary); `None`: notes are edited in the prompt only. Never run by headless replay.
    pub editor: Option<Vec<String>>,
    /// The MAINTAINERS of `--tree` (or the source's configured tree), if any.
    pub maintainers: Option<std::sync::Arc<crate::maintainers::Maintainers>>,
    /// The maintainer's own addresses: which patches are "mine".
    pub mine: crate::query::Mine,
}

impl Options {
    /// Options with a keymap, colour unless `NO_COLOR` is set.
    pub fn new(keymap: Keymap) -> Options {
        Options {
            keymap,
            color: !theme::no_color_requested(),
            now: None,
            notice: None,
            data_dir: None,
            identity: None,
            editor: None,
            maintainers: None,
            mine: crate::query::Mine::default(),
        }
    }

    /// Loads the keymap the usual way: default, then `--keymap NAME|FILE`, then the user's
    /// `keymap.toml` (pass [`keymap::user_keymap_path`] in the binary; tests pass a temp path
    /// or `None`). Every problem is in the error.
    pub fn load(
        keymap_spec: Option<&str>,
        user_keymap: Option<&std::path::Path>,
    ) -> Result<Options> {
        Ok(Options::new(Keymap::load(keymap_spec, user_keymap)?))
    }

    /// Each patch's sections and people under these options' MAINTAINERS (none without).
    fn owners(&self, queue: &Queue) -> Vec<crate::maintainers::Lookup> {
        self.maintainers
            .as_ref()
            .map(|m| crate::query::owners_of(queue, m))
            .unwrap_or_default()
    }

    fn state(&self, queue: Queue, findings: Vec<Vec<Finding>>, profile: &str) -> AppState {
        self.state_loaded(self.loaded(queue, findings), profile)
    }

    /// What a load works out of `queue` and its findings, done here: owners and versions.
    fn loaded(&self, queue: Queue, findings: Vec<Vec<Finding>>) -> Loaded {
        let versions =
            crate::revisions::Versions::build(&queue, crate::revisions::link(&queue), &findings);
        Loaded {
            owners: self.owners(&queue),
            queue: Arc::new(queue),
            findings,
            versions,
        }
    }

    /// The desk's state over what a load worked out.
    fn state_loaded(&self, loaded: Loaded, profile: &str) -> AppState {
        let Loaded {
            queue,
            findings,
            owners,
            versions,
        } = loaded;
        let problem = versions.families.problems.first().cloned();
        let now = self
            .now
            .unwrap_or_else(|| chrono::Utc::now().fixed_offset());
        let mut state = AppState::new(
            queue,
            findings,
            profile,
            self.keymap.clone(),
            theme::Theme::new(self.color),
            now,
        );
        state.set_mine(self.mine.clone());
        state.set_owners(owners);
        state.set_versions(versions);
        state.message = self
            .notice
            .clone()
            .or_else(|| Some(state.queue.window.as_ref()?.describe()))
            .or(problem);
        state
    }

    /// The desk link of an interactive desk.
    fn link(&self) -> desk_link::DeskLink {
        desk_link::DeskLink::new(self.data_dir.clone(), self.identity.clone())
    }

    /// The editor notes are edited in.
    fn editor(&self) -> desk_link::NoteEditor {
        desk_link::NoteEditor {
            command: self.editor.clone(),
            temp_dir: std::env::temp_dir(),
        }
    }
}

/// Replays `keys` (e.g. `jj<enter>n`) and returns the final screen of `size` as plain text or
/// with ANSI colours (`--keys ... --print[=ansi]`).
pub fn run_headless(
    queue: Queue,
    findings: Vec<Vec<Finding>>,
    profile_name: &str,
    options: &Options,
    keys: &str,
    size: (u16, u16),
    output: Output,
) -> Result<String> {
    let loaded = options.loaded(queue, findings);
    run_headless_loaded(loaded, profile_name, options, keys, size, output)
}

/// [`run_headless`] over what a load worked out (versions against the archive included).
pub fn run_headless_loaded(
    loaded: Loaded,
    profile_name: &str,
    options: &Options,
    keys: &str,
    size: (u16, u16),
    output: Output,
) -> Result<String> {
    let script = headless::parse_script(keys)?;
    let mut state = options.state_loaded(loaded, profile_name);
    let mut link = desk_link::DeskLink::new(options.data_dir.clone(), options.identity.clone());
    headless::replay(&mut state, &mut link, &script, size, output)
}

/// Reports a background load's progress to the desk; cheap to call per message (sends at most
/// 20 updates a second).
#[derive(Clone)]
pub struct LoadProgress {
    tx: Sender<Incoming>,
    last: std::cell::Cell<Option<Instant>>,
}

impl LoadProgress {
    fn due(&self) -> bool {
        let now = Instant::now();
        match self.last.get() {
            Some(t) if now.duration_since(t) < Duration::from_millis(50) => false,
            _ => {
                self.last.set(Some(now));
                true
            }
        }
    }

    /// `done` of `total` units of `what` (e.g. "messages") are read.
    pub fn progress(&self, done: usize, total: Option<usize>, what: &str) {
        if self.due() {
            let _ = self.tx.send(Incoming::Progress {
                done,
                total,
                what: what.to_string(),
            });
        }
    }

    /// A progress reporter that sends to `tx` (what [`run_loading`] hands its loader).
    pub fn new(tx: Sender<Incoming>) -> LoadProgress {
        LoadProgress {
            tx,
            last: std::cell::Cell::new(None),
        }
    }

    /// A watcher of the load ([`crate::progress::watching`]) that shows how many messages
    /// are read, and lists the patches of `source` built so far (those since `since`,
    /// grouped into series) every quarter of a second, so the list fills while a large
    /// source is read. A list that takes long to make waits four times as long for the
    /// next, so the listing never takes more than a fifth of the load.
    pub fn watcher(
        &self,
        source: &str,
        since: Option<chrono::DateTime<chrono::FixedOffset>>,
    ) -> impl FnMut(&crate::progress::Event<'_>) + 'static {
        use crate::progress::Event;
        let progress = self.clone();
        let source = source.to_string();
        let mut listed = Instant::now();
        let mut wait = Duration::from_millis(250);
        move |event| match *event {
            Event::Read { done, total } => progress.progress(done, Some(total), "messages read"),
            Event::Built { so_far, total } => {
                let Some(patches) = so_far.downcast_ref::<Vec<crate::patch::Patch>>() else {
                    return;
                };
                progress.progress(patches.len(), Some(total), "patches built");
                // The last batch is listed whole, grouped, right after.
                if patches.len() < total && listed.elapsed() >= wait {
                    let started = Instant::now();
                    let parsed = crate::patch::Parsed {
                        patches: patches.to_vec(),
                        ..Default::default()
                    }
                    .since(since);
                    progress.publish(Arc::new(crate::queue::build_parsed(&source, parsed)));
                    listed = Instant::now();
                    wait = Duration::from_millis(250).max(4 * started.elapsed());
                }
            }
        }
    }

    /// Shows the queue now, before its findings (the list fills while the check runs).
    pub fn publish(&self, queue: Arc<Queue>) {
        let _ = self.tx.send(Incoming::Queue {
            queue,
            findings: Vec::new(),
            owners: Vec::new(),
            versions: Default::default(),
            done: false,
        });
    }
}

/// Opens the desk on the real terminal over a loaded queue.
pub fn run(
    queue: Queue,
    findings: Vec<Vec<Finding>>,
    profile_name: &str,
    options: &Options,
) -> Result<()> {
    let (tx, rx) = mpsc::channel();
    let state = options.state(queue, findings, profile_name);
    event_loop(state, options, vec![Effect::OpenDesk], tx, rx)
}

/// Opens the desk at once and loads on a worker thread: `loader` reports progress, may
/// publish partial queues, and returns the full queue with its findings and each patch's
/// MAINTAINERS lookup (empty without a tree).
/// What a background load hands the desk: the queue and what was worked out about it.
pub struct Loaded {
    /// Shared with the desk, which may already show it while the check runs.
    pub queue: Arc<Queue>,
    pub findings: Vec<Vec<Finding>>,
    /// Each patch's MAINTAINERS sections and people (empty without a tree).
    pub owners: Vec<crate::maintainers::Lookup>,
    pub versions: crate::revisions::Versions,
}

pub fn run_loading<F>(
    source_name: &str,
    profile_name: &str,
    options: &Options,
    loader: F,
) -> Result<()>
where
    F: FnOnce(&LoadProgress) -> Result<Loaded> + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let queue = Queue {
        source: source_name.to_string(),
        ..Queue::default()
    };
    let mut state = options.state(queue, Vec::new(), profile_name);
    state.loading = Some(state::Loading {
        done: 0,
        total: None,
        what: "loading".into(),
    });
    let worker_tx = tx.clone();
    std::thread::spawn(move || {
        let progress = LoadProgress::new(worker_tx.clone());
        let msg = match loader(&progress) {
            // Findings and whose patch it is come from here, never the key path.
            Ok(Loaded {
                queue,
                findings,
                owners,
                versions,
            }) => Incoming::Queue {
                queue,
                findings,
                owners,
                versions,
                done: true,
            },
            Err(e) => Incoming::LoadFailed(e.to_string()),
        };
        let _ = worker_tx.send(msg);
    });
    // The desk opens when the load is done (`Incoming::Queue` with `done`).
    event_loop(state, options, Vec::new(), tx, rx)
}

/// The thread that reads the terminal's input, which can be parked while another program
/// (the editor) owns the terminal so that it reads no key meant for that program.
struct Input {
    /// `true` parks the thread, `false` lets it go on.
    control: Sender<bool>,
    /// Says the thread is parked.
    parked: Receiver<()>,
}

impl Input {
    fn spawn(tx: Sender<Incoming>) -> Input {
        use crossterm::event::{Event, poll, read};
        use std::sync::mpsc::TryRecvError;
        let (control, orders) = mpsc::channel::<bool>();
        let (parked_tx, parked) = mpsc::channel();
        std::thread::spawn(move || {
            loop {
                match orders.try_recv() {
                    Ok(true) => {
                        let _ = parked_tx.send(());
                        loop {
                            match orders.recv() {
                                Ok(false) => break,
                                Ok(true) => {
                                    let _ = parked_tx.send(());
                                }
                                Err(_) => return,
                            }
                        }
                    }
                    Ok(false) | Err(TryRecvError::Empty) => {}
                    Err(TryRecvError::Disconnected) => return,
                }
                // Wait a little at a time, so a park order is seen within 50 ms.
                match poll(Duration::from_millis(50)) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(_) => return,
                }
                let msg = match read() {
                    Ok(Event::Key(k)) => match key::from_crossterm(&k) {
                        Some(chord) => Incoming::Key(chord),
                        None => continue,
                    },
                    Ok(Event::Resize(w, h)) => Incoming::Resize(w, h),
                    Ok(_) => continue,
                    Err(_) => return,
                };
                if tx.send(msg).is_err() {
                    return;
                }
            }
        });
        Input { control, parked }
    }

    /// Parks the thread and waits until it has stopped reading.
    fn park(&self) {
        if self.control.send(true).is_ok() {
            let _ = self.parked.recv_timeout(Duration::from_secs(1));
        }
    }

    fn resume(&self) {
        let _ = self.control.send(false);
    }
}

/// Hands the terminal to `run` (the editor): input parked, raw mode and the alternate screen
/// left, the cursor shown; then takes it back and redraws everything.
fn with_terminal_released<T>(
    terminal: &mut ratatui::DefaultTerminal,
    input: &Input,
    run: impl FnOnce() -> T,
) -> Result<T> {
    input.park();
    ratatui::try_restore().map_err(|e| Error::io("terminal", e))?;
    let _ = terminal.show_cursor();
    let out = run();
    crossterm::terminal::enable_raw_mode().map_err(|e| Error::io("terminal", e))?;
    crossterm::execute!(std::io::stdout(), crossterm::terminal::EnterAlternateScreen)
        .map_err(|e| Error::io("terminal", e))?;
    terminal.clear().map_err(|e| Error::io("terminal", e))?;
    input.resume();
    Ok(out)
}

fn event_loop(
    mut state: AppState,
    options: &Options,
    first: Vec<Effect>,
    tx: Sender<Incoming>,
    rx: Receiver<Incoming>,
) -> Result<()> {
    let worker = worker::Worker::spawn(options.link(), tx.clone());
    let editor = options.editor();
    // ratatui::init enters raw mode and the alternate screen and installs a panic hook that
    // restores the terminal before the panic message prints.
    let mut terminal = ratatui::try_init().map_err(|e| Error::io("terminal", e))?;
    let result = drive(&mut state, &worker, &editor, first, &mut terminal, tx, rx);
    let restored = ratatui::try_restore().map_err(|e| Error::io("terminal", e));
    // Every decision sent to the desk is written before the program ends.
    worker.finish();
    result.and(restored)
}

fn drive(
    state: &mut AppState,
    worker: &worker::Worker,
    editor: &desk_link::NoteEditor,
    first: Vec<Effect>,
    terminal: &mut ratatui::DefaultTerminal,
    tx: Sender<Incoming>,
    rx: Receiver<Incoming>,
) -> Result<()> {
    let size = terminal.size().map_err(|e| Error::io("terminal", e))?;
    update::receive(state, Incoming::Resize(size.width, size.height));
    let input = Input::spawn(tx);
    if !dispatch(state, worker, editor, terminal, &input, first)? {
        return Ok(());
    }
    loop {
        if state.dirty {
            terminal
                .draw(|f| render::render(state, f))
                .map_err(|e| Error::io("terminal", e))?;
            state.dirty = false;
        }
        let Ok(first) = rx.recv() else { return Ok(()) };
        // Handle everything already waiting before drawing again; each event's effects are
        // sent before the next event changes the state they were asked over.
        let mut next = Some(first);
        while let Some(event) = next {
            let effects = update::receive(state, event);
            if !dispatch(state, worker, editor, terminal, &input, effects)? {
                return Ok(());
            }
            next = rx.try_recv().ok();
        }
    }
}

/// Runs effects: quitting and the editor (which needs the terminal) here, the rest on the
/// desk worker; what the editor leaves goes to the worker in turn. False on quit.
fn dispatch(
    state: &mut AppState,
    worker: &worker::Worker,
    editor: &desk_link::NoteEditor,
    terminal: &mut ratatui::DefaultTerminal,
    input: &Input,
    effects: Vec<Effect>,
) -> Result<bool> {
    let mut effects = effects;
    while !effects.is_empty() {
        for effect in std::mem::take(&mut effects) {
            let effect = match effect {
                Effect::Quit => return Ok(false),
                Effect::EditNoteExternally { id, text } => {
                    match with_terminal_released(terminal, input, || editor.edit(id, &text))? {
                        Ok(edit) => edit,
                        Err(told) => {
                            effects.extend(update::receive(state, Incoming::Message(told)));
                            continue;
                        }
                    }
                }
                other => other,
            };
            if !worker.submit(state, effect) {
                let told = Incoming::Message("error: the desk worker stopped".into());
                effects.extend(update::receive(state, told));
            }
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_load_watcher_shows_the_count_and_lists_the_patches_built_so_far() {
        use crate::progress::Event;
        let (tx, rx) = mpsc::channel();
        let mut watcher = LoadProgress::new(tx).watcher("q.mbox", None);
        watcher(&Event::Read {
            done: 10,
            total: 40,
        });
        let (queue, _) = sample::small_queue();
        let first = queue.patches[..3].to_vec();
        // A quarter of a second into the load the patches so far are listed, grouped.
        std::thread::sleep(Duration::from_millis(260));
        watcher(&Event::Built {
            so_far: &first,
            total: 40,
        });
        // What is not a list of patches is not shown.
        watcher(&Event::Built {
            so_far: &vec![1u8],
            total: 40,
        });
        // The last batch is not: the whole queue follows.
        std::thread::sleep(Duration::from_millis(260));
        watcher(&Event::Built {
            so_far: &queue.patches,
            total: queue.patches.len(),
        });
        let got: Vec<Incoming> = rx.try_iter().collect();
        let progress: Vec<(usize, Option<usize>, String)> = got
            .iter()
            .filter_map(|m| match m {
                Incoming::Progress { done, total, what } => Some((*done, *total, what.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(progress[0], (10, Some(40), "messages read".to_string()));
        assert_eq!(progress[1], (3, Some(40), "patches built".to_string()));
        let listed: Vec<&Queue> = got
            .iter()
            .filter_map(|m| match m {
                Incoming::Queue {
                    queue, done: false, ..
                } => Some(&**queue),
                _ => None,
            })
            .collect();
        assert_eq!(listed.len(), 1, "only the partial list");
        assert_eq!(listed[0].patches.len(), 3);
        assert_eq!(listed[0].source, "q.mbox");
        assert!(!listed[0].series.is_empty());

        // With a window, a partial list holds only what is in it.
        let (tx, rx) = mpsc::channel();
        let since = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").unwrap();
        let mut watcher = LoadProgress::new(tx).watcher("q.mbox", Some(since));
        let mut first = first;
        for (p, year) in first.iter_mut().zip([2020, 2025, 2026]) {
            let at = format!("{year}-06-01T00:00:00Z");
            p.mail.date = chrono::DateTime::parse_from_rfc3339(&at).ok();
        }
        std::thread::sleep(Duration::from_millis(260));
        watcher(&Event::Built {
            so_far: &first,
            total: 40,
        });
        let sizes: Vec<usize> = rx
            .try_iter()
            .filter_map(|m| match m {
                Incoming::Queue { queue, .. } => Some(queue.patches.len()),
                _ => None,
            })
            .collect();
        assert_eq!(sizes, [2]);
    }

    #[test]
    fn headless_replays_keys_and_prints_plain_or_ansi() {
        let (q, f) = sample::small_queue();
        let mut o = Options::new(Keymap::default_keymap());
        o.now = Some(sample::now());
        o.color = true;
        let plain = run_headless(
            q.clone(),
            f.clone(),
            "qemu",
            &o,
            "jj<enter>",
            (80, 24),
            Output::Plain,
        )
        .unwrap();
        assert!(
            plain.contains("[PATCH v2 1/4] net: rename ring_len to ring_size"),
            "{plain}"
        );
        let ansi =
            run_headless(q.clone(), f.clone(), "qemu", &o, "", (80, 24), Output::Ansi).unwrap();
        assert!(ansi.contains("\x1b["));
        let e = run_headless(q, f, "qemu", &o, "<nokey>", (80, 24), Output::Plain).unwrap_err();
        assert!(e.to_string().contains("--keys"), "{e}");
    }
}
