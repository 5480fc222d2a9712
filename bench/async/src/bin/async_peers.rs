//! `async_peers N`: close with N run-time async `pre_close` hooks, awaited by
//! `close_async` on a current-thread runtime; prints `async_close_per_hook NS`, the
//! best of five runs per hook, for `bench/compare.sh`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cement_bench_async::app_with_async_hooks;

fn close(runtime: &tokio::runtime::Runtime, n: usize) -> Duration {
    let app = app_with_async_hooks(n);
    let start = Instant::now();
    black_box(runtime.block_on(app.close_async()));
    start.elapsed()
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(100_000, |n| n.parse().expect("N, a number"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let best = (0..5).map(|_| close(&runtime, n)).min().expect("five runs");
    println!(
        "async_close_per_hook {:.1}",
        best.as_nanos() as f64 / n as f64
    );
}
