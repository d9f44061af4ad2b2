//! Splitting a file's text into passages: the unit that is indexed, scored and shown.
//!
//! A passage is roughly a paragraph. [`split_passages`] works in three linear passes:
//!
//! 1. paragraphs are the runs of lines between blank lines (lines of whitespace only);
//! 2. a paragraph longer than [`PassageConfig::max_bytes`] is cut near
//!    [`PassageConfig::target_bytes`], preferably after a sentence (`.`, `!`, `?`, `…`, the
//!    same in Vietnamese as in English), else at a line break, else at any whitespace, else
//!    (one enormous word) at a character boundary;
//! 3. pieces smaller than [`PassageConfig::min_bytes`] are merged with a neighbour when the
//!    result still fits in `max_bytes`, so a heading stays with the paragraph it introduces.
//!
//! Passages never start or end with whitespace, never overlap, come in text order, and together
//! cover every non-whitespace character of the text. Whitespace means [`char::is_whitespace`],
//! and a line ends at `\n` (so `\r\n` works; a lone `\r` does not end a line).

use serde::{Deserialize, Serialize};

use crate::lines::LineCounter;

/// How big passages should be, in bytes of UTF-8. Part of an index's schema file.
///
/// Out-of-range values are tolerated: `max_bytes` is raised to at least 16, `target_bytes` is
/// kept within `1..=max_bytes` and `min_bytes` at most `target_bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PassageConfig {
    /// Where a long paragraph is preferably cut. Default 2000.
    pub target_bytes: usize,
    /// No passage is longer than this. Default 3000.
    pub max_bytes: usize,
    /// Passages shorter than this are merged with a neighbour when they fit. Default 200.
    pub min_bytes: usize,
}

impl Default for PassageConfig {
    fn default() -> Self {
        PassageConfig {
            target_bytes: 2000,
            max_bytes: 3000,
            min_bytes: 200,
        }
    }
}

/// One passage of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Passage {
    /// Position among the passages of its text, from 0.
    pub ordinal: u32,
    /// Byte offset of the first character, on a char boundary.
    pub start: usize,
    /// Byte offset just past the last character, on a char boundary.
    pub end: usize,
    /// Line of the first character, from 1.
    pub line_start: u32,
    /// Line of the last character, from 1 (inclusive).
    pub line_end: u32,
}

impl Passage {
    /// The passage's text, given the text it was split from.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// Splits `text` into passages; see the [module documentation](self) for the rules.
///
/// Runs in time linear in the length of the text. A text of whitespace only has no passage.
pub fn split_passages(text: &str, cfg: &PassageConfig) -> Vec<Passage> {
    let limits = Limits::new(cfg);
    let mut pieces = Vec::new();
    for_each_paragraph(text, |start, end| {
        split_paragraph(text, start, end, &limits, &mut pieces)
    });
    let pieces = merge_small(pieces, &limits);

    let mut lines = LineCounter::new(text);
    pieces
        .into_iter()
        .enumerate()
        .map(|(ordinal, (start, end))| Passage {
            ordinal: u32::try_from(ordinal).unwrap_or(u32::MAX),
            start,
            end,
            line_start: lines.line_of(start),
            line_end: lines.line_of(end - 1),
        })
        .collect()
}

/// The longest title [`title_span`] returns, in bytes.
pub const TITLE_MAX_BYTES: usize = 300;

/// The byte range of a text's title: its first line that is not blank, trimmed, cut to at most
/// [`TITLE_MAX_BYTES`] on a char boundary. `None` when the text is blank.
pub fn title_span(text: &str) -> Option<(usize, usize)> {
    let start = text.len() - text.trim_start().len();
    if start == text.len() {
        return None;
    }
    let rest = &text[start..];
    // Looking no further than the cap keeps this cheap on a single-line 50 MB file.
    let capped = &rest[..floor_char_boundary(rest, TITLE_MAX_BYTES)];
    let line = capped.split('\n').next().unwrap_or(capped).trim_end();
    Some((start, start + line.len()))
}

/// [`PassageConfig`] with its values made consistent.
#[derive(Debug, Clone, Copy)]
struct Limits {
    target: usize,
    max: usize,
    min: usize,
    /// No cut closer than this to the start of a piece: keeps pieces meaningful, and bounds the
    /// work per cut by the progress it makes.
    earliest: usize,
}

/// Room for a few characters of any width, so a hard cut always makes progress.
const FLOOR_MAX_BYTES: usize = 16;

impl Limits {
    fn new(cfg: &PassageConfig) -> Self {
        let max = cfg.max_bytes.max(FLOOR_MAX_BYTES);
        let target = cfg.target_bytes.clamp(1, max);
        let min = cfg.min_bytes.min(target);
        Limits {
            target,
            max,
            min,
            earliest: min.max(target / 2).max(1),
        }
    }
}

/// Calls `emit(start, end)` for each paragraph, trimmed of whitespace on both ends.
fn for_each_paragraph(text: &str, mut emit: impl FnMut(usize, usize)) {
    let mut current: Option<(usize, usize)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end(); // also drops the `\n` or `\r\n`
        if content.is_empty() {
            if let Some((start, end)) = current.take() {
                emit(start, end);
            }
        } else {
            let end = offset + content.len();
            match &mut current {
                Some((_, current_end)) => *current_end = end,
                None => {
                    let indent = content.len() - content.trim_start().len();
                    current = Some((offset + indent, end));
                }
            }
        }
        offset += line.len();
    }
    if let Some((start, end)) = current {
        emit(start, end);
    }
}

