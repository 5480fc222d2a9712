//! The `tracing` feature, and the only place that knows about it: setup,
//! run and close are spans (`cement.setup`, `cement.run`, `cement.close`, with the
//! App's label), each supervised task a `cement.task` span (with its name), each hook or deferred cleanup an event at `debug` as it starts, each
//! failure an `error` event with the fields `point`, `hook` and `error` (and
//! `panicked`). Everything is on target `cement`. While a global subscriber is set,
//! [`failure`] says so and the caller writes nothing to stderr. Nothing is traced
//! once the process is ending (see `imp::guarded`): failures go to stderr there.
//!
//! Without the feature every function here is an empty twin that inlines to nothing,
//! so the rest of the crate calls them unconditionally.

use std::fmt::Display;

use crate::points::Hook;

#[cfg(feature = "tokio")]
pub(crate) use imp::in_span;
pub(crate) use imp::{enter, failure, running};

/// The spans cement opens: `cement.setup`, `cement.run`, `cement.close`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Span {
    Setup,
    Run,
    Close,
    /// A supervised task; its "label" is the task's name.
    Task,
}

#[cfg(feature = "tracing")]
mod imp {
    use std::panic::{self, AssertUnwindSafe};

    #[cfg(feature = "tokio")]
    use std::future::Future;

    use super::{Display, Hook};
    use tracing::span::EnteredSpan;
    #[cfg(feature = "tokio")]
    use tracing::Instrument;
    use tracing::Span;

    /// Runs `f`, which calls into tracing, unless the process is ending (cement's
    /// atexit trampoline runs: libc's `exit` has destroyed the exiting thread's
    /// thread-locals before that, and subscribers need them); a subscriber that
    /// panics anyway (a thread-local gone while a thread ends) is caught. Tracing
    /// must never cut a close sequence short.
    fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
        if crate::lifecycle::process_exiting() {
            return None;
        }
        panic::catch_unwind(AssertUnwindSafe(f)).ok()
    }

    /// The span `kind` of the App (or task) `label`.
    fn span_of(kind: super::Span, label: &str) -> Span {
        match kind {
            super::Span::Setup => tracing::info_span!(target: "cement", "cement.setup", label),
            super::Span::Run => tracing::info_span!(target: "cement", "cement.run", label),
            super::Span::Close => tracing::info_span!(target: "cement", "cement.close", label),
            super::Span::Task => tracing::info_span!(target: "cement", "cement.task", task = label),
        }
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

    /// Enters the span `kind` of `label` on this thread, for sync code.
    pub(crate) fn enter(kind: super::Span, label: &str) -> Entered {
        Entered(guarded(|| span_of(kind, label).entered()))
    }

    /// `future` inside the span `kind` of `label`, entered on each poll: async code
    /// (an entered guard must not be held across an await).
    #[cfg(feature = "tokio")]
    pub(crate) fn in_span<F: Future>(
        kind: super::Span,
        label: &str,
        future: F,
    ) -> tracing::instrument::Instrumented<F> {
        let span = guarded(|| span_of(kind, label)).unwrap_or_else(Span::none);
        future.instrument(span)
    }

    /// A hook (at `point`) or deferred cleanup (`None`) named `name` starts. Its
    /// fields are computed only when a subscriber wants the event.
    pub(crate) fn running(point: Option<Hook>, name: &dyn Display) {
        guarded(|| match point {
            Some(point) => tracing::debug!(
                target: "cement",
                point = point.name(),
                hook = name.to_string().as_str(),
                "running hook"
            ),
            None => tracing::debug!(
                target: "cement",
                hook = name.to_string().as_str(),
                "running cleanup"
            ),
        });
    }

    /// Emits the `error` event for a failure, `what` its message (`hook failed`,
    /// `cleanup failed`, `task failed`); returns whether a global subscriber is set
    /// and took it, so that the caller writes nothing to stderr. `point` is `None`
    /// for what is not a hook (deferred cleanups, tasks, `Defer` scopes, guards,
    /// atexit handlers): the field is then left empty.
    ///
    /// Where tracing is skipped or the subscriber panics (see [`guarded`]), it has
    /// not taken the failure, which goes to stderr rather than nowhere.
    pub(crate) fn failure(
        what: &str,
        point: Option<Hook>,
        hook: &dyn Display,
        message: &str,
        panicked: bool,
    ) -> bool {
        let hook = hook.to_string();
        let emitted = guarded(|| {
            tracing::error!(
                target: "cement",
                point = point.map(Hook::name),
                hook = hook.as_str(),
                error = message,
                panicked = panicked,
                "{what}"
            );
        });
        emitted.is_some() && tracing::dispatcher::has_been_set()
    }
}

#[cfg(not(feature = "tracing"))]
mod imp {
    #[cfg(feature = "tokio")]
    use std::future::Future;

    use super::{Display, Hook};

    /// Stands for an entered span.
    pub(crate) struct NoSpan;

    #[inline(always)]
    pub(crate) fn enter(_kind: super::Span, _label: &str) -> NoSpan {
        NoSpan
    }

    /// `future` itself: no span without the feature.
    #[cfg(feature = "tokio")]
    #[inline(always)]
    pub(crate) fn in_span<F: Future>(_kind: super::Span, _label: &str, future: F) -> F {
        future
    }

    #[inline(always)]
    pub(crate) fn running(_point: Option<Hook>, _name: &dyn Display) {}

    /// No subscriber: the caller reports on stderr.
    #[inline(always)]
    pub(crate) fn failure(
        _what: &str,
        _point: Option<Hook>,
        _hook: &dyn Display,
        _message: &str,
        _panicked: bool,
    ) -> bool {
        false
    }
}
