//! Ranking regressions through the library API: accent-exact matches first, and accents
//! restored from the index's own statistics for queries typed without diacritics.

use std::path::Path;

use timkiem::{index_directory, IndexOptions, NoProgress, SearchOptions, Searcher};

/// Indexes `files` (name, text) in a temp corpus and opens a searcher on it.
fn searcher_over(files: &[(&str, &str)]) -> (tempfile::TempDir, Searcher) {
    let corpus = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(corpus.path().join(name), text).unwrap();
    }
    let index_dir = corpus.path().join(".tim");
    index_directory(
        corpus.path(),
        &index_dir,
        &IndexOptions::default(),
        &mut NoProgress,
    )
    .unwrap();
    let searcher = Searcher::open(&index_dir).unwrap();
    (corpus, searcher)
}

fn first_path(searcher: &Searcher, query: &str) -> String {
    let hits = searcher.search(query, 10).unwrap();
    assert!(!hits.is_empty(), "{query:?} found nothing");
    hits[0].path.clone()
}

fn open_index(dir: &Path) -> Searcher {
    Searcher::open(&dir.join(".tim")).unwrap()
}

#[test]
fn accented_query_ranks_the_exact_homograph_first() {
    // Each folded homograph in its own file; the other files are as long and as relevant.
    let files = [
        ("ban.txt", "Cái bàn gỗ này đặt trong phòng khách nhà tôi."),
        (
            "ban_sale.txt",
            "Cái bán gỗ này đặt trong phòng khách nhà tôi.",
        ),
        (
            "ban_friend.txt",
            "Cái bạn gỗ này đặt trong phòng khách nhà tôi.",
        ),
        ("the_body.txt", "Rèn luyện thể chất mỗi ngày giúp sống lâu."),
        (
            "the_world.txt",
            "Rèn luyện thế chất mỗi ngày giúp sống lâu.",
        ),
        ("the_en.txt", "Rèn luyện the chất mỗi ngày giúp sống lâu."),
    ];
    let (_dir, searcher) = searcher_over(&files);
    assert_eq!(first_path(&searcher, "bàn"), "ban.txt");
    assert_eq!(first_path(&searcher, "bán"), "ban_sale.txt");
    assert_eq!(first_path(&searcher, "bạn"), "ban_friend.txt");
    assert_eq!(first_path(&searcher, "thể"), "the_body.txt");
    assert_eq!(first_path(&searcher, "thế"), "the_world.txt");
    // Every homograph still matches an accented query: the exact form only ranks first.
    assert_eq!(searcher.search("bàn", 10).unwrap().len(), 3);
}

/// The two standard spellings of a syllable with a lone `i`/`y` (`thế kỷ`/`thế kỉ`, `lý do`/
/// `lí do`, `Mỹ`/`Mĩ`) find each other; the spelling typed ranks first, and a query typed
/// without diacritics meets both.
#[test]
fn i_and_y_spellings_of_one_syllable_meet() {
    let files = [
        ("y.txt", "Vào thế kỷ 19, lý do chính là kỹ thuật mới từ Mỹ."),
        ("i.txt", "Vào thế kỉ 19, lí do chính là kĩ thuật mới từ Mĩ."),
        (
            "other.txt",
            "Vào năm ấy, nguyên nhân chính là máy móc mới từ Pháp.",
        ),
    ];
    let (_dir, searcher) = searcher_over(&files);
    // Each query word is only in the other file in its other spelling.
    for (query, first, second) in [
        ("kỷ", "y.txt", "i.txt"),
        ("kỉ", "i.txt", "y.txt"),
        ("lí", "i.txt", "y.txt"),
        ("Mỹ", "y.txt", "i.txt"),
        ("kĩ", "i.txt", "y.txt"),
    ] {
        let hits = searcher.search(query, 10).unwrap();
        let paths: Vec<&str> = hits.iter().map(|h| h.path.as_str()).collect();
        assert_eq!(paths, [first, second], "{query}");
    }
    let hits = searcher.search("the ky", 10).unwrap();
    assert_eq!(hits.len(), 2, "{hits:?}");
    let hit = hits.iter().find(|h| h.path == "y.txt").unwrap();
    let highlighted: Vec<&str> = hit
        .highlights
        .iter()
        .map(|&[s, e]| &hit.snippet[s..e])
        .collect();
    // Unaccented, `ky` is every spelling of the syllable: `kỷ` and `kỹ` (thuật).
    assert_eq!(highlighted, ["thế", "kỷ", "kỹ"]);
}

