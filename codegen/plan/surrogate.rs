//! Surrogate keys: `surrogate_key = true` in `keyshift.toml` gives a table
//! with a composite primary key a single `id uuid` primary key (under the
//! old constraint's name); the old key stays as a UNIQUE constraint, and
//! every foreign key that referenced it is repointed: its table gets a uuid
//! column holding the parent's new `id`, and the constraint (same name,
//! same actions) references that instead. The old referencing columns stay
//! as they are. Rollback puts them back in step with the new column (the
//! application may only have written that one), drops what forward added
//! and restores the old key and constraints exactly.
//!
//! The old key's columns must all become uuid, so every repointed foreign
//! key is already among those forward drops and recreates, and its
//! original definition and creation order are recorded there for rollback.

use super::{ColumnRoots, constraint_definition};
use crate::catalog::{Catalog, FkAction, ForeignKey, QualifiedName, Table, derived_name};
use serde::Serialize;

/// The surrogate column's name.
pub const COLUMN: &str = "id";

/// One table that gets a surrogate key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurrogateKey {
    /// The table.
    pub table: QualifiedName,
    /// The new uuid primary-key column.
    pub column: String,
    /// The primary-key constraint's name, kept by the new key.
    pub primary_key: String,
    /// The old composite key's columns, in key order.
    pub key_columns: Vec<String>,
    /// The UNIQUE constraint the old key becomes.
    pub unique_constraint: String,
    /// The foreign keys that referenced the old key.
    pub repoints: Vec<Repoint>,
}

/// A foreign key that referenced a composite key and now references the
/// surrogate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repoint {
    /// The referencing table.
    pub table: QualifiedName,
    /// The constraint as it was.
    pub constraint: ForeignKey,
    /// The new uuid column holding the parent's surrogate.
    pub column: String,
    /// Whether every old referencing column is `NOT NULL` (then so is the
    /// new one).
    pub not_null: bool,
}

impl Repoint {
    /// The `ADD CONSTRAINT` body of the repointed key.
    pub fn definition(&self, parent: &SurrogateKey) -> String {
        constraint_definition(&ForeignKey {
            columns: vec![self.column.clone()],
            referenced_columns: vec![parent.column.clone()],
            ..self.constraint.clone()
        })
    }
}

/// The surrogate key of `table`, or why it cannot have one.
pub fn plan(catalog: &Catalog, roots: &ColumnRoots, table: &Table) -> Result<SurrogateKey, String> {
    let name = table.name.display();
    let key = match table.primary_key.as_ref() {
        Some(pk) if pk.columns.len() > 1 => pk,
        Some(pk) => {
            return Err(format!(
                "only a composite primary key can get a surrogate; the primary key of {name} is ({})",
                pk.columns.join(", ")
            ));
        }
        None => {
            return Err(format!(
                "only a composite primary key can get a surrogate, and {name} has no primary key"
            ));
        }
    };
    if table.column(COLUMN).is_some() {
        return Err(format!("{name} already has a column {COLUMN:?}"));
    }
    let unconverted: Vec<&String> = key
        .columns
        .iter()
        .filter(|c| roots.root_of(&table.name, c).is_none())
        .collect();
    if !unconverted.is_empty() {
        return Err(format!(
            "its key columns must all become uuid, and {} do not",
            unconverted
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut sorted_key = key.columns.clone();
    sorted_key.sort();
    let mut key_name: Vec<&str> = vec![&table.name.name];
    key_name.extend(key.columns.iter().map(String::as_str));
    key_name.push("key");
    let unique_constraint = derived_name(&key_name);
    if name_taken(catalog, &table.name.schema, &unique_constraint) {
        return Err(format!(
            "the old key would become UNIQUE constraint {unique_constraint}, a name already taken in schema {}",
            table.name.schema
        ));
    }
    // (table, constraint) of every foreign key that references the old key.
    let referencing: Vec<(&QualifiedName, &ForeignKey)> = catalog
        .tables
        .iter()
        .flat_map(|t| t.foreign_keys.iter().map(move |fk| (&t.name, fk)))
        .filter(|(_, fk)| fk.referenced_table == table.name)
        .filter(|(_, fk)| {
            let mut cols = fk.referenced_columns.clone();
            cols.sort();
            cols == sorted_key
        })
        .collect();
    let mut repoints = Vec::new();
    for &(child_name, fk) in &referencing {
        if child_name == &table.name {
            return Err(format!(
                "foreign key {} references the table's own key",
                fk.name
            ));
        }
        if [fk.on_delete, fk.on_update]
            .iter()
            .any(|a| matches!(a, FkAction::SetNull | FkAction::SetDefault))
        {
            return Err(format!(
                "foreign key {} on {} sets columns on delete or update, which a repointed key cannot reproduce",
                fk.name,
                child_name.display()
            ));
        }
        let siblings = referencing.iter().filter(|(t, _)| *t == child_name).count();
        let column = if siblings == 1 {
            derived_name(&[&table.name.name, "id"])
        } else {
            derived_name(&[&fk.name, "id"])
        };
        let child = catalog.table(child_name).expect("referencing tables exist");
        if child.column(&column).is_some() {
            return Err(format!(
                "foreign key {} would get the column {column:?}, but {} already has one",
                fk.name,
                child_name.display()
            ));
        }
        repoints.push(Repoint {
            table: child_name.clone(),
            constraint: fk.clone(),
            not_null: fk
                .columns
                .iter()
                .all(|c| child.column(c).is_some_and(|c| c.not_null)),
            column,
        });
    }
    Ok(SurrogateKey {
        table: table.name.clone(),
        column: COLUMN.to_string(),
        primary_key: key.name.clone(),
        key_columns: key.columns.clone(),
        unique_constraint,
        repoints,
    })
}

/// Whether a constraint or index of that name exists in `schema`.
fn name_taken(catalog: &Catalog, schema: &str, name: &str) -> bool {
    catalog
        .tables
        .iter()
        .filter(|t| t.name.schema == schema)
        .any(|t| {
            t.primary_key.iter().any(|k| k.name == name)
                || t.unique_constraints.iter().any(|k| k.name == name)
                || t.foreign_keys.iter().any(|k| k.name == name)
                || t.checks.iter().any(|k| k.name == name)
                || t.indexes.iter().any(|i| i.name == name)
        })
}
