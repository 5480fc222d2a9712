//! POSIX signals: SIGINT, SIGTERM and SIGHUP.
//!
//! The OS-level handler does only async-signal-safe work: [`arrival`] (one atomic),
//! then a one-byte write to a pipe, or `_exit` for a second signal. Something off the
//! handler waits for that byte and brings the first signal to the App
//! ([`after_first_signal`]), on a thread of cement's own:
//!
//! - the watcher thread, started with the first App that catches signals, which
//!   blocks on the pipe and delivers on itself. It is a bare pthread whose only work
//!   until a signal arrives is waiting: a thread started by `std::thread` allocates as
//!   it starts, and glibc then builds a malloc arena for it.
//! - with the `tokio` feature, for the App of an async `#[cement::main]` on the
//!   multi-thread runtime: the pipe registered with that runtime's I/O driver, with a
//!   waker of cement's own (no task: starting one would wake a worker), which starts
//!   the delivering thread only when a signal comes. An empty async main then starts
//!   no thread beside tokio's (start-up costs no thread). The driver needs a free
//!   worker: with every worker blocked, the first signal waits for one, and a second
//!   still ends the process at once from the handler.
//!
//! signal-hook keeps the handlers registered and chains to a handler function found
//! before; a previous default action is emulated here when no App catches.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use super::{after_first_signal, arrival, Arrival, InstallError, Runtime, Signal};

/// The signals an App catches here.
const CAUGHT: [Signal; 3] = [Signal::INT, Signal::TERM, Signal::HUP];

/// Per caught signal: its disposition before cement was the default action.
static PREVIOUS_WAS_DEFAULT: [AtomicBool; 3] = [
    AtomicBool::new(false),
    AtomicBool::new(false),
    AtomicBool::new(false),
];

/// The pipe's write end, for the handler; -1 until every handler is registered.
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);
/// The pipe's read end, for the watcher.
static WATCH_FD: AtomicI32 = AtomicI32::new(-1);

/// The stack of cement's threads, which run user code (`signal` hooks, the close
/// sequence): as large as a `std::thread`'s.
const THREAD_STACK: usize = 2 << 20;

/// Ends the process at once, as `_exit`: no atexit handler runs.
pub(crate) fn exit_at_once(code: i32) -> ! {
    signal_hook::low_level::exit(code)
}

/// The pipe and the handlers, once per process.
pub(super) fn install() -> Result<(), InstallError> {
    let (read_fd, write_fd) = pipe().map_err(|e| ("pipe", e))?;
    WATCH_FD.store(read_fd, Ordering::SeqCst);
    for (index, signal) in CAUGHT.into_iter().enumerate() {
        PREVIOUS_WAS_DEFAULT[index].store(disposition_is_default(signal), Ordering::SeqCst);
        // SAFETY: `on_signal` is async-signal-safe: it only touches atomics and calls
        // `write`, `_exit` and signal-hook's `emulate_default_handler`, which are.
        unsafe { signal_hook::low_level::register(signal.number(), move || on_signal(index)) }
            .map_err(|e| (signal.name(), e))?;
    }
    // Only now: no handler writes before `start_catching` sets its state, after this.
    WAKE_FD.store(write_fd, Ordering::SeqCst);
    Ok(())
}

/// Whether the watcher thread runs. Only [`watch`] changes it, under the lock that
/// `start_catching` holds.
static THREAD_RUNS: AtomicBool = AtomicBool::new(false);

/// Makes sure something picks up the first signal from the pipe: a task on
/// `runtime` if there is one, else the watcher thread, which once started serves
/// every App after.
pub(super) fn watch(runtime: Option<&Runtime>) -> Result<(), InstallError> {
    if THREAD_RUNS.load(Ordering::SeqCst) {
        return Ok(());
    }
    #[cfg(feature = "tokio")]
    if let Some(handle) = runtime {
        if on_runtime::watch(handle).is_ok() {
            return Ok(());
        }
    }
    #[cfg(not(feature = "tokio"))]
    let _ = runtime;
    spawn(Box::new(watch_thread)).map_err(|e| ("watcher thread", e))?;
    THREAD_RUNS.store(true, Ordering::SeqCst);
    Ok(())
}

