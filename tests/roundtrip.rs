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

mod matrix;
mod support;

use matrix::Case;

fn schema_case(name: &str) -> Case {
    matrix::schema_cases()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no schema case {name}"))
}

fn run(case: Case) {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    matrix::round_trip(server, &case);
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
            let on_disk: Vec<String> = matrix::schema_cases().into_iter().map(|c| c.name).collect();
            let mut listed: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
            listed.sort();
            assert_eq!(listed, on_disk, "add the new case to schema_cases! in tests/roundtrip.rs");
        }
    };
}

schema_cases!(
    online_shop,
    forum,
    forum_orphans,
    vibes,
    workflow,
    self_reference,
    fk_cycle,
    composite_fk,
    non_public_schema,
    quoted_names,
    hostile_text,
    long_names,
    deferrable_fks,
    fk_actions,
    partial_index,
    identity_and_serial,
    smallint_key,
    no_primary_key,
    view_on_key,
    dependent_objects,
    edge_values,
    domain_keys,
    unique_reference,
    nothing_to_convert,
    partitioned,
    inheritance,
    family_blockers,
    rails_app,
    surrogate_key,
    function_default,
    generated_over_key,
    key_compared_to_integer,
    same_name_schemas,
    uuid_v7,
    shared_id_space,
    fixed_ids,
);

#[test]
fn corpus_chinook() {
    let f = "chinook/Chinook_PostgreSql.sql";
    if let Some(case) = matrix::corpus_case("chinook", &[f], None) {
        run(case);
    }
}

