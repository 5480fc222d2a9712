//! Failure records (SPEC §10): every hook or deferred cleanup of an App that
//! panicked or returned `Err`, kept in order for [`App::failures`]. They are recorded
//! where they are reported, in `exit::report_failure`.

use std::fmt;
use std::sync::Mutex;

use crate::deadline::Running;
use crate::exit::Failure;
use crate::hooks::Hook;
use crate::lock;
use crate::App;

/// A hook or deferred cleanup of an [`App`] that panicked or returned `Err`: what
/// [`App::failures`] lists.
///
/// Its [`Display`](fmt::Display) is the line cement reports on stderr, without the
/// `cement: ` in front: `pre_close hook myapp::flush returned an error: disk full`.
///
/// ```
/// use cement::{App, Hook};
///
/// let app = App::new("demo");
/// app.register_hook(Hook::PreClose, 5, |_app: &App| panic!("disk full"));
/// app.close();
///
/// let failures = app.failures();
/// assert_eq!(failures.len(), 1);
/// let failure = &failures[0];
/// assert_eq!(failure.point(), Some(Hook::PreClose));
/// assert_eq!(failure.hook(), "#1 (run-time, weight 5)");
/// assert_eq!(failure.message(), "disk full");
/// assert!(failure.panicked());
/// assert_eq!(
///     failure.to_string(),
///     "pre_close hook #1 (run-time, weight 5) panicked: disk full"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HookFailure {
    point: Option<Hook>,
    hook: String,
    failure: Failure,
}

impl HookFailure {
    pub(crate) fn new(running: Running, failure: Failure) -> HookFailure {
        HookFailure {
            point: running.point(),
            // `format!`, not `to_string`: see `exit::error_chain`.
            hook: format!("{}", running.name()),
            failure,
        }
    }

    /// The hook point that failed; `None` for a deferred cleanup ([`App::defer`]).
    ///
    /// ```
    /// let app = cement::App::new("demo");
    /// app.defer(|| panic!("cannot unlink"));
    /// app.close();
    /// assert_eq!(app.failures()[0].point(), None);
    /// ```
    pub fn point(&self) -> Option<Hook> {
        self.point
    }

    /// Which hook failed, as the report names it after the point:
    ///
    /// - a declared hook (`#[cleanup]`, `#[cement::hook]`): its full path,
    ///   `crate::module::function`;
    /// - a run-time hook ([`App::register_hook`]): `#N (run-time, weight W)`, where
    ///   `N` counts the App's run-time hooks from 1 in registration order;
    /// - a deferred cleanup ([`App::defer`]): `deferred cleanup #N`, counted from 1
    ///   in registration order.
    ///
    /// ```
    /// use cement::{App, Hook};
    ///
    /// let app = App::new("demo");
    /// app.register_hook(Hook::PostClose, -2, |_app: &App| panic!("late"));
    /// app.defer(|| panic!("stuck"));
    /// app.close();
    /// let hooks: Vec<String> = app.failures().iter().map(|f| f.hook().to_owned()).collect();
    /// assert_eq!(hooks, ["deferred cleanup #1", "#1 (run-time, weight -2)"]);
    /// ```
    pub fn hook(&self) -> &str {
        &self.hook
    }

    /// What went wrong, as reported: a panic's payload, or for an `Err(e)` `e`'s
    /// `Display` followed by its `source()` chain, joined with `: ` (`Debug` for a
    /// type without `Display`). Unlike the report on stderr, line breaks are kept.
    ///
    /// ```
    /// #[cement::cleanup(pre_close, app = "demo")]
    /// fn read_journal() -> std::io::Result<()> {
    ///     std::fs::read("/nonexistent/journal")?;
    ///     Ok(())
    /// }
    ///
    /// let app = cement::App::new("demo");
    /// app.close();
    /// assert_eq!(app.failures()[0].message(), "No such file or directory (os error 2)");
    /// ```
    pub fn message(&self) -> &str {
        self.failure.message()
    }

    /// Whether it panicked (`false`: it returned `Err`).
    ///
    /// ```
    /// use cement::{App, Hook};
    ///
    /// let app = App::new("demo");
    /// app.register_hook(Hook::PreClose, 0, |_app: &App| panic!("boom"));
    /// app.close();
    /// assert!(app.failures()[0].panicked());
    /// ```
    pub fn panicked(&self) -> bool {
        self.failure.panicked()
    }
}

/// The report line without `cement: `, its message on one line.
impl fmt::Display for HookFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Piece by piece, not `write!`: one path for both forms, no format strings.
        if let Some(point) = self.point {
            f.write_str(point.name())?;
            f.write_str(" hook ")?;
        }
        f.write_str(&self.hook)?;
        f.write_str(" ")?;
        fmt::Display::fmt(&self.failure, f)
    }
}

/// Every failure of one App, in the order they happened.
#[derive(Default)]
pub(crate) struct FailureLog(Mutex<Vec<HookFailure>>);

impl FailureLog {
    pub(crate) fn record(&self, failure: HookFailure) {
        lock(&self.0).push(failure);
    }
}

impl App {
    /// Every hook and deferred cleanup of this App that panicked or returned `Err` so
    /// far, in the order they failed: the failures reported on stderr, as values.
    ///
    /// Failures of [`Defer`](crate::Defer) scopes, guards and
    /// [`atexit`](crate::atexit) handlers belong to no App and are not listed, nor is
    /// an `Err` returned by `#[cement::main]`'s body (std's `Error: {e:?}` reports it).
    ///
    /// For tests, and for a program that decides what its failures mean. A
    /// `#[cement::main]` program can let a last `post_close` hook (the heaviest) choose the exit
    /// code (a failure makes it 1; this makes it 75 when only the flush failed):
    ///
    /// ```
    /// use cement::{cleanup, App, Hook};
    ///
    /// #[cleanup(pre_close, app = "myapp")]
    /// fn flush_journal() -> Result<(), String> {
    ///     Err("journal is read-only".to_owned())
    /// }
    ///
    /// #[cleanup(post_close, weight = 1000, app = "myapp")]
    /// fn exit_code_from_failures(app: &App) {
    ///     let failures = app.failures();
    ///     let only_the_flush = !failures.is_empty()
    ///         && failures.iter().all(|f| f.hook().ends_with("::flush_journal"));
    ///     if only_the_flush {
    ///         app.set_exit_code(75); // EX_TEMPFAIL: try again later
    ///     }
    /// }
    ///
    /// // What `#[cement::main(label = "myapp", exit_on_close = true)]` runs:
    /// let app = App::new("myapp");
    /// app.setup();
    /// assert_eq!(app.close(), 75);
    /// ```
    ///
    /// A `main` that drives the App itself reads them once close is done:
    ///
    /// ```
    /// use cement::{App, HookFailure};
    /// use std::process::ExitCode;
    ///
    /// fn exit_code(failures: &[HookFailure]) -> ExitCode {
    ///     match failures {
    ///         [] => ExitCode::SUCCESS,
    ///         failures if failures.iter().any(HookFailure::panicked) => ExitCode::from(70),
    ///         _ => ExitCode::FAILURE,
    ///     }
    /// }
    ///
    /// fn main() -> ExitCode {
    ///     let app = App::new("myapp");
    ///     app.defer(|| println!("cleaned up"));
    ///     app.setup();
    ///     app.run(|_app| println!("working"));
    ///     app.close();
    ///     exit_code(&app.failures())
    /// }
    /// ```
    pub fn failures(&self) -> Vec<HookFailure> {
        lock(&self.failure_log().0).clone()
    }
}
