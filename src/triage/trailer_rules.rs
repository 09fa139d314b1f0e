//! Adding trailers to a commit message exactly as
//! `git interpret-trailers --where end --if-exists addIfDifferent --if-missing add` does
//! (git's `trailer.c`: `find_end_of_log_message`, `find_trailer_block_start`,
//! `find_separator`, `check_if_different`), with the reason each skipped trailer was skipped.
//!
//! This is the triage desk's interim copy of the algorithm until `patch::trailers::add`
//! lands on `main`; the tests compare it with the real `git` binary, so swapping it for the
//! shared one is a one-line change in [`super::trailers`].
//!
//! Notes on git's behaviour reproduced here: the whole trailer block is re-printed, so
//! existing trailers come out as `Key: value` (spaces around the separator normalised,
//! trailing whitespace dropped) while non-trailer lines in the block are kept as they are;
//! comment lines (`#`) inside the block are dropped; identical means same key (compared
//! case-insensitively on the shorter key) and same value (case-insensitively).

/// The comment character git uses by default (`core.commentChar`).
const COMMENT: u8 = b'#';
/// Trailer prefixes git itself writes; one of them makes a mixed block count as trailers.
const GIT_GENERATED_PREFIXES: &[&str] = &["Signed-off-by: ", "(cherry picked from commit "];
/// The scissors line of `git commit --cleanup=scissors`.
const CUT_LINE: &str = "------------------------ >8 ------------------------";

/// What happened to one trailer asked for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// Appended at the end of the trailer block.
    Added,
    /// Not added: an identical trailer is already there (the line it matched).
    SkippedIdentical { existing: String },
}

/// The message after adding, the resulting trailer block and one [`Outcome`] per request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// The whole message as git would write it.
    pub message: String,
    /// The lines of the resulting trailer block, in order.
    pub block: Vec<String>,
    pub outcomes: Vec<Outcome>,
}

/// One item of the trailer block: a trailer (`token` set) or a line kept as it is.
#[derive(Debug, Clone)]
struct Item {
    token: Option<String>,
    value: String,
}

impl Item {
    fn render(&self) -> String {
        match &self.token {
            Some(token) => format!("{token}: {}", self.value),
            None => self.value.clone(),
        }
    }
}

fn is_git_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn trim_git(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && is_git_space(c as u8))
}

/// Start of the line after the one at `pos` (or the end of the text).
fn next_line(buf: &[u8], pos: usize) -> usize {
    match memchr::memchr(b'\n', buf.get(pos..).unwrap_or(&[])) {
        Some(i) => pos + i + 1,
        None => buf.len(),
    }
}

/// Start of the last line within `buf[..len]` (git's `last_line`).
fn last_line(buf: &[u8], len: usize) -> Option<usize> {
    match len {
        0 => None,
        1 => Some(0),
        _ => Some(
            buf[..len - 1]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1),
        ),
    }
}

fn is_blank_line(buf: &[u8], pos: usize) -> bool {
    buf.get(pos..)
        .unwrap_or(&[])
        .iter()
        .take_while(|&&b| b != b'\n')
        .all(|&b| is_git_space(b))
}

fn is_comment(buf: &[u8], pos: usize, len: usize) -> bool {
    pos < len && buf.get(pos) == Some(&COMMENT)
}

