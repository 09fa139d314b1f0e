//! The store: one JSON state file per queue in patchdesk's data dir, with a schema version
//! and serde defaults (older files load; files from a newer patchdesk are refused).
//!
//! - Every save is atomic: a temporary file in the same directory is written and fsynced,
//!   renamed over the state file, and the directory is fsynced. A crash leaves the old or the
//!   new state, never a mix.
//! - A lock (`<state>.lock`, fs4) guards every read-modify-write: an exclusive store holds
//!   it for its life (a second exclusive opener goes read-only, or — the command line — waits
//!   and then says the queue is busy); a shared store takes it for each save. No save ever
//!   overwrites a state file that changed since this store read it ([`Store`]).
//! - A state file that cannot be parsed is moved aside to `<state>.corrupt-<time>` and the
//!   load fails with an error naming that path; a file from a newer schema or an unreadable
//!   one fails the load and is left untouched. A failed load never leads to an overwrite.
//! - Decisions and notes follow a re-rolled series by `git patch-id` ([`DeskState::carry_over`]).

use super::gate::Waiver;
use super::notes::{Note, NoteTarget};
use super::status::Status;
use super::trailers::RecordedTrailer;
use crate::{Error, Result};
use fs4::fs_std::FileExt;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// The schema this build writes and the newest it reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Decisions about one patch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PatchState {
    /// The title, so a state file stays readable and carried-over entries can be named.
    pub title: String,
    /// `git patch-id --stable` of the diff when the state was last saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch_id: Option<String>,
    /// A hash of the commit message when the state was last saved: a re-roll with the
    /// same diff but another message is not the patch the maintainer's trailers were for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_hash: Option<String>,
    /// Set explicitly by the maintainer; `None` means `new`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Trailers the maintainer added, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trailers: Vec<RecordedTrailer>,
    /// Reply trailers the maintainer accepted although the sender did not match
    /// (`key: value` lines).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accepted_reply_trailers: Vec<String>,
    /// Key of the earlier version these decisions were carried over from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carried_over_from: Option<String>,
}

impl PatchState {
    /// True when nothing was decided (the entry need not be kept).
    pub fn is_empty(&self) -> bool {
        self.status.is_none() && self.trailers.is_empty() && self.accepted_reply_trailers.is_empty()
    }
}

/// Decisions about one series.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SeriesState {
    pub title: String,
    /// Set explicitly; `None` means the series follows its patches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The keys of its patches, so a re-roll can be recognised by them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub patch_keys: Vec<String>,
    /// Key of the earlier version's series this was carried over from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carried_over_from: Option<String>,
}

/// Everything the desk remembers about one queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeskState {
    pub schema_version: u32,
    /// The source as the user named it.
    pub source: String,
    /// By patch key.
    pub patches: BTreeMap<String, PatchState>,
    /// By series key (cover letter key, else first patch key).
    pub series: BTreeMap<String, SeriesState>,
    pub notes: Vec<Note>,
    pub next_note_id: u64,
    pub waivers: Vec<Waiver>,
}

impl Default for DeskState {
    fn default() -> Self {
        DeskState {
            schema_version: SCHEMA_VERSION,
            source: String::new(),
            patches: BTreeMap::new(),
            series: BTreeMap::new(),
            notes: Vec::new(),
            next_note_id: 1,
            waivers: Vec::new(),
        }
    }
}

/// A patch of the queue as loaded now, for [`DeskState::carry_over`].
#[derive(Debug, Clone)]
pub struct LoadedPatch<'a> {
    pub key: &'a str,
    pub title: &'a str,
    pub patch_id: Option<&'a str>,
    /// [`message_hash`] of its commit message.
    pub message_hash: Option<String>,
}

/// The hash [`PatchState::message_hash`] keeps: 16 hex digits of the message's SHA-1.
pub fn message_hash(message: &str) -> String {
    crate::hash::sha1_hex(message.trim_end().as_bytes())[..16].to_string()
}

/// What [`DeskState::carry_over`] did, for telling the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarriedOver {
    pub from: String,
    pub to: String,
    pub notes: usize,
    /// The maintainer's own trailers left behind: the message changed, so they are given
    /// again only on purpose (`Acked-by: Name <addr>`).
    pub trailers_held: Vec<String>,
}

