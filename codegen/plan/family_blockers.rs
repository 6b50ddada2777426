//! What still stops a partition tree or an inheritance family from
//! converting. Everything else about families converts: a shared column
//! changes once on the table that declares it (see `family.rs`).

use super::{Blocker, ColumnRoots, KeySource, Options, TablePlan};
use crate::catalog::{Catalog, PartitionStrategy, QualifiedName};
use std::collections::BTreeSet;

/// Every family blocker, unsorted.
pub fn find(
    catalog: &Catalog,
    tables: &[TablePlan],
    roots: &ColumnRoots,
    options: &Options,
) -> Vec<Blocker> {
    // Each table's blockers read only the plan and the catalog: found on
    // every core, in table order.
    let mut out: Vec<Blocker> = crate::in_order::map(tables, |_, plan| {
        let mut out = Vec::new();
        partition_key(catalog, plan, &mut out);
        for column in &plan.columns {
            shared_column(catalog, plan, column, roots, &mut out);
        }
        if let Some(root) = &plan.root
            && !root.members.is_empty()
            && let KeySource::Identity { .. } = root.source
        {
            out.push(Blocker {
                object: format!("column {}.{}", plan.table.display(), root.column),
                reason: format!(
                    "is an identity column whose values {} share; keyshift cannot drop and restore an identity across a family yet",
                    names(&root.members)
                ),
                help: format!(
                    "Exclude {} and its partitions or children with --exclude-table, or turn the identity into a sequence default before migrating.",
                    plan.table.display()
                ),
            });
        }
        out
    })
    .into_iter()
    .flatten()
    .collect();
    excluded_relatives(catalog, roots, options, &mut out);
    out
}

fn names(tables: &[QualifiedName]) -> String {
    tables
        .iter()
        .map(QualifiedName::display)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Partitions are routed by the partition key's values: integer range and
/// list bounds have no uuid counterpart, and hashing uuids instead of
/// integers would send rows to other partitions than the ones holding them.
fn partition_key(catalog: &Catalog, plan: &TablePlan, out: &mut Vec<Blocker>) {
    let Some(key) = catalog
        .table(&plan.table)
        .and_then(|t| t.partition_key.as_ref())
    else {
        return;
    };
    let hit: Vec<&super::ConvertedColumn> = plan
        .columns
        .iter()
        .filter(|c| key.columns.contains(&c.name))
        .collect();
    if hit.is_empty() {
        return;
    }
    let columns: Vec<&str> = hit.iter().map(|c| c.name.as_str()).collect();
    let roots: BTreeSet<String> = hit.iter().map(|c| c.root.display()).collect();
    let why = match key.strategy {
        PartitionStrategy::Hash => {
            "hashing uuids instead of integers would route rows to other partitions than the ones holding them"
        }
        PartitionStrategy::Range | PartitionStrategy::List => {
            "its partitions' bounds are integers, which cannot be translated to uuids"
        }
    };
    out.push(Blocker {
        object: format!("table {}", plan.table.display()),
        reason: format!(
            "is partitioned by {} on a key that reads {}, which would become uuid; {why}",
            key.strategy.keyword(),
            columns.join(", ")
        ),
        help: format!(
            "Repartition {} by a column that keeps its type before migrating, or leave the keys of {} as they are with --exclude-table.",
            plan.table.display(),
            roots.into_iter().collect::<Vec<_>>().join(", ")
        ),
    });
}

/// A column a family shares changes once, on the one table that declares
/// it, which must also hold the default every member uses.
fn shared_column(
    catalog: &Catalog,
    plan: &TablePlan,
    column: &super::ConvertedColumn,
    roots: &ColumnRoots,
    out: &mut Vec<Blocker>,
) {
    let Some(group) = roots.groups.group(&plan.table, &column.name) else {
        return;
    };
    if group.tops.len() > 1 && group.owner() == &plan.table {
        out.push(Blocker {
            object: format!("column {}.{}", plan.table.display(), column.name),
            reason: format!(
                "is declared by several parents of one inheritance family ({}) and merged in their children; PostgreSQL changes an inherited column through one parent at a time, so its copies cannot change together",
                names(&group.tops)
            ),
            help: "Exclude the tables of this family with --exclude-table.".into(),
        });
    }
    let Some(owner) = &column.altered_on else {
        return;
    };
    let default_of = |t: &QualifiedName| {
        catalog
            .table(t)
            .and_then(|t| t.column(&column.name))
            .and_then(|c| c.default.clone())
    };
    let (own, top) = (default_of(&plan.table), default_of(owner));
    // A key's own default is recorded by forward and restored by rollback
    // (`RootKey::own_defaults`); a reference's would need translating.
    if own != top && !roots.is_root_key(owner, &column.name) {
        let show = |d: Option<String>| d.unwrap_or_else(|| "none".into());
        out.push(Blocker {
            object: format!("column {}.{}", plan.table.display(), column.name),
            reason: format!(
                "has the default {}, but {}.{} has {}; the column and its default change on {} for the whole family, so rollback would not give this table its own default back",
                show(own),
                owner.display(),
                column.name,
                show(top),
                owner.display()
            ),
            help: format!(
                "Give it the same default as {} before migrating, and set its own again afterwards.",
                owner.display()
            ),
        });
    }
}

/// A foreign key whose referenced key converts while its own column stays
/// an integer, because a relative that shares the column is excluded: the
/// key could not be recreated.
fn excluded_relatives(
    catalog: &Catalog,
    roots: &ColumnRoots,
    options: &Options,
    out: &mut Vec<Blocker>,
) {
    for table in &catalog.tables {
        if options.exclude_tables.contains(&table.name) {
            continue;
        }
        for fk in &table.foreign_keys {
            for (c, r) in fk.columns.iter().zip(&fk.referenced_columns) {
                if roots.root_of(&fk.referenced_table, r).is_none()
                    || roots.root_of(&table.name, c).is_some()
                {
                    continue;
                }
                let Some(group) = roots.groups.group(&table.name, c) else {
                    continue;
                };
                let excluded: Vec<QualifiedName> = group
                    .members
                    .iter()
                    .filter(|m| options.exclude_tables.contains(m))
                    .cloned()
                    .collect();
                if excluded.is_empty() {
                    continue;
                }
                out.push(Blocker {
                    object: format!("constraint {} on {}", fk.name, table.name.display()),
                    reason: format!(
                        "references {}, whose key becomes uuid, but {}.{c} stays an integer because it shares the column with {}, which is excluded",
                        fk.referenced_table.display(),
                        table.name.display(),
                        names(&excluded)
                    ),
                    help: format!(
                        "Exclude every table of the family that holds {c}, or stop excluding {}.",
                        names(&excluded)
                    ),
                });
            }
        }
    }
}
