//! Online mode on a real server.
//!
//! - Every schema case, and chinook, pagila and sakila, through online
//!   mode's phases (`matrix::online::online_round_trip`): the forward path
//!   from plan.json's `sequence`, rollback to an identical schema dump and
//!   data, abort after a backfill to the same, writes through the uuids
//!   kept by rollback, contract. A case online mode refuses must be
//!   refused by preflight, naming each table and why.
//! - A writer that inserts parents with children, updates and deletes, on
//!   both converted tables, through every phase including cutover (the
//!   backfill in two sessions at once, as plan.json's `concurrent` allows): no
//!   statement fails, and at the end every row it wrote or left is there
//!   exactly once, pointing at the parent it was written with; after
//!   rollback still so, and the schema dump is as before. The writer's
//!   longest wait is printed (the bench measures it at scale; no test
//!   asserts a time).
//! - The files that read whole tables beside the application run in one
//!   process per session (`each_long_phase_runs_in_one_process`): what a
//!   server can spare for the migration is the number of sessions.

mod matrix;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[test]
fn schema_and_corpus_cases_round_trip_online() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    matrix::run_cases(
        "online round trip",
        server,
        &matrix::all_cases(),
        matrix::online::online_round_trip,
    );
}

const SCHEMA: &str = "
CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE INDEX users_name ON users (name);
CREATE TABLE journals (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    body text NOT NULL
);
CREATE INDEX journals_user_id ON journals (user_id);
CREATE INDEX journals_body ON journals (body);
INSERT INTO users (name) SELECT 'u' || i FROM generate_series(1, 20000) AS i;
INSERT INTO journals (user_id, body) SELECT 1 + i % 20000, 'b' || i || ' of u' || (1 + i % 20000) FROM generate_series(1, 60000) AS i;
";

/// What the writer expects. Users are known by the name they were
/// created with (`key`), which maps to their current name; journals by
/// body, with the key of their user.
#[derive(Default)]
struct Ledger {
    users: BTreeMap<String, String>,
    journals: BTreeMap<String, String>,
}

impl Ledger {
    fn initial() -> Ledger {
        let mut l = Ledger::default();
        for i in 1..=20000 {
            l.users.insert(format!("u{i}"), format!("u{i}"));
        }
        for i in 1..=60000 {
            l.journals
                .insert(Self::body(i), format!("u{}", 1 + i % 20000));
        }
        l
    }

    /// The body a pre-existing journal was loaded with.
    fn body(i: u64) -> String {
        format!("b{i} of u{}", 1 + i % 20000)
    }

    fn delete_user(&mut self, key: &str) {
        self.users.remove(key);
        self.journals.retain(|_, owner| owner != key);
    }

    /// (user name, journal body joined with its user's name).
    fn expected(&self) -> (BTreeSet<String>, BTreeSet<(String, String)>) {
        (
            self.users.values().cloned().collect(),
            self.journals
                .iter()
                .map(|(body, owner)| (body.clone(), self.users[owner].clone()))
                .collect(),
        )
    }
}