impl DeskState {
    /// Records the patch-ids of the loaded patches and carries decisions, notes and waivers of
    /// an earlier version (same patch-id, different key) over to patches that have none yet,
    /// marking each as carried over. The earlier entries are kept.
    pub fn carry_over(&mut self, loaded: &[LoadedPatch<'_>]) -> Vec<CarriedOver> {
        let mut by_patch_id: BTreeMap<String, String> = BTreeMap::new();
        for (key, state) in &self.patches {
            if let Some(id) = &state.patch_id {
                by_patch_id.entry(id.clone()).or_insert_with(|| key.clone());
            }
        }
        let mut done = Vec::new();
        for patch in loaded {
            let has_state = self.patches.contains_key(patch.key)
                || self
                    .notes
                    .iter()
                    .any(|n| n.target.patch() == Some(patch.key));
            let Some(id) = patch.patch_id else { continue };
            if !has_state
                && let Some(old_key) = by_patch_id.get(id).cloned()
                && old_key != patch.key
            {
                done.push(self.copy_patch(&old_key, patch));
            }
            // Only patches with decisions or notes are remembered (with their patch-id).
            if let Some(entry) = self.patches.get_mut(patch.key) {
                entry.patch_id = Some(id.to_string());
                entry.message_hash.clone_from(&patch.message_hash);
                if entry.title.is_empty() {
                    entry.title = patch.title.to_string();
                }
            }
        }
        done
    }

    fn copy_patch(&mut self, old_key: &str, patch: &LoadedPatch<'_>) -> CarriedOver {
        let mut state = self.patches.get(old_key).cloned().unwrap_or_default();
        state.title = patch.title.to_string();
        state.carried_over_from = Some(old_key.to_string());
        // Same diff, another message: a `changed` pair, whose trailers wait for a confirm.
        let reworded = matches!(
            (&state.message_hash, &patch.message_hash),
            (Some(a), Some(b)) if a != b
        );
        let mut trailers_held = Vec::new();
        if reworded {
            trailers_held = state
                .trailers
                .drain(..)
                .map(|t| format!("{}: {}", t.kind.key(), t.value))
                .collect();
        }
        state.message_hash.clone_from(&patch.message_hash);
        for t in &mut state.trailers {
            t.carried_over_from = Some(old_key.to_string());
        }
        self.patches.insert(patch.key.to_string(), state);
        let waivers: Vec<Waiver> = self
            .waivers
            .iter()
            .filter(|w| w.patch == old_key)
            .map(|w| Waiver {
                patch: patch.key.to_string(),
                carried_over_from: Some(old_key.to_string()),
                ..w.clone()
            })
            .collect();
        self.waivers.extend(waivers);
        let notes: Vec<Note> = self
            .notes
            .iter()
            .filter(|n| n.target.patch() == Some(old_key))
            .cloned()
            .collect();
        let count = notes.len();
        for mut note in notes {
            note.id = self.next_note_id;
            self.next_note_id += 1;
            note.carried_over_from = Some(old_key.to_string());
            match &mut note.target {
                NoteTarget::Patch { patch: key } => *key = patch.key.to_string(),
                NoteTarget::Line(anchor) => anchor.patch = patch.key.to_string(),
                NoteTarget::Series { .. } => {}
            }
            self.notes.push(note);
        }
        CarriedOver {
            from: old_key.to_string(),
            to: patch.key.to_string(),
            notes: count,
            trailers_held,
        }
    }
}

/// A series of the queue as loaded now, for [`DeskState::carry_over_series`].
#[derive(Debug, Clone)]
pub struct LoadedSeries<'a> {
    /// The series key (cover letter key, else first patch key).
    pub key: &'a str,
    pub title: &'a str,
    pub patch_keys: Vec<&'a str>,
}

