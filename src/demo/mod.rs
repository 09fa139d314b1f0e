//! The built-in demo queue: a small, realistic mbox written for this project and embedded in
//! the binary, so `patchdesk demo` and `--demo` work on a fresh machine.
//!
//! It holds a fictional emulator's list traffic: a three-patch series whose patch 2 lacks a
//! Signed-off-by, reviewed on the list and re-rolled as v2 (in reply to v1, with a style slip);
//! a two-patch series whose first patch carries Claude Code's co-author trailer and footer
//! (and a NACK for it); a lone patch from an author with a non-ASCII name and a malformed
//! Fixes tag; and a series of three of which patch 2 never arrived.

/// The demo mbox's bytes.
pub const DEMO_MBOX: &str = include_str!("demo.mbox");

/// The profile the demo is meant to be read with: its project follows QEMU's rules.
pub const DEMO_PROFILE: &str = "qemu";
