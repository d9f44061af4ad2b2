//! The incremental indexer: corpus directory (or JSON Lines file) → committed tantivy index.
//!
//! One run:
//! 1. open (or create, or rebuild) the index and take its writer lock — a second writer is
//!    refused with [`Error::IndexLocked`];
//! 2. read the manifest (one `kind = f` document per indexed file: size, mtime, content hash);
//! 3. walk the corpus; a file whose size and mtime match its manifest entry is skipped without
//!    being read, unless it was modified within [`RECHECK_WINDOW_NS`] of the run that indexed
//!    it (a write in that window may not have changed the mtime), in which case its content
//!    hash decides; an unchanged one outside the window of this run gets a fresh manifest
//!    entry, so that it is not read again run after run;
//! 4. worker threads read, decode, split and analyse changed files; the writer thread deletes
//!    each file's old documents and adds the new ones, so a file's removal and re-addition
//!    always land in the same commit;
//! 5. files gone from the corpus lose their documents;
//! 6. checkpoint commits every [`IndexOptions::checkpoint_bytes`] or
//!    [`IndexOptions::checkpoint_secs`], so a killed cold build keeps most of its work; a final
//!    commit, then merges are waited for so segments do not pile up run after run. A run that
//!    changed nothing (not even a manifest entry) commits nothing: the index is left as it
//!    was found.
//!
//! Every commit of a directory run records its walk's [`WalkScope`] in tantivy's commit
//! payload (a run with another scope commits for that alone), so that a refresh
//! ([`IndexOptions::keep_recorded_scope`]) selects the files the index was built from.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hasher;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Term, TERMINATED};

use super::document::IndexDoc;

use super::html::{self, SourceLines};
use super::passage::{split_passages, title_span, PassageConfig};
use super::tokens::EncodedFields;
use super::walk::{
    rel_path_bytes, rel_path_key, walk, FoundFile, SkipReason, WalkEntry, WalkOptions, WalkScope,
};
use crate::error::{Error, Result};
use crate::index::{share_metadata, Index};
use crate::lines::{read_capped_line, skip_line, CappedLine};
use crate::schema::{sample_key, IndexFields, SchemaConfig, KIND_FILE, KIND_PASSAGE};
use crate::text::analyzer::{Analyzer, FieldKind};
use crate::text::decode::{decode, SourceEncoding};

/// Files modified this close (in nanoseconds) to the start of the run that indexed them are
/// re-checked by content even when size and mtime match.
pub const RECHECK_WINDOW_NS: i64 = 2_000_000_000;

/// Whether a file modified at `mtime_ns` is outside the re-check window of a run started at
/// `run_ns`: its size and mtime then prove it unchanged since that run read it.
fn settled(mtime_ns: i64, run_ns: i64) -> bool {
    (mtime_ns - run_ns).abs() > RECHECK_WINDOW_NS
}

/// How an indexing run behaves.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Which files of the corpus are indexed.
    pub walk: WalkOptions,
    /// Throw the existing index away first.
    pub rebuild: bool,
    /// Schema for a new or rebuilt index (`None`: the built-in default). An existing index
    /// keeps its own; giving a different one without `rebuild` is an error.
    pub schema: Option<SchemaConfig>,
    /// Threads that read, decode and analyse files.
    pub threads: usize,
    /// Commit after this many bytes of text read since the last commit.
    pub checkpoint_bytes: u64,
    /// Commit after this many seconds since the last commit.
    pub checkpoint_secs: u64,
    /// Memory budget of tantivy's writer, in bytes.
    pub writer_memory: usize,
    /// Set to `true` (from a Ctrl-C handler, say) to stop the run promptly: it then fails with
    /// [`Error::Interrupted`] and the index keeps its last commit.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Walk the corpus with the [`WalkScope`] the index recorded (that of the run that last
    /// committed it: hidden files, links, ignore files, globs, excludes) instead of `walk`'s,
    /// when it recorded one: what a refresh before a search wants, so that it never undoes how
    /// the index was built. Default `false`: `walk` says which files the index holds.
    pub keep_recorded_scope: bool,
}

impl IndexOptions {
    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    }
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            walk: WalkOptions::default(),
            rebuild: false,
            schema: None,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            checkpoint_bytes: 256 << 20,
            checkpoint_secs: 30,
            writer_memory: 256 << 20,
            cancel: None,
            keep_recorded_scope: false,
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// Files (or records) indexed, new or changed.
    pub indexed: u64,
    /// Files unchanged since the last run.
    pub unchanged: u64,
    /// Files whose documents were removed because they left the corpus.
    pub removed: u64,
    /// Files skipped, by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Files decoded from a legacy encoding or UTF-16.
    pub converted: u64,
    /// Files that were not valid text in any known encoding and were decoded lossily.
    pub lossy: u64,
    /// Passages added.
    pub passages: u64,
    /// Bytes of files read.
    pub bytes_read: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Commits made.
    pub commits: u64,
    /// The format of the index this run found and rebuilt, when an older timkiem had made
    /// it with the same settings (see [`Index::outdated_format`]).
    pub upgraded_from: Option<u32>,
}

impl Summary {
    /// Total files skipped.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
    }
}

