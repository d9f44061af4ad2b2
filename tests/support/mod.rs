//! Helpers shared by `tests/reliability.rs` and `tests/safety.rs`: the `tim` binary, generated
//! corpora, a deterministic random source, and a reader of everything an index stores.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tantivy::collector::DocSetCollector;
use tantivy::query::AllQuery;
use tantivy::schema::Value;
use tantivy::TantivyDocument;

/// The `tim` binary built for these tests.
pub fn tim_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tim"))
}

/// A `tim` command with the test hooks of the environment cleared.
pub fn tim() -> Command {
    let mut cmd = Command::new(tim_path());
    for var in [
        "TIM_FAULT",
        "TIM_FAULT_UNREADABLE",
        "TIM_FAULT_VANISH",
        "TIM_FAULT_DELAY_MS",
        "TIM_CHECKPOINT_BYTES",
        "TIM_INDEX",
        "NO_COLOR",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs a command to its end and returns its output.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("tim runs")
}

/// The exit code of an output (panics if it was killed by a signal).
pub fn code(out: &Output) -> i32 {
    out.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {out:?}"))
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A small deterministic random source (xorshift64*), so that a failing run can be replayed
/// from the seed it prints.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A source from `seed` (0 is replaced by a fixed constant).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A seed from `TIM_TEST_SEED`, or from the clock; printed so that a failure can be replayed.
pub fn seed(test: &str) -> u64 {
    let seed = std::env::var("TIM_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    eprintln!("{test}: seed {seed} (replay with TIM_TEST_SEED={seed})");
    seed
}

const SENTENCES: &[&str] = &[
    "Ông Hoàng Xuân Chiến phát biểu tại hội nghị ở Đà Nẵng.",
    "Việt Nam’s defence ministry published a new white paper.",
    "Thời tiết hôm nay ở Hà Nội khá lạnh, trời mưa phùn.",
    "The harbour of Hai Phong handled more containers this year.",
    "Học sinh được nghỉ hè từ đầu tháng sáu đến cuối tháng tám.",
    "A colourful festival took place along the Perfume River.",
    "Người dân thành phố Hồ Chí Minh đón Tết trong không khí ấm áp.",
    "Researchers analysed the rice harvest in the Mekong Delta.",
    "Cà phê sữa đá là thức uống quen thuộc của người Sài Gòn.",
    "The licence for the new bridge over the Red River was granted.",
];

/// A word of letters only, unique to `n` (digits would be split off by the analysis).
pub fn letters(mut n: u64) -> String {
    let mut word = String::new();
    loop {
        word.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return word;
        }
    }
}

/// The unique token of generated file `i`, version `v`.
pub fn unique_token(i: u64, v: u64) -> String {
    format!("zqx{}q{}", letters(i), letters(v))
}

/// The text of generated file `i`, version `v`: a few paragraphs of mixed Vietnamese and
/// English sentences, and a token found in no other file.
pub fn small_text(i: u64, v: u64) -> String {
    let mut rng = Rng::new(i.wrapping_mul(7919).wrapping_add(v.wrapping_mul(104_729)) + 1);
    let paragraphs = 1 + rng.below(3);
    let mut text = String::new();
    for p in 0..paragraphs {
        if p > 0 {
            text.push_str("\n\n");
        }
        for _ in 0..2 + rng.below(4) {
            text.push_str(SENTENCES[rng.below(SENTENCES.len() as u64) as usize]);
            text.push(' ');
        }
    }
    text.push_str(&unique_token(i, v));
    text.push('\n');
    text
}

/// The relative path of generated file `i` (a few per directory).
pub fn small_path(i: u64) -> String {
    format!("d{:02}/f{i:05}.txt", i % 40)
}

/// Writes generated file `i`, version `v`, under `root`.
pub fn write_small(root: &Path, i: u64, v: u64) {
    let path = root.join(small_path(i));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, small_text(i, v)).unwrap();
}

/// One stored passage, as the index keeps it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StoredPassage {
    pub path: String,
    pub ordinal: u64,
    pub bytes: [u64; 2],
    pub line: u64,
    pub text: String,
}

/// Everything a committed index holds, read through the library.
#[derive(Debug, Default)]
pub struct Contents {
    /// Every live passage document (duplicates kept, to be found).
    pub passages: Vec<StoredPassage>,
    /// Every live manifest document: path → (size, content hash), duplicates counted.
    pub manifest: BTreeMap<String, Vec<(u64, u64)>>,
}

impl Contents {
    /// Reads the last commit of the index at `dir`.
    pub fn read(dir: &Path) -> timkiem::Result<Contents> {
        let index = timkiem::Index::open(dir)?;
        let fields = index.fields();
        let reader = index.tantivy().reader()?;
        let searcher = reader.searcher();
        let mut contents = Contents::default();
        for address in searcher.search(&AllQuery, &DocSetCollector)? {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |f| {
                doc.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let num = |f| {
                doc.get_first(f)
                    .and_then(|v| v.as_u64())
                    .unwrap_or(u64::MAX)
            };
            // `kind` is indexed, not stored: a manifest document is the one with a size.
            if doc.get_first(fields.file_size).is_some() {
                contents
                    .manifest
                    .entry(text(fields.path))
                    .or_default()
                    .push((num(fields.file_size), num(fields.file_hash)));
            } else {
                contents.passages.push(StoredPassage {
                    path: text(fields.path),
                    ordinal: num(fields.passage),
                    bytes: [num(fields.byte_start), num(fields.byte_end)],
                    line: num(fields.line),
                    text: text(fields.text),
                });
            }
        }
        contents.passages.sort();
        Ok(contents)
    }

    /// The passages as a set.
    pub fn passage_set(&self) -> BTreeSet<StoredPassage> {
        self.passages.iter().cloned().collect()
    }

    /// Checks the invariants every commit must satisfy: no passage twice, one manifest
    /// entry per file, and each file's passages complete (ordinals 0..n, with its manifest).
    pub fn check_consistent(&self) -> Result<(), String> {
        let mut by_path: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
        for pair in self.passages.windows(2) {
            if (&pair[0].path, pair[0].ordinal) == (&pair[1].path, pair[1].ordinal) {
                return Err(format!("duplicated passage {:?}", pair[0]));
            }
        }
        for p in &self.passages {
            by_path.entry(&p.path).or_default().push(p.ordinal);
        }
        for (path, entries) in &self.manifest {
            if entries.len() != 1 {
                return Err(format!("{path}: {} manifest entries", entries.len()));
            }
        }
        for (path, ordinals) in by_path {
            if !self.manifest.contains_key(path) {
                return Err(format!("{path}: passages without a manifest entry"));
            }
            if ordinals != (0..ordinals.len() as u64).collect::<Vec<_>>() {
                return Err(format!("{path}: incomplete passages {ordinals:?}"));
            }
        }
        Ok(())
    }
}
