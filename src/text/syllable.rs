//! Vietnamese syllable recognition on folded (diacritic-free, lowercase ASCII) words.
//!
//! A written Vietnamese syllable is an optional onset followed by a rhyme:
//!
//! - **Onsets**: `b c ch d g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x` or none
//!   (`đ` folds to `d`). The longest onset that leaves a valid rhyme wins; `gi` before a
//!   consonant or at the end is `g` + the vowel `i` (`gì`, `gìn`).
//! - **Rhymes**: [`RHYMES`], the standard rhyme inventory written without diacritics (so `ăn`,
//!   `ân` and `an` are all `an`), including the rhymes with a medial `o`/`u` (`oa`, `oăng`,
//!   `uyên`, `uơ`, …) and the few that only occur after `qu` (`uach` in Quách, `uai` in quai).
//! - **`qu`**: its `u` is the medial of the rhyme, so `qu` + R is valid when `u` + R is a rhyme
//!   (`quynh` → `uynh`, `quoc` → `uoc`, `qua` → `ua`).
//! - **Spelling rules**: `gh`, `ngh` only before `e`, `i`; `c`, `g`, `ng` never before `e`, `i`,
//!   `y` (except `g` + `i`, above); rhymes spelled `ye…` only without an onset and rhymes
//!   spelled `ie…` only with one (`yên` vs `tiên`). `k` is written before `e`, `i`, `y` in
//!   common words and before any vowel in the place and people names of the Central Highlands
//!   (`Đắk Lắk`, `Kon Tum`, `Pơ Kơ`), which are as much syllables as any other: `Daklak` and
//!   `Kontum` are their joined forms. Those names also end in `k` where common words end in
//!   `c` (`Đắk`, `Lắk`, `Krông Búk`): `ak` and `uk` are rhymes too.
//!
//! This is a check on spelling, not a dictionary: every real syllable passes, and so do some
//! short English words that happen to be spelled like one (`the`, `an`, `ban`).

use unicode_normalization::UnicodeNormalization;

/// Folded Vietnamese rhymes, sorted for binary search; one line per leading vowel.
#[rustfmt::skip]
pub const RHYMES: &[&str] = &[
    "a", "ac", "ach", "ai", "ak", "am", "an", "ang", "anh", "ao", "ap", "at", "au", "ay",
    "e", "ec", "ech", "em", "en", "eng", "enh", "eo", "ep", "et", "eu",
    "i", "ia", "ich", "iec", "iem", "ien", "ieng", "iep", "iet", "ieu", "im", "in", "inh", "ip",
        "it", "iu",
    "o", "oa", "oac", "oach", "oai", "oam", "oan", "oang", "oanh", "oao", "oap", "oat", "oay",
        "oc", "oe", "oem", "oen", "oeo", "oet", "oi", "om", "on", "ong", "ooc", "oong", "op", "ot",
    "u", "ua", "uac", "uach", "uai", "uam", "uan", "uang", "uanh", "uao", "uap", "uat", "uay",
        "uc", "ue", "uech", "uem", "uen", "uenh", "ueo", "uet", "ueu", "ui", "uk", "um", "un", "ung",
        "uo", "uoc", "uoi", "uom", "uon", "uong", "uop", "uot", "uou", "up", "ut", "uu", "uy",
        "uya", "uych", "uyen", "uyet", "uynh", "uyp", "uyt", "uyu",
    "y", "yem", "yen", "yeng", "yet", "yeu",
];

/// Longest written syllable: `nghiêng`.
pub const MAX_SYLLABLE_LEN: usize = 7;

/// Whether a folded (diacritic-free, lowercase ASCII) word can be a Vietnamese syllable.
///
/// See the [module documentation](self) for the rules. Anything with a byte outside `a`–`z`
/// (uppercase, digits, accents) is rejected: fold and lowercase first.
pub fn is_folded_syllable(folded: &str) -> bool {
    split_folded(folded).is_some()
}

/// Splits a folded syllable into its written onset and rhyme, or `None` if `folded` cannot be
/// a Vietnamese syllable.
///
/// The split follows the spelling: `quynh` → (`qu`, `ynh`), `gia` → (`gi`, `a`),
/// `gin` → (`g`, `in`), `an` → (``, `an`).
pub fn split_folded(folded: &str) -> Option<(&str, &str)> {
    let bytes = folded.as_bytes();
    if bytes.is_empty()
        || bytes.len() > MAX_SYLLABLE_LEN
        || !bytes.iter().all(u8::is_ascii_lowercase)
    {
        return None;
    }
    let onset_len = longest_onset(bytes)?;
    let (onset, rhyme) = bytes.split_at(onset_len);
    if is_valid_rhyme(onset, rhyme) {
        return Some(folded.split_at(onset_len));
    }
    // `gi` not followed by a vowel is `g` + the nucleus `i`: gì, gìn.
    if onset == b"gi" && is_valid_rhyme(b"g", &bytes[1..]) {
        return Some(folded.split_at(1));
    }
    None
}

