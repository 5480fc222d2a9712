//! `#[cement::main]` with its default `catch_signals = true`, a declared `signal` hook
//! and a close deadline; see `tests/main_signals.rs`. Prints `ready`, then acts on its
//! first argument.

use cement::{App, Signal, cleanup};
use cement_tests::{say, wait_forever};

fn scenario() -> String {
    std::env::args().nth(1).expect("a scenario")
}

#[cement::hook(signal)]
fn on_signal(app: &App, signal: Signal) {
    say(&format!("signal hook {signal}"));
    if scenario() == "signal-hook-sets-0" {
        app.set_exit_code(0);
    }
}

#[cleanup(pre_close)]
fn closing(app: &App) {
    say(&format!("pre_close code {}", app.exit_code()));
    if scenario() == "slow-close" {
        say("closing slowly");
        wait_forever();
    }
}

#[cleanup(post_close)]
fn closed() {
    say("post_close");
}

#[cement::main(label = "main-signals", exit_on_close = true, close_deadline_ms = 2000)]
fn main(_app: &App) {
    cement::atexit::register(|| say("atexit handler"));
    say("ready");
    match scenario().as_str() {
        "exit-5" => std::process::exit(5),
        "return" => {}
        _ => wait_forever(),
    }
}
