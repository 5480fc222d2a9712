//! The attributes work through a renamed dependency with `crate = "..."`.

use cement_tests::run_fixture;

#[test]
fn attributes_work_through_a_renamed_dependency() {
    let run = run_fixture!("cement-test-renamed");
    assert_eq!(
        run.stdout,
        ["body", "hook of cement-test-renamed"],
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(4), "{}", run.stderr);
}
