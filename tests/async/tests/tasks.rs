//! Supervised async tasks at process level, fixture
//! `src/bin/async_tasks.rs`: a failing task stops the program with its code, a
//! straggler is aborted (its destructors run) before `pre_close`, a task stopped
//! through its handle is awaited while the program runs on, SIGTERM stops the
//! tasks after the body returns, and a real service: a TCP server task and a
//! consumer thread task, with a request in flight at SIGTERM.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use cement_tests::{Running, run_fixture};

#[test]
fn a_failing_async_task_is_reported_and_stops_the_program_with_code_1() {
    let run = run_fixture!("async_tasks", "failing");
    run.assert(
        &[
            "body waits",
            "fetcher fails",
            "body returns",
            "pre_close code 1",
        ],
        &["cement: task fetcher returned an error: upstream closed"],
        1,
    );
}

#[test]
fn a_panicking_async_task_reports_its_payload_and_sets_its_failure_code() {
    let run = run_fixture!("async_tasks", "failure-code");
    run.assert(
        &[
            "body waits",
            "fetcher fails",
            "body returns",
            "pre_close code 75",
        ],
        &["cement: task fetcher panicked: upstream vanished"],
        75,
    );
}

#[test]
fn a_task_stopped_through_its_handle_is_awaited_while_the_program_runs_on() {
    let run = run_fixture!("async_tasks", "stop-one");
    run.assert(
        &[
            "ticker stopped",
            "worker stopped",
            "body: ticker and worker finished, shutdown requested: false",
            "body returns",
            "reporter stopped",
            "pre_close code 0",
        ],
        &[],
        0,
    );
}

#[test]
fn an_async_task_past_its_grace_is_aborted_and_its_destructors_run_before_pre_close() {
    let run = run_fixture!("async_tasks", "straggler");
    run.assert(
        &[
            "server runs, and never looks at its token",
            "body returns",
            "server's guard dropped",
            "pre_close code 1",
        ],
        &["cement: tasks did not stop within their grace: server (task, 50ms, aborted)"],
        1,
    );
}

#[test]
fn async_tasks_sigterm_runs_the_signal_hook_lets_the_body_return_then_stops_the_tasks_and_exits_143()
 {
    let mut fixture = Running::start(env!("CARGO_BIN_EXE_async_tasks"), &["sigterm"]);
    fixture.wait_for("ready");
    fixture.send("TERM");
    let (run, _) = fixture.finish();
    run.assert(
        &[
            "ready",
            "signal hook SIGTERM",
            "body returns",
            "server stopped",
            "flusher stopped",
            "pre_close code 143",
        ],
        &[],
        143,
    );
}

#[test]
fn a_server_task_finishes_its_request_in_flight_at_sigterm_the_consumer_drains_then_pre_close_143()
{
    let mut fixture = Running::start(env!("CARGO_BIN_EXE_async_tasks"), &["service"]);
    let port: u16 = fixture.wait_for_prefix("listening ").parse().unwrap();
    let mut client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    client.write_all(b"GET /slow\n").unwrap();
    fixture.wait_for("handling GET /slow");
    // The request is in flight: its handler waits for the client's go-ahead.
    fixture.send("TERM");
    fixture.wait_for("server stopped accepting");
    let refused = TcpStream::connect(("127.0.0.1", port)).is_err();
    let go_ahead = client.write_all(b"go\n");
    let mut response = String::new();
    let read = client.read_to_string(&mut response);
    let (run, _) = fixture.finish();
    println!("fixture stdout:");
    for line in &run.stdout {
        println!("  {line}");
    }
    println!("fixture stderr: {:?}", run.stderr);
    println!(
        "test: a new connection after `server stopped accepting` refused: {refused}; \
         the client read {response:?} ({read:?})"
    );
    assert!(refused, "the server still accepts once stopped: {run:#?}");
    assert!(go_ahead.is_ok(), "{go_ahead:?}: {run:#?}");
    assert!(read.is_ok(), "{read:?}: {run:#?}");
    assert_eq!(response, "done: GET /slow\n", "{run:#?}");
    let listening = format!("listening {port}");
    run.assert(
        &[
            listening.as_str(),
            "handling GET /slow",
            "signal hook SIGTERM",
            "body returns",
            "server stopped accepting",
            "responded to GET /slow",
            "server drained",
            "consumer drained: GET /slow",
            "pre_close code 143",
        ],
        &[],
        143,
    );
}