/// The other spelling of a lone `i`/`y` ranks right after the one typed, above the same
/// syllable with another tone (which it used to tie with, both meeting the query only in
/// `folded`).
#[test]
fn the_other_i_y_spelling_outranks_other_tones() {
    let files = [
        ("a_typed.txt", "Một kỷ lục mới được lập."),
        ("b_tone.txt", "Một kì lục mới được lập."),
        ("c_plain.txt", "Một ki lục mới được lập."),
        ("d_other.txt", "Một kỉ lục mới được lập."),
    ];
    let (_dir, searcher) = searcher_over(&files);
    let paths = |query: &str| -> Vec<String> {
        let hits = searcher.search(query, 10).unwrap();
        hits.into_iter().map(|h| h.path).collect()
    };
    assert_eq!(paths("kỷ")[..2], ["a_typed.txt", "d_other.txt"]);
    assert_eq!(paths("kỉ")[..2], ["d_other.txt", "a_typed.txt"]);
    assert_eq!(paths("kỷ").len(), 4);
}

/// Two syllables with a lone `y` written as one word (`congty`, a domain or a hashtag) and
/// written apart (`Công ty`) find each other, in both directions and in both spellings.
#[test]
fn syllables_with_a_lone_y_meet_when_written_together() {
    let files = [
        ("apart.txt", "Công ty Hoà Phát ra mắt ở đảo Lý Sơn."),
        ("together.txt", "Xem congty.vn và ảnh #lyson trên mạng."),
        ("other.txt", "Nhà máy thép mới ở Quảng Ngãi."),
    ];
    let (_dir, searcher) = searcher_over(&files);
    each_query_finds(
        &searcher,
        &[
            ("congty", "apart.txt"),
            ("lyson", "apart.txt"),
            ("công ty", "together.txt"),
            ("cong ti", "together.txt"),
            ("Lý Sơn", "together.txt"),
            ("lí sơn", "together.txt"),
        ],
    );
}

/// Asserts that each query finds its file, with highlights, and never `other.txt`.
fn each_query_finds(searcher: &Searcher, cases: &[(&str, &str)]) {
    for &(query, expected) in cases {
        let hits = searcher.search(query, 10).unwrap();
        let hit = hits.iter().find(|h| h.path == expected);
        assert!(hit.is_some(), "{query} should find {expected}: {hits:?}");
        assert!(!hit.unwrap().highlights.is_empty(), "{query}: {hits:?}");
        assert!(
            hits.iter().all(|h| h.path != "other.txt"),
            "{query}: {hits:?}"
        );
    }
}

/// The names of the Central Highlands (`Đắk Lắk`, `Kon Tum`) are found written as one word
/// (`Daklak`, `Kontum`, as they often are) and typed without diacritics are restored.
#[test]
fn central_highland_names_meet_their_one_word_spelling() {
    let files = [
        ("spaced.txt", "Cà phê Đắk Lắk và gỗ Kon Tum được mùa."),
        (
            "together.txt",
            "Hội chợ Daklak mở cửa; đoàn Kontum đến sớm.",
        ),
        ("other.txt", "Cà phê Gia Lai và gỗ Bình Phước được mùa."),
    ];
    let (_dir, searcher) = searcher_over(&files);
    each_query_finds(
        &searcher,
        &[
            ("Daklak", "spaced.txt"),
            ("kontum", "spaced.txt"),
            ("Đắk Lắk", "together.txt"),
            ("Kon Tum", "together.txt"),
        ],
    );
    let restored = searcher.suggest("dak lak").unwrap();
    assert_eq!(restored.as_deref(), Some("đắk lắk"));
}

