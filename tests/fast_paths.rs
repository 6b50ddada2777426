//! The DDL fast paths (`ddl::fast_index`) build exactly the catalog the
//! full sqlparser path builds, or the same error: for every `schema/` case,
//! every corpus schema in `../shared/corpus`, and a script of the forms
//! each fast path reads mixed with the ones it must leave alone.

mod support;

use keyshift::ddl::{parse_schema, parse_schema_without_fast_paths};
use std::path::Path;

fn assert_same(name: &str, sql: &str) {
    // An error compares by what it says and where (`Debug` holds the
    // message, position, span and help).
    let show = |r: Result<_, _>| r.map_err(|e| format!("{e:?}"));
    let fast = show(parse_schema(name, sql));
    let full = show(parse_schema_without_fast_paths(name, sql));
    assert!(fast == full, "{name}: the fast paths change the result");
}

#[test]
fn schema_cases_parse_the_same_both_ways() {
    let mut seen = 0;
    for entry in std::fs::read_dir("schema").expect("schema/") {
        let file = entry.expect("entry").path().join("schema.sql");
        if let Ok(sql) = std::fs::read_to_string(&file) {
            assert_same(&file.display().to_string(), &sql);
            seen += 1;
        }
    }
    assert!(seen > 20, "only {seen} schema cases");
}

#[test]
fn corpus_schemas_parse_the_same_both_ways() {
    let Some(corpus) = support::corpus_or_skip("the fast-path corpus test") else {
        return;
    };
    let mut seen = 0;
    visit(&corpus, &mut |file| {
        if let Ok(sql) = std::fs::read_to_string(file) {
            assert_same(&file.display().to_string(), &sql);
            seen += 1;
        }
    });
    assert!(seen > 0, "no .sql file under {}", corpus.display());
}

fn visit(dir: &Path, f: &mut dyn FnMut(&Path)) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            visit(&path, f);
        } else if path.extension().is_some_and(|e| e == "sql") {
            f(&path);
        }
    }
}

/// Names chosen on collision, partitions that get the index cloned, `ON
/// ONLY`, views, unknown tables and columns, names already taken, and
/// forms only the full path reads: one at a time, then every one that
/// parses in one script, where the names chosen collide.
#[test]
fn index_forms_parse_the_same_both_ways() {
    let setup = "CREATE SCHEMA s;
        CREATE TABLE public.t (id bigserial PRIMARY KEY, a int, b int, \"Q\" int);
        CREATE TABLE s.t (id int PRIMARY KEY, a int);
        CREATE TABLE p (id int, a int) PARTITION BY RANGE (id);
        CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
        CREATE MATERIALIZED VIEW mv AS SELECT 1 AS a;
        CREATE INDEX t_a_idx ON t (a);";
    let statements = [
        "CREATE INDEX ON t (a)",
        "CREATE INDEX ON t (a, a)",
        "CREATE UNIQUE INDEX ON public.t (a, b)",
        "CREATE INDEX named ON s.t (a)",
        "CREATE INDEX ON p (a)",
        "CREATE INDEX ON ONLY p (id)",
        "CREATE INDEX ON mv (a)",
        "CREATE INDEX ON missing (a)",
        "CREATE INDEX ON t (missing)",
        "CREATE INDEX t_a_idx ON t (b)",
        "CREATE INDEX t_pkey ON t (b)",
        "CREATE INDEX IF NOT EXISTS t_a_idx ON t (b)",
        "CREATE INDEX ON t (\"Q\")",
        "CREATE INDEX ON t USING hash (a)",
        "CREATE INDEX ON t (lower(a::text)) WHERE b > 0",
        "CREATE INDEX LongName_ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz_0123456789 ON t (b)",
        "CREATE INDEX ON t (b) -- a comment",
    ];
    let mut all = String::from(setup);
    let mut accepted = 0;
    for s in statements {
        let one = format!("{setup}\n{s};");
        assert_same(s, &one);
        if parse_schema_without_fast_paths(s, &one).is_ok() {
            all.push_str(&format!("\n{s};"));
            accepted += 1;
        }
    }
    assert!(accepted > 8, "only {accepted} statements parse");
    assert_same("all", &all);
}
