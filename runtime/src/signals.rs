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
    pub const INT: Signal = Signal(libc::SIGINT);
    /// `SIGTERM`, the polite request to end.
    pub const TERM: Signal = Signal(libc::SIGTERM);
    /// `SIGHUP`, the terminal went away.
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
    pub const fn number(self) -> i32 {
        self.0
    }

    /// The signal's name: `SIGINT`, `SIGTERM` or `SIGHUP`.
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
