//! Supervised threads (SPEC §12): N threads that each wait for their stop request,
//! then stop them all and join. cement's `app.spawn_thread` + `close` against a
//! hand-written `Vec<JoinHandle>` + `Arc<AtomicBool>` with parking. Divide by N per
//! thread; `bench/compare.sh` times the two in turns in one process.

use std::hint::black_box;

use cement_bench::{cement_threads, hand_written_threads};

fn main() {
    divan::main();
}

const SIZES: [usize; 2] = [1_000, 10_000];

#[divan::bench(args = SIZES, sample_count = 10)]
fn cement_spawn_thread_close(bencher: divan::Bencher, n: usize) {
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench_local(|| cement_threads(black_box(n)));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn hand_written_park_join(bencher: divan::Bencher, n: usize) {
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench_local(|| hand_written_threads(black_box(n)));
}
