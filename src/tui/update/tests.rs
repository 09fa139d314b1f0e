//! Tests of the update: key scripts against the sample queue.

use super::*;
use crate::triage::desk::{PreviewKind, PreviewLine};
use crate::triage::status::Status;
use crate::tui::key::parse_sequence;
use crate::tui::keymap::Keymap;
use crate::tui::patch_model::NoteView;
use crate::tui::sample;
use crate::tui::state::AppState;
use crate::tui::theme::Theme;

fn state() -> AppState {
    let mut s = sample::small_state();
    s.size = (100, 30);
    s
}

fn keys(s: &mut AppState, k: &str) -> Vec<Effect> {
    parse_sequence(k)
        .unwrap()
        .into_iter()
        .flat_map(|c| handle_key(s, c))
        .collect()
}

#[test]
fn quit_is_an_effect() {
    let mut s = state();
    assert_eq!(keys(&mut s, "q"), vec![Effect::Quit]);
}

#[test]
fn moving_and_opening_a_patch_and_coming_back() {
    let mut s = state();
    keys(&mut s, "jj");
    assert_eq!(s.list.selected, 2);
    keys(&mut s, "<enter>");
    assert_eq!(s.patch.as_ref().map(|v| v.index), Some(1));
    keys(&mut s, "q");
    assert!(s.patch.is_none());
    assert_eq!(s.list.selected, 2);
}

#[test]
fn chords_wait_and_escape_cancels() {
    let mut s = state();
    keys(&mut s, "s");
    assert_eq!(s.pending.len(), 1);
    keys(&mut s, "<esc>");
    assert!(s.pending.is_empty());
    keys(&mut s, "sf");
    assert_eq!(s.list.sort, crate::tui::list::SortKey::Findings);
    keys(&mut s, "sx");
    assert!(
        s.message
            .as_deref()
            .unwrap_or("")
            .contains("`sx` is not bound")
    );
}

#[test]
fn filter_prompt_types_narrows_and_cancel_restores() {
    let mut s = state();
    keys(&mut s, "/free");
    assert_eq!(s.query_text, "free");
    assert_eq!(s.matches.as_ref().map(|m| m[0].index), Some(2));
    keys(&mut s, "<bs>");
    assert_eq!(s.query_text, "fre");
    keys(&mut s, "<esc>");
    assert_eq!(s.query_text, "");
    assert!(s.matches.is_none());
    keys(&mut s, "/has:error<enter>");
    assert!(s.prompt.is_none());
    assert_eq!(s.list.order, vec![4, 2]);
    keys(&mut s, "<bs>");
    assert!(s.matches.is_none());
}

#[test]
fn findings_jump_in_order_and_stop_at_the_end() {
    let mut s = state();
    keys(&mut s, "jjj<enter>"); // patch 2: three findings
    let v = s.patch.as_ref().unwrap();
    assert_eq!(v.index, 2);
    let order = v.model.finding_order.clone();
    keys(&mut s, "f");
    assert_eq!(s.patch.as_ref().unwrap().current, Some(0));
    keys(&mut s, "ff");
    assert_eq!(s.patch.as_ref().unwrap().current, Some(2));
    keys(&mut s, "f");
    assert_eq!(s.message.as_deref(), Some("no more findings below"));
    keys(&mut s, "F");
    assert_eq!(s.patch.as_ref().unwrap().current, Some(1));
    assert_eq!(order.len(), 3);
}

#[test]
fn next_patch_walks_the_queue_order_across_series() {
    let mut s = state();
    keys(&mut s, "<enter>"); // the AI patch, first row
    assert_eq!(s.patch.as_ref().unwrap().index, 4);
    keys(&mut s, ">");
    assert_eq!(s.patch.as_ref().unwrap().index, 0);
    keys(&mut s, ">>>>");
    assert_eq!(s.patch.as_ref().unwrap().index, 5);
    keys(&mut s, ">");
    assert!(
        s.message
            .as_deref()
            .unwrap_or("")
            .contains("no more patches")
    );
    keys(&mut s, "<lt>");
    assert_eq!(s.patch.as_ref().unwrap().index, 3);
}

