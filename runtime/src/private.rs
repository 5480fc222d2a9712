//! What generated code needs, and nothing else. Not a public API: it changes without
//! notice between versions. `cement-macros` is pinned to this crate's exact version.

use std::fmt::Debug;

pub use inventory;

pub use crate::hooks::DeclaredHook;

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

pub use crate::entry::{MainOptions, TestOptions, exit_status, run_main, run_test};
