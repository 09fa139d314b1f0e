//! Trailers by git's algorithm (`trailer.c`: `find_trailer_block_start`, `find_separator`),
//! parsing and adding exactly as `git interpret-trailers` does.
//!
//! Only git's defaults are modelled: separator `:`, comment character `#`, no configured
//! `trailer.<alias>.key`, so the only recognised prefixes are the git-generated ones
//! (`Signed-off-by: ` and `(cherry picked from commit `).
use serde::Serialize;
use std::fmt;

/// One trailer line (continuation lines unfolded into `value`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trailer {
    /// The key as written (`Signed-off-by`, `Reviewed-By`, ...).
    pub key: String,
    /// The value, trimmed and unfolded.
    pub value: String,
    /// 0-based line index of the trailer's first line in the text it was parsed from.
    #[serde(skip)]
    pub line: usize,
}

/// The prefixes git itself writes; a block holding one may also hold non-trailer lines.
const GIT_GENERATED_PREFIXES: [&[u8]; 2] = [b"Signed-off-by: ", b"(cherry picked from commit "];
const COMMENT: u8 = b'#';
const SEPARATORS: &[u8] = b":";
/// On the `--trailer` command line `=` is accepted as well.
const ARG_SEPARATORS: &[u8] = b"=:";
const CUT_LINE: &[u8] = b"# ------------------------ >8 ------------------------\n";

/// C's `isspace` in the C locale.
pub(crate) const fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// Trims C whitespace from both ends.
pub(crate) fn c_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && is_c_space(c as u8))
}

/// Offset just past the end of the line starting at `pos` (after its `\n`, or `buf.len()`).
fn next_line(buf: &[u8], pos: usize) -> usize {
    match memchr::memchr(b'\n', &buf[pos.min(buf.len())..]) {
        Some(i) => pos + i + 1,
        None => buf.len(),
    }
}

/// Start of the last line of `buf[..len]`; `None` when `len` is 0.
fn last_line(buf: &[u8], len: usize) -> Option<usize> {
    if len == 0 {
        return None;
    }
    if len == 1 {
        return Some(0);
    }
    Some(memchr::memrchr(b'\n', &buf[..len - 1]).map_or(0, |i| i + 1))
}

/// The line at `pos` holds only whitespace.
fn is_blank_line(buf: &[u8], pos: usize) -> bool {
    buf[pos..]
        .iter()
        .take_while(|&&b| b != b'\n')
        .all(|&b| is_c_space(b))
}

/// Position of the separator in `line` when it reads `<token><spaces?><sep>...` or
/// `<sep>...` (returns 0), as git's `find_separator`; `None` when not well-formed.
fn find_separator(line: &[u8], separators: &[u8]) -> Option<usize> {
    let mut whitespace_found = false;
    for (i, &c) in line.iter().enumerate() {
        if separators.contains(&c) {
            return Some(i);
        }
        if !whitespace_found && (c.is_ascii_alphanumeric() || c == b'-') {
            continue;
        }
        if i != 0 && (c == b' ' || c == b'\t') {
            whitespace_found = true;
            continue;
        }
        break;
    }
    None
}

/// `wt_status_locate_end`: where a `# --- >8 ---` scissors line cuts the message.
fn locate_cut_line(buf: &[u8]) -> usize {
    if buf.starts_with(CUT_LINE) {
        return 0;
    }
    memchr::memmem::find(buf, &[b"\n", CUT_LINE].concat()).map_or(buf.len(), |p| p + 1)
}

