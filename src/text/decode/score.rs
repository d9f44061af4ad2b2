//! How plausible a candidate decoding is, as Vietnamese and as Western text.
//!
//! Every legacy encoding maps every byte to something, so detection decodes the bytes with each
//! candidate and looks at the result. A wrong Vietnamese table turns words into letter salad
//! ("Céng hoµ" for "Cộng hoà", "Vieọt" for "Việt"), so the test is whether the words that are
//! not plain ASCII are well-formed Vietnamese syllables. ASCII words decode the same in every
//! candidate and are not counted; neither are one-letter words, which any table turns into some
//! vowel ("ộ", "Ặ") whatever the bytes meant.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Counts over a candidate decoding.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Score {
    /// Words with a non-ASCII character.
    pub words: usize,
    /// Of those, the one-letter words.
    pub single: usize,
    /// Of the longer ones, well-formed Vietnamese syllables.
    pub vietnamese: usize,
    /// Of those, the ones among the [`COMMON_SYLLABLES`] of Vietnamese text.
    pub common: usize,
    /// Of all, plausible Western words (Latin letters, mostly ASCII).
    pub western: usize,
    /// Characters outside words that text rarely contains: controls, U+FFFD, Latin-1 symbols
    /// (`µ ¶ ¸ ¹ ...`, what legacy letters look like through the wrong table), box drawing.
    pub odd: usize,
    /// Of those, the ones no text contains: controls and U+FFFD.
    pub broken: usize,
}

impl Score {
    /// Scores `text`.
    pub fn of(text: &str) -> Score {
        let mut score = Score::default();
        let mut word_start = None;
        for (i, c) in text.char_indices() {
            if c.is_alphabetic() || is_combining_mark(c) {
                word_start.get_or_insert(i);
                continue;
            }
            if let Some(start) = word_start.take() {
                score.add_word(&text[start..i]);
            }
            if is_broken(c) {
                score.broken += 1;
                score.odd += 1;
            } else if is_odd_symbol(c) {
                score.odd += 1;
            }
        }
        if let Some(start) = word_start {
            score.add_word(&text[start..]);
        }
        score
    }

    fn add_word(&mut self, word: &str) {
        if word.is_ascii() {
            return;
        }
        self.words += 1;
        self.western += usize::from(is_western_word(word));
        if word.chars().nth(1).is_none() {
            self.single += 1;
        } else if is_vietnamese_syllable(word) {
            self.vietnamese += 1;
            let lower = word.to_lowercase();
            self.common += usize::from(COMMON_SYLLABLES.binary_search(&lower.as_str()).is_ok());
        }
    }

    /// How well the text reads as Vietnamese: syllables minus twice everything implausible.
    /// Positive only when the Vietnamese words clearly outnumber the rest: through the wrong
    /// table a few words still come out as syllables ("nóo", "Sóo" from Portuguese "não, São").
    pub fn vietnamese_rank(&self) -> isize {
        let bad = self.words - self.single - self.vietnamese + self.odd;
        self.vietnamese as isize - 2 * bad as isize
    }

    /// What decides between two decodings that read equally well as Vietnamese
    /// ([`Score::vietnamese_rank`]): how many of their syllables are common ones. In a short
    /// line every reading may be made of well-formed syllables (VISCII's "bán trẻ có thể"
    /// read as TCVN3 is "bỏn trở cú thơ"), but the right one is made of everyday words.
    pub fn common_syllables(&self) -> usize {
        self.common
    }

    /// Whether the text reads as Western (Windows-1252) text: nothing broken, and at least half
    /// of the non-ASCII words plausible.
    pub fn is_western(&self) -> bool {
        self.broken == 0 && self.western * 2 >= self.words
    }
}

/// Characters no text contains: controls other than whitespace (the C1 ones are what the
/// undefined Windows-125x bytes decode to), and the replacement character.
fn is_broken(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C')) || c == '\u{FFFD}'
}

/// Symbols that show up when legacy letters are read through the wrong table.
fn is_odd_symbol(c: char) -> bool {
    matches!(c,
        '\u{A1}'..='\u{BF}' | '×' | '÷' | '†' | '‡' | '‰' | '‹' | '›' | '\u{2500}'..='\u{259F}')
}

