//! `patchdesk export replies|series|record` and `patchdesk apply`: the command-line side of
//! [`crate::export`]. Each loads the queue, gets the maintainer's review (the desk's saved
//! state, or a plan file), writes its output atomically and says in one line what it wrote
//! where.

use super::check::ProfileArgs;
use super::{SourceArgs, emit};
use crate::export::apply::{ApplyRequest, apply};
use crate::export::from_desk::plan_from_state;
use crate::export::plan::ReviewPlan;
use crate::export::record::RecordFormat;
use crate::export::replies::Selection;
use crate::export::series::SeriesOptions;
use crate::export::{record, replies, series};
use crate::mail::Address;
use crate::policy::{self, Finding};
use crate::queue::Queue;
use crate::triage::desk::Desk;
use crate::triage::{identity, store};
use crate::{Error, Result};
use chrono::{DateTime, FixedOffset};
use clap::{Args, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

/// `patchdesk export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub what: ExportCommand,
}

/// What to export.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Review replies (notes, trailers, telling statuses) as an mbox to send.
    Replies(RepliesArgs),
    /// A series with its collected and added trailers as an mbox for `git am`.
    Series(SeriesArgs),
    /// The triage record (statuses, waivers, findings, who and when) as mbox or JSON.
    Record(RecordArgs),
}

/// Options every export shares.
#[derive(Debug, Clone, Args)]
pub struct ReviewArgs {
    /// Read the maintainer's review from this JSON file (a `ReviewPlan`).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
}

/// `patchdesk export replies`.
#[derive(Debug, Args)]
pub struct RepliesArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Only this series (as `patchdesk list` numbers it).
    #[arg(
        long,
        value_name = "S",
        conflicts_with = "all",
        required_unless_present = "all"
    )]
    pub series: Option<usize>,
    /// Every series of the queue.
    #[arg(long)]
    pub all: bool,
    /// The mbox to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Replace FILE when it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub review: ReviewArgs,
}

/// `patchdesk export series`.
#[derive(Debug, Args)]
pub struct SeriesArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// The series (as `patchdesk list` numbers it).
    #[arg(long, value_name = "S")]
    pub series: usize,
    /// The mbox to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Append your Signed-off-by last, as when queuing the patches.
    #[arg(long)]
    pub signoff: bool,
    /// Go on when patches of the series did not arrive.
    #[arg(long)]
    pub allow_missing: bool,
    /// Replace FILE when it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub review: ReviewArgs,
}

/// The format of the record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum RecordFormatArg {
    #[default]
    Mbox,
    Json,
}

/// `patchdesk export record`.
#[derive(Debug, Args)]
pub struct RecordArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// The file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value_t)]
    pub format: RecordFormatArg,
    /// The policy profile whose findings the record summarises (chosen as for `check`).
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Replace FILE when it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub review: ReviewArgs,
}

/// `patchdesk apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The queue (a path, or `-` for standard input).
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// The series (as `patchdesk list` numbers it).
    #[arg(long, value_name = "S")]
    pub series: usize,
    /// The git repository to make the branch in.
    #[arg(long, value_name = "PATH")]
    pub repo: PathBuf,
    /// The new branch (default: patchdesk/<title>-v<version>).
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// Where the branch starts (default: HEAD).
    #[arg(long, value_name = "REV")]
    pub onto: Option<String>,
    /// Append your Signed-off-by last.
    #[arg(long)]
    pub signoff: bool,
    /// Go on when patches of the series did not arrive.
    #[arg(long)]
    pub allow_missing: bool,
    #[command(flatten)]
    pub review: ReviewArgs,
}

/// The current time with the local offset.
fn now() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// The review to export: the plan file when given, else the desk's saved state for this
/// queue (what `ack`, `note`, `status` and the TUI recorded). The maintainer is the plan's,
/// else the identity from git config (`repo_dir`'s repository, else the global config).
pub fn load_plan(
    args: &ReviewArgs,
    queue: &Queue,
    repo_dir: Option<&Path>,
    findings: Option<&[Vec<Finding>]>,
) -> Result<ReviewPlan> {
    let mut plan = match &args.plan {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            serde_json::from_str::<ReviewPlan>(&text).map_err(|e| Error::BadInput {
                source_name: path.display().to_string(),
                what: format!("not a review plan: {e}"),
            })?
        }
        None => {
            let desk = Desk::open_shared(&store::default_data_dir()?, queue)?;
            plan_from_state(desk.state(), queue, Address::default(), findings)
        }
    };
    if plan.maintainer.email.trim().is_empty() {
        let config = crate::triage::config::load_default()?;
        plan.maintainer = identity::find(
            config.identity().as_ref(),
            repo_dir.or(Some(Path::new("."))),
        )?
        .address;
    }
    Ok(plan)
}