/// Receives progress of an indexing run (the library never prints).
pub trait Progress {
    /// The walk is done: this many files, of this many bytes, will be read.
    fn start(&mut self, _files: u64, _bytes: u64) {}
    /// One more file was processed (read, or skipped after reading).
    fn advance(&mut self, _bytes: u64) {}
    /// A file was skipped or degraded; `reason` is short and human.
    fn warn(&mut self, _path: &Path, _reason: &str) {}
    /// The run is over.
    fn finish(&mut self, _summary: &Summary) {}
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// Keys of a JSON Lines corpus.
#[derive(Debug, Clone)]
pub struct JsonlKeys {
    /// Key of the record id (becomes the hit's path).
    pub id: String,
    /// Key of the title.
    pub title: String,
    /// Key of the text.
    pub text: String,
}

impl Default for JsonlKeys {
    fn default() -> Self {
        JsonlKeys {
            id: "_id".into(),
            title: "title".into(),
            text: "text".into(),
        }
    }
}

/// tantivy's writer, fed our own document type (no JSON round trip of the tokens).
type IndexWriter = tantivy::IndexWriter<IndexDoc>;

#[derive(Debug, Clone, Copy)]
struct ManifestEntry {
    size: u64,
    mtime_ns: i64,
    hash: u64,
    indexed_at: i64,
    /// Skipped as binary: while unchanged, it is counted and warned about unread.
    binary: bool,
}

/// Opens the index at `index_dir` for writing (creating or rebuilding it as the options say)
/// and returns it with its writer, and the old format when an index made by an older timkiem
/// was rebuilt. The writer holds the index lock.
fn open_for_writing(
    index_dir: &Path,
    opts: &IndexOptions,
) -> Result<(Index, IndexWriter, Option<u32>)> {
    let mut upgraded_from = None;
    let index = if opts.rebuild {
        match Index::open(index_dir) {
            Ok(old) => {
                // Take the lock before touching anything, then start from an empty index.
                let mut writer = take_writer(&old, opts)?;
                writer.delete_all_documents()?;
                writer.commit()?;
                share_metadata(index_dir);
                drop(writer);
                Index::replace_schema(index_dir, &opts.schema.clone().unwrap_or_default())?;
                Index::open(index_dir)?
            }
            Err(Error::IndexNotFound { .. }) | Err(Error::IndexUnusable { .. }) => {
                Index::destroy(index_dir)?;
                Index::create(index_dir, opts.schema.clone().unwrap_or_default())?
            }
            Err(e) => return Err(e),
        }
    } else {
        match Index::open(index_dir) {
            Ok(index) => {
                if let Some(wanted) = &opts.schema {
                    if wanted != index.config() {
                        return Err(Error::IndexUnusable {
                            path: index_dir.to_path_buf(),
                            message: "it was built with another schema; add --rebuild to rebuild it with the new one".into(),
                        });
                    }
                }
                index
            }
            Err(Error::IndexNotFound { .. }) => {
                Index::create(index_dir, opts.schema.clone().unwrap_or_default())?
            }
            Err(e @ Error::IndexUnusable { .. }) => {
                // An index an older timkiem made with the settings asked for now is derived
                // data in an old layout: rebuilt from the sources, nothing is lost. Anything
                // else (damage, a newer format, settings of its own) stays the user's call.
                let wanted = opts.schema.clone().unwrap_or_default();
                let Some(format) = Index::outdated_format(index_dir, &wanted) else {
                    return Err(e);
                };
                Index::destroy(index_dir)?;
                upgraded_from = Some(format);
                Index::create(index_dir, wanted)?
            }
            Err(e) => return Err(e),
        }
    };
    let writer = take_writer(&index, opts)?;
    Ok((index, writer, upgraded_from))
}

/// tantivy indexing threads (postings from our tokens). One was the build's bottleneck while
/// the analysis workers waited; a second is ~1.3× faster on 2 cores, a third no better. They
/// share the memory budget.
fn writer_threads(opts: &IndexOptions) -> usize {
    opts.threads.clamp(1, 2)
}

fn take_writer(index: &Index, opts: &IndexOptions) -> Result<IndexWriter> {
    let threads = writer_threads(opts);
    let memory = opts.writer_memory.max(threads * (15 << 20));
    let writer = index.encoded_tokens_writer(threads, memory)?;
    // A run killed inside a commit leaves files its `meta.json` never came to name, among them
    // delete files `<segment>.<opstamp>.del` of committed segments. This run starts from the
    // same opstamp, so its own commit can want the very same name, and tantivy refuses to
    // overwrite a file (`FileAlreadyExists`). tantivy only collects garbage after a commit:
    // collect it now, holding the lock, before anything is written.
    writer
        .garbage_collect_files()
        .wait()
        .map_err(|e| index.explain_damage(e.into()))?;
    // tantivy's stamper restarts at the last commit's opstamp, so the first operation of a
    // writer hands out that very opstamp again, and a delete stamped so is lost: a merge of
    // committed segments started before this writer's first commit advances their deletes
    // to that opstamp, skips (as already up to date) every segment whose delete file carries
    // it, yet gives the merged segment the delete cursor of its first segment, which has moved
    // past that delete. The documents it should have removed from the skipped segments live
    // on in the merged one: a file's old passages beside its new ones, or a removed file's
    // passages without its manifest entry. An empty batch takes that opstamp, so every
    // operation of this writer is stamped after the commit it starts from.
    writer.run(Vec::<tantivy::indexer::UserOperation<IndexDoc>>::new())?;
    Ok(writer)
}

/// Reads the manifest: every live `kind = f` document of the last commit.
///
/// Its values are read from the manifest fields' columns, its keys from the `path` term
/// dictionary (each path's postings hold its source's passages and its manifest document,
/// the one with a `file_size`). The stored documents are not read: manifest documents sit
/// among their files' passages, so reading them decompressed nearly every block of the store
/// (two thirds of a no-change run's time on 45,000 news articles).
fn read_manifest(index: &Index) -> Result<HashMap<String, ManifestEntry>> {
    let fields = index.fields();
    let reader = index.tantivy().reader()?;
    let searcher = reader.searcher();
    let schema = index.tantivy().schema();
    let mut manifest = HashMap::new();
    for segment in searcher.segment_readers() {
        let columns = segment.fast_fields();
        let u64_column = |field| columns.u64(schema.get_field_name(field));
        let i64_column = |field| columns.i64(schema.get_field_name(field));
        let size = u64_column(fields.file_size)?;
        let mtime = i64_column(fields.file_mtime)?;
        let hash = u64_column(fields.file_hash)?;
        let indexed_at = i64_column(fields.indexed_at)?;
        let binary = u64_column(fields.file_binary)?;
        let alive = segment.alive_bitset();
        let paths = segment.inverted_index(fields.path)?;
        let mut terms = paths
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while terms.advance() {
            // Keys are written from `String`s: a term that is not UTF-8 is no key.
            let Ok(key) = std::str::from_utf8(terms.key()) else {
                continue;
            };
            let mut postings = paths
                .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                // Of a source's documents, its manifest is the one with a size.
                let live = alive.is_none_or(|a| a.is_alive(doc));
                if let Some(file_size) = size.first(doc).filter(|_| live) {
                    let entry = ManifestEntry {
                        size: file_size,
                        mtime_ns: mtime.first(doc).unwrap_or(0),
                        hash: hash.first(doc).unwrap_or(0),
                        indexed_at: indexed_at.first(doc).unwrap_or(0),
                        binary: binary.first(doc) == Some(1),
                    };
                    manifest.insert(key.to_string(), entry);
                }
                doc = postings.advance();
            }
        }
    }
    Ok(manifest)
}

