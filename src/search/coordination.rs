//! The coordination bonus: passages that match more of the query's distinct words.
//!
//! BM25 sums what each word contributes, so a passage can outrank one holding every query
//! word by repeating a few of them. [`CoordinationQuery`] adds `weight × Σidf × c²`, where `c`
//! is the share of the query's idf mass (its distinct words, each by its idf) that the passage
//! holds: nothing for a passage with one common word, the most for one with them all.
//! Each word is looked up by one term (its stemmed `english` form, which for a Vietnamese
//! syllable is its folded form); words the index does not hold count for no one.

use tantivy::postings::SegmentPostings;
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

use super::bm25::idf;

/// The distinct terms of a query, one per word, scored by how much of their idf a passage
/// holds.
#[derive(Debug, Clone)]
pub struct CoordinationQuery {
    terms: Vec<Term>,
}

impl CoordinationQuery {
    /// A bonus over `terms` (duplicates are counted once).
    pub fn new(mut terms: Vec<Term>) -> Self {
        terms.sort();
        terms.dedup();
        CoordinationQuery { terms }
    }
}

impl Query for CoordinationQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let mut terms = Vec::new();
        if let EnableScoring::Enabled {
            statistics_provider: stats,
            ..
        } = scoring
        {
            let docs = stats.total_num_docs()?.max(1);
            for term in &self.terms {
                let doc_freq = stats.doc_freq(term)?;
                if doc_freq > 0 {
                    terms.push((term.clone(), idf(doc_freq, docs)));
                }
            }
        }
        let total = terms.iter().map(|t| t.1).sum();
        Ok(Box::new(CoordinationWeight { terms, total }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for term in &self.terms {
            visitor(term, false);
        }
    }
}

struct CoordinationWeight {
    /// The words the index holds, with their idf.
    terms: Vec<(Term, f32)>,
    /// The idf mass of the query.
    total: f32,
}

impl CoordinationWeight {
    fn covered(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Option<Covered>> {
        let mut postings = Vec::new();
        for (term, idf) in &self.terms {
            let inverted = reader.inverted_index(term.field())?;
            if let Some(p) = inverted.read_postings(term, IndexRecordOption::Basic)? {
                postings.push((p, *idf));
            }
        }
        if postings.is_empty() || self.total <= 0.0 {
            return Ok(None);
        }
        let mut covered = Covered {
            postings,
            total: self.total,
            boost,
            doc: 0,
        };
        covered.doc = covered.min_doc();
        Ok(Some(covered))
    }
}

impl Weight for CoordinationWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.covered(reader, boost)? {
            Some(covered) => Box::new(covered),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_matched =
            || TantivyError::InvalidArgument(format!("document {doc} does not match"));
        let mut covered = self.covered(reader, 1.0)?.ok_or_else(not_matched)?;
        if covered.doc() > doc || covered.seek(doc) != doc {
            return Err(not_matched());
        }
        let matched = covered.matched();
        let mut explanation = Explanation::new_with_string(
            format!(
                "coordination: {} of {} query words",
                covered
                    .postings
                    .iter()
                    .filter(|(p, _)| p.doc() == doc)
                    .count(),
                self.terms.len()
            ),
            covered.score(),
        );
        explanation.add_const("idf of the words matched", matched);
        explanation.add_const("idf of all query words", self.total);
        Ok(explanation)
    }
}

/// The union of the words' postings.
struct Covered {
    postings: Vec<(SegmentPostings, f32)>,
    total: f32,
    boost: Score,
    doc: DocId,
}

impl Covered {
    fn min_doc(&self) -> DocId {
        self.postings
            .iter()
            .map(|(p, _)| p.doc())
            .min()
            .unwrap_or(TERMINATED)
    }

    /// The idf mass of the words in the current passage.
    fn matched(&self) -> f32 {
        self.postings
            .iter()
            .filter(|(p, _)| p.doc() == self.doc)
            .map(|(_, idf)| idf)
            .sum()
    }
}

impl DocSet for Covered {
    fn advance(&mut self) -> DocId {
        let doc = self.doc;
        for (p, _) in &mut self.postings {
            if p.doc() == doc {
                p.advance();
            }
        }
        self.doc = self.min_doc();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        for (p, _) in &mut self.postings {
            if p.doc() < target {
                p.seek(target);
            }
        }
        self.doc = self.min_doc();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.postings
            .iter()
            .map(|(p, _)| p.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for Covered {
    fn score(&mut self) -> Score {
        let share = self.matched() / self.total;
        self.boost * self.total * share * share
    }
}
