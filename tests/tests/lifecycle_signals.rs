//! A first signal in each phase of the lifecycle (SPEC §11), one test per way random
//! signal storms found it broken: fixture `src/bin/lifecycle_signals.rs`. Each test
//! waits for the line after which the fixture is in the phase, sends the signal, and
//! checks the whole of stdout, the `cement:` lines and the status.

use cement_tests::{Run, Running};

/// What a first signal during close says (SPEC §11).
const FINISHING_CLOSE: &str =
    "cement: SIGTERM while closing; finishing close (a second signal ends at once)\n";

/// Runs `lifecycle_signals` with `scenario`, sends SIGTERM once it printed `line`, and
/// waits for it to end.
fn term_after(scenario: &str, line: &str) -> Run {
    let mut fixture = Running::start(env!("CARGO_BIN_EXE_lifecycle_signals"), &[scenario]);
    fixture.wait_for(line);
    fixture.send("TERM");
    fixture.finish().0
}

#[test]
fn a_signal_during_setup_lets_setup_finish_then_closes_without_running_the_body() {
    let run = term_after("signal-in-setup", "ready");
    assert_eq!(
        run.stdout,
        [
            "ready",
            "signal hook SIGTERM",
            "post_setup done",
            "pre_close",
            "post_close code 143",
            "atexit handler"
        ],
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, Some(143));
}

#[test]
fn a_first_signal_during_a_normal_close_lets_close_and_atexit_finish_and_exits_143() {
    let run = term_after("signal-in-close", "closing slowly");
    assert_eq!(
        run.stdout,
        [
            "pre_run",
            "body",
            "post_run",
            "closing slowly",
            "pre_close done",
            "post_close code 143",
            "atexit handler"
        ],
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr, FINISHING_CLOSE);
    assert_eq!(run.code, Some(143));
}

#[test]
fn a_first_signal_during_a_normal_close_keeps_a_code_already_set() {
    let run = term_after("signal-in-close-code-set", "closing slowly");
    assert_eq!(
        run.stdout,
        [
            "pre_run",
            "body sets code 3",
            "post_run",
            "closing slowly",
            "pre_close done",
            "post_close code 3",
            "atexit handler"
        ],
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr, FINISHING_CLOSE);
    assert_eq!(run.code, Some(3));
}

/// What `body-returns` and `request-in-signal-hook` print: the body returns after the
/// signal hook, then `post_run` runs to its end before close starts.
const BODY_RETURNS_THEN_POST_RUN_THEN_CLOSE: [&str; 9] = [
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

#[test]
fn a_cooperating_body_returning_after_a_signal_runs_post_run_then_close_on_its_thread() {
    let run = term_after("body-returns", "ready");
    assert_eq!(
        run.stdout, BODY_RETURNS_THEN_POST_RUN_THEN_CLOSE,
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, Some(143));
}

#[test]
fn a_body_returning_as_shutdown_is_requested_runs_post_run_then_close_on_its_thread() {
    let run = term_after("request-in-signal-hook", "ready");
    assert_eq!(
        run.stdout, BODY_RETURNS_THEN_POST_RUN_THEN_CLOSE,
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, Some(143));
}
