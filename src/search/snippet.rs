//! Snippets: the window of a passage shown for a hit, with the matched words highlighted.
//!
//! The window is measured in characters, not bytes (a Vietnamese letter takes two or three
//! bytes), covers the densest cluster of matches, and is aligned to whitespace so that no word
//! is cut in half unless a single word is longer than the window.

/// A window of a passage with highlighted ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snippet {
    /// The text shown: a slice of the passage with each run of whitespace (line breaks, tabs,
    /// `\r\n`, indentation, no-break spaces) shown as one space. Other control characters are
    /// kept: escaping for display is the caller's job.
    pub text: String,
    /// Byte ranges `[start, end)` into `text` to highlight: sorted, non-overlapping, not even
    /// adjacent (touching ranges are merged), non-empty, on char boundaries.
    pub highlights: Vec<(usize, usize)>,
    /// Byte offset in the passage of the first byte of `text`.
    pub start: usize,
    /// Byte offset in the passage just past the last byte of `text`: `text` shows
    /// `passage[start..end]`.
    pub end: usize,
    /// Byte offset in the passage of the first highlighted byte, if any: where the match the
    /// snippet shows first is in the passage (`text` is not a byte-for-byte copy of it).
    pub first_match: Option<usize>,
    /// Whether the passage has non-whitespace text before the snippet.
    pub truncated_start: bool,
    /// Whether the passage has non-whitespace text after the snippet.
    pub truncated_end: bool,
}

/// Picks the snippet of at most `max_chars` characters of `passage` that shows the most
/// matches, and highlights them.
///
/// `matches` are byte ranges `[start, end)` in `passage` of matched words, in any order; they
/// may overlap or repeat. Invalid ones are repaired rather than trusted: a range is clipped to
/// the passage, widened to the char boundaries around it, trimmed of whitespace at both ends
/// (a highlighted space is noise), and dropped if nothing is left.
///
/// The window covers the cluster with the most distinct matches that fits (ties: the
/// earliest), centred in the space left, then aligned to whitespace and trimmed. Without
/// matches the snippet is the start of the passage.
///
/// Runs in O(n + m log m) for a passage of n bytes and m matches.
pub fn make_snippet(passage: &str, matches: &[(usize, usize)], max_chars: usize) -> Snippet {
    let chars = Chars::new(passage);
    let matches = sanitize(&chars, matches);
    let (cluster_start, cluster_end) = densest_cluster(&matches, max_chars);
    let (first, last) = place_window(&chars, cluster_start, cluster_end, max_chars);
    let (start, end) = (chars.byte(first), chars.byte(last));

    let ranges = highlights(&chars, &matches, first, last);
    let (text, offsets) = collapse_whitespace(&passage[start..end]);
    Snippet {
        first_match: ranges.first().map(|&(s, _)| start + s),
        // Highlights start and end on non-whitespace chars, whose offsets the map keeps.
        highlights: ranges
            .into_iter()
            .map(|(s, e)| (offsets[s], offsets[e]))
            .collect(),
        truncated_start: passage[..start].chars().any(|c| !c.is_whitespace()),
        truncated_end: passage[end..].chars().any(|c| !c.is_whitespace()),
        text,
        start,
        end,
    }
}

/// `slice` with each run of whitespace replaced by one space (a line break is `\r\n` on some
/// systems, and hard-wrapped or indented text would otherwise show gaps), and for each byte
/// offset of `slice` at a char boundary (and its end) the offset in the result.
fn collapse_whitespace(slice: &str) -> (String, Vec<usize>) {
    let mut text = String::with_capacity(slice.len());
    let mut offsets = vec![0; slice.len() + 1];
    let mut in_space = false;
    for (i, c) in slice.char_indices() {
        offsets[i] = text.len();
        if c.is_whitespace() {
            if !in_space {
                text.push(' ');
            }
            in_space = true;
        } else {
            text.push(c);
            in_space = false;
        }
    }
    offsets[slice.len()] = text.len();
    (text, offsets)
}

/// The passage as chars, to convert between char indices and byte offsets and to find
/// whitespace in constant time.
struct Chars {
    /// Byte offset and char, for every char of the passage.
    chars: Vec<(usize, char)>,
    len: usize,
    /// For each char index `i` (and `count()`): the first non-whitespace char at or after `i`.
    next_solid: Vec<usize>,
    /// For each char index `i` (and `count()`): the end of the last non-whitespace char at or
    /// before `i`, 0 if none.
    solid_end: Vec<usize>,
}