/// Runs the writer until `stop`; returns the ledger, the number of
/// statements, the failures and the longest statement.
fn write_until(url: &str, stop: &AtomicBool) -> (Ledger, usize, Vec<String>, (Duration, Instant)) {
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    let mut ledger = Ledger::initial();
    let mut failures = Vec::new();
    let mut longest = (Duration::ZERO, Instant::now());
    let mut statements = 0;
    let mut n: u64 = 0;
    let mut run = |client: &mut postgres::Client, sql: &str, failures: &mut Vec<String>| {
        let started = Instant::now();
        let result = client.execute(sql, &[]);
        if started.elapsed() > longest.0 {
            longest = (started.elapsed(), started);
        }
        statements += 1;
        match result {
            Ok(rows) => Some(rows),
            Err(e) => {
                failures.push(format!("{sql}: {e}"));
                None
            }
        }
    };
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        // A parent and its child in one statement, whatever type the key has.
        let user = format!("w{n}");
        let body = format!("j{n} of {user}");
        let sql = format!(
            "WITH u AS (INSERT INTO users (name) VALUES ('{user}') RETURNING id) INSERT INTO journals (user_id, body) SELECT id, '{body}' FROM u"
        );
        if run(&mut client, &sql, &mut failures) == Some(1) {
            ledger.users.insert(user.clone(), user.clone());
            ledger.journals.insert(body, user);
        }
        // A pre-existing user renamed; a pre-existing journal moved to
        // another user, or deleted; and an earlier user of the writer's
        // deleted, with its journal (ON DELETE CASCADE).
        let key = format!("u{}", 1 + (n * 7919) % 20000);
        if let Some(from) = ledger.users.get(&key).cloned() {
            let to = format!("{key}+{n}");
            let sql = format!("UPDATE users SET name = '{to}' WHERE name = '{from}'");
            if run(&mut client, &sql, &mut failures) == Some(1) {
                ledger.users.insert(key, to);
            }
        }
        let body = Ledger::body(1 + (n * 104729) % 60000);
        if ledger.journals.contains_key(&body) {
            if n.is_multiple_of(3) {
                let sql = format!("DELETE FROM journals WHERE body = '{body}'");
                if run(&mut client, &sql, &mut failures) == Some(1) {
                    ledger.journals.remove(&body);
                }
            } else {
                let target = format!("u{}", 1 + (n * 31) % 20000);
                if let Some(name) = ledger.users.get(&target).cloned() {
                    let sql = format!(
                        "UPDATE journals SET user_id = (SELECT id FROM users WHERE name = '{name}') WHERE body = '{body}'"
                    );
                    if run(&mut client, &sql, &mut failures) == Some(1) {
                        ledger.journals.insert(body, target);
                    }
                }
            }
        }
        if n.is_multiple_of(5) && n > 5 {
            let gone = format!("w{}", n - 5);
            if ledger.users.contains_key(&gone) {
                let sql = format!("DELETE FROM users WHERE name = '{gone}'");
                if run(&mut client, &sql, &mut failures) == Some(1) {
                    ledger.delete_user(&gone);
                }
            }
        }
    }
    (ledger, statements, failures, longest)
}

/// Every user and journal is there once, each journal with the user the
/// ledger says.
fn assert_matches(db: &support::Database, ledger: &Ledger, when: &str) {
    let (users, journals) = ledger.expected();
    let found: BTreeSet<String> = db
        .query_rows("SELECT name FROM users")
        .into_iter()
        .collect();
    let count = db.query_rows("SELECT count(*) FROM users");
    assert_eq!(
        count,
        [users.len().to_string()],
        "{when}: users differ in number"
    );
    assert!(
        found == users,
        "{when}: users differ from what the writer left"
    );
    let found: BTreeSet<(String, String)> = db
        .query_rows(
            "SELECT j.body || '|' || u.name FROM journals j JOIN users u ON u.id = j.user_id",
        )
        .into_iter()
        .map(|l| {
            let (b, u) = l.split_once('|').expect("body|name");
            (b.to_string(), u.to_string())
        })
        .collect();
    let count = db.query_rows("SELECT count(*) FROM journals");
    assert_eq!(
        count,
        [journals.len().to_string()],
        "{when}: journals differ in number"
    );
    assert!(
        found == journals,
        "{when}: journals lost, duplicated or relinked: {} missing, {} unexpected",
        journals.difference(&found).count(),
        found.difference(&journals).count()
    );
}

/// [`SCHEMA`] written into `work`, and its online bundle.
fn online_bundle(work: &std::path::Path) -> (std::path::PathBuf, keyshift::pipeline::Output) {
    online_bundle_of(work, SCHEMA)
}

/// `schema` written into `work`, and its online bundle.
fn online_bundle_of(
    work: &std::path::Path,
    schema: &str,
) -> (std::path::PathBuf, keyshift::pipeline::Output) {
    let ddl = work.join("schema.sql");
    std::fs::write(&ddl, schema).expect("write schema");
    let options = keyshift::plan::Options {
        mode: Some(keyshift::plan::Mode::Online),
        ..Default::default()
    };
    let output = keyshift::pipeline::run_configured("schema.sql", schema, &options, None)
        .unwrap_or_else(|e| panic!("{e:?}"));
    (ddl, output)
}

