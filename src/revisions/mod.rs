//! A series across its versions: which series of a queue are versions of one another
//! ([`families`]), which patch of the older version became which of the newer, as
//! `git range-diff` pairs them ([`pairing`], over [`assignment`]), the interdiff of a
//! changed pair ([`interdiff`]), the findings new, fixed or kept in each pair ([`carry`]),
//! reviews that no longer cover what they name ([`stale`]), and all series of a queue at
//! once for the views ([`versions`]), earlier versions from the archive of reviewed patches
//! beside the loaded queue ([`older`]), and the range-diff as text ([`text`]),
//! and all of it for one series against another ([`compare`]). Domain code: no ratatui.

pub mod assignment;
pub mod carry;
pub mod compare;
pub mod families;
pub mod interdiff;
pub mod older;
pub mod pairing;
pub mod stale;
pub mod text;
pub mod versions;

pub use compare::{PairReport, Revision, compare};
pub use families::{Families, link};
pub use pairing::{Change, Pair, pair};
pub use versions::{PatchVersion, Versions};
