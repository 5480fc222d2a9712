//! Hooks declared in another crate (a "plugin") run when the app names it once.

use cement_tests::run_fixture;

#[test]
fn a_hook_from_a_linked_plugin_crate_runs_at_close() {
    let run = run_fixture!("plugin_app");
    assert_eq!(
        run.stdout,
        ["body", "plugin cleanup for plugin-host"],
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(0));
}
