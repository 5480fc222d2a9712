//! The async supervised-tasks workload (SPEC §12), once for cement and once for each
//! peer: N tasks that each wait for their stop request, then the stop and the wait
//! for all of them. Shared by `benches/async_tasks.rs` and
//! `examples/async_task_peers.rs` (`#[path]`), which may use the peers, the package's
//! dev-dependencies; `src/` may not.
//!
//! Each function is awaited on a multi-thread runtime, from its `block_on`, as an
//! async `main`'s body is: the container is made, the N tasks spawned, the stop asked
//! and every task waited for, all inside the call.

use std::convert::Infallible;
use std::time::Duration;

use cement::App;
use tokio_graceful_shutdown::{SubsystemBuilder, SubsystemHandle, Toplevel};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// What each side names its tasks, where it names them.
const NAME: &str = "worker";

/// The grace the peer that takes one is given; cement's tasks get the App's default
/// (10 s). Nothing comes near it.
const GRACE: Duration = Duration::from_secs(10);

/// cement: `app.spawn` N tasks that each await their token, then `close_async`, which
/// stops them (step 0 of close) and waits for them.
pub async fn cement(n: usize) {
    let app = App::new("bench");
    for _ in 0..n {
        app.spawn(NAME, |stop| async move { stop.requested().await });
    }
    assert_eq!(app.close_async().await, 0, "every task stopped");
}

/// tokio-util: N tasks on a `TaskTracker`, each awaiting a clone of one
/// `CancellationToken`; then cancel, close the tracker and wait for it.
pub async fn task_tracker(n: usize) {
    let tracker = TaskTracker::new();
    let token = CancellationToken::new();
    for _ in 0..n {
        let token = token.clone();
        tracker.spawn(async move { token.cancelled().await });
    }
    token.cancel();
    tracker.close();
    tracker.wait().await;
}

/// tokio-util with a token per task, as cement gives each task its own: N tasks on a
/// `TaskTracker`, each awaiting a child of one `CancellationToken` (so that one task
/// can be stopped alone, as `TaskHandle::stop` does); then cancel the parent, close
/// the tracker and wait for it.
pub async fn task_tracker_child_tokens(n: usize) {
    let tracker = TaskTracker::new();
    let token = CancellationToken::new();
    for _ in 0..n {
        let token = token.child_token();
        tracker.spawn(async move { token.cancelled().await });
    }
    token.cancel();
    tracker.close();
    tracker.wait().await;
}

/// tokio-graceful-shutdown: a toplevel whose root subsystem starts N subsystems that
/// each await `on_shutdown_requested`, then requests shutdown; the toplevel waits for
/// all of them.
pub async fn graceful_shutdown(n: usize) {
    let result = Toplevel::new(async move |root: &mut SubsystemHandle| {
        for _ in 0..n {
            root.start(SubsystemBuilder::new(
                NAME,
                async |subsys: &mut SubsystemHandle| {
                    subsys.on_shutdown_requested().await;
                    Ok::<(), Infallible>(())
                },
            ));
        }
        root.request_shutdown();
    })
    .handle_shutdown_requests(GRACE)
    .await;
    assert!(result.is_ok(), "every subsystem stopped");
}

/// The multi-thread runtime every side runs on: one worker per core, I/O and time
/// drivers on (as `#[cement::main]` and `#[tokio::main]` build it).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}
