//! HTML to the text a reader sees.
//!
//! A small tolerant scanner, not a parser: it never builds a tree, never fails and never panics,
//! whatever the input. It removes tags, drops what is not shown (`script`, `style`, `noscript`,
//! `template`, the `head` except its `title`, comments, CDATA), decodes character references,
//! and turns block elements into line breaks and blank lines so that
//! [`split_passages`](super::passage::split_passages) cuts the result where the page has its
//! paragraphs. Runs of whitespace inside a block become one space, except line breaks in `pre`.

use std::borrow::Cow;
use std::path::Path;

use crate::lines::LineCounter;

/// Whether a path names an HTML file: extension `.html` or `.htm`, in any case.
pub fn is_html_path(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm"))
}

/// The visible text of an HTML document.
///
/// The `title` comes first as a paragraph of its own, so that
/// [`title_span`](super::passage::title_span) finds it. Paragraph-like elements (`p`, `div`,
/// `h1`…`h6`, `section`, `table`…) are separated by blank lines, `br`, `li` and `tr` end a line,
/// table cells are separated by a space. The result has no leading or trailing whitespace.
pub fn html_to_text(html: &str) -> String {
    html_to_text_with_lines(html).0
}

/// [`html_to_text`], and where its text comes from in the HTML: the line of the document each
/// part of the text was read from, so that a hit in a page reports the line an editor opens.
pub fn html_to_text_with_lines(html: &str) -> (String, SourceLines) {
    let mut scanner = Scanner {
        html,
        bytes: html.as_bytes(),
        pos: 0,
        lines: LineCounter::new(html),
        sink: TextSink::with_capacity(html.len() / 2),
        in_head: false,
        hidden_depth: 0,
        pre_depth: 0,
    };
    scanner.run();
    (scanner.sink.out, SourceLines(scanner.sink.lines))
}

/// The lines of an HTML document that the parts of its text come from: from each recorded
/// offset of the text on, up to the next, the text was read from that line (1-based).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceLines(Vec<(usize, u32)>);

impl SourceLines {
    /// The line of the document that the text's byte `offset` was read from (1 before any).
    pub fn line_at(&self, offset: usize) -> u32 {
        let after = self.0.partition_point(|&(start, _)| start <= offset);
        after.checked_sub(1).map_or(1, |i| self.0[i].1)
    }

    /// The lines of the text's bytes `start..end`, offsets made relative to `start`: the
    /// line at `start` first, then every change of line within.
    pub fn within(&self, start: usize, end: usize) -> SourceLines {
        let mut lines = vec![(0, self.line_at(start))];
        let from = self.0.partition_point(|&(s, _)| s <= start);
        for &(offset, line) in &self.0[from..] {
            if offset >= end {
                break;
            }
            lines.push((offset - start, line));
        }
        SourceLines(lines)
    }

