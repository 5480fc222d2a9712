//! The storm fixture of an async program on the multi-thread runtime (SPEC §11,
//! "Tests"); see `tests/signal_storms.rs` and `cement_tests::storm` for what it
//! prints. Async hooks and sync ones, as a program mixes them; without a signal the
//! body works for 10 ms and returns.

use std::thread::sleep;
use std::time::Duration;

use cement::{App, Signal, cleanup};
use cement_tests::say;
use cement_tests::storm::{say_atexit_end, say_pre_setup_start};

/// How long each hook, the deferred cleanup and the handler work: long enough that a
/// signal can land inside them.
const SPELL: Duration = Duration::from_millis(1);
/// How long the body works unless shutdown is requested.
const BODY: Duration = Duration::from_millis(10);

fn spell(point: &str) {
    say(&format!("{point} start"));
    sleep(SPELL);
    say(&format!("{point} end"));
}

async fn async_spell(point: &str) {
    say(&format!("{point} start"));
    tokio::time::sleep(SPELL).await;
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
async fn post_setup() {
    async_spell("post_setup").await;
}

#[cement::hook(pre_run)]
async fn pre_run() {
    async_spell("pre_run").await;
}

#[cement::hook(post_run)]
async fn post_run() {
    async_spell("post_run").await;
}

#[cleanup(pre_close)]
async fn pre_close() {
    async_spell("pre_close").await;
}

#[cleanup(post_close)]
fn post_close() {
    spell("post_close");
}

#[cement::hook(signal)]
fn on_signal(_app: &App, signal: Signal) {
    say(&format!("signal hook {signal}"));
}

#[cement::main(label = "async-signal-storm", exit_on_close = true)]
async fn main(app: &App) {
    say("body start");
    let _ = tokio::time::timeout(BODY, app.shutdown_requested()).await;
    say("body end");
}
