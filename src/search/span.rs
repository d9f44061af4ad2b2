//! The span bonus: many of the query's words within one short stretch of a passage.
//!
//! A question is usually written from one sentence of the passage that answers it, so that
//! passage holds many of the question's words close together, where a neighbouring passage on
//! the same subject may hold as many of them scattered over its length. [`SpanQuery`] finds,
//! in each passage, the stretch of at most `window` positions that holds the largest idf mass
//! of distinct query words (each word's idf times its weight), and adds
//! `weight × mass × (mass / total)`, where `total` is the query's idf mass: nothing for a
//! passage whose stretches hold one word each, the most for one holding all the words in one
//! stretch. Positions are read on one positional field (`folded`); a word matched by its
//! English stem elsewhere in the ranking (`liquids` meets `liquid`) counts here by any folded
//! form with that stem, found in each segment's term dictionary.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

use super::bm25::idf;
use crate::text::analyzer::Analyzer;

/// Most terms of a segment's dictionary read to find the forms of one stem.
const MAX_SCANNED: usize = 4096;
/// Most forms of one stem looked up.
const MAX_FORMS: usize = 32;

/// One query word of a [`SpanQuery`].
#[derive(Debug, Clone)]
pub struct SpanWord {
    /// The word's token in the positional field.
    pub term: Term,
    /// The term whose document frequency gives the word's idf.
    pub idf_term: Term,
    /// The word's weight (its idf is multiplied by it).
    pub weight: f32,
    /// When set, every token of the positional field with this English stem counts as the
    /// word.
    pub stem: Option<String>,
}

/// The distinct words of a query, each with a weight, scored by their densest stretch.
#[derive(Clone)]
pub struct SpanQuery {
    words: Vec<SpanWord>,
    window: u32,
    analyzer: Analyzer,
}

impl std::fmt::Debug for SpanQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpanQuery")
            .field("words", &self.words)
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl SpanQuery {
    /// A bonus over `words` (a word repeated, by its idf term, keeps its largest weight), all
    /// of one positional field, within `window` positions (at least 2); `analyzer` gives the
    /// stems of the field's tokens.
    pub fn new(mut words: Vec<SpanWord>, window: u32, analyzer: Analyzer) -> Self {
        words.sort_by(|a, b| {
            a.idf_term
                .cmp(&b.idf_term)
                .then(b.weight.total_cmp(&a.weight))
        });
        words.dedup_by(|a, b| a.idf_term == b.idf_term);
        SpanQuery {
            words,
            window: window.max(2),
            analyzer,
        }
    }

    /// The weight of this query and the highest score its scorers can give with `boost`:
    /// a stretch holds at most every word, so the mass never exceeds the total.
    pub(crate) fn weight_and_bound(
        &self,
        scoring: EnableScoring<'_>,
        boost: Score,
    ) -> tantivy::Result<(Box<dyn Weight>, Score)> {
        let weight = self.span_weight(scoring)?;
        let bound = boost * weight.total * 1.001;
        Ok((Box::new(weight), bound))
    }

    fn span_weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<SpanWeight> {
        let mut words = Vec::new();
        if let EnableScoring::Enabled {
            statistics_provider: stats,
            ..
        } = scoring
        {
            let docs = stats.total_num_docs()?.max(1);
            for w in &self.words {
                let doc_freq = stats.doc_freq(&w.idf_term)?;
                if doc_freq > 0 {
                    words.push((w.clone(), w.weight * idf(doc_freq, docs)));
                }
            }
        }
        let total = words.iter().map(|t| t.1).sum();
        Ok(SpanWeight {
            words,
            total,
            window: self.window,
            analyzer: self.analyzer.clone(),
        })
    }
}

impl Query for SpanQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.span_weight(scoring)?))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for w in &self.words {
            visitor(&w.term, true);
        }
    }
}

struct SpanWeight {
    /// The words the index holds, with their weighted idf.
    words: Vec<(SpanWord, f32)>,
    total: f32,
    window: u32,
    analyzer: Analyzer,
}

