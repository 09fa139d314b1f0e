//! The command line: clap definitions of the subcommands, and the code that runs each one
//! and prints its text or JSON. Exit codes: 0 success, 1 findings of error severity
//! (`check`), 2 could not run.

pub mod check;
pub mod desk;
pub mod export;
pub mod filter;
pub mod json;
pub mod list;
pub mod revisions;
pub mod show;
pub mod triage;

use crate::cache::FactsAt;
use crate::queue::{self, Queue};
use crate::source::SourceSpec;
use crate::triage::trailers::TrailerKind;
use crate::{Error, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Command-line interface of `patchdesk`.
#[derive(Debug, Parser)]
#[command(
    name = "patchdesk",
    version,
    about = "Triage the patches that reach you by mail: a terminal desk with policy checks inline",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// With no subcommand: the desk on SOURCE (the demo queue when none is given).
    #[command(flatten)]
    pub desk: desk::DeskArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The desk on the built-in demo queue.
    Demo(desk::DemoArgs),
    /// The effective keymap (default, presets and your keymap.toml merged).
    Keys(desk::KeysArgs),
    /// Series and patches of a queue as a table (or JSON).
    List(ListArgs),
    /// One patch: header, commit message, notes and diff (or JSON).
    Show(ShowArgs),
    /// A series against an earlier version of it, as `git range-diff` pairs them.
    Revisions(revisions::RevisionsArgs),
    /// Check every patch against a policy profile; exit 1 when errors are found.
    Check(check::CheckArgs),
    /// The policy profiles: `policy list`, `policy show NAME`.
    Policy(check::PolicyArgs),
    /// Add your Acked-by to patches (preview, compliance gate, --dry-run).
    Ack(self::triage::TrailerArgs),
    /// Add your Reviewed-by to patches (preview, compliance gate, --dry-run).
    Review(self::triage::TrailerArgs),
    /// Add your Tested-by to patches (preview, --dry-run).
    Test(self::triage::TrailerArgs),
    /// Set the review status of a patch (or, on S.0, of a series).
    Status(self::triage::StatusArgs),
    /// Write a note on a patch, a series or a line.
    Note(self::triage::NoteArgs),
    /// List the notes of a queue.
    Notes(self::triage::NotesArgs),
    /// The cache of sources already read: `cache info`, `cache clear`.
    Cache(CacheArgs),
    /// Write review replies, a series for `git am`, or the triage record to a file.
    Export(export::ExportArgs),
    /// Apply a series as commits on a new branch of a git repository (HEAD untouched).
    Apply(export::ApplyArgs),
}

/// Where the patches come from. SOURCE is a path (mbox, maildir, directory of patches,
/// quilt series, public-inbox repository) or `-` for an mbox on standard input; with
/// `--repo PATH` it is a revision range instead; `--demo` reads the built-in demo queue.
#[derive(Debug, Clone, Default, Args)]
pub struct SourceArgs {
    /// Path of the queue, `-` for standard input, or a revision range with --repo.
    #[arg(value_name = "SOURCE")]
    pub source: Option<String>,
    /// Read the non-merge commits of SOURCE (a revision range) from this git repository.
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
    /// Read the built-in demo queue.
    #[arg(long, conflicts_with = "repo")]
    pub demo: bool,
    /// The source tree whose MAINTAINERS says who looks after which files (default: the
    /// --repo repository, when it has a MAINTAINERS file).
    #[arg(long, value_name = "PATH")]
    pub tree: Option<PathBuf>,
    /// Read only mail since WHEN: a date (2026-11-20), an RFC 3339 time, or an age (36h,
    /// 14d, 2w). A public-inbox reads only its newest commits; other sources are filtered by
    /// each message's Date.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Read the source itself, not its cache (the cache is neither read nor written).
    #[arg(long)]
    pub no_cache: bool,
    /// Say on standard error what the cache did (hit, appended, rebuilt and why).
    #[arg(short, long)]
    pub verbose: bool,
}

