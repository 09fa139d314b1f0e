//! Hand-built queues for tests, benchmarks and screenshots before (or without) a real source:
//! a small realistic queue with findings of every severity, and a synthetic queue of any size.

use crate::mail::{Address, Message};
use crate::patch::{DiffLine, FileDiff, Hunk, LineKind, Patch, Subject, Trailer};
use crate::policy::{Finding, Location, Part, Severity};
use crate::queue::{Queue, Reply, Series};
use chrono::{DateTime, FixedOffset};

/// The fixed "now" sample queues are dated against, so ages are stable in snapshots.
pub fn now() -> DateTime<FixedOffset> {
    date(0)
}

fn date(hours_ago: i64) -> DateTime<FixedOffset> {
    let base = DateTime::parse_from_rfc3339("2026-11-20T12:00:00+00:00").unwrap_or_default();
    base - chrono::Duration::hours(hours_ago)
}

fn addr(name: &str, email: &str) -> Address {
    Address {
        name: name.into(),
        email: email.into(),
    }
}

/// Builds one patch: subject prefix fields, message, trailers found in it, notes and diff.
pub struct PatchBuilder {
    patch: Patch,
}

impl PatchBuilder {
    /// A patch titled `title`, `n/N` of version `version`, sent `hours_ago` before [`now`].
    pub fn new(title: &str, n: Option<u32>, total: Option<u32>, version: u32) -> Self {
        let mut prefix = String::from("PATCH");
        if version > 1 {
            prefix.push_str(&format!(" v{version}"));
        }
        if let (Some(n), Some(t)) = (n, total) {
            prefix.push_str(&format!(" {n}/{t}"));
        }
        let raw = format!("[{prefix}] {title}");
        let patch = Patch {
            subject: Subject {
                raw: raw.clone(),
                title: title.into(),
                version,
                index: n,
                total,
                tags: vec!["PATCH".into()],
                is_reply: false,
            },
            mail: Message {
                subject: raw,
                ..Message::default()
            },
            message: format!("{title}\n").into(),
            ..Patch::default()
        };
        PatchBuilder { patch }
    }

    pub fn id(mut self, message_id: &str) -> Self {
        self.patch.key = message_id.into();
        self.patch.mail.message_id = Some(message_id.into());
        self
    }

    pub fn author(mut self, name: &str, email: &str) -> Self {
        self.patch.author = addr(name, email);
        self.patch.mail.from = Some(addr(name, email));
        self.patch
            .mail
            .headers
            .push("From", &self.patch.author.display());
        self
    }

    pub fn sent(mut self, hours_ago: i64) -> Self {
        self.patch.date = Some(date(hours_ago));
        self
    }

    /// The body after the title; lines `Key: value` at the end become trailers.
    pub fn body(mut self, body: &str) -> Self {
        let title = self.patch.subject.title.clone();
        let mut message = format!("{title}\n\n{body}");
        if !message.ends_with('\n') {
            message.push('\n');
        }
        self.patch.message = message.into();
        let lines: Vec<&str> = self.patch.message.lines().collect();
        let mut start = lines.len();
        while start > 0 && is_trailer_line(lines[start - 1]) {
            start -= 1;
        }
        self.patch.trailer_start = start;
        self.patch.trailers = lines[start..]
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                l.split_once(": ").map(|(k, v)| Trailer {
                    key: k.into(),
                    value: v.into(),
                    line: start + i,
                })
            })
            .collect();
        self
    }

    pub fn notes(mut self, notes: &str) -> Self {
        self.patch.notes = notes.into();
        self
    }

    /// Adds a file with one hunk; lines start with ` `, `+` or `-`.
    pub fn file(
        mut self,
        path: &str,
        old_start: u32,
        new_start: u32,
        section: &str,
        lines: &[&str],
    ) -> Self {
        let mut old = old_start;
        let mut new = new_start;
        let mut diff_lines = Vec::new();
        for l in lines {
            let (kind, text) = match l.chars().next() {
                Some('+') => (LineKind::Add, &l[1..]),
                Some('-') => (LineKind::Remove, &l[1..]),
                Some(' ') => (LineKind::Context, &l[1..]),
                _ => (LineKind::Context, *l),
            };
            let (o, n) = match kind {
                LineKind::Add => (None, Some(new)),
                LineKind::Remove => (Some(old), None),
                LineKind::Context => (Some(old), Some(new)),
            };
            if o.is_some() {
                old += 1;
            }
            if n.is_some() {
                new += 1;
            }
            diff_lines.push(DiffLine {
                kind,
                old: o,
                new: n,
                text: text.into(),
                no_newline: false,
            });
        }
        let hunk = Hunk {
            old_start,
            old_lines: old - old_start,
            new_start,
            new_lines: new - new_start,
            section: section.into(),
            lines: diff_lines,
        };
        match self.patch.diff.iter_mut().find(|f| f.path() == path) {
            Some(f) => f.hunks.push(hunk),
            None => self.patch.diff.push(FileDiff {
                old_path: Some(path.into()),
                new_path: Some(path.into()),
                hunks: vec![hunk],
                ..FileDiff::default()
            }),
        }
        self
    }

    pub fn build(self) -> Patch {
        self.patch
    }
}

