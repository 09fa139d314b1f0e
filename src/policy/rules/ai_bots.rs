//! The GitHub accounts through which AI coding agents and AI review apps commit (POLICY.md §5,
//! kind A), kept as data with the source of each entry, and the bots that are *not* AI tools.
//!
//! An identity is matched by its GitHub login: the address `NNN+login@users.noreply.github.com`
//! (or `login@users.noreply.github.com`), or a display name that is exactly the login (GitHub
//! writes `claude[bot]` as the name of the app's commits). Never a substring of an address:
//! `jane.claude[bot]-fan@example.org` or `cursor@example.org` are nobody's bot.

use crate::mail::Address;
use regex::Regex;
use std::sync::LazyLock;

/// What an AI app does with a repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BotKind {
    /// Writes code and commits it (coding agent).
    Agent,
    /// Reviews pull requests and can commit its suggested changes (AI review app).
    Review,
}

/// One AI tool's GitHub account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AiBot {
    /// The login, lower-case, with `[bot]` for GitHub apps.
    pub login: &'static str,
    /// The tool, as a maintainer knows it.
    pub tool: &'static str,
    pub kind: BotKind,
    /// Where the login and the fact that it is an AI tool come from.
    pub source: &'static str,
}

const fn agent(login: &'static str, tool: &'static str, source: &'static str) -> AiBot {
    AiBot {
        login,
        tool,
        kind: BotKind::Agent,
        source,
    }
}

const fn review(login: &'static str, tool: &'static str, source: &'static str) -> AiBot {
    AiBot {
        login,
        tool,
        kind: BotKind::Review,
        source,
    }
}

/// The AI apps. Sources: the app's page `https://github.com/apps/<name>` (the app's own
/// description names the AI product), CHAOSS's AI-commit detection list (POLICY.md §5), GitHub
/// Desktop's list of known bots (`desktop/desktop`, `app/src/lib/known-bots.ts`).
pub const AI_BOTS: &[AiBot] = &[
    agent(
        "copilot-swe-agent[bot]",
        "GitHub Copilot coding agent",
        "github.com/apps/copilot-swe-agent; GitHub Desktop known-bots; CHAOSS",
    ),
    review(
        "copilot-pull-request-reviewer[bot]",
        "GitHub Copilot code review",
        "github.com/apps/copilot-pull-request-reviewer; GitHub Desktop known-bots",
    ),
    agent(
        "github-copilot-cli[bot]",
        "GitHub Copilot CLI",
        "github.com/apps/github-copilot-cli; GitHub Desktop known-bots",
    ),
    agent(
        "devin-ai-integration[bot]",
        "Devin (Cognition)",
        "github.com/apps/devin-ai-integration; CHAOSS; docs.devin.ai/integrations/gh",
    ),
    agent(
        "claude[bot]",
        "Claude GitHub app (Anthropic)",
        "github.com/apps/claude; CHAOSS",
    ),
    agent("anthropic-claude[bot]", "Claude (Anthropic)", "CHAOSS"),
    agent(
        "claude-code-action[bot]",
        "Claude Code GitHub Action",
        "CHAOSS; anthropics/claude-code-action",
    ),
    agent(
        "cursor[bot]",
        "Cursor background agent / Bugbot",
        "github.com/apps/cursor; CHAOSS",
    ),
    review(
        "gemini-code-assist[bot]",
        "Gemini Code Assist (Google)",
        "github.com/apps/gemini-code-assist; CHAOSS",
    ),
    agent(
        "google-labs-jules[bot]",
        "Jules (Google Labs)",
        "github.com/apps/google-labs-jules; CHAOSS",
    ),
    agent(
        "chatgpt-codex-connector[bot]",
        "OpenAI Codex",
        "github.com/apps/chatgpt-codex-connector; CHAOSS",
    ),
    agent("openai-codex[bot]", "OpenAI Codex", "CHAOSS"),
    agent(
        "amazon-q-developer[bot]",
        "Amazon Q Developer",
        "github.com/apps/amazon-q-developer",
    ),
    review(
        "coderabbitai[bot]",
        "CodeRabbit AI review (commits docstrings, tests, fixes)",
        "github.com/apps/coderabbitai",
    ),
    review(
        "sourcery-ai[bot]",
        "Sourcery AI review",
        "github.com/apps/sourcery-ai",
    ),
    review(
        "qodo-merge-pro[bot]",
        "Qodo Merge (PR-Agent)",
        "github.com/apps/qodo-merge-pro",
    ),
    review(
        "codiumai-pr-agent-pro[bot]",
        "CodiumAI PR-Agent (now Qodo)",
        "github.com/apps/codiumai-pr-agent-pro",
    ),
    review(
        "ellipsis-dev[bot]",
        "Ellipsis AI review",
        "github.com/apps/ellipsis-dev",
    ),
    review(
        "greptile-apps[bot]",
        "Greptile AI review",
        "github.com/apps/greptile-apps",
    ),
    agent("sweep-ai[bot]", "Sweep AI", "github.com/apps/sweep-ai"),
    agent(
        "codegen-sh[bot]",
        "Codegen agent",
        "github.com/apps/codegen-sh",
    ),
    agent(
        "openhands-agent",
        "OpenHands (All Hands AI) agent account",
        "github.com/openhands-agent; All-Hands-AI/OpenHands resolver",
    ),
    agent("cline[bot]", "Cline", "CHAOSS"),
    agent("continue[bot]", "Continue", "CHAOSS"),
    agent("sourcegraph-cody[bot]", "Sourcegraph Cody", "CHAOSS"),
    agent("jetbrains-ai[bot]", "JetBrains AI", "CHAOSS"),
];

