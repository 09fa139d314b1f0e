//! The compliance gate: an Acked-by or Reviewed-by says the patch meets the project's rules,
//! so adding one to a patch with unresolved error-level findings needs a waiver per rule,
//! with a reason. Waivers are recorded (who, when, patch, rule, reason) as an audit trail and
//! never written into a commit message. A waiver for a rule that did not fire at error level
//! on that patch is refused.

use crate::policy::{Finding, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A recorded waiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    /// The maintainer who waived (`Name <email>`).
    pub who: String,
    /// RFC 3339 time.
    pub when: String,
    /// The patch key.
    pub patch: String,
    /// The rule id (`dco-missing`).
    pub rule: String,
    pub reason: String,
    /// Set when carried over from an earlier version of the patch (its key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_over_from: Option<String>,
}

/// A waiver asked for (`--waive RULE=REASON`, or the TUI's prompt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverRequest {
    pub rule: String,
    pub reason: String,
}

impl WaiverRequest {
    /// Parses `RULE=REASON`; both parts must be non-empty.
    pub fn parse(text: &str) -> Result<WaiverRequest, String> {
        match text.split_once('=') {
            Some((rule, reason)) if !rule.trim().is_empty() && !reason.trim().is_empty() => {
                Ok(WaiverRequest {
                    rule: rule.trim().to_string(),
                    reason: reason.trim().to_string(),
                })
            }
            _ => Err(format!(
                "bad waiver '{text}': write RULE=REASON, e.g. --waive 'dco-missing=sent by the author off-list'"
            )),
        }
    }
}

/// Whether a trailer kind asserts compliance (and so passes through the gate).
pub fn needs_gate(key: &str) -> bool {
    key.eq_ignore_ascii_case("Acked-by") || key.eq_ignore_ascii_case("Reviewed-by")
}

/// A rule that fired at error level and is not waived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unwaived {
    pub rule: String,
    /// The messages of its findings on this patch.
    pub messages: Vec<String>,
}

/// The gate's verdict for one patch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GateCheck {
    pub patch: String,
    /// How the patch is shown to the user (`1.2`); the key when empty.
    pub label: String,
    /// Error-level rules still needing a waiver, by rule id.
    pub unwaived: Vec<Unwaived>,
    /// Requested waivers that will be recorded when the trailer is added.
    pub new_waivers: Vec<WaiverRequest>,
    /// Requested waivers naming a rule that did not fire at error level here.
    pub bad_waivers: Vec<String>,
    /// Warnings the maintainer should see before asserting (AI-related findings below
    /// error level, POLICY.md's DCO-MAINT-ASSERT); they do not block.
    pub advisories: Vec<String>,
}

impl GateCheck {
    /// True when the trailer may be added.
    pub fn passes(&self) -> bool {
        self.unwaived.is_empty() && self.bad_waivers.is_empty()
    }

    /// One paragraph a person can act on, naming each rule to waive or each bad waiver.
    pub fn explain(&self) -> String {
        let name = if self.label.is_empty() {
            &self.patch
        } else {
            &self.label
        };
        let mut out = Vec::new();
        for bad in &self.bad_waivers {
            out.push(format!(
                "{name}: waiver for '{bad}', but that rule did not fire at error level on this patch"
            ));
        }
        for need in &self.unwaived {
            out.push(format!(
                "{name}: error '{}' is not resolved ({}); waive it with --waive '{}=REASON'",
                need.rule,
                need.messages.join("; "),
                need.rule
            ));
        }
        out.join("\n")
    }
}

