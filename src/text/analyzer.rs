//! The analysis pipeline: one pass over a text yields the four token streams of GUIDE §2.
//!
//! | field     | token                                                       | example (`Việt Nam’s defence`) |
//! |-----------|-------------------------------------------------------------|--------------------------------|
//! | `exact`   | canonical lowercase form, diacritics kept                    | `việt` `nam` `defence`         |
//! | `folded`  | diacritics removed, `đ` → `d`                                 | `viet` `nam` `defence`         |
//! | `joined`  | two adjacent Vietnamese syllables, folded and concatenated; a number's digit groups run together (`1.000.000` → `1000000`) | `vietnam` |
//! | `english` | words that are not Vietnamese syllables: folded, British spelling unified to American, Snowball stem | `defens` |
//!
//! All streams share one position numbering (word *n* has position *n* in every field; a joined
//! token takes its first word's position, a grouped number's that of its first group), so
//! phrase queries work per field. Offsets are
//! byte ranges into the text given to the analyzer. Indexing and querying go through this same
//! code ([`Analyzer::analyze`] for queries, [`Analyzer::field_tokens`] and the indexer's
//! `Analyzer::tokens_into` for documents), so a
//! query can only miss a document for reasons of meaning, never of analysis.
//!
//! The `english` stream leaves out Vietnamese syllables: a syllable's stem is its folded form
//! (`nam`, `the`, `can`), already in `folded` at the same position, and indexing it twice cost
//! a tenth of the index. A query looks for an English word's stem in both fields (see
//! [`crate::search`]), so `cats` still meets `cat` and `cat` meets `cats`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tantivy::tokenizer::Token;

use super::fold::fold_word;
use super::normalize::normalize_word;
use super::segment::{digit_groups, for_each_word, Word};
use super::spelling::Spelling;
use super::syllable::{is_folded_syllable, unify_lone_y};
use super::word_cache::{with_thread_cache, Forms, WordForms};

/// The four analysed fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FieldKind {
    /// Lowercase canonical form with diacritics: accent-exact matches.
    Exact,
    /// Diacritic-free form: matches whatever the accents typed.
    Folded,
    /// Adjacent Vietnamese syllables concatenated: `việt nam` → `vietnam`.
    Joined,
    /// Folded, spelling-unified and stemmed words that are not Vietnamese syllables.
    English,
}

impl FieldKind {
    /// All fields, in a fixed order.
    pub const ALL: [FieldKind; 4] = [
        FieldKind::Exact,
        FieldKind::Folded,
        FieldKind::Joined,
        FieldKind::English,
    ];

    /// The field's short name (`exact`, `folded`, `joined`, `english`).
    pub fn name(self) -> &'static str {
        match self {
            FieldKind::Exact => "exact",
            FieldKind::Folded => "folded",
            FieldKind::Joined => "joined",
            FieldKind::English => "english",
        }
    }

    /// The name under which the field's tokenizer is registered in tantivy.
    pub fn tokenizer_name(self) -> &'static str {
        match self {
            FieldKind::Exact => "timkiem_exact",
            FieldKind::Folded => "timkiem_folded",
            FieldKind::Joined => "timkiem_joined",
            FieldKind::English => "timkiem_english",
        }
    }

    /// Parses a short field name.
    pub fn from_name(name: &str) -> Option<FieldKind> {
        FieldKind::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// One analysed word: its place in the text and its forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedWord {
    /// Byte offset of the word in the analysed text.
    pub start: usize,
    /// Byte offset one past the end of the word.
    pub end: usize,
    /// Position (word ordinal) of the word.
    pub position: usize,
    /// Canonical lowercase form with diacritics (the `exact` token).
    pub exact: String,
    /// Diacritic-free form (the `folded` token).
    pub folded: String,
    /// Whether the folded form is a possible Vietnamese syllable.
    pub syllable: bool,
    /// Whether only whitespace or `_` separates this word from the previous one.
    pub spaced_from_previous: bool,
    /// Whether a lone hyphen separates this word from the previous one (`COVID-19`).
    pub hyphened_from_previous: bool,
    /// On the first group of a number written with digit groups (`1` of `1.000.000`), the
    /// number's digits run together (`1000000`): the `joined` token the number makes, by which
    /// `1000000`, `1.000.000` and `1,000,000` meet.
    pub grouped_number: Option<String>,
}