/// Bots that commit but are not AI tools: never an AI mark (POLICY.md §5 "Not AI").
pub const NOT_AI_BOTS: &[&str] = &[
    "dependabot[bot]",
    "renovate[bot]",
    "github-actions[bot]",
    "pre-commit-ci[bot]",
    "mergify[bot]",
    "imgbot[bot]",
];

static NOREPLY: LazyLock<Regex> = LazyLock::new(|| {
    super::util::re(
        r"(?i)^(?:\d+\+)?(?P<login>[A-Za-z0-9][A-Za-z0-9_.-]*(?:\[bot\])?)@users\.noreply\.github\.com$",
    )
});

/// The GitHub login an identity stands for: from a noreply address, else a display name that
/// is itself a bot login (`name[bot]`), lower-case.
pub fn login(who: &Address) -> Option<String> {
    if let Some(c) = NOREPLY.captures(who.email.trim()) {
        return Some(c["login"].to_ascii_lowercase());
    }
    let name = who.name.trim().trim_matches('"');
    (name.ends_with("[bot]") && !name.contains(char::is_whitespace))
        .then(|| name.to_ascii_lowercase())
}

/// The AI app an identity belongs to, matched by login.
pub fn ai_bot(who: &Address) -> Option<&'static AiBot> {
    let login = login(who)?;
    AI_BOTS.iter().find(|b| b.login == login)
}

/// True for a known bot that is not an AI tool.
pub fn non_ai_bot(who: &Address) -> bool {
    login(who).is_some_and(|l| NOT_AI_BOTS.contains(&l.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(name: &str, email: &str) -> Address {
        Address {
            name: name.into(),
            email: email.into(),
        }
    }

    #[test]
    fn logins_in_noreply_addresses_and_bot_names() {
        for b in AI_BOTS {
            let who = a(
                "Someone",
                &format!("12345+{}@users.noreply.github.com", b.login),
            );
            assert_eq!(ai_bot(&who).map(|x| x.login), Some(b.login), "{}", b.login);
            let plain = a("x", &format!("{}@users.noreply.github.com", b.login));
            assert!(ai_bot(&plain).is_some(), "{}", b.login);
            assert!(!b.source.is_empty());
        }
        assert_eq!(
            ai_bot(&a("claude[bot]", "claude@example.org")).map(|b| b.tool),
            Some("Claude GitHub app (Anthropic)")
        );
        assert!(
            ai_bot(&a("x", "1+CodeRabbitAI[bot]@users.noreply.github.com")).is_some(),
            "case of the login"
        );
    }

    #[test]
    fn no_substring_matches() {
        for (n, e) in [
            ("Jane", "jane.claude[bot]@example.org"),
            ("Jane", "1+claude[bot]-fan@users.noreply.github.com"),
            ("Jane", "1+notclaude[bot]@users.noreply.github.com"),
            ("Jane", "claude[bot]@users.noreply.github.com.evil.org"),
            ("cursor", "cursor@example.org"),
            ("Claude Bot", "claude@example.org"),
            ("my claude[bot] fan", "fan@example.org"),
        ] {
            assert!(ai_bot(&a(n, e)).is_none(), "{n} <{e}>");
        }
    }

    #[test]
    fn non_ai_bots_stay_apart() {
        for l in NOT_AI_BOTS {
            let who = a(l, &format!("49699333+{l}@users.noreply.github.com"));
            assert!(ai_bot(&who).is_none() && non_ai_bot(&who), "{l}");
            assert!(!AI_BOTS.iter().any(|b| b.login == *l));
        }
    }
}
