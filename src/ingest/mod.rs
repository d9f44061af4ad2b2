//! Ingestion: from a corpus directory to the passages that get indexed.
//!
//! The flow, one file at a time:
//!
//! 1. **walk** ([`walk`]): list the files of the corpus directory, honouring hidden-file,
//!    `.gitignore`/`.ignore` and glob rules, and report (rather than fail on) what cannot be
//!    indexed: oversized files, FIFOs and devices, symlink loops, links leaving the corpus,
//!    unreadable entries;
//! 2. **decode** ([`crate::text::decode`]): read the bytes and turn them into text, refusing
//!    binary files; HTML files ([`html::is_html_path`]) are then reduced to their visible text
//!    with [`html::html_to_text`];
//! 3. **passages** ([`passage`]): cut the text into paragraph-sized passages with byte ranges
//!    and line numbers, the unit that is scored and shown in results; [`passage::title_span`]
//!    picks the document title;
//! 4. **index**: the indexer turns each passage into a tantivy document (not in this module).
//!
//! Everything here is pure or read-only: nothing in this module writes to disk, so each step is
//! tested on its own.

mod document;
pub mod fault;
pub mod html;
pub mod indexer;
pub mod passage;
pub(crate) mod tokens;
pub mod walk;
