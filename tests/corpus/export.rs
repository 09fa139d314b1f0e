//! Exports over real list traffic: review replies for every patch of the qemu and linux-leds
//! mboxes and of the qemu series directories (a note on a diff line, an ack) read back with
//! the project's parser and Python's `mailbox` with the same count, each threaded under its
//! patch; and every complete series exported for `git am` reads back with the same commit
//! message (the original plus the ack, by git's rules) and the same diff.

use patchdesk::export::plan::{LineNote, ReviewPlan};
use patchdesk::export::replies::{self, Selection};
use patchdesk::export::series::{self, SeriesOptions, final_message};
use patchdesk::mail::Address;
use patchdesk::patch::LineKind;
use patchdesk::policy::Part;
use patchdesk::queue::{self, Queue};
use patchdesk::source::SourceSpec;
use std::path::Path;
use std::process::Command;

fn maintainer() -> Address {
    Address {
        name: "Jön Tåbor".into(),
        email: "jon.tabor@example.net".into(),
    }
}

/// A note on the first added line of each patch, and an Acked-by on every patch.
fn review_everything(queue: &Queue) -> ReviewPlan {
    let mut plan = ReviewPlan::new(maintainer());
    for patch in &queue.patches {
        let review = plan.patch_mut(&patch.key);
        review
            .trailers
            .push(("Acked-by".into(), maintainer().display()));
        let added = patch.diff.iter().find_map(|f| {
            f.hunks
                .iter()
                .flat_map(|h| &h.lines)
                .find(|l| l.kind == LineKind::Add)
                .and_then(|l| l.new)
                .map(|n| (f.path().to_string(), n))
        });
        if let Some((file, line)) = added {
            review.line_notes.push(LineNote {
                part: Part::Diff,
                file: Some(file),
                line,
                text: "From here on, please explain this line.".into(),
                interdiff: None,
            });
        }
    }
    plan
}

fn python_count(mbox: &Path) -> usize {
    let out = Command::new("python3")
        .args([
            "-c",
            "import mailbox,sys; print(len(mailbox.mbox(sys.argv[1])))",
            &mbox.display().to_string(),
        ])
        .output()
        .expect("python3 runs");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a count")
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2026-11-24T20:00:00+01:00").expect("date")
}

/// Replies for the whole queue read back; returns how many there were.
fn check_replies(queue: &Queue, plan: &ReviewPlan, dir: &Path) -> usize {
    let out = dir.join("replies.mbox");
    let built = replies::build(queue, plan, Selection::All, now()).expect("replies");
    let n = replies::export(queue, plan, Selection::All, now(), &out, true).expect("export");
    assert_eq!(n, built.len());
    let loaded = patchdesk::source::load(&SourceSpec::Path(out.clone())).expect("reads back");
    assert_eq!(loaded.messages.len(), n, "project's parser");
    assert_eq!(python_count(&out), n, "python mailbox");
    for (message, reply) in loaded.messages.iter().zip(&built) {
        let answered = &queue.patches[reply.answers];
        assert_eq!(message.in_reply_to, answered.mail.message_id);
        assert_eq!(message.from.as_ref(), Some(&maintainer()));
        let noted = plan
            .patch(&answered.key)
            .is_some_and(|r| !r.line_notes.is_empty());
        if noted {
            assert!(
                message
                    .body
                    .contains("\nFrom here on, please explain this line.\n"),
                "note under its line in the reply to {}:\n{}",
                answered.key,
                message.body
            );
        }
    }
    n
}

/// Every complete series exported for `git am` reads back with the same messages and diffs.
fn check_series(queue: &Queue, plan: &ReviewPlan, dir: &Path) -> usize {
    let mut checked = 0;
    for s in &queue.series {
        let out = dir.join(format!("series-{}.mbox", s.id));
        let options = SeriesOptions::default();
        let Ok(n) = series::export(queue, plan, s.id, options, &out, true) else {
            continue; // missing patches, or a patch without a diff: refused, as it should be
        };
        let back = queue::load(&SourceSpec::Path(out.clone())).expect("reads back");
        assert_eq!(back.patches.len(), n, "series {} of {}", s.id, queue.source);
        for (original, reread) in s.patches.iter().zip(&back.patches) {
            let expected = final_message(queue, plan, *original, false);
            assert_eq!(
                reread.message, expected,
                "message of {}",
                queue.patches[*original].key
            );
            assert_eq!(
                reread.diff, queue.patches[*original].diff,
                "diff of {}",
                queue.patches[*original].key
            );
            assert_eq!(reread.author, queue.patches[*original].author);
        }
        checked += 1;
    }
    checked
}

fn run_on(source: &Path) {
    let queue = queue::load(&SourceSpec::Path(source.to_path_buf())).expect("corpus loads");
    let plan = review_everything(&queue);
    let dir = tempfile::tempdir().expect("temp dir");
    let replies = check_replies(&queue, &plan, dir.path());
    let series = check_series(&queue, &plan, dir.path());
    println!(
        "{}: {replies} replies, {series} complete series round-tripped",
        source.display()
    );
    assert!(replies > 0);
}

#[test]
fn exports_of_real_traffic_read_back() {
    let Some(corpus) = crate::corpus("exports_of_real_traffic_read_back") else {
        return;
    };
    for name in ["qemu-recent-500.mbox", "leds-list-1000.mbox"] {
        run_on(&corpus.join(name));
    }
    let series_dir = corpus.join("qemu-series");
    let mut dirs: Vec<_> = std::fs::read_dir(&series_dir)
        .expect("qemu-series")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        run_on(&dir);
    }
}
