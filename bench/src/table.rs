//! Markdown tables, number formatting, and the binaries' small argument parser.

use crate::Result;

/// A markdown table, printed once complete.
#[derive(Debug, Clone)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new(headers: &[&str]) -> Self {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells print empty).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table as markdown.
    pub fn render(&self) -> String {
        let line = |cells: &[String]| {
            let mut s = String::from("|");
            for i in 0..self.headers.len() {
                s.push(' ');
                s.push_str(cells.get(i).map_or("", String::as_str));
                s.push_str(" |");
            }
            s.push('\n');
            s
        };
        let mut out = line(&self.headers);
        out.push('|');
        out.push_str(&"---|".repeat(self.headers.len()));
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }

    /// Prints the table to stdout, followed by a blank line.
    pub fn print(&self) {
        println!("{}", self.render());
    }
}

/// A number with `decimals` digits after the point; `n/a` for NaN or infinity.
pub fn num(value: f64, decimals: usize) -> String {
    if value.is_finite() {
        format!("{value:.decimals$}")
    } else {
        "n/a".into()
    }
}

/// A ratio as `1.23×`.
pub fn ratio(value: f64) -> String {
    if value.is_finite() {
        format!("{value:.2}×")
    } else {
        "n/a".into()
    }
}

/// Bytes as MiB with one decimal.
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
}

/// Whether an aim was met, as a table cell.
pub fn verdict(met: bool) -> String {
    if met { "yes" } else { "**no**" }.into()
}

/// The command-line arguments of a benchmark binary: `--name value` options, bare words.
#[derive(Debug, Clone, Default)]
pub struct Args {
    options: Vec<(String, String)>,
    /// Arguments that are not options, in order.
    pub words: Vec<String>,
}

impl Args {
    /// Parses `args` (without the program name). Every `--name` takes one value.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args> {
        let mut out = Args::default();
        let mut it = args.into_iter();
        while let Some(arg) = it.next() {
            if let Some(name) = arg.strip_prefix("--") {
                let value = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
                out.options.push((name.to_string(), value));
            } else {
                out.words.push(arg);
            }
        }
        Ok(out)
    }

    /// The value of `--name`, parsed, or `default`.
    pub fn get<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T> {
        match self.options.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => v
                .parse()
                .map_err(|_| format!("--{name}: cannot parse {v:?}").into()),
            None => Ok(default),
        }
    }

    /// The value of `--name`, if given.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Fails on an option not in `known`.
    pub fn only(&self, known: &[&str]) -> Result<()> {
        match self
            .options
            .iter()
            .find(|(n, _)| !known.contains(&n.as_str()))
        {
            Some((n, _)) => {
                Err(format!("unknown option --{n} (known: --{})", known.join(", --")).into())
            }
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown() {
        let mut t = Table::new(&["a", "b"]);
        t.row(vec!["1".into()]);
        assert_eq!(t.render(), "| a | b |\n|---|---|\n| 1 |  |\n");
    }

    #[test]
    fn parses_options() {
        let a = Args::parse(["x".into(), "--runs".into(), "1".into()]).unwrap();
        assert_eq!(a.get("runs", 3usize).unwrap(), 1);
        assert_eq!(a.get("files", 0usize).unwrap(), 0);
        assert_eq!(a.words, ["x"]);
        assert!(a.only(&["files"]).is_err());
    }
}
