//! Without the `tokio` feature there are no async hooks, so nothing here ever runs;
//! `runtime.rs` is the real thing.

use std::future::Future;

use crate::report::Failure;
use crate::signals::Runtime;

#[derive(Default)]
pub(crate) struct AppRuntime(());

impl AppRuntime {
    pub(crate) fn capture_current(&self) {}

    /// No runtime picks up signals without the feature.
    pub(crate) fn signal_watcher(&self) -> Option<&Runtime> {
        None
    }
}

pub(crate) fn block_on<F: Future>(_runtime: &AppRuntime, _future: F) -> Result<F::Output, Failure> {
    unreachable!("async hooks exist only with the `tokio` feature")
}
