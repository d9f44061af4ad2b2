//! Bytes to text: UTF-8, UTF-16 and the Vietnamese legacy encodings, binary refused.
//!
//! Almost every input is UTF-8, and that path costs one NUL scan, a control-byte count over the
//! first 8 KiB, one validation and one copy; the text is returned exactly as it is in the file,
//! so byte offsets into it are the file's own. Everything else is decoded to NFC:
//!
//! - UTF-16 with a byte-order mark, or without one when it is plainly ASCII-heavy UTF-16;
//! - bytes that are not UTF-8: each Vietnamese legacy encoding (Windows-1258, TCVN3, VNI-Windows,
//!   VISCII) decodes them and the result that reads best as Vietnamese wins; failing that,
//!   Windows-1252 for Western text, or UTF-8 with replacement characters.
//!
//! Binary detection runs on the raw bytes and knows that TCVN3 and VISCII keep capital letters in
//! C0 control positions.

mod legacy;
mod score;
mod sniff;
mod tables;
mod vni;

#[cfg(test)]
mod tests;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252, WINDOWS_1258};
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};
use sniff::Sniffed;

/// The encoding a text was decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceEncoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// UTF-16, little-endian.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
    /// Windows-1258, the Vietnamese Windows code page (letters partly as combining marks).
    Windows1258,
    /// TCVN 5712:1993, the "ABC" or TCVN3 fonts.
    Tcvn3,
    /// VNI-Windows, the VNI fonts: a base letter followed by bytes drawing its marks.
    Vni,
    /// VISCII (RFC 1456).
    Viscii,
    /// Windows-1252, Western European: chosen for invalid UTF-8 with no Vietnamese in it.
    Windows1252,
    /// Not valid UTF-8 and no known legacy encoding: decoded with U+FFFD replacements.
    Utf8Lossy,
}

impl SourceEncoding {
    /// The encoding's usual name, for messages and reports ("UTF-8", "TCVN3"...).
    pub fn name(&self) -> &'static str {
        match self {
            SourceEncoding::Utf8 => "UTF-8",
            SourceEncoding::Utf16Le => "UTF-16LE",
            SourceEncoding::Utf16Be => "UTF-16BE",
            SourceEncoding::Windows1258 => "windows-1258",
            SourceEncoding::Tcvn3 => "TCVN3",
            SourceEncoding::Vni => "VNI-Windows",
            SourceEncoding::Viscii => "VISCII",
            SourceEncoding::Windows1252 => "windows-1252",
            SourceEncoding::Utf8Lossy => "UTF-8 (lossy)",
        }
    }
}

/// Decoded text and where it came from.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text, as UTF-8.
    pub text: String,
    /// The encoding it was decoded from.
    pub encoding: SourceEncoding,
}

/// Decodes a file's bytes to text, detecting the encoding and refusing binary data.
///
/// Valid UTF-8 comes back unchanged (minus a byte-order mark); every other encoding comes back
/// in NFC. Fails with [`Error::Binary`] exactly when [`looks_binary`] is true.
pub fn decode(bytes: &[u8]) -> Result<Decoded> {
    match sniff::sniff(bytes) {
        Sniffed::Binary => Err(Error::Binary),
        Sniffed::Utf16 { units, big_endian } => {
            let (encoding, decoder) = if big_endian {
                (SourceEncoding::Utf16Be, UTF_16BE)
            } else {
                (SourceEncoding::Utf16Le, UTF_16LE)
            };
            let text = decoder.decode_without_bom_handling(units).0.into_owned();
            Ok(Decoded { text, encoding })
        }
        Sniffed::Bytes(bytes) => Ok(match std::str::from_utf8(bytes) {
            Ok(text) => Decoded {
                text: text.to_owned(),
                encoding: SourceEncoding::Utf8,
            },
            Err(_) => legacy::detect(bytes),
        }),
    }
}

/// Whether `bytes` look like binary data rather than text: a NUL byte outside UTF-16, or too
/// many control bytes that no text encoding uses (more than one in eight of the first 8 KiB).
///
/// Tabs, line breaks, form feeds and the C0 positions where TCVN3 and VISCII keep capital
/// letters do not count.
pub fn looks_binary(bytes: &[u8]) -> bool {
    sniff::sniff(bytes) == Sniffed::Binary
}

/// Decodes `bytes` as `encoding`, without detection or binary check: for callers that know
/// the encoding. Malformed input becomes U+FFFD; legacy encodings come back in NFC.
pub fn decode_with(bytes: &[u8], encoding: SourceEncoding) -> String {
    let table = |table: &'static [char; 256]| bytes.iter().map(move |&b| table[usize::from(b)]);
    match encoding {
        SourceEncoding::Utf8 | SourceEncoding::Utf8Lossy => {
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            String::from_utf8_lossy(bytes).into_owned()
        }
        SourceEncoding::Utf16Le => UTF_16LE.decode_with_bom_removal(bytes).0.into_owned(),
        SourceEncoding::Utf16Be => UTF_16BE.decode_with_bom_removal(bytes).0.into_owned(),
        SourceEncoding::Windows1252 => WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
        // Windows-1258 writes many letters as a base plus a combining tone mark.
        SourceEncoding::Windows1258 => WINDOWS_1258
            .decode_without_bom_handling(bytes)
            .0
            .nfc()
            .collect(),
        // TCVN3 has combining tone marks at 0xB0..=0xB4.
        SourceEncoding::Tcvn3 => table(&tables::TCVN3).nfc().collect(),
        SourceEncoding::Viscii => table(&tables::VISCII).collect(),
        SourceEncoding::Vni => vni::decode(bytes),
    }
}
