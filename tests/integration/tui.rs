//! The desk driven by key scripts on a hand-built queue (`tui::sample`), snapshotted with
//! insta as text plus every styled run, so a lost highlight or colour fails a test. Also keeps
//! `keymaps/KEYS.md` equal to the keymap it documents.

use patchdesk::tui::keymap::Keymap;
use patchdesk::tui::{Options, Output, run_headless, sample};

fn options(keymap: Option<&str>, color: bool) -> Options {
    let mut o = Options::load(keymap, None).expect("shipped keymaps load");
    o.color = color;
    o.now = Some(sample::now());
    o
}

fn screen_with(keys: &str, size: (u16, u16), o: &Options) -> String {
    let (q, f) = sample::small_queue();
    run_headless(q, f, "qemu", o, keys, size, Output::Styled).expect("replay runs")
}

fn screen(keys: &str, size: (u16, u16)) -> String {
    screen_with(keys, size, &options(None, true))
}

macro_rules! snap {
    ($name:ident, $keys:expr, $size:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), screen($keys, $size));
        }
    };
}

snap!(queue_at_80x24, "", (80, 24));
snap!(queue_wide, "", (120, 20));
snap!(queue_fuzzy_filter_highlights_matches, "/ring", (100, 16));
snap!(queue_field_filter, "/has:error<enter>", (100, 16));
snap!(queue_folded_series, "j<tab>", (100, 12));
snap!(queue_sorted_by_findings, "sf", (100, 12));
snap!(queue_pending_chord, "s", (100, 12));
snap!(patch_with_inline_findings, "jjj<enter>", (100, 34));
snap!(patch_jump_to_findings, "jjj<enter>ff", (100, 34));
snap!(patch_at_80x24, "jjj<enter>", (80, 24));
snap!(patch_without_inline_messages, "jjj<enter>i", (100, 30));
snap!(patch_search_with_next, "jj<enter>/ring<enter>n", (100, 30));
snap!(patch_wrapped_at_60_columns, "jjj<enter>pw", (60, 30));
snap!(patch_file_list, "jj<enter>o", (100, 24));
snap!(patch_next_across_series, "jjj<enter>>>", (100, 24));
snap!(ai_patch_findings, "<enter>", (100, 30));
snap!(help_over_queue, "?", (100, 40));
snap!(help_over_patch, "<enter>?", (100, 40));

#[test]
fn no_color_patch_keeps_emphasis_only() {
    let out = screen_with("jjj<enter>", (100, 34), &options(None, false));
    assert!(
        !out.contains("fg=") && !out.contains("bg="),
        "colours under NO_COLOR"
    );
    insta::assert_snapshot!("no_color_patch", out);
}

#[test]
fn vim_preset_jumps_with_bracket_d() {
    let vim = screen_with("jjj<enter>]d]d", (100, 34), &options(Some("vim"), true));
    let default = screen("jjj<enter>ff", (100, 34));
    assert_eq!(vim, default);
}

#[test]
fn emacs_preset_quits_with_a_chord() {
    let o = options(Some("emacs"), true);
    // `<c-x><c-c>` quits: keys after it are not replayed.
    let quit = screen_with("<c-n><c-x><c-c><c-n>", (80, 12), &o);
    let once = screen_with("<c-n>", (80, 12), &o);
    assert_eq!(quit, once);
}

#[test]
fn keys_md_is_generated_from_the_default_keymap() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps/KEYS.md");
    let generated = format!(
        "# patchdesk keys\n\n<!-- Generated from keymaps/default.toml and the action table; \
         `PATCHDESK_BLESS=1 cargo test keys_md` rewrites it. -->\n\n{}",
        Keymap::default_keymap().to_markdown()
    );
    if std::env::var_os("PATCHDESK_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("KEYS.md written");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        committed, generated,
        "keymaps/KEYS.md is stale: run PATCHDESK_BLESS=1 cargo test keys_md"
    );
}

#[test]
fn keys_command_prints_the_effective_keymap() {
    let out = crate::patchdesk(&["keys"]);
    assert!(out.status.success(), "{}", crate::stderr(&out));
    assert_eq!(crate::stdout(&out), Keymap::default_keymap().to_text());
    let md = crate::patchdesk(&["keys", "--markdown", "--keymap", "vim"]);
    assert!(
        crate::stdout(&md).contains("| patch | `]d` `<tab>` | `next_finding` |"),
        "{}",
        crate::stdout(&md)
    );
}

