//! Shutdown requests: the request itself, the [`ShutdownToken`] threads and tasks
//! hold, and the [`ShutdownRequested`] future, tied to no runtime.
//!
//! Rust cannot interrupt a thread the way Cement raises an exception in Python's main
//! thread, so a caught signal *asks*: the request sets a flag and wakes every
//! blocking waiter and every pending future. Which body cooperates and what a signal
//! does with it is the App's (`app/shutdown.rs`) and its lifecycle's to decide.

use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::lock;

/// The grace a cooperating body gets to return after a caught signal, unless the
/// builder or `shutdown_grace_ms` says otherwise.
pub(crate) const DEFAULT_GRACE: Duration = Duration::from_secs(10);

/// An App's shutdown state. Tokens and futures share its [`Requests`], and so never
/// keep the App itself alive.
pub(crate) struct Shutdown {
    shared: Arc<Shared<()>>,
    /// Whether anything asked this App for its shutdown state.
    cooperating: AtomicBool,
    grace: Duration,
}

/// A request and what it belongs to, in one allocation: an App's shutdown (`T =
/// ()`) or a supervised task's stop request (`T` is the task). Tokens and futures
/// hold it as `Arc<Shared<dyn Send + Sync>>`, so that one token type serves both and
/// a task costs one allocation of cement's.
pub(crate) struct Shared<T: ?Sized> {
    pub(crate) requests: Requests,
    owner: T,
}

impl<T> Shared<T> {
    pub(crate) fn new(owner: T) -> Arc<Shared<T>> {
        Arc::new(Shared {
            requests: Requests::new(),
            owner,
        })
    }
}

impl<T: ?Sized> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.owner
    }
}

/// A one-time event that threads wait for and futures await: an App's shutdown, a
/// task's stop request, a task's end.
pub(crate) struct Requests {
    requested: AtomicBool,
    /// Which waiters ever counted themselves in `waiters` ([`WAKERS`], [`BLOCKED`],
    /// [`ENDS`]): set under its lock before the waiter checks its event there, so
    /// that a request finding none has no one to wake and takes no lock, and a
    /// task's end takes none unless something ever waited for it (`SeqCst` on both
    /// sides).
    watched: AtomicU8,
    waiters: Mutex<Waiters>,
    /// Blocking waiters ([`ShutdownToken::wait`]) wait on it with `waiters`' lock.
    woken: Condvar,
}

/// A [`Requests::watched`] bit: a [`ShutdownRequested`] future kept its waker.
const WAKERS: u8 = 1;
/// A [`Requests::watched`] bit: a thread blocked in [`Requests::wait_until`].
const BLOCKED: u8 = 2;
/// A [`Requests::watched`] bit: a future awaiting its owner's other event (a task's
/// end) kept its waker, through [`Requests::poll_until`].
const ENDS: u8 = 4;

/// Wakers of pending futures, by key: [`ShutdownRequested`]'s, and those of
/// [`Requests::poll_until`] (one list: the request wakes both kinds, and so does the
/// other event, a spurious wake for a future that awaits the request).
#[derive(Default)]
struct Waiters {
    next_key: u64,
    /// The first pending future's, kept inline: a task's token usually has one.
    first: Option<(u64, Waker)>,
    more: Vec<(u64, Waker)>,
    /// Threads blocked in [`Requests::wait`]: a request wakes them only if there
    /// are any (a condvar's `notify_all` is a system call even when none waits).
    blocked: usize,
}

impl Waiters {
    fn find(&mut self, key: u64) -> Option<&mut Waker> {
        match &mut self.first {
            Some((k, waker)) if *k == key => Some(waker),
            _ => self
                .more
                .iter_mut()
                .find(|(k, _)| *k == key)
                .map(|(_, waker)| waker),
        }
    }

    /// Keeps `waker`; its key.
    fn add(&mut self, waker: Waker) -> u64 {
        self.next_key += 1;
        let entry = (self.next_key, waker);
        match self.first {
            None => self.first = Some(entry),
            Some(_) => self.more.push(entry),
        }
        self.next_key
    }

    fn remove(&mut self, key: u64) {
        if matches!(self.first, Some((k, _)) if k == key) {
            self.first = None;
        } else if let Some(index) = self.more.iter().position(|(k, _)| *k == key) {
            self.more.swap_remove(index);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.more.len()
    }
}

impl Shutdown {
    pub(crate) fn new(grace: Duration) -> Shutdown {
        Shutdown {
            shared: Shared::new(()),
            cooperating: AtomicBool::new(false),
            grace,
        }
    }

