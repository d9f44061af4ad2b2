//! VNI-Windows, the encoding of the VNI fonts.
//!
//! VNI is a font trick on top of Windows-1252: a Vietnamese letter is a plain ASCII vowel followed
//! by one byte drawing its marks ("Vieät" is "Việt": `e`, then `ä` = circumflex + dot below).
//! A few letters are single bytes (`ñ` đ, `ô` ơ, `ö` ư, `í ì æ ó ò` for í ì ỉ ĩ ị, `î` ỵ);
//! ơ and ư take a second byte for their tone ("ñöôïc" is "được").
//!
//! Each mark byte has a capital form 0x20 lower (`Ù` for `ù`...), drawn higher for capital
//! letters. The case of the output follows the base letter; the mark byte's case is ignored, so
//! sloppy mixes still decode.
//!
//! The decoder emits base letters with combining marks and leaves composition to NFC.

use unicode_normalization::UnicodeNormalization;

use super::tables::CP1252_80_9F;

const GRAVE: char = '\u{300}';
const ACUTE: char = '\u{301}';
const CIRCUMFLEX: char = '\u{302}';
const TILDE: char = '\u{303}';
const BREVE: char = '\u{306}';
const HOOK: char = '\u{309}';
const HORN: char = '\u{31B}';
const DOT: char = '\u{323}';

/// The marks a byte after a vowel draws: an optional vowel modifier (circumflex or breve) and
/// an optional tone. Takes the lowercase form of the byte.
fn marks(lower: u8) -> Option<(Option<char>, Option<char>)> {
    let circumflex = Some(CIRCUMFLEX);
    let breve = Some(BREVE);
    Some(match lower {
        0xF9 => (None, Some(ACUTE)),       // ù
        0xF8 => (None, Some(GRAVE)),       // ø
        0xFB => (None, Some(HOOK)),        // û
        0xF5 => (None, Some(TILDE)),       // õ
        0xEF => (None, Some(DOT)),         // ï
        0xE2 => (circumflex, None),        // â
        0xE1 => (circumflex, Some(ACUTE)), // á
        0xE0 => (circumflex, Some(GRAVE)), // à
        0xE5 => (circumflex, Some(HOOK)),  // å
        0xE3 => (circumflex, Some(TILDE)), // ã
        0xE4 => (circumflex, Some(DOT)),   // ä
        0xEA => (breve, None),             // ê
        0xE9 => (breve, Some(ACUTE)),      // é
        0xE8 => (breve, Some(GRAVE)),      // è
        0xFA => (breve, Some(HOOK)),       // ú
        0xFC => (breve, Some(TILDE)),      // ü
        0xEB => (breve, Some(DOT)),        // ë
        _ => return None,
    })
}

/// The marks drawn by the byte at the start of `rest`, if it is a mark byte.
fn next_marks(rest: &[u8]) -> Option<(Option<char>, Option<char>)> {
    rest.first().and_then(|&b| marks(lower_byte(b)))
}

/// Bytes that are a whole letter: base, combining mark. Takes the lowercase form of the byte.
fn standalone(lower: u8) -> Option<(char, Option<char>)> {
    Some(match lower {
        0xF1 => ('đ', None),        // ñ
        0xF4 => ('o', Some(HORN)),  // ô
        0xF6 => ('u', Some(HORN)),  // ö
        0xED => ('i', Some(ACUTE)), // í
        0xEC => ('i', Some(GRAVE)), // ì
        0xE6 => ('i', Some(HOOK)),  // æ
        0xF3 => ('i', Some(TILDE)), // ó
        0xF2 => ('i', Some(DOT)),   // ò
        0xEE => ('y', Some(DOT)),   // î
        _ => return None,
    })
}

/// The lowercase form of a Latin-1 capital byte (0xC0..=0xDE); other bytes unchanged.
fn lower_byte(b: u8) -> u8 {
    if (0xC0..=0xDE).contains(&b) {
        b | 0x20
    } else {
        b
    }
}

