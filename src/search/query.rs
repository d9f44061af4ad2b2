//! The query language: words, `"phrases"`, `-exclusions` and `OR`.
//!
//! | Syntax                  | Meaning                                                        |
//! |-------------------------|----------------------------------------------------------------|
//! | `word`                  | a plain word                                                   |
//! | `"a phrase"`            | the words in this order, next to each other                    |
//! | `-word`, `-"a phrase"`  | documents containing it are excluded                           |
//! | `a OR b OR "c d"`       | one [`Group`] of alternatives: any of them will do             |
//!
//! Parsing never fails: whatever does not fit the grammar is searched literally or ignored.
//! The precise rules, for the odd cases:
//!
//! - Terms are separated by Unicode whitespace only (spaces, NBSP, tabs, newlines...); the text
//!   analyser splits words further later, so `COVID-19` or `don't` stay one term here.
//! - `-` excludes only at the start of a term: `COVID-19` and `SARS-CoV-2` are plain words.
//!   A lone `-` (followed by whitespace or the end) is ignored. Only the first `-` is an
//!   operator: `--x` excludes the word `-x`.
//! - A `"` opens a phrase only at the start of a term (possibly after `-`); inside a word it is
//!   an ordinary character (`don"t`). A phrase ends at the next `"` wherever it is, and the
//!   closing quote also ends the term (`"a b"c` is the phrase `a b` then the word `c`).
//!   **An unclosed quote runs to the end of the query**, which is what someone still typing
//!   means. Whitespace inside a phrase is collapsed to single spaces; an empty phrase (`""`) is
//!   ignored. A one-word phrase (`"COVID-19"`) stays a phrase: the analyser may split it into
//!   several tokens that must stay adjacent.
//! - `OR` is an operator only in upper case, unquoted and not excluded, and only between two
//!   included terms. **Anywhere else it is dropped**: at the start or end, next to an
//!   exclusion (`a OR -b` is `a -b`). A run of `OR`s acts as one (`a OR OR b` is `a OR b`).
//!   To search the word itself, write `or` or `"OR"`.
//! - At most [`MAX_TERMS`] terms are kept (included and excluded together), and a phrase keeps
//!   at most [`MAX_TERMS`] words; the rest of the query is ignored, so a pasted page of text
//!   costs no more than a long query.
//! - The text of every term is kept as typed (no case folding, no Unicode normalisation): that
//!   is the analyser's work, so that queries and documents go through the same code.

use std::ops::Range;

/// The most terms one query keeps; also the most words one phrase keeps.
pub const MAX_TERMS: usize = 64;

/// A parsed query: what must match, and what must not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// The units of meaning of the query, in the order typed.
    pub groups: Vec<Group>,
    /// Terms whose documents are excluded from the results.
    pub excluded: Vec<Term>,
}

/// One required-ish unit of meaning: alternatives joined by OR. A plain word is a group of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The alternatives, in the order typed; never empty.
    pub alternatives: Vec<Term>,
}

/// A word or a phrase, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Raw text as typed, e.g. `Hoàng` or `Hoang Xuan Chien` (phrase whitespace collapsed).
    pub text: String,
    /// Whether the term was quoted: its words must match next to each other, in order.
    pub phrase: bool,
}

impl Term {
    /// A plain word.
    pub fn word(text: impl Into<String>) -> Self {
        Term {
            text: text.into(),
            phrase: false,
        }
    }

    /// A quoted phrase.
    pub fn phrase(text: impl Into<String>) -> Self {
        Term {
            text: text.into(),
            phrase: true,
        }
    }
}

impl ParsedQuery {
    /// Whether the query asks for nothing at all (no groups and no exclusions).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.excluded.is_empty()
    }
}

