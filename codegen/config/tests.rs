use super::Config;
use crate::catalog::{Catalog, QualifiedName};
use crate::plan::{Options, Plan, UuidVersion};

const SCHEMA: &str = "
CREATE TABLE users (id bigserial PRIMARY KEY, email text);
CREATE TABLE \"Posts\" (id serial PRIMARY KEY, author_id bigint);
CREATE TABLE comments (id serial PRIMARY KEY, post_id integer, user_id bigint REFERENCES users (id));
CREATE TABLE taggings (id serial PRIMARY KEY, taggable_type text, taggable_id bigint);
CREATE TABLE log (id serial PRIMARY KEY, user_id integer);
";

fn catalog() -> Catalog {
    crate::ddl::parse_schema("schema.sql", SCHEMA)
        .expect("schema parses")
        .catalog
}

fn apply(text: &str) -> Result<Options, String> {
    let config = Config::parse("dir/keyshift.toml", text).map_err(|e| e.to_string())?;
    let mut options = Options::default();
    config
        .apply(&catalog(), &mut options)
        .map_err(|e| e.to_string())?;
    Ok(options)
}

const RAILS: &str = r#"
exclude_tables = ["log"]
drop_id_map = true

[[reference]]
from = "comments.post_id"
to = 'public."Posts".id'

[[reference]]
from = '"Posts".author_id'
to = "users.id"

[[polymorphic]]
table = "taggings"
type_column = "taggable_type"
id_column = "taggable_id"
types = { Post = 'public."Posts"', User = "users" }
"#;

#[test]
fn names_follow_sql_rules_and_options_fill_in() {
    let options = apply(RAILS).expect("valid");
    let posts = QualifiedName::new("public", "Posts");
    assert!(options.drop_id_map);
    assert!(
        options
            .exclude_tables
            .contains(&QualifiedName::new("public", "log"))
    );
    assert_eq!(options.excluded_in_config, options.exclude_tables);
    assert_eq!(options.config_name.as_deref(), Some("keyshift.toml"));
    assert_eq!(options.references.len(), 2);
    assert_eq!(options.references[0].referenced_table, posts);
    assert_eq!(options.references[0].column, "post_id");
    assert_eq!(options.polymorphic[0].types["Post"], posts);
}

#[test]
fn unquoted_names_fold_to_lower_case() {
    let err = apply("[[reference]]\nfrom = \"Posts.author_id\"\nto = \"users.id\"\n").unwrap_err();
    assert_eq!(
        err,
        "dir/keyshift.toml:2:8: no table public.posts in the schema"
    );
}

#[test]
fn declared_references_convert_and_order_tables() {
    let catalog = catalog();
    let config = Config::parse("keyshift.toml", RAILS).expect("parses");
    let out = crate::pipeline::from_catalog_configured(
        "schema.sql",
        catalog,
        Default::default(),
        &Options::default(),
        Some(&config),
    )
    .expect("valid");
    let plan: &Plan = &out.plan;
    let comments = plan
        .table(&QualifiedName::new("public", "comments"))
        .expect("comments change");
    let post_id = comments
        .columns
        .iter()
        .find(|c| c.name == "post_id")
        .expect("converted");
    assert_eq!(post_id.root, QualifiedName::new("public", "Posts"));
    let taggings = plan
        .table(&QualifiedName::new("public", "taggings"))
        .expect("taggings change");
    assert_eq!(taggings.polymorphic[0].targets["User"].root.name, "users");
    let position = |n: &str| {
        plan.order
            .iter()
            .position(|t| t.name == n)
            .expect("ordered")
    };
    assert!(position("users") < position("Posts"));
    assert!(position("Posts") < position("comments"));
    assert!(position("Posts") < position("taggings"));
    assert_eq!(plan.declared_references.len(), 2);
    // log is excluded, but its user_id still looks like it holds users' ids.
    assert_eq!(plan.candidates.len(), 1);
    assert_eq!(plan.candidates[0].table.name, "log");
}

#[test]
fn errors_carry_line_and_column_in_characters() {
    let err = apply(
        "[[polymorphic]]\ntable = \"taggings\"\ntype_column = \"taggable_type\"\nid_column = \"taggable_id\"\ntypes = { \"Pôst\" = \"users\", User = \"nope\" }\n",
    )
    .unwrap_err();
    assert_eq!(
        err,
        "dir/keyshift.toml:5:36: no table public.nope in the schema"
    );
}

