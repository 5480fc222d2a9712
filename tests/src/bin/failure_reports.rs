//! Declared hooks that fail in each way SPEC §10 words a report for, one per case:
//! the first argument is the App's label, and each hook is scoped to one label. The
//! process exits with the App's code. See `tests/failure_reports.rs`.

use std::error::Error;
use std::fmt;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use cement::{App, cleanup};

const MISSING: &str = "/nonexistent/cement-failure-reports/journal";

#[cleanup(pre_close, app = "io-error")]
fn read_missing_file() -> std::io::Result<()> {
    std::fs::read(MISSING)?;
    Ok(())
}

/// `flushing the journal`, caused by an I/O error.
#[derive(Debug)]
struct FlushError(std::io::Error);

impl fmt::Display for FlushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("flushing the journal")
    }
}

impl Error for FlushError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.0)
    }
}

/// `saving the session`, caused by a [`FlushError`].
#[derive(Debug)]
struct SaveError(FlushError);

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("saving the session")
    }
}

impl Error for SaveError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.0)
    }
}

fn save_session() -> Result<(), SaveError> {
    std::fs::read(MISSING).map_err(|error| SaveError(FlushError(error)))?;
    Ok(())
}

#[cleanup(pre_close, app = "error-with-source")]
fn save_with_source() -> Result<(), SaveError> {
    save_session()
}

#[cleanup(pre_close, app = "boxed-error")]
fn save_boxed() -> Result<(), Box<dyn Error + Send + Sync>> {
    save_session()?;
    Ok(())
}

#[cleanup(pre_close, app = "anyhow")]
fn flush_journal() -> anyhow::Result<()> {
    let result = std::fs::read(MISSING).context("reading the flush journal");
    if let Err(error) = &result {
        // Shows that RUST_BACKTRACE=1 took effect: the error holds a backtrace, which
        // its `Debug` would print and the report must not.
        let captured = error.backtrace().status() == std::backtrace::BacktraceStatus::Captured;
        println!("backtrace captured: {captured}");
    }
    result?;
    Ok(())
}

#[cleanup(pre_close, app = "string")]
fn string_error() -> Result<(), String> {
    Err("multi\nline".to_owned())
}

#[cleanup(pre_close, app = "panic")]
fn panics_on_two_lines() {
    panic!("first line\nsecond line");
}

/// An error type with `Debug` only.
#[derive(Debug)]
struct Opaque {
    #[allow(dead_code)] // Read through `Debug` only.
    code: u8,
}

#[cleanup(pre_close, app = "debug-only")]
fn debug_only() -> Result<(), Opaque> {
    Err(Opaque { code: 7 })
}

fn main() -> ExitCode {
    assert!(!Path::new(MISSING).exists());
    let label = std::env::args().nth(1).expect("a case: the App's label");
    let app = App::new(label);
    app.setup();
    let code = app.close();
    ExitCode::from(u8::try_from(code).expect("a small code"))
}
