//! The span bonus: many of the query's words within one short stretch of a passage.
//!
//! A question is usually written from one sentence of the passage that answers it, so that
//! passage holds many of the question's words close together, where a neighbouring passage on
//! the same subject may hold as many of them scattered over its length. [`SpanBonus`] finds,
//! in a passage, the stretch of at most `window` positions that holds the largest idf mass of
//! distinct query words (each word's idf times its weight), and adds
//! `weight × mass × (mass / total)`, where `total` is the query's idf mass: nothing for a
//! passage whose stretches hold one word each, the most for one holding all the words in one
//! stretch. Positions are read on one positional field (`folded`); a word matched by its
//! English stem elsewhere in the ranking (`liquids` meets `liquid`) counts here by any folded
//! form with that stem, found in each segment's term dictionary.
//!
//! The bonus re-ranks the best passages of the rest of the ranking rather than being one of its
//! clauses: it needs the positions of every query word, common syllables included, so as a
//! clause it would read them for nearly every passage (7× the query time on vietnews), and its
//! bound is too loose for the max-score loop ([`super::prune`]) to skip any.

use std::sync::Arc;

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25StatisticsProvider, Explanation};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use super::bm25::idf;
use super::terms::TermInfos;
use crate::text::analyzer::Analyzer;

/// Most terms of a segment's dictionary read to find the forms of one stem.
const MAX_SCANNED: usize = 4096;
/// Most forms of one stem looked up.
const MAX_FORMS: usize = 32;

/// One query word of a [`SpanBonus`].
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

/// The span bonus of one query: its distinct words, each with its weighted idf.
#[derive(Clone)]
pub struct SpanBonus {
    /// The words the index holds, with their weighted idf.
    words: Vec<(SpanWord, f32)>,
    /// The query's idf mass.
    total: f32,
    window: u32,
    weight: f32,
    analyzer: Analyzer,
    /// Where the words' postings are looked up, when set (the searcher's, which remembers
    /// each term's lookup from one search to the next).
    terms: Option<Arc<TermInfos>>,
}

impl std::fmt::Debug for SpanBonus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpanBonus")
            .field("words", &self.words)
            .field("window", &self.window)
            .field("weight", &self.weight)
            .finish_non_exhaustive()
    }
}

impl SpanBonus {
    /// The bonus, times `weight`, over `words` (a word repeated, by its idf term, keeps its
    /// largest weight), all of one positional field, within `window` positions (at least 2),
    /// with idfs from `stats`; `analyzer` gives the stems of the field's tokens. `None` when
    /// fewer than two of the words are in the index: no passage can get a bonus.
    pub fn new(
        mut words: Vec<SpanWord>,
        window: u32,
        weight: f32,
        analyzer: Analyzer,
        stats: &dyn Bm25StatisticsProvider,
    ) -> tantivy::Result<Option<SpanBonus>> {
        words.sort_by(|a, b| {
            a.idf_term
                .cmp(&b.idf_term)
                .then(b.weight.total_cmp(&a.weight))
        });
        words.dedup_by(|a, b| a.idf_term == b.idf_term);
        let docs = stats.total_num_docs()?.max(1);
        let mut weighted = Vec::with_capacity(words.len());
        for w in words {
            let doc_freq = stats.doc_freq(&w.idf_term)?;
            if doc_freq > 0 {
                let value = w.weight * idf(doc_freq, docs);
                weighted.push((w, value));
            }
        }
        let total: f32 = weighted.iter().map(|w| w.1).sum();
        if weighted.len() < 2 || total <= 0.0 || weight <= 0.0 {
            return Ok(None);
        }
        Ok(Some(SpanBonus {
            words: weighted,
            total,
            window: window.max(2),
            weight,
            analyzer,
            terms: None,
        }))
    }

    /// The same bonus, opening its words' postings through `terms`.
    pub fn with_term_infos(mut self, terms: Arc<TermInfos>) -> Self {
        self.terms = Some(terms);
        self
    }

