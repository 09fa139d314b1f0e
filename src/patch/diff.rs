//! Unified diffs as git writes them: files, hunks, and every line with its numbers.
//!
//! Reads `git diff` output (`diff --git` headers, modes, renames, copies, binary) and plain
//! `---`/`+++` unified diffs (quilt). A hunk with fewer lines than its header promises is a
//! problem reported beside the files, never a panic.
use crate::text::SharedText;
use serde::Serialize;

/// What happened to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    #[default]
    Modified,
    Added,
    Deleted,
    Renamed,
    Copied,
}

/// A line of a hunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineKind {
    Context,
    Add,
    Remove,
}

/// One line of a hunk with its old- and new-side line numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    pub kind: LineKind,
    pub old: Option<u32>,
    pub new: Option<u32>,
    /// The text without the leading ` `/`+`/`-`.
    pub text: SharedText,
    /// Followed by `\ No newline at end of file`.
    #[serde(skip)]
    pub no_newline: bool,
}

/// One hunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hunk {
    pub old_start: u32,
    pub old_lines: u32,
    pub new_start: u32,
    pub new_lines: u32,
    /// The text after the second `@@` (function context).
    #[serde(skip)]
    pub section: String,
    pub lines: Vec<DiffLine>,
}

/// One file of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct FileDiff {
    pub old_path: Option<String>,
    pub new_path: Option<String>,
    pub status: FileStatus,
    pub binary: bool,
    #[serde(skip)]
    pub old_mode: Option<u32>,
    #[serde(skip)]
    pub new_mode: Option<u32>,
    pub hunks: Vec<Hunk>,
}

impl FileDiff {
    /// The path a reader thinks of: the new path, else the old one.
    pub fn path(&self) -> &str {
        self.new_path
            .as_deref()
            .or(self.old_path.as_deref())
            .unwrap_or("")
    }
}

/// The result of reading a diff: the files, and what made it unusable as it stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedDiff {
    pub files: Vec<FileDiff>,
    /// Cut-off or line-wrapped hunks, each naming the file and the 1-based line of the text.
    pub problems: Vec<String>,
}

impl ParsedDiff {
    /// Added lines over all files.
    pub fn insertions(&self) -> usize {
        self.count(LineKind::Add)
    }

    /// Removed lines over all files.
    pub fn deletions(&self) -> usize {
        self.count(LineKind::Remove)
    }

    fn count(&self, kind: LineKind) -> usize {
        count_lines(&self.files, kind)
    }
}

/// How many lines of `kind` the hunks of `files` hold.
pub fn count_lines(files: &[FileDiff], kind: LineKind) -> usize {
    files
        .iter()
        .flat_map(|f| &f.hunks)
        .flat_map(|h| &h.lines)
        .filter(|l| l.kind == kind)
        .count()
}

/// True when the line starts a diff in a mail body (where notes end).
pub fn is_diff_start(line: &str, next: Option<&str>) -> bool {
    line.starts_with("diff --git ")
        || line.starts_with("diff -")
        || line.starts_with("Index: ")
        || (line.starts_with("--- ") && next.is_some_and(|n| n.starts_with("+++ ")))
}

