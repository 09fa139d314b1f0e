//! Trailers collected from replies, the way b4 does it: `Acked-by`, `Reviewed-by`,
//! `Tested-by`, `Reported-by` and `Suggested-by` lines in a reply attach to the patch it
//! answers (a reply to a cover letter attaches to every patch of the series). A trailer
//! counts only when its address is the reply sender's (`From:`, or the `Reply-To:` /
//! `X-Original-From:` a list's DMARC rewrite leaves); otherwise it is a warning the
//! maintainer may accept. Quoted lines (`> Acked-by: …`) are ignored, duplicates are
//! merged, and each trailer keeps the Message-Id it came from. NACKs (`Nacked-by:`, a line
//! that starts with `NAK` or `NACK`) are collected apart so they can be shown prominently.

use crate::mail::{Address, Message};
use crate::queue::Queue;
use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// The trailer keys collected from replies, in their canonical spelling.
pub const REPLY_TRAILER_KEYS: &[&str] = &[
    "Acked-by",
    "Reviewed-by",
    "Tested-by",
    "Reported-by",
    "Suggested-by",
];

/// One trailer line found in a reply body (not quoted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundTrailer {
    /// Canonical key (`Acked-by`), whatever the case in the mail.
    pub key: String,
    /// The value as written (trimmed), e.g. `Name <addr> # for foo`.
    pub value: String,
    /// The address in the value, if it has one.
    pub address: Option<Address>,
}

/// A trailer attached to a patch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplyTrailer {
    /// Index into `Queue::patches`.
    pub patch: usize,
    pub key: String,
    pub value: String,
    /// Message-Id of the reply it came from (the first one, when several sent it).
    pub message_id: String,
    /// The reply's sender (`Name <addr>`).
    pub sender: String,
    /// The trailer's address is the sender's; when false it is only a warning.
    pub sender_matches: bool,
    /// The trailer's name is the sender's name although the address differs (a person
    /// acking from another account, which b4 accepts); still a warning here.
    pub same_name: bool,
    /// The reply answered the cover letter, so the trailer applies to every patch.
    pub via_cover: bool,
}

impl ReplyTrailer {
    /// The trailer line (`Acked-by: …`).
    pub fn line(&self) -> String {
        format!("{}: {}", self.key, self.value)
    }
}

/// A NACK attached to a patch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Nack {
    pub patch: usize,
    /// The line that said it.
    pub line: String,
    pub message_id: String,
    pub sender: String,
    pub via_cover: bool,
}

/// Everything collected from the replies of a queue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Collected {
    /// Trailers whose address matches the sender, deduplicated, in reply order.
    pub trailers: Vec<ReplyTrailer>,
    /// Trailers from an address other than the sender's (to be accepted explicitly).
    pub warnings: Vec<ReplyTrailer>,
    pub nacks: Vec<Nack>,
}

impl Collected {
    /// The trailers (matching ones) of one patch.
    pub fn for_patch(&self, patch: usize) -> impl Iterator<Item = &ReplyTrailer> {
        self.trailers.iter().filter(move |t| t.patch == patch)
    }

    /// The NACKs of one patch.
    pub fn nacks_for(&self, patch: usize) -> impl Iterator<Item = &Nack> {
        self.nacks.iter().filter(move |n| n.patch == patch)
    }
}

fn trailer_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)^(acked|reviewed|tested|reported|suggested|nacked)-by[ \t]*:[ \t]*(\S.*?)[ \t]*$",
        )
        .expect("static regex")
    })
}

fn identity_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?P<name>[^<>]*?)[ \t]*<(?P<addr>[^<>\s@]+@[^<>\s@]+)>")
            .expect("static regex")
    })
}

fn bare_address_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^<?(?P<addr>[^<>\s@]+@[^<>\s@]+)>?").expect("static regex"))
}

fn nak_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^(?:NAK|NACK)(?:[ \t.,:;!]|$)").expect("static regex"))
}

/// Parses `Name <addr> # comment` or a bare address into an [`Address`].
pub fn parse_identity(value: &str) -> Option<Address> {
    if let Some(c) = identity_regex().captures(value) {
        return Some(Address {
            name: c["name"].trim().trim_matches('"').to_string(),
            email: c["addr"].to_string(),
        });
    }
    bare_address_regex().captures(value).map(|c| Address {
        name: String::new(),
        email: c["addr"].to_string(),
    })
}

