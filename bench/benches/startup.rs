//! Start-to-exit of an empty `#[cement::main]` program against an empty `main` that
//! catches Ctrl-C with `ctrlc` (SPEC §6: within 3%), and with `catch_signals = false`
//! against a plain `fn main` (within 3%). Each iteration spawns the process and waits.

use std::process::Command;

fn main() {
    divan::main();
}

fn run(path: &str) {
    let status = Command::new(path).status().expect("spawn the program");
    assert!(status.success());
}

#[divan::bench(sample_count = 200)]
fn plain_fn_main() {
    run(env!("CARGO_BIN_EXE_plain_main"));
}

/// The peer with signals caught: `ctrlc::set_handler`, which starts one thread.
#[divan::bench(sample_count = 200)]
fn ctrlc_main() {
    run(env!("CARGO_BIN_EXE_ctrlc_main"));
}

#[divan::bench(sample_count = 200)]
fn empty_cement_main() {
    run(env!("CARGO_BIN_EXE_empty_cement_main"));
}

/// `catch_signals = false`: no signal-watching thread.
#[divan::bench(sample_count = 200)]
fn empty_cement_main_without_signals() {
    run(env!("CARGO_BIN_EXE_no_signals_main"));
}

/// A plain `fn main` that spawns one thread blocked on a pipe: what a second thread
/// costs, the floor under catching signals (for reference, no target).
#[divan::bench(sample_count = 200)]
fn plain_fn_main_with_one_thread() {
    run(env!("CARGO_BIN_EXE_thread_main"));
}
