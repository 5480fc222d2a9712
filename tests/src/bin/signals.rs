//! An App that catches signals, one scenario per argument; see `tests/signals.rs`.
//! Each scenario prints `ready` once it can take a signal, then waits for one.

use cement::{App, Hook};
use cement_tests::{SaysWhenDropped, say, wait_forever};

fn main() {
    let scenario = std::env::args().nth(1).expect("a scenario");
    let app = App::builder("signals").catch_signals(true).build();
    app.register_hook(Hook::PreClose, 0, |app: &App| {
        say(&format!("pre_close code {}", app.exit_code()));
    });
    app.register_hook(Hook::PostClose, 0, |_app: &App| say("post_close"));
    app.register_hook(Hook::Signal, 0, |app: &App| {
        let signal = app
            .received_signal()
            .expect("a signal hook runs for a signal");
        say(&format!("signal hook {signal}"));
        if std::env::args().any(|arg| arg == "--signal-hook-sets-code") {
            app.set_exit_code(7);
        }
    });
    app.setup();
    match scenario.as_str() {
        "wait" => {
            cement::atexit::register(|| say("atexit handler"));
            app.defer(|| say("deferred cleanup"));
            // The process ends on the signal-watching thread: this never drops.
            let _local = SaysWhenDropped("never printed: main's destructor");
            say("ready");
            wait_forever();
        }
        "two-apps" => {
            let second = App::builder("second").catch_signals(true).build();
            second.register_hook(Hook::Signal, 0, |_app: &App| {
                say("never printed: the second App does not catch signals");
            });
            second.register_hook(Hook::PreClose, 0, |_app: &App| {
                say("second App closed at exit");
            });
            second.setup();
            say("ready");
            wait_forever();
        }
        "close-slowly" => {
            cement::atexit::register(|| say("atexit handler"));
            app.register_hook(Hook::PreClose, 1, |app: &App| {
                say("closing slowly");
                // A first signal during close requests shutdown, and close finishes.
                app.wait_for_shutdown(None);
                say("close goes on");
            });
            let code = app.close();
            say(&format!("closed with {code}"));
            std::process::exit(code);
        }
        "slow-close" => {
            app.register_hook(Hook::PreClose, 1, |_app: &App| {
                say("closing slowly");
                wait_forever();
            });
            say("ready");
            wait_forever();
        }
        "closed" => {
            app.close();
            say("ready");
            wait_forever();
        }
        other => panic!("unknown scenario {other}"),
    }
}
