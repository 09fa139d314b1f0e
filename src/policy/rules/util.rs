//! Helpers the rule families share: identities as trailers write them (R2), DMARC `via`
//! rewrites (R3), trailer-like lines (R5), quoted text, spans.

use crate::mail::Address;
use regex::Regex;
use std::sync::LazyLock;

/// Compiles a regex written in this crate (a bad one is a programming error caught by tests).
pub fn re(pattern: &str) -> Regex {
    match Regex::new(pattern) {
        Ok(r) => r,
        Err(e) => panic!("built-in regex {pattern:?}: {e}"),
    }
}

static IDENTITY: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?P<name>[^<>]*?)[ \t]*<(?P<addr>[^<>\s@]+@[^<>\s@]+)>[ \t]*(?P<comment>.*)$")
});
static BARE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^<?(?P<addr>[^<>\s@]+@[^<>\s@]+)>?[ \t]*(?P<comment>.*)$"));
static VIA: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:Author|From):[^\n]*\bvia\b[^\n]*<[^>]*@(?:nongnu\.org|vger\.kernel\.org|lists\.[^>]+)>",
    )
});
/// R5, the `-by` family (with the spacing captured).
pub static BY_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^(?P<lead>[ \t]*)(?P<key>[a-z0-9_-]+-by)(?P<pre>[ \t]*):(?P<sp>[ \t]*)(?P<value>.*)$")
});
/// R5, any git trailer line.
pub static TRAILER_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?P<key>[A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(?P<value>.*)$"));

/// An identity as written in a trailer: `Name <addr> comment` or a bare address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub email: String,
    pub comment: String,
}

impl Ident {
    pub fn address(&self) -> Address {
        Address {
            name: self.name.clone(),
            email: self.email.clone(),
        }
    }
}

/// Parses `Name <addr> # comment` (R2); `None` when there is no address.
pub fn parse_ident(value: &str) -> Option<Ident> {
    let v = value.trim();
    if let Some(c) = IDENTITY.captures(v) {
        let name = c["name"].trim().trim_matches('"').trim().to_string();
        return Some(Ident {
            name,
            email: c["addr"].to_string(),
            comment: c["comment"].trim().to_string(),
        });
    }
    BARE.captures(v).map(|c| Ident {
        name: String::new(),
        email: c["addr"].to_string(),
        comment: c["comment"].trim().to_string(),
    })
}

/// Address without `+sub` in the local part, lower-cased.
pub fn email_base(email: &str) -> String {
    let e = email.to_lowercase();
    match (e.find('+'), e.find('@')) {
        (Some(p), Some(at)) if p < at => format!("{}{}", &e[..p], &e[at..]),
        _ => e,
    }
}