/// Words tied by a hyphen meet the same words written as one (`COVID-19`/`covid19`,
/// `e-mail`/`email`), both ways.
#[test]
fn hyphenated_words_meet_their_one_word_spelling() {
    let files = [
        ("hyphen.txt", "Ca mắc COVID-19 mới; gửi e-mail cho Bộ Y tế."),
        (
            "together.txt",
            "Thống kê covid19 hôm nay; địa chỉ email của bệnh viện.",
        ),
        (
            "other.txt",
            "Thống kê cúm mùa hôm nay; số điện thoại của bệnh viện.",
        ),
    ];
    let (_dir, searcher) = searcher_over(&files);
    each_query_finds(
        &searcher,
        &[
            ("covid19", "hyphen.txt"),
            ("email", "hyphen.txt"),
            ("COVID-19", "together.txt"),
            ("e-mail", "together.txt"),
        ],
    );
}

/// A number written with digit groups (`1.000.000`, `2,500`) meets the same number written with
/// the other separator or none (`1000000`, `2500`), both ways, and so does the whole part of a
/// decimal number written with groups (`1.234,5`); a decimal (`3.5`) is no grouped number and
/// does not meet `35`, nor does `1.234,5` meet `12345`.
#[test]
fn grouped_numbers_meet_their_other_spellings() {
    let files = [
        ("dots.txt", "Giá vé 1.000.000 đồng; vốn 2.500 tỷ."),
        ("commas.txt", "A ticket costs 7,250 dollars."),
        ("plain.txt", "Doanh thu 4800 tỷ trong quý."),
        ("decimal.txt", "Lãi suất 3.5 phần trăm."),
        ("profit.txt", "Lợi nhuận đạt 1.234,5 tỷ đồng trong năm."),
        ("other.txt", "Giá vé rẻ hơn; vốn ít hơn."),
    ];
    let (_dir, searcher) = searcher_over(&files);
    each_query_finds(
        &searcher,
        &[
            ("1000000", "dots.txt"),
            ("1.000.000", "dots.txt"),
            ("1,000,000", "dots.txt"),
            ("2500", "dots.txt"),
            ("2500 tỷ", "dots.txt"),
            ("7250", "commas.txt"),
            ("7.250", "commas.txt"),
            ("4.800 tỷ", "plain.txt"),
            ("4,800", "plain.txt"),
            ("1234", "profit.txt"),
            ("1,234", "profit.txt"),
            ("1.234,5", "profit.txt"),
        ],
    );
    // The highlight is the number as written.
    let hits = searcher.search("1000000", 10).unwrap();
    let [from, to] = hits[0].highlights[0];
    assert_eq!(&hits[0].snippet[from..to], "1.000.000", "{hits:?}");
    let hits = searcher.search("35", 10).unwrap();
    assert!(hits.is_empty(), "35 is not 3.5: {hits:?}");
    let hits = searcher.search("12345", 10).unwrap();
    assert!(hits.is_empty(), "12345 is not 1.234,5: {hits:?}");
}

