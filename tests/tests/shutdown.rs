//! Shutdown requests at process level (SPEC §7): a caught signal asks the body to
//! stop, a cooperating body returns before close starts, on its own thread. Fixtures
//! `src/bin/shutdown.rs` (default grace) and `src/bin/shutdown_grace.rs` (300 ms).

use std::path::PathBuf;

use cement_tests::{Run, Running, run_fixture};

fn start(fixture: &str, args: &[&str]) -> Running {
    let mut running = Running::start(fixture, args);
    running.wait_for("ready");
    running
}

fn scratch_path(name: &str, round: usize) -> PathBuf {
    std::env::temp_dir().join(format!(
        "cement-shutdown-{name}-{}-{round}.tmp",
        std::process::id()
    ))
}

#[test]
fn a_cooperating_worker_stops_before_close_so_no_scratch_file_is_left_30_times_in_30() {
    for round in 0..30 {
        let path = scratch_path("worker", round);
        let fixture = start(
            env!("CARGO_BIN_EXE_shutdown"),
            &["worker", path.to_str().unwrap()],
        );
        fixture.send("TERM");
        let (run, _) = fixture.finish();
        let left = path.exists();
        let _ = std::fs::remove_file(&path);
        assert!(
            !left,
            "round {round}: the scratch file was left behind: {run:?}"
        );
        assert_eq!(
            run.stdout,
            [
                "ready",
                "signal hook SIGTERM",
                "pre_close",
                "post_close code 143",
                "atexit handler"
            ],
            "round {round}: {}",
            run.stderr
        );
        assert_eq!(run.code, Some(143), "round {round}: {}", run.stderr);
        assert_eq!(run.stderr, "", "round {round}");
    }
}

#[test]
fn a_body_blocked_in_wait_for_shutdown_returns_and_its_guard_drops_before_pre_close() {
    let fixture = start(env!("CARGO_BIN_EXE_shutdown"), &["blocked"]);
    fixture.send("INT");
    let (run, _) = fixture.finish();
    assert_eq!(
        run.stdout,
        [
            "ready",
            "signal hook SIGINT",
            "body stops",
            "body's guard dropped",
            "pre_close",
            "post_close code 130",
            "atexit handler"
        ],
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(130), "{}", run.stderr);
    assert_eq!(run.stderr, "");
}

#[test]
fn a_body_that_does_not_return_within_its_grace_is_reported_and_closed_beside_it() {
    let fixture = start(env!("CARGO_BIN_EXE_shutdown_grace"), &[]);
    fixture.send("TERM");
    let (run, _) = fixture.finish();
    assert_eq!(
        run.stdout,
        [
            "ready",
            "signal hook SIGTERM",
            "pre_close code 143",
            "atexit handler"
        ],
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr,
        "cement: the body did not return within the shutdown grace of 300ms after SIGTERM; \
         closing now\n"
    );
    assert_eq!(run.code, Some(143));
}

#[test]
fn a_second_signal_during_the_grace_ends_the_process_at_once() {
    let mut fixture = start(env!("CARGO_BIN_EXE_shutdown"), &["ignores-request"]);
    fixture.send("TERM");
    fixture.wait_for("body ignores the request");
    fixture.send("INT");
    let (run, _) = fixture.finish();
    assert_eq!(
        run.stdout,
        ["ready", "signal hook SIGTERM", "body ignores the request"]
    );
    assert_eq!(
        run.stderr,
        "cement: SIGINT while shutting down: exiting at once with 130\n"
    );
    assert_eq!(run.code, Some(130));
}

#[test]
fn request_shutdown_from_another_thread_stops_the_body_and_leaves_the_code_alone() {
    let run: Run = run_fixture!("shutdown", "request-from-thread");
    assert_eq!(
        run.stdout,
        [
            "requesting from another thread",
            "body stops",
            "pre_close",
            "post_close code 0",
            "atexit handler"
        ],
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stderr, "");
}

#[test]
fn a_body_that_never_asks_is_closed_at_once_without_waiting_for_a_grace() {
    let fixture = start(env!("CARGO_BIN_EXE_shutdown"), &["uncooperative"]);
    fixture.send("TERM");
    let (run, _) = fixture.finish();
    // The body never returns, so close did not wait for it; no grace ran out.
    assert_eq!(
        run.stdout,
        [
            "ready",
            "signal hook SIGTERM",
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
