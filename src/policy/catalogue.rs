//! The rule catalogue: the one place that names every rule, its family, what it detects,
//! where the rule comes from and why a maintainer should care (the TUI's findings pane shows
//! the rationale) and its default severity. Profiles refer to rules by these ids and
//! override the default (`"off"` included); a rule a profile does not name runs at its
//! default, so no rule is silently never reported.
//!
//! Adding a rule: one `rule!` entry here, with the default a project that has not thought
//! about it should get (`Off` for a rule that only makes sense with a project's own
//! parameters), then an entry in each built-in profile that wants another severity.

use super::Severity;
use serde::Serialize;

/// The family a rule belongs to; the id starts with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Dco,
    Ai,
    Trailer,
    Style,
    License,
    Maintainers,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Dco => "dco",
            Family::Ai => "ai",
            Family::Trailer => "trailer",
            Family::Style => "style",
            Family::License => "license",
            Family::Maintainers => "maintainers",
        }
    }
}

/// One rule as the catalogue describes it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleInfo {
    /// Kebab-case id, family first (`dco-missing`).
    pub id: &'static str,
    pub family: Family,
    /// The severity a profile that does not name the rule gets (`None`: off unless a profile
    /// turns it on). Profiles override it, `"off"` included.
    pub default: Option<Severity>,
    /// What the rule detects, in a few words.
    pub title: &'static str,
    /// Where the rule comes from when the profile does not say (document and section).
    pub source: &'static str,
    /// Why it matters, for the side pane.
    pub rationale: &'static str,
}

const QCP: &str = "QEMU docs/devel/code-provenance.rst";
const QCP_AI: &str = "QEMU docs/devel/code-provenance.rst, \"Use of AI-generated content\"";
const KSP_SIGN: &str = "Linux Documentation/process/submitting-patches.rst, \"Sign your work - the Developer's Certificate of Origin\"";
const KCA: &str = "Linux Documentation/process/coding-assistants.rst, \"Signed-off-by and Developer Certificate of Origin\"";
const GIT_TRAILERS: &str = "git Documentation/git-interpret-trailers.adoc, \"DESCRIPTION\"";
const TROJAN_SOURCE: &str =
    "Boucher and Anderson, \"Trojan Source: Invisible Vulnerabilities\" (2021), CVE-2021-42574";
const CHECKPATCH: &str = "scripts/checkpatch.pl (QEMU and Linux)";

/// A rule's default severity as the catalogue writes it: `Error`, `Warning`, `Info` or `Off`.
macro_rules! default_of {
    (Off) => {
        None
    };
    ($severity:ident) => {
        Some(Severity::$severity)
    };
}

/// `rule!(id, Family, Default, title, source, rationale)`; `Default` is `Error`, `Warning`,
/// `Info` or `Off` (what a profile that does not name the rule gets).
macro_rules! rule {
    ($id:literal, $fam:ident, $default:ident, $title:literal, $source:expr, $why:literal) => {
        RuleInfo {
            id: $id,
            family: Family::$fam,
            default: default_of!($default),
            title: $title,
            source: $source,
            rationale: $why,
        }
    };
}