/// Whether a folded syllable is an onset and the lone vowel `y` or `i` (`ky`, `ly`, `my`,
/// `quy`; `ki`, `li`, `mi`, `qui`): the two spellings of one syllable since the spelling
/// reforms (`kỳ`/`kì`, `lý`/`lí`, `Mỹ`/`Mĩ`, `quý`/`quí`, `công ty`/`công ti`). Returns the
/// onset and the vowel. `y` alone (`y tế`) and `uy` (`huy`) are other rhymes, and `gi` is
/// `gì`.
fn lone_i_or_y(folded: &str) -> Option<(&str, &str)> {
    match split_folded(folded)? {
        (onset, rhyme @ ("i" | "y")) if !onset.is_empty() && onset != "g" => Some((onset, rhyme)),
        _ => None,
    }
}

/// The folded form of a syllable with its lone `y` spelled `i` (see [`has_lone_i`]), so that
/// both spellings of it are one folded token: `ky` → `ki`; any other word unchanged.
pub fn unify_lone_y(folded: &mut String) {
    if let Some((_, "y")) = lone_i_or_y(folded) {
        folded.pop();
        folded.push('i');
    }
}

/// Whether a folded syllable is an onset and a lone `i`, which the spelling `y` also stands
/// for: `ki` is `kì` and `kỳ` ([`unify_lone_y`] folds both to it).
pub fn has_lone_i(folded: &str) -> bool {
    matches!(lone_i_or_y(folded), Some((_, "i")))
}

/// The spelling of a folded syllable with a lone `i` (see [`has_lone_i`]) written `y`
/// instead: `ki` → `ky`, `ti` → `ty`. `None` for any other word.
pub fn lone_y_spelling(folded: &str) -> Option<String> {
    has_lone_i(folded).then(|| format!("{}y", &folded[..folded.len() - 1]))
}

/// The exact form of a syllable with a lone `i` (see [`has_lone_i`]; `folded` is its folded
/// form) in its other spelling, the tone kept: `kỷ` ↔ `kỉ`, `lý` ↔ `lí`, `mỹ` ↔ `mĩ`, `quý` ↔
/// `quí`. `None` for any other word.
pub fn other_lone_i_spelling(exact: &str, folded: &str) -> Option<String> {
    if !has_lone_i(folded) {
        return None;
    }
    // The onset holds no `i` or `y`: swap the vowel's base letter, its tone mark stays on it.
    let swap = |c| match c {
        'i' => 'y',
        'y' => 'i',
        c => c,
    };
    Some(exact.nfd().map(swap).nfc().collect())
}

/// Longest run-together word that [`unified_runs`] tries to read as syllables.
const MAX_RUN_LEN: usize = 4 * MAX_SYLLABLE_LEN;

/// Most readings [`unified_runs`] returns.
const MAX_READINGS: usize = 4;

/// The forms a folded word that is not itself a syllable takes when it is read as two or more
/// syllables written together and each lone `y` after an onset is folded to `i`, as the
/// `joined` and `folded` tokens of syllables are ([`unify_lone_y`]): `congty` (`công ty`
/// typed as one word, or a domain name) → `congti`, `lyson` → `lison`. Empty when no reading
/// has a lone `y`, so for nearly every word; a few forms at most, in a fixed order.
pub fn unified_runs(word: &str) -> Vec<String> {
    // Syllables are lowercase ASCII: anything else (`ñy`, digits) is no run of them, and
    // slicing it byte by byte below could split a character.
    if word.len() > MAX_RUN_LEN
        || !word.contains('y')
        || !word.bytes().all(|b| b.is_ascii_lowercase())
        || is_folded_syllable(word)
    {
        return Vec::new();
    }
    // `ends[i]`: whether `word[i..]` reads as syllables. Only such positions are explored, so
    // every path completes and the search stops after a few readings, whatever the word.
    let mut ends = [false; MAX_RUN_LEN + 1];
    ends[word.len()] = true;
    for start in (0..word.len()).rev() {
        ends[start] = (1..=MAX_SYLLABLE_LEN.min(word.len() - start))
            .any(|len| ends[start + len] && is_folded_syllable(&word[start..start + len]));
    }
    let mut found = Vec::new();
    if ends[0] {
        let mut run = String::with_capacity(word.len());
        read_syllables(word, 0, &ends, &mut run, 0, &mut found);
    }
    found.retain(|form| form != word);
    found
}