/// `ignored_log_message_bytes`: trailing comments, blank lines, an old `Conflicts:` block
/// and anything below a scissors line.
fn ignored_log_message_bytes(buf: &[u8], len: usize) -> usize {
    let cutoff = locate_cut_line(&buf[..len]);
    let mut boc = 0usize;
    let mut bol = 0usize;
    let mut in_conflicts = false;
    while bol < cutoff {
        let next = match memchr::memchr(b'\n', &buf[bol..len]) {
            Some(i) => bol + i + 1,
            None => len,
        };
        let line = &buf[bol..];
        if buf[bol..cutoff].first() == Some(&COMMENT) || line.first() == Some(&b'\n') {
            if boc == 0 {
                boc = bol;
            }
        } else if line.starts_with(b"Conflicts:\n") {
            in_conflicts = true;
            if boc == 0 {
                boc = bol;
            }
        } else if in_conflicts && line.first() == Some(&b'\t') {
            // a path in the conflicts block
        } else if boc != 0 {
            boc = 0;
            in_conflicts = false;
        }
        bol = next;
    }
    if boc != 0 { len - boc } else { len - cutoff }
}

/// `find_end_of_log_message`: before a `---` divider (when `divider`), then without the
/// ignorable tail.
fn find_end_of_log_message(buf: &[u8], divider: bool) -> usize {
    let mut end = buf.len();
    if divider {
        let mut s = 0;
        while s < buf.len() {
            if buf[s..].starts_with(b"---") && buf.get(s + 3).is_some_and(|&b| is_c_space(b)) {
                end = s;
                break;
            }
            s = next_line(buf, s);
        }
    }
    end - ignored_log_message_bytes(buf, end)
}

/// `find_trailer_block_start`: the offset of the first trailer line, or `len` when none.
fn find_trailer_block_start(buf: &[u8], len: usize) -> usize {
    // The first paragraph is the title and cannot be trailers.
    let mut s = 0;
    while s < len {
        if buf[s] == COMMENT {
            s = next_line(buf, s);
            continue;
        }
        if is_blank_line(buf, s) {
            break;
        }
        s = next_line(buf, s);
    }
    let end_of_title = s;

    let mut only_spaces = true;
    let mut recognized_prefix = false;
    let mut trailer_lines = 0usize;
    let mut non_trailer_lines = 0usize;
    let mut possible_continuation_lines = 0usize;
    let mut cursor = last_line(buf, len);
    while let Some(bol) = cursor {
        if bol < end_of_title {
            break;
        }
        cursor = last_line(buf, bol);
        let line = &buf[bol..len];
        if line.first() == Some(&COMMENT) {
            non_trailer_lines += possible_continuation_lines;
            possible_continuation_lines = 0;
            continue;
        }
        if is_blank_line(buf, bol) {
            if only_spaces {
                continue;
            }
            non_trailer_lines += possible_continuation_lines;
            if (recognized_prefix && trailer_lines * 3 >= non_trailer_lines)
                || (trailer_lines > 0 && non_trailer_lines == 0)
            {
                return next_line(buf, bol);
            }
            return len;
        }
        only_spaces = false;
        if GIT_GENERATED_PREFIXES.iter().any(|p| line.starts_with(p)) {
            trailer_lines += 1;
            possible_continuation_lines = 0;
            recognized_prefix = true;
            continue;
        }
        let first_is_space = line.first().is_some_and(|&b| is_c_space(b));
        if find_separator(line, SEPARATORS).is_some_and(|p| p >= 1) && !first_is_space {
            trailer_lines += 1;
            possible_continuation_lines = 0;
            // No configured trailer keys: nothing else is "recognised".
        } else if first_is_space {
            possible_continuation_lines += 1;
        } else {
            non_trailer_lines += 1 + possible_continuation_lines;
            possible_continuation_lines = 0;
        }
    }
    len
}

/// One entry of a trailer block: a trailer (`key` set) or a line kept as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BlockItem {
    key: Option<String>,
    /// Trimmed value, not unfolded (continuation lines keep their `\n` and indentation);
    /// for a non-trailer line, the line without its `\n`.
    value: String,
    line: usize,
}

/// The trailer block of a text as git finds it (`trailer_info_get` + `parse_trailers`).
#[derive(Debug, Clone)]
struct BlockInfo {
    start: usize,
    end: usize,
    blank_line_before: bool,
    items: Vec<BlockItem>,
}

