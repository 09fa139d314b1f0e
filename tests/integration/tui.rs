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
