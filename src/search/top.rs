//! The top-k collector of a search: the `k` best passages, and every passage tied with the
//! k-th.
//!
//! tantivy's `TopDocs` breaks ties at the cut by document address, an accident of indexing
//! order; hits are ordered by path instead (see [`super::searcher`]), so every tied passage
//! must reach that ordering. Collecting exactly the ties (rather than a fixed margin past
//! `k`) also keeps the threshold the pruned loop works against ([`super::prune`]) at the
//! k-th score, the highest it can be; a segment starts from the k-th best score of the
//! segments collected before it, not from nothing as tantivy's collectors do.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Mutex;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// The `k` best passages by score, plus every passage scoring the same as the k-th; in no
/// particular order.
pub(crate) struct TopWithTies {
    k: usize,
    /// The k best scores of the segments collected so far: a segment starts from their k-th,
    /// below which none of its passages can make the cut.
    best: Mutex<BinaryHeap<Reverse<Ordered>>>,
}

impl TopWithTies {
    /// Collects the best `k` (at least 1).
    pub(crate) fn new(k: usize) -> TopWithTies {
        TopWithTies {
            k: k.max(1),
            best: Mutex::default(),
        }
    }
}

/// A score ordered by `total_cmp`, for the heap.
#[derive(Clone, Copy, PartialEq)]
struct Ordered(Score);

impl Eq for Ordered {}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Hits gathered one by one, trimmed to the k best and their ties as they grow.
struct Gathered<T> {
    k: usize,
    hits: Vec<(Score, T)>,
    /// Trim when the hits reach this many: at least twice what the last trim left, so that
    /// thousands of passages tied at the cut (boilerplate repeated across files) cost
    /// amortised constant time each rather than a trim per passage.
    trim_at: usize,
    /// How many trims ran (for the test of that bound).
    trims: usize,
}

impl<T> Gathered<T> {
    fn new(k: usize) -> Self {
        Gathered {
            k,
            hits: Vec::new(),
            trim_at: 4 * k,
            trims: 0,
        }
    }

    fn push(&mut self, score: Score, hit: T) {
        self.hits.push((score, hit));
        if self.hits.len() >= self.trim_at {
            keep_top(&mut self.hits, self.k);
            self.trims += 1;
            self.trim_at = (4 * self.k).max(2 * self.hits.len());
        }
    }

    /// The k best and their ties.
    fn finish(mut self) -> Vec<(Score, T)> {
        keep_top(&mut self.hits, self.k);
        self.hits
    }
}

/// Keeps the passages of `hits` scoring at least the k-th best score.
fn keep_top<T>(hits: &mut Vec<(Score, T)>, k: usize) {
    if hits.len() > k {
        let mut scores: Vec<Score> = hits.iter().map(|h| h.0).collect();
        let (_, kth, _) = scores.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
        let kth = *kth;
        hits.retain(|h| h.0.total_cmp(&kth).is_ge());
    }
}

impl Collector for TopWithTies {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = SegmentTop;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _: &SegmentReader,
    ) -> tantivy::Result<SegmentTop> {
        Ok(SegmentTop {
            k: self.k,
            segment,
            hits: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<(Score, DocAddress)> = fruits.into_iter().flatten().collect();
        keep_top(&mut all, self.k);
        Ok(all)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Fruit> {
        let alive = reader.alive_bitset();
        // This segment's passages compete with the best of the segments collected before
        // (segments may be collected in parallel: each adds its own scores when done).
        let mut best = self.best.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let kth = |best: &BinaryHeap<Reverse<Ordered>>| match best.peek() {
            // Passages tied with the k-th are still wanted: offer those scoring at least it.
            Some(r) if best.len() == self.k => r.0 .0.next_down(),
            _ => Score::MIN,
        };
        let mut hits: Gathered<DocId> = Gathered::new(self.k);
        let start = kth(&best);
        let mut threshold = start;
        weight.for_each_pruning(start, reader, &mut |doc, score| {
            if alive.is_some_and(|a| a.is_deleted(doc)) {
                return threshold;
            }
            hits.push(score, doc);
            best.push(Reverse(Ordered(score)));
            if best.len() > self.k {
                best.pop();
            }
            threshold = kth(&best);
            threshold
        })?;
        let hits = hits.finish();
        let mut shared = self.best.lock().unwrap_or_else(|e| e.into_inner());
        for &(score, _) in &hits {
            shared.push(Reverse(Ordered(score)));
            if shared.len() > self.k {
                shared.pop();
            }
        }
        drop(shared);
        Ok(hits
            .into_iter()
            .map(|(score, doc)| (score, DocAddress::new(segment, doc)))
            .collect())
    }
}

/// The per-segment collector tantivy asks for; [`TopWithTies::collect_segment`] does the work.
pub(crate) struct SegmentTop {
    k: usize,
    segment: SegmentOrdinal,
    hits: Vec<(Score, DocId)>,
}

impl SegmentCollector for SegmentTop {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.hits.push((score, doc));
    }

    fn harvest(mut self) -> Self::Fruit {
        keep_top(&mut self.hits, self.k);
        let segment = self.segment;
        self.hits
            .into_iter()
            .map(|(score, doc)| (score, DocAddress::new(segment, doc)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_k_best_and_their_ties() {
        let mut hits = vec![(1.0, 'a'), (3.0, 'b'), (2.0, 'c'), (2.0, 'd'), (0.5, 'e')];
        keep_top(&mut hits, 2);
        hits.sort_by_key(|h| h.1);
        assert_eq!(hits, vec![(3.0, 'b'), (2.0, 'c'), (2.0, 'd')]);
        let mut few = vec![(1.0, 'a')];
        keep_top(&mut few, 3);
        assert_eq!(few, vec![(1.0, 'a')]);
    }

    #[test]
    fn many_ties_at_the_cut_are_kept_with_few_trims() {
        // 60,000 passages of one boilerplate sentence all tie: every one is kept, and the
        // trims stay logarithmic in their number (a trim per passage made a search over such
        // a corpus quadratic: seconds for 60,000 ties).
        let mut gathered = Gathered::new(10);
        gathered.push(2.0, usize::MAX);
        for i in 0..60_000 {
            gathered.push(1.0, i);
        }
        gathered.push(0.5, usize::MAX - 1);
        let trims = gathered.trims;
        let kept = gathered.finish();
        assert_eq!(kept.len(), 60_001);
        assert!(kept.iter().all(|h| h.0 >= 1.0));
        assert!(trims <= 20, "{trims} trims");
    }
}
