//! The checks must catch real problems, not just pass on good data. Each
//! test breaks something on a live server and requires the bundle file
//! that should notice to fail, naming the table and constraint.

mod cases;
mod support;

use std::path::Path;
use support::Database;

/// Loads `schema/<name>` with its data into a new database and writes the
/// case's bundle (with its keyshift.toml, if any) to a temp dir.
fn loaded<'s>(
    server: &'s support::Server,
    label: &str,
    name: &str,
) -> (Database<'s>, tempfile::TempDir) {
    let db = server.create_database(label);
    let dir = cases::repo().join("schema").join(name);
    for f in ["schema.sql", "data.sql"] {
        db.psql_file(&dir.join(f), Some(&dir))
            .unwrap_or_else(|e| panic!("load {name}: {e}"));
    }
    let work = tempfile::tempdir().expect("temp dir");
    cases::output(name)
        .bundle
        .write_to(work.path())
        .expect("write bundle");
    (db, work)
}

fn vibes<'s>(server: &'s support::Server, label: &str) -> (Database<'s>, tempfile::TempDir) {
    loaded(server, label, "vibes")
}

fn run(db: &Database, bundle: &Path, file: &str) -> Result<String, support::PsqlError> {
    db.psql_file(&bundle.join(file), Some(bundle))
}

fn expect_failure(db: &Database, bundle: &Path, file: &str, needles: &[&str]) {
    let err = run(db, bundle, file).expect_err(&format!("{file} must fail"));
    let text = err.to_string();
    for needle in needles {
        assert!(
            text.contains(needle),
            "{file} failed without naming {needle:?}:\n{text}"
        );
    }
}

/// A child that now points at a *different* existing parent has no orphan,
/// so only a check of every link against the old ids can see it.
#[test]
fn verify_forward_catches_a_relinked_row() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, bundle) = vibes(server, "relinked");
    run(&db, bundle.path(), "forward.sql").expect("forward");
    db.psql_sql(
        "UPDATE journals SET user_id = (SELECT id FROM users ORDER BY email DESC LIMIT 1)
         WHERE id = (SELECT j.id FROM journals j JOIN users u ON u.id = j.user_id
                     WHERE u.id <> (SELECT id FROM users ORDER BY email DESC LIMIT 1) LIMIT 1);",
    )
    .expect("relink one journal");
    expect_failure(
        &db,
        bundle.path(),
        "verify_forward.sql",
        &["public.journals", "differ from before forward"],
    );
}

/// Rows that break a foreign key (possible with NOT VALID or after loading
/// with triggers off) would make forward fail at its very end.
#[test]
fn preflight_reports_orphans_by_table_and_constraint() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, bundle) = vibes(server, "orphans");
    db.psql_sql(
        "SET session_replication_role = replica;
         UPDATE journals SET user_id = -424242 WHERE id = (SELECT min(id) FROM journals);",
    )
    .expect("break one foreign key");
    expect_failure(
        &db,
        bundle.path(),
        "preflight.sql",
        &["1 rows of public.journals break foreign key journals_user_id_fkey"],
    );
}

/// Running rollback twice, or contract after rollback, must refuse rather
/// than act on a database in the wrong state.
#[test]
fn stages_refuse_to_run_out_of_order() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, bundle) = vibes(server, "order");
    expect_failure(
        &db,
        bundle.path(),
        "rollback.sql",
        &["forward.sql has not run"],
    );
    expect_failure(
        &db,
        bundle.path(),
        "contract.sql",
        &["contract needs forward.sql"],
    );
    expect_failure(
        &db,
        bundle.path(),
        "verify_forward.sql",
        &["has not run on this database"],
    );
    run(&db, bundle.path(), "forward.sql").expect("forward");
    expect_failure(
        &db,
        bundle.path(),
        "forward.sql",
        &["forward.sql already ran on this database"],
    );
    expect_failure(
        &db,
        bundle.path(),
        "preflight.sql",
        &["schema keyshift already exists"],
    );
    run(&db, bundle.path(), "rollback.sql").expect("rollback");
    expect_failure(
        &db,
        bundle.path(),
        "rollback.sql",
        &["forward.sql has not run"],
    );
}

