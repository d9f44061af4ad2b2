//! A field's tokens as one compact string, and the tokenizer that reads them back.
//!
//! tantivy 0.27 takes pre-tokenized text only as an owned `PreTokenizedString`: one `String`
//! per token, allocated by an analysis worker, cloned once more by tantivy's indexing thread and
//! freed there. That was a third of a cold build's CPU: the allocations, the copies, the
//! cross-thread frees, and the fresh pages the allocator kept faulting in for them. Instead, the
//! analyzer writes each field's tokens into one string ([`EncodedFields`]) and tantivy gets that
//! string; the writer's copy of the index (and only it: see `Index::encoded_tokens_writer`) has
//! [`EncodedTokenizer`] under the analysis tokenizers' names, which reads the tokens back into
//! one reused [`Token`], the way tantivy's own tokenizers work.
//!
//! The encoding, per token: its text, with the bytes `0x01`–`0x03` escaped by `0x03`, then
//! `0x01` when its position is the previous token's plus one (0 for the first token), or `0x02`,
//! the position in decimal and `0x01`. Offsets are not kept: tantivy's postings use a token's
//! text, position and position length only, and every analysis token spans one position.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::text::analyzer::{FieldKind, TokenSink};

/// Ends a token (at the position after the previous token's).
const NEXT: u8 = 0x01;
/// Starts an explicit decimal position, itself ended by [`NEXT`].
const AT: u8 = 0x02;
/// Escapes the following byte of a token's text.
const ESC: u8 = 0x03;

/// The four fields' tokens of one text, encoded as the analyzer hands them over.
#[derive(Debug, Default)]
pub(crate) struct EncodedFields {
    fields: [String; 4],
    /// Per field, the position a token takes when none is written.
    next_position: [usize; 4],
}

impl EncodedFields {
    /// Empty fields with room for the tokens of a text of `text_len` bytes: `exact`, `folded`
    /// and `joined` hold about that much each (a `joined` token per pair of syllables), and
    /// `english` little.
    pub(crate) fn for_text(text_len: usize) -> Self {
        let room = text_len + 16;
        EncodedFields {
            fields: [
                String::with_capacity(room),
                String::with_capacity(room),
                String::with_capacity(room),
                String::new(),
            ],
            next_position: [0; 4],
        }
    }

    /// The encoded tokens of `field`.
    pub(crate) fn get(&self, field: FieldKind) -> &str {
        &self.fields[field as usize]
    }

    /// The encoded tokens of `field`, taken out.
    pub(crate) fn take(&mut self, field: FieldKind) -> String {
        std::mem::take(&mut self.fields[field as usize])
    }
}

impl TokenSink for EncodedFields {
    fn push(
        &mut self,
        field: FieldKind,
        parts: &[&str],
        _from: usize,
        _to: usize,
        position: usize,
    ) {
        let out = &mut self.fields[field as usize];
        for part in parts {
            let mut text = *part;
            while let Some(i) = text.bytes().position(|b| b <= ESC) {
                out.push_str(&text[..i]);
                out.push(ESC as char);
                out.push_str(&text[i..=i]);
                text = &text[i + 1..];
            }
            out.push_str(text);
        }
        let next_position = &mut self.next_position[field as usize];
        if position != *next_position {
            out.push(AT as char);
            out.push_str(itoa(position, &mut [0; 20]));
        }
        out.push(NEXT as char);
        *next_position = position + 1;
    }
}

/// `n` in decimal, written into `buf`.
fn itoa(mut n: usize, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).expect("ASCII digits")
}

/// The tokenizer that decodes what [`EncodedFields`] wrote.
#[derive(Clone, Debug, Default)]
pub(crate) struct EncodedTokenizer {
    token: Token,
}

impl Tokenizer for EncodedTokenizer {
    type TokenStream<'a> = EncodedTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> EncodedTokenStream<'a> {
        self.token.reset();
        EncodedTokenStream {
            rest: text,
            token: &mut self.token,
            next_position: 0,
        }
    }
}

/// The tokens of one encoded string.
#[derive(Debug)]
pub(crate) struct EncodedTokenStream<'a> {
    rest: &'a str,
    token: &'a mut Token,
    next_position: usize,
}

