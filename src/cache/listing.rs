//! The listing of a source, kept beside its cache file (`<id>.listing`): the table
//! `patchdesk list` prints for it, with the stamp of the source it was made from. Listing an
//! unchanged source then reads neither its mail nor its cache file: no patch is built, no
//! series grouped and no review counted again (on a 300 MB backlog that was nine tenths of
//! a reopen).
//!
//! Its layout is a [`sidecar`](super::sidecar) file's; the payload is the listing (UTF-8),
//! and the header is the one a cache file of the source as it stands now would have.
//!
//! Like the cache file it is only a cache: one that is missing, torn, corrupt, of another
//! version or another source, or whose source's stamp has changed is not used, and the
//! listing is made from the queue again and the file written anew (under a temporary name,
//! renamed into place). It is written only when the source's stamp was the same before the
//! queue was read and after the listing was made, so it never holds a listing of a source
//! that changed while it was read.

use super::format::{Header, SourceKey};
use super::sidecar::{self, Kind};
use super::{Cache, Stamp};
use crate::source::{SourceKind, SourceSpec};
use std::path::PathBuf;

/// Listing files: their magic, extension and format version. The version is bumped whenever
/// the layout changes, or what the listing of a queue is: the table's form, or how messages
/// are grouped into series and their reviews counted (a listing kept by an older build of
/// the same crate version would otherwise be printed).
pub const KIND: Kind = Kind {
    magic: b"PDLIST\n\0",
    extension: "listing",
    version: 1,
    what: "a listing file",
    describes: "the table listed of ",
};

/// The listing file of one source as it stands now: where it is, and the header a good
/// one has.
#[derive(Debug, Clone)]
pub struct ListingFile {
    pub path: PathBuf,
    source: PathBuf,
    kind: SourceKind,
    header: Header,
}

impl Cache {
    /// The listing file of `spec` and the stamp its source has now; `None` for a source the
    /// cache does not keep (as [`Cache::load_since`] bypasses it).
    pub fn listing_file(&self, spec: &SourceSpec) -> crate::Result<Option<ListingFile>> {
        let Some((path, kind)) = super::kept_source(spec)? else {
            return Ok(None);
        };
        let key = SourceKey::new(path, kind, &spec.name());
        let stamp = Stamp::of(path, kind)?;
        Ok(Some(ListingFile {
            path: KIND.beside(&self.file_for(&key)),
            source: path.to_path_buf(),
            kind,
            header: Header::of(&key, &stamp),
        }))
    }
}

impl ListingFile {
    /// The listing kept for the source as it stands: `Err(None)` when there is none,
    /// `Err(Some(why))` when the file cannot be used.
    pub fn read(&self) -> Result<String, Option<String>> {
        let bytes = std::fs::read(&self.path).map_err(|_| None)?;
        let (header, text) = decode(&bytes)?;
        if header.key != self.header.key {
            return Err(Some("another source's listing".into()));
        }
        if header.stamp != self.header.stamp {
            return Err(Some("source changed".into()));
        }
        Ok(text.to_string())
    }

    /// Keeps `text`, the listing of the source read at the stamp this file was made with,
    /// unless the source has changed since; a failure to write is not an error (it is only
    /// a cache).
    pub fn write(&self, text: &str) {
        if !self.header.stamp.is_current(&self.source, self.kind) {
            return;
        }
        if let Ok(bytes) = encode(&self.header, text) {
            sidecar::write(&self.path, &bytes);
        }
    }
}

/// A listing file's bytes.
pub fn encode(header: &Header, text: &str) -> Result<Vec<u8>, String> {
    KIND.encode(header, text.as_bytes())
}

/// The header alone (for `cache info`), checksum and crate version not checked.
pub fn decode_header(bytes: &[u8]) -> Result<Header, String> {
    KIND.decode_header(bytes)
}

/// A listing file's header and listing, or why it cannot be used.
pub fn decode(bytes: &[u8]) -> Result<(Header, &str), String> {
    let (header, text) = KIND.decode(bytes)?;
    let text = simdutf8::basic::from_utf8(text).map_err(|_| "corrupt (not UTF-8)".to_string())?;
    Ok((header, text))
}

pub use sidecar::reseal;

#[cfg(test)]
mod tests {
    use super::super::sidecar::{PREFIX, SUM};
    use super::super::tests::{Fixture, fixture};
    use super::*;

    impl Fixture {
        fn file(&self) -> ListingFile {
            self.cache
                .listing_file(&self.spec)
                .unwrap()
                .expect("a file source")
        }
    }

