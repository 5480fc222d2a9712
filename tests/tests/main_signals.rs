//! Signals, `std::process::exit` and the close deadline through `#[cement::main]`:
//! fixtures `src/bin/main_signals.rs` and `src/bin/main_no_signals.rs`.

use cement_tests::Running;

fn start(scenario: &str) -> Running {
    let mut fixture = Running::start(env!("CARGO_BIN_EXE_main_signals"), &[scenario]);
    fixture.wait_for("ready");
    fixture
}

#[test]
fn sigterm_runs_the_declared_signal_hook_and_close_then_exits_143() {
    let fixture = start("wait");
    fixture.send("TERM");
    let (run, _) = fixture.finish();
    assert_eq!(
        run.stdout,
        [
            "ready",
            "signal hook SIGTERM",
            "pre_close code 143",
            "post_close",
            "atexit handler"
        ],
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(143), "{}", run.stderr);
}

#[test]
fn a_declared_signal_hook_can_set_code_0() {
    let fixture = start("signal-hook-sets-0");
    fixture.send("INT");
    let (run, _) = fixture.finish();
    assert_eq!(
        run.stdout,
        [
            "ready",
            "signal hook SIGINT",
            "pre_close code 0",
            "post_close",
            "atexit handler"
        ]
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn process_exit_in_main_closes_once_and_exits_with_its_code() {
    let (run, _) = start("exit-5").finish();
    assert_eq!(
        run.stdout,
        ["ready", "pre_close code 0", "post_close", "atexit handler"]
    );
    assert_eq!(run.code, Some(5), "{}", run.stderr);
}

#[test]
fn returning_from_main_closes_before_atexit_handlers() {
    let (run, _) = start("return").finish();
    assert_eq!(
        run.stdout,
        ["ready", "pre_close code 0", "post_close", "atexit handler"]
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn a_close_over_its_deadline_names_the_hook_and_exits_with_the_code() {
    let mut fixture = start("slow-close");
    fixture.send("TERM");
    fixture.wait_for("closing slowly");
    let (run, _) = fixture.finish();
    assert_eq!(
        run.stdout,
        [
            "ready",
            "signal hook SIGTERM",
            "pre_close code 143",
            "closing slowly"
        ]
    );
    assert_eq!(
        run.stderr,
        "cement: close overran its deadline of 2s in pre_close hook main_signals::closing; \
         exiting with 143\n"
    );
    assert_eq!(run.code, Some(143));
}

#[test]
fn without_catch_signals_sigterm_keeps_its_default_action() {
    let mut fixture = Running::start(env!("CARGO_BIN_EXE_main_no_signals"), &[]);
    fixture.wait_for("ready");
    fixture.send("TERM");
    let (run, killed_by) = fixture.finish();
    assert_eq!(run.stdout, ["ready"]);
    assert_eq!(killed_by, Some(15), "{run:?}");
}

#[test]
fn a_body_woken_by_the_signal_hook_returning_does_not_change_the_status() {
    let mut fixture = Running::start(env!("CARGO_BIN_EXE_main_signal_return"), &[]);
    fixture.wait_for("ready");
    fixture.send("INT");
    let (run, _) = fixture.finish();
    assert_eq!(
        run.stdout,
        ["ready", "signal hook", "pre_close"],
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(130), "{}", run.stderr);
    assert!(run.reports().is_empty(), "{}", run.stderr);
}
