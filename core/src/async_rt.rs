//! Async programs on tokio (SPEC §8), with the `tokio` feature: the async forms of
//! setup, run and close, async hooks, and what `#[cement::main] async fn` and
//! `#[cement::test] async fn` run. Without the feature, `async_rt_off.rs` stands in.
//!
//! Async hooks share the one hook order with sync hooks. Async code awaits them one
//! after the other ([`App::close_async`]); sync code (a sync [`App::close`], the
//! signal-watching thread, `std::process::exit`) drives each to completion on the
//! App's runtime: the one `#[cement::main]` built, else the one current when
//! `setup()` ran, else a current-thread runtime started for the purpose.

use std::any::Any;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::task::{Context, Poll};

use tokio::runtime::{Builder, Handle, Runtime, RuntimeFlavor};

use crate::__private::Outcome;
use crate::entry::{self, Ending, MainOptions};
use crate::exit::{self, Failure, QuietPanics};
use crate::hooks::{Hook, HookFuture, RuntimeFn};
use crate::testing::{self, TestOptions};
use crate::App;

/// The runtime an App's async hooks run on, once known.
#[derive(Default)]
pub(crate) struct AppRuntime {
    handle: OnceLock<Handle>,
    /// The handle is the multi-thread runtime `#[cement::main]` built, with its I/O
    /// driver: a task on it can pick up the first signal, so no thread need wait for
    /// one beside the runtime's own (SPEC §6, async start-up).
    watches_signals: AtomicBool,
}

impl AppRuntime {
    /// Takes the runtime current on this thread, if any and if none is set yet.
    pub(crate) fn capture_current(&self) {
        if let Ok(handle) = Handle::try_current() {
            let _ = self.handle.set(handle);
        }
    }

    /// The runtime a task that picks up signals can run on, if there is one.
    // Not on Windows, which starts a thread for each console event itself.
    #[cfg_attr(windows, allow(dead_code))]
    pub(crate) fn signal_watcher(&self) -> Option<&Handle> {
        let handle = self.handle.get()?;
        self.watches_signals
            .load(Ordering::Relaxed)
            .then_some(handle)
    }

