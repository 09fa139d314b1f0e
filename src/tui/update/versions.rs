//! The versions views' actions: a patch's interdiff and its previous version (one key each
//! way), and a series' range-diff; and how those views are rebuilt when the desk changes.

use super::*;
use crate::tui::state::{PatchView, Shown};
use crate::tui::version_model::PairFrom;

/// The newer patch the open view is about (the one the interdiff and previous are of).
fn newer_of(view: &PatchView) -> usize {
    match view.shows {
        Shown::Previous { newer } => newer,
        _ => view.index,
    }
}

/// The series (position in `Queue::series`) of patch `index`.
fn series_of(state: &AppState, index: usize) -> Option<usize> {
    state
        .queue
        .series
        .iter()
        .position(|s| s.patches.contains(&index) || s.cover == Some(index))
}

/// Why patch `index` has nothing to compare, or its pair.
fn pair_or_why(
    state: &AppState,
    index: usize,
) -> std::result::Result<crate::revisions::compare::PairReport, String> {
    let Some(v) = state.version_of(index) else {
        return Err("no earlier version of this series in the queue".into());
    };
    let was = state
        .series_at(v.previous_series)
        .map_or(1, |s| s.version.max(1));
    match state.versions.pair_of(&state.queue, index) {
        Some(p) if p.old_patch.is_some() => Ok(p.clone()),
        _ => Err(format!(
            "this patch is new: v{was} has no patch it pairs with"
        )),
    }
}

/// Puts `shows` (with its model) into the open view.
fn show(state: &mut AppState, index: usize, shows: Shown) {
    let model = crate::tui::version_model::model_for(
        &state.queue,
        &state.versions,
        &state.findings,
        index,
        shows,
        state.notes_of(index),
    );
    if let Some(v) = &mut state.patch {
        if let Some(model) = model {
            v.model = model;
        }
        v.index = index;
        v.shows = shows;
        v.offset = 0;
        v.current = None;
        v.search = Default::default();
        v.refresh_visible();
    }
}

/// Opens the range-diff of `series`, from patch `from` (or the queue).
fn open_range_diff(state: &mut AppState, series: usize, from: Option<usize>) {
    if state
        .versions
        .revisions
        .get(series)
        .is_none_or(Option::is_none)
    {
        state.message = Some("no earlier version of this series in the queue".into());
        return;
    }
    let head = state.queue.series[series]
        .head()
        .or_else(|| state.queue.series[series].patches.first().copied());
    let Some(head) = head else { return };
    if state.patch.is_none() {
        open_patch(state, head);
    }
    show(state, head, Shown::RangeDiff { series, from });
}

/// Leaves a versions view for the patch it is about; false when the view shows the patch.
pub(super) fn back(state: &mut AppState) -> bool {
    let Some(v) = &state.patch else { return false };
    // A pair opened from a range-diff goes back to it, at the line it was opened from.
    if let Some(at) = state.pair_from
        && (at.opened == (v.index, v.shows) || v.shows == Shown::Patch)
    {
        state.pair_from = None;
        open_range_diff(state, at.series, at.from);
        if let Some(v) = &mut state.patch {
            v.offset = at.offset.min(v.visible.len().saturating_sub(1));
        }
        return true;
    }
    match v.shows {
        Shown::Patch => false,
        Shown::Previous { newer } => {
            open_patch(state, newer);
            true
        }
        Shown::Interdiff => {
            let index = v.index;
            open_patch(state, index);
            true
        }
        Shown::RangeDiff { from: Some(p), .. } => {
            open_patch(state, p);
            true
        }
        Shown::RangeDiff { from: None, .. } => false,
    }
}

pub(super) fn versions_action(state: &mut AppState, action: Action) {
    match action {
        Action::RangeDiff => {
            state.pair_from = None;
            let from = state.patch.as_ref().map(newer_of);
            let series = match from {
                Some(p) => series_of(state, p),
                None => selected_series_index(state),
            };
            match series {
                Some(s) => open_range_diff(state, s, from),
                None => state.message = Some("select a series first".into()),
            }
        }
        Action::OpenPair => open_pair(state),
        Action::ShowInterdiff | Action::ShowPrevious => {
            let Some(v) = &state.patch else { return };
            let (newer, shows) = (newer_of(v), v.shows);
            let toggling = matches!(
                (action, shows),
                (Action::ShowInterdiff, Shown::Interdiff)
                    | (Action::ShowPrevious, Shown::Previous { .. })
            );
            if toggling {
                open_patch(state, newer);
                return;
            }
            let pair = match pair_or_why(state, newer) {
                Ok(p) => p,
                Err(why) => {
                    state.message = Some(why);
                    return;
                }
            };
            if action == Action::ShowInterdiff {
                if pair.interdiff.is_empty() {
                    state.message = Some("the same as the previous version: no interdiff".into());
                    return;
                }
                if shows != Shown::Patch {
                    open_patch(state, newer);
                }
                show(state, newer, Shown::Interdiff);
            } else if let Some(old) = pair.old_patch {
                open_patch(state, old);
                if let Some(v) = &mut state.patch {
                    v.shows = Shown::Previous { newer };
                }
                state.list.select_patch(newer);
            }
        }
        _ => {}
    }
}

/// In a range-diff, opens the pair whose section holds the top line: the interdiff of a
/// changed pair, the newer patch of a same or added one, the older patch of a removed one.
fn open_pair(state: &mut AppState) {
    let Some(v) = &state.patch else { return };
    let Shown::RangeDiff { series, from } = v.shows else {
        state.message = Some("Enter opens a pair in a range-diff (V)".into());
        return;
    };
    let top = v.visible.get(v.offset).copied().unwrap_or(0);
    let k = v
        .model
        .pair_lines
        .iter()
        .rposition(|&l| l <= top)
        .unwrap_or(0);
    let pair = (state.versions.revisions.get(series))
        .and_then(Option::as_ref)
        .and_then(|r| r.pairs.get(k));
    let Some(pair) = pair else { return };
    let offset = v.offset;
    let (old, new, changed) = (
        pair.old_patch,
        pair.new_patch,
        pair.pair.change == crate::revisions::pairing::Change::Changed,
    );
    match (new, old) {
        (Some(new), Some(_)) if changed => {
            open_patch(state, new);
            show(state, new, Shown::Interdiff);
        }
        (Some(new), _) => open_patch(state, new),
        (None, Some(old)) => open_patch(state, old),
        (None, None) => {}
    }
    if let Some(p) = new.or(old) {
        state.list.select_patch(p);
    }
    state.pair_from = state.patch.as_ref().map(|v| PairFrom {
        opened: (v.index, v.shows),
        series,
        from,
        offset,
    });
}

/// The series of the selected queue row (position in `Queue::series`).
fn selected_series_index(state: &AppState) -> Option<usize> {
    let row = state.list.rows.get(state.list.selected)?;
    let group = match *row {
        Row::Head { group } | Row::Child { group, .. } | Row::Gap { group, .. } => group,
    };
    state.list.groups.get(group)?.series
}
