//! The queue view: a title bar, column headings, and one row per series, patch or gap.

use super::text::{Layered, char_ranges, fit};
use crate::triage::status::Status;
use crate::tui::list::{Row, group_counts};
use crate::tui::state::AppState;
use crate::tui::summary::{Counts, Reviews, Summary};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Column widths for a terminal width.
struct Columns {
    status: usize,
    version: usize,
    n: usize,
    subject: usize,
    author: usize,
    age: usize,
    reviews: usize,
    findings: usize,
}

/// The status as the narrow column shows it (`changes-requested` is `changes`; a deferral
/// until a date this year is `def 12-24`, in another year `def 2027`), and whether it is a
/// deferral that has fallen due by `today`.
fn short_status(status: &Status, today: chrono::NaiveDate) -> (String, bool) {
    use chrono::Datelike;
    if let Status::Deferred { until: Some(date) } = status
        && let Ok(d) = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
    {
        let text = if d.year() == today.year() {
            d.format("def %m-%d").to_string()
        } else {
            d.format("def %Y").to_string()
        };
        let due = status.is_due(today);
        return (text, due);
    }
    let text = match status {
        Status::UnderReview => "reviewing",
        Status::ChangesRequested => "changes",
        other => other.name(),
    };
    (text.to_string(), false)
}

impl Columns {
    fn for_width(w: usize) -> Columns {
        let wide = w >= 110;
        let mut c = Columns {
            status: if wide { 10 } else { 9 },
            version: 3,
            n: 5,
            subject: 0,
            author: if wide { 18 } else { 12 },
            age: 4,
            reviews: 5,
            findings: if wide { 12 } else { 9 },
        };
        let fixed = c.status + c.version + c.n + c.author + c.age + c.reviews + c.findings + 8;
        c.subject = w.saturating_sub(fixed).max(8);
        c
    }
}

/// Relative age: `45m`, `5h`, `3d`, `2w`, `4mo`, `1y`.
pub fn age(state: &AppState, s: &Summary) -> String {
    let Some(d) = s.date else { return "-".into() };
    let mins = (state.now.timestamp() - d.timestamp()) / 60;
    match mins {
        m if m < 0 => "now".into(),
        m if m < 60 => format!("{m}m"),
        m if m < 60 * 48 => format!("{}h", m / 60),
        m if m < 60 * 24 * 14 => format!("{}d", m / (60 * 24)),
        m if m < 60 * 24 * 60 => format!("{}w", m / (60 * 24 * 7)),
        m if m < 60 * 24 * 365 => format!("{}mo", m / (60 * 24 * 30)),
        m => format!("{}y", m / (60 * 24 * 365)),
    }
}

fn reviews_text(r: Reviews) -> String {
    let f = |n: u16| {
        if n == 0 {
            "·".to_string()
        } else if n > 9 {
            "+".to_string()
        } else {
            n.to_string()
        }
    };
    format!("{} {} {}", f(r.acked), f(r.reviewed), f(r.tested))
}

fn counts_spans(state: &AppState, c: Counts, width: usize) -> Vec<Span<'static>> {
    use crate::policy::Severity;
    let mut spans = Vec::new();
    if state.loading.is_some() {
        // Shown before its check: nothing is known yet, not "ok".
        spans.push(Span::styled("…", state.theme.dim));
        spans.push(Span::raw(" ".repeat(width.saturating_sub(1))));
        return spans;
    }
    let mut used = 0;
    for (n, sev, letter) in [
        (c.errors, Severity::Error, "E"),
        (c.warnings, Severity::Warning, "W"),
        (c.infos, Severity::Info, "i"),
    ] {
        if n == 0 {
            continue;
        }
        let t = format!("{letter}{n} ");
        used += t.len();
        spans.push(Span::styled(t, state.theme.severity(sev)));
    }
    if spans.is_empty() {
        spans.push(Span::styled("ok", state.theme.dim));
        used = 2;
    }
    spans.push(Span::raw(" ".repeat(width.saturating_sub(used))));
    spans
}

