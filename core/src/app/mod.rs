//! The [`App`]: its builder, its state, setup and run. Its close sequence is in
//! `close.rs`, its shutdown requests and signal path in `shutdown.rs`; where it
//! stands in its life is its [`Lifecycle`]'s alone.

#[cfg(feature = "tokio")]
mod asynchronous;
mod close;
mod notify;
mod shutdown;
mod tasks;

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};
use std::time::Duration;

pub use close::Deferred;
pub use tasks::TaskBuilder;

use crate::deadline::{CloseDeadline, Progress, Watched};
use crate::failures::{FailureLog, HookFailure, Running};
use crate::hooks::PointRun;
use crate::lifecycle::{self, Action, Lifecycle};
use crate::points::Hook;
use crate::report::{self, Failure};
use crate::runtime::AppRuntime;
use crate::shutdown::{self as requests, Shutdown};
use crate::signal::Signal;
use crate::signals::{self, Catcher};
use crate::{atexit, lock, trace};

/// An application's lifecycle: setup, run, close, with hooks at each step and an
/// exit code.
///
/// `App` is `Send + Sync` and every method takes `&self`, so hooks, the body and
/// other threads can all use it. Most programs get one from
/// `#[cement::main]`; this is the same lifecycle by hand, the
/// counterpart of Cement's `with App('myapp') as app: app.run()`:
///
/// ```
/// # extern crate cement_core as cement;
/// use cement::{App, Hook};
///
/// let app = App::new("myapp");
/// app.register_hook(Hook::PreClose, 0, |app: &App| {
///     println!("{}: cleaning up", app.label());
/// });
/// app.setup();
/// app.run(|_app| println!("running"));
/// assert_eq!(app.close(), 0);
/// ```
///
/// # The close sequence
///
/// [`close`](App::close) runs, once:
///
/// 1. the `pre_close` hooks,
/// 2. the App's deferred cleanups ([`App::defer`]), last registered first,
/// 3. the `post_close` hooks,
///
/// and returns the exit code. At one hook point, hooks run by ascending weight; at
/// equal weight, declared hooks (`#[cleanup]`, `#[cement::hook]`) first, ordered by
/// their full path, then run-time hooks in registration order.
///
/// A hook or deferred cleanup that panics or returns `Err` does not stop the others:
/// it is reported as one line on stderr, every remaining one still runs, and the exit
/// code becomes 1 unless a non-zero code was already set.
pub struct App {
    inner: Arc<Inner>,
    /// The handle the user holds, which closes the App when dropped; cement's own
    /// threads hold views that never do.
    owner: bool,
}

struct Inner {
    label: String,
    exit_on_close: bool,
    catch_signals: bool,
    /// See [`AppBuilder::notify_ready`]; nothing without the `systemd` feature.
    notify_ready: crate::notify::AutoReady,
    close_deadline: Option<CloseDeadline>,
    /// What runs now; kept only with a close deadline.
    progress: Progress,
    /// Where the App stands, its exit code and the signal ending it.
    lifecycle: Lifecycle,
    work: Mutex<close::Work>,
    /// Typed state, by type: a few entries, so a `Vec` searched in order.
    /// Each value is an `Arc<T>` in a box: dropping a box takes no code of its own,
    /// where an `Arc<dyn Any>` links its own `drop_slow`.
    state: RwLock<Vec<(TypeId, Box<dyn Any + Send + Sync>)>>,
    shutdown: Shutdown,
    runtime: AppRuntime,
    /// What failed so far, for [`App::failures`].
    failures: FailureLog,
}

/// Builds an [`App`] with options; see [`App::builder`].
///
/// ```
/// # extern crate cement_core as cement;
/// let app = cement::App::builder("myapp").exit_on_close(true).build();
/// assert!(app.exit_on_close());
/// ```
#[derive(Clone, Debug)]
#[must_use = "call .build() to get the App"]
pub struct AppBuilder {
    label: String,
    exit_on_close: bool,
    catch_signals: bool,
    close_deadline: Option<CloseDeadline>,
    shutdown_grace: Duration,
    notify_ready: crate::notify::AutoReady,
}

