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
    /// `X:` patterns, as indices into `Maintainers::patterns`.
    pub excludes: Vec<usize>,
}

/// `K:` regexes compiled together. Lines with the same regex text share one entry, so a
/// file that repeats a keyword pays for it once.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeywordSet {
    pub plain: Option<regex::RegexSet>,
    pub diffed: Option<regex::RegexSet>,
    /// The `keywords` indices of each distinct regex text, in first-seen order.
    pub groups: Vec<Vec<usize>>,
    /// The group of the sets' k-th pattern.
    pub members: Vec<usize>,
    /// Groups the sets leave out (lookaround, backreferences): tried one by one.
    pub one_by_one: Vec<usize>,
}

impl KeywordSet {
    fn build(keywords: &[(usize, fancy_regex::Regex, fancy_regex::Regex)]) -> KeywordSet {
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut by_text: HashMap<&str, usize> = HashMap::new();
        for (k, (_, plain, _)) in keywords.iter().enumerate() {
            let g = *by_text.entry(plain.as_str()).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[g].push(k);
        }
        let text = |g: usize, diffed: bool| {
            let (_, plain, with_prefix) = &keywords[groups[g][0]];
            if diffed {
                with_prefix.as_str()
            } else {
                plain.as_str()
            }
        };
        let sets = |members: &[usize]| {
            let plain = regex::RegexSet::new(members.iter().map(|&g| text(g, false)));
            let diffed = regex::RegexSet::new(members.iter().map(|&g| text(g, true)));
            plain.ok().zip(diffed.ok())
        };
        let all: Vec<usize> = (0..groups.len()).collect();
        let (members, one_by_one) = match sets(&all) {
            Some(_) => (all, Vec::new()),
            // Some need fancy-regex: find which, one pattern at a time.
            None => all.into_iter().partition(|&g| {
                regex::Regex::new(text(g, false)).is_ok()
                    && regex::Regex::new(text(g, true)).is_ok()
            }),
        };
        let (plain, diffed) = match sets(&members) {
            Some((p, d)) => (Some(p), Some(d)),
            None => (None, None),
        };
        let (members, one_by_one) = if plain.is_some() {
            (members, one_by_one)
        } else {
            (Vec::new(), (0..groups.len()).collect())
        };
        KeywordSet {
            plain,
            diffed,
            groups,
            members,
            one_by_one,
        }
    }
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
    /// and with the in-diff prefix); the others (lookaround, backreferences) one by one.
    pub(crate) keyword_set: KeywordSet,
    /// Every distinct `F:`/`X:` pattern, compiled once however many sections list it.
    pub(crate) patterns: Vec<FilePattern>,
    /// For each pattern, the `F:` rules that use it, as (section, index among its `F:`/`N:` rules).
    pub(crate) pattern_users: Vec<Vec<(usize, usize)>>,
    /// Every distinct `N:` regex, and the rules that use it.
    pub(crate) name_regexes: Vec<fancy_regex::Regex>,
    pub(crate) name_users: Vec<Vec<(usize, usize)>>,
    /// `F:` patterns by their literal prefix, so a file is tried only against the patterns
    /// whose prefix it starts with; `prefix_lens` are the distinct prefix lengths, sorted.
    pub(crate) by_prefix: HashMap<String, Vec<usize>>,
    pub(crate) prefix_lens: Vec<usize>,
    /// `F:` patterns without a literal prefix: tried on every file.
    pub(crate) always: Vec<usize>,
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
            patterns: Vec::new(),
            pattern_users: Vec::new(),
            name_regexes: Vec::new(),
            name_users: Vec::new(),
            by_prefix: HashMap::new(),
            prefix_lens: Vec::new(),
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
        // Pattern (or `N:` regex) index of each line, compiled once per distinct value.
        let mut compiled: Vec<Option<(char, usize)>> = Vec::new();
        let mut regexes: Vec<Option<usize>> = Vec::new();
        let mut pattern_ids: HashMap<String, Result<usize, String>> = HashMap::new();
        let mut regex_ids: HashMap<String, usize> = HashMap::new();
        let mut keyword_ids: HashMap<String, usize> = HashMap::new();
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
                        let id = pattern_ids.entry(value.clone()).or_insert_with(|| {
                            FilePattern::new(value.clone()).map(|p| {
                                m.patterns.push(p);
                                m.pattern_users.push(Vec::new());
                                m.patterns.len() - 1
                            })
                        });
                        match id {
                            Ok(id) => pat = Some((kind, *id)),
                            Err(e) => err(&mut m.errors, lineno, e.clone()),
                        }
                    }
                    'N' if dialect == Dialect::Linux => match regex_ids.get(&value) {
                        Some(&id) => re = Some(id),
                        None => match perl_regex(&value, "") {
                            Ok(r) => {
                                m.name_regexes.push(r);
                                m.name_users.push(Vec::new());
                                let id = m.name_regexes.len() - 1;
                                regex_ids.insert(value.clone(), id);
                                re = Some(id);
                            }
                            Err(e) => err(&mut m.errors, lineno, bad_regex("N:", &value, &e)),
                        },
                    },
                    'K' => match keyword_ids.get(&value) {
                        Some(&k) => {
                            let (_, a, b) = m.keywords[k].clone();
                            m.keywords.push((m.lines.len(), a, b));
                        }
                        None => match (perl_regex(&value, ""), perl_regex(&value, "^[+-].*")) {
                            (Ok(a), Ok(b)) => {
                                keyword_ids.insert(value.clone(), m.keywords.len());
                                m.keywords.push((m.lines.len(), a, b));
                            }
                            (Err(e), _) | (_, Err(e)) => {
                                err(&mut m.errors, lineno, bad_regex("K:", &value, &e))
                            }
                        },
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
                excludes: Vec::new(),
            };
            let idx = m.sections.len();
            // Index of the next `F:`/`N:` rule in the section (file order).
            let mut rule = 0;
            for j in first..i {
                m.section_of[j] = Some(idx);
                if let Some((kind, p)) = compiled[j] {
                    if kind == 'X' {
                        section.excludes.push(p);
                    } else {
                        m.pattern_users[p].push((idx, rule));
                        rule += 1;
                    }
                } else if let Some(r) = regexes[j] {
                    m.name_users[r].push((idx, rule));
                    rule += 1;
                }
            }
            m.sections.push(section);
        }
        for (id, p) in m.patterns.iter().enumerate() {
            if m.pattern_users[id].is_empty() {
                continue;
            }
            if p.prefix.is_empty() {
                m.always.push(id);
            } else {
                m.prefix_lens.push(p.prefix.len());
                m.by_prefix.entry(p.prefix.clone()).or_default().push(id);
            }
        }
        m.prefix_lens.sort_unstable();
        m.prefix_lens.dedup();
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
