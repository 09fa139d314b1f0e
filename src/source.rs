//! Sources: detecting what a path is (mbox, maildir, `git format-patch` directory, quilt
//! series, public-inbox repository), a git revision range, or standard input, and reading
//! every message from it. Broken messages are reported in `skipped`, the rest still load.
//!
//! Detection of a [`SourceSpec::Path`], first match wins:
//!
//! 1. a file: an mbox (mboxo or mboxrd), or one bare message (`.eml`, one `format-patch`
//!    file), or one plain diff without mail headers;
//! 2. a directory with a `series` file (or with `patches/series`, quilt's own layout): a quilt
//!    series;
//! 3. a directory with `cur/` or `new/`: a maildir (files of both, in file-name order);
//! 4. a directory with `git/N.git` epochs: a public-inbox v2 inbox; a bare git repository: one
//!    public-inbox epoch;
//! 5. a directory of `*.patch`, `*.diff`, `*.eml`, `*.mbox`, `*.mbx` files, in number order of
//!    their leading digits (`0001-…`), then by name.
//!
//! Anything else is [`Error::UnknownSource`]; a source with no message is [`Error::BadInput`].

pub mod dirs;
mod files;
mod git_range;
mod public_inbox;
pub mod window;

use crate::mail::Message;
use crate::{Error, Result};
use chrono::{DateTime, FixedOffset};
use std::path::{Path, PathBuf};

pub use files::{Held, MessageReader};
pub use public_inbox::thread_ids;

/// A message that could not be read and was skipped; the rest of the source still loads.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Skipped {
    pub source: String,
    pub index: usize,
    pub offset: u64,
    pub error: String,
}

/// Origin of a skipped message, for building [`Skipped`].
pub fn skipped(origin: &crate::mail::Origin, error: impl ToString) -> Skipped {
    Skipped {
        source: origin.source.clone(),
        index: origin.index,
        offset: origin.offset,
        error: error.to_string(),
    }
}

/// What the user asked to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// A path; its kind is detected.
    Path(PathBuf),
    /// An mbox on standard input (`-`).
    Stdin,
    /// Non-merge commits of a revision range in a git repository.
    GitRange { repo: PathBuf, range: String },
    /// The built-in demo queue.
    Demo,
}

impl SourceSpec {
    /// The name used in messages and JSON (`source` fields).
    pub fn name(&self) -> String {
        match self {
            SourceSpec::Path(p) => p.display().to_string(),
            SourceSpec::Stdin => "-".to_string(),
            SourceSpec::GitRange { repo, range } => format!("{} {}", repo.display(), range),
            SourceSpec::Demo => "demo".to_string(),
        }
    }
}

/// The messages read from a source, in source order, and those that were skipped.
#[derive(Debug, Default)]
pub struct Loaded {
    pub messages: Vec<Message>,
    pub skipped: Vec<Skipped>,
    /// What a time window read and left out; `None`: the whole source was read.
    pub window: Option<window::Window>,
}

/// The kinds of source a path can be, as detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// An mbox file or a single message file.
    File,
    Quilt,
    Maildir,
    PublicInboxV2,
    PublicInboxEpoch,
    PatchDir,
}

/// Reads every message of a source.
pub fn load(spec: &SourceSpec) -> Result<Loaded> {
    load_since(spec, None)
}

/// Reads the messages of `spec` that arrived since `since` ([`window`]): a public-inbox
/// walks only its newest commits; any other source is read and filtered by `Date:` (a
/// message without a date is kept: nothing says it is old).
pub fn load_since(spec: &SourceSpec, since: Option<DateTime<FixedOffset>>) -> Result<Loaded> {
    let loaded = load_all(spec, since)?;
    Ok(filter_since(loaded, since))
}

/// Keeps the messages dated `since` or later (and those without a date) of a source that
/// was read whole, saying in its `window` what was left out; a source that read only its
/// window already (public-inbox) is returned as it is.
pub fn filter_since(mut loaded: Loaded, since: Option<DateTime<FixedOffset>>) -> Loaded {
    if let (Some(since), None) = (since, &loaded.window) {
        let before = loaded.messages.len();
        loaded
            .messages
            .retain(|m| m.date.is_none_or(|d| d >= since));
        let kept = loaded.messages.len();
        loaded.window = Some(window::Window::filtered(since, kept, before - kept));
    }
    loaded
}

fn load_all(spec: &SourceSpec, since: Option<DateTime<FixedOffset>>) -> Result<Loaded> {
    let name = spec.name();
    match spec {
        SourceSpec::Stdin => {
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut data)
                .map_err(|e| Error::io("-", e))?;
            let mut reader = MessageReader::new(&name);
            reader.read_mbox(data, None);
            reader.finish()
        }
        SourceSpec::Demo => {
            let mut reader = MessageReader::new(&name);
            reader.read_mbox(crate::demo::DEMO_MBOX.as_bytes().to_vec(), None);
            reader.finish()
        }
        SourceSpec::GitRange { repo, range } => git_range::load(repo, range, &name),
        SourceSpec::Path(path) => match detect(path)? {
            SourceKind::File => {
                let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
                let mut reader = MessageReader::new(&name);
                read_file_source(&mut reader, path, data);
                reader.finish()
            }
            SourceKind::Quilt => dirs::load_quilt(path, &name),
            SourceKind::Maildir => dirs::load_maildir(path, &name),
            SourceKind::PatchDir => dirs::load_patch_dir(path, &name),
            SourceKind::PublicInboxV2 => public_inbox::load_v2(path, &name, since),
            SourceKind::PublicInboxEpoch => {
                let epochs = [path.to_path_buf()];
                match since {
                    Some(since) => public_inbox::load_window(&epochs, &name, since),
                    None => public_inbox::load_epochs(&epochs, &name),
                }
            }
        },
    }
}

/// Adds the messages of a file source (an mbox, one message, one plain diff) read from
/// `path`, or of the part of it `data` holds, to `reader`.
pub fn read_file_source(reader: &mut MessageReader, path: &Path, data: Vec<u8>) -> Held {
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = path.display().to_string();
    reader.read_file(data, None, file_name.as_deref().unwrap_or(&name))
}

/// Tells what kind of source `path` is.
pub fn detect(path: &Path) -> Result<SourceKind> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_file() {
        return Ok(SourceKind::File);
    }
    if !meta.is_dir() {
        return Err(unknown(path, "neither a file nor a directory"));
    }
    if dirs::quilt_dir(path).is_some() {
        return Ok(SourceKind::Quilt);
    }
    if path.join("cur").is_dir() || path.join("new").is_dir() {
        return Ok(SourceKind::Maildir);
    }
    if !public_inbox::epochs(path)?.is_empty() {
        return Ok(SourceKind::PublicInboxV2);
    }
    if path.join("HEAD").is_file() && path.join("objects").is_dir() {
        return Ok(SourceKind::PublicInboxEpoch);
    }
    let files = dirs::patch_files(path)?;
    if !files.is_empty() {
        return Ok(SourceKind::PatchDir);
    }
    if path.join(".git").exists() {
        return Err(unknown(
            path,
            "a git work tree, not a mail source: to read its commits use --repo PATH RANGE",
        ));
    }
    let empty = std::fs::read_dir(path)
        .map_err(|e| Error::io(path, e))?
        .next()
        .is_none();
    Err(unknown(
        path,
        if empty {
            "empty directory: no messages"
        } else {
            "not a maildir, quilt series, public-inbox repository or directory of *.patch / *.eml / *.mbox files"
        },
    ))
}

fn unknown(path: &Path, reason: &str) -> Error {
    Error::UnknownSource {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}
