//! Process-exit handlers: Python's `atexit`.
//!
//! ```python
//! import atexit
//! atexit.register(lambda: print("goodbye"))
//! ```
//!
//! ```
//! # extern crate cement_core as cement;
//! cement::atexit::register(|| println!("goodbye"));
//! ```
//!
//! Handlers run when the process ends normally: `main` returns, something calls
//! [`std::process::exit`], or a panic ends `main`. They run last registered first,
//! each once, on the thread that ends the process, after `main`'s destructors and
//! after an App's close. Registering from any thread is safe; a handler
//! registered while handlers run also runs; one [unregistered](AtExit::unregister)
//! before its turn does not.
//!
//! A panicking handler is reported on one line of stderr
//! (`cement: atexit handler #2 panicked: boom`, numbered by registration) and the
//! rest still run; the exit status is unchanged. Python prints a traceback and
//! carries on too.
//!
//! # Limits
//!
//! Handlers do not run on abort, SIGKILL, an uncaught fatal signal, or with
//! `panic = "abort"`. A handler must not call [`std::process::exit`] itself (C
//! leaves calling `exit` from an `atexit` handler undefined). A handler registered
//! from another thread after the handlers have all run (the process is ending) does
//! not run.
//!
//! # How it works
//!
//! One `extern "C"` trampoline is given to libc's `atexit`, once. Rust's `main`
//! returning and `std::process::exit` both end in libc's `exit`, which calls it. It
//! first runs the slot set by `run_first_at_exit` (where closing the active App on
//! `std::process::exit` belongs), then runs the handlers. They are taken out under
//! the lock as a batch, all that are pending, and run with no lock held: each carries
//! a flag, which the run clears before running it and [`AtExit::unregister`] clears
//! instead to cancel it, so exactly one of the two wins. A handler registered while
//! the batch runs is taken out as a batch of its own and runs next. No panic crosses
//! the trampoline.

use std::fmt;
use std::panic;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};

use crate::report::{self, QuietPanics};
use crate::{lifecycle, lock};

type Handler = Box<dyn FnOnce() + Send>;

/// Registers `f` to run when the process ends normally, before every handler
/// registered earlier.
///
/// ```
/// # extern crate cement_core as cement;
/// use cement::atexit;
///
/// atexit::register(|| println!("removed the lock file"));
/// atexit::register(|| println!("runs first: registered last"));
/// ```
pub fn register(f: impl FnOnce() + Send + 'static) -> AtExit {
    install_trampoline();
    AtExit {
        number: REGISTRY.push(Box::new(f)),
    }
}

/// A handler registered by [`register`]. Dropping it keeps the handler.
///
/// ```
/// # extern crate cement_core as cement;
/// let kept = cement::atexit::register(|| println!("runs at exit"));
/// drop(kept); // still runs at exit
/// let cancelled = cement::atexit::register(|| unreachable!("unregistered"));
/// assert!(cancelled.unregister());
/// ```
#[derive(Debug)]
pub struct AtExit {
    /// Registration number, from 1.
    number: u64,
}

impl AtExit {
    /// Cancels the handler. Returns whether it was still pending: `false` if it
    /// already ran or is running (the process is ending).
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let handler = cement::atexit::register(|| unreachable!("unregistered"));
    /// assert!(handler.unregister());
    /// ```
    pub fn unregister(self) -> bool {
        REGISTRY.remove(self.number)
    }
}

/// Sets the one function the trampoline calls before any handler, and installs the
/// trampoline. It runs at most once per process; a later call replaces it if it has
/// not run yet.
///
/// [`App::setup`](crate::App::setup) puts closing every live App here: the close
/// must run before the user's handlers, and both must be one `libc::atexit`
/// registration, since libc runs separate registrations in reverse order of
/// registration, which would put close after handlers registered before it.
pub(crate) fn run_first_at_exit(f: fn()) {
    install_trampoline();
    *lock(&REGISTRY.first) = Some(f);
}

/// Sets the one function the trampoline calls after every handler, and installs the
/// trampoline: where the App that caught signals settles a signal that came while
/// the process ended. It may end the process itself, with `_exit`.
pub(crate) fn run_last_at_exit(f: fn()) {
    install_trampoline();
    *lock(&REGISTRY.last) = Some(f);
}

/// Ends the process with `code` as [`std::process::exit`] does, running the atexit
/// handlers (and closing live Apps) first where `exit` would not: on Windows,
/// `std::process::exit` is `ExitProcess`, which skips the C runtime's atexit table.
/// What cement itself uses to end a process; running the handlers twice is not
/// possible (each runs once).
pub(crate) fn exit_process(code: i32) -> ! {
    if cfg!(windows) {
        run_at_exit();
    }
    std::process::exit(code)
}

