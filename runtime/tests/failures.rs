//! `App::failures()`: every hook and deferred cleanup of an App that
//! failed, in order, with its point, name, message and whether it panicked.
//!
//! Every test uses its own label, so the declared hooks below (scoped with `app`) run
//! only for the test that owns them.

use std::error::Error;
use std::fmt;

use cement::{cleanup, App, Hook, HookFailure};

/// `(point, hook, message, panicked)` of each failure, to compare in one go.
fn summary(app: &App) -> Vec<(Option<Hook>, String, String, bool)> {
    app.failures()
        .iter()
        .map(|f| {
            (
                f.point(),
                f.hook().to_owned(),
                f.message().to_owned(),
                f.panicked(),
            )
        })
        .collect()
}

fn failure(
    point: Option<Hook>,
    hook: &str,
    message: &str,
    panicked: bool,
) -> (Option<Hook>, String, String, bool) {
    (point, hook.to_owned(), message.to_owned(), panicked)
}

#[test]
fn a_clean_close_has_no_failures() {
    let app = App::new("failures-none");
    app.register_hook(Hook::PreClose, 0, |_app: &App| {});
    app.defer(|| {});
    assert_eq!(app.close(), 0);
    assert!(app.failures().is_empty());
}

#[cleanup(pre_close, app = "failures-declared")]
fn read_missing_journal() -> std::io::Result<()> {
    std::fs::read("/nonexistent/cement-failures/journal")?;
    Ok(())
}

#[cement::hook(post_setup, app = "failures-declared")]
fn panics_in_setup() {
    panic!("no config\nanywhere");
}

#[test]
fn declared_hooks_are_recorded_by_path_with_their_message() {
    let app = App::new("failures-declared");
    app.setup();
    assert_eq!(app.close(), 1);
    assert_eq!(
        summary(&app),
        [
            failure(
                Some(Hook::PostSetup),
                "failures::panics_in_setup",
                "no config\nanywhere",
                true
            ),
            failure(
                Some(Hook::PreClose),
                "failures::read_missing_journal",
                "No such file or directory (os error 2)",
                false
            ),
        ]
    );
    // Display is the report line without `cement: `, on one line.
    let lines: Vec<String> = app.failures().iter().map(HookFailure::to_string).collect();
    assert_eq!(
        lines,
        [
            "post_setup hook failures::panics_in_setup panicked: no config\\nanywhere",
            "pre_close hook failures::read_missing_journal returned an error: \
             No such file or directory (os error 2)",
        ]
    );
}

#[test]
fn run_time_hooks_are_recorded_by_number_and_weight() {
    let app = App::new("failures-run-time");
    app.register_hook(Hook::PreClose, 0, |_app: &App| {});
    app.register_hook(Hook::PreClose, 5, |_app: &App| panic!("disk full"));
    app.register_hook(Hook::PostClose, -1, |_app: &App| panic!("{}", 42));
    assert_eq!(app.close(), 1);
    assert_eq!(
        summary(&app),
        [
            failure(
                Some(Hook::PreClose),
                "#2 (run-time, weight 5)",
                "disk full",
                true
            ),
            failure(
                Some(Hook::PostClose),
                "#3 (run-time, weight -1)",
                "42",
                true
            ),
        ]
    );
}

#[test]
fn deferred_cleanups_have_no_point_and_are_numbered_by_registration() {
    let app = App::new("failures-deferred");
    app.defer(|| {});
    app.defer(|| panic!("cannot unlink"));
    app.defer(|| panic!("lock lost"));
    assert_eq!(app.close(), 1);
    assert_eq!(
        summary(&app),
        [
            // Last registered first.
            failure(None, "deferred cleanup #3", "lock lost", true),
            failure(None, "deferred cleanup #2", "cannot unlink", true),
        ]
    );
    assert_eq!(
        app.failures()[0].to_string(),
        "deferred cleanup #3 panicked: lock lost"
    );
}

