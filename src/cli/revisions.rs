//! `patchdesk revisions SOURCE SERIES [--against OLD]`: a series against an earlier version
//! of it (by default the newest earlier version the queue holds), as `git range-diff` shows
//! it: one line per pair (`1:  abc1234 ! 1:  def5678 subject`), the interdiff under each
//! changed pair, and the findings new, fixed or kept; or the same as JSON.

use super::check::ProfileArgs;
use super::{Format, SourceArgs, emit};
use crate::policy::check_queue;
use crate::queue::Queue;
use crate::revisions::{Families, Revision, compare, link, stale};
use crate::{Error, Result};
use clap::Args;
use serde::Serialize;

/// `patchdesk revisions`.
#[derive(Debug, Args)]
pub struct RevisionsArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// The series, numbered as `patchdesk list` numbers them.
    #[arg(value_name = "SERIES")]
    pub series: Option<String>,
    /// The older version to compare with (default: the series' previous version).
    #[arg(long, value_name = "OLD")]
    pub against: Option<String>,
    #[command(flatten)]
    pub profile: ProfileArgs,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

impl RevisionsArgs {
    /// With `--demo` the one positional argument is the SERIES.
    pub fn normalized(mut self) -> Self {
        if self.source.demo && self.series.is_none() {
            self.series = self.source.source.take();
        }
        self
    }
}

/// Writes the families' problems (a malformed change-id) to standard error.
pub fn warn_families(families: &Families) {
    for p in &families.problems {
        eprintln!("patchdesk: warning: {}", crate::safe::Safe(p));
    }
}

/// The position in [`Queue::series`] of the series a user named (`3`, or `3.0`).
pub fn find_series(queue: &Queue, name: &str) -> Result<usize> {
    let trimmed = name.trim();
    let digits = trimmed.strip_suffix(".0").unwrap_or(trimmed);
    let Ok(id) = digits.parse::<usize>() else {
        return Err(Error::Usage(format!(
            "{}: {name:?} is not a series number (use the number `patchdesk list` gives a series, e.g. 2)",
            queue.source
        )));
    };
    queue.series.iter().position(|s| s.id == id).ok_or_else(|| {
        Error::Usage(format!(
            "{}: no series {id} (the queue has {})",
            queue.source,
            queue.series.len()
        ))
    })
}

/// Runs `revisions`.
pub fn run(args: &RevisionsArgs) -> Result<i32> {
    let spec = args.source.spec()?;
    let Some(name) = args.series.as_deref() else {
        return Err(Error::Usage(
            "name a SERIES as `patchdesk list` numbers them: patchdesk revisions SOURCE 2".into(),
        ));
    };
    let (profile, _) = args.profile.select(&spec)?;
    let queue = args.source.load()?;
    let new = find_series(&queue, name)?;
    let families = link(&queue);
    warn_families(&families);
    let old = match args.against.as_deref() {
        Some(o) => find_series(&queue, o)?,
        None => families.previous[new].ok_or_else(|| {
            Error::Usage(format!(
                "{}: series {} has no earlier version in this queue; name one with --against OLD",
                queue.source, queue.series[new].id
            ))
        })?,
    };
    if old == new {
        return Err(Error::Usage(format!(
            "{}: series {} compared with itself; name another with --against OLD",
            queue.source, queue.series[new].id
        )));
    }
    let mut findings = check_queue(&queue, &profile);
    let replies = crate::triage::replies::collect(&queue);
    let given = |patch: usize| super::filter::given_in_replies(&replies, patch);
    // The stale reviews are judged against the version compared with, `--against` or not.
    let bare = compare(&queue, old, new, &[]);
    for (i, f) in stale::check(&queue, &bare, &profile, &given) {
        findings[i].push(f);
    }
    let mut revision = compare(&queue, old, new, &findings);
    stale::fill(&queue, &mut revision, &given);
    let text = match args.format {
        Format::Text => crate::revisions::text::to_text(&queue, &revision),
        Format::Json => to_json(&queue, &[revision]),
    };
    emit(&text)?;
    Ok(0)
}

#[derive(Serialize)]
struct FindingsJson<'a> {
    new: &'a [String],
    fixed: &'a [String],
    kept: &'a [String],
}

#[derive(Serialize)]
struct PairJson<'a> {
    old: Option<u32>,
    new: Option<u32>,
    change: &'static str,
    message_changed: bool,
    diff_changed: bool,
    findings: FindingsJson<'a>,
    trailers: TrailersJson<'a>,
    interdiff: &'a str,
}

#[derive(Serialize)]
struct TrailersJson<'a> {
    carried: &'a [String],
    stale: Vec<&'a str>,
}

#[derive(Serialize)]
struct RevisionJson<'a> {
    series: usize,
    previous: usize,
    pairs: Vec<PairJson<'a>>,
}

#[derive(Serialize)]
struct RevisionsJson<'a> {
    revisions: Vec<RevisionJson<'a>>,
}

/// The JSON form: `{"revisions": [{"series", "previous", "pairs": [...]}]}`.
pub fn to_json(queue: &Queue, revisions: &[Revision]) -> String {
    let doc = RevisionsJson {
        revisions: revisions
            .iter()
            .map(|r| RevisionJson {
                series: queue.series[r.series].id,
                previous: queue.series[r.previous].id,
                pairs: r
                    .pairs
                    .iter()
                    .map(|p| PairJson {
                        old: p.old_number,
                        new: p.new_number,
                        change: p.pair.change.as_str(),
                        message_changed: p.pair.message_changed,
                        diff_changed: p.pair.diff_changed,
                        findings: FindingsJson {
                            new: &p.findings.new,
                            fixed: &p.findings.fixed,
                            kept: &p.findings.kept,
                        },
                        trailers: TrailersJson {
                            carried: &p.trailers.carried,
                            stale: p
                                .trailers
                                .stale
                                .iter()
                                .map(|s| s.trailer.as_str())
                                .collect(),
                        },
                        interdiff: &p.interdiff,
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