static REGISTRY: Registry = Registry::new();

fn install_trampoline() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Wrap the panic hook now, while no thread of ours can be unwinding.
        QuietPanics::install();
        // SAFETY: `run_at_exit` is an `extern "C" fn()` with no arguments, which is the
        // signature `atexit` expects; it is a plain function, valid for the process's
        // whole life, and never unwinds (see its body).
        let status = unsafe { libc::atexit(run_at_exit) };
        if status != 0 {
            // libc's table is full (POSIX guarantees 32 slots; glibc has no limit).
            // Through `report_line`, as every other line: one stderr path linked.
            report::line(&"cannot register with atexit: handlers will not run");
        }
        #[cfg(windows)]
        windows::watch_exit_process();
    });
}

#[cfg(windows)]
mod windows;

/// The trampoline libc's `exit` calls. A panic unwinding out of an `extern "C" fn`
/// aborts the process, so everything is caught here.
extern "C" fn run_at_exit() {
    // The exit-time close and the atexit handlers run now; libc has destroyed this
    // thread's thread-locals, which tracing needs.
    lifecycle::process_exits();
    // Each handler is caught by `Registry::run`; what can still escape it is a panic
    // from dropping a panic's payload. Carry on with the rest then: every pass takes
    // at least one handler out, so this ends. The payload is leaked, not dropped,
    // since dropping it could panic again, here, outside any catch.
    while let Err(payload) = panic::catch_unwind(|| REGISTRY.run()) {
        std::mem::forget(payload);
    }
}

/// What the trampoline runs: the first-at-exit slot, the handlers, the last slot.
struct Registry {
    first: Mutex<Option<fn()>>,
    handlers: Mutex<Handlers>,
    /// The last registration number handed out: written under `handlers`' lock, read
    /// without it by the run, to see that a handler registered another.
    latest: AtomicU64,
    last: Mutex<Option<fn()>>,
}

struct Handlers {
    /// Pending handlers' registration numbers, ascending (registration order)...
    numbers: Vec<u64>,
    /// ... and the handlers, side by side.
    pending: Vec<Handler>,
    /// The batches being run, innermost last: where [`Registry::remove`] finds the
    /// handlers that were taken out but have not had their turn.
    running: Vec<Arc<Batch>>,
}

/// Handlers taken out to run together, without a lock per handler.
struct Batch {
    /// Their registration numbers, ascending.
    numbers: Vec<u64>,
    /// Set while the handler at the same index has not had its turn. Whoever clears
    /// it first, the run (to run it) or [`Registry::remove`] (to cancel it), decides.
    waiting: Box<[AtomicBool]>,
}

impl Batch {
    /// Cancels handler `number` if it is in this batch and has not had its turn.
    fn cancel(&self, number: u64) -> bool {
        self.numbers
            .binary_search(&number)
            .is_ok_and(|index| self.waiting[index].swap(false, Ordering::AcqRel))
    }
}

impl Registry {
    const fn new() -> Registry {
        Registry {
            first: Mutex::new(None),
            handlers: Mutex::new(Handlers {
                numbers: Vec::new(),
                pending: Vec::new(),
                running: Vec::new(),
            }),
            latest: AtomicU64::new(0),
            last: Mutex::new(None),
        }
    }

    /// Adds a handler; returns its registration number.
    fn push(&self, handler: Handler) -> u64 {
        let mut handlers = lock(&self.handlers);
        // Under the lock: a load and a store, not a read-modify-write.
        let number = self.latest.load(Ordering::Relaxed) + 1;
        self.latest.store(number, Ordering::Relaxed);
        handlers.numbers.push(number);
        handlers.pending.push(handler);
        number
    }

    /// Removes handler `number` if it has not had its turn.
    fn remove(&self, number: u64) -> bool {
        let removed = {
            let mut handlers = lock(&self.handlers);
            match handlers.numbers.binary_search(&number) {
                Ok(index) => {
                    handlers.numbers.remove(index);
                    Some(handlers.pending.remove(index))
                }
                Err(_) => {
                    let running = &handlers.running;
                    return running.iter().any(|batch| batch.cancel(number));
                }
            }
        };
        // Dropped outside the lock: a captured value's `Drop` may register again.
        removed.is_some()
    }

