#!/usr/bin/env bash
# cement against the peers SPEC §6 names, measured in one run, printed as ratios.
# bench/README.md says what each row measures and why each peer was chosen.
#
#   bench/compare.sh [N]
#
# N items per figure (default 100000). Steps:
#   1. the Python peers (Cement 3.0.16, contextlib.ExitStack, the `cleanup` package,
#      atexit) in a throwaway virtualenv under target/compare/: extra columns, for
#      reference; the targets are set against the Rust peers;
#   2. cement in Rust (bench/src/bin/peers.rs, release build): close with N hooks,
#      atexit, and, each pair in turns in one process, `Defer` against a hand-written
#      `Vec<Box<dyn FnOnce() + '_>>` and `defer!` against a hand-written `Drop` guard
#      (and, for reference, the boxed closures alone, Defer's floor);
#   3. start-up, every program run once per round in a shuffled order, STARTUP_RUNS
#      rounds (default 500): an empty #[cement::main] against an empty `main` that
#      catches Ctrl-C with `ctrlc`; cement with catch_signals = false against a plain
#      `fn main`; an empty async #[cement::main] against #[tokio::main]; and, for
#      reference, a plain `fn main` that spawns one thread, and the async cement
#      program with catch_signals = false;
#   4. size: stripped copies of the release builds of the empty #[cement::main], the
#      `ctrlc` main and (for reference) the plain `fn main`;
#   5. build cost: a clean debug build of a hello world with #[cement::main] and one
#      #[cleanup], against the same program with a minimal attribute macro on syn's
#      `full` feature, alternately BUILD_RUNS times each (default 3; 0 skips it).
#   6. supervised tasks (SPEC §12), for each N in TASKS_N (default "1000 10000"; empty
#      skips it): N threads from `app.spawn_thread` stopped by `close` against a
#      hand-written `Vec<JoinHandle>` + `Arc<AtomicBool>` (bench/src/bin/
#      thread_task_peers.rs), and N tasks from `app.spawn` stopped by `close_async`
#      against tokio-util's `TaskTracker` + `CancellationToken` and
#      tokio-graceful-shutdown's subsystems (bench/async/examples/async_task_peers.rs),
#      each set in turns in one process; then, for reference, cement and the two
#      TaskTracker sides each alone on a current-thread runtime (each side's own work).
#
# Then one table: every SPEC §6 figure, cement's value, its peer's, the ratio, the
# target and whether this run met it, and the Python peers beside; then the reference
# figures. The same table as Markdown is written to target/compare/table.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/target/compare"
n=${1:-100000}
startup_runs=${STARTUP_RUNS:-500}
build_runs=${BUILD_RUNS:-3}
tasks_n=${TASKS_N-1000 10000}
mkdir -p "$work"
cd "$root"

echo "== Python peers (virtualenv in $work/venv)" >&2
if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install -q cement==3.0.16 cleanupd==0.9.0.2
fi
"$work/venv/bin/python" bench/peers.py "$n" > "$work/python.txt"

echo "== cement (release build)" >&2
cargo build -q --release -p cement-bench --bins
target/release/peers "$n" > "$work/rust.txt"
# atexit runs once per process: keep the best of five processes per figure.
for mode in atexit atexit-closure; do
  for _ in 1 2 3 4 5; do target/release/peers "$mode" "$n"; done | sort -k2 -g | sed -n 1p
done >> "$work/rust.txt"

echo "== async (release build of cement-bench-async, the tokio feature on)" >&2
cargo build -q --release -p cement-bench-async --bins
target/release/async_peers "$n" >> "$work/rust.txt"

echo "== start-up, $startup_runs runs each" >&2
# Each program is run from a fresh copy: the same bytes measured about 2% slower to
# start from the file the linker had written than from a copy of it in the same
# directory (one run of 400 rounds), which would favour whichever side was not
# relinked.
rm -rf "$work/startup"
mkdir -p "$work/startup"
startup_exes=()
for exe in plain_main ctrlc_main empty_cement_main no_signals_main thread_main tokio_main empty_async_cement_main no_signals_async_main; do
  cp "target/release/$exe" "$work/startup/$exe"
  startup_exes+=("$work/startup/$exe")
done
python3 - "$startup_runs" "${startup_exes[@]}" \
  > "$work/startup.txt" <<'PY'
