//! The lifecycle of an App, and of the process around it, as one state machine.
//!
//! Every path that moves an App along asks [`Lifecycle`] first, through a transition
//! that returns what the caller must do next: the generated `main` (sync and async),
//! `setup`, `run` and `close`, the signal-watching thread, `std::process::exit` (the
//! exit-time close), the close deadline, `#[cement::test]` and
//! [`App::deliver_signal`](crate::App::deliver_signal). Nothing else keeps lifecycle
//! flags. The signal handler itself keeps only the one atomic that tells a first
//! signal from a second (`signals/mod.rs`); what a first signal does is decided here,
//! under this lock.
//!
//! What a service manager has been told of the App (systemd's READY and STOPPING,
//! [`Told`]) is kept here too, and told under this lock, so that the messages follow
//! the transitions.
//!
//! The decision is a pure function, [`decide`], of the phase, a little context and
//! the event, so that a unit test walks every phase × event pair. What a first caught
//! signal does, by phase ("deliver": the code becomes 128 + n unless already
//! non-zero, the `signal` hooks run, shutdown is requested):
//!
//! | phase | first signal | when the grace runs out |
//! |---|---|---|
//! | built (not catching yet) | the OS default | |
//! | setting up | deliver; setup finishes; no body starts; close on the thread that drives the lifecycle (the generated `main`), else from the watcher | one line naming the grace and what still runs; close from the watcher |
//! | set up, `pre_run` | deliver; the body does not start; close as above | as above |
//! | the body, cooperating | deliver; wait for it; `post_run` and close on its thread | as above |
//! | the body, not cooperating | deliver; close at once from the watcher | |
//! | `post_run`, after the run | deliver; wait for close to start on that thread | as above |
//! | closing (stopping tasks, then its hooks), closed, atexit handlers | no `signal` hooks; the code becomes 128 + n unless non-zero; one line; they finish | the close deadline, if set |
//!
//! A second signal, in any phase once signals are caught, ends the process at once.

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::lock;
use crate::signal::Signal;

/// Where an App is in its life; [`Phase::AtExit`] is the process's own last phase,
/// once no App is left to ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Built, not set up: signals are not caught yet.
    Built,
    /// `setup` runs its hooks.
    SettingUp,
    /// Set up; no `run` has started (or a signal made one skip its body).
    SetUp,
    /// `run` runs its `pre_run` hooks.
    PreRun,
    /// A body runs.
    Body,
    /// `run` runs its `post_run` hooks.
    PostRun,
    /// `run` returned; close has not begun.
    AfterRun,
    /// Close's first step: the App's supervised tasks are asked to stop and waited
    /// for (on the thread [`State::closer`] names); no task starts any more.
    StoppingTasks,
    /// The rest of the close sequence runs, on the same thread.
    Closing,
    /// The close sequence finished.
    Closed,
    /// The process is ending and the App that caught signals is gone: the atexit
    /// handlers run.
    AtExit,
}

impl Phase {
    /// Every phase, in order: for tests that walk them all.
    #[cfg(test)]
    pub(crate) const ALL: [Phase; 11] = [
        Phase::Built,
        Phase::SettingUp,
        Phase::SetUp,
        Phase::PreRun,
        Phase::Body,
        Phase::PostRun,
        Phase::AfterRun,
        Phase::StoppingTasks,
        Phase::Closing,
        Phase::Closed,
        Phase::AtExit,
    ];

    /// Close has begun and not finished.
    pub(crate) fn is_closing(self) -> bool {
        matches!(self, Phase::StoppingTasks | Phase::Closing)
    }

    /// What runs in this phase, for the line that says the grace ran out.
    pub(crate) fn what_runs(self) -> &'static str {
        match self {
            Phase::SettingUp => "the setup hooks",
            Phase::PreRun => "the pre_run hooks",
            Phase::Body => "the body",
            Phase::PostRun => "the post_run hooks",
            _ => "the thread that runs the App, which has not closed it",
        }
    }
}

