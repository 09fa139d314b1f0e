//! Tests over the real patches in `../shared/corpus` (or `$PATCHDESK_CORPUS`). Each test prints
//! that it was skipped when the corpus is not there, so `cargo test` passes on a fresh clone.

mod export;
mod mail;
mod patch;
mod policy;
mod queue;
mod replies;
mod revisions;
mod triage_trailers;

use std::path::PathBuf;

/// The corpus folder, or `None` (after saying so) when it is absent.
pub fn corpus(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("PATCHDESK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("{test}: skipped: {} not found", dir.display());
        None
    }
}

/// The entries of a corpus folder's `INDEX.json`.
pub fn index(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join("INDEX.json")).expect("INDEX.json readable");
    serde_json::from_str(&text).expect("INDEX.json is JSON")
}