    /// A compact encoding (LEB128 pairs: offset and line, each after the previous one's),
    /// read back by [`SourceLines::decode`].
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() * 3);
        let (mut offset, mut line) = (0u64, 0i64);
        for &(o, l) in &self.0 {
            write_leb128(&mut out, o as u64 - offset);
            // Lines only grow along the text; a signed delta keeps any input decodable.
            write_leb128(&mut out, zigzag(i64::from(l) - line));
            (offset, line) = (o as u64, i64::from(l));
        }
        out
    }

    /// What [`SourceLines::encode`] wrote; `None` for bytes it cannot have written.
    pub fn decode(mut bytes: &[u8]) -> Option<SourceLines> {
        let mut lines = Vec::new();
        let (mut offset, mut line) = (0u64, 0i64);
        while !bytes.is_empty() {
            offset = offset.checked_add(read_leb128(&mut bytes)?)?;
            line = line.checked_add(unzigzag(read_leb128(&mut bytes)?))?;
            lines.push((usize::try_from(offset).ok()?, u32::try_from(line).ok()?));
        }
        Some(SourceLines(lines))
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn write_leb128(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn read_leb128(bytes: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = bytes.split_first()?;
        *bytes = rest;
        v |= u64::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Decodes character references: named ones (`&amp;`, `&eacute;`, `&ecirc;`, `&abreve;`,
/// `&dstrok;`…), decimal (`&#7871;`) and hexadecimal (`&#x1EBF;`).
///
/// The terminating `;` is required. Anything that is not a well-formed reference to a valid
/// character (an unknown name, `&#;`, `&#xD800;`, `&#0;`, a value out of range) is left as
/// written. As in browsers, `&#128;`…`&#159;` are read as Windows-1252 (`&#150;` is `–`).
/// Borrows the input when nothing changes.
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    let Some(first) = find_reference(text, 0) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut next = Some(first);
    while let Some(reference) = next {
        out.push_str(&text[copied..reference.at]);
        out.push(reference.decoded);
        copied = reference.at + reference.len;
        next = find_reference(text, copied);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Whether [`decode_entities`] would change `text`; cheap, allocates nothing.
pub fn has_entities(text: &str) -> bool {
    find_reference(text, 0).is_some()
}

/// How much separation is owed before the next visible character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    None,
    Space,
    Line,
    Paragraph,
}

/// Collects visible text, collapsing whitespace and block separations into the strongest one.
struct TextSink {
    out: String,
    gap: Gap,
    /// Where the text comes from (see [`SourceLines`]).
    lines: Vec<(usize, u32)>,
}

impl TextSink {
    fn with_capacity(capacity: usize) -> Self {
        TextSink {
            out: String::with_capacity(capacity),
            gap: Gap::None,
            lines: Vec::new(),
        }
    }

    fn gap(&mut self, gap: Gap) {
        self.gap = self.gap.max(gap);
    }

    /// Shows `text`, read from line `line` of the document.
    fn text(&mut self, text: &str, preformatted: bool, line: u32) {
        for c in text.chars() {
            if !c.is_whitespace() {
                self.flush_gap();
                if self.lines.last().is_none_or(|&(_, l)| l != line) {
                    self.lines.push((self.out.len(), line));
                }
                self.out.push(c);
            } else if preformatted && c == '\n' {
                // Keep the lines of `pre`, and its blank lines as paragraph breaks.
                self.gap(if self.gap >= Gap::Line {
                    Gap::Paragraph
                } else {
                    Gap::Line
                });
            } else {
                self.gap(Gap::Space);
            }
        }
    }

    fn flush_gap(&mut self) {
        // Separation is owed only between characters: none at the start, none at the end.
        if !self.out.is_empty() {
            match self.gap {
                Gap::None => {}
                Gap::Space => self.out.push(' '),
                Gap::Line => self.out.push('\n'),
                Gap::Paragraph => self.out.push_str("\n\n"),
            }
        }
        self.gap = Gap::None;
    }
}

/// What an element means for the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    /// Content is not HTML and not shown: skipped up to the end tag.
    RawText,
    /// `title`: text up to the end tag, shown as a paragraph.
    Title,
    /// Content not shown, but made of HTML (may nest).
    Hidden,
    Head,
    /// `body`, `html`: they end the head when it was not closed.
    Body,
    Pre,
    Paragraph,
    Line,
    Cell,
    /// Elements allowed in `head`; any other start tag ends an unclosed head.
    HeadContent,
    Inline,
}

impl Element {
    fn of(name: &[u8]) -> Element {
        let mut buf = [0u8; 10];
        let Some(lower) = buf.get_mut(..name.len()) else {
            return Element::Inline; // longer than any name we know
        };
        for (dst, src) in lower.iter_mut().zip(name) {
            *dst = src.to_ascii_lowercase();
        }
        match &*lower {
            b"script" | b"style" | b"noscript" => Element::RawText,
            b"title" => Element::Title,
            b"template" => Element::Hidden,
            b"head" => Element::Head,
            b"body" | b"html" => Element::Body,
            b"pre" | b"listing" => Element::Pre,
            b"address" | b"article" | b"aside" | b"blockquote" | b"caption" | b"center"
            | b"details" | b"dialog" | b"dir" | b"div" | b"dl" | b"fieldset" | b"figcaption"
            | b"figure" | b"footer" | b"form" | b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6"
            | b"header" | b"hgroup" | b"hr" | b"legend" | b"main" | b"menu" | b"nav" | b"ol"
            | b"p" | b"section" | b"summary" | b"table" | b"ul" => Element::Paragraph,
            b"br" | b"li" | b"dt" | b"dd" | b"tr" | b"option" | b"thead" | b"tbody" | b"tfoot" => {
                Element::Line
            }
            b"td" | b"th" => Element::Cell,
            b"meta" | b"link" | b"base" => Element::HeadContent,
            _ => Element::Inline,
        }
    }
}

/// The state of one [`html_to_text`] run.
struct Scanner<'h> {
    html: &'h str,
    bytes: &'h [u8],
    pos: usize,
    /// The document's line numbers, moved forward as text is shown.
    lines: LineCounter<'h>,
    sink: TextSink,
    in_head: bool,
    /// Depth inside `template`: its content is parsed (it may nest) but not shown.
    hidden_depth: usize,
    pre_depth: usize,
}

impl Scanner<'_> {
    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            let Some(lt) = find_byte(self.bytes, self.pos, b'<') else {
                self.text(self.pos, self.bytes.len());
                break;
            };
            self.text(self.pos, lt);
            self.pos = lt;
            self.markup();
        }
    }

    /// Shows `html[start..end]`, a run of character data, unless it is hidden.
    fn text(&mut self, start: usize, end: usize) {
        if start < end && !self.in_head && self.hidden_depth == 0 {
            self.show(start, end, self.pre_depth > 0);
        }
    }

    /// Shows `html[start..end]` line by line, each part with its line of the document (a
    /// character reference never spans a line break).
    fn show(&mut self, start: usize, end: usize, preformatted: bool) {
        let mut line = self.lines.line_of(start);
        for (i, part) in self.html[start..end].split('\n').enumerate() {
            if i > 0 {
                self.sink.text("\n", preformatted, line);
                line += 1;
            }
            self.sink.text(&decode_entities(part), preformatted, line);
        }
    }

    /// Owes a separation before the next visible text, unless we are in hidden content.
    fn gap(&mut self, gap: Gap) {
        if !self.in_head && self.hidden_depth == 0 {
            self.sink.gap(gap);
        }
    }

    /// Consumes the markup that starts with the `<` at `self.pos`.
    fn markup(&mut self) {
        let lt = self.pos;
        let rest = &self.bytes[lt + 1..];
        if rest.starts_with(b"!--") {
            self.pos = find_str(self.html, lt + 4, "-->").map_or(self.bytes.len(), |i| i + 3);
        } else if rest.starts_with(b"![CDATA[") {
            self.pos = find_str(self.html, lt + 9, "]]>").map_or(self.bytes.len(), |i| i + 3);
        } else if rest.starts_with(b"!") || rest.starts_with(b"?") {
            // Doctype, processing instruction: up to the next `>`.
            self.pos = after_byte(self.bytes, lt + 1, b'>');
        } else if rest.starts_with(b"/") {
            if rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
                let (name, after_name) = tag_name(self.bytes, lt + 2);
                self.pos = after_byte(self.bytes, after_name, b'>');
                self.end_tag(Element::of(name));
            } else {
                // `</>` or `</3`: browsers drop it as a bogus comment.
                self.pos = after_byte(self.bytes, lt + 2, b'>');
            }
        } else if rest.first().is_some_and(u8::is_ascii_alphabetic) {
            let (name, after_name) = tag_name(self.bytes, lt + 1);
            let (end, self_closing) = start_tag_end(self.bytes, after_name);
            self.pos = end;
            self.start_tag(name, self_closing);
        } else {
            // `a < b`: a literal less-than sign.
            self.text(lt, lt + 1);
            self.pos = lt + 1;
        }
    }

    fn start_tag(&mut self, name: &[u8], self_closing: bool) {
        let element = Element::of(name);
        if !matches!(
            element,
            Element::Head
                | Element::RawText
                | Element::Title
                | Element::Hidden
                | Element::HeadContent
        ) {
            self.in_head = false; // the body started without `</head>`
        }
        match element {
            Element::RawText if !self_closing => {
                // Nothing to show up to the end tag; an unclosed script hides the rest, as in
                // browsers.
                self.pos = find_end_tag(self.bytes, self.pos, name)
                    .map_or(self.bytes.len(), |(_, end)| end);
            }
            Element::Title if !self_closing => self.title(name),
            Element::Hidden if !self_closing => self.hidden_depth += 1,
            Element::Head => self.in_head = true,
            Element::Pre => {
                self.gap(Gap::Paragraph);
                if !self_closing {
                    self.pre_depth += 1;
                }
            }
            Element::Paragraph => self.gap(Gap::Paragraph),
            Element::Line => self.gap(Gap::Line),
            Element::Cell => self.gap(Gap::Space),
            _ => {}
        }
    }

    fn end_tag(&mut self, element: Element) {
        match element {
            Element::Hidden => self.hidden_depth = self.hidden_depth.saturating_sub(1),
            Element::Head => self.in_head = false,
            Element::Pre => {
                self.pre_depth = self.pre_depth.saturating_sub(1);
                self.gap(Gap::Paragraph);
            }
            Element::Paragraph | Element::Title => self.gap(Gap::Paragraph),
            // `</br>` is a line break in browsers too.
            Element::Line => self.gap(Gap::Line),
            Element::Cell => self.gap(Gap::Space),
            _ => {}
        }
    }

    /// The title's text, at `self.pos` just after `<title>`: shown even inside `head`.
    fn title(&mut self, name: &[u8]) {
        // Without an end tag, read the rest as ordinary HTML rather than make it all a title.
        let Some((content_end, end)) = find_end_tag(self.bytes, self.pos, name) else {
            return;
        };
        if self.hidden_depth == 0 {
            self.sink.gap(Gap::Paragraph);
            self.show(self.pos, content_end, false);
            self.sink.gap(Gap::Paragraph);
        }
        self.pos = end;
    }
}

