//! The analysis pipeline as a whole: the seed pair meets under analysis, and invariants hold
//! for arbitrary input (proptest).

mod shared_support;

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use timkiem::analysis::{Analyzer, FieldKind, FieldTokens};
use timkiem::text::decode::{decode_with, SourceEncoding};
use unicode_normalization::UnicodeNormalization;

fn tokens(text: &str, field: FieldKind) -> Vec<String> {
    Analyzer::default()
        .tokens(text, field)
        .into_iter()
        .map(|t| t.text)
        .collect()
}

fn token_set(text: &str, field: FieldKind) -> HashSet<String> {
    tokens(text, field).into_iter().collect()
}

/// Whether `query`'s tokens in `field` all occur in `doc`'s tokens of `doc_field`.
fn meets(query: &str, field: FieldKind, doc: &str, doc_field: FieldKind) -> bool {
    let doc = token_set(doc, doc_field);
    let q = tokens(query, field);
    !q.is_empty() && q.iter().all(|t| doc.contains(t))
}

#[test]
fn seed_pair_names_meet_under_analysis() {
    let Some((accented, plain)) = shared_support::seeds() else {
        return;
    };
    // Hoàng Xuân Chiến / Hoang Xuan Chien through `folded`, both ways.
    assert!(meets(
        "Hoàng Xuân Chiến",
        FieldKind::Folded,
        &plain,
        FieldKind::Folded
    ));
    assert!(meets(
        "Hoang Xuan Chien",
        FieldKind::Folded,
        &accented,
        FieldKind::Folded
    ));
    // And the exact form only where it is written with its accents.
    assert!(meets(
        "Hoàng Xuân Chiến",
        FieldKind::Exact,
        &accented,
        FieldKind::Exact
    ));
    assert!(!meets(
        "Hoàng Xuân Chiến",
        FieldKind::Exact,
        &plain,
        FieldKind::Exact
    ));
    // Việt Nam / Vietnam through `joined`: the query's one word is the document's pair.
    assert!(token_set(&accented, FieldKind::Joined).contains("vietnam"));
    assert!(token_set(&plain, FieldKind::Folded).contains("vietnam"));
    assert!(meets(
        "Vietnam",
        FieldKind::Folded,
        &accented,
        FieldKind::Joined
    ));
    // defence / defense through `english`, both ways.
    assert!(meets(
        "defense",
        FieldKind::English,
        &accented,
        FieldKind::English
    ));
    assert!(meets(
        "defence",
        FieldKind::English,
        &plain,
        FieldKind::English
    ));
    assert!(!meets(
        "defence",
        FieldKind::Folded,
        &plain,
        FieldKind::Folded
    ));
}

#[test]
fn possessive_and_joining_on_a_mixed_sentence() {
    let text = "Việt Nam’s defence and Hà Nội's colour";
    assert_eq!(
        tokens(text, FieldKind::Exact),
        ["việt", "nam", "defence", "and", "hà", "nội", "colour"]
    );
    assert_eq!(tokens(text, FieldKind::Joined), ["vietnam", "hanoi"]);
    assert_eq!(
        tokens("colour", FieldKind::English),
        tokens("color", FieldKind::English)
    );
}

#[test]
fn numbers_and_codes_are_searchable_as_written_and_by_parts() {
    for (text, parts) in [
        ("COVID-19", &["covid", "19"][..]),
        ("SARS-CoV-2", &["sars", "cov", "2"]),
        ("1.000.000", &["1", "000", "000"]),
        ("25/2", &["25", "2"]),
    ] {
        assert_eq!(tokens(text, FieldKind::Exact), parts, "{text}");
    }
}

#[test]
fn old_and_new_tone_placement_give_one_exact_token() {
    for (old, new) in [
        ("hòa", "hoà"),
        ("hòe", "hoè"),
        ("thúy", "thuý"),
        ("khỏe", "khoẻ"),
        ("HÒA", "HOÀ"),
        ("ủy", "uỷ"),
    ] {
        assert_eq!(
            tokens(old, FieldKind::Exact),
            tokens(new, FieldKind::Exact),
            "{old} / {new}"
        );
    }
}

