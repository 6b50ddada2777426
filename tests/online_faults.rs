//! Online mode's phases killed, on a real server, on `schema/online_shop`.
//!
//! - expand.sql, catch_up.sql, verify_shadow.sql, cutover.sql,
//!   validate.sql and abort.sql killed by `pg_terminate_backend` after a
//!   statement: killed before their COMMIT,
//!   the schema dump and data are exactly as before the file; then the file
//!   runs again (or, once it committed, the next one runs), the rest of the
//!   path follows, and the end is checked (below).
//! - backfill.sql killed inside its procedure, in the transaction of its
//!   k-th batch, for every k, by a test trigger on its progress table; the
//!   application then writes (the case's `writes.sql`, through integer
//!   keys), backfill.sql runs again and resumes.
//! - backfill.sql in two sessions at once, one killed in its k-th batch:
//!   the other takes that batch back and finishes the backfill alone.
//! - the server stopped immediately in the middle of a backfill batch
//!   (a server of this test's own), restarted, and backfill.sql run again.
//! - cutover.sql while another transaction holds a converted table: it
//!   keeps trying in short attempts, names that transaction, and goes on
//!   once it ends; while an autovacuum holds one (a server of this test's
//!   own, with a short `autovacuum_naptime`): it cancels the vacuum.
//!
//! After each, the rest of the forward path runs (verify_shadow proves the
//! copies equal the tables; verify_forward the structure), then
//! rollback.sql: the schema dump and every row and sequence must be exactly
//! those of the same writes made without any migration. Or abort.sql, with
//! the same requirement.
//!
//! By default a slice: after the first statement, the last two, each
//! COMMIT and every 8th of expand.sql (every 3rd of the others), and in
//! every 4th batch of the backfill; `KEYSHIFT_FAULTS=all` kills after
//! every statement and in every batch.

mod faults;
mod matrix;
mod support;

use faults::points::BundleFile;
use faults::state::Exact;
use matrix::Case;
use std::path::{Path, PathBuf};
use support::{Database, Missing, Server, ServerSpec};

fn case() -> Case {
    matrix::schema_cases()
        .into_iter()
        .find(|c| c.name == "online_shop")
        .expect("schema/online_shop")
}

/// The case's bundle, written into `work`.
fn bundle(case: &Case, work: &Path) -> PathBuf {
    let (source, sql) = matrix::read_ddl(case);
    let output = matrix::run_pipeline(case, &source, &sql);
    assert_eq!(output.plan.mode, keyshift::plan::Mode::Online);
    let dir = work.join("bundle");
    output.bundle.write_to(&dir).expect("write bundle");
    dir
}

/// The case loaded on a server, its bundle written beside it, and the
/// state it started in.
struct Loaded<'s> {
    case: Case,
    bundle: PathBuf,
    db: Database<'s>,
    start: Exact,
    _work: tempfile::TempDir,
}

