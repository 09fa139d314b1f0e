//! The versions of a whole queue, for the views: each series against its previous version
//! (its [`Revision`], interdiffs and findings carried), and for each patch what it is
//! against the earlier version of its series (`=` same, `!` changed, `+` added) with the
//! count of findings new in it. Built once when a queue is loaded, off the key path.

use super::compare::{Revision, compare};
use super::families::Families;
use super::older::{Both, Lookup, Older};
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
    /// Earlier versions from the archive of reviewed patches, at positions after the
    /// queue's (see [`super::older`]); `None` when the archive added none.
    pub older: Option<std::sync::Arc<Older>>,
}

/// The findings of patch `i`: the loaded queue's (`findings`), else the archive's.
pub fn findings_at<'a>(
    older: Option<&'a Older>,
    findings: &'a [Vec<Finding>],
    i: usize,
) -> &'a [Finding] {
    match (findings.get(i), older) {
        (Some(f), _) => f,
        (None, Some(o)) => o.findings(i),
        (None, None) => &[],
    }
}

impl Versions {
    /// The queue with the earlier versions from the archive beside it.
    pub fn beside<'a>(&'a self, queue: &'a Queue) -> Both<'a> {
        Both {
            loaded: queue,
            older: self.older.as_deref(),
        }
    }

    /// The findings of patch `i`, loaded or archived.
    pub fn findings_of<'a>(&'a self, findings: &'a [Vec<Finding>], i: usize) -> &'a [Finding] {
        findings_at(self.older.as_deref(), findings, i)
    }

    /// Compares each series with its previous version in `families`; `findings` is indexed
    /// like the queue's patches (empty compares none).
    pub fn build(queue: &Queue, families: Families, findings: &[Vec<Finding>]) -> Versions {
        Versions::build_for(queue, families, findings, queue.series.len())
    }

    /// [`Versions::build`] comparing only the first `series` series with their previous
    /// versions (the rest are earlier versions from elsewhere, compared with nothing).
    pub fn build_for(
        queue: &Queue,
        families: Families,
        findings: &[Vec<Finding>],
        series: usize,
    ) -> Versions {
        let mut revisions = vec![None; queue.series.len()];
        let mut patches = vec![None; queue.patches.len()];
        for (k, previous) in families.previous.iter().enumerate().take(series) {
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
            older: None,
        }
    }

    /// Compares the findings of each pair again (after a queue-level rule added some).
    pub fn carry_findings(&mut self, queue: &Queue, findings: &[Vec<Finding>]) {
        let older = self.older.clone();
        let both = Both {
            loaded: queue,
            older: older.as_deref(),
        };
        let side = |i: usize| Some((both.patch(i)?, findings_at(older.as_deref(), findings, i)));
        for revision in self.revisions.iter_mut().flatten() {
            for r in &mut revision.pairs {
                r.findings =
                    super::carry::carry(r.old_patch.and_then(side), r.new_patch.and_then(side));
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
