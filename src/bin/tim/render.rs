//! Turning results into terminal or JSON output, and progress into a bar.

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};
use base64::Engine;
use indicatif::{ProgressBar, ProgressStyle};
use timkiem::ingest::indexer::{Progress, Summary};
use timkiem::ingest::walk::path_text;
use timkiem::search::searcher::Hit;

use crate::cli::ColorChoice;

/// Makes text safe to print on a terminal: control characters (C0 except tab, DEL, C1) and
/// bidirectional overrides are shown as visible escapes (`\x1b`, `\u{202e}`), so text from the
/// corpus can never move the cursor, change the title, or reorder what the user sees.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_safe(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_safe(out: &mut String, c: char) {
    if !is_unsafe(c) {
        out.push(c);
    } else if (c as u32) < 0x100 {
        out.push_str(&format!("\\x{:02x}", c as u32));
    } else {
        out.push_str(&format!("\\u{{{:04x}}}", c as u32));
    }
}

fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Whether to colour stdout.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
}

const PATH_STYLE: Style = AnsiColor::Magenta.on_default();
const LINE_STYLE: Style = AnsiColor::Green.on_default();
const MATCH_STYLE: Style = AnsiColor::Red.on_default().bold();

/// Prints hits, ripgrep style or as JSON Lines.
pub struct HitPrinter<W: Write> {
    out: W,
    json: bool,
    color: bool,
    root: Option<PathBuf>,
    files_only: bool,
    printed_files: std::collections::HashSet<String>,
}

impl<W: Write> HitPrinter<W> {
    /// A printer; `root` is prefixed to paths in human output.
    pub fn new(out: W, json: bool, color: bool, root: Option<PathBuf>, files_only: bool) -> Self {
        HitPrinter {
            out,
            json,
            color,
            root,
            files_only,
            printed_files: Default::default(),
        }
    }

    /// Prints one batch of hits.
    pub fn print(&mut self, hits: &[Hit], query_id: Option<&str>) -> io::Result<()> {
        for hit in hits {
            if self.files_only {
                if self
                    .printed_files
                    .insert(format!("{}\0{}", query_id.unwrap_or(""), hit.path))
                {
                    self.print_file(hit, query_id)?;
                }
            } else if self.json {
                self.print_json(hit, query_id)?;
            } else {
                self.print_human(hit)?;
            }
        }
        Ok(())
    }

