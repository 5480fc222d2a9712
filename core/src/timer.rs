//! A timer for cement's futures that must not depend on a runtime's time driver: a
//! runtime cement did not build may have none, and `tokio::time` panics there. One
//! thread of cement's, started with the first deadline, wakes each waker once its
//! deadline has passed.
//!
//! A deadline is kept until it passes or its [`Deadline`] is dropped: keeping one
//! takes one lock, and wakes the thread only when it is the earliest.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::task::Waker;
use std::time::Instant;

use crate::lock;

/// The deadlines, earliest first (numbered, so that two may share an instant),
/// and the condvar the thread waits on with them.
struct Timer {
    deadlines: Mutex<BTreeMap<(Instant, u64), Waker>>,
    earlier: Condvar,
}

static TIMER: OnceLock<&'static Timer> = OnceLock::new();

/// A deadline kept by [`wake_at`]; dropped, it is forgotten.
#[must_use = "a deadline is forgotten once dropped"]
pub(crate) struct Deadline {
    key: (Instant, u64),
}

/// Wakes `waker` once `at` has passed (at once if it has), unless the returned
/// [`Deadline`] is dropped first.
pub(crate) fn wake_at(at: Instant, waker: Waker) -> Deadline {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let key = (at, NEXT.fetch_add(1, Ordering::Relaxed));
    let timer = *TIMER.get_or_init(start);
    let mut deadlines = lock(&timer.deadlines);
    let earliest = deadlines
        .first_key_value()
        .map_or(true, |(first, _)| key < *first);
    deadlines.insert(key, waker);
    drop(deadlines);
    if earliest {
        timer.earlier.notify_one();
    }
    Deadline { key }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        // The thread, if it waits for this one, wakes at it and finds it gone.
        if let Some(timer) = TIMER.get() {
            lock(&timer.deadlines).remove(&self.key);
        }
    }
}

/// The timer and its thread, for the rest of the process. Should the thread not
/// start, deadlines are kept but never pass: a wait then lasts until what it waits
/// for happens, and the failure is said on one line.
fn start() -> &'static Timer {
    let timer: &'static Timer = Box::leak(Box::new(Timer {
        deadlines: Mutex::new(BTreeMap::new()),
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
        while deadlines
            .first_key_value()
            .is_some_and(|((at, _), _)| *at <= now)
        {
            due.extend(deadlines.pop_first().map(|(_, waker)| waker));
        }
        if !due.is_empty() {
            drop(deadlines);
            due.into_iter().for_each(Waker::wake);
            deadlines = lock(&timer.deadlines);
            continue;
        }
        deadlines = match deadlines.first_key_value().map(|((at, _), _)| *at - now) {
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
    fn wakers_wake_in_the_order_of_their_deadlines_and_a_dropped_one_never() {
        let (sender, woken) = mpsc::channel();
        let waker = |name| Waker::from(Arc::new(Named(Mutex::new(sender.clone()), name)));
        let now = Instant::now();
        let late = now + Duration::from_millis(60);
        let _late = super::wake_at(late, waker("late"));
        let forgotten = super::wake_at(now + Duration::from_millis(30), waker("forgotten"));
        let _early = super::wake_at(now + Duration::from_millis(5), waker("early"));
        let _due = super::wake_at(now, waker("due"));
        drop(forgotten);
        let order: Vec<_> = (0..3).map(|_| woken.recv().unwrap()).collect();
        assert_eq!(order, ["due", "early", "late"]);
        // Never before its deadline.
        assert!(Instant::now() >= late);
        drop(sender);
        assert!(woken.recv().is_err(), "a dropped deadline woke its waker");
    }
}
