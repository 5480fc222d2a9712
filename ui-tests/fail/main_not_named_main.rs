use cement::App;

#[cement::main]
fn start(_app: &App) {}
