//! Ranking quality of the peers on the judged BEIR sets, scored with the same metric code as
//! `tim eval` (`timkiem::search::eval`).
//!
//! Each peer indexes one document per corpus record, its title and text joined in one field
//! (what a plain user of the engine would do), and answers each query as plain words OR-ed:
//!
//! | peer | analysis | query |
//! |---|---|---|
//! | SQLite FTS5 | `unicode61 remove_diacritics 2` | each distinct word double-quoted, ` OR `, `ORDER BY bm25` |
//! | tantivy default | `SimpleTokenizer` + `RemoveLongFilter(40)` + `LowerCaser` | the analyzer's distinct tokens as `TermQuery`s in one `BooleanQuery` (all `Should`) |
//! | tantivy ASCII folding | the default + `AsciiFoldingFilter` | the same, with this analyzer |
//!
//! Every engine keeps its own BM25 (k1 = 1.2, b = 0.75) and returns the top 100 documents.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, IndexWriter, TantivyDocument, Term};
use timkiem::search::eval::{open_maybe_gz, EvalQuery, Evaluator, Metrics, Qrels};

use crate::Result;

/// How many documents each engine returns per query (Recall@100 needs them all).
pub const TOP_K: usize = 100;

/// One record of a BEIR `corpus.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The document id, as judged in the qrels.
    pub id: String,
    /// The title (often empty).
    pub title: String,
    /// The body text.
    pub text: String,
}

impl Record {
    /// The text every peer indexes: the title, a blank line, the body (the title alone or the
    /// body alone when the other is empty).
    pub fn document_text(&self) -> String {
        match (self.title.trim().is_empty(), self.text.trim().is_empty()) {
            (true, _) => self.text.clone(),
            (false, true) => self.title.clone(),
            (false, false) => format!("{}\n\n{}", self.title, self.text),
        }
    }
}

/// Reads a BEIR corpus (`{"_id", "title", "text"}` per line; `.gz` read directly). Ids may be
/// strings or numbers; a missing title or text counts as empty.
pub fn read_corpus(path: &Path) -> Result<Vec<Record>> {
    let reader = open_maybe_gz(path)?;
    let mut records = Vec::new();
    for (number, line) in std::io::BufRead::lines(reader).enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(&line)
            .map_err(|e| format!("{} line {}: {e}", path.display(), number + 1))?;
        let id = match &value["_id"] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return Err(format!("{} line {}: no _id", path.display(), number + 1).into()),
        };
        let field = |name: &str| value[name].as_str().unwrap_or_default().to_string();
        records.push(Record {
            id,
            title: field("title"),
            text: field("text"),
        });
    }
    Ok(records)
}

/// An engine that ranks documents for a free-text query.
pub trait Ranker {
    /// The ids of the best `k` documents for `query`, best first (empty when the query has no
    /// word the engine can search).
    fn rank(&mut self, query: &str, k: usize) -> Result<Vec<String>>;
}

/// The peers compared with `tim eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// SQLite FTS5, `unicode61 remove_diacritics 2`.
    Fts5,
    /// tantivy, default tokenizer.
    TantivyDefault,
    /// tantivy, default tokenizer + `AsciiFoldingFilter`.
    TantivyAsciiFolding,
}

impl Peer {
    /// Every peer, in table order.
    pub const ALL: [Peer; 3] = [Peer::Fts5, Peer::TantivyDefault, Peer::TantivyAsciiFolding];

    /// Short name, as printed in the JSON lines.
    pub fn key(self) -> &'static str {
        match self {
            Peer::Fts5 => "fts5",
            Peer::TantivyDefault => "tantivy-default",
            Peer::TantivyAsciiFolding => "tantivy-ascii-folding",
        }
    }

    /// Builds this peer's index of `records` under the directory `work` and opens it.
    pub fn build(self, records: &[Record], work: &Path) -> Result<Box<dyn Ranker>> {
        let dir = work.join(self.key());
        Ok(match self {
            Peer::Fts5 => Box::new(Fts5Ranker::build(records, &dir.with_extension("sqlite"))?),
            Peer::TantivyDefault => Box::new(TantivyRanker::build(records, &dir, false)?),
            Peer::TantivyAsciiFolding => Box::new(TantivyRanker::build(records, &dir, true)?),
        })
    }
}

/// How the query text is given to the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryMode {
    /// As written in `queries.jsonl`.
    Original,
    /// Every diacritic removed with `timkiem::text::strip_diacritics`, like
    /// `tim eval --strip-diacritics` (the peers get no accent restoration).
    Stripped,
}

