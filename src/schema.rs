//! The index schema: what `index-schema/*.toml` says, and the tantivy fields it becomes.
//!
//! The TOML holds everything that decides how text is cut and analysed (passage sizes, file
//! filters, ranking weights, snippet size, English spelling variants). A copy is stored inside
//! every index so that queries are always analysed the way the index was built.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};

use crate::error::{Error, Result};
use crate::ingest::passage::PassageConfig;
use crate::text::analyzer::{Analyzer, FieldKind};
use crate::text::spelling::Spelling;

/// The built-in default schema, `index-schema/default.toml`.
pub const DEFAULT_SCHEMA_TOML: &str = include_str!("../index-schema/default.toml");

/// The on-disk layout version this build of timkiem reads and writes.
pub const FORMAT_VERSION: u32 = 11;

/// A parsed index schema.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SchemaConfig {
    /// On-disk layout version; must equal [`FORMAT_VERSION`].
    pub format: u32,
    /// How files are cut into passages.
    pub passages: PassageConfig,
    /// Which files are indexed.
    pub files: FileRules,
    /// Field weights and ranking bonuses.
    pub ranking: Ranking,
    /// Snippet settings.
    pub snippet: SnippetSettings,
    /// English analysis settings.
    pub english: EnglishSettings,
}

/// Which files of a corpus are indexed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileRules {
    /// Files larger than this are skipped.
    pub max_file_bytes: u64,
    /// Globs of files to index (relative to the corpus root); empty means all.
    #[serde(default)]
    pub include: Vec<String>,
    /// Globs of files never to index.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// Field weights and ranking bonuses.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Ranking {
    /// Weight of accent-exact matches.
    pub exact: f32,
    /// Weight of adjacent-syllable (joined) matches.
    pub joined: f32,
    /// Weight of diacritic-insensitive matches.
    pub folded: f32,
    /// Weight of stemmed English matches.
    pub english: f32,
    /// Weight of matches in the file's title.
    pub title: f32,
    /// Weight of a query word that is not a Vietnamese syllable (a name, number, English or
    /// foreign word), relative to a syllable's.
    #[serde(default = "default_non_syllable")]
    pub non_syllable: f32,
    /// Weight of the bonus for two consecutive query words found near each other (see
    /// [`crate::search::proximity`]).
    pub phrase: f32,
    /// How many positions apart two consecutive query words may be for the `phrase` bonus
    /// (1 = adjacent only).
    #[serde(default = "default_window")]
    pub window: u32,
    /// Weight of the bonus for passages holding more of the query's distinct words (see
    /// [`crate::search::coordination`]); 0 = none.
    #[serde(default)]
    pub coordination: f32,
    /// Weight of the bonus for a passage holding much of the query's idf mass within one
    /// stretch of `span_window` positions (see [`crate::search::span`]); 0 = none.
    #[serde(default)]
    pub span: f32,
    /// Length, in positions, of the stretch of the `span` bonus.
    #[serde(default = "default_span_window")]
    pub span_window: u32,
    /// Weight of a match of a word's restored accented form (for a word typed without
    /// diacritics), on top of its folded match.
    #[serde(default = "default_restored")]
    pub restored: f32,
    /// Interrogative words and phrases (`gì`, `bao nhiêu`): a query word that is one, or is
    /// part of one, weighs `question_weight` times as much. Matched on the accented form, as
    /// typed or as restored for a word typed without diacritics.
    #[serde(default)]
    pub question_words: Vec<String>,
    /// Weight of a query word found in `question_words`, relative to other words (1 = none).
    #[serde(default = "default_question_weight")]
    pub question_weight: f32,
    /// BM25 term-frequency saturation.
    #[serde(default = "default_k1")]
    pub k1: f32,
    /// BM25 length normalisation (0 = none, 1 = full).
    #[serde(default = "default_b")]
    pub b: f32,
}

fn default_restored() -> f32 {
    1.0
}

fn default_question_weight() -> f32 {
    1.0
}

fn default_non_syllable() -> f32 {
    1.0
}

fn default_window() -> u32 {
    1
}

fn default_span_window() -> u32 {
    12
}

fn default_k1() -> f32 {
    1.2
}

fn default_b() -> f32 {
    0.75
}