impl Chars {
    fn new(passage: &str) -> Self {
        let chars: Vec<(usize, char)> = passage.char_indices().collect();
        let n = chars.len();
        let space = |i: usize| chars[i].1.is_whitespace();
        let mut next_solid = vec![n; n + 1];
        for i in (0..n).rev() {
            next_solid[i] = if space(i) { next_solid[i + 1] } else { i };
        }
        let mut solid_end = vec![0; n + 1];
        for i in 1..=n {
            solid_end[i] = if space(i - 1) { solid_end[i - 1] } else { i };
        }
        Chars {
            chars,
            len: passage.len(),
            next_solid,
            solid_end,
        }
    }

    /// Number of chars.
    fn count(&self) -> usize {
        self.chars.len()
    }

    /// Byte offset of char `i`; the passage length for `i == count()`.
    fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.len, |&(b, _)| b)
    }

    /// Index of the char holding byte `b` (`b` < passage length).
    fn floor(&self, b: usize) -> usize {
        self.chars.partition_point(|&(offset, _)| offset <= b) - 1
    }

    /// Index of the first char starting at or after byte `b` (`b` <= passage length).
    fn ceil(&self, b: usize) -> usize {
        self.chars.partition_point(|&(offset, _)| offset < b)
    }

    fn is_space(&self, i: usize) -> bool {
        self.chars[i].1.is_whitespace()
    }
}

/// Turns byte ranges into char ranges: clipped to the passage, widened to whole chars, trimmed
/// of whitespace; empty ones dropped. Returns them sorted and without duplicates.
fn sanitize(chars: &Chars, matches: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut clean: Vec<(usize, usize)> = matches
        .iter()
        .filter_map(|&(start, end)| {
            let end = end.min(chars.len);
            if start >= end {
                return None;
            }
            let first = chars.next_solid[chars.floor(start)];
            let last = chars.solid_end[chars.ceil(end)];
            (first < last).then_some((first, last))
        })
        .collect();
    clean.sort_unstable();
    clean.dedup();
    clean
}

/// The char range `[start, end)` of the densest cluster of (sorted, char) matches that fits
/// in `max_chars` chars; `(0, 0)` when there is none.
fn densest_cluster(matches: &[(usize, usize)], max_chars: usize) -> (usize, usize) {
    // Merge overlapping matches into spans weighted by how many matches they hold: spans are
    // then sorted by both start and end, which lets one sliding window count them exactly.
    let mut spans: Vec<(usize, usize, usize)> = Vec::new();
    for &(start, end) in matches {
        match spans.last_mut() {
            Some(last) if start < last.1 => {
                last.1 = last.1.max(end);
                last.2 += 1;
            }
            _ => spans.push((start, end, 1)),
        }
    }

    // prefix[i] = number of matches in spans[..i].
    let mut prefix = vec![0];
    for span in &spans {
        prefix.push(prefix.last().unwrap_or(&0) + span.2);
    }

    let mut best: Option<(usize, (usize, usize))> = None;
    let mut j = 0;
    for (i, &(start, _, _)) in spans.iter().enumerate() {
        // Windows start at a span; spans[i..j] are the ones ending within `max_chars`.
        j = j.max(i);
        while j < spans.len() && spans[j].1 - start <= max_chars {
            j += 1;
        }
        let count = prefix[j] - prefix[i];
        if count > 0 && best.is_none_or(|(most, _)| count > most) {
            best = Some((count, (start, spans[j - 1].1)));
        }
    }
    match (best, spans.first()) {
        (Some((_, cluster)), _) => cluster,
        // Every span is longer than the window: show the start of the first one.
        (None, Some(&(start, end, _))) => (start, end.min(start + max_chars)),
        (None, None) => (0, 0),
    }
}

