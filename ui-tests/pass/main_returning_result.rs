use cement::App;

#[derive(Debug)]
struct MyError;

#[cement::main(exit_on_close = false)]
fn main(app: &App) -> Result<(), MyError> {
    assert!(!app.label().is_empty());
    Ok(())
}