/// A database named after `name` holding `schema` and its rows, and the
/// directory its online bundle was written to (under `work`).
fn loaded<'s>(
    server: &'s support::Server,
    work: &std::path::Path,
    schema: &str,
    name: &str,
) -> (support::Database<'s>, std::path::PathBuf) {
    let (ddl, output) = online_bundle_of(work, schema);
    let bundle = work.join("bundle");
    output.bundle.write_to(&bundle).expect("write bundle");
    let db = server.create_database(name);
    db.psql_file(&ddl, None).expect("load");
    (db, bundle)
}

/// Runs each of `files` of `bundle`, in order, failing on the first error.
fn run_files(db: &support::Database, bundle: &std::path::Path, files: &[&str]) {
    for file in files {
        db.psql_file(&bundle.join(file), Some(bundle))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
    }
}

#[test]
fn online_phases_under_a_concurrent_writer() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let (ddl, output) = online_bundle(work.path());
    assert!(
        output.plan.blockers.is_empty(),
        "{:?}",
        output.plan.blockers
    );
    let bundle = work.path().join("bundle");
    output.bundle.write_to(&bundle).expect("write bundle");

    let db = server.create_database("online_writer");
    db.psql_file(&ddl, None).expect("load");
    let dump_before = db.dump_schema();

    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (url, stop) = (db.url(), Arc::clone(&stop));
        std::thread::spawn(move || write_until(&url, &stop))
    };
    // Let the writer get going, so every phase starts with writes in flight.
    std::thread::sleep(Duration::from_millis(300));
    let mut phases = Vec::new();
    let concurrent = matrix::online::concurrent(&bundle);
    for file in matrix::online::sequence(&bundle) {
        let started = Instant::now();
        matrix::online::run_file(&db, &bundle, &file, &concurrent)
            .unwrap_or_else(|e| panic!("{file} failed under the writer: {e}"));
        eprintln!(
            "online under a writer: {file} took {:.2} s",
            started.elapsed().as_secs_f64()
        );
        phases.push((file, started));
    }
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    let (ledger, statements, failures, longest) = writer.join().expect("writer thread");
    let during = phases
        .iter()
        .rev()
        .find(|(_, started)| *started <= longest.1)
        .map_or("before expand", |(file, _)| file.as_str());
    eprintln!(
        "online under a writer: {statements} statements, {} failed, longest {:.0} ms (during {during})",
        failures.len(),
        longest.0.as_secs_f64() * 1000.0
    );
    assert!(
        failures.is_empty(),
        "writer statements failed:\n{}",
        failures.join("\n")
    );
    assert!(
        statements > 100,
        "the writer ran only {statements} statements"
    );
    assert_eq!(
        db.query_rows(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"
        ),
        ["0"],
        "every foreign key is valid after validate.sql"
    );
    assert_matches(&db, &ledger, "after cutover");

    db.psql_file(&bundle.join("rollback.sql"), Some(&bundle))
        .expect("rollback");
    db.psql_file(&bundle.join("verify_rollback.sql"), Some(&bundle))
        .expect("verify_rollback");
    assert_matches(&db, &ledger, "after rollback");
    assert_eq!(db.dump_schema(), dump_before, "schema dump after rollback");
}

