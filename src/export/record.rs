//! `export record`: the triage record of a queue — per series its status and the status of
//! each patch, the trailers the maintainer added, the waivers with their reasons, a summary
//! of the findings, notes, and who recorded it when — as JSON for tools, or as an mbox of one
//! summary message per series, threaded to its cover letter, for the list archive.

use super::mbox::{Mbox, Outgoing};
use super::plan::{FindingsSummary, PatchReview, ReviewPlan, ReviewStatus, WaiverRecord};
use super::series::collected_with;
use crate::queue::{Queue, Series};
use crate::triage::replies::{Collected, collect};
use crate::{Error, Result};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// The version of the JSON record's shape.
pub const RECORD_VERSION: u32 = 1;

/// The record of a queue.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub record_version: u32,
    pub source: String,
    /// Who recorded it (`Name <email>`).
    pub maintainer: String,
    /// When the record was written (RFC 3339).
    pub generated: String,
    pub series: Vec<SeriesRecord>,
}

/// The record of one series.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesRecord {
    pub id: usize,
    pub title: String,
    pub version: u32,
    /// Message-Id of the cover letter.
    pub cover: Option<String>,
    pub status: String,
    /// The status was set on the series itself (not derived from its patches).
    pub status_set: bool,
    pub missing: Vec<u32>,
    pub notes: Vec<String>,
    pub patches: Vec<PatchRecord>,
}

/// The record of one patch (or cover letter).
#[derive(Debug, Clone, Serialize)]
pub struct PatchRecord {
    /// `n` of `n/N` (0 for the cover letter).
    pub n: Option<u32>,
    pub key: String,
    pub message_id: Option<String>,
    pub title: String,
    pub author: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deferred_until: Option<String>,
    /// Trailers the maintainer added (`Key: value`).
    pub trailers_added: Vec<String>,
    /// Trailers from replies that go into the commit (`Key: value`).
    pub trailers_collected: Vec<String>,
    pub waivers: Vec<WaiverRecord>,
    pub findings: Option<FindingsSummary>,
    pub notes: usize,
    pub line_notes: usize,
    /// When the review last changed (RFC 3339).
    pub updated: Option<String>,
}

pub use crate::triage::status::series_status;

fn patch_record(
    collected: &Collected,
    queue: &Queue,
    plan: &ReviewPlan,
    index: usize,
) -> PatchRecord {
    let patch = &queue.patches[index];
    let empty = PatchReview::default();
    let review = plan.patch(&patch.key).unwrap_or(&empty);
    PatchRecord {
        n: patch.subject.index,
        key: patch.key.clone(),
        message_id: patch.mail.message_id.clone(),
        title: patch.subject.title.clone(),
        author: patch.author.display(),
        status: review.status.name().to_string(),
        deferred_until: match &review.status {
            ReviewStatus::Deferred { until } => until.clone(),
            _ => None,
        },
        trailers_added: review
            .trailers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect(),
        trailers_collected: if patch.has_diff() {
            collected_with(collected, queue, plan, index)
                .into_iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect()
        } else {
            Vec::new()
        },
        waivers: review.waivers.clone(),
        findings: review.findings.clone(),
        notes: review.notes.len(),
        line_notes: review.line_notes.len(),
        updated: review.updated.clone(),
    }
}

fn series_record(
    collected: &Collected,
    queue: &Queue,
    plan: &ReviewPlan,
    series: &Series,
) -> SeriesRecord {
    let review = super::series_key(queue, series).and_then(|k| plan.series.get(&k));
    let patches: Vec<PatchRecord> = series
        .cover
        .into_iter()
        .chain(series.patches.iter().copied())
        .map(|i| patch_record(collected, queue, plan, i))
        .collect();
    let statuses: Vec<ReviewStatus> = series
        .patches
        .iter()
        .map(|&i| {
            plan.patch(&queue.patches[i].key)
                .map(|r| r.status.clone())
                .unwrap_or_default()
        })
        .collect();
    let explicit = review.and_then(|r| r.status.as_ref());
    SeriesRecord {
        id: series.id,
        title: series.title.clone(),
        version: series.version,
        cover: series
            .cover
            .and_then(|i| queue.patches[i].mail.message_id.clone()),
        status: series_status(explicit, &statuses).name().to_string(),
        status_set: explicit.is_some(),
        missing: series.missing.clone(),
        notes: review.map(|r| r.notes.clone()).unwrap_or_default(),
        patches,
    }
}