/// Splits `key<sep>value` into trimmed parts as git's `parse_trailer`.
fn split_trailer(text: &str, sep: usize) -> (String, String) {
    (
        c_trim(&text[..sep]).to_string(),
        c_trim(&text[sep + 1..]).to_string(),
    )
}

fn block_info(text: &str, divider: bool) -> BlockInfo {
    let buf = text.as_bytes();
    let end = find_end_of_log_message(buf, divider);
    let start = find_trailer_block_start(buf, end);
    let line_base = memchr::memchr_iter(b'\n', &buf[..start]).count();

    // Group lines: a line starting with whitespace continues the previous trailer.
    let mut groups: Vec<(String, usize, bool)> = Vec::new();
    let mut last_is_trailer = false;
    let mut pos = start;
    let mut line_no = line_base;
    while pos < end {
        let next = next_line(buf, pos).min(end);
        let line = &text[pos..next];
        let starts_space = line.as_bytes().first().is_some_and(|&b| is_c_space(b));
        if last_is_trailer && starts_space {
            if let Some(last) = groups.last_mut() {
                last.0.push_str(line);
            }
        } else {
            last_is_trailer = find_separator(line.as_bytes(), SEPARATORS).is_some_and(|p| p >= 1);
            groups.push((line.to_string(), line_no, last_is_trailer));
        }
        pos = next;
        line_no += 1;
    }

    let mut items = Vec::with_capacity(groups.len());
    for (raw, line, _) in groups {
        if raw.as_bytes().first() == Some(&COMMENT) {
            continue;
        }
        match find_separator(raw.as_bytes(), SEPARATORS) {
            Some(sep) if sep >= 1 => {
                let (key, value) = split_trailer(&raw, sep);
                items.push(BlockItem {
                    key: Some(key),
                    value,
                    line,
                });
            }
            _ => items.push(BlockItem {
                key: None,
                value: raw.strip_suffix('\n').unwrap_or(&raw).to_string(),
                line,
            }),
        }
    }

    let blank_line_before = last_line(buf, start).is_some_and(|l| is_blank_line(&buf[..start], l));
    BlockInfo {
        start,
        end,
        blank_line_before,
        items,
    }
}

/// git's `unfold_value`: each newline and the whitespace after it become one space.
fn unfold(value: &str) -> String {
    if !value.contains('\n') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            while chars
                .peek()
                .is_some_and(|&n| n.is_ascii() && is_c_space(n as u8))
            {
                chars.next();
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    c_trim(&out).to_string()
}

/// Parses the trailer block of a commit message as `git interpret-trailers --parse` does
/// (a `---` line ends the message). Returns the 0-based line index where the block starts
/// (the number of lines when there is none) and the trailers, values unfolded.
pub fn parse(text: &str) -> (usize, Vec<Trailer>) {
    parse_with(text, true)
}

/// [`parse`], choosing whether a `---` line ends the message (`divider`) or not
/// (`--no-divider`, as `git log --format=%(trailers)` reads a commit).
pub fn parse_with(text: &str, divider: bool) -> (usize, Vec<Trailer>) {
    // git reads its input with a final newline added when it lacks one.
    let owned;
    let text = if text.is_empty() || text.ends_with('\n') {
        text
    } else {
        owned = format!("{text}\n");
        &owned
    };
    let info = block_info(text, divider);
    let start_line = if info.start >= info.end {
        text.lines().count()
    } else {
        memchr::memchr_iter(b'\n', &text.as_bytes()[..info.start]).count()
    };
    let trailers = info
        .items
        .into_iter()
        .filter_map(|item| {
            item.key.map(|key| Trailer {
                key,
                value: unfold(&item.value),
                line: item.line,
            })
        })
        .collect();
    (start_line, trailers)
}

/// Review trailers a reply states itself (quoted lines, starting with `>`, are not its own).
pub fn stated_in_reply(body: &str) -> Vec<Trailer> {
    const KEYS: [&str; 6] = [
        "acked-by",
        "reviewed-by",
        "tested-by",
        "reported-by",
        "suggested-by",
        "nacked-by",
    ];
    let mut found: Vec<Trailer> = Vec::new();
    for (line_no, line) in body.lines().enumerate() {
        if line.starts_with('>') {
            continue;
        }
        let line = line.trim_end();
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let canonical = key.trim().to_ascii_lowercase();
        if key.starts_with(char::is_whitespace) || !KEYS.contains(&canonical.as_str()) {
            continue;
        }
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let trailer = Trailer {
            key: key.trim().to_string(),
            value: value.to_string(),
            line: line_no,
        };
        if !found
            .iter()
            .any(|t| t.key.eq_ignore_ascii_case(&trailer.key) && t.value == trailer.value)
        {
            found.push(trailer);
        }
    }
    found
}

/// Why [`add`] did or did not add the trailer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum AddReason {
    /// Appended to the existing trailer block.
    Appended,
    /// The message had no trailer block; a new one was started.
    NewBlock,
    /// The same key and value (compared as git does, ignoring case) is already in the
    /// block, on this 0-based line of the message.
    AlreadyPresent { line: usize },
    /// The key is empty, so git refuses the trailer.
    EmptyKey,
}

