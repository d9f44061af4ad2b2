//! Tests of the decoder. Fixtures under `tests/fixtures/encodings/` were made with iconv from the
//! `*.utf8.txt` originals (see the README there).

use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

use super::score::{is_vietnamese_syllable, Score};
use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("../../../tests/fixtures/encodings/", $name)).as_slice()
    };
}

const SENTENCES: &str = include_str!("../../../tests/fixtures/encodings/sentences.utf8.txt");
const LETTERS: &str = include_str!("../../../tests/fixtures/encodings/letters.utf8.txt");
const WESTERN: &str = include_str!("../../../tests/fixtures/encodings/western.utf8.txt");

/// The bytes of a string written as Latin-1 characters, the way legacy Vietnamese text looks in
/// a Western viewer (and how published tables print it).
fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 character"))
        .collect()
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

#[test]
fn letters_fixture_holds_all_134_precomposed_letters() {
    let letters: Vec<char> = LETTERS.chars().filter(|c| !c.is_ascii()).collect();
    assert_eq!(letters.len(), 134);
    assert_eq!(LETTERS, nfc(LETTERS));
}

#[test]
fn every_letter_round_trips_through_each_legacy_encoding() {
    let vni = vni::encode(LETTERS);
    let cases: [(&[u8], SourceEncoding); 4] = [
        (fixture!("letters.tcvn3.txt"), SourceEncoding::Tcvn3),
        (fixture!("letters.viscii.txt"), SourceEncoding::Viscii),
        (fixture!("letters.cp1258.txt"), SourceEncoding::Windows1258),
        (&vni, SourceEncoding::Vni),
    ];
    for (bytes, encoding) in cases {
        assert_eq!(decode_with(bytes, encoding), LETTERS, "{encoding:?}");
    }
}

#[test]
fn single_byte_tables_agree_with_iconv_in_both_directions() {
    // Encoding the letters with the inverse of our table must give iconv's bytes: catches a
    // letter present twice in a table, which decoding alone would not.
    let cases = [
        (&tables::TCVN3, fixture!("letters.tcvn3.txt")),
        (&tables::VISCII, fixture!("letters.viscii.txt")),
    ];
    for (table, iconv) in cases {
        let encoded: Vec<u8> = LETTERS
            .chars()
            .map(|c| {
                let byte = table.iter().position(|&t| t == c).expect("letter in table");
                u8::try_from(byte).unwrap()
            })
            .collect();
        assert_eq!(encoded, iconv);
    }
}

#[test]
fn tcvn3_matches_published_strings() {
    // The classic TCVN3 (ABC) look of Vietnamese in a Latin-1 viewer; the last two are from
    // the test data of github.com/duydev/vietnamese-conversion (tests/helpers/test-data.ts).
    let cases = [
        (
            "Céng hoµ x· héi chñ nghÜa ViÖt Nam",
            "Cộng hoà xã hội chủ nghĩa Việt Nam",
        ),
        ("Xin chµo c¸c b¹n", "Xin chào các bạn"),
        ("T«i ®i häc", "Tôi đi học"),
    ];
    for (tcvn3, expected) in cases {
        assert_eq!(decode_with(&latin1(tcvn3), SourceEncoding::Tcvn3), expected);
    }
}