/// Runs `export replies|series|record`.
pub fn run_export(args: &ExportArgs) -> Result<i32> {
    match &args.what {
        ExportCommand::Replies(a) => run_replies(a),
        ExportCommand::Series(a) => run_series(a),
        ExportCommand::Record(a) => run_record(a),
    }
}

/// Loads the queue after checking the output path, so a refused path costs nothing.
fn load_for(source: &SourceArgs, out: &Path, force: bool) -> Result<Queue> {
    crate::export::mbox::check_output(out, force)?;
    source.load()
}

fn run_replies(args: &RepliesArgs) -> Result<i32> {
    let queue = load_for(&args.source, &args.out, args.force)?;
    let plan = load_plan(&args.review, &queue, None, None)?;
    let selection = match args.series {
        Some(id) => Selection::Series(id),
        None => Selection::All,
    };
    let count = replies::export(&queue, &plan, selection, now(), &args.out, args.force)?;
    emit(&format!(
        "wrote {count} repl{} to {}\n",
        if count == 1 { "y" } else { "ies" },
        args.out.display()
    ))?;
    Ok(0)
}

fn run_series(args: &SeriesArgs) -> Result<i32> {
    let queue = load_for(&args.source, &args.out, args.force)?;
    let plan = load_plan(&args.review, &queue, None, None)?;
    let options = SeriesOptions {
        signoff: args.signoff,
        allow_missing: args.allow_missing,
    };
    let count = series::export(&queue, &plan, args.series, options, &args.out, args.force)?;
    emit(&format!(
        "wrote {count} patch{} of series {} to {} (apply with `git am --patch-format=mboxrd`)\n",
        if count == 1 { "" } else { "es" },
        args.series,
        args.out.display()
    ))?;
    Ok(0)
}

fn run_record(args: &RecordArgs) -> Result<i32> {
    let queue = load_for(&args.source, &args.out, args.force)?;
    let (profile, _) = args.profile.select(&args.source.spec()?)?;
    let findings = policy::check_queue(&queue, &profile);
    let plan = load_plan(&args.review, &queue, None, Some(&findings))?;
    let format = match args.format {
        RecordFormatArg::Mbox => RecordFormat::Mbox,
        RecordFormatArg::Json => RecordFormat::Json,
    };
    let count = record::export(&queue, &plan, format, now(), &args.out, args.force)?;
    emit(&format!(
        "wrote the record of {count} series to {}\n",
        args.out.display()
    ))?;
    Ok(0)
}

/// Runs `apply`.
pub fn run_apply(args: &ApplyArgs) -> Result<i32> {
    crate::export::apply::open_repository(&args.repo)?;
    let source = SourceArgs {
        source: Some(args.source.clone()),
        repo: None,
        demo: false,
        tree: None,
        since: None,
        ..SourceArgs::default()
    };
    let queue = source.load()?;
    let plan = load_plan(&args.review, &queue, Some(&args.repo), None)?;
    let request = ApplyRequest {
        series: args.series,
        branch: args.branch.clone(),
        onto: args.onto.clone(),
        options: SeriesOptions {
            signoff: args.signoff,
            allow_missing: args.allow_missing,
        },
    };
    let applied = apply(&queue, &plan, &args.repo, &request, now())?;
    let tip = applied
        .commits
        .last()
        .map(|c| c.to_string().chars().take(12).collect::<String>())
        .unwrap_or_default();
    emit(&format!(
        "applied {} patch{} of series {} on branch {} in {} (tip {tip}); HEAD and the working tree are untouched\n",
        applied.commits.len(),
        if applied.commits.len() == 1 { "" } else { "es" },
        args.series,
        applied.branch,
        args.repo.display()
    ))?;
    Ok(0)
}
