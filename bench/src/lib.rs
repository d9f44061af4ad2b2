//! Benchmarks of timkiem against its peers, on real corpora, printed as markdown tables of
//! ratios measured in the same run (absolute times on a shared machine are noise; ratios are
//! what a reader can compare).
//!
//! - [`corpus`]: reading the shared corpora, preparing one `.txt` file per vietnews article;
//! - [`measure`]: timing, medians and percentiles, child processes with their peak RSS, sizes;
//! - [`table`]: the markdown table printer and the small argument parser of the binaries;
//! - [`peers`]: one module per engine (timkiem's `tim`, tantivy with one field, tantivy with
//!   four stock-tokenized fields, SQLite FTS5, ripgrep), each building an index and answering
//!   queries the way its own users would, and the floor (tantivy alone on timkiem's index,
//!   one folded term per query word);
//! - [`relevance`]: the peers' ranking quality on the judged BEIR sets, scored with the metric
//!   code of `tim eval`.
//!
//! The binaries are `analysis` (tokenizer throughput), `peers` (index build, re-index, query
//! latency, whole-process search) and `relevance` (nDCG@10 and friends of the peers, which
//! `bench/relevance.sh` puts beside `tim eval`'s); `bench/README.md` has the commands and the
//! results.

pub mod corpus;
pub mod measure;
pub mod peers;
pub mod relevance;
pub mod table;

/// The error type of the benchmarks: anything, with a message.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The result type of the benchmarks.
pub type Result<T> = std::result::Result<T, Error>;

/// Exits with a message when the benchmarks were built without optimisations: numbers from a
/// debug build would compare nothing.
pub fn refuse_debug_build() {
    if cfg!(debug_assertions) {
        eprintln!(
            "timkiem-bench: build with --release (cargo run --release -p timkiem-bench --bin ...)"
        );
        std::process::exit(2);
    }
}