/// A price or a measure with its unit written on (`150.000đ`, `150.000VNĐ`, `1.200.000đ/tháng`,
/// `45000đ`) is found by its number however it is grouped and by its unit, typed on or apart;
/// the number's highlight is the number as written.
#[test]
fn prices_with_their_unit_written_on_meet_the_number_and_the_unit() {
    let files = [
        ("dong.txt", "Giá vé tàu hỏa là 150.000đ mỗi người."),
        ("vnd.txt", "Phí dịch vụ 150.000VNĐ cho mỗi tháng."),
        ("rent.txt", "Thuê phòng 1.200.000đ/tháng gần trường."),
        ("plain.txt", "Cước gửi 45000đ cho mỗi kiện hàng."),
        ("road.txt", "Tuyến đường dài 2.500km qua nhiều tỉnh."),
        ("other.txt", "Giá vé rẻ hơn; phí ít hơn; đường ngắn hơn."),
    ];
    let (_dir, searcher) = searcher_over(&files);
    each_query_finds(
        &searcher,
        &[
            ("150000 đồng", "dong.txt"),
            ("150.000 đ", "dong.txt"),
            ("150.000đ", "dong.txt"),
            ("150000đ", "dong.txt"),
            ("150,000", "dong.txt"),
            ("150.000VNĐ", "vnd.txt"),
            ("150000 vnd", "vnd.txt"),
            ("1200000", "rent.txt"),
            ("1.200.000 đ/tháng", "rent.txt"),
            ("45.000đ", "plain.txt"),
            ("45000", "plain.txt"),
            ("2500 km", "road.txt"),
            ("2.500km", "road.txt"),
        ],
    );
    // The unit typed tells the prices apart.
    assert_eq!(first_path(&searcher, "150.000đ"), "dong.txt");
    assert_eq!(first_path(&searcher, "150.000 đ"), "dong.txt");
    assert_eq!(first_path(&searcher, "150000 vnd"), "vnd.txt");
    assert_eq!(first_path(&searcher, "150.000VNĐ"), "vnd.txt");
    // The number's highlight is the number as written; with the unit's right after it, the
    // price as written.
    let highlighted = |query: &str| -> Vec<String> {
        let hits = searcher.search(query, 10).unwrap();
        let hit = hits.iter().find(|h| h.path == "dong.txt").unwrap();
        let snippet = &hit.snippet;
        let spans = hit
            .highlights
            .iter()
            .map(|&[from, to]| snippet[from..to].to_string());
        spans.collect()
    };
    assert_eq!(highlighted("150000"), ["150.000"]);
    assert_eq!(highlighted("150000 đ"), ["150.000đ"]);
    assert_eq!(highlighted("đ"), ["đ"]);
}

/// An excluded number removes the passages that a search for it finds: itself however its
/// digits are grouped, with or without a unit written on; not another number sharing a group.
#[test]
fn an_excluded_number_is_excluded_however_it_is_grouped() {
    let files = [
        ("dots.txt", "Vốn điều lệ 2.500 tỷ đồng."),
        ("commas.txt", "Vốn điều lệ 2,500 tỷ đồng."),
        ("plain.txt", "Vốn điều lệ 2500 tỷ đồng."),
        ("unit.txt", "Vốn điều lệ 2.500tỷ đồng."),
        ("near.txt", "Vốn điều lệ 2.600 tỷ đồng, 500 tỷ vay."),
    ];
    let (_dir, searcher) = searcher_over(&files);
    let paths = |query: &str| -> Vec<String> {
        let mut paths: Vec<String> = (searcher.search(query, 10).unwrap())
            .into_iter()
            .map(|h| h.path)
            .collect();
        paths.sort();
        paths
    };
    assert_eq!(paths("vốn").len(), 5);
    for query in ["vốn -2500", "vốn -2.500", "vốn -2,500"] {
        assert_eq!(paths(query), ["near.txt"], "{query}");
    }
    // A phrase of a number and a word is excluded as written, a unit written on the number
    // being a word of its own.
    assert_eq!(paths("vốn -\"2.500 tỷ\""), ["near.txt", "plain.txt"]);
}

