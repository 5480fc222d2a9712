//! What generated code needs, and nothing else. Not a public API: it changes without
//! notice between versions. `cement-macros` is pinned to this crate's exact version.

use std::fmt::Debug;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

pub use inventory;

pub use crate::hooks::DeclaredHook;
pub use crate::testing::{TestOptions, run_test};
use crate::{App, Signal, exit};

/// What a hook or a `#[cement::main]` body may return: `()` or `Result<(), E: Debug>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not something a cement hook or main may return",
    label = "expected `()` or `Result<(), E>` with `E: Debug`"
)]
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

/// The options of `#[cement::main]`.
#[derive(Clone, Copy, Debug)]
pub struct MainOptions {
    pub label: &'static str,
    pub exit_on_close: bool,
    pub catch_signals: bool,
}

/// The generated `main`: build the App, set it up, run the body, close, and turn the
/// outcome into the process status of SPEC §3.
pub fn run_main<R: Outcome>(options: MainOptions, body: impl FnOnce(&App) -> R) -> ExitCode {
    let app = App::builder(options.label)
        .exit_on_close(options.exit_on_close)
        .catch_signals(options.catch_signals)
        .build();
    app.setup();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| app.run(body).into_outcome()));
    let mut panic = None;
    let mut returned_err = false;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(message)) => {
            eprintln!("Error: {message}");
            returned_err = true;
            app.fail();
        }
        Err(payload) => {
            app.fail();
            panic = Some(payload);
        }
    }
    let code = app.close();
    drop(app);
    if options.exit_on_close {
        return exit_status(code);
    }
    if let Some(payload) = panic {
        panic::resume_unwind(payload);
    }
    if returned_err {
        return ExitCode::FAILURE;
    }
    if code != 0 {
        exit::report_ignored_code(code);
    }
    ExitCode::SUCCESS
}

/// `code` as the process status: returned from `main` where it fits in a `u8`, so
/// destructors still run; otherwise through `std::process::exit`, where the
/// platform truncates it.
pub fn exit_status(code: i32) -> ExitCode {
    match u8::try_from(code) {
        Ok(code) => ExitCode::from(code),
        Err(_) => std::process::exit(code),
    }
}