impl AppBuilder {
    /// Whether the program's exit status is the App's exit code (default `false`, as
    /// in Cement). The App itself never ends the process; this tells
    /// `#[cement::main]` what to return.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::builder("myapp").exit_on_close(true).build();
    /// assert!(app.exit_on_close());
    /// ```
    pub fn exit_on_close(mut self, yes: bool) -> Self {
        self.exit_on_close = yes;
        self
    }

    /// Whether this App catches SIGINT, SIGTERM and SIGHUP while it is set up
    /// (default `false` for a hand-built App; `#[cement::main]` turns it on).
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::builder("myapp").catch_signals(true).build();
    /// assert!(app.catches_signals());
    /// ```
    pub fn catch_signals(mut self, yes: bool) -> Self {
        self.catch_signals = yes;
        self
    }

    /// Ends the process if the close sequence takes longer than `deadline` (default:
    /// no deadline). The report names the hook or deferred cleanup that was running;
    /// the status is the exit code, or 1 if it was 0. The process ends at once, as
    /// with `_exit`: atexit handlers do not run.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// use std::time::Duration;
    ///
    /// let app = cement::App::builder("myapp")
    ///     .close_deadline(Duration::from_secs(10))
    ///     .build();
    /// assert_eq!(app.close(), 0);
    /// ```
    pub fn close_deadline(self, deadline: Duration) -> Self {
        self.with_close_deadline(CloseDeadline::new(deadline))
    }

    pub(crate) fn with_close_deadline(mut self, deadline: CloseDeadline) -> Self {
        self.close_deadline = Some(deadline);
        self
    }

    /// The longest a caught signal's close waits for a cooperating body to return
    /// (default 10 s). A body cooperates once it has asked the App for its shutdown
    /// state ([`App::is_shutdown_requested`], [`App::shutdown_token`], ...). If it
    /// has not returned when the grace ends, that is reported on one line and the
    /// App is closed beside it, from the signal-watching thread.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// use std::time::Duration;
    ///
    /// let app = cement::App::builder("myapp")
    ///     .catch_signals(true)
    ///     .shutdown_grace(Duration::from_secs(30))
    ///     .build();
    /// assert_eq!(app.shutdown_grace(), Duration::from_secs(30));
    /// ```
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// The App, not set up yet.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::builder("myapp").build();
    /// assert_eq!(app.label(), "myapp");
    /// assert!(!app.exit_on_close() && !app.catches_signals());
    /// ```
    pub fn build(self) -> App {
        // What may allocate (and so unwind) comes first: a panic between the fields
        // below would need code to drop each one built so far, in every binary.
        let shutdown = Shutdown::new(self.shutdown_grace);
        let runtime = AppRuntime::default();
        // `new_cyclic` allocates before it makes the Inner: if the allocation
        // unwinds, only the captured fields are dropped. `Arc::new` would hold a
        // whole Inner then, and link a second copy of its drop beside `drop_slow`'s.
        App {
            owner: true,
            inner: Arc::new_cyclic(move |_| Inner {
                label: self.label,
                exit_on_close: self.exit_on_close,
                catch_signals: self.catch_signals,
                notify_ready: self.notify_ready,
                close_deadline: self.close_deadline,
                progress: Progress::default(),
                lifecycle: Lifecycle::new(),
                work: Mutex::default(),
                state: RwLock::default(),
                shutdown,
                runtime,
                failures: FailureLog::default(),
            }),
        }
    }
}

impl App {
    /// An App with default options.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("myapp");
    /// assert_eq!(app.label(), "myapp");
    /// ```
    pub fn new(label: impl Into<String>) -> App {
        App::builder(label).build()
    }

    /// A builder, to set options before the App exists.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::builder("myapp")
    ///     .exit_on_close(true)
    ///     .catch_signals(false)
    ///     .build();
    /// assert!(!app.catches_signals());
    /// ```
    pub fn builder(label: impl Into<String>) -> AppBuilder {
        AppBuilder {
            label: label.into(),
            exit_on_close: false,
            catch_signals: false,
            close_deadline: None,
            shutdown_grace: requests::DEFAULT_GRACE,
            notify_ready: crate::notify::AutoReady::new(true),
        }
    }

