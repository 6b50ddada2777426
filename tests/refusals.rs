//! Every blocker the plan can raise, each on the smallest schema that shows
//! it: `generate` must refuse with the object named, why, and what to do,
//! and PLAN.md and preflight.sql must say the same words. (Refusals only a
//! live database can see are in `tests/failure_modes.rs`.)

use keyshift::catalog::QualifiedName;
use keyshift::plan::Options;

/// Plans `ddl` and returns each blocker as one line, after checking that
/// PLAN.md and preflight.sql carry it too.
fn blockers(ddl: &str, options: &Options) -> Vec<String> {
    let output = keyshift::pipeline::run("refusal.sql", ddl, options).expect("plans");
    let plan_md = output.bundle.get("PLAN.md").expect("PLAN.md");
    let preflight = output.bundle.get("preflight.sql").expect("preflight.sql");
    output
        .plan
        .blockers
        .iter()
        .map(|b| {
            let line = format!("{} {}. help: {}", b.object, b.reason, b.help);
            let said = format!("{} {}", b.object, b.reason);
            assert!(plan_md.contains(&said), "PLAN.md lacks {said:?}");
            assert!(
                preflight.contains(&said.replace('\'', "''")),
                "preflight.sql lacks {said:?}"
            );
            line
        })
        .collect()
}

fn assert_blocked(ddl: &str, options: &Options, expected: &str) {
    let found = blockers(ddl, options);
    assert!(
        found.iter().any(|b| b == expected),
        "expected the blocker\n  {expected}\nfound\n  {}",
        found.join("\n  ")
    );
}

const USERS: &str = "CREATE TABLE users (id serial PRIMARY KEY, name text);\n";

#[test]
fn a_reference_default_that_is_not_a_constant() {
    assert_blocked(
        &format!(
            "{USERS}CREATE TABLE posts (id serial PRIMARY KEY, author_id integer DEFAULT (2 + 3) REFERENCES users (id));"
        ),
        &Options::default(),
        "column public.posts.author_id has the default (2 + 3), which is not an integer constant keyshift can translate to a UUID. help: If the application uses the ids of public.users as integers (as this default suggests), leave public.users unconverted: --exclude-table public.users. Otherwise drop the default before migrating and set a uuid default afterwards.",
    );
}

#[test]
fn a_key_sequence_that_counts_down() {
    assert_blocked(
        "CREATE SEQUENCE down_seq INCREMENT BY -1;\n\
         CREATE TABLE t (id integer PRIMARY KEY DEFAULT nextval('down_seq'));",
        &Options::default(),
        "sequence public.down_seq counts downwards; rollback only knows how to hand out ascending ids. help: Exclude the table, or change the sequence to ascend before migrating.",
    );
}

/// A column with foreign keys to two keys makes them one id space
/// (`schema/shared_id_space` round-trips it): no blocker, but a time
/// column for one member's version 7 uuids cannot order the space.
#[test]
fn a_time_column_for_a_key_that_shares_its_map() {
    let ddl = "CREATE TABLE a (id integer PRIMARY KEY, at timestamptz);\n\
         CREATE TABLE b (id integer PRIMARY KEY);\n\
         CREATE TABLE c (id serial PRIMARY KEY, x integer REFERENCES a (id) REFERENCES b (id));";
    assert_eq!(blockers(ddl, &Options::default()), Vec::<String>::new());
    let mut options = Options {
        uuid: Some(keyshift::plan::UuidVersion::V7),
        ..Options::default()
    };
    options
        .uuid_times
        .insert(QualifiedName::new("public", "a"), "at".to_string());
    assert_blocked(
        ddl,
        &options,
        "table public.a has uuid_time = at in keyshift.toml, but its key shares one map with other tables' keys, whose version 7 uuids follow the old ids' order. help: Remove its uuid_time: the space's uuids follow the old ids' order.",
    );
}

#[test]
fn an_excluded_table_referencing_a_converted_key() {
    let mut options = Options::default();
    options
        .exclude_tables
        .insert(QualifiedName::new("public", "posts"));
    assert_blocked(
        &format!(
            "{USERS}CREATE TABLE posts (id serial PRIMARY KEY, author_id integer CONSTRAINT posts_author_fkey REFERENCES users (id));"
        ),
        &options,
        "constraint posts_author_fkey on public.posts references public.users, whose key becomes uuid, but public.posts is excluded. help: Exclude public.users too, or stop excluding public.posts.",
    );
}

#[test]
fn a_replacement_query_for_a_view_forward_never_recreates() {
    let mut options = Options::default();
    options.view_queries.insert(
        QualifiedName::new("public", "nowhere"),
        "SELECT 1".to_string(),
    );
    assert_blocked(
        USERS,
        &options,
        "view public.nowhere has a replacement query, but it is not a view that reads a converted table, so forward never recreates it. help: Remove the replacement query, or check the view's name.",
    );
}

#[test]
fn a_generated_column_over_a_converted_key() {
    assert_blocked(
        &format!(
            "{USERS}CREATE TABLE posts (id serial PRIMARY KEY, author_id integer REFERENCES users (id), author_bucket integer GENERATED ALWAYS AS (author_id % 16) STORED, title_length integer GENERATED ALWAYS AS (length(\"id\"::text)) STORED);"
        ),
        &Options::default(),
        "generated column public.posts.author_bucket is computed from author_id, which would become uuid; PostgreSQL cannot change the type of a column a generated column uses. help: Drop the generated column before migrating and add it back afterwards with an expression that works on uuid, or leave the keys of public.users as they are with --exclude-table.",
    );
}

#[test]
fn a_generated_column_over_other_columns_is_not_refused() {
    let found = blockers(
        &format!(
            "{USERS}CREATE TABLE posts (id serial PRIMARY KEY, author_id integer REFERENCES users (id), title text, title_length integer GENERATED ALWAYS AS (length(title)) STORED);"
        ),
        &Options::default(),
    );
    assert!(found.is_empty(), "unexpected blockers: {found:?}");
}