#[test]
fn compatibility_forms_are_cleaned() {
    assert_eq!(
        tokens("ＶＩỆＴ\u{a0}Nam", FieldKind::Exact),
        ["việt", "nam"]
    );
    assert_eq!(tokens("Nam\u{2019}s", FieldKind::Exact), ["nam"]);
    // Invisible format characters inside a word are not part of it.
    let hidden = "Việ\u{AD}t\u{A0}Nam Đà\u{2060}Nẵng \u{FEFF}Huế";
    assert_eq!(
        tokens(hidden, FieldKind::Exact),
        ["việt", "nam", "đànẵng", "huế"]
    );
    assert_eq!(tokens(hidden, FieldKind::Joined), ["vietnam"]);
}

#[test]
fn a_lone_y_and_a_lone_i_fold_alike() {
    for (y, i) in [
        ("kỷ", "kỉ"),
        ("Lý", "Lí"),
        ("Mỹ", "Mĩ"),
        ("quý", "quí"),
        ("ty", "ti"),
    ] {
        assert_eq!(
            tokens(y, FieldKind::Folded),
            tokens(i, FieldKind::Folded),
            "{y}/{i}"
        );
        assert_ne!(
            tokens(y, FieldKind::Exact),
            tokens(i, FieldKind::Exact),
            "{y}/{i}"
        );
    }
    assert_eq!(
        tokens("thế kỷ", FieldKind::Joined),
        tokens("thế kỉ", FieldKind::Joined)
    );
    // Other rhymes with a `y` keep it: `uy`, `ay`, and `y` alone.
    assert_eq!(
        tokens("Huy thủy hay y", FieldKind::Folded),
        ["huy", "thuy", "hay", "y"]
    );
}

#[test]
fn central_highland_names_are_syllables() {
    // `k` before a back vowel is only written in these names, and they join like any syllables.
    assert_eq!(tokens("Đắk Lắk", FieldKind::Joined), ["daklak"]);
    assert_eq!(tokens("Đăk Lăk", FieldKind::Joined), ["daklak"]);
    assert_eq!(tokens("Kon Tum", FieldKind::Joined), ["kontum"]);
    assert!(tokens("Đắk Lắk Kon Tum", FieldKind::English).is_empty());
}

#[test]
fn hyphenated_words_are_also_joined() {
    assert_eq!(tokens("COVID-19", FieldKind::Joined), ["covid19"]);
    assert_eq!(tokens("SARS-CoV-2", FieldKind::Joined), ["sarscov", "cov2"]);
    assert_eq!(tokens("e-mail Wi‑Fi", FieldKind::Joined), ["email", "wifi"]);
    // Each word keeps its own tokens; a hyphen with a space beside it ties nothing.
    assert_eq!(tokens("COVID-19", FieldKind::Folded), ["covid", "19"]);
    assert!(tokens("COVID - 19, covid -19", FieldKind::Joined).is_empty());
}

