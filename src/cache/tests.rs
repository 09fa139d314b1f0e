use super::format::SourceKey;
use super::*;
use std::io::Write;

fn mail(n: usize) -> String {
    format!(
        "From a@b Thu Jan  1 00:00:00 2020\nFrom: A <a@example.org>\nSubject: [PATCH] change {n}\n\
         Message-Id: <m{n}@example.org>\nDate: Thu, 1 Jan 2020 00:00:{:02} +0000\n\n\
         Change {n}.\n\nSigned-off-by: A <a@example.org>\n---\n diff --git a/f b/f\n\
         --- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b{n}\n",
        n % 60
    )
}

fn mbox(range: std::ops::Range<usize>) -> String {
    range.map(mail).collect()
}

/// Flips a byte of the first body of the cache `file` (its text follows the 32-byte prefix
/// and the header): the meta stays sound, the text's checksum does not. Put in place as
/// patchdesk writes, renamed over the old file: patches already read map the old one.
fn corrupt_first_text(file: &Path) {
    let mut bytes = std::fs::read(file).unwrap();
    let at = 32 + u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize + 3;
    bytes[at] ^= 0x01;
    let next = file.with_extension("next");
    std::fs::write(&next, &bytes).unwrap();
    std::fs::rename(&next, file).unwrap();
}

/// A fixture of `n` messages, loaded once, its cache's first text then corrupted
/// ([`corrupt_first_text`]); and the cache file.
fn with_corrupt_text(n: usize) -> (Fixture, PathBuf) {
    let f = fixture(&mbox(0..n));
    f.load();
    let file = f.cache_file();
    corrupt_first_text(&file);
    (f, file)
}

/// Everything a load gives: every patch model (with its message) and every skipped message.
fn dump(parsed: &Parsed) -> String {
    format!("{:?}\n{:?}", parsed.patches, parsed.skipped)
}

/// A source in a new temporary dir, with a cache dir of its own (also for the tests of
/// [`super::listing`]).
pub(super) struct Fixture {
    _dir: tempfile::TempDir,
    pub(super) cache: Cache,
    pub(super) path: PathBuf,
    pub(super) spec: SourceSpec,
}

/// [`Fixture`]: an mbox of `content`.
pub(super) fn fixture(content: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.mbox");
    std::fs::write(&path, content).unwrap();
    Fixture {
        cache: Cache::at(dir.path().join("cache")),
        spec: SourceSpec::Path(path.clone()),
        path,
        _dir: dir,
    }
}

impl Fixture {
    /// Writes `edited`, as long as the source, over it in place, and puts its mtime back.
    pub(super) fn edit_in_place(&self, edited: &str) {
        assert_eq!(
            edited.len() as u64,
            std::fs::metadata(&self.path).unwrap().len()
        );
        let mtime = std::fs::metadata(&self.path).unwrap().modified().unwrap();
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(&self.path)
            .unwrap();
        file.write_all(edited.as_bytes()).unwrap();
        file.set_modified(mtime).unwrap();
        drop(file);
        assert_eq!(
            std::fs::metadata(&self.path).unwrap().modified().unwrap(),
            mtime
        );
    }

    /// This fixture's cache, checking the texts it reads back only when one is read.
    fn lazy(&self) -> Cache {
        Cache::at(self.cache.dir.clone()).checking_texts(TextCheck::WhenRead)
    }
    fn load(&self) -> (Parsed, CacheOutcome) {
        self.cache
            .load_since(&self.spec, None, FactsAt::Load)
            .unwrap()
    }
    fn cold(&self) -> Parsed {
        Parsed::from_loaded(source::load(&self.spec).unwrap())
    }
    /// Appends `text` to the mbox, as mail delivery does.
    fn append(&self, text: &str) {
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&self.path)
            .unwrap();
        file.write_all(text.as_bytes()).unwrap();
    }
    fn cache_file(&self) -> PathBuf {
        let files = self.cache.files();
        let cache_files: Vec<_> = files
            .iter()
            .filter(|f| f.0.extension().is_some_and(|e| e == "cache"))
            .collect();
        assert_eq!(cache_files.len(), 1, "{files:?}");
        cache_files[0].0.clone()
    }
}

