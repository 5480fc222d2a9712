use cement::cleanup;

#[cleanup(pre_close, weight = -5)]
fn first() {}

#[cleanup(pre_close, weight = 2147483647, app = "myapp")]
fn last() {}

#[cement::hook(post_run, app = "other", weight = 0,)]
fn other() {}

/// Documented, with attributes kept.
#[cleanup(post_close)]
#[allow(clippy::needless_return)]
pub(crate) fn visible() {
    return;
}

mod nested {
    #[cement::cleanup(post_close, crate = "::cement")]
    fn in_module() {}
}

fn main() {
    let app = cement::App::new("myapp");
    app.setup();
    assert_eq!(app.close(), 0);
}
