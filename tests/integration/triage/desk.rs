//! The desk API on hand-built queues: status, notes, trailers with the gate, undo, save and
//! reload, carry-over to v2.

use super::fixtures::{findings, series_queue};
use patchdesk::policy::Part;
use patchdesk::triage::desk::{Desk, NoteSpec, ReplyTrailerState, TrailerRequest, note_place};
use patchdesk::triage::gate::WaiverRequest;
use patchdesk::triage::notes::NoteTarget;
use patchdesk::triage::status::Status;
use patchdesk::triage::trailers::TrailerKind;

const ME: &str = "Mia Maintainer <mia@example.org>";

fn req(
    targets: &[usize],
    whole_series: bool,
    kind: TrailerKind,
    waivers: &[WaiverRequest],
) -> TrailerRequest {
    TrailerRequest {
        kind,
        identity: ME.into(),
        targets: targets.to_vec(),
        whole_series,
        waivers: waivers.to_vec(),
    }
}

#[test]
fn status_of_patches_and_series() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let mut desk = Desk::open(data.path(), &q).unwrap();
    let series = &q.series[0];
    assert_eq!(desk.series_status(&q, series), Status::New);
    desk.set_status(&q, 1, Status::Accepted).unwrap();
    assert_eq!(desk.series_status(&q, series), Status::UnderReview);
    desk.set_status(&q, 2, Status::Accepted).unwrap();
    assert_eq!(desk.series_status(&q, series), Status::Accepted);
    // On the cover letter: the series' own status.
    desk.set_status(&q, 0, Status::Deferred { until: None })
        .unwrap();
    assert_eq!(
        desk.series_status(&q, series),
        Status::Deferred { until: None }
    );
    assert_eq!(desk.patch_status(&q, 1), Status::Accepted);
    let map = desk.status_map(&q);
    assert_eq!(
        map.get("cover-v1@example").map(String::as_str),
        Some("deferred")
    );
    assert_eq!(
        map.get("p1-v1@example").map(String::as_str),
        Some("accepted")
    );
    desk.undo().unwrap();
    assert_eq!(desk.series_status(&q, series), Status::Accepted);
}

#[test]
fn ack_with_gate_waiver_preview_and_undo() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let mut desk = Desk::open(data.path(), &q).unwrap();
    let f = findings();

    // Acking the cover = every patch; patch 2 has an unwaived error.
    let plan = desk
        .plan_trailer(&q, &f, &req(&[0], false, TrailerKind::Acked, &[]))
        .unwrap();
    assert_eq!(plan.patches.len(), 2);
    assert!(!plan.passes());
    let err = desk.add_trailer(&q, &plan).unwrap_err().to_string();
    assert!(err.contains("dco-missing"), "{err}");
    assert!(desk.state().patches.values().all(|p| p.trailers.is_empty()));

    // A waiver for a rule that did not fire (msg-long is only a warning) is refused.
    let bad = vec![WaiverRequest::parse("msg-long=too long is fine").unwrap()];
    let plan = desk
        .plan_trailer(&q, &f, &req(&[2], false, TrailerKind::Acked, &bad))
        .unwrap();
    assert!(plan.gate_problems().contains("did not fire"));

    let waive = vec![WaiverRequest::parse("dco-missing=author signed off on the list").unwrap()];
    let plan = desk
        .plan_trailer(&q, &f, &req(&[1], true, TrailerKind::Acked, &waive))
        .unwrap();
    assert!(plan.passes());
    let text = plan.render(&q);
    assert!(
        text.contains("  + Acked-by: Mia Maintainer <mia@example.org>"),
        "{text}"
    );
    assert!(
        text.contains("waiver recorded (not in the commit message): dco-missing"),
        "{text}"
    );
    assert_eq!(
        plan.patches[0].preview.block,
        vec![
            "Signed-off-by: Ann Author <ann@example.org>",
            "Acked-by: Mia Maintainer <mia@example.org>"
        ]
    );
    assert_eq!(desk.add_trailer(&q, &plan).unwrap(), 2);
    let w = desk.waivers_for(&q, 2);
    assert_eq!(w.len(), 1);
    assert_eq!((w[0].rule.as_str(), w[0].who.as_str()), ("dco-missing", ME));
    assert!(!plan.patches[1].preview.message.contains("dco-missing"));

    // Second ack: skipped as identical, and says so.
    let again = desk
        .plan_trailer(&q, &f, &req(&[1], false, TrailerKind::Acked, &[]))
        .unwrap();
    assert!(again.render(&q).contains("skipped: identical"));

    // Undo removes trailers and waivers together.
    assert!(desk.undo().unwrap().contains("Acked-by"));
    assert!(desk.trailers_for(&q, 1).is_empty());
    assert!(desk.waivers_for(&q, 2).is_empty());
}

