//! Fuzz target bodies: one function per parser, each taking arbitrary bytes. The harness in
//! `fuzz/` (a separate crate) calls them, and `cargo test` replays the committed seeds and
//! crashers of `tests/fixtures/fuzz/<target>/` through the same functions, so a crash found
//! once stays fixed. None of them may panic, hang, or allocate in proportion to a number in
//! the input; each checks an invariant of its parser where one is cheap to state.

use crate::mail::{self, Origin};
use crate::patch;

/// One fuzz target: its name and the body that takes the fuzzer's bytes.
pub type Target = (&'static str, fn(&[u8]));

/// Every target by name, in the order the README lists them.
pub const TARGETS: &[Target] = &[
    ("mbox_split", mbox_split),
    ("message", message),
    ("mailinfo", mailinfo),
    ("diff", diff),
    ("trailers", trailers),
    ("policy", policy),
    ("keymap", keymap),
    ("profile", profile),
    ("state", state),
    ("window", window),
    ("revisions", revisions),
    ("cache", cache),
    ("listing", listing),
    ("facts", facts),
    ("archive", archive),
];

fn origin() -> Origin {
    Origin {
        source: "fuzz".into(),
        index: 1,
        ..Origin::default()
    }
}

/// The mbox splitter: entries lie inside the input, in order, and can be cut out; and an
/// mbox cut at its last separator (as a cold read cuts its windows) splits, part by part,
/// into the entries of the whole.
pub fn mbox_split(data: &[u8]) {
    let split = mail::mbox::split(data);
    let mut last = 0;
    for entry in &split.messages {
        assert!(entry.offset >= last && entry.range.start >= entry.offset);
        assert!(entry.range.start <= entry.range.end && entry.range.end <= data.len());
        last = entry.range.start;
        let _ = mail::mbox::message_bytes(data, entry);
    }
    if split.format == mail::mbox::MboxFormat::Bare {
        return;
    }
    if let Some(cut) = mail::mbox::last_separator(data) {
        let shown = |entries: &[mail::mbox::MboxEntry], shift: usize| -> Vec<String> {
            entries
                .iter()
                .map(|e| {
                    let range = e.range.start + shift..e.range.end + shift;
                    format!("{} {range:?} {:?} {}", e.offset + shift, e.commit, e.mboxrd)
                })
                .collect()
        };
        let mut parts = shown(&mail::mbox::split(&data[..cut]).messages, 0);
        parts.extend(shown(&mail::mbox::split(&data[cut..]).messages, cut));
        assert_eq!(parts, shown(&split.messages, 0));
    }
}

/// One message's decoding (headers, MIME, charsets, transfer encodings).
pub fn message(data: &[u8]) {
    let _ = mail::message::parse_message(data, origin());
    let _ = mail::message::parse_message_general(data, origin());
    let _ = mail::message::parse_headers(data, origin());
}

/// mailinfo: a message to a patch (subject tags, commit message, trailers, notes, diff).
pub fn mailinfo(data: &[u8]) {
    if let Ok(m) = mail::message::parse_message(data, origin()) {
        let _ = patch::mailinfo::build(m);
    }
}

/// The unified-diff parser.
pub fn diff(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let parsed = patch::diff::parse(&text);
    patch::diff::assert_survey_matches(&crate::text::SharedText::from(&*text), &parsed);
}

/// The trailer parser, and adding a trailer (which must be idempotent).
pub fn trailers(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (start, _) = patch::trailers::parse(&text);
    let _ = patch::trailers::parse_with(&text, true);
    assert!(start <= text.lines().count() + 1);
    let once = patch::trailers::add(&text, "Acked-by", "A U Thor <a@example.org>");
    let twice = patch::trailers::add(&once.message, "Acked-by", "A U Thor <a@example.org>");
    assert!(
        !twice.added,
        "a second add of the same trailer added it again"
    );
}

/// The policy check of every built-in profile on the patch a message makes.
pub fn policy(data: &[u8]) {
    if let Ok(m) = mail::message::parse_message(data, origin()) {
        let p = patch::mailinfo::build(m);
        for name in ["generic", "qemu", "linux"] {
            if let Ok(profile) = crate::policy::Profile::builtin(name) {
                for f in crate::policy::check_patch(&p, &profile) {
                    assert!(f.location.start <= f.location.end, "{f:?}");
                }
            }
        }
    }
}

/// Writes `data` to a fresh file in a temp dir and runs `load` on it.
fn with_file(name: &str, data: &[u8], load: impl FnOnce(&std::path::Path)) {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join(name);
    if std::fs::write(&path, data).is_ok() {
        load(&path);
    }
}

/// The keymap TOML loader.
pub fn keymap(data: &[u8]) {
    with_file("keys.toml", data, |path| {
        let _ = crate::tui::keymap::Keymap::load(path.to_str(), None);
    });
}

/// The profile TOML loader (no user config dir).
pub fn profile(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let loader = crate::policy::profile::Loader::default();
    let _ = loader.load_str("fuzz.toml", &text);
}

/// The desk's state file loader.
pub fn state(data: &[u8]) {
    with_file("state.json", data, |path| {
        let _ = crate::triage::store::load(path);
    });
}

/// A `--since` value, and the thread ids a public-inbox window reads from a header: the
/// window starts no later than the clock for an age.
pub fn window(data: &[u8]) {
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-04T00:00:00Z").unwrap_or_default();
    let text = String::from_utf8_lossy(data);
    let _ = crate::source::window::parse_since(&text, now);
    let (_, refs) = crate::source::thread_ids(data);
    assert!(refs.len() <= data.len());
}

/// The version links of a cover (`change-id:`, `vN: https://lore…/<id>`), and the
/// range-diff pairing of the diffs in the two halves of the input: every patch of either
/// side appears in exactly one pair.
pub fn revisions(data: &[u8]) {
    use crate::revisions::{families, pairing};
    let text = String::from_utf8_lossy(data);
    let _ = families::change_id(&text);
    for id in families::linked_ids(&text) {
        assert!(id.contains('@'), "{id:?}");
    }
    let cut = text
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| i >= text.len() / 2)
        .unwrap_or(text.len());
    let side = |t: &str| -> Vec<patch::Patch> {
        t.split("\n\n\n")
            .take(8)
            .map(|chunk| patch::Patch {
                message: chunk.lines().next().unwrap_or("").into(),
                diff: patch::diff::parse(chunk).files.into(),
                ..patch::Patch::default()
            })
            .collect()
    };
    let (a, b) = (side(&text[..cut]), side(&text[cut..]));
    let (ra, rb): (Vec<&patch::Patch>, Vec<&patch::Patch>) =
        (a.iter().collect(), b.iter().collect());
    let pairs = pairing::pair(&ra, &rb);
    let mut seen_a = vec![0; a.len()];
    let mut seen_b = vec![0; b.len()];
    for p in &pairs {
        if let Some(i) = p.old {
            seen_a[i] += 1;
        }
        if let Some(j) = p.new {
            seen_b[j] += 1;
        }
    }
    assert!(seen_a.iter().chain(&seen_b).all(|&n| n == 1), "{pairs:?}");
}

