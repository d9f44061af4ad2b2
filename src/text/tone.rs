//! Canonical tone-mark placement.
//!
//! Vietnamese text puts the tone mark of some syllables on either of two vowels: `hoà` and
//! `hòa`, `thuý` and `thúy`, `khoẻ` and `khỏe` are the same word. To index them as one, every
//! syllable is rewritten with its tone on one canonical vowel, chosen in the **traditional
//! ("old") style**, the most common in news text:
//!
//! 1. a vowel with a shape mark (`ă â ê ô ơ ư`) takes the tone; with two (`ươ`), the second:
//!    `tiếng`, `thuyền`, `người`, `rượu`, `thuở`;
//! 2. otherwise, with a final consonant, the last vowel: `hoàng`, `toán`, `khoảng`, `huýt`;
//! 3. otherwise (open syllable) two vowels take it on the first, three on the middle one:
//!    **`hòa`, `hòe`, `thủy`, `ủy`**, `múa`, `mía`, `ngoài`, `khuỷu`;
//! 4. a single vowel takes it.
//!
//! The `u` of `qu` and the `i` of `gi` (before another vowel) belong to the onset, not to the
//! vowel group: `quý`, `quả`, `giá`, `già`, `giữ` — so `qúy` and `gìa` become `quý` and `già`.
//!
//! Only words that spell a Vietnamese syllable (see [`super::syllable`]) with exactly one tone
//! mark, in NFC, are touched; anything else (English, names, NFD text, typos with two tones)
//! is left as it is. Case is kept letter by letter: `HOÀ` → `HÒA`.

use super::syllable;

/// Vowel letters by row (`a ă â e ê i o ô ơ u ư y`) and tone (none, grave/huyền,
/// acute/sắc, hook/hỏi, tilde/ngã, dot below/nặng).
const LOWER: [[char; 6]; 12] = [
    ['a', 'à', 'á', 'ả', 'ã', 'ạ'],
    ['ă', 'ằ', 'ắ', 'ẳ', 'ẵ', 'ặ'],
    ['â', 'ầ', 'ấ', 'ẩ', 'ẫ', 'ậ'],
    ['e', 'è', 'é', 'ẻ', 'ẽ', 'ẹ'],
    ['ê', 'ề', 'ế', 'ể', 'ễ', 'ệ'],
    ['i', 'ì', 'í', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ò', 'ó', 'ỏ', 'õ', 'ọ'],
    ['ô', 'ồ', 'ố', 'ổ', 'ỗ', 'ộ'],
    ['ơ', 'ờ', 'ớ', 'ở', 'ỡ', 'ợ'],
    ['u', 'ù', 'ú', 'ủ', 'ũ', 'ụ'],
    ['ư', 'ừ', 'ứ', 'ử', 'ữ', 'ự'],
    ['y', 'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'],
];

/// [`LOWER`] in uppercase.
const UPPER: [[char; 6]; 12] = [
    ['A', 'À', 'Á', 'Ả', 'Ã', 'Ạ'],
    ['Ă', 'Ằ', 'Ắ', 'Ẳ', 'Ẵ', 'Ặ'],
    ['Â', 'Ầ', 'Ấ', 'Ẩ', 'Ẫ', 'Ậ'],
    ['E', 'È', 'É', 'Ẻ', 'Ẽ', 'Ẹ'],
    ['Ê', 'Ề', 'Ế', 'Ể', 'Ễ', 'Ệ'],
    ['I', 'Ì', 'Í', 'Ỉ', 'Ĩ', 'Ị'],
    ['O', 'Ò', 'Ó', 'Ỏ', 'Õ', 'Ọ'],
    ['Ô', 'Ồ', 'Ố', 'Ổ', 'Ỗ', 'Ộ'],
    ['Ơ', 'Ờ', 'Ớ', 'Ở', 'Ỡ', 'Ợ'],
    ['U', 'Ù', 'Ú', 'Ủ', 'Ũ', 'Ụ'],
    ['Ư', 'Ừ', 'Ứ', 'Ử', 'Ữ', 'Ự'],
    ['Y', 'Ỳ', 'Ý', 'Ỷ', 'Ỹ', 'Ỵ'],
];

/// The letter each row folds to.
const BASE: &[u8; 12] = b"aaaeeiooouuy";

/// Rows with a shape mark: ă â ê ô ơ ư.
const SHAPED: [bool; 12] = [
    false, true, true, false, true, false, false, true, true, false, true, false,
];

// Every vowel letter lives in one of two code point ranges; a byte per code point maps it to
// its packed (row, tone, case), so classifying a letter is a bounds check and a load.
const LATIN_START: u32 = 0x41;
const LATIN_LEN: usize = 0x1B1 - 0x41;
const VIET_START: u32 = 0x1EA0;
const VIET_LEN: usize = 0x1EFA - 0x1EA0;
static LATIN_VOWELS: [u8; LATIN_LEN] = vowel_table(LATIN_START);
static VIET_VOWELS: [u8; VIET_LEN] = vowel_table(VIET_START);

/// Packs `(row * 6 + tone) * 2 + upper`, plus one so that zero means "not a vowel".
const fn vowel_table<const N: usize>(start: u32) -> [u8; N] {
    let mut table = [0; N];
    let mut row = 0;
    while row < 12 {
        let mut tone = 0;
        while tone < 6 {
            let mut upper = 0;
            while upper < 2 {
                let c = if upper == 1 {
                    UPPER[row][tone]
                } else {
                    LOWER[row][tone]
                } as u32;
                if c >= start && c < start + N as u32 {
                    table[(c - start) as usize] = 1 + ((row * 6 + tone) * 2 + upper) as u8;
                }
                upper += 1;
            }
            tone += 1;
        }
        row += 1;
    }
    table
}

/// A Vietnamese vowel letter taken apart: which vowel, which tone, which case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Vowel {
    row: u8,
    /// 0 for none, then grave, acute, hook, tilde, dot below.
    tone: u8,
    upper: bool,
}

