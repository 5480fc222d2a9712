//! What a service manager hears (SPEC §13, feature `systemd`): the fixtures
//! `src/bin/systemd_notify.rs` and `src/bin/systemd_late_ready.rs` run with
//! `NOTIFY_SOCKET` naming a datagram socket the test binds, as systemd would.
//!
//! Messages and printed lines are put in one order by handshakes: at each checkpoint
//! the fixture prints a line and waits for the test, which then reads every datagram
//! that has arrived. A datagram is in the socket's queue once its send returned, and
//! nothing else is sent while the fixture waits, so what arrived by then is exact.
#![cfg(target_os = "linux")]

use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use cement_tests::Running;

/// What `STOPPING=1` asks of systemd for `systemd_notify`: its shutdown grace (5 s)
/// plus its close deadline (30 s), in microseconds.
const STOPPING: &str = "STOPPING=1\nEXTEND_TIMEOUT_USEC=35000000";

/// The socket a service manager listens on.
struct Manager {
    socket: UnixDatagram,
    /// `NOTIFY_SOCKET`'s value for it.
    name: String,
    /// The socket's file, removed at the end.
    path: Option<PathBuf>,
}

impl Manager {
    fn unique_name() -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        format!("cement-notify-{}-{n}", std::process::id())
    }

    /// A socket at a path, as systemd's `/run/systemd/notify`.
    fn at_path() -> Manager {
        let path = std::env::temp_dir().join(format!("{}.sock", Manager::unique_name()));
        let _ = std::fs::remove_file(&path);
        let socket = UnixDatagram::bind(&path).expect("bind the notify socket");
        Manager::listening(socket, path.to_str().unwrap().to_owned(), Some(path))
    }

    /// A socket in Linux's abstract namespace: `NOTIFY_SOCKET=@name`.
    fn abstract_name() -> Manager {
        let name = Manager::unique_name();
        let address = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let socket = UnixDatagram::bind_addr(&address).expect("bind the abstract socket");
        Manager::listening(socket, format!("@{name}"), None)
    }

    fn listening(socket: UnixDatagram, name: String, path: Option<PathBuf>) -> Manager {
        socket.set_nonblocking(true).unwrap();
        Manager { socket, name, path }
    }

    /// Every message that arrived since the last call, one datagram each, in order.
    fn received(&self) -> Vec<String> {
        let mut messages = Vec::new();
        let mut buffer = [0; 4096];
        loop {
            match self.socket.recv(&mut buffer) {
                Ok(n) => messages.push(String::from_utf8(buffer[..n].to_vec()).unwrap()),
                Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => return messages,
                Err(error) => panic!("receive: {error}"),
            }
        }
    }

    /// Starts `fixture` with `NOTIFY_SOCKET` naming this socket.
    fn start(&self, fixture: &str, args: &[&str]) -> Running {
        let mut command = Command::new(fixture);
        command
            .args(args)
            .env("NOTIFY_SOCKET", &self.name)
            .env_remove("WATCHDOG_USEC")
            .env_remove("WATCHDOG_PID");
        Running::start_command(command)
    }
}

