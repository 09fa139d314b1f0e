//! Key-press latency of the desk: each key is resolved, applied with `update` and the screen
//! rendered to a test backend (120×40), timed together. Scenarios: scrolling the queue list,
//! typing in the filter (each keystroke re-filters; backspace re-filters every subject),
//! opening a patch with a 5,000-line diff and scrolling it. Prints p50/p99/max per scenario.
//!
//! The queue is 20,000 synthetic patches (`tui::sample::synthetic_queue`), or the mbox named
//! by `PATCHDESK_BENCH_MBOX` when set (read with `queue::load`, no findings).
//! Run: `cargo bench --bench tui`.

use patchdesk::tui::key::{KeyChord, parse_sequence};
use patchdesk::tui::keymap::Keymap;
use patchdesk::tui::render::render;
use patchdesk::tui::sample;
use patchdesk::tui::state::AppState;
use patchdesk::tui::theme::Theme;
use patchdesk::tui::update::{Incoming, handle_key, receive};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

/// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SIZE: (u16, u16) = (120, 40);

fn state(
    queue: patchdesk::queue::Queue,
    findings: Vec<Vec<patchdesk::policy::Finding>>,
) -> AppState {
    let mut s = AppState::new(
        queue,
        findings,
        "bench",
        Keymap::default_keymap(),
        Theme::new(true),
        sample::now(),
    );
    receive(&mut s, Incoming::Resize(SIZE.0, SIZE.1));
    s
}

fn keys(script: &str) -> Vec<KeyChord> {
    parse_sequence(script).unwrap_or_default()
}

/// Times each key of `script` (update + render), after `setup` keys that are not timed.
fn time_keys(state: &mut AppState, setup: &str, script: &[KeyChord]) -> Vec<Duration> {
    let mut terminal = match Terminal::new(TestBackend::new(SIZE.0, SIZE.1)) {
        Ok(t) => t,
        Err(e) => panic!("test backend: {e}"),
    };
    for k in keys(setup) {
        handle_key(state, k);
    }
    let _ = terminal.draw(|f| render(state, f));
    let mut times = Vec::with_capacity(script.len());
    for &k in script {
        let t = Instant::now();
        handle_key(state, k);
        let _ = terminal.draw(|f| render(state, f));
        times.push(t.elapsed());
    }
    times
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let pick = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<44} n={:<6} p50={:>7.3} ms  p99={:>7.3} ms  max={:>7.3} ms",
        times.len(),
        ms(pick(0.5)),
        ms(pick(0.99)),
        ms(pick(1.0))
    );
}

