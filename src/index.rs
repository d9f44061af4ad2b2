//! An index on disk: a tantivy index plus the schema it was built with.
//!
//! Layout of an index directory (by default `CORPUS/.tim/`):
//!
//! - tantivy's files (`meta.json`, segment files, its own lock files);
//! - `timkiem.toml`: the [`SchemaConfig`] the index was built with. It wins over any other
//!   schema, so queries are always analysed the way the index was built.
//!
//! Passages and the per-file manifest are tantivy documents of the same index, so they are
//! committed together, atomically: a killed process leaves the last commit intact.

use std::path::{Path, PathBuf};

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle,
    WritePtr, INDEX_WRITER_LOCK,
};
use tantivy::schema::Value;
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{IndexSettings, TantivyDocument};

use crate::error::{Error, Result};
use crate::ingest::tokens::EncodedTokenizer;
use crate::schema::{IndexFields, SchemaConfig, FORMAT_VERSION, KIND_FILE, KIND_PASSAGE};
use crate::text::analyzer::{Analyzer, FieldKind};
use crate::text::tokenizers::register_tokenizers;

/// Name of the schema file inside an index directory.
pub const SCHEMA_FILE: &str = "timkiem.toml";

/// An open timkiem index.
#[derive(Clone)]
pub struct Index {
    dir: PathBuf,
    tantivy: tantivy::Index,
    fields: IndexFields,
    config: SchemaConfig,
    analyzer: Analyzer,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index").field("dir", &self.dir).finish()
    }
}

/// What an index holds, for `tim info`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndexInfo {
    /// The index directory.
    pub dir: PathBuf,
    /// Indexed files (or JSON Lines records).
    pub files: u64,
    /// Files skipped as binary, which the index remembers so as not to read them again while
    /// they are unchanged (not among `files`).
    pub binary_files: u64,
    /// Indexed passages.
    pub passages: u64,
    /// Size of the index on disk, in bytes.
    pub bytes_on_disk: u64,
    /// Number of tantivy segments.
    pub segments: usize,
    /// The schema's format version.
    pub format: u32,
    /// When the last commit was written (seconds since the Unix epoch), if known.
    pub last_commit_unix: Option<u64>,
    /// The schema the index was built with (stored in it as [`SCHEMA_FILE`]).
    pub schema: SchemaConfig,
}

impl Index {
    /// Opens an existing index.
    ///
    /// Fails with [`Error::IndexNotFound`] when `dir` holds no index, and with
    /// [`Error::IndexUnusable`] (whose message says to rebuild) when it was made by an
    /// incompatible version, lost its schema, or is damaged.
    pub fn open(dir: &Path) -> Result<Index> {
        if !dir.join("meta.json").is_file() {
            return Err(Error::IndexNotFound {
                path: dir.to_path_buf(),
            });
        }
        if !looks_like_index(dir) {
            return Err(not_an_index(dir));
        }
        let unusable = |message: String| Error::IndexUnusable {
            path: dir.to_path_buf(),
            message: format!("{message}; rebuild it with `tim index --rebuild`"),
        };
        let schema_path = dir.join(SCHEMA_FILE);
        let schema_text = std::fs::read_to_string(&schema_path)
            .map_err(|e| unusable(format!("cannot read its schema {SCHEMA_FILE}: {e}")))?;
        if let Some(format) = stored_format(&schema_text).filter(|&f| f > FORMAT_VERSION) {
            // Rebuilding would throw away what a newer timkiem made: say which to use.
            return Err(Error::IndexUnusable {
                path: dir.to_path_buf(),
                message: format!(
                    "a newer timkiem made it (index format {format}; this one reads format \
                     {FORMAT_VERSION}): search it with that version, or rebuild it with this one \
                     (`tim index --rebuild`)"
                ),
            });
        }
        let config = SchemaConfig::parse(&schema_text, &schema_path.display().to_string())
            .map_err(|e| unusable(e.to_string()))?;
        let tantivy = MmapDirectory::open(dir)
            .map_err(tantivy::TantivyError::from)
            .and_then(|directory| {
                tantivy::Index::open(ReadableDirectory {
                    inner: directory,
                    root: dir.to_path_buf(),
                })
            })
            .map_err(|e| Index::damaged_error(dir, e))?;
        let fields = IndexFields::from_schema(&tantivy.schema()).map_err(unusable)?;
        // Open every segment once (tantivy checks each file's footer), so that a truncated or
        // missing file is reported here, as damage, rather than later as a failed search.
        tantivy
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map(|_: tantivy::IndexReader| ())
            .map_err(|e| Index::damaged_error(dir, e))?;
        Ok(Index::assemble(dir, tantivy, fields, config))
    }

