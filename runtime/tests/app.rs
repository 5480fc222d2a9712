//! The App lifecycle, in process: ordering, once-only close, failure isolation, the
//! exit code rule, deferred cleanups, typed state and `Drop`.
//!
//! Every test uses its own label, so the declared hooks below (scoped with `app`) only
//! run for the test that owns them, and the shared log is read per label.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};

use cement::__private::{inventory, DeclaredHook};
use cement::{App, Hook};

static LOG: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

fn log(app: &App, event: impl Into<String>) {
    LOG.lock()
        .unwrap()
        .push((app.label().to_owned(), event.into()));
}

fn log_as(label: &str, event: &str) {
    LOG.lock()
        .unwrap()
        .push((label.to_owned(), event.to_owned()));
}

fn events(label: &str) -> Vec<String> {
    LOG.lock()
        .unwrap()
        .iter()
        .filter(|(l, _)| l == label)
        .map(|(_, e)| e.clone())
        .collect()
}

/// A run-time hook that logs `event`.
fn logger(event: &'static str) -> impl Fn(&App) + Send + Sync + 'static {
    move |app: &App| log(app, event)
}

// Declared hooks for `ordering`, submitted in an order that differs from their paths
// and weights, as link order might.
inventory::submit! {
    DeclaredHook::new(Hook::PreClose, 0, "zeta::last_by_path", Some("ordering"),
        |app, _| { log(app, "declared w0 zeta"); Ok(()) })
}
inventory::submit! {
    DeclaredHook::new(Hook::PreClose, 5, "alpha::heavy", Some("ordering"),
        |app, _| { log(app, "declared w5 alpha"); Ok(()) })
}
inventory::submit! {
    DeclaredHook::new(Hook::PreClose, 0, "alpha::first_by_path", Some("ordering"),
        |app, _| { log(app, "declared w0 alpha"); Ok(()) })
}
inventory::submit! {
    DeclaredHook::new(Hook::PreClose, -3, "mid::light", Some("ordering"),
        |app, _| { log(app, "declared w-3 mid"); Ok(()) })
}

#[test]
fn hooks_run_by_weight_then_declared_by_path_then_registration_order() {
    let app = App::new("ordering");
    app.register_hook(Hook::PreClose, 0, logger("runtime w0 #1"));
    app.register_hook(Hook::PreClose, 10, logger("runtime w10"));
    app.register_hook(Hook::PreClose, -3, logger("runtime w-3"));
    app.register_hook(Hook::PreClose, 0, logger("runtime w0 #2"));
    app.register_hook(Hook::PreClose, -7, logger("runtime w-7"));
    app.setup();
    app.close();
    assert_eq!(
        events("ordering"),
        [
            "runtime w-7",
            "declared w-3 mid",
            "runtime w-3",
            "declared w0 alpha",
            "declared w0 zeta",
            "runtime w0 #1",
            "runtime w0 #2",
            "declared w5 alpha",
            "runtime w10",
        ]
    );
}

// Runs for every App of this file; logs only for the scoping test, to keep the
// other tests' logs exact.
inventory::submit! {
    DeclaredHook::new(Hook::PreClose, 0, "tests::for_every_app", None,
        |app, _| {
            if app.label().starts_with("scoped-") {
                log(app, "unscoped");
            }
            Ok(())
        })
}

inventory::submit! {
    DeclaredHook::new(Hook::PreClose, 0, "tests::only_for_scoped_a", Some("scoped-a"),
        |app, _| { log(app, "scoped to a"); Ok(()) })
}

#[test]
fn a_hook_scoped_to_a_label_runs_only_for_that_app() {
    for label in ["scoped-a", "scoped-b"] {
        App::new(label).close();
    }
    // Same weight: by path, `tests::for_every_app` < `tests::only_for_scoped_a`.
    assert_eq!(events("scoped-a"), ["unscoped", "scoped to a"]);
    assert_eq!(events("scoped-b"), ["unscoped"]);
}

#[test]
fn close_sequence_is_pre_close_then_deferred_last_first_then_post_close() {
    let app = App::new("close-sequence");
    app.register_hook(Hook::PostClose, 0, logger("post_close"));
    let handle = Arc::new(app.label().to_owned());
    for n in 1..=3 {
        let label = Arc::clone(&handle);
        app.defer(move || {
            LOG.lock()
                .unwrap()
                .push((label.to_string(), format!("deferred {n}")));
        });
    }
    app.register_hook(Hook::PreClose, 0, logger("pre_close"));
    app.close();
    assert_eq!(
        events("close-sequence"),
        [
            "pre_close",
            "deferred 3",
            "deferred 2",
            "deferred 1",
            "post_close"
        ]
    );
}

#[test]
fn released_deferred_cleanup_does_not_run() {
    let ran = Arc::new(AtomicUsize::new(0));
    let app = App::new("release");
    let kept = Arc::clone(&ran);
    let _kept_handle = app.defer(move || {
        kept.fetch_add(1, Ordering::SeqCst);
    });
    let released = Arc::clone(&ran);
    app.defer(move || {
        released.fetch_add(100, Ordering::SeqCst);
    })
    .release();
    app.close();
    assert_eq!(ran.load(Ordering::SeqCst), 1);
}

#[test]
fn framework_hooks_fire_once_each() {
    // Cement's own test_framework_hooks: 2 after setup, 4 after run, 6 after close.
    let count = Arc::new(AtomicUsize::new(0));
    let app = App::new("framework-hooks");
    for point in [
        Hook::PreSetup,
        Hook::PostSetup,
        Hook::PreRun,
        Hook::PostRun,
        Hook::PreClose,
        Hook::PostClose,
    ] {
        let count = Arc::clone(&count);
        app.register_hook(point, 0, move |_app: &App| {
            count.fetch_add(1, Ordering::SeqCst);
        });
    }
    app.setup();
    app.setup();
    assert_eq!(count.load(Ordering::SeqCst), 2);
    app.run(|_app| ());
    assert_eq!(count.load(Ordering::SeqCst), 4);
    app.close();
    app.close();
    assert_eq!(count.load(Ordering::SeqCst), 6);
}

#[test]
fn close_runs_once_when_eight_threads_race() {
    let runs = Arc::new(AtomicUsize::new(0));
    let app = Arc::new(App::new("race"));
    let counter = Arc::clone(&runs);
    app.register_hook(Hook::PreClose, 0, move |app: &App| {
        counter.fetch_add(1, Ordering::SeqCst);
        app.set_exit_code(7);
    });
    let start = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let app = Arc::clone(&app);
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                start.wait();
                app.close()
            })
        })
        .collect();
    for thread in threads {
        // Every caller, also those that waited for the first, sees the final code.
        assert_eq!(thread.join().unwrap(), 7);
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[test]
fn a_hook_calling_close_neither_deadlocks_nor_closes_twice() {
    let runs = Arc::new(AtomicUsize::new(0));
    let app = App::new("reentrant");
    let counter = Arc::clone(&runs);
    app.register_hook(Hook::PreClose, 0, move |app: &App| {
        counter.fetch_add(1, Ordering::SeqCst);
        app.set_exit_code(4);
        assert_eq!(app.close(), 4);
    });
    assert_eq!(app.close(), 4);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

inventory::submit! {
    DeclaredHook::new(Hook::PreClose, 0, "failing::returns_err", Some("isolation"),
        |app, _| { log(app, "err hook"); Err("\"disk full\"".to_owned()) })
}

#[test]
fn failing_hooks_do_not_stop_the_others_and_set_code_1() {
    let app = App::new("isolation");
    app.register_hook(Hook::PreClose, -1, |_app: &App| panic!("boom"));
    app.register_hook(Hook::PreClose, 1, logger("after"));
    app.defer(|| panic!("deferred boom"));
    app.register_hook(Hook::PostClose, 0, logger("post_close"));
    assert_eq!(app.close(), 1);
    assert_eq!(events("isolation"), ["err hook", "after", "post_close"]);
}

#[test]
fn a_failure_keeps_a_non_zero_code_already_set() {
    let app = App::new("keeps-code");
    app.set_exit_code(3);
    app.register_hook(Hook::PreClose, 0, |_app: &App| panic!("boom"));
    assert_eq!(app.close(), 3);
}

#[test]
fn exit_code_defaults_to_zero_and_can_be_set_by_hooks() {
    let app = App::new("exit-code");
    assert_eq!(app.exit_code(), 0);
    app.register_hook(Hook::PostClose, 0, |app: &App| app.set_exit_code(9));
    assert_eq!(app.close(), 9);
    assert_eq!(app.exit_code(), 9);
}

#[test]
fn typed_state_is_reached_from_a_hook() {
    struct Config {
        name: &'static str,
    }
    let app = App::new("state");
    assert!(app.insert(Config { name: "first" }).is_none());
    let previous = app.insert(Config { name: "second" }).unwrap();
    assert_eq!(previous.name, "first");
    app.register_hook(Hook::PreClose, 0, |app: &App| {
        let config = app.get::<Config>().expect("state inserted before close");
        log(app, config.name);
    });
    app.close();
    assert_eq!(events("state"), ["second"]);
    assert!(app.get::<u8>().is_none());
}

#[test]
fn dropping_a_set_up_app_closes_it() {
    {
        let app = App::new("drop-set-up");
        app.register_hook(Hook::PreClose, 0, logger("closed by drop"));
        app.setup();
    }
    {
        let app = App::new("drop-not-set-up");
        app.register_hook(Hook::PreClose, 0, logger("closed by drop"));
    }
    assert_eq!(events("drop-set-up"), ["closed by drop"]);
    assert_eq!(events("drop-not-set-up"), Vec::<String>::new());
}

#[test]
fn close_during_unwinding_survives_a_panicking_hook() {
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let app = App::new("unwinding");
        app.register_hook(Hook::PreClose, 0, |_app: &App| panic!("hook panics too"));
        app.register_hook(Hook::PostClose, 0, logger("post_close still ran"));
        app.setup();
        app.run(|_app| panic!("body panics"));
    }));
    assert!(result.is_err());
    assert_eq!(events("unwinding"), ["post_close still ran"]);
}

