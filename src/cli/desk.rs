//! `patchdesk [SOURCE]`, `patchdesk demo` and `patchdesk keys`: opening the desk (the TUI) on a
//! queue, in a terminal or headless (`--keys ... --print`), and printing the effective keymap.
//!
//! Everything that can be wrong with the keymap or the profile is reported before the terminal
//! goes raw. A large source loads on a worker thread while the desk is already open.

use super::check::ProfileArgs;
use super::{SourceArgs, emit, emit_safe};
use crate::cache::{FactsAt, TextCheck};
use crate::queue;
use crate::source::SourceSpec;
use crate::tui::{self, Options, Output};
use crate::{Error, Result};
use clap::{Args, ValueEnum};

/// How the desk is shown.
#[derive(Debug, Clone, Default, Args)]
pub struct DeskOptions {
    /// A keymap preset (`default`, `vim`, `emacs`) or a TOML file, merged over the default.
    #[arg(long, value_name = "NAME|FILE")]
    pub keymap: Option<String>,
    /// Replay these keys (e.g. `jj<enter>n`) without a terminal; use with --print.
    #[arg(long, value_name = "KEYS")]
    pub keys: Option<String>,
    /// Print the final screen to standard output and exit (`--print=ansi` keeps colours).
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "plain", value_name = "STYLE")]
    pub print: Option<PrintStyle>,
    /// The screen size for --print, COLSxROWS.
    #[arg(long, default_value = "120x40", value_name = "COLSxROWS")]
    pub size: String,
}

/// What `--print` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrintStyle {
    Plain,
    Ansi,
}

/// `patchdesk [SOURCE]`: the desk on a queue.
#[derive(Debug, Clone, Default, Args)]
pub struct DeskArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub profile: ProfileArgs,
    #[command(flatten)]
    pub options: DeskOptions,
}

/// `patchdesk demo`: the desk on the built-in demo queue.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// A source tree whose MAINTAINERS says who looks after the demo's files.
    #[arg(long, value_name = "PATH")]
    pub tree: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub profile: ProfileArgs,
    #[command(flatten)]
    pub options: DeskOptions,
}

/// `patchdesk keys`: the effective keymap.
#[derive(Debug, Clone, Args)]
pub struct KeysArgs {
    /// A keymap preset or file, as for the desk.
    #[arg(long, value_name = "NAME|FILE")]
    pub keymap: Option<String>,
    /// Markdown table (as in keymaps/KEYS.md) instead of text.
    #[arg(long)]
    pub markdown: bool,
}

fn parse_size(size: &str) -> Result<(u16, u16)> {
    let bad = || Error::Usage(format!("--size {size:?}: write COLSxROWS, e.g. 120x40"));
    let (w, h) = size.split_once(['x', 'X']).ok_or_else(bad)?;
    let w: u16 = w.trim().parse().map_err(|_| bad())?;
    let h: u16 = h.trim().parse().map_err(|_| bad())?;
    if !(20..=1000).contains(&w) || !(5..=1000).contains(&h) {
        return Err(bad());
    }
    Ok((w, h))
}

fn load_options(options: &DeskOptions, notice: Option<String>) -> Result<Options> {
    let user = tui::keymap::user_keymap_path();
    let mut loaded = Options::load(options.keymap.as_deref(), user.as_deref())?;
    loaded.notice = notice;
    // Without a home directory the desk still opens, as a read-only view.
    loaded.data_dir = crate::triage::store::default_data_dir().ok();
    // patchdesk's config (identity, editor) as the triage commands read it; a broken file is
    // reported before the terminal goes raw.
    let config = crate::triage::config::load_default()?;
    let identity = super::filter::identity_here(&config);
    loaded.identity = identity
        .as_ref()
        .map(|a| format!("{} <{}>", a.name, a.email));
    loaded.editor = Some(crate::triage::notes::editor_command(
        config.notes.editor.as_deref(),
    ));
    loaded.mine = super::filter::mine_of(&config, identity.as_ref());
    Ok(loaded)
}

