//! Issue 8: what survives what. Each test runs the real `tim` binary (or the library) against
//! a killed, interrupted, concurrent, hostile or damaged situation and checks that the index is
//! left usable and consistent.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::*;

/// Checkpoint size for crash tests: small, so that a corpus of a few hundred KB commits often.
const SMALL_CHECKPOINT: &str = "30000";

/// `tim index CORPUS --index INDEX --quiet`.
fn quiet_index_cmd(corpus: &Path, index: &Path) -> Command {
    let mut cmd = tim();
    cmd.arg("index")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .arg("--quiet");
    cmd
}

/// `tim index CORPUS --index INDEX --quiet`, committing every [`SMALL_CHECKPOINT`] bytes.
fn index_cmd(corpus: &Path, index: &Path) -> Command {
    let mut cmd = quiet_index_cmd(corpus, index);
    cmd.env("TIM_CHECKPOINT_BYTES", SMALL_CHECKPOINT);
    cmd
}

/// Runs `tim index` to completion and checks it succeeded.
fn index_ok(corpus: &Path, index: &Path) {
    let out = run(&mut index_cmd(corpus, index));
    assert_eq!(code(&out), 0, "tim index failed: {}", stderr(&out));
}

/// A clean build of `corpus` in a fresh directory.
fn clean_build(corpus: &Path, scratch: &Path) -> Contents {
    let dir = scratch.join(format!("clean-{}", rand_suffix()));
    index_ok(corpus, &dir);
    let contents = Contents::read(&dir).expect("clean index opens");
    fs::remove_dir_all(&dir).unwrap();
    contents
}