/// What one body line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyLine {
    Trailer(FoundTrailer),
    Nack(String),
}

/// Finds the review trailers and NACKs in a reply body; quoted lines are skipped, and so is
/// everything after the signature separator (`-- `).
pub fn scan_body(body: &str) -> Vec<BodyLine> {
    let mut found = Vec::new();
    for line in body.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line == "-- " {
            break;
        }
        if line.starts_with('>') {
            continue;
        }
        if let Some(c) = trailer_regex().captures(line) {
            let kind = c[1].to_ascii_lowercase();
            if kind == "nacked" {
                found.push(BodyLine::Nack(line.to_string()));
                continue;
            }
            let key = REPLY_TRAILER_KEYS
                .iter()
                .find(|k| k.to_ascii_lowercase().starts_with(&kind))
                .map_or_else(|| format!("{}-by", &c[1]), |k| k.to_string());
            let value = c[2].to_string();
            found.push(BodyLine::Trailer(FoundTrailer {
                address: parse_identity(&value),
                key,
                value,
            }));
        } else if nak_regex().is_match(line) {
            found.push(BodyLine::Nack(line.to_string()));
        }
    }
    found
}

/// True when `address` is one of the sender's addresses (case-insensitive).
fn is_sender(mail: &Message, address: &Address) -> bool {
    crate::queue::sent_by(mail, &address.email)
}

/// Collects the trailers and NACKs of every reply in the queue.
pub fn collect(queue: &Queue) -> Collected {
    let mut out = Collected::default();
    for reply in &queue.replies {
        let Some(parent) = reply.parent else { continue };
        let (targets, via_cover) = match queue.series.iter().find(|s| s.cover == Some(parent)) {
            Some(series) => (series.patches.clone(), true),
            None => (vec![parent], false),
        };
        let mail = &reply.mail;
        let message_id = mail.message_id.clone().unwrap_or_default();
        let sender = mail.from.as_ref().map(Address::display).unwrap_or_default();
        for line in scan_body(&mail.body) {
            match line {
                BodyLine::Nack(text) => {
                    for &patch in &targets {
                        out.nacks.push(Nack {
                            patch,
                            line: text.clone(),
                            message_id: message_id.clone(),
                            sender: sender.clone(),
                            via_cover,
                        });
                    }
                }
                BodyLine::Trailer(found) => {
                    let matches = found.address.as_ref().is_some_and(|a| is_sender(mail, a));
                    let same_name = !matches
                        && found.address.as_ref().is_some_and(|a| {
                            !a.name.is_empty()
                                && mail
                                    .from
                                    .as_ref()
                                    .is_some_and(|f| f.name.trim().eq_ignore_ascii_case(&a.name))
                        });
                    for &patch in &targets {
                        let trailer = ReplyTrailer {
                            patch,
                            key: found.key.clone(),
                            value: found.value.clone(),
                            message_id: message_id.clone(),
                            sender: sender.clone(),
                            sender_matches: matches,
                            same_name,
                            via_cover,
                        };
                        let list = if matches {
                            &mut out.trailers
                        } else {
                            &mut out.warnings
                        };
                        if !list.iter().any(|t| same_trailer(t, &trailer)) {
                            list.push(trailer);
                        }
                    }
                }
            }
        }
    }
    // A warning for a trailer that also arrived properly is no warning.
    let trailers = &out.trailers;
    out.warnings
        .retain(|w| !trailers.iter().any(|t| same_trailer(t, w)));
    out
}

