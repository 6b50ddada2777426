//! Keys translated by another key's map: the members of an id space
//! (`plan/id_space.rs`), and keys that are also foreign keys but draw
//! values from a sequence of their own.

use super::markdown::code;
use crate::catalog::{QualifiedName, quote_ident};
use crate::plan::{Plan, RootKey, TablePlan};

/// The `FROM` item whose rows `t`'s map is drawn from: `scan` (the table's
/// own rows), or for the first table of an id space the distinct keys of
/// every member, each under the first table's column name.
pub fn map_source(plan: &Plan, r: &RootKey, scan: &str) -> String {
    let Some(space) = &r.id_space else {
        return scan.to_string();
    };
    let column = quote_ident(&r.column);
    let mut selects = vec![format!("SELECT s.{column} FROM {scan} s")];
    for member in &space.members {
        let Some(key) = plan
            .tables
            .iter()
            .find(|m| &m.table == member)
            .and_then(|m| m.root.as_ref())
        else {
            continue;
        };
        let only = if key.members.is_empty() { "ONLY " } else { "" };
        selects.push(format!(
            "SELECT s.{} AS {column} FROM {only}{} s",
            quote_ident(&key.column),
            member.quoted()
        ));
    }
    // UNION, not UNION ALL: an id in two members is one id of the space.
    format!("({})", selects.join(" UNION "))
}

/// PLAN.md's sentence on whose map translates `t`'s key, when that is
/// more than the table's own rows.
pub fn note(plan: &Plan, t: &TablePlan, r: &RootKey) -> Option<String> {
    if let Some(space) = &r.id_space {
        let mut why = Vec::new();
        for s in &space.shared_sequences {
            why.push(format!(
                "their keys default to the sequence {}",
                code(&s.display())
            ));
        }
        for (table, column) in &space.multi_target_columns {
            why.push(format!(
                "{} has foreign keys to more than one of them",
                code(&format!("{}.{column}", table.display()))
            ));
        }
        return Some(format!(
            "Its key shares one id space with {} ({}): its map covers their keys too, so an integer becomes the same uuid in every one of them.",
            names(&space.members),
            why.join("; ")
        ));
    }
    let owner = r.map_root.as_ref()?;
    let in_space = plan
        .tables
        .iter()
        .filter(|o| &o.table == owner)
        .filter_map(|o| o.root.as_ref()?.id_space.as_ref())
        .any(|space| space.members.contains(&t.table));
    Some(if in_space {
        format!(
            "Its key is in the id space of {0}, whose map translates it; the table keeps its own default and sequence, and rollback restores them.",
            code(&owner.display())
        )
    } else {
        format!(
            "Its key is also a foreign key to {0}, whose map translates it; the table keeps its own default and sequence, and rollback restores them.",
            code(&owner.display())
        )
    })
}

fn names(tables: &[QualifiedName]) -> String {
    tables
        .iter()
        .map(|t| code(&t.display()))
        .collect::<Vec<_>>()
        .join(", ")
}
