//! Issue 9: safe output and paths. Text and file names from the corpus never reach the terminal
//! raw, the walker stays inside the corpus unless asked, stored paths are checked when read
//! back, the index directory is never world-writable, and huge inputs are never loaded whole.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::process::Command;

use support::*;

/// Whether a character must never reach a terminal raw: C0 controls but tab (and the newline
/// ending each line), DEL, C1 controls, and the bidirectional embeddings, overrides and
/// isolates.
fn dangerous(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The first dangerous character of `text`, with some context.
fn find_dangerous(text: &str) -> Option<String> {
    text.char_indices()
        .find(|&(_, c)| dangerous(c))
        .map(|(i, c)| {
            let from = text[..i].char_indices().rev().nth(20).map_or(0, |(j, _)| j);
            format!("U+{:04X} after {:?}", c as u32, &text[from..i])
        })
}

/// Removes SGR sequences (`ESC [ digits/semicolons m`), the only escapes `tim` writes itself.
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let len = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(after.len());
        if after[len..].starts_with('m') {
            rest = &after[len + 1..];
        } else {
            // Not an SGR sequence: keep it, so the caller sees the raw ESC.
            out.push_str(&rest[at..at + 2]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Every kind of terminal trick: clear screen, cursor moves, colours, a window title change
/// (OSC 0), a hyperlink (OSC 8), C1 CSI, bell, backspace, carriage return, vertical tab,
/// DEL, bidi overrides and isolates.
const TRICKS: &str = "\u{1b}[2J\u{1b}[H\u{1b}[31mred\u{1b}]0;pwned title\u{7}\
    \u{1b}]8;;https://evil.example/\u{1b}\\click\u{1b}]8;;\u{1b}\\ \u{9b}1;1H \u{90}dcs\u{9c} \
    bell\u{7} back\u{8}space ca\rret v\u{b}tab del\u{7f} \u{202e}evil\u{202c} \u{2066}iso\u{2069} \
    \u{202a}\u{202b}\u{202d}\u{2067}\u{2068} \u{85}nel";

/// A corpus whose text and file names carry every trick, around the word `hiemhoi`.
#[cfg(unix)]
fn tricky_corpus() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    fs::create_dir(&root).unwrap();
    let text = format!("Tiêu đề hiemhoi {TRICKS} hiemhoi cuối.\n");
    fs::write(root.join("plain.txt"), &text).unwrap();
    // File names may hold anything but `/` and NUL.
    let name = "name\u{1b}]0;title\u{7}\u{1b}[31m\u{9b}2J\u{202e}txt.\u{8}\r.txt";
    fs::write(root.join(name), &text).unwrap();
    fs::create_dir(root.join("dir\u{1b}[1m\u{2066}")).unwrap();
    fs::write(root.join("dir\u{1b}[1m\u{2066}/inner.txt"), &text).unwrap();
    (dir, root)
}

/// Human output (with `--color never`) carries no raw control character or bidi override from
/// the indexed text or the file names; with `--color always` the only escapes are our own SGR
/// colours, around exactly the same text.
#[cfg(unix)]
#[test]
fn human_output_never_writes_control_characters() {
    let (_dir, root) = tricky_corpus();
    let index_run = run(tim().arg("index").arg(&root));
    assert_eq!(code(&index_run), 0, "{}", stderr(&index_run));
    let search = |color: &str| {
        let out = run(tim()
            .args([
                "search",
                "--no-refresh",
                "--color",
                color,
                "-n",
                "50",
                "hiemhoi",
            ])
            .arg(&root));
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        String::from_utf8(out.stdout).expect("output is UTF-8")
    };
    let plain = search("never");
    assert_eq!(plain.lines().count(), 3, "{plain}");
    if let Some(bad) = find_dangerous(&plain) {
        panic!("raw {bad} in output:\n{plain}");
    }
    // What the user sees names the tricks instead.
    assert!(plain.contains("\\x1b]0;pwned title\\x07"), "{plain}");
    assert!(plain.contains("\\u{202e}evil"), "{plain}");
    assert!(plain.contains("\\x9b"), "{plain}");
    assert!(plain.contains("name\\x1b]0;title"), "{plain}");
    assert!(plain.contains("dir\\x1b[1m\\u{2066}/inner.txt"), "{plain}");

    let colored = search("always");
    assert_ne!(colored, plain);
    assert_eq!(strip_sgr(&colored), plain);

    // `-l` prints file names only: escaped too.
    let out = run(tim()
        .args([
            "search",
            "--no-refresh",
            "--color",
            "never",
            "-l",
            "hiemhoi",
        ])
        .arg(&root));
    let files = stdout(&out);
    assert_eq!(files.lines().count(), 3, "{files}");
    assert!(find_dangerous(&files).is_none(), "{files}");
}

/// `--json` carries the text and names exactly, as JSON strings whose control characters and
/// bidi overrides are escapes (`\u001b`, `\u202e`), never raw bytes.
#[cfg(unix)]
#[test]
fn json_output_carries_controls_escaped() {
    let (_dir, root) = tricky_corpus();
    let out = run(tim()
        .args(["search", "--json", "-n", "50", "hiemhoi"])
        .arg(&root));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let json = String::from_utf8(out.stdout).unwrap();
    assert!(
        find_dangerous(&json).is_none(),
        "raw control in JSON:\n{json}"
    );
    let mut paths = Vec::new();
    for line in json.lines() {
        let hit: serde_json::Value = serde_json::from_str(line).unwrap();
        let snippet = hit["snippet"].as_str().unwrap();
        assert!(snippet.contains("\u{1b}]0;pwned title\u{7}"), "{snippet:?}");
        assert!(snippet.contains("\u{202e}evil\u{202c}"), "{snippet:?}");
        assert!(snippet.contains("\u{9b}1;1H"), "{snippet:?}");
        paths.push(hit["path"].as_str().unwrap().to_string());
    }
    paths.sort();
    assert_eq!(
        paths,
        [
            "dir\u{1b}[1m\u{2066}/inner.txt",
            "name\u{1b}]0;title\u{7}\u{1b}[31m\u{9b}2J\u{202e}txt.\u{8}\r.txt",
            "plain.txt",
        ]
    );
}

/// Warnings (`tim: skipped …`) and error lines escape file names too.
#[cfg(unix)]
#[test]
fn warnings_and_errors_escape_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("ok.txt"), "hiemhoi\n").unwrap();
    fs::write(root.join("bin\u{1b}[2J\u{202e}.dat"), [0u8, 1, 2, 0, 0]).unwrap();
    fs::write(root.join("gone\u{9b}.txt"), "x\n").unwrap();
    let out = run(tim()
        .arg("index")
        .arg(&root)
        .env("TIM_FAULT_UNREADABLE", "ok.txt")
        .env("TIM_FAULT_VANISH", "gone\u{9b}.txt"));
    assert_eq!(code(&out), 0);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(find_dangerous(&err).is_none(), "{err}");
    assert!(
        err.contains("tim: skipped bin\\x1b[2J\\u{202e}.dat: looks like a binary file")
            || err.contains("bin\\x1b[2J\\u{202e}.dat: binary"),
        "{err}"
    );
    assert!(
        err.contains("gone\\x9b.txt: disappeared while indexing"),
        "{err}"
    );

    // An error naming a path with controls in it: one escaped line.
    let evil_index = dir.path().join("idx\u{1b}]0;owned\u{7}\u{202e}");
    for args in [vec!["search", "--index"], vec!["info"]] {
        let out = run(tim()
            .args(&args)
            .arg(&evil_index)
            .args(if args[0] == "search" {
                &["x"][..]
            } else {
                &[][..]
            }));
        assert_eq!(code(&out), 2, "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(find_dangerous(&err).is_none(), "{err}");
        assert!(err.contains("idx\\x1b]0;owned\\x07\\u{202e}"), "{err}");
    }
    let corpus_file = dir.path().join("not-a-dir\u{1b}[5m");
    fs::write(&corpus_file, "x").unwrap();
    let out = run(tim().arg("index").arg(&corpus_file));
    assert_eq!(code(&out), 2);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(find_dangerous(&err).is_none(), "{err}");
}

/// Symbolic links: not followed by default; with `--follow`, links leading outside the corpus
/// are reported and skipped; only `--follow-outside` indexes what they lead to.
#[cfg(unix)]
#[test]
fn the_walker_never_leaves_the_corpus_unless_asked() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("secret.txt"), "bimat zqsecret\n").unwrap();
    let root = dir.path().join("corpus");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("a.txt"), "zqinside\n").unwrap();
    symlink(outside.join("secret.txt"), root.join("file-link.txt")).unwrap();
    symlink(&outside, root.join("dir-link")).unwrap();
    symlink("../outside/secret.txt", root.join("relative-link.txt")).unwrap();

    let index_with = |flags: &[&str]| {
        let index = dir.path().join(format!("index{}", flags.join("")));
        let out = run(tim()
            .arg("index")
            .arg(&root)
            .arg("--index")
            .arg(&index)
            .args(flags));
        assert_eq!(code(&out), 0, "{flags:?}: {}", stderr(&out));
        let contents = Contents::read(&index).unwrap();
        let files: Vec<String> = contents.manifest.keys().cloned().collect();
        (files, stderr(&out))
    };
    let (files, err) = index_with(&[]);
    assert_eq!(files, ["a.txt"]);
    assert!(!err.contains("tim: skipped"), "{err}");

    let (files, err) = index_with(&["--follow"]);
    assert_eq!(files, ["a.txt"]);
    for link in ["file-link.txt", "dir-link", "relative-link.txt"] {
        assert!(
            err.contains(&format!("{link}: symbolic link leads outside the corpus")),
            "{link}: {err}"
        );
    }

    let (files, _) = index_with(&["--follow", "--follow-outside"]);
    assert_eq!(
        files,
        [
            "a.txt",
            "dir-link/secret.txt",
            "file-link.txt",
            "relative-link.txt"
        ]
    );
}