/// A failed forward (here: an index that cannot move to uuid) leaves the
/// database exactly as it was: its schema, and every row and sequence
/// (forward advances nothing and writes its maps inside the transaction).
#[test]
fn a_failed_forward_changes_nothing() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, bundle) = vibes(server, "atomic");
    let before = db.dump_schema();
    db.psql_sql("CREATE UNIQUE INDEX keyshift_blocker ON journals ((id * 0)) WHERE id < 0;")
        .expect("add an index that cannot move to uuid");
    let with_index = db.dump_schema();
    assert_ne!(before, with_index);
    let data = db.data_snapshot();
    expect_failure(
        &db,
        bundle.path(),
        "preflight.sql",
        &["public.journals cannot change to uuid as planned"],
    );
    assert!(
        run(&db, bundle.path(), "forward.sql").is_err(),
        "forward must fail on the index"
    );
    assert_eq!(
        db.dump_schema(),
        with_index,
        "a failed forward must leave no trace in the schema"
    );
    assert_eq!(
        db.data_snapshot(),
        data,
        "a failed forward must leave every row and sequence as it was"
    );
}

/// A foreign key added after the bundle was generated would make forward
/// fail halfway; preflight must notice that the bundle is stale.
#[test]
fn preflight_refuses_a_stale_bundle() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, bundle) = vibes(server, "stale");
    db.psql_sql("CREATE TABLE public.late_arrival (id serial PRIMARY KEY, user_id integer CONSTRAINT late_user_fk REFERENCES users (id));")
        .expect("add a table after generating");
    expect_failure(
        &db,
        bundle.path(),
        "preflight.sql",
        &[
            "foreign key late_user_fk on public.late_arrival touches a column that becomes uuid, but this bundle does not know it",
        ],
    );
}

/// Loads `schema/dependent_objects` plus `extra` DDL into a database, and
/// writes the bundle generated from the same DDL to a temp dir.
fn dependent_objects<'s>(
    server: &'s support::Server,
    label: &str,
    extra: &str,
    options: &keyshift::plan::Options,
) -> (Database<'s>, tempfile::TempDir) {
    let dir = cases::repo().join("schema/dependent_objects");
    let ddl = std::fs::read_to_string(dir.join("schema.sql")).expect("schema.sql") + extra;
    let db = server.create_database(label);
    db.psql_sql(&ddl).expect("load schema");
    db.psql_file(&dir.join("data.sql"), Some(&dir))
        .expect("load data");
    let work = tempfile::tempdir().expect("temp dir");
    keyshift::pipeline::run("dependent_objects.sql", &ddl, options)
        .expect("generate")
        .bundle
        .write_to(work.path())
        .expect("write bundle");
    (db, work)
}

/// Two converted tables named `users`, in schemas `north` and `south`
/// (`schema/same_name_schemas`), each with a view that treats its key as an
/// integer. Preflight once skipped every view test with a NOTICE when two
/// planned relations shared a name; it must test each view over the copies
/// of its own schema's tables and name both. A view reading both tables
/// cannot be tested exactly, and that is a problem too, never a skip.
#[test]
fn views_over_same_named_tables_are_all_tested() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let dir = cases::repo().join("schema/same_name_schemas");
    let ddl = std::fs::read_to_string(dir.join("schema.sql")).expect("schema.sql")
        + "\nCREATE VIEW north.first_user AS SELECT id, name FROM north.users WHERE id = 1;\n\
           CREATE VIEW south.first_user AS SELECT id, handle FROM south.users WHERE id = 1;\n\
           CREATE VIEW public.both_users AS SELECT n.id AS north_id, s.id AS south_id FROM north.users n, south.users s;\n";
    let db = server.create_database("same_name_views");
    db.psql_sql(&ddl).expect("load schema");
    let work = tempfile::tempdir().expect("temp dir");
    keyshift::pipeline::run(
        "same_name_schemas.sql",
        &ddl,
        &keyshift::plan::Options::default(),
    )
    .expect("generate")
    .bundle
    .write_to(work.path())
    .expect("write bundle");
    expect_failure(
        &db,
        work.path(),
        "preflight.sql",
        &[
            "view north.first_user cannot be recreated once the keys are uuid: operator does not exist: uuid = integer",
            "view south.first_user cannot be recreated once the keys are uuid: operator does not exist: uuid = integer",
            "view public.both_users cannot be tested by preflight: it reads south.users, but north.users has the same name and hides it",
            "3 preflight problem(s)",
        ],
    );
}