impl AnalyzedWord {
    /// Whether the word was written with diacritics. Its folded form is not enough to tell:
    /// a syllable's lone `y` folds to `i` (`ky` → `ki`), so an unaccented word may differ from
    /// its folded form.
    pub fn has_diacritics(&self) -> bool {
        !self.exact.is_ascii() && self.exact != self.folded
    }

    /// The `joined` token for this word and the one after it, if they can be joined: both are
    /// Vietnamese syllables and only whitespace or `_` separates them, or a lone hyphen does
    /// (`COVID-19` → `covid19`, `e-mail` → `email`), whatever the words.
    pub fn joined_with(&self, next: &AnalyzedWord) -> Option<String> {
        joins(
            self.syllable,
            next.syllable,
            next.spaced_from_previous,
            next.hyphened_from_previous,
        )
        .then(|| format!("{}{}", self.folded, next.folded))
    }
}

/// The rule for two consecutive words to make a `joined` token (see
/// [`AnalyzedWord::joined_with`]).
fn joins(first_syllable: bool, second_syllable: bool, spaced: bool, hyphened: bool) -> bool {
    (first_syllable && second_syllable && spaced) || hyphened
}

/// Token streams of all four fields for one text.
#[derive(Debug, Default, Clone)]
pub struct FieldTokens {
    /// Tokens of the `exact` field.
    pub exact: Vec<Token>,
    /// Tokens of the `folded` field.
    pub folded: Vec<Token>,
    /// Tokens of the `joined` field.
    pub joined: Vec<Token>,
    /// Tokens of the `english` field.
    pub english: Vec<Token>,
}

impl FieldTokens {
    /// The tokens of one field.
    pub fn get(&self, field: FieldKind) -> &[Token] {
        match field {
            FieldKind::Exact => &self.exact,
            FieldKind::Folded => &self.folded,
            FieldKind::Joined => &self.joined,
            FieldKind::English => &self.english,
        }
    }

    fn get_mut(&mut self, field: FieldKind) -> &mut Vec<Token> {
        match field {
            FieldKind::Exact => &mut self.exact,
            FieldKind::Folded => &mut self.folded,
            FieldKind::Joined => &mut self.joined,
            FieldKind::English => &mut self.english,
        }
    }

    fn take(self, field: FieldKind) -> Vec<Token> {
        match field {
            FieldKind::Exact => self.exact,
            FieldKind::Folded => self.folded,
            FieldKind::Joined => self.joined,
            FieldKind::English => self.english,
        }
    }
}

/// The text analyzer. Cheap to clone (shared state behind an `Arc`), safe to share between
/// threads.
#[derive(Clone)]
pub struct Analyzer {
    inner: Arc<Inner>,
}

struct Inner {
    /// Identifies this analyzer's forms in the per-thread word memo (clones share it).
    id: u64,
    spelling: Spelling,
    stemmer: frostem::Stemmer,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("spelling_variants", &self.inner.spelling.len())
            .finish()
    }
}

