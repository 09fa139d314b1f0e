//! Notes on a series, a patch, or one line of a patch, anchored so they survive a reload:
//! a line note remembers (patch key, part, file path, new-side line, hash of the line's
//! text). On reload the line is checked; when it moved, the hash is searched for nearby and
//! the note follows it; when it is gone the note is marked orphaned (kept, never dropped).
//!
//! Editing in `$EDITOR` is an effect the caller runs: [`edit_in_editor`] writes the text to
//! a temporary file, runs the editor with the file's path as an argument (no shell) and
//! reads the result back.

use crate::patch::Patch;
use crate::policy::Part;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::Command;

/// How far (in lines, either way) a moved line is searched for by its hash.
pub const REANCHOR_WINDOW: u32 = 200;

/// A line a note is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAnchor {
    /// The patch key.
    pub patch: String,
    /// `message`, `notes` or `diff` (see [`Part`]).
    pub part: Part,
    /// The file, for [`Part::Diff`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line within the message or notes; the new-side line number in the diff.
    pub line: u32,
    /// Hash of the line's text ([`line_hash`]).
    pub line_hash: String,
}

/// What a note is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "on", rename_all = "kebab-case")]
pub enum NoteTarget {
    /// A whole series, by its key (cover letter key, else first patch key).
    Series { series: String },
    /// A whole patch, by its key.
    Patch { patch: String },
    /// One line of a patch.
    Line(LineAnchor),
}

impl NoteTarget {
    /// The patch key the note belongs to (none for series notes).
    pub fn patch(&self) -> Option<&str> {
        match self {
            NoteTarget::Series { .. } => None,
            NoteTarget::Patch { patch } => Some(patch),
            NoteTarget::Line(anchor) => Some(&anchor.patch),
        }
    }
}

/// A maintainer's note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Unique within a queue's state; never reused.
    pub id: u64,
    pub target: NoteTarget,
    pub text: String,
    /// RFC 3339 times.
    pub created: String,
    #[serde(default)]
    pub updated: String,
    /// Set when the note was carried over from an earlier version of the patch (its key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_over_from: Option<String>,
    /// The line the note was on could not be found any more.
    #[serde(default)]
    pub orphaned: bool,
    /// Written on the interdiff against the previous version: the interdiff lines it was
    /// written under (its hunk header to its line), which a review reply quotes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interdiff: Option<Vec<String>>,
}

/// Hash of a line's text (trailing whitespace and CR ignored): 16 hex digits of SHA-1.
pub fn line_hash(text: &str) -> String {
    let digest = crate::hash::sha1_hex(text.trim_end().as_bytes());
    digest[..16].to_string()
}

/// The text of a line of a patch, if it exists.
pub fn line_text<'a>(
    patch: &'a Patch,
    part: Part,
    file: Option<&str>,
    line: u32,
) -> Option<&'a str> {
    let index = usize::try_from(line).ok()?.checked_sub(1)?;
    match part {
        Part::Message | Part::Trailer => patch.message.lines().nth(index),
        Part::Subject => (line == 1).then_some(patch.subject.raw.as_str()),
        Part::Notes => patch.notes.lines().nth(index),
        Part::Diff => {
            let file = file?;
            patch
                .diff
                .iter()
                .filter(|f| f.path() == file || f.old_path.as_deref() == Some(file))
                .flat_map(|f| f.hunks.iter())
                .flat_map(|h| h.lines.iter())
                .find(|l| l.new == Some(line))
                .map(|l| l.text.as_str())
        }
        Part::Header => patch.mail.headers.get(index).map(|(_, v)| v),
    }
}