/// Parses a query typed by a user; see the [module documentation](self) for the language.
///
/// Never fails and never panics: odd input is searched literally or ignored.
pub fn parse_query(input: &str) -> ParsedQuery {
    let mut query = ParsedQuery::default();
    // `OR` joins the next included term to the last group only when that group was the very
    // last thing seen; an exclusion in between breaks the chain.
    let mut last_was_included = false;
    let mut join_next = false;
    for (item, _) in tokenize(input) {
        match item {
            Item::Or => join_next = last_was_included,
            Item::Excluded(term) => {
                query.excluded.push(term);
                last_was_included = false;
                join_next = false;
            }
            Item::Included(term) => {
                match query.groups.last_mut() {
                    Some(group) if join_next => group.alternatives.push(term),
                    _ => query.groups.push(Group {
                        alternatives: vec![term],
                    }),
                }
                last_was_included = true;
                join_next = false;
            }
        }
    }
    query
}

/// The byte ranges of `input` that [`parse_query`] reads as excluded terms (`-word`,
/// `-"a phrase"`, the `-` included), in order.
pub fn excluded_ranges(input: &str) -> Vec<Range<usize>> {
    tokenize(input)
        .into_iter()
        .filter_map(|(item, range)| matches!(item, Item::Excluded(_)).then_some(range))
        .collect()
}

/// Treats every whitespace-separated piece of `input` as a plain word: no phrases, no
/// exclusions, no `OR` (quotes, `-` and `OR` stay in the words, for the analyser to handle).
///
/// For judged queries written in natural language (`COVID -19`, `"quoted"` titles, `AND`),
/// where operators would change their meaning. Keeps at most [`MAX_TERMS`] words.
pub fn plain_words(input: &str) -> ParsedQuery {
    ParsedQuery {
        groups: input
            .split_whitespace()
            .take(MAX_TERMS)
            .map(|word| Group {
                alternatives: vec![Term::word(word)],
            })
            .collect(),
        excluded: Vec::new(),
    }
}

/// A lexical unit of the query language.
#[derive(Debug)]
enum Item {
    Included(Term),
    Excluded(Term),
    Or,
}

