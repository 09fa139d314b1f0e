//! The one-line prompt: typing, editing and what enter does for each kind of prompt.

use super::*;

pub(super) fn prompt_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(prompt) = state.prompt.clone() else {
        return Vec::new();
    };
    match action {
        Action::PromptSubmit if prompt.kind == PromptKind::Waiver => {
            let reason = prompt.text.trim().to_string();
            if reason.is_empty() {
                if let Some(p) = state.prompt.as_mut() {
                    p.error = Some("a waiver needs a reason (Esc drops the trailer)".into());
                }
                return Vec::new();
            }
            state.prompt = None;
            let Some(mut c) = state.confirm.take() else {
                return Vec::new();
            };
            if c.unwaived.is_empty() {
                return Vec::new();
            }
            let rule = c.unwaived.remove(0);
            c.ask.waivers.push((rule, reason));
            if let Some(next) = c.unwaived.first() {
                ask_waiver(state, next);
                state.confirm = Some(c);
                return Vec::new();
            }
            return vec![Effect::PlanTrailer(c.ask)];
        }
        Action::PromptSubmit if prompt.kind == PromptKind::ExportTarget => {
            state.prompt = None;
            let target = prompt.text.trim().to_string();
            let Some(mut e) = state.export.take() else {
                return Vec::new();
            };
            if target.is_empty() {
                state.message = Some("no path given: nothing written".into());
                return Vec::new();
            }
            e.ask.target = target;
            return vec![Effect::PreviewExport(e.ask)];
        }
        Action::PromptSubmit
            if matches!(
                prompt.kind,
                PromptKind::ExportBranch | PromptKind::ExportOnto
            ) =>
        {
            state.prompt = None;
            let Some(e) = state.export.as_mut() else {
                return Vec::new();
            };
            let value = Some(prompt.text.trim().to_string()).filter(|t| !t.is_empty());
            if prompt.kind == PromptKind::ExportBranch {
                e.ask.branch = value;
            } else {
                e.ask.onto = value;
            }
            return vec![Effect::PreviewExport(e.ask.clone())];
        }
        Action::PromptCancel
            if matches!(
                prompt.kind,
                PromptKind::ExportBranch | PromptKind::ExportOnto
            ) =>
        {
            state.prompt = None;
        }
        Action::PromptCancel if prompt.kind == PromptKind::ExportTarget => {
            state.prompt = None;
            state.export = None;
        }
        Action::PromptCancel if prompt.kind == PromptKind::Waiver => {
            state.prompt = None;
            state.confirm = None;
            state.message = Some("not waived: nothing recorded".into());
        }
        Action::PromptSubmit if matches!(prompt.kind, PromptKind::DeferUntil(_)) => {
            let PromptKind::DeferUntil(target) = prompt.kind else {
                return Vec::new();
            };
            let date = prompt.text.trim();
            let status = if date.is_empty() {
                "deferred".to_string()
            } else {
                format!("deferred:{date}")
            };
            // The same check the desk makes, here so a bad date can be typed again.
            match crate::triage::status::Status::parse(&status) {
                Ok(status) => {
                    state.prompt = None;
                    return vec![Effect::SetStatus { target, status }];
                }
                Err(e) => {
                    if let Some(p) = state.prompt.as_mut() {
                        p.error = Some(format!("{e}; leave it empty for no date"));
                    }
                }
            }
        }
        Action::PromptCancel if matches!(prompt.kind, PromptKind::DeferUntil(_)) => {
            state.prompt = None;
            state.message = Some("status not changed".into());
        }
        Action::PromptSubmit if matches!(prompt.kind, PromptKind::WholeNote(_)) => {
            state.prompt = None;
            let PromptKind::WholeNote(target) = prompt.kind else {
                return Vec::new();
            };
            let text = prompt.text.trim();
            if text.is_empty() {
                state.message = Some("empty note: nothing added".into());
                return Vec::new();
            }
            return vec![Effect::AddWholeNote {
                target,
                text: text.to_string(),
            }];
        }
        Action::PromptSubmit if matches!(prompt.kind, PromptKind::EditNote(_)) => {
            let PromptKind::EditNote(id) = prompt.kind else {
                return Vec::new();
            };
            let text = prompt.text.trim();
            if text.is_empty() {
                let delete = state
                    .keymap
                    .hint(Context::Patch, Action::DeleteNote)
                    .unwrap_or_else(|| "delete_note".into());
                if let Some(p) = state.prompt.as_mut() {
                    p.error = Some(format!("a note needs some text ({delete} deletes it)"));
                }
                return Vec::new();
            }
            state.prompt = None;
            if text == prompt.before.trim() {
                state.message = Some("note unchanged".into());
                return Vec::new();
            }
            return vec![Effect::EditNote {
                id,
                text: text.to_string(),
            }];
        }
        Action::PromptCancel if matches!(prompt.kind, PromptKind::EditNote(_)) => {
            state.prompt = None;
            state.message = Some("note unchanged".into());
        }
        Action::PromptSubmit if prompt.kind == PromptKind::Note => {
            state.prompt = None;
            let text = prompt.text.trim();
            let anchor = state.patch.as_ref().and_then(|v| {
                v.model
                    .anchor_of(prompt.origin)
                    .map(|(part, file, line)| (v.index, part, file, line))
            });
            let interdiff = state
                .patch
                .as_ref()
                .filter(|v| v.shows == crate::tui::state::Shown::Interdiff)
                .map(|v| v.model.interdiff_excerpt(prompt.origin));
            match anchor {
                Some((patch, part, file, line)) if !text.is_empty() => {
                    return vec![Effect::AddNote {
                        patch,
                        part,
                        file,
                        line,
                        text: text.to_string(),
                        interdiff,
                    }];
                }
                _ => state.message = Some("empty note: nothing added".into()),
            }
        }
        Action::PromptSubmit => {
            state.prompt = None;
            if prompt.kind == PromptKind::Search
                && let Some(v) = &state.patch
            {
                if !prompt.text.is_empty() && v.search.matches.is_empty() {
                    state.message = Some(format!("no match for `{}`", prompt.text));
                } else if !v.search.matches.is_empty() {
                    state.message = Some(format!(
                        "match {}/{}",
                        v.search.current.map_or(1, |c| c + 1),
                        v.search.matches.len()
                    ));
                }
            }
        }
        Action::PromptCancel => {
            prompt_edit(state, |t| *t = prompt.before.clone());
            state.prompt = None;
            if prompt.kind == PromptKind::Search
                && let Some(v) = &mut state.patch
            {
                v.offset = prompt.origin;
            }
        }
        Action::PromptBackspace => prompt_edit(state, |t| {
            t.pop();
        }),
        Action::PromptDeleteWord => prompt_edit(state, |t| {
            let trimmed = t.trim_end().len();
            t.truncate(trimmed);
            let cut = t.rfind(' ').map_or(0, |i| i + 1);
            t.truncate(cut);
        }),
        Action::PromptClear => prompt_edit(state, String::clear),
        Action::MoveDown | Action::MoveUp if prompt.kind == PromptKind::Filter => {
            let h = state.list_height();
            state.list.selected = step(state.list.selected, state.list.rows.len(), action, h);
            state.list.scroll_into_view(h);
        }
        _ => {}
    }
    Vec::new()
}

