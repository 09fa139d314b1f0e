//! Building `Patch` values by hand for rule tests, without the mail and patch parsers.
//! The trailer block is found with git's rule (last paragraph; all trailers, or a
//! `Signed-off-by: ` line and at least 25 % trailers).

use crate::mail::{Address, Message};
use crate::patch::{
    AuthorSource, DiffLine, FileDiff, FileStatus, Hunk, LineKind, Patch, Subject, Trailer,
};

pub struct PatchBuilder {
    patch: Patch,
}

fn addr(name: &str, email: &str) -> Address {
    Address {
        name: name.into(),
        email: email.into(),
    }
}

fn is_trailer_line(l: &str) -> bool {
    let Some(colon) = l.find(':') else {
        return false;
    };
    let key = &l[..colon];
    let key_trim = key.trim_end();
    !key_trim.is_empty()
        && !l.starts_with([' ', '\t'])
        && key_trim
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        && key[key_trim.len()..].chars().all(|c| c == ' ' || c == '\t')
}

/// Trailers of a commit message by (a simplified) git algorithm.
pub fn parse_trailers(message: &str) -> (Vec<Trailer>, usize) {
    let lines: Vec<&str> = message.lines().collect();
    let n = lines.len();
    let first_blank = lines.iter().position(|l| l.trim().is_empty()).unwrap_or(n);
    let mut start = n;
    let (mut t, mut nt, mut recognised) = (0, 0, false);
    let mut i = n;
    while i > first_blank {
        let l = lines[i - 1];
        if l.trim().is_empty() {
            break;
        }
        if l.starts_with("Signed-off-by: ") || l.starts_with("(cherry picked from commit ") {
            t += 1;
            recognised = true;
        } else if is_trailer_line(l) {
            t += 1;
        } else if !l.starts_with([' ', '\t']) {
            nt += 1;
        }
        start = i - 1;
        i -= 1;
    }
    let ok = (recognised && t * 3 >= nt) || (t > 0 && nt == 0);
    if !ok || start >= n {
        return (Vec::new(), n);
    }
    let mut out: Vec<Trailer> = Vec::new();
    for (idx, l) in lines.iter().enumerate().skip(start) {
        if l.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.value.push(' ');
                last.value.push_str(l.trim());
            }
            continue;
        }
        if let Some(c) = l
            .find(':')
            .filter(|_| is_trailer_line(l) || l.starts_with("Signed-off-by: "))
        {
            out.push(Trailer {
                key: l[..c].trim().to_string(),
                value: l[c + 1..].trim().to_string(),
                line: idx,
            });
        }
    }
    (out, start)
}

impl PatchBuilder {
    /// A patch titled `title` with `body` (commit message after the blank line), authored and
    /// sent by A U Thor <a@example.org>.
    pub fn new(title: &str, body: &str) -> PatchBuilder {
        let message = if body.is_empty() {
            format!("{title}\n")
        } else {
            format!("{title}\n\n{body}")
        };
        let author = addr("A U Thor", "a@example.org");
        let raw = format!("[PATCH] {title}");
        let mail = Message {
            from: Some(author.clone()),
            subject: raw.clone(),
            headers: [("From", author.display()), ("Subject", raw.clone())]
                .into_iter()
                .collect(),
            ..Default::default()
        };
        let (trailers, trailer_start) = parse_trailers(&message);
        PatchBuilder {
            patch: Patch {
                key: "test@example.org".into(),
                mail,
                subject: Subject {
                    raw,
                    title: title.into(),
                    version: 1,
                    tags: vec!["PATCH".into()],
                    ..Default::default()
                },
                author,
                message: message.into(),
                trailers,
                trailer_start,
                ..Default::default()
            },
        }
    }

    /// Sets the author (as an in-body `From:` would) and leaves the sender.
    pub fn author(mut self, name: &str, email: &str) -> Self {
        self.patch.author = addr(name, email);
        self.patch.author_source = AuthorSource::InBody;
        self
    }

    /// Sets the header `From:` (sender) and, unless an in-body author was set, the author.
    pub fn from(mut self, name: &str, email: &str) -> Self {
        let a = addr(name, email);
        if self.patch.author_source == AuthorSource::Header {
            self.patch.author = a.clone();
        }
        self.patch.mail.headers.set_value(0, &a.display());
        self.patch.mail.from = Some(a);
        self
    }

    pub fn reply_to(mut self, name: &str, email: &str) -> Self {
        self.patch.mail.reply_to = Some(addr(name, email));
        self
    }

    #[allow(dead_code)]
    pub fn subject_raw(mut self, raw: &str) -> Self {
        self.patch.subject.raw = raw.into();
        self.patch.mail.subject = raw.into();
        self.patch.mail.headers.set_value(1, raw);
        self
    }

    pub fn cover(mut self) -> Self {
        self.patch.subject.index = Some(0);
        self
    }

    pub fn notes(mut self, notes: &str) -> Self {
        self.patch.notes = notes.into();
        self
    }

    pub fn warning(mut self, w: &str) -> Self {
        self.patch.mail.warnings.push(w.into());
        self
    }

    fn file(mut self, path: &str, status: FileStatus, lines: &[&str], mode: Option<u32>) -> Self {
        let dl: Vec<DiffLine> = lines
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
        self.patch.diff.push(FileDiff {
            old_path: (status != FileStatus::Added).then(|| path.to_string()),
            new_path: Some(path.into()),
            status,
            new_mode: mode,
            hunks: vec![Hunk {
                old_start: 0,
                old_lines: 0,
                new_start: 1,
                new_lines: dl.len() as u32,
                section: String::new(),
                lines: dl,
            }],
            ..Default::default()
        });
        self
    }

    /// Adds a new file with these lines.
    pub fn diff_add(self, path: &str, lines: &[&str]) -> Self {
        self.file(path, FileStatus::Added, lines, Some(0o100644))
    }

    /// Adds a new file with a mode.
    pub fn diff_add_mode(self, path: &str, lines: &[&str], mode: u32) -> Self {
        self.file(path, FileStatus::Added, lines, Some(mode))
    }

    /// Adds lines to an existing file.
    pub fn diff_modify(self, path: &str, lines: &[&str]) -> Self {
        self.file(path, FileStatus::Modified, lines, None)
    }

    /// Removes a file.
    #[allow(dead_code)]
    pub fn diff_delete(mut self, path: &str) -> Self {
        self.patch.diff.push(FileDiff {
            old_path: Some(path.into()),
            status: FileStatus::Deleted,
            ..Default::default()
        });
        self
    }

    /// Marks the last added line as having no newline at end of file.
    pub fn no_newline_at_end(mut self) -> Self {
        if let Some(l) = self
            .patch
            .diff
            .last_mut()
            .and_then(|f| f.hunks.last_mut())
            .and_then(|h| h.lines.last_mut())
        {
            l.no_newline = true;
        }
        self
    }

    pub fn build(self) -> Patch {
        self.patch
    }
}

/// The rule ids of findings, for assertions.
pub fn rules_of(f: &[crate::policy::Finding]) -> Vec<&str> {
    f.iter().map(|f| f.rule.as_str()).collect()
}

/// Checks a patch with a built-in profile.
pub fn check(p: &Patch, profile: &str) -> Vec<crate::policy::Finding> {
    let prof = crate::policy::Profile::builtin(profile).expect("built-in profile");
    crate::policy::check_patch(p, &prof)
}

/// A well-formed QEMU-style patch body (author signs off).
pub const SIGNED: &str = "Explain why.\n\nSigned-off-by: A U Thor <a@example.org>\n";
