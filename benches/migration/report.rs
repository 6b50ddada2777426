//! What one size's runs measured, and how it is printed: one table per
//! size, figures as ratios to S0 with the seconds and bytes beside them,
//! then one summary line for every size.

use crate::observe::{LOCK_PAUSE, Observed, READ_PAUSE, WRITE_PAUSE};
use crate::probe::KeyIndexFigure;
use std::time::Duration;

/// One run of one step.
#[derive(Debug, Clone)]
pub struct Sample {
    pub elapsed: Duration,
    /// WAL bytes written while it ran.
    pub wal: u64,
    pub observed: Observed,
    /// The machine's one-minute load average when it ended.
    pub load: Option<f64>,
}

/// Every run of one step. The fastest run counts, for every figure: other
/// load on the machine only ever slows a run down, and waits and WAL from
/// the same run as the time keep a row consistent.
#[derive(Debug, Clone, Default)]
pub struct Step {
    pub samples: Vec<Sample>,
}

impl Step {
    fn best(&self) -> &Sample {
        self.samples
            .iter()
            .min_by_key(|s| s.elapsed)
            .expect("every step runs at least once")
    }

    pub fn time(&self) -> Duration {
        self.best().elapsed
    }

    pub fn wal(&self) -> u64 {
        self.best().wal
    }

    pub fn reads_waited(&self) -> Duration {
        self.best().observed.reads.longest
    }

    pub fn lock_held(&self) -> Duration {
        self.best().observed.lock.longest
    }

    /// `None` when no writer ran during that run.
    pub fn writes_waited(&self) -> Option<Duration> {
        self.best().observed.writes.as_ref().map(|w| w.longest)
    }

    pub fn load(&self) -> Option<f64> {
        self.best().load
    }

    /// The longest gap between two lock samples: the sampler's resolution.
    pub fn longest_lock_gap(&self) -> Duration {
        self.best().observed.lock.longest_gap
    }
}

/// The same data migrated with `--uuid v7`.
#[derive(Debug, Clone)]
pub struct V7Figures {
    /// forward.sql, once and unobserved.
    pub forward: Duration,
    pub key_index: KeyIndexFigure,
}

/// Everything measured at one size.
#[derive(Debug, Clone)]
pub struct SizeResult {
    pub users: u64,
    pub journals: u64,
    pub runs: usize,
    pub s0: Step,
    /// Build and swap cut down to what no variant of it can skip
    /// (`reference.rs`), with and without a uuid drawn for `journals`.
    pub floors: [(crate::reference::Draw, Step); 2],
    pub forward: Step,
    pub verify: Step,
    pub rollback: Step,
    /// One `gen_random_uuid()` per row of both tables, one process
    /// (`baseline::uuid_draw`), once.
    pub uuid_draw: std::time::Duration,
    /// S0's copies with their indexes.
    pub copy_bytes: u64,
    /// `users` and `journals` with their indexes after forward.
    pub forward_bytes: u64,
    /// S0's copy made of the converted tables: their size without bloat.
    pub converted_copy_bytes: u64,
    /// How much the whole database grew through forward.
    pub database_growth: i64,
    /// The unobserved forward run before verify_forward (not in `forward`).
    pub extra_forward: Duration,
    pub key_index: KeyIndexFigure,
    pub v7: V7Figures,
    /// Rows the writer inserted, and whether all were still there after
    /// every step (the bundle promises to keep them).
    pub writer_rows: u64,
    pub writer_rows_kept: bool,
    /// Findings that did not stop the bench: a file that failed while the
    /// writer ran, lost rows, indexes that differ after forward.
    pub problems: Vec<String>,
    /// The online bundle's round, unless `KEYSHIFT_BENCH_ONLINE=0`.
    pub online: Option<crate::online::OnlineFigures>,
}

impl SizeResult {
    fn ratio(&self, step: &Step) -> f64 {
        step.time().as_secs_f64() / self.s0.time().as_secs_f64()
    }

    fn wal_ratio(&self, step: &Step) -> f64 {
        step.wal() as f64 / self.s0.wal() as f64
    }

