//! Finding the files of a corpus directory.
//!
//! [`walk`] lists every regular file under a root, sorted by relative path, with the rules a
//! user knows from ripgrep and fd: hidden files skipped, `.gitignore` and `.ignore` honoured
//! (also outside a git repository), optional include and exclude globs. Whatever cannot be
//! indexed is reported as a [`WalkEntry::Skipped`] with a [`SkipReason`] instead of failing the
//! whole walk: only a missing or unreadable root is an error.
//!
//! The walker never opens a file: it reads directories and metadata only, so FIFOs and devices
//! are reported without blocking on them. The other side of that coin: a regular file without
//! read permission is listed here, and fails only when read; the reader should report that
//! failure as [`SkipReason::Unreadable`] too.
//!
//! Rules worth knowing:
//!
//! * ignore files of the root's ancestors apply too, as in ripgrep; the user's global git
//!   excludes file does not (an index should not depend on who builds it);
//! * include globs only narrow the selection: they never bring back an ignored or hidden file;
//! * directories named `.tim` (the index) or `.git` are never entered, even with
//!   [`WalkOptions::hidden`];
//! * symbolic links are not followed unless [`WalkOptions::follow_links`] is set, and are then
//!   silently left out.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;

use crate::error::{Error, Result};

/// Environment variable read by [`WalkOptions::default`] into
/// [`WalkOptions::fault_unreadable`]: a test hook that makes matching files look unreadable.
///
/// Tests run as root, where `chmod 000` does not stop reads; this is how the reporting of
/// unreadable files is exercised end to end (for example through the `tim` binary).
pub const FAULT_UNREADABLE_ENV: &str = "TIM_FAULT_UNREADABLE";

/// The default of [`WalkOptions::max_file_bytes`]: 64 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Directory names never entered, at any depth: the index directory and git's own database
/// (compressed objects would only be refused as binary, one report each).
pub const ALWAYS_SKIPPED_DIR_NAMES: &[&str] = &[".tim", ".git"];

/// How [`walk`] selects files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkOptions {
    /// Include hidden files and directories (names starting with `.`). Default `false`.
    pub hidden: bool,
    /// Follow symbolic links. Default `false`: links are left out.
    pub follow_links: bool,
    /// With [`follow_links`](Self::follow_links), also follow links whose target lies outside
    /// the root. Default `false`: such links are reported as [`SkipReason::OutsideRoot`].
    pub follow_outside_root: bool,
    /// Honour `.gitignore`, `.git/info/exclude` and `.ignore` files like ripgrep and fd, also
    /// outside a git repository. Default `true`.
    pub respect_ignore_files: bool,
    /// Include globs; empty means every file. A glob without `/` matches the file name at any
    /// depth (`*.txt`); one with `/` matches the whole path relative to the root
    /// (`docs/*.md`, `**/vi/*.txt`), and `*` does not cross `/`.
    pub globs: Vec<String>,
    /// Exclude globs, matched like [`globs`](Self::globs) against files and directories alike;
    /// an excluded directory is not entered. Exclusion wins over inclusion.
    pub excludes: Vec<String>,
    /// Files larger than this are reported as [`SkipReason::TooLarge`].
    pub max_file_bytes: u64,
    /// Directories never entered, for example an index kept inside the corpus. Relative paths
    /// are taken relative to the root. Directories named `.tim` are always skipped anyway
    /// (see [`ALWAYS_SKIPPED_DIR_NAMES`]).
    pub skip_dirs: Vec<PathBuf>,
    /// Test hook: files whose relative path contains this string, or matches it as a glob
    /// (same rules as [`globs`](Self::globs)), are reported as
    /// `Unreadable("permission denied (injected)")`. [`Default`] fills it from the
    /// [`FAULT_UNREADABLE_ENV`] environment variable; tests should set the field instead.
    pub fault_unreadable: Option<String>,
}

impl Default for WalkOptions {
    fn default() -> Self {
        let fault_unreadable = std::env::var_os(FAULT_UNREADABLE_ENV)
            .map(|v| v.to_string_lossy().into_owned())
            .filter(|v| !v.is_empty());
        WalkOptions {
            hidden: false,
            follow_links: false,
            follow_outside_root: false,
            respect_ignore_files: true,
            globs: Vec::new(),
            excludes: Vec::new(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            skip_dirs: Vec::new(),
            fault_unreadable,
        }
    }
}

/// The choices of a [`WalkOptions`] that decide which files of a corpus an index holds: what
/// the user said (`--hidden`, `--follow`, `--no-ignore`, `--glob`, `--exclude`), as opposed to
/// the limits and hooks the indexer sets itself. An index records the scope of the run that
/// last committed it, so that a refresh before a search keeps it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WalkScope {
    /// [`WalkOptions::hidden`].
    pub hidden: bool,
    /// [`WalkOptions::follow_links`].
    pub follow_links: bool,
    /// [`WalkOptions::follow_outside_root`].
    pub follow_outside_root: bool,
    /// [`WalkOptions::respect_ignore_files`].
    pub respect_ignore_files: bool,
    /// [`WalkOptions::globs`].
    pub globs: Vec<String>,
    /// [`WalkOptions::excludes`].
    pub excludes: Vec<String>,
}

