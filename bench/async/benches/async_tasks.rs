//! Supervised async tasks (SPEC §12): N tasks that each await their stop request,
//! then stop them all and wait, on a multi-thread runtime. cement's `app.spawn` +
//! `close_async` against tokio-util's `TaskTracker` + `CancellationToken` (the target:
//! no slower), the same with a child token per task, and tokio-graceful-shutdown's
//! subsystems. Divide by N per task;
//! `bench/compare.sh` times the three in turns in one process.

use std::hint::black_box;

#[path = "../peers/tasks.rs"]
mod tasks;

fn main() {
    divan::main();
}

const SIZES: [usize; 2] = [1_000, 10_000];

#[divan::bench(args = SIZES, sample_count = 30)]
fn cement_spawn_close_async(bencher: divan::Bencher, n: usize) {
    let runtime = tasks::runtime();
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench_local(|| runtime.block_on(tasks::cement(black_box(n))));
}

#[divan::bench(args = SIZES, sample_count = 30)]
fn task_tracker_cancellation_token(bencher: divan::Bencher, n: usize) {
    let runtime = tasks::runtime();
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench_local(|| runtime.block_on(tasks::task_tracker(black_box(n))));
}

#[divan::bench(args = SIZES, sample_count = 30)]
fn task_tracker_child_token_per_task(bencher: divan::Bencher, n: usize) {
    let runtime = tasks::runtime();
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench_local(|| runtime.block_on(tasks::task_tracker_child_tokens(black_box(n))));
}

#[divan::bench(args = SIZES, sample_count = 30)]
fn tokio_graceful_shutdown_subsystems(bencher: divan::Bencher, n: usize) {
    let runtime = tasks::runtime();
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench_local(|| runtime.block_on(tasks::graceful_shutdown(black_box(n))));
}
