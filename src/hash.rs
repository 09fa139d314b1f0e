//! SHA-1 digests: checksums, and in hex the names patchdesk makes: Message-Ids of exported mail, state
//! file names, the line hashes that anchor notes.

/// The SHA-1 of `bytes` as 40 lower-case hex digits (ids, file names, line hashes).
pub fn sha1_hex(bytes: &[u8]) -> String {
    use sha1::Digest;
    use std::fmt::Write;
    let digest = sha1::Sha1::digest(bytes);
    let mut out = String::with_capacity(40);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The SHA-1 of `bytes` (checksums of files patchdesk writes).
pub fn sha1(bytes: &[u8]) -> [u8; 20] {
    use sha1::Digest;
    sha1::Sha1::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_hex_is_git_s_sha1() {
        // `printf 'abc' | sha1sum`
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(sha1_hex(b"").len(), 40);
    }
}
