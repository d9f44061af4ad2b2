//! The searcher: query text → tantivy query over the four fields → ranked passages with
//! snippets.
//!
//! Ranking is one BM25 sum over weighted clauses, never a sort key that overrides it:
//! - each query word is looked up in `exact` (accent-exact, heaviest), `folded`, `english` and
//!   the title fields, and — when it is not itself one syllable — in `joined`, so `Vietnam`
//!   finds `Việt Nam`; its English stem in `english`, and also in `folded` when the stem is a
//!   possible syllable (which the index keeps in `folded` only), so `cats` meets `cat`;
//! - each pair of adjacent query syllables is looked up, concatenated, in `joined` and
//!   `folded`, so `Viet Nam` finds `Vietnam` and adjacent syllables outrank scattered ones;
//!   other adjacent word pairs add a proximity bonus ([`super::proximity`]) when they occur
//!   near each other;
//! - a word that is not a Vietnamese syllable (a name, a number, English) weighs
//!   `non_syllable` syllables;
//! - a number written with digit groups (`2.500`, `1,000,000`) is also looked up as one word of
//!   its digits run together (`2500`), which is how the index also holds such numbers (in
//!   `joined`), so `2500`, `2.500` and `2,500` meet each other;
//! - an interrogative of `question_words` (`gì`, `bao nhiêu`), which the answering passage
//!   rarely holds, weighs `question_weight` times a word (weighted, never dropped);
//! - a passage matching more query words simply collects more clauses;
//! - then the best passages of that sum are re-ranked with the span bonus
//!   ([`super::span`]): one holding many of the query's words within a short stretch gains.
//!
//! A quoted phrase must match (as a phrase on `exact` or `folded`, or as its joined form);
//! an excluded word removes what it would match: `-ban` every ban/bán/bạn, `-bán` only `bán`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};
use tantivy::query::{
    BooleanQuery, Explanation, Occur, PhraseQuery, Query, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, IndexReader, ReloadPolicy, Score, TantivyDocument, Term};

use super::bm25::{Bm25Params, Bm25TermQuery, PassageStats};
use super::coordination::CoordinationQuery;
use super::proximity::ProximityQuery;
use super::prune::{Boost, PrunedQuery};
use super::query::{excluded_ranges, parse_query, plain_words, ParsedQuery, Term as QueryTerm};
use super::restore::{suggestion, Restorer};
use super::snippet::make_snippet;
use super::span::{SpanBonus, SpanWord};
use super::terms::TermInfos;
use super::top::TopWithTies;
use crate::error::{Error, Result};
use crate::hash::FastSet;
use crate::index::{stored_bytes, stored_str, stored_u64, Index};
use crate::ingest::html::SourceLines;
use crate::lines::LineCounter;
use crate::schema::{Ranking, KIND_PASSAGE};
use crate::text::analyzer::{run_together, AnalyzedWord, FieldKind, WordJoiner};
use crate::text::syllable::{
    is_folded_syllable, lone_y_spelling, other_lone_i_spelling, unified_runs,
};

/// One ranked passage.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    /// Path of the file relative to the corpus root (`/`-separated; lossy if the name is not
    /// UTF-8), or the record id for a JSON Lines corpus.
    pub path: String,
    /// The raw bytes of a path that is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_bytes: Option<Vec<u8>>,
    /// Whether the source is a JSON Lines record (then `path` is its id, any text, and not to
    /// be taken as a path: only file paths are checked to stay inside the corpus).
    pub record: bool,
    /// Relevance score (higher is better).
    pub score: f32,
    /// 1-based first line of the passage in the file.
    pub line: u64,
    /// 1-based line of the snippet's first highlighted word, where an editor should open the
    /// file (`line` when nothing is highlighted or snippets were not asked for).
    pub match_line: u64,
    /// Ordinal of the passage in its file.
    pub passage: u64,
    /// `[start, end)` byte range of the passage in the file's decoded UTF-8 text.
    pub bytes: [u64; 2],
    /// A window of the passage around its densest matches.
    pub snippet: String,
    /// `[start, end)` byte ranges of the matched words in `snippet`.
    pub highlights: Vec<[usize; 2]>,
    /// The query with its accents restored ("did you mean"), when it was typed without
    /// diacritics and the index suggests another form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// How to search.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Most hits to return.
    pub limit: usize,
    /// Only hits whose path matches one of these globs (before the limit is applied).
    pub globs: Vec<String>,
    /// Treat the query as plain words, without operators (for judged query sets).
    pub plain: bool,
    /// Build snippets and highlights.
    pub snippets: bool,
    /// Restore the accents of words typed without diacritics, from the index's own
    /// statistics, and rank passages with the restored forms higher.
    pub restore: bool,
    /// Skip the passages that provably cannot reach the top `limit` (max-score pruning, see
    /// [`super::prune`]), for limits up to [`PRUNE_MAX_LIMIT`]. The hits and scores are the
    /// same either way; off scores every passage that matches a query word, which is only
    /// useful to check that claim.
    pub prune: bool,
}

/// How many of the best passages of the rest of the ranking are re-ranked with the span bonus
/// (the limit, when larger). Chosen on the tuning set vicov19qa val at limit 10 (nDCG@10,
/// original / stripped queries): depth 10 0.4103 / 0.3980, 20 0.4139 / 0.4032, 30, 50 and 100
/// all 0.4146 / 0.4053. On vietnews questions depth 30 costs 1.17× the CPU time of depth 10
/// (the max-score loop keeps a lower threshold), depth 50 1.25×.
pub const SPAN_DEPTH: usize = 30;

