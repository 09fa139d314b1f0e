//! Trailers collected from replies on the real linux-leds threads (`leds-threads/`),
//! compared with what `b4 am` collected (`leds-threads-b4/*.log`), patch by patch.
//!
//! The queue comes from the real pipeline (`queue::load`) when the mail and patch stages can
//! read the thread; until then a small reader in this test builds it (mboxrd split,
//! mail-parser, patches told from replies by their `[PATCH` subject, each reply linked to
//! the nearest patch up its In-Reply-To/References chain).
//!
//! Cases checked (spot-checked against what the replies say):
//! - 01 (RFC v2 0/9): one reply with a trailer.
//! - 02 (v5 0/14): Reviewed-by on 2, 5, 7, 14; `Suggested-by` on 7 only as b4 has it.
//! - 03 (0/4): Conor Dooley's Acked-by on the dt-bindings patches 1–3 (replies to each).
//! - 04 (1/2, 2/2, no cover): six acks/reviews on 2/2 from different subsystems, including
//!   `# renesas`/`# thermal` comments kept in the value and a `(for Samsung parts)` note.
//! - 05, 06 (pca963x v2, v4), 07 (gpiolib v5), 08 (ginkgo v3): the trailers b4 lists.
//! - Quoted trailers (`> Acked-by:`) in these threads are never collected.
//! - Any trailer from an address other than its reply's sender is a warning, not a trailer.

use patchdesk::mail::{Address, Message};
use patchdesk::patch::{Patch, Subject};
use patchdesk::queue::{Queue, Reply, Series};
use patchdesk::source::SourceSpec;
use patchdesk::triage::replies;
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

fn split_mboxrd(bytes: &[u8]) -> Vec<Vec<u8>> {
    let text = String::from_utf8_lossy(bytes);
    let unescape = Regex::new(r"^>(>*From )").unwrap();
    let mut messages: Vec<Vec<u8>> = Vec::new();
    for line in text.split_inclusive('\n') {
        if line.starts_with("From mboxrd@z") || line.starts_with("From ") && messages.is_empty() {
            messages.push(Vec::new());
            continue;
        }
        if let Some(current) = messages.last_mut() {
            current.extend_from_slice(unescape.replace(line, "$1").as_bytes());
        }
    }
    messages
}

fn address(a: Option<&mail_parser::Address>) -> Option<Address> {
    let first = a?.first()?;
    Some(Address {
        name: first.name().unwrap_or("").to_string(),
        email: first.address()?.to_string(),
    })
}

