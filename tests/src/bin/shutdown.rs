//! Shutdown requests through `#[cement::main]` with the default grace (SPEC §7); see
//! `tests/shutdown.rs`. Prints `ready` once it can take a signal, then acts on its
//! first argument:
//!
//! - `worker PATH`: keeps rewriting the scratch file PATH until shutdown is
//!   requested; a `pre_close` hook removes it. Exit on close.
//! - `worker-flag PATH`: the same worker, stopped by a flag its own `signal` hook
//!   sets: it never asks cement, so it does not cooperate (how it had to be done
//!   before shutdown requests).
//! - `blocked`: waits in `wait_for_shutdown`, holding a guard that says when dropped.
//! - `ignores-request`: waits for the request, then never returns.
//! - `uncooperative`: never asks; blocks for good, holding a guard.
//! - `request-from-thread`: another thread requests shutdown; no signal.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use cement::{App, Signal, cleanup};
use cement_tests::{SaysWhenDropped, say, wait_forever};

/// Where the worker writes; the `pre_close` hook removes it.
struct Scratch(PathBuf);

/// Set by the `signal` hook, for `worker-flag`.
static STOP: AtomicBool = AtomicBool::new(false);

#[cement::hook(signal)]
fn on_signal(_app: &App, signal: Signal) {
    STOP.store(true, Ordering::SeqCst);
    say(&format!("signal hook {signal}"));
}

#[cleanup(pre_close)]
fn remove_scratch(app: &App) -> std::io::Result<()> {
    say("pre_close");
    if let Some(scratch) = app.get::<Scratch>() {
        std::fs::remove_file(&scratch.0)?;
    }
    Ok(())
}

#[cleanup(post_close)]
fn closed(app: &App) {
    say(&format!("post_close code {}", app.exit_code()));
}

fn work(app: &App, path: PathBuf, stop: impl Fn(&App) -> bool) {
    app.insert(Scratch(path.clone()));
    std::fs::write(&path, "0").expect("write the scratch file");
    // Asked once before `ready`: `worker` cooperates from then on.
    let _ = stop(app);
    say("ready");
    let mut round = 0u64;
    while !stop(app) {
        round += 1;
        std::fs::write(&path, round.to_string()).expect("write the scratch file");
    }
}

#[cement::main(label = "shutdown", exit_on_close = true)]
fn main(app: &App) {
    cement::atexit::register(|| say("atexit handler"));
    let mut args = std::env::args().skip(1);
    let scenario = args.next().expect("a scenario");
    let mut path = || PathBuf::from(args.next().expect("a scratch file path"));
    match scenario.as_str() {
        "worker" => work(app, path(), App::is_shutdown_requested),
        "worker-flag" => work(app, path(), |_| STOP.load(Ordering::SeqCst)),
        "blocked" => {
            let _guard = SaysWhenDropped("body's guard dropped");
            // Cooperating from before `ready`: a signal sent then is waited for.
            let _ = app.is_shutdown_requested();
            say("ready");
            assert!(app.wait_for_shutdown(None));
            say("body stops");
        }
        "ignores-request" => {
            let _guard = SaysWhenDropped("never printed: the body never returns");
            let _ = app.is_shutdown_requested();
            say("ready");
            app.wait_for_shutdown(None);
            say("body ignores the request");
            wait_forever();
        }
        "uncooperative" => {
            let _guard = SaysWhenDropped("never printed: the body never returns");
            say("ready");
            wait_forever();
        }
        "request-from-thread" => {
            let token = app.shutdown_token();
            std::thread::spawn(move || {
                say("requesting from another thread");
                token.request();
            });
            app.wait_for_shutdown(None);
            say("body stops");
        }
        other => panic!("unknown scenario {other}"),
    }
}
