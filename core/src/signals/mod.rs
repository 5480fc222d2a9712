//! Signals (SPEC §3 "Exit paths", §7, §9): the [`Signal`] type handed to `signal`
//! hooks, which App catches, and the one portable decision every OS-level handler
//! makes. The platform file (`unix.rs`: POSIX signals; `windows.rs`: console control
//! events) installs the handler and brings a first signal to [`deliver`], off the
//! handler, which runs the signal path of SPEC §7 (`shutdown::on_caught_signal`).
//!
//! The handlers stay installed for the rest of the process; `ACTIVE` switches them
//! between catching and behaving as before cement.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::app::{App, WeakApp};
use crate::lock;

#[cfg_attr(unix, path = "unix.rs")]
#[cfg_attr(windows, path = "windows.rs")]
mod platform;

#[cfg(windows)]
pub(crate) use platform::handle_console_event;
pub(crate) use platform::{exit_at_once, spawn};

/// A signal, as received by `signal` hooks: a POSIX signal on Unix, a console
/// control event on Windows.
///
/// | constant | Unix | Windows |
/// |---|---|---|
/// | [`INT`](Signal::INT) | `SIGINT` (Ctrl-C) | `CTRL_C_EVENT` (Ctrl-C) |
/// | [`TERM`](Signal::TERM) | `SIGTERM` | never arrives |
/// | [`HUP`](Signal::HUP) | `SIGHUP` | never arrives |
/// | [`BREAK`](Signal::BREAK) | never arrives | `CTRL_BREAK_EVENT` (Ctrl-Break) |
/// | [`CLOSE`](Signal::CLOSE) | never arrives | `CTRL_CLOSE_EVENT` (the console window closed) |
/// | [`LOGOFF`](Signal::LOGOFF) | never arrives | `CTRL_LOGOFF_EVENT` (services only) |
/// | [`SHUTDOWN`](Signal::SHUTDOWN) | never arrives | `CTRL_SHUTDOWN_EVENT` (services only) |
///
/// ```
/// use cement::Signal;
///
/// assert_eq!(Signal::TERM.number(), 15);
/// assert_eq!(Signal::TERM.name(), "SIGTERM");
/// assert_eq!(Signal::INT.to_string(), "SIGINT");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Signal(i32);

impl Signal {
    /// `SIGINT`, sent by Ctrl-C; on Windows, `CTRL_C_EVENT`.
    ///
    /// ```
    /// assert_eq!(cement::Signal::INT.number(), 2);
    /// ```
    pub const INT: Signal = Signal(2);
    /// `SIGTERM`, the polite request to end. Never arrives on Windows.
    ///
    /// ```
    /// assert_eq!(cement::Signal::TERM.number(), 15);
    /// ```
    pub const TERM: Signal = Signal(15);
    /// `SIGHUP`, the terminal went away. Never arrives on Windows.
    ///
    /// ```
    /// assert_eq!(cement::Signal::HUP.number(), 1);
    /// ```
    pub const HUP: Signal = Signal(1);
    /// Windows' `CTRL_BREAK_EVENT` (Ctrl-Break). Never arrives on Unix.
    ///
    /// ```
    /// assert_eq!(cement::Signal::BREAK.name(), "CTRL_BREAK_EVENT");
    /// ```
    pub const BREAK: Signal = Signal(-1);
    /// Windows' `CTRL_CLOSE_EVENT`: the console window was closed. Windows ends the
    /// process about 5 s later whatever it does, so the grace a cooperating body gets
    /// is cut to fit. Never arrives on Unix.
    ///
    /// ```
    /// assert_eq!(cement::Signal::CLOSE.name(), "CTRL_CLOSE_EVENT");
    /// ```
    pub const CLOSE: Signal = Signal(-2);
    /// Windows' `CTRL_LOGOFF_EVENT` (received by services). Never arrives on Unix.
    ///
    /// ```
    /// assert_eq!(cement::Signal::LOGOFF.name(), "CTRL_LOGOFF_EVENT");
    /// ```
    pub const LOGOFF: Signal = Signal(-5);
    /// Windows' `CTRL_SHUTDOWN_EVENT` (received by services). Never arrives on Unix.
    ///
    /// ```
    /// assert_eq!(cement::Signal::SHUTDOWN.name(), "CTRL_SHUTDOWN_EVENT");
    /// ```
    pub const SHUTDOWN: Signal = Signal(-6);

