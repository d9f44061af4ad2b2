//! timkiem against its peers on the vietnews articles (one `.txt` file each): cold index
//! builds (time, MB/s, peak RSS, size), `tim` re-indexing, in-process query latency on real
//! Vietnamese questions, and whole-process `tim search` against `rg`. Every figure is a
//! median over runs made in this same run, shown with its ratio to `tim`.
//!
//! ```text
//! cargo build --release                       # target/release/tim, next to this binary
//! cargo run --release -p timkiem-bench --bin peers [-- --files 5000 --runs 1]
//! ```
//!
//! Options: `--files N` (first N files; default all), `--runs N` (builds and re-indexes,
//! default 3), `--query-runs N` (query passes, default 3; whole-process runs, three times
//! that), `--queries N` (default 1000), `--builds no` (reuse the indexes of an earlier run).

use std::path::{Path, PathBuf};
use std::process::Command;

use timkiem_bench::corpus::{corpus_of, replace_file, total_bytes, viquad_queries, Query};
use timkiem_bench::measure::{
    disk_size, mb_per_s, median, own_peak_rss, percentile, remove_if_exists, run_child_ok, threads,
};
use timkiem_bench::peers::floor::Floor;
use timkiem_bench::peers::fts5::Fts5;
use timkiem_bench::peers::tantivy_single::TantivySingle;
use timkiem_bench::peers::tim::Tim;
use timkiem_bench::peers::{rg, tim, Builder, QueryEngine};
use timkiem_bench::table::{mib, num, ratio, verdict, Args, Table};
use timkiem_bench::Result;

/// The query row of [`Floor`]: tantivy alone on the `tim` index, one folded term per word.
const FLOOR_LABEL: &str = "floor: tantivy alone on tim's index, folded words OR-ed";

/// The query of the whole-process comparison (a name present once in the full corpus).
const NEEDLE: &str = "Hoàng Xuân Chiến";

/// The medians of one engine's cold builds, and the size of its index.
#[derive(Clone, Copy)]
struct BuildFigures {
    builder: Builder,
    /// Wall-clock seconds.
    secs: f64,
    /// CPU seconds, user + system.
    cpu: f64,
    /// Peak RSS in bytes.
    peak_rss: u64,
    /// Index size in bytes.
    size: u64,
}

/// Everything measured, for the aims table at the end.
#[derive(Default)]
struct Findings {
    input_bytes: u64,
    /// Per builder, in `Builder::ALL` order.
    builds: Vec<BuildFigures>,
    reindex_unchanged: Option<f64>,
    reindex_one_percent: Option<f64>,
    /// Median p50 latency in ms per engine label.
    p50: Vec<(&'static str, f64)>,
    /// Seconds of `tim search` and `rg`.
    whole: Option<(f64, Option<f64>)>,
}

impl Findings {
    fn build(&self, b: Builder) -> Option<BuildFigures> {
        self.builds.iter().find(|x| x.builder == b).copied()
    }