impl<'s> Loaded<'s> {
    fn on(server: &'s Server) -> Loaded<'s> {
        let case = case();
        let work = tempfile::tempdir().expect("temp dir");
        let bundle = bundle(&case, work.path());
        let db = matrix::load(server, &case, work.path());
        let start = Exact::of(&db);
        Loaded {
            case,
            bundle,
            db,
            start,
            _work: work,
        }
    }

    /// A copy of the loaded database after preflight.sql and expand.sql.
    fn expanded(&self, server: &'s Server, prefix: &str) -> Database<'s> {
        let db = server.copy_database(prefix, &self.db);
        for file in ["preflight.sql", "expand.sql"] {
            run(&db, &self.bundle, file);
        }
        db
    }
}

fn run(db: &Database, bundle: &Path, file: &str) {
    db.psql_file(&bundle.join(file), Some(bundle))
        .unwrap_or_else(|e| panic!("{file} failed on {}: {e}", db.name()));
}

/// The forward path's files after `after` (all of them for `None`).
fn rest_of_path(bundle: &Path, after: Option<&str>) -> Vec<String> {
    let path = matrix::online::sequence(bundle);
    match after {
        None => path,
        Some(file) => {
            let at = path
                .iter()
                .position(|f| f == file)
                .unwrap_or_else(|| panic!("{file} is not on the forward path"));
            path[at + 1..].to_vec()
        }
    }
}

/// Runs the rest of the forward path after `after`, then rollback, and
/// requires the state `expected`.
fn finish_and_roll_back(
    db: &Database,
    bundle: &Path,
    after: Option<&str>,
    expected: &Exact,
    what: &str,
) {
    for file in rest_of_path(bundle, after) {
        run(db, bundle, &file);
    }
    run(db, bundle, "rollback.sql");
    run(db, bundle, "verify_rollback.sql");
    if let Err(e) = Exact::of(db).compare(expected, what) {
        panic!("{e}");
    }
}

fn long_run() -> bool {
    std::env::var("KEYSHIFT_FAULTS").is_ok_and(|v| v == "all")
}

/// The statements of `file` to kill after: every one, or the first, the
/// last two, each COMMIT and every `stride`th.
fn kill_points(file: &BundleFile, stride: usize) -> Vec<usize> {
    let n = file.statements.len();
    (0..n)
        .filter(|&k| {
            k == 0 || k + 2 >= n || k % stride == 0 || file.statements[k].head.starts_with("COMMIT")
        })
        .collect()
}

/// Every statement or batch on the long run, else every `slice`th.
fn stride(slice: usize) -> usize {
    if long_run() { 1 } else { slice }
}

/// Kills `name` after each chosen statement on a copy of `before`, then
/// checks and finishes as the module docs say.
fn kill_file(
    server: &Server,
    bundle: &Path,
    before: &Database,
    name: &str,
    stride: usize,
    end: &Exact,
    abort_path: bool,
) {
    let file = BundleFile::read(bundle, name);
    let was = Exact::of(before);
    for k in kill_points(&file, stride) {
        let db = server.copy_database("online_fault", before);
        let copy = bundle.join(format!("killed-{k}-{name}"));
        std::fs::write(
            &copy,
            file.with_after(k, "SELECT pg_terminate_backend(pg_backend_pid());"),
        )
        .expect("write killed copy");
        let outcome = db.psql_file(&copy, Some(bundle));
        let _ = std::fs::remove_file(&copy);
        match outcome {
            Err(e) if e.code == Some(2) => {}
            other => panic!(
                "{name} killed after statement {k}: psql did not lose its session: {other:?}"
            ),
        }
        let what = format!(
            "{name} killed after statement {k} ({})",
            file.statements[k].head
        );
        // Killed before the file's last COMMIT (or anywhere in a file of
        // resumable procedures, which has none), it runs again; before
        // any COMMIT, nothing may have changed.
        let last_commit = file
            .statements
            .iter()
            .rposition(|s| s.head.starts_with("COMMIT"));
        if last_commit.is_none_or(|c| k < c) {
            let unchanged = || Exact::of(&db).compare(&was, &format!("{what}, before its COMMIT"));
            if !file.statements[k].committed
                && let Err(e) = unchanged()
            {
                panic!("{e}");
            }
            run(&db, bundle, name);
        }
        if abort_path {
            if let Err(e) = Exact::of(&db).compare(end, &what) {
                panic!("{e}");
            }
        } else {
            finish_and_roll_back(&db, bundle, Some(name), end, &what);
        }
    }
    eprintln!(
        "online faults: {name}: killed after {} of {} statements, every outcome as required",
        kill_points(&file, stride).len(),
        file.statements.len()
    );
}

#[test]
fn phases_killed_after_their_statements() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let setup = Loaded::on(server);
    let (bundle, loaded, start) = (&setup.bundle, &setup.db, &setup.start);

    kill_file(
        server,
        bundle,
        loaded,
        "expand.sql",
        stride(8),
        start,
        false,
    );

    let backfilled = server.copy_database("online_backfilled", loaded);
    for file in ["preflight.sql", "expand.sql", "backfill.sql"] {
        run(&backfilled, bundle, file);
    }
    kill_file(
        server,
        bundle,
        &backfilled,
        "abort.sql",
        stride(3),
        start,
        true,
    );

    kill_file(
        server,
        bundle,
        &backfilled,
        "verify_shadow.sql",
        stride(3),
        start,
        false,
    );

    let verified = server.copy_database("online_verified", &backfilled);
    run(&verified, bundle, "verify_shadow.sql");
    kill_file(server, bundle, &verified, "catch_up.sql", 1, start, false);

    let caught_up = server.copy_database("online_caught_up", &verified);
    run(&caught_up, bundle, "catch_up.sql");
    kill_file(
        server,
        bundle,
        &caught_up,
        "cutover.sql",
        stride(3),
        start,
        false,
    );

    let cut_over = server.copy_database("online_cut_over", &caught_up);
    run(&cut_over, bundle, "cutover.sql");
    kill_file(
        server,
        bundle,
        &cut_over,
        "validate.sql",
        stride(3),
        start,
        false,
    );
}

/// Makes the k-th update of backfill's queue (each batch marks its row done,
/// in its own transaction) end the session before that batch commits; or, with
/// `sleep`, sleep there until the test stops the server.
fn arm(db: &Database, k: usize, sleep: bool) {
    let act = if sleep {
        "PERFORM pg_sleep(600)"
    } else {
        "PERFORM pg_terminate_backend(pg_backend_pid())"
    };
    db.psql_sql(&format!(
        "CREATE SEQUENCE public.test_kill_counter;
         CREATE FUNCTION public.test_kill() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             IF nextval('public.test_kill_counter') = {k} THEN
                 {act};
             END IF;
             RETURN NEW;
         END $$;
         CREATE TRIGGER test_kill BEFORE UPDATE ON keyshift.online_batch
             FOR EACH ROW EXECUTE FUNCTION public.test_kill();"
    ))
    .expect("arm the kill");
}

fn disarm(db: &Database) {
    db.psql_sql(
        "DROP TRIGGER test_kill ON keyshift.online_batch;
         DROP FUNCTION public.test_kill();
         DROP SEQUENCE public.test_kill_counter;",
    )
    .expect("disarm the kill");
}

/// backfill.sql with batches of `rows` rows, so that the small case takes
/// many batches.
fn small_batches(bundle: &Path, rows: u32) -> String {
    let text = std::fs::read_to_string(bundle.join("backfill.sql")).expect("backfill.sql");
    let (head, rest) = text
        .split_once("CALL keyshift.backfill(")
        .expect("the CALL");
    let (_, tail) = rest.split_once(')').expect("the CALL's end");
    let name = format!("backfill-{rows}.sql");
    std::fs::write(
        bundle.join(&name),
        format!("{head}CALL keyshift.backfill({rows}){tail}"),
    )
    .expect("write backfill copy");
    name
}

#[test]
fn backfill_killed_in_each_batch_resumes() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let loaded = Loaded::on(server);
    let (bundle, start) = (&loaded.bundle, &loaded.start);
    let (writes, _) = loaded
        .case
        .writes
        .clone()
        .expect("online_shop has writes.sql");
    // The state to end in: the same writes, without any migration.
    let reference = server.copy_database("online_reference", &loaded.db);
    reference
        .psql_file(&writes, writes.parent())
        .expect("writes without a migration");
    let expected = Exact::of(&reference);