/// A view whose query treats a key as an integer cannot be recreated for
/// uuid. Preflight must say which and why; forward, run anyway, must fail
/// naming it and leave no trace; a replacement query makes it work.
#[test]
fn a_view_that_treats_a_key_as_an_integer() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let bad = "\nCREATE VIEW first_user AS SELECT id, name FROM users WHERE id = 1;\n";
    let options = keyshift::plan::Options::default();
    let (db, bundle) = dependent_objects(server, "int_view", bad, &options);
    expect_failure(
        &db,
        bundle.path(),
        "preflight.sql",
        &[
            "view public.first_user cannot be recreated once the keys are uuid: operator does not exist: uuid = integer",
        ],
    );
    let before = db.dump_schema();
    expect_failure(
        &db,
        bundle.path(),
        "forward.sql",
        &[
            "could not recreate view public.first_user",
            "operator does not exist: uuid = integer",
        ],
    );
    assert_eq!(
        db.dump_schema(),
        before,
        "a failed forward must leave no trace"
    );

    let mut options = keyshift::plan::Options::default();
    options.view_queries.insert(
        keyshift::catalog::QualifiedName::new("public", "first_user"),
        "SELECT id, name FROM public.users ORDER BY id LIMIT 1".into(),
    );
    let (db, bundle) = dependent_objects(server, "int_view_replaced", bad, &options);
    for file in [
        "preflight.sql",
        "forward.sql",
        "verify_forward.sql",
        "rollback.sql",
        "verify_rollback.sql",
    ] {
        run(&db, bundle.path(), file).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    assert_eq!(
        db.dump_schema(),
        before,
        "rollback restores the original view"
    );
}

/// Objects created after the bundle was generated that forward would trip
/// over: a new view on a key column, and a function using a recreated
/// view's row type (DROP VIEW without CASCADE would refuse).
#[test]
fn preflight_names_dependents_the_bundle_does_not_know() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let options = keyshift::plan::Options::default();
    let (db, bundle) = dependent_objects(server, "late_dependents", "", &options);
    db.psql_sql(
        "CREATE VIEW late_view AS SELECT id FROM posts;
         CREATE FUNCTION feed_title(f post_feed) RETURNS text LANGUAGE sql AS 'SELECT f.title';",
    )
    .expect("add dependents after generating");
    expect_failure(
        &db,
        bundle.path(),
        "preflight.sql",
        &[
            "rule _RETURN on view public.late_view uses public.posts.id, which become uuid, but this bundle does not recreate it",
            "function public.feed_title(public.post_feed) depends on view public.post_feed, which forward drops and recreates",
        ],
    );
}

/// A publication with a column list or row filter on a converted column
/// blocks ALTER COLUMN … TYPE; preflight names it before forward fails.
#[test]
fn preflight_names_a_publication_column_list() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let options = keyshift::plan::Options::default();
    let (db, bundle) = dependent_objects(server, "publication_columns", "", &options);
    db.psql_sql("CREATE PUBLICATION narrow FOR TABLE users (id, name);")
        .expect("publish a column list");
    expect_failure(
        &db,
        bundle.path(),
        "preflight.sql",
        &[
            "publication of table public.users in publication narrow uses public.users.id, which become uuid",
        ],
    );
}

/// The database drifted from the schema the bundle was made from in every
/// way preflight checks; it must list each, with the object named, in one
/// run, and change nothing.
#[test]
fn preflight_lists_every_kind_of_drift() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, bundle) = vibes(server, "drift");
    db.psql_sql(
        "ALTER TABLE journals ALTER COLUMN user_id TYPE bigint;
         ALTER TABLE tags DROP CONSTRAINT tags_user_fk;
         ALTER TABLE reminders DROP COLUMN journal_id;
         ALTER TABLE audit_logs ALTER COLUMN id DROP DEFAULT;
         DROP SEQUENCE audit_logs_id_seq;",
    )
    .expect("drift");
    let before = db.dump_schema();
    expect_failure(
        &db,
        bundle.path(),
        "preflight.sql",
        &[
            "column public.journals.user_id is bigint, but the plan expects integer",
            "foreign key tags_user_fk on public.tags does not exist",
            "column public.reminders.journal_id does not exist",
            "sequence public.audit_logs_id_seq behind public.audit_logs.id does not exist",
        ],
    );
    assert_eq!(db.dump_schema(), before, "preflight changes nothing");
}

/// Objects the bundle recreates went missing, and an identity sequence got
/// grants that dropping the identity would lose.
#[test]
fn preflight_names_missing_dependents_and_identity_grants() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let options = keyshift::plan::Options::default();
    let (db, bundle) = dependent_objects(server, "missing_dependents", "", &options);
    db.psql_sql(
        "DROP VIEW prolific_users;
         DROP POLICY posts_insert_own ON posts;
         GRANT USAGE ON SEQUENCE posts_id_seq TO PUBLIC;",
    )
    .expect("break dependents");
    expect_failure(
        &db,
        bundle.path(),
        "preflight.sql",
        &[
            "view \"public\".\"prolific_users\" does not exist; regenerate the bundle",
            "policy posts_insert_own on table \"public\".\"posts\" does not exist",
            "identity sequence public.posts_id_seq has grants, which rollback could not restore",
        ],
    );
}