impl WalkScope {
    /// The scope of `options`.
    pub fn of(options: &WalkOptions) -> WalkScope {
        WalkScope {
            hidden: options.hidden,
            follow_links: options.follow_links,
            follow_outside_root: options.follow_outside_root,
            respect_ignore_files: options.respect_ignore_files,
            globs: options.globs.clone(),
            excludes: options.excludes.clone(),
        }
    }

    /// `options` with this scope instead of its own (its limits and hooks unchanged).
    pub fn applied_to(&self, options: &WalkOptions) -> WalkOptions {
        WalkOptions {
            hidden: self.hidden,
            follow_links: self.follow_links,
            follow_outside_root: self.follow_outside_root,
            respect_ignore_files: self.respect_ignore_files,
            globs: self.globs.clone(),
            excludes: self.excludes.clone(),
            ..options.clone()
        }
    }
}

/// A file selected for indexing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFile {
    /// The path to open, as on disk (the root joined with [`rel`](Self::rel)).
    pub path: PathBuf,
    /// The path relative to the root; see [`rel_path_key`] for its index form.
    pub rel: PathBuf,
    /// Size in bytes (of the link target when links are followed).
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch (negative before it).
    pub mtime_ns: i64,
}

/// Why a path under the root is not indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The file is larger than [`WalkOptions::max_file_bytes`].
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The configured limit in bytes.
        limit: u64,
    },
    /// A FIFO, socket or device: never opened, since reading one can block forever.
    NotRegularFile,
    /// A symbolic link that leads back to one of its own ancestors.
    SymlinkLoop,
    /// A symbolic link whose target lies outside the root (see
    /// [`WalkOptions::follow_outside_root`]).
    OutsideRoot,
    /// The entry could not be read: permission denied, a broken link, an I/O error.
    Unreadable(String),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::TooLarge { size, limit } => {
                write!(f, "too large ({size} bytes, limit {limit})")
            }
            SkipReason::NotRegularFile => f.write_str("not a regular file"),
            SkipReason::SymlinkLoop => f.write_str("symbolic link loop"),
            SkipReason::OutsideRoot => f.write_str("symbolic link leads outside the corpus"),
            SkipReason::Unreadable(why) => write!(f, "unreadable: {why}"),
        }
    }
}

/// One result of [`walk`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkEntry {
    /// A file to index.
    File(FoundFile),
    /// A path that is not indexed, and why.
    Skipped {
        /// The path as on disk.
        path: PathBuf,
        /// Why it is skipped.
        reason: SkipReason,
    },
}

impl WalkEntry {
    /// The path of the entry as on disk.
    pub fn path(&self) -> &Path {
        match self {
            WalkEntry::File(file) => &file.path,
            WalkEntry::Skipped { path, .. } => path,
        }
    }
}

