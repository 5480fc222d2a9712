//! Hook points, the per-App hook table, and the one ordering rule.
//!
//! Order at one hook point: ascending weight; at equal weight, declared
//! hooks first, ordered by their full path, then run-time hooks in registration
//! order. Declared hooks are sorted once when they are collected; run-time hooks are
//! kept in per-weight buckets as they are registered, so running a point is a merge
//! walk and never a sort.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::failures::Running;
use crate::points::Hook;
use crate::report::{self, Failure};
use crate::signal::Signal;
use crate::App;

/// What a declared hook's generated wrapper calls: the hook itself, with its result
/// turned into `Err(message)`. Signal hooks receive `Some(signal)`.
pub(crate) type DeclaredFn = fn(&App, Option<Signal>) -> Result<(), String>;

/// A boxed hook future: what an async hook registered with `App::register_async_hook`
/// returns for one run (feature `tokio`). It may borrow the App.
///
#[cfg_attr(feature = "tokio", doc = "```")]
#[cfg_attr(not(feature = "tokio"), doc = "```ignore")]
/// # extern crate cement_core as cement;
/// use cement::{App, Hook, HookFuture};
///
/// fn flush(app: &App) -> HookFuture<'_> {
///     Box::pin(async move { println!("{} flushed", app.label()) })
/// }
///
/// let app = App::new("demo");
/// app.register_async_hook(Hook::PreClose, 0, flush);
/// app.close();
/// ```
pub type HookFuture<'a, T = ()> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What an async declared hook's generated wrapper calls.
pub(crate) type DeclaredAsyncFn = for<'a> fn(&'a App) -> HookFuture<'a, Result<(), String>>;

/// A declared hook's wrapper.
#[derive(Clone, Copy)]
pub(crate) enum DeclaredRun {
    Sync(DeclaredFn),
    // Only generated code makes these, with the `tokio` feature.
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    Async(DeclaredAsyncFn),
}

/// A run-time hook's function.
pub(crate) enum RuntimeFn {
    Sync(Box<dyn Fn(&App) + Send + Sync>),
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    Async(Box<dyn for<'a> Fn(&'a App) -> HookFuture<'a> + Send + Sync>),
}

/// A hook declared with `#[cement::hook]` / `#[cleanup]`, collected at link time.
/// Built only by generated code, through `cement::__private`.
#[doc(hidden)]
pub struct DeclaredHook {
    pub(crate) point: Hook,
    pub(crate) weight: i32,
    pub(crate) path: &'static str,
    pub(crate) app: Option<&'static str>,
    pub(crate) run: DeclaredRun,
    /// Where the attribute is (file, line, column): the last tie-breaker, for two
    /// hooks with one path (a function nested in another's body), so that order never
    /// depends on link order.
    pub(crate) location: (&'static str, u32, u32),
}

impl DeclaredHook {
    /// Used by generated code only.
    #[doc(hidden)]
    pub const fn new(
        point: Hook,
        weight: i32,
        path: &'static str,
        app: Option<&'static str>,
        run: fn(&App, Option<Signal>) -> Result<(), String>,
    ) -> Self {
        DeclaredHook {
            point,
            weight,
            path,
            app,
            run: DeclaredRun::Sync(run),
            location: ("", 0, 0),
        }
    }

    /// Used by generated code only: an `async fn` hook (not at `signal`).
    #[doc(hidden)]
    #[cfg(feature = "tokio")]
    pub const fn new_async(
        point: Hook,
        weight: i32,
        path: &'static str,
        app: Option<&'static str>,
        run: for<'a> fn(&'a App) -> HookFuture<'a, Result<(), String>>,
    ) -> Self {
        DeclaredHook {
            point,
            weight,
            path,
            app,
            run: DeclaredRun::Async(run),
            location: ("", 0, 0),
        }
    }