fn vietnamese_text() -> impl Strategy<Value = String> {
    // Mostly Vietnamese letters and separators, so the interesting paths get exercised.
    let pieces = prop_oneof![
        Just("Hoàng".to_string()),
        Just("Xuân".to_string()),
        Just("hoà".to_string()),
        Just("ĐÀ".to_string()),
        Just("Nẵng".to_string()),
        Just("Việt_Nam".to_string()),
        Just("Nam’s".to_string()),
        Just("COVID-19".to_string()),
        Just("1.000.000".to_string()),
        Just("2,500".to_string()),
        Just("3.5".to_string()),
        Just("150.000đ".to_string()),
        Just("2,500VNĐ".to_string()),
        Just("45000km2".to_string()),
        Just("10h30".to_string()),
        Just(" ".to_string()),
        Just("\u{a0}".to_string()),
        Just(", ".to_string()),
        Just("\u{301}".to_string()),
        "\\PC{0,6}",
    ];
    proptest::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn offsets_are_within_the_input_and_on_char_boundaries(text in prop_oneof![vietnamese_text(), any::<String>()]) {
        let all = Analyzer::default().field_tokens(&text);
        for field in FieldKind::ALL {
            for t in all.get(field) {
                prop_assert!(t.offset_from < t.offset_to, "{field:?} {t:?}");
                prop_assert!(t.offset_to <= text.len());
                prop_assert!(text.is_char_boundary(t.offset_from));
                prop_assert!(text.is_char_boundary(t.offset_to));
                prop_assert!(!t.text.is_empty());
            }
        }
    }

    #[test]
    fn decomposed_input_analyses_like_composed(text in prop_oneof![vietnamese_text(), any::<String>()]) {
        let nfd: String = text.nfd().collect();
        prop_assert_eq!(tokens(&nfd, FieldKind::Folded), tokens(&text, FieldKind::Folded));
        prop_assert_eq!(tokens(&nfd, FieldKind::Exact), tokens(&text, FieldKind::Exact));
    }

    #[test]
    fn normalisation_is_idempotent(text in prop_oneof![vietnamese_text(), any::<String>()]) {
        let once = timkiem::text::normalize::normalize_text(&text).into_owned();
        let twice = timkiem::text::normalize::normalize_text(&once).into_owned();
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn document_and_query_analysis_agree(text in prop_oneof![vietnamese_text(), any::<String>()]) {
        // Documents go through `field_tokens`, queries through `analyze`: same words, same joins.
        let analyzer = Analyzer::default();
        let words = analyzer.analyze(&text);
        let all = analyzer.field_tokens(&text);
        let exact: Vec<&str> = words.iter().map(|w| w.exact.as_str()).collect();
        let doc_exact: Vec<&str> = all.exact.iter().map(|t| t.text.as_str()).collect();
        prop_assert_eq!(exact, doc_exact);
        let joined: Vec<String> = joined_tokens(&words).into_iter().map(|t| t.0).collect();
        let doc_joined: Vec<String> = all.joined.iter().map(|t| t.text.clone()).collect();
        prop_assert_eq!(joined, doc_joined);
    }
}

/// The `joined` tokens of analysed words, in document order, as (text, start, end, position):
/// a pair's token where its second word is reached, then the token of a grouped number that
/// word starts, spanning its groups (as many words as its digits make groups of three).
fn joined_tokens(words: &[timkiem::analysis::AnalyzedWord]) -> Vec<(String, usize, usize, usize)> {
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if let Some(pair) = i.checked_sub(1).and_then(|p| words[p].joined_with(word)) {
            let previous = &words[i - 1];
            out.push((pair, previous.start, word.end, previous.position));
        }
        if let Some(digits) = &word.grouped_number {
            let last = &words[i + digits.len().div_ceil(3) - 1];
            out.push((digits.clone(), word.start, last.end, word.position));
        }
    }
    out
}

/// Every token of every field, as (text, start, end, position).
type Streams = Vec<Vec<(String, usize, usize, usize)>>;

/// `field_tokens_into` (which remembers each word's forms per thread and reuses the tokens in
/// `out`) as streams.
fn document_streams(analyzer: &Analyzer, text: &str, out: &mut FieldTokens) -> Streams {
    analyzer.field_tokens_into(text, out);
    FieldKind::ALL
        .iter()
        .map(|&f| {
            out.get(f)
                .iter()
                .map(|t| (t.text.clone(), t.offset_from, t.offset_to, t.position))
                .collect()
        })
        .collect()
}

/// The same streams rebuilt from the query-side analysis, which remembers nothing.
fn reference_streams(analyzer: &Analyzer, text: &str) -> Streams {
    let words = analyzer.analyze(text);
    let of = |form: &dyn Fn(&timkiem::analysis::AnalyzedWord) -> String,
              keep: &dyn Fn(&timkiem::analysis::AnalyzedWord) -> bool| {
        words
            .iter()
            .filter(|w| keep(w))
            .map(|w| (form(w), w.start, w.end, w.position))
            .collect::<Vec<_>>()
    };
    let joined = joined_tokens(&words);
    vec![
        of(&|w| w.exact.clone(), &|_| true),
        of(&|w| w.folded.clone(), &|_| true),
        joined,
        // Syllables are left out of `english`: their stem is their folded token.
        of(&|w| analyzer.english_form(&w.folded), &|w| !w.syllable),
    ]
}

