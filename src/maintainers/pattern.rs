//! `F:`/`X:` file patterns: the script turns a glob into a regular expression (`.` → `\.`,
//! `*` → `.*`, `?` → `.`), appends `/` to a directory, and matches it at the start of a
//! path; without a trailing `/` the path must also have as many `/` as the pattern.
//! Patterns that are only literals, `.` and `.*` are matched here without a regex engine
//! (most of them); any other regex syntax goes to the `regex` crate.

use regex::Regex;

/// One converted `F:` or `X:` value.
#[derive(Debug, Clone)]
pub(crate) struct FilePattern {
    matcher: Matcher,
    slashes: usize,
    /// Ends with `/`: matches everything below.
    dir: bool,
    /// The script's "pattern depth", used to order the sections of one file.
    pub depth: i64,
    /// Literal text every matching path starts with.
    pub prefix: String,
    /// How many leading tokens spell `prefix`.
    prefix_tokens: usize,
}

#[derive(Debug, Clone)]
enum Matcher {
    Simple(Vec<Tok>),
    Regex(Regex),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Lit(char),
    Any,
    Star,
}

/// The script's conversion of a glob to its regex text.
pub(crate) fn convert(glob: &str) -> String {
    glob.replace('.', "\\.")
        .replace('*', ".*")
        .replace('?', ".")
}

impl FilePattern {
    /// Build from a converted value (see [`convert`]), after the directory slash was added.
    pub fn new(value: String) -> Result<Self, String> {
        if value.is_empty() {
            return Err("empty file pattern".into());
        }
        let matcher = match simple_tokens(&value) {
            Some(toks) => Matcher::Simple(toks),
            None => Matcher::Regex(Regex::new(&format!("^{value}")).map_err(|e| {
                format!(
                    "bad file pattern {value:?}: {}",
                    e.to_string().lines().last().unwrap_or("")
                )
            })?),
        };
        let prefix = match &matcher {
            Matcher::Simple(toks) => toks
                .iter()
                .map_while(|t| match t {
                    Tok::Lit(c) => Some(*c),
                    _ => None,
                })
                .collect(),
            Matcher::Regex(_) => String::new(),
        };
        let slashes = value.matches('/').count();
        let dir = value.ends_with('/');
        let mut depth = slashes as i64;
        if !dir {
            depth += 1;
        }
        if value.starts_with(".*") {
            depth = -1;
        }
        let prefix_tokens = prefix.chars().count();
        Ok(FilePattern {
            matcher,
            slashes,
            dir,
            depth,
            prefix,
            prefix_tokens,
        })
    }

    /// `file_match_pattern` of the script.
    #[cfg(test)]
    pub fn matches(&self, file: &str) -> bool {
        self.matches_counted(file, file.matches('/').count())
    }

    /// [`FilePattern::matches`] for a file with `slashes` slashes (counted once per file).
    pub fn matches_counted(&self, file: &str, slashes: usize) -> bool {
        if !self.dir && slashes != self.slashes {
            return false;
        }
        match &self.matcher {
            Matcher::Simple(toks) => match file.strip_prefix(self.prefix.as_str()) {
                // The literal prefix is the leading tokens: match only what follows it.
                Some(rest) => prefix_match(&toks[self.prefix_tokens..], rest),
                None => false,
            },
            Matcher::Regex(re) => re.is_match(file),
        }
    }
}

/// Tokens when the regex text uses nothing but literals, `\.`, `.` and `.*`.
fn simple_tokens(value: &str) -> Option<Vec<Tok>> {
    let mut toks = Vec::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('.') => toks.push(Tok::Lit('.')),
                _ => return None,
            },
            '.' => {
                if chars.peek() == Some(&'*') {
                    chars.next();
                    toks.push(Tok::Star);
                } else {
                    toks.push(Tok::Any);
                }
            }
            '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '^' | '$' => {
                return None;
            }
            c => toks.push(Tok::Lit(c)),
        }
    }
    Some(toks)
}

