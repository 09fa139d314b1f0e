//! `patchdesk list`: series and patches as a compact table, or JSON.

use super::json::{ListJson, SeriesJson, add_maintainers};
use super::{Format, ListArgs, emit};
use crate::Result;
use crate::cache::FactsAt;
use crate::maintainers::Lookup;
use crate::queue::Queue;
use std::fmt::Write;

/// Runs `list`.
pub fn run(args: &ListArgs) -> Result<i32> {
    if args.filter.is_none() && args.format == Format::Text {
        return run_plain(args);
    }
    // A plain listing reads no patch's text (only what the meta holds): a cache's texts
    // are checked only if one is read. A filter checks the patches, so it reads them all.
    let queue = match &args.filter {
        Some(_) => args.source.load()?,
        // The JSON gives each patch's files and counts, and its families their patch-ids.
        None => args.source.load_for_listing(FactsAt::Load)?,
    };
    // The families are linked once: for their warnings and for the JSON.
    let families = (args.format == Format::Json).then(|| crate::revisions::link(&queue));
    if let Some(families) = &families {
        super::revisions::warn_families(families);
    }
    let maintainers = args.source.maintainers()?;
    // Each patch's sections and people, looked up once for the filter and the JSON.
    let (keep, owners) = match &args.filter {
        Some(query) => {
            let (profile, _) = args.profile.select(&args.source.spec()?)?;
            let (findings, owners) =
                super::filter::check_owned(&queue, &profile, maintainers.as_ref());
            let keep = super::filter::keep(&queue, &findings, &owners, query)?;
            (Some(keep), owners)
        }
        None => match (&maintainers, args.format) {
            (Some(m), Format::Json) => (None, crate::query::owners_of(&queue, m)),
            _ => (None, Vec::new()),
        },
    };
    let owners = maintainers.as_ref().map(|_| owners.as_slice());
    match &families {
        // The plain JSON is written as it is made: it is as large as the queue's meta.
        Some(families) if owners.is_none() && keep.is_none() => stream_json(&queue, families)?,
        Some(families) => emit(&to_json_linked(&queue, families, owners, keep.as_deref()))?,
        None => emit(&to_text_kept(&queue, keep.as_deref()))?,
    }
    // The process ends next, and the system takes its memory back at once: freeing a large
    // queue patch by patch would cost a tenth of a reopen.
    std::mem::forget(queue);
    Ok(0)
}

/// Runs a plain `list`: the table, kept beside the source's cache
/// ([`crate::cache::listing`]) and printed from there while the source is unchanged.
fn run_plain(args: &ListArgs) -> Result<i32> {
    // (The source is named, and then the window read, in the order a load does.)
    let spec = args.source.spec()?;
    let kept = args.source.listing_file(&spec)?;
    if let Some(file) = &kept {
        match file.read() {
            Ok(text) => {
                args.source.report_cache(&spec, &"hit (the listing kept)");
                // (What --tree names is read as it would be: a bad tree is an error.)
                args.source.maintainers()?;
                emit(&text)?;
                return Ok(0);
            }
            Err(Some(why)) => args
                .source
                .report_cache(&spec, &format!("listing not used ({why})")),
            Err(None) => {}
        }
    }
    // A plain listing reads no patch's text (only what the meta holds): a cache's texts
    // are checked only if one is read.
    let queue = args.source.load_for_listing(FactsAt::FirstUse)?;
    args.source.maintainers()?;
    let text = to_text(&queue);
    emit(&text)?;
    if let Some(file) = kept {
        file.write(&text);
    }
    // (As in `run`: the system takes the memory back at once.)
    std::mem::forget(queue);
    Ok(0)
}

/// The JSON form.
pub fn to_json(queue: &Queue) -> String {
    to_json_kept(queue, None, None)
}

/// The JSON form of the patches `keep` keeps (all without it), each with its
/// `"maintainers"` and `"sections"` when `owners` (indexed like the queue's patches) are
/// known; a series none of whose patches is kept is left out.
pub fn to_json_kept(queue: &Queue, owners: Option<&[Lookup]>, keep: Option<&[bool]>) -> String {
    to_json_linked(queue, &crate::revisions::link(queue), owners, keep)
}