/// The largest limit searched with pruning. Past it the k-th best score is too low to skip
/// much, and the pruned loop costs more per posting than tantivy's union: on the 45,286
/// vietnews articles, limit 10 took 0.87× the CPU time of exhaustive evaluation, limit 100
/// 1.04×, limit 1000 (`tim eval`) 1.23×.
pub const PRUNE_MAX_LIMIT: usize = 50;

impl SearchOptions {
    /// Checks the options without searching (a bad glob is an error), so that a caller can
    /// refuse bad arguments before doing any other work.
    pub fn check(&self) -> Result<()> {
        glob_set(&self.globs).map(drop)
    }
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            globs: Vec::new(),
            plain: false,
            snippets: true,
            restore: true,
            prune: true,
        }
    }
}

/// Searches one index; build it once and share it between threads.
///
/// ```
/// # fn main() -> timkiem::Result<()> {
/// let corpus = tempfile::tempdir().unwrap();
/// std::fs::write(corpus.path().join("a.txt"), "Ông Hoàng Xuân Chiến phát biểu.").unwrap();
/// let index_dir = corpus.path().join(".tim");
/// timkiem::index_directory(corpus.path(), &index_dir, &Default::default(), &mut timkiem::NoProgress)?;
/// let searcher = timkiem::Searcher::open(&index_dir)?;
/// let hits = searcher.search("Hoang Xuan Chien", 10)?;
/// assert_eq!(hits[0].path, "a.txt");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Searcher {
    index: Index,
    reader: IndexReader,
    /// The accent-restoration model of the last searched commit.
    restorer: Arc<Mutex<Option<Arc<Restorer>>>>,
    /// The term lookups of earlier searches.
    terms: Arc<TermInfos>,
}

/// A query's words with their restored accents.
#[derive(Debug, Clone)]
pub struct Restoration {
    /// The analysed words of the query.
    pub words: Vec<AnalyzedWord>,
    /// The restored exact form of each word (its own exact form when it is not restored).
    pub forms: Vec<String>,
    /// The whole query with the restored forms, when any word changed.
    pub suggestion: Option<String>,
}

impl std::fmt::Debug for Searcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Searcher")
            .field("index", &self.index)
            .finish()
    }
}

/// The analysed terms a query looks for, used to highlight what matched.
#[derive(Debug, Default)]
struct MatchTerms {
    // Looked up for every word of every hit's passage: a fast hash.
    exact: FastSet<String>,
    folded: FastSet<String>,
    english: FastSet<String>,
    joined: FastSet<String>,
}

impl Searcher {
    /// Opens the index at `dir` for searching.
    pub fn open(dir: &std::path::Path) -> Result<Searcher> {
        Searcher::new(&Index::open(dir)?)
    }

    /// A searcher over `index`'s last commit (and later commits, as they land).
    pub fn new(index: &Index) -> Result<Searcher> {
        let reader = index
            .tantivy()
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(Searcher {
            index: index.clone(),
            reader,
            restorer: Arc::new(Mutex::new(None)),
            terms: Arc::new(TermInfos::new()),
        })
    }