/// What a worker made of one file.
enum Processed {
    /// New documents for the file (passages then its manifest entry).
    Docs {
        key: String,
        /// Whether the last commit holds documents of this source (its manifest has it).
        replaces: bool,
        docs: Vec<IndexDoc>,
        passages: u64,
        bytes: u64,
        encoding: SourceEncoding,
    },
    /// The content is what the manifest already has.
    Unchanged {
        bytes: u64,
        /// A fresh manifest entry for a file re-checked only because it was written close to
        /// the run that indexed it, now settled: written, later runs skip it unread.
        refreshed: Option<(String, IndexDoc)>,
    },
    /// The file cannot be indexed; its old documents (if any) go.
    Skipped {
        key: String,
        path: PathBuf,
        reason: String,
        bytes: u64,
        keep_old: bool,
        /// A manifest entry without passages, so that an unchanged binary file is not read
        /// (nor warned about) again on the next run.
        remembered: Option<IndexDoc>,
    },
}

/// Everything a worker needs to turn a file into documents.
struct DocBuilder<'a> {
    fields: &'a IndexFields,
    analyzer: &'a Analyzer,
    passages: PassageConfig,
    run_started: i64,
    /// Files that grew past this since the walk are refused without being read whole.
    max_file_bytes: u64,
}

/// The text of one source, as passages are cut from it.
struct SourceText<'a> {
    text: &'a str,
    /// Its title, when the source gives one (else its first line is).
    title: Option<&'a str>,
    /// For an HTML page, the page's lines its text comes from.
    lines: Option<&'a SourceLines>,
}