#[test]
fn cold_then_hit_gives_the_same_messages() {
    let f = fixture(&(mbox(0..5) + "From a@b Thu Jan  1 00:00:00 2020\nnot a header\n\n"));
    let (first, outcome) = f.load();
    assert_eq!(outcome, CacheOutcome::Cold);
    let (again, outcome) = f.load();
    assert_eq!(outcome, CacheOutcome::Hit);
    assert_eq!(dump(&first), dump(&again));
    assert_eq!(dump(&again), dump(&f.cold()));
    assert_eq!(again.skipped.len(), 1);
}

#[test]
fn a_hit_maps_the_bodies_and_reads_as_the_file_read_whole_does() {
    let f = fixture(&mbox(0..6));
    f.load();
    let (hit, outcome) = f.load();
    assert_eq!(outcome, CacheOutcome::Hit);
    assert!(hit.patches.iter().all(|p| p.mail.body.is_mapped()));
    assert!(
        hit.patches
            .iter()
            .all(|p| p.diff.stored().is_some_and(|(t, ..)| t.is_mapped()))
    );
    let file = f.cache_file();
    let mapped = format::read(&file).unwrap();
    let whole = format::decode(&std::fs::read(&file).unwrap()).unwrap();
    assert!(!whole.patches[0].mail.body.is_mapped());
    assert_eq!(
        format!("{:?}{:?}", mapped.patches, mapped.skipped),
        format!("{:?}{:?}", whole.patches, whole.skipped)
    );
    assert_eq!(dump(&hit), dump(&f.cold()));
}

#[test]
fn corrupt_truncated_and_old_version_caches_are_rebuilt() {
    // Where the text starts: after the prefix (32 bytes) and the header, whose length is in
    // the prefix.
    let text_at = |b: &[u8]| 32 + u32::from_le_bytes(b[12..16].try_into().unwrap()) as usize;
    let f = fixture(&mbox(0..4));
    f.load();
    let file = f.cache_file();
    let good = std::fs::read(&file).unwrap();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            {
                let mut b = good.clone();
                let at = b.len() / 2;
                b[at] ^= 0x20;
                b
            },
            "corrupt",
        ),
        (
            {
                // A byte of the first body's text (the text comes right after the header).
                let mut b = good.clone();
                let at = text_at(&b) + 3;
                b[at] ^= 0x01;
                b
            },
            "corrupt (checksum)",
        ),
        (
            {
                // Not UTF-8, with a checksum that says it is what was written.
                let mut b = good.clone();
                let at = text_at(&b) + 3;
                b[at] = 0xFF;
                format::reseal(&b).unwrap()
            },
            "not UTF-8",
        ),
        (
            {
                // A byte of the meta (its end, just before the checksums): refused by the
                // meta's own checksum, before any of it is decoded.
                let mut b = good.clone();
                let at = b.len() - format::SUMS - 3;
                b[at] ^= 0x01;
                b
            },
            "corrupt (checksum)",
        ),
        (good[..good.len() - 7].to_vec(), "truncated"),
        (good[..5].to_vec(), "truncated"),
        (
            {
                let mut b = good.clone();
                b[8..12].copy_from_slice(&(format::FORMAT_VERSION + 1).to_le_bytes());
                b
            },
            "format version",
        ),
        (b"garbage".to_vec(), "not a cache file"),
    ];
    for (bytes, why) in cases {
        std::fs::write(&file, &bytes).unwrap();
        let (loaded, outcome) = f.load();
        match &outcome {
            CacheOutcome::Rebuilt(reason) => assert!(reason.contains(why), "{reason} / {why}"),
            other => panic!("{other:?} for {why}"),
        }
        assert_eq!(dump(&loaded), dump(&f.cold()));
        assert_eq!(f.load().1, CacheOutcome::Hit, "rebuilt after {why}");
    }
}

