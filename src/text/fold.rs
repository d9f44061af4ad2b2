//! Diacritic folding: the accent-insensitive form of a word (`Việt` → `Viet`, `đường` →
//! `duong`, `café` → `cafe`).
//!
//! Folding is defined as: canonical decomposition (NFD), then every combining mark dropped
//! (U+0300–U+036F and anything else with a non-zero combining class), then a few letters that
//! carry their accent without decomposing mapped by hand (`đ ð` → `d`, `ø` → `o`, `ł` → `l`,
//! `ß` → `ss`, `æ` → `ae`, `œ` → `oe`), then recomposition (NFC, which only matters for scripts
//! such as Hangul whose letters decompose into other letters). Case is kept.
//!
//! Dropping every mark with a non-zero combining class, not only the Latin ones, is what makes
//! `fold(nfd(x)) == fold(x)` hold for any text: NFD reorders exactly those marks.
//!
//! ASCII and words made of Latin letters take a fast path that never allocates and gives the
//! same result as the definition.

use unicode_normalization::char::{canonical_combining_class, decompose_canonical};
use unicode_normalization::UnicodeNormalization;

use super::tone::Vowel;

/// Appends the folded form of `word` to `out`.
///
/// Every Vietnamese diacritic is removed (the tone marks and the marks of `ă â ê ô ơ ư`),
/// `đ`/`Đ` becomes `d`/`D` and other Latin accents are folded too (`café` → `cafe`, `ñ` → `n`,
/// `ü` → `u`, `ç` → `c`, `ß` → `ss`). Case is preserved. NFC and NFD input give the same result.
/// See the [module documentation](self) for the exact definition.
pub fn fold_word(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.push_str(word);
        return;
    }
    let start = out.len();
    for c in word.chars() {
        if !fold_char_fast(c, out) {
            out.truncate(start);
            fold_slow(word, out);
            return;
        }
    }
}

/// Whether `c` is dropped by folding.
fn is_mark(c: char) -> bool {
    ('\u{300}'..='\u{36F}').contains(&c) || canonical_combining_class(c) != 0
}

/// Letters whose accent is part of the letter rather than a combining mark.
fn special(c: char) -> Option<&'static str> {
    Some(match c {
        'đ' | 'ð' => "d",
        'Đ' | 'Ð' => "D",
        'ø' => "o",
        'Ø' => "O",
        'ł' => "l",
        'Ł' => "L",
        'ß' => "ss",
        'ẞ' => "SS",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        _ => return None,
    })
}

/// Folds `c` on its own when its result is plain ASCII; `false` (nothing appended) when the
/// word needs the general path.
#[inline]
fn fold_char_fast(c: char, out: &mut String) -> bool {
    if c.is_ascii() {
        out.push(c);
    } else if let Some(vowel) = Vowel::from_char(c) {
        out.push(vowel.folded());
    } else if ('\u{300}'..='\u{36F}').contains(&c) {
        // A Latin combining mark, as in NFD input: dropped.
    } else if let Some(s) = special(c) {
        out.push_str(s);
    } else if ('\u{C0}'..='\u{24F}').contains(&c) || ('\u{1E00}'..='\u{1EFF}').contains(&c) {
        // Other accented Latin letters: the base letter if it is ASCII and the rest are marks.
        let mut base = None;
        let mut simple = true;
        decompose_canonical(c, |d| match base {
            None if d.is_ascii() => base = Some(d),
            Some(_) if is_mark(d) => {}
            _ => simple = false,
        });
        match base {
            Some(b) if simple => out.push(b),
            _ => return false,
        }
    } else {
        return false;
    }
    true
}

