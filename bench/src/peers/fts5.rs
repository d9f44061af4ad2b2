//! SQLite FTS5 with `tokenize = 'unicode61 remove_diacritics 2'` (diacritics folded, so it
//! finds unaccented queries, but cannot rank the accent-exact match first). One row per file,
//! the text stored in the FTS table itself; one transaction; single-threaded (SQLite is).

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags};

use super::{rel_path, QueryEngine};
use crate::Result;

/// Builds the database of `files` (under `root`) at `out`.
pub fn build(root: &Path, files: &[PathBuf], out: &Path) -> Result<()> {
    crate::measure::remove_if_exists(out)?;
    let mut db = Connection::open(out)?;
    db.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, text,
             tokenize = 'unicode61 remove_diacritics 2');",
    )?;
    let tx = db.transaction()?;
    {
        let mut insert = tx.prepare("INSERT INTO docs (path, text) VALUES (?1, ?2)")?;
        for file in files {
            let body = std::fs::read_to_string(file)?;
            insert.execute(params![rel_path(root, file), body])?;
        }
    }
    tx.commit()?;
    // Leave one file behind, like the other engines' committed indexes.
    db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")?;
    Ok(())
}

/// The FTS5 query for free text: every distinct word (a run of alphanumerics and combining
/// marks, lowercased) quoted, OR-ed, so any question parses and, like the other engines, a
/// document needs only some of the words; a repeated word is searched once. Combining marks
/// stay inside their word, as in `unicode61`, so a decomposed (NFD) `Việt` is one word, which
/// `remove_diacritics` then folds.
pub fn match_expression(query: &str) -> String {
    let mut seen = std::collections::HashSet::new();
    query
        .split(|c: char| !(c.is_alphanumeric() || is_combining_mark(c)))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| seen.insert(w.clone()))
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// Whether `c` is in one of the Unicode blocks of combining diacritical marks (those that
/// decomposed Latin, and so Vietnamese, text uses).
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Searches the FTS5 table: `MATCH` the OR-ed words, `ORDER BY bm25`, `LIMIT 10`.
pub struct Fts5 {
    db: Connection,
}

impl Fts5 {
    /// Opens the database at `path` read-only.
    pub fn open(path: &Path) -> Result<Fts5> {
        let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        Ok(Fts5 { db })
    }
}

impl QueryEngine for Fts5 {
    fn search(&mut self, query: &str) -> Result<usize> {
        let expr = match_expression(query);
        if expr.is_empty() {
            return Ok(0);
        }
        let mut stmt = self.db.prepare_cached(
            "SELECT path FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs) LIMIT 10",
        )?;
        let mut rows = stmt.query(params![expr])?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            let _path: String = row.get(0)?;
            n += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_expression_quotes_words() {
        assert_eq!(
            match_expression("Ai là \"vua\"? AND-OR ai"),
            "\"ai\" OR \"là\" OR \"vua\" OR \"and\" OR \"or\""
        );
        assert_eq!(match_expression("?!"), "");
        // NFD: "Việt" as i + U+0323 + U+0302 stays one word.
        assert_eq!(
            match_expression("Vie\u{0323}\u{0302}t Nam"),
            "\"vie\u{0323}\u{0302}t\" OR \"nam\""
        );
    }
}