/// A stored path that is absolute or climbs out with `..` (an index tampered with) is refused
/// when read back: the library returns an error telling to rebuild, `tim` exits 2.
#[test]
fn stored_paths_outside_the_corpus_are_refused() {
    use tantivy::TantivyDocument;
    use timkiem::schema::KIND_PASSAGE;

    for bad in [
        "../../etc/passwd",
        "/etc/passwd",
        "a/../../b.txt",
        "C:/Windows/win.ini",
        "\\\\server\\x",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        fs::create_dir(&root).unwrap();
        fs::write(root.join("good.txt"), "zqtampered here\n").unwrap();
        let index_dir = root.join(".tim");
        timkiem::index_directory(
            &root,
            &index_dir,
            &Default::default(),
            &mut timkiem::NoProgress,
        )
        .unwrap();
        {
            let index = timkiem::Index::open(&index_dir).unwrap();
            let f = index.fields();
            // `Index::writer`, not tantivy's: it waits out the moment a `tim` another test is
            // spawning holds the lock file (inherited between its fork and exec).
            let mut writer: tantivy::IndexWriter = index.writer(1, 15 << 20).unwrap();
            let mut doc = TantivyDocument::new();
            doc.add_text(f.kind, KIND_PASSAGE);
            doc.add_text(f.path, bad);
            doc.add_u64(f.passage, 0);
            doc.add_text(f.text, "zqtampered");
            for field in f.body {
                doc.add_text(field, "zqtampered");
            }
            writer.add_document(doc).unwrap();
            writer.commit().unwrap();
        }
        let searcher = timkiem::Searcher::open(&index_dir).unwrap();
        match searcher.search("zqtampered", 10) {
            Err(timkiem::Error::IndexUnusable { message, .. }) => {
                assert!(message.contains("outside its corpus"), "{bad}: {message}");
            }
            other => panic!("{bad}: {other:?}"),
        }
        let out = run(tim()
            .args(["search", "--index"])
            .arg(&index_dir)
            .arg("zqtampered"));
        assert_eq!(code(&out), 2, "{bad}");
        assert!(out.stdout.is_empty(), "{bad}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("tim index --rebuild"),
            "{bad}: {}",
            stderr(&out)
        );
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Under `umask 000` the index directory (and the parents `--index` makes) is created
/// `rwxr-xr-x`, its schema file `rw-r--r--`: never world-writable.
#[cfg(unix)]
#[test]
fn index_directory_is_never_world_writable() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("a.txt"), "xin chào\n").unwrap();
    let nested = dir.path().join("a/b/index");
    for index in [root.join(".tim"), nested.clone()] {
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c")
            .arg("umask 000; \"$0\" index \"$1\" --index \"$2\" --quiet")
            .arg(tim_path())
            .arg(&root)
            .arg(&index);
        let out = run(&mut cmd);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_eq!(mode(&index), 0o755, "{}", index.display());
        assert_eq!(mode(&index.join("timkiem.toml")), 0o644);
    }
    assert_eq!(mode(&dir.path().join("a")), 0o755);
    assert_eq!(mode(&dir.path().join("a/b")), 0o755);
}

