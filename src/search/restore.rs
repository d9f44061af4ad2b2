//! Accent restoration: the most likely accented form of a query typed without diacritics,
//! learnt from the index itself.
//!
//! The model needs no file of its own, so it can never disagree with the index it serves:
//! - **unigrams**: the `body_exact` term dictionary gives, for every exact form, the number of
//!   passages holding it; over the accented spellings of a folded syllable
//!   ([`accent_variants`]), that is how often `hoang` is `hoàng`, `hoảng` or `hoang`
//!   ([`Restorer::candidates`], looked up the first time a syllable is asked for and then
//!   remembered for the commit: a few hundred term lookups, where grouping the whole
//!   dictionary cost every process that searched without accents ~60 ms on a news corpus);
//! - **pairs**: for two adjacent query syllables, the number of passages holding each pair of
//!   candidate forms next to each other, counted on demand from the positions of
//!   `body_exact` ([`pair_counts`]: what a phrase query would count, all pairs of two adjacent
//!   words in one pass), so `hoang xuan` prefers `hoàng xuân`. Only passages holding the
//!   pair's `joined` token are read ([`pair_counts_within`]): the two syllables with only
//!   spaces (or one hyphen) between, as typed in the query. Reading every passage holding both
//!   words cost a third of a stripped query's time, and the spaced pairs restore slightly
//!   better (stripped ViQuAD questions: 95.2% → 95.3% of syllables). A common pair's count is
//!   estimated from a sample of about 300 such passages (`PAIR_SAMPLE`), chosen by their
//!   sample keys ([`sample_key`](crate::schema::sample_key)): spread over the whole index, and
//!   the same in every index of the same files, so the restored forms (and the hits) do not
//!   depend on the order the files were indexed in.
//!
//! The best sequence of forms is found with Viterbi over a bigram model interpolated with the
//! unigram one. Only words typed without any diacritic that are possible Vietnamese syllables
//! are restored; accented words, numbers and other words are kept as typed and serve as
//! context.

use std::sync::{Arc, Mutex};

use tantivy::index::InvertedIndexReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Term, TERMINATED};

use super::terms::TermInfos;
use crate::hash::FastMap;
use crate::schema::{SAMPLE_FIELD, SAMPLE_KEYS};
use crate::text::analyzer::AnalyzedWord;
use crate::text::unfold::accent_variants;

/// Most candidate forms considered per folded syllable (the most frequent ones). A folded
/// syllable can have more than a dozen forms (`a`: a á à ả ã ạ ă ắ ...), and the right one is
/// often not among the five most frequent in the index (`nhiêu` after `nhiều`, `nhiễu`...):
/// on stripped ViQuAD questions (even ids), 5 → 94.8%, 8 → 95.1%, 16 → 95.1% of syllables.
/// Each adjacent pair has up to `MAX_CANDIDATES²` candidate pairs to count, hence not more.
const MAX_CANDIDATES: usize = 8;
/// Most lattice steps whose pair counts a model keeps (each at most
/// `MAX_CANDIDATES²` counts).
const MAX_CACHED_PAIRS: usize = 50_000;
/// Weight of the pair estimate against the unigram one in a word's probability: pairs seen
/// in the index decide, the unigram counts only break ties between unseen pairs (measured on
/// stripped ViQuAD questions, even ids: 0.5 → 84%, 0.9 → 91%, 0.999 → 94.8% of syllables).
const PAIR_WEIGHT: f64 = 0.999;

/// About how many passages one pair count of the model reads: those whose sample key is below
/// a cutoff (see [`Pairs::count`]); the counts are then scaled up by the share of candidate
/// passages read. A common pair such as `co the` is adjacent in over twenty thousand passages
/// of a news corpus: reading them all made restoration a fifth of the time of a search,
/// averaged over written and unaccented questions. On the 2,653 stripped ViQuAD questions
/// searched in the 45,000 news articles, restoration got 94.82% of syllables right reading
/// every passage, and 94.77% reading the first 300 of the largest segment (restoration's time
/// per question fell from 1.95 to 0.85 ms). Sampled by key, 94.76% (the first 300, measured
/// again beside it: 94.85%); the first 300 depended on the order the files were indexed in
/// (two builds of those articles gave different hits for 18 of 784 stripped questions), the
/// keyed sample does not (none).
const PAIR_SAMPLE: u64 = 300;