    /// The format of the index at `dir` when an older timkiem made it with the schema `wanted`
    /// (all settings equal, only the format older): such an index can be rebuilt from its
    /// sources without losing anything the user chose. A setting its schema lacks, added to
    /// timkiem since, counts as the one wanted: nobody chose another. `None` for any other
    /// index, among them one of a newer format or with settings of its own.
    pub fn outdated_format(dir: &Path, wanted: &SchemaConfig) -> Option<u32> {
        let text = std::fs::read_to_string(dir.join(SCHEMA_FILE)).ok()?;
        let mut stored: toml::Table = toml::from_str(&text).ok()?;
        let format = format_of(&stored)?;
        if format >= FORMAT_VERSION {
            return None;
        }
        let wanted_table: toml::Table = toml::from_str(&wanted.to_toml()).ok()?;
        fill_missing(&mut stored, &wanted_table);
        stored.insert(
            "format".into(),
            toml::Value::from(i64::from(FORMAT_VERSION)),
        );
        let upgraded =
            SchemaConfig::parse(&toml::to_string(&stored).ok()?, "stored schema").ok()?;
        (upgraded == *wanted).then_some(format)
    }

    /// The error for a failure of tantivy to read the index at `dir`: the index is damaged,
    /// and the message says how to recover. Lock failures are reported as
    /// [`Error::IndexLocked`]; anything else that tantivy reports while reading an index
    /// (missing or truncated files, corrupt data) is taken as damage.
    pub fn damaged_error(dir: &Path, err: tantivy::TantivyError) -> Error {
        match err {
            tantivy::TantivyError::LockFailure(err, _) => lock_error(dir, err),
            err => Error::IndexUnusable {
                path: dir.to_path_buf(),
                message: format!("it is damaged ({err}); rebuild it with `tim index --rebuild`"),
            },
        }
    }

    /// Like [`Index::damaged_error`] for an error of the library: its tantivy errors become
    /// [`Error::IndexUnusable`], the others are returned as they are.
    pub fn explain_damage(&self, err: Error) -> Error {
        match err {
            Error::Tantivy(e) => Index::damaged_error(&self.dir, e),
            other => other,
        }
    }

    /// Creates a new, empty index in `dir` (created if missing) with `config`.
    ///
    /// On Unix, missing directories are created with mode `0o755` masked by the umask: the
    /// index is never world-writable, even under `umask 000`.
    pub fn create(dir: &Path, config: SchemaConfig) -> Result<Index> {
        create_dir(dir)?;
        write_atomically(&dir.join(SCHEMA_FILE), config.to_toml().as_bytes())?;
        let fields = IndexFields::build();
        let settings = IndexSettings {
            // zstd level 1, not the default 3, whose slower match finder is set up and run for
            // every 16 KiB block. On vietnews (149.6 MB), four interleaved cold builds took
            // 25.3–27.6 s of CPU against 26.7–28.8 s (−6.6% on average, lower in every pair),
            // for a store of 66.9 MB instead of 63.0 MB (index 1.43× → 1.45× the input).
            // Reading a hit's passage costs the same. An index keeps the level it was made
            // with (tantivy stores it in `meta.json`).
            docstore_compression: Compressor::Zstd(ZstdCompressor {
                compression_level: Some(1),
            }),
            // A hit's passage is read by decompressing its whole block. On vietnews (149.6 MB,
            // `latency --queries 300`), 64 KiB → 16 KiB blocks took ~0.6 ms off a question's
            // 10 hits for 6 MB more store (54 → 60 MB); 8 KiB gained nothing more for 4 MB.
            // A no-change re-index, which decompresses the whole store to read the manifest,
            // went from 0.45 to 0.6 s (more, smaller blocks).
            docstore_blocksize: 16 * 1024,
            ..IndexSettings::default()
        };
        let tantivy = tantivy::Index::builder()
            .schema(fields.schema.clone())
            .settings(settings)
            .create_in_dir(dir)?;
        share_metadata(dir);
        Ok(Index::assemble(dir, tantivy, fields, config))
    }

