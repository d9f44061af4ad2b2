//! Normalisation to the canonical exact form of Vietnamese/English text.
//!
//! Both entry points apply the same steps:
//!
//! 1. canonical decomposition (NFD), so that precomposed and decomposed input agree;
//! 2. compatibility clean-up, character by character: curly and modifier
//!    apostrophes to `'`, curly double quotes to `"`, Unicode spaces to ` `, fullwidth ASCII
//!    (U+FF01–U+FF5E) to ASCII, and letters or digits with a compatibility decomposition made
//!    only of letters, digits and marks to that decomposition (ligatures `ﬁ`, superscripts,
//!    `ǆ`, mathematical letters), as NFKC would. Other compatibility characters (`½`, `…`,
//!    `™`) are kept: NFKC would turn them into punctuation or spaces. Vietnamese letters have
//!    no compatibility decomposition and pass through. Invisible format characters are
//!    dropped (soft hyphens, zero-width joiners, word joiners, byte order marks, bidirectional
//!    marks): word segmentation keeps them inside a word, and scraped or PDF-extracted text
//!    is full of them (`Việ\u{AD}t` is `việt`);
//! 3. [`normalize_word`] only: lowercase (per character, so `Đ` → `đ`, `Σ` → `σ`);
//! 4. recomposition (NFC);
//! 5. canonical tone placement ([`super::tone`]), on each word.
//!
//! [`normalize_word`] is on the indexing hot path: ASCII words and NFC words with nothing to
//! clean up are handled without allocating.

use std::borrow::Cow;

use unicode_normalization::char::{
    canonical_combining_class, decompose_compatible, is_combining_mark,
};
use unicode_normalization::{is_nfc_quick, is_nfkc_quick, IsNormalized, UnicodeNormalization};

use super::tone;

/// Appends the canonical exact form of one word to `out`.
///
/// The form is NFC, with compatibility forms replaced (fullwidth ASCII → ASCII, `’ ‘ ʼ ＇ ´`
/// → `'`, other compatibility letters as NFKC would), lowercase (including `Đ` → `đ`) and
/// with the tone mark on its canonical vowel ([`tone::canonicalize_tone`]). NFC and NFD input
/// give the same result. See the [module documentation](self) for the details.
///
/// ```
/// # use timkiem::text::normalize::normalize_word;
/// let mut out = String::new();
/// normalize_word("HOÀ", &mut out);
/// assert_eq!(out, "hòa");
/// ```
pub fn normalize_word(word: &str, out: &mut String) {
    let start = out.len();
    if word.is_ascii() {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    if !lowercase_clean_word(word, out) {
        out.truncate(start);
        let mut mapped = String::with_capacity(word.len() + 8);
        for c in word.nfd() {
            compat(c, |m| mapped.extend(m.to_lowercase()));
        }
        out.extend(mapped.nfc());
    }
    if let Some(retoned) = tone::retone(&out[start..]) {
        out.truncate(start);
        out.push_str(retoned.as_str());
    }
}

/// Fast path of [`normalize_word`]: when `word` is NFKC and has nothing for [`compat`] to do,
/// the slow path reduces to lowercasing each char. Returns `false` (with junk appended) if
/// the word needs the slow path.
fn lowercase_clean_word(word: &str, out: &mut String) -> bool {
    if is_nfkc_quick(word.chars()) != IsNormalized::Yes || word.chars().any(needs_mapping) {
        return false;
    }
    let start = out.len();
    out.extend(word.chars().flat_map(char::to_lowercase));
    // Lowercasing NFC text gives NFC text in practice; check rather than assume.
    is_nfc_quick(out[start..].chars()) == IsNormalized::Yes
}

/// Whole-text normalisation for callers that want it: NFC, the compatibility clean-up of
/// the [module documentation](self) (Unicode spaces such as NBSP → ` `, curly quotes →
/// straight, fullwidth → ASCII) and canonical tones in every word. Case is kept.
///
/// Idempotent, and borrows `text` when it is already normal.
///
/// ```
/// # use timkiem::text::normalize::normalize_text;
/// assert_eq!(normalize_text("Hoà\u{a0}bình “Việt”"), "Hòa bình \"Việt\"");
/// ```
pub fn normalize_text(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let clean = is_nfc_quick(text.chars()) == IsNormalized::Yes
        && !text
            .chars()
            .any(|c| needs_mapping(c) || has_compat_letters(c));
    let text: Cow<'_, str> = if clean {
        Cow::Borrowed(text)
    } else {
        let mut mapped = String::with_capacity(text.len());
        for c in text.nfd() {
            compat(c, |m| mapped.push(m));
        }
        Cow::Owned(mapped.nfc().collect())
    };
    retone_words(text)
}

