//! Canonical tone-mark placement. PLACEHOLDER: replaced by the full implementation.

/// Appends `word` (NFC, lowercase) to `out` with its tone mark on the canonical vowel.
pub fn canonicalize_tone(word: &str, out: &mut String) {
    out.push_str(word);
}
