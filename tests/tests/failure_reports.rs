//! What a failing hook's report says (SPEC §10), at process level: the fixture
//! `failure_reports` runs one declared `pre_close` hook per case, and each test pins
//! the whole of its stderr.

use cement_tests::{Run, run_fixture, run_with_env};

/// Runs the fixture for `case` and checks it failed with code 1 and reported exactly
/// `report` on stderr.
fn assert_reports(run: &Run, report: &str) {
    assert_eq!(run.stderr, format!("{report}\n"));
    assert_eq!(run.code, Some(1), "{}", run.stderr);
}

#[test]
fn an_io_error_reports_its_display_not_its_debug() {
    let run = run_fixture!("failure_reports", "io-error");
    assert_reports(
        &run,
        "cement: pre_close hook failure_reports::read_missing_file returned an error: \
         No such file or directory (os error 2)",
    );
}

#[test]
fn an_error_with_a_source_reports_the_whole_chain() {
    let run = run_fixture!("failure_reports", "error-with-source");
    assert_reports(
        &run,
        "cement: pre_close hook failure_reports::save_with_source returned an error: \
         saving the session: flushing the journal: No such file or directory (os error 2)",
    );
}

#[test]
fn a_boxed_dyn_error_reports_the_chain_of_the_error_it_holds() {
    let run = run_fixture!("failure_reports", "boxed-error");
    assert_reports(
        &run,
        "cement: pre_close hook failure_reports::save_boxed returned an error: \
         saving the session: flushing the journal: No such file or directory (os error 2)",
    );
}

#[test]
fn an_anyhow_error_reports_its_context_chain_and_never_the_backtrace() {
    let run = run_with_env(
        env!("CARGO_BIN_EXE_failure_reports"),
        &["anyhow"],
        &[("RUST_BACKTRACE", "1")],
    );
    // The error did hold a backtrace: its `Debug` would have printed it.
    assert_eq!(run.stdout, ["backtrace captured: true"]);
    assert_reports(
        &run,
        "cement: pre_close hook failure_reports::flush_journal returned an error: \
         reading the flush journal: No such file or directory (os error 2)",
    );
}

#[test]
fn a_string_error_is_its_text_without_quotes_on_one_line() {
    let run = run_fixture!("failure_reports", "string");
    assert_reports(
        &run,
        "cement: pre_close hook failure_reports::string_error returned an error: multi\\nline",
    );
}

#[test]
fn a_panic_with_a_multi_line_message_is_reported_on_one_line() {
    let run = run_fixture!("failure_reports", "panic");
    assert_reports(
        &run,
        "cement: pre_close hook failure_reports::panics_on_two_lines panicked: \
         first line\\nsecond line",
    );
}

#[test]
fn an_error_type_with_only_debug_reports_its_debug() {
    let run = run_fixture!("failure_reports", "debug-only");
    assert_reports(
        &run,
        "cement: pre_close hook failure_reports::debug_only returned an error: Opaque { code: 7 }",
    );
}
