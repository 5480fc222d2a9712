//! The storm fixture of a sync program (SPEC §11, "Tests"); see `tests/signal_storms.rs`.
//! Every hook point, the body, one deferred cleanup and one `atexit` handler print
//! `<point> start` and `<point> end` around a short spell of work, as `src/storm.rs`
//! describes. Without a signal the body works for 10 ms and returns.

use std::thread::sleep;
use std::time::{Duration, Instant};

use cement::{App, Signal, cleanup};
use cement_tests::say;
use cement_tests::storm::{say_atexit_end, say_pre_setup_start};

/// How long each hook, the deferred cleanup and the handler work: long enough that a
/// signal can land inside them.
const SPELL: Duration = Duration::from_millis(1);
/// How long the body works unless shutdown is requested.
const BODY: Duration = Duration::from_millis(10);
/// How long the body waits for the request at a time.
const BODY_STEP: Duration = Duration::from_millis(3);

fn spell(point: &str) {
    say(&format!("{point} start"));
    sleep(SPELL);
    say(&format!("{point} end"));
}

#[cement::hook(pre_setup)]
fn pre_setup(app: &App) {
    say_pre_setup_start();
    app.defer(|| spell("deferred"));
    cement::atexit::register(|| {
        say("atexit start");
        sleep(SPELL);
        say_atexit_end();
    });
    // The body then cooperates from its first instruction on (SPEC §7).
    let _ = app.is_shutdown_requested();
    sleep(SPELL);
    say("pre_setup end");
}

#[cement::hook(post_setup)]
fn post_setup() {
    spell("post_setup");
}

#[cement::hook(pre_run)]
fn pre_run() {
    spell("pre_run");
}

#[cement::hook(post_run)]
fn post_run() {
    spell("post_run");
}

#[cleanup(pre_close)]
fn pre_close() {
    spell("pre_close");
}

#[cleanup(post_close)]
fn post_close() {
    spell("post_close");
}

#[cement::hook(signal)]
fn on_signal(_app: &App, signal: Signal) {
    say(&format!("signal hook {signal}"));
}

#[cement::main(label = "signal-storm", exit_on_close = true)]
fn main(app: &App) {
    say("body start");
    let start = Instant::now();
    while start.elapsed() < BODY && !app.wait_for_shutdown(Some(BODY_STEP)) {}
    say("body end");
}