/// tantivy writes its metadata (`meta.json`) through a private temporary file; timkiem makes
/// it `0644` like the schema, after a first build, an update and a rebuild alike, so that
/// another user allowed into the directory can open the index.
#[test]
fn index_metadata_is_readable_by_other_users() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("a.txt"), "xin chào\n").unwrap();
    let index = root.join(".tim");
    for (step, extra) in [
        ("build", None),
        ("update", None),
        ("rebuild", Some("--rebuild")),
    ] {
        if step == "update" {
            fs::write(root.join("b.txt"), "tạm biệt\n").unwrap();
        }
        let out = run(tim().arg("index").arg(&root).arg("--quiet").args(extra));
        assert_eq!(code(&out), 0, "{step}: {}", stderr(&out));
        for name in ["meta.json", ".managed.json", "timkiem.toml"] {
            assert_eq!(mode(&index.join(name)), 0o644, "{step}: {name}");
        }
    }
}

/// `tim` run by a user who may read the index under `dir` but not write it: as root (whom
/// permissions never stop), `nobody` through `setpriv`, everything under `dir` made readable;
/// otherwise this user, with the index directory and its files made read-only (undone by
/// [`writable_again`]). `None` when no other user can be had (root without `setpriv`).
#[cfg(unix)]
fn tim_as_reader(dir: &Path, index: &Path) -> Option<Command> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let set_mode = |path: &Path, mode: u32| {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    };
    if fs::metadata(dir).unwrap().uid() == 0 {
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
            .into_iter()
            .find(|p| Path::new(p).is_file())?;
        // tempfile makes its directory private; the files in it are 0644 already.
        set_mode(dir, 0o755);
        let mut cmd = Command::new(setpriv);
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(tim_path());
        for var in ["TIM_INDEX", "NO_COLOR", "TIM_FAULT", "TIM_CHECKPOINT_BYTES"] {
            cmd.env_remove(var);
        }
        Some(cmd)
    } else {
        for entry in fs::read_dir(index).unwrap() {
            set_mode(&entry.unwrap().path(), 0o444);
        }
        set_mode(index, 0o555);
        Some(tim())
    }
}

