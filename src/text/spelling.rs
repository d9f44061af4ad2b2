//! British/American spelling unification for the `english` field.
//!
//! The word list lives in the index schema (`index-schema/default.toml`, `[english]`), not in
//! code: whole-word variants (`defence` → `defense`, `colour` → `color`) and a few suffix rules
//! (`-isation` → `-ization`, `-ise` → `-ize`). Rules apply to folded, lowercase words before
//! stemming, identically at index and query time, so a rule that over-reaches (`rise` →
//! `rize`) still maps both sides to the same term; only collisions between different words
//! matter, which is why `-our` and `-re` are listed word by word rather than as suffix rules.

use std::collections::HashMap;

/// Maps British spellings to their American form.
#[derive(Debug, Clone, Default)]
pub struct Spelling {
    words: HashMap<String, String>,
    suffixes: Vec<(String, String)>,
    min_suffix_word_len: usize,
}

impl Spelling {
    /// Builds a speller from whole-word variants and suffix rules (`(from, to)` pairs).
    ///
    /// Suffix rules are tried longest first and apply only to words at least
    /// `min_suffix_word_len` bytes long.
    pub fn new(
        words: impl IntoIterator<Item = (String, String)>,
        suffixes: impl IntoIterator<Item = (String, String)>,
        min_suffix_word_len: usize,
    ) -> Self {
        let mut suffixes: Vec<_> = suffixes.into_iter().collect();
        suffixes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Spelling {
            words: words.into_iter().collect(),
            suffixes,
            min_suffix_word_len,
        }
    }

    /// Returns the unified spelling of a folded lowercase word, or `None` when no rule applies.
    ///
    /// ```
    /// use timkiem::text::spelling::Spelling;
    /// let s = Spelling::new(
    ///     [("defence".to_string(), "defense".to_string())],
    ///     [("ise".to_string(), "ize".to_string())],
    ///     5,
    /// );
    /// assert_eq!(s.unify("defence").as_deref(), Some("defense"));
    /// assert_eq!(s.unify("organise").as_deref(), Some("organize"));
    /// assert_eq!(s.unify("defense"), None);
    /// ```
    pub fn unify(&self, word: &str) -> Option<String> {
        if let Some(american) = self.words.get(word) {
            return Some(american.clone());
        }
        if word.len() < self.min_suffix_word_len {
            return None;
        }
        self.suffixes.iter().find_map(|(from, to)| {
            word.strip_suffix(from.as_str())
                .map(|stem| format!("{stem}{to}"))
        })
    }

    /// Number of whole-word variants known.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the speller knows no variants and no rules.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.suffixes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speller() -> Spelling {
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        Spelling::new(
            [pair("defence", "defense"), pair("colour", "color")],
            [
                pair("ise", "ize"),
                pair("isation", "ization"),
                pair("ised", "ized"),
            ],
            5,
        )
    }

    #[test]
    fn whole_words_and_suffixes() {
        let s = speller();
        assert_eq!(s.unify("colour").as_deref(), Some("color"));
        assert_eq!(s.unify("organisation").as_deref(), Some("organization"));
        assert_eq!(s.unify("realised").as_deref(), Some("realized"));
        assert_eq!(s.unify("color"), None);
    }

    #[test]
    fn short_words_are_left_alone() {
        assert_eq!(speller().unify("rise"), None);
    }
}
