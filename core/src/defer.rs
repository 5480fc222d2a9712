//! Scoped cleanup: [`Defer`] (the `cleanup` package's `defer()`) and the one-shot
//! [`Guard`] behind [`defer!`](crate::defer!).
//!
//! Both run their cleanups when the scope ends, normally or by unwinding. A cleanup
//! that panics never stops the others: on a normal exit the first panic continues once
//! all have run; while already unwinding it is reported on one line of stderr, so a
//! second panic never aborts the process.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::{self, AssertUnwindSafe};

use crate::exit::{self, Failure, QuietPanics, ReportPanicsAs};

type Cleanup<'a> = Box<dyn FnOnce() + 'a>;

/// A scope's cleanups, run last registered first when it is dropped.
///
/// Python's `cleanup` package, where `with defer() as d:` becomes a local `Defer`:
///
/// ```python
/// with defer() as d:
///     obj = Object()
///     d.defer(obj.destroy)
///     d.defer(lambda: obj.unregister(client))
///     work()      # raises? both cleanups run, unregister first
///     d.release() # success: keep obj
/// ```
///
/// ```
/// use std::cell::RefCell;
///
/// let log = RefCell::new(Vec::new());
/// {
///     let d = cement::Defer::new();
///     d.defer(|| log.borrow_mut().push("destroy"));
///     d.defer(|| log.borrow_mut().push("unregister"));
///     log.borrow_mut().push("work");
/// } // scope end: last registered first
/// assert_eq!(*log.borrow(), ["work", "unregister", "destroy"]);
/// ```
///
/// Closures may borrow locals (`Defer<'a>`), and [`defer`](Defer::defer) takes
/// `&self`, so cleanups can be added while the `Defer` is shared. Cleanups run at
/// scope end and while unwinding from a panic; not on abort, SIGKILL, or with
/// `panic = "abort"`, and not if the `Defer` is leaked (`std::mem::forget`).
///
/// # Panicking cleanups
///
/// Every cleanup runs even if one panics. Each panic is reported on one line of
/// stderr (`cement: deferred cleanup #2 panicked: boom`, numbered by registration).
/// On a normal scope exit the first panic then continues
/// ([`resume_unwind`](std::panic::resume_unwind)); while the scope is already
/// unwinding, the report is all, so the process never aborts on a double panic.
///
/// ```
/// let result = std::panic::catch_unwind(|| {
///     let d = cement::Defer::new();
///     d.defer(|| println!("still runs"));
///     d.defer(|| panic!("boom"));
/// });
/// assert!(result.is_err()); // "boom" continued once both had run
/// ```
///
/// # Cost
///
/// Each cleanup is one boxed closure in a `Vec` (a closure that captures nothing is
/// not allocated). For a single cleanup that is known where it is written,
/// [`defer!`](crate::defer!) costs no more than a hand-written `Drop`.
pub struct Defer<'a> {
    /// Slot `i` holds cleanup number `released + i`; `None` once released or run.
    cleanups: RefCell<Vec<Option<Cleanup<'a>>>>,
    /// How many cleanups were registered before the last [`Defer::release`].
    released: Cell<usize>,
}

impl<'a> Defer<'a> {
    /// An empty scope.
    ///
    /// ```
    /// let d = cement::Defer::new();
    /// d.defer(|| println!("runs when `d` is dropped"));
    /// ```
    pub fn new() -> Defer<'a> {
        // Wrap the panic hook now: it cannot be done once unwinding has begun.
        QuietPanics::install();
        Defer {
            cleanups: RefCell::new(Vec::new()),
            released: Cell::new(0),
        }
    }

    /// Defers `f` to the end of the scope; it runs before everything deferred
    /// earlier. The handle can [`release`](DeferHandle::release) it or
    /// [`run_now`](DeferHandle::run_now); dropping the handle keeps the cleanup.
    ///
    /// ```
    /// let mut closed = false;
    /// {
    ///     let d = cement::Defer::new();
    ///     d.defer(|| closed = true);
    /// }
    /// assert!(closed);
    /// ```
    pub fn defer(&self, f: impl FnOnce() + 'a) -> DeferHandle<'_, 'a> {
        let mut cleanups = self.cleanups.borrow_mut();
        let number = self.released.get() + cleanups.len();
        cleanups.push(Some(Box::new(f)));
        DeferHandle {
            defer: self,
            number,
        }
    }

    /// Success: nothing deferred so far will run (the closures are dropped). A
    /// cleanup deferred after this still runs at scope end.
    ///
    /// ```
    /// use std::cell::Cell;
    ///
    /// let ran = Cell::new(Vec::new());
    /// let push = |name| { let mut v = ran.take(); v.push(name); ran.set(v); };
    /// {
    ///     let d = cement::Defer::new();
    ///     d.defer(|| push("rollback"));
    ///     d.release(); // the transaction committed
    ///     d.defer(|| push("close connection"));
    /// }
    /// assert_eq!(ran.take(), ["close connection"]);
    /// ```
    pub fn release(&self) {
        let released = std::mem::take(&mut *self.cleanups.borrow_mut());
        self.released.set(self.released.get() + released.len());
        // Dropped outside the borrow: a captured value's `Drop` may defer again.
        drop(released);
    }

    /// Takes cleanup `number` out, if it is still pending.
    fn take(&self, number: usize) -> Option<Cleanup<'a>> {
        let index = number.checked_sub(self.released.get())?;
        self.cleanups.borrow_mut().get_mut(index)?.take()
    }
}

