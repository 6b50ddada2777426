//! How much extra disk the migration needs, from the live catalog's row
//! estimates and sizes. Only a live source knows these; from a DDL file the
//! plan has no estimate.
//!
//! Model: forward runs in one transaction, so every rewritten table and
//! index exists twice until COMMIT. Each converted value grows from its
//! integer width to 16 bytes, in the heap and in every index holding the
//! column. Each root table also gets a map (old id, uuid), with two indexes
//! when the table is altered in place (a rebuilt table's map gets them only
//! from contract).
//! Peak extra disk is the new size of every converted table plus the maps.
//! A partitioned table holds no rows itself; the map of a key a family
//! shares holds the rows of every member.
//! After COMMIT the old files of a table altered in place are freed,
//! leaving the growth plus the maps; a rebuilt table's original is kept
//! until contract, so its whole copy counts after forward too.
//! Alignment padding, TOAST and free-space differences are ignored, and so
//! is the space the rewrite reclaims by rebuilding loosely packed indexes,
//! which makes the estimate conservative; tests/estimate.rs measures by how
//! much.
//!
//! A table never analyzed has no row estimate, but its size is exact
//! (introspection reads it) and so is the most rows its heap can hold
//! (`TableStats::row_bound`): it is counted at that bound, which can only
//! overstate its growth, and listed so PLAN.md says so and gives the
//! `ANALYZE` for a closer figure. Only a table with neither (a catalog.json
//! written before keyshift read the bound) is left out, as unknown.

use super::TablePlan;
use crate::catalog::{Catalog, IndexKey, IntKind, QualifiedName, Table, TableKind, TableStats};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Per-row overhead of a heap tuple (header plus line pointer), in bytes.
const HEAP_TUPLE_OVERHEAD: i64 = 24 + 4;
/// Per-entry overhead of a btree index tuple (header plus line pointer).
const INDEX_TUPLE_OVERHEAD: i64 = 8 + 4;
/// Pages are not packed full: btree leaves default to 90% fill, heaps have
/// free space; this turns tuple bytes into disk bytes.
const PAGE_FILL: f64 = 0.85;

/// The estimate for the whole migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskEstimate {
    /// One line per converted table, in plan order.
    pub tables: Vec<TableEstimate>,
    /// Bytes of the id maps forward creates.
    pub map_bytes: i64,
    /// Extra bytes needed while forward runs, until it commits.
    pub peak_extra_bytes: i64,
    /// Extra bytes still used after forward commits (growth plus maps).
    pub extra_after_bytes: i64,
    /// Converted tables never analyzed, counted at the most rows their heap
    /// can hold.
    #[serde(default)]
    pub bounded: Vec<QualifiedName>,
    /// Converted tables with neither a row estimate nor a bound, left out.
    pub unknown: Vec<QualifiedName>,
}

/// One converted table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEstimate {
    /// The table.
    pub table: QualifiedName,
    /// `reltuples`, or for a table never analyzed the most rows it can hold.
    pub rows: i64,
    /// Whether `rows` is that bound rather than an estimate.
    #[serde(default)]
    pub rows_at_most: bool,
    /// Heap, indexes and TOAST now.
    pub bytes_now: i64,
    /// The same after forward.
    pub bytes_after: i64,
}

fn width(kind: IntKind) -> i64 {
    match kind {
        IntKind::Smallint => 2,
        IntKind::Integer => 4,
        IntKind::Bigint => 8,
    }
}

/// How many indexes hold `column`: the primary key, UNIQUE constraints and
/// `CREATE INDEX` indexes, as a key or in an expression.
fn indexes_holding(table: &Table, column: &str) -> i64 {
    let in_key = |cols: &[String]| cols.iter().any(|c| c == column);
    let pk = table
        .primary_key
        .as_ref()
        .is_some_and(|k| in_key(&k.columns)) as i64;
    let unique = table
        .unique_constraints
        .iter()
        .filter(|k| in_key(&k.columns))
        .count() as i64;
    let other = table
        .indexes
        .iter()
        .filter(|i| {
            i.keys
                .iter()
                .any(|k| matches!(k, IndexKey::Column(c) if c == column))
                || i.include.iter().any(|c| c == column)
                || i.expression_columns.iter().any(|c| c == column)
        })
        .count() as i64;
    pk + unique + other
}