#[test]
fn accents_are_restored_from_the_index_counts() {
    let files = [
        (
            "a.txt",
            "Ông Hoàng Xuân Chiến phát biểu tại hội nghị. Hoàng Xuân Chiến là thượng tướng.",
        ),
        (
            "b.txt",
            "Mùa xuân năm ấy, hoàng hôn trên sông thật đẹp. Chiến sĩ hoàng gia đứng gác.",
        ),
        ("c.txt", "Cơn hoảng loạn qua nhanh; xuân về trên phố."),
    ];
    let (dir, searcher) = searcher_over(&files);
    let restored = searcher.restore("Hoang Xuan Chien").unwrap();
    assert_eq!(restored.forms, ["hoàng", "xuân", "chiến"]);
    assert_eq!(
        searcher.suggest("Hoang Xuan Chien").unwrap().as_deref(),
        Some("Hoàng Xuân Chiến")
    );
    // Words typed with accents, and words the index does not know, are kept as typed.
    assert_eq!(searcher.suggest("Hoàng Xuân Chiến").unwrap(), None);
    // So are excluded words: `-chien` excludes every chiến/chiên/..., `-chiến` would not.
    assert_eq!(
        searcher.suggest("Hoang Xuan -chien").unwrap().as_deref(),
        Some("Hoàng Xuân -chien")
    );
    assert_eq!(
        searcher.suggest("xuan -\"hoang xuan\"").unwrap().as_deref(),
        Some("xuân -\"hoang xuan\"")
    );
    let hits = searcher.search("Hoang Xuan -chien", 10).unwrap();
    assert_eq!(hits[0].suggestion.as_deref(), Some("Hoàng Xuân -chien"));
    assert_eq!(
        searcher.restore("hoảng xyz").unwrap().forms,
        ["hoảng", "xyz"]
    );
    // The suggestion rides on every hit, and the restored exact form ranks first.
    let hits = searcher.search("hoang xuan chien", 10).unwrap();
    assert_eq!(hits[0].path, "a.txt");
    assert_eq!(hits[0].suggestion.as_deref(), Some("hoàng xuân chiến"));
    // Without restoration, no suggestion.
    let opts = SearchOptions {
        restore: false,
        ..SearchOptions::default()
    };
    let plain = searcher.search_with("hoang xuan chien", &opts).unwrap();
    assert!(plain.iter().all(|h| h.suggestion.is_none()));
    // A reopened index gives the same restoration (it is read from the index itself).
    assert_eq!(
        open_index(dir.path())
            .suggest("hoang xuan")
            .unwrap()
            .as_deref(),
        Some("hoàng xuân")
    );
}

#[test]
fn pair_context_decides_between_forms() {
    // `ban` alone is most often `bạn`, but after `cái` it is `bàn`.
    let files = [
        ("a.txt", "Bạn tôi và bạn anh là bạn học. Bạn bè đến chơi."),
        ("b.txt", "Cái bàn này rộng. Tôi lau cái bàn mỗi sáng."),
    ];
    let (_dir, searcher) = searcher_over(&files);
    assert_eq!(searcher.restore("ban").unwrap().forms, ["bạn"]);
    assert_eq!(searcher.restore("cai ban").unwrap().forms, ["cái", "bàn"]);
    // Tied by a hyphen (as older texts write compounds: `Việt-Nam`), still a pair.
    assert_eq!(searcher.restore("cai-ban").unwrap().forms, ["cái", "bàn"]);
}

#[test]
fn words_near_each_other_outrank_the_same_words_apart() {
    // The same words and the same length; only the distance between `nonlinear` and
    // `elements` differs (2 positions apart vs 10), and the far file sorts first by name.
    let files = [
        (
            "a_far.txt",
            "nonlinear circuits were studied by many groups over the years with passive elements",
        ),
        (
            "b_near.txt",
            "nonlinear passive elements were studied by many groups over the years with circuits",
        ),
        ("c.txt", "linear circuits and passive networks"),
        ("d.txt", "the years of study by many groups"),
    ];
    let (_dir, searcher) = searcher_over(&files);
    let hits = searcher.search("nonlinear elements", 10).unwrap();
    assert_eq!(hits[0].path, "b_near.txt", "{hits:?}");
    assert!(hits[0].score > hits[1].score, "{hits:?}");
    // `--explain` names the signal.
    let explained = searcher
        .explain("nonlinear elements", &hits[0], &SearchOptions::default())
        .unwrap();
    assert!(
        explained.contains("near \"elements\" (within 4)"),
        "{explained}"
    );
}

#[test]
fn a_name_weighs_more_than_one_syllable() {
    // `Viking` (not a Vietnamese syllable) and `dứt` (one syllable) are equally rare and in
    // files of equal length; the name's file would lose the tie on its path.
    let files = [
        ("a_syllable.txt", "quân đội dứt khoát rút về"),
        ("b_name.txt", "quân đội Viking đã rút về"),
        ("c.txt", "quân đội rút về phía nam"),
        ("d.txt", "quân đội tiến lên phía bắc"),
    ];
    let (_dir, searcher) = searcher_over(&files);
    assert_eq!(first_path(&searcher, "Viking dứt"), "b_name.txt");
}

