//! Parity, the core test of live introspection: for every schema case and
//! every corpus case, load the DDL into a throwaway database, build the
//! catalog twice (offline from the DDL file, live by introspection) and
//! require them to be equal, and the bundles rendered from them too.
//!
//! The comparison is the same for every case, with exactly two
//! adjustments, both made here and nowhere else:
//! - [`Catalog::schema_only`] drops the facts only a live database knows
//!   (row estimates, sizes);
//! - [`canonical_expressions`]: the DDL path keeps hand-written CHECK
//!   expressions, index expressions and index predicates as written (see
//!   `keyshift::ddl`'s module docs: PostgreSQL's printed form depends on
//!   the column types and operator resolution, e.g. `status IN ('a')`
//!   prints as `((status)::text = ANY ((ARRAY['a'::character varying])::text[]))`,
//!   and `BETWEEN` is expanded, so it cannot be derived offline; even
//!   pg_dump text from an old server, like world.sql's, re-prints
//!   differently). The test has the server print each offline expression
//!   itself, on a scratch copy of its table, and compares that: the
//!   expression the DDL path extracted must be the very one the server
//!   stored. Everything else, including which columns each expression
//!   mentions, is compared as is.

mod support;

use keyshift::catalog::{Catalog, IndexKey, quote_ident};
use keyshift::plan::Options;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus() -> PathBuf {
    repo().join("../shared/corpus")
}

/// One case: the DDL keyshift parses, and what to load, in order.
struct Case {
    name: String,
    /// Relative to the repository, as a user would name it.
    ddl: PathBuf,
    /// Files to run with psql, each from its own folder.
    load: Vec<PathBuf>,
    /// SQL to run in the new database first.
    setup: Option<&'static str>,
}

fn schema_case(name: &str) -> Case {
    let dir = repo().join("schema").join(name);
    Case {
        name: name.to_string(),
        ddl: PathBuf::from("schema").join(name).join("schema.sql"),
        load: vec![dir.join("schema.sql")],
        setup: None,
    }
}

/// Roles are cluster-wide, and the corpus cases share one server.
const CREATE_PINAFORE: &str = "DO $$ BEGIN CREATE ROLE pinafore; \
     EXCEPTION WHEN duplicate_object THEN NULL; END $$;";

fn corpus_case(name: &str, load: &[&str], setup: Option<&'static str>) -> Option<Case> {
    let dir = corpus();
    if !dir.join("MANIFEST.md").exists() {
        return support::skip_or_panic(&format!(
            "the shared corpus is missing at {}; corpus parity not checked",
            dir.display()
        ));
    }
    Some(Case {
        name: name.to_string(),
        ddl: PathBuf::from("../shared/corpus").join(load[0]),
        load: load.iter().map(|f| dir.join(f)).collect(),
        setup,
    })
}

/// Scripts that create and `\c` into a database of their own (chinook) are
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

fn pretty(c: &Catalog) -> String {
    serde_json::to_string_pretty(&c.schema_only()).expect("catalog serializes") + "\n"
}

