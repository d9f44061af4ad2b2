//! Command-line arguments, as clap parses them. Doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Search bilingual Vietnamese/English text: "Hoang Xuan Chien" finds "Hoàng Xuân Chiến".
#[derive(Debug, Parser)]
#[command(name = "tim", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build or incrementally update the index of a corpus directory.
    Index(IndexArgs),
    /// Search an index (building or refreshing it first when given a corpus directory).
    Search(SearchArgs),
    /// Show how a text is analysed into each field's tokens, with byte offsets.
    Analyze(AnalyzeArgs),
    /// Show what an index holds.
    Info(InfoArgs),
    /// Measure ranking quality on judged queries (nDCG@10, MRR@10, Recall@10/@100).
    Eval(EvalArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Options shared by commands that walk a corpus.
#[derive(Debug, Args, Clone, Default)]
pub struct WalkArgs {
    /// Index hidden files and directories too.
    #[arg(long)]
    pub hidden: bool,
    /// Follow symbolic links (loops are reported, not fatal).
    #[arg(long)]
    pub follow: bool,
    /// With --follow, also follow links that lead outside the corpus directory.
    #[arg(long, requires = "follow")]
    pub follow_outside: bool,
    /// Index files that .gitignore/.ignore files exclude.
    #[arg(long)]
    pub no_ignore: bool,
    /// Only index files matching this glob (relative to the corpus root); repeatable.
    #[arg(long = "glob", value_name = "GLOB")]
    pub globs: Vec<String>,
    /// Never index files matching this glob; repeatable.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,
}

/// `tim index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The corpus directory (default: the current directory).
    #[arg(value_name = "CORPUS_DIR", conflicts_with = "jsonl")]
    pub corpus: Option<PathBuf>,
    /// Where the index lives (default: CORPUS_DIR/.tim).
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Index a JSON Lines file of records instead of a directory.
    #[arg(long, value_name = "FILE")]
    pub jsonl: Option<PathBuf>,
    /// JSON key of a record's id (with --jsonl).
    #[arg(long, default_value = "_id", value_name = "KEY")]
    pub id_key: String,
    /// JSON key of a record's title (with --jsonl).
    #[arg(long, default_value = "title", value_name = "KEY")]
    pub title_key: String,
    /// JSON key of a record's text (with --jsonl).
    #[arg(long, default_value = "text", value_name = "KEY")]
    pub text_key: String,
    /// Use this schema instead of the built-in one (a new or rebuilt index only).
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// Throw the existing index away and build it from scratch.
    #[arg(long)]
    pub rebuild: bool,
    /// No progress bar and no summary line.
    #[arg(long, short)]
    pub quiet: bool,
    /// Walking options.
    #[command(flatten)]
    pub walk: WalkArgs,
}

/// `tim search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words, "quoted phrases", -excluded words, OR between alternatives.
    #[arg(value_name = "QUERY", required_unless_present = "queries")]
    pub query: Option<String>,
    /// A corpus directory: its index (PATH/.tim) is built or refreshed, then searched.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Batch mode: a JSON Lines file of queries with `_id` and `text` (replaces QUERY; a
    /// single positional argument is then PATH).
    #[arg(long, value_name = "FILE")]
    pub queries: Option<PathBuf>,
    /// The index to search (default: PATH/.tim with PATH; without it $TIM_INDEX, or the
    /// nearest .tim/ upwards).
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// How many hits to show.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// One JSON object per hit per line.
    #[arg(long)]
    pub json: bool,
    /// Only hits in files matching this glob (applied before the limit); repeatable.
    #[arg(long = "glob", value_name = "GLOB")]
    pub globs: Vec<String>,
    /// Print only the paths of files with matches.
    #[arg(long, short = 'l')]
    pub files_with_matches: bool,
    /// When to colour the output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Do not refresh the index of PATH before searching.
    #[arg(long)]
    pub no_refresh: bool,
    /// Show how each hit's score was made.
    #[arg(long)]
    pub explain: bool,
    /// No progress output while refreshing.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `tim analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The text to analyse (several arguments are joined with spaces).
    #[arg(required = true, value_name = "TEXT")]
    pub text: Vec<String>,
    /// Print JSON: `{"field": [{"token", "start", "end", "position"}...]...}`.
    #[arg(long)]
    pub json: bool,
    /// Analyse with the schema stored in this index instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

/// `tim info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// The index (default: $TIM_INDEX, or the nearest .tim/ upwards); a corpus directory
    /// means its .tim/.
    #[arg(value_name = "INDEX")]
    pub index: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `tim eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Judged queries: JSON Lines with `_id` and `text` (`.gz` read directly).
    #[arg(long, value_name = "Q.jsonl")]
    pub queries: PathBuf,
    /// Judgements: BEIR TSV `query-id corpus-id score` (`.gz` read directly).
    #[arg(long, value_name = "QRELS.tsv")]
    pub qrels: PathBuf,
    /// The index (default: $TIM_INDEX, or the nearest .tim/ upwards).
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Remove every diacritic (and map đ to d) from the queries first.
    #[arg(long)]
    pub strip_diacritics: bool,
    /// Do not restore the accents of words typed without diacritics.
    #[arg(long)]
    pub no_restore: bool,
    /// Print each query's figures too, before the means: its id, nDCG@10, MRR@10, Recall@10
    /// and Recall@100 (tab-separated; with --json, one object per query).
    #[arg(long)]
    pub per_query: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}