/// Undoes git's C-style quoting of a path (`"a/t\303\251st"`); `None` if not quoted.
fn unquote_c(s: &str) -> Option<(String, &str)> {
    let bytes = s.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Some((String::from_utf8_lossy(&out).into_owned(), &s[i + 1..])),
            b'\\' => {
                let c = *bytes.get(i + 1)?;
                i += 2;
                match c {
                    b'a' => out.push(0x07),
                    b'b' => out.push(0x08),
                    b'f' => out.push(0x0c),
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'v' => out.push(0x0b),
                    b'0'..=b'7' => {
                        let digits = bytes.get(i - 1..i + 2)?;
                        if !digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                            return None;
                        }
                        let value = digits
                            .iter()
                            .fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
                        out.push(u8::try_from(value).ok()?);
                        i += 2;
                    }
                    other => out.push(other),
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

/// Strips the first path component (`a/`, `b/`, `linux.orig/`).
fn strip_component(path: &str) -> String {
    match path.split_once('/') {
        Some((_, rest)) if !rest.is_empty() => rest.to_string(),
        _ => path.to_string(),
    }
}

/// The path of a `---`/`+++` line: `None` for `/dev/null`; quoted or plain, a tab and a
/// timestamp after it dropped.
fn header_path(rest: &str) -> Option<String> {
    let raw = match unquote_c(rest) {
        Some((path, _)) => path,
        None => {
            let end = rest.find('\t').unwrap_or(rest.len());
            rest[..end].trim_end().to_string()
        }
    };
    if raw == "/dev/null" {
        None
    } else {
        Some(strip_component(&raw))
    }
}

/// The two paths of a `diff --git` line (without `a/`/`b/`).
fn git_header_paths(rest: &str) -> (Option<String>, Option<String>) {
    if let Some((old, after)) = unquote_c(rest) {
        let after = after.trim_start();
        let new = unquote_c(after).map_or_else(|| after.to_string(), |(p, _)| p);
        return (Some(strip_component(&old)), Some(strip_component(&new)));
    }
    if let Some(pos) = rest.rfind(" \"") {
        let new = unquote_c(&rest[pos + 1..]).map(|(p, _)| strip_component(&p));
        return (Some(strip_component(&rest[..pos])), new);
    }
    // Unquoted: prefer the split where both names are equal (no rename).
    let bytes = rest.as_bytes();
    if rest.len() % 2 == 1 {
        let mid = rest.len() / 2;
        if bytes[mid] == b' ' {
            let (a, b) = (
                strip_component(&rest[..mid]),
                strip_component(&rest[mid + 1..]),
            );
            if a == b {
                return (Some(a), Some(b));
            }
        }
    }
    match rest.find(" b/") {
        Some(pos) => (
            Some(strip_component(&rest[..pos])),
            Some(strip_component(&rest[pos + 1..])),
        ),
        None => (None, None),
    }
}

/// Parses a `-a,b` / `+c,d` range; a missing count is 1.
fn parse_range(s: &str) -> Option<(u32, u32)> {
    match s.split_once(',') {
        Some((start, count)) => Some((start.parse().ok()?, count.parse().ok()?)),
        None => Some((s.parse().ok()?, 1)),
    }
}

/// Parses `@@ -a,b +c,d @@ section`.
fn parse_hunk_header(line: &str) -> Option<Hunk> {
    let rest = line.strip_prefix("@@ -")?;
    let (old, rest) = rest.split_once(" +")?;
    let (new, section) = rest.split_once(" @@")?;
    let (old_start, old_lines) = parse_range(old)?;
    let (new_start, new_lines) = parse_range(new)?;
    Some(Hunk {
        old_start,
        old_lines,
        new_start,
        new_lines,
        section: section.strip_prefix(' ').unwrap_or(section).to_string(),
        lines: Vec::new(),
    })
}

fn parse_mode(s: &str) -> Option<u32> {
    u32::from_str_radix(s.trim(), 8).ok()
}

/// Reads every file of a diff. Text before the first file header (notes) is skipped, as is
/// anything after the last complete hunk (a mail signature).
pub fn parse(text: &str) -> ParsedDiff {
    parse_shared(&SharedText::from(text))
}

/// [`parse`] of a shared text: every line's text is a slice of it, not a copy.
pub fn parse_shared(shared: &SharedText) -> ParsedDiff {
    walk(shared, Lines::Keep).0
}

/// What a diff holds, without its lines: its files (their hunks without lines), its
/// problems, and how many lines it adds and removes. What building a patch needs, made
/// without a `DiffLine` (and a share of the text) per line; the lines are parsed when read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffSurvey {
    pub files: Vec<FileDiff>,
    pub problems: Vec<String>,
    pub insertions: usize,
    pub deletions: usize,
}

/// [`DiffSurvey`] of a shared text: the same walk as [`parse_shared`].
pub fn survey(shared: &SharedText) -> DiffSurvey {
    let (parsed, [insertions, deletions]) = walk(shared, Lines::Count);
    DiffSurvey {
        files: parsed.files,
        problems: parsed.problems,
        insertions,
        deletions,
    }
}

/// Whether [`survey`] of `text` would find a file, read only up to the first file header (a
/// `diff --git ` line, or a `--- ` line with a `+++ ` line next): before its first file a
/// walk reads nothing else, so a patch knows it has a diff without surveying it.
pub fn has_file(text: &str) -> bool {
    let mut lines = super::lines_inclusive(text).peekable();
    while let Some(line) = lines.next() {
        if line.starts_with("diff --git ")
            || (line.starts_with("--- ") && lines.peek().is_some_and(|n| n.starts_with("+++ ")))
        {
            return true;
        }
    }
    false
}

/// Checks that [`survey`] of `text` is what `parsed`, its [`parse_shared`], says: the same
/// files and problems, and its lines counted; and that [`has_file`] agrees (for the fuzz
/// target and the tests).
pub fn assert_survey_matches(text: &SharedText, parsed: &ParsedDiff) {
    let survey = survey(text);
    assert_eq!(has_file(text), !survey.files.is_empty(), "has_file");
    let mut files = parsed.files.clone();
    files
        .iter_mut()
        .flat_map(|f| &mut f.hunks)
        .for_each(|h| h.lines.clear());
    assert_eq!(survey.files, files);
    assert_eq!(survey.problems, parsed.problems);
    assert_eq!(
        (survey.insertions, survey.deletions),
        (parsed.insertions(), parsed.deletions())
    );
}

/// Whether a walk of a diff keeps each hunk's lines or only counts them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lines {
    Keep,
    Count,
}

