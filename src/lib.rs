//! timkiem: full-text search for bilingual Vietnamese/English text, built on tantivy.
#![warn(missing_docs)]

pub mod error;
pub mod ingest;
pub mod text;

pub use error::{Error, Result};
