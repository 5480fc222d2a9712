//! What the generated `main` and `#[cement::test]` do: run an App from setup to close,
//! then turn how it ended into a process status or a test verdict (SPEC §3, "Exit
//! paths"; SPEC §2, `#[cement::test]`).

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::process::{Command, ExitCode};

use crate::__private::Outcome;
use crate::App;
use crate::exit;

/// How a run ended, after close.
struct Ending {
    /// The App's final code.
    code: i32,
    /// The body's panic, to continue once close is done.
    panic: Option<Box<dyn Any + Send>>,
    /// The body returned `Err` (already reported on stderr).
    returned_err: bool,
}

/// Setup, the body, close. A body that returns `Err` or panics sets the code to 1
/// unless it is already non-zero; close runs in every case.
fn run_to_close<R: Outcome>(app: App, body: impl FnOnce(&App) -> R) -> Ending {
    app.setup();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| app.run(body).into_outcome()));
    let mut ending = Ending {
        code: 0,
        panic: None,
        returned_err: false,
    };
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(message)) => {
            eprintln!("Error: {message}");
            ending.returned_err = true;
            app.fail();
        }
        Err(payload) => {
            app.fail();
            ending.panic = Some(payload);
        }
    }
    ending.code = app.close();
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
}

/// The generated `main`.
pub fn run_main<R: Outcome>(options: MainOptions, body: impl FnOnce(&App) -> R) -> ExitCode {
    let app = App::builder(options.label)
        .exit_on_close(options.exit_on_close)
        .catch_signals(options.catch_signals)
        .build();
    let ending = run_to_close(app, body);
    if options.exit_on_close {
        return exit_status(ending.code);
    }
    if let Some(payload) = ending.panic {
        panic::resume_unwind(payload);
    }
    if ending.returned_err {
        return ExitCode::FAILURE;
    }
    if ending.code != 0 {
        exit::report_ignored_code(ending.code);
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

/// The options of `#[cement::test]`.
#[derive(Clone, Copy, Debug)]
pub struct TestOptions {
    /// The App's label.
    pub label: &'static str,
    /// The exit code the test expects.
    pub expect_exit: i32,
    /// Run the App for real in a child process and check its exit status.
    pub exit_on_close: bool,
    /// The test function's full path, `concat!(module_path!(), "::", name)`.
    pub path: &'static str,
}

/// Set in the child process of an `exit_on_close` test to the test's name.
const CHILD_ENV: &str = "CEMENT_TEST_CHILD";

/// The generated test body.
pub fn run_test<R: Outcome>(options: TestOptions, body: impl FnOnce(&App) -> R) {
    if options.exit_on_close {
        // The harness names a test by its path without the crate's name.
        let name = options
            .path
            .split_once("::")
            .map_or(options.path, |(_, name)| name);
        if std::env::var_os(CHILD_ENV).is_some_and(|child| child == name) {
            run_test_as_child(options, body);
        }
        return run_test_in_child(options, name);
    }
    let app = App::builder(options.label).build();
    let ending = run_to_close(app, body);
    if let Some(payload) = ending.panic {
        panic::resume_unwind(payload);
    }
    assert!(
        ending.code == options.expect_exit,
        "cement: the App closed with exit code {}, but the test expects {}",
        ending.code,
        options.expect_exit,
    );
}

/// In the child: the App as `#[cement::main(exit_on_close = true)]` runs it, then the
/// process really ends with its code.
fn run_test_as_child<R: Outcome>(options: TestOptions, body: impl FnOnce(&App) -> R) -> ! {
    let app = App::builder(options.label).exit_on_close(true).build();
    let ending = run_to_close(app, body);
    std::process::exit(ending.code)
}

/// In the parent: run this one test again in a child process and check its status.
fn run_test_in_child(options: TestOptions, name: &str) {
    let exe = std::env::current_exe().expect("cement: cannot find the test binary to re-run");
    let output = Command::new(exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, name)
        .output()
        .expect("cement: cannot re-run the test binary");
    let status = output.status.code();
    assert!(
        status == Some(options.expect_exit),
        "cement: the test's App exited with {}, but the test expects {}\n\
         --- child stdout ---\n{}--- child stderr ---\n{}",
        status.map_or_else(|| "a signal".to_owned(), |code| code.to_string()),
        options.expect_exit,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}