/// Lists the files under `root` that `opts` selects, and the paths skipped on the way, sorted
/// by relative path.
///
/// Fails only when `root` is missing, is not a directory or cannot be read
/// ([`Error::Io`]), or when a glob of `opts` is invalid ([`Error::Invalid`]).
pub fn walk(root: &Path, opts: &WalkOptions) -> Result<Vec<WalkEntry>> {
    check_root(root)?;
    let canonical_root = fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
    let selector = Arc::new(Selector::new(root, canonical_root, opts)?);
    let fault = opts
        .fault_unreadable
        .as_deref()
        .map(FaultMatcher::new)
        .transpose()?;

    // The entry filter prunes whole directories, but can only answer yes or no: what it refuses
    // for a reason the user should hear about goes into this side channel.
    let pruned: Arc<Mutex<Vec<WalkEntry>>> = Arc::default();
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(!opts.hidden)
        .follow_links(opts.follow_links)
        .parents(opts.respect_ignore_files)
        .ignore(opts.respect_ignore_files)
        .git_ignore(opts.respect_ignore_files)
        .git_exclude(opts.respect_ignore_files)
        .git_global(false)
        .require_git(false);
    {
        let selector = Arc::clone(&selector);
        let pruned = Arc::clone(&pruned);
        builder.filter_entry(move |entry| match selector.judge(entry) {
            Verdict::Keep => true,
            Verdict::Drop => false,
            Verdict::Skip(reason) => {
                let path = entry.path().to_path_buf();
                lock(&pruned).push(WalkEntry::Skipped { path, reason });
                false
            }
        });
    }

    // Reading the metadata of every file is most of a walk: spread it over the cores, each
    // walking thread gathering its own entries.
    let found: Mutex<Vec<WalkEntry>> = Mutex::default();
    builder.threads(walk_threads());
    builder.build_parallel().run(|| {
        let mut gathered = Gathered {
            entries: Vec::new(),
            into: &found,
        };
        let (selector, fault) = (&selector, fault.as_ref());
        Box::new(move |result| {
            let entry = match result {
                Ok(entry) => classify(&entry, root, opts, fault),
                Err(err) => selector.report_error(root, &err),
            };
            gathered.entries.extend(entry);
            ignore::WalkState::Continue
        })
    });
    let mut entries = found.into_inner().unwrap_or_else(PoisonError::into_inner);
    entries.append(&mut lock(&pruned));
    // Every path starts with `root`, so comparing paths compares relative paths, component by
    // component: the same order a sorted directory traversal gives. No two entries share a
    // path, so an unstable sort gives the same order (and needs no scratch buffer).
    entries.sort_unstable_by(|a, b| path_order(a.path(), b.path()));
    Ok(entries)
}

/// Threads walking a corpus: one per core, at most four (a walk waits on the file system more
/// than it computes).
fn walk_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// The entries one walking thread found, added to the walk's list when the thread is done.
struct Gathered<'a> {
    entries: Vec<WalkEntry>,
    into: &'a Mutex<Vec<WalkEntry>>,
}

impl Drop for Gathered<'_> {
    fn drop(&mut self) {
        lock(self.into).append(&mut self.entries);
    }
}

/// The order of [`Path::cmp`] (component by component) for the paths a walk yields, which
/// never hold a `.` or `..` component or two separators in a row below the root they share:
/// their bytes compared with the separator below any other byte. Splitting paths into
/// components to compare them was a tenth of a run that found nothing to index.
#[cfg(unix)]
fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    use std::os::unix::ffi::OsStrExt;
    let (a, b) = (a.as_os_str().as_bytes(), b.as_os_str().as_bytes());
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let rank = |byte: u8| if byte == b'/' { 0 } else { u16::from(byte) + 1 };
    match (a.get(common), b.get(common)) {
        (Some(&x), Some(&y)) => rank(x).cmp(&rank(y)),
        _ => a.len().cmp(&b.len()),
    }
}

/// The order of [`Path::cmp`] (elsewhere than on Unix, paths are compared as they are).
#[cfg(not(unix))]
fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    a.cmp(b)
}

/// The key under which a relative path is stored in the index: components joined with `/`,
/// whatever the platform; bytes of a name that are not UTF-8 are written `\xNN`.
pub fn rel_path_key(rel: &Path) -> String {
    let mut key = String::new();
    for component in rel.components() {
        if let Component::Normal(name) = component {
            if !key.is_empty() {
                key.push('/');
            }
            push_name(&mut key, name);
        }
    }
    key
}

/// Appends a file name, writing each byte that is not part of valid UTF-8 as `\xNN`: two
/// names that differ only in such bytes must not share a key (and so overwrite each other).
fn push_name(key: &mut String, name: &std::ffi::OsStr) {
    if let Some(name) = name.to_str() {
        key.push_str(name);
        return;
    }
    let bytes = name.as_encoded_bytes();
    for chunk in bytes.utf8_chunks() {
        key.push_str(chunk.valid());
        for byte in chunk.invalid() {
            key.push_str(&format!("\\x{byte:02X}"));
        }
    }
}

/// `path` as text, each byte that is not part of valid UTF-8 written `\xNN` as in
/// [`rel_path_key`]: how a path is shown beside the names of the files an index holds.
pub fn path_text(path: &Path) -> String {
    let mut text = String::new();
    push_name(&mut text, path.as_os_str());
    text
}

/// The exact bytes of a relative path, so a file whose name is not UTF-8 can be found again:
/// the raw bytes on Unix, the UTF-8 of [`rel_path_key`] elsewhere.
pub fn rel_path_bytes(rel: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        rel.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        rel_path_key(rel).into_bytes()
    }
}