impl Vowel {
    /// Classifies `c`: any of the 144 Vietnamese vowel letters, with or without a tone.
    #[inline]
    pub(crate) fn from_char(c: char) -> Option<Vowel> {
        let code = c as u32;
        let packed = if (LATIN_START..LATIN_START + LATIN_LEN as u32).contains(&code) {
            LATIN_VOWELS[(code - LATIN_START) as usize]
        } else if (VIET_START..VIET_START + VIET_LEN as u32).contains(&code) {
            VIET_VOWELS[(code - VIET_START) as usize]
        } else {
            0
        };
        let packed = packed.checked_sub(1)?;
        Some(Vowel {
            row: packed / 12,
            tone: packed / 2 % 6,
            upper: packed & 1 == 1,
        })
    }

    /// The precomposed (NFC) letter.
    pub(crate) fn to_char(self) -> char {
        let table = if self.upper { &UPPER } else { &LOWER };
        table[self.row as usize][self.tone as usize]
    }

    /// The ASCII letter it folds to, in its case.
    pub(crate) fn folded(self) -> char {
        let base = BASE[self.row as usize];
        char::from(if self.upper {
            base.to_ascii_uppercase()
        } else {
            base
        })
    }

    fn has_shape(self) -> bool {
        SHAPED[self.row as usize]
    }

    fn with_tone(self, tone: u8) -> Vowel {
        Vowel { tone, ..self }
    }
}

/// Appends `word` (NFC, lowercase or uppercase) with its tone mark moved to the canonical vowel.
///
/// See the [module documentation](self) for the placement rules. Words that are not a single
/// toned Vietnamese syllable are appended unchanged.
pub fn canonicalize_tone(word: &str, out: &mut String) {
    match retone(word) {
        Some(retoned) => out.push_str(retoned.as_str()),
        None => out.push_str(word),
    }
}

/// A syllable rewritten with its tone moved, kept on the stack.
pub(crate) struct Retoned {
    // Seven letters of at most three UTF-8 bytes each.
    bytes: [u8; 4 * syllable::MAX_SYLLABLE_LEN],
    len: usize,
}

impl Retoned {
    fn push(&mut self, c: char) {
        self.len += c.encode_utf8(&mut self.bytes[self.len..]).len();
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only whole chars are ever pushed.
        std::str::from_utf8(&self.bytes[..self.len]).expect("Retoned holds whole chars")
    }
}

#[derive(Clone, Copy)]
enum Letter {
    Vowel(Vowel),
    Consonant(char),
}

