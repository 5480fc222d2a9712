//! What generated code needs, and nothing else. Not a public API: it changes without
//! notice between versions. `cement-macros` is pinned to this crate's exact version.

use std::convert::Infallible;
use std::error::Error;
use std::fmt::{Debug, Display};

pub use inventory;

pub use crate::deadline::CloseDeadline;
pub use crate::entry::{exit_status, run_main, MainOptions};
pub use crate::hooks::DeclaredHook;
pub use crate::testing::{run_test, TestOptions};

#[cfg(feature = "tokio")]
pub use crate::async_rt::{run_async_main, run_async_test, BodyFuture, RuntimeOptions};
#[cfg(feature = "tokio")]
pub use crate::hooks::HookFuture;
use crate::{report, Signal};

/// Runs the console control handler routine as Windows would on a thread of its own,
/// for `event` (`CTRL_CLOSE_EVENT`, ...): for tests of the events that cannot be sent
/// to a process under test. Returns whether the handler took the event.
#[cfg(windows)]
pub fn console_event(event: u32) -> bool {
    crate::signals::handle_console_event(event)
}

/// What a hook or a `#[cement::main]` body may return: `()` or `Result<(), E: Debug>`.
pub trait Outcome {
    /// The error type (`Infallible` for `()`).
    type Error: Debug;

    /// The value as a `Result`.
    fn into_result(self) -> Result<(), Self::Error>;

    /// `Err` with the error's `Debug` text, as std's `Termination` prints a `main`
    /// that returned `Err`.
    fn into_outcome(self) -> Result<(), String>
    where
        Self: Sized,
    {
        self.into_result().map_err(|error| format!("{error:?}"))
    }
}

impl Outcome for () {
    type Error = Infallible;

    fn into_result(self) -> Result<(), Infallible> {
        Ok(())
    }
}

impl<E: Debug> Outcome for Result<(), E> {
    type Error = E;

    fn into_result(self) -> Result<(), E> {
        self
    }
}

/// A declared hook's error, whose report message (its `Display` and source chain) the generated code picks
/// by autoref specialisation: it calls
/// `(&&&&ErrorMessage(&error)).cement_message_kind().report_message(&error)`, and
/// method lookup, which tries the receiver with the most references first, takes the
/// first kind that `E` allows:
///
/// 1. [`DynErrorKind`]: `Box<dyn Error (+ Send (+ Sync))>`, which is not itself an
///    `Error`: its `Display` and `source()` chain;
/// 2. [`ErrorChainKind`]: `E: Error`: its `Display` and `source()` chain;
/// 3. [`DisplayKind`]: `E: Display`: `{:#}`, which for `anyhow::Error` (not an
///    `Error`) is its chain, and for a `String` the text without quotes;
/// 4. [`DebugKind`]: anything else: `{:?}`.
///
/// The choice happens where the hook is declared, where `E` is a concrete type; a
/// generic function could not make it without specialisation. Kind 4 is chosen
/// without a bound: for an `E` that is not `Debug`, [`Outcome`]'s bound reports it at
/// the return type, and `DebugKind::report_message`'s `E: Debug` at the same span is
/// the same error, reported once; a kind with a bound would add a second error ("the
/// method exists but its trait bounds were not satisfied"). The ui case
/// `error_type_not_debug` pins this.
pub struct ErrorMessage<'a, E: ?Sized>(pub &'a E);

/// Kind 1 of [`ErrorMessage`].
pub struct DynErrorKind;
/// Kind 2 of [`ErrorMessage`].
pub struct ErrorChainKind;
/// Kind 3 of [`ErrorMessage`].
pub struct DisplayKind;
/// Kind 4 of [`ErrorMessage`].
pub struct DebugKind;

/// Chooses kind 1 of [`ErrorMessage`].
pub trait ViaDynError {
    /// The kind.
    fn cement_message_kind(&self) -> DynErrorKind {
        DynErrorKind
    }
}

/// Chooses kind 2 of [`ErrorMessage`].
pub trait ViaErrorChain {
    /// The kind.
    fn cement_message_kind(&self) -> ErrorChainKind {
        ErrorChainKind
    }
}

/// Chooses kind 3 of [`ErrorMessage`].
pub trait ViaDisplay {
    /// The kind.
    fn cement_message_kind(&self) -> DisplayKind {
        DisplayKind
    }
}

/// Chooses kind 4 of [`ErrorMessage`].
pub trait ViaDebug {
    /// The kind.
    fn cement_message_kind(&self) -> DebugKind {
        DebugKind
    }
}

impl ViaDynError for &&&ErrorMessage<'_, Box<dyn Error>> {}
impl ViaDynError for &&&ErrorMessage<'_, Box<dyn Error + Send>> {}
impl ViaDynError for &&&ErrorMessage<'_, Box<dyn Error + Send + Sync>> {}
impl<E: Error> ViaErrorChain for &&ErrorMessage<'_, E> {}
impl<E: Display + ?Sized> ViaDisplay for &ErrorMessage<'_, E> {}
impl<E: ?Sized> ViaDebug for ErrorMessage<'_, E> {}

/// A boxed `dyn Error`, seen as the error it holds.
pub trait BoxedError {
    /// The error in the box.
    fn as_error(&self) -> &dyn Error;
}

impl BoxedError for Box<dyn Error> {
    fn as_error(&self) -> &dyn Error {
        &**self
    }
}

impl BoxedError for Box<dyn Error + Send> {
    fn as_error(&self) -> &dyn Error {
        &**self
    }
}

impl BoxedError for Box<dyn Error + Send + Sync> {
    fn as_error(&self) -> &dyn Error {
        &**self
    }
}

impl DynErrorKind {
    /// The boxed error's `Display` and `source()` chain.
    pub fn report_message<E: BoxedError>(self, error: &E) -> String {
        report::error_chain(error.as_error())
    }
}

impl ErrorChainKind {
    /// The error's `Display` and `source()` chain.
    pub fn report_message<E: Error>(self, error: &E) -> String {
        report::error_chain(error)
    }
}

impl DisplayKind {
    /// The error's alternate `Display`, `{:#}`.
    pub fn report_message<E: Display + ?Sized>(self, error: &E) -> String {
        format!("{error:#}")
    }
}

impl DebugKind {
    /// The error's `Debug`.
    pub fn report_message<E: Debug + ?Sized>(self, error: &E) -> String {
        format!("{error:?}")
    }
}

/// The signal a `signal` hook's wrapper passes on: the runtime always gives signal
/// hooks `Some(signal)`.
pub fn delivered_signal(signal: Option<Signal>) -> Signal {
    signal.expect("cement runs signal hooks with the signal that arrived")
}
