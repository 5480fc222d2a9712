//! `#[cement::main(notify_ready = false)]`: the body tells systemd it is ready
//! itself; see `tests/systemd.rs`. Stops at each checkpoint (prints its name and
//! waits for `go` on stdin).

use cement::App;
use cement_tests::{say, wait_for_input};

fn checkpoint(name: &str) {
    say(name);
    wait_for_input("go");
}

#[cement::main(label = "late-ready", exit_on_close = true, notify_ready = false)]
fn main(app: &App) {
    checkpoint("body");
    app.notify_ready(); // the port is bound, say
    app.notify_ready(); // once is enough: nothing more is sent
    checkpoint("ready");
}