impl DeskState {
    /// Carries a series' own status and notes over to its re-roll: a loaded series with no
    /// state of its own one of whose patches was carried over from a patch of an earlier
    /// series that has state. Run after [`DeskState::carry_over`].
    pub fn carry_over_series(&mut self, loaded: &[LoadedSeries<'_>]) -> Vec<CarriedOver> {
        let mut done = Vec::new();
        for series in loaded {
            let has_state = self.series.contains_key(series.key)
                || self.notes.iter().any(
                    |n| matches!(&n.target, NoteTarget::Series { series: k } if k == series.key),
                );
            if has_state {
                continue;
            }
            let earlier_patches: Vec<String> = series
                .patch_keys
                .iter()
                .filter_map(|k| self.patches.get(*k)?.carried_over_from.clone())
                .collect();
            let Some(old_key) = self
                .series
                .iter()
                .find(|(k, s)| {
                    k.as_str() != series.key
                        && s.patch_keys.iter().any(|p| earlier_patches.contains(p))
                })
                .map(|(k, _)| k.clone())
            else {
                continue;
            };
            let mut state = self.series.get(&old_key).cloned().unwrap_or_default();
            state.title = series.title.to_string();
            state.patch_keys = series.patch_keys.iter().map(|k| k.to_string()).collect();
            state.carried_over_from = Some(old_key.clone());
            self.series.insert(series.key.to_string(), state);
            let notes: Vec<Note> = self
                .notes
                .iter()
                .filter(|n| matches!(&n.target, NoteTarget::Series { series: k } if *k == old_key))
                .cloned()
                .collect();
            let count = notes.len();
            for mut note in notes {
                note.id = self.next_note_id;
                self.next_note_id += 1;
                note.carried_over_from = Some(old_key.clone());
                note.target = NoteTarget::Series {
                    series: series.key.to_string(),
                };
                self.notes.push(note);
            }
            done.push(CarriedOver {
                from: old_key,
                to: series.key.to_string(),
                notes: count,
                trailers_held: Vec::new(),
            });
        }
        done
    }
}

/// patchdesk's data dir: `$XDG_DATA_HOME/patchdesk` (or the platform's equivalent).
pub fn default_data_dir() -> Result<PathBuf> {
    crate::fsutil::data_dir()
}

/// The state file of a queue: `<data_dir>/queues/<name>-<hash>.json`, where the hash is of
/// the source's absolute path (or its name, for `-` and git ranges).
pub fn state_path(data_dir: &Path, source: &str) -> PathBuf {
    let absolute = std::fs::canonicalize(source)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| source.to_string());
    let hash = crate::hash::sha1_hex(absolute.as_bytes());
    let base: String = Path::new(source)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "queue".into())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    data_dir
        .join("queues")
        .join(format!("{base}-{}.json", &hash[..12]))
}

/// The desk states of the other queues beside the state file `own` (the same data dir), read
/// only: a file that cannot be read or parsed, or has a newer schema, is skipped (its own
/// desk says what is wrong with it) and never moved or rewritten.
pub fn other_states(own: &Path) -> Vec<DeskState> {
    let Some(dir) = own.parent() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p != own)
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| serde_json::from_slice::<DeskState>(&std::fs::read(p).ok()?).ok())
        .filter(|s| s.schema_version <= SCHEMA_VERSION)
        .collect()
}

/// An open state file: where it is, how it is locked, and the version of it this process
/// last read or wrote.
///
/// Two ways to hold a store:
///
/// - **exclusive** ([`Store::open`], [`Store::open_waiting`]): the lock (`<state>.lock`) is
///   held for the life of the store, so load, change and save are one read-modify-write no
///   other patchdesk can come between. [`Store::open`] gives up after a moment and opens
///   read-only; [`Store::open_waiting`] (the command line) waits longer and then says the
///   queue is busy.
/// - **shared** ([`Store::open_shared`], for a long-lived desk): no lock between saves. Each
///   save takes the lock for its own moment and is refused when the file changed since this
///   store read it ([`Store::changed_on_disk`]), so newer state is never overwritten;
///   [`Store::reload`] reads the newer state, [`Store::hold`]/[`Store::release`] make a
///   reload-change-save one step.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    /// Held for the life of an exclusive store (the OS releases it when the file is closed).
    lock: Option<File>,
    /// A shared store: saves lock for their own moment.
    shared: bool,
    /// The lock a shared store holds between [`Store::hold`] and [`Store::release`].
    held: Mutex<Option<File>>,
    /// SHA-1 of the state file as last read or written here (`None`: there was none).
    seen: Mutex<Option<String>>,
}

