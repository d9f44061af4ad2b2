//! Fault injection for crash tests. Production runs never set these variables; reading each
//! costs one lookup per process.
//!
//! - `TIM_FAULT=POINT` makes the process abort (as a `kill -9` would end it) when it reaches
//!   the named checkpoint; `TIM_FAULT=POINT:N` aborts at the N-th time the point is reached.
//!   Points: `after-walk`, `mid-batch` (a file's documents added, not committed),
//!   `before-commit`, `mid-commit` (segments written by tantivy's `prepare_commit`, its
//!   `meta.json` not yet).
//! - `TIM_FAULT_VANISH=REL_PATH` removes the corpus file at `REL_PATH` right after the walk,
//!   so a file that disappears between the walk and its reading can be tested.
//! - `TIM_FAULT_DELAY_MS=N` sleeps N milliseconds after each file is applied, so a run lasts
//!   long enough for tests to search, signal or start a second writer while it is under way.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

static FAULT: OnceLock<Option<(String, u64)>> = OnceLock::new();
static HITS: AtomicU64 = AtomicU64::new(0);

/// Aborts the process if `TIM_FAULT` names `point` (and its count is reached).
pub fn hit(point: &str) {
    let fault = FAULT.get_or_init(|| {
        let value = std::env::var("TIM_FAULT").ok()?;
        let (name, nth) = match value.split_once(':') {
            Some((name, n)) => (name.to_string(), n.parse().unwrap_or(1)),
            None => (value, 1),
        };
        Some((name, nth.max(1)))
    });
    if let Some((name, nth)) = fault {
        if name == point && HITS.fetch_add(1, Ordering::Relaxed) + 1 >= *nth {
            eprintln!("tim: injected fault at {point}");
            std::process::abort();
        }
    }
}

/// Removes `corpus/$TIM_FAULT_VANISH` if the variable is set (called right after the walk).
pub fn vanish(corpus: &Path) {
    if let Some(rel) = std::env::var_os("TIM_FAULT_VANISH").filter(|v| !v.is_empty()) {
        let _ = std::fs::remove_file(corpus.join(rel));
    }
}

/// Sleeps `$TIM_FAULT_DELAY_MS` milliseconds, if set (called after each file is applied).
pub fn delay() {
    static DELAY: OnceLock<Option<Duration>> = OnceLock::new();
    let delay = DELAY.get_or_init(|| {
        let ms: u64 = std::env::var("TIM_FAULT_DELAY_MS").ok()?.parse().ok()?;
        Some(Duration::from_millis(ms))
    });
    if let Some(delay) = delay {
        std::thread::sleep(*delay);
    }
}
