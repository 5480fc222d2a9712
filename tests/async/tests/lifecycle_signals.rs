//! A first signal in each phase of an async program's lifecycle (SPEC §11): the
//! tests of `cement-tests`' `tests/lifecycle_signals.rs`, through `#[cement::main]
//! async fn` with async hooks. Fixture `src/bin/async_lifecycle_signals.rs`.

use cement_tests::{Run, Running};

/// Runs `async_lifecycle_signals` with `scenario`, sends SIGTERM once it printed
/// `line`, and waits for it to end.
fn term_after(scenario: &str, line: &str) -> Run {
    let mut fixture = Running::start(env!("CARGO_BIN_EXE_async_lifecycle_signals"), &[scenario]);
    fixture.wait_for(line);
    fixture.send("TERM");
    fixture.finish().0
}

#[test]
fn a_signal_during_async_setup_lets_setup_finish_then_closes_without_running_the_body() {
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
fn a_first_signal_during_an_async_close_lets_close_and_atexit_finish_and_exits_143() {
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
    assert_eq!(
        run.stderr,
        "cement: SIGTERM while closing; finishing close (a second signal ends at once)\n"
    );
    assert_eq!(run.code, Some(143));
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
fn a_cooperating_async_body_returning_after_a_signal_runs_post_run_then_close_on_its_thread() {
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
fn an_async_body_returning_as_shutdown_is_requested_runs_post_run_then_close_on_its_thread() {
    let run = term_after("request-in-signal-hook", "ready");
    assert_eq!(
        run.stdout, BODY_RETURNS_THEN_POST_RUN_THEN_CLOSE,
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, Some(143));
}
