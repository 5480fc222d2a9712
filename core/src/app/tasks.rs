//! The App's side of supervised tasks: spawning them, recording how they end, and
//! close's first step, *stopping tasks*.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Weak};
#[cfg(feature = "tokio")]
use std::task::Poll;
use std::time::{Duration, Instant};

use super::{App, Inner};
use crate::failures::HookFailure;
use crate::report::{self, Failure};
use crate::shutdown::ShutdownToken;
use crate::tasks::{
    self, Group, Kind, SharedTask, Straggler, Supervision, Supervisor, Task, TaskHandle, TaskOutput,
};
use crate::{notify, trace};

/// How long close waits for an aborted task's future to be dropped (its
/// destructors to run) before it goes on.
const ABORT_WAIT: Duration = Duration::from_secs(1);

impl App {
    /// Starts `f` on a named thread that the App supervises: `f` gets the task's own
    /// [`ShutdownToken`], close stops it (within the App's shutdown grace) before the
    /// `pre_close` hooks, and a failure or panic is reported, recorded in
    /// [`failures`](App::failures), sets the code to 1 and requests shutdown. See
    /// [`App::task`] for the options. `f` returns `()` or `Result<(), E>`
    /// ([`TaskOutput`]); a closure that never returns (its body ends in a `loop`)
    /// has the type `!`, which is neither: write its return type, `|stop| -> () {
    /// .. }`.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// use std::sync::mpsc;
    ///
    /// let app = cement::App::new("demo");
    /// let (send, receive) = mpsc::channel::<u32>();
    /// let consumer = app.spawn_thread("consumer", move |stop| {
    ///     let mut total = 0;
    ///     while !stop.is_requested() {
    ///         if let Ok(n) = receive.recv_timeout(std::time::Duration::from_millis(5)) {
    ///             total += n;
    ///         }
    ///     }
    ///     println!("consumed {total}");
    /// });
    /// send.send(2).unwrap();
    /// assert_eq!(app.close(), 0); // stops the consumer first
    /// assert!(consumer.is_finished());
    /// ```
    pub fn spawn_thread<F, R>(&self, name: impl Into<Cow<'static, str>>, f: F) -> TaskHandle
    where
        F: FnOnce(ShutdownToken) -> R + Send + 'static,
        R: TaskOutput,
    {
        self.task(name).spawn_thread(f)
    }

    /// A builder for a supervised task with options: its weight, grace, failure
    /// code, or failures ignored.
    ///
    /// A task's name is a `&'static str` (kept as it is) or a `String`, as for
    /// [`spawn_thread`](App::spawn_thread) and `spawn`; a name borrowed for less
    /// than `'static` is passed as `name.to_string()`.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// let task = app.task("indexer").weight(5).spawn_thread(|stop| { stop.wait(None); });
    /// let shard = 3;
    /// let other = app.task(format!("indexer-{shard}")).spawn_thread(|stop| { stop.wait(None); });
    /// app.close();
    /// assert!(task.is_finished() && other.name() == "indexer-3");
    /// ```
    pub fn task(&self, name: impl Into<Cow<'static, str>>) -> TaskBuilder<'_> {
        TaskBuilder {
            app: self,
            name: name.into(),
            supervision: Supervision {
                weight: 0,
                grace: self.shutdown_grace(),
                ignore_failure: false,
                failure_code: 1,
            },
        }
    }

    /// A new task among those close stops, and `true`; once close has begun, a
    /// task refused (said on one line) and finished at once, and `false`. One lock:
    /// the one close's first step takes the tasks under, so that no task slips past
    /// it.
    fn register_task(&self, kind: Kind, builder: TaskBuilder<'_>) -> (Arc<SharedTask>, bool) {
        let parts = (builder.name, builder.supervision);
        match self.with_tasks(parts, |tasks, (name, supervision)| {
            tasks.tasks().add(&self.inner, name, kind, supervision)
        }) {
            Ok(task) => (task, true),
            Err((name, supervision)) => {
                report::line(&format_args!("task {name} not started: the App is closing"));
                let task = Task::new(name, kind, supervision, None);
                task.finished();
                (task, false)
            }
        }
    }

    /// A task failed: reported on one line, recorded, and unless it ignores
    /// failures, the code becomes its failure code unless non-zero and shutdown is
    /// requested.
    fn task_failed(&self, task: &Task, failure: Failure) {
        let record = HookFailure::of_task(&task.name, failure);
        let (message, panicked) = (record.message(), record.panicked());
        if !trace::failure("task failed", None, &task.name, message, panicked) {
            report::line(&record);
        }
        self.inner.failures.record(record);
        if !task.supervision.ignore_failure {
            self.set_code_unless_set(task.supervision.failure_code);
            self.request_shutdown();
        }
    }

    /// Close's first step: the tasks still running are stopped in groups of
    /// ascending weight, each group asked together and waited for, each task within
    /// its grace from the request. Stragglers are aborted (async tasks) or left
    /// running (threads), named on one line, recorded, and the code becomes 1 unless
    /// non-zero. It blocks; an async close awaits the same groups instead.
    pub(super) fn stop_tasks(&self, tasks: Option<&dyn Supervised>) {
        if let Some(tasks) = tasks {
            tasks.stop(self);
        }
        self.lifecycle().tasks_stopped();
    }

    /// [`stop_tasks`](App::stop_tasks)' work, for the tasks of a program that has
    /// any: group by group, each waited for until it ends or its tasks' graces run
    /// out.
    fn stop_these(&self, tasks: &Tasks) {
        let mut stragglers = Vec::new();
        for group in tasks.running_groups() {
            let mut stop = GroupStop::ask(group);
            while let Some(until) = stop.waits_until() {
                let left = until.map(|until| until.saturating_duration_since(Instant::now()));
                if !group.count.requests.wait(left) {
                    stop.overdue(Instant::now(), &mut stragglers);
                }
            }
        }
        if !stragglers.is_empty() {
            self.name_stragglers(&stragglers);
        }
    }

    /// [`stop_these`](App::stop_these) from async code: the same groups, each
    /// awaited on the caller's runtime, which drives the tasks being stopped (a
    /// current-thread one too).
    #[cfg(feature = "tokio")]
    async fn stop_these_async(&self, tasks: &Tasks) {
        let mut stragglers = Vec::new();
        for group in tasks.running_groups() {
            let mut stop = GroupStop::ask(group);
            while let Some(until) = stop.waits_until() {
                if !ended_by(&group.count, until).await {
                    stop.overdue(Instant::now(), &mut stragglers);
                }
            }
        }
        if !stragglers.is_empty() {
            self.name_stragglers(&stragglers);
        }
    }

    /// One line for every straggler, a record each, and the code 1 unless non-zero.
    #[cold]
    fn name_stragglers(&self, stragglers: &[Straggler]) {
        let mut named = String::new();
        for straggler in stragglers {
            if !named.is_empty() {
                named.push_str(", ");
            }
            named.push_str(&format!("{straggler}"));
        }
        report::line(&format_args!(
            "tasks did not stop within their grace: {named}"
        ));
        for straggler in stragglers {
            let failure = Failure::NotStopped(straggler.fate());
            let record = HookFailure::of_task(&straggler.task().name, failure);
            self.inner.failures.record(record);
        }
        self.fail();
    }
}

/// An App's supervised tasks, made with the first one: behind a trait object in the
/// App, so that a program that never starts a task links none of this.
pub(super) trait Supervised: Send + Sync {
    fn tasks(&mut self) -> &mut Tasks;
    /// How many tasks its lists hold (finished ones among them, until pruned).
    #[cfg(test)]
    fn listed(&self) -> usize;
    /// Close's first step for these tasks.
    fn stop(&self, app: &App);
    /// Close's first step for these tasks, from async code.
    #[cfg(feature = "tokio")]
    fn stop_async<'a>(
        &'a self,
        app: &'a App,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;
}

/// An App's supervised tasks, by weight.
pub(super) struct Tasks {
    /// By ascending weight.
    groups: Vec<TaskGroup>,
}

/// The tasks of one weight: counted while they run, and held weakly, so that a
/// task's memory goes with its last handle (the references to tasks gone are
/// dropped when the list is full and fewer than half of it run).
struct TaskGroup {
    weight: i32,
    count: Arc<Group>,
    /// How many tasks it ever had (counted here, under the App's lock).
    started: usize,
    tasks: Vec<Weak<SharedTask>>,
}

/// The App's supervised tasks, with the first.
pub(super) fn new_tasks() -> Box<dyn Supervised> {
    Box::new(Tasks { groups: Vec::new() })
}

impl Supervised for Tasks {
    fn tasks(&mut self) -> &mut Tasks {
        self
    }

    #[cfg(test)]
    fn listed(&self) -> usize {
        self.groups.iter().map(|group| group.tasks.len()).sum()
    }

    fn stop(&self, app: &App) {
        app.stop_these(self);
    }

    #[cfg(feature = "tokio")]
    fn stop_async<'a>(
        &'a self,
        app: &'a App,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>> {
        Box::pin(app.stop_these_async(self))
    }
}

impl TaskGroup {
    /// How many of its tasks run.
    fn running(&self) -> usize {
        tasks::group_running(&self.count, self.started)
    }
}

impl Tasks {
    /// A new task, counted in its weight's group.
    fn add(
        &mut self,
        app: &Arc<Inner>,
        name: Cow<'static, str>,
        kind: Kind,
        supervision: Supervision,
    ) -> Arc<SharedTask> {
        let weight = supervision.weight;
        let at = match self
            .groups
            .binary_search_by_key(&weight, |group| group.weight)
        {
            Ok(at) => at,
            Err(at) => {
                let group = TaskGroup {
                    weight,
                    count: tasks::new_group(Arc::downgrade(app) as _),
                    started: 0,
                    tasks: Vec::new(),
                };
                self.groups.insert(at, group);
                at
            }
        };
        let group = &mut self.groups[at];
        let task = Task::new(name, kind, supervision, Some(Arc::clone(&group.count)));
        group.started += 1;
        let listed = group.tasks.len();
        if listed == group.tasks.capacity() && group.running() < listed / 2 {
            // Before it grows, if most have finished: the tasks gone since (a scan
            // per doubling at most, so amortized O(1); none while all run).
            group.tasks.retain(|task| task.strong_count() > 0);
        }
        group.tasks.push(Arc::downgrade(&task));
        task
    }

