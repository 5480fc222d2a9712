//! A first signal in each phase of the lifecycle, one test per way random signal
//! storms found it broken: fixture `src/bin/lifecycle_signals.rs`, checks in
//! `src/lifecycle_signals.rs` (shared with the async fixture).

use cement_tests::lifecycle_signals as check;

const FIXTURE: &str = env!("CARGO_BIN_EXE_lifecycle_signals");

#[test]
fn a_signal_during_setup_lets_setup_finish_then_closes_without_running_the_body() {
    check::signal_during_setup(FIXTURE);
}

#[test]
fn a_first_signal_during_a_normal_close_lets_close_and_atexit_finish_and_exits_143() {
    check::signal_during_close(FIXTURE, false);
}

#[test]
fn a_first_signal_during_a_normal_close_keeps_a_code_already_set() {
    check::signal_during_close(FIXTURE, true);
}

#[test]
fn a_cooperating_body_returning_after_a_signal_runs_post_run_then_close_on_its_thread() {
    check::body_returns_then_post_run_then_close(FIXTURE, "body-returns");
}

#[test]
fn a_body_returning_as_shutdown_is_requested_runs_post_run_then_close_on_its_thread() {
    check::body_returns_then_post_run_then_close(FIXTURE, "request-in-signal-hook");
}