#[test]
fn search_finds_highlights_and_cycles() {
    let mut s = state();
    keys(&mut s, "jj<enter>/ring<enter>");
    let v = s.patch.as_ref().unwrap();
    assert!(v.search.matches.len() >= 3, "{:?}", v.search.matches);
    let first = v.search.current;
    keys(&mut s, "n");
    assert_ne!(s.patch.as_ref().unwrap().search.current, first);
    keys(&mut s, "N");
    assert_eq!(s.patch.as_ref().unwrap().search.current, first);
    // Smart case: a capital makes it exact.
    keys(&mut s, "/RING<enter>");
    let v = s.patch.as_ref().unwrap();
    assert!(
        v.search
            .matches
            .iter()
            .all(|(l, a, b)| &v.model.lines[*l].text[*a..*b] == "RING")
    );
}

#[test]
fn folding_and_gaps() {
    let mut s = state();
    keys(&mut s, "j<tab>");
    assert_eq!(s.list.rows.len(), 3);
    keys(&mut s, "=");
    assert_eq!(s.list.rows.len(), 7);
    keys(&mut s, "jjjj<enter>");
    assert!(matches!(
        s.list.rows[s.list.selected],
        Row::Gap { n: 4, .. }
    ));
    assert!(
        s.message
            .as_deref()
            .unwrap_or("")
            .contains("did not arrive")
    );
    assert!(s.patch.is_none());
}

#[test]
fn help_and_file_list_overlays() {
    let mut s = state();
    keys(&mut s, "?");
    assert_eq!(s.context(), Context::Help);
    keys(&mut s, "q");
    assert_eq!(s.context(), Context::Queue);
    keys(&mut s, "jj<enter>o");
    assert_eq!(s.overlay, Overlay::Files { selected: 0 });
    keys(&mut s, "j<enter>");
    let v = s.patch.as_ref().unwrap();
    assert_eq!(
        v.visible[v.offset],
        v.model.files[1].line.min(v.visible[v.offset])
    );
    assert_eq!(s.overlay, Overlay::None);
}

#[test]
fn scrolling_stops_at_the_last_page_and_resizes_clamp() {
    let (q, f) = sample::big_patch(5000);
    let mut s = AppState::new(
        q,
        f,
        "p",
        Keymap::default_keymap(),
        Theme::new(false),
        sample::now(),
    );
    s.size = (80, 24);
    keys(&mut s, "<enter>G");
    let off = s.patch.as_ref().unwrap().offset;
    assert_eq!(
        off,
        s.patch.as_ref().unwrap().visible.len() - s.body_height()
    );
    receive(&mut s, Incoming::Resize(80, 60));
    assert!(s.patch.as_ref().unwrap().offset <= off);
    keys(&mut s, "g");
    assert_eq!(s.patch.as_ref().unwrap().offset, 0);
    keys(&mut s, "]");
    let v = s.patch.as_ref().unwrap();
    assert_eq!(v.visible[v.offset], v.model.hunks[0]);
}

#[test]
fn inline_toggle_keeps_the_top_line() {
    let mut s = state();
    keys(&mut s, "jjj<enter>");
    let with = s.patch.as_ref().unwrap().visible.len();
    keys(&mut s, "i");
    let v = s.patch.as_ref().unwrap();
    assert_eq!(with - v.visible.len(), 3);
}

#[test]
fn a_queue_arriving_keeps_the_selection() {
    let mut s = state();
    keys(&mut s, "jjj");
    let row = s.list.rows[s.list.selected];
    let (q, f) = sample::small_queue();
    receive(
        &mut s,
        Incoming::Queue {
            queue: q.into(),
            findings: f,
            owners: Vec::new(),
            versions: Default::default(),
            done: true,
        },
    );
    assert_eq!(s.list.rows[s.list.selected], row);
}

