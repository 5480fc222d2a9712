//! `#[cement::main] async fn` at process level (SPEC §8): sync and async hooks in one
//! order, failure isolation for async hooks, both runtime flavors, and the exit paths
//! of SPEC §3 and the signal path of §7 through an async body.

use cement_tests::{Running, run_fixture};

/// What `async_main` prints from close on, after `pre_close` hooks at weight 0.
fn close(code_before: i32, code_after: i32, weight_0: &[&str]) -> Vec<String> {
    let mut lines = vec![
        format!("pre_close -10 async, code {code_before}"),
        "pre_close -5 sync".to_owned(),
    ];
    lines.extend(weight_0.iter().map(|line| (*line).to_owned()));
    lines.extend([
        "pre_close 1 async, run-time".to_owned(),
        "pre_close 5 sync".to_owned(),
        format!("post_close async, code {code_after}"),
        "atexit handler".to_owned(),
    ]);
    lines
}

fn setup_and_body() -> Vec<String> {
    vec![
        "post_setup async on multi_thread (async-main)".to_owned(),
        "body".to_owned(),
    ]
}

#[test]
fn sync_and_async_hooks_run_in_one_order_by_weight() {
    let run = run_fixture!("async_main", "ok");
    let mut expected = setup_and_body();
    expected.extend(close(0, 0, &["pre_close 0 async"]));
    assert_eq!(run.stdout, expected, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, Some(0));
}

#[test]
fn a_failing_and_a_panicking_async_hook_are_reported_and_the_others_still_run() {
    let run = run_fixture!("async_main", "failing");
    let mut expected = setup_and_body();
    expected.extend(close(0, 1, &[]));
    assert_eq!(run.stdout, expected, "{}", run.stderr);
    assert_eq!(
        run.reports(),
        [
            "cement: pre_close hook async_main::third_fails returned an error: the flush target is gone",
            "cement: pre_close hook async_main::third_panics panicked: async hook exploded",
        ],
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(1));
}

/// Runs `async_main` with `scenario` until it prints `ready`, sends `SIG{signal}`,
/// and checks what follows: the signal hook, `after_hook`, close with the signal's
/// code, and that code as the exit status.
fn signalled(scenario: &str, signal: &str, code: i32, after_hook: &[&str]) {
    let mut fixture = Running::start(env!("CARGO_BIN_EXE_async_main"), &[scenario]);
    fixture.wait_for("ready");
    fixture.send(signal);
    let (run, _) = fixture.finish();
    let mut expected = vec![
        "post_setup async on multi_thread (async-main)".to_owned(),
        "ready".to_owned(),
        format!("signal hook SIG{signal}"),
    ];
    expected.extend(after_hook.iter().map(|line| (*line).to_owned()));
    expected.extend(close(code, code, &["pre_close 0 async"]));
    assert_eq!(run.stdout, expected, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, Some(code));
}

#[test]
fn sigint_wakes_a_body_awaiting_shutdown_requested_in_select_and_exits_130() {
    signalled("select", "INT", 130, &["body: shutdown requested"]);
}

#[test]
fn sigterm_closes_an_async_body_blocking_its_thread_from_the_signal_path_and_exits_143() {
    signalled("blocked", "TERM", 143, &[]);
}

/// On the multi-thread runtime a task picks up signals: no thread waits for one.
#[cfg(target_os = "linux")]
#[test]
fn an_async_main_catching_signals_starts_no_thread_beside_the_runtime() {
    let run = run_fixture!("async_main", "threads");
    assert_eq!(
        run.stdout[..2],
        [
            "post_setup async on multi_thread (async-main)",
            "threads: main and the workers"
        ],
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(0));
}

#[test]
fn process_exit_in_an_async_body_runs_the_async_hooks_once_and_keeps_its_code() {
    let run = run_fixture!("async_main", "exit");
    let mut expected = vec![
        "post_setup async on multi_thread (async-main)".to_owned(),
        "body exits with 5".to_owned(),
    ];
    expected.extend(close(0, 0, &["pre_close 0 async"]));
    assert_eq!(run.stdout, expected, "{}", run.stderr);
    assert_eq!(run.code, Some(5), "{}", run.stderr);
}

#[test]
fn an_async_body_returning_err_closes_and_exits_1() {
    let run = run_fixture!("async_main", "err");
    let mut expected = vec!["post_setup async on multi_thread (async-main)".to_owned()];
    expected.extend(close(1, 1, &["pre_close 0 async"]));
    assert_eq!(run.stdout, expected, "{}", run.stderr);
    assert_eq!(run.stderr, "Error: \"bad input\"\n");
    assert_eq!(run.code, Some(1));
}

#[test]
fn an_async_body_panicking_closes_and_exits_1() {
    let run = run_fixture!("async_main", "panic");
    let mut expected = vec!["post_setup async on multi_thread (async-main)".to_owned()];
    expected.extend(close(1, 1, &["pre_close 0 async"]));
    assert_eq!(run.stdout, expected, "{}", run.stderr);
    assert!(run.stderr.contains("async body panicked"), "{}", run.stderr);
    assert_eq!(run.code, Some(1));
}

/// What `async_current_thread` prints, however it ends.
const ON_CURRENT_THREAD: [&str; 3] = [
    "pre_run async on current_thread",
    "body on current_thread",
    "pre_close async: flushed in a spawned task",
];

#[test]
fn the_current_thread_flavor_runs_the_body_and_hooks_on_it() {
    let run = run_fixture!("async_current_thread", "ok");
    assert_eq!(run.stdout, ON_CURRENT_THREAD, "{}", run.stderr);
    assert_eq!(run.code, Some(0));
}

#[test]
fn process_exit_on_the_current_thread_flavor_still_runs_the_async_hooks() {
    let run = run_fixture!("async_current_thread", "exit");
    assert_eq!(run.stdout, ON_CURRENT_THREAD, "{}", run.stderr);
    assert_eq!(run.code, Some(3));
}

#[test]
fn the_close_deadline_names_the_async_hook_that_overran() {
    let run = run_fixture!("async_deadline");
    assert_eq!(run.stdout, ["body", "pre_close: waiting for ever"]);
    assert_eq!(
        run.stderr,
        "cement: close overran its deadline of 300ms in pre_close hook \
         async_deadline::never_finishes; exiting with 1\n"
    );
    assert_eq!(run.code, Some(1));
}