    let expanded = loaded.expanded(server, "online_expanded");
    let backfill = small_batches(bundle, 100);
    let mut k = 1;
    let mut killed = 0;
    loop {
        if k > 1 && (k - 1) % stride(4) != 0 {
            // Off the slice: only learn whether batch k exists.
            k += 1;
            continue;
        }
        let db = server.copy_database("online_batch_fault", &expanded);
        arm(&db, k, false);
        let outcome = db.psql_file(&bundle.join(&backfill), Some(bundle));
        disarm(&db);
        match outcome {
            Ok(_) => break,
            Err(e) if e.code == Some(2) => {}
            Err(e) => panic!("backfill killed in batch {k} failed otherwise: {e}"),
        }
        db.psql_file(&writes, writes.parent())
            .unwrap_or_else(|e| panic!("writes after the kill in batch {k} failed: {e}"));
        run(&db, bundle, &backfill);
        finish_and_roll_back(
            &db,
            bundle,
            Some("backfill.sql"),
            &expected,
            &format!("backfill killed in batch {k}, resumed"),
        );
        killed += 1;
        k += 1;
    }
    assert!(
        k > 10,
        "backfill took fewer than 10 batches; the test needs more"
    );
    eprintln!(
        "online faults: backfill.sql killed in {killed} batch transactions (every {}th of about {}), each resumed",
        stride(4),
        k - 1
    );

