//! The public API, as an embedder uses it: index a directory, then search it from several
//! threads at once.

mod common;

use common::TestEnv;
use std::time::{Duration, SystemTime};

use timkiem::ingest::indexer::RECHECK_WINDOW_NS;
use timkiem::{index_directory, IndexOptions, NoProgress, SearchOptions, Searcher};

fn corpus() -> TestEnv {
    let env = TestEnv::new();
    env.write(
        "corpus/vi/chien.txt",
        "Ông Hoàng Xuân Chiến phát biểu tại hội nghị ở Hà Nội.\n",
    )
    .write(
        "corpus/vi/danang.txt",
        "Thành phố Đà Nẵng nằm bên bờ biển miền Trung.\n",
    )
    .write(
        "corpus/en/defence.txt",
        "The defence ministry met in Hanoi.\n",
    )
    .write("corpus/en/other.txt", "Nothing to see here.\n");
    env
}

/// Indexes the fixture's `corpus/` into `corpus/.tim` with the default options.
fn index_corpus(env: &TestEnv) -> timkiem::Result<timkiem::Summary> {
    index_directory(
        &env.path("corpus"),
        &env.path("corpus/.tim"),
        &IndexOptions::default(),
        &mut NoProgress,
    )
}

#[test]
fn index_then_search_through_the_library() {
    let env = corpus();
    let index_dir = env.path("corpus/.tim");
    let summary = index_directory(
        &env.path("corpus"),
        &index_dir,
        &IndexOptions::default(),
        &mut NoProgress,
    )
    .expect("index the corpus");
    assert_eq!(
        (summary.indexed, summary.unchanged, summary.removed),
        (4, 0, 0)
    );

    let searcher = Searcher::open(&index_dir).expect("open the index");
    let hits = searcher.search("Hoang Xuan Chien", 10).unwrap();
    assert_eq!(hits[0].path, "vi/chien.txt");
    assert!(!hits[0].record);
    assert_eq!(hits[0].line, 1);
    let hit = &hits[0];
    let highlighted: Vec<&str> = hit
        .highlights
        .iter()
        .map(|&[s, e]| &hit.snippet[s..e])
        .collect();
    assert_eq!(highlighted, ["Hoàng", "Xuân", "Chiến"]);

    // British and American spellings meet.
    let hits = searcher.search("defense", 10).unwrap();
    assert_eq!(hits[0].path, "en/defence.txt");

    // Options: globs filter, a zero limit returns nothing.
    let opts = SearchOptions {
        globs: vec!["en/*".into()],
        ..SearchOptions::default()
    };
    let hits = searcher.search_with("Hanoi", &opts).unwrap();
    assert!(hits.iter().all(|h| h.path.starts_with("en/")));
    assert!(searcher.search("Hanoi", 0).unwrap().is_empty());

    // A second run finds nothing to do.
    let summary = index_directory(
        &env.path("corpus"),
        &index_dir,
        &IndexOptions::default(),
        &mut NoProgress,
    )
    .unwrap();
    assert_eq!((summary.indexed, summary.unchanged), (0, 4));
}

/// A run that finds nothing to do leaves the index byte for byte as it was: no commit, so no
/// new `meta.json` (tantivy would stamp even an empty commit). A removal still commits, once.
#[test]
fn a_run_without_changes_commits_nothing() {
    let env = corpus();
    // Written long before the runs: a file written within the re-check window of the run
    // that indexed it is read again, and its entry refreshed once it settles (a commit).
    env.set_mtimes("corpus", SystemTime::now() - Duration::from_secs(3600));
    let index_dir = env.path("corpus/.tim");
    let run = || index_corpus(&env).unwrap();
    assert_eq!(run().commits, 1);
    let meta = || std::fs::read(index_dir.join("meta.json")).unwrap();
    let before = meta();

    let summary = run();
    assert_eq!((summary.indexed, summary.unchanged), (0, 4));
    assert_eq!(summary.commits, 0, "nothing changed, nothing to commit");
    assert!(meta() == before, "meta.json was rewritten");

    std::fs::remove_file(env.path("corpus/en/other.txt")).unwrap();
    let summary = run();
    assert_eq!((summary.removed, summary.commits), (1, 1));
    assert!(meta() != before, "the removal was committed");
    let hits = Searcher::open(&index_dir)
        .unwrap()
        .search("Nothing to see", 10)
        .unwrap();
    assert!(hits.iter().all(|h| h.path != "en/other.txt"), "{hits:?}");

    // The removed file's manifest entry is deleted, not gone, until a merge: the manifest
    // must not read it back (it would be "removed" again, and committed, run after run).
    let summary = run();
    assert_eq!(
        (summary.indexed, summary.unchanged, summary.removed),
        (0, 3, 0)
    );
    assert_eq!(summary.commits, 0);
}