    /// The groups to stop, lightest first; "stopping tasks" is told to a service
    /// manager if any has a task running.
    fn running_groups(&self) -> &[TaskGroup] {
        if self.groups.iter().any(|group| group.running() > 0) {
            notify::status(&"stopping tasks");
        }
        &self.groups
    }
}

/// One group being stopped: its running tasks asked together, each waited for
/// within its grace from the asking. An async task that overruns it is aborted and
/// given [`ABORT_WAIT`] more for its future to be dropped (its destructors to run);
/// a thread is given up on, left running.
struct GroupStop<'a> {
    group: &'a TaskGroup,
    asked: Instant,
    /// The earliest deadline of its tasks still running, if any.
    next: Option<Instant>,
    /// Its async tasks aborted so far.
    aborted: Vec<Arc<SharedTask>>,
}

impl<'a> GroupStop<'a> {
    fn ask(group: &'a TaskGroup) -> GroupStop<'a> {
        let mut stop = GroupStop {
            group,
            asked: Instant::now(),
            next: None,
            aborted: Vec::new(),
        };
        for task in group.tasks.iter().filter_map(Weak::upgrade) {
            if task.is_running() {
                task.requests.request();
                stop.next = earlier(stop.next, stop.deadline(&task, false));
            }
        }
        tasks::group_asked(&group.count, group.started);
        stop
    }

    /// When `task`'s grace runs out, or its abort's wait; none if too far to count.
    fn deadline(&self, task: &Task, aborted: bool) -> Option<Instant> {
        let deadline = self.asked.checked_add(task.supervision.grace)?;
        match aborted {
            true => deadline.checked_add(ABORT_WAIT),
            false => Some(deadline),
        }
    }

    /// Until when to wait for the group to end (`Some(None)`: as long as it
    /// takes), unless it has (`None`).
    fn waits_until(&self) -> Option<Option<Instant>> {
        match self.group.count.requests.is_requested() {
            true => None,
            false => Some(self.next),
        }
    }

    /// What to do with the tasks whose deadline is past at `now`: abort an async
    /// one the first time, else give up on it. The stragglers join `stragglers`.
    #[cold]
    fn overdue(&mut self, now: Instant, stragglers: &mut Vec<Straggler>) {
        self.next = None;
        for task in self.group.tasks.iter().filter_map(Weak::upgrade) {
            if !task.is_running() {
                continue;
            }
            let aborted = self.aborted.iter().any(|a| Arc::ptr_eq(a, &task));
            let deadline = self.deadline(&task, aborted);
            if deadline.map_or(true, |deadline| deadline > now) {
                self.next = earlier(self.next, deadline);
            } else if !aborted && task.abort() {
                self.next = earlier(self.next, self.deadline(&task, true));
                stragglers.push(Straggler::new(Arc::clone(&task), true));
                self.aborted.push(task);
            } else if task.abandon() && !aborted {
                stragglers.push(Straggler::new(task, false));
            }
        }
    }
}

/// The earlier of two deadlines, where none is never.
fn earlier(next: Option<Instant>, deadline: Option<Instant>) -> Option<Instant> {
    match (next, deadline) {
        (Some(next), Some(deadline)) => Some(next.min(deadline)),
        (next, deadline) => next.or(deadline),
    }
}

/// Whether `group` ends before `until` (else `false` at `until`; `None` waits as
/// long as it takes), awaited. The deadline is timed by cement's timer thread
/// ([`crate::timer`]), not the runtime's time driver, which a runtime cement did not
/// build may lack.
#[cfg(feature = "tokio")]
async fn ended_by(group: &Arc<Group>, until: Option<Instant>) -> bool {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::Poll;

    let mut ended = tasks::group_token(group).requested();
    // The waker the timer has, and its deadline, kept until this wait ends.
    let mut timed: Option<(std::task::Waker, crate::timer::Deadline)> = None;
    std::future::poll_fn(|cx| {
        if Pin::new(&mut ended).poll(cx).is_ready() {
            return Poll::Ready(true);
        }
        if let Some(until) = until {
            if Instant::now() >= until {
                return Poll::Ready(false);
            }
            if !timed
                .as_ref()
                .is_some_and(|(waker, _)| waker.will_wake(cx.waker()))
            {
                let deadline = crate::timer::wake_at(until, cx.waker().clone());
                timed = Some((cx.waker().clone(), deadline));
            }
        }
        Poll::Pending
    })
    .await
}

/// Options for one supervised task, from [`App::task`](crate::App::task); then
/// [`spawn_thread`](TaskBuilder::spawn_thread) or `spawn` (feature `tokio`).
///
/// ```
/// # extern crate cement_core as cement;
/// use std::time::Duration;
///
/// let app = cement::App::new("demo");
/// let flusher = app
///     .task("flusher")
///     .weight(10) // stopped after the tasks of lower weight
///     .grace(Duration::from_secs(2))
///     .failure_code(75)
///     .spawn_thread(|stop| {
///         stop.wait(None);
///         Ok::<(), std::io::Error>(())
///     });
/// assert_eq!(app.close(), 0); // stops it first, then the close hooks
/// assert!(flusher.is_finished());
/// ```
#[must_use = "call .spawn_thread(..) or .spawn(..) to start the task"]
pub struct TaskBuilder<'a> {
    pub(crate) app: &'a App,
    pub(crate) name: Cow<'static, str>,
    pub(crate) supervision: Supervision,
}

