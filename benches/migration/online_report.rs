//! How the online round is printed: a table per size under the maintenance
//! one (each phase, the forward path's sum, rollback), the figures issue 10
//! sets goals for each beside its goal, and one summary line for every size.

use crate::online::{OnlineFigures, Phase};
use crate::online_writer::PAUSE;
use crate::report::{SizeResult, Step, mib, short, thousands};
use std::time::Duration;

/// The goals of issue 10 §4.
const GOAL_RATIO: f64 = 4.0;
const GOAL_STALL: Duration = Duration::from_millis(100);
const GOAL_SIZE: f64 = 1.1;

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn goal(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

/// One line of the table.
fn row(cells: [String; 8]) -> String {
    const WIDTHS: [usize; 8] = [30, 17, 20, 16, 14, 14, 18, 7];
    let mut line = format!("{:<w$}", cells[0], w = WIDTHS[0]);
    for (cell, width) in cells.iter().zip(WIDTHS).skip(1) {
        line.push_str(&format!("{cell:>width$}"));
    }
    line
}

/// The figures of one line of the table: a phase, or the forward path.
struct Cells {
    elapsed: Duration,
    wal: u64,
    writer_longest: Duration,
    statements: u64,
    failed: u64,
    reads_waited: Duration,
    lock: Duration,
    load: Option<f64>,
}

impl Cells {
    fn of(p: &Phase) -> Cells {
        Cells {
            elapsed: p.elapsed,
            wal: p.wal,
            writer_longest: p.writer.longest,
            statements: p.writer.statements,
            failed: p.writer.failed,
            reads_waited: p.observed.reads.longest,
            lock: p.observed.lock.longest,
            load: p.load,
        }
    }

    /// The forward path: times, WAL and counts added, waits at worst.
    fn sum(phases: &[Phase]) -> Cells {
        let all = phases.iter().map(Cells::of);
        all.reduce(|a, b| Cells {
            elapsed: a.elapsed + b.elapsed,
            wal: a.wal + b.wal,
            writer_longest: a.writer_longest.max(b.writer_longest),
            statements: a.statements + b.statements,
            failed: a.failed + b.failed,
            reads_waited: a.reads_waited.max(b.reads_waited),
            lock: a.lock.max(b.lock),
            load: [a.load, b.load].into_iter().flatten().reduce(f64::max),
        })
        .expect("the forward path has phases")
    }

    fn line(&self, name: &str, s0: Duration, s0_wal: u64) -> String {
        row([
            name.to_owned(),
            format!(
                "{:.2}× {:>8}",
                self.elapsed.as_secs_f64() / s0.as_secs_f64(),
                format!("{:.2} s", self.elapsed.as_secs_f64())
            ),
            format!(
                "{:.2}× {:>10}",
                self.wal as f64 / s0_wal as f64,
                format!("{:.1} MiB", mib(self.wal))
            ),
            ms(self.writer_longest),
            format!("{}/{}", thousands(self.statements), self.failed),
            ms(self.reads_waited),
            ms(self.lock),
            self.load.map_or("?".to_owned(), |l| format!("{l:.1}")),
        ])
    }
}

/// The cutover phase's longest ACCESS EXCLUSIVE stretch, if a phase is
/// named after cutover.
fn cutover_lock(o: &OnlineFigures) -> Option<Duration> {
    o.phases
        .iter()
        .find(|p| p.name.contains("cutover"))
        .map(|p| p.observed.lock.longest)
}

/// What the online table is set against: the size and the same run's S0.
pub struct Baseline<'a> {
    pub users: u64,
    pub journals: u64,
    pub runs: usize,
    pub s0: &'a Step,
    /// S0's copies of the integer tables.
    pub copy_bytes: u64,
    /// One `gen_random_uuid()` per row, in one process.
    pub uuid_draw: Duration,
}

/// The online table for one size, printed as soon as the round ends (a
/// long run cut short still shows it).
pub fn print_table(r: &Baseline, o: &OnlineFigures) {
    let (s0, s0_wal) = (r.s0.time(), r.s0.wal());
    println!();
    println!(
        "-- online (--mode online), {} users, {} journals, a writer through every phase \
         including cutover; {} --",
        thousands(r.users),
        thousands(r.journals),
        crate::durability::describe()
    );
    println!(
        "{}",
        row([
            "phase",
            "time",
            "WAL",
            "writer longest",
            "writes/failed",
            "reads waited",
            "ACCESS EXCLUSIVE",
            "load",
        ]
        .map(str::to_owned))
    );
    for p in &o.phases {
        println!("{}", Cells::of(p).line(&p.name, s0, s0_wal));
    }
    println!(
        "{}",
        Cells::sum(&o.phases).line("forward path (sum)", s0, s0_wal)
    );
    let rollback = Cells::of(&o.rollback);
    println!(
        "{}",
        rollback.line("rollback.sql (after cutover)", s0, s0_wal)
    );
    for line in notes(r, o) {
        println!("  {line}");
    }
    if let Some(cutover) = o.phases.iter().find(|p| p.name.contains("cutover")) {
        println!(
            "  {}'s own progress lines: {}",
            cutover.name,
            cutover.progress.join("; ")
        );
    }
    for failure in &o.writer_failures {
        println!("  PROBLEM: online writer statement failed: {failure}");
    }
    for problem in &o.problems {
        println!("  PROBLEM: {problem}");
    }
}