fn main() {
    let t = Instant::now();
    let (queue, findings) = match std::env::var_os("PATCHDESK_BENCH_MBOX") {
        Some(path) => {
            let spec = patchdesk::source::SourceSpec::Path(path.into());
            match patchdesk::queue::load(&spec) {
                Ok(q) => {
                    let n = q.patches.len();
                    (q, vec![Vec::new(); n])
                }
                Err(e) => panic!("PATCHDESK_BENCH_MBOX: {e}"),
            }
        }
        None => sample::synthetic_queue(20_000),
    };
    let n = queue.patches.len();
    let mut s = state(queue, findings);
    println!(
        "queue: {n} patches, {} rows; desk state built in {:.1} ms",
        s.list.rows.len(),
        t.elapsed().as_secs_f64() * 1000.0
    );

    // Scrolling the list: down 2,000 rows, pages, to the bottom and back.
    let mut script = keys(&"j".repeat(2000));
    script.extend(keys(&"<pgdn>".repeat(200)));
    script.extend(keys("G"));
    script.extend(keys(&"k".repeat(500)));
    script.extend(keys("g"));
    report(
        "queue: scroll (j, pgdn, G, k, g)",
        time_keys(&mut s, "", &script),
    );

    // Typing in the filter: each keystroke re-filters; typing more narrows the last result,
    // backspace widens it again (a full pass over every subject).
    let typed = "ring buffer";
    let mut typing = Vec::new();
    let mut backspace = Vec::new();
    for _ in 0..20 {
        typing.extend(time_keys(
            &mut s,
            "/",
            &keys(&typed.replace(' ', "<space>")),
        ));
        backspace.extend(time_keys(&mut s, "", &keys(&"<bs>".repeat(typed.len()))));
        time_keys(&mut s, "<esc>", &[]);
    }
    report("filter: type a character (narrowing)", typing);
    report("filter: backspace (re-filter all subjects)", backspace);
    // Each first character four times, the desk's cache of recent results emptied each
    // time, so every sample filters all 20,000 subjects.
    let mut first = Vec::new();
    for c in "aerxntsiomdclupvbfghkwyz".chars().cycle().take(96) {
        s.filter_cache.clear();
        let k = [KeyChord::char(c)];
        first.extend(time_keys(&mut s, "/", &k));
        time_keys(&mut s, "<esc>", &[]);
    }
    report("filter: first character over all subjects", first);
    let mut fields = Vec::new();
    for _ in 0..4 {
        for q in ["has:error", "author:ada", "rule:ai-"] {
            s.filter_cache.clear();
            fields.extend(time_keys(&mut s, "/", &keys(q)));
            time_keys(&mut s, "<esc>", &[]);
        }
    }
    report("filter: field terms", fields);

    // Where a first keystroke's time goes: filtering, rebuilding the tree, drawing.
    let mut filter_t = Vec::new();
    let mut rebuild_t = Vec::new();
    let mut draw_t = Vec::new();
    let mut terminal = match Terminal::new(TestBackend::new(SIZE.0, SIZE.1)) {
        Ok(t) => t,
        Err(e) => panic!("test backend: {e}"),
    };
    for c in "aerntsiomdclupvbfghkwyz".chars().cycle().take(92) {
        let query = patchdesk::tui::filter::Query::parse(&c.to_string());
        let t = Instant::now();
        let m = s
            .filter
            .run(&s.summaries, 0..s.summaries.len(), &|_| "", &query);
        filter_t.push(t.elapsed());
        let t = Instant::now();
        s.list.rebuild(&s.queue, &s.summaries, Some(&m));
        rebuild_t.push(t.elapsed());
        s.query = query;
        let t = Instant::now();
        let _ = terminal.draw(|f| render(&s, f));
        draw_t.push(t.elapsed());
    }
    report("  phase: filter.run, one character", filter_t);
    report("  phase: list.rebuild", rebuild_t);
    report("  phase: render", draw_t);
    time_keys(&mut s, "<esc>", &[]);

    // A patch with a 5,000-line diff.
    let (big, big_findings) = sample::big_patch(5000);
    let mut b = state(big, big_findings);
    // The very first open runs on a cold heap and caches: reported on its own.
    report(
        "patch: first open of the 5,000-line diff (cold)",
        time_keys(&mut b, "", &keys("<enter>")),
    );
    time_keys(&mut b, "q", &[]);
    let mut open = Vec::new();
    for _ in 0..30 {
        open.extend(time_keys(&mut b, "", &keys("<enter>")));
        time_keys(&mut b, "q", &[]);
    }
    report("patch: open a 5,000-line diff", open);
    let mut script = keys(&"j".repeat(2000));
    script.extend(keys(&"<pgdn>".repeat(150)));
    script.extend(keys(&"f".repeat(100)));
    script.extend(keys(&"]".repeat(5)));
    script.extend(keys("Gg"));
    report(
        "patch: scroll and jump (j, pgdn, f, G, g)",
        time_keys(&mut b, "<enter>", &script),
    );
    report(
        "patch: search `line 4` then n",
        time_keys(&mut b, "g", &keys("/line<space>4<enter>nnnnnnnnnn")),
    );
    report(
        "patch: wrap on, scroll",
        time_keys(&mut b, "wg", &keys(&"<pgdn>".repeat(100))),
    );
}