fn rand_suffix() -> u64 {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Checks that the index at `index` (if it was created at all) opens, holds a consistent
/// commit, and answers searches with 0 or 1.
fn check_after_kill(index: &Path, probe: &str, context: &str) -> Option<Contents> {
    if !index.join("meta.json").exists() {
        // Killed before the index existed: there is nothing to check but that the next run
        // creates it (the final run does).
        return None;
    }
    let contents = Contents::read(index)
        .unwrap_or_else(|e| panic!("{context}: the index does not open after a kill: {e}"));
    if let Err(e) = contents.check_consistent() {
        panic!("{context}: {e}");
    }
    let out = run(tim()
        .args(["search", "--json", "--index"])
        .arg(index)
        .arg(probe));
    let status = code(&out);
    assert!(
        status == 0 || status == 1,
        "{context}: search exited {status}: {}",
        stderr(&out)
    );
    let mut seen = BTreeSet::new();
    for line in stdout(&out).lines() {
        let hit: serde_json::Value = serde_json::from_str(line).expect("JSON hit");
        let key = (hit["path"].to_string(), hit["passage"].as_u64());
        assert!(seen.insert(key), "{context}: hit listed twice: {line}");
    }
    Some(contents)
}

fn assert_same_as_clean(index: &Path, corpus: &Path, scratch: &Path, context: &str) {
    let contents = Contents::read(index).expect("index opens");
    contents.check_consistent().unwrap();
    let clean = clean_build(corpus, scratch);
    assert_eq!(
        contents.manifest, clean.manifest,
        "{context}: files differ from a clean build"
    );
    assert!(
        contents.passage_set() == clean.passage_set(),
        "{context}: passages differ from a clean build ({} vs {})",
        contents.passages.len(),
        clean.passages.len()
    );
}

/// The generated corpus of the crash tests: `files` small files, some rewritten, removed or
/// added between runs.
struct Corpus {
    root: PathBuf,
    next: u64,
    live: BTreeSet<u64>,
}

impl Corpus {
    fn new(root: PathBuf, files: u64) -> Corpus {
        for i in 0..files {
            write_small(&root, i, 0);
        }
        Corpus {
            root,
            next: files,
            live: (0..files).collect(),
        }
    }

    /// Rewrites one file in `rewrite_one_in` (version `round`), and removes and adds a few.
    fn mutate(&mut self, rng: &mut Rng, round: u64, rewrite_one_in: u64) {
        let live: Vec<u64> = self.live.iter().copied().collect();
        for &i in &live {
            if rng.below(rewrite_one_in) == 0 {
                write_small(&self.root, i, round);
            }
        }
        for _ in 0..live.len() / 100 {
            let i = live[rng.below(live.len() as u64) as usize];
            if self.live.remove(&i) {
                fs::remove_file(self.root.join(small_path(i))).unwrap();
            }
        }
        for _ in 0..live.len() / 100 {
            write_small(&self.root, self.next, round);
            self.live.insert(self.next);
            self.next += 1;
        }
    }

    fn probe(&self, rng: &mut Rng) -> String {
        let live: Vec<u64> = self.live.iter().copied().collect();
        unique_token(live[rng.below(live.len() as u64) as usize], 0)
    }
}

fn kill_after(mut child: Child, delay: Duration) -> std::process::ExitStatus {
    std::thread::sleep(delay);
    let _ = child.kill();
    child.wait().unwrap()
}

/// `tim index` killed with SIGKILL at 20 moments drawn from a printed seed (fractions of the
/// time a cold build takes here): the first kills interrupt the cold build again and again,
/// later ones updates that rewrite, remove and add files. After every kill the index opens,
/// holds a consistent commit (no passage twice, no file half-updated) and answers searches;
/// the run after the last kill ends with exactly what a clean build holds.
#[test]
fn sigkill_at_random_moments_leaves_a_consistent_index() {
    let seed = seed("sigkill_at_random_moments");
    let mut rng = Rng::new(seed);
    let dir = tempfile::tempdir().unwrap();
    let mut corpus = Corpus::new(dir.path().join("corpus"), 800);
    let index = dir.path().join("index");

    let started = Instant::now();
    let _ = clean_build(&corpus.root, dir.path());
    let cold = started.elapsed();
    eprintln!("cold build of {} files: {cold:?}", corpus.live.len());

    let mut killed = 0;
    for round in 1..=20u64 {
        let share = if round <= 5 {
            1.0
        } else {
            // An update: a third of the files rewritten, a few removed and added.
            corpus.mutate(&mut rng, round, 3);
            0.5
        };
        let delay = cold.mul_f64(rng.unit() * share);
        let child = index_cmd(&corpus.root, &index)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let status = kill_after(child, delay);
        killed += usize::from(!status.success());
        let context = format!("seed {seed}, round {round}, killed after {delay:?}");
        let probe = corpus.probe(&mut rng);
        check_after_kill(&index, &probe, &context);
    }
    eprintln!("{killed} of 20 runs were killed before they finished");
    index_ok(&corpus.root, &index);
    assert_same_as_clean(&index, &corpus.root, dir.path(), &format!("seed {seed}"));
}

/// A run killed inside tantivy's commit, after it wrote the delete files of the committed
/// segments (`<segment>.<opstamp>.del`) but before `meta.json` names them, leaves those files
/// behind. The next run starts from the same opstamp and, doing the same work, wants the same
/// names for its own delete files: tantivy refused with `FileAlreadyExists` (seen after
/// SIGKILLs with two indexing threads, whose more segments make that window longer).
///
/// Reproduced without timing: the index as the cold build left it, plus the delete files a
/// complete update wrote, registered in `.managed.json` as tantivy registers every file before
/// creating it — what a kill at that moment leaves.
#[test]
fn files_of_a_commit_killed_before_its_meta_do_not_block_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut corpus = Corpus::new(dir.path().join("corpus"), 120);
    let index = dir.path().join("index");
    // One commit per run: a run's commit opstamp is then where it started plus its
    // operations, the same in both updates below.
    let index_once = |root: &Path, context: &str| {
        let out = run(index_cmd(root, &index).env("TIM_CHECKPOINT_BYTES", "1000000000"));
        assert_eq!(code(&out), 0, "{context}: {}", stderr(&out));
    };
    let names = |dir: &Path| -> BTreeSet<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    index_once(&corpus.root, "cold build");
    let snapshot = dir.path().join("snapshot");
    copy_dir(&index, &snapshot);

    let mut rng = Rng::new(7);
    corpus.mutate(&mut rng, 1, 2);
    index_once(&corpus.root, "update");
    let left_behind: Vec<String> = names(&index)
        .difference(&names(&snapshot))
        .filter(|name| name.ends_with(".del"))
        .cloned()
        .collect();
    assert!(
        !left_behind.is_empty(),
        "the update deleted passages of committed segments, so it wrote delete files"
    );

    // The killed state: the cold build's files and meta.json, the update's delete files.
    for name in &left_behind {
        fs::copy(index.join(name), snapshot.join(name)).unwrap();
    }
    let managed = snapshot.join(".managed.json");
    let mut registered: Vec<String> = serde_json::from_slice(&fs::read(&managed).unwrap()).unwrap();
    registered.extend(left_behind.iter().cloned());
    fs::write(&managed, serde_json::to_vec(&registered).unwrap()).unwrap();
    fs::remove_dir_all(&index).unwrap();
    copy_dir(&snapshot, &index);
    check_after_kill(&index, &unique_token(0, 0), "killed state");

    index_once(&corpus.root, "the update again");
    assert_same_as_clean(&index, &corpus.root, dir.path(), "after the update again");
}

