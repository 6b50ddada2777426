//! Smoke test of the live PostgreSQL harness in `tests/support`: it starts a real
//! server, and every promise the other live tests rely on is checked here.

mod support;

use std::path::PathBuf;

/// A file in a fresh temp dir, removed on drop.
struct TempSql {
    dir: PathBuf,
}

impl TempSql {
    fn new(tag: &str) -> TempSql {
        let dir =
            std::env::temp_dir().join(format!("keyshift-harness-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempSql { dir }
    }

    fn write(&self, name: &str, sql: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, sql).unwrap();
        path
    }
}

impl Drop for TempSql {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const SCHEMA: &str = r#"
CREATE SCHEMA app;
CREATE TABLE app.users (id serial PRIMARY KEY, "Name" text NOT NULL);
CREATE TABLE app.journals (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id integer NOT NULL REFERENCES app.users (id),
    body text
);
CREATE TABLE app.events (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE app.events_2024 PARTITION OF app.events
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- Columns named like the snapshot's row alias must not confuse it.
CREATE TABLE app.tricky (r int, t text);
INSERT INTO app.tricky VALUES (1, 'x');
CREATE ROLE keyshift_reader;
GRANT SELECT ON app.users TO keyshift_reader;
\i seed.sql
"#;

const SEED: &str = r#"
INSERT INTO app.users ("Name") VALUES ('ada'), ('grace');
INSERT INTO app.journals (user_id, body) VALUES (1, 'a'), (2, E'two\nlines');
INSERT INTO app.events VALUES (1, '2024-05-01');
"#;

#[test]
fn harness_round_trip() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    eprintln!("server {} on port {}", server.version(), server.port());
    let files = TempSql::new("round-trip");
    files.write("seed.sql", SEED);
    let schema = files.write("schema.sql", SCHEMA);

    let db = server.create_database("harness_round_trip");
    let other = server.create_database("harness_other");
    assert_ne!(db.name(), other.name());
    assert!(
        db.url()
            .ends_with(&format!(":{}/{}", server.port(), db.name()))
    );

    // `\i seed.sql` resolves against the cwd we pass.
    db.psql_file(&schema, Some(&files.dir)).unwrap();
    assert_eq!(
        db.query_rows(r#"SELECT id, "Name" FROM app.users ORDER BY id"#),
        ["1|ada", "2|grace"]
    );
    assert_eq!(
        other.query_rows("SELECT count(*) FROM pg_namespace WHERE nspname = 'app'"),
        ["0"]
    );

    // Dumps are byte-identical, keep privileges, and carry the fixed restrict key.
    let dump = db.dump_schema();
    assert_eq!(dump, db.dump_schema());
    assert!(dump.contains("GRANT SELECT ON TABLE app.users TO keyshift_reader;"));
    assert!(dump.contains("OWNER TO postgres;"));
    if server.supports_restrict_key() {
        assert!(dump.contains("\\restrict keyshift"), "{dump}");
    }

    // Snapshots: deterministic, one line per leaf table and sequence, and they move
    // when a row changes.
    let snapshot = db.data_snapshot();
    assert_eq!(snapshot, db.data_snapshot());
    let names: Vec<&str> = snapshot
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "app.events_2024",
            "app.journals",
            "app.journals_id_seq",
            "app.tricky",
            "app.users",
            "app.users_id_seq"
        ],
        "{snapshot}"
    );
    assert!(snapshot.contains("app.users 2 "), "{snapshot}");
    assert!(snapshot.contains("app.users_id_seq 2 true"), "{snapshot}");
    db.psql_sql("UPDATE app.journals SET body = 'b' WHERE id = 1")
        .unwrap();
    assert_ne!(snapshot, db.data_snapshot());
    let empty = other.data_snapshot();
    assert_eq!(empty, "\n");

