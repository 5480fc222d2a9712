//! Deterministic program cleanup.
//!
//! Rust programs lose their cleanup on many exit paths: `std::process::exit` skips
//! every destructor, a panic leaves half-written files behind, Ctrl-C or SIGTERM ends
//! the process with nothing run, and exit codes get lost between layers. `cement`
//! gives a program the lifecycle of Python's Cement framework (setup, run, close) with
//! hooks that any linked crate can declare, an exit code, App-scoped deferred
//! cleanups and typed state that hooks reach; plus the `cleanup` package's scoped
//! [`Defer`] and Python's [`atexit`].
//!
//! ```no_run
//! use cement::{App, cleanup};
//!
//! struct TmpFile(std::path::PathBuf);
//!
//! #[cleanup(pre_close)]
//! fn remove_tmp_file(app: &App) -> std::io::Result<()> {
//!     if let Some(tmp) = app.get::<TmpFile>() {
//!         std::fs::remove_file(&tmp.0)?;
//!     }
//!     Ok(())
//! }
//!
//! #[cement::main(label = "myapp", exit_on_close = true)]
//! fn main(app: &App) -> std::io::Result<()> {
//!     let path = std::env::temp_dir().join("myapp.tmp");
//!     std::fs::write(&path, "scratch")?;
//!     app.insert(TmpFile(path));
//!     Ok(())
//! }
//! ```
//!
//! The same lifecycle without macros is [`App`]: [`App::setup`], [`App::run`],
//! [`App::close`], with hooks from [`App::register_hook`].
//!
//! # Guarantees
//!
//! - [`App::close`] runs the close sequence exactly once: 1. `pre_close` hooks,
//!   2. the App's deferred cleanups ([`App::defer`], last registered first),
//!   3. `post_close` hooks; it returns the exit code and never ends the process.
//!   Later calls, from any thread or a hook, run nothing and return the code (a hook
//!   gets the code as it is at that moment: the final one is not known yet).
//! - No cleanup is dropped: a close hook registered, or a cleanup deferred, once its
//!   step has started (or after close) runs at once.
//! - Hooks of one point run by ascending weight; at equal weight, declared hooks
//!   first (by full path, `crate::module::function`), then run-time hooks in
//!   registration order. The order never depends on link order or platform.
//! - A hook or deferred cleanup that panics or returns `Err` is reported on one line
//!   of stderr naming it (see [Failure reports](#failure-reports)), and the others
//!   still run (Cement aborts close); the exit code becomes 1 unless a non-zero code
//!   was already set. Nothing in close aborts the process, even while the body is
//!   already unwinding.
//! - Dropping an App that was set up and not closed closes it (Python's `with`).
//!
//! # Exit paths
//!
//! How a [`#[cement::main]`](main) program ends, and what runs:
//!
//! | how the run ends | close runs | status, `exit_on_close = true` | status, `exit_on_close = false` |
//! |---|---|---|---|
//! | body returns | once | `exit_code()` | 0; a non-zero `exit_code()` is reported on stderr as ignored |
//! | body returns `Err(e)` | once | 1 unless already non-zero; `Error: {e:?}` on stderr | 1, as std does |
//! | body panics | once | 1 unless already non-zero | 101, the panic continues after close |
//! | `std::process::exit(n)` anywhere | once, before the process ends | n | n |
//! | SIGINT / SIGTERM / SIGHUP while the body runs, `catch_signals` | `signal` hooks, then once, when a cooperating body has returned | 128 + signal number, unless a non-zero code was set or a `signal` hook set one | same |
//! | a signal during setup or the `pre_run` hooks | `signal` hooks; setup finishes, no body starts, then once | as above | same |
//! | a first signal while close or the atexit handlers run | they finish (no `signal` hooks) | 128 + signal number, unless already non-zero | same |
//! | a second signal, at any time | abandoned | 128 + signal number, at once | same |
//! | close overruns `close_deadline_ms` | abandoned | the exit code, or 1 if it was 0 | same |
//! | abort, SIGKILL, `panic = "abort"` | cannot run | | |
//!
//! Then [`atexit`] handlers run, except where the process ends at once (a second
//! signal, the close deadline) or cannot run anything.
//!
//! - A first signal that arrives while close is already running, for any reason, or
//!   while the atexit handlers run, lets them finish, and says so on one line of
//!   stderr: `cement: SIGTERM while closing; finishing close (a second signal ends at
//!   once)`. Only a second signal ends the process at once, with 128 + its number.
//! - A signal before the body starts (during setup or the `pre_run` hooks) is
//!   delivered as any other; setup finishes, the body never starts, and close runs.
//! - One App at a time catches signals: the first one set up with `catch_signals`.
//!   Signals stay caught until the process ends; an App closed by hand, without the
//!   process ending, restores the previous dispositions.
//! - On the signal path, a body that cooperates (see [Stopping
//!   gracefully](#stopping-gracefully)) returns first, and everything runs as on a
//!   normal return: `main`'s destructors, close on `main`'s thread, atexit handlers.
//!   A body that does not cooperate, or does not return within its grace, is closed
//!   from cement's signal-watching thread, where the process then ends: `main`'s own
//!   destructors do not run; hooks and deferred cleanups do. Hook code never runs
//!   inside the signal handler itself.
//! - `std::process::exit`, and `main` returning, close every App that was set up and
//!   not closed, before the atexit handlers. A hook or deferred cleanup that calls
//!   `std::process::exit` does not cut the close sequence short: the remaining hooks
//!   and cleanups run, once each, before the atexit handlers.
//! - A code outside `0..=255` goes to `std::process::exit`, where the platform
//!   truncates it.
//!
//! # Stopping gracefully
//!
//! A caught signal does not stop the body: Rust cannot interrupt a thread. It runs
//! the `signal` hooks, then *asks* the body to stop ([`App::request_shutdown`]); close
//! waits for the body to return, so it never runs beside it. A worker loop asks
//! between units of work:
//!
//! ```no_run
//! use cement::{App, cleanup};
//!
//! #[cleanup(pre_close)]
//! fn remove_scratch() -> std::io::Result<()> {
//!     std::fs::remove_file("scratch.tmp")
//! }
//!
//! #[cement::main(exit_on_close = true)]
//! fn main(app: &App) -> std::io::Result<()> {
//!     while !app.is_shutdown_requested() {
//!         std::fs::write("scratch.tmp", "one batch")?; // never after `remove_scratch`
//!     }
//!     Ok(()) // SIGTERM: close runs now, here, and the status is 143
//! }
//! ```
//!
//! A body that has nothing to do but wait blocks in [`App::wait_for_shutdown`];
//! threads take a [`ShutdownToken`]; async code awaits [`App::shutdown_requested`], a
//! future tied to no runtime. [`App::deliver_signal`] runs the signal path without
//! the OS, for tests.
//!
//! A body *cooperates* once anything has asked the App for its shutdown state (all
//! of the above but `request_shutdown` and `deliver_signal`). On a caught signal:
//!
//! 1. the exit code becomes 128 + the signal's number unless a non-zero code is set;
//! 2. the `signal` hooks run;
//! 3. shutdown is requested: waiters wake, futures resolve;
//! 4. a cooperating body is waited for: close starts when [`App::run`]'s body
//!    returns, on the thread that ran it, or when the grace ends (10 s by default,
//!    `shutdown_grace_ms`, [`AppBuilder::shutdown_grace`]), whichever is first.
//!    Running out of grace is reported on one line, and close then runs from the
//!    signal-watching thread. A body that does not cooperate is closed at once from
//!    that thread;
//! 5. the process ends with the code.
//!
//! A second signal at any point, the grace included, ends the process at once with
//! 128 + its number. [`App::request_shutdown`] with no signal only asks: the body
//! returns and close runs as on any return, with the code unchanged.
//!
//! # Async programs (feature `tokio`)
//!
//! `cement = { version = "..", features = ["tokio"] }` (off by default: without it
//! nothing of tokio is built) lets `#[cement::main]`, `#[cement::test]`,
//! `#[cleanup]` and `#[cement::hook]` take an `async fn`. `#[cement::main] async fn`
//! builds the runtime (`flavor`, `worker_threads` as `#[tokio::main]`), and a server
//! stops gracefully on Ctrl-C by taking [`App::shutdown_requested`] as its shutdown
//! future (`axum::serve(..).with_graceful_shutdown(app.shutdown_requested())`); see
//! `examples/graceful_server.rs`. Async hooks run in the one order with sync hooks,
//! each awaited before the next starts, on the App's runtime: the one
//! `#[cement::main]` built, else the runtime current when `setup()` ran, else a
//! current-thread runtime cement starts for the close. Their failures are isolated
//! and reported as sync hooks' are. `App::setup_async`, `run_async`, `close_async`
//! and `register_async_hook` are the forms without macros.
//!
//! On the multi-thread runtime (the default flavor), `#[cement::main] async fn`
//! starts no signal-watching thread of its own: the runtime's I/O driver picks up
//! the first signal and starts the thread that delivers it then. A body
//! blocking `main`'s thread is still closed from there. If every worker is blocked,
//! the signal waits for one to be free (a second signal still ends the process at
//! once, as always). The current-thread flavor, and an App that code outside
//! `#[cement::main]` builds, keep the watching thread.
//!
//! # Supervised tasks
//!
//! Background work started through the App, [`App::spawn_thread`] for a
//! `std::thread` and `App::spawn` (feature `tokio`) for a task on the App's runtime,
//! is stopped by close as its first step, before the `pre_close` hooks: each gets a
//! [`ShutdownToken`] of its own, and groups of ascending weight are asked together
//! and waited for, each task within its grace ([`App::task`] gives a
//! [`TaskBuilder`]: weight, grace, failure code). What has not stopped by then is
//! aborted (a task) or left running (a thread), and all of it is named on one line:
//!
//! ```text
//! cement: tasks did not stop within their grace: server (task, 200ms, aborted), indexer (thread, 1s, left running)
//! ```
//!
//! A task that returns `Err` or panics is reported with its message, recorded in
//! [`App::failures`], sets the code and requests shutdown. Each spawn returns a
//! [`TaskHandle`], which stops that task alone and waits for its end
//! ([`join`](TaskHandle::join) blocks, [`finished`](TaskHandle::finished) is a
//! future). See `examples/supervised.rs`.
//!
//! # Failure reports
//!
//! A hook or deferred cleanup that fails is one line on stderr, naming the hook point,
//! the hook (its path, or a run-time hook's number and weight) and the message:
//!
//! ```text
//! cement: pre_close hook myapp::flush_journal returned an error: reading the flush journal: No such file or directory (os error 2)
//! cement: pre_close hook #3 (run-time, weight 5) panicked: disk full
//! cement: deferred cleanup #2 panicked: lock lost\nfor good
//! ```
//!
//! - For a declared hook's `Err(e)`, the message is `e`'s `Display` followed by its
//!   `source()` chain, joined with `: ` (what anyhow's `{:#}` prints), also for a
//!   `Box<dyn Error>`. A type that is `Display` but not `std::error::Error` is shown
//!   with `{:#}`: `anyhow::Error` gives its context chain, a `String` its text, without
//!   quotes. Only a type without `Display` is shown with `Debug`. The form is chosen at
//!   compile time, from the hook's return type.
//! - A panic's message is its payload.
//! - A report never holds a backtrace, whatever `RUST_BACKTRACE` says, and a
//!   message's own line breaks are escaped (`\n`): one failure, one line.
//! - [`App::failures`] returns the same failures as values ([`HookFailure`]: point,
//!   hook, message, whether it panicked), in order, for tests and for a `main` that
//!   decides what they mean.
//! - [`Defer`] cleanups, guards and [`atexit`] handlers are reported on one line the
//!   same way (`cement: atexit handler #2 panicked: boom`); they belong to no App, so
//!   `failures()` does not list them.
//! - `#[cement::main]`'s body returning `Err(e)` is not a hook failure: it prints
//!   `Error: {e:?}`, as std's `main` does, and `anyhow`'s `Debug` (written for that
//!   line) still shows its chain and, with `RUST_BACKTRACE=1`, its backtrace.
//!
//! ## Feature `tracing`
//!
//! `cement = { version = "..", features = ["tracing"] }`, off by default (without it
//! nothing of tracing is built). With it, on target `cement`:
//!
//! - setup, run and close are `info` spans `cement.setup`, `cement.run` and
//!   `cement.close`, with the field `label`; each supervised task is a `cement.task`
//!   span with the field `task` (its name);
//! - each hook or deferred cleanup is a `debug` event as it starts (`running hook`,
//!   fields `point` and `hook`);
//! - each failure is an `error` event (`hook failed`; `cleanup failed` for a deferred
//!   cleanup; `task failed` for a task, inside its span) with the fields `point`
//!   (absent for what is not a hook), `hook` (a task's name), `error` (the message)
//!   and `panicked`.
//!
//! The async forms (`setup_async`, `run_async`, `close_async`, and so
//! `#[cement::main] async fn`) open the same spans, entered on each poll of their
//! future rather than across an `.await`.
//!
//! While a global subscriber is set (`tracing::subscriber::set_global_default`, or a
//! subscriber's `init()`), failures go to it instead of stderr. Once the process is
//! ending (`main` returned or `std::process::exit` was called: a live App closes
//! then, and atexit handlers run), libc has already destroyed the thread-locals a
//! subscriber needs, so there cement does not trace, and failures go to stderr as
//! without the feature; so does one that a panicking subscriber did not take. Set the
//! subscriber
//! before the App is set up, so the setup span is seen (under `#[cement::main]`, a
//! `#[cement::hook(pre_setup)]` hook is the earliest place: only the setup span
//! itself is missed); `runtime/examples/tracing_failures.rs` shows it with a `fmt`
//! subscriber:
//!
//! ```text
//! ERROR cement.close{label="myapp"}: cement: hook failed point="pre_close" hook="tracing_failures::flush_journal" error="No such file or directory (os error 2)" panicked=false
//! ```
//!
//! # Running under systemd (feature `systemd`)
//!
//! `cement = { version = "..", features = ["systemd"] }`, off by default (it adds no
//! dependency). Under a `Type=notify` unit, where systemd sets `NOTIFY_SOCKET` (a
//! path or an abstract `@name`), the App tells it, one datagram per message:
//!
//! - `READY=1` once setup has finished, right before the body starts, so that
//!   `systemctl start` returns, and units ordered after this one start, only then.
//!   With `#[cement::main(notify_ready = false)]` ([`AppBuilder::notify_ready`]), when
//!   the body calls [`App::notify_ready`] instead (once its port is bound, say).
//! - `STOPPING=1` with `EXTEND_TIMEOUT_USEC=` the shutdown grace plus the close
//!   deadline (if one is set), when shutdown is requested ([`App::request_shutdown`],
//!   which a caught signal calls) or close begins, whichever comes first. A request
//!   made only through a [`ShutdownToken`] is told when close begins. No READY goes
//!   out after STOPPING.
//! - `STATUS=` naming each close step as it starts: each `pre_close` and `post_close`
//!   hook as failure reports name it (`pre_close hook myapp::flush_journal`), and
//!   `deferred cleanups`. `systemctl status` shows it on its `Status:` line, so a
//!   slow close says where it is.
//! - For the program's own use: [`App::notify_status`] (`STATUS=`),
//!   [`App::notify_watchdog`] (`WATCHDOG=1`) and [`App::watchdog_interval`] (half of
//!   `WATCHDOG_USEC`, when it is meant for this process).
//!
//! Without `NOTIFY_SOCKET`, without the feature, or off Linux, every one of these
//! exists and does nothing. A send that fails is one line on stderr, once per
//! process, and never fails the program. The repository's README has a unit file, and
//! how `TimeoutStopSec=` relates to `shutdown_grace_ms` and `close_deadline_ms`.
//!
//! # Scoped cleanup: [`Defer`] and [`defer!`]
//!
//! The `cleanup` package's `with defer() as d:` is a local [`Defer`]: closures
//! registered with [`Defer::defer`] (they may borrow locals) run when the scope ends,
//! normally or by unwinding, last registered first. Each can be released or run
//! early; [`Defer::release`] cancels all registered so far. A panicking cleanup never
//! skips the others and is reported on one line of stderr. For one cleanup, [`defer!`]
//! (or [`guard`], to disarm it) is a guard of its own, which costs what a
//! hand-written `Drop` guard costs (the repository's `bench/README.md`).
//!
//! ```
//! let mut log = Vec::new();
//! {
//!     let d = cement::Defer::new();
//!     d.defer(|| log.push("cleaned up"));
//! }
//! assert_eq!(log, ["cleaned up"]);
//! ```
//!
//! # Process exit: [`atexit`]
//!
//! Python's `atexit.register`: [`atexit::register`] runs a handler when the process
//! ends normally (`main` returns, `std::process::exit`, a panic that ends `main`) or
//! on a caught signal, last registered first, after the App's close. A panicking
//! handler is reported on one line of stderr and the rest still run; the exit status
//! is unchanged.
//!
//! # Platforms
//!
//! Linux, macOS and Windows, Rust 1.71 and later. On Windows the signals are console
//! control events (see [`Signal`]): Ctrl-C is [`Signal::INT`], and a caught event's
//! status is `STATUS_CONTROL_C_EXIT` (`0xC000013A`) unless a hook set a code.
//! `Signal::TERM` and `Signal::HUP` never arrive there. There, `std::process::exit`
//! is `ExitProcess`, which skips C's atexit table; cement closes the App and runs the
//! atexit handlers from Windows' own end-of-process callbacks instead, after Windows
//! has ended every other thread: there a hook must not wait for another thread.
//!
//! # Limits
//!
//! - Nothing runs on abort, SIGKILL or with `panic = "abort"`: close needs unwinding
//!   or libc's `exit`, and the kernel gives SIGKILL no handler.
//! - Hooks are collected at link time. A crate whose only use is its hooks (a
//!   "plugin") is dropped by the linker unless the program names it once:
//!   `use plugin as _;`.
//! - A hook registered at a point while that point's hooks run waits for the next
//!   time the point runs (close points excepted: see above).

