//! The live round trip, on a throwaway PostgreSQL server this test starts.
//!
//! For each case: load schema and data, snapshot them, then
//!   1. preflight, forward, verify_forward, rollback, verify_rollback, and
//!      require the schema dump and every row and sequence to be identical;
//!   2. forward, writes through the new UUID keys (`writes.sql`), rollback,
//!      verify_rollback, identical schema dump, and `writes_check.sql` proves
//!      the written rows kept their links under fresh integer ids;
//!   3. forward, contract, verify_contract.
//!
//! A case whose preflight must refuse (unsupported objects) names the
//! messages it expects; the test requires preflight to fail with each of
//! them and forward never to run.

mod support;

use keyshift::plan::Options;
use std::fs;
use std::path::{Path, PathBuf};
use support::Database;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus() -> PathBuf {
    repo().join("../shared/corpus")
}

/// Where a case's inputs come from and what it is expected to do.
struct Case {
    name: String,
    /// The DDL keyshift reads, relative to the repository (as a user would
    /// name it on the command line).
    ddl: PathBuf,
    /// Files to load, in order, each run from its own folder.
    load: Vec<PathBuf>,
    /// SQL to run first (roles a dump expects).
    setup: Option<&'static str>,
    /// Writes after forward, and the checks to run after rollback.
    writes: Option<(PathBuf, Vec<PathBuf>)>,
    /// Preflight must fail with each of these; empty means it must pass.
    refusals: Vec<String>,
    /// Plan options, as the CLI flags would set them.
    options: Options,
}

fn schema_case(name: &str) -> Case {
    let dir = repo().join("schema").join(name);
    let optional = |f: &str| Some(dir.join(f)).filter(|p| p.exists());
    let refusals = fs::read_to_string(dir.join("expected_preflight_failure.txt"))
        .map(|t| {
            t.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Case {
        name: name.to_string(),
        ddl: PathBuf::from("schema").join(name).join("schema.sql"),
        load: [Some(dir.join("schema.sql")), optional("data.sql")]
            .into_iter()
            .flatten()
            .collect(),
        setup: None,
        writes: optional("writes.sql").zip(optional("writes_check.sql").map(|c| vec![c])),
        refusals,
        options: Options::default(),
    }
}

fn run_bundle_file(db: &Database, dir: &Path, file: &str) {
    if let Err(e) = db.psql_file(&dir.join(file), Some(dir)) {
        panic!("{file} failed on {}:\n{e}", db.name());
    }
}

fn run(case: Case) {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let source = case.ddl.to_string_lossy().replace('\\', "/");
    let bytes =
        fs::read(repo().join(&case.ddl)).unwrap_or_else(|e| panic!("cannot read {source}: {e}"));
    let sql = keyshift::encoding::decode_sql(&source, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let output = keyshift::pipeline::run(&source, &sql, &case.options)
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
    let work = tempfile::tempdir().expect("temp dir");
    let bundle = work.path().join("bundle");
    output.bundle.write_to(&bundle).expect("write bundle");

    let db = server.create_database(&case.name);
    if let Some(setup) = case.setup {
        db.psql_sql(setup).expect("setup");
    }
    for file in &case.load {
        let file = prepare_load_file(file, work.path());
        db.psql_file(&file, file.parent())
            .unwrap_or_else(|e| panic!("loading {} failed: {e}", file.display()));
    }
    let schema_before = db.dump_schema();
    let data_before = db.data_snapshot();

    if !case.refusals.is_empty() {
        let err = db
            .psql_file(&bundle.join("preflight.sql"), Some(&bundle))
            .expect_err("preflight must refuse this case");
        let text = err.to_string();
        for expected in &case.refusals {
            assert!(
                text.contains(expected.as_str()),
                "{}: preflight failed, but without {expected:?}:\n{text}",
                case.name
            );
        }
        let plan_md = output.bundle.get("PLAN.md").unwrap_or_default();
        assert!(
            !output.plan.blockers.is_empty(),
            "{}: the plan must know why",
            case.name
        );
        for b in &output.plan.blockers {
            let said = format!("{} {}", b.object, b.reason);
            assert!(
                text.contains(&said),
                "{}: preflight does not say {said:?}",
                case.name
            );
            assert!(
                plan_md.contains(&said),
                "{}: PLAN.md does not say {said:?}",
                case.name
            );
        }
        assert_eq!(
            db.dump_schema(),
            schema_before,
            "preflight changed the schema"
        );
        return;
    }

    for f in [
        "preflight.sql",
        "forward.sql",
        "verify_forward.sql",
        "rollback.sql",
        "verify_rollback.sql",
    ] {
        run_bundle_file(&db, &bundle, f);
    }
    assert_same(
        &case.name,
        "schema after rollback",
        &schema_before,
        &db.dump_schema(),
    );
    assert_same(
        &case.name,
        "data after rollback",
        &data_before,
        &db.data_snapshot(),
    );

    run_bundle_file(&db, &bundle, "forward.sql");
    run_bundle_file(&db, &bundle, "verify_forward.sql");
    if let Some((writes, checks)) = &case.writes {
        db.psql_file(writes, writes.parent())
            .unwrap_or_else(|e| panic!("{}: writes through uuid keys failed: {e}", case.name));
        run_bundle_file(&db, &bundle, "rollback.sql");
        run_bundle_file(&db, &bundle, "verify_rollback.sql");
        assert_same(
            &case.name,
            "schema after writes and rollback",
            &schema_before,
            &db.dump_schema(),
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
        run_bundle_file(&db, &bundle, "forward.sql");
    }
    run_bundle_file(&db, &bundle, "contract.sql");
    run_bundle_file(&db, &bundle, "verify_contract.sql");
}

/// Corpus scripts that create and `\c` into a database of their own are
/// loaded without those lines, into the test's database instead.
fn prepare_load_file(file: &Path, work: &Path) -> PathBuf {
    let bytes = fs::read(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let text = String::from_utf8_lossy(&bytes);
    let creates_database = text
        .lines()
        .take(40)
        .any(|l| l.starts_with("CREATE DATABASE"));
    if !creates_database {
        return file.to_path_buf();
    }
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            !(l.starts_with("DROP DATABASE")
                || l.starts_with("CREATE DATABASE")
                || l.starts_with("\\c "))
        })
        .collect();
    let copy = work.join(file.file_name().expect("file name"));
    fs::write(&copy, kept.join("\n")).expect("write load copy");
    copy
}

fn assert_same(case: &str, what: &str, before: &str, after: &str) {
    if before != after {
        let diff = similar::TextDiff::from_lines(before, after)
            .unified_diff()
            .header("before", "after")
            .to_string();
        panic!("{case}: {what} differs from before the migration:\n{diff}");
    }
}

macro_rules! schema_cases {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run(schema_case(stringify!($name)));
            }
        )*

        #[test]
        fn every_schema_case_has_a_round_trip() {
            let listed = [$(stringify!($name)),*];
            let mut on_disk: Vec<String> = fs::read_dir(repo().join("schema"))
                .expect("schema/")
                .map(|e| e.expect("entry").path())
                .filter(|p| !p.join("expected_error.txt").exists())
                .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
                .collect();
            on_disk.sort();
            let mut listed: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
            listed.sort();
            assert_eq!(listed, on_disk, "add the new case to schema_cases! in tests/roundtrip.rs");
        }
    };
}

