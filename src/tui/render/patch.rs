//! The patch view: a two-line header, the body (gutter with old/new numbers and a finding
//! mark, text with finding spans and search matches), the findings pane, and the file list.

use super::text::{Layered, fit, wrap_spans};
use crate::policy::{Part, Severity};
use crate::tui::action::{Action, Context};
use crate::tui::patch_model::{LineKind, ReplyTrailerState, TrailerKind, ViewLine};
use crate::tui::state::{AppState, PatchView};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};

fn base_style(theme: &Theme, kind: LineKind) -> Style {
    match kind {
        LineKind::Title => theme.title,
        LineKind::Header
        | LineKind::Notes
        | LineKind::NotesRule
        | LineKind::NoNewline
        | LineKind::Reply => theme.dim,
        LineKind::Problem => theme.problem,
        LineKind::Trailer(k) => theme.trailer(k),
        LineKind::FileHeader => theme.file_header,
        LineKind::HunkHeader => theme.hunk_header,
        LineKind::Add => theme.add,
        LineKind::Remove => theme.remove,
        LineKind::Annotation(s) => theme.severity(s),
        LineKind::Note(_) => theme.note,
        LineKind::ReplyTrailer {
            state: ReplyTrailerState::Warning,
            ..
        } => theme.waived,
        LineKind::ReplyTrailer { .. } => theme.trailer(TrailerKind::Review),
        LineKind::Blank | LineKind::Message | LineKind::Context => Style::new(),
        LineKind::Interdiff { .. } => Style::new(),
    }
}

/// An interdiff line as `git range-diff --dual-color` draws it: the outer marker (between
/// the versions) reversed in its colour, the rest in the inner diff's colours, dimmed on
/// the older side.
fn dual_color(theme: &Theme, outer: char, text: &str) -> (Style, Option<Style>) {
    let inner = match text.chars().nth(1) {
        Some('+') => theme.add,
        Some('-') => theme.remove,
        _ => Style::new(),
    };
    let reversed = ratatui::style::Modifier::REVERSED;
    match outer {
        '+' => (inner, Some(theme.add.add_modifier(reversed))),
        '-' => (
            inner.add_modifier(ratatui::style::Modifier::DIM),
            Some(theme.remove.add_modifier(reversed)),
        ),
        _ => (inner, None),
    }
}

/// The gutter of a line; `target` is the note edit and delete act on (its mark reversed).
fn gutter(
    theme: &Theme,
    view: &PatchView,
    line: &ViewLine,
    target: Option<u64>,
) -> Vec<Span<'static>> {
    let w = view.model.number_width;
    let num = |n: Option<u32>| n.map_or(" ".repeat(w), |n| format!("{n:>w$}"));
    let numbers = match (line.label, line.kind) {
        (Some(label), _) => format!("{:>width$}", label, width = 2 * w + 1),
        (None, LineKind::Add | LineKind::Remove | LineKind::Context) => {
            format!("{} {}", num(line.old), num(line.new))
        }
        (None, _) => format!("{} {}", " ".repeat(w), num(line.new)),
    };
    let mark = match (line.worst(), line.kind) {
        (Some(s), _) => Span::styled(Theme::severity_mark(s), theme.severity(s)),
        (None, LineKind::Annotation(_)) => Span::styled("│", theme.dim),
        (None, LineKind::Note(id)) if Some(id) == target => Span::styled(
            "✎",
            theme.note.add_modifier(ratatui::style::Modifier::REVERSED),
        ),
        (None, LineKind::Note(_)) => Span::styled("✎", theme.note),
        (
            None,
            LineKind::ReplyTrailer {
                state: ReplyTrailerState::Warning,
                ..
            },
        ) => Span::styled("?", theme.waived),
        (None, LineKind::ReplyTrailer { .. }) => Span::styled("✓", theme.add),
        (None, LineKind::Add) => Span::styled("+", theme.add),
        (None, LineKind::Remove) => Span::styled("-", theme.remove),
        _ => Span::raw(" "),
    };
    vec![
        Span::styled(numbers, theme.dim),
        Span::raw(" "),
        mark,
        Span::raw(" "),
    ]
}

