//! `cement::atexit` in real processes: handlers run as the process ends (SPEC §5).

use cement_tests::run_fixture;

/// std's multi-line panic message, which cement replaces with one line.
const DEFAULT_PANIC_MESSAGE: &str = "panicked at";

#[test]
fn handlers_run_last_registered_first_without_any_app() {
    let run = run_fixture!("atexit_fixture", "order");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        [
            "main returns",
            "registered third",
            "registered second",
            "registered first"
        ]
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn unregistered_handler_does_not_run() {
    let run = run_fixture!("atexit_fixture", "unregister");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        [
            "pending when unregistered: true",
            "main returns",
            "kept 2",
            "kept 1"
        ]
    );
}

#[test]
fn handler_unregistered_by_an_earlier_handler_does_not_run() {
    let run = run_fixture!("atexit_fixture", "unregister_during_exit");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        ["main returns", "pending when unregistered: true"]
    );
}

#[test]
fn panicking_handler_does_not_stop_the_others() {
    let run = run_fixture!("atexit_fixture", "panic");
    assert_eq!(run.code, Some(0), "the exit status is unchanged: {run:?}");
    assert_eq!(
        run.stdout,
        ["main returns", "registered third", "registered first"]
    );
    assert_eq!(run.reports(), ["cement: atexit handler #2 panicked: boom"]);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        !run.stderr.contains(DEFAULT_PANIC_MESSAGE),
        "{}",
        run.stderr
    );
}

#[test]
fn handler_registered_while_handlers_run_also_runs() {
    let run = run_fixture!("atexit_fixture", "nested");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        [
            "main returns",
            "outer, registered second",
            "registered while handlers run",
            "outer, registered first"
        ]
    );
}

#[test]
fn process_exit_keeps_its_status_and_runs_the_handlers() {
    let run = run_fixture!("atexit_fixture", "process_exit");
    assert_eq!(run.code, Some(5), "{run:?}");
    assert_eq!(
        run.stdout,
        ["calling exit(5)", "registered second", "registered first"]
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn panic_that_ends_main_exits_101_and_runs_the_handlers() {
    let run = run_fixture!("atexit_fixture", "panic_in_main");
    assert_eq!(run.code, Some(101), "{run:?}");
    assert_eq!(run.stdout, ["registered second", "registered first"]);
    assert!(run.stderr.contains("main failed"), "{}", run.stderr);
    assert!(run.reports().is_empty(), "{}", run.stderr);
}

#[test]
fn abort_runs_no_handler() {
    let run = run_fixture!("atexit_fixture", "abort");
    assert_eq!(run.code, None, "ended by SIGABRT: {run:?}");
    assert_eq!(run.stdout, ["calling abort"]);
}

#[test]
fn handlers_registered_from_other_threads_run() {
    let run = run_fixture!("atexit_fixture", "threads");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        ["main returns", "thread 3", "thread 2", "thread 1"]
    );
}

#[test]
fn handlers_run_after_the_app_closes() {
    let run = run_fixture!("atexit_fixture", "after_app_close");
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        run.stdout,
        [
            "app deferred cleanup",
            "post_close hook",
            "main returns",
            "atexit handler"
        ]
    );
}
