//! Rebuild and swap on a real server: what forward promises about locks
//! while it builds the copies, and what it refuses to copy; and what
//! monitor.sql shows a second session while forward waits for a lock.

mod support;

use keyshift::plan::Options;
use std::path::Path;
use std::time::{Duration, Instant};
use support::Database;

const SCHEMA: &str = "
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE posts (
    id bigserial PRIMARY KEY,
    user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title text NOT NULL
);
CREATE INDEX posts_user_id_idx ON posts (user_id);
INSERT INTO users (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 200) g;
INSERT INTO posts (user_id, title) SELECT 1 + g % 200, 'post ' || g FROM generate_series(1, 1000) g;
";

fn bundle(sql: &str, options: &Options) -> tempfile::TempDir {
    let output = keyshift::pipeline::run("rebuild.sql", sql, options).expect("plan");
    let dir = tempfile::tempdir().expect("temp dir");
    output.bundle.write_to(dir.path()).expect("write bundle");
    dir
}

fn run(db: &Database, dir: &Path, file: &str) -> Result<String, support::PsqlError> {
    db.psql_file(&dir.join(file), Some(dir))
}

/// While forward builds the copies, the originals hold at most SHARE, so
/// reads go on. A reader that keeps a transaction open makes forward wait
/// at the first lock it needs that reads would wait for; at that moment
/// every copy must be built, and forward must hold nothing stronger than
/// SHARE on the originals.
#[test]
fn forward_holds_only_share_until_its_swap() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = server.create_database("share_until_swap");
    db.psql_sql(SCHEMA).expect("schema");
    let dir = bundle(SCHEMA, &Options::default());

    let mut reader = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");
    let reader_pid: i32 = reader
        .query_one("SELECT pg_backend_pid()", &[])
        .expect("pid")
        .get(0);
    reader
        .batch_execute("BEGIN; SELECT count(*) FROM users; SELECT count(*) FROM posts;")
        .expect("reader holds ACCESS SHARE");

    let forward = std::thread::scope(|scope| {
        let running = scope.spawn(|| run(&db, dir.path(), "forward.sql"));
        let mut watcher = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");
        let deadline = Instant::now() + Duration::from_secs(60);
        let waiting = loop {
            let rows = watcher
                .query(
                    "SELECT a.pid, l.mode, c.relname FROM pg_stat_activity a
                     JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
                     JOIN pg_class c ON c.oid = l.relation
                     WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()",
                    &[],
                )
                .expect("watch");
            if let Some(row) = rows.first() {
                break (row.get::<_, i32>(0), row.get::<_, String>(1));
            }
            assert!(
                !running.is_finished(),
                "forward finished without ever waiting for the reader"
            );
            assert!(
                Instant::now() < deadline,
                "forward never waited for the reader"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(
            waiting.1, "AccessExclusiveLock",
            "the first lock forward waits for must be the swap's"
        );
        let held: Vec<String> = watcher
            .query(
                "SELECT c.relname || ' ' || l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE l.pid = $1 AND l.granted AND n.nspname = 'public' AND c.relname IN ('users', 'posts')
                 ORDER BY 1",
                &[&waiting.0],
            )
            .expect("locks")
            .iter()
            .map(|r| r.get(0))
            .collect();
        for lock in &held {
            assert!(
                lock.ends_with(" AccessShareLock") || lock.ends_with(" ShareLock"),
                "forward holds {lock} on an original before its swap; held: {held:?}"
            );
        }
        assert!(
            held.iter().any(|l| l == "users ShareLock")
                && held.iter().any(|l| l == "posts ShareLock"),
            "forward must keep writes out with SHARE; held: {held:?}"
        );
        let built: i64 = watcher
            .query_one(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'keyshift_build_1' AND c.relkind = 'r'",
                &[],
            )
            .expect("copies")
            .get(0);
        assert_eq!(built, 0, "uncommitted copies must be invisible to others");
        monitor_sees_the_wait(&db, dir.path(), waiting.0, reader_pid);
        reader.batch_execute("COMMIT").expect("release");
        running.join().expect("forward thread")
    });
    forward.expect("forward after the reader let go");
    run(&db, dir.path(), "verify_forward.sql").expect("verify_forward");
}

/// monitor.sql, run from another session while forward waits at its swap
/// for `reader`, shows forward's last progress line, its ungranted ACCESS
/// EXCLUSIVE lock on a converted table, and that `reader` blocks it; and
/// it does so without waiting itself (it reads no table).
fn monitor_sees_the_wait(db: &Database, dir: &Path, forward: i32, reader: i32) {
    let out = run(db, dir, "monitor.sql").expect("monitor.sql while forward waits");
    let lines: Vec<&str> = out.lines().collect();
    let row = |needles: &[&str]| lines.iter().any(|l| needles.iter().all(|n| l.contains(n)));
    let forward = forward.to_string();
    assert!(
        row(&[&forward, "keyshift ", "Lock: relation"]),
        "monitor.sql shows no progress line for forward (pid {forward}) waiting for a lock:\n{out}"
    );
    assert!(
        row(&[&forward, "AccessExclusiveLock", "| f "]),
        "monitor.sql shows no ungranted ACCESS EXCLUSIVE lock of forward:\n{out}"
    );
    assert!(
        row(&[&forward, &format!("{{{reader}}}")]),
        "monitor.sql does not show forward blocked by the reader (pid {reader}):\n{out}"
    );
}

/// A function that takes the table's row type would go on naming the
/// original's type after a swap. preflight names it, forward refuses it
/// without changing anything, and a bundle made with `--in-place`
/// converts the table.
#[test]
fn a_row_type_in_use_is_refused_and_in_place_converts_it() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let schema = format!(
        "{SCHEMA}
         CREATE FUNCTION user_label(u users) RETURNS text LANGUAGE sql AS $$ SELECT u.email $$;"
    );
    let db = server.create_database("row_type_in_use");
    db.psql_sql(&schema).expect("schema");
    let before = db.dump_schema();
    let dir = bundle(&schema, &Options::default());
    let err = run(&db, dir.path(), "preflight.sql").expect_err("preflight must refuse");
    assert!(
        err.to_string()
            .contains("table public.users has its row type used by function user_label("),
        "preflight did not name the function:\n{err}"
    );
    let err = run(&db, dir.path(), "forward.sql").expect_err("forward must refuse");
    assert!(
        err.to_string()
            .contains("the row type of public.users is used by function public.user_label("),
        "forward did not name the function:\n{err}"
    );
    assert_eq!(
        db.dump_schema(),
        before,
        "a refused forward changed the schema"
    );

    let in_place = bundle(
        &schema,
        &Options {
            in_place: true,
            ..Options::default()
        },
    );
    for file in [
        "preflight.sql",
        "forward.sql",
        "verify_forward.sql",
        "rollback.sql",
        "verify_rollback.sql",
    ] {
        run(&db, in_place.path(), file).unwrap_or_else(|e| panic!("--in-place {file}: {e}"));
    }
    assert_eq!(
        db.dump_schema(),
        before,
        "--in-place round trip changed the schema"
    );
}