impl TaskBuilder<'_> {
    /// Close stops tasks in groups of ascending weight (default 0): a group is asked
    /// and waited for before the next.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// let server = app.task("server").weight(0).spawn_thread(|stop| { stop.wait(None); });
    /// let flusher = app.task("flusher").weight(10).spawn_thread(|stop| { stop.wait(None); });
    /// app.close(); // server is stopped before flusher is asked
    /// # assert!(server.is_finished() && flusher.is_finished());
    /// ```
    pub fn weight(mut self, weight: i32) -> Self {
        self.supervision.weight = weight;
        self
    }

    /// How long close waits for this task once it asked it to stop (default: the
    /// App's shutdown grace).
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// app.task("quick").grace(std::time::Duration::from_millis(100)).spawn_thread(|_stop| ());
    /// # app.close();
    /// ```
    pub fn grace(mut self, grace: Duration) -> Self {
        self.supervision.grace = grace;
        self
    }

    /// A failure of this task is reported and recorded, but does not set the code
    /// or request shutdown.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// let task = app.task("optional").ignore_failure().spawn_thread(|_stop| Err::<(), _>("boom"));
    /// task.join(None);
    /// assert!(!app.is_shutdown_requested());
    /// assert_eq!(app.close(), 0);
    /// ```
    pub fn ignore_failure(mut self) -> Self {
        self.supervision.ignore_failure = true;
        self
    }

    /// The code a failure of this task sets, unless a non-zero code is set already
    /// (default 1).
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// let task = app.task("db").failure_code(70).spawn_thread(|_stop| Err::<(), _>("gone"));
    /// task.join(None);
    /// assert_eq!(app.close(), 70);
    /// ```
    pub fn failure_code(mut self, code: i32) -> Self {
        self.supervision.failure_code = code;
        self
    }
}