    // abort after a kill in the middle of the backfill.
    let db = server.copy_database("online_batch_abort", &expanded);
    arm(&db, k / 2, false);
    assert!(db.psql_file(&bundle.join(&backfill), Some(bundle)).is_err());
    disarm(&db);
    run(&db, bundle, "abort.sql");
    run(&db, bundle, "verify_rollback.sql");
    if let Err(e) = Exact::of(&db).compare(start, "abort after a killed backfill") {
        panic!("{e}");
    }
}

/// backfill.sql in two sessions at once, one of them killed in the k-th
/// batch either finishes (k = 1, 3, 7, … until the backfill has fewer
/// batches): the other session must take that batch back and finish every
/// batch alone, so that the forward path goes on without a rerun, and
/// rollback ends exactly where the database started.
#[test]
fn backfill_in_two_sessions_finishes_when_one_is_killed() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let loaded = Loaded::on(server);
    let (bundle, start) = (&loaded.bundle, &loaded.start);
    let expanded = loaded.expanded(server, "online_expanded");
    let backfill = small_batches(bundle, 100);
    let mut k = 1;
    let mut killed = Vec::new();
    loop {
        let db = server.copy_database("online_sessions_fault", &expanded);
        arm(&db, k, false);
        let outcomes = db.psql_file_sessions(&bundle.join(&backfill), Some(bundle), 2);
        disarm(&db);
        let lost = outcomes
            .iter()
            .filter(|o| matches!(o, Err(e) if e.code == Some(2)))
            .count();
        for outcome in &outcomes {
            if let Err(e) = outcome
                && e.code != Some(2)
            {
                panic!("backfill in two sessions, one killed in batch {k}, failed otherwise: {e}");
            }
        }
        match lost {
            0 => break,
            1 => {}
            _ => panic!("both sessions lost in batch {k}: {outcomes:?}"),
        }
        let survivor = outcomes
            .iter()
            .find_map(|o| o.as_ref().ok())
            .expect("one session finished");
        assert!(
            survivor.contains("every batch is done"),
            "the surviving session did not finish the backfill (batch {k}):\n{survivor}"
        );
        finish_and_roll_back(
            &db,
            bundle,
            Some("backfill.sql"),
            start,
            &format!("backfill in two sessions, one killed in batch {k}, the other finishing"),
        );
        killed.push(k);
        k = 2 * k + 1;
    }
    assert!(
        killed.len() >= 4,
        "the backfill ran fewer than 15 batches; the test needs more"
    );
    eprintln!(
        "online faults: backfill.sql in two sessions, one killed in batch {killed:?}: the other finished each time"
    );
}

/// A server started for one test, with `setting` added to the usual
/// configuration; `None` (after the usual skip message, or a panic under
/// CI) where no server can run.
fn own_server(setting: &str) -> Option<Server> {
    support::server_or_skip()?;
    let spec = ServerSpec::from_env().map(|mut spec| {
        spec.extra_conf.push(setting.to_owned());
        spec
    });
    match spec.and_then(Server::start) {
        Ok(server) => Some(server),
        Err(why) => {
            support::skip_or_panic::<()>(Missing::Server, &why);
            None
        }
    }
}

