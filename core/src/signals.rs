//! Signals: the [`Signal`] type handed to `signal` hooks.

use std::fmt;

/// A Unix signal, as received by `signal` hooks.
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
    /// `SIGINT`, sent by Ctrl-C.
    ///
    /// ```
    /// assert_eq!(cement::Signal::INT.exit_code(), 130);
    /// ```
    pub const INT: Signal = Signal(libc::SIGINT);
    /// `SIGTERM`, the polite request to end.
    ///
    /// ```
    /// assert_eq!(cement::Signal::TERM.exit_code(), 143);
    /// ```
    pub const TERM: Signal = Signal(libc::SIGTERM);
    /// `SIGHUP`, the terminal went away.
    ///
    /// ```
    /// assert_eq!(cement::Signal::HUP.exit_code(), 129);
    /// ```
    pub const HUP: Signal = Signal(libc::SIGHUP);

    /// The signals an App catches.
    pub(crate) const CAUGHT: [Signal; 3] = [Signal::INT, Signal::TERM, Signal::HUP];

    /// The signal with this number, if it is one cement catches.
    ///
    /// ```
    /// assert_eq!(cement::Signal::from_number(2), Some(cement::Signal::INT));
    /// assert_eq!(cement::Signal::from_number(9), None);
    /// ```
    pub fn from_number(number: i32) -> Option<Signal> {
        Signal::CAUGHT.into_iter().find(|s| s.0 == number)
    }

    /// The signal's number, as `kill -l` lists it.
    ///
    /// ```
    /// assert_eq!(cement::Signal::INT.number(), 2);
    /// ```
    pub const fn number(self) -> i32 {
        self.0
    }

    /// The signal's name: `SIGINT`, `SIGTERM` or `SIGHUP`.
    ///
    /// ```
    /// assert_eq!(cement::Signal::HUP.name(), "SIGHUP");
    /// ```
    pub const fn name(self) -> &'static str {
        match self.0 {
            libc::SIGINT => "SIGINT",
            libc::SIGTERM => "SIGTERM",
            libc::SIGHUP => "SIGHUP",
            _ => "signal",
        }
    }

    /// The exit status of a process ended by this signal: 128 + its number.
    ///
    /// ```
    /// assert_eq!(cement::Signal::TERM.exit_code(), 143);
    /// ```
    pub const fn exit_code(self) -> i32 {
        128 + self.0
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// Catching signals (SPEC §3, "Exit paths").
//
// The OS-level handler only does async-signal-safe work: an atomic swap and a write
// to a pipe, or `_exit` for a second signal. One watcher thread, started with the
// first App that catches signals, reads the pipe and runs the `signal` hooks and the
// close sequence of the App that is catching, then ends the process with its code.
//
// The handlers stay registered for the rest of the process; `ACTIVE` switches them
// between catching and behaving as the dispositions found before (signal-hook chains
// to a previous handler function; a previous default action is emulated here).

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::app::{App, WeakApp};

/// An App catches signals now (and has not finished closing).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// The catching App's close sequence is running: any signal ends the process.
static CLOSING: AtomicBool = AtomicBool::new(false);
/// The first signal received while catching, or 0.
static PENDING: AtomicI32 = AtomicI32::new(0);
/// The pipe's write end, for the handler.
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);
/// Per caught signal: its disposition before cement was the default action.
static PREVIOUS_WAS_DEFAULT: [AtomicBool; 3] = [
    AtomicBool::new(false),
    AtomicBool::new(false),
    AtomicBool::new(false),
];

/// The App catching signals.
static CATCHER: Mutex<Option<WeakApp>> = Mutex::new(None);

/// The handlers and the watcher, set up once per process.
static INSTALLED: OnceLock<Result<UnixStream, String>> = OnceLock::new();

/// Makes `app` the App that catches signals, unless another one already does.
/// Returns whether it does.
pub(crate) fn start_catching(app: &App) -> bool {
    let mut catcher = CATCHER.lock().unwrap_or_else(PoisonError::into_inner);
    if catcher.is_some() {
        return false;
    }
    if let Err(error) = INSTALLED.get_or_init(install) {
        crate::exit::report_line(&format_args!("cannot catch signals: {error}"));
        return false;
    }
    *catcher = Some(app.downgrade());
    PENDING.store(0, Ordering::SeqCst);
    CLOSING.store(false, Ordering::SeqCst);
    ACTIVE.store(true, Ordering::SeqCst);
    true
}

/// `app`'s close sequence starts: from now on a signal ends the process at once.
pub(crate) fn closing_started(app: &App) {
    if is_catcher(app) {
        CLOSING.store(true, Ordering::SeqCst);
    }
}