/// Runs `tim index` with `TIM_FAULT=point` and checks that it aborted there and left a
/// consistent index; returns what the index holds afterwards.
fn abort_at(corpus: &Corpus, index: &Path, point: &str, context: &str) -> Option<Contents> {
    // A checkpoint every dozen files or so: every point is reached several times.
    let out = run(index_cmd(&corpus.root, index)
        .env("TIM_FAULT", point)
        .env("TIM_CHECKPOINT_BYTES", "5000"));
    assert!(!out.status.success(), "{context}: the fault did not fire");
    let name = point.split(':').next().unwrap();
    assert!(
        stderr(&out).contains(&format!("injected fault at {name}")),
        "{context}: {}",
        stderr(&out)
    );
    let probe = unique_token(*corpus.live.iter().next().unwrap(), 0);
    check_after_kill(index, &probe, context)
}

/// The worst moments, reached deterministically with `TIM_FAULT`: after the walk, between a
/// file's documents and the commit, just before a commit, and between tantivy's
/// `prepare_commit` (segments written) and `commit` (`meta.json` written); in a cold build and
/// in an update. Each abort leaves a consistent last commit (an update aborted before its first
/// commit leaves the previous one untouched), and the next run completes with what a clean
/// build holds.
#[test]
fn aborts_at_each_fault_point_keep_the_last_commit() {
    let dir = tempfile::tempdir().unwrap();
    let mut corpus = Corpus::new(dir.path().join("corpus"), 100);
    let clean = clean_build(&corpus.root, dir.path());
    let cold_points = [
        "after-walk",
        "mid-batch:1",
        "mid-batch:30",
        "before-commit:1",
        "before-commit:3",
        "mid-commit:1",
        "mid-commit:3",
    ];
    let template = dir.path().join("template");
    for point in cold_points {
        let context = format!("cold build, TIM_FAULT={point}");
        let index = dir.path().join(point.replace(':', "-"));
        abort_at(&corpus, &index, point, &context);
        index_ok(&corpus.root, &index);
        let contents = Contents::read(&index).unwrap();
        assert!(contents.passage_set() == clean.passage_set(), "{context}");
        assert_eq!(contents.manifest, clean.manifest, "{context}");
        if !template.exists() {
            copy_dir(&index, &template);
        }
    }

    // Updates: every file rewritten, so that the update commits as often as a cold build.
    let before = Contents::read(&template).unwrap();
    corpus.mutate(&mut Rng::new(5), 1, 1);
    let update_points = [
        "after-walk",
        "mid-batch:2",
        "before-commit:1",
        "mid-commit:1",
        "mid-commit:2",
    ];
    for point in update_points {
        let context = format!("update, TIM_FAULT={point}");
        let index = dir
            .path()
            .join(format!("update-{}", point.replace(':', "-")));
        copy_dir(&template, &index);
        let after = abort_at(&corpus, &index, point, &context).unwrap();
        if !point.ends_with(":2") {
            assert!(
                after.passage_set() == before.passage_set(),
                "{context}: changed"
            );
            assert_eq!(after.manifest, before.manifest, "{context}: changed");
        }
        index_ok(&corpus.root, &index);
        assert_same_as_clean(&index, &corpus.root, dir.path(), &context);
    }
}