#[cleanup(pre_close, weight = 1, app = "failures-order")]
fn declared_err() -> Result<(), String> {
    Err("declared".to_owned())
}

#[test]
fn failures_are_listed_in_the_order_they_happened() {
    let app = App::new("failures-order");
    app.register_hook(Hook::PreRun, 0, |_app: &App| panic!("pre_run"));
    app.register_hook(Hook::PostClose, 0, |_app: &App| panic!("post_close"));
    app.defer(|| panic!("deferred"));
    app.register_hook(Hook::PreClose, 0, |_app: &App| panic!("pre_close w0"));
    app.register_hook(Hook::PreClose, 2, |_app: &App| panic!("pre_close w2"));
    app.setup();
    app.run(|_app| {});
    // A non-zero code already set stays; the failures are still recorded.
    app.set_exit_code(3);
    assert_eq!(app.close(), 3);
    let messages: Vec<String> = app
        .failures()
        .iter()
        .map(|f| f.message().to_owned())
        .collect();
    assert_eq!(
        messages,
        [
            "pre_run",
            "pre_close w0",
            "declared",
            "pre_close w2",
            "deferred",
            "post_close"
        ]
    );
}

#[test]
fn cleanups_run_at_once_after_close_are_recorded_too() {
    let app = App::new("failures-late");
    app.close();
    app.register_hook(Hook::PreClose, 7, |_app: &App| panic!("late hook"));
    app.defer(|| panic!("late cleanup"));
    assert_eq!(
        summary(&app),
        [
            failure(
                Some(Hook::PreClose),
                "#1 (run-time, weight 7)",
                "late hook",
                true
            ),
            failure(None, "deferred cleanup #1", "late cleanup", true),
        ]
    );
}

#[test]
fn failures_of_one_app_are_not_anothers() {
    let failing = App::new("failures-mine");
    let clean = App::new("failures-theirs");
    failing.defer(|| panic!("mine"));
    failing.close();
    clean.close();
    assert_eq!(failing.failures().len(), 1);
    assert!(clean.failures().is_empty());
}

/// `outer`, caused by an error whose message is `inner`.
#[derive(Debug)]
struct Outer;

#[derive(Debug)]
struct Inner;

impl fmt::Display for Outer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("outer")
    }
}

impl fmt::Display for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("inner")
    }
}

impl Error for Outer {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&Inner)
    }
}

impl Error for Inner {}

#[derive(Debug)]
#[allow(dead_code)] // Read through `Debug` only.
struct DebugOnly(&'static str);

#[cleanup(pre_close, weight = 1, app = "failures-messages")]
fn chain() -> Result<(), Outer> {
    Err(Outer)
}

#[cleanup(pre_close, weight = 2, app = "failures-messages")]
fn boxed() -> Result<(), Box<dyn Error>> {
    Err(Box::new(Outer))
}

#[cleanup(pre_close, weight = 3, app = "failures-messages")]
fn boxed_send() -> Result<(), Box<dyn Error + Send>> {
    Err(Box::new(Outer))
}

#[cleanup(pre_close, weight = 4, app = "failures-messages")]
fn text() -> Result<(), &'static str> {
    Err("plain \"text\"")
}

#[cleanup(pre_close, weight = 5, app = "failures-messages")]
fn debug_only() -> Result<(), DebugOnly> {
    Err(DebugOnly("x"))
}

#[cleanup(pre_close, weight = 6, app = "failures-messages")]
fn fmt_result() -> fmt::Result {
    Err(fmt::Error)
}

#[test]
fn the_message_is_the_chain_or_display_or_debug_by_the_error_type() {
    let app = App::new("failures-messages");
    app.close();
    let messages: Vec<String> = app
        .failures()
        .iter()
        .map(|f| f.message().to_owned())
        .collect();
    assert_eq!(
        messages,
        [
            "outer: inner",
            "outer: inner",
            "outer: inner",
            "plain \"text\"",
            "DebugOnly(\"x\")",
            "an error occurred when formatting an argument",
        ]
    );
}