impl fmt::Display for AddReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddReason::Appended => write!(f, "added at the end of the trailer block"),
            AddReason::NewBlock => write!(f, "added as a new trailer block"),
            AddReason::AlreadyPresent { line } => {
                write!(f, "the same trailer is already present (line {})", line + 1)
            }
            AddReason::EmptyKey => write!(f, "empty trailer key"),
        }
    }
}

/// What [`add`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddOutcome {
    /// The message as git writes it back (the trailer block is re-formatted by git:
    /// `key: value`, comment lines in the block dropped).
    pub message: String,
    pub added: bool,
    pub reason: AddReason,
    /// 0-based line range of the trailer block in `message`, for a preview of exactly what
    /// the block becomes.
    pub block_lines: std::ops::Range<usize>,
}

/// Token length without trailing punctuation (`token_len_without_separator`).
fn token_len(token: &str) -> usize {
    token
        .as_bytes()
        .iter()
        .rposition(|b| b.is_ascii_alphanumeric())
        .map_or(0, |i| i + 1)
}

/// git's `same_token`: case-insensitive compare over the shorter punctuation-less length.
fn same_token(a: &str, b: &str) -> bool {
    let n = token_len(a).min(token_len(b));
    a.as_bytes()[..n].eq_ignore_ascii_case(&b.as_bytes()[..n])
}

/// Appends `key: value` at the end of the trailer block, as
/// `git interpret-trailers --if-exists addIfDifferent --trailer "key: value"` (with git's
/// default `where=end`) does: not added when a trailer with the same key and value (case
/// ignored) is already in the block.
pub fn add(message: &str, key: &str, value: &str) -> AddOutcome {
    let mut input = message.to_string();
    if !input.is_empty() && !input.ends_with('\n') {
        input.push('\n');
    }
    let arg = format!("{key}: {value}");
    let (arg_key, arg_value) = match find_separator(arg.as_bytes(), ARG_SEPARATORS) {
        Some(0) => {
            let (start, _) = parse(message);
            let lines = message.lines().count();
            return AddOutcome {
                message: message.to_string(),
                added: false,
                reason: AddReason::EmptyKey,
                block_lines: start.min(lines)..lines,
            };
        }
        Some(sep) => split_trailer(&arg, sep),
        None => (c_trim(&arg).to_string(), String::new()),
    };

    let info = block_info(&input, true);
    let duplicate = info.items.iter().find(|item| {
        item.key
            .as_deref()
            .is_some_and(|k| same_token(k, &arg_key) && item.value.eq_ignore_ascii_case(&arg_value))
    });
    let reason = match duplicate {
        Some(item) => AddReason::AlreadyPresent { line: item.line },
        None if info.items.iter().any(|i| i.key.is_some()) => AddReason::Appended,
        None => AddReason::NewBlock,
    };
    let added = duplicate.is_none();

    let mut out = String::with_capacity(input.len() + arg.len() + 2);
    out.push_str(&input[..info.start]);
    if !info.blank_line_before {
        out.push('\n');
    }
    let block_start = out.len();
    for item in &info.items {
        push_item(&mut out, item.key.as_deref(), &item.value);
    }
    if added {
        push_item(&mut out, Some(&arg_key), &arg_value);
    }
    let first_line = memchr::memchr_iter(b'\n', &out.as_bytes()[..block_start]).count();
    let block_len = memchr::memchr_iter(b'\n', &out.as_bytes()[block_start..]).count();
    out.push_str(&input[info.end..]);
    AddOutcome {
        message: out,
        added,
        reason,
        block_lines: first_line..first_line + block_len,
    }
}

