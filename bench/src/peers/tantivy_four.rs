//! tantivy with timkiem's four body fields but stock tokenizers — what a tantivy user gets
//! without timkiem's analysis, at the same indexing cost structure:
//!
//! | field     | tokenizer                                   | record options  |
//! |-----------|---------------------------------------------|-----------------|
//! | `exact`   | default (simple + remove long + lowercase)  | positions       |
//! | `folded`  | default + `AsciiFoldingFilter`              | positions       |
//! | `joined`  | default (no stock syllable joiner exists)   | frequencies     |
//! | `english` | default + English `Stemmer`                 | frequencies     |
//!
//! The text is stored once, with the path; one document per file.

use std::path::{Path, PathBuf};

use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STORED, STRING};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{Index, IndexWriter, TantivyDocument};

use super::{rel_path, WRITER_MEMORY};
use crate::Result;

fn indexed(tokenizer: &str, positions: bool) -> TextOptions {
    let record = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

/// Builds the index of `files` (under `root`) at `out` with `threads` indexing threads.
pub fn build(root: &Path, files: &[PathBuf], out: &Path, threads: usize) -> Result<()> {
    let mut schema = Schema::builder();
    let path = schema.add_text_field("path", STRING | STORED);
    let text = schema.add_text_field("text", STORED);
    let fields = [
        schema.add_text_field("exact", indexed("default", true)),
        schema.add_text_field("folded", indexed("stock_folded", true)),
        schema.add_text_field("joined", indexed("default", false)),
        schema.add_text_field("english", indexed("stock_english", false)),
    ];
    std::fs::create_dir_all(out)?;
    let index = Index::create_in_dir(out, schema.build())?;
    let base = || {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
    };
    index
        .tokenizers()
        .register("stock_folded", base().filter(AsciiFoldingFilter).build());
    index.tokenizers().register(
        "stock_english",
        base().filter(Stemmer::new(Language::English)).build(),
    );
    let mut writer: IndexWriter = index.writer_with_num_threads(threads, WRITER_MEMORY)?;
    for file in files {
        let body = std::fs::read_to_string(file)?;
        let mut doc = TantivyDocument::new();
        doc.add_text(path, rel_path(root, file));
        for field in fields {
            doc.add_text(field, &body);
        }
        doc.add_text(text, body);
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}
