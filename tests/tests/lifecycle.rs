//! An App driven by hand, checked at process level: what reaches stderr when hooks
//! fail, and that failing hooks during unwinding never abort the process.

use cement_tests::run_fixture;

#[test]
fn each_failure_is_one_line_naming_the_hook_and_the_rest_still_run() {
    let run = run_fixture!("lifecycle", "failing-hooks");
    assert_eq!(
        run.stdout,
        [
            "pre_close 1",
            "pre_close 3",
            "deferred 1",
            "post_close",
            "code 1"
        ]
    );
    assert_eq!(
        run.stderr,
        "cement: pre_close hook #2 (run-time, weight 0) panicked: hook 2 failed\\nbadly\n\
         cement: deferred cleanup #2 panicked: deferred 2 failed\n"
    );
    assert_eq!(run.code, Some(0));
}

#[test]
fn panicking_hooks_while_the_body_unwinds_do_not_abort() {
    let run = run_fixture!("lifecycle", "panic-in-close-while-unwinding");
    assert_eq!(
        run.stdout,
        ["pre_close 1", "pre_close 3", "deferred 1", "post_close"]
    );
    // The body's panic is reported by std as usual; cement's reports follow.
    let reports = run.reports();
    assert_eq!(
        reports,
        [
            "cement: pre_close hook #2 (run-time, weight 0) panicked: hook 2 failed\\nbadly",
            "cement: deferred cleanup #2 panicked: deferred 2 failed",
        ]
    );
    assert!(run.stderr.contains("body failed"), "{}", run.stderr);
    assert_eq!(run.code, Some(101), "{}", run.stderr);
}

#[test]
fn a_close_overrunning_its_deadline_names_the_hook_and_exits_1() {
    let run = run_fixture!("lifecycle", "close-deadline");
    assert_eq!(run.stdout, ["pre_close 1"]);
    assert_eq!(
        run.stderr,
        "cement: close overran its deadline of 1s in pre_close hook #2 (run-time, weight 0); \
         exiting with 1\n"
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn process_exit_in_the_body_closes_before_atexit_handlers_and_keeps_its_status() {
    let run = run_fixture!("lifecycle", "process-exit-in-body");
    assert_eq!(
        run.stdout,
        ["pre_close", "deferred", "post_close", "atexit handler"]
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, Some(5));
}

#[test]
fn process_exit_in_a_hook_finishes_the_close_once_then_exits() {
    let run = run_fixture!("lifecycle", "process-exit-in-hook");
    assert_eq!(
        run.stdout,
        [
            "pre_close",
            "pre_close after exit",
            "deferred",
            "post_close",
            "atexit handler"
        ]
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, Some(6));
}

#[test]
fn process_exit_in_a_deferred_cleanup_finishes_the_close_once_then_exits() {
    let run = run_fixture!("lifecycle", "process-exit-in-deferred");
    assert_eq!(
        run.stdout,
        [
            "pre_close",
            "deferred last",
            "deferred",
            "post_close",
            "atexit handler"
        ]
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, Some(7));
}

#[test]
fn an_app_never_closed_is_closed_when_main_returns() {
    let run = run_fixture!("lifecycle", "forgotten-app");
    assert_eq!(
        run.stdout,
        ["pre_close", "deferred", "post_close", "atexit handler"]
    );
    assert_eq!(run.code, Some(0));
}
