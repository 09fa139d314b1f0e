//! `git patch-id --stable` of a diff, so decisions and notes can follow a re-rolled series.
//!
//! The same walk as git's `builtin/patch-id.c`: text before the first `diff ` line is
//! skipped; header and hunk lines are hashed with all whitespace removed (`index` lines
//! and `\ No newline` markers left out); each file is hashed on its own and the 20-byte
//! digests are summed, so the order of files does not matter. A binary file hashes its
//! blob ids from the `index` line. The patch ends at the first line that is neither a hunk
//! line nor a new `diff ` header once every hunk is complete (a mail signature).

use super::trailers::is_c_space;
use sha1::{Digest, Sha1};

/// C whitespace as a table, for the hot loop that drops it from every diff byte.
const SPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = is_c_space(i as u8);
        i += 1;
    }
    table
};

/// Appends `line` to `out` without its C whitespace, branch-free. Every byte is stored and
/// only the kept ones advance; it reads from `line` and writes to room made after `out`'s
/// end: squeezing in place, after copying the line in, was four times slower (each store
/// lands where a later load may read).
fn push_without_space(out: &mut Vec<u8>, line: &[u8]) {
    let start = out.len();
    out.resize(start + line.len(), 0);
    let room = &mut out[start..];
    let mut kept = 0;
    for &b in line {
        room[kept] = b;
        kept += usize::from(!SPACE[usize::from(b)]);
    }
    out.truncate(start + kept);
}

/// Adds one file's digest into the running 20-byte sum (git's `flush_one_hunk`). The
/// file's bytes are collected in `pending` and hashed in one go.
fn flush(result: &mut [u8; 20], hasher: &mut Sha1, pending: &mut Vec<u8>) {
    hasher.update(&pending[..]);
    pending.clear();
    let digest = hasher.finalize_reset();
    let mut carry: u16 = 0;
    for (r, d) in result.iter_mut().zip(digest) {
        carry += u16::from(*r) + u16::from(d);
        *r = carry as u8;
        carry >>= 8;
    }
}

/// Counts of a `@@ -a,b +c,d @@` header as git's `scan_hunk_header` reads them.
fn scan_hunk_header(line: &[u8]) -> Option<(i64, i64)> {
    fn number(s: &[u8]) -> (i64, usize) {
        let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
        let value = s[..n].iter().fold(0i64, |acc, d| {
            acc.saturating_mul(10).saturating_add(i64::from(d - b'0'))
        });
        (value, n)
    }
    let mut q = line.get(4..)?;
    let (mut before, mut n) = number(q);
    if q.get(n) == Some(&b',') {
        q = &q[n + 1..];
        (before, n) = number(q);
    }
    if n == 0 || q.get(n) != Some(&b' ') || q.get(n + 1) != Some(&b'+') {
        return None;
    }
    let mut r = &q[n + 2..];
    let (mut after, mut n) = number(r);
    if r.get(n) == Some(&b',') {
        r = &r[n + 1..];
        (after, n) = number(r);
    }
    if n == 0 {
        return None;
    }
    Some((before, after))
}

/// True when the line starts with 40 hex digits (git ends a patch at such a line).
fn starts_with_object_id(s: &[u8]) -> bool {
    s.len() >= 40 && s[..40].iter().all(u8::is_ascii_hexdigit)
}