/// What happens to an App, as [`decide`] sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// The first caught signal (or [`App::deliver_signal`](crate::App::deliver_signal)).
    FirstSignal,
    /// Any signal after the first. The OS-level handler meets it and tells it from
    /// a first with one atomic alone (`signals::arrival`); the table says what it
    /// does in every phase.
    #[cfg_attr(not(test), allow(dead_code))]
    SecondSignal,
    /// A body returned (or unwound) out of `run`.
    BodyReturns,
    /// `close()` was called.
    CloseCalled,
    /// The process is ending (`main` returned or `std::process::exit`): the
    /// exit-time close.
    ProcessExit,
    /// The shutdown grace the signal path gave ran out.
    GraceEnds,
}

impl Event {
    #[cfg(test)]
    pub(crate) const ALL: [Event; 6] = [
        Event::FirstSignal,
        Event::SecondSignal,
        Event::BodyReturns,
        Event::CloseCalled,
        Event::ProcessExit,
        Event::GraceEnds,
    ];
}

/// What the thread that met an [`Event`] does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Signals are not caught yet: the OS's default action.
    OsDefault,
    /// The code, the `signal` hooks, the shutdown request; then [`watcher_step`].
    Deliver,
    /// Close (or the atexit handlers) runs: no `signal` hooks; the code becomes
    /// 128 + n unless non-zero; one line; what runs finishes.
    FinishClosing,
    /// End the process at once with 128 + n.
    ExitAtOnce,
    /// Go on: the `post_run` hooks follow the body.
    GoOn,
    /// Another thread ends the process: block until it does.
    WaitForProcessEnd,
    /// Run the close sequence on this thread.
    RunClose,
    /// Finish the close sequence this thread is in (a hook called
    /// `std::process::exit`): nothing skipped, nothing twice.
    ResumeClose,
    /// Another thread runs the close sequence: wait for it to finish.
    WaitForClose,
    /// Close ran, or runs on this thread (a hook called `close()`): return the code.
    ReturnCode,
    /// Report what still runs, then close from the signal-watching thread.
    CloseFromWatcher,
    /// Nothing to do.
    Nothing,
}

/// What [`decide`] needs beside the phase.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Context {
    /// The generated `main` drives this App: it closes it when it comes back.
    pub(crate) driven: bool,
    /// The body asked for its shutdown state, so close waits for it to return.
    pub(crate) cooperating: bool,
    /// This thread runs the close sequence.
    pub(crate) closing_here: bool,
    /// The signal path ends the process, on another thread than this one.
    pub(crate) signal_path_ends: bool,
}

/// The transition table: what the thread meeting `event` in `phase` does.
pub(crate) fn decide(phase: Phase, context: Context, event: Event) -> Action {
    use Phase::*;
    match event {
        Event::FirstSignal => match phase {
            Built => Action::OsDefault,
            SettingUp | SetUp | PreRun | Body | PostRun | AfterRun => Action::Deliver,
            StoppingTasks | Closing | Closed | AtExit => Action::FinishClosing,
        },
        Event::SecondSignal => match phase {
            Built => Action::OsDefault,
            _ => Action::ExitAtOnce,
        },
        Event::BodyReturns if context.signal_path_ends => Action::WaitForProcessEnd,
        Event::BodyReturns => Action::GoOn,
        Event::CloseCalled => match phase {
            StoppingTasks | Closing if context.closing_here => Action::ReturnCode,
            StoppingTasks | Closing => Action::WaitForClose,
            Closed | AtExit if context.signal_path_ends => Action::WaitForProcessEnd,
            Closed | AtExit => Action::ReturnCode,
            _ => Action::RunClose,
        },
        Event::ProcessExit => match phase {
            StoppingTasks | Closing if context.closing_here => Action::ResumeClose,
            StoppingTasks | Closing => Action::WaitForClose,
            Closed | AtExit => Action::Nothing,
            _ => Action::RunClose,
        },
        Event::GraceEnds => match phase {
            Built | StoppingTasks | Closing | Closed | AtExit => Action::Nothing,
            _ => Action::CloseFromWatcher,
        },
    }
}

/// What the signal-watching thread does after delivering a first signal, each time
/// the phase changes, until the grace runs out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WatcherStep {
    /// Wait for the phase to change.
    Wait,
    /// Close from the watcher now, and end the process.
    CloseNow,
    /// Close has begun on another thread, which ends the process.
    Done,
}