/// Moves tone marks in every run of letters and digits that is a Vietnamese syllable.
fn retone_words(text: Cow<'_, str>) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut copied = 0;
    for (start, word) in words(&text) {
        if let Some(retoned) = tone::retone(word) {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[copied..start]);
            out.push_str(retoned.as_str());
            copied = start + word.len();
        }
    }
    match out {
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
        None => text,
    }
}

/// Maximal runs of letters, digits and combining marks, with their byte offsets.
///
/// A leftover mark (`ỵ` + U+0300) must stay part of its word: it makes the word a
/// non-syllable, where splitting it off would move the tone under it and change what it
/// composes with on the next pass.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let in_word = |c: char| c.is_alphanumeric() || is_combining_mark(c);
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = rest.find(|&(_, c)| in_word(c))?;
        let mut end = text.len();
        while let Some(&(i, c)) = rest.peek() {
            if !in_word(c) {
                end = i;
                break;
            }
            rest.next();
        }
        Some((start, &text[start..end]))
    })
}

/// Whether [`compat`] replaces `c` by an explicit rule.
fn needs_mapping(c: char) -> bool {
    replace_punct(c) != c || is_invisible_format(c)
}

/// Invisible format characters (Unicode category Cf, default-ignorable) that text carries
/// inside words without meaning a different word: the soft hyphen, zero-width space, non-joiner
/// and joiner, word joiner and invisible operators, the byte order mark (zero-width no-break
/// space), and the bidirectional marks, embeddings and isolates.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{61C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
    )
}

/// The explicit replacements: apostrophes, double quotes, fullwidth ASCII, Unicode spaces.
fn replace_punct(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}'
        | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        '\u{FF01}'..='\u{FF5E}' => {
            char::from_u32(c as u32 - 0xFEE0).expect("fullwidth ASCII maps to ASCII")
        }
        c if is_unicode_space(c) => ' ',
        c => c,
    }
}