impl Ranking {
    /// The weight of one analysed field.
    pub fn weight(&self, field: FieldKind) -> f32 {
        match field {
            FieldKind::Exact => self.exact,
            FieldKind::Folded => self.folded,
            FieldKind::Joined => self.joined,
            FieldKind::English => self.english,
        }
    }
}

/// Snippet settings.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SnippetSettings {
    /// Longest snippet, in characters.
    pub max_chars: usize,
}

/// English analysis settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EnglishSettings {
    /// Suffix rules apply to words at least this many bytes long.
    pub min_suffix_word_len: usize,
    /// `[british_suffix, american_suffix]` pairs.
    #[serde(default)]
    pub suffix_rules: Vec<[String; 2]>,
    /// British word → American word.
    #[serde(default)]
    pub variants: BTreeMap<String, String>,
}

impl Default for SchemaConfig {
    fn default() -> Self {
        SchemaConfig::parse(DEFAULT_SCHEMA_TOML, "built-in default")
            .expect("the built-in schema is valid (checked by a unit test)")
    }
}

impl SchemaConfig {
    /// Parses a schema from TOML text; `origin` names it in error messages.
    pub fn parse(toml_text: &str, origin: &str) -> Result<Self> {
        let config: SchemaConfig = toml::from_str(toml_text).map_err(|e| Error::Schema {
            origin: origin.to_string(),
            message: e.message().to_string(),
        })?;
        config.validate(origin)?;
        Ok(config)
    }

    /// Reads and parses a schema file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        SchemaConfig::parse(&text, &path.display().to_string())
    }

    /// The schema as TOML (the form stored inside an index).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a schema always serialises")
    }

    fn validate(&self, origin: &str) -> Result<()> {
        let fail = |message: String| {
            Err(Error::Schema {
                origin: origin.to_string(),
                message,
            })
        };
        if self.format != FORMAT_VERSION {
            return fail(format!(
                "format {} is not supported by this timkiem (it reads format {FORMAT_VERSION})",
                self.format
            ));
        }
        let p = &self.passages;
        if p.min_bytes > p.target_bytes || p.target_bytes > p.max_bytes || p.max_bytes == 0 {
            return fail("passages need 0 < min_bytes <= target_bytes <= max_bytes".into());
        }
        let r = &self.ranking;
        let weights = [
            r.exact,
            r.joined,
            r.folded,
            r.english,
            r.title,
            r.non_syllable,
            r.phrase,
            r.coordination,
            r.span,
            r.k1,
            r.restored,
            r.question_weight,
        ];
        if weights.iter().any(|w| !w.is_finite() || *w < 0.0) {
            return fail("ranking weights must be finite and not negative".into());
        }
        if r.question_words
            .iter()
            .any(|w| !w.chars().any(char::is_alphanumeric))
        {
            return fail("ranking.question_words entries must hold a word".into());
        }
        if !(0.0..=1.0).contains(&r.b) {
            return fail("ranking.b must be between 0 and 1".into());
        }
        if !(1..=64).contains(&r.window) {
            return fail("ranking.window must be between 1 and 64".into());
        }
        if !(2..=256).contains(&r.span_window) {
            return fail("ranking.span_window must be between 2 and 256".into());
        }
        if self.snippet.max_chars == 0 {
            return fail("snippet.max_chars must be positive".into());
        }
        Ok(())
    }

    /// The analyzer this schema describes.
    pub fn analyzer(&self) -> Analyzer {
        let e = &self.english;
        Analyzer::new(Spelling::new(
            e.variants.iter().map(|(b, a)| (b.clone(), a.clone())),
            e.suffix_rules
                .iter()
                .map(|[from, to]| (from.clone(), to.clone())),
            e.min_suffix_word_len,
        ))
    }
}

