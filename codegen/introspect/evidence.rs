//! What a live database says about each candidate, for `keyshift init`:
//! whether the values of a column named like a reference all have a row in
//! the table its name points at. The plan only knows names and types; the
//! data decides whether a draft declares a candidate or leaves the choice
//! to the user.
//!
//! The referenced table is read with its inheritance children and
//! partitions (no `ONLY`): a family's keys live in all its tables, and a
//! partitioned table holds no rows itself. The candidate's own table is
//! read `ONLY`, since each child is a candidate of its own.
//!
//! One statement per candidate (and per polymorphic type value), all in one
//! `REPEATABLE READ READ ONLY` transaction, so the counts agree with each
//! other. `init` runs once by hand, so this is the one place keyshift
//! queries per object; `inspect` never does.

use crate::catalog::{QualifiedName, quote_ident};
use crate::plan::{Candidate, PolymorphicCandidate};
use postgres::Client;
use std::collections::BTreeMap;

/// The counts for one candidate column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnEvidence {
    /// Rows where the column is not null.
    pub non_null: i64,
    /// Distinct non-null values.
    pub distinct: i64,
    /// Values outside the referenced key's range (all of them when the
    /// referenced table is empty).
    pub outside: i64,
    /// Values with no row in the referenced table.
    pub missing: i64,
    /// The referenced key's smallest and largest value, if it has rows.
    pub key_range: Option<(i64, i64)>,
}

/// The rows of one polymorphic pair with one type value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeEvidence {
    /// The type column's value, as text.
    pub value: String,
    /// Rows with this value and an id.
    pub rows: i64,
    /// The table this value was taken to name, and how many of those ids
    /// have no row there; `None` when no converted table matched it.
    pub target: Option<(QualifiedName, i64)>,
}

/// Everything `init` learned, by `(table, column)`.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Plain candidates.
    pub columns: BTreeMap<(QualifiedName, String), ColumnEvidence>,
    /// Polymorphic candidates, by their id column; values sorted.
    pub polymorphic: BTreeMap<(QualifiedName, String), Vec<TypeEvidence>>,
}

/// Counts every candidate's values. `target_of(table, value)` names the
/// converted table (and its key column) a polymorphic type value means.
pub fn gather(
    client: &mut Client,
    candidates: &[Candidate],
    polymorphic: &[PolymorphicCandidate],
    target_of: impl Fn(&QualifiedName, &str) -> Option<(QualifiedName, String)>,
) -> Result<Evidence, postgres::Error> {
    let mut tx = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    let mut evidence = Evidence::default();
    for c in candidates {
        let row = tx.query_one(&column_query(c), &[])?;
        let lo: Option<i64> = row.get(4);
        let hi: Option<i64> = row.get(5);
        evidence.columns.insert(
            (c.table.clone(), c.column.clone()),
            ColumnEvidence {
                non_null: row.get(0),
                distinct: row.get(1),
                outside: row.get(2),
                missing: row.get(3),
                key_range: lo.zip(hi),
            },
        );
    }
    for p in polymorphic {
        let sql = format!(
            "SELECT c.{ty}::text, count(*) FROM ONLY {table} c WHERE c.{id} IS NOT NULL GROUP BY 1 ORDER BY 1",
            ty = quote_ident(&p.type_column),
            id = quote_ident(&p.id_column),
            table = p.table.quoted(),
        );
        let mut types = Vec::new();
        for row in tx.query(&sql, &[])? {
            let value: Option<String> = row.get(0);
            let Some(value) = value else {
                continue;
            };
            let rows: i64 = row.get(1);
            let target = match target_of(&p.table, &value) {
                Some((target, key)) => {
                    let missing: i64 = tx
                        .query_one(
                            &format!(
                                "SELECT count(*) FROM ONLY {table} c WHERE c.{ty}::text = $1 AND c.{id} IS NOT NULL \
                                 AND NOT EXISTS (SELECT 1 FROM {target} p WHERE p.{key} = c.{id})",
                                table = p.table.quoted(),
                                ty = quote_ident(&p.type_column),
                                id = quote_ident(&p.id_column),
                                target = target.quoted(),
                                key = quote_ident(&key),
                            ),
                            &[&value],
                        )?
                        .get(0);
                    Some((target, missing))
                }
                None => None,
            };
            types.push(TypeEvidence {
                value,
                rows,
                target,
            });
        }
        evidence
            .polymorphic
            .insert((p.table.clone(), p.id_column.clone()), types);
    }
    tx.commit()?;
    Ok(evidence)
}

/// Non-null, distinct, outside the key range, without a parent row, and
/// the key range, of one candidate, in one scan of each table.
fn column_query(c: &Candidate) -> String {
    let col = quote_ident(&c.column);
    let key = quote_ident(&c.referenced_column);
    let parent = c.referenced_table.quoted();
    format!(
        "SELECT s.n, s.d, s.outside, s.missing, k.lo::bigint, k.hi::bigint \
         FROM (SELECT min(p.{key}), max(p.{key}) FROM {parent} p) AS k (lo, hi), \
              LATERAL (SELECT count(c.{col}), count(DISTINCT c.{col}), \
                              count(c.{col}) FILTER (WHERE k.lo IS NULL OR c.{col} NOT BETWEEN k.lo AND k.hi), \
                              count(c.{col}) FILTER (WHERE NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{key} = c.{col})) \
                       FROM ONLY {table} c) AS s (n, d, outside, missing)",
        table = c.table.quoted()
    )
}
