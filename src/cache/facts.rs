//! The diff facts of a source's cached patches ([`DiffFacts`]: each diff's paths, counts,
//! problems and patch-id), kept beside its cache file (`<id>.facts`) once a command has
//! worked them out.
//!
//! A cold read leaves them out of the cache file: a listing needs none of them, and they are
//! most of the work of reading a queue (the survey and the patch-id walk every byte of every
//! diff). The first load that needs them ([`FactsAt::Load`]: the desk, `check`, a JSON
//! listing) works them out on every core and keeps them here, so that no later one works
//! them out again.
//!
//! Its layout is a [`sidecar`](super::sidecar) file's. The header is that of the cache file
//! whose patches they are, with the stamp that file was written with (not the source's
//! now): an mbox that grew keeps its cache file for a while ([`super::Cache`] parses only
//! the new tail), and these facts still hold for the patches it keeps. The payload is the
//! facts of each of those patches, in their order (postcard).

use super::format::Header;
use super::sidecar::{self, Kind};
use crate::patch::{DiffFacts, Patch};
use std::path::{Path, PathBuf};

/// Facts files: their magic, extension and format version. The version is bumped whenever
/// the layout changes, or what a diff's facts are (the survey, the patch-id): facts kept by
/// an older build of the same crate version would otherwise be used.
pub const KIND: Kind = Kind {
    magic: b"PDFACTS\n",
    extension: "facts",
    version: 1,
    what: "a facts file",
    describes: "the diff facts of the cache of ",
};

/// When a load works out the diff facts of every patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactsAt {
    /// At the load, on every core, kept beside the cache file (for what reads them of every
    /// patch).
    Load,
    /// When a patch's are first asked for (a listing asks for none).
    FirstUse,
}

/// The facts file of one cache file: where it is, and the cache file it belongs to (its
/// path, header and number of patches).
#[derive(Debug, Clone)]
pub struct FactsFile {
    pub path: PathBuf,
    cache_file: PathBuf,
    header: Header,
    count: usize,
}

impl FactsFile {
    /// The facts file beside `cache_file`, a cache file with `header` and `count` patches.
    pub fn beside(cache_file: &Path, header: Header, count: usize) -> FactsFile {
        FactsFile {
            path: KIND.beside(cache_file),
            cache_file: cache_file.to_path_buf(),
            header,
            count,
        }
    }

    /// How many patches the cache file holds.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The facts kept for that cache file's patches: `Err(None)` when there are none,
    /// `Err(Some(why))` when the file cannot be used.
    pub fn read(&self) -> Result<Vec<DiffFacts>, Option<String>> {
        let bytes = std::fs::read(&self.path).map_err(|_| None)?;
        let (header, facts) = decode(&bytes)?;
        if header != self.header {
            return Err(Some("of another cache file".into()));
        }
        if facts.len() != self.count {
            return Err(Some("not one for each patch".into()));
        }
        Ok(facts)
    }

    /// Gives the first patches of `patches` (those of the cache file) the facts kept for
    /// them; returns whether there were any to give.
    pub fn attach(&self, patches: &mut [Patch]) -> bool {
        let Some(cached) = patches.get_mut(..self.count) else {
            return false;
        };
        let Ok(facts) = self.read() else {
            return false;
        };
        for (patch, facts) in cached.iter_mut().zip(facts) {
            patch.diff.set_facts(facts);
        }
        true
    }

    /// Keeps the facts of the first patches of `patches` (those of the cache file), which
    /// must all be worked out, while the cache file there is the one they are of (none is
    /// written when it could not be written, as for a source past what a cache holds, or
    /// one that changed while it was read); a failure to write is not an error (it is only
    /// a cache).
    pub fn write(&self, patches: &[Patch]) {
        let Some(cached) = patches.get(..self.count) else {
            return;
        };
        if super::format::read_header(&self.cache_file).as_ref() != Some(&self.header) {
            return;
        }
        let facts: Option<Vec<&DiffFacts>> = cached.iter().map(|p| p.diff.known_facts()).collect();
        if let Some(Ok(bytes)) = facts.map(|f| encode(&self.header, &f)) {
            sidecar::write(&self.path, &bytes);
        }
    }
}

/// A facts file's bytes.
pub fn encode(header: &Header, facts: &[&DiffFacts]) -> Result<Vec<u8>, String> {
    let payload = postcard::to_allocvec(facts).map_err(|e| e.to_string())?;
    KIND.encode(header, &payload)
}

