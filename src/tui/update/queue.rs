//! The queue list's actions: motion, open, fold, filter and sort.

use super::*;

pub(super) fn queue_action(state: &mut AppState, action: Action) {
    let height = state.list_height();
    if is_motion(action) {
        state.list.selected = step(state.list.selected, state.list.rows.len(), action, height);
        state.list.scroll_into_view(height);
        return;
    }
    let row = state.list.rows.get(state.list.selected).copied();
    match action {
        Action::Open => match row {
            Some(Row::Gap { n, .. }) => {
                state.message = Some(format!("patch {n} of this series did not arrive"))
            }
            Some(Row::Head { group })
                if state
                    .list
                    .groups
                    .get(group)
                    .is_some_and(|g| g.head.is_none()) =>
            {
                toggle_fold(state, group)
            }
            Some(r) => {
                if let Some(p) = state.list.patch_of(r) {
                    open_patch(state, p);
                }
            }
            None => {}
        },
        Action::ToggleFold => {
            let group = match row {
                Some(Row::Head { group })
                | Some(Row::Child { group, .. })
                | Some(Row::Gap { group, .. }) => group,
                None => return,
            };
            if state.list.has_children(group) {
                toggle_fold(state, group);
            }
        }
        Action::FoldAll => {
            state.list.folded = (0..state.list.groups.len())
                .filter(|&g| state.list.has_children(g))
                .collect();
            rebuild(state);
        }
        Action::UnfoldAll => {
            state.list.folded.clear();
            rebuild(state);
        }
        Action::Filter => {
            state.prompt = Some(Prompt {
                kind: PromptKind::Filter,
                text: state.query_text.clone(),
                before: state.query_text.clone(),
                origin: state.list.selected,
                error: None,
            });
        }
        Action::ClearFilter | Action::Back if !state.query_text.is_empty() => {
            state.query_text.clear();
            state.refilter(true);
        }
        Action::SortByDate
        | Action::SortBySubject
        | Action::SortByAuthor
        | Action::SortByFindings
        | Action::SortMineFirst => {
            state.list.sort = match action {
                Action::SortMineFirst => crate::tui::list::SortKey::Mine,
                Action::SortByDate => crate::tui::list::SortKey::Date,
                Action::SortBySubject => crate::tui::list::SortKey::Subject,
                Action::SortByAuthor => crate::tui::list::SortKey::Author,
                _ => crate::tui::list::SortKey::Findings,
            };
            state.list.reverse = false;
            rebuild(state);
            state.message = Some(format!("sorted by {}", state.list.sort.name()));
        }
        Action::ReverseSort => {
            state.list.reverse = !state.list.reverse;
            rebuild(state);
        }
        _ => {}
    }
}

pub(super) fn toggle_fold(state: &mut AppState, group: usize) {
    if !state.list.folded.remove(&group) {
        state.list.folded.insert(group);
    }
    rebuild(state);
    if let Some(p) = state
        .list
        .rows
        .iter()
        .position(|r| *r == Row::Head { group })
    {
        state.list.selected = p;
    }
    let h = state.list_height();
    state.list.scroll_into_view(h);
}

pub(super) fn rebuild(state: &mut AppState) {
    state
        .list
        .rebuild(&state.queue, &state.summaries, state.matches.as_deref());
    let h = state.list_height();
    state.list.scroll_into_view(h);
}

pub(super) fn open_patch(state: &mut AppState, index: usize) {
    let (inline, wrap, pane) = state
        .patch
        .as_ref()
        .map_or((state.inline_default, false, true), |v| {
            (v.inline, v.wrap, v.pane)
        });
    state.patch = Some(state.open_view(index, inline, wrap, pane));
    state.list.select_patch(index);
    let h = state.list_height();
    state.list.scroll_into_view(h);
}
