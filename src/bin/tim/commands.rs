//! The subcommands: each resolves its arguments into library calls and hands the results to
//! `render`.

use std::io::{self, IsTerminal, Write};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use timkiem::analysis::{Analyzer, FieldKind};
use timkiem::ingest::indexer::{index_directory, index_jsonl, IndexOptions, JsonlKeys, Summary};
use timkiem::ingest::walk::{path_text, WalkOptions};
use timkiem::search::eval::{read_qrels, read_queries, Evaluator};
use timkiem::search::searcher::{Hit, SearchOptions, Searcher};
use timkiem::{Error, Index, SchemaConfig};

use crate::cli::{AnalyzeArgs, Cli, Command, EvalArgs, IndexArgs, InfoArgs, SearchArgs, WalkArgs};
use crate::render::{self, BarProgress, HitPrinter};
use crate::Outcome;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The library reported an error.
    #[error(transparent)]
    Lib(#[from] timkiem::Error),
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Io(#[from] io::Error),
}

impl CommandError {
    /// The I/O error kind, when the failure was one.
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            CommandError::Io(e) => Some(e.kind()),
            CommandError::Lib(_) => None,
        }
    }
}

type CmdResult = Result<Outcome, CommandError>;

/// A flag set by Ctrl-C, so that indexing stops between files and leaves the last commit as
/// the index. A second Ctrl-C is not caught again: the handler is installed once.
fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let handler_flag = flag.clone();
        // If a handler cannot be installed, Ctrl-C keeps its default effect, which is just as
        // safe for the index (the last commit stays), only less polite.
        let _ = ctrlc::set_handler(move || handler_flag.store(true, Ordering::Relaxed));
        flag
    })
    .clone()
}

/// Runs one command.
pub fn run(cli: Cli) -> CmdResult {
    match cli.command {
        Command::Index(args) => index(args),
        Command::Search(args) => search(args),
        Command::Analyze(args) => analyze(args),
        Command::Info(args) => info(args),
        Command::Eval(args) => eval(args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            // Written to memory first: clap_complete panics when a write fails (a closed pipe,
            // a full disk), where every other output of `tim` is an error like any other.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "tim", &mut script);
            let mut out = io::stdout().lock();
            out.write_all(&script)?;
            out.flush()?;
            Ok(Outcome::Success)
        }
    }
}

