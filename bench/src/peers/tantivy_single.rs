//! The simplest fair tantivy index: one document per file, a stored `path`, and a `text` field
//! both stored and indexed with the default tokenizer (positions included, like `TEXT`).

use std::path::{Path, PathBuf};

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, Schema, STORED, STRING, TEXT};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, TantivyDocument};

use super::{count_stored_paths, rel_path, QueryEngine, WRITER_MEMORY};
use crate::Result;

/// Builds the index of `files` (under `root`) at `out` with `threads` indexing threads.
pub fn build(root: &Path, files: &[PathBuf], out: &Path, threads: usize) -> Result<()> {
    let mut schema = Schema::builder();
    let path = schema.add_text_field("path", STRING | STORED);
    let text = schema.add_text_field("text", TEXT | STORED);
    std::fs::create_dir_all(out)?;
    let index = Index::create_in_dir(out, schema.build())?;
    let mut writer: IndexWriter = index.writer_with_num_threads(threads, WRITER_MEMORY)?;
    for file in files {
        let body = std::fs::read_to_string(file)?;
        let mut doc = TantivyDocument::new();
        doc.add_text(path, rel_path(root, file));
        doc.add_text(text, body);
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// Turns free text into a query string the parser always accepts: the default tokenizer's
/// tokens (lowercase alphanumerics, so no operator or `AND`/`OR` survives), space-separated.
pub fn sanitise(analyzer: &mut TextAnalyzer, query: &str) -> String {
    let mut out = String::new();
    let mut stream = analyzer.token_stream(query);
    while stream.advance() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&stream.token().text);
    }
    out
}

/// Searches a single-field index: `QueryParser` over `text` (OR of the words), top 10 by BM25,
/// each hit's stored path fetched.
pub struct TantivySingle {
    reader: IndexReader,
    parser: QueryParser,
    analyzer: TextAnalyzer,
    path: Field,
}

impl TantivySingle {
    /// Opens the index at `dir`.
    pub fn open(dir: &Path) -> Result<TantivySingle> {
        let index = Index::open_in_dir(dir)?;
        let schema = index.schema();
        let text = schema.get_field("text")?;
        let path = schema.get_field("path")?;
        let analyzer = index
            .tokenizers()
            .get("default")
            .ok_or("no default tokenizer")?;
        Ok(TantivySingle {
            reader: index.reader()?,
            parser: QueryParser::for_index(&index, vec![text]),
            analyzer,
            path,
        })
    }
}

impl QueryEngine for TantivySingle {
    fn search(&mut self, query: &str) -> Result<usize> {
        let clean = sanitise(&mut self.analyzer, query);
        if clean.is_empty() {
            return Ok(0);
        }
        let query = self.parser.parse_query(&clean)?;
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(10).order_by_score())?;
        count_stored_paths(&searcher, top, self.path)
    }
}