fn partitioned<'s>(server: &'s support::Server, label: &str) -> (Database<'s>, tempfile::TempDir) {
    loaded(server, label, "partitioned")
}

/// A partition attached after the bundle was made would be converted by
/// the parent's ALTER without being fingerprinted or checked.
#[test]
fn preflight_refuses_a_partition_the_bundle_does_not_know() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, bundle) = partitioned(server, "new_partition");
    db.psql_sql(
        "CREATE TABLE orders_2026 PARTITION OF orders
             FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');",
    )
    .expect("attach a partition");
    expect_failure(
        &db,
        bundle.path(),
        "preflight.sql",
        &[
            "table public.orders_2026 inherits customer_id, coupon_id from public.orders, which become uuid, but this bundle does not know it",
        ],
    );
}

/// A partitioned table's rows live in its partitions: the orphan check of
/// a foreign key declared on the parent must read them.
#[test]
fn preflight_reports_orphans_under_a_partitioned_parent() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, bundle) = partitioned(server, "partition_orphans");
    db.psql_sql(
        "SET session_replication_role = replica;
         UPDATE orders SET customer_id = 424242 WHERE id = 4;",
    )
    .expect("break the parent's foreign key");
    expect_failure(
        &db,
        bundle.path(),
        "preflight.sql",
        &["1 rows of public.orders break foreign key orders_customer_id_fkey"],
    );
}

/// References declared in keyshift.toml have no constraint to keep them
/// honest, so preflight checks their data itself: an unmapped polymorphic
/// type, a declared reference with no parent row and a polymorphic id with
/// no row each fail it, with the count, the value and the declaration.
/// (`tests/init.rs` checks the NOTICE an undeclared candidate gets.)
#[test]
fn preflight_checks_references_the_database_does_not_declare() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, work) = loaded(server, "declared", "rails_app");
    run(&db, work.path(), "preflight.sql").expect("preflight passes on good data");
    db.psql_sql(
        "INSERT INTO taggings (tag_id, taggable_type, taggable_id, note) VALUES
             (1, 'Comment', 1, 'a type keyshift.toml does not map'),
             (2, 'Comment', 2, 'another'),
             (1, NULL, 3, 'an id without a type'),
             (1, 'Post', 777, 'no such post');
         INSERT INTO comments (post_id, user_id, body) VALUES (4242, 1, 'no such post');",
    )
    .expect("add rows no constraint refuses");
    expect_failure(
        &db,
        work.path(),
        "preflight.sql",
        &[
            "2 rows of public.taggings have taggable_type 'Comment', which keyshift.toml does not map to a table (polymorphic reference public.taggings.taggable_type/taggable_id declared in keyshift.toml)",
            "1 rows of public.taggings have taggable_type NULL, which keyshift.toml does not map to a table",
            "1 rows of public.taggings with taggable_type 'Post' have a taggable_id with no row in public.posts (polymorphic reference public.taggings.taggable_type/taggable_id declared in keyshift.toml)",
            "1 rows of public.comments have a post_id value with no row in public.posts (reference public.comments.post_id → public.posts.id declared in keyshift.toml, not a foreign key)",
            "4 preflight problem(s)",
        ],
    );
}

/// Rows written between preflight and forward are not checked by any
/// constraint either: forward itself refuses an unmapped type value and a
/// declared reference with no parent, and leaves no trace. The tables are
/// rebuilt, whose copies would hold NULL for such a value: forward counts
/// them on the locked originals before the swap.
#[test]
fn forward_refuses_undeclared_rows_written_after_preflight() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, work) = loaded(server, "declared_late", "rails_app");
    run(&db, work.path(), "preflight.sql").expect("preflight passes on good data");
    let before = db.dump_schema();

    db.psql_sql(
        "INSERT INTO taggings (tag_id, taggable_type, taggable_id) VALUES (1, 'Comment', 1);",
    )
    .expect("an unmapped type");
    expect_failure(
        &db,
        work.path(),
        "forward.sql",
        &[
            "1 rows of public.taggings have taggable_type 'Comment', which keyshift.toml does not map to a table (polymorphic reference public.taggings.taggable_type/taggable_id declared in keyshift.toml)",
        ],
    );
    assert_eq!(db.dump_schema(), before, "a failed forward leaves no trace");
    db.psql_sql("DELETE FROM taggings WHERE taggable_type = 'Comment';")
        .expect("clean up");

    db.psql_sql("INSERT INTO posts (author_id, title) VALUES (4242, 'by nobody');")
        .expect("an orphaned declared reference");
    expect_failure(
        &db,
        work.path(),
        "forward.sql",
        &[
            "1 rows of public.posts have a author_id value with no row in public.users (reference public.posts.author_id → public.users.id declared in keyshift.toml, not a foreign key)",
        ],
    );
    assert_eq!(db.dump_schema(), before, "a failed forward leaves no trace");
}