#[test]
fn a_queue_published_before_its_check_is_listed_and_keys_move_in_it() {
    let (q, f) = sample::small_queue();
    let mut s = AppState::new(
        crate::queue::Queue::default(),
        Vec::new(),
        "generic",
        Keymap::default_keymap(),
        Theme::new(false),
        chrono::Utc::now().fixed_offset(),
    );
    s.size = (140, 30);
    s.loading = Some(crate::tui::state::Loading {
        done: 0,
        total: None,
        what: "checking".into(),
    });
    let queue = std::sync::Arc::new(q);
    let effects = receive(
        &mut s,
        Incoming::Queue {
            queue: std::sync::Arc::clone(&queue),
            findings: Vec::new(),
            owners: Vec::new(),
            versions: Default::default(),
            done: false,
        },
    );
    assert!(
        effects.is_empty(),
        "the desk opens only when the load is done"
    );
    assert!(s.loading.is_some());
    assert!(!s.list.rows.is_empty());
    keys(&mut s, "jj");
    assert_eq!(s.list.selected, 2);
    let shown = screen(&s);
    assert!(shown.contains("checking…"), "{shown}");
    // Before the check no row says "ok" (or any count): the findings are not known yet.
    assert!(!shown.contains(" ok "), "{shown}");
    assert!(shown.contains('…'));
    // The patch opened meanwhile says its findings are still being checked.
    keys(&mut s, "<enter>");
    assert!(s.patch.is_some());
    let opened = screen(&s);
    assert!(opened.contains("checking…"), "{opened}");
    keys(&mut s, "q");
    let row = s.list.rows[s.list.selected];
    let effects = receive(
        &mut s,
        Incoming::Queue {
            queue,
            findings: f,
            owners: Vec::new(),
            versions: Default::default(),
            done: true,
        },
    );
    assert_eq!(effects, vec![Effect::OpenDesk]);
    assert!(s.loading.is_none());
    assert_eq!(s.list.rows[s.list.selected], row, "the selection stays");
    let shown = screen(&s);
    assert!(!shown.contains("checking"), "{shown}");
    assert!(
        shown.contains("E1") || shown.contains("W1") || shown.contains(" ok "),
        "{shown}"
    );
}

#[test]
fn status_picker_emits_the_picked_status_for_the_selected_patch() {
    let mut s = state();
    assert!(keys(&mut s, "jjS").is_empty());
    assert_eq!(s.context(), Context::Picker);
    let effects = keys(&mut s, "jjj<enter>");
    assert_eq!(
        effects,
        vec![Effect::SetStatus {
            target: DeskTarget::Patch(1),
            status: Status::Accepted
        }]
    );
    assert_eq!(s.overlay, Overlay::None);
    // Back closes the picker without an effect.
    assert!(keys(&mut s, "S<esc>").is_empty());
    assert_eq!(s.overlay, Overlay::None);
}

#[test]
fn deferred_asks_for_an_optional_date_and_refuses_a_bad_one() {
    let mut s = state();
    // The picker's last entry is deferred.
    assert!(keys(&mut s, "jjSG<enter>").is_empty());
    assert_eq!(
        s.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::DeferUntil(DeskTarget::Patch(1)))
    );
    assert!(keys(&mut s, "2026-13-01<enter>").is_empty());
    let error = s.prompt.as_ref().and_then(|p| p.error.clone());
    assert!(error.unwrap_or_default().contains("not a date"));
    assert_eq!(
        s.context(),
        Context::Prompt,
        "the prompt stays for another try"
    );
    let effects = keys(&mut s, "<c-u>2026-12-24<enter>");
    assert_eq!(
        effects,
        vec![Effect::SetStatus {
            target: DeskTarget::Patch(1),
            status: Status::Deferred {
                until: Some("2026-12-24".into())
            }
        }]
    );
    assert!(s.prompt.is_none());
    // Empty: deferred without a date. Esc: nothing.
    assert_eq!(
        keys(&mut s, "SG<enter><enter>"),
        vec![Effect::SetStatus {
            target: DeskTarget::Patch(1),
            status: Status::Deferred { until: None }
        }]
    );
    assert!(keys(&mut s, "SG<enter><esc>").is_empty());
    assert_eq!(s.message.as_deref(), Some("status not changed"));
}

#[test]
fn the_date_prompt_shows_the_current_deferral() {
    let mut s = state();
    let key = s.queue.patches[1].key.clone();
    let mut view = DeskView::default();
    view.statuses
        .insert(key, Status::parse("deferred:2026-12-24").unwrap());
    receive(
        &mut s,
        Incoming::Desk {
            view,
            message: None,
        },
    );
    keys(&mut s, "jjSG<enter>");
    assert_eq!(
        s.prompt.as_ref().map(|p| p.text.as_str()),
        Some("2026-12-24")
    );
}

