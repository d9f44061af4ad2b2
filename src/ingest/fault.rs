//! Fault injection for crash tests: `TIM_FAULT=POINT` makes the process abort (as a `kill -9`
//! would end it) when it reaches the named checkpoint. Points: `after-walk`, `mid-batch`,
//! `before-commit`. `TIM_FAULT=POINT:N` aborts at the N-th time the point is reached.
//!
//! Production runs never set the variable; reading it costs one lookup per process.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

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
