//! The patch view's actions: scrolling, findings, hunks and files, next/previous patch,
//! notes on screen and search.

use super::*;
use crate::tui::state::{PatchView, Search};

pub(super) fn max_offset(state: &AppState) -> usize {
    let Some(v) = &state.patch else { return 0 };
    v.visible.len().saturating_sub(state.body_height())
}

pub(super) fn clamp(state: &mut AppState) {
    let h = state.list_height();
    state.list.scroll_into_view(h);
    let max = max_offset(state);
    if let Some(v) = &mut state.patch {
        v.offset = v.offset.min(max);
    }
}

/// Scrolls so model line `line` sits a third of the way down the body.
pub(super) fn show_line(state: &mut AppState, line: usize) {
    let third = state.body_height() / 3;
    let max = max_offset(state);
    if let Some(v) = &mut state.patch {
        let pos = v.position_of(line);
        v.offset = pos.saturating_sub(third).min(max);
    }
}

pub(super) fn patch_action(state: &mut AppState, action: Action) {
    if action == Action::Back && back(state) {
        clamp(state);
        return;
    }
    let body = state.body_height();
    let max = max_offset(state);
    let Some(v) = state.patch.as_mut() else {
        return;
    };
    if is_motion(action) {
        // Scrolling moves the top line; the last page stops at the end.
        let len = max + 1;
        v.offset = step(v.offset, len, action, body);
        return;
    }
    match action {
        Action::Back => {
            let index = v.index;
            state.patch = None;
            state.pair_from = None;
            state.list.select_patch(index);
            let h = state.list_height();
            state.list.scroll_into_view(h);
        }
        Action::NextFinding | Action::PrevFinding => {
            let order = &v.model.finding_order;
            if order.is_empty() {
                state.message = Some("no findings in this patch".into());
                return;
            }
            let top_line = v.visible.get(v.offset).copied().unwrap_or(0);
            let next = match (action, v.current) {
                (Action::NextFinding, Some(c)) if c + 1 < order.len() => Some(c + 1),
                (Action::NextFinding, Some(_)) => None,
                (Action::NextFinding, None) => order
                    .iter()
                    .position(|&f| v.model.finding_line[f] >= top_line),
                (_, Some(c)) => c.checked_sub(1),
                (_, None) => order
                    .iter()
                    .rposition(|&f| v.model.finding_line[f] < top_line),
            };
            match next {
                Some(n) => {
                    v.current = Some(n);
                    let line = v.model.finding_line[order[n]];
                    state.message = Some(format!("finding {}/{}", n + 1, order.len()));
                    show_line(state, line);
                }
                None => {
                    state.message = Some(
                        if action == Action::NextFinding {
                            "no more findings below"
                        } else {
                            "no more findings above"
                        }
                        .into(),
                    );
                }
            }
        }
        Action::NextHunk | Action::PrevHunk | Action::NextFile | Action::PrevFile => {
            let targets: Vec<usize> = match action {
                Action::NextHunk | Action::PrevHunk => v.model.hunks.clone(),
                _ => v.model.files.iter().map(|f| f.line).collect(),
            };
            let positions: Vec<usize> = targets.iter().map(|&l| v.position_of(l)).collect();
            let forward = matches!(action, Action::NextHunk | Action::NextFile);
            let found = if forward {
                positions.iter().copied().find(|&p| p > v.offset)
            } else {
                positions.iter().copied().rev().find(|&p| p < v.offset)
            };
            match found {
                Some(p) if p.min(max) != v.offset => v.offset = p.min(max),
                _ => state.message = Some("nothing further in that direction".into()),
            }
        }
        Action::NextPatch | Action::PrevPatch => {
            let order = state.list.order.clone();
            let pos = order.iter().position(|&p| p == v.index);
            let target = match (action, pos) {
                (Action::NextPatch, Some(p)) => order.get(p + 1).copied(),
                (Action::NextPatch, None) => order.first().copied(),
                (_, Some(p)) => p.checked_sub(1).and_then(|p| order.get(p).copied()),
                (_, None) => None,
            };
            match target {
                Some(t) => open_patch(state, t),
                None => state.message = Some("no more patches in that direction".into()),
            }
        }
        Action::FileList => {
            if v.model.files.is_empty() {
                state.message = Some("this patch has no files".into());
            } else {
                let top = v.visible.get(v.offset).copied().unwrap_or(0);
                let selected = v
                    .model
                    .files
                    .iter()
                    .rposition(|f| f.line <= top)
                    .unwrap_or(0);
                state.overlay = Overlay::Files { selected };
            }
        }
        Action::Search => {
            let text = v.search.query.clone();
            state.prompt = Some(Prompt {
                kind: PromptKind::Search,
                text: text.clone(),
                before: text,
                origin: v.offset,
                error: None,
            });
        }
        Action::SearchNext | Action::SearchPrev => {
            if v.search.matches.is_empty() {
                state.message = Some(if v.search.query.is_empty() {
                    match state.keymap.hint(Context::Patch, Action::Search) {
                        Some(key) => format!("no search (press {key} to search)"),
                        None => "no search".to_string(),
                    }
                } else {
                    format!("no match for `{}`", v.search.query)
                });
                return;
            }
            let n = v.search.matches.len();
            let cur = v.search.current.unwrap_or(0);
            let next = if action == Action::SearchNext {
                (cur + 1) % n
            } else {
                (cur + n - 1) % n
            };
            v.search.current = Some(next);
            let line = v.search.matches[next].0;
            state.message = Some(format!("match {}/{}", next + 1, n));
            show_line(state, line);
        }
        Action::ToggleWrap => v.wrap = !v.wrap,
        Action::ToggleInlineFindings => {
            v.inline = !v.inline;
            v.refresh_visible();
        }
        Action::ToggleFindingsPane => v.pane = !v.pane,
        _ => {}
    }
    clamp(state);
}

