//! The floor: what tantivy's own search costs over the passages of a `tim` index with the
//! simplest query, one term per query word and nothing else.
//!
//! The query is what a tantivy user would write against timkiem's `folded` field: the query
//! analysed by the `folded` tokenizer timkiem registers, each distinct token a `TermQuery`,
//! all `Should` in one `BooleanQuery`, collected by `TopDocs` (so tantivy runs its block-max
//! WAND), the stored path of each of the top 10 read. It is scored with timkiem's passage
//! statistics, whose term look-ups are cached across queries as the `Searcher`'s are (with
//! tantivy's own statistics, which look every term up in every segment again, the same 300
//! questions took 10.7 ms p50 instead of 7.3–8.4). No accents, pairs, English stems, titles,
//! proximity, restoration or span re-ranking.
//!
//! Set beside "tantivy 1 field", it separates what the index itself costs a query (121k
//! passages where the single-field index has 45k files, and a folded syllable's postings
//! gather all its accented spellings) from what timkiem's query adds on top.

use std::collections::HashSet;
use std::path::Path;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{IndexReader, Term};
use timkiem::analysis::FieldKind;
use timkiem::schema::KIND_PASSAGE;
use timkiem::search::bm25::PassageStats;
use timkiem::search::terms::TermInfos;

use super::{count_stored_paths, QueryEngine};
use crate::Result;

/// Searches a `tim` index's `folded` field with tantivy alone.
pub struct Floor {
    reader: IndexReader,
    folded: Field,
    path: Field,
    /// Marks passages apart from the per-file manifest documents, for the statistics.
    kind: Field,
    analyzer: TextAnalyzer,
    terms: TermInfos,
}

impl Floor {
    /// Opens the `tim` index at `dir`.
    pub fn open(dir: &Path) -> Result<Floor> {
        let index = timkiem::Index::open(dir)?;
        let folded = index.fields().body_field(FieldKind::Folded);
        let analyzer = index.tantivy().tokenizer_for_field(folded)?;
        Ok(Floor {
            reader: index.tantivy().reader()?,
            folded,
            path: index.fields().path,
            kind: index.fields().kind,
            analyzer,
            terms: TermInfos::new(),
        })
    }

    /// The query of `text`: each distinct `folded` token once, OR-ed.
    pub fn query(&mut self, text: &str) -> BooleanQuery {
        let mut seen = HashSet::new();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut stream = self.analyzer.token_stream(text);
        while stream.advance() {
            let token = &stream.token().text;
            if seen.insert(token.clone()) {
                let term = Term::from_field_text(self.folded, token);
                let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
                clauses.push((Occur::Should, Box::new(q)));
            }
        }
        BooleanQuery::new(clauses)
    }
}

impl QueryEngine for Floor {
    fn search(&mut self, query: &str) -> Result<usize> {
        let query = self.query(query);
        if query.clauses().is_empty() {
            return Ok(0);
        }
        let searcher = self.reader.searcher();
        let stats = PassageStats::new(&searcher, self.kind, KIND_PASSAGE, &self.terms)?;
        let top = searcher.search_with_statistics_provider(
            &query,
            &TopDocs::with_limit(10).order_by_score(),
            &stats,
        )?;
        count_stored_paths(&searcher, top, self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relevance::TempDir;

    #[test]
    fn finds_a_folded_word_in_a_tim_index() -> Result<()> {
        let corpus = TempDir::new()?;
        std::fs::write(
            corpus.path().join("a.txt"),
            "Hoàng Xuân Chiến thăm Đà Nẵng.\n",
        )?;
        std::fs::write(corpus.path().join("b.txt"), "Nothing to see here.\n")?;
        let dir = TempDir::new()?;
        let index_dir = dir.path().join("idx");
        timkiem::index_directory(
            corpus.path(),
            &index_dir,
            &timkiem::IndexOptions::default(),
            &mut timkiem::NoProgress,
        )?;
        let mut floor = Floor::open(&index_dir)?;
        // One clause per distinct folded token: `da nang da` has two.
        assert_eq!(floor.query("Đà Nẵng đà").clauses().len(), 2);
        assert_eq!(floor.search("hoang XUAN chien")?, 1);
        assert_eq!(floor.search("elsewhere")?, 0);
        Ok(())
    }
}
