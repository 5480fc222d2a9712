//! `#[cement::main]` under a service manager (feature `systemd`); see
//! `tests/systemd.rs`. Its first argument: `stepwise` stops at each checkpoint (prints
//! its name and waits for `go` on stdin) and returns; `sigterm` does the same and
//! waits for shutdown before returning; `straight` runs through without stopping.

use cement::{App, cleanup};
use cement_tests::{say, wait_for_input};

fn scenario() -> String {
    std::env::args().nth(1).expect("a scenario")
}

/// Prints `name`; unless the run is `straight`, waits there for the test.
fn checkpoint(name: &str) {
    say(name);
    if scenario() != "straight" {
        wait_for_input("go");
    }
}

#[cement::hook(post_setup)]
fn set_up() {
    checkpoint("post_setup");
}

#[cleanup(pre_close)]
fn flush() {
    checkpoint("pre_close");
}

#[cleanup(post_close)]
fn closed() {
    say("post_close");
}

#[cement::main(
    label = "notify",
    exit_on_close = true,
    shutdown_grace_ms = 5000,
    close_deadline_ms = 30000
)]
fn main(app: &App) {
    // Asking for the token makes the body cooperate: a signal waits for it to return.
    let stop = app.shutdown_token();
    app.defer(|| say("deferred"));
    checkpoint("body");
    app.notify_status("serving");
    checkpoint("serving");
    if scenario() == "sigterm" {
        stop.wait(None);
        say("body returns");
    }
}
