//! A plugin: a crate whose only content is a hook. An application links it with
//! `use cement_test_plugin as _;`.

/// Runs at the end of every App's close sequence.
#[cement::cleanup(post_close, weight = 100)]
pub fn plugin_cleanup(app: &cement::App) {
    println!("plugin cleanup for {}", app.label());
}
