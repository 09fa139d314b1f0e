//! `patchdesk check`: every patch of a source checked against a profile, printed as
//! compiler-style diagnostics or JSON; exit 0 without errors, 1 with errors, 2 when it could
//! not run. Also `patchdesk policy list|show`.

use super::{SourceArgs, emit};
use crate::policy::Severity;
use crate::policy::profile::{self, Loader, Profile, Selection};
use crate::policy::report::{Report, use_color};
use crate::source::SourceSpec;
use crate::{Error, Result};
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Output format of `check`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    #[default]
    Text,
    Json,
}

/// Lowest severity shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum MinSeverity {
    #[default]
    Info,
    Warning,
    Error,
}

impl From<MinSeverity> for Severity {
    fn from(m: MinSeverity) -> Severity {
        match m {
            MinSeverity::Info => Severity::Info,
            MinSeverity::Warning => Severity::Warning,
            MinSeverity::Error => Severity::Error,
        }
    }
}

/// Which profile to check with.
#[derive(Debug, Clone, Default, Args)]
pub struct ProfileArgs {
    /// A profile by name: qemu, linux, generic, or a user profile
    /// (`$XDG_CONFIG_HOME/patchdesk/policies/NAME.toml`).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// A profile file (may `extends = "qemu"`).
    #[arg(long, value_name = "FILE", conflicts_with = "profile")]
    pub policy: Option<PathBuf>,
}

impl ProfileArgs {
    /// The profile and why it was chosen; `repo` is where to guess from.
    pub fn select(&self, spec: &SourceSpec) -> Result<(Profile, String)> {
        let loader = Loader::from_env();
        if self.profile.is_none() && self.policy.is_none() && *spec == SourceSpec::Demo {
            let name = crate::demo::DEMO_PROFILE;
            let p = loader.load_named(name)?;
            return Ok((p, "the demo queue follows QEMU's rules".to_string()));
        }
        let cwd = std::env::current_dir().ok();
        let repo = match spec {
            SourceSpec::GitRange { repo, .. } => Some(repo.clone()),
            _ => cwd,
        };
        let sel = Selection {
            profile: self.profile.as_deref(),
            policy_file: self.policy.as_deref(),
            repo: repo.as_deref(),
        };
        Ok(profile::select(&loader, &sel)?)
    }
}

/// `patchdesk check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub profile: ProfileArgs,
    #[arg(long, value_enum, default_value_t)]
    pub format: CheckFormat,
    /// Leave out findings below this severity.
    #[arg(long, value_enum, default_value_t, value_name = "S")]
    pub min_severity: MinSeverity,
    /// Only the patches this query keeps, in the desk's filter language (as `list --filter`).
    #[arg(long, value_name = "QUERY")]
    pub filter: Option<String>,
}

/// Runs `check`; returns 0 without errors, 1 with errors.
pub fn run(args: &CheckArgs) -> Result<i32> {
    let spec = args.source.spec()?;
    let (profile, reason) = args.profile.select(&spec)?;
    let queue = args.source.load()?;
    let maintainers = args.source.maintainers()?;
    let (mut findings, owners) = super::filter::check_owned(&queue, &profile, maintainers.as_ref());
    let mut patches = std::borrow::Cow::Borrowed(&queue.patches[..]);
    if let Some(query) = &args.filter {
        let keep = super::filter::keep(&queue, &findings, &owners, query)?;
        let kept = queue.patches.iter().zip(&keep).filter(|(_, k)| **k);
        patches = std::borrow::Cow::Owned(kept.map(|(p, _)| p.clone()).collect());
        let mut k = keep.iter();
        findings.retain(|_| k.next().copied().unwrap_or(false));
    }
    let report = Report {
        profile: &profile,
        reason: &reason,
        patches: &patches,
        findings: &findings,
        min: args.min_severity.into(),
    };
    let text = match args.format {
        CheckFormat::Json => {
            let mut t = serde_json::to_string_pretty(&report.to_json()).unwrap_or_default();
            t.push('\n');
            t
        }
        CheckFormat::Text => report.to_text(use_color()),
    };
    // Text is made safe by the report itself before it is styled; JSON through emit.
    match args.format {
        CheckFormat::Text => super::emit_safe(&text)?,
        CheckFormat::Json => emit(&text)?,
    }
    Ok(i32::from(report.summary().errors > 0))
}

/// `patchdesk policy`.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

/// `patchdesk policy list|show`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// The built-in and user profiles.
    List,
    /// A profile's TOML, what it extends, and every rule's effective severity.
    Show {
        /// Profile name (or a file with --policy).
        #[arg(value_name = "NAME")]
        name: Option<String>,
        #[arg(long, value_name = "FILE", conflicts_with = "name")]
        policy: Option<PathBuf>,
    },
}

/// Runs `policy list|show`.
pub fn run_policy(args: &PolicyArgs) -> Result<i32> {
    let loader = Loader::from_env();
    match &args.command {
        PolicyCommand::List => {
            emit(&list_text(&loader))?;
            Ok(0)
        }
        PolicyCommand::Show { name, policy } => {
            let p = match (name, policy) {
                (_, Some(f)) => loader.load_file(f)?,
                (Some(n), None) => loader.load_named(n)?,
                (None, None) => {
                    return Err(Error::Usage(
                        "name a profile: patchdesk policy show qemu".into(),
                    ));
                }
            };
            emit(&show_text(&p))?;
            Ok(0)
        }
    }
}

/// The text of `policy list`.
pub fn list_text(loader: &Loader) -> String {
    let mut out = String::new();
    for (name, origin) in loader.names() {
        let line = match loader.load_named(&name) {
            Ok(p) => format!(
                "{name:<10} {:<50} {origin}\n             {}\n",
                p.policy_version, p.description
            ),
            Err(e) => format!("{name:<10} (invalid: {}) {origin}\n", e.0.len()),
        };
        out.push_str(&line);
    }
    out
}

/// The text of `policy show`.
pub fn show_text(p: &Profile) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "# profile {} ({})", p.name, p.origin);
    let _ = writeln!(out, "# policy_version: {}", p.policy_version);
    if !p.extends.is_empty() {
        let _ = writeln!(out, "# extends: {}", p.extends.join(" -> "));
    }
    let _ = writeln!(out, "# ai_policy: {}", p.ai_policy.as_str());
    for d in &p.documents {
        let _ = writeln!(out, "# follows: {d}");
    }
    let _ = writeln!(out, "# effective severities:");
    for r in crate::policy::catalogue::RULES {
        let sev = p.severity(r.id).map_or("off", |s| s.as_str());
        let _ = writeln!(out, "#   {:<26} {:<8} {}", r.id, sev, r.title);
    }
    for e in &p.exceptions {
        let _ = writeln!(out, "# exception: {} - {}", e.name, e.description);
    }
    out.push('\n');
    out.push_str(&p.text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_show_lists_effective_severities_and_the_toml() {
        let p = Profile::builtin("linux").unwrap();
        let t = show_text(&p);
        assert!(t.contains("# profile linux (built-in)"));
        assert!(t.contains("ai-assisted-by"));
        assert!(t.contains("license-spdx-other         off"), "{t}");
        assert!(t.contains("ai_policy = \"disclose-trailer\""));
    }

    #[test]
    fn policy_list_names_builtins() {
        let t = list_text(&Loader::default());
        for n in ["qemu", "linux", "generic"] {
            assert!(t.lines().any(|l| l.starts_with(n)), "{t}");
        }
    }
}
