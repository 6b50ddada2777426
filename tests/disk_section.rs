//! PLAN.md's disk section never prints a number it does not know: a table
//! that was never analyzed has no row estimate, so totals that leave it
//! out are lower bounds, and with nothing known they are "unknown". The
//! section also gives the `ANALYZE` that makes them known.

use keyshift::catalog::{QualifiedName, TableStats};
use keyshift::pipeline;
use keyshift::plan::Options;
use std::collections::BTreeMap;

const DDL: &str = "CREATE TABLE users (id bigserial PRIMARY KEY);\n\
                   CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users);\n";

fn plan_md(rows: [Option<i64>; 2]) -> String {
    let parsed = pipeline::run("disk.sql", DDL, &Options::default()).expect("parses");
    let mut catalog = parsed.catalog;
    catalog.table_stats = ["users", "posts"]
        .iter()
        .zip(rows)
        .map(|(name, row_estimate)| TableStats {
            table: QualifiedName::new("public", *name),
            row_estimate,
            total_bytes: 1 << 20,
        })
        .collect();
    let output = pipeline::from_catalog("disk.sql", catalog, BTreeMap::new(), &Options::default());
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
        md.contains("Estimated time: forward under 1 s**, during which writes"),
        "{md}"
    );
}
