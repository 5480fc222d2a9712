use cement::App;

#[cement::main(shutdown_grace_ms = 500, exit_on_close = true)]
fn main(app: &App) {
    let token = app.shutdown_token();
    std::thread::spawn(move || token.request());
    assert!(app.wait_for_shutdown(None));
}