    pub(crate) fn grace(&self) -> Duration {
        self.grace
    }

    /// Something asked for the shutdown state: the body cooperates. A flag set once,
    /// so [`is_requested`](Shutdown::is_requested) stays lock-free. `SeqCst`, paired
    /// with the signal path's request-then-check, so that either the signal path sees
    /// the body cooperate or the body sees the request.
    #[inline]
    pub(crate) fn cooperate(&self) {
        if !self.cooperating.load(Ordering::Relaxed) {
            self.cooperating.store(true, Ordering::SeqCst);
        }
    }

    /// Whether the body asked for its shutdown state; `SeqCst`, after the request.
    pub(crate) fn is_cooperating(&self) -> bool {
        self.cooperating.load(Ordering::SeqCst)
    }

    pub(crate) fn request(&self) {
        self.shared.requests.request();
    }

    #[inline]
    pub(crate) fn is_requested(&self) -> bool {
        self.shared.requests.is_requested()
    }

    pub(crate) fn wait(&self, timeout: Option<Duration>) -> bool {
        self.shared.requests.wait(timeout)
    }

    pub(crate) fn token(&self) -> ShutdownToken {
        ShutdownToken::of(Arc::clone(&self.shared) as _)
    }
}

impl Requests {
    pub(crate) fn new() -> Requests {
        Requests {
            requested: AtomicBool::new(false),
            watched: AtomicU8::new(0),
            waiters: Mutex::default(),
            woken: Condvar::new(),
        }
    }

    /// Makes the request and wakes its waiters. Idempotent.
    pub(crate) fn request(&self) {
        if self.requested.swap(true, Ordering::SeqCst) || self.watched.load(Ordering::SeqCst) == 0 {
            return;
        }
        self.wake(true);
    }

    /// Wakes the blocked threads, and every kept waker if `wakers`. A waiter counts
    /// itself or keeps its waker, and checks its event, under `waiters`' lock: so
    /// either it sees the event or it is found here and woken.
    fn wake(&self, wakers: bool) {
        let (blocked, first, more) = {
            let mut waiters = lock(&self.waiters);
            match wakers {
                true => {
                    let more = std::mem::take(&mut waiters.more);
                    (waiters.blocked, waiters.first.take(), more)
                }
                false => (waiters.blocked, None, Vec::new()),
            }
        };
        // After the lock is released, so the woken threads do not block on it.
        if blocked > 0 {
            self.woken.notify_all();
        }
        if let Some((_, waker)) = first {
            waker.wake();
        }
        for (_, waker) in more {
            waker.wake();
        }
    }

    #[inline]
    pub(crate) fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// A waiter is about to count itself in: called under `waiters`' lock, before
    /// it checks `requested` there. Its own `SeqCst` store each time, even if set
    /// already: the pairing with `request` needs this waiter's store before its
    /// check.
    fn watch(&self, waiter: u8) {
        self.watched.fetch_or(waiter, Ordering::SeqCst);
    }

    /// Blocks until the request (`true`) or until `timeout` passes (`false`).
    pub(crate) fn wait(&self, timeout: Option<Duration>) -> bool {
        self.wait_until(timeout, || self.is_requested())
    }

    /// Blocks until `happened` (`true`) or until `timeout` passes (`false`): the
    /// request, or another event of its owner's (a task's end), set `SeqCst` and
    /// followed by [`wake_blocked`](Requests::wake_blocked).
    pub(crate) fn wait_until(
        &self,
        timeout: Option<Duration>,
        happened: impl Fn() -> bool,
    ) -> bool {
        if happened() {
            return true;
        }
        let mut waiters = lock(&self.waiters);
        self.watch(BLOCKED);
        waiters.blocked += 1;
        let not_yet = |_: &mut Waiters| !happened();
        let mut waiters = match timeout {
            None => self.woken.wait_while(waiters, not_yet),
            Some(timeout) => match self.woken.wait_timeout_while(waiters, timeout, not_yet) {
                Ok((waiters, _)) => Ok(waiters),
                Err(poisoned) => Ok(poisoned.into_inner().0),
            },
        }
        .unwrap_or_else(PoisonError::into_inner);
        waiters.blocked -= 1;
        happened()
    }

    /// Wakes the threads blocked in [`wait_until`](Requests::wait_until) and the
    /// futures of [`poll_until`](Requests::poll_until), if any, to check their event
    /// again. No lock unless one ever waited.
    pub(crate) fn wake_blocked(&self) {
        let watched = self.watched.load(Ordering::SeqCst);
        if watched & (BLOCKED | ENDS) != 0 {
            self.wake(watched & ENDS != 0);
        }
    }