/// Reads `word[start..]` as syllables after the `count` already unified into `run`, pushing
/// each complete reading of two or more syllables into `found` until it holds
/// [`MAX_READINGS`]; `ends` says where a reading can go on from.
fn read_syllables(
    word: &str,
    start: usize,
    ends: &[bool],
    run: &mut String,
    count: usize,
    found: &mut Vec<String>,
) {
    if start == word.len() {
        if count >= 2 && !found.contains(run) {
            found.push(run.clone());
        }
        return;
    }
    for end in start + 1..=word.len().min(start + MAX_SYLLABLE_LEN) {
        if found.len() >= MAX_READINGS {
            return;
        }
        let mut syllable = word[start..end].to_owned();
        if !ends[end] || !is_folded_syllable(&syllable) {
            continue;
        }
        unify_lone_y(&mut syllable);
        let mark = run.len();
        run.push_str(&syllable);
        read_syllables(word, end, ends, run, count + 1, found);
        run.truncate(mark);
    }
}

/// Length of the longest onset at the start of `word`; `None` for a lone `q`.
fn longest_onset(word: &[u8]) -> Option<usize> {
    Some(match word {
        [b'n', b'g', b'h', ..] => 3,
        [b'c' | b'g' | b'k' | b'n' | b'p' | b't', b'h', ..]
        | [b'n', b'g', ..]
        | [b'g', b'i', ..]
        | [b'q', b'u', ..]
        | [b't', b'r', ..] => 2,
        [b'q', ..] => return None,
        [b'b' | b'c' | b'd' | b'g' | b'h' | b'k' | b'l' | b'm' | b'n' | b'p' | b'r' | b's'
        | b't' | b'v' | b'x', ..] => 1,
        _ => 0,
    })
}

/// Whether `rhyme` may follow `onset`, spelling rules included.
fn is_valid_rhyme(onset: &[u8], rhyme: &[u8]) -> bool {
    let Some(&first) = rhyme.first() else {
        return false;
    };
    let front = matches!(first, b'e' | b'i' | b'y');
    let allowed = match onset {
        // The u of qu is the rhyme's medial: check u + rhyme instead.
        b"qu" => {
            if first == b'u' || rhyme.len() >= MAX_SYLLABLE_LEN {
                return false;
            }
            let mut medial = [b'u'; MAX_SYLLABLE_LEN];
            medial[1..=rhyme.len()].copy_from_slice(rhyme);
            return is_rhyme(&medial[..=rhyme.len()]);
        }
        // Before `e`, `i`, `y` in common words, before any vowel in Central Highland names.
        b"k" => true,
        b"gh" | b"ngh" => matches!(first, b'e' | b'i'),
        b"c" | b"ng" => !front,
        b"g" => first == b'i' || !front,
        b"gi" => first != b'i' && !rhyme.starts_with(b"ye"),
        b"" => !rhyme.starts_with(b"ie"),
        _ => !rhyme.starts_with(b"ye"),
    };
    allowed && is_rhyme(rhyme)
}

