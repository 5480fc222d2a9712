//! `cement` renamed to `my_cement`: the attributes take `crate = "my_cement"`.

#[my_cement::cleanup(pre_close, crate = "my_cement")]
fn renamed_hook(app: &my_cement::App) {
    println!("hook of {}", app.label());
}

#[my_cement::main(crate = "my_cement", exit_on_close = true)]
fn main(app: &my_cement::App) {
    println!("body");
    app.set_exit_code(4);
}
