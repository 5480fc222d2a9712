//! `#[cement::main] async fn` under a signal in each phase of the lifecycle (SPEC
//! §11); see `tests/lifecycle_signals.rs`. The scenarios and what they print are those
//! of the sync fixture `cement-tests`' `src/bin/lifecycle_signals.rs`, with async
//! hooks and an async body that await the shutdown request:
//!
//! - `signal-in-setup`: an async `post_setup` hook says `ready` and awaits the
//!   request that the signal makes, then says `post_setup done`.
//! - `signal-in-close`: the body returns at once; an async `pre_close` hook says
//!   `closing slowly` and awaits the request, then says `pre_close done`.
//! - `body-returns`: the body says `ready`, awaits the request and returns; an async
//!   `post_run` hook waits up to 1 s for the App to close, then says whether it did.
//! - `request-in-signal-hook`: the same body and `post_run` hook; the `signal` hook
//!   requests shutdown itself and waits until the body has returned.

use std::time::{Duration, Instant};

use cement::{App, Signal, cleanup};
use cement_tests::{reach, say, wait_until_reached};

/// The bound of every wait that a handshake ends.
const HANDSHAKE: Duration = Duration::from_secs(10);
/// The bound of a wait that shows something did *not* happen.
const NOT_HAPPENING: Duration = Duration::from_secs(1);

fn scenario() -> String {
    std::env::args().nth(1).expect("a scenario")
}

#[cement::hook(pre_setup)]
fn register_atexit_handler() {
    // Here, not in the body: in `signal-in-setup` the body never runs.
    cement::atexit::register(|| say("atexit handler"));
}

#[cement::hook(post_setup)]
async fn wait_in_setup(app: &App) {
    if scenario() == "signal-in-setup" {
        say("ready");
        let _ = tokio::time::timeout(HANDSHAKE, app.shutdown_requested()).await;
        say("post_setup done");
    }
}

#[cement::hook(signal)]
fn on_signal(app: &App, signal: Signal) {
    say(&format!("signal hook {signal}"));
    if scenario() == "request-in-signal-hook" {
        app.request_shutdown();
        if !wait_until_reached("body returns", HANDSHAKE) {
            say("signal hook: the body did not return");
        }
        // The body has left `run` once `post_run` starts; give it the moment it
        // needs (boundedly: a runtime may hold `post_run` back until this returns).
        wait_until_reached("post_run", NOT_HAPPENING);
    }
}

#[cement::hook(pre_run)]
async fn pre_run() {
    say("pre_run");
    reach("pre_run");
}

#[cement::hook(post_run)]
async fn post_run(app: &App) {
    say("post_run");
    reach("post_run");
    if matches!(
        scenario().as_str(),
        "body-returns" | "request-in-signal-hook"
    ) {
        let start = Instant::now();
        while !app.is_closed() && start.elapsed() < NOT_HAPPENING {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        say(&format!("post_run done closed={}", app.is_closed()));
    }
}

#[cleanup(pre_close)]
async fn pre_close(app: &App) {
    match scenario().as_str() {
        "signal-in-setup" => {
            // Close must wait for setup and then skip the run: give a `pre_run` hook
            // that starts beside close the time to show.
            let _ =
                tokio::task::spawn_blocking(|| wait_until_reached("pre_run", NOT_HAPPENING)).await;
            say("pre_close");
        }
        "signal-in-close" => {
            say("closing slowly");
            let _ = tokio::time::timeout(HANDSHAKE, app.shutdown_requested()).await;
            say("pre_close done");
        }
        _ => say("pre_close"),
    }
}

#[cleanup(post_close)]
fn post_close(app: &App) {
    say(&format!("post_close code {}", app.exit_code()));
}

#[cement::main(label = "async-lifecycle-signals", exit_on_close = true)]
async fn main(app: &App) {
    match scenario().as_str() {
        "signal-in-setup" | "signal-in-close" => say("body"),
        "body-returns" | "request-in-signal-hook" => {
            // Cooperate (SPEC §7) before the test can send the signal.
            let stop = app.shutdown_requested();
            say("ready");
            let _ = tokio::time::timeout(HANDSHAKE, stop).await;
            say("body returns");
            reach("body returns");
        }
        other => panic!("unknown scenario {other}"),
    }
}