impl DocBuilder<'_> {
    /// Builds the passage documents and the manifest document of one source.
    fn build(
        &self,
        key: &str,
        raw_path: Option<&[u8]>,
        record: bool,
        body: SourceText<'_>,
        manifest: ManifestEntry,
    ) -> Vec<IndexDoc> {
        let SourceText {
            text,
            title,
            lines: source_lines,
        } = body;
        let f = self.fields;
        let title = title.or_else(|| title_span(text).map(|(s, e)| &text[s..e]));
        // Analysed once per file, copied onto each of its passages.
        let title_tokens = title.map(|t| {
            let mut tokens = EncodedFields::for_text(t.len());
            self.analyzer.tokens_into(t, &mut tokens);
            tokens
        });
        let mut docs = Vec::new();
        for passage in split_passages(text, &self.passages) {
            let body = &text[passage.start..passage.end];
            let mut doc = IndexDoc::new();
            doc.add_text(f.kind, KIND_PASSAGE);
            self.add_source(&mut doc, key, raw_path, record);
            doc.add_u64(f.passage, u64::from(passage.ordinal));
            doc.add_u64(f.sample, sample_key(key, passage.ordinal));
            doc.add_u64(f.byte_start, passage.start as u64);
            doc.add_u64(f.byte_end, passage.end as u64);
            match source_lines {
                // An HTML page's lines are the page's, not its text's.
                Some(lines) => {
                    doc.add_u64(f.line, u64::from(lines.line_at(passage.start)));
                    let within = lines.within(passage.start, passage.end);
                    doc.add_bytes(f.source_lines, &within.encode());
                }
                None => doc.add_u64(f.line, u64::from(passage.line_start)),
            }
            doc.add_text(f.text, body);
            let mut tokens = EncodedFields::for_text(body.len());
            self.analyzer.tokens_into(body, &mut tokens);
            for field in FieldKind::ALL {
                doc.add_tokens(f.body_field(field), tokens.take(field));
            }
            if let Some(t) = &title_tokens {
                doc.add_tokens(f.title[0], t.get(FieldKind::Exact).to_string());
                doc.add_tokens(f.title[1], t.get(FieldKind::Folded).to_string());
            }
            docs.push(doc);
        }
        docs.push(self.manifest_doc(key, raw_path, record, manifest));
        docs
    }

    /// The manifest document of one source.
    fn manifest_doc(
        &self,
        key: &str,
        raw_path: Option<&[u8]>,
        record: bool,
        manifest: ManifestEntry,
    ) -> IndexDoc {
        let f = self.fields;
        let mut doc = IndexDoc::new();
        doc.add_text(f.kind, KIND_FILE);
        self.add_source(&mut doc, key, raw_path, record);
        doc.add_u64(f.file_size, manifest.size);
        doc.add_i64(f.file_mtime, manifest.mtime_ns);
        doc.add_u64(f.file_hash, manifest.hash);
        doc.add_i64(f.indexed_at, self.run_started);
        doc.add_u64(f.file_binary, u64::from(manifest.binary));
        // Never sampled (it holds no text), but a key on every document makes the column
        // dense: a key is then read without first finding the document's row.
        doc.add_u64(f.sample, sample_key(key, u32::MAX));
        doc
    }

    fn add_source(&self, doc: &mut IndexDoc, key: &str, raw_path: Option<&[u8]>, record: bool) {
        doc.add_text(self.fields.path, key);
        if let Some(raw) = raw_path {
            doc.add_bytes(self.fields.path_bytes, raw);
        }
        doc.add_u64(self.fields.record, u64::from(record));
    }

    fn process_file(&self, file: &FoundFile, old: Option<ManifestEntry>) -> Processed {
        let key = rel_path_key(&file.rel);
        let raw = rel_path_bytes(&file.rel);
        let raw_path = (std::str::from_utf8(&raw).is_err()).then_some(raw.as_slice());
        let skipped = |reason: String, bytes: u64, keep_old: bool| Processed::Skipped {
            key: key.clone(),
            path: file.rel.clone(),
            reason,
            bytes,
            keep_old,
            remembered: None,
        };
        let bytes = match read_file(&file.path, self.max_file_bytes) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                let limit = self.max_file_bytes;
                let why = format!("too large: grew past the limit of {limit} bytes after the walk");
                return skipped(why, 0, false);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return skipped("disappeared while indexing".into(), 0, false)
            }
            Err(e) => return skipped(format!("unreadable: {e}"), 0, true),
        };
        let len = bytes.len() as u64;
        let hash = content_hash(&bytes);
        if let Some(old) = old {
            // (A binary file is decoded again, to be skipped and counted as such.)
            if old.hash == hash && old.size == len && old.mtime_ns == file.mtime_ns && !old.binary {
                // Read only because it was written within the re-check window of the run
                // that indexed it (size and mtime matched). Without a new entry it would be
                // read again on every run, since a run without changes commits nothing; once
                // it is outside the window of this run too, this run's time is recorded.
                let refreshed = settled(file.mtime_ns, self.run_started).then(|| {
                    let entry = ManifestEntry {
                        indexed_at: self.run_started,
                        ..old
                    };
                    let doc = self.manifest_doc(&key, raw_path, false, entry);
                    (key.clone(), doc)
                });
                return Processed::Unchanged {
                    bytes: len,
                    refreshed,
                };
            }
        }
        let manifest = ManifestEntry {
            size: len,
            mtime_ns: file.mtime_ns,
            hash,
            indexed_at: self.run_started,
            binary: false,
        };
        let decoded = match decode(&bytes) {
            Ok(d) => d,
            Err(e) => {
                let (reason, binary) = match e {
                    Error::Binary => ("binary".to_string(), true),
                    other => (other.to_string(), false),
                };
                let manifest = ManifestEntry { binary, ..manifest };
                return Processed::Skipped {
                    key: key.clone(),
                    path: file.rel.clone(),
                    reason,
                    bytes: len,
                    keep_old: false,
                    remembered: Some(self.manifest_doc(&key, raw_path, false, manifest)),
                };
            }
        };
        drop(bytes);
        let (text, source_lines) = if html::is_html_path(&file.rel) {
            let (text, lines) = html::html_to_text_with_lines(&decoded.text);
            (text, Some(lines))
        } else if html::has_entities(&decoded.text) {
            (html::decode_entities(&decoded.text).into_owned(), None)
        } else {
            (decoded.text, None)
        };
        let body = SourceText {
            text: &text,
            title: None,
            lines: source_lines.as_ref(),
        };
        let docs = self.build(&key, raw_path, false, body, manifest);
        Processed::Docs {
            key,
            replaces: old.is_some(),
            passages: docs.len() as u64 - 1,
            docs,
            bytes: len,
            encoding: decoded.encoding,
        }
    }
}

/// Reads a whole file, or `None` if it holds more than `limit` bytes (never reading more
/// than one byte past the limit, however large the file has grown since the walk).
fn read_file(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let expected = file.metadata().map_or(0, |m| m.len()).min(limit);
    let mut bytes = Vec::with_capacity(expected as usize + 1);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// A fast hash of a file's bytes, to tell a real change from a touched mtime.
fn content_hash(bytes: &[u8]) -> u64 {
    // SipHash with fixed keys: stable for a given toolchain, which is pinned. Were it ever to
    // change, files would merely be re-indexed once.
    #[allow(deprecated)]
    let mut hasher = std::hash::SipHasher::new();
    hasher.write(bytes);
    hasher.finish()
}

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

/// What each commit of a directory run records in the index's metadata (tantivy's commit
/// payload, as JSON): the scope of the walk that found the files it holds, and the corpus
/// directory it walked.
#[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct CommitRecord {
    walk: Option<WalkScope>,
    /// The corpus directory, canonical (`None` when its path is not UTF-8).
    root: Option<PathBuf>,
}