#[test]
fn a_polymorphic_target_must_have_an_integer_key() {
    let err = apply(
        "[[polymorphic]]\ntable = \"taggings\"\ntype_column = \"taggable_type\"\nid_column = \"taggable_id\"\n[polymorphic.types]\nUser = \"users\"\nLog = \"log\"\n",
    );
    assert!(err.is_ok(), "{err:?}");
    let err = apply(
        "exclude_tables = [\"log\"]\n[[polymorphic]]\ntable = \"taggings\"\ntype_column = \"taggable_type\"\nid_column = \"taggable_id\"\n[polymorphic.types]\nLog = \"log\"\n",
    )
    .unwrap_err();
    assert!(err.starts_with("dir/keyshift.toml:7:7: polymorphic public.taggings.taggable_id: type \"Log\" names public.log, whose key does not become a uuid (the table is excluded)"), "{err}");
}

#[test]
fn a_reference_to_an_excluded_table_stays_and_says_why() {
    let text = "exclude_tables = [\"users\"]\n[[reference]]\nfrom = '\"Posts\".author_id'\nto = \"users.id\"\n";
    let config = Config::parse("keyshift.toml", text).expect("parses");
    let out = crate::pipeline::from_catalog_configured(
        "schema.sql",
        catalog(),
        Default::default(),
        &Options::default(),
        Some(&config),
    )
    .expect("valid");
    assert!(out.plan.declared_references.is_empty());
    let posts = out
        .plan
        .table(&QualifiedName::new("public", "Posts"))
        .expect("Posts' own key changes");
    assert!(posts.columns.iter().all(|c| c.name != "author_id"));
    assert!(out.plan.left_alone.iter().any(|l| l.column.as_deref() == Some("author_id")
        && l.reason.starts_with("declared in keyshift.toml as a reference to public.users.id, whose key is not converted")));
}

#[test]
fn surrogate_keys_are_refused_where_they_cannot_apply() {
    let catalog = crate::ddl::parse_schema(
        "schema.sql",
        "CREATE TABLE a (x int, y int, PRIMARY KEY (x, y)); CREATE TABLE b (v int);
         CREATE TABLE p (id serial PRIMARY KEY); CREATE TABLE q (id serial PRIMARY KEY);
         CREATE TABLE pq (p_id int REFERENCES p, q_id int REFERENCES q, PRIMARY KEY (p_id, q_id));
         CREATE TABLE child (id serial PRIMARY KEY, p_id int, q_id int,
             FOREIGN KEY (p_id, q_id) REFERENCES pq ON DELETE SET NULL);
         CREATE TABLE pq2 (id int, p_id int REFERENCES p, q_id int REFERENCES q, PRIMARY KEY (p_id, q_id));",
    )
    .expect("parses")
    .catalog;
    let refuse = |table: &str| {
        let text = format!("[tables.{table}]\nsurrogate_key = true\n");
        let config = Config::parse("keyshift.toml", &text).expect("parses");
        config
            .apply(&catalog, &mut Options::default())
            .unwrap_err()
            .to_string()
    };
    let at = "keyshift.toml:2:17: surrogate_key for";
    assert_eq!(
        refuse("a"),
        format!("{at} public.a: its key columns must all become uuid, and x, y do not")
    );
    assert_eq!(
        refuse("b"),
        format!(
            "{at} public.b: only a composite primary key can get a surrogate, and public.b has no primary key"
        )
    );
    assert_eq!(
        refuse("p"),
        format!(
            "{at} public.p: only a composite primary key can get a surrogate; the primary key of public.p is (id)"
        )
    );
    assert_eq!(
        refuse("pq"),
        format!(
            "{at} public.pq: foreign key child_p_id_q_id_fkey on public.child sets columns on delete or update, which a repointed key cannot reproduce"
        )
    );
    assert_eq!(
        refuse("pq2"),
        format!("{at} public.pq2: public.pq2 already has a column \"id\"")
    );
}