/// Writes one block entry as git's `format_trailers` does.
fn push_item(out: &mut String, key: Option<&str>, value: &str) {
    match key {
        Some(key) => {
            out.push_str(key);
            let last = key.bytes().rev().find(|&b| !is_c_space(b));
            if let Some(c) = last
                && !SEPARATORS.contains(&c)
            {
                out.push_str(": ");
            }
            out.push_str(value);
        }
        None => out.push_str(value),
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(String, String)> {
        parse(text)
            .1
            .into_iter()
            .map(|t| (t.key, t.value))
            .collect()
    }

    fn kv(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn find_separator_rules() {
        assert_eq!(find_separator(b"Acked-by: x", SEPARATORS), Some(8));
        assert_eq!(find_separator(b"Bug #43: x", SEPARATORS), None);
        assert_eq!(find_separator(b"Key  : x", SEPARATORS), Some(5));
        assert_eq!(find_separator(b": x", SEPARATORS), Some(0));
        assert_eq!(find_separator(b" Key: x", SEPARATORS), None);
        assert_eq!(find_separator(b"Acked by: x", SEPARATORS), None);
        assert_eq!(find_separator(b"Key=v", ARG_SEPARATORS), Some(3));
    }

    #[test]
    fn all_trailer_block() {
        let msg = "Title\n\nBody text.\n\nAcked-by: A <a@x>\nReviewed-by: B <b@x>\n";
        assert_eq!(
            keys(msg),
            vec![kv("Acked-by", "A <a@x>"), kv("Reviewed-by", "B <b@x>")]
        );
        assert_eq!(parse(msg).0, 4);
        assert_eq!(parse(msg).1[1].line, 5);
    }

    #[test]
    fn one_non_trailer_line_voids_block_without_signoff() {
        let msg = "Title\n\nBody\n\nGenerated with a tool\nCo-authored-by: X <x@y>\n";
        assert!(keys(msg).is_empty());
        assert_eq!(parse(msg).0, 6);
    }

    #[test]
    fn signoff_allows_a_quarter_of_trailers() {
        let msg = "T\n\nB\n\nnote one\nnote two\nnote three\nSigned-off-by: A <a@x>\n";
        assert_eq!(keys(msg), vec![kv("Signed-off-by", "A <a@x>")]);
        let msg = "T\n\nB\n\nn1\nn2\nn3\nn4\nSigned-off-by: A <a@x>\n";
        assert!(keys(msg).is_empty());
    }

    #[test]
    fn title_paragraph_is_never_trailers() {
        assert!(keys("Fixes: something\n").is_empty());
        assert!(keys("Key: v\nOther: w\n").is_empty());
    }

    #[test]
    fn continuation_lines_are_unfolded() {
        let msg = "T\n\nB\n\nFixes: abc (\"long\n   title\")\nAcked-by: A\n";
        assert_eq!(
            keys(msg),
            vec![kv("Fixes", "abc (\"long title\")"), kv("Acked-by", "A")]
        );
    }

    #[test]
    fn divider_ends_the_message() {
        let msg = "T\n\nB\n\nAcked-by: A\n---\nSigned-off-by: X\n";
        assert_eq!(keys(msg), vec![kv("Acked-by", "A")]);
        // Without the divider `---` is one non-trailer line, allowed next to a sign-off.
        let all = parse_with(msg, false).1;
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].key, "Signed-off-by");
    }

    #[test]
    fn comments_and_cherry_pick() {
        let msg = "T\n\nB\n\n# c\nAcked-by: A\n(cherry picked from commit abc)\n# end\n";
        assert_eq!(keys(msg), vec![kv("Acked-by", "A")]);
    }

    #[test]
    fn crlf_lines() {
        let msg = "T\r\n\r\nB\r\n\r\nSigned-off-by: X\r\n";
        assert_eq!(keys(msg), vec![kv("Signed-off-by", "X")]);
    }

    #[test]
    fn add_appends_and_normalises() {
        let out = add("T\n\nB\n\nAcked-by:   X  \n# c\n", "Reviewed-by", "R <r@x>");
        assert!(out.added);
        assert_eq!(out.reason, AddReason::Appended);
        assert_eq!(
            out.message,
            "T\n\nB\n\nAcked-by: X\nReviewed-by: R <r@x>\n# c\n"
        );
        assert_eq!(out.block_lines, 4..6);
        let out = add("T\n\nB\n\n# c\nAcked-by:   X  \n", "Reviewed-by", "R <r@x>");
        assert_eq!(out.message, "T\n\nB\n\nAcked-by: X\nReviewed-by: R <r@x>\n");
    }

    #[test]
    fn add_skips_identical_anywhere_in_block() {
        let msg = "T\n\nB\n\nacked-by: a <A@x>\nSigned-off-by: S\n";
        let out = add(msg, "Acked-by", "A <a@x>");
        assert!(!out.added);
        assert_eq!(out.reason, AddReason::AlreadyPresent { line: 4 });
        assert_eq!(out.message, msg);
    }

    #[test]
    fn add_starts_a_block_with_a_blank_line() {
        let out = add("T\n\nBody", "Acked-by", "A");
        assert_eq!(out.message, "T\n\nBody\n\nAcked-by: A\n");
        assert_eq!(out.reason, AddReason::NewBlock);
        assert_eq!(out.block_lines, 4..5);
        assert_eq!(add("", "Acked-by", "A").message, "\nAcked-by: A\n");
        assert_eq!(add("T", "Acked-by", "A").message, "T\n\nAcked-by: A\n");
    }

    #[test]
    fn add_before_divider_and_trailing_comments() {
        let out = add("T\n\nB\n---\nnotes\n", "Acked-by", "A");
        assert_eq!(out.message, "T\n\nB\n\nAcked-by: A\n---\nnotes\n");
        let out = add("T\n\nKey: v\n\n\n# c\n", "Acked-by", "A");
        assert_eq!(out.message, "T\n\nKey: v\nAcked-by: A\n\n\n# c\n");
    }

    #[test]
    fn add_empty_key_is_refused() {
        let out = add("T\n", "", "x");
        assert!(!out.added);
        assert_eq!(out.reason, AddReason::EmptyKey);
    }

    #[test]
    fn scissors_line_ends_message() {
        let msg =
            "T\n\nB\n\nAcked-by: A\n# ------------------------ >8 ------------------------\nx: y\n";
        assert_eq!(keys(msg), vec![kv("Acked-by", "A")]);
    }

    #[test]
    fn unfold_collapses() {
        assert_eq!(unfold("a\n   b\n\tc"), "a b c");
        assert_eq!(unfold("plain"), "plain");
    }
}
