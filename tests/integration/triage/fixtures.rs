//! Hand-built queues for the desk tests (the mail parser is not needed).

use patchdesk::mail::{Address, Message};
use patchdesk::patch::{DiffLine, FileDiff, Hunk, LineKind, Patch, Subject};
use patchdesk::policy::{Finding, Location, Part, Severity};
use patchdesk::queue::{Queue, Reply, Series};

/// A patch with a key, a title, a commit message, one added file and a patch-id.
pub fn patch(
    key: &str,
    n: Option<u32>,
    title: &str,
    body: &str,
    lines: &[&str],
    patch_id: &str,
) -> Patch {
    let diff_lines = lines
        .iter()
        .enumerate()
        .map(|(i, t)| DiffLine {
            kind: LineKind::Add,
            old: None,
            new: Some(i as u32 + 1),
            text: (*t).into(),
            no_newline: false,
        })
        .collect();
    let mut patch = Patch {
        key: key.into(),
        mail: Message {
            message_id: Some(key.into()),
            ..Message::default()
        },
        subject: Subject {
            raw: format!("[PATCH] {title}"),
            title: title.into(),
            version: 1,
            index: n,
            total: n.map(|_| 2),
            ..Subject::default()
        },
        message: format!("{title}\n\n{body}").into(),
        diff: if lines.is_empty() {
            Vec::new()
        } else {
            vec![FileDiff {
                new_path: Some("src/a.c".into()),
                hunks: vec![Hunk {
                    old_start: 0,
                    old_lines: 0,
                    new_start: 1,
                    new_lines: lines.len() as u32,
                    section: String::new(),
                    lines: diff_lines,
                }],
                ..FileDiff::default()
            }]
        }
        .into(),
        ..Patch::default()
    };
    // A diff built from files has no text to take a patch-id of: it is given one.
    let mut facts = patch.diff.facts().clone();
    facts.patch_id = (!patch_id.is_empty()).then(|| patch_id.to_string());
    patch.diff.set_facts(facts);
    patch
}

/// A series `v{version}`: cover letter and two patches; patch 2 lacks a Signed-off-by.
pub fn series_queue(source: &str, version: u32) -> Queue {
    let v = version;
    Queue {
        source: source.into(),
        patches: vec![
            patch(
                &format!("cover-v{v}@example"),
                Some(0),
                "demo: the series",
                "Cover text.\n",
                &[],
                "",
            ),
            patch(
                &format!("p1-v{v}@example"),
                Some(1),
                "demo: first",
                "First body.\n\nSigned-off-by: Ann Author <ann@example.org>\n",
                &["int a;", "int b;"],
                "aaaa",
            ),
            patch(
                &format!("p2-v{v}@example"),
                Some(2),
                "demo: second",
                "Second body.\n",
                &["int c;"],
                &format!("bbbb{v}"),
            ),
        ],
        series: vec![Series {
            id: 1,
            title: "demo: the series".into(),
            version: v,
            total: Some(2),
            cover: Some(0),
            patches: vec![1, 2],
            ..Series::default()
        }],
        replies: vec![Reply {
            mail: Message {
                message_id: Some(format!("reply-v{v}@example")),
                from: Some(Address {
                    name: "Rita Reviewer".into(),
                    email: "rita@example.org".into(),
                }),
                body: "> quoted\nAcked-by: Rita Reviewer <rita@example.org>\n".into(),
                ..Message::default()
            },
            parent: Some(0),
            trailers: Vec::new(),
        }],
        ..Queue::default()
    }
}

/// Findings for [`series_queue`]: patch 2 has an error `dco-missing` and a warning.
pub fn findings() -> Vec<Vec<Finding>> {
    let f = |rule: &str, severity| Finding {
        rule: rule.into(),
        severity,
        location: Location {
            part: Part::Trailer,
            line: 1,
            start: 0,
            end: 0,
            file: None,
        },
        message: format!("{rule} here"),
        source: "test".into(),
    };
    vec![
        vec![],
        vec![f("msg-long", Severity::Warning)],
        vec![
            f("dco-missing", Severity::Error),
            f("msg-long", Severity::Warning),
        ],
    ]
}
