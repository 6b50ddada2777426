//! The runner formats on a real server, through the real runners: for
//! each of Django, Alembic, dbmate, Sqitch and Rails (Active Record), a
//! schema case is loaded, `generate --format` writes its migration, the
//! runner migrates up (preflight, forward, verify_forward), the database
//! must be in keyshift's forward state, the runner migrates down
//! (rollback, verify_rollback), and after the runner's own bookkeeping is
//! dropped, `pg_dump --schema-only` and every row must be as before.
//!
//! flyway, goose, golang-migrate, sqlx and diesel are not run through their
//! runners: those are not packages in the registries CI reaches, or
//! (sqlx-cli, diesel_cli) take longer to build than the CI budget allows.
//! For golang-migrate, sqlx, diesel and goose, `sent_as_their_runners_send_it`
//! sends their files the way those runners do (each file, or each goose
//! `StatementBegin … StatementEnd` block, as one simple-protocol query, with
//! no transaction of the runner's), which proves the SQL, not the runner.

mod cases;
mod migration_runners;
use migration_runners as runners;
mod support;

use keyshift::render::Format;
use std::path::Path;

/// The application migration the runner's project has, which the up
/// migration is generated to follow (`--after`), where the runner orders
/// by dependencies.
fn after(format: Format) -> Option<String> {
    match format {
        Format::Django => Some("keyshift_test_app.0001_initial".to_string()),
        _ => None,
    }
}

/// Writes the case's bundle in `format` into `dir`, as the CLI would.
fn write_format(case: &str, format: Format, dir: &Path) {
    let output = cases::output(case);
    let options = keyshift::render::formats::RunnerOptions {
        version: None,
        after: after(format),
    };
    let files = keyshift::render::formats::runner_files_with(format, &output.bundle, &options)
        .unwrap_or_else(|e| panic!("{case} --format {format}: {e}"));
    let mut bundle = keyshift::render::Bundle::default();
    for (name, text) in files {
        bundle.insert(&name, text);
    }
    bundle.write_to(dir).expect("write the bundle");
}

fn round_trip(format: Format, case: &str) {
    let Some(runner) = runners::runner_or_skip(format.name()) else {
        return;
    };
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let bundle = work.path().join("bundle");
    let project = work.path().join("project");
    write_format(case, format, &bundle);

    let db = server.create_database(&format!("{}_{case}", format.name().replace('-', "_")));
    let dir = cases::repo().join("schema").join(case);
    for file in ["schema.sql", "data.sql"] {
        if dir.join(file).exists() {
            db.psql_file(&dir.join(file), Some(&dir))
                .unwrap_or_else(|e| panic!("loading {case}/{file}: {e}"));
        }
    }
    let (schema_before, data_before) = (db.dump_schema(), db.data_snapshot());
    let target = runners::Target {
        host: server.host(),
        port: server.port(),
        user: "postgres",
        dbname: db.name().to_string(),
    };
    runner.project(&bundle, &project, &target);

    let started = std::time::Instant::now();
    let refusals: Vec<String> = std::fs::read_to_string(dir.join("expected_preflight_failure.txt"))
        .map(|t| {
            t.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if !refusals.is_empty() {
        // Preflight must stop the up migration, naming each problem, and
        // leave the database as it was.
        let err = runner
            .migrate(&project, &target, true)
            .expect_err("preflight must refuse this case");
        for expected in &refusals {
            assert!(
                err.contains(expected.as_str()),
                "{format} on {case}: up failed, but without {expected:?}:\n{err}"
            );
        }
        db.psql_sql(runner.bookkeeping())
            .unwrap_or_else(|e| panic!("{format}: dropping its bookkeeping: {e}"));
        assert!(
            db.dump_schema() == schema_before,
            "{format} on {case}: a refused up changed the schema"
        );
        assert!(
            db.data_snapshot() == data_before,
            "{format} on {case}: a refused up changed the data"
        );
        eprintln!("{format} on {case}: preflight refused, nothing changed");
        return;
    }
    if let Err(e) = runner.migrate(&project, &target, true) {
        panic!("{format} up failed on {case}:\n{e}");
    }
    let state = db.query_rows("SELECT stage FROM keyshift.state");
    assert_eq!(state, ["forward"], "{format}: after up, keyshift.state");
    if let Err(e) = runner.migrate(&project, &target, false) {
        panic!("{format} down failed on {case}:\n{e}");
    }
    let elapsed = started.elapsed();
    db.psql_sql(runner.bookkeeping())
        .unwrap_or_else(|e| panic!("{format}: dropping its bookkeeping: {e}"));
    let (schema_after, data_after) = (db.dump_schema(), db.data_snapshot());
    assert!(
        schema_before == schema_after,
        "{format} on {case}: the schema dump differs after down:\n{}",
        similar::TextDiff::from_lines(&schema_before, &schema_after)
            .unified_diff()
            .header("before", "after")
    );
    assert!(
        data_before == data_after,
        "{format} on {case}: the data differs after down:\n{}",
        similar::TextDiff::from_lines(&data_before, &data_after)
            .unified_diff()
            .header("before", "after")
    );
    eprintln!(
        "{format} round trip on {case}: up and down in {elapsed:.1?}, same schema dump and data"
    );
}

#[test]
fn django_round_trip() {
    round_trip(Format::Django, "vibes");
}

#[test]
fn alembic_round_trip() {
    round_trip(Format::Alembic, "vibes");
}

#[test]
fn dbmate_round_trip() {
    round_trip(Format::Dbmate, "vibes");
}

#[test]
fn sqitch_round_trip() {
    round_trip(Format::Sqitch, "vibes");
}

#[test]
fn rails_round_trip() {
    round_trip(Format::Rails, "vibes");
}

/// Every schema case through dbmate, which sends each migration's stages
/// as one multi-statement query, the furthest from psql's one statement at
/// a time: a round trip, or preflight's refusal with nothing changed.
#[test]
fn dbmate_round_trips_every_schema_case() {
    // Three at a time: each waits on the server and on dbmate more than on
    // this process.
    // Cases whose keyshift.toml asks for online mode have no runner layout
    // (tests/formats.rs checks the refusal).
    let names: Vec<String> = cases::names()
        .into_iter()
        .filter(|n| cases::output(n).plan.mode != keyshift::plan::Mode::Online)
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(case) = names.get(i) else { break };
                    round_trip(Format::Dbmate, case);
                }
            });
        }
    });
}

