//! The peer for start-up and size with signals caught (SPEC §6): an empty sync `main`
//! that catches Ctrl-C with the `ctrlc` crate, what a user would write instead of
//! `#[cement::main]`. `ctrlc::set_handler` installs the handler and starts the thread
//! that runs it, as cement starts its signal watcher; timed by `bench/compare.sh`
//! against `empty_cement_main.rs`, and its stripped size set beside that one's.

fn main() {
    ctrlc::set_handler(|| std::process::exit(130)).expect("catch Ctrl-C");
}
