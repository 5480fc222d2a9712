//! The [`App`]: its lifecycle (setup, run, close), its builder, its state.

use std::any::{Any, TypeId};
use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock, Weak};
use std::time::Duration;

use crate::async_rt::AppRuntime;
use crate::deadline::{CloseDeadline, Progress, Running};
use crate::failures::FailureLog;
use crate::hooks::{self, Hook, HookTable, PointRun, RuntimeFn};
use crate::lock;
use crate::shutdown::{self, Shutdown};
use crate::signals::Signal;
use crate::{atexit, exit, signals, trace};

/// An application's lifecycle: setup, run, close, with hooks at each step and an
/// exit code.
///
/// `App` is `Send + Sync` and every method takes `&self`, so hooks, the body and
/// other threads can all use it. Most programs get one from
/// `#[cement::main]`; this is the same lifecycle by hand, the
/// counterpart of Cement's `with App('myapp') as app: app.run()`:
///
/// ```
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
}

struct Inner {
    label: String,
    exit_on_close: bool,
    catch_signals: bool,
    close_deadline: Option<CloseDeadline>,
    /// What runs now; kept only with a close deadline.
    progress: Progress,
    exit_code: AtomicI32,
    set_up: AtomicBool,
    /// The number of the signal that is ending the App, or 0.
    received_signal: AtomicI32,
    work: Mutex<Work>,
    /// Typed state, by type: a few entries, so a `Vec` searched in order.
    /// Each value is an `Arc<T>` in a box: dropping a box takes no code of its own,
    /// where an `Arc<dyn Any>` links its own `drop_slow`.
    state: RwLock<Vec<(TypeId, Box<dyn Any + Send + Sync>)>>,
    close: Mutex<CloseState>,
    closed: Condvar,
    shutdown: Shutdown,
    runtime: AppRuntime,
    /// What failed so far, for [`App::failures`].
    failures: FailureLog,
}

/// Where the close sequence is; a plain `Once` would deadlock when a hook calls
/// `close()` from inside the sequence.
#[derive(Clone, Copy)]
enum CloseState {
    NotStarted,
    /// On the thread of this [`thread_number`].
    Running(u64),
    Done(i32),
}

type DeferredSlot = Mutex<Option<Box<dyn FnOnce() + Send>>>;

/// What an App runs: its hooks and deferred cleanups, and where its close sequence
/// stands. One lock for all three: registering must see whether close has already
/// taken what it registers into, and close takes them as it starts each step.
#[derive(Default)]
struct Work {
    hooks: HookTable,
    /// Deferred cleanups, until step 1 of close takes them.
    deferred: Vec<Arc<DeferredSlot>>,
    closing: Closing,
}

/// Where the close sequence stands (SPEC §3, steps 1 to 3). It lives in the App, not
/// on the closing thread's stack, so that `std::process::exit` called from inside the
/// sequence (by a hook or a deferred cleanup) can finish it: see
/// [`App::close_at_exit`].
#[derive(Default)]
struct Closing {
    /// 0: `pre_close` hooks, 1: deferred cleanups, 2: `post_close` hooks, 3: done.
    step: usize,
    /// What each step runs, by step, once it has started. Kept after the step, and
    /// dropped with the App rather than inside close: freeing many hooks is work the
    /// end of a process does not need.
    steps: Vec<StepWork>,
    /// Cleanups deferred so far, counted once step 1 has taken them; numbers the ones
    /// deferred later, which run at once.
    deferred: usize,
}

impl Closing {
    const PRE_CLOSE: usize = 0;
    const DEFERRED: usize = 1;
    const POST_CLOSE: usize = 2;

    /// Whether `step` has started (or finished): what it would run is taken.
    fn started(&self, step: usize) -> bool {
        self.steps.len() > step
    }
}

/// What one step of the close sequence runs.
#[derive(Clone)]
pub(crate) enum StepWork {
    Hooks(Hook, Arc<PointRun>),
    Deferred(Arc<Vec<Arc<DeferredSlot>>>),
}

