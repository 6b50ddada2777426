//! Which columns become UUIDs, and whose key values each one holds.
//!
//! A column is converted when it holds values of a *root key*: a
//! single-column integer primary key. The primary key itself holds its own
//! values; a foreign-key column holds the values of whatever column it
//! references, followed transitively, so a composite key made of converted
//! foreign keys is converted column by column, and a primary key that is
//! also a foreign key (one-to-one tables) shares its parent's UUIDs.
//!
//! A column shared by a partition tree or an inheritance family resolves
//! as one group (see `family.rs`): it converts on every member when any
//! member's foreign key or primary key calls for it, and a primary key on
//! any member makes the group's top table the root, so one map covers the
//! rows of the whole family.
//!
//! Keys that share one id space (`id_space.rs`) resolve to the space's
//! first table, whose map translates them all.

use super::family::ColumnGroups;
use super::id_space::{IdSpace, Spaces};
use super::{ConvertedColumn, KeySource, Options, PolymorphicColumn, RootKey, TablePlan};
use crate::catalog::{
    Catalog, ForeignKey, QualifiedName, Sequence, Table, TableKind, derived_name,
};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// The root table of every converted column.
#[derive(Debug, Clone, Default)]
pub struct ColumnRoots {
    /// Table → column → root; nested so a lookup borrows its key.
    roots: BTreeMap<QualifiedName, BTreeMap<String, QualifiedName>>,
    /// The columns whose own values are a root key's: a single-column
    /// integer primary key, or the top column of a family group in which
    /// some member has one. Table → columns, nested like `roots`.
    root_keys: BTreeMap<QualifiedName, BTreeSet<String>>,
    /// Id spaces of more than one table, by the table that draws the map.
    pub spaces: BTreeMap<QualifiedName, IdSpace>,
    /// Partition trees and inheritance families, column by column.
    pub groups: ColumnGroups,
}

impl ColumnRoots {
    /// Resolves the root of every column of every table in `catalog`.
    pub fn resolve(catalog: &Catalog, options: &Options) -> ColumnRoots {
        let mut resolver = Resolver {
            catalog,
            options,
            groups: ColumnGroups::build(catalog),
            memo: catalog
                .tables
                .iter()
                .map(|t| vec![Memo::Unknown; t.columns.len()])
                .collect(),
            elsewhere: BTreeMap::new(),
            spaces: Spaces::default(),
            root_keys: BTreeMap::new(),
        };
        let mut found: Vec<(&QualifiedName, &str, usize)> = Vec::new();
        for table in &catalog.tables {
            for column in &table.columns {
                if let Some(root) = resolver.root(&table.name, &column.name) {
                    found.push((&table.name, &column.name, root));
                }
            }
        }
        resolver.join_shared_sequences(&found);
        let spaces = &resolver.spaces;
        // Collected in table order, so each map is built whole from sorted
        // entries rather than by inserting one at a time.
        let roots: BTreeMap<QualifiedName, BTreeMap<String, QualifiedName>> = found
            .chunk_by(|a, b| a.0 == b.0)
            .map(|columns| {
                (
                    columns[0].0.clone(),
                    columns
                        .iter()
                        .map(|&(_, column, root)| {
                            (
                                column.to_string(),
                                catalog.tables[spaces.find(root)].name.clone(),
                            )
                        })
                        .collect(),
                )
            })
            .collect();
        ColumnRoots {
            roots,
            root_keys: resolver.root_keys,
            spaces: spaces
                .spaces(|i| catalog.tables[i].name.clone())
                .into_iter()
                .map(|(leader, space)| (catalog.tables[leader].name.clone(), space))
                .collect(),
            groups: resolver.groups,
        }
    }

    /// The table whose map translates the root key `table.column`, when
    /// that is not `table` itself: the first table of its id space, or the
    /// parent a key that is also a foreign key takes its values from.
    pub fn map_root(&self, table: &QualifiedName, column: &str) -> Option<&QualifiedName> {
        self.root_of(table, column).filter(|root| *root != table)
    }

    /// Whether `table.column` is the column a root key's values start in.
    pub fn is_root_key(&self, table: &QualifiedName, column: &str) -> bool {
        holds(&self.root_keys, table, column)
    }

    /// The root table whose key values `table.column` holds, if converted.
    pub fn root_of(&self, table: &QualifiedName, column: &str) -> Option<&QualifiedName> {
        self.roots.get(table)?.get(column)
    }

