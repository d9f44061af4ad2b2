//! Shared helpers of the integration tests: a fixture tree in a temporary directory, the real
//! `tim` binary run inside it, and readers for what it prints.
//!
//! Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

/// Environment variables that change how `tim` behaves; every run starts without them.
const TIM_ENV: &[&str] = &[
    "TIM_INDEX",
    "NO_COLOR",
    "TIM_FAULT",
    "TIM_FAULT_UNREADABLE",
    "CLICOLOR_FORCE",
];

/// A temporary directory holding a fixture tree, in which `tim` runs.
pub struct TestEnv {
    dir: tempfile::TempDir,
}

impl TestEnv {
    /// An empty fixture directory.
    pub fn new() -> Self {
        TestEnv {
            dir: tempfile::tempdir().expect("create a temporary directory"),
        }
    }

    /// The fixture directory (the working directory of `tim`).
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The absolute path of `rel` inside the fixture.
    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes a file (and its parent directories).
    pub fn write(&self, rel: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent directories");
        }
        std::fs::write(&path, contents).expect("write a fixture file");
        self
    }

    /// Sets the modification time of every file under `rel` (a file or a directory).
    pub fn set_mtimes(&self, rel: impl AsRef<Path>, time: std::time::SystemTime) -> &Self {
        fn visit(path: &Path, time: std::time::SystemTime) {
            if path.is_dir() {
                for entry in std::fs::read_dir(path).expect("list a fixture directory") {
                    visit(&entry.expect("read a directory entry").path(), time);
                }
            } else {
                let file = std::fs::File::options()
                    .write(true)
                    .open(path)
                    .expect("open a fixture file");
                let times = std::fs::FileTimes::new().set_modified(time);
                file.set_times(times).expect("set a modification time");
            }
        }
        visit(&self.path(rel), time);
        self
    }

    /// Reads a file of the fixture.
    pub fn read(&self, rel: impl AsRef<Path>) -> Vec<u8> {
        std::fs::read(self.path(rel)).expect("read a fixture file")
    }

    /// Deletes a file of the fixture.
    pub fn remove(&self, rel: impl AsRef<Path>) -> &Self {
        std::fs::remove_file(self.path(rel)).expect("remove a fixture file");
        self
    }

    /// Creates a directory (and its parents).
    pub fn mkdir(&self, rel: impl AsRef<Path>) -> &Self {
        std::fs::create_dir_all(self.path(rel)).expect("create a directory");
        self
    }

    /// Creates a symbolic link at `link` pointing to `target` (taken literally).
    #[cfg(unix)]
    pub fn symlink(&self, target: impl AsRef<Path>, link: impl AsRef<Path>) -> &Self {
        std::os::unix::fs::symlink(target, self.path(link)).expect("create a symlink");
        self
    }

    /// `tim`, run in the fixture directory, without any `TIM_*`/`NO_COLOR` from outside.
    pub fn tim(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("tim").expect("the tim binary is built");
        cmd.current_dir(self.root());
        for var in TIM_ENV {
            cmd.env_remove(var);
        }
        cmd
    }

    /// The same as a `std::process::Command`, for tests that spawn and stream.
    pub fn tim_std(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("tim"));
        cmd.current_dir(self.root());
        for var in TIM_ENV {
            cmd.env_remove(var);
        }
        cmd
    }

    /// Runs `tim` with `args` and captures what it did.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = self.tim();
        cmd.args(args);
        Run::of(&mut cmd)
    }
}

impl Default for TestEnv {
    fn default() -> Self {
        TestEnv::new()
    }
}

/// What one run of `tim` did.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Standard output, as text (lossy).
    pub stdout: String,
    /// Standard error, as text (lossy).
    pub stderr: String,
}