/// The definition, for words the fast path cannot handle.
fn fold_slow(word: &str, out: &mut String) {
    let stripped = word.nfd().filter(|&c| !is_mark(c)).flat_map(|c| {
        let mapped = special(c);
        mapped
            .is_none()
            .then_some(c)
            .into_iter()
            .chain(mapped.unwrap_or_default().chars())
    });
    out.extend(stripped.nfc());
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fold(word: &str) -> String {
        let mut out = String::new();
        fold_word(word, &mut out);
        out
    }

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    /// The 134 Vietnamese letters with diacritics, built by composition rather than typed in.
    fn vietnamese_letters() -> Vec<(String, char)> {
        let bases = [
            ("a", 'a'),
            ("a\u{306}", 'a'),
            ("a\u{302}", 'a'),
            ("e", 'e'),
            ("e\u{302}", 'e'),
            ("i", 'i'),
            ("o", 'o'),
            ("o\u{302}", 'o'),
            ("o\u{31B}", 'o'),
            ("u", 'u'),
            ("u\u{31B}", 'u'),
            ("y", 'y'),
        ];
        let tones = ["", "\u{300}", "\u{301}", "\u{309}", "\u{303}", "\u{323}"];
        let mut letters = Vec::new();
        for (base, ascii) in bases {
            for tone in tones {
                let letter: String = format!("{base}{tone}").nfc().collect();
                // Plain a e i o u y are ASCII already: only letters with a diacritic count.
                if !letter.is_ascii() {
                    letters.push((letter.to_uppercase(), ascii.to_ascii_uppercase()));
                    letters.push((letter, ascii));
                }
            }
        }
        letters.push(("đ".into(), 'd'));
        letters.push(("Đ".into(), 'D'));
        letters
    }

    #[test]
    fn all_vietnamese_letters_fold_to_ascii() {
        let letters = vietnamese_letters();
        assert_eq!(letters.len(), 134);
        for (letter, ascii) in &letters {
            assert_eq!(letter.chars().count(), 1, "{letter} should be precomposed");
            assert_eq!(fold(letter), ascii.to_string(), "{letter}");
            assert_eq!(fold(&nfd(letter)), ascii.to_string(), "NFD {letter}");
        }
    }

    #[test]
    fn folds_words() {
        for (input, expected) in [
            ("Việt Nam", "Viet Nam"),
            ("đường", "duong"),
            ("ĐƯỜNG", "DUONG"),
            ("nghiêng", "nghieng"),
            ("khuỷu", "khuyu"),
            ("café", "cafe"),
            ("niño", "nino"),
            ("über", "uber"),
            ("français", "francais"),
            ("Straße", "Strasse"),
            ("Øresund", "Oresund"),
            ("Łódź", "Lodz"),
            ("hello", "hello"),
            ("東京", "東京"),
            ("한국", "한국"),
            ("Ελλάδα", "Ελλαδα"),
            ("Москва́", "Москва"),
            ("", ""),
        ] {
            assert_eq!(fold(input), expected, "{input}");
            assert_eq!(fold(&nfd(input)), expected, "NFD {input}");
        }
    }

    #[test]
    fn appends_to_the_buffer() {
        let mut out = String::from("x ");
        fold_word("Hà", &mut out);
        fold_word("東", &mut out);
        assert_eq!(out, "x Ha東");
    }

    #[test]
    fn fast_path_agrees_with_the_definition_for_every_char() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let s = c.to_string();
            let mut slow = String::new();
            fold_slow(&s, &mut slow);
            assert_eq!(fold(&s), slow, "U+{:04X}", c as u32);
            assert_eq!(fold(&nfd(&s)), slow, "NFD of U+{:04X}", c as u32);
        }
    }

    proptest! {
        #[test]
        fn nfd_input_folds_the_same(s in "\\PC{0,16}") {
            prop_assert_eq!(fold(&nfd(&s)), fold(&s));
        }

        #[test]
        fn nfd_input_folds_the_same_any_chars(s in any::<String>()) {
            prop_assert_eq!(fold(&nfd(&s)), fold(&s));
        }

        #[test]
        fn folded_vietnamese_is_ascii(
            s in "[a-zA-ZàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđĐ]{0,12}"
        ) {
            let folded = fold(&s);
            prop_assert!(folded.is_ascii());
            prop_assert_eq!(folded.chars().count(), s.chars().count());
        }
    }
}