/// [`to_json_kept`] with the queue's families already linked ([`crate::revisions::link`]).
pub fn to_json_linked(
    queue: &Queue,
    families: &crate::revisions::Families,
    owners: Option<&[Lookup]>,
    keep: Option<&[bool]>,
) -> String {
    let reviews = queue.all_review_counts();
    let list = list_json(queue, families, &reviews);
    if owners.is_none() && keep.is_none() {
        return pretty_json(&list, queue.patches.len());
    }
    // (serde_json's Value orders keys by name; only the output with a tree or a filter goes
    // through it.)
    let mut value = serde_json::to_value(&list).unwrap_or_default();
    {
        let series = value.get_mut("series").and_then(|s| s.as_array_mut());
        for (sj, s) in series.into_iter().flatten().zip(&queue.series) {
            let patches = sj.get_mut("patches").and_then(|p| p.as_array_mut());
            let patches = patches.map(std::mem::take).unwrap_or_default();
            let mut kept_patches = Vec::new();
            for (mut pj, &i) in patches.into_iter().zip(&s.patches) {
                if keep.is_some_and(|k| !k.get(i).copied().unwrap_or(false)) {
                    continue;
                }
                if let Some(lookup) = owners.and_then(|o| o.get(i)) {
                    add_maintainers(&mut pj, lookup);
                }
                kept_patches.push(pj);
            }
            let cover_kept = s
                .cover
                .is_some_and(|c| keep.is_none_or(|k| k.get(c).copied().unwrap_or(false)));
            if let Some(p) = sj.get_mut("patches") {
                *p = serde_json::Value::Array(kept_patches);
            }
            if !cover_kept && sj["patches"].as_array().is_some_and(|a| a.is_empty()) {
                *sj = serde_json::Value::Null;
            }
        }
        if let Some(series) = value.get_mut("series").and_then(|s| s.as_array_mut()) {
            series.retain(|s| !s.is_null());
        }
    }
    pretty_json(&value, queue.patches.len())
}

/// The JSON form's document, `reviews` being [`Queue::all_review_counts`].
fn list_json<'a>(
    queue: &'a Queue,
    families: &'a crate::revisions::Families,
    reviews: &'a [crate::queue::ReviewCounts],
) -> ListJson<'a, SeriesOneByOne<'a>> {
    ListJson {
        series: SeriesOneByOne {
            queue,
            families,
            reviews,
        },
        skipped: &queue.skipped,
        counts: queue.counts(),
        window: queue.window.as_ref(),
    }
}

/// A queue's series in the JSON form, each made as it is written and dropped after: a
/// large queue's entries are never all held at once.
struct SeriesOneByOne<'a> {
    queue: &'a Queue,
    families: &'a crate::revisions::Families,
    reviews: &'a [crate::queue::ReviewCounts],
}

impl serde::Serialize for SeriesOneByOne<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.queue.series.len()))?;
        for k in 0..self.queue.series.len() {
            seq.serialize_element(&SeriesJson::new(self.queue, k, self.reviews, self.families))?;
        }
        seq.end()
    }
}

/// Writes the JSON form ([`to_json_linked`] without owners or a filter) to standard output
/// as it is made, made safe for a terminal on the way ([`crate::safe::SafeWriter`]).
fn stream_json(queue: &Queue, families: &crate::revisions::Families) -> Result<()> {
    use std::io::Write;
    let reviews = queue.all_review_counts();
    let list = list_json(queue, families, &reviews);
    // serde_json writes a few bytes at a time: they are made safe a buffer at a time.
    let safe = crate::safe::SafeWriter::new(std::io::stdout().lock());
    let mut out = std::io::BufWriter::with_capacity(1 << 16, safe);
    let written = serde_json::to_writer_pretty(&mut out, &list)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.into_inner().map_err(|e| e.into_error()))
        .and_then(|safe| safe.finish().map(drop));
    super::output_written(written)
}