#[test]
fn a_bad_keymap_is_reported_in_full_before_anything_runs() {
    let home = tempfile::tempdir().expect("temp home");
    let dir = home.path().join("config/patchdesk");
    std::fs::create_dir_all(&dir).expect("config dir");
    std::fs::write(
        dir.join("keymap.toml"),
        "[queue]\nopen = [\"<ctrl+x>\"]\nfilterr = \"x\"\n",
    )
    .expect("keymap written");
    let out = crate::patchdesk_in(home.path(), &["demo", "--keys", "q", "--print"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = crate::stderr(&out);
    assert!(err.contains("keymap: 2 problems"), "{err}");
    assert!(err.contains("keymap.toml:2: open: `<ctrl+x>`"), "{err}");
    assert!(
        err.contains("keymap.toml:3: unknown action `filterr`; did you mean `filter`?"),
        "{err}"
    );
}

/// The built-in demo queue, checked with its profile, as `patchdesk demo` shows it.
fn demo_screen(keys: &str, size: (u16, u16)) -> String {
    demo_screen_with(keys, size, &options(None, true))
}

fn demo_screen_with(keys: &str, size: (u16, u16), options: &Options) -> String {
    use patchdesk::policy::{Profile, check_queue};
    let queue = patchdesk::queue::load(&patchdesk::source::SourceSpec::Demo).expect("demo loads");
    let profile = Profile::builtin(patchdesk::demo::DEMO_PROFILE).expect("demo profile");
    let findings = check_queue(&queue, &profile);
    run_headless(
        queue,
        findings,
        &profile.name,
        options,
        keys,
        size,
        Output::Styled,
    )
    .expect("replay runs")
}

macro_rules! demo_snap {
    ($name:ident, $keys:expr, $size:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), demo_screen($keys, $size));
        }
    };
}

demo_snap!(demo_queue, "", (120, 24));
// Versions: the demo's v2 of the FIFO series against its v1 (rows 5-7 are v2's patches).
demo_snap!(
    demo_interdiff_of_a_changed_patch,
    "jjjjjj<enter>d",
    (120, 40)
);
demo_snap!(
    demo_previous_version_of_a_patch,
    "jjjjjj<enter>v",
    (120, 30)
);
demo_snap!(demo_range_diff_of_a_series, "jjjjV", (120, 40));

#[test]
fn enter_in_the_range_diff_opens_the_pair_at_the_top_line() {
    let size = (120, 30);
    let range_diff = demo_screen("jjjjV", size);
    // The range-diff's lines start on the screen's third row; `j` scrolls one line.
    let row = |n: &str| {
        (range_diff.lines())
            .position(|l| l.trim_start().starts_with(&format!("{n}:  ")))
            .unwrap_or_else(|| panic!("pair {n} in\n{range_diff}"))
    };
    let scrolled = |n: &str| format!("jjjjV{}<enter>", "j".repeat(row(n) - 2));
    // From the top (the header), Enter opens the first pair; pair 1 changed its message and
    // pair 2 its diff: each opens as its interdiff, as `d` on the patch does.
    assert_eq!(
        demo_screen("jjjjV<enter>", size),
        demo_screen("jjjjj<enter>d", size)
    );
    assert_eq!(
        demo_screen(&scrolled("1"), size),
        demo_screen("jjjjj<enter>d", size)
    );
    assert_eq!(
        demo_screen(&scrolled("2"), size),
        demo_screen("jjjjjj<enter>d", size)
    );
    // Leaving the pair goes back to the range-diff where it was opened, also after `d`
    // took the interdiff back to its patch; from there Esc leaves to the queue.
    for keys in ["<esc>", "d<esc>"] {
        assert_eq!(
            demo_screen(&format!("{}{keys}", scrolled("2")), size),
            demo_screen(&scrolled("2").replace("<enter>", ""), size),
            "{keys}"
        );
    }
    assert_eq!(
        demo_screen(&format!("{}<esc><esc>", scrolled("2")), size),
        demo_screen("jjjj", size)
    );
    // In the patch view Enter only says what it is for.
    let patch = demo_screen("jjjjj<enter><enter>", size);
    assert!(
        patch.contains("Enter opens a pair in a range-diff"),
        "{patch}"
    );
}

