//! Helpers the benches share: building large mboxes out of corpus mail.

/// Appends one line of a message to `out`. Inside an id header (`Message-ID`, `In-Reply-To`,
/// `References` and their continuation lines; `in_id_header` carries the state from line to
/// line) every `<` gets `prefix` after it, so a copy's ids stay unique.
pub fn push_line_with_id_prefix(
    out: &mut Vec<u8>,
    line: &[u8],
    prefix: &[u8],
    in_id_header: &mut bool,
) {
    const ID_HEADERS: [&[u8]; 3] = [b"message-id:", b"in-reply-to:", b"references:"];
    let lower: Vec<u8> = line.iter().take(12).map(u8::to_ascii_lowercase).collect();
    if ID_HEADERS.iter().any(|h| lower.starts_with(h)) {
        *in_id_header = true;
    } else if !line.starts_with(b" ") && !line.starts_with(b"\t") {
        *in_id_header = false;
    }
    if *in_id_header {
        for &b in line {
            out.push(b);
            if b == b'<' {
                out.extend_from_slice(prefix);
            }
        }
    } else {
        out.extend_from_slice(line);
    }
}
