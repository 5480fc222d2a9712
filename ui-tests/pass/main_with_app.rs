use cement::App;

/// The program.
#[cement::main(label = "myapp", exit_on_close = true, catch_signals = false)]
fn main(app: &App) {
    assert_eq!(app.label(), "myapp");
}
