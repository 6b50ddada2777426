//! The view models of the two files a user runs beside the migration rather
//! than as a step of it: `analyze.sql`, which measures lookups and joins
//! before and after, and `monitor.sql`, which watches a stage from a second
//! session. Both name tables and constraints only as string literals, which
//! their PL/pgSQL and queries resolve against the live catalog when they
//! run, so the same file works over integer keys and over uuid keys.

use super::view::{ForeignKeyView, TableView};
use crate::catalog::quote_literal;

/// How many ids `analyze.sql` samples per probe: enough for a median that
/// one cold read does not decide, few enough to stay cheap on big schemas.
pub const SAMPLES: u32 = 5;

/// The rows of `analyze.sql`'s probe list, `(position, table, foreign key)`:
/// first a primary-key lookup of every converted table (`NULL` foreign
/// key), then a join over every converted foreign key. Empty when nothing
/// converts.
pub fn probes(tables: &[TableView], foreign_keys: &[ForeignKeyView]) -> String {
    let lookups = tables.iter().map(|t| (t.regclass.as_str(), "NULL"));
    let joins = foreign_keys
        .iter()
        .map(|f| (f.table_regclass.as_str(), f.name_literal.as_str()));
    lookups
        .chain(joins)
        .enumerate()
        .map(|(i, (table, fk))| format!("    ({}, {table}, {fk})", i + 1))
        .collect::<Vec<_>>()
        .join(",\n")
}

/// `(VALUES ('"public"."users"', 'id'))`: one converted column, whose type
/// when the file runs (uuid or not) tells whether forward has run. A plan
/// that converts nothing gets a row that finds no column.
pub fn phase_values(tables: &[TableView]) -> String {
    let column = tables
        .iter()
        .find_map(|t| t.columns.first().map(|c| (t, c)));
    match column {
        Some((t, c)) => format!("(VALUES ({}, {}))", t.regclass, quote_literal(&c.display)),
        None => "(VALUES (NULL::text, NULL::text))".to_string(),
    }
}

/// `(VALUES ('"public"."users"'), …)`: the converted tables for
/// `monitor.sql`, or a list that matches nothing.
pub fn table_values(tables: &[TableView]) -> String {
    if tables.is_empty() {
        return "(SELECT NULL::text WHERE false)".to_string();
    }
    let rows: Vec<String> = tables.iter().map(|t| format!("({})", t.regclass)).collect();
    format!("(VALUES\n    {}\n)", rows.join(",\n    "))
}