    fn p50(&self, label: &str) -> Option<f64> {
        self.p50.iter().find(|x| x.0 == label).map(|x| x.1)
    }
}

/// The environment of one benchmark run.
struct Setup {
    corpus: PathBuf,
    corpus_name: String,
    files: Vec<PathBuf>,
    tim: PathBuf,
    runs: usize,
    query_runs: usize,
}

/// Cold builds of every engine, interleaved run by run.
fn cold_builds(s: &Setup, build: bool, f: &mut Findings) -> Result<()> {
    let mut secs = vec![Vec::new(); Builder::ALL.len()];
    let mut cpu = vec![Vec::new(); Builder::ALL.len()];
    let mut rss = vec![Vec::new(); Builder::ALL.len()];
    if build {
        for run in 1..=s.runs {
            for (i, b) in Builder::ALL.into_iter().enumerate() {
                eprintln!("cold build {run}/{}: {} ...", s.runs, b.label());
                let out = b.index_path(&s.corpus_name);
                remove_if_exists(&out)?;
                if let Some(parent) = out.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let r = run_child_ok(&mut b.command(&s.tim, &s.corpus, &out)?, &[0])?;
                secs[i].push(r.wall.as_secs_f64());
                cpu[i].push(r.cpu.as_secs_f64());
                rss[i].push(r.peak_rss as f64);
            }
        }
    }
    let mut table = Table::new(&[
        "engine",
        "seconds",
        "MB/s",
        "tim MB/s ÷ this",
        "CPU seconds",
        "this CPU ÷ tim's",
        "peak RSS",
        "index size",
        "size ÷ input",
    ]);
    let tim_secs = median(&secs[0]);
    let tim_cpu = median(&cpu[0]);
    for (i, b) in Builder::ALL.into_iter().enumerate() {
        let size = disk_size(&b.index_path(&s.corpus_name)).unwrap_or(0);
        let (sec, peak) = (median(&secs[i]), median(&rss[i]) as u64);
        let cpu = median(&cpu[i]);
        f.builds.push(BuildFigures {
            builder: b,
            secs: sec,
            cpu,
            peak_rss: peak,
            size,
        });
        table.row(vec![
            b.label().into(),
            num(sec, 1),
            num(mb_per_s(f.input_bytes, sec), 1),
            ratio(sec / tim_secs),
            if build { num(cpu, 2) } else { "n/a".into() },
            if build {
                ratio(cpu / tim_cpu)
            } else {
                "n/a".into()
            },
            if build { mib(peak) } else { "n/a".into() },
            mib(size),
            ratio(size as f64 / f.input_bytes as f64),
        ]);
    }
    println!(
        "### Cold build\n\n{} files, {:.1} MB of text; {} threads where configurable (FTS5: 1); \
         median of {} runs; each build a child process, CPU seconds (user + system) and peak \
         RSS its own (wait4; the spawning process peaked at {}, a floor for the RSS figures). \
         Wall time is what the aims compare; CPU time says whether a ratio comes from the \
         work or from how well the cores are kept busy (it drifts from run to run as the wall \
         time does).\n",
        s.files.len(),
        f.input_bytes as f64 / 1e6,
        threads(),
        if build { s.runs } else { 0 },
        mib(own_peak_rss()),
    );
    table.print();
    Ok(())
}

/// `tim index` again with no change, then with 1% of the files edited (a sentence appended).
fn reindex(s: &Setup, f: &mut Findings) -> Result<()> {
    let out = Builder::Tim.index_path(&s.corpus_name);
    let tim_index = || -> Result<f64> {
        let r = run_child_ok(&mut Builder::Tim.command(&s.tim, &s.corpus, &out)?, &[0])?;
        Ok(r.wall.as_secs_f64())
    };
    let mut unchanged = Vec::new();
    for run in 1..=s.runs {
        eprintln!("re-index, no change {run}/{} ...", s.runs);
        unchanged.push(tim_index()?);
    }
    let edited: Vec<&PathBuf> = s.files.iter().step_by(100).collect();
    let originals: Vec<Vec<u8>> = edited
        .iter()
        .map(std::fs::read)
        .collect::<std::io::Result<_>>()?;
    let mut one_percent = Vec::new();
    let mut outcome = Ok(());
    for run in 1..=s.runs {
        eprintln!(
            "re-index, {} files edited {run}/{} ...",
            edited.len(),
            s.runs
        );
        for (path, original) in edited.iter().zip(&originals) {
            let mut text = original.clone();
            for k in 1..=run {
                text.extend_from_slice(
                    format!("\nCâu thêm số {k} để đo việc lập chỉ mục lại .\n").as_bytes(),
                );
            }
            replace_file(path, &text)?;
        }
        match tim_index() {
            Ok(sec) => one_percent.push(sec),
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    for (path, original) in edited.iter().zip(&originals) {
        replace_file(path, original)?;
    }
    outcome?;
    let cold = f.build(Builder::Tim).map_or(f64::NAN, |b| b.secs);
    let (u, p) = (median(&unchanged), median(&one_percent));
    f.reindex_unchanged = Some(u);
    f.reindex_one_percent = Some(p);
    let mut table = Table::new(&["tim index, again", "seconds", "÷ cold build", "aim"]);
    table.row(vec![
        "no change".into(),
        num(u, 2),
        ratio(u / cold),
        "≤ 0.05×".into(),
    ]);
    table.row(vec![
        format!("{} files (1%) edited", edited.len()),
        num(p, 2),
        ratio(p / cold),
        "≤ 0.10×".into(),
    ]);
    println!(
        "### Re-index\n\nMedian of {} runs; the edited files are restored afterwards.\n",
        s.runs
    );
    table.print();
    Ok(())
}

/// One engine's figures, one entry per query pass.
#[derive(Clone, Default)]
struct PassStats {
    p50: Vec<f64>,
    p99: Vec<f64>,
    mean: Vec<f64>,
    with_hits: usize,
}

/// Latencies in ms of one pass of `queries` through `engine`, and how many had hits.
fn query_pass(engine: &mut dyn QueryEngine, queries: &[Query]) -> Result<(Vec<f64>, usize)> {
    let mut latencies = Vec::with_capacity(queries.len());
    let mut with_hits = 0;
    for q in queries {
        let start = std::time::Instant::now();
        let n = engine.search(&q.text)?;
        latencies.push(start.elapsed().as_secs_f64() * 1e3);
        with_hits += usize::from(n > 0);
    }
    Ok((latencies, with_hits))
}

/// In-process query latency of every engine, passes interleaved.
fn queries(s: &Setup, n: usize, f: &mut Findings) -> Result<()> {
    let queries = viquad_queries(n)?;
    let mut engines: Vec<(&'static str, Box<dyn QueryEngine>)> = vec![
        (
            "timkiem Searcher, snippets on",
            Box::new(Tim::open(&Builder::Tim.index_path(&s.corpus_name), true)?),
        ),
        (
            "timkiem Searcher, snippets off",
            Box::new(Tim::open(&Builder::Tim.index_path(&s.corpus_name), false)?),
        ),
        (
            "tantivy 1 field (QueryParser)",
            Box::new(TantivySingle::open(
                &Builder::TantivySingle.index_path(&s.corpus_name),
            )?),
        ),
        (
            FLOOR_LABEL,
            Box::new(Floor::open(&Builder::Tim.index_path(&s.corpus_name))?),
        ),
        (
            "SQLite FTS5 (OR, bm25)",
            Box::new(Fts5::open(&Builder::Fts5.index_path(&s.corpus_name))?),
        ),
    ];
    let warm = &queries[..queries.len().min(50)];
    let mut stats = vec![PassStats::default(); engines.len()];
    for (_, engine) in &mut engines {
        query_pass(engine.as_mut(), warm)?;
    }
    for run in 1..=s.query_runs {
        for (i, (label, engine)) in engines.iter_mut().enumerate() {
            eprintln!("queries {run}/{}: {label} ...", s.query_runs);
            let (lat, hits) = query_pass(engine.as_mut(), &queries)?;
            stats[i].p50.push(percentile(&lat, 50.0));
            stats[i].p99.push(percentile(&lat, 99.0));
            stats[i]
                .mean
                .push(lat.iter().sum::<f64>() / lat.len() as f64);
            stats[i].with_hits = hits;
        }
    }
    let mut table = Table::new(&[
        "engine",
        "p50 ms",
        "p99 ms",
        "mean ms",
        "queries with hits",
        "p50 ÷ tim p50",
    ]);
    let tim_p50 = median(&stats[0].p50);
    for ((label, _), st) in engines.iter().zip(&stats) {
        let p50 = median(&st.p50);
        f.p50.push((label, p50));
        table.row(vec![
            label.to_string(),
            num(p50, 3),
            num(median(&st.p99), 3),
            num(median(&st.mean), 3),
            format!("{} / {}", st.with_hits, queries.len()),
            ratio(p50 / tim_p50),
        ]);
    }
    println!(
        "### Queries, in-process\n\n{} ViQuAD 2.0 dev questions (every second one stripped of \
         diacritics), top 10 with stored path fetched, one thread; p50/p99 of each pass, median \
         of {} passes after a 50-query warm-up.\n",
        queries.len(),
        s.query_runs
    );
    table.print();
    Ok(())
}

/// Whole-process runs per query pass. A `tim search` takes about 12 ms, and on a shared
/// machine one run in four or five takes two or three times that (a process start waiting
/// for the CPU): a median of three was now and then two such runs.
const WHOLE_RUNS_PER_PASS: usize = 3;

/// Median wall seconds and stdout bytes of `runs` runs of `cmd` (after one warm-up run).
fn whole_runs(mut cmd: impl FnMut() -> Command, runs: usize) -> Result<(f64, u64)> {
    run_child_ok(&mut cmd(), &[0, 1])?;
    let mut secs = Vec::new();
    let mut bytes = 0;
    for _ in 0..runs {
        let r = run_child_ok(&mut cmd(), &[0, 1])?;
        secs.push(r.wall.as_secs_f64());
        bytes = r.stdout_bytes;
    }
    Ok((median(&secs), bytes))
}

/// Whole-process `tim search` against `rg -i` over the same files.
fn whole_process(s: &Setup, f: &mut Findings) -> Result<()> {
    let index = Builder::Tim.index_path(&s.corpus_name);
    eprintln!("whole process: tim search / rg ...");
    let whole_runs_n = WHOLE_RUNS_PER_PASS * s.query_runs;
    let tim_cmd = |q: &str| {
        let mut c = Command::new(&s.tim);
        c.args(["search", "--color", "never", "--index"])
            .arg(&index)
            .arg(q);
        c
    };
    let (tim_s, tim_bytes) = whole_runs(|| tim_cmd(NEEDLE), whole_runs_n)?;
    let stripped = timkiem::text::strip_diacritics(NEEDLE);
    let (tim2_s, tim2_bytes) = whole_runs(|| tim_cmd(&stripped), whole_runs_n)?;
    // As `tim search QUERY CORPUS` runs: the index is refreshed from the corpus first (a walk
    // and a manifest read that find nothing changed).
    let (refreshed_s, refreshed_bytes) = whole_runs(
        || {
            let mut c = tim_cmd(NEEDLE);
            c.arg(&s.corpus);
            c
        },
        whole_runs_n,
    )?;
    let mut table = Table::new(&["command", "seconds", "stdout bytes", "÷ tim"]);
    table.row(vec![
        format!("`tim search --index IDX \"{NEEDLE}\"`"),
        num(tim_s, 4),
        tim_bytes.to_string(),
        ratio(1.0),
    ]);
    table.row(vec![
        format!("`tim search --index IDX \"{stripped}\"`"),
        num(tim2_s, 4),
        tim2_bytes.to_string(),
        ratio(tim2_s / tim_s),
    ]);
    table.row(vec![
        format!("`tim search --index IDX \"{NEEDLE}\" CORPUS` (refreshes IDX first)"),
        num(refreshed_s, 4),
        refreshed_bytes.to_string(),
        ratio(refreshed_s / tim_s),
    ]);
    let rg_s = match rg::binary() {
        Some(rg) => {
            let (rg_s, rg_bytes) = whole_runs(
                || {
                    let mut c = Command::new(&rg);
                    c.args(["-i", "--color", "never", NEEDLE]).arg(&s.corpus);
                    c
                },
                whole_runs_n,
            )?;
            table.row(vec![
                format!("`rg -i \"{NEEDLE}\" CORPUS`"),
                num(rg_s, 4),
                rg_bytes.to_string(),
                ratio(rg_s / tim_s),
            ]);
            Some(rg_s)
        }
        None => {
            table.row(vec![
                "`rg`: skipped, not found on PATH (apt-get install ripgrep)".into(),
            ]);
            None
        }
    };
    f.whole = Some((tim_s, rg_s));
    println!(
        "### Whole process\n\nMedian of {} warm runs (after one warm-up), stdout drained through \
         a pipe (rg stops at the first match when stdout is /dev/null).\n",
        whole_runs_n
    );
    table.print();
    Ok(())
}

/// The aims of the brief against what was measured.
fn aims(f: &Findings) {
    let mut table = Table::new(&["aim", "measured", "met"]);
    let mut row =
        |aim: &str, value: Option<f64>, show: &dyn Fn(f64) -> String, ok: &dyn Fn(f64) -> bool| {
            match value {
                Some(v) if v.is_finite() => table.row(vec![aim.into(), show(v), verdict(ok(v))]),
                _ => table.row(vec![aim.into(), "not measured".into(), "n/a".into()]),
            }
        };
    let secs = |b| f.build(b).map(|x| x.secs);
    let tim = secs(Builder::Tim);
    let speed = |b: Builder| Some(secs(b)? / tim?);
    row(
        "build MB/s ≥ tantivy 4 fields (stock)",
        speed(Builder::TantivyFour),
        &|v| ratio(v),
        &|v| v >= 1.0,
    );
    row(
        "build MB/s ≥ 0.6× FTS5",
        speed(Builder::Fts5),
        &|v| ratio(v),
        &|v| v >= 0.6,
    );
    let tim_p50 = f.p50("timkiem Searcher, snippets on");
    let vs = |label: &str| Some(tim_p50? / f.p50(label)?);
    row(
        "query p50 ≤ 3× tantivy 1 field",
        vs("tantivy 1 field (QueryParser)"),
        &|v| ratio(v),
        &|v| v <= 3.0,
    );
    row(
        "query p50 ≤ 0.1× FTS5",
        vs("SQLite FTS5 (OR, bm25)"),
        &|v| ratio(v),
        &|v| v <= 0.1,
    );
    row(
        "whole process ≥ 10× faster than rg",
        f.whole.and_then(|(t, r)| Some(r? / t)),
        &|v| format!("{} faster", ratio(v)),
        &|v| v >= 10.0,
    );
    let tim_build = f.build(Builder::Tim);
    row(
        "index ≤ 1.5× input text",
        tim_build.map(|b| b.size as f64 / f.input_bytes as f64),
        &|v| ratio(v),
        &|v| v <= 1.5,
    );
    row(
        "peak RSS ≤ 1 GiB",
        tim_build.map(|b| b.peak_rss as f64).filter(|&r| r > 0.0),
        &|v| mib(v as u64),
        &|v| v <= (1u64 << 30) as f64,
    );
    row(
        "no-change re-index ≤ 5% of cold build",
        f.reindex_unchanged.zip(tim).map(|(u, c)| u / c),
        &|v| format!("{:.1}%", v * 100.0),
        &|v| v <= 0.05,
    );
    row(
        "1% change re-index ≤ 10% of cold build",
        f.reindex_one_percent.zip(tim).map(|(u, c)| u / c),
        &|v| format!("{:.1}%", v * 100.0),
        &|v| v <= 0.10,
    );
    let cpu = |b| {
        f.build(b)
            .map(|x| x.cpu)
            .filter(|c| c.is_finite() && *c > 0.0)
    };
    match cpu(Builder::TantivyFour).zip(cpu(Builder::Tim)) {
        // Not an aim of its own: the first aim in CPU time, the work without the parallelism.
        Some((four, tim)) => table.row(vec![
            "(build CPU seconds: tantivy 4 fields ÷ tim, same work as the first aim)".into(),
            ratio(four / tim),
            "info".into(),
        ]),
        None => table.row(vec![
            "(build CPU seconds: tantivy 4 fields ÷ tim)".into(),
            "not measured".into(),
            "n/a".into(),
        ]),
    }
    // Not an aim: what the passage index alone costs a query, before any of tim's signals,
    // as a multiple of the single-field index (see `peers/floor.rs`).
    let floor = f.p50(FLOOR_LABEL);
    let (value, met) = match floor.zip(f.p50("tantivy 1 field (QueryParser)")) {
        Some((floor, single)) => (ratio(floor / single), "info"),
        None => ("not measured".to_string(), "n/a"),
    };
    table.row(vec![
        "(query p50: the floor on tim's index ÷ tantivy 1 field)".into(),
        value,
        met.into(),
    ]);
    println!("### Aims (ratios are tim ÷ peer: MB/s ÷ MB/s, ms ÷ ms; or as stated)\n");
    table.print();
}

fn run() -> Result<()> {
    let args = Args::parse(std::env::args().skip(1))?;
    if args.words.first().map(String::as_str) == Some("__build") {
        // Child process: build one peer's index.
        let [_, key, corpus, out] = args.words.as_slice() else {
            return Err("usage: peers __build ENGINE CORPUS OUT".into());
        };
        let builder = Builder::from_key(key).ok_or_else(|| format!("unknown engine {key}"))?;
        return builder.build_here(Path::new(corpus), Path::new(out));
    }
    timkiem_bench::refuse_debug_build();
    args.only(&["files", "runs", "query-runs", "queries", "builds"])?;
    let n: usize = args.get("files", 0)?;
    let (corpus, files) = corpus_of(n)?;
    let corpus_name = if corpus == timkiem_bench::corpus::vietnews_dir() {
        "all".to_string()
    } else {
        format!("first-{n}")
    };
    let setup = Setup {
        corpus,
        corpus_name,
        tim: tim::binary()?,
        runs: args.get("runs", 3)?,
        query_runs: args.get("query-runs", 3)?,
        files,
    };
    let mut findings = Findings {
        input_bytes: total_bytes(&setup.files)?,
        ..Findings::default()
    };
    let build = args.get_str("builds") != Some("no");
    cold_builds(&setup, build, &mut findings)?;
    if build {
        reindex(&setup, &mut findings)?;
    }
    queries(&setup, args.get("queries", 1000)?, &mut findings)?;
    whole_process(&setup, &mut findings)?;
    aims(&findings);
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("peers: {e}");
        std::process::exit(2);
    }
}
