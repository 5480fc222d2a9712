//! The close sequence, once: stopping the App's supervised tasks, `pre_close` hooks,
//! the App's deferred cleanups (last first), `post_close` hooks, and what registers
//! into them. One driver for sync and
//! async callers ([`App::close_sequence`]), and for the exit-time close that
//! `std::process::exit` runs.

use std::fmt;
use std::sync::{Arc, Mutex};

use super::tasks::Supervised;
use super::{App, LIVE_APPS};
use crate::deadline::Watched;
use crate::failures::Running;
use crate::hooks::{self, HookTable, PointRun, RuntimeFn};
use crate::lifecycle::CloseStart;
use crate::points::Hook;
use crate::{lock, notify, report, signals, trace};

type DeferredSlot = Mutex<Option<Box<dyn FnOnce() + Send>>>;

/// What an App runs: its hooks, deferred cleanups and supervised tasks, and where
/// its close sequence stands. One lock for all: registering must see whether close
/// has already taken what it registers into, and close takes them as it starts each
/// step.
#[derive(Default)]
pub(super) struct Work {
    pub(super) hooks: HookTable,
    /// Deferred cleanups, until close's deferred step takes them.
    deferred: Vec<Arc<DeferredSlot>>,
    /// Supervised tasks, made with the first one, until close's first step takes
    /// them.
    pub(super) tasks: Option<Box<dyn Supervised>>,
    closing: Closing,
}

/// Where the close sequence stands (the steps of [`App::close`]). It lives in the App, not
/// on the closing thread's stack, so that `std::process::exit` called from inside the
/// sequence (by a hook or a deferred cleanup) can finish it: see
/// `App::close_at_exit`.
#[derive(Default)]
struct Closing {
    /// 0: stopping tasks, 1: `pre_close` hooks, 2: deferred cleanups, 3:
    /// `post_close` hooks, 4: done.
    step: usize,
    /// What each step runs, by step, once it has started. Kept after the step, and
    /// dropped with the App rather than inside close: freeing many hooks is work the
    /// end of a process does not need.
    steps: Vec<StepWork>,
    /// Cleanups deferred so far, counted once their step has taken them; numbers the ones
    /// deferred later, which run at once.
    deferred: usize,
}

impl Closing {
    const STOPPING_TASKS: usize = 0;
    const PRE_CLOSE: usize = 1;
    const DEFERRED: usize = 2;
    const POST_CLOSE: usize = 3;

    /// Whether `step` has started (or finished): what it would run is taken.
    fn started(&self, step: usize) -> bool {
        self.steps.len() > step
    }
}

/// What one step of the close sequence runs.
#[derive(Clone)]
pub(super) enum StepWork {
    Tasks(Option<Arc<dyn Supervised>>),
    Hooks(Hook, Arc<PointRun>),
    Deferred(Arc<Vec<Arc<DeferredSlot>>>),
}

impl App {
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
    /// # extern crate cement_core as cement;
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
    pub(super) fn close_at_exit(&self) {
        self.close_from(true);
    }

    /// The close driver: the lifecycle says whether this call runs the sequence,
    /// resumes it or returns the code; then each step, once. `close_async` is the
    /// same loop with its hooks awaited and its tasks awaited on the runtime.
    fn close_from(&self, at_exit: bool) -> i32 {
        let _span = trace::enter(trace::Span::Close, self.label());
        if let Some(code) = self.start_close(at_exit) {
            return code;
        }
        while let Some((step, work)) = self.next_close_step() {
            match &work {
                StepWork::Tasks(tasks) => self.stop_tasks(tasks.as_deref()),
                StepWork::Hooks(point, hooks) => self.run_point(hooks, *point, None),
                StepWork::Deferred(slots) => self.run_deferred(slots),
            }
            self.close_step_done(step);
        }
        self.finish_close()
    }

