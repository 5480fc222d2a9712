//! `#[cement::main(exit_on_close = true)]` over the shared scenarios.

#[path = "../scenario.rs"]
mod scenario;

#[cement::main(label = "fixture", exit_on_close = true)]
fn main(app: &cement::App) -> Result<(), String> {
    scenario::body(app)
}
