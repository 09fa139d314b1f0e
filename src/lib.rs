//! patchdesk: a keyboard-driven terminal desk for triaging patches that arrive by mail.
//!
//! Data flows one way, left to right; a module knows only the modules to its left.
//!
//! ```text
//! bytes of a source ──► mail::Message ──► patch::Patch ──► queue::Queue ──► policy::Finding
//!  (source: mbox,       headers decoded,   subject tags,     series, covers,    per patch, each
//!   maildir, *.patch,   body text          commit message,   replies and the    with an exact
//!   quilt, git range,                      trailers, notes,  trailers they      location
//!   public-inbox)                          diff hunks        carry
//!                                                  │
//!                           triage::Desk ◄─────────┘   status, notes, trailers to add, waivers
//!                                │
//!             ┌──────────────────┼───────────────────┐
//!           tui (ratatui)     cli (text/json)     export (mbox, git2)
//! ```
//!
//! Nothing outside [`tui`] imports ratatui or crossterm.

pub mod cache;
pub mod cli;
pub mod demo;
pub mod error;
pub mod export;
pub mod fsutil;
pub mod fuzzing;
pub mod hash;
pub mod mail;
pub mod maintainers;
pub mod patch;
pub mod policy;
pub mod progress;
pub mod query;
pub mod queue;
pub mod revisions;
pub mod safe;
pub mod source;
pub mod text;
pub mod triage;
pub mod tui;

pub use error::{Error, Result};