fn is_rhyme(rhyme: &[u8]) -> bool {
    RHYMES
        .binary_search_by(|probe| probe.as_bytes().cmp(rhyme))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_together_syllables_fold_their_lone_y() {
        assert_eq!(unified_runs("congty"), ["congti"]);
        assert_eq!(unified_runs("lyson"), ["lison"]);
        assert_eq!(unified_runs("kyniem"), ["kiniem"]);
        // Nothing to unify: no `y`, a `y` that is not lone, or a syllable.
        assert!(unified_runs("vietnam").is_empty());
        assert!(unified_runs("thuytinh").is_empty());
        assert!(unified_runs("ky").is_empty());
        assert!(unified_runs("mystery").is_empty());
        assert!(unified_runs("tyñy").is_empty());
        assert!(unified_runs("ty1").is_empty());
        // Words no reading covers, and hostile ones, stay cheap and empty or short.
        assert!(unified_runs("yyyyyyyyyyyyyyyyyyyyyyyyyyyy").len() <= MAX_READINGS);
        assert!(unified_runs(&"ay".repeat(14)).len() <= MAX_READINGS);
        assert!(
            unified_runs(&"ly".repeat(20)).is_empty(),
            "longer than any run read"
        );
    }

    #[test]
    fn a_lone_i_or_y_has_another_exact_spelling() {
        let other = |exact: &str, folded: &str| other_lone_i_spelling(exact, folded);
        assert_eq!(other("kỷ", "ki").as_deref(), Some("kỉ"));
        assert_eq!(other("kỉ", "ki").as_deref(), Some("kỷ"));
        assert_eq!(other("lý", "li").as_deref(), Some("lí"));
        assert_eq!(other("mỹ", "mi").as_deref(), Some("mĩ"));
        assert_eq!(other("quý", "qui").as_deref(), Some("quí"));
        assert_eq!(other("ty", "ti").as_deref(), Some("ti"));
        // `y tế`, `huy`, `gì`, `hai`: no lone i or y after an onset.
        for (exact, folded) in [("y", "y"), ("huy", "huy"), ("gì", "gi"), ("hai", "hai")] {
            assert_eq!(other(exact, folded), None, "{exact}");
        }
    }

    #[test]
    fn a_lone_i_has_a_y_spelling() {
        assert_eq!(lone_y_spelling("ki").as_deref(), Some("ky"));
        assert_eq!(lone_y_spelling("qui").as_deref(), Some("quy"));
        assert_eq!(lone_y_spelling("ti").as_deref(), Some("ty"));
        for word in ["gi", "i", "y", "kia", "huy", "tin"] {
            assert_eq!(lone_y_spelling(word), None, "{word}");
        }
    }

    #[test]
    fn rhyme_table_is_sorted_unique_and_short() {
        assert!(
            RHYMES.windows(2).all(|w| w[0] < w[1]),
            "RHYMES must be sorted"
        );
        assert!(RHYMES.iter().all(|r| r.len() < MAX_SYLLABLE_LEN));
        // Every rhyme starts with a vowel: the tone module relies on it to find the nucleus.
        assert!(RHYMES.iter().all(|r| b"aeiouy".contains(&r.as_bytes()[0])));
        assert!(RHYMES
            .iter()
            .all(|r| r.bytes().all(|b| b.is_ascii_lowercase())));
    }

    #[test]
    fn accepts_vietnamese_syllables() {
        for word in [
            "viet", "nam", "hoang", "xuan", "chien", "da", "nang", "ha", "noi", "nguyen",
            "nghieng", "quy", "quynh", "gi", "gia", "giuong", "khuya", "thuong", "truong", "duong",
            "nhieu", "the", "a", "y", "yen", "uy", "oa", "ruou", "huou", "khuech", "khuyu",
            "ngoeo", "thuo", "quach", "quoc", "gin", "giet", "gieng", "ghe", "ky", "kieu", "xoong",
            "boong", "oach", "huych", "tuyp", "quyen", "ngoai", "khoe", "thuy", "dak", "lak",
            "kon", "ko", "ka",
        ] {
            assert!(is_folded_syllable(word), "{word} should be a syllable");
        }
    }

    #[test]
    fn rejects_non_syllables() {
        for word in [
            "", "defense", "strength", "covid", "xyz", "vietnam", "hello", "world", "pixel", "123",
            "viet2", "Viet", "việt", "q", "qu", "quu", "ghe1", "ge", "ci", "nge", "gha", "ien",
            "tyen", "king", "ing", "str", "f", "jazz", "oo", "gii",
        ] {
            assert!(!is_folded_syllable(word), "{word} should not be a syllable");
        }
    }

    #[test]
    fn splits_onset_and_rhyme() {
        for (word, onset, rhyme) in [
            ("nghieng", "ngh", "ieng"),
            ("quynh", "qu", "ynh"),
            ("gia", "gi", "a"),
            ("gi", "g", "i"),
            ("gin", "g", "in"),
            ("an", "", "an"),
            ("truong", "tr", "uong"),
            ("khuya", "kh", "uya"),
        ] {
            assert_eq!(split_folded(word), Some((onset, rhyme)), "{word}");
        }
    }

    #[test]
    fn every_onset_rhyme_pair_is_cheap_and_total() {
        // No panic and a consistent answer for every combination, valid or not.
        let onsets = [
            "", "b", "c", "ch", "d", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
            "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
        ];
        let mut accepted = 0;
        for onset in onsets {
            for rhyme in RHYMES {
                let word = format!("{onset}{rhyme}");
                if is_folded_syllable(&word) {
                    accepted += 1;
                    assert!(word.len() <= MAX_SYLLABLE_LEN);
                }
            }
        }
        assert!(
            accepted > 1500,
            "only {accepted} onset+rhyme pairs accepted"
        );
    }

    #[test]
    fn a_lone_y_after_an_onset_folds_like_i() {
        let unified = |w: &str| {
            let mut s = w.to_string();
            unify_lone_y(&mut s);
            s
        };
        for (word, expected) in [
            ("ky", "ki"),
            ("ly", "li"),
            ("my", "mi"),
            ("quy", "qui"),
            ("ty", "ti"),
            ("thy", "thi"),
            ("ki", "ki"),
            ("y", "y"),
            ("huy", "huy"),
            ("thuy", "thuy"),
            ("tuy", "tuy"),
            ("hay", "hay"),
            ("yen", "yen"),
            ("kyo", "kyo"),
        ] {
            assert_eq!(unified(word), expected, "{word}");
        }
        assert!(has_lone_i("ki") && has_lone_i("qui") && has_lone_i("li"));
        assert!(!has_lone_i("gi") && !has_lone_i("i") && !has_lone_i("ky") && !has_lone_i("khi2"));
    }
}