#[test]
fn an_in_place_edit_of_the_same_length_with_the_mtime_put_back_is_seen() {
    let f = fixture(&mbox(0..3));
    f.load();
    f.edit_in_place(&mbox(0..3).replace("change 1\n", "chanGE 1\n"));
    let (loaded, outcome) = f.load();
    assert!(matches!(outcome, CacheOutcome::Rebuilt(_)), "{outcome:?}");
    assert_eq!(loaded.patches[1].mail.subject, "[PATCH] chanGE 1");
}

#[test]
fn the_edge_hashes_see_an_edit_the_metadata_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    std::fs::write(&path, "abc").unwrap();
    let one = stamp::FileStamp::of(&path).unwrap();
    let mut two = one.clone();
    (two.head, two.tail) = stamp::FileStamp::hashes_at(&path, 3).unwrap();
    assert_eq!(one, two);
    std::fs::write(&path, "abd").unwrap();
    let (head, tail) = stamp::FileStamp::hashes_at(&path, 3).unwrap();
    assert_ne!((head, tail), (one.head, one.tail));
}

#[test]
fn an_appended_mbox_parses_only_its_tail_and_matches_a_cold_read() {
    let f = fixture(&(mbox(0..4) + "From a@b Thu Jan  1 00:00:00 2020\nnot a header\n\n"));
    f.load();
    f.append(&mbox(4..9));
    let (loaded, outcome) = f.load();
    assert_eq!(outcome, CacheOutcome::Appended);
    assert_eq!(dump(&loaded), dump(&f.cold()));
    assert_eq!(loaded.patches.len(), 9);
    assert_eq!(loaded.patches[8].mail.origin.index, 10);
    let (again, outcome) = f.load();
    assert_eq!(outcome, CacheOutcome::Hit);
    assert_eq!(dump(&again), dump(&f.cold()));
}

#[test]
fn a_small_tail_is_parsed_at_each_open_until_it_is_worth_a_rewrite() {
    let f = fixture(&mbox(0..40));
    assert_eq!(f.load().1, CacheOutcome::Cold);
    let written = std::fs::read(f.cache_file()).unwrap();
    let append = |range| f.append(&mbox(range));
    // Two messages on forty: read from the cache plus the tail, the cache left as it was.
    append(40..42);
    for _ in 0..2 {
        let (loaded, outcome) = f.load();
        assert_eq!(outcome, CacheOutcome::Appended);
        assert_eq!(dump(&loaded), dump(&f.cold()));
        assert_eq!(std::fs::read(f.cache_file()).unwrap(), written);
    }
    // Three more make the tail an eighth of the cache: it is written anew, with them.
    append(42..45);
    let (loaded, outcome) = f.load();
    assert_eq!(outcome, CacheOutcome::Appended);
    assert_eq!(dump(&loaded), dump(&f.cold()));
    let (again, outcome) = f.load();
    assert_eq!(outcome, CacheOutcome::Hit);
    assert_eq!(dump(&again), dump(&f.cold()));
}

#[test]
fn growth_that_is_not_whole_messages_rebuilds() {
    let f = fixture(&mbox(0..2));
    f.load();
    f.append("+more text of the last message\n");
    let (loaded, outcome) = f.load();
    assert!(matches!(outcome, CacheOutcome::Rebuilt(_)), "{outcome:?}");
    assert_eq!(dump(&loaded), dump(&f.cold()));
}