/// The schema case with dependents (views, triggers, rules, policies):
/// preflight and forward define the same session helpers, so this fails
/// unless the stages of one migration start clean (`DISCARD TEMP`).
#[test]
fn dbmate_round_trip_with_dependents() {
    round_trip(Format::Dbmate, "dependent_objects");
}

/// Hostile catalog text through a runner that embeds the SQL in Python.
#[test]
fn django_round_trip_hostile_text() {
    round_trip(Format::Django, "hostile_text");
}

/// Hostile catalog text through one that embeds it in Ruby.
#[test]
fn rails_round_trip_hostile_text() {
    round_trip(Format::Rails, "hostile_text");
}

/// The pieces a runner that is not installed here would send, each as one
/// simple-protocol query, in order: up and then down.
fn pieces(format: Format, files: &[(String, String)]) -> (Vec<String>, Vec<String>) {
    let file = |suffix: &str| -> String {
        files
            .iter()
            .find(|(n, _)| !n.starts_with("contract/") && n.ends_with(suffix))
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| panic!("{format}: no file ending {suffix}"))
    };
    match format {
        Format::GolangMigrate | Format::Sqlx => (vec![file(".up.sql")], vec![file(".down.sql")]),
        Format::Diesel => (vec![file("/up.sql")], vec![file("/down.sql")]),
        Format::Goose => {
            let text = file("_keyshift_uuid_keys.sql");
            let (up, down) = text
                .split_once("\n-- +goose Down\n")
                .expect("a Down section");
            let blocks = |section: &str| -> Vec<String> {
                section
                    .split("-- +goose StatementBegin\n")
                    .skip(1)
                    .map(|b| {
                        b.split("-- +goose StatementEnd\n")
                            .next()
                            .expect("block")
                            .to_string()
                    })
                    .collect()
            };
            (blocks(up), blocks(down))
        }
        other => panic!("{other} is not simulated"),
    }
}

/// golang-migrate, sqlx, diesel and goose's files on a real server, sent as
/// those runners send them (see the module docs): up gives forward's state,
/// down the same schema dump and rows as before.
#[test]
fn sent_as_their_runners_send_it() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    for format in [
        Format::GolangMigrate,
        Format::Sqlx,
        Format::Diesel,
        Format::Goose,
    ] {
        let output = cases::output("vibes");
        let files =
            keyshift::render::formats::runner_files(format, &output.bundle, None).expect("renders");
        let (up, down) = pieces(format, &files);
        let db = server.create_database(&format!("sent_{}", format.name().replace('-', "_")));
        let dir = cases::repo().join("schema/vibes");
        for file in ["schema.sql", "data.sql"] {
            db.psql_file(&dir.join(file), Some(&dir)).expect("load");
        }
        let (schema_before, data_before) = (db.dump_schema(), db.data_snapshot());
        let mut client = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");
        for piece in &up {
            client
                .batch_execute(piece)
                .unwrap_or_else(|e| panic!("{format} up: {}", keyshift::introspect::describe(&e)));
        }
        assert_eq!(
            db.query_rows("SELECT stage FROM keyshift.state"),
            ["forward"],
            "{format}"
        );
        for piece in &down {
            client.batch_execute(piece).unwrap_or_else(|e| {
                panic!("{format} down: {}", keyshift::introspect::describe(&e))
            });
        }
        drop(client);
        assert!(
            db.dump_schema() == schema_before,
            "{format}: the schema dump differs after down"
        );
        assert!(
            db.data_snapshot() == data_before,
            "{format}: the data differs after down"
        );
    }
}