    /// The bonus of each of `docs` (passages of the segment `reader`, in increasing order).
    pub fn bonuses(&self, reader: &SegmentReader, docs: &[DocId]) -> tantivy::Result<Vec<Score>> {
        let mut stretch = Stretch::new(self.open(reader)?, self.values());
        Ok(docs
            .iter()
            .map(|&doc| self.score(stretch.best_mass_at(doc, self.window)))
            .collect())
    }

    /// Why passage `doc` of the segment `reader` got the bonus it did.
    pub fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut stretch = Stretch::new(self.open(reader)?, self.values());
        let mass = stretch.best_mass_at(doc, self.window);
        let mut explanation = Explanation::new_with_string(
            format!(
                "span bonus: densest stretch of {} positions, weight {}",
                self.window, self.weight
            ),
            self.score(mass),
        );
        explanation.add_const("idf mass of the stretch", mass);
        explanation.add_const("idf mass of the query", self.total);
        Ok(explanation)
    }

    fn score(&self, mass: f32) -> Score {
        let share = (mass / self.total).min(1.0);
        self.weight * mass * share
    }

    fn values(&self) -> Vec<f32> {
        self.words.iter().map(|w| w.1).collect()
    }

    /// The postings, with positions, of every form of every word in the segment `reader`,
    /// each with the index of its word.
    fn open(&self, reader: &SegmentReader) -> tantivy::Result<Vec<(SegmentPostings, usize)>> {
        let mut postings = Vec::new();
        let option = IndexRecordOption::WithFreqsAndPositions;
        for (i, (w, _)) in self.words.iter().enumerate() {
            let inverted = reader.inverted_index(w.term.field())?;
            let found = match &self.terms {
                Some(terms) => terms.read_postings(reader, &w.term, option)?,
                None => inverted.read_postings(&w.term, option)?,
            };
            if let Some(p) = found {
                postings.push((p, i));
            }
            let Some(stem) = &w.stem else {
                continue;
            };
            // The stem's forms start with all of it but its last letter (`studi`: `study`).
            let value = w.term.value();
            let own = value.as_str().unwrap_or("");
            let cut = stem.char_indices().last().map_or(0, |(at, _)| at);
            let prefix = &stem[..cut];
            if prefix.len() < 2 {
                continue;
            }
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
                    postings.push((
                        inverted.read_postings_from_terminfo(stream.value(), option)?,
                        i,
                    ));
                }
            }
        }
        Ok(postings)
    }
}

/// The postings of a query's words in one segment, visited in increasing passage order.
struct Stretch {
    /// Each form's postings, with the index of its word.
    postings: Vec<(SegmentPostings, usize)>,
    /// Each word's weighted idf.
    values: Vec<f32>,
    buffer: Vec<u32>,
    merged: Vec<(u32, usize)>,
    counts: Vec<u32>,
}

impl Stretch {
    fn new(postings: Vec<(SegmentPostings, usize)>, values: Vec<f32>) -> Stretch {
        Stretch {
            postings,
            values,
            buffer: Vec::new(),
            merged: Vec::new(),
            counts: Vec::new(),
        }
    }

