//! Hook points, the per-App hook table, and the one ordering rule.
//!
//! Order at one hook point (SPEC §3): ascending weight; at equal weight, declared
//! hooks first, ordered by their full path, then run-time hooks in registration
//! order. Declared hooks are sorted once when they are collected; run-time hooks are
//! kept in per-weight buckets as they are registered, so running a point is a merge
//! walk and never a sort.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::deadline::Running;
use crate::exit::{self, Failure};
use crate::signals::Signal;
use crate::App;

/// The points in an [`App`]'s life where hooks run.
///
/// ```
/// use cement::{App, Hook};
///
/// let app = App::new("demo");
/// app.register_hook(Hook::PreClose, 0, |_app: &App| println!("closing"));
/// assert_eq!(Hook::PreClose.name(), "pre_close");
/// app.close();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Hook {
    /// First thing in [`App::setup`].
    PreSetup,
    /// Last thing in [`App::setup`].
    PostSetup,
    /// In [`App::run`], before the body.
    PreRun,
    /// In [`App::run`], after the body returned (not reached if it panicked).
    PostRun,
    /// Step 1 of [`App::close`].
    PreClose,
    /// Step 3 of [`App::close`], after the App's deferred cleanups.
    PostClose,
    /// When a caught signal arrives (or [`App::deliver_signal`]), before shutdown is
    /// requested and before the close sequence. The exit code is already 128 + the
    /// signal's number (unless a non-zero code was set); a hook may set another.
    Signal,
}

impl Hook {
    /// Every hook point, in lifecycle order.
    ///
    /// ```
    /// let names: Vec<&str> = cement::Hook::ALL.iter().map(|hook| hook.name()).collect();
    /// assert_eq!(names[0], "pre_setup");
    /// assert_eq!(names[6], "signal");
    /// ```
    pub const ALL: [Hook; 7] = [
        Hook::PreSetup,
        Hook::PostSetup,
        Hook::PreRun,
        Hook::PostRun,
        Hook::PreClose,
        Hook::PostClose,
        Hook::Signal,
    ];

    /// The name used in attributes and reports: `pre_setup`, ..., `signal`.
    ///
    /// ```
    /// assert_eq!(cement::Hook::PostClose.name(), "post_close");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Hook::PreSetup => "pre_setup",
            Hook::PostSetup => "post_setup",
            Hook::PreRun => "pre_run",
            Hook::PostRun => "post_run",
            Hook::PreClose => "pre_close",
            Hook::PostClose => "post_close",
            Hook::Signal => "signal",
        }
    }

    const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a declared hook's generated wrapper calls: the hook itself, with its result
/// turned into `Err(message)`. Signal hooks receive `Some(signal)`.
pub(crate) type DeclaredFn = fn(&App, Option<Signal>) -> Result<(), String>;

/// A hook declared with `#[cement::hook]` / `#[cleanup]`, collected at link time.
/// Built only by generated code, through `cement::__private`.
#[doc(hidden)]
pub struct DeclaredHook {
    pub(crate) point: Hook,
    pub(crate) weight: i32,
    pub(crate) path: &'static str,
    pub(crate) app: Option<&'static str>,
    pub(crate) run: DeclaredFn,
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
            run,
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

/// SPEC order for declared hooks of one point: by weight, then path, then where
/// the attribute is, so the order never depends on the order they were linked in.
fn sort_declared(hooks: &mut [&'static DeclaredHook]) {
    hooks.sort_by_key(|hook| (hook.weight, hook.path, hook.location));
}

/// A hook registered with [`App::register_hook`].
struct RuntimeHook {
    /// Registration number, counted per App from 1; names the hook in reports.
    number: u64,
    f: Box<dyn Fn(&App) + Send + Sync>,
}

/// The hooks of one point.
#[derive(Default)]
struct PointHooks {
    /// Sorted by (weight, path) when collected.
    declared: Vec<&'static DeclaredHook>,
    /// Registration order within each weight.
    runtime: BTreeMap<i32, Vec<RuntimeHook>>,
}

/// Every hook of one App, by point.
#[derive(Default)]
pub(crate) struct HookTable {
    points: [PointHooks; 7],
    registered: u64,
    collected: bool,
}

impl HookTable {
    pub(crate) fn register(
        &mut self,
        point: Hook,
        weight: i32,
        f: Box<dyn Fn(&App) + Send + Sync>,
    ) {
        let number = self.next_number();
        self.points[point.index()]
            .runtime
            .entry(weight)
            .or_default()
            .push(RuntimeHook { number, f });
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
                self.points[hook.point.index()].declared.push(hook);
            }
        }
        for point in &mut self.points {
            sort_declared(&mut point.declared);
        }
    }