#[test]
fn a_rare_form_is_restored_when_its_pair_is_known() {
    // Six forms of `ba`; `bã` is the rarest (one file), but `bã mía` is a known pair. A model
    // that only kept the five most frequent forms would never consider it.
    let mut files = vec![(
        "mia.txt".to_string(),
        "Nhà máy ép bã mía làm giấy.".to_string(),
    )];
    for (i, form) in ["ba", "bá", "bà", "bả", "bạ"].iter().enumerate() {
        for copy in 0..2 {
            files.push((
                format!("f{i}_{copy}.txt"),
                format!("Câu chuyện {copy} kể về chữ {form} trong làng."),
            ));
        }
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let (_dir, searcher) = searcher_over(&files);
    let restored = searcher.restore("ba mia").unwrap();
    assert_eq!(restored.forms, ["bã", "mía"]);
}

/// Indexes `files` with the default schema changed by `edit` (from, to).
fn searcher_with_schema(
    files: &[(&str, &str)],
    edit: (&str, &str),
) -> (tempfile::TempDir, Searcher) {
    searcher_with_schema_edits(files, &[edit])
}

/// Indexes `files` with the default schema changed by each of `edits` (from, to).
fn searcher_with_schema_edits(
    files: &[(&str, &str)],
    edits: &[(&str, &str)],
) -> (tempfile::TempDir, Searcher) {
    let corpus = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(corpus.path().join(name), text).unwrap();
    }
    let mut text = timkiem::schema::DEFAULT_SCHEMA_TOML.to_string();
    for edit in edits {
        let edited = text.replace(edit.0, edit.1);
        assert_ne!(edited, text, "{edit:?}");
        text = edited;
    }
    let schema = timkiem::schema::SchemaConfig::parse(&text, "test").unwrap();
    let index_dir = corpus.path().join(".tim");
    let options = IndexOptions {
        schema: Some(schema),
        ..IndexOptions::default()
    };
    index_directory(corpus.path(), &index_dir, &options, &mut NoProgress).unwrap();
    let searcher = Searcher::open(&index_dir).unwrap();
    (corpus, searcher)
}

#[test]
fn coordination_rewards_passages_holding_more_query_words() {
    // `a` repeats two of the query's words; `b` holds all three once. Same length.
    let files = [
        (
            "a.txt",
            "alpha beta report alpha beta report alpha beta report on it",
        ),
        (
            "b.txt",
            "alpha report beta report gamma report on it and more of it",
        ),
        ("c.txt", "gamma rays and delta rays from the report"),
        ("d.txt", "alpha particles and beta decay in the report"),
        ("e.txt", "gamma function values"),
    ];
    let query = "alpha beta gamma";
    // Without it (the default schema's setting) and without the span bonus, which also
    // rewards `b`, holding all three words close together, the repeated words win.
    let no_span = ("span = 4.0", "span = 0.0");
    let (_plain, searcher) = searcher_with_schema(&files, no_span);
    assert_eq!(searcher.search(query, 10).unwrap()[0].path, "a.txt");
    let (_coord, searcher) = searcher_with_schema_edits(
        &files,
        &[no_span, ("coordination = 0.0", "coordination = 3.0")],
    );
    let hits = searcher.search(query, 10).unwrap();
    assert_eq!(hits[0].path, "b.txt", "{hits:?}");
    let explained = searcher
        .explain(query, &hits[0], &SearchOptions::default())
        .unwrap();
    assert!(
        explained.contains("coordination: 3 of 3 query words"),
        "{explained}"
    );
}

#[test]
fn question_words_weigh_less_than_the_words_an_answer_holds() {
    // `asks.txt` wins on `bao nhiêu` (an interrogative, and a joined pair), `answer.txt` on
    // `quận`: interrogatives rarely occur in the passage that answers the question.
    let files = [
        (
            "answer.txt",
            "Hà Nội có mười hai quận nội thành, nhiều huyện.",
        ),
        (
            "asks.txt",
            "Hà Nội có bao nhiêu người thì chưa ai đếm được.",
        ),
        (
            "other.txt",
            "Trời hôm nay nắng đẹp, chim hót trên cành cây cao.",
        ),
    ];
    let query = "Hà Nội có bao nhiêu quận?";
    let (_default, searcher) = searcher_over(&files);
    assert_eq!(first_path(&searcher, query), "answer.txt");
    // Weighted like any other word, the interrogative wins.
    let (_unweighted, searcher) =
        searcher_with_schema(&files, ("question_weight = 0.5", "question_weight = 1.0"));
    assert_eq!(first_path(&searcher, query), "asks.txt");
}