    fn steps(&self) -> [(&'static str, &Step); 6] {
        let [(random, random_step), (nothing, nothing_step)] = &self.floors;
        [
            ("S0 (copy + reindex)", &self.s0),
            (random.name(), random_step),
            (nothing.name(), nothing_step),
            ("forward.sql", &self.forward),
            ("verify_forward.sql", &self.verify),
            ("rollback.sql", &self.rollback),
        ]
    }
}

/// The table for one size.
pub fn print_table(r: &SizeResult, server_version: &str) {
    println!();
    println!(
        "== {} users, {} journals (PostgreSQL {server_version}, {} cores; {}) ==",
        thousands(r.users),
        thousands(r.journals),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        crate::durability::describe(),
    );
    println!(
        "{}",
        row([
            "step",
            "time",
            "WAL",
            "reads waited",
            "writes waited",
            "ACCESS EXCLUSIVE",
            "load",
        ]
        .map(str::to_owned))
    );
    for (name, step) in r.steps() {
        let seconds = |d: Duration| format!("{:.2} s", d.as_secs_f64());
        println!(
            "{}",
            row([
                name.to_owned(),
                format!("{:.2}× {:>8}", r.ratio(step), seconds(step.time())),
                format!(
                    "{:.2}× {:>10}",
                    r.wal_ratio(step),
                    format!("{:.1} MiB", mib(step.wal()))
                ),
                seconds(step.reads_waited()),
                step.writes_waited().map_or("-".to_owned(), seconds),
                seconds(step.lock_held()),
                step.load().map_or("?".to_owned(), |l| format!("{l:.1}")),
            ])
        );
    }
    for line in notes(r) {
        println!("  {line}");
    }
    for problem in r.problems.iter().chain(&observer_problems(r)) {
        println!("  PROBLEM: {problem}");
    }
}

/// One line of the table: the step left-aligned, the figures right-aligned.
fn row(cells: [String; 7]) -> String {
    const WIDTHS: [usize; 7] = [24, 17, 20, 15, 15, 18, 7];
    let mut line = format!("{:<w$}", cells[0], w = WIDTHS[0]);
    for (cell, width) in cells.iter().zip(WIDTHS).skip(1) {
        line.push_str(&format!("{cell:>width$}"));
    }
    line
}

/// The lines under a table: how the figures were taken, sizes, the index.
fn notes(r: &SizeResult) -> Vec<String> {
    let k = &r.key_index;
    let gap = r.steps().iter().map(|(_, s)| s.longest_lock_gap()).max();
    vec![
        match r.runs {
            1 => "one run per step, so every figure is from a single run (the default from \
                  2,000,000 users, where today's forward takes many minutes; \
                  KEYSHIFT_BENCH_RUNS changes it)"
                .to_owned(),
            n => format!("{n} runs per step: every figure from the fastest run"),
        },
        format!(
            "waits: longest single statement of a reader (SELECT 1 FROM users, then journals, \
             every {} ms) and of a writer (one users row every {} ms; none during verify_forward, \
             which must see the data as forward left it); ACCESS EXCLUSIVE: longest stretch \
             pg_locks showed one held or awaited on users or journals (sampled every {} ms, \
             longest gap {} ms); load: the machine's one-minute load average as the run ended",
            READ_PAUSE.as_millis(),
            WRITE_PAUSE.as_millis(),
            LOCK_PAUSE.as_millis(),
            gap.unwrap_or_default().as_millis()
        ),
        "floors: build and swap cut down to what no variant of it skips, in one transaction \
         that rolls back: SHARE on both tables, a map of users drawn with gen_random_uuid(), \
         both copies with user_id joined to it, their indexes, the foreign key validated; no \
         map of journals, nothing kept for rollback, no swap. v4 draws journals' uuids inline, \
         in the copy's query; no draw keeps its integers"
            .to_owned(),
        format!(
            "uuid draw: one gen_random_uuid() per row of users and journals, in one process, \
             nothing written: {:.2} s = {:.2}× S0 (once; the least CPU any engine that gives \
             every row a random uuid spends, before it writes a byte)",
            r.uuid_draw.as_secs_f64(),
            r.uuid_draw.as_secs_f64() / r.s0.time().as_secs_f64()
        ),
        format!(
            "size after forward: {:.1} MiB = {:.2}× a fresh copy (S0's: {:.1} MiB), \
             {:.2}× a fresh copy of the converted tables ({:.1} MiB: uuid keys are wider); \
             the database grew by {:.1} MiB (id maps, anything else forward keeps)",
            mib(r.forward_bytes),
            r.forward_bytes as f64 / r.copy_bytes as f64,
            mib(r.copy_bytes),
            r.forward_bytes as f64 / r.converted_copy_bytes as f64,
            mib(r.converted_copy_bytes),
            r.database_growth as f64 / MIB,
        ),
        format!(
            "users primary key (default {}): {:.1} MiB, leaf density {:.1}% after forward; \
             {:.1} MiB, {:.1}% after {} more users",
            k.key_default,
            mib(k.after_forward.bytes),
            k.after_forward.leaf_density,
            mib(k.after_inserts.bytes),
            k.after_inserts.leaf_density,
            thousands(k.inserted),
        ),
        format!(
            "with --uuid v7 (users timed by created_at, journals in old-id order): forward.sql \
             {:.2} s = {:.2}× S0 (once, unobserved); users primary key (default {}): {:.1} MiB, \
             leaf density {:.1}% after forward; {:.1} MiB, {:.1}% after {} more users",
            r.v7.forward.as_secs_f64(),
            r.v7.forward.as_secs_f64() / r.s0.time().as_secs_f64(),
            r.v7.key_index.key_default,
            mib(r.v7.key_index.after_forward.bytes),
            r.v7.key_index.after_forward.leaf_density,
            mib(r.v7.key_index.after_inserts.bytes),
            r.v7.key_index.after_inserts.leaf_density,
            thousands(r.v7.key_index.inserted),
        ),
        format!(
            "writer: {} rows inserted, {}",
            thousands(r.writer_rows),
            if r.writer_rows_kept {
                "all still there after every step"
            } else {
                "NOT ALL still there (see PROBLEM)"
            }
        ),
        format!(
            "forward ran once more, unobserved and not counted above, before verify_forward, \
             the size and the index figures: {:.2} s",
            r.extra_forward.as_secs_f64()
        ),
    ]
}

/// Errors the observers met: a reader or writer that failed is evidence too.
fn observer_problems(r: &SizeResult) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, step) in r.steps() {
        for s in &step.samples {
            let o = &s.observed;
            let kinds = [
                ("reader", &o.reads.errors),
                ("lock sampler", &o.lock.errors),
            ];
            let writer = o.writes.as_ref().map(|w| ("writer", &w.errors));
            for (who, errors) in kinds.into_iter().chain(writer) {
                if errors.count > 0 {
                    problems.push(format!(
                        "{name}: the {who} got {} errors, the first: {}",
                        errors.count,
                        errors.first.as_deref().unwrap_or("?")
                    ));
                }
            }
        }
    }
    problems
}