/// The char range `[first, last)` of the snippet: at most `max_chars` chars around the
/// cluster `[start, end)` (which fits), aligned to whitespace where possible, trimmed.
fn place_window(chars: &Chars, start: usize, end: usize, max_chars: usize) -> (usize, usize) {
    let n = chars.count();
    // Centre the cluster in the window, then shift left if the window runs past the end.
    let slack = max_chars - (end - start);
    let mut first = start.saturating_sub(slack / 2);
    let last = (first + max_chars).min(n);
    first = first.min(last.saturating_sub(max_chars));

    // Start after whitespace: skip forward past the cut word if that does not lose the
    // cluster, else go back to the word's start if the cluster still fits.
    if first > 0 && !chars.is_space(first - 1) {
        match (first + 1..=start).find(|&i| chars.is_space(i - 1)) {
            Some(i) => first = i,
            None => {
                let word_start = (0..first)
                    .rev()
                    .find(|&i| chars.is_space(i))
                    .map_or(0, |i| i + 1);
                if end - word_start <= max_chars {
                    first = word_start;
                }
            }
        }
    }
    // Leading whitespace would only waste the budget (up to the cluster, if there is one).
    while first < n && chars.is_space(first) && (first < start || start == end) {
        first += 1;
    }
    // Use the budget from the (possibly moved) start, then end before a cut word if the
    // cluster allows it.
    let mut last = (first + max_chars).min(n);
    if last > 0 && last < n && !chars.is_space(last) && !chars.is_space(last - 1) {
        if let Some(i) = (end.max(first)..last).rev().find(|&i| chars.is_space(i)) {
            last = i;
        }
    }

    while first < last && chars.is_space(first) {
        first += 1;
    }
    while last > first && chars.is_space(last - 1) {
        last -= 1;
    }
    (first, last)
}

