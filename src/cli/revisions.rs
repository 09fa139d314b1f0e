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
    let today = args.source.load()?;
    let new = find_series(&today, name)?;
    let families = link(&today);
    warn_families(&families);
    let shown_id = today.series[new].id;
    let (queue, old, new, archived) = match args.against.as_deref() {
        Some(o) => {
            let old = find_series(&today, o)?;
            (today, old, new, false)
        }
        None => match families.previous[new] {
            Some(old) => (today, old, new, false),
            None => against_archive(today, new)?,
        },
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
        Format::Text if archived => format!(
            "# v{} from the archive of reviewed patches ({})\n{}",
            queue.series[old].version.max(1),
            archive_path().display(),
            crate::revisions::text::to_text(&queue, &revision)
        ),
        Format::Text => crate::revisions::text::to_text(&queue, &revision),
        Format::Json => {
            let mut doc: serde_json::Value =
                serde_json::from_str(&to_json(&queue, &[revision])).unwrap_or_default();
            if archived && let Some(r) = doc["revisions"].get_mut(0) {
                r["series"] = shown_id.into();
                r["previous"] = serde_json::Value::Null;
                r["archived"] = true.into();
            }
            let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    emit(&text)?;
    Ok(0)
}

/// The archive of reviewed patches in the data dir.
fn archive_path() -> std::path::PathBuf {
    crate::triage::store::default_data_dir()
        .map(|d| crate::triage::archive::path(&d))
        .unwrap_or_default()
}

/// Series `new` of `today` against its earlier version in the archive of reviewed
/// patches: the queue with the archive's messages added, the positions of both series in
/// it, and `true`; an error saying where nothing was found.
fn against_archive(today: Queue, new: usize) -> Result<(Queue, usize, usize, bool)> {
    let none = |today: &Queue| {
        Error::Usage(format!(
            "{}: series {} has no earlier version in this queue or in the archive of reviewed patches ({}); name one with --against OLD",
            today.source,
            today.series[new].id,
            archive_path().display()
        ))
    };
    let Ok(data_dir) = crate::triage::store::default_data_dir() else {
        return Err(none(&today));
    };
    let Some(merged) = crate::triage::archive::with_archive(&data_dir, &today)? else {
        return Err(none(&today));
    };
    // The series is found again by the Message-Id (else the key) of its first message.
    let head = today.series[new]
        .head()
        .and_then(|i| today.patches.get(i))
        .map(|p| (p.mail.message_id.clone(), p.key.clone()));
    let found = merged.series.iter().position(|s| {
        s.head()
            .and_then(|i| merged.patches.get(i))
            .map(|p| (p.mail.message_id.clone(), p.key.clone()))
            == head
    });
    let Some(at) = found else {
        return Err(none(&today));
    };
    let families = link(&merged);
    match families.previous[at] {
        Some(old) => Ok((merged, old, at, true)),
        None => Err(none(&today)),
    }
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