    /// Used by generated code only: where the attribute is.
    #[doc(hidden)]
    pub const fn at(self, file: &'static str, line: u32, column: u32) -> Self {
        DeclaredHook {
            location: (file, line, column),
            ..self
        }
    }
}

inventory::collect!(DeclaredHook);

/// Adds `hook` to the declared hooks of one point in order: by weight, then
/// path, then where the attribute is, so the order never depends on the order they
/// were linked in. (An insertion, not a sort: a program declares a few hooks, and a
/// sort's code would be most of what this crate adds to a binary's size.)
fn insert_declared(hooks: &mut Vec<&'static DeclaredHook>, hook: &'static DeclaredHook) {
    let key = |hook: &DeclaredHook| (hook.weight, hook.path, hook.location);
    // A scan, not a binary search: as fast for a few hooks, and half the code.
    let after = hooks.iter().position(|other| key(other) > key(hook));
    hooks.insert(after.unwrap_or(hooks.len()), hook);
}

/// Run-time hooks of one point by weight, ascending, each bucket in registration
/// order. A sorted `Vec`: a program uses a few weights.
type Buckets = Vec<(i32, Vec<RuntimeHook>)>;

/// The bucket of `weight`, made if there is none.
fn bucket(buckets: &mut Buckets, weight: i32) -> &mut Vec<RuntimeHook> {
    let index = match buckets.binary_search_by_key(&weight, |(w, _)| *w) {
        Ok(index) => index,
        Err(index) => {
            buckets.insert(index, (weight, Vec::new()));
            index
        }
    };
    &mut buckets[index].1
}

/// A hook registered with [`App::register_hook`] (or `register_async_hook`).
pub(crate) struct RuntimeHook {
    /// Registration number, counted per App from 1; names the hook in reports.
    number: u64,
    f: RuntimeFn,
}

/// The hooks of one point.
#[derive(Default)]
struct PointHooks {
    /// In order (see [`insert_declared`]).
    declared: Vec<&'static DeclaredHook>,
    runtime: Buckets,
}

/// Every hook of one App, by point.
#[derive(Default)]
pub(crate) struct HookTable {
    points: [PointHooks; 7],
    registered: u64,
    collected: bool,
}

impl HookTable {
    pub(crate) fn register(&mut self, point: Hook, weight: i32, f: RuntimeFn) {
        let number = self.next_number();
        bucket(&mut self.points[point.index()].runtime, weight).push(RuntimeHook { number, f });
    }

    /// The registration number of the next run-time hook.
    pub(crate) fn next_number(&mut self) -> u64 {
        self.registered += 1;
        self.registered
    }

    /// Adds the hooks declared for `label` (and those for every App), once.
    pub(crate) fn collect_declared(&mut self, label: &str) {
        if std::mem::replace(&mut self.collected, true) {
            return;
        }
        for hook in inventory::iter::<DeclaredHook> {
            if hook.app.map_or(true, |app| app == label) {
                insert_declared(&mut self.points[hook.point.index()].declared, hook);
            }
        }
    }

    /// The hooks of `point`, taken out of the table so they run without its lock.
    pub(crate) fn take(&mut self, point: Hook) -> PointRun {
        let hooks = std::mem::take(&mut self.points[point.index()]);
        PointRun {
            declared: hooks.declared,
            runtime: hooks.runtime,
            cursor: Cursor::default(),
        }
    }
}

impl HookTable {
    /// Puts back hooks taken by [`HookTable::take`] for a point that may run again,
    /// ahead of any registered at that point while they ran.
    pub(crate) fn restore(&mut self, point: Hook, taken: PointRun) {
        let current = &mut self.points[point.index()];
        current.declared = taken.declared;
        for (weight, mut taken) in taken.runtime {
            let newer = bucket(&mut current.runtime, weight);
            taken.append(newer);
            *newer = taken;
        }
    }
}