    /// The label hooks are scoped by (`#[cleanup(.., app = "label")]`).
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// assert_eq!(cement::App::new("myapp").label(), "myapp");
    /// ```
    pub fn label(&self) -> &str {
        &self.inner.label
    }

    /// Whether the program's exit status is this App's exit code.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// assert!(!cement::App::new("myapp").exit_on_close());
    /// ```
    pub fn exit_on_close(&self) -> bool {
        self.inner.exit_on_close
    }

    /// Whether this App catches signals while it is set up.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// assert!(!cement::App::new("myapp").catches_signals());
    /// ```
    pub fn catches_signals(&self) -> bool {
        self.inner.catch_signals
    }

    /// How long a caught signal's close waits for a cooperating body; see
    /// [`AppBuilder::shutdown_grace`].
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("myapp");
    /// assert_eq!(app.shutdown_grace(), std::time::Duration::from_secs(10));
    /// ```
    pub fn shutdown_grace(&self) -> Duration {
        self.inner.shutdown.grace()
    }

    pub(crate) fn shutdown(&self) -> &Shutdown {
        &self.inner.shutdown
    }

    pub(crate) fn lifecycle(&self) -> &Lifecycle {
        &self.inner.lifecycle
    }

    /// Runs the `pre_setup` hooks and the `post_setup` hooks, once; later calls do
    /// nothing.
    ///
    /// Hooks declared for this App (`#[cleanup]`, `#[cement::hook]`) are collected
    /// first, so a declared `pre_setup` hook runs too.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// use cement::{App, Hook};
    /// use std::sync::atomic::{AtomicU32, Ordering};
    ///
    /// static SETUPS: AtomicU32 = AtomicU32::new(0);
    /// let app = App::new("demo");
    /// app.register_hook(Hook::PostSetup, 0, |_app: &App| {
    ///     SETUPS.fetch_add(1, Ordering::Relaxed);
    /// });
    /// app.setup();
    /// app.setup();
    /// assert_eq!(SETUPS.load(Ordering::Relaxed), 1);
    /// # app.close();
    /// ```
    pub fn setup(&self) {
        let _span = trace::enter(trace::Span::Setup, self.label());
        if self.begin_setup() {
            self.run_hooks(Hook::PreSetup, None);
            self.run_hooks(Hook::PostSetup, None);
            self.lifecycle().end_setup();
        }
    }

    /// What setup does before its hooks, once (sync and async setup alike);
    /// whether this call is the one that sets up.
    fn begin_setup(&self) -> bool {
        if !self.lifecycle().begin_setup() {
            return false;
        }
        self.inner.runtime.capture_current();
        self.collect_declared_hooks();
        lock(&LIVE_APPS).push(WeakApp(Arc::downgrade(&self.inner)));
        // `std::process::exit` (or `main` returning) closes it before atexit handlers.
        atexit::run_first_at_exit(close_live_apps);
        if self.inner.catch_signals {
            let catcher: Weak<dyn Catcher> = Arc::downgrade(&self.inner) as Weak<Inner>;
            signals::start_catching(catcher, self.inner.runtime.signal_watcher());
        }
        true
    }

    /// Runs the `pre_run` hooks, `body`, then the `post_run` hooks, and returns what
    /// `body` returned. Sets the App up first if [`setup`](App::setup) has not run.
    ///
    /// If `body` panics, the panic continues and the `post_run` hooks do not run; the
    /// App still closes when it is dropped.
    ///
    /// A caught signal asks the body to stop ([`App::request_shutdown`]); a body that
    /// cooperates is waited for, and close starts once it has returned. On the
    /// signal path, if close had to start beside the body (it did not cooperate, or
    /// its grace ran out), the body's thread does not come back from `run`: the
    /// process ends from the signal-watching thread. Nor does it once a signal has
    /// arrived before the body started: no body starts then, and the process ends
    /// from that thread.
    ///
    /// # Panics
    ///
    /// If the App was closed by hand before `run` was called: no body starts once
    /// close has begun.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// let answer = app.run(|app| app.label().len());
    /// assert_eq!(answer, 4);
    /// # app.close();
    /// ```
    pub fn run<R>(&self, body: impl FnOnce(&App) -> R) -> R {
        match self.try_run(body) {
            Some(output) => output,
            None => self.no_body_started(),
        }
    }