#[test]
fn view_queries_name_a_view_of_the_schema() {
    let view_schema =
        format!("{SCHEMA}CREATE VIEW first_users AS SELECT id FROM users WHERE id < 10;\n");
    let catalog = crate::ddl::parse_schema("schema.sql", &view_schema)
        .expect("schema parses")
        .catalog;
    let apply = |text: &str| -> Result<Options, String> {
        let config = Config::parse("keyshift.toml", text).map_err(|e| e.to_string())?;
        let mut options = Options::default();
        config
            .apply(&catalog, &mut options)
            .map_err(|e| e.to_string())?;
        Ok(options)
    };
    let options = apply(
        "[views.first_users]\nquery = \"\"\"\nSELECT id FROM public.users ORDER BY id LIMIT 10;\n\"\"\"\n",
    )
    .expect("valid");
    assert_eq!(
        options.view_queries[&QualifiedName::new("public", "first_users")],
        "SELECT id FROM public.users ORDER BY id LIMIT 10"
    );
    assert_eq!(
        apply("[views.\"public.nope\"]\nquery = \"SELECT 1\"\n").unwrap_err(),
        "keyshift.toml:1:8: no view or materialized view public.nope in the schema"
    );
    assert_eq!(
        apply("[views.first_users]\nquery = \"  \"\n").unwrap_err(),
        "keyshift.toml:2:9: the query for view public.first_users is empty"
    );
    assert!(
        apply("[views.first_users]\nsql = \"SELECT 1\"\n")
            .unwrap_err()
            .starts_with("keyshift.toml:2:1: unknown field `sql`"),
    );
}

const TIMED: &str = "
CREATE TABLE users (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, name text);
CREATE TABLE posts (id serial PRIMARY KEY, user_id bigint REFERENCES users (id), posted timestamp(3) without time zone, day date);
CREATE TABLE notes (user_id bigint PRIMARY KEY REFERENCES users (id), at timestamptz);
";

/// `apply` on the `TIMED` schema, with `--uuid` as given on the command line.
fn apply_timed(text: &str, cli: Option<UuidVersion>) -> Result<Options, String> {
    let catalog = crate::ddl::parse_schema("schema.sql", TIMED)
        .expect("schema parses")
        .catalog;
    let config = Config::parse("keyshift.toml", text).map_err(|e| e.to_string())?;
    let mut options = Options {
        uuid: cli,
        ..Options::default()
    };
    config
        .apply(&catalog, &mut options)
        .map_err(|e| e.to_string())?;
    Ok(options)
}

#[test]
fn uuid_version_and_times_come_from_the_file_unless_the_command_line_says() {
    let text = "uuid = \"v7\"\n[tables.users]\nuuid_time = \"created_at\"\n[tables.posts]\nuuid_time = '\"posted\"'\n";
    let options = apply_timed(text, None).expect("valid");
    assert_eq!(options.uuid, Some(UuidVersion::V7));
    assert_eq!(
        options
            .uuid_times
            .get(&QualifiedName::new("public", "posts"))
            .map(String::as_str),
        Some("posted")
    );
    assert_eq!(
        apply_timed("uuid = \"v7\"", Some(UuidVersion::V4))
            .expect("valid")
            .uuid,
        Some(UuidVersion::V4),
        "--uuid wins over the file"
    );
    assert_eq!(
        apply_timed(text, Some(UuidVersion::V4)).unwrap_err(),
        "keyshift.toml:5:13: uuid_time for public.posts: --uuid v4 overrides uuid = \"v7\", and version 4 UUIDs carry no time"
    );
}