/// The (sorted, char) matches inside the char window `[first, last)`, clipped to it, merged
/// when overlapping or touching, as byte ranges in snippet coordinates.
fn highlights(
    chars: &Chars,
    matches: &[(usize, usize)],
    first: usize,
    last: usize,
) -> Vec<(usize, usize)> {
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for &(s, e) in matches {
        let (s, e) = (s.max(first), e.min(last));
        if s >= e {
            continue;
        }
        match merged.last_mut() {
            Some(previous) if s <= previous.1 => previous.1 = previous.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let offset = chars.byte(first);
    merged
        .into_iter()
        .map(|(s, e)| (chars.byte(s) - offset, chars.byte(e) - offset))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Byte ranges of every occurrence of `word` in `passage`.
    fn find_all(passage: &str, word: &str) -> Vec<(usize, usize)> {
        passage
            .match_indices(word)
            .map(|(i, w)| (i, i + w.len()))
            .collect()
    }

    fn highlighted(snippet: &Snippet) -> Vec<&str> {
        snippet
            .highlights
            .iter()
            .map(|&(s, e)| &snippet.text[s..e])
            .collect()
    }

    #[test]
    fn window_covers_the_densest_cluster() {
        let passage = "phở at the start, then a long stretch of filler words here, \
                       and finally phở bò phở gà near the end of it all";
        let mut matches = find_all(passage, "phở");
        matches.extend(find_all(passage, "bò"));
        matches.extend(find_all(passage, "gà"));
        let s = make_snippet(passage, &matches, 30);
        assert!(s.text.contains("phở bò phở gà"), "{s:?}");
        assert_eq!(highlighted(&s), ["phở", "bò", "phở", "gà"]);
        assert!(s.truncated_start && s.truncated_end);
        assert_eq!(&passage[s.start..s.end], s.text);
        assert_eq!(s.first_match, Some(passage.rfind("phở bò").unwrap()));
    }

    #[test]
    fn ties_go_to_the_earliest_cluster() {
        let passage = "one xx two filler filler filler filler xx three";
        let matches = find_all(passage, "xx");
        let s = make_snippet(passage, &matches, 10);
        assert_eq!(s.start, 0, "{s:?}");
        assert_eq!(highlighted(&s), ["xx"]);
        assert!(!s.truncated_start && s.truncated_end);
    }

    #[test]
    fn counts_chars_not_bytes() {
        // 20 chars of Vietnamese before and after; each letter with a diacritic is 2-3 bytes.
        let passage = "Người Việt ở Hà Nội ăn phở Hoàng Xuân Chiến hàng ngày ở đây";
        let matches = find_all(passage, "phở");
        for max in [10, 20, 25, 40] {
            let s = make_snippet(passage, &matches, max);
            assert!(s.text.chars().count() <= max, "{max}: {s:?}");
            assert_eq!(highlighted(&s), ["phở"], "{max}: {s:?}");
        }
        // The whole passage fits in its char count although its byte length is much larger.
        let chars = passage.chars().count();
        assert!(passage.len() > chars + 10);
        let s = make_snippet(passage, &matches, chars);
        assert_eq!(s.text, passage);
        assert!(!s.truncated_start && !s.truncated_end);
    }

    #[test]
    fn aligns_to_word_boundaries() {
        let passage = "alpha beta gamma delta MATCH epsilon zeta eta theta";
        let matches = find_all(passage, "MATCH");
        for max in 5..passage.len() {
            let s = make_snippet(passage, &matches, max);
            assert!(s.text.chars().count() <= max);
            assert_eq!(highlighted(&s), ["MATCH"], "{max}: {s:?}");
            // Every word of the snippet is a whole word of the passage.
            for word in s.text.split(' ') {
                assert!(
                    passage.split(' ').any(|w| w == word),
                    "{max}: cut {word:?} in {s:?}"
                );
            }
            assert_eq!(s.text, s.text.trim());
        }
    }

    #[test]
    fn no_matches_gives_the_start() {
        let cases = [
            (
                "  Xin chào thế giới, hôm nay trời đẹp",
                12,
                "Xin chào thế",
                true,
            ),
            ("\n\n  Xin chào", 12, "Xin chào", false),
            ("ngắn", 100, "ngắn", false),
            ("", 10, "", false),
            ("abc def", 0, "", true),
        ];
        for (passage, max, text, truncated_end) in cases {
            let s = make_snippet(passage, &[], max);
            assert_eq!(s.text, text, "{passage:?}");
            assert!(s.highlights.is_empty());
            assert!(!s.truncated_start);
            assert_eq!(s.truncated_end, truncated_end, "{passage:?}");
        }
    }

    #[test]
    fn a_word_longer_than_the_window_is_cut() {
        let passage = "see https://example.com/a/very/long/path/to/somewhere now";
        let matches = find_all(passage, "example");
        let s = make_snippet(passage, &matches, 15);
        assert_eq!(s.text.chars().count(), 15);
        assert_eq!(highlighted(&s), ["example"]);
    }

    #[test]
    fn whitespace_controls_become_spaces() {
        let passage = "đầu\r\ndòng\tmột\nHà\x0bNội\x0cphở\x07bell";
        let mut matches = find_all(passage, "dòng");
        matches.extend(find_all(passage, "Nội"));
        matches.extend(find_all(passage, "phở"));
        let s = make_snippet(passage, &matches, 100);
        assert_eq!(s.text, "đầu dòng một Hà Nội phở\x07bell");
        assert_eq!(highlighted(&s), ["dòng", "Nội", "phở"]);
        assert_eq!(s.first_match, Some(passage.find("dòng").unwrap()));
    }

    #[test]
    fn whitespace_runs_show_as_one_space() {
        let passage = "Hoàng Xuân Chiến \r\n\r\n    phát\u{a0}\u{a0}biểu\t\t tại  hội nghị";
        let mut matches = find_all(passage, "Chiến");
        matches.extend(find_all(passage, "phát"));
        matches.extend(find_all(passage, "biểu"));
        // A match across whitespace keeps one space inside.
        let tai = passage.find("tại").unwrap();
        matches.push((tai, passage.find("hội").unwrap() + "hội".len()));
        let s = make_snippet(passage, &matches, 100);
        assert_eq!(s.text, "Hoàng Xuân Chiến phát biểu tại hội nghị");
        assert_eq!(highlighted(&s), ["Chiến", "phát", "biểu", "tại hội"]);
        assert_eq!(s.first_match, Some(passage.find("Chiến").unwrap()));
        assert_eq!(make_snippet(passage, &[], 100).first_match, None);
    }

    #[test]
    fn repairs_invalid_matches() {
        let passage = "Hoàng Xuân Chiến";
        let hoang = (0, "Hoàng".len());
        let xuan = (7, 7 + "Xuân".len());
        type Case<'a> = (Vec<(usize, usize)>, Vec<&'a str>);
        let cases: Vec<Case> = vec![
            // Duplicates and overlaps are merged.
            (vec![hoang, hoang, (0, 3)], vec!["Hoàng"]),
            (vec![xuan, hoang, (2, 9)], vec!["Hoàng Xuân"]),
            // Adjacent ranges are merged.
            (vec![(2, hoang.1), (0, 2)], vec!["Hoàng"]),
            // Empty, inverted and out-of-range ones are dropped; a range past the end clipped.
            (
                vec![(3, 3), (9, 7), (100, 200), (usize::MAX, usize::MAX)],
                vec![],
            ),
            (vec![(12, 1000)], vec!["Chiến"]),
            // Whitespace is trimmed from the ends; a whitespace-only match is dropped.
            (vec![(4, 7)], vec!["ng"]),
            (vec![(5, 8)], vec!["g X"]),
            (vec![(6, 7)], vec![]),
            // Off char boundaries (inside `à`, bytes 2..4): widened to the whole char.
            (vec![(3, 4)], vec!["à"]),
            (vec![(1, 3)], vec!["oà"]),
        ];
        for (matches, expected) in cases {
            let s = make_snippet(passage, &matches, 100);
            assert_eq!(highlighted(&s), expected, "{matches:?}");
        }
    }

    #[test]
    fn highlights_are_clipped_to_the_window() {
        let passage = "aaa bbb ccc ddd eee";
        let s = make_snippet(passage, &[(0, passage.len())], 7);
        assert_eq!(s.text, "aaa bbb");
        assert_eq!(s.highlights, [(0, 7)]);
    }

    #[test]
    fn regressions_found_by_proptest() {
        // Leading whitespace skipped, then the end alignment must not go back before the start.
        let s = make_snippet("\tà,a🍜a", &[], 1);
        assert_eq!((s.text.as_str(), s.start), ("à", 1));
        // A whitespace-only match nested in a long one: trimmed away, the long one shown.
        let passage = ",,aa \u{a0}\u{a0} \t\ràaa\r,🍜\r   \r\rà🍜";
        let s = make_snippet(passage, &[(4, 31), (27, 28)], 1);
        assert_eq!(highlighted(&s), ["à"]);
    }

    #[test]
    fn large_inputs_stay_linear() {
        // A quadratic pass over passage x matches would take minutes here, not milliseconds.
        let passage = "Người Việt ăn phở mỗi sáng, ".repeat(10_000);
        let mut matches = find_all(&passage, "phở");
        matches.extend(find_all(&passage, "Việt"));
        matches.extend(find_all(&passage, "sáng"));
        matches.push((0, passage.len()));
        let s = make_snippet(&passage, &matches, 200);
        assert!(s.text.chars().count() <= 200 && !s.highlights.is_empty());
    }

    proptest! {
        #[test]
        fn snippets_are_always_well_formed(
            passage in "[a-zà-ỹ \n\t\r\u{a0}🍜\u{301}.,-]{0,80}",
            matches in prop::collection::vec((0usize..200, 0usize..200), 0..12),
            max_chars in 0usize..60,
        ) {
            let s = make_snippet(&passage, &matches, max_chars);
            prop_assert!(s.text.chars().count() <= max_chars);
            prop_assert!(s.start <= s.end && s.end <= passage.len());
            prop_assert!(passage.is_char_boundary(s.start) && passage.is_char_boundary(s.end));
            let original = &passage[s.start..s.end];
            // The text is the slice with whitespace runs as one space, nothing else changed.
            let words: Vec<&str> = original.split(char::is_whitespace).filter(|w| !w.is_empty()).collect();
            let shown: Vec<&str> = s.text.split(' ').filter(|w| !w.is_empty()).collect();
            prop_assert_eq!(shown, words);
            prop_assert!(!s.text.contains("  "));
            let (collapsed, offsets) = collapse_whitespace(original);
            prop_assert_eq!(&s.text, &collapsed);
            let mut previous_end = None;
            for &(start, end) in &s.highlights {
                prop_assert!(start < end && end <= s.text.len());
                prop_assert!(s.text.is_char_boundary(start) && s.text.is_char_boundary(end));
                if let Some(previous) = previous_end {
                    prop_assert!(start > previous, "{:?}", s.highlights);
                }
                previous_end = Some(end);
            }
            // Highlights are exactly the maximal runs of window bytes covered by a match.
            let chars = Chars::new(&passage);
            let clean: Vec<(usize, usize)> = sanitize(&chars, &matches)
                .into_iter()
                .map(|(first, last)| (chars.byte(first), chars.byte(last)))
                .collect();
            let covered: Vec<bool> = (s.start..s.end)
                .map(|b| clean.iter().any(|&(ms, me)| ms <= b && b < me))
                .collect();
            let mut runs = Vec::new();
            for (i, &c) in covered.iter().enumerate() {
                match runs.last_mut() {
                    Some((_, end)) if c && *end == i => *end = i + 1,
                    _ if c => runs.push((i, i + 1)),
                    _ => {}
                }
            }
            let runs: Vec<(usize, usize)> =
                runs.into_iter().map(|(a, b)| (offsets[a], offsets[b])).collect();
            prop_assert_eq!(&s.highlights, &runs);
            prop_assert_eq!(s.first_match, s.highlights.first().map(|_| {
                s.start + covered.iter().position(|&c| c).unwrap()
            }));
            // Whenever a match fits in the window, one is shown.
            let fits = clean.iter().any(|&(ms, me)| passage[ms..me].chars().count() <= max_chars);
            prop_assert!(!fits || !s.highlights.is_empty(), "{:?}", s);
        }
    }
}