/// The tag name starting at `from`, and the offset just past it.
fn tag_name(bytes: &[u8], from: usize) -> (&[u8], usize) {
    let len = bytes[from..]
        .iter()
        .take_while(|&&b| !(b.is_ascii_whitespace() || b == b'/' || b == b'>'))
        .count();
    (&bytes[from..from + len], from + len)
}

/// The end of a start tag whose attributes start at `from`: the offset past its `>` (or the end
/// of input), and whether it ends with `/>`.
fn start_tag_end(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut quote = None;
    let mut after_equals = false;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            // A quote opens a value only right after `=`: `<a title=it's>` is one unquoted value.
            None if (b == b'"' || b == b'\'') && after_equals => quote = Some(b),
            None if b == b'>' => return (i + 1, i > from && bytes[i - 1] == b'/'),
            None => {
                if b == b'=' {
                    after_equals = true;
                } else if !b.is_ascii_whitespace() {
                    after_equals = false;
                }
            }
        }
    }
    // An unterminated quote: the tag ends at the first `>` after all.
    let end = after_byte(bytes, from, b'>');
    (
        end,
        end > from + 1 && bytes[end - 2] == b'/' && bytes[end - 1] == b'>',
    )
}

/// Finds the end tag `</name` (any case) from `from`: the offset of its `<`, and the offset past
/// its `>` (or the end of input).
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<(usize, usize)> {
    let mut at = from;
    while let Some(lt) = find_byte(bytes, at, b'<') {
        let candidate = &bytes[lt + 1..];
        let matches = candidate.first() == Some(&b'/')
            && candidate.len() > name.len()
            && candidate[1..=name.len()].eq_ignore_ascii_case(name)
            && candidate
                .get(name.len() + 1)
                .is_none_or(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>');
        if matches {
            return Some((lt, after_byte(bytes, lt + 2 + name.len(), b'>')));
        }
        at = lt + 1;
    }
    None
}

fn find_byte(bytes: &[u8], from: usize, needle: u8) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&b| b == needle)
        .map(|i| from + i)
}

