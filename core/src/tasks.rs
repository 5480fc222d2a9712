//! Supervised tasks: threads and tokio tasks that an App stops, waits for and names.
//!
//! A task gets a [`ShutdownToken`] of its own. Close begins with a step of its own,
//! *stopping tasks* (`app/tasks.rs`): groups of ascending weight are asked together
//! and waited for, each task within its grace; what has not stopped by then is a
//! straggler: an async task is aborted, a thread is left running, and one line names
//! them all. This file holds what a task is ([`TaskHandle`], what it may return);
//! the App's side (spawning, `TaskBuilder`, stopping) is in `app/tasks.rs`.

use std::borrow::Cow;
use std::fmt::{self, Display};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::deadline::ShortDuration;
use crate::report::{self, Failure};
use crate::shutdown::{Shared, ShutdownToken};

/// What a supervised task may return: `()`, or `Result<(), E>` whose error is
/// reported as `E`'s alternate `Display` (`{:#}`: anyhow's chain, an `io::Error`'s
/// text).
///
/// ```
/// # extern crate cement_core as cement;
/// fn takes<R: cement::TaskOutput>(_: impl FnOnce() -> R) {}
/// takes(|| ());
/// takes(|| Ok::<(), std::io::Error>(()));
/// takes(|| Err::<(), _>("a &str is Display too"));
/// ```
pub trait TaskOutput: Send + 'static {
    /// The error's message, if the task failed.
    #[doc(hidden)]
    fn failure_message(self) -> Option<String>;
}

impl TaskOutput for () {
    fn failure_message(self) -> Option<String> {
        None
    }
}

impl<E: Display + Send + 'static> TaskOutput for Result<(), E> {
    fn failure_message(self) -> Option<String> {
        self.err().map(|error| format!("{error:#}"))
    }
}

/// Whether a task is a thread or an async task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Thread,
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    Async,
}

/// How a task is supervised; see [`TaskBuilder`].
#[derive(Clone, Debug)]
pub(crate) struct Supervision {
    pub(crate) weight: i32,
    pub(crate) grace: Duration,
    pub(crate) ignore_failure: bool,
    pub(crate) failure_code: i32,
}

/// One task, shared by its handles, its token, its own thread or future, and (by a
/// weak reference) the App, as a [`SharedTask`].
pub(crate) struct Task {
    pub(crate) name: Cow<'static, str>,
    pub(crate) kind: Kind,
    pub(crate) supervision: Supervision,
    /// [`FINISHED`] (returned, failed, panicked, or its future was dropped) and
    /// [`ABANDONED`], each set once; its group counts it while neither is.
    state: AtomicU8,
    /// The App's tasks of its weight, which count it while it runs; none for a
    /// task refused at its start.
    group: Option<Arc<Group>>,
    /// Aborts an async task (its future is dropped on the runtime). The join
    /// handle itself rather than an abort handle made from it: kept, it is dropped
    /// where the task ends, not by the spawning thread as the task starts.
    #[cfg(feature = "tokio")]
    pub(crate) abort: std::sync::OnceLock<tokio::task::JoinHandle<()>>,
}

impl Task {
    /// A task of `group` (the caller registers it there, and counts it).
    pub(crate) fn new(
        name: Cow<'static, str>,
        kind: Kind,
        supervision: Supervision,
        group: Option<Arc<Group>>,
    ) -> Arc<SharedTask> {
        Shared::new(Task {
            name,
            kind,
            supervision,
            state: AtomicU8::new(RUNNING),
            group,
            #[cfg(feature = "tokio")]
            abort: std::sync::OnceLock::new(),
        })
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.state.load(Ordering::SeqCst) & FINISHED != 0
    }

    /// Whether its group still counts it: not finished, not given up on.
    pub(crate) fn is_running(&self) -> bool {
        self.state.load(Ordering::Acquire) == RUNNING
    }

    /// Close gives up on it: its group counts it off, unless it finished first;
    /// whether close gave up.
    pub(crate) fn abandon(&self) -> bool {
        let abandoned = self
            .state
            .compare_exchange(RUNNING, ABANDONED, Ordering::SeqCst, Ordering::Acquire)
            .is_ok();
        if abandoned {
            self.counted_off();
        }
        abandoned
    }

    fn counted_off(&self) {
        if let Some(group) = &self.group {
            group_member_finished(group);
        }
    }

    /// It failed: reported through its App if the App is still there, else on one
    /// line.
    pub(crate) fn failed(&self, failure: Failure) {
        let app = self.group.as_ref().and_then(|group| group.app.upgrade());
        match app {
            Some(app) => app.task_failed(self, failure),
            None => report::report(&format_args!("task {}", self.name), &failure),
        }
    }