impl Default for Defer<'_> {
    fn default() -> Self {
        Defer::new()
    }
}

impl fmt::Debug for Defer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pending = self.cleanups.borrow().iter().flatten().count();
        f.debug_struct("Defer").field("pending", &pending).finish()
    }
}

impl Drop for Defer<'_> {
    fn drop(&mut self) {
        let cleanups = self.cleanups.get_mut();
        if cleanups.is_empty() {
            return;
        }
        let unwinding = std::thread::panicking();
        let released = self.released.get();
        let mut first_panic: Option<Box<dyn Any + Send>> = None;
        let quiet = QuietPanics::enter();
        while let Some(slot) = cleanups.pop() {
            let Some(cleanup) = slot else { continue };
            if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(cleanup)) {
                let number = released + cleanups.len() + 1;
                let failure = Failure::Panicked(exit::panic_message(&*payload));
                exit::report(&format_args!("deferred cleanup #{number}"), &failure);
                if !unwinding && first_panic.is_none() {
                    first_panic = Some(payload);
                }
            }
        }
        drop(quiet);
        if let Some(payload) = first_panic {
            panic::resume_unwind(payload);
        }
    }
}

/// One cleanup deferred by [`Defer::defer`].
///
/// Dropping the handle keeps the cleanup; it runs at scope end.
///
/// ```
/// let log = std::cell::RefCell::new(Vec::new());
/// {
///     let d = cement::Defer::new();
///     let _kept = d.defer(|| log.borrow_mut().push("kept"));
///     d.defer(|| log.borrow_mut().push("released")).release();
/// }
/// assert_eq!(*log.borrow(), ["kept"]);
/// ```
pub struct DeferHandle<'d, 'a> {
    defer: &'d Defer<'a>,
    number: usize,
}

impl DeferHandle<'_, '_> {
    /// Cancels this cleanup: it will not run. Does nothing if it already ran or the
    /// whole [`Defer`] was released.
    ///
    /// ```
    /// let d = cement::Defer::new();
    /// let undo = d.defer(|| unreachable!("released"));
    /// undo.release();
    /// ```
    pub fn release(self) {
        drop(self.defer.take(self.number));
    }

    /// Runs this cleanup now, and never again (not at scope end). Does nothing if it
    /// was released. A panic in it continues from here, as from a direct call.
    ///
    /// ```
    /// let mut count = 0;
    /// {
    ///     let d = cement::Defer::new();
    ///     d.defer(|| count += 1).run_now();
    /// }
    /// assert_eq!(count, 1);
    /// ```
    pub fn run_now(self) {
        if let Some(cleanup) = self.defer.take(self.number) {
            cleanup();
        }
    }
}

impl fmt::Debug for DeferHandle<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeferHandle")
            .field("number", &(self.number + 1))
            .finish()
    }
}

/// Runs a closure when dropped, unless [disarmed](Guard::disarm): a one-shot
/// [`Defer`] that costs what a hand-written `Drop` costs. Made by [`guard`]; the
/// [`defer!`](crate::defer!) macro is the short form.
///
/// A panic in the closure is reported on one line of stderr (`cement: guard
/// panicked: ..`), as a [`Defer`] cleanup's is. On a normal exit the panic then
/// continues from the drop; while the scope is already unwinding it is only reported,
/// so the process never aborts on a double panic.
///
/// ```
/// let mut closed = false;
/// {
///     let _guard = cement::guard(|| closed = true);
/// }
/// assert!(closed);
/// ```
#[must_use = "the closure runs when the guard is dropped; `let _ = guard(..)` runs it at once"]
pub struct Guard<F: FnOnce()> {
    f: Option<F>,
}

