//! A tokio TCP server that stops gracefully: press Ctrl-C (or send SIGTERM) and it
//! stops accepting, lets the connections in flight finish, and only then does close
//! run its async `pre_close` hook. The status is 130 (or 143).
//!
//! ```sh
//! cargo run --example graceful_server --features tokio
//! # in another terminal:
//! printf 'hello\n' | nc 127.0.0.1 7878
//! ```
//!
//! With axum, the loop below is `axum::serve(listener, router)
//! .with_graceful_shutdown(app.shutdown_requested())`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cement::{cleanup, App};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// Requests served, flushed at close.
#[derive(Default)]
struct Served(AtomicU64);

#[cleanup(pre_close)]
async fn flush_stats(app: &App) -> std::io::Result<()> {
    let served = app
        .get::<Served>()
        .map_or(0, |s| s.0.load(Ordering::Relaxed));
    tokio::time::sleep(Duration::from_millis(50)).await; // a flush over the network
    println!("pre_close: flushed the stats ({served} requests served)");
    Ok(())
}

/// Answers one line, slowly, so that a request can be in flight at Ctrl-C.
async fn serve(stream: TcpStream, served: Arc<Served>) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut line = String::new();
    BufReader::new(reader).read_line(&mut line).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    writer
        .write_all(format!("you said: {}\n", line.trim()).as_bytes())
        .await?;
    served.0.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

#[cement::main(label = "graceful-server", exit_on_close = true)]
async fn main(app: &App) -> std::io::Result<()> {
    app.insert(Served::default());
    let served = app.get::<Served>().expect("inserted above");
    let listener = TcpListener::bind("127.0.0.1:7878").await?;
    println!("listening on 127.0.0.1:7878; press Ctrl-C to stop");
    let mut connections = JoinSet::new();
    let mut shutdown = app.shutdown_requested();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let (stream, _) = accepted?;
                connections.spawn(serve(stream, Arc::clone(&served)));
            }
        }
    }
    drop(listener);
    println!(
        "stopped accepting; draining {} connections",
        connections.len()
    );
    while let Some(served) = connections.join_next().await {
        served.expect("a connection task panicked")?;
    }
    println!("drained");
    Ok(())
}
