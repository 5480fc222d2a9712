//! Supervised thread tasks under a sync `#[cement::main]` (SPEC §12); see
//! `tests/tasks.rs`. The first argument picks the scenario:
//!
//! - `weights`: `b` (weight 10) is spawned before `a` (weight 0); close must stop
//!   `a` wholly before it asks `b`. Once asked, `a` waits (at most 200 ms) to see
//!   whether `b` is asked too: if it were, `b asked` would print before `a stopped`.
//! - `failing`: the body waits for shutdown; a task returns `Err`, which requests it.
//! - `failure-code`: the same, but the task has `failure_code(70)` and panics.
//! - `ignore-failure`: a task with `ignore_failure()` returns `Err`; the body joins
//!   it, prints what was recorded and goes on.
//! - `straggler`: a task with a grace of 50 ms never looks at its token.
//! - `stop-one`: the body stops one task with its handle and joins it; the other runs
//!   until close.
//! - `late-spawn`: a `pre_close` hook spawns a task, which is refused.
//! - `sigterm`: prints `ready` and waits for shutdown; two tasks (weights 0 and 5)
//!   run until close stops them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cement::{App, Hook, Signal, TaskHandle, cleanup};
use cement_tests::{reach, say, wait_forever, wait_until_reached};

/// How long a fixture waits for what must happen (a handshake between its threads).
const LONG: Duration = Duration::from_secs(10);

/// The straggler's handle, for the `pre_close` hook to look at.
struct Straggler(TaskHandle);

#[cement::hook(signal)]
fn on_signal(_app: &App, signal: Signal) {
    say(&format!("signal hook {signal}"));
}

#[cleanup(pre_close)]
fn closing(app: &App) {
    say(&format!("pre_close code {}", app.exit_code()));
    if let Some(straggler) = app.get::<Straggler>() {
        say(&format!(
            "pre_close: {} finished {}",
            straggler.0.name(),
            straggler.0.is_finished()
        ));
        for failure in app.failures() {
            say(&format!("pre_close: recorded {failure}"));
        }
    }
}

/// A task that waits for its token, then says it stopped.
fn until_stopped(name: &'static str) -> impl FnOnce(cement::ShutdownToken) + Send + 'static {
    move |stop| {
        stop.wait(None);
        say(&format!("{name} stopped"));
    }
}

/// The straggler: runs for good, never looking at its token. (A closure whose body
/// is `!` would not do: in edition 2024 it returns `!`, which is no `TaskOutput`.)
fn ignores_its_token(_stop: cement::ShutdownToken) {
    say("indexer runs, and never looks at its token");
    reach("indexer runs");
    wait_forever()
}

#[cement::main(label = "tasks", exit_on_close = true)]
fn main(app: &App) {
    let scenario = std::env::args().nth(1).expect("a scenario");
    match scenario.as_str() {
        "weights" => {
            app.task("b").weight(10).spawn_thread(|stop| {
                stop.wait(None);
                say("b asked");
                reach("b asked");
                say("b stopped");
            });
            app.task("a").weight(0).spawn_thread(|stop| {
                stop.wait(None);
                say("a asked");
                // A bounded wait that shows `b` is not asked while `a` still runs.
                wait_until_reached("b asked", Duration::from_millis(200));
                say("a stopped");
            });
            say("body returns");
        }
        "failing" | "failure-code" => {
            let code = if scenario == "failing" { 1 } else { 70 };
            app.task("db-writer").failure_code(code).spawn_thread(
                move |_stop| -> Result<(), String> {
                    assert!(wait_until_reached("body waits", LONG));
                    say("db-writer fails");
                    if code == 1 {
                        Err("disk full".to_owned())
                    } else {
                        panic!("connection lost")
                    }
                },
            );
            say("body waits");
            reach("body waits");
            app.wait_for_shutdown(None);
            say("body returns");
        }
        "ignore-failure" => {
            let optional = app
                .task("optional")
                .ignore_failure()
                .spawn_thread(|_stop| Err::<(), _>("cache unavailable"));
            assert!(optional.join(Some(LONG)));
            say(&format!("optional finished {}", optional.is_finished()));
            for failure in app.failures() {
                say(&format!(
                    "recorded: {failure} (task {:?}, point {:?})",
                    failure.task(),
                    failure.point()
                ));
            }
            say(&format!(
                "shutdown requested {}, code {}",
                app.is_shutdown_requested(),
                app.exit_code()
            ));
            say("body goes on");
        }
        "straggler" => {
            let indexer = app
                .task("indexer")
                .grace(Duration::from_millis(50))
                .spawn_thread(ignores_its_token);
            app.insert(Straggler(indexer));
            assert!(wait_until_reached("indexer runs", LONG));
            say("body returns");
        }
        "stop-one" => {
            let poller = app.spawn_thread("poller", until_stopped("poller"));
            let flusher = app.spawn_thread("flusher", until_stopped("flusher"));
            poller.stop();
            say(&format!("poller joined {}", poller.join(Some(LONG))));
            say(&format!(
                "flusher joined within 10ms {}, finished {}",
                flusher.join(Some(Duration::from_millis(10))),
                flusher.is_finished()
            ));
            say(&format!(
                "shutdown requested {}",
                app.is_shutdown_requested()
            ));
            say("body returns");
        }
        "late-spawn" => {
            let ran = Arc::new(Mutex::new(false));
            app.register_hook(Hook::PreClose, 10, move |app: &App| {
                let flag = Arc::clone(&ran);
                let late = app.spawn_thread("late", move |_stop| *flag.lock().unwrap() = true);
                say(&format!(
                    "late finished {}, ran {}",
                    late.is_finished(),
                    *ran.lock().unwrap()
                ));
            });
            say("body returns");
        }
        "sigterm" => {
            // Asked before `ready`: a body that has not asked for its shutdown state
            // when the signal comes does not cooperate, and is closed beside (§7).
            let shutdown = app.shutdown_token();
            app.task("flusher")
                .weight(5)
                .spawn_thread(until_stopped("flusher"));
            app.task("worker")
                .weight(0)
                .spawn_thread(until_stopped("worker"));
            say("ready");
            shutdown.wait(None);
            say("body returns");
        }
        other => panic!("unknown scenario {other}"),
    }
}
