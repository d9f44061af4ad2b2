//! ripgrep, located on `PATH` (the benchmark never installs it; its row is skipped with a
//! message when it is missing: `apt-get install ripgrep` or `cargo install ripgrep`).

use std::path::PathBuf;

/// The `rg` binary on `PATH`, if any.
pub fn binary() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("rg"))
        .find(|candidate| candidate.is_file())
}
