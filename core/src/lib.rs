//! The runtime behind [`cement`](https://docs.rs/cement): the App, its hooks and close
//! sequence, signals, `Defer` and `atexit`. Depend on `cement`, which re-exports all
//! of it beside the attribute macros and documents it; this crate is split out only
//! so that it compiles while the macros do, which keeps a user's clean build short.

#![warn(missing_docs)]
// docs.rs (`--cfg docsrs`, nightly) marks each item that needs a feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod app;
#[cfg_attr(feature = "tokio", path = "async_rt.rs")]
#[cfg_attr(not(feature = "tokio"), path = "async_rt_off.rs")]
mod async_rt;
pub mod atexit;
mod deadline;
mod defer;
mod entry;
mod exit;
mod failures;
mod hooks;
mod shutdown;
mod signals;
mod testing;
mod trace;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use app::{App, AppBuilder, Deferred};
pub use defer::{guard, Defer, DeferHandle, Guard};
pub use failures::HookFailure;
pub use hooks::{Hook, HookFuture};
pub use shutdown::{ShutdownRequested, ShutdownToken};
pub use signals::Signal;

/// Locks, ignoring poison: cement never runs user code under its own locks, so a
/// poisoned lock holds consistent data. Out of line, so each lock is one call rather
/// than std's fast path and poison check copied into every caller.
#[inline(never)]
pub(crate) fn lock<T: ?Sized>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::App;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn app_is_send_and_sync() {
        assert_send_sync::<App>();
    }
}