/// The tree branch before a patch row.
fn branch(last_child: bool) -> &'static str {
    if last_child { "  └ " } else { "  ├ " }
}

/// Paints the queue view.
pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let buf = frame.buffer_mut();
    let w = area.width as usize;
    // Title bar: what the messages read were taken as (they add up to `messages`).
    let c = state.queue.counts();
    let mut title = format!(
        " patchdesk  {}  {} series · {} patches · {} replies · {} messages · profile {}",
        state.queue.source,
        state.list.groups.len(),
        c.patches,
        c.replies,
        c.messages,
        state.profile
    );
    if c.duplicates > 0 {
        title.push_str(&format!("  · {} duplicates set aside", c.duplicates));
    }
    if let Some(l) = &state.loading {
        match l.total {
            Some(t) if t > 0 => title.push_str(&format!(
                "  · {} {}/{} ({}%)",
                l.what,
                l.done,
                t,
                l.done * 100 / t
            )),
            _ if l.done == 0 => title.push_str(&format!("  · {}…", l.what)),
            _ => title.push_str(&format!("  · {} {}…", l.what, l.done)),
        }
    }
    if !state.queue.skipped.is_empty() {
        title.push_str(&format!("  · {} skipped", state.queue.skipped.len()));
    }
    buf.set_string(area.x, area.y, fit(&title, w), theme.bar);

    let cols = Columns::for_width(w);
    let head = format!(
        "{} {} {} {} {} {} {} {}",
        fit("status", cols.status),
        fit("v", cols.version),
        fit("n/N", cols.n),
        fit("subject", cols.subject),
        fit("author", cols.author),
        fit("age", cols.age),
        fit("A R T", cols.reviews),
        fit("findings", cols.findings),
    );
    buf.set_string(area.x, area.y + 1, fit(&head, w), theme.header);

    let height = area.height.saturating_sub(3) as usize;
    if state.list.rows.is_empty() {
        let msg = if state.loading.is_some() {
            "loading…"
        } else if state.matches.is_some() {
            "nothing matches the filter"
        } else {
            "the queue is empty"
        };
        buf.set_string(area.x + 2, area.y + 2, msg, theme.dim);
        return;
    }
    for (i, row) in state
        .list
        .rows
        .iter()
        .skip(state.list.offset)
        .take(height)
        .enumerate()
    {
        let y = area.y + 2 + i as u16;
        let selected = state.list.offset + i == state.list.selected;
        let index = state.list.offset + i;
        let last_child = !matches!(
            state.list.rows.get(index + 1),
            Some(Row::Child { .. } | Row::Gap { .. })
        );
        let line = row_line(state, *row, last_child, &cols);
        let line = if selected {
            line.patch_style(theme.selected)
        } else {
            line
        };
        buf.set_line(area.x, y, &line, area.width);
        if selected {
            buf.set_style(
                Rect {
                    x: area.x,
                    y,
                    width: area.width,
                    height: 1,
                },
                theme.selected,
            );
        }
    }
}

/// True when a row gets the note mark: a patch row for notes on the patch or its lines, a
/// series row for notes on the series (and, folded, on any of its patches).
fn has_note_mark(state: &AppState, row: Row) -> bool {
    use crate::tui::patch_model::NoteAnchor;
    let own = |p: usize| state.notes_of(p).iter().any(|n| n.on != NoteAnchor::Series);
    match row {
        Row::Child { patch, .. } => own(patch),
        Row::Gap { .. } => false,
        Row::Head { group } => {
            let Some(g) = state.list.groups.get(group) else {
                return false;
            };
            let series_note = g
                .patches()
                .next()
                .is_some_and(|p| state.notes_of(p).iter().any(|n| n.on == NoteAnchor::Series));
            let folded = state.list.folded.contains(&group) && state.matches.is_none();
            series_note || g.head.is_some_and(own) || (folded && g.children.iter().any(|&p| own(p)))
        }
    }
}