impl Analyzer {
    /// An analyzer that unifies English spellings with `spelling`.
    pub fn new(spelling: Spelling) -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Analyzer {
            inner: Arc::new(Inner {
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                spelling,
                stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            }),
        }
    }

    /// Analyses `text` into words with their exact and folded forms. This is the query-side
    /// entry point; documents go through [`Analyzer::field_tokens`], which shares every stage.
    ///
    /// ```
    /// use timkiem::text::analyzer::Analyzer;
    /// let analyzer = Analyzer::default();
    /// let words = analyzer.analyze("Hoàng Xuân Chiến");
    /// let folded: Vec<_> = words.iter().map(|w| w.folded.as_str()).collect();
    /// assert_eq!(folded, ["hoang", "xuan", "chien"]);
    /// ```
    pub fn analyze(&self, text: &str) -> Vec<AnalyzedWord> {
        let mut out = Vec::new();
        let mut position = 0;
        for_each_word(text, |word| {
            if let Some(analyzed) = analyze_word(word, position) {
                out.push(analyzed);
                position += 1;
            }
        });
        out
    }

    /// The `english` form of a folded word: spelling unified, then stemmed.
    pub fn english_form(&self, folded: &str) -> String {
        match self.inner.spelling.unify(folded) {
            Some(unified) => self.inner.stemmer.stem(&unified).into_owned(),
            None => self.inner.stemmer.stem(folded).into_owned(),
        }
    }

    /// Tokens of all four fields for `text`, in one pass.
    pub fn field_tokens(&self, text: &str) -> FieldTokens {
        let mut out = FieldTokens::default();
        self.field_tokens_into(text, &mut out);
        out
    }

    /// Like [`Analyzer::field_tokens`], into existing vectors: their old tokens are replaced,
    /// and reused (with their text buffers) so that a caller analysing many texts with the
    /// same `out` hardly allocates.
    pub fn field_tokens_into(&self, text: &str, out: &mut FieldTokens) {
        let mut sink = ReusedTokens {
            out,
            written: [0; 4],
        };
        self.tokens_into(text, &mut sink);
        let ReusedTokens { out, written } = sink;
        for field in FieldKind::ALL {
            out.get_mut(field).truncate(written[field as usize]);
        }
    }

    /// The tokens of all four fields for `text`, in one pass, handed to `sink` in text order.
    pub(crate) fn tokens_into(&self, text: &str, sink: &mut impl TokenSink) {
        let mut joiner = WordJoiner::default();
        let mut digits = String::new();
        let mut position = 0;
        self.for_each_word_forms(text, |word, forms| {
            let (start, end, pos) = (word.start, word.end, position);
            position += 1;
            joiner.advance(word, forms, (start, pos), |(from, prev_pos), previous| {
                sink.push(
                    FieldKind::Joined,
                    &[previous, forms.folded],
                    from,
                    end,
                    prev_pos,
                );
            });
            if let Some(number) = word.grouped_number {
                // After the pair ending here, whose token has the previous position; no pair
                // starts here, a digit group separator being no space.
                run_together(number, &mut digits);
                sink.push(
                    FieldKind::Joined,
                    &[&digits],
                    start,
                    start + number.len(),
                    pos,
                );
            }
            sink.push(FieldKind::Exact, &[forms.exact], start, end, pos);
            sink.push(FieldKind::Folded, &[forms.folded], start, end, pos);
            // A syllable's stem is its folded token (see the module docs).
            if !forms.syllable {
                sink.push(FieldKind::English, &[forms.english], start, end, pos);
            }
        });
    }

    /// Calls `f` with each word of `text` that has tokens, in text order, and its forms, taken
    /// from the per-thread memo (computed once per distinct word, never allocated per call).
    pub(crate) fn for_each_word_forms(&self, text: &str, mut f: impl FnMut(&Word<'_>, Forms<'_>)) {
        with_thread_cache(self.inner.id, |cache| {
            for_each_word(text, |word| {
                let compute = |raw: &str| self.word_forms(raw);
                cache.with_forms(word.text, compute, |forms| {
                    if let Some(forms) = forms {
                        f(&word, forms);
                    }
                })
            });
        });
    }

    /// The context-free forms of one word (what the per-thread memo remembers).
    fn word_forms(&self, raw: &str) -> Option<WordForms> {
        let (exact, folded, syllable) = analyze_word_text(raw)?;
        Some(WordForms {
            // A syllable has no `english` token (its stem is its folded form): not stemmed.
            english: if syllable {
                String::new()
            } else {
                self.english_form(&folded)
            },
            exact,
            folded,
            syllable,
        })
    }

    /// Tokens of one field for `text` (what the field's tantivy tokenizer produces).
    pub fn tokens(&self, text: &str, field: FieldKind) -> Vec<Token> {
        self.field_tokens(text).take(field)
    }
}

impl Default for Analyzer {
    /// An analyzer with the spelling variants of the built-in default schema.
    fn default() -> Self {
        crate::schema::SchemaConfig::default().analyzer()
    }
}

/// Walks the words of a text to find the pairs that make a `joined` token: the rule of
/// [`AnalyzedWord::joined_with`] (two syllables with only whitespace or `_` between them, or
/// any two words tied by a lone hyphen), for callers that see one word at a time. `T` is what
/// the caller needs of the first word of a pair (its start and position, its span).
#[derive(Default)]
pub(crate) struct WordJoiner<T> {
    /// The previous word's `T`, and whether it is a syllable.
    previous: Option<(T, bool)>,
    /// The previous word's folded form.
    previous_folded: String,
}