/// A file written within [`RECHECK_WINDOW_NS`] of the run that indexed it may have changed
/// without its size or mtime changing, so the next run reads it. Once it is outside that
/// window for the run reading it, its manifest entry is refreshed: it was read on every run
/// after, since a run without changes commits nothing to record it.
#[test]
fn files_written_just_before_a_run_are_read_again_until_they_settle() {
    let env = corpus();
    let index_dir = env.path("corpus/.tim");
    let run = || index_corpus(&env).unwrap();
    let window = Duration::from_nanos(RECHECK_WINDOW_NS as u64);
    // Modified a second from now: within the window of a run starting in the next 3 s.
    let written = SystemTime::now() + Duration::from_secs(1);
    env.set_mtimes("corpus", written);
    assert_eq!(run().indexed, 4);
    let files = [
        "vi/chien.txt",
        "vi/danang.txt",
        "en/defence.txt",
        "en/other.txt",
    ];
    let total: u64 = files
        .iter()
        .map(|f| env.read(format!("corpus/{f}")).len() as u64)
        .sum();
    while SystemTime::now() < written + window + Duration::from_millis(100) {
        std::thread::sleep(Duration::from_millis(50));
    }

    let summary = run();
    assert_eq!((summary.indexed, summary.unchanged), (0, 4));
    assert_eq!(summary.bytes_read, total, "re-checked by content");
    assert_eq!(summary.commits, 1, "their manifest entries are refreshed");

    let summary = run();
    assert_eq!((summary.indexed, summary.unchanged), (0, 4));
    assert_eq!(summary.bytes_read, 0, "settled files are not read again");
    assert_eq!(summary.commits, 0);

    // Passages untouched, each file still held once, and a later change still seen.
    let searcher = Searcher::open(&index_dir).unwrap();
    let hits = searcher.search("Hoang Xuan Chien", 10).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].path, "vi/chien.txt");
    env.write("corpus/vi/chien.txt", "Ông Chiến đã về Đà Lạt.\n");
    let summary = run();
    assert_eq!((summary.indexed, summary.unchanged), (1, 3));
    let searcher = Searcher::open(&index_dir).unwrap();
    assert!(searcher.search("Hoang Xuan", 10).unwrap().is_empty());
    let hits = searcher.search("\"Da Lat\"", 10).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].path, "vi/chien.txt");
}