/// Splits `input` into terms and `OR` operators, each with its byte range in `input`, keeping
/// at most [`MAX_TERMS`] terms.
fn tokenize(input: &str) -> Vec<(Item, Range<usize>)> {
    let mut items = Vec::new();
    let mut terms = 0;
    let mut rest = input;
    while terms < MAX_TERMS {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let start = input.len() - rest.len();
        let (excluded, body) = match rest.strip_prefix('-') {
            Some(body) => (true, body),
            None => (false, rest),
        };

        let term = if let Some(quoted) = body.strip_prefix('"') {
            let (inside, after) = match quoted.find('"') {
                Some(close) => (&quoted[..close], &quoted[close + 1..]),
                None => (quoted, ""), // unclosed: the phrase runs to the end
            };
            rest = after;
            let words: Vec<&str> = inside.split_whitespace().take(MAX_TERMS).collect();
            if words.is_empty() {
                continue;
            }
            Term::phrase(words.join(" "))
        } else {
            let end = body.find(char::is_whitespace).unwrap_or(body.len());
            let word = &body[..end];
            rest = &body[end..];
            if word.is_empty() {
                continue; // a lone `-`
            }
            if word == "OR" && !excluded {
                items.push((Item::Or, start..input.len() - rest.len()));
                continue;
            }
            Term::word(word)
        };

        terms += 1;
        let item = if excluded {
            Item::Excluded(term)
        } else {
            Item::Included(term)
        };
        items.push((item, start..input.len() - rest.len()));
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excluded_ranges_cover_the_excluded_terms_as_parsed() {
        let input = "ban -bán  \"a b\" -\"c d\" OR -e -";
        let ranges: Vec<&str> = excluded_ranges(input)
            .into_iter()
            .map(|r| &input[r])
            .collect();
        assert_eq!(ranges, ["-bán", "-\"c d\"", "-e"]);
        assert_eq!(parse_query(input).excluded.len(), ranges.len());
        assert!(excluded_ranges("a-b c").is_empty());
    }

    /// Shorthand for expected queries: groups as lists of alternatives, then exclusions.
    /// A term written `"x"` (with the quotes) is a phrase, anything else a word.
    fn q(groups: &[&[&str]], excluded: &[&str]) -> ParsedQuery {
        fn term(s: &str) -> Term {
            match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(inner) if s.len() >= 2 => Term::phrase(inner),
                _ => Term::word(s),
            }
        }
        ParsedQuery {
            groups: groups
                .iter()
                .map(|alts| Group {
                    alternatives: alts.iter().map(|s| term(s)).collect(),
                })
                .collect(),
            excluded: excluded.iter().map(|s| term(s)).collect(),
        }
    }

    #[test]
    fn parses_the_language_and_its_odd_cases() {
        let nfd_hoang = "Hoa\u{300}ng"; // `Hoàng` typed with a combining grave accent
        let cases: Vec<(&str, ParsedQuery)> = vec![
            // Operators.
            ("hello world", q(&[&["hello"], &["world"]], &[])),
            (
                r#""Hoàng Xuân Chiến""#,
                q(&[&[r#""Hoàng Xuân Chiến""#]], &[]),
            ),
            ("phở -bò", q(&[&["phở"]], &["bò"])),
            (r#"Hà -"Hà Nội""#, q(&[&["Hà"]], &[r#""Hà Nội""#])),
            ("a OR b", q(&[&["a", "b"]], &[])),
            ("a OR b OR c d", q(&[&["a", "b", "c"], &["d"]], &[])),
            (r#""a b" OR c"#, q(&[&[r#""a b""#, "c"]], &[])),
            // Empty and whitespace-only.
            ("", q(&[], &[])),
            (" \t\n\u{a0} ", q(&[], &[])),
            // Separators: NBSP, tabs, newlines, ideographic space.
            (
                "Hà\u{a0}Nội\tphở\nbò\u{3000}x",
                q(&[&["Hà"], &["Nội"], &["phở"], &["bò"], &["x"]], &[]),
            ),
            // `-` inside words is not an operator; a lone `-` is ignored; only one `-` counts.
            (
                "COVID-19 SARS-CoV-2",
                q(&[&["COVID-19"], &["SARS-CoV-2"]], &[]),
            ),
            ("a - b -", q(&[&["a"], &["b"]], &[])),
            ("--x", q(&[], &["-x"])),
            ("x-", q(&[&["x-"]], &[])),
            // Quotes: unclosed runs to the end, mid-word is literal, empty ignored.
            (r#"a "b c"#, q(&[&["a"], &[r#""b c""#]], &[])),
            (r#"""#, q(&[], &[])),
            (r#"a "" -"" b"#, q(&[&["a"], &["b"]], &[])),
            (r#"don"t stop""#, q(&[&[r#"don"t"#], &[r#"stop""#]], &[])),
            (r#""a b"c"#, q(&[&[r#""a b""#], &["c"]], &[])),
            ("\"  a  \t\u{a0}\n b \"", q(&[&[r#""a b""#]], &[])),
            (r#""COVID-19""#, q(&[&[r#""COVID-19""#]], &[])),
            // OR edge cases: dropped where it cannot join two included terms.
            ("OR a", q(&[&["a"]], &[])),
            ("a OR", q(&[&["a"]], &[])),
            ("OR", q(&[], &[])),
            ("a OR OR b", q(&[&["a", "b"]], &[])),
            ("a OR -b c", q(&[&["a"], &["c"]], &["b"])),
            ("-a OR b", q(&[&["b"]], &["a"])),
            ("a -x OR b", q(&[&["a"], &["b"]], &["x"])),
            (
                "a or b Or c",
                q(&[&["a"], &["or"], &["b"], &["Or"], &["c"]], &[]),
            ),
            (r#"a "OR" b"#, q(&[&["a"], &[r#""OR""#], &["b"]], &[])),
            ("-OR", q(&[], &["OR"])),
            ("ORegon OR", q(&[&["ORegon"]], &[])),
            // Punctuation and emoji are searched literally (the analyser decides).
            ("!!! 🍜 ,", q(&[&["!!!"], &["🍜"], &[","]], &[])),
            // NFD text is kept exactly as typed.
            (nfd_hoang, q(&[&[nfd_hoang]], &[])),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_query(input), expected, "query {input:?}");
        }
        let excluded_nfd = format!("-{nfd_hoang}\u{a0}Xuân");
        assert_eq!(parse_query(&excluded_nfd), q(&[&["Xuân"]], &[nfd_hoang]));
    }

    #[test]
    fn nfd_phrase_keeps_combining_marks() {
        let input = "\"Hoa\u{300}ng\u{a0}Xua\u{302}n\"";
        assert_eq!(
            parse_query(input),
            q(&[&["\"Hoa\u{300}ng Xua\u{302}n\""]], &[])
        );
    }

    #[test]
    fn caps_the_number_of_terms() {
        // 10,000 characters of words, exclusions and ORs.
        let input: String = "ab -cd OR ef \"g h\" ".repeat(550);
        assert!(input.len() >= 10_000);
        let parsed = parse_query(&input);
        let terms = parsed.excluded.len()
            + parsed
                .groups
                .iter()
                .map(|g| g.alternatives.len())
                .sum::<usize>();
        assert_eq!(terms, MAX_TERMS);

        // One unclosed 10,000-character phrase keeps MAX_TERMS words.
        let phrase = format!("\"{}", "từ ".repeat(3_400));
        let parsed = parse_query(&phrase);
        assert_eq!(parsed.groups.len(), 1);
        let words = parsed.groups[0].alternatives[0].text.split(' ').count();
        assert_eq!(words, MAX_TERMS);

        // One 10,000-character word is one term.
        let word = "x".repeat(10_000);
        assert_eq!(parse_query(&word), q(&[&[&word]], &[]));
    }

    proptest::proptest! {
        #[test]
        fn any_input_parses_within_the_cap(input in r#"([a-zà-ỹ"\- \t\u{a0}🍜]|OR ){0,300}"#) {
            for parsed in [parse_query(&input), plain_words(&input)] {
                let terms = parsed.groups.iter().map(|g| g.alternatives.len()).sum::<usize>()
                    + parsed.excluded.len();
                proptest::prop_assert!(terms <= MAX_TERMS);
                for term in parsed.groups.iter().flat_map(|g| &g.alternatives).chain(&parsed.excluded) {
                    proptest::prop_assert!(!term.text.is_empty());
                    proptest::prop_assert_eq!(term.text.trim(), &term.text);
                    proptest::prop_assert!(term.phrase || !term.text.contains(char::is_whitespace));
                    proptest::prop_assert!(input.contains(term.text.split(' ').next().unwrap()));
                }
                for group in &parsed.groups {
                    proptest::prop_assert!(!group.alternatives.is_empty());
                }
            }
        }
    }

    #[test]
    fn plain_words_has_no_operators() {
        let cases: Vec<(&str, ParsedQuery)> = vec![
            ("COVID -19", q(&[&["COVID"], &["-19"]], &[])),
            (
                r#"a OR b AND "c d""#,
                q(
                    &[&["a"], &["OR"], &["b"], &["AND"], &[r#""c"#], &[r#"d""#]],
                    &[],
                ),
            ),
            ("  ", q(&[], &[])),
            ("x\u{a0}y", q(&[&["x"], &["y"]], &[])),
        ];
        for (input, expected) in cases {
            assert_eq!(plain_words(input), expected, "query {input:?}");
        }
        assert_eq!(plain_words(&"w ".repeat(5_000)).groups.len(), MAX_TERMS);
    }
}