/// The watcher's half of the table: see [`WatcherStep`].
pub(crate) fn watcher_step(phase: Phase, context: Context) -> WatcherStep {
    match phase {
        Phase::StoppingTasks | Phase::Closing | Phase::Closed | Phase::AtExit => WatcherStep::Done,
        Phase::Body if !context.cooperating => WatcherStep::CloseNow,
        // Nothing drives a hand-made App back to close: no run will start.
        Phase::Built | Phase::SetUp if !context.driven => WatcherStep::CloseNow,
        _ => WatcherStep::Wait,
    }
}

/// One App's lifecycle: its phase, its exit code, the signal that ends it.
pub(crate) struct Lifecycle {
    state: Mutex<State>,
    /// Notified on every transition that a thread waits for ([`State::waiting`]).
    changed: Condvar,
    /// The code the process will exit with; read without the lock.
    code: AtomicI32,
    /// The number of the signal that is ending the App, or 0.
    signal: AtomicI32,
}

struct State {
    phase: Phase,
    /// See [`Context::driven`].
    driven: bool,
    /// A caught or delivered signal arrived before close began: no body starts.
    signalled: bool,
    /// `run` calls under way, and bodies among them.
    runs: u32,
    bodies: u32,
    /// The thread running the close sequence, while close runs.
    closer: u64,
    /// The thread on which the signal path ends the process, once it does.
    signal_path: Option<u64>,
    /// The final code, once [`Phase::Closed`].
    closed_with: i32,
    /// What the service manager was told of this App, if anything; see [`tells`].
    told: Option<Told>,
    /// Threads waiting on `changed`: a transition notifies only if there are any,
    /// as each `notify_all` is a system call, waiter or not (eight of them in the
    /// life of an empty program).
    waiting: u32,
}

/// How a call to `close` goes on; see [`Lifecycle::begin_close`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CloseStart {
    /// Run the close sequence from its start.
    Run,
    /// Finish the sequence this thread is in.
    Resume,
    /// Return this code at once.
    Done(i32),
}

/// What the signal path does once it has delivered a first signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AfterDelivery {
    /// Close has begun on the thread that ends the process.
    Done,
    /// Close from the watcher and end the process; `Some(phase)` when the grace ran
    /// out while that phase lasted.
    CloseNow(Option<Phase>),
}

impl Lifecycle {
    pub(crate) fn new() -> Lifecycle {
        Lifecycle {
            state: Mutex::new(State {
                phase: Phase::Built,
                driven: false,
                signalled: false,
                runs: 0,
                bodies: 0,
                closer: 0,
                signal_path: None,
                closed_with: 0,
                told: None,
                waiting: 0,
            }),
            changed: Condvar::new(),
            code: AtomicI32::new(0),
            signal: AtomicI32::new(0),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// A transition happened: whoever waits on the phase looks again.
    fn moved(&self, mut state: MutexGuard<'_, State>, phase: Phase) {
        state.phase = phase;
        self.changed_state(state);
    }

    /// Something a waiter looks at changed under `state`: it is released, then the
    /// waiters, if any, are woken to look again.
    fn changed_state(&self, state: MutexGuard<'_, State>) {
        let waiting = state.waiting > 0;
        drop(state);
        if waiting {
            self.changed.notify_all();
        }
    }

    /// Waits for a change, with `state` released meanwhile, at most `timeout`
    /// (`None`: until one comes); counted in [`State::waiting`].
    fn wait<'a>(
        &self,
        mut state: MutexGuard<'a, State>,
        timeout: Option<Duration>,
    ) -> MutexGuard<'a, State> {
        state.waiting += 1;
        let mut state = match timeout {
            None => self.changed.wait(state),
            Some(timeout) => self
                .changed
                .wait_timeout(state, timeout)
                .map(|(state, _)| state)
                .map_err(|poisoned| PoisonError::new(poisoned.into_inner().0)),
        }
        .unwrap_or_else(PoisonError::into_inner);
        state.waiting -= 1;
        state
    }

    fn context(&self, state: &State, cooperating: bool) -> Context {
        let me = thread_number();
        Context {
            driven: state.driven,
            cooperating,
            closing_here: state.phase.is_closing() && state.closer == me,
            signal_path_ends: state.signal_path.is_some_and(|thread| thread != me),
        }
    }

    /// The generated `main` drives this App: it closes it when it comes back.
    pub(crate) fn drive(&self) {
        self.state().driven = true;
    }

