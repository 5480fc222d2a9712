//! Shutdown requests (SPEC §7): the body is asked to stop, and close waits for it.
//!
//! Rust cannot interrupt a thread the way Cement raises an exception in Python's main
//! thread, so a caught signal *asks*: [`App::request_shutdown`] sets a flag, wakes
//! every blocking waiter and every [`ShutdownRequested`] future. A body that has asked
//! for its shutdown state (it "cooperates") is given the grace to return; close then
//! runs on the thread that ran it, as on any return. A body that never asked is closed
//! at once from the signal-watching thread, as before.
//!
//! This file also holds the whole signal path ([`on_caught_signal`]), the one entry
//! through which the platform's signal code reaches an App, and the bookkeeping that
//! decides which thread ends the process, so that two threads never race to `exit`.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::exit;
use crate::hooks::Hook;
use crate::lock;
use crate::signals::Signal;
use crate::App;

/// The grace a cooperating body gets to return after a caught signal, unless the
/// builder or `shutdown_grace_ms` says otherwise.
pub(crate) const DEFAULT_GRACE: Duration = Duration::from_secs(10);

/// An App's shutdown state. Tokens and futures share [`Requests`] (and so never keep
/// the App itself alive); the body bookkeeping is the App's alone.
pub(crate) struct Shutdown {
    requests: Arc<Requests>,
    /// Whether anything asked this App for its shutdown state.
    cooperating: AtomicBool,
    grace: Duration,
    bodies: Mutex<Bodies>,
    body_returned: Condvar,
}

/// Who is in [`App::run`], and whether the signal path has taken the end of the
/// process over.
#[derive(Default)]
struct Bodies {
    /// Bodies running in [`App::run`] now.
    running: usize,
    /// The signal-watching thread closes the App and ends the process: every other
    /// thread that reaches the end of `run` or `close` waits for that instead of
    /// going on (a `main` returning would race it to `exit`).
    ended_by_signal_path: bool,
}

/// The request itself, shared with tokens and futures.
struct Requests {
    requested: AtomicBool,
    waiters: Mutex<Waiters>,
    /// Blocking waiters ([`ShutdownToken::wait`]) wait on it with `waiters`' lock.
    woken: Condvar,
}

/// Wakers of pending [`ShutdownRequested`] futures, by key.
#[derive(Default)]
struct Waiters {
    next_key: u64,
    wakers: Vec<(u64, Waker)>,
}

thread_local! {
    /// This thread runs the signal path: it must never wait for the process to end.
    static ON_SIGNAL_PATH: Cell<bool> = const { Cell::new(false) };
}

impl Shutdown {
    pub(crate) fn new(grace: Duration) -> Shutdown {
        Shutdown {
            requests: Arc::new(Requests {
                requested: AtomicBool::new(false),
                waiters: Mutex::default(),
                woken: Condvar::new(),
            }),
            cooperating: AtomicBool::new(false),
            grace,
            bodies: Mutex::default(),
            body_returned: Condvar::new(),
        }
    }

    pub(crate) fn grace(&self) -> Duration {
        self.grace
    }

    /// Something asked for the shutdown state: the body cooperates. A flag set once,
    /// so [`App::is_shutdown_requested`] stays lock-free. `SeqCst`, paired with the
    /// signal path's request-then-check, so that either the signal path sees the body
    /// cooperate or the body sees the request.
    #[inline]
    fn cooperate(&self) {
        if !self.cooperating.load(Ordering::Relaxed) {
            self.cooperating.store(true, Ordering::SeqCst);
        }
    }

    /// A body enters [`App::run`]; it has left when the guard drops (it returned, or
    /// it is unwinding).
    pub(crate) fn body_running(&self) -> BodyRunning<'_> {
        lock(&self.bodies).running += 1;
        BodyRunning(self)
    }

    /// A body left [`App::run`]. If the signal path has taken the end of the process
    /// over, this thread waits for it instead of going on.
    fn body_returned(&self) {
        let mut bodies = lock(&self.bodies);
        bodies.running -= 1;
        let ended = bodies.ended_by_signal_path;
        drop(bodies);
        self.body_returned.notify_all();
        if ended {
            wait_for_the_process_to_end();
        }
    }

    /// Called where `close` returns: if the signal path ends the process, this thread
    /// (not the one running the signal path) waits for it instead of going on.
    pub(crate) fn wait_if_ended_by_signal_path(&self) {
        if lock(&self.bodies).ended_by_signal_path && !ON_SIGNAL_PATH.with(Cell::get) {
            wait_for_the_process_to_end();
        }
    }
}

