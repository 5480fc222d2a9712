//! Failures under the `tracing` feature with a global fmt subscriber writing to
//! stdout: each is an `error` event there, and nothing reaches stderr. Each hook run
//! is a `debug` event, inside the `cement.setup`, `cement.run` and `cement.close`
//! spans. With the argument `atexit`, an atexit handler fails as the process ends;
//! with `process-exit`, the body calls `std::process::exit(5)`, so the App closes as
//! the process ends; with `task`, a supervised task fails inside its `cement.task`
//! span.

use std::process::ExitCode;

use cement::{App, Hook, cleanup};
use tracing_subscriber::filter::LevelFilter;

#[cement::hook(pre_setup)]
fn announce() {}

#[cleanup(pre_close)]
fn flush_journal() -> std::io::Result<()> {
    std::fs::read("/nonexistent/cement-tracing-fixture/journal")?;
    Ok(())
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_max_level(LevelFilter::DEBUG)
        .with_writer(std::io::stdout)
        .without_time()
        .init();
    if std::env::args().nth(1).as_deref() == Some("task") {
        // A supervised task that fails: its failure event is inside its span.
        let app = App::new("tracing-task");
        let task = app.task("flusher").spawn_thread(|_stop| Err::<(), _>("disk full"));
        task.join(None);
        println!("code {}", app.close());
        return ExitCode::SUCCESS;
    }
    if std::env::args().nth(1).as_deref() == Some("atexit") {
        // Runs once the main thread's thread-locals are gone, which the fmt subscriber
        // needs: its failure goes to stderr rather than nowhere.
        cement::atexit::register(|| panic!("atexit handler failed"));
    }
    let app = App::new("tracing-fixture");
    app.register_hook(Hook::PreRun, 0, |_app: &App| {});
    app.register_hook(Hook::PostClose, 3, |_app: &App| panic!("post_close failed"));
    app.defer(|| panic!("lock lost\nfor good"));
    app.setup();
    app.run(|_app| {
        if std::env::args().nth(1).as_deref() == Some("process-exit") {
            std::process::exit(5);
        }
    });
    let code = app.close();
    let failures = app.failures().len();
    println!("code {code}, {failures} failures");
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
