//! `#[cement::test]` with `App::deliver_signal`: shutdown is testable without a real
//! signal; and a test's close stops its supervised tasks.

use std::sync::Mutex;

use cement::{App, Signal};

/// The signals the `signal` hook below saw, for the App labelled `deliver`.
static SEEN: Mutex<Vec<Signal>> = Mutex::new(Vec::new());

#[cement::hook(signal, app = "deliver")]
fn note_signal(_app: &App, signal: Signal) {
    SEEN.lock().unwrap().push(signal);
}

#[cement::test(label = "deliver", expect_exit = 143)]
fn deliver_signal_runs_the_signal_hook_requests_shutdown_and_makes_the_code_143(app: &App) {
    let token = app.shutdown_token();
    app.deliver_signal(Signal::TERM);
    assert_eq!(*SEEN.lock().unwrap(), [Signal::TERM]);
    assert!(token.is_requested());
    assert_eq!(app.received_signal(), Some(Signal::TERM));
}

#[cement::test(label = "deliver-unexpected")]
#[should_panic(expected = "the App closed with exit code 130, expected 0 (`expect_exit`)")]
fn a_delivered_signal_fails_a_test_that_expects_0(app: &App) {
    app.deliver_signal(Signal::INT);
}

#[cement::test(label = "deliver-code-set", expect_exit = 4)]
fn a_code_set_before_the_signal_is_kept(app: &App) {
    app.set_exit_code(4);
    app.deliver_signal(Signal::TERM);
}

/// A test's close stops its tasks first: the `pre_close` hook finds the task
/// finished (otherwise it panics, the code becomes 1 and the test fails).
#[cement::test(label = "tasks-in-a-test")]
fn a_tests_close_stops_its_tasks_before_pre_close(app: &App) {
    let worker = app.spawn_thread("worker", |stop| {
        stop.wait(None);
    });
    app.register_hook(cement::Hook::PreClose, 0, move |_app: &App| {
        assert!(worker.is_finished(), "the task is stopped before pre_close");
    });
}

/// And a failing task fails the test, with the task's failure code.
#[cement::test(label = "failing-task-in-a-test", expect_exit = 70)]
fn a_failing_task_fails_the_test_with_its_code(app: &App) {
    let task = app
        .task("db")
        .failure_code(70)
        .spawn_thread(|_stop| Err::<(), _>("gone"));
    task.join(None);
    assert!(app.is_shutdown_requested());
}
