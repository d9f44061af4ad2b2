//! Embedding timkiem: index a directory and search it, without the command line.
//!
//! ```text
//! cargo run --example embed                  # a small demo corpus in a temporary directory
//! cargo run --example embed -- DIR "QUERY"   # your own directory
//! ```

use std::path::PathBuf;

use timkiem::{index_directory, IndexOptions, NoProgress, Searcher};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    // Keep the temporary directory alive until the end of `main`.
    let (_demo, corpus, query) = match (args.next(), args.next()) {
        (Some(dir), Some(query)) => (
            None,
            PathBuf::from(dir),
            query.to_string_lossy().into_owned(),
        ),
        _ => {
            let demo = tempfile::tempdir()?;
            std::fs::write(
                demo.path().join("hanoi.txt"),
                "Hà Nội là thủ đô của Việt Nam.\n\nÔng Hoàng Xuân Chiến đến Hà Nội.\n",
            )?;
            std::fs::write(
                demo.path().join("danang.txt"),
                "Đà Nẵng is a coastal city in central Vietnam.\n",
            )?;
            let corpus = demo.path().to_path_buf();
            (Some(demo), corpus, "ha noi".to_string())
        }
    };

    let index_dir = corpus.join(".tim");
    let summary = index_directory(
        &corpus,
        &index_dir,
        &IndexOptions::default(),
        &mut NoProgress,
    )?;
    println!(
        "indexed {} files ({} unchanged), {} passages",
        summary.indexed, summary.unchanged, summary.passages
    );

    let searcher = Searcher::open(&index_dir)?;
    for hit in searcher.search(&query, 10)? {
        println!(
            "{}:{}: {:.2} {}",
            hit.path, hit.line, hit.score, hit.snippet
        );
    }
    Ok(())
}
