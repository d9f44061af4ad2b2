//! The `tim` binary, run for real on small fixture trees. Each test tells one story: what the
//! user has, what they type, what they see.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{default_schema, highlighted, str_of, TestEnv};
use serde_json::Value;

/// A small bilingual corpus under `corpus/`.
fn bilingual() -> TestEnv {
    let env = TestEnv::new();
    env.write(
        "corpus/vi/chien.txt",
        "Tin tức\n\nÔng Hoàng Xuân Chiến phát biểu tại hội nghị ở Hà Nội.\n",
    )
    .write(
        "corpus/en/chien.txt",
        "News\n\nGeneral Hoang Xuan Chien spoke at the conference in Hanoi.\n",
    )
    .write(
        "corpus/vi/scattered.txt",
        "Chien tranh va Xuan ve, Hoang hon tren song.\n",
    )
    .write(
        "corpus/vi/danang.txt",
        "Thành phố Đà Nẵng nằm bên bờ biển miền Trung.\n",
    )
    .write(
        "corpus/vi/vietnam.txt",
        "Việt Nam là một đất nước xinh đẹp.\n",
    )
    .write(
        "corpus/en/vietnam.txt",
        "Vietnam is a country in Southeast Asia.\n",
    )
    .write("corpus/vi/ban.txt", "Hôm nay cái bàn gỗ bị gãy.\n")
    .write("corpus/vi/ban-sell.txt", "Hôm nay tôi bán rau ngoài chợ.\n")
    .write("corpus/vi/ban-friend.txt", "Hôm nay bạn tôi đến chơi.\n")
    .write("corpus/vi/nay.txt", "Hôm nay trời mưa to.\n");
    env
}

fn index(env: &TestEnv, args: &[&str]) -> common::Summary {
    let mut all = vec!["index"];
    all.extend_from_slice(args);
    let run = env.run(all);
    run.ok();
    run.summary()
}

fn search_json(env: &TestEnv, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let run = env.run(all);
    run.ok();
    run.json()
}

// ---------------------------------------------------------------------------------------------
// tim index: what gets in, what is skipped and said so
// ---------------------------------------------------------------------------------------------

#[test]
fn index_reports_every_file_it_skips_by_reason() {
    let env = TestEnv::new();
    let schema = default_schema();
    let small = schema.replace("max_file_bytes = 52428800", "max_file_bytes = 1000");
    assert_ne!(small, schema, "the default schema sets max_file_bytes");
    env.write("small.toml", small)
        .write("corpus/readme.txt", "Hello from the top of the corpus.\n")
        .write(
            "corpus/a/b/c/deep.txt",
            "A deeply nested passage about otters.\n",
        )
        .write("corpus/binary.dat", b"ELF\x00\x01\x02 otters \x00\x00")
        .write(
            "corpus/latin1.txt",
            b"Un caf\xe9 au lait, s'il vous pla\xeet.\n",
        )
        .write("corpus/empty.txt", "")
        .write("corpus/big.txt", "otters ".repeat(300))
        .write("corpus/secret.txt", "The secret word is pangolin.\n");

    let run = env
        .tim()
        .args(["index", "corpus", "--schema", "small.toml"])
        .env("TIM_FAULT_UNREADABLE", "secret.txt")
        .output()
        .expect("run tim");
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    let summary = common::Summary::find(&stderr);
    assert_eq!(
        summary.counts(),
        (4, 0, 0, 3),
        "readme, deep, latin1 and empty are indexed: {}",
        summary.line
    );
    let reasons: BTreeMap<String, u64> = [("binary", 1), ("too large", 1), ("unreadable", 1)]
        .into_iter()
        .map(|(r, n)| (r.to_string(), n))
        .collect();
    assert_eq!(summary.reasons, reasons, "{}", summary.line);
    // Latin-1 bytes are not UTF-8: the decoder recognises Western text (windows-1252).
    assert!(
        summary.line.contains("1 converted from legacy encodings"),
        "{}",
        summary.line
    );
    // Each skipped file is named in a warning.
    for name in ["binary.dat", "big.txt", "secret.txt"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("tim: skipped") && l.contains(name)),
            "no warning for {name}:\n{stderr}"
        );
    }

    // The nested file and the converted one are searchable; the skipped ones are not.
    let hits = search_json(&env, &["otters", "--index", "corpus/.tim"]);
    let paths: Vec<&str> = hits.iter().map(|h| str_of(h, "path")).collect();
    assert_eq!(paths, ["a/b/c/deep.txt"]);
    let hits = search_json(&env, &["lait", "--index", "corpus/.tim"]);
    assert_eq!(str_of(&hits[0], "path"), "latin1.txt");
    assert!(str_of(&hits[0], "snippet").contains("Un café au lait, s'il vous plaît."));
    env.run(["search", "pangolin", "--index", "corpus/.tim"])
        .code(1);
}