#[test]
fn a_maildir_reads_only_its_new_files() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("md");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
    }
    let write = |n: usize| {
        let text = mail(n);
        let body = text.split_once('\n').unwrap().1;
        std::fs::write(md.join(format!("new/{}.{n}.host", 1000 + n)), body).unwrap();
    };
    (0..3).for_each(write);
    let cache = Cache::at(dir.path().join("cache"));
    let spec = SourceSpec::Path(md.clone());
    assert_eq!(
        cache.load_since(&spec, None, FactsAt::Load).unwrap().1,
        CacheOutcome::Cold
    );
    write(3);
    write(4);
    let (loaded, outcome) = cache.load_since(&spec, None, FactsAt::Load).unwrap();
    assert_eq!(outcome, CacheOutcome::Appended);
    assert_eq!(
        dump(&loaded),
        dump(&Parsed::from_loaded(source::load(&spec).unwrap()))
    );
    assert_eq!(loaded.patches.len(), 5);
    assert_eq!(
        cache.load_since(&spec, None, FactsAt::Load).unwrap().1,
        CacheOutcome::Hit
    );
    std::fs::remove_file(md.join("new/1001.1.host")).unwrap();
    let (loaded, outcome) = cache.load_since(&spec, None, FactsAt::Load).unwrap();
    assert!(matches!(outcome, CacheOutcome::Rebuilt(_)), "{outcome:?}");
    assert_eq!(loaded.patches.len(), 4);
}

#[test]
fn two_writers_at_once_leave_a_readable_cache() {
    let f = fixture(&mbox(0..40));
    let cold = dump(&f.cold());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..3 {
                    let (loaded, _) = f.load();
                    assert_eq!(dump(&loaded), cold);
                }
            });
        }
    });
    let (loaded, outcome) = f.load();
    assert_eq!(outcome, CacheOutcome::Hit);
    assert_eq!(dump(&loaded), cold);
    let mut names: Vec<_> = std::fs::read_dir(&f.cache.dir)
        .unwrap()
        .flatten()
        .map(|e| e.path().extension().unwrap_or_default().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["cache", "facts"], "no temporary file left");
}

#[test]
fn sources_never_share_a_cache_and_clear_removes_them() {
    let f = fixture(&mbox(0..2));
    f.load();
    let other = f.path.with_file_name("other.mbox");
    std::fs::write(&other, mbox(5..6)).unwrap();
    let (loaded, outcome) = f
        .cache
        .load_since(&SourceSpec::Path(other.clone()), None, FactsAt::Load)
        .unwrap();
    assert_eq!(outcome, CacheOutcome::Cold);
    assert_eq!(loaded.patches.len(), 1);
    // Each source's cache file, and its diff facts beside it.
    let files = f.cache.files();
    let extensions: Vec<_> = files.iter().map(|f| f.0.extension().unwrap()).collect();
    assert_eq!(
        extensions,
        ["cache", "facts", "cache", "facts"],
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .all(|(_, _, h)| h.as_ref().is_some_and(|h| h.key.kind == "File"))
    );
    assert_eq!(f.cache.clear().unwrap(), 4);
    assert!(f.cache.files().is_empty());
}

#[test]
fn other_sources_bypass_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::at(dir.path());
    let (_, outcome) = cache
        .load_since(&SourceSpec::Demo, None, FactsAt::Load)
        .unwrap();
    assert_eq!(outcome, CacheOutcome::Bypassed);
    assert!(cache.files().is_empty());
}

/// An mbox with every kind of message a window may cut near: plain ones, one longer than a
/// window, an mboxrd one with an escaped `From ` line, one with a byte that is not UTF-8,
/// one that cannot be read, and a last one cut off in the middle of its line.
fn mixed_mbox() -> Vec<u8> {
    let mut out = Vec::new();
    for n in 0..12 {
        out.extend_from_slice(mail(n).as_bytes());
    }
    out.extend_from_slice(
        mail(12)
            .replace("Change 12.", &"A long line of the message.\n".repeat(300))
            .as_bytes(),
    );
    out.extend_from_slice(
        mail(13)
            .replace("From a@b ", "From mboxrd@z ")
            .replace("Change 13.", "Change 13.\n>From the start, escaped.")
            .as_bytes(),
    );
    out.extend_from_slice(mail(14).replace("Change 14.", "Caf\u{e9} 14.").as_bytes());
    let latin1 = mail(15).replace("Change 15.", "Caf# 15.").into_bytes();
    out.extend(latin1.into_iter().map(|b| if b == b'#' { 0xE9 } else { b }));
    out.extend_from_slice(b"From a@b Thu Jan  1 00:00:00 2020\nnot a header\n\n");
    for n in 16..30 {
        out.extend_from_slice(mail(n).as_bytes());
    }
    out.extend_from_slice(mail(30).trim_end().as_bytes());
    out
}