#[test]
fn versions_views_are_one_key_each_way() {
    let size = (120, 30);
    let patch = demo_screen("jjjjjj<enter>", size);
    assert!(patch.contains("changed since v1"), "{patch}");
    assert_eq!(demo_screen("jjjjjj<enter>dd", size), patch, "d again: back");
    assert_eq!(demo_screen("jjjjjj<enter>vv", size), patch, "v again: back");
    assert_eq!(
        demo_screen("jjjjjj<enter>d<esc>", size),
        patch,
        "esc: back to the patch"
    );
    assert_eq!(
        demo_screen("jjjjjj<enter>vd", size),
        demo_screen("jjjjjj<enter>d", size),
        "from the previous version straight to the interdiff"
    );
    let queue = demo_screen("jjjj", size);
    assert_eq!(
        demo_screen("jjjjV<esc>", size),
        queue,
        "the range-diff goes back to the queue"
    );
    // A series with one version says so, and stays where it was.
    let lone = demo_screen("<enter>d", size);
    assert!(
        lone.contains("no earlier version of this series in the queue"),
        "{lone}"
    );
    let lone = demo_screen("V", size);
    assert!(
        lone.contains("no earlier version of this series in the queue"),
        "{lone}"
    );
}

demo_snap!(
    demo_filter_open_and_jump_to_a_finding,
    "/qcow<enter><enter>>f",
    (120, 40)
);
demo_snap!(
    demo_search_in_a_patch,
    "/qcow<enter><enter>>/lo<enter>n",
    (100, 30)
);
demo_snap!(
    demo_errors_only_then_next_patch,
    "/has:error<enter><enter>>>",
    (100, 30)
);

