//! Signal storms on a sync program (SPEC §11, "Tests"): fixture
//! `src/bin/signal_storm.rs`, checks in `src/storm.rs`. Run with `--nocapture` to see
//! each storm's seed, timing and tally; `CEMENT_STORM_RUNS` and `CEMENT_STORM_SEED`
//! change the runs and replay a seed.
#![cfg(unix)]

use cement_tests::storm::{Storm, run_storm};

const FIXTURE: &str = env!("CARGO_BIN_EXE_signal_storm");

#[test]
fn one_signal_at_any_moment_lets_the_lifecycle_finish_in_order_and_exits_143() {
    run_storm("sync one-signal", FIXTURE, Storm::OneSignal);
}

#[test]
fn two_signals_close_together_keep_the_order_and_exit_with_one_of_their_codes() {
    run_storm("sync two-signals", FIXTURE, Storm::TwoSignals);
}

#[test]
fn one_signal_during_a_normal_close_lets_close_and_atexit_finish_and_exits_143() {
    run_storm("sync signal-in-close", FIXTURE, Storm::OneSignalInClose);
}