#[test]
fn desk_results_fill_statuses_and_the_status_filter_uses_them() {
    let mut s = state();
    let key = s.queue.patches[1].key.clone();
    let mut view = DeskView::default();
    view.statuses.insert(key, Status::Accepted);
    receive(
        &mut s,
        Incoming::Desk {
            view,
            message: Some("done".into()),
        },
    );
    assert_eq!(s.status_of(1), "accepted");
    assert_eq!(s.message.as_deref(), Some("done"));
    keys(&mut s, "/status:acc<enter>");
    let shown: Vec<usize> = s
        .matches
        .as_ref()
        .unwrap()
        .iter()
        .map(|m| m.index)
        .collect();
    assert_eq!(shown, vec![1]);
}

#[test]
fn ack_asks_a_waiver_per_rule_then_plans_again_then_confirms() {
    use crate::triage::trailers::TrailerKind;
    let mut s = state();
    let effects = keys(&mut s, "jjjA");
    let ask = TrailerAsk {
        kind: TrailerKind::Acked,
        targets: vec![2],
        waivers: Vec::new(),
    };
    assert_eq!(effects, vec![Effect::PlanTrailer(ask.clone())]);
    receive(
        &mut s,
        Incoming::TrailerPlan {
            ask: ask.clone(),
            preview: vec![
                PreviewLine {
                    kind: PreviewKind::Title,
                    text: "1.2 x".into(),
                },
                PreviewLine {
                    kind: PreviewKind::Added,
                    text: "  + Acked-by: M <m@x>".into(),
                },
            ],
            unwaived: vec!["dco-missing".into(), "other-rule".into()],
        },
    );
    assert_eq!(s.context(), Context::Prompt);
    // An empty reason is refused.
    assert!(keys(&mut s, "<enter>").is_empty());
    assert_eq!(s.context(), Context::Prompt);
    assert!(keys(&mut s, "off list<enter>").is_empty());
    assert!(s.message.as_deref().unwrap_or("").contains("other-rule"));
    let effects = keys(&mut s, "known<enter>");
    let waived = TrailerAsk {
        waivers: vec![
            ("dco-missing".into(), "off list".into()),
            ("other-rule".into(), "known".into()),
        ],
        ..ask
    };
    assert_eq!(effects, vec![Effect::PlanTrailer(waived.clone())]);
    receive(
        &mut s,
        Incoming::TrailerPlan {
            ask: waived.clone(),
            preview: vec![PreviewLine {
                kind: PreviewKind::Title,
                text: "ok".into(),
            }],
            unwaived: Vec::new(),
        },
    );
    assert_eq!(s.overlay, Overlay::Confirm { scroll: 0 });
    assert_eq!(keys(&mut s, "y"), vec![Effect::AddTrailer(waived)]);
    assert!(s.confirm.is_none());
    assert_eq!(keys(&mut s, "u"), vec![Effect::Undo]);
}

#[test]
fn whole_notes_go_on_the_selected_row_or_the_open_patch() {
    let mut s = state();
    // The series row of series 1 is its cover letter (the desk makes that a series note).
    assert!(keys(&mut s, "ja").is_empty());
    assert_eq!(
        s.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::WholeNote(DeskTarget::Patch(0)))
    );
    assert_eq!(
        keys(&mut s, " merge after rc1 <enter>"),
        vec![Effect::AddWholeNote {
            target: DeskTarget::Patch(0),
            text: "merge after rc1".into()
        }]
    );
    assert!(
        keys(&mut s, "a<enter>").is_empty(),
        "an empty note is dropped"
    );
    assert_eq!(s.message.as_deref(), Some("empty note: nothing added"));
    keys(&mut s, "jj<enter>");
    assert!(keys(&mut s, "Pok<enter>").iter().any(|e| *e
        == Effect::AddWholeNote {
            target: DeskTarget::Patch(2),
            text: "ok".into()
        }));
}

/// The small queue with notes on patch 2 from the desk: one on message line 3, a
/// two-line one on the patch.
fn state_with_notes() -> AppState {
    let mut s = state();
    s.size = (100, 20);
    let key = s.queue.patches[2].key.clone();
    let mut view = DeskView::default();
    view.notes.insert(
        key,
        vec![
            NoteView::line(7, crate::policy::Part::Message, None, 3, "split this"),
            NoteView {
                id: 8,
                on: crate::tui::patch_model::NoteAnchor::Patch,
                text: "first\nsecond".into(),
            },
        ],
    );
    receive(
        &mut s,
        Incoming::Desk {
            view,
            message: None,
        },
    );
    s
}

