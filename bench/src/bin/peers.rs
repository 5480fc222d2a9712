//! cement's side of `bench/compare.sh`: the same workloads as `bench/peers.py`,
//! printed as `name ns_per_item` lines (best of several runs, per item).
//!
//! `peers N` runs the in-process figures. `peers atexit N` registers a function N
//! times as an atexit handler, as `bench/peers.py` registers `noop`, and prints, from
//! the last handler to run, the time from the first registration; `peers
//! atexit-closure N` does the same with closures that capture an index, as
//! `atexit.register(noop, i)` does in Python (a `Box` allocation each). A process measures once; `bench/compare.sh` keeps the best of
//! five processes, as the Python side keeps the best of five runs.

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
    }
    start.elapsed()
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
    println!("close_per_hook {:.1}", per_item(n, 5, close));
    println!("defer_per_cleanup {:.1}", per_item(n, 5, defer));
}