/// The library's defaults, with the checkpoint size lowered by the hidden `TIM_CHECKPOINT_BYTES`
/// variable: crash tests use it to make a small corpus commit often.
fn default_index_options() -> IndexOptions {
    let defaults = IndexOptions::default();
    let checkpoint_bytes = std::env::var("TIM_CHECKPOINT_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(defaults.checkpoint_bytes);
    IndexOptions {
        checkpoint_bytes,
        ..defaults
    }
}

fn walk_options(args: &WalkArgs) -> WalkOptions {
    WalkOptions {
        hidden: args.hidden,
        follow_links: args.follow,
        follow_outside_root: args.follow_outside,
        respect_ignore_files: !args.no_ignore,
        globs: args.globs.clone(),
        excludes: args.excludes.clone(),
        ..WalkOptions::default()
    }
}

fn index(args: IndexArgs) -> CmdResult {
    let schema = args.schema.as_deref().map(SchemaConfig::load).transpose()?;
    let opts = IndexOptions {
        walk: walk_options(&args.walk),
        rebuild: args.rebuild,
        schema,
        cancel: Some(interrupt_flag()),
        ..default_index_options()
    };
    let mut progress = BarProgress::new(args.quiet);
    let summary = if let Some(jsonl) = &args.jsonl {
        let index_dir = args.index.clone().unwrap_or_else(|| jsonl_index_dir(jsonl));
        let keys = JsonlKeys {
            id: args.id_key.clone(),
            title: args.title_key.clone(),
            text: args.text_key.clone(),
        };
        guarded(&index_dir, || {
            index_jsonl(jsonl, &keys, &index_dir, &opts, &mut progress)
        })?
    } else {
        let corpus = args.corpus.clone().unwrap_or_else(|| PathBuf::from("."));
        let index_dir = args.index.clone().unwrap_or_else(|| corpus.join(".tim"));
        guarded(&index_dir, || {
            index_directory(&corpus, &index_dir, &opts, &mut progress)
        })?
    };
    if !args.quiet {
        eprintln!("{}", summary_line(&summary));
    }
    Ok(Outcome::Success)
}

/// Default index of a JSON Lines corpus: `FILE.tim/` beside it.
fn jsonl_index_dir(jsonl: &Path) -> PathBuf {
    let mut name = jsonl.file_name().unwrap_or_default().to_os_string();
    name.push(".tim");
    jsonl.with_file_name(name)
}

fn summary_line(s: &Summary) -> String {
    let rebuilt = match s.upgraded_from {
        Some(format) => {
            format!("index rebuilt (it was made by an older timkiem, format {format}); ")
        }
        None => String::new(),
    };
    let mut line = format!(
        "tim: {rebuilt}{} indexed, {} unchanged, {} removed, {} skipped",
        s.indexed,
        s.unchanged,
        s.removed,
        s.skipped_total()
    );
    if !s.skipped.is_empty() {
        let reasons: Vec<String> = s.skipped.iter().map(|(r, n)| format!("{n} {r}")).collect();
        line.push_str(&format!(" ({})", reasons.join(", ")));
    }
    if s.converted > 0 {
        line.push_str(&format!(
            ", {} converted from legacy encodings",
            s.converted
        ));
    }
    if s.lossy > 0 {
        line.push_str(&format!(", {} decoded lossily", s.lossy));
    }
    line.push_str(&format!(
        "; {} passages, {:.1} MB read in {:.2} s",
        s.passages,
        s.bytes_read as f64 / 1e6,
        s.seconds
    ));
    line
}

/// Finds the index to use when no corpus directory is given: an explicit one, else
/// `$TIM_INDEX` (when set and not empty), else the nearest `.tim/` upwards from the current
/// directory.
///
/// `$TIM_INDEX` is read here, not by clap as a default of `--index`: a search given a corpus
/// directory refreshes that corpus's own index (or the one `--index` names), and the variable
/// must not redirect the refresh into an index of another corpus, which would drop every file
/// of that corpus from it.
fn resolve_index(explicit: Option<&Path>) -> Result<PathBuf, CommandError> {
    let from_env = || {
        std::env::var_os("TIM_INDEX")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = explicit.map(Path::to_path_buf).or_else(from_env) {
        let dir = dir.as_path();
        // A corpus directory stands for its `.tim/`.
        if !dir.join("meta.json").exists() && dir.join(".tim").join("meta.json").exists() {
            return Ok(dir.join(".tim"));
        }
        return Ok(dir.to_path_buf());
    }
    let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
    for dir in cwd.ancestors() {
        let candidate = dir.join(".tim");
        if candidate.join("meta.json").is_file() {
            return Ok(candidate);
        }
    }
    Err(Error::IndexNotFound {
        path: cwd.join(".tim"),
    }
    .into())
}

fn search(mut args: SearchArgs) -> CmdResult {
    if args.queries.is_some() {
        // `--queries FILE CORPUS`: the one positional argument is the corpus, not a query.
        match (args.query.take(), &args.path) {
            (Some(path), None) => args.path = Some(PathBuf::from(path)),
            (Some(_), Some(_)) => {
                return Err(
                    Error::Invalid("--queries replaces QUERY: give only PATH".into()).into(),
                )
            }
            (None, _) => {}
        }
    }
    let opts = SearchOptions {
        limit: args.limit,
        globs: args.globs.clone(),
        ..SearchOptions::default()
    };
    // Bad arguments are refused before the index is refreshed.
    opts.check()?;
    let (index_dir, display_root) = match &args.path {
        Some(corpus) => {
            let index_dir = args.index.clone().unwrap_or_else(|| corpus.join(".tim"));
            if !args.no_refresh {
                refresh(corpus, &index_dir, args.quiet || args.json)?;
            }
            (index_dir, Some(corpus.clone()))
        }
        None => {
            let index_dir = resolve_index(args.index.as_deref())?;
            let root = display_root(&index_dir);
            (index_dir, root)
        }
    };
    let searcher = open_searcher(&index_dir)?;
    let color = render::use_color(args.color);
    let stdout = io::stdout();
    let mut printer = HitPrinter::new(
        stdout.lock(),
        args.json,
        color,
        display_root,
        args.files_with_matches,
    );
    let mut matched = false;
    if let Some(queries_path) = &args.queries {
        for query in read_queries(queries_path)? {
            let hits = guarded_search(&searcher, &query.text, &opts)?;
            matched |= !hits.is_empty();
            printer.print(&hits, Some(&query.id))?;
        }
    } else {
        let query = args.query.as_deref().unwrap_or_default();
        let started = Instant::now();
        let hits = guarded_search(&searcher, query, &opts)?;
        let elapsed = started.elapsed();
        // "Did you mean": on stderr for people; JSON hits carry it, and with no hit it goes
        // to stderr too.
        let suggestion = match hits.first() {
            Some(hit) => hit.suggestion.clone(),
            None => searcher.suggest(query)?,
        };
        if let Some(suggestion) = suggestion {
            if !args.json || hits.is_empty() {
                eprintln!(
                    "tim: did you mean: {}",
                    render::escape_controls(&suggestion)
                );
            }
        }
        if args.explain {
            for hit in &hits {
                let explanation = searcher.explain(query, hit, &opts)?;
                eprintln!(
                    "{}:{} score {:.4}",
                    render::escape_controls(&hit.path),
                    hit.match_line,
                    hit.score
                );
                for line in explanation.lines() {
                    eprintln!("{}", render::escape_controls(line));
                }
            }
        }
        if !args.json && !args.quiet && io::stderr().is_terminal() {
            eprintln!(
                "{} hits in {:.1} ms",
                hits.len(),
                elapsed.as_secs_f64() * 1e3
            );
        }
        matched = !hits.is_empty();
        printer.print(&hits, None)?;
    }
    printer.finish()?;
    Ok(if matched {
        Outcome::Success
    } else {
        Outcome::NoMatch
    })
}

/// Where the hits of an index found without a corpus argument are shown from: the corpus
/// directory its last commit recorded, as a path from the working directory, so that a
/// printed `path:line` opens from where `tim` runs, as ripgrep's do. `None` when the index
/// recorded none (a JSON Lines index, whose hits are record ids): paths are then shown from
/// the corpus root.
fn display_root(index_dir: &Path) -> Option<PathBuf> {
    let corpus = timkiem::ingest::indexer::recorded_corpus_root(index_dir)?;
    let cwd = std::env::current_dir().ok()?;
    let (to, from): (Vec<_>, Vec<_>) = (corpus.components().collect(), cwd.components().collect());
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut root: PathBuf = from[common..].iter().map(|_| "..").collect();
    root.extend(&to[common..]);
    Some(root)
}

/// Opens a searcher on the index at `dir`, a panic inside tantivy (which a corrupt segment
/// file can cause when a segment is opened) becoming the error of a damaged index.
fn open_searcher(dir: &Path) -> Result<Searcher, Error> {
    guarded(dir, || Searcher::open(dir))
}

/// Runs one search. A failure to read the index, and a panic inside tantivy (which a corrupt
/// segment file can cause), become the error of a damaged index, which says how to recover.
fn guarded_search(
    searcher: &Searcher,
    query: &str,
    opts: &SearchOptions,
) -> Result<Vec<Hit>, Error> {
    let index = searcher.index();
    guarded(index.dir(), || {
        searcher
            .search_with(query, opts)
            .map_err(|e| index.explain_damage(e))
    })
}

/// Runs `work`, which reads the index at `dir`; a panic inside it (tantivy's, on a corrupt
/// segment file) becomes the error of a damaged index, which says how to recover, and prints
/// no panic message. A writer dropped by the unwinding commits nothing: the index keeps its
/// last commit.
fn guarded<T>(dir: &Path, work: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    let quiet_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(work));
    std::panic::set_hook(quiet_hook);
    outcome.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("a panic");
        Err(Error::IndexUnusable {
            path: dir.to_path_buf(),
            message: format!(
                "it is damaged (reading it failed: {what}); rebuild it with `tim index --rebuild`"
            ),
        })
    })
}

