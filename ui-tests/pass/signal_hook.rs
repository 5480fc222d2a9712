use cement::{App, Signal};

#[cement::hook(signal)]
fn on_signal(app: &App, signal: Signal) {
    eprintln!("{} got {}", app.label(), signal.name());
}

#[cement::hook(signal, weight = 1)]
fn on_signal_qualified(_app: &App, _signal: cement::Signal) -> Result<(), String> {
    Ok(())
}

fn main() {}