    /// The index searched.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The best `limit` passages for `query`.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>> {
        self.search_with(
            query,
            &SearchOptions {
                limit,
                ..SearchOptions::default()
            },
        )
    }

    /// Searches with explicit options.
    pub fn search_with(&self, query: &str, opts: &SearchOptions) -> Result<Vec<Hit>> {
        if opts.limit == 0 {
            return Ok(Vec::new());
        }
        let parsed = if opts.plain {
            plain_words(query)
        } else {
            parse_query(query)
        };
        let searcher = self.reader.searcher();
        let restoration = if opts.restore {
            Some(self.restore_with(&searcher, query, opts.plain)?)
        } else {
            None
        };
        let Some((mut query, terms, span_words)) = self.build_query(&parsed, restoration.as_ref())
        else {
            return Ok(Vec::new());
        };
        let suggestion = restoration.and_then(|r| r.suggestion);
        if !opts.globs.is_empty() {
            let filter = self.glob_filter(&searcher, &opts.globs)?;
            query = Box::new(BooleanQuery::new(vec![
                (Occur::Must, query),
                (Occur::Must, filter),
            ]));
        }
        let stats = PassageStats::new(
            &searcher,
            self.index.fields().kind,
            KIND_PASSAGE,
            &self.terms,
        )?;
        let span = self.span_bonus(span_words, &stats)?;
        // With a span bonus, the best `SPAN_DEPTH` passages of the rest of the ranking are
        // re-ranked with it.
        let depth = match span {
            Some(_) => opts.limit.max(SPAN_DEPTH),
            None => opts.limit,
        };
        if opts.prune && depth <= PRUNE_MAX_LIMIT {
            // Same hits and scores, without scoring every passage of every common word.
            query = Box::new(PrunedQuery::new(query));
        }
        // Every passage tied at the cut is collected, so that ties are ordered by path.
        let mut top =
            searcher.search_with_statistics_provider(&query, &TopWithTies::new(depth), &stats)?;
        if let Some(span) = &span {
            add_span_bonus(&searcher, span, &mut top)?;
        }
        let fields = self.index.fields();
        // Only the passages that can make the cut are read and get a snippet: those scoring
        // at least the limit-th score (more than `limit` only when scores tie at the cut,
        // where the path decides).
        top.sort_by(|a, b| b.0.total_cmp(&a.0));
        if let Some(&(cut, _)) = top.get(opts.limit - 1) {
            top.retain(|&(score, _)| score >= cut);
        }
        let mut hits = Vec::with_capacity(top.len());
        let mut docs = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let path_bytes = stored_bytes(&doc, fields.path_bytes).map(<[u8]>::to_vec);
            let path = stored_str(&doc, fields.path).unwrap_or("").to_string();
            let record = stored_u64(&doc, fields.record) == Some(1);
            // A JSON Lines record's id is a name, never opened or joined to a directory: any
            // text is fine (`../x` is a valid BEIR id).
            if !record {
                check_stored_path(&path, self.index.dir())?;
            }
            hits.push(Hit {
                path,
                path_bytes,
                record,
                score,
                line: stored_u64(&doc, fields.line).unwrap_or(1),
                match_line: 0,
                passage: stored_u64(&doc, fields.passage).unwrap_or(0),
                bytes: [
                    stored_u64(&doc, fields.byte_start).unwrap_or(0),
                    stored_u64(&doc, fields.byte_end).unwrap_or(0),
                ],
                snippet: String::new(),
                highlights: Vec::new(),
                suggestion: suggestion.clone(),
            });
            docs.push(doc);
        }
        let mut order: Vec<usize> = (0..hits.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&hits[a], &hits[b]);
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.path.cmp(&b.path))
                .then_with(|| a.passage.cmp(&b.passage))
        });
        order.truncate(opts.limit);
        let mut slots: Vec<Option<Hit>> = hits.into_iter().map(Some).collect();
        let mut hits = Vec::with_capacity(order.len());
        for i in order {
            let mut hit = slots[i].take().expect("each hit once");
            hit.match_line = hit.line;
            if opts.snippets {
                let text = stored_str(&docs[i], fields.text).unwrap_or("");
                let matches = self.match_spans(text, &terms);
                let s = make_snippet(text, &matches, self.index.config().snippet.max_chars);
                let first_match = s.first_match.unwrap_or(s.start);
                let source_lines = stored_bytes(&docs[i], fields.source_lines);
                hit.match_line = match source_lines.and_then(SourceLines::decode) {
                    // An HTML page's passage knows the page's line of each part of its text.
                    Some(lines) => u64::from(lines.line_at(first_match)),
                    None => hit.line + u64::from(LineCounter::new(text).line_of(first_match) - 1),
                };
                hit.highlights = s.highlights.iter().map(|&(a, b)| [a, b]).collect();
                hit.snippet = s.text;
            }
            hits.push(hit);
        }
        Ok(hits)
    }

    /// Why `hit` (a hit of `query` searched with `opts`) scored as it did: one line per
    /// matching signal (field, term, BM25 parts), indented as the query's clauses nest.
    pub fn explain(&self, query: &str, hit: &Hit, opts: &SearchOptions) -> Result<String> {
        let searcher = self.reader.searcher();
        let parsed = if opts.plain {
            plain_words(query)
        } else {
            parse_query(query)
        };
        let restoration = if opts.restore {
            Some(self.restore_with(&searcher, query, opts.plain)?)
        } else {
            None
        };
        let Some((built, _, span_words)) = self.build_query(&parsed, restoration.as_ref()) else {
            return Ok(String::new());
        };
        let fields = self.index.fields();
        let by_path = TermQuery::new(self.term(fields.path, &hit.path), IndexRecordOption::Basic);
        let candidates = searcher.search(&by_path, &tantivy::collector::DocSetCollector)?;
        let address = candidates.into_iter().find(|&address| {
            searcher.doc::<TantivyDocument>(address).is_ok_and(|doc| {
                stored_u64(&doc, fields.passage) == Some(hit.passage)
                    && stored_str(&doc, fields.text).is_some()
            })
        });
        let Some(address) = address else {
            return Ok(String::new());
        };
        let stats = PassageStats::new(&searcher, fields.kind, KIND_PASSAGE, &self.terms)?;
        let weight = built.weight(
            tantivy::query::EnableScoring::enabled_from_statistics_provider(&stats, &searcher),
        )?;
        let reader = searcher.segment_reader(address.segment_ord);
        let mut explanation = weight.explain(reader, address.doc_id)?;
        if let Some(span) = self.span_bonus(span_words, &stats)? {
            // As `search` adds it: the rest of the ranking, then the bonus.
            let bonus = span.explain(reader, address.doc_id)?;
            let mut sum = Explanation::new(
                "sum of the ranking and its span bonus",
                explanation.value() + bonus.value(),
            );
            sum.add_detail(explanation);
            sum.add_detail(bonus);
            explanation = sum;
        }
        let tree = serde_json::to_value(&explanation).unwrap_or_default();
        let mut out = String::new();
        write_explanation(&tree, 1, &mut out);
        Ok(out)
    }

    /// Restores the accents of the words of `query` (plain words, no query language) typed
    /// without diacritics, from the index's own counts of exact forms and of adjacent pairs
    /// (see [`super::restore`]).
    pub fn restore(&self, query: &str) -> Result<Restoration> {
        self.restore_with(&self.reader.searcher(), query, true)
    }

    /// "Did you mean": `query`, in the query language, with its accents restored, if that
    /// changes it. Excluded terms stay as typed: `-ban` excludes every `ban`/`bán`/`bạn`,
    /// which a restored `-bạn` would not.
    pub fn suggest(&self, query: &str) -> Result<Option<String>> {
        Ok(self
            .restore_with(&self.reader.searcher(), query, false)?
            .suggestion)
    }

    /// The restoration of `query`, read as plain words or in the query language (`plain`).
    fn restore_with(
        &self,
        searcher: &tantivy::Searcher,
        query: &str,
        plain: bool,
    ) -> Result<Restoration> {
        let words = self.index.analyzer().analyze(query);
        let wanted = words
            .iter()
            .any(|w| w.syllable && !w.has_diacritics() && !w.folded.is_empty());
        if !wanted {
            let forms = words.iter().map(|w| w.exact.clone()).collect();
            return Ok(Restoration {
                words,
                forms,
                suggestion: None,
            });
        }
        let mut forms = self.restorer_for(searcher).restore(&words);
        if !plain {
            // An excluded word keeps every accent it was typed without (see `suggest`).
            let excluded = excluded_ranges(query);
            for (word, form) in words.iter().zip(&mut forms) {
                if excluded.iter().any(|r| r.contains(&word.start)) {
                    form.clone_from(&word.exact);
                }
            }
        }
        let suggestion = suggestion(query, &words, &forms);
        Ok(Restoration {
            words,
            forms,
            suggestion,
        })
    }

    /// The restoration model of `searcher`'s commit, built on first use.
    fn restorer_for(&self, searcher: &tantivy::Searcher) -> Arc<Restorer> {
        let mut cached = self.restorer.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(restorer) = cached.as_ref() {
            if restorer.generation() == searcher.generation().generation_id() {
                return restorer.clone();
            }
        }
        let fields = self.index.fields();
        let restorer = Arc::new(Restorer::new(
            searcher,
            fields.body_field(FieldKind::Exact),
            fields.body_field(FieldKind::Joined),
            self.terms.clone(),
        ));
        *cached = Some(restorer.clone());
        restorer
    }

    fn build_query(
        &self,
        parsed: &ParsedQuery,
        restoration: Option<&Restoration>,
    ) -> Option<(Box<dyn Query>, MatchTerms, Vec<SpanWord>)> {
        // Restored forms of the words typed without diacritics, by typed form.
        let mut restored: HashMap<&str, &str> = HashMap::new();
        if let Some(r) = restoration {
            for (w, form) in r.words.iter().zip(&r.forms) {
                if *form != w.exact {
                    restored.entry(w.exact.as_str()).or_insert(form.as_str());
                }
            }
        }
        let analyzer = self.index.analyzer();
        let ranking = &self.index.config().ranking;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut terms = MatchTerms::default();
        let mut plain_text = String::new();
        for group in &parsed.groups {
            match group.alternatives.as_slice() {
                [single] if !single.phrase => {
                    plain_text.push_str(&single.text);
                    plain_text.push(' ');
                }
                alternatives => {
                    let mut options: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                    for alt in alternatives {
                        let words = analyzer.analyze(&alt.text);
                        if let Some(q) = self.term_query(alt, &words, ranking, &mut terms) {
                            options.push((Occur::Should, q));
                        }
                    }
                    if options.is_empty() {
                        continue;
                    }
                    let all_phrases = alternatives.iter().all(|a| a.phrase);
                    let occur = if all_phrases {
                        Occur::Must
                    } else {
                        Occur::Should
                    };
                    clauses.push((occur, Box::new(BooleanQuery::new(options))));
                }
            }
        }
        let words = analyzer.analyze(&plain_text);
        let questions = self.question_words(&words, &restored, ranking);
        // An interrogative (`gì`, `bao nhiêu`) is rarely in the passage that answers it.
        let weigh = |q: Box<dyn Query>, question: bool| -> Box<dyn Query> {
            if question {
                Box::new(Boost::new(q, ranking.question_weight))
            } else {
                q
            }
        };
        for (word, &question) in words.iter().zip(&questions) {
            let mut q = self.word_query(word, ranking, &mut terms);
            if let Some(form) = restored.get(word.exact.as_str()) {
                // The restored accented form counts on top of the folded match.
                let exact = self.index.fields().body_field(FieldKind::Exact);
                let boost = self.boosted_term(exact, form, ranking.restored);
                q = Box::new(BooleanQuery::new(vec![(Occur::Should, q), boost]));
                terms.exact.insert((*form).to_string());
            }
            clauses.push((Occur::Should, weigh(q, question)));
        }
        for word in &words {
            if let Some(q) = self.grouped_number_query(word, ranking, &mut terms) {
                clauses.push((Occur::Should, q));
            }
        }
        for (i, pair) in words.windows(2).enumerate() {
            if let Some(q) = self.pair_query(&pair[0], &pair[1], ranking, &mut terms) {
                // `bao nhiêu` as one joined token, or `là gì` near each other.
                let question = questions[i] || questions[i + 1];
                clauses.push((Occur::Should, weigh(q, question)));
            }
        }
        let span_words = if ranking.span > 0.0 && words.len() > 1 {
            self.span_words(&words, &questions, ranking)
        } else {
            Vec::new()
        };
        if ranking.coordination > 0.0 && words.len() > 1 {
            let words = words
                .iter()
                .map(|w| self.stem_term(&analyzer.english_form(&w.folded)))
                .collect();
            let q = CoordinationQuery::new(words);
            clauses.push((
                Occur::Should,
                Box::new(Boost::new(Box::new(q), ranking.coordination)),
            ));
        }
        if clauses.is_empty() {
            return None;
        }
        for excluded in &parsed.excluded {
            let words = analyzer.analyze(&excluded.text);
            if let Some(q) = self.exclusion(&words) {
                clauses.push((Occur::MustNot, q));
            }
        }
        Some((Box::new(BooleanQuery::new(clauses)), terms, span_words))
    }

    /// The words of the span bonus of the query's plain words (see [`super::span`]): each
    /// weighs what its own clauses do (`non_syllable`, `question_weight`), and a word that is
    /// not a syllable counts by any form with its English stem, as its `english` clause
    /// matches it.
    fn span_words(&self, words: &[AnalyzedWord], questions: &[bool], r: &Ranking) -> Vec<SpanWord> {
        let analyzer = self.index.analyzer();
        let folded = self.index.fields().body_field(FieldKind::Folded);
        words
            .iter()
            .zip(questions)
            .map(|(w, &question)| {
                let mut weight = if question { r.question_weight } else { 1.0 };
                let term = self.term(folded, &w.folded);
                if w.syllable {
                    return SpanWord {
                        idf_term: term.clone(),
                        term,
                        weight,
                        stem: None,
                    };
                }
                weight *= r.non_syllable;
                let stem = analyzer.english_form(&w.folded);
                SpanWord {
                    term,
                    idf_term: self.stem_term(&stem),
                    weight,
                    stem: Some(stem),
                }
            })
            .collect()
    }

    /// The span bonus over `words` with the idfs of `stats`, if it can reward any passage.
    fn span_bonus(
        &self,
        words: Vec<SpanWord>,
        stats: &PassageStats<'_>,
    ) -> Result<Option<SpanBonus>> {
        if words.is_empty() {
            return Ok(None);
        }
        let r = &self.index.config().ranking;
        let analyzer = self.index.analyzer().clone();
        let span = SpanBonus::new(words, r.span_window, r.span, analyzer, stats)?;
        Ok(span.map(|s| s.with_term_infos(self.terms.clone())))
    }

    /// Which of `words` belong to an interrogative of `[ranking] question_words`, compared on
    /// the accented form: as typed, or as restored for a word typed without diacritics (so
    /// `dau` counts when restored to `đâu`, never as `đầu`, and English `may` is not `mấy`).
    fn question_words(
        &self,
        words: &[AnalyzedWord],
        restored: &HashMap<&str, &str>,
        r: &Ranking,
    ) -> Vec<bool> {
        let mut marks = vec![false; words.len()];
        if r.question_weight == 1.0 {
            return marks;
        }
        let forms: Vec<&str> = words
            .iter()
            .map(|w| restored.get(w.exact.as_str()).copied().unwrap_or(&w.exact))
            .collect();
        for entry in &r.question_words {
            let entry = self.index.analyzer().analyze(entry);
            if entry.is_empty() || entry.len() > words.len() {
                continue;
            }
            for start in 0..=words.len() - entry.len() {
                let span = start..start + entry.len();
                let found = entry.iter().enumerate().all(|(i, e)| {
                    let at = start + i;
                    (i == 0 || words[at].spaced_from_previous) && forms[at] == e.exact
                });
                if found {
                    marks[span].fill(true);
                }
            }
        }
        marks
    }

    fn term(&self, field: Field, text: &str) -> Term {
        Term::from_field_text(field, text)
    }

    /// The term of an English stem in the field where documents hold it: `folded` for a
    /// stem that is a possible syllable (the analyzer leaves syllables out of `english`),
    /// `english` otherwise.
    fn stem_term(&self, stem: &str) -> Term {
        let kind = if is_folded_syllable(stem) {
            FieldKind::Folded
        } else {
            FieldKind::English
        };
        self.term(self.index.fields().body_field(kind), stem)
    }

    /// A weighted BM25 term. Weights go through [`Boost`] (not tantivy's `BoostQuery`): the
    /// pruned execution reads its boost to bound the clause's score.
    fn boosted_term(&self, field: Field, text: &str, weight: f32) -> (Occur, Box<dyn Query>) {
        let r = &self.index.config().ranking;
        let params = Bm25Params { k1: r.k1, b: r.b };
        let q =
            Bm25TermQuery::new(self.term(field, text), params).with_term_infos(self.terms.clone());
        (Occur::Should, Box::new(Boost::new(Box::new(q), weight)))
    }

    /// All the ways one query word can match, summed.
    fn word_query(&self, w: &AnalyzedWord, r: &Ranking, terms: &mut MatchTerms) -> Box<dyn Query> {
        let f = self.index.fields();
        let (folded, english_field) = (
            f.body_field(FieldKind::Folded),
            f.body_field(FieldKind::English),
        );
        let english = self.index.analyzer().english_form(&w.folded);
        // The stem is indexed in `english` for words that are not syllables (`cats` → `cat`)
        // and is the `folded` token of those that are (`cat`): it is looked up in both. For a
        // syllable its stem is its folded form, one term that carries both weights.
        let stem_is_syllable = is_folded_syllable(&english);
        let folded_weight = if stem_is_syllable && english == w.folded {
            r.folded + r.english
        } else {
            r.folded
        };
        let params = Bm25Params { k1: r.k1, b: r.b };
        // Normalised by the passage's length in words, as every other body clause is.
        let english_term = Bm25TermQuery::new(self.term(english_field, &english), params)
            .with_lengths_of(folded)
            .with_term_infos(self.terms.clone());
        let mut clauses = vec![
            self.boosted_term(f.body_field(FieldKind::Exact), &w.exact, r.exact),
            self.boosted_term(folded, &w.folded, folded_weight),
            (
                Occur::Should,
                Box::new(Boost::new(Box::new(english_term), r.english)),
            ),
            self.boosted_term(f.title[0], &w.exact, r.title),
            self.boosted_term(f.title[1], &w.folded, r.title * 0.5),
        ];
        if stem_is_syllable && english != w.folded {
            clauses.push(self.boosted_term(folded, &english, r.english));
        }
        if let Some(other) = other_lone_i_spelling(&w.exact, &w.folded) {
            // `kỉ` for `kỷ`: the other spelling of the same syllable counts as a restored
            // accent does, above the other tones (`kì`), below the spelling typed.
            let exact = f.body_field(FieldKind::Exact);
            clauses.push(self.boosted_term(exact, &other, r.restored));
            terms.exact.insert(other);
        }
        if !w.syllable {
            // `Vietnam` meets `Việt Nam`, indexed as the joined pair `vietnam`, and `congty`
            // meets `công ty`, whose joined token spells its lone `y` as `i` (`congti`).
            let joined = f.body_field(FieldKind::Joined);
            for form in std::iter::once(w.folded.clone()).chain(unified_runs(&w.folded)) {
                clauses.push(self.boosted_term(joined, &form, r.joined));
                terms.joined.insert(form);
            }
        }
        terms.exact.insert(w.exact.clone());
        terms.folded.insert(w.folded.clone());
        terms.english.insert(english);
        let word = Box::new(BooleanQuery::new(clauses));
        if !w.syllable && r.non_syllable != 1.0 {
            // A name, number or foreign word is a concept on its own, where a syllable is
            // usually half of one (`chấm dứt` collects two words' clauses and a joined one).
            return Box::new(Boost::new(word, r.non_syllable));
        }
        word
    }

    /// For the first group of a number the query writes with digit groups (`2` of `2.500`), the
    /// clauses of the number typed with its digits run together (`2500`): in `joined` they
    /// meet it written with either separator, in `exact` and `folded` written without. The
    /// groups keep their own clauses, as any word.
    fn grouped_number_query(
        &self,
        w: &AnalyzedWord,
        r: &Ranking,
        terms: &mut MatchTerms,
    ) -> Option<Box<dyn Query>> {
        let digits = w.grouped_number.as_deref()?;
        let whole = self.index.analyzer().analyze(digits).pop()?;
        Some(self.word_query(&whole, r, terms))
    }

    /// The adjacency clause of two consecutive query words: their joined form when both are
    /// syllables, otherwise the proximity bonus (see [`super::proximity`]), with, for words
    /// tied by a hyphen (`COVID-19`), their form written as one word (`covid19`).
    fn pair_query(
        &self,
        a: &AnalyzedWord,
        b: &AnalyzedWord,
        r: &Ranking,
        terms: &mut MatchTerms,
    ) -> Option<Box<dyn Query>> {
        let f = self.index.fields();
        // One joined token stands for two query words: it weighs as much as both.
        let weight = 2.0 * r.joined;
        let joined = a.joined_with(b);
        let mut together = Vec::new();
        if joined.is_some() {
            // `Viet Nam` finds `Vietnam`, one folded word, and `COVID-19` finds `covid19`.
            for form in written_together(a, b) {
                together.push(self.boosted_term(f.body_field(FieldKind::Folded), &form, weight));
                terms.folded.insert(form);
            }
        }
        if let Some(joined) = joined.filter(|_| a.syllable && b.syllable) {
            together.push(self.boosted_term(f.body_field(FieldKind::Joined), &joined, weight));
            terms.joined.insert(joined);
            return Some(Box::new(BooleanQuery::new(together)));
        }
        // Other words tied by a hyphen are scored as any other pair: where they are written
        // apart, as they were typed, by their proximity, and the `joined` token they also
        // make in the passage is not counted a second time.
        if r.phrase > 0.0 {
            // Near, not only adjacent, and scored by the commoner word (`networks of` adds
            // nothing): see `super::proximity`.
            let field = f.body_field(FieldKind::Folded);
            let near = ProximityQuery::new(
                self.term(field, &a.folded),
                self.term(field, &b.folded),
                r.window,
                Bm25Params { k1: r.k1, b: r.b },
            );
            together.push((
                Occur::Should,
                Box::new(Boost::new(Box::new(near), r.phrase)),
            ));
        }
        match together.len() {
            0 => None,
            1 => together.pop().map(|(_, q)| q),
            _ => Some(Box::new(BooleanQuery::new(together))),
        }
    }

    /// A query term (a quoted phrase, or one alternative of an OR group).
    fn term_query(
        &self,
        term: &QueryTerm,
        words: &[AnalyzedWord],
        r: &Ranking,
        terms: &mut MatchTerms,
    ) -> Option<Box<dyn Query>> {
        match words {
            [] => None,
            [word] => Some(self.word_query(word, r, terms)),
            _ if !term.phrase => {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = words
                    .iter()
                    .map(|w| (Occur::Should, self.word_query(w, r, terms)))
                    .collect();
                for w in words {
                    if let Some(q) = self.grouped_number_query(w, r, terms) {
                        clauses.push((Occur::Should, q));
                    }
                }
                for pair in words.windows(2) {
                    if let Some(q) = self.pair_query(&pair[0], &pair[1], r, terms) {
                        clauses.push((Occur::Should, q));
                    }
                }
                Some(Box::new(BooleanQuery::new(clauses)))
            }
            _ => {
                let f = self.index.fields();
                let phrase = |field: Field, form: fn(&AnalyzedWord) -> &str, weight: f32| {
                    let terms = words.iter().map(|w| self.term(field, form(w))).collect();
                    let q: Box<dyn Query> =
                        Box::new(Boost::new(Box::new(PhraseQuery::new(terms)), weight));
                    (Occur::Should, q)
                };
                let mut clauses = vec![
                    phrase(f.body_field(FieldKind::Exact), |w| &w.exact, r.exact),
                    phrase(f.body_field(FieldKind::Folded), |w| &w.folded, r.folded),
                ];
                if let [a, b] = words {
                    if a.joined_with(b).is_some() {
                        for form in written_together(a, b) {
                            clauses.push(self.boosted_term(
                                f.body_field(FieldKind::Folded),
                                &form,
                                r.joined,
                            ));
                            terms.folded.insert(form);
                        }
                    }
                }
                for w in words {
                    terms.exact.insert(w.exact.clone());
                    terms.folded.insert(w.folded.clone());
                }
                Some(Box::new(BooleanQuery::new(clauses)))
            }
        }
    }

    /// What an excluded word or phrase removes: an unaccented word excludes every accented
    /// form (`-ban`: ban, bán, bạn), an accented one only itself (`-bán`), and a number
    /// every spelling of it that its query finds (`-2500`: 2500, 2.500, 2,500).
    fn exclusion(&self, words: &[AnalyzedWord]) -> Option<Box<dyn Query>> {
        let f = self.index.fields();
        let accented = words.iter().any(AnalyzedWord::has_diacritics);
        let (field, form): (Field, fn(&AnalyzedWord) -> &str) = if accented {
            (f.body_field(FieldKind::Exact), |w| &w.exact)
        } else {
            (f.body_field(FieldKind::Folded), |w| &w.folded)
        };
        let terms: Vec<Term> = words.iter().map(|w| self.term(field, form(w))).collect();
        let written: Box<dyn Query> = match terms.len() {
            0 => return None,
            1 => Box::new(TermQuery::new(
                terms.into_iter().next().expect("one term"),
                IndexRecordOption::Basic,
            )),
            _ => Box::new(PhraseQuery::new(terms)),
        };
        let Some(digits) = excluded_number(words) else {
            return Some(written);
        };
        // The number run together, as `joined` holds a grouped number and `folded` a plain one.
        let mut spellings = vec![(Occur::Should, written)];
        for kind in [FieldKind::Joined, FieldKind::Folded] {
            let term = self.term(f.body_field(kind), digits);
            let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
            spellings.push((Occur::Should, q));
        }
        Some(Box::new(BooleanQuery::new(spellings)))
    }

    /// A filter matching the documents whose path matches one of `globs`.
    fn glob_filter(
        &self,
        searcher: &tantivy::Searcher,
        globs: &[String],
    ) -> Result<Box<dyn Query>> {
        let set = glob_set(globs)?;
        let field = self.index.fields().path;
        let mut keys = Vec::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .stream()
                .map_err(|e| Error::io(self.index.dir(), e))?;
            while stream.advance() {
                if let Ok(key) = std::str::from_utf8(stream.key()) {
                    let name = key.rsplit('/').next().unwrap_or(key);
                    if set.is_match(key) || set.is_match(name) {
                        keys.push(self.term(field, key));
                    }
                }
            }
        }
        Ok(Box::new(TermSetQuery::new(keys)))
    }

    /// Byte ranges of the words of `text` that the query matched. Runs on every hit's whole
    /// passage, so it reads the analyzer's memoised word forms rather than analysing afresh.
    fn match_spans(&self, text: &str, terms: &MatchTerms) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        // A `joined` match highlights both words of the pair.
        let mut joiner = WordJoiner::default();
        let mut joined = String::new();
        let mut digits = String::new();
        self.index
            .analyzer()
            .for_each_word_forms(text, |word, forms| {
                let span = (word.start, word.end);
                // A syllable has no `english` token: its stem is its folded form.
                let english = if forms.syllable {
                    forms.folded
                } else {
                    forms.english
                };
                if terms.exact.contains(forms.exact)
                    || terms.folded.contains(forms.folded)
                    || terms.english.contains(english)
                {
                    spans.push(span);
                }
                joiner.advance(word, forms, span, |previous, previous_folded| {
                    joined.clear();
                    joined.push_str(previous_folded);
                    joined.push_str(forms.folded);
                    if terms.joined.contains(joined.as_str()) {
                        spans.push(previous);
                        spans.push(span);
                    }
                });
                // A grouped number's `joined` match highlights the number as written.
                if let Some(number) = word.grouped_number {
                    run_together(number, &mut digits);
                    if terms.joined.contains(digits.as_str()) {
                        spans.push((word.start, word.start + number.len()));
                    }
                }
            });
        spans
    }
}