#![warn(missing_docs)]
// docs.rs (`--cfg docsrs`, nightly) marks each item that needs a feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
// `cement::test`'s docs show the `#[test]` it stands for.
#![allow(clippy::test_attr_in_doctest)]

pub use cement_core::atexit;
pub use cement_core::{
    defer, guard, App, AppBuilder, Defer, DeferHandle, Deferred, Guard, Hook, HookFailure,
    HookFuture, ShutdownRequested, ShutdownToken, Signal, TaskBuilder, TaskFinished, TaskHandle,
    TaskOutput,
};

#[doc(hidden)]
pub use cement_core::__private;

/// The README's ```rust blocks, compiled as this crate's doctests, and run where they
/// end on their own. Its async example needs the `tokio` feature, which `cargo test
/// --workspace` turns on (`cargo test --doc -p cement --features tokio` alone). The
/// path holds inside the workspace (`../README.md`) and inside the package (where
/// cargo puts the README at the root).
#[cfg(all(doctest, feature = "tokio"))]
#[doc = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", env!("CARGO_PKG_README")))]
pub struct ReadmeDoctests;

/// Turns `fn main` into a program that runs inside an [`App`]: set up, run the body,
/// close deterministically.
///
/// ```standalone_crate
/// use cement::{App, cleanup};
///
/// #[cleanup(pre_close)]
/// fn say_goodbye(app: &App) {
///     println!("closing {}", app.label());
/// }
///
/// #[cement::main(label = "myapp", exit_on_close = true)]
/// fn main(app: &App) -> Result<(), std::io::Error> {
///     println!("running {}", app.label());
///     Ok(())
/// }
/// ```
///
/// The function takes no parameters or one `&App`, and returns `()` or
/// `Result<(), E>` with `E: Debug` (written as a path ending in `Result`, like
/// `std::io::Result<()>`). It may be `async` with the `tokio` feature (see [Async
/// main](#async-main-feature-tokio)); it may not be `const`, `unsafe`, `extern` or
/// generic, or sit on top of `#[tokio::main]` (remove that: this attribute builds the
/// runtime). An `Err(e)` is printed as `Error: {e:?}` on stderr, as std's `main`
/// prints it.
///
/// # Options
///
/// ## `label = "..."`
///
/// The App's label: hooks declared with `app = "..."` run only for the App with that
/// label. Default: the package name (`CARGO_PKG_NAME`). Must not be empty.
///
/// ## `exit_on_close = bool`
///
/// Default `false`, as in Cement. With `true`, the process status is the App's exit
/// code after close ([`App::exit_code`]); `main` returns it as a
/// [`std::process::ExitCode`], so destructors still run. With `false`, the status is
/// what std makes of the body: 0, 1 for an `Err`, 101 for a panic (which continues
/// after close); a non-zero exit code that is ignored is reported on stderr.
///
/// ## `catch_signals = bool`
///
/// Default `true`: SIGINT, SIGTERM and SIGHUP run the `signal` hooks, ask the body
/// to stop, run the close sequence (once a cooperating body has returned), then end
/// the process with 128 + the signal number. See [Stopping
/// gracefully](crate#stopping-gracefully).
///
/// ## `shutdown_grace_ms = N`
///
/// Default 10 000. The longest a caught signal's close waits for a body that
/// cooperates (one that asked for its shutdown state, e.g.
/// [`App::is_shutdown_requested`]) to return; then it is reported and the App is
/// closed beside it ([`AppBuilder::shutdown_grace`]). A positive integer.
///
/// ## `close_deadline_ms = N`
///
/// Off by default. If the close sequence takes longer than `N` milliseconds, the
/// process reports the hook or deferred cleanup that was running and ends at once
/// with the exit code, or 1 if it was 0 ([`AppBuilder::close_deadline`]).
///
/// ## `notify_ready = bool`
///
/// Default `true`: with the `systemd` feature, under a `Type=notify` unit, systemd is
/// told `READY=1` once setup has finished, right before the body starts. With
/// `false`, the body tells it with [`App::notify_ready`] when it can serve
/// ([`AppBuilder::notify_ready`]). Without the feature it is accepted and changes
/// nothing. See [Running under systemd](crate#running-under-systemd-feature-systemd).
///
/// ## `crate = "path"`
///
/// The path the generated code uses to reach this crate, for a renamed dependency
/// (`my_cement = { package = "cement", .. }` → `crate = "my_cement"`). Default
/// `::cement`.
///
/// ## `flavor = "multi_thread" | "current_thread"`, `worker_threads = N`
///
/// For an `async fn main` only, as `#[tokio::main]` has them: the runtime's flavor
/// (default `multi_thread`) and, for `multi_thread`, its number of worker threads
/// (default: one per core).
///
/// # Equivalent code without the macro
///
/// Roughly (the generated code also catches a panicking body, closes, and then lets
/// the panic continue, and reports an ignored exit code):
///
/// ```no_run
/// use cement::App;
/// use std::process::ExitCode;
///
/// fn body(app: &App) -> Result<(), std::io::Error> {
///     println!("running {}", app.label());
///     Ok(())
/// }
///
/// fn main() -> ExitCode {
///     let app = App::builder("myapp")
///         .exit_on_close(true)
///         .catch_signals(true)
///         .shutdown_grace(std::time::Duration::from_secs(10))
///         .build();
///     app.setup();
///     if let Err(error) = app.run(body) {
///         eprintln!("Error: {error:?}");
///         if app.exit_code() == 0 {
///             app.set_exit_code(1);
///         }
///     }
///     let code = app.close();
///     ExitCode::from(code as u8)
/// }
/// ```
///
/// # Async main (feature `tokio`)
///
/// With `cement = { version = "..", features = ["tokio"] }`, `main` may be an `async
/// fn` with the same parameters and returns. The generated `main` builds a tokio
/// runtime, runs setup, awaits the body, closes on that runtime (async hooks are
/// awaited there, each before the next starts), then shuts the runtime down (tasks
/// still pending are dropped) before the process ends. Every exit path above holds;
/// the body stops gracefully by awaiting [`App::shutdown_requested`]. On the
/// multi-thread flavor the runtime's I/O driver picks up the first signal (see [Async
/// programs](crate#async-programs-feature-tokio)).
///
#[cfg_attr(feature = "tokio", doc = "```")]
#[cfg_attr(not(feature = "tokio"), doc = "```ignore")]
/// use cement::{App, cleanup};
///
/// #[cleanup(pre_close)]
/// async fn flush(app: &App) -> std::io::Result<()> {
///     tokio::task::yield_now().await; // a network flush, say
///     println!("{} flushed", app.label());
///     Ok(())
/// }
///
/// #[cement::main(flavor = "current_thread", exit_on_close = true)]
/// async fn main(app: &App) {
///     let stop = app.shutdown_requested();
///     app.request_shutdown(); // what Ctrl-C does
///     stop.await; // with axum: `.with_graceful_shutdown(app.shutdown_requested())`
/// }
/// ```
///
/// Equivalent code without the macro:
///
#[cfg_attr(feature = "tokio", doc = "```")]
#[cfg_attr(not(feature = "tokio"), doc = "```ignore")]
/// use cement::App;
/// use std::process::ExitCode;
///
/// async fn body(app: &App) {
///     app.shutdown_requested().await;
/// }
///
/// fn main() -> ExitCode {
///     let runtime = tokio::runtime::Builder::new_current_thread()
///         .enable_all()
///         .build()
///         .unwrap();
///     let app = App::builder("myapp").exit_on_close(true).catch_signals(true).build();
///     let code = runtime.block_on(async {
///         app.setup_async().await; // the App's runtime is this one
///         # app.request_shutdown();
///         app.run_async(body(&app)).await;
///         app.close_async().await
///     });
///     drop(runtime);
///     ExitCode::from(code as u8)
/// }
/// ```
pub use cement_macros::main;

