//! What says a source is unchanged: for a file its size, mtime and ctime (ns), device and
//! inode, and the SHA-1 of its first and last 64 KiB (so an in-place edit of the same length
//! with the mtime put back is seen); for a directory the same figures of each of its message
//! files, by name.

use crate::source::{SourceKind, dirs};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// How many bytes at each end of a file are hashed.
pub const EDGE: u64 = 64 * 1024;

/// A source's stamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stamp {
    File(FileStamp),
    /// Per file, in reading order.
    Dir(Vec<DirEntry>),
}

/// A file's metadata and the hashes of its ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub size: u64,
    pub mtime_ns: i128,
    pub ctime_ns: i128,
    pub dev: u64,
    pub inode: u64,
    /// SHA-1 of the first `min(EDGE, size)` bytes.
    pub head: String,
    /// SHA-1 of the last `min(EDGE, size)` bytes.
    pub tail: String,
}

/// One file of a directory source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirEntry {
    /// Its name as the source labels it (`cur/NAME` in a maildir).
    pub name: String,
    pub size: u64,
    pub mtime_ns: i128,
    pub ctime_ns: i128,
    pub inode: u64,
}

struct Meta {
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    dev: u64,
    inode: u64,
}

fn meta(path: &Path) -> Result<Meta> {
    let m = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Ok(Meta {
            size: m.len(),
            mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
            ctime_ns: i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
            dev: m.dev(),
            inode: m.ino(),
        })
    }
    #[cfg(not(unix))]
    {
        let ns = |t: std::io::Result<std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128)
        };
        Ok(Meta {
            size: m.len(),
            mtime_ns: ns(m.modified()),
            ctime_ns: ns(m.created()),
            dev: 0,
            inode: 0,
        })
    }
}

impl FileStamp {
    /// The stamp of a file now.
    pub fn of(path: &Path) -> Result<FileStamp> {
        let m = meta(path)?;
        let (head, tail) = Self::hashes_at(path, m.size).map_err(|e| Error::io(path, e))?;
        Ok(FileStamp {
            size: m.size,
            mtime_ns: m.mtime_ns,
            ctime_ns: m.ctime_ns,
            dev: m.dev,
            inode: m.inode,
            head,
            tail,
        })
    }

    /// The hashes of the first 64 KiB and of the 64 KiB that end at `len` (what they were
    /// when the file was `len` bytes long, if only appended to since).
    pub fn hashes_at(path: &Path, len: u64) -> std::io::Result<(String, String)> {
        let mut file = std::fs::File::open(path)?;
        let edge = EDGE.min(len);
        let mut read = |from: u64| -> std::io::Result<String> {
            file.seek(SeekFrom::Start(from))?;
            let mut buf = vec![0u8; edge as usize];
            file.read_exact(&mut buf)?;
            Ok(crate::hash::sha1_hex(&buf))
        };
        let head = read(0)?;
        let tail = read(len - edge)?;
        Ok((head, tail))
    }
}

impl Stamp {
    /// The source at `path` still has this stamp (one that cannot be taken has not).
    pub fn is_current(&self, path: &Path, kind: SourceKind) -> bool {
        Stamp::of(path, kind).ok().as_ref() == Some(self)
    }

    /// The stamp of a source of `kind` at `path` now.
    pub fn of(path: &Path, kind: SourceKind) -> Result<Stamp> {
        let files = match kind {
            SourceKind::File => return FileStamp::of(path).map(Stamp::File),
            SourceKind::Maildir => dirs::maildir_files(path)?,
            _ => dirs::patch_files(path)?,
        };
        files
            .into_iter()
            .map(|(name, file)| {
                let m = meta(&file)?;
                Ok(DirEntry {
                    name,
                    size: m.size,
                    mtime_ns: m.mtime_ns,
                    ctime_ns: m.ctime_ns,
                    inode: m.inode,
                })
            })
            .collect::<Result<Vec<_>>>()
            .map(Stamp::Dir)
    }
}
