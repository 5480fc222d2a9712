//! Async programs on tokio (feature `tokio`): the async forms of setup, run and close
//! (thin: the one driver in `app/` does the work), and what `#[cement::main] async
//! fn` and `#[cement::test] async fn` run.

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;

use tokio::runtime::{Builder, Runtime};

use crate::__private::Outcome;
use crate::entry::{self, Ending, MainOptions};
use crate::hooks::{Drive, HookFuture, RuntimeFn};
use crate::points::Hook;
use crate::runtime::CatchUnwind;
use crate::testing::{self, TestOptions};
use crate::App;

// The `cfg` repeats the module's: docs.rs shows its badge on these methods.
#[cfg(feature = "tokio")]
impl App {
    /// [`setup`](App::setup) for async code: async hooks are awaited on the caller's
    /// runtime, which becomes the App's runtime if it has none yet.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let app = cement::App::new("demo");
    /// app.setup_async().await;
    /// assert_eq!(app.close_async().await, 0);
    /// # }
    /// ```
    pub async fn setup_async(&self) {
        self.setup_with(Drive::Await).await;
    }

    /// [`run`](App::run) for async code: the `pre_run` hooks, `body`, then the
    /// `post_run` hooks; sets the App up first if needed. The body is a future,
    /// which may borrow the App. As with `run`, no body starts once a signal arrived
    /// or close began.
    ///
    /// # Panics
    ///
    /// If the App was closed by hand before: no body starts once close has begun.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let app = cement::App::new("demo");
    /// let label_len = app.run_async(async { app.label().len() }).await;
    /// assert_eq!(label_len, 4);
    /// app.close_async().await;
    /// # }
    /// ```
    pub async fn run_async<F: Future>(&self, body: F) -> F::Output {
        match self.run_with(body, Drive::Await).await {
            Some(output) => output,
            None => self.no_body_started(),
        }
    }

    /// [`close`](App::close) for async code: the same sequence, once, with each
    /// async hook awaited on the caller's runtime before the next starts. Call this
    /// (not `close`) from async code: a sync `close` on a runtime's thread drives
    /// async hooks from another thread.
    ///
    /// ```
    /// # extern crate cement_core as cement;
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
        self.close_sequence(false, Drive::Await).await
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
    /// # extern crate cement_core as cement;
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
    app.lifecycle().drive();
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
        future: Box::pin(app.run_with(body(&app), Drive::Await)),
        quiet: false,
    };
    let outcome = run.await.map(|ran| ran.map(Outcome::into_outcome));
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
