//! Terminal injection: a message carrying every control character and the bidi controls in
//! its subject, author name, body, notes, a file name and diff lines; no output path of the
//! binary lets one through raw (the equivalent of checking `patchdesk show FILE | cat -v`).

use crate::{patchdesk_in, stderr, stdout};

/// Every C0 control but NUL, tab and newline, DEL, every C1 control and the bidi controls.
fn hostile() -> String {
    let mut s = String::new();
    for c in (1u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32) {
        if c != '\t' && c != '\n' {
            s.push(c);
        }
    }
    s.extend(('\u{202a}'..='\u{202e}').chain('\u{2066}'..='\u{2069}'));
    s
}

/// RFC 2047 Q-encoding of UTF-8 text, every byte escaped, in short adjacent encoded words
/// (which join without the space between them).
fn q_word(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let words: Vec<String> = chars
        .chunks(8)
        .map(|chunk| {
            let hex: String = chunk
                .iter()
                .collect::<String>()
                .bytes()
                .map(|b| format!("={b:02X}"))
                .collect();
            format!("=?UTF-8?Q?{hex}?=")
        })
        .collect();
    words.join("\n ")
}

/// A one-patch mbox whose every field holds [`hostile`], plus the clipboard/title/clear attack.
fn mbox() -> Vec<u8> {
    let h = hostile();
    let attack = "\u{1b}]52;c;ZXZpbA==\u{7} \u{1b}]0;owned\u{7} \u{1b}[2J";
    let subject = q_word(&format!("[PATCH] hw: fix {attack} {h}"));
    // The name carries the attack, the bidi controls and a C1 control: the address parser
    // drops a longer display name (then only the address is shown, which is safe too).
    let name_hex: String = "Eve \u{1b}[2J\u{7}\u{7f}\u{9b}\u{202e}\u{2066}"
        .bytes()
        .map(|b| format!("={b:02X}"))
        .collect();
    let name = format!("=?UTF-8?Q?{name_hex}?=");
    format!(
        "From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001\n\
         From: {name} <eve@example.org>\n\
         Date: Mon, 1 Dec 2025 10:00:00 +0000\n\
         Subject: {subject}\n\
         Message-Id: <evil@example.org>\n\
         MIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\n\
         Content-Transfer-Encoding: 8bit\n\
         \n\
         Body {attack} {h} end.\n\
         \n\
         Signed-off-by: Eve <eve@example.org>\n\
         ---\n\
         notes {attack} {h}\n\
         \n\
         diff --git \"a/x\\033[2J\u{202e}.c\" \"b/x\\033[2J\u{202e}.c\"\n\
         --- \"a/x\\033[2J\u{202e}.c\"\n\
         +++ \"b/x\\033[2J\u{202e}.c\"\n\
         @@ -1 +1,2 @@\n\
         \x20ctx\n\
         +added {attack} {h}\n\
         -- \n\
         2.43.0\n\n"
    )
    .into_bytes()
}

/// The bytes a terminal would act on: C0 but tab and newline, DEL, C1 (as UTF-8), bidi.
fn raw_controls(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.chars()
        .filter(|&c| patchdesk::safe::is_unsafe(c))
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect()
}

fn assert_safe(what: &str, out: &std::process::Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let bad = raw_controls(bytes);
        assert!(bad.is_empty(), "{what} {stream} sends {bad:?}");
    }
}

fn run(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    let out = patchdesk_in(home, args, None);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        stderr(&out)
    );
    out
}

