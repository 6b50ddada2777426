//! Snapshots of every stage for every schema case: the catalog the DDL
//! parses to, the plan, and the diagnostics a user sees.

mod cases;

use std::fmt::Write;

#[test]
fn catalog_plan_and_diagnostics_snapshots() {
    for name in cases::names() {
        let out = cases::output(&name);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(name.clone());
        settings.set_input_file(cases::repo().join(cases::source(&name)));
        settings.set_omit_expression(true);
        settings.bind(|| {
            insta::assert_json_snapshot!("catalog", out.catalog);
            insta::assert_json_snapshot!("plan", out.plan);
            let mut diagnostics = String::new();
            for (kind, n) in &out.skipped {
                writeln!(diagnostics, "skipped {kind}: {n}").unwrap();
            }
            for b in &out.plan.blockers {
                writeln!(
                    diagnostics,
                    "blocker: {} {}. help: {}",
                    b.object, b.reason, b.help
                )
                .unwrap();
            }
            for w in &out.plan.warnings {
                writeln!(diagnostics, "warning: {w}").unwrap();
            }
            for l in &out.plan.left_alone {
                let column = l
                    .column
                    .as_deref()
                    .map(|c| format!(".{c}"))
                    .unwrap_or_default();
                writeln!(
                    diagnostics,
                    "left alone: {}{column}: {}",
                    l.table.display(),
                    l.reason
                )
                .unwrap();
            }
            insta::assert_snapshot!("diagnostics", diagnostics);
        });
    }
}

/// Rendering twice gives the same bytes: nothing depends on time or on
/// hash-map order.
#[test]
fn rendering_is_deterministic() {
    for name in cases::names() {
        assert_eq!(
            cases::output(&name).bundle,
            cases::output(&name).bundle,
            "{name}"
        );
    }
}

/// Every file of every bundle starts with the `@generated` marker.
#[test]
fn every_file_is_marked_generated() {
    for name in cases::names() {
        for (file, text) in cases::output(&name).bundle.files() {
            let first = text.lines().next().unwrap_or_default();
            let marked = first.contains("@generated")
                || (file == "plan.json" && text.contains("\"generated_by\": \"keyshift\""));
            assert!(marked, "{name}/{file} lacks the @generated header");
        }
    }
}

/// Bad input is refused with the file, line and column; the expected text
/// is kept beside each such case.
#[test]
fn failing_cases_report_their_expected_error() {
    let failing = cases::failing();
    assert!(!failing.is_empty());
    for name in failing {
        let dir = cases::repo().join("schema").join(&name);
        let sql = std::fs::read_to_string(dir.join("schema.sql")).expect("schema.sql");
        let expected =
            std::fs::read_to_string(dir.join("expected_error.txt")).expect("expected_error.txt");
        let err = match keyshift::pipeline::run(&cases::source(&name), &sql, &Default::default()) {
            Ok(_) => panic!("{name} must be refused"),
            Err(e) => e.to_string(),
        };
        assert_eq!(err.trim(), expected.trim(), "{name}");
    }
}

/// Excluding one partition keeps every column it shares with its family
/// an integer, so keys from the family's other tables into converted
/// tables could not be recreated: the plan must say so for each of them.
#[test]
fn excluding_one_partition_blocks_the_family_keys_it_shares() {
    use keyshift::catalog::QualifiedName;
    let name = "partitioned";
    let sql = std::fs::read_to_string(cases::repo().join(cases::source(name))).expect("schema.sql");
    let mut options = keyshift::plan::Options::default();
    options
        .exclude_tables
        .insert(QualifiedName::new("public", "orders_2024"));
    let out = keyshift::pipeline::run(&cases::source(name), &sql, &options).expect("plan");
    let blockers: Vec<String> = out
        .plan
        .blockers
        .iter()
        .map(|b| format!("{} {}", b.object, b.reason))
        .collect();
    for expected in [
        "constraint orders_customer_id_fkey on public.orders references public.customers, whose key becomes uuid, but public.orders.customer_id stays an integer because it shares the column with public.orders_2024, which is excluded",
        "constraint orders_2025_coupon_id_fkey on public.orders_2025 references public.coupons, whose key becomes uuid, but public.orders_2025.coupon_id stays an integer because it shares the column with public.orders_2024, which is excluded",
        "constraint orders_2024_coupon_id_fkey on public.orders_2024 references public.coupons, whose key becomes uuid, but public.orders_2024 is excluded",
    ] {
        assert!(
            blockers.iter().any(|b| b.starts_with(expected)),
            "missing {expected:?} in {blockers:#?}"
        );
    }
    assert!(
        out.plan
            .tables
            .iter()
            .all(|t| !t.table.name.starts_with("orders")),
        "no table of the orders family may change"
    );
}

/// Every file in `tests/snapshots` is one that a case above writes. insta
/// never deletes a snapshot whose case is gone (a renamed or removed schema
/// case), and an orphan would then be reviewed and trusted as if it proved
/// something. This is `cargo insta test --unreferenced=reject` inside
/// `cargo test`, so the README's single command covers it without
/// cargo-insta installed.
#[test]
fn no_snapshot_is_orphaned() {
    let expected: Vec<String> = cases::names()
        .iter()
        .flat_map(|name| {
            ["catalog", "plan", "diagnostics"].map(|what| format!("offline__{what}@{name}.snap"))
        })
        .collect();
    let mut orphans: Vec<String> = std::fs::read_dir(cases::repo().join("tests/snapshots"))
        .expect("tests/snapshots")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".snap") && !expected.contains(f))
        .collect();
    orphans.sort();
    assert!(
        orphans.is_empty(),
        "snapshots no case writes (delete them, or add the case back): {orphans:?}"
    );
}

/// Forward records every converted column and every foreign key of the
/// converted tables, each kind in statements over a `VALUES` list of at
/// most 1,000 rows: at 400 tables (1,594 converted columns, 1,194 foreign
/// keys) that is two statements of each, and every row is listed once.
#[test]
fn forward_records_in_bounded_statements() {
    let mut sql = String::new();
    for i in 0..400usize {
        write!(sql, "CREATE TABLE t{i:03} (id bigserial PRIMARY KEY").unwrap();
        for k in 0..i.min(3) {
            write!(
                sql,
                ", ref_{k} bigint REFERENCES t{:03} (id)",
                (i * 7 + k) % i
            )
            .unwrap();
        }
        sql.push_str(");\n");
    }
    let out = keyshift::pipeline::run("many.sql", &sql, &keyshift::plan::Options::default())
        .expect("generates");
    let forward = out.bundle.get("forward.sql").expect("forward.sql");
    let statements = |head: &str| forward.matches(head).count();
    assert_eq!(statements("INSERT INTO keyshift.rebuilt_column\n"), 2);
    assert_eq!(statements("INSERT INTO keyshift.foreign_key\n"), 2);
    // Column rows end in `true)` or `false)`; foreign-key rows too, so
    // count each kind by its shape.
    let column_rows = forward
        .lines()
        .filter(|l| l.starts_with("    ('\"public\".\"t") && l.contains("', 'bigint', "))
        .count();
    let key_rows = forward
        .lines()
        .filter(|l| l.starts_with("    ('\"public\".\"t") && l.contains("_fkey', "))
        .count();
    assert_eq!(column_rows, 400 + 1194);
    assert_eq!(key_rows, 1194);
}