/// git's `find_separator` with `:` as the only separator: the position of the separator if
/// the line starts with a key (`[A-Za-z0-9-]`, then only spaces/tabs), else `None`.
fn find_separator(line: &[u8]) -> Option<usize> {
    let mut whitespace_found = false;
    for (i, &c) in line.iter().enumerate() {
        if c == b':' {
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

/// End of the scissors-free part (git's `wt_status_locate_end`).
fn locate_scissors(buf: &[u8], len: usize) -> usize {
    let pattern = format!("\n{} {CUT_LINE}", COMMENT as char);
    let pattern = pattern.as_bytes();
    if buf.starts_with(&pattern[1..]) {
        return 0;
    }
    match buf.windows(pattern.len()).position(|w| w == pattern) {
        Some(p) if p + 1 < len => p + 1,
        _ => len,
    }
}

/// Trailing comment lines, blank lines and an old `Conflicts:` block (git's
/// `ignored_log_message_bytes`).
fn ignored_bytes(buf: &[u8], len: usize) -> usize {
    let cutoff = locate_scissors(buf, len);
    let mut boc = 0usize;
    let mut bol = 0usize;
    let mut in_conflicts = false;
    while bol < cutoff {
        let next = match memchr::memchr(b'\n', &buf[bol..cutoff]) {
            Some(i) => bol + i + 1,
            None => cutoff,
        };
        let line = &buf[bol..cutoff];
        if line.first() == Some(&COMMENT) || buf[bol] == b'\n' {
            if boc == 0 {
                boc = bol;
            }
        } else if buf[bol..].starts_with(b"Conflicts:\n") {
            in_conflicts = true;
            if boc == 0 {
                boc = bol;
            }
        } else if in_conflicts && buf[bol] == b'\t' {
            // A path in the conflicts block.
        } else if boc != 0 {
            boc = 0;
            in_conflicts = false;
        }
        bol = next;
    }
    if boc != 0 { len - boc } else { len - cutoff }
}

/// End of the log message: before a `---` divider line, and before trailing ignorable lines.
fn end_of_log_message(buf: &[u8]) -> usize {
    let mut end = buf.len();
    let mut pos = 0;
    while pos < buf.len() {
        if buf[pos..].starts_with(b"---") && buf.get(pos + 3).is_some_and(|&b| is_git_space(b)) {
            end = pos;
            break;
        }
        pos = next_line(buf, pos);
    }
    end - ignored_bytes(buf, end)
}

/// git's `find_trailer_block_start`: where the trailer block begins, or `len` for none.
fn trailer_block_start(buf: &[u8], len: usize) -> usize {
    // The first paragraph is the title and cannot hold trailers.
    let mut s = 0;
    while s < len {
        if is_comment(buf, s, len) {
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
    while let Some(l) = cursor {
        if l < end_of_title {
            break;
        }
        cursor = last_line(buf, l);
        let bol = &buf[l..];
        if is_comment(buf, l, len) {
            non_trailer_lines += possible_continuation_lines;
            possible_continuation_lines = 0;
            continue;
        }
        if is_blank_line(buf, l) {
            if only_spaces {
                continue;
            }
            non_trailer_lines += possible_continuation_lines;
            if (recognized_prefix && trailer_lines * 3 >= non_trailer_lines)
                || (trailer_lines > 0 && non_trailer_lines == 0)
            {
                return next_line(buf, l);
            }
            return len;
        }
        only_spaces = false;
        if GIT_GENERATED_PREFIXES
            .iter()
            .any(|p| bol.starts_with(p.as_bytes()))
        {
            trailer_lines += 1;
            possible_continuation_lines = 0;
            recognized_prefix = true;
            continue;
        }
        let first_is_space = bol.first().is_some_and(|&b| is_git_space(b));
        if find_separator(bol).is_some_and(|p| p >= 1) && !first_is_space {
            trailer_lines += 1;
            possible_continuation_lines = 0;
        } else if first_is_space {
            possible_continuation_lines += 1;
        } else {
            non_trailer_lines += 1 + possible_continuation_lines;
            possible_continuation_lines = 0;
        }
    }
    len
}

/// Splits the block into logical trailers (continuation lines joined) and parses them.
fn parse_block(block: &str) -> Vec<Item> {
    let mut pieces: Vec<String> = Vec::new();
    let mut last_is_trailer = false;
    for line in block.split_inclusive('\n') {
        let starts_with_space = line.bytes().next().is_some_and(is_git_space);
        if last_is_trailer
            && starts_with_space
            && let Some(last) = pieces.last_mut()
        {
            last.push_str(line);
            continue;
        }
        last_is_trailer = find_separator(line.as_bytes()).is_some_and(|p| p >= 1);
        pieces.push(line.to_string());
    }
    pieces
        .into_iter()
        .filter(|p| !p.starts_with(COMMENT as char))
        .map(|p| match find_separator(p.as_bytes()).filter(|&s| s >= 1) {
            Some(sep) => Item {
                token: Some(trim_git(&p[..sep]).to_string()),
                value: trim_git(&p[sep + 1..]).to_string(),
            },
            None => Item {
                token: None,
                value: p.strip_suffix('\n').unwrap_or(&p).to_string(),
            },
        })
        .collect()
}

fn token_len_without_separator(token: &str) -> usize {
    token
        .bytes()
        .rposition(|b| b.is_ascii_alphanumeric())
        .map_or(0, |i| i + 1)
}

fn same_token(existing: &Item, key: &str) -> bool {
    let Some(token) = &existing.token else {
        return false;
    };
    let len = token_len_without_separator(token).min(token_len_without_separator(key));
    token.as_bytes()[..len].eq_ignore_ascii_case(&key.as_bytes()[..len])
}

/// Adds `(key, value)` trailers in order, as `git interpret-trailers --where end
/// --if-exists addIfDifferent --if-missing add --trailer "key: value"…` would.
pub fn add(message: &str, trailers: &[(String, String)]) -> Added {
    let mut input = message.to_string();
    if !input.is_empty() && !input.ends_with('\n') {
        input.push('\n');
    }
    let buf = input.as_bytes();
    let end = end_of_log_message(buf);
    let start = trailer_block_start(buf, end);
    let blank_before = last_line(buf, start).is_some_and(|l| is_blank_line(buf, l));
    let mut items = parse_block(&input[start..end]);

    let mut outcomes = Vec::with_capacity(trailers.len());
    for (key, value) in trailers {
        let key = trim_git(key).to_string();
        let value = trim_git(value).to_string();
        let same = items
            .iter()
            .rev()
            .position(|item| same_token(item, &key))
            .map(|from_end| items.len() - 1 - from_end)
            .and_then(|last_same_token| {
                items[..=last_same_token]
                    .iter()
                    .rev()
                    .find(|item| same_token(item, &key) && item.value.eq_ignore_ascii_case(&value))
            });
        match same {
            Some(existing) => outcomes.push(Outcome::SkippedIdentical {
                existing: existing.render(),
            }),
            None => {
                items.push(Item {
                    token: Some(key),
                    value,
                });
                outcomes.push(Outcome::Added);
            }
        }
    }

    let block: Vec<String> = items.iter().map(Item::render).collect();
    let mut out = String::with_capacity(input.len() + 128);
    out.push_str(&input[..start]);
    if !blank_before {
        out.push('\n');
    }
    for line in &block {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&input[end..]);
    Added {
        message: out,
        block,
        outcomes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ack() -> Vec<(String, String)> {
        vec![("Acked-by".into(), "A U Thor <a@example.org>".into())]
    }

    #[test]
    fn adds_a_block_after_a_blank_line_when_there_is_none() {
        let out = add("title\n\nbody text\n", &ack());
        assert_eq!(
            out.message,
            "title\n\nbody text\n\nAcked-by: A U Thor <a@example.org>\n"
        );
        assert_eq!(out.outcomes, vec![Outcome::Added]);
    }

    #[test]
    fn appends_to_an_existing_block_in_order() {
        let out = add("t\n\nb\n\nSigned-off-by: X <x@e>\n", &ack());
        assert_eq!(
            out.block,
            vec![
                "Signed-off-by: X <x@e>",
                "Acked-by: A U Thor <a@example.org>"
            ]
        );
    }

    #[test]
    fn identical_trailer_is_skipped_with_the_line_it_matched() {
        let out = add(
            "t\n\nb\n\nacked-by: a u thor <A@example.org>\nSigned-off-by: X <x@e>\n",
            &ack(),
        );
        assert_eq!(
            out.outcomes,
            vec![Outcome::SkippedIdentical {
                existing: "acked-by: a u thor <A@example.org>".into()
            }]
        );
    }

    #[test]
    fn separator_rules() {
        assert_eq!(find_separator(b"Acked-by: x"), Some(8));
        assert_eq!(find_separator(b"Acked-by : x"), Some(9));
        assert_eq!(find_separator(b"Acked by: x"), None);
        assert_eq!(find_separator(b" Acked-by: x"), None);
        assert_eq!(find_separator(b"http://x"), Some(4));
    }
}
