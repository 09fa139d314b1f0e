//! The rule catalogue: the one place that names every rule, its family, what it detects,
//! where the rule comes from and why a maintainer should care (the TUI's findings pane shows
//! the rationale). Profiles refer to rules by these ids; severities live in the profiles.

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
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Dco => "dco",
            Family::Ai => "ai",
            Family::Trailer => "trailer",
            Family::Style => "style",
            Family::License => "license",
        }
    }
}

/// One rule as the catalogue describes it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleInfo {
    /// Kebab-case id, family first (`dco-missing`).
    pub id: &'static str,
    pub family: Family,
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
const CHECKPATCH: &str = "scripts/checkpatch.pl (QEMU and Linux)";

macro_rules! rule {
    ($id:literal, $fam:ident, $title:literal, $source:expr, $why:literal) => {
        RuleInfo {
            id: $id,
            family: Family::$fam,
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
        "no Signed-off-by",
        KSP_SIGN,
        "Without a Signed-off-by the author has not certified the Developer's Certificate of Origin; the patch cannot be applied."
    ),
    rule!(
        "dco-below-divider",
        Dco,
        "Signed-off-by only below ---",
        GIT_TRAILERS,
        "git am drops everything after the --- line, so a sign-off there never reaches the commit."
    ),
    rule!(
        "dco-form",
        Dco,
        "Signed-off-by not in its canonical form",
        CHECKPATCH,
        "Tools (git, b4, checkpatch) recognise only the exact spelling `Signed-off-by: ` with one space."
    ),
    rule!(
        "dco-tag-typo",
        Dco,
        "misspelt tag",
        CHECKPATCH,
        "A misspelt tag is not recognised by any tool; the person it names gets no credit and a sign-off may be missing."
    ),
    rule!(
        "dco-bad-email",
        Dco,
        "sign-off identity not `Name <address>`",
        CHECKPATCH,
        "A sign-off must name a person and an address that can be reached."
    ),
    rule!(
        "dco-anon",
        Dco,
        "anonymous or handle identity",
        KSP_SIGN,
        "The DCO needs a known identity: the name should not be anonymous nor misrepresent who you are."
    ),
    rule!(
        "dco-no-author-sob",
        Dco,
        "the author has not signed off",
        KSP_SIGN,
        "The author is the first person who must certify the DCO; a sign-off by someone else does not cover the author's work."
    ),
    rule!(
        "dco-author-mismatch",
        Dco,
        "author and sign-off differ",
        CHECKPATCH,
        "The author's sign-off should use the same name and address as the From line; differences confuse attribution."
    ),
    rule!(
        "dco-sender-last",
        Dco,
        "sender's sign-off is not last",
        KSP_SIGN,
        "Whoever passes a patch on adds their own Signed-off-by last (DCO clause (c))."
    ),
    rule!(
        "dco-dup",
        Dco,
        "duplicate trailer",
        CHECKPATCH,
        "The same trailer twice is noise, and often a sign of a bad rebase or copy."
    ),
    rule!(
        "dco-mangled-from",
        Dco,
        "author address rewritten by the list (DMARC)",
        CHECKPATCH,
        "The list replaced the author's address with its own; applied as-is, the commit is attributed to the list."
    ),
    rule!(
        "dco-codev-pair",
        Dco,
        "Co-developed-by without matching Signed-off-by",
        KSP_SIGN,
        "Every Co-developed-by must be immediately followed by the same person's Signed-off-by."
    ),
    rule!(
        "dco-order",
        Dco,
        "author's sign-off not first",
        QCP,
        "Sign-offs are kept in order of authorship: the author's comes first, the sender's last."
    ),
    rule!(
        "dco-note",
        Dco,
        "maintainer note among the sign-offs",
        QCP,
        "A bracketed note records an edit made while passing the patch on; worth reading."
    ),
    // --- AI provenance ---
    rule!(
        "ai-sob",
        Ai,
        "AI identity in a sign-off",
        KCA,
        "Only humans can certify the Developer's Certificate of Origin; an AI tool cannot sign off."
    ),
    rule!(
        "ai-author",
        Ai,
        "AI tool as author",
        QCP_AI,
        "The commit author is an AI tool or bot identity: the content is tool-generated."
    ),
    rule!(
        "ai-coauthor",
        Ai,
        "Co-authored-by naming an AI tool",
        QCP_AI,
        "A co-author trailer naming an AI tool means the patch includes generated content."
    ),
    rule!(
        "ai-assisted-by",
        Ai,
        "Assisted-by trailer",
        QCP_AI,
        "The patch declares AI assistance; whether that is allowed depends on the project."
    ),
    rule!(
        "ai-assisted-format",
        Ai,
        "Assisted-by not `AGENT:MODEL [TOOLS]`",
        "Linux Documentation/process/coding-assistants.rst, \"Attribution\"",
        "Linux wants `Assisted-by: AGENT_NAME:MODEL_VERSION [TOOL1] [TOOL2]` so the tool and model can be found later."
    ),
    rule!(
        "ai-assisted-basic",
        Ai,
        "Assisted-by lists basic tools",
        "Linux Documentation/process/coding-assistants.rst, \"Attribution\"",
        "Basic development tools (git, gcc, make, editors) should not be listed."
    ),
    rule!(
        "ai-other-trailer",
        Ai,
        "AI attribution trailer",
        QCP_AI,
        "A trailer written by or for an AI tool (Generated-by, Made-with, Claude-Session, ...) declares generated content."
    ),
    rule!(
        "ai-exception-tag",
        Ai,
        "AI-exception-granted-by trailer",
        QCP_AI,
        "QEMU discussed but did not adopt this tag: the document grants exceptions, not a person."
    ),
    rule!(
        "ai-exception-claim",
        Ai,
        "commit claims an AI policy exception",
        QCP_AI,
        "The commit says an exception to the AI policy applies; check it is one the policy lists."
    ),
    rule!(
        "ai-footer",
        Ai,
        "AI tool footer",
        QCP_AI,
        "A footer an AI tool writes into the commits it makes."
    ),
    rule!(
        "ai-prefix",
        Ai,
        "AI tool subject prefix",
        QCP_AI,
        "aider prefixes the subjects of the commits it writes with `aider: `."
    ),
    rule!(
        "ai-session-url",
        Ai,
        "AI agent session link",
        QCP_AI,
        "A link to an AI agent's session: the change was made by or with the agent."
    ),
    rule!(
        "ai-prose",
        Ai,
        "prose says AI wrote part of it",
        QCP_AI,
        "The text says the change was generated or assisted by an AI tool."
    ),
    rule!(
        "ai-agent-files",
        Ai,
        "agent instruction files",
        QCP_AI,
        "Files that instruct AI coding agents (CLAUDE.md, AGENTS.md, .cursorrules, ...)."
    ),
    rule!(
        "ai-slop-heur",
        Ai,
        "LLM boilerplate phrasing",
        QCP_AI,
        "Phrases chat models leave behind; only a hint, never proof."
    ),
    // --- trailers ---
    rule!(
        "trailer-nonstd",
        Trailer,
        "tag not used by this project",
        CHECKPATCH,
        "The project does not know this tag; tools ignore it and readers may misread it."
    ),
    rule!(
        "trailer-case",
        Trailer,
        "tag spelling or spacing",
        CHECKPATCH,
        "Tags have one canonical spelling with one space after the colon."
    ),
    rule!(
        "trailer-combined",
        Trailer,
        "combined tag",
        "Linux Documentation/process/maintainer-tip.rst, \"Patch tags\"",
        "Combined tags such as Reported-and-tested-by are not understood by tools; use one tag per role."
    ),
    rule!(
        "trailer-not-parsed",
        Trailer,
        "tag-like line git does not see as a trailer",
        GIT_TRAILERS,
        "git only treats the last paragraph as trailers; a tag elsewhere is ignored by git, b4 and the tools."
    ),
    rule!(
        "trailer-below-divider",
        Trailer,
        "tag below ---",
        GIT_TRAILERS,
        "git am drops everything after the --- line, so the tag never reaches the commit."
    ),
    rule!(
        "trailer-fix-format",
        Trailer,
        "Fixes tag format",
        "QEMU docs/devel/submitting-a-patch.rst; Linux submitting-patches.rst, \"Describe your changes\"",
        "Fixes wants `Fixes: <12+ hex digits> (\"subject\")` on one line so tools can find the commit."
    ),
    rule!(
        "trailer-fix-missing",
        Trailer,
        "crash report without a Fixes tag",
        CHECKPATCH,
        "A patch fixing a reported crash (sanitizer report, syzkaller) usually names the commit it fixes."
    ),
    rule!(
        "trailer-rep-closes",
        Trailer,
        "Reported-by not followed by Closes",
        "Linux Documentation/process/submitting-patches.rst, \"Using Reported-by:, Tested-by:, Reviewed-by:, Suggested-by: and Fixes:\"",
        "A Reported-by should be followed by a Closes: link to the report."
    ),
    rule!(
        "trailer-link-url",
        Trailer,
        "link tag without an http(s) URL",
        CHECKPATCH,
        "Link, Closes, Resolves and Buglink should point to a public http(s) URL."
    ),
    rule!(
        "trailer-link-unknown-tag",
        Trailer,
        "URL under an unknown tag",
        CHECKPATCH,
        "URLs belong under Link: or Closes: (QEMU also Resolves:, Buglink:)."
    ),
    rule!(
        "trailer-link-lore",
        Trailer,
        "non-lore list archive",
        CHECKPATCH,
        "lore.kernel.org links are stable and searchable by Message-Id."
    ),
    rule!(
        "trailer-stable-format",
        Trailer,
        "stable Cc format",
        CHECKPATCH,
        "The stable Cc has one exact form so the stable tooling picks the patch up."
    ),
    rule!(
        "trailer-change-id",
        Trailer,
        "Gerrit Change-Id",
        CHECKPATCH,
        "Gerrit Change-Ids mean nothing upstream; remove them before sending."
    ),
    // --- style ---
    rule!(
        "style-patch-broken",
        Style,
        "patch unusable as it stands",
        "git am",
        "The patch as received would not apply (cut-off hunk, rewrapped lines, ...); ask for a resend."
    ),
    rule!(
        "style-patch-empty",
        Style,
        "nothing to apply",
        "git am",
        "A [PATCH] message without a diff: git am stops with \"Patch is empty\"; ask whether the patch was lost or the empty commit is meant."
    ),
    rule!(
        "style-version-in-log",
        Style,
        "version history above ---",
        "QEMU docs/devel/submitting-a-patch.rst; Linux submitting-patches.rst",
        "Changes between versions belong below the --- line, not in the commit message."
    ),
    rule!(
        "style-msg-long",
        Style,
        "long commit message line",
        CHECKPATCH,
        "Commit messages are read in 80-column terminals; wrap them."
    ),
    rule!(
        "style-msg-subj",
        Style,
        "subject form",
        "QEMU docs/devel/submitting-a-patch.rst, \"Write a meaningful commit message\"",
        "Subjects read `subsystem: short summary`, without a final dot, short enough for a log line."
    ),
    rule!(
        "style-msg-no-body",
        Style,
        "no commit description",
        CHECKPATCH,
        "A commit message should say why, not only what."
    ),
    rule!(
        "style-msg-commit-ref",
        Style,
        "bad commit reference",
        "Linux Documentation/process/submitting-patches.rst, \"Describe your changes\"",
        "Refer to commits as `commit <12+ hex> (\"subject\")`."
    ),
    rule!(
        "style-msg-diff",
        Style,
        "diff in the commit message",
        CHECKPATCH,
        "Diff-like lines in the message confuse patch(1) and git am."
    ),
    rule!(
        "style-msg-hash-line",
        Style,
        "message line starts with #",
        CHECKPATCH,
        "git drops lines starting with # as comments when the message is edited."
    ),
    rule!(
        "style-msg-tool-subj",
        Style,
        "subject names the tool",
        CHECKPATCH,
        "The subject should describe the change, not the tool that found it."
    ),
    rule!(
        "style-msg-utf8",
        Style,
        "bad encoding",
        CHECKPATCH,
        "Patches and commit messages must be UTF-8."
    ),
    rule!(
        "style-msg-generated-files",
        Style,
        "generated files without a word on how",
        QCP,
        "Generated content (binaries, firmware, images) must be acknowledged and justified: say how it was built and from what source."
    ),
    rule!(
        "style-ws-trailing",
        Style,
        "trailing whitespace",
        CHECKPATCH,
        "Trailing whitespace and carriage returns are noise that every later diff carries."
    ),
    rule!(
        "style-ws-tabs",
        Style,
        "indentation",
        CHECKPATCH,
        "The project indents with one kind of whitespace (QEMU spaces, Linux tabs)."
    ),
    rule!(
        "style-len-code",
        Style,
        "long code line",
        CHECKPATCH,
        "Lines beyond the project's limit are hard to read side by side."
    ),
    rule!(
        "style-eof-newline",
        Style,
        "no newline at end of file",
        CHECKPATCH,
        "A file should end with a newline; otherwise the next change to its last line touches two lines."
    ),
    rule!(
        "style-exec-perm",
        Style,
        "executable source file",
        CHECKPATCH,
        "Source files should not be executable."
    ),
    rule!(
        "style-maintainers",
        Style,
        "files added or removed, MAINTAINERS unchanged",
        CHECKPATCH,
        "New, moved or deleted files may need a MAINTAINERS entry."
    ),
    // --- licence ---
    rule!(
        "license-spdx-missing",
        License,
        "new file without SPDX-License-Identifier",
        "QEMU scripts/checkpatch.pl; Linux Documentation/process/license-rules.rst",
        "Every new file states its licence with an SPDX-License-Identifier line at the top."
    ),
    rule!(
        "license-spdx-license",
        License,
        "licence not allowed or not preferred",
        "QEMU LICENSE; Linux LICENSES/",
        "The project accepts a fixed list of licences."
    ),
    rule!(
        "license-spdx-style",
        License,
        "SPDX comment style",
        "Linux Documentation/process/license-rules.rst",
        "The SPDX line uses the comment style of its file type."
    ),
    rule!(
        "license-spdx-other",
        License,
        "other SPDX tags",
        "QEMU scripts/checkpatch.pl",
        "QEMU accepts only SPDX-License-Identifier among the SPDX tags."
    ),
    rule!(
        "license-boilerplate",
        License,
        "licence boilerplate in a new file",
        "QEMU scripts/checkpatch.pl; Linux scripts/checkpatch.pl",
        "New files use an SPDX line instead of licence boilerplate (and never the FSF's postal address)."
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