    // A failing script is an Err with psql's own error text and exit code 3.
    let bad = files.write(
        "bad.sql",
        "SELECT 1;\nSELECT * FROM no_such_table;\nSELECT 2;\n",
    );
    let err = db.psql_file(&bad, None).unwrap_err();
    assert_eq!(err.code, Some(3), "{err:?}");
    assert!(
        err.stderr
            .contains(r#"relation "no_such_table" does not exist"#),
        "{err:?}"
    );
    assert!(db.psql_sql("SELEC 1").is_err());

    // Drop removes the database.
    let name = other.name().to_owned();
    drop(other);
    let exists = format!("SELECT count(*) FROM pg_database WHERE datname = '{name}'");
    assert_eq!(db.query_rows(&exists), ["0"]);
}

/// Many databases at once on the shared server, as parallel test threads do.
#[test]
fn parallel_databases() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    std::thread::scope(|scope| {
        for i in 0..6 {
            scope.spawn(move || {
                let db = server.create_database("parallel");
                db.psql_sql(&format!(
                    "CREATE TABLE t (n int); INSERT INTO t VALUES ({i});"
                ))
                .unwrap();
                assert_eq!(db.query_rows("SELECT n FROM t"), [i.to_string()]);
            });
        }
    });
}

/// The round trip's data comparison covers materialized views: their rows
/// and whether each is populated, but not their date and time columns,
/// which a refill at another moment changes.
#[test]
fn data_snapshot_covers_materialized_views() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = server.create_database("harness_matview");
    db.psql_sql(
        "CREATE TABLE t (id int);
         INSERT INTO t VALUES (1), (2);
         CREATE MATERIALIZED VIEW mv AS SELECT id, now() AS at FROM t;
         CREATE MATERIALIZED VIEW empty_mv AS SELECT id FROM t WITH NO DATA;",
    )
    .unwrap();
    let before = db.data_snapshot();
    assert!(before.contains("public.mv populated 2 "), "{before}");
    assert!(before.contains("public.empty_mv not populated"), "{before}");
    db.psql_sql("REFRESH MATERIALIZED VIEW mv;").unwrap();
    assert_eq!(before, db.data_snapshot(), "only now() changed");
    db.psql_sql("REFRESH MATERIALIZED VIEW mv WITH NO DATA;")
        .unwrap();
    assert!(db.data_snapshot().contains("public.mv not populated"));
    db.psql_sql("DELETE FROM t WHERE id = 2; REFRESH MATERIALIZED VIEW mv;")
        .unwrap();
    let fewer = db.data_snapshot();
    assert!(fewer.contains("public.mv populated 1 "), "{fewer}");
    db.psql_sql("INSERT INTO t VALUES (3); REFRESH MATERIALIZED VIEW mv;")
        .unwrap();
    let other_rows = db.data_snapshot();
    let mv_line = |snapshot: &str| {
        snapshot
            .lines()
            .find(|l| l.starts_with("public.mv "))
            .map(str::to_owned)
    };
    assert!(
        other_rows.contains("public.mv populated 2 "),
        "{other_rows}"
    );
    assert_ne!(
        mv_line(&before),
        mv_line(&other_rows),
        "the rows' values are compared, not just their count"
    );
}

/// A skipped test counts as passed in libtest's summary, so its banner must
/// name what was missing: a missing corpus is not "no server", and neither
/// is a missing psql or a missing npm.
#[test]
fn the_skip_banner_names_its_cause() {
    use support::Missing::*;
    let kinds = [
        Server,
        ServerBinaries,
        Client,
        Npm,
        Fetch,
        ServerUser,
        Corpus,
        Squawk,
    ];
    for kind in kinds {
        let text = support::banner(kind, "bin", "details");
        assert!(
            text.contains(&format!("=== SKIPPING {} in bin", kind.headline())),
            "{text}"
        );
        assert!(text.contains(&kind.remedy()), "{text}");
        for other in kinds.iter().filter(|k| k.cause() != kind.cause()) {
            assert!(
                !text.contains(other.cause()),
                "{kind:?} names {other:?}: {text}"
            );
        }
    }
    let corpus = support::banner(Corpus, "bin", "details");
    assert!(corpus.contains("SKIPPING CORPUS TESTS (the shared corpus is missing)"));
    let client = support::banner(Client, "bin", "details");
    assert!(
        client.contains("apt-get install postgresql-client"),
        "{client}"
    );
    let npm = support::banner(Npm, "bin", "details");
    assert!(npm.contains("apt-get install npm"), "{npm}");
    let matrix = support::banner_for("the version matrix on PostgreSQL 14", Fetch, "bin", "x");
    assert!(
        matrix.contains(
            "SKIPPING the version matrix on PostgreSQL 14 (fetching the pinned PostgreSQL \
             server failed)"
        ),
        "{matrix}"
    );
}