/// A body in [`App::run`]; see [`Shutdown::body_running`].
pub(crate) struct BodyRunning<'a>(&'a Shutdown);

impl Drop for BodyRunning<'_> {
    fn drop(&mut self) {
        self.0.body_returned();
    }
}

/// Blocks this thread for good: another thread is ending the process. A sleep, not
/// `std::thread::park`, which would build the thread's handle and bring std's thread
/// machinery into every binary.
fn wait_for_the_process_to_end() -> ! {
    loop {
        std::thread::sleep(Duration::from_secs(u64::MAX));
    }
}

/// Asks the body to stop. Idempotent.
impl Requests {
    fn request(&self) {
        if self.requested.swap(true, Ordering::SeqCst) {
            return;
        }
        let wakers = {
            let mut waiters = lock(&self.waiters);
            // Under the lock, so a blocking waiter between its check and its wait
            // cannot miss it.
            self.woken.notify_all();
            std::mem::take(&mut waiters.wakers)
        };
        for (_, waker) in wakers {
            waker.wake();
        }
    }

    #[inline]
    fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    fn wait(&self, timeout: Option<Duration>) -> bool {
        if self.is_requested() {
            return true;
        }
        let waiters = lock(&self.waiters);
        let not_yet = |_: &mut Waiters| !self.is_requested();
        match timeout {
            None => drop(self.woken.wait_while(waiters, not_yet)),
            Some(timeout) => drop(self.woken.wait_timeout_while(waiters, timeout, not_yet)),
        }
        self.is_requested()
    }
}

impl App {
    /// Asks the body to stop: [`is_shutdown_requested`](App::is_shutdown_requested)
    /// turns true, [`wait_for_shutdown`](App::wait_for_shutdown) returns and
    /// [`shutdown_requested`](App::shutdown_requested) futures resolve. Idempotent;
    /// the exit code is unchanged and nothing closes: the body returns and close runs
    /// as on any return. A caught signal calls this after its `signal` hooks.
    ///
    /// ```
    /// let app = cement::App::new("demo");
    /// let token = app.shutdown_token();
    /// app.request_shutdown();
    /// assert!(token.is_requested());
    /// assert_eq!(app.exit_code(), 0);
    /// ```
    pub fn request_shutdown(&self) {
        self.shutdown().requests.request();
    }

    /// Whether shutdown was requested: one atomic load, for loops.
    ///
    /// Calling it marks the body as cooperating: on a caught signal, close then waits
    /// (up to the grace) for the body to return instead of running beside it.
    ///
    /// ```
    /// let app = cement::App::new("worker");
    /// app.run(|app| {
    ///     let mut batches = 0;
    ///     while !app.is_shutdown_requested() {
    ///         batches += 1; // one unit of work
    ///         if batches == 3 {
    ///             app.request_shutdown(); // what a caught signal does
    ///         }
    ///     }
    ///     assert_eq!(batches, 3);
    /// });
    /// app.close();
    /// ```
    #[inline]
    pub fn is_shutdown_requested(&self) -> bool {
        let shutdown = self.shutdown();
        shutdown.cooperate();
        shutdown.requests.is_requested()
    }

    /// Blocks until shutdown is requested (`true`) or `timeout` passes (`false`);
    /// `None` waits as long as it takes. Marks the body as cooperating.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let app = cement::App::new("demo");
    /// assert!(!app.wait_for_shutdown(Some(Duration::from_millis(1))));
    /// app.request_shutdown();
    /// assert!(app.wait_for_shutdown(None));
    /// ```
    pub fn wait_for_shutdown(&self, timeout: Option<Duration>) -> bool {
        self.shutdown().cooperate();
        self.shutdown().requests.wait(timeout)
    }

