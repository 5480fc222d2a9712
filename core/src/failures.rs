//! What runs ([`Running`]: a hook or deferred cleanup, as reports name it) and what
//! failed ([`HookFailure`]): every hook or deferred cleanup of an App that panicked
//! or returned `Err`, kept in order for [`App::failures`](crate::App::failures).
//! They are recorded where they are reported, in `App::report_failure`.

use std::fmt;
use std::sync::Mutex;

use crate::lock;
use crate::points::Hook;
use crate::report::Failure;

/// One piece of user code that the close sequence (or any hook point) runs.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Running {
    /// A declared hook, by its full path.
    Declared(Hook, &'static str),
    /// A run-time hook, by registration number and weight.
    RunTime(Hook, u64, i32),
    /// An App-scoped deferred cleanup, by registration number (from 1).
    Deferred(usize),
}

impl Running {
    /// The hook point, for a hook; `None` for a deferred cleanup.
    pub(crate) fn point(self) -> Option<Hook> {
        match self {
            Running::Declared(point, _) | Running::RunTime(point, _, _) => Some(point),
            Running::Deferred(_) => None,
        }
    }

    /// What reports call it after the point: a declared hook's path,
    /// `#3 (run-time, weight 5)`, or `deferred cleanup #2`.
    pub(crate) fn name(self) -> RunningName {
        RunningName(self)
    }
}

/// [`Running::name`], formatted when shown.
pub(crate) struct RunningName(Running);

impl fmt::Display for RunningName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Running::Declared(_, path) => f.write_str(path),
            Running::RunTime(_, number, weight) => {
                write!(f, "#{number} (run-time, weight {weight})")
            }
            Running::Deferred(number) => write!(f, "deferred cleanup #{number}"),
        }
    }
}

/// `pre_close hook app::flush`, `pre_close hook #3 (run-time, weight 5)`,
/// `deferred cleanup #2`: how reports name it.
impl fmt::Display for Running {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.point() {
            Some(point) => write!(f, "{point} hook {}", self.name()),
            None => write!(f, "{}", self.name()),
        }
    }
}

/// A hook or deferred cleanup of an [`App`](crate::App) that panicked or returned
/// `Err`: what [`App::failures`](crate::App::failures) lists.
///
/// Its [`Display`](fmt::Display) is the line cement reports on stderr, without the
/// `cement: ` in front: `pre_close hook myapp::flush returned an error: disk full`.
///
/// ```
/// # extern crate cement_core as cement;
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
    /// It is a supervised task's (`hook` is the task's name).
    task: bool,
    failure: Failure,
}

impl HookFailure {
    pub(crate) fn new(running: Running, failure: Failure) -> HookFailure {
        HookFailure {
            point: running.point(),
            // `format!`, not `to_string`: see `report::error_chain`.
            hook: format!("{}", running.name()),
            task: false,
            failure,
        }
    }

    /// A supervised task's failure: it failed, panicked or did not stop in time.
    pub(crate) fn of_task(name: &str, failure: Failure) -> HookFailure {
        HookFailure {
            point: None,
            hook: name.to_owned(),
            task: true,
            failure,
        }
    }

    /// The task's name, if a supervised task ([`App::spawn_thread`](crate::App::spawn_thread),
    /// `App::spawn`) failed; `None` for hooks and deferred cleanups. Its
    /// [`point`](HookFailure::point) is `None` and its [`hook`](HookFailure::hook)
    /// is the same name.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// let task = app.spawn_thread("indexer", |_stop| Err::<(), _>("disk full"));
    /// task.join(None);
    /// let failure = &app.failures()[0];
    /// assert_eq!(failure.task(), Some("indexer"));
    /// assert_eq!(failure.to_string(), "task indexer returned an error: disk full");
    /// # app.close();
    /// ```
    pub fn task(&self) -> Option<&str> {
        self.task.then_some(self.hook.as_str())
    }

    /// The hook point that failed; `None` for a deferred cleanup
    /// ([`App::defer`](crate::App::defer)).
    ///
    /// ```
    /// # extern crate cement_core as cement;
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
    /// - a run-time hook ([`App::register_hook`](crate::App::register_hook)):
    ///   `#N (run-time, weight W)`, where
    ///   `N` counts the App's run-time hooks from 1 in registration order;
    /// - a deferred cleanup ([`App::defer`](crate::App::defer)): `deferred cleanup #N`,
    ///   counted from 1
    ///   in registration order.
    ///
    /// ```
    /// # extern crate cement_core as cement;
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
    /// type without `Display`): a declared hook returning `std::io::Result` that
    /// failed to read a file says `No such file or directory (os error 2)`. Unlike
    /// the report on stderr, line breaks are kept.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// use cement::{App, Hook};
    ///
    /// let app = App::new("demo");
    /// app.register_hook(Hook::PreClose, 0, |_app: &App| panic!("disk full\nretry later"));
    /// app.close();
    /// assert_eq!(app.failures()[0].message(), "disk full\nretry later");
    /// ```
    pub fn message(&self) -> &str {
        self.failure.message()
    }

    /// Whether it panicked (`false`: it returned `Err`).
    ///
    /// ```
    /// # extern crate cement_core as cement;
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
        } else if self.task {
            f.write_str("task ")?;
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

    pub(crate) fn all(&self) -> Vec<HookFailure> {
        lock(&self.0).clone()
    }
}