    /// The largest mass of distinct words (two at least) within one stretch of `window`
    /// positions of passage `doc`, which is at or after every passage asked before; 0 when
    /// it holds fewer than two of the words.
    fn best_mass_at(&mut self, doc: DocId, window: u32) -> f32 {
        self.merged.clear();
        for (p, i) in self.postings.iter_mut() {
            if p.doc() < doc {
                p.seek(doc);
            }
            if p.doc() == doc && doc != TERMINATED {
                p.positions(&mut self.buffer);
                let i = *i;
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
            while pos - self.merged[start].0 >= window {
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

#[cfg(test)]
mod tests {
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index, Searcher};

    use super::*;

    /// A real index, one document per text, in one segment.
    fn index(texts: &[&str]) -> (Searcher, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for text in texts {
            writer.add_document(doc!(body => *text)).unwrap();
        }
        writer.commit().unwrap();
        (index.reader().unwrap().searcher(), body)
    }

    fn word(field: tantivy::schema::Field, text: &str, stem: Option<&str>) -> SpanWord {
        let term = Term::from_field_text(field, text);
        SpanWord {
            idf_term: stem.map_or(term.clone(), |s| Term::from_field_text(field, s)),
            term,
            weight: 1.0,
            stem: stem.map(str::to_string),
        }
    }

    #[test]
    fn the_bonus_grows_with_the_query_words_held_in_one_stretch() {
        let texts = [
            "mekong delta lotus",
            "mekong a b c d e f g h i j k delta",
            "lotus only here",
            "mekong x delta y z lotus",
            "nothing to see",
        ];
        let (searcher, body) = index(&texts);
        let words = vec![
            word(body, "mekong", None),
            word(body, "delta", None),
            word(body, "lotus", None),
        ];
        let span = SpanBonus::new(words, 4, 2.0, Analyzer::default(), &searcher)
            .unwrap()
            .unwrap();
        let reader = searcher.segment_reader(0);
        let all = span.bonuses(reader, &[0, 1, 2, 3, 4]).unwrap();
        // All three words within 4 positions: the whole mass, times the weight.
        assert!((all[0] - 2.0 * span.total).abs() < 1e-4, "{all:?}");
        // Two words, 12 positions apart; one word; none: nothing.
        assert_eq!(&all[1..3], &[0.0, 0.0]);
        assert_eq!(all[4], 0.0);
        // `delta` and `lotus` (3 apart) or `mekong` and `delta` (2 apart), not all three.
        assert!(all[3] > 0.0 && all[3] < all[0], "{all:?}");
        let value = |w: &str| {
            span.words
                .iter()
                .find(|x| x.0.term.value().as_str() == Some(w))
        };
        let pair = |a: &str, b: &str| value(a).unwrap().1 + value(b).unwrap().1;
        let mass = pair("mekong", "delta").max(pair("delta", "lotus"));
        assert!(
            (all[3] - 2.0 * mass * mass / span.total).abs() < 1e-4,
            "{all:?}"
        );
        // Passages asked one at a time, or skipping some, get the same bonus.
        assert_eq!(span.bonuses(reader, &[3]).unwrap(), [all[3]]);
        assert_eq!(span.bonuses(reader, &[1, 3]).unwrap(), [all[1], all[3]]);
        let explained = span.explain(reader, 3).unwrap();
        assert_eq!(explained.value(), all[3]);
    }

    #[test]
    fn a_word_with_a_stem_counts_by_any_form_of_it() {
        let (searcher, body) = index(&["the rivers of the mekong", "the river mekong", "river"]);
        let words = vec![
            word(body, "river", Some("river")),
            word(body, "mekong", None),
        ];
        let span = SpanBonus::new(words, 4, 1.0, Analyzer::default(), &searcher)
            .unwrap()
            .unwrap();
        let bonuses = span
            .bonuses(searcher.segment_reader(0), &[0, 1, 2])
            .unwrap();
        assert!(
            bonuses[0] > 0.0,
            "`rivers` is a form of `river`: {bonuses:?}"
        );
        assert_eq!(bonuses[0], bonuses[1]);
        assert_eq!(bonuses[2], 0.0);
        // Without the stem, only `river` itself counts.
        let words = vec![word(body, "river", None), word(body, "mekong", None)];
        let span = SpanBonus::new(words, 4, 1.0, Analyzer::default(), &searcher)
            .unwrap()
            .unwrap();
        let bonuses = span.bonuses(searcher.segment_reader(0), &[0, 1]).unwrap();
        assert_eq!(bonuses[0], 0.0);
        assert!(bonuses[1] > 0.0);
    }

    #[test]
    fn no_bonus_when_fewer_than_two_words_are_indexed() {
        let (searcher, body) = index(&["mekong delta"]);
        let words = vec![word(body, "mekong", None), word(body, "absent", None)];
        let span = SpanBonus::new(words, 4, 1.0, Analyzer::default(), &searcher).unwrap();
        assert!(span.is_none());
    }
}