/// Declares a hook, run by every [`App`] (or the one named by `app = "..."`) at a
/// point of its life: `pre_setup`, `post_setup`, `pre_run`, `post_run`, `pre_close`,
/// `post_close` or `signal`. [`cleanup`] is the same for the two close points.
///
/// ```standalone_crate
/// use cement::{App, Signal};
///
/// #[cement::hook(post_setup)]
/// fn announce(app: &App) {
///     println!("{} is set up", app.label());
/// }
///
/// #[cement::hook(signal, weight = -5)]
/// fn note_signal(app: &App, signal: Signal) {
///     eprintln!("{} got {}", app.label(), signal.name());
/// }
///
/// # let app = App::new("doc");
/// # app.setup();
/// # app.close();
/// ```
///
/// The hook point comes first. The function takes no parameters or one `&App`;
/// a `signal` hook takes `(&App, Signal)`. It returns `()` or `Result<(), E>` with
/// `E: Debug` (written as a path ending in `Result`); an `Err` or a panic is reported
/// on one line of stderr, sets the exit code to 1 unless it is already non-zero, and
/// does not stop the other hooks. The report of an `Err(e)` is `e`'s `Display` and
/// its `source()` chain (`Debug` for a type without `Display`); see
/// [Failure reports](crate#failure-reports). With the `tokio` feature it may be an
/// `async fn` (at every point but `signal`), awaited in the one hook order on the
/// App's runtime. It may not be a method, `const`, `unsafe`, `extern` or generic.
///
/// Hooks are collected when the program is linked, from every linked crate. A crate
/// whose only use is its hooks (a plugin) must be named once so that the linker keeps
/// it: `use plugin as _;`.
///
/// # Options
///
/// ## `weight = N`
///
/// An `i32`, default 0, may be negative. Hooks of one point run by ascending weight;
/// at equal weight, declared hooks first, by their full path
/// (`crate::module::function`), then hooks registered at run time in registration
/// order.
///
/// ## `app = "label"`
///
/// Run only for the App with this label. Default: every App.
///
/// ## `crate = "path"`
///
/// The path the generated code uses to reach this crate, for a renamed dependency.
/// Default `::cement`.
///
/// # Equivalent code without the macro
///
/// A hook registered at run time, on one App:
///
/// ```
/// use cement::{App, Hook};
///
/// let app = App::new("myapp");
/// app.register_hook(Hook::PostSetup, 0, |app: &App| {
///     println!("{} is set up", app.label());
/// });
/// app.setup();
/// app.close();
/// ```
///
/// An async hook, `#[cement::hook(post_setup)] async fn announce(app: &App)`, is
/// registered at run time with `register_async_hook` (feature `tokio`):
///
#[cfg_attr(feature = "tokio", doc = "```")]
#[cfg_attr(not(feature = "tokio"), doc = "```ignore")]
/// use cement::{App, Hook};
///
/// let app = App::new("myapp");
/// app.register_async_hook(Hook::PostSetup, 0, |app| {
///     Box::pin(async move { println!("{} is set up", app.label()) })
/// });
/// app.setup();
/// app.close();
/// ```
pub use cement_macros::hook;