/// A pipe whose ends are closed in child processes. The read end does not block:
/// a runtime's I/O driver waits on it, and the watcher thread `poll`s it.
///
/// Where `pipe2` exists, the flags are set as the pipe is made, in one system call
/// and with no window in which another thread's `fork` + `exec` inherits the ends;
/// the write end does not block either (the handler writes one byte, once).
fn pipe() -> std::io::Result<(i32, i32)> {
    let mut fds = [-1; 2];
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    // SAFETY: pipe2(2) writes two file descriptors into `fds`, an array we own.
    let made = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) };
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    // SAFETY: pipe(2) writes two file descriptors into `fds`, an array we own.
    let made = unsafe { libc::pipe(fds.as_mut_ptr()) };
    if made != 0 {
        return Err(std::io::Error::last_os_error());
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    {
        for fd in fds {
            // SAFETY: fcntl(2) on a descriptor we just opened, setting its
            // close-on-exec flag.
            unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
        }
        // SAFETY: fcntl(2) on the read end we just opened, making its reads
        // non-blocking.
        unsafe { libc::fcntl(fds[0], libc::F_SETFL, libc::O_NONBLOCK) };
    }
    Ok((fds[0], fds[1]))
}

/// Runs `f` on a detached thread of cement's own: a bare pthread, which, unlike a
/// `std::thread`, allocates nothing as it starts (no name, no handle, no malloc arena
/// of its own until `f` allocates) and links none of std's thread machinery.
pub(crate) fn spawn(f: Box<dyn FnOnce() + Send>) -> std::io::Result<()> {
    extern "C" fn start(f: *mut libc::c_void) -> *mut libc::c_void {
        // SAFETY: `f` is the pointer `spawn` made with `Box::into_raw` below, handed
        // to this thread alone, which takes it back exactly once.
        let f = unsafe { Box::from_raw(f.cast::<Box<dyn FnOnce() + Send>>()) };
        // Nothing may unwind out of an `extern "C"` function; what cement runs on its
        // threads catches user code's panics itself, so this guards cement's own.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        std::ptr::null_mut()
    }
    // A thin pointer to the fat one; a closure that captures nothing allocates
    // nothing in its own `Box`.
    let f = Box::into_raw(Box::new(f));
    // SAFETY: plain pthread calls on an attribute object and a thread id that live on
    // this stack; `start` has the signature pthread_create expects and lives for the
    // whole process. The attribute object is destroyed after use; the thread is
    // detached, so it is never joined. If no thread started, `f` is taken back here.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        check(libc::pthread_attr_init(&mut attr))?;
        let mut thread: libc::pthread_t = std::mem::zeroed();
        let created = check(libc::pthread_attr_setstacksize(&mut attr, THREAD_STACK))
            .and_then(|()| check(libc::pthread_create(&mut thread, &attr, start, f.cast())));
        libc::pthread_attr_destroy(&mut attr);
        if let Err(error) = created {
            drop(Box::from_raw(f));
            return Err(error);
        }
        libc::pthread_detach(thread);
    }
    Ok(())
}

/// A pthread function's status as an `io::Result`.
fn check(status: libc::c_int) -> std::io::Result<()> {
    match status {
        0 => Ok(()),
        error => Err(std::io::Error::from_raw_os_error(error)),
    }
}

/// Whether `signal`'s current disposition is the default action.
fn disposition_is_default(signal: Signal) -> bool {
    // SAFETY: sigaction with a null new action only reads the current disposition into
    // `current`, a zeroed plain C struct we own.
    unsafe {
        let mut current: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal.number(), std::ptr::null(), &mut current) == 0
            && current.sa_sigaction == libc::SIG_DFL
    }
}

