//! Supervised tasks: threads and tokio tasks that an App stops, waits for and names.
//!
//! A task gets a [`ShutdownToken`] of its own. Close begins with a step of its own,
//! *stopping tasks* (`app/tasks.rs`): groups of ascending weight are asked together
//! and waited for, each task within its grace; what has not stopped by then is a
//! straggler: an async task is aborted, a thread is left running, and one line names
//! them all. This file holds what a task is ([`TaskHandle`], what it may return);
//! the App's side (spawning, `TaskBuilder`, stopping) is in `app/tasks.rs`.

use std::fmt::{self, Display};
use std::time::Duration;

use crate::deadline::ShortDuration;
use crate::shutdown::ShutdownToken;

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

/// One task, shared by its handles, its own thread or future, and the App.
pub(crate) struct Task {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    pub(crate) supervision: Supervision,
    /// Its own token: requested by [`TaskHandle::stop`] or when close stops it.
    pub(crate) stop: ShutdownToken,
    /// Requested once it has finished (returned, failed, panicked, or its future
    /// was dropped).
    pub(crate) done: ShutdownToken,
    /// Aborts an async task (its future is dropped on the runtime).
    #[cfg(feature = "tokio")]
    pub(crate) abort: std::sync::OnceLock<tokio::task::AbortHandle>,
}

impl Task {
    pub(crate) fn new(name: String, kind: Kind, supervision: Supervision) -> Task {
        Task {
            name,
            kind,
            supervision,
            stop: ShutdownToken::detached(),
            done: ShutdownToken::detached(),
            #[cfg(feature = "tokio")]
            abort: std::sync::OnceLock::new(),
        }
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.done.is_requested()
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

/// `indexer (thread, 10s, left running)`, `server (task, 2s, aborted)`.
pub(crate) struct Straggler<'a> {
    task: &'a Task,
    aborted: bool,
}

impl Straggler<'_> {
    pub(crate) fn task(&self) -> &Task {
        self.task
    }

    pub(crate) fn aborted(&self) -> bool {
        self.aborted
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
    pub(crate) task: std::sync::Arc<Task>,
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
        self.task.stop.request();
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
