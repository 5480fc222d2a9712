//! Failure reports: catching user code's panics and writing cement's one-line reports.
//!
//! Every hook, deferred cleanup and atexit handler runs inside [`catch`]. A failure
//! is reported as one line on stderr ([`report`], `App::report_failure`) instead of
//! std's multi-line panic message: while cement runs user code on a thread,
//! [`QuietPanics`] keeps the process's panic hook quiet on that thread (the previous
//! hook is chained to everywhere else). With the `tracing` feature and a global
//! subscriber, the report is an `error` event instead (see `trace.rs`).
//!
//! What a report says: a panic's payload; for a declared hook's `Err(e)`,
//! `e`'s `Display` and its `source()` chain joined with `: ` ([`error_chain`]), as
//! anyhow's `{:#}` prints it, or `Debug` for a type without `Display`. The generated
//! code picks the form (see `__private::ErrorMessage`). A message's own line breaks
//! are escaped, so a report is always one line.

use std::any::Any;
use std::cell::Cell;
use std::error::Error;
use std::fmt::{self, Display, Write as _};
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::trace;

/// How a piece of user code failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// It panicked with this message (the payload).
    Panicked(String),
    /// It returned `Err`; this is the error's report message.
    Returned(String),
    /// A supervised task did not stop within its grace; this says what became of it.
    NotStopped(String),
}

impl Failure {
    /// The panic's payload or the error's message, as is (line breaks included).
    pub(crate) fn message(&self) -> &str {
        match self {
            Failure::Panicked(message)
            | Failure::Returned(message)
            | Failure::NotStopped(message) => message,
        }
    }

    pub(crate) fn panicked(&self) -> bool {
        matches!(self, Failure::Panicked(_))
    }
}

/// `panicked: <payload>` or `returned an error: <message>`, on one line.
impl Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = match self {
            Failure::Panicked(_) => "panicked",
            Failure::Returned(_) => "returned an error",
            Failure::NotStopped(_) => "did not stop",
        };
        f.write_str(verb)?;
        f.write_str(": ")?;
        // One line, whatever the message holds. Char by char, not through `write!`:
        // no formatting machinery for so plain a job.
        for c in self.message().chars() {
            if c.is_control() {
                for e in c.escape_default() {
                    f.write_char(e)?;
                }
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

/// `error`'s `Display`, then each of its sources', joined with `: `: what anyhow's
/// `{:#}` prints. Never a backtrace: only `Display` is used.
pub(crate) fn error_chain(error: &dyn Error) -> String {
    // Through `format!`, like every string cement builds: std's own formatting into
    // a `String` is linked once, where `to_string` and `write!` on a `String` would
    // link a second copy of `String`'s `fmt::Write` here.
    format!("{}", ErrorChain(error))
}

/// [`error_chain`]'s text, written out when shown.
struct ErrorChain<'a>(&'a dyn Error);

impl Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Display::fmt(self.0, f)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            f.write_str(": ")?;
            Display::fmt(cause, f)?;
            source = cause.source();
        }
        Ok(())
    }
}

/// Runs `f`, turning a panic into [`Failure::Panicked`].
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Failure> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(panicked)
}

/// [`catch`]'s failure, out of line: one copy for every closure `catch` runs.
#[cold]
#[inline(never)]
fn panicked(payload: Box<dyn Any + Send>) -> Failure {
    Failure::Panicked(panic_message(&*payload))
}

/// [`catch`], with panics kept quiet on this thread while `f` runs: for callers that
/// cannot hold a [`QuietPanics`] across their own await points.
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
pub(crate) fn catch_quietly<T>(f: impl FnOnce() -> T) -> Result<T, Failure> {
    let _quiet = QuietPanics::enter();
    catch(f)
}

/// The text of a panic payload (`&str` or `String`, as `panic!` makes them).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "Box<dyn Any>".to_owned()
    }
}

/// Reports a failure of code that belongs to no App (an atexit handler, a
/// [`Defer`](crate::Defer) cleanup, a guard) as one line on stderr,
/// `cement: {what} {failure}`, or as a `tracing` event while a global subscriber is
/// set. Never panics, even if stderr is closed.
pub(crate) fn report(what: &dyn Display, failure: &Failure) {
    let event = "cleanup failed";
    if !trace::failure(event, None, what, failure.message(), failure.panicked()) {
        line(&format_args!("{what} {failure}"));
    }
}

