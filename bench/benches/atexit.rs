//! `cement::atexit` registration, in process: register + unregister per handler. The
//! full register + run figure needs the process to end; `bench/compare.sh` takes it
//! from `peers atexit N` (SPEC §6: under 50 ns per handler).

use std::sync::atomic::{AtomicU64, Ordering};

fn main() {
    divan::main();
}

static CALLS: AtomicU64 = AtomicU64::new(0);

#[divan::bench]
fn register_then_unregister() -> bool {
    let calls = &CALLS;
    cement::atexit::register(move || {
        calls.fetch_add(1, Ordering::Relaxed);
    })
    .unregister()
}
