//! `#[cement::main]` at process level: every exit-path row of SPEC §3 that involves
//! neither signals nor `std::process::exit`, with both `exit_on_close` settings.
//! The fixtures are `src/bin/main_exit.rs` and `src/bin/main_no_exit.rs` over
//! `src/scenario.rs`.

use cement_tests::{Run, run_fixture};

/// What the scenario prints from setup to the end of close, in order.
fn lifecycle(code_in_pre_close: i32, code_at_end: i32, post_run: bool) -> Vec<String> {
    let mut lines = vec!["pre_setup".to_owned(), "body".to_owned()];
    if post_run {
        lines.push("post_run".to_owned());
    }
    lines.extend(close_sequence(code_in_pre_close, code_at_end));
    lines
}

fn close_sequence(code_in_pre_close: i32, code_at_end: i32) -> Vec<String> {
    vec![
        format!("pre_close w-5 code {code_in_pre_close}"),
        "pre_close w0 a_tie".to_owned(),
        "pre_close w0 b_tie".to_owned(),
        "pre_close w0 run-time".to_owned(),
        "pre_close w10".to_owned(),
        format!("post_close code {code_at_end}"),
    ]
}

fn assert_run(run: &Run, status: i32, stdout: &[String], reports: &[&str]) {
    assert_eq!(run.stdout, stdout, "stderr: {}", run.stderr);
    assert_eq!(run.reports(), reports, "stderr: {}", run.stderr);
    assert_eq!(run.code, Some(status), "stderr: {}", run.stderr);
}

#[test]
fn body_returning_ok_closes_once_and_exits_with_the_code() {
    let run = run_fixture!("main_exit", "ok");
    assert_run(&run, 0, &lifecycle(0, 0, true), &[]);
    assert_eq!(run.stderr, "");
}

#[test]
fn exit_on_close_makes_the_set_code_the_status() {
    let run = run_fixture!("main_exit", "set-code");
    assert_run(&run, 3, &lifecycle(3, 3, true), &[]);
}

#[test]
fn a_code_outside_0_to_255_goes_to_process_exit_which_truncates_it() {
    let run = run_fixture!("main_exit", "set-code-300");
    assert_run(&run, 300 % 256, &lifecycle(300, 300, true), &[]);
}

#[test]
fn without_exit_on_close_a_set_code_is_reported_as_ignored() {
    let run = run_fixture!("main_no_exit", "set-code");
    assert_run(
        &run,
        0,
        &lifecycle(3, 3, true),
        &["cement: exit code 3 ignored: exit_on_close is false, so the process exits with 0"],
    );
}

#[test]
fn body_returning_err_closes_and_exits_1_with_the_error() {
    for run in [
        run_fixture!("main_exit", "err"),
        run_fixture!("main_no_exit", "err"),
    ] {
        assert_run(&run, 1, &lifecycle(1, 1, true), &[]);
        assert_eq!(run.stderr, "Error: \"bad input\"\n");
    }
}

#[test]
fn body_panicking_with_exit_on_close_closes_and_exits_1() {
    let run = run_fixture!("main_exit", "panic");
    assert_run(&run, 1, &lifecycle(1, 1, false), &[]);
    assert!(run.stderr.contains("body panicked"), "{}", run.stderr);
}

#[test]
fn body_panicking_without_exit_on_close_closes_then_the_panic_continues() {
    let run = run_fixture!("main_no_exit", "panic");
    assert_run(&run, 101, &lifecycle(1, 1, false), &[]);
    assert!(run.stderr.contains("body panicked"), "{}", run.stderr);
}

#[test]
fn err_or_panic_after_a_non_zero_code_keeps_that_code() {
    let run = run_fixture!("main_exit", "set-code-then-err");
    assert_run(&run, 3, &lifecycle(3, 3, true), &[]);
    assert_eq!(run.stderr, "Error: \"bad input\"\n");
    let run = run_fixture!("main_exit", "set-code-then-panic");
    assert_run(&run, 3, &lifecycle(3, 3, false), &[]);
    assert!(run.stderr.contains("body panicked"), "{}", run.stderr);
}

#[test]
fn a_body_calling_close_runs_the_hooks_once() {
    let run = run_fixture!("main_exit", "close-in-body");
    let mut expected = vec!["pre_setup".to_owned(), "body".to_owned()];
    expected.extend(close_sequence(0, 0));
    expected.extend([
        "close returned 0".to_owned(),
        "close again returned 0".to_owned(),
        "post_run".to_owned(),
    ]);
    assert_run(&run, 0, &expected, &[]);
}

#[test]
fn panicking_and_err_hooks_do_not_stop_the_others() {
    let reports = [
        "cement: pre_close hook main_exit::scenario::fails_with_err returned an error: disk full",
        "cement: pre_close hook main_exit::scenario::fails_with_panic panicked: hook exploded",
    ];
    let run = run_fixture!("main_exit", "failing-hooks");
    assert_run(&run, 1, &lifecycle(0, 1, true), &reports);
    // One line each: std's multi-line panic message is not printed.
    assert_eq!(run.stderr.lines().count(), 2, "{}", run.stderr);
}

#[test]
fn failing_hooks_without_exit_on_close_exit_0_and_say_the_code_was_ignored() {
    let run = run_fixture!("main_no_exit", "failing-hooks");
    assert_run(
        &run,
        0,
        &lifecycle(0, 1, true),
        &[
            "cement: pre_close hook main_no_exit::scenario::fails_with_err returned an error: disk full",
            "cement: pre_close hook main_no_exit::scenario::fails_with_panic panicked: hook exploded",
            "cement: exit code 1 ignored: exit_on_close is false, so the process exits with 0",
        ],
    );
}
