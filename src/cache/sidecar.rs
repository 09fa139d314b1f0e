//! The files kept beside a source's cache file, `<id>.<extension>`: what a later read of the
//! source would otherwise make again (the table `list` printed, the diff facts a command
//! worked out), with the header of the state they were made from. Each kind has its own
//! magic, extension and format version; all share one layout, little-endian:
//!
//! ```text
//! magic (8 bytes) | format version u32 | header length u32 | payload length u64
//! header   postcard: crate version, source key, stamp (a cache file's [`Header`])
//! payload  the kind's own
//! sum      XXH3-128 of all that comes before
//! ```
//!
//! Like the cache file they are only caches: one that is missing, torn, corrupt, of another
//! format or crate version is not used; each is written whole under a temporary name and
//! renamed into place, unsynced.

use super::format::Header;
use crate::fsutil::{Durability, Existing};
use std::path::Path;

/// One kind of file kept beside a cache file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub magic: &'static [u8; 8],
    /// How its files' names end (after a dot).
    pub extension: &'static str,
    /// Bumped whenever its layout or what its payload means changes.
    pub version: u32,
    /// What it is, to say so ("a listing file").
    pub what: &'static str,
    /// What it holds of its source, as `cache info` puts it before the source's name ("the
    /// table listed of ").
    pub describes: &'static str,
}

pub const PREFIX: usize = 8 + 4 + 4 + 8;
pub const SUM: usize = 16;

impl Kind {
    /// The file of this kind beside the cache file `cache_file`.
    pub fn beside(&self, cache_file: &Path) -> std::path::PathBuf {
        cache_file.with_extension(self.extension)
    }

    /// Whether `path` is named as a file of this kind.
    pub fn names(&self, path: &Path) -> bool {
        path.extension().is_some_and(|e| e == self.extension)
    }

    /// A file's bytes: `header` and `payload`, sealed.
    pub fn encode(&self, header: &Header, payload: &[u8]) -> Result<Vec<u8>, String> {
        let header = postcard::to_allocvec(header).map_err(|e| e.to_string())?;
        let header_len = u32::try_from(header.len()).map_err(|e| e.to_string())?;
        let mut out = Vec::with_capacity(PREFIX + header.len() + payload.len() + SUM);
        out.extend_from_slice(self.magic);
        out.extend_from_slice(&self.version.to_le_bytes());
        out.extend_from_slice(&header_len.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(payload);
        let sum = xxhash_rust::xxh3::xxh3_128(&out).to_le_bytes();
        out.extend_from_slice(&sum);
        Ok(out)
    }

    /// Where a file's header and payload are, when its magic, version and lengths are sound.
    fn sections<'a>(&self, bytes: &'a [u8]) -> Result<(&'a [u8], &'a [u8]), String> {
        if bytes.len() < PREFIX + SUM || &bytes[..8] != self.magic {
            return Err(format!("not {}", self.what));
        }
        let u32_at =
            |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default());
        let version = u32_at(8);
        if version != self.version {
            return Err(format!("format {version}, this is {}", self.version));
        }
        let header_len = u32_at(12) as u64;
        let payload_len = u64::from_le_bytes(bytes[16..24].try_into().unwrap_or_default());
        let body = bytes.len() - SUM;
        let expected = (PREFIX as u64)
            .checked_add(header_len)
            .and_then(|n| n.checked_add(payload_len));
        if expected != Some(body as u64) {
            return Err("truncated".into());
        }
        let payload_start = PREFIX + header_len as usize;
        Ok((&bytes[PREFIX..payload_start], &bytes[payload_start..body]))
    }

    /// The header alone (for `cache info`), checksum and crate version not checked; it must
    /// be all of its bytes.
    pub fn decode_header(&self, bytes: &[u8]) -> Result<Header, String> {
        let (header, _) = self.sections(bytes)?;
        match postcard::take_from_bytes::<Header>(header) {
            Ok((header, [])) => Ok(header),
            _ => Err("corrupt header".into()),
        }
    }

    /// A file's header and payload, or why it cannot be used.
    pub fn decode<'a>(&self, bytes: &'a [u8]) -> Result<(Header, &'a [u8]), String> {
        let (_, payload) = self.sections(bytes)?;
        let body = bytes.len() - SUM;
        if xxhash_rust::xxh3::xxh3_128(&bytes[..body]).to_le_bytes()[..] != bytes[body..] {
            return Err("corrupt (checksum)".into());
        }
        let header = self.decode_header(bytes)?;
        header.check_version()?;
        Ok((header, payload))
    }
}

/// `bytes` with its checksum made right, when there is room for one (so the fuzzer reaches
/// the decoding behind the checksum).
pub fn reseal(bytes: &[u8]) -> Option<Vec<u8>> {
    let body = bytes.len().checked_sub(SUM)?;
    let mut out = bytes[..body].to_vec();
    out.extend_from_slice(&xxhash_rust::xxh3::xxh3_128(&out).to_le_bytes());
    Some(out)
}

/// Writes `bytes` to `path` whole (under a temporary name, renamed into place, unsynced);
/// a failure is not an error: it is only a cache.
pub fn write(path: &Path, bytes: &[u8]) {
    if let Some(dir) = path.parent()
        && std::fs::create_dir_all(dir).is_ok()
    {
        let _ = crate::fsutil::write_atomic_with(
            path,
            Existing::Replace,
            Durability::Unsynced,
            |out| std::io::Write::write_all(out, bytes),
        );
    }
}

/// Checks that `refuses` refuses `good` (a sound file of `kind`) cut anywhere, with any byte
/// flipped, and of the next format version (for each kind's tests).
#[cfg(test)]
pub(super) fn assert_unsound_files_are_refused(
    kind: &Kind,
    good: &[u8],
    refuses: impl Fn(&[u8]) -> Option<String>,
) {
    for cut in 0..good.len() {
        assert!(refuses(&good[..cut]).is_some(), "cut at {cut}");
    }
    for at in 0..good.len() {
        let mut bad = good.to_vec();
        bad[at] ^= 0x20;
        assert!(refuses(&bad).is_some(), "byte {at} changed");
    }
    let mut newer = good.to_vec();
    newer[8..12].copy_from_slice(&(kind.version + 1).to_le_bytes());
    let why = refuses(&newer).unwrap_or_default();
    assert!(why.starts_with("format "), "{why}");
}