#[test]
fn hooks_may_register_hooks_for_later_points() {
    let app = App::new("nested-registration");
    app.register_hook(Hook::PreClose, 0, |app: &App| {
        app.register_hook(Hook::PostClose, 0, logger("registered during pre_close"));
    });
    app.close();
    assert_eq!(
        events("nested-registration"),
        ["registered during pre_close"]
    );
}

#[test]
fn run_hooks_run_on_every_run_in_order() {
    let app = App::new("run-twice");
    app.register_hook(Hook::PreRun, 0, logger("pre_run"));
    app.register_hook(Hook::PostRun, 0, logger("post_run"));
    app.run(|app| log(app, "body 1"));
    app.run(|app| log(app, "body 2"));
    app.close();
    assert_eq!(
        events("run-twice"),
        ["pre_run", "body 1", "post_run", "pre_run", "body 2", "post_run"]
    );
}

#[test]
fn cleanups_added_too_late_for_their_close_step_run_at_once() {
    const LABEL: &str = "late-cleanups";
    let say = |event: &'static str| move || log_as(LABEL, event);
    // In an `Arc` so that a deferred cleanup can reach the App (it leaks: a test).
    let app = Arc::new(App::new(LABEL));
    app.register_hook(Hook::PreClose, 0, move |app: &App| {
        log(app, "pre_close");
        app.register_hook(
            Hook::PreClose,
            0,
            logger("pre_close added during pre_close"),
        );
        app.defer(say("deferred during pre_close"));
    });
    let inner = Arc::clone(&app);
    app.defer(move || {
        log_as(LABEL, "deferred");
        inner.defer(say("deferred during deferred"));
    });
    app.register_hook(Hook::PostClose, 0, |app: &App| {
        log(app, "post_close");
        app.register_hook(
            Hook::PostClose,
            0,
            logger("post_close added during post_close"),
        );
    });
    assert_eq!(app.close(), 0);
    app.register_hook(Hook::PreClose, 0, logger("pre_close added after close"));
    app.defer(say("deferred after close"));
    assert_eq!(
        events(LABEL),
        [
            "pre_close",
            "pre_close added during pre_close",
            "deferred during pre_close",
            "deferred",
            "deferred during deferred",
            "post_close",
            "post_close added during post_close",
            "pre_close added after close",
            "deferred after close",
        ]
    );
}

