//! A service made of supervised tasks: an async TCP server (`app.spawn`) that queues
//! each line it receives, and a consumer thread (`app.spawn_thread`) that takes them
//! off the queue. On Ctrl-C (or SIGTERM) the body returns and close stops the tasks
//! first, by weight: the server (weight 0) stops accepting and drains its
//! connections, then the consumer (weight 10) drains the queue, and only then does
//! the `pre_close` hook run. The status is 130 (or 143).
//!
//! ```sh
//! cargo run --example supervised --features tokio
//! # in another terminal:
//! printf 'hello\n' | nc 127.0.0.1 7879
//!
//! # or on its own: one request from a client it starts, then shutdown (status 0)
//! cargo run --example supervised --features tokio -- --once
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use cement::{cleanup, App, ShutdownToken};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// Lines the consumer has taken off the queue.
#[derive(Default)]
struct Consumed(AtomicU64);

#[cleanup(pre_close)]
fn report(app: &App) {
    let consumed = app
        .get::<Consumed>()
        .map_or(0, |c| c.0.load(Ordering::Relaxed));
    // Runs after close's first step: both tasks have stopped.
    println!("pre_close: the server and the consumer stopped; lines consumed: {consumed}");
}

/// The server task: accepts until its token is requested, then stops accepting and
/// lets the connections in flight finish.
async fn serve(
    listener: TcpListener,
    queue: mpsc::Sender<String>,
    stop: ShutdownToken,
) -> std::io::Result<()> {
    let mut connections = JoinSet::new();
    let mut stopping = stop.requested();
    loop {
        tokio::select! {
            _ = &mut stopping => break,
            accepted = listener.accept() => {
                let (stream, _) = accepted?;
                connections.spawn(answer(stream, queue.clone()));
            }
        }
    }
    drop(listener);
    while let Some(answered) = connections.join_next().await {
        answered.expect("a connection task panicked")?;
    }
    println!("server: stopped accepting; the open connections finished");
    Ok(())
}

/// One connection: queues the line it sends and says so.
async fn answer(stream: TcpStream, queue: mpsc::Sender<String>) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut line = String::new();
    BufReader::new(reader).read_line(&mut line).await?;
    let line = line.trim().to_owned();
    writer
        .write_all(format!("queued: {line}\n").as_bytes())
        .await?;
    // The consumer stops after the server, so it is still there to take it.
    queue.send(line).expect("the consumer outlives the server");
    Ok(())
}

/// The consumer thread: takes lines off the queue until its token is requested, then
/// drains what is left (the server has stopped by then: nothing more comes).
fn consume(queue: mpsc::Receiver<String>, stop: ShutdownToken, consumed: Arc<Consumed>) {
    let take = |line: String| {
        println!("consumer: {line}");
        consumed.0.fetch_add(1, Ordering::Relaxed);
    };
    while !stop.is_requested() {
        if let Ok(line) = queue.recv_timeout(Duration::from_millis(50)) {
            take(line);
        }
    }
    queue.try_iter().for_each(take);
    println!("consumer: drained the queue");
}

/// The client `--once` starts: one line, one answer.
async fn ask(address: std::net::SocketAddr, line: &str) -> std::io::Result<String> {
    let stream = TcpStream::connect(address).await?;
    let (reader, mut writer) = stream.into_split();
    writer.write_all(format!("{line}\n").as_bytes()).await?;
    let mut answer = String::new();
    BufReader::new(reader).read_line(&mut answer).await?;
    Ok(answer.trim().to_owned())
}

#[cement::main(label = "supervised", exit_on_close = true)]
async fn main(app: &App) -> std::io::Result<()> {
    let once = std::env::args().any(|arg| arg == "--once");
    // `--once` takes any free port, so that it runs beside a server already started.
    let port = if once { 0 } else { 7879 };
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let address = listener.local_addr()?;
    app.insert(Consumed::default());
    let consumed = app.get::<Consumed>().expect("inserted above");
    let (queue, lines) = mpsc::channel();

    // Close stops the tasks by ascending weight: the server first, then the consumer.
    app.task("consumer")
        .weight(10)
        .spawn_thread(move |stop| consume(lines, stop, consumed));
    app.task("server")
        .weight(0)
        .grace(Duration::from_secs(5))
        .spawn(move |stop| serve(listener, queue, stop));
    println!("listening on {address}; press Ctrl-C to stop");

    if once {
        println!("client: {}", ask(address, "hello").await?);
        app.request_shutdown(); // the status stays 0
    }
    app.shutdown_requested().await; // Ctrl-C, SIGTERM, or the line above
    Ok(()) // close: server, consumer, then the pre_close hook
}