#[test]
fn a_cold_mbox_read_window_by_window_gives_what_a_whole_read_gives() {
    let f = fixture("");
    std::fs::write(&f.path, mixed_mbox()).unwrap();
    let cache = Cache::at(f.cache.dir.clone()).windowed(1500);
    let (streamed, outcome) = cache.load_since(&f.spec, None, FactsAt::Load).unwrap();
    assert_eq!(outcome, CacheOutcome::Cold);
    let whole = f.cold();
    assert_eq!(whole.patches.len(), 31);
    assert_eq!(whole.skipped.len(), 1);
    assert_eq!(dump(&streamed), dump(&whole));
    // Their texts are the cache file's, mapped: no window is held.
    assert!(streamed.patches.iter().all(|p| p.mail.body.is_mapped()
        && p.message.is_mapped()
        && p.diff.stored().is_some_and(|(t, ..)| t.is_mapped())));
    let (hit, outcome) = cache.load_since(&f.spec, None, FactsAt::Load).unwrap();
    assert_eq!(outcome, CacheOutcome::Hit);
    assert_eq!(dump(&hit), dump(&whole));
    // An mbox cache like any other: this one ended in the middle of a line, so what is
    // appended is not a new message, and the cache is rebuilt (window by window again).
    f.append(&format!("\n{}", mail(31)));
    let (grown, outcome) = cache.load_since(&f.spec, None, FactsAt::Load).unwrap();
    assert_eq!(outcome, CacheOutcome::Rebuilt("source changed".into()));
    assert_eq!(dump(&grown), dump(&f.cold()));
}

#[test]
fn a_window_read_of_a_source_that_changed_meanwhile_leaves_no_cache_behind() {
    let f = fixture(&mbox(0..20));
    let kind = SourceKind::File;
    let key = SourceKey::new(&f.path, kind, &f.spec.name());
    let stale = Stamp::of(&f.path, kind).unwrap();
    f.append(&mail(20));
    let cache = Cache::at(f.cache.dir.clone()).windowed(700);
    let parsed = stream::read_mbox(&cache, &f.path, &key, &stale)
        .unwrap()
        .expect("read");
    assert_eq!(parsed.patches.len(), 21);
    let left: Vec<_> = std::fs::read_dir(&cache.dir).unwrap().flatten().collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(dump(&parsed), dump(&f.cold()));
}

#[test]
fn a_watched_window_read_lists_every_patch_so_far_after_each_window() {
    use crate::progress::{Event, watching};
    use std::sync::{Arc, Mutex};
    let f = fixture(&mbox(0..40));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let cache = Cache::at(f.cache.dir.clone()).windowed(2000);
    let (parsed, _) = watching(
        move |e| match e {
            Event::Built { so_far, total } => {
                let so_far = so_far.downcast_ref::<Vec<crate::patch::Patch>>().unwrap();
                let subjects: Vec<String> =
                    so_far.iter().map(|p| p.subject.title.clone()).collect();
                sink.lock().unwrap().push((subjects, *total));
            }
            Event::Read { .. } => panic!("a window read reports what it built"),
        },
        || cache.load_since(&f.spec, None, FactsAt::Load).unwrap(),
    );
    let seen = seen.lock().unwrap();
    assert!(seen.len() > 3, "{} reports", seen.len());
    let all: Vec<String> = parsed
        .patches
        .iter()
        .map(|p| p.subject.title.clone())
        .collect();
    for (i, (subjects, total)) in seen.iter().enumerate() {
        // Every report holds the list from the start: never a window alone.
        assert_eq!(subjects[..], all[..subjects.len()]);
        if i + 1 < seen.len() {
            assert!(*total > subjects.len() && subjects.len() < seen[i + 1].0.len());
        }
    }
    let (last, total) = seen.last().unwrap();
    assert_eq!((last.len(), *total), (all.len(), all.len()));
    drop(seen);
    // A tail appended to an mbox read so is read alone.
    f.append(&mail(40));
    let (appended, outcome) = cache.load_since(&f.spec, None, FactsAt::Load).unwrap();
    assert_eq!(outcome, CacheOutcome::Appended);
    assert_eq!(dump(&appended), dump(&f.cold()));
}

