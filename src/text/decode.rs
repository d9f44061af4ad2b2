//! Bytes to text. PLACEHOLDER: replaced by the full decoder (legacy encodings, UTF-16, binary
//! detection).

use crate::error::{Error, Result};

/// The encoding a text was decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceEncoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// Not valid UTF-8 and no known legacy encoding: decoded with U+FFFD replacements.
    Utf8Lossy,
}

/// Decoded text and where it came from.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, as UTF-8.
    pub text: String,
    /// The encoding it was decoded from.
    pub encoding: SourceEncoding,
}

/// Decodes a file's bytes to text, refusing binary data.
pub fn decode(bytes: &[u8]) -> Result<Decoded> {
    if bytes.contains(&0) {
        return Err(Error::Binary);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Decoded {
            text: s.to_owned(),
            encoding: SourceEncoding::Utf8,
        }),
        Err(_) => Ok(Decoded {
            text: String::from_utf8_lossy(bytes).into_owned(),
            encoding: SourceEncoding::Utf8Lossy,
        }),
    }
}