/// Rollback drops keyshift's own tables (the maps, the originals forward
/// kept) at its end, under ACCESS EXCLUSIVE on the converted tables. A
/// session that holds one of those tables (autovacuum does, soon after
/// forward) must make rollback wait at its start, while the converted
/// tables still serve reads, never at the drop.
#[test]
fn rollback_waits_for_its_own_tables_before_locking_out_readers() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = server.create_database("rollback_lock_order");
    db.psql_sql(SCHEMA).expect("schema");
    let dir = bundle(SCHEMA, &Options::default());
    run(&db, dir.path(), "forward.sql").expect("forward");

    let mut holder = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");
    holder
        .batch_execute("BEGIN; LOCK TABLE keyshift_before_1.posts IN SHARE UPDATE EXCLUSIVE MODE;")
        .expect("hold a kept original as autovacuum would");

    let rollback = std::thread::scope(|scope| {
        let running = scope.spawn(|| run(&db, dir.path(), "rollback.sql"));
        let mut watcher = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");
        let deadline = Instant::now() + Duration::from_secs(60);
        let waiter = loop {
            let rows = watcher
                .query(
                    "SELECT l.pid, n.nspname || '.' || c.relname FROM pg_locks l
                     JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
                     JOIN pg_stat_activity a ON a.pid = l.pid
                     WHERE NOT l.granted AND a.datname = current_database() AND a.pid <> pg_backend_pid()",
                    &[],
                )
                .expect("watch");
            if let Some(row) = rows.first() {
                break (row.get::<_, i32>(0), row.get::<_, String>(1));
            }
            assert!(
                !running.is_finished(),
                "rollback never waited for the held table"
            );
            assert!(
                Instant::now() < deadline,
                "rollback never waited for the held table"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(
            waiter.1, "keyshift_before_1.posts",
            "what rollback waits for"
        );
        let strongest: Vec<String> = watcher
            .query(
                "SELECT c.relname || ' ' || l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE l.pid = $1 AND l.granted AND n.nspname = 'public' AND c.relname IN ('users', 'posts')
                   AND l.mode NOT IN ('AccessShareLock', 'ShareLock')",
                &[&waiter.0],
            )
            .expect("locks")
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert!(
            strongest.is_empty(),
            "rollback waits for its own table while holding {strongest:?} on the converted tables"
        );
        watcher
            .batch_execute("SET statement_timeout = '5s'")
            .expect("timeout");
        let read: i64 = watcher
            .query_one("SELECT count(*) FROM users", &[])
            .expect("a reader is served while rollback waits")
            .get(0);
        assert_eq!(read, 200);
        holder.batch_execute("COMMIT").expect("release");
        running.join().expect("rollback thread")
    });
    rollback.expect("rollback after the holder let go");
    run(&db, dir.path(), "verify_rollback.sql").expect("verify_rollback");
}

/// Each copy's rows go in by `CREATE TABLE … AS` (parallel workers) where
/// the empty copy holds nothing that could not be laid on a new table
/// afterwards, and by `INSERT … SELECT` otherwise; psql prints which, and
/// why, per table (in the order forward copies them). Either way, and
/// whether rollback copies every table back or brings back the originals
/// forward kept, the round trip is exact: the schema dump and the data
/// after rollback are those before forward. The fast path's
/// tables carry what they must lay on afterwards: defaults, NOT NULLs,
/// CHECKs, comments, statistics targets, column options and grants, and
/// expression and partial indexes with their options and comments.
#[test]
fn each_copy_says_how_its_rows_were_written() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let schema = "
        CREATE ROLE keyshift_copy_reader;
        CREATE TABLE users (
            id serial PRIMARY KEY,
            email text NOT NULL UNIQUE CHECK (email LIKE '%@%'),
            plan text NOT NULL DEFAULT 'free' CHECK (plan = ANY (ARRAY['free', 'paid'])),
            score numeric(6, 2) DEFAULT 0
        );
        COMMENT ON COLUMN users.email IS 'where we write';
        COMMENT ON CONSTRAINT users_email_check ON users IS 'one @ at least';
        ALTER TABLE users ALTER COLUMN score SET STATISTICS 500, ALTER COLUMN email SET (n_distinct = -1);
        GRANT SELECT (id, email) ON users TO keyshift_copy_reader;
        CREATE TABLE tags (
            id serial PRIMARY KEY,
            user_id integer REFERENCES users,
            label varchar(20) NOT NULL CHECK (label IN ('red', 'green'))
        );
        CREATE TABLE posts (
            id bigserial PRIMARY KEY,
            user_id integer NOT NULL REFERENCES users,
            title text NOT NULL,
            slug text GENERATED ALWAYS AS (lower(title)) STORED
        );
        CREATE TABLE notes (id serial PRIMARY KEY, user_id integer REFERENCES users, body text);
        ALTER TABLE notes ALTER COLUMN body SET STORAGE EXTERNAL;
        CREATE TABLE events (id serial PRIMARY KEY, user_id integer REFERENCES users, kind text);
        CREATE INDEX events_kind_idx ON events (lower(kind)) WITH (fillfactor = 80);
        CREATE UNIQUE INDEX events_first_idx ON events (user_id) WHERE kind = 'Kind0';
        COMMENT ON INDEX events_kind_idx IS 'kinds by name';
        CREATE TABLE slots (id serial PRIMARY KEY, user_id integer REFERENCES users, label text,
                            EXCLUDE USING btree (lower(label) WITH =));
        INSERT INTO users (email, score) SELECT 'u' || g || '@example.com', g / 7.0 FROM generate_series(1, 50) g;
        INSERT INTO tags (user_id, label) SELECT 1 + g % 50, CASE WHEN g % 2 = 0 THEN 'red' ELSE 'green' END FROM generate_series(1, 80) g;
        INSERT INTO posts (user_id, title) SELECT 1 + g % 50, 'Post ' || g FROM generate_series(1, 80) g;
        INSERT INTO notes (user_id, body) SELECT 1 + g % 50, repeat('n', g) FROM generate_series(1, 80) g;
        INSERT INTO events (user_id, kind) SELECT 1 + g % 50, 'Kind' || g % 3 FROM generate_series(1, 80) g;
        INSERT INTO slots (user_id, label) SELECT 1 + g % 50, 'Slot ' || g FROM generate_series(1, 80) g;
    ";
    for way in ["copied", "restored"] {
        let db = server.create_database(&format!("copy_ways_{way}"));
        if way == "restored" {
            db.psql_sql(&schema.replace("CREATE ROLE keyshift_copy_reader;", ""))
                .expect("schema");
        } else {
            db.psql_sql(schema).expect("schema");
        }
        copy_ways(&db, schema, way);
        // The role is the cluster's: it goes once no database names it.
        db.psql_sql(if way == "restored" {
            "DROP OWNED BY keyshift_copy_reader; DROP ROLE keyshift_copy_reader;"
        } else {
            "DROP OWNED BY keyshift_copy_reader;"
        })
        .expect("drop the role's grants");
    }
}

