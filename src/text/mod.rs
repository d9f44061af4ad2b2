//! Text analysis: from raw bytes to the four token streams of GUIDE §2.
//!
//! The stages, in the order data flows through them:
//!
//! 1. [`decode`]: bytes to text (UTF-8, UTF-16, Vietnamese legacy encodings), binary refused;
//! 2. [`segment`]: UAX #29 words with byte offsets into the decoded text;
//! 3. [`normalize`] (with [`tone`]): each word to its canonical exact form;
//! 4. [`fold`] and [`syllable`]: the diacritic-free form, and whether it is a Vietnamese syllable;
//! 5. [`analyzer`]: one pass that derives the `exact`, `folded`, `joined` and `english` streams,
//!    with [`spelling`] and Snowball stemming for `english`;
//! 6. [`tokenizers`]: the same analysis as tantivy tokenizers, registered by name.
//!
//! [`unfold`] goes the other way for accent restoration: the accented spellings of a folded
//! syllable.
//!
//! Segmenting the original text first and normalising word by word keeps every offset pointing
//! at the bytes the user sees, whatever normalisation does to the word itself.

pub mod analyzer;
pub mod decode;
pub mod fold;
pub mod normalize;
pub mod segment;
pub mod spelling;
pub mod syllable;
pub mod tokenizers;
pub mod tone;
pub mod unfold;
mod word_cache;

/// Removes every diacritic from `text` and maps `đ` to `d`, keeping case, spacing and
/// punctuation: how people type Vietnamese without accents (used to evaluate such queries).
///
/// ```
/// assert_eq!(timkiem::text::strip_diacritics("Hoàng Xuân Chiến, Đà Nẵng"), "Hoang Xuan Chien, Da Nang");
/// ```
pub fn strip_diacritics(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold::fold_word(text, &mut out);
    out
}
