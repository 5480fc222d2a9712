//! cement's side of `bench/compare.sh`: the same workloads as `bench/peers.py`,
//! printed as `name ns_per_item` lines (best of several runs, per item).
//!
//! `peers N` runs the in-process figures; `peers atexit N` registers N atexit handlers
//! and prints, from the last one to run, the time from the first registration.

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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = args.last().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    println!("close_per_hook {:.1}", per_item(n, 5, close));
}