/// How long the command line waits for another patchdesk to finish writing the queue
/// before it says the queue is busy.
pub const BUSY_WAIT: Duration = Duration::from_secs(5);

impl Store {
    /// Opens the state of the queue `source` under `data_dir`, taking the lock if it can
    /// (otherwise the store is read-only), and loads the state (empty if there is none).
    pub fn open(data_dir: &Path, source: &str) -> Result<(Store, DeskState)> {
        let path = state_path(data_dir, source);
        let store = Store::open_path(&path)?;
        store.load_state(source)
    }

    /// Opens the state of `source` exclusively, waiting up to `wait` for a patchdesk that
    /// holds it; then it is an error saying the queue is busy. Loads under the lock.
    pub fn open_waiting(
        data_dir: &Path,
        source: &str,
        wait: Duration,
    ) -> Result<(Store, DeskState)> {
        let path = state_path(data_dir, source);
        let file = lock_file(&path)?;
        if !lock_within(&file, wait).map_err(|e| Error::io(lock_path(&path), e))? {
            return Err(busy(&path, wait));
        }
        crate::fsutil::remove_stale_temp_files(&path);
        let store = Store::new(&path, Some(file), false);
        store.load_state(source)
    }

    /// Opens the state of `source` shared: no lock is kept; see [`Store`].
    pub fn open_shared(data_dir: &Path, source: &str) -> Result<(Store, DeskState)> {
        let path = state_path(data_dir, source);
        let dir = crate::fsutil::parent_dir(&path);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let store = Store::new(&path, None, true);
        store.load_state(source)
    }

    /// Opens a store on an explicit state file path (taking the lock when free).
    pub fn open_path(path: &Path) -> Result<Store> {
        let file = lock_file(path)?;
        let locked = try_lock_patiently(&file).map_err(|e| Error::io(lock_path(path), e))?;
        if locked {
            crate::fsutil::remove_stale_temp_files(path);
        }
        let store = Store::new(path, locked.then_some(file), false);
        *lock_ignoring_poison(&store.seen) = fingerprint(path)?;
        Ok(store)
    }

    fn new(path: &Path, lock: Option<File>, shared: bool) -> Store {
        Store {
            path: path.to_path_buf(),
            lock,
            shared,
            held: Mutex::new(None),
            seen: Mutex::new(None),
        }
    }

    fn load_state(self, source: &str) -> Result<(Store, DeskState)> {
        let mut state = self.reload()?;
        if state.source.is_empty() {
            state.source = source.to_string();
        }
        Ok((self, state))
    }

    /// The state file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when another patchdesk holds the lock of an exclusive store: nothing can be
    /// saved. A shared store is never read-only (its saves wait for the lock).
    pub fn read_only(&self) -> bool {
        !self.shared && self.lock.is_none()
    }

    /// Why the store is read-only, as shown to the user.
    pub fn read_only_reason(&self) -> Option<String> {
        self.read_only().then(|| {
            format!(
                "read-only: another patchdesk has this queue open (lock {}); changes will not be saved",
                lock_path(&self.path).display()
            )
        })
    }

    /// Reads the state file again (empty state when there is none) and remembers its
    /// version; a corrupt file is set aside as [`load`] does.
    pub fn reload(&self) -> Result<DeskState> {
        let (state, seen) = load_seen(&self.path)?;
        *lock_ignoring_poison(&self.seen) = seen;
        Ok(state.unwrap_or_default())
    }

    /// True when the state file is not the one this store last read or wrote: another
    /// patchdesk saved since (or it was removed or edited by hand).
    pub fn changed_on_disk(&self) -> Result<bool> {
        let now = fingerprint(&self.path)?;
        Ok(*lock_ignoring_poison(&self.seen) != now)
    }

    /// Takes the lock of a shared store until [`Store::release`] (waiting up to
    /// [`BUSY_WAIT`], then the queue is busy), so that a reload, a change and a save are one
    /// step. Nothing to do for an exclusive store.
    pub fn hold(&self) -> Result<()> {
        if !self.shared {
            return Ok(());
        }
        let mut held = lock_ignoring_poison(&self.held);
        if held.is_none() {
            let file = lock_file(&self.path)?;
            if !lock_within(&file, BUSY_WAIT).map_err(|e| Error::io(lock_path(&self.path), e))? {
                return Err(busy(&self.path, BUSY_WAIT));
            }
            crate::fsutil::remove_stale_temp_files(&self.path);
            *held = Some(file);
        }
        Ok(())
    }