/// Undoes what [`tim_as_reader`] did to the index, so that the temporary directory can go.
#[cfg(unix)]
fn writable_again(index: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(index, fs::Permissions::from_mode(0o755)).unwrap();
    for entry in fs::read_dir(index).unwrap() {
        fs::set_permissions(entry.unwrap().path(), fs::Permissions::from_mode(0o644)).unwrap();
    }
}

/// An index its user may read but not write (another user's, a read-only mount) is searched as
/// it stands. tantivy locks a file opened for writing, created if missing, whenever a reader
/// opens the segments: `tim search` failed there with "being written by another process".
/// Now `search --index`, `info` and `analyze --index` work; `search QUERY CORPUS` says it
/// cannot refresh and searches the last commit; `tim index` names the permission it lacks.
#[cfg(unix)]
#[test]
fn a_read_only_index_is_searched_as_it_stands() {
    let dir = tempfile::tempdir().unwrap();
    let index = small_index(dir.path());
    let root = dir.path().join("corpus");
    // A change the search cannot bring in, and a reader's lock file that does not exist yet.
    fs::write(root.join("b.txt"), "Đà Nẵng\n").unwrap();
    let _ = fs::remove_file(index.join(".tantivy-meta.lock"));
    let Some(mut reader) = tim_as_reader(dir.path(), &index) else {
        eprintln!("skipped: running as root without setpriv, no other user to read as");
        return;
    };
    let as_reader = |args: &[&std::ffi::OsStr]| {
        let mut cmd = tim_as_reader(dir.path(), &index).unwrap();
        run(cmd.args(args))
    };
    let out = run(reader
        .args(["search", "--json", "Hoang Xuan Chien", "--index"])
        .arg(&index));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\"path\":\"a.txt\""),
        "{}",
        stdout(&out)
    );

    let out = as_reader(&["search".as_ref(), "Hoang".as_ref(), root.as_os_str()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("a.txt:1:"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("cannot refresh the index")
            && stderr(&out).contains("searching its last commit"),
        "{}",
        stderr(&out)
    );

    let out = as_reader(&["info".as_ref(), "--json".as_ref(), index.as_os_str()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("\"files\":1"), "{}", stdout(&out));
    let out = as_reader(&[
        "analyze".as_ref(),
        "--index".as_ref(),
        index.as_os_str(),
        "xin".as_ref(),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let out = as_reader(&["index".as_ref(), root.as_os_str()]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("tim: ") && err.contains("Permission denied"),
        "{err}"
    );
    assert!(!err.contains("another process"), "{err}");
    writable_again(&index);
}

/// `--index` may name a directory that holds files of the user's own. An index built there
/// sits beside them, and `--rebuild` deletes only what an index names its files: it deleted
/// every `*.tmp`, `*.idx`, `*.store`... and any `meta.json`, and a `meta.json` of another
/// program even made `tim` advise that rebuild. Such a directory is now refused, and named as
/// not an index.
#[test]
fn rebuild_deletes_only_the_files_of_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("a.txt"), "Hoàng Xuân Chiến\n").unwrap();
    let mine = [
        "notes.tmp",
        "book.idx",
        "music.pos",
        "data.store",
        "old.del",
        "keep.txt",
    ];
    let user_dir = |name: &str, meta: bool| {
        let path = dir.path().join(name);
        fs::create_dir(&path).unwrap();
        for file in mine {
            fs::write(path.join(file), file).unwrap();
        }
        if meta {
            fs::write(path.join("meta.json"), r#"{"mine": true}"#).unwrap();
        }
        path
    };
    let kept = |path: &Path, meta: bool| {
        for file in mine {
            assert_eq!(fs::read_to_string(path.join(file)).unwrap(), file, "{file}");
        }
        if meta {
            let text = fs::read_to_string(path.join("meta.json")).unwrap();
            assert_eq!(text, r#"{"mine": true}"#);
        }
    };

    // Beside the user's files: built, then (its schema lost) rebuilt through `Index::destroy`,
    // and searched; theirs are untouched.
    let shared = user_dir("shared", false);
    for extra in [None, Some("--rebuild")] {
        if extra.is_some() {
            fs::remove_file(shared.join("timkiem.toml")).unwrap();
        }
        let out = run(tim()
            .arg("index")
            .arg(&root)
            .arg("--index")
            .arg(&shared)
            .arg("--quiet")
            .args(extra));
        assert_eq!(code(&out), 0, "{extra:?}: {}", stderr(&out));
        kept(&shared, false);
    }
    let out = run(tim().args(["search", "Hoang", "--index"]).arg(&shared));
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // Another program's meta.json: not an index, not to be rebuilt over.
    let foreign = user_dir("foreign", true);
    for extra in [None, Some("--rebuild")] {
        let out = run(tim()
            .arg("index")
            .arg(&root)
            .arg("--index")
            .arg(&foreign)
            .args(extra));
        assert_eq!(code(&out), 2, "{extra:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("does not belong to a timkiem index"), "{err}");
        assert!(!err.contains("--rebuild"), "{err}");
        kept(&foreign, true);
    }
    let out = run(tim().args(["search", "Hoang", "--index"]).arg(&foreign));
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(!stderr(&out).contains("--rebuild"), "{}", stderr(&out));
}

/// A sparse file of `len` bytes, with `head` written at its start.
fn sparse_file(path: &Path, head: &[u8], len: u64) {
    fs::write(path, head).unwrap();
    let file = fs::OpenOptions::new().write(true).open(path).unwrap();
    file.set_len(len).unwrap();
}

/// A small index to run query files against.
fn small_index(dir: &Path) -> PathBuf {
    let root = dir.join("corpus");
    fs::create_dir_all(&root).unwrap();
    fs::write(root.join("a.txt"), "Hoàng Xuân Chiến\n").unwrap();
    let out = run(tim().arg("index").arg(&root).arg("--quiet"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    root.join(".tim")
}

/// `--queries` (and `tim eval`) never load an over-long line whole: a line of 100 MB, or a
/// 2 GB file without a newline, is refused with one line naming the file and line, under a
/// 1 GB address-space limit that loading it would break.
#[cfg(unix)]
#[test]
fn over_long_query_lines_are_refused_without_being_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let index = small_index(dir.path());
    let hundred_mb = dir.path().join("q100.jsonl");
    sparse_file(
        &hundred_mb,
        b"{\"_id\":\"1\",\"text\":\"Chien\"}\n",
        100 << 20,
    );
    let two_gb = dir.path().join("q2g.jsonl");
    sparse_file(&two_gb, b"", 2 << 30);
    let qrels = dir.path().join("qrels.tsv");
    fs::write(&qrels, "1\ta.txt\t1\n").unwrap();
    for (queries, line) in [(&hundred_mb, 2), (&two_gb, 1)] {
        for command in ["search", "eval"] {
            let mut cmd = std::process::Command::new("sh");
            // At most 1 GiB of address space: reading a 100 MB line into a String and growing
            // it would still fit, but the 2 GB one would not; neither is tried.
            cmd.arg("-c")
                .arg("ulimit -v 1048576; exec \"$@\"")
                .arg("sh")
                .arg(tim_path());
            if command == "search" {
                cmd.args(["search", "--json", "--index"])
                    .arg(&index)
                    .arg("--queries");
            } else {
                cmd.args(["eval", "--index"])
                    .arg(&index)
                    .arg("--qrels")
                    .arg(&qrels)
                    .arg("--queries");
            }
            cmd.arg(queries);
            let out = run(&mut cmd);
            let err = stderr(&out);
            assert_eq!(code(&out), 2, "{command} {}: {err}", queries.display());
            assert!(out.stdout.is_empty(), "{command}: {}", stdout(&out));
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(
                err.contains(&format!("line {line}: longer than 1048576 bytes")),
                "{command}: {err}"
            );
        }
    }
}

/// A corpus file above the size limit is reported and never read: a sparse 2 GB file costs
/// nothing (0.0 MB read), even under a 1 GB address-space limit.
#[cfg(unix)]
#[test]
fn oversized_corpus_files_are_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("a.txt"), "xin chào\n").unwrap();
    sparse_file(&root.join("huge.txt"), b"Hoang ", 2 << 30);
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v 1048576; exec \"$0\" index \"$1\"")
        .arg(tim_path())
        .arg(&root);
    let out = run(&mut cmd);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(
        err.contains("huge.txt: too large (2147483648 bytes, limit 52428800)"),
        "{err}"
    );
    assert!(err.contains("1 indexed"), "{err}");
    assert!(err.contains("0.0 MB read"), "{err}");
}