/// Without npm or node on PATH the tests cannot fetch a server, and the
/// skip says exactly that.
#[test]
fn without_npm_the_skip_says_so() {
    let empty = std::ffi::OsString::new();
    let no = support::fetch::tools_missing(Some(&empty)).expect("nothing is on an empty PATH");
    assert_eq!(no.missing, support::Missing::Npm);
    assert!(
        no.why.contains("npm and node are not on PATH"),
        "{}",
        no.why
    );
}

/// The server fetched for a machine without one is 15 (CI's), unless the
/// client is older: pg_dump refuses a server newer than itself.
#[test]
fn the_fetched_server_suits_the_client() {
    use support::fetch::default_major;
    let pinned = support::fetch::pinned_majors();
    assert_eq!(default_major(15, &pinned), Ok(15));
    assert_eq!(default_major(18, &pinned), Ok(15));
    assert_eq!(default_major(19, &pinned), Ok(15));
    assert_eq!(default_major(14, &pinned), Ok(14));
    let too_old = default_major(13, &pinned).expect_err("13 is older than keyshift supports");
    assert!(
        too_old.contains("PostgreSQL 13, older than 14"),
        "{too_old}"
    );
}

/// What a machine without an installed server does: fetch the pinned build
/// (once; `.ci/fetch-postgres` under a lock), start it as the harness starts
/// any server, and serve psql and pg_dump. `KEYSHIFT_PG_BIN=fetch` makes
/// every live test run on it.
#[test]
fn a_fetched_server_serves_the_tests() {
    let bin_dir = match support::binaries::fetched_server_bin_dir() {
        Ok(dir) => dir,
        Err(no) => return support::skip_or_panic(no.missing, &no.why).unwrap_or(()),
    };
    let server = support::Server::start(support::ServerSpec::new(&bin_dir))
        .unwrap_or_else(|why| panic!("the fetched server did not start: {why}"));
    let client = support::binaries::client_major(&server.binaries().pg_dump).expect("pg_dump");
    let expected = support::fetch::default_major(client, &support::fetch::pinned_majors());
    assert_eq!(
        Ok(server.version_num() / 10000),
        expected,
        "{}",
        server.version()
    );
    let db = server.create_database("fetched");
    db.psql_sql("CREATE TABLE t (id serial PRIMARY KEY); INSERT INTO t DEFAULT VALUES;")
        .unwrap();
    assert_eq!(db.query_rows("SELECT id FROM t"), ["1"]);
    assert!(db.dump_schema().contains("CREATE TABLE public.t"));
}

/// Every corpus test (`tests/ddl_corpus.rs` included) finds the corpus
/// through `support::corpus_or_skip`: a missing corpus is a skip on a laptop
/// and a failure under CI.
#[test]
fn a_missing_corpus_fails_under_ci_and_skips_elsewhere() {
    let nowhere = std::path::Path::new("/nonexistent/keyshift-corpus");
    assert_eq!(support::corpus_at(nowhere, "this check", false), None);
    let under_ci = std::panic::catch_unwind(|| support::corpus_at(nowhere, "this check", true));
    let message = under_ci.expect_err("a missing corpus must fail under CI");
    let text = message
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        text.contains("CORPUS TESTS (the shared corpus is missing)") && text.contains("this check"),
        "{text}"
    );
    let here = support::corpus_or_skip("the corpus itself");
    if let Some(dir) = here {
        assert!(dir.join("MANIFEST.md").is_file());
    }
}