/// `value` as pretty JSON ending in a newline, written into room for `patches` patches at
/// once: a large queue's JSON is grown without being copied again and again.
fn pretty_json(value: &impl serde::Serialize, patches: usize) -> String {
    // A patch's entry is about 1,800 bytes; room reserved and not written costs nothing.
    let mut out = Vec::with_capacity(2048 * (patches + 1));
    if serde_json::to_writer_pretty(&mut out, value).is_err() {
        return "\n".to_string();
    }
    out.push(b'\n');
    // serde_json writes only UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// Cuts `s` to at most `width` characters, marking the cut with `…`.
pub fn fit(s: &str, width: usize) -> std::borrow::Cow<'_, str> {
    if s.len() <= width || s.chars().count() <= width {
        return s.into();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out.into()
}

/// Which side of its column a cell keeps to.
#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}

/// The table's columns: the gap before each, its width in characters, and its side. The
/// subject and the author are cut to their widths ([`fit`]); no other cell is ever cut.
const COLUMNS: [(&str, usize, Align); 9] = [
    ("", 7, Align::Left),
    (" ", 2, Align::Right),
    (" ", 5, Align::Right),
    ("  ", 56, Align::Left),
    (" ", 22, Align::Left),
    (" ", 10, Align::Left),
    (" ", 2, Align::Right),
    (" ", 2, Align::Right),
    (" ", 2, Align::Right),
];
const SUBJECT_WIDTH: usize = COLUMNS[3].1;
const AUTHOR_WIDTH: usize = COLUMNS[4].1;

/// One line of the table: each cell in its column ([`COLUMNS`]).
fn push_row(out: &mut String, cells: [&str; 9]) {
    for (cell, (gap, width, align)) in cells.into_iter().zip(COLUMNS) {
        out.push_str(gap);
        push_cell(out, cell, width, align);
    }
    out.push('\n');
}

/// `text` padded with spaces to `width` characters (as `format!("{:<width$}")` or
/// `{:>width$}` pads), never cut.
fn push_cell(out: &mut String, text: &str, width: usize, align: Align) {
    let chars = if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    };
    let pad = width.saturating_sub(chars);
    if align == Align::Right {
        out.extend(std::iter::repeat_n(' ', pad));
    }
    out.push_str(text);
    if align == Align::Left {
        out.extend(std::iter::repeat_n(' ', pad));
    }
}

