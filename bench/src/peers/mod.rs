//! The engines compared, one module each. Every engine builds its index in a child process
//! (so its peak RSS is its own) and answers queries in this process through [`QueryEngine`].

pub mod floor;
pub mod fts5;
pub mod rg;
pub mod tantivy_four;
pub mod tantivy_single;
pub mod tim;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;

/// Memory budget of every tantivy writer (timkiem's default too), in bytes.
pub const WRITER_MEMORY: usize = 256 << 20;

/// An engine answering queries in-process.
pub trait QueryEngine {
    /// Runs one query (top 10) and returns how many hits came back.
    fn search(&mut self, query: &str) -> Result<usize>;
}

/// How many of the `top` documents hold a stored path in `path`, each read from the store as
/// a user's search would read its hits.
pub fn count_stored_paths(
    searcher: &tantivy::Searcher,
    top: Vec<(tantivy::Score, tantivy::DocAddress)>,
    path: tantivy::schema::Field,
) -> Result<usize> {
    use tantivy::schema::Value;
    let mut n = 0;
    for (_, address) in top {
        let doc: tantivy::TantivyDocument = searcher.doc(address)?;
        n += usize::from(doc.get_first(path).and_then(|v| v.as_str()).is_some());
    }
    Ok(n)
}

/// An index builder compared in the cold-build table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builder {
    /// `tim index` (the release binary).
    Tim,
    /// tantivy, one `text` field, default tokenizer.
    TantivySingle,
    /// tantivy, the four fields of timkiem with stock tokenizers.
    TantivyFour,
    /// SQLite FTS5, `unicode61 remove_diacritics 2`.
    Fts5,
}

impl Builder {
    /// Every builder, `tim` first (the one ratios are taken against).
    pub const ALL: [Builder; 4] = [
        Builder::Tim,
        Builder::TantivySingle,
        Builder::TantivyFour,
        Builder::Fts5,
    ];

    /// Name in tables.
    pub fn label(self) -> &'static str {
        match self {
            Builder::Tim => "tim index",
            Builder::TantivySingle => "tantivy 1 field (default)",
            Builder::TantivyFour => "tantivy 4 fields (stock)",
            Builder::Fts5 => "SQLite FTS5 (unicode61 rd2)",
        }
    }

    /// Short name, used on the command line of the child process and for index paths.
    pub fn key(self) -> &'static str {
        match self {
            Builder::Tim => "tim",
            Builder::TantivySingle => "tantivy-single",
            Builder::TantivyFour => "tantivy-four",
            Builder::Fts5 => "fts5",
        }
    }

    /// The builder named `key`.
    pub fn from_key(key: &str) -> Option<Builder> {
        Builder::ALL.into_iter().find(|b| b.key() == key)
    }

    /// Where this builder's index of corpus `corpus_name` goes.
    pub fn index_path(self, corpus_name: &str) -> PathBuf {
        let name = match self {
            Builder::Fts5 => format!("{}-{corpus_name}.sqlite", self.key()),
            _ => format!("{}-{corpus_name}", self.key()),
        };
        crate::corpus::data_dir().join("indexes").join(name)
    }

    /// The command that builds the index of `corpus` at `out`: `tim index` for timkiem, this
    /// benchmark binary's hidden `__build` subcommand for the others.
    pub fn command(self, tim: &Path, corpus: &Path, out: &Path) -> Result<Command> {
        let mut cmd;
        if self == Builder::Tim {
            cmd = Command::new(tim);
            cmd.arg("index")
                .arg(corpus)
                .arg("--index")
                .arg(out)
                .arg("--quiet");
        } else {
            cmd = Command::new(std::env::current_exe()?);
            cmd.arg("__build").arg(self.key()).arg(corpus).arg(out);
        }
        Ok(cmd)
    }

    /// Builds the index in this process (the child side of [`Builder::command`]).
    pub fn build_here(self, corpus: &Path, out: &Path) -> Result<()> {
        let files = crate::corpus::list_txt_files(corpus)?;
        let threads = crate::measure::threads();
        match self {
            Builder::Tim => Err("tim builds through its own binary".into()),
            Builder::TantivySingle => tantivy_single::build(corpus, &files, out, threads),
            Builder::TantivyFour => tantivy_four::build(corpus, &files, out, threads),
            Builder::Fts5 => fts5::build(corpus, &files, out),
        }
    }
}

/// `path` relative to `root`, `/`-separated, as stored by every engine.
pub fn rel_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}
