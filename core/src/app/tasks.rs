//! The App's side of supervised tasks: spawning them, recording how they end, and
//! close's first step, *stopping tasks*.

use std::fmt;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use super::{App, Inner};
use crate::failures::HookFailure;
use crate::report::{self, Failure};
use crate::shutdown::ShutdownToken;
use crate::tasks::{
    self, Group, Kind, SharedTask, Straggler, Supervision, Task, TaskHandle, TaskOutput,
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
    pub fn spawn_thread<F, R>(&self, name: impl Into<String>, f: F) -> TaskHandle
    where
        F: FnOnce(ShutdownToken) -> R + Send + 'static,
        R: TaskOutput,
    {
        self.task(name).spawn_thread(f)
    }

    /// A builder for a supervised task with options: its weight, grace, failure
    /// code, or failures ignored.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// let task = app.task("indexer").weight(5).spawn_thread(|stop| { stop.wait(None); });
    /// app.close();
    /// assert!(task.is_finished());
    /// ```
    pub fn task(&self, name: impl Into<String>) -> TaskBuilder<'_> {
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

    /// Adds `task` to the tasks close stops, unless close has begun: then it is
    /// refused, said on one line, and finished at once. One lock: the one close's
    /// first step takes the tasks under, so that no task slips past it.
    fn register_task(&self, task: &Arc<SharedTask>) -> bool {
        if !self.with_tasks(|tasks| tasks.add(Arc::clone(task))) {
            report::line(&format_args!(
                "task {} not started: the App is closing",
                task.name
            ));
            task.finished();
            return false;
        }
        true
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
    /// non-zero. It blocks; an async close runs it off its runtime's threads.
    pub(super) fn stop_tasks(&self, tasks: Option<&dyn Supervised>) {
        if let Some(tasks) = tasks {
            tasks.stop(self);
        }
        self.lifecycle().tasks_stopped();
    }

    /// [`stop_tasks`](App::stop_tasks)' work, for the tasks of a program that has
    /// any: group by group, each waited for until it ends or its tasks' graces run
    /// out.
    fn stop_these(&self, tasks: &[Arc<SharedTask>]) {
        let mut stragglers = Vec::new();
        let mut groups = Groups::new(tasks);
        while let Some(mut stop) = groups.next() {
            while let Some(until) = stop.waits_until() {
                let left = until.saturating_duration_since(Instant::now());
                if !stop.group.requests.wait(Some(left)) {
                    stop.overdue(Instant::now(), &mut stragglers);
                }
            }
        }
        if !stragglers.is_empty() {
            self.name_stragglers(&stragglers);
        }
    }

    /// [`stop_these`](App::stop_these) from async code: the same groups, each
    /// awaited on the caller's runtime, which drives the tasks being stopped
    /// (a current-thread one too). A grace is timed by a blocking thread of the
    /// runtime, started only when a group does not end at once, so that the
    /// runtime needs no time driver.
    #[cfg(feature = "tokio")]
    async fn stop_these_async(&self, tasks: &[Arc<SharedTask>]) {
        let mut stragglers = Vec::new();
        let mut groups = Groups::new(tasks);
        while let Some(mut stop) = groups.next() {
            while let Some(until) = stop.waits_until() {
                if !ended_by(&stop.group, until).await {
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
    fn name_stragglers(&self, stragglers: &[Straggler<'_>]) {
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
    fn add(&mut self, task: Arc<SharedTask>);
    /// Close's first step for these tasks.
    fn stop(&self, app: &App);
    /// Close's first step for these tasks, from async code.
    #[cfg(feature = "tokio")]
    fn stop_async<'a>(
        &'a self,
        app: &'a App,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;
}

struct Tasks(Vec<Arc<SharedTask>>);

/// The App's supervised tasks, with the first.
pub(super) fn new_tasks() -> Box<dyn Supervised> {
    Box::new(Tasks(Vec::new()))
}

impl Supervised for Tasks {
    fn add(&mut self, task: Arc<SharedTask>) {
        self.0.push(task);
    }

    fn stop(&self, app: &App) {
        app.stop_these(&self.0);
    }

    #[cfg(feature = "tokio")]
    fn stop_async<'a>(
        &'a self,
        app: &'a App,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>> {
        Box::pin(app.stop_these_async(&self.0))
    }
}

/// The groups close stops, lightest first, each asked when the previous one has
/// ended: no sort, a program has a few weights.
struct Groups<'a> {
    tasks: &'a [Arc<SharedTask>],
    above: Option<i32>,
    /// Whether "stopping tasks" was told to a service manager.
    told: bool,
}

impl<'a> Groups<'a> {
    fn new(tasks: &'a [Arc<SharedTask>]) -> Groups<'a> {
        Groups {
            tasks,
            above: None,
            told: false,
        }
    }

    /// The next group, asked to stop; `None` once no task is left running.
    fn next(&mut self) -> Option<GroupStop<'a>> {
        let above = self.above;
        let weight = self
            .tasks
            .iter()
            .filter(|task| !task.is_finished())
            .map(|task| task.supervision.weight)
            .filter(|weight| above.map_or(true, |above| *weight > above))
            .min()?;
        self.above = Some(weight);
        if !self.told {
            self.told = true;
            notify::status(&"stopping tasks");
        }
        Some(GroupStop::ask(self.tasks, weight))
    }
}

/// One group being stopped: its tasks of one weight asked together and counted in
/// a [`Group`], each waited for within its grace from the asking. An async task
/// that overruns it is aborted and given [`ABORT_WAIT`] more for its future to be
/// dropped (its destructors to run); a thread is given up on, left running.
struct GroupStop<'a> {
    tasks: &'a [Arc<SharedTask>],
    weight: i32,
    group: Arc<Group>,
    asked: Instant,
    /// The group's async tasks aborted so far.
    aborted: Vec<&'a SharedTask>,
}

impl<'a> GroupStop<'a> {
    fn ask(tasks: &'a [Arc<SharedTask>], weight: i32) -> GroupStop<'a> {
        let stop = GroupStop {
            tasks,
            weight,
            group: tasks::new_group(),
            asked: Instant::now(),
            aborted: Vec::new(),
        };
        for task in stop.members() {
            task.watch(&stop.group);
            task.requests.request();
        }
        tasks::group_member_finished(&stop.group);
        stop
    }

    fn members(&self) -> impl Iterator<Item = &'a SharedTask> + '_ {
        let weight = self.weight;
        self.tasks
            .iter()
            .map(|task| &**task)
            .filter(move |task| task.supervision.weight == weight)
    }

    fn deadline(&self, task: &SharedTask) -> Instant {
        let deadline = self.asked + task.supervision.grace;
        match self
            .aborted
            .iter()
            .any(|aborted| std::ptr::eq(*aborted, task))
        {
            true => deadline + ABORT_WAIT,
            false => deadline,
        }
    }

    /// The earliest deadline of the tasks still waited for, unless the group has
    /// ended.
    fn waits_until(&self) -> Option<Instant> {
        if self.group.requests.is_requested() {
            return None;
        }
        self.members()
            .filter(|task| task.is_watched())
            .map(|task| self.deadline(task))
            .min()
    }

    /// What to do with the tasks whose deadline is past at `now`: abort an async
    /// one the first time, else give up on it. The stragglers join `stragglers`.
    #[cold]
    fn overdue(&mut self, now: Instant, stragglers: &mut Vec<Straggler<'a>>) {
        let overdue: Vec<&'a SharedTask> = self
            .members()
            .filter(|task| task.is_watched() && self.deadline(task) <= now)
            .collect();
        for task in overdue {
            let aborted_before = self.aborted.iter().any(|a| std::ptr::eq(*a, task));
            if !aborted_before && task.abort() {
                self.aborted.push(task);
                stragglers.push(task.straggler(true));
            } else if task.abandon() && !aborted_before {
                stragglers.push(task.straggler(false));
            }
        }
    }
}

/// Whether `group` ends before `until` (else `false` at `until`), awaited. The
/// wait is timed by a blocking thread of the current runtime, started only if the
/// group has not ended when first polled.
#[cfg(feature = "tokio")]
async fn ended_by(group: &Arc<Group>, until: Instant) -> bool {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::Poll;

    let token = tasks::group_token(group);
    let mut ended = token.requested();
    let mut timer = None;
    std::future::poll_fn(|cx| {
        if Pin::new(&mut ended).poll(cx).is_ready() {
            return Poll::Ready(true);
        }
        let timer = timer.get_or_insert_with(|| {
            let token = token.clone();
            let left = until.saturating_duration_since(Instant::now());
            tokio::task::spawn_blocking(move || token.wait(Some(left)))
        });
        Pin::new(timer)
            .poll(cx)
            .map(|waited| waited.unwrap_or(false))
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
    pub(crate) name: String,
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

/// Records how a task ended (a failure is reported through its App, if the App is
/// still there), then marks it finished.
fn finish(task: &Task, app: &Weak<Inner>, outcome: Result<Option<String>, Failure>) {
    let failure = match outcome {
        Ok(None) => None,
        Ok(Some(message)) => Some(Failure::Returned(message)),
        Err(failure) => Some(failure),
    };
    if let Some(failure) = failure {
        match app.upgrade() {
            Some(inner) => App::view(inner).task_failed(task, failure),
            None => report::report(&format_args!("task {}", task.name), &failure),
        }
    }
    task.finished();
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
        let task = Task::new(self.name, Kind::Thread, self.supervision);
        let handle = TaskHandle {
            task: Arc::clone(&task),
        };
        if !self.app.register_task(&task) {
            return handle;
        }
        let app = Arc::downgrade(&self.app.inner);
        let stop = tasks::token(&task);
        let runs = Arc::clone(&task);
        let spawned = std::thread::Builder::new()
            .name(task.name.clone())
            .spawn(move || {
                let _span = trace::enter(trace::Span::Task, &runs.name);
                let outcome = report::catch_quietly(|| f(stop));
                finish(&runs, &app, outcome.map(TaskOutput::failure_message));
            });
        if let Err(error) = spawned {
            let app = Arc::downgrade(&self.app.inner);
            let message = format!("cannot start its thread: {error}");
            finish(&task, &app, Ok(Some(message)));
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
        let runtime = match self.app.runtime().handle() {
            Some(handle) => handle.clone(),
            None => tokio::runtime::Handle::try_current()
                .expect("App::spawn needs a tokio runtime: the App's, or a current one"),
        };
        let task = Task::new(self.name, Kind::Async, self.supervision);
        let handle = TaskHandle {
            task: Arc::clone(&task),
        };
        if !self.app.register_task(&task) {
            return handle;
        }
        let app = Arc::downgrade(&self.app.inner);
        let future = f(tasks::token(&task));
        let runs = Arc::clone(&task);
        let join = runtime.spawn(trace::in_span(trace::Span::Task, &task.name, async move {
            // Aborted, the future is dropped here: the task has finished then too.
            let _done = DoneWhenDropped(Arc::clone(&runs));
            let outcome = crate::runtime::catch_unwind(std::pin::pin!(future))
                .await
                .map_err(|payload| Failure::Panicked(report::panic_message(&*payload)));
            finish(&runs, &app, outcome.map(TaskOutput::failure_message));
        }));
        let _ = task.abort.set(join.abort_handle());
        handle
    }
}

/// Marks an async task finished when its future is dropped, aborted or not.
#[cfg(feature = "tokio")]
struct DoneWhenDropped(Arc<SharedTask>);

#[cfg(feature = "tokio")]
impl Drop for DoneWhenDropped {
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
    pub fn spawn<F, Fut, R>(&self, name: impl Into<String>, f: F) -> TaskHandle
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
}