    /// Lets go of the lock [`Store::hold`] took.
    pub fn release(&self) {
        lock_ignoring_poison(&self.held).take();
    }

    /// Saves atomically. Refused when read-only, and refused (with nothing written) when the
    /// file changed since this store read or wrote it: reload first.
    pub fn save(&self, state: &DeskState) -> Result<()> {
        if let Some(reason) = self.read_only_reason() {
            return Err(Error::Usage(reason));
        }
        let json = self.serialise(state)?;
        let holding = self.shared && lock_ignoring_poison(&self.held).is_none();
        if holding {
            self.hold()?;
        }
        let result = self.save_checked(&json);
        if holding {
            self.release();
        }
        result
    }

    fn save_checked(&self, json: &[u8]) -> Result<()> {
        if self.changed_on_disk()? {
            return Err(Error::Usage(format!(
                "{}: another patchdesk saved this queue since it was read; nothing was overwritten (reload to see its changes)",
                self.path.display()
            )));
        }
        save_atomic(&self.path, json)?;
        *lock_ignoring_poison(&self.seen) = Some(crate::hash::sha1_hex(json));
        Ok(())
    }

    fn serialise(&self, state: &DeskState) -> Result<Vec<u8>> {
        let mut state = state.clone();
        state.schema_version = SCHEMA_VERSION;
        let keep: std::collections::BTreeSet<String> = state
            .notes
            .iter()
            .filter_map(|n| n.target.patch())
            .chain(self_waiver_keys(&state))
            .chain(
                state
                    .series
                    .values()
                    .flat_map(|s| s.patch_keys.iter().map(String::as_str)),
            )
            .map(str::to_string)
            .collect();
        state
            .patches
            .retain(|key, p| !p.is_empty() || keep.contains(key));
        serde_json::to_vec_pretty(&state).map_err(|e| Error::BadInput {
            source_name: self.path.display().to_string(),
            what: format!("cannot serialise state: {e}"),
        })
    }
}

fn lock_ignoring_poison<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The lock file of a state file, opened (and created, with its directory).
fn lock_file(path: &Path) -> Result<File> {
    let dir = crate::fsutil::parent_dir(path);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let lock_path = lock_path(path);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::io(&lock_path, e))
}

fn busy(path: &Path, wait: Duration) -> Error {
    Error::Usage(format!(
        "the queue is busy: another patchdesk has {} open or is saving it (lock {}); waited {}s, nothing was changed — try again when it is done",
        path.display(),
        lock_path(path).display(),
        wait.as_secs()
    ))
}

/// SHA-1 of the state file's bytes, `None` when there is none.
fn fingerprint(path: &Path) -> Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(crate::hash::sha1_hex(&bytes))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn self_waiver_keys(state: &DeskState) -> impl Iterator<Item = &str> {
    state.waivers.iter().map(|w| w.patch.as_str())
}

/// How long to keep trying for the lock before opening read-only. Another thread of this
/// process that is starting a child (fork, then exec) briefly holds a copy of every open
/// file, our lock file's included; a real second patchdesk holds it for much longer.
const LOCK_PATIENCE: Duration = Duration::from_millis(300);

fn try_lock_patiently(file: &File) -> std::io::Result<bool> {
    lock_within(file, LOCK_PATIENCE)
}

