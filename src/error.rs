//! The one error type of the library.
//!
//! Every variant carries enough context for the binary to print a single line a user can act on
//! (`tim: cannot open index at X: ...`). The library never prints and never panics on user input.

use std::path::PathBuf;

/// Everything that can go wrong in timkiem, in words a user can act on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes look like a binary file (NUL bytes or mostly control bytes), not text.
    #[error("looks like a binary file, not text")]
    Binary,

    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },

    /// An index schema file could not be parsed or is inconsistent.
    #[error("invalid schema {origin}: {message}")]
    Schema {
        /// Where the schema came from (a path, or "built-in").
        origin: String,
        /// What is wrong with it.
        message: String,
    },

    /// No index exists where one was expected.
    #[error("no index at {} (create one with `tim index CORPUS_DIR`)", path.display())]
    IndexNotFound {
        /// The directory that holds no index.
        path: PathBuf,
    },

    /// The index exists but cannot be used as it is; the message says how to recover.
    #[error("cannot open index at {}: {message}", path.display())]
    IndexUnusable {
        /// The index directory.
        path: PathBuf,
        /// What is wrong and what to do about it.
        message: String,
    },

    /// Another process holds the writer lock of this index.
    #[error("index at {} is being written by another process", path.display())]
    IndexLocked {
        /// The index directory.
        path: PathBuf,
    },

    /// An error reported by tantivy that we could not attribute more precisely.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),

    /// Invalid input given to the library (a bad argument, a malformed query file line...).
    #[error("{0}")]
    Invalid(String),

    /// The work was interrupted (Ctrl-C); everything committed before it is intact.
    #[error("interrupted; the index keeps its last commit")]
    Interrupted,
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