/// The offset just past the first `needle` at or after `from`, or the end of input.
fn after_byte(bytes: &[u8], from: usize, needle: u8) -> usize {
    find_byte(bytes, from, needle).map_or(bytes.len(), |i| i + 1)
}

fn find_str(haystack: &str, from: usize, needle: &str) -> Option<usize> {
    haystack.get(from..)?.find(needle).map(|i| from + i)
}

/// A character reference found in a text.
struct Reference {
    /// Offset of its `&`.
    at: usize,
    /// Its length in bytes, `&` and `;` included.
    len: usize,
    decoded: char,
}

fn find_reference(text: &str, from: usize) -> Option<Reference> {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(amp) = find_byte(bytes, at, b'&') {
        if let Some((decoded, len)) = parse_reference(&bytes[amp..]) {
            return Some(Reference {
                at: amp,
                len,
                decoded,
            });
        }
        at = amp + 1;
    }
    None
}

/// The longest entity name we know is shorter than this.
const MAX_ENTITY_NAME: usize = 10;

/// Parses the reference at the start of `s` (which starts with `&`).
fn parse_reference(s: &[u8]) -> Option<(char, usize)> {
    if s.get(1) == Some(&b'#') {
        let (radix, digits_from) = match s.get(2) {
            Some(b'x' | b'X') => (16, 3),
            _ => (10, 2),
        };
        let mut value: u32 = 0;
        let mut i = digits_from;
        while let Some(digit) = s.get(i).and_then(|&b| char::from(b).to_digit(radix)) {
            value = value.checked_mul(radix)?.checked_add(digit)?;
            i += 1;
        }
        if i == digits_from || s.get(i) != Some(&b';') {
            return None;
        }
        Some((numeric_reference(value)?, i + 1))
    } else {
        let name_len = s[1..]
            .iter()
            .take(MAX_ENTITY_NAME + 1)
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || s.get(1 + name_len) != Some(&b';') {
            return None;
        }
        let name = std::str::from_utf8(&s[1..1 + name_len]).ok()?;
        Some((named_entity(name)?, name_len + 2))
    }
}