/// One analyzer for every case, so the per-thread word memo carries forms from case to case.
fn shared_analyzer() -> &'static Analyzer {
    static ANALYZER: std::sync::OnceLock<Analyzer> = std::sync::OnceLock::new();
    ANALYZER.get_or_init(Analyzer::default)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The same words come back in new contexts (after punctuation, after a syllable, at the
    /// start, NFD or not) and with `out` holding the previous text's tokens: any stale or
    /// misplaced remembered form shows up against the uncached reference.
    #[test]
    fn remembered_forms_match_the_uncached_analysis(
        texts in proptest::collection::vec(prop_oneof![vietnamese_text(), any::<String>()], 1..6)
    ) {
        let analyzer = shared_analyzer();
        let mut out = FieldTokens::default();
        for text in &texts {
            prop_assert_eq!(document_streams(analyzer, text, &mut out), reference_streams(analyzer, text));
            let nfd: String = text.nfd().collect();
            prop_assert_eq!(document_streams(analyzer, &nfd, &mut out), reference_streams(analyzer, &nfd));
        }
    }
}

#[test]
fn remembered_forms_survive_a_full_memo_and_a_change_of_analyzer() {
    let british = Analyzer::default();
    // No spelling variants: `defence` stays `defenc` in `english`, where the default unifies it
    // with `defense`.
    let plain = Analyzer::new(timkiem::text::spelling::Spelling::new([], [], 0));
    let text = "Việt Nam’s defence, hoà bình; Hà_Nội";
    let mut out = FieldTokens::default();
    let check = |analyzer: &Analyzer, out: &mut FieldTokens| {
        assert_eq!(
            document_streams(analyzer, text, out),
            reference_streams(analyzer, text)
        );
    };
    check(&british, &mut out);
    check(&plain, &mut out);
    assert_ne!(
        british.tokens("defence", FieldKind::English),
        plain.tokens("defence", FieldKind::English),
        "the two analyzers must differ for this test to mean anything"
    );
    check(&british, &mut out);
    // Far more distinct words than the memo holds (it empties itself when full), then the
    // first text again.
    let many: String = (0..150_000u32).map(|i| format!("w{i:x}q ")).collect();
    assert_eq!(
        document_streams(&british, &many, &mut out),
        reference_streams(&british, &many)
    );
    check(&british, &mut out);
    check(&plain, &mut out);
}

/// The encoding table of a one-byte legacy `encoding`, from its decoding table (the first
/// byte that decodes to a character encodes it).
fn one_byte_encoder(encoding: SourceEncoding) -> HashMap<char, u8> {
    let mut table = HashMap::new();
    for byte in 0..=255u8 {
        let decoded = decode_with(&[byte], encoding);
        let mut chars = decoded.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            table.entry(c).or_insert(byte);
        }
    }
    table
}

/// Real headlines (binhvq's sample, one short line each) transcoded to VISCII and TCVN3: each
/// file is one line, where there are few words to tell the encodings apart.
#[test]
fn short_legacy_headlines_decode_to_their_text() {
    let Some(shared) = shared_support::shared_dir() else {
        return;
    };
    let path = shared.join("corpora/binhvq-news-sample/original/demo-title.txt.gz");
    let file = std::fs::File::open(&path).expect("binhvq titles readable");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(file), &mut text)
        .expect("gzip of UTF-8");
    for encoding in [SourceEncoding::Viscii, SourceEncoding::Tcvn3] {
        let encoder = one_byte_encoder(encoding);
        let (mut right, mut total) = (0, 0);
        let mut wrong = Vec::new();
        for title in text.lines().map(str::trim).filter(|t| !t.is_empty()) {
            // A title with a character the encoding has no byte for is left out.
            let Some(bytes) = title
                .chars()
                .map(|c| encoder.get(&c).copied())
                .collect::<Option<Vec<u8>>>()
            else {
                continue;
            };
            if bytes.is_ascii() {
                continue;
            }
            total += 1;
            let decoded = timkiem::text::decode::decode(&bytes).expect("text, not binary");
            if decoded.text == title {
                right += 1;
            } else if wrong.len() < 5 {
                wrong.push(format!(
                    "{title} → {} ({})",
                    decoded.text,
                    decoded.encoding.name()
                ));
            }
        }
        eprintln!(
            "{}: {right} of {total} headlines decoded right",
            encoding.name()
        );
        assert!(total > 500, "{}: only {total} encodable", encoding.name());
        assert!(
            right * 1000 >= total * 995,
            "{}: {right} of {total}; {wrong:#?}",
            encoding.name()
        );
    }
}
