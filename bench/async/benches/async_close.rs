//! Close with N run-time async `pre_close` hooks (SPEC §6: under 100 ns per hook),
//! awaited by `close_async` on a current-thread runtime. Divide by N per hook.

use std::hint::black_box;

use cement_bench_async::app_with_async_hooks;

fn main() {
    divan::main();
}

#[divan::bench(args = [1, 100, 10_000, 100_000], sample_count = 20)]
fn close_async_with_n_hooks(bencher: divan::Bencher, n: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .with_inputs(|| app_with_async_hooks(n))
        .bench_local_refs(|app| black_box(runtime.block_on(app.close_async())));
}