/// A facts file's header and facts, or why it cannot be used.
pub fn decode(bytes: &[u8]) -> Result<(Header, Vec<DiffFacts>), String> {
    let (header, payload) = KIND.decode(bytes)?;
    match postcard::take_from_bytes::<Vec<DiffFacts>>(payload) {
        Ok((facts, [])) => Ok((header, facts)),
        _ => Err("corrupt facts".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::sidecar::SUM;
    use super::*;
    use crate::cache::Stamp;
    use crate::cache::format::SourceKey;
    use crate::source::SourceKind;

    /// The header of a cache file of a source named `name` that holds `name`.
    fn header(name: &str) -> Header {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, name).unwrap();
        let key = SourceKey::new(&path, SourceKind::File, name);
        Header::of(&key, &Stamp::of(&path, SourceKind::File).unwrap())
    }

    fn facts(n: usize) -> DiffFacts {
        DiffFacts {
            paths: vec![format!("file-{n}.c")],
            insertions: n,
            deletions: 2 * n,
            problems: vec![format!("problem {n}")],
            patch_id: Some(format!("{n:040x}")),
        }
    }

    #[test]
    fn facts_kept_are_read_back_for_the_cache_file_they_were_kept_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.cache");
        let a = header("a");
        let file = FactsFile::beside(&path, a.clone(), 2);
        assert_eq!(file.path, dir.path().join("x.facts"));
        assert_eq!(file.read(), Err(None));
        let mut patches = vec![Patch::default(), Patch::default(), Patch::default()];
        patches[0].diff.set_facts(facts(1));
        patches[1].diff.set_facts(facts(2));
        file.write(&patches);
        assert_eq!(file.read(), Err(None), "not written without its cache file");
        let parsed = crate::patch::Parsed::default();
        let of_b = crate::cache::format::encode(&header("b"), &parsed, 0, true).unwrap();
        std::fs::write(&path, of_b).unwrap();
        file.write(&patches);
        assert_eq!(
            file.read(),
            Err(None),
            "not written beside another cache file"
        );
        let of_a = crate::cache::format::encode(&a, &parsed, 0, true).unwrap();
        std::fs::write(&path, of_a).unwrap();
        patches[1] = Patch::default();
        file.write(&patches);
        assert_eq!(
            file.read(),
            Err(None),
            "not written while one is not worked out"
        );
        patches[1].diff.set_facts(facts(2));
        file.write(&patches);
        assert_eq!(file.read(), Ok(vec![facts(1), facts(2)]));
        // Read back into patches: the first two get them, the third (a new tail) does not.
        let mut again = vec![Patch::default(), Patch::default(), Patch::default()];
        assert!(file.attach(&mut again));
        assert_eq!(again[1].diff.known_facts(), Some(&facts(2)));
        assert_eq!(again[2].diff.known_facts(), None);
        // Another cache file (another source, another stamp) or count: not used.
        let other = FactsFile::beside(&path, header("b"), 2);
        assert_eq!(other.read(), Err(Some("of another cache file".into())));
        assert!(!other.attach(&mut again.clone()));
        let fewer = FactsFile::beside(&path, a.clone(), 1);
        assert_eq!(fewer.read(), Err(Some("not one for each patch".into())));
        let more = FactsFile::beside(&path, a, 4);
        assert!(
            !more.attach(&mut again),
            "fewer patches than the cache file"
        );
    }

    #[test]
    fn a_torn_corrupt_or_other_version_file_is_refused_with_its_reason() {
        let good = encode(&header("a"), &[&facts(1), &facts(2)]).unwrap();
        assert_eq!(decode(&good).unwrap().1, vec![facts(1), facts(2)]);
        sidecar::assert_unsound_files_are_refused(&KIND, &good, |b| decode(b).err());
        // Facts with a byte after them, sealed with a good checksum, are refused.
        let mut padded = good[..good.len() - SUM].to_vec();
        padded.push(0);
        let len = u64::from_le_bytes(padded[16..24].try_into().unwrap()) + 1;
        padded[16..24].copy_from_slice(&len.to_le_bytes());
        padded.extend_from_slice(&[0; SUM]);
        let padded = sidecar::reseal(&padded).unwrap();
        assert_eq!(decode(&padded).unwrap_err(), "corrupt facts");
        let listing = crate::cache::listing::encode(&header("a"), "a table\n").unwrap();
        assert_eq!(decode(&listing).unwrap_err(), "not a facts file");
    }

    #[test]
    fn the_fuzz_seed_is_a_facts_file_of_this_format() {
        // So the fuzzer starts from a file that gets past the version check. When the version
        // changes, regenerate it: the facts file `XDG_CACHE_HOME=DIR patchdesk check
        // tests/fixtures/mail/format-patch.mbox` writes in DIR/patchdesk.
        let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
            "tests/fixtures/fuzz/facts/format-patch-v{}",
            KIND.version
        ));
        let bytes = std::fs::read(&seed).expect("a seed of this format version");
        assert_eq!(sidecar::reseal(&bytes).as_deref(), Some(&bytes[..]));
        match decode(&bytes) {
            Ok((_, facts)) => assert!(facts.iter().any(|f| f.patch_id.is_some())),
            // (It may be from an older crate version: then only that check refuses it.)
            Err(why) => assert!(why.starts_with("written by patchdesk"), "{why}"),
        }
    }
}