/// The `git patch-id --stable` of the diff in `text`, or `None` when it holds no diff.
pub fn patch_id(text: &str) -> Option<String> {
    let mut hasher = Sha1::new();
    let mut result = [0u8; 20];
    let mut patch_len = 0usize;
    let mut before: i64 = -1;
    let mut after: i64 = -1;
    let mut is_binary = false;
    let mut pre_oid = String::new();
    let mut post_oid = String::new();
    // Bytes to hash for the current file, whitespace removed.
    let mut pending: Vec<u8> = Vec::with_capacity(4096);

    for line in super::lines_inclusive(text) {
        let bytes = line.as_bytes();
        let prefixed = ["diff-tree ", "commit ", "From "]
            .iter()
            .find_map(|p| line.strip_prefix(p));
        if prefixed.is_none() && line.starts_with("\\ ") && line.len() > 12 {
            continue;
        }
        if starts_with_object_id(prefixed.unwrap_or(line).as_bytes()) {
            // git starts the next patch here; an empty one before it prints nothing.
            if patch_len == 0 {
                continue;
            }
            break;
        }
        if patch_len == 0 && !line.starts_with("diff ") {
            continue;
        }
        if before == -1 {
            if line.starts_with("GIT binary patch") || line.starts_with("Binary files") {
                is_binary = true;
                before = 0;
                pending.extend_from_slice(pre_oid.as_bytes());
                pending.extend_from_slice(post_oid.as_bytes());
                flush(&mut result, &mut hasher, &mut pending);
                continue;
            } else if let Some(rest) = line.strip_prefix("index ") {
                let rest = rest.as_bytes();
                if let Some(dots) = memchr::memmem::find(rest, b"..") {
                    let tail = &rest[dots + 2..];
                    // Up to a space, else all but the line's last byte (its newline).
                    let end = memchr::memchr(b' ', tail).unwrap_or(tail.len().saturating_sub(1));
                    pre_oid = String::from_utf8_lossy(&rest[..dots]).into_owned();
                    post_oid = String::from_utf8_lossy(&tail[..end]).into_owned();
                }
                continue;
            } else if line.starts_with("--- ") {
                before = 1;
                after = 1;
            } else if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
                break;
            }
        }
        if is_binary {
            if line.starts_with("diff ") {
                is_binary = false;
                before = -1;
            }
            continue;
        }
        if before == 0 && after == 0 {
            if line.starts_with("@@ -") {
                if let Some((b, a)) = scan_hunk_header(bytes) {
                    before = b;
                    after = a;
                }
                continue;
            }
            if !line.starts_with("diff ") {
                break;
            }
            flush(&mut result, &mut hasher, &mut pending);
            before = -1;
            after = -1;
        }
        match bytes.first() {
            Some(b'-') => before -= 1,
            Some(b'+') => after -= 1,
            Some(b' ') => {
                before -= 1;
                after -= 1;
            }
            _ => {}
        }
        let start = pending.len();
        push_without_space(&mut pending, bytes);
        patch_len += pending.len() - start;
    }
    flush(&mut result, &mut hasher, &mut pending);
    if patch_len == 0 {
        return None;
    }
    Some(result.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str =
        "diff --git a/a b/a\nindex 1..2 100644\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-x\n+y\n";
    const TWO: &str =
        "diff --git a/b b/b\nindex 3..4 100644\n--- a/b\n+++ b/b\n@@ -1 +1 @@\n-p\n+q\n";

    #[test]
    fn no_diff_no_id() {
        assert_eq!(patch_id("just text\n"), None);
        assert_eq!(patch_id(""), None);
    }

    #[test]
    fn file_order_and_whitespace_do_not_matter() {
        let ab = patch_id(&format!("{ONE}{TWO}")).unwrap();
        let ba = patch_id(&format!("{TWO}{ONE}")).unwrap();
        assert_eq!(ab, ba);
        let spaced = ONE.replace("+y", "+  y ");
        assert_eq!(patch_id(ONE), patch_id(&spaced));
        assert_ne!(patch_id(ONE), patch_id(TWO));
    }

    #[test]
    fn notes_and_signature_are_ignored() {
        let with = format!("---\n a | 2 +-\n\n{ONE}-- \n2.47.3\n");
        assert_eq!(patch_id(&with), patch_id(ONE));
    }

    #[test]
    fn every_c_space_is_dropped_and_nothing_else() {
        let all: Vec<u8> = (0..=255u8)
            .chain(b"a \tb\r\x0bc\x0cd\n".iter().copied())
            .collect();
        for line in [
            &all[..],
            b"+\tint x = 1;\n",
            b"  \n",
            b"",
            b"abc",
            b"a\rb c\n",
        ] {
            let mut out = b"kept".to_vec();
            push_without_space(&mut out, line);
            let expected: Vec<u8> = b"kept"
                .iter()
                .chain(
                    line.iter()
                        .filter(|&&b| !b.is_ascii_whitespace() && b != 0x0b),
                )
                .copied()
                .collect();
            assert_eq!(out, expected, "{line:?}");
        }
    }

    #[test]
    fn hunk_header_counts() {
        assert_eq!(scan_hunk_header(b"@@ -1,3 +4,5 @@"), Some((3, 5)));
        assert_eq!(scan_hunk_header(b"@@ -1 +4 @@"), Some((1, 4)));
        assert_eq!(scan_hunk_header(b"@@ -x"), None);
    }
}