/// Chinook's variants share the plain case's writes; with serial and
/// identity keys rollback must also leave every sequence ahead of the rows.
fn chinook_with_sequences(name: &str, file: &str) {
    if let Some(mut case) = matrix::corpus_case("chinook", &[file], None) {
        case.name = name.to_string();
        if let Some((_, checks)) = &mut case.writes {
            checks.push(matrix::repo().join("tests/corpus/chinook/sequences_check.sql"));
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

/// Pagila: the partitioned `payment` table with foreign keys declared on
/// its partitions, views and a materialized view over key columns, 15
/// triggers and domains. `store.manager_staff_id` holds staff ids without a
/// foreign key; `tests/corpus/pagila/keyshift.toml` declares it.
#[test]
fn corpus_pagila() {
    if let Some(case) = matrix::pagila_case() {
        run(case);
    }
}

/// Sakila: legacy inheritance (`payment_p2007_*`) with the rules that route
/// inserts on `payment` to its children, views over key columns, and an FK
/// cycle between staff and store.
#[test]
fn corpus_sakila() {
    if let Some(case) = matrix::sakila_case() {
        run(case);
    }
}

/// Northwind: smallint keys, a self-reference, character keys left alone.
#[test]
fn corpus_northwind() {
    let f = "northwind/northwind.sql";
    if let Some(case) = matrix::corpus_case("northwind", &[f], None) {
        run(case);
    }
}

/// World: one integer key; `country.code` is character(3) and stays.
#[test]
fn corpus_world() {
    let f = "world/world.sql";
    if let Some(case) = matrix::corpus_case("world", &[f], None) {
        run(case);
    }
}

/// Dell Store 2: 172,716 rows, three tables without a primary key.
#[test]
fn corpus_dellstore2() {
    let f = "dellstore2/dellstore2-normal-1.0.sql";
    if let Some(case) = matrix::corpus_case("dellstore2", &[f], None) {
        run(case);
    }
}

/// TPC-C (BenchBase DDL): composite keys and composite foreign keys, no data.
#[test]
fn corpus_tpcc() {
    let f = "tpcc/ddl-postgres.sql";
    if let Some(case) = matrix::corpus_case("tpcc", &[f], None) {
        run(case);
    }
}

/// AuctionMark (BenchBase DDL): many composite keys, a self-reference.
#[test]
fn corpus_auctionmark() {
    let f = "auctionmark/ddl-postgres.sql";
    if let Some(case) = matrix::corpus_case("auctionmark", &[f], None) {
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
    if let Some(case) = matrix::corpus_case("guacamole", &load, None) {
        run(case);
    }
}

/// listmonk: three materialized views read converted keys; forward and
/// rollback drop, recreate and refill them.
#[test]
fn corpus_listmonk() {
    let f = "listmonk/schema.sql";
    if let Some(case) = matrix::corpus_case("listmonk", &[f], None) {
        run(case);
    }
}

/// Mastodon: materialized views and a view over converted keys, recreated.
/// The dump sets owners to a role that must exist first.
#[test]
fn corpus_mastodon() {
    let f = "mastodon/dump.sql";
    if let Some(mut case) = matrix::corpus_case("mastodon", &[f], None) {
        case.setup = Some(
            "DO $$ BEGIN CREATE ROLE pinafore; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;",
        );
        run(case);
    }
}

/// employees: views and row-level security policies on converted tables,
/// recreated. The script loads its data with `\i` from its own folder.
#[test]
fn corpus_employees() {
    let f = "employees/employee.sql";
    if let Some(case) = matrix::corpus_case("employees", &[f], None) {
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

/// `--in-place`: orphans kept by `on_orphan` get NULL or the sentinel in a
/// table altered in place exactly as in a rebuilt one (the ALTER's keyed
/// hash of an orphan value is corrected right after it), and rollback
/// restores them through its `USING` expression.
#[test]
fn forum_orphans_in_place() {
    let mut case = schema_case("forum_orphans");
    case.options.in_place = true;
    run(case);
}

/// The same with version 7 keys, whose `uuid_for` looks ids up in the map
/// and so has no uuid for an orphan: a NOT NULL column kept as the sentinel
/// gets it in the ALTER itself.
#[test]
fn forum_orphans_in_place_v7() {
    let mut case = schema_case("forum_orphans");
    case.options.in_place = true;
    case.options.uuid = Some(keyshift::plan::UuidVersion::V7);
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

/// Inheritance children with primary keys of their own on the inherited
/// key. Kept out of `schema/` because PostgreSQL 18 cannot convert it (the
/// version matrix runs every schema case); `tests/versions.rs` proves that
/// preflight refuses it there.
#[test]
fn inheritance_children_with_their_own_primary_keys() {
    let dir = matrix::repo().join("tests/families/child_primary_key");
    run(Case {
        name: "child_primary_key".into(),
        ddl: "tests/families/child_primary_key/schema.sql".into(),
        load: vec![dir.join("schema.sql"), dir.join("data.sql")],
        writes: None,
        refusals: Vec::new(),
        setup: None,
        options: Default::default(),
        config: None,
    });
}

/// On 16–18 the catalog fingerprint is the only schema comparison besides
/// keyshift's own introspection, so each fact it claims to compare that
/// introspection does not see must change it.
#[test]
fn the_fingerprint_sees_what_it_claims() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = server.create_database("fingerprint");
    db.psql_sql(
        "CREATE TABLE t (id int NOT NULL, note text);
         CREATE UNIQUE INDEX t_id_idx ON t (id);
         CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
         CREATE TRIGGER t_trigger BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
         CREATE POLICY t_policy ON t USING (true);
         CREATE RULE t_rule AS ON DELETE TO t DO INSTEAD NOTHING;
         CREATE PUBLICATION p;
         CREATE TYPE mood AS ENUM ('sad', 'happy');
         CREATE TYPE pair AS (a int, b int);",
    )
    .expect("setup");
    let mut seen = db.query_rows(matrix::FINGERPRINT_SQL);
    for change in [
        "COMMENT ON TRIGGER t_trigger ON t IS 'x';",
        "COMMENT ON POLICY t_policy ON t IS 'x';",
        "COMMENT ON RULE t_rule ON t IS 'x';",
        "ALTER TABLE t REPLICA IDENTITY USING INDEX t_id_idx;",
        "ALTER PUBLICATION p ADD TABLE t;",
        "ALTER TYPE mood ADD VALUE 'calm';",
        "ALTER TYPE pair ADD ATTRIBUTE c int;",
    ] {
        db.psql_sql(change).expect(change);
        let now = db.query_rows(matrix::FINGERPRINT_SQL);
        assert_ne!(seen, now, "the fingerprint does not see {change}");
        seen = now;
    }
}

/// An id space altered in place: every member's `ALTER` computes the keyed
/// hash under the first table's name, so the uuids agree with its map
/// without a join.
#[test]
fn shared_id_space_in_place() {
    let mut case = schema_case("shared_id_space");
    case.options.in_place = true;
    run(case);
}

/// With version 7 keys: the space's map is drawn over every member's ids in
/// old-id order, and `uuid_for` looks each member's ids up in it.
#[test]
fn shared_id_space_v7() {
    let mut case = schema_case("shared_id_space");
    case.options.uuid = Some(keyshift::plan::UuidVersion::V7);
    run(case);
}

/// Fixed ids altered in place: each translated CHECK and index goes
/// before the table's `ALTER` and comes back after it, translated by
/// forward and restored by rollback.
#[test]
fn fixed_ids_in_place() {
    let mut case = schema_case("fixed_ids");
    case.options.in_place = true;
    run(case);
}

/// With version 7 keys the constants are looked up in the maps too.
#[test]
fn fixed_ids_v7() {
    let mut case = schema_case("fixed_ids");
    case.options.uuid = Some(keyshift::plan::UuidVersion::V7);
    run(case);
}
