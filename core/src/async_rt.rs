//! Async programs on tokio (feature `tokio`): the async forms of setup, run and close
//! (thin: the one driver in `app/` does the work), and what `#[cement::main] async
//! fn` and `#[cement::test] async fn` run.

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;

use tokio::runtime::{Builder, Runtime};

use crate::__private::Outcome;
use crate::entry::{self, Ending, MainOptions};
use crate::runtime::CatchUnwind;
use crate::testing::{self, TestOptions};
use crate::App;

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
        future: Box::pin(app.try_run_async(body(&app))),
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
