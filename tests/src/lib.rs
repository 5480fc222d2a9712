//! Process-level tests for cement. Each fixture in `src/bin/` is a real program; the
//! tests in `tests/` run it with [`run`] and assert its exit status and the exact
//! order of what it printed. [`storm`] runs a fixture many times under signals sent
//! at random moments and checks every run against SPEC §11.
//!
//! The same tests can run the fixtures cross-built for Windows under Wine: with
//! `CEMENT_WINE_FIXTURES` set to a directory of `<name>.exe` fixtures, [`run`] and
//! [`Running::start`] start `<dir>/<name>.exe` under Wine instead of the native
//! fixture (see [`wine`] and `ci/wine/README.md`). Unset, nothing changes.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

pub mod lifecycle_signals;
pub mod storm;
pub mod wine;

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
    /// Asserts the whole of stdout, cement's lines on stderr (and nothing else
    /// there), and the exit status.
    pub fn assert(&self, stdout: &[&str], reports: &[&str], code: i32) {
        assert_eq!(self.stdout, stdout, "{self:#?}");
        assert_eq!(self.reports(), reports, "{self:#?}");
        assert_eq!(
            self.stderr.lines().count(),
            reports.len(),
            "only cement's lines on stderr: {self:#?}"
        );
        assert_eq!(self.code, Some(code), "{self:#?}");
    }

    /// The lines of stderr that cement wrote (`cement: ...`).
    pub fn reports(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|line| line.starts_with("cement: "))
            .collect()
    }
}

/// For fixtures: prints `line` and flushes at once, so a test waiting on it sees it
/// before the fixture blocks or ends.
pub fn say(line: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
    let _ = stdout.flush();
}