/// What a byte is on its own: ASCII, or the Windows-1252 character the VNI font is built on.
fn plain(b: u8) -> char {
    match b {
        0x80..=0x9F => CP1252_80_9F[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Decodes VNI-Windows bytes to NFC text.
pub(super) fn decode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 4);
    let mut rest = bytes;
    while let Some((&b, tail)) = rest.split_first() {
        rest = tail;
        if b"aeiouyAEIOUY".contains(&b) {
            out.push(char::from(b));
            if let Some((modifier, tone)) = next_marks(rest) {
                let fits = match modifier {
                    Some(CIRCUMFLEX) => b"aeoAEO".contains(&b),
                    Some(_) => b"aA".contains(&b),
                    None => true,
                };
                if fits {
                    out.extend(modifier.into_iter().chain(tone));
                    rest = &rest[1..];
                }
            }
        } else if let Some((base, mark)) = standalone(lower_byte(b)) {
            if b == lower_byte(b) {
                out.push(base);
            } else {
                out.extend(base.to_uppercase());
            }
            out.extend(mark);
            // ơ and ư carry their tone in a second byte.
            if mark == Some(HORN) {
                if let Some((None, tone)) = next_marks(rest) {
                    out.extend(tone);
                    rest = &rest[1..];
                }
            }
        } else {
            out.push(plain(b));
        }
    }
    out.nfc().collect()
}

/// Encodes NFC text as VNI-Windows: the inverse of [`decode`] for Vietnamese letters and ASCII,
/// `?` for anything else. Only tests need it.
#[cfg(test)]
pub(super) fn encode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c as u8);
            continue;
        }
        let mut parts = c.nfd();
        let base = parts.next().unwrap_or('?');
        let (mut modifier, mut tone) = (None, None);
        for mark in parts {
            match mark {
                CIRCUMFLEX | BREVE | HORN => modifier = Some(mark),
                _ => tone = Some(mark),
            }
        }
        // Capital letters take the capital form of the mark bytes, 0x20 lower.
        let case = |byte: u8| {
            if base.is_uppercase() {
                byte - 0x20
            } else {
                byte
            }
        };
        let lower = base.to_ascii_lowercase();
        let tone_byte = |tone| match tone {
            Some(ACUTE) => Some(0xF9),
            Some(GRAVE) => Some(0xF8),
            Some(HOOK) => Some(0xFB),
            Some(TILDE) => Some(0xF5),
            Some(DOT) => Some(0xEF),
            _ => None,
        };
        let standalone_i = match (lower, tone) {
            ('i', Some(ACUTE)) => Some(0xED),
            ('i', Some(GRAVE)) => Some(0xEC),
            ('i', Some(HOOK)) => Some(0xE6),
            ('i', Some(TILDE)) => Some(0xF3),
            ('i', Some(DOT)) => Some(0xF2),
            ('y', Some(DOT)) => Some(0xEE),
            _ => None,
        };
        if lower == 'đ' || base == 'Đ' {
            out.push(case(0xF1));
        } else if let Some(byte) = standalone_i {
            out.push(case(byte));
        } else if modifier == Some(HORN) {
            out.push(case(if lower == 'o' { 0xF4 } else { 0xF6 }));
            out.extend(tone_byte(tone).map(case));
        } else if !base.is_ascii() {
            out.push(b'?');
        } else {
            out.push(base as u8);
            let byte = match (modifier, tone) {
                (Some(CIRCUMFLEX), None) => Some(0xE2),
                (Some(CIRCUMFLEX), Some(ACUTE)) => Some(0xE1),
                (Some(CIRCUMFLEX), Some(GRAVE)) => Some(0xE0),
                (Some(CIRCUMFLEX), Some(HOOK)) => Some(0xE5),
                (Some(CIRCUMFLEX), Some(TILDE)) => Some(0xE3),
                (Some(CIRCUMFLEX), Some(DOT)) => Some(0xE4),
                (Some(BREVE), None) => Some(0xEA),
                (Some(BREVE), Some(ACUTE)) => Some(0xE9),
                (Some(BREVE), Some(GRAVE)) => Some(0xE8),
                (Some(BREVE), Some(HOOK)) => Some(0xFA),
                (Some(BREVE), Some(TILDE)) => Some(0xFC),
                (Some(BREVE), Some(DOT)) => Some(0xEB),
                (_, tone) => tone_byte(tone),
            };
            out.extend(byte.map(case));
        }
    }
    out
}
