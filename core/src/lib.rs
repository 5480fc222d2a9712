//! The runtime behind [`cement`](https://docs.rs/cement): the App, its hooks and close
//! sequence, signals, `Defer` and `atexit`. Depend on `cement`, which re-exports all
//! of it beside the attribute macros and documents it; this crate is split out only
//! so that it compiles while the macros do, which keeps a user's clean build short.
//!
//! Its modules, leaves first: the [`Signal`] and [`Hook`] types, failure reports,
//! tracing, shutdown requests; then the lifecycle state machine; then the App (the
//! one two-way dependency: hooks take `&App`); then signals, the close deadline,
//! atexit; then the generated `main` and test mode. What systemd is told (feature
//! `systemd`) is `notify.rs`, and `notify_off.rs` where nothing is.

#![warn(missing_docs)]
// docs.rs (`--cfg docsrs`, nightly) marks each item that needs a feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

// Leaves.
mod failures;
mod points;
mod report;
mod shutdown;
mod signal;
mod trace;

// The state machine every path asks.
mod lifecycle;

// What a service manager is told (feature `systemd`, Linux); elsewhere, nothing.
#[cfg(all(feature = "systemd", target_os = "linux"))]
mod notify;
#[cfg(not(all(feature = "systemd", target_os = "linux")))]
#[path = "notify_off.rs"]
mod notify;

// The App and what it drives.
mod app;
pub mod atexit;
mod deadline;
mod defer;
mod hooks;
#[cfg_attr(feature = "tokio", path = "runtime.rs")]
#[cfg_attr(not(feature = "tokio"), path = "runtime_off.rs")]
mod runtime;
mod signals;
mod tasks;
#[cfg(feature = "tokio")]
mod timer;

// What generated code runs.
#[cfg(feature = "tokio")]
mod async_rt;
mod entry;
mod testing;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use app::TaskBuilder;
pub use app::{App, AppBuilder, Deferred};
pub use defer::{guard, Defer, DeferHandle, Guard};
pub use failures::HookFailure;
pub use hooks::HookFuture;
pub use points::Hook;
pub use shutdown::{ShutdownRequested, ShutdownToken};
pub use signal::Signal;
pub use tasks::{TaskFinished, TaskHandle, TaskOutput};

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
