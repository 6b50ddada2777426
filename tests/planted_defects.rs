//! A check that has never failed proves nothing. For every assertion in
//! verify_forward.sql, verify_rollback.sql and verify_contract.sql, and for
//! every preflight check not already shown to fail elsewhere, this plants
//! the defect the check exists to catch on a real server and requires the
//! file to fail with words that name it.
//!
//! Each case is one row of [`defects!`]: the smallest `schema/<case>` that
//! has the object, the bundle files run before the defect is planted, the
//! SQL that plants it, the files run after it (which must still pass), the
//! file that must fail and what its error must say. The round trip proves
//! the same files pass on the same cases untouched.
//!
//! Checks shown to fail elsewhere, so not repeated here:
//! - preflight: a role that lacks CREATE or ownership, a table that cannot
//!   change type, a view that cannot be recreated, `keyshift` already there,
//!   a drifted or missing column, a foreign key unknown to or missing from
//!   the bundle, orphans, a view, rule or publication on a key the bundle
//!   does not recreate, a missing view or policy, something depending on a
//!   recreated view, an unknown partition, identity grants, a missing
//!   sequence, declared and polymorphic references, taken surrogate column
//!   names (`tests/failure_modes.rs`); ids shared across a family and
//!   partition keys on converted columns (`schema/family_blockers`, whose
//!   round trip requires preflight to refuse them); the server version
//!   (`tests/versions.rs`, on PostgreSQL 13); the PostgreSQL 18 NOT NULL
//!   check (`tests/versions.rs`, `tests/families/`);
//! - verify_forward: a relinked row (`tests/failure_modes.rs`).

mod cases;
mod support;

use std::path::Path;
use support::Database;

/// One planted defect and the failure it must cause.
struct Defect {
    /// `schema/<case>`, loaded with its data; the bundle is generated from it.
    case: &'static str,
    /// Bundle files run, each of which must pass, before planting.
    before: &'static [&'static str],
    /// SQL that plants the defect.
    plant: &'static str,
    /// Bundle files run after planting, each of which must still pass.
    after: &'static [&'static str],
    /// The file that must fail.
    fails: &'static str,
    /// What its error must say, each in full.
    says: &'static [&'static str],
}

/// Loads `schema/<case>` into a new database and writes its bundle.
fn loaded<'s>(
    server: &'s support::Server,
    label: &str,
    case: &str,
) -> (Database<'s>, tempfile::TempDir) {
    let db = server.create_database(label);
    let dir = cases::repo().join("schema").join(case);
    for f in ["schema.sql", "data.sql"] {
        db.psql_file(&dir.join(f), Some(&dir))
            .unwrap_or_else(|e| panic!("load {case}: {e}"));
    }
    let work = tempfile::tempdir().expect("temp dir");
    cases::output(case)
        .bundle
        .write_to(work.path())
        .expect("write bundle");
    (db, work)
}

fn run(db: &Database, bundle: &Path, file: &str) -> Result<String, support::PsqlError> {
    db.psql_file(&bundle.join(file), Some(bundle))
}

/// Runs `d` on a fresh database; `name` labels the database and messages.
fn plant(name: &str, d: &Defect) {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, bundle) = loaded(server, name, d.case);
    expect_after(&db, bundle.path(), name, d);
}

/// Runs the stages of `d` on a loaded database with its bundle.
fn expect_after(db: &Database, bundle: &Path, name: &str, d: &Defect) {
    for file in d.before {
        run(db, bundle, file).unwrap_or_else(|e| panic!("{name}: {file} before planting: {e}"));
    }
    db.psql_sql(d.plant)
        .unwrap_or_else(|e| panic!("{name}: planting the defect: {e}"));
    for file in d.after {
        run(db, bundle, file).unwrap_or_else(|e| panic!("{name}: {file} after planting: {e}"));
    }
    let err = run(db, bundle, d.fails)
        .map(|_| "it passed")
        .expect_err(&format!(
            "{name}: {} must fail on the planted defect",
            d.fails
        ));
    let text = err.to_string();
    for needle in d.says {
        assert!(
            text.contains(needle),
            "{name}: {} failed without saying {needle:?}:\n{text}",
            d.fails
        );
    }
}

