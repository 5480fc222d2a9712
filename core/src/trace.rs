//! The `tracing` feature (SPEC §10), and the only place that knows about it: setup,
//! run and close are spans (`cement.setup`, `cement.run`, `cement.close`, with the
//! App's label), each hook or deferred cleanup an event at `debug` as it starts, each
//! failure an `error` event with the fields `point`, `hook` and `error` (and
//! `panicked`). Everything is on target `cement`. While a global subscriber is set,
//! [`failure`] says so and the caller writes nothing to stderr.
//!
//! Without the feature every function here is an empty twin that inlines to nothing,
//! so the rest of the crate calls them unconditionally.

use std::fmt::Display;

use crate::deadline::Running;
use crate::exit::Failure;
use crate::hooks::Hook;
use crate::App;

pub(crate) use imp::{close_span, failure, run_span, running, setup_span};

#[cfg(feature = "tracing")]
mod imp {
    use super::{App, Display, Failure, Hook, Running};
    use tracing::span::EnteredSpan;

    pub(crate) fn setup_span(app: &App) -> EnteredSpan {
        tracing::info_span!(target: "cement", "cement.setup", label = app.label()).entered()
    }

    pub(crate) fn run_span(app: &App) -> EnteredSpan {
        tracing::info_span!(target: "cement", "cement.run", label = app.label()).entered()
    }

    pub(crate) fn close_span(app: &App) -> EnteredSpan {
        tracing::info_span!(target: "cement", "cement.close", label = app.label()).entered()
    }

    /// A hook or deferred cleanup starts. Its fields are computed only when a
    /// subscriber wants the event.
    pub(crate) fn running(running: Running) {
        match running.point() {
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
        }
    }

    /// Emits the `error` event for a failure; returns whether a global subscriber
    /// is set and took it, so that the caller writes nothing to stderr. `point` is
    /// `None` for what is not a hook (deferred cleanups, `Defer` scopes, guards,
    /// atexit handlers): the field is then left empty.
    ///
    /// A subscriber that panics has not taken it: the failure goes to stderr rather
    /// than nowhere. That happens as the process ends: an atexit handler runs after
    /// the main thread's thread-locals are gone, which tracing-subscriber's `fmt`
    /// needs.
    pub(crate) fn failure(point: Option<Hook>, hook: &dyn Display, failure: &Failure) -> bool {
        let hook = hook.to_string();
        let what = if point.is_some() {
            "hook failed"
        } else {
            "cleanup failed"
        };
        let emit = || {
            tracing::error!(
                target: "cement",
                point = point.map(Hook::name),
                hook = hook.as_str(),
                error = failure.message(),
                panicked = failure.panicked(),
                "{what}"
            );
        };
        let emitted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(emit)).is_ok();
        emitted && tracing::dispatcher::has_been_set()
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

    /// No subscriber: the caller reports on stderr.
    #[inline(always)]
    pub(crate) fn failure(_point: Option<Hook>, _hook: &dyn Display, _failure: &Failure) -> bool {
        false
    }
}