    const ALL: [Signal; 7] = [
        Signal::INT,
        Signal::TERM,
        Signal::HUP,
        Signal::BREAK,
        Signal::CLOSE,
        Signal::LOGOFF,
        Signal::SHUTDOWN,
    ];

    /// The signal with this [`number`](Signal::number), if it is one of the above.
    ///
    /// ```
    /// assert_eq!(cement::Signal::from_number(2), Some(cement::Signal::INT));
    /// assert_eq!(cement::Signal::from_number(9), None);
    /// ```
    pub fn from_number(number: i32) -> Option<Signal> {
        Signal::ALL.into_iter().find(|s| s.0 == number)
    }

    /// The signal's number: for POSIX signals, as `kill -l` lists it (the same on
    /// Windows for Ctrl-C, as its C runtime numbers `SIGINT`); for the Windows-only
    /// events, the event's code negated (`CTRL_CLOSE_EVENT` is 2: `-2`).
    ///
    /// ```
    /// assert_eq!(cement::Signal::INT.number(), 2);
    /// assert_eq!(cement::Signal::CLOSE.number(), -2);
    /// ```
    pub const fn number(self) -> i32 {
        self.0
    }

    /// The signal's name: `SIGINT`, `SIGTERM`, `SIGHUP`, or the Windows event's,
    /// `CTRL_BREAK_EVENT` and so on. Ctrl-C is `SIGINT` on every platform.
    ///
    /// ```
    /// assert_eq!(cement::Signal::HUP.name(), "SIGHUP");
    /// ```
    pub const fn name(self) -> &'static str {
        match self.0 {
            2 => "SIGINT",
            15 => "SIGTERM",
            1 => "SIGHUP",
            -1 => "CTRL_BREAK_EVENT",
            -2 => "CTRL_CLOSE_EVENT",
            -5 => "CTRL_LOGOFF_EVENT",
            _ => "CTRL_SHUTDOWN_EVENT",
        }
    }

    /// The exit status of a process ended by this signal: on Unix, 128 + its number;
    /// on Windows, `STATUS_CONTROL_C_EXIT` (`0xC000013A`, as an `i32`), what Windows
    /// reports for a process ended by Ctrl-C.
    ///
    /// ```
    /// # #[cfg(unix)]
    /// assert_eq!(cement::Signal::TERM.exit_code(), 143);
    /// # #[cfg(windows)]
    /// assert_eq!(cement::Signal::INT.exit_code() as u32, 0xC000_013A);
    /// ```
    pub const fn exit_code(self) -> i32 {
        platform::exit_code(self)
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An App catches signals now (and has not finished closing).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// The catching App's close sequence is running: any signal ends the process.
static CLOSING: AtomicBool = AtomicBool::new(false);
/// The number of the first signal received while catching, or 0.
static PENDING: AtomicI32 = AtomicI32::new(0);

/// The App catching signals.
static CATCHER: Mutex<Option<WeakApp>> = Mutex::new(None);

/// Why the platform's handler could not be installed: the step that failed (a call,
/// or the signal being registered) and the OS's error. Formatted only if reported, so
/// no `String` is built on the way.
type InstallError = (&'static str, std::io::Error);

/// The platform's handler, installed once per process: `Err` says why it could not be.
static INSTALLED: OnceLock<Result<(), InstallError>> = OnceLock::new();

/// Makes `app` the App that catches signals, unless another one already does.
/// Returns whether it does.
pub(crate) fn start_catching(app: &App) -> bool {
    let mut catcher = lock(&CATCHER);
    if catcher.is_some() {
        return false;
    }
    if let Err((step, error)) = INSTALLED.get_or_init(platform::install) {
        return cannot_catch(step, error);
    }
    if let Err((step, error)) = platform::watch(app) {
        return cannot_catch(step, &error);
    }
    *catcher = Some(app.downgrade());
    PENDING.store(0, Ordering::SeqCst);
    CLOSING.store(false, Ordering::SeqCst);
    ACTIVE.store(true, Ordering::SeqCst);
    true
}

/// Reports why signals cannot be caught: the step that failed and the OS's error.
#[cold]
fn cannot_catch(step: &str, error: &std::io::Error) -> bool {
    crate::exit::report_line(&format_args!("cannot catch signals: {step}: {error}"));
    false
}

/// `app`'s close sequence starts: from now on a signal ends the process at once.
pub(crate) fn closing_started(app: &App) {
    if is_catcher(app) {
        CLOSING.store(true, Ordering::SeqCst);
    }
}

/// `app` has closed: stop catching and restore the previous dispositions.
pub(crate) fn stop_catching(app: &App) {
    let mut catcher = lock(&CATCHER);
    if catcher.as_ref().is_some_and(|c| c.is(app)) {
        ACTIVE.store(false, Ordering::SeqCst);
        CLOSING.store(false, Ordering::SeqCst);
        *catcher = None;
    }
}

fn is_catcher(app: &App) -> bool {
    lock(&CATCHER).as_ref().is_some_and(|c| c.is(app))
}

/// What an OS-level handler does with a signal. Async-signal-safe: atomics only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arrival {
    /// No App catches signals: behave as before cement.
    NotCatching,
    /// The first signal: bring it to [`deliver`], off the handler.
    First,
    /// A second signal (during the signal hooks or the shutdown grace), or any
    /// signal once close has started: end the process at once. `closing` says which.
    AtOnce { closing: bool },
}

fn arrival(signal: Signal) -> Arrival {
    if !ACTIVE.load(Ordering::SeqCst) {
        return Arrival::NotCatching;
    }
    let closing = CLOSING.load(Ordering::SeqCst);
    if closing || PENDING.swap(signal.number(), Ordering::SeqCst) != 0 {
        return Arrival::AtOnce { closing };
    }
    Arrival::First
}

/// What the thread that ran [`deliver`] does next.
#[derive(Debug, PartialEq, Eq)]
enum AfterSignal {
    /// End the process with this code (close ran).
    Exit(i32),
    /// Nothing: a cooperating body returned, and its thread closes the App and ends
    /// the process.
    BodyEndsProcess,
    /// No App catches any more (it closed between the handler and here): behave as
    /// before cement.
    NotCatching,
}

/// The first signal, off the OS-level handler (on Unix the watcher thread, on Windows
/// the thread the system started for the event): the signal path of SPEC §7.
/// `budget` caps the shutdown grace where the OS ends the process on its own after a
/// while (a closed console window).
fn deliver(signal: Signal, budget: Option<Duration>) -> AfterSignal {
    let app = lock(&CATCHER).as_ref().and_then(WeakApp::upgrade);
    let Some(app) = app else {
        return AfterSignal::NotCatching;
    };
    match crate::shutdown::on_caught_signal(&app, signal, budget) {
        Some(code) => AfterSignal::Exit(code),
        None => AfterSignal::BodyEndsProcess,
    }
}

#[cfg(test)]
mod tests {
    use super::Signal;

    #[test]
    fn every_signal_has_its_own_number_and_name() {
        for signal in Signal::ALL {
            assert_eq!(Signal::from_number(signal.number()), Some(signal));
            let same_name = Signal::ALL.iter().filter(|s| s.name() == signal.name());
            assert_eq!(same_name.count(), 1, "{signal}");
        }
        assert_eq!(Signal::from_number(0), None);
    }
}