/// The record of every series of the queue.
pub fn build(queue: &Queue, plan: &ReviewPlan, now: DateTime<FixedOffset>) -> Record {
    let collected = collect(queue);
    Record {
        record_version: RECORD_VERSION,
        source: queue.source.clone(),
        maintainer: plan.maintainer.display(),
        generated: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        series: queue
            .series
            .iter()
            .map(|s| series_record(&collected, queue, plan, s))
            .collect(),
    }
}

/// The record as pretty JSON, ending in a newline.
pub fn to_json(record: &Record) -> Result<String> {
    let mut text = serde_json::to_string_pretty(record).map_err(|e| Error::BadInput {
        source_name: record.source.clone(),
        what: format!("record cannot be written as JSON: {e}"),
    })?;
    text.push('\n');
    Ok(text)
}

/// The summary a person reads, for one series.
pub fn summary_text(record: &Record, series: &SeriesRecord) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Series {}: {} (v{})",
        series.id, series.title, series.version
    );
    let _ = writeln!(
        out,
        "Status: {}{}",
        series.status,
        if series.status_set { " (set)" } else { "" }
    );
    let _ = writeln!(
        out,
        "Recorded by {} at {}",
        record.maintainer, record.generated
    );
    if !series.missing.is_empty() {
        let missing: Vec<String> = series.missing.iter().map(u32::to_string).collect();
        let _ = writeln!(out, "Missing: {}", missing.join(", "));
    }
    out.push('\n');
    for p in &series.patches {
        let n = p.n.map_or_else(|| "-".to_string(), |n| n.to_string());
        let status = match &p.deferred_until {
            Some(until) => format!("{} until {until}", p.status),
            None => p.status.clone(),
        };
        let _ = writeln!(out, "{n:>3}  {status:<18} {}", p.title);
        for t in &p.trailers_added {
            let _ = writeln!(out, "       added: {t}");
        }
        for t in &p.trailers_collected {
            let _ = writeln!(out, "       collected: {t}");
        }
        if let Some(f) = p
            .findings
            .as_ref()
            .filter(|f| f.errors + f.warnings + f.infos > 0)
        {
            let _ = writeln!(
                out,
                "       findings: {} error(s), {} warning(s), {} info{}",
                f.errors,
                f.warnings,
                f.infos,
                if f.rules.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", f.rules.join(", "))
                }
            );
        }
        for w in &p.waivers {
            let _ = writeln!(
                out,
                "       waived {}: {} ({}, {})",
                w.rule, w.reason, w.who, w.when
            );
        }
        if p.notes + p.line_notes > 0 {
            let _ = writeln!(out, "       notes: {}", p.notes + p.line_notes);
        }
        if let Some(updated) = &p.updated {
            let _ = writeln!(out, "       updated: {updated}");
        }
    }
    for note in &series.notes {
        out.push('\n');
        out.push_str(note.trim_end());
        out.push('\n');
    }
    out
}

