//! timkiem: full-text search for bilingual Vietnamese/English text, built on tantivy.
//!
//! "Hoang Xuan Chien" finds "Hoàng Xuân Chiến" and the reverse, "Vietnam" meets "Việt Nam",
//! `defence` meets `defense`, and a query typed with accents ranks the exactly accented passage
//! first. See `ARCHITECTURE.md` for how data flows through the modules.
//!
//! The text analysis is usable on its own, including as tantivy tokenizers:
//!
//! ```
//! use timkiem::analysis::{Analyzer, FieldKind};
//! let analyzer = Analyzer::default();
//! let joined: Vec<String> = analyzer
//!     .tokens("Đà Nẵng", FieldKind::Joined)
//!     .into_iter()
//!     .map(|t| t.text)
//!     .collect();
//! assert_eq!(joined, ["danang"]);
//! ```
#![warn(missing_docs)]

pub mod error;
mod hash;
pub mod index;
pub mod ingest;
mod lines;
pub mod schema;
pub mod search;
pub mod text;

pub use error::{Error, Result};
pub use index::{Index, IndexInfo};
pub use ingest::indexer::{
    index_directory, index_jsonl, IndexOptions, JsonlKeys, NoProgress, Progress, Summary,
};
pub use schema::SchemaConfig;
pub use search::searcher::{Hit, SearchOptions, Searcher};

/// The text analysis, as embedders and tantivy users need it: the analyzer, its fields, the
/// tantivy tokenizers and their registration.
pub mod analysis {
    pub use crate::text::analyzer::{AnalyzedWord, Analyzer, FieldKind, FieldTokens};
    pub use crate::text::tokenizers::{register_tokenizers, FieldTokenizer};
}