import random, statistics, subprocess, sys, time
runs, exes = int(sys.argv[1]), sys.argv[2:]
times = {exe: [] for exe in exes}
# One run of each program per round, in an order shuffled anew each round, so that
# no program always follows the same one.
order, shuffle = list(exes), random.Random(0).shuffle
for _ in range(runs):
    shuffle(order)
    for exe in order:
        start = time.perf_counter()
        subprocess.run([exe], check=True)
        times[exe].append(time.perf_counter() - start)
for exe in exes:
    name = exe.rsplit("/", 1)[-1]
    print(f"startup_{name}_us {statistics.median(times[exe]) * 1e6:.1f}")
PY

echo "== size, stripped release binaries" >&2
mkdir -p "$work/size"
for exe in plain_main ctrlc_main empty_cement_main; do
  strip -o "$work/size/$exe" "target/release/$exe"
  echo "size_${exe}_bytes $(wc -c < "$work/size/$exe")"
done > "$work/size.txt"

: > "$work/build.txt"
if [ "$build_runs" -gt 0 ]; then
  echo "== build cost, $build_runs clean builds each" >&2
  bash bench/build_cost.sh "$build_runs" "$work/build-cost" > "$work/build.txt"
fi

if [ -n "$tasks_n" ]; then
  echo "== supervised tasks, N = $tasks_n: threads, then async tasks" >&2
  # shellcheck disable=SC2086 # one argument per N
  target/release/thread_task_peers $tasks_n >> "$work/rust.txt"
  cargo build -q --release -p cement-bench-async --example async_task_peers
  # shellcheck disable=SC2086
  target/release/examples/async_task_peers $tasks_n >> "$work/rust.txt"
  # Each side's own work per task, alone on a current-thread runtime (steadier).
  for n in $tasks_n; do
    for side in cement tracker tracker_child; do
      target/release/examples/async_task_peers --alone "$side" "$n" --current-thread \
        >> "$work/rust.txt"
    done
  done
fi

python3 - "$work" <<'PY'
import sys
from collections import namedtuple

work = sys.argv[1]
figures = {}
for name in ("python", "rust", "startup", "size", "build"):
    for line in open(f"{work}/{name}.txt"):
        key, value = line.split()
        figures[f"{name}:{key}"] = float(value)

# One row per SPEC §6 figure. `ours` and `theirs` name measured values (file:key),
# `peer` says what `theirs` is, `unit` and `scale` how they print. `kind` says what
# `target` bounds:
#   "ratio"  cement / peer (<= target)
#   "delta"  cement - peer, for sizes (<= target; the ratio is shown too)
#   "own"    cement's own figure, for a row without a Rust peer (< target)
# A `target` of None makes a row for reference. `python` lists the Python peers shown
# beside, as (file:key, name): extra columns, bounded by no target. A row whose values
# were not measured (BUILD_RUNS=0) says so.
Row = namedtuple("Row", "figure ours theirs peer kind target unit scale python")
KIB = 1 / 1024
ROWS = [
    Row("close, per pre_close hook", "rust:close_per_hook", None, "", "own", 10, "ns", 1,
        [("python:close_per_hook", "Cement 3.0.16")]),
    Row("close, per async pre_close hook", "rust:async_close_per_hook", None, "", "own",
        100, "ns", 1, []),
    Row("Defer register + run, per cleanup", "rust:defer_per_cleanup",
        "rust:defer_vec_per_cleanup", "Vec<Box<dyn FnOnce()>>", "ratio", 0.6, "ns", 1,
        [("python:defer_per_cleanup_exitstack", "ExitStack"),
         ("python:defer_per_cleanup_cleanupd", "cleanup")]),
    Row("defer!, per scope", "rust:defer_macro_per_scope", "rust:drop_guard_per_scope",
        "hand-written Drop guard", "ratio", 1.1, "ns", 1, []),
    Row("atexit register + run, per handler", "rust:atexit_per_handler", None, "", "own",
        30, "ns", 1, [("python:atexit_per_handler", "atexit.register(f)")]),
    Row("atexit, a handler with state", "rust:atexit_closure_per_handler", None, "", "own",
        None, "ns", 1, [("python:atexit_with_state_per_handler", "atexit.register(f, i)")]),
    Row("start-up, empty #[cement::main]", "startup:startup_empty_cement_main_us",
        "startup:startup_ctrlc_main_us", "ctrlc::set_handler main", "ratio", 1.03, "us", 1,
        []),
    Row("start-up, catch_signals = false", "startup:startup_no_signals_main_us",
        "startup:startup_plain_main_us", "plain fn main", "ratio", 1.03, "us", 1, []),
    Row("start-up, empty async #[cement::main]",
        "startup:startup_empty_async_cement_main_us", "startup:startup_tokio_main_us",
        "#[tokio::main]", "ratio", 1.03, "us", 1, []),
    Row("stripped release binary, empty main", "size:size_empty_cement_main_bytes",
        "size:size_ctrlc_main_bytes", "ctrlc::set_handler main", "delta", 0, "KiB", KIB,
        []),
    Row("clean debug build, hello world", "build:build_cement_s", "build:build_synfull_s",
        "syn-full attribute macro", "ratio", 0.8, "s", 1, []),
]