impl Drop for Manager {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Waits at the fixture's checkpoint `line`, takes what arrived, and lets it go on.
fn at(fixture: &mut Running, manager: &Manager, line: &str) -> Vec<String> {
    fixture.wait_for(line);
    let messages = manager.received();
    fixture.tell("go");
    messages
}

const NOTIFY: &str = env!("CARGO_BIN_EXE_systemd_notify");

/// Starts `systemd_notify` with `scenario` and checks its messages up to the body's
/// STATUS: none during setup, READY right before the body, then `STATUS=serving`.
/// The fixture has gone on past `serving`.
fn up_to_serving(manager: &Manager, scenario: &str) -> Running {
    let mut fixture = manager.start(NOTIFY, &[scenario]);
    // The post_setup hook runs: not ready yet.
    assert_eq!(at(&mut fixture, manager, "post_setup"), [] as [&str; 0]);
    // The body has started: READY came right before it.
    assert_eq!(at(&mut fixture, manager, "body"), ["READY=1"]);
    assert_eq!(at(&mut fixture, manager, "serving"), ["STATUS=serving"]);
    fixture
}

/// From close on: STOPPING and the `pre_close` hook's STATUS at `pre_close`, then the
/// rest of close's steps; the fixture's run.
fn through_close(mut fixture: Running, manager: &Manager) -> cement_tests::Run {
    assert_eq!(
        at(&mut fixture, manager, "pre_close"),
        [STOPPING, "STATUS=pre_close hook systemd_notify::flush"]
    );
    let (run, _) = fixture.finish();
    assert_eq!(
        manager.received(),
        [
            "STATUS=deferred cleanups",
            "STATUS=post_close hook systemd_notify::closed"
        ]
    );
    run
}

/// The `stepwise` run of `systemd_notify` against `manager`, checked at each step.
fn ready_status_then_stopping_and_each_close_step(manager: &Manager) {
    let fixture = up_to_serving(manager, "stepwise");
    // The body returned and close began: STOPPING, then the step that runs.
    let run = through_close(fixture, manager);
    assert_eq!(
        run.stdout,
        [
            "post_setup",
            "body",
            "serving",
            "pre_close",
            "deferred",
            "post_close"
        ]
    );
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
}

#[test]
fn ready_after_setup_then_the_bodys_status_then_stopping_and_each_close_step() {
    ready_status_then_stopping_and_each_close_step(&Manager::at_path());
}

#[test]
fn an_abstract_socket_hears_the_same() {
    ready_status_then_stopping_and_each_close_step(&Manager::abstract_name());
}

#[test]
fn sigterm_sends_stopping_with_the_stop_timeout_then_names_the_pre_close_hook() {
    let manager = Manager::at_path();
    let fixture = up_to_serving(&manager, "sigterm");
    fixture.send("TERM");
    // The signal asked the body to stop (STOPPING), it returned, close began.
    let run = through_close(fixture, &manager);
    assert_eq!(
        run.stdout,
        [
            "post_setup",
            "body",
            "serving",
            "body returns",
            "pre_close",
            "deferred",
            "post_close"
        ]
    );
    assert_eq!((run.code, run.stderr.as_str()), (Some(143), ""));
}

#[test]
fn with_notify_ready_false_ready_waits_for_the_body_and_goes_out_once() {
    let manager = Manager::at_path();
    let mut fixture = manager.start(env!("CARGO_BIN_EXE_systemd_late_ready"), &[]);
    assert_eq!(at(&mut fixture, &manager, "body"), [] as [&str; 0]);
    assert_eq!(at(&mut fixture, &manager, "ready"), ["READY=1"]);
    let (run, _) = fixture.finish();
    // The default grace (10 s), no close deadline.
    assert_eq!(
        manager.received(),
        ["STOPPING=1\nEXTEND_TIMEOUT_USEC=10000000"]
    );
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
}

/// `systemd_notify straight` with `NOTIFY_SOCKET` set to `socket`, or unset.
fn run_straight(socket: Option<&str>) -> cement_tests::Run {
    let mut command = Command::new(NOTIFY);
    command.arg("straight").env_remove("NOTIFY_SOCKET");
    if let Some(socket) = socket {
        command.env("NOTIFY_SOCKET", socket);
    }
    let (run, _) = Running::start_command(command).finish();
    let stdout = [
        "post_setup",
        "body",
        "serving",
        "pre_close",
        "deferred",
        "post_close",
    ];
    assert_eq!(run.stdout, stdout, "{}", run.stderr);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run
}

#[test]
fn without_notify_socket_nothing_is_sent_and_nothing_reported() {
    let manager = Manager::at_path();
    let run = run_straight(None);
    assert_eq!(run.stderr, "");
    assert_eq!(manager.received(), [] as [&str; 0]);
}

#[test]
fn a_socket_that_does_not_exist_is_one_line_on_stderr_and_the_program_goes_on() {
    let missing = std::env::temp_dir().join(format!("{}.sock", Manager::unique_name()));
    let missing = missing.to_str().unwrap();
    let run = run_straight(Some(missing));
    // Six sends failed (READY, three STATUS, STOPPING, ...): one line.
    assert_eq!(
        run.stderr,
        format!(
            "cement: cannot tell systemd READY=1 through NOTIFY_SOCKET={missing}: \
             No such file or directory (os error 2); later failures are not reported\n"
        )
    );
}