#[test]
fn random_key_storms_never_panic_at_any_size() {
    // Every default key plus some typed text, in a fixed pseudo-random order.
    let alphabet = [
        "j", "k", "g", "G", "<enter>", "<esc>", "<tab>", "<s-tab>", "/", "n", "N", "f", "F", "]",
        "[", "}", "{", ">", "<lt>", "o", "w", "i", "p", "?", "h", "l", "-", "=", "s", "d", "a",
        "r", "<bs>", "<c-d>", "<c-u>", "<pgdn>", "<pgup>", "<c-w>", "x", "é", "E", "L", "c", "C",
        "P", "Y", "S", "D", ")", "(", "u",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for size in [(20, 5), (40, 10), (80, 24), (200, 60)] {
        let mut script = String::new();
        for _ in 0..400 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            script.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        let (q, f) = sample::small_queue();
        run_headless(
            q,
            f,
            "qemu",
            &options(None, true),
            &script,
            size,
            Output::Plain,
        )
        .expect("replay runs");
        let (q, f) = sample::big_patch(300);
        run_headless(
            q,
            f,
            "qemu",
            &options(None, false),
            &script,
            size,
            Output::Plain,
        )
        .expect("replay runs");
        let _ = demo_screen(&script, size);
    }
}

/// Replays `keys` with the desk keeping its state in `data_dir`.
fn desk_screen(keys: &str, size: (u16, u16), data_dir: &std::path::Path) -> String {
    let mut o = options(None, true);
    o.data_dir = Some(data_dir.to_path_buf());
    o.identity = Some("Mae Maintainer <mae@example.org>".into());
    screen_with(keys, size, &o)
}

#[test]
fn status_picker_over_the_selected_patch() {
    let dir = tempfile::tempdir().expect("temp data dir");
    insta::assert_snapshot!(
        "status_picker_open",
        desk_screen("jjSjjj", (100, 16), dir.path())
    );
}

#[test]
fn status_is_recorded_shown_filterable_and_kept() {
    let dir = tempfile::tempdir().expect("temp data dir");
    let set = desk_screen("jjSjjj<enter>", (100, 16), dir.path());
    insta::assert_snapshot!("status_set_accepted", set);
    // A second desk over the same data dir sees the saved status; the filter finds it.
    let filtered = desk_screen("/status:acc<enter>", (100, 12), dir.path());
    insta::assert_snapshot!("status_filtered_after_reload", filtered);
}

#[test]
fn undo_reverts_the_last_status() {
    let dir = tempfile::tempdir().expect("temp data dir");
    let screen = desk_screen("jjSjjj<enter>u", (100, 16), dir.path());
    insta::assert_snapshot!("status_undone", screen);
}

#[test]
fn without_a_data_dir_the_desk_records_nothing() {
    let screen = screen_with("jjSjjj<enter>", (100, 12), &options(None, false));
    assert!(screen.contains("no desk"), "{screen}");
}

#[test]
fn note_is_added_under_its_line_kept_and_deleted() {
    let dir = tempfile::tempdir().expect("temp data dir");
    let added = desk_screen(
        "jjj<enter>jjjjaplease split this<enter>",
        (100, 20),
        dir.path(),
    );
    insta::assert_snapshot!("note_added", added);
    // Reopened from the saved state: the note is there, `)` jumps to it, `D` deletes it.
    let jumped = desk_screen("jjj<enter>)", (100, 20), dir.path());
    assert!(jumped.contains("please split this"), "{jumped}");
    let deleted = desk_screen("jjj<enter>)D", (100, 20), dir.path());
    assert!(!deleted.contains("please split this"), "{deleted}");
    assert!(deleted.contains("deleted"), "{deleted}");
}

#[test]
fn ack_with_waiver_previews_records_marks_and_undoes() {
    let dir = tempfile::tempdir().expect("temp data dir");
    // 1.2 has an error (dco-missing): the gate asks for a waiver reason first.
    let asked = desk_screen("jjjA", (100, 16), dir.path());
    insta::assert_snapshot!("ack_asks_for_waiver", asked);
    let preview = desk_screen(
        "jjjAsent off-list by the author<enter>",
        (100, 20),
        dir.path(),
    );
    insta::assert_snapshot!("ack_preview_with_waiver", preview);
    // Nothing is recorded before the confirmation.
    let dropped = desk_screen("jjjAreason<enter><esc>", (100, 12), dir.path());
    assert!(!dropped.contains("waived"), "{dropped}");
    let recorded = desk_screen(
        "jjjAsent off-list by the author<enter>y",
        (100, 12),
        dir.path(),
    );
    insta::assert_snapshot!("ack_recorded_waived_mark", recorded);
    let undone = desk_screen("u", (100, 12), dir.path());
    assert!(
        undone.contains("nothing to undo"),
        "undo is per session: {undone}"
    );
    // The waiver is kept: a second ack goes straight to the preview; undo reverts it.
    let again = desk_screen("jjjA", (100, 16), dir.path());
    assert!(again.contains("skipped: identical"), "{again}");
    let undone = desk_screen("jjjRyu", (100, 12), dir.path());
    assert!(undone.contains("undone: Reviewed-by"), "{undone}");
}

#[test]
fn a_desk_opened_while_a_command_holds_the_queue_waits_then_says_busy() {
    let dir = tempfile::tempdir().expect("temp data dir");
    let (q, _) = sample::small_queue();
    // The desk opens shared: it is not read-only, it takes the lock only to save.
    let holder = patchdesk::triage::desk::Desk::open(dir.path(), &q).expect("first desk");
    let screen = desk_screen("", (100, 12), dir.path());
    assert!(!screen.contains("read-only"), "{screen}");
    let refused = desk_screen("jjSjjj<enter>", (100, 12), dir.path());
    assert!(refused.contains("busy"), "{refused}");
    drop(holder);
    // Nothing was recorded; with the lock free the same keys record.
    let again = desk_screen("", (100, 12), dir.path());
    assert!(!again.contains("accepted"), "{again}");
    let done = desk_screen("jjSjjj<enter>", (100, 12), dir.path());
    assert!(done.contains("accepted"), "{done}");
}

#[test]
fn export_replies_asks_the_path_previews_and_writes() {
    let dir = tempfile::tempdir().expect("temp data dir");
    let out = dir.path().join("replies.mbox");
    let out_text = out.to_str().expect("utf-8 temp path");
    // Ack 1.1 (no errors: straight to the preview), then export the series' replies.
    let keys = format!("jjAyer<c-u>{out_text}<enter>");
    let preview = desk_screen(&keys, (100, 16), dir.path());
    assert!(preview.contains("confirm to write"), "{preview}");
    assert!(preview.contains(out_text), "{preview}");
    assert!(!out.exists(), "nothing is written before the confirmation");
    let done = desk_screen("jjer<c-u>".to_string().as_str(), (100, 12), dir.path());
    assert!(done.contains("write to:"), "{done}");
    let written = desk_screen(
        &format!("jjer<c-u>{out_text}<enter>y"),
        (100, 12),
        dir.path(),
    );
    assert!(out.exists(), "{written}");
    assert!(
        written.contains(out_text),
        "the result line names the file: {written}"
    );
}

#[test]
fn nacked_patches_are_marked_in_red_in_the_queue() {
    let dir = tempfile::tempdir().expect("temp data dir");
    let mut o = options(None, true);
    o.data_dir = Some(dir.path().to_path_buf());
    insta::assert_snapshot!("demo_queue_with_nack", demo_screen_with("", (120, 16), &o));
}

#[test]
fn export_series_with_a_missing_patch_is_refused_until_allowed_at_the_confirm() {
    let dir = tempfile::tempdir().expect("temp data dir");
    let out = dir.path().join("series.mbox");
    let mut o = options(None, true);
    o.data_dir = Some(dir.path().to_path_buf());
    o.identity = Some("Mae Maintainer <mae@example.org>".into());
    let run = |keys: &str| demo_screen_with(keys, (100, 16), &o);
    // The demo's first series lacks patch 2 of 3.
    let keys = format!("jes<c-u>{}<enter>", out.display());
    let screen = run(&keys);
    assert!(screen.contains("confirm to write"), "{screen}");
    assert!(
        screen.contains("refused:") && screen.contains("lacks patch 2 of 3"),
        "{screen}"
    );
    assert!(screen.contains("allow missing: off"), "{screen}");
    let pressed = run(&format!("{keys}y"));
    assert!(pressed.contains("nothing written"), "{pressed}");
    assert!(!out.exists());
    // `m` allows the gap and `s` adds the sign-off: the preview lists what did arrive.
    let allowed = run(&format!("{keys}ms"));
    assert!(!allowed.contains("refused:"), "{allowed}");
    // The temp dir's name changes each run: the snapshot shows it as $TMP.
    let stable = allowed.replace(&dir.path().display().to_string(), "$TMP");
    insta::assert_snapshot!("export_confirm_with_options", stable);
    let written = run(&format!("{keys}msy"));
    assert!(written.contains("wrote 2 patches"), "{written}");
    let text = std::fs::read_to_string(&out).expect("series written");
    assert_eq!(
        text.matches("Signed-off-by: Mae Maintainer <mae@example.org>")
            .count(),
        2
    );
    // An option the export does not take is named, not silently ignored.
    let branch = run(&format!("{keys}b"));
    assert!(
        branch.contains("branch is not an option of export series"),
        "{branch}"
    );
}

#[test]
fn the_patch_view_header_shows_the_status_and_the_waiver() {
    let dir = tempfile::tempdir().expect("temp data dir");
    desk_screen("jjjAoff-list<enter>y", (100, 12), dir.path());
    let screen = desk_screen("jjjSjjj<enter><enter>", (100, 12), dir.path());
    insta::assert_snapshot!("patch_header_desk_marks", screen);
}

/// The queue row of the patch titled `title` on a plain screen.
fn row_of<'a>(screen: &'a str, title: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(title))
        .unwrap_or_else(|| panic!("no row for {title}:\n{screen}"))
}

