//! A field's tokens as one compact string, and the tokenizer that reads them back.
//!
//! tantivy 0.27 takes pre-tokenized text only as an owned `PreTokenizedString`: one `String`
//! per token, allocated by an analysis worker, cloned once more by tantivy's indexing thread and
//! freed there. That was a third of a cold build's CPU: the allocations, the copies, the
//! cross-thread frees, and the fresh pages the allocator kept faulting in for them. Instead, the
//! indexer turns each field's tokens into one string ([`encode_tokens`]) and hands tantivy that
//! string; the writer's copy of the index (and only it: see `Index::doc_writer`) has
//! [`EncodedTokenizer`] under the analysis tokenizers' names, which reads the tokens back into
//! one reused [`Token`], the way tantivy's own tokenizers work.
//!
//! The encoding, per token: its text, with the bytes `0x01`–`0x03` escaped by `0x03`, then
//! `0x01` when its position is the previous token's plus one (0 for the first token), or `0x02`,
//! the position in decimal and `0x01`. Offsets are not kept: tantivy's postings use a token's
//! text, position and position length only, and every analysis token spans one position.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Ends a token (at the position after the previous token's).
const NEXT: u8 = 0x01;
/// Starts an explicit decimal position, itself ended by [`NEXT`].
const AT: u8 = 0x02;
/// Escapes the following byte of a token's text.
const ESC: u8 = 0x03;

/// The encoding of `tokens`.
pub(crate) fn encode_tokens(tokens: &[Token]) -> String {
    // Room for every token without escapes and for a short explicit position on each gap:
    // one allocation, never grown in practice.
    let mut next_position = 0;
    let capacity = tokens
        .iter()
        .map(|t| {
            let gap = if t.position == next_position { 0 } else { 7 };
            next_position = t.position + 1;
            t.text.len() + 1 + gap
        })
        .sum();
    let mut out = String::with_capacity(capacity);
    next_position = 0;
    for token in tokens {
        let mut text = token.text.as_str();
        while let Some(i) = text.bytes().position(|b| b <= ESC) {
            out.push_str(&text[..i]);
            out.push(ESC as char);
            out.push_str(&text[i..=i]);
            text = &text[i + 1..];
        }
        out.push_str(text);
        if token.position != next_position {
            out.push(AT as char);
            out.push_str(itoa(token.position, &mut [0; 20]));
        }
        out.push(NEXT as char);
        next_position = token.position + 1;
    }
    out
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

/// The tokenizer that decodes what [`encode_tokens`] wrote.
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

    fn token(text: &str, position: usize) -> Token {
        Token {
            text: text.to_string(),
            position,
            ..Token::default()
        }
    }

    #[test]
    fn consecutive_positions_cost_one_byte() {
        let out = encode_tokens(&[token("hoàng", 0), token("xuân", 1)]);
        assert_eq!(out, "hoàng\u{1}xuân\u{1}");
        assert_eq!(decode(&out), [("hoàng".into(), 0), ("xuân".into(), 1)]);
    }

    #[test]
    fn gaps_and_control_bytes_survive() {
        let tokens = [token("a\u{1}b\u{2}c\u{3}", 3), token("", 4), token("x", 40)];
        let out = encode_tokens(&tokens);
        let expected: Vec<_> = tokens
            .iter()
            .map(|t| (t.text.clone(), t.position))
            .collect();
        assert_eq!(decode(&out), expected);
        assert!(decode("").is_empty());
    }

    proptest! {
        #[test]
        fn round_trip(words in prop::collection::vec(("\\PC{0,8}|[\\x00-\\x05a]{0,4}", 0usize..3), 0..20)) {
            let mut position = 0;
            let tokens: Vec<Token> = words
                .iter()
                .map(|(text, gap)| {
                    position += gap;
                    let t = token(text, position);
                    position += 1;
                    t
                })
                .collect();
            let out = encode_tokens(&tokens);
            let expected: Vec<_> = tokens.iter().map(|t| (t.text.clone(), t.position)).collect();
            prop_assert_eq!(decode(&out), expected);
        }
    }
}
