//! View models of the tables forward and rollback rebuild and swap in
//! (see `templates/_swap.sql`): where each copy is built, where the table
//! it replaces goes, and the one statement that writes its rows.

use crate::catalog::{QualifiedName, quote_ident, quote_literal};
use crate::plan::{OnOrphan, Plan, TablePlan};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The schemas keyshift uses for the tables of one user schema. Copies are
/// built under the original names, so each user schema needs its own:
/// index and constraint names are unique per schema.
pub struct RebuildSchemaView {
    /// `"keyshift_build_1"`: where the copies are built; empty after the swap.
    pub build: String,
    /// `"keyshift_before_1"`: where forward moves the originals, which
    /// verify_forward compares with and contract drops.
    pub before: String,
    /// `"keyshift_replaced_1"`: where rollback moves the uuid tables it
    /// replaces, dropped at its end.
    pub replaced: String,
    /// `'keyshift_before_1'`, for checks that it is gone.
    pub before_literal: String,
    /// `'keyshift_build_1'`.
    pub build_literal: String,
}

/// One rebuilt table.
pub struct RebuildView {
    /// Its row in `keyshift.swap`.
    pub swap_row: String,
    /// `'"keyshift_build_1"."users"'`: the copy, for `to_regclass`.
    pub copy_regclass: String,
    /// `"keyshift_build_1"."users"`: the copy.
    pub copy: String,
    /// `'keyshift_build_1'`: where `create_copy` builds the copy.
    pub build_schema_literal: String,
    /// `"keyshift_before_1"."users"`: the original after forward.
    pub before: String,
    /// `ARRAY['id', 'email']::name[]`: the columns the bundle was made for,
    /// in order; forward refuses a table whose columns differ.
    pub columns: String,
    /// The converted columns forward records in `keyshift.rebuilt_column`.
    pub record_columns: Vec<RecordedColumn>,
    /// `ARRAY['"keyshift"."users_ids"']::regclass[]`: the maps the fill joins.
    pub maps: String,
    /// `SELECT keyshift.fill_copy(…)`, which fills the uuid copy.
    pub fill_forward: String,
    /// `SELECT keyshift.fill_copy(…)`, which fills the integer copy.
    pub fill_rollback: String,
    /// For maintenance mode's rollback of a table whose key has a map of
    /// its own, `SELECT pg_temp.keyshift_rows_back(…)`: when rollback runs,
    /// it brings back the original forward kept, or fills the integer copy
    /// from it and [`written_rows`], or with `fill_rollback`'s query
    /// (`templates/rollback.sql` says when each).
    pub rows_back: Option<String>,
}

/// Numbers the user schemas that hold rebuilt tables, in name order.
pub fn schema_numbers(plan: &Plan) -> BTreeMap<&str, usize> {
    let mut numbers: BTreeMap<&str, usize> = plan
        .tables
        .iter()
        .filter(|t| t.conversion.is_rebuild())
        .map(|t| (t.table.schema.as_str(), 0))
        .collect();
    for (i, n) in numbers.values_mut().enumerate() {
        *n = i + 1;
    }
    numbers
}

/// The most rows one statement of forward's records lists (its converted
/// columns in `keyshift.rebuilt_column`, its foreign keys in
/// `keyshift.foreign_key`): one statement over a `VALUES` list instead of
/// one per row, which at 10,000 tables was a third of forward.sql and
/// 40,000 statements for the server to plan, bounded so that no statement
/// grows with the schema.
pub const RECORD_BATCH: usize = 1000;

/// Every rebuilt table's converted columns, as `(the table's regclass
/// literal, the column)`, in table order, in batches of [`RECORD_BATCH`].
pub fn recorded_column_batches(
    tables: &[super::view::TableView],
) -> Vec<Vec<(&str, &RecordedColumn)>> {
    let rows: Vec<(&str, &RecordedColumn)> = tables
        .iter()
        .filter_map(|t| t.rebuild.as_ref().map(|b| (t, b)))
        .flat_map(|(t, b)| b.record_columns.iter().map(|c| (t.regclass.as_str(), c)))
        .collect();
    rows.chunks(RECORD_BATCH).map(<[_]>::to_vec).collect()
}