/// The record as mail: one summary per series, from and to the maintainer, threaded to the
/// series' cover letter (else its first patch).
pub fn to_mails(
    queue: &Queue,
    record: &Record,
    plan: &ReviewPlan,
    now: DateTime<FixedOffset>,
) -> Vec<Outgoing> {
    let mut mails = Vec::new();
    for (series, s) in queue.series.iter().zip(&record.series) {
        let anchor = series.head().and_then(|i| queue.patches.get(i));
        let parent = anchor.and_then(|p| p.mail.message_id.clone());
        let mut references = anchor
            .map(|p| p.mail.references.clone())
            .unwrap_or_default();
        if let Some(id) = &parent
            && !references.contains(id)
        {
            references.push(id.clone());
        }
        let seed = format!(
            "{}\0{}\0{}",
            record.generated,
            s.id,
            parent.clone().unwrap_or_default()
        );
        let hash = crate::hash::sha1_hex(seed.as_bytes());
        let domain = plan
            .maintainer
            .email
            .rsplit_once('@')
            .map_or("patchdesk.invalid", |(_, d)| d);
        mails.push(Outgoing {
            from: plan.maintainer.clone(),
            to: vec![plan.maintainer.clone()],
            cc: Vec::new(),
            subject: format!("[triage] {} (v{}): {}", s.title, s.version, s.status),
            date: Some(now),
            message_id: format!("patchdesk-record-{}@{domain}", &hash[..20]),
            in_reply_to: parent,
            references,
            extra_headers: vec![("X-Patchdesk-Record".into(), RECORD_VERSION.to_string())],
            body: summary_text(record, s),
        });
    }
    mails
}

/// The output format of `export record`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RecordFormat {
    #[default]
    Mbox,
    Json,
}

