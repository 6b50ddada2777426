//! What the generated SQL cannot handle yet, found from the catalog alone.
//! Preflight repeats these checks against the live database, so a bundle
//! generated from a stale DDL file still fails closed.

use super::{Blocker, KeySource, Options, TablePlan};
use crate::catalog::{Catalog, IndexKey, ViewKind};

/// Everything that must stop the migration, unsorted.
pub fn find(catalog: &Catalog, tables: &[TablePlan], options: &Options) -> Vec<Blocker> {
    let mut out = Vec::new();
    let converted = |name: &crate::catalog::QualifiedName| tables.iter().any(|t| &t.table == name);

    for plan in tables {
        let table = catalog.table(&plan.table).expect("planned tables exist");
        let name = table.name.display();
        for column in &plan.columns {
            if let Some(default) = &column.default
                && default.trim().parse::<i64>().is_err()
            {
                out.push(Blocker {
                    object: format!("column {name}.{}", column.name),
                    reason: format!("has the default {default}, which is not an integer constant keyshift can translate to a UUID"),
                    help: "Drop the default before migrating and set a uuid default afterwards.".into(),
                });
            }
        }
        if let Some(root) = &plan.root
            && let KeySource::Sequence { sequence } | KeySource::Identity { sequence, .. } =
                &root.source
            && sequence.increment < 0
        {
            out.push(Blocker {
                object: format!("sequence {}", sequence.name.display()),
                reason: "counts downwards; rollback only knows how to hand out ascending ids"
                    .into(),
                help: "Exclude the table, or change the sequence to ascend before migrating."
                    .into(),
            });
        }
    }

    for view in &catalog.views {
        let read: Vec<String> = view
            .depends_on
            .iter()
            .filter(|d| converted(d))
            .map(|d| d.display())
            .collect();
        if read.is_empty() {
            continue;
        }
        let kind = match view.kind {
            ViewKind::View => "view",
            ViewKind::Materialized => "materialized view",
        };
        out.push(Blocker {
            object: format!("{kind} {}", view.name.display()),
            reason: format!(
                "reads {}, whose key columns become uuid; recreating dependent views is not supported yet",
                read.join(", ")
            ),
            help: format!(
                "Drop {} before the migration and recreate it afterwards, or exclude the tables it reads.",
                view.name.display()
            ),
        });
    }
    for rule in catalog.rules.iter().filter(|r| converted(&r.table)) {
        out.push(Blocker {
            object: format!("rule {} on {}", rule.name, rule.table.display()),
            reason: "rewrite rules on converted tables are not supported".into(),
            help: "Drop the rule before migrating and recreate it afterwards.".into(),
        });
    }
    for policy in catalog.policies.iter().filter(|p| converted(&p.table)) {
        out.push(Blocker {
            object: format!("policy {} on {}", policy.name, policy.table.display()),
            reason: "row-level security policies on converted tables are not supported yet".into(),
            help: "Drop the policy before migrating and recreate it afterwards.".into(),
        });
    }
    for table in &catalog.tables {
        if !options.exclude_tables.contains(&table.name) {
            continue;
        }
        for fk in &table.foreign_keys {
            if converted(&fk.referenced_table)
                && tables
                    .iter()
                    .find(|t| t.table == fk.referenced_table)
                    .is_some_and(|t| {
                        t.columns
                            .iter()
                            .any(|c| fk.referenced_columns.contains(&c.name))
                    })
            {
                out.push(Blocker {
                    object: format!("constraint {} on {}", fk.name, table.name.display()),
                    reason: format!("{} is excluded, but this foreign key references {}, whose key becomes uuid", table.name.display(), fk.referenced_table.display()),
                    help: format!("Exclude {} too, or stop excluding {}.", fk.referenced_table.display(), table.name.display()),
                });
            }
        }
    }
    out
}

/// Things that may or may not survive the type change. Triggers keep
/// working only if their function bodies do not treat the converted columns
/// as integers, which keyshift cannot see. CHECK constraints, expression or
/// partial indexes and generated columns are rebuilt by PostgreSQL, and
/// preflight tests on an empty copy that it accepts them for uuid.
pub fn warnings(catalog: &Catalog, tables: &[TablePlan]) -> Vec<String> {
    let mut out = rebuilt_objects(catalog, tables);
    out.extend(trigger_warnings(catalog, tables));
    out
}

fn rebuilt_objects(catalog: &Catalog, tables: &[TablePlan]) -> Vec<String> {
    let mut out = Vec::new();
    for plan in tables {
        let Some(table) = catalog.table(&plan.table) else {
            continue;
        };
        let name = table.name.display();
        let is_converted = |c: &str| plan.columns.iter().any(|p| p.name == c);
        for check in table
            .checks
            .iter()
            .filter(|c| c.columns.iter().any(|c| is_converted(c)))
        {
            out.push(format!(
                "CHECK constraint {} on {name} ({}) uses a converted column; PostgreSQL rebuilds it for uuid and preflight tests that it accepts it",
                check.name, check.expression
            ));
        }
        for index in &table.indexes {
            let uses = index.expression_columns.iter().any(|c| is_converted(c));
            let is_expression = index
                .keys
                .iter()
                .any(|k| matches!(k, IndexKey::Expression(_)));
            if uses && (is_expression || index.predicate.is_some()) {
                out.push(format!(
                    "index {} on {name} uses a converted column in an expression or WHERE clause; PostgreSQL rebuilds it for uuid and preflight tests that it accepts it",
                    index.name
                ));
            }
        }
        for column in table.columns.iter().filter(|c| c.generated.is_some()) {
            out.push(format!(
                "generated column {name}.{} is recomputed by the rewrite; preflight tests that its expression still works when converted columns are uuid",
                column.name
            ));
        }
    }
    out
}

fn trigger_warnings(catalog: &Catalog, tables: &[TablePlan]) -> Vec<String> {
    catalog
        .triggers
        .iter()
        .filter(|t| tables.iter().any(|p| p.table == t.table))
        .map(|t| {
            format!(
                "trigger {} on {} runs {}(); check that the function does not treat converted columns as integers",
                t.name,
                t.table.display(),
                t.function.display()
            )
        })
        .collect()
}