/// Every rule patchdesk knows, in catalogue order.
pub const RULES: &[RuleInfo] = &[
    // --- DCO ---
    rule!(
        "dco-missing",
        Dco,
        Warning,
        "no Signed-off-by",
        KSP_SIGN,
        "Without a Signed-off-by the author has not certified the Developer's Certificate of Origin; the patch cannot be applied."
    ),
    rule!(
        "dco-below-divider",
        Dco,
        Warning,
        "Signed-off-by only below ---",
        GIT_TRAILERS,
        "git am drops everything after the --- line, so a sign-off there never reaches the commit."
    ),
    rule!(
        "dco-form",
        Dco,
        Info,
        "Signed-off-by not in its canonical form",
        CHECKPATCH,
        "Tools (git, b4, checkpatch) recognise only the exact spelling `Signed-off-by: ` with one space."
    ),
    rule!(
        "dco-tag-typo",
        Dco,
        Info,
        "misspelt tag",
        CHECKPATCH,
        "A misspelt tag is not recognised by any tool; the person it names gets no credit and a sign-off may be missing."
    ),
    rule!(
        "dco-bad-email",
        Dco,
        Warning,
        "sign-off identity not `Name <address>`",
        CHECKPATCH,
        "A sign-off must name a person and an address that can be reached."
    ),
    rule!(
        "dco-anon",
        Dco,
        Info,
        "anonymous or handle identity",
        KSP_SIGN,
        "The DCO needs a known identity: the name should not be anonymous nor misrepresent who you are."
    ),
    rule!(
        "dco-no-author-sob",
        Dco,
        Warning,
        "the author has not signed off",
        KSP_SIGN,
        "The author is the first person who must certify the DCO; a sign-off by someone else does not cover the author's work."
    ),
    rule!(
        "dco-author-mismatch",
        Dco,
        Info,
        "author and sign-off differ",
        CHECKPATCH,
        "The author's sign-off should use the same name and address as the From line; differences confuse attribution."
    ),
    rule!(
        "dco-sender-last",
        Dco,
        Info,
        "sender's sign-off is not last",
        KSP_SIGN,
        "Whoever passes a patch on adds their own Signed-off-by last (DCO clause (c))."
    ),
    rule!(
        "dco-dup",
        Dco,
        Info,
        "duplicate trailer",
        CHECKPATCH,
        "The same trailer twice is noise, and often a sign of a bad rebase or copy."
    ),
    rule!(
        "dco-mangled-from",
        Dco,
        Warning,
        "author address rewritten by the list (DMARC)",
        CHECKPATCH,
        "The list replaced the author's address with its own; applied as-is, the commit is attributed to the list."
    ),
    rule!(
        "dco-codev-pair",
        Dco,
        Info,
        "Co-developed-by without matching Signed-off-by",
        KSP_SIGN,
        "Every Co-developed-by must be immediately followed by the same person's Signed-off-by."
    ),
    rule!(
        "dco-order",
        Dco,
        Info,
        "author's sign-off not first",
        QCP,
        "Sign-offs are kept in order of authorship: the author's comes first, the sender's last."
    ),
    rule!(
        "dco-note",
        Dco,
        Info,
        "maintainer note among the sign-offs",
        QCP,
        "A bracketed note records an edit made while passing the patch on; worth reading."
    ),
    // --- AI provenance ---
    rule!(
        "ai-sob",
        Ai,
        Error,
        "AI identity in a sign-off",
        KCA,
        "Only humans can certify the Developer's Certificate of Origin; an AI tool cannot sign off."
    ),
    rule!(
        "ai-author",
        Ai,
        Warning,
        "AI tool as author",
        QCP_AI,
        "The commit author is an AI tool or bot identity: the content is tool-generated."
    ),
    rule!(
        "ai-coauthor",
        Ai,
        Info,
        "Co-authored-by naming an AI tool",
        QCP_AI,
        "A co-author trailer naming an AI tool means the patch includes generated content."
    ),
    rule!(
        "ai-assisted-by",
        Ai,
        Info,
        "Assisted-by trailer",
        QCP_AI,
        "The patch declares AI assistance; whether that is allowed depends on the project."
    ),
    rule!(
        "ai-assisted-format",
        Ai,
        Info,
        "Assisted-by not `AGENT:MODEL [TOOLS]`",
        "Linux Documentation/process/coding-assistants.rst, \"Attribution\"",
        "Linux wants `Assisted-by: AGENT_NAME:MODEL_VERSION [TOOL1] [TOOL2]` so the tool and model can be found later."
    ),
    rule!(
        "ai-assisted-basic",
        Ai,
        Off,
        "Assisted-by lists basic tools",
        "Linux Documentation/process/coding-assistants.rst, \"Attribution\"",
        "Basic development tools (git, gcc, make, editors) should not be listed."
    ),
    rule!(
        "ai-other-trailer",
        Ai,
        Info,
        "AI attribution trailer",
        QCP_AI,
        "A trailer written by or for an AI tool (Generated-by, Made-with, Claude-Session, ...) declares generated content."
    ),
    rule!(
        "ai-exception-tag",
        Ai,
        Info,
        "AI-exception-granted-by trailer",
        QCP_AI,
        "QEMU discussed but did not adopt this tag: the document grants exceptions, not a person."
    ),
    rule!(
        "ai-exception-claim",
        Ai,
        Off,
        "commit claims an AI policy exception",
        QCP_AI,
        "The commit says an exception to the AI policy applies; check it is one the policy lists."
    ),
    rule!(
        "ai-footer",
        Ai,
        Info,
        "AI tool footer",
        QCP_AI,
        "A footer an AI tool writes into the commits it makes."
    ),
    rule!(
        "ai-prefix",
        Ai,
        Info,
        "AI tool subject prefix",
        QCP_AI,
        "aider prefixes the subjects of the commits it writes with `aider: `."
    ),
    rule!(
        "ai-session-url",
        Ai,
        Info,
        "AI agent session link",
        QCP_AI,
        "A link to an AI agent's session: the change was made by or with the agent."
    ),
    rule!(
        "ai-prose",
        Ai,
        Info,
        "prose says AI wrote part of it",
        QCP_AI,
        "The text says the change was generated or assisted by an AI tool."
    ),
    rule!(
        "ai-agent-files",
        Ai,
        Info,
        "agent instruction files",
        QCP_AI,
        "Files that instruct AI coding agents (CLAUDE.md, AGENTS.md, .cursorrules, ...)."
    ),
    rule!(
        "ai-slop-heur",
        Ai,
        Info,
        "LLM boilerplate phrasing",
        QCP_AI,
        "Phrases chat models leave behind; only a hint, never proof."
    ),
    // --- trailers ---
    rule!(
        "trailer-stale-review",
        Trailer,
        Info,
        "review kept though the patch changed",
        "QEMU docs/devel/submitting-a-patch.rst (drop Reviewed-by after significant changes); Linux Documentation/process/submitting-patches.rst (Tested-by/Reviewed-by when the patch \"changed substantially\")",
        "A Reviewed-by, Acked-by or Tested-by vouches for the version it was given on. Kept in v(n+1) while more than a tenth of the diff changed, or given in a reply to v(n) on a patch that changed since, it may no longer hold: ask the reviewer again or drop it. Checked against the previous version in the queue."
    ),
    rule!(
        "trailer-nonstd",
        Trailer,
        Off,
        "tag not used by this project",
        CHECKPATCH,
        "The project does not know this tag; tools ignore it and readers may misread it."
    ),
    rule!(
        "trailer-case",
        Trailer,
        Info,
        "tag spelling or spacing",
        CHECKPATCH,
        "Tags have one canonical spelling with one space after the colon."
    ),
    rule!(
        "trailer-combined",
        Trailer,
        Info,
        "combined tag",
        "Linux Documentation/process/maintainer-tip.rst, \"Patch tags\"",
        "Combined tags such as Reported-and-tested-by are not understood by tools; use one tag per role."
    ),
    rule!(
        "trailer-not-parsed",
        Trailer,
        Warning,
        "tag-like line git does not see as a trailer",
        GIT_TRAILERS,
        "git only treats the last paragraph as trailers; a tag elsewhere is ignored by git, b4 and the tools."
    ),
    rule!(
        "trailer-below-divider",
        Trailer,
        Warning,
        "tag below ---",
        GIT_TRAILERS,
        "git am drops everything after the --- line, so the tag never reaches the commit."
    ),
    rule!(
        "trailer-fix-format",
        Trailer,
        Info,
        "Fixes tag format",
        "QEMU docs/devel/submitting-a-patch.rst; Linux submitting-patches.rst, \"Describe your changes\"",
        "Fixes wants `Fixes: <12+ hex digits> (\"subject\")` on one line so tools can find the commit."
    ),
    rule!(
        "trailer-fix-missing",
        Trailer,
        Off,
        "crash report without a Fixes tag",
        CHECKPATCH,
        "A patch fixing a reported crash (sanitizer report, syzkaller) usually names the commit it fixes."
    ),
    rule!(
        "trailer-rep-closes",
        Trailer,
        Off,
        "Reported-by not followed by Closes",
        "Linux Documentation/process/submitting-patches.rst, \"Using Reported-by:, Tested-by:, Reviewed-by:, Suggested-by: and Fixes:\"",
        "A Reported-by should be followed by a Closes: link to the report."
    ),
    rule!(
        "trailer-link-url",
        Trailer,
        Info,
        "link tag without an http(s) URL",
        CHECKPATCH,
        "Link, Closes, Resolves and Buglink should point to a public http(s) URL."
    ),
    rule!(
        "trailer-link-unknown-tag",
        Trailer,
        Off,
        "URL under an unknown tag",
        CHECKPATCH,
        "URLs belong under Link: or Closes: (QEMU also Resolves:, Buglink:)."
    ),
    rule!(
        "trailer-link-lore",
        Trailer,
        Off,
        "non-lore list archive",
        CHECKPATCH,
        "lore.kernel.org links are stable and searchable by Message-Id."
    ),
    rule!(
        "trailer-stable-format",
        Trailer,
        Off,
        "stable Cc format",
        CHECKPATCH,
        "The stable Cc has one exact form so the stable tooling picks the patch up."
    ),
    rule!(
        "trailer-change-id",
        Trailer,
        Info,
        "Gerrit Change-Id",
        CHECKPATCH,
        "Gerrit Change-Ids mean nothing upstream; remove them before sending."
    ),
    // --- style ---
    rule!(
        "style-patch-broken",
        Style,
        Error,
        "patch unusable as it stands",
        "git am",
        "The patch as received would not apply (cut-off hunk, rewrapped lines, ...); ask for a resend."
    ),
    rule!(
        "style-patch-empty",
        Style,
        Warning,
        "nothing to apply",
        "git am",
        "A [PATCH] message without a diff: git am stops with \"Patch is empty\"; ask whether the patch was lost or the empty commit is meant."
    ),
    rule!(
        "style-version-in-log",
        Style,
        Info,
        "version history above ---",
        "QEMU docs/devel/submitting-a-patch.rst; Linux submitting-patches.rst",
        "Changes between versions belong below the --- line, not in the commit message."
    ),
    rule!(
        "style-msg-long",
        Style,
        Info,
        "long commit message line",
        CHECKPATCH,
        "Commit messages are read in 80-column terminals; wrap them."
    ),
    rule!(
        "style-msg-subj",
        Style,
        Info,
        "subject form",
        "QEMU docs/devel/submitting-a-patch.rst, \"Write a meaningful commit message\"",
        "Subjects read `subsystem: short summary`, without a final dot, short enough for a log line."
    ),
    rule!(
        "style-msg-no-body",
        Style,
        Info,
        "no commit description",
        CHECKPATCH,
        "A commit message should say why, not only what."
    ),
    rule!(
        "style-msg-commit-ref",
        Style,
        Info,
        "bad commit reference",
        "Linux Documentation/process/submitting-patches.rst, \"Describe your changes\"",
        "Refer to commits as `commit <12+ hex> (\"subject\")`."
    ),
    rule!(
        "style-msg-diff",
        Style,
        Warning,
        "diff in the commit message",
        CHECKPATCH,
        "Diff-like lines in the message confuse patch(1) and git am."
    ),
    rule!(
        "style-msg-hash-line",
        Style,
        Warning,
        "message line starts with #",
        CHECKPATCH,
        "git drops lines starting with # as comments when the message is edited."
    ),
    rule!(
        "style-msg-tool-subj",
        Style,
        Off,
        "subject names the tool",
        CHECKPATCH,
        "The subject should describe the change, not the tool that found it."
    ),
    rule!(
        "style-msg-utf8",
        Style,
        Warning,
        "bad encoding",
        CHECKPATCH,
        "Patches and commit messages must be UTF-8."
    ),
    rule!(
        "style-bidi-control",
        Style,
        Warning,
        "bidirectional control character (Trojan Source)",
        TROJAN_SOURCE,
        "Bidirectional override and isolate characters make text and code display in an order other than the one the compiler reads; a reviewer sees one thing and merges another."
    ),
    rule!(
        "style-msg-generated-files",
        Style,
        Info,
        "generated files without a word on how",
        QCP,
        "Generated content (binaries, firmware, images) must be acknowledged and justified: say how it was built and from what source."
    ),
    rule!(
        "style-ws-trailing",
        Style,
        Warning,
        "trailing whitespace",
        CHECKPATCH,
        "Trailing whitespace and carriage returns are noise that every later diff carries."
    ),
    rule!(
        "style-ws-tabs",
        Style,
        Off,
        "indentation",
        CHECKPATCH,
        "The project indents with one kind of whitespace (QEMU spaces, Linux tabs)."
    ),
    rule!(
        "style-len-code",
        Style,
        Off,
        "long code line",
        CHECKPATCH,
        "Lines beyond the project's limit are hard to read side by side."
    ),
    rule!(
        "style-eof-newline",
        Style,
        Info,
        "no newline at end of file",
        CHECKPATCH,
        "A file should end with a newline; otherwise the next change to its last line touches two lines."
    ),
    rule!(
        "style-exec-perm",
        Style,
        Warning,
        "executable source file",
        CHECKPATCH,
        "Source files should not be executable."
    ),
    rule!(
        "style-maintainers",
        Style,
        Off,
        "files added or removed, MAINTAINERS unchanged",
        CHECKPATCH,
        "New, moved or deleted files may need a MAINTAINERS entry."
    ),
    // --- licence ---
    rule!(
        "license-spdx-missing",
        License,
        Info,
        "new file without SPDX-License-Identifier",
        "QEMU scripts/checkpatch.pl; Linux Documentation/process/license-rules.rst",
        "Every new file states its licence with an SPDX-License-Identifier line at the top."
    ),
    rule!(
        "license-spdx-license",
        License,
        Off,
        "licence not allowed or not preferred",
        "QEMU LICENSE; Linux LICENSES/",
        "The project accepts a fixed list of licences."
    ),
    rule!(
        "license-spdx-style",
        License,
        Off,
        "SPDX comment style",
        "Linux Documentation/process/license-rules.rst",
        "The SPDX line uses the comment style of its file type."
    ),
    rule!(
        "license-spdx-other",
        License,
        Off,
        "other SPDX tags",
        "QEMU scripts/checkpatch.pl",
        "QEMU accepts only SPDX-License-Identifier among the SPDX tags."
    ),
    rule!(
        "license-boilerplate",
        License,
        Off,
        "licence boilerplate in a new file",
        "QEMU scripts/checkpatch.pl; Linux scripts/checkpatch.pl",
        "New files use an SPDX line instead of licence boilerplate (and never the FSF's postal address)."
    ),
    rule!(
        "maintainers-cc-missing",
        Maintainers,
        Off,
        "no maintainer of a touched section in To/Cc",
        "QEMU docs/devel/submitting-a-patch.rst, \"CC the relevant maintainer\"; Linux Documentation/process/submitting-patches.rst, \"Select the recipients for your patch\"",
        "A patch reaches the people who must review it only when it is sent to them: scripts/get_maintainer.pl names them from MAINTAINERS. Checked only with a tree (--tree) and only on mail that has To/Cc headers."
    ),
];

/// The catalogue entry of a rule id.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_and_prefixed_by_family() {
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate {}", r.id);
            assert!(
                r.id.starts_with(&format!("{}-", r.family.as_str())),
                "{}",
                r.id
            );
            assert!(
                r.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            );
            assert!(!r.rationale.is_empty() && !r.source.is_empty());
        }
    }

    #[test]
    fn looks_up_by_id() {
        assert_eq!(rule("dco-missing").map(|r| r.family), Some(Family::Dco));
        assert!(rule("DCO-MISSING").is_none());
    }
}
