//! Access to `../shared` (seeds and third-party corpora), which lives beside the repository.
//!
//! Tests that need it call [`shared_dir`]: when it is absent they print a notice and skip,
//! unless `TIM_REQUIRE_SHARED=1` (set by `.ci/run`), in which case they fail.

use std::path::PathBuf;

/// The `shared/` directory, or `None` (after printing why) when the test should skip.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("seeds").is_dir() {
        return Some(dir);
    }
    if std::env::var("TIM_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
        panic!(
            "TIM_REQUIRE_SHARED=1 but {} has no seeds/: CI must run with ../shared beside the repository",
            dir.display()
        );
    }
    eprintln!(
        "skipped: {} is absent (set TIM_REQUIRE_SHARED=1 to fail instead)",
        dir.display()
    );
    None
}

/// The two seed articles: (with diacritics and British spelling, without and American).
pub fn seeds() -> Option<(String, String)> {
    let dir = shared_dir()?.join("seeds");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("seed readable");
    Some((
        read("000_5606c771ed60da28.txt"),
        read("003_e7583652eecb52aa.txt"),
    ))
}