/// Anchors a note to a line, checking that the line exists.
pub fn anchor(patch: &Patch, part: Part, file: Option<&str>, line: u32) -> Result<LineAnchor> {
    let part = if part == Part::Trailer {
        Part::Message
    } else {
        part
    };
    let text = line_text(patch, part, file, line).ok_or_else(|| {
        Error::Usage(match file {
            Some(f) => format!(
                "{}: {f} has no new-side line {line} in this patch",
                patch.key
            ),
            None => format!("{}: the {} has no line {line}", patch.key, part_name(part)),
        })
    })?;
    Ok(LineAnchor {
        patch: patch.key.clone(),
        part,
        file: file.map(str::to_string),
        line,
        line_hash: line_hash(text),
    })
}

/// The user-facing name of a part (`message`, `notes`, `diff`, ...).
pub fn part_name(part: Part) -> &'static str {
    match part {
        Part::Header => "headers",
        Part::Subject => "subject",
        Part::Message => "message",
        Part::Trailer => "trailers",
        Part::Notes => "notes",
        Part::Diff => "diff",
    }
}

/// What re-anchoring found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reanchored {
    /// The line is where it was.
    InPlace,
    /// The line moved; the anchor now points to its new place.
    Moved { from: u32, to: u32 },
    /// The line is gone; the note is orphaned.
    Orphaned,
}

/// Checks a line note against the patch as loaded now, moving or orphaning it.
/// Series and patch notes are always in place.
pub fn reanchor(note: &mut Note, patch: &Patch) -> Reanchored {
    let NoteTarget::Line(anchor) = &mut note.target else {
        return Reanchored::InPlace;
    };
    let matches = |line: u32| {
        line_text(patch, anchor.part, anchor.file.as_deref(), line)
            .is_some_and(|t| line_hash(t) == anchor.line_hash)
    };
    if matches(anchor.line) {
        note.orphaned = false;
        return Reanchored::InPlace;
    }
    for distance in 1..=REANCHOR_WINDOW {
        let candidates = [
            anchor.line.checked_add(distance),
            anchor.line.checked_sub(distance).filter(|&l| l >= 1),
        ];
        if let Some(found) = candidates.into_iter().flatten().find(|&l| matches(l)) {
            let from = anchor.line;
            anchor.line = found;
            note.orphaned = false;
            return Reanchored::Moved { from, to: found };
        }
    }
    note.orphaned = true;
    Reanchored::Orphaned
}

/// The editor to run: `configured` (patchdesk's config) else `$VISUAL`, `$EDITOR`, `vi`,
/// split on whitespace into program and arguments (no shell is involved).
pub fn editor_command(configured: Option<&str>) -> Vec<String> {
    let chosen = configured
        .map(str::to_string)
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            std::env::var("VISUAL")
                .ok()
                .filter(|s| !s.trim().is_empty())
        })
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|s| !s.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".to_string());
    chosen.split_whitespace().map(str::to_string).collect()
}