    /// The runtime `#[cement::main]` built for this App.
    fn set_main(&self, handle: Handle) {
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
pub(crate) fn block_on<T: Send>(app: &App, future: HookFuture<'_, T>) -> Result<T, Failure> {
    let handle = app.runtime().handle.get();
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
    outcome.map_err(|payload| Failure::Panicked(exit::panic_message(&*payload)))
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
pub(crate) async fn catch<T>(future: HookFuture<'_, T>) -> Result<T, Failure> {
    catch_unwind(future)
        .await
        .map_err(|payload| Failure::Panicked(exit::panic_message(&*payload)))
}

/// A future that catches a panic in `future`'s `poll`, with panics kept quiet on the
/// polling thread during each poll (the task may move between threads, so nothing is
/// held across polls).
fn catch_unwind<F: Future + Unpin>(future: F) -> CatchUnwind<F> {
    CatchUnwind {
        future,
        quiet: true,
    }
}

struct CatchUnwind<F> {
    future: F,
    /// Whether a panic's own message is kept quiet (a hook's is reported by cement;
    /// a body's prints as std prints it).
    quiet: bool,
}

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let _quiet = self.quiet.then(QuietPanics::enter);
        let future = &mut self.future;
        match panic::catch_unwind(AssertUnwindSafe(|| Pin::new(future).poll(cx))) {
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

impl App {
    /// [`setup`](App::setup) for async code: async hooks are awaited on the caller's
    /// runtime, which becomes the App's runtime if it has none yet.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let app = cement::App::new("demo");
    /// app.setup_async().await;
    /// assert_eq!(app.close_async().await, 0);
    /// # }
    /// ```
    pub async fn setup_async(&self) {
        if self.begin_setup() {
            self.run_hooks_async(Hook::PreSetup).await;
            self.run_hooks_async(Hook::PostSetup).await;
        }
    }

    /// [`run`](App::run) for async code: the `pre_run` hooks, `body`, then the
    /// `post_run` hooks; sets the App up first if needed. The body is a future,
    /// which may borrow the App.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let app = cement::App::new("demo");
    /// let label_len = app.run_async(async { app.label().len() }).await;
    /// assert_eq!(label_len, 4);
    /// app.close_async().await;
    /// # }
    /// ```
    pub async fn run_async<F: Future>(&self, body: F) -> F::Output {
        self.setup_async().await;
        self.run_hooks_async(Hook::PreRun).await;
        let output = {
            let _running = self.shutdown().body_running();
            body.await
        };
        self.run_hooks_async(Hook::PostRun).await;
        output
    }

    /// [`close`](App::close) for async code: the same sequence, once, with each
    /// async hook awaited on the caller's runtime before the next starts. Call this
    /// (not `close`) from async code: a sync `close` on a runtime's thread drives
    /// async hooks from another thread.
    ///
    /// ```
    /// use cement::{App, Hook};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let app = App::new("demo");
    /// app.register_async_hook(Hook::PreClose, 0, |app| {
    ///     Box::pin(async move {
    ///         tokio::task::yield_now().await;
    ///         println!("{} flushed", app.label());
    ///     })
    /// });
    /// assert_eq!(app.close_async().await, 0);
    /// # }
    /// ```
    pub async fn close_async(&self) -> i32 {
        if let Err(code) = self.begin_close(false) {
            return code;
        }
        while let Some((step, work)) = self.next_close_step() {
            match &work {
                crate::app::StepWork::Hooks(point, hooks) => hooks.run_async(self, *point).await,
                crate::app::StepWork::Deferred(slots) => self.run_deferred(slots),
            }
            self.close_step_done(step);
        }
        self.finish_close()
    }

    /// Registers an async hook at run time: [`register_hook`](App::register_hook)'s
    /// async form, in the same order. `f` returns a boxed future, which may borrow
    /// the App: write `|app| Box::pin(async move { .. })`. Not for
    /// [`Hook::Signal`]: `signal` hooks run on the signal-watching thread, where
    /// nothing should wait for a runtime.
    ///
    /// # Panics
    ///
    /// If `point` is [`Hook::Signal`].
    ///
    /// ```
    /// use cement::{App, Hook};
    ///
    /// let app = App::new("demo");
    /// app.register_async_hook(Hook::PostClose, 0, |app| {
    ///     Box::pin(async move { println!("{} closed", app.label()) })
    /// });
    /// app.close(); // outside a runtime: driven on a runtime cement starts
    /// ```
    pub fn register_async_hook<F>(&self, point: Hook, weight: i32, f: F)
    where
        F: for<'a> Fn(&'a App) -> HookFuture<'a> + Send + Sync + 'static,
    {
        assert!(
            point != Hook::Signal,
            "`signal` hooks cannot be async: they run on the signal-watching thread"
        );
        self.register(point, weight, RuntimeFn::Async(Box::new(f)));
    }

    /// Runs the hooks of `point`, awaiting async ones, without holding the table's
    /// lock.
    async fn run_hooks_async(&self, point: Hook) {
        let hooks = self.take_hooks(point);
        hooks.run_async(self, point).await;
        self.restore_hooks(point, hooks);
    }
}

/// The runtime options of `#[cement::main] async fn`, as `#[tokio::main]` has them.
#[derive(Clone, Copy, Debug)]
pub struct RuntimeOptions {
    /// `flavor = "current_thread"`; `false` is `multi_thread`.
    pub current_thread: bool,
    /// `worker_threads = N` (multi-thread only).
    pub worker_threads: Option<usize>,
}

/// A boxed body future; it need not be `Send`, as with `#[tokio::main]`.
pub type BodyFuture<'a, R> = Pin<Box<dyn Future<Output = R> + 'a>>;

/// The generated `main` of `#[cement::main] async fn`: builds the runtime, runs
/// setup, the body and close on it, shuts it down, then turns how the run ended into
/// the process status as the sync form does.
pub fn run_async_main<R: Outcome>(
    options: MainOptions,
    runtime_options: RuntimeOptions,
    body: impl for<'a> FnOnce(&'a App) -> BodyFuture<'a, R>,
) -> ExitCode {
    let runtime = build(runtime_options);
    let app = entry::build_app(&options);
    app.runtime().set_main(runtime.handle().clone());
    let ending = runtime.block_on(run_to_close(app, body));
    // Tasks still pending are dropped, as when `#[tokio::main]` returns.
    drop(runtime);
    entry::status(&options, ending)
}

fn build(options: RuntimeOptions) -> Runtime {
    let mut builder = if options.current_thread {
        Builder::new_current_thread()
    } else {
        Builder::new_multi_thread()
    };
    if let Some(threads) = options.worker_threads {
        builder.worker_threads(threads);
    }
    builder
        .enable_all()
        .build()
        .expect("cement cannot start the tokio runtime")
}

/// Setup, the body, close, on the current runtime; see `entry::run_to_close`.
async fn run_to_close<R: Outcome>(
    app: App,
    body: impl for<'a> FnOnce(&'a App) -> BodyFuture<'a, R>,
) -> Ending {
    app.setup_async().await;
    let run = CatchUnwind {
        future: Box::pin(app.run_async(body(&app))),
        quiet: false,
    };
    let outcome = run.await.map(Outcome::into_outcome);
    let mut ending = Ending::after_body(&app, outcome);
    ending.closed(&app, app.close_async().await);
    ending
}

/// Runs a `#[cement::test] async fn` body on a current-thread runtime, as
/// `#[tokio::test]` does.
pub fn run_async_test<R: Outcome>(
    options: TestOptions,
    body: impl for<'a> FnOnce(&'a App) -> BodyFuture<'a, R>,
) {
    testing::run_test_with(options, |app| {
        let runtime = build(RuntimeOptions {
            current_thread: true,
            worker_threads: None,
        });
        app.runtime().set_main(runtime.handle().clone());
        runtime.block_on(run_to_close(app, body))
    });
}