#[test]
fn tested_by_is_not_gated() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let mut desk = Desk::open(data.path(), &q).unwrap();
    let plan = desk
        .plan_trailer(&q, &findings(), &req(&[2], false, TrailerKind::Tested, &[]))
        .unwrap();
    assert!(plan.passes());
    assert_eq!(desk.add_trailer(&q, &plan).unwrap(), 1);
}

#[test]
fn notes_add_edit_delete_and_survive_a_reload() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let mut desk = Desk::open(data.path(), &q).unwrap();
    let line = NoteSpec::Line {
        patch: 1,
        part: Part::Diff,
        file: Some("src/a.c".into()),
        line: 2,
    };
    let id = desk.add_note(&q, &line, "why b?").unwrap();
    let series_note = desk
        .add_note(&q, &NoteSpec::Series(0), "ask for v2")
        .unwrap();
    assert!(
        desk.add_note(
            &q,
            &NoteSpec::Line {
                patch: 1,
                part: Part::Diff,
                file: Some("src/a.c".into()),
                line: 40
            },
            "x"
        )
        .is_err()
    );
    desk.edit_note(id, "why b, not c?").unwrap();
    desk.delete_note(series_note).unwrap();
    desk.save().unwrap();
    drop(desk);

    // Reload with the line moved down by one: the note follows it.
    let mut q2 = series_queue("q.mbox", 1);
    q2.patches[1] = super::fixtures::patch(
        "p1-v1@example",
        Some(1),
        "demo: first",
        "First body.\n",
        &["// new", "int a;", "int b;"],
        "aaaa",
    );
    let desk = Desk::open(data.path(), &q2).unwrap();
    let notes = desk.notes_for_patch(&q2, 1);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].text, "why b, not c?");
    let NoteTarget::Line(anchor) = &notes[0].target else {
        panic!("line note expected")
    };
    assert_eq!(anchor.line, 3);
    assert!(
        desk.notices
            .iter()
            .any(|n| n.contains("moved from line 2 to 3"))
    );
}

#[test]
fn decisions_and_notes_carry_over_to_v2() {
    let data = tempfile::tempdir().unwrap();
    let v1 = series_queue("q.mbox", 1);
    let mut desk = Desk::open(data.path(), &v1).unwrap();
    desk.set_status(&v1, 1, Status::Accepted).unwrap();
    desk.set_status(&v1, 2, Status::ChangesRequested).unwrap();
    desk.add_note(&v1, &NoteSpec::Patch(1), "fine as is")
        .unwrap();
    desk.add_note(&v1, &NoteSpec::Series(0), "merge after rc1")
        .unwrap();
    desk.set_series_status(&v1, 0, Some(Status::Deferred { until: None }))
        .unwrap();
    desk.add_note(
        &v1,
        &NoteSpec::Line {
            patch: 1,
            part: Part::Diff,
            file: Some("src/a.c".into()),
            line: 1,
        },
        "a is used?",
    )
    .unwrap();
    let plan = desk
        .plan_trailer(
            &v1,
            &findings(),
            &req(&[1], false, TrailerKind::Reviewed, &[]),
        )
        .unwrap();
    desk.add_trailer(&v1, &plan).unwrap();
    desk.save().unwrap();
    drop(desk);

    // v2 arrives in the same source: patch 1 unchanged (same patch-id), patch 2 reworked.
    let mut both = series_queue("q.mbox", 2);
    both.patches.extend(v1.patches.clone());
    let desk = Desk::open(data.path(), &both).unwrap();
    let p1v2 = desk.state().patches.get("p1-v2@example").unwrap();
    assert_eq!(p1v2.status, Some(Status::Accepted));
    assert_eq!(p1v2.carried_over_from.as_deref(), Some("p1-v1@example"));
    assert_eq!(p1v2.trailers.len(), 1);
    assert_eq!(
        p1v2.trailers[0].carried_over_from.as_deref(),
        Some("p1-v1@example")
    );
    let notes = desk.notes_for_patch(&both, 1);
    assert_eq!(notes.len(), 2);
    assert!(
        notes
            .iter()
            .all(|n| n.carried_over_from.as_deref() == Some("p1-v1@example"))
    );
    assert_eq!(
        desk.patch_status(&both, 2),
        Status::New,
        "reworked patch starts fresh"
    );
    assert!(desk.notices.iter().any(|n| n.contains("carried over")));
    // The series' own status and notes follow too: v2's series is at index 0 of `both`.
    assert_eq!(
        desk.series_status(&both, &both.series[0]),
        Status::Deferred { until: None }
    );
    let series_notes = desk.notes_for_series(&both, &both.series[0]);
    assert_eq!(series_notes.len(), 1);
    assert_eq!(series_notes[0].text, "merge after rc1");
    assert_eq!(
        series_notes[0].carried_over_from.as_deref(),
        Some("cover-v1@example")
    );
}