/// Pushes the pieces of the trimmed paragraph `text[start..end]`, each at most `max` bytes.
fn split_paragraph(
    text: &str,
    mut start: usize,
    end: usize,
    limits: &Limits,
    out: &mut Vec<(usize, usize)>,
) {
    while end - start > limits.max {
        let cut = best_cut(text, start, limits);
        out.push((start, start + text[start..cut].trim_end().len()));
        let rest = &text[cut..end];
        start = cut + (rest.len() - rest.trim_start().len());
    }
    out.push((start, end));
}

/// Where to cut a piece that starts at `start` (non-whitespace) and runs past `start + max`:
/// the returned offset is the end of the piece, in `start + 1..=start + max`.
fn best_cut(text: &str, start: usize, limits: &Limits) -> usize {
    let window_end = floor_char_boundary(text, start + limits.max);
    let earliest = start + limits.earliest;
    let ideal = start + limits.target;

    // Best candidate per tier: after a sentence, at a line break, at any whitespace.
    let mut best: [Option<usize>; 3] = [None; 3];
    let mut after_terminator = false;
    for (i, c) in text[start..window_end].char_indices() {
        let at = start + i;
        if c.is_whitespace() {
            if at >= earliest {
                let tier = match (after_terminator, c) {
                    (true, _) => 0,
                    (false, '\n') => 1,
                    (false, _) => 2,
                };
                let slot = &mut best[tier];
                if slot.is_none_or(|b| at.abs_diff(ideal) < b.abs_diff(ideal)) {
                    *slot = Some(at);
                }
            }
        } else if is_sentence_terminator(c) {
            after_terminator = true;
        } else if !is_closing_punctuation(c) {
            after_terminator = false;
        }
    }
    best.into_iter()
        .flatten()
        .next()
        .unwrap_or_else(|| hard_cut(text, start, window_end))
}

/// A cut inside a word: avoids separating a combining mark (decomposed Vietnamese) from its
/// base letter when that costs only a few bytes.
fn hard_cut(text: &str, start: usize, window_end: usize) -> usize {
    let starts_with_mark = |at: usize| text[at..].chars().next().is_some_and(is_combining_mark);
    let mut cut = window_end;
    for _ in 0..8 {
        if !starts_with_mark(cut) {
            return cut;
        }
        match text[start..cut].char_indices().next_back() {
            Some((i, _)) if i > 0 => cut = start + i,
            _ => break,
        }
    }
    if starts_with_mark(cut) {
        window_end
    } else {
        cut
    }
}

fn is_sentence_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？')
}

