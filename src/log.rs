//! The native library's log: what was sent where, answers, retries and waits. Lines never hold
//! bodies, header values or tokens (only method, host/path, status, timing and request ids), so
//! they are safe to show at any level. Kept in a bounded in-memory buffer that callers drain
//! (the module writes them to -Debug); `APIMB_LOG=info|debug` also copies them to stderr.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;

use once_cell::sync::Lazy;

pub const OFF: u8 = 0;
pub const ERROR: u8 = 1;
pub const INFO: u8 = 2;
pub const DEBUG: u8 = 3;

const CAPACITY: usize = 2000;

static LEVEL: Lazy<AtomicU8> = Lazy::new(|| AtomicU8::new(env_level().unwrap_or(OFF)));
static STDERR: Lazy<bool> = Lazy::new(|| env_level().is_some());
static BUFFER: Lazy<Mutex<VecDeque<String>>> = Lazy::new(|| Mutex::new(VecDeque::new()));

fn env_level() -> Option<u8> {
    match std::env::var("APIMB_LOG")
        .ok()?
        .to_ascii_lowercase()
        .as_str()
    {
        "error" => Some(ERROR),
        "info" => Some(INFO),
        "debug" | "trace" => Some(DEBUG),
        _ => None,
    }
}

pub fn set_level(level: u8) {
    LEVEL.store(level.min(DEBUG), Ordering::Relaxed);
}

pub fn enabled(level: u8) -> bool {
    level != OFF && level <= LEVEL.load(Ordering::Relaxed)
}

/// Records a line when `level` is enabled; the text is built only then.
pub fn log(level: u8, line: impl FnOnce() -> String) {
    if !enabled(level) {
        return;
    }
    let line = line();
    if *STDERR {
        eprintln!("apimbackend: {line}");
    }
    let mut buf = BUFFER.lock().unwrap_or_else(|p| p.into_inner());
    if buf.len() == CAPACITY {
        buf.pop_front();
    }
    buf.push_back(line);
}

/// Takes every buffered line, oldest first.
pub fn drain() -> Vec<String> {
    BUFFER
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .drain(..)
        .collect()
}
