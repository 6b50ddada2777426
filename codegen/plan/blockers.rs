//! What the generated SQL cannot handle yet, found from the catalog alone.
//! Preflight repeats these checks against the live database, so a bundle
//! generated from a stale DDL file still fails closed.

use super::{Blocker, KeySource, Options, TablePlan};
use crate::catalog::{Catalog, IndexKey, TableKind};

/// Everything that must stop the migration, unsorted.
pub fn find(catalog: &Catalog, tables: &[TablePlan], options: &Options) -> Vec<Blocker> {
    let mut out = Vec::new();
    let converted = |name: &crate::catalog::QualifiedName| tables.iter().any(|t| &t.table == name);

    for plan in tables {
        let table = catalog.table(&plan.table).expect("planned tables exist");
        let name = table.name.display();
        let is_converted = |c: &str| plan.columns.iter().any(|p| p.name == c);

        if table.kind == TableKind::Partitioned || table.partition_of.is_some() {
            out.push(Blocker {
                object: format!("table {name}"),
                reason: "is partitioned or a partition; converting partitioned tables is not supported yet".into(),
                help: format!("Exclude {name} and the tables referencing it with --exclude-table."),
            });
        }
        let has_children = catalog.tables.iter().any(|t| t.inherits.contains(&table.name));
        if !table.inherits.is_empty() || has_children {
            out.push(Blocker {
                object: format!("table {name}"),
                reason: "takes part in table inheritance; converting inherited columns is not supported yet".into(),
                help: format!("Exclude {name} and its inheritance relatives with --exclude-table."),
            });
        }
        for check in &table.checks {
            if check.columns.iter().any(|c| is_converted(c)) {
                out.push(Blocker {
                    object: format!("constraint {} on {name}", check.name),
                    reason: format!("CHECK ({}) uses a column that becomes uuid", check.expression),
                    help: "Drop the constraint before migrating and recreate it for uuid afterwards, or exclude the table.".into(),
                });
            }
        }
        for index in &table.indexes {
            let in_expression = index
                .keys
                .iter()
                .any(|k| matches!(k, IndexKey::Expression(_)))
                && index.expression_columns.iter().any(|c| is_converted(c));
            let in_predicate = index.predicate.as_deref().is_some_and(|p| {
                index.expression_columns.iter().any(|c| is_converted(c)) && !is_null_test(p)
            });
            if in_expression || in_predicate {
                out.push(Blocker {
                    object: format!("index {} on {name}", index.name),
                    reason: "its expression or WHERE clause uses a column that becomes uuid".into(),
                    help: "Drop the index before migrating and recreate it for uuid afterwards, or exclude the table.".into(),
                });
            }
        }
        for column in &table.columns {
            if column.generated.is_some() {
                out.push(Blocker {
                    object: format!("column {name}.{}", column.name),
                    reason: "is a generated column on a converted table; keyshift cannot tell whether its expression uses a converted column".into(),
                    help: "Drop the generated column before migrating and add it back afterwards, or exclude the table.".into(),
                });
            }
        }
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
            && let KeySource::Sequence { sequence } | KeySource::Identity { sequence, .. } = &root.source
            && sequence.increment < 0
        {
            out.push(Blocker {
                object: format!("sequence {}", sequence.name.display()),
                reason: "counts downwards; rollback only knows how to hand out ascending ids".into(),
                help: "Exclude the table, or change the sequence to ascend before migrating.".into(),
            });
        }
    }

    for view in &catalog.views {
        for dep in view.depends_on.iter().filter(|d| converted(d)) {
            out.push(Blocker {
                object: format!("view {}", view.name.display()),
                reason: format!("reads {}, whose key columns become uuid; recreating dependent views is not supported yet", dep.display()),
                help: format!("Drop {} before the migration and recreate it afterwards, or exclude {}.", view.name.display(), dep.display()),
            });
        }
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
                    .is_some_and(|t| t.columns.iter().any(|c| fk.referenced_columns.contains(&c.name)))
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

/// `col IS NULL` / `col IS NOT NULL` keep working unchanged on uuid.
fn is_null_test(predicate: &str) -> bool {
    let p = predicate.trim().trim_start_matches('(').trim_end_matches(')').trim();
    let upper = p.to_ascii_uppercase();
    (upper.ends_with(" IS NOT NULL") || upper.ends_with(" IS NULL"))
        && !upper.contains(" AND ")
        && !upper.contains(" OR ")
}

/// Triggers on converted tables: they keep working only if their function
/// bodies do not treat the converted columns as integers, which keyshift
/// cannot see.
pub fn warnings(catalog: &Catalog, tables: &[TablePlan]) -> Vec<String> {
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