schema_cases!(
    vibes,
    workflow,
    self_reference,
    fk_cycle,
    composite_fk,
    non_public_schema,
    quoted_names,
    long_names,
    deferrable_fks,
    fk_actions,
    partial_index,
    identity_and_serial,
    smallint_key,
    no_primary_key,
    view_on_key,
    unique_reference,
);

/// A corpus case, or `None` (after a loud warning) when the corpus is not
/// beside the repository. CI always has it, so there it is a failure.
fn corpus_case(name: &str, ddl: &str, load: &[&str], refusals: &[&str]) -> Option<Case> {
    let dir = corpus();
    if !dir.join("MANIFEST.md").exists() {
        return support::skip_or_panic(&format!(
            "the shared corpus is missing at {}; corpus round trips not run",
            dir.display()
        ));
    }
    let writes = repo().join("tests/corpus").join(name);
    Some(Case {
        name: name.to_string(),
        ddl: PathBuf::from("../shared/corpus").join(ddl),
        load: load.iter().map(|f| dir.join(f)).collect(),
        setup: None,
        writes: Some((
            writes.join("writes.sql"),
            vec![writes.join("writes_check.sql")],
        ))
        .filter(|(w, c)| w.exists() && c[0].exists()),
        refusals: refusals.iter().map(|s| s.to_string()).collect(),
        options: Options::default(),
    })
}

#[test]
fn corpus_chinook() {
    let f = "chinook/Chinook_PostgreSql.sql";
    if let Some(case) = corpus_case("chinook", f, &[f], &[]) {
        run(case);
    }
}

/// Chinook's variants share the plain case's writes; with serial and
/// identity keys rollback must also leave every sequence ahead of the rows.
fn chinook_with_sequences(name: &str, file: &str) {
    if let Some(mut case) = corpus_case("chinook", file, &[file], &[]) {
        case.name = name.to_string();
        if let Some((_, checks)) = &mut case.writes {
            checks.push(repo().join("tests/corpus/chinook/sequences_check.sql"));
        }
        run(case);
    }
}

#[test]
fn corpus_chinook_serial() {
    chinook_with_sequences("chinook_serial", "chinook/Chinook_PostgreSql_SerialPKs.sql");
}

#[test]
fn corpus_chinook_identity() {
    chinook_with_sequences(
        "chinook_identity",
        "chinook/Chinook_PostgreSql_AutoIncrementPKs.sql",
    );
}

