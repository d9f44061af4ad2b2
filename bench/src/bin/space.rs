//! Where an index's bytes go: tantivy's own space accounting, per file kind and per field.
//!
//! `cargo run --release -p timkiem-bench --bin space -- [--index DIR]` (default: the full `tim`
//! index of an earlier `peers` run). Prints one markdown table: for every field, its bytes of
//! postings, positions, term dictionary, field norms and stored values, summed over segments.
//! This is the table to read before changing what a field indexes.

use std::collections::BTreeMap;
use std::path::PathBuf;

use timkiem_bench::peers::Builder;
use timkiem_bench::table::Args;
use timkiem_bench::Result;

/// Bytes of one field, by the kind of file they live in.
#[derive(Default)]
struct FieldBytes {
    postings: u64,
    positions: u64,
    terms: u64,
    norms: u64,
}

fn run() -> Result<()> {
    let args = Args::parse(std::env::args().skip(1))?;
    args.only(&["index"])?;
    let dir = args
        .get_str("index")
        .map(PathBuf::from)
        .unwrap_or_else(|| Builder::Tim.index_path("all"));
    let index = tantivy::Index::open_in_dir(&dir)?;
    let searcher = index.reader()?.searcher();
    let usage = searcher.space_usage()?;
    let mut fields: BTreeMap<String, FieldBytes> = BTreeMap::new();
    let (mut store, mut deletes, mut total) = (0u64, 0u64, 0u64);
    for segment in usage.segments() {
        total += segment.total().get_bytes();
        store += segment.store().total().get_bytes();
        deletes += segment.deletes().get_bytes();
        let kinds = [
            (segment.postings(), 0),
            (segment.positions(), 1),
            (segment.termdict(), 2),
            (segment.fieldnorms(), 3),
        ];
        for (per_field, kind) in kinds {
            for used in per_field.fields() {
                let entry = fields.entry(used.field_name().to_string()).or_default();
                let bytes = used.total().get_bytes();
                match kind {
                    0 => entry.postings += bytes,
                    1 => entry.positions += bytes,
                    2 => entry.terms += bytes,
                    _ => entry.norms += bytes,
                }
            }
        }
    }
    let mb = |b: u64| format!("{:.1}", b as f64 / 1e6);
    println!(
        "Index `{}`: {} segments, {} MB in all\n",
        dir.display(),
        usage.segments().len(),
        mb(total)
    );
    println!("| field | postings MB | positions MB | terms MB | norms MB | share |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, b) in &fields {
        let sum = b.postings + b.positions + b.terms + b.norms;
        println!(
            "| {name} | {} | {} | {} | {} | {:.1}% |",
            mb(b.postings),
            mb(b.positions),
            mb(b.terms),
            mb(b.norms),
            100.0 * sum as f64 / total as f64
        );
    }
    println!(
        "| stored values | | | | | {:.1}% ({} MB) |",
        100.0 * store as f64 / total as f64,
        mb(store)
    );
    println!("| deletes | | | | | {} MB |", mb(deletes));
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("space: {e}");
        std::process::exit(2);
    }
}
