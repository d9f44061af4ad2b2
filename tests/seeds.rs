//! The seed pair: two reports on the same topic, one with diacritics and British spelling, one
//! without and American. The names they share must be findable from either side, with
//! highlights that are exactly the matched words as printed.

mod shared_support;

use timkiem::{index_directory, Hit, IndexOptions, NoProgress, Searcher};

const ACCENTED: &str = "accented.txt";
const PLAIN: &str = "plain.txt";

fn seed_searcher() -> Option<(tempfile::TempDir, Searcher)> {
    let (accented, plain) = shared_support::seeds()?;
    let corpus = tempfile::tempdir().expect("temp dir");
    std::fs::write(corpus.path().join(ACCENTED), accented).unwrap();
    std::fs::write(corpus.path().join(PLAIN), plain).unwrap();
    let index_dir = corpus.path().join(".tim");
    index_directory(
        corpus.path(),
        &index_dir,
        &IndexOptions::default(),
        &mut NoProgress,
    )
    .expect("indexing the seeds");
    let searcher = Searcher::open(&index_dir).expect("open");
    Some((corpus, searcher))
}

/// The highlighted words of a hit, as printed.
fn highlighted(hit: &Hit) -> Vec<&str> {
    hit.highlights
        .iter()
        .map(|&[start, end]| {
            assert!(hit.snippet.is_char_boundary(start) && hit.snippet.is_char_boundary(end));
            &hit.snippet[start..end]
        })
        .collect()
}

/// Asserts that `query` finds a passage of `path` whose highlights include each of `words`.
fn finds(searcher: &Searcher, query: &str, path: &str, words: &[&str]) {
    let hits = searcher.search(query, 50).expect("search");
    let hit = hits
        .iter()
        .find(|h| h.path == path && words.iter().all(|w| highlighted(h).contains(w)))
        .unwrap_or_else(|| {
            let seen: Vec<_> = hits.iter().map(|h| (&h.path, highlighted(h))).collect();
            panic!("{query:?} found no passage of {path} highlighting {words:?}: {seen:?}")
        });
    for word in highlighted(hit) {
        assert!(!word.trim().is_empty(), "{query:?}: empty highlight");
    }
}

#[test]
fn names_are_found_from_either_article() {
    let Some((_corpus, searcher)) = seed_searcher() else {
        return;
    };
    // Written as the plain article writes it, found in the accented one — and the reverse.
    finds(
        &searcher,
        "Hoang Xuan Chien",
        ACCENTED,
        &["Hoàng", "Xuân", "Chiến"],
    );
    finds(
        &searcher,
        "Hoàng Xuân Chiến",
        PLAIN,
        &["Hoang", "Xuan", "Chien"],
    );
    finds(
        &searcher,
        "\"Hoang Xuan Chien\"",
        ACCENTED,
        &["Hoàng", "Xuân", "Chiến"],
    );
    // Việt Nam and Vietnam meet through the joined syllables.
    finds(&searcher, "Vietnam", ACCENTED, &["Việt", "Nam"]);
    finds(&searcher, "Việt Nam", PLAIN, &["Vietnam"]);
    // British and American spelling meet through the english field.
    finds(&searcher, "defense", ACCENTED, &["defence"]);
    finds(&searcher, "defence", PLAIN, &["defense"]);
}

#[test]
fn the_spelling_typed_ranks_its_own_article_first() {
    let Some((_corpus, searcher)) = seed_searcher() else {
        return;
    };
    let first = |q: &str| searcher.search(q, 1).expect("search")[0].path.clone();
    assert_eq!(first("Hoàng Xuân Chiến"), ACCENTED);
    assert_eq!(first("Hoang Xuan Chien"), PLAIN);
}
