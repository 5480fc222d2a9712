//! `#[cement::main]` with the default `exit_on_close = false` over the shared scenarios.

#[path = "../scenario.rs"]
mod scenario;

#[cement::main(label = "fixture")]
fn main(app: &cement::App) -> Result<(), String> {
    scenario::body(app)
}
