//! Executing a search query without scoring every passage that matches one of its words.
//!
//! A query is a sum of many weighted clauses (see [`super::searcher`]), and our BM25 scorer is
//! our own, so tantivy's block-max WAND never applies to it: left alone, tantivy scores every
//! posting of every common syllable (`của`, `là`, `được`, ...) of the query. [`PrunedQuery`]
//! runs the same query with **max-score pruning** instead:
//!
//! - the query tree is flattened into its leaves (term and phrase queries), each with an upper
//!   bound on the score it can add (for BM25, `idf · (k1 + 1) · boost`);
//! - once the top-k heap is full, its k-th score θ is known: the leaves with the smallest
//!   bounds whose bounds sum to less than θ cannot lift a passage into the top k on their own,
//!   so only the passages of the other ("essential") leaves are candidates; the small-bound
//!   leaves are only `seek`-ed to those candidates, and a candidate is dropped as soon as the
//!   bounds of what is left cannot reach θ;
//! - a candidate that survives is scored exactly as tantivy would: the same leaf scorers, summed
//!   in the same order and nesting as tantivy's boolean unions, so every score returned is
//!   bit-for-bit the one of an exhaustive evaluation.
//!
//! Passages are only skipped when their bound is below the threshold that the top-k collector
//! itself applies, so the hits are the same as exhaustive evaluation, ties included.
//!
//! What the planner sees through: [`BooleanQuery`] with only `Should` (and, at the top,
//! `MustNot`) clauses, [`Boost`], [`Bm25TermQuery`] and [`PhraseQuery`]. Any other sub-query
//! becomes one leaf without a bound (always essential: correct, just not pruned), and a top
//! level it cannot read (a `Must` clause, such as a quoted phrase or a glob filter) is run by
//! tantivy as it is.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use tantivy::query::{
    Bm25Weight, BooleanQuery, BoostWeight, EnableScoring, Explanation, Occur, PhraseQuery, Query,
    Scorer, Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use super::bm25::{Bm25Scorer, Bm25TermQuery};
use super::proximity::ProximityQuery;

/// Relative slack added to every bound: leaf scores and their sums are rounded f32, the bounds
/// must stay above them whatever the order of additions.
const BOUND_SLACK: f64 = 1e-4;

/// A query whose score is the score of `query` times `boost`: tantivy's `BoostQuery`, with its
/// parts readable so that [`PrunedQuery`] can see through it. Its weight is tantivy's own
/// [`BoostWeight`], so scores and explanations are the same as with `BoostQuery`.
#[derive(Debug)]
pub struct Boost {
    query: Box<dyn Query>,
    boost: Score,
}

impl Boost {
    /// `query`, its scores multiplied by `boost`.
    pub fn new(query: Box<dyn Query>, boost: Score) -> Boost {
        Boost { query, boost }
    }
}

impl Clone for Boost {
    fn clone(&self) -> Self {
        Boost {
            query: self.query.box_clone(),
            boost: self.boost,
        }
    }
}

