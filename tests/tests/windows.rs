//! The signal path on Windows (SPEC §9), under Wine: `.ci/windows` cross-builds the
//! fixtures for `x86_64-pc-windows-gnu` and runs this file with
//! `CEMENT_WINE_FIXTURES` set (and the `wine` feature, which builds it).
//!
//! Under Wine, a SIGINT sent to the process becomes a `CTRL_C_EVENT`. A caught event
//! ends the process with `STATUS_CONTROL_C_EXIT` (0xC000013A), whose low byte, 58, is
//! what a Linux parent sees. Ctrl-Break and a closed console cannot be sent to a
//! process here, so the `console_event` fixture calls cement's handler routine the
//! way Windows would.

use cement_tests::{Run, Running, run_fixture, wine};

/// What a Linux parent sees of `STATUS_CONTROL_C_EXIT`.
const CONTROL_C_EXIT: i32 = wine::status(0xC000_013A);
/// The code as hooks see it: `0xC000013A` as an `i32`.
const CODE: i32 = 0xC000_013A_u32 as i32;

fn under_wine() {
    assert!(
        wine::active(),
        "run by .ci/windows, with CEMENT_WINE_FIXTURES naming the Windows fixtures"
    );
}

fn after_ctrl_c(fixture: &str, args: &[&str]) -> Run {
    under_wine();
    wine::unless_wine_fails(|| {
        let mut running = Running::start(fixture, args);
        running.wait_for("ready");
        running.send("INT");
        running.finish()
    })
}

#[test]
fn ctrl_c_runs_the_signal_hooks_close_and_atexit_then_exits_with_status_control_c_exit() {
    let run = after_ctrl_c(env!("CARGO_BIN_EXE_signals"), &["wait"]);
    assert_eq!(
        run.stdout,
        [
            "ready".to_owned(),
            "signal hook SIGINT".to_owned(),
            format!("pre_close code {CODE}"),
            "deferred cleanup".to_owned(),
            "post_close".to_owned(),
            "atexit handler".to_owned(),
        ],
        "{run:?}"
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, Some(CONTROL_C_EXIT), "{run:?}");
}

#[test]
fn ctrl_c_through_cement_main_closes_and_runs_atexit_handlers() {
    let run = after_ctrl_c(env!("CARGO_BIN_EXE_main_signals"), &["wait"]);
    assert_eq!(
        run.stdout,
        [
            "ready".to_owned(),
            "signal hook SIGINT".to_owned(),
            format!("pre_close code {CODE}"),
            "post_close".to_owned(),
            "atexit handler".to_owned(),
        ],
        "{run:?}"
    );
    assert_eq!(run.code, Some(CONTROL_C_EXIT), "{run:?}");
}

#[test]
fn ctrl_c_wakes_a_cooperating_body_whose_guard_drops_before_close() {
    let run = after_ctrl_c(env!("CARGO_BIN_EXE_shutdown"), &["blocked"]);
    assert_eq!(
        run.stdout,
        [
            "ready".to_owned(),
            "signal hook SIGINT".to_owned(),
            "body stops".to_owned(),
            "body's guard dropped".to_owned(),
            "pre_close".to_owned(),
            format!("post_close code {CODE}"),
            "atexit handler".to_owned(),
        ],
        "{run:?}"
    );
    assert_eq!(run.code, Some(CONTROL_C_EXIT), "{run:?}");
}

#[test]
fn a_cooperating_worker_leaves_no_scratch_file_10_times_in_10() {
    for round in 0..10 {
        let path = std::env::temp_dir().join(format!(
            "cement-windows-worker-{}-{round}.tmp",
            std::process::id()
        ));
        let run = after_ctrl_c(
            env!("CARGO_BIN_EXE_shutdown"),
            &["worker", &format!("Z:{}", path.display())],
        );
        let left = path.exists();
        let _ = std::fs::remove_file(&path);
        assert!(!left, "round {round}: the scratch file was left: {run:?}");
        assert_eq!(run.code, Some(CONTROL_C_EXIT), "round {round}: {run:?}");
    }
}