fn run(case: Case) {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    // world.sql is Latin-1 in its data rows; the DDL itself is ASCII.
    let bytes = fs::read(repo().join(&case.ddl))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", case.ddl.display()));
    let sql = String::from_utf8_lossy(&bytes);
    let source = case.ddl.to_string_lossy().replace('\\', "/");
    let options = Options::default();
    let offline = keyshift::pipeline::run(&source, &sql, &options)
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));

    let work = tempfile::tempdir().expect("temp dir");
    let db = server.create_database(&case.name);
    if let Some(setup) = case.setup {
        db.psql_sql(setup).expect("setup");
    }
    for file in &case.load {
        let file = prepare_load_file(file, work.path());
        db.psql_file(&file, file.parent())
            .unwrap_or_else(|e| panic!("loading {} failed: {e}", file.display()));
    }
    let mut client = postgres::Client::connect(&db.url(), postgres::NoTls)
        .unwrap_or_else(|e| panic!("{}: cannot connect: {e}", case.name));
    let live = keyshift::introspect::introspect(&mut client)
        .unwrap_or_else(|e| panic!("{}: introspection failed: {e}", case.name));
    assert!(
        live.table_stats.len() == live.tables.len(),
        "{}: every live table has its stats",
        case.name
    );

    let mut canonical = offline.catalog.clone();
    canonical_expressions(&mut client, &mut canonical);
    let (want, got) = (pretty(&canonical), pretty(&live));
    if want != got {
        let diff = similar::TextDiff::from_lines(&want, &got)
            .unified_diff()
            .context_radius(6)
            .header("offline (DDL)", "live (introspected)")
            .to_string();
        panic!("{}: the catalogs differ:\n{diff}", case.name);
    }
    assert_eq!(canonical.schema_only(), live.schema_only());

    // The bundle of the offline path itself, unless expression text was
    // reconciled above; then the bundle of the reconciled catalog.
    let want_bundle = if canonical == offline.catalog {
        offline.bundle
    } else {
        keyshift::pipeline::from_catalog(&source, canonical, BTreeMap::new(), &options).bundle
    };
    let from_live = keyshift::pipeline::from_catalog(&source, live, BTreeMap::new(), &options);
    for (path, text) in want_bundle.files() {
        let other = from_live.bundle.get(path).unwrap_or_default();
        if text != other {
            let diff = similar::TextDiff::from_lines(text, other)
                .unified_diff()
                .header("offline", "live")
                .to_string();
            panic!(
                "{}: {path} differs between the two paths:\n{diff}",
                case.name
            );
        }
    }
    assert_eq!(
        want_bundle.files().count(),
        from_live.bundle.files().count(),
        "{}: both bundles have the same files",
        case.name
    );
}