#[test]
fn the_review_counts_include_the_maintainers_recorded_trailers_once() {
    let dir = tempfile::tempdir().expect("temp data dir");
    let title = "net: rename ring_len to ring_size";
    // 1.1: Reviewed-by Grace in the patch, Tested-by Grace on the cover letter.
    let before = desk_screen("", (100, 12), dir.path());
    assert!(row_of(&before, title).contains("· 1 1"), "{before}");
    // Mae's Reviewed-by, recorded at the desk, is a second reviewer.
    let reviewed = desk_screen("jjRy", (100, 12), dir.path());
    assert!(row_of(&reviewed, title).contains("· 2 1"), "{reviewed}");
    // A new desk over the saved state counts it too, and Mae's Tested-by joins.
    let tested = desk_screen("jjTy", (100, 12), dir.path());
    assert!(row_of(&tested, title).contains("· 2 2"), "{tested}");
    let undone = desk_screen("jjAyu", (100, 12), dir.path());
    assert!(row_of(&undone, title).contains("· 2 2"), "{undone}");
    assert!(undone.contains("undone: Acked-by"), "{undone}");
}

#[test]
fn grace_recording_her_own_review_again_is_not_a_second_review() {
    let dir = tempfile::tempdir().expect("temp data dir");
    let mut o = options(None, false);
    o.data_dir = Some(dir.path().to_path_buf());
    // Grace's own Tested-by came on the cover letter; recorded again by her at the desk on
    // 1.2 (not the same patch's message): still one tester.
    o.identity = Some("Grace Hopper <GRACE@example.org>".into());
    let screen = screen_with("jjjTy", (100, 12), &o);
    assert!(
        row_of(&screen, "net: free the ring on error").contains("1 · 1"),
        "{screen}"
    );
}

