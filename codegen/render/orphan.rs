//! Orphans of declared references: rows whose value names no parent row,
//! for a `[[reference]]` whose `on_orphan` is `"null"` or `"keep"`.
//!
//! Forward records each such row in `keyshift.orphan` before it converts
//! anything: the table, the column, the row's primary key before forward
//! (`row_key`) and after it (`new_key`, the key's uuid where the key
//! converts, both as text) and the value it held. The row then holds NULL,
//! or the sentinel uuid (`plan::SENTINEL_UUID`), in either engine: a
//! rebuilt copy's LEFT JOIN finds no map row (and `keep` fills the
//! sentinel in), a table altered in place is corrected right after its
//! `ALTER`. verify_forward translates such a row back to the recorded
//! value; rollback gives it back its value, in either engine, wherever the
//! row (found by `new_key`) still holds NULL or the sentinel, that is where
//! the application has not changed it since.
//!
//! Every identifier is quoted; names reach messages only as literals.

use super::markdown::code;
use super::view::lit;
use crate::catalog::{quote_ident, quote_literal};
use crate::plan::{DeclaredReference, OnOrphan, Plan, SENTINEL_UUID, TablePlan};

/// A reference whose orphans are kept, as preflight, forward and PLAN.md
/// see it.
pub struct OrphanView {
    /// Preflight: one `SELECT` raising a NOTICE with the count.
    pub notice: String,
    /// Forward: the `INSERT INTO keyshift.orphan … SELECT` that records
    /// each orphan row, run on the locked originals before any change.
    pub record: String,
    /// Forward, for a table altered in place: the `UPDATE` run right after
    /// its `ALTER`, which gives recorded rows NULL or the sentinel (the
    /// keyed hash of an orphan value names no row, but is not either).
    pub fix_in_place: Option<String>,
    /// Markdown for PLAN.md.
    pub display: String,
}

/// The declared reference of `table.column` whose orphans forward keeps,
/// if there is one.
pub fn kept<'p>(plan: &'p Plan, t: &TablePlan, column: &str) -> Option<&'p DeclaredReference> {
    plan.declared_references
        .iter()
        .find(|r| r.table == t.table && r.column == column && !r.on_orphan.is_fail())
}

/// The uuid `r`'s kept orphans get: the sentinel of the key the column
/// holds.
fn sentinel_uuid<'p>(plan: &'p Plan, r: &DeclaredReference) -> &'p str {
    plan.table(&r.table)
        .and_then(|t| t.columns.iter().find(|c| c.name == r.column))
        .map_or(SENTINEL_UUID, |c| plan.sentinel_of(&c.root))
}

/// `'00000000-…'::uuid`: the uuid `r`'s kept orphans get.
pub fn sentinel(plan: &Plan, r: &DeclaredReference) -> String {
    sentinel_literal(sentinel_uuid(plan, r))
}

/// `uuid` as an SQL uuid literal.
pub fn sentinel_literal(uuid: &str) -> String {
    format!("{}::uuid", quote_literal(uuid))
}

/// What an orphan's column holds after forward: `NULL` or the sentinel.
fn forward_value(plan: &Plan, r: &DeclaredReference) -> String {
    match r.on_orphan {
        OnOrphan::Keep => sentinel(plan, r),
        _ => "NULL".to_string(),
    }
}

/// Whether `value` (an expression over the uuid column) still holds what
/// forward gave an orphan: the test rollback and verification apply before
/// they put the recorded value back.
pub fn holds_forward_value(plan: &Plan, r: &DeclaredReference, value: &str) -> String {
    match r.on_orphan {
        OnOrphan::Keep => format!("{value} = {}", sentinel(plan, r)),
        _ => format!("{value} IS NULL"),
    }
}

/// `ARRAY[t."id"::text]`: the row's primary key as text, with `prefix`
/// (`t.`, or empty inside an `ALTER … USING`).
pub fn key_now(r: &DeclaredReference, prefix: &str) -> String {
    let parts: Vec<String> = r
        .row_key
        .iter()
        .map(|k| format!("{prefix}{}::text", quote_ident(k)))
        .collect();
    format!("ARRAY[{}]", parts.join(", "))
}

/// `o."table_name" = 'public.posts' AND …`: the rows of `keyshift.orphan`
/// for this reference, under `alias`.
fn record_is(alias: &str, r: &DeclaredReference) -> String {
    format!(
        "{alias}.table_name = {} AND {alias}.column_name = {}",
        lit(&r.table),
        quote_literal(&r.column)
    )
}

/// The join that finds a row's recorded orphan value while the table holds
/// uuids (`t` is the table): rollback's copy and verify_forward.
pub fn record_join(plan: &Plan, r: &DeclaredReference, alias: &str) -> String {
    format!(
        "LEFT JOIN keyshift.orphan {alias} ON {} AND {alias}.new_key = {} AND {}",
        record_is(alias, r),
        key_now(r, "t."),
        holds_forward_value(plan, r, &format!("t.{}", quote_ident(&r.column)))
    )
}