/// The VNI-Windows table as published in xvnkb (github.com/lamdao/xvnkb, `vni.h`, Dao Hai Lam
/// 2002), row by row, with the letters each row stands for.
const VNI_REFERENCE: [(&str, &str); 26] = [
    ("A AÙ AØ AÛ AÕ AÏ", "A Á À Ả Ã Ạ"),
    ("AÂ AÁ AÀ AÅ AÃ AÄ", "Â Ấ Ầ Ẩ Ẫ Ậ"),
    ("AÊ AÉ AÈ AÚ AÜ AË", "Ă Ắ Ằ Ẳ Ẵ Ặ"),
    ("E EÙ EØ EÛ EÕ EÏ", "E É È Ẻ Ẽ Ẹ"),
    ("EÂ EÁ EÀ EÅ EÃ EÄ", "Ê Ế Ề Ể Ễ Ệ"),
    ("O OÙ OØ OÛ OÕ OÏ", "O Ó Ò Ỏ Õ Ọ"),
    ("OÂ OÁ OÀ OÅ OÃ OÄ", "Ô Ố Ồ Ổ Ỗ Ộ"),
    ("Ô ÔÙ ÔØ ÔÛ ÔÕ ÔÏ", "Ơ Ớ Ờ Ở Ỡ Ợ"),
    ("U UÙ UØ UÛ UÕ UÏ", "U Ú Ù Ủ Ũ Ụ"),
    ("Ö ÖÙ ÖØ ÖÛ ÖÕ ÖÏ", "Ư Ứ Ừ Ử Ữ Ự"),
    ("I Í Ì Æ Ó Ò", "I Í Ì Ỉ Ĩ Ị"),
    ("Y YÙ YØ YÛ YÕ Î", "Y Ý Ỳ Ỷ Ỹ Ỵ"),
    ("Ñ", "Đ"),
    ("a aù aø aû aõ aï", "a á à ả ã ạ"),
    ("aâ aá aà aå aã aä", "â ấ ầ ẩ ẫ ậ"),
    ("aê aé aè aú aü aë", "ă ắ ằ ẳ ẵ ặ"),
    ("e eù eø eû eõ eï", "e é è ẻ ẽ ẹ"),
    ("eâ eá eà eå eã eä", "ê ế ề ể ễ ệ"),
    ("o où oø oû oõ oï", "o ó ò ỏ õ ọ"),
    ("oâ oá oà oå oã oä", "ô ố ồ ổ ỗ ộ"),
    ("ô ôù ôø ôû ôõ ôï", "ơ ớ ờ ở ỡ ợ"),
    ("u uù uø uû uõ uï", "u ú ù ủ ũ ụ"),
    ("ö öù öø öû öõ öï", "ư ứ ừ ử ữ ự"),
    ("i í ì æ ó ò", "i í ì ỉ ĩ ị"),
    ("y yù yø yû yõ î", "y ý ỳ ỷ ỹ ỵ"),
    ("ñ", "đ"),
];

#[test]
fn vni_matches_the_published_table() {
    for (vni, expected) in VNI_REFERENCE {
        assert_eq!(decode_with(&latin1(vni), SourceEncoding::Vni), expected);
        // Our encoder is the exact inverse of that table.
        assert_eq!(vni::encode(expected), latin1(vni), "{expected}");
    }
}

#[test]
fn vni_matches_published_strings() {
    // From the test data of github.com/duydev/vietnamese-conversion (tests/helpers/test-data.ts
    // and README), plus the classic "ñöôïc" for "được" (ư and ơ each one byte, tone after).
    let cases = [
        ("Xin chaøo caùc baïn", "Xin chào các bạn"),
        ("Toâi ñi hoïc", "Tôi đi học"),
        ("ñöôïc ngöôøi", "được người"),
        (
            "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam",
            "Cộng hòa xã hội chủ nghĩa Việt Nam",
        ),
    ];
    for (vni, expected) in cases {
        assert_eq!(decode_with(&latin1(vni), SourceEncoding::Vni), expected);
        assert_eq!(decode(&latin1(vni)).unwrap().encoding, SourceEncoding::Vni);
    }
}

#[test]
fn vni_keeps_marks_that_fit_no_letter_as_windows_1252() {
    let cases = [
        // A breve only goes on a; after e the byte is just "ê".
        ("eê", "eê"),
        // A mark byte after a consonant is its Western character.
        ("bù", "bù"),
        ("\u{80}", "€"),
    ];
    for (vni, expected) in cases {
        assert_eq!(decode_with(&latin1(vni), SourceEncoding::Vni), expected);
    }
}

#[test]
fn detection_picks_the_encoding_of_each_fixture() {
    let vni = vni::encode(SENTENCES);
    let cases: [(&[u8], SourceEncoding, &str); 8] = [
        (
            fixture!("sentences.utf8.txt"),
            SourceEncoding::Utf8,
            SENTENCES,
        ),
        (
            fixture!("sentences.utf8bom.txt"),
            SourceEncoding::Utf8,
            SENTENCES,
        ),
        (
            fixture!("sentences.utf16le.txt"),
            SourceEncoding::Utf16Le,
            SENTENCES,
        ),
        (
            fixture!("sentences.utf16be.txt"),
            SourceEncoding::Utf16Be,
            SENTENCES,
        ),
        (
            fixture!("sentences.tcvn3.txt"),
            SourceEncoding::Tcvn3,
            SENTENCES,
        ),
        (
            fixture!("sentences.viscii.txt"),
            SourceEncoding::Viscii,
            SENTENCES,
        ),
        (
            fixture!("sentences.cp1258.txt"),
            SourceEncoding::Windows1258,
            SENTENCES,
        ),
        (&vni, SourceEncoding::Vni, SENTENCES),
    ];
    for (bytes, encoding, expected) in cases {
        let decoded = decode(bytes).unwrap();
        assert_eq!(decoded.encoding, encoding);
        assert_eq!(decoded.text, nfc(expected), "{encoding:?}");
    }
}