    /// Runs the first-at-exit slot, then handlers, last registered first, until none
    /// is left, then the last slot. Nothing is locked while user code runs.
    fn run(&self) {
        // Not `?`-able: std refuses to wrap the panic hook on a panicking thread.
        let _quiet = report::catch(QuietPanics::enter).ok();
        let first = lock(&self.first).take();
        if let Some(Err(failure)) = first.map(report::catch) {
            report::report(&"exit-time close", &failure);
        }
        self.run_handlers();
        let last = lock(&self.last).take();
        if let Some(Err(failure)) = last.map(report::catch) {
            report::report(&"exit-time signal", &failure);
        }
    }

    /// Runs the pending handlers in batches, last registered first, until none is
    /// left. Handlers registered while a batch runs (by a handler, say) run next, as
    /// a batch of their own, before the rest of the older one.
    fn run_handlers(&self) {
        loop {
            let (mut pending, batch, mut seen) = {
                let mut handlers = lock(&self.handlers);
                if handlers.pending.is_empty() {
                    return;
                }
                let numbers = std::mem::take(&mut handlers.numbers);
                let waiting = numbers.iter().map(|_| AtomicBool::new(true)).collect();
                let batch = Arc::new(Batch { numbers, waiting });
                handlers.running.push(Arc::clone(&batch));
                let pending = std::mem::take(&mut handlers.pending);
                (pending, batch, self.latest.load(Ordering::Relaxed))
            };
            while let Some(handler) = pending.pop() {
                let index = pending.len();
                let number = batch.numbers[index];
                let turn = batch.waiting[index].swap(false, Ordering::AcqRel);
                // An unregistered handler is dropped here instead, a panic from what
                // it captured caught too.
                let outcome = report::catch(move || {
                    if turn {
                        handler();
                    } else {
                        drop(handler);
                    }
                });
                if let Err(failure) = outcome {
                    report_failed(number, &failure);
                }
                let latest = self.latest.load(Ordering::Relaxed);
                if latest != seen {
                    seen = latest;
                    self.run_handlers();
                }
            }
            lock(&self.handlers)
                .running
                .retain(|running| !Arc::ptr_eq(running, &batch));
        }
    }
}

