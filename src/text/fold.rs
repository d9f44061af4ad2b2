//! Diacritic folding. PLACEHOLDER: replaced by the full implementation.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Appends the folded form of `word` to `out`: diacritics removed, `đ` to `d`.
pub fn fold_word(word: &str, out: &mut String) {
    for c in word.nfd().filter(|c| !is_combining_mark(*c)) {
        out.push(match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        });
    }
}
