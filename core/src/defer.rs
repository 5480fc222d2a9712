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

use crate::report::{self, Failure, QuietPanics, ReportPanicsAs};

type Cleanup<'a> = Box<dyn FnOnce() + 'a>;

/// Cleanups kept in the `Defer` itself: a scope with no more allocates nothing but the
/// closures that capture something.
const INLINE: usize = 4;

/// Cleanups per chunk after the inline ones. They live in a chain of chunks of this
/// many slots rather than in one growing `Vec`: no slot is ever copied to grow, and
/// every allocation stays small (62 slots of 16 bytes are under 1 KiB). A large one is
/// what made glibc's malloc consolidate all the closures' blocks freed just before,
/// which doubled the cost per cleanup of a `Defer` with many of them.
const CHUNK: usize = 62;

type Slots<'a> = Vec<Option<Cleanup<'a>>>;

/// The cleanups registered since the last [`Defer::release`]: cleanup number
/// `released + p` is at position `p`. A slot is `None` once released or run.
#[derive(Default)]
struct Cleanups<'a> {
    /// How many positions were registered.
    len: usize,
    /// Positions `0..INLINE`.
    inline: [Option<Cleanup<'a>>; INLINE],
    /// The chunk being filled: positions from `INLINE + older_len` on.
    newest: Slots<'a>,
    /// The full chunks before it, the most recent first.
    older: Option<Box<Chunk<'a>>>,
    /// How many positions the full chunks hold, `CHUNK` each.
    older_len: usize,
}

/// A full chunk: [`CHUNK`] slots and the chunk filled before it.
struct Chunk<'a> {
    slots: Slots<'a>,
    older: Option<Box<Chunk<'a>>>,
}

impl<'a> Cleanups<'a> {
    #[inline]
    fn push(&mut self, cleanup: Cleanup<'a>) {
        if self.len < INLINE {
            self.inline[self.len] = Some(cleanup);
        } else {
            if self.newest.len() == self.newest.capacity().min(CHUNK) {
                self.grow();
            }
            self.newest.push(Some(cleanup));
        }
        self.len += 1;
    }

    /// Makes room for one more in `newest`: a chunk of [`CHUNK`] slots, the full one
    /// going to the front of the chain. Never grown in place: glibc's `realloc` takes
    /// its new block past the per-thread cache that `free` fills, and once that cache
    /// is full, freeing a chunk consolidated every closure block freed before it.
    #[cold]
    fn grow(&mut self) {
        let full = std::mem::replace(&mut self.newest, Vec::with_capacity(CHUNK));
        if !full.is_empty() {
            let older = self.older.take();
            self.older = Some(Box::new(Chunk { slots: full, older }));
            self.older_len += CHUNK;
        }
    }

    /// The slot at `position`, if it was registered: inline, in `newest`, or found by
    /// stepping back through the full chunks (a step per [`CHUNK`] cleanups).
    fn slot(&mut self, position: usize) -> Option<&mut Option<Cleanup<'a>>> {
        if position >= self.len {
            return None;
        }
        let Some(position) = position.checked_sub(INLINE) else {
            return self.inline.get_mut(position);
        };
        if let Some(index) = position.checked_sub(self.older_len) {
            return self.newest.get_mut(index);
        }
        let steps = (self.older_len - 1 - position) / CHUNK;
        let mut chunk = self.older.as_deref_mut()?;
        for _ in 0..steps {
            chunk = chunk.older.as_deref_mut()?;
        }
        chunk.slots.get_mut(position % CHUNK)
    }

    /// Takes the chunks out, newest first, with the position of each one's first slot
    /// (the inline slots stay).
    fn pop_chunk(&mut self) -> Option<(usize, Slots<'a>)> {
        if self.newest.is_empty() {
            let chunk = *self.older.take()?;
            self.older = chunk.older;
            self.older_len -= CHUNK;
            self.newest = chunk.slots;
        }
        Some((INLINE + self.older_len, std::mem::take(&mut self.newest)))
    }

    /// How many slots still hold a cleanup.
    fn pending(&self) -> usize {
        let mut pending = self.inline.iter().flatten().count();
        pending += self.newest.iter().flatten().count();
        let mut chunk = self.older.as_deref();
        while let Some(full) = chunk {
            pending += full.slots.iter().flatten().count();
            chunk = full.older.as_deref();
        }
        pending
    }
}