    /// Polls for `happened`, an event of the owner's other than the request (a
    /// task's end), set `SeqCst` and followed by
    /// [`wake_blocked`](Requests::wake_blocked): ready once it happened, else the
    /// waker is kept under `key` (its entry, kept across polls). A spurious wake
    /// (the request wakes it too) only polls it again.
    pub(crate) fn poll_until(
        &self,
        key: &mut Option<u64>,
        cx: &mut Context<'_>,
        happened: impl Fn() -> bool,
    ) -> Poll<()> {
        if happened() {
            self.forget(key);
            return Poll::Ready(());
        }
        let mut waiters = lock(&self.waiters);
        self.watch(ENDS);
        // Checked again under the lock: `wake_blocked` takes the wakers under it.
        if happened() {
            if let Some(key) = key.take() {
                waiters.remove(key);
            }
            return Poll::Ready(());
        }
        match key.and_then(|key| waiters.find(key)) {
            Some(waker) => {
                if !waker.will_wake(cx.waker()) {
                    *waker = cx.waker().clone();
                }
            }
            None => *key = Some(waiters.add(cx.waker().clone())),
        }
        Poll::Pending
    }

    /// How many wakers it keeps.
    #[cfg(test)]
    pub(crate) fn waiters_len(&self) -> usize {
        lock(&self.waiters).len()
    }

    /// Removes the waker kept under `key` by [`poll_until`](Requests::poll_until),
    /// unless a wake took it.
    pub(crate) fn forget(&self, key: &mut Option<u64>) {
        if let Some(key) = key.take() {
            lock(&self.waiters).remove(key);
        }
    }
}

/// A handle to an App's shutdown state, from
/// [`App::shutdown_token`](crate::App::shutdown_token): `Clone + Send + Sync +
/// 'static`, for threads and tasks. It does not keep the App alive.
///
/// ```
/// # extern crate cement_core as cement;
/// let app = cement::App::new("demo");
/// let token = app.shutdown_token();
/// assert!(!token.is_requested());
/// token.clone().request();
/// assert!(token.is_requested() && app.is_shutdown_requested());
/// ```
#[derive(Clone)]
pub struct ShutdownToken {
    shared: Arc<Shared<dyn Send + Sync>>,
}

impl ShutdownToken {
    /// The token of `shared`'s request: an App's, or a supervised task's own.
    pub(crate) fn of(shared: Arc<Shared<dyn Send + Sync>>) -> ShutdownToken {
        ShutdownToken { shared }
    }

    /// Whether shutdown was requested: one atomic load.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let token = cement::App::new("demo").shutdown_token();
    /// assert!(!token.is_requested());
    /// ```
    #[inline]
    pub fn is_requested(&self) -> bool {
        self.shared.requests.is_requested()
    }

    /// Blocks until shutdown is requested (`true`) or `timeout` passes (`false`);
    /// `None` waits as long as it takes.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let token = cement::App::new("demo").shutdown_token();
    /// assert!(!token.wait(Some(std::time::Duration::from_millis(1))));
    /// ```
    pub fn wait(&self, timeout: Option<Duration>) -> bool {
        self.shared.requests.wait(timeout)
    }

    /// A future that resolves once shutdown is requested; see
    /// [`App::shutdown_requested`](crate::App::shutdown_requested).
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let token = cement::App::new("demo").shutdown_token();
    /// let stop = token.requested();
    /// token.request();
    /// # drop(stop);
    /// ```
    pub fn requested(&self) -> ShutdownRequested {
        ShutdownRequested {
            shared: Arc::clone(&self.shared),
            key: None,
        }
    }

