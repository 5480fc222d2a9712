//! Fixture for `tests/defer.rs`: a `cement::Defer` whose cleanups panic, in a fresh
//! process, so the tests see exactly what reaches stderr and the exit status.

fn main() {
    let scenario = std::env::args().nth(1).expect("a scenario argument");
    let d = cement::Defer::new();
    d.defer(|| println!("registered first"));
    d.defer(|| panic!("first boom"));
    d.defer(|| panic!("second boom"));
    d.defer(|| println!("registered last"));
    match scenario.as_str() {
        "normal_exit" => println!("main returns"),
        "unwinding" => panic!("main failed"),
        other => panic!("unknown scenario {other:?}"),
    }
}
