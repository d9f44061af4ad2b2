//! Term dictionary lookups remembered from one search to the next.
//!
//! A query's ~130 BM25 leaves each look their term up in every segment twice: once for its
//! document frequency (the idf, summed over the segments) and once to open its postings; and
//! consecutive queries share most of their words. Those term dictionary (FST) walks were about
//! 6% of a ViQuAD question's time. A segment never changes once written, so what a term's
//! lookup found in a segment stays true as long as the segment exists: [`TermInfos`] keeps it
//! by segment id, with nothing to invalidate when a commit lands (the entries of a segment
//! merged away are simply no longer asked for, and go when the cache is emptied at its bound).

use std::sync::Mutex;

use tantivy::index::SegmentId;
use tantivy::postings::{SegmentPostings, TermInfo};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, SegmentReader, Term};

use crate::hash::FastMap;

/// Most terms remembered (each with one small entry per segment).
const MAX_TERMS: usize = 50_000;

/// Most segments remembered per term: more than an index has at once, few enough to scan.
const MAX_SEGMENTS_PER_TERM: usize = 64;

/// What each term's lookup found, per segment.
type Found = Vec<(SegmentId, Option<TermInfo>)>;

/// The term infos of the terms searched so far, per segment; share one between the searches
/// of an index.
#[derive(Default)]
pub struct TermInfos {
    terms: Mutex<FastMap<Term, Found>>,
}

impl std::fmt::Debug for TermInfos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TermInfos").finish_non_exhaustive()
    }
}

impl TermInfos {
    /// An empty cache.
    pub fn new() -> TermInfos {
        TermInfos::default()
    }

    /// `term`'s info in `segment` (`None` when the segment does not hold it), from the cache
    /// or the segment's term dictionary.
    pub fn get(&self, segment: &SegmentReader, term: &Term) -> tantivy::Result<Option<TermInfo>> {
        let mut terms = self.terms.lock().unwrap_or_else(|e| e.into_inner());
        look_up(&mut terms, segment, term)
    }

    /// The number of documents holding `term` over `searcher`'s segments: what
    /// [`Searcher::doc_freq`] counts.
    pub fn doc_freq(&self, searcher: &Searcher, term: &Term) -> tantivy::Result<u64> {
        let mut terms = self.terms.lock().unwrap_or_else(|e| e.into_inner());
        let mut total = 0;
        for segment in searcher.segment_readers() {
            if let Some(info) = look_up(&mut terms, segment, term)? {
                total += u64::from(info.doc_freq);
            }
        }
        Ok(total)
    }

    /// `term`'s postings in `segment`, as [`tantivy::index::InvertedIndexReader::read_postings`]
    /// opens them.
    pub fn read_postings(
        &self,
        segment: &SegmentReader,
        term: &Term,
        option: IndexRecordOption,
    ) -> tantivy::Result<Option<SegmentPostings>> {
        let Some(info) = self.get(segment, term)? else {
            return Ok(None);
        };
        let inverted = segment.inverted_index(term.field())?;
        Ok(Some(inverted.read_postings_from_terminfo(&info, option)?))
    }
}

/// `term`'s info in `segment`, remembered in `terms`.
fn look_up(
    terms: &mut FastMap<Term, Found>,
    segment: &SegmentReader,
    term: &Term,
) -> tantivy::Result<Option<TermInfo>> {
    let id = segment.segment_id();
    if let Some(found) = terms.get(term) {
        if let Some((_, info)) = found.iter().find(|(s, _)| *s == id) {
            return Ok(info.clone());
        }
    }
    let info = segment.inverted_index(term.field())?.get_term_info(term)?;
    if terms.len() >= MAX_TERMS && !terms.contains_key(term) {
        // Bounded memory: start over rather than track recency.
        terms.clear();
    }
    let found = terms.entry(term.clone()).or_default();
    if found.len() >= MAX_SEGMENTS_PER_TERM {
        // A long-lived searcher sees segments come and go with every merge; the entries of
        // merged-away segments are never asked for again.
        found.clear();
    }
    found.push((id, info.clone()));
    Ok(info)
}

#[cfg(test)]
mod tests {
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, Index};

    use super::*;

    #[test]
    fn counts_and_postings_follow_the_segments_of_each_commit() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 20_000_000).unwrap();
        let reader = index.reader().unwrap();
        let infos = TermInfos::new();
        let river = Term::from_field_text(body, "river");
        let counts = |searcher: &Searcher| {
            let cached = infos.doc_freq(searcher, &river).unwrap();
            assert_eq!(cached, searcher.doc_freq(&river).unwrap());
            let mut postings = 0;
            for segment in searcher.segment_readers() {
                let option = IndexRecordOption::WithFreqs;
                let ours = infos.read_postings(segment, &river, option).unwrap();
                let theirs = segment
                    .inverted_index(body)
                    .unwrap()
                    .read_postings(&river, option)
                    .unwrap();
                assert_eq!(ours.is_some(), theirs.is_some());
                postings += ours.map_or(0, |p| p.doc_freq());
            }
            assert_eq!(u64::from(postings), cached);
            cached
        };
        writer.add_document(doc!(body => "a river")).unwrap();
        writer.commit().unwrap();
        reader.reload().unwrap();
        assert_eq!(counts(&reader.searcher()), 1);
        // A new segment is looked up, the first one is remembered.
        writer.add_document(doc!(body => "river river")).unwrap();
        writer.add_document(doc!(body => "a delta")).unwrap();
        writer.commit().unwrap();
        reader.reload().unwrap();
        assert_eq!(counts(&reader.searcher()), 2);
        // Merged into one new segment: counted once, not with the old segments'.
        let ids = index.searchable_segment_ids().unwrap();
        writer.merge(&ids).wait().unwrap();
        writer.commit().unwrap();
        reader.reload().unwrap();
        assert_eq!(reader.searcher().segment_readers().len(), 1);
        assert_eq!(counts(&reader.searcher()), 2);
    }
}
