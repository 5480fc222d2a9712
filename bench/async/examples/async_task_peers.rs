//! `async_task_peers N...`: the async side of `bench/compare.sh`'s supervised-tasks
//! rows (SPEC §12). For each N, on one multi-thread runtime, cement's `app.spawn` +
//! `close_async`, tokio-util's `TaskTracker` + `CancellationToken` (one token, and a
//! child token per task), and tokio-graceful-shutdown's subsystems (`peers/tasks.rs`) take turns round after
//! round, which one goes first rotating, after one warm-up round each. Prints
//! `tasks_async_{side}_{N} NS`, the best round in ns per task, and
//! `tasks_async_median_{side}_{N} NS`, the median round.
//!
//! An example rather than a binary so that it may use the peers, which are
//! dev-dependencies of this package only: `cargo run --release -p cement-bench-async
//! --example async_task_peers -- 1000 10000`.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

#[path = "../peers/tasks.rs"]
mod tasks;

type Workload = fn(usize) -> Pin<Box<dyn Future<Output = ()>>>;

const SIDES: [(&str, Workload); 4] = [
    ("cement", |n| Box::pin(tasks::cement(n))),
    ("tracker", |n| Box::pin(tasks::task_tracker(n))),
    ("tracker_child", |n| {
        Box::pin(tasks::task_tracker_child_tokens(n))
    }),
    ("tgs", |n| Box::pin(tasks::graceful_shutdown(n))),
];

fn main() {
    let mut sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|n| n.parse().expect("N, a number"))
        .collect();
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000];
    }
    let runtime = tasks::runtime();
    for n in sizes {
        // About two million tasks per side in all, at least 10 rounds.
        let rounds = (2_000_000 / n).clamp(10, 500);
        let run = |side: usize| {
            runtime.block_on(async {
                let start = Instant::now();
                (SIDES[side].1)(n).await;
                start.elapsed()
            })
        };
        for side in 0..SIDES.len() {
            run(side);
        }
        let mut rounds_of: [Vec<Duration>; SIDES.len()] = Default::default();
        for round in 0..rounds {
            for turn in 0..SIDES.len() {
                let side = (round + turn) % SIDES.len();
                rounds_of[side].push(run(side));
            }
        }
        for (side, (name, _)) in SIDES.iter().enumerate() {
            let times = &mut rounds_of[side];
            times.sort();
            let per_task = |time: Duration| time.as_nanos() as f64 / n as f64;
            println!("tasks_async_{name}_{n} {:.1}", per_task(times[0]));
            let median = per_task(times[times.len() / 2]);
            println!("tasks_async_median_{name}_{n} {median:.1}");
        }
    }
}
