//! `cement::Defer` with panicking cleanups, in real processes (SPEC §4).

use cement_tests::run_fixture;

/// std's multi-line panic message, which cement replaces with one line.
const DEFAULT_PANIC_MESSAGE: &str = "panicked at";

#[test]
fn panicking_cleanups_are_reported_on_one_line_and_the_first_panic_ends_main() {
    let run = run_fixture!("defer_fixture", "normal_exit");
    assert_eq!(run.code, Some(101), "the first panic continues: {run:?}");
    assert_eq!(
        run.stdout,
        ["main returns", "registered last", "registered first"]
    );
    assert_eq!(
        run.reports(),
        [
            "cement: deferred cleanup #3 panicked: second boom",
            "cement: deferred cleanup #2 panicked: first boom"
        ]
    );
    assert!(
        !run.stderr.contains(DEFAULT_PANIC_MESSAGE),
        "{}",
        run.stderr
    );
}

#[test]
fn panicking_cleanups_while_unwinding_are_reported_and_do_not_abort() {
    let run = run_fixture!("defer_fixture", "unwinding");
    assert_eq!(run.code, Some(101), "main's own panic, no abort: {run:?}");
    assert_eq!(run.stdout, ["registered last", "registered first"]);
    assert_eq!(
        run.reports(),
        [
            "cement: deferred cleanup #3 panicked: second boom",
            "cement: deferred cleanup #2 panicked: first boom"
        ]
    );
    // Only main's panic gets std's message.
    assert_eq!(
        run.stderr.matches(DEFAULT_PANIC_MESSAGE).count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("main failed"), "{}", run.stderr);
}

#[test]
fn a_panicking_guard_is_reported_on_one_line_and_its_panic_ends_main() {
    let run = run_fixture!("guard_fixture", "normal_exit");
    assert_eq!(run.code, Some(101), "the first panic continues: {run:?}");
    assert_eq!(
        run.stdout,
        [
            "main returns",
            "guard registered last",
            "guard registered first"
        ]
    );
    // The second guard's panic goes on; the first guard panics while it unwinds.
    assert_eq!(
        run.reports(),
        [
            "cement: guard panicked: second guard boom",
            "cement: guard panicked: first guard boom"
        ]
    );
    assert!(
        !run.stderr.contains(DEFAULT_PANIC_MESSAGE),
        "{}",
        run.stderr
    );
}

#[test]
fn panicking_guards_while_unwinding_are_reported_and_do_not_abort() {
    let run = run_fixture!("guard_fixture", "unwinding");
    assert_eq!(run.code, Some(101), "main's own panic, no abort: {run:?}");
    assert_eq!(
        run.stdout,
        ["guard registered last", "guard registered first"]
    );
    assert_eq!(
        run.reports(),
        [
            "cement: guard panicked: second guard boom",
            "cement: guard panicked: first guard boom"
        ]
    );
    assert_eq!(
        run.stderr.matches(DEFAULT_PANIC_MESSAGE).count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("main failed"), "{}", run.stderr);
}