/// `on_orphan` (schema/forum_orphans): preflight reports the orphans of a
/// reference that keeps them as NOTICEs and passes; forward records them,
/// leaving NULL ("null") or the nil uuid ("keep"); an orphan of a reference
/// left at "fail" still fails preflight and forward, changing nothing.
#[test]
fn orphans_fail_or_are_kept_as_keyshift_toml_says() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, work) = loaded(server, "orphans_kept", "forum_orphans");
    let notices = db
        .psql_file_stderr(&work.path().join("preflight.sql"), Some(work.path()))
        .expect("kept orphans are no problem");
    for needle in [
        "NOTICE:  2 rows of public.posts have a user_id value with no row in public.users (reference public.posts.user_id → public.users.id, on_orphan = \"keep\")",
        "NOTICE:  3 rows of public.comments have a post_id value with no row in public.posts (reference public.comments.post_id → public.posts.id, on_orphan = \"null\")",
        "NOTICE:  1 rows of public.bookmarks have a post_id value with no row in public.posts",
    ] {
        assert!(
            notices.contains(needle),
            "preflight did not say {needle:?}:\n{notices}"
        );
    }
    let before = db.dump_schema();
    db.psql_sql("INSERT INTO comments (post_id, user_id, body) VALUES (1, 4242, 'by nobody');")
        .expect("an orphan of a reference that fails");
    let failure = "1 rows of public.comments have a user_id value with no row in public.users (reference public.comments.user_id → public.users.id declared in keyshift.toml, not a foreign key)";
    expect_failure(&db, work.path(), "preflight.sql", &[failure]);
    expect_failure(&db, work.path(), "forward.sql", &[failure]);
    assert_eq!(db.dump_schema(), before, "a failed forward leaves no trace");
    db.psql_sql("DELETE FROM comments WHERE user_id = 4242;")
        .expect("clean up");

    run(&db, work.path(), "forward.sql").expect("forward keeps the orphans");
    run(&db, work.path(), "verify_forward.sql").expect("kept orphans translate back");
    assert_eq!(
        db.query_rows(
            "SELECT p.body || ' ' || coalesce(p.user_id::text, 'NULL') FROM posts p WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.user_id) ORDER BY 1"
        ),
        [
            "rules (system) 00000000-0000-0000-0000-000000000000",
            "welcome (system) 00000000-0000-0000-0000-000000000000",
        ],
        "a kept orphan holds the nil uuid"
    );
    assert_eq!(
        db.query_rows("SELECT body FROM comments WHERE post_id IS NULL ORDER BY body"),
        ["on deleted 4", "on deleted 8", "on deleted 9", "on nothing"],
        "an orphan of a nullable reference is NULL"
    );
    assert_eq!(
        db.query_rows(
            "SELECT table_name || '.' || column_name || ' ' || on_orphan || ' ' || row_key::text || ' ' || old_value FROM keyshift.orphan ORDER BY 1"
        ),
        [
            "public.bookmarks.post_id null {b} 7",
            "public.comments.post_id null {2} 9",
            "public.comments.post_id null {4} 8",
            "public.comments.post_id null {5} 4",
            "public.posts.editor_id keep {2} 0",
            "public.posts.user_id keep {2} 0",
            "public.posts.user_id keep {5} 0",
        ],
        "forward records each orphan by its key before forward, with its value"
    );
    // A row given the nil uuid after forward where the column has no
    // sentinel default has no integer to go back to: rollback refuses it
    // rather than write NULL. With the sentinel default (user_id), it gets
    // the default's 0 back.
    db.psql_sql(
        "UPDATE posts SET editor_id = '00000000-0000-0000-0000-000000000000' WHERE body = 'first';
         INSERT INTO posts (body) VALUES ('by the system, after forward');",
    )
    .expect("write the sentinel");
    expect_failure(
        &db,
        work.path(),
        "rollback.sql",
        &["1 rows of public.posts have a editor_id value that no row of public.users holds"],
    );
    db.psql_sql("UPDATE posts SET editor_id = NULL WHERE body = 'first';")
        .expect("undo it");
    run(&db, work.path(), "rollback.sql").expect("rollback");
    assert_eq!(
        db.query_rows(
            "SELECT user_id::text FROM posts WHERE body = 'by the system, after forward'"
        ),
        ["0"],
        "a row written with the sentinel default gets the default back"
    );
    run(&db, work.path(), "forward.sql").expect("forward again");
    // A kept orphan changed behind keyshift's back is a real change.
    db.psql_sql("UPDATE bookmarks SET post_id = (SELECT id FROM posts WHERE body = 'first') WHERE code = 'b';")
        .expect("relink an orphan");
    expect_failure(
        &db,
        work.path(),
        "verify_forward.sql",
        &[
            "rows of public.bookmarks, translated back through the id maps, differ from before forward",
        ],
    );
}