/// A logical replication subscriber applies its changes with
/// `session_replication_role = replica`, where ordinary triggers do not
/// fire: the capture triggers are ALWAYS triggers, so such rows are logged
/// and replayed too, which verify_shadow proves.
#[test]
fn rows_applied_as_a_replica_are_captured() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let (db, bundle) = loaded(server, work.path(), SCHEMA, "online_replica");
    run_files(
        &db,
        &bundle,
        &["preflight.sql", "expand.sql", "backfill.sql"],
    );
    db.psql_sql(
        "SET session_replication_role = replica;
         INSERT INTO users (name) VALUES ('replicated');
         INSERT INTO journals (user_id, body) SELECT id, 'replicated journal' FROM users WHERE name = 'replicated';
         UPDATE users SET name = 'u1 replicated' WHERE name = 'u1';
         DELETE FROM journals WHERE body = 'b7 of u8';",
    )
    .expect("writes as a replica");
    assert_eq!(
        db.query_rows("SELECT (SELECT count(*) FROM keyshift.log_1) + (SELECT count(*) FROM keyshift.log_2) > 0"),
        ["t"],
        "the replica's writes were logged"
    );
    run_files(
        &db,
        &bundle,
        &[
            "catch_up.sql",
            "verify_shadow.sql",
            "cutover.sql",
            "validate.sql",
            "verify_forward.sql",
        ],
    );
    assert_eq!(
        db.query_rows("SELECT u.name FROM journals j JOIN users u ON u.id = j.user_id WHERE j.body = 'replicated journal'"),
        ["replicated"]
    );
    assert_eq!(
        db.query_rows("SELECT count(*) FROM users WHERE name = 'u1 replicated'"),
        ["1"]
    );
}

/// Parallel workers beside the application can fill every core, and then
/// each of its statements may wait for one (on the two-core machines the
/// bench runs on, 100 ms for a `SELECT 1`). So every file that reads whole
/// tables outside cutover's locks turns them off before its first
/// statement that reads one, and a session costs one core. No server can
/// show that no worker started before PostgreSQL 18, so this reads the
/// files.
#[test]
fn each_long_phase_runs_in_one_process() {
    assert_set_before_work(
        &[
            "preflight.sql",
            "backfill.sql",
            "verify_shadow.sql",
            "catch_up.sql",
            "cutover.sql",
            "validate.sql",
        ],
        &[
            "\nSET max_parallel_workers_per_gather = 0;\n",
            "\nSET max_parallel_maintenance_workers = 0;\n",
        ],
    );
}

/// Pages a session writes out of shared buffers stay dirty in the kernel
/// until something flushes them; left to a checkpoint's fsync, gigabytes
/// reach the disk at once and the application's commits wait behind them
/// (551 ms at 1M and 722 ms at 4M in the bench on a durable server). So
/// every file that writes copies or replays rows beside the application
/// asks for its writes to be flushed as it goes, before its first write.
/// The setting has no effect a query can see, so this reads the files;
/// every online test runs them on a real server.
#[test]
fn each_writing_phase_paces_its_writes() {
    assert_set_before_work(
        &[
            "backfill.sql",
            "verify_shadow.sql",
            "catch_up.sql",
            "cutover.sql",
        ],
        &["\nSET backend_flush_after = '256kB';\n"],
    );
}

/// Each of `settings` is in each of `files`, before the file's first
/// transaction, procedure call or temporary table.
fn assert_set_before_work(files: &[&str], settings: &[&str]) {
    let work = tempfile::tempdir().expect("temp dir");
    let (_, output) = online_bundle(work.path());
    for file in files {
        let sql = output.bundle.get(file).expect("the file is in the bundle");
        let first_work = [
            "\nBEGIN;",
            "\nBEGIN TRANSACTION",
            "\nCALL keyshift.",
            "\nCREATE TEMPORARY TABLE",
        ]
        .iter()
        .filter_map(|s| sql.find(s))
        .min()
        .unwrap_or_else(|| panic!("{file} starts no transaction and calls no procedure"));
        for setting in settings {
            let at = sql.find(setting);
            assert!(
                at.is_some_and(|at| at < first_work),
                "{file} must set this before it starts: {setting:?}"
            );
        }
    }
}

