//! The async forms of setup, run and close (feature `tokio`): the sync ones'
//! lifecycle steps, hook runner and close steps, with async hooks awaited on the
//! caller's runtime instead of driven on this thread.

use std::future::Future;
use std::sync::Arc;

use super::close::StepWork;
use super::tasks::Supervised;
use super::App;
use crate::hooks::{HookFuture, PointRun, RuntimeFn};
use crate::points::Hook;
use crate::trace;

// The `cfg` repeats the module's: docs.rs shows its badge on these methods.
#[cfg(feature = "tokio")]
impl App {
    /// [`setup`](App::setup) for async code: async hooks are awaited on the caller's
    /// runtime, which becomes the App's runtime if it has none yet.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let app = cement::App::new("demo");
    /// app.setup_async().await;
    /// assert_eq!(app.close_async().await, 0);
    /// # }
    /// ```
    pub async fn setup_async(&self) {
        if self.begin_setup() {
            let hooks = async {
                self.run_hooks_async(Hook::PreSetup).await;
                self.run_hooks_async(Hook::PostSetup).await;
            };
            trace::in_span(trace::Span::Setup, self.label(), hooks).await;
            self.lifecycle().end_setup();
        }
    }

    /// [`run`](App::run) for async code: the `pre_run` hooks, `body`, then the
    /// `post_run` hooks; sets the App up first if needed. The body is a future,
    /// which may borrow the App. As with `run`, no body starts once a signal arrived
    /// or close began.
    ///
    /// # Panics
    ///
    /// If the App was closed by hand before: no body starts once close has begun.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let app = cement::App::new("demo");
    /// let label_len = app.run_async(async { app.label().len() }).await;
    /// assert_eq!(label_len, 4);
    /// app.close_async().await;
    /// # }
    /// ```
    pub async fn run_async<F: Future>(&self, body: F) -> F::Output {
        match self.try_run_async(body).await {
            Some(output) => output,
            None => self.no_body_started(),
        }
    }

    /// [`run_async`](App::run_async), or `None` when no body may start: what the
    /// generated async `main` awaits. The sync `try_run`, with awaits.
    pub(crate) async fn try_run_async<F: Future>(&self, body: F) -> Option<F::Output> {
        self.setup_async().await;
        let run = async {
            let run = self.begin_run()?;
            self.run_hooks_async(Hook::PreRun).await;
            let body_runs = run.begin_body()?;
            let output = body.await;
            drop(body_runs);
            self.run_hooks_async(Hook::PostRun).await;
            Some(output)
        };
        trace::in_span(trace::Span::Run, self.label(), run).await
    }

    /// [`close`](App::close) for async code: the same sequence, once, with each
    /// async hook awaited on the caller's runtime before the next starts. Call this
    /// (not `close`) from async code: a sync `close` on a runtime's thread drives
    /// async hooks from another thread.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// use cement::{App, Hook};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let app = App::new("demo");
    /// app.register_async_hook(Hook::PreClose, 0, |app| {
    ///     Box::pin(async move {
    ///         tokio::task::yield_now().await;
    ///         println!("{} flushed", app.label());
    ///     })
    /// });
    /// assert_eq!(app.close_async().await, 0);
    /// # }
    /// ```
    pub async fn close_async(&self) -> i32 {
        if let Some(code) = self.start_close(false) {
            return code;
        }
        let steps = async {
            while let Some((step, work)) = self.next_close_step() {
                match &work {
                    StepWork::Tasks(tasks) => self.stop_tasks_off_runtime(tasks).await,
                    StepWork::Hooks(point, hooks) => self.run_point_async(hooks, *point).await,
                    StepWork::Deferred(slots) => self.run_deferred(slots),
                }
                self.close_step_done(step);
            }
        };
        trace::in_span(trace::Span::Close, self.label(), steps).await;
        self.finish_close()
    }

    /// Registers an async hook at run time: [`register_hook`](App::register_hook)'s
    /// async form, in the same order. `f` returns a boxed future, which may borrow
    /// the App: write `|app| Box::pin(async move { .. })`. Not for
    /// [`Hook::Signal`]: `signal` hooks run on the signal-watching thread, where
    /// nothing should wait for a runtime.
    ///
    /// # Panics
    ///
    /// If `point` is [`Hook::Signal`].
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// use cement::{App, Hook};
    ///
    /// let app = App::new("demo");
    /// app.register_async_hook(Hook::PostClose, 0, |app| {
    ///     Box::pin(async move { println!("{} closed", app.label()) })
    /// });
    /// app.close(); // outside a runtime: driven on a runtime cement starts
    /// ```
    pub fn register_async_hook<F>(&self, point: Hook, weight: i32, f: F)
    where
        F: for<'a> Fn(&'a App) -> HookFuture<'a> + Send + Sync + 'static,
    {
        assert!(
            point != Hook::Signal,
            "`signal` hooks cannot be async: they run on the signal-watching thread"
        );
        self.register(point, weight, RuntimeFn::Async(Box::new(f)));
    }

    /// `run_hooks`, with async hooks awaited on the caller's runtime.
    async fn run_hooks_async(&self, point: Hook) {
        let hooks = self.take_hooks(point);
        self.run_point_async(&hooks, point).await;
        self.restore_hooks(point, hooks);
    }

    /// `run_point`, with async hooks awaited: the same runner.
    async fn run_point_async(&self, hooks: &PointRun, point: Hook) {
        while let Some(hook) = hooks.run_until_async(self, point, None) {
            hook.run(self).await;
        }
    }

    /// Close's first step from async code: the tasks being stopped are awaited on
    /// the caller's runtime, which drives them (a current-thread one too). Outside
    /// a tokio runtime, the sync step.
    async fn stop_tasks_off_runtime(&self, tasks: &Option<Arc<dyn Supervised>>) {
        match tasks {
            Some(tasks) if tokio::runtime::Handle::try_current().is_ok() => {
                tasks.stop_async(self).await;
                self.lifecycle().tasks_stopped();
            }
            _ => self.stop_tasks(tasks.as_deref()),
        }
    }
}