/// Opens the desk on `spec`.
fn open(
    spec: SourceSpec,
    since: Option<chrono::DateTime<chrono::FixedOffset>>,
    maintainers: Option<crate::maintainers::Maintainers>,
    profile: &ProfileArgs,
    options: &DeskOptions,
    notice: Option<String>,
    use_cache: bool,
) -> Result<i32> {
    // Profile and keymap first: a bad one is reported before the terminal goes raw.
    let (profile, _why) = profile.select(&spec)?;
    let mut opts = load_options(options, notice)?;
    opts.maintainers = maintainers.map(std::sync::Arc::new);
    let keys = options.keys.as_deref();
    if options.print.is_some() || keys.is_some() {
        let size = parse_size(&options.size)?;
        let queue = queue::load_cached(&spec, since, use_cache, TextCheck::Now, FactsAt::Load)?.0;
        let loaded = check(
            std::sync::Arc::new(queue),
            &profile,
            opts.maintainers.as_deref(),
            opts.data_dir.as_deref(),
        );
        let output = match options.print {
            Some(PrintStyle::Ansi) => Output::Ansi,
            _ => Output::Plain,
        };
        let screen = tui::run_headless_loaded(
            loaded,
            &profile.name,
            &opts,
            keys.unwrap_or(""),
            size,
            output,
        )?;
        // The screen's text was made safe as it was drawn; an ANSI print holds its own
        // colour sequences, which must stay sequences.
        match output {
            Output::Ansi => emit_safe(&screen)?,
            Output::Plain | Output::Styled => emit(&screen)?,
        }
        return Ok(0);
    }
    let name = spec.name();
    let source_name = name.clone();
    let profile_name = profile.name.clone();
    let maintainers = opts.maintainers.clone();
    let data_dir = opts.data_dir.clone();
    tui::run_loading(&name, &profile_name, &opts, move |progress| {
        progress.progress(0, None, "reading");
        let load = || queue::load_cached(&spec, since, use_cache, TextCheck::Now, FactsAt::Load);
        let queue = std::sync::Arc::new(
            crate::progress::watching(progress.watcher(&source_name, since), load)?.0,
        );
        // The list shows at once; findings, owners and versions follow when the check is done.
        progress.publish(std::sync::Arc::clone(&queue));
        progress.progress(0, None, "checking");
        Ok(check(
            queue,
            &profile,
            maintainers.as_deref(),
            data_dir.as_deref(),
        ))
    })?;
    Ok(0)
}

/// The findings, owners and versions of `queue`, its series compared with their earlier
/// versions here and in the archive of reviewed patches under `data_dir`. An archive that
/// cannot be read leaves the desk without it and says so (among the versions' problems).
fn check(
    mut queue: std::sync::Arc<queue::Queue>,
    profile: &crate::policy::profile::Profile,
    maintainers: Option<&crate::maintainers::Maintainers>,
    data_dir: Option<&std::path::Path>,
) -> tui::Loaded {
    let (archive, problem) = match data_dir.map(|d| crate::triage::archive::beside(d, &queue)) {
        Some(Ok(archive)) => (archive, None),
        Some(Err(e)) => (None, Some(format!("earlier versions not compared: {e}"))),
        None => (None, None),
    };
    let (findings, owners, mut versions) = match archive {
        // Compared beside the archive, the queue is extended for a while: the desk keeps
        // showing its own copy meanwhile.
        Some(archive) => super::filter::check_versions_beside(
            std::sync::Arc::make_mut(&mut queue),
            profile,
            maintainers,
            Some(archive),
        ),
        None => super::filter::check_versions(&queue, profile, maintainers),
    };
    versions.families.problems.extend(problem);
    tui::Loaded {
        queue,
        findings,
        owners,
        versions,
    }
}

/// Runs `patchdesk [SOURCE]`; with no SOURCE, the demo queue (and the desk says so).
pub fn run_desk(args: &DeskArgs) -> Result<i32> {
    if args.source.source.is_none() && args.source.repo.is_none() && !args.source.demo {
        let notice = "no SOURCE given: showing the built-in demo queue (patchdesk --help for more)";
        return open(
            SourceSpec::Demo,
            None,
            None,
            &args.profile,
            &args.options,
            Some(notice.to_string()),
            false,
        );
    }
    let since = args.source.since()?;
    open(
        args.source.spec()?,
        since,
        args.source.maintainers()?,
        &args.profile,
        &args.options,
        None,
        !args.source.no_cache,
    )
}

/// Runs `patchdesk demo`.
pub fn run_demo(args: &DemoArgs) -> Result<i32> {
    let maintainers = args.tree.as_deref().map(super::load_tree).transpose()?;
    open(
        SourceSpec::Demo,
        None,
        maintainers,
        &args.profile,
        &args.options,
        None,
        false,
    )
}

/// Runs `patchdesk keys`.
pub fn run_keys(args: &KeysArgs) -> Result<i32> {
    let user = tui::keymap::user_keymap_path();
    let keymap = tui::keymap::Keymap::load(args.keymap.as_deref(), user.as_deref())?;
    emit(&if args.markdown {
        keymap.to_markdown()
    } else {
        keymap.to_text()
    })?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_parse_and_bad_ones_are_named() {
        assert_eq!(parse_size("120x40").ok(), Some((120, 40)));
        assert_eq!(parse_size("80X24").ok(), Some((80, 24)));
        for bad in ["120", "x40", "0x0", "abcxdef", "5000x10"] {
            let err = parse_size(bad).unwrap_err().to_string();
            assert!(err.contains(bad), "{err}");
        }
    }
}
