//! Supervised thread tasks at process level , fixture `src/bin/tasks.rs`:
//! close stops them by weight before `pre_close`, a failing task stops the program
//! with its code, a straggler is named and left running while close goes on, a
//! handle stops one task, and a task spawned once close began is refused.

use cement_tests::{Running, run_fixture};

#[test]
fn tasks_stop_by_weight_before_pre_close() {
    let run = run_fixture!("tasks", "weights");
    run.assert(
        &[
            "body returns",
            "a asked",
            "a stopped",
            "b asked",
            "b stopped",
            "pre_close code 0",
        ],
        &[],
        0,
    );
}

#[test]
fn a_failing_thread_task_is_reported_and_stops_the_program_with_code_1() {
    let run = run_fixture!("tasks", "failing");
    run.assert(
        &[
            "body waits",
            "db-writer fails",
            "body returns",
            "pre_close code 1",
        ],
        &["cement: task db-writer returned an error: disk full"],
        1,
    );
}

#[test]
fn a_panicking_task_reports_its_payload_and_sets_its_failure_code() {
    let run = run_fixture!("tasks", "failure-code");
    run.assert(
        &[
            "body waits",
            "db-writer fails",
            "body returns",
            "pre_close code 70",
        ],
        &["cement: task db-writer panicked: connection lost"],
        70,
    );
}

#[test]
fn an_ignored_failure_is_reported_and_recorded_and_the_program_goes_on_with_status_0() {
    let run = run_fixture!("tasks", "ignore-failure");
    run.assert(
        &[
            "optional finished true",
            "recorded: task optional returned an error: cache unavailable \
             (task Some(\"optional\"), point None)",
            "shutdown requested false, code 0",
            "body goes on",
            "pre_close code 0",
        ],
        &["cement: task optional returned an error: cache unavailable"],
        0,
    );
}

#[test]
fn a_thread_past_its_grace_is_named_left_running_and_close_goes_on_with_status_1() {
    let run = run_fixture!("tasks", "straggler");
    run.assert(
        &[
            "indexer runs, and never looks at its token",
            "body returns",
            "pre_close code 1",
            "pre_close: indexer finished false",
            "pre_close: recorded task indexer did not stop: left running after its grace of 50ms",
        ],
        &["cement: tasks did not stop within their grace: indexer (thread, 50ms, left running)"],
        1,
    );
}

#[test]
fn a_handle_stops_and_joins_one_task_while_the_program_runs_on() {
    let run = run_fixture!("tasks", "stop-one");
    run.assert(
        &[
            "poller stopped",
            "poller joined true",
            "flusher joined within 10ms false, finished false",
            "shutdown requested false",
            "body returns",
            "flusher stopped",
            "pre_close code 0",
        ],
        &[],
        0,
    );
}

#[test]
fn a_task_spawned_once_close_began_is_refused_with_one_line() {
    let run = run_fixture!("tasks", "late-spawn");
    run.assert(
        &[
            "body returns",
            "pre_close code 0",
            "late finished true, ran false",
        ],
        &["cement: task late not started: the App is closing"],
        0,
    );
}

/// Unix only: `.ci/windows` skips it.
#[test]
fn tasks_sigterm_runs_the_signal_hook_lets_the_body_return_then_stops_the_tasks_and_exits_143() {
    let mut fixture = Running::start(env!("CARGO_BIN_EXE_tasks"), &["sigterm"]);
    fixture.wait_for("ready");
    fixture.send("TERM");
    let (run, _) = fixture.finish();
    run.assert(
        &[
            "ready",
            "signal hook SIGTERM",
            "body returns",
            "worker stopped",
            "flusher stopped",
            "pre_close code 143",
        ],
        &[],
        143,
    );
}
