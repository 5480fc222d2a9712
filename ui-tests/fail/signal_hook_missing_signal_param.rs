use cement::App;

#[cement::hook(signal)]
fn on_signal(_app: &App) {}

fn main() {}
