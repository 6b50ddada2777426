//! PLAN.md's disk section never prints a number it does not know: a table
//! that was never analyzed has no row estimate, so totals that leave it
//! out are lower bounds, and with nothing known they are "unknown". The
//! section also gives the `ANALYZE` that makes them known. The time
//! estimate follows the engine: rebuilt tables move faster than tables
//! altered in place, whose reads wait for all of forward.

use keyshift::catalog::{QualifiedName, TableStats};
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

/// 200 MB of rebuilt tables: 8 s at 25 MB/s, verify_forward 7 s at 30
/// MB/s, and reads wait only for the swap; the same altered in place: 25 s
/// at 8 MB/s, with reads waiting for all of it.
#[test]
fn the_time_estimate_follows_the_engine() {
    let rows = [Some(1000), Some(5000)];
    let md = plan_md_sized(rows, 100_000_000, &Options::default());
    assert!(
        md.contains("Estimated time: forward 8 s**, verify_forward 7 s, rollback 8 s."),
        "{md}"
    );
    assert!(
        md.contains("reads of a rebuilt table wait only for the swap"),
        "{md}"
    );
    assert!(!md.contains("altered in place wait"), "{md}");

    let in_place = Options {
        in_place: true,
        ..Options::default()
    };
    let md = plan_md_sized(rows, 100_000_000, &in_place);
    assert!(
        md.contains("Estimated time: forward 25 s**, verify_forward 7 s, rollback 25 s."),
        "{md}"
    );
    assert!(
        md.contains("reads of the tables altered in place wait for all of it too (25 s)"),
        "{md}"
    );
    assert!(!md.contains("reads of a rebuilt table"), "{md}");
}