/// What the last commit of the index at `index_dir` recorded, read from its `meta.json` as
/// it is on disk: before a run opens the index, which may rebuild it (an older format,
/// `--rebuild`) and lose it. An index built by a JSON Lines run, or by an older timkiem, has
/// none.
fn commit_record(index_dir: &Path) -> Option<CommitRecord> {
    let meta = std::fs::read(index_dir.join("meta.json")).ok()?;
    let meta: serde_json::Value = serde_json::from_slice(&meta).ok()?;
    serde_json::from_str(meta.get("payload")?.as_str()?).ok()
}

/// The corpus directory that the index at `index_dir` was last built from (canonical), if its
/// last commit recorded one: where the paths of its hits are found.
pub fn recorded_corpus_root(index_dir: &Path) -> Option<PathBuf> {
    commit_record(index_dir)?.root
}

/// Commits the writer when the checkpoint thresholds are reached.
struct Committer {
    /// The index directory, whose metadata each commit rewrites.
    index_dir: PathBuf,
    /// The payload of every commit (see [`CommitRecord`]).
    payload: Option<String>,
    /// Whether the writer holds operations (adds, deletes) not yet committed.
    pending: bool,
    since_bytes: u64,
    since: Instant,
    max_bytes: u64,
    max_secs: u64,
}

impl Committer {
    fn new(index: &Index, opts: &IndexOptions) -> Self {
        Committer {
            index_dir: index.dir().to_path_buf(),
            payload: None,
            pending: false,
            since_bytes: 0,
            since: Instant::now(),
            max_bytes: opts.checkpoint_bytes,
            max_secs: opts.checkpoint_secs,
        }
    }

    fn after_file(
        &mut self,
        writer: &mut IndexWriter,
        bytes: u64,
        summary: &mut Summary,
    ) -> Result<()> {
        self.since_bytes += bytes;
        if self.since_bytes >= self.max_bytes || self.since.elapsed().as_secs() >= self.max_secs {
            self.commit(writer, summary)?;
        }
        Ok(())
    }

    fn commit(&mut self, writer: &mut IndexWriter, summary: &mut Summary) -> Result<()> {
        super::fault::hit("before-commit");
        let mut prepared = writer.prepare_commit()?;
        if let Some(payload) = &self.payload {
            prepared.set_payload(payload);
        }
        super::fault::hit("mid-commit");
        prepared.commit()?;
        share_metadata(&self.index_dir);
        summary.commits += 1;
        self.pending = false;
        self.since_bytes = 0;
        self.since = Instant::now();
        Ok(())
    }
}

/// What every run starts with: its clocks, the index opened for writing (lock held), and the
/// manifest of what the last commit holds.
struct RunStart {
    started: Instant,
    run_started: i64,
    index: Index,
    writer: IndexWriter,
    manifest: HashMap<String, ManifestEntry>,
    /// The format of the older index rebuilt to open it, if one was.
    upgraded_from: Option<u32>,
}

impl RunStart {
    /// Opens the index for writing and reads its manifest while `alongside` runs on another
    /// thread (the walk of the corpus: system calls, where the manifest is decompression, so
    /// side by side they take the time of the longer one). The manifest's error wins.
    fn open<T: Send>(
        index_dir: &Path,
        opts: &IndexOptions,
        alongside: impl FnOnce(&Index) -> Result<T> + Send,
    ) -> Result<(RunStart, T)> {
        let started = Instant::now();
        let run_started = now_ns();
        let (index, writer, upgraded_from) = open_for_writing(index_dir, opts)?;
        let (manifest, other) = std::thread::scope(|scope| {
            let other = scope.spawn(|| alongside(&index));
            // The manifest is the first thing read from the segments' stored documents.
            let manifest = read_manifest(&index).map_err(|e| index.explain_damage(e));
            (manifest, other.join())
        });
        let manifest = manifest?;
        let other = other.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        let start = RunStart {
            started,
            run_started,
            index,
            writer,
            manifest,
            upgraded_from,
        };
        Ok((start, other))
    }
}

