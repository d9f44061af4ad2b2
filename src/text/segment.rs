//! Word segmentation: UAX #29 word boundaries, refined for Vietnamese and for search.
//!
//! Offsets always point into the text as given (the original, not a normalised copy), so that
//! highlights land on the bytes the user sees, even for NFD input.
//!
//! Refinements on top of UAX #29:
//! - `_` joins words in UAX #29 (it is `ExtendNumLet`), but word-segmented Vietnamese corpora
//!   write `Việt_Nam`: we split there, and the `_` counts as a space between syllables. So do
//!   the other `ExtendNumLet` characters, among them the narrow no-break space U+202F, which
//!   word processors put between words (`Hồ Chí Minh` with it is three words, not one).
//! - `.`, `:`, `,` and `·` inside a word split it (`1.000.000`, `example.com`, `a:b`), so codes
//!   and numbers are searchable by their parts; a phrase of the parts finds them as written.
//!   A number written with digit groups (`1.000.000`, `2,500`: see [`is_grouped_number`]) is
//!   also given, on its first part, as a whole ([`Word::grouped_number`]; for a decimal
//!   number, its whole part: `1.234` of `1.234,5`), so that the analyzer can index its digits
//!   run together (`1000000`) where `1000000` and `1,000,000` meet it.
//! - A unit written on a number (`150.000đ`, `150000đ`, `3.500USD`, `2km`, `150m2`) splits from
//!   it into a word of its own, so that the number and the unit are found as if a space parted
//!   them (and `150.000đ` is a grouped number); a word that starts with a letter or has digits
//!   after its letters (`covid19`, `10h30`) is a code and stays whole.
//! - A trailing possessive `'s` (straight, curly `’` or `‘`, modifier `ʼ` or fullwidth `＇`
//!   apostrophe) is dropped, and, being English, ends any run of syllables that could be
//!   joined.
//! - Words longer than [`MAX_WORD_BYTES`] are skipped: they are never useful search terms and
//!   would blow tantivy's term-size limit.

use unicode_normalization::char::is_combining_mark;
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
    /// Whether a single hyphen, and nothing else, separates this word from the previous one
    /// (`COVID-19`, `e-mail`, `Wi-Fi`): such words are joined whatever they are, so that
    /// `covid19` and `email` meet them.
    pub hyphened_from_previous: bool,
    /// On the first part of a number written with digit groups (`1` of `1.000.000`), the whole
    /// number as written, which starts where this word does (for a decimal number, its whole
    /// part: `1.234` of `1.234,5`); `None` on any other word.
    pub grouped_number: Option<&'a str>,
}

/// Hyphen-minus, hyphen, non-breaking hyphen and their fullwidth and small forms: the
/// characters that tie `COVID-19`.
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{FE63}' | '\u{FF0D}')
}

/// The characters UAX #29 classes `ExtendNumLet`, which join the words around them: `_`, the
/// narrow no-break space and the connector punctuation (`‿`, `⁀`, `⁔`, `︳`, `︴`, `﹍`, `﹎`,
/// `﹏`, fullwidth `＿`). Inside a segment each is a space between two words.
fn is_word_joiner_space(c: char) -> bool {
    matches!(
        c,
        '_' | '\u{202F}'
            | '\u{203F}'
            | '\u{2040}'
            | '\u{2054}'
            | '\u{FE33}'
            | '\u{FE34}'
            | '\u{FE4D}'..='\u{FE4F}' | '\u{FF3F}'
    )
}

/// Characters that split a UAX #29 word into parts. U+0387 (Greek ano teleia) is there
/// because NFD turns it into `·`: decomposed and composed text must split alike.
fn is_inner_separator(c: char) -> bool {
    is_word_joiner_space(c)
        || matches!(
            c,
            '.' | ':' | ',' | '·' | '\u{387}' | '\u{FF0E}' | '\u{FF1A}' | '\u{FF0C}'
        )
}

/// The separators between the digit groups of a number: `.` in Vietnamese (`1.000.000`), `,`
/// in English (`1,000,000`).
const DIGIT_GROUP_SEPARATORS: [char; 2] = ['.', ','];

