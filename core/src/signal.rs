//! The [`Signal`] handed to `signal` hooks: a POSIX signal on Unix, a console control
//! event on Windows.

use std::fmt;

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
/// # extern crate cement_core as cement;
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
    /// # extern crate cement_core as cement;
    /// assert_eq!(cement::Signal::INT.number(), 2);
    /// ```
    pub const INT: Signal = Signal(2);
    /// `SIGTERM`, the polite request to end. Never arrives on Windows.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// assert_eq!(cement::Signal::TERM.number(), 15);
    /// ```
    pub const TERM: Signal = Signal(15);
    /// `SIGHUP`, the terminal went away. Never arrives on Windows.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// assert_eq!(cement::Signal::HUP.number(), 1);
    /// ```
    pub const HUP: Signal = Signal(1);
    /// Windows' `CTRL_BREAK_EVENT` (Ctrl-Break). Never arrives on Unix.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// assert_eq!(cement::Signal::BREAK.name(), "CTRL_BREAK_EVENT");
    /// ```
    pub const BREAK: Signal = Signal(-1);
    /// Windows' `CTRL_CLOSE_EVENT`: the console window was closed. Windows ends the
    /// process about 5 s later whatever it does, so the grace a cooperating body gets
    /// is cut to fit. Never arrives on Unix.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// assert_eq!(cement::Signal::CLOSE.name(), "CTRL_CLOSE_EVENT");
    /// ```
    pub const CLOSE: Signal = Signal(-2);
    /// Windows' `CTRL_LOGOFF_EVENT` (received by services). Never arrives on Unix.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// assert_eq!(cement::Signal::LOGOFF.name(), "CTRL_LOGOFF_EVENT");
    /// ```
    pub const LOGOFF: Signal = Signal(-5);
    /// Windows' `CTRL_SHUTDOWN_EVENT` (received by services). Never arrives on Unix.
    ///
    /// ```
    /// # extern crate cement_core as cement;
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
    /// # extern crate cement_core as cement;
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
    /// # extern crate cement_core as cement;
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
    /// # extern crate cement_core as cement;
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
    /// # extern crate cement_core as cement;
    /// # #[cfg(unix)]
    /// assert_eq!(cement::Signal::TERM.exit_code(), 143);
    /// # #[cfg(windows)]
    /// assert_eq!(cement::Signal::INT.exit_code() as u32, 0xC000_013A);
    /// ```
    pub const fn exit_code(self) -> i32 {
        exit_code(self)
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// On Unix, a process ended by signal n exits with 128 + n.
#[cfg(unix)]
const fn exit_code(signal: Signal) -> i32 {
    128 + signal.number()
}

/// On Windows, `STATUS_CONTROL_C_EXIT`: what Windows reports for a process ended by
/// Ctrl-C.
#[cfg(windows)]
const fn exit_code(_signal: Signal) -> i32 {
    0xC000_013A_u32 as i32
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