#[test]
fn reply_trailers_on_the_cover_reach_every_patch() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let desk = Desk::open(data.path(), &q).unwrap();
    let c = desk.reply_trailers();
    assert_eq!(c.for_patch(1).count(), 1);
    assert_eq!(c.for_patch(2).count(), 1);
    assert_eq!(c.trailers[0].message_id, "reply-v1@example");
}

#[test]
fn a_second_desk_on_the_same_queue_is_read_only() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let _first = Desk::open(data.path(), &q).unwrap();
    let mut second = Desk::open(data.path(), &q).unwrap();
    assert!(second.read_only());
    assert!(second.notices.iter().any(|n| n.contains("read-only")));
    assert!(second.set_status(&q, 1, Status::Rejected).is_err());
}

#[test]
fn notes_by_line_and_series_and_marks_for_the_views() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let mut desk = Desk::open(data.path(), &q).unwrap();
    desk.add_note(
        &q,
        &NoteSpec::Line {
            patch: 1,
            part: Part::Message,
            file: None,
            line: 3,
        },
        "reword",
    )
    .unwrap();
    desk.add_note(&q, &NoteSpec::Series(0), "v2 please")
        .unwrap();
    assert_eq!(desk.notes_on_line(&q, 1, Part::Message, None, 3).len(), 1);
    assert!(desk.notes_on_line(&q, 1, Part::Message, None, 4).is_empty());
    assert_eq!(desk.notes_for_series(&q, &q.series[0]).len(), 1);
    assert!(!desk.has_waivers(&q, 2));
    assert!(!desk.nacked(2));
    assert_eq!(desk.undo_description(), Some("add note"));
}

#[test]
fn a_mismatched_reply_trailer_can_be_accepted_and_undone() {
    let data = tempfile::tempdir().unwrap();
    let mut q = series_queue("q.mbox", 1);
    q.replies[0].mail.body = "Acked-by: Rita Reviewer <rita@work.example>\n".into();
    let mut desk = Desk::open(data.path(), &q).unwrap();
    let warning = desk.reply_trailers().warnings[0].clone();
    assert!(warning.same_name);
    desk.accept_reply_trailer(&q, &warning).unwrap();
    let key = &q.patches[warning.patch].key;
    assert_eq!(
        desk.state().patches[key].accepted_reply_trailers,
        vec!["Acked-by: Rita Reviewer <rita@work.example>".to_string()]
    );
    desk.undo().unwrap();
    assert!(
        desk.state()
            .patches
            .get(key)
            .is_none_or(|p| p.accepted_reply_trailers.is_empty())
    );
}

