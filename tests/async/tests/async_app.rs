//! The async forms without macros (SPEC §8): where an async hook runs when it is
//! reached from sync code, and what `register_async_hook` refuses.

use std::sync::{Arc, Mutex};

use cement::{App, Hook};

type Log = Arc<Mutex<Vec<String>>>;

/// An async `pre_close` hook that logs `what` and the thread it ran on.
fn log_hook(app: &App, log: &Log, what: &'static str) {
    let log = Arc::clone(log);
    app.register_async_hook(Hook::PreClose, 0, move |_app| {
        let log = Arc::clone(&log);
        Box::pin(async move {
            tokio::task::yield_now().await;
            let on_runtime = tokio::runtime::Handle::try_current().is_ok();
            log.lock()
                .unwrap()
                .push(format!("{what}, on a runtime: {on_runtime}"));
        })
    });
}

#[test]
fn a_sync_close_outside_any_runtime_drives_async_hooks_on_a_runtime_of_its_own() {
    let app = App::new("sync-close");
    let log = Log::default();
    log_hook(&app, &log, "hook");
    assert_eq!(app.close(), 0);
    assert_eq!(*log.lock().unwrap(), ["hook, on a runtime: true"]);
}

#[test]
fn a_sync_close_on_a_runtime_thread_drives_async_hooks_from_another_thread() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let app = App::new("sync-close-in-runtime");
    let log = Log::default();
    log_hook(&app, &log, "hook");
    // Blocking this thread on a runtime from inside one would panic; cement moves the
    // hook to a thread of its own instead.
    let code = runtime.block_on(async { app.close() });
    assert_eq!(code, 0);
    assert_eq!(*log.lock().unwrap(), ["hook, on a runtime: true"]);
}

#[test]
fn an_async_close_hook_registered_after_close_runs_at_once() {
    let app = App::new("late-async-hook");
    assert_eq!(app.close(), 0);
    let log = Log::default();
    log_hook(&app, &log, "late hook");
    assert_eq!(*log.lock().unwrap(), ["late hook, on a runtime: true"]);
}

#[test]
fn setup_async_makes_the_current_runtime_the_apps() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let app = App::new("captured-runtime");
    runtime.block_on(app.setup_async());
    let log = Log::default();
    let seen = Arc::clone(&log);
    let id = runtime.handle().id();
    app.register_async_hook(Hook::PreClose, 0, move |_app| {
        let seen = Arc::clone(&seen);
        Box::pin(async move {
            let same = tokio::runtime::Handle::current().id() == id;
            seen.lock()
                .unwrap()
                .push(format!("on the App's runtime: {same}"));
        })
    });
    // A sync close from a plain thread blocks on the App's own runtime.
    assert_eq!(app.close(), 0);
    assert_eq!(*log.lock().unwrap(), ["on the App's runtime: true"]);
}

#[test]
#[should_panic(expected = "`signal` hooks cannot be async")]
fn an_async_signal_hook_is_refused() {
    App::new("async-signal").register_async_hook(Hook::Signal, 0, |_app| Box::pin(async {}));
}