/// Most folded syllables whose candidates a model keeps (a handful of forms each).
const MAX_CACHED_SYLLABLES: usize = 50_000;

/// The exact forms of folded syllables in one commit of an index, with their passage counts,
/// looked up as queries ask for them.
pub struct Restorer {
    /// The commit searched: forms and pair counts are read from it.
    searcher: tantivy::Searcher,
    /// The `exact` field (forms, and the positions pairs are counted from).
    exact: Field,
    /// The `joined` field (which passages hold two syllables side by side).
    joined: Field,
    /// Where the postings of forms and joined tokens are looked up: the searcher's, so that
    /// the forms of common syllables are found once for all queries.
    terms: Arc<TermInfos>,
    /// Pair counts already computed, by the candidate forms of the two words (see
    /// [`pair_counts`]): the same word pairs come back query after query, and counting the
    /// pairs of common syllables reads long position lists.
    pairs: Mutex<FastMap<String, Arc<Vec<Vec<u64>>>>>,
    /// Folded syllable → (exact form, passages), most frequent first, at most
    /// [`MAX_CANDIDATES`].
    forms: Mutex<FastMap<String, Candidates>>,
}

/// Exact forms of one folded syllable with their passage counts, most frequent first.
pub type Candidates = Arc<[(String, u64)]>;

impl std::fmt::Debug for Restorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Restorer")
            .field("generation", &self.generation())
            .finish_non_exhaustive()
    }
}

impl Restorer {
    /// A model of the commit `searcher` searches, reading forms from the `exact` field and
    /// pairs from `exact` and `joined`, looking postings up through `terms`. Cheap: nothing is
    /// read until a query asks.
    pub fn new(
        searcher: &tantivy::Searcher,
        exact: Field,
        joined: Field,
        terms: Arc<TermInfos>,
    ) -> Restorer {
        Restorer {
            searcher: searcher.clone(),
            exact,
            joined,
            terms,
            pairs: Mutex::default(),
            forms: Mutex::default(),
        }
    }

    /// The searcher generation (commit) this model reads.
    pub fn generation(&self) -> u64 {
        self.searcher.generation().generation_id()
    }

    /// The term dictionaries of `exact`, one per readable segment (an unreadable one counts
    /// nothing, as a failed search of it would find nothing).
    fn dictionaries(&self) -> Vec<Arc<InvertedIndexReader>> {
        self.searcher
            .segment_readers()
            .iter()
            .filter_map(|segment| segment.inverted_index(self.exact).ok())
            .collect()
    }

    /// The candidate forms of a folded syllable, most frequent first (at most eight): those of
    /// its accented spellings the index holds, with the number of passages holding each.
    pub fn candidates(&self, folded: &str) -> Candidates {
        if let Some(found) = self
            .forms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(folded)
        {
            return found.clone();
        }
        let found: Candidates = self.look_up_forms(folded).into();
        let mut forms = self.forms.lock().unwrap_or_else(|e| e.into_inner());
        if forms.len() >= MAX_CACHED_SYLLABLES {
            // Bounded memory: start over rather than track recency.
            forms.clear();
        }
        forms.insert(folded.to_string(), found.clone());
        found
    }

    fn look_up_forms(&self, folded: &str) -> Vec<(String, u64)> {
        let dictionaries = self.dictionaries();
        let mut forms: Vec<(String, u64)> = accent_variants(folded)
            .into_iter()
            .filter_map(|form| {
                let n = passages(&dictionaries, &Term::from_field_text(self.exact, &form));
                (n > 0).then_some((form, n))
            })
            .collect();
        forms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        forms.truncate(MAX_CANDIDATES);
        forms
    }

    /// The passages holding `form` (a word's exact form, `folded` its folded form) as the
    /// pair model counts them: for a syllable, its count among its folded form's candidates
    /// (0 when it is not one of them).
    fn form_count(&self, form: &str, folded: &str, syllable: bool) -> u64 {
        if syllable {
            return self
                .candidates(folded)
                .iter()
                .find(|(f, _)| f == form)
                .map_or(0, |f| f.1);
        }
        passages(
            &self.dictionaries(),
            &Term::from_field_text(self.exact, form),
        )
    }

