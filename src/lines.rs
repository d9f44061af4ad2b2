//! Lines of text: reading them with a bound on memory (a line longer than the cap is never held
//! whole, so a 100 MB line, or a 2 GB file without a newline, cannot exhaust memory), and
//! numbering the offsets of a text held in memory ([`LineCounter`]).

use std::io::{self, BufRead};

/// What [`read_capped_line`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CappedLine {
    /// A whole line (without its `\n`) is in the buffer.
    Complete,
    /// The line is longer than the cap: the buffer is empty and the reader stands somewhere
    /// inside the line; call [`skip_line`] to go on with the next one.
    TooLong,
}

/// Reads the next line (without its `\n`) into `buf`, holding at most `max` bytes of it.
/// Returns `Ok(None)` at the end of the input.
pub(crate) fn read_capped_line(
    reader: &mut dyn BufRead,
    max: usize,
    buf: &mut Vec<u8>,
) -> io::Result<Option<CappedLine>> {
    buf.clear();
    let mut read_any = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(read_any.then_some(CappedLine::Complete));
        }
        read_any = true;
        let newline = chunk.iter().position(|&b| b == b'\n');
        let part = &chunk[..newline.unwrap_or(chunk.len())];
        if buf.len() + part.len() > max {
            buf.clear();
            return Ok(Some(CappedLine::TooLong));
        }
        buf.extend_from_slice(part);
        match newline {
            Some(at) => {
                reader.consume(at + 1);
                return Ok(Some(CappedLine::Complete));
            }
            None => {
                let used = part.len();
                reader.consume(used);
            }
        }
    }
}

/// Consumes the rest of the current line, its `\n` included, without storing it.
pub(crate) fn skip_line(reader: &mut dyn BufRead) -> io::Result<()> {
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(());
        }
        match chunk.iter().position(|&b| b == b'\n') {
            Some(at) => {
                reader.consume(at + 1);
                return Ok(());
            }
            None => {
                let used = chunk.len();
                reader.consume(used);
            }
        }
    }
}

/// Line numbers of increasing byte offsets of a text, counting each newline once in total.
pub(crate) struct LineCounter<'t> {
    bytes: &'t [u8],
    offset: usize,
    line: u32,
}

impl<'t> LineCounter<'t> {
    /// A counter at the start of `text` (line 1).
    pub(crate) fn new(text: &'t str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of the byte at `offset`; offsets must not decrease between calls.
    pub(crate) fn line_of(&mut self, offset: usize) -> u32 {
        debug_assert!(offset >= self.offset);
        let newlines = self.bytes[self.offset..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line = self
            .line
            .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        self.offset = offset;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<Result<String, ()>> {
        let mut reader = io::BufReader::with_capacity(4, input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Some(line) = read_capped_line(&mut reader, max, &mut buf).unwrap() {
            match line {
                CappedLine::Complete => out.push(Ok(String::from_utf8(buf.clone()).unwrap())),
                CappedLine::TooLong => {
                    skip_line(&mut reader).unwrap();
                    out.push(Err(()));
                }
            }
        }
        out
    }

    #[test]
    fn long_lines_are_reported_and_skipped() {
        let ok = |s: &str| Ok(s.to_string());
        assert_eq!(
            lines(b"short\nmuch too long a line\n\nlast", 8),
            [ok("short"), Err(()), ok(""), ok("last")]
        );
        assert_eq!(lines(b"12345678\n123456789", 8), [ok("12345678"), Err(())]);
        assert_eq!(lines(b"", 8), []);
        assert_eq!(lines(b"a\n", 8), [ok("a")]);
    }
}