/// Builds or refreshes the index at `index_dir` from the files under `corpus`.
pub fn index_directory(
    corpus: &Path,
    index_dir: &Path,
    opts: &IndexOptions,
    progress: &mut dyn Progress,
) -> Result<Summary> {
    if !corpus.is_dir() {
        return Err(Error::io(
            corpus,
            std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory"),
        ));
    }
    let walk_options = |index: &Index, scope: &WalkScope| {
        let mut walk_opts = scope.applied_to(&opts.walk);
        walk_opts.max_file_bytes = walk_opts
            .max_file_bytes
            .min(index.config().files.max_file_bytes);
        walk_opts
            .excludes
            .extend(index.config().files.exclude.iter().cloned());
        if walk_opts.globs.is_empty() {
            walk_opts.globs = index.config().files.include.clone();
        }
        // The walker takes relative skip_dirs relative to the corpus root, while `index_dir`
        // is relative to the working directory: hand it over absolute.
        walk_opts
            .skip_dirs
            .push(std::path::absolute(index_dir).unwrap_or_else(|_| index_dir.to_path_buf()));
        walk_opts
    };
    // Read before the index is opened: opening may rebuild it, and the record with it.
    let previous = commit_record(index_dir).unwrap_or_default();
    let scope = match &previous.walk {
        Some(recorded) if opts.keep_recorded_scope => recorded.clone(),
        _ => WalkScope::of(&opts.walk),
    };
    let (
        RunStart {
            started,
            run_started,
            index,
            mut writer,
            manifest,
            upgraded_from,
        },
        (walk_opts, entries),
    ) = RunStart::open(index_dir, opts, |index| {
        let walk_opts = walk_options(index, &scope);
        let entries = walk(corpus, &walk_opts)?;
        Ok((walk_opts, entries))
    })?;
    let mut summary = Summary {
        upgraded_from,
        ..Summary::default()
    };
    super::fault::hit("after-walk");
    super::fault::vanish(corpus);

    let mut seen: HashSet<String> = HashSet::new();
    let mut todo: Vec<(FoundFile, Option<ManifestEntry>)> = Vec::new();
    for entry in entries {
        match entry {
            WalkEntry::File(file) => {
                let key = rel_path_key(&file.rel);
                let old = manifest.get(&key).copied();
                let unchanged = old.is_some_and(|old| {
                    old.size == file.size
                        && old.mtime_ns == file.mtime_ns
                        && settled(file.mtime_ns, old.indexed_at)
                });
                seen.insert(key);
                if unchanged && old.is_some_and(|old| old.binary) {
                    // Still binary: skipped as on the run that read it, without reading it.
                    summary.skip("binary");
                    progress.warn(&file.rel, "binary");
                } else if unchanged {
                    summary.unchanged += 1;
                } else {
                    todo.push((file, old));
                }
            }
            WalkEntry::Skipped { path, reason } => {
                let rel = path.strip_prefix(corpus).unwrap_or(&path).to_path_buf();
                // An unreadable file keeps what was indexed of it: nothing already indexed is
                // lost to a passing permission problem.
                if matches!(reason, SkipReason::Unreadable(_)) {
                    seen.insert(rel_path_key(&rel));
                }
                summary.skip(skip_label(&reason));
                progress.warn(&rel, &reason.to_string());
            }
        }
    }

    let total_bytes = todo.iter().map(|(f, _)| f.size).sum();
    progress.start(todo.len() as u64, total_bytes);
    let builder = DocBuilder {
        fields: index.fields(),
        analyzer: index.analyzer(),
        passages: index.config().passages,
        run_started,
        max_file_bytes: walk_opts.max_file_bytes,
    };
    let mut committer = Committer::new(&index, opts);
    let record = CommitRecord {
        walk: Some(scope.clone()),
        root: corpus
            .canonicalize()
            .ok()
            .filter(|root| root.to_str().is_some()),
    };
    committer.payload =
        Some(serde_json::to_string(&record).map_err(|e| Error::Invalid(e.to_string()))?);
    // A run whose record differs from the last commit's (another scope, a moved corpus), or
    // that rebuilt the index and its record with it, commits, if only to record it: else a
    // later refresh would keep the old one.
    committer.pending |= record != previous || upgraded_from.is_some() || opts.rebuild;
    let next = AtomicUsize::new(0);
    let threads = opts.threads.clamp(1, 16);
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = mpsc::sync_channel::<(usize, Processed)>(threads * 4);
        for _ in 0..threads {
            let tx = tx.clone();
            let (todo, next, builder) = (&todo, &next, &builder);
            scope.spawn(move || loop {
                if opts.cancelled() {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((file, old)) = todo.get(i) else {
                    break;
                };
                if tx.send((i, builder.process_file(file, *old))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let result = (|| -> Result<()> {
            for (_, processed) in rx.iter() {
                if opts.cancelled() {
                    return Err(Error::Interrupted);
                }
                apply(
                    &mut writer,
                    index.fields(),
                    processed,
                    &mut summary,
                    progress,
                    &mut committer,
                )?;
            }
            Ok(())
        })();
        if result.is_err() {
            // Stop the workers: they see the cursor past the end.
            next.store(usize::MAX / 2, Ordering::Relaxed);
        }
        result
    })?;

    let run = RunEnd {
        index: &index,
        manifest: &manifest,
        seen: &seen,
        started,
    };
    run.finish(writer, committer, summary, opts, progress)
}

/// The end of a run: sources gone from the corpus lose their documents, the last commit, and
/// merges waited for so segments do not pile up run after run.
struct RunEnd<'a> {
    index: &'a Index,
    manifest: &'a HashMap<String, ManifestEntry>,
    seen: &'a HashSet<String>,
    started: Instant,
}

impl RunEnd<'_> {
    fn finish(
        self,
        mut writer: IndexWriter,
        mut committer: Committer,
        mut summary: Summary,
        opts: &IndexOptions,
        progress: &mut dyn Progress,
    ) -> Result<Summary> {
        if opts.cancelled() {
            return Err(Error::Interrupted);
        }
        for key in self.manifest.keys() {
            if !self.seen.contains(key) {
                writer.delete_term(Term::from_field_text(self.index.fields().path, key));
                committer.pending = true;
                summary.removed += 1;
            }
        }
        // A commit of nothing would still rewrite `meta.json` (a new opstamp, an fsync): a
        // run that changed nothing leaves the index exactly as it found it.
        if committer.pending {
            committer.commit(&mut writer, &mut summary)?;
        }
        writer.wait_merging_threads()?;
        summary.seconds = self.started.elapsed().as_secs_f64();
        progress.finish(&summary);
        Ok(summary)
    }
}

fn apply(
    writer: &mut IndexWriter,
    fields: &IndexFields,
    processed: Processed,
    summary: &mut Summary,
    progress: &mut dyn Progress,
    committer: &mut Committer,
) -> Result<()> {
    match processed {
        Processed::Docs {
            key,
            replaces,
            docs,
            passages,
            bytes,
            encoding,
        } => {
            // A source the last commit does not hold has nothing to delete (its documents and
            // manifest entry always share a commit). Skipping the delete matters in a cold
            // build: tantivy runs every queued delete term against every new segment.
            if replaces {
                writer.delete_term(Term::from_field_text(fields.path, &key));
            }
            committer.pending = true;
            for doc in docs {
                add_document(writer, doc)?;
            }
            super::fault::hit("mid-batch");
            super::fault::delay();
            summary.indexed += 1;
            summary.passages += passages;
            summary.bytes_read += bytes;
            match encoding {
                SourceEncoding::Utf8 => {}
                SourceEncoding::Utf8Lossy => summary.lossy += 1,
                _ => summary.converted += 1,
            }
            progress.advance(bytes);
            committer.after_file(writer, bytes, summary)?;
        }
        Processed::Unchanged { bytes, refreshed } => {
            if let Some((key, doc)) = refreshed {
                // The file's manifest entry only: its passages stay as they are.
                writer.delete_query(manifest_entry(fields, &key))?;
                add_document(writer, doc)?;
                committer.pending = true;
            }
            summary.unchanged += 1;
            summary.bytes_read += bytes;
            progress.advance(bytes);
        }
        Processed::Skipped {
            key,
            path,
            reason,
            bytes,
            keep_old,
            remembered,
        } => {
            if !keep_old {
                writer.delete_term(Term::from_field_text(fields.path, &key));
                committer.pending = true;
            }
            if let Some(doc) = remembered {
                add_document(writer, doc)?;
                committer.pending = true;
            }
            summary.bytes_read += bytes;
            summary.skip(reason.split(':').next().unwrap_or("other"));
            progress.warn(&path, &reason);
            progress.advance(bytes);
        }
    }
    Ok(())
}

/// Hands `doc` to tantivy's indexing threads. When one of them has failed, tantivy only says
/// that "an index writer was killed"; the cause (a full disk, say) is what the thread
/// returned, which joining the threads gives back: that is the error reported. Nothing is
/// committed either way, the index keeps its last commit.
fn add_document(writer: &mut IndexWriter, doc: IndexDoc) -> Result<()> {
    match writer.add_document(doc) {
        Ok(_) => Ok(()),
        Err(killed @ tantivy::TantivyError::ErrorInThread(_)) => {
            Err(match writer.prepare_commit() {
                Err(cause) => cause.into(),
                Ok(_) => killed.into(),
            })
        }
        Err(other) => Err(other.into()),
    }
}

/// The manifest document of the source `key` (and not its passages).
fn manifest_entry(fields: &IndexFields, key: &str) -> Box<dyn Query> {
    let must = |term: Term| -> (Occur, Box<dyn Query>) {
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        (Occur::Must, Box::new(query))
    };
    Box::new(BooleanQuery::new(vec![
        must(Term::from_field_text(fields.kind, KIND_FILE)),
        must(Term::from_field_text(fields.path, key)),
    ]))
}

fn skip_label(reason: &SkipReason) -> &'static str {
    match reason {
        SkipReason::TooLarge { .. } => "too large",
        SkipReason::NotRegularFile => "not a regular file",
        SkipReason::SymlinkLoop => "symlink loop",
        SkipReason::OutsideRoot => "outside the corpus",
        SkipReason::Unreadable(_) => "unreadable",
    }
}

