//! Reading a `MAINTAINERS` file into the script's list of lines: typed lines (`X: value`)
//! and the untyped lines between them, which are section titles; blank lines (and, for
//! Linux's script, `#` comments) are dropped. Every problem found is kept with its line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::pattern::{FilePattern, convert};

/// Whose `get_maintainer.pl` to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// Linux's script, which U-Boot uses: any `[A-Z]:` line is typed, `#` lines are
    /// comments, `N:` regexes on file names, files from `diff --git`, `---`/`+++`,
    /// `rename` and `mode change` lines.
    #[default]
    Linux,
    /// QEMU's: any `c:` line is typed, no comments, no `N:`, files from `+++` lines only,
    /// and a `P:` line names the address-only `M:`/`R:` after it.
    Qemu,
}

impl Dialect {
    /// QEMU's script knows its tree by `linux-user/` and `VERSION`; anything else reads as Linux.
    pub fn of_tree(tree: &Path) -> Dialect {
        if tree.join("linux-user").is_dir() && tree.join("VERSION").is_file() {
            Dialect::Qemu
        } else {
            Dialect::Linux
        }
    }
}

/// A problem in a MAINTAINERS file; the line is skipped or kept as the script would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintainersError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for MaintainersError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// One entry of the script's `@typevalue`.
#[derive(Debug, Clone)]
pub(crate) enum Tv {
    Title(String),
    Typed(char, String),
}

/// A run of typed lines and the title above it.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    /// Index of the title in `lines` (or of the first line, for a file that starts typed).
    pub start: usize,
    /// One past the last typed line.
    pub end: usize,
    pub title: String,
    /// `F:` (pattern) and `N:` (regex) entries in file order.
    pub file_rules: Vec<FileRule>,
    pub excludes: Vec<FilePattern>,
}

/// `K:` regexes compiled together.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeywordSet {
    pub plain: Option<regex::RegexSet>,
    pub diffed: Option<regex::RegexSet>,
    pub members: Vec<usize>,
    /// Indices into `keywords` the sets leave out.
    pub one_by_one: Vec<usize>,
}

