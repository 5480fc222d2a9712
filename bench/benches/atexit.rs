//! `cement::atexit` registration, in process: register + unregister per handler. The
//! full register + run figure needs the process to end; `bench/compare.sh` takes it
//! from `peers atexit N` (SPEC §6: under 30 ns per handler).

use std::sync::atomic::{AtomicU64, Ordering};

fn main() {
    divan::main();
}

static CALLS: AtomicU64 = AtomicU64::new(0);

fn handler() {
    CALLS.fetch_add(1, Ordering::Relaxed);
}

/// A function, as Python's `atexit.register(f)` takes: nothing to allocate.
#[divan::bench(sample_size = 1000)]
fn function_register_then_unregister() -> bool {
    cement::atexit::register(handler).unregister()
}

/// A closure with state: one `Box` allocation.
#[divan::bench(sample_size = 1000)]
fn closure_register_then_unregister() -> bool {
    let state = divan::black_box(7_u64);
    cement::atexit::register(move || {
        CALLS.fetch_add(state, Ordering::Relaxed);
    })
    .unregister()
}
