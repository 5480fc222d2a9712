//! Without the `tokio` feature there are no async hooks, so nothing here ever runs;
//! `async_rt.rs` is the real thing.

use crate::exit::Failure;
use crate::hooks::HookFuture;
use crate::App;

#[derive(Default)]
pub(crate) struct AppRuntime(());

impl AppRuntime {
    pub(crate) fn capture_current(&self) {}
}

pub(crate) fn block_on<T>(_app: &App, _future: HookFuture<'_, T>) -> Result<T, Failure> {
    unreachable!("async hooks exist only with the `tokio` feature")
}