    /// Flushes the output.
    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn display_path(&self, hit: &Hit) -> String {
        let path = match &self.root {
            Some(root) if !hit.record && !root.as_os_str().is_empty() => {
                let mut path = path_text(root);
                if !path.ends_with('/') {
                    path.push('/');
                }
                path.push_str(&hit.path);
                path
            }
            _ => hit.path.clone(),
        };
        escape_controls(&path).into_owned()
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn print_file(&mut self, hit: &Hit, query_id: Option<&str>) -> io::Result<()> {
        if self.json {
            // The same naming keys as a full hit: a lossy `path` alone could not be opened.
            let mut v = serde_json::json!({"path": hit.path});
            if hit.record {
                v["id"] = hit.path.clone().into();
            }
            if let Some(raw) = &hit.path_bytes {
                v["path_bytes_base64"] =
                    base64::engine::general_purpose::STANDARD.encode(raw).into();
            }
            if let Some(id) = query_id {
                v["query_id"] = id.into();
            }
            writeln!(self.out, "{}", json_text(&v))
        } else {
            let path = self.paint(PATH_STYLE, &self.display_path(hit));
            writeln!(self.out, "{path}")
        }
    }

    fn print_human(&mut self, hit: &Hit) -> io::Result<()> {
        let path = self.paint(PATH_STYLE, &self.display_path(hit));
        let line = self.paint(LINE_STYLE, &hit.match_line.to_string());
        let mut snippet = String::new();
        let mut at = 0;
        for &[start, end] in &hit.highlights {
            snippet.push_str(&escape_controls(&hit.snippet[at..start]));
            snippet.push_str(&self.paint(MATCH_STYLE, &escape_controls(&hit.snippet[start..end])));
            at = end;
        }
        snippet.push_str(&escape_controls(&hit.snippet[at..]));
        writeln!(self.out, "{path}:{line}:{snippet}")
    }

    fn print_json(&mut self, hit: &Hit, query_id: Option<&str>) -> io::Result<()> {
        let mut v = serde_json::json!({
            "path": hit.path,
            "score": hit.score,
            "line": hit.line,
            "match_line": hit.match_line,
            "passage": hit.passage,
            "bytes": hit.bytes,
            "snippet": hit.snippet,
            "highlights": hit.highlights,
        });
        if hit.record {
            v["id"] = hit.path.clone().into();
        }
        if let Some(raw) = &hit.path_bytes {
            v["path_bytes_base64"] = base64::engine::general_purpose::STANDARD.encode(raw).into();
        }
        if let Some(id) = query_id {
            v["query_id"] = id.into();
        }
        if let Some(suggestion) = &hit.suggestion {
            v["suggestion"] = suggestion.clone().into();
        }
        writeln!(self.out, "{}", json_text(&v))
    }
}

/// A JSON value as text in which every character [`escape_controls`] would escape is a `\uXXXX`
/// escape: serde_json escapes C0 controls itself, but writes DEL, C1 controls and bidi
/// overrides raw, and a terminal may still act on those. Outside strings JSON is ASCII, so the
/// replaced characters are always inside strings, where the escape means the same character.
fn json_text(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if !text.chars().any(is_unsafe) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            // Every unsafe character is in the Basic Multilingual Plane: one escape each.
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Indexing progress: a bar on a terminal, warnings on stderr.
pub struct BarProgress {
    bar: Option<ProgressBar>,
    quiet: bool,
    warnings: bool,
}

impl BarProgress {
    /// A progress reporter; `quiet` silences the bar and the warnings.
    pub fn new(quiet: bool) -> Self {
        BarProgress {
            bar: None,
            quiet,
            warnings: !quiet,
        }
    }

    /// The same reporter, without per-file warnings.
    pub fn without_warnings(mut self) -> Self {
        self.warnings = false;
        self
    }
}

impl Progress for BarProgress {
    fn start(&mut self, files: u64, bytes: u64) {
        if self.quiet || !io::stderr().is_terminal() || files == 0 {
            return;
        }
        let bar = ProgressBar::new(bytes);
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {bytes}/{total_bytes} ({bytes_per_sec}, ETA {eta}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(format!("{files} files"));
        self.bar = Some(bar);
    }

    fn advance(&mut self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    fn warn(&mut self, path: &Path, reason: &str) {
        if !self.warnings {
            return;
        }
        let line = format!(
            "tim: skipped {}: {}",
            escape_controls(&path.display().to_string()),
            escape_controls(reason)
        );
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    fn finish(&mut self, _summary: &Summary) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_controls_covers_every_terminal_trick() {
        let mut unsafe_chars: Vec<char> = ('\0'..='\u{1f}').filter(|&c| c != '\t').collect();
        unsafe_chars.extend('\u{7f}'..='\u{9f}');
        unsafe_chars.extend('\u{202a}'..='\u{202e}');
        unsafe_chars.extend('\u{2066}'..='\u{2069}');
        for c in unsafe_chars {
            let text = format!("a{c}b");
            let escaped = escape_controls(&text);
            assert!(!escaped.contains(c), "U+{:04X} left raw", c as u32);
            assert!(
                escaped.starts_with('a') && escaped.ends_with('b'),
                "{escaped}"
            );
            let json = json_text(&serde_json::Value::String(text.clone()));
            assert!(!json.contains(c), "U+{:04X} raw in JSON", c as u32);
            let back: String = serde_json::from_str(&json).unwrap();
            assert_eq!(back, text);
        }
        assert_eq!(escape_controls("\u{1b}]0;x\u{7}"), "\\x1b]0;x\\x07");
        assert_eq!(escape_controls("\u{9b}"), "\\x9b");
        assert_eq!(escape_controls("\u{202e}"), "\\u{202e}");
        for safe in [
            "tab\there",
            "Hoàng Xuân Chiến",
            "Đà Nẵng ﬁ Ｖ",
            "emoji 🙂",
            "עברית",
        ] {
            assert!(matches!(escape_controls(safe), Cow::Borrowed(_)), "{safe}");
        }
    }
}
