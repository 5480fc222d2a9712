//! What generated code needs, and nothing else. Not a public API: it changes without
//! notice between versions. `cement-macros` is pinned to this crate's exact version.

use std::fmt::Debug;

pub use inventory;

pub use crate::entry::{exit_status, run_main, MainOptions};
pub use crate::hooks::DeclaredHook;
pub use crate::testing::{run_test, TestOptions};

#[cfg(feature = "tokio")]
pub use crate::async_rt::{run_async_main, run_async_test, BodyFuture, RuntimeOptions};
#[cfg(feature = "tokio")]
pub use crate::hooks::HookFuture;
use crate::Signal;

/// What a hook or a `#[cement::main]` body may return: `()` or `Result<(), E: Debug>`.
pub trait Outcome {
    /// `Err` with the error's `Debug` text.
    fn into_outcome(self) -> Result<(), String>;
}

impl Outcome for () {
    fn into_outcome(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: Debug> Outcome for Result<(), E> {
    fn into_outcome(self) -> Result<(), String> {
        self.map_err(|error| format!("{error:?}"))
    }
}

/// The signal a `signal` hook's wrapper passes on: the runtime always gives signal
/// hooks `Some(signal)`.
pub fn delivered_signal(signal: Option<Signal>) -> Signal {
    signal.expect("cement runs signal hooks with the signal that arrived")
}