    /// Aborts it, if it is an async task whose abort is known; whether it was.
    pub(crate) fn abort(&self) -> bool {
        #[cfg(feature = "tokio")]
        if let Some(abort) = self.abort.get() {
            abort.abort();
            return true;
        }
        false
    }
}

/// Neither finished nor given up on: counted in its group.
const RUNNING: u8 = 0;
/// Finished.
const FINISHED: u8 = 1;
/// Overran its grace: close gave up on it and counted it off (it may finish later).
const ABANDONED: u8 = 2;

impl SharedTask {
    /// It has finished: its joiners are woken, and its group counts it off unless
    /// close gave up on it. Idempotent.
    pub(crate) fn finished(&self) {
        let before = self.state.fetch_or(FINISHED, Ordering::SeqCst);
        if before & FINISHED == 0 {
            // After the flag, `SeqCst`: a joiner either sees it or is woken.
            self.requests.wake_blocked();
            if before == RUNNING {
                self.counted_off();
            }
        }
    }

    /// Blocks until it has finished (`true`) or `timeout` passes (`false`).
    pub(crate) fn join(&self, timeout: Option<Duration>) -> bool {
        self.requests.wait_until(timeout, || self.is_finished())
    }
}

/// An App's tasks of one weight, counted off as each finishes (or close gives up
/// on it). Once close has asked them to stop and said how many there are, the last
/// to be counted off ends the group (its `requests`): one event for close to wait
/// for per group, rather than one per task. The App counts the tasks it starts
/// under its lock, so that starting one writes nothing here, where the tasks
/// ending on other threads write.
pub(crate) type Group = Shared<Members>;

/// What a [`Group`] holds beside its end.
pub(crate) struct Members {
    /// How many of its tasks were counted off.
    ended: AtomicUsize,
    /// How many tasks it had when close asked them; `usize::MAX` until then.
    asked: AtomicUsize,
    /// Where its tasks' failures go, held weakly.
    app: Weak<dyn Supervisor>,
}

/// What supervises tasks (an App): told of a task's failure.
pub(crate) trait Supervisor: Send + Sync {
    fn task_failed(self: Arc<Self>, task: &Task, failure: Failure);
}

/// A group of `app`'s, not yet asked.
pub(crate) fn new_group(app: Weak<dyn Supervisor>) -> Arc<Group> {
    Shared::new(Members {
        ended: AtomicUsize::new(0),
        asked: AtomicUsize::new(usize::MAX),
        app,
    })
}

/// How many of the `started` tasks of `group` run.
pub(crate) fn group_running(group: &Group, started: usize) -> usize {
    started.saturating_sub(group.ended.load(Ordering::Acquire))
}

/// Close asks `group`, whose tasks number `started`: it ends with the last of them
/// to be counted off, or now if none runs.
pub(crate) fn group_asked(group: &Group, started: usize) {
    // `SeqCst` here and in `group_member_finished`: either the last task counted
    // off sees how many there are, or this sees it counted off (or both).
    group.asked.store(started, Ordering::SeqCst);
    if group.ended.load(Ordering::SeqCst) == started {
        group.requests.request();
    }
}

/// A token of `group`'s end, to await it.
#[cfg(feature = "tokio")]
pub(crate) fn group_token(group: &Arc<Group>) -> ShutdownToken {
    ShutdownToken::of(Arc::clone(group) as _)
}

/// Counts one task off `group`; once asked, the last ends it.
pub(crate) fn group_member_finished(group: &Group) {
    let ended = group.ended.fetch_add(1, Ordering::SeqCst) + 1;
    if ended == group.asked.load(Ordering::SeqCst) {
        group.requests.request();
    }
}

/// A task with its stop request (`requests`, which [`TaskHandle::stop`] and close
/// make), in one allocation.
pub(crate) type SharedTask = Shared<Task>;

/// The token a task's function gets: its stop request.
pub(crate) fn token(task: &Arc<SharedTask>) -> ShutdownToken {
    ShutdownToken::of(Arc::clone(task) as _)
}

/// `indexer (thread, 10s, left running)`, `server (task, 2s, aborted)`.
pub(crate) struct Straggler {
    task: Arc<SharedTask>,
    aborted: bool,
}

impl Straggler {
    /// `task`, whose grace ran out: `aborted`, or left running.
    pub(crate) fn new(task: Arc<SharedTask>, aborted: bool) -> Straggler {
        Straggler { task, aborted }
    }

    pub(crate) fn task(&self) -> &Task {
        &self.task
    }

    /// What became of it, for its record in `failures()`: `left running after its
    /// grace of 10s`.
    pub(crate) fn fate(&self) -> String {
        let fate = if self.aborted {
            "aborted"
        } else {
            "left running"
        };
        format!(
            "{fate} after its grace of {}",
            ShortDuration(self.task.supervision.grace)
        )
    }
}