    /// Asks the body to stop, as [`App::request_shutdown`](crate::App::request_shutdown)
    /// does.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// app.shutdown_token().request();
    /// assert!(app.is_shutdown_requested());
    /// ```
    pub fn request(&self) {
        self.shared.requests.request();
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
/// [`App::shutdown_requested`](crate::App::shutdown_requested) or
/// [`ShutdownToken::requested`].
///
/// It needs no particular runtime: it keeps its task's waker and wakes it when the
/// request comes. `Send`, `Unpin` and `'static`.
///
/// ```
/// # extern crate cement_core as cement;
/// fn assert_future<F: std::future::Future<Output = ()> + Send + Unpin + 'static>(_: F) {}
/// assert_future(cement::App::new("demo").shutdown_requested());
/// ```
#[must_use = "a future does nothing unless polled"]
pub struct ShutdownRequested {
    shared: Arc<Shared<dyn Send + Sync>>,
    /// Its entry in the waker list, once it was polled and found pending.
    key: Option<u64>,
}

impl Future for ShutdownRequested {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        // Once requested, the request takes (or has taken) every waker kept.
        if this.shared.requests.is_requested() {
            this.key = None;
            return Poll::Ready(());
        }
        let requests = &this.shared.requests;
        let mut waiters = lock(&requests.waiters);
        requests.watch(WAKERS);
        // Checked again under the lock: `request` takes the wakers under it.
        if requests.is_requested() {
            this.key = None;
            return Poll::Ready(());
        }
        match this.key.and_then(|key| waiters.find(key)) {
            Some(waker) => {
                if !waker.will_wake(cx.waker()) {
                    *waker = cx.waker().clone();
                }
            }
            None => this.key = Some(waiters.add(cx.waker().clone())),
        }
        Poll::Pending
    }
}

impl ShutdownRequested {
    /// Removes its waker, unless the request took it.
    fn forget_waker(&mut self) {
        if let Some(key) = self.key.take() {
            if !self.shared.requests.is_requested() {
                lock(&self.shared.requests.waiters).remove(key);
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
            .field("requested", &self.shared.requests.is_requested())
            .finish()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    use std::thread;
    use std::time::Duration;

    use super::{Shutdown, DEFAULT_GRACE};

    /// A hand-made `block_on`: polls on this thread, parks until woken.
    pub(crate) fn block_on<F: Future + Unpin>(mut future: F) -> F::Output {
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
        let shutdown = Shutdown::new(DEFAULT_GRACE);
        let stop = shutdown.token().requested();
        let token = shutdown.token();
        let requester = thread::spawn(move || token.request());
        block_on(stop);
        requester.join().unwrap();
        assert!(shutdown.is_requested());
    }

    #[test]
    fn a_future_made_after_the_request_is_ready_at_once() {
        let shutdown = Shutdown::new(DEFAULT_GRACE);
        shutdown.request();
        block_on(shutdown.token().requested());
    }

    #[test]
    fn a_dropped_pending_future_leaves_no_waker_behind() {
        let shutdown = Shutdown::new(DEFAULT_GRACE);
        let mut stop = shutdown.token().requested();
        let waker = Waker::from(Arc::new(Noop));
        let pending = Pin::new(&mut stop).poll(&mut Context::from_waker(&waker));
        assert!(pending.is_pending());
        let wakers = || shutdown.shared.requests.waiters.lock().unwrap().len();
        assert_eq!(wakers(), 1);
        drop(stop);
        assert_eq!(wakers(), 0);
    }

    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }

    #[test]
    fn every_pending_future_of_a_token_is_woken_and_a_dropped_one_forgotten() {
        let shutdown = Shutdown::new(DEFAULT_GRACE);
        let counted = Arc::new(Counted::default());
        let waker = Waker::from(Arc::clone(&counted));
        let mut futures: Vec<_> = (0..3).map(|_| shutdown.token().requested()).collect();
        for future in &mut futures {
            let pending = Pin::new(future).poll(&mut Context::from_waker(&waker));
            assert!(pending.is_pending());
        }
        let wakers = || shutdown.shared.requests.waiters.lock().unwrap().len();
        assert_eq!(wakers(), 3);
        drop(futures.remove(0)); // the one kept inline
        assert_eq!(wakers(), 2);
        shutdown.request();
        assert_eq!(counted.0.load(std::sync::atomic::Ordering::SeqCst), 2);
        assert_eq!(wakers(), 0);
        for future in &mut futures {
            let ready = Pin::new(future).poll(&mut Context::from_waker(&waker));
            assert!(ready.is_ready());
        }
    }

    /// A waker that counts its wakes.
    #[derive(Default)]
    pub(crate) struct Counted(pub(crate) std::sync::atomic::AtomicUsize);
    impl Wake for Counted {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    #[test]
    fn a_cloned_token_sees_a_request_made_on_another_thread() {
        let token = Shutdown::new(DEFAULT_GRACE).token();
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
    fn waiting_times_out_without_a_request() {
        let shutdown = Shutdown::new(DEFAULT_GRACE);
        assert!(!shutdown.wait(Some(Duration::from_millis(20))));
        assert!(!shutdown.is_requested());
    }
}
