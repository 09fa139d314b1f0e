//! Profiles as data: TOML files naming the documents a project follows, the severity of each
//! rule, the parameters rules read (line limits, allowed tags, licences), the AI policy,
//! granted exceptions and allowlisted human identities. Built-ins are embedded; a user
//! profile can `extends` one. Loading collects every error with its file and line.

use super::Severity;
use super::catalogue;
use crate::mail::Address;
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The built-in profiles, by name, with their TOML text.
pub const BUILTINS: &[(&str, &str)] = &[
    ("qemu", include_str!("../../policies/qemu.toml")),
    ("linux", include_str!("../../policies/linux.toml")),
    ("generic", include_str!("../../policies/generic.toml")),
];

/// What a project says about AI-generated content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AiPolicy {
    /// Declines AI-generated content (QEMU).
    Decline,
    /// Allows it when declared in a trailer (Linux `Assisted-by`).
    DiscloseTrailer,
    /// Wants disclosure in the pull request only; AI trailers are not wanted (Kubernetes).
    DisclosePrOnly,
    /// No policy.
    #[default]
    Allow,
}

impl AiPolicy {
    fn parse(s: &str) -> Option<AiPolicy> {
        Some(match s {
            "decline" => AiPolicy::Decline,
            "disclose-trailer" => AiPolicy::DiscloseTrailer,
            "disclose-pr-only" => AiPolicy::DisclosePrOnly,
            "allow" => AiPolicy::Allow,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AiPolicy::Decline => "decline",
            AiPolicy::DiscloseTrailer => "disclose-trailer",
            AiPolicy::DisclosePrOnly => "disclose-pr-only",
            AiPolicy::Allow => "allow",
        }
    }
}

/// Which whitespace indents code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Indent {
    Spaces,
    Tabs,
    #[default]
    Any,
}

/// Parameters the rules read.
#[derive(Debug, Clone)]
pub struct Params {
    pub commit_line_max: usize,
    pub subject_max: usize,
    pub code_line_warn: usize,
    /// Above this a long code line is an error (QEMU 90); `None`: only warnings.
    pub code_line_error: Option<usize>,
    pub indent: Indent,
    /// Tags the project uses (compared case-insensitively for "non-standard").
    pub allowed_tags: Vec<String>,
    /// Tags whose value is a URL.
    pub link_tags: Vec<String>,
    /// File extensions for which a missing SPDX line is an error (others: warning).
    pub spdx_required_ext: Vec<String>,
    /// File-name prefixes treated like `spdx_required_ext` (`Makefile`).
    pub spdx_required_names: Vec<String>,
    pub spdx_preferred: Option<String>,
    /// Licence ids accepted besides the preferred one; empty: any.
    pub spdx_allowed: Vec<String>,
    /// Comment that must open the SPDX line, by extension (Linux).
    pub spdx_comment_style: BTreeMap<String, String>,
    pub fixes_min_sha: usize,
    /// The stable list address, for `trailer-stable-format`.
    pub stable_cc: Option<String>,
    /// AI trailers are forbidden outright (Kubernetes-style).
    pub forbid_ai_trailers: bool,
    /// `license-boilerplate` flags every licence phrase (QEMU); false: only the FSF postal
    /// address (Linux).
    pub boilerplate_all: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            commit_line_max: 72,
            subject_max: 75,
            code_line_warn: 100,
            code_line_error: None,
            indent: Indent::Any,
            allowed_tags: Vec::new(),
            link_tags: vec!["Link".into(), "Closes".into()],
            spdx_required_ext: Vec::new(),
            spdx_required_names: Vec::new(),
            spdx_preferred: None,
            spdx_allowed: Vec::new(),
            spdx_comment_style: BTreeMap::new(),
            fixes_min_sha: 12,
            stable_cc: None,
            forbid_ai_trailers: false,
            boilerplate_all: true,
        }
    }
}

