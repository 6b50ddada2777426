//! References the database does not declare: integer columns that hold
//! another table's key values without a foreign key (common in Rails
//! schemas), and polymorphic `(…_type, …_id)` pairs whose target table is
//! chosen per row. They come from `keyshift.toml` (see `crate::config`);
//! the plan treats them as edges next to the catalog's foreign keys, so the
//! catalog itself stays exactly what the database holds.

use crate::catalog::{IntKind, QualifiedName};
use serde::Serialize;
use std::collections::BTreeMap;

/// `table.column` holds values of `referenced_table.referenced_column`,
/// though no constraint says so. Converted exactly like a foreign key, but
/// there is no constraint to drop or recreate; preflight checks it for
/// orphans instead.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DeclaredReference {
    /// Referencing table.
    pub table: QualifiedName,
    /// Referencing column.
    pub column: String,
    /// Referenced table.
    pub referenced_table: QualifiedName,
    /// Referenced key column.
    pub referenced_column: String,
    /// What forward does with a row whose value has no parent row. Written
    /// to plan.json only when it is not the default, so plans that never
    /// chose keep their hash.
    #[serde(skip_serializing_if = "OnOrphan::is_fail")]
    pub on_orphan: OnOrphan,
    /// The referencing table's primary-key columns, which identify an
    /// orphan row in `keyshift.orphan`; only set when `on_orphan` is not
    /// the default.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub row_key: Vec<String>,
}

/// `on_orphan` of a `[[reference]]`: what happens to a row whose value
/// names no parent row. Schemas without foreign keys nearly always have
/// some (a deleted post, a system user id no row holds), and only the
/// user knows whether such a value matters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnOrphan {
    /// Preflight and forward fail, naming the count: the safe default.
    #[default]
    Fail,
    /// The row's value becomes NULL (the column must be nullable).
    Null,
    /// The row's value becomes [`SENTINEL_UUID`], which names no row.
    Keep,
}

/// The uuid an orphan value becomes under `on_orphan = "keep"`: the nil
/// uuid, which no key ever gets (`gen_random_uuid()` and version 7 keys
/// carry version bits), so it can never point at a row.
pub const SENTINEL_UUID: &str = "00000000-0000-0000-0000-000000000000";

impl OnOrphan {
    /// For `skip_serializing_if`: the default is not written to plan.json.
    pub fn is_fail(&self) -> bool {
        *self == OnOrphan::Fail
    }

    /// The word `keyshift.toml` uses.
    pub fn as_str(&self) -> &'static str {
        match self {
            OnOrphan::Fail => "fail",
            OnOrphan::Null => "null",
            OnOrphan::Keep => "keep",
        }
    }
}

impl std::str::FromStr for OnOrphan {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "fail" => Ok(OnOrphan::Fail),
            "null" => Ok(OnOrphan::Null),
            "keep" => Ok(OnOrphan::Keep),
            other => Err(format!(
                "on_orphan must be \"fail\", \"null\" or \"keep\", not {other:?}"
            )),
        }
    }
}

/// `table.id_column` holds the key of the table that `table.type_column`
/// names, row by row (Rails' `belongs_to …, polymorphic: true`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PolymorphicReference {
    /// The table holding the pair.
    pub table: QualifiedName,
    /// The column whose text names the target, e.g. `taggable_type`.
    pub type_column: String,
    /// The integer column holding the target's key, e.g. `taggable_id`.
    pub id_column: String,
    /// Type value → target table (its single-column primary key is meant).
    pub types: BTreeMap<String, QualifiedName>,
}

/// A polymorphic id column as the plan converts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolymorphicColumn {
    /// The id column.
    pub name: String,
    /// Its integer type before the migration.
    pub int_kind: IntKind,
    /// `NOT NULL` (unchanged by the migration).
    pub not_null: bool,
    /// The column naming the target table.
    pub type_column: String,
    /// Type value → where rows of that type point.
    pub targets: BTreeMap<String, PolymorphicTarget>,
}

/// Where the rows of one type value point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolymorphicTarget {
    /// The table the configuration names.
    pub table: QualifiedName,
    /// Its primary-key column.
    pub column: String,
    /// The root whose UUIDs that key holds (the table itself, or its
    /// parent for a one-to-one table whose key is also a foreign key).
    pub root: QualifiedName,
}