// Two pairs of hooks with one path each, declared in opposite orders. They run in
// the order of their locations whatever order they were linked in (which one build
// cannot vary; the unit test of the sort in core/src/hooks.rs tries several).
inventory::submit! {
    DeclaredHook::new(Hook::PreClose, 0, "twins::a", Some("same-path"),
        |app, _| { log(app, "a at line 1"); Ok(()) }).at("f.rs", 1, 1)
}
inventory::submit! {
    DeclaredHook::new(Hook::PreClose, 0, "twins::a", Some("same-path"),
        |app, _| { log(app, "a at line 2"); Ok(()) }).at("f.rs", 2, 1)
}
inventory::submit! {
    DeclaredHook::new(Hook::PreClose, 0, "twins::b", Some("same-path"),
        |app, _| { log(app, "b at line 4"); Ok(()) }).at("f.rs", 4, 1)
}
inventory::submit! {
    DeclaredHook::new(Hook::PreClose, 0, "twins::b", Some("same-path"),
        |app, _| { log(app, "b at line 3"); Ok(()) }).at("f.rs", 3, 1)
}

/// The macros' case: a hook nested in a function body has the path of a module-level
/// hook of the same name.
#[cement::cleanup(pre_close, app = "same-path")]
fn twin(app: &App) {
    log(app, "twin at module level");
}

#[allow(dead_code)]
fn holds_a_twin() {
    #[cement::cleanup(pre_close, app = "same-path")]
    fn twin(app: &App) {
        log(app, "twin nested below");
    }
}

#[test]
fn hooks_with_one_path_run_in_the_order_of_their_location() {
    let app = App::new("same-path");
    app.setup();
    app.close();
    assert_eq!(
        events("same-path"),
        [
            // `app::twin` (this test crate's path) sorts before `twins::…`.
            "twin at module level",
            "twin nested below",
            "a at line 1",
            "a at line 2",
            "b at line 3",
            "b at line 4"
        ]
    );
}
