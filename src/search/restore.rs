//! Accent restoration: the most likely accented form of a query typed without diacritics,
//! learnt from the index itself.
//!
//! The model needs no file of its own, so it can never disagree with the index it serves:
//! - **unigrams**: the `body_exact` term dictionary gives, for every exact form, the number of
//!   passages holding it; grouped by folded form, that is how often `hoang` is `hoàng`,
//!   `hoảng` or `hoang` ([`Restorer::build`], once per index commit);
//! - **pairs**: for two adjacent query syllables, the number of passages holding each pair of
//!   candidate forms next to each other, counted on demand as a phrase on `body_exact`
//!   (positions are indexed there), so `hoang xuan` prefers `hoàng xuân`.
//!
//! The best sequence of forms is found with Viterbi over a bigram model interpolated with the
//! unigram one. Only words typed without any diacritic that are possible Vietnamese syllables
//! are restored; accented words, numbers and other words are kept as typed and serve as
//! context.

use std::collections::HashMap;

use tantivy::collector::Count;
use tantivy::query::PhraseQuery;
use tantivy::schema::Field;
use tantivy::Term;

use crate::text::analyzer::AnalyzedWord;
use crate::text::fold::fold_word;

/// Most candidate forms considered per folded syllable (the most frequent ones). A folded
/// syllable can have more than a dozen forms (`a`: a á à ả ã ạ ă ắ ...), and the right one is
/// often not among the five most frequent in the index (`nhiêu` after `nhiều`, `nhiễu`...):
/// on stripped ViQuAD questions (even ids), 5 → 94.8%, 8 → 95.1%, 16 → 95.1% of syllables.
/// Each adjacent pair costs up to `MAX_CANDIDATES²` phrase counts, hence not more.
const MAX_CANDIDATES: usize = 8;
/// Weight of the pair estimate against the unigram one in a word's probability: pairs seen
/// in the index decide, the unigram counts only break ties between unseen pairs (measured on
/// stripped ViQuAD questions, even ids: 0.5 → 84%, 0.9 → 91%, 0.999 → 94.8% of syllables).
const PAIR_WEIGHT: f64 = 0.999;

/// Exact forms of every folded word in an index, with their passage counts.
#[derive(Debug, Default)]
pub struct Restorer {
    /// Folded form → (exact form, passages), most frequent first, at most
    /// [`MAX_CANDIDATES`].
    forms: HashMap<String, Vec<(String, u64)>>,
    /// Exact form → passages, for every form kept in `forms`.
    counts: HashMap<String, u64>,
}

