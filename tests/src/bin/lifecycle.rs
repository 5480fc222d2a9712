//! An App driven by hand, one scenario per argument; see `tests/lifecycle.rs`.

use cement::{App, Hook};

fn app_with_failing_hooks() -> App {
    let app = App::new("lifecycle");
    app.register_hook(Hook::PreClose, 0, |_app: &App| println!("pre_close 1"));
    app.register_hook(Hook::PreClose, 0, |_app: &App| {
        panic!("hook 2 failed\nbadly")
    });
    app.register_hook(Hook::PreClose, 0, |_app: &App| println!("pre_close 3"));
    app.defer(|| println!("deferred 1"));
    app.defer(|| panic!("deferred 2 failed"));
    app.register_hook(Hook::PostClose, 0, |_app: &App| println!("post_close"));
    app
}

/// An App whose close and the atexit handler after it say so.
fn exit_reporting_app() -> App {
    cement::atexit::register(|| println!("atexit handler"));
    let app = App::new("lifecycle");
    app.register_hook(Hook::PreClose, 0, |_app: &App| println!("pre_close"));
    app.defer(|| println!("deferred"));
    app.register_hook(Hook::PostClose, 0, |_app: &App| println!("post_close"));
    app
}

fn main() {
    let scenario = std::env::args().nth(1).expect("a scenario");
    match scenario.as_str() {
        "failing-hooks" => {
            let app = app_with_failing_hooks();
            app.setup();
            println!("code {}", app.close());
        }
        "panic-in-close-while-unwinding" => {
            let app = app_with_failing_hooks();
            app.setup();
            app.run(|_app| panic!("body failed"));
        }
        "close-deadline" => {
            let app = App::builder("lifecycle")
                .close_deadline(std::time::Duration::from_secs(1))
                .build();
            app.register_hook(Hook::PreClose, 0, |_app: &App| println!("pre_close 1"));
            app.register_hook(Hook::PreClose, 0, |_app: &App| {
                loop {
                    std::thread::park();
                }
            });
            app.register_hook(Hook::PostClose, 0, |_app: &App| println!("never reached"));
            app.close();
        }
        "process-exit-in-body" => {
            let app = exit_reporting_app();
            app.setup();
            app.run(|_app| std::process::exit(5));
        }
        "process-exit-in-hook" => {
            let app = exit_reporting_app();
            app.register_hook(Hook::PreClose, 1, |_app: &App| std::process::exit(6));
            app.register_hook(Hook::PreClose, 2, |_app: &App| {
                println!("pre_close after exit");
            });
            app.setup();
            println!("never printed: code {}", app.close());
        }
        "process-exit-in-deferred" => {
            let app = exit_reporting_app();
            app.defer(|| std::process::exit(7));
            app.defer(|| println!("deferred last"));
            app.setup();
            println!("never printed: code {}", app.close());
        }
        "forgotten-app" => {
            let app = exit_reporting_app();
            app.setup();
            // Neither closed nor dropped: the process's end closes it.
            std::mem::forget(app);
        }
        other => panic!("unknown scenario {other}"),
    }
}
