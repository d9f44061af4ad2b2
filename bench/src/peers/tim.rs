//! timkiem itself: `tim index` for builds (the real release binary), the library's
//! [`Searcher`] for in-process queries, `tim search` for whole-process runs.

use std::path::{Path, PathBuf};

use timkiem::{SearchOptions, Searcher};

use super::QueryEngine;
use crate::Result;

/// The `tim` binary next to this benchmark binary (both are in `target/release/`).
pub fn binary() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let tim = exe.with_file_name("tim");
    if tim.is_file() {
        Ok(tim)
    } else {
        Err(format!(
            "{} not found: run `cargo build --release` at the repository root first",
            tim.display()
        )
        .into())
    }
}

/// timkiem's searcher with fixed options.
pub struct Tim {
    searcher: Searcher,
    options: SearchOptions,
}

impl Tim {
    /// Opens the index at `dir`; `snippets` says whether hits get snippets and highlights.
    /// Queries are plain words (`plain: true`), as for judged query sets: a question's `-` or
    /// quote is not an operator.
    pub fn open(dir: &Path, snippets: bool) -> Result<Tim> {
        Ok(Tim {
            searcher: Searcher::open(dir)?,
            options: SearchOptions {
                limit: 10,
                plain: true,
                snippets,
                ..SearchOptions::default()
            },
        })
    }
}

impl QueryEngine for Tim {
    fn search(&mut self, query: &str) -> Result<usize> {
        Ok(self.searcher.search_with(query, &self.options)?.len())
    }
}