fn is_trailer_line(line: &str) -> bool {
    line.split_once(": ").is_some_and(|(k, _)| {
        !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// A finding at `part`/`line`, bytes `start..end`.
pub fn finding(
    rule: &str,
    severity: Severity,
    part: Part,
    line: u32,
    span: (usize, usize),
    file: Option<&str>,
    message: &str,
) -> Finding {
    Finding {
        rule: rule.into(),
        severity,
        location: Location {
            part,
            line,
            start: span.0,
            end: span.1,
            file: file.map(Into::into),
        },
        message: message.into(),
        source: format!("POLICY.md ({rule})"),
    }
}

fn reply(parent: usize, who: Address, key: &str) -> Reply {
    let value = who.display();
    reply_naming(parent, who, key, &value)
}

/// A reply from `who` whose body carries `key: value` (a trailer naming someone, or another
/// address of the sender).
fn reply_naming(parent: usize, who: Address, key: &str, value: &str) -> Reply {
    Reply {
        mail: Message {
            message_id: Some(format!("reply-{parent}-{}", who.email)),
            from: Some(who),
            subject: "Re: patch".into(),
            body: format!("Looks right to me.\n\n{key}: {value}\n").into(),
            ..Message::default()
        },
        parent: Some(parent),
        trailers: vec![Trailer {
            key: key.into(),
            value: value.into(),
            line: 0,
        }],
    }
}

/// A small queue: a 3-patch v2 series with a cover letter and a missing patch 4/4 and
/// findings of every severity; a lone patch with an AI marker; a clean lone patch.
pub fn small_queue() -> (Queue, Vec<Vec<Finding>>) {
    let cover = PatchBuilder::new("net: tidy the ring buffer code", Some(0), Some(4), 2)
        .id("cover.1700000000.git.ada@example.org")
        .author("Ada Lovelace", "ada@example.org")
        .sent(30)
        .body("This series tidies the ring buffer.\n\nv2: split the rename out.\n")
        .build();
    let p1 = PatchBuilder::new("net: rename ring_len to ring_size", Some(1), Some(4), 2)
        .id("p1.1700000000.git.ada@example.org")
        .author("Ada Lovelace", "ada@example.org")
        .sent(30)
        .body("The name says what it holds.\n\nSigned-off-by: Ada Lovelace <ada@example.org>\nReviewed-by: Grace Hopper <grace@example.org>\n")
        .notes("v2: no change\n\n net/ring.c | 4 ++--\n 1 file changed, 2 insertions(+), 2 deletions(-)\n")
        .file("net/ring.c", 10, 10, "struct ring {", &[
            " struct ring {",
            "-\tunsigned int ring_len;",
            "+\tunsigned int ring_size;",
            " \tvoid *data;",
            " };",
        ])
        .file("net/ring.h", 3, 3, "", &["-#define RING_LEN 16", "+#define RING_SIZE 16"])
        .build();
    let p2 = PatchBuilder::new("net: free the ring on error", Some(2), Some(4), 2)
        .id("p2.1700000000.git.ada@example.org")
        .author("Ada Lovelace", "ada@example.org")
        .sent(30)
        .body("The error path leaked the ring.\n\nFixes: 12345678 (\"net: add ring\")\n")
        .file(
            "net/ring.c",
            40,
            40,
            "int ring_init(struct ring *r)",
            &[
                " \tr->data = malloc(n);",
                " \tif (!r->data)",
                "-\t\treturn -ENOMEM;",
                "+\t\tgoto err;",
                "+\treturn 0;",
                "+err:",
                "+\tfree(r); // TODO: check this",
                "+\treturn -ENOMEM;",
            ],
        )
        .build();
    let p3 = PatchBuilder::new("net: document the ring", Some(3), Some(4), 2)
        .id("p3.1700000000.git.ada@example.org")
        .author("Ada Lovelace", "ada@example.org")
        .sent(29)
        .body("Add a comment.\n\nSigned-off-by: Ada Lovelace <ada@example.org>\nAcked-by: Linus Torvalds <torvalds@example.org>\n")
        .file("net/ring.c", 1, 1, "", &["+/* The ring buffer. */", " #include <stdlib.h>"])
        .build();
    let ai = PatchBuilder::new("docs: explain the ring buffer", None, None, 1)
        .id("ai.1700000100@example.com")
        .author("Bob Builder", "bob@example.com")
        .sent(5)
        .body("Generated with an AI assistant and checked by hand.\n\nAssisted-by: SomeAgent:model-x\nSigned-off-by: Bob Builder <bob@example.com>\n")
        .file("docs/ring.rst", 0, 1, "", &["+Ring buffers", "+============", "+", "+A ring buffer holds data."])
        .build();
    let clean = PatchBuilder::new("MAINTAINERS: add ring reviewers", None, None, 1)
        .id("m.1700000200@example.net")
        .author("Grace Hopper", "grace@example.org")
        .sent(50)
        .body("Signed-off-by: Grace Hopper <grace@example.org>\n")
        .file(
            "MAINTAINERS",
            100,
            100,
            "",
            &[
                " RING BUFFER",
                "+R:\tGrace Hopper <grace@example.org>",
                " F:\tnet/ring.c",
            ],
        )
        .build();
    let patches = vec![cover, p1, p2, p3, ai, clean];
    let series = vec![
        Series {
            id: 1,
            title: "net: tidy the ring buffer code".into(),
            version: 2,
            total: Some(4),
            cover: Some(0),
            patches: vec![1, 2, 3],
            missing: vec![4],
            duplicates: vec![],
        },
        Series {
            id: 2,
            title: "docs: explain the ring buffer".into(),
            version: 1,
            total: None,
            cover: None,
            patches: vec![4],
            ..Series::default()
        },
        Series {
            id: 3,
            title: "MAINTAINERS: add ring reviewers".into(),
            version: 1,
            total: None,
            cover: None,
            patches: vec![5],
            ..Series::default()
        },
    ];
    let replies = vec![
        reply(0, addr("Grace Hopper", "grace@example.org"), "Tested-by"),
        reply(
            2,
            addr("Linus Torvalds", "torvalds@example.org"),
            "Acked-by",
        ),
        // From one address, naming another: a warning until the maintainer accepts it.
        reply_naming(
            3,
            addr("Kim Reviewer", "kim@example.org"),
            "Reviewed-by",
            "Kim Reviewer <kim@work.example>",
        ),
    ];
    let findings = vec![
        vec![],
        vec![finding(
            "style-subject-identifier",
            Severity::Info,
            Part::Subject,
            1,
            (27, 35),
            None,
            "the subject names an identifier the patch removes",
        )],
        vec![
            finding(
                "dco-missing",
                Severity::Error,
                Part::Trailer,
                5,
                (0, 6),
                None,
                "no Signed-off-by from the author Ada Lovelace",
            ),
            finding(
                "trailer-fixes-format",
                Severity::Warning,
                Part::Trailer,
                5,
                (7, 15),
                None,
                "Fixes: wants at least 12 hex digits of the commit id",
            ),
            finding(
                "style-todo",
                Severity::Info,
                Part::Diff,
                45,
                (13, 17),
                Some("net/ring.c"),
                "new TODO comment",
            ),
        ],
        vec![],
        vec![
            finding(
                "ai-assisted-by",
                Severity::Error,
                Part::Trailer,
                5,
                (0, 11),
                None,
                "AI-assisted contributions are declined by this project's policy",
            ),
            finding(
                "ai-generated-text",
                Severity::Warning,
                Part::Message,
                3,
                (0, 30),
                None,
                "the message says it was generated with an AI tool",
            ),
        ],
        vec![],
    ];
    (
        Queue {
            source: "sample.mbox".into(),
            patches,
            series,
            replies,
            skipped: vec![],
            window: None,
        },
        findings,
    )
}

/// The desk over [`small_queue`] as tests start it: the `qemu` profile, the default keymap,
/// no colour, [`now`].
pub fn small_state() -> super::state::AppState {
    let (q, f) = small_queue();
    super::state::AppState::new(
        q,
        f,
        "qemu",
        super::keymap::Keymap::default_keymap(),
        super::theme::Theme::new(false),
        now(),
    )
}

/// A synthetic queue of `n` patches in series of up to 5, each with a small diff and a few
/// findings, for benchmarks.
pub fn synthetic_queue(n: usize) -> (Queue, Vec<Vec<Finding>>) {
    const WORDS: &[&str] = &[
        "net", "mm", "fs", "block", "drm", "usb", "fix", "add", "remove", "refactor", "ring",
        "buffer", "leak", "lock", "race", "driver", "memory", "cache", "timer", "queue", "error",
        "path",
    ];
    const PEOPLE: &[(&str, &str)] = &[
        ("Ada Lovelace", "ada@example.org"),
        ("Grace Hopper", "grace@example.org"),
        ("Alan Turing", "alan@example.org"),
        ("Barbara Liskov", "barbara@example.org"),
        ("Ken Thompson", "ken@example.org"),
        ("Margaret Hamilton", "margaret@example.org"),
    ];
    let mut queue = Queue {
        source: format!("synthetic-{n}.mbox"),
        ..Queue::default()
    };
    let mut findings = Vec::new();
    let mut i = 0usize;
    let mut series_id = 0usize;
    while i < n {
        let size = (1 + (i * 7) % 5).min(n - i);
        series_id += 1;
        let mut series = Series {
            id: series_id,
            version: 1 + (series_id % 3) as u32,
            total: if size > 1 { Some(size as u32) } else { None },
            ..Series::default()
        };
        for k in 0..size {
            let w = |j: usize| WORDS[(i * 31 + j * 17 + k) % WORDS.len()];
            let title = format!("{}: {} the {} {} in {}", w(0), w(1), w(2), w(3), w(4));
            let (name, email) = PEOPLE[(series_id + k) % PEOPLE.len()];
            let nn = if size > 1 { Some(k as u32 + 1) } else { None };
            let p = PatchBuilder::new(&title, nn, series.total, series.version)
                .id(&format!("{i}.{series_id}@example.org"))
                .author(name, email)
                .sent((i / 3) as i64)
                .body(&format!(
                    "Body of patch {i}.\n\nSigned-off-by: {name} <{email}>\n"
                ))
                .file(
                    &format!("src/{}.c", w(5)),
                    10,
                    10,
                    "int f(void)",
                    &[" int a;", "-int b;", "+int c;", " int d;"],
                )
                .build();
            if k == 0 {
                series.title = title;
            }
            series.patches.push(queue.patches.len());
            queue.patches.push(p);
            let f = match i % 4 {
                0 => vec![finding(
                    "dco-missing",
                    Severity::Error,
                    Part::Trailer,
                    3,
                    (0, 13),
                    None,
                    "no Signed-off-by",
                )],
                1 => vec![finding(
                    "style-long-line",
                    Severity::Warning,
                    Part::Diff,
                    11,
                    (0, 5),
                    Some("src/x.c"),
                    "long line",
                )],
                2 => vec![finding(
                    "ai-assisted-by",
                    Severity::Info,
                    Part::Message,
                    1,
                    (0, 3),
                    None,
                    "AI marker",
                )],
                _ => vec![],
            };
            findings.push(f);
            i += 1;
        }
        queue.series.push(series);
    }
    (queue, findings)
}

/// A lone patch with one file of `lines` changed lines and a finding every 50 lines.
pub fn big_patch(lines: usize) -> (Queue, Vec<Vec<Finding>>) {
    let body: Vec<String> = (0..lines)
        .map(|i| match i % 3 {
            0 => format!("+\tadded line {i} with some text to scroll through"),
            1 => format!("-\tremoved line {i}"),
            _ => format!(" \tcontext line {i}"),
        })
        .collect();
    let refs: Vec<&str> = body.iter().map(String::as_str).collect();
    let patch = PatchBuilder::new("big: a very large change", None, None, 1)
        .id("big@example.org")
        .author("Ada Lovelace", "ada@example.org")
        .sent(1)
        .body("A big one.\n\nSigned-off-by: Ada Lovelace <ada@example.org>\n")
        .file("src/big.c", 1, 1, "", &refs)
        .build();
    let findings: Vec<Finding> = patch.diff[0].hunks[0]
        .lines
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 50 == 0)
        .filter_map(|(_, l)| {
            let line = if l.kind == LineKind::Remove {
                l.old
            } else {
                l.new
            }?;
            Some(finding(
                "style-test",
                Severity::Warning,
                Part::Diff,
                line,
                (1, 6),
                Some("src/big.c"),
                "a finding",
            ))
        })
        .collect();
    let queue = Queue {
        source: "big.mbox".into(),
        series: vec![Series {
            id: 1,
            title: patch.subject.title.clone(),
            version: 1,
            patches: vec![0],
            ..Series::default()
        }],
        patches: vec![patch],
        ..Queue::default()
    };
    (queue, vec![findings])
}