impl Drop for Cleanups<'_> {
    /// Drops a long chain one link at a time, not recursively.
    fn drop(&mut self) {
        let mut older = self.older.take();
        while let Some(mut chunk) = older {
            older = chunk.older.take();
        }
    }
}

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
/// # extern crate cement_core as cement;
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
/// # extern crate cement_core as cement;
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
/// Each cleanup is one boxed closure (a closure that captures nothing is not
/// allocated). The first four are kept in the `Defer` itself; later ones in chunks of
/// 62, so a `Defer` never copies its cleanups to grow. A handle reaches its cleanup in
/// one step per 62 cleanups registered after it. For a single cleanup that is known
/// where it is written, [`defer!`](crate::defer!) costs no more than a hand-written
/// `Drop`.
pub struct Defer<'a> {
    cleanups: RefCell<Cleanups<'a>>,
    /// How many cleanups were registered before the last [`Defer::release`].
    released: Cell<usize>,
}

impl<'a> Defer<'a> {
    /// An empty scope.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let d = cement::Defer::new();
    /// d.defer(|| println!("runs when `d` is dropped"));
    /// ```
    pub fn new() -> Defer<'a> {
        // Wrap the panic hook now: it cannot be done once unwinding has begun.
        QuietPanics::install();
        Defer {
            cleanups: RefCell::new(Cleanups::default()),
            released: Cell::new(0),
        }
    }

    /// Defers `f` to the end of the scope; it runs before everything deferred
    /// earlier. The handle can [`release`](DeferHandle::release) it or
    /// [`run_now`](DeferHandle::run_now); dropping the handle keeps the cleanup.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let mut closed = false;
    /// {
    ///     let d = cement::Defer::new();
    ///     d.defer(|| closed = true);
    /// }
    /// assert!(closed);
    /// ```
    #[inline]
    pub fn defer(&self, f: impl FnOnce() + 'a) -> DeferHandle<'_, 'a> {
        let mut cleanups = self.cleanups.borrow_mut();
        let number = self.released.get() + cleanups.len;
        cleanups.push(Box::new(f));
        DeferHandle {
            defer: self,
            number,
        }
    }

    /// Success: nothing deferred so far will run (the closures are dropped). A
    /// cleanup deferred after this still runs at scope end.
    ///
    /// ```
    /// # extern crate cement_core as cement;
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
        self.released.set(self.released.get() + released.len);
        // Dropped outside the borrow: a captured value's `Drop` may defer again.
        drop(released);
    }

    /// Takes cleanup `number` out, if it is still pending.
    fn take(&self, number: usize) -> Option<Cleanup<'a>> {
        let position = number.checked_sub(self.released.get())?;
        self.cleanups.borrow_mut().slot(position)?.take()
    }
}

impl Default for Defer<'_> {
    fn default() -> Self {
        Defer::new()
    }
}

impl fmt::Debug for Defer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pending = self.cleanups.borrow().pending();
        f.debug_struct("Defer").field("pending", &pending).finish()
    }
}

impl Drop for Defer<'_> {
    fn drop(&mut self) {
        let cleanups = self.cleanups.get_mut();
        if cleanups.len == 0 {
            return;
        }
        let released = self.released.get();
        let mut run = RunLastFirst {
            unwinding: std::thread::panicking(),
            first_panic: None,
        };
        let quiet = QuietPanics::enter();
        if cleanups.len > INLINE {
            while let Some((first, mut chunk)) = cleanups.pop_chunk() {
                while let Some(slot) = chunk.pop() {
                    if let Some(cleanup) = slot {
                        run.one(cleanup, released + first + chunk.len() + 1);
                    }
                }
            }
        }
        for (index, slot) in cleanups.inline.iter_mut().enumerate().rev() {
            if let Some(cleanup) = slot.take() {
                run.one(cleanup, released + index + 1);
            }
        }
        drop(quiet);
        if let Some(payload) = run.first_panic {
            panic::resume_unwind(payload);
        }
    }
}

/// Runs a `Defer`'s cleanups at its end, each one isolated from the others' panics.
struct RunLastFirst {
    unwinding: bool,
    /// The payload to continue with once all have run (none while unwinding).
    first_panic: Option<Box<dyn Any + Send>>,
}

impl RunLastFirst {
    /// Runs cleanup `number` (counted from 1, for the report).
    #[inline]
    fn one(&mut self, cleanup: Cleanup<'_>, number: usize) {
        if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(cleanup)) {
            self.panicked(payload, number);
        }
    }

    #[cold]
    fn panicked(&mut self, payload: Box<dyn Any + Send>, number: usize) {
        let failure = Failure::Panicked(report::panic_message(&*payload));
        report::report(&format_args!("deferred cleanup #{number}"), &failure);
        if !self.unwinding && self.first_panic.is_none() {
            self.first_panic = Some(payload);
        }
    }
}