impl Query for Boost {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.query.weight(scoring)?;
        Ok(if scoring.is_scoring_enabled() {
            Box::new(BoostWeight::new(inner, self.boost))
        } else {
            inner
        })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

/// `query`, executed with max-score pruning when collected by a top-k collector (see the
/// module documentation); same hits and scores as `query` itself.
#[derive(Debug)]
pub struct PrunedQuery {
    query: Box<dyn Query>,
}

impl PrunedQuery {
    /// Wraps `query`.
    pub fn new(query: Box<dyn Query>) -> PrunedQuery {
        PrunedQuery { query }
    }
}

impl Clone for PrunedQuery {
    fn clone(&self) -> Self {
        PrunedQuery {
            query: self.query.box_clone(),
        }
    }
}

impl Query for PrunedQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        match Plan::of(self.query.as_ref(), scoring)? {
            Some(plan) => Ok(Box::new(plan)),
            None => self.query.weight(scoring),
        }
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

/// How leaf scores add up: the nesting of tantivy's boolean unions, whose sums we replay in
/// the same order so that the f32 results are identical.
#[derive(Debug)]
enum Node {
    Leaf(usize),
    Sum(Vec<Node>),
}

/// One term or phrase (or unreadable sub-query) of a query, with its score bound.
struct Leaf {
    weight: Box<dyn Weight>,
    /// The boosts on the way down to this leaf, outermost first.
    boosts: Vec<Score>,
    /// Upper bound of the leaf's score, slack included; infinite when unknown.
    bound: f64,
}

impl Leaf {
    /// The boost tantivy passes to this leaf's scorer when the whole query is scored with
    /// `top`: each `BoostWeight` multiplies what it receives by its own boost, outermost first.
    fn boost(&self, top: Score) -> Score {
        self.boosts.iter().fold(top, |acc, b| acc * b)
    }
}

/// The scorers of a plan's leaves (or exclusions) in one segment, in plan order.
type Scorers = Vec<Box<dyn Scorer>>;

/// A query flattened for pruned execution: the top-level sum, its leaves and its exclusions.
struct Plan {
    root: Arc<Node>,
    leaves: Vec<Leaf>,
    excluded: Vec<Box<dyn Weight>>,
    /// The highest threshold a top-k heap reached in a segment already searched, as `f32`
    /// bits (see [`Plan::for_each_pruning`]).
    floor: AtomicU32,
}

impl Plan {
    /// The plan of `query`, or `None` when its top level is not a plain sum (then tantivy runs
    /// it unchanged).
    fn of(query: &dyn Query, scoring: EnableScoring<'_>) -> tantivy::Result<Option<Plan>> {
        if !scoring.is_scoring_enabled() {
            return Ok(None);
        }
        let Some(top) = query.downcast_ref::<BooleanQuery>() else {
            return Ok(None);
        };
        let readable = top.get_minimum_number_should_match() <= 1
            && top.clauses().iter().all(|(o, _)| *o != Occur::Must)
            && top.clauses().iter().any(|(o, _)| *o == Occur::Should);
        if !readable {
            return Ok(None);
        }
        let mut plan = Plan {
            root: Arc::new(Node::Sum(Vec::new())),
            leaves: Vec::new(),
            excluded: Vec::new(),
            floor: AtomicU32::new(Score::MIN.to_bits()),
        };
        let mut children = Vec::new();
        for (occur, clause) in top.clauses() {
            match occur {
                Occur::Should => children.push(plan.node(clause.as_ref(), &[], scoring)?),
                Occur::MustNot => plan.excluded.push(clause.weight(scoring)?),
                Occur::Must => unreachable!("checked above"),
            }
        }
        plan.root = Arc::new(Node::Sum(children));
        Ok(Some(plan))
    }

    /// The node of `query`, under the boosts `boosts` (outermost first).
    fn node(
        &mut self,
        query: &dyn Query,
        boosts: &[Score],
        scoring: EnableScoring<'_>,
    ) -> tantivy::Result<Node> {
        if let Some(b) = query.downcast_ref::<Boost>() {
            let mut inner = boosts.to_vec();
            inner.push(b.boost);
            return self.node(b.query.as_ref(), &inner, scoring);
        }
        if let Some(q) = query.downcast_ref::<BooleanQuery>() {
            let sum = q.get_minimum_number_should_match() <= 1
                && !q.clauses().is_empty()
                && q.clauses().iter().all(|(o, _)| *o == Occur::Should);
            if sum {
                let mut children = Vec::with_capacity(q.clauses().len());
                for (_, clause) in q.clauses() {
                    children.push(self.node(clause.as_ref(), boosts, scoring)?);
                }
                return Ok(Node::Sum(children));
            }
        }
        // The boost the leaf's scorer gets when the query is scored as a whole (top boost 1).
        let boost = boosts.iter().fold(1.0, |acc: Score, b| acc * b);
        let (weight, bound): (Box<dyn Weight>, Score) =
            if let Some(q) = query.downcast_ref::<Bm25TermQuery>() {
                let weight = q.bm25_weight(scoring)?;
                let bound = weight.max_score(boost);
                (Box::new(weight), bound)
            } else if let Some(q) = query.downcast_ref::<PhraseQuery>() {
                (q.weight(scoring)?, phrase_bound(q, boost, scoring)?)
            } else if let Some(q) = query.downcast_ref::<ProximityQuery>() {
                q.weight_and_bound(scoring, boost)?
            } else {
                (query.weight(scoring)?, Score::INFINITY)
            };
        // A negative contribution has no useful bound here: keep it always essential.
        let bound = if bound.is_finite() && bound >= 0.0 {
            f64::from(bound) * (1.0 + BOUND_SLACK)
        } else {
            f64::INFINITY
        };
        self.leaves.push(Leaf {
            weight,
            boosts: boosts.to_vec(),
            bound,
        });
        Ok(Node::Leaf(self.leaves.len() - 1))
    }