/// The hooks of one point, ready to run without holding the App's lock, so that a
/// hook may register hooks or call any other method of the App.
pub(crate) struct PointRun {
    declared: Vec<&'static DeclaredHook>,
    runtime: Buckets,
    cursor: Cursor,
}

/// Where a [`PointRun`] stands in its merge walk: the next declared hook, the
/// current run-time bucket and the next hook in it. Only the thread running the hooks
/// touches it, so relaxed loads and stores (plain moves) are enough; atomics make the
/// run shareable through the `Arc` a close sequence keeps it in.
#[derive(Default)]
struct Cursor {
    declared: AtomicUsize,
    bucket: AtomicUsize,
    in_bucket: AtomicUsize,
}

/// The next hook of a [`PointRun`] to run.
pub(crate) enum Next<'a> {
    Declared(&'static DeclaredHook),
    RunTime(&'a RuntimeHook, i32),
}

impl PointRun {
    /// The next hook in order, moving the cursor past it before it runs, so
    /// that a walk resumed from inside a hook (a close hook calling
    /// `std::process::exit`) skips none and runs none twice.
    fn next(&self) -> Option<Next<'_>> {
        let cursor = &self.cursor;
        loop {
            let bucket = cursor.bucket.load(Ordering::Relaxed);
            let in_bucket = cursor.in_bucket.load(Ordering::Relaxed);
            let current = self.runtime.get(bucket);
            // At each weight, declared hooks go before the bucket's run-time hooks;
            // past the last bucket, the declared hooks left weigh more than all.
            if in_bucket == 0 {
                let index = cursor.declared.load(Ordering::Relaxed);
                if let Some(hook) = self.declared.get(index) {
                    if current.map_or(true, |(weight, _)| hook.weight <= *weight) {
                        cursor.declared.store(index + 1, Ordering::Relaxed);
                        return Some(Next::Declared(hook));
                    }
                }
            }
            let (weight, hooks) = current?;
            if let Some(hook) = hooks.get(in_bucket) {
                cursor.in_bucket.store(in_bucket + 1, Ordering::Relaxed);
                return Some(Next::RunTime(hook, *weight));
            }
            cursor.bucket.store(bucket + 1, Ordering::Relaxed);
            cursor.in_bucket.store(0, Ordering::Relaxed);
        }
    }

    /// The one hook runner, for sync and async callers: runs the hooks not run yet,
    /// in order, until one is async, and returns that one for the caller to drive
    /// ([`AsyncHook::block_on`]) or await (`AsyncHook::run`); `None` once all ran.
    /// Each hook is tracked, its panic caught, its failure reported and recorded
    /// here, whoever calls. Called again from inside one of them on the same thread
    /// (a hook calling `std::process::exit`), it runs the rest from there.
    pub(crate) fn run_until_async<'a>(
        &'a self,
        app: &'a App,
        point: Hook,
        signal: Option<Signal>,
    ) -> Option<AsyncHook<'a>> {
        while let Some(next) = self.next() {
            let (running, outcome) = match next {
                Next::Declared(hook) => {
                    let running = Running::Declared(point, hook.path);
                    app.track(running);
                    match hook.run {
                        DeclaredRun::Sync(run) => {
                            (running, report::catch_quietly(|| run(app, signal)))
                        }
                        DeclaredRun::Async(run) => {
                            let future = AsyncFuture::Declared(run(app));
                            return Some(AsyncHook { running, future });
                        }
                    }
                }
                Next::RunTime(hook, weight) => {
                    let running = Running::RunTime(point, hook.number, weight);
                    match run_or_return(app, running, &hook.f) {
                        Some(future) => return Some(AsyncHook { running, future }),
                        None => continue,
                    }
                }
            };
            finish(app, running, outcome);
        }
        None
    }
}

/// An async hook met by the runner, with what it runs as.
pub(crate) struct AsyncHook<'a> {
    running: Running,
    future: AsyncFuture<'a>,
}