/// The model line a new note goes on: the first line from the top of the view that can
/// carry one (a message, notes or new-side diff line).
pub(super) fn note_line(state: &AppState) -> Option<usize> {
    let v = state.patch.as_ref()?;
    let body = state.body_height();
    v.visible
        .iter()
        .skip(v.offset)
        .take(body)
        .copied()
        .find(|&l| v.model.anchor_of(l).is_some())
}

/// Scrolls so that the next (or previous) note's line is at the top (as far as the last page
/// allows) and makes it the note edit and delete act on.
pub(super) fn jump_to_note(state: &mut AppState, forward: bool) {
    use crate::tui::patch_model::LineKind;
    let max = max_offset(state);
    let current = state.note_target();
    let Some(v) = state.patch.as_mut() else {
        return;
    };
    // Each note is shown under the line it is on: jump to that line.
    let notes: Vec<(usize, u64)> = v
        .model
        .note_lines()
        .into_iter()
        .filter_map(|l| match v.model.lines[l].kind {
            LineKind::Note(id) => Some((l.saturating_sub(1), id)),
            _ => None,
        })
        .collect();
    let top = v.visible.get(v.offset).copied().unwrap_or(0);
    // From the current note when there is one (the last page may keep it below the top).
    let at = current
        .filter(|c| v.note == Some(*c))
        .and_then(|id| notes.iter().position(|n| n.1 == id));
    let target = match (at, forward) {
        (Some(i), true) => notes.get(i + 1).map(|_| i + 1),
        (Some(i), false) => i.checked_sub(1),
        (None, true) => notes.iter().position(|&(a, _)| a > top),
        (None, false) => notes.iter().rposition(|&(a, _)| a < top),
    };
    match target {
        Some(i) => {
            let (anchor, id) = notes[i];
            v.offset = v.position_of(anchor).min(max);
            v.note = Some(id);
            state.message = Some(format!("note {}/{}", i + 1, notes.len()));
        }
        None => {
            state.message = Some(if notes.is_empty() {
                "no notes in this patch".into()
            } else if forward {
                "no more notes below".into()
            } else {
                "no more notes above".into()
            })
        }
    }
}

/// Finds `query` in the patch's visible lines (smart case: a capital makes it exact); the
/// current match is the first at or after view position `from`.
pub fn search(v: &PatchView, query: &str, from: usize) -> Search {
    let mut s = Search {
        query: query.to_string(),
        ..Search::default()
    };
    if query.is_empty() {
        return s;
    }
    let exact = query.chars().any(|c| c.is_uppercase());
    let needle = if exact {
        query.to_string()
    } else {
        query.to_ascii_lowercase()
    };
    for &li in &v.visible {
        let text = &v.model.lines[li].text;
        let hay = if exact {
            std::borrow::Cow::Borrowed(text.as_str())
        } else {
            std::borrow::Cow::Owned(text.to_ascii_lowercase())
        };
        let mut at = 0;
        while let Some(i) = hay[at..].find(&needle) {
            let start = at + i;
            s.matches.push((li, start, start + needle.len()));
            at = start + needle.len().max(1);
            if at >= hay.len() {
                break;
            }
        }
    }
    let from_line = v.visible.get(from).copied().unwrap_or(0);
    s.current = s
        .matches
        .iter()
        .position(|m| m.0 >= from_line)
        .or((!s.matches.is_empty()).then_some(0));
    s
}