/// `word` with its tone on the canonical vowel, or `None` when it is already there or `word`
/// is not a toned Vietnamese syllable.
pub(crate) fn retone(word: &str) -> Option<Retoned> {
    const MAX: usize = syllable::MAX_SYLLABLE_LEN;
    if word.is_ascii() || word.len() > 4 * MAX {
        return None;
    }
    let mut letters = [Letter::Consonant('\0'); MAX];
    let mut folded = [0u8; MAX];
    let mut len = 0;
    let mut toned = None;
    for c in word.chars() {
        if len == MAX {
            return None;
        }
        let (letter, ascii) = if let Some(vowel) = Vowel::from_char(c) {
            if vowel.tone != 0 {
                if toned.is_some() {
                    return None;
                }
                toned = Some(len);
            }
            (Letter::Vowel(vowel), vowel.folded())
        } else if c.is_ascii_alphabetic() {
            (Letter::Consonant(c), c)
        } else if c == 'đ' || c == 'Đ' {
            (Letter::Consonant(c), 'd')
        } else {
            return None;
        };
        letters[len] = letter;
        folded[len] = ascii.to_ascii_lowercase() as u8;
        len += 1;
    }
    let toned = toned?;
    let letters = &letters[..len];
    let folded = std::str::from_utf8(&folded[..len]).ok()?;
    let (onset, _) = syllable::split_folded(folded)?;

    // The vowel group starts the rhyme (every rhyme starts with a vowel) and runs to the coda.
    let start = onset.len();
    let group_len = letters[start..]
        .iter()
        .take_while(|l| matches!(l, Letter::Vowel(_)))
        .count();
    let vowel_at = |i: usize| match letters[i] {
        Letter::Vowel(v) => v,
        Letter::Consonant(_) => unreachable!("only vowels are indexed"),
    };
    let closed = start + group_len < len;
    let shaped = (start..start + group_len)
        .rev()
        .find(|&i| vowel_at(i).has_shape());
    let target = match (shaped, closed, group_len) {
        (Some(i), _, _) => i,
        (None, true, _) => start + group_len - 1,
        (None, false, 1 | 2) => start,
        (None, false, _) => start + 1,
    };
    if target == toned {
        return None;
    }

    let tone = vowel_at(toned).tone;
    let mut out = Retoned {
        bytes: [0; 4 * MAX],
        len: 0,
    };
    for (i, letter) in letters.iter().enumerate() {
        out.push(match *letter {
            Letter::Consonant(c) => c,
            Letter::Vowel(v) if i == target => v.with_tone(tone).to_char(),
            Letter::Vowel(v) => v.with_tone(0).to_char(),
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    fn canon(word: &str) -> String {
        let mut out = String::new();
        canonicalize_tone(word, &mut out);
        out
    }

    const TONE_MARKS: [char; 5] = ['\u{300}', '\u{301}', '\u{309}', '\u{303}', '\u{323}'];

    #[test]
    fn tables_match_unicode_composition() {
        let bases = [
            "a", "a\u{306}", "a\u{302}", "e", "e\u{302}", "i", "o", "o\u{302}",
        ];
        let bases = bases
            .iter()
            .copied()
            .chain(["o\u{31B}", "u", "u\u{31B}", "y"]);
        for (row, base) in bases.enumerate() {
            for tone in 0..6 {
                let mut decomposed = base.to_string();
                if tone > 0 {
                    decomposed.push(TONE_MARKS[tone - 1]);
                }
                let lower: String = decomposed.nfc().collect();
                assert_eq!(lower, LOWER[row][tone].to_string(), "row {row} tone {tone}");
                assert_eq!(lower.to_uppercase(), UPPER[row][tone].to_string());
                for upper in [false, true] {
                    let c = if upper {
                        UPPER[row][tone]
                    } else {
                        LOWER[row][tone]
                    };
                    let v = Vowel::from_char(c).expect("vowel letter");
                    assert_eq!(
                        (v.row as usize, v.tone as usize, v.upper),
                        (row, tone, upper)
                    );
                    assert_eq!(v.to_char(), c);
                }
            }
        }
        let vowels = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| Vowel::from_char(c).is_some())
            .count();
        assert_eq!(vowels, 144);
    }

    /// `onset` + `group` with the tone on the vowel at `at` (an index into `group`).
    fn with_tone_at(onset: &str, group: &str, at: usize, mark: char, coda: &str) -> String {
        let mut s = onset.to_string();
        for (i, c) in group.chars().enumerate() {
            s.push(c);
            if i == at {
                s.push(mark);
            }
        }
        s.push_str(coda);
        s.nfc().collect()
    }

    #[test]
    fn open_oa_oe_uy_take_the_tone_on_the_first_vowel() {
        let cases = [
            ("oa", &["", "h", "kh", "t", "l", "x", "ng", "th"][..]),
            ("oe", &["", "h", "kh", "l", "t", "x"][..]),
            ("uy", &["", "h", "th", "t", "l", "s", "kh", "nh"][..]),
        ];
        for (group, onsets) in cases {
            for onset in onsets {
                for mark in TONE_MARKS {
                    let first = with_tone_at(onset, group, 0, mark, "");
                    let second = with_tone_at(onset, group, 1, mark, "");
                    for (a, b) in [
                        (first.clone(), second.clone()),
                        (first.to_uppercase(), second.to_uppercase()),
                    ] {
                        assert_eq!(canon(&a), a, "{a} is canonical");
                        assert_eq!(canon(&b), a, "{b} should become {a}");
                    }
                }
            }
        }
    }

    #[test]
    fn known_words() {
        for (input, expected) in [
            ("hoà", "hòa"),
            ("hòa", "hòa"),
            ("hoè", "hòe"),
            ("thuý", "thúy"),
            ("khoẻ", "khỏe"),
            ("uỷ", "ủy"),
            ("HOÀ", "HÒA"),
            ("HÒA", "HÒA"),
            ("THUỶ", "THỦY"),
            ("Hoà", "Hòa"),
            // Closed syllables keep the tone on the last vowel.
            ("hoàng", "hoàng"),
            ("hòang", "hoàng"),
            ("thuyền", "thuyền"),
            ("thùyên", "thuyền"),
            ("khoảng", "khoảng"),
            ("toán", "toán"),
            ("tóan", "toán"),
            ("tuyết", "tuyết"),
            ("khuếch", "khuếch"),
            ("huýt", "huýt"),
            ("húyt", "huýt"),
            // Shape marks win.
            ("người", "người"),
            ("ngừơi", "người"),
            ("rượu", "rượu"),
            ("thuở", "thuở"),
            ("tiếng", "tiếng"),
            ("tíêng", "tiếng"),
            ("hữu", "hữu"),
            // Three open vowels: the middle one.
            ("ngoài", "ngoài"),
            ("ngòai", "ngoài"),
            ("khuỷu", "khuỷu"),
            ("khủyu", "khuỷu"),
            ("xoáy", "xoáy"),
            // qu and gi onsets.
            ("quý", "quý"),
            ("qúy", "quý"),
            ("quỳnh", "quỳnh"),
            ("qùynh", "quỳnh"),
            ("quả", "quả"),
            ("qủa", "quả"),
            ("giá", "giá"),
            ("gía", "giá"),
            ("già", "già"),
            ("gìa", "già"),
            ("giữ", "giữ"),
            ("gì", "gì"),
            ("gìn", "gìn"),
            ("giường", "giường"),
            ("QÚY", "QUÝ"),
            // Other two-vowel open rhymes: first vowel.
            ("múa", "múa"),
            ("muá", "múa"),
            ("mía", "mía"),
            ("tủi", "tủi"),
            ("đàu", "đàu"),
            ("ĐÀO", "ĐÀO"),
            ("ĐAÒ", "ĐÀO"),
        ] {
            assert_eq!(canon(input), expected, "{input}");
        }
    }

    #[test]
    fn non_syllables_are_left_alone() {
        for word in [
            "café",
            "résumé",
            "josé",
            "hoàà",
            "hòà",
            "việtnam",
            "hello",
            "e\u{301}",
            "hoà1",
            "nghiêngg",
            "",
            "ñandú",
            "Zoë",
        ] {
            assert_eq!(canon(word), word);
        }
    }

    proptest! {
        #[test]
        fn idempotent(word in "\\PC{0,10}") {
            let once = canon(&word);
            prop_assert_eq!(canon(&once), once.clone());
        }

        #[test]
        fn idempotent_on_vietnamese_like_words(
            word in "[bcdđghklmnpqrstvxy]{0,3}[aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]{1,3}[cghmnpt]{0,2}"
        ) {
            let once = canon(&word);
            prop_assert_eq!(canon(&once), once.clone());
            prop_assert_eq!(canon(&word.to_uppercase()), once.to_uppercase());
        }
    }
}