# Supervised tasks (SPEC §12), one set of rows per N measured: async tasks against
# TaskTracker + CancellationToken (the target: no slower) and, for reference,
# tokio-graceful-shutdown's subsystems; threads against the hand-written Vec of
# JoinHandles (for reference: no target is set).
for n in sorted(int(key.rsplit("_", 1)[1]) for key in figures
                if key.startswith("rust:tasks_async_cement_")):
    shown = f"{n:,}".replace(",", " ")
    ROWS += [
        Row(f"async tasks spawned + stopped, per task, N = {shown}",
            f"rust:tasks_async_cement_{n}", f"rust:tasks_async_tracker_{n}",
            "TaskTracker + CancellationToken", "ratio", 1.0, "ns", 1, []),
        Row(f"async tasks, median round, N = {shown}",
            f"rust:tasks_async_median_cement_{n}", f"rust:tasks_async_median_tracker_{n}",
            "TaskTracker + CancellationToken", "ratio", None, "ns", 1, []),
        Row(f"async tasks, against a child token per task, N = {shown}",
            f"rust:tasks_async_cement_{n}", f"rust:tasks_async_tracker_child_{n}",
            "TaskTracker + a child CancellationToken each", "ratio", None, "ns", 1, []),
        Row(f"async tasks, current-thread runtime, alone, N = {shown}",
            f"rust:tasks_async_current_thread_cement_{n}",
            f"rust:tasks_async_current_thread_tracker_{n}",
            "TaskTracker + CancellationToken", "ratio", None, "ns", 1, []),
        Row(f"async tasks, current-thread runtime, alone, against a child token, N = {shown}",
            f"rust:tasks_async_current_thread_cement_{n}",
            f"rust:tasks_async_current_thread_tracker_child_{n}",
            "TaskTracker + a child CancellationToken each", "ratio", None, "ns", 1, []),
        Row(f"async tasks, against tokio-graceful-shutdown, N = {shown}",
            f"rust:tasks_async_cement_{n}", f"rust:tasks_async_tgs_{n}",
            "tokio-graceful-shutdown subsystems", "ratio", None, "ns", 1, []),
    ]
for n in sorted(int(key.rsplit("_", 1)[1]) for key in figures
                if key.startswith("rust:tasks_threads_cement_")):
    shown = f"{n:,}".replace(",", " ")
    ROWS.append(
        Row(f"threads spawned + stopped, per thread, N = {shown}",
            f"rust:tasks_threads_cement_{n}", f"rust:tasks_threads_handwritten_{n}",
            "Vec<JoinHandle> + Arc<AtomicBool>", "ratio", None, "ns", 1, []))


def amount(value, unit):
    digits = {"ns": 1, "us": 0, "KiB": 1, "s": 2}[unit]
    return f"{value:,.{digits}f} {unit}".replace(",", " ")


def times(ratio):
    """A Python peer's time over cement's: whole numbers from 10x on."""
    return f"{ratio:,.{0 if ratio >= 10 else 1}f}x".replace(",", " ")