fn text_spans(
    state: &AppState,
    view: &PatchView,
    li: usize,
    line: &ViewLine,
) -> Vec<Span<'static>> {
    let theme = &state.theme;
    let mut layers: Vec<(usize, usize, Style)> = Vec::new();
    // Matches are in line order: find this line's with a binary search.
    let matches = &view.search.matches;
    let first = matches.partition_point(|m| m.0 < li);
    for (i, &(l, s, e)) in matches.iter().enumerate().skip(first) {
        if l != li {
            break;
        }
        let st = if view.search.current == Some(i) {
            theme.search_current
        } else {
            theme.search
        };
        layers.push((s, e, st));
    }
    // Finding spans over search matches; the worst severity drawn last.
    let mut marks = line.marks.clone();
    marks.sort_by_key(|m| m.severity);
    let current = view
        .current
        .and_then(|c| view.model.finding_order.get(c))
        .copied();
    for m in marks {
        let mut st = theme.finding_span(m.severity);
        if Some(m.finding) == current {
            st = st.add_modifier(ratatui::style::Modifier::REVERSED);
        }
        layers.push((m.start, m.end, st));
    }
    let mut base = base_style(theme, line.kind);
    if let LineKind::Interdiff { outer } = line.kind {
        let (inner, marker) = dual_color(theme, outer, &line.text);
        base = inner;
        if let Some(m) = marker {
            layers.insert(0, (0, outer.len_utf8().min(line.text.len()), m));
        }
    }
    let mut spans = Layered {
        text: &line.text,
        base,
        layers,
    }
    .spans();
    if let LineKind::ReplyTrailer {
        state: ReplyTrailerState::Warning,
        ..
    } = line.kind
        && let Some(key) = state
            .keymap
            .hint(Context::Patch, Action::AcceptReplyTrailer)
    {
        spans.push(Span::styled(format!(" — {key} accepts"), theme.dim));
    }
    spans
}

/// The versions part of the patch header: which view this is and the key back, or that
/// the patch changed since the maintainer reviewed its previous version.
fn versions_info(state: &AppState, view: &PatchView) -> Vec<Span<'static>> {
    use crate::tui::state::Shown;
    let theme = &state.theme;
    let key = |a: Action| state.keymap.hint(Context::Patch, a).unwrap_or_default();
    let version = |k: usize| state.series_at(k).map_or(1, |s| s.version.max(1));
    let newer = match view.shows {
        Shown::Previous { newer } => newer,
        _ => view.index,
    };
    let v = state.version_of(newer);
    let was = v.map_or(1, |v| version(v.previous_series));
    let text = match view.shows {
        Shown::Patch => {
            let Some(v) = v.filter(|v| v.change == crate::revisions::Change::Changed) else {
                return Vec::new();
            };
            let reviewed = v.previous.is_some_and(|old| {
                state.status_of(old) != "new" || !state.notes_of(old).is_empty()
            });
            let what = if reviewed {
                format!(" changed since you reviewed v{was}")
            } else {
                format!(" changed since v{was}")
            };
            let mut out = vec![Span::styled(
                what,
                if reviewed { theme.waived } else { theme.dim },
            )];
            out.push(Span::styled(
                format!(" ({} interdiff)", key(Action::ShowInterdiff)),
                theme.dim,
            ));
            return out;
        }
        Shown::Previous { .. } => format!(
            " previous version (v{was}{}) · {} back",
            if state.is_archived(view.index) {
                ", from the archive of reviewed patches, read-only"
            } else {
                ""
            },
            key(Action::ShowPrevious)
        ),
        Shown::Interdiff => format!(
            " interdiff against v{was} · {} back",
            key(Action::ShowInterdiff)
        ),
        Shown::RangeDiff { series, .. } => {
            let prev = state
                .versions
                .families
                .previous
                .get(series)
                .copied()
                .flatten()
                .map_or(1, version);
            format!(" v{} against v{prev}", version(series))
        }
    };
    vec![Span::styled(text, theme.key)]
}

