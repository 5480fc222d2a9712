//! A tokio TCP server on 127.0.0.1 that stops gracefully: on SIGTERM it stops
//! accepting, lets the request in flight finish, says it drained, and returns; then
//! its async `pre_close` hook flushes. See `tests/server.rs`.
//!
//! The request handler answers only once the server has stopped accepting, so the
//! order of what it prints never depends on timing.

use std::sync::Arc;

use cement::{App, Signal, cleanup};
use cement_tests::say;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinSet;

#[cement::hook(signal)]
fn on_signal(_app: &App, signal: Signal) {
    say(&format!("signal hook {signal}"));
}

#[cleanup(pre_close)]
async fn flush(app: &App) -> std::io::Result<()> {
    tokio::task::yield_now().await;
    say(&format!("pre_close: flushed, code {}", app.exit_code()));
    Ok(())
}

async fn handle(stream: TcpStream, stopped_accepting: Arc<Notify>) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut request = String::new();
    BufReader::new(reader).read_line(&mut request).await?;
    say(&format!("handling {}", request.trim()));
    stopped_accepting.notified().await;
    // The rest of the work, after shutdown began.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    writer.write_all(b"the whole response\n").await?;
    writer.shutdown().await?;
    say("responded");
    Ok(())
}

#[cement::main(label = "server", exit_on_close = true)]
async fn main(app: &App) -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    say(&format!("listening {}", listener.local_addr()?.port()));
    let stopped_accepting = Arc::new(Notify::new());
    let mut in_flight = JoinSet::new();
    let mut shutdown = app.shutdown_requested();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let (stream, _) = accepted?;
                in_flight.spawn(handle(stream, Arc::clone(&stopped_accepting)));
            }
        }
    }
    drop(listener);
    say("stopped accepting");
    stopped_accepting.notify_waiters();
    while let Some(handled) = in_flight.join_next().await {
        handled.expect("a handler panicked")?;
    }
    say("drained");
    Ok(())
}