#[test]
fn backfill_survives_an_immediate_stop() {
    // A server of this test's own: the stop would end every other test's
    // sessions. COMMITs psql saw complete must survive it.
    let Some(server) = own_server("synchronous_commit = on") else {
        return;
    };
    let loaded = Loaded::on(&server);
    let (bundle, start) = (&loaded.bundle, &loaded.start);
    let db = loaded.expanded(&server, "online_stop");
    let backfill = small_batches(bundle, 100);
    arm(&db, 8, true);
    db.psql_sql("CHECKPOINT").expect("checkpoint");
    let mut child = db
        .file_command(&bundle.join(&backfill), Some(bundle))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("psql");
    let watch = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND wait_event = 'PgSleep'",
        db.name()
    );
    let started = std::time::Instant::now();
    while db.query_rows(&watch) != ["1"] {
        assert!(
            started.elapsed().as_secs() < 120,
            "backfill never reached its 8th batch"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    server
        .restart_immediate()
        .expect("immediate stop and start");
    let _ = child.wait();
    disarm(&db);
    run(&db, bundle, &backfill);
    finish_and_roll_back(
        &db,
        bundle,
        Some("backfill.sql"),
        start,
        "backfill stopped by an immediate stop, resumed",
    );
    eprintln!("online faults: backfill.sql resumed after an immediate stop in its 8th batch");
}

/// A map batch that collides with a key the capture trigger mapped after
/// the batch's snapshot fails with a unique violation (or, at REPEATABLE
/// READ, a serialization failure). Timing that collision is left to luck,
/// so the test raises both from inside the first two map batches' own
/// transactions: backfill must undo each batch, run it again in a new
/// transaction, and finish with every key mapped once, after which the
/// forward path and rollback end exactly as without the failures.
#[test]
fn map_batches_that_collide_run_again() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let loaded = Loaded::on(server);
    let (bundle, expected) = (&loaded.bundle, &loaded.start);
    let db = loaded.expanded(server, "online_map_collision");
    db.psql_sql(
        "CREATE SEQUENCE public.test_collisions;
         CREATE FUNCTION public.test_collide() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             IF NEW.step = 1 AND NEW.done AND NOT OLD.done THEN
                 CASE nextval('public.test_collisions')
                     WHEN 1 THEN RAISE unique_violation USING MESSAGE = 'test: a key mapped meanwhile';
                     WHEN 2 THEN RAISE serialization_failure USING MESSAGE = 'test: a key mapped meanwhile';
                     ELSE NULL;
                 END CASE;
             END IF;
             RETURN NEW;
         END $$;
         CREATE TRIGGER test_collide BEFORE UPDATE ON keyshift.online_batch
             FOR EACH ROW EXECUTE FUNCTION public.test_collide();",
    )
    .expect("arm the collisions");
    let backfill = small_batches(bundle, 100);
    run(&db, bundle, &backfill);
    let raised = db.query_rows("SELECT last_value FROM public.test_collisions;");
    assert!(
        raised.iter().any(|w| w.parse::<i64>().is_ok_and(|n| n > 2)),
        "the map batches did not run again after the collisions: {raised:?}"
    );
    db.psql_sql(
        "DROP TRIGGER test_collide ON keyshift.online_batch;
         DROP FUNCTION public.test_collide();
         DROP SEQUENCE public.test_collisions;",
    )
    .expect("disarm the collisions");
    finish_and_roll_back(
        &db,
        bundle,
        Some("backfill.sql"),
        expected,
        "map batches that collided, run again",
    );
}

