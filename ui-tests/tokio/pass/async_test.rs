use cement::App;

#[cement::test(label = "async-test")]
async fn closes_cleanly(app: &App) {
    tokio::task::yield_now().await;
    assert_eq!(app.label(), "async-test");
}

#[cement::test(expect_exit = 1)]
async fn an_error_sets_code_1() -> Result<(), String> {
    Err("no config".to_owned())
}

fn main() {}