/// Pagila: views over key columns and the partitioned `payment` table are
/// not converted yet (issue 4); preflight must say so and stop.
#[test]
fn corpus_pagila() {
    let load = ["pagila/pagila-schema.sql", "pagila/pagila-data.sql"];
    let refusals = [
        "view public.actor_info reads public.actor",
        "table public.payment_p2022_01 is a partition of public.payment",
    ];
    if let Some(case) = corpus_case("pagila", load[0], &load, &refusals) {
        run(case);
    }
}

/// Sakila: views over key columns and legacy inheritance (`payment_p2007_*`)
/// are not converted yet (issue 4); preflight must say so and stop.
#[test]
fn corpus_sakila() {
    let load = [
        "sakila/postgres-sakila-schema.sql",
        "sakila/postgres-sakila-insert-data-using-copy.sql",
    ];
    let refusals = ["takes part in table inheritance", "view public.actor_info"];
    if let Some(case) = corpus_case("sakila", load[0], &load, &refusals) {
        run(case);
    }
}

/// Northwind: smallint keys, a self-reference, character keys left alone.
#[test]
fn corpus_northwind() {
    let f = "northwind/northwind.sql";
    if let Some(case) = corpus_case("northwind", f, &[f], &[]) {
        run(case);
    }
}

/// World: one integer key; `country.code` is character(3) and stays.
#[test]
fn corpus_world() {
    let f = "world/world.sql";
    if let Some(case) = corpus_case("world", f, &[f], &[]) {
        run(case);
    }
}

/// Dell Store 2: 172,716 rows, three tables without a primary key.
#[test]
fn corpus_dellstore2() {
    let f = "dellstore2/dellstore2-normal-1.0.sql";
    if let Some(case) = corpus_case("dellstore2", f, &[f], &[]) {
        run(case);
    }
}

/// TPC-C (BenchBase DDL): composite keys and composite foreign keys, no data.
#[test]
fn corpus_tpcc() {
    let f = "tpcc/ddl-postgres.sql";
    if let Some(case) = corpus_case("tpcc", f, &[f], &[]) {
        run(case);
    }
}

/// AuctionMark (BenchBase DDL): many composite keys, a self-reference.
#[test]
fn corpus_auctionmark() {
    let f = "auctionmark/ddl-postgres.sql";
    if let Some(case) = corpus_case("auctionmark", f, &[f], &[]) {
        run(case);
    }
}

/// Apache Guacamole's JDBC schema: 14 composite keys and a self-reference.
#[test]
fn corpus_guacamole() {
    let load = [
        "guacamole/001-create-schema.sql",
        "guacamole/002-create-admin-user.sql",
    ];
    if let Some(case) = corpus_case("guacamole", load[0], &load, &[]) {
        run(case);
    }
}

/// listmonk: three materialized views read converted keys (issue 4).
#[test]
fn corpus_listmonk() {
    let f = "listmonk/schema.sql";
    let refusals = ["materialized view public.mat_dashboard_counts reads public.campaigns"];
    if let Some(case) = corpus_case("listmonk", f, &[f], &refusals) {
        run(case);
    }
}

/// Mastodon: materialized views and a view over converted keys (issue 4).
/// The dump sets owners to a role that must exist first.
#[test]
fn corpus_mastodon() {
    let f = "mastodon/dump.sql";
    let refusals = [
        "materialized view public.account_summaries reads public.accounts",
        "view public.user_ips reads public.login_activities",
    ];
    if let Some(mut case) = corpus_case("mastodon", f, &[f], &refusals) {
        case.setup = Some(
            "DO $$ BEGIN CREATE ROLE pinafore; EXCEPTION WHEN duplicate_object THEN NULL; END $$;",
        );
        run(case);
    }
}

/// employees: views and row-level security policies on converted tables
/// (issue 4). The script loads its data with `\i` from its own folder.
#[test]
fn corpus_employees() {
    let f = "employees/employee.sql";
    let refusals = [
        "policy audit_user_isolation on public.audit row-level security policies",
        "view public.current_dept_emp reads public.dept_emp",
    ];
    if let Some(case) = corpus_case("employees", f, &[f], &refusals) {
        run(case);
    }
}

/// `--drop-id-map`: contract drops the maps and the whole keyshift schema.
#[test]
fn vibes_contract_dropping_the_id_map() {
    let mut case = schema_case("vibes");
    case.options.drop_id_map = true;
    run(case);
}

/// `--exclude-table public.users`: users keeps its integer key, and so do
/// the columns referencing it, while the rest converts.
#[test]
fn vibes_excluding_the_users_table() {
    let mut case = schema_case("vibes");
    case.options
        .exclude_tables
        .insert(keyshift::catalog::QualifiedName::new("public", "users"));
    case.writes = None;
    run(case);
}
