//! A series across its versions: which series of a queue are versions of one another
//! ([`families`]), which patch of the older version became which of the newer, as
//! `git range-diff` pairs them ([`pairing`], over [`assignment`]), and the interdiff of a
//! changed pair ([`interdiff`]). Domain code: no ratatui.

pub mod assignment;
pub mod families;
pub mod interdiff;
pub mod pairing;

pub use families::{Families, link};
pub use pairing::{Change, Pair, pair};