/// Replaces every CHECK expression, index key expression and index
/// predicate of `catalog` by the text the server prints for it: each table
/// that has any is copied (`LIKE`, columns only) into a scratch schema, the
/// expressions are added to the copy as written, and `pg_get_expr` /
/// `pg_get_indexdef` read back with `search_path = ''`, exactly as
/// introspection reads them. All in a transaction that is rolled back.
fn canonical_expressions(client: &mut postgres::Client, catalog: &mut Catalog) {
    let mut tx = client.transaction().expect("BEGIN");
    let scratch_schema = quote_ident("keyshift_parity");
    tx.batch_execute(&format!("CREATE SCHEMA {scratch_schema}"))
        .expect("scratch schema");
    let mut n = 0;
    for table in &mut catalog.tables {
        let has_expressions = |i: &keyshift::catalog::Index| {
            i.predicate.is_some() || i.keys.iter().any(|k| matches!(k, IndexKey::Expression(_)))
        };
        if table.checks.is_empty() && !table.indexes.iter().any(has_expressions) {
            continue;
        }
        n += 1;
        let copy = format!("{scratch_schema}.{}", quote_ident(&format!("t{n}")));
        let run = |tx: &mut postgres::Transaction, sql: &str| {
            tx.batch_execute(&format!(
                "SET LOCAL search_path = \"$user\", public; {sql}; SET LOCAL search_path = ''"
            ))
            .unwrap_or_else(|e| panic!("{sql}: {}", keyshift::introspect::describe(&e)))
        };
        run(
            &mut tx,
            &format!("CREATE TABLE {copy} (LIKE {})", table.name.quoted()),
        );
        for check in &mut table.checks {
            run(
                &mut tx,
                &format!(
                    "ALTER TABLE {copy} ADD CONSTRAINT {} CHECK ({}) NOT VALID",
                    quote_ident(&check.name),
                    check.expression
                ),
            );
            check.expression = tx
                .query_one(
                    "SELECT pg_catalog.pg_get_expr(conbin, conrelid) FROM pg_catalog.pg_constraint \
                     WHERE conrelid = $1::text::pg_catalog.regclass AND conname = $2",
                    &[&copy, &check.name],
                )
                .expect("read check")
                .get(0);
        }
        for (m, index) in table
            .indexes
            .iter_mut()
            .filter(|i| has_expressions(i))
            .enumerate()
        {
            let name = format!("{scratch_schema}.{}", quote_ident(&format!("t{n}_i{m}")));
            let keys: Vec<String> = index
                .keys
                .iter()
                .map(|k| match k {
                    IndexKey::Column(c) => quote_ident(c),
                    IndexKey::Expression(e) => format!("({e})"),
                })
                .collect();
            let predicate = index
                .predicate
                .as_ref()
                .map(|p| format!(" WHERE {p}"))
                .unwrap_or_default();
            run(
                &mut tx,
                &format!(
                    "CREATE INDEX {} ON {copy} USING {} ({}){predicate}",
                    quote_ident(&format!("t{n}_i{m}")),
                    quote_ident(&index.method),
                    keys.join(", ")
                ),
            );
            let row = tx
                .query_one(
                    "SELECT pg_catalog.pg_get_expr(x.indpred, x.indrelid), \
                            ARRAY(SELECT pg_catalog.pg_get_indexdef(x.indexrelid, k, false) \
                                  FROM pg_catalog.generate_series(1, x.indnkeyatts::int4) k ORDER BY k) \
                     FROM pg_catalog.pg_index x WHERE x.indexrelid = $1::text::pg_catalog.regclass",
                    &[&name],
                )
                .expect("read index");
            index.predicate = row.get(0);
            let printed: Vec<String> = row.get(1);
            for (key, text) in index.keys.iter_mut().zip(printed) {
                if let IndexKey::Expression(e) = key {
                    *e = text;
                }
            }
        }
    }
    tx.rollback().expect("ROLLBACK");
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
        fn every_loadable_schema_case_is_checked() {
            let mut listed: Vec<String> = [$(stringify!($name)),*].iter().map(|s| s.to_string()).collect();
            listed.sort();
            let mut on_disk: Vec<String> = fs::read_dir(repo().join("schema"))
                .expect("schema/")
                .map(|e| e.expect("entry").path())
                .filter(|p| !p.join("expected_error.txt").exists())
                .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
                .collect();
            on_disk.sort();
            assert_eq!(listed, on_disk, "add the new case to schema_cases! in tests/parity.rs");
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

macro_rules! corpus_cases {
    ($($name:ident: [$($file:literal),+] $(, setup = $setup:expr)?;)*) => {
        $(
            #[test]
            fn $name() {
                #[allow(unused_mut, unused_assignments)]
                let mut setup = None;
                $(setup = Some($setup);)?
                if let Some(case) = corpus_case(&stringify!($name)["corpus_".len()..], &[$($file),+], setup) {
                    run(case);
                }
            }
        )*
    };
}

corpus_cases! {
    corpus_chinook: ["chinook/Chinook_PostgreSql.sql"];
    corpus_chinook_serial: ["chinook/Chinook_PostgreSql_SerialPKs.sql"];
    corpus_chinook_identity: ["chinook/Chinook_PostgreSql_AutoIncrementPKs.sql"];
    corpus_pagila: ["pagila/pagila-schema.sql", "pagila/pagila-data.sql"];
    corpus_sakila: ["sakila/postgres-sakila-schema.sql", "sakila/postgres-sakila-insert-data-using-copy.sql"];
    corpus_northwind: ["northwind/northwind.sql"];
    corpus_mastodon: ["mastodon/dump.sql"], setup = CREATE_PINAFORE;
    corpus_employees: ["employees/employee.sql"];
    corpus_world: ["world/world.sql"];
    corpus_listmonk: ["listmonk/schema.sql"];
    corpus_guacamole: ["guacamole/001-create-schema.sql", "guacamole/002-create-admin-user.sql"];
    corpus_tpcc: ["tpcc/ddl-postgres.sql"];
    corpus_auctionmark: ["auctionmark/ddl-postgres.sql"];
    corpus_dellstore2: ["dellstore2/dellstore2-normal-1.0.sql"];
}