#[test]
fn texts_checked_when_read_are_never_read_by_a_listing_and_empty_when_found_corrupt() {
    let f = fixture(&mbox(0..6));
    f.load();
    // (Not the patches that load gave: their texts are a map of the file changed below.)
    let cold = f.cold();
    let file = f.cache_file();
    corrupt_first_text(&file);
    let lazy = f.lazy();
    let (listed, outcome) = lazy.load_since(&f.spec, None, FactsAt::FirstUse).unwrap();
    // What a listing shows comes from the meta, checked: the text was not read.
    assert_eq!(outcome, CacheOutcome::Hit);
    let titles =
        |p: &Parsed| -> Vec<String> { p.patches.iter().map(|p| p.subject.title.clone()).collect() };
    assert_eq!(titles(&listed), titles(&cold));
    assert!(file.exists(), "nothing read the text yet");
    // The first read checks it all: it fails, every text reads as empty, and the file goes.
    assert_eq!(listed.patches[3].mail.body.as_str(), "");
    assert_eq!(listed.patches[0].message.len(), 0);
    assert!(!file.exists());
    let (again, outcome) = lazy.load_since(&f.spec, None, FactsAt::FirstUse).unwrap();
    assert_eq!(outcome, CacheOutcome::Cold);
    assert_eq!(dump(&again), dump(&cold));
    // A sound file read so reads as one checked at once.
    let (sound, outcome) = lazy.load_since(&f.spec, None, FactsAt::FirstUse).unwrap();
    assert_eq!(outcome, CacheOutcome::Hit);
    assert_eq!(dump(&sound), dump(&cold));
    assert!(f.cache_file().exists());
}

#[test]
fn texts_checked_when_read_may_be_first_read_from_many_rayon_tasks_at_once() {
    use rayon::prelude::*;
    // Bodies long enough for the text to be several chunks, so that the check runs in
    // parallel.
    let long = "A line of the message, long enough to fill the text soon.\n".repeat(400);
    let mbox: String = (0..400)
        .map(|n| mail(n).replace(&format!("Change {n}."), &long))
        .collect();
    let f = fixture(&mbox);
    f.load();
    let lazy = f.lazy();
    let (parsed, outcome) = lazy.load_since(&f.spec, None, FactsAt::FirstUse).unwrap();
    assert_eq!(outcome, CacheOutcome::Hit);
    // Every task may be the first to read: the one that checks must not, while it waits,
    // take up another task that reads and so start the check again inside itself.
    let lengths: Vec<usize> = parsed
        .patches
        .par_iter()
        .map(|p| p.mail.body.len() + p.message.len())
        .collect();
    let whole = f.cold();
    let expected: Vec<usize> = whole
        .patches
        .iter()
        .map(|p| p.mail.body.len() + p.message.len())
        .collect();
    assert_eq!(lengths, expected);
    assert!(lengths.iter().all(|&n| n > 0));
}