impl fmt::Debug for TaskBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskBuilder")
            .field("name", &self.name)
            .field("weight", &self.supervision.weight)
            .field("grace", &self.supervision.grace)
            .field("ignore_failure", &self.supervision.ignore_failure)
            .field("failure_code", &self.supervision.failure_code)
            .finish()
    }
}

impl Supervisor for Inner {
    fn task_failed(self: Arc<Self>, task: &Task, failure: Failure) {
        App::view(self).task_failed(task, failure);
    }
}

/// Reports how a task ended, if it failed.
fn report_outcome(task: &Task, outcome: Result<Option<String>, Failure>) {
    match outcome {
        Ok(None) => {}
        Ok(Some(message)) => task.failed(Failure::Returned(message)),
        Err(failure) => task.failed(failure),
    }
}

impl TaskBuilder<'_> {
    /// Starts `f` on a named thread, supervised; see [`App::spawn_thread`].
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// let task = app.task("flusher").spawn_thread(|stop| { stop.wait(None); });
    /// app.close();
    /// assert!(task.is_finished());
    /// ```
    pub fn spawn_thread<F, R>(self, f: F) -> TaskHandle
    where
        F: FnOnce(ShutdownToken) -> R + Send + 'static,
        R: TaskOutput,
    {
        let owner = self.app;
        let (task, registered) = owner.register_task(Kind::Thread, self);
        let handle = TaskHandle {
            task: Arc::clone(&task),
        };
        if !registered {
            return handle;
        }
        let stop = tasks::token(&task);
        let runs = Arc::clone(&task);
        let spawned = std::thread::Builder::new()
            .name(task.name.to_string())
            .spawn(move || {
                let _span = trace::enter(trace::Span::Task, &runs.name);
                let outcome = report::catch_quietly(|| f(stop));
                report_outcome(&runs, outcome.map(TaskOutput::failure_message));
                runs.finished();
            });
        if let Err(error) = spawned {
            task.failed(Failure::Returned(format!(
                "cannot start its thread: {error}"
            )));
            task.finished();
        }
        handle
    }

    /// Starts `f`'s future as a named task on the App's runtime (the one
    /// `#[cement::main]` built, else the current one), supervised; see `App::spawn`.
    /// A straggler is aborted: its future is dropped, so its destructors run.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, when the App has none.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let app = cement::App::new("demo");
    /// let ticker = app.task("ticker").spawn(|stop| async move {
    ///     stop.requested().await;
    /// });
    /// assert_eq!(app.close_async().await, 0);
    /// assert!(ticker.is_finished());
    /// # }
    /// ```
    #[cfg(feature = "tokio")]
    pub fn spawn<F, Fut, R>(self, f: F) -> TaskHandle
    where
        F: FnOnce(ShutdownToken) -> Fut,
        Fut: std::future::Future<Output = R> + Send + 'static,
        R: TaskOutput,
    {
        let app = self.app;
        let current;
        let runtime = match app.runtime().handle() {
            Some(handle) => handle,
            None => {
                current = tokio::runtime::Handle::try_current()
                    .expect("App::spawn needs a tokio runtime: the App's, or a current one");
                &current
            }
        };
        let (task, registered) = app.register_task(Kind::Async, self);
        let handle = TaskHandle {
            task: Arc::clone(&task),
        };
        if !registered {
            return handle;
        }
        let future = f(tasks::token(&task));
        // Made out here, so that a future dropped unpolled (aborted before it ran)
        // marks the task finished too.
        let runs = FinishedWhenDropped(task);
        let supervised = TaskFuture {
            future,
            runs: Some(runs),
        };
        let supervised = trace::in_span(trace::Span::Task, &handle.task.name, supervised);
        let join = runtime.spawn(supervised);
        let _ = handle.task.abort.set(join);
        handle
    }
}