enum AsyncFuture<'a> {
    Declared(HookFuture<'a, Result<(), String>>),
    RunTime(HookFuture<'a>),
}

impl AsyncHook<'_> {
    /// Drives it to completion on this thread, on the App's runtime (sync callers).
    pub(crate) fn block_on(self, app: &App) {
        let runtime = app.runtime();
        let outcome = match self.future {
            AsyncFuture::Declared(future) => crate::runtime::block_on(runtime, future),
            AsyncFuture::RunTime(future) => crate::runtime::block_on(runtime, future).map(Ok),
        };
        finish(app, self.running, outcome);
    }

    /// Awaits it on the caller's runtime (async callers).
    #[cfg(feature = "tokio")]
    pub(crate) async fn run(self, app: &App) {
        let outcome = match self.future {
            AsyncFuture::Declared(future) => crate::runtime::catch(future).await,
            AsyncFuture::RunTime(future) => crate::runtime::catch(future).await.map(Ok),
        };
        finish(app, self.running, outcome);
    }
}

/// Runs a sync run-time hook (reporting its failure); an async one is returned.
fn run_or_return<'a>(app: &'a App, running: Running, f: &'a RuntimeFn) -> Option<AsyncFuture<'a>> {
    app.track(running);
    match f {
        RuntimeFn::Sync(f) => {
            finish(app, running, report::catch_quietly(|| f(app)).map(Ok));
            None
        }
        RuntimeFn::Async(f) => Some(AsyncFuture::RunTime(f(app))),
    }
}

/// Runs one run-time hook to its end on this thread: a close hook registered once
/// its step has started.
pub(crate) fn run_runtime(app: &App, running: Running, f: &RuntimeFn) {
    if let Some(future) = run_or_return(app, running, f) {
        AsyncHook { running, future }.block_on(app);
    }
}

/// A hook's outcome: a failure is reported and recorded, and makes the code 1.
fn finish(app: &App, running: Running, outcome: Result<Result<(), String>, Failure>) {
    let failure = match outcome {
        Ok(Ok(())) => return,
        Ok(Err(message)) => Failure::Returned(message),
        Err(failure) => failure,
    };
    app.report_failure(running, &failure);
}

#[cfg(test)]
mod tests {
    use super::{insert_declared, DeclaredHook, Hook};

    fn ok(_: &crate::App, _: Option<crate::Signal>) -> Result<(), String> {
        Ok(())
    }

    const fn hook(weight: i32, path: &'static str, line: u32) -> DeclaredHook {
        DeclaredHook::new(Hook::PreClose, weight, path, None, ok).at("src/lib.rs", line, 1)
    }

    static LATE_PATH: DeclaredHook = hook(-1, "z::late_path", 9);
    static TWIN_3: DeclaredHook = hook(0, "a::twin", 3);
    static TWIN_7: DeclaredHook = hook(0, "a::twin", 7);
    static OTHER: DeclaredHook = hook(0, "b::other", 1);
    static HEAVY: DeclaredHook = hook(2, "a::heavy", 1);

    #[test]
    fn declared_hooks_go_by_weight_then_path_then_location_whatever_the_link_order() {
        let expected: [&'static DeclaredHook; 5] = [&LATE_PATH, &TWIN_3, &TWIN_7, &OTHER, &HEAVY];
        // Every linked order gives the same result; try the reversed one and a shuffle.
        let reversed: Vec<_> = expected.iter().rev().copied().collect();
        let shuffled = vec![
            expected[2],
            expected[4],
            expected[0],
            expected[3],
            expected[1],
        ];
        for linked in [reversed, shuffled] {
            let mut hooks = Vec::new();
            for hook in linked {
                insert_declared(&mut hooks, hook);
            }
            let found: Vec<_> = hooks.iter().map(|h| (h.path, h.location.1)).collect();
            let wanted: Vec<_> = expected.iter().map(|h| (h.path, h.location.1)).collect();
            assert_eq!(found, wanted);
        }
    }
}
