//! The document type the indexer hands to tantivy's writer.
//!
//! tantivy's own `TantivyDocument` keeps a pre-tokenized value as a JSON string: adding one
//! serialises every token to JSON on the worker thread, and indexing parses it back on
//! tantivy's indexing thread. [`IndexDoc`] holds each analysed field's tokens in the compact
//! encoding of [`super::tokens`], which the writer's tokenizers read back without allocating.
//!
//! Stored values (strings, integers, bytes) are handed over exactly as `TantivyDocument` hands
//! them, so what is read back with `searcher.doc::<TantivyDocument>` does not change.

use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf};
use tantivy::schema::{Document, Field, Value};

/// One value of an [`IndexDoc`].
#[derive(Debug)]
pub(crate) enum DocValue {
    /// A string, tokenized by the field's tokenizer (or stored as is).
    Str(String),
    /// An unsigned integer.
    U64(u64),
    /// A signed integer.
    I64(i64),
    /// Raw bytes.
    Bytes(Vec<u8>),
}

impl<'a> Value<'a> for &'a DocValue {
    type ArrayIter = std::iter::Empty<Self>;
    type ObjectIter = std::iter::Empty<(&'a str, Self)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        match self {
            DocValue::Str(s) => ReferenceValueLeaf::Str(s.as_str()).into(),
            DocValue::U64(v) => ReferenceValueLeaf::U64(*v).into(),
            DocValue::I64(v) => ReferenceValueLeaf::I64(*v).into(),
            DocValue::Bytes(b) => ReferenceValueLeaf::Bytes(b.as_slice()).into(),
        }
    }
}

/// A document for tantivy's writer: field values in the order they were added.
#[derive(Debug, Default)]
pub(crate) struct IndexDoc {
    values: Vec<(Field, DocValue)>,
}

impl IndexDoc {
    /// An empty document.
    pub(crate) fn new() -> Self {
        IndexDoc::default()
    }

    /// Adds a string value.
    pub(crate) fn add_text(&mut self, field: Field, text: &str) {
        self.values.push((field, DocValue::Str(text.to_string())));
    }

    /// Adds an unsigned integer value.
    pub(crate) fn add_u64(&mut self, field: Field, value: u64) {
        self.values.push((field, DocValue::U64(value)));
    }

    /// Adds a signed integer value.
    pub(crate) fn add_i64(&mut self, field: Field, value: i64) {
        self.values.push((field, DocValue::I64(value)));
    }

    /// Adds a bytes value.
    pub(crate) fn add_bytes(&mut self, field: Field, bytes: &[u8]) {
        self.values.push((field, DocValue::Bytes(bytes.to_vec())));
    }

    /// Adds the tokens of an analysed field, encoded by [`super::tokens::EncodedFields`]: a
    /// string that only the writer's decoding tokenizers understand (see `Index::encoded_tokens_writer`).
    pub(crate) fn add_tokens(&mut self, field: Field, encoded: String) {
        self.values.push((field, DocValue::Str(encoded)));
    }
}

type FieldValueRef<'a> = (Field, &'a DocValue);

fn field_value_ref(pair: &(Field, DocValue)) -> FieldValueRef<'_> {
    (pair.0, &pair.1)
}

impl Document for IndexDoc {
    type Value<'a> = &'a DocValue;
    type FieldsValuesIter<'a> = std::iter::Map<
        std::slice::Iter<'a, (Field, DocValue)>,
        fn(&'a (Field, DocValue)) -> FieldValueRef<'a>,
    >;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        let f: fn(&(Field, DocValue)) -> FieldValueRef<'_> = field_value_ref;
        self.values.iter().map(f)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tokens::{EncodedFields, EncodedTokenizer};
    use super::*;
    use crate::text::analyzer::{FieldKind, TokenSink};
    use tantivy::schema::{Schema, STORED, STRING, TEXT};
    use tantivy::{Index, TantivyDocument};

    #[test]
    fn stored_values_and_tokens_round_trip_like_tantivy_document() {
        let mut builder = Schema::builder();
        let name = builder.add_text_field("name", STRING | STORED);
        let n = builder.add_u64_field("n", STORED);
        let i = builder.add_i64_field("i", STORED);
        let raw = builder.add_bytes_field("raw", STORED);
        let body = builder.add_text_field("body", TEXT);
        let index = Index::create_in_ram(builder.build());
        // As on the writer's copy of a timkiem index: analysed fields take encoded tokens.
        index
            .tokenizers()
            .register("default", EncodedTokenizer::default());
        let mut writer = index
            .writer_with_num_threads::<IndexDoc>(1, 15 << 20)
            .unwrap();
        let mut doc = IndexDoc::new();
        doc.add_text(name, "Hà Nội");
        doc.add_u64(n, 7);
        doc.add_i64(i, -3);
        doc.add_bytes(raw, b"\xff\x00");
        let mut tokens = EncodedFields::default();
        tokens.push(FieldKind::Folded, &["hanoi"], 0, 5, 0);
        tokens.push(FieldKind::Folded, &["pho"], 6, 9, 3);
        doc.add_tokens(body, tokens.take(FieldKind::Folded));
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = tantivy::Term::from_field_text(body, "pho");
        let query = tantivy::query::TermQuery::new(
            term.clone(),
            tantivy::schema::IndexRecordOption::WithFreqsAndPositions,
        );
        let hits = searcher
            .search(&query, &tantivy::collector::DocSetCollector)
            .unwrap();
        assert_eq!(hits.len(), 1);
        let mut postings = searcher
            .segment_reader(0)
            .inverted_index(body)
            .unwrap()
            .read_postings(
                &term,
                tantivy::schema::IndexRecordOption::WithFreqsAndPositions,
            )
            .unwrap()
            .unwrap();
        let mut positions = Vec::new();
        tantivy::postings::Postings::positions(&mut postings, &mut positions);
        assert_eq!(positions, [3]);
        let stored: TantivyDocument = searcher.doc(*hits.iter().next().unwrap()).unwrap();
        let mut expected = TantivyDocument::new();
        expected.add_text(name, "Hà Nội");
        expected.add_u64(n, 7);
        expected.add_i64(i, -3);
        expected.add_bytes(raw, b"\xff\x00".as_slice());
        let schema = index.schema();
        assert_eq!(stored.to_json(&schema), expected.to_json(&schema));
    }
}