/// A converted column of a rebuilt table, recorded by forward with its
/// integer type, its default as the server prints it, and the default its
/// uuid copy gets. The statement's fixed text is in the template: written
/// out per column it was a tenth of codegen's memory at 10,000 tables.
pub struct RecordedColumn {
    /// `'user_id'`.
    pub literal: String,
    /// `'bigint'`, or the domain's name, as a literal.
    pub int_type: String,
    /// Whether it is the table's own key, whose copy gets new rows'
    /// default (`UuidView::new_row_default`); the others get none.
    pub is_root: bool,
}

/// The keyshift schemas, in the order of [`schema_numbers`].
pub fn schemas(numbers: &BTreeMap<&str, usize>) -> Vec<RebuildSchemaView> {
    numbers
        .values()
        .map(|n| RebuildSchemaView {
            build: quote_ident(&format!("keyshift_build_{n}")),
            before: quote_ident(&format!("keyshift_before_{n}")),
            replaced: quote_ident(&format!("keyshift_replaced_{n}")),
            before_literal: quote_literal(&format!("keyshift_before_{n}")),
            build_literal: quote_literal(&format!("keyshift_build_{n}")),
        })
        .collect()
}

/// The view of a rebuilt table; `position` counts rebuilt tables from 1.
pub fn rebuild(
    plan: &Plan,
    t: &TablePlan,
    numbers: &BTreeMap<&str, usize>,
    position: usize,
) -> RebuildView {
    let n = numbers[t.table.schema.as_str()];
    let build = format!("keyshift_build_{n}");
    let regclass = quote_literal(&t.table.quoted());
    let in_build = QualifiedName::new(&build, &t.table.name);
    let rollback_query = query_literal(plan, t, ("new_id", "old_id"));
    RebuildView {
        swap_row: format!(
            "({position}, {regclass}, {}, {}, {}, {}, {})",
            quote_literal(&t.table.schema),
            quote_literal(&t.table.name),
            quote_literal(&build),
            quote_literal(&format!("keyshift_before_{n}")),
            quote_literal(&format!("keyshift_replaced_{n}")),
        ),
        copy_regclass: quote_literal(&in_build.quoted()),
        build_schema_literal: quote_literal(&build),
        before: QualifiedName::new(format!("keyshift_before_{n}"), &t.table.name).quoted(),
        columns: format!(
            "ARRAY[{}]::name[]",
            t.all_columns
                .iter()
                .map(|c| quote_literal(c))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        record_columns: t
            .columns
            .iter()
            .map(|c| RecordedColumn {
                literal: quote_literal(&c.name),
                int_type: quote_literal(&super::view::int_type_sql(c)),
                is_root: t.root.as_ref().is_some_and(|r| r.column == c.name),
            })
            .chain(t.polymorphic.iter().map(|p| RecordedColumn {
                literal: quote_literal(&p.name),
                int_type: quote_literal(p.int_kind.sql_name()),
                is_root: false,
            }))
            .collect(),
        maps: {
            let mut maps: Vec<String> = t
                .columns
                .iter()
                .map(|c| &c.root)
                .chain(
                    t.polymorphic
                        .iter()
                        .flat_map(|p| p.targets.values().map(|target| &target.root)),
                )
                .map(|root| quote_literal(&super::view::keyshift(plan.map_table_of(root))))
                .collect();
            maps.sort();
            maps.dedup();
            format!("ARRAY[{}]::regclass[]", maps.join(", "))
        },
        fill_forward: fill_call(t, &in_build, &query_literal(plan, t, ("old_id", "new_id"))),
        fill_rollback: fill_call(t, &in_build, &rollback_query),
        rows_back: t
            .root
            .as_ref()
            .filter(|r| r.original_can_come_back())
            .map(|r| {
                format!(
                    "SELECT pg_temp.keyshift_rows_back({}, {}, {}, {}, {},\nARRAY[{}]::name[], {},\n{},\n{rollback_query}) AS written_by",
                    quote_literal(&t.table.quoted()),
                    quote_literal(&QualifiedName::new(format!("keyshift_before_{n}"), &t.table.name).quoted()),
                    quote_literal(&super::view::keyshift(&r.map_table)),
                    quote_literal(&build),
                    quote_literal(&t.table.display()),
                    filled_list(t, quote_literal),
                    quote_literal(&r.column),
                    quote_literal(&written_rows(plan, t, &r.column)),
                )
            }),
        copy: in_build.quoted(),
    }
}

/// [`fill_parts`]' query for all the rows of `t`, as a quoted literal.
fn query_literal(plan: &Plan, t: &TablePlan, from_to: (&str, &str)) -> String {
    quote_literal(&fill_parts(plan, t, from_to, "", false).query)
}

/// `INSERT INTO copy (…) SELECT … FROM ONLY table t LEFT JOIN map …`:
/// every converted column is looked up in its root's map by the value it
/// holds (`from`) and gets the map's other side (`to`); the parent's values
/// were made once, in the map, and children join to them. Every join is a
/// LEFT JOIN, which costs the same as an inner one here: a value the map
/// lacks becomes NULL, which the copy's NOT NULL on a key refuses loudly,
/// where an inner join would leave the row out of the copy without a word.
///
/// `rows` goes right after the table: online mode joins the rows a batch
/// or a catch-up round covers there; empty for all rows.
///
/// Built as three strings written in place rather than lists of pieces
/// joined afterwards: this runs twice per rebuilt table, and the pieces
/// were most of render's allocations at 10,000 tables.
pub(super) fn fill(
    plan: &Plan,
    t: &TablePlan,
    copy: &QualifiedName,
    (from, to): (&str, &str),
    rows: &str,
) -> String {
    fill_with(plan, t, copy, (from, to), rows, false)
}

/// The converted columns whose values [`fill`] looks up in one map each,
/// in the order of their joins (a polymorphic column, with a join per type
/// value, is not one of them and gets no bounds).
pub(super) fn mapped_columns(t: &TablePlan) -> impl Iterator<Item = &str> {
    t.all_columns
        .iter()
        .filter(|c| !t.generated_columns.contains(c))
        .filter(|c| t.columns.iter().any(|k| &k.name == *c))
        .map(String::as_str)
}

/// [`fill`] for one batch of online mode's backfill: with `bounded`, the
/// k-th map join (in [`mapped_columns`] order) reads only the map rows
/// between `$3[2k-1]` and `$3[2k]`, the least and greatest value the batch
/// holds, so the planner can hash that slice of the map instead of probing
/// its index once per row.
pub(super) fn fill_with(
    plan: &Plan,
    t: &TablePlan,
    copy: &QualifiedName,
    (from, to): (&str, &str),
    rows: &str,
    bounded: bool,
) -> String {
    let FillParts { columns, query } = fill_parts(plan, t, (from, to), rows, bounded);
    format!("INSERT INTO {} ({columns})\n{query}", copy.quoted())
}

/// `SELECT keyshift.fill_copy(table, copy, columns, query)`: the function
/// (`templates/_swap.sql`) writes the rows `query` (an SQL expression giving
/// the query's text) selects by `CREATE TABLE … AS`, which PostgreSQL runs
/// on parallel workers, where the empty copy allows it, and by [`fill`]'s
/// `INSERT … SELECT` otherwise. The column list and the query travel as
/// quoted literals, so nothing read from the schema reaches the file
/// outside quotes.
fn fill_call(t: &TablePlan, copy: &QualifiedName, query: &str) -> String {
    format!(
        "SELECT keyshift.fill_copy({}, {}, ARRAY[{}]::name[],\n{query}) AS written_by",
        quote_literal(&t.table.quoted()),
        quote_literal(&copy.quoted()),
        filled_list(t, quote_literal)
    )
}

/// The rows rollback finds written since forward (`keyshift.written`),
/// each with its integer key from that record and its other converted
/// columns through the maps: what rollback writes into the original forward
/// kept, or adds to the unchanged rows it copies from there.
fn written_rows(plan: &Plan, t: &TablePlan, key: &str) -> String {
    let FillParts { query, .. } = fill_parts_keyed(
        plan,
        t,
        ("new_id", "old_id"),
        &format!(
            "\nJOIN keyshift.written w ON w.table_name = {} AND w.new_id = t.{}",
            quote_literal(&t.table.display()),
            quote_ident(key)
        ),
        false,
        Some((key, "w.old_id")),
    );
    query
}

/// [`filled_columns`], each written by `each`, comma-separated.
fn filled_list(t: &TablePlan, each: impl Fn(&str) -> String) -> String {
    let mut list = String::new();
    for name in filled_columns(t) {
        if !list.is_empty() {
            list.push_str(", ");
        }
        list.push_str(&each(name));
    }
    list
}

/// The columns a fill writes: all but the generated ones, which the server
/// computes, in table order.
fn filled_columns(t: &TablePlan) -> impl Iterator<Item = &String> {
    t.all_columns
        .iter()
        .filter(|c| !t.generated_columns.contains(c))
}

/// The two halves of a fill: the copy's columns, quoted and joined, and
/// the `SELECT` that gives their values in that order.
struct FillParts {
    columns: String,
    query: String,
}

fn fill_parts(
    plan: &Plan,
    t: &TablePlan,
    (from, to): (&str, &str),
    rows: &str,
    bounded: bool,
) -> FillParts {
    fill_parts_keyed(plan, t, (from, to), rows, bounded, None)
}

/// [`fill_parts`], with `key_from` (column, expression) giving one
/// converted column its value from `rows` instead of a map join.
fn fill_parts_keyed(
    plan: &Plan,
    t: &TablePlan,
    (from, to): (&str, &str),
    rows: &str,
    bounded: bool,
    key_from: Option<(&str, &str)>,
) -> FillParts {
    let mut columns = String::new();
    let mut mapped = 0;
    let mut select = String::new();
    let mut joins = String::new();
    let mut aliases = 0;
    for name in filled_columns(t) {
        let quoted = quote_ident(name);
        if !columns.is_empty() {
            columns.push_str(", ");
            select.push_str(", ");
        }
        columns.push_str(&quoted);
        if let Some((_, value)) = key_from.filter(|(key, _)| *key == name.as_str()) {
            select.push_str(value);
            continue;
        }
        match t.columns.iter().find(|c| &c.name == name) {
            Some(c) => {
                aliases += 1;
                let map = super::view::keyshift(plan.map_table_of(&c.root));
                let _ = write!(
                    joins,
                    "\nLEFT JOIN {map} m{aliases} ON m{aliases}.{from} = t.{quoted}"
                );
                mapped += 1;
                if bounded {
                    let _ = write!(
                        joins,
                        " AND m{aliases}.{from} BETWEEN $3[{}] AND $3[{}]",
                        2 * mapped - 1,
                        2 * mapped
                    );
                }
                // A kept orphan (on_orphan): forward's LEFT JOIN leaves it
                // NULL, which "keep" turns into the sentinel; rollback gives
                // a row still holding that its recorded value back.
                match super::orphan::kept(plan, t, name) {
                    Some(r) if to == "new_id" && r.on_orphan == OnOrphan::Keep => {
                        let _ = write!(
                            select,
                            "coalesce(m{aliases}.{to}, CASE WHEN t.{quoted} IS NOT NULL THEN {} END)",
                            super::orphan::sentinel(plan, r)
                        );
                    }
                    Some(r) if to == "old_id" => {
                        let alias = format!("o{aliases}");
                        let _ = write!(joins, "\n{}", super::orphan::record_join(plan, r, &alias));
                        let _ = write!(select, "coalesce(m{aliases}.{to}, {alias}.old_value)");
                    }
                    _ => {
                        let _ = write!(select, "m{aliases}.{to}");
                    }
                }
            }
            None => match t.polymorphic.iter().find(|p| &p.name == name) {
                // The type column picks the map: one join per type value,
                // each only for rows of that type, since the targets' ids
                // overlap. A type no arm names gives NULL here, so forward
                // counts such rows first and refuses them.
                Some(p) => {
                    let type_quoted = quote_ident(&p.type_column);
                    select.push_str("CASE");
                    for (value, target) in &p.targets {
                        aliases += 1;
                        let map = super::view::keyshift(plan.map_table_of(&target.root));
                        let value = quote_literal(value);
                        let _ = write!(
                            joins,
                            "\nLEFT JOIN {map} m{aliases} ON t.{type_quoted}::text = {value} AND m{aliases}.{from} = t.{quoted}"
                        );
                        let _ = write!(
                            select,
                            " WHEN t.{type_quoted}::text = {value} THEN m{aliases}.{to}"
                        );
                    }
                    select.push_str(" END");
                }
                None => {
                    select.push_str("t.");
                    select.push_str(&quoted);
                }
            },
        }
    }
    let query = format!(
        "SELECT {select}\nFROM ONLY {} t{rows}{joins}",
        t.table.quoted()
    );
    FillParts { columns, query }
}