impl SourceArgs {
    /// What to read.
    pub fn spec(&self) -> Result<SourceSpec> {
        if self.demo {
            return match &self.source {
                None => Ok(SourceSpec::Demo),
                Some(s) => Err(Error::Usage(format!(
                    "--demo reads the built-in queue; drop the SOURCE {s:?}"
                ))),
            };
        }
        match (&self.repo, &self.source) {
            (Some(repo), Some(range)) => Ok(SourceSpec::GitRange {
                repo: repo.clone(),
                range: range.clone(),
            }),
            (Some(_), None) => Err(Error::Usage(
                "--repo PATH needs a revision range, e.g. `--repo . origin/master..HEAD`".into(),
            )),
            (None, Some(s)) if s == "-" => Ok(SourceSpec::Stdin),
            (None, Some(s)) => Ok(SourceSpec::Path(PathBuf::from(s))),
            (None, None) => Err(Error::Usage(
                "name a SOURCE (a path, `-` for standard input, or --repo PATH RANGE) or --demo"
                    .into(),
            )),
        }
    }

    /// Reads and groups the queue (only the --since window, when given), with the diff
    /// facts of every patch worked out ([`crate::cache::facts`]).
    pub fn load(&self) -> Result<Queue> {
        self.load_checking(crate::cache::TextCheck::Now, FactsAt::Load)
    }

    /// [`SourceArgs::load`] for a command that may never read a patch's text (a listing):
    /// the texts of a cache are checked only if one is read, and the diff facts are worked
    /// out at the load only when `facts` says (a plain listing needs none).
    pub fn load_for_listing(&self, facts: FactsAt) -> Result<Queue> {
        self.load_checking(crate::cache::TextCheck::WhenRead, facts)
    }

    fn load_checking(&self, texts: crate::cache::TextCheck, facts: FactsAt) -> Result<Queue> {
        let spec = self.spec()?;
        let since = self.since()?;
        let (queue, outcome) = queue::load_cached(&spec, since, !self.no_cache, texts, facts)?;
        self.report_cache(&spec, &outcome);
        Ok(queue)
    }

    /// The listing file of the source ([`crate::cache::listing`]), with the stamp the source
    /// has now; `None` when the cache is not used, or only mail since a date is read.
    pub fn listing_file(
        &self,
        spec: &SourceSpec,
    ) -> Result<Option<crate::cache::listing::ListingFile>> {
        if self.no_cache || self.since()?.is_some() {
            return Ok(None);
        }
        match crate::cache::Cache::from_env() {
            Some(cache) => cache.listing_file(spec),
            None => Ok(None),
        }
    }

    /// Under `--verbose`, one line on standard error saying what the cache did.
    pub fn report_cache(&self, spec: &SourceSpec, outcome: &dyn std::fmt::Display) {
        if self.verbose {
            eprintln!("patchdesk: cache: {outcome}: {}", spec.name());
        }
    }

    /// The start of the --since window (else the source's `since` in the config), measured
    /// from the clock.
    pub fn since(&self) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>> {
        let text = match &self.since {
            Some(text) => Some(text.clone()),
            None => self.configured()?.and_then(|c| c.since),
        };
        text.as_deref()
            .map(|text| crate::source::window::parse_since(text, chrono::Utc::now().fixed_offset()))
            .transpose()
    }

    /// The config's `[[source]]` settings for this SOURCE path, if any; a config file that
    /// cannot be read is an error naming it.
    fn configured(&self) -> Result<Option<crate::triage::config::SourceConfig>> {
        let Some(path) = self.source.as_deref().filter(|s| *s != "-") else {
            return Ok(None);
        };
        let config = crate::triage::config::load_default()?;
        Ok(config.source_for(std::path::Path::new(path)).cloned())
    }

    /// The MAINTAINERS of --tree (or of --repo's repository, or the source's `tree` in the
    /// config); its errors are written to
    /// standard error, each with file and line, and the rest is used.
    pub fn maintainers(&self) -> Result<Option<crate::maintainers::Maintainers>> {
        let tree = match (&self.tree, &self.repo) {
            (Some(tree), _) => tree.clone(),
            (None, Some(repo)) if repo.join("MAINTAINERS").is_file() => repo.clone(),
            (None, None) => match self.configured()?.and_then(|c| c.tree) {
                Some(tree) => crate::triage::config::expand_home(&tree),
                None => return Ok(None),
            },
            _ => return Ok(None),
        };
        load_tree(&tree).map(Some)
    }
}

/// `TREE/MAINTAINERS`, with each of its errors written to standard error (file and line)
/// and the rest used.
pub fn load_tree(tree: &std::path::Path) -> Result<crate::maintainers::Maintainers> {
    let m = crate::maintainers::Maintainers::load(tree)?;
    for e in m.errors() {
        eprintln!("patchdesk: warning: {e}");
    }
    Ok(m)
}

