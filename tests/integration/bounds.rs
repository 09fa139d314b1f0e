//! Adversarial sizes: each input is read in time and memory linear in its size (or refused
//! with a clear error), never a hang or an allocation proportional to a number it holds. The
//! sizes here are scaled to keep debug runs short; `full_sizes` (ignored, run by hand with
//! `--release -- --ignored`) takes the sizes.

use patchdesk::mail::{Origin, message::parse_message};
use patchdesk::patch::{diff, mailinfo};

fn origin() -> Origin {
    Origin {
        source: "bounds".into(),
        index: 1,
        ..Origin::default()
    }
}

fn patch_mail(extra_headers: &str, body: &str) -> Vec<u8> {
    format!(
        "From: A <a@example.org>\nSubject: [PATCH] a: b\n{extra_headers}\n\n{body}\n\nSigned-off-by: A <a@example.org>\n"
    )
    .into_bytes()
}

pub fn absurd_hunk_header() {
    let text = "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,999999999 +1 @@\n-a\n+b\n\
                @@ -4294967295,4294967295 +4294967295,4294967295 @@\n x\n";
    let parsed = diff::parse(text);
    let lines: usize = parsed
        .files
        .iter()
        .flat_map(|f| &f.hunks)
        .map(|h| h.lines.len())
        .sum();
    assert!(lines <= 3, "{lines} lines from a 3-line diff");
}

pub fn long_line(len: usize) {
    let line = "x".repeat(len);
    let m = parse_message(&patch_mail("", &line), origin()).expect("parses");
    let p = mailinfo::build(m);
    assert!(p.message.len() >= len);
    let d = diff::parse(&format!(
        "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+{line}\n"
    ));
    assert_eq!(d.files.len(), 1);
}

pub fn nested_mime(depth: usize) {
    let mut body = String::new();
    for i in 0..depth {
        body.push_str(&format!(
            "--b{i}\nContent-Type: multipart/mixed; boundary=b{}\n\n",
            i + 1
        ));
    }
    body.push_str(&format!("--b{depth}\nContent-Type: text/plain\n\ninner\n"));
    let raw = format!(
        "From: A <a@example.org>\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b0\n\n{body}"
    );
    // Parsed or refused with a message; never a stack overflow or a hang.
    let _ = parse_message(raw.as_bytes(), origin());
}

pub fn many_recipients(n: usize) {
    let to: Vec<String> = (0..n).map(|i| format!("u{i}@example.org")).collect();
    let headers = format!("To: {}\nCc: {}", to.join(", "), to.join(", "));
    let m = parse_message(&patch_mail(&headers, "text"), origin()).expect("parses");
    let _ = mailinfo::build(m);
}

pub fn many_files(n: usize) {
    let mut text = String::with_capacity(n * 80);
    for i in 0..n {
        text.push_str(&format!(
            "diff --git a/f{i} b/f{i}\n--- a/f{i}\n+++ b/f{i}\n@@ -1 +1 @@\n-a\n+b\n"
        ));
    }
    assert_eq!(diff::parse(&text).files.len(), n);
}

#[test]
fn an_absurd_hunk_header_allocates_nothing_for_its_numbers() {
    absurd_hunk_header();
}

#[test]
fn a_long_line_is_read() {
    long_line(2 << 20);
}

#[test]
fn deeply_nested_mime_parts_end() {
    nested_mime(2_000);
}

#[test]
fn many_recipients_are_read() {
    many_recipients(5_000);
}

#[test]
fn a_diff_of_many_files_is_read() {
    many_files(20_000);
}

/// The sizes; run by hand: `cargo test --release --test integration full_sizes --
/// --ignored --nocapture`, under `/usr/bin/time -v` for peak memory.
#[test]
#[ignore]
fn full_sizes() {
    let t = |what: &str, f: &dyn Fn()| {
        let start = std::time::Instant::now();
        f();
        println!("{what}: {:?}", start.elapsed());
    };
    t("absurd hunk header", &absurd_hunk_header);
    t("50 MB line", &|| long_line(50 << 20));
    t("10,000 nested MIME parts", &|| nested_mime(10_000));
    t("100,000 recipients", &|| many_recipients(100_000));
    t("a million files", &|| many_files(1_000_000));
}
