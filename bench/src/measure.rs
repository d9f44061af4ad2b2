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
#[derive(Debug, Clone)]
pub struct ChildRun {
    /// Wall-clock time from spawn to exit.
    pub wall: Duration,
    /// User plus system CPU time of the child (its own threads, not its siblings').
    pub cpu: Duration,
    /// Peak resident set size of the child (its own, not its siblings'), in bytes.
    pub peak_rss: u64,
    /// Exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Bytes the child wrote to stdout (drained through a pipe, never sent to `/dev/null`:
    /// ripgrep stops at the first match when its stdout is `/dev/null`).
    pub stdout_bytes: u64,
    /// What the child wrote to stderr: kept out of the report, and shown when it fails.
    pub stderr: String,
}

/// Runs `cmd` to completion, draining its stdout and collecting its stderr, and reports its
/// wall time, CPU time and peak RSS. The child is reaped with `wait4`, which gives that one
/// child's resource usage (`getrusage(RUSAGE_CHILDREN)` would give the maximum over all
/// children).
pub fn run_child(cmd: &mut Command) -> Result<ChildRun> {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    // Drained on its own thread: a child blocked on a full stderr pipe would never close
    // its stdout.
    let stderr = child.stderr.take().map(|mut err| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = err.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    });
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
    let stderr = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let seconds = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    Ok(ChildRun {
        wall,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        // Linux reports ru_maxrss in KiB.
        peak_rss: u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
        code,
        stdout_bytes,
        stderr,
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
        other => Err(format!(
            "{cmd:?} failed with exit status {other:?}: {}",
            run.stderr.trim_end()
        )
        .into()),
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

    #[test]
    fn a_child_s_stderr_is_kept_out_of_the_way_and_shown_when_it_fails() {
        // Writes more than a pipe holds to stderr before its stdout: a parent that drained
        // stdout alone would wait forever.
        let script = "head -c 200000 /dev/zero | tr '\\0' e >&2; echo out; exit 3";
        let run = run_child(Command::new("sh").args(["-c", script])).unwrap();
        assert_eq!(run.code, Some(3));
        assert_eq!(run.stdout_bytes, 4);
        assert_eq!(run.stderr.len(), 200_000);
        let err = run_child_ok(
            Command::new("sh").args(["-c", "echo broken >&2; exit 2"]),
            &[0],
        )
        .unwrap_err()
        .to_string();
        assert!(err.ends_with("exit status Some(2): broken"), "{err}");
    }

    #[test]
    fn a_child_s_cpu_time_is_measured() {
        // A busy loop of a few tens of milliseconds, on one thread: some CPU time, never more
        // than the wall time.
        let script = "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done";
        let run = run_child_ok(Command::new("sh").args(["-c", script]), &[0]).unwrap();
        assert!(run.cpu > Duration::ZERO, "{run:?}");
        assert!(run.cpu <= run.wall + Duration::from_millis(10), "{run:?}");
    }
}