#[test]
fn editing_a_note_prefills_the_prompt_and_saves_only_a_change() {
    let mut s = state_with_notes();
    keys(&mut s, "jjj<enter>");
    // The top shows the two-line patch note first: not for a one-line prompt.
    assert!(keys(&mut s, "c").is_empty());
    assert!(s.prompt.is_none());
    assert!(s.message.as_deref().unwrap_or("").contains("several lines"));
    assert!(
        s.message.as_deref().unwrap_or("").contains("C"),
        "{:?}",
        s.message
    );
    // Jump to the line note: `c` edits it.
    keys(&mut s, "))");
    assert_eq!(s.patch.as_ref().and_then(|v| v.note), Some(7));
    keys(&mut s, "c");
    let p = s.prompt.clone().expect("prompt");
    assert_eq!(
        (p.kind, p.text.as_str()),
        (PromptKind::EditNote(7), "split this")
    );
    assert!(
        keys(&mut s, "<enter>").is_empty(),
        "unchanged: nothing to save"
    );
    assert_eq!(s.message.as_deref(), Some("note unchanged"));
    assert!(keys(&mut s, "c<c-u><enter>").is_empty(), "empty is refused");
    assert!(
        s.prompt
            .as_ref()
            .and_then(|p| p.error.as_deref())
            .unwrap_or("")
            .contains("D deletes")
    );
    assert!(keys(&mut s, "<esc>").is_empty());
    assert!(s.prompt.is_none());
    assert_eq!(
        keys(&mut s, "c in two<enter>"),
        vec![Effect::EditNote {
            id: 7,
            text: "split this in two".into()
        }]
    );
    // In the editor: any note, its whole text.
    keys(&mut s, "(");
    assert_eq!(
        keys(&mut s, "C"),
        vec![Effect::EditNoteExternally {
            id: 8,
            text: "first\nsecond".into()
        }]
    );
}

#[test]
fn the_notes_list_opens_a_note_at_its_line_and_edits_or_deletes_it() {
    let mut s = state_with_notes();
    assert!(keys(&mut s, "L").is_empty());
    assert_eq!(s.message.as_deref(), Some("no notes in this queue yet"));
    let entry = |id: u64, place: &str, text: &str, patch: usize| NoteEntry {
        id,
        place: place.into(),
        subject: String::new(),
        text: text.into(),
        patch_key: Some(s.queue.patches[patch].key.clone()),
        patch: Some(patch),
        orphaned: false,
    };
    let mut view = DeskView {
        notes: s.notes.clone(),
        ..DeskView::default()
    };
    // Given in queue order; the list follows the queue view (the AI patch, 4, first).
    view.note_list = vec![
        entry(8, "1.2", "first\nsecond", 2),
        entry(7, "1.2 message:3", "split this", 2),
        entry(9, "2.1", "gone", 4),
    ];
    receive(
        &mut s,
        Incoming::Desk {
            view,
            message: None,
        },
    );
    let order: Vec<u64> = s.note_list.iter().map(|n| n.id).collect();
    assert_eq!(order, vec![9, 8, 7]);
    keys(&mut s, "L");
    assert_eq!(s.context(), Context::Notes);
    assert_eq!(s.overlay, Overlay::Notes { selected: 0 });
    keys(&mut s, "jj<enter>");
    let v = s.patch.as_ref().expect("patch 2 open");
    assert_eq!((v.index, v.note), (2, Some(7)));
    assert_eq!(s.note_target(), Some(7));
    let top = v.visible[v.offset];
    assert_eq!(v.model.lines[top].new, Some(3), "its line at the top");
    // From the patch view the list starts at the open patch's first note.
    keys(&mut s, "L");
    assert_eq!(s.overlay, Overlay::Notes { selected: 1 });
    assert_eq!(keys(&mut s, "D"), vec![Effect::DeleteNote(8)]);
    assert_eq!(
        keys(&mut s, "C"),
        vec![Effect::EditNoteExternally {
            id: 8,
            text: "first\nsecond".into()
        }]
    );
    keys(&mut s, "jc");
    assert_eq!(
        s.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::EditNote(7))
    );
    keys(&mut s, "<esc>");
    assert_eq!(
        s.context(),
        Context::Notes,
        "the list stays after the prompt"
    );
    keys(&mut s, "q");
    assert_eq!(s.context(), Context::Patch);
    // A note on the whole patch opens the patch at its top.
    keys(&mut s, "GL<enter>");
    let v = s.patch.as_ref().expect("patch open");
    assert_eq!((v.offset, v.note), (0, Some(8)));
}