/// A write that fails, as on a full disk (here past the file size limit, where writes fail
/// with `EFBIG` the same way), stops the run with exit 2 and one line that names the cause;
/// the index keeps its last commit and the next run completes.
#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_stops_the_run_and_keeps_the_last_commit() {
    let dir = tempfile::tempdir().unwrap();
    let mut corpus = Corpus::new(dir.path().join("corpus"), 40);
    let index = dir.path().join("index");
    index_ok(&corpus.root, &index);
    let before = Contents::read(&index).unwrap();
    corpus.mutate(&mut Rng::new(11), 1, 1);
    for i in 40..400 {
        write_small(&corpus.root, i, 1);
    }

    // SIGXFSZ ignored, so that a write past the limit fails instead of killing the process.
    let limited = format!("trap '' XFSZ; ulimit -f 16; exec {:?} \"$@\"", tim_path());
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &limited, "sh", "index"])
        .arg(&corpus.root)
        .arg("--index")
        .arg(&index)
        .arg("--quiet")
        .env("TIM_CHECKPOINT_BYTES", "1000000000");
    let out = run(&mut cmd);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("tim: ") && err.contains("File too large"),
        "{err}"
    );

    let after = Contents::read(&index).unwrap();
    assert!(after.passage_set() == before.passage_set(), "changed");
    assert_eq!(after.manifest, before.manifest, "changed");
    index_ok(&corpus.root, &index);
    assert_same_as_clean(&index, &corpus.root, dir.path(), "after the failed write");
}

/// Spawns a slow `tim index` (each file takes `delay_ms`) and waits until it has made its first
/// checkpoint commit.
fn slow_writer(corpus: &Path, index: &Path, delay_ms: u64) -> Child {
    let mut child = index_cmd(corpus, index)
        .env("TIM_FAULT_DELAY_MS", delay_ms.to_string())
        .env("TIM_CHECKPOINT_BYTES", "2000")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(contents) = Contents::read(index) {
            if !contents.manifest.is_empty() {
                return child;
            }
        }
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("no first commit within a minute: {}", stderr(&out));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Ctrl-C (SIGINT) during `tim index` stops it between files: exit 130 with the message, the
/// last commit intact (at least what was committed before the signal), and the next run
/// completes.
#[test]
fn sigint_stops_indexing_and_keeps_the_last_commit() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = Corpus::new(dir.path().join("corpus"), 400);
    let index = dir.path().join("index");
    // 400 files of 50 ms each: the run lasts 20 s unless interrupted.
    let child = slow_writer(&corpus.root, &index, 50);
    let committed = Contents::read(&index).unwrap().manifest.len();
    let status = Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("tim: interrupted; the index keeps its last commit"),
        "{}",
        stderr(&out)
    );
    let after = check_after_kill(&index, "Chiến", "after SIGINT").unwrap();
    assert!(after.manifest.len() >= committed);
    index_ok(&corpus.root, &index);
    assert_same_as_clean(&index, &corpus.root, dir.path(), "after SIGINT");
}

/// While a writer is running: every search sees one whole commit (consistent contents, exit 0
/// or 1), a second writer is refused with exit 2 and a clear message, and a refreshing search
/// falls back to the last commit. Once the writer is killed with SIGKILL, its lock does not
/// block the next run.
#[test]
fn concurrent_searches_and_writers() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = Corpus::new(dir.path().join("corpus"), 300);
    let index = dir.path().join("index");
    let mut writer = slow_writer(&corpus.root, &index, 30);

    for i in 0..8 {
        let contents = Contents::read(&index).unwrap();
        contents
            .check_consistent()
            .unwrap_or_else(|e| panic!("read {i} during indexing: {e}"));
        check_after_kill(&index, "Nẵng", &format!("search {i} during indexing"));
    }

    let second = run(&mut index_cmd(&corpus.root, &index));
    assert_eq!(code(&second), 2, "{}", stderr(&second));
    let message = stderr(&second);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains("is being written by another process"),
        "{message}"
    );

    // `--rebuild` of an index that cannot even be opened deletes its files, but never under a
    // running writer: it takes the writer lock first and is refused like any second writer.
    let schema_file = index.join("timkiem.toml");
    let saved_schema = std::fs::read(&schema_file).unwrap();
    std::fs::write(&schema_file, "format = \"not a schema\"\n").unwrap();
    let rebuild = run(index_cmd(&corpus.root, &index).arg("--rebuild"));
    std::fs::write(&schema_file, &saved_schema).unwrap();
    assert_eq!(code(&rebuild), 2, "{}", stderr(&rebuild));
    assert!(
        stderr(&rebuild).contains("is being written by another process"),
        "{}",
        stderr(&rebuild)
    );
    Contents::read(&index)
        .unwrap()
        .check_consistent()
        .unwrap_or_else(|e| panic!("after a refused --rebuild: {e}"));

    let refresh = run(tim()
        .args(["search", "--index"])
        .arg(&index)
        .arg("Nẵng")
        .arg(&corpus.root));
    assert_eq!(code(&refresh), 0, "{}", stderr(&refresh));
    assert!(
        stderr(&refresh).contains("searching its last commit"),
        "{}",
        stderr(&refresh)
    );

    writer.kill().unwrap();
    writer.wait().unwrap();
    assert!(index.join(".tantivy-writer.lock").exists());
    index_ok(&corpus.root, &index);
    assert_same_as_clean(&index, &corpus.root, dir.path(), "after killing the writer");
}

