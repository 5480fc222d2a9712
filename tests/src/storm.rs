//! Signal storms (SPEC §11, "Tests"): a storm fixture is run many times, each run
//! signalled at a random moment, and every run is checked against the invariants of
//! §11. A failing storm prints its seed and the full output of its first bad runs.
//!
//! A storm fixture prints, each line flushed, `<point> start` and `<point> end` around
//! every point of [`PHASES`]: each hook point, the body, one App-scoped deferred
//! cleanup and one `atexit` handler; its `signal` hook prints `signal hook <NAME>`.
//! Its `pre_setup` hook registers the deferred cleanup and the handler (so both exist
//! whenever setup began) and asks for the shutdown state (so the body cooperates from
//! its first instruction). It begins with [`say_pre_setup_start`] and the handler ends
//! with [`say_atexit_end`]: their wall-clock stamps tell the test whether a signal was
//! sent after the program caught signals, and after its last line.
//!
//! The test side is for Unix (it sends signals with `kill(2)`): [`run_storm`].
//!
//! Environment: `CEMENT_STORM_RUNS` (runs per storm, default 120),
//! `CEMENT_STORM_SEED` (default: from the clock) and `CEMENT_STORM_SHOW` (bad runs
//! printed in full, default 3). A run's random choices depend only
//! on the seed and its number, so a seed printed by a failing storm replays them: the
//! same moments, as fractions of the time a run without a signal takes.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::say;

/// The points a storm fixture prints, in lifecycle order: `<point> start` and
/// `<point> end` for each.
pub const PHASES: [&str; 9] = [
    "pre_setup",
    "post_setup",
    "pre_run",
    "body",
    "post_run",
    "pre_close",
    "deferred",
    "post_close",
    "atexit",
];

/// For storm fixtures: the first line of the `pre_setup` hook, `pre_setup start <ns>`,
/// with the wall clock in nanoseconds since the Unix epoch. cement catches signals
/// before its first hook runs, so a signal sent after this stamp is caught.
pub fn say_pre_setup_start() {
    say(&format!("pre_setup start {}", wall_clock_ns()));
}

/// For storm fixtures: the last line of the `atexit` handler, `atexit end <ns>`, with
/// the wall clock in nanoseconds since the Unix epoch.
pub fn say_atexit_end() {
    say(&format!("atexit end {}", wall_clock_ns()));
}

/// Nanoseconds since the Unix epoch: a clock the test and the fixture share.
fn wall_clock_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos())
}

#[cfg(unix)]
pub use runner::{Storm, run_storm};

