//! PLAN.md's disk section never prints a number it does not know. On a live
//! database a table never analyzed has no row estimate, but introspection
//! reads its exact size and the most rows its heap can hold, so it is
//! counted at that bound, its row cell says "at most", and PLAN.md gives the
//! `ANALYZE` for a closer figure (checked on a real server below). Only a
//! table with neither (a catalog.json from before keyshift read the bound)
//! is left out: totals are then lower bounds, and with nothing known
//! "unknown". From a schema file the section says the sizes are unknown and
//! how to get them. The time estimate follows the engine: rebuilt tables
//! move faster than tables altered in place, whose reads wait for all of
//! forward.

mod support;

use keyshift::catalog::{QualifiedName, TableStats};
use keyshift::introspect::source::read_catalog;
use keyshift::pipeline;
use keyshift::plan::Options;
use std::collections::BTreeMap;

const DDL: &str = "CREATE TABLE users (id bigserial PRIMARY KEY);\n\
                   CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users);\n";

fn plan_md(rows: [Option<i64>; 2]) -> String {
    plan_md_sized(rows, 1 << 20, &Options::default())
}

fn plan_md_sized(rows: [Option<i64>; 2], total_bytes: i64, options: &Options) -> String {
    let parsed = pipeline::run("disk.sql", DDL, options).expect("parses");
    let mut catalog = parsed.catalog;
    catalog.table_stats = ["users", "posts"]
        .iter()
        .zip(rows)
        .map(|(name, row_estimate)| TableStats {
            table: QualifiedName::new("public", *name),
            row_estimate,
            total_bytes,
            row_bound: None,
        })
        .collect();
    let output = pipeline::from_catalog("disk.sql", catalog, BTreeMap::new(), options);
    output.bundle.get("PLAN.md").expect("PLAN.md").to_string()
}

#[test]
fn totals_are_lower_bounds_while_a_table_is_unanalyzed() {
    let md = plan_md([Some(1000), None]);
    assert!(
        md.contains("Peak extra disk while forward runs: at least "),
        "{md}"
    );
    assert!(md.contains("ANALYZE \"public\".\"posts\";"), "{md}");
    assert!(md.contains("Estimated time: forward at least "), "{md}");

    let md = plan_md([None, None]);
    assert!(
        md.contains("Peak extra disk while forward runs: unknown."),
        "{md}"
    );
    assert!(
        md.contains("Extra disk after forward commits: unknown"),
        "{md}"
    );

    assert!(md.contains("Estimated time: forward unknown"), "{md}");

    let md = plan_md([Some(1000), Some(5000)]);
    assert!(!md.contains("at least") && !md.contains("unknown"), "{md}");
    assert!(
        md.contains(
            "Estimated time: forward under 1 s**, verify_forward under 1 s, rollback under 1 s."
        ),
        "{md}"
    );
}

/// 200 MB of rebuilt tables: forward 13 s at 15 MB/s, verify_forward 6 s
/// at 35 MB/s, rollback 2 s at 100 MB/s where it brings the originals back
/// and 13 s where it copies them, and reads wait only for the swap. Online
/// mode's rollback always copies. The same altered in place: 25 s at
/// 8 MB/s, with reads waiting for all of it.
#[test]
fn the_time_estimate_follows_the_engine() {
    let rows = [Some(1000), Some(5000)];
    let md = plan_md_sized(rows, 100_000_000, &Options::default());
    assert!(
        md.contains(
            "Estimated time: forward 13 s**, verify_forward 6 s, rollback 2 s where it brings \
             back the originals forward kept, 13 s where it copies them (it copies a table \
             when more than 10,000 rows, and more than a tenth of it, were written or deleted \
             since forward, when the table changed since, or when something was put on its \
             original)."
        ),
        "{md}"
    );
    assert!(
        md.contains("15.0 MB for forward and rollback of rebuilt tables, 100.0 MB for a rollback that brings their originals back, 8.0 MB for tables altered in place and 35.0 MB for verify_forward, 1.3× or more below the slowest rates measured on 2 cores (21, 142, 11 and 51 MB/s; see README)"),
        "{md}"
    );
    assert!(
        md.contains("reads of a rebuilt table wait only for the swap"),
        "{md}"
    );
    assert!(!md.contains("altered in place wait"), "{md}");

    let online = Options {
        mode: Some(keyshift::plan::Mode::Online),
        ..Options::default()
    };
    let md = plan_md_sized(rows, 100_000_000, &online);
    assert!(
        md.contains("Estimated time: forward 13 s**, verify_forward 6 s, rollback 13 s."),
        "{md}"
    );
    assert!(!md.contains("brings their originals back"), "{md}");

    let in_place = Options {
        in_place: true,
        ..Options::default()
    };
    let md = plan_md_sized(rows, 100_000_000, &in_place);
    assert!(
        md.contains("Estimated time: forward 25 s**, verify_forward 6 s, rollback 25 s."),
        "{md}"
    );
    assert!(
        md.contains("reads of the tables altered in place wait for all of it too (25 s)"),
        "{md}"
    );
    assert!(!md.contains("reads of a rebuilt table"), "{md}");
}