/// An exception to the AI policy the project has granted (QEMU's exception process).
#[derive(Debug, Clone)]
pub struct Exception {
    /// The name a commit cites.
    pub name: String,
    pub description: String,
    /// Matches a citation of the exception; default: the name, case-insensitive.
    pub pattern: Regex,
}

/// A human identity that must never be taken for an AI tool.
#[derive(Debug, Clone)]
pub enum IdentityMatch {
    /// Lower-cased address.
    Email(String),
    /// Lower-cased name and address.
    NameEmail(String, String),
    /// A regex over `Name <address>`.
    Pattern(Regex),
}

impl IdentityMatch {
    pub fn matches(&self, who: &Address) -> bool {
        match self {
            IdentityMatch::Email(e) => who.email.eq_ignore_ascii_case(e),
            IdentityMatch::NameEmail(n, e) => {
                who.email.eq_ignore_ascii_case(e) && who.name.eq_ignore_ascii_case(n)
            }
            IdentityMatch::Pattern(re) => re.is_match(&who.display()),
        }
    }
}

/// A resolved profile: which rules run, at what severity, with which parameters.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub name: String,
    pub description: String,
    pub policy_version: String,
    /// The documents the profile encodes (with their revisions).
    pub documents: Vec<String>,
    pub ai_policy: AiPolicy,
    /// Names of the profiles this one extends, nearest first.
    pub extends: Vec<String>,
    /// Where the profile was read from (`built-in`, a path).
    pub origin: String,
    /// Severity of every rule that runs; a rule not here is off. A profile that extends
    /// none starts from the catalogue's defaults ([`Profile::from_catalogue`]).
    pub severities: BTreeMap<String, Severity>,
    /// Rules the profile (or one it extends) turns off with `"off"`.
    pub off: std::collections::BTreeSet<String>,
    /// Per-rule source texts overriding the catalogue's.
    pub sources: BTreeMap<String, String>,
    pub params: Params,
    pub exceptions: Vec<Exception>,
    pub allowlist: Vec<IdentityMatch>,
    /// The TOML text of the profile file itself.
    pub text: String,
}

impl Profile {
    /// A profile with nothing but the catalogue's default severities: where a profile that
    /// extends none starts, so a rule it does not name runs at its default.
    pub fn from_catalogue() -> Profile {
        Profile {
            severities: catalogue::RULES
                .iter()
                .filter_map(|r| Some((r.id.to_string(), r.default?)))
                .collect(),
            ..Profile::default()
        }
    }

    /// The severity of a rule, `None` when it is off.
    pub fn severity(&self, rule: &str) -> Option<Severity> {
        self.severities.get(rule).copied()
    }

    /// The source shown with a rule's findings.
    pub fn source_of(&self, rule: &str) -> &str {
        self.sources
            .get(rule)
            .map(String::as_str)
            .or_else(|| catalogue::rule(rule).map(|r| r.source))
            .unwrap_or("")
    }

    /// True when the identity is an allowlisted human.
    pub fn is_allowlisted(&self, who: &Address) -> bool {
        self.allowlist.iter().any(|m| m.matches(who))
    }

    /// A built-in profile by name.
    pub fn builtin(name: &str) -> Result<Profile, ProfileErrors> {
        Loader::default().load_named(name)
    }
}

/// One problem in a profile file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Every problem found while loading a profile and what it extends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileErrors(pub Vec<ProfileError>);

impl fmt::Display for ProfileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ProfileErrors {}