    /// Whether a foreign key has a converted column on either side, and so
    /// must be dropped and recreated around the type change.
    pub fn touches(&self, table: &Table, fk: &ForeignKey) -> bool {
        fk.columns
            .iter()
            .any(|c| self.root_of(&table.name, c).is_some())
            || fk
                .referenced_columns
                .iter()
                .any(|c| self.root_of(&fk.referenced_table, c).is_some())
    }
}

/// Whether `columns` (table → columns) holds `table.column`.
fn holds(
    columns: &BTreeMap<QualifiedName, BTreeSet<String>>,
    table: &QualifiedName,
    column: &str,
) -> bool {
    columns.get(table).is_some_and(|c| c.contains(column))
}

/// What the resolver knows of one column. A root is the index of its
/// table in `Catalog::tables`, so the memo holds no names.
#[derive(Debug, Clone, Copy)]
enum Memo {
    Unknown,
    /// Being resolved further up the stack: a loop of foreign keys.
    Visiting,
    Known(Option<usize>),
}

struct Resolver<'a> {
    catalog: &'a Catalog,
    options: &'a Options,
    groups: ColumnGroups,
    root_keys: BTreeMap<QualifiedName, BTreeSet<String>>,
    /// By table index, then column index: every column resolves once, and
    /// a lookup compares no names.
    memo: Vec<Vec<Memo>>,
    /// Columns the catalog does not hold (a reference may still name one).
    elsewhere: BTreeMap<(QualifiedName, String), Memo>,
    spaces: Spaces,
}

impl Resolver<'_> {
    /// The sequence `table.column` defaults to, if it is a `nextval`.
    fn nextval(&self, table: &QualifiedName, column: &str) -> Option<QualifiedName> {
        self.catalog
            .table(table)?
            .column(column)?
            .nextval_sequence()
    }

    /// Joins the root keys that default to one sequence into one id space.
    fn join_shared_sequences(&mut self, found: &[(&QualifiedName, &str, usize)]) {
        let mut by_sequence: BTreeMap<QualifiedName, Vec<usize>> = BTreeMap::new();
        for &(table, column, root) in found {
            let own = self.catalog.tables[root].name == *table;
            if own
                && self.is_root_key(table, column)
                && let Some(sequence) = self.nextval(table, column)
            {
                by_sequence.entry(sequence).or_default().push(root);
            }
        }
        for (sequence, tables) in by_sequence {
            if tables.len() > 1 {
                self.spaces.join_sequence(&tables, &sequence);
            }
        }
    }

    fn is_root_key(&self, table: &QualifiedName, column: &str) -> bool {
        holds(&self.root_keys, table, column)
    }

    /// Where `table.column` sits in `memo`: its table's index (the catalog
    /// is sorted by name) and its own index there.
    fn slot(&self, table: &QualifiedName, column: &str) -> Option<(usize, usize)> {
        let ti = self
            .catalog
            .tables
            .binary_search_by(|t| t.name.cmp(table))
            .ok()?;
        let ci = self.catalog.tables[ti]
            .columns
            .iter()
            .position(|c| c.name == column)?;
        Some((ti, ci))
    }

    /// The memo entry of `table.column`, found at `slot`.
    fn memo(
        &mut self,
        slot: Option<(usize, usize)>,
        table: &QualifiedName,
        column: &str,
    ) -> &mut Memo {
        match slot {
            Some((ti, ci)) => &mut self.memo[ti][ci],
            None => self
                .elsewhere
                .entry((table.clone(), column.to_string()))
                .or_insert(Memo::Unknown),
        }
    }

    fn root(&mut self, table: &QualifiedName, column: &str) -> Option<usize> {
        // Every member of a family group resolves as its owner.
        let owner = match self.groups.group(table, column) {
            Some(group) => Cow::Owned(group.owner().clone()),
            None => Cow::Borrowed(table),
        };
        let slot = self.slot(&owner, column);
        let memo = self.memo(slot, &owner, column);
        match *memo {
            Memo::Known(found) => return found,
            // A loop of foreign keys between key columns: the loop itself
            // carries no values, so it resolves through primary keys below.
            Memo::Visiting => return None,
            Memo::Unknown => *memo = Memo::Visiting,
        }
        let found = self.resolve_uncached(&owner, column);
        *self.memo(slot, &owner, column) = Memo::Known(found);
        found
    }

    fn resolve_uncached(&mut self, table: &QualifiedName, column: &str) -> Option<usize> {
        let members: Vec<QualifiedName> = match self.groups.group(table, column) {
            Some(group) => group.members.clone(),
            None => vec![table.clone()],
        };
        if members
            .iter()
            .any(|m| self.options.exclude_tables.contains(m))
        {
            return None;
        }
        let mut via_fk = BTreeSet::new();
        let mut references_unconverted = false;
        let mut has_key = false;
        for member in &members {
            let t = self.catalog.table(member)?;
            for fk in &t.foreign_keys {
                let Some(pos) = fk.columns.iter().position(|c| c == column) else {
                    continue;
                };
                let referenced = &fk.referenced_columns[pos];
                match self.root(&fk.referenced_table, referenced) {
                    Some(root) => {
                        via_fk.insert(root);
                    }
                    None => references_unconverted = true,
                }
            }
            has_key |= t.primary_key.as_ref().is_some_and(|pk| {
                pk.columns.len() == 1
                    && pk.columns[0] == column
                    && t.column(column)
                        .is_some_and(|c| c.data_type.int_kind.is_some())
            });
        }
        // References keyshift.toml declares count exactly like foreign keys.
        for r in self.options.references.iter() {
            if &r.table != table || r.column != column {
                continue;
            }
            match self.root(&r.referenced_table, &r.referenced_column) {
                Some(root) => {
                    via_fk.insert(root);
                }
                None => references_unconverted = true,
            }
        }
        if via_fk.len() > 1 {
            // Every value is a key of each referenced table: they share
            // their ids, and one map must translate them all.
            self.spaces
                .join_referenced(&via_fk, (table.clone(), column.to_string()));
        }
        if let Some(&root) = via_fk.first() {
            // A key that is also a foreign key and draws its own values
            // from a sequence keeps that default until forward sets the
            // new one, like any root key; its values are its parent's.
            if has_key && self.nextval(table, column).is_some() {
                self.root_keys
                    .entry(table.clone())
                    .or_default()
                    .insert(column.to_string());
            }
            return Some(root);
        }
        let is_root = has_key && !references_unconverted;
        if !is_root {
            return None;
        }
        self.root_keys
            .entry(table.clone())
            .or_default()
            .insert(column.to_string());
        self.catalog
            .tables
            .binary_search_by(|t| t.name.cmp(table))
            .ok()
    }
}

