//! `tim`: index and search bilingual Vietnamese/English text from the terminal.
//!
//! `main` stays thin: parse the arguments, run the command, and turn its outcome into an exit
//! status (0 = matched / done, 1 = nothing matched, 2 = error with one line on stderr).

mod cli;
mod commands;
mod render;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: analysis allocates tokens on its worker threads
/// that tantivy's indexing threads free, a pattern glibc's malloc handles slowly.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How a command ended, as the shell sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Something matched, or the command did its work.
    Success,
    /// The search matched nothing.
    NoMatch,
}

/// mimalloc's `purge_delay` option: how long freed memory is kept before it is returned to the
/// system, in milliseconds (-1: never): its index in the option enum of mimalloc 2.3 and 3.3.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps the memory the process frees for its own reuse. A build allocates and frees buffers
/// all along (each new tantivy segment gets fresh indexing buffers just after the last one's
/// were freed): by default mimalloc hands freed memory back to the system after a second, and
/// it is then page-faulted in again, zeroed by the kernel. Kept, a cold build of the news
/// benchmark makes ~1.2k page faults instead of 18–33k and takes ~3% less CPU time, for 15–40
/// MB more peak memory (`bench/README.md`). `tim` exits when its command is done, so nothing
/// is held beyond that.
fn keep_freed_memory() {
    // SAFETY: only stores one option value, which mimalloc reads when it next purges memory.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

fn main() -> ExitCode {
    keep_freed_memory();
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(err) => return usage_error(&err),
    };
    match commands::run(args) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::NoMatch) => ExitCode::from(1),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(commands::CommandError::Lib(timkiem::Error::Interrupted)) => {
            eprintln!("tim: interrupted; the index keeps its last commit");
            // 128 + SIGINT, as shells report a command ended by Ctrl-C.
            ExitCode::from(130)
        }
        Err(err) => {
            let _ = std::io::stdout().flush();
            // Paths in the message may hold control characters: they are shown escaped.
            let message = one_line(&format!("{err:#}"));
            eprintln!("tim: {}", render::escape_controls(&message));
            ExitCode::from(2)
        }
    }
}

/// Bad arguments are an error like any other: one line on stderr, exit 2 (clap's own report
/// spreads over several lines, with a blank one and a usage block). `--help`, `--version` and
/// a bare `tim` still print their text as clap does.
fn usage_error(err: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = err.print();
        return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
    }
    // The report's blocks: "error: …", its tips, "Usage: …", "For more information…".
    let rendered = err.render().to_string();
    let parts: Vec<String> = rendered
        .split("\n\n")
        .map(one_line)
        .filter(|part| !part.is_empty() && !part.starts_with("For more information"))
        .map(|part| match part.strip_prefix("error: ") {
            Some(message) => message.to_string(),
            None => part.replacen("Usage: ", "usage: ", 1),
        })
        .collect();
    // Arguments are echoed in the message and may hold control characters.
    eprintln!("tim: {}", render::escape_controls(&parts.join("; ")));
    ExitCode::from(2)
}

/// A closed pipe (`tim search x | head -1`) is the reader saying "enough", not an error.
fn is_broken_pipe(err: &commands::CommandError) -> bool {
    err.io_kind() == Some(std::io::ErrorKind::BrokenPipe)
}

/// Errors are printed on one line, whatever their sources contain.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `MI_OPTION_PURGE_DELAY` was read from the option enums of mimalloc 2.3 and 3.3 (the same
    /// index in both): another major version must be checked again.
    #[test]
    fn mimalloc_is_a_version_whose_option_enum_was_checked() {
        // SAFETY: reads a constant.
        let version = unsafe { libmimalloc_sys::mi_version() };
        assert!(
            matches!(version / 100, 203 | 303),
            "mimalloc {version}: check MI_OPTION_PURGE_DELAY against its mimalloc.h"
        );
        keep_freed_memory();
        // SAFETY: reads an option value.
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) },
            -1
        );
    }
}