/// Declares a close hook: `#[cleanup(pre_close)]` runs before the App's deferred
/// cleanups, `#[cleanup(post_close)]` after them. The same as [`hook`] with those two
/// points, with the same options (`weight`, `app`, `crate`) and signatures.
///
/// ```standalone_crate
/// use cement::{App, cleanup};
///
/// struct TmpFile(std::path::PathBuf);
///
/// #[cleanup(pre_close)]
/// fn remove_tmp_file(app: &App) -> std::io::Result<()> {
///     if let Some(tmp) = app.get::<TmpFile>() {
///         std::fs::remove_file(&tmp.0)?;
///         println!("removed {}", tmp.0.display());
///     }
///     Ok(())
/// }
///
/// #[cleanup(post_close, weight = 10, app = "myapp")]
/// fn goodbye() {
///     println!("bye");
/// }
///
/// let app = App::new("myapp");
/// app.setup();
/// let path = std::env::temp_dir().join(format!("cement-cleanup-doc-{}", std::process::id()));
/// std::fs::write(&path, "scratch").unwrap();
/// app.insert(TmpFile(path.clone()));
/// assert_eq!(app.close(), 0);
/// assert!(!path.exists());
/// ```
///
/// # Options
///
/// ## `weight = N`
///
/// An `i32`, default 0, may be negative: hooks of one point run by ascending weight,
/// then by full path, then run-time hooks in registration order.
///
/// ## `app = "label"`
///
/// Run only for the App with this label. Default: every App.
///
/// ## `crate = "path"`
///
/// The path the generated code uses to reach this crate, for a renamed dependency.
/// Default `::cement`.
///
/// # Equivalent code without the macro
///
/// ```
/// use cement::{App, Hook};
///
/// struct TmpFile(std::path::PathBuf);
///
/// let app = App::new("myapp");
/// app.register_hook(Hook::PreClose, 0, |app: &App| {
///     if let Some(tmp) = app.get::<TmpFile>() {
///         let _ = std::fs::remove_file(&tmp.0);
///     }
/// });
/// app.setup();
/// app.close();
/// ```
///
/// A run-time hook returns `()`; a declared hook may also return `Result`.
///
/// With the `tokio` feature, a close hook may be async; it is awaited on the App's
/// runtime, in the same order as sync hooks:
///
#[cfg_attr(feature = "tokio", doc = "```")]
#[cfg_attr(not(feature = "tokio"), doc = "```ignore")]
/// use cement::{App, cleanup};
///
/// #[cleanup(pre_close)]
/// async fn flush(app: &App) -> std::io::Result<()> {
///     tokio::task::yield_now().await;
///     println!("{} flushed", app.label());
///     Ok(())
/// }
/// # fn main() {}
/// ```
///
/// Without the macro: `app.register_async_hook(Hook::PreClose, 0, |app| Box::pin(async
/// move { .. }))`.
pub use cement_macros::cleanup;