impl Display for Straggler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.task.kind {
            Kind::Thread => "thread",
            Kind::Async => "task",
        };
        let fate = if self.aborted {
            "aborted"
        } else {
            "left running"
        };
        write!(
            f,
            "{} ({kind}, {}, {fate})",
            self.task.name,
            ShortDuration(self.task.supervision.grace)
        )
    }
}

/// A supervised task, from [`App::spawn_thread`](crate::App::spawn_thread), `App::spawn`
/// or [`TaskBuilder`](crate::TaskBuilder): cheap to clone, `Send + Sync`.
///
/// ```
/// # extern crate cement_core as cement;
/// let app = cement::App::new("demo");
/// let ticker = app.spawn_thread("ticker", |stop| {
///     while !stop.wait(Some(std::time::Duration::from_millis(5))) {}
/// });
/// assert_eq!(ticker.name(), "ticker");
/// ticker.stop(); // this task alone
/// assert!(ticker.join(None));
/// assert!(ticker.is_finished());
/// app.close();
/// ```
#[derive(Clone)]
pub struct TaskHandle {
    pub(crate) task: Arc<SharedTask>,
}

impl TaskHandle {
    /// The task's name, as reports give it.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// assert_eq!(app.spawn_thread("flusher", |_stop| ()).name(), "flusher");
    /// # app.close();
    /// ```
    pub fn name(&self) -> &str {
        &self.task.name
    }

    /// Requests this task's token alone; the App and other tasks go on.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// let task = app.spawn_thread("worker", |stop| { stop.wait(None); });
    /// task.stop();
    /// task.join(None);
    /// assert!(!app.is_shutdown_requested());
    /// # app.close();
    /// ```
    pub fn stop(&self) {
        self.task.requests.request();
    }

    /// Whether the task has finished: returned, failed, panicked, or (an async task)
    /// was aborted.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// let app = cement::App::new("demo");
    /// let task = app.spawn_thread("waits", |stop| { stop.wait(None); });
    /// assert!(!task.is_finished());
    /// task.stop();
    /// task.join(None);
    /// assert!(task.is_finished());
    /// # app.close();
    /// ```
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Blocks until the task has finished (`true`) or `timeout` passes (`false`);
    /// `None` waits as long as it takes. In async code, await
    /// [`finished`](TaskHandle::finished) instead.
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// use std::time::Duration;
    ///
    /// let app = cement::App::new("demo");
    /// let task = app.spawn_thread("waits", |stop| { stop.wait(None); });
    /// assert!(!task.join(Some(Duration::from_millis(1))));
    /// task.stop();
    /// assert!(task.join(None));
    /// # app.close();
    /// ```
    pub fn join(&self, timeout: Option<Duration>) -> bool {
        self.task.join(timeout)
    }

    /// A future that resolves once the task has finished, as
    /// [`is_finished`](TaskHandle::is_finished) says: what [`join`](TaskHandle::join)
    /// waits for, without blocking a thread. It needs no particular runtime; for a
    /// deadline, wrap it in one (`tokio::time::timeout`).
    ///
    /// ```
    /// # extern crate cement_core as cement;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let app = cement::App::new("demo");
    /// let worker = app.spawn_thread("worker", |stop| { stop.wait(None); });
    /// worker.stop(); // this task alone
    /// worker.finished().await;
    /// assert!(worker.is_finished() && !app.is_shutdown_requested());
    /// # app.close();
    /// # }
    /// ```
    pub fn finished(&self) -> TaskFinished {
        TaskFinished {
            task: Arc::clone(&self.task),
            key: None,
        }
    }
}

/// A future that resolves once a supervised task has finished, from
/// [`TaskHandle::finished`]. `Send`, `Unpin` and `'static`; it needs no particular
/// runtime.
///
/// ```
/// # extern crate cement_core as cement;
/// fn assert_future<F: std::future::Future<Output = ()> + Send + Unpin + 'static>(_: F) {}
/// let app = cement::App::new("demo");
/// assert_future(app.spawn_thread("t", |_stop| ()).finished());
/// # app.close();
/// ```
#[must_use = "a future does nothing unless polled"]
pub struct TaskFinished {
    task: Arc<SharedTask>,
    /// Its waker's entry, once it was polled and found pending.
    key: Option<u64>,
}

impl std::future::Future for TaskFinished {
    type Output = ();

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        let this = self.get_mut();
        let task = &this.task;
        task.requests
            .poll_until(&mut this.key, cx, || task.is_finished())
    }
}

impl Drop for TaskFinished {
    fn drop(&mut self) {
        self.task.requests.forget(&mut self.key);
    }
}