/// One row of the tree; `last_child` draws the branch that closes its series (└).
fn row_line(state: &AppState, row: Row, last_child: bool, cols: &Columns) -> Line<'static> {
    let theme = &state.theme;
    let list = &state.list;
    let (group, patch, prefix) = match row {
        Row::Head { group } => {
            let marker = if !list.has_children(group) {
                "  "
            } else if list.folded.contains(&group) && state.matches.is_none() {
                "▸ "
            } else {
                "▾ "
            };
            (group, list.groups.get(group).and_then(|g| g.head), marker)
        }
        Row::Child { group, patch } => (group, Some(patch), branch(last_child)),
        Row::Gap { group, .. } => (group, None, branch(last_child)),
    };
    let g = list.groups.get(group);
    let series = g
        .and_then(|g| g.series)
        .and_then(|s| state.queue.series.get(s));
    let mut spans: Vec<Span<'static>> = Vec::new();
    let summary = patch.and_then(|p| state.summaries.get(p));
    let status = patch.map(|p| state.status_of(p)).unwrap_or_default();
    let (short, due) = match patch {
        Some(p) => short_status(&state.status(p), state.now.date_naive()),
        None => (String::new(), false),
    };
    spans.push(Span::styled(
        format!("{} ", fit(&short, cols.status)),
        if status == "new" || status.is_empty() {
            Style::new()
        } else if due {
            theme.waived
        } else {
            theme.key
        },
    ));
    let version = summary
        .map(|s| s.version)
        .or(series.map(|s| s.version))
        .unwrap_or(1);
    spans.push(Span::styled(
        format!("{} ", fit(&format!("v{version}"), cols.version)),
        theme.dim,
    ));
    let n = match row {
        Row::Gap { n, .. } => format!("{n}/{}", series.and_then(|s| s.total).unwrap_or(0)),
        _ => match (
            summary.and_then(|s| s.index),
            summary
                .and_then(|s| s.total)
                .or(series.and_then(|s| s.total)),
        ) {
            (Some(i), Some(t)) => format!("{i}/{t}"),
            (None, Some(t)) => format!("-/{t}"),
            _ => String::new(),
        },
    };
    spans.push(Span::raw(format!("{} ", fit(&n, cols.n))));

    // Subject with the tree prefix and highlighted matches.
    let mut subject_width = cols.subject.saturating_sub(prefix.chars().count());
    spans.push(Span::styled(prefix.to_string(), theme.dim));
    // Desk marks before the subject: a NACK from a reply, a recorded waiver.
    let key = patch
        .and_then(|p| state.queue.patches.get(p))
        .map(|p| &p.key);
    for (set, mark, style) in [
        (&state.nacked, "NACK", theme.nack),
        (&state.waived, "waived", theme.waived),
    ] {
        if key.is_some_and(|k| set.contains(k)) && subject_width > mark.len() + 8 {
            spans.push(Span::styled(mark, style));
            spans.push(Span::raw(" "));
            subject_width -= mark.len() + 1;
        }
    }
    // Mine (a MAINTAINERS section of mine, or addressed to me without a tree).
    if !matches!(row, Row::Gap { .. }) && summary.is_some_and(|s| s.mine) && subject_width > 10 {
        spans.push(Span::styled("@ ", theme.key));
        subject_width -= 2;
    }
    // Versions: on a series' own row, the earlier versions the queue holds; on a patch,
    // what it is against the previous version (`=` `!` `+`) and the findings new in it.
    if let (Row::Head { group }, Some(k)) = (row, g.and_then(|g| g.series)) {
        let earlier = state.versions.earlier(k);
        if !earlier.is_empty() {
            let names: Vec<String> = earlier
                .iter()
                .filter_map(|&e| state.series_at(e))
                .map(|s| format!("v{}", s.version.max(1)))
                .collect();
            let mark = format!("↻{} ", names.join(" "));
            let width = mark.chars().count();
            if subject_width > width + 10 && (list.has_children(group) || patch.is_some()) {
                spans.push(Span::styled(mark, theme.dim));
                subject_width -= width;
            }
        }
    }
    if let Some(v) = patch.and_then(|p| state.version_of(p))
        && subject_width > 14
    {
        let style = match v.mark() {
            '=' => theme.dim,
            '!' => theme.key,
            _ => theme.title,
        };
        spans.push(Span::styled(v.mark().to_string(), style));
        subject_width -= 1;
        if v.new_findings > 0 {
            let count = format!("▲{}", v.new_findings);
            subject_width -= count.chars().count();
            spans.push(Span::styled(
                count,
                theme.severity(crate::policy::Severity::Warning),
            ));
        }
        spans.push(Span::raw(" "));
        subject_width -= 1;
    }
    if has_note_mark(state, row) && subject_width > 10 {
        spans.push(Span::styled("✎ ", theme.note));
        subject_width -= 2;
    }
    let highlights = summary
        .filter(|_| !state.query.fuzzy.is_empty())
        .map(|s| state.filter.highlights(s, &state.query.fuzzy))
        .unwrap_or_default();
    match (row, summary) {
        (Row::Gap { n, .. }, _) => spans.push(Span::styled(
            fit(&format!("(patch {n} not received)"), subject_width),
            theme.gap,
        )),
        (_, Some(s)) => {
            let text = fit(&s.title, subject_width);
            let context_only = patch.is_some_and(|p| !list.passes.get(p).copied().unwrap_or(true));
            let base = if context_only {
                theme.dim
            } else if matches!(row, Row::Head { .. }) && list.has_children(group) {
                theme.title
            } else {
                Style::new()
            };
            let layers = char_ranges(&text, &highlights.title)
                .into_iter()
                .map(|(a, b)| (a, b, theme.matched))
                .collect();
            spans.extend(
                Layered {
                    text: &text,
                    base,
                    layers,
                }
                .spans(),
            );
        }
        (_, None) => {
            let title = series.map_or("", |s| s.title.as_str());
            spans.push(Span::styled(fit(title, subject_width), theme.title));
        }
    }
    spans.push(Span::raw(" "));
    // Author.
    let author = match row {
        Row::Gap { .. } => String::new(),
        _ => summary
            .or_else(|| {
                g.and_then(|g| g.children.first())
                    .and_then(|p| state.summaries.get(*p))
            })
            .map(|s| s.author.clone())
            .unwrap_or_default(),
    };
    let text = fit(&author, cols.author);
    let layers = char_ranges(&text, &highlights.author)
        .into_iter()
        .map(|(a, b)| (a, b, theme.matched))
        .collect();
    spans.extend(
        Layered {
            text: &text,
            base: Style::new(),
            layers,
        }
        .spans(),
    );
    spans.push(Span::raw(" "));
    let age_text = summary.map(|s| age(state, s)).unwrap_or_default();
    spans.push(Span::styled(
        format!("{} ", fit(&age_text, cols.age)),
        theme.dim,
    ));
    let reviews = summary.map(|s| reviews_text(s.reviews)).unwrap_or_default();
    spans.push(Span::raw(format!("{} ", fit(&reviews, cols.reviews))));
    // Findings: a head row of a series sums its patches.
    let counts = match row {
        Row::Gap { .. } => None,
        Row::Head { group } if list.has_children(group) => {
            g.map(|g| group_counts(g, &state.summaries))
        }
        _ => summary.map(|s| s.counts),
    };
    if let Some(c) = counts {
        spans.extend(counts_spans(state, c, cols.findings));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::short_status;
    use crate::triage::status::Status;

    #[test]
    fn deferrals_show_their_date_and_whether_they_are_due() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
        let s = |t: &str| short_status(&Status::parse(&t.replace(" until ", ":")).unwrap(), today);
        assert_eq!(s("deferred until 2026-12-24"), ("def 12-24".into(), false));
        assert_eq!(s("deferred until 2026-11-20"), ("def 11-20".into(), true));
        assert_eq!(s("deferred until 2027-01-05"), ("def 2027".into(), false));
        assert_eq!(s("deferred"), ("deferred".into(), false));
        assert_eq!(s("changes-requested"), ("changes".into(), false));
    }
}
