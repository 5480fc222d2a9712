use std::sync::atomic::{AtomicU32, Ordering};

use cement::{cleanup, App, Hook};

static RAN: AtomicU32 = AtomicU32::new(0);

#[cement::hook(pre_setup)]
async fn without_params() {
    RAN.fetch_add(1, Ordering::SeqCst);
}

#[cement::hook(post_run, weight = 3)]
async fn with_app(app: &App) {
    assert_eq!(app.label(), "hooks");
    RAN.fetch_add(1, Ordering::SeqCst);
}

#[cleanup(pre_close)]
async fn returning_result(_app: &App) -> std::io::Result<()> {
    tokio::task::yield_now().await;
    RAN.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

#[cleanup(post_close, app = "hooks")]
async fn scoped() -> Result<(), String> {
    RAN.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

#[cement::main(label = "hooks")]
async fn main(app: &App) {
    app.register_async_hook(Hook::PreClose, 0, |app| {
        Box::pin(async move {
            assert_eq!(app.label(), "hooks");
            RAN.fetch_add(1, Ordering::SeqCst);
        })
    });
    cement::atexit::register(|| assert_eq!(RAN.load(Ordering::SeqCst), 5));
}
