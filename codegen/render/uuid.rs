//! The SQL that draws new UUIDs: each map's `SELECT`, the default new rows
//! get, and for version 7 the functions forward defines (`templates/
//! _uuid_v7.sql`) and the schemas that get `keyshift_uuidv7()`.

use super::markdown::code;
use super::view::{keyshift, lit};
use crate::catalog::{display_ident, dollar_quote, quote_ident, quote_literal};
use crate::plan::{Plan, RootKey, TablePlan, UuidVersion};
use std::collections::BTreeSet;

/// What the templates need to know about the UUID version as a whole.
pub struct UuidView {
    /// `--uuid v7`.
    pub v7: bool,
    /// Schemas holding a table whose key gets v7 UUIDs: before PostgreSQL
    /// 18, forward creates `keyshift_uuidv7()` in each for new rows'
    /// defaults, and rollback drops it again.
    pub schemas: Vec<V7Schema>,
    /// Version 7: the body of `keyshift.uuid_for(root, id)`, which looks
    /// an id up in its root's map (the maps hold times no hash can know);
    /// a stub for version 4, whose templates do not use it.
    pub uuid_for_body: String,
    /// The text of the default a converted key gets for new rows, as SQL
    /// over the relation `a.attrelid`: recorded by forward for each
    /// rebuilt key (`keyshift.rebuilt_column`) and checked by
    /// verify_forward.
    pub new_row_default: String,
}

/// A schema that gets `keyshift_uuidv7()`.
pub struct V7Schema {
    /// `'public'`.
    pub literal: String,
    /// `'"public".keyshift_uuidv7()'`, for `to_regprocedure`.
    pub regprocedure: String,
    /// `"public".keyshift_uuidv7()`.
    pub function: String,
}

/// The name of the function new rows' v7 defaults call before PostgreSQL
/// 18; forward refuses to replace one that exists already.
const V7_FUNCTION: &str = "keyshift_uuidv7";

pub fn view(plan: &Plan) -> UuidView {
    let v7 = plan.uuid == UuidVersion::V7;
    let roots = || plan.tables.iter().filter(|t| t.root.is_some());
    let schemas: BTreeSet<&str> = if v7 {
        roots().map(|t| t.table.schema.as_str()).collect()
    } else {
        BTreeSet::new()
    };
    // Only version 7 defines this uuid_for; version 4's is a keyed hash.
    let cases: String = roots()
        .filter(|_| v7)
        .map(|t| {
            let r = t.root.as_ref().expect("filtered on root");
            format!(
                " WHEN {} THEN (SELECT m.new_id FROM {} m WHERE m.old_id = $2)",
                lit(&t.table),
                keyshift(&r.map_table)
            )
        })
        .collect();
    UuidView {
        v7,
        schemas: schemas
            .into_iter()
            .map(|s| {
                let function = format!("{}.{V7_FUNCTION}()", quote_ident(s));
                V7Schema {
                    literal: quote_literal(s),
                    regprocedure: quote_literal(&function),
                    function,
                }
            })
            .collect(),
        uuid_for_body: dollar_quote(&if cases.is_empty() {
            " SELECT NULL::uuid ".to_string()
        } else {
            format!(" SELECT CASE $1{cases} END ")
        }),
        new_row_default: new_row_default(plan, "a.attrelid"),
    }
}

/// The `SELECT` that fills a root's map: old id → new uuid for every row
/// the map covers (`scan`, a `FROM` item that takes the alias `t`).
pub fn map_select(plan: &Plan, t: &TablePlan, r: &RootKey, scan: &str) -> String {
    let column = quote_ident(&r.column);
    if plan.uuid == UuidVersion::V4 {
        let new_id = if t.conversion.is_rebuild() {
            "gen_random_uuid()".to_string()
        } else {
            format!("keyshift.uuid_for({}, t.{column})", lit(&t.table))
        };
        return format!("SELECT t.{column} AS old_id, {new_id} AS new_id FROM {scan} t");
    }
    match &r.uuid_time {
        Some(time) => format!(
            "SELECT t.{column} AS old_id, keyshift.uuid_v7(keyshift.v7_us(date_part('epoch', t.{}))) AS new_id FROM {scan} t",
            quote_ident(time)
        ),
        // One millisecond per row, in old-id order, the last at the start
        // of forward: every existing key sorts before every new one.
        None => v7_draw(&format!("({})", v7_times(r, scan))),
    }
}

/// The map's rows drawn from `times`, a `FROM` item of old ids with their
/// times (`v7_times`).
fn v7_draw(times: &str) -> String {
    format!("SELECT s.old_id, keyshift.uuid_v7(s.us) AS new_id\nFROM {times} s")
}

/// Each old id with the time its version 7 uuid gets, one millisecond
/// apart in old-id order (`old_id`, `us`), for a key without a time column.
fn v7_times(r: &RootKey, scan: &str) -> String {
    let column = quote_ident(&r.column);
    format!(
        "SELECT t.{column} AS old_id, n.first + row_number() OVER (ORDER BY t.{column}) * 1000 AS us\nFROM {scan} t, (SELECT keyshift.v7_us(NULL) - count(*) * 1000 AS first FROM {scan} c) n"
    )
}

/// How forward.sql fills a root's map: the `SELECT` of its
/// `CREATE TABLE … AS`, and for a version 7 key without a time column the
/// `SELECT` that first numbers its ids into the scratch table
/// `keyshift.v7_order`. Above a window function PostgreSQL draws every
/// uuid in one process; from a plain table its parallel workers draw them
/// (the bench's 5M-row map: 18–22 s instead of 29 s on two cores).
pub fn forward_fill(
    plan: &Plan,
    t: &TablePlan,
    r: &RootKey,
    scan: &str,
) -> (String, Option<String>) {
    if plan.uuid == UuidVersion::V7 && r.uuid_time.is_none() {
        (v7_draw("keyshift.v7_order"), Some(v7_times(r, scan)))
    } else {
        (map_select(plan, t, r, scan), None)
    }
}

/// An SQL expression whose value is the text of the default a root key
/// gets, given `relation`, an expression for its table's oid.
pub fn new_row_default(plan: &Plan, relation: &str) -> String {
    match plan.uuid {
        UuidVersion::V4 => "'gen_random_uuid()'".to_string(),
        UuidVersion::V7 => format!("keyshift.new_row_default({relation})"),
    }
}

/// One sentence for PLAN.md on the values a root key gets.
pub fn values_note(plan: &Plan, t: &TablePlan, r: &RootKey) -> String {
    match plan.uuid {
        UuidVersion::V4 => {
            "becomes `uuid` with fresh random (version 4) values, default `gen_random_uuid()`"
                .to_string()
        }
        UuidVersion::V7 => format!(
            "becomes `uuid` with fresh time-ordered (version 7) values, {}; new rows default to `uuidv7()` on PostgreSQL 18 and to {} before",
            match &r.uuid_time {
                Some(time) => format!("each with the time in {}", code(time)),
                None => "whose times follow the old ids' order, one millisecond apart and ending when forward started (the gap between two such keys tells how many ids lay between them)".to_string(),
            },
            code(&format!("{}.{V7_FUNCTION}()", display_ident(&t.table.schema)))
        ),
    }
}
