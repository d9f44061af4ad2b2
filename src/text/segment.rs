//! Word segmentation: UAX #29 word boundaries, refined for Vietnamese and for search.
//!
//! Offsets always point into the text as given (the original, not a normalised copy), so that
//! highlights land on the bytes the user sees, even for NFD input.
//!
//! Refinements on top of UAX #29:
//! - `_` joins words in UAX #29 (it is `ExtendNumLet`), but word-segmented Vietnamese corpora
//!   write `Việt_Nam`: we split there, and the `_` counts as a space between syllables.
//! - `.`, `:`, `,` and `·` inside a word split it (`1.000.000`, `example.com`, `a:b`), so codes
//!   and numbers are searchable by their parts; a phrase of the parts finds them as written.
//! - A trailing possessive `'s` (straight, curly `’` or modifier `ʼ` apostrophe) is dropped,
//!   and, being English, ends any run of syllables that could be joined.
//! - Words longer than [`MAX_WORD_BYTES`] are skipped: they are never useful search terms and
//!   would blow tantivy's term-size limit.

use unicode_segmentation::UnicodeSegmentation;

/// Longest word, in bytes, that becomes a token.
pub const MAX_WORD_BYTES: usize = 128;

/// One word of the text, with its byte range in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    /// The word as it appears in the text.
    pub text: &'a str,
    /// Byte offset of the first byte of the word.
    pub start: usize,
    /// Byte offset one past the last byte of the word.
    pub end: usize,
    /// Whether only whitespace or `_` separates this word from the previous one (and there is
    /// a previous one): the condition for two syllables to be joined into one word.
    pub spaced_from_previous: bool,
}

/// Characters that split a UAX #29 word into parts.
fn is_inner_separator(c: char) -> bool {
    matches!(
        c,
        '_' | '.' | ':' | ',' | '·' | '\u{FF0E}' | '\u{FF1A}' | '\u{FF0C}'
    )
}

/// Calls `emit` for every word of `text`, in order.
pub fn for_each_word<'a>(text: &'a str, mut emit: impl FnMut(Word<'a>)) {
    // `gap` describes what lies between the previous emitted word and the next one.
    let mut gap = Gap::Start;
    for (offset, segment) in text.split_word_bound_indices() {
        if !segment.chars().any(char::is_alphanumeric) {
            gap = gap.then(segment.chars().all(|c| c.is_whitespace() || c == '_'));
            continue;
        }
        split_segment(segment, offset, &mut gap, &mut emit);
    }
}

/// Collects the words of `text` (convenience for tests and callers that want a `Vec`).
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(w));
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// No word emitted yet.
    Start,
    /// A word was just emitted and nothing follows it yet.
    Adjacent,
    /// Only whitespace or `_` since the last word.
    Spaces,
    /// Something else (punctuation, symbols) since the last word.
    Broken,
}

impl Gap {
    fn then(self, spaces_only: bool) -> Gap {
        match (self, spaces_only) {
            (Gap::Start, _) => Gap::Start,
            (Gap::Broken, _) | (_, false) => Gap::Broken,
            _ => Gap::Spaces,
        }
    }
}

/// Splits one UAX #29 word segment at inner separators and emits its parts.
fn split_segment<'a>(
    segment: &'a str,
    offset: usize,
    gap: &mut Gap,
    emit: &mut impl FnMut(Word<'a>),
) {
    let mut part_start = 0;
    let parts = segment
        .char_indices()
        .filter(|&(_, c)| is_inner_separator(c))
        .map(|(i, c)| (i, i + c.len_utf8(), c == '_'))
        .chain(std::iter::once((segment.len(), segment.len(), false)));
    for (sep_start, sep_end, underscore) in parts {
        let part = &segment[part_start..sep_start];
        if !part.is_empty() {
            emit_word(part, offset + part_start, gap, emit);
        }
        if sep_end > sep_start {
            *gap = gap.then(underscore);
        }
        part_start = sep_end;
    }
}