/// One `#[test]` per defect, so each fails on its own and they run in parallel.
macro_rules! defects {
    ($($(#[$attr:meta])* $name:ident: $defect:expr;)*) => {
        $(
            $(#[$attr])*
            #[test]
            fn $name() {
                plant(stringify!($name), &$defect);
            }
        )*
    };
}

const FORWARD: &[&str] = &["forward.sql"];
const ROLLED_BACK: &[&str] = &["forward.sql", "rollback.sql"];
const CONTRACTED: &[&str] = &["forward.sql", "contract.sql"];

defects! {
    // ----- verify_forward.sql -----
    verify_forward_needs_the_state_of_its_own_plan: Defect {
        case: "vibes", before: FORWARD,
        plant: "UPDATE keyshift.state SET plan_hash = 'another plan';",
        after: &[], fails: "verify_forward.sql",
        says: &["has not run on this database"],
    };
    verify_forward_catches_a_column_that_is_not_uuid: Defect {
        case: "vibes", before: FORWARD,
        plant: "ALTER TABLE reminders DROP CONSTRAINT reminders_journal_id_fkey;
                ALTER TABLE reminders ALTER COLUMN journal_id TYPE text;",
        after: &[], fails: "verify_forward.sql",
        says: &["column \"public\".\"reminders\".journal_id is text, expected uuid"],
    };
    verify_forward_catches_a_key_without_its_uuid_default: Defect {
        case: "vibes", before: FORWARD,
        plant: "ALTER TABLE users ALTER COLUMN id DROP DEFAULT;",
        after: &[], fails: "verify_forward.sql",
        says: &["public.users.id should default to gen_random_uuid()"],
    };
    verify_forward_catches_a_missing_foreign_key: Defect {
        case: "vibes", before: FORWARD,
        plant: "ALTER TABLE tags DROP CONSTRAINT tags_user_fk;",
        after: &[], fails: "verify_forward.sql",
        says: &["foreign key tags_user_fk on \"public\".\"tags\" is missing or changed"],
    };
    verify_forward_catches_a_foreign_key_that_lost_its_action: Defect {
        case: "vibes", before: FORWARD,
        plant: "ALTER TABLE tags DROP CONSTRAINT tags_user_fk;
                ALTER TABLE tags ADD CONSTRAINT tags_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
        after: &[], fails: "verify_forward.sql",
        says: &["foreign key tags_user_fk on \"public\".\"tags\" is missing or changed"],
    };
    verify_forward_catches_a_lost_row: Defect {
        case: "vibes", before: FORWARD,
        plant: "DELETE FROM journal_tags WHERE ctid = (SELECT min(ctid) FROM journal_tags);",
        after: &[], fails: "verify_forward.sql",
        says: &["rows of public.journal_tags, translated back through the id maps, differ from before forward"],
    };
    verify_forward_catches_a_view_left_missing: Defect {
        case: "dependent_objects", before: FORWARD,
        plant: "DROP VIEW prolific_users;",
        after: &[], fails: "verify_forward.sql",
        says: &["view \"public\".\"prolific_users\" is missing after forward"],
    };
    verify_forward_catches_a_trigger_left_missing: Defect {
        case: "dependent_objects", before: FORWARD,
        plant: "DROP TRIGGER posts_reset_likes ON posts;",
        after: &[], fails: "verify_forward.sql",
        says: &["trigger posts_reset_likes on table \"public\".\"posts\" is missing after forward"],
    };
    verify_forward_catches_a_surrogate_key_without_its_old_key: Defect {
        case: "surrogate_key", before: FORWARD,
        plant: "ALTER TABLE project_members DROP CONSTRAINT project_members_project_id_member_id_key;",
        after: &[], fails: "verify_forward.sql",
        says: &["public.project_members should have the surrogate primary key id and keep its old key as project_members_project_id_member_id_key"],
    };
    verify_forward_catches_a_foreign_key_not_repointed: Defect {
        case: "surrogate_key", before: FORWARD,
        plant: "ALTER TABLE assignments DROP CONSTRAINT assignments_project_id_member_id_fkey;",
        after: &[], fails: "verify_forward.sql",
        says: &["foreign key assignments_project_id_member_id_fkey on public.assignments should reference public.project_members (id) through project_members_id"],
    };

    // ----- verify_rollback.sql -----
    verify_rollback_catches_a_keyshift_schema_left_behind: Defect {
        case: "vibes", before: ROLLED_BACK,
        plant: "CREATE SCHEMA keyshift;",
        after: &[], fails: "verify_rollback.sql",
        says: &["schema keyshift still exists"],
    };
    verify_rollback_catches_a_column_of_another_type: Defect {
        case: "vibes", before: ROLLED_BACK,
        plant: "ALTER TABLE tags ALTER COLUMN user_id TYPE bigint;",
        after: &[], fails: "verify_rollback.sql",
        says: &["column \"public\".\"tags\".user_id is bigint, expected integer"],
    };
    verify_rollback_catches_a_serial_without_its_nextval: Defect {
        case: "vibes", before: ROLLED_BACK,
        plant: "ALTER TABLE users ALTER COLUMN id SET DEFAULT 0;",
        after: &[], fails: "verify_rollback.sql",
        says: &["public.users.id should take its values from public.users_id_seq again"],
    };
    verify_rollback_catches_a_lost_identity: Defect {
        case: "identity_and_serial", before: ROLLED_BACK,
        plant: "ALTER TABLE t_identity_always ALTER COLUMN id DROP IDENTITY;",
        after: &[], fails: "verify_rollback.sql",
        says: &["public.t_identity_always.id should be an identity column on public.t_identity_always_id_seq again"],
    };
    verify_rollback_catches_a_default_where_there_was_none: Defect {
        case: "edge_values", before: ROLLED_BACK,
        plant: "ALTER TABLE accounts ALTER COLUMN id SET DEFAULT 1;",
        after: &[], fails: "verify_rollback.sql",
        says: &["public.accounts.id has a default, but had none before forward"],
    };
    verify_rollback_catches_a_missing_foreign_key: Defect {
        case: "vibes", before: ROLLED_BACK,
        plant: "ALTER TABLE tags DROP CONSTRAINT tags_user_fk;",
        after: &[], fails: "verify_rollback.sql",
        says: &["foreign key tags_user_fk on \"public\".\"tags\" is missing or its validation changed"],
    };
    verify_rollback_catches_a_foreign_key_left_not_valid: Defect {
        case: "vibes", before: ROLLED_BACK,
        plant: "ALTER TABLE tags DROP CONSTRAINT tags_user_fk;
                ALTER TABLE tags ADD CONSTRAINT tags_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE NOT VALID;",
        after: &[], fails: "verify_rollback.sql",
        says: &["foreign key tags_user_fk on \"public\".\"tags\" is missing or its validation changed"],
    };
    verify_rollback_catches_a_view_left_missing: Defect {
        case: "dependent_objects", before: ROLLED_BACK,
        plant: "DROP VIEW prolific_users;",
        after: &[], fails: "verify_rollback.sql",
        says: &["view \"public\".\"prolific_users\" is missing after rollback"],
    };
    verify_rollback_catches_a_policy_left_missing: Defect {
        case: "dependent_objects", before: ROLLED_BACK,
        plant: "DROP POLICY posts_insert_own ON posts;",
        after: &[], fails: "verify_rollback.sql",
        says: &["policy posts_insert_own on table \"public\".\"posts\" is missing after rollback"],
    };
    verify_rollback_catches_a_surrogate_column_left_behind: Defect {
        case: "surrogate_key", before: ROLLED_BACK,
        plant: "ALTER TABLE project_members ADD COLUMN id uuid;",
        after: &[], fails: "verify_rollback.sql",
        says: &["public.project_members still has its surrogate column id"],
    };
    verify_rollback_catches_a_repointing_column_left_behind: Defect {
        case: "surrogate_key", before: ROLLED_BACK,
        plant: "ALTER TABLE assignments ADD COLUMN project_members_id uuid;",
        after: &[], fails: "verify_rollback.sql",
        says: &["public.assignments still has the column project_members_id"],
    };

    // ----- verify_contract.sql -----
    verify_contract_needs_contract_to_have_run: Defect {
        case: "vibes", before: &[],
        plant: "SELECT 1;",
        after: FORWARD, fails: "verify_contract.sql",
        says: &["keyshift.state does not say contracted"],
    };
    verify_contract_needs_the_state_table: Defect {
        case: "vibes", before: &[],
        plant: "SELECT 1;",
        after: &[], fails: "verify_contract.sql",
        says: &["schema keyshift has no state table: contract.sql has not run"],
    };
    verify_contract_catches_a_map_dropped_before_contract: Defect {
        case: "vibes", before: FORWARD,
        plant: "DROP TABLE keyshift.tags_ids CASCADE;",
        after: &["contract.sql"], fails: "verify_contract.sql",
        says: &["id map keyshift.tags_ids is missing"],
    };
    verify_contract_catches_a_column_that_is_not_uuid: Defect {
        case: "vibes", before: CONTRACTED,
        plant: "ALTER TABLE reminders DROP CONSTRAINT reminders_journal_id_fkey;
                ALTER TABLE reminders ALTER COLUMN journal_id TYPE text;",
        after: &[], fails: "verify_contract.sql",
        says: &["column \"public\".\"reminders\".journal_id is text, expected uuid"],
    };
    verify_contract_catches_a_sequence_left_behind: Defect {
        case: "vibes", before: CONTRACTED,
        plant: "CREATE SEQUENCE users_id_seq;",
        after: &[], fails: "verify_contract.sql",
        says: &["sequence public.users_id_seq still exists"],
    };

    // ----- preflight.sql -----
    preflight_names_a_trigger_on_a_key_the_bundle_does_not_know: Defect {
        case: "dependent_objects", before: &[],
        plant: "CREATE TRIGGER late_trigger BEFORE UPDATE OF author_id ON posts
                    FOR EACH ROW EXECUTE FUNCTION posts_reset_likes();",
        after: &[], fails: "preflight.sql",
        says: &["trigger late_trigger on table public.posts uses public.posts.author_id, which become uuid, but this bundle does not recreate it"],
    };
    preflight_names_a_policy_on_a_key_the_bundle_does_not_know: Defect {
        case: "dependent_objects", before: &[],
        plant: "CREATE POLICY late_policy ON posts USING (author_id IS NOT NULL);",
        after: &[], fails: "preflight.sql",
        says: &["policy late_policy on table public.posts uses public.posts.author_id, which become uuid, but this bundle does not recreate it"],
    };
    preflight_names_a_missing_materialized_view: Defect {
        case: "dependent_objects", before: &[],
        plant: "DROP MATERIALIZED VIEW post_titles;",
        after: &[], fails: "preflight.sql",
        says: &["materialized view \"public\".\"post_titles\" does not exist; regenerate the bundle"],
    };
    preflight_names_a_missing_trigger: Defect {
        case: "dependent_objects", before: &[],
        plant: "DROP TRIGGER posts_reset_likes ON posts;",
        after: &[], fails: "preflight.sql",
        says: &["trigger posts_reset_likes on table \"public\".\"posts\" does not exist; regenerate the bundle"],
    };
    preflight_names_a_missing_rule: Defect {
        case: "dependent_objects", before: &[],
        plant: "DROP RULE posts_keep_orphans ON posts;",
        after: &[], fails: "preflight.sql",
        says: &["rule posts_keep_orphans on table \"public\".\"posts\" does not exist; regenerate the bundle"],
    };
    preflight_names_a_taken_unique_constraint_name: Defect {
        case: "surrogate_key", before: &[],
        plant: "CREATE TABLE project_members_project_id_member_id_key (x integer);",
        after: &[], fails: "preflight.sql",
        says: &["the name project_members_project_id_member_id_key, which the old key of public.project_members would take as a UNIQUE constraint, is taken"],
    };
}

/// A key whose default is an expression (not a sequence) gets that default
/// back from rollback; verify_rollback must notice a different one, not
/// only that some default exists.
#[test]
fn verify_rollback_catches_a_wrong_default() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let ddl = "CREATE TABLE tickets (id integer PRIMARY KEY DEFAULT (floor(random() * 1000000))::integer, title text);
               CREATE TABLE notes (id serial PRIMARY KEY, ticket_id integer REFERENCES tickets (id));
               INSERT INTO tickets VALUES (1, 'a'), (2, 'b');
               INSERT INTO notes (ticket_id) VALUES (1), (2);";
    let db = server.create_database("wrong_default");
    db.psql_sql(ddl).expect("load");
    let work = tempfile::tempdir().expect("temp dir");
    keyshift::pipeline::run("wrong_default.sql", ddl, &Default::default())
        .expect("generate")
        .bundle
        .write_to(work.path())
        .expect("write bundle");
    let defect = Defect {
        case: "",
        before: ROLLED_BACK,
        plant: "ALTER TABLE tickets ALTER COLUMN id SET DEFAULT 7;",
        after: &[],
        fails: "verify_rollback.sql",
        says: &[
            "public.tickets.id has the default 7, expected (floor(random() * 1000000))::integer",
        ],
    };
    expect_after(&db, work.path(), "wrong_default", &defect);
}

/// A sequence behind its column after rollback: the next insert collides.
/// verify_rollback cannot tell one rollback left behind from one that was
/// behind before forward (the employees corpus loads explicit ids and never
/// moves its sequence), because what forward recorded is dropped with
/// schema keyshift. A check there failed a correct rollback of employees,
/// so there is none; rollback itself restores the recorded position and
/// hands rows written after forward ids above every id and that position.
#[test]
#[ignore = "verify_rollback has no state to tell a sequence rollback left behind from one behind before forward"]
fn verify_rollback_catches_a_sequence_behind_its_column() {
    plant(
        "sequence_behind",
        &Defect {
            case: "vibes",
            before: ROLLED_BACK,
            plant: "SELECT setval('users_id_seq', 1);",
            after: &[],
            fails: "verify_rollback.sql",
            says: &["users_id_seq"],
        },
    );
}

/// With `--drop-id-map`, contract drops the whole `keyshift` schema;
/// verify_contract must notice one that is still (or again) there.
#[test]
fn verify_contract_catches_a_keyshift_schema_left_behind() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let (db, _) = loaded(server, "drop_id_map_left", "vibes");
    let sql = std::fs::read_to_string(cases::repo().join(cases::source("vibes"))).expect("schema");
    let options = keyshift::plan::Options {
        drop_id_map: true,
        ..Default::default()
    };
    let work = tempfile::tempdir().expect("temp dir");
    keyshift::pipeline::run(&cases::source("vibes"), &sql, &options)
        .expect("generate")
        .bundle
        .write_to(work.path())
        .expect("write bundle");
    let defect = Defect {
        case: "vibes",
        before: CONTRACTED,
        plant: "CREATE SCHEMA keyshift;",
        after: &[],
        fails: "verify_contract.sql",
        says: &["schema keyshift still exists"],
    };
    expect_after(&db, work.path(), "drop_id_map_left", &defect);
}
