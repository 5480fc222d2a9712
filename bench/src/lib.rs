//! Benchmarks for cement live in `benches/` (`cargo bench -p cement-bench`); the
//! programs in `src/bin/` are timed as whole processes by `bench/compare.sh`.
//!
//! The supervised-threads workload (SPEC §12) is here, shared by `benches/tasks.rs`
//! and `src/bin/thread_task_peers.rs`: cement's side and the hand-written peer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use cement::App;

/// cement: N threads from `app.spawn_thread`, each blocked in `stop.wait(None)`, then
/// `app.close()`, which stops them (step 0 of close) and waits for each.
pub fn cement_threads(n: usize) {
    let app = App::new("bench");
    for _ in 0..n {
        app.spawn_thread("worker", |stop| {
            stop.wait(None);
        });
    }
    assert_eq!(app.close(), 0, "every thread stopped");
}

/// The same written by hand: N `std::thread::spawn`s kept in a `Vec<JoinHandle>`,
/// each parked until one shared `Arc<AtomicBool>` is set; then set it, unpark each
/// and join them all.
pub fn hand_written_threads(n: usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for _ in 0..n {
        let stop = Arc::clone(&stop);
        threads.push(thread::spawn(move || {
            while !stop.load(Ordering::Acquire) {
                thread::park();
            }
        }));
    }
    stop.store(true, Ordering::Release);
    for thread in &threads {
        thread.thread().unpark();
    }
    for thread in threads {
        thread.join().expect("no thread panics");
    }
}