/// Text for people, JSON for scripts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// `patchdesk list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// The profile whose findings `has:` and `rule:` of --filter read.
    #[command(flatten)]
    pub profile: check::ProfileArgs,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Only the patches this query keeps, in the desk's filter language (`mine has:error`,
    /// `maintainer:EMAIL`, `section:TEXT`, `author:`, `status:`, `rule:`, fuzzy words).
    #[arg(long, value_name = "QUERY")]
    pub filter: Option<String>,
}

/// `patchdesk show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// The patch: S.N as `list` numbers it, a Message-Id, or a commit id prefix; may be left
    /// out when the source holds one patch.
    #[arg(value_name = "PATCH")]
    pub patch: Option<String>,
    #[command(flatten)]
    pub profile: check::ProfileArgs,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

impl ShowArgs {
    /// With `--demo` the one positional argument is the PATCH (`show --demo 3.1`).
    pub fn normalized(mut self) -> Self {
        if self.source.demo && self.patch.is_none() {
            self.patch = self.source.source.take();
        }
        self
    }
}

/// `patchdesk cache`.
#[derive(Debug, Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub action: CacheAction,
}

/// What `patchdesk cache` does.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum CacheAction {
    /// The cache dir, and each cache file with its size and the source it belongs to.
    Info,
    /// Remove every cache file.
    Clear,
}

fn run_cache(args: &CacheArgs) -> Result<i32> {
    let Some(cache) = crate::cache::Cache::from_env() else {
        return Err(Error::Usage(
            "no cache dir: set PATCHDESK_CACHE_DIR or XDG_CACHE_HOME".into(),
        ));
    };
    match args.action {
        CacheAction::Info => {
            let files = cache.files();
            let total: u64 = files.iter().map(|f| f.1).sum();
            let mut out = format!(
                "cache dir: {}\n{} files, {} bytes\n",
                cache.dir.display(),
                files.len(),
                total
            );
            for (path, size, header) in files {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                let of = crate::cache::sidecar_of(&path).map_or("", |kind| kind.describes);
                let what = match header {
                    Some(h) => format!("{of}{} {} (as {})", h.key.kind, h.key.path, h.key.name),
                    None => "unreadable (rebuilt on next use)".into(),
                };
                out.push_str(&format!("{name}  {size:>12}  {what}\n"));
            }
            emit(&out)?;
        }
        CacheAction::Clear => {
            let removed = cache.clear()?;
            emit(&format!(
                "removed {removed} files from {}\n",
                cache.dir.display()
            ))?;
        }
    }
    Ok(0)
}

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Some(Command::List(args)) => list::run(&args),
        Some(Command::Show(args)) => show::run(&args.normalized()),
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Revisions(args)) => revisions::run(&args.normalized()),
        Some(Command::Policy(args)) => check::run_policy(&args),
        Some(Command::Ack(args)) => self::triage::run_trailer(TrailerKind::Acked, &args),
        Some(Command::Review(args)) => self::triage::run_trailer(TrailerKind::Reviewed, &args),
        Some(Command::Test(args)) => self::triage::run_trailer(TrailerKind::Tested, &args),
        Some(Command::Status(args)) => self::triage::run_status(&args),
        Some(Command::Note(args)) => self::triage::run_note(&args),
        Some(Command::Notes(args)) => self::triage::run_notes(&args),
        Some(Command::Export(args)) => export::run_export(&args),
        Some(Command::Apply(args)) => export::run_apply(&args),
        Some(Command::Cache(args)) => run_cache(&args),
        Some(Command::Demo(args)) => desk::run_demo(&args),
        Some(Command::Keys(args)) => desk::run_keys(&args),
        None => desk::run_desk(&cli.desk),
    }
}

/// Writes to standard output, treating a closed pipe (`| head`) as success. Every command's
/// output, text and JSON, passes through [`crate::safe::terminal`] here: no control or bidi
/// character from a message reaches the terminal (in JSON the notation is the JSON escape).
pub fn emit(text: &str) -> Result<()> {
    emit_safe(&crate::safe::terminal(text))
}

/// Writes text whose message-derived parts were already made safe (styled output that holds
/// its own ANSI sequences: `check` in colour).
pub fn emit_safe(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    output_written(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// What became of writing to standard output: a reader that went away (`| head`) ends the
/// output quietly; any other failure is an error naming it.
pub fn output_written(written: std::io::Result<()>) -> Result<()> {
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::io("standard output", e))
        }
        _ => Ok(()),
    }
}
