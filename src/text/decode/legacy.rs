//! Choosing an encoding for bytes that are not valid UTF-8.
//!
//! Each candidate decodes the bytes and the results are scored (see [`score`](super::score)): the
//! one that reads best as Vietnamese wins. With no Vietnamese in sight, the bytes are either
//! damaged UTF-8 or Western text in Windows-1252.

use super::score::Score;
use super::{decode_with, Decoded, SourceEncoding};

/// Detection decodes and scores at most this much; the winner then decodes everything.
const SAMPLE_LEN: usize = 1 << 20;

/// The candidates that may carry Vietnamese, best first on a tie. Lossy UTF-8 competes too, so
/// a Vietnamese UTF-8 file with one broken byte stays UTF-8.
const CANDIDATES: [SourceEncoding; 5] = [
    SourceEncoding::Utf8Lossy,
    SourceEncoding::Windows1258,
    SourceEncoding::Tcvn3,
    SourceEncoding::Vni,
    SourceEncoding::Viscii,
];

/// Decodes bytes that are not valid UTF-8 (and not binary, not UTF-16).
pub(super) fn detect(bytes: &[u8]) -> Decoded {
    let sample = &bytes[..bytes.len().min(SAMPLE_LEN)];
    // Ranked by how well the text reads as Vietnamese, then by how many of its syllables
    // are common ones (which settles short lines, where several tables make syllables).
    let mut best: Option<((isize, usize), SourceEncoding, String)> = None;
    for encoding in CANDIDATES {
        let text = decode_with(sample, encoding);
        let score = Score::of(&text);
        let rank = (score.vietnamese_rank(), score.common_syllables());
        if rank.0 > 0
            && best
                .as_ref()
                .is_none_or(|(best_rank, ..)| rank > *best_rank)
        {
            best = Some((rank, encoding, text));
        }
    }
    let (encoding, decoded_sample) = match best {
        Some((_, encoding, text)) => (encoding, Some(text)),
        None if mostly_utf8(sample) => (SourceEncoding::Utf8Lossy, None),
        None => {
            let text = decode_with(sample, SourceEncoding::Windows1252);
            if Score::of(&text).is_western() {
                (SourceEncoding::Windows1252, Some(text))
            } else {
                (SourceEncoding::Utf8Lossy, None)
            }
        }
    };
    let text = match decoded_sample {
        Some(text) if sample.len() == bytes.len() => text,
        _ => decode_with(bytes, encoding),
    };
    Decoded { text, encoding }
}

/// Whether invalid UTF-8 is UTF-8 with a few damaged sequences (a truncated file, a stray
/// Latin-1 byte) rather than an 8-bit encoding: more well-formed multi-byte sequences than
/// malformed ones. Legacy text rarely forms well-formed sequences by chance. A sequence cut off
/// at the very end counts as well-formed if it got past its lead byte.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0, 0);
    let mut chunks = bytes.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        good += chunk.valid().bytes().filter(|&b| b >= 0xC0).count();
        let invalid = chunk.invalid();
        let truncated = chunks.peek().is_none() && invalid.len() >= 2;
        if truncated {
            good += 1;
        } else if !invalid.is_empty() {
            bad += 1;
        }
    }
    good > bad
}
