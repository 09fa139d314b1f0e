//! The queue's query stage: what each patch looks like to the list and the filter
//! ([`summary`]), whose patch it is ([`owners`]), and the one query language with its one
//! matcher ([`filter`]) that the desk's filter prompt and `list`/`check --filter` share, so a
//! query means the same wherever it is typed.

pub mod filter;
pub mod owners;
pub mod summary;

pub use filter::{Filter, Match, Query};
pub use owners::{Mine, owners_of};
pub use summary::{Summary, summarise};
