//! `#[cement::main]` under a signal in each phase of the lifecycle (SPEC §11); see
//! `tests/lifecycle_signals.rs`. The first argument picks the scenario; each prints a
//! line the test waits for before it sends the signal (`ready` or `closing slowly`):
//!
//! - `signal-in-setup`: a `post_setup` hook says `ready` and waits for the shutdown
//!   request that the signal makes, then says `post_setup done`.
//! - `signal-in-close`: the body returns at once; a `pre_close` hook says `closing
//!   slowly` and waits for the shutdown request, then says `pre_close done`.
//! - `signal-in-close-code-set`: the same, with the body setting code 3 first.
//! - `body-returns`: the body says `ready`, waits for the request and returns; a
//!   `post_run` hook waits up to 1 s for the App to close, then says whether it did.
//! - `request-in-signal-hook`: the same body and `post_run` hook; the `signal` hook
//!   requests shutdown itself and waits until the body has returned, so that the
//!   signal path finds the body gone.

use std::time::Duration;

use cement::{App, Signal, cleanup};
use cement_tests::{poll_until, reach, say, wait_until_reached};

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
fn wait_in_setup(app: &App) {
    if scenario() == "signal-in-setup" {
        say("ready");
        app.wait_for_shutdown(Some(HANDSHAKE));
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
fn pre_run() {
    say("pre_run");
    reach("pre_run");
}

#[cement::hook(post_run)]
fn post_run(app: &App) {
    say("post_run");
    reach("post_run");
    if matches!(
        scenario().as_str(),
        "body-returns" | "request-in-signal-hook"
    ) {
        let closed = poll_until(NOT_HAPPENING, || app.is_closed());
        say(&format!("post_run done closed={closed}"));
    }
}

#[cleanup(pre_close)]
fn pre_close(app: &App) {
    match scenario().as_str() {
        "signal-in-setup" => {
            // Close must wait for setup and then skip the run: give a `pre_run` hook
            // that starts beside close the time to show.
            wait_until_reached("pre_run", NOT_HAPPENING);
            say("pre_close");
        }
        "signal-in-close" | "signal-in-close-code-set" => {
            say("closing slowly");
            app.wait_for_shutdown(Some(HANDSHAKE));
            say("pre_close done");
        }
        _ => say("pre_close"),
    }
}

#[cleanup(post_close)]
fn post_close(app: &App) {
    say(&format!("post_close code {}", app.exit_code()));
}

#[cement::main(label = "lifecycle-signals", exit_on_close = true)]
fn main(app: &App) {
    match scenario().as_str() {
        "signal-in-setup" | "signal-in-close" => say("body"),
        "signal-in-close-code-set" => {
            app.set_exit_code(3);
            say("body sets code 3");
        }
        "body-returns" | "request-in-signal-hook" => {
            // Cooperate (SPEC §7) before the test can send the signal.
            let _ = app.is_shutdown_requested();
            say("ready");
            app.wait_for_shutdown(Some(HANDSHAKE));
            say("body returns");
            reach("body returns");
        }
        other => panic!("unknown scenario {other}"),
    }
}