/// Handles of the tantivy fields of a timkiem index.
#[derive(Debug, Clone)]
pub struct IndexFields {
    /// The tantivy schema.
    pub schema: Schema,
    /// Document kind: [`KIND_PASSAGE`] or [`KIND_FILE`] (indexed, for deletes and filters).
    pub kind: Field,
    /// Key of the source: relative path with `/` separators, or a JSON Lines record id.
    pub path: Field,
    /// Raw bytes of a path that is not UTF-8 (stored only on such documents).
    pub path_bytes: Field,
    /// Whether the source is a JSON Lines record (1) rather than a file (0).
    pub record: Field,
    /// Passage ordinal within its source.
    pub passage: Field,
    /// Byte offset of the passage in the source's decoded text.
    pub byte_start: Field,
    /// Byte offset one past the passage's end.
    pub byte_end: Field,
    /// 1-based first line of the passage (in the source file: for an HTML page, the line of
    /// the page its text starts on).
    pub line: Field,
    /// For a passage of an HTML page, where its text comes from in the page
    /// ([`SourceLines`](crate::ingest::html::SourceLines), encoded; stored only there).
    pub source_lines: Field,
    /// The passage text (stored, for snippets).
    pub text: Field,
    /// Body fields, one per analysis.
    pub body: [Field; 4],
    /// Title fields (`exact`, `folded`).
    pub title: [Field; 2],
    /// Manifest: file size in bytes (like the other manifest fields, also a fast field).
    pub file_size: Field,
    /// Manifest: modification time, nanoseconds since the Unix epoch.
    pub file_mtime: Field,
    /// Manifest: hash of the file's bytes.
    pub file_hash: Field,
    /// Manifest: when the run that indexed the file started, nanoseconds since the Unix epoch.
    pub indexed_at: Field,
    /// Manifest: 1 for a file skipped as binary (remembered so that it is not read again while
    /// unchanged), 0 otherwise; indexed, so that such files can be counted.
    pub file_binary: Field,
    /// A fast field: the document's [`sample_key`], which decides whether accent restoration
    /// reads it when it counts a common pair from a sample of the passages.
    pub sample: Field,
}

/// Name of the [`IndexFields::sample`] fast field.
pub const SAMPLE_FIELD: &str = "sample";

/// Sample keys are below this: 16 bits are enough to sample one passage in 65,536, and pack
/// into 2 bytes a document.
pub const SAMPLE_KEYS: u64 = 1 << 16;

/// A document's sample key: a hash of its source's key and its passage ordinal, in
/// `0..SAMPLE_KEYS`. A sample of "the passages whose key is below `n`" is then spread evenly
/// over the corpus and is the same in every index of the same files, whatever order they were
/// indexed in (the order of documents in an index depends on the indexing threads' timing).
///
/// FNV-1a over the bytes, then SplitMix64's finaliser: fixed, unlike the standard library's
/// hashers, so an index's keys never depend on the Rust version that built it.
pub fn sample_key(source: &str, passage: u32) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in source.bytes().chain(passage.to_le_bytes()) {
        h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    h >> (64 - SAMPLE_KEYS.trailing_zeros())
}

/// `kind` value of passage documents.
pub const KIND_PASSAGE: &str = "p";
/// `kind` value of manifest documents (one per indexed file).
pub const KIND_FILE: &str = "f";

