//! How each converted table changes: rebuilt and swapped in, or altered in
//! place.
//!
//! Rebuilding writes every row once into a copy that already has the new
//! key values, builds the indexes on the full data and swaps the copy in
//! with a catalog-only step, so the original stays readable until then and
//! the whole migration costs little more than one copy of the data. Some
//! tables cannot be copied faithfully by the bundle (a partition tree moves
//! as a whole, a surrogate key is added by ALTER anyway); those are altered
//! in place as before, under ACCESS EXCLUSIVE. A declared reference is
//! rebuilt like a foreign key, its column joined to its parent's map, and a
//! polymorphic one joins the map its type names; forward counts the rows
//! whose value has no parent or whose type no map covers (on the locked
//! originals, before the swap), so the copy's LEFT JOIN cannot turn one
//! into NULL unseen.
//!
//! The choice is made per group: tables linked by a converted foreign key,
//! a declared or polymorphic reference, one id map, or any foreign key into
//! one of them, change the same way, because a copy's foreign keys must reference the
//! copy of their parent and an altered table's the altered one.

use super::{DeclaredReference, ForeignKeyPlan, Options, TablePlan};
use crate::catalog::{Catalog, QualifiedName};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How a table's converted columns change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Conversion {
    /// A copy with the new values is built beside the table, which holds
    /// SHARE meanwhile (reads go on, writes wait), and swapped in.
    Rebuild,
    /// `ALTER TABLE … TYPE uuid`, under ACCESS EXCLUSIVE until COMMIT.
    InPlace {
        /// Why the table cannot be rebuilt, as a sentence after its name.
        reason: String,
    },
}

impl Conversion {
    /// Whether the table is rebuilt and swapped in.
    pub fn is_rebuild(&self) -> bool {
        matches!(self, Conversion::Rebuild)
    }
}

/// Groups of tables that must change the same way, as a union-find over
/// positions in `tables`.
struct Groups {
    parent: Vec<usize>,
}

impl Groups {
    fn new(n: usize) -> Groups {
        Groups {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        // The lower position leads, so the result does not depend on the
        // order edges are seen in.
        let (low, high) = if a < b { (a, b) } else { (b, a) };
        self.parent[high] = low;
    }
}

/// Decides every planned table's conversion, in the order of `tables`.
pub fn decide(
    catalog: &Catalog,
    tables: &[TablePlan],
    foreign_keys: &[ForeignKeyPlan],
    declared: &[DeclaredReference],
    options: &Options,
    surrogate_tables: &[QualifiedName],
) -> Vec<Conversion> {
    let index: BTreeMap<&QualifiedName, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (&t.table, i))
        .collect();
    let mut groups = Groups::new(tables.len());
    let parents: BTreeSet<&QualifiedName> = catalog
        .tables
        .iter()
        .flat_map(|t| t.inherits.iter().chain(&t.partition_of))
        .collect();
    let mut reasons: Vec<Option<String>> = tables
        .iter()
        .map(|t| own_reason(catalog, t, &parents, surrogate_tables))
        .collect();
    for f in foreign_keys {
        if let (Some(&a), Some(&b)) = (
            index.get(&f.table),
            index.get(&f.constraint.referenced_table),
        ) {
            groups.join(a, b);
        }
    }
    for r in declared {
        if let (Some(&a), Some(&b)) = (index.get(&r.table), index.get(&r.referenced_table)) {
            groups.join(a, b);
        }
    }
    // Keys translated by one map: an in-place key's uuids come from a
    // keyed hash and a rebuilt key's from the map, so they change together.
    for (i, t) in tables.iter().enumerate() {
        if let Some(&b) = t
            .root
            .as_ref()
            .and_then(|r| r.map_root.as_ref())
            .and_then(|m| index.get(m))
        {
            groups.join(i, b);
        }
    }
    for (i, t) in tables.iter().enumerate() {
        for target in t.polymorphic.iter().flat_map(|p| p.targets.values()) {
            if let Some(&b) = index.get(&target.table) {
                groups.join(i, b);
            }
        }
    }
    // Any other foreign key into a planned table: from another planned
    // table the two change together; from a table that does not change,
    // the key would go on naming the original, so the parent stays put.
    for child in &catalog.tables {
        for fk in &child.foreign_keys {
            let Some(&parent) = index.get(&fk.referenced_table) else {
                continue;
            };
            match index.get(&child.name) {
                Some(&c) => groups.join(c, parent),
                None => {
                    reasons[parent].get_or_insert_with(|| {
                        format!(
                            "is referenced by foreign key {} of {}, a table that does not change",
                            fk.name,
                            child.name.display()
                        )
                    });
                }
            }
        }
    }
    if options.in_place {
        for (r, _) in reasons.iter_mut().zip(tables) {
            r.get_or_insert_with(|| "converts in place, as --in-place asks".to_string());
        }
    }
    // The first table of a group with a reason speaks for the group.
    let mut group_reason: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, reason) in reasons.iter().enumerate() {
        if reason.is_some() {
            let g = groups.find(i);
            group_reason.entry(g).or_insert(i);
        }
    }
    (0..tables.len())
        .map(|i| {
            if let Some(reason) = &reasons[i] {
                return Conversion::InPlace {
                    reason: reason.clone(),
                };
            }
            match group_reason.get(&groups.find(i)) {
                None => Conversion::Rebuild,
                Some(&j) => Conversion::InPlace {
                    reason: format!(
                        "is linked by foreign keys to {}, which {}",
                        tables[j].table.display(),
                        reasons[j].as_deref().unwrap_or_default()
                    ),
                },
            }
        })
        .collect()
}

/// Why the table itself cannot be rebuilt, if it cannot.
fn own_reason(
    catalog: &Catalog,
    t: &TablePlan,
    parents: &BTreeSet<&QualifiedName>,
    surrogate_tables: &[QualifiedName],
) -> Option<String> {
    let table = catalog.table(&t.table)?;
    let in_family = t.partitioned
        || parents.contains(&t.table)
        || table.partition_of.is_some()
        || !table.inherits.is_empty()
        || t.root.as_ref().is_some_and(|r| !r.members.is_empty())
        || t.columns.iter().any(|c| c.altered_on.is_some());
    if in_family {
        return Some("is in a partition tree or an inheritance family".into());
    }
    if surrogate_tables.contains(&t.table) {
        return Some("gets or references a surrogate key".into());
    }
    if let Some(c) = t.columns.iter().find(|c| c.default.is_some()) {
        return Some(format!(
            "has a default on {} that names a parent row",
            c.name
        ));
    }
    let key = t.root.as_ref().map(|r| r.column.as_str());
    if let Some(c) = table
        .columns
        .iter()
        .find(|c| c.identity.is_some() && Some(c.name.as_str()) != key)
    {
        return Some(format!(
            "has the identity column {} besides its key",
            c.name
        ));
    }
    None
}