/// An index an older timkiem made with today's settings is rebuilt by the next run (it is
/// derived data in an old layout); one with settings of its own, or of a newer format, is
/// refused and left as it is, since rebuilding it would drop what the user chose.
#[test]
fn an_index_of_an_older_format_is_rebuilt_only_when_nothing_is_lost() {
    use timkiem::schema::FORMAT_VERSION;
    let env = corpus();
    let index_dir = env.path("corpus/.tim");
    let run = || index_corpus(&env);
    run().unwrap();
    let schema = index_dir.join("timkiem.toml");
    let current = std::fs::read_to_string(&schema).unwrap();
    let format_line = format!("format = {FORMAT_VERSION}");
    assert!(current.contains(&format_line), "{current}");
    let with = |format: &str, edit: &dyn Fn(String) -> String| {
        let text = edit(current.replace(&format_line, &format!("format = {format}")));
        std::fs::write(&schema, text).unwrap();
    };

    // Settings of its own (another weight): refused, untouched.
    with("1", &|t| {
        t.lines()
            .map(|l| {
                if l.starts_with("exact = ") {
                    "exact = 2.5"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    let before = std::fs::read_to_string(&schema).unwrap();
    assert!(before.contains("exact = 2.5"), "{before}");
    let err = run().unwrap_err();
    assert!(err.to_string().contains("rebuild"), "{err}");
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), before);

    // A newer format: refused too.
    with("999", &|t| t);
    assert!(run().is_err());

    // The same settings in an older format: rebuilt, and searchable again.
    with("1", &|t| t);
    let summary = run().unwrap();
    assert_eq!(summary.upgraded_from, Some(1));
    assert_eq!((summary.indexed, summary.unchanged), (4, 0));
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), current);

    // Made before a setting existed (its schema lacks `span`): nobody chose another value,
    // so it is rebuilt too, with today's.
    with("1", &|t| {
        t.lines()
            .filter(|l| !l.starts_with("span"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    assert!(!std::fs::read_to_string(&schema).unwrap().contains("span"));
    assert_eq!(run().unwrap().upgraded_from, Some(1));
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), current);
    let hits = Searcher::open(&index_dir)
        .unwrap()
        .search("Hoang Xuan Chien", 10)
        .unwrap();
    assert_eq!(hits[0].path, "vi/chien.txt");
    assert_eq!(run().unwrap().upgraded_from, None);
}

#[test]
fn one_searcher_serves_many_threads() {
    let env = corpus();
    let index_dir = env.path("corpus/.tim");
    index_directory(
        &env.path("corpus"),
        &index_dir,
        &IndexOptions::default(),
        &mut NoProgress,
    )
    .unwrap();
    let searcher = Searcher::open(&index_dir).unwrap();
    let queries = [
        ("Hoang Xuan Chien", "vi/chien.txt"),
        ("Da Nang", "vi/danang.txt"),
        ("đà nẵng", "vi/danang.txt"),
        ("defense", "en/defence.txt"),
    ];
    let expected: Vec<_> = queries
        .iter()
        .map(|(q, _)| searcher.search(q, 10).unwrap())
        .collect();
    std::thread::scope(|scope| {
        for worker in 0..4 {
            let (searcher, queries, expected) = (&searcher, &queries, &expected);
            scope.spawn(move || {
                for round in 0..20 {
                    let i = (worker + round) % queries.len();
                    let (query, top) = queries[i];
                    let hits = searcher.search(query, 10).unwrap();
                    assert_eq!(hits[0].path, top, "{query}");
                    assert_eq!(hits, expected[i], "same answer on every thread");
                }
            });
        }
    });
}

#[test]
fn library_errors_are_values_not_panics() {
    let env = TestEnv::new();
    let err = Searcher::open(&env.path("nowhere")).unwrap_err();
    assert!(matches!(err, timkiem::Error::IndexNotFound { .. }), "{err}");
    let err = index_directory(
        &env.path("missing"),
        &env.path("idx"),
        &IndexOptions::default(),
        &mut NoProgress,
    )
    .unwrap_err();
    assert!(err.to_string().contains("missing"), "{err}");
}

/// A program that spawns processes while it indexes still gets its own index's writer lock
/// back: a child shares the lock file's descriptor between its fork and its exec, which once
/// made a test fail with "being written by another process" for a lock released a moment ago.
#[test]
fn processes_spawned_meanwhile_do_not_keep_the_writer_lock() {
    use std::sync::atomic::{AtomicBool, Ordering};

    let env = corpus();
    let index_dir = env.path("corpus/.tim");
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    let _ = std::process::Command::new(env!("CARGO_BIN_EXE_tim"))
                        .arg("--version")
                        .output();
                }
            });
        }
        let outcome = std::panic::catch_unwind(|| {
            for round in 0..20 {
                index_directory(
                    &env.path("corpus"),
                    &index_dir,
                    &IndexOptions::default(),
                    &mut NoProgress,
                )
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
                let index = timkiem::Index::open(&index_dir).unwrap();
                let writer = index.writer::<tantivy::TantivyDocument>(1, 15 << 20);
                writer.unwrap_or_else(|e| panic!("round {round}: {e}"));
            }
        });
        done.store(true, Ordering::Relaxed);
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    });
}