/// An integer column that looks like a reference (see
/// `super::candidates`) but is neither a foreign key nor declared: after
/// forward it would hold ids that no longer exist. A human must decide.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Candidate {
    /// The table holding the column.
    pub table: QualifiedName,
    /// The column.
    pub column: String,
    /// Its integer type.
    pub int_kind: IntKind,
    /// The table its name points at.
    pub referenced_table: QualifiedName,
    /// That table's converted key column.
    pub referenced_column: String,
    /// The column's table is excluded, so declaring it would be refused:
    /// it can only be dismissed (or the table included again).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub in_excluded_table: bool,
}

/// A column the configuration says is not a reference, though its name
/// makes it a candidate: `[[not_a_reference]]` in `keyshift.toml`. It stays
/// an integer, and PLAN.md lists it with the reason so a reviewer sees the
/// decision and who made it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NotAReference {
    /// The table holding the column.
    pub table: QualifiedName,
    /// The column.
    pub column: String,
    /// Why, as the configuration gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What an undeclared candidate does to the plan: `undeclared_references`
/// in `keyshift.toml`. Blocking is the default because a candidate left
/// an integer while its table's key becomes a uuid breaks the application
/// silently, and only the user knows which columns hold ids.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Undeclared {
    /// Each candidate is a blocker until declared or dismissed.
    #[default]
    Block,
    /// Candidates are listed in PLAN.md and reported by preflight only.
    Warn,
}

impl Undeclared {
    /// For `skip_serializing_if`: the default is not written to plan.json.
    pub fn is_block(&self) -> bool {
        *self == Undeclared::Block
    }
}

impl std::str::FromStr for Undeclared {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "block" => Ok(Undeclared::Block),
            "warn" => Ok(Undeclared::Warn),
            other => Err(format!(
                "undeclared_references must be \"block\" or \"warn\", not {other:?}"
            )),
        }
    }
}

/// An integer `<x>_id` column beside a text `<x>_type` column, neither
/// declared nor a foreign key: Rails' polymorphic `belongs_to`. Which
/// tables it points at only the data knows; preflight lists its type
/// values.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PolymorphicCandidate {
    /// The table holding the pair.
    pub table: QualifiedName,
    /// The text column, e.g. `commentable_type`.
    pub type_column: String,
    /// The integer column, e.g. `commentable_id`.
    pub id_column: String,
    /// As [`Candidate::in_excluded_table`].
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub in_excluded_table: bool,
}

use super::{Blocker, ColumnRoots, Options};
use crate::catalog::Catalog;

/// The polymorphic columns of every table, by table, and a blocker for each
/// one the plan cannot convert consistently. The configuration check
/// (`crate::config`) refuses those cases first with the file position; this
/// is the backstop for options built another way.
pub fn polymorphic_columns(
    catalog: &Catalog,
    roots: &ColumnRoots,
    options: &Options,
) -> (
    BTreeMap<QualifiedName, Vec<PolymorphicColumn>>,
    Vec<Blocker>,
) {
    let mut out: BTreeMap<QualifiedName, Vec<PolymorphicColumn>> = BTreeMap::new();
    let mut blockers = Vec::new();
    for p in &options.polymorphic {
        let object = format!("column {}.{}", p.table.display(), p.id_column);
        let Some(column) = catalog.table(&p.table).and_then(|t| t.column(&p.id_column)) else {
            continue;
        };
        let Some(int_kind) = column.data_type.int_kind else {
            continue;
        };
        let mut targets = BTreeMap::new();
        for (value, table) in &p.types {
            let key = catalog
                .table(table)
                .and_then(|t| t.primary_key.as_ref())
                .filter(|pk| pk.columns.len() == 1)
                .map(|pk| pk.columns[0].clone());
            match key.and_then(|k| Some((roots.root_of(table, &k)?.clone(), k))) {
                Some((root, column)) => {
                    targets.insert(
                        value.clone(),
                        PolymorphicTarget {
                            table: table.clone(),
                            column,
                            root,
                        },
                    );
                }
                None => blockers.push(Blocker {
                    object: object.clone(),
                    reason: format!(
                        "is polymorphic, and its type {value:?} names {}, whose key is not converted",
                        table.display()
                    ),
                    help: "Map only tables whose keys become UUIDs, or exclude the polymorphic table.".into(),
                }),
            }
        }
        if options.exclude_tables.contains(&p.table) || targets.len() != p.types.len() {
            continue;
        }
        out.entry(p.table.clone())
            .or_default()
            .push(PolymorphicColumn {
                name: p.id_column.clone(),
                int_kind,
                not_null: column.not_null,
                type_column: p.type_column.clone(),
                targets,
            });
    }
    (out, blockers)
}