    /// Whether the App must keep catching signals once closed: the process is
    /// ending with it (its `main`, the signal path or `exit` ends it), so that a
    /// signal during the atexit handlers is caught too.
    pub(crate) fn keeps_catching(&self) -> bool {
        let state = self.state();
        state.driven || state.signal_path.is_some() || process_exiting()
    }

    // Codes.

    pub(crate) fn code(&self) -> i32 {
        self.code.load(Ordering::Acquire)
    }

    pub(crate) fn set_code(&self, code: i32) {
        self.code.store(code, Ordering::Release);
    }

    /// The code becomes `code` unless a non-zero code was already set.
    pub(crate) fn set_code_unless_set(&self, code: i32) {
        let _ = self
            .code
            .compare_exchange(0, code, Ordering::AcqRel, Ordering::Acquire);
    }

    pub(crate) fn received_signal(&self) -> Option<Signal> {
        Signal::from_number(self.signal.load(Ordering::Acquire))
    }

    // Setup.

    /// `setup` begins: whether this call is the one that sets up.
    pub(crate) fn begin_setup(&self) -> bool {
        let state = self.state();
        if state.phase != Phase::Built {
            return false;
        }
        self.moved(state, Phase::SettingUp);
        true
    }

    /// The setup hooks ran.
    pub(crate) fn end_setup(&self) {
        let state = self.state();
        if state.phase == Phase::SettingUp {
            self.moved(state, Phase::SetUp);
        }
    }

    /// Whether setup has begun (the App closes when its owner drops it).
    pub(crate) fn is_set_up(&self) -> bool {
        self.state().phase != Phase::Built
    }

    // Run.

    /// `run` begins, after setup: whether its `pre_run` hooks may run. Not once a
    /// signal arrived or close began.
    pub(crate) fn begin_run(&self) -> bool {
        let mut state = self.state();
        if state.signalled || state.phase.is_closing() || state.phase == Phase::Closed {
            return false;
        }
        state.runs += 1;
        if state.bodies == 0 {
            self.moved(state, Phase::PreRun);
        }
        true
    }

    /// The body is about to start: whether it may (no signal arrived during the
    /// `pre_run` hooks, close has not begun). If not, the run is over.
    pub(crate) fn begin_body(&self) -> bool {
        let mut state = self.state();
        if state.signalled || state.phase.is_closing() || state.phase == Phase::Closed {
            state.runs -= 1;
            if state.runs == 0 && state.phase == Phase::PreRun {
                // No body ran: as if no run had started.
                self.moved(state, Phase::SetUp);
            }
            return false;
        }
        state.bodies += 1;
        self.moved(state, Phase::Body);
        true
    }

    /// A body returned or unwound: [`Action::GoOn`], or
    /// [`Action::WaitForProcessEnd`] when the signal path closed beside it.
    pub(crate) fn body_returned(&self) -> Action {
        let mut state = self.state();
        state.bodies -= 1;
        let action = decide(state.phase, self.context(&state, false), Event::BodyReturns);
        if state.bodies == 0 && state.phase == Phase::Body {
            self.moved(state, Phase::PostRun);
        } else {
            self.changed_state(state);
        }
        action
    }

    /// `run` returns (after its `post_run` hooks, or unwinding).
    pub(crate) fn end_run(&self) {
        let mut state = self.state();
        state.runs -= 1;
        if state.runs == 0 && matches!(state.phase, Phase::PreRun | Phase::Body | Phase::PostRun) {
            self.moved(state, Phase::AfterRun);
        }
    }

    // Close.

    /// A call to `close` (`at_exit`: the exit-time close) asks whether it runs the
    /// sequence, waiting while another thread runs it.
    pub(crate) fn begin_close(&self, at_exit: bool) -> CloseStart {
        let event = if at_exit {
            Event::ProcessExit
        } else {
            Event::CloseCalled
        };
        let mut state = self.state();
        loop {
            match decide(state.phase, self.context(&state, false), event) {
                Action::RunClose => {
                    state.closer = thread_number();
                    self.moved(state, Phase::StoppingTasks);
                    return CloseStart::Run;
                }
                Action::ResumeClose => return CloseStart::Resume,
                Action::WaitForClose => state = self.wait(state, None),
                Action::WaitForProcessEnd => {
                    drop(state);
                    wait_for_the_process_to_end()
                }
                // Closed, or this thread runs the sequence (a hook called `close()`).
                _ if state.phase.is_closing() => return CloseStart::Done(self.code()),
                _ => return CloseStart::Done(state.closed_with),
            }
        }
    }