    /// A future that resolves once shutdown is requested. It is tied to no runtime
    /// (tokio, smol or a hand-made executor all poll it) and holds no borrow of the
    /// App: it is what a server's graceful shutdown takes. Marks the body as
    /// cooperating.
    ///
    /// ```
    /// # fn block_on(future: impl std::future::Future<Output = ()>) {
    /// #     use std::task::{Context, Poll, Wake, Waker};
    /// #     struct Unpark(std::thread::Thread);
    /// #     impl Wake for Unpark { fn wake(self: std::sync::Arc<Self>) { self.0.unpark() } }
    /// #     let waker = Waker::from(std::sync::Arc::new(Unpark(std::thread::current())));
    /// #     let mut future = std::pin::pin!(future);
    /// #     while future.as_mut().poll(&mut Context::from_waker(&waker)).is_pending() {
    /// #         std::thread::park();
    /// #     }
    /// # }
    /// let app = cement::App::new("server");
    /// let stop = app.shutdown_requested();
    /// let token = app.shutdown_token();
    /// std::thread::spawn(move || token.request());
    /// block_on(stop); // with tokio: `axum::serve(..).with_graceful_shutdown(stop)`
    /// ```
    pub fn shutdown_requested(&self) -> ShutdownRequested {
        self.shutdown_token().requested()
    }

    /// A handle to this App's shutdown state for threads and tasks: cheap to clone,
    /// `'static`, and it does not keep the App alive. Marks the body as cooperating.
    ///
    /// ```
    /// let app = cement::App::new("demo");
    /// let token = app.shutdown_token();
    /// let worker = std::thread::spawn({
    ///     let token = token.clone();
    ///     move || {
    ///         let mut rounds = 0;
    ///         while !token.wait(Some(std::time::Duration::from_millis(10))) {
    ///             rounds += 1;
    ///         }
    ///         rounds
    ///     }
    /// });
    /// app.request_shutdown();
    /// worker.join().unwrap();
    /// assert!(token.is_requested());
    /// ```
    pub fn shutdown_token(&self) -> ShutdownToken {
        self.shutdown().cooperate();
        ShutdownToken {
            requests: Arc::clone(&self.shutdown().requests),
        }
    }

    /// What a caught `signal` does before close, on the calling thread and without
    /// the OS, for tests: 1. the exit code becomes 128 + the signal's number unless a
    /// non-zero code is set; 2. the `signal` hooks run; 3. shutdown is requested.
    /// It never closes the App or ends the process: close follows when the body
    /// returns (in a `#[cement::test]`, the test's close).
    ///
    /// ```
    /// use cement::{App, Hook, Signal};
    ///
    /// let app = App::new("demo");
    /// app.register_hook(Hook::Signal, 0, |app: &App| {
    ///     println!("got {}", app.received_signal().unwrap());
    /// });
    /// app.setup();
    /// app.run(|app| {
    ///     app.deliver_signal(Signal::TERM);
    ///     assert!(app.is_shutdown_requested());
    /// });
    /// assert_eq!(app.close(), 143);
    /// ```
    pub fn deliver_signal(&self, signal: Signal) {
        self.set_received_signal(signal);
        // Set before any user code runs, so a close that another thread starts
        // meanwhile (a body woken by a signal hook, returning) ends with it too.
        self.set_code_unless_set(signal.exit_code());
        self.run_hooks(Hook::Signal, Some(signal));
        self.request_shutdown();
    }
}

/// The signal path of SPEC §7 for a signal the OS delivered, on the thread that
/// watches for signals: steps 1 to 3 ([`App::deliver_signal`]), then close, now or
/// once a cooperating body has returned.
///
/// Returns the code to end the process with when this thread must end it; `None`
/// when the body returned within its grace, so that its thread closes the App and
/// ends the process as on any return (`main`'s destructors and atexit handlers run).
///
/// `budget`, where the OS ends the process on its own after a while, caps the grace.
pub(crate) fn on_caught_signal(app: &App, signal: Signal, budget: Option<Duration>) -> Option<i32> {
    ON_SIGNAL_PATH.with(|on| on.set(true));
    app.deliver_signal(signal);
    let shutdown = app.shutdown();
    let mut bodies = lock(&shutdown.bodies);
    // SeqCst, after the request's SeqCst swap: see `Shutdown::cooperate`.
    if bodies.running > 0 && shutdown.cooperating.load(Ordering::SeqCst) {
        let grace = budget.map_or(shutdown.grace, |budget| budget.min(shutdown.grace));
        bodies = shutdown
            .body_returned
            .wait_timeout_while(bodies, grace, |bodies| bodies.running > 0)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
        if bodies.running == 0 {
            return None;
        }
        exit::report_line(&format_args!(
            "the body did not return within the shutdown grace of {} after {signal}; \
             closing now",
            crate::deadline::ShortDuration(grace)
        ));
    }
    bodies.ended_by_signal_path = true;
    drop(bodies);
    Some(app.close())
}

