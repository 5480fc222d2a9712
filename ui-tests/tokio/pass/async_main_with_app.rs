use cement::App;

#[cement::main(label = "async-pass", exit_on_close = true)]
async fn main(app: &App) -> std::io::Result<()> {
    tokio::task::yield_now().await;
    assert_eq!(app.label(), "async-pass");
    Ok(())
}