/// `app` has closed: stop catching and restore the previous dispositions.
pub(crate) fn stop_catching(app: &App) {
    let mut catcher = CATCHER.lock().unwrap_or_else(PoisonError::into_inner);
    if catcher.as_ref().is_some_and(|c| c.is(app)) {
        ACTIVE.store(false, Ordering::SeqCst);
        CLOSING.store(false, Ordering::SeqCst);
        *catcher = None;
    }
}

fn is_catcher(app: &App) -> bool {
    CATCHER
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .is_some_and(|c| c.is(app))
}

fn install() -> Result<UnixStream, String> {
    let (reader, writer) = UnixStream::pair().map_err(|e| format!("socket pair: {e}"))?;
    std::thread::Builder::new()
        .name("cement-signals".to_owned())
        .spawn(move || watch(reader))
        .map_err(|e| format!("watcher thread: {e}"))?;
    for (index, signal) in Signal::CAUGHT.into_iter().enumerate() {
        PREVIOUS_WAS_DEFAULT[index].store(disposition_is_default(signal), Ordering::SeqCst);
        let number = signal.number();
        // SAFETY: `on_signal` is async-signal-safe: it only touches atomics and calls
        // `write`, `_exit` and signal-hook's `emulate_default_handler`, which are.
        unsafe { signal_hook::low_level::register(number, move || on_signal(number, index)) }
            .map_err(|e| format!("{signal}: {e}"))?;
    }
    // Only now, when the writer is sure to be kept: on an error above it is closed.
    // No handler writes before `start_catching` sets ACTIVE, after this returns.
    WAKE_FD.store(writer.as_raw_fd(), Ordering::SeqCst);
    Ok(writer)
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

impl Signal {
    /// Whether this signal's disposition was the default action before cement.
    fn was_default_before(self) -> bool {
        Signal::CAUGHT
            .iter()
            .position(|caught| *caught == self)
            .is_some_and(|index| PREVIOUS_WAS_DEFAULT[index].load(Ordering::SeqCst))
    }
}

/// The OS-level handler. Async-signal-safe only.
fn on_signal(number: i32, index: usize) {
    if !ACTIVE.load(Ordering::SeqCst) {
        if PREVIOUS_WAS_DEFAULT[index].load(Ordering::SeqCst) {
            let _ = signal_hook::low_level::emulate_default_handler(number);
        }
        return;
    }
    let closing = CLOSING.load(Ordering::SeqCst);
    if closing || PENDING.swap(number, Ordering::SeqCst) != 0 {
        // A second signal (during the shutdown grace, or the signal hooks), or any
        // signal once close has started.
        let message: &[u8] = match (number, closing) {
            (libc::SIGINT, true) => b"cement: SIGINT while closing: exiting at once with 130\n",
            (libc::SIGTERM, true) => b"cement: SIGTERM while closing: exiting at once with 143\n",
            (_, true) => b"cement: SIGHUP while closing: exiting at once with 129\n",
            (libc::SIGINT, false) => {
                b"cement: SIGINT while shutting down: exiting at once with 130\n"
            }
            (libc::SIGTERM, false) => {
                b"cement: SIGTERM while shutting down: exiting at once with 143\n"
            }
            (_, false) => b"cement: SIGHUP while shutting down: exiting at once with 129\n",
        };
        // SAFETY: write(2) on stderr with a static buffer is async-signal-safe.
        unsafe { libc::write(libc::STDERR_FILENO, message.as_ptr().cast(), message.len()) };
        signal_hook::low_level::exit(128 + number);
    }
    let fd = WAKE_FD.load(Ordering::SeqCst);
    // SAFETY: `fd` is the pipe's write end, open for the rest of the process (the
    // writer is kept in `INSTALLED`); write(2) is async-signal-safe.
    unsafe { libc::write(fd, [1u8].as_ptr().cast(), 1) };
}

/// The watcher thread: runs what a signal asks for, outside the handler.
fn watch(mut reader: UnixStream) {
    let mut byte = [0u8];
    loop {
        match reader.read(&mut byte) {
            Ok(1) => {}
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            _ => return,
        }
        let Some(signal) = Signal::from_number(PENDING.load(Ordering::SeqCst)) else {
            continue;
        };
        let app = CATCHER
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .and_then(WeakApp::upgrade);
        match app {
            Some(app) => {
                if let Some(code) = crate::shutdown::on_caught_signal(&app, signal) {
                    let _ = std::io::stdout().flush();
                    std::process::exit(code);
                }
                // A cooperating body returned: its thread closes and ends the process.
            }
            // Closed between the handler and here: behave as before cement, which
            // the handler does itself for a signal that was ignored or handled.
            None if signal.was_default_before() => {
                let _ = signal_hook::low_level::emulate_default_handler(signal.number());
            }
            None => {}
        }
    }
}