/// Paints the patch view.
pub fn render(state: &AppState, view: &PatchView, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let w = area.width as usize;
    let Some(patch) = state.patch_at(view.index) else {
        return;
    };
    let summary = state.summaries.get(view.index);
    let buf = frame.buffer_mut();
    // Header: subject bar, then author, date and counts.
    let bar = match view.shows {
        crate::tui::state::Shown::RangeDiff { series, .. } => {
            let s = state.queue.series.get(series);
            format!(
                " range-diff · {}",
                crate::safe::line(s.map_or("", |s| s.title.as_str()), false).0
            )
        }
        _ => format!(" {}", patch.subject.raw),
    };
    buf.set_string(area.x, area.y, fit(&bar, w), theme.bar);
    // What a versions view shows, and the desk's marks first, so a narrow screen still
    // shows them.
    let mut info: Vec<Span> = versions_info(state, view);
    // Until the check is done the patch shows no findings, and says why.
    if state.loading.is_some() {
        info.push(Span::styled(" checking…", theme.dim));
    }
    let status = state.status_of(view.index);
    for (on, text, style) in [
        (state.nacked.contains(&patch.key), "NACK", theme.nack),
        (state.waived.contains(&patch.key), "waived", theme.waived),
        (status != "new", status.as_str(), theme.key),
    ] {
        if on {
            info.push(Span::raw(" "));
            info.push(Span::styled(text.to_string(), style));
        }
    }
    info.push(Span::raw(format!(
        " {}",
        crate::safe::line(&patch.author.display(), false).0
    )));
    if let Some(d) = patch.date {
        info.push(Span::styled(
            format!(" · {}", d.format("%Y-%m-%d %H:%M %z")),
            theme.dim,
        ));
    }
    if let Some(s) = summary {
        let mut bits = vec![format!("v{}", s.version)];
        if let (Some(i), Some(t)) = (s.index, s.total) {
            bits.push(format!("{i}/{t}"));
        }
        bits.extend(
            patch
                .subject
                .tags
                .iter()
                .map(|t| crate::safe::line(t, false).0),
        );
        info.push(Span::styled(format!(" · {}", bits.join(" ")), theme.dim));
    }
    if patch.has_diff() {
        info.push(Span::styled(
            format!(
                " · {} file{}",
                patch.diff.len(),
                if patch.diff.len() == 1 { "" } else { "s" }
            ),
            theme.dim,
        ));
        info.push(Span::styled(format!(" +{}", patch.insertions()), theme.add));
        info.push(Span::styled(
            format!(" -{}", patch.deletions()),
            theme.remove,
        ));
    }
    if let Some(s) = summary {
        info.push(Span::raw(" · "));
        for (n, sev, l) in [
            (s.counts.errors, Severity::Error, "E"),
            (s.counts.warnings, Severity::Warning, "W"),
            (s.counts.infos, Severity::Info, "i"),
        ] {
            if n > 0 {
                info.push(Span::styled(format!("{l}{n} "), theme.severity(sev)));
            }
        }
        if s.counts.is_empty() {
            info.push(Span::styled("no findings", theme.dim));
        }
    }
    buf.set_line(area.x, area.y + 1, &Line::from(info), area.width);
    let top = 2 + state.header_extra() as u16;
    if let Some(owners) = state.owners_of(view.index) {
        buf.set_line(area.x, area.y + 2, &owners_line(theme, owners), area.width);
    }

    // Body.
    let body_h = state.body_height();
    let text_w = state.text_width();
    let target = state.note_target();
    let mut y = area.y + top;
    let bottom = area.y + top + body_h as u16;
    for &li in view.visible.iter().skip(view.offset) {
        if y >= bottom {
            break;
        }
        let Some(line) = view.model.lines.get(li) else {
            break;
        };
        let g = gutter(theme, view, line, target);
        let spans = text_spans(state, view, li, line);
        if view.wrap {
            for (k, row) in wrap_spans(spans, text_w).into_iter().enumerate() {
                if y >= bottom {
                    break;
                }
                let mut all = if k == 0 {
                    g.clone()
                } else {
                    vec![Span::raw(" ".repeat(2 * view.model.number_width + 4))]
                };
                all.extend(row);
                buf.set_line(area.x, y, &Line::from(all), area.width);
                y += 1;
            }
        } else {
            let mut all = g;
            all.extend(spans);
            buf.set_line(area.x, y, &Line::from(all), area.width);
            y += 1;
        }
    }
    if view.visible.is_empty() {
        buf.set_string(area.x + 2, y, "(empty)", theme.dim);
    }

    let pane = state.pane_height();
    if pane > 0 {
        render_pane(
            state,
            view,
            frame,
            Rect {
                x: area.x,
                y: bottom,
                width: area.width,
                height: pane as u16,
            },
        );
    }
}

/// The header's MAINTAINERS line: the sections touched, then the people (not the lists),
/// and the files no section covers.
fn owners_line(theme: &Theme, owners: &crate::maintainers::Lookup) -> Line<'static> {
    let safe = |t: &str| crate::safe::line(t, false).0;
    let mut spans = vec![Span::styled(" sections: ", theme.dim)];
    if owners.sections.is_empty() {
        spans.push(Span::styled("none", theme.dim));
    } else {
        spans.push(Span::styled(safe(&owners.sections.join(", ")), theme.title));
    }
    let people: Vec<String> = owners
        .people
        .iter()
        .filter(|p| p.is_person())
        .map(|p| {
            let who = if p.name.is_empty() { &p.email } else { &p.name };
            format!("{} ({})", safe(who), p.role)
        })
        .collect();
    if !people.is_empty() {
        spans.push(Span::styled(" · ", theme.dim));
        spans.push(Span::raw(people.join(", ")));
    }
    if !owners.uncovered.is_empty() {
        spans.push(Span::styled(
            format!(
                " · !! no section covers {}",
                safe(&owners.uncovered.join(", "))
            ),
            theme.severity(Severity::Warning),
        ));
    }
    Line::from(spans)
}

