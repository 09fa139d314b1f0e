use patchdesk::tui::filter::{Filter, Query};
use patchdesk::tui::{sample, summary};
use std::time::Instant;
fn main() {
    let (q, f) = sample::synthetic_queue(20_000);
    let s = summary::summarise(&q, &f);
    let filter = Filter::default();
    for text in ["a", "r", "ring", "has:error"] {
        let query = Query::parse(text);
        let t = Instant::now();
        let m = filter.run(&s, 0..s.len(), &|_| String::new(), &query);
        println!(
            "run {text:?}: {} matches in {:.2} ms",
            m.len(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let mut st = patchdesk::tui::state::AppState::new(
        q,
        f,
        "p",
        patchdesk::tui::keymap::Keymap::default_keymap(),
        patchdesk::tui::theme::Theme::new(true),
        sample::now(),
    );
    for text in ["a", "ar", "r", "has:error", ""] {
        st.query_text = text.into();
        let t = Instant::now();
        st.refilter(true);
        println!(
            "refilter {text:?}: {:.2} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
}