impl Restorer {
    /// Reads the unigram counts from the `exact` field's term dictionaries.
    pub fn build(searcher: &tantivy::Searcher, exact: Field) -> tantivy::Result<Restorer> {
        let mut all: HashMap<String, Vec<(String, u64)>> = HashMap::new();
        let mut totals: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(exact)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let Ok(form) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                *totals.entry(form.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
        let mut folded = String::new();
        for (form, count) in totals {
            folded.clear();
            fold_word(&form, &mut folded);
            all.entry(folded.clone()).or_default().push((form, count));
        }
        let mut counts = HashMap::new();
        for forms in all.values_mut() {
            forms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            forms.truncate(MAX_CANDIDATES);
            for (form, count) in forms.iter() {
                counts.insert(form.clone(), *count);
            }
        }
        Ok(Restorer { forms: all, counts })
    }

    /// The candidate forms of a folded word, most frequent first.
    pub fn candidates(&self, folded: &str) -> &[(String, u64)] {
        self.forms.get(folded).map_or(&[], Vec::as_slice)
    }

    /// The most likely exact form of each word of `words` (in order). A word typed with
    /// diacritics, or that is not a Vietnamese syllable, or whose folded form the index does
    /// not know, keeps its own exact form.
    ///
    /// `searcher` and `exact` give the pair counts (phrases on the `exact` field).
    pub fn restore(
        &self,
        words: &[AnalyzedWord],
        searcher: &tantivy::Searcher,
        exact: Field,
    ) -> Vec<String> {
        // Candidates per word, with their probability given the folded form.
        let lattice: Vec<Vec<(String, f64)>> = words
            .iter()
            .map(|w| {
                let forms = self.candidates(&w.folded);
                if w.exact != w.folded || !w.syllable || forms.is_empty() {
                    return vec![(w.exact.clone(), 1.0)];
                }
                let total: u64 = forms.iter().map(|f| f.1).sum();
                forms
                    .iter()
                    .map(|(form, n)| (form.clone(), (*n as f64 + 0.5) / (total as f64 + 0.5)))
                    .collect()
            })
            .collect();
        if lattice.iter().all(|c| c.len() == 1) {
            return lattice.into_iter().map(|mut c| c.remove(0).0).collect();
        }
        let pair_count = |a: &str, b: &str| -> u64 {
            let query = PhraseQuery::new(vec![
                Term::from_field_text(exact, a),
                Term::from_field_text(exact, b),
            ]);
            searcher.search(&query, &Count).map_or(0, |n| n as u64)
        };
        // Viterbi: best log-probability of each candidate of word i, and its predecessor.
        let mut best: Vec<Vec<(f64, usize)>> = Vec::with_capacity(lattice.len());
        best.push(lattice[0].iter().map(|(_, p)| (p.ln(), 0)).collect());
        for i in 1..lattice.len() {
            let adjacent = words[i].spaced_from_previous;
            let choice = lattice[i - 1].len() > 1 || lattice[i].len() > 1;
            let mut column = Vec::with_capacity(lattice[i].len());
            for (form, p) in &lattice[i] {
                let mut top = (f64::NEG_INFINITY, 0);
                for (j, (prev, _)) in lattice[i - 1].iter().enumerate() {
                    let transition = if adjacent && choice {
                        // Jelinek-Mercer: how often `prev` is followed by `form`, mixed with
                        // how often the folded word is `form` at all.
                        let pair = pair_count(prev, form) as f64;
                        let prev_count = self.counts.get(prev).copied().unwrap_or(0) as f64;
                        let follows = pair / prev_count.max(pair).max(1.0);
                        (PAIR_WEIGHT * follows + (1.0 - PAIR_WEIGHT) * p).ln()
                    } else {
                        p.ln()
                    };
                    let score = best[i - 1][j].0 + transition;
                    if score > top.0 {
                        top = (score, j);
                    }
                }
                column.push(top);
            }
            best.push(column);
        }
        let mut out = vec![String::new(); lattice.len()];
        let last = best.len() - 1;
        let mut j = (0..best[last].len())
            .max_by(|&a, &b| best[last][a].0.total_cmp(&best[last][b].0))
            .unwrap_or(0);
        for i in (0..lattice.len()).rev() {
            out[i] = lattice[i][j].0.clone();
            j = best[i][j].1;
        }
        out
    }
}

/// `query` with each word replaced by its restored form, keeping the first letter's case
/// (`Hoang Xuan` → `Hoàng Xuân`); `None` when nothing changes.
pub fn suggestion(query: &str, words: &[AnalyzedWord], restored: &[String]) -> Option<String> {
    let mut out = String::with_capacity(query.len() + 16);
    let mut last = 0;
    let mut changed = false;
    for (word, form) in words.iter().zip(restored) {
        if *form == word.exact || word.start < last {
            continue;
        }
        out.push_str(&query[last..word.start]);
        let typed = &query[word.start..word.end];
        if typed.chars().all(char::is_uppercase) && typed.chars().count() > 1 {
            out.push_str(&form.to_uppercase());
        } else if typed.chars().next().is_some_and(char::is_uppercase) {
            let mut chars = form.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(form);
        }
        last = word.end;
        changed = true;
    }
    out.push_str(&query[last..]);
    changed.then_some(out)
}