/// The plan entry for `table`, or `None` when none of its columns change.
/// `polymorphic` are its polymorphic id columns, which convert too.
pub fn table_plan(
    catalog: &Catalog,
    table: &Table,
    roots: &ColumnRoots,
    polymorphic: Vec<PolymorphicColumn>,
) -> Option<TablePlan> {
    let columns: Vec<ConvertedColumn> = table
        .columns
        .iter()
        .filter_map(|c| {
            let root = roots.root_of(&table.name, &c.name)?;
            let owner = roots.groups.owner(&table.name, &c.name);
            let inherited = owner != &table.name;
            Some(ConvertedColumn {
                name: c.name.clone(),
                int_kind: c.data_type.int_kind?,
                type_name: c.data_type.name.clone(),
                root: root.clone(),
                not_null: c.not_null,
                // An inherited column's default is the owner's, changed and
                // restored there for the whole family.
                default: if inherited || roots.is_root_key(&table.name, &c.name) {
                    None
                } else {
                    c.default.clone()
                },
                altered_on: inherited.then(|| owner.clone()),
            })
        })
        .collect();
    if columns.is_empty() && polymorphic.is_empty() {
        return None;
    }
    let root = columns
        .iter()
        .find(|c| roots.is_root_key(&table.name, &c.name))
        .map(|c| {
            let column = table.column(&c.name).expect("converted column exists");
            RootKey {
                column: c.name.clone(),
                int_kind: c.int_kind,
                source: key_source(catalog, table, column),
                map_table: String::new(),
                members: roots
                    .groups
                    .group(&table.name, &c.name)
                    .map(|g| {
                        g.members
                            .iter()
                            .filter(|m| *m != &table.name)
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default(),
                uuid_time: None,
                sentinel: None,
                map_root: roots.map_root(&table.name, &c.name).cloned(),
                id_space: roots.spaces.get(&table.name).cloned(),
                own_defaults: own_defaults(catalog, table, &c.name, roots),
            }
        });
    Some(TablePlan {
        table: table.name.clone(),
        root,
        columns,
        polymorphic,
        all_columns: table.columns.iter().map(|c| c.name.clone()).collect(),
        hashable_rows: table
            .columns
            .iter()
            .all(|c| c.data_type.has_extended_hash()),
        generated_columns: table
            .columns
            .iter()
            .filter(|c| c.generated.is_some())
            .map(|c| c.name.clone())
            .collect(),
        partitioned: table.kind == TableKind::Partitioned,
        capture_key: Vec::new(),
        // Decided once the whole plan is known.
        conversion: super::Conversion::Rebuild,
    })
}

fn key_source(catalog: &Catalog, table: &Table, column: &crate::catalog::Column) -> KeySource {
    let sequence_named = |name: &QualifiedName| {
        catalog.sequence(name).cloned().unwrap_or_else(|| Sequence {
            name: name.clone(),
            data_type: column.data_type.int_kind.expect("root keys are integers"),
            start: 1,
            increment: 1,
            min_value: None,
            max_value: None,
            cache: 1,
            cycle: false,
            owned_by: Some((table.name.clone(), column.name.clone())),
        })
    };
    if let Some(identity) = &column.identity {
        return KeySource::Identity {
            always: identity.always,
            sequence: sequence_named(&identity.sequence),
        };
    }
    if let Some(seq) = column.nextval_sequence() {
        return KeySource::Sequence {
            sequence: sequence_named(&seq),
        };
    }
    match &column.default {
        Some(expression) => KeySource::Default {
            expression: expression.clone(),
        },
        None => KeySource::None,
    }
}

/// The members of `table`'s family whose `column` has another default than
/// `table`'s own (or none where it has one).
fn own_defaults(
    catalog: &Catalog,
    table: &Table,
    column: &str,
    roots: &ColumnRoots,
) -> Vec<QualifiedName> {
    let Some(group) = roots.groups.group(&table.name, column) else {
        return Vec::new();
    };
    fn default_of<'t>(t: &'t Table, column: &str) -> Option<&'t str> {
        t.column(column).and_then(|c| c.default.as_deref())
    }
    let top = default_of(table, column);
    group
        .members
        .iter()
        .filter(|m| *m != &table.name)
        .filter(|m| {
            catalog
                .table(m)
                .is_some_and(|t| default_of(t, column) != top)
        })
        .cloned()
        .collect()
}

