//! BM25 with our own `k1` and `b`, over passage statistics.
//!
//! tantivy's [`TermQuery`](tantivy::query::TermQuery) scores with BM25 at fixed `k1 = 1.2`,
//! `b = 0.75`, and its statistics count every document of the index. A timkiem index also
//! holds one manifest document per file, which has no body tokens: counted as documents they
//! halve the average passage length (so every passage looks twice as long as it is) and skew
//! every idf. [`PassageStats`] counts passages only, and [`Bm25TermQuery`] scores one term with
//! the `k1`/`b` of the schema's `[ranking]`.

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    Bm25StatisticsProvider, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TantivyError, Term};

use super::terms::TermInfos;

/// BM25 statistics over the passage documents of a timkiem index only (manifest documents
/// carry no text and are left out).
pub struct PassageStats<'a> {
    searcher: &'a Searcher,
    /// Where document frequencies are looked up.
    terms: &'a TermInfos,
    passages: u64,
}

impl<'a> PassageStats<'a> {
    /// Statistics of `searcher`'s index, whose `kind` field marks passages with `passage_kind`,
    /// with document frequencies looked up through `terms`.
    pub fn new(
        searcher: &'a Searcher,
        kind: Field,
        passage_kind: &str,
        terms: &'a TermInfos,
    ) -> tantivy::Result<Self> {
        let passages = terms.doc_freq(searcher, &Term::from_field_text(kind, passage_kind))?;
        Ok(PassageStats {
            searcher,
            terms,
            // An index without passages still has documents to divide by.
            passages: passages.max(1),
        })
    }
}

impl Bm25StatisticsProvider for PassageStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.passages)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        // Never more than the documents counted, or idf would go negative.
        Ok(self.terms.doc_freq(self.searcher, term)?.min(self.passages))
    }
}

/// The BM25 parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bm25Params {
    /// Term-frequency saturation.
    pub k1: f32,
    /// Length normalisation (0 = none, 1 = full).
    pub b: f32,
}

/// BM25's length normalisation of `field` over `docs` passages: the average field length, and
/// `k1 * (1 - b + b * length / average_length)` per fieldnorm id (shared by every scorer that
/// normalises by passage length, so they all normalise alike).
pub(crate) fn length_norms(
    stats: &dyn Bm25StatisticsProvider,
    field: Field,
    docs: u64,
    params: Bm25Params,
) -> tantivy::Result<(f32, Arc<[f32; 256]>)> {
    let tokens = stats.total_num_tokens(field)?;
    let average_length = (tokens as f32 / docs as f32).max(1.0);
    let Bm25Params { k1, b } = params;
    let mut norms = [0.0f32; 256];
    for (id, norm) in norms.iter_mut().enumerate() {
        let length = FieldNormReader::id_to_fieldnorm(id as u8) as f32;
        *norm = k1 * (1.0 - b + b * length / average_length);
    }
    Ok((average_length, Arc::new(norms)))
}

/// The field lengths of `field` in `reader` (1 for every passage when the field keeps none).
pub(crate) fn fieldnorms(reader: &SegmentReader, field: Field) -> tantivy::Result<FieldNormReader> {
    Ok(match reader.fieldnorms_readers().get_field(field)? {
        Some(norms) => norms,
        None => FieldNormReader::constant(reader.max_doc(), 1),
    })
}

/// One term scored by BM25 with explicit [`Bm25Params`].
#[derive(Debug, Clone)]
pub struct Bm25TermQuery {
    term: Term,
    params: Bm25Params,
    /// The field whose lengths normalise the term's frequency (usually the term's own).
    lengths: Field,
    /// Where the term's postings are looked up (its own segments' dictionaries if `None`).
    terms: Option<Arc<TermInfos>>,
}

impl Bm25TermQuery {
    /// A query for `term` scored with `params`.
    pub fn new(term: Term, params: Bm25Params) -> Self {
        let lengths = term.field();
        Bm25TermQuery {
            term,
            params,
            lengths,
            terms: None,
        }
    }

    /// The same query, opening its postings through `terms` (which remembers the lookup).
    pub fn with_term_infos(mut self, terms: Arc<TermInfos>) -> Self {
        self.terms = Some(terms);
        self
    }

    /// The same query, normalised by the lengths of `field` instead of the term's own field:
    /// for a field that holds only some of a passage's words (`english`, which leaves
    /// syllables to `folded`), where the passage's length is still its length in words.
    pub fn with_lengths_of(mut self, field: Field) -> Self {
        self.lengths = field;
        self
    }
}

/// `log(1 + (N - n + 0.5) / (n + 0.5))`, as Lucene and tantivy compute it.
pub(crate) fn idf(doc_freq: u64, docs: u64) -> f32 {
    let n = doc_freq.min(docs) as f32;
    (1.0 + (docs as f32 - n + 0.5) / (n + 0.5)).ln()
}