/// From a schema file there are no sizes: the section says so and names the
/// command that gives them, and prints no figure.
#[test]
fn from_a_schema_file_the_disk_is_unknown() {
    let output = pipeline::run("disk.sql", DDL, &Options::default()).expect("parses");
    let md = output.bundle.get("PLAN.md").expect("PLAN.md").to_string();
    let section = disk_section(&md);
    assert!(
        section.contains("Unknown: this plan was made from a schema file"),
        "{section}"
    );
    assert!(
        section.contains("`keyshift generate\npostgresql://…`"),
        "{section}"
    );
    assert!(!section.chars().any(|c| c.is_ascii_digit()), "{section}");
}

/// The section between `## Disk` and the next heading.
fn disk_section(md: &str) -> &str {
    md.split("## Disk\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a Disk section")
}

fn live_plan(url: &str) -> (keyshift::plan::estimate::DiskEstimate, String) {
    let catalog = read_catalog(url).expect("introspect");
    let output = pipeline::from_catalog("live", catalog, BTreeMap::new(), &Options::default());
    let md = output.bundle.get("PLAN.md").expect("PLAN.md").to_string();
    (output.plan.disk.expect("a live catalog has sizes"), md)
}

/// On a real server, tables never analyzed (reltuples -1, relpages 0) are
/// counted at their exact size and the most rows their heap can hold: no
/// "unknown", no "at least", the bound in the rows column, and the ANALYZE
/// that gives an estimate. The bound is never below the estimate ANALYZE
/// gives, so the figures only shrink once it has run.
#[test]
fn a_table_never_analyzed_counts_at_its_exact_size() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = server.create_database("never_analyzed");
    db.psql_sql(
        "CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL)
           WITH (autovacuum_enabled = off);
         CREATE TABLE posts (id bigserial PRIMARY KEY, user_id integer REFERENCES users)
           WITH (autovacuum_enabled = off);
         INSERT INTO users (name) SELECT 'user ' || g FROM generate_series(1, 20000) g;
         INSERT INTO posts (user_id) SELECT 1 + g % 20000 FROM generate_series(1, 50000) g;",
    )
    .expect("load");
    let facts = |sql: &str| db.query_rows(sql);
    // The case this is about: nothing in the catalog says how big they are.
    assert_eq!(
        facts(
            "SELECT relname, reltuples, relpages FROM pg_class WHERE relname IN ('users', 'posts') ORDER BY 1"
        ),
        ["posts|-1|0", "users|-1|0"]
    );
    let exact = |table: &str| -> i64 {
        facts(&format!("SELECT pg_total_relation_size('{table}')"))[0]
            .parse()
            .unwrap()
    };
    let bound = |table: &str| -> i64 {
        facts(&format!("SELECT pg_relation_size('{table}') / 8192 * 291"))[0]
            .parse()
            .unwrap()
    };

    let (disk, md) = live_plan(&db.url());
    let section = disk_section(&md);
    assert!(disk.unknown.is_empty(), "{disk:?}");
    let names: Vec<String> = disk.bounded.iter().map(|t| t.display()).collect();
    assert_eq!(names, ["public.users", "public.posts"]);
    for t in &disk.tables {
        let name = &t.table.name;
        assert!(t.rows_at_most, "{t:?}");
        assert_eq!(t.bytes_now, exact(name), "{name}: the exact size");
        assert_eq!(t.rows, bound(name), "{name}: pages × 291");
        assert!(
            section.contains(&format!("| `public.{name}` | at most {} |", t.rows)),
            "{section}"
        );
    }
    for vague in ["unknown", "at least", "Not counted"] {
        assert!(!section.contains(vague), "{vague}: {section}");
    }
    assert!(
        section
            .contains("Never analyzed, so without a row estimate: `public.users`, `public.posts`."),
        "{section}"
    );
    assert!(
        section.contains("`ANALYZE \"public\".\"users\", \"public\".\"posts\";`"),
        "{section}"
    );
    assert!(
        section.contains("**Estimated time: forward under 1 s**"),
        "{section}"
    );

    db.psql_sql("ANALYZE users, posts").expect("analyze");
    let (analyzed, md) = live_plan(&db.url());
    let section = disk_section(&md);
    assert!(analyzed.bounded.is_empty() && analyzed.unknown.is_empty());
    assert!(
        !section.contains("| at most") && !section.contains("Never analyzed"),
        "{section}"
    );
    for (at_most, estimated) in disk.tables.iter().zip(&analyzed.tables) {
        assert!(at_most.rows >= estimated.rows, "{at_most:?} {estimated:?}");
        assert!(
            at_most.bytes_after >= estimated.bytes_after,
            "{at_most:?} {estimated:?}"
        );
    }
    assert!(disk.peak_extra_bytes >= analyzed.peak_extra_bytes);
}