#[test]
fn y_accepts_the_first_warned_reply_trailer_on_screen() {
    use crate::tui::patch_model::{ReplyTrailerState, ReplyTrailerView};
    let mut s = state();
    let t = |line: &str, state| ReplyTrailerView {
        line: line.into(),
        sender: "Kim <kim@example.org>".into(),
        state,
        same_name: false,
        via_cover: false,
    };
    let mut view = DeskView::default();
    view.reply_trailers.insert(
        s.queue.patches[3].key.clone(),
        vec![
            t(
                "Acked-by: Kim <kim@example.org>",
                ReplyTrailerState::Collected,
            ),
            t(
                "Reviewed-by: Kim <kim@work.example>",
                ReplyTrailerState::Warning,
            ),
        ],
    );
    receive(
        &mut s,
        Incoming::Desk {
            view,
            message: None,
        },
    );
    keys(&mut s, "jjjj<enter>");
    assert_eq!(
        keys(&mut s, "Y"),
        vec![Effect::AcceptReplyTrailer {
            patch: 3,
            line: "Reviewed-by: Kim <kim@work.example>".into()
        }]
    );
    // Patch 2 has none.
    keys(&mut s, "<lt>");
    assert!(keys(&mut s, "Y").is_empty());
    assert_eq!(
        s.message.as_deref(),
        Some("no warned reply trailer on screen")
    );
}

#[test]
fn note_prompt_anchors_to_the_top_message_line() {
    let mut s = state();
    s.size = (100, 20);
    keys(&mut s, "jjj<enter>jjjj");
    assert!(keys(&mut s, "a").is_empty());
    let effects = keys(&mut s, "split<enter>");
    let [
        Effect::AddNote {
            patch,
            part,
            file,
            line,
            text,
            interdiff: None,
        },
    ] = effects.as_slice()
    else {
        panic!("one note effect: {effects:?}");
    };
    assert_eq!(
        (*patch, *part, file.as_deref(), *line),
        (2, crate::policy::Part::Message, None, 3)
    );
    assert_eq!(text, "split");
    // Nothing to delete on a line without a note.
    assert!(keys(&mut s, "D").is_empty());
    assert_eq!(s.message.as_deref(), Some("no note on screen"));
}

/// A state whose keymap is the default with `user` (keymap file text) over it.
fn remapped(user: &str) -> AppState {
    use crate::tui::keymap::{DEFAULT_KEYMAP, Layer};
    let layers = [
        Layer {
            name: "default".into(),
            text: DEFAULT_KEYMAP.into(),
        },
        Layer {
            name: "user.toml".into(),
            text: user.into(),
        },
    ];
    let mut s = state();
    s.keymap = Keymap::from_layers(&layers).expect("keymap");
    s
}

fn export_confirm(s: &mut AppState) {
    receive(
        s,
        Incoming::ExportPreview {
            ask: ExportAsk {
                kind: ExportKind::Series,
                series: Some(1),
                target: "series-1.mbox".into(),
                ..ExportAsk::default()
            },
            lines: vec!["series 1 → series-1.mbox".into()],
            refused: None,
        },
    );
}

#[test]
fn each_modal_has_its_own_keymap_context() {
    let mut s = state();
    keys(&mut s, "jjS");
    assert_eq!(s.context(), Context::Picker);
    export_confirm(&mut s);
    assert_eq!(s.context(), Context::Export);
    s.overlay = Overlay::Confirm { scroll: 0 };
    assert_eq!(s.context(), Context::Confirm);
    let f = parse_sequence("F").unwrap();
    assert_eq!(
        s.keymap.resolve(Context::Export, &f),
        Resolution::Matched(Action::ExportForce)
    );
    for context in [Context::Picker, Context::Confirm] {
        assert_eq!(s.keymap.resolve(context, &f), Resolution::NotFound);
    }
}

#[test]
fn an_export_option_key_does_nothing_in_the_status_picker_and_works_at_the_export() {
    let mut s = state();
    keys(&mut s, "jjS");
    let picker = s.overlay;
    // `b` would ask for a branch at an apply's confirm; in the picker it is not bound.
    assert!(keys(&mut s, "Fsmtbo").is_empty());
    assert_eq!(s.overlay, picker);
    assert!(s.prompt.is_none());
    assert_eq!(s.message, None);
    keys(&mut s, "<esc>");
    export_confirm(&mut s);
    keys(&mut s, "F");
    assert!(s.export.as_ref().is_some_and(|e| e.ask.force));
}