#[test]
fn a_warned_reply_trailer_is_accepted_by_its_line_once_and_then_collected() {
    let data = tempfile::tempdir().unwrap();
    let mut q = series_queue("q.mbox", 1);
    q.replies[0].mail.body =
        "Acked-by: Rita Reviewer <rita@example.org>\nTested-by: Rita Reviewer <rita@lab.example>\n"
            .into();
    let mut desk = Desk::open(data.path(), &q).unwrap();
    let states = |desk: &Desk| -> Vec<(String, ReplyTrailerState)> {
        desk.reply_trailers_for(&q, 1)
            .into_iter()
            .map(|(t, s)| (t.line(), s))
            .collect()
    };
    let tested = "Tested-by: Rita Reviewer <rita@lab.example>";
    assert_eq!(
        states(&desk),
        vec![
            (
                "Acked-by: Rita Reviewer <rita@example.org>".to_string(),
                ReplyTrailerState::Collected
            ),
            (tested.to_string(), ReplyTrailerState::Warning),
        ]
    );
    // Only a warning can be accepted, and only once.
    let err = desk
        .accept_reply_warning(&q, 1, "Acked-by: Rita Reviewer <rita@example.org>")
        .unwrap_err();
    assert!(err.to_string().contains("no warned reply trailer"), "{err}");
    desk.accept_reply_warning(&q, 1, tested).unwrap();
    assert_eq!(states(&desk)[1].1, ReplyTrailerState::Accepted);
    // Patch 2 has the same warning (the reply answered the cover letter): still a warning.
    assert_eq!(
        desk.reply_trailers_for(&q, 2)[1].1,
        ReplyTrailerState::Warning
    );
    let all = desk.all_reply_trailers(&q);
    assert_eq!(all.len(), 4, "two per patch of the series");
    assert_eq!(
        all.iter()
            .filter(|(_, s)| *s == ReplyTrailerState::Accepted)
            .count(),
        1
    );
    let again = desk.accept_reply_warning(&q, 1, tested).unwrap_err();
    assert!(again.to_string().contains("accepted already"), "{again}");
    assert_eq!(
        desk.undo_description(),
        Some(format!("accept '{tested}'").as_str())
    );
    desk.save().unwrap();
    drop(desk);
    let mut desk = Desk::open(data.path(), &q).unwrap();
    assert_eq!(states(&desk)[1].1, ReplyTrailerState::Accepted, "kept");
    desk.accept_reply_warning(&q, 2, tested).unwrap();
    desk.undo().unwrap();
    assert_eq!(
        desk.reply_trailers_for(&q, 2)[1].1,
        ReplyTrailerState::Warning,
        "undone"
    );
}

#[test]
fn note_places_name_the_series_the_patch_and_the_line() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let mut desk = Desk::open(data.path(), &q).unwrap();
    desk.add_note(&q, &NoteSpec::Series(0), "s").unwrap();
    desk.add_note(&q, &NoteSpec::Patch(2), "p").unwrap();
    desk.add_note(
        &q,
        &NoteSpec::Line {
            patch: 1,
            part: Part::Message,
            file: None,
            line: 1,
        },
        "l",
    )
    .unwrap();
    let places: Vec<String> = desk.notes().iter().map(|n| note_place(&q, n)).collect();
    assert_eq!(places, vec!["series 1", "1.2", "1.1 message:1"]);
}

#[test]
fn a_status_alone_carries_over() {
    let data = tempfile::tempdir().unwrap();
    let v1 = series_queue("q.mbox", 1);
    let mut desk = Desk::open(data.path(), &v1).unwrap();
    desk.set_status(&v1, 1, Status::Rejected).unwrap();
    desk.save().unwrap();
    drop(desk);
    let v2 = series_queue("q.mbox", 2);
    let desk = Desk::open(data.path(), &v2).unwrap();
    assert_eq!(desk.patch_status(&v2, 1), Status::Rejected);
}

#[test]
fn preview_shows_ai_advisories_without_blocking() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let desk = Desk::open(data.path(), &q).unwrap();
    let mut f = findings();
    let mut ai = f[1][0].clone();
    ai.rule = "ai-prose".into();
    ai.message = "says it was written with an LLM".into();
    f[1].push(ai);
    let plan = desk
        .plan_trailer(&q, &f, &req(&[1], false, TrailerKind::Reviewed, &[]))
        .unwrap();
    assert!(plan.passes());
    let text = plan.render(&q);
    assert!(
        text.contains("? ai-prose: says it was written with an LLM (check before asserting)"),
        "{text}"
    );
}
