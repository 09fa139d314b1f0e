//! The policy engine on real QEMU patches (all accepted upstream or real submissions): with
//! the qemu profile no AI finding above info, and DCO errors only where a commit really lacks
//! or mismatches a sign-off (listed by hand below with the reason). The linux and generic
//! profiles run too, and a summary of what each reports most is printed.

use crate::corpus;
use patchdesk::policy::{Finding, Profile, Severity, check_queue};
use patchdesk::queue::{self, Queue};
use patchdesk::source::SourceSpec;
use std::collections::BTreeMap;
use std::path::Path;

/// Patches (by subject) whose DCO error is real, and why.
const KNOWN_DCO_ERRORS: &[(&str, &str)] = &[];

fn queues(root: &Path) -> Vec<Queue> {
    let mut out = Vec::new();
    let mbox = root.join("qemu-recent-500.mbox");
    out.push(
        queue::load(&SourceSpec::Path(mbox.clone()))
            .unwrap_or_else(|e| panic!("{}: {e}", mbox.display())),
    );
    for folder in ["qemu-series", "qemu-pending"] {
        let Ok(rd) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        let mut dirs: Vec<_> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for d in dirs {
            out.push(
                queue::load(&SourceSpec::Path(d.clone()))
                    .unwrap_or_else(|e| panic!("{}: {e}", d.display())),
            );
        }
    }
    out
}

fn run(queues: &[Queue], profile: &str) -> Vec<(String, Finding)> {
    let p = Profile::builtin(profile).expect("built-in");
    let mut out = Vec::new();
    for q in queues {
        for (patch, findings) in q.patches.iter().zip(check_queue(q, &p)) {
            for f in findings {
                out.push((patch.subject.raw.clone(), f));
            }
        }
    }
    out
}

fn summary(profile: &str, all: &[(String, Finding)]) {
    let mut by_rule: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
    for (_, f) in all {
        *by_rule.entry((f.rule.as_str(), f.severity)).or_default() += 1;
    }
    let mut v: Vec<_> = by_rule.into_iter().collect();
    v.sort_by_key(|b| std::cmp::Reverse(b.1));
    println!("== {profile}: {} findings; most reported:", all.len());
    for ((rule, sev), n) in v.iter().take(12) {
        println!("   {n:>5}  {rule} ({})", sev.as_str());
    }
}

#[test]
fn qemu_corpus_with_every_profile() {
    let Some(root) = corpus("qemu_corpus_with_every_profile") else {
        return;
    };
    let qs = queues(&root);
    let n: usize = qs.iter().map(|q| q.patches.len()).sum();
    println!("checked {n} QEMU messages");
    let qemu = run(&qs, "qemu");
    let ai: Vec<String> = qemu
        .iter()
        .filter(|(_, f)| f.rule.starts_with("ai-") && f.severity > Severity::Info)
        .map(|(s, f)| format!("{s}: {} {}", f.rule, f.message))
        .collect();
    assert!(
        ai.is_empty(),
        "AI findings above info on accepted QEMU patches:\n{}",
        ai.join("\n")
    );
    let dco: Vec<String> = qemu
        .iter()
        .filter(|(_, f)| f.rule.starts_with("dco-") && f.severity == Severity::Error)
        .filter(|(s, _)| !KNOWN_DCO_ERRORS.iter().any(|(k, _)| s.contains(k)))
        .map(|(s, f)| format!("{s}: {} {}", f.rule, f.message))
        .collect();
    assert!(dco.is_empty(), "unexpected DCO errors:\n{}", dco.join("\n"));
    for (k, why) in KNOWN_DCO_ERRORS {
        assert!(
            qemu.iter().any(|(s, f)| s.contains(k)
                && f.rule.starts_with("dco-")
                && f.severity == Severity::Error),
            "listed DCO error no longer reported: {k} ({why})"
        );
    }
    summary("qemu", &qemu);
    summary("linux", &run(&qs, "linux"));
    summary("generic", &run(&qs, "generic"));
}

/// Throughput: parse a big mbox (`PATCHDESK_BIG_MBOX`, ≥ 300 MB) into a queue, then check it
/// with every rule of the qemu profile on; prints both times and the ratio. Run with
/// `cargo test --release --test corpus check_throughput -- --ignored --nocapture`.
#[test]
#[ignore = "needs PATCHDESK_BIG_MBOX and a release build"]
fn check_throughput() {
    let Some(path) = std::env::var_os("PATCHDESK_BIG_MBOX") else {
        println!("check_throughput: skipped: PATCHDESK_BIG_MBOX not set");
        return;
    };
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let t0 = std::time::Instant::now();
    let q = queue::load(&SourceSpec::Path(path.into())).expect("big mbox loads");
    let parse = t0.elapsed();
    let mut profile = Profile::builtin("qemu").expect("qemu");
    for r in patchdesk::policy::catalogue::RULES {
        profile
            .severities
            .entry(r.id.to_string())
            .or_insert(Severity::Info);
    }
    let t1 = std::time::Instant::now();
    let findings = check_queue(&q, &profile);
    let check = t1.elapsed();
    let n: usize = findings.iter().map(Vec::len).sum();
    println!(
        "{} MB, {} patches: parse {:.2?}, check {:.2?} ({n} findings), check/parse = {:.2}",
        size / 1_000_000,
        q.patches.len(),
        parse,
        check,
        check.as_secs_f64() / parse.as_secs_f64().max(1e-9)
    );
}