#[test]
fn detection_works_line_by_line() {
    // Short inputs carry little evidence; each line of the fixture must still be recognised.
    for line in SENTENCES.lines().filter(|line| !line.is_ascii()) {
        let encoded: [(Vec<u8>, SourceEncoding); 3] = [
            (vni::encode(line), SourceEncoding::Vni),
            (encode_with(&tables::TCVN3, line), SourceEncoding::Tcvn3),
            (encode_with(&tables::VISCII, line), SourceEncoding::Viscii),
        ];
        for (bytes, encoding) in encoded {
            let decoded = decode(&bytes).unwrap();
            assert_eq!((decoded.encoding, decoded.text.as_str()), (encoding, line));
        }
    }
}

#[test]
fn short_viscii_lines_are_not_read_as_tcvn3() {
    // Regression: in a short line both tables can make well-formed syllables, and TCVN3, tried
    // first, won every tie ("Giá vàng" came out "Giỏ vỔng"). Still read as TCVN3: a line of
    // rare syllables that both tables make, such as "Phở bò" ("Phã bũ").
    for line in [
        "Hà Nội",
        "Giá vàng hôm nay tăng mạnh",
        "Bản tin thời sự buổi sáng",
        "Mua bán trẻ em có thể phạt mức tù chung thân.",
    ] {
        for (table, encoding) in [
            (&tables::VISCII, SourceEncoding::Viscii),
            (&tables::TCVN3, SourceEncoding::Tcvn3),
        ] {
            let decoded = decode(&encode_with(table, line)).unwrap();
            assert_eq!((decoded.encoding, decoded.text.as_str()), (encoding, line));
        }
    }
}

fn encode_with(table: &[char; 256], text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(table.iter().position(|&t| t == c).unwrap()).unwrap())
        .collect()
}

#[test]
fn western_text_is_windows_1252() {
    let decoded = decode(fixture!("western.cp1252.txt")).unwrap();
    assert_eq!(decoded.encoding, SourceEncoding::Windows1252);
    assert_eq!(decoded.text, WESTERN);
    let short = decode(&latin1("café naïve résumé")).unwrap();
    assert_eq!(short.encoding, SourceEncoding::Windows1252);
    assert_eq!(short.text, "café naïve résumé");
}

#[test]
fn damaged_utf8_is_decoded_lossily() {
    let cases: [&[u8]; 3] = [
        // Truncated in the middle of "ệ".
        b"Vi\xE1\xBB",
        // A Vietnamese UTF-8 text with one stray byte.
        b"Ti\xE1\xBA\xBFng Vi\xE1\xBB\x87t \xFF c\xC3\xB3 d\xE1\xBA\xA5u",
        // Not text in any encoding.
        b"\xC3\x28\xA0\xA1\x81\x8D",
    ];
    for bytes in cases {
        let decoded = decode(bytes).unwrap();
        assert_eq!(decoded.encoding, SourceEncoding::Utf8Lossy, "{bytes:?}");
        assert_eq!(decoded.text, String::from_utf8_lossy(bytes));
    }
}

#[test]
fn valid_utf8_is_returned_as_is() {
    // Decomposed text stays decomposed: offsets are the file's.
    let nfd = "Vie\u{302}\u{323}t Nam";
    let decoded = decode(nfd.as_bytes()).unwrap();
    assert_eq!(
        (decoded.encoding, decoded.text.as_str()),
        (SourceEncoding::Utf8, nfd)
    );
}

#[test]
fn byte_order_marks_and_empty_input() {
    let cases: [(&[u8], SourceEncoding, &str); 6] = [
        (b"", SourceEncoding::Utf8, ""),
        (b"\xEF\xBB\xBF", SourceEncoding::Utf8, ""),
        (b"\xEF\xBB\xBFx\xC3\xA0", SourceEncoding::Utf8, "xà"),
        (b"\xFF\xFEa\x00\xA1\x1E", SourceEncoding::Utf16Le, "aạ"),
        (b"\xFE\xFF\x00a\x1E\xA1", SourceEncoding::Utf16Be, "aạ"),
        (b"\xFF\xFE", SourceEncoding::Utf16Le, ""),
    ];
    for (bytes, encoding, text) in cases {
        let decoded = decode(bytes).unwrap();
        assert_eq!((decoded.encoding, decoded.text.as_str()), (encoding, text));
    }
}

#[test]
fn utf16_without_byte_order_mark_when_plain() {
    let le: Vec<u8> = "Việt Nam, hello"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let be: Vec<u8> = "Việt Nam, hello"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    assert_eq!(decode(&le).unwrap().encoding, SourceEncoding::Utf16Le);
    assert_eq!(decode(&be).unwrap().text, "Việt Nam, hello");
}