/// Builds an [`App`] with options; see [`App::builder`].
///
/// ```
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
}

impl AppBuilder {
    /// Whether the program's exit status is the App's exit code (default `false`, as
    /// in Cement). The App itself never ends the process; this tells
    /// `#[cement::main]` what to return.
    ///
    /// ```
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
            inner: Arc::new_cyclic(move |_| Inner {
                label: self.label,
                exit_on_close: self.exit_on_close,
                catch_signals: self.catch_signals,
                close_deadline: self.close_deadline,
                progress: Progress::default(),
                exit_code: AtomicI32::new(0),
                set_up: AtomicBool::new(false),
                received_signal: AtomicI32::new(0),
                work: Mutex::default(),
                state: RwLock::default(),
                close: Mutex::new(CloseState::NotStarted),
                closed: Condvar::new(),
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
    /// let app = cement::App::new("myapp");
    /// assert_eq!(app.label(), "myapp");
    /// ```
    pub fn new(label: impl Into<String>) -> App {
        App::builder(label).build()
    }

    /// A builder, to set options before the App exists.
    ///
    /// ```
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
            shutdown_grace: shutdown::DEFAULT_GRACE,
        }
    }

    /// The label hooks are scoped by (`#[cleanup(.., app = "label")]`).
    ///
    /// ```
    /// assert_eq!(cement::App::new("myapp").label(), "myapp");
    /// ```
    pub fn label(&self) -> &str {
        &self.inner.label
    }

    /// Whether the program's exit status is this App's exit code.
    ///
    /// ```
    /// assert!(!cement::App::new("myapp").exit_on_close());
    /// ```
    pub fn exit_on_close(&self) -> bool {
        self.inner.exit_on_close
    }

    /// Whether this App catches signals while it is set up.
    ///
    /// ```
    /// assert!(!cement::App::new("myapp").catches_signals());
    /// ```
    pub fn catches_signals(&self) -> bool {
        self.inner.catch_signals
    }

    /// How long a caught signal's close waits for a cooperating body; see
    /// [`AppBuilder::shutdown_grace`].
    ///
    /// ```
    /// let app = cement::App::new("myapp");
    /// assert_eq!(app.shutdown_grace(), std::time::Duration::from_secs(10));
    /// ```
    pub fn shutdown_grace(&self) -> Duration {
        self.inner.shutdown.grace()
    }

    pub(crate) fn shutdown(&self) -> &Shutdown {
        &self.inner.shutdown
    }

