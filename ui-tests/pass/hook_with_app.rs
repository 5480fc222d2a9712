use cement::{App, cleanup};

#[cleanup(post_close)]
fn goodbye(app: &App) {
    println!("bye from {}", app.label());
}

#[cement::hook(pre_setup)]
fn qualified(_app: &cement::App) {}

fn main() {}