#[test]
fn binary_detection() {
    let png: &[u8] = b"\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR\x00\x00\x01\x00";
    let escapes = b"\x1B[1m\x1B[31m\x03\x07\x08\x10\x18\x1A".repeat(20);
    let binary: [&[u8]; 5] = [
        b"text\x00more text",
        png,
        &escapes,
        // UTF-16 with a NUL character in it.
        b"\xFF\xFEa\x00\x00\x00",
        // NUL pairs: not UTF-16 without a byte-order mark.
        b"ab\x00\x00cd\x00\x00",
    ];
    for bytes in binary {
        assert!(looks_binary(bytes), "{bytes:?}");
        assert!(matches!(decode(bytes), Err(Error::Binary)), "{bytes:?}");
    }
    let text: [&[u8]; 6] = [
        fixture!("sentences.tcvn3.txt"),
        fixture!("sentences.viscii.txt"),
        fixture!("letters.tcvn3.txt"),
        fixture!("letters.viscii.txt"),
        fixture!("western.cp1252.txt"),
        b"col1\tcol2\r\n\x0Cnext page\n",
    ];
    for bytes in text {
        assert!(!looks_binary(bytes), "{bytes:?}");
    }
}

#[test]
fn control_byte_letters_are_plentiful_in_the_fixtures() {
    // Guards the binary test above: the fixtures must really hold letters in C0 positions.
    for bytes in [
        fixture!("sentences.tcvn3.txt"),
        fixture!("sentences.viscii.txt"),
    ] {
        let controls = bytes.iter().filter(|&&b| b < 0x20 && b != b'\n').count();
        assert!(controls >= 5, "{controls}");
    }
}

#[test]
fn syllables() {
    let cases = [
        ("Việt", true),
        ("ĐƯỜNG", true),
        ("gì", true),
        ("giường", true),
        ("khuỷu", true),
        ("quốc", true),
        ("ỵ", true),
        ("tân", true),
        ("thuở", true),
        // Two tone marks, a tone on a consonant, mojibake, a stop coda with a falling tone.
        ("Vie\u{301}\u{323}t", false),
        ("m\u{301}", false),
        ("héi", false),
        ("ViÖt", false),
        ("hoµ", false),
        ("Vieọt", false),
        ("Việc\u{300}", false),
        ("tàt", false),
        ("tâ", false),
        ("café", false),
        // A capital inside a word is what a wrong table makes ("vàng" in VISCII as TCVN3).
        ("vỔng", false),
        ("PhƠn", false),
        ("vÀNG", false),
        ("Vàng", true),
        ("VÀNG", true),
    ];
    for (word, expected) in cases {
        assert_eq!(is_vietnamese_syllable(word), expected, "{word}");
    }
}

#[test]
fn scores() {
    let vietnamese = Score::of("Cộng hoà xã hội, ok");
    assert_eq!((vietnamese.words, vietnamese.vietnamese), (4, 4));
    assert!(vietnamese.vietnamese_rank() > 0);
    let mojibake = Score::of("Céng hoµ x· héi");
    assert!(mojibake.vietnamese_rank() < 0);
    // One-letter words are no evidence: any byte is some vowel in some table.
    let singles = Score::of("Ọ ỎquotedÕ Ộ Ặ");
    assert_eq!((singles.single, singles.vietnamese), (3, 0));
    assert!(singles.vietnamese_rank() < 0);
    assert!(Score::of("crème brûlée, déjà vu").is_western());
    // Common syllables tell apart two readings made of syllables alike.
    assert_eq!(Score::of("Mua bán trẻ em có thể").common_syllables(), 4);
    assert_eq!(Score::of("Mua bỏn trở em cú thơ").common_syllables(), 1);
    assert!(!Score::of("ÃÂ©ÃÂ¨ \u{81}").is_western());
}

#[test]
fn names() {
    assert_eq!(SourceEncoding::Utf8.name(), "UTF-8");
    assert_eq!(SourceEncoding::Tcvn3.name(), "TCVN3");
    assert_eq!(SourceEncoding::Vni.name(), "VNI-Windows");
}

proptest! {
    #[test]
    fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        match decode(&bytes) {
            Ok(decoded) => {
                prop_assert!(!decoded.text.contains('\0'));
                prop_assert!(!looks_binary(&bytes));
            }
            Err(Error::Binary) => prop_assert!(looks_binary(&bytes)),
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }

    #[test]
    fn legacy_bytes_never_panic(bytes in proptest::collection::vec(0x20u8..=0xFF, 0..256)) {
        // Mostly high bytes: exercises every legacy decoder and the scorer.
        let decoded = decode(&bytes).unwrap();
        prop_assert!(!decoded.text.contains('\0'));
    }
}
