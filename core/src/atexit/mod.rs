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
//! `std::process::exit` belongs), then pops handlers one at a time: each is taken out
//! under the lock and run with the lock released. No panic crosses the trampoline.

use std::fmt;
use std::panic;
use std::sync::{Mutex, Once};

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
    last: Mutex<Option<fn()>>,
}

struct Handlers {
    /// Registration numbers handed out so far.
    registered: u64,
    /// Pending handlers, in registration order, with their numbers.
    pending: Vec<(u64, Handler)>,
}

impl Registry {
    const fn new() -> Registry {
        Registry {
            first: Mutex::new(None),
            handlers: Mutex::new(Handlers {
                registered: 0,
                pending: Vec::new(),
            }),
            last: Mutex::new(None),
        }
    }

    /// Adds a handler; returns its registration number.
    fn push(&self, handler: Handler) -> u64 {
        let mut handlers = lock(&self.handlers);
        handlers.registered += 1;
        let number = handlers.registered;
        handlers.pending.push((number, handler));
        number
    }

    /// Removes handler `number` if it is pending.
    fn remove(&self, number: u64) -> bool {
        let removed = {
            let mut handlers = lock(&self.handlers);
            let index = handlers.pending.iter().rposition(|(n, _)| *n == number);
            index.map(|index| handlers.pending.remove(index))
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
        loop {
            let next = lock(&self.handlers).pending.pop();
            let Some((number, handler)) = next else { break };
            if let Err(failure) = report::catch(handler) {
                report::report(&format_args!("atexit handler #{number}"), &failure);
            }
        }
        let last = lock(&self.last).take();
        if let Some(Err(failure)) = last.map(report::catch) {
            report::report(&"exit-time signal", &failure);
        }
    }
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
