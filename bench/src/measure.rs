//! Timing, medians, percentiles, child processes with their peak memory, sizes on disk.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;

/// The median of `values` (the mean of the two middle ones for an even count); `NaN` if empty.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// The `p`-th percentile (0–100) of `values`, nearest-rank; `NaN` if empty.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// Runs `f` and returns its result with the seconds it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_secs_f64())
}

/// Megabytes (10⁶ bytes) per second.
pub fn mb_per_s(bytes: u64, seconds: f64) -> f64 {
    bytes as f64 / 1e6 / seconds
}

/// What a finished child process cost.
#[derive(Debug, Clone, Copy)]
pub struct ChildRun {
    /// Wall-clock time from spawn to exit.
    pub wall: Duration,
    /// Peak resident set size of the child (its own, not its siblings'), in bytes.
    pub peak_rss: u64,
    /// Exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Bytes the child wrote to stdout (drained through a pipe, never sent to `/dev/null`:
    /// ripgrep stops at the first match when its stdout is `/dev/null`).
    pub stdout_bytes: u64,
}

/// Runs `cmd` to completion, draining its stdout and discarding its stderr, and reports its
/// wall time and peak RSS. The child is reaped with `wait4`, which gives that one child's
/// resource usage (`getrusage(RUSAGE_CHILDREN)` would give the maximum over all children).
pub fn run_child(cmd: &mut Command) -> Result<ChildRun> {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let mut stdout_bytes = 0u64;
    if let Some(mut out) = child.stdout.take() {
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = out.read(&mut buf)?;
            if n == 0 {
                break;
            }
            stdout_bytes += n as u64;
        }
    }
    let pid = libc::pid_t::try_from(child.id())?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data, valid when zeroed; `wait4` writes into both out-params.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own un-reaped child; the pointers are to live locals.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if reaped != pid {
        return Err(format!(
            "wait4 on {cmd:?} failed: {}",
            std::io::Error::last_os_error()
        )
        .into());
    }
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Ok(ChildRun {
        wall,
        // Linux reports ru_maxrss in KiB.
        peak_rss: u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
        code,
        stdout_bytes,
    })
}

/// This process's own peak RSS (`VmHWM`) in bytes. A child spawned now reports at least this
/// much as its peak: Linux folds the parent's high-water mark into the child's `ru_maxrss`
/// when the child execs, so it is the floor below which child figures mean nothing.
pub fn own_peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kib| kib * 1024)
}

/// Like [`run_child`], failing unless the exit code is one of `ok_codes`.
pub fn run_child_ok(cmd: &mut Command, ok_codes: &[i32]) -> Result<ChildRun> {
    let run = run_child(cmd)?;
    match run.code {
        Some(c) if ok_codes.contains(&c) => Ok(run),
        other => Err(format!("{cmd:?} failed with exit status {other:?}").into()),
    }
}

/// Total size in bytes of the regular files under `path` (or of `path` itself if a file).
pub fn disk_size(path: &Path) -> Result<u64> {
    let meta = std::fs::symlink_metadata(path)?;
    if meta.is_file() {
        return Ok(meta.len());
    }
    let mut total = 0;
    if meta.is_dir() {
        for entry in std::fs::read_dir(path)? {
            total += disk_size(&entry?.path())?;
        }
    }
    Ok(total)
}

/// Removes `path` (file or directory) if it exists.
pub fn remove_if_exists(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path)?,
        Ok(_) => std::fs::remove_file(path)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

/// The number of CPUs this process may use.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_percentiles() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert!(median(&[]).is_nan());
    }
}
