//! The desk's decisions and memory: review status, notes anchored to lines, the maintainer's
//! own trailers (with a preview by git's rules and undo), the compliance gate with its
//! waivers, trailers collected from replies, and the store that keeps all of it on disk —
//! versioned, atomic, locked, carried over to re-rolled series.
//!
//! [`desk::Desk`] is the one API the TUI and the command line call; nothing here imports
//! ratatui or crossterm. Effects on the outside world (spawning `$EDITOR`, reading git
//! config) are small functions the caller invokes explicitly.

pub mod desk;
pub mod gate;
pub mod identity;
pub mod notes;
pub mod replies;
pub mod status;
pub mod store;
pub mod trailer_rules;
pub mod trailers;