/// Lets the user edit `initial` in an editor: writes it to a temporary file in `temp_dir`,
/// runs `editor` (program and arguments, see [`editor_command`]) with the file's path as
/// the last argument, waits, and returns the edited text. A failing editor is an error and
/// the caller keeps the old text.
pub fn edit_in_editor(editor: &[String], initial: &str, temp_dir: &Path) -> Result<String> {
    let Some((program, args)) = editor.split_first() else {
        return Err(Error::Usage("no editor configured".into()));
    };
    let file = tempfile::Builder::new()
        .prefix("patchdesk-note-")
        .suffix(".txt")
        .tempfile_in(temp_dir)
        .map_err(|e| Error::io(temp_dir, e))?;
    std::fs::write(file.path(), initial).map_err(|e| Error::io(file.path(), e))?;
    let status = Command::new(program)
        .args(args)
        .arg(file.path())
        .status()
        .map_err(|e| Error::Usage(format!("could not run editor '{program}': {e}")))?;
    if !status.success() {
        return Err(Error::Usage(format!(
            "editor '{program}' exited with {status}; the note was not changed"
        )));
    }
    std::fs::read_to_string(file.path()).map_err(|e| Error::io(file.path(), e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::{DiffLine, FileDiff, Hunk, LineKind};

    pub(crate) fn patch_with(message: &str, new_lines: &[&str]) -> Patch {
        let lines = new_lines
            .iter()
            .enumerate()
            .map(|(i, t)| DiffLine {
                kind: LineKind::Add,
                old: None,
                new: Some(i as u32 + 1),
                text: t.to_string().into(),
                no_newline: false,
            })
            .collect();
        Patch {
            key: "k1@example".into(),
            message: message.into(),
            diff: vec![FileDiff {
                new_path: Some("src/a.c".into()),
                hunks: vec![Hunk {
                    old_start: 0,
                    old_lines: 0,
                    new_start: 1,
                    new_lines: new_lines.len() as u32,
                    section: String::new(),
                    lines,
                }],
                ..FileDiff::default()
            }]
            .into(),
            ..Patch::default()
        }
    }

    fn note_on(anchor: LineAnchor) -> Note {
        Note {
            id: 1,
            target: NoteTarget::Line(anchor),
            text: "why?".into(),
            created: String::new(),
            updated: String::new(),
            carried_over_from: None,
            orphaned: false,
            interdiff: None,
        }
    }

    #[test]
    fn anchors_a_diff_line_and_refuses_a_missing_one() {
        let patch = patch_with("t\n", &["int a;", "int b;"]);
        let a = anchor(&patch, Part::Diff, Some("src/a.c"), 2).unwrap();
        assert_eq!(a.line_hash, line_hash("int b;"));
        let err = anchor(&patch, Part::Diff, Some("src/a.c"), 9).unwrap_err();
        assert!(err.to_string().contains("no new-side line 9"), "{err}");
        assert!(anchor(&patch, Part::Message, None, 3).is_err());
    }

    #[test]
    fn note_stays_moves_or_is_orphaned() {
        let v1 = patch_with("t\n", &["int a;", "int b;"]);
        let mut note = note_on(anchor(&v1, Part::Diff, Some("src/a.c"), 2).unwrap());
        assert_eq!(reanchor(&mut note, &v1), Reanchored::InPlace);

        let moved = patch_with("t\n", &["// new", "int a;", "int b;"]);
        assert_eq!(
            reanchor(&mut note, &moved),
            Reanchored::Moved { from: 2, to: 3 }
        );
        assert!(!note.orphaned);

        let gone = patch_with("t\n", &["int a;", "int c;"]);
        assert_eq!(reanchor(&mut note, &gone), Reanchored::Orphaned);
        assert!(note.orphaned);
    }

    #[test]
    fn message_lines_anchor_too() {
        let patch = patch_with("title\n\nbody line\n", &[]);
        let a = anchor(&patch, Part::Message, None, 3).unwrap();
        assert_eq!(a.line_hash, line_hash("body line"));
    }

    #[test]
    fn editor_gets_the_path_as_an_argument_not_through_a_shell() {
        let dir = tempfile::tempdir().unwrap();
        // A "editor" that appends to the file it is given: `sh -c SCRIPT sh PATH`. The path
        // arrives as $1, so a path with spaces or quotes would still be one argument.
        let editor: Vec<String> = vec![
            "sh".into(),
            "-c".into(),
            "printf 'edited\\n' >> \"$1\"".into(),
            "sh".into(),
        ];
        let text = edit_in_editor(&editor, "first\n", dir.path()).unwrap();
        assert_eq!(text, "first\nedited\n");
    }

    #[test]
    fn failing_editor_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = edit_in_editor(&["false".to_string()], "x", dir.path()).unwrap_err();
        assert!(err.to_string().contains("not changed"), "{err}");
    }

    #[test]
    fn configured_editor_wins_and_is_split_without_a_shell() {
        assert_eq!(
            editor_command(Some("code --wait")),
            vec!["code".to_string(), "--wait".to_string()]
        );
    }
}
