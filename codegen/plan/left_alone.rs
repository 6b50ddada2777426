//! The integer keys the plan does not convert, each with the reason a
//! reviewer needs to agree with leaving it.

use super::{ColumnRoots, LeftAlone, Options};
use crate::catalog::{Catalog, ForeignKey, QualifiedName, Table};
use std::collections::BTreeMap;

/// Every table and integer key that stays as it is, sorted.
pub fn find(catalog: &Catalog, roots: &ColumnRoots, options: &Options) -> Vec<LeftAlone> {
    let mut out = Vec::new();
    // Who references each table, gathered once in catalog order: asking
    // every table of every other table's keys was quadratic.
    let mut referenced_by: BTreeMap<&QualifiedName, Vec<(&Table, &ForeignKey)>> = BTreeMap::new();
    for child in &catalog.tables {
        for fk in &child.foreign_keys {
            referenced_by
                .entry(&fk.referenced_table)
                .or_default()
                .push((child, fk));
        }
    }
    for table in &catalog.tables {
        if options.exclude_tables.contains(&table.name) {
            out.push(LeftAlone {
                table: table.name.clone(),
                column: None,
                reason: if options.excluded_in_config.contains(&table.name) {
                    format!(
                        "excluded by exclude_tables in {}",
                        options.config_name.as_deref().unwrap_or("keyshift.toml")
                    )
                } else {
                    "excluded with --exclude-table".into()
                },
            });
            continue;
        }
        primary_key_reason(table, roots, &mut out);
        let referencing = referenced_by
            .get(&table.name)
            .map_or(&[][..], Vec::as_slice);
        referenced_non_keys(table, referencing, roots, &mut out);
    }
    for r in &options.references {
        if roots.root_of(&r.table, &r.column).is_none()
            && !options.exclude_tables.contains(&r.table)
        {
            out.push(LeftAlone {
                table: r.table.clone(),
                column: Some(r.column.clone()),
                reason: format!(
                    "declared in {} as a reference to {}.{}, whose key is not converted; it stays an integer",
                    options.config_name.as_deref().unwrap_or("keyshift.toml"),
                    r.referenced_table.display(),
                    r.referenced_column
                ),
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

fn primary_key_reason(table: &Table, roots: &ColumnRoots, out: &mut Vec<LeftAlone>) {
    let converted = |c: &str| roots.root_of(&table.name, c).is_some();
    let Some(pk) = &table.primary_key else {
        // The top of a family whose partitions or children have the key.
        if table
            .columns
            .iter()
            .any(|c| roots.is_root_key(&table.name, &c.name))
        {
            return;
        }
        let has_converted = table.columns.iter().any(|c| converted(&c.name));
        // A partition or child without a key of its own that holds its
        // family's key, which converts with it.
        let shared_key = table.columns.iter().find_map(|c| {
            let owner = roots.groups.owner(&table.name, &c.name);
            (owner != &table.name && roots.is_root_key(owner, &c.name))
                .then(|| format!("{}.{}", owner.display(), c.name))
        });
        out.push(LeftAlone {
            table: table.name.clone(),
            column: None,
            reason: if let Some(key) = shared_key {
                format!("has no primary key of its own: it holds the key of {key}, which converts with its family")
            } else if has_converted {
                "has no primary key: only its foreign-key columns change".into()
            } else {
                "has no primary key and no column that references a converted key".into()
            },
        });
        return;
    };
    let unconverted: Vec<&String> = pk.columns.iter().filter(|c| !converted(c)).collect();
    if unconverted.is_empty() {
        return;
    }
    let type_of = |c: &str| {
        table
            .column(c)
            .map(|c| c.data_type.name.clone())
            .unwrap_or_default()
    };
    let reason = if pk.columns.len() == 1 {
        let column = &pk.columns[0];
        match table.column(column).and_then(|c| c.data_type.int_kind) {
            None => format!(
                "primary key {} is of type {}, not an integer type",
                column,
                type_of(column)
            ),
            Some(_) => format!(
                "primary key {column} is also a foreign key to a column that is not converted"
            ),
        }
    } else {
        let list: Vec<String> = unconverted
            .iter()
            .map(|c| format!("{} ({})", c, type_of(c)))
            .collect();
        format!(
            "composite primary key ({}): only single-column integer keys get new UUIDs; {} reference no converted key",
            pk.columns.join(", "),
            list.join(", ")
        )
    };
    out.push(LeftAlone {
        table: table.name.clone(),
        column: (pk.columns.len() == 1).then(|| pk.columns[0].clone()),
        reason,
    });
}

/// Integer columns that other tables reference through a UNIQUE constraint
/// rather than the primary key: those values are not keys keyshift moves.
fn referenced_non_keys(
    table: &Table,
    referencing: &[(&Table, &ForeignKey)],
    roots: &ColumnRoots,
    out: &mut Vec<LeftAlone>,
) {
    for &(child, fk) in referencing {
        for column in &fk.referenced_columns {
            let is_int = table
                .column(column)
                .is_some_and(|c| c.data_type.int_kind.is_some());
            if is_int && roots.root_of(&table.name, column).is_none() {
                out.push(LeftAlone {
                    table: table.name.clone(),
                    column: Some(column.clone()),
                    reason: format!(
                        "integer column referenced by {}.{} through a UNIQUE constraint, not a primary key; it and its references stay integers",
                        child.name.display(),
                        fk.name
                    ),
                });
            }
        }
    }
}
