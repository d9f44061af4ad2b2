//! Pruned query execution and one-pass pair counting return exactly what exhaustive
//! evaluation does, on a real index (the ViQuAD 2.0 dev passages and questions from
//! `../shared/corpora`, half the questions stripped of diacritics).

#[allow(dead_code)] // this file reads the corpora only, not the seeds
mod shared_support;

use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;
use timkiem::search::restore::{pair_counts, pair_counts_within};
use timkiem::search::searcher::PRUNE_MAX_LIMIT;
use timkiem::text::analyzer::FieldKind;
use timkiem::{Hit, JsonlKeys, NoProgress, SearchOptions, Searcher};

/// An index of the ViQuAD passages and its first `n` questions, every second one stripped.
fn viquad(n: usize) -> Option<(tempfile::TempDir, Searcher, Vec<String>)> {
    let beir = shared_support::shared_dir()?.join("corpora/viquad2-dev-answerable/beir");
    let dir = tempfile::tempdir().unwrap();
    let index_dir = dir.path().join("idx");
    timkiem::index_jsonl(
        &beir.join("corpus.jsonl.gz"),
        &JsonlKeys::default(),
        &index_dir,
        &Default::default(),
        &mut NoProgress,
    )
    .unwrap();
    let file = std::fs::File::open(beir.join("queries.jsonl.gz")).unwrap();
    let text = std::io::read_to_string(flate2::read::GzDecoder::new(file)).unwrap();
    let queries = text
        .lines()
        .take(n)
        .enumerate()
        .map(|(i, line)| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            let q = value["text"].as_str().unwrap().to_string();
            if i % 2 == 1 {
                timkiem::text::strip_diacritics(&q)
            } else {
                q
            }
        })
        .collect();
    Some((dir, Searcher::open(&index_dir).unwrap(), queries))
}

/// What identifies a hit and its exact score.
fn key(hits: &[Hit]) -> Vec<(String, u64, u32)> {
    hits.iter()
        .map(|h| (h.path.clone(), h.passage, h.score.to_bits()))
        .collect()
}

#[test]
fn pruned_search_returns_the_exhaustive_hits_and_scores() {
    let Some((_dir, searcher, queries)) = viquad(80) else {
        return;
    };
    let mut compared = 0;
    // 10 as `tim search`, up to the largest pruned limit; 1000 as `tim eval` (not pruned).
    for limit in [1, 10, PRUNE_MAX_LIMIT, 1000] {
        for query in &queries {
            let opts = |prune| SearchOptions {
                limit,
                plain: true,
                snippets: false,
                prune,
                ..SearchOptions::default()
            };
            let pruned = searcher.search_with(query, &opts(true)).unwrap();
            let exhaustive = searcher.search_with(query, &opts(false)).unwrap();
            assert!(!exhaustive.is_empty(), "{query:?} finds nothing");
            assert_eq!(key(&pruned), key(&exhaustive), "{query:?}, limit {limit}");
            compared += 1;
        }
    }
    // Operators: quoted phrases (a `Must` top level, run as it is) and exclusions.
    for query in [
        "\"Việt Nam\" chiến tranh",
        "Paris -Pháp năm",
        "sông OR núi cao nhất",
    ] {
        let opts = |prune| SearchOptions {
            limit: 10,
            snippets: false,
            prune,
            ..SearchOptions::default()
        };
        let pruned = searcher.search_with(query, &opts(true)).unwrap();
        let exhaustive = searcher.search_with(query, &opts(false)).unwrap();
        assert_eq!(key(&pruned), key(&exhaustive), "{query:?}");
        compared += 1;
    }
    assert_eq!(compared, 80 * 4 + 3);
}

#[test]
fn pair_counts_equal_phrase_counts() {
    let Some((_dir, searcher, _)) = viquad(0) else {
        return;
    };
    let exact = searcher.index().fields().body_field(FieldKind::Exact);
    let reader = searcher.index().tantivy().reader().unwrap();
    let tantivy_searcher = reader.searcher();
    // Common and rare forms, one absent, and a form followed by itself.
    let left = ["năm", "nam", "nằm", "việt", "không", "zzzz"];
    let right = ["nam", "nào", "năm", "đó", "zzzz", "có"];
    let counts = pair_counts(&tantivy_searcher, exact, &left, &right);
    let mut nonzero = 0;
    for (j, a) in left.iter().enumerate() {
        for (k, b) in right.iter().enumerate() {
            let phrase = PhraseQuery::new(vec![
                Term::from_field_text(exact, a),
                Term::from_field_text(exact, b),
            ]);
            let expected = tantivy_searcher.search(&phrase, &Count).unwrap() as u64;
            assert_eq!(counts[j][k], expected, "{a} {b}");
            nonzero += usize::from(expected > 0);
        }
    }
    assert!(nonzero >= 3, "the pairs chosen should occur: {counts:?}");
}

#[test]
fn pair_counts_within_the_joined_token_equal_phrase_counts_there() {
    let Some((_dir, searcher, _)) = viquad(0) else {
        return;
    };
    let fields = searcher.index().fields();
    let (exact, joined) = (
        fields.body_field(FieldKind::Exact),
        fields.body_field(FieldKind::Joined),
    );
    let reader = searcher.index().tantivy().reader().unwrap();
    let tantivy_searcher = reader.searcher();
    // The candidate forms of `viet nam` and of `nam nay`, and a joined token no passage has.
    for (left, right, token) in [
        (
            &["việt", "viết", "viet"][..],
            &["nam", "năm", "nằm"][..],
            "vietnam",
        ),
        (
            &["năm", "nam", "nằm"][..],
            &["nay", "này", "nầy"][..],
            "namnay",
        ),
        (&["năm"][..], &["nay"][..], "zzzzzz"),
    ] {
        let within = Term::from_field_text(joined, token);
        let counts = pair_counts_within(&tantivy_searcher, exact, Some(&within), left, right);
        let mut nonzero = 0;
        for (j, a) in left.iter().enumerate() {
            for (k, b) in right.iter().enumerate() {
                let phrase = PhraseQuery::new(vec![
                    Term::from_field_text(exact, a),
                    Term::from_field_text(exact, b),
                ]);
                let holding = TermQuery::new(within.clone(), IndexRecordOption::Basic);
                let both = BooleanQuery::new(vec![
                    (Occur::Must, Box::new(phrase) as Box<dyn Query>),
                    (Occur::Must, Box::new(holding)),
                ]);
                let expected = tantivy_searcher.search(&both, &Count).unwrap() as u64;
                assert_eq!(counts[j][k], expected, "{a} {b} within {token}");
                nonzero += usize::from(expected > 0);
            }
        }
        assert_eq!(nonzero > 0, token != "zzzzzz", "{token}: {counts:?}");
    }
}