/// Fails unless `root` is a directory we can list.
fn check_root(root: &Path) -> Result<()> {
    let meta = fs::metadata(root).map_err(|e| Error::io(root, e))?;
    if !meta.is_dir() {
        let e = io::Error::new(io::ErrorKind::NotADirectory, "not a directory");
        return Err(Error::io(root, e));
    }
    fs::read_dir(root).map_err(|e| Error::io(root, e))?;
    Ok(())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Nothing panics while holding this lock; if something did, the data is still usable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Turns a yielded directory entry into a file to index or a report, or nothing (directories,
/// links not followed).
fn classify(
    entry: &ignore::DirEntry,
    root: &Path,
    opts: &WalkOptions,
    fault: Option<&FaultMatcher>,
) -> Option<WalkEntry> {
    if entry.depth() == 0 {
        return None;
    }
    let file_type = entry.file_type()?;
    // With follow_links the file type is the target's, so a symlink here is one not followed.
    if file_type.is_dir() || file_type.is_symlink() {
        return None;
    }
    let path = entry.path().to_path_buf();
    let skipped = |reason| {
        Some(WalkEntry::Skipped {
            path: path.clone(),
            reason,
        })
    };
    if !file_type.is_file() {
        return skipped(SkipReason::NotRegularFile);
    }
    let rel = entry.path().strip_prefix(root).ok()?.to_path_buf();
    if fault.is_some_and(|f| f.matches(&rel)) {
        return skipped(SkipReason::Unreadable(
            "permission denied (injected)".to_owned(),
        ));
    }
    let meta = match entry.metadata() {
        Ok(meta) => meta,
        Err(err) => return skipped(SkipReason::Unreadable(describe_walk_error(&err))),
    };
    if meta.len() > opts.max_file_bytes {
        return skipped(SkipReason::TooLarge {
            size: meta.len(),
            limit: opts.max_file_bytes,
        });
    }
    Some(WalkEntry::File(FoundFile {
        path,
        rel,
        size: meta.len(),
        mtime_ns: mtime_ns(&meta),
    }))
}

fn mtime_ns(meta: &fs::Metadata) -> i64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.mtime()
            .saturating_mul(1_000_000_000)
            .saturating_add(meta.mtime_nsec())
    }
    #[cfg(not(unix))]
    {
        use std::time::UNIX_EPOCH;
        match meta.modified().map(|t| t.duration_since(UNIX_EPOCH)) {
            Ok(Ok(after)) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
            Ok(Err(before)) => i64::try_from(before.duration().as_nanos()).map_or(i64::MIN, |n| -n),
            Err(_) => 0,
        }
    }
}

/// A short human reason for a walk error, without the path (reports carry it separately).
fn describe_walk_error(err: &ignore::Error) -> String {
    match err.io_error() {
        Some(io) => describe_io(io),
        None => err.to_string(),
    }
}

fn describe_io(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        // Found in a directory listing moments ago: a dangling link, or deleted since.
        io::ErrorKind::NotFound => "not found (broken symbolic link?)".to_owned(),
        _ => err.to_string(),
    }
}

/// Globs matched like `.gitignore` lines: without `/` against the file name, with `/` against
/// the whole relative path.
#[derive(Debug)]
struct PathGlobs {
    by_name: GlobSet,
    by_path: GlobSet,
}

impl PathGlobs {
    fn new(globs: &[String]) -> Result<Self> {
        let mut by_name = GlobSetBuilder::new();
        let mut by_path = GlobSetBuilder::new();
        for original in globs {
            // `dir/` means a directory in gitignore syntax; we match directories by name anyway.
            let pattern = original.trim_end_matches('/');
            let (set, pattern) = match pattern.strip_prefix('/') {
                Some(anchored) => (&mut by_path, anchored),
                None if pattern.contains('/') => (&mut by_path, pattern),
                None => (&mut by_name, pattern),
            };
            let glob = GlobBuilder::new(pattern)
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|e| Error::Invalid(format!("invalid glob {original:?}: {e}")))?;
            set.add(glob);
        }
        let build = |set: GlobSetBuilder| {
            set.build()
                .map_err(|e| Error::Invalid(format!("invalid glob: {e}")))
        };
        Ok(PathGlobs {
            by_name: build(by_name)?,
            by_path: build(by_path)?,
        })
    }

    fn is_match(&self, rel: &Path) -> bool {
        rel.file_name()
            .is_some_and(|name| self.by_name.is_match(name))
            || self.by_path.is_match(rel)
    }
}

/// The [`WalkOptions::fault_unreadable`] hook.
#[derive(Debug)]
struct FaultMatcher {
    needle: String,
    glob: Option<PathGlobs>,
}

