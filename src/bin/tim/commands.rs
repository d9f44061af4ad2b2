//! The subcommands: each resolves its arguments, calls the library, and hands results to
//! `render`.

use std::io::{self, Write};

use serde_json::json;
use timkiem::analysis::{Analyzer, FieldKind};

use crate::cli::{AnalyzeArgs, Cli, Command};
use crate::Outcome;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The library reported an error.
    #[error(transparent)]
    Lib(#[from] timkiem::Error),
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Io(#[from] io::Error),
}

impl CommandError {
    /// The I/O error kind, when the failure was one.
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            CommandError::Io(e) => Some(e.kind()),
            CommandError::Lib(timkiem::Error::Io { source, .. }) => Some(source.kind()),
            CommandError::Lib(_) => None,
        }
    }
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<Outcome, CommandError> {
    match cli.command {
        Command::Analyze(args) => analyze(args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "tim", &mut io::stdout());
            Ok(Outcome::Success)
        }
        _ => Err(timkiem::Error::Invalid("this command is not available yet".into()).into()),
    }
}

fn analyze(args: AnalyzeArgs) -> Result<Outcome, CommandError> {
    let text = args.text.join(" ");
    let analyzer = Analyzer::default();
    let tokens = analyzer.field_tokens(&text);
    let mut out = io::stdout().lock();
    if args.json {
        let mut object = serde_json::Map::new();
        for field in FieldKind::ALL {
            let list: Vec<_> = tokens
                .get(field)
                .iter()
                .map(|t| {
                    json!({"token": t.text, "start": t.offset_from, "end": t.offset_to, "position": t.position})
                })
                .collect();
            object.insert(field.name().to_string(), list.into());
        }
        writeln!(out, "{}", serde_json::Value::Object(object))?;
    } else {
        writeln!(
            out,
            "{:<8} {:>4} {:>6} {:>6}  token  (text)",
            "field", "pos", "start", "end"
        )?;
        for field in FieldKind::ALL {
            for t in tokens.get(field) {
                let original = crate::render::escape_controls(&text[t.offset_from..t.offset_to]);
                writeln!(
                    out,
                    "{:<8} {:>4} {:>6} {:>6}  {}  ({original})",
                    field.name(),
                    t.position,
                    t.offset_from,
                    t.offset_to,
                    crate::render::escape_controls(&t.text),
                )?;
            }
        }
    }
    Ok(Outcome::Success)
}
