//! A real server and a real client on 127.0.0.1 (SPEC §8): SIGTERM arrives while a
//! request is in flight; the client still gets the whole response, the server stops
//! accepting, drains, and only then does close run its async `pre_close` hook.

use std::io::{Read, Write};
use std::net::TcpStream;

use cement_tests::Running;

#[test]
fn sigterm_with_a_request_in_flight_drains_it_before_the_async_pre_close_and_exits_143() {
    let mut server = Running::start(env!("CARGO_BIN_EXE_async_server"), &[]);
    let port = server.wait_for_prefix("listening ");
    let mut client = TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).unwrap();
    client.write_all(b"GET /slow\n").unwrap();
    server.wait_for("handling GET /slow");
    server.send("TERM");
    server.wait_for("stopped accepting");
    let refused = TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap()));
    assert!(
        refused.is_err(),
        "the server still accepts after it stopped"
    );
    let mut response = String::new();
    client.read_to_string(&mut response).unwrap();
    assert_eq!(response, "the whole response\n");
    let (run, _) = server.finish();
    assert_eq!(
        run.stdout,
        [
            format!("listening {port}").as_str(),
            "handling GET /slow",
            "signal hook SIGTERM",
            "stopped accepting",
            "responded",
            "drained",
            "pre_close: flushed, code 143",
        ],
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, Some(143));
}
