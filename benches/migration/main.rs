//! `cargo bench --bench migration`: how the generated migration behaves on
//! a `users`/`journals` schema at realistic sizes, as evidence for choosing
//! the migration engine.
//!
//! For each size, on one throwaway server, in one run and on the same data:
//!
//! - **S0**, the physical limit: a `CREATE TABLE … AS` copy of both
//!   converted tables plus rebuilding the indexes they have
//!   (`baseline.rs`);
//! - the **floor** of the engine's design, build and swap cut down to the
//!   work no variant of it can skip (a map of `users` only, both copies,
//!   their indexes, the foreign key), once with `journals`' own uuids
//!   drawn inline and once keeping its integers (`reference.rs`): how far
//!   below forward.sql this machine lets any such engine go;
//! - the **uuid draw**: one `gen_random_uuid()` per row of both tables in
//!   one process, nothing written, the CPU any engine that gives every row
//!   a random uuid spends at least (`baseline::uuid_draw`);
//! - **forward.sql**, **verify_forward.sql** and **rollback.sql** of the
//!   bundle keyshift generates now: time and WAL bytes, each as a ratio to
//!   S0's;
//! - while each step runs, how long a reader and a writer on other
//!   connections had to wait at worst, and the longest stretch during which
//!   `pg_locks` showed an ACCESS EXCLUSIVE lock on `users` or `journals`
//!   held or awaited (`observe.rs`);
//! - the size of the two tables with their indexes after forward, against
//!   S0's fresh copy and against the same copy made of the converted
//!   tables (which tells bloat from wider keys);
//! - the `users` primary-key index after 10% more users
//!   (`probe::primary_key_index_after_inserts`), for version 4 keys and
//!   again, on the same data, after forward.sql of a `--uuid v7` bundle
//!   (`users` timed by `created_at`, `journals` in old-id order), whose
//!   time is reported too;
//! - the **online** bundle (`--mode online`) of the same schema, its
//!   forward path (plan.json's `sequence`) and then rollback.sql run once
//!   while an application-like writer inserts, updates and deletes through
//!   every phase including cutover (`online.rs`, `online_writer.rs`): each
//!   phase's time as a ratio to the same S0, the writer's longest stall and
//!   its phase, what the server showed while that statement ran
//!   (`stall_watch.rs`), failed statements, ACCESS EXCLUSIVE stretches, the size
//!   afterwards and whether the writer's rows survived rollback
//!   (`online_report.rs`). The stages plan.json lists as `concurrent`
//!   (the backfill) run in one session per core but one, as PLAN.md
//!   advises, or `KEYSHIFT_BENCH_SESSIONS`. `KEYSHIFT_BENCH_ONLINE=0` skips it.
//!
//! It assumes nothing about the SQL inside the bundle: only that
//! forward.sql, verify_forward.sql and rollback.sql run in that order with
//! `psql -X -v ON_ERROR_STOP=1 -f`, and that converted tables keep their
//! names. So it measures whatever engine the templates implement.
//!
//! Sizes: `KEYSHIFT_BENCH_USERS`, a comma-separated list of user counts
//! (default `1000000,4000000`), five journals per user. Runs per step: two
//! below 2,000,000 users, the fastest run giving every figure of its row;
//! one from there on, where a run of today's forward takes many minutes;
//! `KEYSHIFT_BENCH_RUNS` overrides both. The server is the test harness's
//! (`fsync`, `full_page_writes` and `synchronous_commit` off), so WAL
//! figures hold no full-page images; `KEYSHIFT_BENCH_DURABLE=1` turns the
//! three on, as on a production server (`durability.rs` says why the
//! writer's stall needs that run). Not part of `cargo test`: it takes
//! minutes at 1,000,000 users and far longer at 4,000,000.
//!
//! The order of the steps at each size:
//!
//! 1. S0, the two floors, forward.sql and rollback.sql in rounds, one round
//!    per run, each watched by the reader, the writer and the lock sampler
//!    (S0 and the floors too, so every step runs under the same background
//!    load). After each, the
//!    writer's rows are counted: rows written during forward must survive
//!    rollback. A file that fails while the writer runs is reported and run
//!    again without it. verify_forward.sql does not run in these rounds:
//!    it compares the data with the fingerprint forward took, and so fails,
//!    by design, once the application has written, and the writer's
//!    blocked insert lands the moment forward commits;
//! 2. the online round (unless skipped), which leaves the database rolled
//!    back as the rounds did;
//! 3. forward.sql once more, unobserved and not counted, then the sizes it
//!    leaves (and S0's copy of the converted tables, untimed),
//!    verify_forward.sql (watched without the writer), and last the
//!    primary-key index hook, whose inserts change the data.

