//! Windows console control events that cannot be sent to a process under test
//! (Ctrl-Break, a closed console window): the fixture calls cement's handler
//! routine from a thread of its own, as Windows would; see `tests/windows.rs`.
//! Arguments: the event (`BREAK` or `CLOSE`), then `cooperating` or `blocked`.

use cement::{App, Signal, cleanup};
use cement_tests::{say, wait_forever};

#[cement::hook(signal)]
fn on_signal(_app: &App, signal: Signal) {
    say(&format!("signal hook {signal}"));
}

#[cleanup(pre_close)]
fn closing(app: &App) {
    say(&format!("pre_close code {:#x}", app.exit_code()));
}

#[cement::main(label = "console-event")]
fn main(app: &App) {
    let mut args = std::env::args().skip(1);
    let event: u32 = match args.next().as_deref() {
        Some("BREAK") => 1,
        Some("CLOSE") => 2,
        other => panic!("unknown event {other:?}"),
    };
    let cooperating = args.next().as_deref() == Some("cooperating");
    cement::atexit::register(|| say("atexit handler"));
    if cooperating {
        // Cooperating from before the event: a body that has not asked yet when it
        // comes is closed at once (`a_body_that_never_asks_is_closed_at_once`).
        let _ = app.is_shutdown_requested();
    }
    #[cfg(windows)]
    std::thread::spawn(move || cement::__private::console_event(event));
    #[cfg(not(windows))]
    let _ = event;
    if cooperating {
        app.wait_for_shutdown(None);
        say("body stops");
    } else {
        wait_forever();
    }
}
