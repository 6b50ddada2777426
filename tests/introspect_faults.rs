//! Faults while reading a live catalog, against a real server:
//! - a role with no privileges on the objects it inspects: what does it
//!   not see? Nothing the catalog queries read. pg_catalog's tables are
//!   readable by every role, schema USAGE and table SELECT only guard the
//!   objects' contents, and `pg_get_expr` and `pg_get_indexdef` check no
//!   privilege; the queries read no
//!   information_schema view (which hides what a role has no privilege on)
//!   and no sequence's `last_value` (which needs SELECT or USAGE on it). So
//!   the catalog such a role reads must be the whole one, equal to the
//!   superuser's; this test pins that, so a query that starts depending on a
//!   privilege is caught instead of silently reading less.
//! - a connection that drops mid-read: one error line naming the query, a
//!   non-zero exit and nothing written.
//! - a server older than the supported minimum (14) cannot be tested here:
//!   none is installed here, and the npm builds start at 14; the check
//!   itself is `read_rows`' comparison with `MIN_SERVER_VERSION`.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SCHEMA: &str = r#"
CREATE SCHEMA locked;
CREATE TABLE locked.accounts (id serial PRIMARY KEY, balance numeric CHECK (balance >= 0));
CREATE TABLE locked.entries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id integer NOT NULL REFERENCES locked.accounts (id),
    amount numeric GENERATED ALWAYS AS (0) STORED
);
CREATE INDEX entries_account_idx ON locked.entries (account_id) WHERE account_id > 0;
CREATE VIEW locked.balances AS SELECT a.id, sum(e.amount) FROM locked.accounts a JOIN locked.entries e ON e.account_id = a.id GROUP BY a.id;
CREATE TABLE public.open_t (id serial PRIMARY KEY, account_id integer REFERENCES locked.accounts (id));
ALTER TABLE locked.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON locked.accounts USING (true);
REVOKE ALL ON SCHEMA locked FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA locked FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA locked FROM PUBLIC;
DO $$ BEGIN CREATE ROLE keyshift_nobody LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
"#;

#[test]
fn a_role_without_privileges_reads_the_whole_catalog() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = server.create_database("faults_privileges");
    db.psql_sql(SCHEMA).expect("schema");
    // The role really lacks the privileges.
    let denied = db.query_rows(
        "SELECT has_schema_privilege('keyshift_nobody', 'locked', 'USAGE'), \
                has_table_privilege('keyshift_nobody', 'locked.accounts', 'SELECT'), \
                has_sequence_privilege('keyshift_nobody', 'locked.accounts_id_seq', 'SELECT')",
    );
    assert_eq!(denied, ["f|f|f"]);

    let mut admin = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");
    let full = keyshift::introspect::introspect(&mut admin).expect("superuser introspection");
    let nobody_url = db.url().replacen("postgres@", "keyshift_nobody@", 1);
    let mut nobody = postgres::Client::connect(&nobody_url, postgres::NoTls).expect("connect");
    let seen = keyshift::introspect::introspect(&mut nobody).expect("unprivileged introspection");
    assert_eq!(full.tables.len(), 3);
    assert_eq!(full.views.len(), 1);
    assert_eq!(full.policies.len(), 1);
    assert_eq!(
        serde_json::to_string_pretty(&seen).expect("json"),
        serde_json::to_string_pretty(&full).expect("json"),
        "an unprivileged role must read exactly what the superuser reads"
    );
}

#[test]
fn a_connection_dropped_mid_read_is_one_error_and_no_file() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = server.create_database("faults_drop");
    db.psql_sql(SCHEMA).expect("schema");
    // Analyzed, so that relations.sql reads its size from the catalog: the
    // size of a table never analyzed is read from its files, which waits for
    // the lock below too, and the read must be under way before it waits.
    db.psql_sql("ANALYZE locked.accounts").expect("analyze");
    let work = tempfile::tempdir().expect("temp dir");
    let out_file = work.path().join("catalog.json");

    // Hold a lock the read needs (constraints.sql prints the CHECK on
    // locked.accounts with pg_get_expr, which opens the table with ACCESS
    // SHARE), so the read is sure to be under way, two queries in, and
    // waiting.
    let mut holder = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");
    let mut tx = holder.transaction().expect("BEGIN");
    tx.batch_execute("LOCK TABLE locked.accounts IN ACCESS EXCLUSIVE MODE")
        .expect("lock");

    let child = Command::new(env!("CARGO_BIN_EXE_keyshift"))
        .args(["inspect", &db.url(), "-o"])
        .arg(&out_file)
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn keyshift");

    let mut admin = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");
    let deadline = Instant::now() + Duration::from_secs(30);
    let terminated = loop {
        let row = admin
            .query_opt(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event_type = 'Lock' \
                   AND pid <> pg_backend_pid()",
                &[],
            )
            .expect("terminate");
        if let Some(row) = row {
            break row.get::<_, bool>(0);
        }
        assert!(
            Instant::now() < deadline,
            "inspect never waited on the lock"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(terminated);
    let out = child.wait_with_output().expect("wait");
    tx.rollback().expect("ROLLBACK");

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "must fail: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("reading the catalog failed (constraints.sql)"),
        "names the query: {stderr}"
    );
    // The server's FATAL message, when it arrives before the socket closes;
    // else the driver's word for a closed connection.
    assert!(
        stderr.contains("terminating connection due to administrator command")
            || stderr.contains("connection closed")
            || stderr.contains("communicating with the server"),
        "says why: {stderr}"
    );
    assert!(!out_file.exists(), "nothing may be written");
}
