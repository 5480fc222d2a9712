//! Supervised tasks: threads and tokio tasks that an App stops, waits for and names.
//!
//! A task gets a [`ShutdownToken`] of its own. Close begins with a step of its own,
//! *stopping tasks* (`app/tasks.rs`): groups of ascending weight are asked together
//! and waited for, each task within its grace; what has not stopped by then is a
//! straggler: an async task is aborted, a thread is left running, and one line names
//! them all. This file holds what a task is ([`TaskHandle`], what it may return);
//! the App's side (spawning, `TaskBuilder`, stopping) is in `app/tasks.rs`.

use std::fmt::{self, Display};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::deadline::ShortDuration;
use crate::shutdown::{Requests, Shared, ShutdownToken};

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

/// One task, shared by its handles, its token, its own thread or future, and the
/// App, as a [`SharedTask`].
pub(crate) struct Task {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    pub(crate) supervision: Supervision,
    /// Requested once it has finished (returned, failed, panicked, or its future
    /// was dropped).
    pub(crate) done: Requests,
    /// Whether close counts it in a group it waits for: [`RUNNING`], [`WATCHED`],
    /// [`FINISHED`] or [`ABANDONED`].
    state: AtomicU8,
    /// The group close counts it in, once it does.
    group: OnceLock<Arc<Group>>,
    /// Aborts an async task (its future is dropped on the runtime).
    #[cfg(feature = "tokio")]
    pub(crate) abort: std::sync::OnceLock<tokio::task::AbortHandle>,
}

impl Task {
    pub(crate) fn new(name: String, kind: Kind, supervision: Supervision) -> Arc<SharedTask> {
        Shared::new(Task {
            name,
            kind,
            supervision,
            done: Requests::new(),
            state: AtomicU8::new(RUNNING),
            group: OnceLock::new(),
            #[cfg(feature = "tokio")]
            abort: std::sync::OnceLock::new(),
        })
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.done.is_requested()
    }

    /// It has finished: its joiners are woken, and the group close waits for, if
    /// it is counted in one, counts it off.
    pub(crate) fn finished(&self) {
        self.done.request();
        if self.state.swap(FINISHED, Ordering::AcqRel) == WATCHED {
            if let Some(group) = self.group.get() {
                group_member_finished(group);
            }
        }
    }

    /// Counts it in `group`, unless it has finished.
    pub(crate) fn watch(&self, group: &Arc<Group>) {
        if self.is_finished() {
            return;
        }
        // Both before the state, which the finishing side reads first: counted in
        // before it can be counted off.
        let _ = self.group.set(Arc::clone(group));
        group.fetch_add(1, Ordering::AcqRel);
        let watched = self
            .state
            .compare_exchange(RUNNING, WATCHED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if !watched {
            // Finished meanwhile. The asking's own count keeps the group above 0.
            group.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Whether close still waits for it: counted in its group, not finished.
    pub(crate) fn is_watched(&self) -> bool {
        self.state.load(Ordering::Acquire) == WATCHED
    }

    /// Close gives up on it: counted off its group unless it finished first;
    /// whether close gave up.
    pub(crate) fn abandon(&self) -> bool {
        let abandoned = self
            .state
            .compare_exchange(WATCHED, ABANDONED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if abandoned {
            if let Some(group) = self.group.get() {
                group_member_finished(group);
            }
        }
        abandoned
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

    /// How the straggler line and `failures()` describe it once its grace ran out.
    pub(crate) fn straggler(&self, aborted: bool) -> Straggler<'_> {
        Straggler {
            task: self,
            aborted,
        }
    }
}

/// Not yet counted in a group close waits for.
const RUNNING: u8 = 0;
/// Counted in a group close waits for, not finished.
const WATCHED: u8 = 1;
/// Finished, and counted off its group if it was in one.
const FINISHED: u8 = 2;
/// Overran its grace: close stopped waiting for it.
const ABANDONED: u8 = 3;

/// The tasks of one weight that close asked to stop, counted until the last
/// finishes or is given up on: one event for close to wait for (its `requests`),
/// rather than one per task.
pub(crate) type Group = Shared<AtomicUsize>;

/// A new group, counting one until [`group_member_finished`] for the asking
/// itself, so that it cannot end while tasks are still being counted in.
pub(crate) fn new_group() -> Arc<Group> {
    Shared::new(AtomicUsize::new(1))
}

/// A token of `group`'s end, to await it.
#[cfg(feature = "tokio")]
pub(crate) fn group_token(group: &Arc<Group>) -> ShutdownToken {
    ShutdownToken::of(Arc::clone(group) as _)
}

/// Counts one member (or the asking) off `group`; the last ends it.
pub(crate) fn group_member_finished(group: &Group) {
    if group.fetch_sub(1, Ordering::AcqRel) == 1 {
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
pub(crate) struct Straggler<'a> {
    task: &'a Task,
    aborted: bool,
}

impl Straggler<'_> {
    pub(crate) fn task(&self) -> &Task {
        self.task
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

impl Display for Straggler<'_> {
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
    /// `None` waits as long as it takes.
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
        self.task.done.wait(timeout)
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