/// Adds the span bonus to the score of each of `top`'s passages.
fn add_span_bonus(
    searcher: &tantivy::Searcher,
    span: &SpanBonus,
    top: &mut [(Score, DocAddress)],
) -> Result<()> {
    // Segment by segment, passages in increasing order, as postings are read.
    top.sort_by_key(|&(_, address)| address);
    for group in top.chunk_by_mut(|a, b| a.1.segment_ord == b.1.segment_ord) {
        let reader = searcher.segment_reader(group[0].1.segment_ord);
        let docs: Vec<DocId> = group.iter().map(|&(_, address)| address.doc_id).collect();
        for (hit, bonus) in group.iter_mut().zip(span.bonuses(reader, &docs)?) {
            hit.0 += bonus;
        }
    }
    Ok(())
}

/// The digits of an excluded term that is one number and nothing else, run together: a plain
/// number (`2500`) or a number written with digit groups (`2.500`, whose words are its groups).
fn excluded_number(words: &[AnalyzedWord]) -> Option<&str> {
    match words {
        [w] if w.folded.bytes().all(|b| b.is_ascii_digit()) => Some(&w.folded),
        [first, ..] => {
            let digits = first.grouped_number.as_deref()?;
            // Groups of three after a lead of one to three digits: one word per group.
            (words.len() == digits.len().div_ceil(3)).then_some(digits)
        }
        [] => None,
    }
}

