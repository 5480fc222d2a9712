//! Catching signals: which App catches them, the one atomic the OS-level handler
//! reads, and the hand-over of a first signal to that App, off the handler.
//!
//! The platform file (`unix.rs`: POSIX signals; `windows.rs`: console control events)
//! installs the handler, which only asks [`arrival`], and brings a first signal to
//! [`deliver`] on a thread of cement's. What the signal then does is the App's
//! lifecycle's to decide (`lifecycle.rs`); this module knows the App only as a
//! [`Catcher`].
//!
//! The handlers stay installed for the rest of the process; while no App catches,
//! they behave as before cement.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use crate::lifecycle::{self, Action, Context, Event, Phase};
use crate::signal::Signal;
use crate::{atexit, lock, report};

#[cfg_attr(unix, path = "unix.rs")]
#[cfg_attr(windows, path = "windows.rs")]
mod platform;

#[cfg(windows)]
pub(crate) use platform::handle_console_event;
pub(crate) use platform::{exit_at_once, spawn};

/// The App that catches signals, as this module sees it.
pub(crate) trait Catcher: Send + Sync {
    /// Under the catching lock: records a first signal in the App's lifecycle and
    /// says what it does ([`Action::Deliver`] or [`Action::FinishClosing`]).
    fn arrive(&self, signal: Signal) -> Action;

    /// Off every lock, on the thread that delivers: runs what [`arrive`] decided.
    /// `budget` caps the shutdown grace where the OS ends the process on its own
    /// after a while (a closed console window).
    ///
    /// [`arrive`]: Catcher::arrive
    fn deliver(
        self: Arc<Self>,
        signal: Signal,
        action: Action,
        budget: Option<Duration>,
    ) -> AfterSignal;
}

/// What the thread that delivered a first signal does next.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum AfterSignal {
    /// End the process with this code (close ran on this thread).
    Exit(i32),
    /// Nothing: the thread that closes the App ends the process.
    Nothing,
    /// No App catches any more (it closed between the handler and here): behave as
    /// before cement.
    NotCatching,
}

/// A runtime whose I/O driver can pick up signals instead of a thread of cement's
/// (feature `tokio`); without the feature there is none.
#[cfg(feature = "tokio")]
pub(crate) type Runtime = tokio::runtime::Handle;
/// A runtime whose I/O driver can pick up signals (feature `tokio`): none here.
#[cfg(not(feature = "tokio"))]
pub(crate) type Runtime = std::convert::Infallible;

/// The one atomic the OS-level handlers read and write: [`IDLE`] while no App
/// catches, [`WAITING`] while one does and no signal came, else the first signal's
/// number, or [`SETTLED`]. A handler that finds a number there has met a second
/// signal.
static STATE: AtomicI32 = AtomicI32::new(IDLE);
const IDLE: i32 = i32::MIN;
const WAITING: i32 = 0;
/// The atexit handlers have run and the process is ending with status 0: a signal
/// now ends it at once with 128 + n, as one during the handlers would have made it.
const SETTLED: i32 = i32::MAX;

/// Who catches, off the handlers.
struct Catching {
    app: Option<Weak<dyn Catcher>>,
    /// The first signal in [`STATE`] was handed over.
    taken: bool,
    /// A first signal that came just before the App stopped catching, not handed
    /// over: it gets what it would have had before cement.
    orphan: Option<Signal>,
}

static CATCHING: Mutex<Catching> = Mutex::new(Catching {
    app: None,
    taken: false,
    orphan: None,
});

/// Why the platform's handler could not be installed: the step that failed (a call,
/// or the signal being registered) and the OS's error. Formatted only if reported, so
/// no `String` is built on the way.
type InstallError = (&'static str, std::io::Error);

/// The platform's handler, installed once per process: `Err` says why it could not be.
static INSTALLED: OnceLock<Result<(), InstallError>> = OnceLock::new();

/// Makes `app` the App that catches signals, unless another one already does;
/// `runtime`, if any, picks up its signals. Returns whether it catches.
pub(crate) fn start_catching(app: Weak<dyn Catcher>, runtime: Option<&Runtime>) -> bool {
    let mut catching = lock(&CATCHING);
    if catching.app.is_some() {
        return false;
    }
    if let Err((step, error)) = INSTALLED.get_or_init(platform::install) {
        return cannot_catch(step, error);
    }
    if let Err((step, error)) = platform::watch(runtime) {
        return cannot_catch(step, &error);
    }
    // A signal that comes once the App has closed, while the process ends, changes
    // the status then.
    atexit::run_last_at_exit(settle_at_exit);
    catching.app = Some(app);
    catching.taken = false;
    STATE.store(WAITING, Ordering::SeqCst);
    true
}

/// Reports why signals cannot be caught: the step that failed and the OS's error.
#[cold]
fn cannot_catch(step: &str, error: &std::io::Error) -> bool {
    report::line(&format_args!("cannot catch signals: {step}: {error}"));
    false
}

/// The App at `app` (its address) has closed without ending the process: stop
/// catching, so the previous dispositions apply again.
pub(crate) fn stop_catching(app: *const ()) {
    let mut catching = lock(&CATCHING);
    let is_it = catching
        .app
        .as_ref()
        .is_some_and(|catcher| catcher.as_ptr().cast::<()>() == app);
    if is_it {
        let last = STATE.swap(IDLE, Ordering::SeqCst);
        if !catching.taken {
            catching.orphan = Signal::from_number(last).filter(|_| last != WAITING);
        }
        catching.app = None;
    }
}

/// What an OS-level handler does with a signal. Async-signal-safe: one atomic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arrival {
    /// No App catches signals: behave as before cement.
    NotCatching,
    /// The first signal: bring it to [`deliver`], off the handler.
    First,
    /// A second signal, in any phase: end the process at once.
    AtOnce,
}