/// Latin letters of Western European languages: ASCII, Latin-1, Latin Extended-A/B.
fn is_western_word(word: &str) -> bool {
    let mut ascii = 0;
    let mut other = 0;
    for c in word.chars() {
        match c {
            'a'..='z' | 'A'..='Z' => ascii += 1,
            '×' | '÷' => return false,
            '\u{C0}'..='\u{24F}' => other += 1,
            _ => return false,
        }
    }
    // "à" is a French word; "ÃÂ" is mojibake.
    other <= ascii || ascii + other == 1
}

/// The 300 commonest syllables with a letter outside ASCII in Vietnamese news (counted over the
/// 45,286 VietNews articles, lower case, NFC; two thirds of such words there), sorted by their
/// bytes for a binary search.
#[rustfmt::skip]
const COMMON_SYLLABLES: [&str; 300] = [
    "biết", "biển", "biểu", "bà", "bán", "báo", "bên", "bình", "bản", "bảo", "bất", "bắc", "bắt",
    "bằng", "bệnh", "bị", "bố", "bộ", "chiến", "chuyển", "chính", "chúng", "chưa", "chất", "chế",
    "chỉ", "chủ", "chức", "cuộc", "các", "cách", "cáo", "còn", "có", "cô", "công", "cùng", "cũng",
    "cơ", "cả", "cảnh", "cấp", "cần", "cầu", "của", "cứu", "diễn", "diện", "dân", "dẫn", "dịch",
    "dụng", "dự", "dựng", "giá", "giám", "giáo", "giải", "giới", "giữ", "giữa", "gây", "gần",
    "hiện", "hiệu", "hoà", "hoàn", "hoàng", "hoá", "hoạt", "huyện", "hà", "hàng", "hành", "hình",
    "hôm", "hơn", "hải", "hệ", "họ", "học", "hộ", "hội", "hợp", "khiến", "khoảng", "khác", "khách",
    "không", "kiến", "kiểm", "kết", "kỳ", "liên", "luận", "luật", "là", "làm", "lãnh", "lên", "lý",
    "lượng", "lại", "lần", "lập", "lớn", "lời", "lửa", "lực", "mà", "máy", "mình", "mạng", "mạnh",
    "mặt", "một", "mới", "mỹ", "nghiệp", "nghệ", "nghị", "ngoài", "ngoại", "nguyên", "nguyễn",
    "ngày", "người", "nhiên", "nhiều", "nhiệm", "nhà", "nhân", "như", "nhưng", "nhất", "nhận",
    "những", "nào", "này", "nên", "nói", "năm", "năng", "nước", "nạn", "nếu", "nội", "pháp",
    "phát", "phòng", "phó", "phương", "phạm", "phải", "phần", "phố", "phủ", "quyết", "quyền",
    "quá", "quân", "quả", "quản", "quốc", "rất", "rằng", "sách", "sáng", "sát", "sĩ", "sản", "sẽ",
    "số", "sở", "sử", "sự", "thành", "thái", "tháng", "thêm", "thì", "thông", "thương", "thường",
    "thấy", "thế", "thể", "thị", "thống", "thời", "thủ", "thứ", "thức", "thực", "tiên", "tiêu",
    "tiến", "tiếp", "tiền", "toàn", "triều", "triển", "triệu", "trên", "trình", "trước", "trường",
    "trưởng", "trẻ", "trị", "trọng", "trở", "tuổi", "tài", "tàu", "tác", "tâm", "tên", "tìm",
    "tình", "tích", "tính", "tôi", "tăng", "tư", "tướng", "tượng", "tại", "tạo", "tấn", "tập",
    "tế", "tỉnh", "tịch", "tổ", "tổng", "tới", "tục", "từ", "tử", "tự", "viên", "việc", "viện",
    "việt", "và", "vào", "vì", "văn", "vũ", "vấn", "vẫn", "về", "vị", "với", "vụ", "vừa", "vực",
    "xuất", "xác", "xây", "xã", "xử", "yêu", "án", "ông", "ý", "đang", "đi", "điều", "điểm",
    "điện", "đoàn", "đánh", "đây", "đã", "đình", "đó", "đông", "đơn", "đưa", "đường", "được",
    "đại", "đạo", "đất", "đầu", "đến", "đề", "để", "địa", "định", "đối", "đồng", "đổi", "độ",
    "đội", "động", "ảnh", "ở",
];