impl KeywordSet {
    fn build(keywords: &[(usize, fancy_regex::Regex, fancy_regex::Regex)]) -> KeywordSet {
        let sets = |members: &[usize]| {
            let plain = regex::RegexSet::new(members.iter().map(|&k| keywords[k].1.as_str()));
            let diffed = regex::RegexSet::new(members.iter().map(|&k| keywords[k].2.as_str()));
            plain.ok().zip(diffed.ok())
        };
        let all: Vec<usize> = (0..keywords.len()).collect();
        let (members, one_by_one) = match sets(&all) {
            Some(_) => (all, Vec::new()),
            // Some need fancy-regex: find which, one pattern at a time.
            None => all.into_iter().partition(|&k| {
                regex::Regex::new(keywords[k].1.as_str()).is_ok()
                    && regex::Regex::new(keywords[k].2.as_str()).is_ok()
            }),
        };
        let (plain, diffed) = match sets(&members) {
            Some((p, d)) => (Some(p), Some(d)),
            None => (None, None),
        };
        let (members, one_by_one) = if plain.is_some() {
            (members, one_by_one)
        } else {
            (Vec::new(), (0..keywords.len()).collect())
        };
        KeywordSet {
            plain,
            diffed,
            members,
            one_by_one,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum FileRule {
    F(FilePattern),
    N(fancy_regex::Regex),
}

/// A parsed MAINTAINERS file.
#[derive(Debug, Clone)]
pub struct Maintainers {
    pub(crate) dialect: Dialect,
    pub(crate) lines: Vec<Tv>,
    pub(crate) sections: Vec<Section>,
    /// Section of each line index (typed lines only).
    pub(crate) section_of: Vec<Option<usize>>,
    /// `K:` lines: line index and the regex without and with the in-diff prefix.
    pub(crate) keywords: Vec<(usize, fancy_regex::Regex, fancy_regex::Regex)>,
    /// The `K:` regexes the `regex` crate takes, as two sets tried once per line (without
    /// and with the in-diff prefix); `members[k]` is the index into `keywords` of the set's
    /// k-th pattern. The others (lookaround, backreferences) are tried one by one.
    pub(crate) keyword_set: KeywordSet,
    /// `F:` rules by their literal prefix, as (section, index in its `file_rules`), so a file
    /// is tried only against the rules whose prefix it starts with.
    pub(crate) by_prefix: HashMap<String, Vec<(usize, usize)>>,
    /// `N:` regexes and patterns without a literal prefix: tried on every file.
    pub(crate) always: Vec<(usize, usize)>,
    pub(crate) errors: Vec<MaintainersError>,
}

const KNOWN: &str = "MRLSWTFXNKPQBC";

impl Maintainers {
    /// Read `TREE/MAINTAINERS` in the tree's dialect; directories are looked up in the tree.
    pub fn load(tree: &Path) -> crate::Result<Maintainers> {
        let file = tree.join("MAINTAINERS");
        let bytes = std::fs::read(&file).map_err(|e| {
            crate::Error::Usage(format!("--tree: cannot read {}: {e}", file.display()))
        })?;
        let text = String::from_utf8_lossy(&bytes);
        let is_dir = |p: &str| !p.starts_with('/') && tree.join(p).is_dir();
        Ok(Maintainers::parse(
            &text,
            &file,
            Dialect::of_tree(tree),
            &is_dir,
        ))
    }

    /// Parse MAINTAINERS text; `is_dir` says whether a converted `F:`/`X:` value names a
    /// directory of the tree (the script's `-d`).
    pub fn parse(
        text: &str,
        file: &Path,
        dialect: Dialect,
        is_dir: &dyn Fn(&str) -> bool,
    ) -> Maintainers {
        let mut m = Maintainers {
            dialect,
            lines: Vec::new(),
            sections: Vec::new(),
            section_of: Vec::new(),
            keywords: Vec::new(),
            keyword_set: KeywordSet::default(),
            by_prefix: HashMap::new(),
            always: Vec::new(),
            errors: Vec::new(),
        };
        let err = |errors: &mut Vec<MaintainersError>, line: usize, message: String| {
            errors.push(MaintainersError {
                file: file.to_path_buf(),
                line,
                message,
            })
        };
        // Compiled patterns by line index, with their source line numbers.
        let mut compiled: Vec<Option<(char, FilePattern)>> = Vec::new();
        let mut regexes: Vec<Option<fancy_regex::Regex>> = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let lineno = n + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            if let Some((kind, value)) = typed(line, dialect) {
                let mut value = value.to_string();
                let mut pat = None;
                let mut re = None;
                match kind {
                    'F' | 'X' => {
                        value = convert(&value);
                        if is_dir(&value) && !value.ends_with('/') {
                            value.push('/');
                        }
                        match FilePattern::new(value.clone()) {
                            Ok(p) => pat = Some((kind, p)),
                            Err(e) => err(&mut m.errors, lineno, e),
                        }
                    }
                    'N' if dialect == Dialect::Linux => match perl_regex(&value, "") {
                        Ok(r) => re = Some(r),
                        Err(e) => err(&mut m.errors, lineno, bad_regex("N:", &value, &e)),
                    },
                    'K' => match (perl_regex(&value, ""), perl_regex(&value, "^[+-].*")) {
                        (Ok(a), Ok(b)) => m.keywords.push((m.lines.len(), a, b)),
                        (Err(e), _) | (_, Err(e)) => {
                            err(&mut m.errors, lineno, bad_regex("K:", &value, &e))
                        }
                    },
                    'M' | 'R' if super::lookup::parse_email(&value).1.is_empty() => err(
                        &mut m.errors,
                        lineno,
                        format!("{kind}: line without an address: {value:?}"),
                    ),
                    k if !KNOWN.contains(k) => err(
                        &mut m.errors,
                        lineno,
                        format!("unknown line kind {k:?} (known: {KNOWN})"),
                    ),
                    _ => {}
                }
                m.lines.push(Tv::Typed(kind, value));
                compiled.push(pat);
                regexes.push(re);
            } else if !skipped(line, dialect) {
                m.lines.push(Tv::Title(line.to_string()));
                compiled.push(None);
                regexes.push(None);
            }
        }
        m.section_of = vec![None; m.lines.len()];
        let mut i = 0;
        while i < m.lines.len() {
            if !matches!(m.lines[i], Tv::Typed(..)) {
                i += 1;
                continue;
            }
            let first = i;
            while i < m.lines.len() && matches!(m.lines[i], Tv::Typed(..)) {
                i += 1;
            }
            let start = first.saturating_sub(1);
            let title = match &m.lines[start] {
                Tv::Title(t) => t.clone(),
                Tv::Typed(k, v) => format!("{k}:{v}"),
            };
            let mut section = Section {
                start,
                end: i,
                title,
                file_rules: Vec::new(),
                excludes: Vec::new(),
            };
            let idx = m.sections.len();
            for j in first..i {
                m.section_of[j] = Some(idx);
                let rule = section.file_rules.len();
                if let Some((kind, p)) = compiled[j].take() {
                    if kind == 'X' {
                        section.excludes.push(p);
                    } else {
                        if p.prefix.is_empty() {
                            m.always.push((idx, rule));
                        } else {
                            m.by_prefix
                                .entry(p.prefix.clone())
                                .or_default()
                                .push((idx, rule));
                        }
                        section.file_rules.push(FileRule::F(p));
                    }
                } else if let Some(r) = regexes[j].take() {
                    m.always.push((idx, rule));
                    section.file_rules.push(FileRule::N(r));
                }
            }
            m.sections.push(section);
        }
        m.keyword_set = KeywordSet::build(&m.keywords);
        m
    }

    /// Every problem found, with file and line.
    pub fn errors(&self) -> &[MaintainersError] {
        &self.errors
    }

    /// The dialect read.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// How many sections.
    pub fn section_count(&self) -> usize {
        self.sections.len()
    }
}

/// A Perl `m/PREFIX$value/x`: lookaround and the like need more than the `regex` crate.
fn perl_regex(value: &str, prefix: &str) -> Result<fancy_regex::Regex, Box<fancy_regex::Error>> {
    fancy_regex::Regex::new(&format!("(?x){prefix}{value}")).map_err(Box::new)
}

fn bad_regex(kind: &str, value: &str, e: &dyn std::fmt::Display) -> String {
    let why = e.to_string();
    let why = why.lines().last().unwrap_or("").trim().to_string();
    format!("bad {kind} regex {value:?}: {why}")
}

/// `^([A-Z]):\s*(.*)` (Linux) or `^(.):\s*(.*)` (QEMU).
fn typed(line: &str, dialect: Dialect) -> Option<(char, &str)> {
    let mut chars = line.chars();
    let kind = chars.next()?;
    let ok = match dialect {
        Dialect::Linux => kind.is_ascii_uppercase(),
        Dialect::Qemu => kind != '\n',
    };
    let rest = chars.as_str().strip_prefix(':')?;
    ok.then(|| (kind, rest.trim_start()))
}

/// Lines the script drops: blank, and for Linux `#` comments.
fn skipped(line: &str, dialect: Dialect) -> bool {
    let t = line.trim_start();
    t.is_empty() || (dialect == Dialect::Linux && t.starts_with('#'))
}
