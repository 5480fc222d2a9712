//! What `#[cement::test]` runs: the test body in an App, then a check of the App's
//! final exit code; with `exit_on_close = true`, the same in a child process (this test
//! binary, re-run for this one test) whose real exit status is checked.

use std::panic;
use std::process::Command;

use crate::__private::Outcome;
use crate::entry::{run_to_close, Ending};
use crate::App;

/// Set in a child process to the name of the one test it runs for real.
const CHILD_TEST: &str = "CEMENT_TEST_CHILD";

/// The options of `#[cement::test]`.
#[derive(Clone, Copy, Debug)]
pub struct TestOptions {
    /// The App's label.
    pub label: &'static str,
    /// Run the App for real in a child process and check its exit status.
    pub exit_on_close: bool,
    /// The exit code the test expects.
    pub expect_exit: i32,
    /// `module_path!()` and the test function's name, joined by `::`.
    pub path: &'static str,
}

/// Runs a `#[cement::test]` body.
pub fn run_test<R: Outcome>(options: TestOptions, body: impl FnOnce(&App) -> R) {
    run_test_with(options, |app| run_to_close(app, body));
}

/// Runs a test whose App `run` takes from setup to close (sync or async).
pub(crate) fn run_test_with(options: TestOptions, run: impl FnOnce(App) -> Ending) {
    if !options.exit_on_close {
        let code = run_in_app(options, run);
        check_code(code, options.expect_exit, "the App closed with exit code");
        return;
    }
    let name = test_name(options.path);
    if std::env::var(CHILD_TEST).as_deref() == Ok(name) {
        let code = run_in_app(options, run);
        std::process::exit(code);
    }
    run_child(name, options.expect_exit);
}

/// Setup, body, close, as the generated `main` does, but without ending the process:
/// returns the final exit code. A panicking body continues its panic after close,
/// unless the App runs for real (`exit_on_close`), where it is code 1 as in `main`.
fn run_in_app(options: TestOptions, run: impl FnOnce(App) -> Ending) -> i32 {
    let app = App::builder(options.label)
        .exit_on_close(options.exit_on_close)
        .build();
    let ending = run(app);
    match ending.panic {
        Some(payload) if !options.exit_on_close => panic::resume_unwind(payload),
        _ => {}
    }
    ending.code
}

fn check_code(code: i32, expected: i32, what: &str) {
    assert!(
        code == expected,
        "{what} {code}, expected {expected} (`expect_exit`)"
    );
}

/// The name the test harness knows the test by: the path without the crate's name.
fn test_name(path: &'static str) -> &'static str {
    path.split_once("::").map_or(path, |(_crate, rest)| rest)
}

/// Re-runs this test binary for the test `name` alone and checks its exit status.
fn run_child(name: &str, expected: i32) {
    let exe = std::env::current_exe().expect("the test binary's path");
    let output = Command::new(exe)
        .args([name, "--exact", "--nocapture", "--include-ignored"])
        .args(["--test-threads", "1"])
        .env(CHILD_TEST, name)
        .output()
        .expect("cannot run the test binary again for this test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let shown = format!("\n--- child stdout ---\n{stdout}\n--- child stderr ---\n{stderr}");
    assert!(
        stdout.contains("running 1 test"),
        "the child process did not run test `{name}`{shown}"
    );
    match output.status.code() {
        Some(code) => assert!(
            code == expected,
            "the child process exited with {code}, expected {expected} (`expect_exit`){shown}"
        ),
        None => panic!(
            "the child process was ended by a signal ({}){shown}",
            output.status
        ),
    }
}