#[test]
fn a_remapped_confirm_key_records_there_only() {
    let mut s = remapped("[confirm]\nopen = [\"r\"]\n");
    keys(&mut s, "jjS");
    // `r` is the confirm's; the status picker keeps its own keys.
    assert!(keys(&mut s, "r").is_empty());
    assert!(matches!(s.overlay, Overlay::Status { .. }));
    keys(&mut s, "<esc>");
    let ask = TrailerAsk {
        kind: crate::triage::trailers::TrailerKind::Acked,
        targets: vec![2],
        waivers: Vec::new(),
    };
    receive(
        &mut s,
        Incoming::TrailerPlan {
            ask: ask.clone(),
            preview: vec![PreviewLine {
                kind: PreviewKind::Title,
                text: "ok".into(),
            }],
            unwaived: Vec::new(),
        },
    );
    assert!(keys(&mut s, "y").is_empty(), "y is no longer the confirm's");
    assert_eq!(keys(&mut s, "r"), vec![Effect::AddTrailer(ask)]);
}

#[test]
fn the_export_options_are_refused_in_the_picker_table_of_a_keymap_file() {
    use crate::tui::keymap::Layer;
    let layers = [Layer {
        name: "user.toml".into(),
        text: "[picker]\nexport_force = [\"F\"]\n".into(),
    }];
    let err = Keymap::from_layers(&layers)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("user.toml") && err.contains("export_force"),
        "{err}"
    );
}

/// The screen's text, one line per row.
fn screen(s: &AppState) -> String {
    let buf = crate::tui::headless::draw(s, s.size).expect("drawn");
    let width = buf.area.width as usize;
    buf.content
        .chunks(width)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect()
}

#[test]
fn key_hints_follow_a_remap() {
    let mut s = remapped(
        "[confirm]\nopen = [\"r\"]\nback = [\"x\"]\n\n[export]\nexport_force = [\"X\"]\n\n\
         [prompt]\nprompt_submit = [\"<c-s>\"]\n\n[patch]\nsearch = [\"<c-r>\"]\n",
    );
    receive(
        &mut s,
        Incoming::TrailerPlan {
            ask: TrailerAsk {
                kind: crate::triage::trailers::TrailerKind::Acked,
                targets: vec![2],
                waivers: Vec::new(),
            },
            preview: vec![PreviewLine {
                kind: PreviewKind::Title,
                text: "ok".into(),
            }],
            unwaived: Vec::new(),
        },
    );
    let text = screen(&s);
    assert!(text.contains("r record  x drop"), "{text}");
    keys(&mut s, "x");
    export_confirm(&mut s);
    let text = screen(&s);
    assert!(text.contains("X replace existing: off"), "{text}");
    keys(&mut s, "q");
    keys(&mut s, "a");
    let text = screen(&s);
    assert!(text.contains("<c-s> save  <esc> cancel"), "{text}");
    keys(&mut s, "<esc><enter>n");
    assert_eq!(
        s.message.as_deref(),
        Some("no search (press <c-r> to search)")
    );
}

#[test]
fn an_action_the_table_does_not_allow_in_a_context_does_nothing_there() {
    use crate::tui::action::ACTIONS;
    for script in ["jj<enter>", "jjS", "jj<enter>L"] {
        let base = || {
            let mut s = state();
            keys(&mut s, script);
            s
        };
        let context = base().context();
        for info in ACTIONS {
            let a = info.action;
            if a.allowed_in(context) || a.allowed_in(Context::Global) {
                continue;
            }
            let (before, mut s) = (base(), base());
            assert!(update(&mut s, a).is_empty(), "{a} in {context}");
            assert_eq!(s.overlay, before.overlay, "{a} in {context}");
            assert_eq!(
                s.prompt.is_some(),
                before.prompt.is_some(),
                "{a} in {context}"
            );
            assert_eq!(s.message, before.message, "{a} in {context}");
            assert_eq!(
                s.patch.as_ref().map(|v| v.index),
                before.patch.as_ref().map(|v| v.index),
                "{a} in {context}"
            );
        }
    }
}