#[test]
fn a_cache_that_cannot_be_written_still_loads_the_mbox_whole() {
    let f = fixture(&mbox(0..8));
    // The cache dir's place is taken by a file: no cache file can be made there.
    std::fs::write(&f.cache.dir, "not a dir").unwrap();
    let cache = Cache::at(f.cache.dir.clone()).windowed(600);
    let (parsed, _) = cache.load_since(&f.spec, None, FactsAt::Load).unwrap();
    assert_eq!(dump(&parsed), dump(&f.cold()));
    assert!(!parsed.patches[0].mail.body.is_mapped());
    assert!(f.cache.dir.is_file());
}

#[test]
fn a_cache_whose_put_off_check_fails_is_not_extended_but_rebuilt() {
    let (f, _) = with_corrupt_text(8);
    // Enough new messages for the extended cache to be written again.
    f.append(&mbox(8..16));
    let lazy = f.lazy();
    let (grown, outcome) = lazy.load_since(&f.spec, None, FactsAt::FirstUse).unwrap();
    assert_eq!(outcome, CacheOutcome::Rebuilt("corrupt (checksum)".into()));
    assert_eq!(dump(&grown), dump(&f.cold()));
    // What was written is whole, texts and all.
    let (again, outcome) = f.load();
    assert_eq!(outcome, CacheOutcome::Hit);
    assert_eq!(dump(&again), dump(&f.cold()));
}

#[test]
fn a_cold_read_past_what_a_cache_holds_goes_on_without_it() {
    let f = fixture("");
    std::fs::write(&f.path, mixed_mbox()).unwrap();
    // Room for the texts of the first windows only.
    let cache = Cache::at(f.cache.dir.clone())
        .windowed(1500)
        .limiting_text(4000);
    let (parsed, outcome) = cache.load_since(&f.spec, None, FactsAt::Load).unwrap();
    assert_eq!(outcome, CacheOutcome::Cold);
    assert_eq!(dump(&parsed), dump(&f.cold()));
    // The first windows' texts are in the file, the rest in their windows: the mbox was
    // read once, not again whole after the limit.
    let mapped = parsed
        .patches
        .iter()
        .filter(|p| p.mail.body.is_mapped())
        .count();
    assert!(
        mapped > 0 && mapped < parsed.patches.len(),
        "{mapped} mapped"
    );
    let left: Vec<_> = std::fs::read_dir(&cache.dir).unwrap().flatten().collect();
    assert!(left.is_empty(), "no cache file: {left:?}");
    assert_eq!(
        cache.load_since(&f.spec, None, FactsAt::Load).unwrap().1,
        CacheOutcome::Cold
    );
}

#[test]
fn a_small_tail_appended_to_a_listed_cache_reads_none_of_its_texts() {
    let (f, file) = with_corrupt_text(20);
    // Too few to be worth a rewrite: the cached patches are kept as they are, unread.
    f.append(&mail(20));
    let lazy = f.lazy();
    let (grown, outcome) = lazy.load_since(&f.spec, None, FactsAt::FirstUse).unwrap();
    assert_eq!(outcome, CacheOutcome::Appended);
    assert_eq!(grown.patches.len(), 21);
    assert!(
        file.exists(),
        "a text was read, so its check ran and failed"
    );
}

/// A message with a git diff of its own (so it has a patch-id).
fn git_mail(n: usize) -> String {
    format!(
        "From a@b Thu Jan  1 00:00:00 2020\nFrom: A <a@example.org>\nSubject: [PATCH] change {n}\n\
         Message-Id: <g{n}@example.org>\n\nChange {n}.\n\nSigned-off-by: A <a@example.org>\n---\n\
         diff --git a/f{n} b/f{n}\n--- a/f{n}\n+++ b/f{n}\n@@ -1 +1,2 @@\n-a\n+b{n}\n+c\n"
    )
}