    /// The scorers of every leaf and exclusion in `reader`, for a top-level `boost`.
    fn scorers(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<(Scorers, Scorers)> {
        let leaves = self
            .leaves
            .iter()
            .map(|l| l.weight.scorer(reader, l.boost(boost)))
            .collect::<tantivy::Result<_>>()?;
        let excluded = self
            .excluded
            .iter()
            .map(|w| w.scorer(reader, boost))
            .collect::<tantivy::Result<_>>()?;
        Ok((leaves, excluded))
    }
}

/// The highest score of a tantivy phrase query scored with `boost`: its BM25 weight (the
/// phrase's summed idf times `k1 + 1`) times a term-frequency factor that never exceeds 1.
fn phrase_bound(
    q: &PhraseQuery,
    boost: Score,
    scoring: EnableScoring<'_>,
) -> tantivy::Result<Score> {
    let EnableScoring::Enabled {
        statistics_provider,
        ..
    } = scoring
    else {
        return Ok(Score::INFINITY);
    };
    let weight = Bm25Weight::for_terms(statistics_provider, &q.phrase_terms())?.boost_by(boost);
    // The shortest passage and a term frequency so high that the factor rounds to 1.
    Ok(weight.score(0, u32::MAX))
}

/// The sum of the scores of the leaves under `node` that match (`scores[i]` is `Some`), in
/// tantivy's order: a boolean union starts from 0 and adds its matching children in clause
/// order. `None` when nothing under `node` matches.
fn sum(node: &Node, scores: &[Option<Score>]) -> Option<Score> {
    match node {
        Node::Leaf(i) => scores[*i],
        Node::Sum(children) => {
            let mut total: Option<Score> = None;
            for child in children {
                if let Some(s) = sum(child, scores) {
                    total = Some(total.unwrap_or(0.0) + s);
                }
            }
            total
        }
    }
}

/// Whether one of `excluded` matches `doc` (each is moved forward to `doc`).
fn is_excluded(excluded: &mut [Box<dyn Scorer>], doc: DocId) -> bool {
    excluded.iter_mut().any(|s| {
        if s.doc() < doc {
            s.seek(doc);
        }
        s.doc() == doc
    })
}

impl Weight for Plan {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let (leaves, excluded) = self.scorers(reader, boost)?;
        let mut scorer = PlanScorer {
            root: self.root.clone(),
            scores: vec![None; leaves.len()],
            leaves,
            excluded,
            doc: 0,
            score: 0.0,
        };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scores = vec![None; self.leaves.len()];
        let mut details = vec![None; self.leaves.len()];
        for (i, leaf) in self.leaves.iter().enumerate() {
            let mut scorer = leaf.weight.scorer(reader, leaf.boost(1.0))?;
            if scorer.doc() < doc {
                scorer.seek(doc);
            }
            if scorer.doc() == doc {
                scores[i] = Some(scorer.score());
                details[i] = Some(leaf.weight.explain(reader, doc)?);
            }
        }
        let (_, mut excluded) = self.scorers(reader, 1.0)?;
        let matched = sum(&self.root, &scores).filter(|_| !is_excluded(&mut excluded, doc));
        let Some(total) = matched else {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        };
        let mut explanation = Explanation::new("sum of the matching clauses", total);
        for detail in details.into_iter().flatten() {
            explanation.add_detail(detail);
        }
        Ok(explanation)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        // tantivy gives every segment a fresh top-k heap starting from nothing, but a heap
        // that filled up in an earlier segment holds k passages scoring at least its
        // threshold: the index's k-th best can only be higher, so a passage scoring below it
        // cannot be in the merged top k, whatever segment it is in. Passages scoring exactly
        // the floor are still offered (ties are decided by tantivy's merge, not here).
        let floor = Score::from_bits(self.floor.load(Ordering::Relaxed));
        let below_floor = if floor > Score::MIN {
            floor.next_down()
        } else {
            Score::MIN
        };
        let mut reached = threshold;
        let (leaves, mut excluded) = self.scorers(reader, 1.0)?;
        let mut leaves: Vec<LeafScorer> = leaves.into_iter().map(LeafScorer::of).collect();
        max_score(
            &self.root,
            &mut leaves,
            &self.leaves.iter().map(|l| l.bound).collect::<Vec<_>>(),
            &mut excluded,
            threshold.max(below_floor),
            reader.max_doc(),
            &mut |doc, score| {
                reached = callback(doc, score);
                reached.max(below_floor)
            },
        );
        // Segments may be searched in parallel: keep the highest floor.
        let _ = self
            .floor
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                (reached > Score::from_bits(bits)).then_some(reached.to_bits())
            });
        Ok(())
    }
}