impl Bm25TermQuery {
    /// The weight of this query, concrete, so that [`super::prune`] can read its score bound.
    pub(crate) fn bm25_weight(
        &self,
        scoring: EnableScoring<'_>,
    ) -> tantivy::Result<Bm25TermWeight> {
        let EnableScoring::Enabled {
            statistics_provider: stats,
            ..
        } = scoring
        else {
            return Ok(Bm25TermWeight {
                term: self.term.clone(),
                terms: self.terms.clone(),
                lengths: self.lengths,
                idf: 0.0,
                k1: self.params.k1,
                doc_freq: 0,
                docs: 0,
                average_length: 1.0,
                norms: Arc::new([0.0; 256]),
            });
        };
        let docs = stats.total_num_docs()?.max(1);
        let doc_freq = stats.doc_freq(&self.term)?;
        let (average_length, norms) = length_norms(stats, self.lengths, docs, self.params)?;
        Ok(Bm25TermWeight {
            term: self.term.clone(),
            terms: self.terms.clone(),
            lengths: self.lengths,
            idf: idf(doc_freq, docs),
            k1: self.params.k1,
            doc_freq,
            docs,
            average_length,
            norms,
        })
    }
}

impl Query for Bm25TermQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.bm25_weight(scoring)?))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

/// The [`Weight`] of a [`Bm25TermQuery`].
pub(crate) struct Bm25TermWeight {
    term: Term,
    terms: Option<Arc<TermInfos>>,
    /// The field whose lengths normalise (see [`Bm25TermQuery::with_lengths_of`]).
    lengths: Field,
    idf: f32,
    k1: f32,
    doc_freq: u64,
    docs: u64,
    average_length: f32,
    /// `k1 * (1 - b + b * length / average_length)` per fieldnorm id.
    norms: Arc<[f32; 256]>,
}

impl Bm25TermWeight {
    /// The highest score a scorer made with `boost` can give: `tf / (tf + norm)` stays below
    /// 1, so a passage never scores more than `idf * (k1 + 1) * boost`. Computed with the same
    /// float operations as [`Bm25Scorer`]'s weight, so the bound is never below a real score.
    pub(crate) fn max_score(&self, boost: Score) -> Score {
        self.idf * (self.k1 + 1.0) * boost
    }

    fn postings(&self, reader: &SegmentReader) -> tantivy::Result<Option<Bm25Scorer>> {
        let option = IndexRecordOption::WithFreqs;
        let found = match &self.terms {
            Some(terms) => terms.read_postings(reader, &self.term, option)?,
            None => reader
                .inverted_index(self.term.field())?
                .read_postings(&self.term, option)?,
        };
        let Some(postings) = found else {
            return Ok(None);
        };
        let fieldnorms = fieldnorms(reader, self.lengths)?;
        Ok(Some(Bm25Scorer {
            postings,
            fieldnorms,
            weight: self.idf * (self.k1 + 1.0),
            norms: self.norms.clone(),
        }))
    }
}

impl Weight for Bm25TermWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.postings(reader)? {
            Some(mut scorer) => {
                scorer.weight *= boost;
                Box::new(scorer)
            }
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_matched =
            || TantivyError::InvalidArgument(format!("document {doc} does not match"));
        let mut scorer = self.postings(reader)?.ok_or_else(not_matched)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(not_matched());
        }
        let tf = scorer.postings.term_freq() as f32;
        let length = scorer.fieldnorms.fieldnorm(doc) as f32;
        let field = reader.schema().get_field_name(self.term.field());
        let mut explanation = Explanation::new_with_string(
            format!("{field}:{:?}", self.term.value().as_str().unwrap_or("?")),
            scorer.score(),
        );
        explanation.add_const("idf", self.idf);
        explanation.add_const("n, passages with the term", self.doc_freq as f32);
        explanation.add_const("N, passages", self.docs as f32);
        explanation.add_const("tf", tf);
        explanation.add_const("passage length", length);
        explanation.add_const("average length", self.average_length);
        Ok(explanation)
    }
}

/// The scorer of a [`Bm25TermWeight`] in one segment; concrete so that [`super::prune`] can
/// call it without dynamic dispatch in its inner loops.
pub(crate) struct Bm25Scorer {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    /// `idf * (k1 + 1) * boost`.
    weight: f32,
    norms: Arc<[f32; 256]>,
}

impl DocSet for Bm25Scorer {
    #[inline]
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    #[inline]
    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    #[inline]
    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for Bm25Scorer {
    #[inline]
    fn score(&mut self) -> Score {
        let doc = self.postings.doc();
        let tf = self.postings.term_freq() as f32;
        let norm = self.norms[self.fieldnorms.fieldnorm_id(doc) as usize];
        self.weight * tf / (tf + norm)
    }
}