/// One cleanup deferred by [`Defer::defer`].
///
/// Dropping the handle keeps the cleanup; it runs at scope end.
///
/// ```
/// # extern crate cement_core as cement;
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
    /// # extern crate cement_core as cement;
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
    /// # extern crate cement_core as cement;
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
/// # extern crate cement_core as cement;
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
/// # extern crate cement_core as cement;
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
    /// # extern crate cement_core as cement;
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
        if let Err(failure) = report::catch(f) {
            report::report(&"guard", &failure);
        }
    }
}

/// Runs the block when the enclosing scope ends, normally or by unwinding: Go's
/// `defer`, as a zero-cost guard. Several in one scope run last first.
///
/// ```
/// # extern crate cement_core as cement;
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

    use super::{guard, Defer, DeferHandle, CHUNK, INLINE};
    use crate::report;

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
        assert_eq!(report::panic_message(&*payload), "second boom");
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
        assert_eq!(report::panic_message(&*payload), "body failed");
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

    /// Enough cleanups to fill the inline slots and several chunks, and start another.
    const MANY: usize = INLINE + 3 * CHUNK + 5;

    #[test]
    fn many_cleanups_run_last_registered_first() {
        let ran = RefCell::new(Vec::new());
        {
            let d = Defer::new();
            for i in 0..MANY {
                let ran = &ran;
                d.defer(move || ran.borrow_mut().push(i));
            }
        }
        let expected: Vec<usize> = (0..MANY).rev().collect();
        assert_eq!(ran.take(), expected);
    }

    #[test]
    fn handles_reach_cleanups_in_every_chunk() {
        let ran = RefCell::new(Vec::new());
        // Inline, the first chunk, a middle one, and the one being filled.
        let released = [0, INLINE + 1, INLINE + CHUNK + 7, MANY - 1];
        let run_now = [1, INLINE, INLINE + 2 * CHUNK, MANY - 2];
        {
            let d = Defer::new();
            let handles: Vec<DeferHandle<'_, '_>> = (0..MANY)
                .map(|i| {
                    let ran = &ran;
                    d.defer(move || ran.borrow_mut().push(i))
                })
                .collect();
            for (i, handle) in handles.into_iter().enumerate() {
                if released.contains(&i) {
                    handle.release();
                } else if run_now.contains(&i) {
                    handle.run_now();
                }
            }
            assert_eq!(ran.take(), run_now);
            assert_eq!(
                format!("{d:?}"),
                format!("Defer {{ pending: {} }}", MANY - 8)
            );
        }
        let expected: Vec<usize> = (0..MANY)
            .rev()
            .filter(|i| !released.contains(i) && !run_now.contains(i))
            .collect();
        assert_eq!(ran.take(), expected);
    }

    #[test]
    fn release_all_of_many_then_handles_count_from_the_release() {
        let ran = RefCell::new(Vec::new());
        {
            let d = Defer::new();
            let early = d.defer(|| ran.borrow_mut().push("released early"));
            for _ in 1..MANY {
                d.defer(|| ran.borrow_mut().push("released"));
            }
            d.release();
            let kept: Vec<_> = (0..INLINE + CHUNK + 1)
                .map(|_| d.defer(|| ran.borrow_mut().push("kept")))
                .collect();
            early.run_now(); // released with the rest: nothing to run
            let mut kept = kept.into_iter();
            kept.next().expect("one kept").run_now();
            kept.last().expect("one kept").release();
            assert_eq!(ran.take(), ["kept"]);
            assert_eq!(
                format!("{d:?}"),
                format!("Defer {{ pending: {} }}", INLINE + CHUNK - 1)
            );
        }
        assert_eq!(ran.take().len(), INLINE + CHUNK - 1);
    }

    #[test]
    fn panicking_cleanups_in_different_chunks_do_not_skip_the_others() {
        let count = std::cell::Cell::new(0);
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            let d = Defer::new();
            for i in 0..MANY {
                let count = &count;
                d.defer(move || {
                    count.set(count.get() + 1);
                    if i == 1 || i == INLINE + CHUNK + 3 {
                        panic!("cleanup {i} failed");
                    }
                });
            }
        }));
        assert_eq!(count.get(), MANY);
        let payload = result.expect_err("the first panic continues");
        let first = format!("cleanup {} failed", INLINE + CHUNK + 3);
        assert_eq!(report::panic_message(&*payload), first);
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
        assert_eq!(report::panic_message(&*payload), "body failed");
    }
}