/// Writes the record; returns the number of series in it.
pub fn export(
    queue: &Queue,
    plan: &ReviewPlan,
    format: RecordFormat,
    now: DateTime<FixedOffset>,
    out: &Path,
    force: bool,
) -> Result<usize> {
    super::mbox::check_output(out, force)?;
    let record = build(queue, plan, now);
    if record.series.is_empty() {
        return Err(Error::Usage(format!(
            "{}: the queue holds no series",
            queue.source
        )));
    }
    let bytes = match format {
        RecordFormat::Json => to_json(&record)?.into_bytes(),
        RecordFormat::Mbox => {
            let mut mbox = Mbox::new();
            for mail in to_mails(queue, &record, plan, now) {
                mbox.push_outgoing(&mail)?;
            }
            mbox.as_bytes().to_vec()
        }
    };
    super::mbox::write_atomic(out, &bytes, force)?;
    Ok(record.series.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::Address;
    use crate::patch::{FileDiff, Patch};

    fn queue() -> Queue {
        let mut cover = Patch {
            key: "c".into(),
            ..Patch::default()
        };
        cover.subject.index = Some(0);
        cover.subject.title = "uart FIFO".into();
        cover.mail.message_id = Some("c@x".into());
        let mut patches = vec![cover];
        for n in 1..=2 {
            let mut p = Patch {
                key: format!("p{n}"),
                diff: vec![FileDiff::default()].into(),
                ..Patch::default()
            };
            p.subject.index = Some(n);
            p.subject.title = format!("step {n}");
            p.mail.message_id = Some(format!("p{n}@x"));
            p.mail.references = vec!["c@x".into()];
            patches.push(p);
        }
        Queue {
            source: "q".into(),
            patches,
            series: vec![Series {
                id: 1,
                title: "uart FIFO".into(),
                version: 2,
                total: Some(2),
                cover: Some(0),
                patches: vec![1, 2],
                ..Series::default()
            }],
            ..Queue::default()
        }
    }

    fn plan() -> ReviewPlan {
        let mut plan = ReviewPlan::new(Address {
            name: "Max Maint".into(),
            email: "max@example.org".into(),
        });
        let p1 = plan.patch_mut("p1");
        p1.status = ReviewStatus::Accepted;
        p1.trailers
            .push(("Acked-by".into(), "Max Maint <max@example.org>".into()));
        p1.waivers.push(WaiverRecord {
            rule: "dco-missing".into(),
            reason: "signed off on the list".into(),
            who: "Max Maint <max@example.org>".into(),
            when: "2026-11-24T18:00:00+00:00".into(),
        });
        p1.findings = Some(FindingsSummary {
            errors: 1,
            rules: vec!["dco-missing".into()],
            ..FindingsSummary::default()
        });
        plan.patch_mut("p2").status = ReviewStatus::Deferred {
            until: Some("2026-12-01".into()),
        };
        plan
    }

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-24T20:00:00+00:00").unwrap()
    }

    #[test]
    fn record_of_a_series_deferred_to_different_dates_says_deferred() {
        // The desk's rule (triage::status::series_status) decides the record's status too:
        // the export once had its own copy that said under-review here.
        let mut plan = plan();
        plan.patch_mut("p1").status = ReviewStatus::Deferred {
            until: Some("2026-12-01".into()),
        };
        plan.patch_mut("p2").status = ReviewStatus::Deferred {
            until: Some("2027-01-15".into()),
        };
        let record = build(&queue(), &plan, now());
        assert_eq!(record.series[0].status, "deferred");
        assert!(!record.series[0].status_set);
        let q = queue();
        let mails = to_mails(&q, &record, &plan, now());
        assert_eq!(mails[0].subject, "[triage] uart FIFO (v2): deferred");
    }

    #[test]
    fn json_record_has_statuses_waivers_findings_who_and_when() {
        let record = build(&queue(), &plan(), now());
        let json: serde_json::Value = serde_json::from_str(&to_json(&record).unwrap()).unwrap();
        assert_eq!(json["record_version"], 1);
        assert_eq!(json["maintainer"], "Max Maint <max@example.org>");
        assert_eq!(json["generated"], "2026-11-24T20:00:00+00:00");
        let s = &json["series"][0];
        assert_eq!(s["status"], "under-review");
        assert_eq!(s["cover"], "c@x");
        let p1 = &s["patches"][1];
        assert_eq!(p1["status"], "accepted");
        assert_eq!(
            p1["trailers_added"][0],
            "Acked-by: Max Maint <max@example.org>"
        );
        assert_eq!(p1["waivers"][0]["reason"], "signed off on the list");
        assert_eq!(p1["findings"]["errors"], 1);
        assert_eq!(s["patches"][2]["deferred_until"], "2026-12-01");
    }

    #[test]
    fn mbox_record_is_one_summary_per_series_threaded_to_the_cover() {
        let q = queue();
        let p = plan();
        let record = build(&q, &p, now());
        let mails = to_mails(&q, &record, &p, now());
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].in_reply_to.as_deref(), Some("c@x"));
        assert_eq!(mails[0].subject, "[triage] uart FIFO (v2): under-review");
        let body = &mails[0].body;
        assert!(body.contains("  1  accepted           step 1\n"), "{body}");
        assert!(body.contains("waived dco-missing: signed off on the list (Max Maint <max@example.org>, 2026-11-24T18:00:00+00:00)"), "{body}");
        assert!(
            body.contains("  2  deferred until 2026-12-01 step 2"),
            "{body}"
        );
        assert!(
            body.contains("findings: 1 error(s), 0 warning(s), 0 info (dco-missing)"),
            "{body}"
        );
    }

    #[test]
    fn export_writes_json_or_mbox_and_refuses_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("r.json");
        assert_eq!(
            export(&queue(), &plan(), RecordFormat::Json, now(), &json, false).unwrap(),
            1
        );
        assert!(std::fs::read_to_string(&json).unwrap().starts_with('{'));
        let err = export(&queue(), &plan(), RecordFormat::Mbox, now(), &json, false).unwrap_err();
        assert!(err.to_string().contains("--force"));
        export(&queue(), &plan(), RecordFormat::Mbox, now(), &json, true).unwrap();
        assert!(
            std::fs::read_to_string(&json)
                .unwrap()
                .starts_with("From mboxrd@z ")
        );
    }
}