/// The default schema with a lower file size limit.
fn schema_with_limit(dir: &Path, limit: u64) -> PathBuf {
    let text = timkiem::schema::DEFAULT_SCHEMA_TOML.replace(
        "max_file_bytes = 52428800",
        &format!("max_file_bytes = {limit}"),
    );
    assert_ne!(text, timkiem::schema::DEFAULT_SCHEMA_TOML);
    let path = dir.join("small-limit.toml");
    fs::write(&path, text).unwrap();
    path
}

/// A corpus of everything that can go wrong with a file: each bad file is reported with its
/// reason and counted, each good one is indexed and found, and the run exits 0.
#[cfg(unix)]
#[test]
fn hostile_corpus_is_indexed_around_its_bad_files() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    fs::create_dir(&root).unwrap();
    let limit: u64 = 8 << 20;
    let schema = schema_with_limit(dir.path(), limit);

    // Good files, each with a word found nowhere else.
    fs::write(root.join("good.txt"), "Hoàng Xuân Chiến zqgood\n").unwrap();
    let mut invalid = b"Ti\xeang Vi\xe7t zqinvalid \xff\xfe\x80 text\n".to_vec();
    invalid.extend_from_slice(b"\xc3\x28 more \xe2\x82 zqtail\n");
    fs::write(root.join("invalid-utf8.txt"), invalid).unwrap();
    fs::write(root.join("empty.txt"), "").unwrap();
    let mut deep = root.clone();
    for _ in 0..100 {
        deep.push("n");
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("deep.txt"), "nested zqdeep\n").unwrap();
    fs::write(
        root.join(OsStr::from_bytes(b"t\xean-latin1.txt")),
        "name zqname\n",
    )
    .unwrap();
    let long_word = "a".repeat(100_000);
    let long_lines = format!("{long_word} zqlongword\n{}\n", "Đà Nẵng ".repeat(20_000));
    fs::write(root.join("long-lines.txt"), long_lines).unwrap();
    // One line of 4 MB (the limit being 8 MB): a single 50 MB line behaves the same, slower.
    let sentence = "Người dân Đà Nẵng đón Tết, the harbour was busy. ";
    let mut one_line = sentence.repeat((4 << 20) / sentence.len());
    one_line.push_str("zqoneline");
    fs::write(root.join("one-line.txt"), one_line).unwrap();

    // Bad files.
    fs::write(
        root.join("binary.dat"),
        [0u8, 159, 146, 150, 0, 1, 2, 0, 0, 7],
    )
    .unwrap();
    let huge = fs::File::create(root.join("huge.txt")).unwrap();
    huge.set_len(1 << 30).unwrap(); // sparse: 1 GiB of nothing, never read
    drop(huge);
    fs::write(root.join("secret.txt"), "zqsecret\n").unwrap();
    fs::write(root.join("vanishing.txt"), "zqvanish\n").unwrap();
    fs::create_dir(root.join("loop")).unwrap();
    std::os::unix::fs::symlink("..", root.join("loop/up")).unwrap();

    let index = dir.path().join("index");
    let out = run(tim()
        .arg("index")
        .arg(&root)
        .arg("--index")
        .arg(&index)
        .arg("--schema")
        .arg(&schema)
        .arg("--follow")
        .env("TIM_FAULT_UNREADABLE", "secret.txt")
        .env("TIM_FAULT_VANISH", "vanishing.txt"));
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    for (file, reason) in [
        ("binary.dat", "binary"),
        ("huge.txt", "too large (1073741824 bytes, limit 8388608)"),
        ("secret.txt", "unreadable: permission denied (injected)"),
        ("vanishing.txt", "disappeared while indexing"),
        ("loop/up", "symbolic link loop"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("tim: skipped ") && l.contains(file) && l.contains(reason)),
            "{file} not reported as {reason}:\n{err}"
        );
    }
    let summary = err.lines().last().unwrap();
    assert!(
        summary.contains("5 skipped (1 binary, 1 disappeared while indexing, 1 symlink loop, 1 too large, 1 unreadable)"),
        "{summary}"
    );
    assert!(
        summary.contains("1 decoded lossily") || summary.contains("1 converted"),
        "{summary}"
    );

    let contents = Contents::read(&index).unwrap();
    contents.check_consistent().unwrap();
    let files: BTreeSet<&str> = contents.manifest.keys().map(String::as_str).collect();
    let deep_key = format!("{}deep.txt", "n/".repeat(100));
    // The binary file has a manifest entry without passages, so the next run skips it unread.
    let expected: BTreeSet<&str> = [
        "binary.dat",
        "empty.txt",
        "good.txt",
        "invalid-utf8.txt",
        "long-lines.txt",
        "one-line.txt",
        "t\\xEAn-latin1.txt",
        &deep_key,
    ]
    .into_iter()
    .collect();
    assert_eq!(files, expected);
    for (word, path) in [
        ("zqgood", "good.txt"),
        ("zqinvalid", "invalid-utf8.txt"),
        ("zqtail", "invalid-utf8.txt"),
        ("zqdeep", deep_key.as_str()),
        ("zqname", "t\\xEAn-latin1.txt"),
        ("zqlongword", "long-lines.txt"),
        ("zqoneline", "one-line.txt"),
    ] {
        let out = run(tim()
            .args(["search", "--json", "--index"])
            .arg(&index)
            .arg(word));
        assert_eq!(code(&out), 0, "{word}: {}", stderr(&out));
        let hit: serde_json::Value =
            serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
        assert_eq!(hit["path"], path, "{word}");
    }
    // The name that is not UTF-8 comes back exactly.
    let out = run(tim()
        .args(["search", "--json", "--index"])
        .arg(&index)
        .arg("zqname"));
    assert!(stdout(&out).contains("\"path_bytes_base64\":\"dOpuLWxhdGluMS50eHQ=\""));
}