/// Reads the diff; also how many lines it adds and removes.
fn walk(shared: &SharedText, keep: Lines) -> (ParsedDiff, [usize; 2]) {
    let mut counts = [0; 2];
    let text: &str = shared;
    // Lines without their `\n`; a `\r` before it is content (a CR the patch adds).
    let mut lines: Vec<&str> =
        Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
    lines.extend(super::lines_inclusive(text).map(|l| l.strip_suffix('\n').unwrap_or(l)));
    let mut out = ParsedDiff::default();
    let mut current: Option<FileDiff> = None;
    // Inside a `diff --git` header, before its first hunk.
    let mut in_git_header = false;
    let mut in_binary = false;
    let mut i = 0;
    while i < lines.len() {
        // Header lines are read without a CR ending (a diff saved with CRLF).
        let line = lines[i].strip_suffix('\r').unwrap_or(lines[i]);
        if let Some(rest) = line.strip_prefix("diff --git ") {
            out.files.extend(current.take());
            let (old, new) = git_header_paths(rest);
            current = Some(FileDiff {
                old_path: old,
                new_path: new,
                ..FileDiff::default()
            });
            in_git_header = true;
            in_binary = false;
            i += 1;
            continue;
        }
        if in_binary {
            i += 1;
            continue;
        }
        if line.starts_with("--- ") && lines.get(i + 1).is_some_and(|n| n.starts_with("+++ ")) {
            let old = header_path(&line[4..]);
            let next = lines[i + 1];
            let new = header_path(next[4..].strip_suffix('\r').unwrap_or(&next[4..]));
            match current.as_mut() {
                Some(file) if in_git_header => {
                    if file.status != FileStatus::Renamed && file.status != FileStatus::Copied {
                        file.old_path = old;
                        file.new_path = new;
                    }
                }
                _ => {
                    out.files.extend(current.take());
                    let status = match (&old, &new) {
                        (None, Some(_)) => FileStatus::Added,
                        (Some(_), None) => FileStatus::Deleted,
                        _ => FileStatus::Modified,
                    };
                    current = Some(FileDiff {
                        old_path: old,
                        new_path: new,
                        status,
                        ..FileDiff::default()
                    });
                }
            }
            in_git_header = false;
            i += 2;
            continue;
        }
        if line.starts_with("@@ -") {
            if let Some(file) = current.as_mut() {
                in_git_header = false;
                let hunk_start = i;
                i = read_hunk(
                    shared,
                    &lines,
                    i,
                    file,
                    &mut out.problems,
                    keep,
                    &mut counts,
                );
                if let Some(&next) = lines.get(i)
                    && looks_like_leftover_hunk_line(next)
                {
                    out.problems.push(format!(
                        "{}: line {} follows the complete hunk at line {} but reads like a diff line: the hunk was line-wrapped or its header counts are wrong",
                        file.path(),
                        i + 1,
                        hunk_start + 1
                    ));
                }
                continue;
            }
            i += 1;
            continue;
        }
        if in_git_header && let Some(file) = current.as_mut() {
            apply_extended_header(file, line, &mut in_binary);
        }
        i += 1;
    }
    out.files.extend(current);
    (out, counts)
}