#[path = "../../tests/support/mod.rs"]
mod support;

mod baseline;
mod durability;
mod observe;
mod online;
mod online_report;
mod online_writer;
mod probe;
mod reference;
mod report;
mod stall_watch;

use keyshift::catalog::QualifiedName;
use keyshift::plan::{Mode, Options, UuidVersion};
use observe::{Observers, Watch};
use probe::Monitor;
use reference::Draw;
use report::{Sample, SizeResult, Step, V7Figures};
use std::path::Path;
use std::time::{Duration, Instant};
use support::{Database, Server};

/// The schema the bundle is generated from and the data is loaded into.
const SCHEMA: &str = "
CREATE TABLE users (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE journals (
    id bigserial PRIMARY KEY,
    user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title text NOT NULL,
    body text NOT NULL
);
CREATE INDEX journals_user_id_idx ON journals (user_id);
";

const JOURNALS_PER_USER: u64 = 5;
const DEFAULT_USERS: &str = "1000000,4000000";
/// From this many users each step runs once by default.
const ONE_RUN_FROM: u64 = 2_000_000;
/// The index hook inserts this share of the users again (10%).
const EXTRA_USERS_DIVISOR: u64 = 10;

fn main() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    durability::apply(server);
    let config = Config::from_env();
    let bundle = Bundle::generate(&Options::default());
    let v7_bundle = Bundle::generate(&v7_options());
    let online_bundle = online::enabled().then(|| {
        Bundle::generate(&Options {
            mode: Some(Mode::Online),
            ..Options::default()
        })
    });
    let mut results = Vec::new();
    for &users in &config.users {
        let bundles = [&bundle, &v7_bundle];
        let result = bench_size(
            server,
            bundles,
            online_bundle.as_ref(),
            users,
            config.runs_for(users),
        );
        report::print_table(&result, server.version());
        results.push(result);
    }
    report::print_summary(&results);
    online_report::print_summary(&results);
}

/// What the environment asks for.
struct Config {
    /// `KEYSHIFT_BENCH_USERS`.
    users: Vec<u64>,
    /// `KEYSHIFT_BENCH_RUNS`, if set.
    runs: Option<usize>,
}

impl Config {
    /// Panics on a value it cannot read: a bench that silently ran the
    /// default sizes would report figures for data nobody asked for.
    fn from_env() -> Config {
        let users = std::env::var("KEYSHIFT_BENCH_USERS").unwrap_or_else(|_| DEFAULT_USERS.into());
        let users = users
            .split(',')
            .map(|n| {
                n.trim()
                    .replace('_', "")
                    .parse()
                    .ok()
                    .filter(|&n: &u64| n > 0)
                    .unwrap_or_else(|| {
                        panic!("KEYSHIFT_BENCH_USERS: `{n}` is not a positive count")
                    })
            })
            .collect();
        let runs = std::env::var("KEYSHIFT_BENCH_RUNS").ok().map(|n| {
            n.trim()
                .parse()
                .ok()
                .filter(|&n: &usize| n > 0)
                .unwrap_or_else(|| panic!("KEYSHIFT_BENCH_RUNS: `{n}` is not a positive count"))
        });
        Config { users, runs }
    }

    fn runs_for(&self, users: u64) -> usize {
        self.runs
            .unwrap_or(if users >= ONE_RUN_FROM { 1 } else { 2 })
    }
}

/// The bundle keyshift generates for [`SCHEMA`], written to a temp dir.
struct Bundle {
    dir: tempfile::TempDir,
}

impl Bundle {
    fn generate(options: &Options) -> Bundle {
        let output = keyshift::pipeline::run("bench.sql", SCHEMA, options).expect("plan");
        let dir = tempfile::tempdir().expect("temp dir");
        output.bundle.write_to(dir.path()).expect("bundle");
        Bundle { dir }
    }

    /// Runs one file as a user would (`psql -X -v ON_ERROR_STOP=1 -f`, in
    /// the bundle's directory); `Err` holds psql's ERROR line.
    fn run(&self, db: &Database, file: &str) -> Result<(), String> {
        let dir = self.dir.path();
        db.psql_file(&dir.join(file), Some(dir))
            .map(drop)
            .map_err(|e| {
                let error = e.stderr.lines().find(|l| l.contains("ERROR:"));
                error.unwrap_or(e.stderr.trim()).to_owned()
            })
    }

