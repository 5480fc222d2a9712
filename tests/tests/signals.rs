//! Signals at process level: a real binary is started, the test waits until it says
//! `ready`, sends a signal with `kill`, and checks what it printed and how it ended.

use cement_tests::{Run, Running};

/// Runs the `signals` fixture with `args`, sends `signal` once it says `ready`, and
/// waits for it to end: what it printed, and the signal that killed it, if one did.
fn after_signal(args: &[&str], signal: &str) -> (Run, Option<i32>) {
    let mut fixture = Running::start(env!("CARGO_BIN_EXE_signals"), args);
    fixture.wait_for("ready");
    fixture.send(signal);
    fixture.finish()
}

fn closes_on(signal: &str, name: &str, status: i32) {
    let (run, _) = after_signal(&["wait"], signal);
    assert_eq!(
        run.stdout,
        [
            "ready".to_owned(),
            format!("signal hook {name}"),
            format!("pre_close code {status}"),
            "deferred cleanup".to_owned(),
            "post_close".to_owned(),
            "atexit handler".to_owned(),
        ],
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(status), "{}", run.stderr);
}

#[test]
fn sigterm_runs_signal_hooks_and_close_then_exits_143() {
    closes_on("TERM", "SIGTERM", 143);
}

#[test]
fn sigint_runs_signal_hooks_and_close_then_exits_130() {
    closes_on("INT", "SIGINT", 130);
}

#[test]
fn sighup_runs_signal_hooks_and_close_then_exits_129() {
    closes_on("HUP", "SIGHUP", 129);
}

#[test]
fn a_signal_hook_can_choose_the_exit_code() {
    let (run, _) = after_signal(&["wait", "--signal-hook-sets-code"], "TERM");
    assert_eq!(
        run.stdout,
        [
            "ready",
            "signal hook SIGTERM",
            "pre_close code 7",
            "deferred cleanup",
            "post_close",
            "atexit handler"
        ]
    );
    assert_eq!(run.code, Some(7), "{}", run.stderr);
}

#[test]
fn a_second_signal_while_closing_exits_at_once() {
    let mut fixture = Running::start(env!("CARGO_BIN_EXE_signals"), &["slow-close"]);
    fixture.wait_for("ready");
    fixture.send("TERM");
    fixture.wait_for("closing slowly");
    fixture.send("INT");
    let (run, _) = fixture.finish();
    assert_eq!(
        run.stdout,
        [
            "ready",
            "signal hook SIGTERM",
            "pre_close code 143",
            "closing slowly"
        ]
    );
    assert_eq!(
        run.stderr,
        "cement: SIGINT while shutting down: exiting at once with 130\n"
    );
    assert_eq!(run.code, Some(130));
}

#[test]
fn closing_the_app_restores_the_default_disposition() {
    let (run, killed_by) = after_signal(&["closed"], "TERM");
    assert_eq!(run.stdout, ["pre_close code 0", "post_close", "ready"]);
    assert_eq!(killed_by, Some(SIGTERM), "{run:?}");
}

#[test]
fn a_first_signal_during_a_close_that_main_started_lets_it_finish_with_143() {
    let mut fixture = Running::start(env!("CARGO_BIN_EXE_signals"), &["close-slowly"]);
    fixture.wait_for("closing slowly");
    fixture.send("TERM");
    let (run, _) = fixture.finish();
    assert_eq!(
        run.stdout,
        [
            "pre_close code 0",
            "closing slowly",
            "close goes on",
            "post_close",
            "closed with 143",
            "atexit handler"
        ]
    );
    assert_eq!(
        run.stderr,
        "cement: SIGTERM while closing; finishing close (a second signal ends at once)\n"
    );
    assert_eq!(run.code, Some(143));
}

#[test]
fn only_the_first_app_set_up_catches_signals() {
    let (run, _) = after_signal(&["two-apps"], "TERM");
    assert_eq!(
        run.stdout,
        [
            "ready",
            "signal hook SIGTERM",
            "pre_close code 143",
            "post_close",
            "second App closed at exit"
        ],
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(143), "{}", run.stderr);
}

#[test]
fn closing_the_app_keeps_a_signal_that_was_ignored_ignored() {
    // `sh` ignores SIGHUP, then becomes the fixture, which inherits that.
    let fixture_path = env!("CARGO_BIN_EXE_signals");
    let mut fixture = Running::start(
        "sh",
        &["-c", "trap '' HUP; exec \"$0\" closed", fixture_path],
    );
    fixture.wait_for("ready");
    fixture.send("HUP");
    // Had HUP killed it, this would find it gone and `finish` would say SIGHUP.
    fixture.send("TERM");
    let (run, killed_by) = fixture.finish();
    assert_eq!(run.stdout, ["pre_close code 0", "post_close", "ready"]);
    assert_eq!(killed_by, Some(SIGTERM), "{run:?}");
}

/// SIGTERM's number on Linux and the BSDs.
const SIGTERM: i32 = 15;