/// A `+`/`-`/space line right after a complete hunk (not a signature or a file header):
/// a wrapped line was counted as context and the hunk ended early.
fn looks_like_leftover_hunk_line(line: &str) -> bool {
    matches!(line.as_bytes().first(), Some(b'+' | b'-' | b' '))
        && line != "-- "
        && line != "--"
        && !line.starts_with("--- ")
        && !line.starts_with("+++ ")
}

/// Applies one extended header line of `diff --git` to the file.
fn apply_extended_header(file: &mut FileDiff, line: &str, in_binary: &mut bool) {
    if let Some(mode) = line.strip_prefix("new file mode ") {
        file.status = FileStatus::Added;
        file.new_mode = parse_mode(mode);
        file.old_path = None;
    } else if let Some(mode) = line.strip_prefix("deleted file mode ") {
        file.status = FileStatus::Deleted;
        file.old_mode = parse_mode(mode);
        file.new_path = None;
    } else if let Some(mode) = line.strip_prefix("old mode ") {
        file.old_mode = parse_mode(mode);
    } else if let Some(mode) = line.strip_prefix("new mode ") {
        file.new_mode = parse_mode(mode);
    } else if let Some(path) = line.strip_prefix("rename from ") {
        file.status = FileStatus::Renamed;
        file.old_path = Some(unquote_c(path).map_or_else(|| path.to_string(), |(p, _)| p));
    } else if let Some(path) = line.strip_prefix("rename to ") {
        file.status = FileStatus::Renamed;
        file.new_path = Some(unquote_c(path).map_or_else(|| path.to_string(), |(p, _)| p));
    } else if let Some(path) = line.strip_prefix("copy from ") {
        file.status = FileStatus::Copied;
        file.old_path = Some(unquote_c(path).map_or_else(|| path.to_string(), |(p, _)| p));
    } else if let Some(path) = line.strip_prefix("copy to ") {
        file.status = FileStatus::Copied;
        file.new_path = Some(unquote_c(path).map_or_else(|| path.to_string(), |(p, _)| p));
    } else if let Some(rest) = line.strip_prefix("index ") {
        // `index abc..def 100644`: the mode when unchanged.
        if let Some(mode) = rest.split_whitespace().nth(1).and_then(parse_mode) {
            file.old_mode.get_or_insert(mode);
            file.new_mode.get_or_insert(mode);
        }
    } else if line.starts_with("Binary files ") && line.ends_with(" differ") {
        file.binary = true;
    } else if line == "GIT binary patch" {
        file.binary = true;
        *in_binary = true;
    }
}

