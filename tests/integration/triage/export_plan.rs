//! The desk's state handed to the exports as a `ReviewPlan`.

use super::fixtures::{findings, series_queue};
use patchdesk::export::from_desk::plan_from_state;
use patchdesk::export::{ReviewStatus, series};
use patchdesk::mail::Address;
use patchdesk::policy::Part;
use patchdesk::triage::desk::{Desk, NoteSpec, TrailerRequest};
use patchdesk::triage::gate::WaiverRequest;
use patchdesk::triage::status::Status;
use patchdesk::triage::trailers::TrailerKind;

#[test]
fn the_plan_carries_status_notes_trailers_and_waivers() {
    let data = tempfile::tempdir().unwrap();
    let q = series_queue("q.mbox", 1);
    let f = findings();
    let mut desk = Desk::open(data.path(), &q).unwrap();
    desk.set_status(&q, 2, Status::ChangesRequested).unwrap();
    desk.add_note(&q, &NoteSpec::Patch(2), "please sign off")
        .unwrap();
    desk.add_note(
        &q,
        &NoteSpec::Line {
            patch: 1,
            part: Part::Diff,
            file: Some("src/a.c".into()),
            line: 2,
        },
        "b unused?",
    )
    .unwrap();
    desk.add_note(&q, &NoteSpec::Series(0), "nice series")
        .unwrap();
    let plan = desk
        .plan_trailer(
            &q,
            &f,
            &TrailerRequest {
                kind: TrailerKind::Acked,
                identity: "Mia Maintainer <mia@example.org>".into(),
                targets: vec![0],
                whole_series: false,
                waivers: vec![WaiverRequest::parse("dco-missing=signed off in a reply").unwrap()],
            },
        )
        .unwrap();
    desk.add_trailer(&q, &plan).unwrap();

    let me = Address {
        name: "Mia Maintainer".into(),
        email: "mia@example.org".into(),
    };
    let review = plan_from_state(desk.state(), &q, me, Some(&f));
    let p1 = review.patch("p1-v1@example").unwrap();
    assert_eq!(
        p1.trailers,
        vec![(
            "Acked-by".to_string(),
            "Mia Maintainer <mia@example.org>".to_string()
        )]
    );
    assert_eq!(p1.line_notes.len(), 1);
    assert_eq!(p1.line_notes[0].line, 2);
    let p2 = review.patch("p2-v1@example").unwrap();
    assert_eq!(p2.status, ReviewStatus::ChangesRequested);
    assert_eq!(p2.notes, vec!["please sign off".to_string()]);
    assert_eq!(p2.waivers.len(), 1);
    assert_eq!(p2.waivers[0].rule, "dco-missing");
    assert_eq!(p2.findings.as_ref().map(|s| s.errors), Some(1));
    assert_eq!(
        review.series["cover-v1@example"].notes,
        vec!["nice series".to_string()]
    );

    // The series export writes the ack and never the waiver.
    let message = series::final_message(&q, &review, 2, false);
    assert!(
        message.contains("Acked-by: Mia Maintainer <mia@example.org>"),
        "{message}"
    );
    assert!(!message.contains("dco-missing"), "{message}");
}