fn ids(value: &mail_parser::HeaderValue) -> Vec<String> {
    match value {
        mail_parser::HeaderValue::Text(t) => vec![t.to_string()],
        mail_parser::HeaderValue::TextList(list) => list.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// The test's own small reader, used until the real pipeline reads the thread.
fn fallback_queue(path: &Path) -> Queue {
    let bytes = std::fs::read(path).expect("thread readable");
    let patch_subject = Regex::new(r"^\[[^\]]*PATCH[^\]]*\](?:\s*\[[^\]]*\])*\s*(.*)$").unwrap();
    let counter = Regex::new(r"(\d+)/(\d+)\]").unwrap();
    let mut patches: Vec<Patch> = Vec::new();
    let mut replies_raw: Vec<(Message, Vec<String>)> = Vec::new();
    for raw in split_mboxrd(&bytes) {
        let Some(parsed) = mail_parser::MessageParser::default().parse(&raw) else {
            continue;
        };
        let subject = parsed.subject().unwrap_or("").trim().to_string();
        let mut up: Vec<String> = ids(parsed.in_reply_to());
        let mut refs = ids(parsed.references());
        refs.reverse();
        up.extend(refs);
        let mail = Message {
            message_id: parsed.message_id().map(str::to_string),
            in_reply_to: up.first().cloned(),
            from: address(parsed.from()),
            reply_to: address(parsed.reply_to()),
            subject: subject.clone(),
            body: parsed
                .body_text(0)
                .map(|b| b.replace("\r\n", "\n"))
                .unwrap_or_default(),
            ..Message::default()
        };
        match patch_subject.captures(&subject) {
            Some(c) => {
                let index = counter
                    .captures(&subject)
                    .and_then(|n| n[1].parse::<u32>().ok());
                patches.push(Patch {
                    key: mail.message_id.clone().unwrap_or_default(),
                    subject: Subject {
                        raw: subject.clone(),
                        title: c[1].to_string(),
                        index,
                        ..Subject::default()
                    },
                    mail,
                    ..Patch::default()
                });
            }
            None => replies_raw.push((mail, up)),
        }
    }
    let patch_by_id: HashMap<String, usize> = patches
        .iter()
        .enumerate()
        .map(|(i, p)| (p.key.clone(), i))
        .collect();
    let reply_up: HashMap<String, Vec<String>> = replies_raw
        .iter()
        .filter_map(|(m, up)| Some((m.message_id.clone()?, up.clone())))
        .collect();
    let find_parent = |up: &[String]| -> Option<usize> {
        let mut frontier: Vec<String> = up.to_vec();
        for _ in 0..200 {
            if frontier.is_empty() {
                break;
            }
            let id = frontier.remove(0);
            if let Some(&i) = patch_by_id.get(&id) {
                return Some(i);
            }
            if let Some(more) = reply_up.get(&id) {
                frontier.splice(0..0, more.iter().cloned());
            }
        }
        None
    };
    let replies: Vec<Reply> = replies_raw
        .iter()
        .map(|(m, up)| Reply {
            mail: m.clone(),
            parent: find_parent(up),
            trailers: Vec::new(),
        })
        .collect();
    let mut order: Vec<usize> = (0..patches.len())
        .filter(|&i| patches[i].subject.index != Some(0))
        .collect();
    order.sort_by_key(|&i| patches[i].subject.index);
    let cover = (0..patches.len()).find(|&i| patches[i].subject.index == Some(0));
    Queue {
        source: path.display().to_string(),
        series: vec![Series {
            id: 1,
            cover,
            patches: order,
            ..Series::default()
        }],
        patches,
        replies,
        ..Queue::default()
    }
}

fn load_queue(path: &Path) -> Queue {
    let spec = SourceSpec::Path(path.to_path_buf());
    let real = std::panic::catch_unwind(|| patchdesk::queue::load(&spec));
    match real {
        Ok(Ok(q)) if !q.patches.is_empty() => q,
        _ => fallback_queue(path),
    }
}

/// b4's log: patch title → the trailers it added.
fn b4_trailers(log: &str) -> BTreeMap<String, BTreeSet<String>> {
    let title = Regex::new(r"^\s+\S*\s*\[[^\]]*PATCH[^\]]*\]\s*(.*)$").unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in log.lines() {
        if let Some(c) = title.captures(line) {
            let t = c[1].trim().to_string();
            out.entry(t.clone()).or_default();
            current = Some(t);
        } else if let Some(rest) = line.trim_start().strip_prefix("+ ") {
            if let Some(t) = &current {
                out.entry(t.clone())
                    .or_default()
                    .insert(rest.trim().to_string());
            }
        } else if line.starts_with("---") && current.is_some() {
            current = None;
        }
    }
    out
}

/// `Key: Name <addr>`, without what follows the address (b4's log leaves out comments).
fn normalise(line: &str) -> String {
    match line.find('>') {
        Some(end) => line[..=end].to_string(),
        None => line.trim().to_string(),
    }
}

/// Ours: patch title → the trailers collected, plus the warnings whose name is the
/// sender's (b4 accepts a person acking from another of their addresses; we show those as
/// warnings the maintainer accepts, as the issue asks).
fn our_trailers(queue: &Queue) -> BTreeMap<String, BTreeSet<String>> {
    let collected = replies::collect(queue);
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in &queue.series {
        for &p in &s.patches {
            out.entry(queue.patches[p].subject.title.trim().to_string())
                .or_default();
        }
    }
    let same_name_warnings = collected.warnings.iter().filter(|w| w.same_name);
    for t in collected.trailers.iter().chain(same_name_warnings) {
        out.entry(queue.patches[t.patch].subject.title.trim().to_string())
            .or_default()
            .insert(normalise(&t.line()));
    }
    out
}

#[test]
fn reply_trailers_match_b4_on_the_leds_threads() {
    let Some(corpus) = super::corpus("reply_trailers_match_b4_on_the_leds_threads") else {
        return;
    };
    let threads = corpus.join("leds-threads");
    let b4 = corpus.join("leds-threads-b4");
    let mut report = Vec::new();
    let mut total = 0;
    for entry in super::index(&threads) {
        let file = entry["file"].as_str().expect("file");
        let queue = load_queue(&threads.join(file));
        let log = std::fs::read_to_string(b4.join(file.replace(".mbox", ".log"))).expect("b4 log");
        let theirs = b4_trailers(&log);
        let ours = our_trailers(&queue);
        let collected = replies::collect(&queue);
        if std::env::var_os("PATCHDESK_DEBUG_REPLIES").is_some() {
            for (i, p) in queue.patches.iter().enumerate() {
                println!("{file}: patch {i} {:?} {}", p.subject.index, p.subject.raw);
            }
            for r in &queue.replies {
                println!(
                    "{file}: reply <{}> from {:?} parent {:?} lines {:?} body {:?}",
                    r.mail.message_id.as_deref().unwrap_or(""),
                    r.mail.from.as_ref().map(|a| a.email.clone()),
                    r.parent,
                    replies::scan_body(&r.mail.body).len(),
                    r.mail.body.chars().take(80).collect::<String>()
                );
            }
        }
        for w in &collected.warnings {
            println!(
                "{file}: warning: {} from {} in <{}>",
                w.line(),
                w.sender,
                w.message_id
            );
        }
        for n in &collected.nacks {
            println!("{file}: NACK: {} from {}", n.line, n.sender);
        }
        for (title, expected) in &theirs {
            let got = ours.get(title).cloned().unwrap_or_default();
            total += got.len();
            if &got != expected {
                report.push(format!(
                    "{file}: {title}\n   b4:   {expected:?}\n   ours: {got:?}"
                ));
            }
        }
    }
    println!("{}", report.join("\n"));
    assert!(total > 0, "nothing collected at all");
    assert!(
        report.is_empty(),
        "differences from b4:\n{}",
        report.join("\n")
    );
}

#[test]
fn listed_reply_trailer_cases_on_the_leds_threads() {
    let Some(corpus) = super::corpus("listed_reply_trailer_cases_on_the_leds_threads") else {
        return;
    };
    let threads = corpus.join("leds-threads");
    let load = |prefix: &str| {
        let entry = super::index(&threads)
            .into_iter()
            .find(|e| e["file"].as_str().is_some_and(|f| f.starts_with(prefix)))
            .expect("thread listed");
        load_queue(&threads.join(entry["file"].as_str().expect("file")))
    };

    // 07: Dmitry Torokhov acked the cover letter: every patch, from that one message,
    // comment kept; his ack quoted later in the thread (`> Acked-by: …`) is not counted.
    let q = load("07-");
    let c = replies::collect(&q);
    let dmitry: Vec<_> = c
        .trailers
        .iter()
        .filter(|t| t.value.contains("dmitry.torokhov@gmail.com"))
        .collect();
    assert_eq!(dmitry.len(), 6, "one per patch");
    assert!(dmitry.iter().all(|t| t.via_cover
        && t.message_id == "akxjQtCTcx2TOQMk@google.com"
        && t.value.ends_with("# for input")));
    // Bartosz Golaszewski acked from brgl@kernel.org naming his work address: a warning.
    let bartosz: Vec<_> = c
        .warnings
        .iter()
        .filter(|t| t.value.contains("bartosz.golaszewski@oss.qualcomm.com"))
        .collect();
    assert_eq!(bartosz.len(), 6);
    assert!(bartosz.iter().all(|t| t.same_name && !t.sender_matches));

    // 04: no cover; Mark Brown's ack matches his sender address and lands on 2/2 only.
    let q = load("04-");
    let c = replies::collect(&q);
    let mark: Vec<_> = c
        .trailers
        .iter()
        .filter(|t| t.value.contains("broonie@kernel.org"))
        .collect();
    assert_eq!(mark.len(), 1);
    assert_eq!(q.patches[mark[0].patch].subject.index, Some(2));
    assert!(!mark[0].via_cover);
    // Peter Griffin's note after the address is kept as written.
    assert!(
        c.trailers.iter().any(|t| t.line()
            == "Reviewed-by: Peter Griffin <peter.griffin@linaro.org> (for Samsung parts)")
    );

    // 03: Conor Dooley acked 1/4, 2/4 and 3/4 in three replies from conor@kernel.org
    // naming his microchip address: three warnings, none on 4/4.
    let q = load("03-");
    let c = replies::collect(&q);
    let mut conor: Vec<u32> = c
        .warnings
        .iter()
        .filter(|t| t.value.contains("conor.dooley@microchip.com"))
        .filter_map(|t| q.patches[t.patch].subject.index)
        .collect();
    conor.sort_unstable();
    assert_eq!(conor, vec![1, 2, 3]);

    // No thread in this set carries a NACK.
    for prefix in ["01-", "02-", "05-", "06-", "08-"] {
        assert!(replies::collect(&load(prefix)).nacks.is_empty(), "{prefix}");
    }
}
