use cement::{App, Signal};

#[cement::hook(signal)]
async fn on_signal(_app: &App, _signal: Signal) {}

fn main() {}