/// Writes `cement: {message}` as one line to stderr. Never panics.
pub(crate) fn line(message: &dyn Display) {
    write_line("cement: ", message);
}

/// Writes `{prefix}{message}` as one line to stderr, in one write. Never panics.
/// Every line cement prints goes through here: one stderr path is linked, not also
/// `eprintln!`'s (its test-output capture and `Stderr::write_fmt`).
pub(crate) fn write_line(prefix: &str, message: &dyn Display) {
    let line = format!("{prefix}{message}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// Flushes stdout before the process ends where Rust's own exit would not (`_exit`,
/// or an exit from another thread than `main`'s). Never panics.
pub(crate) fn flush_stdout() {
    let _ = std::io::stdout().flush();
}

thread_local! {
    static QUIET_DEPTH: Cell<u32> = const { Cell::new(0) };
    static REPORT_AS: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// While alive, a panic on this thread that nothing in cement catches is reported by
/// the panic hook itself, as one line naming `what`, instead of std's message; the
/// panic then goes on as usual. This costs a [`Guard`](crate::Guard) two
/// thread-local writes where catching the panic to report it would cost a call that
/// cannot be inlined.
pub(crate) struct ReportPanicsAs(Option<&'static str>);

impl ReportPanicsAs {
    #[inline]
    pub(crate) fn enter(what: &'static str) -> ReportPanicsAs {
        ReportPanicsAs(REPORT_AS.with(|report_as| report_as.replace(Some(what))))
    }
}

impl Drop for ReportPanicsAs {
    #[inline]
    fn drop(&mut self) {
        REPORT_AS.with(|report_as| report_as.set(self.0));
    }
}

/// While alive, panics on this thread print nothing: cement catches and reports them
/// itself.
pub(crate) struct QuietPanics(());

impl QuietPanics {
    pub(crate) fn enter() -> QuietPanics {
        QuietPanics::install();
        QUIET_DEPTH.with(|depth| depth.set(depth.get() + 1));
        QuietPanics(())
    }

    /// Wraps the process's panic hook, once. Call it early (before any unwinding) so
    /// that a later [`enter`](QuietPanics::enter) during unwinding is quiet too: std
    /// refuses to swap the hook on a panicking thread, so there it is skipped, and
    /// the default message prints rather than the process aborting.
    #[inline]
    pub(crate) fn install() {
        if !WRAP_PANIC_HOOK.is_completed() {
            QuietPanics::wrap_panic_hook();
        }
    }

    /// [`install`](QuietPanics::install)'s work, out of line: `guard` and
    /// `Defer::new` inline only the check above, so `defer!` stays as cheap as a
    /// hand-written `Drop`.
    #[cold]
    #[inline(never)]
    fn wrap_panic_hook() {
        if std::thread::panicking() {
            return;
        }
        // A plain function, not a closure: `call_once` has two copies of what it
        // runs (its closure and that closure's vtable shim), each then a call.
        WRAP_PANIC_HOOK.call_once(QuietPanics::set_wrapping_hook);
    }

    #[inline(never)]
    fn set_wrapping_hook() {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET_DEPTH.with(Cell::get) > 0 {
                // Caught and reported by cement.
            } else if let Some(what) = REPORT_AS.with(Cell::get) {
                report(&what, &Failure::Panicked(panic_message(info.payload())));
            } else {
                previous(info);
            }
        }));
    }
}

/// Whether the process's panic hook is wrapped; see [`QuietPanics::install`].
static WRAP_PANIC_HOOK: Once = Once::new();

impl Drop for QuietPanics {
    fn drop(&mut self) {
        QUIET_DEPTH.with(|depth| depth.set(depth.get() - 1));
    }
}

/// With `exit_on_close = false` the code is not the process status; say so rather
/// than drop it silently, as Cement does.
pub(crate) fn report_ignored_code(code: i32) {
    line(&format_args!(
        "exit code {code} ignored: exit_on_close is false, so the process exits with 0"
    ));
}