/// The character of `&#value;`: Windows-1252 for the C1 range, as HTML prescribes; `None` for
/// NUL, surrogates and values past U+10FFFF.
fn numeric_reference(value: u32) -> Option<char> {
    const WINDOWS_1252_C1: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match value {
        0 => None,
        0x80..=0x9F => Some(WINDOWS_1252_C1[(value - 0x80) as usize]),
        _ => char::from_u32(value),
    }
}

/// Names of U+00A0…U+00FF, in order: Latin-1, which covers most Vietnamese vowels with
/// diacritics that have a named entity.
const LATIN_1_NAMES: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// The character of a named entity (names are case-sensitive). A common subset of HTML's: the
/// markup characters, Latin-1, the other Latin letters Vietnamese uses that have a name (`ă`,
/// `đ`, `ĩ`, `ũ`; `ơ` and `ư` have none), typography and a few symbols.
fn named_entity(name: &str) -> Option<char> {
    if let Some(i) = LATIN_1_NAMES.iter().position(|&n| n == name) {
        return char::from_u32(0xA0 + i as u32);
    }
    let c = match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "Abreve" => 'Ă',
        "abreve" => 'ă',
        "Dstrok" => 'Đ',
        "dstrok" => 'đ',
        "Itilde" => 'Ĩ',
        "itilde" => 'ĩ',
        "Utilde" => 'Ũ',
        "utilde" => 'ũ',
        "OElig" => 'Œ',
        "oelig" => 'œ',
        "Scaron" => 'Š',
        "scaron" => 'š',
        "Yuml" => 'Ÿ',
        "fnof" => 'ƒ',
        "circ" => 'ˆ',
        "tilde" => '˜',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "zwnj" => '\u{200C}',
        "zwj" => '\u{200D}',
        "lrm" => '\u{200E}',
        "rlm" => '\u{200F}',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "dagger" => '†',
        "Dagger" => '‡',
        "bull" => '•',
        "hellip" => '…',
        "permil" => '‰',
        "prime" => '′',
        "Prime" => '″',
        "lsaquo" => '‹',
        "rsaquo" => '›',
        "oline" => '‾',
        "frasl" => '⁄',
        "euro" => '€',
        "trade" => '™',
        "larr" => '←',
        "uarr" => '↑',
        "rarr" => '→',
        "darr" => '↓',
        "harr" => '↔',
        "minus" => '−',
        "lowast" => '∗',
        "le" => '≤',
        "ge" => '≥',
        "ne" => '≠',
        "asymp" => '≈',
        "infin" => '∞',
        _ => return None,
    };
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_text_knows_the_lines_of_the_page_it_comes_from() {
        let html = "<html><head>\n<title>Tựa\nđề</title>\n<style>\np {}\n</style></head>\n\
                    <body><p>một\nhai &amp;\n\nba</p>\n<pre>a\nb</pre></body>";
        let (text, lines) = html_to_text_with_lines(html);
        assert_eq!(text, "Tựa đề\n\nmột hai & ba\n\na\nb");
        let line_of = |word: &str| lines.line_at(text.rfind(word).unwrap());
        assert_eq!(
            ["Tựa", "đề", "một", "hai", "&", "ba", "a", "b"].map(line_of),
            [2, 3, 7, 8, 8, 10, 11, 12]
        );
        assert_eq!(html_to_text(html), text);
        // A passage's lines, relative to its start, survive their encoding.
        let start = text.find("hai").unwrap();
        let within = lines.within(start, text.find("a\nb").unwrap());
        assert_eq!(within, SourceLines(vec![(0, 8), ("hai & ".len(), 10)]));
        assert_eq!(SourceLines::decode(&within.encode()), Some(within));
        assert_eq!(SourceLines::default().line_at(10), 1);
        assert_eq!(SourceLines::decode(&[0x80]), None);
    }

    #[test]
    fn recognises_html_paths() {
        let cases = [
            ("a.html", true),
            ("dir/B.HTM", true),
            ("x.Html", true),
            ("a.xhtml", false),
            ("html", false),
            ("a.txt", false),
            (".html", false), // a hidden file named `.html` has no extension
        ];
        for (path, expected) in cases {
            assert_eq!(is_html_path(Path::new(path)), expected, "{path}");
        }
    }

    #[test]
    fn decodes_entities() {
        let cases = [
            ("plain text", "plain text"),
            (
                "a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;",
                "a & b <c> \"d\" 'e'",
            ),
            ("Vi&#7879;t Nam", "Việt Nam"),
            ("Ti&#x1EBF;ng &#X1ebf;", "Tiếng ế"),
            (
                "&agrave;&aacute;&atilde;&ecirc;&ocirc;&Agrave;&yuml;&times;",
                "àáãêôÀÿ×",
            ),
            ("&abreve;&Abreve;&dstrok;&Dstrok;&itilde;&utilde;", "ăĂđĐĩũ"),
            ("x&nbsp;y", "x\u{a0}y"),
            ("&#150;&#128;", "–€"),
            ("&#0000000065;", "A"),
            // Malformed or unknown: left as written.
            ("AT&T, a & b, &amp", "AT&T, a & b, &amp"),
            (
                "&unknown; &#; &#x; &#xZZ; &#65 &;",
                "&unknown; &#; &#x; &#xZZ; &#65 &;",
            ),
            (
                "&#0; &#xD800; &#x110000; &#99999999999;",
                "&#0; &#xD800; &#x110000; &#99999999999;",
            ),
            ("&AMP; &Amp;", "& &Amp;"),
            ("&&amp;;", "&&;"),
            ("đ&", "đ&"),
        ];
        for (input, expected) in cases {
            let decoded = decode_entities(input);
            assert_eq!(decoded, expected, "{input:?}");
            assert_eq!(has_entities(input), input != expected, "{input:?}");
            assert_eq!(
                matches!(decoded, Cow::Borrowed(_)),
                input == expected,
                "{input:?}"
            );
        }
    }

    #[test]
    fn extracts_visible_text() {
        let cases = [
            ("plain", "plain"),
            ("<p>one</p><p>two</p>", "one\n\ntwo"),
            ("line<br>next<br/>last", "line\nnext\nlast"),
            ("<ul><li>a</li><li>b</li></ul>after", "a\nb\n\nafter"),
            ("<h1>Tiêu đề</h1>Nội dung", "Tiêu đề\n\nNội dung"),
            ("<table><tr><td>1</td><td>2</td></tr><tr><th>3</th></tr></table>", "1 2\n3"),
            ("a<b>b</b>c <i>d</i>", "abc d"),
            ("  many \n\t spaces   here  ", "many spaces here"),
            ("<pre>fn main() {\n    x\n}\n\nmore</pre>", "fn main() {\nx\n}\n\nmore"),
            ("Vi&#7879;t Nam", "Việt Nam"),
            ("<p>&lt;p&gt; is a tag</p>", "<p> is a tag"),
            ("a < b and c > d", "a < b and c > d"),
            ("x <3 y", "x <3 y"),
            // Hidden content.
            ("a<script>if (a < b) { x = '</p>' }</script>b", "ab"),
            ("a<SCRIPT type=x>var s;</SCRIPT >b", "ab"),
            ("a<style>p { color: red }</style>b", "ab"),
            ("a<noscript><p>enable js</p></noscript>b", "ab"),
            ("a<template><p>t<template>u</template>v</p></template>b", "ab"),
            ("a<!-- hidden <p>x</p> -->b", "ab"),
            ("a<![CDATA[ x < y ]]>b", "ab"),
            ("<!DOCTYPE html><?xml version=\"1.0\"?>text", "text"),
            // Head: only the title, first and on its own.
            (
                "<html><head><meta charset=utf-8><title>T&iacute;tulo</title><link rel=x>junk</head><body><p>Body</p></body></html>",
                "Título\n\nBody",
            ),
            ("<head><title>T</title><p>no end of head", "T\n\nno end of head"),
            // Attributes may hide `>` in quotes, but a stray quote does not swallow the page.
            ("<a title=\"x > y\" href='z'>link</a>", "link"),
            ("<a title=it's>one</a> two", "one two"),
            ("<a title=\"unterminated>text", "text"),
            // Broken HTML is tolerated.
            ("text<", "text<"),
            ("text</", "text"),
            ("a</>b</3>c", "abc"),
            ("a<!-- never closed", "a"),
            ("a<script>never closed", "a"),
            ("<title>never closed<p>x", "never closed\n\nx"),
            ("<div><div><p>deep</p></div></div>", "deep"),
        ];
        for (html, expected) in cases {
            assert_eq!(html_to_text(html), expected, "{html:?}");
        }
    }

    #[test]
    fn blocks_become_passages() {
        let html = "<h1>Title</h1><p>First paragraph.</p><div>Second</div>";
        let text = html_to_text(html);
        let cfg = crate::ingest::passage::PassageConfig {
            min_bytes: 0,
            ..Default::default()
        };
        let passages = crate::ingest::passage::split_passages(&text, &cfg);
        let texts: Vec<_> = passages.iter().map(|p| p.text(&text)).collect();
        assert_eq!(texts, ["Title", "First paragraph.", "Second"]);
    }

    fn html_soup() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("<"),
            Just(">"),
            Just("</"),
            Just("/>"),
            Just("<p>"),
            Just("</p>"),
            Just("<br>"),
            Just("<script>"),
            Just("</script>"),
            Just("<style x='>'>"),
            Just("<!--"),
            Just("-->"),
            Just("<![CDATA["),
            Just("]]>"),
            Just("<title>"),
            Just("</title"),
            Just("<head>"),
            Just("</head>"),
            Just("<template>"),
            Just("</template>"),
            Just("<pre>"),
            Just("</pre>"),
            Just("&"),
            Just("&#"),
            Just("&#x"),
            Just(";"),
            Just("amp"),
            Just("1EBF"),
            Just("\""),
            Just("'"),
            Just("="),
            Just(" "),
            Just("\n"),
            Just("Việt"),
            Just("a"),
            Just("<!"),
            Just("<?"),
        ];
        prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn never_panics_on_tag_soup(html in html_soup()) {
            let text = html_to_text(&html);
            prop_assert_eq!(text.trim(), text.as_str());
            prop_assert!(!text.contains("\n\n\n"));
        }

        #[test]
        fn never_panics_on_anything(html in any::<String>()) {
            let text = html_to_text(&html);
            prop_assert_eq!(text.trim(), text.as_str());
        }

        #[test]
        fn text_without_markup_only_has_whitespace_collapsed(text in "[^<&]*") {
            let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(html_to_text(&text), collapsed);
        }

        #[test]
        fn has_entities_agrees_with_decode(text in "([a-z#x;&0-9 ]|&amp;|&#7879;|&#x1EBF;){0,30}") {
            let decoded = decode_entities(&text);
            prop_assert_eq!(has_entities(&text), matches!(decoded, Cow::Owned(_)));
            prop_assert_eq!(decoded == text, !has_entities(&text));
        }
    }
}