/// The tables the bundle itself creates in schema `keyshift`, which no map
/// may be named as: a table `public.fresh` would otherwise get the map
/// `keyshift.fresh_ids`, and rollback could not create its own table of
/// that name. `tests/map_names.rs` checks the list against the templates.
pub const KEYSHIFT_TABLES: &[&str] = &[
    "column_default",
    "dependent",
    "foreign_key",
    "fresh_ids",
    "gone",
    "id_map",
    "online_batch",
    "online_table",
    "orphan",
    "own_default",
    "rebuilt_column",
    "row_digest",
    "sequence_state",
    "state",
    "swap",
    "to_validate",
    "translated",
    "v7_order",
    "written",
];

/// Names each root's mapping table after its table, readable where it fits
/// and unique within the `keyshift` schema.
pub fn assign_map_tables(tables: &mut [TablePlan]) {
    let mut taken: BTreeSet<String> = KEYSHIFT_TABLES.iter().map(|t| t.to_string()).collect();
    let mut by_name: Vec<usize> = (0..tables.len()).collect();
    by_name.sort_by(|&a, &b| tables[a].table.cmp(&tables[b].table));
    for i in by_name {
        let t = &tables[i].table;
        let Some(root) = tables[i].root.as_mut().filter(|r| r.draws_map()) else {
            continue;
        };
        let base = if t.schema == "public" {
            derived_name(&[&t.name, "ids"])
        } else {
            derived_name(&[&t.schema, &t.name, "ids"])
        };
        let mut name = base.clone();
        let mut n = 1;
        while !taken.insert(name.clone()) {
            n += 1;
            name = derived_name(&[&base, &n.to_string()]);
        }
        root.map_table = name;
    }
    // A key another key's map translates names that map.
    let maps: BTreeMap<QualifiedName, String> = tables
        .iter()
        .filter_map(|t| Some((t.table.clone(), t.root.as_ref()?.map_table.clone())))
        .collect();
    for t in tables.iter_mut() {
        if let Some(root) = t.root.as_mut()
            && let Some(map) = root.map_root.as_ref().and_then(|m| maps.get(m))
        {
            root.map_table = map.clone();
        }
    }
}
