//! `async_task_peers N...`: the async side of `bench/compare.sh`'s supervised-tasks
//! rows (SPEC §12). For each N, on one multi-thread runtime, cement's `app.spawn` +
//! `close_async`, tokio-util's `TaskTracker` + `CancellationToken` (one token, and a
//! child token per task), and tokio-graceful-shutdown's subsystems (`peers/tasks.rs`) take turns round after
//! round, which one goes first rotating, after one warm-up round each. Prints
//! `tasks_async_{side}_{N} NS`, the best round in ns per task, and
//! `tasks_async_median_{side}_{N} NS`, the median round.
//!
//! `async_task_peers --alone SIDE N [--current-thread]` runs one side by itself
//! instead (see [`alone`]).
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
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--alone") {
        return alone(&args[1..]);
    }
    let mut sizes: Vec<usize> = args
        .drain(..)
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

/// `--alone SIDE N [--current-thread]`: one side only, in a process of its own, two
/// million tasks in rounds of N; prints `tasks_async_alone_{side}_{N} NS`, the mean
/// wall time per task, and on Linux `tasks_async_alone_main_cpu_{side}_{N} NS`, the
/// spawning thread's time on a CPU per task. A cross-check of the rows above: in
/// turns, the sides share a process, its runtime and its allocator, and what one
/// leaves behind can speed up or slow down the next.
///
/// With `--current-thread`, on a current-thread runtime, printed as
/// `tasks_async_current_thread_{side}_{N} NS`: no task is polled before
/// the stop, and nothing runs in parallel, so the figure is each side's own work
/// per task, without the scheduling between threads that makes the multi-thread
/// figures vary from run to run (a few percent here, against 10% and more).
fn alone(args: &[String]) {
    let (side, n, current_thread) = match args {
        [side, n] => (side, n, false),
        [side, n, flag] if flag == "--current-thread" => (side, n, true),
        _ => panic!("--alone SIDE N [--current-thread]"),
    };
    let n: usize = n.parse().expect("N, a number");
    let (name, workload) = SIDES
        .iter()
        .find(|(name, _)| name == side)
        .expect("a side: cement, tracker, tracker_child or tgs");
    let runtime = match current_thread {
        true => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime"),
        false => tasks::runtime(),
    };
    let rounds = 2_000_000 / n;
    let start = Instant::now();
    for _ in 0..rounds {
        runtime.block_on(workload(n));
    }
    let per_task = start.elapsed().as_nanos() as f64 / (rounds * n) as f64;
    if current_thread {
        println!("tasks_async_current_thread_{name}_{n} {per_task:.1}");
        return;
    }
    println!("tasks_async_alone_{name}_{n} {per_task:.1}");
    if let Some(on_cpu) = thread_cpu_time() {
        let per_task = on_cpu as f64 / (rounds * n) as f64;
        println!("tasks_async_alone_main_cpu_{name}_{n} {per_task:.1}");
    }
}

/// The calling thread's time on a CPU so far, in ns, where Linux tells it
/// (`/proc/thread-self/schedstat`): in `--alone`, the spawning thread's share, as
/// the runtime's workers mostly wait for it.
fn thread_cpu_time() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}
