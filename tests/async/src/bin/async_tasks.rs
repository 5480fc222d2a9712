//! Supervised tasks under `#[cement::main] async fn` (SPEC §12); see
//! `tests/tasks.rs`. The first argument picks the scenario:
//!
//! - `failing`: the body awaits the shutdown request; an async task returns `Err`,
//!   which requests it.
//! - `failure-code`: the same, but the task has `failure_code(75)` and panics.
//! - `straggler`: an async task with a grace of 50 ms never looks at its token; it
//!   holds a guard that says when its future is dropped.
//! - `sigterm`: prints `ready` and awaits the shutdown request; two async tasks
//!   (weights 0 and 5) run until close stops them.
//! - `stop-one`: the body stops an async task and a thread task alone, each through
//!   its handle, and awaits their end (`TaskHandle::finished`) while a third task
//!   runs on until close stops it.
//! - `service`: a TCP server on 127.0.0.1 (it prints `listening PORT`) runs as an
//!   async task and stops gracefully on its token: it stops accepting and finishes
//!   the request in flight. Each request's payload goes down a channel to a consumer
//!   thread task (weight 10, so it is stopped after the server), which drains the
//!   channel once asked and prints what it consumed. A handler reads the request
//!   line, says `handling ..`, then waits for a second line from the client (the
//!   handshake that lets the test send SIGTERM with the request provably in flight)
//!   before it passes the payload on and answers.

use std::sync::mpsc;
use std::time::Duration;

use cement::{App, ShutdownToken, Signal, cleanup};
use cement_tests::{SaysWhenDropped, say};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

#[cement::hook(signal)]
fn on_signal(_app: &App, signal: Signal) {
    say(&format!("signal hook {signal}"));
}

#[cleanup(pre_close)]
async fn closing(app: &App) {
    tokio::task::yield_now().await;
    say(&format!("pre_close code {}", app.exit_code()));
}

/// An async task that awaits its token, then says it stopped.
async fn until_stopped(name: &'static str, stop: ShutdownToken) {
    stop.requested().await;
    say(&format!("{name} stopped"));
}

/// A request: its first line is the payload, its second the client's go-ahead.
async fn handle(stream: TcpStream, payloads: mpsc::Sender<String>) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut request = String::new();
    reader.read_line(&mut request).await?;
    let request = request.trim().to_owned();
    say(&format!("handling {request}"));
    let mut go_ahead = String::new();
    reader.read_line(&mut go_ahead).await?;
    payloads
        .send(request.clone())
        .expect("the consumer runs until the server has stopped");
    writer
        .write_all(format!("done: {request}\n").as_bytes())
        .await?;
    writer.shutdown().await?;
    say(&format!("responded to {request}"));
    Ok(())
}

/// Serves until its token is requested, then stops accepting and lets the requests
/// in flight finish.
async fn serve(
    listener: TcpListener,
    payloads: mpsc::Sender<String>,
    stop: ShutdownToken,
) -> std::io::Result<()> {
    let mut in_flight = JoinSet::new();
    let mut stopping = stop.requested();
    loop {
        tokio::select! {
            _ = &mut stopping => break,
            accepted = listener.accept() => {
                let (stream, _) = accepted?;
                in_flight.spawn(handle(stream, payloads.clone()));
            }
        }
    }
    drop(listener);
    say("server stopped accepting");
    while let Some(handled) = in_flight.join_next().await {
        handled.expect("a handler panicked")?;
    }
    say("server drained");
    Ok(())
}

/// Consumes payloads until its token is requested, then drains what is left.
fn consume(payloads: mpsc::Receiver<String>, stop: ShutdownToken) {
    let mut consumed = Vec::new();
    while !stop.is_requested() {
        if let Ok(payload) = payloads.recv_timeout(Duration::from_millis(10)) {
            consumed.push(payload);
        }
    }
    consumed.extend(payloads.try_iter());
    say(&format!("consumer drained: {}", consumed.join(", ")));
}

#[cement::main(label = "async-tasks", exit_on_close = true)]
async fn main(app: &App) -> std::io::Result<()> {
    let scenario = std::env::args().nth(1).expect("a scenario");
    // Asked first: a body that has not asked for its shutdown state when a signal
    // comes does not cooperate, and is closed beside (SPEC §7).
    let shutdown = app.shutdown_requested();
    match scenario.as_str() {
        "failing" | "failure-code" => {
            let code = if scenario == "failing" { 1 } else { 75 };
            let (go, fail) = oneshot::channel::<()>();
            app.task("fetcher")
                .failure_code(code)
                .spawn(move |_stop| async move {
                    fail.await.expect("the body says when");
                    say("fetcher fails");
                    if code == 1 {
                        Err("upstream closed".to_owned())
                    } else {
                        panic!("upstream vanished")
                    }
                });
            say("body waits");
            go.send(()).expect("the fetcher waits");
            shutdown.await;
            say("body returns");
        }
        "straggler" => {
            let (running, started) = oneshot::channel::<()>();
            app.task("server")
                .grace(Duration::from_millis(50))
                .spawn(move |_stop| async move {
                    let _guard = SaysWhenDropped("server's guard dropped");
                    say("server runs, and never looks at its token");
                    running.send(()).expect("the body waits");
                    std::future::pending::<()>().await;
                });
            started.await.expect("the server runs");
            say("body returns");
        }
        "sigterm" => {
            app.task("flusher")
                .weight(5)
                .spawn(|stop| until_stopped("flusher", stop));
            app.task("server")
                .weight(0)
                .spawn(|stop| until_stopped("server", stop));
            say("ready");
            shutdown.await;
            say("body returns");
        }
        "stop-one" => {
            let ticker = app.spawn("ticker", |stop| until_stopped("ticker", stop));
            let worker = app.spawn_thread("worker", |stop| {
                stop.wait(None);
                say("worker stopped");
            });
            app.spawn("reporter", |stop| until_stopped("reporter", stop));
            ticker.stop();
            ticker.finished().await;
            worker.stop();
            worker.finished().await;
            say(&format!(
                "body: ticker and worker finished, shutdown requested: {}",
                app.is_shutdown_requested()
            ));
            say("body returns");
        }
        "service" => {
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            let port = listener.local_addr()?.port();
            let (payloads, received) = mpsc::channel();
            app.task("consumer")
                .weight(10)
                .spawn_thread(move |stop| consume(received, stop));
            app.spawn("server", move |stop| serve(listener, payloads, stop));
            say(&format!("listening {port}"));
            shutdown.await;
            say("body returns");
        }
        other => panic!("unknown scenario {other}"),
    }
    Ok(())
}
