//! Failure reports through `tracing`: with the `tracing` feature and a global
//! subscriber, setup, run and close are spans, each hook a `debug` event, and each
//! failure an `error` event (fields `point`, `hook`, `error`) that goes to the
//! subscriber instead of stderr.
//!
//! Run it with `cargo run --example tracing_failures --features tracing`. It prints
//! (timestamps aside) lines such as
//!
//! ```text
//! ERROR cement.close{label="myapp"}: cement: hook failed point="pre_close" hook="tracing_failures::flush_journal" error="No such file or directory (os error 2)" panicked=false
//! ERROR cement.close{label="myapp"}: cement: cleanup failed hook="deferred cleanup #1" error="lock file\nalready gone" panicked=true
//! ```
//!
//! and exits with 1, the code a failure sets.

use std::process::ExitCode;

use cement::{cleanup, App};
use tracing_subscriber::filter::LevelFilter;

#[cleanup(pre_close)]
fn flush_journal() -> std::io::Result<()> {
    std::fs::read("/nonexistent/flush-journal")?;
    Ok(())
}

#[cleanup(post_close)]
fn goodbye(app: &App) {
    println!("{} closed with code {}", app.label(), app.exit_code());
}

fn main() -> ExitCode {
    // Before the App, so that its setup span has somewhere to go.
    tracing_subscriber::fmt()
        .with_max_level(LevelFilter::DEBUG)
        .init();

    // What `#[cement::main(label = "myapp", exit_on_close = true)]` does, by hand so
    // that the subscriber is set before setup.
    let app = App::builder("myapp").exit_on_close(true).build();
    app.setup();
    app.run(|app| {
        app.defer(|| panic!("lock file\nalready gone"));
    });
    let code = app.close();
    for failure in app.failures() {
        println!("failed: {failure}");
    }
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
