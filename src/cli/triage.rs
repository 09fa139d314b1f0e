//! The triage commands of the command line, sharing the desk's store with the TUI:
//! `patchdesk ack|review|test SOURCE PATCH… [--series] [--profile P] [--policy FILE]
//! [--waive RULE=REASON]… [--dry-run]`, `patchdesk status SOURCE PATCH STATUS`,
//! `patchdesk note SOURCE PATCH [--line PART:N | --line FILE:N] [TEXT]` and
//! `patchdesk notes SOURCE`.
//!
//! Each `run_*` loads the queue and its findings and calls the matching `*_on` function,
//! which does the work on values (so tests can hand it a queue built by hand). Bad input —
//! an unknown patch or status, a waiver for a rule that did not fire, a bad state file —
//! is an [`Error`], which the binary prints and turns into exit code 2.

use crate::cli::{Format, SourceArgs, emit};
use crate::mail::Address;
use crate::policy::{self, Finding, Part, Profile};
use crate::queue::Queue;
use crate::triage::desk::{Desk, NoteSpec, TrailerRequest, note_place, patch_label};
use crate::triage::gate::WaiverRequest;
use crate::triage::notes;
use crate::triage::status::Status;
use crate::triage::store;
use crate::triage::trailers::TrailerKind;
use crate::triage::{config, identity};
use crate::{Error, Result};
use clap::Args;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The queue a triage command works on.
#[derive(Debug, Clone, Args)]
pub struct QueueArgs {
    /// Path of the queue (mbox, maildir, directory of patches, ...), or a revision range
    /// with --repo.
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// Read the non-merge commits of SOURCE (a revision range) from this git repository.
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
    /// Read the source itself, not its cache.
    #[arg(long)]
    pub no_cache: bool,
}

impl QueueArgs {
    fn source_args(&self) -> SourceArgs {
        SourceArgs {
            source: Some(self.source.clone()),
            repo: self.repo.clone(),
            demo: false,
            tree: None,
            since: None,
            no_cache: self.no_cache,
            verbose: false,
        }
    }

    /// The name the queue's state is filed under (as `Queue::source`).
    pub fn name(&self) -> Result<String> {
        Ok(self.source_args().spec()?.name())
    }

    /// Checks the state file before the (possibly long) load: a bad one stops here.
    fn precheck_state(&self, data_dir: &Path) -> Result<()> {
        store::load(&store::state_path(data_dir, &self.name()?)).map(|_| ())
    }

    fn load(&self, data_dir: &Path) -> Result<Queue> {
        self.precheck_state(data_dir)?;
        self.source_args().load()
    }
}

/// `patchdesk ack|review|test`.
#[derive(Debug, Clone, Args)]
pub struct TrailerArgs {
    #[command(flatten)]
    pub queue: QueueArgs,
    /// The patches: S.N as `list` numbers them (S.0, the cover letter, means every patch of
    /// the series), a Message-Id, or a commit id prefix.
    #[arg(value_name = "PATCH", required = true)]
    pub patches: Vec<String>,
    /// Every patch of each named patch's series.
    #[arg(long)]
    pub series: bool,
    /// The policy profile deciding which findings are errors (as for `check`).
    #[arg(long, value_name = "P")]
    pub profile: Option<String>,
    /// A policy file (TOML) to use instead of a built-in profile.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Waive an error-level rule for these patches, with a reason (recorded, never written
    /// into the commit message). Repeatable.
    #[arg(long = "waive", value_name = "RULE=REASON")]
    pub waive: Vec<String>,
    /// Print the preview only; record nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `patchdesk status`.
#[derive(Debug, Clone, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub queue: QueueArgs,
    /// The patch (S.N; S.0 sets the series' own status).
    #[arg(value_name = "PATCH")]
    pub patch: String,
    /// new, under-review, changes-requested, accepted, rejected, superseded, deferred or
    /// deferred:YYYY-MM-DD.
    #[arg(value_name = "STATUS")]
    pub status: String,
}

/// `patchdesk note`.
#[derive(Debug, Clone, Args)]
pub struct NoteArgs {
    #[command(flatten)]
    pub queue: QueueArgs,
    /// The patch (S.N; S.0 notes the series).
    #[arg(value_name = "PATCH")]
    pub patch: String,
    /// A line: `message:N`, `notes:N` (1-based) or `FILE:N` (new-side line of the diff).
    #[arg(long, value_name = "PART:N|FILE:N")]
    pub line: Option<String>,
    /// The note; without it $EDITOR opens.
    #[arg(value_name = "TEXT")]
    pub text: Vec<String>,
}

