//! One series against an earlier version of it: the pairs as `git range-diff` makes them,
//! each with its patch numbers, the interdiff of a changed pair, and the findings that are
//! new, fixed or kept.

use super::carry::{Carried, carry};
use super::interdiff::interdiff;
use super::pairing::{Pair, RangeText, pair_texts, range_text};
use crate::policy::Finding;
use crate::queue::{Queue, Series};

/// One pair of a revision.
#[derive(Debug, Clone)]
pub struct PairReport {
    pub pair: Pair,
    /// Indices into [`Queue::patches`] of the older and the newer patch.
    pub old_patch: Option<usize>,
    pub new_patch: Option<usize>,
    /// Patch numbers within their series (`S.N`; 1 for a series of one patch).
    pub old_number: Option<u32>,
    pub new_number: Option<u32>,
    /// The interdiff in range-diff's manner (empty unless the pair changed).
    pub interdiff: String,
    pub findings: Carried,
    /// The review trailers carried or stale (filled by [`super::stale::fill`]).
    pub trailers: super::stale::ReviewCarry,
}

/// A series compared with an earlier version (positions in [`Queue::series`]).
#[derive(Debug, Clone)]
pub struct Revision {
    pub series: usize,
    pub previous: usize,
    pub pairs: Vec<PairReport>,
}

/// The number `list` gives patch `pos` of a series.
pub fn number(queue: &Queue, series: &Series, pos: usize) -> u32 {
    series
        .patches
        .get(pos)
        .and_then(|&i| queue.patches.get(i))
        .and_then(|p| p.subject.index)
        .unwrap_or(u32::try_from(pos + 1).unwrap_or(u32::MAX))
}

/// Compares series `new` with series `old`; `findings` is indexed like `queue.patches`
/// (as `check_queue` returns them; empty means no findings are compared).
pub fn compare(queue: &Queue, old: usize, new: usize, findings: &[Vec<Finding>]) -> Revision {
    let (os, ns) = (&queue.series[old], &queue.series[new]);
    let texts = |s: &Series| -> Vec<RangeText> {
        s.patches
            .iter()
            .filter_map(|&i| queue.patches.get(i))
            .map(range_text)
            .collect()
    };
    let (a, b) = (texts(os), texts(ns));
    let found = |i: usize| findings.get(i).map_or(&[][..], Vec::as_slice);
    let pairs = pair_texts(&a, &b)
        .into_iter()
        .map(|pair| {
            let old_patch = pair.old.and_then(|k| os.patches.get(k).copied());
            let new_patch = pair.new.and_then(|k| ns.patches.get(k).copied());
            let interdiff = match (pair.old, pair.new) {
                (Some(x), Some(y)) if a[x] != b[y] => interdiff(&a[x], &b[y]),
                _ => String::new(),
            };
            let findings = carry(
                old_patch.map(|i| (&queue.patches[i], found(i))),
                new_patch.map(|i| (&queue.patches[i], found(i))),
            );
            PairReport {
                old_number: pair.old.map(|k| number(queue, os, k)),
                new_number: pair.new.map(|k| number(queue, ns, k)),
                old_patch,
                new_patch,
                interdiff,
                findings,
                trailers: Default::default(),
                pair,
            }
        })
        .collect();
    Revision {
        series: new,
        previous: old,
        pairs,
    }
}
