//! Start-to-exit of an empty async `#[cement::main]` against the same program under
//! `#[tokio::main]` (SPEC §6: within 3%). Each iteration spawns the process and waits.

use std::process::Command;

fn main() {
    divan::main();
}

fn run(path: &str) {
    let status = Command::new(path).status().expect("spawn the program");
    assert!(status.success());
}

#[divan::bench(sample_count = 200)]
fn tokio_main() {
    run(env!("CARGO_BIN_EXE_tokio_main"));
}

#[divan::bench(sample_count = 200)]
fn empty_async_cement_main() {
    run(env!("CARGO_BIN_EXE_empty_async_cement_main"));
}