    /// Where a `run` called by hand goes when no body may start: a signal arrived,
    /// and the thread that ends the process (the signal path) is waited for; or the
    /// App was closed by hand, which is a mistake.
    pub(crate) fn no_body_started(&self) -> ! {
        if self.received_signal().is_some() || lifecycle::process_exiting() {
            lifecycle::wait_for_the_process_to_end()
        }
        panic!("App::run called after the App {:?} closed", self.label())
    }

    /// [`run`](App::run), or `None` when no body may start (a signal arrived, or
    /// close began): what the generated `main` calls. The lifecycle's part (may a
    /// run, a body start; the guards that say they ended) is shared with the async
    /// form, `run_async`.
    pub(crate) fn try_run<R>(&self, body: impl FnOnce(&App) -> R) -> Option<R> {
        self.setup();
        let _span = trace::enter(trace::Span::Run, self.label());
        let run = self.begin_run()?;
        self.run_hooks(Hook::PreRun, None);
        let body_runs = run.begin_body()?;
        let output = body(self);
        drop(body_runs);
        self.run_hooks(Hook::PostRun, None);
        Some(output)
    }

    /// `run` begins, after setup, unless a signal arrived or close began.
    fn begin_run(&self) -> Option<RunGuard<'_>> {
        self.lifecycle().begin_run().then(|| RunGuard(self))
    }

    /// The code the process will exit with (default 0).
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("myapp");
    /// assert_eq!(app.exit_code(), 0);
    /// app.set_exit_code(3);
    /// assert_eq!(app.exit_code(), 3);
    /// ```
    pub fn exit_code(&self) -> i32 {
        self.lifecycle().code()
    }

    /// Sets the code the process will exit with.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// app.set_exit_code(3);
    /// assert_eq!(app.close(), 3);
    /// ```
    pub fn set_exit_code(&self, code: i32) {
        self.lifecycle().set_code(code);
    }

    /// The signal that is ending this App, once one was caught: `signal` hooks and
    /// the close sequence that follows can tell why they run.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// assert_eq!(app.received_signal(), None);
    /// ```
    pub fn received_signal(&self) -> Option<Signal> {
        self.lifecycle().received_signal()
    }

    /// Notes what runs now, for the close deadline's report (and `tracing`).
    pub(crate) fn track(&self, running: Running) {
        trace::running(running.point(), &running.name());
        self.notify_running(running);
        if self.inner.close_deadline.is_some() {
            self.inner.progress.set(running);
        }
    }

    /// The one place a failed hook or deferred cleanup of this App is handled:
    /// reported (one line on stderr, or a `tracing` event), recorded for
    /// [`App::failures`], and the exit code rule applied: the code becomes 1 unless a
    /// non-zero code was already set.
    pub(crate) fn report_failure(&self, running: Running, failure: &Failure) {
        let record = HookFailure::new(running, failure.clone());
        let name = running.name();
        let event = match running.point() {
            Some(_) => "hook failed",
            None => "cleanup failed",
        };
        if !trace::failure(
            event,
            running.point(),
            &name,
            failure.message(),
            failure.panicked(),
        ) {
            report::line(&record);
        }
        self.inner.failures.record(record);
        self.fail();
    }

    /// Another handle to this App, for cement's own threads: a view, which never
    /// closes the App when dropped.
    fn view(inner: Arc<Inner>) -> App {
        App {
            inner,
            owner: false,
        }
    }

    /// A failure happened: the code becomes 1 unless a non-zero code was already set.
    pub(crate) fn fail(&self) {
        self.set_code_unless_set(1);
    }

    /// The code becomes `code` unless a non-zero code was already set.
    pub(crate) fn set_code_unless_set(&self, code: i32) {
        self.lifecycle().set_code_unless_set(code);
    }

    /// Stores `value` for hooks and the body to reach with [`get`](App::get); returns
    /// the value of the same type it replaces.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// struct TmpFile(std::path::PathBuf);
    ///
    /// let app = cement::App::new("demo");
    /// app.insert(TmpFile("/tmp/x".into()));
    /// assert_eq!(app.get::<TmpFile>().unwrap().0, std::path::Path::new("/tmp/x"));
    /// assert!(app.get::<String>().is_none());
    /// ```
    pub fn insert<T: Send + Sync + 'static>(&self, value: T) -> Option<Arc<T>> {
        let previous = self.insert_any(TypeId::of::<T>(), Box::new(Arc::new(value)));
        previous.and_then(|old| old.downcast().ok()).map(|old| *old)
    }

    fn insert_any(
        &self,
        id: TypeId,
        value: Box<dyn Any + Send + Sync>,
    ) -> Option<Box<dyn Any + Send + Sync>> {
        let mut state = self
            .inner
            .state
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        match state.iter_mut().find(|(key, _)| *key == id) {
            Some((_, slot)) => Some(std::mem::replace(slot, value)),
            None => {
                state.push((id, value));
                None
            }
        }
    }

    /// The value of type `T` stored with [`insert`](App::insert), if any.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("myapp");
    /// assert!(app.get::<u32>().is_none());
    /// app.insert(7_u32);
    /// assert_eq!(*app.get::<u32>().unwrap(), 7);
    /// ```
    pub fn get<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        let state = self
            .inner
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let id = TypeId::of::<T>();
        let (_, value) = state.iter().find(|(key, _)| *key == id)?;
        value.downcast_ref::<Arc<T>>().cloned()
    }

    fn collect_declared_hooks(&self) {
        lock(&self.inner.work)
            .hooks
            .collect_declared(&self.inner.label);
    }

    /// Runs the hooks of `point`, taken out of the table while they run (so a hook
    /// may register hooks), then put back. Async hooks are driven to completion on
    /// this thread; `run_hooks_async` awaits them instead, through the same runner.
    pub(crate) fn run_hooks(&self, point: Hook, signal: Option<Signal>) {
        let hooks = self.take_hooks(point);
        self.run_point(&hooks, point, signal);
        self.restore_hooks(point, hooks);
    }

    /// Runs what is left of `hooks`, in order (see `PointRun::run_until_async`).
    fn run_point(&self, hooks: &PointRun, point: Hook, signal: Option<Signal>) {
        while let Some(hook) = hooks.run_until_async(self, point, signal) {
            hook.block_on(self);
        }
    }

    fn take_hooks(&self, point: Hook) -> PointRun {
        lock(&self.inner.work).hooks.take(point)
    }

    fn restore_hooks(&self, point: Hook, hooks: PointRun) {
        lock(&self.inner.work).hooks.restore(point, hooks);
    }

    /// The runtime async hooks run on.
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    pub(crate) fn runtime(&self) -> &AppRuntime {
        &self.inner.runtime
    }
}

