//! Shutdown requests through the App, and the signal path: what a first signal does
//! to the App that catches it, as its lifecycle decides.

use std::sync::Arc;
use std::time::Duration;

use super::{App, Inner};
use crate::deadline::ShortDuration;
use crate::lifecycle::{Action, AfterDelivery};
use crate::points::Hook;
use crate::report;
use crate::shutdown::{ShutdownRequested, ShutdownToken};
use crate::signal::Signal;
use crate::signals::{self, AfterSignal, Catcher};

impl App {
    /// Asks the body to stop: [`is_shutdown_requested`](App::is_shutdown_requested)
    /// turns true, [`wait_for_shutdown`](App::wait_for_shutdown) returns and
    /// [`shutdown_requested`](App::shutdown_requested) futures resolve. Idempotent;
    /// the exit code is unchanged and nothing closes: the body returns and close runs
    /// as on any return. A caught signal calls this after its `signal` hooks. With
    /// the `systemd` feature, systemd is told `STOPPING=1` first, once.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// let token = app.shutdown_token();
    /// app.request_shutdown();
    /// assert!(token.is_requested());
    /// assert_eq!(app.exit_code(), 0);
    /// ```
    pub fn request_shutdown(&self) {
        // Before the request wakes the body: systemd hears STOPPING first.
        self.notify_stopping();
        self.shutdown().request();
    }

    /// Whether shutdown was requested: one atomic load, for loops.
    ///
    /// Calling it marks the body as cooperating: on a caught signal, close then waits
    /// (up to the grace) for the body to return instead of running beside it.
    ///
    /// ```
    /// # extern crate cement_core as cement;
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
        shutdown.is_requested()
    }

    /// Blocks until shutdown is requested (`true`) or `timeout` passes (`false`);
    /// `None` waits as long as it takes. Marks the body as cooperating.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// use std::time::Duration;
    ///
    /// let app = cement::App::new("demo");
    /// assert!(!app.wait_for_shutdown(Some(Duration::from_millis(1))));
    /// app.request_shutdown();
    /// assert!(app.wait_for_shutdown(None));
    /// ```
    pub fn wait_for_shutdown(&self, timeout: Option<Duration>) -> bool {
        self.shutdown().cooperate();
        self.shutdown().wait(timeout)
    }

    /// A future that resolves once shutdown is requested. It is tied to no runtime
    /// (tokio, smol or a hand-made executor all poll it) and holds no borrow of the
    /// App: it is what a server's graceful shutdown takes. Marks the body as
    /// cooperating.
    ///
    /// ```
    /// # extern crate cement_core as cement;
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
    /// # extern crate cement_core as cement;
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
        self.shutdown().token()
    }

    /// What a caught `signal` does, on the calling thread and without the OS, for
    /// tests: 1. the exit code becomes 128 + the signal's number unless a non-zero
    /// code is set; 2. the `signal` hooks run; 3. shutdown is requested. It never
    /// closes the App or ends the process: close follows when the body returns (in a
    /// `#[cement::test]`, the test's close). As for a real signal, a body that has
    /// not started yet will not start, and during close no `signal` hook runs: the
    /// code changes, one line says so, and close finishes.
    ///
    /// ```
    /// # extern crate cement_core as cement;
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
        let action = self.lifecycle().first_signal(signal, false);
        self.run_signal_action(signal, action);
    }

    /// Runs what the lifecycle decided for a first signal: the `signal` hooks and the
    /// request, or the line that says close finishes.
    fn run_signal_action(&self, signal: Signal, action: Action) {
        match action {
            Action::Deliver => {
                self.run_hooks(Hook::Signal, Some(signal));
                self.request_shutdown();
            }
            Action::FinishClosing => {
                signals::report_while_closing(signal);
                // Whatever waits on the request (a task, a slow hook) hears it.
                self.request_shutdown();
            }
            _ => {}
        }
    }
}

/// The App as the signal-catching code sees it; see `signals::Catcher`. Implemented
/// for the App's shared state, not for `App`: the signal path never holds a handle
/// that closes the App when dropped.
impl Catcher for Inner {
    fn arrive(&self, signal: Signal) -> Action {
        self.lifecycle.first_signal(signal, true)
    }

    /// The signal path for a signal the OS delivered, on the thread that delivers
    /// it: the code, the `signal` hooks and the request (or, during close, the line
    /// that says close finishes); then close, from here or on the thread that drives
    /// the App, as the lifecycle says.
    fn deliver(
        self: Arc<Self>,
        signal: Signal,
        action: Action,
        budget: Option<Duration>,
    ) -> AfterSignal {
        let app = App::view(self);
        app.run_signal_action(signal, action);
        if action != Action::Deliver {
            return AfterSignal::Nothing;
        }
        let shutdown = app.shutdown();
        let grace = budget.map_or(shutdown.grace(), |budget| budget.min(shutdown.grace()));
        match app
            .lifecycle()
            .after_delivery(grace, || shutdown.is_cooperating())
        {
            AfterDelivery::Done => AfterSignal::Nothing,
            AfterDelivery::CloseNow(overran) => {
                if let Some(phase) = overran {
                    report::line(&format_args!(
                        "{} did not return within the shutdown grace of {} after {signal}; \
                         closing now",
                        phase.what_runs(),
                        ShortDuration(grace)
                    ));
                }
                AfterSignal::Exit(app.close())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{App, Signal};

    #[test]
    fn asking_for_the_shutdown_state_marks_the_body_as_cooperating() {
        let app = App::new("cooperating");
        app.request_shutdown();
        assert!(!app.shutdown().is_cooperating());
        assert!(app.is_shutdown_requested());
        assert!(app.shutdown().is_cooperating());
    }

    #[test]
    fn request_shutdown_leaves_the_code_alone_and_deliver_signal_sets_it() {
        let app = App::new("deliver");
        app.request_shutdown();
        assert_eq!(app.exit_code(), 0);
        let app = App::new("deliver-2");
        app.deliver_signal(Signal::INT);
        let code = Signal::INT.exit_code(); // 130, or 0xC000013A on Windows
        assert_eq!((app.exit_code(), app.is_shutdown_requested()), (code, true));
        let app = App::new("deliver-3");
        app.set_exit_code(4);
        app.deliver_signal(Signal::TERM);
        assert_eq!(app.close(), 4);
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "setup registers with libc's atexit, which Miri cannot run"
    )]
    fn a_signal_delivered_during_setup_keeps_the_body_from_starting() {
        let app = App::new("setup-signal");
        app.register_hook(crate::Hook::PostSetup, 0, |app: &App| {
            app.deliver_signal(Signal::TERM);
        });
        app.setup();
        assert_eq!(app.try_run(|_| unreachable!("no body starts")), None);
        assert_eq!(app.close(), Signal::TERM.exit_code());
    }

    #[test]
    fn a_signal_delivered_during_close_runs_no_signal_hook_and_close_finishes() {
        let app = App::new("close-signal");
        app.register_hook(crate::Hook::Signal, 0, |_app: &App| unreachable!("no hook"));
        app.register_hook(crate::Hook::PreClose, 0, |app: &App| {
            app.deliver_signal(Signal::TERM);
        });
        let finished = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&finished);
        app.register_hook(crate::Hook::PostClose, 0, move |_app: &App| {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        assert_eq!(app.close(), Signal::TERM.exit_code());
        assert!(finished.load(std::sync::atomic::Ordering::SeqCst));
        assert!(app.is_shutdown_requested());
    }
}