/// A leaf's scorer in the pruned loop: BM25 terms (most leaves) called directly, so that the
/// per-posting calls inline, anything else through its trait object.
enum LeafScorer {
    Bm25(Box<Bm25Scorer>),
    Other(Box<dyn Scorer>),
}

impl LeafScorer {
    fn of(scorer: Box<dyn Scorer>) -> LeafScorer {
        match scorer.downcast::<Bm25Scorer>() {
            Ok(bm25) => LeafScorer::Bm25(bm25),
            Err(other) => LeafScorer::Other(other),
        }
    }

    #[inline]
    fn doc(&self) -> DocId {
        match self {
            LeafScorer::Bm25(s) => s.doc(),
            LeafScorer::Other(s) => s.doc(),
        }
    }

    #[inline]
    fn advance(&mut self) -> DocId {
        match self {
            LeafScorer::Bm25(s) => s.advance(),
            LeafScorer::Other(s) => s.advance(),
        }
    }

    #[inline]
    fn seek(&mut self, target: DocId) -> DocId {
        match self {
            LeafScorer::Bm25(s) => s.seek(target),
            LeafScorer::Other(s) => s.seek(target),
        }
    }

    fn size_hint(&self) -> u32 {
        match self {
            LeafScorer::Bm25(s) => s.size_hint(),
            LeafScorer::Other(s) => s.size_hint(),
        }
    }

    #[inline]
    fn score(&mut self) -> Score {
        match self {
            LeafScorer::Bm25(s) => s.score(),
            LeafScorer::Other(s) => s.score(),
        }
    }
}

/// Most passages gathered at a time from the essential leaves (as tantivy's buffered union
/// does).
const WINDOW: u32 = 4096;
/// The first window of a segment: until the top-k heap is full every leaf is essential, so the
/// windows start small and double, letting the threshold rise before much is read.
const FIRST_WINDOW: u32 = 128;

