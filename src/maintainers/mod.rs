//! Whose patch is it: a project's `MAINTAINERS` file read the way the project's own
//! `scripts/get_maintainer.pl --no-git --no-git-fallback` reads it.
//!
//! [`Maintainers::load`] reads `TREE/MAINTAINERS`; [`Maintainers::lookup`] answers, for
//! the files a patch touches and the lines it adds or removes, which sections cover it and
//! who (people of every role, then lists) should see it, in the script's order and with
//! the script's role strings. Two dialects: Linux's script (which U-Boot uses) and QEMU's,
//! which differ in small ways (see [`Dialect`]). Errors in the file never stop the reading:
//! each is listed with file and line, and the rest is used.

mod lookup;
#[cfg(test)]
mod oracle_tests;
mod parse;
mod pattern;
mod scan;

pub use lookup::{Lookup, Person};
pub use parse::{Dialect, Maintainers, MaintainersError};
pub use scan::{PatchScan, scan_patch, scan_text};
