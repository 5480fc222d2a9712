//! `thread_task_peers N...`: the thread side of `bench/compare.sh`'s supervised-tasks
//! rows (SPEC §12). For each N, cement's `app.spawn_thread` + `close` and the
//! hand-written `Vec<JoinHandle>` + `Arc<AtomicBool>` (`src/lib.rs`) take turns round
//! after round, which one goes first alternating, after one warm-up round each.
//! Prints `tasks_threads_{side}_{N} NS`, the best round in ns per thread.
//!
//! cement's close returns once every thread has *finished* (its function returned);
//! the threads themselves are detached and may still be exiting. Between turns,
//! untimed, the process waits until its thread count is back where it was, so that
//! one side's exiting threads are not charged to the other's turn.

use std::time::{Duration, Instant};

/// This process's thread count, from `/proc/self/status` (Linux); `None` elsewhere.
fn threads() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .and_then(|count| count.trim().parse().ok())
}

/// Waits (up to 10 s) until no more than `base` threads are left.
fn settle(base: Option<usize>) {
    let Some(base) = base else { return };
    let until = Instant::now() + Duration::from_secs(10);
    while threads().is_some_and(|now| now > base) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(1));
    }
}

use cement_bench::{cement_threads, hand_written_threads};

/// One side's run with N threads.
type Workload = fn(usize);

const SIDES: [(&str, Workload); 2] = [
    ("cement", cement_threads),
    ("handwritten", hand_written_threads),
];

fn main() {
    let mut sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|n| n.parse().expect("N, a number"))
        .collect();
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000];
    }
    let base = threads();
    for n in sizes {
        // About 200 000 threads per side in all, at least 10 rounds.
        let rounds = (200_000 / n).clamp(10, 200);
        let run = |side: usize| {
            let start = Instant::now();
            (SIDES[side].1)(n);
            let elapsed = start.elapsed();
            settle(base);
            elapsed
        };
        for side in 0..SIDES.len() {
            run(side);
        }
        let mut best = [Duration::MAX; SIDES.len()];
        for round in 0..rounds {
            for turn in 0..SIDES.len() {
                let side = (round + turn) % SIDES.len();
                best[side] = best[side].min(run(side));
            }
        }
        for (side, (name, _)) in SIDES.iter().enumerate() {
            let per_thread = best[side].as_nanos() as f64 / n as f64;
            println!("tasks_threads_{name}_{n} {per_thread:.1}");
        }
    }
}
