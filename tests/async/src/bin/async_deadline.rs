//! `close_deadline_ms` with an async `pre_close` hook that never finishes: the
//! report names it; see `tests/async_main.rs`.

use cement::cleanup;
use cement_tests::say;

#[cleanup(pre_close)]
async fn never_finishes() {
    say("pre_close: waiting for ever");
    std::future::pending::<()>().await;
}

#[cement::main(close_deadline_ms = 300)]
async fn main() {
    say("body");
}
