//! Word normalisation. PLACEHOLDER: replaced by the full implementation.

use unicode_normalization::UnicodeNormalization;

/// Appends the canonical exact form of one word to `out`: NFC, compatibility forms replaced,
/// lowercase, canonical tone placement.
pub fn normalize_word(word: &str, out: &mut String) {
    let lower: String = word.nfc().collect::<String>().to_lowercase();
    super::tone::canonicalize_tone(&lower.replace(['\u{2019}', '\u{02BC}'], "'"), out);
}