/// The folded tokens two adjacent syllables make when written as one word (`Viet Nam` as
/// `Vietnam`), their joined form first: such a word is not a syllable, so its lone `y` is not
/// folded to `i`, and `công ty` written `congty` (a name, a domain) keeps `congty` beside the
/// joined `congti`.
fn written_together(a: &AnalyzedWord, b: &AnalyzedWord) -> Vec<String> {
    let spellings = |w: &AnalyzedWord| -> Vec<String> {
        std::iter::once(w.folded.clone())
            .chain(lone_y_spelling(&w.folded))
            .collect()
    };
    let (firsts, seconds) = (spellings(a), spellings(b));
    firsts
        .iter()
        .flat_map(|first| seconds.iter().map(move |second| format!("{first}{second}")))
        .collect()
}

/// Compiles the `--glob` filters of a search.
fn glob_set(globs: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let glob =
            Glob::new(glob).map_err(|e| Error::Invalid(format!("bad --glob {glob:?}: {e}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| Error::Invalid(format!("bad --glob: {e}")))
}

/// Prints one node of a tantivy explanation tree per line, indented by depth: sums are
/// `sum`, a boost is folded into its one child's line (`×1.6`), BM25 leaves show their parts.
fn write_explanation(node: &serde_json::Value, depth: usize, out: &mut String) {
    write_node(node, depth, "", out);
}

fn write_node(node: &serde_json::Value, depth: usize, prefix: &str, out: &mut String) {
    let value = node["value"].as_f64().unwrap_or(0.0);
    let description = node["description"].as_str().unwrap_or("");
    let details = node["details"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    if let (Some(boost), [only]) = (description.strip_prefix("Boost x"), details) {
        let boost = boost.trim_end_matches(" of ...");
        return write_node(only, depth, &format!("{prefix}×{boost} "), out);
    }
    if let (true, [only]) = (description.starts_with("BooleanClause"), details) {
        return write_node(only, depth, prefix, out);
    }
    let label = if description.starts_with("BooleanClause") {
        "sum"
    } else {
        description
    };
    out.push_str(&format!(
        "{:indent$}{value:.4}  {prefix}{label}",
        "",
        indent = 2 * depth
    ));
    let constants: Vec<String> = details
        .iter()
        .filter(|d| is_constant(d))
        .map(|d| {
            let name = d["description"].as_str().unwrap_or("");
            let name = name.split(',').next().unwrap_or(name);
            format!("{name} {}", d["value"].as_f64().unwrap_or(0.0) as f32)
        })
        .collect();
    if !constants.is_empty() {
        out.push_str(&format!(" ({})", constants.join(", ")));
    }
    out.push('\n');
    for detail in details.iter().filter(|d| !is_constant(d)) {
        write_node(detail, depth + 1, "", out);
    }
}

/// The leaves our BM25 explanation adds as constants (idf, tf, lengths...).
fn is_constant(node: &serde_json::Value) -> bool {
    let description = node["description"].as_str().unwrap_or("");
    ["idf", "n,", "N,", "tf", "passage length", "average length"]
        .iter()
        .any(|p| description.starts_with(p))
}

/// A stored path is relative and stays inside the corpus: anything else means the index was
/// tampered with, and is refused rather than printed or opened.
fn check_stored_path(path: &str, index_dir: &std::path::Path) -> Result<()> {
    let bad = path.starts_with('/')
        || path.starts_with('\\')
        || path.split(['/', '\\']).any(|part| part == "..")
        || path.get(1..2) == Some(":");
    if bad {
        return Err(Error::IndexUnusable {
            path: index_dir.to_path_buf(),
            message: format!("it stores a path outside its corpus ({path:?}); rebuild it with `tim index --rebuild`"),
        });
    }
    Ok(())
}