impl From<ProfileErrors> for crate::Error {
    fn from(e: ProfileErrors) -> Self {
        crate::Error::Usage(format!("invalid profile:\n{e}"))
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: Option<String>,
    description: Option<String>,
    policy_version: Option<String>,
    extends: Option<Spanned<String>>,
    documents: Option<Vec<String>>,
    ai_policy: Option<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    sources: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    params: RawParams,
    #[serde(default)]
    exceptions: Vec<RawException>,
    #[serde(default)]
    allowlist: RawAllowlist,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawParams {
    commit_line_max: Option<usize>,
    subject_max: Option<usize>,
    code_line_warn: Option<usize>,
    code_line_error: Option<usize>,
    indent: Option<Spanned<String>>,
    allowed_tags: Option<Vec<String>>,
    link_tags: Option<Vec<String>>,
    spdx_required_ext: Option<Vec<String>>,
    spdx_required_names: Option<Vec<String>>,
    spdx_preferred: Option<String>,
    spdx_allowed: Option<Vec<String>>,
    spdx_comment_style: Option<BTreeMap<String, String>>,
    fixes_min_sha: Option<usize>,
    stable_cc: Option<String>,
    forbid_ai_trailers: Option<bool>,
    boilerplate_all: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    name: String,
    #[serde(default)]
    description: String,
    pattern: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAllowlist {
    #[serde(default)]
    identities: Vec<Spanned<String>>,
}

/// Finds and reads profiles: built-ins, the user's config dir, explicit files.
#[derive(Debug, Clone, Default)]
pub struct Loader {
    /// The user's config dir (`~/.config/patchdesk`), holding `policy.toml` and
    /// `policies/NAME.toml`.
    pub config_dir: Option<PathBuf>,
}

impl Loader {
    /// A loader using the user's config dir (`$XDG_CONFIG_HOME/patchdesk` first).
    pub fn from_env() -> Loader {
        Loader {
            config_dir: user_config_dir(),
        }
    }

    /// A profile by name: the user's `policies/NAME.toml` first, then a built-in.
    pub fn load_named(&self, name: &str) -> Result<Profile, ProfileErrors> {
        let mut errors = Vec::new();
        let p = self.resolve_name(name, None, &mut Vec::new(), &mut errors);
        finish(p, errors)
    }

    /// A profile from a file.
    pub fn load_file(&self, path: &Path) -> Result<Profile, ProfileErrors> {
        let mut errors = Vec::new();
        let p = self.resolve_file(path, &mut Vec::new(), &mut errors);
        finish(p, errors)
    }

    /// A profile from TOML text (named `file` in errors).
    pub fn load_str(&self, file: &str, text: &str) -> Result<Profile, ProfileErrors> {
        let mut errors = Vec::new();
        let p = self.resolve_text(file, text, None, &mut Vec::new(), &mut errors);
        finish(p, errors)
    }

    /// Every profile name available: built-ins, then the user's.
    pub fn names(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = BUILTINS
            .iter()
            .map(|(n, _)| (n.to_string(), "built-in".to_string()))
            .collect();
        if let Some(dir) = &self.config_dir {
            let single = dir.join("policy.toml");
            if single.is_file() {
                out.push(("policy".into(), single.display().to_string()));
            }
            if let Ok(rd) = std::fs::read_dir(dir.join("policies")) {
                let mut user: Vec<(String, String)> = rd
                    .flatten()
                    .filter_map(|e| {
                        let p = e.path();
                        let stem = p.file_stem()?.to_str()?.to_string();
                        (p.extension()? == "toml").then(|| (stem, p.display().to_string()))
                    })
                    .collect();
                user.sort();
                out.extend(user);
            }
        }
        out
    }

    fn user_file(&self, name: &str) -> Option<PathBuf> {
        let dir = self.config_dir.as_ref()?;
        let p = dir.join("policies").join(format!("{name}.toml"));
        p.is_file().then_some(p)
    }

    fn resolve_name(
        &self,
        name: &str,
        from: Option<(&str, usize)>,
        stack: &mut Vec<String>,
        errors: &mut Vec<ProfileError>,
    ) -> Option<Profile> {
        if let Some(p) = self.user_file(name) {
            return self.resolve_file(&p, stack, errors);
        }
        if let Some((_, text)) = BUILTINS.iter().find(|(n, _)| *n == name) {
            let file = format!("<built-in {name}>");
            return self.resolve_text(&file, text, None, stack, errors);
        }
        let (file, line) = from.map_or((name.to_string(), None), |(f, l)| (f.to_string(), Some(l)));
        let known: Vec<&str> = BUILTINS.iter().map(|(n, _)| *n).collect();
        errors.push(ProfileError {
            file,
            line,
            message: format!("unknown profile '{name}' (known: {})", known.join(", ")),
        });
        None
    }

    fn resolve_file(
        &self,
        path: &Path,
        stack: &mut Vec<String>,
        errors: &mut Vec<ProfileError>,
    ) -> Option<Profile> {
        let file = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => self.resolve_text(&file, &text, path.parent(), stack, errors),
            Err(e) => {
                errors.push(ProfileError {
                    file,
                    line: None,
                    message: e.to_string(),
                });
                None
            }
        }
    }

    fn resolve_text(
        &self,
        file: &str,
        text: &str,
        dir: Option<&Path>,
        stack: &mut Vec<String>,
        errors: &mut Vec<ProfileError>,
    ) -> Option<Profile> {
        let raw: RawProfile = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                errors.push(ProfileError {
                    file: file.to_string(),
                    line: e.span().map(|s| line_of(text, s.start)),
                    message: e.message().to_string(),
                });
                return None;
            }
        };
        let at = |span: std::ops::Range<usize>| Some(line_of(text, span.start));
        let key = file.to_string();
        if stack.contains(&key) {
            let line = raw.extends.as_ref().and_then(|e| at(e.span()));
            let mut chain = stack.clone();
            chain.push(key);
            errors.push(ProfileError {
                file: file.to_string(),
                line,
                message: format!("cycle of `extends`: {}", chain.join(" -> ")),
            });
            return None;
        }
        stack.push(key);
        let base = match &raw.extends {
            None => None,
            Some(ext) => {
                let line = line_of(text, ext.span().start);
                let name = ext.get_ref();
                let as_path = dir
                    .filter(|_| name.ends_with(".toml") || name.contains('/'))
                    .map(|d| d.join(name));
                let b = match as_path {
                    Some(p) => self.resolve_file(&p, stack, errors),
                    None => self.resolve_name(name, Some((file, line)), stack, errors),
                };
                if b.is_none() {
                    stack.pop();
                    // The base failed; still report this file's own errors.
                    let mut scratch = Profile::default();
                    apply(&mut scratch, raw, file, text, errors);
                    return None;
                }
                b
            }
        };
        stack.pop();
        let mut profile = match base {
            Some(mut b) => {
                b.extends.insert(0, b.name.clone());
                b
            }
            None => Profile::from_catalogue(),
        };
        profile.origin = if file.starts_with("<built-in") {
            "built-in".to_string()
        } else {
            file.to_string()
        };
        profile.text = text.to_string();
        profile.name = raw
            .name
            .clone()
            .or_else(|| {
                Path::new(file)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .map(|s| {
                        s.trim_start_matches("<built-in ")
                            .trim_end_matches('>')
                            .to_string()
                    })
            })
            .unwrap_or_default();
        apply(&mut profile, raw, file, text, errors);
        Some(profile)
    }
}