/// Runs the gate for one patch: `findings` are the patch's findings under the active
/// profile, `recorded` the waivers already kept for it, `requested` the waivers offered
/// with this action. Requested waivers are checked even when the gate does not apply
/// (a waiver for a rule that did not fire is always an error).
pub fn check(
    patch: &str,
    findings: &[Finding],
    recorded: &[Waiver],
    requested: &[WaiverRequest],
    gated: bool,
) -> GateCheck {
    let mut errors: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.severity == Severity::Error) {
        errors.entry(&f.rule).or_default().push(f.message.clone());
    }
    let mut check = GateCheck {
        patch: patch.to_string(),
        ..GateCheck::default()
    };
    for request in requested {
        if !errors.contains_key(request.rule.as_str()) {
            check.bad_waivers.push(request.rule.clone());
        } else if !check.new_waivers.iter().any(|w| w.rule == request.rule)
            && !recorded
                .iter()
                .any(|w| w.patch == patch && w.rule == request.rule)
        {
            check.new_waivers.push(request.clone());
        }
    }
    if gated {
        for f in findings
            .iter()
            .filter(|f| f.severity == Severity::Warning && f.rule.starts_with("ai-"))
        {
            let line = format!("{}: {}", f.rule, f.message);
            if !check.advisories.contains(&line) {
                check.advisories.push(line);
            }
        }
        for (rule, messages) in errors {
            let waived = recorded.iter().any(|w| w.patch == patch && w.rule == rule)
                || check.new_waivers.iter().any(|w| w.rule == rule);
            if !waived {
                check.unwaived.push(Unwaived {
                    rule: rule.to_string(),
                    messages,
                });
            }
        }
    }
    check
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Location, Part};

    pub(crate) fn finding(rule: &str, severity: Severity) -> Finding {
        Finding {
            rule: rule.into(),
            severity,
            location: Location {
                part: Part::Trailer,
                line: 1,
                start: 0,
                end: 0,
                file: None,
            },
            message: format!("{rule} fired"),
            source: "test".into(),
        }
    }

    fn waive(rule: &str) -> WaiverRequest {
        WaiverRequest {
            rule: rule.into(),
            reason: "ok".into(),
        }
    }

    #[test]
    fn error_findings_need_a_waiver_per_rule() {
        let findings = vec![
            finding("dco-missing", Severity::Error),
            finding("ws-trailing", Severity::Error),
            finding("ws-trailing", Severity::Error),
            finding("msg-long", Severity::Warning),
        ];
        let gate = check("p", &findings, &[], &[waive("dco-missing")], true);
        assert!(!gate.passes());
        assert_eq!(gate.unwaived.len(), 1);
        assert_eq!(gate.unwaived[0].rule, "ws-trailing");
        assert_eq!(gate.unwaived[0].messages.len(), 2);
        assert!(gate.explain().contains("--waive 'ws-trailing=REASON'"));

        let gate = check(
            "p",
            &findings,
            &[],
            &[waive("dco-missing"), waive("ws-trailing")],
            true,
        );
        assert!(gate.passes());
        assert_eq!(gate.new_waivers.len(), 2);
    }

    #[test]
    fn recorded_waivers_count() {
        let findings = vec![finding("dco-missing", Severity::Error)];
        let recorded = vec![Waiver {
            who: "M <m@e>".into(),
            when: "t".into(),
            patch: "p".into(),
            rule: "dco-missing".into(),
            reason: "r".into(),
            carried_over_from: None,
        }];
        assert!(check("p", &findings, &recorded, &[], true).passes());
        assert!(!check("other", &findings, &recorded, &[], true).passes());
    }

    #[test]
    fn waiver_for_a_rule_that_did_not_fire_is_refused() {
        let findings = vec![finding("msg-long", Severity::Warning)];
        let gate = check("p", &findings, &[], &[waive("msg-long")], false);
        assert_eq!(gate.bad_waivers, vec!["msg-long".to_string()]);
        assert!(!gate.passes());
        assert!(gate.explain().contains("did not fire"));
    }

    #[test]
    fn ai_warnings_are_advisories_that_do_not_block() {
        let findings = vec![
            finding("ai-prose", Severity::Warning),
            finding("msg-long", Severity::Warning),
        ];
        let gate = check("p", &findings, &[], &[], true);
        assert!(gate.passes());
        assert_eq!(
            gate.advisories,
            vec!["ai-prose: ai-prose fired".to_string()]
        );
        assert!(check("p", &findings, &[], &[], false).advisories.is_empty());
    }

    #[test]
    fn tested_by_is_not_gated() {
        let findings = vec![finding("dco-missing", Severity::Error)];
        assert!(check("p", &findings, &[], &[], needs_gate("Tested-by")).passes());
        assert!(!check("p", &findings, &[], &[], needs_gate("Acked-by")).passes());
    }

    #[test]
    fn waiver_syntax() {
        assert_eq!(
            WaiverRequest::parse("dco-missing = off-list SoB").unwrap(),
            WaiverRequest {
                rule: "dco-missing".into(),
                reason: "off-list SoB".into()
            }
        );
        assert!(WaiverRequest::parse("dco-missing").is_err());
        assert!(WaiverRequest::parse("dco-missing=").is_err());
    }
}
