//! `#[cement::main]` (`exit_on_close = false`) whose body returns because its
//! `signal` hook woke it, while the signal's close runs: the process must still end
//! with the signal's status, and say nothing about an ignored code.

use std::sync::{Condvar, Mutex};

use cement::cleanup;
use cement_tests::say;

static WOKEN: (Mutex<bool>, Condvar) = (Mutex::new(false), Condvar::new());

#[cement::hook(signal)]
fn wake_the_body(_app: &cement::App, _signal: cement::Signal) {
    say("signal hook");
    *WOKEN.0.lock().unwrap() = true;
    WOKEN.1.notify_all();
}

#[cleanup(pre_close)]
fn closing() {
    say("pre_close");
}

#[cement::main(label = "signal-return")]
fn main() {
    say("ready");
    let woken = WOKEN.0.lock().unwrap();
    drop(WOKEN.1.wait_while(woken, |woken| !*woken).unwrap());
}