    /// Runs the `pre_setup` hooks and the `post_setup` hooks, once; later calls do
    /// nothing.
    ///
    /// Hooks declared for this App (`#[cleanup]`, `#[cement::hook]`) are collected
    /// first, so a declared `pre_setup` hook runs too.
    ///
    /// ```
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
        let _span = trace::setup_span(self);
        if self.begin_setup() {
            self.run_hooks(Hook::PreSetup, None);
            self.run_hooks(Hook::PostSetup, None);
        }
    }

    /// What setup does before its hooks, once; whether this call is the one.
    pub(crate) fn begin_setup(&self) -> bool {
        if self.inner.set_up.swap(true, Ordering::AcqRel) {
            return false;
        }
        self.inner.runtime.capture_current();
        self.collect_declared_hooks();
        lock(&LIVE_APPS).push(self.downgrade());
        // `std::process::exit` (or `main` returning) closes it before atexit handlers.
        atexit::run_first_at_exit(close_live_apps);
        if self.inner.catch_signals {
            signals::start_catching(self);
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
    /// process ends from the signal-watching thread.
    ///
    /// ```
    /// let app = cement::App::new("demo");
    /// let answer = app.run(|app| app.label().len());
    /// assert_eq!(answer, 4);
    /// # app.close();
    /// ```
    pub fn run<R>(&self, body: impl FnOnce(&App) -> R) -> R {
        self.setup();
        let _span = trace::run_span(self);
        self.run_hooks(Hook::PreRun, None);
        let result = {
            let _running = self.inner.shutdown.body_running();
            body(self)
        };
        self.run_hooks(Hook::PostRun, None);
        result
    }

    /// Runs the close sequence once and returns the final exit code.
    ///
    /// It runs whether or not [`setup`](App::setup) ran (declared hooks are collected
    /// if setup did not). Later calls, from any thread or from a hook, run nothing
    /// and return the code: a call racing the first waits for it to finish; a call
    /// from inside the sequence (a hook calling `close()`) returns the code as it is
    /// at that moment. `close` never ends the process. If a hook or deferred cleanup
    /// calls `std::process::exit`, the rest of the sequence still runs, once, before
    /// the process ends.
    ///
    /// ```
    /// use cement::{App, Hook};
    ///
    /// let app = App::new("demo");
    /// app.register_hook(Hook::PreClose, 0, |_app: &App| println!("1. pre_close"));
    /// app.defer(|| println!("2. deferred"));
    /// app.register_hook(Hook::PostClose, 0, |_app: &App| println!("3. post_close"));
    /// app.register_hook(Hook::PreClose, 5, |_app: &App| panic!("disk full"));
    /// // prints 1, then "cement: pre_close hook #3 (run-time, weight 5) panicked: disk full",
    /// // then 2 and 3
    /// assert_eq!(app.close(), 1);
    /// assert_eq!(app.close(), 1); // runs nothing
    /// ```
    pub fn close(&self) -> i32 {
        self.close_from(false)
    }

    /// Closes the App as the process ends (`main` returned or `std::process::exit`
    /// was called). On the thread running the close sequence, that is, when a hook or
    /// deferred cleanup called `std::process::exit`, it finishes the sequence from
    /// where it stands: nothing is skipped and nothing runs twice.
    fn close_at_exit(&self) {
        self.close_from(true);
    }

    fn close_from(&self, at_exit: bool) -> i32 {
        match self.begin_close(at_exit) {
            Ok(()) => {
                {
                    let _span = trace::close_span(self);
                    while let Some((step, work)) = self.next_close_step() {
                        match &work {
                            StepWork::Hooks(point, hooks) => hooks.run(self, *point, None),
                            StepWork::Deferred(slots) => self.run_deferred(slots),
                        }
                        self.close_step_done(step);
                    }
                }
                self.finish_close()
            }
            Err(code) => code,
        }
    }

    /// Decides whether this call runs the close sequence (`Ok`), or returns at once
    /// with the code (`Err`): close ran already, or another thread ran it while this
    /// one waited, or a hook calls `close()` from inside the sequence. On `Ok`, the
    /// caller runs the steps and then [`finish_close`](App::finish_close).
    pub(crate) fn begin_close(&self, at_exit: bool) -> Result<(), i32> {
        let me = thread_number();
        let resuming = {
            let mut state = lock(&self.inner.close);
            loop {
                match *state {
                    CloseState::Done(code) => {
                        drop(state);
                        self.inner.shutdown.wait_if_ended_by_signal_path();
                        return Err(code);
                    }
                    CloseState::Running(thread) if thread == me => {
                        if !at_exit {
                            return Err(self.exit_code());
                        }
                        break true;
                    }
                    CloseState::Running(_) => {
                        state = self
                            .inner
                            .closed
                            .wait(state)
                            .unwrap_or_else(PoisonError::into_inner);
                    }
                    CloseState::NotStarted => {
                        *state = CloseState::Running(me);
                        break false;
                    }
                }
            }
        };
        if !resuming {
            signals::closing_started(self);
            if let Some(deadline) = &self.inner.close_deadline {
                deadline.watch(self);
            }
        }
        self.collect_declared_hooks();
        Ok(())
    }

    /// The end of close, after its steps: the final code, for every caller.
    pub(crate) fn finish_close(&self) -> i32 {
        let code = self.exit_code();
        *lock(&self.inner.close) = CloseState::Done(code);
        self.inner.closed.notify_all();
        signals::stop_catching(self);
        lock(&LIVE_APPS).retain(|live| !live.is(self) && live.0.strong_count() > 0);
        self.inner.shutdown.wait_if_ended_by_signal_path();
        code
    }

    /// SPEC §3, steps 1 to 3: the step the sequence stands at and what it runs, or
    /// `None` once all ran. The caller runs it and then calls
    /// [`close_step_done`](App::close_step_done).
    pub(crate) fn next_close_step(&self) -> Option<(usize, StepWork)> {
        let mut guard = lock(&self.inner.work);
        let work = &mut *guard;
        let step = work.closing.step;
        if let Some(taken) = work.closing.steps.get(step) {
            return Some((step, taken.clone()));
        }
        // The hooks of a close point are not put back: close runs once.
        let taken = match step {
            Closing::PRE_CLOSE => {
                StepWork::Hooks(Hook::PreClose, Arc::new(work.hooks.take(Hook::PreClose)))
            }
            Closing::DEFERRED => {
                let slots = std::mem::take(&mut work.deferred);
                work.closing.deferred = slots.len();
                StepWork::Deferred(Arc::new(slots))
            }
            Closing::POST_CLOSE => {
                StepWork::Hooks(Hook::PostClose, Arc::new(work.hooks.take(Hook::PostClose)))
            }
            _ => return None,
        };
        work.closing.steps.push(taken.clone());
        Some((step, taken))
    }

    /// Step `step` of the close sequence has run.
    pub(crate) fn close_step_done(&self, step: usize) {
        let closing = &mut lock(&self.inner.work).closing;
        // Unless a nested call (from `close_at_exit`) already finished this step.
        if closing.step == step {
            closing.step += 1;
        }
    }

    /// Whether [`close`](App::close) has finished.
    ///
    /// ```
    /// let app = cement::App::new("myapp");
    /// assert!(!app.is_closed());
    /// app.close();
    /// assert!(app.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(*lock(&self.inner.close), CloseState::Done(_))
    }

    /// The code the process will exit with (default 0).
    ///
    /// ```
    /// let app = cement::App::new("myapp");
    /// assert_eq!(app.exit_code(), 0);
    /// app.set_exit_code(3);
    /// assert_eq!(app.exit_code(), 3);
    /// ```
    pub fn exit_code(&self) -> i32 {
        self.inner.exit_code.load(Ordering::Acquire)
    }

    /// Sets the code the process will exit with.
    ///
    /// ```
    /// let app = cement::App::new("demo");
    /// app.set_exit_code(3);
    /// assert_eq!(app.close(), 3);
    /// ```
    pub fn set_exit_code(&self, code: i32) {
        self.inner.exit_code.store(code, Ordering::Release);
    }

    /// The signal that is ending this App, once one was caught: `signal` hooks and
    /// the close sequence that follows can tell why they run.
    ///
    /// ```
    /// let app = cement::App::new("demo");
    /// assert_eq!(app.received_signal(), None);
    /// ```
    pub fn received_signal(&self) -> Option<Signal> {
        Signal::from_number(self.inner.received_signal.load(Ordering::Acquire))
    }

    pub(crate) fn set_received_signal(&self, signal: Signal) {
        self.inner
            .received_signal
            .store(signal.number(), Ordering::Release);
    }

    /// Notes what runs now, for the close deadline's report (and `tracing`).
    pub(crate) fn track(&self, running: Running) {
        trace::running(running);
        if self.inner.close_deadline.is_some() {
            self.inner.progress.set(running);
        }
    }

    pub(crate) fn progress(&self) -> &Progress {
        &self.inner.progress
    }

    pub(crate) fn failure_log(&self) -> &FailureLog {
        &self.inner.failures
    }

    /// Waits until the close sequence is done, at most `timeout`; whether it is.
    pub(crate) fn wait_closed(&self, timeout: Duration) -> bool {
        let state = lock(&self.inner.close);
        let (state, _) = self
            .inner
            .closed
            .wait_timeout_while(state, timeout, |state| {
                !matches!(state, CloseState::Done(_))
            })
            .unwrap_or_else(PoisonError::into_inner);
        matches!(*state, CloseState::Done(_))
    }

    /// Another handle to this App, for cement's own threads. They drop it only once
    /// the App has closed, so its `Drop` does nothing.
    pub(crate) fn share(&self) -> App {
        App {
            inner: Arc::clone(&self.inner),
        }
    }

    /// A failure happened: the code becomes 1 unless a non-zero code was already set.
    pub(crate) fn fail(&self) {
        self.set_code_unless_set(1);
    }

    /// The code becomes `code` unless a non-zero code was already set.
    pub(crate) fn set_code_unless_set(&self, code: i32) {
        let _ = self
            .inner
            .exit_code
            .compare_exchange(0, code, Ordering::AcqRel, Ordering::Acquire);
    }

    /// Registers `f` to run at `point`, after the hooks of lower weight and after
    /// earlier registrations of the same weight (Cement's `app.hook.register`).
    ///
    /// A hook registered at a point while that point's hooks are running waits for the
    /// next time the point runs. Close runs once, so a `pre_close` or `post_close` hook
    /// registered once its step has started (or after close) runs at once instead:
    /// cement never drops a cleanup.
    ///
    /// ```
    /// use cement::{App, Hook};
    ///
    /// let app = App::new("demo");
    /// app.register_hook(Hook::PostClose, 10, |_app: &App| println!("second"));
    /// app.register_hook(Hook::PostClose, -10, |_app: &App| println!("first"));
    /// app.close();
    /// ```
    pub fn register_hook<F>(&self, point: Hook, weight: i32, f: F)
    where
        F: Fn(&App) + Send + Sync + 'static,
    {
        self.register(point, weight, RuntimeFn::Sync(Box::new(f)));
    }

    /// Registers a run-time hook (see [`register_hook`](App::register_hook)); a
    /// close hook registered once its step has started runs at once.
    pub(crate) fn register(&self, point: Hook, weight: i32, f: RuntimeFn) {
        let mut work = lock(&self.inner.work);
        let late = match point {
            Hook::PreClose => work.closing.started(Closing::PRE_CLOSE),
            Hook::PostClose => work.closing.started(Closing::POST_CLOSE),
            _ => false,
        };
        if !late {
            return work.hooks.register(point, weight, f);
        }
        let number = work.hooks.next_number();
        drop(work);
        let _quiet = exit::QuietPanics::enter();
        hooks::run_runtime(self, Running::RunTime(point, number, weight), &f);
    }

    /// Defers `f` to the close sequence (step 2, last registered first). The handle
    /// can [`release`](Deferred::release) it; dropping the handle keeps it. Once that
    /// step has started (or after close), `f` runs at once: cement never drops a
    /// cleanup.
    ///
    /// ```
    /// let app = cement::App::new("demo");
    /// app.defer(|| println!("runs second"));
    /// app.defer(|| println!("runs first"));
    /// let cancelled = app.defer(|| println!("never runs"));
    /// cancelled.release();
    /// app.close();
    /// ```
    pub fn defer<F>(&self, f: F) -> Deferred
    where
        F: FnOnce() + Send + 'static,
    {
        let slot: Arc<DeferredSlot> = Arc::new(Mutex::new(Some(Box::new(f))));
        let late = {
            let mut work = lock(&self.inner.work);
            if work.closing.started(Closing::DEFERRED) {
                work.closing.deferred += 1;
                Some(work.closing.deferred)
            } else {
                work.deferred.push(Arc::clone(&slot));
                None
            }
        };
        if let Some(number) = late {
            let _quiet = exit::QuietPanics::enter();
            self.run_deferred_slot(number, &slot);
        }
        Deferred { slot }
    }

    /// Runs the cleanups of `deferred` not run yet, last registered first.
    pub(crate) fn run_deferred(&self, deferred: &[Arc<DeferredSlot>]) {
        let _quiet = exit::QuietPanics::enter();
        for (index, slot) in deferred.iter().enumerate().rev() {
            self.run_deferred_slot(index + 1, slot);
        }
    }

    /// Runs deferred cleanup `number` unless it ran or was released; a failure is
    /// reported. The caller keeps panics quiet.
    fn run_deferred_slot(&self, number: usize, slot: &DeferredSlot) {
        let Some(cleanup) = lock(slot).take() else {
            return;
        };
        let running = Running::Deferred(number);
        self.track(running);
        if let Err(failure) = exit::catch(cleanup) {
            exit::report_failure(self, running, &failure);
        }
    }

    /// Stores `value` for hooks and the body to reach with [`get`](App::get); returns
    /// the value of the same type it replaces.
    ///
    /// ```
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

    /// Runs the hooks of `point` without holding the table's lock.
    pub(crate) fn run_hooks(&self, point: Hook, signal: Option<Signal>) {
        let hooks = self.take_hooks(point);
        hooks.run(self, point, signal);
        self.restore_hooks(point, hooks);
    }

    /// The hooks of `point`, out of the table while they run.
    pub(crate) fn take_hooks(&self, point: Hook) -> PointRun {
        lock(&self.inner.work).hooks.take(point)
    }

    /// Puts back hooks taken by [`take_hooks`](App::take_hooks).
    pub(crate) fn restore_hooks(&self, point: Hook, hooks: PointRun) {
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
        if self.inner.set_up.load(Ordering::Acquire) {
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

/// A cleanup deferred to an [`App`]'s close sequence by [`App::defer`].
///
/// Dropping the handle keeps the cleanup; [`release`](Deferred::release) cancels it.
///
/// ```
/// let app = cement::App::new("myapp");
/// let kept = app.defer(|| println!("runs at close"));
/// drop(kept); // still runs at close
/// let cancelled = app.defer(|| unreachable!("released"));
/// cancelled.release();
/// app.close();
/// ```
pub struct Deferred {
    slot: Arc<DeferredSlot>,
}

impl fmt::Debug for Deferred {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deferred")
            .field("pending", &lock(&self.slot).is_some())
            .finish()
    }
}

impl Deferred {
    /// Cancels the cleanup: it will not run. Does nothing if it already ran.
    ///
    /// ```
    /// let app = cement::App::new("demo");
    /// let d = app.defer(|| unreachable!());
    /// d.release();
    /// app.close();
    /// ```
    pub fn release(self) {
        // Drop the closure outside the lock: its captures run user code.
        let cleanup = lock(&self.slot).take();
        drop(cleanup);
    }
}

/// A reference to an App that does not keep it alive.
pub(crate) struct WeakApp(Weak<Inner>);

impl WeakApp {
    pub(crate) fn upgrade(&self) -> Option<App> {
        self.0.upgrade().map(|inner| App { inner })
    }

    pub(crate) fn is(&self, app: &App) -> bool {
        std::ptr::eq(self.0.as_ptr(), Arc::as_ptr(&app.inner))
    }
}

impl App {
    pub(crate) fn downgrade(&self) -> WeakApp {
        WeakApp(Arc::downgrade(&self.inner))
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
        if let Some(app) = newest.upgrade() {
            app.close_at_exit();
        }
    }
}

/// This thread, as close tells threads apart: a number no other thread of the
/// process has. Not `std::thread::current().id()`, which builds the thread's handle
/// and brings std's thread machinery into every binary (about 2 KiB).
fn thread_number() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    thread_local! {
        /// 0 until the thread first asks.
        static NUMBER: Cell<u64> = const { Cell::new(0) };
    }
    NUMBER.with(|number| {
        if number.get() == 0 {
            number.set(NEXT.fetch_add(1, Ordering::Relaxed));
        }
        number.get()
    })
}
