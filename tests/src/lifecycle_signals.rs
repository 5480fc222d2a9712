//! The checks of a first signal in each phase of the lifecycle, one per way random
//! signal storms found it broken, shared by the sync fixture
//! (`src/bin/lifecycle_signals.rs`, `tests/lifecycle_signals.rs`) and the async one
//! (`async/src/bin/async_lifecycle_signals.rs`, `async/tests/lifecycle_signals.rs`),
//! which print the same lines. Each waits for the line after which the fixture is in
//! the phase, sends SIGTERM, and checks the whole of stdout, the `cement:` lines and
//! the status.

use crate::{Run, Running};

/// What a first signal during close says.
pub const FINISHING_CLOSE: &str =
    "cement: SIGTERM while closing; finishing close (a second signal ends at once)\n";

/// Runs the fixture at `path` with `scenario`, sends SIGTERM once it printed `line`,
/// and waits for it to end.
fn term_after(path: &str, scenario: &str, line: &str) -> Run {
    let mut fixture = Running::start(path, &[scenario]);
    fixture.wait_for(line);
    fixture.send("TERM");
    fixture.finish().0
}

/// Checks a run's stdout, stderr and status.
fn check(run: &Run, stdout: &[&str], stderr: &str, code: i32) {
    assert_eq!(run.stdout, stdout, "{}", run.stderr);
    assert_eq!(run.stderr, stderr);
    assert_eq!(run.code, Some(code));
}

/// A signal during setup: setup finishes, no body runs, close runs, 143.
pub fn signal_during_setup(path: &str) {
    let run = term_after(path, "signal-in-setup", "ready");
    let stdout = [
        "ready",
        "signal hook SIGTERM",
        "post_setup done",
        "pre_close",
        "post_close code 143",
        "atexit handler",
    ];
    check(&run, &stdout, "", 143);
}

/// A first signal during a normal close: close and the atexit handler finish, 143 (or
/// the code set before, with `code_set`).
pub fn signal_during_close(path: &str, code_set: bool) {
    let (scenario, body, code) = if code_set {
        ("signal-in-close-code-set", "body sets code 3", 3)
    } else {
        ("signal-in-close", "body", 143)
    };
    let run = term_after(path, scenario, "closing slowly");
    let post_close = format!("post_close code {code}");
    let stdout = [
        "pre_run",
        body,
        "post_run",
        "closing slowly",
        "pre_close done",
        &post_close,
        "atexit handler",
    ];
    check(&run, &stdout, FINISHING_CLOSE, code);
}

/// The body returns after the signal hook (`body-returns`), or just as the signal
/// hook requests shutdown (`request-in-signal-hook`): `post_run` runs to its end
/// before close starts, on the body's thread.
pub fn body_returns_then_post_run_then_close(path: &str, scenario: &str) {
    let run = term_after(path, scenario, "ready");
    let stdout = [
        "pre_run",
        "ready",
        "signal hook SIGTERM",
        "body returns",
        "post_run",
        "post_run done closed=false",
        "pre_close",
        "post_close code 143",
        "atexit handler",
    ];
    check(&run, &stdout, "", 143);
}
