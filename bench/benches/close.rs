//! Close with N run-time `pre_close` hooks (SPEC §6: linear, under 10 ns per hook
//! at N = 100 000). Divide the reported time by N for the per-hook cost.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use cement::{App, Hook};

fn main() {
    divan::main();
}

static CALLS: AtomicU64 = AtomicU64::new(0);

fn app_with_hooks(n: usize) -> App {
    let app = App::new("bench");
    for _ in 0..n {
        app.register_hook(Hook::PreClose, 0, |_app: &App| {
            CALLS.fetch_add(1, Ordering::Relaxed);
        });
    }
    app
}

#[divan::bench(args = [1, 100, 10_000, 100_000], sample_count = 20)]
fn close_with_n_hooks(bencher: divan::Bencher, n: usize) {
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .with_inputs(|| app_with_hooks(n))
        .bench_local_refs(|app| black_box(app.close()));
}