/// The listing file decoder: any bytes are refused or decoded, never a panic; what decodes
/// (once its checksum is made right) encodes and decodes again to the same header and
/// listing.
pub fn listing(data: &[u8]) {
    use crate::cache::listing;
    let _ = listing::decode(data);
    let _ = listing::decode_header(data);
    let Some(sealed) = listing::reseal(data) else {
        return;
    };
    if let Ok((header, text)) = listing::decode(&sealed) {
        let again = listing::encode(&header, text).expect("what decodes encodes");
        assert_eq!(listing::decode(&again), Ok((header, text)));
    }
}

/// The facts file decoder: any bytes are refused or decoded, never a panic; what decodes
/// (once its checksum is made right) encodes and decodes again to the same header and facts.
pub fn facts(data: &[u8]) {
    use crate::cache::{facts, sidecar};
    let _ = facts::decode(data);
    let _ = facts::KIND.decode_header(data);
    let Some(sealed) = sidecar::reseal(data) else {
        return;
    };
    if let Ok((header, kept)) = facts::decode(&sealed) {
        let refs: Vec<_> = kept.iter().collect();
        let again = facts::encode(&header, &refs).expect("what decodes encodes");
        assert_eq!(facts::decode(&again), Ok((header, kept)));
    }
}

/// The cache file decoder: any bytes are refused or decoded, never a panic; read from a
/// file (memory-mapped) they give what they give decoded in memory; what decodes (once its
/// checksum is made right) encodes and decodes again to the same patches.
pub fn cache(data: &[u8]) {
    use crate::cache::format;
    let _ = format::decode_header(data);
    let _ = format::decode(data);
    let Some(sealed) = format::reseal(data) else {
        return;
    };
    if let Ok(mut file) = tempfile::NamedTempFile::new() {
        use std::io::Write;
        if file.write_all(&sealed).is_ok() {
            let read = format::read(file.path()).map(|f| format!("{:?}", f.patches));
            let decoded = format::decode(&sealed).map(|f| format!("{:?}", f.patches));
            assert_eq!(read.is_ok(), decoded.is_ok(), "{read:?} / {decoded:?}");
            if let (Ok(read), Ok(decoded)) = (read, decoded) {
                assert_eq!(read, decoded);
            }
        }
    }
    if let Ok(file) = format::decode(&sealed) {
        let (header, entries, appendable) = (file.header.clone(), file.entries, file.appendable);
        let parsed = file.parsed();
        let bytes = format::encode(&header, &parsed, entries, appendable)
            .expect("what decodes has its diffs' text");
        let again = format::decode(&bytes).expect("what decodes encodes and decodes again");
        assert_eq!(
            format!("{:?}", again.patches),
            format!("{:?}", parsed.patches)
        );
        // The diff facts a file keeps are kept again (`Debug` leaves them out).
        let facts = |p: &crate::patch::Patch| p.diff.known_facts().cloned();
        let kept: Vec<_> = parsed.patches.iter().map(facts).collect();
        assert_eq!(again.patches.iter().map(facts).collect::<Vec<_>>(), kept);
    }
}

/// The reviewed-patch archive's decoder: any bytes are refused or decoded, never a panic;
/// what decodes (sealed with a right checksum) encodes and decodes again to the same.
pub fn archive(data: &[u8]) {
    use crate::triage::archive;
    let _ = archive::decode(data);
    if let Ok(messages) = archive::decode(&archive::seal(data)) {
        let again = archive::decode(&archive::encode(&messages))
            .expect("what decodes encodes and decodes again");
        assert_eq!(format!("{again:?}"), format!("{messages:?}"));
        assert!(
            again
                .iter()
                .zip(&messages)
                .all(|(a, b)| a.body.as_str() == b.body.as_str())
        );
    }
}