impl SpanWeight {
    fn spans(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Option<Spans>> {
        let mut postings = Vec::new();
        let mut found = 0;
        let option = IndexRecordOption::WithFreqsAndPositions;
        for (i, (w, _)) in self.words.iter().enumerate() {
            let inverted = reader.inverted_index(w.term.field())?;
            let before = postings.len();
            if let Some(p) = inverted.read_postings(&w.term, option)? {
                postings.push((p, i));
            }
            if let Some(stem) = &w.stem {
                // The stem's forms start with all of it but its last letter (`studi`: `study`).
                let value = w.term.value();
                let own = value.as_str().unwrap_or("");
                let cut = stem.char_indices().last().map_or(0, |(at, _)| at);
                let prefix = &stem[..cut];
                if prefix.len() >= 2 {
                    let dict = inverted.terms();
                    let mut stream = dict.range().ge(prefix.as_bytes()).into_stream()?;
                    let (mut scanned, mut forms) = (0, 0);
                    while stream.advance() && scanned < MAX_SCANNED && forms < MAX_FORMS {
                        scanned += 1;
                        let Ok(key) = std::str::from_utf8(stream.key()) else {
                            continue;
                        };
                        if !key.starts_with(prefix) {
                            break;
                        }
                        if key != own && self.analyzer.english_form(key) == *stem {
                            forms += 1;
                            let p = inverted.read_postings_from_terminfo(stream.value(), option)?;
                            postings.push((p, i));
                        }
                    }
                }
            }
            if postings.len() > before {
                found += 1;
            }
        }
        if found < 2 || self.total <= 0.0 {
            return Ok(None);
        }
        let mut spans = Spans {
            values: self.words.iter().map(|w| w.1).collect(),
            postings,
            window: self.window,
            boost,
            total: self.total,
            doc: 0,
            mass: 0.0,
            buffer: Vec::new(),
            merged: Vec::new(),
            counts: Vec::new(),
        };
        spans.settle();
        Ok(Some(spans))
    }
}

impl Weight for SpanWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.spans(reader, boost)? {
            Some(s) => Box::new(s),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_matched =
            || TantivyError::InvalidArgument(format!("document {doc} does not match"));
        let mut spans = self.spans(reader, 1.0)?.ok_or_else(not_matched)?;
        if spans.doc() > doc || spans.seek(doc) != doc {
            return Err(not_matched());
        }
        let mut explanation = Explanation::new_with_string(
            format!("densest stretch of {} positions", self.window),
            spans.score(),
        );
        explanation.add_const("idf mass of the stretch", spans.mass);
        explanation.add_const("idf mass of the query", self.total);
        Ok(explanation)
    }
}

/// The passages where at least two query words fall within one window.
struct Spans {
    /// Each form's postings, with the index of its word.
    postings: Vec<(SegmentPostings, usize)>,
    /// Each word's weighted idf.
    values: Vec<f32>,
    window: u32,
    boost: Score,
    total: f32,
    doc: DocId,
    /// The current passage's best stretch mass.
    mass: f32,
    buffer: Vec<u32>,
    merged: Vec<(u32, usize)>,
    counts: Vec<u32>,
}

impl Spans {
    fn settle(&mut self) -> DocId {
        loop {
            let doc = self
                .postings
                .iter()
                .map(|p| p.0.doc())
                .min()
                .unwrap_or(TERMINATED);
            self.doc = doc;
            if doc == TERMINATED {
                self.mass = 0.0;
                return doc;
            }
            let mut words = self
                .postings
                .iter()
                .filter(|p| p.0.doc() == doc)
                .map(|p| p.1);
            let first = words.next();
            if words.any(|w| Some(w) != first) {
                self.mass = self.best_mass();
                if self.mass > 0.0 {
                    return doc;
                }
            }
            for p in &mut self.postings {
                if p.0.doc() == doc {
                    p.0.advance();
                }
            }
        }
    }

    /// The largest mass of distinct words (two at least) within one window of the current
    /// passage.
    fn best_mass(&mut self) -> f32 {
        let doc = self.doc;
        self.merged.clear();
        for (p, i) in self.postings.iter_mut() {
            let i = *i;
            if p.doc() == doc {
                p.positions(&mut self.buffer);
                self.merged.extend(self.buffer.iter().map(|&pos| (pos, i)));
            }
        }
        self.merged.sort_unstable();
        self.counts.clear();
        self.counts.resize(self.values.len(), 0);
        let (mut mass, mut distinct, mut best) = (0.0f32, 0usize, 0.0f32);
        let mut start = 0;
        for end in 0..self.merged.len() {
            let (pos, i) = self.merged[end];
            if self.counts[i] == 0 {
                mass += self.values[i];
                distinct += 1;
            }
            self.counts[i] += 1;
            while pos - self.merged[start].0 >= self.window {
                let j = self.merged[start].1;
                self.counts[j] -= 1;
                if self.counts[j] == 0 {
                    mass -= self.values[j];
                    distinct -= 1;
                }
                start += 1;
            }
            if distinct >= 2 && mass > best {
                best = mass;
            }
        }
        best.max(0.0)
    }
}

impl DocSet for Spans {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let doc = self.doc;
        for p in &mut self.postings {
            if p.0.doc() == doc {
                p.0.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for p in &mut self.postings {
            if p.0.doc() < target {
                p.0.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.postings
            .iter()
            .map(|p| p.0.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for Spans {
    fn score(&mut self) -> Score {
        let share = (self.mass / self.total).min(1.0);
        self.boost * self.mass * share
    }
}
