#[cement::main(notify_ready = "no")]
fn main() {}