/// The longest write wait of a step, or `-` when no writer ran.
fn writes(step: &Step) -> String {
    step.writes_waited()
        .map_or("-".to_owned(), |d| format!("{:.1} s", d.as_secs_f64()))
}

/// One line for every size.
pub fn print_summary(results: &[SizeResult]) {
    let parts: Vec<String> = results.iter().map(summary_of).collect();
    println!();
    println!(
        "summary ({}): {}",
        crate::durability::describe(),
        parts.join(" | ")
    );
}

/// One size's part of the summary line.
fn summary_of(r: &SizeResult) -> String {
    let load = r
        .steps()
        .iter()
        .filter_map(|(_, s)| s.load())
        .reduce(f64::max);
    let problems = !r.problems.is_empty() || !observer_problems(r).is_empty();
    format!(
        "{}/{}: forward {:.2}× S0, rollback {:.2}×, verify_forward {:.2}×; \
         floors: build with v4 {:.2}×, without drawing {:.2}×; uuid draw alone {:.2}×; reads waited {:.1} s / {:.1} s (forward / rollback), writes {} / {}; \
         WAL {:.2}× / {:.2}×; size {:.2}×; users key after inserts v4 {:.1} MiB ({:.0}%), \
         v7 {:.1} MiB ({:.0}%), v7 forward {:.2}×; load up to {}{}",
        short(r.users),
        short(r.journals),
        r.ratio(&r.forward),
        r.ratio(&r.rollback),
        r.ratio(&r.verify),
        r.ratio(&r.floors[0].1),
        r.ratio(&r.floors[1].1),
        r.uuid_draw.as_secs_f64() / r.s0.time().as_secs_f64(),
        r.forward.reads_waited().as_secs_f64(),
        r.rollback.reads_waited().as_secs_f64(),
        writes(&r.forward),
        writes(&r.rollback),
        r.wal_ratio(&r.forward),
        r.wal_ratio(&r.rollback),
        r.forward_bytes as f64 / r.copy_bytes as f64,
        mib(r.key_index.after_inserts.bytes),
        r.key_index.after_inserts.leaf_density,
        mib(r.v7.key_index.after_inserts.bytes),
        r.v7.key_index.after_inserts.leaf_density,
        r.v7.forward.as_secs_f64() / r.s0.time().as_secs_f64(),
        load.map_or("?".to_owned(), |l| format!("{l:.1}")),
        if problems { " (PROBLEMS above)" } else { "" },
    )
}

const MIB: f64 = 1024.0 * 1024.0;

pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / MIB
}

/// `1000000` as `1,000,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1000000` as `1M`, `50000` as `50k`.
pub fn short(n: u64) -> String {
    match n {
        n if n >= 1_000_000 && n % 100_000 == 0 => {
            format!("{}M", n as f64 / 1e6)
        }
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}
