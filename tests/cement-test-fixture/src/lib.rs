//! Tests written with `#[cement::test]`, each named for the verdict it must get. Some
//! must fail: `tests/tests/cement_test.rs` in the cement workspace runs this crate with
//! `cargo test` and `cargo nextest run` and checks every verdict.
//!
//! Every App is labelled after its test; when `CEMENT_FIXTURE_MARKERS` names a folder,
//! the `pre_close` hook below leaves a file named after the label there, so the
//! caller can tell whose close ran, in this process or in a child.

use cement::{App, cleanup};

#[cleanup(pre_close)]
fn leave_marker(app: &App) -> std::io::Result<()> {
    println!("pre_close hook ran for {}", app.label());
    if let Some(folder) = std::env::var_os("CEMENT_FIXTURE_MARKERS").filter(|f| !f.is_empty()) {
        std::fs::write(std::path::Path::new(&folder).join(app.label()), "")?;
    }
    Ok(())
}

#[cement::test(label = "ends_with_0")]
fn passes_when_the_app_ends_with_0(app: &App) {
    assert_eq!(app.label(), "ends_with_0");
    // A test never takes over the test runner's signals.
    assert!(!app.catches_signals());
}

#[cement::test(label = "err_expects_1", expect_exit = 1)]
fn passes_when_an_err_body_expects_1() -> Result<(), String> {
    Err("no config".to_owned())
}

#[cement::test(label = "set_code_3", expect_exit = 3)]
fn passes_when_the_code_set_is_expected(app: &App) {
    app.set_exit_code(3);
}

#[cement::test(label = "ends_with_2")]
fn fails_when_the_app_ends_with_2_but_0_is_expected(app: &App) {
    app.set_exit_code(2);
}

#[cement::test(label = "should_panic")]
#[should_panic(expected = "body panicked")]
fn passes_when_it_should_panic_and_still_closes() {
    panic!("body panicked");
}

#[cement::test(label = "ignored")]
#[ignore = "shows that #[ignore] works beside #[cement::test]"]
fn is_ignored() {
    panic!("an ignored test does not run");
}

#[cement::test(label = "real_exit_4", exit_on_close = true, expect_exit = 4)]
fn passes_when_the_child_really_exits_with_4(app: &App) {
    assert!(!app.catches_signals());
    app.set_exit_code(4);
}

#[cement::test(label = "real_exit_5", exit_on_close = true, expect_exit = 4)]
fn fails_when_the_child_really_exits_with_5_but_4_is_expected(app: &App) {
    app.set_exit_code(5);
}

#[cement::test(label = "process_exit_7", exit_on_close = true, expect_exit = 7)]
fn passes_when_the_child_calls_process_exit_7() {
    std::process::exit(7);
}

mod nested {
    #[cement::test(label = "nested_real_exit", exit_on_close = true, expect_exit = 9)]
    fn passes_from_a_module_with_a_real_exit(app: &cement::App) {
        app.set_exit_code(9);
    }
}

/// Declared for one label only: it sets the code the test below expects, and no other
/// test here sees it (they all expect what their own bodies set).
#[cleanup(pre_close, app = "hook_sets_6")]
fn set_6_for_one_label(app: &App) {
    app.set_exit_code(6);
}

#[cement::test(label = "hook_sets_6", expect_exit = 6)]
fn passes_when_a_hook_for_its_label_sets_the_expected_code() {}

#[cement::test(label = "child_panics", exit_on_close = true, expect_exit = 1)]
fn passes_when_the_child_panics_and_exits_with_1() {
    panic!("the child's body panicked");
}

/// Declared for the package's name, the label of a test that names none.
#[cleanup(pre_close, app = "cement-test-fixture")]
fn set_8_for_the_default_label(app: &App) {
    app.set_exit_code(8);
}

#[cement::test(expect_exit = 8)]
fn passes_with_the_package_name_as_its_default_label(app: &App) {
    assert_eq!(app.label(), "cement-test-fixture");
}

/// `#[cement::test] async fn`, on a current-thread runtime as `#[tokio::test]`.
mod asynchronous {
    use cement::{App, Signal, cleanup};

    #[cleanup(pre_close, app = "async_hook_sets_6")]
    async fn set_6(app: &App) {
        tokio::task::yield_now().await;
        app.set_exit_code(6);
    }

    #[cement::test(label = "async_ends_with_0")]
    async fn passes_when_the_async_app_ends_with_0(app: &App) {
        tokio::task::yield_now().await;
        let flavor = tokio::runtime::Handle::current().runtime_flavor();
        assert_eq!(flavor, tokio::runtime::RuntimeFlavor::CurrentThread);
        assert_eq!(app.label(), "async_ends_with_0");
    }

    #[cement::test(label = "async_signalled")]
    async fn fails_when_the_async_app_gets_sigterm_but_0_is_expected(app: &App) {
        app.deliver_signal(Signal::TERM);
        app.shutdown_requested().await;
    }

    #[cement::test(label = "async_hook_sets_6", expect_exit = 6)]
    async fn passes_when_an_async_hook_sets_the_expected_code() {}

    #[cement::test(label = "async_real_exit_4", exit_on_close = true, expect_exit = 4)]
    async fn passes_when_the_async_child_really_exits_with_4(app: &App) {
        tokio::task::yield_now().await;
        app.set_exit_code(4);
    }
}