    /// Replaces the schema stored in the index at `dir` (only after all its documents were
    /// deleted: the schema must describe every document of the index).
    pub(crate) fn replace_schema(dir: &Path, config: &SchemaConfig) -> Result<()> {
        write_atomically(&dir.join(SCHEMA_FILE), config.to_toml().as_bytes())
    }

    /// Deletes the index in `dir` entirely (used by `--rebuild` when the old index cannot even
    /// be opened). Only files that belong to an index are removed, and only while this process
    /// holds the index's writer lock: a writer still running on it gets
    /// [`Error::IndexLocked`] instead of having its files deleted under it.
    ///
    /// A directory that holds a `meta.json` but nothing else of an index (another program's
    /// file) is refused: nothing in it is deleted.
    pub fn destroy(dir: &Path) -> Result<()> {
        if !dir.exists() {
            return Ok(());
        }
        if dir.join("meta.json").exists() && !looks_like_index(dir) {
            return Err(not_an_index(dir));
        }
        let directory =
            MmapDirectory::open(dir).map_err(|e| Error::io(dir, std::io::Error::other(e)))?;
        let _lock = wait_for_writer_lock(|| {
            directory
                .acquire_lock(&INDEX_WRITER_LOCK)
                .map_err(|e| lock_error(dir, e))
        })?;
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(dir, e))?;
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // Only names an index gives its files: `--index` may point at a directory that
            // holds the user's own `notes.tmp` or `book.idx`, which a rebuild must not touch.
            let ours = name == SCHEMA_FILE
                || name == "meta.json"
                || name == ".managed.json"
                // The lock files stay: one of them is held right now.
                || (name.starts_with(".tantivy") && !name.ends_with(".lock"))
                || is_segment_file(&name)
                || is_temporary_file(&name);
            if ours && path.is_file() {
                std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            }
        }
        Ok(())
    }

    fn assemble(
        dir: &Path,
        tantivy: tantivy::Index,
        fields: IndexFields,
        config: SchemaConfig,
    ) -> Index {
        let analyzer = config.analyzer();
        register_tokenizers(&tantivy, &analyzer);
        Index {
            dir: dir.to_path_buf(),
            tantivy,
            fields,
            config,
            analyzer,
        }
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The schema the index was built with.
    pub fn config(&self) -> &SchemaConfig {
        &self.config
    }

    /// The analyzer of this index's schema.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// The tantivy field handles.
    pub fn fields(&self) -> &IndexFields {
        &self.fields
    }

    /// The underlying tantivy index.
    pub fn tantivy(&self) -> &tantivy::Index {
        &self.tantivy
    }

    /// Opens tantivy's writer on this index: `threads` indexing threads sharing `memory`
    /// bytes. Holds the index's writer lock until dropped; another writer holding it is
    /// [`Error::IndexLocked`], reported after waiting up to a quarter of a second (a child
    /// process spawned by another thread holds the lock file between its fork and exec).
    pub fn writer<D: tantivy::Document>(
        &self,
        threads: usize,
        memory: usize,
    ) -> Result<tantivy::IndexWriter<D>> {
        self.writer_on(&self.tantivy, threads, memory)
    }

    /// Like [`Index::writer`], for documents whose analysed fields hold tokens encoded by
    /// `ingest::tokens` (the indexer's): the writer works on a copy of the index whose
    /// analysis tokenizers decode them. This index, and every searcher of it, keeps the real
    /// analysis under those names.
    pub(crate) fn encoded_tokens_writer<D: tantivy::Document>(
        &self,
        threads: usize,
        memory: usize,
    ) -> Result<tantivy::IndexWriter<D>> {
        let tokenizers = tantivy::tokenizer::TokenizerManager::default();
        for field in FieldKind::ALL {
            tokenizers.register(field.tokenizer_name(), EncodedTokenizer::default());
        }
        let mut tantivy = self.tantivy.clone();
        tantivy.set_tokenizers(tokenizers);
        self.writer_on(&tantivy, threads, memory)
    }

    fn writer_on<D: tantivy::Document>(
        &self,
        tantivy: &tantivy::Index,
        threads: usize,
        memory: usize,
    ) -> Result<tantivy::IndexWriter<D>> {
        wait_for_writer_lock(|| {
            tantivy
                .writer_with_num_threads(threads, memory)
                .map_err(|e| match e {
                    tantivy::TantivyError::LockFailure(err, _) => lock_error(&self.dir, err),
                    other => Error::from(other),
                })
        })
    }

    /// Counts what the index holds.
    pub fn info(&self) -> Result<IndexInfo> {
        let reader = self.tantivy.reader()?;
        let searcher = reader.searcher();
        let count = |term: tantivy::Term| -> Result<u64> {
            let query =
                tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
            Ok(searcher.search(&query, &tantivy::collector::Count)? as u64)
        };
        let kind = |kind: &str| tantivy::Term::from_field_text(self.fields.kind, kind);
        let binary_files = count(tantivy::Term::from_field_u64(self.fields.file_binary, 1))?;
        let bytes_on_disk = std::fs::read_dir(&self.dir)
            .map_err(|e| Error::io(&self.dir, e))?
            .filter_map(|e| e.ok()?.metadata().ok())
            .filter(|m| m.is_file())
            .map(|m| m.len())
            .sum();
        let last_commit_unix = std::fs::metadata(self.dir.join("meta.json"))
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs());
        Ok(IndexInfo {
            dir: self.dir.clone(),
            files: count(kind(KIND_FILE))?.saturating_sub(binary_files),
            binary_files,
            passages: count(kind(KIND_PASSAGE))?,
            bytes_on_disk,
            segments: searcher.segment_readers().len(),
            format: self.config.format,
            last_commit_unix,
            schema: self.config.clone(),
        })
    }
}