#[cfg(feature = "tokio")]
pin_project_lite::pin_project! {
    /// An async task as spawned: its future, a panic in each poll caught quietly,
    /// its end reported and marked. A struct rather than an async block, which
    /// would hold the future twice (captured, then pinned), and so be copied at
    /// twice its size as tokio moves it into place.
    struct TaskFuture<F> {
        #[pin]
        future: F,
        // Taken as it ends. Declared after `future`, so dropped after it: an
        // aborted task has finished once its future's destructors ran.
        runs: Option<FinishedWhenDropped>,
    }
}

#[cfg(feature = "tokio")]
impl<F> std::future::Future for TaskFuture<F>
where
    F: std::future::Future,
    F::Output: TaskOutput,
{
    type Output = ();

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<()> {
        let this = self.project();
        let outcome = {
            let _quiet = report::QuietPanics::enter();
            match crate::runtime::poll_catching(this.future, cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(outcome) => outcome,
            }
        };
        if let Some(runs) = this.runs.take() {
            let outcome = outcome
                .map(TaskOutput::failure_message)
                .map_err(|payload| Failure::Panicked(report::panic_message(&*payload)));
            report_outcome(&runs.0, outcome);
        }
        Poll::Ready(())
    }
}

/// Marks an async task finished when its future is dropped, aborted or not.
#[cfg(feature = "tokio")]
struct FinishedWhenDropped(Arc<SharedTask>);