/// The max-score loop over one segment: offers `callback` every passage whose exact score is
/// above the threshold, in doc order, skipping those whose bound proves they are not;
/// `callback` returns the new threshold.
///
/// Window by window, the essential leaves are read through (their scores summed per passage
/// into what the passage can reach); only the passages whose reach, plus the bounds of the
/// non-essential leaves, passes the threshold are looked up in the non-essential leaves (by
/// `seek`, those likeliest to take the most off the passage's reach first, dropped as soon as
/// they cannot make it) and summed exactly. `max_doc` is the segment's size.
fn max_score(
    root: &Node,
    leaves: &mut [LeafScorer],
    bounds: &[f64],
    excluded: &mut [Box<dyn Scorer>],
    mut threshold: Score,
    max_doc: DocId,
    callback: &mut dyn FnMut(DocId, Score) -> Score,
) {
    // Leaves with postings in this segment, by increasing bound; `prefix[j]` is the sum of the
    // first j bounds.
    let mut order: Vec<usize> = (0..leaves.len())
        .filter(|&i| leaves[i].doc() != TERMINATED)
        .collect();
    order.sort_by(|&a, &b| bounds[a].total_cmp(&bounds[b]));
    let mut prefix = vec![0.0f64; order.len() + 1];
    for (j, &i) in order.iter().enumerate() {
        prefix[j + 1] = prefix[j] + bounds[i];
    }
    // What looking a leaf up is expected to take off a passage's reach: its whole bound when
    // the passage lacks it, so a leaf's bound times the share of passages without it. Looking
    // the leaves up in that order drops a hopeless passage after fewer seeks than by bound
    // alone (the commonest syllables, which most passages hold, take off little).
    let expected_cut: Vec<f64> = (0..leaves.len())
        .map(|i| {
            // (An unbounded leaf is always essential, never looked up.)
            let held = f64::from(leaves[i].size_hint()) / f64::from(max_doc.max(1));
            bounds[i] * (1.0 - held.min(1.0))
        })
        .collect();
    // The non-essential leaves in that order, for the `essential` they were sorted for.
    let mut look_ups: Vec<usize> = Vec::new();
    let mut look_ups_for = usize::MAX;
    let mut reach = vec![0.0f64; WINDOW as usize];
    // Per passage of the window, a linked list of its essential leaves' scores in `found`.
    let mut head = vec![u32::MAX; WINDOW as usize];
    let mut found: Vec<(u32, Score, u32)> = Vec::new();
    let mut present = vec![0u64; WINDOW as usize / 64];
    let mut scores: Vec<Option<Score>> = vec![None; leaves.len()];
    let mut touched: Vec<usize> = Vec::new();
    let mut span = FIRST_WINDOW;
    loop {
        // order[..essential]: leaves whose bounds together stay below the threshold, so a
        // passage matching only them cannot get in.
        let t = f64::from(threshold);
        let essential = prefix[1..].iter().take_while(|&&p| p < t).count();
        let Some(start) = order[essential..]
            .iter()
            .map(|&i| leaves[i].doc())
            .min()
            .filter(|&d| d != TERMINATED)
        else {
            return;
        };
        let end = start.saturating_add(span);
        span = (span * 2).min(WINDOW);
        found.clear();
        for &i in &order[essential..] {
            let leaf = &mut leaves[i];
            let mut doc = leaf.doc();
            while doc < end {
                let at = (doc - start) as usize;
                let s = leaf.score();
                if present[at / 64] & (1 << (at % 64)) == 0 {
                    present[at / 64] |= 1 << (at % 64);
                    reach[at] = 0.0;
                    head[at] = u32::MAX;
                }
                reach[at] += if bounds[i].is_finite() {
                    f64::from(s) * (1.0 + BOUND_SLACK)
                } else {
                    f64::INFINITY
                };
                found.push((i as u32, s, head[at]));
                head[at] = (found.len() - 1) as u32;
                doc = leaf.advance();
            }
        }
        if look_ups_for != essential {
            look_ups_for = essential;
            look_ups.clear();
            look_ups.extend_from_slice(&order[..essential]);
            look_ups.sort_by(|&a, &b| expected_cut[b].total_cmp(&expected_cut[a]));
        }
        let base = prefix[essential];
        for (word, slot) in present.iter_mut().enumerate() {
            let mut bits = std::mem::take(slot);
            while bits != 0 {
                let at = word * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let doc = start + at as u32;
                let t = f64::from(threshold);
                let mut can = reach[at] + base;
                if can <= t {
                    continue;
                }
                for &i in &touched {
                    scores[i] = None;
                }
                touched.clear();
                for &i in &look_ups {
                    if can <= t {
                        break;
                    }
                    let leaf = &mut leaves[i];
                    if leaf.doc() < doc {
                        leaf.seek(doc);
                    }
                    can -= bounds[i];
                    if leaf.doc() == doc {
                        let s = leaf.score();
                        scores[i] = Some(s);
                        touched.push(i);
                        can += f64::from(s) * (1.0 + BOUND_SLACK);
                    }
                }
                if can <= t || is_excluded(excluded, doc) {
                    continue;
                }
                // Only now, for the few passages that may get in, the essential leaves' scores.
                let mut link = head[at];
                while link != u32::MAX {
                    let (i, s, next) = found[link as usize];
                    scores[i as usize] = Some(s);
                    touched.push(i as usize);
                    link = next;
                }
                if let Some(score) = sum(root, &scores) {
                    if score > threshold {
                        threshold = callback(doc, score);
                    }
                }
            }
        }
    }
}

