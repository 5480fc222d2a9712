//! `Defer` register + run per cleanup against the hand-written alternative, a
//! `Vec<Box<dyn FnOnce() + '_>>` popped last first (SPEC §6: at most 0.6x its time),
//! and `defer!` against a hand-written `Drop` guard (SPEC §6: the same cost), each
//! pair in this one process. Every closure captures a reference, as real cleanups do,
//! so none is a zero-sized closure that needs no allocation. divan runs one benchmark
//! after the other; `bench/compare.sh` takes the ratios from `peers`, which measures
//! each pair in turns.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

fn main() {
    // cement wraps the panic hook the first time a guard or `Defer` is made. Done
    // here, that one-time cost stays out of divan's calibration, which otherwise can
    // settle on one iteration per sample, below the timer's precision.
    cement::guard(|| {}).disarm();
    divan::main();
}

static CALLS: AtomicU64 = AtomicU64::new(0);

#[divan::bench(args = [1, 8, 100, 10_000, 100_000])]
fn defer_register_and_run(bencher: divan::Bencher, n: usize) {
    let calls = &CALLS;
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench_local(|| {
            let d = cement::Defer::new();
            for _ in 0..n {
                d.defer(move || {
                    calls.fetch_add(1, Ordering::Relaxed);
                });
            }
            black_box(&d);
        });
}

/// What `Defer` replaces, written by hand: the same closures boxed into a growing
/// `Vec`, then popped and called last first.
#[divan::bench(args = [1, 8, 100, 10_000, 100_000])]
fn vec_of_boxed_closures(bencher: divan::Bencher, n: usize) {
    let calls = &CALLS;
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench_local(|| {
            let mut cleanups: Vec<Box<dyn FnOnce() + '_>> = Vec::new();
            for _ in 0..n {
                cleanups.push(Box::new(move || {
                    calls.fetch_add(1, Ordering::Relaxed);
                }));
            }
            black_box(&mut cleanups);
            while let Some(cleanup) = cleanups.pop() {
                cleanup();
            }
        });
}

#[divan::bench]
fn defer_macro() {
    let calls = black_box(&CALLS);
    cement::defer! {
        calls.fetch_add(1, Ordering::Relaxed);
    }
    black_box(calls);
}

/// What `defer!` replaces: a hand-written guard.
struct HandWritten<'a>(&'a AtomicU64);

impl Drop for HandWritten<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[divan::bench]
fn hand_written_drop_guard() {
    let calls = black_box(&CALLS);
    let _guard = HandWritten(calls);
    black_box(calls);
}
