//! The `tracing` feature (SPEC §10), and the only place that knows about it: setup,
//! run and close are spans (`cement.setup`, `cement.run`, `cement.close`, with the
//! App's label), each hook or deferred cleanup an event at `debug` as it starts, each
//! failure an `error` event with the fields `point`, `hook` and `error` (and
//! `panicked`). Everything is on target `cement`. While a global subscriber is set,
//! [`failure`] says so and the caller writes nothing to stderr. Nothing is traced
//! once the process is ending (see `imp::guarded`): failures go to stderr there.
//!
//! Without the feature every function here is an empty twin that inlines to nothing,
//! so the rest of the crate calls them unconditionally.

use std::fmt::Display;

use crate::deadline::Running;
use crate::exit::Failure;
use crate::hooks::Hook;
use crate::App;

pub(crate) use imp::{close_span, failure, process_ending, run_span, running, setup_span};

#[cfg(feature = "tracing")]
mod imp {
    use std::panic::{self, AssertUnwindSafe};
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::{App, Display, Failure, Hook, Running};
    use tracing::span::{EnteredSpan, Span};

    /// Set once the process is ending.
    static PROCESS_ENDING: AtomicBool = AtomicBool::new(false);

    /// The process is ending: cement's atexit trampoline runs (it closes the live
    /// Apps, then runs the handlers). libc's `exit` has destroyed the exiting
    /// thread's thread-locals before that, and subscribers need them.
    pub(crate) fn process_ending() {
        PROCESS_ENDING.store(true, Ordering::Release);
    }

    /// Runs `f`, which calls into tracing, unless the process is ending; a
    /// subscriber that panics anyway (a thread-local gone while a thread ends) is
    /// caught. Tracing must never cut a close sequence short.
    fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
        if PROCESS_ENDING.load(Ordering::Acquire) {
            return None;
        }
        panic::catch_unwind(AssertUnwindSafe(f)).ok()
    }

    /// An entered span, left when dropped (unless tracing is skipped, see
    /// [`guarded`]).
    pub(crate) struct Entered(Option<EnteredSpan>);

    impl Drop for Entered {
        fn drop(&mut self) {
            if let Some(span) = self.0.take() {
                guarded(move || drop(span));
            }
        }
    }

    fn enter(span: impl FnOnce() -> Span) -> Entered {
        Entered(guarded(|| span().entered()))
    }

    pub(crate) fn setup_span(app: &App) -> Entered {
        enter(|| tracing::info_span!(target: "cement", "cement.setup", label = app.label()))
    }

    pub(crate) fn run_span(app: &App) -> Entered {
        enter(|| tracing::info_span!(target: "cement", "cement.run", label = app.label()))
    }

    pub(crate) fn close_span(app: &App) -> Entered {
        enter(|| tracing::info_span!(target: "cement", "cement.close", label = app.label()))
    }

    /// A hook or deferred cleanup starts. Its fields are computed only when a
    /// subscriber wants the event.
    pub(crate) fn running(running: Running) {
        guarded(|| match running.point() {
            Some(point) => tracing::debug!(
                target: "cement",
                point = point.name(),
                hook = running.name().to_string().as_str(),
                "running hook"
            ),
            None => tracing::debug!(
                target: "cement",
                hook = running.name().to_string().as_str(),
                "running cleanup"
            ),
        });
    }

    /// Emits the `error` event for a failure; returns whether a global subscriber
    /// is set and took it, so that the caller writes nothing to stderr. `point` is
    /// `None` for what is not a hook (deferred cleanups, `Defer` scopes, guards,
    /// atexit handlers): the field is then left empty.
    ///
    /// Where tracing is skipped or the subscriber panics (see [`guarded`]), it has
    /// not taken the failure, which goes to stderr rather than nowhere.
    pub(crate) fn failure(point: Option<Hook>, hook: &dyn Display, failure: &Failure) -> bool {
        let hook = hook.to_string();
        let what = if point.is_some() {
            "hook failed"
        } else {
            "cleanup failed"
        };
        let emitted = guarded(|| {
            tracing::error!(
                target: "cement",
                point = point.map(Hook::name),
                hook = hook.as_str(),
                error = failure.message(),
                panicked = failure.panicked(),
                "{what}"
            );
        });
        emitted.is_some() && tracing::dispatcher::has_been_set()
    }
}

#[cfg(not(feature = "tracing"))]
mod imp {
    use super::{App, Display, Failure, Hook, Running};

    /// Stands for an entered span.
    pub(crate) struct NoSpan;

    #[inline(always)]
    pub(crate) fn setup_span(_app: &App) -> NoSpan {
        NoSpan
    }

    #[inline(always)]
    pub(crate) fn run_span(_app: &App) -> NoSpan {
        NoSpan
    }

    #[inline(always)]
    pub(crate) fn close_span(_app: &App) -> NoSpan {
        NoSpan
    }

    #[inline(always)]
    pub(crate) fn running(_running: Running) {}

    #[inline(always)]
    pub(crate) fn process_ending() {}

    /// No subscriber: the caller reports on stderr.
    #[inline(always)]
    pub(crate) fn failure(_point: Option<Hook>, _hook: &dyn Display, _failure: &Failure) -> bool {
        false
    }
}
