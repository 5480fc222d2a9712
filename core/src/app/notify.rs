//! What the App tells a service manager (feature `systemd`, where `NOTIFY_SOCKET` is
//! set): `READY=1` right before the body starts (or when the body says so),
//! `STOPPING=1` with the stop timeout extended when shutdown is asked or close
//! begins, whichever comes first, and `STATUS=` naming each close step as it starts.
//! READY and STOPPING follow the lifecycle's transitions, which keep what was told
//! ([`Told`]); the protocol is `notify.rs`.

use std::time::Duration;

use super::{App, AppBuilder};
use crate::failures::Running;
use crate::lifecycle::Told;
use crate::notify;
use crate::points::Hook;

impl AppBuilder {
    /// Whether the App tells systemd `READY=1` by itself, once setup has finished,
    /// right before the body starts (default `true`). With `false`, the body tells it
    /// with [`App::notify_ready`] once it can serve (its port bound, its cache
    /// loaded), and `systemctl start` waits until then. `#[cement::main(notify_ready
    /// = false)]` is the same.
    ///
    /// Nothing is sent without the `systemd` feature, off Linux, or where
    /// `NOTIFY_SOCKET` is unset.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::builder("myapp").notify_ready(false).build();
    /// app.run(|app| {
    ///     let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    ///     app.notify_ready(); // now `systemctl start` returns
    ///     # drop(listener);
    /// });
    /// app.close();
    /// ```
    pub fn notify_ready(mut self, yes: bool) -> Self {
        self.notify_ready = notify::AutoReady::new(yes);
        self
    }
}

impl App {
    /// Tells systemd `READY=1`: the program can serve. For an App built with
    /// [`AppBuilder::notify_ready`]`(false)` (or `#[cement::main(notify_ready =
    /// false)]`); otherwise READY went out when the body started, and this does
    /// nothing. READY goes out once, and never once the App is stopping (shutdown was
    /// asked, or close began).
    ///
    /// Nothing is sent without the `systemd` feature, off Linux, or where
    /// `NOTIFY_SOCKET` is unset.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::builder("myapp").notify_ready(false).build();
    /// app.run(|app| {
    ///     // ... open what the service needs ...
    ///     app.notify_ready();
    /// });
    /// app.close();
    /// ```
    pub fn notify_ready(&self) {
        self.tell(Told::Ready);
    }

    /// Tells systemd `STATUS=<status>`, which `systemctl status` shows on its
    /// `Status:` line until the next one. Control characters (line breaks) are
    /// escaped, so it stays one line. During close, cement sets it to the step that
    /// runs (`pre_close hook myapp::flush`).
    ///
    /// Nothing is sent without the `systemd` feature, off Linux, or where
    /// `NOTIFY_SOCKET` is unset.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("myapp");
    /// app.run(|app| {
    ///     app.notify_status("loading 1200 entries");
    ///     // ...
    ///     app.notify_status("serving");
    /// });
    /// app.close();
    /// ```
    pub fn notify_status(&self, status: &str) {
        notify::status(&status);
    }

    /// Tells systemd `WATCHDOG=1`: the program is alive. Under a unit with
    /// `WatchdogSec=`, send it every [`watchdog_interval`](App::watchdog_interval)
    /// from the loop that proves the program works.
    ///
    /// Nothing is sent without the `systemd` feature, off Linux, or where
    /// `NOTIFY_SOCKET` is unset.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("myapp");
    /// app.run(|app| {
    ///     if let Some(interval) = app.watchdog_interval() {
    ///         while !app.wait_for_shutdown(Some(interval)) {
    ///             app.notify_watchdog();
    ///         }
    ///     }
    /// });
    /// app.close();
    /// ```
    pub fn notify_watchdog(&self) {
        notify::watchdog();
    }

    /// How often to call [`notify_watchdog`](App::notify_watchdog): half of
    /// `WATCHDOG_USEC`, which systemd sets from the unit's `WatchdogSec=`, when it is
    /// meant for this process (`WATCHDOG_PID` is unset or names it). `None` without a
    /// watchdog, and without the `systemd` feature, off Linux, or where
    /// `NOTIFY_SOCKET` is unset. Read once per process.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("myapp");
    /// match app.watchdog_interval() {
    ///     Some(interval) => println!("pinging systemd every {interval:?}"),
    ///     None => println!("no watchdog"),
    /// }
    /// ```
    pub fn watchdog_interval(&self) -> Option<Duration> {
        notify::watchdog_interval()
    }

    /// The body is about to start: READY, unless the body tells it itself.
    pub(super) fn notify_body_starts(&self) {
        if self.inner.notify_ready.get() {
            self.tell(Told::Ready);
        }
    }

    /// Shutdown was asked or close begins: STOPPING, with the stop timeout extended.
    pub(super) fn notify_stopping(&self) {
        self.tell(Told::Stopping);
    }

    /// A hook or deferred cleanup starts: during close, a hook is the step systemd
    /// shows. (The deferred cleanups are one step, told by the close driver.)
    pub(super) fn notify_running(&self, running: Running) {
        if matches!(running.point(), Some(Hook::PreClose | Hook::PostClose)) {
            notify::status(&running);
        }
    }

    /// Tells the service manager `message` if it is news, as the lifecycle decides.
    fn tell(&self, message: Told) {
        if !notify::is_active() {
            return;
        }
        self.lifecycle().tell(message, || match message {
            Told::Ready => notify::ready(),
            Told::Stopping => notify::stopping(self.stop_timeout()),
        });
    }

    /// How long stopping may take from STOPPING on: the shutdown grace, plus the
    /// close deadline if one is set.
    fn stop_timeout(&self) -> Duration {
        let deadline = self
            .inner
            .close_deadline
            .as_ref()
            .map_or(Duration::ZERO, |deadline| deadline.duration());
        self.shutdown_grace().saturating_add(deadline)
    }
}