    const MAIL: &str = "From a@b Thu Jan  1 00:00:00 2020\nFrom: A <a@example.org>\n\
        Subject: [PATCH] change\nMessage-Id: <m@example.org>\n\nChange.\n";

    #[test]
    fn a_listing_kept_is_read_back_while_its_source_is_unchanged() {
        let f = fixture(MAIL);
        assert_eq!(f.file().read(), Err(None));
        f.file().write("the table\n");
        assert_eq!(f.file().read().as_deref(), Ok("the table\n"));
        // Kept with a stamp taken before the source changed: not written.
        let before = f.file();
        std::fs::write(&f.path, MAIL.replace("Change.", "Other.")).unwrap();
        before.write("a table of the old source\n");
        assert_eq!(f.file().read(), Err(Some("source changed".into())));
        // Another source's listing under this one's name is not used.
        let other = fixture(MAIL);
        std::fs::create_dir_all(&f.cache.dir).unwrap();
        let theirs = encode(&other.file().header, "theirs\n").unwrap();
        std::fs::write(&f.file().path, theirs).unwrap();
        assert_eq!(
            f.file().read(),
            Err(Some("another source's listing".into()))
        );
    }

    #[test]
    fn an_in_place_edit_of_the_same_length_with_the_mtime_put_back_is_seen() {
        let f = fixture(MAIL);
        f.file().write("the table\n");
        f.edit_in_place(&MAIL.replace("Change.", "chaNGE."));
        assert_eq!(f.file().read(), Err(Some("source changed".into())));
    }

    #[test]
    fn a_torn_corrupt_or_other_version_file_is_refused_with_its_reason() {
        let f = fixture(MAIL);
        let header = f.file().header;
        let good = encode(&header, "row é\n").unwrap();
        assert_eq!(decode(&good).map(|(_, t)| t), Ok("row é\n"));
        sidecar::assert_unsound_files_are_refused(&KIND, &good, |b| decode(b).err());
        let other = Header {
            crate_version: "0.0.0-other".into(),
            ..header.clone()
        };
        let written = encode(&other, "row\n").unwrap();
        assert!(decode(&written).unwrap_err().contains("0.0.0-other"));
        // A header with bytes after it, sealed with a good checksum, is refused.
        let mut padded = good[..PREFIX].to_vec();
        let header_bytes = postcard::to_allocvec(&header).unwrap();
        padded[12..16].copy_from_slice(&(header_bytes.len() as u32 + 1).to_le_bytes());
        padded.extend_from_slice(&header_bytes);
        padded.push(0);
        padded.extend_from_slice(b"row \xc3\xa9\n".as_slice());
        padded.extend_from_slice(&[0; SUM]);
        let padded = reseal(&padded).unwrap();
        assert_eq!(decode(&padded).unwrap_err(), "corrupt header");
        // Text that is not UTF-8, sealed with a good checksum, is refused too.
        let mut not_utf8 = encode(&header, "ab").unwrap();
        let at = not_utf8.len() - SUM - 1;
        not_utf8[at] = 0xff;
        let body = not_utf8.len() - SUM;
        let sum = xxhash_rust::xxh3::xxh3_128(&not_utf8[..body]).to_le_bytes();
        not_utf8[body..].copy_from_slice(&sum);
        assert_eq!(decode(&not_utf8).unwrap_err(), "corrupt (not UTF-8)");
    }

    #[test]
    fn the_fuzz_seed_is_a_listing_file_of_this_format() {
        // So the fuzzer starts from a file that gets past the version check. When the version
        // changes, regenerate it: the listing file `XDG_CACHE_HOME=DIR patchdesk list
        // tests/fixtures/mail/format-patch.mbox` writes in DIR/patchdesk.
        let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
            "tests/fixtures/fuzz/listing/format-patch-v{}",
            KIND.version
        ));
        let bytes = std::fs::read(&seed).expect("a seed of this format version");
        assert_eq!(reseal(&bytes).as_deref(), Some(&bytes[..]));
        match decode(&bytes) {
            Ok((_, text)) => assert!(text.starts_with("PATCH "), "{text}"),
            // (It may be from an older crate version: then only that check refuses it.)
            Err(why) => assert!(why.starts_with("written by patchdesk"), "{why}"),
        }
    }

    #[test]
    fn a_source_the_cache_does_not_keep_has_no_listing_file() {
        let cache = Cache::at(tempfile::tempdir().unwrap().path());
        assert!(cache.listing_file(&SourceSpec::Demo).unwrap().is_none());
        assert!(cache.listing_file(&SourceSpec::Stdin).unwrap().is_none());
    }
}