impl IndexFields {
    /// Builds the tantivy schema of a timkiem index.
    pub fn build() -> Self {
        let mut b = Schema::builder();
        let kind = b.add_text_field("kind", STRING);
        let path = b.add_text_field("path", STRING | STORED);
        let path_bytes = b.add_bytes_field("path_bytes", STORED);
        let record = b.add_u64_field("record", STORED);
        let passage = b.add_u64_field("passage", STORED);
        let byte_start = b.add_u64_field("byte_start", STORED);
        let byte_end = b.add_u64_field("byte_end", STORED);
        let line = b.add_u64_field("line", STORED);
        let source_lines = b.add_bytes_field("source_lines", STORED);
        let text = b.add_text_field("text", STORED);
        let analysed = |field: FieldKind, positions: bool| {
            let record = if positions {
                IndexRecordOption::WithFreqsAndPositions
            } else {
                IndexRecordOption::WithFreqs
            };
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(field.tokenizer_name())
                    .set_index_option(record)
                    // `english` holds only the words that are not syllables; its matches are
                    // normalised by the passage's length in words, `folded`'s field length.
                    .set_fieldnorms(field != FieldKind::English),
            )
        };
        // Positions only where phrases need them: exact and folded.
        let body = [
            b.add_text_field("body_exact", analysed(FieldKind::Exact, true)),
            b.add_text_field("body_folded", analysed(FieldKind::Folded, true)),
            b.add_text_field("body_joined", analysed(FieldKind::Joined, false)),
            b.add_text_field("body_english", analysed(FieldKind::English, false)),
        ];
        let title = [
            b.add_text_field("title_exact", analysed(FieldKind::Exact, false)),
            b.add_text_field("title_folded", analysed(FieldKind::Folded, false)),
        ];
        // Fast (columns) for the manifest read at the start of every run, which would
        // otherwise decompress nearly every block of the store (manifest documents sit among
        // their files' passages); stored too, so that a document reads back whole.
        let file_size = b.add_u64_field("file_size", STORED | FAST);
        let file_mtime = b.add_i64_field("file_mtime", STORED | FAST);
        let file_hash = b.add_u64_field("file_hash", STORED | FAST);
        let indexed_at = b.add_i64_field("indexed_at", STORED | FAST);
        let file_binary = b.add_u64_field("file_binary", INDEXED | STORED | FAST);
        let sample = b.add_u64_field(SAMPLE_FIELD, FAST);
        IndexFields {
            schema: b.build(),
            kind,
            path,
            path_bytes,
            record,
            passage,
            byte_start,
            byte_end,
            line,
            source_lines,
            text,
            body,
            title,
            file_size,
            file_mtime,
            file_hash,
            indexed_at,
            file_binary,
            sample,
        }
    }

    /// The body field of one analysis.
    pub fn body_field(&self, field: FieldKind) -> Field {
        self.body[field as usize]
    }

    /// Looks the fields up in an existing index's schema, failing if it is not a timkiem
    /// schema of this format.
    pub fn from_schema(schema: &Schema) -> std::result::Result<Self, String> {
        let expected = IndexFields::build();
        if expected.schema != *schema {
            return Err("its field layout is not the one this timkiem expects".into());
        }
        Ok(expected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_schema_parses_and_round_trips() {
        let config = SchemaConfig::default();
        assert_eq!(config.format, FORMAT_VERSION);
        assert!(config.english.variants.contains_key("defence"));
        let again = SchemaConfig::parse(&config.to_toml(), "round trip").unwrap();
        assert_eq!(config, again);
    }

    #[test]
    fn bad_schemas_are_refused_with_their_origin() {
        let wrong_format =
            DEFAULT_SCHEMA_TOML.replace(&format!("format = {FORMAT_VERSION}"), "format = 99");
        assert_ne!(wrong_format, DEFAULT_SCHEMA_TOML);
        let err = SchemaConfig::parse(&wrong_format, "x.toml").unwrap_err();
        assert!(err.to_string().contains("x.toml"), "{err}");
        assert!(err.to_string().contains("format 99"), "{err}");
        let unknown = format!("{DEFAULT_SCHEMA_TOML}\nbogus = 1\n");
        assert!(SchemaConfig::parse(&unknown, "y").is_err());
        let negative = DEFAULT_SCHEMA_TOML.replace("exact = 1.6", "exact = -1.0");
        assert_ne!(
            negative, DEFAULT_SCHEMA_TOML,
            "the default schema sets exact = 1.6"
        );
        assert!(SchemaConfig::parse(&negative, "z").is_err());
        // A proximity window of 0 positions could never match.
        let no_window = DEFAULT_SCHEMA_TOML.replace("window = 4", "window = 0");
        assert_ne!(
            no_window, DEFAULT_SCHEMA_TOML,
            "the default sets window = 4"
        );
        let err = SchemaConfig::parse(&no_window, "w").unwrap_err();
        assert!(err.to_string().contains("window"), "{err}");
    }

    #[test]
    fn sample_keys_spread_over_their_range() {
        // Files with consecutive names, and the passages of one file: a cutoff at a tenth of
        // the range takes about a tenth of each.
        let files: Vec<u64> = (0..10_000)
            .map(|i| sample_key(&format!("vi/{i:05}.txt"), 0))
            .collect();
        let passages: Vec<u64> = (0..10_000).map(|i| sample_key("vi/a.txt", i)).collect();
        for keys in [files, passages] {
            assert!(keys.iter().all(|&k| k < SAMPLE_KEYS));
            let tenth = keys.iter().filter(|&&k| k < SAMPLE_KEYS / 10).count();
            assert!((900..=1100).contains(&tenth), "{tenth}");
            let distinct: std::collections::HashSet<u64> = keys.iter().copied().collect();
            assert!(distinct.len() > 9_000, "{}", distinct.len());
        }
    }

    #[test]
    fn field_layout_matches_field_kind_order() {
        let f = IndexFields::build();
        for kind in FieldKind::ALL {
            let name = f.schema.get_field_name(f.body_field(kind));
            assert_eq!(name, format!("body_{}", kind.name()));
        }
    }
}