/// Does some prefix of `text` match all of `toks`? (`.` matches any character but a newline.)
///
/// Greedy with a return to the last `.*` on a mismatch: linear for the usual patterns,
/// where trying every split (as a naive recursion does) is quadratic in `*/*win32*`.
fn prefix_match(toks: &[Tok], text: &str) -> bool {
    let next = |at: usize| text[at..].chars().next();
    let (mut p, mut s) = (0usize, 0usize);
    // After the last star seen: the token after it and where its match would resume.
    let mut star: Option<(usize, usize)> = None;
    loop {
        let Some(tok) = toks.get(p) else {
            return true;
        };
        let step = match tok {
            Tok::Star => {
                star = Some((p + 1, s));
                p += 1;
                continue;
            }
            Tok::Lit(c) => next(s).filter(|n| n == c),
            Tok::Any => next(s).filter(|n| *n != '\n'),
        };
        if let Some(c) = step {
            s += c.len_utf8();
            p += 1;
            continue;
        }
        // A mismatch: the last star takes one more character, if it can.
        let Some((after, from)) = star else {
            return false;
        };
        match next(from) {
            Some(c) if c != '\n' => {
                star = Some((after, from + c.len_utf8()));
                p = after;
                s = from + c.len_utf8();
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(glob: &str) -> FilePattern {
        FilePattern::new(convert(glob)).unwrap()
    }

    #[test]
    fn a_file_pattern_needs_as_many_slashes() {
        let p = pat("hw/arm/*.c");
        assert!(p.matches("hw/arm/virt.c"));
        assert!(!p.matches("hw/arm/sub/virt.c"));
        assert!(!p.matches("hw/armx/virt.c"));
    }

    #[test]
    fn a_directory_pattern_covers_everything_below() {
        let p = pat("hw/arm/");
        assert!(p.matches("hw/arm/a/b/c.c"));
        assert!(!p.matches("hw/arm.c"));
    }

    #[test]
    fn a_pattern_matches_at_the_start_only_and_dots_are_literal() {
        let p = pat("docs/a.txt");
        assert!(p.matches("docs/a.txt"));
        assert!(
            p.matches("docs/a.txtx"),
            "the script does not anchor the end"
        );
        assert!(!p.matches("docs/abtxt"));
        assert!(!p.matches("x/docs/a.txt"));
        let q = pat("include/?.h");
        assert!(q.matches("include/x.h"));
        assert!(!q.matches("include/xy.h"));
    }

    #[test]
    fn the_glob_matcher_agrees_with_the_regex_engine() {
        let globs = [
            "*/*win32*",
            "*/xen*",
            "hw/*/k*.c",
            "a?b*c",
            "*",
            "*/",
            "x*y*z",
            "é*/?",
        ];
        let files = [
            "hw/win32/a.c",
            "util/oslib-win32.c",
            "win32",
            "a/xen/b",
            "hw/arm/kvm.c",
            "hw/a/b/kvm.c",
            "axbyc",
            "abc",
            "x/y/z",
            "xyz",
            "é/ü",
            "éx/",
            "",
            "a\nwin32",
        ];
        for g in globs {
            let value = convert(g);
            let toks = simple_tokens(&value).unwrap();
            let re = Regex::new(&format!("^{value}")).unwrap();
            for f in files {
                assert_eq!(prefix_match(&toks, f), re.is_match(f), "{g} on {f:?}");
            }
        }
    }

    #[test]
    fn depth_follows_the_script() {
        assert_eq!(pat("hw/arm/").depth, 2);
        assert_eq!(pat("hw/arm/virt.c").depth, 3);
        assert_eq!(pat("*").depth, -1);
    }

    #[test]
    fn other_regex_syntax_goes_to_the_engine_and_bad_syntax_is_an_error() {
        let p = FilePattern::new("drivers/(a|b)/".into()).unwrap();
        assert!(p.matches("drivers/b/x.c"));
        assert!(FilePattern::new("drivers/(a/".into()).is_err());
        assert!(FilePattern::new(String::new()).is_err());
    }
}
