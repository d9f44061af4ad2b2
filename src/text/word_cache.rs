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

use std::borrow::Borrow;
use std::cell::RefCell;
use std::hash::{Hash, Hasher};

use crate::hash::{FastHash, FastSet};

/// Most words remembered per thread before the memo is emptied (~100 bytes each).
pub(crate) const MAX_WORDS: usize = 1 << 16;

/// The forms of one word that do not depend on its context, as computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WordForms {
    /// The `exact` token.
    pub(crate) exact: String,
    /// The `folded` token.
    pub(crate) folded: String,
    /// The `english` token (empty for a syllable, which has none).
    pub(crate) english: String,
    /// Whether `folded` can be a Vietnamese syllable (a candidate for joining).
    pub(crate) syllable: bool,
}

/// The forms of one word, borrowed from the memo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Forms<'a> {
    /// The `exact` token.
    pub(crate) exact: &'a str,
    /// The `folded` token.
    pub(crate) folded: &'a str,
    /// The `english` token.
    pub(crate) english: &'a str,
    /// Whether `folded` can be a Vietnamese syllable.
    pub(crate) syllable: bool,
}

impl WordForms {
    fn as_forms(&self) -> Forms<'_> {
        Forms {
            exact: &self.exact,
            folded: &self.folded,
            english: &self.english,
            syllable: self.syllable,
        }
    }
}

/// One memo entry: the raw word and its three forms in one allocation, their lengths and the
/// syllable flag beside it. One allocation rather than four keeps a lookup to one pointer chase:
/// with tens of thousands of words, cache misses on separately allocated strings were most of
/// a lookup's cost.
#[derive(Debug)]
struct Packed {
    /// Lengths of the exact, folded and english forms at the end of `text`.
    lens: [u16; 3],
    /// `None` for a word that analyses to nothing, else whether it is a syllable.
    syllable: Option<bool>,
    /// The raw word, then the exact, folded and english forms.
    text: Box<str>,
}

impl Packed {
    /// `None` if a form is too long to pack (it is then just not remembered).
    fn new(word: &str, forms: Option<&WordForms>) -> Option<Packed> {
        let parts = forms.map_or(["", "", ""], |f| [f.exact.as_str(), &f.folded, &f.english]);
        let mut text =
            String::with_capacity(word.len() + parts.iter().map(|p| p.len()).sum::<usize>());
        text.push_str(word);
        let mut lens = [0; 3];
        for (len, part) in lens.iter_mut().zip(parts) {
            *len = u16::try_from(part.len()).ok()?;
            text.push_str(part);
        }
        Some(Packed {
            lens,
            syllable: forms.map(|f| f.syllable),
            text: text.into_boxed_str(),
        })
    }

    fn word_len(&self) -> usize {
        self.text.len() - self.lens.iter().map(|&l| usize::from(l)).sum::<usize>()
    }

    /// The raw word and its forms.
    fn parts(&self) -> (&str, Option<Forms<'_>>) {
        let [e, f, g] = self.lens.map(usize::from);
        let w = self.word_len();
        let forms = self.syllable.map(|syllable| Forms {
            exact: &self.text[w..w + e],
            folded: &self.text[w + e..w + e + f],
            english: &self.text[w + e + f..w + e + f + g],
            syllable,
        });
        (&self.text[..w], forms)
    }

    fn word(&self) -> &str {
        &self.text[..self.word_len()]
    }
}

impl Borrow<str> for Packed {
    fn borrow(&self) -> &str {
        self.word()
    }
}

// Hashed and compared by the raw word alone, like the `&str` it is looked up with.
impl Hash for Packed {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.word().hash(state);
    }
}

impl PartialEq for Packed {
    fn eq(&self, other: &Packed) -> bool {
        self.word() == other.word()
    }
}

impl Eq for Packed {}

/// The memo of one thread.
#[derive(Debug)]
pub(crate) struct WordCache {
    /// The analyzer whose forms these are.
    owner: u64,
    /// Hashed from a random per-memo seed, so that no corpus can be written to collide in it.
    words: FastSet<Packed>,
}

impl WordCache {
    fn new(owner: u64) -> WordCache {
        WordCache {
            owner,
            words: FastSet::with_hasher(FastHash::new()),
        }
    }

    /// Calls `emit` with the forms of `word` (`None` if it analyses to nothing), computing
    /// them with `compute` (and remembering them) when this memo does not hold them yet.
    pub(crate) fn with_forms<R>(
        &mut self,
        word: &str,
        compute: impl FnOnce(&str) -> Option<WordForms>,
        emit: impl FnOnce(Option<Forms<'_>>) -> R,
    ) -> R {
        if let Some(packed) = self.words.get(word) {
            return emit(packed.parts().1);
        }
        let forms = compute(word);
        let result = emit(forms.as_ref().map(WordForms::as_forms));
        if self.words.len() >= MAX_WORDS {
            // Emptying is cheaper than any eviction order, and the common words come back
            // within a few passages.
            self.words.clear();
        }
        if let Some(packed) = Packed::new(word, forms.as_ref()) {
            self.words.insert(packed);
        }
        result
    }

    /// Number of words remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }
}

thread_local! {
    static CACHE: RefCell<WordCache> = RefCell::new(WordCache::new(0));
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
        (_, Some(f)) => f(&mut WordCache::new(owner)),
        (_, None) => unreachable!("f ran, so it returned a result"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(word: &str) -> Option<WordForms> {
        Some(WordForms {
            exact: word.to_uppercase(),
            folded: word.into(),
            english: format!("{word}!"),
            syllable: word.len().is_multiple_of(2),
        })
    }

    #[test]
    fn packed_entries_give_back_what_went_in() {
        for word in ["", "a", "Việt", "nam's", &"x".repeat(128)] {
            let computed = forms(word).unwrap();
            let packed = Packed::new(word, Some(&computed)).unwrap();
            assert_eq!(packed.parts(), (word, Some(computed.as_forms())));
            let nothing = Packed::new(word, None).unwrap();
            assert_eq!(nothing.parts(), (word, None));
        }
    }

    #[test]
    fn computes_once_then_remembers() {
        let mut cache = WordCache::new(0);
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
            assert_eq!(exact.as_deref(), Some("NAM"));
        }
        assert_eq!(computed, 1);
    }

    #[test]
    fn stays_bounded_and_right_after_emptying() {
        let mut cache = WordCache::new(0);
        for i in 0..MAX_WORDS + 10 {
            let word = format!("w{i}");
            let got = cache.with_forms(&word, forms, |f| f.map(|f| f.english.to_string()));
            assert_eq!(got, Some(format!("{word}!")));
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