def judge(row):
    """The row's cells: figure, cement, peer, ratio, target, verdict, Python peers."""
    cells = [row.figure]
    if row.ours not in figures or (row.theirs and row.theirs not in figures):
        return cells + ["not measured", "", "", "", "", ""]
    ours = figures[row.ours] * row.scale
    python = ", ".join(
        f"{name} {amount(figures[key], row.unit)} ({times(figures[key] / ours)})"
        for key, name in row.python
        if key in figures
    )
    if row.theirs is None:
        measure = ours
        target = f"< {row.target} {row.unit}" if row.target is not None else ""
        cells += [amount(ours, row.unit), "", "", target]
    else:
        theirs = figures[row.theirs] * row.scale
        ratio = f"{ours / theirs:.3f}x" if row.unit != "ns" else f"{ours / theirs:.2f}x"
        if row.kind == "delta":
            measure = ours - theirs
            ratio = f"{'+' if measure >= 0 else '-'}{amount(abs(measure), row.unit)} ({ratio})"
            target = f"<= +{row.target} {row.unit}"
        else:
            measure = ours / theirs
            target = f"<= {row.target:.2f}x" if row.target is not None else ""
        cells += [amount(ours, row.unit), f"{amount(theirs, row.unit)}, {row.peer}", ratio, target]
    if row.target is None:
        verdict = ""
    else:
        verdict = "met" if (measure < row.target if row.kind == "own" else measure <= row.target) else "MISSED"
    return cells + [verdict, python]


HEAD = ["figure", "cement", "peer", "ratio", "target", "met?", "Python peers (their time / cement's)"]
rows = [judge(row) for row in ROWS]
widths = [max(len(cells[i]) for cells in [HEAD] + rows) for i in range(len(HEAD))]
right = {1, 3}
for cells in [HEAD] + rows:
    line = "  ".join(
        cell.rjust(width) if i in right else cell.ljust(width)
        for i, (cell, width) in enumerate(zip(cells, widths))
    )
    print(line.rstrip())
judged = [cells[5] for cells in rows if cells[5]]
print(f"targets met: {judged.count('met')} of {len(judged)}")


# Reference figures, bounded by no target: what a plain program pays, what a second
# thread adds to it (the floor under catching signals: SPEC §6), the floor under
# Defer (one Box per closure), and the sizes over a plain program.
def ref(key, scale=1):
    return figures[key] * scale if key in figures else None


notes = []
plain, thread, ctrlc = (ref(f"startup:startup_{name}_us")
                        for name in ("plain_main", "thread_main", "ctrlc_main"))
if None not in (plain, thread, ctrlc):
    notes.append(
        f"start-up, plain fn main {amount(plain, 'us')}; the same spawning one thread "
        f"{amount(thread, 'us')} ({thread / plain:.3f}x); ctrlc main {amount(ctrlc, 'us')} "
        f"({ctrlc / plain:.3f}x)")
tokio, quiet = (ref(f"startup:startup_{name}_us")
                for name in ("tokio_main", "no_signals_async_main"))
if None not in (tokio, quiet):
    notes.append(f"start-up, empty async #[cement::main] with catch_signals = false "
                 f"{amount(quiet, 'us')} ({quiet / tokio:.3f}x #[tokio::main])")
floor, vec = ref("rust:defer_boxes_alone_per_cleanup"), ref("rust:defer_vec_per_cleanup")
if None not in (floor, vec):
    notes.append(f"Defer's floor, the same boxed closures in storage that costs nothing, "
                 f"{amount(floor, 'ns')} ({floor / vec:.2f}x the Vec)")
sizes = [ref(f"size:size_{name}_bytes", KIB)
         for name in ("plain_main", "ctrlc_main", "empty_cement_main")]
if None not in sizes:
    notes.append(f"size, plain fn main {amount(sizes[0], 'KiB')}; ctrlc main "
                 f"+{amount(sizes[1] - sizes[0], 'KiB')}, empty #[cement::main] "
                 f"+{amount(sizes[2] - sizes[0], 'KiB')} over it")
print("for reference (no target):")
for note in notes:
    print(f"  {note}")

with open(f"{work}/table.md", "w") as md:
    md.write("| figure | cement | peer | ratio | SPEC §6 target | met? | Python peers (their time / cement's) |\n")
    md.write("|---|---|---|---|---|---|---|\n")
    for cells in rows:
        line = ("| " + " | ".join(cells) + " |\n").replace(" us", " µs")
        # Angle brackets in code, so Markdown does not read them as HTML.
        for code in ("Vec<Box<dyn FnOnce()>>", "Vec<JoinHandle>", "Arc<AtomicBool>"):
            line = line.replace(code, f"`{code}`")
        md.write(line)
    md.write("\nFor reference (no target): " + "; ".join(notes).replace(" us", " µs") + ".\n")
PY