/// Builds or refreshes the index at `index_dir` from a JSON Lines file (`.gz` read directly):
/// one document per line, its id the hit's path.
pub fn index_jsonl(
    jsonl: &Path,
    keys: &JsonlKeys,
    index_dir: &Path,
    opts: &IndexOptions,
    progress: &mut dyn Progress,
) -> Result<Summary> {
    // Opened before the index, so that a missing or unreadable file leaves no empty index
    // behind (`FILE.tim/` beside a FILE that does not exist).
    let file = std::fs::File::open(jsonl).map_err(|e| Error::io(jsonl, e))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(Error::io(
            jsonl,
            std::io::Error::new(std::io::ErrorKind::IsADirectory, "a directory, not a file"),
        ));
    }
    let (
        RunStart {
            started,
            run_started,
            index,
            mut writer,
            manifest,
            upgraded_from,
        },
        (),
    ) = RunStart::open(index_dir, opts, |_| Ok(()))?;
    let mut summary = Summary {
        upgraded_from,
        ..Summary::default()
    };
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader: Box<dyn BufRead> = if jsonl.extension().is_some_and(|e| e == "gz") {
        Box::new(std::io::BufReader::new(flate2::read::MultiGzDecoder::new(
            file,
        )))
    } else {
        Box::new(std::io::BufReader::new(file))
    };
    progress.start(0, total);
    let builder = DocBuilder {
        fields: index.fields(),
        analyzer: index.analyzer(),
        passages: index.config().passages,
        run_started,
        max_file_bytes: index.config().files.max_file_bytes,
    };
    let mut committer = Committer::new(&index, opts);
    let mut seen = HashSet::new();
    let max_record = usize::try_from(index.config().files.max_file_bytes).unwrap_or(usize::MAX);
    let mut buf = Vec::new();
    for n in 0.. {
        if opts.cancelled() {
            return Err(Error::Interrupted);
        }
        // A record longer than the file size limit is skipped without being held whole.
        let status =
            read_capped_line(&mut reader, max_record, &mut buf).map_err(|e| Error::io(jsonl, e))?;
        let where_ = PathBuf::from(format!("{}:{}", jsonl.display(), n + 1));
        let line = match status {
            None => break,
            Some(CappedLine::TooLong) => {
                skip_line(&mut reader).map_err(|e| Error::io(jsonl, e))?;
                summary.skip("too large");
                let why = format!("too large: a record longer than {max_record} bytes");
                progress.warn(&where_, &why);
                continue;
            }
            Some(CappedLine::Complete) => match std::str::from_utf8(&buf) {
                // A byte-order mark opening the file is no part of its first record.
                Ok(line) if n == 0 => line.strip_prefix('\u{feff}').unwrap_or(line),
                Ok(line) => line,
                Err(_) => {
                    summary.skip("bad record");
                    progress.warn(&where_, "not valid UTF-8");
                    continue;
                }
            },
        };
        if line.trim().is_empty() {
            continue;
        }
        let record: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                summary.skip("bad record");
                progress.warn(&where_, &format!("not a JSON object: {e}"));
                continue;
            }
        };
        if !record.is_object() {
            summary.skip("bad record");
            progress.warn(&where_, "not a JSON object");
            continue;
        }
        let field = |k: &str| match record.get(k) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let Some(id) = field(&keys.id) else {
            summary.skip("bad record");
            let why = match record.get(&keys.id) {
                Some(_) => "is neither a string nor a number",
                None => "is missing",
            };
            progress.warn(&where_, &format!("its `{}` key {why}", keys.id));
            continue;
        };
        let text = field(&keys.text).unwrap_or_default();
        let title = field(&keys.title).filter(|t| !t.trim().is_empty());
        let hash = content_hash(line.as_bytes());
        let bytes = line.len() as u64;
        summary.bytes_read += bytes;
        if !seen.insert(id.clone()) {
            summary.skip("duplicate id");
            progress.warn(&where_, &format!("duplicate id {id:?}"));
            continue;
        }
        if manifest.get(&id).is_some_and(|old| old.hash == hash) {
            summary.unchanged += 1;
            progress.advance(bytes);
            continue;
        }
        // A record's title is searchable in the title fields and in the body, as a file's
        // first line is.
        let body = match &title {
            Some(t) => format!("{t}\n\n{text}"),
            None => text,
        };
        let entry = ManifestEntry {
            size: bytes,
            mtime_ns: 0,
            hash,
            indexed_at: run_started,
            binary: false,
        };
        let docs = builder.build(
            &id,
            None,
            true,
            SourceText {
                text: &body,
                title: Some(title.as_deref().unwrap_or("")),
                lines: None,
            },
            entry,
        );
        let processed = Processed::Docs {
            replaces: manifest.contains_key(&id),
            key: id,
            passages: docs.len() as u64 - 1,
            docs,
            bytes,
            encoding: SourceEncoding::Utf8,
        };
        apply(
            &mut writer,
            index.fields(),
            processed,
            &mut summary,
            progress,
            &mut committer,
        )?;
    }
    let run = RunEnd {
        index: &index,
        manifest: &manifest,
        seen: &seen,
        started,
    };
    run.finish(writer, committer, summary, opts, progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::Count;
    use tantivy::query::TermQuery;

    fn doc(fields: &IndexFields, key: &str) -> IndexDoc {
        let mut doc = IndexDoc::new();
        doc.add_text(fields.kind, KIND_PASSAGE);
        doc.add_text(fields.path, key);
        doc
    }

    fn live_docs(index: &Index, key: &str) -> usize {
        let reader = index.tantivy().reader().unwrap();
        let query = TermQuery::new(
            Term::from_field_text(index.fields().path, key),
            IndexRecordOption::Basic,
        );
        reader.searcher().search(&query, &Count).unwrap()
    }

    /// A delete that is a writer's first operation is applied, even by a merge of committed
    /// segments started before that writer's first commit. tantivy stamps such a delete with
    /// the last commit's opstamp; the merge skipped it for every segment whose delete file
    /// carries that opstamp, and kept the cursor of its first segment, already past it: the
    /// deleted documents came back in the merged segment (`take_writer` now uses that opstamp
    /// up before anything is written).
    #[test]
    fn a_writers_first_delete_survives_a_merge_begun_before_its_first_commit() {
        let dir = tempfile::tempdir().unwrap();
        let index = Index::create(dir.path(), SchemaConfig::default()).unwrap();
        let fields = index.fields().clone();
        {
            // Nine committed segments, merges off: the largest (first in a merge) without
            // deletes, and the last commit deleting from the one that holds "victim", so that
            // its delete file carries the last commit's opstamp.
            let mut writer: IndexWriter = index.encoded_tokens_writer(1, 15 << 20).unwrap();
            writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
            for _ in 0..20 {
                writer.add_document(doc(&fields, "large")).unwrap();
            }
            writer.commit().unwrap();
            for key in ["victim", "other", "keeper"] {
                writer.add_document(doc(&fields, key)).unwrap();
            }
            writer.commit().unwrap();
            for i in 0..7 {
                writer.add_document(doc(&fields, &format!("f{i}"))).unwrap();
                writer.commit().unwrap();
            }
            writer.delete_term(Term::from_field_text(fields.path, "other"));
            writer.commit().unwrap();
        }
        assert_eq!(live_docs(&index, "victim"), 1);
        assert_eq!(index.tantivy().searchable_segment_ids().unwrap().len(), 9);

        // A run: the delete comes first; the new segment its commit adds makes tantivy
        // consider merging the nine committed ones, with the last commit's opstamp as target.
        let opts = IndexOptions {
            threads: 2,
            writer_memory: 30 << 20,
            ..IndexOptions::default()
        };
        let mut writer = take_writer(&index, &opts).unwrap();
        writer.delete_term(Term::from_field_text(fields.path, "victim"));
        writer.add_document(doc(&fields, "new")).unwrap();
        writer.commit().unwrap();
        writer.wait_merging_threads().unwrap();

        assert!(
            index.tantivy().searchable_segment_ids().unwrap().len() < 9,
            "the committed segments were merged"
        );
        assert_eq!(
            live_docs(&index, "victim"),
            0,
            "the deleted document came back"
        );
        assert_eq!(live_docs(&index, "new"), 1);
    }
}
