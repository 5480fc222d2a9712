//! cement's side of `bench/compare.sh`: the same workloads as `bench/peers.py`, and
//! the hand-written Rust peers of SPEC §6, printed as `name ns_per_item` lines (best
//! of several runs, per item).
//!
//! `peers N` runs the in-process figures. Each figure that has a Rust peer is measured
//! against it in this process, the two taking turns round after round (which goes
//! first rotates too), so both meet the same heap, caches and clock: `Defer` against a
//! `Vec<Box<dyn FnOnce() + '_>>` popped last first (with, for reference, the same
//! boxes in storage that costs nothing), and `defer!` against a hand-written `Drop`
//! guard.
//!
//! `peers atexit N` registers a function N times as an atexit handler, as
//! `bench/peers.py` registers `noop`, and prints, from the last handler to run, the
//! time from the first registration; `peers atexit-closure N` does the same with
//! closures that capture an index, as `atexit.register(noop, i)` does in Python (a
//! `Box` allocation each). A process measures once; `bench/compare.sh` keeps the best
//! of five processes, as the Python side keeps the best of five runs.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cement::{App, Hook};

static CALLS: AtomicU64 = AtomicU64::new(0);

fn noop() {
    CALLS.fetch_add(1, Ordering::Relaxed);
}

/// Best of `repeat` runs of `run(n)`, in ns per item.
fn per_item(n: usize, repeat: usize, run: impl Fn(usize) -> Duration) -> f64 {
    let best = (0..repeat).map(|_| run(n)).min().expect("repeat > 0");
    best.as_nanos() as f64 / n as f64
}

fn close(n: usize) -> Duration {
    let app = App::new("bench");
    for _ in 0..n {
        app.register_hook(Hook::PreClose, 0, |_app: &App| noop());
    }
    let start = Instant::now();
    black_box(app.close());
    start.elapsed()
}

fn defer(n: usize) -> Duration {
    let calls = &CALLS;
    let start = Instant::now();
    {
        let d = cement::Defer::new();
        for _ in 0..n {
            // Captures a reference, as real cleanups do.
            d.defer(move || {
                calls.fetch_add(1, Ordering::Relaxed);
            });
        }
        black_box(&d);
    }
    start.elapsed()
}

/// What `Defer` replaces, written by hand (SPEC §6): the same closures boxed into a
/// `Vec` that grows as they come, then popped and called last first.
fn defer_vec(n: usize) -> Duration {
    let calls = &CALLS;
    let start = Instant::now();
    {
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
    }
    start.elapsed()
}

/// `n` scopes that each end with a `defer!`.
fn defer_macro(n: usize) -> Duration {
    let calls = black_box(&CALLS);
    let start = Instant::now();
    for _ in 0..n {
        cement::defer! {
            calls.fetch_add(1, Ordering::Relaxed);
        }
        black_box(calls);
    }
    start.elapsed()
}

/// What `defer!` replaces: a hand-written guard.
struct HandWritten<'a>(&'a AtomicU64);

impl Drop for HandWritten<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// `n` scopes that each end with a hand-written `Drop` guard.
fn drop_guard(n: usize) -> Duration {
    let calls = black_box(&CALLS);
    let start = Instant::now();
    for _ in 0..n {
        let _guard = HandWritten(calls);
        black_box(calls);
    }
    start.elapsed()
}

/// The floor under both (for reference, no target): the same boxed closures made,
/// called last first and freed, held in storage that costs nothing, as it was
/// allocated and first written before the timed rounds (`held` is kept across them).
fn boxes_alone(held: &mut Vec<Box<dyn FnOnce()>>, n: usize) -> Duration {
    let calls = &CALLS;
    let start = Instant::now();
    for _ in 0..n {
        held.push(Box::new(move || {
            calls.fetch_add(1, Ordering::Relaxed);
        }));
    }
    black_box(&mut *held);
    while let Some(cleanup) = held.pop() {
        cleanup();
    }
    start.elapsed()
}

/// Each of `alternatives` measured in turn, `rounds` times, the one to go first
/// rotating from round to round, so all meet the same heap, caches and clock; the best
/// of each, in ns per item.
fn in_turns(
    n: usize,
    rounds: usize,
    alternatives: &mut [&mut dyn FnMut(usize) -> Duration],
) -> Vec<f64> {
    let count = alternatives.len();
    let mut best = vec![Duration::MAX; count];
    for round in 0..rounds {
        for turn in 0..count {
            let which = (round + turn) % count;
            best[which] = best[which].min(alternatives[which](n));
        }
    }
    best.iter()
        .map(|best| best.as_nanos() as f64 / n as f64)
        .collect()
}

/// Registers `n` handlers; the first registered runs last and prints, as `name`, the
/// time from before the first registration, per handler.
///
/// A warm-up round registers and unregisters `n` handlers first, so the measured round
/// runs on memory already mapped, as the Python side's later runs do.
fn atexit(n: usize, name: &'static str, capture: bool) {
    let register = |i: usize| {
        if capture {
            cement::atexit::register(move || {
                black_box(i);
                noop();
            })
        } else {
            cement::atexit::register(noop)
        }
    };
    let warm_up: Vec<_> = (0..n).map(register).collect();
    for handler in warm_up.into_iter().rev() {
        handler.unregister();
    }

    let start = Instant::now();
    cement::atexit::register(move || {
        let per_handler = start.elapsed().as_nanos() as f64 / n as f64;
        println!("{name} {per_handler:.1}");
    });
    for i in 1..n {
        register(i);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = args.last().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    match args.first().map(String::as_str) {
        Some("atexit") => return atexit(n, "atexit_per_handler", false),
        Some("atexit-closure") => return atexit(n, "atexit_closure_per_handler", true),
        _ => {}
    }
    // cement wraps the panic hook the first time a guard or `Defer` is made: done
    // here, that one-time cost is in neither side's rounds.
    cement::guard(|| {}).disarm();
    println!("close_per_hook {:.1}", per_item(n, 5, close));
    let defers = in_turns(n, 12, &mut [&mut defer, &mut defer_vec]);
    println!("defer_per_cleanup {:.1}", defers[0]);
    println!("defer_vec_per_cleanup {:.1}", defers[1]);
    // Apart from the pair: its storage, alive across the rounds, would change the heap
    // the `Vec` meets in them.
    let mut held = Vec::with_capacity(n);
    let floor = in_turns(n, 12, &mut [&mut |n| boxes_alone(&mut held, n)]);
    println!("defer_boxes_alone_per_cleanup {:.1}", floor[0]);
    let guards = in_turns(n, 50, &mut [&mut defer_macro, &mut drop_guard]);
    println!("defer_macro_per_scope {:.2}", guards[0]);
    println!("drop_guard_per_scope {:.2}", guards[1]);
}
