//! The `tracing` feature at process level: the fixture crate `cement-tracing-fixture`
//! (not a workspace member, so that no other test builds `cement` with the feature)
//! is built with cargo and run; its fmt subscriber writes to stdout.

use std::path::{Path, PathBuf};
use std::process::Command;

use cement_tests::{Run, run};

/// Builds the fixture and returns its binary. The target folder is the one
/// `cement_test.rs` builds its fixture in, so the dependencies both share are built
/// once.
fn build_fixture() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("tracing-fixture/Cargo.toml");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cement-test-fixture-target");
    let output = Command::new(env!("CARGO"))
        .args(["build", "--locked", "--color", "never", "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("run cargo on the tracing fixture");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target.join("debug/cement-tracing-fixture")
}

fn run_fixture(args: &[&str]) -> Run {
    run(build_fixture().to_str().unwrap(), args)
}

const SETUP: &str = "cement.setup{label=\"tracing-fixture\"}: cement:";
const RUN: &str = "cement.run{label=\"tracing-fixture\"}: cement:";
const CLOSE: &str = "cement.close{label=\"tracing-fixture\"}: cement:";

#[test]
fn failures_are_error_events_with_their_fields_and_stderr_stays_empty() {
    let run = run_fixture(&[]);
    let expected = [
        format!(
            "DEBUG {SETUP} running hook point=\"pre_setup\" \
             hook=\"cement_tracing_fixture::announce\""
        ),
        format!("DEBUG {RUN} running hook point=\"pre_run\" hook=\"#1 (run-time, weight 0)\""),
        format!(
            "DEBUG {CLOSE} running hook point=\"pre_close\" \
             hook=\"cement_tracing_fixture::flush_journal\""
        ),
        format!(
            "ERROR {CLOSE} hook failed point=\"pre_close\" \
             hook=\"cement_tracing_fixture::flush_journal\" \
             error=\"No such file or directory (os error 2)\" panicked=false"
        ),
        format!("DEBUG {CLOSE} running cleanup hook=\"deferred cleanup #1\""),
        format!(
            "ERROR {CLOSE} cleanup failed hook=\"deferred cleanup #1\" \
             error=\"lock lost\\nfor good\" panicked=true"
        ),
        format!("DEBUG {CLOSE} running hook point=\"post_close\" hook=\"#2 (run-time, weight 3)\""),
        format!(
            "ERROR {CLOSE} hook failed point=\"post_close\" hook=\"#2 (run-time, weight 3)\" \
             error=\"post_close failed\" panicked=true"
        ),
        "code 1, 3 failures".to_owned(),
    ];
    assert_eq!(run.stdout, expected, "{}", run.stderr);
    // No `cement:` line, and no panic message either.
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, Some(1));
}

#[test]
fn an_atexit_failure_goes_to_stderr_as_the_subscriber_cannot_take_it() {
    let run = run_fixture(&["atexit"]);
    assert_eq!(run.stdout.last().unwrap(), "code 1, 3 failures");
    assert_eq!(
        run.stderr,
        "cement: atexit handler #1 panicked: atexit handler failed\n"
    );
    // The status is the App's: an atexit handler leaves it unchanged.
    assert_eq!(run.code, Some(1));
}

#[test]
fn a_close_as_the_process_ends_runs_whole_and_reports_on_stderr() {
    let run = run_fixture(&["process-exit"]);
    // The close runs inside libc's `exit`, after the thread-locals a subscriber needs
    // are gone: cement does not trace there, and every hook still runs.
    assert_eq!(
        run.stdout,
        [
            format!(
                "DEBUG {SETUP} running hook point=\"pre_setup\" \
                 hook=\"cement_tracing_fixture::announce\""
            ),
            format!("DEBUG {RUN} running hook point=\"pre_run\" hook=\"#1 (run-time, weight 0)\""),
        ],
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr,
        "cement: pre_close hook cement_tracing_fixture::flush_journal returned an error: \
         No such file or directory (os error 2)\n\
         cement: deferred cleanup #1 panicked: lock lost\\nfor good\n\
         cement: post_close hook #2 (run-time, weight 3) panicked: post_close failed\n"
    );
    assert_eq!(run.code, Some(5));
}

#[test]
fn a_failing_task_is_an_error_event_inside_its_task_span() {
    let run = run_fixture(&["task"]);
    assert_eq!(
        run.stdout,
        [
            "ERROR cement.task{task=\"flusher\"}: cement: task failed hook=\"flusher\" \
             error=\"disk full\" panicked=false"
                .to_owned(),
            // The fixture's declared `pre_close` hook runs for every App.
            "DEBUG cement.close{label=\"tracing-task\"}: cement: running hook \
             point=\"pre_close\" hook=\"cement_tracing_fixture::flush_journal\""
                .to_owned(),
            "ERROR cement.close{label=\"tracing-task\"}: cement: hook failed \
             point=\"pre_close\" hook=\"cement_tracing_fixture::flush_journal\" \
             error=\"No such file or directory (os error 2)\" panicked=false"
                .to_owned(),
            "code 1".to_owned(),
        ],
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr, "");
}
