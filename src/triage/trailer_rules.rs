//! Adding several trailers to a commit message as one
//! `git interpret-trailers --where end --if-exists addIfDifferent --trailer … --trailer …`
//! run does, on top of [`crate::patch::trailers::add`] (git's algorithm, one trailer at a
//! time), with the reason each skipped trailer was skipped and the resulting trailer block.
//!
//! git re-prints the whole block when it adds: existing trailers come out as `Key: value`
//! (spacing around the separator normalised, trailing whitespace dropped), non-trailer lines
//! in the block stay as they are, comment lines (`#`) in the block are dropped. Identical
//! means the same key (compared case-insensitively over the shorter key) and the same value
//! (case-insensitively). Adding the trailers one after the other gives the same message as
//! one run with several `--trailer`s: the tests compare with the real `git`.

use crate::patch::trailers::{self, AddReason};

/// What happened to one trailer asked for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// Appended at the end of the trailer block.
    Added,
    /// Not added: an identical trailer is already there (the line it matched, as written).
    SkippedIdentical { existing: String },
    /// Not added: git refuses a trailer with an empty key.
    SkippedEmptyKey,
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

/// Adds `(key, value)` trailers in order, as `git interpret-trailers --where end
/// --if-exists addIfDifferent --if-missing add --trailer "key: value"…` would.
pub fn add(message: &str, requests: &[(String, String)]) -> Added {
    let mut current = message.to_string();
    let mut outcomes = Vec::with_capacity(requests.len());
    for (key, value) in requests {
        let result = trailers::add(&current, key, value);
        let outcome = match result.reason {
            AddReason::Appended | AddReason::NewBlock => Outcome::Added,
            AddReason::AlreadyPresent { line } => Outcome::SkippedIdentical {
                existing: current
                    .lines()
                    .nth(line)
                    .map(|l| l.trim_end().to_string())
                    .unwrap_or_default(),
            },
            AddReason::EmptyKey => Outcome::SkippedEmptyKey,
        };
        outcomes.push(outcome);
        current = result.message;
    }
    let block = trailer_block(&current);
    Added {
        message: current,
        block,
        outcomes,
    }
}

/// The lines of the trailer block of a message git has just written: from the block's start
/// to the `---` divider or the end, without trailing blank and comment lines.
fn trailer_block(message: &str) -> Vec<String> {
    let (start, _) = trailers::parse(message);
    let mut block: Vec<String> = Vec::new();
    for line in message.lines().skip(start) {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with("---") && line[3..].chars().next().is_none_or(|c| c.is_whitespace()) {
            break;
        }
        block.push(line.to_string());
    }
    while block
        .last()
        .is_some_and(|l| l.trim().is_empty() || l.starts_with('#'))
    {
        block.pop();
    }
    block
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
        assert_eq!(out.block, vec!["Acked-by: A U Thor <a@example.org>"]);
        assert_eq!(out.outcomes, vec![Outcome::Added]);
    }

    #[test]
    fn appends_to_an_existing_block_in_order() {
        let out = add("t\n\nb\n\nSigned-off-by: X <x@e>\n---\nnotes\n", &ack());
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
    fn the_same_request_twice_is_added_once() {
        let mut twice = ack();
        twice.extend(ack());
        let out = add("t\n\nb\n", &twice);
        assert_eq!(out.outcomes[0], Outcome::Added);
        assert!(matches!(out.outcomes[1], Outcome::SkippedIdentical { .. }));
        assert_eq!(out.block.len(), 1);
    }
}