/// An index made unusable in each way we know of makes `tim search` and `tim index` exit 2 with
/// one line saying what is wrong and to run `tim index --rebuild` (never a panic), and
/// `tim index --rebuild` recovers it.
#[test]
fn damaged_index_says_how_to_recover() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = Corpus::new(dir.path().join("corpus"), 60);
    let template = dir.path().join("template");
    let out = tim_index(&corpus.root, &template, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let clean = Contents::read(&template).unwrap();

    fn segment_file(index: &Path, ext: &str) -> PathBuf {
        fs::read_dir(index)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .max_by_key(|p| fs::metadata(p).unwrap().len())
            .unwrap_or_else(|| panic!("no .{ext} file in {}", index.display()))
    }
    fn truncate(path: &Path) {
        let len = fs::metadata(path).unwrap().len();
        fs::OpenOptions::new()
            .write(true)
            .open(path)
            .unwrap()
            .set_len(len / 2)
            .unwrap();
    }
    type Damage = (&'static str, fn(&Path));
    let damages: &[Damage] = &[
        ("truncated .store", |i| truncate(&segment_file(i, "store"))),
        ("truncated .idx", |i| truncate(&segment_file(i, "idx"))),
        ("truncated .term", |i| truncate(&segment_file(i, "term"))),
        ("truncated .pos", |i| truncate(&segment_file(i, "pos"))),
        ("truncated .fast", |i| truncate(&segment_file(i, "fast"))),
        ("emptied .fieldnorm", |i| {
            fs::write(segment_file(i, "fieldnorm"), b"").unwrap()
        }),
        ("deleted .store", |i| {
            fs::remove_file(segment_file(i, "store")).unwrap()
        }),
        ("deleted .term", |i| {
            fs::remove_file(segment_file(i, "term")).unwrap()
        }),
        ("missing timkiem.toml", |i| {
            fs::remove_file(i.join("timkiem.toml")).unwrap()
        }),
        ("timkiem.toml of another format", |i| {
            let path = i.join("timkiem.toml");
            let text = fs::read_to_string(&path).unwrap();
            let current = format!("format = {}", timkiem::schema::FORMAT_VERSION);
            assert!(text.contains(&current), "{text}");
            fs::write(path, text.replace(&current, "format = 999")).unwrap();
        }),
        ("garbage meta.json", |i| {
            fs::write(i.join("meta.json"), "{\"nope\": [1, 2").unwrap()
        }),
        ("empty meta.json", |i| {
            fs::write(i.join("meta.json"), "").unwrap()
        }),
    ];
    for (what, damage) in damages {
        let index = dir.path().join(what.replace([' ', '.'], "_"));
        copy_dir(&template, &index);
        damage(&index);
        let search = run(tim().args(["search", "--index"]).arg(&index).arg("Chiến"));
        let index_run = tim_index(&corpus.root, &index, &[]);
        for (command, out) in [("search", &search), ("index", &index_run)] {
            let err = stderr(out);
            assert_eq!(code(out), 2, "{what}: tim {command}: {err}");
            assert_eq!(err.lines().count(), 1, "{what}: tim {command}: {err}");
            assert!(
                err.starts_with("tim: ") && err.contains(&index.display().to_string()),
                "{what}: tim {command}: {err}"
            );
            assert!(
                err.contains("rebuild it with `tim index --rebuild`")
                    || err.contains("rebuild it with this one (`tim index --rebuild`)"),
                "{what}: tim {command}: {err}"
            );
            // A newer format is no damage: the message says which timkiem can read it.
            assert_eq!(
                err.contains("a newer timkiem made it (index format 999"),
                what.contains("another format"),
                "{what}: tim {command}: {err}"
            );
            assert!(
                out.stdout.is_empty(),
                "{what}: tim {command} wrote to stdout"
            );
        }
        let rebuild = tim_index(&corpus.root, &index, &["--rebuild"]);
        assert_eq!(code(&rebuild), 0, "{what}: --rebuild: {}", stderr(&rebuild));
        let search = run(tim().args(["search", "--index"]).arg(&index).arg("Chiến"));
        assert_eq!(
            code(&search),
            0,
            "{what}: search after --rebuild: {}",
            stderr(&search)
        );
        let rebuilt = Contents::read(&index).unwrap();
        assert_eq!(rebuilt.manifest, clean.manifest, "{what}");
        assert!(rebuilt.passage_set() == clean.passage_set(), "{what}");
    }
}

/// Segment files with corrupt bytes in their middle (which tantivy's footer checks do not
/// catch) never make `tim index`, `tim info` or `tim search` panic: each answers, or exits 2
/// with one line saying to rebuild.
#[test]
fn corrupt_segment_bytes_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = Corpus::new(dir.path().join("corpus"), 60);
    let template = dir.path().join("template");
    let out = tim_index(&corpus.root, &template, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // Which part of a file holds what varies with its size and data (a fast-field file's
    // column dictionary among them): two quarters are corrupted in turn.
    let windows = ["idx", "term", "pos", "store", "fieldnorm", "fast"]
        .into_iter()
        .flat_map(|ext| [(ext, 1), (ext, 2)]);
    for (ext, quarter) in windows {
        let index = dir.path().join(format!("{ext}-{quarter}"));
        copy_dir(&template, &index);
        // Every segment's file: which one a corruption would hurt depends on what the
        // indexing threads put in each segment.
        let files: Vec<PathBuf> = fs::read_dir(&index)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        assert!(!files.is_empty(), "no .{ext} file");
        for file in files {
            let mut bytes = fs::read(&file).unwrap();
            let len = bytes.len();
            for b in &mut bytes[len * quarter / 4..len * (quarter + 1) / 4] {
                *b ^= 0x5a;
            }
            fs::write(&file, bytes).unwrap();
        }
        // A run reads the manifest of every segment first.
        let out = tim_index(&corpus.root, &index, &[]);
        let what = format!("tim index, corrupt .{ext} (quarter {quarter})");
        answers_or_says_to_rebuild(&out, &[0], &what);
        let out = run(tim().arg("info").arg(&index));
        let what = format!("tim info, corrupt .{ext} (quarter {quarter})");
        answers_or_says_to_rebuild(&out, &[0], &what);
        for query in ["Chiến", "Hà Nội harbour", "\"Đà Nẵng\"", "Vietnam -lạnh"] {
            let out = run(tim().args(["search", "--index"]).arg(&index).arg(query));
            let what = format!("corrupt .{ext} (quarter {quarter}), query {query}");
            answers_or_says_to_rebuild(&out, &[0, 1], &what);
        }
    }
}

/// Runs `tim index CORPUS --index INDEX --quiet` with `extra` arguments.
fn tim_index(corpus: &Path, index: &Path, extra: &[&str]) -> Output {
    run(quiet_index_cmd(corpus, index).args(extra))
}

/// `out` ended with one of `answered` (no panic), or with exit 2 and one line saying to rebuild.
fn answers_or_says_to_rebuild(out: &Output, answered: &[i32], what: &str) {
    let err = stderr(out);
    let context = format!("{what}: {err}");
    assert!(!err.contains("panicked"), "{context}");
    match code(out) {
        c if answered.contains(&c) => {}
        2 => {
            assert_eq!(err.lines().count(), 1, "{context}");
            assert!(err.contains("tim index --rebuild"), "{context}");
        }
        other => panic!("exit {other}: {context}"),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

mod fuzz {
    use std::sync::OnceLock;

    use proptest::prelude::*;
    use timkiem::{SearchOptions, Searcher};

    /// A searcher over a small bilingual fixture index, built once.
    fn searcher() -> &'static Searcher {
        static SEARCHER: OnceLock<(tempfile::TempDir, Searcher)> = OnceLock::new();
        &SEARCHER
            .get_or_init(|| {
                let dir = tempfile::tempdir().unwrap();
                let corpus = dir.path().join("corpus");
                for i in 0..40 {
                    super::write_small(&corpus, i, 0);
                }
                std::fs::write(
                    corpus.join("odd.txt"),
                    "Hoa\u{300}ng  \u{1b}[31m đ Đ ﬁ Ｖｉệｔ \u{202e}x\u{0}y \"quoted\" -minus OR\n",
                )
                .unwrap();
                let index = dir.path().join("index");
                timkiem::index_directory(
                    &corpus,
                    &index,
                    &Default::default(),
                    &mut timkiem::NoProgress,
                )
                .unwrap();
                let searcher = Searcher::open(&index).unwrap();
                (dir, searcher)
            })
            .1
    }

    fn query() -> impl Strategy<Value = String> {
        let pieces = prop_oneof![
            Just("\"".to_string()),
            Just("-".to_string()),
            Just(" OR ".to_string()),
            Just(" ".to_string()),
            Just("Đà Nẵng".to_string()),
            Just("hoa\u{300}".to_string()),
            Just("Viet Nam".to_string()),
            Just("defence".to_string()),
            Just("'s".to_string()),
            "[a-zđàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễ_ \\-\"]{0,12}",
            any::<String>(),
        ];
        proptest::collection::vec(pieces, 0..8).prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Any query string: no panic, no error, hits sorted by score, highlights non-empty,
        /// ordered, inside the snippet and on character boundaries.
        #[test]
        fn searcher_survives_random_queries(q in query(), plain in any::<bool>(), limit in 0usize..30) {
            let opts = SearchOptions { limit, plain, ..SearchOptions::default() };
            let hits = searcher().search_with(&q, &opts).unwrap();
            prop_assert!(hits.len() <= limit);
            for pair in hits.windows(2) {
                prop_assert!(pair[0].score >= pair[1].score);
            }
            for hit in &hits {
                let mut at = 0;
                for &[start, end] in &hit.highlights {
                    prop_assert!(at <= start && start < end && end <= hit.snippet.len(), "{:?}", hit);
                    prop_assert!(hit.snippet.is_char_boundary(start) && hit.snippet.is_char_boundary(end));
                    at = end;
                }
                prop_assert!(hit.bytes[0] <= hit.bytes[1]);
            }
        }
    }
}