#[cfg(feature = "tokio")]
impl Drop for FinishedWhenDropped {
    fn drop(&mut self) {
        self.0.finished();
    }
}

#[cfg(feature = "tokio")]
impl App {
    /// Starts `f`'s future as a named task that the App supervises, on the App's
    /// runtime (the one `#[cement::main]` built, else the current one): `f` gets the
    /// task's own [`ShutdownToken`]; close stops it before the `pre_close` hooks and
    /// aborts it if it overruns its grace (its destructors run); a failure or panic
    /// is reported, recorded, sets the code to 1 and requests shutdown. See
    /// [`App::task`] for the options.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, when the App has none.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let app = cement::App::new("demo");
    /// let server = app.spawn("server", |stop| async move {
    ///     stop.requested().await; // e.g. a graceful shutdown future
    ///     Ok::<(), std::io::Error>(())
    /// });
    /// assert_eq!(app.close_async().await, 0);
    /// assert!(server.is_finished());
    /// # }
    /// ```
    pub fn spawn<F, Fut, R>(&self, name: impl Into<Cow<'static, str>>, f: F) -> TaskHandle
    where
        F: FnOnce(ShutdownToken) -> Fut,
        Fut: std::future::Future<Output = R> + Send + 'static,
        R: TaskOutput,
    {
        self.task(name).spawn(f)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use crate::App;

    #[test]
    fn the_builder_starts_from_the_apps_grace_weight_0_and_code_1() {
        let app = App::builder("defaults")
            .shutdown_grace(Duration::from_secs(3))
            .build();
        let builder = app.task("t");
        assert_eq!(builder.supervision.weight, 0);
        assert_eq!(builder.supervision.grace, Duration::from_secs(3));
        assert_eq!(builder.supervision.failure_code, 1);
        assert!(!builder.supervision.ignore_failure);
        let builder = builder
            .weight(4)
            .grace(Duration::ZERO)
            .failure_code(9)
            .ignore_failure();
        assert_eq!(
            (builder.supervision.weight, builder.supervision.grace),
            (4, Duration::ZERO)
        );
        assert!(builder.supervision.ignore_failure && builder.supervision.failure_code == 9);
    }

    #[test]
    fn close_stops_tasks_by_weight_before_the_close_hooks() {
        let app = App::new("weights");
        let log = Arc::new(Mutex::new(Vec::new()));
        for (name, weight) in [("late", 10), ("early", 0), ("middle", 5)] {
            let log = Arc::clone(&log);
            app.task(name).weight(weight).spawn_thread(move |stop| {
                stop.wait(None);
                log.lock().unwrap().push(name);
            });
        }
        let hook_log = Arc::clone(&log);
        app.register_hook(crate::Hook::PreClose, 0, move |_app: &App| {
            hook_log.lock().unwrap().push("pre_close");
        });
        assert_eq!(app.close(), 0);
        assert_eq!(
            *log.lock().unwrap(),
            ["early", "middle", "late", "pre_close"]
        );
    }

    #[test]
    fn a_failing_task_sets_the_code_and_requests_shutdown_unless_it_ignores_failures() {
        let app = App::new("failing");
        let ignored = app
            .task("ignored")
            .ignore_failure()
            .spawn_thread(|_stop| Err::<(), _>("not important"));
        ignored.join(None);
        assert!(!app.is_shutdown_requested());
        assert_eq!(app.exit_code(), 0);
        let failing = app
            .task("db")
            .failure_code(70)
            .spawn_thread(|_stop| -> Result<(), String> { panic!("connection lost") });
        failing.join(None);
        assert!(app.is_shutdown_requested());
        assert_eq!(app.close(), 70);
        let failures = app.failures();
        let shown: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
        assert_eq!(
            shown,
            [
                "task ignored returned an error: not important",
                "task db panicked: connection lost"
            ]
        );
        assert_eq!(failures[1].task(), Some("db"));
        assert_eq!(failures[1].point(), None);
        assert!(failures[1].panicked());
    }

    #[test]
    fn a_task_that_does_not_stop_is_named_left_running_and_fails_the_close() {
        let app = App::new("straggler");
        let (release, released) = mpsc::channel::<()>();
        let stuck = app
            .task("indexer")
            .grace(Duration::from_millis(10))
            .spawn_thread(move |_stop| {
                // Ignores its token; the test lets it go after close.
                let _ = released.recv();
            });
        assert_eq!(app.close(), 1);
        assert!(!stuck.is_finished());
        let failures = app.failures();
        assert_eq!(
            failures[0].to_string(),
            "task indexer did not stop: left running after its grace of 10ms"
        );
        release.send(()).unwrap();
        assert!(stuck.join(None));
    }

    #[test]
    fn a_task_spawned_once_close_began_is_refused_and_finished() {
        let app = App::new("refused");
        app.close();
        let ran = Arc::new(Mutex::new(false));
        let flag = Arc::clone(&ran);
        let task = app.spawn_thread("late", move |_stop| *flag.lock().unwrap() = true);
        assert!(task.is_finished() && task.join(Some(Duration::ZERO)));
        assert!(!*ran.lock().unwrap());
        assert!(app.failures().is_empty());
    }

    #[test]
    fn stop_asks_one_task_and_the_app_goes_on() {
        let app = App::new("stop-one");
        let one = app.spawn_thread("one", |stop| {
            stop.wait(None);
        });
        let other = app.spawn_thread("other", |stop| {
            stop.wait(None);
        });
        one.stop();
        assert!(one.join(None));
        assert!(!other.is_finished() && !app.is_shutdown_requested());
        assert_eq!(app.close(), 0);
        assert!(other.is_finished());
    }

    #[test]
    fn each_task_of_a_group_gets_its_own_grace_and_only_the_overdue_one_is_named() {
        let app = App::new("graces");
        let (release, released) = mpsc::channel::<()>();
        let stuck = app
            .task("stuck")
            .grace(Duration::from_millis(10))
            .spawn_thread(move |_stop| {
                let _ = released.recv();
            });
        let (slow_seen, slow_stopping) = mpsc::channel::<()>();
        let slow = app
            .task("slow")
            .grace(Duration::from_secs(60))
            .spawn_thread(move |stop| {
                stop.wait(None);
                // Still finishing once the other's grace ran out.
                let _ = slow_stopping.recv();
            });
        let closing = std::thread::spawn(move || (app.close(), app));
        // The straggler is named while the other is still within its grace.
        while !stuck.task.is_finished() && stuck.task.is_running() {
            std::thread::yield_now();
        }
        slow_seen.send(()).unwrap();
        let (code, app) = closing.join().unwrap();
        assert_eq!(code, 1);
        assert!(slow.is_finished());
        let failures: Vec<String> = app.failures().iter().map(|f| f.to_string()).collect();
        assert_eq!(
            failures,
            ["task stuck did not stop: left running after its grace of 10ms"]
        );
        release.send(()).unwrap();
        assert!(stuck.join(None));
    }

    #[test]
    fn a_grace_too_long_to_count_waits_as_long_as_it_takes() {
        let app = App::new("patient");
        let task = app
            .task("patient")
            .grace(Duration::MAX)
            .spawn_thread(|stop| {
                stop.wait(None);
            });
        let quick = app
            .task("quick")
            .grace(Duration::from_secs(60))
            .spawn_thread(|stop| {
                stop.wait(None);
            });
        assert_eq!(app.close(), 0);
        assert!(task.is_finished() && quick.is_finished());
    }

    #[test]
    fn the_app_keeps_no_finished_task_past_the_growth_of_its_list() {
        let app = App::new("pruned");
        for _ in 0..100 {
            app.spawn_thread("short", |_stop| ()).join(None);
        }
        let work = super::super::lock(&app.inner.work);
        let tasks = work.tasks.as_ref().unwrap().listed();
        assert!(tasks < 64, "{tasks} tasks still listed");
    }

    #[cfg(feature = "tokio")]
    #[test]
    fn an_async_close_on_a_current_thread_runtime_aborts_a_straggler_and_its_destructor_runs() {
        struct Flag(Arc<Mutex<bool>>);
        impl Drop for Flag {
            fn drop(&mut self) {
                *self.0.lock().unwrap() = true;
            }
        }
        let dropped = Arc::new(Mutex::new(false));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let code = runtime.block_on(async {
            let app = App::new("aborts");
            let flag = Flag(Arc::clone(&dropped));
            app.task("stuck")
                .grace(Duration::from_millis(10))
                .spawn(move |_stop| async move {
                    let _flag = flag;
                    std::future::pending::<()>().await;
                });
            let cooperates = app.spawn("cooperates", |stop| async move { stop.requested().await });
            let code = app.close_async().await;
            assert!(cooperates.is_finished());
            code
        });
        assert_eq!(code, 1);
        assert!(*dropped.lock().unwrap());
    }

    #[cfg(feature = "tokio")]
    #[test]
    fn a_task_aborted_before_it_ever_ran_has_finished() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let app = App::new("unpolled");
            // A grace of zero: close aborts it before this runtime's only thread,
            // busy closing, ever polls it.
            let never_ran = app
                .task("never-ran")
                .grace(Duration::ZERO)
                .spawn::<_, _, ()>(|_stop| async { panic!("aborted before its first poll") });
            assert_eq!(app.close_async().await, 1);
            assert!(never_ran.is_finished());
            assert!(never_ran.join(Some(Duration::ZERO)));
            let failures = app.failures();
            assert_eq!(failures.len(), 1, "one straggler");
            assert!(
                failures[0].to_string().contains("aborted"),
                "{}",
                failures[0]
            );
        });
    }
}