fn disk(tuple_bytes: i64) -> i64 {
    (tuple_bytes as f64 / PAGE_FILL).round() as i64
}

/// The estimate, or `None` when the catalog has no live statistics.
pub fn estimate(catalog: &Catalog, tables: &[TablePlan]) -> Option<DiskEstimate> {
    if catalog.table_stats.is_empty() {
        return None;
    }
    let mut out = DiskEstimate {
        tables: Vec::new(),
        map_bytes: 0,
        peak_extra_bytes: 0,
        extra_after_bytes: 0,
        bounded: Vec::new(),
        unknown: Vec::new(),
    };
    // Reversed, so that of duplicate entries the first wins, as it would
    // for a search of the list.
    let stats_of: BTreeMap<&QualifiedName, &TableStats> = catalog
        .table_stats
        .iter()
        .rev()
        .map(|s| (&s.table, s))
        .collect();
    // A partitioned table's rows are its partitions'; its own estimate
    // (their sum, once analyzed) must not be counted again. The flag says
    // the rows are a bound, not an estimate.
    let rows_of = |name: &QualifiedName| {
        let partitioned = catalog
            .table(name)
            .is_some_and(|t| t.kind == TableKind::Partitioned);
        if partitioned {
            return Some((0, false));
        }
        let stats = stats_of.get(name)?;
        match (stats.row_estimate, stats.row_bound) {
            (Some(rows), _) => Some((rows, false)),
            (None, Some(bound)) => Some((bound, true)),
            (None, None) => None,
        }
    };
    for plan in tables {
        let stats = stats_of.get(&plan.table);
        let (Some(stats), Some(table)) = (stats, catalog.table(&plan.table)) else {
            out.unknown.push(plan.table.clone());
            continue;
        };
        let Some((rows, rows_at_most)) = rows_of(&plan.table) else {
            out.unknown.push(plan.table.clone());
            continue;
        };
        if rows_at_most {
            out.bounded.push(plan.table.clone());
        }
        let growth_per_row: i64 = plan
            .columns
            .iter()
            .map(|c| (c.int_kind, &c.name))
            .chain(plan.polymorphic.iter().map(|p| (p.int_kind, &p.name)))
            .map(|(kind, name)| (16 - width(kind)) * (1 + indexes_holding(table, name)))
            .sum();
        let bytes_after = stats.total_bytes + disk(rows * growth_per_row);
        if let Some(root) = &plan.root {
            let w = width(root.int_kind);
            let heap = HEAP_TUPLE_OVERHEAD + (w + 16 + 7) / 8 * 8;
            let old_id_index = INDEX_TUPLE_OVERHEAD + w.max(8);
            let uuid_index = INDEX_TUPLE_OVERHEAD + 16;
            // The map of a key a family shares holds every member's rows;
            // members never analyzed count at their bound; any with neither is
            // listed as unknown on its own.
            let map_rows: i64 = rows
                + root
                    .members
                    .iter()
                    .filter_map(&rows_of)
                    .map(|(rows, _)| rows)
                    .sum::<i64>();
            // The map of a rebuilt table has no indexes until contract.
            let indexes = if plan.conversion.is_rebuild() {
                0
            } else {
                old_id_index + uuid_index
            };
            out.map_bytes += disk(map_rows * (heap + indexes));
        }
        out.peak_extra_bytes += bytes_after;
        // A rebuilt table's original is kept, whole, until contract.
        out.extra_after_bytes += if plan.conversion.is_rebuild() {
            bytes_after
        } else {
            bytes_after - stats.total_bytes
        };
        out.tables.push(TableEstimate {
            table: plan.table.clone(),
            rows,
            rows_at_most,
            bytes_now: stats.total_bytes,
            bytes_after,
        });
    }
    out.peak_extra_bytes += out.map_bytes;
    out.extra_after_bytes += out.map_bytes;
    Some(out)
}

/// Bytes for people: `12.3 MB`.
pub fn human(bytes: i64) -> String {
    let units = ["bytes", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value.abs() >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::human;

    #[test]
    fn human_sizes() {
        assert_eq!(human(512), "512 bytes");
        assert_eq!(human(12_345_678), "12.3 MB");
    }
}