impl FaultMatcher {
    fn new(needle: &str) -> Result<Self> {
        Ok(FaultMatcher {
            needle: needle.to_owned(),
            // Not every substring is a valid glob (`[abc`): then it is a substring only.
            glob: PathGlobs::new(&[needle.to_owned()]).ok(),
        })
    }

    fn matches(&self, rel: &Path) -> bool {
        rel_path_key(rel).contains(&self.needle)
            || self.glob.as_ref().is_some_and(|g| g.is_match(rel))
    }
}

/// What the entry filter decides for one directory entry.
enum Verdict {
    Keep,
    /// Left out silently (excluded by the user's rules).
    Drop,
    /// Left out with a report.
    Skip(SkipReason),
}

/// The user's selection rules, applied to entries before the walker descends into them.
#[derive(Debug)]
struct Selector {
    root: PathBuf,
    canonical_root: PathBuf,
    includes: Option<PathGlobs>,
    excludes: PathGlobs,
    /// Canonical where possible, so that `corpus/.idx` and `/abs/corpus/.idx` are the same.
    skip_dirs: Vec<PathBuf>,
    follow_links: bool,
    follow_outside_root: bool,
}

impl Selector {
    fn new(root: &Path, canonical_root: PathBuf, opts: &WalkOptions) -> Result<Self> {
        let includes = if opts.globs.is_empty() {
            None
        } else {
            Some(PathGlobs::new(&opts.globs)?)
        };
        let skip_dirs = opts
            .skip_dirs
            .iter()
            .map(|dir| {
                let dir = root.join(dir); // no-op for absolute paths
                fs::canonicalize(&dir).unwrap_or(dir)
            })
            .collect();
        Ok(Selector {
            root: root.to_path_buf(),
            canonical_root,
            includes,
            excludes: PathGlobs::new(&opts.excludes)?,
            skip_dirs,
            follow_links: opts.follow_links,
            follow_outside_root: opts.follow_outside_root,
        })
    }

    fn judge(&self, entry: &ignore::DirEntry) -> Verdict {
        let Ok(rel) = entry.path().strip_prefix(&self.root) else {
            return Verdict::Keep;
        };
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if is_dir && self.is_skipped_dir(entry, rel) {
            return Verdict::Drop;
        }
        if self.excludes.is_match(rel) {
            return Verdict::Drop;
        }
        if !is_dir && self.includes.as_ref().is_some_and(|inc| !inc.is_match(rel)) {
            return Verdict::Drop;
        }
        // Each link is checked where it is met, so a chain of links inside the root that ends
        // outside it is caught at its last link.
        if self.follow_links && !self.follow_outside_root && entry.path_is_symlink() {
            if let Ok(target) = fs::canonicalize(entry.path()) {
                if !target.starts_with(&self.canonical_root) {
                    return Verdict::Skip(SkipReason::OutsideRoot);
                }
            }
        }
        Verdict::Keep
    }

    fn is_skipped_dir(&self, entry: &ignore::DirEntry, rel: &Path) -> bool {
        let name = entry.file_name();
        if ALWAYS_SKIPPED_DIR_NAMES.iter().any(|skip| name == *skip) {
            return true;
        }
        if self.skip_dirs.is_empty() {
            return false;
        }
        // Without links followed nothing below the root is a link, so the canonical path is
        // known without asking the file system.
        let canonical = if self.follow_links {
            fs::canonicalize(entry.path()).unwrap_or_else(|_| entry.path().to_path_buf())
        } else {
            self.canonical_root.join(rel)
        };
        self.skip_dirs
            .iter()
            .any(|skip| *skip == canonical || skip == entry.path())
    }

    /// Reports an error of the walker, unless the user excluded its path anyway.
    fn report_error(&self, root: &Path, err: &ignore::Error) -> Option<WalkEntry> {
        let (path, reason) = match find_loop(err) {
            Some(child) => (child.to_path_buf(), SkipReason::SymlinkLoop),
            None => (
                error_path(err).unwrap_or(root).to_path_buf(),
                SkipReason::Unreadable(describe_walk_error(err)),
            ),
        };
        if let Ok(rel) = path.strip_prefix(&self.root) {
            if !rel.as_os_str().is_empty() && self.excludes.is_match(rel) {
                return None;
            }
        }
        Some(WalkEntry::Skipped { path, reason })
    }
}

/// The link that closes a symlink loop, if `err` reports one.
fn find_loop(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => find_loop(err),
        ignore::Error::Partial(errs) => errs.iter().find_map(find_loop),
        _ => None,
    }
}

