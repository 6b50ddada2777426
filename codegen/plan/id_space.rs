//! Tables whose keys share one id space.
//!
//! Two patterns make the same integer mean the same thing in several
//! tables: keys that all default to `nextval` of one sequence (a supertype
//! and its subtypes, say), and a column with foreign keys to the keys of
//! several tables, which only holds because those tables share their ids.
//! Such keys convert as one: one map, drawn over the ids of every member,
//! translates all of them, so an integer becomes the same uuid wherever it
//! appears and every one of those foreign keys still holds afterwards. The
//! member first in name order draws the map; the others translate through
//! it, keeping their own defaults and sequences for rollback to restore.

use crate::catalog::QualifiedName;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One id space, kept on the root key that draws its map.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct IdSpace {
    /// The other tables whose keys the map translates, in name order.
    pub members: Vec<QualifiedName>,
    /// Sequences that more than one member's key defaults to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shared_sequences: Vec<QualifiedName>,
    /// Columns with foreign keys to the keys of more than one member.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub multi_target_columns: Vec<(QualifiedName, String)>,
}

/// Union-find over table positions in the catalog, with why each union
/// was made; the lowest position of a set (the first name) leads it.
#[derive(Debug, Clone, Default)]
pub(super) struct Spaces {
    parent: BTreeMap<usize, usize>,
    sequences: BTreeMap<usize, BTreeSet<QualifiedName>>,
    columns: BTreeMap<usize, BTreeSet<(QualifiedName, String)>>,
}

impl Spaces {
    /// The table leading the set `table` belongs to.
    pub fn find(&self, mut table: usize) -> usize {
        while let Some(&up) = self.parent.get(&table) {
            if up == table {
                break;
            }
            table = up;
        }
        table
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        let (low, high) = if a < b { (a, b) } else { (b, a) };
        self.parent.insert(high, low);
        self.parent.entry(low).or_insert(low);
        // Reasons follow the leader.
        if let Some(s) = self.sequences.remove(&high) {
            self.sequences.entry(low).or_default().extend(s);
        }
        if let Some(c) = self.columns.remove(&high) {
            self.columns.entry(low).or_default().extend(c);
        }
    }

    /// Joins the keys of `tables`, because `column` references all of them.
    pub fn join_referenced(&mut self, tables: &BTreeSet<usize>, column: (QualifiedName, String)) {
        let Some(&first) = tables.first() else {
            return;
        };
        for &t in tables {
            self.join(first, t);
        }
        let leader = self.find(first);
        self.columns.entry(leader).or_default().insert(column);
    }

    /// Joins the keys of `tables`, which all default to `sequence`.
    pub fn join_sequence(&mut self, tables: &[usize], sequence: &QualifiedName) {
        let Some(&first) = tables.first() else {
            return;
        };
        for &t in tables {
            self.join(first, t);
        }
        let leader = self.find(first);
        self.sequences
            .entry(leader)
            .or_default()
            .insert(sequence.clone());
    }

    /// Every space with more than one member, by its leader, naming tables
    /// through `name`.
    pub fn spaces(&self, name: impl Fn(usize) -> QualifiedName) -> BTreeMap<usize, IdSpace> {
        let mut out: BTreeMap<usize, IdSpace> = BTreeMap::new();
        for &table in self.parent.keys() {
            let leader = self.find(table);
            if leader != table {
                out.entry(leader).or_default().members.push(name(table));
            }
        }
        for (leader, space) in &mut out {
            space.members.sort();
            space.shared_sequences = self
                .sequences
                .get(leader)
                .map(|s| s.iter().cloned().collect())
                .unwrap_or_default();
            space.multi_target_columns = self
                .columns
                .get(leader)
                .map(|c| c.iter().cloned().collect())
                .unwrap_or_default();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(i: usize) -> QualifiedName {
        QualifiedName::new("public", format!("t{i}"))
    }

    #[test]
    fn the_first_table_leads_whatever_the_order_of_joins() {
        let mut spaces = Spaces::default();
        spaces.join_sequence(&[5, 3], &name(99));
        spaces.join_referenced(&BTreeSet::from([7, 5]), (name(8), "ref".into()));
        assert_eq!(spaces.find(7), 3);
        assert_eq!(spaces.find(5), 3);
        assert_eq!(spaces.find(4), 4);
        let all = spaces.spaces(name);
        let space = &all[&3];
        assert_eq!(space.members, vec![name(5), name(7)]);
        assert_eq!(space.shared_sequences, vec![name(99)]);
        assert_eq!(space.multi_target_columns, vec![(name(8), "ref".into())]);
    }

    #[test]
    fn a_table_alone_is_no_space() {
        let mut spaces = Spaces::default();
        spaces.join_sequence(&[2], &name(9));
        assert!(spaces.spaces(name).is_empty());
    }
}
