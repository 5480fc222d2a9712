#[cement::hook(signal)]
fn on_signal(_app: &cement::App, _signal: i32) {}

fn main() {}
