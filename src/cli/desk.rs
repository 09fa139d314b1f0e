//! `patchdesk [SOURCE]`, `patchdesk demo` and `patchdesk keys`: the desk on a queue (in the
//! terminal, or replaying `--keys` and printing the screen), and the effective keymap.

use super::{SourceArgs, emit};
use crate::policy::{self, Finding, Profile};
use crate::queue::{self, Queue};
use crate::source::SourceSpec;
use crate::tui::{self, Options, Output, keymap};
use crate::{Error, Result};
use clap::{Args, ValueEnum};

/// Options of the desk.
#[derive(Debug, Clone, Args)]
pub struct DeskArgs {
    /// Keymap preset (default, vim, emacs) or a keymap file, merged over the default.
    #[arg(long, value_name = "NAME|FILE")]
    pub keymap: Option<String>,
    /// The policy profile to check with.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Replay these keys (e.g. `jj<enter>n`) instead of reading the keyboard.
    #[arg(long, value_name = "KEYS")]
    pub keys: Option<String>,
    /// Print the final screen and exit (plain text, or `--print=ansi` with colours).
    #[arg(long, value_enum, value_name = "FORMAT", num_args = 0..=1, require_equals = true, default_missing_value = "plain")]
    pub print: Option<PrintFormat>,
    /// Screen size for --print, as COLSxROWS.
    #[arg(long, value_name = "COLSxROWS", default_value = "120x40")]
    pub size: String,
}

/// How `--print` prints the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrintFormat {
    Plain,
    Ansi,
}

/// `patchdesk keys`.
#[derive(Debug, Clone, Args)]
pub struct KeysArgs {
    /// Keymap preset (default, vim, emacs) or a keymap file, merged over the default.
    #[arg(long, value_name = "NAME|FILE")]
    pub keymap: Option<String>,
    /// Print a Markdown table (the README's key table).
    #[arg(long)]
    pub markdown: bool,
}

fn parse_size(s: &str) -> Result<(u16, u16)> {
    let bad = || Error::Usage(format!("--size {s}: write COLSxROWS, e.g. 120x40"));
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let (w, h) = (
        w.parse::<u16>().map_err(|_| bad())?,
        h.parse::<u16>().map_err(|_| bad())?,
    );
    if w < 20 || h < 5 {
        return Err(bad());
    }
    Ok((w, h))
}

fn check(queue: &Queue, profile: &Profile) -> Vec<Vec<Finding>> {
    policy::check_queue(queue, profile)
}

/// Opens the desk on `source` (the demo when `None`).
pub fn run(source: Option<&SourceArgs>, args: &DeskArgs) -> Result<i32> {
    let (spec, notice) = match source {
        Some(s) if s.demo || s.source.is_some() || s.repo.is_some() => (s.spec()?, None),
        _ => (
            SourceSpec::Demo,
            Some("no SOURCE given: this is the built-in demo queue (patchdesk demo)".to_string()),
        ),
    };
    let profile_name = args.profile.clone().unwrap_or_else(|| {
        if spec == SourceSpec::Demo {
            crate::demo::DEMO_PROFILE
        } else {
            "generic"
        }
        .to_string()
    });
    let profile = Profile {
        name: profile_name.clone(),
    };
    // The keymap is read and checked before the terminal goes raw; every problem is reported.
    let mut options = Options::load(
        args.keymap.as_deref(),
        keymap::user_keymap_path().as_deref(),
    )?;
    options.notice = notice;
    if args.print.is_some() || args.keys.is_some() {
        let size = parse_size(&args.size)?;
        let queue = queue::load(&spec)?;
        let findings = check(&queue, &profile);
        let output = match args.print {
            Some(PrintFormat::Ansi) => Output::Ansi,
            _ => Output::Plain,
        };
        let screen = tui::run_headless(
            queue,
            findings,
            &profile_name,
            &options,
            args.keys.as_deref().unwrap_or(""),
            size,
            output,
        )?;
        emit(&screen)?;
        return Ok(0);
    }
    tui::run_loading(&spec.name(), &profile_name, &options, move |progress| {
        progress.progress(0, None, "reading");
        let queue = queue::load(&spec)?;
        progress.progress(queue.patches.len(), Some(queue.patches.len()), "checking");
        let findings = check(&queue, &profile);
        Ok((queue, findings))
    })?;
    Ok(0)
}

/// Prints the effective keymap.
pub fn keys(args: &KeysArgs) -> Result<i32> {
    let keymap = keymap::Keymap::load(
        args.keymap.as_deref(),
        keymap::user_keymap_path().as_deref(),
    )?;
    emit(&if args.markdown {
        keymap.to_markdown()
    } else {
        keymap.to_text()
    })?;
    Ok(0)
}