const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

/// Initial consonants. Every one the word starts with is tried: "gi" is the onset of "giờ" but
/// "gì" is g + i.
const ONSETS: [&str; 27] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
];

/// Vowel nuclei that may end the syllable or be followed by a final consonant.
const NUCLEI_ANY: [&str; 15] = [
    "a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uê", "uy", "uơ",
];

/// Vowel nuclei that must be followed by a final consonant ("tân", never "tâ").
const NUCLEI_CLOSED: [&str; 10] = ["ă", "â", "iê", "yê", "uô", "ươ", "oă", "uâ", "uyê", "oo"];

/// Vowel nuclei that end the syllable (they end in a glide, or are ia/ua/ưa).
const NUCLEI_OPEN: [&str; 31] = [
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui", "ưa",
    "ưi", "ưu", "ya", "iêu", "yêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uya",
    "uyu",
];

const CODAS: [&str; 9] = ["c", "ch", "m", "n", "ng", "nh", "p", "t", ""];

/// Whether `word` is one well-formed Vietnamese syllable, in lower case, capitalised or in
/// capitals: Vietnamese letters only, at most one tone mark and on a vowel, and an onset +
/// nucleus + coda shape. Loose on purpose (it accepts some non-words); it only has to tell
/// Vietnamese from mojibake.
pub(super) fn is_vietnamese_syllable(word: &str) -> bool {
    // Written in lower case, capitalised or in capitals: through the wrong table a capital
    // often lands inside a word (VISCII's "vàng" read as TCVN3 is "vỔng").
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let first_lower = letters.next().is_some_and(char::is_lowercase);
    if letters.clone().any(char::is_uppercase) && (first_lower || letters.any(char::is_lowercase)) {
        return false;
    }
    let mut tone = None;
    let mut toneless = String::with_capacity(word.len());
    let mut after_vowel = false;
    for c in word.nfd() {
        if TONES.contains(&c) {
            if tone.is_some() || !after_vowel {
                return false;
            }
            tone = Some(c);
        } else if is_combining_mark(c) {
            // Circumflex, breve or horn: whether it fits its letter is checked after NFC.
            toneless.push(c);
        } else {
            let c = match c {
                'Đ' => 'đ',
                c => c.to_ascii_lowercase(),
            };
            after_vowel = matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
            toneless.push(c);
        }
    }
    let syllable: String = toneless.nfc().collect();
    let letters_ok = syllable.chars().all(|c| {
        matches!(c, 'a'..='z' | 'ă' | 'â' | 'đ' | 'ê' | 'ô' | 'ơ' | 'ư')
            && !matches!(c, 'f' | 'j' | 'w' | 'z')
    });
    letters_ok
        && ONSETS
            .iter()
            .chain(std::iter::once(&""))
            .filter_map(|onset| syllable.strip_prefix(onset))
            .any(|rime| is_rime(rime, tone))
}

/// Whether `rime` is a nucleus and a final consonant that go together, with `tone`.
fn is_rime(rime: &str, tone: Option<char>) -> bool {
    let vowels = rime
        .char_indices()
        .find(|&(_, c)| !"aăâeêioôơuưy".contains(c))
        .map_or(rime.len(), |(i, _)| i);
    let (nucleus, coda) = rime.split_at(vowels);
    if !CODAS.contains(&coda) {
        return false;
    }
    // Syllables closed by a stop take only the rising or the heavy tone.
    if matches!(coda, "c" | "ch" | "p" | "t") && !matches!(tone, Some('\u{301}' | '\u{323}')) {
        return false;
    }
    NUCLEI_ANY.contains(&nucleus)
        || if coda.is_empty() {
            NUCLEI_OPEN.contains(&nucleus)
        } else {
            NUCLEI_CLOSED.contains(&nucleus)
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_syllables_are_sorted_lower_case_syllables() {
        assert!(COMMON_SYLLABLES.windows(2).all(|w| w[0] < w[1]));
        for syllable in COMMON_SYLLABLES {
            assert!(is_vietnamese_syllable(syllable), "{syllable}");
            assert_eq!(syllable.to_lowercase(), syllable);
        }
    }
}