impl Drop for App {
    /// Closes the App if it was set up and not closed, like leaving Python's `with`.
    fn drop(&mut self) {
        if self.owner && self.lifecycle().is_set_up() {
            self.close();
        }
    }
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("label", &self.label())
            .field("exit_code", &self.exit_code())
            .field("exit_on_close", &self.exit_on_close())
            .field("catch_signals", &self.catches_signals())
            .finish_non_exhaustive()
    }
}

/// `run` is under way until this drops (returned, or unwinding).
struct RunGuard<'a>(&'a App);

impl<'a> RunGuard<'a> {
    /// The body is about to start, unless a signal came during the `pre_run` hooks
    /// (or close began): then the lifecycle ends the run itself, with no body and
    /// no `post_run`.
    fn begin_body(self) -> Option<BodyGuard<'a>> {
        let app = self.0;
        if !app.lifecycle().begin_body() {
            std::mem::forget(self);
            return None;
        }
        app.notify_body_starts();
        Some(BodyGuard(self))
    }
}

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        self.0.lifecycle().end_run();
    }
}

/// A body runs until this drops (returned, or unwinding); the run goes on until
/// its [`RunGuard`] drops. If the signal path closed the App beside the body, the
/// body's thread waits here for the process to end.
struct BodyGuard<'a>(RunGuard<'a>);

