//! The [`Hook`] points of an App's life.

use std::fmt;

/// The points in an [`App`](crate::App)'s life where hooks run.
///
/// ```
/// # extern crate cement_core as cement;
/// use cement::{App, Hook};
///
/// let app = App::new("demo");
/// app.register_hook(Hook::PreClose, 0, |_app: &App| println!("closing"));
/// assert_eq!(Hook::PreClose.name(), "pre_close");
/// app.close();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Hook {
    /// First thing in [`App::setup`](crate::App::setup).
    PreSetup,
    /// Last thing in [`App::setup`](crate::App::setup).
    PostSetup,
    /// In [`App::run`](crate::App::run), before the body.
    PreRun,
    /// In [`App::run`](crate::App::run), after the body returned (not reached if it panicked).
    PostRun,
    /// Step 1 of [`App::close`](crate::App::close).
    PreClose,
    /// Step 3 of [`App::close`](crate::App::close), after the App's deferred cleanups.
    PostClose,
    /// When a caught signal arrives (or [`App::deliver_signal`](crate::App::deliver_signal)), before shutdown is
    /// requested and before the close sequence. The exit code is already 128 + the
    /// signal's number (unless a non-zero code was set); a hook may set another.
    Signal,
}

impl Hook {
    /// Every hook point, in lifecycle order.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let names: Vec<&str> = cement::Hook::ALL.iter().map(|hook| hook.name()).collect();
    /// assert_eq!(names[0], "pre_setup");
    /// assert_eq!(names[6], "signal");
    /// ```
    pub const ALL: [Hook; 7] = [
        Hook::PreSetup,
        Hook::PostSetup,
        Hook::PreRun,
        Hook::PostRun,
        Hook::PreClose,
        Hook::PostClose,
        Hook::Signal,
    ];

    /// The name used in attributes and reports: `pre_setup`, ..., `signal`.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// assert_eq!(cement::Hook::PostClose.name(), "post_close");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Hook::PreSetup => "pre_setup",
            Hook::PostSetup => "post_setup",
            Hook::PreRun => "pre_run",
            Hook::PostRun => "post_run",
            Hook::PreClose => "pre_close",
            Hook::PostClose => "post_close",
            Hook::Signal => "signal",
        }
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