/// Keys at both ends of bigint's range. A sequence may start at bigint's
/// least value to double its range, and application-chosen keys may reach
/// its greatest: backfill's key ranges must neither step below the least
/// value nor past the greatest, for dense keys (ranges of values) and
/// sparse ones (ranges cut at keys). Batches of two rows, so that each
/// table has several, the last one short; then the rest of the forward
/// path proves the copies, and rollback gives every row back. The
/// backfill is called by hand under the server's default search path, and
/// `spread`'s plain index makes it replay an index definition as the
/// server prints it, which once failed under that path.
#[test]
fn keys_at_both_ends_of_bigint_are_batched() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    const ENDS: &str = "
CREATE TABLE low (id bigserial PRIMARY KEY, note text NOT NULL);
CREATE TABLE high (id bigint PRIMARY KEY, low_id bigint NOT NULL REFERENCES low, note text NOT NULL);
CREATE TABLE spread (id bigint PRIMARY KEY, high_id bigint REFERENCES high);
CREATE INDEX ON spread (high_id);
INSERT INTO low (id, note) SELECT -9223372036854775808 + i, 'low ' || i FROM generate_series(0, 4) AS i;
INSERT INTO high (id, low_id, note) SELECT 9223372036854775807 - i, -9223372036854775808 + i, 'high ' || i FROM generate_series(0, 4) AS i;
INSERT INTO spread VALUES (-9223372036854775808, NULL), (0, 9223372036854775807), (9223372036854775807, 9223372036854775803);
ANALYZE;
";
    let work = tempfile::tempdir().expect("temp dir");
    let (db, bundle) = loaded(server, work.path(), ENDS, "online_bigint_ends");
    let before = (db.dump_schema(), db.data_snapshot());
    run_files(&db, &bundle, &["preflight.sql", "expand.sql"]);
    // Called as a user would type it, under the server's default search
    // path, which finds the tables unqualified: the functions that compare
    // catalog text carry their own.
    db.psql_sql("SET search_path = \"$user\", public; CALL keyshift.backfill(2)")
        .unwrap_or_else(|e| panic!("backfill in batches of two: {e}"));
    assert_eq!(
        db.query_rows(
            "SELECT position || ': ' || string_agg(lo || '..' || hi, ' ' ORDER BY lo) FROM keyshift.online_batch WHERE step = 1 GROUP BY position ORDER BY position"
        ),
        [
            "1: -9223372036854775808..-9223372036854775807 -9223372036854775806..-9223372036854775805 -9223372036854775804..-9223372036854775804",
            "2: 9223372036854775803..9223372036854775804 9223372036854775805..9223372036854775806 9223372036854775807..9223372036854775807",
            "3: -9223372036854775808..0 1..9223372036854775807",
        ],
        "dense keys in ranges of two values, sparse ones cut at every second key"
    );
    // Autovacuum stays off a map while backfill fills it, and comes back
    // at cutover.
    let map_options = "SELECT string_agg(c.relname || ' ' || coalesce(array_to_string(c.reloptions, ','), 'defaults'), '; ' ORDER BY c.relname) \
                       FROM keyshift.id_map m JOIN pg_class c ON c.oid = to_regclass(m.map)";
    assert_eq!(
        db.query_rows(map_options),
        [
            "high_ids autovacuum_enabled=false; low_ids autovacuum_enabled=false; spread_ids autovacuum_enabled=false"
        ],
        "the maps while backfill fills them"
    );
    run_files(&db, &bundle, &["verify_shadow.sql", "cutover.sql"]);
    assert_eq!(
        db.query_rows(map_options),
        ["high_ids defaults; low_ids defaults; spread_ids defaults"],
        "the maps after cutover"
    );
    run_files(&db, &bundle, &["validate.sql", "verify_forward.sql"]);
    assert_eq!(
        db.query_rows("SELECT count(*) FROM high h JOIN low l ON l.id = h.low_id AND substr(l.note, 5) = substr(h.note, 6)"),
        ["5"],
        "every row of high still points at its row of low, through uuids"
    );
    run_files(&db, &bundle, &["rollback.sql", "verify_rollback.sql"]);
    assert!(
        before == (db.dump_schema(), db.data_snapshot()),
        "rollback gives back the schema and every row, keys at bigint's ends included"
    );
}