/// Name normalised for comparison: lower-case, quotes dropped, whitespace collapsed.
pub fn norm_name(name: &str) -> String {
    name.replace(['"', '\''], "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Same person: same address (ignoring case and `+sub`), or same non-empty name.
pub fn same_person(a: &Address, b: &Address) -> bool {
    (!a.email.is_empty() && email_base(&a.email) == email_base(&b.email))
        || (!a.name.is_empty() && norm_name(&a.name) == norm_name(&b.name))
}

/// True when a mailing list rewrote the address for DMARC (`Jane via Qemu-devel <qemu-devel@nongnu.org>`).
pub fn is_list_munged(a: &Address) -> bool {
    VIA.is_match(&format!("From: {}", a.display()))
}

/// True when a relay sent the mail on the author's behalf (`Jane via B4 Relay
/// <devnull+jane.example.org@kernel.org>`): the real sender is in `X-Original-From`.
pub fn is_relayed(a: &Address) -> bool {
    a.name.to_lowercase().contains(" via ") && a.email.to_lowercase().starts_with("devnull")
}

/// `Jane Doe via Qemu-devel <list>` → name `Jane Doe` (address unknown).
pub fn unmunge_name(a: &Address) -> Address {
    let name = match a.name.to_lowercase().rfind(" via ") {
        Some(i) => a.name[..i].trim().to_string(),
        None => a.name.clone(),
    };
    Address {
        name,
        email: String::new(),
    }
}

/// Quoted (`>`) or indented text: examples and quotations, not assertions.
pub fn is_quoted(line: &str) -> bool {
    line.starts_with('>') || line.starts_with("    ") || line.starts_with('\t')
}

/// Byte range of a trailer's value on its line (after the separator, trimmed).
pub fn value_span(line: &str) -> (usize, usize) {
    let Some(colon) = line.find(':') else {
        return (0, line.len());
    };
    let rest = &line[colon + 1..];
    let start = colon + 1 + (rest.len() - rest.trim_start().len());
    let end = line.trim_end().len().max(start);
    (start, end)
}

/// Byte range of the key on a trailer line.
pub fn key_span(line: &str) -> (usize, usize) {
    let lead = line.len() - line.trim_start().len();
    let end = line[lead..]
        .find([':', ' ', '\t'])
        .map_or(line.len(), |i| lead + i);
    (lead, end)
}

/// The extension of a path (`c` for `hw/foo.c`), empty when none.
pub fn ext(path: &str) -> &str {
    let base = basename(path);
    match base.rfind('.') {
        Some(i) if i > 0 => &base[i + 1..],
        _ => "",
    }
}

/// The last component of a path.
pub fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Paths of documentation and test data, where markers are quoted rather than asserted.
pub fn is_docs_or_tests(path: &str) -> bool {
    let p = path.to_lowercase();
    p.starts_with("doc/")
        || p.starts_with("docs/")
        || p.starts_with("documentation/")
        || p.starts_with("tests/")
        || p.starts_with("tools/testing/")
        || p.contains("/tests/")
        || p.contains("/testdata/")
        || p.contains("/fixtures/")
        || p.ends_with(".rst")
        || p.ends_with(".md") && !is_agent_md(&p)
}

fn is_agent_md(p: &str) -> bool {
    let b = basename(p);
    b == "claude.md" || b == "agents.md" || b == "gemini.md" || b == "copilot-instructions.md"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities() {
        let i = parse_ident("Jane Doe <jane@example.org> # v5.10+").unwrap();
        assert_eq!(
            (i.name.as_str(), i.email.as_str(), i.comment.as_str()),
            ("Jane Doe", "jane@example.org", "# v5.10+")
        );
        let b = parse_ident("jane@example.org").unwrap();
        assert!(b.name.is_empty());
        assert!(parse_ident("Jane Doe").is_none());
        assert!(parse_ident("Jane <jane at example.org>").is_none());
        assert_eq!(email_base("Jane+lkml@Example.org"), "jane@example.org");
    }

    #[test]
    fn dmarc_via() {
        let a = Address {
            name: "Jane Doe via Qemu-devel".into(),
            email: "qemu-devel@nongnu.org".into(),
        };
        assert!(is_list_munged(&a));
        assert_eq!(unmunge_name(&a).name, "Jane Doe");
        let human = Address {
            name: "Via Lactea".into(),
            email: "via@example.org".into(),
        };
        assert!(!is_list_munged(&human));
        let relay = Address {
            name: "J. Doe via B4 Relay".into(),
            email: "devnull+j.example.org@kernel.org".into(),
        };
        assert!(is_relayed(&relay) && !is_list_munged(&relay));
    }

    #[test]
    fn spans() {
        assert_eq!(value_span("Fixes:  abc  "), (8, 11));
        assert_eq!(key_span(" Signed-off-by: x"), (1, 14));
        assert_eq!(ext("hw/a.b/foo.c"), "c");
        assert_eq!(ext("Makefile"), "");
        assert!(is_docs_or_tests("docs/devel/code-provenance.rst"));
        assert!(!is_docs_or_tests("CLAUDE.md"));
    }
}
