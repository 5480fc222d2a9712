//! The close deadline: with [`AppBuilder::close_deadline`](crate::AppBuilder::close_deadline),
//! a watchdog thread ends the process when the close sequence overruns, naming what
//! was running.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use crate::exit;
use crate::hooks::Hook;
use crate::lock;
use crate::App;

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

/// A close deadline and the watchdog that enforces it. Made only where a deadline is
/// set ([`AppBuilder::close_deadline`](crate::AppBuilder::close_deadline),
/// `#[cement::main(close_deadline_ms = ..)]`), and the App starts the watchdog
/// through it: a program that sets no deadline links no watchdog (SPEC §6).
#[derive(Clone, Copy)]
pub struct CloseDeadline {
    deadline: Duration,
    watch: fn(&App, Duration),
}

impl CloseDeadline {
    /// Used by generated code only.
    #[doc(hidden)]
    pub fn new(deadline: Duration) -> CloseDeadline {
        CloseDeadline {
            deadline,
            watch: watch_close,
        }
    }

    /// Starts the watchdog for `app`'s close sequence, which has just begun.
    pub(crate) fn watch(&self, app: &App) {
        (self.watch)(app, self.deadline);
    }
}

/// Shows as the deadline alone: `AppBuilder`'s `Debug` says `close_deadline: Some(10s)`.
impl fmt::Debug for CloseDeadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.deadline, f)
    }
}

/// What an App with a close deadline is running now.
#[derive(Default)]
pub(crate) struct Progress(Mutex<Option<Running>>);

impl Progress {
    /// Out of line: `App::track` calls it wherever a hook or cleanup starts, and it
    /// is needed only with a close deadline.
    #[inline(never)]
    pub(crate) fn set(&self, running: Running) {
        *lock(&self.0) = Some(running);
    }

    fn get(&self) -> Option<Running> {
        *lock(&self.0)
    }
}

/// Starts the watchdog for `app`'s close sequence, which has just begun.
fn watch_close(app: &App, deadline: Duration) {
    let app = app.share();
    let spawned = crate::signals::spawn(Box::new(move || {
        if app.wait_closed(deadline) {
            return;
        }
        let code = if app.exit_code() == 0 {
            1
        } else {
            app.exit_code()
        };
        let running = app
            .progress()
            .get()
            .map_or_else(|| "the close sequence".to_owned(), |r| r.to_string());
        exit::report_line(&format_args!(
            "close overran its deadline of {} in {running}; exiting with {code}",
            ShortDuration(deadline)
        ));
        // `_exit`: atexit handlers would wait for the close that is stuck.
        crate::signals::exit_at_once(code)
    }));
    if let Err(error) = spawned {
        exit::report_line(&format_args!("cannot watch the close deadline: {error}"));
    }
}

/// A duration in a report, in its largest whole unit: `10s`, `1500ms`, `250µs`. What
/// std's `Debug` for `Duration` prints for these, without its decimal formatting
/// (about 2 KiB of the binary).
pub(crate) struct ShortDuration(pub(crate) Duration);

impl fmt::Display for ShortDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (secs, nanos) = (self.0.as_secs(), self.0.subsec_nanos());
        // The unit is chosen first: one number to write, not a `write!` per unit.
        let (count, unit) = if nanos == 0 {
            (secs, "s")
        } else if nanos % 1_000_000 == 0 {
            let millis = secs
                .saturating_mul(1_000)
                .saturating_add(u64::from(nanos / 1_000_000));
            (millis, "ms")
        } else {
            let micros = secs
                .saturating_mul(1_000_000)
                .saturating_add(u64::from(nanos / 1_000));
            (micros, "µs")
        };
        fmt::Display::fmt(&count, f)?;
        f.write_str(unit)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::ShortDuration;

    #[test]
    fn durations_show_in_their_largest_whole_unit() {
        let shown = |d: Duration| ShortDuration(d).to_string();
        assert_eq!(shown(Duration::from_secs(10)), "10s");
        assert_eq!(shown(Duration::ZERO), "0s");
        assert_eq!(shown(Duration::from_millis(1500)), "1500ms");
        assert_eq!(shown(Duration::from_millis(250)), "250ms");
        assert_eq!(shown(Duration::from_micros(250)), "250µs");
        assert_eq!(shown(Duration::from_nanos(1_000_001_500)), "1000001µs");
    }
}