    /// Close's first step ran: its supervised tasks are stopped (or named).
    pub(crate) fn tasks_stopped(&self) {
        let state = self.state();
        if state.phase == Phase::StoppingTasks {
            self.moved(state, Phase::Closing);
        }
    }

    /// The close sequence ran: its final code, for every caller. The thread that
    /// ran it then waits for the process to end if the signal path ends it.
    pub(crate) fn finish_close(&self) -> i32 {
        let mut state = self.state();
        let code = self.code();
        state.closed_with = code;
        self.moved(state, Phase::Closed);
        code
    }

    /// Where `close` returns: blocks for good if the signal path ends the process
    /// from another thread.
    pub(crate) fn wait_if_signal_path_ends(&self) {
        let state = self.state();
        if self.context(&state, false).signal_path_ends {
            drop(state);
            wait_for_the_process_to_end();
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.state().phase == Phase::Closed
    }

    /// Waits until the close sequence has finished, at most `timeout`; whether it
    /// has. For the close deadline's watchdog.
    pub(crate) fn wait_closed(&self, timeout: Duration) -> bool {
        let until = Instant::now().checked_add(timeout);
        let mut state = self.state();
        while state.phase != Phase::Closed {
            let left = until.map(|until| until.saturating_duration_since(Instant::now()));
            if left.is_some_and(|left| left.is_zero()) {
                break;
            }
            state = self.wait(state, left);
        }
        state.phase == Phase::Closed
    }

    // Signals.

    /// A first signal arrived (from the OS, or from `deliver_signal`, for which an
    /// App not set up yet counts as set up): records it and says what to do,
    /// [`Action::Deliver`] or [`Action::FinishClosing`] (or [`Action::OsDefault`]
    /// before setup). The code is set here, under the lock, so that a close
    /// finishing meanwhile ends with it.
    pub(crate) fn first_signal(&self, signal: Signal, from_os: bool) -> Action {
        let mut state = self.state();
        let phase = match state.phase {
            Phase::Built if !from_os => Phase::SetUp,
            phase => phase,
        };
        let action = decide(phase, self.context(&state, false), Event::FirstSignal);
        if matches!(action, Action::Deliver | Action::FinishClosing) {
            self.signal.store(signal.number(), Ordering::Release);
            self.set_code_unless_set(signal.exit_code());
        }
        if action == Action::Deliver {
            state.signalled = true;
        }
        if matches!(state.phase, Phase::Closed | Phase::AtExit) {
            // Close is over: the process's status is what may still change.
            signal_after_close(signal);
        }
        action
    }

    /// After delivering a first signal, the signal path waits (at most `grace`)
    /// until close has begun on the thread that ends the process, or it must close
    /// itself. `cooperating` says whether the body asked for its shutdown state.
    pub(crate) fn after_delivery(
        &self,
        grace: Duration,
        cooperating: impl Fn() -> bool,
    ) -> AfterDelivery {
        let until = Instant::now() + grace;
        let mut state = self.state();
        loop {
            let context = self.context(&state, cooperating());
            let overran = match watcher_step(state.phase, context) {
                WatcherStep::Done => return AfterDelivery::Done,
                WatcherStep::CloseNow => None,
                WatcherStep::Wait => {
                    let left = until.saturating_duration_since(Instant::now());
                    if !left.is_zero() {
                        state = self.wait(state, Some(left));
                        continue;
                    }
                    match decide(state.phase, context, Event::GraceEnds) {
                        Action::CloseFromWatcher => Some(state.phase),
                        _ => return AfterDelivery::Done,
                    }
                }
            };
            state.signal_path = Some(thread_number());
            return AfterDelivery::CloseNow(overran);
        }
    }
}

// Service managers (systemd's READY and STOPPING).

/// What a service manager is told of an App, in the only order it may be told: the
/// App can serve, then it is stopping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Told {
    /// `READY=1`: setup finished and the body starts (or says it can serve).
    Ready,
    /// `STOPPING=1`: shutdown was asked, or close began.
    Stopping,
}

/// Whether `message` is news to a service manager that was told `told`: each message
/// once, and no READY once STOPPING was told (systemd would take the App for ready
/// again).
pub(crate) fn tells(told: Option<Told>, message: Told) -> bool {
    told < Some(message)
}