/// Whether `text` is a number written with digit groups: one to three ASCII digits, then one
/// or more groups of exactly three, each after a single separator, the same throughout (`.` or
/// `,`), and at most [`MAX_WORD_BYTES`] digits in all, so that its digits run together make a
/// token. `3.5`, `3,14`, `1.2.3` and `2024.10` are not, and neither is `1.000,000`: mixed
/// separators mark a decimal part (Vietnamese `1.000,5`, English `1,000.5`), and running
/// its digits together would make another number (the segmenter gives the grouped whole
/// part of such a number, `1.000`: see [`Word::grouped_number`]).
pub fn is_grouped_number(text: &str) -> bool {
    let Some(separator) = text.chars().find(|c| DIGIT_GROUP_SEPARATORS.contains(c)) else {
        return false;
    };
    let all_digits = |group: &str| group.bytes().all(|b| b.is_ascii_digit());
    let mut groups = text.split(separator);
    let lead = groups.next().unwrap_or_default();
    let digit_count = text.len() - text.matches(separator).count();
    (1..=3).contains(&lead.len())
        && all_digits(lead)
        && groups.all(|group| group.len() == 3 && all_digits(group))
        && digit_count <= MAX_WORD_BYTES
}

/// The digit groups of a number that [`is_grouped_number`] accepts, in order (`1`, `000`,
/// `000` for `1.000.000`): concatenated, its token.
pub fn digit_groups(number: &str) -> impl Iterator<Item = &str> {
    number.split(DIGIT_GROUP_SEPARATORS)
}

/// Calls `emit` for every word of `text`, in order.
pub fn for_each_word<'a>(text: &'a str, mut emit: impl FnMut(Word<'a>)) {
    // `gap` describes what lies between the previous emitted word and the next one.
    let mut gap = Gap::Start;
    for_each_segment(text, |offset, segment| {
        if !segment.chars().any(char::is_alphanumeric) {
            let mut chars = segment.chars();
            gap = match (chars.next(), chars.next()) {
                (Some(c), None) if is_hyphen(c) => gap.then_hyphen(),
                _ => gap.then(segment.chars().all(|c| c.is_whitespace() || c == '_')),
            };
            return;
        }
        split_segment(segment, offset, &mut gap, &mut emit);
    });
}

/// Calls `f` with every UAX #29 word-boundary segment of `text` and its offset: exactly what
/// `split_word_bound_indices` yields, faster.
///
/// The text is cut where UAX #29 always has a boundary (after ASCII whitespace, before an
/// ASCII character that is not whitespace: no rule joins across that), and each piece made
/// only of characters whose word-break class is known here (ASCII, Latin letters, combining
/// diacritics, common quotes and dashes: nearly all Vietnamese and English text) is segmented
/// by [`segment_simple`]; any other piece goes to `unicode-segmentation`.
fn for_each_segment<'a>(text: &'a str, mut f: impl FnMut(usize, &'a str)) {
    let bytes = text.as_bytes();
    let mut units = Vec::new();
    let mut piece = |start: usize, end: usize, units: &mut Vec<Unit>| {
        let chunk = &text[start..end];
        if !segment_simple(chunk, units, |from, to| f(start + from, &chunk[from..to])) {
            for (offset, segment) in chunk.split_word_bound_indices() {
                f(start + offset, segment);
            }
        }
    };
    let mut start = 0;
    for p in 1..bytes.len() {
        if is_ascii_space(bytes[p - 1]) && bytes[p].is_ascii() && !is_ascii_space(bytes[p]) {
            piece(start, p, &mut units);
            start = p;
        }
    }
    if start < bytes.len() {
        piece(start, bytes.len(), &mut units);
    }
}

fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// The UAX #29 word-break classes of the characters [`segment_simple`] handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// `ALetter`.
    Letter,
    /// `Numeric`.
    Numeric,
    /// `ExtendNumLet` (`_`).
    ExtendNumLet,
    /// `MidLetter` (`:` `·`).
    MidLetter,
    /// `MidNumLet` (`.` `‘` `’`) or `Single_Quote` (`'`): the rules treat them alike.
    MidNumLetQ,
    /// `MidNum` (`,` `;`).
    MidNum,
    /// `WSegSpace` (` `).
    Space,
    /// `CR`.
    Cr,
    /// `LF`.
    Lf,
    /// `Newline` (vertical tab, form feed).
    Newline,
    /// `Extend` (combining diacritics), where no character absorbs it.
    Extend,
    /// Anything else known: punctuation, symbols, controls, no-break space, quotes, dashes.
    Other,
}

/// A character with the `Extend` characters that follow it (rule WB4).
#[derive(Debug, Clone, Copy)]
struct Unit {
    start: usize,
    end: usize,
    class: Class,
    /// Whether `Extend` characters follow the first one (which then no longer counts as a
    /// bare space for WB3d).
    extended: bool,
}

/// The word-break class of `c`, or `None` for a character [`segment_simple`] leaves to
/// `unicode-segmentation`.
fn class_of(c: char) -> Option<Class> {
    Some(match c {
        'a'..='z' | 'A'..='Z' => Class::Letter,
        '0'..='9' => Class::Numeric,
        '_' => Class::ExtendNumLet,
        ':' | '\u{B7}' => Class::MidLetter,
        '.' | '\'' | '\u{2018}' | '\u{2019}' => Class::MidNumLetQ,
        ',' | ';' => Class::MidNum,
        ' ' => Class::Space,
        '\r' => Class::Cr,
        '\n' => Class::Lf,
        '\u{0B}' | '\u{0C}' => Class::Newline,
        '\0'..='\u{7F}' => Class::Other,
        // Latin-1 letters, Latin Extended-A and -B, Latin Extended Additional (Vietnamese).
        '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{24F}' => Class::Letter,
        '\u{1E00}'..='\u{1EFF}' => Class::Letter,
        // Combining diacritics, but U+0345, which is also alphabetic.
        '\u{300}'..='\u{344}' | '\u{346}'..='\u{36F}' => Class::Extend,
        '\u{A0}' | '\u{2013}' | '\u{2014}' | '\u{201C}' | '\u{201D}' | '\u{2026}' => Class::Other,
        _ => return None,
    })
}

fn is_letter(u: Option<&Unit>) -> bool {
    u.is_some_and(|u| u.class == Class::Letter)
}

fn is_numeric(u: Option<&Unit>) -> bool {
    u.is_some_and(|u| u.class == Class::Numeric)
}

/// Segments `chunk` by the UAX #29 word-boundary rules, calling `f` with each segment's byte
/// range; `false` (before calling `f` at all) if `chunk` holds a character [`class_of`] does
/// not know. `units` is scratch space.
fn segment_simple(chunk: &str, units: &mut Vec<Unit>, mut f: impl FnMut(usize, usize)) -> bool {
    units.clear();
    for (i, c) in chunk.char_indices() {
        let Some(class) = class_of(c) else {
            return false;
        };
        let end = i + c.len_utf8();
        // WB4: an Extend belongs to the character before it, unless that is a line break
        // (or there is none).
        if class == Class::Extend {
            if let Some(last) = units.last_mut() {
                if !matches!(last.class, Class::Cr | Class::Lf | Class::Newline) {
                    last.end = end;
                    last.extended = true;
                    continue;
                }
            }
        }
        units.push(Unit {
            start: i,
            end,
            class,
            extended: false,
        });
    }
    let Some(first) = units.first() else {
        return true;
    };
    let mut segment_start = first.start;
    for i in 1..units.len() {
        if !joins(units, i) {
            f(segment_start, units[i].start);
            segment_start = units[i].start;
        }
    }
    f(segment_start, chunk.len());
    true
}

