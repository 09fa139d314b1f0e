//! The library's error type: every variant names what failed and where, so the binary can
//! print one line a person can act on and exit with code 2.

use std::path::PathBuf;

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can stop a command. `Display` is the one line shown to the user.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The path exists but is not any source patchdesk knows.
    #[error("{path}: {reason}")]
    UnknownSource { path: PathBuf, reason: String },
    /// A source was readable but its content is not what it should be.
    #[error("{source_name}: {what}")]
    BadInput { source_name: String, what: String },
    /// A message in a source is broken; `index` is 1-based, `offset` the byte offset.
    #[error("{source_name}: message {index} at byte {offset}: {what}")]
    BadMessage {
        source_name: String,
        index: usize,
        offset: u64,
        what: String,
    },
    /// git (libgit2) refused an operation.
    #[error("{context}: {source}")]
    Git {
        context: String,
        #[source]
        source: git2::Error,
    },
    /// The user asked for something that does not exist or does not fit.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Wraps a git2 error with what was being done.
    pub fn git(context: impl Into<String>, source: git2::Error) -> Self {
        Error::Git {
            context: context.into(),
            source,
        }
    }
}