impl TokenStream for EncodedTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.rest.is_empty() {
            return false;
        }
        let token = &mut *self.token;
        token.text.clear();
        let mut rest = self.rest;
        // The control bytes are ASCII, so every cut below falls on a character boundary.
        let position = loop {
            let Some(i) = rest.bytes().position(|b| b <= ESC) else {
                // Only a damaged encoding ends inside a token; take what is there.
                token.text.push_str(rest);
                rest = "";
                break self.next_position;
            };
            token.text.push_str(&rest[..i]);
            match rest.as_bytes()[i] {
                ESC => {
                    token.text.push_str(rest.get(i + 1..i + 2).unwrap_or(""));
                    rest = rest.get(i + 2..).unwrap_or("");
                }
                AT => {
                    let digits = &rest[i + 1..];
                    let end = digits.find(NEXT as char).unwrap_or(digits.len());
                    rest = digits.get(end + 1..).unwrap_or("");
                    break digits[..end].parse().unwrap_or(self.next_position);
                }
                _ => {
                    rest = &rest[i + 1..];
                    break self.next_position;
                }
            }
        };
        self.rest = rest;
        token.position = position;
        token.position_length = 1;
        self.next_position = position + 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decode(encoded: &str) -> Vec<(String, usize)> {
        let mut tokenizer = EncodedTokenizer::default();
        let mut stream = tokenizer.token_stream(encoded);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            assert_eq!(t.position_length, 1);
            out.push((t.text.clone(), t.position));
        }
        out
    }

    /// The `folded` field of `tokens` (text, position), encoded.
    fn encode(tokens: &[(&str, usize)]) -> String {
        let mut fields = EncodedFields::default();
        for (text, position) in tokens {
            fields.push(FieldKind::Folded, &[text], 0, 0, *position);
        }
        fields.take(FieldKind::Folded)
    }

    fn owned(tokens: &[(&str, usize)]) -> Vec<(String, usize)> {
        tokens.iter().map(|(t, p)| (t.to_string(), *p)).collect()
    }

    #[test]
    fn consecutive_positions_cost_one_byte() {
        let tokens = [("hoàng", 0), ("xuân", 1)];
        let out = encode(&tokens);
        assert_eq!(out, "hoàng\u{1}xuân\u{1}");
        assert_eq!(decode(&out), owned(&tokens));
    }

    #[test]
    fn gaps_and_control_bytes_survive() {
        let tokens = [("a\u{1}b\u{2}c\u{3}\u{0}", 3), ("", 4), ("x", 40)];
        assert_eq!(decode(&encode(&tokens)), owned(&tokens));
        assert!(decode("").is_empty());
    }

    #[test]
    fn parts_are_concatenated_and_fields_kept_apart() {
        let mut fields = EncodedFields::for_text(10);
        fields.push(FieldKind::Joined, &["viet", "nam"], 0, 8, 2);
        fields.push(FieldKind::Exact, &["việt"], 0, 5, 0);
        assert_eq!(
            decode(fields.get(FieldKind::Joined)),
            [("vietnam".into(), 2)]
        );
        assert_eq!(decode(fields.get(FieldKind::Exact)), [("việt".into(), 0)]);
        assert!(fields.get(FieldKind::English).is_empty());
    }

    #[test]
    fn encoded_analysis_decodes_to_the_analyzer_tokens() {
        let analyzer = crate::text::analyzer::Analyzer::default();
        for text in [
            "Hoàng Xuân Chiến, Việt_Nam’s defence models: Hoa\u{300}ng ĐÀ NẴNG 4,8 triệu",
            "the cats can fly to Hà Nội, then Sài Gòn; COVID-19 colours",
            "",
        ] {
            let mut fields = EncodedFields::for_text(text.len());
            analyzer.tokens_into(text, &mut fields);
            let expected = analyzer.field_tokens(text);
            for field in FieldKind::ALL {
                let want: Vec<_> = expected
                    .get(field)
                    .iter()
                    .map(|t| (t.text.clone(), t.position))
                    .collect();
                assert_eq!(decode(fields.get(field)), want, "{field:?} of {text:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn round_trip(words in prop::collection::vec(("\\PC{0,8}|[\\x00-\\x05a]{0,4}", 0usize..3), 0..20)) {
            let mut position = 0;
            let tokens: Vec<(&str, usize)> = words
                .iter()
                .map(|(text, gap)| {
                    position += gap;
                    position += 1;
                    (text.as_str(), position - 1)
                })
                .collect();
            prop_assert_eq!(decode(&encode(&tokens)), owned(&tokens));
        }
    }
}