/// One round trip of [`each_copy_says_how_its_rows_were_written`]:
/// rollback `copied` every table, or `restored` the originals forward kept.
fn copy_ways(db: &Database, schema: &str, way: &str) {
    let before = db.dump_schema();
    let data = db.data_snapshot();
    let dir = bundle(schema, &Options::default());
    run(db, dir.path(), "preflight.sql").expect("preflight");
    let out = run(db, dir.path(), "forward.sql").expect("forward");
    let ways: Vec<&str> = out
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("CREATE TABLE ... AS") || l.starts_with("INSERT ... SELECT"))
        .collect();
    let parallel = "CREATE TABLE ... AS, on parallel workers where the server gives them";
    assert_eq!(
        ways,
        [
            parallel,
            parallel,
            "INSERT ... SELECT, in one process (storage or compression of column body)",
            "INSERT ... SELECT, in one process (generated column slug)",
            "INSERT ... SELECT, in one process (index slots_lower_excl of a constraint, built as rows arrive)",
            "INSERT ... SELECT, in one process (a default, CHECK constraint or index that does not read back as it prints)",
        ],
        "forward printed:\n{out}"
    );
    run(db, dir.path(), "verify_forward.sql").expect("verify_forward");
    let users = db
        .psql_sql("SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'users_plan_check'")
        .expect("users check");
    assert!(users.contains("'free'::text"), "{users}");
    if way == "copied" {
        // Every row through the maps, so every table is copied.
        db.psql_sql("UPDATE keyshift.state SET forward_xid = NULL;")
            .expect("forget forward's transaction");
    }
    let out = run(db, dir.path(), "rollback.sql").expect("rollback");
    let restored = "the original forward kept, with the rows written since";
    let (parallel_copies, restores) = if way == "copied" { (2, 0) } else { (0, 6) };
    assert_eq!(
        (
            out.lines().filter(|l| l.trim() == parallel).count(),
            out.lines().filter(|l| l.trim() == restored).count()
        ),
        (parallel_copies, restores),
        "rollback printed:\n{out}"
    );
    run(db, dir.path(), "verify_rollback.sql").expect("verify_rollback");
    assert_eq!(
        db.dump_schema(),
        before,
        "the round trip changed the schema"
    );
    assert_eq!(db.data_snapshot(), data, "the round trip changed the data");
}