/// Brings the index of `corpus` up to date before a search; when another process is writing
/// it, the search uses its last commit.
fn refresh(corpus: &Path, index_dir: &Path, quiet: bool) -> Result<(), CommandError> {
    // Per-file warnings belong to `tim index`; a search only says what changed.
    let mut progress = BarProgress::new(quiet).without_warnings();
    // The files the index holds are those `tim index` chose (`--hidden`, `--exclude`...): a
    // refresh reads what changed among them, and never re-scopes the index to the defaults.
    let opts = IndexOptions {
        cancel: Some(interrupt_flag()),
        keep_recorded_scope: true,
        ..default_index_options()
    };
    match guarded(index_dir, || {
        index_directory(corpus, index_dir, &opts, &mut progress)
    }) {
        Ok(summary) => {
            if !quiet && (summary.indexed > 0 || summary.removed > 0) {
                eprintln!("{}", summary_line(&summary));
            }
            Ok(())
        }
        Err(Error::IndexLocked { .. }) => {
            eprintln!("tim: index is being written by another process; searching its last commit");
            Ok(())
        }
        // An index this user may read but not write (shared read-only, a read-only mount) is
        // still searched, as it stands.
        Err(Error::Io { path, source })
            if index_dir.join("meta.json").is_file()
                && matches!(
                    source.kind(),
                    io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
                ) =>
        {
            let message = format!(
                "tim: cannot refresh the index ({}: {source}); searching its last commit",
                path.display()
            );
            eprintln!("{}", render::escape_controls(&message));
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

fn analyze(args: AnalyzeArgs) -> CmdResult {
    let text = args.text.join(" ");
    let analyzer: Analyzer = match &args.index {
        Some(dir) => Index::open(&resolve_index(Some(dir))?)?.analyzer().clone(),
        None => Analyzer::default(),
    };
    let tokens = analyzer.field_tokens(&text);
    let mut out = io::stdout().lock();
    if args.json {
        let mut object = serde_json::Map::new();
        for field in FieldKind::ALL {
            let list: Vec<_> = tokens
                .get(field)
                .iter()
                .map(|t| {
                    serde_json::json!({"token": t.text, "start": t.offset_from, "end": t.offset_to, "position": t.position})
                })
                .collect();
            object.insert(field.name().to_string(), list.into());
        }
        writeln!(out, "{}", serde_json::Value::Object(object))?;
    } else {
        writeln!(
            out,
            "{:<8} {:>4} {:>6} {:>6}  token  (text)",
            "field", "pos", "start", "end"
        )?;
        for field in FieldKind::ALL {
            for t in tokens.get(field) {
                let original = render::escape_controls(&text[t.offset_from..t.offset_to]);
                writeln!(
                    out,
                    "{:<8} {:>4} {:>6} {:>6}  {}  ({original})",
                    field.name(),
                    t.position,
                    t.offset_from,
                    t.offset_to,
                    render::escape_controls(&t.text),
                )?;
            }
        }
    }
    Ok(Outcome::Success)
}

fn info(args: InfoArgs) -> CmdResult {
    let dir = resolve_index(args.index.as_deref())?;
    let info = guarded(&dir, || {
        let index = Index::open(&dir)?;
        index.info().map_err(|e| index.explain_damage(e))
    })?;
    let mut out = io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string(&info).map_err(|e| Error::Invalid(e.to_string()))?
        )?;
    } else {
        writeln!(
            out,
            "index:     {}",
            render::escape_controls(&path_text(&info.dir))
        )?;
        match info.binary_files {
            0 => writeln!(out, "files:     {}", info.files)?,
            n => writeln!(
                out,
                "files:     {} ({n} more skipped as binary)",
                info.files
            )?,
        }
        writeln!(out, "passages:  {}", info.passages)?;
        writeln!(out, "size:      {:.1} MB", info.bytes_on_disk as f64 / 1e6)?;
        writeln!(out, "segments:  {}", info.segments)?;
        writeln!(out, "format:    {}", info.format)?;
        let p = &info.schema.passages;
        writeln!(
            out,
            "schema:    {} (passages {}/{}/{} bytes target/max/min, {} spelling variants)",
            render::escape_controls(&path_text(&info.dir.join(timkiem::index::SCHEMA_FILE))),
            p.target_bytes,
            p.max_bytes,
            p.min_bytes,
            info.schema.english.variants.len(),
        )?;
        let ranking = serde_json::to_string(&info.schema.ranking)
            .map_err(|e| Error::Invalid(e.to_string()))?;
        writeln!(out, "ranking:   {ranking}")?;
        if let Some(t) = info.last_commit_unix {
            writeln!(out, "committed: {t} (seconds since the Unix epoch)")?;
        }
    }
    Ok(Outcome::Success)
}

fn eval(args: EvalArgs) -> CmdResult {
    let dir = resolve_index(args.index.as_deref())?;
    let searcher = open_searcher(&dir)?;
    let qrels = read_qrels(&args.qrels)?;
    let queries = read_queries(&args.queries)?;
    let opts = SearchOptions {
        limit: 1000,
        plain: true,
        snippets: false,
        restore: !args.no_restore,
        ..SearchOptions::default()
    };
    let mut evaluator = Evaluator::new(&qrels);
    // Accent restoration of stripped queries, checked against the original text: syllables
    // restored to their original exact form, of all syllables.
    let (mut restored_right, mut syllables) = (0usize, 0usize);
    let mut out = io::stdout().lock();
    for query in &queries {
        if qrels.relevant_count(&query.id) == 0 {
            continue;
        }
        let text = if args.strip_diacritics {
            timkiem::text::strip_diacritics(&query.text)
        } else {
            query.text.clone()
        };
        if args.strip_diacritics && opts.restore {
            let original = searcher.index().analyzer().analyze(&query.text);
            let restored = searcher.restore(&text)?;
            if original.len() == restored.forms.len() {
                for (truth, form) in original.iter().zip(&restored.forms) {
                    if truth.syllable {
                        syllables += 1;
                        restored_right += usize::from(truth.exact == *form);
                    }
                }
            }
        }
        let hits = guarded_search(&searcher, &text, &opts)?;
        // A document's score is its best passage's: keep each document's first hit. A hit's
        // path is the judged id (a JSON Lines record's `_id`, or a file's relative path).
        let mut seen = std::collections::HashSet::new();
        let ranked: Vec<String> = hits
            .into_iter()
            .filter(|h| seen.insert(h.path.clone()))
            .map(|h| h.path)
            .take(100)
            .collect();
        let metrics = evaluator.add(&query.id, &ranked);
        if let Some(m) = metrics.filter(|_| args.per_query) {
            if args.json {
                // One object per query, then the summary: every line is JSON.
                let line = serde_json::json!({
                    "query_id": query.id,
                    "ndcg_10": m.ndcg_10,
                    "mrr_10": m.mrr_10,
                    "recall_10": m.recall_10,
                    "recall_100": m.recall_100,
                });
                writeln!(out, "{line}")?;
            } else {
                writeln!(
                    out,
                    "{}\t{:.4}\t{:.4}\t{:.4}\t{:.4}",
                    render::escape_controls(&query.id),
                    m.ndcg_10,
                    m.mrr_10,
                    m.recall_10,
                    m.recall_100
                )?;
            }
        }
    }
    let m = evaluator.finish();
    let accuracy = (syllables > 0).then(|| restored_right as f64 / syllables as f64);
    if args.json {
        let mut value = serde_json::to_value(m).map_err(|e| Error::Invalid(e.to_string()))?;
        if let (Some(a), Some(object)) = (accuracy, value.as_object_mut()) {
            object.insert("restored_syllables".into(), syllables.into());
            object.insert("restore_accuracy".into(), a.into());
        }
        writeln!(out, "{value}")?;
    } else {
        writeln!(
            out,
            "queries {}  nDCG@10 {:.4}  MRR@10 {:.4}  Recall@10 {:.4}  Recall@100 {:.4}",
            m.queries, m.ndcg_10, m.mrr_10, m.recall_10, m.recall_100
        )?;
        if let Some(a) = accuracy {
            writeln!(
                out,
                "accents restored: {:.2}% of {syllables} syllables",
                100.0 * a
            )?;
        }
    }
    Ok(Outcome::Success)
}