    /// [`pair_counts_within`] in this model's commit, remembered.
    fn cached_pair_counts(
        &self,
        joined: Option<&Term>,
        left: &[&str],
        right: &[&str],
    ) -> Arc<Vec<Vec<u64>>> {
        let exact = self.exact;
        // Forms never contain control characters: they separate the key's parts.
        // The joined token is the two forms' folded forms concatenated: only whether it
        // filters needs to be in the key.
        let key = format!(
            "{}\u{2}{}\u{2}{}\u{2}{}",
            exact.field_id(),
            joined.is_some(),
            left.join("\u{1}"),
            right.join("\u{1}")
        );
        if let Some(found) = self
            .pairs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return found.clone();
        }
        let pairs = Pairs {
            exact,
            joined,
            left,
            right,
        };
        let (counts, _) = pairs.count(&self.searcher, &self.terms, Some(PAIR_SAMPLE));
        let counts = Arc::new(counts);
        let mut pairs = self.pairs.lock().unwrap_or_else(|e| e.into_inner());
        if pairs.len() >= MAX_CACHED_PAIRS {
            // Bounded memory: start over rather than track recency.
            pairs.clear();
        }
        pairs.insert(key, counts.clone());
        counts
    }

    /// The most likely exact form of each word of `words` (in order). A word typed with
    /// diacritics, or that is not a Vietnamese syllable, or whose folded form the index does
    /// not know, keeps its own exact form.
    pub fn restore(&self, words: &[AnalyzedWord]) -> Vec<String> {
        // Candidates per word, with their probability given the folded form.
        let lattice: Vec<Vec<(String, f64)>> = words
            .iter()
            .map(|w| {
                if w.has_diacritics() || !w.syllable {
                    return vec![(w.exact.clone(), 1.0)];
                }
                let forms = self.candidates(&w.folded);
                if forms.is_empty() {
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
        // Viterbi: best log-probability of each candidate of word i, and its predecessor.
        let mut best: Vec<Vec<(f64, usize)>> = Vec::with_capacity(lattice.len());
        best.push(lattice[0].iter().map(|(_, p)| (p.ln(), 0)).collect());
        for i in 1..lattice.len() {
            // Next to each other: apart by spaces, or tied by a hyphen (`Viet-Nam`, as older
            // texts write compounds), which the pair counts' positions do not see.
            let adjacent = words[i].spaced_from_previous || words[i].hyphened_from_previous;
            let choice = lattice[i - 1].len() > 1 || lattice[i].len() > 1;
            let pairs = if adjacent && choice {
                let left: Vec<&str> = lattice[i - 1].iter().map(|(f, _)| f.as_str()).collect();
                let right: Vec<&str> = lattice[i].iter().map(|(f, _)| f.as_str()).collect();
                let within = words[i - 1]
                    .joined_with(&words[i])
                    .map(|j| Term::from_field_text(self.joined, &j));
                self.cached_pair_counts(within.as_ref(), &left, &right)
            } else {
                Arc::default()
            };
            // How many passages hold each form of the previous word (the pair model's
            // denominators).
            let prev_counts: Vec<u64> = if adjacent && choice {
                let w = &words[i - 1];
                lattice[i - 1]
                    .iter()
                    .map(|(form, _)| self.form_count(form, &w.folded, w.syllable))
                    .collect()
            } else {
                Vec::new()
            };
            let mut column = Vec::with_capacity(lattice[i].len());
            for (k, (_, p)) in lattice[i].iter().enumerate() {
                let mut top = (f64::NEG_INFINITY, 0);
                for j in 0..lattice[i - 1].len() {
                    let transition = if adjacent && choice {
                        // Jelinek-Mercer: how often `prev` is followed by `form`, mixed with
                        // how often the folded word is `form` at all.
                        let pair = pairs[j][k] as f64;
                        let prev_count = prev_counts[j] as f64;
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

/// The passages holding `term`, over the term dictionaries of every segment.
fn passages(dictionaries: &[Arc<InvertedIndexReader>], term: &Term) -> u64 {
    dictionaries
        .iter()
        .filter_map(|d| d.get_term_info(term).ok().flatten())
        .map(|info| u64::from(info.doc_freq))
        .sum()
}

/// For every form `a` of `left` and `b` of `right`, the number of passages in which `a` is
/// directly followed by `b` in the `exact` field: what a phrase query `"a b"` would count, for
/// all pairs in one pass over the postings instead of one phrase query per pair (each common
/// form's postings would otherwise be read once per form of its neighbour). `[a][b]`.
pub fn pair_counts(
    searcher: &tantivy::Searcher,
    exact: Field,
    left: &[&str],
    right: &[&str],
) -> Vec<Vec<u64>> {
    pair_counts_within(searcher, exact, None, left, right)
}

/// [`pair_counts`], counted only in the passages that hold `joined` (when given): the
/// `joined` token of the two words' folded forms, which a passage holds where they are
/// adjacent with only spaces between. For two syllables that is where the counted pairs are
/// (but for the rare pair split by punctuation), and it is far rarer than the two words
/// merely occurring in the same passage, which is what [`pair_counts`] has to read the
/// positions of.
pub fn pair_counts_within(
    searcher: &tantivy::Searcher,
    exact: Field,
    joined: Option<&Term>,
    left: &[&str],
    right: &[&str],
) -> Vec<Vec<u64>> {
    let pairs = Pairs {
        exact,
        joined,
        left,
        right,
    };
    pairs.count(searcher, &TermInfos::new(), None).0
}

/// What a pair count counts: each form of `left` directly followed by each form of `right` in
/// the `exact` field, in the passages holding `joined` (every passage when `None`).
struct Pairs<'a> {
    exact: Field,
    joined: Option<&'a Term>,
    left: &'a [&'a str],
    right: &'a [&'a str],
}

impl Pairs<'_> {
    /// The counts (`[a][b]`), postings looked up through `terms`, and how many passages were
    /// read. With a `sample`, when more passages than that may hold the pair, only those whose
    /// sample key ([`sample_key`](crate::schema::sample_key)) is below a cutoff are read:
    /// about `sample` of them, spread over the whole index, and the same ones in every index
    /// of the same files. The counts are then scaled up by the share of candidates read.
    fn count(
        &self,
        searcher: &tantivy::Searcher,
        terms: &TermInfos,
        sample: Option<u64>,
    ) -> (Vec<Vec<u64>>, u64) {
        let mut counts = vec![vec![0u64; self.right.len()]; self.left.len()];
        let cutoff = match sample {
            Some(sample) => {
                let candidates = self.most_candidates(searcher, terms);
                if candidates > sample {
                    // At least one key, so that a sample always reads something.
                    (u128::from(SAMPLE_KEYS) * u128::from(sample) / u128::from(candidates)).max(1)
                        as u64
                } else {
                    SAMPLE_KEYS
                }
            }
            None => SAMPLE_KEYS,
        };
        let mut tally = Tally::default();
        for segment in searcher.segment_readers() {
            // An unreadable segment counts nothing, as a failed phrase count did.
            let _ = self.count_in_segment(segment, terms, cutoff, &mut tally, &mut counts);
        }
        if tally.read > 0 && tally.candidates > tally.read {
            let scale = tally.candidates as f64 / tally.read as f64;
            for count in counts.iter_mut().flatten() {
                *count = (*count as f64 * scale).round() as u64;
            }
        }
        (counts, tally.read)
    }

    /// At least as many passages as may hold the pair, from the term dictionaries: those
    /// holding the joined token, or else those holding the rarer word's forms (0 when they
    /// cannot be looked up: the pair is then counted in full).
    fn most_candidates(&self, searcher: &tantivy::Searcher, terms: &TermInfos) -> u64 {
        let doc_freq = |term: &Term| terms.doc_freq(searcher, term).unwrap_or(0);
        match self.joined {
            Some(joined) => doc_freq(joined),
            None => {
                let side = |forms: &[&str]| -> u64 {
                    forms
                        .iter()
                        .map(|f| doc_freq(&Term::from_field_text(self.exact, f)))
                        .sum()
                };
                side(self.left).min(side(self.right))
            }
        }
    }

    /// Adds to `counts` the pairs in the sampled passages of one segment (those whose sample
    /// key is below `cutoff`), and to `tally` the candidates met and the passages read.
    fn count_in_segment(
        &self,
        segment: &tantivy::SegmentReader,
        terms: &TermInfos,
        cutoff: u64,
        tally: &mut Tally,
        counts: &mut [Vec<u64>],
    ) -> tantivy::Result<()> {
        let exact = self.exact;
        let mut within = match self.joined {
            Some(term) => match terms.read_postings(segment, term, IndexRecordOption::Basic)? {
                Some(postings) => Some(postings),
                None => return Ok(()),
            },
            None => None,
        };
        let open = |forms: &[&str]| -> tantivy::Result<Vec<Option<SegmentPostings>>> {
            forms
                .iter()
                .map(|f| {
                    let term = Term::from_field_text(exact, f);
                    terms.read_postings(segment, &term, IndexRecordOption::WithFreqsAndPositions)
                })
                .collect()
        };
        let mut left = open(self.left)?;
        let mut right = open(self.right)?;
        // Without a key column (which no index of this format lacks) the whole segment is read.
        let keys = (cutoff < SAMPLE_KEYS)
            .then(|| segment.fast_fields().u64(SAMPLE_FIELD).ok())
            .flatten();
        let sampled = |doc: DocId| {
            keys.as_ref()
                .is_none_or(|k| k.first(doc).is_some_and(|key| key < cutoff))
        };
        let alive = segment.alive_bitset();
        let mut a_pos = Vec::new();
        let mut b_positions: Vec<Vec<u32>> = vec![Vec::new(); right.len()];
        loop {
            // The next candidate: a passage holding the joined token, or else one holding a
            // form of each word. Only a sampled one has the forms' positions read.
            let doc = match within.as_ref() {
                Some(within) => within.doc(),
                None => next_in_both(&mut left, &mut right),
            };
            if doc == TERMINATED {
                return Ok(());
            }
            if alive.is_none_or(|a| a.is_alive(doc)) {
                tally.candidates += 1;
                if sampled(doc) {
                    tally.read += 1;
                    seek_all(&mut left, doc);
                    seek_all(&mut right, doc);
                    for (k, postings) in right.iter_mut().enumerate() {
                        b_positions[k].clear();
                        if let Some(p) = postings.as_mut().filter(|p| p.doc() == doc) {
                            p.positions(&mut b_positions[k]);
                        }
                    }
                    for (j, postings) in left.iter_mut().enumerate() {
                        if let Some(p) = postings.as_mut().filter(|p| p.doc() == doc) {
                            p.positions(&mut a_pos);
                            for (k, b) in b_positions.iter().enumerate() {
                                if follows(&a_pos, b) {
                                    counts[j][k] += 1;
                                }
                            }
                        }
                    }
                }
            }
            match within.as_mut() {
                Some(within) => {
                    within.advance();
                }
                None => {
                    seek_all(&mut left, doc + 1);
                    seek_all(&mut right, doc + 1);
                }
            }
        }
    }
}

/// Passages met and read by a sampled pair count.
#[derive(Default)]
struct Tally {
    /// Passages that may hold the pair.
    candidates: u64,
    /// Those of them whose positions were read.
    read: u64,
}

/// The first passage of any of `lists` (`TERMINATED` when all are done or absent).
fn first_doc(lists: &[Option<SegmentPostings>]) -> DocId {
    lists
        .iter()
        .flatten()
        .map(|p| p.doc())
        .min()
        .unwrap_or(TERMINATED)
}

/// Moves each of `lists` that is before `target` to its first passage at or after it.
fn seek_all(lists: &mut [Option<SegmentPostings>], target: DocId) {
    for p in lists.iter_mut().flatten() {
        if p.doc() < target {
            p.seek(target);
        }
    }
}

/// The first passage, from where the lists stand, that one of `left` and one of `right` both
/// hold: each side skips ahead to the other, as a phrase query's intersection does.
fn next_in_both(
    left: &mut [Option<SegmentPostings>],
    right: &mut [Option<SegmentPostings>],
) -> DocId {
    loop {
        let (l, r) = (first_doc(left), first_doc(right));
        if l == TERMINATED || r == TERMINATED {
            return TERMINATED;
        }
        if l == r {
            return l;
        }
        let target = l.max(r);
        seek_all(left, target);
        seek_all(right, target);
    }
}

/// Whether some position of `b` is one past a position of `a` (both sorted ascending).
fn follows(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let want = a[i] + 1;
        match b[j].cmp(&want) {
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyzer::FieldKind;

    /// `có thể` in three of every four one-passage files, `cơ thể` in the fourth (400 files).
    fn co_the_file(i: usize) -> (String, &'static str) {
        let text = if i.is_multiple_of(4) {
            "cơ thể con người"
        } else {
            "có thể làm được"
        };
        (format!("{i:03}.txt"), text)
    }

    /// The `có`/`cơ` before `thể` pair counts of the index of `dir`, in full and from a sample
    /// of about `sample` passages: (full, sampled, passages sampled).
    fn co_the_counts(dir: &std::path::Path, sample: u64) -> (Vec<Vec<u64>>, Vec<Vec<u64>>, u64) {
        let index = crate::Index::open(dir).unwrap();
        let searcher = index.tantivy().reader().unwrap().searcher();
        let exact = index.fields().body_field(FieldKind::Exact);
        let within = Term::from_field_text(index.fields().body_field(FieldKind::Joined), "cothe");
        let pairs = Pairs {
            exact,
            joined: Some(&within),
            left: &["có", "cơ"],
            right: &["thể"],
        };
        let (all, read) = pairs.count(&searcher, &TermInfos::new(), None);
        assert_eq!(read, 400, "every passage is read without a sample");
        let (sampled, read) = pairs.count(&searcher, &TermInfos::new(), Some(sample));
        (all, sampled, read)
    }

    #[test]
    fn a_sampled_pair_count_reads_about_the_sample_and_scales_up() {
        let corpus = tempfile::tempdir().unwrap();
        for i in 0..400 {
            let (name, text) = co_the_file(i);
            std::fs::write(corpus.path().join(name), text).unwrap();
        }
        let index_dir = corpus.path().join(".tim");
        let options = crate::IndexOptions::default();
        crate::index_directory(corpus.path(), &index_dir, &options, &mut crate::NoProgress)
            .unwrap();
        let (all, sampled, read) = co_the_counts(&index_dir, 40);
        assert_eq!(all, vec![vec![300], vec![100]]);
        // A tenth of the passages, by their keys: 40 expected (binomial, sd 6).
        assert!((20..=60).contains(&read), "{read}");
        // Scaled up: near the true counts, in the same order, summing to every passage read.
        assert!((240..=360).contains(&sampled[0][0]), "{sampled:?}");
        assert!((40..=160).contains(&sampled[1][0]), "{sampled:?}");
        assert!(sampled[0][0] > sampled[1][0], "{sampled:?}");
        assert!(
            (399..=401).contains(&(sampled[0][0] + sampled[1][0])),
            "{sampled:?}"
        );
    }

    #[test]
    fn a_sampled_pair_count_does_not_depend_on_the_order_files_were_indexed_in() {
        let options = crate::IndexOptions::default();
        // One index of all 400 files at once; another of the `cơ thể` files first, then, in a
        // second run (another segment, later document ids), the `có thể` ones.
        let at_once = tempfile::tempdir().unwrap();
        let in_two_runs = tempfile::tempdir().unwrap();
        for i in 0..400 {
            let (name, text) = co_the_file(i);
            std::fs::write(at_once.path().join(&name), text).unwrap();
            if i.is_multiple_of(4) {
                std::fs::write(in_two_runs.path().join(&name), text).unwrap();
            }
        }
        let index = |corpus: &std::path::Path| {
            let dir = corpus.join(".tim");
            crate::index_directory(corpus, &dir, &options, &mut crate::NoProgress).unwrap();
            dir
        };
        let at_once_index = index(at_once.path());
        index(in_two_runs.path());
        for i in (0..400usize).filter(|i| !i.is_multiple_of(4)) {
            let (name, text) = co_the_file(i);
            std::fs::write(in_two_runs.path().join(name), text).unwrap();
        }
        let in_two_runs_index = index(in_two_runs.path());
        let searcher = crate::Index::open(&in_two_runs_index)
            .unwrap()
            .tantivy()
            .reader()
            .unwrap()
            .searcher();
        assert!(searcher.segment_readers().len() >= 2);
        // The same passages are read, so the same counts come out.
        let (all, sampled, read) = co_the_counts(&at_once_index, 40);
        assert_eq!(co_the_counts(&in_two_runs_index, 40), (all, sampled, read));
    }
}