/// A handle to an App's shutdown state, from [`App::shutdown_token`]: `Clone + Send +
/// Sync + 'static`, for threads and tasks. It does not keep the App alive.
///
/// ```
/// let app = cement::App::new("demo");
/// let token = app.shutdown_token();
/// assert!(!token.is_requested());
/// token.clone().request();
/// assert!(token.is_requested() && app.is_shutdown_requested());
/// ```
#[derive(Clone)]
pub struct ShutdownToken {
    requests: Arc<Requests>,
}

impl ShutdownToken {
    /// Whether shutdown was requested: one atomic load.
    ///
    /// ```
    /// let token = cement::App::new("demo").shutdown_token();
    /// assert!(!token.is_requested());
    /// ```
    #[inline]
    pub fn is_requested(&self) -> bool {
        self.requests.is_requested()
    }

    /// Blocks until shutdown is requested (`true`) or `timeout` passes (`false`);
    /// `None` waits as long as it takes.
    ///
    /// ```
    /// let token = cement::App::new("demo").shutdown_token();
    /// assert!(!token.wait(Some(std::time::Duration::from_millis(1))));
    /// ```
    pub fn wait(&self, timeout: Option<Duration>) -> bool {
        self.requests.wait(timeout)
    }

    /// A future that resolves once shutdown is requested; see
    /// [`App::shutdown_requested`].
    ///
    /// ```
    /// let token = cement::App::new("demo").shutdown_token();
    /// let stop = token.requested();
    /// token.request();
    /// # drop(stop);
    /// ```
    pub fn requested(&self) -> ShutdownRequested {
        ShutdownRequested {
            requests: Arc::clone(&self.requests),
            key: None,
        }
    }

    /// Asks the body to stop, as [`App::request_shutdown`] does.
    ///
    /// ```
    /// let app = cement::App::new("demo");
    /// app.shutdown_token().request();
    /// assert!(app.is_shutdown_requested());
    /// ```
    pub fn request(&self) {
        self.requests.request();
    }
}

impl fmt::Debug for ShutdownToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShutdownToken")
            .field("requested", &self.is_requested())
            .finish()
    }
}

/// A future that resolves once an App's shutdown is requested, from
/// [`App::shutdown_requested`] or [`ShutdownToken::requested`].
///
/// It needs no particular runtime: it keeps its task's waker and wakes it when the
/// request comes. `Send`, `Unpin` and `'static`.
///
/// ```
/// fn assert_future<F: std::future::Future<Output = ()> + Send + Unpin + 'static>(_: F) {}
/// assert_future(cement::App::new("demo").shutdown_requested());
/// ```
#[must_use = "a future does nothing unless polled"]
pub struct ShutdownRequested {
    requests: Arc<Requests>,
    /// Its entry in the waker list, once it was polled and found pending.
    key: Option<u64>,
}

impl Future for ShutdownRequested {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.requests.is_requested() {
            this.forget_waker();
            return Poll::Ready(());
        }
        let mut waiters = lock(&this.requests.waiters);
        // Checked again under the lock: `request` takes the wakers under it.
        if this.requests.is_requested() {
            drop(waiters);
            this.forget_waker();
            return Poll::Ready(());
        }
        let Waiters { next_key, wakers } = &mut *waiters;
        match this
            .key
            .and_then(|key| wakers.iter_mut().find(|(k, _)| *k == key))
        {
            Some((_, waker)) => {
                if !waker.will_wake(cx.waker()) {
                    *waker = cx.waker().clone();
                }
            }
            None => {
                *next_key += 1;
                wakers.push((*next_key, cx.waker().clone()));
                this.key = Some(*next_key);
            }
        }
        Poll::Pending
    }
}