fn finish(p: Option<Profile>, errors: Vec<ProfileError>) -> Result<Profile, ProfileErrors> {
    match p {
        Some(p) if errors.is_empty() => Ok(p),
        _ if errors.is_empty() => Err(ProfileErrors(vec![ProfileError {
            file: "profile".into(),
            line: None,
            message: "could not be loaded".into(),
        }])),
        _ => {
            let mut errors = errors;
            errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
            errors.dedup();
            Err(ProfileErrors(errors))
        }
    }
}

/// Lays a raw profile over a resolved base, collecting errors.
fn apply(
    profile: &mut Profile,
    raw: RawProfile,
    file: &str,
    text: &str,
    errors: &mut Vec<ProfileError>,
) {
    let mut err = |span: std::ops::Range<usize>, message: String| {
        errors.push(ProfileError {
            file: file.to_string(),
            line: Some(line_of(text, span.start)),
            message,
        })
    };
    if let Some(d) = raw.description {
        profile.description = d;
    }
    if let Some(v) = raw.policy_version {
        profile.policy_version = v;
    }
    if let Some(d) = raw.documents {
        profile.documents = d;
    }
    if let Some(a) = raw.ai_policy {
        match AiPolicy::parse(a.get_ref()) {
            Some(p) => profile.ai_policy = p,
            None => err(
                a.span(),
                format!(
                    "bad ai_policy '{}' (expected decline, disclose-trailer, disclose-pr-only or allow)",
                    a.get_ref()
                ),
            ),
        }
    }
    for (rule, sev) in raw.rules {
        if catalogue::rule(&rule).is_none() {
            let hint = suggest_rule(&rule)
                .map(|s| format!(" - perhaps '{s}'?"))
                .unwrap_or_default();
            err(sev.span(), format!("unknown rule id '{rule}'{hint}"));
            continue;
        }
        match parse_severity(sev.get_ref()) {
            Some(Some(s)) => {
                profile.off.remove(&rule);
                profile.severities.insert(rule, s);
            }
            Some(None) => {
                profile.severities.remove(&rule);
                profile.off.insert(rule);
            }
            None => err(
                sev.span(),
                format!(
                    "bad severity '{}' for {rule} (expected error, warning, info or off)",
                    sev.get_ref()
                ),
            ),
        }
    }
    for (rule, src) in raw.sources {
        if catalogue::rule(&rule).is_none() {
            err(src.span(), format!("unknown rule id '{rule}' in [sources]"));
        } else {
            profile.sources.insert(rule, src.into_inner());
        }
    }
    let p = raw.params;
    let q = &mut profile.params;
    macro_rules! set {
        ($f:ident) => {
            if let Some(v) = p.$f {
                q.$f = v;
            }
        };
    }
    set!(commit_line_max);
    set!(subject_max);
    set!(code_line_warn);
    set!(allowed_tags);
    set!(link_tags);
    set!(spdx_required_ext);
    set!(spdx_required_names);
    set!(spdx_allowed);
    set!(spdx_comment_style);
    set!(fixes_min_sha);
    set!(forbid_ai_trailers);
    set!(boilerplate_all);
    if let Some(v) = p.code_line_error {
        q.code_line_error = (v > 0).then_some(v);
    }
    if p.spdx_preferred.is_some() {
        q.spdx_preferred = p.spdx_preferred;
    }
    if p.stable_cc.is_some() {
        q.stable_cc = p.stable_cc;
    }
    if let Some(i) = p.indent {
        match i.get_ref().as_str() {
            "spaces" => q.indent = Indent::Spaces,
            "tabs" => q.indent = Indent::Tabs,
            "any" => q.indent = Indent::Any,
            other => err(
                i.span(),
                format!("bad indent '{other}' (expected spaces, tabs or any)"),
            ),
        }
    }
    for e in raw.exceptions {
        let pattern = match &e.pattern {
            Some(p) => match regex::RegexBuilder::new(p.get_ref())
                .case_insensitive(true)
                .build()
            {
                Ok(re) => re,
                Err(x) => {
                    err(
                        p.span(),
                        format!(
                            "exception '{}': bad regex: {}",
                            e.name,
                            one_line(&x.to_string())
                        ),
                    );
                    continue;
                }
            },
            None => match Regex::new(&format!("(?i){}", regex::escape(&e.name))) {
                Ok(re) => re,
                Err(_) => continue,
            },
        };
        profile.exceptions.push(Exception {
            name: e.name,
            description: e.description,
            pattern,
        });
    }
    for id in raw.allowlist.identities {
        match parse_identity(id.get_ref()) {
            Ok(m) => profile.allowlist.push(m),
            Err(msg) => err(id.span(), msg),
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Some(Some(sev))`, `Some(None)` for off, `None` when not a severity.
fn parse_severity(s: &str) -> Option<Option<Severity>> {
    Some(match s {
        "error" => Some(Severity::Error),
        "warning" | "warn" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        "off" => None,
        _ => return None,
    })
}

fn suggest_rule(id: &str) -> Option<&'static str> {
    let lower = id.to_ascii_lowercase().replace('_', "-");
    catalogue::RULES
        .iter()
        .map(|r| (strsim::levenshtein(&lower, r.id), r.id))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, id)| id)
}

fn parse_identity(s: &str) -> Result<IdentityMatch, String> {
    if let Some(re) = s.strip_prefix("regex:") {
        return regex::RegexBuilder::new(re)
            .case_insensitive(true)
            .build()
            .map(IdentityMatch::Pattern)
            .map_err(|e| format!("allowlist: bad regex: {}", one_line(&e.to_string())));
    }
    let s = s.trim();
    if let (Some(lt), Some(gt)) = (s.find('<'), s.rfind('>')) {
        if lt < gt && s[lt + 1..gt].contains('@') {
            return Ok(IdentityMatch::NameEmail(
                s[..lt].trim().to_lowercase(),
                s[lt + 1..gt].trim().to_lowercase(),
            ));
        }
    } else if s.contains('@') && !s.contains(char::is_whitespace) {
        return Ok(IdentityMatch::Email(s.to_lowercase()));
    }
    Err(format!(
        "allowlist: '{s}' is not `Name <address>`, an address, or `regex:...`"
    ))
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The user's config dir for patchdesk: `$XDG_CONFIG_HOME/patchdesk`, else the platform's.
pub fn user_config_dir() -> Option<PathBuf> {
    crate::fsutil::config_dir()
}

/// How the profile was chosen.
#[derive(Debug, Clone, Default)]
pub struct Selection<'a> {
    /// `--profile NAME`.
    pub profile: Option<&'a str>,
    /// `--policy FILE`.
    pub policy_file: Option<&'a Path>,
    /// A repository to guess from (the git source, else the current directory).
    pub repo: Option<&'a Path>,
}

/// Chooses the profile: `--policy FILE`, `--profile`, the config's `policy.toml`, a guess from
/// the repository, generic. Returns the profile and a sentence saying why it was chosen.
pub fn select(loader: &Loader, sel: &Selection<'_>) -> Result<(Profile, String), ProfileErrors> {
    if let Some(f) = sel.policy_file {
        let p = loader.load_file(f)?;
        let why = format!("from --policy {}", f.display());
        return Ok((p, why));
    }
    if let Some(n) = sel.profile {
        let p = loader.load_named(n)?;
        let why = if loader.user_file(n).is_some() {
            format!("--profile {n} (user profile {})", p.origin)
        } else {
            format!("--profile {n}")
        };
        return Ok((p, why));
    }
    if let Some(dir) = &loader.config_dir {
        let f = dir.join("policy.toml");
        if f.is_file() {
            let p = loader.load_file(&f)?;
            return Ok((p, format!("from the config file {}", f.display())));
        }
    }
    let (name, why) = guess(sel.repo);
    Ok((loader.load_named(name)?, why))
}

/// Guesses the profile from a repository's files.
pub fn guess(repo: Option<&Path>) -> (&'static str, String) {
    if let Some(r) = repo {
        if r.join("docs/devel/code-provenance.rst").is_file() {
            return (
                "qemu",
                format!(
                    "guessed: {} has docs/devel/code-provenance.rst",
                    r.display()
                ),
            );
        }
        if r.join("Documentation/process").is_dir() {
            return (
                "linux",
                format!("guessed: {} has Documentation/process/", r.display()),
            );
        }
        return (
            "generic",
            format!("default: {} looks like neither QEMU nor Linux", r.display()),
        );
    }
    ("generic", "default: no profile given".to_string())
}

#[cfg(test)]
mod tests {

    #[test]
    fn every_rule_is_reachable_from_every_built_in_profile_or_explicitly_off() {
        for (name, _) in BUILTINS {
            let profile = Profile::builtin(name).unwrap();
            for rule in catalogue::RULES {
                let runs = profile.severity(rule.id).is_some();
                let off = profile.off.contains(rule.id);
                assert!(
                    runs || off,
                    "profile {name}: rule {} neither runs nor is turned off with \"off\"",
                    rule.id
                );
            }
        }
    }

    #[test]
    fn a_rule_a_profile_does_not_name_runs_at_its_catalogue_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.toml");
        std::fs::write(
            &path,
            "name = \"mine\"\n[rules]\ndco-missing = \"error\"\ndco-dup = \"off\"\n",
        )
        .unwrap();
        let profile = Loader::default().load_file(&path).unwrap();
        assert_eq!(profile.severity("dco-missing"), Some(Severity::Error));
        assert_eq!(profile.severity("dco-dup"), None);
        assert!(profile.off.contains("dco-dup"));
        let default = catalogue::rule("dco-below-divider").unwrap().default;
        assert!(default.is_some());
        assert_eq!(profile.severity("dco-below-divider"), default);
        let off_by_default = catalogue::rule("style-len-code").unwrap();
        assert_eq!(off_by_default.default, None);
        assert_eq!(profile.severity("style-len-code"), None);
        assert!(!profile.off.contains("style-len-code"));
    }

    use super::*;

    fn loader_in(dir: &Path) -> Loader {
        Loader {
            config_dir: Some(dir.to_path_buf()),
        }
    }

    #[test]
    fn builtins_load_and_cover_catalogue_ids() {
        for (name, _) in BUILTINS {
            let p = Profile::builtin(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(p.name, *name);
            assert!(!p.policy_version.is_empty(), "{name} has a policy_version");
            assert!(!p.documents.is_empty());
            assert!(p.severity("dco-missing").is_some());
        }
        let q = Profile::builtin("qemu").unwrap();
        assert_eq!(q.ai_policy, AiPolicy::Decline);
        assert_eq!(q.severity("ai-coauthor"), Some(Severity::Error));
        assert_eq!(q.params.commit_line_max, 76);
        let l = Profile::builtin("linux").unwrap();
        assert_eq!(l.severity("ai-assisted-by"), Some(Severity::Info));
        assert_eq!(l.params.indent, Indent::Tabs);
        let g = Profile::builtin("generic").unwrap();
        assert_eq!(g.severity("dco-missing"), Some(Severity::Warning));
    }

    #[test]
    fn user_profile_extends_and_overrides() {
        let dir = tempfile::tempdir().unwrap();
        let text = r#"
extends = "qemu"
name = "mine"
[rules]
style-len-code = "off"
ai-prose = "error"
[allowlist]
identities = ["Claude Dupont <claude.dupont@example.fr>", "bot@example.org"]
[[exceptions]]
name = "tcg-test-generator"
description = "tests generated from ISA tables"
"#;
        let f = dir.path().join("mine.toml");
        std::fs::write(&f, text).unwrap();
        let p = loader_in(dir.path()).load_file(&f).unwrap();
        assert_eq!(p.name, "mine");
        assert_eq!(p.extends, vec!["qemu".to_string()]);
        assert_eq!(p.severity("style-len-code"), None);
        assert_eq!(p.severity("ai-prose"), Some(Severity::Error));
        assert_eq!(
            p.severity("dco-missing"),
            Some(Severity::Error),
            "inherited"
        );
        assert_eq!(p.ai_policy, AiPolicy::Decline);
        assert!(p.is_allowlisted(&Address {
            name: "Claude Dupont".into(),
            email: "Claude.Dupont@example.fr".into()
        }));
        assert!(p.is_allowlisted(&Address {
            name: "x".into(),
            email: "bot@example.org".into()
        }));
        assert_eq!(p.exceptions.len(), 1);
        assert!(
            p.exceptions[0]
                .pattern
                .is_match("uses the TCG-test-generator exception")
        );
    }

    #[test]
    fn every_error_is_listed_with_its_line() {
        let text = "extends = \"qemu\"\n[rules]\ndco-mising = \"error\"\nai-prose = \"fatal\"\n[[exceptions]]\nname = \"x\"\npattern = \"(unclosed\"\n[allowlist]\nidentities = [\"nobody\"]\n";
        let err = Loader::default().load_str("bad.toml", text).unwrap_err();
        let lines: Vec<_> = err.0.iter().map(|e| (e.line, e.message.clone())).collect();
        assert_eq!(err.0.len(), 4, "{err}");
        assert_eq!(lines[0].0, Some(3));
        assert!(
            lines[0]
                .1
                .contains("unknown rule id 'dco-mising' - perhaps 'dco-missing'")
        );
        assert_eq!(lines[1].0, Some(4));
        assert!(lines[1].1.contains("bad severity 'fatal'"));
        assert_eq!(lines[2].0, Some(7));
        assert!(lines[2].1.contains("bad regex"));
        assert_eq!(lines[3].0, Some(9));
        assert!(err.to_string().starts_with("bad.toml:3: "));
    }

    #[test]
    fn syntax_error_has_a_line() {
        let err = Loader::default()
            .load_str("s.toml", "name = \"x\"\n[rules\n")
            .unwrap_err();
        assert_eq!(err.0[0].line, Some(2), "{err}");
    }

    #[test]
    fn extends_cycle_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let pol = dir.path().join("policies");
        std::fs::create_dir_all(&pol).unwrap();
        std::fs::write(pol.join("a.toml"), "extends = \"b\"\n").unwrap();
        std::fs::write(pol.join("b.toml"), "\n\nextends = \"a\"\n").unwrap();
        let err = loader_in(dir.path()).load_named("a").unwrap_err();
        assert!(
            err.0
                .iter()
                .any(|e| e.message.contains("cycle of `extends`")),
            "{err}"
        );
        assert!(err.0.iter().any(|e| e.line == Some(3) || e.line == Some(1)));
    }

    #[test]
    fn unknown_base_is_an_error_with_line() {
        let err = Loader::default()
            .load_str("u.toml", "\nextends = \"qmeu\"\n")
            .unwrap_err();
        assert_eq!(err.0[0].line, Some(2));
        assert!(err.0[0].message.contains("unknown profile 'qmeu'"));
    }

    #[test]
    fn selection_order_and_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let loader = loader_in(dir.path());
        let (p, why) = select(
            &loader,
            &Selection {
                profile: Some("linux"),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            (p.name.as_str(), why.as_str()),
            ("linux", "--profile linux")
        );

        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(repo.path().join("docs/devel")).unwrap();
        std::fs::write(repo.path().join("docs/devel/code-provenance.rst"), "x").unwrap();
        let (p, why) = select(
            &loader,
            &Selection {
                repo: Some(repo.path()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(p.name, "qemu");
        assert!(why.contains("code-provenance.rst"));

        let kernel = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(kernel.path().join("Documentation/process")).unwrap();
        assert_eq!(guess(Some(kernel.path())).0, "linux");
        assert_eq!(guess(Some(dir.path())).0, "generic");

        std::fs::write(
            dir.path().join("policy.toml"),
            "extends = \"linux\"\nname = \"cfg\"\n",
        )
        .unwrap();
        let (p, why) = select(
            &loader,
            &Selection {
                repo: Some(repo.path()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(p.name, "cfg");
        assert!(why.contains("config file"));
    }
}
