//! The proximity bonus: two query words found near each other in a passage.
//!
//! tantivy's [`PhraseQuery`](tantivy::query::PhraseQuery) scores a phrase with the *sum* of
//! its words' idf, so `networks of` weighs almost as much as `networks` again: a pair holding
//! one stopword re-rewards its content word. [`ProximityQuery`] scores a pair of terms with the
//! *smaller* of the two idfs instead (a pair is only as telling as its commoner word), and
//! counts occurrences within a window of positions rather than exact adjacency, each one
//! weighted by how close it is (`1 / distance`): `bệnh nhân ... tiêm` still counts, less than
//! `bệnh nhân tiêm`. The pair is matched in either order (`tiêm vaccine` meets
//! `vaccine được tiêm`), an order reversed counting as one more position apart.
//!
//! The per-passage frequency is then saturated like a BM25 term frequency, with the schema's
//! `k1` and `b`.

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

use super::bm25::{fieldnorms, idf, length_norms, Bm25Params};

/// Two terms of one positional field, scored by how often they occur within `window`
/// positions of each other.
#[derive(Debug, Clone)]
pub struct ProximityQuery {
    first: Term,
    second: Term,
    window: u32,
    params: Bm25Params,
}

impl ProximityQuery {
    /// `first` then `second` (as typed; the other order also counts, one position further),
    /// at most `window` positions apart (1 = adjacent), scored with `params`. Both terms must
    /// be of the same field, indexed with positions.
    pub fn new(first: Term, second: Term, window: u32, params: Bm25Params) -> Self {
        ProximityQuery {
            first,
            second,
            window: window.max(1),
            params,
        }
    }
}

impl ProximityQuery {
    /// The weight of this query and the highest score its scorers can give with `boost`:
    /// `freq / (freq + norm)` stays below 1, so a passage never scores more than
    /// `boost * idf * (k1 + 1)`, computed with the scorer's own float operations.
    pub(crate) fn weight_and_bound(
        &self,
        scoring: EnableScoring<'_>,
        boost: Score,
    ) -> tantivy::Result<(Box<dyn Weight>, Score)> {
        let weight = self.proximity_weight(scoring)?;
        let bound = boost * weight.idf * (weight.k1 + 1.0);
        Ok((Box::new(weight), bound))
    }

    fn proximity_weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<ProximityWeight> {
        let mut weight = ProximityWeight {
            terms: [self.first.clone(), self.second.clone()],
            window: self.window,
            idf: 0.0,
            k1: self.params.k1,
            average_length: 1.0,
            norms: Arc::new([0.0; 256]),
        };
        let EnableScoring::Enabled {
            statistics_provider: stats,
            ..
        } = scoring
        else {
            return Ok(weight);
        };
        let docs = stats.total_num_docs()?.max(1);
        let rarest_common = stats
            .doc_freq(&self.first)?
            .max(stats.doc_freq(&self.second)?);
        (weight.average_length, weight.norms) =
            length_norms(stats, self.first.field(), docs, self.params)?;
        weight.idf = idf(rarest_common, docs);
        Ok(weight)
    }
}

impl Query for ProximityQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.proximity_weight(scoring)?))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.first, true);
        visitor(&self.second, true);
    }
}

struct ProximityWeight {
    terms: [Term; 2],
    window: u32,
    /// The smaller idf of the two terms.
    idf: f32,
    k1: f32,
    average_length: f32,
    /// `k1 * (1 - b + b * length / average_length)` per fieldnorm id.
    norms: Arc<[f32; 256]>,
}