/// Characters that may follow a sentence's terminator and still belong to the sentence.
fn is_closing_punctuation(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '}' | '”' | '’' | '»' | '›' | '」' | '』'
    )
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Merges neighbouring pieces when one of them is smaller than `min` and the merged span (gap
/// included) fits in `max`.
fn merge_small(pieces: Vec<(usize, usize)>, limits: &Limits) -> Vec<(usize, usize)> {
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(pieces.len());
    for (start, end) in pieces {
        if let Some(last) = merged.last_mut() {
            let small = last.1 - last.0 < limits.min || end - start < limits.min;
            if small && end - last.0 <= limits.max {
                last.1 = end;
                continue;
            }
        }
        merged.push((start, end));
    }
    merged
}

/// The largest char boundary of `text` at or below `index` (capped at the text's length).
fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cfg(target: usize, max: usize, min: usize) -> PassageConfig {
        PassageConfig {
            target_bytes: target,
            max_bytes: max,
            min_bytes: min,
        }
    }

    fn texts<'t>(text: &'t str, cfg: &PassageConfig) -> Vec<&'t str> {
        split_passages(text, cfg)
            .iter()
            .map(|p| p.text(text))
            .collect()
    }

    /// The invariants every split must satisfy, whatever the text and configuration.
    fn check_invariants(text: &str, cfg: &PassageConfig) -> Result<(), TestCaseError> {
        let passages = split_passages(text, cfg);
        let max = cfg.max_bytes.max(FLOOR_MAX_BYTES);
        let mut covered_to = 0;
        for (i, p) in passages.iter().enumerate() {
            prop_assert_eq!(p.ordinal as usize, i);
            prop_assert!(p.start < p.end && p.end <= text.len());
            prop_assert!(text.is_char_boundary(p.start) && text.is_char_boundary(p.end));
            prop_assert!(
                p.start >= covered_to,
                "passages overlap or are out of order"
            );
            let gap = &text[covered_to..p.start];
            prop_assert!(gap.trim().is_empty(), "non-whitespace left out: {:?}", gap);
            let body = p.text(text);
            prop_assert_eq!(body.trim(), body, "passage not trimmed");
            prop_assert!(
                body.len() <= max,
                "passage of {} bytes > {}",
                body.len(),
                max
            );
            let line_of = |offset: usize| {
                1 + text.as_bytes()[..offset]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count() as u32
            };
            prop_assert_eq!(p.line_start, line_of(p.start));
            prop_assert_eq!(p.line_end, line_of(p.end - 1));
            covered_to = p.end;
        }
        prop_assert!(text[covered_to..].trim().is_empty(), "tail left out");
        Ok(())
    }

    #[test]
    fn splits_into_expected_passages() {
        let small = cfg(40, 60, 0);
        let cases: &[(&str, &str, PassageConfig, &[&str])] = &[
            ("empty", "", small, &[]),
            ("blank only", " \n\t\r\n \n", small, &[]),
            ("one line", "  hello  ", small, &["hello"]),
            (
                "blank lines split",
                "one\ntwo\n\nthree\n \t \nfour",
                small,
                &["one\ntwo", "three", "four"],
            ),
            (
                "crlf",
                "one\r\ntwo\r\n\r\nthree\r\n",
                small,
                &["one\r\ntwo", "three"],
            ),
            (
                "long paragraph cut after the sentence nearest the target",
                "Đây là câu thứ nhất. Đây là câu thứ hai nhé! Câu ba?",
                cfg(25, 35, 0),
                &["Đây là câu thứ nhất.", "Đây là câu thứ hai nhé!", "Câu ba?"],
            ),
            (
                "ellipsis and closing quotes end sentences",
                "He said “wait…” and left. Then nothing happened at all",
                cfg(20, 40, 0),
                &["He said “wait…”", "and left. Then nothing happened at all"],
            ),
            (
                "no sentence: cut at a line break before any space",
                "alpha beta gamma\ndelta epsilon zeta eta",
                cfg(20, 30, 0),
                &["alpha beta gamma", "delta epsilon zeta eta"],
            ),
            (
                "no sentence, no line: cut at whitespace",
                "aaaa bbbb cccc dddd eeee ffff gggg",
                cfg(10, 16, 0),
                &["aaaa bbbb", "cccc dddd", "eeee ffff gggg"],
            ),
            (
                "decimal point is not a sentence end",
                "pi is 3.14159 ok",
                cfg(8, 16, 0),
                &["pi is 3.14159 ok"],
            ),
            (
                "one long word is cut hard on char boundaries",
                "ệệệệệệệệệệ",
                cfg(8, 16, 0),
                &["ệệệệệ", "ệệệệệ"],
            ),
            (
                "tiny paragraphs merged forward",
                "Title\n\nA paragraph that is long enough.",
                cfg(30, 60, 10),
                &["Title\n\nA paragraph that is long enough."],
            ),
            (
                "tiny last paragraph merged backward",
                "A paragraph that is long enough.\n\nEnd",
                cfg(30, 60, 10),
                &["A paragraph that is long enough.\n\nEnd"],
            ),
            (
                "no merge past max",
                "A paragraph that is long enough here.\n\nEnd",
                cfg(30, 40, 10),
                &["A paragraph that is long enough here.", "End"],
            ),
            (
                "big paragraphs are not merged",
                "A paragraph that is long enough.\n\nAnother one, long enough.",
                cfg(30, 80, 10),
                &[
                    "A paragraph that is long enough.",
                    "Another one, long enough.",
                ],
            ),
        ];
        for (name, text, cfg, expected) in cases {
            assert_eq!(texts(text, cfg), *expected, "case {name}");
            check_invariants(text, cfg).unwrap_or_else(|e| panic!("case {name}: {e}"));
        }
    }

    #[test]
    fn line_numbers_are_one_based_and_inclusive() {
        let text = "\n\nfirst\nstill first\n\n\r\nsecond\r\n";
        let passages = split_passages(text, &cfg(10, 20, 0));
        let lines: Vec<_> = passages
            .iter()
            .map(|p| (p.line_start, p.line_end))
            .collect();
        assert_eq!(lines, [(3, 4), (7, 7)]);
    }

    #[test]
    fn combining_marks_stay_with_their_letter_on_a_hard_cut() {
        // "ế" decomposed: e + U+0302 + U+0301, 5 bytes; a cut at 16 bytes would split it.
        let text = "e\u{302}\u{301}".repeat(10);
        let passages = split_passages(&text, &cfg(16, 16, 0));
        for p in &passages {
            assert!(p.text(&text).starts_with('e'), "{:?}", p.text(&text));
        }
        check_invariants(&text, &cfg(16, 16, 0)).unwrap();
    }

    #[test]
    fn default_config_round_trips_through_toml() {
        let config = PassageConfig::default();
        let toml = toml::to_string(&config).unwrap();
        assert_eq!(toml::from_str::<PassageConfig>(&toml).unwrap(), config);
        let partial: PassageConfig = toml::from_str("max_bytes = 4000").unwrap();
        assert_eq!(partial.max_bytes, 4000);
        assert_eq!(partial.target_bytes, 2000);
        assert!(toml::from_str::<PassageConfig>("max_byte = 2000").is_err());
    }

    #[test]
    fn huge_single_line_is_cut_in_linear_time() {
        let text = "x".repeat(50 * 1024 * 1024);
        let config = PassageConfig::default();
        let passages = split_passages(&text, &config);
        assert_eq!(passages.len(), text.len().div_ceil(config.max_bytes));
        assert!(passages
            .iter()
            .all(|p| p.line_start == 1 && p.line_end == 1));
        assert_eq!(passages.last().unwrap().end, text.len());
    }

    #[test]
    fn a_million_short_lines_are_fast() {
        let mut text = String::with_capacity(50 * 1024 * 1024);
        for i in 0..1_000_000 {
            text.push_str("Dòng chữ tiếng Việt số ");
            text.push_str(&i.to_string());
            text.push_str(if i % 7 == 0 {
                ".\n\n"
            } else {
                ", tiếp tục\n"
            });
        }
        let passages = split_passages(&text, &PassageConfig::default());
        assert!(passages.len() > 10_000);
        // The text ends with a blank line, after the last passage's line.
        assert_eq!(
            passages.last().unwrap().line_end as usize,
            text.matches('\n').count() - 1
        );
    }

    #[test]
    fn title_is_first_non_blank_line() {
        let long = "ấ".repeat(200); // 600 bytes
        let cases: &[(&str, Option<&str>)] = &[
            ("", None),
            (" \n\t\r\n", None),
            ("\n\n  Tiêu đề  \r\nbody", Some("Tiêu đề")),
            ("single", Some("single")),
            (&long, Some(&long[..300])),
        ];
        for (text, expected) in cases {
            let title = title_span(text).map(|(s, e)| &text[s..e]);
            assert_eq!(title, *expected, "text {text:?}");
        }
        // Capping lands on a char boundary even when 300 is inside a character.
        let odd = format!("a{long}");
        let (s, e) = title_span(&odd).unwrap();
        assert_eq!((s, e), (0, 298));
    }

    /// Texts made of the pieces that matter to the splitter.
    fn text_strategy() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("word".to_owned()),
            Just("tiếng Việt".to_owned()),
            Just(". ".to_owned()),
            Just("…\" ".to_owned()),
            Just("? ".to_owned()),
            Just(" ".to_owned()),
            Just("\n".to_owned()),
            Just("\r\n".to_owned()),
            Just("\n\n".to_owned()),
            Just("\u{a0}".to_owned()),
            Just("e\u{302}\u{301}".to_owned()),
            "[a-zA-Zđêộ]{1,40}",
            "\\PC{0,8}",
        ];
        prop::collection::vec(piece, 0..120).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn invariants_hold(text in text_strategy(), target in 0usize..120, max in 0usize..200, min in 0usize..80) {
            check_invariants(&text, &cfg(target, max, min))?;
        }

        #[test]
        fn invariants_hold_on_arbitrary_text(text in any::<String>(), target in 0usize..60, max in 0usize..80, min in 0usize..40) {
            check_invariants(&text, &cfg(target, max, min))?;
        }

        #[test]
        fn title_is_trimmed_and_within_cap(text in text_strategy()) {
            if let Some((s, e)) = title_span(&text) {
                let title = &text[s..e];
                prop_assert!(!title.is_empty() && title.trim() == title && !title.contains('\n'));
                prop_assert!(title.len() <= TITLE_MAX_BYTES);
                prop_assert!(text[..s].trim().is_empty());
            } else {
                prop_assert!(text.trim().is_empty());
            }
        }
    }
}
