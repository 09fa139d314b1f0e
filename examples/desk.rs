//! Runs the desk on a built-in sample queue, before the CLI exists:
//! `cargo run --example desk -- [small|synthetic N|big N] [--keys KEYS --print[=ansi|styled]]
//! [--size WxH] [--keymap NAME|FILE]`.

use patchdesk::tui::{self, Options, Output, keymap, sample};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut keys = None;
    let mut print = None;
    let mut size = (120u16, 40u16);
    let mut keymap_spec = None;
    let mut which = "small".to_string();
    let mut n = 20_000usize;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "--keys" => {
                i += 1;
                keys = args.get(i).cloned();
            }
            "--print" => print = Some(Output::Plain),
            "--print=ansi" => print = Some(Output::Ansi),
            "--print=styled" => print = Some(Output::Styled),
            "--size" => {
                i += 1;
                if let Some((w, h)) = args.get(i).and_then(|s| s.split_once('x')) {
                    size = (w.parse().unwrap_or(120), h.parse().unwrap_or(40));
                }
            }
            "--keymap" => {
                i += 1;
                keymap_spec = args.get(i).cloned();
            }
            "small" | "synthetic" | "big" => which = a.clone(),
            other => n = other.parse().unwrap_or(n),
        }
        i += 1;
    }
    let options = match Options::load(
        keymap_spec.as_deref(),
        keymap::user_keymap_path().as_deref(),
    ) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let mut options = options;
    options.now = Some(sample::now());
    let (queue, findings) = match which.as_str() {
        "synthetic" => sample::synthetic_queue(n),
        "big" => sample::big_patch(n),
        _ => sample::small_queue(),
    };
    let result = match (keys, print) {
        (keys, Some(output)) => tui::run_headless(
            queue,
            findings,
            "sample",
            &options,
            keys.as_deref().unwrap_or(""),
            size,
            output,
        )
        .map(|s| print!("{s}")),
        _ => tui::run_loading("sample", "sample", &options, move |p| {
            p.progress(0, Some(1), "building");
            Ok((queue, findings))
        }),
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(2);
    }
}
