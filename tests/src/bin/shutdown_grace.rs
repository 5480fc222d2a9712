//! `#[cement::main(shutdown_grace_ms = 300)]` with a body that asked for its shutdown
//! state once and then never returns: the grace runs out; see `tests/shutdown.rs`.

use cement::{App, Signal, cleanup};
use cement_tests::{SaysWhenDropped, say, wait_forever};

#[cement::hook(signal)]
fn on_signal(_app: &App, signal: Signal) {
    say(&format!("signal hook {signal}"));
}

#[cleanup(pre_close)]
fn closing(app: &App) {
    say(&format!("pre_close code {}", app.exit_code()));
}

#[cement::main(label = "shutdown-grace", shutdown_grace_ms = 300)]
fn main(app: &App) {
    cement::atexit::register(|| say("atexit handler"));
    let _guard = SaysWhenDropped("never printed: the body never returns");
    let _ = app.is_shutdown_requested();
    say("ready");
    wait_forever();
}
