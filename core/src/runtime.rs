//! The tokio runtime an App's async hooks run on (feature `tokio`), and running a
//! hook's future from sync or async code with its panic caught. Without the feature,
//! `runtime_off.rs` stands in. What uses these: the one hook runner (`hooks.rs`) and
//! the async entry points (`async_rt.rs`).
//!
//! Sync code (a sync [`App::close`](crate::App::close), the signal-watching thread,
//! `std::process::exit`) drives each async hook to completion on the App's runtime:
//! the one `#[cement::main]` built, else the one current when `setup()` ran, else a
//! current-thread runtime started for the purpose.

use std::any::Any;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::task::{Context, Poll};

use tokio::runtime::{Builder, Handle, Runtime, RuntimeFlavor};

use crate::report::{self, Failure, QuietPanics};

/// The runtime an App's async hooks run on, once known.
#[derive(Default)]
pub(crate) struct AppRuntime {
    handle: OnceLock<Handle>,
    /// The handle is the multi-thread runtime `#[cement::main]` built, with its I/O
    /// driver: it can pick up the first signal, so no thread need wait for
    /// one beside the runtime's own (async start-up costs no thread).
    watches_signals: AtomicBool,
}

impl AppRuntime {
    /// Takes the runtime current on this thread, if any and if none is set yet.
    pub(crate) fn capture_current(&self) {
        if let Ok(handle) = Handle::try_current() {
            let _ = self.handle.set(handle);
        }
    }

    /// The App's runtime, once known.
    pub(crate) fn handle(&self) -> Option<&Handle> {
        self.handle.get()
    }

    /// The runtime a task that picks up signals can run on, if there is one.
    pub(crate) fn signal_watcher(&self) -> Option<&Handle> {
        let handle = self.handle.get()?;
        self.watches_signals
            .load(Ordering::Relaxed)
            .then_some(handle)
    }

    /// The runtime `#[cement::main]` built for this App.
    pub(crate) fn set_main(&self, handle: Handle) {
        let multi_thread = handle.runtime_flavor() == RuntimeFlavor::MultiThread;
        if self.handle.set(handle).is_ok() {
            self.watches_signals.store(multi_thread, Ordering::Relaxed);
        }
    }
}

/// Runs an async hook's future to completion from sync code, catching a panic.
///
/// On a thread that is not a runtime's, it blocks on the App's runtime (or on a
/// current-thread runtime of its own when the App has none). A runtime's own thread
/// cannot block on a runtime, and a thread inside `exit` has lost its thread-locals
/// (glibc destroys them before atexit handlers run), so there the future is driven
/// from a scoped thread.
pub(crate) fn block_on<F>(runtime: &AppRuntime, future: F) -> Result<F::Output, Failure>
where
    F: Future + Send + Unpin,
    F::Output: Send,
{
    let handle = runtime.handle.get();
    let stay = match Handle::try_current() {
        Ok(_) => false,
        Err(error) => !error.is_thread_local_destroyed(),
    };
    let outcome = if stay {
        drive(handle, catch_unwind(future))
    } else {
        // Only a multi-thread runtime's workers make progress while this thread waits.
        let handle = handle.filter(|handle| handle.runtime_flavor() == RuntimeFlavor::MultiThread);
        std::thread::scope(|scope| {
            scope
                .spawn(|| drive(handle, catch_unwind(future)))
                .join()
                .unwrap_or_else(Err)
        })
    };
    outcome.map_err(|payload| Failure::Panicked(report::panic_message(&*payload)))
}

/// Blocks this thread (not a runtime's) on `future`.
fn drive<F: Future>(handle: Option<&Handle>, future: F) -> F::Output {
    match handle {
        Some(handle) => handle.block_on(future),
        None => current_thread_runtime().block_on(future),
    }
}

fn current_thread_runtime() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("cement cannot start a tokio runtime")
}

/// Awaits a hook's future on the caller's runtime: a panic becomes a [`Failure`],
/// quietly (it is reported in one line).
pub(crate) async fn catch<F: Future + Unpin>(future: F) -> Result<F::Output, Failure> {
    catch_unwind(future)
        .await
        .map_err(|payload| Failure::Panicked(report::panic_message(&*payload)))
}

/// A future that catches a panic in `future`'s `poll`, with panics kept quiet on the
/// polling thread during each poll (the task may move between threads, so nothing is
/// held across polls).
pub(crate) fn catch_unwind<F: Future + Unpin>(future: F) -> CatchUnwind<F> {
    CatchUnwind {
        future,
        quiet: true,
    }
}

pub(crate) struct CatchUnwind<F> {
    pub(crate) future: F,
    /// Whether a panic's own message is kept quiet (a hook's is reported by cement;
    /// a body's prints as std prints it).
    pub(crate) quiet: bool,
}

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let _quiet = self.quiet.then(QuietPanics::enter);
        poll_catching(Pin::new(&mut self.future), cx)
    }
}

/// Polls `future` once, a panic in its `poll` caught (kept quiet if the caller
/// entered [`QuietPanics`]).
pub(crate) fn poll_catching<F: Future + ?Sized>(
    future: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<Result<F::Output, Box<dyn Any + Send>>> {
    match panic::catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
        Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
        Ok(Poll::Pending) => Poll::Pending,
        Err(payload) => Poll::Ready(Err(payload)),
    }
}