/// For fixtures: says its line (with [`say`]) when dropped, to show whether and when
/// a local's destructor ran.
pub struct SaysWhenDropped(pub &'static str);

impl Drop for SaysWhenDropped {
    fn drop(&mut self) {
        say(self.0);
    }
}

/// Milestones reached so far in this process, for [`reach`] and [`wait_until_reached`].
static REACHED: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
static REACHED_CHANGED: Condvar = Condvar::new();

/// For fixtures: notes that this process reached `milestone`, waking threads in
/// [`wait_until_reached`]. Orders one thread after another without a sleep.
pub fn reach(milestone: &'static str) {
    REACHED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(milestone);
    REACHED_CHANGED.notify_all();
}

/// For fixtures: waits until some thread has [`reach`]ed `milestone`, at most
/// `timeout`; whether it had.
pub fn wait_until_reached(milestone: &str, timeout: Duration) -> bool {
    let reached = REACHED.lock().unwrap_or_else(PoisonError::into_inner);
    let (reached, _) = REACHED_CHANGED
        .wait_timeout_while(reached, timeout, |reached| !reached.contains(&milestone))
        .unwrap_or_else(PoisonError::into_inner);
    reached.contains(&milestone)
}

/// For fixtures: polls `done` every few milliseconds until it is true or `timeout`
/// has passed; whether it turned true. For what has no wait of its own (whether an
/// App has closed): a bounded wait that shows something did *not* happen.
pub fn poll_until(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if done() {
            return true;
        }
        if start.elapsed() >= timeout {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// For fixtures: waits until the test sends `line` on stdin ([`Running::tell`]): a
/// handshake, so the test can look at what the fixture did so far while it waits.
pub fn wait_for_input(line: &str) {
    for next in std::io::stdin().lines() {
        if next.expect("read stdin") == line {
            return;
        }
    }
    panic!("stdin closed before the test sent {line:?}");
}

/// For fixtures: blocks this thread for good (until a signal ends the process).
pub fn wait_forever() -> ! {
    loop {
        std::thread::park();
    }
}

/// Runs the fixture binary at `path` (from `env!("CARGO_BIN_EXE_<name>")`) with `args`
/// and waits for it.
pub fn run(path: &str, args: &[&str]) -> Run {
    run_with_env(path, args, &[])
}

/// [`run`], with the environment variables `env` set for the fixture (and
/// `RUST_BACKTRACE` unset unless `env` sets it).
pub fn run_with_env(path: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    // Under Wine only: a run that failed in Wine itself is made again.
    wine::unless_wine_fails(|| {
        let output = fixture_command(path)
            .args(args)
            .stdin(Stdio::null())
            .env_remove("RUST_BACKTRACE")
            .envs(env.iter().copied())
            .output()
            .unwrap_or_else(|error| panic!("cannot run {path}: {error}"));
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout)
                .lines()
                .map(str::to_owned)
                .collect(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        (run, wine::signal_of(&output.status))
    })
}

/// Runs the fixture named `$name` (a file in `src/bin/`) with optional arguments.
#[macro_export]
macro_rules! run_fixture {
    ($name:literal $(, $arg:expr)* $(,)?) => {
        $crate::run(env!(concat!("CARGO_BIN_EXE_", $name)), &[$($arg),*])
    };
}

/// A running fixture whose stdout is read line by line.
pub struct Running {
    child: Child,
    /// A pipe for [`Running::tell`], when started with [`Running::start_command`].
    stdin: Option<ChildStdin>,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
    seen: Vec<String>,
}

impl Running {
    /// Starts the fixture at `path` with `args`.
    ///
    /// Under Wine ([`wine`]) the child is the Wine loader, which becomes the Windows
    /// program in the same process: [`Running::send`]`("INT")` reaches its console
    /// control handler as `CTRL_C_EVENT`.
    pub fn start(path: &str, args: &[&str]) -> Running {
        let mut command = fixture_command(path);
        command.args(args).stdin(Stdio::null());
        Running::spawn(command)
    }

    /// Starts `command` as it is set up (a native fixture, its arguments and
    /// environment), with a pipe to its stdin for [`Running::tell`].
    pub fn start_command(mut command: Command) -> Running {
        command.stdin(Stdio::piped());
        Running::spawn(command)
    }

    fn spawn(mut command: Command) -> Running {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {command:?}: {error}"));
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Running {
            stdin: child.stdin.take(),
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Sends `line` to the fixture's stdin, for its [`wait_for_input`].
    pub fn tell(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("started with start_command");
        writeln!(stdin, "{line}").expect("write to the fixture's stdin");
        stdin.flush().expect("flush the fixture's stdin");
    }

    /// Reads stdout until `line` arrives.
    pub fn wait_for(&mut self, line: &str) {
        for next in self.lines.by_ref() {
            let next = next.expect("read the fixture's stdout");
            let found = next == line;
            self.seen.push(next);
            if found {
                return;
            }
        }
        let ended = self.ended();
        panic!("the fixture ended before printing {line:?}: {ended}");
    }

    /// Reads stdout until a line starting with `prefix` arrives; returns the rest of
    /// that line.
    pub fn wait_for_prefix(&mut self, prefix: &str) -> String {
        for next in self.lines.by_ref() {
            let next = next.expect("read the fixture's stdout");
            let rest = next.strip_prefix(prefix).map(str::to_owned);
            self.seen.push(next);
            if let Some(rest) = rest {
                return rest;
            }
        }
        let ended = self.ended();
        panic!("the fixture ended before printing a line starting with {prefix:?}: {ended}");
    }

    /// How a fixture whose stdout closed early ended, and what it printed, for the
    /// message of a failed wait. Under Wine, a fixture that [`wine::failed_in_wine`]
    /// unwinds with [`wine::FailedInWine`] instead, for [`wine::unless_wine_fails`].
    fn ended(&mut self) -> String {
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
        }
        let status = self.child.wait();
        let ended = format!("{status:?}, stdout {:?}, stderr {stderr:?}", self.seen);
        let signal = status.as_ref().ok().and_then(wine::signal_of);
        if wine::failed_in_wine(signal, &stderr) {
            std::panic::panic_any(wine::FailedInWine(ended));
        }
        ended
    }

    /// Sends `signal` (`TERM`, `INT`, ...) with `kill`.
    pub fn send(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Reads the rest of its output and waits for it to end; also returns the
    /// signal that ended it, if one did.
    pub fn finish(mut self) -> (Run, Option<i32>) {
        // A fixture still waiting for input gets end-of-file rather than hanging.
        drop(self.stdin.take());
        self.seen.extend(self.lines.map(|line| line.unwrap()));
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut self.child.stderr.take().unwrap(), &mut stderr).unwrap();
        let status = self.child.wait().unwrap();
        let killed_by = wine::signal_of(&status);
        let run = Run {
            code: status.code(),
            stdout: self.seen,
            stderr,
        };
        (run, killed_by)
    }
}

/// The command that starts the fixture at `path`: the native binary, or, with
/// `CEMENT_WINE_FIXTURES` set, the `.exe` of the same name under Wine.
///
/// The fixtures are built with cement's `systemd` feature: a `NOTIFY_SOCKET` in the
/// test's own environment (a test run under a service) is not passed on to them.
fn fixture_command(path: &str) -> Command {
    let mut command = match wine::fixtures() {
        None => Command::new(path),
        Some(dir) => wine::command(&dir, path),
    };
    command.env_remove("NOTIFY_SOCKET");
    command
}