fn arrival(signal: Signal) -> Arrival {
    match STATE.compare_exchange(WAITING, signal.number(), Ordering::SeqCst, Ordering::SeqCst) {
        Ok(_) => Arrival::First,
        Err(IDLE) => Arrival::NotCatching,
        Err(_) => Arrival::AtOnce,
    }
}

/// Who gets a first signal.
enum Handover {
    /// The catching App, which decided under the catching lock.
    App(Arc<dyn Catcher>, Action),
    /// The App closed, and the process is ending (it stays caught until then).
    AfterClose,
    /// No App catches any more.
    NotCatching,
}

/// Takes the first signal, once, and decides who gets it, under the catching lock:
/// the watcher thread and the end of the process may both look.
fn take_first() -> Option<(Signal, Handover)> {
    let mut catching = lock(&CATCHING);
    if let Some(signal) = catching.orphan.take() {
        return Some((signal, Handover::NotCatching));
    }
    let signal = Signal::from_number(STATE.load(Ordering::SeqCst))?;
    if catching.taken {
        return None;
    }
    catching.taken = true;
    let handover = match catching.app.as_ref().and_then(Weak::upgrade) {
        Some(app) => {
            let action = app.arrive(signal);
            Handover::App(app, action)
        }
        // The App is gone: the process is ending, in its atexit handlers.
        None => match lifecycle::decide(Phase::AtExit, Context::default(), Event::FirstSignal) {
            Action::FinishClosing => {
                lifecycle::signal_after_close(signal);
                Handover::AfterClose
            }
            _ => Handover::NotCatching,
        },
    };
    Some((signal, handover))
}

/// The first signal, off the OS-level handler (on Unix the watcher thread, on Windows
/// a thread started for the event): the App's signal path. Returns the signal and
/// what this thread does next, or `None` if another thread took it.
fn deliver(budget: Option<Duration>) -> Option<(Signal, AfterSignal)> {
    let (signal, handover) = take_first()?;
    let after = match handover {
        Handover::App(app, action) => app.deliver(signal, action, budget),
        Handover::AfterClose => {
            report_while_closing(signal);
            AfterSignal::Nothing
        }
        Handover::NotCatching => AfterSignal::NotCatching,
    };
    Some((signal, after))
}

/// The line for a first signal that lets close (or the atexit handlers) finish.
pub(crate) fn report_while_closing(signal: Signal) {
    report::line(&format_args!(
        "{signal} while closing; finishing close (a second signal ends at once)"
    ));
}

/// Run by the atexit trampoline after the handlers: a first signal that came once
/// the App had closed and that no thread picked up yet is taken now; if one came,
/// and `main` returned 0, the process ends with 128 + n instead. If none came, one
/// that comes from now on ends it so, at once, from the handler.
fn settle_at_exit() {
    if lifecycle::main_status() == Some(0)
        && STATE
            .compare_exchange(WAITING, SETTLED, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    {
        return;
    }
    let _ = deliver(None);
    if let Some(code) = lifecycle::status_after_atexit() {
        report::flush_stdout();
        exit_at_once(code);
    }
}

/// The end of the first signal's delivery, on the thread that ran it.
fn after_first_signal(budget: Option<Duration>) {
    match deliver(budget) {
        Some((_, AfterSignal::Exit(code))) => {
            report::flush_stdout();
            atexit::exit_process(code)
        }
        Some((signal, AfterSignal::NotCatching)) => platform::as_before_cement(signal),
        Some((_, AfterSignal::Nothing)) | None => {}
    }
}
