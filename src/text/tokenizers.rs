//! The analysis as tantivy tokenizers, registered by name.
//!
//! timkiem's own indexer hands tantivy its tokens ready-made (all four streams from one pass,
//! read back by a decoding tokenizer on the writer's copy of the index only), but the
//! tokenizers stay registered so that tantivy's query parser and snippet machinery, and
//! anyone with an index of their own, can run exactly the same analysis:
//!
//! ```
//! use tantivy::schema::{Schema, TextFieldIndexing, TextOptions};
//! use timkiem::analysis::{register_tokenizers, Analyzer, FieldKind};
//!
//! let mut builder = Schema::builder();
//! let indexing = TextFieldIndexing::default().set_tokenizer(FieldKind::Folded.tokenizer_name());
//! builder.add_text_field("body", TextOptions::default().set_indexing_options(indexing));
//! let index = tantivy::Index::create_in_ram(builder.build());
//! register_tokenizers(&index, &Analyzer::default());
//! let mut tokenizer = index.tokenizers().get("timkiem_folded").unwrap();
//! let mut stream = tokenizer.token_stream("Đà Nẵng");
//! assert_eq!(stream.next().unwrap().text, "da");
//! ```

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::analyzer::{Analyzer, FieldKind};

/// A tantivy [`Tokenizer`] producing one field's stream of the timkiem analysis.
#[derive(Clone, Debug)]
pub struct FieldTokenizer {
    analyzer: Analyzer,
    field: FieldKind,
}

impl FieldTokenizer {
    /// The tokenizer of `field`.
    pub fn new(analyzer: Analyzer, field: FieldKind) -> Self {
        FieldTokenizer { analyzer, field }
    }
}

impl Tokenizer for FieldTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(self.analyzer.tokens(text, self.field))
    }
}

/// A token stream over already computed tokens.
#[derive(Debug, Clone)]
pub struct VecTokenStream {
    tokens: Vec<Token>,
    // Index of the current token plus one; 0 before the first `advance`.
    next: usize,
}

impl VecTokenStream {
    /// A stream yielding `tokens` in order.
    pub fn new(tokens: Vec<Token>) -> Self {
        VecTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1))]
    }

    fn token_mut(&mut self) -> &mut Token {
        let i = self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1));
        &mut self.tokens[i]
    }
}

/// Registers the four tokenizers (`timkiem_exact`, `timkiem_folded`, `timkiem_joined`,
/// `timkiem_english`) on `index`.
pub fn register_tokenizers(index: &tantivy::Index, analyzer: &Analyzer) {
    for field in FieldKind::ALL {
        index.tokenizers().register(
            field.tokenizer_name(),
            FieldTokenizer::new(analyzer.clone(), field),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_yields_every_token_once() {
        let mut t = FieldTokenizer::new(Analyzer::default(), FieldKind::Exact);
        let mut stream = t.token_stream("Hoàng Xuân Chiến");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push(stream.token().text.clone());
        }
        assert_eq!(seen, ["hoàng", "xuân", "chiến"]);
        assert!(!stream.advance());
    }

    #[test]
    fn empty_text_gives_empty_stream() {
        let mut t = FieldTokenizer::new(Analyzer::default(), FieldKind::Joined);
        assert!(!t.token_stream("").advance());
    }
}