/// Tries for the lock until `wait` has passed.
fn lock_within(file: &File, wait: Duration) -> std::io::Result<bool> {
    let start = std::time::Instant::now();
    loop {
        if FileExt::try_lock_exclusive(file)? {
            return Ok(true);
        }
        if start.elapsed() >= wait {
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Writes `bytes` to `path` atomically (the one writer, [`crate::fsutil::write_atomic`],
/// replacing what is there).
pub fn save_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::fsutil::write_atomic(path, bytes, crate::fsutil::Existing::Replace)
}

/// Loads a state file: `Ok(None)` when there is none. A corrupt file is moved aside to
/// `<path>.corrupt-<time>` and the error names that place; a newer schema or an unreadable
/// file is an error and the file is left where it is.
pub fn load(path: &Path) -> Result<Option<DeskState>> {
    load_seen(path).map(|(state, _)| state)
}

/// [`load`], with the SHA-1 of the bytes it read.
fn load_seen(path: &Path) -> Result<(Option<DeskState>, Option<String>)> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((None, None)),
        Err(e) => {
            return Err(Error::BadInput {
                source_name: path.display().to_string(),
                what: format!("cannot read the state file ({e}); it was left as it is"),
            });
        }
    };
    let value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => return Err(move_aside(path, &e.to_string())),
    };
    let version = value.get("schema_version").and_then(|v| v.as_u64());
    if let Some(v) = version
        && v > u64::from(SCHEMA_VERSION)
    {
        return Err(Error::BadInput {
            source_name: path.display().to_string(),
            what: format!(
                "state file has schema version {v}, newer than this patchdesk understands ({SCHEMA_VERSION}); upgrade patchdesk (the file was left as it is)"
            ),
        });
    }
    match serde_json::from_value::<DeskState>(value) {
        Ok(state) => Ok((Some(state), Some(crate::hash::sha1_hex(&bytes)))),
        Err(e) => Err(move_aside(path, &e.to_string())),
    }
}