/// Rollback looks for rows written after forward (they have no old id yet)
/// only among the rows whose xmin is not forward's transaction: every row
/// forward wrote carries it, frozen or not. Where no row forward wrote was
/// deleted since, the original forward kept comes back itself, with the
/// written rows put in through the maps, unless the uuid table was changed
/// after forward (then a copy, which carries the change, takes the
/// unchanged rows from the original) or more rows were written than 10,000
/// and a tenth of the table (a copy, the same way); where one was deleted,
/// every row goes through the maps. Whatever forward's recorded
/// transaction says (the true one; none; one from the future, as after a
/// restore elsewhere; one too old to tell apart from later ones), rollback
/// must give the same rows and the same ids, the last three by the full
/// translation, and the schema as it was before forward. The writes give the new rows
/// fixed uuids, so the fresh ids (handed out in uuid order) are the same
/// in every database.
#[test]
fn rollback_finds_rows_written_after_forward_by_their_xmin() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let dir = bundle(SCHEMA, &Options::default());
    let writes = "
        INSERT INTO users (id, email) VALUES
            ('00000000-0000-4000-8000-00000000000b', 'fresh-b@example.com'),
            ('00000000-0000-4000-8000-00000000000a', 'fresh-a@example.com');
        INSERT INTO posts (id, user_id, title) VALUES
            ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-00000000000b', 'fresh post');
        UPDATE users SET email = 'renamed@example.com' WHERE email = 'u7@example.com';
        UPDATE posts SET user_id = (SELECT id FROM users WHERE email = 'fresh-a@example.com') WHERE title = 'post 12';
        WITH gone AS (DELETE FROM posts WHERE title = 'post 10' RETURNING *)
        INSERT INTO posts SELECT * FROM gone;
    ";
    let delete = "DELETE FROM posts WHERE title = 'post 11';";
    let unknown = "UPDATE keyshift.state SET forward_xid = NULL;";
    let future = "UPDATE keyshift.state SET forward_xid = txid_current() + 1000;";
    let too_old = "UPDATE keyshift.state SET forward_xid = forward_xid - 3000000000;";
    let changed = "COMMENT ON COLUMN posts.title IS 'set after forward';";
    // Past 10,000 rows and a tenth of the table; their uuids sort after
    // every other new row's, which keep their fresh ids.
    let many = "INSERT INTO posts (id, user_id, title)
        SELECT ('f0000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, (SELECT id FROM users WHERE email = 'u1@example.com'), 'bulk ' || g
        FROM generate_series(1, 10001) g;";
    let users_back = "public.users: the original comes back: 199 rows as forward wrote them, 3 written since put in through the maps, 0 deleted since taken out";
    let posts_back = "public.posts: the original comes back: 998 rows as forward wrote them, 3 written since put in through the maps, 0 deleted since taken out";
    let unknown_said: &[&str] = &[
        "public.users: every row goes through the maps (forward's transaction cannot be told from later ones)",
        "public.posts: every row goes through the maps (forward's transaction cannot be told from later ones)",
    ];
    let cases: [(&str, &str, &[&str]); 11] = [
        ("recorded", "", &[users_back, posts_back]),
        ("unknown", unknown, unknown_said),
        ("future", future, unknown_said),
        ("too_old", too_old, unknown_said),
        (
            "changed",
            changed,
            &[
                users_back,
                "public.posts: 998 rows as forward wrote them come back from the original, 3 written since go through the maps, 0 deleted since stay out (the original itself cannot come back: the uuid table differs from it in more than its converted columns)",
            ],
        ),
        (
            "many",
            many,
            &[
                users_back,
                "public.posts: 998 rows as forward wrote them come back from the original, 10004 written since go through the maps, 0 deleted since stay out (the original itself cannot come back: 10004 rows were written or deleted since, more than a tenth of it)",
            ],
        ),
        (
            "a_delete_recorded",
            delete,
            &[
                users_back,
                "public.posts: the original comes back: 997 rows as forward wrote them, 3 written since put in through the maps, 1 deleted since taken out",
            ],
        ),
        (
            "a_delete_changed",
            "",
            &[
                users_back,
                "public.posts: 997 rows as forward wrote them come back from the original, 3 written since go through the maps, 1 deleted since stay out (the original itself cannot come back: the uuid table differs from it in more than its converted columns)",
            ],
        ),
        ("a_delete_unknown", "", unknown_said),
        ("a_delete_future", "", unknown_said),
        ("a_delete_too_old", "", unknown_said),
    ];
    // The rows after rollback, per kind of writes: those of "many" have
    // its own.
    let mut first: [Option<String>; 3] = [None, None, None];
    for (label, extra, expected) in cases {
        let deleted = label.starts_with("a_delete");
        let group = match label {
            "many" => 2,
            _ => usize::from(deleted),
        };
        let extra = match label {
            "a_delete_unknown" => format!("{delete}{unknown}"),
            "a_delete_future" => format!("{delete}{future}"),
            "a_delete_too_old" => format!("{delete}{too_old}"),
            "a_delete_changed" => format!("{delete}{changed}"),
            _ => extra.to_string(),
        };
        {
            let db = server.create_database(&format!("fresh_rows_{label}"));
            db.psql_sql(SCHEMA).expect("schema");
            let schema_before = db.dump_schema();
            run(&db, dir.path(), "forward.sql").expect("forward");
            assert_eq!(
                db.query_rows(
                    "SELECT count(*) FILTER (WHERE r.xmin::text::bigint = s.forward_xid % 4294967296) || ' of ' || count(*)
                     FROM (SELECT xmin FROM users UNION ALL SELECT xmin FROM posts) r, keyshift.state s"
                ),
                ["1200 of 1200"],
                "{label}: forward records the transaction that wrote every row"
            );
            assert!(
                db.psql_sql("UPDATE keyshift_before_1.users SET email = email;")
                    .is_err_and(|e| e.to_string().contains("must not change")),
                "{label}: an original forward kept can be written"
            );
            db.psql_sql("VACUUM (FREEZE) users, posts;")
                .expect("freeze");
            db.psql_sql(&format!("{writes}{extra}")).expect("writes");
            let said = db
                .psql_file_stderr(&dir.path().join("rollback.sql"), Some(dir.path()))
                .expect("rollback");
            run(&db, dir.path(), "verify_rollback.sql").expect("verify_rollback");
            for line in expected {
                assert!(
                    said.contains(&format!("INFO:  keyshift: {line}")),
                    "{label}: rollback did not say {line:?}:\n{said}"
                );
            }
            assert_eq!(
                db.query_rows(
                    "SELECT u.email || ' ' || u.id || ': ' || coalesce(string_agg(p.id || ' ' || p.title, ', ' ORDER BY p.id), '-')
                     FROM users u LEFT JOIN posts p ON p.user_id = u.id
                     WHERE u.id > 200 OR u.email = 'renamed@example.com' GROUP BY u.id, u.email ORDER BY u.id"
                ),
                [
                    "renamed@example.com 7: 6 post 6, 206 post 206, 406 post 406, 606 post 606, 806 post 806",
                    "fresh-a@example.com 201: 12 post 12",
                    "fresh-b@example.com 202: 1001 fresh post",
                ],
                "{label}: rows written after forward get fresh ids in uuid order, the others theirs"
            );
            assert_eq!(
                db.query_rows(
                    "SELECT string_agg(id || ' ' || title || ' of ' || user_id, ', ' ORDER BY id) FROM posts WHERE id IN (10, 11)"
                ),
                [if deleted {
                    "10 post 10 of 11"
                } else {
                    "10 post 10 of 11, 11 post 11 of 12"
                }],
                "{label}: a row deleted and written again under its uuid gets its old id back"
            );
            if label.ends_with("changed") {
                assert_eq!(
                    db.query_rows("SELECT col_description('posts'::regclass, 3)"),
                    ["set after forward"],
                    "{label}: the copy carries what changed after forward"
                );
                db.psql_sql("COMMENT ON COLUMN posts.title IS NULL;")
                    .expect("the change undone");
            }
            assert_eq!(
                db.dump_schema(),
                schema_before,
                "{label}: the round trip changed the schema"
            );
            let snapshot = db.data_snapshot();
            match &first[group] {
                None => first[group] = Some(snapshot),
                Some(expected) => assert_eq!(
                    &snapshot, expected,
                    "{label}: rollback gives other rows than with forward's transaction recorded"
                ),
            }
        }
    }
}