    /// Whether this call runs (or resumes) the close sequence, as the lifecycle
    /// decides: `Some(code)` to return at once. Starting it tells a service manager
    /// and starts the close deadline's watchdog.
    pub(super) fn start_close(&self, at_exit: bool) -> Option<i32> {
        match self.lifecycle().begin_close(at_exit) {
            CloseStart::Done(code) => return Some(code),
            CloseStart::Run => {
                self.notify_stopping();
                if let Some(deadline) = &self.inner.close_deadline {
                    deadline.watch(Arc::clone(&self.inner) as Arc<dyn Watched>);
                }
            }
            CloseStart::Resume => {}
        }
        self.collect_declared_hooks();
        None
    }

    /// The end of close, after its steps: the final code, for every caller. Signals
    /// stay caught if the process ends with this App; a thread other than the signal
    /// path's then waits for the signal path to end the process.
    pub(super) fn finish_close(&self) -> i32 {
        let code = self.lifecycle().finish_close();
        if self.inner.catch_signals && !self.lifecycle().keeps_catching() {
            signals::stop_catching(Arc::as_ptr(&self.inner).cast());
        }
        lock(&LIVE_APPS).retain(|live| !live.is(self) && live.0.strong_count() > 0);
        self.lifecycle().wait_if_signal_path_ends();
        code
    }

    /// The steps of [`close`](App::close): the step the sequence stands at and
    /// what it runs, or `None` once all ran. The caller runs it and then calls
    /// [`close_step_done`](App::close_step_done).
    pub(super) fn next_close_step(&self) -> Option<(usize, StepWork)> {
        let mut guard = lock(&self.inner.work);
        let work = &mut *guard;
        let step = work.closing.step;
        if let Some(taken) = work.closing.steps.get(step) {
            return Some((step, taken.clone()));
        }
        // The hooks of a close point are not put back: close runs once.
        let taken = match step {
            Closing::STOPPING_TASKS => StepWork::Tasks(work.tasks.take().map(Arc::from)),
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

    /// Runs `add` with `value` on the App's supervised tasks (made with the first
    /// one), unless close's first step has taken them: then `value` comes back.
    /// Under the lock that step takes them under.
    pub(super) fn with_tasks<T, R>(
        &self,
        value: T,
        add: impl FnOnce(&mut dyn Supervised, T) -> R,
    ) -> Result<R, T> {
        let mut guard = lock(&self.inner.work);
        let work = &mut *guard;
        if work.closing.started(Closing::STOPPING_TASKS) {
            return Err(value);
        }
        Ok(add(
            &mut **work.tasks.get_or_insert_with(super::tasks::new_tasks),
            value,
        ))
    }

    /// Step `step` of the close sequence has run.
    pub(super) fn close_step_done(&self, step: usize) {
        let closing = &mut lock(&self.inner.work).closing;
        // Unless a nested call (from `close_at_exit`) already finished this step.
        if closing.step == step {
            closing.step += 1;
        }
    }

    /// Whether [`close`](App::close) has finished.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("myapp");
    /// assert!(!app.is_closed());
    /// app.close();
    /// assert!(app.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.lifecycle().is_closed()
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
    /// # extern crate cement_core as cement;
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
        hooks::run_runtime(self, Running::RunTime(point, number, weight), &f);
    }

    /// Defers `f` to the close sequence (step 2, last registered first). The handle
    /// can [`release`](Deferred::release) it; dropping the handle keeps it. Once that
    /// step has started (or after close), `f` runs at once: cement never drops a
    /// cleanup.
    ///
    /// ```
    /// # extern crate cement_core as cement;
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
            let _quiet = report::QuietPanics::enter();
            self.run_deferred_slot(number, &slot);
        }
        Deferred { slot }
    }

    /// Runs the cleanups of `deferred` not run yet, last registered first.
    pub(super) fn run_deferred(&self, deferred: &[Arc<DeferredSlot>]) {
        if !deferred.is_empty() {
            notify::status(&"deferred cleanups");
        }
        let _quiet = report::QuietPanics::enter();
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
        if let Err(failure) = report::catch(cleanup) {
            self.report_failure(running, &failure);
        }
    }
}

/// A cleanup deferred to an [`App`]'s close sequence by [`App::defer`].
///
/// Dropping the handle keeps the cleanup; [`release`](Deferred::release) cancels it.
///
/// ```
/// # extern crate cement_core as cement;
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
    /// # extern crate cement_core as cement;
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
