//! A timer for cement's futures that must not depend on a runtime's time driver: a
//! runtime cement did not build may have none, and `tokio::time` panics there. One
//! thread of cement's, started with the first deadline, wakes each waker once its
//! deadline has passed.
//!
//! A deadline that no longer matters is left to pass: waking the waker of a task
//! that has moved on is a spurious wake-up, which every future allows. So keeping a
//! deadline takes one lock and, only when it is the earliest, wakes the thread.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::task::Waker;
use std::time::Instant;

use crate::lock;

/// The deadlines, earliest first, and the condvar the thread waits on with them.
struct Timer {
    deadlines: Mutex<BinaryHeap<Reverse<Deadline>>>,
    earlier: Condvar,
}

/// A waker to wake at `at`; ordered by `at` alone.
struct Deadline {
    at: Instant,
    waker: Waker,
}

impl PartialEq for Deadline {
    fn eq(&self, other: &Deadline) -> bool {
        self.at == other.at
    }
}

impl Eq for Deadline {}

impl PartialOrd for Deadline {
    fn partial_cmp(&self, other: &Deadline) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Deadline {
    fn cmp(&self, other: &Deadline) -> Ordering {
        self.at.cmp(&other.at)
    }
}

static TIMER: OnceLock<&'static Timer> = OnceLock::new();

/// Wakes `waker` once `at` has passed (at once if it has).
pub(crate) fn wake_at(at: Instant, waker: Waker) {
    let timer = *TIMER.get_or_init(start);
    let mut deadlines = lock(&timer.deadlines);
    let earliest = deadlines.peek().map_or(true, |first| at < first.0.at);
    deadlines.push(Reverse(Deadline { at, waker }));
    drop(deadlines);
    if earliest {
        timer.earlier.notify_one();
    }
}

/// The timer and its thread, for the rest of the process. Should the thread not
/// start, deadlines are kept but never passed: a wait then lasts until what it
/// waits for happens, and the failure is said on one line.
fn start() -> &'static Timer {
    let timer: &'static Timer = Box::leak(Box::new(Timer {
        deadlines: Mutex::new(BinaryHeap::new()),
        earlier: Condvar::new(),
    }));
    let started = std::thread::Builder::new()
        .name("cement-timer".into())
        .spawn(move || run(timer));
    if let Err(error) = started {
        crate::report::line(&format_args!("cannot start the timer thread: {error}"));
    }
    timer
}

/// The thread: wakes what is due, then waits for the next deadline or an earlier one.
fn run(timer: &Timer) {
    let mut deadlines = lock(&timer.deadlines);
    loop {
        let now = Instant::now();
        let mut due = Vec::new();
        while deadlines.peek().is_some_and(|first| first.0.at <= now) {
            due.extend(deadlines.pop().map(|Reverse(deadline)| deadline.waker));
        }
        if !due.is_empty() {
            drop(deadlines);
            due.into_iter().for_each(Waker::wake);
            deadlines = lock(&timer.deadlines);
            continue;
        }
        deadlines = match deadlines.peek().map(|first| first.0.at - now) {
            Some(left) => timer
                .earlier
                .wait_timeout(deadlines, left)
                .map(|(deadlines, _)| deadlines)
                .unwrap_or_else(|poisoned| poisoned.into_inner().0),
            None => timer
                .earlier
                .wait(deadlines)
                .unwrap_or_else(PoisonError::into_inner),
        };
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{mpsc, Arc, Mutex};
    use std::task::{Wake, Waker};
    use std::time::{Duration, Instant};

    /// Sends its name when woken.
    struct Named(Mutex<mpsc::Sender<&'static str>>, &'static str);

    impl Wake for Named {
        fn wake(self: Arc<Self>) {
            let _ = self.0.lock().unwrap().send(self.1);
        }
    }

    #[test]
    fn wakers_wake_in_the_order_of_their_deadlines_an_earlier_one_added_later_first() {
        let (sender, woken) = mpsc::channel();
        let waker = |name| Waker::from(Arc::new(Named(Mutex::new(sender.clone()), name)));
        let now = Instant::now();
        let late = now + Duration::from_millis(60);
        super::wake_at(late, waker("late"));
        super::wake_at(now + Duration::from_millis(5), waker("early"));
        super::wake_at(now, waker("due"));
        let order: Vec<_> = (0..3).map(|_| woken.recv().unwrap()).collect();
        assert_eq!(order, ["due", "early", "late"]);
        // Never before its deadline.
        assert!(Instant::now() >= late);
    }
}
