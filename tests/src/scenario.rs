//! The program behind the `main_*` fixtures: declared hooks with weights and ties, a
//! body whose ending is chosen by the first argument. Included by each fixture with
//! `#[path]`, so every fixture declares its own hooks.
//!
//! Scenarios: `ok`, `set-code`, `set-code-300`, `err`, `panic`, `set-code-then-err`,
//! `set-code-then-panic`, `close-in-body`, `failing-hooks`.

use cement::{App, Hook, cleanup};

fn scenario() -> String {
    std::env::args().nth(1).expect("a scenario argument")
}

#[cement::hook(pre_setup)]
fn announce_setup() {
    println!("pre_setup");
}

#[cement::hook(post_run)]
fn after_run(_app: &App) {
    println!("post_run");
}

// Declared out of path order: the tie at weight 0 runs a_tie first.
#[cleanup(pre_close)]
fn b_tie() {
    println!("pre_close w0 b_tie");
}

#[cleanup(pre_close)]
fn a_tie() {
    println!("pre_close w0 a_tie");
}

#[cleanup(pre_close, weight = 10)]
fn heavy() {
    println!("pre_close w10");
}

#[cleanup(pre_close, weight = -5)]
fn light(app: &App) {
    println!("pre_close w-5 code {}", app.exit_code());
}

#[cleanup(pre_close, weight = 5)]
fn fails_with_err() -> Result<(), String> {
    if scenario() == "failing-hooks" {
        return Err("disk full".to_owned());
    }
    Ok(())
}

#[cleanup(pre_close, weight = 5)]
fn fails_with_panic() {
    if scenario() == "failing-hooks" {
        panic!("hook exploded");
    }
}

#[cleanup(post_close)]
fn goodbye(app: &App) -> std::io::Result<()> {
    println!("post_close code {}", app.exit_code());
    Ok(())
}

#[cleanup(post_close, app = "some-other-app")]
fn not_for_this_app() {
    println!("never printed: scoped to another App");
}

pub fn body(app: &App) -> Result<(), String> {
    println!("body");
    app.register_hook(Hook::PreClose, 0, |_app: &App| {
        println!("pre_close w0 run-time");
    });
    match scenario().as_str() {
        "ok" | "failing-hooks" => Ok(()),
        "set-code" => {
            app.set_exit_code(3);
            Ok(())
        }
        "set-code-300" => {
            app.set_exit_code(300);
            Ok(())
        }
        "err" => Err("bad input".to_owned()),
        "panic" => panic!("body panicked"),
        "set-code-then-err" => {
            app.set_exit_code(3);
            Err("bad input".to_owned())
        }
        "set-code-then-panic" => {
            app.set_exit_code(3);
            panic!("body panicked")
        }
        "close-in-body" => {
            println!("close returned {}", app.close());
            println!("close again returned {}", app.close());
            Ok(())
        }
        other => panic!("unknown scenario {other}"),
    }
}