impl<T: Copy> WordJoiner<T> {
    /// Moves on to `word` (whose caller data is `here`), first calling `joined` with the
    /// previous word's data and folded form when the two are joined.
    pub(crate) fn advance(
        &mut self,
        word: &Word<'_>,
        forms: Forms<'_>,
        here: T,
        joined: impl FnOnce(T, &str),
    ) {
        if let Some((previous, syllable)) = self.previous {
            if joins(
                syllable,
                forms.syllable,
                word.spaced_from_previous,
                word.hyphened_from_previous,
            ) {
                joined(previous, &self.previous_folded);
            }
        }
        self.previous = Some((here, forms.syllable));
        self.previous_folded.clear();
        self.previous_folded.push_str(forms.folded);
    }
}

/// Receives the tokens of [`Analyzer::tokens_into`], in text order: within a field, by
/// nondecreasing position.
pub(crate) trait TokenSink {
    /// One token of `field`: the concatenation of `parts`, spanning bytes `from..to` of the
    /// text, at `position`.
    fn push(&mut self, field: FieldKind, parts: &[&str], from: usize, to: usize, position: usize);
}

/// [`FieldTokens`] being overwritten: `written[field]` tokens so far, the rest left over from
/// an earlier text, their text buffers reused.
struct ReusedTokens<'a> {
    out: &'a mut FieldTokens,
    written: [usize; 4],
}

impl TokenSink for ReusedTokens<'_> {
    fn push(&mut self, field: FieldKind, parts: &[&str], from: usize, to: usize, position: usize) {
        let tokens = self.out.get_mut(field);
        let n = &mut self.written[field as usize];
        if let Some(token) = tokens.get_mut(*n) {
            token.text.clear();
            token.offset_from = from;
            token.offset_to = to;
            token.position = position;
            token.position_length = 1;
        } else {
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text: String::with_capacity(parts.iter().map(|p| p.len()).sum()),
                position_length: 1,
            });
        }
        let text = &mut tokens[*n].text;
        for part in parts {
            text.push_str(part);
        }
        *n += 1;
    }
}

/// The digits of a grouped number run together (`1.000.000` → `1000000`), into `out`.
pub(crate) fn run_together(number: &str, out: &mut String) {
    out.clear();
    out.extend(digit_groups(number));
}

/// Analyses one word; `None` for a word that folds to nothing (a lone combining mark).
fn analyze_word(word: Word<'_>, position: usize) -> Option<AnalyzedWord> {
    let (exact, folded, syllable) = analyze_word_text(word.text)?;
    Some(AnalyzedWord {
        start: word.start,
        end: word.end,
        position,
        syllable,
        exact,
        folded,
        spaced_from_previous: word.spaced_from_previous,
        hyphened_from_previous: word.hyphened_from_previous,
        grouped_number: word
            .grouped_number
            .map(|number| digit_groups(number).collect()),
    })
}