fn notes(r: &Baseline, o: &OnlineFigures) -> Vec<String> {
    let s0 = r.s0.time().as_secs_f64();
    let ratio = o.total().as_secs_f64() / s0;
    let (stall, stall_in) = o.longest_stall();
    let stall_at = o
        .phases
        .iter()
        .find(|p| p.name == stall_in)
        .map_or(Duration::ZERO, |p| p.writer.longest_at);
    let size = o.tables_bytes as f64 / o.converted_copy_bytes as f64;
    let (lock, lock_in) = o.longest_lock();
    let slowest = o.phases.iter().max_by_key(|p| p.elapsed);
    vec![
        format!(
            "one online run, against S0's fastest of {} ({:.2} s), in the same run; phases back \
             to back, each file with psql -X -v ON_ERROR_STOP=1 -f, in plan.json's sequence",
            r.runs, s0
        ),
        format!(
            "writer: one connection; each round a user with its journal (one statement), a \
             pre-existing user updated, a pre-existing journal retitled, moved to another user or \
             deleted, and every 5th round one of its own users deleted (cascading to its \
             journal); no id literals; {} ms pause after each statement: {:.0} statements/s over \
             the forward path; writer longest = its longest single statement that started in \
             the phase",
            PAUSE.as_millis(),
            o.writer_rate()
        ),
        format!(
            "goal total ≤ {GOAL_RATIO}× S0: {ratio:.2}× ({}); slowest phase {}; drawing the \
             uuids alone takes {:.2}× S0 in one process",
            goal(ratio <= GOAL_RATIO),
            slowest.map_or("-".to_owned(), |p| format!(
                "{} {:.2}× S0",
                p.name,
                p.elapsed.as_secs_f64() / s0
            )),
            r.uuid_draw.as_secs_f64() / s0,
        ),
        format!(
            "goal writer's longest stall ≤ {}: {} in {stall_in}, {:.2} s into it ({})",
            ms(GOAL_STALL),
            ms(stall),
            stall_at.as_secs_f64(),
            goal(stall <= GOAL_STALL)
        ),
        format!(
            "the writer's longest statement, as the server showed it: {}",
            o.stall_circumstances
        ),
        format!(
            "goal no writer statement fails: {} of {} failed, forward path and rollback ({})",
            thousands(o.writer_failed),
            thousands(o.writer_statements),
            goal(o.writer_failed == 0)
        ),
        format!(
            "ACCESS EXCLUSIVE on users or journals (pg_locks, held or awaited): during cutover \
             {}; longest in any phase {} ({lock_in})",
            cutover_lock(o).map_or("- (no cutover phase)".to_owned(), ms),
            ms(lock),
        ),
        format!(
            "goal size ≤ {GOAL_SIZE}× a fresh copy: after the forward path {:.1} MiB = {size:.2}× \
             a fresh copy of the converted tables ({:.1} MiB) ({}), {:.2}× S0's copy of the \
             integer tables; the database grew by {:.1} MiB (the originals stay until contract)",
            mib(o.tables_bytes),
            mib(o.converted_copy_bytes),
            goal(size <= GOAL_SIZE),
            o.tables_bytes as f64 / r.copy_bytes as f64,
            o.database_growth as f64 / (1024.0 * 1024.0),
        ),
        format!(
            "foreign keys NOT VALID after the forward path: {}; rollback.sql after the online \
             cutover {:.2}× S0, under the writer",
            o.unvalidated_foreign_keys,
            o.rollback.elapsed.as_secs_f64() / s0
        ),
        format!(
            "writer's own rows: {} users, each with its journal, {}",
            thousands(o.writer_live_rows),
            if o.problems
                .iter()
                .any(|p| p.contains("online writer expects"))
            {
                "NOT ALL there (see PROBLEM)"
            } else {
                "all there and linked after the forward path and after rollback"
            }
        ),
    ]
}

/// One line for every size where the online round ran.
pub fn print_summary(results: &[SizeResult]) {
    let parts: Vec<String> = results
        .iter()
        .filter_map(|r| r.online.as_ref().map(|o| summary_of(r, o)))
        .collect();
    if !parts.is_empty() {
        println!(
            "online summary ({}): {}",
            crate::durability::describe(),
            parts.join(" | ")
        );
    }
}

fn summary_of(r: &SizeResult, o: &OnlineFigures) -> String {
    let s0 = r.s0.time().as_secs_f64();
    let (stall, stall_in) = o.longest_stall();
    let problems = !o.problems.is_empty() || o.writer_failed > 0;
    format!(
        "{}/{}: forward path {:.2}× S0 (goal ≤ {GOAL_RATIO}×); writer longest {} in {stall_in} \
         (goal ≤ {}), {} of {} statements failed; ACCESS EXCLUSIVE in cutover {}; size {:.2}× \
         (goal ≤ {GOAL_SIZE}×); rollback {:.2}×; NOT VALID FKs {}{}",
        short(r.users),
        short(r.journals),
        o.total().as_secs_f64() / s0,
        ms(stall),
        ms(GOAL_STALL),
        thousands(o.writer_failed),
        thousands(o.writer_statements),
        cutover_lock(o).map_or("-".to_owned(), ms),
        o.tables_bytes as f64 / o.converted_copy_bytes as f64,
        o.rollback.elapsed.as_secs_f64() / s0,
        o.unvalidated_foreign_keys,
        if problems { " (PROBLEMS above)" } else { "" },
    )
}
