//! Analysis throughput: timkiem's four-field analysis (`Analyzer::field_tokens_into`, all four
//! streams in one pass) against tantivy's `default` tokenizer (`SimpleTokenizer` +
//! `RemoveLongFilter` + `LowerCaser`), on the same vietnews text, single-threaded, in the same
//! run. Prints MB/s, tokens, and the cost ratio (aim: ≤ 3×), median of `--runs` runs.
//!
//! ```text
//! cargo run --release -p timkiem-bench --bin analysis [-- --runs 3 --articles N]
//! ```

use std::hint::black_box;

use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use timkiem::analysis::{Analyzer, FieldTokens};
use timkiem_bench::corpus::{vietnews_articles, Article};
use timkiem_bench::measure::{mb_per_s, median, timed};
use timkiem_bench::table::{num, ratio, verdict, Table};
use timkiem_bench::Result;

/// The aim: our four fields cost at most this many times tantivy's default tokenizer.
const AIM: f64 = 3.0;

/// One named slice of text to analyse.
struct Subset<'a> {
    label: String,
    texts: Vec<&'a str>,
}

impl Subset<'_> {
    fn bytes(&self) -> u64 {
        self.texts.iter().map(|t| t.len() as u64).sum()
    }
}

/// Runs timkiem's analysis over `texts`, returning the number of tokens of all four streams.
fn timkiem_tokens(analyzer: &Analyzer, texts: &[&str]) -> u64 {
    let mut out = FieldTokens::default();
    let mut n = 0;
    for text in texts {
        analyzer.field_tokens_into(text, &mut out);
        n += (out.exact.len() + out.folded.len() + out.joined.len() + out.english.len()) as u64;
        black_box(&out);
    }
    n
}

/// Runs tantivy's default analyzer over `texts`, returning the number of tokens.
fn tantivy_tokens(analyzer: &mut TextAnalyzer, texts: &[&str]) -> u64 {
    let mut n = 0;
    for text in texts {
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            black_box(stream.token());
            n += 1;
        }
    }
    n
}

/// Median seconds and token counts of both analyses over `subset`, interleaved run by run.
fn measure(subset: &Subset, runs: usize) -> ((f64, u64), (f64, u64)) {
    let analyzer = Analyzer::default();
    let mut stock = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let (mut our_tokens, mut their_tokens) = (0, 0);
    for _ in 0..runs {
        let (n, s) = timed(|| timkiem_tokens(&analyzer, &subset.texts));
        our_tokens = n;
        ours.push(s);
        let (n, s) = timed(|| tantivy_tokens(&mut stock, &subset.texts));
        their_tokens = n;
        theirs.push(s);
    }
    ((median(&ours), our_tokens), (median(&theirs), their_tokens))
}

/// Whether `text` contains a combining diacritic (decomposed Vietnamese).
fn has_combining_mark(text: &str) -> bool {
    text.chars().any(|c| ('\u{300}'..='\u{36f}').contains(&c))
}

fn run() -> Result<()> {
    timkiem_bench::refuse_debug_build();
    let args = timkiem_bench::table::Args::parse(std::env::args().skip(1))?;
    args.only(&["runs", "articles"])?;
    let runs: usize = args.get("runs", 3)?;
    let limit: usize = args.get("articles", 0)?;

    eprintln!("reading vietnews ...");
    let mut articles: Vec<Article> = vietnews_articles()?;
    if limit > 0 {
        articles.truncate(limit);
    }
    // Vietnamese typed without accents: the articles stripped of diacritics, keeping those
    // that are then pure ASCII (curly quotes and other symbols make the rest non-ASCII).
    let stripped: Vec<String> = articles
        .iter()
        .map(|a| timkiem::text::strip_diacritics(&a.text))
        .filter(|t| t.is_ascii())
        .collect();

    let subsets = [
        Subset {
            label: "vietnews, both splits".into(),
            texts: articles.iter().map(|a| a.text.as_str()).collect(),
        },
        Subset {
            label: "vietnews stripped of diacritics, pure ASCII".into(),
            texts: stripped.iter().map(String::as_str).collect(),
        },
        Subset {
            label: "vietnews articles with decomposed (NFD) marks".into(),
            texts: articles
                .iter()
                .map(|a| a.text.as_str())
                .filter(|t| has_combining_mark(t))
                .collect(),
        },
    ];

    let mut table = Table::new(&[
        "text",
        "MB",
        "timkiem 4 fields MB/s",
        "tantivy default MB/s",
        "tokens (4 fields / default)",
        "cost ratio (timkiem / tantivy)",
        "≤ 3×",
    ]);
    for subset in &subsets {
        eprintln!("analysing {} ...", subset.label);
        let ((ours, our_tokens), (theirs, their_tokens)) = measure(subset, runs);
        let bytes = subset.bytes();
        let cost = ours / theirs;
        table.row(vec![
            format!("{} ({} texts)", subset.label, subset.texts.len()),
            num(bytes as f64 / 1e6, 1),
            num(mb_per_s(bytes, ours), 1),
            num(mb_per_s(bytes, theirs), 1),
            format!("{our_tokens} / {their_tokens}"),
            ratio(cost),
            verdict(cost <= AIM),
        ]);
    }
    println!("Analysis throughput, single thread, median of {runs} runs (`_` replaced by spaces for both):\n");
    table.print();
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("analysis: {e}");
        std::process::exit(2);
    }
}
