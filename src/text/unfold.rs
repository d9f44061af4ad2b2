//! The reverse of folding for Vietnamese syllables: every accented spelling a folded syllable
//! can stand for (`hoang` → `hoàng`, `hoảng`, `hoãng`, … `hoang`).
//!
//! Accent restoration ([`crate::search::restore`]) needs, for a syllable typed without
//! diacritics, the forms the index holds that fold to it. Looking each spelling up in the term
//! dictionary costs a few hundred lookups per syllable, where grouping the whole dictionary by
//! folded form costs a pass over every term of the index (tens of milliseconds on a news
//! corpus, paid by every process that searches without accents).
//!
//! A Vietnamese spelling has at most one tone mark (grave, acute, hook, tilde, dot below) on
//! one vowel, and each letter is one of a few bases: `a ă â`, `e ê`, `o ô ơ`, `u ư`, `d đ`.
//! The spellings are normalised the way the analyzer normalises words (NFC, lowercase,
//! canonical tone placement: `hoà` and `hòa` give one form), so they are the index's own
//! exact forms.

use super::normalize::normalize_word;
use super::syllable::has_lone_i;

/// The combining tone marks: grave, acute, hook above, tilde, dot below.
const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{309}', '\u{303}', '\u{323}'];

/// The letters a folded letter can stand for in a Vietnamese spelling (without tone marks).
fn bases(c: char) -> &'static [char] {
    match c {
        'a' => &['a', 'ă', 'â'],
        'e' => &['e', 'ê'],
        'o' => &['o', 'ô', 'ơ'],
        'u' => &['u', 'ư'],
        'd' => &['d', 'đ'],
        'i' => &['i'],
        'y' => &['y'],
        _ => &[],
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// Every spelling with Vietnamese diacritics whose folded form is `folded` (lowercase ASCII),
/// normalised like the analyzer's exact forms, without duplicates; `folded` itself is one of
/// them. At most one tone mark per spelling, so a syllable has at most a few hundred.
///
/// Meant for syllables: a long word has many more (the count multiplies per vowel).
///
/// ```
/// use timkiem::text::unfold::accent_variants;
/// let variants = accent_variants("hoang");
/// assert!(variants.iter().any(|v| v == "hoàng"));
/// assert!(variants.iter().any(|v| v == "hoang"));
/// // A lone `i` after an onset also stands for `y`: `kỳ` folds to `ki`.
/// assert!(accent_variants("ki").iter().any(|v| v == "kỳ"));
/// ```
pub fn accent_variants(folded: &str) -> Vec<String> {
    let letters: Vec<char> = folded.chars().collect();
    if letters.is_empty() || !folded.is_ascii() {
        return Vec::new();
    }
    let mut choices: Vec<&[char]> = letters
        .iter()
        .map(|c| match bases(*c) {
            [] => std::slice::from_ref(c),
            some => some,
        })
        .collect();
    if has_lone_i(folded) {
        // `ki` is also the folded form of `kỳ` (see `syllable::unify_lone_y`).
        *choices.last_mut().expect("a syllable has letters") = &['i', 'y'];
    }
    let vowels: Vec<usize> = (0..letters.len())
        .filter(|&i| is_vowel(letters[i]))
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut pick = vec![0usize; letters.len()];
    let mut raw = String::new();
    let mut form = String::new();
    loop {
        // One spelling of the base letters; then it untoned and with each tone on each vowel.
        let tone_options = std::iter::once(None).chain(
            vowels
                .iter()
                .flat_map(|&v| TONES.iter().map(move |&t| Some((v, t)))),
        );
        for tone in tone_options {
            raw.clear();
            for (i, choice) in choices.iter().enumerate() {
                raw.push(choice[pick[i]]);
                if let Some((v, mark)) = tone {
                    if v == i {
                        raw.push(mark);
                    }
                }
            }
            form.clear();
            normalize_word(&raw, &mut form);
            if !out.contains(&form) {
                out.push(form.clone());
            }
        }
        // Next combination of bases (an odometer over `pick`).
        let mut i = 0;
        loop {
            if i == pick.len() {
                return out;
            }
            pick[i] += 1;
            if pick[i] < choices[i].len() {
                break;
            }
            pick[i] = 0;
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold::fold_word;

    fn exact(word: &str) -> String {
        let mut out = String::new();
        normalize_word(word, &mut out);
        out
    }

    #[test]
    fn every_variant_folds_back() {
        for folded in ["hoang", "nguyen", "duong", "a", "khuyen", "nghieng", "tp"] {
            let variants = accent_variants(folded);
            assert!(variants.contains(&folded.to_string()), "{folded}");
            for v in &variants {
                let mut back = String::new();
                fold_word(v, &mut back);
                assert_eq!(back, folded, "{v}");
            }
        }
    }

    #[test]
    fn real_spellings_are_among_the_variants() {
        for word in [
            "Hoàng",
            "Xuân",
            "Chiến",
            "Nguyễn",
            "đường",
            "hoà",
            "hòa",
            "thuỷ",
            "người",
            "ă",
            "Đà",
            "Nẵng",
            "khuya",
            "nghiêng",
            "quốc",
            "giữa",
        ] {
            let form = exact(word);
            let mut folded = String::new();
            fold_word(&form, &mut folded);
            assert!(
                accent_variants(&folded).contains(&form),
                "{word}: {form} not among the variants of {folded}"
            );
        }
    }

    #[test]
    fn variants_are_distinct_and_bounded() {
        let variants = accent_variants("duong");
        let mut sorted = variants.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), variants.len());
        // d/đ × u/ư × o/ô/ơ, each untoned or with one of 5 tones on one of 2 vowels.
        assert!(variants.len() <= 2 * 2 * 3 * 11, "{}", variants.len());
        assert!(accent_variants("").is_empty());
        assert!(accent_variants("việt").is_empty(), "input must be folded");
    }
}