impl QueryMode {
    /// Short name, as printed in the JSON lines.
    pub fn key(self) -> &'static str {
        match self {
            QueryMode::Original => "original",
            QueryMode::Stripped => "stripped",
        }
    }

    /// The query text in this mode.
    pub fn apply(self, text: &str) -> String {
        match self {
            QueryMode::Original => text.to_string(),
            QueryMode::Stripped => timkiem::text::strip_diacritics(text),
        }
    }
}

/// Scores `ranker` on the judged queries, as `tim eval` does: queries without a relevant
/// judgement are skipped, every other one counts (an empty ranking scores 0).
pub fn evaluate(
    ranker: &mut dyn Ranker,
    queries: &[EvalQuery],
    qrels: &Qrels,
    mode: QueryMode,
) -> Result<Metrics> {
    let mut evaluator = Evaluator::new(qrels);
    for query in queries {
        if qrels.relevant_count(&query.id) == 0 {
            continue;
        }
        let ranked = ranker.rank(&mode.apply(&query.text), TOP_K)?;
        evaluator.add(&query.id, &ranked);
    }
    Ok(evaluator.finish())
}

/// tantivy's default analyzer, optionally with ASCII folding appended (the stock way to make
/// unaccented queries match accented text).
pub fn tantivy_analyzer(ascii_folding: bool) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser);
    if ascii_folding {
        base.filter(AsciiFoldingFilter).build()
    } else {
        base.build()
    }
}

/// A tantivy index over the records: `id` (STRING, stored) and `body` (title and text,
/// indexed with positions like `TEXT`, not stored).
pub struct TantivyRanker {
    reader: IndexReader,
    analyzer: TextAnalyzer,
    id: Field,
    body: Field,
}

impl TantivyRanker {
    /// The name the analyzer is registered under in the index.
    const TOKENIZER: &'static str = "peer";

    /// Builds the index of `records` in `dir` with tantivy's default analyzer, plus
    /// `AsciiFoldingFilter` if `ascii_folding`.
    pub fn build(records: &[Record], dir: &Path, ascii_folding: bool) -> Result<TantivyRanker> {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING | STORED);
        let body = schema.add_text_field(
            "body",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(Self::TOKENIZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        std::fs::create_dir_all(dir)?;
        let index = Index::create_in_dir(dir, schema.build())?;
        let analyzer = tantivy_analyzer(ascii_folding);
        index
            .tokenizers()
            .register(Self::TOKENIZER, analyzer.clone());
        // One thread: one segment, so ties keep corpus order from run to run.
        let mut writer: IndexWriter =
            index.writer_with_num_threads(1, super::peers::WRITER_MEMORY)?;
        for record in records {
            let mut doc = TantivyDocument::new();
            doc.add_text(id, &record.id);
            doc.add_text(body, record.document_text());
            writer.add_document(doc)?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        Ok(TantivyRanker {
            reader: index.reader()?,
            analyzer,
            id,
            body,
        })
    }

    /// The query for free text: each distinct token of the index's own analyzer a
    /// `TermQuery` (frequencies, BM25), all `Should` in one `BooleanQuery`; `None` without
    /// tokens. A token is searched once however often it occurs: the query is the set of its
    /// words (with ASCII folding, `thế` and `the` are one token, not a doubled weight).
    pub fn query(&mut self, text: &str) -> Option<BooleanQuery> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut seen = HashSet::new();
        let mut stream = self.analyzer.token_stream(text);
        while stream.advance() {
            if !seen.insert(stream.token().text.clone()) {
                continue;
            }
            let term = Term::from_field_text(self.body, &stream.token().text);
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
            ));
        }
        (!clauses.is_empty()).then(|| BooleanQuery::new(clauses))
    }
}

impl Ranker for TantivyRanker {
    fn rank(&mut self, query: &str, k: usize) -> Result<Vec<String>> {
        let Some(query) = self.query(query) else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(k).order_by_score())?;
        let mut ids = Vec::with_capacity(top.len());
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let id = doc.get_first(self.id).and_then(|v| v.as_str());
            ids.push(id.ok_or("a hit without a stored id")?.to_string());
        }
        Ok(ids)
    }
}

/// An FTS5 table over the records: `id` (unindexed) and `body` (title and text),
/// `tokenize = 'unicode61 remove_diacritics 2'`.
pub struct Fts5Ranker {
    db: Connection,
}

