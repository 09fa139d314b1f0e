//! The reviewed-patch archive: the content (headers and body) of every series on which the
//! maintainer recorded something — a status, a note, a trailer, a waiver — kept in the data
//! dir (`reviewed.bin`) so that a v3 in tomorrow's mbox can be compared with the v2
//! reviewed in last week's (`patchdesk revisions`). Compact (postcard, one file, checksummed),
//! bounded to [`MAX_MESSAGES`] messages (the oldest go first), written atomically; a broken
//! file is an error naming it, never silently replaced. Deleting the file forgets it all.

use crate::mail::Message;
use crate::queue::Queue;
use crate::source::Loaded;
use crate::{Error, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The most messages kept; beyond it the oldest (by date) are dropped.
pub const MAX_MESSAGES: usize = 5_000;
const MAGIC: &[u8; 8] = b"PDREVD01";

/// The archive's file in a data dir.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("reviewed.bin")
}

/// The messages of the archive (empty when there is none).
pub fn read(data_dir: &Path) -> Result<Vec<Message>> {
    let file = path(data_dir);
    let bytes = match std::fs::read(&file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&file, e)),
    };
    decode(&bytes).map_err(|why| {
        Error::Usage(format!(
            "{}: {why}; delete it to start the archive again",
            file.display()
        ))
    })
}

/// One message of the archive as it is read: the message, its headers, its body.
type Entry = (Message, Vec<(String, String)>, String);

/// [`Entry`] borrowed, for writing.
type EntryRef<'a> = (&'a Message, Vec<(&'a str, &'a str)>, &'a str);

/// The messages of an archive file's bytes, or why they cannot be read.
pub fn decode(bytes: &[u8]) -> std::result::Result<Vec<Message>, String> {
    let rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or("not a patchdesk archive of reviewed patches (or another version)")?;
    if rest.len() < 20 {
        return Err("cut short".into());
    }
    let (sum, body) = rest.split_at(20);
    if crate::hash::sha1(body)[..] != *sum {
        return Err("corrupt (checksum)".into());
    }
    // Each entry: the message, its headers as pairs, its body (the layout of the message
    // with its headers as its last field, and its body: archives written so read the same).
    let entries: Vec<Entry> = postcard::from_bytes(body).map_err(|e| format!("corrupt: {e}"))?;
    Ok(entries
        .into_iter()
        .map(|(mut m, headers, body)| {
            m.headers = headers.into_iter().collect();
            m.body = body.into();
            m
        })
        .collect())
}

/// The bytes of an archive file holding `messages`.
pub fn encode(messages: &[Message]) -> Vec<u8> {
    let entries: Vec<EntryRef> = messages
        .iter()
        .map(|m| (m, m.headers.iter().collect(), m.body.as_str()))
        .collect();
    seal(&postcard::to_allocvec(&entries).unwrap_or_default())
}

/// An archive file around an encoded `body`: the magic and the body's checksum first.
pub fn seal(body: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&crate::hash::sha1(body));
    out.extend_from_slice(body);
    out
}

/// The identity of a message in the archive: its Message-Id, else its subject and date.
pub fn identity(m: &Message) -> String {
    match &m.message_id {
        Some(id) => id.clone(),
        None => format!("{}\0{:?}", m.subject, m.date),
    }
}

/// Adds the cover and patches of every series of `queue` holding one of `patches` (indices
/// into `queue.patches`) that the archive does not have yet; returns how many were added.
pub fn keep(data_dir: &Path, queue: &Queue, patches: &[usize]) -> Result<usize> {
    let mut wanted: Vec<&Message> = Vec::new();
    for s in &queue.series {
        if s.patches
            .iter()
            .chain(&s.cover)
            .any(|i| patches.contains(i))
        {
            wanted.extend(
                s.cover
                    .iter()
                    .chain(&s.patches)
                    .filter_map(|&i| queue.patches.get(i))
                    .map(|p| &p.mail),
            );
        }
    }
    if wanted.is_empty() {
        return Ok(0);
    }
    let mut messages = read(data_dir)?;
    let have: HashSet<String> = messages.iter().map(identity).collect();
    let before = messages.len();
    for m in wanted {
        if !have.contains(&identity(m)) {
            messages.push(m.clone());
        }
    }
    let added = messages.len() - before;
    if added == 0 {
        return Ok(0);
    }
    if messages.len() > MAX_MESSAGES {
        messages.sort_by_key(|m| std::cmp::Reverse(m.date));
        messages.truncate(MAX_MESSAGES);
    }
    std::fs::create_dir_all(data_dir).map_err(|e| Error::io(data_dir, e))?;
    crate::fsutil::write_atomic(
        &path(data_dir),
        &encode(&messages),
        crate::fsutil::Existing::Replace,
    )?;
    Ok(added)
}

/// The messages of `archived` that `queue` does not hold.
fn unseen(queue: &Queue, archived: Vec<Message>) -> Vec<Message> {
    let have: HashSet<String> = queue.patches.iter().map(|p| identity(&p.mail)).collect();
    archived
        .into_iter()
        .filter(|m| !have.contains(&identity(m)))
        .collect()
}