#[test]
fn english_stems_meet_across_syllable_lookalikes() {
    // `cat`, `ban` and `ton` are possible Vietnamese syllables (cát, bán, tôn), so the index
    // keeps them in `folded` only; their plurals are English words, kept in `english`. A query
    // for either form must still find both.
    let files = [
        (
            "singular.txt",
            "The cat sat on the mat near a ton of bricks.",
        ),
        (
            "plural.txt",
            "Two cats watched while the workers moved tons of sand.",
        ),
        (
            "other.txt",
            "A dog slept on the porch beside the garden wall.",
        ),
    ];
    let (_dir, searcher) = searcher_over(&files);
    for query in ["cat", "cats", "ton", "tons"] {
        let mut found: Vec<String> = searcher
            .search(query, 10)
            .unwrap()
            .into_iter()
            .map(|h| h.path)
            .collect();
        found.sort();
        assert_eq!(found, ["plural.txt", "singular.txt"], "{query:?}");
    }
    // The form typed still ranks first.
    assert_eq!(first_path(&searcher, "cats"), "plural.txt");
    assert_eq!(first_path(&searcher, "cat"), "singular.txt");
}

#[test]
fn query_words_in_one_stretch_outrank_the_same_words_scattered() {
    // The same words, the same length, no two query words adjacent: only the distance
    // between them differs (within 9 positions vs 14 apart), and the scattered file sorts
    // first by name.
    let filler = |n: usize| vec!["rồi"; n].join(" ");
    let scattered = format!("mèo {f} cá {f} sữa {g}", f = filler(13), g = filler(8));
    let clustered = format!("mèo {f} cá {f} sữa {g}", f = filler(3), g = filler(28));
    let files = [
        ("a_scattered.txt", scattered.as_str()),
        ("b_clustered.txt", clustered.as_str()),
        ("c.txt", "hôm nay trời nắng, con mèo nằm ngủ"),
        ("d.txt", "chợ cá bán rau tươi"),
    ];
    let query = "mèo cá sữa";
    let (_default, searcher) = searcher_over(&files);
    let hits = searcher.search(query, 10).unwrap();
    assert_eq!(hits[0].path, "b_clustered.txt", "{hits:?}");
    assert!(hits[0].score > hits[1].score, "{hits:?}");
    let explained = searcher
        .explain(query, &hits[0], &SearchOptions::default())
        .unwrap();
    assert!(
        explained.contains("densest stretch of 12 positions"),
        "{explained}"
    );
    // Without the span bonus the two files tie.
    let (_off, searcher) = searcher_with_schema(&files, ("span = 4.0", "span = 0.0"));
    let hits = searcher.search(query, 10).unwrap();
    assert_eq!(hits[0].score, hits[1].score, "{hits:?}");
}

#[test]
fn the_span_bonus_counts_an_english_word_by_its_stem() {
    // `liquids` meets `liquid` through its stem: the file where it stands next to
    // `dielectric` gets the bonus; the other holds the same words apart.
    let filler = |n: usize| vec!["then"; n].join(" ");
    let apart = format!("liquid {} dielectric", filler(20));
    let near = format!("liquid then dielectric {}", filler(19));
    let files = [
        ("a_apart.txt", apart.as_str()),
        ("b_near.txt", near.as_str()),
        ("c.txt", "solid state physics of crystals"),
        ("d.txt", "radio waves in the upper atmosphere"),
    ];
    let (_dir, searcher) = searcher_over(&files);
    let hits = searcher.search("liquids dielectric", 10).unwrap();
    assert_eq!(hits[0].path, "b_near.txt", "{hits:?}");
    assert!(hits[0].score > hits[1].score, "{hits:?}");
}
