//! What the generated `main` does: drive an App from setup to close, then turn how
//! it ended into the process status (the crate docs' exit-path table).
//! `#[cement::test]` shares [`run_to_close`] (see `testing.rs`); the async form is in
//! `async_rt.rs`.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::time::Duration;

use crate::__private::Outcome;
use crate::deadline::CloseDeadline;
use crate::{lifecycle, report, App};

/// How a run ended, after close.
pub(crate) struct Ending {
    /// The App's final code.
    pub(crate) code: i32,
    /// The body's panic, to continue once close is done.
    pub(crate) panic: Option<Box<dyn Any + Send>>,
    /// The body returned `Err` (already reported on stderr).
    pub(crate) returned_err: bool,
    /// A signal was caught or delivered: the status is the code, whatever
    /// `exit_on_close` says.
    pub(crate) signalled: bool,
}

impl Ending {
    /// How the body ended (`Ok(None)`: a signal came before it could start): an
    /// `Err` is reported and, like a panic, makes the code 1 unless it is already
    /// non-zero.
    pub(crate) fn after_body(
        app: &App,
        outcome: Result<Option<Result<(), String>>, Box<dyn Any + Send>>,
    ) -> Ending {
        let mut ending = Ending {
            code: 0,
            panic: None,
            returned_err: false,
            signalled: false,
        };
        match outcome {
            Ok(None | Some(Ok(()))) => {}
            Ok(Some(Err(message))) => {
                // What std's `Termination` prints for a `main` that returned `Err`.
                report::write_line("Error: ", &message);
                ending.returned_err = true;
                app.fail();
            }
            Err(payload) => {
                app.fail();
                ending.panic = Some(payload);
            }
        }
        ending
    }

    /// Close returned `code`.
    pub(crate) fn closed(&mut self, app: &App, code: i32) {
        self.code = code;
        self.signalled = app.received_signal().is_some();
    }
}

/// Setup, the body, close, with this thread driving the App: it closes the App when
/// it comes back, so a signal never closes it beside a setup hook or the body (while
/// the grace lasts), and a signal that came before the body means no body. A body
/// that returns `Err` or panics sets the code to 1 unless it is already non-zero;
/// close runs in every case.
pub(crate) fn run_to_close<R: Outcome>(app: App, body: impl FnOnce(&App) -> R) -> Ending {
    app.lifecycle().drive();
    app.setup();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        app.try_run(body).map(Outcome::into_outcome)
    }));
    let mut ending = Ending::after_body(&app, outcome);
    ending.closed(&app, app.close());
    ending
}

/// The options of `#[cement::main]`.
#[derive(Clone, Copy, Debug)]
pub struct MainOptions {
    /// The App's label.
    pub label: &'static str,
    /// Whether the process status is the App's exit code.
    pub exit_on_close: bool,
    /// Whether the App catches SIGINT, SIGTERM and SIGHUP.
    pub catch_signals: bool,
    /// See [`AppBuilder::close_deadline`](crate::AppBuilder::close_deadline).
    pub close_deadline: Option<CloseDeadline>,
    /// See [`AppBuilder::shutdown_grace`](crate::AppBuilder::shutdown_grace);
    /// `None` keeps the default.
    pub shutdown_grace: Option<Duration>,
    /// See [`AppBuilder::notify_ready`](crate::AppBuilder::notify_ready).
    pub notify_ready: bool,
}

/// The App `#[cement::main]` runs.
pub(crate) fn build_app(options: &MainOptions) -> App {
    let mut builder = App::builder(options.label)
        .exit_on_close(options.exit_on_close)
        .catch_signals(options.catch_signals)
        .notify_ready(options.notify_ready);
    if let Some(deadline) = options.close_deadline {
        builder = builder.with_close_deadline(deadline);
    }
    if let Some(grace) = options.shutdown_grace {
        builder = builder.shutdown_grace(grace);
    }
    builder.build()
}

/// The generated `main`.
pub fn run_main<R: Outcome>(options: MainOptions, body: impl FnOnce(&App) -> R) -> ExitCode {
    // On the signal path, if the signal-watching thread closes the App, `run` and
    // `close` do not return here: that thread ends the process. What returns here
    // closed the App on this thread.
    let ending = run_to_close(build_app(&options), body);
    status(&options, ending)
}

/// The process status for how the run ended (the exit-path table), told to the
/// lifecycle: a signal during the atexit handlers changes a 0.
pub(crate) fn status(options: &MainOptions, ending: Ending) -> ExitCode {
    if options.exit_on_close || ending.signalled {
        lifecycle::main_returns(ending.code);
        return exit_status(ending.code);
    }
    if let Some(payload) = ending.panic {
        lifecycle::main_returns(101);
        panic::resume_unwind(payload);
    }
    if ending.returned_err {
        lifecycle::main_returns(1);
        return ExitCode::FAILURE;
    }
    if ending.code != 0 {
        report::report_ignored_code(ending.code);
    }
    lifecycle::main_returns(0);
    ExitCode::SUCCESS
}

/// `code` as the process status: returned from `main` where it fits in a `u8`, so
/// destructors still run; otherwise through `std::process::exit`, where the
/// platform truncates it.
pub fn exit_status(code: i32) -> ExitCode {
    match u8::try_from(code) {
        Ok(code) => ExitCode::from(code),
        Err(_) => crate::atexit::exit_process(code),
    }
}