impl Lifecycle {
    /// Tells the service manager `message` with `send`, unless [`tells`] says it is no
    /// news. `send` runs under the lock, so that READY and STOPPING leave in the order
    /// of the transitions they follow, whichever threads meet them.
    pub(crate) fn tell(&self, message: Told, send: impl FnOnce()) {
        let mut state = self.state();
        if tells(state.told, message) {
            state.told = Some(message);
            send();
        }
    }
}

/// Blocks this thread for good: another thread is ending the process. A sleep, not
/// `std::thread::park`, which would build the thread's handle and bring std's thread
/// machinery into every binary.
pub(crate) fn wait_for_the_process_to_end() -> ! {
    loop {
        std::thread::sleep(Duration::from_secs(u64::MAX));
    }
}

/// This thread, as the lifecycle tells threads apart: a number no other thread of
/// the process has. Not `std::thread::current().id()`, which builds the thread's
/// handle and brings std's thread machinery into every binary (about 2 KiB).
fn thread_number() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    thread_local! {
        /// 0 until the thread first asks.
        static NUMBER: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }
    NUMBER.with(|number| {
        if number.get() == 0 {
            number.set(NEXT.fetch_add(1, Ordering::Relaxed));
        }
        number.get()
    })
}

// The process's end.

/// `exit` runs (cement's atexit trampoline has started): the exit-time close, then
/// the atexit handlers.
static EXITING: AtomicBool = AtomicBool::new(false);

/// What the generated `main` returns as the status, once known, and a signal that
/// arrived once its App had closed (during the atexit handlers).
static ENDING: Mutex<Ending> = Mutex::new(Ending {
    status: None,
    late_signal: None,
});

struct Ending {
    status: Option<i32>,
    late_signal: Option<Signal>,
}

/// The process is ending: cement's atexit trampoline runs.
pub(crate) fn process_exits() {
    EXITING.store(true, Ordering::Release);
}

pub(crate) fn process_exiting() -> bool {
    EXITING.load(Ordering::Acquire)
}

/// The generated `main` returns `status` as the process status.
pub(crate) fn main_returns(status: i32) {
    lock(&ENDING).status = Some(status);
}

/// What the generated `main` returned as the status, once it has.
pub(crate) fn main_status() -> Option<i32> {
    lock(&ENDING).status
}

/// A first signal arrived once the App that caught it had closed (the process is
/// ending): the status becomes 128 + n if it was 0.
pub(crate) fn signal_after_close(signal: Signal) {
    lock(&ENDING).late_signal.get_or_insert(signal);
}