/// Reads the hunk whose header is `lines[start]`; returns the index after it.
fn read_hunk(
    shared: &SharedText,
    lines: &[&str],
    start: usize,
    file: &mut FileDiff,
    problems: &mut Vec<String>,
    keep: Lines,
    counts: &mut [usize; 2],
) -> usize {
    let Some(mut hunk) = parse_hunk_header(lines[start]) else {
        problems.push(format!(
            "{}: line {}: malformed hunk header",
            file.path(),
            start + 1
        ));
        return start + 1;
    };
    // At most old + new lines; the bound keeps a lying header from reserving much.
    let expected = hunk.old_lines.saturating_add(hunk.new_lines).min(4096);
    if keep == Lines::Keep {
        hunk.lines.reserve(expected as usize);
    }
    let mut old_left = hunk.old_lines;
    let mut new_left = hunk.new_lines;
    let mut old_no = hunk.old_start;
    let mut new_no = hunk.new_start;
    let mut i = start + 1;
    while old_left > 0 || new_left > 0 {
        let Some(&line) = lines.get(i) else {
            problems.push(format!(
                "{}: hunk at line {} is cut off: {} old and {} new lines missing",
                file.path(),
                start + 1,
                old_left,
                new_left
            ));
            break;
        };
        let (kind, text) = match line.as_bytes().first() {
            Some(b' ') => (LineKind::Context, &line[1..]),
            None => (LineKind::Context, ""),
            Some(b'-') if old_left > 0 => (LineKind::Remove, &line[1..]),
            Some(b'+') if new_left > 0 => (LineKind::Add, &line[1..]),
            Some(b'\\') => {
                if let Some(last) = hunk.lines.last_mut() {
                    last.no_newline = true;
                }
                i += 1;
                continue;
            }
            _ => {
                problems.push(format!(
                    "{}: hunk at line {} breaks at line {}: line-wrapped or corrupt diff",
                    file.path(),
                    start + 1,
                    i + 1
                ));
                break;
            }
        };
        let (old, new) = match kind {
            LineKind::Context => {
                if old_left == 0 || new_left == 0 {
                    problems.push(format!(
                        "{}: hunk at line {} has more lines than its header says (line {})",
                        file.path(),
                        start + 1,
                        i + 1
                    ));
                    break;
                }
                old_left -= 1;
                new_left -= 1;
                (Some(old_no), Some(new_no))
            }
            LineKind::Remove => {
                old_left -= 1;
                (Some(old_no), None)
            }
            LineKind::Add => {
                new_left -= 1;
                (None, Some(new_no))
            }
        };
        if old.is_some() {
            old_no = old_no.saturating_add(1);
        }
        if new.is_some() {
            new_no = new_no.saturating_add(1);
        }
        match kind {
            LineKind::Add => counts[0] += 1,
            LineKind::Remove => counts[1] += 1,
            LineKind::Context => {}
        }
        if keep == Lines::Keep {
            hunk.lines.push(DiffLine {
                kind,
                old,
                new,
                text: shared.subslice(text),
                no_newline: false,
            });
        }
        i += 1;
    }
    // `\ No newline at end of file` right after the last line.
    if lines.get(i).is_some_and(|l| l.starts_with('\\')) {
        if let Some(last) = hunk.lines.last_mut() {
            last.no_newline = true;
        }
        i += 1;
    }
    file.hunks.push(hunk);
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIT_DIFF: &str = "\
diff --git a/src/lib.c b/src/lib.c
index 1111111..2222222 100644
--- a/src/lib.c
+++ b/src/lib.c
@@ -1,4 +1,5 @@ int main(void)
 one
-two
+TWO
+three
 four

\\ No newline at end of file
diff --git a/new.sh b/new.sh
new file mode 100755
index 0000000..3333333
--- /dev/null
+++ b/new.sh
@@ -0,0 +1 @@
+echo hi
-- 
2.47.3
";

    #[test]
    fn files_hunks_and_numbers() {
        let d = parse(GIT_DIFF);
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        assert_eq!(d.files.len(), 2);
        let f = &d.files[0];
        assert_eq!(f.path(), "src/lib.c");
        assert_eq!(f.old_mode, Some(0o100644));
        let h = &f.hunks[0];
        assert_eq!(h.section, "int main(void)");
        let nums: Vec<_> = h.lines.iter().map(|l| (l.kind, l.old, l.new)).collect();
        assert_eq!(
            nums,
            vec![
                (LineKind::Context, Some(1), Some(1)),
                (LineKind::Remove, Some(2), None),
                (LineKind::Add, None, Some(2)),
                (LineKind::Add, None, Some(3)),
                (LineKind::Context, Some(3), Some(4)),
                (LineKind::Context, Some(4), Some(5)),
            ]
        );
        assert!(h.lines[5].no_newline);
        let n = &d.files[1];
        assert_eq!(n.status, FileStatus::Added);
        assert_eq!(
            (n.old_path.as_deref(), n.new_path.as_deref()),
            (None, Some("new.sh"))
        );
        assert_eq!(n.new_mode, Some(0o100755));
        assert_eq!((d.insertions(), d.deletions()), (3, 1));
    }

    #[test]
    fn rename_copy_mode_binary() {
        let text = "\
diff --git a/old name.c b/new name.c
similarity index 90%
rename from old name.c
rename to new name.c
diff --git a/x b/y
similarity index 100%
copy from x
copy to y
diff --git a/run b/run
old mode 100644
new mode 100755
diff --git a/img.png b/img.png
index 1..2 100644
Binary files a/img.png and b/img.png differ
diff --git a/blob b/blob
new file mode 100644
index 0000000..abc
GIT binary patch
literal 5
McmZQzKn4H;00XK1FaQ7m

literal 0
HcmV?d00001

diff --git \"a/t\\303\\251st\" \"b/t\\303\\251st\"
deleted file mode 100644
index abc..0000000
--- \"a/t\\303\\251st\"
+++ /dev/null
@@ -1 +0,0 @@
-gone
";
        let d = parse(text);
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        let f: Vec<_> = d
            .files
            .iter()
            .map(|f| (f.status, f.old_path.clone(), f.new_path.clone(), f.binary))
            .collect();
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            f,
            vec![
                (FileStatus::Renamed, s("old name.c"), s("new name.c"), false),
                (FileStatus::Copied, s("x"), s("y"), false),
                (FileStatus::Modified, s("run"), s("run"), false),
                (FileStatus::Modified, s("img.png"), s("img.png"), true),
                (FileStatus::Added, None, s("blob"), true),
                (FileStatus::Deleted, s("tést"), None, false),
            ]
        );
        assert_eq!(
            (d.files[2].old_mode, d.files[2].new_mode),
            (Some(0o100644), Some(0o100755))
        );
    }

    #[test]
    fn quilt_diff_without_git_headers() {
        let text = "Index: linux/a.c\n===\n--- linux.orig/a.c\t2020-01-01 00:00:00\n+++ linux/a.c\t2020-01-02\n@@ -3 +3 @@\n-x\n+y\n";
        let d = parse(text);
        assert_eq!(d.files.len(), 1);
        assert_eq!(d.files[0].path(), "a.c");
        assert_eq!(d.files[0].hunks[0].lines[0].old, Some(3));
    }

    #[test]
    fn cut_off_hunk_is_a_problem() {
        let d = parse("diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n");
        assert_eq!(d.problems.len(), 1);
        assert!(d.problems[0].contains("cut off"), "{}", d.problems[0]);
        assert_eq!(d.files[0].hunks[0].lines.len(), 2);
    }

    #[test]
    fn wrapped_line_is_a_problem() {
        let d = parse("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a very long\nline wrapped\n+b\n c\n");
        assert_eq!(d.problems.len(), 1);
        assert!(d.problems[0].contains("line-wrapped"), "{}", d.problems[0]);
    }

    #[test]
    fn wrapped_line_read_as_context_is_a_problem() {
        // ` wrapped tail` is taken as context, so ` c` is left over after the hunk.
        let d = parse("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a very long\n wrapped tail\n+b\n c\n");
        assert_eq!(d.problems.len(), 1, "{:?}", d.problems);
        assert!(d.problems[0].contains("line 7"), "{}", d.problems[0]);
        // A signature after a complete hunk is fine.
        let d = parse("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n-- \n2.47.3\n");
        assert!(d.problems.is_empty(), "{:?}", d.problems);
    }

    #[test]
    fn crlf_headers_and_cr_content() {
        let d = parse("diff --git a/f b/f\r\n--- a/f\r\n+++ b/f\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n");
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        assert_eq!(d.files[0].new_path.as_deref(), Some("f"));
        // The CR is part of the added line: a whitespace rule must see it.
        assert_eq!(d.files[0].hunks[0].lines[1].text, "b\r");
    }

    #[test]
    fn a_survey_is_the_parse_without_its_lines() {
        let texts = [
            GIT_DIFF,
            "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n",
            "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a very long\nline wrapped\n+b\n c\n",
            "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a very long\n wrapped tail\n+b\n c\n",
            "diff --git a/f b/f\r\n--- a/f\r\n+++ b/f\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n",
            "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n-a\n+b\n+c\n\\ No newline at end of file\n d\n",
            "not a diff",
            // What comes before the first file header, and headers that are not one.
            "@@ -1 +1 @@\n-a\n+b\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n",
            "notes\n--- a/f\nno plus line\ndiff --git\n+++ b/f\n",
            "--- a/f\n+++",
            "text\r\ndiff --git a/f b/f\r\n",
            "--- \n+++ \n",
        ];
        for text in texts {
            let shared = SharedText::from(text);
            assert_survey_matches(&shared, &parse_shared(&shared));
        }
        let counted = survey(&SharedText::from(GIT_DIFF));
        assert!(counted.insertions + counted.deletions > 0);
        assert!(
            counted
                .files
                .iter()
                .flat_map(|f| &f.hunks)
                .all(|h| h.lines.is_empty())
        );
    }

    #[test]
    fn nonsense_does_not_panic() {
        for text in [
            "@@ -",
            "@@ -1,2 +x @@",
            "diff --git \"a/\\",
            "diff --git \"a/\\9",
            "--- \"\n+++ \"\\777\"\n@@ -0,0 +1 @@",
        ] {
            let _ = parse(text);
        }
    }
}