fn emit_word<'a>(part: &'a str, start: usize, gap: &mut Gap, emit: &mut impl FnMut(Word<'a>)) {
    // A part can start with what belongs to nothing, such as a combining mark after `_`.
    let trimmed = part.trim_start_matches(|c: char| !c.is_alphanumeric());
    let start = start + (part.len() - trimmed.len());
    let whole = trimmed.len();
    let part = strip_possessive(trimmed);
    if part.is_empty() || part.len() > MAX_WORD_BYTES || !part.chars().any(char::is_alphanumeric) {
        *gap = gap.then(false);
        return;
    }
    emit(Word {
        text: part,
        start,
        end: start + part.len(),
        spaced_from_previous: *gap == Gap::Spaces,
    });
    // A dropped possessive is punctuation for joining: `Nam’s defence` is no word pair.
    *gap = if part.len() == whole {
        Gap::Adjacent
    } else {
        Gap::Broken
    };
}

/// Drops a trailing English possessive (`Nam's`, `Nam’s`, `Namʼs`), keeping at least one
/// character of the word.
fn strip_possessive(word: &str) -> &str {
    for apostrophe in ["'", "\u{2019}", "\u{02BC}"] {
        for s in ["s", "S"] {
            if let Some(stem) = word
                .strip_suffix(s)
                .and_then(|w| w.strip_suffix(apostrophe))
            {
                if !stem.is_empty() {
                    return stem;
                }
            }
        }
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        words(text).iter().map(|w| w.text).collect()
    }

    #[test]
    fn splits_on_uax29_boundaries() {
        assert_eq!(
            texts("Hoàng Xuân Chiến, 2024."),
            ["Hoàng", "Xuân", "Chiến", "2024"]
        );
        assert_eq!(texts("  \u{a0}hello\u{3000}world!!"), ["hello", "world"]);
    }

    #[test]
    fn offsets_point_into_the_original_even_for_nfd() {
        let text = "Hoa\u{300}ng  Vie\u{323}\u{302}t";
        let ws = words(text);
        assert_eq!(ws.len(), 2);
        for w in &ws {
            assert_eq!(&text[w.start..w.end], w.text);
        }
        assert_eq!(ws[0].text, "Hoa\u{300}ng");
        assert_eq!(ws[1].text, "Vie\u{323}\u{302}t");
    }

    #[test]
    fn underscore_splits_syllables_and_counts_as_space() {
        let ws = words("Việt_Nam và Hà_Nội");
        assert_eq!(
            ws.iter().map(|w| w.text).collect::<Vec<_>>(),
            ["Việt", "Nam", "và", "Hà", "Nội"]
        );
        assert!(ws[1].spaced_from_previous);
        assert!(ws[4].spaced_from_previous);
    }

    #[test]
    fn punctuation_breaks_the_spacing() {
        let ws = words("Việt, Nam. Hà Nội");
        assert!(!ws[0].spaced_from_previous);
        assert!(!ws[1].spaced_from_previous);
        assert!(!ws[2].spaced_from_previous);
        assert!(ws[3].spaced_from_previous);
    }

    #[test]
    fn possessive_is_dropped_with_any_apostrophe() {
        assert_eq!(texts("Việt Nam’s defence"), ["Việt", "Nam", "defence"]);
        assert_eq!(texts("Nam's Namʼs NAM'S"), ["Nam", "Nam", "NAM"]);
        assert_eq!(texts("don't"), ["don't"]);
        assert_eq!(texts("'s"), ["s"]);
        let ws = words("Nam’s nhà");
        assert!(
            !ws[1].spaced_from_previous,
            "a possessive ends a syllable run"
        );
    }

    #[test]
    fn numbers_and_codes_split_into_parts() {
        assert_eq!(texts("COVID-19"), ["COVID", "19"]);
        assert_eq!(texts("SARS-CoV-2"), ["SARS", "CoV", "2"]);
        assert_eq!(texts("1.000.000 đồng"), ["1", "000", "000", "đồng"]);
        assert_eq!(texts("ngày 25/2"), ["ngày", "25", "2"]);
        assert_eq!(texts("3,14"), ["3", "14"]);
        let ws = words("1.000");
        assert!(!ws[1].spaced_from_previous, "a dot is no space");
    }

    #[test]
    fn overlong_words_are_skipped() {
        let long = "a".repeat(MAX_WORD_BYTES + 1);
        let text = format!("x {long} y");
        assert_eq!(texts(&text), ["x", "y"]);
        let ws = words(&text);
        assert!(!ws[1].spaced_from_previous, "a skipped word breaks joining");
    }

    #[test]
    fn emoji_and_symbols_are_not_words() {
        assert_eq!(texts("😀 ⭐ — ++"), Vec::<&str>::new());
        let ws = words("Việt 😀 Nam");
        assert!(!ws[1].spaced_from_previous);
    }
}