#[test]
fn no_output_path_sends_a_control_or_bidi_character() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("evil.mbox");
    std::fs::write(&file, mbox()).unwrap();
    let f = file.to_str().unwrap();

    let show = run(home.path(), &["show", f, "1.1"]);
    assert_safe("show", &show);
    let text = stdout(&show);
    // Shown, visibly, everywhere it came from.
    for needle in [
        "hw: fix \\u001b]52;c;ZXZpbA==\\u0007",
        "Eve \\u001b[2J\\u0007\\u007f\\u009b\\u202e\\u2066 <eve@example.org>",
        "Body \\u001b]52;c;",
        "notes \\u001b]52",
        "+added \\u001b]52;c;ZXZpbA==\\u0007",
        "\\u009b",
        "\\u007f",
        "\\u202e",
        "\\u2069",
        "x\\u001b[2J\\u202e.c",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }

    for args in [
        vec!["list", f],
        vec!["check", f],
        vec!["check", f, "--profile", "linux"],
        vec!["show", f, "1.1", "--profile", "generic"],
    ] {
        let out = run(home.path(), &args);
        assert_safe(&args.join(" "), &out);
        assert!(
            stdout(&out).contains("\\u001b"),
            "{args:?}: {}",
            stdout(&out)
        );
    }
    // The Trojan Source rule fires on the added line and the message.
    let check = stdout(&run(home.path(), &["check", f]));
    assert!(check.contains("style-bidi-control"), "{check}");

    // A maintainer's note carrying the same characters, listed back.
    let note = format!("see {}", hostile());
    let out = run(home.path(), &["note", f, "1.1", &note]);
    assert_safe("note", &out);
    let notes = run(home.path(), &["notes", f]);
    assert_safe("notes", &notes);
    assert!(stdout(&notes).contains("see \\u0001"), "{}", stdout(&notes));

    // JSON keeps the exact text, escaped by JSON.
    let attack = "\u{1b}]52;c;ZXZpbA==\u{7}";
    let note_back = note.clone();
    for (args, exact) in [
        (vec!["show", f, "1.1", "--format", "json"], hostile()),
        (vec!["list", f, "--format", "json"], attack.to_string()),
        (vec!["check", f, "--format", "json"], attack.to_string()),
        (vec!["notes", f, "--format", "json"], note_back),
    ] {
        let out = run(home.path(), &args);
        assert_safe(&args.join(" "), &out);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", stdout(&out)));
        let all = v.to_string();
        let decoded: Vec<String> = find_strings(&v);
        assert!(
            decoded.iter().any(|s| s.contains(&exact)),
            "{args:?}: exact text lost in {all}"
        );
    }

    // The desk's screen dumps: the list, and the patch open.
    for keys in ["", "<Enter>"] {
        let out = run(
            home.path(),
            &[f, "--keys", keys, "--print", "--size", "160x40"],
        );
        assert_safe("desk --print", &out);
        assert!(
            stdout(&out).contains("\\u001b"),
            "{keys:?}: {}",
            stdout(&out)
        );
    }

    // In colour the screen keeps its own colour sequences as sequences (SGR only: ESC [ ... m)
    // while the message's controls stay in the notation.
    for keys in ["", "<Enter>"] {
        let out = run(
            home.path(),
            &[f, "--keys", keys, "--print=ansi", "--size", "160x40"],
        );
        let text = stdout(&out);
        let mut sequences = 0;
        for (at, _) in text.match_indices('\u{1b}') {
            let rest = &text[at + 1..];
            let end = rest.find('m').expect("a sequence ends");
            assert!(
                rest.starts_with('[')
                    && rest[1..end]
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b == b';'),
                "{keys:?}: not a colour sequence: {:?}",
                &rest[..end.min(20)]
            );
            sequences += 1;
        }
        assert!(sequences > 10, "{keys:?}: no colours in {text}");
        let outside: String = text
            .split('\u{1b}')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    &part[part.find('m').unwrap() + 1..]
                }
            })
            .collect();
        assert!(raw_controls(outside.as_bytes()).is_empty(), "{keys:?}");
        assert!(outside.contains("\\u001b"), "{keys:?}: {outside}");
    }

    // An error that quotes a name from the input.
    let out = patchdesk_in(home.path(), &["list", "/nonexistent/\u{1b}]0;t\u{7}"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_safe("error", &out);
    assert!(
        stderr(&out).contains("\\u001b]0;t\\u0007"),
        "{}",
        stderr(&out)
    );
}

fn find_strings(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(a) => a.iter().flat_map(find_strings).collect(),
        serde_json::Value::Object(o) => o.values().flat_map(find_strings).collect(),
        _ => Vec::new(),
    }
}

/// `list --format json` writes its JSON as it is made, a buffer at a time: what it writes is
/// the JSON form made whole and then made safe, on hostile mail and on a plain series.
#[test]
fn the_listing_json_written_as_it_is_made_is_the_json_form_made_safe() {
    let home = tempfile::tempdir().unwrap();
    let evil = home.path().join("evil.mbox");
    std::fs::write(&evil, mbox()).unwrap();
    let plain = crate::fixtures().join("mail/format-patch.mbox");
    for file in [evil, plain] {
        let queue = patchdesk::queue::load(&patchdesk::source::SourceSpec::Path(file.clone()))
            .expect("queue loads");
        let whole = patchdesk::safe::terminal(&patchdesk::cli::list::to_json(&queue)).into_owned();
        let f = file.to_str().unwrap();
        let out = run(home.path(), &["list", f, "--format", "json", "--no-cache"]);
        assert_eq!(stdout(&out), whole, "{f}");
    }
}