impl ProximityWeight {
    fn scorer_for(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Option<Pairs>> {
        let field = self.terms[0].field();
        let inverted = reader.inverted_index(field)?;
        let option = IndexRecordOption::WithFreqsAndPositions;
        let Some(first) = inverted.read_postings(&self.terms[0], option)? else {
            return Ok(None);
        };
        let Some(second) = inverted.read_postings(&self.terms[1], option)? else {
            return Ok(None);
        };
        let fieldnorms = fieldnorms(reader, field)?;
        let mut pairs = Pairs {
            first,
            second,
            window: self.window,
            fieldnorms,
            weight: boost * self.idf * (self.k1 + 1.0),
            norms: self.norms.clone(),
            freq: 0.0,
            buffers: (Vec::new(), Vec::new()),
        };
        pairs.settle();
        Ok(Some(pairs))
    }
}

impl Weight for ProximityWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.scorer_for(reader, boost)? {
            Some(pairs) => Box::new(pairs),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_matched =
            || TantivyError::InvalidArgument(format!("document {doc} does not match"));
        let mut pairs = self.scorer_for(reader, 1.0)?.ok_or_else(not_matched)?;
        if pairs.doc() > doc || pairs.seek(doc) != doc {
            return Err(not_matched());
        }
        let field = reader.schema().get_field_name(self.terms[0].field());
        let text = |t: &Term| t.value().as_str().unwrap_or("?").to_string();
        let mut explanation = Explanation::new_with_string(
            format!(
                "{field}:{:?} near {:?} (within {})",
                text(&self.terms[0]),
                text(&self.terms[1]),
                self.window
            ),
            pairs.score(),
        );
        explanation.add_const("idf, the smaller of the two", self.idf);
        explanation.add_const("tf, pairs weighted 1/distance", pairs.freq);
        explanation.add_const(
            "passage length",
            pairs.fieldnorms.fieldnorm(pairs.doc()) as f32,
        );
        explanation.add_const("average length", self.average_length);
        Ok(explanation)
    }
}

/// The passages holding both terms within the window, with their weighted pair counts.
struct Pairs {
    first: SegmentPostings,
    second: SegmentPostings,
    window: u32,
    fieldnorms: FieldNormReader,
    /// `idf * (k1 + 1) * boost`.
    weight: f32,
    norms: Arc<[f32; 256]>,
    /// The current passage's pairs, each weighted `1 / distance`.
    freq: f32,
    buffers: (Vec<u32>, Vec<u32>),
}

impl Pairs {
    /// Moves both postings forward to the first passage at or after the current one that
    /// holds both terms close enough, computing its `freq`.
    fn settle(&mut self) -> DocId {
        let mut doc = self.first.doc();
        loop {
            if doc == TERMINATED {
                self.freq = 0.0;
                return TERMINATED;
            }
            // `seek` only moves forward (tantivy asserts it in debug builds).
            let other = if self.second.doc() < doc {
                self.second.seek(doc)
            } else {
                self.second.doc()
            };
            if other != doc {
                doc = self.first.seek(other);
                continue;
            }
            self.freq = self.pair_freq();
            if self.freq > 0.0 {
                return doc;
            }
            doc = self.first.advance();
        }
    }

    /// Weighted count of the pairs in the current passage: each occurrence of the first term
    /// counts its nearest occurrence of the second within the window, `1 / distance`.
    fn pair_freq(&mut self) -> f32 {
        let (a, b) = &mut self.buffers;
        self.first.positions(a);
        self.second.positions(b);
        let window = self.window as i64;
        let mut freq = 0.0;
        let mut j = 0;
        for &p in a.iter() {
            let p = i64::from(p);
            // Positions of `b` are sorted: skip the ones too far before `p`.
            while j < b.len() && i64::from(b[j]) < p - window {
                j += 1;
            }
            let mut nearest = i64::MAX;
            for &q in &b[j..] {
                let q = i64::from(q);
                if q > p + window {
                    break;
                }
                if q == p {
                    // The same token: a pair of one word repeated (`ha ha`) needs two.
                    continue;
                }
                // As typed (`b` after `a`) the distance is `q - p`; reversed, one more.
                let distance = if q > p { q - p } else { p - q + 1 };
                nearest = nearest.min(distance);
            }
            if nearest <= window {
                freq += 1.0 / nearest as f32;
            }
        }
        freq
    }
}

impl DocSet for Pairs {
    fn advance(&mut self) -> DocId {
        self.first.advance();
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.first.doc() >= target {
            return self.first.doc();
        }
        self.first.seek(target);
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.first.doc()
    }

    fn size_hint(&self) -> u32 {
        self.first.size_hint().min(self.second.size_hint())
    }
}

impl Scorer for Pairs {
    fn score(&mut self) -> Score {
        let norm = self.norms[self.fieldnorms.fieldnorm_id(self.doc()) as usize];
        self.weight * self.freq / (self.freq + norm)
    }
}