#[test]
fn a_body_that_never_asks_is_closed_at_once() {
    let run = after_ctrl_c(env!("CARGO_BIN_EXE_shutdown"), &["uncooperative"]);
    assert_eq!(
        run.stdout,
        [
            "ready".to_owned(),
            "signal hook SIGINT".to_owned(),
            "pre_close".to_owned(),
            format!("post_close code {CODE}"),
            "atexit handler".to_owned(),
        ],
        "{run:?}"
    );
    assert_eq!(run.code, Some(CONTROL_C_EXIT), "{run:?}");
}

#[test]
fn the_grace_running_out_is_reported_and_close_runs_beside_the_body() {
    let run = after_ctrl_c(env!("CARGO_BIN_EXE_shutdown_grace"), &[]);
    assert_eq!(
        run.stderr,
        "cement: the body did not return within the shutdown grace of 300ms after SIGINT; \
         closing now\n"
    );
    assert_eq!(run.code, Some(CONTROL_C_EXIT), "{run:?}");
}

/// Sends Ctrl-C once the fixture is ready, and again once it printed `then`.
fn after_two_ctrl_c(fixture: &str, args: &[&str], then: &str) -> Run {
    under_wine();
    wine::unless_wine_fails(|| {
        let mut running = Running::start(fixture, args);
        running.wait_for("ready");
        running.send("INT");
        running.wait_for(then);
        running.send("INT");
        running.finish()
    })
}

#[test]
fn a_second_ctrl_c_while_closing_exits_at_once() {
    let run = after_two_ctrl_c(
        env!("CARGO_BIN_EXE_signals"),
        &["slow-close"],
        "closing slowly",
    );
    assert_eq!(
        run.stderr, "cement: SIGINT while shutting down: exiting at once with 0xC000013A\n",
        "{run:?}"
    );
    assert_eq!(run.code, Some(CONTROL_C_EXIT), "{run:?}");
}

#[test]
fn a_first_ctrl_c_during_a_close_that_main_started_lets_it_finish() {
    under_wine();
    let run = wine::unless_wine_fails(|| {
        let mut running = Running::start(env!("CARGO_BIN_EXE_signals"), &["close-slowly"]);
        running.wait_for("closing slowly");
        running.send("INT");
        running.finish()
    });
    assert_eq!(
        run.stdout,
        [
            "pre_close code 0",
            "closing slowly",
            "close goes on",
            "post_close",
            &format!("closed with {}", 0xC000_013A_u32 as i32),
            "atexit handler"
        ],
        "{run:?}"
    );
    assert_eq!(
        run.stderr,
        "cement: SIGINT while closing; finishing close (a second signal ends at once)\n"
    );
    assert_eq!(run.code, Some(CONTROL_C_EXIT), "{run:?}");
}

#[test]
fn a_second_ctrl_c_during_the_grace_exits_at_once() {
    let run = after_two_ctrl_c(
        env!("CARGO_BIN_EXE_shutdown"),
        &["ignores-request"],
        "body ignores the request",
    );
    assert_eq!(
        run.stderr, "cement: SIGINT while shutting down: exiting at once with 0xC000013A\n",
        "{run:?}"
    );
    assert_eq!(run.code, Some(CONTROL_C_EXIT), "{run:?}");
}

#[test]
fn ctrl_break_is_signal_break_and_closes_an_uncooperative_body() {
    under_wine();
    let run = run_fixture!("console_event", "BREAK", "blocked");
    assert_eq!(
        run.stdout,
        [
            "signal hook CTRL_BREAK_EVENT",
            "pre_close code 0xc000013a",
            "atexit handler"
        ],
        "{run:?}"
    );
    assert_eq!(run.code, Some(CONTROL_C_EXIT), "{run:?}");
}

#[test]
fn a_closed_console_waits_for_a_cooperating_body_which_closes_on_its_thread() {
    under_wine();
    let run = run_fixture!("console_event", "CLOSE", "cooperating");
    assert_eq!(
        run.stdout,
        [
            "signal hook CTRL_CLOSE_EVENT",
            "body stops",
            "pre_close code 0xc000013a",
            "atexit handler"
        ],
        "{run:?}"
    );
    assert_eq!(run.code, Some(CONTROL_C_EXIT), "{run:?}");
}