/// `patchdesk notes`.
#[derive(Debug, Clone, Args)]
pub struct NotesArgs {
    #[command(flatten)]
    pub queue: QueueArgs,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// The profile for the gate, chosen as `check` chooses it.
fn choose_profile(
    queue: &QueueArgs,
    profile: Option<&str>,
    policy_file: Option<&Path>,
) -> Result<Profile> {
    let args = crate::cli::check::ProfileArgs {
        profile: profile.map(String::from),
        policy: policy_file.map(Path::to_path_buf),
    };
    Ok(args.select(&queue.source_args().spec()?)?.0)
}

/// The desk's settings from patchdesk's config file (defaults when there is none).
fn desk_config() -> Result<config::DeskConfig> {
    config::load_default()
}

fn data_dir() -> Result<PathBuf> {
    store::default_data_dir()
}

/// Runs `ack`, `review` or `test`.
pub fn run_trailer(kind: TrailerKind, args: &TrailerArgs) -> Result<i32> {
    let dir = data_dir()?;
    let queue = args.queue.load(&dir)?;
    let profile = choose_profile(&args.queue, args.profile.as_deref(), args.policy.as_deref())?;
    let findings = policy::check_queue(&queue, &profile);
    let config = desk_config()?;
    let me = identity::find(
        config.identity().as_ref(),
        args.queue.repo.as_deref().or(Some(Path::new("."))),
    )?;
    let (text, result) = trailer_on(&queue, &findings, &dir, kind, args, &me.address);
    emit(&text)?;
    result
}

/// `ack|review|test` on a loaded queue: returns the text to print and the outcome.
pub fn trailer_on(
    queue: &Queue,
    findings: &[Vec<Finding>],
    data_dir: &Path,
    kind: TrailerKind,
    args: &TrailerArgs,
    me: &Address,
) -> (String, Result<i32>) {
    let mut out = String::new();
    let result = (|| {
        let waivers = args
            .waive
            .iter()
            .map(|w| WaiverRequest::parse(w).map_err(Error::Usage))
            .collect::<Result<Vec<_>>>()?;
        let targets = args
            .patches
            .iter()
            .map(|p| queue.select(Some(p)))
            .collect::<Result<Vec<_>>>()?;
        let mut desk = Desk::open_waiting(data_dir, queue)?;
        for notice in &desk.notices {
            let _ = writeln!(out, "note: {notice}");
        }
        let request = TrailerRequest {
            kind,
            identity: me.display(),
            targets,
            whole_series: args.series,
            waivers,
        };
        let plan = desk.plan_trailer(queue, findings, &request)?;
        for p in &plan.patches {
            for nack in desk.reply_trailers().nacks_for(p.patch) {
                let _ = writeln!(
                    out,
                    "!! NACK on {}: \"{}\" from {} in <{}>",
                    patch_label(queue, p.patch),
                    nack.line,
                    nack.sender,
                    nack.message_id
                );
            }
        }
        out.push_str(&plan.render(queue));
        if !plan.passes() {
            let problems = plan.gate_problems().lines().count();
            return Err(Error::Usage(format!(
                "nothing recorded: {problems} problem(s) with the compliance gate, marked ! above"
            )));
        }
        if args.dry_run {
            out.push_str("dry run: nothing recorded\n");
            return Ok(0);
        }
        let added = desk.add_trailer(queue, &plan)?;
        desk.save_and_keep(queue)?;
        let _ = writeln!(
            out,
            "recorded {} on {added} patch(es) in {}",
            kind.key(),
            desk.state_path().display()
        );
        Ok(0)
    })();
    (out, result)
}

/// Runs `status`.
pub fn run_status(args: &StatusArgs) -> Result<i32> {
    let dir = data_dir()?;
    let status = Status::parse(&args.status).map_err(Error::Usage)?;
    let queue = args.queue.load(&dir)?;
    emit(&status_on(&queue, &dir, &args.patch, status)?)?;
    Ok(0)
}

/// `status` on a loaded queue.
pub fn status_on(queue: &Queue, data_dir: &Path, patch: &str, status: Status) -> Result<String> {
    let index = queue.select(Some(patch))?;
    let mut desk = Desk::open_waiting(data_dir, queue)?;
    desk.set_status(queue, index, status.clone())?;
    desk.save_and_keep(queue)?;
    let label = patch_label(queue, index);
    Ok(match queue.series.iter().find(|s| s.cover == Some(index)) {
        Some(series) => format!("series {}: {status}\n", series.id),
        None => format!("{label}: {status}\n"),
    })
}

/// Parses `--line`: `message:N`, `notes:N`, or `FILE:N`.
pub fn parse_line_spec(spec: &str) -> Result<(Part, Option<String>, u32)> {
    let bad = || {
        Error::Usage(format!(
            "bad --line '{spec}': write message:N, notes:N or FILE:N (N a line number from 1)"
        ))
    };
    let (place, number) = spec.rsplit_once(':').ok_or_else(bad)?;
    let line: u32 = number.trim().parse().map_err(|_| bad())?;
    if line == 0 || place.is_empty() {
        return Err(bad());
    }
    Ok(match place {
        "message" | "msg" | "commit" => (Part::Message, None, line),
        "notes" => (Part::Notes, None, line),
        file => (Part::Diff, Some(file.to_string()), line),
    })
}

/// Runs `note`.
pub fn run_note(args: &NoteArgs) -> Result<i32> {
    let dir = data_dir()?;
    let queue = args.queue.load(&dir)?;
    let text = if args.text.is_empty() {
        let config = desk_config()?;
        let editor = notes::editor_command(config.notes.editor.as_deref());
        notes::edit_in_editor(&editor, "", &std::env::temp_dir())?
    } else {
        args.text.join(" ")
    };
    emit(&note_on(
        &queue,
        &dir,
        &args.patch,
        args.line.as_deref(),
        &text,
    )?)?;
    Ok(0)
}

/// `note` on a loaded queue.
pub fn note_on(
    queue: &Queue,
    data_dir: &Path,
    patch: &str,
    line: Option<&str>,
    text: &str,
) -> Result<String> {
    let index = queue.select(Some(patch))?;
    let spec = match line {
        Some(l) => {
            let (part, file, line) = parse_line_spec(l)?;
            NoteSpec::Line {
                patch: index,
                part,
                file,
                line,
            }
        }
        // The desk makes a note on a cover letter one on its series.
        None => NoteSpec::Patch(index),
    };
    let mut desk = Desk::open_waiting(data_dir, queue)?;
    let id = desk.add_note(queue, &spec, text)?;
    desk.save_and_keep(queue)?;
    Ok(format!("note {id} on {}\n", patch_label(queue, index)))
}

/// Runs `notes`.
pub fn run_notes(args: &NotesArgs) -> Result<i32> {
    let dir = data_dir()?;
    let queue = args.queue.load(&dir)?;
    emit(&notes_on(&queue, &dir, args.format)?)?;
    Ok(0)
}

/// `notes` on a loaded queue (read-only and lock-free: it neither waits for nor holds up a
/// desk saving the queue).
pub fn notes_on(queue: &Queue, data_dir: &Path, format: Format) -> Result<String> {
    let desk = Desk::open_shared(data_dir, queue)?;
    if format == Format::Json {
        let mut text = serde_json::to_string_pretty(desk.notes()).unwrap_or_default();
        text.push('\n');
        return Ok(text);
    }
    let mut out = String::new();
    if desk.notes().is_empty() {
        out.push_str("no notes\n");
    }
    for note in desk.notes() {
        let mut flags = Vec::new();
        if let Some(from) = &note.carried_over_from {
            flags.push(format!("carried over from <{from}>"));
        }
        if note.orphaned {
            flags.push("orphaned: its line is gone".to_string());
        }
        let flags = if flags.is_empty() {
            String::new()
        } else {
            format!(" [{}]", flags.join("; "))
        };
        let _ = writeln!(
            out,
            "{:>4}  {}{flags}\n      {}",
            note.id,
            note_place(queue, note),
            note.text.replace('\n', "\n      ")
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_specs() {
        assert_eq!(
            parse_line_spec("message:3").unwrap(),
            (Part::Message, None, 3)
        );
        assert_eq!(parse_line_spec("notes:1").unwrap(), (Part::Notes, None, 1));
        assert_eq!(
            parse_line_spec("src/a:b.c:12").unwrap(),
            (Part::Diff, Some("src/a:b.c".into()), 12)
        );
        assert!(parse_line_spec("src/a.c").is_err());
        assert!(parse_line_spec("src/a.c:0").is_err());
        assert!(parse_line_spec(":4").is_err());
    }
}