/// Non-ASCII space separators (Zs) and the no-break spaces.
fn is_unicode_space(c: char) -> bool {
    matches!(
        c,
        '\u{A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Whether `c` is a letter or digit whose compatibility decomposition is made only of
/// letters, digits and combining marks (`ﬁ`, `²`, `ǅ`, `𝐀`), i.e. one NFKC would spell
/// differently without turning it into punctuation.
fn has_compat_letters(c: char) -> bool {
    if c.is_ascii() || !c.is_alphanumeric() || tone::Vowel::from_char(c).is_some() {
        return false;
    }
    let mut changed = false;
    let mut letters = true;
    decompose_compatible(c, |d| {
        changed |= d != c;
        letters &= d.is_alphanumeric() || canonical_combining_class(d) != 0;
    });
    changed && letters
}

/// The compatibility clean-up of one char of an NFD stream; see the module documentation.
fn compat(c: char, mut emit: impl FnMut(char)) {
    if is_invisible_format(c) {
        return;
    }
    if has_compat_letters(c) {
        // The decomposition may hold a char with an explicit rule: ŉ is ʼ + n.
        decompose_compatible(c, |d| emit(replace_punct(d)));
    } else {
        emit(replace_punct(c));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn norm(word: &str) -> String {
        let mut out = String::new();
        normalize_word(word, &mut out);
        out
    }

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    /// The slow path alone, to check the fast path against.
    fn norm_slow(word: &str) -> String {
        let mut mapped = String::new();
        for c in word.nfd() {
            compat(c, |m| mapped.extend(m.to_lowercase()));
        }
        let mapped: String = mapped.nfc().collect();
        let mut out = String::new();
        tone::canonicalize_tone(&mapped, &mut out);
        out
    }

    #[test]
    fn normalizes_words() {
        for (input, expected) in [
            ("Việt", "việt"),
            ("VIỆT", "việt"),
            ("ＶＩỆＴ", "việt"),
            ("Nam’s", "nam's"),
            ("Nam‘s", "nam's"),
            ("Namʼs", "nam's"),
            ("Nam＇s", "nam's"),
            ("Nam´s", "nam's"),
            ("ĐÀ", "đà"),
            ("NẴNG", "nẵng"),
            ("ĐÀ NẴNG", "đà nẵng"),
            ("HOÀ", "hòa"),
            ("Hoà", "hòa"),
            ("thuỷ", "thủy"),
            ("KHOẺ", "khỏe"),
            ("qúy", "quý"),
            ("ﬁle", "file"),
            ("m²", "m2"),
            ("Ǆem", "džem"),
            ("ŉ", "'n"),
            ("ＡＢＣ１２３", "abc123"),
            ("café", "café"),
            ("Straße", "straße"),
            ("ΣΟΦΙΑ", "σοφια"),
            ("東京", "東京"),
            ("hello", "hello"),
            ("HELLO", "hello"),
            ("Việ\u{AD}t", "việt"),
            ("Vi\u{AD}ệt", "việt"),
            ("Việt\u{200D}Nam", "việtnam"),
            ("H\u{2060}oàng", "hoàng"),
            ("\u{FEFF}Hà", "hà"),
            ("Nẵng\u{200E}", "nẵng"),
            ("", ""),
        ] {
            assert_eq!(norm(input), expected, "{input}");
            assert_eq!(norm(&nfd(input)), expected, "NFD {input}");
        }
    }

    #[test]
    fn appends_to_the_buffer() {
        let mut out = String::from("x");
        normalize_word(" Hoà", &mut out);
        normalize_word("THUỶ", &mut out);
        assert_eq!(out, "x hoàthủy");
    }

    #[test]
    fn texts() {
        for (input, expected) in [
            ("Hoà\u{a0}bình", "Hòa bình"),
            ("“Việt Nam’s”", "\"Việt Nam's\""),
            ("ＶＩỆＴ　NAM", "VIỆT NAM"),
            ("Thuỷ, khoẻ và HOÀ.", "Thủy, khỏe và HÒA."),
            ("Vie\u{302}\u{323}t", "Việt"),
            ("½ … ™", "½ … ™"),
            ("ﬁle", "file"),
            // A stray mark keeps the word from being retoned (idempotence).
            ("ăỵ\u{300}", "ăỵ\u{300}"),
        ] {
            assert_eq!(normalize_text(input), expected, "{input}");
        }
    }

    #[test]
    fn text_borrows_when_already_normal() {
        for text in ["plain ASCII", "Hòa bình, Việt Nam", "東京 ½ …"] {
            assert!(matches!(normalize_text(text), Cow::Borrowed(_)), "{text}");
        }
        assert!(matches!(normalize_text("Hoà"), Cow::Owned(_)));
    }

    proptest! {
        #[test]
        fn no_panic(s in any::<String>()) {
            let mut out = String::new();
            normalize_word(&s, &mut out);
            let _ = normalize_text(&s);
        }

        #[test]
        fn text_is_idempotent(s in any::<String>()) {
            let once = normalize_text(&s).into_owned();
            prop_assert_eq!(normalize_text(&once), once.as_str());
        }

        #[test]
        fn text_is_idempotent_on_vietnamese(s in "[ a-zA-ZđĐàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ’‘“ʼ´ŉﬁ²ǅＶＩ\u{a0}\u{3000}\u{300}-\u{303}\u{309}\u{323}]{0,24}") {
            let once = normalize_text(&s).into_owned();
            prop_assert_eq!(normalize_text(&once), once.as_str());
        }

        #[test]
        fn word_ignores_nfd(s in any::<String>()) {
            prop_assert_eq!(norm(&nfd(&s)), norm(&s));
        }

        #[test]
        fn word_ignores_nfd_vietnamese(s in "[a-zA-ZđĐàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵÀÁẢÃẠÊẾỀỂỄỆƯỪỨỬỮỰ]{0,8}") {
            prop_assert_eq!(norm(&nfd(&s)), norm(&s));
        }

        #[test]
        fn fast_path_agrees_with_slow_path(s in any::<String>()) {
            prop_assert_eq!(norm(&s), norm_slow(&s));
        }

        #[test]
        fn word_is_idempotent(s in any::<String>()) {
            let once = norm(&s);
            prop_assert_eq!(norm(&once), once);
        }
    }
}