/// The OS-level handler for `CAUGHT[index]`. Async-signal-safe only.
fn on_signal(index: usize) {
    let signal = CAUGHT[index];
    match arrival(signal) {
        Arrival::NotCatching => {
            if PREVIOUS_WAS_DEFAULT[index].load(Ordering::SeqCst) {
                let _ = signal_hook::low_level::emulate_default_handler(signal.number());
            }
        }
        Arrival::AtOnce => {
            let message = at_once_message(signal);
            // SAFETY: write(2) on stderr with a static buffer is async-signal-safe.
            unsafe { libc::write(libc::STDERR_FILENO, message.as_ptr().cast(), message.len()) };
            exit_at_once(signal.exit_code());
        }
        Arrival::First => {
            let fd = WAKE_FD.load(Ordering::SeqCst);
            // SAFETY: `fd` is the pipe's write end, open for the rest of the process;
            // write(2) is async-signal-safe.
            unsafe { libc::write(fd, [1u8].as_ptr().cast(), 1) };
        }
    }
}

/// What a handler writes when a second signal ends the process at once; static, so
/// that writing it is async-signal-safe.
fn at_once_message(signal: Signal) -> &'static [u8] {
    match signal {
        Signal::INT => b"cement: SIGINT while shutting down: exiting at once with 130\n",
        Signal::TERM => b"cement: SIGTERM while shutting down: exiting at once with 143\n",
        _ => b"cement: SIGHUP while shutting down: exiting at once with 129\n",
    }
}

/// The watcher thread: waits on the pipe, then runs what each first signal asks for.
fn watch_thread() {
    let fd = WATCH_FD.load(Ordering::SeqCst);
    let mut readable = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    let mut byte = 0u8;
    loop {
        // SAFETY: poll(2) on one `pollfd` we own, for the pipe's read end, open for
        // the rest of the process, with no timeout; then read(2) of one byte into
        // `byte`, which we own, from that end, which does not block.
        let read = unsafe {
            libc::poll(&mut readable, 1, -1);
            libc::read(fd, (&mut byte as *mut u8).cast(), 1)
        };
        match read {
            1 => after_first_signal(None),
            // Nothing to read: the wait was interrupted, or a runtime's task took
            // the byte.
            -1 => {}
            // End of file: never, as the write end stays open.
            _ => return,
        }
    }
}

/// Behaves as before cement for a first signal that came as the App stopped
/// catching: the default action where that was the disposition (the handler itself
/// chains to a handler function found before).
pub(super) fn as_before_cement(signal: Signal) {
    let index = CAUGHT.iter().position(|caught| *caught == signal);
    if index.is_some_and(|index| PREVIOUS_WAS_DEFAULT[index].load(Ordering::SeqCst)) {
        let _ = signal_hook::low_level::emulate_default_handler(signal.number());
    }
}