/// Reports handler `number`'s panic, out of the run's loop.
#[cold]
#[inline(never)]
fn report_failed(number: u64, failure: &report::Failure) {
    report::report(&format_args!("atexit handler #{number}"), failure);
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    use super::{lock, run_first_at_exit, Registry, REGISTRY};

    type Log = Arc<Mutex<Vec<String>>>;

    fn logger(log: &Log, entry: &str) -> Box<dyn FnOnce() + Send> {
        let (log, entry) = (Arc::clone(log), entry.to_owned());
        Box::new(move || log.lock().unwrap().push(entry))
    }

    static FIRST_RAN: AtomicBool = AtomicBool::new(false);

    fn mark_first_ran() {
        FIRST_RAN.store(true, Ordering::SeqCst);
    }

    #[test]
    fn first_at_exit_runs_before_every_handler() {
        let registry = Registry::new();
        let log = Log::default();
        registry.push(logger(&log, "handler"));
        *lock(&registry.first) = Some(mark_first_ran);
        FIRST_RAN.store(false, Ordering::SeqCst);
        let check = Arc::clone(&log);
        registry.push(Box::new(move || {
            let first_ran = FIRST_RAN.load(Ordering::SeqCst);
            check
                .lock()
                .unwrap()
                .push(format!("first ran: {first_ran}"));
        }));
        registry.run();
        assert_eq!(*log.lock().unwrap(), ["first ran: true", "handler"]);
        // It runs once.
        assert!(lock(&registry.first).is_none());
    }

    static SLOT_RAN: AtomicBool = AtomicBool::new(false);

    fn mark_slot_ran() {
        SLOT_RAN.store(true, Ordering::SeqCst);
    }

    #[test]
    #[cfg_attr(miri, ignore = "calls libc::atexit, which Miri cannot run")]
    fn run_first_at_exit_fills_the_process_slot() {
        run_first_at_exit(mark_slot_ran);
        // Take it back, so this test binary's own exit runs nothing, and check it.
        let slot = lock(&REGISTRY.first).take().expect("the slot is filled");
        slot();
        assert!(SLOT_RAN.load(Ordering::SeqCst));
    }

    #[test]
    fn handler_registered_while_running_runs_and_unregistered_does_not() {
        let registry = Arc::new(Registry::new());
        let log = Log::default();
        let doomed = registry.push(logger(&log, "unregistered before its turn"));
        let (inner, inner_log) = (Arc::clone(&registry), Arc::clone(&log));
        registry.push(Box::new(move || {
            let removed = inner.remove(doomed);
            inner_log
                .lock()
                .unwrap()
                .push(format!("removed: {removed}"));
            inner.push(logger(&inner_log, "registered while running"));
        }));
        registry.run();
        assert_eq!(
            *log.lock().unwrap(),
            ["removed: true", "registered while running"]
        );
        assert!(!registry.remove(doomed));
    }

    #[test]
    fn handler_registered_by_a_handler_runs_next_before_the_older_ones() {
        let registry = Arc::new(Registry::new());
        let log = Log::default();
        registry.push(logger(&log, "oldest"));
        let (inner, inner_log) = (Arc::clone(&registry), Arc::clone(&log));
        registry.push(Box::new(move || {
            inner_log.lock().unwrap().push("registers".to_owned());
            inner.push(logger(&inner_log, "registered while running"));
        }));
        registry.push(logger(&log, "newest"));
        registry.run();
        assert_eq!(
            *log.lock().unwrap(),
            ["newest", "registers", "registered while running", "oldest"]
        );
        assert!(lock(&registry.handlers).running.is_empty());
    }

    /// Logs `dropped` when dropped, and panics then if told to.
    struct DropGuard(Log, bool);

    impl Drop for DropGuard {
        fn drop(&mut self) {
            self.0.lock().unwrap().push("dropped".to_owned());
            assert!(!self.1, "drop panics");
        }
    }

    #[test]
    fn handlers_cancelled_in_a_running_batch_do_not_run_and_are_dropped_at_their_turn() {
        let registry = Arc::new(Registry::new());
        let log = Log::default();
        let (first_log, guard) = (Arc::clone(&log), DropGuard(Arc::clone(&log), true));
        let oldest = registry.push(Box::new(move || {
            let _guard = guard;
            first_log.lock().unwrap().push("never runs".to_owned());
        }));
        let older = registry.push(logger(&log, "never runs either"));
        let (inner, inner_log) = (Arc::clone(&registry), Arc::clone(&log));
        // Registered last, so it runs first, while both others wait in its batch.
        registry.push(Box::new(move || {
            let removed = (inner.remove(older), inner.remove(oldest));
            inner_log
                .lock()
                .unwrap()
                .push(format!("removed {removed:?}"));
        }));
        registry.run();
        // The captured guard's drop panics: reported and caught at the handler's turn.
        assert_eq!(*log.lock().unwrap(), ["removed (true, true)", "dropped"]);
        assert!(!registry.remove(older));
    }

    #[test]
    fn a_handler_that_ran_is_not_removed() {
        let registry = Arc::new(Registry::new());
        let log = Log::default();
        let (inner, inner_log) = (Arc::clone(&registry), Arc::clone(&log));
        let newer = Arc::new(Mutex::new(0));
        let number = Arc::clone(&newer);
        // Registered first, so it runs last, after the newer one.
        registry.push(Box::new(move || {
            let removed = inner.remove(*number.lock().unwrap());
            inner_log.lock().unwrap().push(format!("removed {removed}"));
        }));
        *newer.lock().unwrap() = registry.push(logger(&log, "newer"));
        registry.run();
        assert_eq!(*log.lock().unwrap(), ["newer", "removed false"]);
    }

    #[test]
    fn unregistering_from_another_thread_while_the_batch_runs_cancels_or_finds_it_ran() {
        let rounds = if cfg!(miri) { 5 } else { 200 };
        for _ in 0..rounds {
            let registry = Arc::new(Registry::new());
            let ran = Arc::new(AtomicBool::new(false));
            let flag = Arc::clone(&ran);
            let number = registry.push(Box::new(move || flag.store(true, Ordering::SeqCst)));
            let barrier = Arc::new(std::sync::Barrier::new(2));
            let (remover, start) = (Arc::clone(&registry), Arc::clone(&barrier));
            registry.push(Box::new(move || {
                start.wait();
            }));
            let removed = std::thread::spawn(move || {
                barrier.wait();
                remover.remove(number)
            });
            registry.run();
            let removed = removed.join().unwrap();
            assert_ne!(
                removed,
                ran.load(Ordering::SeqCst),
                "exactly one of the two"
            );
        }
    }

    #[test]
    fn panicking_handler_does_not_stop_the_others() {
        let registry = Registry::new();
        let log = Log::default();
        registry.push(logger(&log, "a"));
        registry.push(Box::new(|| panic!("boom")));
        registry.push(logger(&log, "c"));
        registry.run();
        assert_eq!(*log.lock().unwrap(), ["c", "a"]);
    }
}
