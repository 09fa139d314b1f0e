//! The versions of a whole queue, for the views: each series against its previous version
//! (its [`Revision`], interdiffs and findings carried), and for each patch what it is
//! against the earlier version of its series (`=` same, `!` changed, `+` added) with the
//! count of findings new in it. Built once when a queue is loaded, off the key path.

use super::compare::{Revision, compare};
use super::families::Families;
use super::pairing::Change;
use crate::policy::Finding;
use crate::queue::Queue;

/// A patch against the earlier version of its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatchVersion {
    /// Position in [`Queue::series`] of the series compared with.
    pub previous_series: usize,
    /// The patch it was paired with there (`None` for an added patch).
    pub previous: Option<usize>,
    pub change: Change,
    pub message_changed: bool,
    pub diff_changed: bool,
    /// Findings in this patch that were not in its previous version.
    pub new_findings: usize,
}

impl PatchVersion {
    /// The queue's mark: `=` same, `!` changed, `+` added.
    pub fn mark(&self) -> char {
        match self.change {
            Change::Same => '=',
            Change::Changed => '!',
            Change::Added | Change::Removed => '+',
        }
    }
}

/// The versions of every series of a queue.
#[derive(Debug, Clone, Default)]
pub struct Versions {
    pub families: Families,
    /// `revisions[k]`: series `k` against its previous version, when it has one.
    pub revisions: Vec<Option<Revision>>,
    /// Indexed like [`Queue::patches`]; `None` when the patch's series has no earlier version.
    pub patches: Vec<Option<PatchVersion>>,
}

impl Versions {
    /// Compares each series with its previous version in `families`; `findings` is indexed
    /// like the queue's patches (empty compares none).
    pub fn build(queue: &Queue, families: Families, findings: &[Vec<Finding>]) -> Versions {
        let mut revisions = vec![None; queue.series.len()];
        let mut patches = vec![None; queue.patches.len()];
        for (k, previous) in families.previous.iter().enumerate() {
            let Some(p) = *previous else { continue };
            let revision = compare(queue, p, k, findings);
            for r in &revision.pairs {
                let Some(ni) = r.new_patch else { continue };
                if let Some(slot) = patches.get_mut(ni) {
                    *slot = Some(PatchVersion {
                        previous_series: p,
                        previous: r.old_patch,
                        change: r.pair.change,
                        message_changed: r.pair.message_changed,
                        diff_changed: r.pair.diff_changed,
                        new_findings: r.findings.new.len(),
                    });
                }
            }
            revisions[k] = Some(revision);
        }
        Versions {
            families,
            revisions,
            patches,
        }
    }

    /// Compares the findings of each pair again (after a queue-level rule added some).
    pub fn carry_findings(&mut self, queue: &Queue, findings: &[Vec<Finding>]) {
        let found = |i: usize| findings.get(i).map_or(&[][..], Vec::as_slice);
        for revision in self.revisions.iter_mut().flatten() {
            for r in &mut revision.pairs {
                r.findings = super::carry::carry(
                    r.old_patch.map(|i| (&queue.patches[i], found(i))),
                    r.new_patch.map(|i| (&queue.patches[i], found(i))),
                );
                if let Some(Some(v)) = r.new_patch.and_then(|i| self.patches.get_mut(i)) {
                    v.new_findings = r.findings.new.len();
                }
            }
        }
    }

    /// The earlier versions of series `k` in the queue, oldest first (positions in
    /// [`Queue::series`]).
    pub fn earlier(&self, k: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut at = self.families.previous.get(k).copied().flatten();
        while let Some(p) = at {
            if out.contains(&p) || p == k {
                break;
            }
            out.push(p);
            at = self.families.previous.get(p).copied().flatten();
        }
        out.reverse();
        out
    }

    /// The pair of `revision` whose newer patch is `patch`.
    pub fn pair_of(&self, queue: &Queue, patch: usize) -> Option<&super::compare::PairReport> {
        let k = queue
            .series
            .iter()
            .position(|s| s.patches.contains(&patch))?;
        self.revisions
            .get(k)?
            .as_ref()?
            .pairs
            .iter()
            .find(|r| r.new_patch == Some(patch))
    }
}
