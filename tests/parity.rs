//! Parity, the core test of live introspection: for every schema case and
//! every corpus case, load the DDL into a throwaway database, build the
//! catalog twice (offline from the DDL file, live by introspection) and
//! require them to be equal, and the bundles rendered from them too.
//!
//! The comparison is the same for every case, with exactly two
//! adjustments, both made here and nowhere else:
//! - `Catalog::schema_only` drops the facts only a live database knows
//!   (row estimates, sizes);
//! - `canonical_expressions` (in `tests/matrix`): the DDL path keeps hand-written CHECK
//!   expressions, index expressions, index predicates, policies' `USING`
//!   and `WITH CHECK` expressions, triggers' `WHEN` and rules' `WHERE`
//!   conditions as written (see
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

mod matrix;
mod support;

/// Roles are cluster-wide, and the corpus cases share one server.
const CREATE_PINAFORE: &str = "DO $$ BEGIN CREATE ROLE pinafore; \
     EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;";

macro_rules! schema_cases {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let Some(server) = support::server_or_skip() else { return };
                let case = matrix::schema_cases()
                    .into_iter()
                    .find(|c| c.name == stringify!($name))
                    .expect("a schema case");
                matrix::parity(server, &case);
            }
        )*

        #[test]
        fn every_loadable_schema_case_is_checked() {
            let mut listed: Vec<String> = [$(stringify!($name)),*].iter().map(|s| s.to_string()).collect();
            listed.sort();
            let on_disk: Vec<String> = matrix::schema_cases().into_iter().map(|c| c.name).collect();
            assert_eq!(listed, on_disk, "add the new case to schema_cases! in tests/parity.rs");
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

macro_rules! corpus_cases {
    ($($name:ident: [$($file:literal),+] $(, setup = $setup:expr)?;)*) => {
        $(
            #[test]
            fn $name() {
                #[allow(unused_mut, unused_assignments)]
                let mut setup = None;
                $(setup = Some($setup);)?
                let Some(server) = support::server_or_skip() else { return };
                if let Some(case) = matrix::corpus_case(&stringify!($name)["corpus_".len()..], &[$($file),+], setup) {
                    matrix::parity(server, &case);
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

/// The third input path for a key default that calls a function of the
/// schema's own: `pg_dump --schema-only` output of the loaded
/// `function_default` case gives the same catalog as its hand-written DDL
/// (and so the same bundle), and a bundle made from the dump round-trips.
#[test]
fn function_default_from_pg_dump() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let case = matrix::schema_cases()
        .into_iter()
        .find(|c| c.name == "function_default")
        .expect("schema case function_default");
    let db = server.create_database("function_default_dump");
    for file in &case.load {
        db.psql_file(file, file.parent())
            .unwrap_or_else(|e| panic!("load {}: {e}", file.display()));
    }
    let dump = db.dump_schema();
    let options = keyshift::plan::Options::default();
    let ddl_sql = std::fs::read_to_string(matrix::repo().join(&case.ddl)).expect("schema.sql");
    let from_ddl = keyshift::pipeline::run("schema.sql", &ddl_sql, &options).expect("DDL plans");
    let from_dump = keyshift::pipeline::run("dump.sql", &dump, &options).expect("dump plans");
    assert_eq!(
        from_dump.catalog.schema_only(),
        from_ddl.catalog.schema_only(),
        "the dump and the hand-written DDL give different catalogs"
    );
    let work = tempfile::tempdir().expect("temp dir");
    let path = work.path().join("function_default.dump.sql");
    std::fs::write(&path, &dump).expect("write the dump");
    let mut from_dump_case = case.clone();
    from_dump_case.name = "function_default_from_pg_dump".to_string();
    from_dump_case.ddl = path;
    matrix::round_trip(server, &from_dump_case);
}