    /// [`Bundle::run`], returning the `keyshift:` lines the file printed
    /// to stderr (its own progress report: which step took how long).
    fn run_reporting(&self, db: &Database, file: &str) -> Result<Vec<String>, String> {
        let dir = self.dir.path();
        db.psql_file_stderr(&dir.join(file), Some(dir))
            .map(|stderr| {
                stderr
                    .lines()
                    .filter_map(|l| l.split_once("keyshift: ").map(|(_, rest)| rest.to_owned()))
                    .collect()
            })
            .map_err(|e| {
                let error = e.stderr.lines().find(|l| l.contains("ERROR:"));
                error.unwrap_or(e.stderr.trim()).to_owned()
            })
    }

    /// [`Bundle::run`] for a file that must succeed.
    fn must_run(&self, db: &Database, file: &str) {
        if let Err(e) = self.run(db, file) {
            panic!("{file} failed: {e}");
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// `--uuid v7`, with `users` taking its keys' times from `created_at` and
/// `journals` (no time column) following its old ids' order.
fn v7_options() -> Options {
    let mut options = Options {
        uuid: Some(UuidVersion::V7),
        ..Options::default()
    };
    options
        .uuid_times
        .insert(QualifiedName::new("public", "users"), "created_at".into());
    options
}

/// Every measurement at one size, in the order the module docs give.
fn bench_size(
    server: &Server,
    [bundle, v7_bundle]: [&Bundle; 2],
    online_bundle: Option<&Bundle>,
    users: u64,
    runs: usize,
) -> SizeResult {
    let journals = users * JOURNALS_PER_USER;
    eprintln!(
        "{users} users, {journals} journals, {runs} run(s) per step; bundle in {}",
        bundle.path().display()
    );
    let db = server.create_database("bench");
    load(&db, users, journals);
    let mut bench = SizeBench {
        monitor: Monitor::connect(&db.url()),
        db: &db,
        bundle,
        runs,
        writes: WriterLedger::default(),
        problems: Vec::new(),
    };
    let Rounds {
        s0,
        floors,
        forward,
        rollback,
        copy_bytes,
    } = bench.rounds();
    let uuid_draw = baseline::uuid_draw(&db);
    eprintln!("uuid draw: {uuid_draw:.2?}");
    let online = online_bundle.map(|online_bundle| {
        let figures = online::Round {
            db: &db,
            bundle: online_bundle,
            monitor: &mut bench.monitor,
            users,
        }
        .run();
        let baseline = online_report::Baseline {
            users,
            journals,
            runs,
            s0: &s0,
            copy_bytes,
            uuid_draw,
        };
        online_report::print_table(&baseline, &figures);
        figures
    });
    let after = bench.forward_once_more();
    let verify = bench.verify_forward();
    let key_index =
        probe::primary_key_index_after_inserts(&mut bench.monitor, users / EXTRA_USERS_DIVISOR);
    let v7 = bench.v7_once_more(v7_bundle, users / EXTRA_USERS_DIVISOR);
    SizeResult {
        users,
        journals,
        runs,
        s0,
        floors,
        forward,
        verify,
        rollback,
        uuid_draw,
        copy_bytes,
        forward_bytes: after.tables_bytes,
        converted_copy_bytes: after.copy_bytes,
        database_growth: after.database_growth,
        extra_forward: after.elapsed,
        key_index,
        v7,
        writer_rows: bench.writes.expected,
        writer_rows_kept: bench.writes.kept,
        problems: bench.problems,
        online,
    }
}

/// One size's database, and what the runs on it have found so far.
struct SizeBench<'a, 's> {
    db: &'a Database<'s>,
    bundle: &'a Bundle,
    monitor: Monitor,
    runs: usize,
    writes: WriterLedger,
    /// Findings that do not stop the bench: a file that failed under the
    /// writer, lost rows, indexes that differ after forward.
    problems: Vec<String>,
}

/// What the rounds measured.
struct Rounds {
    s0: Step,
    floors: [(Draw, Step); 2],
    forward: Step,
    rollback: Step,
    /// The size of S0's copies in the first round, on the data as loaded.
    copy_bytes: u64,
}

/// The state forward leaves, measured on the unobserved extra run.
struct AfterForward {
    elapsed: Duration,
    /// `users` and `journals` with their indexes.
    tables_bytes: u64,
    /// S0's copy made of them.
    copy_bytes: u64,
    database_growth: i64,
}

impl SizeBench<'_, '_> {
    /// S0, the floors, forward.sql and rollback.sql, in that order once per
    /// run, each under every observer. S0 and the floors run in every
    /// round, not only first, so that their fastest runs come from the same
    /// stretch of time (and load on a shared machine) as the files'.
    fn rounds(&mut self) -> Rounds {
        let (mut s0, mut forward, mut rollback) = Default::default();
        let mut floors = [Draw::Random, Draw::Nothing].map(|draw| (draw, Step::default()));
        let mut copy_bytes = None;
        for _ in 0..self.runs {
            let (sample, bytes) = self.s0_once();
            s0 = push(s0, sample);
            copy_bytes.get_or_insert(bytes);
            for (draw, step) in &mut floors {
                let sample = self.floor_once(*draw);
                step.samples.push(sample);
            }
            forward = push(forward, self.watched_file("forward.sql"));
            rollback = push(rollback, self.watched_file("rollback.sql"));
        }
        Rounds {
            s0,
            floors,
            forward,
            rollback,
            copy_bytes: copy_bytes.expect("at least one run"),
        }
    }

    /// One run of a floor, which must rebuild the indexes S0 rebuilds.
    fn floor_once(&mut self, draw: Draw) -> Sample {
        let db = self.db;
        let (sample, copy) = self.measure(Watch::ReadsAndWrites, draw.name(), || {
            Ok(reference::run(db, draw))
        });
        let copy = copy.expect("floor");
        assert!(
            copy.index_mismatches.is_empty(),
            "{} must rebuild every index of the tables, no fewer: {:?}",
            draw.name(),
            copy.index_mismatches
        );
        self.check_writer_rows(&sample, draw.name());
        sample
    }

    /// One S0 run, and the size of its copies.
    fn s0_once(&mut self) -> (Sample, u64) {
        let db = self.db;
        let (sample, copy) = self.measure(Watch::ReadsAndWrites, "S0", || Ok(baseline::run(db)));
        let copy = copy.expect("S0");
        assert!(
            copy.index_mismatches.is_empty(),
            "S0 must rebuild every index of the tables, no fewer: {:?}",
            copy.index_mismatches
        );
        self.check_writer_rows(&sample, "S0");
        (sample, copy.bytes)
    }

    /// Runs `file` watched by the reader, the writer and the lock sampler.
    /// A file that fails while the writer inserts is a finding, not the end
    /// of the bench: it is reported, and run again without the writer so
    /// that the other figures can still be taken (a failed transaction
    /// leaves the database as it was).
    fn watched_file(&mut self, file: &str) -> Sample {
        let (sample, result) = self.measure_file(Watch::ReadsAndWrites, file);
        self.check_writer_rows(&sample, file);
        let Err(error) = result else {
            return sample;
        };
        self.problems.push(format!(
            "{file} failed after {:.1} s while the writer inserted users rows, so its \
             figures come from a run without the writer: {error}",
            sample.elapsed.as_secs_f64()
        ));
        let (sample, result) = self.measure_file(Watch::ReadsOnly, file);
        result.unwrap_or_else(|e| panic!("{file} failed again, without the writer: {e}"));
        sample
    }

    /// forward.sql once more, unobserved and not counted, then the sizes it
    /// leaves and S0's copy of the converted tables (untimed).
    fn forward_once_more(&mut self) -> AfterForward {
        let database_before = self.monitor.database_bytes();
        let start = Instant::now();
        self.bundle.must_run(self.db, "forward.sql");
        let elapsed = start.elapsed();
        eprintln!("forward.sql (unobserved, not counted): {elapsed:.2?}");
        let tables_bytes = self.monitor.tables_bytes();
        let database_growth = self.monitor.database_bytes() as i64 - database_before as i64;
        let copy = baseline::run(self.db);
        self.problems.extend(
            copy.index_mismatches
                .iter()
                .map(|m| format!("after forward the indexes differ from the original ones: {m}")),
        );
        AfterForward {
            elapsed,
            tables_bytes,
            copy_bytes: copy.bytes,
            database_growth,
        }
    }

    /// The same data with version 7 keys: the index hook's users go, the
    /// v4 keys are rolled back, and the v7 bundle's forward.sql runs once
    /// (unobserved) before the hook again.
    fn v7_once_more(&mut self, v7_bundle: &Bundle, extra_users: u64) -> V7Figures {
        self.bundle.must_run(self.db, "rollback.sql");
        probe::forget_index_users(&mut self.monitor);
        self.monitor.checkpoint();
        let start = Instant::now();
        v7_bundle.must_run(self.db, "forward.sql");
        let forward = start.elapsed();
        eprintln!("forward.sql with --uuid v7 (unobserved): {forward:.2?}");
        V7Figures {
            forward,
            key_index: probe::primary_key_index_after_inserts(&mut self.monitor, extra_users),
        }
    }

    /// verify_forward.sql, right after forward, watched without the writer.
    fn verify_forward(&mut self) -> Step {
        let mut step = Step::default();
        for _ in 0..self.runs {
            let (sample, result) = self.measure_file(Watch::ReadsOnly, "verify_forward.sql");
            result.unwrap_or_else(|e| panic!("verify_forward.sql failed: {e}"));
            step.samples.push(sample);
        }
        step
    }

    fn measure_file(&mut self, watch: Watch, file: &str) -> (Sample, Result<(), String>) {
        let (db, bundle) = (self.db, self.bundle);
        self.measure(watch, file, || bundle.run(db, file))
    }

    /// Runs `step` from a checkpoint with the observers `watch` asks for,
    /// and returns its time, the WAL it wrote, what the observers saw, and
    /// what `step` returned.
    fn measure<T>(
        &mut self,
        watch: Watch,
        name: &str,
        step: impl FnOnce() -> Result<T, String>,
    ) -> (Sample, Result<T, String>) {
        self.monitor.checkpoint();
        let observers = Observers::start(&self.db.url(), watch);
        let wal_before = self.monitor.wal_position();
        let start = Instant::now();
        let out = step();
        let elapsed = start.elapsed();
        let wal = self.monitor.wal_since(&wal_before);
        let observed = observers.finish();
        let load = load_average();
        let failed = if out.is_err() { " (failed)" } else { "" };
        eprintln!("{name}: {elapsed:.2?}{failed}");
        let sample = Sample {
            elapsed,
            wal,
            observed,
            load,
        };
        (sample, out)
    }

    fn check_writer_rows(&mut self, sample: &Sample, after: &str) {
        let problem = self.writes.check(&mut self.monitor, sample, after);
        self.problems.extend(problem);
    }
}

/// The one-minute load average (`/proc/loadavg`), printed beside each
/// step: on a shared machine it tells a slow engine from a busy machine.
fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// `step` with one more run.
fn push(mut step: Step, sample: Sample) -> Step {
    step.samples.push(sample);
    step
}

/// Creates the schema and fills it: `users` users and `journals` journals,
/// spread over the users, then vacuums, analyzes and checkpoints, as a
/// settled database would be. Foreign-key checks are skipped while loading
/// (`session_replication_role`): the data is valid by construction, and
/// checking 20M references one by one takes minutes that measure nothing.
fn load(db: &Database, users: u64, journals: u64) {
    let start = Instant::now();
    db.psql_sql(SCHEMA).expect("schema");
    db.psql_sql(&format!(
        "INSERT INTO users (email)
         SELECT 'user' || g || '@example.com' FROM generate_series(1, {users}) g;
         SET session_replication_role = replica;
         INSERT INTO journals (user_id, title, body)
         SELECT 1 + g % {users}, 'title ' || g, repeat('lorem ipsum ', 8)
         FROM generate_series(1, {journals}) g;
         RESET session_replication_role;
         VACUUM ANALYZE;
         CHECKPOINT;"
    ))
    .expect("data");
    eprintln!("loaded in {:.2?}", start.elapsed());
}

/// The writer's rows in this database: how many it inserted, and whether
/// they were all still there after each step.
struct WriterLedger {
    expected: u64,
    kept: bool,
}

impl Default for WriterLedger {
    fn default() -> WriterLedger {
        WriterLedger {
            expected: 0,
            kept: true,
        }
    }
}

impl WriterLedger {
    /// Adds the rows the writer inserted during `sample`, counts them all,
    /// and returns a problem if some are missing.
    fn check(&mut self, monitor: &mut Monitor, sample: &Sample, after: &str) -> Option<String> {
        self.expected += sample.observed.writes.as_ref().map_or(0, |w| w.ok);
        let present = monitor.writer_rows();
        (present != self.expected).then(|| {
            self.kept = false;
            format!(
                "after {after}, {present} of the writer's {} rows are in users",
                self.expected
            )
        })
    }
}