/// A test that runs in an [`App`]: it builds the App (exit on close off, signals not
/// caught), runs setup, the function, and close, so declared hooks run as they would
/// in the program; then it fails unless the App's final exit code is `expect_exit`.
///
/// ```
/// use cement::App;
///
/// #[cement::test(label = "myapp")]
/// fn closes_cleanly(app: &App) {
///     app.defer(|| println!("cleaned up"));
/// }
///
/// #[cement::test(expect_exit = 1)]
/// fn an_error_sets_code_1() -> Result<(), String> {
///     Err("no config".to_owned())
/// }
/// # fn main() {}
/// ```
///
/// The function takes no parameters or one `&App`, and returns `()` or `Result<(), E>`
/// with `E: Debug`; an `Err` is reported and sets the exit code to 1. A panicking
/// function still closes the App, then the panic continues, so `#[should_panic]` works.
/// `#[ignore]` and `#[should_panic]` go beside the attribute; `#[test]` must not (it is
/// added). With the `tokio` feature the function may be an `async fn`: it runs on a
/// current-thread runtime, as under `#[tokio::test]`, with the same options.
/// [`App::deliver_signal`] tests the signal path: `expect_exit = 143` for SIGTERM.
///
/// # Options
///
/// ## `label = "..."`
///
/// The App's label. Default: the package name, as for [`macro@main`].
///
/// ## `expect_exit = N`
///
/// The exit code the test expects, default 0.
///
/// ## `exit_on_close = bool`
///
/// Default `false`. With `true`, the test runs its own test binary again, for this one
/// test, in a child process where the App really ends the process with its exit code;
/// the test checks that status against `expect_exit` and shows the child's output if
/// it differs. This works under `cargo test` and `cargo nextest run`, with tests
/// running in parallel: the child runs only this test (`NAME --exact`), and knows it is
/// the child from the `CEMENT_TEST_CHILD` environment variable. In the child, signals
/// are not caught, as in every `#[cement::test]`.
///
/// ## `crate = "path"`
///
/// The path the generated code uses to reach this crate, for a renamed dependency.
///
/// # Equivalent code without the macro
///
/// ```
/// use cement::App;
///
/// #[test]
/// fn closes_cleanly() {
///     let app = App::builder("myapp")
///         .exit_on_close(false)
///         .catch_signals(false)
///         .build();
///     app.setup();
///     app.run(|app| {
///         app.defer(|| println!("cleaned up"));
///     });
///     assert_eq!(app.close(), 0);
/// }
/// # fn main() {}
/// ```
///
/// An async test (feature `tokio`), and what it stands for:
///
#[cfg_attr(feature = "tokio", doc = "```")]
#[cfg_attr(not(feature = "tokio"), doc = "```ignore")]
/// use cement::{App, Signal};
///
/// #[cement::test(expect_exit = 143)]
/// async fn stops_on_sigterm(app: &App) {
///     app.deliver_signal(Signal::TERM);
///     app.shutdown_requested().await;
/// }
///
/// #[test]
/// fn stops_on_sigterm_by_hand() {
///     let runtime = tokio::runtime::Builder::new_current_thread()
///         .enable_all()
///         .build()
///         .unwrap();
///     let app = App::new("myapp");
///     let code = runtime.block_on(async {
///         app.setup_async().await;
///         app.run_async(async {
///             app.deliver_signal(Signal::TERM);
///             app.shutdown_requested().await;
///         })
///         .await;
///         app.close_async().await
///     });
///     assert_eq!(code, 143);
/// }
/// # fn main() {}
/// ```
pub use cement_macros::test;