/// The exact form, folded form and syllable flag of one word as written; `None` for a word
/// that folds to nothing.
fn analyze_word_text(text: &str) -> Option<(String, String, bool)> {
    let mut exact = String::with_capacity(text.len());
    normalize_word(text, &mut exact);
    let mut folded = if exact.is_ascii() {
        exact.clone()
    } else {
        let mut folded = String::with_capacity(exact.len());
        fold_word(&exact, &mut folded);
        folded
    };
    if folded.is_empty() || exact.is_empty() {
        return None;
    }
    let syllable = is_folded_syllable(&folded);
    if syllable {
        // `kỳ` and `kì` (`lý`/`lí`, `Mỹ`/`Mĩ`) are two spellings of one syllable: one folded
        // token; their exact forms differ, so the spelling typed still ranks first.
        unify_lone_y(&mut folded);
        if let Some(rest) = exact.strip_prefix('ð') {
            // The Icelandic eth `Ð` looks like `Đ` and stands in for it in Vietnamese text
            // typed or converted with the wrong code point (`ÐẠI HỌC`). A Vietnamese `đ`
            // starts a syllable; `ð` never starts an Icelandic word.
            exact = format!("đ{rest}");
        }
    }
    Some((exact, folded, syllable))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str, field: FieldKind) -> Vec<String> {
        Analyzer::default()
            .tokens(text, field)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn an_eth_standing_for_d_with_stroke_is_read_as_one() {
        assert_eq!(
            field("ÐẠI HỌC Ðà Nẵng", FieldKind::Exact),
            ["đại", "học", "đà", "nẵng"]
        );
        assert_eq!(field("ðà", FieldKind::Exact), field("Đà", FieldKind::Exact));
        // Not at the start of a Vietnamese syllable: left as it is.
        assert_eq!(
            field("það Ðorvaldur", FieldKind::Exact),
            ["það", "ðorvaldur"]
        );
    }

    #[test]
    fn guide_table() {
        // (text, exact, folded, joined)
        type Case<'a> = (&'a str, &'a [&'a str], &'a [&'a str], &'a [&'a str]);
        let cases: &[Case] = &[
            (
                "Hoàng Xuân Chiến",
                &["hoàng", "xuân", "chiến"],
                &["hoang", "xuan", "chien"],
                &["hoangxuan", "xuanchien"],
            ),
            ("Hoa\u{300}ng", &["hoàng"], &["hoang"], &[]),
            (
                "Việt Nam’s defence",
                &["việt", "nam", "defence"],
                &["viet", "nam", "defence"],
                &["vietnam"],
            ),
            ("ĐÀ NẴNG", &["đà", "nẵng"], &["da", "nang"], &["danang"]),
        ];
        for (text, exact, folded, joined) in cases {
            assert_eq!(field(text, FieldKind::Exact), *exact, "exact of {text:?}");
            assert_eq!(
                field(text, FieldKind::Folded),
                *folded,
                "folded of {text:?}"
            );
            assert_eq!(
                field(text, FieldKind::Joined),
                *joined,
                "joined of {text:?}"
            );
        }
    }

    #[test]
    fn joined_never_crosses_punctuation_or_non_syllables() {
        assert_eq!(field("Việt, Nam", FieldKind::Joined), Vec::<String>::new());
        assert_eq!(field("Hà Nội strength", FieldKind::Joined), ["hanoi"]);
        assert_eq!(field("Việt_Nam", FieldKind::Joined), ["vietnam"]);
    }

    #[test]
    fn joined_takes_first_position_and_spans_both_words() {
        let tokens = Analyzer::default().tokens("ở Hà Nội", FieldKind::Joined);
        let hanoi = tokens.iter().find(|t| t.text == "hanoi").unwrap();
        assert_eq!(hanoi.position, 1);
        assert_eq!(&"ở Hà Nội"[hanoi.offset_from..hanoi.offset_to], "Hà Nội");
    }

    #[test]
    fn numbers_with_digit_groups_are_also_joined_whole() {
        assert_eq!(field("1.000.000 đồng", FieldKind::Joined), ["1000000"]);
        assert_eq!(
            field("2,500 or 12.345", FieldKind::Joined),
            ["2500", "12345"]
        );
        assert_eq!(field("giá 2.500.", FieldKind::Joined), ["2500"]);
        for text in ["3.5", "3,14", "1.2.3", "2024.10"] {
            assert!(field(text, FieldKind::Joined).is_empty(), "{text:?}");
        }
        // A decimal number's whole part, and not its decimals.
        assert_eq!(field("1.000,5", FieldKind::Joined), ["1000"]);
        assert_eq!(field("1,000.25", FieldKind::Joined), ["1000"]);
        // The parts stay as they were, so a phrase of them still finds the number.
        assert_eq!(field("1.000.000", FieldKind::Folded), ["1", "000", "000"]);
    }

    #[test]
    fn a_grouped_number_token_spans_the_number_at_its_first_position() {
        let text = "giá 2.500 tỷ";
        let t = Analyzer::default().field_tokens(text);
        let number = &t.joined[0];
        assert_eq!(&text[number.offset_from..number.offset_to], "2.500");
        assert_eq!(number.position, t.folded[1].position);
        let words = Analyzer::default().analyze(text);
        assert_eq!(words[1].grouped_number.as_deref(), Some("2500"));
        assert!(words.iter().filter(|w| w.grouped_number.is_some()).count() == 1);
    }

    #[test]
    fn a_price_with_its_unit_on_is_the_number_and_the_unit() {
        let text = "giá 150.000đ";
        let t = Analyzer::default().field_tokens(text);
        let texts = |tokens: &[Token]| tokens.iter().map(|t| t.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&t.exact), ["giá", "150", "000", "đ"]);
        assert_eq!(texts(&t.folded), ["gia", "150", "000", "d"]);
        assert_eq!(texts(&t.joined), ["150000"]);
        // The number's token spans the number as written, at its first group's position; the
        // unit comes next, at its own.
        let number = &t.joined[0];
        assert_eq!(&text[number.offset_from..number.offset_to], "150.000");
        assert_eq!(number.position, 1);
        let unit = &t.folded[3];
        assert_eq!(
            (unit.position, &text[unit.offset_from..unit.offset_to]),
            (3, "đ")
        );
        // Several letters, folded as usual, and a monthly price.
        assert_eq!(
            field("150.000VNĐ", FieldKind::Folded),
            ["150", "000", "vnd"]
        );
        assert_eq!(field("150.000VNĐ", FieldKind::Joined), ["150000"]);
        assert_eq!(
            field("1.200.000đ/tháng", FieldKind::Exact),
            ["1", "200", "000", "đ", "tháng"]
        );
        assert_eq!(field("1.200.000đ/tháng", FieldKind::Joined), ["1200000"]);
        // Without groups, the number and the unit alike: as `150000 đ` would be.
        assert_eq!(
            field("150000đ", FieldKind::Folded),
            field("150000 đ", FieldKind::Folded)
        );
        assert_eq!(field("2.500km", FieldKind::English), ["2", "500", "km"]);
    }

    #[test]
    fn a_unit_in_nfd_has_the_tokens_of_its_composed_form() {
        let (nfd, nfc) = ("150.000đo\u{302}\u{300}ng", "150.000đồng");
        for kind in FieldKind::ALL {
            assert_eq!(field(nfd, kind), field(nfc, kind), "{kind:?}");
        }
        let t = Analyzer::default().field_tokens(nfd);
        let unit = &t.exact[2];
        assert_eq!(unit.text, "đồng");
        assert_eq!(&nfd[unit.offset_from..unit.offset_to], "đo\u{302}\u{300}ng");
    }

    #[test]
    fn codes_and_decimals_with_letters_keep_their_tokens() {
        assert_eq!(field("covid19", FieldKind::Folded), ["covid19"]);
        assert_eq!(field("10h30", FieldKind::Folded), ["10h30"]);
        assert_eq!(field("3.5km", FieldKind::Folded), ["3", "5", "km"]);
        assert!(field("3.5km 1.2.3 2024.10", FieldKind::Joined).is_empty());
        assert_eq!(field("COVID-19", FieldKind::Joined), ["covid19"]);
    }

    #[test]
    fn no_token_outgrows_the_word_limit() {
        use super::super::segment::MAX_WORD_BYTES;
        for groups in [14, 42, 43, 100] {
            let number = format!("1{}", ".000".repeat(groups));
            let tokens = field(&format!("{number} đồng"), FieldKind::Joined);
            assert!(tokens.iter().all(|t| t.len() <= MAX_WORD_BYTES), "{groups}");
            let digits = 1 + 3 * groups;
            assert_eq!(tokens.len(), usize::from(digits <= MAX_WORD_BYTES));
        }
    }

    #[test]
    fn english_unifies_spelling_and_stems() {
        assert_eq!(
            field("defence", FieldKind::English),
            field("defense", FieldKind::English)
        );
        assert_eq!(
            field("colours", FieldKind::English),
            field("color", FieldKind::English)
        );
        assert_eq!(field("running", FieldKind::English), ["run"]);
    }

    #[test]
    fn english_leaves_syllables_to_folded() {
        // `the`, `can` and `nam` are possible syllables: their stem is their folded token.
        assert_eq!(
            field("the models can fly to Việt Nam", FieldKind::English),
            ["model", "fli"]
        );
        let t = Analyzer::default().field_tokens("the models");
        assert_eq!(t.english[0].position, t.folded[1].position);
    }

    #[test]
    fn no_stopwords_are_removed() {
        for field_kind in [FieldKind::Exact, FieldKind::Folded] {
            assert_eq!(field("thể the a à", field_kind).len(), 4, "{field_kind:?}");
        }
        assert_eq!(field("these are the", FieldKind::English), ["these", "are"]);
    }

    #[test]
    fn positions_are_shared_between_fields() {
        let t = Analyzer::default().field_tokens("Hoàng Xuân Chiến defence");
        for field in FieldKind::ALL {
            for tok in t.get(field) {
                assert!(tok.position < 4, "{field:?}");
            }
        }
        let positions = |f| t.get(f).iter().map(|t| t.position).collect::<Vec<_>>();
        assert_eq!(positions(FieldKind::Exact), positions(FieldKind::Folded));
        // `english` holds only `defence`, the fourth word.
        assert_eq!(positions(FieldKind::English), [3]);
    }
}