#[test]
fn deferred_with_an_until_date_is_shown_in_the_queue_and_the_header() {
    let dir = tempfile::tempdir().expect("temp data dir");
    // 1.1 deferred to Christmas; 1.2 deferred until today (due: shown in the due colour).
    let screen = desk_screen(
        "jjSG<enter>2026-12-24<enter>jSG<enter>2026-11-20<enter>",
        (100, 12),
        dir.path(),
    );
    insta::assert_snapshot!("status_deferred_until", screen);
    let header = desk_screen("jj<enter>", (100, 6), dir.path());
    assert!(header.contains("deferred until 2026-12-24"), "{header}");
    // A bad date is refused and nothing is recorded.
    let bad = desk_screen("jjjjSG<enter>24.12.2026<enter>", (100, 12), dir.path());
    assert!(bad.contains("not a date"), "{bad}");
    assert!(
        !row_of(&bad, "net: document the ring").contains("def"),
        "{bad}"
    );
}

#[test]
fn notes_on_a_series_and_a_patch_are_marked_in_the_queue_and_shown_on_top() {
    let dir = tempfile::tempdir().expect("temp data dir");
    // `a` on the series row (its cover letter): a series note; on 1.1: a patch note.
    let queue = desk_screen(
        "jamerge after rc1<enter>japing the author<enter>",
        (100, 12),
        dir.path(),
    );
    insta::assert_snapshot!("whole_notes_queue_marks", queue);
    // 1.2 shows the series note on top; `P` adds its own patch note under it.
    let patch = desk_screen("jjj<enter>Pneeds a test<enter>", (100, 14), dir.path());
    insta::assert_snapshot!("whole_notes_in_the_patch_view", patch);
    // `D` on the top deletes the series note (the first note on top).
    let deleted = desk_screen("jjj<enter>D", (100, 14), dir.path());
    assert!(!deleted.contains("merge after rc1"), "{deleted}");
    assert!(deleted.contains("needs a test"), "{deleted}");
}

#[test]
fn a_note_is_edited_in_a_prompt_filled_with_its_text() {
    let dir = tempfile::tempdir().expect("temp data dir");
    desk_screen(
        "jjj<enter>jjjjaplease split this<enter>",
        (100, 20),
        dir.path(),
    );
    // `)` jumps to the note, `c` opens it for editing with its text.
    let open = desk_screen("jjj<enter>)c", (100, 20), dir.path());
    assert!(
        open.contains("edit note: please split this"),
        "the prompt holds the old text: {open}"
    );
    let edited = desk_screen("jjj<enter>)c<c-w>it in two<enter>", (100, 20), dir.path());
    insta::assert_snapshot!("note_edited_inline", edited);
    // Esc keeps the text; the new one is what the next desk sees.
    let kept = desk_screen("jjj<enter>)cxyz<esc>", (100, 20), dir.path());
    assert!(kept.contains("please split it in two"), "{kept}");
    assert!(kept.contains("note unchanged"), "{kept}");
}