    /// The hooks of `point`, taken out of the table so they run without its lock.
    pub(crate) fn take(&mut self, point: Hook) -> PointRun {
        let hooks = std::mem::take(&mut self.points[point.index()]);
        PointRun {
            declared: hooks.declared,
            runtime: hooks.runtime.into_iter().collect(),
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
        for (weight, mut bucket) in taken.runtime {
            let newer = current.runtime.entry(weight).or_default();
            bucket.append(newer);
            *newer = bucket;
        }
    }
}

/// The hooks of one point, ready to run without holding the App's lock, so that a
/// hook may register hooks or call any other method of the App.
pub(crate) struct PointRun {
    declared: Vec<&'static DeclaredHook>,
    runtime: Vec<(i32, Vec<RuntimeHook>)>,
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

impl PointRun {
    /// Runs every hook not run yet, in SPEC order; a failing hook is reported and the
    /// rest run. Called again from inside one of them on the same thread (a close
    /// hook calling `std::process::exit`), it runs the rest from there, so none is
    /// skipped and none runs twice: the cursor moves past each hook before it runs.
    pub(crate) fn run(&self, app: &App, point: Hook, signal: Option<Signal>) {
        let _quiet = exit::QuietPanics::enter();
        let cursor = &self.cursor;
        loop {
            let bucket = cursor.bucket.load(Ordering::Relaxed);
            let Some((weight, hooks)) = self.runtime.get(bucket) else {
                // At each weight, declared hooks go first; these weigh more than all.
                self.run_declared(app, point, signal, None);
                return;
            };
            if cursor.in_bucket.load(Ordering::Relaxed) == 0 {
                self.run_declared(app, point, signal, Some(*weight));
            }
            loop {
                let index = cursor.in_bucket.load(Ordering::Relaxed);
                let Some(hook) = hooks.get(index) else { break };
                cursor.in_bucket.store(index + 1, Ordering::Relaxed);
                run_runtime(app, Running::RunTime(point, hook.number, *weight), &*hook.f);
            }
            cursor.bucket.store(bucket + 1, Ordering::Relaxed);
            cursor.in_bucket.store(0, Ordering::Relaxed);
        }
    }

    /// Runs the declared hooks not run yet, up to `weight` (all, with `None`).
    fn run_declared(&self, app: &App, point: Hook, signal: Option<Signal>, weight: Option<i32>) {
        loop {
            let index = self.cursor.declared.load(Ordering::Relaxed);
            let Some(hook) = self.declared.get(index) else {
                return;
            };
            if weight.is_some_and(|weight| hook.weight > weight) {
                return;
            }
            self.cursor.declared.store(index + 1, Ordering::Relaxed);
            run_declared(app, point, hook, signal);
        }
    }
}

/// Runs one run-time hook; a panic is reported and makes the code 1. The caller
/// keeps panics quiet ([`exit::QuietPanics`]).
pub(crate) fn run_runtime(app: &App, running: Running, f: &dyn Fn(&App)) {
    app.track(running);
    if let Err(failure) = exit::catch(|| f(app)) {
        exit::report_failure(app, running, &failure);
    }
}

fn run_declared(app: &App, point: Hook, hook: &DeclaredHook, signal: Option<Signal>) {
    let running = Running::Declared(point, hook.path);
    app.track(running);
    let failure = match exit::catch(|| (hook.run)(app, signal)) {
        Ok(Ok(())) => return,
        Ok(Err(message)) => Failure::Returned(message),
        Err(failure) => failure,
    };
    exit::report_failure(app, running, &failure);
}

#[cfg(test)]
mod tests {
    use super::{sort_declared, DeclaredHook, Hook};

    fn hook(weight: i32, path: &'static str, line: u32) -> &'static DeclaredHook {
        Box::leak(Box::new(
            DeclaredHook::new(Hook::PreClose, weight, path, None, |_, _| Ok(())).at(
                "src/lib.rs",
                line,
                1,
            ),
        ))
    }

    #[test]
    fn declared_hooks_sort_by_weight_then_path_then_location() {
        let expected = [
            hook(-1, "z::late_path", 9),
            hook(0, "a::twin", 3),
            hook(0, "a::twin", 7),
            hook(0, "b::other", 1),
            hook(2, "a::heavy", 1),
        ];
        // Every linked order gives the same result; try the reversed one and a shuffle.
        let mut reversed: Vec<_> = expected.iter().rev().copied().collect();
        let mut shuffled = vec![
            expected[2],
            expected[4],
            expected[0],
            expected[3],
            expected[1],
        ];
        for hooks in [&mut reversed, &mut shuffled] {
            sort_declared(hooks);
            let found: Vec<_> = hooks.iter().map(|h| (h.path, h.location.1)).collect();
            let wanted: Vec<_> = expected.iter().map(|h| (h.path, h.location.1)).collect();
            assert_eq!(found, wanted);
        }
    }
}
