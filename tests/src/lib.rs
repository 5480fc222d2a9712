//! Process-level tests for cement. Each fixture in `src/bin/` is a real program; the
//! tests in `tests/` run it with [`run`] and assert its exit status and the exact
//! order of what it printed.

use std::process::{Command, Stdio};

/// What a fixture did.
#[derive(Debug)]
pub struct Run {
    /// Exit code, or `None` if a signal ended the process.
    pub code: Option<i32>,
    /// Standard output, a line each.
    pub stdout: Vec<String>,
    /// Standard error, whole.
    pub stderr: String,
}

impl Run {
    /// The lines of stderr that cement wrote (`cement: ...`).
    pub fn reports(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|line| line.starts_with("cement: "))
            .collect()
    }
}

/// Runs the fixture binary at `path` (from `env!("CARGO_BIN_EXE_<name>")`) with `args`
/// and waits for it.
pub fn run(path: &str, args: &[&str]) -> Run {
    let output = Command::new(path)
        .args(args)
        .stdin(Stdio::null())
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap_or_else(|error| panic!("cannot run {path}: {error}"));
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_owned)
            .collect(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the fixture named `$name` (a file in `src/bin/`) with optional arguments.
#[macro_export]
macro_rules! run_fixture {
    ($name:literal $(, $arg:expr)* $(,)?) => {
        $crate::run(env!(concat!("CARGO_BIN_EXE_", $name)), &[$($arg),*])
    };
}
