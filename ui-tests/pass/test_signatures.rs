#[cement::test]
fn no_params() {}

#[cement::test(label = "myapp", expect_exit = 3)]
fn with_app(app: &cement::App) {
    app.set_exit_code(3);
}

#[cement::test(expect_exit = 1)]
#[ignore]
fn returning_result() -> Result<(), String> {
    Err("no config".to_owned())
}

#[cement::test(exit_on_close = true, expect_exit = 0, crate = "cement")]
#[should_panic]
fn real_exit() {}

fn main() {}
