//! `#[cement::main(catch_signals = false)]`: signals keep their default action.

#[cement::cleanup(pre_close)]
fn closing() {
    println!("pre_close");
}

#[cement::main(catch_signals = false)]
fn main() {
    cement_tests::say("ready");
    cement_tests::wait_forever();
}