/// A transaction that reads a converted table holds it against cutover's
/// ACCESS EXCLUSIVE. Cutover must not queue the application behind one long
/// wait: it tries in attempts of 20 ms outside its transaction, says who
/// holds the table, and goes on once that transaction ends.
#[test]
fn cutover_waits_for_a_reader_in_short_attempts_and_names_it() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let loaded = Loaded::on(server);
    let bundle = &loaded.bundle;
    let db = loaded.expanded(server, "online_cutover_waits");
    for file in ["backfill.sql", "verify_shadow.sql", "catch_up.sql"] {
        run(&db, bundle, file);
    }
    let table = db
        .query_rows("SELECT live FROM keyshift.online_table ORDER BY position LIMIT 1")
        .remove(0);
    // As `regclass` prints it with keyshift's search path: the case's
    // names need no quotes.
    let printed = table.replace('"', "");
    let mut holder = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");
    let holder_pid: i32 = holder
        .query_one("SELECT pg_backend_pid()", &[])
        .expect("pid")
        .get(0);
    holder
        .batch_execute(&format!("BEGIN; SELECT 1 FROM {table} LIMIT 1"))
        .expect("the reader's transaction");
    let stderr = std::thread::scope(|scope| {
        let cutover =
            scope.spawn(|| db.psql_file_stderr(&bundle.join("cutover.sql"), Some(bundle)));
        // Long enough for several attempts (each 20 ms, then a pause of
        // 50-150 ms).
        std::thread::sleep(std::time::Duration::from_millis(1500));
        assert!(
            !cutover.is_finished(),
            "cutover.sql ended while the reader held {table}"
        );
        holder.batch_execute("COMMIT").expect("the reader commits");
        cutover.join().expect("cutover's thread")
    })
    .unwrap_or_else(|e| panic!("cutover.sql failed after the reader committed: {e}"));
    let named = format!("not granted at attempt 1; pid {holder_pid} (client backend)");
    assert!(
        stderr.contains(&named) && stderr.contains(&format!("holds AccessShareLock on {printed}")),
        "cutover.sql did not name the reader holding {table} ({named}):\n{stderr}"
    );
    assert!(
        stderr.contains("ACCESS EXCLUSIVE on") && stderr.contains("can be taken, after"),
        "cutover.sql did not report the attempt that took the lock:\n{stderr}"
    );
    finish_and_roll_back(
        &db,
        bundle,
        Some("cutover.sql"),
        &loaded.start,
        "cutover.sql after waiting for a reader",
    );
}

/// An autovacuum of a converted table holds a lock that cutover's attempts
/// wait for, and PostgreSQL only cancels it for a request that has waited
/// `deadlock_timeout`, which 20 ms attempts never do. Cutover must cancel it
/// itself and go on. The vacuum is made slow (a cost limit of 1, a delay of
/// 100 ms) so that it is still running when cutover starts.
#[test]
fn cutover_cancels_an_autovacuum_that_holds_a_table() {
    // A server of this test's own: autovacuum must start within seconds.
    let Some(server) = own_server("autovacuum_naptime = 1") else {
        return;
    };
    let loaded = Loaded::on(&server);
    let bundle = &loaded.bundle;
    let db = loaded.expanded(&server, "online_autovacuum");
    for file in ["backfill.sql", "verify_shadow.sql", "catch_up.sql"] {
        run(&db, bundle, file);
    }
    let row = db.query_rows(
        "SELECT live || '|' || copy || '|' || quote_ident(key_column) FROM keyshift.online_table ORDER BY position LIMIT 1",
    );
    let [table, copy, key] = row[0].split('|').collect::<Vec<_>>()[..] else {
        panic!("a table, its copy and its key: {row:?}");
    };
    // The same settings on the copy, so that the swapped-in table keeps
    // what the original has.
    let slow = "autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0, \
                autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1";
    db.psql_sql(&format!(
        "ALTER TABLE {table} SET ({slow}); ALTER TABLE {copy} SET ({slow});\n\
         UPDATE {table} SET {key} = {key};"
    ))
    .expect("a slow autovacuum's settings, and dead rows for it");
    let watch = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND datname = '{}' AND query LIKE '%VACUUM%'",
        db.name()
    );
    let started = std::time::Instant::now();
    while db.query_rows(&watch) != ["1"] {
        assert!(
            started.elapsed().as_secs() < 60,
            "no autovacuum started on {table}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let stderr = db
        .psql_file_stderr(&bundle.join("cutover.sql"), Some(bundle))
        .unwrap_or_else(|e| panic!("cutover.sql failed beside an autovacuum: {e}"));
    assert!(
        stderr.contains("keyshift: cancelled autovacuum: VACUUM"),
        "cutover.sql did not cancel the autovacuum of {table}:\n{stderr}"
    );
    for file in rest_of_path(bundle, Some("cutover.sql")) {
        run(&db, bundle, &file);
    }
    run(&db, bundle, "rollback.sql");
    run(&db, bundle, "verify_rollback.sql");
}
