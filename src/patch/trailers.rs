//! Trailers by git's algorithm (`trailer.c`: `find_trailer_block_start`, `find_separator`),
//! parsing and adding exactly as `git interpret-trailers` does.
use serde::Serialize;

/// One trailer line (continuation lines unfolded into `value`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trailer {
    /// The key as written (`Signed-off-by`, `Reviewed-By`, ...).
    pub key: String,
    /// The value, trimmed and unfolded.
    pub value: String,
    /// 0-based line index of the trailer's first line in the text it was parsed from.
    #[serde(skip)]
    pub line: usize,
}
