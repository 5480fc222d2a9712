//! Windows console control events: Ctrl-C is [`Signal::INT`]; Ctrl-Break,
//! a closed console window, log-off and shutdown are [`Signal::BREAK`],
//! [`Signal::CLOSE`], [`Signal::LOGOFF`] and [`Signal::SHUTDOWN`]. `SIGTERM` and
//! `SIGHUP` never arrive here.
//!
//! Windows runs a console control handler on a thread it starts for the event, not
//! inside a signal handler. Still, the handler routine only decides ([`arrival`])
//! and hands the first event to a thread of cement's, which brings it to the App
//! ([`after_first_signal`]):
//! Windows (Wine at least) runs one handler call at a time, and a second event must
//! reach the handler while the first one's close runs. A caught event's status is
//! `STATUS_CONTROL_C_EXIT` (`0xC000013A`, what Windows reports for a process ended
//! by Ctrl-C) unless a hook set a code; a second event ends the process at once with
//! it. No thread waits for events before one arrives, so catching costs nothing at
//! start-up.
//!
//! For `CTRL_CLOSE_EVENT`, `CTRL_LOGOFF_EVENT` and `CTRL_SHUTDOWN_EVENT`, Windows
//! ends the process when the handler returns, and about 5 s after the event whatever
//! it does; the shutdown grace is cut to [`ENDING_EVENT_BUDGET`] and the handler does
//! not return before the process has ended, within that budget.

use std::time::Duration;

use windows_sys::core::BOOL;
use windows_sys::Win32::Foundation::{FALSE, TRUE};
use windows_sys::Win32::System::Console::{
    SetConsoleCtrlHandler, CTRL_BREAK_EVENT, CTRL_CLOSE_EVENT, CTRL_C_EVENT, CTRL_LOGOFF_EVENT,
    CTRL_SHUTDOWN_EVENT,
};
use windows_sys::Win32::System::Threading::{ExitProcess, GetCurrentProcess, TerminateProcess};

use super::{after_first_signal, arrival, Arrival, Runtime, Signal};

/// How long the handler of an event that ends the process anyway (a closed console
/// window, log-off, shutdown) may take: Windows allows about 5 s.
pub(crate) const ENDING_EVENT_BUDGET: Duration = Duration::from_millis(4500);

/// Runs `f` on a detached thread of cement's own.
pub(crate) fn spawn(f: Box<dyn FnOnce() + Send>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("cement".to_owned())
        .spawn(f)
        .map(drop)
}

/// Ends the process at once, as `_exit`: no atexit handler runs.
pub(crate) fn exit_at_once(code: i32) -> ! {
    // SAFETY: TerminateProcess on the pseudo-handle of this process ends it with
    // `code` and returns only if it failed; ExitProcess never returns.
    unsafe {
        TerminateProcess(GetCurrentProcess(), code as u32);
        ExitProcess(code as u32)
    }
}

/// The console control handler, once per process. It stays registered; while no App
/// catches, it declines the event, so the next handler (Windows' default: end the
/// process) takes it, as before cement.
pub(super) fn install() -> Result<(), super::InstallError> {
    // SAFETY: `on_console_event` has the signature of a HandlerRoutine and is a
    // function that lives for the whole process.
    if unsafe { SetConsoleCtrlHandler(Some(on_console_event), TRUE) } == 0 {
        return Err(("SetConsoleCtrlHandler", std::io::Error::last_os_error()));
    }
    Ok(())
}

/// Nothing waits for a console event: Windows starts a thread for each one.
pub(super) fn watch(_runtime: Option<&Runtime>) -> Result<(), super::InstallError> {
    Ok(())
}

/// The signal a console control event is.
fn signal_of(event: u32) -> Option<Signal> {
    Some(match event {
        CTRL_C_EVENT => Signal::INT,
        CTRL_BREAK_EVENT => Signal::BREAK,
        CTRL_CLOSE_EVENT => Signal::CLOSE,
        CTRL_LOGOFF_EVENT => Signal::LOGOFF,
        CTRL_SHUTDOWN_EVENT => Signal::SHUTDOWN,
        _ => return None,
    })
}

unsafe extern "system" fn on_console_event(event: u32) -> BOOL {
    // Nothing may unwind out of an `extern "system"` function.
    match std::panic::catch_unwind(|| handle_console_event(event)) {
        Ok(true) => TRUE,
        _ => FALSE,
    }
}

/// The handler routine's work, on the thread Windows started for `event`: whether
/// the event is handled (`false` passes it on to the next handler). Also what tests
/// call for the events that cannot be sent to a process under test.
pub(crate) fn handle_console_event(event: u32) -> bool {
    let Some(signal) = signal_of(event) else {
        return false;
    };
    match arrival(signal) {
        Arrival::NotCatching => false,
        Arrival::AtOnce => {
            crate::report::line(&format_args!(
                "{signal} while shutting down: exiting at once with 0xC000013A"
            ));
            exit_at_once(signal.exit_code())
        }
        Arrival::First => {
            let ends_process = matches!(signal, Signal::CLOSE | Signal::LOGOFF | Signal::SHUTDOWN);
            let budget = ends_process.then_some(ENDING_EVENT_BUDGET);
            let spawned = spawn(Box::new(move || after_first_signal(budget)));
            if spawned.is_err() {
                after_first_signal(budget);
            }
            if ends_process {
                // Returning lets Windows end the process now: give the signal path
                // (or the body's thread) the budget to close and end it.
                std::thread::sleep(ENDING_EVENT_BUDGET);
            }
            true
        }
    }
}

/// What Windows' own handler would have done with an event that came as the App
/// stopped catching, after the event was taken from it: end the process.
pub(super) fn as_before_cement(signal: Signal) {
    crate::atexit::exit_process(signal.exit_code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_console_event_is_a_signal() {
        assert_eq!(signal_of(CTRL_C_EVENT), Some(Signal::INT));
        assert_eq!(signal_of(CTRL_BREAK_EVENT), Some(Signal::BREAK));
        assert_eq!(signal_of(CTRL_CLOSE_EVENT), Some(Signal::CLOSE));
        assert_eq!(signal_of(CTRL_LOGOFF_EVENT), Some(Signal::LOGOFF));
        assert_eq!(signal_of(CTRL_SHUTDOWN_EVENT), Some(Signal::SHUTDOWN));
        assert_eq!(signal_of(7), None);
    }

    #[test]
    fn an_event_is_declined_while_no_app_catches() {
        assert!(!handle_console_event(CTRL_BREAK_EVENT));
        assert!(!handle_console_event(CTRL_CLOSE_EVENT));
    }
}