fn move_aside(path: &Path, problem: &str) -> Error {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".corrupt-{stamp}"));
    let aside = PathBuf::from(aside);
    let what = match std::fs::rename(path, &aside) {
        Ok(()) => format!(
            "state file is corrupt ({problem}); it was moved to {} and nothing was overwritten",
            aside.display()
        ),
        Err(e) => format!(
            "state file is corrupt ({problem}) and could not be moved aside ({e}); it was left as it is"
        ),
    };
    Error::BadInput {
        source_name: path.display().to_string(),
        what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_empty_state_and_saves_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let (store, mut state) = Store::open(dir.path(), "queue.mbox").unwrap();
        assert!(!store.read_only());
        assert!(state.patches.is_empty());
        state.patches.insert(
            "k".into(),
            PatchState {
                status: Some(Status::Accepted),
                ..PatchState::default()
            },
        );
        store.save(&state).unwrap();
        let loaded = load(store.path()).unwrap().unwrap();
        assert_eq!(loaded.patches["k"].status, Some(Status::Accepted));
        assert_eq!(loaded.schema_version, SCHEMA_VERSION);
    }

    #[test]
    fn other_states_are_read_without_touching_broken_ones() {
        let dir = tempfile::tempdir().unwrap();
        let (store, mut state) = Store::open(dir.path(), "today.mbox").unwrap();
        state.patches.insert("mine".into(), PatchState::default());
        store.save(&state).unwrap();
        let queues = store.path().parent().unwrap().to_path_buf();
        std::fs::write(
            queues.join("week-0.json"),
            r#"{"schema_version":1,"patches":{"k":{"title":"t","status":{"state":"accepted"}}}}"#,
        )
        .unwrap();
        std::fs::write(queues.join("broken.json"), b"{ not json").unwrap();
        std::fs::write(queues.join("future.json"), br#"{"schema_version":99}"#).unwrap();
        let others = other_states(store.path());
        assert_eq!(others.len(), 1, "{others:?}");
        assert_eq!(others[0].patches["k"].status, Some(Status::Accepted));
        // Never moved aside or rewritten: they belong to other desks.
        assert_eq!(
            std::fs::read(queues.join("broken.json")).unwrap(),
            b"{ not json"
        );
    }

    #[test]
    fn old_files_without_fields_load_with_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(
            &path,
            r#"{"schema_version":1,"patches":{"k":{"title":"t"}}}"#,
        )
        .unwrap();
        let state = load(&path).unwrap().unwrap();
        assert_eq!(state.patches["k"].title, "t");
        assert_eq!(state.next_note_id, 1);
    }

    #[test]
    fn corrupt_file_is_moved_aside_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, b"{ not json").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("corrupt"), "{err}");
        assert!(!path.exists());
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("s.json.corrupt-"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert!(err.contains(&aside[0]), "{err}");
        assert_eq!(
            std::fs::read(dir.path().join(&aside[0])).unwrap(),
            b"{ not json"
        );
    }

    #[test]
    fn wrong_shape_is_corrupt_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, r#"{"schema_version":1,"patches":[1,2]}"#).unwrap();
        assert!(load(&path).unwrap_err().to_string().contains("moved to"));
    }

    #[test]
    fn newer_schema_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let body = r#"{"schema_version":99}"#;
        std::fs::write(&path, body).unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("schema version 99"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), body);
    }

    #[test]
    fn second_store_on_the_same_queue_is_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let (first, state) = Store::open(dir.path(), "q.mbox").unwrap();
        let (second, _) = Store::open(dir.path(), "q.mbox").unwrap();
        assert!(!first.read_only());
        assert!(second.read_only());
        assert!(second.read_only_reason().unwrap().contains("read-only"));
        assert!(second.save(&state).is_err());
        drop(first);
        let (third, _) = Store::open(dir.path(), "q.mbox").unwrap();
        assert!(!third.read_only());
    }

    #[test]
    fn carries_decisions_and_notes_to_a_reroll_by_patch_id() {
        use crate::triage::notes::{Note, NoteTarget};
        let mut state = DeskState::default();
        state.patches.insert(
            "v1-1".into(),
            PatchState {
                status: Some(Status::Accepted),
                patch_id: Some("abc".into()),
                ..PatchState::default()
            },
        );
        state.notes.push(Note {
            id: 1,
            target: NoteTarget::Patch {
                patch: "v1-1".into(),
            },
            text: "looks fine".into(),
            created: String::new(),
            updated: String::new(),
            carried_over_from: None,
            orphaned: false,
            interdiff: None,
        });
        state.next_note_id = 2;
        let done = state.carry_over(&[
            LoadedPatch {
                key: "v2-1",
                title: "a: b",
                patch_id: Some("abc"),
                message_hash: None,
            },
            LoadedPatch {
                key: "v2-2",
                title: "c",
                patch_id: Some("zzz"),
                message_hash: None,
            },
        ]);
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].notes, 1);
        let v2 = &state.patches["v2-1"];
        assert_eq!(v2.status, Some(Status::Accepted));
        assert_eq!(v2.carried_over_from.as_deref(), Some("v1-1"));
        let carried: Vec<_> = state
            .notes
            .iter()
            .filter(|n| n.target.patch() == Some("v2-1"))
            .collect();
        assert_eq!(carried.len(), 1);
        assert_eq!(carried[0].carried_over_from.as_deref(), Some("v1-1"));
        assert!(
            !state.patches.contains_key("v2-2"),
            "untouched patches are not stored"
        );
    }

    #[test]
    fn a_reworded_reroll_keeps_status_and_notes_but_not_the_maintainers_trailers() {
        use crate::queue::TrailerKind;
        use crate::triage::trailers::RecordedTrailer;
        let old = PatchState {
            status: Some(Status::Accepted),
            patch_id: Some("abc".into()),
            message_hash: Some(message_hash("old message")),
            trailers: vec![RecordedTrailer {
                kind: TrailerKind::Acked,
                value: "Me <me@example.org>".into(),
                added: String::new(),
                carried_over_from: None,
            }],
            ..PatchState::default()
        };
        for (message, carried) in [("old message\n", true), ("new message", false)] {
            let mut state = DeskState::default();
            state.patches.insert("v1-1".into(), old.clone());
            let done = state.carry_over(&[LoadedPatch {
                key: "v2-1",
                title: "a: b",
                patch_id: Some("abc"),
                message_hash: Some(message_hash(message)),
            }]);
            let v2 = &state.patches["v2-1"];
            assert_eq!(v2.status, Some(Status::Accepted), "{message}");
            assert_eq!(v2.trailers.len(), usize::from(carried), "{message}");
            let held: &[&str] = if carried {
                &[]
            } else {
                &["Acked-by: Me <me@example.org>"]
            };
            assert_eq!(done[0].trailers_held, held, "{message}");
            assert_eq!(v2.message_hash, Some(message_hash(message)));
        }
    }
}