impl Fts5Ranker {
    /// Builds the database of `records` at `path` (one transaction).
    pub fn build(records: &[Record], path: &Path) -> Result<Fts5Ranker> {
        crate::measure::remove_if_exists(path)?;
        let mut db = Connection::open(path)?;
        db.execute_batch(
            "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, body,
                 tokenize = 'unicode61 remove_diacritics 2');",
        )?;
        let tx = db.transaction()?;
        {
            let mut insert = tx.prepare("INSERT INTO docs (id, body) VALUES (?1, ?2)")?;
            for record in records {
                insert.execute(params![record.id, record.document_text()])?;
            }
        }
        tx.commit()?;
        Ok(Fts5Ranker { db })
    }
}

impl Ranker for Fts5Ranker {
    fn rank(&mut self, query: &str, k: usize) -> Result<Vec<String>> {
        let expr = super::peers::fts5::match_expression(query);
        if expr.is_empty() {
            return Ok(Vec::new());
        }
        // rowid breaks bm25 ties in corpus order, as the one-segment tantivy indexes do.
        let mut stmt = self.db.prepare_cached(
            "SELECT id FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs), rowid LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![expr, k as i64], |row| row.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// A directory under the system temporary directory, removed with everything in it when
/// dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `timkiem-relevance-<pid>-<n>` under [`std::env::temp_dir`].
    pub fn new() -> Result<TempDir> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("timkiem-relevance-{}-{n}", std::process::id()));
        std::fs::create_dir(&path)?;
        Ok(TempDir(path))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, title: &str, text: &str) -> Record {
        Record {
            id: id.into(),
            title: title.into(),
            text: text.into(),
        }
    }

    #[test]
    fn document_text_joins_title_and_text() {
        assert_eq!(
            record("1", "Huế", "Cố đô.").document_text(),
            "Huế\n\nCố đô."
        );
        assert_eq!(record("1", " ", "Cố đô.").document_text(), "Cố đô.");
        assert_eq!(record("1", "Huế", "").document_text(), "Huế");
    }

    /// Ranks three small documents with every peer: the accented query finds the accented
    /// document everywhere; the stripped one only where the analysis folds diacritics.
    #[test]
    fn peers_rank_accented_and_stripped_queries() {
        let records = [
            record("hue", "Huế", "Cố đô của Việt Nam, bên sông Hương."),
            record("hanoi", "Hà Nội", "Thủ đô của Việt Nam."),
            record("en", "", "An English text about rivers."),
        ];
        let work = TempDir::new().unwrap();
        for peer in Peer::ALL {
            let mut ranker = peer.build(&records, work.path()).unwrap();
            let accented = ranker.rank("sông Hương ở đâu?", 10).unwrap();
            assert_eq!(
                accented.first().map(String::as_str),
                Some("hue"),
                "{peer:?}"
            );
            let stripped = ranker
                .rank(&QueryMode::Stripped.apply("sông Hương ở đâu?"), 10)
                .unwrap();
            let folds = peer != Peer::TantivyDefault;
            assert_eq!(
                stripped.first().map(String::as_str) == Some("hue"),
                folds,
                "{peer:?}"
            );
            assert!(ranker.rank("?!", 10).unwrap().is_empty(), "{peer:?}");
        }
    }

    /// `unicode61` keeps combining marks inside a word, so FTS5 finds a decomposed (NFD)
    /// document with a precomposed or an unaccented query.
    #[test]
    fn fts5_matches_decomposed_text() {
        let records = [
            record("nfd", "", "Vie\u{0323}\u{0302}t Nam"),
            record("other", "", "Lào"),
        ];
        let work = TempDir::new().unwrap();
        let mut ranker = Peer::Fts5.build(&records, work.path()).unwrap();
        for query in ["Việt", "viet"] {
            assert_eq!(ranker.rank(query, 10).unwrap(), ["nfd"], "{query}");
        }
    }

    #[test]
    fn evaluation_skips_unjudged_queries() {
        let records = [record("a", "", "alpha"), record("b", "", "beta")];
        let work = TempDir::new().unwrap();
        let mut ranker = Peer::TantivyDefault.build(&records, work.path()).unwrap();
        let mut qrels = Qrels::default();
        qrels.insert("q1", "a", 1);
        qrels.insert("q2", "b", 0);
        let queries = [
            EvalQuery {
                id: "q1".into(),
                text: "alpha".into(),
            },
            EvalQuery {
                id: "q2".into(),
                text: "beta".into(),
            },
            EvalQuery {
                id: "q3".into(),
                text: "nothing".into(),
            },
        ];
        let m = evaluate(ranker.as_mut(), &queries, &qrels, QueryMode::Original).unwrap();
        assert_eq!(m.queries, 1);
        assert!((m.ndcg_10 - 1.0).abs() < 1e-12);
    }
}
