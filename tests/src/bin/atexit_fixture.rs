//! Fixture for `tests/atexit.rs`: registers `cement::atexit` handlers as the scenario
//! named by the first argument says, then ends the process that scenario's way.

use cement::{App, Hook, atexit};

fn say(line: &'static str) -> impl FnOnce() + Send + 'static {
    move || println!("{line}")
}

fn main() {
    let scenario = std::env::args().nth(1).expect("a scenario argument");
    match scenario.as_str() {
        "order" => {
            atexit::register(say("registered first"));
            atexit::register(say("registered second"));
            atexit::register(say("registered third"));
        }
        "unregister" => {
            atexit::register(say("kept 1"));
            let cancelled = atexit::register(say("unregistered"));
            atexit::register(say("kept 2"));
            println!("pending when unregistered: {}", cancelled.unregister());
        }
        "unregister_during_exit" => {
            let doomed = atexit::register(say("unregistered before its turn"));
            atexit::register(move || {
                println!("pending when unregistered: {}", doomed.unregister());
            });
        }
        "panic" => {
            atexit::register(say("registered first"));
            atexit::register(|| panic!("boom"));
            atexit::register(say("registered third"));
        }
        "nested" => {
            atexit::register(say("outer, registered first"));
            atexit::register(|| {
                println!("outer, registered second");
                atexit::register(say("registered while handlers run"));
            });
        }
        "process_exit" => {
            atexit::register(say("registered first"));
            atexit::register(say("registered second"));
            println!("calling exit(5)");
            std::process::exit(5);
        }
        "panic_in_main" => {
            atexit::register(say("registered first"));
            atexit::register(say("registered second"));
            panic!("main failed");
        }
        "threads" => {
            for name in ["thread 1", "thread 2", "thread 3"] {
                std::thread::spawn(move || atexit::register(say(name)))
                    .join()
                    .expect("the thread registers");
            }
        }
        "abort" => {
            atexit::register(say("never printed: abort runs no handler"));
            println!("calling abort");
            std::process::abort();
        }
        "after_app_close" => {
            atexit::register(say("atexit handler"));
            let app = App::new("atexit-fixture");
            app.register_hook(Hook::PostClose, 0, |_: &App| println!("post_close hook"));
            app.defer(|| println!("app deferred cleanup"));
            app.setup();
            app.close();
        }
        other => panic!("unknown scenario {other:?}"),
    }
    println!("main returns");
}