/// The exhaustive scorer of a [`Plan`]: every passage any leaf matches, scored like the
/// pruned loop (used by collectors other than top-k, and to check the pruned loop).
struct PlanScorer {
    root: Arc<Node>,
    leaves: Vec<Box<dyn Scorer>>,
    excluded: Vec<Box<dyn Scorer>>,
    scores: Vec<Option<Score>>,
    doc: DocId,
    score: Score,
}

impl PlanScorer {
    /// Moves to the first passage at or after the leaves' positions that is not excluded, and
    /// scores it.
    fn settle(&mut self) -> DocId {
        loop {
            let doc = self
                .leaves
                .iter()
                .map(|l| l.doc())
                .min()
                .unwrap_or(TERMINATED);
            self.doc = doc;
            if doc == TERMINATED {
                return doc;
            }
            if !is_excluded(&mut self.excluded, doc) {
                for (leaf, score) in self.leaves.iter_mut().zip(&mut self.scores) {
                    *score = (leaf.doc() == doc).then(|| leaf.score());
                }
                self.score = sum(&self.root, &self.scores).unwrap_or(0.0);
                return doc;
            }
            for leaf in &mut self.leaves {
                if leaf.doc() == doc {
                    leaf.advance();
                }
            }
        }
    }
}

impl DocSet for PlanScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let doc = self.doc;
        for leaf in &mut self.leaves {
            if leaf.doc() == doc {
                leaf.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for leaf in &mut self.leaves {
            if leaf.doc() < target {
                leaf.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.leaves.iter().map(|l| l.size_hint()).max().unwrap_or(0)
    }
}

impl Scorer for PlanScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, DocAddress, Index, Searcher, Term};

    use super::*;
    use crate::search::bm25::Bm25Params;

    /// A real tantivy index of 20,000 documents in two segments, each larger than a window of
    /// the pruned loop: common words in many documents, rarer ones in fewer.
    fn index() -> (Searcher, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 20_000_000).unwrap();
        let mut state = 7u64;
        for n in 0..20_000u64 {
            let mut words = vec!["start"];
            let vocabulary = [
                ("the", 2),
                ("of", 3),
                ("river", 5),
                ("delta", 11),
                ("mekong", 31),
                ("lotus", 97),
            ];
            for (word, every) in vocabulary {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if (state >> 33).is_multiple_of(every) {
                    words.push(word);
                    if (state >> 40).is_multiple_of(2) {
                        words.push(word);
                    }
                }
            }
            words.extend(std::iter::repeat_n("filler", (n % 13) as usize));
            writer.add_document(doc!(body => words.join(" "))).unwrap();
            if n == 10_000 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        (index.reader().unwrap().searcher(), body)
    }

    fn bm25(field: tantivy::schema::Field, word: &str, boost: Score) -> Box<dyn Query> {
        let params = Bm25Params { k1: 1.2, b: 0.6 };
        let q = Bm25TermQuery::new(Term::from_field_text(field, word), params);
        Box::new(Boost::new(Box::new(q), boost))
    }

    /// A query shaped like the searcher's: nested sums of boosted BM25 terms and an exclusion;
    /// with `extra`, a phrase and a plain tantivy term query (a leaf without a bound) too.
    fn query(field: tantivy::schema::Field, exclude: bool, extra: bool) -> BooleanQuery {
        let word = |w: &str| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Should, bm25(field, w, 1.6)),
                (Occur::Should, bm25(field, w, 0.6)),
            ]))
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = ["the", "of", "river", "delta", "mekong"]
            .into_iter()
            .map(|w| (Occur::Should, word(w)))
            .collect();
        if extra {
            let phrase = PhraseQuery::new(vec![
                Term::from_field_text(field, "delta"),
                Term::from_field_text(field, "mekong"),
            ]);
            clauses.push((Occur::Should, Box::new(Boost::new(Box::new(phrase), 1.0))));
            let lotus = Term::from_field_text(field, "lotus");
            let q = TermQuery::new(lotus, IndexRecordOption::WithFreqs);
            clauses.push((Occur::Should, Box::new(q)));
        }
        if exclude {
            let river = Term::from_field_text(field, "river");
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(river, IndexRecordOption::Basic)),
            ));
        }
        BooleanQuery::new(clauses)
    }

    fn top(searcher: &Searcher, q: &dyn Query, k: usize) -> Vec<(u32, DocAddress)> {
        let found = searcher
            .search(q, &TopDocs::with_limit(k).order_by_score())
            .unwrap();
        found.into_iter().map(|(s, a)| (s.to_bits(), a)).collect()
    }

    #[test]
    fn pruned_top_k_is_the_exhaustive_top_k() {
        let (searcher, field) = index();
        for (exclude, extra) in [(false, false), (true, false), (false, true)] {
            let plain = query(field, exclude, extra);
            let pruned = PrunedQuery::new(Box::new(plain.clone()));
            for k in [1, 10, 100, 1000, 5000, 9000, 100_000] {
                assert_eq!(
                    top(&searcher, &pruned, k),
                    top(&searcher, &plain, k),
                    "k {k}, exclusion {exclude}, phrase and unbounded leaf {extra}"
                );
            }
        }
    }

    #[test]
    fn pruning_skips_passages_and_the_plan_scorer_matches_tantivy() {
        let (searcher, field) = index();
        let plain = query(field, false, true);
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        let plan = Plan::of(&plain, scoring)
            .unwrap()
            .expect("a plain sum is planned");
        let tantivy_weight = plain.weight(scoring).unwrap();
        let (mut offered, mut matched) = (0, 0);
        for reader in searcher.segment_readers() {
            // The exhaustive plan scorer gives tantivy's docs and scores, bit for bit.
            let mut ours = plan.scorer(reader, 1.0).unwrap();
            let mut theirs = tantivy_weight.scorer(reader, 1.0).unwrap();
            while theirs.doc() != TERMINATED {
                assert_eq!(ours.doc(), theirs.doc());
                assert_eq!(ours.score().to_bits(), theirs.score().to_bits());
                matched += 1;
                ours.advance();
                theirs.advance();
            }
            assert_eq!(ours.doc(), TERMINATED);
            // A top-3 heap: once it is full, passages with only common words are skipped.
            let mut heap: Vec<Score> = Vec::new();
            plan.for_each_pruning(Score::MIN, reader, &mut |_, score| {
                offered += 1;
                heap.push(score);
                heap.sort_by(|a, b| b.total_cmp(a));
                heap.truncate(3);
                if heap.len() == 3 {
                    heap[2]
                } else {
                    Score::MIN
                }
            })
            .unwrap();
        }
        assert!(matched > 15_000, "{matched}");
        assert!(offered * 10 < matched, "offered {offered} of {matched}");
    }

    #[test]
    fn a_must_clause_is_left_to_tantivy() {
        let (searcher, field) = index();
        let q = BooleanQuery::new(vec![
            (Occur::Must, bm25(field, "delta", 1.0)),
            (Occur::Should, bm25(field, "river", 1.0)),
        ]);
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        assert!(Plan::of(&q, scoring).unwrap().is_none());
        let pruned = PrunedQuery::new(Box::new(q.clone()));
        assert_eq!(top(&searcher, &pruned, 10), top(&searcher, &q, 10));
    }
}
