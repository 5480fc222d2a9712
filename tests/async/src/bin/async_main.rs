//! `#[cement::main] async fn` on the default multi-thread runtime, with sync and async
//! hooks interleaved by weight; see `tests/async_main.rs`. The first argument picks
//! the scenario: `ok`, `failing` (an async hook returns `Err`, another panics),
//! `select` (prints `ready`, then awaits the shutdown request inside `select!`),
//! `exit` (`std::process::exit(5)` from the body), `err`, `panic`, `blocked` (prints
//! `ready`, then blocks its thread and never asks for the shutdown state), `threads`
//! (prints whether the process has any thread beside `main` and the runtime's
//! workers).

use std::time::Duration;

use cement::{App, Hook, Signal, cleanup};
use cement_tests::say;

fn scenario() -> String {
    std::env::args().nth(1).expect("a scenario")
}

fn flavor() -> &'static str {
    match tokio::runtime::Handle::current().runtime_flavor() {
        tokio::runtime::RuntimeFlavor::CurrentThread => "current_thread",
        _ => "multi_thread",
    }
}

#[cement::hook(post_setup)]
async fn set_up(app: &App) {
    tokio::task::yield_now().await;
    say(&format!(
        "post_setup async on {} ({})",
        flavor(),
        app.label()
    ));
}

#[cement::hook(signal)]
fn on_signal(_app: &App, signal: Signal) {
    say(&format!("signal hook {signal}"));
}

#[cleanup(pre_close, weight = -10)]
async fn first(app: &App) {
    tokio::time::sleep(Duration::from_millis(1)).await;
    say(&format!("pre_close -10 async, code {}", app.exit_code()));
}

#[cleanup(pre_close, weight = -5)]
fn second() {
    say("pre_close -5 sync");
}

#[cleanup(pre_close)]
async fn third_fails() -> Result<(), String> {
    tokio::task::yield_now().await;
    if scenario() == "failing" {
        return Err("the flush target is gone".to_owned());
    }
    say("pre_close 0 async");
    Ok(())
}

#[cleanup(pre_close)]
async fn third_panics() {
    tokio::task::yield_now().await;
    if scenario() == "failing" {
        panic!("async hook exploded");
    }
}

#[cleanup(pre_close, weight = 5)]
fn fourth() {
    say("pre_close 5 sync");
}

#[cleanup(post_close)]
async fn last(app: &App) {
    tokio::task::yield_now().await;
    say(&format!("post_close async, code {}", app.exit_code()));
}

#[cement::main(label = "async-main", exit_on_close = true)]
async fn main(app: &App) -> Result<(), String> {
    app.register_async_hook(Hook::PreClose, 1, |_app| {
        Box::pin(async {
            tokio::task::yield_now().await;
            say("pre_close 1 async, run-time");
        })
    });
    cement::atexit::register(|| say("atexit handler"));
    match scenario().as_str() {
        "ok" | "failing" => say("body"),
        "select" => {
            // Made before `ready`, so the body cooperates when the signal comes.
            let stop = app.shutdown_requested();
            say("ready");
            tokio::select! {
                _ = stop => say("body: shutdown requested"),
                _ = tokio::time::sleep(Duration::from_secs(3600)) => say("never printed"),
            }
        }
        "blocked" => {
            say("ready");
            loop {
                std::thread::park();
            }
        }
        "threads" => {
            let workers = tokio::runtime::Handle::current().metrics().num_workers();
            let threads = std::fs::read_dir("/proc/self/task").map_or(0, Iterator::count);
            if threads == 1 + workers {
                say("threads: main and the workers");
            } else {
                say(&format!("threads: {threads}, with {workers} workers"));
            }
        }
        "exit" => {
            say("body exits with 5");
            std::process::exit(5);
        }
        "err" => return Err("bad input".to_owned()),
        "panic" => panic!("async body panicked"),
        other => panic!("unknown scenario {other}"),
    }
    Ok(())
}