/// A surrogate key adds names the bundle checks are still free: a column
/// added after generating makes preflight fail rather than forward.
#[test]
fn preflight_refuses_a_taken_surrogate_name() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = server.create_database("surrogate_taken");
    let dir = cases::repo().join("schema/surrogate_key");
    for f in ["schema.sql", "data.sql"] {
        db.psql_file(&dir.join(f), Some(&dir))
            .expect("load surrogate_key");
    }
    let work = tempfile::tempdir().expect("temp dir");
    cases::output("surrogate_key")
        .bundle
        .write_to(work.path())
        .expect("write bundle");
    db.psql_sql("ALTER TABLE project_members ADD COLUMN id bigint; ALTER TABLE assignments ADD COLUMN project_members_id integer;")
        .expect("take the names");
    expect_failure(
        &db,
        work.path(),
        "preflight.sql",
        &[
            "public.project_members already has a column id, which its surrogate key would add",
            "public.assignments already has a column project_members_id, which repointing assignments_project_id_member_id_fkey would add",
        ],
    );
}

/// A role that does not own the tables (or views) forward changes, and
/// cannot create schema keyshift, is told so by preflight, every object
/// named, instead of by forward's first failing statement.
#[test]
fn preflight_names_what_the_role_may_not_change() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let options = keyshift::plan::Options::default();
    let (db, bundle) = dependent_objects(server, "not_owner", "", &options);
    // PUBLIC has CONNECT and TEMP on a database, not CREATE.
    db.psql_sql(
        "DO $$ BEGIN CREATE ROLE keyshift_stranger; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;",
    )
    .expect("a role that owns nothing");
    let preflight = bundle.path().join("preflight.sql");
    let err = db
        .psql_sql(&format!(
            "SET ROLE keyshift_stranger;\n\\i {}\n",
            preflight.display()
        ))
        .expect_err("preflight must refuse a role that owns nothing");
    let text = err.to_string();
    for needle in [
        "keyshift_stranger cannot run forward.sql: it does not have CREATE on database",
        "keyshift_stranger cannot run forward.sql: table public.posts is owned by postgres",
        "keyshift_stranger cannot run forward.sql: view public.active_users is owned by postgres",
    ] {
        assert!(
            text.contains(needle),
            "preflight did not say {needle:?}:\n{text}"
        );
    }
    run(&db, bundle.path(), "preflight.sql").expect("the owner passes preflight");
}

/// A key default is compared by value, not just by existence: a different
/// default after rollback fails verify_rollback, naming the column, what
/// it found and what it expected.
#[test]
fn verify_rollback_catches_a_different_key_default() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, bundle) = loaded(server, "wrong_default", "function_default");
    for file in [
        "preflight.sql",
        "forward.sql",
        "verify_forward.sql",
        "rollback.sql",
    ] {
        run(&db, bundle.path(), file).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    run(&db, bundle.path(), "verify_rollback.sql").expect("verify_rollback passes first");
    db.psql_sql(
        "CREATE FUNCTION public.next_ticket() RETURNS integer LANGUAGE sql AS $$ SELECT 7 $$;
         ALTER TABLE public.tickets ALTER COLUMN id SET DEFAULT public.next_ticket();",
    )
    .expect("plant another default");
    expect_failure(
        &db,
        bundle.path(),
        "verify_rollback.sql",
        &[
            "public.tickets.id has the default public.next_ticket(), expected ticketing.next_ticket()",
        ],
    );
}

