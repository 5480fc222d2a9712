//! systemd's notification protocol (`sd_notify`), with the `systemd` feature on
//! Linux: each message is one datagram to the socket `NOTIFY_SOCKET` names, a path or
//! an abstract `@name`. Through std's `UnixDatagram` and its Linux socket-address
//! extension (Rust 1.70), not the `sd-notify` crate, which needs Rust 1.82.
//!
//! What is sent when is decided by the App's lifecycle (`Lifecycle::tell`) and
//! `app/notify.rs`; this module only speaks the protocol. Without the feature, or off
//! Linux, `notify_off.rs` stands in for it and does nothing.
//!
//! A send that fails (no such socket, no permission, systemd's queue still full after
//! [`SEND_TIMEOUT`]) is one line on stderr, once per process, and never fails the
//! program.

use std::ffi::{OsStr, OsString};
use std::fmt::Display;
use std::io;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use crate::report;

/// How long a send may wait for room in the service manager's queue; READY and
/// STOPPING are sent under the lifecycle's lock.
const SEND_TIMEOUT: Duration = Duration::from_secs(1);

/// The service manager, as the environment named it when first asked.
struct Manager {
    /// `NOTIFY_SOCKET` as set, for the report.
    name: OsString,
    /// The socket messages leave from and the address they go to, or why there is
    /// none.
    route: Result<(UnixDatagram, SocketAddr), String>,
    /// See [`watchdog_interval`].
    watchdog: Option<Duration>,
}

/// `None` where `NOTIFY_SOCKET` is unset or empty: nothing is sent.
static MANAGER: OnceLock<Option<Manager>> = OnceLock::new();

fn manager() -> Option<&'static Manager> {
    MANAGER.get_or_init(Manager::from_env).as_ref()
}

impl Manager {
    fn from_env() -> Option<Manager> {
        let name = std::env::var_os("NOTIFY_SOCKET").filter(|name| !name.is_empty())?;
        let route = route(&name).map_err(|error| format!("{error}"));
        let watchdog = watchdog_interval_of(
            std::env::var_os("WATCHDOG_USEC").as_deref(),
            std::env::var_os("WATCHDOG_PID").as_deref(),
            std::process::id(),
        );
        Some(Manager {
            name,
            route,
            watchdog,
        })
    }
}

/// An unbound datagram socket and the address `NOTIFY_SOCKET` names: `/path`, or
/// `@name` for a name in Linux's abstract namespace.
fn route(name: &OsStr) -> io::Result<(UnixDatagram, SocketAddr)> {
    let address = match name.as_bytes() {
        [b'@', abstract_name @ ..] => SocketAddr::from_abstract_name(abstract_name)?,
        [b'/', ..] => SocketAddr::from_pathname(name)?,
        _ => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "neither a path nor an abstract @name",
            ))
        }
    };
    let socket = UnixDatagram::unbound()?;
    socket.set_write_timeout(Some(SEND_TIMEOUT))?;
    Ok((socket, address))
}

/// Whether READY goes out by itself when the body starts (`AppBuilder::notify_ready`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct AutoReady(bool);

impl AutoReady {
    pub(crate) fn new(yes: bool) -> AutoReady {
        AutoReady(yes)
    }

    pub(crate) fn get(self) -> bool {
        self.0
    }
}

/// Whether there is a service manager to tell: `NOTIFY_SOCKET` is set.
pub(crate) fn is_active() -> bool {
    manager().is_some()
}

/// `READY=1`.
pub(crate) fn ready() {
    send("READY=1");
}

/// `STOPPING=1`, and the stop timeout extended by `extend`, in one datagram.
pub(crate) fn stopping(extend: Duration) {
    if is_active() {
        let micros = u64::try_from(extend.as_micros()).unwrap_or(u64::MAX);
        send(&format!("STOPPING=1\nEXTEND_TIMEOUT_USEC={micros}"));
    }
}

/// `STATUS=<status>`, on one line: control characters (a line break would start
/// another assignment) are escaped, as in failure reports.
pub(crate) fn status(status: &dyn Display) {
    if is_active() {
        let mut message = String::from("STATUS=");
        for c in format!("{status}").chars() {
            if c.is_control() {
                message.extend(c.escape_default());
            } else {
                message.push(c);
            }
        }
        send(&message);
    }
}

/// `WATCHDOG=1`.
pub(crate) fn watchdog() {
    send("WATCHDOG=1");
}

/// How often to send `WATCHDOG=1`; see [`watchdog_interval_of`]. `None` without
/// `NOTIFY_SOCKET`: there is no one to ping.
pub(crate) fn watchdog_interval() -> Option<Duration> {
    manager()?.watchdog
}

/// Half of `WATCHDOG_USEC` (as `sd_watchdog_enabled` advises), when it is a positive
/// number and meant for this process: `WATCHDOG_PID` is unset or names
/// `this_process`. `None` otherwise, an unreadable value included.
pub(crate) fn watchdog_interval_of(
    usec: Option<&OsStr>,
    pid: Option<&OsStr>,
    this_process: u32,
) -> Option<Duration> {
    let usec: u64 = usec?.to_str()?.parse().ok().filter(|usec| *usec > 0)?;
    if let Some(pid) = pid {
        if pid.to_str()?.parse::<u32>().ok()? != this_process {
            return None;
        }
    }
    Some(Duration::from_micros(usec / 2))
}

/// Sends `message` as one datagram, if there is a service manager; a failure is
/// reported once per process.
fn send(message: &str) {
    let Some(manager) = manager() else {
        return;
    };
    let sent = match &manager.route {
        Ok((socket, address)) => socket
            .send_to_addr(message.as_bytes(), address)
            .map(drop)
            .map_err(|error| format!("{error}")),
        Err(why) => Err(why.clone()),
    };
    if let Err(error) = sent {
        report_once(manager, message, &error);
    }
}

/// The one line a failed send gets in the process's life.
#[cold]
fn report_once(manager: &Manager, message: &str, error: &str) {
    static REPORTED: AtomicBool = AtomicBool::new(false);
    if REPORTED.swap(true, Ordering::Relaxed) {
        return;
    }
    let first = message.lines().next().unwrap_or(message);
    report::line(&format_args!(
        "cannot tell systemd {first} through NOTIFY_SOCKET={}: {error}; \
         later failures are not reported",
        manager.name.to_string_lossy()
    ));
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;
    use std::time::Duration;

    use super::watchdog_interval_of;

    fn interval(usec: Option<&str>, pid: Option<&str>) -> Option<Duration> {
        watchdog_interval_of(usec.map(OsStr::new), pid.map(OsStr::new), 4242)
    }

    #[test]
    fn the_watchdog_interval_is_half_of_watchdog_usec() {
        assert_eq!(
            interval(Some("30000000"), None),
            Some(Duration::from_secs(15))
        );
        assert_eq!(interval(Some("3"), None), Some(Duration::from_micros(1)));
        assert_eq!(interval(None, None), None);
        for unusable in ["0", "", "ten", "-5", "1.5"] {
            assert_eq!(interval(Some(unusable), None), None, "{unusable:?}");
        }
    }

    #[test]
    fn a_watchdog_meant_for_another_process_is_none_of_ours() {
        let ours = Some(Duration::from_secs(5));
        assert_eq!(interval(Some("10000000"), Some("4242")), ours);
        assert_eq!(interval(Some("10000000"), Some("1")), None);
        assert_eq!(interval(Some("10000000"), Some("not a pid")), None);
        assert_eq!(interval(None, Some("4242")), None);
    }
}
