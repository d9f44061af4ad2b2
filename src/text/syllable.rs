//! Vietnamese syllable recognition. PLACEHOLDER: replaced by the full implementation.

/// Whether a folded (diacritic-free, lowercase) word can be a Vietnamese syllable.
pub fn is_folded_syllable(folded: &str) -> bool {
    !folded.is_empty() && folded.len() <= 7 && folded.bytes().all(|b| b.is_ascii_lowercase())
}