/// The `format` a stored schema declares, if it can be read at all.
fn stored_format(schema_text: &str) -> Option<u32> {
    format_of(&toml::from_str(schema_text).ok()?)
}

/// The `format` of a stored schema's table.
fn format_of(stored: &toml::Table) -> Option<u32> {
    u32::try_from(stored.get("format")?.as_integer()?).ok()
}

/// Whether `dir` holds a timkiem index (perhaps a damaged one) rather than only a file named
/// `meta.json` that some other program wrote: its schema, tantivy's list of managed files, or
/// a segment file.
fn looks_like_index(dir: &Path) -> bool {
    if dir.join(SCHEMA_FILE).exists() || dir.join(".managed.json").exists() {
        return true;
    }
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .filter_map(|e| e.ok())
            .any(|e| is_segment_file(&e.file_name().to_string_lossy()))
    })
}

/// Copies into `table` every key of `defaults` it lacks, section by section.
fn fill_missing(table: &mut toml::Table, defaults: &toml::Table) {
    for (key, default) in defaults {
        match (table.get_mut(key), default) {
            (None, _) => {
                table.insert(key.clone(), default.clone());
            }
            (Some(toml::Value::Table(section)), toml::Value::Table(defaults)) => {
                fill_missing(section, defaults);
            }
            (Some(_), _) => {}
        }
    }
}

