//! Fixture for `tests/defer.rs`: `defer!` guards that panic, in a process that uses
//! nothing else from cement, so the tests see exactly what reaches stderr and the
//! exit status.

fn main() {
    let scenario = std::env::args().nth(1).expect("a scenario argument");
    cement::defer! { println!("guard registered first"); }
    cement::defer! { panic!("first guard boom"); }
    cement::defer! { panic!("second guard boom"); }
    cement::defer! { println!("guard registered last"); }
    match scenario.as_str() {
        "normal_exit" => println!("main returns"),
        "unwinding" => panic!("main failed"),
        other => panic!("unknown scenario {other:?}"),
    }
}