/// Builds a queue named like `queue` of `messages`; `None` when there are none.
fn queue_of(queue: &Queue, messages: Vec<Message>) -> Option<Queue> {
    (!messages.is_empty()).then(|| {
        crate::queue::build::build(
            &queue.source,
            Loaded {
                messages,
                skipped: Vec::new(),
                window: None,
            },
        )
    })
}

/// `queue`'s messages with the archive's that it does not hold, as one queue (for comparing
/// a series with an earlier version reviewed from another source); `None` when the archive
/// adds nothing.
pub fn with_archive(data_dir: &Path, queue: &Queue) -> Result<Option<Queue>> {
    let added = unseen(queue, read(data_dir)?);
    if added.is_empty() {
        return Ok(None);
    }
    let mut messages: Vec<Message> = queue.patches.iter().map(|p| p.mail.clone()).collect();
    messages.extend(added);
    Ok(queue_of(queue, messages))
}

/// The archive's messages that `queue` does not hold, as a queue of their own, to set
/// beside it (see [`crate::revisions::older`]); `None` when the archive adds nothing.
pub fn beside(data_dir: &Path, queue: &Queue) -> Result<Option<Queue>> {
    Ok(queue_of(queue, unseen(queue, read(data_dir)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An archive written before the headers were kept apart from the message (commit
    /// 14e7fa4), of `tests/fixtures/mail/format-patch.mbox`.
    #[test]
    fn an_archive_written_before_reads_back_whole_and_headers_survive_a_round_trip() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let old = std::fs::read(fixtures.join("archive/reviewed-format-patch.bin")).unwrap();
        let spec = crate::source::SourceSpec::Path(fixtures.join("mail/format-patch.mbox"));
        let fresh = crate::source::load(&spec).unwrap().messages;
        let read = decode(&old).unwrap();
        let summary = |ms: &[Message]| -> Vec<String> {
            ms.iter()
                .map(|m| format!("{}|{:?}|{:?}|{}", m.subject, m.date, m.headers, m.body))
                .collect()
        };
        assert!(fresh.iter().all(|m| m.headers.len() > 3));
        assert_eq!(summary(&read), summary(&fresh));
        // Written again now, it is the same file, and reads back the same.
        assert_eq!(encode(&read), old);
        assert_eq!(summary(&decode(&encode(&read)).unwrap()), summary(&fresh));
    }

    fn message(id: &str, day: u32) -> Message {
        Message {
            message_id: Some(id.into()),
            subject: format!("[PATCH] {id}"),
            date: chrono::DateTime::parse_from_rfc3339(&format!("2026-01-{day:02}T00:00:00Z")).ok(),
            body: format!("body of {id}\n").into(),
            ..Message::default()
        }
    }

    #[test]
    fn round_trips_and_refuses_a_broken_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(dir.path()).unwrap().is_empty());
        let ms = vec![message("a@x", 1), message("b@x", 2)];
        std::fs::write(path(dir.path()), encode(&ms)).unwrap();
        let back = read(dir.path()).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[1].body.as_str(), "body of b@x\n");
        assert_eq!(back[0].message_id.as_deref(), Some("a@x"));
        let mut bytes = encode(&ms);
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(path(dir.path()), bytes).unwrap();
        let err = read(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("reviewed.bin") && err.contains("checksum"),
            "{err}"
        );
        std::fs::write(path(dir.path()), b"junk").unwrap();
        assert!(read(dir.path()).is_err());
    }

    #[test]
    fn decode_never_panics_on_cut_files() {
        let bytes = encode(&[message("a@x", 1)]);
        for n in 0..bytes.len() {
            let _ = decode(&bytes[..n]);
        }
    }

    #[test]
    fn keeps_whole_series_once_and_merges_them_back() {
        let dir = tempfile::tempdir().unwrap();
        let queue = crate::queue::load(&crate::source::SourceSpec::Demo).unwrap();
        let s = queue.series.iter().find(|s| s.patches.len() > 1).unwrap();
        let size = s.patches.len() + usize::from(s.cover.is_some());
        assert_eq!(keep(dir.path(), &queue, &[s.patches[0]]).unwrap(), size);
        assert_eq!(
            keep(dir.path(), &queue, &[s.patches[1]]).unwrap(),
            0,
            "kept once"
        );
        assert_eq!(read(dir.path()).unwrap().len(), size);
        assert!(
            with_archive(dir.path(), &queue).unwrap().is_none(),
            "nothing new"
        );
        let other = crate::queue::build::build(
            "other",
            Loaded {
                messages: vec![
                    queue
                        .series
                        .iter()
                        .find(|o| o.patches != s.patches)
                        .map(|o| queue.patches[o.patches[0]].mail.clone())
                        .unwrap(),
                ],
                skipped: Vec::new(),
                window: None,
            },
        );
        let merged = with_archive(dir.path(), &other)
            .unwrap()
            .expect("archive adds");
        assert_eq!(merged.patches.len(), other.patches.len() + size);
    }
}
