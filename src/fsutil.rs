//! The file system, done one way everywhere: where patchdesk's config, data and cache live, and
//! how a file is replaced so that a crash at any instant leaves the old file or the new one,
//! whole, never a mix (the state file and every export are written this way).

use crate::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The application's name in the platform's directories.
const APP: &str = "patchdesk";

/// patchdesk's config dir: `$XDG_CONFIG_HOME/patchdesk` when that is set (even on macOS),
/// else the platform's (`~/.config/patchdesk` on Linux); `None` when no home is known.
/// `config.toml`, `keymap.toml` and `profiles/` live there.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_CONFIG_HOME").filter(|x| !x.is_empty()) {
        return Some(PathBuf::from(x).join(APP));
    }
    directories::ProjectDirs::from("", "", APP).map(|d| d.config_dir().to_path_buf())
}

/// patchdesk's data dir: `$XDG_DATA_HOME/patchdesk` when that is set, else the platform's
/// (`~/.local/share/patchdesk` on Linux). The desk's state files live there.
pub fn data_dir() -> Result<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|x| !x.is_empty()) {
        return Ok(PathBuf::from(x).join(APP));
    }
    directories::ProjectDirs::from("", "", APP)
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| Error::Usage("cannot find a home directory for patchdesk's data".into()))
}

/// patchdesk's cache dir: `$PATCHDESK_CACHE_DIR` when that is set (tests point it at a
/// temporary directory), else `$XDG_CACHE_HOME/patchdesk`, else the platform's
/// (`~/.cache/patchdesk` on Linux); `None` when no home is known (nothing is cached then).
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("PATCHDESK_CACHE_DIR").filter(|x| !x.is_empty()) {
        return Some(PathBuf::from(x));
    }
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|x| !x.is_empty()) {
        return Some(PathBuf::from(x).join(APP));
    }
    directories::ProjectDirs::from("", "", APP).map(|d| d.cache_dir().to_path_buf())
}

/// The directory a path is in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Whether [`write_atomic`] may replace a file that is already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Replace it.
    Replace,
    /// Refuse, even when the file appeared while the new one was being written.
    Keep,
}

/// The prefix of the temporary files [`write_atomic`] writes next to `path` (hidden, named
/// after the file), for finding ones a killed process left.
pub fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.")
}

/// The suffix of those temporary files.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Removes temporary files a killed [`write_atomic`] of `path` left behind. Only safe when no
/// other process may be writing `path` at the same moment (the caller holds its lock).
pub fn remove_stale_temp_files(path: &Path) {
    let prefix = temp_prefix(path);
    let Ok(entries) = std::fs::read_dir(parent_dir(path)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(&prefix) && name.ends_with(TEMP_SUFFIX) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory is written
/// and fsynced, renamed over `path` (or, with [`Existing::Keep`], linked there only when no
/// file is), and the directory fsynced. Readers see the old file or the new one, whole.
pub fn write_atomic(path: &Path, bytes: &[u8], existing: Existing) -> Result<()> {
    write_atomic_with(path, existing, Durability::Synced, |out| {
        out.write_all(bytes)
    })
}

/// How far [`write_atomic_with`] makes sure the new file survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Fsynced before it replaces the old file, and the directory after: it survives a
    /// power cut.
    Synced,
    /// Not fsynced: it survives a kill at any moment (the kernel has it), but after a power
    /// cut it may be found torn. For a cache whose checksum finds a torn file, so that it
    /// is rebuilt; fsyncing a 400 MB cache would cost more than reading the source again.
    Unsynced,
}

/// A file written under a temporary name next to `path` (as [`write_atomic`] names them),
/// that replaces `path` whole once it is done ([`Replacement::commit`]), and is removed if it
/// is dropped before. For a file written in parts, or read back (mapped) while it is being
/// written.
pub struct Replacement {
    temp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Replacement {
    /// A new, empty temporary file for `path`, readable and writable by this user only.
    pub fn new(path: &Path) -> Result<Replacement> {
        let dir = parent_dir(path);
        let temp = tempfile::Builder::new()
            .prefix(&temp_prefix(path))
            .suffix(TEMP_SUFFIX)
            .tempfile_in(&dir)
            .map_err(|e| Error::io(&dir, e))?;
        Ok(Replacement {
            temp,
            path: path.to_path_buf(),
        })
    }

    /// The file.
    pub fn file(&self) -> &File {
        self.temp.as_file()
    }

    /// Renames the file over `path`, unsynced ([`Durability::Unsynced`]).
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        self.temp
            .persist(&path)
            .map(drop)
            .map_err(|e| Error::io(&path, e.error))
    }
}

/// [`write_atomic`] of what `write` writes (through a buffer), so that a large file is never
/// held whole in memory.
pub fn write_atomic_with(
    path: &Path,
    existing: Existing,
    durability: Durability,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = parent_dir(path);
    let mut temp = Replacement::new(path)?.temp;
    let written = {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, temp.as_file_mut());
        write(&mut out).and_then(|()| out.flush())
    };
    written.map_err(|e| Error::io(temp.path(), e))?;
    if durability == Durability::Synced {
        temp.as_file()
            .sync_all()
            .map_err(|e| Error::io(temp.path(), e))?;
    }
    let persisted = match existing {
        Existing::Replace => temp.persist(path).map(drop),
        Existing::Keep => temp.persist_noclobber(path).map(drop),
    };
    persisted.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            Error::Usage(format!(
                "{}: exists; choose another --out or pass --force to replace it",
                path.display()
            ))
        } else {
            Error::io(path, e.error)
        }
    })?;
    if durability == Durability::Synced {
        File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io(&dir, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_or_keeps_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.mbox");
        write_atomic(&path, b"one", Existing::Keep).unwrap();
        let err = write_atomic(&path, b"two", Existing::Keep)
            .unwrap_err()
            .to_string();
        assert!(err.contains("exists"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_atomic(&path, b"two", Existing::Replace).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.mbox")]);
    }

    #[test]
    fn stale_temp_files_of_that_file_only_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let stale = dir.path().join(".s.json.abc123.tmp");
        let other = dir.path().join(".t.json.abc123.tmp");
        std::fs::write(&stale, b"half").unwrap();
        std::fs::write(&other, b"half").unwrap();
        remove_stale_temp_files(&path);
        assert!(!stale.exists());
        assert!(other.exists());
    }
}
