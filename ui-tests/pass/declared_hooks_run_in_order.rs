//! Declared hooks are collected and run by weight, then by full path, for the App
//! they are scoped to; a signal hook is not run by close.

use std::sync::Mutex;

use cement::{App, Signal, cleanup};

static RAN: Mutex<Vec<&str>> = Mutex::new(Vec::new());

fn record(name: &'static str) {
    RAN.lock().unwrap().push(name);
}

#[cleanup(pre_close, weight = 1)]
fn b_heavier() {
    record("b_heavier");
}

#[cleanup(pre_close)]
fn z_light(app: &App) -> std::io::Result<()> {
    assert_eq!(app.label(), "ordered");
    record("z_light");
    Ok(())
}

#[cleanup(pre_close, weight = -5)]
fn y_lightest() {
    record("y_lightest");
}

#[cleanup(pre_close, app = "another")]
fn a_other_app() {
    record("a_other_app");
}

#[cement::hook(post_close)]
fn after() -> Result<(), String> {
    record("after");
    Ok(())
}

#[cement::hook(signal)]
fn on_signal(_app: &App, _signal: Signal) {
    record("on_signal");
}

#[cement::main(label = "ordered", catch_signals = false)]
fn main(app: &App) {
    app.defer(|| record("deferred"));
    let code = app.close();
    assert_eq!(code, 0);
    assert_eq!(
        *RAN.lock().unwrap(),
        ["y_lightest", "z_light", "b_heavier", "deferred", "after"]
    );
}
