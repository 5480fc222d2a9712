//! A first signal in each phase of an async program's lifecycle: the checks of
//! `cement-tests`' `tests/lifecycle_signals.rs` (in its `src/lifecycle_signals.rs`),
//! through `#[cement::main] async fn` with async hooks. Fixture
//! `src/bin/async_lifecycle_signals.rs`.

use cement_tests::lifecycle_signals as check;

const FIXTURE: &str = env!("CARGO_BIN_EXE_async_lifecycle_signals");

#[test]
fn a_signal_during_async_setup_lets_setup_finish_then_closes_without_running_the_body() {
    check::signal_during_setup(FIXTURE);
}

#[test]
fn a_first_signal_during_an_async_close_lets_close_and_atexit_finish_and_exits_143() {
    check::signal_during_close(FIXTURE, false);
}

#[test]
fn a_cooperating_async_body_returning_after_a_signal_runs_post_run_then_close_on_its_thread() {
    check::body_returns_then_post_run_then_close(FIXTURE, "body-returns");
}

#[test]
fn an_async_body_returning_as_shutdown_is_requested_runs_post_run_then_close_on_its_thread() {
    check::body_returns_then_post_run_then_close(FIXTURE, "request-in-signal-hook");
}