/// A bundle made from DDL that calls a function it does not create holds
/// the default as written (`next_ticket()`), which does not resolve under
/// rollback's search_path. Preflight refuses it, naming what the database
/// prints; and should forward run anyway, rollback still restores the
/// default forward recorded, exactly, rather than the bundle's text.
#[test]
fn a_key_default_the_bundle_holds_unqualified() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, _) = loaded(server, "unqualified_default", "function_default");
    let ddl = "SET search_path = public, ticketing;
        CREATE TABLE tickets (id integer PRIMARY KEY DEFAULT next_ticket(), title text NOT NULL);
        CREATE TABLE replies (id serial PRIMARY KEY, ticket_id integer NOT NULL REFERENCES tickets (id), body text NOT NULL);";
    let output =
        keyshift::pipeline::run("tables_only.sql", ddl, &keyshift::plan::Options::default())
            .expect("plans");
    assert!(
        output
            .bundle
            .get("rollback.sql")
            .is_some_and(|r| !r.contains("next_ticket")),
        "rollback.sql must not restore the default from the bundle's text"
    );
    let work = tempfile::tempdir().expect("temp dir");
    output.bundle.write_to(work.path()).expect("write bundle");
    let bundle = work.path();
    expect_failure(
        &db,
        bundle,
        "preflight.sql",
        &[
            "public.tickets.id has the default ticketing.next_ticket(), but this bundle expects next_ticket()",
        ],
    );
    run(&db, bundle, "forward.sql").expect("forward");
    run(&db, bundle, "rollback.sql").expect("rollback restores the recorded default");
    let restored = db.query_rows(
        "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
         JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
         WHERE d.adrelid = 'public.tickets'::regclass AND a.attname = 'id'",
    );
    assert_eq!(restored, vec!["ticketing.next_ticket()".to_string()]);
}

/// A Citus coordinator keeps a distributed or reference table's rows in
/// shards on other nodes, which the bundle never touches; preflight must
/// refuse such a table by name. Citus itself is not installed here, so the
/// test plants the catalog table its check reads, as Citus creates it.
#[test]
fn preflight_refuses_citus_distributed_and_reference_tables() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, bundle) = vibes(server, "citus");
    db.psql_sql(
        "SET allow_system_table_mods = on;
         CREATE TABLE pg_catalog.pg_dist_partition (logicalrelid regclass NOT NULL, partmethod \"char\" NOT NULL, partkey text);
         INSERT INTO pg_catalog.pg_dist_partition VALUES ('public.users', 'h', NULL), ('public.tags', 'n', NULL);",
    )
    .expect("plant pg_dist_partition");
    expect_failure(
        &db,
        bundle.path(),
        "preflight.sql",
        &[
            "public.users is a Citus distributed table: keyshift does not convert keys in its shards",
            "public.tags is a Citus reference or local table",
        ],
    );
}

/// A long forward or rollback tells whoever watches psql where it is: an
/// INFO line per id map and per rewritten or restored table, with its row
/// estimate and the time so far.
#[test]
fn forward_and_rollback_report_progress() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, bundle) = vibes(server, "progress");
    db.psql_sql("ANALYZE").expect("analyze");
    let forward = db
        .psql_file_stderr(&bundle.path().join("forward.sql"), Some(bundle.path()))
        .expect("forward");
    for needle in [
        "INFO:  keyshift: built the id map of public.journals (about 5 rows)",
        "INFO:  keyshift: copied public.journals (about 5 rows): ",
        "INFO:  keyshift: indexed the copy of public.journals (about 5 rows): ",
        "INFO:  keyshift: validated the foreign keys of the copies: ",
        "INFO:  keyshift: swapped the copies in: ",
        " s so far",
    ] {
        assert!(
            forward.contains(needle),
            "forward did not say {needle:?}:\n{forward}"
        );
    }
    let rollback = db
        .psql_file_stderr(&bundle.path().join("rollback.sql"), Some(bundle.path()))
        .expect("rollback");
    assert!(
        rollback.contains(
            "INFO:  keyshift: took back the original of public.journals (about 5 rows): "
        ),
        "{rollback}"
    );
}