/// Once the atexit handlers have run: the status the process must end with instead
/// of the one `main` returned, if a signal arrived after close and `main` returned 0.
pub(crate) fn status_after_atexit() -> Option<i32> {
    let ending = lock(&ENDING);
    match (ending.status, ending.late_signal) {
        (Some(0), Some(signal)) => Some(signal.exit_code()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table in the module docs, written out row by row for every phase and event, in the
    /// three contexts that change an answer: a hand-driven App, a driven one, and a
    /// thread other than the signal path's while the signal path ends the process.
    fn expected(phase: Phase, context: Context, event: Event) -> Action {
        use Action::*;
        use Phase::*;
        match (event, phase) {
            // Before signals are caught, the OS decides.
            (Event::FirstSignal | Event::SecondSignal, Built) => OsDefault,
            // Setup, pre_run, the body, post_run, after the run: deliver.
            (Event::FirstSignal, SettingUp | SetUp | PreRun | Body | PostRun | AfterRun) => Deliver,
            // Close and the atexit handlers finish; one line.
            (Event::FirstSignal, StoppingTasks | Closing | Closed | AtExit) => FinishClosing,
            // A second signal ends the process at once, in any phase.
            (Event::SecondSignal, _) => ExitAtOnce,
            // A body returning goes on to post_run, unless the signal path closed
            // beside it: then its thread waits for the process to end.
            (Event::BodyReturns, _) if context.signal_path_ends => WaitForProcessEnd,
            (Event::BodyReturns, _) => GoOn,
            // close(): once; nested calls return the code; others wait.
            (Event::CloseCalled, StoppingTasks | Closing) if context.closing_here => ReturnCode,
            (Event::CloseCalled, StoppingTasks | Closing) => WaitForClose,
            (Event::CloseCalled, Closed | AtExit) if context.signal_path_ends => WaitForProcessEnd,
            (Event::CloseCalled, Closed | AtExit) => ReturnCode,
            (Event::CloseCalled, _) => RunClose,
            // The exit-time close finishes a sequence a hook interrupted with exit.
            (Event::ProcessExit, StoppingTasks | Closing) if context.closing_here => ResumeClose,
            (Event::ProcessExit, StoppingTasks | Closing) => WaitForClose,
            (Event::ProcessExit, Closed | AtExit) => Nothing,
            (Event::ProcessExit, _) => RunClose,
            // The grace bounds every wait of the signal path before close.
            (Event::GraceEnds, Built | StoppingTasks | Closing | Closed | AtExit) => Nothing,
            (Event::GraceEnds, _) => CloseFromWatcher,
        }
    }

    fn contexts() -> Vec<Context> {
        let mut all = Vec::new();
        for bits in 0..16u8 {
            all.push(Context {
                driven: bits & 1 != 0,
                cooperating: bits & 2 != 0,
                closing_here: bits & 4 != 0,
                signal_path_ends: bits & 8 != 0,
            });
        }
        all
    }

    #[test]
    fn every_phase_and_event_gives_the_action_of_the_table() {
        let mut checked = 0;
        for phase in Phase::ALL {
            for event in Event::ALL {
                for context in contexts() {
                    assert_eq!(
                        decide(phase, context, event),
                        expected(phase, context, event),
                        "{phase:?} × {event:?} in {context:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 11 * 6 * 16);
    }

    #[test]
    fn the_watcher_waits_for_the_thread_that_drives_the_app_and_closes_beside_no_one() {
        use WatcherStep::*;
        for phase in Phase::ALL {
            for context in contexts() {
                let step = watcher_step(phase, context);
                let want = match phase {
                    Phase::StoppingTasks | Phase::Closing | Phase::Closed | Phase::AtExit => Done,
                    // A body that never asks cannot be waited for.
                    Phase::Body if !context.cooperating => CloseNow,
                    // Nothing brings a hand-made App back to close it.
                    Phase::Built | Phase::SetUp if !context.driven => CloseNow,
                    // Setup hooks, run hooks, a cooperating body, a driven App
                    // between setup and run or after it: never closed beside.
                    _ => Wait,
                };
                assert_eq!(step, want, "{phase:?} in {context:?}");
            }
        }
    }

    #[test]
    fn no_body_starts_once_a_signal_arrived() {
        let life = Lifecycle::new();
        assert!(life.begin_setup());
        assert_eq!(life.first_signal(Signal::TERM, true), Action::Deliver);
        life.end_setup();
        assert!(!life.begin_run());
        assert_eq!(life.code(), Signal::TERM.exit_code());
        assert_eq!(life.begin_close(false), CloseStart::Run);
        assert_eq!(life.finish_close(), Signal::TERM.exit_code());
    }

    #[test]
    fn a_signal_during_pre_run_skips_the_body_and_ends_the_run() {
        let life = Lifecycle::new();
        life.begin_setup();
        life.end_setup();
        assert!(life.begin_run());
        assert_eq!(life.first_signal(Signal::INT, true), Action::Deliver);
        assert!(!life.begin_body());
        assert_eq!(life.state().phase, Phase::SetUp);
    }

    #[test]
    fn a_first_signal_during_close_lets_it_finish_with_the_signals_code() {
        let life = Lifecycle::new();
        life.begin_setup();
        assert_eq!(life.begin_close(false), CloseStart::Run);
        assert_eq!(life.first_signal(Signal::TERM, true), Action::FinishClosing);
        assert_eq!(life.finish_close(), Signal::TERM.exit_code());
        // A non-zero code is kept.
        let life = Lifecycle::new();
        life.set_code(3);
        life.begin_close(false);
        life.first_signal(Signal::TERM, true);
        assert_eq!(life.finish_close(), 3);
    }

    #[test]
    fn close_runs_once_and_later_calls_get_its_code() {
        let life = Lifecycle::new();
        assert_eq!(life.begin_close(false), CloseStart::Run);
        // A hook calling close() from inside the sequence.
        life.set_code(4);
        assert_eq!(life.begin_close(false), CloseStart::Done(4));
        // A hook calling std::process::exit: the exit-time close resumes.
        assert_eq!(life.begin_close(true), CloseStart::Resume);
        assert_eq!(life.finish_close(), 4);
        life.set_code(5);
        assert_eq!(life.begin_close(false), CloseStart::Done(4));
        assert_eq!(life.begin_close(true), CloseStart::Done(4));
        assert!(life.is_closed());
    }

    #[test]
    fn a_close_on_another_thread_and_a_watchdog_wait_for_the_sequence_and_its_end_wakes_them() {
        let life = std::sync::Arc::new(Lifecycle::new());
        assert_eq!(life.begin_close(false), CloseStart::Run);
        let waiter = {
            let life = std::sync::Arc::clone(&life);
            std::thread::spawn(move || life.begin_close(false))
        };
        let watchdog = {
            let life = std::sync::Arc::clone(&life);
            std::thread::spawn(move || life.wait_closed(Duration::from_secs(600)))
        };
        // Both wait (counted), so the transitions below must wake them.
        while life.state().waiting < 2 {
            std::thread::yield_now();
        }
        life.set_code(6);
        life.tasks_stopped();
        assert_eq!(life.finish_close(), 6);
        assert_eq!(waiter.join().unwrap(), CloseStart::Done(6));
        assert!(watchdog.join().unwrap());
        assert_eq!(life.state().waiting, 0);
        // Closed: no wait.
        assert!(life.wait_closed(Duration::ZERO));
    }

    #[test]
    fn the_watchdog_gives_up_at_its_timeout() {
        let life = Lifecycle::new();
        assert_eq!(life.begin_close(false), CloseStart::Run);
        assert!(!life.wait_closed(Duration::from_millis(1)));
        assert!(!life.wait_closed(Duration::ZERO));
        assert_eq!(life.state().waiting, 0);
    }

    #[test]
    fn the_watcher_closes_a_hand_made_app_set_up_and_not_run_at_once() {
        let life = Lifecycle::new();
        life.begin_setup();
        life.end_setup();
        life.first_signal(Signal::TERM, true);
        assert_eq!(
            life.after_delivery(Duration::from_secs(3600), || false),
            AfterDelivery::CloseNow(None)
        );
    }

    #[test]
    fn the_watcher_leaves_a_driven_app_whose_close_began_to_its_thread() {
        let life = Lifecycle::new();
        life.drive();
        life.begin_setup();
        life.end_setup();
        life.first_signal(Signal::TERM, true);
        life.begin_close(false);
        assert_eq!(
            life.after_delivery(Duration::from_secs(3600), || true),
            AfterDelivery::Done
        );
    }

    #[test]
    fn when_the_grace_runs_out_the_watcher_names_the_phase_and_closes() {
        let life = Lifecycle::new();
        life.drive();
        life.begin_setup();
        life.first_signal(Signal::TERM, true);
        assert_eq!(
            life.after_delivery(Duration::ZERO, || true),
            AfterDelivery::CloseNow(Some(Phase::SettingUp))
        );
    }

    #[test]
    fn the_status_changes_only_for_a_signal_after_close_and_a_zero_status() {
        // One test for the process-wide state, which the other tests never touch.
        assert_eq!(status_after_atexit(), None);
        main_returns(0);
        assert_eq!(status_after_atexit(), None);
        signal_after_close(Signal::TERM);
        assert_eq!(status_after_atexit(), Some(Signal::TERM.exit_code()));
        main_returns(2);
        assert_eq!(status_after_atexit(), None);
    }

    #[test]
    fn a_service_manager_hears_ready_then_stopping_each_once_and_no_ready_after_stopping() {
        use Told::*;
        for (told, message, news) in [
            (None, Ready, true),
            (None, Stopping, true),
            (Some(Ready), Ready, false),
            (Some(Ready), Stopping, true),
            (Some(Stopping), Ready, false),
            (Some(Stopping), Stopping, false),
        ] {
            assert_eq!(tells(told, message), news, "{message:?} after {told:?}");
        }
        let life = Lifecycle::new();
        let mut sent = Vec::new();
        for message in [Ready, Ready, Stopping, Ready, Stopping] {
            life.tell(message, || sent.push(message));
        }
        assert_eq!(sent, [Ready, Stopping]);
    }
}