#[test]
fn uuid_settings_are_refused_where_they_cannot_apply() {
    let cases = [
        (
            "uuid = \"v8\"",
            "keyshift.toml:1:8: unknown uuid version \"v8\": use \"v4\" or \"v7\"",
        ),
        (
            "[tables.users]\nuuid_time = \"created_at\"",
            "keyshift.toml:2:13: uuid_time for public.users: only version 7 UUIDs carry a time; set uuid = \"v7\" (or pass --uuid v7)",
        ),
        (
            "uuid = \"v7\"\n[tables.users]\nuuid_time = \"name\"",
            "keyshift.toml:3:13: uuid_time for public.users: name is text; the time must come from a timestamp, timestamptz or date column",
        ),
        (
            "uuid = \"v7\"\n[tables.users]\nuuid_time = \"born\"",
            "keyshift.toml:3:13: uuid_time for public.users: no column born in the table",
        ),
        (
            "uuid = \"v7\"\n[tables.notes]\nuuid_time = \"at\"",
            "keyshift.toml:3:13: uuid_time for public.notes: its own key does not get new UUIDs (see PLAN.md); name the table whose key it is",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(apply_timed(text, None).unwrap_err(), expected, "{text}");
    }
    apply_timed("uuid = \"v7\"\n[tables.posts]\nuuid_time = \"day\"", None)
        .expect("a date column gives a time");
}

/// `on_orphan` of a `[[reference]]`: the default and "fail" change nothing
/// in the plan; "null" needs a nullable column; any kept choice needs a
/// primary key that does not hold the column, outside families.
#[test]
fn on_orphan_is_checked_against_the_column_and_its_table() {
    const ORPHANS: &str = "
CREATE TABLE users (id bigserial PRIMARY KEY);
CREATE TABLE posts (id serial PRIMARY KEY, user_id bigint NOT NULL, editor_id bigint);
CREATE TABLE marks (user_id bigint, note text);
CREATE TABLE owned (user_id bigint PRIMARY KEY);
CREATE TABLE events (id serial PRIMARY KEY, user_id bigint);
CREATE TABLE events_2024 () INHERITS (events);
";
    let catalog = crate::ddl::parse_schema("schema.sql", ORPHANS)
        .expect("schema parses")
        .catalog;
    let apply = |from: &str, choice: &str| {
        let text = format!(
            "[[reference]]\nfrom = \"{from}\"\nto = \"users.id\"\non_orphan = \"{choice}\"\n"
        );
        let config = Config::parse("keyshift.toml", &text).map_err(|e| e.to_string())?;
        let mut options = Options::default();
        config
            .apply(&catalog, &mut options)
            .map_err(|e| e.to_string())?;
        Ok::<_, String>(options)
    };
    let kept = apply("posts.user_id", "keep").expect("keep on NOT NULL");
    assert_eq!(kept.references[0].on_orphan, crate::plan::OnOrphan::Keep);
    assert_eq!(kept.references[0].row_key, ["id"]);
    let nulled = apply("posts.editor_id", "null").expect("null on a nullable column");
    assert_eq!(nulled.references[0].on_orphan, crate::plan::OnOrphan::Null);
    let failing = apply("posts.editor_id", "fail").expect("fail");
    assert!(failing.references[0].on_orphan.is_fail());
    assert!(failing.references[0].row_key.is_empty());
    assert_eq!(
        apply("posts.user_id", "null").unwrap_err(),
        "keyshift.toml:4:13: reference public.posts.user_id → public.users.id: on_orphan = \"null\" needs a nullable column, and public.posts.user_id is NOT NULL; use \"keep\" (a sentinel uuid) or \"fail\""
    );
    assert_eq!(
        apply("posts.editor_id", "drop").unwrap_err(),
        "keyshift.toml:4:13: reference public.posts.editor_id → public.users.id: on_orphan must be \"fail\", \"null\" or \"keep\", not \"drop\""
    );
    assert_eq!(
        apply("marks.user_id", "keep").unwrap_err(),
        "keyshift.toml:4:13: reference public.marks.user_id → public.users.id: on_orphan = \"keep\" needs a primary key on public.marks to find each orphan row again at rollback, and it has none"
    );
    assert_eq!(
        apply("owned.user_id", "keep").unwrap_err(),
        "keyshift.toml:4:13: reference public.owned.user_id → public.users.id: on_orphan = \"keep\" cannot apply to a column of the primary key of public.owned"
    );
    assert_eq!(
        apply("events.user_id", "null").unwrap_err(),
        "keyshift.toml:4:13: reference public.events.user_id → public.users.id: on_orphan = \"null\" is not supported yet for public.events, which is in a partition tree or inheritance family"
    );
}

/// `sentinel` of a table: a uuid no key could get, for a table whose own
/// key converts; written in lower case with hyphens whatever its form.
#[test]
fn sentinels_are_checked_and_normalized() {
    let options = apply("[tables.users]\nsentinel = \"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF\"\n")
        .expect("the max uuid is a sentinel");
    assert_eq!(
        options
            .sentinels
            .get(&crate::catalog::QualifiedName::new("public", "users"))
            .map(String::as_str),
        Some("ffffffff-ffff-ffff-ffff-ffffffffffff")
    );
    let cases = [
        (
            "[tables.users]\nsentinel = \"none\"",
            "dir/keyshift.toml:2:12: sentinel for public.users: \"none\" is not a uuid",
        ),
        (
            "[tables.users]\nsentinel = \"5b1d3f6e-9c1a-4d2e-8f00-000000000001\"",
            "dir/keyshift.toml:2:12: sentinel for public.users: 5b1d3f6e-9c1a-4d2e-8f00-000000000001 is a version 4 uuid, which a new key could be given; use the nil uuid, the max uuid (ffffffff-ffff-ffff-ffff-ffffffffffff) or another version",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(apply(text).unwrap_err(), expected, "{text}");
    }
    assert_eq!(
        apply_timed(
            "[tables.notes]\nsentinel = \"00000000-0000-0000-0000-000000000000\"",
            None
        )
        .unwrap_err(),
        "keyshift.toml:2:12: sentinel for public.notes: its own key does not get new UUIDs (see PLAN.md); name the table whose key it is"
    );
}
