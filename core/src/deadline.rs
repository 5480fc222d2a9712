//! The close deadline: with [`AppBuilder::close_deadline`](crate::AppBuilder::close_deadline),
//! a watchdog thread ends the process when the close sequence overruns, naming what
//! was running.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::failures::Running;
use crate::{lock, report};

/// A close deadline and the watchdog that enforces it. Made only where a deadline is
/// set ([`AppBuilder::close_deadline`](crate::AppBuilder::close_deadline),
/// `#[cement::main(close_deadline_ms = ..)]`), and the App starts the watchdog
/// through it: a program that sets no deadline links no watchdog.
#[derive(Clone, Copy)]
pub struct CloseDeadline {
    deadline: Duration,
    watch: fn(Arc<dyn Watched>, Duration),
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

    /// How long close may take.
    pub(crate) fn duration(&self) -> Duration {
        self.deadline
    }

    /// Starts the watchdog for `app`'s close sequence, which has just begun.
    pub(crate) fn watch(&self, app: Arc<dyn Watched>) {
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

    pub(crate) fn get(&self) -> Option<Running> {
        *lock(&self.0)
    }
}

/// What the watchdog asks of the App whose close it watches. It holds no `App`,
/// so it can never close one by dropping it.
pub(crate) trait Watched: Send + Sync {
    /// Waits until the close sequence has finished, at most `timeout`; whether it has.
    fn wait_closed(&self, timeout: Duration) -> bool;
    /// The exit code now.
    fn code(&self) -> i32;
    /// What runs now.
    fn running(&self) -> Option<Running>;
}

/// Starts the watchdog for `app`'s close sequence, which has just begun.
fn watch_close(app: Arc<dyn Watched>, deadline: Duration) {
    let spawned = crate::signals::spawn(Box::new(move || {
        if app.wait_closed(deadline) {
            return;
        }
        let code = match app.code() {
            0 => 1,
            code => code,
        };
        let running = app
            .running()
            .map_or_else(|| "the close sequence".to_owned(), |r| format!("{r}"));
        report::line(&format_args!(
            "close overran its deadline of {} in {running}; exiting with {code}",
            ShortDuration(deadline)
        ));
        // `_exit`: atexit handlers would wait for the close that is stuck.
        crate::signals::exit_at_once(code)
    }));
    if let Err(error) = spawned {
        report::line(&format_args!("cannot watch the close deadline: {error}"));
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