impl Run {
    /// Runs `cmd` to completion.
    pub fn of(cmd: &mut assert_cmd::Command) -> Run {
        let output: Output = cmd.output().expect("run tim");
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(expected),
            "exit code\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout,
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "tim panicked:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts success (exit 0).
    #[track_caller]
    pub fn ok(&self) -> &Self {
        self.code(0)
    }

    /// Asserts an error: exit 2, nothing on stdout, exactly one line on stderr starting
    /// `tim: `. Returns that line.
    #[track_caller]
    pub fn error_line(&self) -> &str {
        self.code(2);
        assert_eq!(self.stdout, "", "nothing on stdout after an error");
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line on stderr, got:\n{}", self.stderr);
        assert!(lines[0].starts_with("tim: "), "stderr: {}", self.stderr);
        lines[0]
    }

    /// The JSON objects printed on stdout, one per line; anything else there fails the test.
    #[track_caller]
    pub fn json(&self) -> Vec<Value> {
        json_lines(&self.stdout)
    }

    /// The `path` of every JSON hit, in order.
    #[track_caller]
    pub fn paths(&self) -> Vec<String> {
        self.json()
            .iter()
            .map(|hit| hit["path"].as_str().expect("a path").to_string())
            .collect()
    }

    /// The indexing summary printed on stderr.
    #[track_caller]
    pub fn summary(&self) -> Summary {
        Summary::find(&self.stderr)
    }
}

/// Parses JSON Lines; every line must be one JSON object.
#[track_caller]
pub fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line:?}"));
            assert!(value.is_object(), "not a JSON object: {line}");
            value
        })
        .collect()
}

/// The counts of a `tim: N indexed, N unchanged, N removed, N skipped (...)` summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub indexed: u64,
    pub unchanged: u64,
    pub removed: u64,
    pub skipped: u64,
    /// Skipped files by reason, e.g. `"binary" => 1`.
    pub reasons: BTreeMap<String, u64>,
    /// The whole line.
    pub line: String,
}

impl Summary {
    /// Finds the summary line in `stderr`.
    #[track_caller]
    pub fn find(stderr: &str) -> Summary {
        let line = stderr
            .lines()
            .find(|l| l.starts_with("tim: ") && l.contains(" indexed, "))
            .unwrap_or_else(|| panic!("no summary line in stderr:\n{stderr}"));
        let counts = line.trim_start_matches("tim: ");
        let counts = counts.split(';').next().unwrap_or_default();
        let mut summary = Summary {
            line: line.to_string(),
            ..Summary::default()
        };
        let (main, reasons) = match counts.split_once(" (") {
            Some((main, rest)) => (main, rest.split(')').next().unwrap_or_default()),
            None => (counts, ""),
        };
        for part in main.split(", ") {
            let Some((n, what)) = part.split_once(' ') else {
                continue;
            };
            let Ok(n) = n.parse() else { continue };
            match what {
                "indexed" => summary.indexed = n,
                "unchanged" => summary.unchanged = n,
                "removed" => summary.removed = n,
                "skipped" => summary.skipped = n,
                _ => {}
            }
        }
        for part in reasons.split(", ").filter(|p| !p.is_empty()) {
            let (n, reason) = part.split_once(' ').expect("`N reason`");
            summary
                .reasons
                .insert(reason.to_string(), n.parse().expect("a count"));
        }
        summary
    }

    /// The counts as `(indexed, unchanged, removed, skipped)`.
    pub fn counts(&self) -> (u64, u64, u64, u64) {
        (self.indexed, self.unchanged, self.removed, self.skipped)
    }
}

/// A field of a JSON hit as a string.
#[track_caller]
pub fn str_of<'a>(hit: &'a Value, key: &str) -> &'a str {
    hit[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {hit}"))
}

/// The highlighted slices of a JSON hit's snippet, checking that each range is well formed.
#[track_caller]
pub fn highlighted(hit: &Value) -> Vec<String> {
    let snippet = str_of(hit, "snippet");
    hit["highlights"]
        .as_array()
        .expect("highlights is an array")
        .iter()
        .map(|range| {
            let start = range[0].as_u64().expect("start") as usize;
            let end = range[1].as_u64().expect("end") as usize;
            assert!(
                start < end && end <= snippet.len(),
                "bad range {range} in {hit}"
            );
            assert!(
                snippet.is_char_boundary(start) && snippet.is_char_boundary(end),
                "range {range} not on char boundaries in {snippet:?}"
            );
            snippet[start..end].to_string()
        })
        .collect()
}

/// The default schema file of the repository, as text.
pub fn default_schema() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("index-schema/default.toml");
    std::fs::read_to_string(path).expect("read index-schema/default.toml")
}
