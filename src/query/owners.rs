//! Whose patch it is: each patch's MAINTAINERS sections and people ([`owners_of`], on the
//! loader's thread, never the key path), and "mine" ([`Mine`]): the maintainer's own
//! addresses (the identity's email and `[maintainers] mine` of the config).
//!
//! A patch is mine when one of those addresses is among its people or lists of any role. With
//! no MAINTAINERS file known (no `--tree`), a patch is mine when it is addressed to one of them
//! (To or Cc), which is the best a mailbox alone can say.

use super::summary::Summary;
use crate::maintainers::{Lookup, Maintainers, scan_patch};
use crate::patch::Patch;
use crate::queue::Queue;

/// The maintainer's own addresses, lower-cased.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mine {
    addresses: Vec<String>,
}

impl Mine {
    /// From any addresses (`Name <email>` or bare emails); empty ones are dropped.
    pub fn new<'a>(addresses: impl IntoIterator<Item = &'a str>) -> Mine {
        let mut out: Vec<String> = addresses
            .into_iter()
            .map(|a| bare_email(a).to_lowercase())
            .filter(|a| !a.is_empty())
            .collect();
        out.sort();
        out.dedup();
        Mine { addresses: out }
    }

    /// True when no address is known (so nothing is mine).
    pub fn is_empty(&self) -> bool {
        self.addresses.is_empty()
    }

    /// The addresses, lower-cased and sorted.
    pub fn addresses(&self) -> &[String] {
        &self.addresses
    }

    /// Is `email` one of mine (case-insensitive)?
    pub fn has(&self, email: &str) -> bool {
        let email = email.trim().to_lowercase();
        self.addresses.binary_search(&email).is_ok()
    }

    /// Is this patch mine: one of its MAINTAINERS people or lists (when `lookup` is known),
    /// else one of its To/Cc addresses?
    pub fn owns(&self, patch: &Patch, lookup: Option<&Lookup>) -> bool {
        if self.is_empty() {
            return false;
        }
        match lookup {
            Some(l) => l.people.iter().any(|p| self.has(&p.email)),
            None => patch
                .mail
                .to
                .iter()
                .chain(&patch.mail.cc)
                .any(|a| self.has(&a.email)),
        }
    }
}

/// The address inside `Name <email>`, or the text itself.
fn bare_email(text: &str) -> &str {
    match (text.rfind('<'), text.rfind('>')) {
        (Some(a), Some(b)) if a < b => text[a + 1..b].trim(),
        _ => text.trim(),
    }
}

/// Every patch's sections and people, indexed like `queue.patches` (in parallel).
pub fn owners_of(queue: &Queue, maintainers: &Maintainers) -> Vec<Lookup> {
    use rayon::prelude::*;
    queue
        .patches
        .par_iter()
        .with_min_len(64)
        .map(|p| maintainers.lookup(&scan_patch(p)))
        .collect()
}

/// Fills the summaries' ownership fields: sections and people to filter on (when `owners`
/// is not empty) and the "mine" mark.
pub fn apply(summaries: &mut [Summary], queue: &Queue, owners: &[Lookup], mine: &Mine) {
    for (i, s) in summaries.iter_mut().enumerate() {
        let lookup = owners.get(i);
        if let Some(l) = lookup {
            s.sections_lower = l.sections.iter().map(|t| t.to_lowercase()).collect();
            s.people_lower = l
                .people
                .iter()
                .map(|p| format!("{} <{}>", p.name, p.email).to_lowercase())
                .collect();
        } else {
            s.sections_lower.clear();
            s.people_lower.clear();
        }
        s.mine = queue.patches.get(i).is_some_and(|p| mine.owns(p, lookup));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_compared_bare_and_without_case() {
        let mine = Mine::new(["Ada Lovelace <Ada@Example.org>", " kim@example.org ", ""]);
        assert_eq!(mine.addresses(), ["ada@example.org", "kim@example.org"]);
        assert!(mine.has("ADA@example.org"));
        assert!(!mine.has("grace@example.org"));
        assert!(Mine::new([]).is_empty());
    }
}
