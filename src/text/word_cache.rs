//! A bounded per-thread memo of raw word → analysed forms.
//!
//! Vietnamese text is written with a few thousand distinct syllables, and English text repeats
//! its words too, so nearly every word the analyzer meets it has met before. Normalisation, tone
//! placement, folding, the syllable check, spelling unification and stemming depend on the word
//! alone (never on its neighbours), so their result is remembered per thread and per
//! [`Analyzer`](super::analyzer::Analyzer): the work that depends on context (positions,
//! offsets, joining adjacent syllables) is still done for every occurrence.
//!
//! Memory is bounded: at [`MAX_WORDS`] entries the memo is emptied and starts again, and a
//! thread's memo belongs to one analyzer at a time (it is emptied when another analyzer, which
//! may unify spellings differently, uses the thread).

use std::cell::RefCell;
use std::collections::HashMap;

/// Most words remembered per thread before the memo is emptied (~200 bytes each).
pub(crate) const MAX_WORDS: usize = 1 << 16;

/// The forms of one word that do not depend on its context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WordForms {
    /// The `exact` token.
    pub(crate) exact: Box<str>,
    /// The `folded` token.
    pub(crate) folded: Box<str>,
    /// The `english` token.
    pub(crate) english: Box<str>,
    /// Whether `folded` can be a Vietnamese syllable (a candidate for joining).
    pub(crate) syllable: bool,
}

/// The memo of one thread. `None` values remember words that analyse to nothing.
#[derive(Debug, Default)]
pub(crate) struct WordCache {
    /// The analyzer whose forms these are.
    owner: u64,
    words: HashMap<Box<str>, Option<WordForms>>,
}

impl WordCache {
    /// Calls `emit` with the forms of `word`, computing them with `compute` (and remembering
    /// them) when this memo does not hold them yet.
    pub(crate) fn with_forms<R>(
        &mut self,
        word: &str,
        compute: impl FnOnce(&str) -> Option<WordForms>,
        emit: impl FnOnce(Option<&WordForms>) -> R,
    ) -> R {
        if let Some(forms) = self.words.get(word) {
            return emit(forms.as_ref());
        }
        let forms = compute(word);
        let result = emit(forms.as_ref());
        if self.words.len() >= MAX_WORDS {
            // Emptying is cheaper than any eviction order, and the common words come back
            // within a few passages.
            self.words.clear();
        }
        self.words.insert(word.into(), forms);
        result
    }

    /// Number of words remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }
}

thread_local! {
    static CACHE: RefCell<WordCache> = RefCell::new(WordCache::default());
}

/// Runs `f` with this thread's memo for the analyzer `owner` (emptied first if it held another
/// analyzer's forms). If the memo is unavailable (re-entered, or the thread is exiting), `f`
/// gets a fresh one that is thrown away afterwards: slower, never wrong.
pub(crate) fn with_thread_cache<R>(owner: u64, f: impl FnOnce(&mut WordCache) -> R) -> R {
    let mut f = Some(f);
    let result = CACHE.try_with(|cell| {
        let Ok(mut cache) = cell.try_borrow_mut() else {
            return None;
        };
        if cache.owner != owner {
            cache.words.clear();
            cache.owner = owner;
        }
        let f = f.take().expect("called once");
        Some(f(&mut cache))
    });
    match (result, f) {
        (Ok(Some(result)), _) => result,
        (_, Some(f)) => f(&mut WordCache {
            owner,
            words: HashMap::new(),
        }),
        (_, None) => unreachable!("f ran, so it returned a result"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(word: &str) -> Option<WordForms> {
        Some(WordForms {
            exact: word.into(),
            folded: word.into(),
            english: word.into(),
            syllable: false,
        })
    }

    #[test]
    fn computes_once_then_remembers() {
        let mut cache = WordCache::default();
        let mut computed = 0;
        for _ in 0..3 {
            let exact = cache.with_forms(
                "nam",
                |w| {
                    computed += 1;
                    forms(w)
                },
                |f| f.map(|f| f.exact.to_string()),
            );
            assert_eq!(exact.as_deref(), Some("nam"));
        }
        assert_eq!(computed, 1);
    }

    #[test]
    fn stays_bounded_and_right_after_emptying() {
        let mut cache = WordCache::default();
        for i in 0..MAX_WORDS + 10 {
            let word = format!("w{i}");
            let got = cache.with_forms(&word, forms, |f| f.map(|f| f.exact.to_string()));
            assert_eq!(got.as_deref(), Some(word.as_str()));
            assert!(cache.len() <= MAX_WORDS);
        }
        assert_eq!(cache.len(), 10, "emptied once, at the limit");
    }

    #[test]
    fn another_owner_empties_the_memo() {
        with_thread_cache(1, |c| {
            c.with_forms("a", forms, |_| ());
            assert_eq!(c.len(), 1);
        });
        with_thread_cache(1, |c| assert_eq!(c.len(), 1));
        with_thread_cache(2, |c| assert_eq!(c.len(), 0));
    }

    #[test]
    fn re_entry_gets_a_fresh_memo() {
        with_thread_cache(3, |outer| {
            outer.with_forms("x", forms, |_| ());
            with_thread_cache(3, |inner| assert_eq!(inner.len(), 0));
            assert_eq!(outer.len(), 1);
        });
    }
}