/// Running a storm and checking its runs.
#[cfg(unix)]
mod runner {
    use std::io::{BufRead, BufReader, Read};
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Child, Command, ExitStatus, Stdio};
    use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
    use std::sync::{Mutex, PoisonError};
    use std::thread::JoinHandle;
    use std::time::{Duration, Instant};

    use super::{PHASES, wall_clock_ns};

    /// How a storm signals each run.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Storm {
        /// One SIGTERM at a random moment between the start of the process and the
        /// time a calm run prints its last line: over setup, the body and close.
        OneSignal,
        /// SIGTERM at a random moment as for [`Storm::OneSignal`], then SIGINT
        /// 0–3 ms later.
        TwoSignals,
        /// One SIGTERM at a random moment of a normal close: after the fixture printed
        /// `pre_close start`, within the time a calm run's close and `atexit` handler
        /// take.
        OneSignalInClose,
    }

    /// Runs per storm unless `CEMENT_STORM_RUNS` says otherwise.
    const DEFAULT_RUNS: u64 = 120;
    /// A run that has not ended by then hangs: it is killed and counted bad.
    const HANG: Duration = Duration::from_secs(20);
    /// The largest gap between the two signals of [`Storm::TwoSignals`], in µs.
    const MAX_GAP_US: u64 = 3_000;
    /// The moment of a signal is a multiple of 1/`PARTS` of the time it falls in.
    const PARTS: u64 = 1_000_000;
    /// Runs without a signal that time the fixture before a storm.
    const CALM_RUNS: usize = 3;
    /// Bad runs whose whole output a failing storm prints, unless `CEMENT_STORM_SHOW`
    /// says otherwise.
    const SHOWN: u64 = 3;

    const SIGTERM: i32 = libc::SIGTERM;
    const SIGINT: i32 = libc::SIGINT;

    /// Storms run one at a time, so that one does not skew another's timing.
    static ONE_STORM_AT_A_TIME: Mutex<()> = Mutex::new(());

    /// Runs the storm fixture at `fixture` (from `env!("CARGO_BIN_EXE_<name>")`)
    /// [`DEFAULT_RUNS`] times, signalled as `storm` says, checks each run, prints
    /// `storm <name>: <bad> of <counted> bad (...)` and fails if any run was bad.
    ///
    /// A run whose first signal came before the fixture caught signals (the signal
    /// itself ended it, before `pre_setup start`) or after its last line (`atexit
    /// end`) is counted apart and not checked.
    pub fn run_storm(name: &str, fixture: &str, storm: Storm) {
        let _one = ONE_STORM_AT_A_TIME
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let started = Instant::now();
        let runs = from_env("CEMENT_STORM_RUNS").unwrap_or(DEFAULT_RUNS);
        let seed = from_env("CEMENT_STORM_SEED").unwrap_or_else(seed_from_clock);
        println!("storm {name}: {runs} runs, seed {seed}");
        let timing = Timing::of_calm_runs(fixture);
        let span = match storm {
            Storm::OneSignal | Storm::TwoSignals => timing.whole,
            Storm::OneSignalInClose => timing.close,
        };
        println!(
            "storm {name}: a calm run prints its last line after {:?}, its close takes {:?}; \
             signals within {span:?}",
            timing.whole, timing.close
        );
        let mut tally = Tally::default();
        for number in 0..runs {
            let mut random = Xorshift::new(seed, number);
            // A fraction of the span, so that a seed replays the same moments on a
            // machine that runs the fixture faster or slower.
            let delay = span.mul_f64(random.below(PARTS) as f64 / PARTS as f64);
            let gap = (storm == Storm::TwoSignals)
                .then(|| Duration::from_micros(random.below(MAX_GAP_US + 1)));
            let run = signalled_run(fixture, storm, number, delay, gap);
            tally.add(run.check(storm), run);
        }
        let summary = format!(
            "storm {name}: {} of {} bad ({} signal before main, {} after the end), seed {seed}, \
             {:.1} s",
            tally.bad.len(),
            tally.counted,
            tally.before_main,
            tally.after_the_end,
            started.elapsed().as_secs_f64()
        );
        println!("{summary}");
        if !tally.bad.is_empty() {
            let shown: Vec<String> = tally
                .bad
                .iter()
                .take(
                    usize::try_from(from_env("CEMENT_STORM_SHOW").unwrap_or(SHOWN))
                        .unwrap_or(usize::MAX),
                )
                .map(|(run, problems)| run.describe(seed, problems))
                .collect();
            panic!("{summary}\n\n{}", shown.join("\n"));
        }
    }

    fn from_env(name: &str) -> Option<u64> {
        let value = std::env::var(name).ok()?;
        Some(
            value
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("{name}={value:?} is not a number")),
        )
    }

    fn seed_from_clock() -> u64 {
        // The low bits of the clock: they differ from run to run of the test.
        (wall_clock_ns() as u64) ^ (u64::from(std::process::id()) << 32)
    }

    /// xorshift64, seeded through splitmix64 from the storm's seed and the run's
    /// number: a run's choices depend on nothing else.
    struct Xorshift(u64);

    impl Xorshift {
        fn new(seed: u64, stream: u64) -> Xorshift {
            let mut z =
                seed.wrapping_add(stream.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            Xorshift((z ^ (z >> 31)) | 1)
        }

        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        /// A number in `0..bound` (0 if `bound` is 0).
        fn below(&mut self, bound: u64) -> u64 {
            if bound == 0 { 0 } else { self.next() % bound }
        }
    }

    /// How long a calm run (no signal) of the fixture takes to print its last line.
    struct Timing {
        /// From spawning it until `atexit end` was read.
        whole: Duration,
        /// From reading `pre_close start` until reading `atexit end`.
        close: Duration,
    }

    impl Timing {
        /// The medians of [`CALM_RUNS`] runs, each checked: a fixture that fails
        /// without a signal makes the storm meaningless.
        fn of_calm_runs(fixture: &str) -> Timing {
            let mut wholes = Vec::new();
            let mut closes = Vec::new();
            for _ in 0..CALM_RUNS {
                let mut child = Spawned::start(fixture);
                let started = child.started;
                let status = child
                    .wait(started + HANG)
                    .unwrap_or_else(|| panic!("a calm run of {fixture} (no signal) hung"));
                let (stdout, stderr) = child.output();
                let read_at = |wanted: &str| {
                    stdout
                        .iter()
                        .find(|(_, line)| phase_line(line) == wanted)
                        .map(|(at, _)| at.duration_since(started))
                };
                let (close_began, ended) = (read_at("pre_close start"), read_at("atexit end"));
                let lines: Vec<&str> = stdout.iter().map(|(_, line)| line.as_str()).collect();
                let printed: Vec<&str> = lines.iter().map(|line| phase_line(line)).collect();
                assert!(
                    status.code() == Some(0) && printed == every_line() && stderr.is_empty(),
                    "a calm run of {fixture} (no signal) failed: {status:?}\n{}\n{stderr}",
                    lines.join("\n")
                );
                let (Some(close_began), Some(ended)) = (close_began, ended) else {
                    unreachable!("checked above: both lines were printed");
                };
                wholes.push(ended);
                closes.push(ended.saturating_sub(close_began));
            }
            wholes.sort();
            closes.sort();
            Timing {
                whole: wholes[CALM_RUNS / 2],
                close: closes[CALM_RUNS / 2],
            }
        }
    }

    /// A fixture line without the stamp of `atexit end <ns>`.
    fn phase_line(line: &str) -> &str {
        if line.starts_with("atexit end ") {
            "atexit end"
        } else if line.starts_with("pre_setup start ") {
            "pre_setup start"
        } else {
            line
        }
    }

    /// The wall-clock stamp of the line `<phase> <ns>` among `stdout`, if printed.
    fn stamp_of(stdout: &[String], phase: &str) -> Option<u128> {
        stdout
            .iter()
            .find_map(|line| line.strip_prefix(phase)?.strip_prefix(' '))
            .and_then(|stamp| stamp.parse().ok())
    }

    /// A started fixture whose stdout and stderr are read by threads of their own.
    struct Spawned {
        process: Child,
        started: Instant,
        /// Each stdout line as it is read, with when.
        lines: Receiver<(Instant, String)>,
        stdout: JoinHandle<()>,
        stderr: JoinHandle<String>,
    }

    impl Spawned {
        fn start(fixture: &str) -> Spawned {
            let mut process = Command::new(fixture)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .env_remove("RUST_BACKTRACE")
                .env_remove("NOTIFY_SOCKET")
                .spawn()
                .unwrap_or_else(|error| panic!("cannot start {fixture}: {error}"));
            let started = Instant::now();
            let out = process.stdout.take().expect("piped stdout");
            let mut err = process.stderr.take().expect("piped stderr");
            let (sender, lines) = mpsc::channel();
            let stdout = std::thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { return };
                    if sender.send((Instant::now(), line)).is_err() {
                        return;
                    }
                }
            });
            let stderr = std::thread::spawn(move || {
                let mut text = String::new();
                let _ = err.read_to_string(&mut text);
                text
            });
            Spawned {
                process,
                started,
                lines,
                stdout,
                stderr,
            }
        }

        /// Sends `signal` with `kill(2)`. The child is not reaped before this (only
        /// [`Spawned::wait`] reaps it), so its pid is still its own.
        fn send(&self, signal: i32) {
            let pid = libc::pid_t::try_from(self.process.id()).expect("a pid fits pid_t");
            // SAFETY: kill(2) with a pid and a signal number; no memory is involved.
            let sent = unsafe { libc::kill(pid, signal) };
            assert_eq!(sent, 0, "kill({pid}, {signal}) failed");
        }

        /// Reads stdout until `line` arrives, at most until `deadline`; whether it
        /// did. The lines read are kept in `seen`.
        fn wait_for_line(
            &self,
            line: &str,
            deadline: Instant,
            seen: &mut Vec<(Instant, String)>,
        ) -> bool {
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match self.lines.recv_timeout(left) {
                    Ok(next) => {
                        let found = next.1 == line;
                        seen.push(next);
                        if found {
                            return true;
                        }
                    }
                    Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                        return false;
                    }
                }
            }
        }

        /// Waits until the child ends, at most until `deadline`; `None` if it had
        /// not (it is then killed).
        fn wait(&mut self, deadline: Instant) -> Option<ExitStatus> {
            loop {
                if let Some(status) = self.process.try_wait().expect("wait for the fixture") {
                    return Some(status);
                }
                if Instant::now() >= deadline {
                    let _ = self.process.kill();
                    let _ = self.process.wait();
                    return None;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }

        /// The rest of stdout, with when each line was read, and the whole of
        /// stderr; once the child has ended.
        fn output(self) -> (Vec<(Instant, String)>, String) {
            let _ = self.stdout.join();
            let lines = self.lines.try_iter().collect();
            let stderr = self.stderr.join().unwrap_or_default();
            (lines, stderr)
        }
    }

    /// One run of a storm: how it was signalled and how it ended.
    struct StormRun {
        number: u64,
        delay: Duration,
        gap: Option<Duration>,
        /// The wall clock just before the first signal was sent and once it was;
        /// `None` if none was.
        first_signal_at: Option<Sent>,
        /// `None`: it hung and was killed.
        status: Option<ExitStatus>,
        stdout: Vec<String>,
        stderr: String,
    }

    /// Starts the fixture and signals it as `storm` says, after `delay` (from the
    /// start, or from `pre_close start`) and, for two signals, `gap` between them.
    fn signalled_run(
        fixture: &str,
        storm: Storm,
        number: u64,
        delay: Duration,
        gap: Option<Duration>,
    ) -> StormRun {
        let mut child = Spawned::start(fixture);
        let deadline = child.started + HANG;
        let mut seen = Vec::new();
        let in_close = match storm {
            Storm::OneSignalInClose => child.wait_for_line("pre_close start", deadline, &mut seen),
            Storm::OneSignal | Storm::TwoSignals => true,
        };
        let mut first_signal_at = None;
        if in_close {
            std::thread::sleep(delay);
            let before = wall_clock_ns();
            child.send(SIGTERM);
            // Taken once `kill` has returned: the signal is pending by then, so a
            // fixture still printing after this stamp handles it before it ends.
            // (Taken before the call, the test's own scheduling delay could put the
            // stamp before the end and the signal after it.)
            first_signal_at = Some(Sent {
                before,
                after: wall_clock_ns(),
            });
            if let Some(gap) = gap {
                std::thread::sleep(gap);
                child.send(SIGINT);
            }
        }
        let status = child.wait(deadline);
        let (rest, stderr) = child.output();
        seen.extend(rest);
        StormRun {
            number,
            delay,
            gap,
            first_signal_at,
            status,
            stdout: seen.into_iter().map(|(_, line)| line).collect(),
            stderr,
        }
    }

    /// The wall clock just before a signal was sent, and once `kill` returned.
    #[derive(Clone, Copy, Debug)]
    struct Sent {
        before: u128,
        after: u128,
    }

    /// What a run shows.
    #[derive(Debug, PartialEq, Eq)]
    enum Verdict {
        /// The first signal was sent before the fixture caught signals, as far as
        /// the test can tell (before `pre_setup start`'s stamp), and its default
        /// action ended the run: the process may have printed more before the kill
        /// landed, which is not checked.
        BeforeMain,
        /// The first signal was sent after the fixture's last line.
        AfterTheEnd,
        /// Checked: SPEC §11 held.
        Held,
        /// Checked: what broke.
        Broke(Vec<String>),
    }

    #[derive(Default)]
    struct Tally {
        counted: usize,
        before_main: usize,
        after_the_end: usize,
        bad: Vec<(StormRun, Vec<String>)>,
    }

    impl Tally {
        fn add(&mut self, verdict: Verdict, run: StormRun) {
            match verdict {
                Verdict::BeforeMain => self.before_main += 1,
                Verdict::AfterTheEnd => self.after_the_end += 1,
                Verdict::Held => self.counted += 1,
                Verdict::Broke(problems) => {
                    self.counted += 1;
                    self.bad.push((run, problems));
                }
            }
        }
    }

    impl StormRun {
        fn check(&self, storm: Storm) -> Verdict {
            let Some(status) = self.status else {
                return Verdict::Broke(vec![format!("did not end within {HANG:?} (killed)")]);
            };
            check(
                storm,
                &self.stdout,
                &self.stderr,
                status.code(),
                status.signal(),
                self.first_signal_at,
            )
        }

        fn describe(&self, seed: u64, problems: &[String]) -> String {
            let gap = self
                .gap
                .map_or(String::new(), |gap| format!(", SIGINT {gap:?} later"));
            let status = self
                .status
                .map_or_else(|| "hung".to_owned(), |status| status.to_string());
            format!(
                "run {} (seed {seed}): SIGTERM after {:?}{gap}; {status}\n  broke: {}\n  \
                 stdout:\n    {}\n  stderr:\n    {}\n",
                self.number,
                self.delay,
                problems.join("\n          "),
                self.stdout.join("\n    "),
                self.stderr.trim_end().replace('\n', "\n    ")
            )
        }
    }

    /// Every line of a run without a signal, in order (`atexit end` without its stamp).
    fn every_line() -> Vec<String> {
        PHASES
            .iter()
            .flat_map(|point| [format!("{point} start"), format!("{point} end")])
            .collect()
    }

    /// What a fixture printed, `atexit end` without its stamp.
    struct Printed<'a>(Vec<&'a str>);

    impl Printed<'_> {
        fn at(&self, line: &str) -> Option<usize> {
            self.0.iter().position(|printed| *printed == line)
        }

        fn has(&self, line: &str) -> bool {
            self.at(line).is_some()
        }

        /// Where `signal hook <NAME>` lines were printed.
        fn signal_hooks(&self) -> Vec<usize> {
            (0..self.0.len())
                .filter(|&index| self.0[index].starts_with("signal hook "))
                .collect()
        }
    }

    /// The checks of the lifecycle's table on one run: `code` and `killed_by` are
    /// its status, `first_signal_at` when the first signal was sent.
    fn check(
        storm: Storm,
        stdout: &[String],
        stderr: &str,
        code: Option<i32>,
        killed_by: Option<i32>,
        first_signal_at: Option<Sent>,
    ) -> Verdict {
        let printed = Printed(stdout.iter().map(|line| phase_line(line)).collect());
        // cement catches signals before its first hook prints `pre_setup start`: a
        // signal sent after that stamp is caught. One sent before may meet the
        // default action, whose kill can land after the fixture printed more.
        let caught_from = stamp_of(stdout, "pre_setup start");
        let sent_once_caught = matches!(
            (first_signal_at, caught_from),
            (Some(sent), Some(caught)) if sent.before > caught
        );
        if killed_by == Some(SIGTERM) && !sent_once_caught {
            return Verdict::BeforeMain;
        }
        let ended_at = stamp_of(stdout, "atexit end");
        if let (Some(sent), Some(ended)) = (first_signal_at, ended_at)
            && sent.after > ended
        {
            return Verdict::AfterTheEnd;
        }
        let mut problems = each_line_once_in_lifecycle_order(&printed);
        problems.extend(no_run_starts_after_a_signal(&printed));
        if let Some(signal) = killed_by {
            problems.push(format!(
                "ended by signal {signal}, sent after it caught signals (pre_setup start)"
            ));
        }
        if stderr.contains("panicked") {
            problems.push("a panic on stderr".to_owned());
        }
        problems.extend(match storm {
            Storm::OneSignal | Storm::OneSignalInClose => {
                one_signal_lets_everything_finish(storm, &printed, stderr, code)
            }
            Storm::TwoSignals => two_signals_end_with_one_of_their_codes(code),
        });
        if problems.is_empty() {
            Verdict::Held
        } else {
            Verdict::Broke(problems)
        }
    }

    /// Each line at most once, at most one `signal hook` line, and the lines in the
    /// order of [`PHASES`]: so close never ran beside setup, the run or `post_run`.
    fn each_line_once_in_lifecycle_order(printed: &Printed<'_>) -> Vec<String> {
        let mut problems = Vec::new();
        let order = every_line();
        let signal_hooks = printed.signal_hooks();
        if signal_hooks.len() > 1 {
            problems.push(format!("{} signal hook lines", signal_hooks.len()));
        }
        // The furthest point in the lifecycle printed so far.
        let mut furthest: Option<(usize, &str)> = None;
        for (index, line) in printed.0.iter().enumerate() {
            if signal_hooks.contains(&index) {
                continue;
            }
            if printed.0[..index].contains(line) {
                problems.push(format!("`{line}` printed twice"));
                continue;
            }
            let Some(rank) = order.iter().position(|known| known == line) else {
                problems.push(format!("unexpected line `{line}`"));
                continue;
            };
            match furthest {
                Some((further, further_line)) if rank < further => problems.push(format!(
                    "`{line}` after `{further_line}`: out of lifecycle order"
                )),
                _ => furthest = Some((rank, line)),
            }
        }
        problems
    }

    /// A signal caught before the body started: neither `pre_run` nor the body
    /// starts after it. The signal is caught (recorded) just before its hook
    /// prints, so the check keys on what had finished by then: a hook that printed
    /// before `post_setup end` came during setup, and no `pre_run` may start; one
    /// that printed before `pre_run end` came before the body, which may not start.
    /// (A `pre_run start` or `body start` printed after the hook but begun before
    /// the signal was caught is not flagged.)
    fn no_run_starts_after_a_signal(printed: &Printed<'_>) -> Vec<String> {
        let Some(&hook) = printed.signal_hooks().first() else {
            return Vec::new();
        };
        let before_hook = |line: &str| printed.at(line).is_some_and(|index| index < hook);
        let mut not_allowed = Vec::new();
        if !before_hook("post_setup end") {
            not_allowed.push("pre_run start");
        }
        if !before_hook("pre_run end") {
            not_allowed.push("body start");
        }
        not_allowed
            .into_iter()
            .filter(|started| printed.at(started).is_some_and(|index| index > hook))
            .map(|started| {
                format!(
                    "`{started}` after `{}`: it started after the signal was caught",
                    printed.0[hook]
                )
            })
            .collect()
    }

    /// One signal never cuts the lifecycle short: setup finishes, close and the
    /// `atexit` handler run to their ends, and the status is 143. Of the run,
    /// `pre_run`, the body and `post_run` either all ran, or only `pre_run` (the
    /// signal came during it), or none (it came during setup); each that started
    /// finished.
    fn one_signal_lets_everything_finish(
        storm: Storm,
        printed: &Printed<'_>,
        stderr: &str,
        code: Option<i32>,
    ) -> Vec<String> {
        let mut problems = Vec::new();
        if code != Some(128 + SIGTERM) {
            problems.push(format!("status {code:?}, not 143"));
        }
        let always = [
            "pre_setup",
            "post_setup",
            "pre_close",
            "deferred",
            "post_close",
            "atexit",
        ];
        for point in always {
            for edge in ["start", "end"] {
                let line = format!("{point} {edge}");
                if !printed.has(&line) {
                    problems.push(format!(
                        "no `{line}`: one signal must not cut the lifecycle short"
                    ));
                }
            }
        }
        let run: Vec<(bool, bool)> = ["pre_run", "body", "post_run"]
            .iter()
            .map(|point| {
                (
                    printed.has(&format!("{point} start")),
                    printed.has(&format!("{point} end")),
                )
            })
            .collect();
        let all = [(true, true); 3];
        let pre_run_only = [(true, true), (false, false), (false, false)];
        let none = [(false, false); 3];
        if run != all && run != pre_run_only && run != none {
            problems.push(
                "the run is cut: after a single signal, pre_run, the body and post_run each \
                 finish once started, and none starts after a signal"
                    .to_owned(),
            );
        }
        let no_signal_hook = printed.signal_hooks().is_empty();
        if no_signal_hook && run != all {
            problems.push(
                "no signal hook ran (so the signal came during close), yet the run did not \
                 finish"
                    .to_owned(),
            );
        }
        if storm == Storm::OneSignalInClose && !no_signal_hook {
            problems.push("a signal hook ran for a signal sent during close".to_owned());
        }
        // The lifecycle's table words only the line of a first signal during close
        // (`tests/lifecycle_signals.rs` checks it); whatever else is said, a single
        // signal never ends the process at once.
        for line in stderr.lines() {
            if line.starts_with("cement: ") && line.contains("at once with") {
                problems.push(format!("on stderr: `{line}`"));
            }
        }
        problems
    }

    /// A second signal may end the process at once: the status is 128 + either's
    /// number.
    fn two_signals_end_with_one_of_their_codes(code: Option<i32>) -> Vec<String> {
        if code == Some(128 + SIGTERM) || code == Some(128 + SIGINT) {
            Vec::new()
        } else {
            vec![format!("status {code:?}, neither 143 nor 130")]
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// A signal sent at `at` on the wall clock, `kill` returning at once.
        fn sent(at: u128) -> Option<Sent> {
            Some(Sent {
                before: at,
                after: at,
            })
        }

        fn calm(signal_hook_after: Option<usize>) -> Vec<String> {
            let mut lines = every_line();
            if let Some(index) = signal_hook_after {
                lines.insert(index + 1, "signal hook SIGTERM".to_owned());
            }
            lines
        }

        #[test]
        fn a_signal_in_the_body_with_everything_in_order_holds() {
            let lines = calm(Some(6));
            let verdict = check(Storm::OneSignal, &lines, "", Some(143), None, sent(1));
            assert_eq!(verdict, Verdict::Held);
        }

        #[test]
        fn close_beside_post_run_breaks_the_order() {
            let mut lines = calm(Some(6));
            let post_run_end = lines.iter().position(|l| l == "post_run end").unwrap();
            let moved = lines.remove(post_run_end);
            lines.insert(post_run_end + 2, moved);
            let verdict = check(Storm::OneSignal, &lines, "", Some(143), None, None);
            assert!(matches!(verdict, Verdict::Broke(_)), "{verdict:?}");
        }

        #[test]
        fn a_body_after_the_signal_hook_breaks() {
            let lines = calm(Some(4));
            let verdict = check(Storm::OneSignal, &lines, "", Some(143), None, None);
            assert!(matches!(verdict, Verdict::Broke(_)), "{verdict:?}");
        }

        #[test]
        fn a_body_begun_as_the_signal_came_holds_and_one_begun_after_it_breaks() {
            // The hook printed after `pre_run end`: the body may have begun first.
            let mut lines = every_line();
            let body = lines.iter().position(|l| l == "body start").unwrap();
            lines.insert(body, "signal hook SIGTERM".to_owned());
            let verdict = check(Storm::OneSignal, &lines, "", Some(143), None, sent(1));
            assert_eq!(verdict, Verdict::Held);
            // Printed before `pre_run end`: the signal came before the body.
            let mut lines = every_line();
            let pre_run_end = lines.iter().position(|l| l == "pre_run end").unwrap();
            lines.insert(pre_run_end, "signal hook SIGTERM".to_owned());
            let verdict = check(Storm::OneSignal, &lines, "", Some(143), None, sent(1));
            assert!(matches!(verdict, Verdict::Broke(_)), "{verdict:?}");
        }

        #[test]
        fn a_signal_before_catching_is_before_main_and_one_after_the_end_is_apart() {
            let verdict = check(Storm::OneSignal, &[], "", None, Some(SIGTERM), sent(1));
            assert_eq!(verdict, Verdict::BeforeMain);
            let mut lines = calm(None);
            *lines.last_mut().unwrap() = "atexit end 5".to_owned();
            let verdict = check(Storm::OneSignal, &lines, "", Some(0), None, sent(6));
            assert_eq!(verdict, Verdict::AfterTheEnd);
            let verdict = check(Storm::OneSignal, &lines, "", Some(0), None, sent(4));
            assert!(matches!(verdict, Verdict::Broke(_)), "{verdict:?}");
        }

        #[test]
        fn killed_by_a_signal_sent_once_it_caught_signals_breaks_and_sent_before_is_apart() {
            // The default action of a signal sent before catching began can land after
            // `pre_setup start` was printed: such a run is not checked.
            let lines = vec!["pre_setup start 5".to_owned()];
            let verdict = check(Storm::OneSignal, &lines, "", None, Some(SIGTERM), sent(4));
            assert_eq!(verdict, Verdict::BeforeMain);
            let verdict = check(Storm::OneSignal, &lines, "", None, Some(SIGTERM), sent(6));
            assert!(matches!(verdict, Verdict::Broke(_)), "{verdict:?}");
            // Sent as the line was stamped (`kill` began before it, returned after).
            let straddling = Some(Sent {
                before: 4,
                after: 6,
            });
            let verdict = check(
                Storm::OneSignal,
                &lines,
                "",
                None,
                Some(SIGTERM),
                straddling,
            );
            assert_eq!(verdict, Verdict::BeforeMain);
        }

        #[test]
        fn a_close_cut_short_by_one_signal_breaks() {
            let mut lines = calm(None);
            lines.truncate(lines.iter().position(|l| l == "pre_close end").unwrap());
            let stderr = "cement: SIGTERM while closing: exiting at once with 143\n";
            let verdict = check(
                Storm::OneSignalInClose,
                &lines,
                stderr,
                Some(143),
                None,
                sent(1),
            );
            assert!(matches!(verdict, Verdict::Broke(_)), "{verdict:?}");
        }

        #[test]
        fn a_second_signal_may_cut_close_short_with_its_own_code() {
            let mut lines = calm(Some(6));
            lines.truncate(lines.iter().position(|l| l == "pre_close end").unwrap());
            let stderr = "cement: SIGINT while closing: exiting at once with 130\n";
            let verdict = check(Storm::TwoSignals, &lines, stderr, Some(130), None, sent(1));
            assert_eq!(verdict, Verdict::Held);
            let verdict = check(Storm::TwoSignals, &lines, stderr, Some(1), None, sent(1));
            assert!(matches!(verdict, Verdict::Broke(_)), "{verdict:?}");
        }

        #[test]
        fn the_same_seed_and_run_give_the_same_choices() {
            let mut a = Xorshift::new(42, 7);
            let mut b = Xorshift::new(42, 7);
            let mut c = Xorshift::new(42, 8);
            let a: Vec<u64> = (0..4).map(|_| a.below(1000)).collect();
            assert_eq!(a, (0..4).map(|_| b.below(1000)).collect::<Vec<_>>());
            assert_ne!(a, (0..4).map(|_| c.below(1000)).collect::<Vec<_>>());
        }
    }
}