/// The error for a directory with a `meta.json` that is not an index's: a rebuild would
/// delete another program's file, so the message does not suggest one.
fn not_an_index(dir: &Path) -> Error {
    Error::IndexUnusable {
        path: dir.to_path_buf(),
        message: "its meta.json does not belong to a timkiem index; choose another index directory"
            .into(),
    }
}

/// Whether `name` is a tantivy segment file: 32 lowercase hex digits (the segment id), then
/// `.idx`, `.pos`, `.term`, `.store`, `.store.temp`, `.fast`, `.fieldnorm` or `.N.del`.
fn is_segment_file(name: &str) -> bool {
    let Some((id, component)) = name.split_at_checked(32) else {
        return false;
    };
    let Some(component) = component.strip_prefix('.') else {
        return false;
    };
    let known = matches!(
        component,
        "idx" | "pos" | "term" | "store" | "store.temp" | "fast" | "fieldnorm"
    ) || component
        .strip_suffix(".del")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    known && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether `name` is a temporary file left by an atomic write that was killed (ours and
/// tantivy's use `tempfile`'s names: `.tmp` and six letters or digits).
fn is_temporary_file(name: &str) -> bool {
    name.strip_prefix(".tmp")
        .is_some_and(|rest| rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The error for a lock of the index at `dir` that could not be taken: held by another
/// process ([`Error::IndexLocked`]), or its file could not be opened (a directory this user
/// may not write), which is an I/O error, not another writer.
fn lock_error(dir: &Path, err: LockError) -> Error {
    match err {
        LockError::LockBusy => Error::IndexLocked {
            path: dir.to_path_buf(),
        },
        LockError::IoError(io) => Error::io(dir, std::io::Error::new(io.kind(), io.to_string())),
    }
}

/// tantivy's [`MmapDirectory`], searchable without write access to the index directory.
///
/// Each time a reader opens the segments, tantivy takes the lock `.tantivy-meta.lock` (so
/// that a writer's garbage collection does not delete them meanwhile) on the file opened for
/// writing, created if missing. A user who may read the index but not write its directory (an
/// index shared read-only, a read-only mount) could not search at all. When that file cannot
/// be opened for writing, this directory takes the lock shared on the file opened for reading,
/// which a writer's garbage collection still waits for; when the file does not exist either,
/// without a lock: no writer has collected garbage there yet, and one starting during the open
/// makes at worst that search fail as a damaged index would, never the index damaged.
#[derive(Debug, Clone)]
struct ReadableDirectory {
    inner: MmapDirectory,
    root: PathBuf,
}

impl ReadableDirectory {
    fn read_only_lock(&self, lock: &Lock) -> Option<DirectoryLock> {
        let path = self.root.join(&lock.filepath);
        match std::fs::File::open(&path) {
            Ok(file) => {
                file.lock_shared().ok()?;
                Some(DirectoryLock::from(Box::new(file)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Some(DirectoryLock::from(Box::new(())))
            }
            Err(_) => None,
        }
    }
}

impl Directory for ReadableDirectory {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> Result<std::sync::Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            // Only the readers' lock (the blocking one) falls back; the writer's lock stays an
            // error, since a writer could not write the index anyway.
            Err(LockError::IoError(io))
                if lock.is_blocking
                    && matches!(
                        io.kind(),
                        std::io::ErrorKind::PermissionDenied
                            | std::io::ErrorKind::ReadOnlyFilesystem
                    ) =>
            {
                self.read_only_lock(lock).ok_or(LockError::IoError(io))
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

/// Creates `dir` and its missing parents, never world-writable (see [`Index::create`]).
fn create_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o755);
    builder.create(dir).map_err(|e| {
        if dir.exists() && !dir.is_dir() {
            // `File exists` would not say what is wrong with it.
            let e = std::io::Error::other("it is a file, not a directory");
            return Error::io(dir, e);
        }
        Error::io(dir, e)
    })
}

/// Writes a file so that readers see either the old or the new content, never a mix.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    // Readable by whoever may read the index (a temporary file is private by default), and,
    // whatever the umask, writable by its owner only.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Makes tantivy's metadata files (`meta.json`, `.managed.json`) readable by whoever may read
/// the index, like the rest of it: tantivy writes them through private temporary files, so
/// after every commit they are `0600`, and another user allowed into the directory could
/// read every segment but not open the index. Best effort: the commit has already succeeded,
/// and a file this user cannot change (not the owner) is left as it is.
pub(crate) fn share_metadata(dir: &Path) {
    #[cfg(unix)]
    for name in ["meta.json", ".managed.json"] {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        if let Ok(meta) = std::fs::metadata(&path) {
            if meta.permissions().mode() & 0o777 != 0o644 {
                let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Reads a stored text field of a document.
pub(crate) fn stored_str(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<&str> {
    doc.get_first(field).and_then(|v| v.as_str())
}

/// Reads a stored bytes field of a document.
pub(crate) fn stored_bytes(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<&[u8]> {
    doc.get_first(field).and_then(|v| v.as_bytes())
}

/// Reads a stored u64 field of a document.
pub(crate) fn stored_u64(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<u64> {
    doc.get_first(field).and_then(|v| v.as_u64())
}

/// Runs `take_lock` until it stops returning [`Error::IndexLocked`], for about a quarter of a
/// second at most.
///
/// tantivy's writer lock is an `flock` on a file, and a child process that another thread
/// of this process is spawning shares the lock file's descriptor between its fork and its
/// exec: for that moment the lock stays held after the writer that took it is gone. A
/// program that spawns processes while it indexes (a test harness did, one run in many)
/// would see its own released lock as another writer's. A writer that really runs holds
/// the lock far longer than the wait.
fn wait_for_writer_lock<T>(mut take_lock: impl FnMut() -> Result<T>) -> Result<T> {
    // Waits of 1, 2, 4 … 128 ms: 255 ms in all.
    let mut wait = std::time::Duration::from_millis(1);
    loop {
        match take_lock() {
            Err(Error::IndexLocked { .. }) if wait.as_millis() <= 128 => {
                std::thread::sleep(wait);
                wait *= 2;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_names_an_index_gives_its_files_are_its_own() {
        let id = "224dd7af8b394064a4db443ade154b30";
        for ext in [
            "idx",
            "pos",
            "term",
            "store",
            "store.temp",
            "fast",
            "fieldnorm",
            "12.del",
        ] {
            assert!(is_segment_file(&format!("{id}.{ext}")), "{ext}");
        }
        for name in [
            "book.idx",
            "notes.tmp",
            "224dd7af8b394064a4db443ade154b3.idx",
            "224DD7AF8B394064A4DB443ADE154B30.idx",
            "224dd7af8b394064a4db443ade154b30.txt",
            "224dd7af8b394064a4db443ade154b30.del",
            "224dd7af8b394064a4db443ade154b30.x.del",
            "224dd7af8b394064a4db443ade154b30idx",
            "ẞẞẞẞẞẞẞẞẞẞẞẞẞẞẞẞ.idx",
        ] {
            assert!(!is_segment_file(name), "{name}");
        }
        assert!(is_temporary_file(".tmpA1b2C3"));
        for name in ["notes.tmp", ".tmp", ".tmpfolder-of-mine", ".tmpA1b2C!"] {
            assert!(!is_temporary_file(name), "{name}");
        }
    }

    #[test]
    fn a_new_index_compresses_its_store_at_zstd_level_1() {
        let dir = tempfile::tempdir().unwrap();
        let index = Index::create(&dir.path().join("idx"), SchemaConfig::default()).unwrap();
        let settings = index.tantivy().settings();
        assert!(
            matches!(
                settings.docstore_compression,
                Compressor::Zstd(ZstdCompressor {
                    compression_level: Some(1)
                })
            ),
            "{settings:?}"
        );
        assert_eq!(settings.docstore_blocksize, 16 * 1024);
    }
}
