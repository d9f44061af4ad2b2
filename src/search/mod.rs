//! Searching: from the text a user types to ranked hits with highlighted snippets.
//!
//! The flow of one search:
//!
//! 1. **parse** ([`query`]): the query text becomes a [`query::ParsedQuery`]: groups of
//!    alternatives (`a OR b`), phrases (`"a b"`) and exclusions (`-a`), all still raw text;
//! 2. **analyse**: every term goes through the same text analysis as the indexed documents
//!    (see [`crate::text`]), so `Hoàng`, `hoang` and an NFD-typed `Hoàng` meet the same tokens;
//! 3. **tantivy query**: the analysed groups become a boolean query over the index fields;
//! 4. **hits**: tantivy ranks the matching documents;
//! 5. **snippets** ([`snippet`]): the byte ranges of matched words in a stored passage give the
//!    window of text shown for each hit, with highlights.
//!
//! [`eval`] measures the ranking against judged queries (BEIR files: nDCG, MRR, recall).
//!
//! This module holds the parts that do not depend on tantivy: parsing, snippets and evaluation
//! are pure functions of their inputs.

pub mod bm25;
pub mod coordination;
pub mod eval;
pub mod proximity;
pub mod prune;
pub mod query;
pub mod restore;
pub mod searcher;
pub mod snippet;
pub mod span;
pub mod terms;
mod top;