/// A declared reference on a partitioned table, or on an inheritance
/// parent, covers rows that live in the partitions and the children: the
/// orphan checks of preflight and forward must read them, not just the
/// parent's own (empty or partial) rows.
#[test]
fn declared_reference_orphans_under_partitions_and_children_are_found() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let schema = "CREATE TABLE users (id serial PRIMARY KEY, name text);
CREATE TABLE visits (id bigint NOT NULL, at date NOT NULL, user_id integer, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE visits_2024 PARTITION OF visits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE visits_rest PARTITION OF visits DEFAULT;
CREATE TABLE notes (id serial PRIMARY KEY, user_id integer);
CREATE TABLE pinned_notes (pinned_at date) INHERITS (notes);
";
    let config = keyshift::config::Config::parse(
        "keyshift.toml",
        "[[reference]]\nfrom = \"public.visits.user_id\"\nto = \"public.users.id\"\n\n\
         [[reference]]\nfrom = \"public.notes.user_id\"\nto = \"public.users.id\"\n",
    )
    .expect("config");
    let output = keyshift::pipeline::run_configured(
        "schema.sql",
        schema,
        &keyshift::plan::Options::default(),
        Some(&config),
    )
    .unwrap_or_else(|_| panic!("the schema plans"));
    assert!(
        output.plan.blockers.is_empty(),
        "{:?}",
        output.plan.blockers
    );
    let work = tempfile::tempdir().expect("temp dir");
    output.bundle.write_to(work.path()).expect("write bundle");
    let db = server.create_database("declared_families");
    db.psql_sql(schema).expect("load");
    db.psql_sql(
        "INSERT INTO users (id, name) VALUES (1, 'ada');
         INSERT INTO visits VALUES (1, '2024-03-01', 1), (2, '2024-04-01', 777), (3, '2026-01-01', 778), (4, '2026-02-01', NULL);
         INSERT INTO notes (id, user_id) VALUES (1, 1);
         INSERT INTO pinned_notes (id, user_id, pinned_at) VALUES (2, 779, '2026-01-01');",
    )
    .expect("orphans in a partition each and in a child");
    expect_failure(
        &db,
        work.path(),
        "preflight.sql",
        &[
            "2 rows of public.visits have a user_id value with no row in public.users",
            "1 rows of public.notes have a user_id value with no row in public.users",
        ],
    );
    let before = db.dump_schema();
    expect_failure(
        &db,
        work.path(),
        "forward.sql",
        &[
            "rows of public.",
            "have a user_id value with no row in public.users",
        ],
    );
    assert_eq!(db.dump_schema(), before, "a failed forward leaves no trace");
}

/// Fixed ids (schema/fixed_ids): a fixed id naming no row, written after
/// the bundle was made, fails preflight and forward by name and changes
/// nothing; so does, in preflight, a NOT VALID constraint with fixed ids;
/// a translated CHECK constraint missing after forward fails
/// verify_forward by name.
#[test]
fn fixed_ids_are_checked_before_and_after_forward() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, work) = loaded(server, "fixed_ids_checked", "fixed_ids");
    let before = db.dump_schema();
    db.psql_sql("DELETE FROM tickets WHERE kind_id = 2; DELETE FROM ticket_kinds WHERE id = 2;")
        .expect("delete the row a fixed id names");
    let failure = "CHECK constraint tickets_bugs_have_priority on public.tickets compares kind_id with 2, which names no row of public.ticket_kinds";
    expect_failure(&db, work.path(), "preflight.sql", &[failure]);
    expect_failure(&db, work.path(), "forward.sql", &[failure]);
    assert_eq!(db.dump_schema(), before, "a failed forward leaves no trace");
    db.psql_sql("INSERT INTO ticket_kinds (id, name) VALUES (2, 'bug');")
        .expect("put the row back");
    // A NOT VALID constraint with fixed ids is named by preflight, not left
    // for forward's count of what it recorded.
    let not_valid = "ALTER TABLE tickets DROP CONSTRAINT tickets_bugs_have_priority;
         ALTER TABLE tickets ADD CONSTRAINT tickets_bugs_have_priority CHECK (kind_id <> 2 OR priority IS NOT NULL) NOT VALID;";
    db.psql_sql(not_valid)
        .expect("make the constraint NOT VALID");
    expect_failure(
        &db,
        work.path(),
        "preflight.sql",
        &[
            "CHECK constraint tickets_bugs_have_priority on public.tickets is NOT VALID and compares a key with fixed ids",
        ],
    );
    db.psql_sql("ALTER TABLE tickets VALIDATE CONSTRAINT tickets_bugs_have_priority;")
        .expect("validate it");

    run(&db, work.path(), "forward.sql").expect("forward");
    run(&db, work.path(), "verify_forward.sql").expect("verify_forward");
    db.psql_sql("ALTER TABLE tickets DROP CONSTRAINT tickets_bugs_have_priority;")
        .expect("drop a translated constraint");
    expect_failure(
        &db,
        work.path(),
        "verify_forward.sql",
        &[
            "CHECK constraint tickets_bugs_have_priority on public.tickets is missing, or still compares with integer ids",
        ],
    );
}