/// Same patch, same key, same person (by address when there is one, else by value).
fn same_trailer(a: &ReplyTrailer, b: &ReplyTrailer) -> bool {
    if a.patch != b.patch || !a.key.eq_ignore_ascii_case(&b.key) {
        return false;
    }
    match (parse_identity(&a.value), parse_identity(&b.value)) {
        (Some(x), Some(y)) => x.email.eq_ignore_ascii_case(&y.email),
        _ => a.value.eq_ignore_ascii_case(&b.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::Patch;
    use crate::queue::{Reply, Series};

    fn addr(name: &str, email: &str) -> Address {
        Address {
            name: name.into(),
            email: email.into(),
        }
    }

    fn reply(id: &str, from: Address, parent: usize, body: &str) -> Reply {
        Reply {
            mail: Message {
                message_id: Some(id.into()),
                from: Some(from),
                body: body.into(),
                ..Message::default()
            },
            parent: Some(parent),
            trailers: Vec::new(),
        }
    }

    fn queue(replies: Vec<Reply>) -> Queue {
        Queue {
            patches: vec![Patch::default(), Patch::default(), Patch::default()],
            series: vec![Series {
                id: 1,
                cover: Some(0),
                patches: vec![1, 2],
                total: Some(2),
                ..Series::default()
            }],
            replies,
            ..Queue::default()
        }
    }

    #[test]
    fn quoted_lines_and_signature_are_ignored() {
        let found = scan_body(
            "> Acked-by: Q <q@e>\nLooks good.\n\nreviewed-by: R <r@e>\n-- \nAcked-by: S <s@e>\n",
        );
        assert_eq!(
            found,
            vec![BodyLine::Trailer(FoundTrailer {
                key: "Reviewed-by".into(),
                value: "R <r@e>".into(),
                address: Some(addr("R", "r@e")),
            })]
        );
    }

    #[test]
    fn reply_to_a_patch_attaches_to_it_only_when_sender_matches() {
        let q = queue(vec![
            reply(
                "r1",
                addr("R", "r@e"),
                1,
                "Reviewed-by: R <r@e> # for foo\n",
            ),
            reply("r2", addr("X", "x@e"), 2, "Acked-by: Y <y@e>\n"),
        ]);
        let c = collect(&q);
        assert_eq!(c.trailers.len(), 1);
        assert_eq!(c.trailers[0].patch, 1);
        assert_eq!(c.trailers[0].line(), "Reviewed-by: R <r@e> # for foo");
        assert_eq!(c.trailers[0].message_id, "r1");
        assert_eq!(c.warnings.len(), 1);
        assert!(!c.warnings[0].sender_matches);
        assert!(!c.warnings[0].same_name);
        assert_eq!(c.warnings[0].patch, 2);
    }

    #[test]
    fn reply_to_the_cover_attaches_to_every_patch_and_dedups() {
        let q = queue(vec![
            reply(
                "c1",
                addr("A", "a@e"),
                0,
                "For the series:\nAcked-by: A <a@e>\n",
            ),
            reply("p1", addr("A", "A@E"), 1, "Acked-by: A <A@e>\n"),
        ]);
        let c = collect(&q);
        let patches: Vec<usize> = c.trailers.iter().map(|t| t.patch).collect();
        assert_eq!(patches, vec![1, 2]);
        assert!(
            c.trailers
                .iter()
                .all(|t| t.via_cover && t.message_id == "c1")
        );
    }

    #[test]
    fn dmarc_reply_to_counts_as_the_sender() {
        let mut r = reply("r", addr("A via list", "list@e"), 1, "Tested-by: A <a@e>\n");
        r.mail.reply_to = Some(addr("A", "a@e"));
        let c = collect(&queue(vec![r]));
        assert_eq!(c.trailers.len(), 1);
    }

    #[test]
    fn same_name_from_another_address_is_a_warning_marked_as_such() {
        let r = reply(
            "r",
            addr("Ann", "ann@home"),
            1,
            "Acked-by: Ann <ann@work>\n",
        );
        let c = collect(&queue(vec![r]));
        assert!(c.trailers.is_empty());
        assert!(c.warnings[0].same_name);
    }

    #[test]
    fn nacks_are_collected() {
        let q = queue(vec![
            reply("n1", addr("N", "n@e"), 2, "NAK, this breaks foo.\n"),
            reply("n2", addr("M", "m@e"), 0, "Nacked-by: M <m@e>\n"),
            reply("n3", addr("O", "o@e"), 1, "> NAK\nNAKED eye\n"),
        ]);
        let c = collect(&q);
        assert_eq!(c.nacks.len(), 3);
        assert_eq!(c.nacks_for(2).count(), 2);
        assert!(c.trailers.is_empty());
    }

    #[test]
    fn replies_without_a_parent_are_skipped() {
        let mut r = reply("r", addr("A", "a@e"), 1, "Acked-by: A <a@e>\n");
        r.parent = None;
        assert!(collect(&queue(vec![r])).trailers.is_empty());
    }
}