/// Returns a [`Guard`] that runs `f` when dropped.
///
/// ```
/// let mut log = Vec::new();
/// {
///     let g = cement::guard(|| log.push("rolled back"));
///     // ... work that may fail ...
///     g.disarm(); // it succeeded: do not roll back
/// }
/// assert!(log.is_empty());
/// ```
pub fn guard<F: FnOnce()>(f: F) -> Guard<F> {
    // Wrap the panic hook now: it cannot be done once unwinding has begun.
    QuietPanics::install();
    Guard { f: Some(f) }
}

impl<F: FnOnce()> Guard<F> {
    /// Drops the guard without running its closure.
    ///
    /// ```
    /// let mut ran = false;
    /// cement::guard(|| ran = true).disarm();
    /// assert!(!ran);
    /// ```
    pub fn disarm(mut self) {
        self.f = None;
    }
}

impl<F: FnOnce()> fmt::Debug for Guard<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard")
            .field("armed", &self.f.is_some())
            .finish()
    }
}

impl<F: FnOnce()> Drop for Guard<F> {
    #[inline]
    fn drop(&mut self) {
        let Some(f) = self.f.take() else { return };
        if !std::thread::panicking() {
            // A panic in `f` goes on from here, reported in one line by the hook.
            let _report = ReportPanicsAs::enter("guard");
            f();
            return;
        }
        let _quiet = QuietPanics::enter();
        if let Err(failure) = exit::catch(f) {
            exit::report(&"guard", &failure);
        }
    }
}