/// Edits the prompt text and applies it (filter the queue, or search the patch).
pub(super) fn prompt_edit(state: &mut AppState, edit: impl FnOnce(&mut String)) {
    let Some(prompt) = state.prompt.as_mut() else {
        return;
    };
    edit(&mut prompt.text);
    prompt.error = None;
    let text = prompt.text.clone();
    let (kind, origin) = (prompt.kind, prompt.origin);
    match kind {
        PromptKind::Filter => {
            state.query_text = text;
            state.refilter(false);
            state.list.selected = 0;
            state.list.offset = 0;
            // Select the best match itself, not the series head shown for context.
            let best = state
                .matches
                .as_ref()
                .and_then(|m| m.first())
                .map(|m| m.index);
            if let Some(best) = best {
                state.list.select_patch(best);
                let h = state.list_height();
                state.list.scroll_into_view(h);
            }
        }
        PromptKind::Note
        | PromptKind::Waiver
        | PromptKind::ExportTarget
        | PromptKind::ExportBranch
        | PromptKind::ExportOnto
        | PromptKind::DeferUntil(_)
        | PromptKind::WholeNote(_)
        | PromptKind::EditNote(_) => {}
        PromptKind::Search => {
            if let Some(v) = &mut state.patch {
                v.search = search(v, &text, origin);
                let line = v.search.current.map(|c| v.search.matches[c].0);
                match line {
                    Some(l) => show_line(state, l),
                    None => {
                        if let Some(v) = &mut state.patch {
                            v.offset = origin;
                        }
                    }
                }
            }
        }
    }
}

/// Opens the waiver prompt for `rule`, saying why it is asked.
pub(super) fn ask_waiver(state: &mut AppState, rule: &str) {
    state.prompt = Some(Prompt::empty(PromptKind::Waiver));
    state.message = Some(format!(
        "{rule} is an error here: give a reason to waive it"
    ));
}
