//! The shared corpora: vietnews articles (zstd JSON Lines), prepared as one `.txt` file per
//! article under the target directory, and the ViQuAD 2.0 questions used as queries.
//!
//! Nothing here is ever written inside the repository: prepared files live under
//! `$CARGO_TARGET_DIR/bench-data/` (or `target/bench-data/`).

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use crate::Result;

/// The repository root (the parent of `bench/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ has a parent")
        .to_path_buf()
}

/// The shared corpora: `$TIMKIEM_CORPORA`, or `../shared/corpora` next to the repository.
pub fn corpora_dir() -> PathBuf {
    std::env::var_os("TIMKIEM_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/corpora"))
}

/// Where prepared data and benchmark indexes live: `$CARGO_TARGET_DIR/bench-data`, or
/// `target/bench-data` in the repository.
pub fn data_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
        .join("bench-data")
}

/// The two vietnews splits, in the order their articles are used.
pub const VIETNEWS_SPLITS: [&str; 2] = ["test", "val"];

/// One vietnews article.
#[derive(Debug, Clone)]
pub struct Article {
    /// `<split>/<number>`, e.g. `test/000001`.
    pub id: String,
    /// The article text with every `_` (the word-segmentation joiner) replaced by a space, as
    /// the corpus' SOURCE.md recommends for natural text. Every engine sees this same text.
    pub text: String,
}

/// Calls `f` with every vietnews article (both splits), `_` replaced by spaces, one at a time.
pub fn for_each_vietnews_article(mut f: impl FnMut(Article) -> Result<()>) -> Result<()> {
    for split in VIETNEWS_SPLITS {
        let path = corpora_dir().join(format!("vietnews/vietnews_{split}.jsonl.zst"));
        let file = fs::File::open(&path)
            .map_err(|e| format!("cannot open {}: {e} (set TIMKIEM_CORPORA?)", path.display()))?;
        let reader = BufReader::new(zstd::stream::read::Decoder::new(file)?);
        for line in reader.lines() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let value: serde_json::Value = serde_json::from_str(&line)?;
            let field = |k: &str| {
                value[k]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("{}: record without {k:?}", path.display()))
            };
            f(Article {
                id: field("id")?,
                text: field("text")?.replace('_', " "),
            })?;
        }
    }
    Ok(())
}

/// Reads every vietnews article (both splits), `_` replaced by spaces.
pub fn vietnews_articles() -> Result<Vec<Article>> {
    let mut out = Vec::with_capacity(46_000);
    for_each_vietnews_article(|a| {
        out.push(a);
        Ok(())
    })?;
    Ok(out)
}

/// The directory of all prepared vietnews files: `<data>/vietnews/<split>/<number>.txt`.
pub fn vietnews_dir() -> PathBuf {
    data_dir().join("vietnews")
}

/// Writes one `.txt` file per article (the `text` field, `_` → space) under
/// [`vietnews_dir`], unless a previous run already finished doing so. Returns the directory.
pub fn prepare_vietnews() -> Result<PathBuf> {
    let dir = vietnews_dir();
    let done = dir.join(".prepared");
    if done.exists() {
        return Ok(dir);
    }
    eprintln!("preparing vietnews files under {} ...", dir.display());
    // One article at a time: this process's peak RSS is inherited by the children it spawns
    // (Linux carries the old address space's high-water mark through exec), so it stays small.
    let mut count = 0usize;
    for_each_vietnews_article(|article| {
        let path = dir.join(format!("{}.txt", article.id));
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &article.text)?;
        count += 1;
        Ok(())
    })?;
    // A dotfile marker: every engine here skips it (tim and ripgrep skip hidden files; the
    // others list `*.txt`).
    fs::File::create(&done)?.write_all(count.to_string().as_bytes())?;
    Ok(dir)
}

/// The `.txt` files under `dir`, recursively, sorted by path.
pub fn list_txt_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "txt") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A corpus directory of the first `n` prepared files (all of them when `n` is 0 or at least
/// their count), made of hard links to the prepared files. Returns the directory and its files.
pub fn corpus_of(n: usize) -> Result<(PathBuf, Vec<PathBuf>)> {
    let all_dir = prepare_vietnews()?;
    let all = list_txt_files(&all_dir)?;
    if n == 0 || n >= all.len() {
        return Ok((all_dir, all));
    }
    let dir = data_dir().join(format!("vietnews-first-{n}"));
    let done = dir.join(".prepared");
    if !done.exists() {
        crate::measure::remove_if_exists(&dir)?;
        for src in &all[..n] {
            let dst = dir.join(src.strip_prefix(&all_dir)?);
            if let Some(parent) = dst.parent() {
                fs::create_dir_all(parent)?;
            }
            if fs::hard_link(src, &dst).is_err() {
                fs::copy(src, &dst)?;
            }
        }
        fs::write(&done, n.to_string())?;
    }
    let files = list_txt_files(&dir)?;
    Ok((dir, files))
}

/// Total size of `files` in bytes.
pub fn total_bytes(files: &[PathBuf]) -> Result<u64> {
    let mut total = 0;
    for f in files {
        total += fs::metadata(f)?.len();
    }
    Ok(total)
}

/// Replaces `path`'s content by writing a new file and renaming it over the old one, so a hard
/// link elsewhere (the full corpus) keeps the old content.
pub fn replace_file(path: &Path, content: &[u8]) -> Result<()> {
    let tmp = path.with_extension("txt.tmp-bench");
    fs::write(&tmp, content)?;
    fs::rename(&tmp, path)?;
    Ok(())
}

/// One query: the question, and whether it was stripped of its diacritics.
#[derive(Debug, Clone)]
pub struct Query {
    /// The query text.
    pub text: String,
    /// Whether the diacritics were removed (every second query).
    pub stripped: bool,
}

/// The first `n` ViQuAD 2.0 dev questions, every second one (odd ordinals) stripped of its
/// diacritics with [`timkiem::text::strip_diacritics`], as people type without accents.
pub fn viquad_queries(n: usize) -> Result<Vec<Query>> {
    let path = corpora_dir().join("viquad2-dev-answerable/beir/queries.jsonl.gz");
    let file = fs::File::open(&path)
        .map_err(|e| format!("cannot open {}: {e} (set TIMKIEM_CORPORA?)", path.display()))?;
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::with_capacity(n);
    for line in reader.lines() {
        if out.len() == n {
            break;
        }
        let value: serde_json::Value = serde_json::from_str(&line?)?;
        let text = value["text"].as_str().ok_or("query without text")?;
        let stripped = out.len() % 2 == 1;
        out.push(Query {
            text: if stripped {
                timkiem::text::strip_diacritics(text)
            } else {
                text.to_string()
            },
            stripped,
        });
    }
    Ok(out)
}
