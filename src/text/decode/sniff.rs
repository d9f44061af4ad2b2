//! The first, cheap look at raw bytes: byte-order marks, UTF-16 without one, and binary data.
//!
//! Binary detection works on bytes, before any decoding, so it must not mistake legacy
//! Vietnamese text for binary: TCVN3 and VISCII put capital letters in C0 control positions.

/// How many leading bytes the control-byte count looks at (git looks at 8000 for the same job).
const SAMPLE_LEN: usize = 8 * 1024;

/// What the first look found.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Sniffed<'a> {
    /// UTF-16 code units, byte-order mark removed.
    Utf16 {
        /// The code units' bytes.
        units: &'a [u8],
        /// Big-endian rather than little-endian.
        big_endian: bool,
    },
    /// Some 8-bit encoding (UTF-8 or legacy), UTF-8 byte-order mark removed.
    Bytes(&'a [u8]),
    /// Not text.
    Binary,
}

/// Classifies `bytes` as UTF-16, 8-bit text or binary.
pub(super) fn sniff(bytes: &[u8]) -> Sniffed<'_> {
    let utf16 = if let Some(units) = bytes.strip_prefix(b"\xFF\xFE") {
        Some((units, false))
    } else if let Some(units) = bytes.strip_prefix(b"\xFE\xFF") {
        Some((units, true))
    } else if bytes.contains(&0) {
        // `contains` on bytes is a vectorised memchr. NUL is the one byte no 8-bit text has, so
        // this is either UTF-16 without a byte-order mark or binary.
        match bomless_utf16(bytes) {
            Some(big_endian) => Some((bytes, big_endian)),
            None => return Sniffed::Binary,
        }
    } else {
        None
    };

    match utf16 {
        Some((units, big_endian)) if utf16_is_text(units, big_endian) => {
            Sniffed::Utf16 { units, big_endian }
        }
        Some(_) => Sniffed::Binary,
        None => {
            let sample = &bytes[..bytes.len().min(SAMPLE_LEN)];
            let suspicious = sample
                .iter()
                .filter(|&&b| is_suspicious(u16::from(b)))
                .count();
            if too_many(suspicious, sample.len()) {
                Sniffed::Binary
            } else {
                Sniffed::Bytes(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
            }
        }
    }
}

/// Control bytes that text does not contain. Whitespace controls are fine, and so are the C0
/// positions where TCVN3 (0x01 0x02 0x04..=0x06 0x11..=0x17) or VISCII (0x02 0x05 0x06 0x14 0x19
/// 0x1E) keep capital letters. Takes a `u16` so UTF-16 code units go through the same test.
fn is_suspicious(unit: u16) -> bool {
    unit < 0x20
        && !matches!(
            unit,
            0x09 | 0x0A | 0x0C | 0x0D | 0x01 | 0x02 | 0x04..=0x06 | 0x11..=0x17 | 0x19 | 0x1E
        )
}

/// Binary when more than one character in eight is a suspicious control. Text with escape
/// sequences stays well below that; NUL-free binary is rare anyway.
fn too_many(suspicious: usize, total: usize) -> bool {
    suspicious > total / 8
}

/// Recognises UTF-16 without a byte-order mark in text that is mostly ASCII: at least half of
/// the code units have a zero high byte, none has a zero low byte (letters like U+0100 are too
/// rare to matter). Returns whether it is big-endian.
fn bomless_utf16(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(SAMPLE_LEN)];
    if !bytes.len().is_multiple_of(2) || sample.len() < 4 {
        return None;
    }
    let (mut zero_even, mut zero_odd) = (0, 0);
    for pair in sample.chunks_exact(2) {
        zero_even += usize::from(pair[0] == 0);
        zero_odd += usize::from(pair[1] == 0);
    }
    let half = sample.len() / 4;
    match (zero_even, zero_odd) {
        (0, odd) if odd >= half => Some(false),
        (even, 0) if even >= half => Some(true),
        _ => None,
    }
}

/// UTF-16 is text when no code unit is U+0000 and few are other controls (same rule as bytes).
fn utf16_is_text(units: &[u8], big_endian: bool) -> bool {
    let unit = |pair: &[u8]| {
        let pair = [pair[0], pair[1]];
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    };
    if units.chunks_exact(2).any(|pair| unit(pair) == 0) {
        return false;
    }
    let sample = &units[..units.len().min(SAMPLE_LEN)];
    let suspicious = sample
        .chunks_exact(2)
        .filter(|pair| is_suspicious(unit(pair)))
        .count();
    !too_many(suspicious, sample.len() / 2)
}