/// Runs the block when the enclosing scope ends, normally or by unwinding: Go's
/// `defer`, as a zero-cost guard. Several in one scope run last first.
///
/// ```
/// let mut log = Vec::new();
/// {
///     cement::defer! { println!("runs second"); }
///     cement::defer! { println!("runs first"); }
///     log.push("body");
/// }
/// ```
///
/// It expands to `let guard = cement::guard(|| { .. });` with a hidden name, so the
/// block borrows what it uses until the scope ends. To be able to cancel it, use
/// [`guard`] and [`Guard::disarm`].
#[macro_export]
macro_rules! defer {
    ($($body:tt)*) => {
        let _cement_defer_guard = $crate::guard(|| { $($body)* });
    };
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::panic::{self, AssertUnwindSafe};

    use super::{guard, Defer};
    use crate::exit;

    /// The order in which cleanups ran.
    #[derive(Default)]
    struct Log(RefCell<Vec<&'static str>>);

    impl Log {
        fn push(&self, entry: &'static str) {
            self.0.borrow_mut().push(entry);
        }
        fn take(&self) -> Vec<&'static str> {
            self.0.take()
        }
    }

    #[test]
    fn cleanups_run_at_scope_end() {
        let log = Log::default();
        {
            let d = Defer::new();
            d.defer(|| log.push("cleanup"));
            log.push("body");
        }
        assert_eq!(log.take(), ["body", "cleanup"]);
    }

    #[test]
    fn cleanups_run_when_a_panic_unwinds_through_the_scope() {
        let log = Log::default();
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            let d = Defer::new();
            d.defer(|| log.push("first"));
            d.defer(|| log.push("second"));
            panic!("body failed");
        }));
        assert!(result.is_err());
        assert_eq!(log.take(), ["second", "first"]);
    }

    #[test]
    fn cleanups_run_last_registered_first() {
        let log = Log::default();
        {
            let d = Defer::new();
            d.defer(|| log.push("1"));
            d.defer(|| log.push("2"));
            d.defer(|| log.push("3"));
        }
        assert_eq!(log.take(), ["3", "2", "1"]);
    }

    #[test]
    fn nested_scopes_run_inner_cleanups_first() {
        let log = Log::default();
        {
            let outer = Defer::new();
            outer.defer(|| log.push("outer"));
            {
                let inner = Defer::new();
                inner.defer(|| log.push("inner"));
                outer.defer(|| log.push("outer, registered from inner"));
            }
            log.push("between");
        }
        assert_eq!(
            log.take(),
            ["inner", "between", "outer, registered from inner", "outer"]
        );
    }

    #[test]
    fn run_now_runs_once_and_not_again_at_scope_end() {
        let log = Log::default();
        {
            let d = Defer::new();
            d.defer(|| log.push("kept"));
            let early = d.defer(|| log.push("early"));
            early.run_now();
            log.push("after run_now");
        }
        assert_eq!(log.take(), ["early", "after run_now", "kept"]);
    }

    #[test]
    fn released_cleanup_does_not_run_and_the_others_do() {
        let log = Log::default();
        {
            let d = Defer::new();
            d.defer(|| log.push("a"));
            let b = d.defer(|| log.push("b"));
            d.defer(|| log.push("c"));
            b.release();
        }
        assert_eq!(log.take(), ["c", "a"]);
    }

    #[test]
    fn release_all_cancels_earlier_cleanups_but_not_later_ones() {
        let log = Log::default();
        {
            let d = Defer::new();
            d.defer(|| log.push("before 1"));
            let handle = d.defer(|| log.push("before 2"));
            d.release();
            d.defer(|| log.push("after"));
            handle.run_now(); // released with the rest: nothing to run
        }
        assert_eq!(log.take(), ["after"]);
    }

    #[test]
    fn handles_stay_valid_across_release_all() {
        let log = Log::default();
        {
            let d = Defer::new();
            d.defer(|| log.push("released"));
            d.release();
            d.defer(|| log.push("kept"));
            let early = d.defer(|| log.push("early"));
            early.run_now();
        }
        assert_eq!(log.take(), ["early", "kept"]);
    }

    #[test]
    fn panicking_cleanup_does_not_skip_the_others_and_its_panic_continues() {
        let log = Log::default();
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            let d = Defer::new();
            d.defer(|| log.push("first registered"));
            d.defer(|| panic!("first boom"));
            d.defer(|| panic!("second boom"));
            d.defer(|| log.push("last registered"));
        }));
        assert_eq!(log.take(), ["last registered", "first registered"]);
        // The first panic to happen (the later-registered cleanup runs first).
        let payload = result.expect_err("the panic continues after all ran");
        assert_eq!(exit::panic_message(&*payload), "second boom");
    }

    #[test]
    fn panicking_cleanup_while_unwinding_is_reported_and_does_not_abort() {
        let log = Log::default();
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            let d = Defer::new();
            d.defer(|| log.push("still runs"));
            d.defer(|| panic!("cleanup failed too"));
            panic!("body failed");
        }));
        // The process is still here, and the body's panic is the one that continued.
        let payload = result.expect_err("the body's panic continues");
        assert_eq!(exit::panic_message(&*payload), "body failed");
        assert_eq!(log.take(), ["still runs"]);
    }

    #[test]
    fn cleanups_may_borrow_locals_mutably() {
        let mut count = 0;
        let mut name = String::from("tmp");
        {
            let d = Defer::new();
            d.defer(|| count += 1);
            d.defer(|| name.push_str(".removed"));
        }
        assert_eq!((count, name.as_str()), (1, "tmp.removed"));
    }

    #[test]
    fn cleanups_can_be_added_while_the_defer_is_shared() {
        let log = Log::default();
        {
            let d = Defer::new();
            let shared = &d;
            let _first = d.defer(|| log.push("first"));
            shared.defer(|| log.push("second"));
        }
        assert_eq!(log.take(), ["second", "first"]);
    }

    #[test]
    fn defer_macro_runs_at_scope_end_last_first() {
        let log = Log::default();
        {
            crate::defer! { log.push("first defer!"); }
            crate::defer! { log.push("second defer!"); }
            log.push("body");
        }
        assert_eq!(log.take(), ["body", "second defer!", "first defer!"]);
    }

    #[test]
    fn disarmed_guard_does_not_run() {
        let log = Log::default();
        {
            let g = guard(|| log.push("disarmed"));
            let _kept = guard(|| log.push("armed"));
            g.disarm();
        }
        assert_eq!(log.take(), ["armed"]);
    }

    #[test]
    fn panicking_guard_while_unwinding_is_reported_and_does_not_abort() {
        let result = panic::catch_unwind(|| {
            crate::defer! { panic!("guard failed"); }
            panic!("body failed");
        });
        let payload = result.expect_err("the body's panic continues");
        assert_eq!(exit::panic_message(&*payload), "body failed");
    }
}