impl fmt::Debug for TaskFinished {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskFinished")
            .field("name", &self.task.name)
            .field("finished", &self.task.is_finished())
            .finish()
    }
}

impl fmt::Debug for TaskHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskHandle")
            .field("name", &self.task.name)
            .field("finished", &self.is_finished())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Weak};
    use std::time::Duration;

    use std::future::Future;
    use std::pin::Pin;
    use std::sync::atomic::Ordering;
    use std::task::{Context, Poll, Waker};

    use super::{group_asked, group_running, new_group, Kind, Supervision, Task};
    use crate::report::Failure;
    use crate::shutdown::tests::{self as shutdown_tests, Counted};

    struct NoApp;
    impl super::Supervisor for NoApp {
        fn task_failed(self: Arc<Self>, _task: &Task, _failure: Failure) {}
    }

    fn supervision() -> Supervision {
        Supervision {
            weight: 0,
            grace: Duration::from_secs(1),
            ignore_failure: false,
            failure_code: 1,
        }
    }

    #[test]
    fn a_group_ends_once_asked_and_every_task_is_finished_or_given_up_on() {
        let group = new_group(Weak::<NoApp>::new());
        let task = |name: &'static str| {
            Task::new(
                name.into(),
                Kind::Thread,
                supervision(),
                Some(Arc::clone(&group)),
            )
        };
        let (done, stuck, early) = (task("done"), task("stuck"), task("early"));
        early.finished();
        assert_eq!(group_running(&group, 3), 2);
        assert!(!group.requests.is_requested());
        group_asked(&group, 3);
        assert!(!group.requests.is_requested());
        done.finished();
        done.finished(); // counted off once
        assert!(!group.requests.is_requested());
        assert!(stuck.abandon());
        assert!(group.requests.is_requested());
        assert!(!stuck.is_finished() && !stuck.is_running());
        stuck.finished(); // late: already counted off
        assert!(stuck.is_finished() && !early.abandon());
    }

    /// Polls `future` once with `waker`.
    fn poll_once(future: &mut super::TaskFinished, waker: &Waker) -> Poll<()> {
        Pin::new(future).poll(&mut Context::from_waker(waker))
    }

    #[test]
    fn a_pending_finished_future_is_woken_by_the_end_and_a_request_only_wakes_it_again() {
        let task = Task::new("ends".into(), Kind::Thread, supervision(), None);
        let handle = super::TaskHandle {
            task: Arc::clone(&task),
        };
        let counted = Arc::new(Counted::default());
        let waker = Waker::from(Arc::clone(&counted));
        let wakes = || counted.0.load(Ordering::SeqCst);
        let mut finished = handle.finished();
        assert!(poll_once(&mut finished, &waker).is_pending());
        handle.stop(); // a spurious wake: it waits on
        assert_eq!(wakes(), 1);
        assert!(poll_once(&mut finished, &waker).is_pending());
        task.finished();
        assert_eq!(wakes(), 2);
        assert!(poll_once(&mut finished, &waker).is_ready());
        assert_eq!(task.requests.waiters_len(), 0);
        // Made after the end: ready at once.
        shutdown_tests::block_on(handle.finished());
    }

    #[test]
    fn the_finished_future_resolves_when_another_thread_ends_the_task() {
        let task = Task::new("threaded".into(), Kind::Thread, supervision(), None);
        let handle = super::TaskHandle {
            task: Arc::clone(&task),
        };
        let ender = std::thread::spawn(move || task.finished());
        shutdown_tests::block_on(handle.finished());
        ender.join().unwrap();
        assert!(handle.is_finished());
    }

    #[test]
    fn a_dropped_pending_finished_future_leaves_no_waker_behind() {
        let task = Task::new("dropped".into(), Kind::Thread, supervision(), None);
        let handle = super::TaskHandle {
            task: Arc::clone(&task),
        };
        let waker = Waker::from(Arc::new(Counted::default()));
        let mut finished = handle.finished();
        assert!(poll_once(&mut finished, &waker).is_pending());
        assert_eq!(task.requests.waiters_len(), 1);
        drop(finished);
        assert_eq!(task.requests.waiters_len(), 0);
    }

    #[test]
    fn a_joiner_and_a_waiter_on_the_token_share_one_condvar_and_both_wake() {
        let task = Task::new("shared".into(), Kind::Thread, supervision(), None);
        let token = super::token(&task);
        let waiter = std::thread::spawn(move || token.wait(None));
        let joining = Arc::clone(&task);
        let joiner = std::thread::spawn(move || joining.join(None));
        assert!(!task.join(Some(Duration::from_millis(1))));
        task.requests.request();
        assert!(waiter.join().unwrap());
        task.finished();
        assert!(joiner.join().unwrap());
    }
}
