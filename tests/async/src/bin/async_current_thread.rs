//! `#[cement::main(flavor = "current_thread")] async fn`: hooks run on that one
//! thread, and a hook can await a task spawned on it; see `tests/async_main.rs`.
//! First argument: `ok` or `exit` (`std::process::exit(3)` from the body).

use cement::cleanup;
use cement_tests::say;

fn flavor() -> &'static str {
    match tokio::runtime::Handle::current().runtime_flavor() {
        tokio::runtime::RuntimeFlavor::CurrentThread => "current_thread",
        _ => "multi_thread",
    }
}

#[cement::hook(pre_run)]
async fn pre_run() {
    say(&format!("pre_run async on {}", flavor()));
}

#[cleanup(pre_close)]
async fn flush_in_a_task() {
    let flushed = tokio::spawn(async { "flushed in a spawned task" }).await;
    say(&format!("pre_close async: {}", flushed.unwrap()));
}

#[cement::main(flavor = "current_thread", exit_on_close = true)]
async fn main() {
    say(&format!("body on {}", flavor()));
    if std::env::args().nth(1).as_deref() == Some("exit") {
        std::process::exit(3);
    }
}