fn render_pane(state: &AppState, view: &PatchView, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let findings = state.versions.findings_of(&state.findings, view.index);
    let order = &view.model.finding_order;
    let buf = frame.buffer_mut();
    let title = format!("─ findings ({}) ", order.len());
    let rule = "─".repeat((area.width as usize).saturating_sub(title.chars().count()));
    buf.set_string(area.x, area.y, format!("{title}{rule}"), theme.dim);
    let rows = area.height.saturating_sub(1) as usize;
    let current = view.current.unwrap_or(0);
    // The selected finding takes three rows (message, source, rationale); keep it on screen.
    let start = current.saturating_sub(rows.saturating_sub(3));
    let mut y = area.y + 1;
    for (pos, &fi) in order.iter().enumerate().skip(start) {
        if y >= area.bottom() {
            break;
        }
        let Some(f) = findings.get(fi) else { continue };
        let here = match (&f.location.file, f.location.part) {
            (Some(file), Part::Diff) => format!("{file}:{}", f.location.line),
            (_, part) => format!("{} {}", part.as_str(), f.location.line),
        };
        let is_current = view.current == Some(pos);
        let mut spans = vec![
            Span::styled(
                format!(" {} ", Theme::severity_mark(f.severity)),
                theme.severity(f.severity),
            ),
            Span::styled(format!("{} ", f.rule), theme.severity(f.severity)),
            Span::styled(format!("{here}  "), theme.dim),
            Span::raw(f.message.clone()),
        ];
        if !is_current {
            spans.push(Span::styled(format!("  — {}", f.source), theme.dim));
        }
        let mut line = Line::from(spans);
        if is_current {
            line = line.patch_style(theme.selected);
        }
        buf.set_line(area.x, y, &line, area.width);
        y += 1;
        if is_current && y < area.bottom() {
            buf.set_line(
                area.x,
                y,
                &Line::from(vec![Span::styled(
                    format!("   source: {}", f.source),
                    theme.dim,
                )]),
                area.width,
            );
            y += 1;
        }
        // The rule's rationale, from the policy catalogue.
        let why = crate::policy::catalogue::rule(&f.rule).map(|r| r.rationale);
        if let (true, Some(why)) = (is_current, why)
            && y < area.bottom()
        {
            buf.set_line(area.x, y, &Line::from(format!("   why: {why}")), area.width);
            y += 1;
        }
    }
}

/// A centred box of `w`×`h` within `area`.
pub fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height.saturating_sub(1));
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height.saturating_sub(1) - h) / 2,
        width: w,
        height: h,
    }
}

/// Paints the file list over the patch.
pub fn render_files(
    state: &AppState,
    view: &PatchView,
    selected: usize,
    frame: &mut Frame,
    area: Rect,
) {
    let theme = &state.theme;
    let files = &view.model.files;
    let w = files
        .iter()
        .map(|f| f.path.chars().count())
        .max()
        .unwrap_or(10) as u16
        + 36;
    let rect = centred(area, w.max(30), files.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    let block = Block::default().borders(Borders::ALL).title(" files ");
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let buf = frame.buffer_mut();
    let rows = inner.height as usize;
    let start = selected.saturating_sub(rows.saturating_sub(1));
    for (i, f) in files.iter().enumerate().skip(start).take(rows) {
        let y = inner.y + (i - start) as u16;
        let mut spans = vec![
            Span::raw(fit(&f.path, (inner.width as usize).saturating_sub(32))),
            Span::styled(format!(" +{:<4}", f.adds), theme.add),
            Span::styled(format!("-{:<4}", f.dels), theme.remove),
        ];
        if f.findings > 0 {
            spans.push(Span::styled(
                format!(
                    " {} finding{}",
                    f.findings,
                    if f.findings == 1 { "" } else { "s" }
                ),
                theme.severity(Severity::Warning),
            ));
        }
        let mut line = Line::from(spans);
        if i == selected {
            line = line.patch_style(theme.selected);
        }
        buf.set_line(inner.x, y, &line, inner.width);
    }
}