impl Drop for BodyGuard<'_> {
    fn drop(&mut self) {
        if self.0 .0.lifecycle().body_returned() == Action::WaitForProcessEnd {
            lifecycle::wait_for_the_process_to_end();
        }
    }
}

/// What the close deadline's watchdog asks; it holds the App's state, not an `App`.
impl Watched for Inner {
    fn wait_closed(&self, timeout: Duration) -> bool {
        self.lifecycle.wait_closed(timeout)
    }

    fn code(&self) -> i32 {
        self.lifecycle.code()
    }

    fn running(&self) -> Option<Running> {
        self.progress.get()
    }
}

/// A reference to an App that does not keep it alive.
struct WeakApp(Weak<Inner>);

impl WeakApp {
    fn is(&self, app: &App) -> bool {
        std::ptr::eq(self.0.as_ptr(), Arc::as_ptr(&app.inner))
    }
}

/// Apps set up and not yet closed, oldest first: `std::process::exit` closes them.
static LIVE_APPS: Mutex<Vec<WeakApp>> = Mutex::new(Vec::new());

/// Closes every App that was set up and not closed, newest first. Runs as the
/// process ends (main returned, or `std::process::exit`), before atexit handlers.
fn close_live_apps() {
    loop {
        let newest = lock(&LIVE_APPS).pop();
        let Some(newest) = newest else {
            return;
        };
        if let Some(inner) = newest.0.upgrade() {
            App::view(inner).close_at_exit();
        }
    }
}

impl App {
    /// Every hook and deferred cleanup of this App that panicked or returned `Err` so
    /// far, in the order they failed: the failures reported on stderr, as values.
    ///
    /// Failures of [`Defer`](crate::Defer) scopes, guards and
    /// [`atexit`](crate::atexit) handlers belong to no App and are not listed, nor is
    /// an `Err` returned by `#[cement::main]`'s body (std's `Error: {e:?}` reports it).
    ///
    /// For tests, and for a program that decides what its failures mean. A program
    /// can let a last `post_close` hook (the heaviest) choose the exit code (a
    /// failure makes it 1; this makes it 75 when only `pre_close` hooks failed):
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// use cement::{App, Hook};
    ///
    /// let app = App::new("myapp");
    /// app.register_hook(Hook::PreClose, 0, |_app: &App| panic!("journal is read-only"));
    /// app.register_hook(Hook::PostClose, 1000, |app: &App| {
    ///     let failures = app.failures();
    ///     let only_pre_close = !failures.is_empty()
    ///         && failures.iter().all(|f| f.point() == Some(Hook::PreClose));
    ///     if only_pre_close {
    ///         app.set_exit_code(75); // EX_TEMPFAIL: try again later
    ///     }
    /// });
    /// app.setup();
    /// assert_eq!(app.close(), 75);
    /// ```
    ///
    /// A `main` that drives the App itself reads them once close is done:
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// use cement::{App, HookFailure};
    /// use std::process::ExitCode;
    ///
    /// fn exit_code(failures: &[HookFailure]) -> ExitCode {
    ///     match failures {
    ///         [] => ExitCode::SUCCESS,
    ///         failures if failures.iter().any(HookFailure::panicked) => ExitCode::from(70),
    ///         _ => ExitCode::FAILURE,
    ///     }
    /// }
    ///
    /// fn main() -> ExitCode {
    ///     let app = App::new("myapp");
    ///     app.defer(|| println!("cleaned up"));
    ///     app.setup();
    ///     app.run(|_app| println!("working"));
    ///     app.close();
    ///     exit_code(&app.failures())
    /// }
    /// ```
    pub fn failures(&self) -> Vec<HookFailure> {
        self.inner.failures.all()
    }
}