#[test]
fn an_unreadable_file_keeps_what_was_indexed_of_it() {
    let env = TestEnv::new();
    env.write("corpus/secret.txt", "The secret word is pangolin.\n");
    index(&env, &["corpus"]);

    let mut cmd = env.tim();
    cmd.args(["index", "corpus"])
        .env("TIM_FAULT_UNREADABLE", "secret.txt");
    let run = common::Run::of(&mut cmd);
    run.ok();
    assert_eq!(run.summary().counts(), (0, 0, 0, 1), "{}", run.stderr);

    let hits = search_json(&env, &["pangolin", "corpus", "--no-refresh"]);
    assert_eq!(hits.len(), 1, "the passing permission problem lost nothing");
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_reported_not_fatal() {
    let env = TestEnv::new();
    env.write("corpus/sub/note.txt", "A note about walruses.\n")
        .symlink("..", "corpus/sub/loop");

    // Links are not followed by default: the loop is not even seen.
    let summary = index(&env, &["corpus"]);
    assert_eq!(summary.counts(), (1, 0, 0, 0), "{}", summary.line);

    let run = env.run(["index", "corpus", "--follow", "--rebuild"]);
    run.ok();
    let summary = run.summary();
    assert_eq!(summary.indexed, 1, "{}", summary.line);
    assert_eq!(
        summary.reasons.get("symlink loop"),
        Some(&1),
        "{}",
        summary.line
    );
    assert!(run.stderr.contains("loop"), "{}", run.stderr);
    env.run(["search", "walruses", "corpus", "--no-refresh"])
        .ok();
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_indexed_and_found() {
    use base64::Engine;
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let env = TestEnv::new();
    let name = OsStr::from_bytes(b"caf\xe9.txt");
    env.write(
        std::path::Path::new("corpus").join(name),
        "Tapirs drink coffee here.\n",
    );
    // A second name that differs only in its invalid byte must not share the first one's key.
    let twin = OsStr::from_bytes(b"caf\xe8.txt");
    env.write(
        std::path::Path::new("corpus").join(twin),
        "Okapis drink tea here.\n",
    );

    index(&env, &["corpus"]);
    let twins = search_json(&env, &["okapis", "corpus"]);
    assert_eq!(twins.len(), 1);
    assert_eq!(str_of(&twins[0], "path"), "caf\\xE8.txt");
    let hits = search_json(&env, &["tapirs", "corpus"]);
    assert_eq!(hits.len(), 1);
    assert_eq!(str_of(&hits[0], "path"), "caf\\xE9.txt");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(str_of(&hits[0], "path_bytes_base64"))
        .expect("base64");
    assert_eq!(raw, b"caf\xe9.txt");

    // Human output names it too.
    let run = env.run(["search", "tapirs", "corpus"]);
    run.ok();
    assert!(run.stdout.contains("caf\\xE9.txt:1:"), "{}", run.stdout);
}

/// A corpus directory whose own name is not UTF-8 prefixes the hits with its bytes escaped as
/// the names inside it are, `\xFF`, not with U+FFFD.
#[cfg(unix)]
#[test]
fn a_corpus_path_that_is_not_utf8_is_shown_escaped() {
    use std::os::unix::ffi::OsStrExt;

    let env = TestEnv::new();
    let corpus = std::path::PathBuf::from(std::ffi::OsStr::from_bytes(b"r\xff"));
    env.write(corpus.join("ocelot.txt"), "Ocelots climb.\n");
    let mut cmd = env.tim();
    cmd.arg("search").arg("-l").arg("ocelots").arg(&corpus);
    let run = common::Run::of(&mut cmd);
    run.ok();
    assert_eq!(run.stdout, "r\\xFF/ocelot.txt\n");
}

#[test]
fn hits_found_without_a_corpus_argument_are_shown_from_the_working_directory() {
    // Regression: found upwards, or through `--index`, an index printed paths from its corpus
    // root, which did not open from where `tim` ran.
    let env = TestEnv::new();
    env.write("corpus/docs/deep/quokka.txt", "Quokkas smile.\n");
    index(&env, &["corpus"]);

    let run = env.run([
        "search",
        "--color",
        "never",
        "quokkas",
        "--index",
        "corpus/.tim",
    ]);
    run.ok();
    assert!(
        run.stdout.starts_with("corpus/docs/deep/quokka.txt:1:"),
        "{}",
        run.stdout
    );
    let mut cmd = env.tim();
    cmd.current_dir(env.path("corpus/docs"))
        .args(["search", "-l", "quokkas"]);
    let run = common::Run::of(&mut cmd);
    run.ok();
    assert_eq!(run.stdout, "../docs/deep/quokka.txt\n");
    assert!(env
        .path("corpus/docs")
        .join("../docs/deep/quokka.txt")
        .is_file());
    // An index kept elsewhere knows its corpus too (it is recorded, not guessed from the
    // index's place: a `.tim` need not sit in its corpus).
    index(&env, &["corpus", "--index", "away/.tim"]);
    let mut cmd = env.tim();
    cmd.current_dir(env.path("away"))
        .args(["search", "-l", "quokkas"]);
    let run = common::Run::of(&mut cmd);
    run.ok();
    assert_eq!(run.stdout, "../corpus/docs/deep/quokka.txt\n");
    // From the corpus root itself, the paths are the corpus's own; JSON keeps those always.
    let mut cmd = env.tim();
    cmd.current_dir(env.path("corpus"))
        .args(["search", "-l", "quokkas"]);
    let run = common::Run::of(&mut cmd);
    assert_eq!(run.stdout, "docs/deep/quokka.txt\n");
    let mut cmd = env.tim();
    cmd.current_dir(env.path("corpus/docs"))
        .args(["search", "--json", "quokkas"]);
    assert_eq!(common::Run::of(&mut cmd).paths(), ["docs/deep/quokka.txt"]);
}

/// `-l --json` names a source as fully as a hit does: `path_bytes_base64` for a file name that
/// is not UTF-8 (its `path` alone is lossy and cannot be opened), `id` for a JSON Lines record.
#[cfg(unix)]
#[test]
fn files_with_matches_in_json_keep_the_raw_name_and_the_id() {
    use base64::Engine;
    use std::os::unix::ffi::OsStrExt;

    let env = TestEnv::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    env.write(
        std::path::Path::new("corpus").join(name),
        "Tapirs drink coffee here.\n",
    );
    index(&env, &["corpus"]);
    let run = env.run(["search", "-l", "--json", "tapirs", "corpus"]);
    run.ok();
    let files = run.json();
    assert_eq!(files.len(), 1, "{}", run.stdout);
    assert_eq!(str_of(&files[0], "path"), "caf\\xE9.txt");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(str_of(&files[0], "path_bytes_base64"))
        .expect("base64");
    assert_eq!(raw, b"caf\xe9.txt");

    env.write("records.jsonl", r#"{"_id": "r1", "text": "Tapirs again."}"#);
    index(&env, &["--jsonl", "records.jsonl"]);
    let run = env.run([
        "search",
        "-l",
        "--json",
        "tapirs",
        "--index",
        "records.jsonl.tim",
    ]);
    run.ok();
    let files = run.json();
    assert_eq!(files.len(), 1, "{}", run.stdout);
    assert_eq!(str_of(&files[0], "id"), "r1");
}

#[test]
fn gitignore_is_honoured_unless_no_ignore() {
    let env = TestEnv::new();
    env.write("corpus/.gitignore", "drafts/\n*.log\n")
        .write("corpus/kept.txt", "Quokkas are kept.\n")
        .write("corpus/drafts/draft.txt", "Quokkas in a draft.\n")
        .write("corpus/run.log", "Quokkas in a log.\n");

    let summary = index(&env, &["corpus"]);
    assert_eq!(summary.counts(), (1, 0, 0, 0), "{}", summary.line);
    let hits = search_json(&env, &["quokkas", "corpus", "--no-refresh"]);
    let paths: Vec<&str> = hits.iter().map(|h| str_of(h, "path")).collect();
    assert_eq!(paths, ["kept.txt"]);

    let summary = index(&env, &["corpus", "--no-ignore"]);
    assert_eq!(summary.counts(), (2, 1, 0, 0), "{}", summary.line);
    let hits = search_json(&env, &["quokkas", "corpus", "--no-refresh"]);
    let mut paths: Vec<&str> = hits.iter().map(|h| str_of(h, "path")).collect();
    paths.sort();
    assert_eq!(paths, ["drafts/draft.txt", "kept.txt", "run.log"]);
}

#[test]
fn hidden_files_are_skipped_unless_hidden() {
    let env = TestEnv::new();
    env.write("corpus/seen.txt", "Ibis in the open.\n")
        .write("corpus/.hidden.txt", "Ibis in a hidden file.\n")
        .write("corpus/.config/inner.txt", "Ibis in a hidden directory.\n");

    assert_eq!(index(&env, &["corpus"]).counts(), (1, 0, 0, 0));
    let summary = index(&env, &["corpus", "--hidden"]);
    assert_eq!(summary.counts(), (2, 1, 0, 0), "{}", summary.line);
    let hits = search_json(&env, &["ibis", "corpus", "--no-refresh"]);
    let mut paths: Vec<&str> = hits.iter().map(|h| str_of(h, "path")).collect();
    paths.sort();
    assert_eq!(paths, [".config/inner.txt", ".hidden.txt", "seen.txt"]);
}

#[test]
fn glob_and_exclude_select_files() {
    let env = TestEnv::new();
    env.write("corpus/notes/a.md", "Lemurs in markdown.\n")
        .write("corpus/notes/b.txt", "Lemurs in text.\n")
        .write("corpus/notes/skip/c.md", "Lemurs in an excluded folder.\n");

    let summary = index(&env, &["corpus", "--glob", "*.md", "--exclude", "skip"]);
    assert_eq!(summary.counts(), (1, 0, 0, 0), "{}", summary.line);
    let hits = search_json(&env, &["lemurs", "corpus", "--no-refresh"]);
    let paths: Vec<&str> = hits.iter().map(|h| str_of(h, "path")).collect();
    assert_eq!(paths, ["notes/a.md"]);
}

#[test]
fn an_index_kept_inside_the_corpus_under_another_name_is_not_indexed() {
    let env = TestEnv::new();
    env.write("corpus/a.txt", "Narwhals.\n");
    let summary = index(&env, &["corpus", "--index", "corpus/idx"]);
    assert_eq!(summary.counts(), (1, 0, 0, 0), "{}", summary.line);
    let summary = index(&env, &["corpus", "--index", "corpus/idx"]);
    assert_eq!(summary.counts(), (0, 1, 0, 0), "{}", summary.line);
    let info = env.run(["info", "--json", "corpus/idx"]);
    info.ok();
    assert_eq!(info.json()[0]["files"], 1);
}

// ---------------------------------------------------------------------------------------------
// Incremental indexing
// ---------------------------------------------------------------------------------------------

#[test]
fn reindexing_picks_up_edits_additions_and_deletions() {
    let env = TestEnv::new();
    env.write("corpus/keep.txt", "The okapi stays the same.\n")
        .write("corpus/edit.txt", "The old text mentions aardvarks.\n")
        .write(
            "corpus/gone.txt",
            "This file about capybaras will be deleted.\n",
        );

    assert_eq!(index(&env, &["corpus"]).counts(), (3, 0, 0, 0));

    // Nothing changed: nothing is indexed again.
    let summary = index(&env, &["corpus"]);
    assert_eq!(summary.counts(), (0, 3, 0, 0), "{}", summary.line);

    env.write("corpus/edit.txt", "The new text mentions armadillos.\n")
        .write("corpus/new.txt", "A new file about echidnas.\n")
        .remove("corpus/gone.txt");
    let summary = index(&env, &["corpus"]);
    assert_eq!(summary.counts(), (2, 1, 1, 0), "{}", summary.line);

    let hits = search_json(&env, &["armadillos", "corpus", "--no-refresh"]);
    assert_eq!(str_of(&hits[0], "path"), "edit.txt");
    env.run(["search", "aardvarks", "corpus", "--no-refresh"])
        .code(1);
    env.run(["search", "capybaras", "corpus", "--no-refresh"])
        .code(1);
    let hits = search_json(&env, &["echidnas", "corpus", "--no-refresh"]);
    assert_eq!(str_of(&hits[0], "path"), "new.txt");

    let info = env.run(["info", "--json", "corpus"]);
    info.ok();
    let info = &info.json()[0];
    assert_eq!(info["files"], 3, "{info}");
    assert_eq!(info["passages"], 3, "{info}");
}

#[test]
fn rebuild_starts_from_scratch() {
    let env = TestEnv::new();
    env.write("corpus/a.txt", "Pelicans.\n")
        .write("corpus/b.txt", "Cormorants.\n");
    index(&env, &["corpus"]);
    let summary = index(&env, &["corpus", "--rebuild"]);
    assert_eq!(summary.counts(), (2, 0, 0, 0), "{}", summary.line);
    let info = env.run(["info", "--json", "corpus"]);
    assert_eq!(info.json()[0]["files"], 2);
}

#[test]
fn another_schema_needs_rebuild() {
    let env = TestEnv::new();
    env.write("corpus/a.txt", "Pelicans.\n").write(
        "other.toml",
        default_schema().replace("max_chars = 220", "max_chars = 120"),
    );
    index(&env, &["corpus"]);

    let run = env.run(["index", "corpus", "--schema", "other.toml"]);
    let line = run.error_line();
    assert!(line.contains("--rebuild"), "{line}");

    let summary = index(&env, &["corpus", "--schema", "other.toml", "--rebuild"]);
    assert_eq!(summary.counts(), (1, 0, 0, 0), "{}", summary.line);
    // The stored schema is now the new one: giving it again is fine.
    let summary = index(&env, &["corpus", "--schema", "other.toml"]);
    assert_eq!(summary.counts(), (0, 1, 0, 0), "{}", summary.line);
}

#[test]
fn a_second_writer_is_refused_and_searches_use_the_last_commit() {
    let env = TestEnv::new();
    env.write("corpus/a.txt", "Flamingos stand on one leg.\n");
    index(&env, &["corpus"]);
    env.write("corpus/b.txt", "Flamingos are pink.\n");

    let index = timkiem::Index::open(&env.path("corpus/.tim")).expect("open the index");
    let writer: tantivy::IndexWriter = index.writer(1, 15_000_000).expect("take the writer lock");

    let line = env.run(["index", "corpus"]).error_line().to_string();
    assert!(line.contains("being written by another process"), "{line}");

    let run = env.run(["search", "--json", "flamingos", "corpus"]);
    run.ok();
    assert_eq!(run.paths(), ["a.txt"], "the last commit, without b.txt");
    assert!(
        run.stderr.contains("being written by another process"),
        "{}",
        run.stderr
    );
    drop(writer);

    // Once the lock is released, the next search refreshes.
    let run = env.run(["search", "--json", "flamingos", "corpus"]);
    run.ok();
    assert_eq!(run.json().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// tim search: output
// ---------------------------------------------------------------------------------------------

/// The `line` and `match_line` of the single hit of `query` in the index `corpus/.tim`.
fn passage_and_match_line(env: &TestEnv, query: &str) -> (u64, u64) {
    let hits = search_json(env, &[query, "--index", "corpus/.tim"]);
    assert_eq!(hits.len(), 1, "{query}: {hits:?}");
    (
        hits[0]["line"].as_u64().unwrap(),
        hits[0]["match_line"].as_u64().unwrap(),
    )
}

/// What `tim search` prints for `query` in the index `corpus/.tim`, without colour (paths from
/// the working directory: `corpus/...`).
fn human_output(env: &TestEnv, query: &str) -> String {
    let run = env.run([
        "search",
        "--color",
        "never",
        query,
        "--index",
        "corpus/.tim",
    ]);
    run.ok();
    run.stdout
}

/// `path:line:` points at the line of the first highlighted word, as in ripgrep, not at the
/// start of its passage (a paragraph of many lines); JSON gives both.
#[test]
fn hits_point_at_the_line_of_their_match() {
    let env = TestEnv::new();
    env.write(
        "corpus/a.txt",
        "Tiêu đề ở dòng một\n\
         dòng hai chưa có gì\n\
         ở dòng ba là Hoàng Xuân Chiến\n\
         \n\
         Đoạn hai, dòng năm,\n\
         và dòng sáu: Đà Nẵng.\n",
    );
    index(&env, &["corpus"]);
    let lines = |query: &str| passage_and_match_line(&env, query);
    assert_eq!(lines("Hoang Xuan Chien"), (1, 3));
    // Both paragraphs are short, so they make one passage; its match is still on line 6.
    assert_eq!(lines("Đà Nẵng"), (1, 6));
    let stdout = human_output(&env, "Chiến");
    assert!(stdout.starts_with("corpus/a.txt:3:"), "{stdout}");
}

/// In an HTML page, `path:line:` is the line of the page the match is on, not of the text
/// extracted from it (the head, scripts and tags take lines the text does not have).
#[test]
fn hits_in_an_html_page_point_at_the_line_of_the_page() {
    let env = TestEnv::new();
    env.write(
        "corpus/page.html",
        "<!doctype html>\n\
         <html>\n\
         <head>\n\
         <title>Tin &amp; bài</title>\n\
         <script>\n\
         var x = 1;\n\
         </script>\n\
         </head>\n\
         <body>\n\
         <p>Đoạn đầu tiên,\n\
         chưa có gì.</p>\n\
         <div>\n\
         <p>Ở dòng mười ba là Hoàng Xuân Chiến</p>\n\
         </div>\n\
         <p>Và dòng mười lăm: Đà Nẵng.</p>\n\
         </body></html>\n",
    );
    index(&env, &["corpus"]);
    let lines = |query: &str| passage_and_match_line(&env, query);
    // One short passage, starting with the title on line 4.
    assert_eq!(lines("Hoang Xuan Chien"), (4, 13));
    assert_eq!(lines("Đà Nẵng"), (4, 15));
    assert_eq!(lines("chưa có gì"), (4, 11));
    let stdout = human_output(&env, "Chiến");
    assert!(stdout.starts_with("corpus/page.html:13:"), "{stdout}");
}

#[test]
fn json_hits_have_the_documented_shape() {
    let env = bilingual();
    let run = env.run(["search", "--json", "Hoang Xuan Chien", "corpus"]);
    run.ok();
    let hits = run.json();
    assert!(!hits.is_empty());
    for hit in &hits {
        let keys: Vec<&str> = hit
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut keys = keys;
        keys.sort();
        assert_eq!(
            keys,
            [
                "bytes",
                "highlights",
                "line",
                "match_line",
                "passage",
                "path",
                "score",
                "snippet",
                // Typed without accents, the query gets its restored form on every hit.
                "suggestion",
            ]
        );
        assert_eq!(str_of(hit, "suggestion"), "Hoàng Xuân Chiến");
        assert!(hit["score"].as_f64().unwrap() > 0.0);
        assert!(hit["line"].as_u64().unwrap() >= 1);
        let [start, end] = [
            hit["bytes"][0].as_u64().unwrap(),
            hit["bytes"][1].as_u64().unwrap(),
        ];
        assert!(start < end);
        // The passage bytes are the file's own (UTF-8) bytes, and the snippet is taken from it
        // (each run of whitespace shown as one space).
        let file = env.read(format!("corpus/{}", str_of(hit, "path")));
        let passage = std::str::from_utf8(&file[start as usize..end as usize]).unwrap();
        let passage = passage.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(passage.contains(str_of(hit, "snippet")), "{hit}");
        for word in highlighted(hit) {
            let folded = timkiem::text::strip_diacritics(&word).to_lowercase();
            assert!(
                ["hoang", "xuan", "chien"].contains(&folded.as_str()),
                "highlighted {word:?} in {hit}"
            );
        }
    }
    // Both spellings of the name are found.
    let paths: Vec<&str> = hits.iter().map(|h| str_of(h, "path")).collect();
    assert!(paths.contains(&"en/chien.txt") && paths.contains(&"vi/chien.txt"));
    // Scores descend.
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn limit_caps_the_hits() {
    let env = bilingual();
    let all = search_json(&env, &["hôm nay", "corpus"]);
    assert_eq!(all.len(), 4);
    let two = search_json(&env, &["hôm nay", "corpus", "--limit", "2"]);
    assert_eq!(two, all[..2]);
    let one = search_json(&env, &["-n", "1", "hôm nay", "corpus"]);
    assert_eq!(one, all[..1]);
}

#[test]
fn glob_filters_before_the_limit() {
    let env = bilingual();
    let all = search_json(&env, &["hôm nay", "corpus"]);
    let last = str_of(all.last().unwrap(), "path").to_string();
    let name = last.rsplit('/').next().unwrap();
    let hits = search_json(&env, &["hôm nay", "corpus", "--limit", "1", "--glob", name]);
    let paths: Vec<&str> = hits.iter().map(|h| str_of(h, "path")).collect();
    assert_eq!(paths, [last.as_str()]);
    // A glob with a directory matches the whole path.
    let hits = search_json(&env, &["chien", "corpus", "--glob", "en/*"]);
    assert!(hits.iter().all(|h| str_of(h, "path").starts_with("en/")));
    assert!(!hits.is_empty());
}

#[test]
fn files_with_matches_prints_each_path_once() {
    let env = TestEnv::new();
    let paragraph = "Wombats dig burrows with their strong claws, and wombats sleep in them during the hot part of the day, coming out at dusk to graze on grasses and roots across the bush. ";
    let many = format!("{0}\n\n{0}\n\n{0}\n\n{0}\n", paragraph.repeat(2));
    env.write("corpus/many.txt", many)
        .write("corpus/other.txt", "Koalas sleep all day.\n");
    let hits = search_json(&env, &["wombats", "corpus"]);
    assert!(hits.iter().filter(|h| h["path"] == "many.txt").count() > 1);

    let run = env.run(["search", "-l", "wombats", "corpus"]);
    run.ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines, ["corpus/many.txt"]);
}

#[test]
fn colour_only_when_asked() {
    let env = bilingual();
    index(&env, &["corpus"]);
    let search = |extra: &[&str], no_color: bool| {
        let mut cmd = env.tim();
        cmd.args(["search", "Đà Nẵng", "corpus", "--no-refresh"])
            .args(extra);
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let run = common::Run::of(&mut cmd);
        run.ok();
        run.stdout
    };
    let coloured = search(&["--color", "always"], false);
    assert!(coloured.contains("\x1b["), "{coloured:?}");
    for plain in [
        search(&["--color", "never"], false),
        search(&[], false),
        search(&[], true),
    ] {
        assert!(!plain.contains('\x1b'), "{plain:?}");
        assert!(plain.contains("corpus/vi/danang.txt:1:"), "{plain}");
        assert!(plain.contains("Đà Nẵng"), "{plain}");
    }
    // An explicit --color always wins over NO_COLOR, as in ripgrep.
    assert!(search(&["--color", "always"], true).contains("\x1b["));
}

#[test]
fn exit_status_says_whether_anything_matched() {
    let env = bilingual();
    index(&env, &["corpus"]);
    env.run(["search", "Hanoi", "corpus"]).ok();
    let run = env.run(["search", "xylophone", "corpus"]);
    run.code(1);
    assert_eq!(run.stdout, "");
    let run = env.run(["search", "--json", "xylophone", "corpus"]);
    run.code(1);
    assert_eq!(run.stdout, "");
}

/// `--explain` on queries some of whose clauses match nothing in the index (a word pair never
/// seen, an absent word, a quoted phrase, an exclusion): it explains, exits 0, and never panics,
/// in debug builds too (tantivy's explain seeks scorers that match nothing). The explanation goes
/// to stderr, beside the hits.
#[test]
fn explain_survives_clauses_that_match_nothing() {
    let env = bilingual();
    index(&env, &["corpus"]);
    for query in [
        "bàn xylophone",
        "Hoang Xuan Chien zzz",
        "\"Hà Nội\" hội nghị",
        "Vietnam country -Asia",
    ] {
        let run = env.run(["search", "--explain", query, "corpus"]);
        run.ok();
        assert!(run.stderr.contains(" score "), "{query}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{query}: {}", run.stderr);
    }
}

#[test]
fn errors_are_one_line_and_exit_2() {
    let env = TestEnv::new();
    env.write("corpus/a.txt", "Hello.\n").mkdir("empty");

    // No index anywhere above the working directory.
    let mut cmd = env.tim();
    cmd.current_dir(env.path("empty")).args(["search", "hello"]);
    let run = common::Run::of(&mut cmd);
    assert!(run.error_line().contains("no index"), "{}", run.stderr);

    let run = env.run(["search", "hello", "--index", "nowhere"]);
    assert!(run.error_line().contains("nowhere"), "{}", run.stderr);
    let run = env.run(["search", "hello", "missing-corpus"]);
    assert!(
        run.error_line().contains("missing-corpus"),
        "{}",
        run.stderr
    );
    let run = env.run(["index", "missing-corpus"]);
    assert!(
        run.error_line().contains("missing-corpus"),
        "{}",
        run.stderr
    );
    let run = env.run(["info", "nowhere"]);
    assert!(run.error_line().contains("nowhere"), "{}", run.stderr);
    let run = env.run(["search", "hello", "corpus", "--glob", "[oops"]);
    assert!(run.error_line().contains("[oops"), "{}", run.stderr);
    let run = env.run(["index", "corpus", "--schema", "no-such-schema.toml"]);
    assert!(
        run.error_line().contains("no-such-schema.toml"),
        "{}",
        run.stderr
    );
}

/// Bad arguments are errors like the others: one `tim: ` line, exit 2. clap's own report took
/// five lines (the message, a blank line, a usage block, a hint); its message, tips and usage
/// are kept on the one line. Help and version still print as usual, on stdout.
#[test]
fn bad_arguments_are_one_line_and_exit_2() {
    let env = TestEnv::new();
    for (args, expected) in [
        (&["search"][..], "<QUERY>"),
        (&["search", "-n", "abc", "x"], "'abc'"),
        (&["search", "-n", "-1", "x"], "'-1'"),
        (&["bogus"], "'bogus'"),
        (
            &["search", "--color", "sometimes", "x"],
            "auto, always, never",
        ),
        (&["index", "--jsonl", "a.jsonl", "corpus"], "--jsonl"),
        (&["search", "x", "--follow-outside"], "--follow-outside"),
        (&["search", "--queries"], "--queries"),
        (&["completions", "nosh"], "'nosh'"),
        (
            &["search", "--limit", "\u{1b}]0;title\u{7}", "x"],
            "--limit",
        ),
    ] {
        let run = env.run(args);
        let line = run.error_line();
        assert!(line.contains(expected), "{args:?}: {line}");
        assert!(
            !line.contains('\u{1b}') && !line.contains('\u{7}'),
            "{line:?}"
        );
    }
    let run = env.run(["--version"]);
    run.ok();
    assert!(run.stdout.starts_with("tim "), "{}", run.stdout);
    let run = env.run(["search", "--help"]);
    run.ok();
    assert!(run.stdout.contains("Usage: tim search"), "{}", run.stdout);
}

// ---------------------------------------------------------------------------------------------
// tim search: which index
// ---------------------------------------------------------------------------------------------

#[test]
fn the_index_is_found_by_flag_variable_or_upwards() {
    let env = TestEnv::new();
    env.write("corpus/deep/er/note.txt", "Axolotls regrow limbs.\n");
    index(&env, &["corpus", "--index", "elsewhere"]);
    index(&env, &["corpus"]);

    let run = env.run(["search", "--json", "axolotls", "--index", "elsewhere"]);
    run.ok();
    assert_eq!(run.paths(), ["deep/er/note.txt"]);

    let mut cmd = env.tim();
    cmd.args(["search", "--json", "axolotls"])
        .env("TIM_INDEX", env.path("elsewhere"));
    let run = common::Run::of(&mut cmd);
    run.ok();
    assert_eq!(run.paths(), ["deep/er/note.txt"]);

    // From deep inside the corpus, the nearest .tim upwards.
    let mut cmd = env.tim();
    cmd.current_dir(env.path("corpus/deep/er"))
        .args(["search", "--json", "axolotls"]);
    let run = common::Run::of(&mut cmd);
    run.ok();
    assert_eq!(run.paths(), ["deep/er/note.txt"]);

    // `tim info` finds it the same ways.
    let mut cmd = env.tim();
    cmd.current_dir(env.path("corpus/deep"))
        .args(["info", "--json"]);
    let run = common::Run::of(&mut cmd);
    run.ok();
    assert_eq!(run.json()[0]["files"], 1);
    let mut cmd = env.tim();
    cmd.args(["info", "--json"]).env("TIM_INDEX", "elsewhere");
    let run = common::Run::of(&mut cmd);
    run.ok();
    assert_eq!(run.json()[0]["files"], 1);
}

#[test]
fn tim_index_variable_never_redirects_a_corpus_search() {
    // Regression: clap read `$TIM_INDEX` as `--index`, so `tim search QUERY CORPUS` refreshed
    // CORPUS into that index and removed every file of the corpus it had been built from.
    let env = TestEnv::new();
    env.write("a/apple.txt", "Apple orchards in spring.\n")
        .write("b/banana.txt", "Banana plantations in spring.\n");
    index(&env, &["a", "--index", "idx-a"]);

    let mut cmd = env.tim();
    cmd.args(["search", "--json", "-q", "spring", "b"])
        .env("TIM_INDEX", env.path("idx-a"));
    let run = common::Run::of(&mut cmd);
    run.ok();
    assert_eq!(run.paths(), ["banana.txt"]);
    assert!(
        env.path("b/.tim/meta.json").is_file(),
        "b gets its own index"
    );

    // The index of `a` still holds `a`, and only `a`.
    let run = env.run(["search", "--json", "spring", "--index", "idx-a"]);
    run.ok();
    assert_eq!(run.paths(), ["apple.txt"]);

    // An exported but empty variable is no index, not an error.
    let mut cmd = env.tim();
    cmd.args(["search", "--json", "-q", "banana", "b"])
        .env("TIM_INDEX", "");
    common::Run::of(&mut cmd).ok();
}

#[test]
fn search_refreshes_the_index_unless_told_not_to() {
    let env = TestEnv::new();
    env.write("corpus/a.txt", "Manatees graze.\n");
    // The first search builds the index.
    let run = env.run(["search", "--json", "manatees", "corpus"]);
    run.ok();
    assert!(env.path("corpus/.tim/meta.json").is_file());

    env.write("corpus/b.txt", "Dugongs graze too.\n");
    env.run(["search", "dugongs", "corpus", "--no-refresh"])
        .code(1);
    let run = env.run(["search", "--json", "dugongs", "corpus"]);
    run.ok();
    assert_eq!(run.paths(), ["b.txt"]);
}

#[test]
fn a_binary_file_is_skipped_and_counted_on_every_run() {
    // Regression: after the run that read it, a binary file was counted as unchanged, with no
    // warning, and `tim info` counted it among the indexed files.
    let env = TestEnv::new();
    env.write("corpus/okapi.txt", "Okapis browse.\n")
        .write("corpus/blob.bin", b"x\0y\0z");
    for round in 0..2 {
        let run = env.run(["index", "corpus"]);
        run.ok();
        let summary = run.summary();
        let expected = if round == 0 {
            (1, 0, 0, 1)
        } else {
            (0, 1, 0, 1)
        };
        assert_eq!(summary.counts(), expected, "{}", summary.line);
        assert_eq!(summary.reasons.get("binary"), Some(&1), "{}", summary.line);
        assert!(run.stderr.contains("blob.bin: binary"), "{}", run.stderr);
    }
    let run = env.run(["info", "--json", "corpus"]);
    run.ok();
    assert_eq!(run.json()[0]["files"], 1);
    assert_eq!(run.json()[0]["binary_files"], 1);
    // Made text, it is indexed like any file.
    env.write("corpus/blob.bin", "Okapis again.\n");
    let summary = index(&env, &["corpus"]);
    assert_eq!(summary.counts(), (1, 1, 0, 0), "{}", summary.line);
}

#[test]
fn a_refresh_keeps_the_files_the_index_was_built_from() {
    // Regression: the refresh of `tim search QUERY CORPUS` walked with the default options, so
    // an index built with `--hidden --exclude` lost its hidden files and gained excluded ones.
    let env = TestEnv::new();
    env.write("corpus/seen.txt", "Zebras graze.\n")
        .write("corpus/.hidden.txt", "Zebras hide.\n")
        .write("corpus/sub/left.txt", "Zebras stay out.\n");
    let summary = index(&env, &["corpus", "--hidden", "--exclude", "sub/**"]);
    assert_eq!(summary.counts(), (2, 0, 0, 0), "{}", summary.line);
    let files = |env: &TestEnv| -> Vec<String> {
        let run = env.run(["search", "--json", "-q", "zebras", "corpus"]);
        run.ok();
        let mut paths = run.paths();
        paths.sort();
        paths
    };
    assert_eq!(files(&env), [".hidden.txt", "seen.txt"]);
    // A file added in the same scope is picked up, as hidden as it is.
    env.write("corpus/.more.txt", "Zebras hide again.\n");
    assert_eq!(files(&env), [".hidden.txt", ".more.txt", "seen.txt"]);
    // An index of an older format is rebuilt by the refresh, in the scope it had.
    let schema_file = env.path("corpus/.tim/timkiem.toml");
    let schema = std::fs::read_to_string(&schema_file).unwrap();
    let current = format!("format = {}", timkiem::schema::FORMAT_VERSION);
    let older = format!("format = {}", timkiem::schema::FORMAT_VERSION - 1);
    assert!(schema.contains(&current));
    std::fs::write(&schema_file, schema.replace(&current, &older)).unwrap();
    assert_eq!(files(&env), [".hidden.txt", ".more.txt", "seen.txt"]);
    let info = std::fs::read_to_string(&schema_file).unwrap();
    assert!(info.contains(&current), "rebuilt at the current format");

    // `tim index` takes the options it is given: without them, the defaults are the scope.
    let summary = index(&env, &["corpus"]);
    assert_eq!(summary.counts(), (1, 1, 2, 0), "{}", summary.line);
    assert_eq!(files(&env), ["seen.txt", "sub/left.txt"]);
    // A run that changes only the scope (it excludes no file yet) still records it.
    let summary = index(&env, &["corpus", "--exclude", "new/**"]);
    assert_eq!(summary.counts(), (0, 2, 0, 0), "{}", summary.line);
    env.write("corpus/new/late.txt", "Zebras arrive late.\n");
    assert_eq!(files(&env), ["seen.txt", "sub/left.txt"]);
}

// ---------------------------------------------------------------------------------------------
// tim search: batch, pipes, odd queries
// ---------------------------------------------------------------------------------------------

#[test]
fn batch_queries_tag_each_hit_with_its_query() {
    let env = bilingual();
    index(&env, &["corpus"]);
    env.write(
        "queries.jsonl",
        concat!(
            r#"{"_id": "q1", "text": "Da Nang"}"#,
            "\n",
            r#"{"_id": "q2", "text": "Hoang Xuan Chien"}"#,
            "\n",
            r#"{"_id": "q3", "text": "xylophone"}"#,
            "\n",
        ),
    );
    let run = env.run([
        "search",
        "--json",
        "--queries",
        "queries.jsonl",
        "--index",
        "corpus/.tim",
    ]);
    run.ok();
    let hits = run.json();
    let ids: Vec<&str> = hits.iter().map(|h| str_of(h, "query_id")).collect();
    assert!(ids.contains(&"q1") && ids.contains(&"q2"), "{ids:?}");
    assert!(!ids.contains(&"q3"));
    let first_q1 = hits.iter().find(|h| h["query_id"] == "q1").unwrap();
    assert_eq!(str_of(first_q1, "path"), "vi/danang.txt");
    // Hits of one query are printed together.
    let mut seen = Vec::new();
    for id in ids {
        if seen.last() != Some(&id) {
            assert!(!seen.contains(&id), "q{id} split");
            seen.push(id);
        }
    }

    // With a corpus directory instead of --index, the one positional argument is the corpus.
    let run = env.run(["search", "--json", "--queries", "queries.jsonl", "corpus"]);
    run.ok();
    assert_eq!(run.json().len(), hits.len());
}

#[test]
fn a_closed_pipe_ends_the_search_quietly() {
    let env = TestEnv::new();
    // Far more output than a pipe buffer holds, so `tim` must meet the closed pipe.
    let paragraph = "Pangolins roll into a ball when threatened. ".repeat(6);
    for file in 0..40 {
        let text: String = (0..10).map(|_| format!("{paragraph}\n\n")).collect();
        env.write(format!("corpus/f{file:02}.txt"), text);
    }
    let run = env.run(["index", "corpus", "--quiet"]);
    run.ok();
    assert_eq!(run.stderr, "", "--quiet prints nothing");

    let mut child = env
        .tim_std()
        .args([
            "search",
            "--json",
            "--limit",
            "10000",
            "pangolins",
            "corpus",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tim");
    {
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with('{'), "{line}");
    } // the reader goes away, like `head -1`
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("tim:"), "{stderr}");
}

#[test]
fn completions_that_cannot_be_written_are_an_error_not_a_panic() {
    // Regression: clap_complete panicked (exit 101, a backtrace) on a failed write.
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish"] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("open /dev/full");
        let output = env
            .tim_std()
            .args(["completions", shell])
            .stdout(full)
            .output()
            .expect("run tim");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{shell}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{shell}: {stderr}");
        assert!(stderr.starts_with("tim: "), "{shell}: {stderr}");

        // A reader that goes away is no error at all, as for a search.
        let mut child = env
            .tim_std()
            .args(["completions", shell])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn tim");
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{shell}: {stderr}");
        assert_eq!(stderr, "", "{shell}");
    }
}

#[test]
fn odd_queries_never_fail() {
    let env = bilingual();
    index(&env, &["corpus"]);
    let long = "Hà Nội ".repeat(1500);
    let long = &long[..10_000];
    let queries = [
        "\"Hoang Xuan",
        "\"",
        "-",
        "- -",
        "OR OR",
        "Hanoi OR OR",
        "OR",
        "-\"",
        "\"\"",
        "🦀🇻🇳",
        "Đà 🦀 Nẵng",
        "*",
        "a:b",
        "(((",
        "\\",
        "   ",
        "",
        "--",
        "-Hanoi",
        long,
    ];
    for query in queries {
        for json in [false, true] {
            let mut cmd = env.tim();
            cmd.args(["search", "--no-refresh"]);
            if json {
                cmd.arg("--json");
            }
            cmd.arg("--").arg(query).arg("corpus");
            let run = common::Run::of(&mut cmd);
            assert!(
                matches!(run.code, Some(0 | 1)),
                "query {:?}: {:?}\n{}",
                &query[..query.len().min(40)],
                run.code,
                run.stderr
            );
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
            if json {
                run.json();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Vietnamese, through the command line
// ---------------------------------------------------------------------------------------------

#[test]
fn names_match_with_or_without_diacritics() {
    let env = bilingual();
    index(&env, &["corpus"]);
    let rank = |query: &str| -> Vec<String> {
        search_json(&env, &[query, "corpus", "--no-refresh"])
            .iter()
            .map(|h| str_of(h, "path").to_string())
            .collect()
    };
    let position = |paths: &[String], path: &str| {
        paths
            .iter()
            .position(|p| p == path)
            .unwrap_or_else(|| panic!("{path} not found in {paths:?}"))
    };
    // Both spellings find both files, and the one spelled as typed ranks above the other.
    let hits = rank("Hoang Xuan Chien");
    assert!(position(&hits, "en/chien.txt") < position(&hits, "vi/chien.txt"));
    let hits = rank("Hoàng Xuân Chiến");
    assert_eq!(hits[0], "vi/chien.txt");
    assert!(position(&hits, "en/chien.txt") < hits.len());

    let hits = search_json(&env, &["Da Nang", "corpus", "--no-refresh"]);
    assert_eq!(str_of(&hits[0], "path"), "vi/danang.txt");
    assert_eq!(highlighted(&hits[0]), ["Đà", "Nẵng"]);
}

#[test]
fn viet_nam_meets_vietnam() {
    let env = bilingual();
    index(&env, &["corpus"]);
    // The two Vietnam files come first; `nằm` (folded `nam`) may follow.
    let top2 = |query: &str| {
        let mut p: Vec<String> = search_json(&env, &[query, "corpus", "--no-refresh"])
            .iter()
            .take(2)
            .map(|h| str_of(h, "path").to_string())
            .collect();
        p.sort();
        p
    };
    assert_eq!(top2("Viet Nam"), ["en/vietnam.txt", "vi/vietnam.txt"]);
    assert_eq!(top2("Việt Nam"), ["en/vietnam.txt", "vi/vietnam.txt"]);
}

#[test]
fn vietnam_meets_viet_nam() {
    // With the placeholder syllable module `vietnam` (seven ASCII letters) passes for one
    // syllable, so it is not looked up in the joined field.
    let env = bilingual();
    index(&env, &["corpus"]);
    let mut paths: Vec<String> = search_json(&env, &["Vietnam", "corpus", "--no-refresh"])
        .iter()
        .take(2)
        .map(|h| str_of(h, "path").to_string())
        .collect();
    paths.sort();
    assert_eq!(paths, ["en/vietnam.txt", "vi/vietnam.txt"]);
}

#[test]
fn accents_typed_rank_the_exact_word_first() {
    let env = bilingual();
    index(&env, &["corpus"]);
    let hits = search_json(&env, &["bàn", "corpus", "--no-refresh"]);
    let paths: Vec<&str> = hits.iter().map(|h| str_of(h, "path")).collect();
    assert_eq!(paths[0], "vi/ban.txt", "{paths:?}");
    assert!(paths.contains(&"vi/ban-sell.txt") && paths.contains(&"vi/ban-friend.txt"));
    assert!(hits[0]["score"].as_f64() > hits[1]["score"].as_f64());
}

#[test]
fn exclusions_follow_the_accents_typed() {
    let env = bilingual();
    index(&env, &["corpus"]);
    let paths = |query: &str| {
        let mut p: Vec<String> = search_json(&env, &[query, "corpus", "--no-refresh"])
            .iter()
            .map(|h| str_of(h, "path").to_string())
            .collect();
        p.sort();
        p
    };
    assert_eq!(
        paths("hôm nay"),
        [
            "vi/ban-friend.txt",
            "vi/ban-sell.txt",
            "vi/ban.txt",
            "vi/nay.txt"
        ]
    );
    assert_eq!(paths("hôm nay -ban"), ["vi/nay.txt"]);
    assert_eq!(
        paths("hôm nay -bán"),
        ["vi/ban-friend.txt", "vi/ban.txt", "vi/nay.txt"]
    );
}

#[test]
fn a_quoted_phrase_needs_the_words_together() {
    let env = bilingual();
    index(&env, &["corpus"]);
    // Unquoted, the scattered words match too.
    let loose = search_json(&env, &["Hoang Xuan Chien", "corpus", "--no-refresh"]);
    assert!(loose.iter().any(|h| h["path"] == "vi/scattered.txt"));
    let hits = search_json(&env, &["\"Hoang Xuan Chien\"", "corpus", "--no-refresh"]);
    let mut paths: Vec<&str> = hits.iter().map(|h| str_of(h, "path")).collect();
    paths.sort();
    assert_eq!(paths, ["en/chien.txt", "vi/chien.txt"]);
}

#[test]
fn highlights_land_on_the_bytes_of_decomposed_text() {
    let env = TestEnv::new();
    // NFD: each accent is its own combining character.
    let nfd = "Ông Hoa\u{300}ng Xua\u{302}n Chie\u{302}\u{301}n đến.\n";
    env.write("corpus/nfd.txt", nfd);
    let hits = search_json(&env, &["Hoàng Xuân Chiến", "corpus"]);
    assert_eq!(hits.len(), 1);
    assert_eq!(
        highlighted(&hits[0]),
        ["Hoa\u{300}ng", "Xua\u{302}n", "Chie\u{302}\u{301}n"]
    );
    let run = env.run(["search", "--color", "always", "Hoang", "corpus"]);
    run.ok();
    assert!(run.stdout.contains("Hoa\u{300}ng\x1b["), "{:?}", run.stdout);
}

/// Scraped and PDF-extracted text hides soft hyphens, zero-width joiners and word joiners
/// inside words: they are not part of the word, but the highlight still covers the bytes the
/// file holds.
#[test]
fn invisible_characters_inside_words_are_ignored() {
    let env = TestEnv::new();
    let text = "Ông Hoàng Xu\u{AD}ân Chiến thăm Việ\u{AD}t\u{A0}Nam và Đà\u{2060}Nẵng.\n";
    env.write("corpus/web.txt", text);
    let hits = search_json(&env, &["Hoang Xuan Chien", "corpus"]);
    assert_eq!(hits.len(), 1);
    assert_eq!(highlighted(&hits[0]), ["Hoàng", "Xu\u{AD}ân", "Chiến"]);
    for query in ["Vietnam", "Việt Nam", "Danang"] {
        let hits = search_json(&env, &[query, "corpus", "--no-refresh"]);
        assert_eq!(hits.len(), 1, "{query}");
    }
}

// ---------------------------------------------------------------------------------------------
// JSON Lines corpora
// ---------------------------------------------------------------------------------------------

#[test]
fn a_jsonl_corpus_is_indexed_by_record() {
    let env = TestEnv::new();
    let records = [
        r#"{"_id": "doc-1", "title": "Đà Nẵng", "text": "Thành phố biển miền Trung."}"#,
        r#"{"_id": "doc-2", "title": "Hà Nội", "text": "Thủ đô ngàn năm văn hiến."}"#,
        r#"{"_id": 3, "title": "", "text": "Record three mentions giraffes."}"#,
    ];
    env.write("records.jsonl", records.join("\n") + "\n");
    let summary = index(&env, &["--jsonl", "records.jsonl"]);
    assert_eq!(summary.counts(), (3, 0, 0, 0), "{}", summary.line);
    assert!(env.path("records.jsonl.tim/meta.json").is_file());

    let hits = search_json(&env, &["da nang", "--index", "records.jsonl.tim"]);
    assert_eq!(hits[0]["id"], "doc-1");
    assert_eq!(hits[0]["path"], "doc-1");
    let hits = search_json(&env, &["giraffes", "--index", "records.jsonl.tim"]);
    assert_eq!(hits[0]["id"], "3");
    // Human output shows the id, not a file path.
    let run = env.run(["search", "giraffes", "--index", "records.jsonl.tim"]);
    assert!(run.stdout.starts_with("3:"), "{}", run.stdout);

    let summary = index(&env, &["--jsonl", "records.jsonl"]);
    assert_eq!(summary.counts(), (0, 3, 0, 0), "{}", summary.line);

    env.write("records.jsonl", records[..2].join("\n") + "\n");
    let summary = index(&env, &["--jsonl", "records.jsonl"]);
    assert_eq!(summary.counts(), (0, 2, 1, 0), "{}", summary.line);
    env.run(["search", "giraffes", "--index", "records.jsonl.tim"])
        .code(1);
}

#[test]
fn a_jsonl_file_opening_with_a_byte_order_mark_keeps_its_first_record() {
    // Regression: the mark was read as part of the first record, which was skipped as "not a
    // JSON object" (query and qrels files already accepted it).
    let env = TestEnv::new();
    env.write(
        "bom.jsonl",
        "\u{feff}{\"_id\": \"d1\", \"text\": \"first giraffe\"}\n\
         {\"_id\": \"d2\", \"text\": \"second giraffe\"}\n",
    );
    let summary = index(&env, &["--jsonl", "bom.jsonl"]);
    assert_eq!(summary.counts(), (2, 0, 0, 0), "{}", summary.line);
    let hits = search_json(&env, &["first giraffe", "--index", "bom.jsonl.tim"]);
    assert_eq!(hits[0]["id"], "d1");
    // Past the first line the character is no mark: that record is bad, and said so.
    env.write(
        "late.jsonl",
        "{\"_id\": \"d1\", \"text\": \"x\"}\n\u{feff}{\"_id\": \"d2\", \"text\": \"y\"}\n",
    );
    let summary = index(&env, &["--jsonl", "late.jsonl"]);
    assert_eq!(summary.counts(), (1, 0, 0, 1), "{}", summary.line);
}

#[test]
fn eval_per_query_figures_are_json_with_json() {
    // Regression: `--json --per-query` printed tab-separated lines before the JSON summary.
    let env = TestEnv::new();
    env.write(
        "corpus.jsonl",
        "{\"_id\": \"d1\", \"text\": \"Đà Nẵng là thành phố biển.\"}\n\
         {\"_id\": \"d2\", \"text\": \"The defence ministry met.\"}\n",
    )
    .write(
        "queries.jsonl",
        "{\"_id\": \"q1\", \"text\": \"Da Nang\"}\n{\"_id\": \"q2\", \"text\": \"zzzz\"}\n",
    )
    .write(
        "qrels.tsv",
        "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n",
    );
    index(&env, &["--jsonl", "corpus.jsonl"]);
    let eval = ["eval", "--queries", "queries.jsonl", "--qrels", "qrels.tsv"];
    let index_dir = ["--index", "corpus.jsonl.tim", "--per-query"];

    let run = env.run(eval.iter().chain(&index_dir).chain(&["--json"]));
    run.ok();
    let lines = run.json();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert_eq!(lines[0]["query_id"], "q1");
    assert_eq!(lines[0]["ndcg_10"], 1.0);
    assert_eq!(lines[1]["query_id"], "q2");
    assert_eq!(lines[1]["recall_100"], 0.0);
    assert_eq!(lines[2]["queries"], 2);
    assert_eq!(lines[2]["ndcg_10"], 0.5);

    // Tab-separated without --json: the same figures, and a query without hits scores 0, not
    // -0 (a float sum of nothing is negative zero).
    let run = env.run(eval.iter().chain(&index_dir));
    run.ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "q1\t1.0000\t1.0000\t1.0000\t1.0000");
    assert_eq!(lines[1], "q2\t0.0000\t0.0000\t0.0000\t0.0000");
}

/// A record's id is a name, not a path: ids such as `../x` or `/abs` (BEIR ids are free text)
/// are indexed and found like any other. Every search of such an index used to fail with "it
/// stores a path outside its corpus; rebuild it", which no rebuild could cure.
#[test]
fn jsonl_ids_that_look_like_paths_are_still_ids() {
    let env = TestEnv::new();
    let ids = ["../../etc/passwd", "/abs/id", "C:/x", "a/../../b"];
    let records: Vec<String> = ids
        .iter()
        .map(|id| serde_json::json!({"_id": id, "text": "Wombats dig burrows."}).to_string())
        .collect();
    env.write("records.jsonl", records.join("\n") + "\n");
    let summary = index(&env, &["--jsonl", "records.jsonl"]);
    assert_eq!(summary.counts(), (4, 0, 0, 0), "{}", summary.line);
    let hits = search_json(&env, &["wombats", "--index", "records.jsonl.tim"]);
    let mut found: Vec<&str> = hits.iter().map(|h| str_of(h, "id")).collect();
    found.sort_unstable();
    let mut expected = ids.to_vec();
    expected.sort_unstable();
    assert_eq!(found, expected);
    let run = env.run(["search", "wombats", "--index", "records.jsonl.tim"]);
    run.ok();
    assert!(run.stdout.contains("../../etc/passwd:1:"), "{}", run.stdout);
}

/// An `--index` that names a file is refused with a message that says so (it was "File
/// exists"), and the file is left as it was.
#[test]
fn an_index_path_that_is_a_file_is_refused_plainly() {
    let env = TestEnv::new();
    env.write("corpus/a.txt", "xin chào");
    env.write("notes.txt", "my notes");
    let run = env.run(["index", "corpus", "--index", "notes.txt"]);
    let line = run.error_line();
    assert!(
        line.contains("notes.txt") && line.contains("not a directory"),
        "{line}"
    );
    assert_eq!(
        std::fs::read_to_string(env.path("notes.txt")).unwrap(),
        "my notes"
    );
}

/// A JSON Lines file that does not exist, or is a directory, is an error that leaves nothing
/// behind: the empty index `FILE.tim/` was created before the file was opened.
#[test]
fn a_jsonl_file_that_cannot_be_read_leaves_no_index() {
    let env = TestEnv::new();
    env.mkdir("folder");
    for name in ["missing.jsonl", "folder"] {
        let run = env.run(["index", "--jsonl", name]);
        let line = run.error_line();
        assert!(line.contains(name), "{line}");
        let litter = env.path(format!("{name}.tim"));
        assert!(!litter.exists(), "{} was left behind", litter.display());
    }
}

#[test]
fn jsonl_keys_can_be_renamed() {
    let env = TestEnv::new();
    env.write(
        "data.jsonl",
        concat!(
            r#"{"doc_id": "x1", "heading": "Hươu cao cổ", "body": "Giraffes eat leaves."}"#,
            "\n",
            r#"{"_id": "wrong-key", "text": "No doc_id here."}"#,
            "\n",
            "not json\n",
            "[1, 2, 3]\n",
            r#"{"doc_id": [1], "body": "An id that is a list."}"#,
            "\n",
        ),
    );
    let run = env.run([
        "index",
        "--jsonl",
        "data.jsonl",
        "--index",
        "idx",
        "--id-key",
        "doc_id",
        "--title-key",
        "heading",
        "--text-key",
        "body",
    ]);
    run.ok();
    let summary = run.summary();
    assert_eq!(summary.counts(), (1, 0, 0, 4), "{}", summary.line);
    assert_eq!(summary.reasons.get("bad record"), Some(&4));
    // Each bad line is named, with what is wrong with it.
    for (line, why) in [
        (2, "its `doc_id` key is missing"),
        (3, "not a JSON object"),
        (4, "not a JSON object"),
        (5, "its `doc_id` key is neither a string nor a number"),
    ] {
        let warning = format!("tim: skipped data.jsonl:{line}: {why}");
        assert!(
            run.stderr.lines().any(|l| l.starts_with(&warning)),
            "no {warning:?} in:\n{}",
            run.stderr
        );
    }
    let hits = search_json(&env, &["huou cao co", "--index", "idx"]);
    assert_eq!(hits[0]["id"], "x1");
    let hits = search_json(&env, &["giraffes", "--index", "idx"]);
    assert_eq!(hits[0]["id"], "x1");
}

// ---------------------------------------------------------------------------------------------
// tim analyze, info, completions
// ---------------------------------------------------------------------------------------------

/// The tokens of one field of `tim analyze --json TEXT`, checking every offset.
fn analyzed(env: &TestEnv, text: &str) -> BTreeMap<String, Vec<String>> {
    let run = env.run(["analyze", "--json", text]);
    run.ok();
    let out = run.json();
    assert_eq!(out.len(), 1, "one JSON object");
    let mut fields = BTreeMap::new();
    for (field, tokens) in out[0].as_object().unwrap() {
        let tokens = tokens
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                let start = t["start"].as_u64().unwrap() as usize;
                let end = t["end"].as_u64().unwrap() as usize;
                assert!(start < end && end <= text.len(), "{t}");
                assert!(
                    text.is_char_boundary(start) && text.is_char_boundary(end),
                    "{t}"
                );
                assert!(t["position"].is_u64(), "{t}");
                t["token"].as_str().unwrap().to_string()
            })
            .collect();
        fields.insert(field.clone(), tokens);
    }
    fields
}

#[test]
fn analyze_shows_each_field_with_offsets() {
    let env = TestEnv::new();
    let fields = analyzed(&env, "Đà Nẵng");
    let names: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(names, ["english", "exact", "folded", "joined"]);
    assert_eq!(fields["exact"], ["đà", "nẵng"]);
    assert_eq!(fields["folded"], ["da", "nang"]);
    assert_eq!(fields["joined"], ["danang"]);
    // The possessive is dropped, and only the syllable pair is joined.
    let fields = analyzed(&env, "Việt Nam\u{2019}s defence");
    assert_eq!(fields["exact"], ["việt", "nam", "defence"]);
    assert_eq!(fields["joined"], ["vietnam"]);

    let run = env.run(["analyze", "--json", "Đà Nẵng"]);
    let first = &run.json()[0]["exact"][0];
    assert_eq!(
        (&first["start"], &first["end"]),
        (&Value::from(0), &Value::from(4))
    );

    // British and American spellings meet in the english field.
    assert_eq!(
        analyzed(&env, "defence")["english"],
        analyzed(&env, "defense")["english"]
    );

    // The human table lists the same tokens.
    let run = env.run(["analyze", "Đà Nẵng"]);
    run.ok();
    assert!(run.stdout.contains("danang"), "{}", run.stdout);
}

#[test]
fn analyze_joins_only_syllable_pairs() {
    // With the placeholder syllable module `defence` (seven ASCII letters) passes for a
    // syllable and is joined to `nẵng` as `nangdefence`.
    let env = TestEnv::new();
    let fields = analyzed(&env, "Đà Nẵng defence");
    assert_eq!(fields["joined"], ["danang"]);
}

#[test]
fn info_describes_the_index() {
    let env = bilingual();
    index(&env, &["corpus"]);
    let run = env.run(["info", "corpus"]);
    run.ok();
    assert!(run.stdout.contains("files:     10"), "{}", run.stdout);
    let info = env.run(["info", "--json", "corpus/.tim"]);
    info.ok();
    let info = &info.json()[0];
    assert_eq!(info["files"], 10);
    // Short paragraphs merge: each small file is one passage.
    assert_eq!(info["passages"], 10, "{info}");
    assert!(info["bytes_on_disk"].as_u64().unwrap() > 0);
}

#[test]
fn completions_are_printed() {
    let env = TestEnv::new();
    let run = env.run(["completions", "bash"]);
    run.ok();
    assert!(run.stdout.contains("tim"), "{}", run.stdout);
    assert!(run.stdout.contains("--no-refresh"));
}

#[test]
fn every_supported_encoding_is_converted_and_found() {
    let env = TestEnv::new();
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/encodings");
    let encoded = [
        "sentences.tcvn3.txt",
        "sentences.viscii.txt",
        "sentences.cp1258.txt",
        "sentences.utf16le.txt",
        "sentences.utf16be.txt",
        "sentences.utf8bom.txt",
    ];
    for name in encoded {
        env.write(
            format!("corpus/{name}"),
            std::fs::read(fixtures.join(name)).unwrap(),
        );
    }
    let summary = index(&env, &["corpus"]);
    assert_eq!(summary.counts(), (6, 0, 0, 0), "{}", summary.line);
    // Everything but the UTF-8 file with a BOM came from another encoding.
    assert!(summary.line.contains("5 converted"), "{}", summary.line);

    // An accented query and an unaccented one find every file, highlighting the decoded words.
    for query in ["Cộng hoà xã hội", "cong hoa xa hoi"] {
        let hits = search_json(&env, &[query, "corpus", "--no-refresh", "--limit", "20"]);
        let mut paths: Vec<&str> = hits.iter().map(|h| str_of(h, "path")).collect();
        paths.sort_unstable();
        paths.dedup();
        let mut expected = encoded.to_vec();
        expected.sort_unstable();
        assert_eq!(paths, expected, "{query}");
        for hit in &hits {
            let words = common::highlighted(hit);
            assert!(
                words.iter().any(|w| w == "Cộng"),
                "{query}: {words:?} in {hit}"
            );
        }
    }
}

/// The README's quick start, on a copy of the bundled sample corpus: each example finds what
/// the README says it finds.
#[test]
fn readme_examples_hold_on_the_sample_corpus() {
    let env = TestEnv::new();
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for entry in walkdir::WalkDir::new(&sample) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&sample).unwrap();
        if entry.file_type().is_file() && !rel.starts_with(".tim") {
            env.write(
                std::path::Path::new("corpus").join(rel),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    let first = |query: &str| -> String {
        let hits = search_json(&env, &[query, "corpus"]);
        str_of(&hits[0], "path").to_string()
    };
    let paths = |query: &str| -> Vec<String> {
        search_json(&env, &[query, "corpus"])
            .iter()
            .map(|h| str_of(h, "path").to_string())
            .collect()
    };
    let hoang = paths("Hoang Xuan Chien");
    assert!(hoang.contains(&"vi/da-nang.txt".to_string()), "{hoang:?}");
    assert!(
        hoang.contains(&"en/defence-notes.txt".to_string()),
        "{hoang:?}"
    );
    let da_nang = paths("Da Nang");
    for path in ["vi/da-nang.txt", "vi/khong-dau.txt", "en/defence-notes.txt"] {
        assert!(
            da_nang.contains(&path.to_string()),
            "{path} not in {da_nang:?}"
        );
    }
    assert!(paths("Viet Nam").contains(&"en/defence-notes.txt".to_string()));
    assert!(paths("Vietnam").contains(&"vi/da-nang.txt".to_string()));
    assert_eq!(first("bàn"), "vi/ban-go.txt");
    assert_eq!(first("bán"), "vi/ban-hang.txt");
    assert_eq!(first("bạn"), "vi/ban-than.txt");
    assert_eq!(first("defense"), "en/defence-notes.txt");
    assert_eq!(first("hòa bình"), "vi/hoa-binh.txt");
    // The corpus's own README is kept out of its index by corpus/.ignore.
    env.run(["search", "folding", "corpus"]).code(1);
}