/// The path an error is about, if it says.
fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;
    use tempfile::TempDir;

    proptest::proptest! {
        /// Paths as a walk makes them (a root joined with names) are ordered as `Path::cmp`
        /// orders them, names that sort around the separator included (`a.b`, `a-b`, `a b`).
        #[test]
        fn path_order_is_the_order_of_path_cmp(
            a in proptest::collection::vec("(a|b|a\\.b|a-b|a b|ab|A|é|a0|~|\\.x)", 1..5),
            b in proptest::collection::vec("(a|b|a\\.b|a-b|a b|ab|A|é|a0|~|\\.x)", 1..5),
        ) {
            let root = Path::new("/corpus/root");
            let (a, b) = (root.join(a.join("/")), root.join(b.join("/")));
            proptest::prop_assert_eq!(path_order(&a, &b), a.cmp(&b));
        }
    }

    /// Options that do not depend on the environment of the test process.
    fn opts() -> WalkOptions {
        WalkOptions {
            fault_unreadable: None,
            ..WalkOptions::default()
        }
    }

    /// A temporary corpus with the given files (parents created).
    fn corpus(files: &[&str]) -> TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in files {
            let path = dir.path().join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, format!("content of {file}\n")).unwrap();
        }
        dir
    }

    fn found(entries: &[WalkEntry]) -> Vec<String> {
        entries
            .iter()
            .filter_map(|e| match e {
                WalkEntry::File(f) => Some(rel_path_key(&f.rel)),
                WalkEntry::Skipped { .. } => None,
            })
            .collect()
    }

    fn skipped(root: &Path, entries: &[WalkEntry]) -> Vec<(String, SkipReason)> {
        entries
            .iter()
            .filter_map(|e| match e {
                WalkEntry::Skipped { path, reason } => Some((
                    rel_path_key(path.strip_prefix(root).unwrap()),
                    reason.clone(),
                )),
                WalkEntry::File(_) => None,
            })
            .collect()
    }

    #[test]
    fn selects_files_by_the_rules() {
        let files = [
            "a.txt",
            "b.md",
            "sub/c.txt",
            "sub/deep/d.txt",
            "sub/deep/e.log",
            ".hidden.txt",
            ".hdir/f.txt",
            "ignored.log",
            "build/out.txt",
            "sub/local.tmp",
            ".tim/meta.json",
            "sub/.tim/meta.json",
        ];
        let ignore_files: &[(&str, &str)] = &[
            (".gitignore", "*.log\nbuild/\n"),
            ("sub/.ignore", "*.tmp\n"),
        ];
        type Case = (&'static str, fn(&mut WalkOptions), &'static [&'static str]);
        let cases: &[Case] = &[
            (
                "defaults: no hidden, ignore files honoured",
                |_| {},
                &["a.txt", "b.md", "sub/c.txt", "sub/deep/d.txt"],
            ),
            (
                "hidden",
                |o| o.hidden = true,
                &[
                    ".gitignore",
                    ".hdir/f.txt",
                    ".hidden.txt",
                    "a.txt",
                    "b.md",
                    "sub/.ignore",
                    "sub/c.txt",
                    "sub/deep/d.txt",
                ],
            ),
            (
                "ignore files not honoured",
                |o| o.respect_ignore_files = false,
                &[
                    "a.txt",
                    "b.md",
                    "build/out.txt",
                    "ignored.log",
                    "sub/c.txt",
                    "sub/deep/d.txt",
                    "sub/deep/e.log",
                    "sub/local.tmp",
                ],
            ),
            (
                "include by name at any depth; never brings back ignored files",
                |o| o.globs = vec!["*.txt".into(), "*.log".into()],
                &["a.txt", "sub/c.txt", "sub/deep/d.txt"],
            ),
            (
                "include by path: `*` does not cross `/`",
                |o| o.globs = vec!["sub/*.txt".into()],
                &["sub/c.txt"],
            ),
            (
                "include by path with `**`",
                |o| o.globs = vec!["sub/**/*.txt".into()],
                &["sub/c.txt", "sub/deep/d.txt"],
            ),
            (
                "exclude a file glob, and a directory by name",
                |o| o.excludes = vec!["*.md".into(), "deep".into()],
                &["a.txt", "sub/c.txt"],
            ),
            (
                "exclusion wins over inclusion",
                |o| {
                    o.globs = vec!["*.txt".into()];
                    o.excludes = vec!["/sub/c.txt".into()];
                },
                &["a.txt", "sub/deep/d.txt"],
            ),
            (
                "skip_dirs, relative to the root",
                |o| o.skip_dirs = vec!["sub/deep".into()],
                &["a.txt", "b.md", "sub/c.txt"],
            ),
        ];
        let dir = corpus(&files);
        for (path, content) in ignore_files {
            fs::write(dir.path().join(path), content).unwrap();
        }
        for (name, configure, expected) in cases {
            let mut options = opts();
            configure(&mut options);
            let entries = walk(dir.path(), &options).unwrap();
            assert_eq!(found(&entries), *expected, "case {name}");
            assert_eq!(skipped(dir.path(), &entries), [], "case {name}");
        }
    }

    #[test]
    fn git_and_index_directories_are_never_entered() {
        let dir = corpus(&[
            "a.txt",
            ".git/config",
            ".git/info/exclude",
            ".tim/x.txt",
            "sub/.git/HEAD",
        ]);
        fs::write(dir.path().join(".git/info/exclude"), "*.md\n").unwrap();
        fs::write(dir.path().join("b.md"), "x").unwrap();
        let options = WalkOptions {
            hidden: true,
            ..opts()
        };
        // Inside a git repository `.git/info/exclude` applies too.
        assert_eq!(found(&walk(dir.path(), &options).unwrap()), ["a.txt"]);
    }

    #[test]
    fn skip_dirs_accepts_absolute_paths() {
        let dir = corpus(&["keep.txt", "index/segment.txt"]);
        let options = WalkOptions {
            skip_dirs: vec![dir.path().join("index")],
            ..opts()
        };
        assert_eq!(found(&walk(dir.path(), &options).unwrap()), ["keep.txt"]);
    }

    #[test]
    fn reports_metadata_of_found_files() {
        let dir = corpus(&["a.txt"]);
        let entries = walk(dir.path(), &opts()).unwrap();
        let [WalkEntry::File(file)] = entries.as_slice() else {
            panic!("{entries:?}");
        };
        assert_eq!(file.path, dir.path().join("a.txt"));
        assert_eq!(file.rel, Path::new("a.txt"));
        assert_eq!(file.size, "content of a.txt\n".len() as u64);
        let modified = fs::metadata(&file.path).unwrap().modified().unwrap();
        let expected = modified
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        assert_eq!(file.mtime_ns as u128, expected);
    }

    #[test]
    fn oversized_files_are_reported() {
        let dir = corpus(&["small.txt"]);
        fs::write(dir.path().join("big.txt"), vec![b'x'; 101]).unwrap();
        fs::write(dir.path().join("limit.txt"), vec![b'x'; 100]).unwrap();
        let options = WalkOptions {
            max_file_bytes: 100,
            ..opts()
        };
        let entries = walk(dir.path(), &options).unwrap();
        assert_eq!(found(&entries), ["limit.txt", "small.txt"]);
        let reason = SkipReason::TooLarge {
            size: 101,
            limit: 100,
        };
        assert_eq!(
            skipped(dir.path(), &entries),
            [("big.txt".to_owned(), reason.clone())]
        );
        assert_eq!(reason.to_string(), "too large (101 bytes, limit 100)");
    }

    #[cfg(unix)]
    #[test]
    fn fifos_are_reported_without_being_opened() {
        let dir = corpus(&["a.txt"]);
        let fifo = dir.path().join("pipe");
        let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        // Opening the FIFO for reading would block this test forever.
        let entries = walk(dir.path(), &opts()).unwrap();
        assert_eq!(found(&entries), ["a.txt"]);
        assert_eq!(
            skipped(dir.path(), &entries),
            [("pipe".to_owned(), SkipReason::NotRegularFile)]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_follow_the_options() {
        use std::os::unix::fs::symlink;
        let outside = corpus(&["secret.txt"]);
        let dir = corpus(&["a.txt", "sub/b.txt"]);
        let root = dir.path();
        symlink(root.join("sub"), root.join("sub/loop")).unwrap();
        symlink(outside.path(), root.join("out_dir")).unwrap();
        symlink(outside.path().join("secret.txt"), root.join("out_file.txt")).unwrap();
        symlink(root.join("a.txt"), root.join("alias.txt")).unwrap();
        symlink(root.join("missing"), root.join("dangling.txt")).unwrap();

        // Not following: links are left out silently.
        let entries = walk(root, &opts()).unwrap();
        assert_eq!(found(&entries), ["a.txt", "sub/b.txt"]);
        assert_eq!(skipped(root, &entries), []);

        // Following, inside the root only.
        let follow = WalkOptions {
            follow_links: true,
            ..opts()
        };
        let entries = walk(root, &follow).unwrap();
        assert_eq!(found(&entries), ["a.txt", "alias.txt", "sub/b.txt"]);
        let not_found = SkipReason::Unreadable("not found (broken symbolic link?)".to_owned());
        assert_eq!(
            skipped(root, &entries),
            [
                ("dangling.txt".to_owned(), not_found.clone()),
                ("out_dir".to_owned(), SkipReason::OutsideRoot),
                ("out_file.txt".to_owned(), SkipReason::OutsideRoot),
                ("sub/loop".to_owned(), SkipReason::SymlinkLoop),
            ]
        );

        // Following everywhere.
        let anywhere = WalkOptions {
            follow_outside_root: true,
            ..follow
        };
        let entries = walk(root, &anywhere).unwrap();
        assert_eq!(
            found(&entries),
            [
                "a.txt",
                "alias.txt",
                "out_dir/secret.txt",
                "out_file.txt",
                "sub/b.txt"
            ]
        );
        assert_eq!(
            skipped(root, &entries),
            [
                ("dangling.txt".to_owned(), not_found),
                ("sub/loop".to_owned(), SkipReason::SymlinkLoop),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn root_may_be_a_symlink() {
        let dir = corpus(&["real/a.txt"]);
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path().join("real"), &link).unwrap();
        let entries = walk(&link, &opts()).unwrap();
        assert_eq!(found(&entries), ["a.txt"]);
        assert!(entries[0].path().starts_with(&link));
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_names_are_kept_exactly() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let dir = corpus(&[]);
        let raw = b"caf\xe9.txt";
        fs::write(dir.path().join(OsStr::from_bytes(raw)), "x").unwrap();
        let entries = walk(dir.path(), &opts()).unwrap();
        let [WalkEntry::File(file)] = entries.as_slice() else {
            panic!("{entries:?}");
        };
        assert_eq!(rel_path_bytes(&file.rel), raw);
        assert_eq!(rel_path_key(&file.rel), "caf\\xE9.txt");
        assert!(fs::metadata(&file.path).is_ok());
    }

    #[test]
    fn rel_path_key_uses_slashes() {
        let rel: PathBuf = ["a", "b", "Việt.txt"].iter().collect();
        assert_eq!(rel_path_key(&rel), "a/b/Việt.txt");
        assert_eq!(rel_path_bytes(&rel), "a/b/Việt.txt".as_bytes());
    }

    #[test]
    fn injected_faults_make_files_unreadable() {
        let dir = corpus(&["a.txt", "sub/secret.txt", "sub/other.md"]);
        let injected = SkipReason::Unreadable("permission denied (injected)".to_owned());
        let cases: &[(&str, &[&str], &[&str])] = &[
            ("secret", &["a.txt", "sub/other.md"], &["sub/secret.txt"]),
            ("*.md", &["a.txt", "sub/secret.txt"], &["sub/other.md"]),
            ("sub/", &["a.txt"], &["sub/other.md", "sub/secret.txt"]),
            ("nothing", &["a.txt", "sub/other.md", "sub/secret.txt"], &[]),
        ];
        for (fault, expected_found, expected_skipped) in cases {
            let options = WalkOptions {
                fault_unreadable: Some((*fault).to_owned()),
                ..opts()
            };
            let entries = walk(dir.path(), &options).unwrap();
            assert_eq!(found(&entries), *expected_found, "fault {fault}");
            let expected: Vec<_> = expected_skipped
                .iter()
                .map(|p| ((*p).to_owned(), injected.clone()))
                .collect();
            assert_eq!(skipped(dir.path(), &entries), expected, "fault {fault}");
        }
        assert_eq!(
            injected.to_string(),
            "unreadable: permission denied (injected)"
        );
    }

    #[test]
    fn bad_roots_and_globs_are_errors() {
        let dir = corpus(&["file.txt"]);
        let missing = dir.path().join("missing");
        match walk(&missing, &opts()) {
            Err(Error::Io { path, source }) => {
                assert_eq!(path, missing);
                assert_eq!(source.kind(), io::ErrorKind::NotFound);
            }
            other => panic!("{other:?}"),
        }
        let file = dir.path().join("file.txt");
        assert!(matches!(walk(&file, &opts()), Err(Error::Io { path, .. }) if path == file));
        let bad_glob = WalkOptions {
            globs: vec!["[unclosed".into()],
            ..opts()
        };
        assert!(matches!(
            walk(dir.path(), &bad_glob),
            Err(Error::Invalid(_))
        ));
    }

    #[test]
    fn output_is_sorted_by_relative_path() {
        let dir = corpus(&["b.txt", "a/z.txt", "a.txt", "A.txt", "a/b/c.txt"]);
        let entries = walk(dir.path(), &opts()).unwrap();
        assert_eq!(
            found(&entries),
            ["A.txt", "a/b/c.txt", "a/z.txt", "a.txt", "b.txt"]
        );
    }
}