/// `n` in decimal, with zeros in front to at least `digits` digits.
fn push_number(out: &mut String, mut n: u64, digits: usize) {
    let mut buf = [b'0'; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let at = at.min(buf.len().saturating_sub(digits));
    out.extend(buf[at..].iter().map(|&d| char::from(d)));
}

/// The day of `date` where it was sent, `YYYY-MM-DD` (chrono's form for a year outside
/// 0..=9999).
fn push_day(out: &mut String, date: &chrono::DateTime<chrono::FixedOffset>) {
    use chrono::Datelike;
    let day = date.date_naive();
    let Ok(year @ 0..=9999) = u64::try_from(day.year()) else {
        let _ = write!(out, "{}", date.format("%Y-%m-%d"));
        return;
    };
    push_number(out, year, 4);
    out.push('-');
    push_number(out, u64::from(day.month()), 2);
    out.push('-');
    push_number(out, u64::from(day.day()), 2);
}

/// The table form.
pub fn to_text(queue: &Queue) -> String {
    to_text_kept(queue, None)
}

/// The table form of the patches `keep` keeps (all without it).
pub fn to_text_kept(queue: &Queue, keep: Option<&[bool]>) -> String {
    // A row is about 130 bytes.
    let mut out = String::with_capacity(130 * (queue.patches.len() + 1));
    let heading = [
        "PATCH", "v", "n/N", "SUBJECT", "AUTHOR", "DATE", "A", "R", "T",
    ];
    push_row(&mut out, heading);
    let all_reviews = queue.all_review_counts();
    // The rows are formatted in parallel, a run of series at a time, and joined in order.
    use rayon::prelude::*;
    let parts: Vec<String> = queue
        .series
        .par_chunks(512)
        .map(|run| {
            let mut part = String::with_capacity(130 * run.len());
            for series in run {
                series_rows(&mut part, queue, series, &all_reviews, keep);
            }
            part
        })
        .collect();
    out.extend(parts);
    let c = queue.counts();
    let _ = writeln!(
        out,
        "\n{} series, {} patches, {} replies, {} cover{}: {} messages read{}{}",
        queue.series.len(),
        c.patches,
        c.replies,
        c.covers,
        if c.covers == 1 { "" } else { "s" },
        c.messages,
        if c.duplicates == 0 {
            String::new()
        } else {
            format!(", {} duplicates set aside", c.duplicates)
        },
        if c.unreadable == 0 {
            String::new()
        } else {
            format!(", {} messages skipped", c.unreadable)
        }
    );
    for s in &queue.skipped {
        let _ = writeln!(
            out,
            "skipped: {}: message {} at byte {}: {}",
            s.source, s.index, s.offset, s.error
        );
    }
    if let Some(window) = &queue.window {
        let _ = writeln!(out, "{}", window.describe());
    }
    out
}

/// The rows of one series in the table form, written to `out` ([`push_row`]: put
/// together by hand rather than by `format!`, whose padding counts every text's characters
/// again, a tenth of reopening a large queue).
fn series_rows(
    out: &mut String,
    queue: &Queue,
    series: &crate::queue::Series,
    all_reviews: &[crate::queue::ReviewCounts],
    keep: Option<&[bool]>,
) {
    // The cells that are not a patch's own text, made anew for each row.
    let [mut position, mut version, mut counter, mut day]: [String; 4] = Default::default();
    let mut counts: [String; 3] = Default::default();
    let rows = series.cover.iter().chain(series.patches.iter());
    for &i in rows {
        if keep.is_some_and(|k| !k.get(i).copied().unwrap_or(false)) {
            continue;
        }
        let p = &queue.patches[i];
        let is_cover = series.cover == Some(i);
        for cell in [&mut position, &mut version, &mut counter, &mut day] {
            cell.clear();
        }
        push_number(&mut position, series.id as u64, 1);
        position.push('.');
        match (is_cover, p.subject.index) {
            (true, _) => position.push('0'),
            (false, Some(n)) => push_number(&mut position, u64::from(n), 1),
            (false, None) => {
                let pos = series.patches.iter().position(|&x| x == i).unwrap_or(0) + 1;
                push_number(&mut position, pos as u64, 1);
            }
        }
        push_number(&mut version, u64::from(series.version), 1);
        match p.subject.total {
            Some(total) => {
                let n = p.subject.index.unwrap_or(if is_cover { 0 } else { 1 });
                push_number(&mut counter, u64::from(n), 1);
                counter.push('/');
                push_number(&mut counter, u64::from(total), 1);
            }
            None => counter.push('-'),
        }
        if let Some(d) = p.date {
            push_day(&mut day, &d);
        }
        let reviews = all_reviews[i];
        for (cell, n) in counts
            .iter_mut()
            .zip([reviews.acked, reviews.reviewed, reviews.tested])
        {
            cell.clear();
            push_number(cell, n as u64, 1);
        }
        let author = if p.author.name.is_empty() {
            &p.author.email
        } else {
            &p.author.name
        };
        let [acked, reviewed, tested] = &counts;
        push_row(
            out,
            [
                &position,
                &version,
                &counter,
                &fit(&p.subject.title, SUBJECT_WIDTH),
                &fit(author, AUTHOR_WIDTH),
                &day,
                acked,
                reviewed,
                tested,
            ],
        );
    }
    if !series.missing.is_empty() {
        let total = series.total.unwrap_or(0);
        let missing: Vec<String> = series
            .missing
            .iter()
            .map(|n| format!("{n}/{total}"))
            .collect();
        let _ = writeln!(out, "{:<7}           missing: {}", "", missing.join(", "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_padded_as_format_pads_it_counting_characters() {
        for text in [
            "",
            "1.2",
            "Philippe Mathieu-Daudé",
            "日本語",
            "exactly-seven",
        ] {
            for width in [0, 2, 7, 22] {
                let (mut left, mut right) = (String::new(), String::new());
                push_cell(&mut left, text, width, Align::Left);
                push_cell(&mut right, text, width, Align::Right);
                assert_eq!(left, format!("{text:<width$}"));
                assert_eq!(right, format!("{text:>width$}"));
            }
        }
        let mut cut = String::new();
        push_cell(
            &mut cut,
            &fit("Ünïcödé characters past the width", 10),
            10,
            Align::Left,
        );
        assert_eq!(cut, "Ünïcödé c…");
    }

    #[test]
    fn numbers_and_days_are_written_as_format_writes_them() {
        for n in [0u64, 7, 10, 99, 12345, u64::MAX] {
            let mut out = String::new();
            push_number(&mut out, n, 1);
            assert_eq!(out, n.to_string());
        }
        for text in [
            "2025-09-05T23:59:59-07:00",
            "2025-01-01T00:30:00+14:00",
            "0001-02-03T04:05:06+00:00",
            "0000-12-31T23:00:00+00:00",
        ] {
            let date = chrono::DateTime::parse_from_rfc3339(text).unwrap();
            let mut out = String::new();
            push_day(&mut out, &date);
            assert_eq!(out, date.format("%Y-%m-%d").to_string(), "{text}");
        }
        let far = chrono::DateTime::from_timestamp(400_000_000_000, 0)
            .unwrap()
            .fixed_offset();
        let mut out = String::new();
        push_day(&mut out, &far);
        assert_eq!(out, far.format("%Y-%m-%d").to_string());
    }
}