/// PLAN.md's runbook runs backfill.sql in `$SESSIONS` sessions at once; the
/// line must start each of them and fail when any fails, so that a script
/// run with `set -e` stops there. Run by bash with a `psql` that only
/// records that it ran and, the second time, fails.
#[test]
fn runbook_sessions_line_fails_when_a_session_fails() {
    let work = tempfile::tempdir().expect("temp dir");
    let (_, output) = online_bundle(work.path());
    let plan = output.bundle.get("PLAN.md").expect("PLAN.md");
    let line = plan
        .lines()
        .find(|l| {
            l.contains("backfill.sql") && l.contains("$SESSIONS") && !l.starts_with("SESSIONS=")
        })
        .expect("the runbook runs backfill.sql in $SESSIONS sessions");
    let bin = work.path().join("bin");
    std::fs::create_dir(&bin).expect("bin dir");
    let psql = bin.join("psql");
    std::fs::write(
        &psql,
        "#!/bin/sh\nmkdir \"$RUNS/$$\"\nif [ -n \"$FAIL_SECOND\" ] && ! mkdir \"$RUNS/first\" 2>/dev/null; then exit 3; fi\nexit 0\n",
    )
    .expect("write psql");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&psql, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    for (fail, sessions) in [(false, 3), (true, 2)] {
        let runs = tempfile::tempdir().expect("runs dir");
        let status = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("SESSIONS={sessions}\n{line}"))
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    bin.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("RUNS", runs.path())
            .env("FAIL_SECOND", if fail { "1" } else { "" })
            .status()
            .expect("run bash");
        let ran = std::fs::read_dir(runs.path())
            .expect("read runs")
            .filter(|e| e.as_ref().is_ok_and(|e| e.file_name() != "first"))
            .count();
        assert_eq!(ran, sessions, "{line}: one psql per session");
        assert_eq!(
            status.success(),
            !fail,
            "{line}: exit status {status} with a failing session: {fail}"
        );
    }
}

/// monitor.sql reads only statistics views, so a backfill session says in
/// its `application_name` which batch of which step it is on, of how many.
/// A second session holds the users map's first batch, so the session under
/// test does every other map batch and then waits, showing the last one it
/// did: the twelfth of twelve journals map batches (60,000 dense keys in
/// batches of 5,000).
#[test]
fn monitor_shows_the_batch_each_backfill_session_is_on() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let (db, bundle) = loaded(server, work.path(), SCHEMA, "online_backfill_progress");
    run_files(&db, &bundle, &["preflight.sql", "expand.sql"]);
    db.psql_sql("CALL keyshift.plan_backfill(5000)")
        .expect("cut the backfill into batches");
    let mut holder = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");
    holder
        .batch_execute(
            "BEGIN; SELECT FROM keyshift.online_batch WHERE step = 1 AND position = 1 ORDER BY lo LIMIT 1 FOR UPDATE",
        )
        .expect("hold the first map batch");
    let mut watcher = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");
    let expected = r#"keyshift backfill: map 12/12, "public"."journals""#;
    let shown = std::thread::scope(|scope| {
        let backfill = scope.spawn(|| db.psql_sql("CALL keyshift.backfill(5000)"));
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut shown = Vec::new();
        while Instant::now() < deadline && !backfill.is_finished() {
            shown = watcher
                .query(
                    "SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'keyshift backfill:%'",
                    &[],
                )
                .expect("read pg_stat_activity")
                .iter()
                .map(|r| r.get::<_, String>(0))
                .collect::<Vec<_>>();
            if shown == [expected] {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        holder.batch_execute("COMMIT").expect("let the batch go");
        backfill
            .join()
            .expect("backfill's thread")
            .unwrap_or_else(|e| panic!("backfill failed: {e}"));
        shown
    });
    assert_eq!(
        shown,
        [expected],
        "what monitor.sql shows of the waiting session"
    );
    run_files(
        &db,
        &bundle,
        &["verify_shadow.sql", "abort.sql", "verify_rollback.sql"],
    );
}
