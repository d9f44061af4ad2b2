//! Ranking quality of the peers (SQLite FTS5, tantivy default, tantivy ASCII folding) on one
//! judged BEIR set, scored with `tim eval`'s own metric code, one JSON object per line:
//!
//! ```text
//! cargo run --release -p timkiem-bench --bin relevance -- BEIR_DIR [--qrels FILE]
//! {"engine":"fts5","mode":"original","queries":2653,"ndcg_10":…,"mrr_10":…,"recall_10":…,"recall_100":…,"docs":557}
//! ```
//!
//! `BEIR_DIR` holds `corpus.jsonl.gz`, `queries.jsonl.gz` and `qrels/test.tsv.gz` (plain files
//! without `.gz` are read too); `--qrels` replaces the judgements (a subset of the queries, say).
//! Each peer indexes the corpus in a temporary directory, then runs the judged queries as
//! written (`original`) and stripped of diacritics (`stripped`, no restoration). `bench/relevance.sh`
//! turns these lines into the README's table.

use std::path::{Path, PathBuf};
use std::time::Instant;

use timkiem::search::eval::{read_qrels, read_queries};
use timkiem_bench::relevance::{evaluate, read_corpus, Peer, QueryMode, TempDir};
use timkiem_bench::table::Args;
use timkiem_bench::Result;

fn main() {
    timkiem_bench::refuse_debug_build();
    if let Err(e) = run() {
        eprintln!("relevance: {e}");
        std::process::exit(2);
    }
}

/// `dir/name.gz` if it exists, else `dir/name`.
fn beir_file(dir: &Path, name: &str) -> PathBuf {
    let gz = dir.join(format!("{name}.gz"));
    if gz.exists() {
        gz
    } else {
        dir.join(name)
    }
}

fn run() -> Result<()> {
    let args = Args::parse(std::env::args().skip(1))?;
    args.only(&["qrels"])?;
    let [dir] = &args.words[..] else {
        return Err("usage: relevance BEIR_DIR [--qrels FILE]".into());
    };
    let dir = Path::new(dir);
    let records = read_corpus(&beir_file(dir, "corpus.jsonl"))?;
    let queries = read_queries(&beir_file(dir, "queries.jsonl"))?;
    let qrels = match args.get_str("qrels") {
        Some(path) => read_qrels(Path::new(path))?,
        None => read_qrels(&beir_file(&dir.join("qrels"), "test.tsv"))?,
    };
    let work = TempDir::new()?;
    for peer in Peer::ALL {
        let started = Instant::now();
        let mut ranker = peer.build(&records, work.path())?;
        let built = started.elapsed().as_secs_f64();
        for mode in [QueryMode::Original, QueryMode::Stripped] {
            let started = Instant::now();
            let metrics = evaluate(ranker.as_mut(), &queries, &qrels, mode)?;
            eprintln!(
                "relevance: {} {} {}: built in {built:.1} s, {} queries in {:.1} s",
                dir.display(),
                peer.key(),
                mode.key(),
                metrics.queries,
                started.elapsed().as_secs_f64()
            );
            let mut line = serde_json::to_value(metrics)?;
            let object = line.as_object_mut().ok_or("metrics are not an object")?;
            object.insert("engine".into(), peer.key().into());
            object.insert("mode".into(), mode.key().into());
            object.insert("docs".into(), records.len().into());
            println!("{line}");
        }
    }
    Ok(())
}