/// The `USING` expression that converts the column back in place: a row
/// still holding its forward value gets the recorded value (the function
/// finds it by primary key; a subquery is not allowed there), every other
/// row `otherwise`.
/// A row written after forward holding the sentinel has no record: it gets
/// `sentinel` (the column's sentinel default) where there is one.
pub fn rollback_using(
    plan: &Plan,
    r: &DeclaredReference,
    otherwise: &str,
    sentinel: Option<i64>,
) -> String {
    let recorded = format!(
        "keyshift.orphan_value({}, {}, {})",
        lit(&r.table),
        quote_literal(&r.column),
        key_now(r, "")
    );
    format!(
        "CASE WHEN {} THEN {} ELSE {otherwise} END",
        holds_forward_value(plan, r, &quote_ident(&r.column)),
        match sentinel {
            Some(s) if r.on_orphan == OnOrphan::Keep => format!("coalesce({recorded}, {s})"),
            _ => recorded,
        }
    )
}

/// Whether the row `t` (the table, holding uuids) is a recorded orphan
/// still holding what forward gave it in `value`.
pub fn recorded(plan: &Plan, r: &DeclaredReference, value: &str) -> String {
    format!(
        "({} AND EXISTS (SELECT 1 FROM keyshift.orphan o WHERE {} AND o.new_key = {}))",
        holds_forward_value(plan, r, value),
        record_is("o", r),
        key_now(r, "t.")
    )
}

/// The references whose orphans are kept, in plan order.
pub fn orphans(plan: &Plan) -> Vec<OrphanView> {
    plan.declared_references
        .iter()
        .filter(|r| !r.on_orphan.is_fail())
        .filter_map(|r| Some((r, plan.table(&r.table)?)))
        .map(|(r, t)| view(plan, r, t))
        .collect()
}

/// The `UPDATE`s a table altered in place needs right after its `ALTER`.
pub fn fixes(plan: &Plan, t: &TablePlan) -> Vec<String> {
    plan.declared_references
        .iter()
        .filter(|r| r.table == t.table && !r.on_orphan.is_fail())
        .filter_map(|r| view(plan, r, t).fix_in_place)
        .collect()
}

fn view(plan: &Plan, r: &DeclaredReference, t: &TablePlan) -> OrphanView {
    let col = quote_ident(&r.column);
    let orphan = super::declared::orphan_condition(r);
    let display = super::declared::reference_label(r);
    let becomes = match r.on_orphan {
        OnOrphan::Keep => format!("the sentinel uuid {}", sentinel_uuid(plan, r)),
        _ => "NULL".to_string(),
    };
    // The key after forward: a converted key column's uuid from its root's
    // map (the value the copy or the ALTER gives it), any other as it is.
    let mut joins = String::new();
    let new_key: Vec<String> = r
        .row_key
        .iter()
        .map(|k| {
            let quoted = quote_ident(k);
            match t.columns.iter().find(|c| &c.name == k) {
                Some(c) => {
                    let alias = format!("k{}", joins.matches("LEFT JOIN").count() + 1);
                    joins.push_str(&format!(
                        " LEFT JOIN {} {alias} ON {alias}.old_id = c.{quoted}",
                        super::view::keyshift(plan.map_table_of(&c.root))
                    ));
                    format!("{alias}.new_id::text")
                }
                None => format!("c.{quoted}::text"),
            }
        })
        .collect();
    OrphanView {
        notice: format!(
            "SELECT pg_temp.keyshift_notice(n || {}) FROM (SELECT count(*) FROM ONLY {} c WHERE {orphan}) AS o (n) WHERE n > 0;",
            quote_literal(&format!(
                " rows of {} have a {} value with no row in {} (reference {display}, on_orphan = {:?}): forward records each value in keyshift.orphan and the row holds {becomes}; rollback restores the value",
                r.table.display(),
                r.column,
                r.referenced_table.display(),
                r.on_orphan.as_str()
            )),
            r.table.quoted()
        ),
        record: format!(
            "INSERT INTO keyshift.orphan (table_name, column_name, on_orphan, row_key, new_key, old_value)\nSELECT {}, {}, {}, {}, ARRAY[{}], c.{col}\nFROM ONLY {} c{joins}\nWHERE {orphan}",
            lit(&r.table),
            quote_literal(&r.column),
            quote_literal(r.on_orphan.as_str()),
            key_now(r, "c."),
            new_key.join(", "),
            r.table.quoted()
        ),
        fix_in_place: (!t.conversion.is_rebuild()).then(|| {
            format!(
                "UPDATE ONLY {} t SET {col} = {} FROM keyshift.orphan o WHERE {} AND o.new_key = {}",
                r.table.quoted(),
                forward_value(plan, r),
                record_is("o", r),
                key_now(r, "t.")
            )
        }),
        display: format!(
            "{}: a value with no parent row becomes {} (`on_orphan = \"{}\"`); forward records the value in `keyshift.orphan` and rollback restores it where the row still holds {}",
            code(&display),
            if r.on_orphan == OnOrphan::Keep {
                format!(
                    "the sentinel uuid `{}`",
                    sentinel_uuid(plan, r)
                )
            } else {
                "NULL".to_string()
            },
            r.on_orphan.as_str(),
            if r.on_orphan == OnOrphan::Keep {
                "the sentinel"
            } else {
                "NULL"
            }
        ),
    }
}