#[test]
fn headless_replay_never_starts_an_editor() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().expect("temp home");
    let marker = home.path().join("editor-ran");
    let editor = home.path().join("editor.sh");
    std::fs::write(
        &editor,
        format!("#!/bin/sh\ntouch '{}'\n", marker.display()),
    )
    .expect("editor written");
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let env = [
        ("VISUAL", editor.as_os_str()),
        ("EDITOR", editor.as_os_str()),
    ];
    // Open a patch, add a note, ask for the editor on it.
    let args = [
        "demo",
        "--keys",
        "j<enter>jjjahello<enter>C",
        "--print",
        "--size",
        "100x16",
    ];
    let out = crate::patchdesk_env(home.path(), &args, None, &env);
    assert!(out.status.success(), "{}", crate::stderr(&out));
    let screen = crate::stdout(&out);
    assert!(screen.contains("no editor without a terminal"), "{screen}");
    assert!(screen.contains("✎ hello"), "{screen}");
    assert!(!marker.exists(), "the editor ran in headless mode");
}

#[test]
fn the_notes_list_shows_every_note_and_jumps_to_one() {
    let dir = tempfile::tempdir().expect("temp data dir");
    desk_screen("jamerge after rc1<enter>", (100, 12), dir.path());
    desk_screen(
        "jjj<enter>jjjjaplease split this<enter>",
        (100, 20),
        dir.path(),
    );
    desk_screen(
        "jjjjadocument the ring size too<enter>",
        (100, 12),
        dir.path(),
    );
    // At 80x24 the list fits, in queue order, with where each note is.
    let list = desk_screen("L", (80, 24), dir.path());
    insta::assert_snapshot!("notes_list_at_80x24", list);
    // Enter opens 1.2 with the note's line at the top, its mark reversed (the target).
    let opened = desk_screen("Lj<enter>", (80, 24), dir.path());
    insta::assert_snapshot!("notes_list_opened_a_line_note", opened);
    // D deletes the selected note from the list; the list stays open.
    let deleted = desk_screen("LjD", (80, 24), dir.path());
    assert!(!deleted.contains("please split this"), "{deleted}");
    assert!(deleted.contains("notes (2)"), "{deleted}");
    assert!(deleted.contains("note deleted"), "{deleted}");
}

#[test]
fn a_warned_reply_trailer_is_shown_accepted_and_undone() {
    let dir = tempfile::tempdir().expect("temp data dir");
    // 1.3: Kim's Reviewed-by names another address than the one Kim sent from.
    let shown = desk_screen("jjjj<enter>", (100, 16), dir.path());
    insta::assert_snapshot!("reply_trailer_warning", shown);
    let accepted = desk_screen("jjjj<enter>Y", (100, 16), dir.path());
    insta::assert_snapshot!("reply_trailer_accepted", accepted);
    // Kept by the desk; nothing more to accept; the export takes it (see the desk tests).
    let again = desk_screen("jjjj<enter>Y", (100, 16), dir.path());
    assert!(
        again.contains("no warned reply trailer on screen"),
        "{again}"
    );
    assert!(again.contains("accepted)"), "{again}");
    // Counted once accepted: 1.3's row had A R T = 1 · 1, the queue not counting a trailer
    // that names someone else than its sender.
    let row = |screen: &str| {
        screen
            .lines()
            .find(|l| l.contains("net: document the ring"))
            .map(str::to_string)
            .unwrap_or_default()
    };
    let fresh = tempfile::tempdir().expect("temp data dir");
    assert!(row(&desk_screen("", (100, 16), fresh.path())).contains("1 · 1 ok"));
    assert!(
        row(&desk_screen("", (100, 16), dir.path())).contains("1 1 1 ok"),
        "{}",
        desk_screen("", (100, 16), dir.path())
    );
    // Undo in the session that accepted it.
    let dir2 = tempfile::tempdir().expect("temp data dir");
    let undone = desk_screen("jjjj<enter>Yu", (100, 16), dir2.path());
    assert!(
        undone.contains("undone: accept 'Reviewed-by: Kim"),
        "{undone}"
    );
    assert!(undone.contains("Y accepts"), "{undone}");
    // 1.1 shows the Tested-by that came on the cover letter as collected.
    let collected = desk_screen("jj<enter>", (100, 24), dir.path());
    assert!(
        collected
            .contains("Tested-by: Grace Hopper <grace@example.org>  (reply to the cover letter)"),
        "{collected}"
    );
}

#[test]
fn help_says_undo_reaches_this_session_only() {
    for keys in ["?G", "<enter>?G"] {
        let help = screen(keys, (100, 40));
        assert!(
            help.contains("u                  undoes this session's changes only (each is saved)"),
            "{help}"
        );
    }
}
