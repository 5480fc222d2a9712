//! Deterministic program cleanup.
//!
//! Rust programs lose their cleanup on many exit paths: `std::process::exit` skips
//! every destructor, a panic leaves half-written files behind, and exit codes get lost
//! between layers. `cement` gives a program the lifecycle of Python's Cement framework
//! (setup, run, close) with `pre_close`/`post_close` hooks that any linked crate can
//! add, an exit code, App-scoped deferred cleanups, and typed state that hooks reach.
//!
//! ```
//! use cement::{App, Hook};
//!
//! struct TmpFile(std::path::PathBuf);
//!
//! let app = App::new("myapp");
//! app.register_hook(Hook::PreClose, 0, |app: &App| {
//!     if let Some(tmp) = app.get::<TmpFile>() {
//!         let _ = std::fs::remove_file(&tmp.0);
//!     }
//! });
//! app.setup();
//! app.run(|app| {
//!     let path = std::env::temp_dir().join("cement-doc-example");
//!     std::fs::write(&path, "scratch").unwrap();
//!     app.insert(TmpFile(path));
//! });
//! assert_eq!(app.close(), 0);
//! ```
//!
//! # Guarantees
//!
//! - [`App::close`] runs the close sequence exactly once: `pre_close` hooks, the
//!   App's deferred cleanups (last registered first), `post_close` hooks.
//! - Hooks of one point run by ascending weight; at equal weight, declared hooks
//!   first (by full path), then run-time hooks in registration order. The order never
//!   depends on link order or platform.
//! - A hook or deferred cleanup that panics or returns `Err` is reported on one line
//!   of stderr and the others still run; the exit code becomes 1 unless a non-zero
//!   code was already set. Nothing in close aborts the process, even while unwinding.
//! - Dropping an App that was set up and not closed closes it.
//!
//! # Scoped cleanup: [`Defer`] and [`defer!`]
//!
//! The `cleanup` package's `with defer() as d:` is a local [`Defer`]: closures
//! registered with [`Defer::defer`] (they may borrow locals) run when the scope ends,
//! normally or by unwinding, last registered first. Each can be released or run
//! early; [`Defer::release`] cancels all registered so far. A panicking cleanup never
//! skips the others. For one cleanup, [`defer!`] (or [`guard`], to disarm it) costs
//! what a hand-written `Drop` costs.
//!
//! ```
//! let mut log = Vec::new();
//! {
//!     let d = cement::Defer::new();
//!     d.defer(|| log.push("cleaned up"));
//! }
//! assert_eq!(log, ["cleaned up"]);
//! ```
//!
//! # Process exit: [`atexit`]
//!
//! Python's `atexit.register`: [`atexit::register`] runs a handler when the process
//! ends normally (`main` returns, `std::process::exit`, a panic that ends `main`),
//! last registered first, after the App's close. A panicking handler is reported on
//! one line of stderr and the rest still run; the exit status is unchanged.
//!
//! # Limits
//!
//! Nothing runs on abort, SIGKILL or with `panic = "abort"`: [`Defer`] and [`defer!`]
//! need unwinding, and [`atexit`] handlers need libc's `exit` to be called.

#![warn(missing_docs)]

mod app;
pub mod atexit;
mod deadline;
mod defer;
mod entry;
mod exit;
mod hooks;
mod signals;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use app::{App, AppBuilder, Deferred};
pub use defer::{Defer, DeferHandle, Guard, guard};
pub use hooks::Hook;
pub use signals::Signal;

#[cfg(test)]
mod tests {
    use super::App;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn app_is_send_and_sync() {
        assert_send_sync::<App>();
    }
}
