//! The rules, by family. Each family module exposes `check(&mut Ctx)`, which looks at one
//! patch and emits findings through the context (which knows the profile's severities).

pub mod ai;
pub mod ai_bots;
pub mod bidi;
pub mod dco;
pub mod license;
pub mod maintainers_cc;
pub mod style;
pub mod trailer;
pub mod util;