/// The watcher as a task on a multi-thread runtime (feature `tokio`).
#[cfg(feature = "tokio")]
mod on_runtime {
    use std::future::Future;
    use std::io::ErrorKind;
    use std::os::unix::io::BorrowedFd;
    use std::pin::Pin;
    use std::sync::atomic::{AtomicU8, Ordering};
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll, Wake, Waker};

    use tokio::net::unix::pipe::Receiver;
    use tokio::runtime::Handle;

    use super::{after_first_signal, spawn, WATCH_FD};
    use crate::lock;
    use crate::report::{self, Failure};
    use crate::runtime::poll_catching;

    /// Registers a copy of the pipe's read end with `handle`'s I/O driver, and waits
    /// on it with a waker of cement's own ([`Watch`]) rather than as a task: a task
    /// spawned from outside the runtime wakes a worker to run it, which measured
    /// 1.7% of an empty async main's start-up. The driver calls the waker from the
    /// worker that drives it, when the handler writes (or as the runtime shuts down,
    /// which ends the watch).
    pub(super) fn watch(handle: &Handle) -> std::io::Result<()> {
        let _entered = handle.enter();
        // SAFETY: the pipe's read end, open for the rest of the process, is borrowed
        // only to be duplicated.
        let read_end = unsafe { BorrowedFd::borrow_raw(WATCH_FD.load(Ordering::SeqCst)) };
        // Unchecked: it is the read end of a pipe, made non-blocking by `pipe`.
        let pipe = Receiver::from_owned_fd_unchecked(read_end.try_clone_to_owned()?)?;
        let runtime = handle.clone();
        let watching = async move {
            let mut byte = [0u8];
            while pipe.readable().await.is_ok() {
                match pipe.try_read(&mut byte) {
                    Ok(1) => deliver_off_runtime(&runtime),
                    Err(error) if error.kind() == ErrorKind::WouldBlock => {}
                    // End of file or an error: the pipe never gives either.
                    _ => return,
                }
            }
        };
        Arc::new(Watch::new(Box::pin(watching))).wake();
        Ok(())
    }

    /// Delivers the first signal on a thread started for it, as the watcher thread
    /// would: its hooks and the close sequence may block, and must not hold up the
    /// worker that drives the I/O the body may need to return. Should no thread
    /// start, on one of the runtime's blocking threads.
    fn deliver_off_runtime(runtime: &Handle) {
        if spawn(Box::new(|| after_first_signal(None))).is_err() {
            drop(runtime.spawn_blocking(|| after_first_signal(None)));
        }
    }

    /// Not polled: a wake polls it.
    const IDLE: u8 = 0;
    /// Being polled.
    const POLLING: u8 = 1;
    /// Woken while being polled: polled again once that poll returns.
    const AGAIN: u8 = 2;
    /// Its future ended.
    const DONE: u8 = 3;

    /// A future polled by its own waker, on the thread that wakes it: the least a
    /// future needs to run without a task. A wake during a poll (from another
    /// thread, or from within the poll) is never lost nor waited for: the poll
    /// that is under way is followed by another.
    pub(super) struct Watch {
        state: AtomicU8,
        /// Locked by the poller alone (the one that moved `state` to `POLLING`).
        future: Mutex<Option<Pin<Box<dyn Future<Output = ()> + Send>>>>,
    }

    impl Watch {
        pub(super) fn new(future: Pin<Box<dyn Future<Output = ()> + Send>>) -> Watch {
            Watch {
                state: AtomicU8::new(IDLE),
                future: Mutex::new(Some(future)),
            }
        }

        /// Polls until a poll returns pending with no wake during it, or the future
        /// ends.
        fn poll_while_woken(self: &Arc<Self>) {
            let waker = Waker::from(Arc::clone(self));
            loop {
                let ended = {
                    let mut future = lock(&self.future);
                    let mut cx = Context::from_waker(&waker);
                    // A panic ends the watch, reported, rather than unwind into
                    // whatever woke it (the runtime's I/O driver).
                    match future
                        .as_mut()
                        .map(|running| poll_catching(running.as_mut(), &mut cx))
                    {
                        Some(Poll::Pending) => None,
                        Some(Poll::Ready(Err(payload))) => {
                            let failure = Failure::Panicked(report::panic_message(&*payload));
                            report::report(&"the signal watcher", &failure);
                            Some(future.take())
                        }
                        _ => Some(future.take()),
                    }
                };
                if let Some(ended) = ended {
                    self.state.store(DONE, Ordering::Release);
                    // Dropped out of the lock and once done: what its drop wakes
                    // (the pipe's deregistration) finds nothing to poll.
                    drop(ended);
                    return;
                }
                match self.state.compare_exchange(
                    POLLING,
                    IDLE,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    Ok(_) => return,
                    // `AGAIN`: woken during the poll.
                    Err(_) => self.state.store(POLLING, Ordering::Release),
                }
            }
        }
    }

    impl Wake for Watch {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }

        fn wake_by_ref(self: &Arc<Self>) {
            let mut state = self.state.load(Ordering::Acquire);
            loop {
                let (from, to) = match state {
                    IDLE => (IDLE, POLLING),
                    POLLING => (POLLING, AGAIN),
                    // A poll is coming, or the future ended.
                    _ => return,
                };
                match self
                    .state
                    .compare_exchange(from, to, Ordering::AcqRel, Ordering::Acquire)
                {
                    Ok(_) if to == POLLING => return self.poll_while_woken(),
                    Ok(_) => return,
                    Err(now) => state = now,
                }
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use std::future::Future;
        use std::pin::Pin;
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::{Arc, Mutex};
        use std::task::{Context, Poll, Wake, Waker};

        use super::Watch;

        /// Pending `pending` times, each time waking itself from within the poll
        /// first if `wake_within`, else handing its waker out; then ready.
        struct Counted {
            polls: Arc<AtomicUsize>,
            pending: usize,
            wake_within: bool,
            waker: Arc<Mutex<Option<Waker>>>,
        }

        impl Future for Counted {
            type Output = ();

            fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
                self.polls.fetch_add(1, Ordering::SeqCst);
                if self.pending == 0 {
                    return Poll::Ready(());
                }
                self.pending -= 1;
                match self.wake_within {
                    true => cx.waker().wake_by_ref(),
                    false => *self.waker.lock().unwrap() = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
        }

        /// A watch of a [`Counted`] future; its poll count and the waker it hands out.
        fn watch(pending: usize, wake_within: bool) -> (Arc<Watch>, Probe) {
            let probe = Probe::default();
            let future = Counted {
                polls: Arc::clone(&probe.polls),
                pending,
                wake_within,
                waker: Arc::clone(&probe.waker),
            };
            (Arc::new(Watch::new(Box::pin(future))), probe)
        }

        #[derive(Default)]
        struct Probe {
            polls: Arc<AtomicUsize>,
            waker: Arc<Mutex<Option<Waker>>>,
        }

        #[test]
        fn a_wake_from_within_a_poll_is_followed_by_another_poll_not_a_deadlock() {
            let (watch, probe) = watch(2, true);
            Arc::clone(&watch).wake();
            assert_eq!(probe.polls.load(Ordering::SeqCst), 3);
            // Ended: a wake polls nothing.
            watch.wake_by_ref();
            assert_eq!(probe.polls.load(Ordering::SeqCst), 3);
        }

        #[test]
        fn a_panic_in_a_poll_ends_the_watch_and_does_not_reach_the_waker() {
            let polls = Arc::new(AtomicUsize::new(0));
            let counted = Arc::clone(&polls);
            let watch = Arc::new(Watch::new(Box::pin(std::future::poll_fn(move |_| {
                if counted.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("watcher bug");
                }
                Poll::<()>::Pending
            }))));
            watch.wake_by_ref();
            watch.wake_by_ref(); // ended: nothing to poll
            assert_eq!(polls.load(Ordering::SeqCst), 1);
        }

        #[test]
        fn a_future_is_polled_once_per_wake_from_outside_until_it_ends() {
            let (watch, probe) = watch(2, false);
            watch.wake_by_ref();
            assert_eq!(probe.polls.load(Ordering::SeqCst), 1);
            let waker = probe.waker.lock().unwrap().take().expect("handed out");
            waker.wake();
            assert_eq!(probe.polls.load(Ordering::SeqCst), 2);
            let waker = probe.waker.lock().unwrap().take().expect("handed out");
            drop(watch); // the waker keeps it
            waker.wake();
            assert_eq!(probe.polls.load(Ordering::SeqCst), 3);
        }
    }
}
