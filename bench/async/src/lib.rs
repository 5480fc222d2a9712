//! Programs and benchmarks for `bench/compare.sh`'s async rows (SPEC §6).

use std::sync::atomic::{AtomicU64, Ordering};

use cement::{App, Hook};

static CALLS: AtomicU64 = AtomicU64::new(0);

/// An App with `n` run-time async `pre_close` hooks that each bump a counter.
pub fn app_with_async_hooks(n: usize) -> App {
    let app = App::new("bench");
    for _ in 0..n {
        app.register_async_hook(Hook::PreClose, 0, |_app| {
            Box::pin(async {
                CALLS.fetch_add(1, Ordering::Relaxed);
            })
        });
    }
    app
}