/// Whether UAX #29 puts no boundary between `units[i - 1]` and `units[i]`.
fn joins(units: &[Unit], i: usize) -> bool {
    use Class::*;
    let (a, b) = (units[i - 1], units[i]);
    let before = i.checked_sub(2).and_then(|j| units.get(j));
    let after = units.get(i + 1);
    match (a.class, b.class) {
        // WB3, WB3a, WB3b.
        (Cr, Lf) => true,
        (Cr | Lf | Newline, _) | (_, Cr | Lf | Newline) => false,
        // WB3d: only spaces written next to each other.
        (Space, Space) => !a.extended,
        // WB5, WB8, WB9, WB10.
        (Letter | Numeric, Letter | Numeric) => true,
        // WB6 and WB12: a middle character between two letters or two digits.
        (Letter, MidLetter | MidNumLetQ) => is_letter(after),
        (Numeric, MidNum | MidNumLetQ) => is_numeric(after),
        // WB7 and WB11.
        (MidLetter | MidNumLetQ, Letter) => is_letter(before),
        (MidNum | MidNumLetQ, Numeric) => is_numeric(before),
        // WB13a, WB13b.
        (Letter | Numeric | ExtendNumLet, ExtendNumLet) => true,
        (ExtendNumLet, Letter | Numeric) => true,
        _ => false,
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
    /// Only one hyphen since the last word, which touches it.
    Hyphen,
    /// Something else (punctuation, symbols) since the last word.
    Broken,
}

impl Gap {
    fn then(self, spaces_only: bool) -> Gap {
        match (self, spaces_only) {
            (Gap::Start, _) => Gap::Start,
            (Gap::Broken | Gap::Hyphen, _) | (_, false) => Gap::Broken,
            _ => Gap::Spaces,
        }
    }

    /// After a lone hyphen: `COVID-19`'s ties its words only when it touches both.
    fn then_hyphen(self) -> Gap {
        match self {
            Gap::Start => Gap::Start,
            Gap::Adjacent => Gap::Hyphen,
            _ => Gap::Broken,
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
    // Whether `part_start` begins a new piece that may be a grouped number: the segment's start
    // or after a separator other than a digit group's (`_` in `1.000.000_đồng`).
    let mut piece_starts = true;
    let parts = segment
        .char_indices()
        .filter(|&(_, c)| is_inner_separator(c))
        .map(|(i, c)| (i, i + c.len_utf8(), Some(c)))
        .chain(std::iter::once((segment.len(), segment.len(), None)));
    for (sep_start, sep_end, separator) in parts {
        let part = &segment[part_start..sep_start];
        let grouped_number = if piece_starts {
            grouped_number_at(&segment[part_start..])
        } else {
            None
        };
        if !part.is_empty() {
            emit_word(part, offset + part_start, grouped_number, gap, emit);
        }
        if let Some(separator) = separator {
            *gap = gap.then(is_word_joiner_space(separator));
            piece_starts = !DIGIT_GROUP_SEPARATORS.contains(&separator);
        }
        part_start = sep_end;
    }
}

/// The grouped number (see [`is_grouped_number`]) that `rest` of a segment starts with, if the
/// piece it starts with, up to a separator other than a digit group's, is one, or is one with
/// a unit written on its last group (`150.000đ`, `2.500km`: see [`number_and_unit`]), or is
/// one followed by a decimal part after the other separator (`1.234,5` and `1,234.5` give
/// `1.234` and `1,234`: their whole part is the grouped number, as the whole part `3` of
/// `3.5` is a word of its own).
fn grouped_number_at(rest: &str) -> Option<&str> {
    // Most words start with a letter: they cost one byte's look here, not a scan.
    if !rest.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let piece_end = rest
        .find(|c| is_inner_separator(c) && !DIGIT_GROUP_SEPARATORS.contains(&c))
        .unwrap_or(rest.len());
    let piece = &rest[..piece_end];
    let last_group = piece
        .rfind(DIGIT_GROUP_SEPARATORS)
        .map_or(piece, |i| &piece[i + 1..]);
    let number = match number_and_unit(last_group) {
        Some((_, unit)) => &piece[..piece.len() - unit.len()],
        None => piece,
    };
    if is_grouped_number(number) {
        return Some(number);
    }
    // A decimal part: digits after the last separator, which is not the groups' one.
    let (last, separator) = number
        .char_indices()
        .rfind(|(_, c)| DIGIT_GROUP_SEPARATORS.contains(c))?;
    let (whole, decimals) = (&number[..last], &number[last + separator.len_utf8()..]);
    let is_decimal_part = !decimals.is_empty()
        && decimals.bytes().all(|b| b.is_ascii_digit())
        && !whole.contains(separator);
    (is_decimal_part && is_grouped_number(whole)).then_some(whole)
}

/// A part written as a number with a unit on it (`150000đ`, `000VNĐ` of `150.000VNĐ`, `2km`,
/// `150m2`), as the number's ASCII digits and the unit: letters (with their combining marks),
/// and, for an area or a volume, one `2` or `3` after them (`m2`, `cm3`). The reader sees two
/// words there, and a search for the number or the unit should meet them. A part that starts
/// with a letter (`covid19`, `mp3`) or has digits after its letters (`10h30`, `1a1`) is a code:
/// `None`; so is an English number with its ending (`1960s`, `21st`, `3rd`, `19th`): a decade or
/// an ordinal is a word of its own, not a number of something.
fn number_and_unit(part: &str) -> Option<(&str, &str)> {
    const ENGLISH_ENDINGS: [&str; 5] = ["s", "st", "nd", "rd", "th"];
    let digits_end = part
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .filter(|&end| end > 0)?;
    let (number, unit) = part.split_at(digits_end);
    if ENGLISH_ENDINGS
        .iter()
        .any(|ending| unit.eq_ignore_ascii_case(ending))
    {
        return None;
    }
    let letters = match unit.strip_suffix(['2', '3']) {
        Some(letters) => letters,
        None => unit,
    };
    let mut chars = letters.chars();
    let starts_with_letter = chars
        .next()
        .is_some_and(|c| c.is_alphabetic() && !is_combining_mark(c));
    let is_unit = starts_with_letter && chars.all(|c| c.is_alphabetic() || is_combining_mark(c));
    is_unit.then_some((number, unit))
}

/// Emits one part of a segment as a word, unless it is too long or holds no letter or digit;
/// `grouped_number` is the grouped number the part starts, if any.
fn emit_word<'a>(
    part: &'a str,
    start: usize,
    grouped_number: Option<&'a str>,
    gap: &mut Gap,
    emit: &mut impl FnMut(Word<'a>),
) {
    // A part can start with what belongs to nothing, such as a combining mark after `_`. Every
    // leading mark goes, alphabetic (U+1DD3) or not (U+113CE): NFD reorders a run of marks, so
    // keeping some would make a word depend on the normalisation form of its text.
    let trimmed = part.trim_start_matches(|c: char| !c.is_alphanumeric() || is_combining_mark(c));
    let start = start + (part.len() - trimmed.len());
    let whole = trimmed.len();
    let part = strip_possessive(trimmed);
    if part.is_empty() || part.len() > MAX_WORD_BYTES || !part.chars().any(char::is_alphanumeric) {
        *gap = gap.then(false);
        return;
    }
    // A unit written on a number (`150000đ`, the `000km` of `2.500km`) is a word of its own,
    // right after the number, as if a space parted them; but the two are not joined (a number
    // is no syllable), and the number's `joined` token is made of its digits only.
    let (number, unit) = number_and_unit(part).unwrap_or((part, ""));
    emit(Word {
        text: number,
        start,
        end: start + number.len(),
        spaced_from_previous: *gap == Gap::Spaces,
        hyphened_from_previous: *gap == Gap::Hyphen,
        // A digit is alphanumeric and never trimmed: the number starts where the part does.
        grouped_number,
    });
    if !unit.is_empty() {
        let start = start + number.len();
        emit(Word {
            text: unit,
            start,
            end: start + unit.len(),
            spaced_from_previous: false,
            hyphened_from_previous: false,
            grouped_number: None,
        });
    }
    // A dropped possessive is punctuation for joining: `Nam’s defence` is no word pair.
    *gap = if part.len() == whole {
        Gap::Adjacent
    } else {
        Gap::Broken
    };
}

/// Drops a trailing English possessive (`Nam's`, `Nam’s`, `Namʼs`, fullwidth `Nam＇s`, and
/// `Nam‘s`, the left quote that autocorrect puts for an apostrophe), keeping at least one
/// character of the word.
fn strip_possessive(word: &str) -> &str {
    // Every word of the text comes here: most end in no `s`, and are done after one look.
    let Some(before_s) = word.strip_suffix(['s', 'S']) else {
        return word;
    };
    before_s
        .strip_suffix(['\'', '\u{2019}', '\u{02BC}', '\u{FF07}', '\u{2018}'])
        .filter(|stem| !stem.is_empty())
        .unwrap_or(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Characters of every class [`class_of`] knows, its edges, and some it leaves to
    /// `unicode-segmentation` (U+0345, soft hyphen, ª, ², NEL, ZWJ, emoji, CJK, Arabic,
    /// Hebrew, Katakana, fullwidth and other spaces).
    const ALPHABET: &[char] = &[
        'a', 'Z', 'đ', 'Đ', 'ệ', 'ơ', 'À', 'ÿ', 'ɏ', 'Ḁ', 'ỹ', '0', '9', '_', ':', '·', '.', '\'',
        '‘', '’', ',', ';', ' ', ' ', '\t', '\n', '\r', '\u{0B}', '\u{0C}', '\u{300}', '\u{301}',
        '\u{323}', '\u{36F}', '\u{345}', '\u{A0}', '–', '—', '“', '”', '…', '"', '-', '/', '!',
        '\u{7F}', '\0', '\u{AD}', 'ª', '²', '\u{85}', '\u{200D}', '😀', '東', 'ع', '٣', 'א', 'カ',
        '．', '\u{3000}', '\u{2028}', '\u{200B}', '\u{FEFF}', '×',
    ];

    fn reference_segments(text: &str) -> Vec<(usize, &str)> {
        text.split_word_bound_indices().collect()
    }

    fn segments(text: &str) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        for_each_segment(text, |offset, segment| out.push((offset, segment)));
        out
    }

    fn mixed_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(ALPHABET), 0..40)
            .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn segments_are_those_of_uax29(text in prop_oneof![mixed_text(), any::<String>()]) {
            prop_assert_eq!(segments(&text), reference_segments(&text));
        }
    }

    #[test]
    fn segments_of_real_text_are_those_of_uax29() {
        for text in [
            "Hoàng Xuân Chiến, 2024. Việt_Nam’s “defence” — 1.000.000 đồng; a:b 3,14 don't",
            "Hoa\u{300}ng  Vie\u{323}\u{302}t \u{301}x \r\n\r\r\n\n a_ _b __ 1'2 a'1 a.1 1.a",
            "\u{301}a  \u{301} b\n\u{301}c ＡＢ 東京 😀 a\u{AD}b",
        ] {
            assert_eq!(segments(text), reference_segments(text), "{text:?}");
        }
    }

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
    fn a_narrow_no_break_space_and_connectors_split_like_underscore() {
        // Regression: UAX #29 glues words around U+202F (`ExtendNumLet`), which made
        // `Minh\u{202F}đông` one word, `minh đông`, that `Minh` did not find.
        let ws = words("Hồ Chí Minh\u{202F}đông dân, Paris\u{202F}: oui");
        assert_eq!(
            ws.iter().map(|w| w.text).collect::<Vec<_>>(),
            ["Hồ", "Chí", "Minh", "đông", "dân", "Paris", "oui"]
        );
        assert!(ws[3].spaced_from_previous, "a space between syllables");
        for joiner in [
            '\u{203F}', '\u{2040}', '\u{2054}', '\u{FE33}', '\u{FE4F}', '\u{FF3F}',
        ] {
            assert_eq!(
                texts(&format!("Hà{joiner}Nội")),
                ["Hà", "Nội"],
                "{joiner:?}"
            );
        }
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
    fn a_lone_hyphen_ties_the_words_it_touches() {
        let tied = |text: &str| -> Vec<bool> {
            words(text)
                .iter()
                .map(|w| w.hyphened_from_previous)
                .collect()
        };
        assert_eq!(tied("COVID-19"), [false, true]);
        // Fullwidth and small hyphen-minus too (`ＣＯＶＩＤ－１９`).
        assert_eq!(
            tied("COVID\u{FF0D}19 COVID\u{FE63}19"),
            [false, true, false, true]
        );
        assert_eq!(
            tied("SARS-CoV-2 e\u{2011}mail"),
            [false, true, true, false, true]
        );
        // Spaces, a second hyphen or other punctuation next to it untie them.
        assert_eq!(tied("a -b c- d e--f g-.h -i"), [false; 9]);
        assert!(words("Wi-Fi").iter().all(|w| !w.spaced_from_previous));
    }

    #[test]
    fn possessive_is_dropped_with_any_apostrophe() {
        assert_eq!(texts("Việt Nam’s defence"), ["Việt", "Nam", "defence"]);
        assert_eq!(texts("Nam's Namʼs NAM'S"), ["Nam", "Nam", "NAM"]);
        // Regression: fullwidth `＇` and a left quote `‘` kept the `'s` on the word.
        assert_eq!(texts("Nam\u{FF07}s Nam\u{2018}s"), ["Nam", "Nam"]);
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

    /// The grouped numbers of `text`, as the words that start them give them.
    fn grouped_numbers(text: &str) -> Vec<&str> {
        words(text)
            .iter()
            .filter_map(|w| w.grouped_number)
            .collect()
    }

    #[test]
    fn numbers_with_digit_groups_are_given_whole_on_their_first_part() {
        assert_eq!(grouped_numbers("1.000.000 đồng"), ["1.000.000"]);
        assert_eq!(grouped_numbers("2,500 and 12.345"), ["2,500", "12.345"]);
        // At the end of a sentence the full stop is no group separator.
        assert_eq!(grouped_numbers("giá 2.500."), ["2.500"]);
        // A word-segmented corpus ties the number to its unit with `_`.
        assert_eq!(grouped_numbers("1.000.000_đồng"), ["1.000.000"]);
        let ws = words("giá 1.000.000 đồng");
        assert_eq!(ws[1].grouped_number, Some("1.000.000"));
        assert!(ws[2..].iter().all(|w| w.grouped_number.is_none()));
        assert_eq!(ws[1].start, "giá ".len());
    }

    #[test]
    fn the_whole_part_of_a_decimal_number_is_a_grouped_number() {
        assert_eq!(grouped_numbers("1.234,5 tỷ"), ["1.234"]);
        assert_eq!(grouped_numbers("1,234.56 dollars"), ["1,234"]);
        assert_eq!(grouped_numbers("2.500.000,75"), ["2.500.000"]);
        assert_eq!(grouped_numbers("1.000,000"), ["1.000"]);
        // With a unit written on the decimals, as on the groups.
        assert_eq!(grouped_numbers("1.234,5đ"), ["1.234"]);
        assert_eq!(texts("1.234,5đ"), ["1", "234", "5", "đ"]);
        // Not a decimal part: the groups' own separator, a code, or no groups before it.
        for text in ["1.234.5", "1.234,5a1", "3,5", "12,34.5", "1.23,5"] {
            assert_eq!(grouped_numbers(text), Vec::<&str>::new(), "{text:?}");
        }
    }

    #[test]
    fn decimals_versions_and_dates_are_no_grouped_numbers() {
        for text in [
            "3.5",
            "3,14",
            "1.2.3",
            "2024.10",
            "1234.567",
            "1.0000",
            "1.00",
            "a1.000",
            // Letters then digits after the groups make a code, not a unit (`1.000a` is a
            // number with a unit: see `a_unit_written_on_a_number_is_a_word_of_its_own`).
            "1.000a1",
            "3.5km",
            "COVID-19",
            "1000000",
            "１.０００",
        ] {
            assert_eq!(grouped_numbers(text), Vec::<&str>::new(), "{text:?}");
        }
    }

    /// Each word of `text` with its byte range.
    fn spans(text: &str) -> Vec<(&str, usize, usize)> {
        words(text)
            .iter()
            .map(|w| (w.text, w.start, w.end))
            .collect()
    }

    #[test]
    fn a_unit_written_on_a_number_is_a_word_of_its_own() {
        assert_eq!(texts("giá 150.000đ"), ["giá", "150", "000", "đ"]);
        assert_eq!(grouped_numbers("giá 150.000đ"), ["150.000"]);
        assert_eq!(texts("150.000VNĐ"), ["150", "000", "VNĐ"]);
        assert_eq!(grouped_numbers("150.000VNĐ"), ["150.000"]);
        assert_eq!(texts("3,500USD"), ["3", "500", "USD"]);
        assert_eq!(grouped_numbers("3,500USD 2.500km"), ["3,500", "2.500"]);
        // The unit of a monthly price ends at the slash.
        assert_eq!(texts("1.200.000đ/tháng"), ["1", "200", "000", "đ", "tháng"]);
        assert_eq!(grouped_numbers("1.200.000đ/tháng"), ["1.200.000"]);
        // Without digit groups too: the number and its unit.
        assert_eq!(
            texts("150000đ 20km 000đ"),
            ["150000", "đ", "20", "km", "000", "đ"]
        );
        assert!(grouped_numbers("150000đ 000đ").is_empty());
        // An area or a volume: one `2` or `3` after the letters.
        assert_eq!(texts("1.200m2 5cm3"), ["1", "200", "m2", "5", "cm3"]);
        assert_eq!(grouped_numbers("1.200m2"), ["1.200"]);
        // The unit sits right after the number: no space, no hyphen before it.
        let ws = words("150.000đ");
        assert!(!ws[2].spaced_from_previous && !ws[2].hyphened_from_previous);
        assert!(ws[2].grouped_number.is_none());
        let ws = words("đồng 150000đ");
        assert!(ws[1].spaced_from_previous && !ws[2].spaced_from_previous);
    }

    #[test]
    fn a_unit_keeps_its_bytes_as_written_even_in_nfd() {
        let text = "giá 150.000đo\u{302}\u{300}ng";
        assert_eq!(
            spans(text),
            [
                ("giá", 0, 4),
                ("150", 5, 8),
                ("000", 9, 12),
                ("đo\u{302}\u{300}ng", 12, text.len())
            ]
        );
        assert_eq!(grouped_numbers(text), ["150.000"]);
        // Composed, the same words.
        assert_eq!(texts("150.000đồng"), ["150", "000", "đồng"]);
        let text = "2.500KM";
        assert_eq!(spans(text), [("2", 0, 1), ("500", 2, 5), ("KM", 5, 7)]);
    }

    #[test]
    fn codes_of_letters_and_digits_are_left_whole() {
        for code in [
            "covid19", "mp3", "H5N1", "10h30", "4a1", "1m23", "1960s", "21st", "3RD",
        ] {
            assert_eq!(texts(code), [code], "{code:?}");
        }
        assert_eq!(texts("COVID-19"), ["COVID", "19"]);
        // A mark after the digits is no unit's first letter.
        assert_eq!(texts("150\u{301}đ"), ["150\u{301}đ"]);
    }

    #[test]
    fn grouped_numbers_never_exceed_the_word_limit() {
        // 43 digits: a token, however useless.
        let long = format!("1{}", ".000".repeat(14));
        assert_eq!(grouped_numbers(&long), [long.as_str()]);
        // Over `MAX_WORD_BYTES` digits run together: only the parts, as before.
        let at_the_limit = format!("12{}", ",000".repeat((MAX_WORD_BYTES - 2) / 3));
        assert_eq!(at_the_limit.replace(',', "").len(), MAX_WORD_BYTES);
        assert_eq!(grouped_numbers(&at_the_limit), [at_the_limit.as_str()]);
        let overlong = format!("1{}", ",000".repeat(MAX_WORD_BYTES / 3 + 1));
        assert!(overlong.replace(',', "").len() > MAX_WORD_BYTES);
        assert!(grouped_numbers(&overlong).is_empty());
        assert_eq!(texts(&overlong).len(), 1 + MAX_WORD_BYTES / 3 + 1);
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
