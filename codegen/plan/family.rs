//! Partition trees and legacy-inheritance families, column by column.
//!
//! PostgreSQL keeps an inherited column the same type on every table that
//! holds it: `ALTER COLUMN … TYPE` on the table that declares it recurses to
//! all partitions and children, and is refused on a table that inherited
//! it. So a column that takes part in a family converts as one *group*: the
//! same-named column of a table and of every ancestor and descendant that
//! has it. The group is changed once, on its top table, and all its members
//! hold the values of one root.

use crate::catalog::{Catalog, QualifiedName};
use std::collections::{BTreeMap, BTreeSet};

type ColumnId = (QualifiedName, String);

/// One column shared through a family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Every table holding the column, sorted by name.
    pub members: Vec<QualifiedName>,
    /// Members that did not inherit the column: the tables that declare
    /// it. One for a tree; several only under multiple inheritance.
    pub tops: Vec<QualifiedName>,
}

impl Group {
    /// The table whose `ALTER TABLE` changes the whole group.
    pub fn owner(&self) -> &QualifiedName {
        &self.tops[0]
    }
}

/// The groups of every column that a partition or inheritance edge joins.
#[derive(Debug, Clone, Default)]
pub struct ColumnGroups {
    /// Table → column → index in `groups`; nested so a lookup borrows its
    /// key: the plan asks for every column of every table.
    group_of: BTreeMap<QualifiedName, BTreeMap<String, usize>>,
    groups: Vec<Group>,
}

/// Direct parents of a table: its partition parent or its `INHERITS` list.
pub fn parents(table: &crate::catalog::Table) -> impl Iterator<Item = &QualifiedName> {
    table.partition_of.iter().chain(&table.inherits)
}

/// The table at the top of `table`'s partition tree or inheritance family
/// (through first parents), or `table` itself.
pub fn top(catalog: &Catalog, table: &QualifiedName) -> QualifiedName {
    let mut top = table.clone();
    let mut seen = BTreeSet::new();
    while let Some(parent) = catalog.table(&top).and_then(|t| parents(t).next()) {
        if !seen.insert(top.clone()) {
            break;
        }
        top = parent.clone();
    }
    top
}

impl ColumnGroups {
    /// Joins each column of a child with the same-named column of each of
    /// its parents, and collects the connected groups.
    pub fn build(catalog: &Catalog) -> ColumnGroups {
        let mut link: BTreeMap<ColumnId, BTreeSet<ColumnId>> = BTreeMap::new();
        for table in &catalog.tables {
            for parent in parents(table) {
                let Some(p) = catalog.table(parent) else {
                    continue;
                };
                for column in &table.columns {
                    if p.column(&column.name).is_none() {
                        continue;
                    }
                    let child = (table.name.clone(), column.name.clone());
                    let up = (parent.clone(), column.name.clone());
                    link.entry(child.clone()).or_default().insert(up.clone());
                    link.entry(up).or_default().insert(child);
                }
            }
        }
        let mut out = ColumnGroups::default();
        let mut grouped: BTreeSet<&ColumnId> = BTreeSet::new();
        for start in link.keys() {
            if grouped.contains(start) {
                continue;
            }
            let mut seen = BTreeSet::from([start]);
            let mut todo = vec![start];
            while let Some(id) = todo.pop() {
                for next in &link[id] {
                    if seen.insert(next) {
                        todo.push(next);
                    }
                }
            }
            let members: Vec<QualifiedName> = seen.iter().map(|(t, _)| t.clone()).collect();
            let tops = members
                .iter()
                .filter(|m| {
                    let table = catalog.table(m).expect("members are tables");
                    !parents(table).any(|p| members.contains(p))
                })
                .cloned()
                .collect();
            let index = out.groups.len();
            out.groups.push(Group { members, tops });
            for id in seen {
                let (table, column) = id;
                out.group_of
                    .entry(table.clone())
                    .or_default()
                    .insert(column.clone(), index);
                grouped.insert(id);
            }
        }
        out
    }

    /// The group `table.column` belongs to, if a family shares it.
    pub fn group(&self, table: &QualifiedName, column: &str) -> Option<&Group> {
        let &index = self.group_of.get(table)?.get(column)?;
        Some(&self.groups[index])
    }

    /// The table whose `ALTER TABLE` changes `table.column`: the table
    /// itself unless it inherited the column.
    pub fn owner<'a>(&'a self, table: &'a QualifiedName, column: &str) -> &'a QualifiedName {
        self.group(table, column).map_or(table, Group::owner)
    }
}
