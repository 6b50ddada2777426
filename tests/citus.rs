//! A Citus coordinator: keyshift refuses to convert distributed and
//! reference tables, naming what each is and its distribution column.
//!
//! Citus itself is not installed here, so the test gives a throwaway
//! database the one catalog table keyshift reads, `pg_dist_partition`,
//! with Citus' columns and the serialized distribution column Citus
//! stores; a superuser may create it in `pg_catalog` with
//! `allow_system_table_mods`.

mod support;

use std::process::Command;

#[test]
fn distributed_and_reference_tables_are_refused() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let db = server.create_database("citus");
    db.psql_file(&repo.join("schema/forum/schema.sql"), None)
        .expect("load the forum");
    db.psql_sql(
        "SET allow_system_table_mods = on;
         CREATE TABLE pg_catalog.pg_dist_partition (
             logicalrelid regclass NOT NULL, partmethod \"char\" NOT NULL, partkey text,
             colocationid integer NOT NULL, repmodel \"char\" NOT NULL,
             autoconverted boolean NOT NULL DEFAULT false);
         INSERT INTO pg_catalog.pg_dist_partition VALUES
             ('public.posts', 'h', '{VAR :varno 1 :varattno 2 :vartype 20 :vartypmod -1 :varcollid 0 :varlevelsup 0 :varnosyn 1 :varattnosyn 2 :location -1}', 1, 's', false),
             ('public.categories', 'n', NULL, 2, 't', false);",
    )
    .expect("a Citus-shaped catalog");

    let work = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_keyshift"))
        .args([
            "generate",
            &db.url(),
            "--config",
            repo.join("schema/forum/keyshift.toml")
                .to_str()
                .expect("utf-8"),
            "--out",
            work.path().join("bundle").to_str().expect("utf-8"),
        ])
        .env_remove("DATABASE_URL")
        .output()
        .expect("run keyshift");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!work.path().join("bundle").exists(), "nothing written");
    for needle in [
        "blocker: table public.posts is a hash-distributed table (distribution column topic_id) on this Citus coordinator, and its distribution column topic_id would become uuid, which moves every row to another shard",
        "blocker: table public.categories is a reference table (a copy on every node) on this Citus coordinator",
        "--exclude-table public.posts",
        "error: 2 blocker(s) above",
    ] {
        assert!(stderr.contains(needle), "missing {needle:?} in:\n{stderr}");
    }

    // The catalog says so too, and a schema file could not: the comparison
    // of live and parsed catalogs leaves it out.
    let mut client = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");
    let catalog = keyshift::introspect::introspect(&mut client).expect("introspect");
    assert_eq!(catalog.distributed.len(), 2);
    assert_eq!(catalog.distributed[1].column.as_deref(), Some("topic_id"));
    assert!(catalog.schema_only().distributed.is_empty());
}
