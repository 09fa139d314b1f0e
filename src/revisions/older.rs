//! Earlier versions kept outside the loaded queue — the series of the archive of reviewed
//! patches — compared as if they were in it. The archive's queue is appended to the loaded
//! one for linking and comparing, then split off again, so nothing of the (possibly
//! 20,000-patch) loaded queue is copied and its positions hold: positions from the loaded
//! queue's lengths on name the archive's patches and series ([`Both`] reads either).

use super::families::link;
use super::versions::Versions;
use crate::patch::Patch;
use crate::policy::Finding;
use crate::queue::{Queue, Reply, Series};

/// Patches and series by position, in one queue or across the loaded one and [`Older`].
pub trait Lookup {
    fn patch(&self, i: usize) -> Option<&Patch>;
    fn series(&self, k: usize) -> Option<&Series>;
    /// Whether series `k` comes from the archive of reviewed patches.
    fn archived(&self, _k: usize) -> bool {
        false
    }
    /// The replies (the archive keeps none).
    fn replies(&self) -> &[Reply] {
        &[]
    }
}

impl Lookup for Queue {
    fn patch(&self, i: usize) -> Option<&Patch> {
        self.patches.get(i)
    }
    fn series(&self, k: usize) -> Option<&Series> {
        self.series.get(k)
    }
    fn replies(&self) -> &[Reply] {
        &self.replies
    }
}

/// The archive's series that are earlier versions of loaded ones, at positions after the
/// loaded queue's (`patches_from`, `series_from`); their series name patches by those
/// positions too.
#[derive(Debug, Clone, Default)]
pub struct Older {
    pub patches_from: usize,
    pub series_from: usize,
    pub patches: Vec<Patch>,
    pub series: Vec<Series>,
    /// The findings of `patches`, in their order.
    pub findings: Vec<Vec<Finding>>,
}

impl Older {
    /// Patch `i` (a position at or after `patches_from`).
    pub fn patch(&self, i: usize) -> Option<&Patch> {
        self.patches.get(i.checked_sub(self.patches_from)?)
    }
    /// Series `k` (a position at or after `series_from`).
    pub fn series(&self, k: usize) -> Option<&Series> {
        self.series.get(k.checked_sub(self.series_from)?)
    }
    /// The findings of patch `i`.
    pub fn findings(&self, i: usize) -> &[Finding] {
        i.checked_sub(self.patches_from)
            .and_then(|j| self.findings.get(j))
            .map_or(&[], Vec::as_slice)
    }
    /// A queue of patch `i` alone, at position 0 (for a view of it).
    pub fn alone(&self, i: usize) -> Option<(Queue, Vec<Vec<Finding>>)> {
        let patch = self.patch(i)?.clone();
        let queue = Queue {
            patches: vec![patch],
            ..Queue::default()
        };
        Some((queue, vec![self.findings(i).to_vec()]))
    }
}

/// The loaded queue and the older versions beside it (when any), read as one.
#[derive(Clone, Copy)]
pub struct Both<'a> {
    pub loaded: &'a Queue,
    pub older: Option<&'a Older>,
}

impl<'a> Both<'a> {
    /// Patch `i`, borrowed for as long as the queue and the archive's series are.
    pub fn patch_at(self, i: usize) -> Option<&'a Patch> {
        match i < self.loaded.patches.len() {
            true => self.loaded.patches.get(i),
            false => self.older?.patch(i),
        }
    }
    /// Series `k`, borrowed for as long as the queue and the archive's series are.
    pub fn series_at(self, k: usize) -> Option<&'a Series> {
        match k < self.loaded.series.len() {
            true => self.loaded.series.get(k),
            false => self.older?.series(k),
        }
    }
    /// Whether patch `i` comes from the archive of reviewed patches (it is read-only).
    pub fn is_archived_patch(self, i: usize) -> bool {
        i >= self.loaded.patches.len() && self.patch_at(i).is_some()
    }
}

impl Lookup for Both<'_> {
    fn patch(&self, i: usize) -> Option<&Patch> {
        self.patch_at(i)
    }
    fn series(&self, k: usize) -> Option<&Series> {
        self.series_at(k)
    }
    fn archived(&self, k: usize) -> bool {
        k >= self.loaded.series.len() && self.older.is_some()
    }
    fn replies(&self) -> &[Reply] {
        &self.loaded.replies
    }
}

/// Links `queue`'s series with each other and with `archive`'s (whose findings are
/// `archive_findings`), compares each loaded series with its previous version wherever
/// that is, runs `between` (the stale-review rule, which adds to `findings`) while the
/// archive's patches sit after the queue's, and compares the findings of each pair. The
/// queue and `findings` (indexed like `queue.patches`) come back as long as they were, the
/// archive's series beside them in [`Versions::older`].
pub fn versions_with(
    queue: &mut Queue,
    findings: &mut Vec<Vec<Finding>>,
    archive: Queue,
    mut archive_findings: Vec<Vec<Finding>>,
    between: impl FnOnce(&Queue, &Versions, &mut [Vec<Finding>]),
) -> Versions {
    let (n, ns) = (queue.patches.len(), queue.series.len());
    findings.resize(n, Vec::new());
    archive_findings.resize(archive.patches.len(), Vec::new());
    queue.patches.extend(archive.patches);
    queue.series.extend(archive.series.into_iter().map(|mut s| {
        s.cover = s.cover.map(|i| i + n);
        for i in s.patches.iter_mut().chain(s.duplicates.iter_mut()) {
            *i += n;
        }
        s
    }));
    findings.extend(archive_findings);
    let families = link(queue);
    let mut versions = Versions::build_for(queue, families, &[], ns);
    between(queue, &versions, findings);
    versions.carry_findings(queue, findings);
    let older = Older {
        patches_from: n,
        series_from: ns,
        findings: findings.split_off(n),
        patches: queue.patches.split_off(n),
        series: queue.series.split_off(ns),
    };
    versions.patches.truncate(n);
    versions.revisions.truncate(ns);
    versions.older = Some(std::sync::Arc::new(older));
    versions
}
