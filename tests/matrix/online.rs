//! The online round trip: the same proofs as `round_trip`, through online
//! mode's phases, with analyze.sql before and after them and monitor.sql.
//! The stages plan.json lists as `concurrent` (the backfill) run in two
//! sessions at once.
//! A plan that online mode refuses (a table altered in place, one without
//! a primary key) must be refused by preflight with the same words as
//! PLAN.md, and change nothing.

use super::{
    Case, assert_blockers_said, assert_id_lookups, assert_no_meta_command_ran, assert_same,
    assert_same_schema, can_dump, load, read_ddl, run_analyze, run_monitor, run_pipeline,
    schema_state,
};
use crate::support::{Database, Server};
use keyshift::plan::Mode;
use std::path::Path;

/// `case` with `--mode online`.
pub fn online(case: &Case) -> Case {
    let mut case = case.clone();
    case.options.mode = Some(Mode::Online);
    case
}

/// The stages of the forward path, as plan.json publishes them.
pub fn sequence(bundle: &Path) -> Vec<String> {
    stage_files(bundle, "sequence")
}

/// The files of the stages plan.json lists as `concurrent`.
pub fn concurrent(bundle: &Path) -> Vec<String> {
    stage_files(bundle, "concurrent")
}

/// The file of each stage plan.json's list `key` names, from its `run`.
fn stage_files(bundle: &Path, key: &str) -> Vec<String> {
    let text = std::fs::read_to_string(bundle.join("plan.json")).expect("plan.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("plan.json is JSON");
    let run = &json["run"];
    json[key]
        .as_array()
        .unwrap_or_else(|| panic!("plan.json has no list {key}"))
        .iter()
        .map(|s| {
            let stage = s.as_str().expect("a stage name");
            run[stage][0]
                .as_str()
                .unwrap_or_else(|| panic!("stage {stage} has no file in run"))
                .to_string()
        })
        .collect()
}

/// Sessions a test gives each `concurrent` stage: two, as on the
/// machines CI runs on, so that the batches are shared.
pub const SESSIONS: usize = 2;

/// Runs `file` of the bundle, in `SESSIONS` sessions at once when it is
/// one of `concurrent`; the first failure, naming its session.
pub fn run_file(
    db: &Database,
    bundle: &Path,
    file: &str,
    concurrent: &[String],
) -> Result<(), String> {
    if !concurrent.iter().any(|c| c == file) {
        return db
            .psql_file(&bundle.join(file), Some(bundle))
            .map(|_| ())
            .map_err(|e| e.to_string());
    }
    db.psql_file_sessions(&bundle.join(file), Some(bundle), SESSIONS)
        .into_iter()
        .enumerate()
        .try_for_each(|(i, ran)| {
            ran.map(|_| ())
                .map_err(|e| format!("in session {i} of {SESSIONS}: {e}"))
        })
}

/// Forward path (from plan.json's sequence) through cutover, rollback
/// before validate.sql: identical schema and data. Expand, backfill, abort: identical again. Forward path, the
/// case's writes through uuid keys, rollback: identical schema, and the
/// writes kept their links. Forward path, contract, verify_contract.
pub fn online_round_trip(server: &Server, case: &Case) {
    let case = &online(case);
    let (source, sql) = read_ddl(case);
    let output = run_pipeline(case, &source, &sql);
    let work = tempfile::tempdir().expect("temp dir");
    let bundle = work.path().join("bundle");
    output.bundle.write_to(&bundle).expect("write bundle");

    let db = load(server, case, work.path());
    let dump = can_dump(server);
    let schema_before = schema_state(&db, dump);
    let data_before = db.data_snapshot();

    if !output.plan.blockers.is_empty() || !case.refusals.is_empty() {
        let err = db
            .psql_file(&bundle.join("preflight.sql"), Some(&bundle))
            .expect_err("preflight must refuse this case");
        let text = err.to_string();
        assert_blockers_said(case, &output, &text);
        assert_same_schema(
            &case.name,
            "schema after preflight",
            &schema_before,
            &schema_state(&db, dump),
        );
        eprintln!(
            "keyshift online round trip | {} | refused: {}",
            case.name,
            output
                .plan
                .blockers
                .iter()
                .map(|b| format!("{} {}", b.object, b.reason))
                .collect::<Vec<_>>()
                .join("; ")
        );
        return;
    }
    let forward = sequence(&bundle);
    assert_eq!(
        forward.first().map(String::as_str),
        Some("preflight.sql"),
        "{}: the sequence starts with preflight",
        case.name
    );
    let concurrent = concurrent(&bundle);
    let run_all = |files: &[&str]| {
        for f in files {
            if let Err(e) = run_file(&db, &bundle, f, &concurrent) {
                panic!("{f} failed on {}:\n{e}", db.name());
            }
        }
    };
    let forward: Vec<&str> = forward.iter().map(String::as_str).collect();

    // analyze.sql around the forward path, monitor.sql after it, as the
    // runbook has them; the analysis is dropped before rollback.
    let probes = output.plan.tables.len() + output.plan.foreign_keys.len();
    run_all(&forward[..1]);
    run_analyze(case, &db, &bundle, "integer keys", probes);
    // Through cutover only: rollback must work before validate.sql too.
    let cutover = forward
        .iter()
        .position(|f| *f == "cutover.sql")
        .expect("cutover.sql on the forward path");
    run_all(&forward[1..=cutover]);
    assert_map_batches_bounded(case, &db);
    run_analyze(case, &db, &bundle, "uuid keys", probes);
    run_monitor(case, &db, &bundle);
    db.psql_sql("DROP SCHEMA keyshift_analyze CASCADE;")
        .unwrap_or_else(|e| panic!("{}: dropping keyshift_analyze failed: {e}", case.name));
    assert_id_lookups(case, &output.plan, &db, "after cutover");
    run_all(&["rollback.sql", "verify_rollback.sql"]);
    assert_same_schema(
        &case.name,
        "schema after online forward and rollback",
        &schema_before,
        &schema_state(&db, dump),
    );
    assert_same(
        &case.name,
        "data after online forward and rollback",
        &data_before,
        &db.data_snapshot(),
    );

    run_all(&[
        "expand.sql",
        "backfill.sql",
        "abort.sql",
        "verify_rollback.sql",
    ]);
    assert_same_schema(
        &case.name,
        "schema after abort",
        &schema_before,
        &schema_state(&db, dump),
    );
    assert_same(
        &case.name,
        "data after abort",
        &data_before,
        &db.data_snapshot(),
    );

    run_all(&forward[1..]);
    if let Some((writes, checks)) = &case.writes {
        db.psql_file(writes, writes.parent())
            .unwrap_or_else(|e| panic!("{}: writes through uuid keys failed: {e}", case.name));
        run_all(&["rollback.sql", "verify_rollback.sql"]);
        assert_same_schema(
            &case.name,
            "schema after online forward, writes and rollback",
            &schema_before,
            &schema_state(&db, dump),
        );
        for check in checks {
            db.psql_file(check, check.parent()).unwrap_or_else(|e| {
                panic!(
                    "{}: {} failed after rollback: {e}",
                    case.name,
                    check.display()
                )
            });
        }
        run_all(&forward[1..]);
    }
    run_all(&["contract.sql", "verify_contract.sql"]);
    assert_no_meta_command_ran(case, &output.bundle, &bundle);
    eprintln!(
        "keyshift online round trip | {} | {} tables converted online",
        case.name,
        output.plan.tables.len()
    );
}

/// Every table here holds fewer rows than one backfill batch, so none may
/// take more than a few map batches, however its keys are spread (ids at
/// both ends of the type's range, wide gaps): batches by ranges of key
/// values would be mostly empty, and a claim per empty batch made the
/// backfill of one such table take minutes.
fn assert_map_batches_bounded(case: &Case, db: &crate::support::Database) {
    let many = db.query_rows(
        "SELECT t.live || ': ' || count(*) FROM keyshift.online_batch b
         JOIN keyshift.online_table t USING (position)
         WHERE b.step = 1 GROUP BY t.live HAVING count(*) > 4 ORDER BY 1;",
    );
    assert!(
        many.is_empty(),
        "{}: map batches per table, for tables smaller than one batch: {many:?}",
        case.name
    );
}