impl ShutdownRequested {
    fn forget_waker(&mut self) {
        if let Some(key) = self.key.take() {
            let mut waiters = lock(&self.requests.waiters);
            if let Some(index) = waiters.wakers.iter().position(|(k, _)| *k == key) {
                waiters.wakers.swap_remove(index);
            }
        }
    }
}

impl Drop for ShutdownRequested {
    fn drop(&mut self) {
        self.forget_waker();
    }
}

impl fmt::Debug for ShutdownRequested {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShutdownRequested")
            .field("requested", &self.requests.is_requested())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    use std::thread;
    use std::time::Duration;

    use crate::App;

    /// A hand-made `block_on`: polls on this thread, parks until woken.
    fn block_on<F: Future + Unpin>(mut future: F) -> F::Output {
        struct Unpark(thread::Thread);
        impl Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(Unpark(thread::current())));
        let mut cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(output) = Pin::new(&mut future).poll(&mut cx) {
                return output;
            }
            thread::park();
        }
    }

    #[test]
    fn the_future_resolves_under_a_hand_made_block_on_when_another_thread_requests() {
        let app = App::new("future");
        let stop = app.shutdown_requested();
        let token = app.shutdown_token();
        let requester = thread::spawn(move || token.request());
        block_on(stop);
        requester.join().unwrap();
        assert!(app.is_shutdown_requested());
    }

    #[test]
    fn a_future_made_after_the_request_is_ready_at_once() {
        let app = App::new("late-future");
        app.request_shutdown();
        block_on(app.shutdown_requested());
    }

    #[test]
    fn a_dropped_pending_future_leaves_no_waker_behind() {
        let app = App::new("dropped-future");
        let mut stop = app.shutdown_requested();
        let waker = Waker::from(Arc::new(Noop));
        let pending = Pin::new(&mut stop).poll(&mut Context::from_waker(&waker));
        assert!(pending.is_pending());
        assert_eq!(
            app.shutdown().requests.waiters.lock().unwrap().wakers.len(),
            1
        );
        drop(stop);
        assert!(app
            .shutdown()
            .requests
            .waiters
            .lock()
            .unwrap()
            .wakers
            .is_empty());
    }

    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }

    #[test]
    fn a_cloned_token_sees_a_request_made_on_another_thread() {
        let app = App::new("token");
        let token = app.shutdown_token();
        let clone = token.clone();
        let waiter = thread::spawn(move || clone.wait(None));
        let requester = {
            let token = token.clone();
            thread::spawn(move || token.request())
        };
        requester.join().unwrap();
        assert!(waiter.join().unwrap());
        assert!(token.is_requested());
    }

    #[test]
    fn wait_for_shutdown_times_out_without_a_request() {
        let app = App::new("timeout");
        assert!(!app.wait_for_shutdown(Some(Duration::from_millis(20))));
        assert!(!app.is_shutdown_requested());
    }

    #[test]
    fn asking_for_the_shutdown_state_marks_the_body_as_cooperating() {
        let app = App::new("cooperating");
        app.request_shutdown();
        assert!(!app
            .shutdown()
            .cooperating
            .load(std::sync::atomic::Ordering::SeqCst));
        assert!(app.is_shutdown_requested());
        assert!(app
            .shutdown()
            .cooperating
            .load(std::sync::atomic::Ordering::SeqCst));
    }

    #[test]
    fn request_shutdown_leaves_the_code_alone_and_deliver_signal_sets_it() {
        let app = App::new("deliver");
        app.request_shutdown();
        assert_eq!(app.exit_code(), 0);
        let app = App::new("deliver-2");
        app.deliver_signal(crate::Signal::INT);
        let code = crate::Signal::INT.exit_code(); // 130, or 0xC000013A on Windows
        assert_eq!((app.exit_code(), app.is_shutdown_requested()), (code, true));
        let app = App::new("deliver-3");
        app.set_exit_code(4);
        app.deliver_signal(crate::Signal::TERM);
        assert_eq!(app.close(), 4);
    }
}
