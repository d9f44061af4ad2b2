//! In-process query latency of timkiem alone: the quick loop for working on query speed.
//!
//! Runs the first N ViQuAD 2.0 dev questions (every second one stripped of diacritics, as
//! `peers` does) through `Searcher::search_with` on an existing index, and prints p50/p99/mean
//! and a digest of every hit's path, passage and score bits, so two builds can be checked to
//! return exactly the same results.
//!
//! Options: `--index DIR` (default: the full `tim` index of an earlier `peers` run),
//! `--queries N` (default 200), `--limit N` (default 10), `--snippets yes|no` (default yes),
//! `--prune yes|no` (default yes; `no` scores every matching passage), `--passes N` (default
//! 1; p50 is the median over passes), `--warmup N` (default 20).

use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use timkiem::{SearchOptions, Searcher};
use timkiem_bench::corpus::viquad_queries;
use timkiem_bench::measure::{median, percentile};
use timkiem_bench::peers::Builder;
use timkiem_bench::table::Args;
use timkiem_bench::Result;

fn run() -> Result<()> {
    timkiem_bench::refuse_debug_build();
    let args = Args::parse(std::env::args().skip(1))?;
    args.only(&[
        "index", "queries", "limit", "snippets", "prune", "passes", "warmup",
    ])?;
    let index = args
        .get_str("index")
        .map(PathBuf::from)
        .unwrap_or_else(|| Builder::Tim.index_path("all"));
    let queries = viquad_queries(args.get("queries", 200)?)?;
    let options = SearchOptions {
        limit: args.get("limit", 10)?,
        plain: true,
        snippets: args.get_str("snippets") != Some("no"),
        prune: args.get_str("prune") != Some("no"),
        ..SearchOptions::default()
    };
    let searcher = Searcher::open(&index)?;
    for q in queries.iter().take(args.get("warmup", 20)?) {
        searcher.search_with(&q.text, &options)?;
    }
    let (mut p50, mut p99, mut mean) = (Vec::new(), Vec::new(), Vec::new());
    let mut digest = std::collections::hash_map::DefaultHasher::new();
    let mut hits = 0;
    let cpu_start = cpu_seconds();
    for pass in 0..args.get("passes", 1)? {
        let mut latencies = Vec::with_capacity(queries.len());
        for q in &queries {
            let start = std::time::Instant::now();
            let found = searcher.search_with(&q.text, &options)?;
            latencies.push(start.elapsed().as_secs_f64() * 1e3);
            if pass == 0 {
                hits += found.len();
                for hit in &found {
                    (&hit.path, hit.passage, hit.score.to_bits()).hash(&mut digest);
                }
            }
        }
        p50.push(percentile(&latencies, 50.0));
        p99.push(percentile(&latencies, 99.0));
        mean.push(latencies.iter().sum::<f64>() / latencies.len() as f64);
    }
    // CPU time is steadier than wall time on a machine shared with other work.
    let cpu_ms = (cpu_seconds() - cpu_start) * 1e3 / (p50.len() * queries.len()) as f64;
    println!(
        "{} queries, limit {}, snippets {}, prune {}: CPU {cpu_ms:.3} ms/query, p50 {:.3} ms, p99 {:.3} ms, mean {:.3} ms; \
         {hits} hits, digest {:016x}",
        queries.len(),
        options.limit,
        if options.snippets { "on" } else { "off" },
        if options.prune { "on" } else { "off" },
        median(&p50),
        median(&p99),
        median(&mean),
        digest.finish(),
    );
    Ok(())
}

/// User + system CPU seconds of this process so far.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

fn main() {
    if let Err(e) = run() {
        eprintln!("latency: {e}");
        std::process::exit(2);
    }
}