#[test]
fn diff_facts_are_worked_out_by_a_load_that_asks_and_kept_beside_the_cache_file() {
    let f = fixture(&(0..20).map(git_mail).collect::<String>());
    // A listing's load works out none and keeps none.
    let (listed, outcome) = f
        .lazy()
        .load_since(&f.spec, None, FactsAt::FirstUse)
        .unwrap();
    assert_eq!(outcome, CacheOutcome::Cold);
    let facts_path = f.cache_file().with_extension("facts");
    assert!(
        listed
            .patches
            .iter()
            .all(|p| p.diff.known_facts().is_none())
    );
    assert!(!facts_path.exists());
    // A load that asks works them out (as the patch would when asked) and keeps them.
    let (loaded, outcome) = f.load();
    assert_eq!(outcome, CacheOutcome::Hit);
    let cold = f.cold();
    for (p, c) in loaded.patches.iter().zip(&cold.patches) {
        assert_eq!(p.diff.known_facts(), Some(c.diff.facts()));
        assert!(p.patch_id().is_some());
    }
    // The next load takes them from the file (facts put in it are what the patches get).
    let (header, kept) = facts::decode(&std::fs::read(&facts_path).unwrap()).unwrap();
    assert_eq!(kept.len(), 20);
    use crate::patch::DiffFacts;
    let planted: Vec<DiffFacts> = (0..20)
        .map(|n| DiffFacts {
            patch_id: Some(format!("planted {n}")),
            ..DiffFacts::default()
        })
        .collect();
    let refs: Vec<&DiffFacts> = planted.iter().collect();
    std::fs::write(&facts_path, facts::encode(&header, &refs).unwrap()).unwrap();
    let (again, _) = f.load();
    assert_eq!(again.patches[7].patch_id(), Some("planted 7"));
    // A small tail: the cached patches keep theirs, the new one has its own worked out, and
    // the file (of the cache file, which is not written again) is left as it is.
    let kept_bytes = std::fs::read(&facts_path).unwrap();
    f.append(&git_mail(20));
    let (grown, outcome) = f.load();
    assert_eq!(outcome, CacheOutcome::Appended);
    assert_eq!(grown.patches[19].patch_id(), Some("planted 19"));
    assert_eq!(
        grown.patches[20].diff.known_facts(),
        Some(f.cold().patches[20].diff.facts())
    );
    assert_eq!(std::fs::read(&facts_path).unwrap(), kept_bytes);
    // A tail worth a rewrite: the cache file is written anew with the facts known then (the
    // tail's are worked out after), and the facts of all its patches are kept beside it.
    f.append(&(21..24).map(git_mail).collect::<String>());
    assert_eq!(f.load().1, CacheOutcome::Appended);
    let (_, kept) = facts::decode(&std::fs::read(&facts_path).unwrap()).unwrap();
    assert_eq!(kept.len(), 24);
    let lazy = || {
        f.lazy()
            .load_since(&f.spec, None, FactsAt::FirstUse)
            .unwrap()
    };
    let (hit, outcome) = lazy();
    assert_eq!(outcome, CacheOutcome::Hit);
    let kept_id = |p: &crate::patch::Patch| p.diff.known_facts().and_then(|d| d.patch_id.clone());
    assert_eq!(kept_id(&hit.patches[3]).as_deref(), Some("planted 3"));
    assert_eq!(kept_id(&hit.patches[22]), None, "not in the cache file");
    let (hit, _) = f.load();
    assert!(kept_id(&hit.patches[22]).is_some());
}

#[test]
fn a_load_that_works_out_diff_facts_runs_a_put_off_text_check_first() {
    // A corrupt text, its check put off: a listing never reads it, but a survey would read it
    // as empty; so a load that works the facts out checks first, and rebuilds.
    let (f, _) = with_corrupt_text(8);
    let (loaded, outcome) = f.lazy().load_since(&f.spec, None, FactsAt::Load).unwrap();
    assert_eq!(outcome, CacheOutcome::Rebuilt("corrupt (checksum)".into()));
    assert_eq!(dump(&loaded), dump(&f.cold()));
    let cold = f.cold();
    for (p, c) in loaded.patches.iter().zip(&cold.patches) {
        assert_eq!(p.diff.known_facts(), Some(c.diff.facts()));
        assert_eq!(p.insertions(), 1);
    }
}
