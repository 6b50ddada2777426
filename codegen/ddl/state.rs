//! The catalog under construction plus the session state a script changes
//! (`search_path`), and the name lookups PostgreSQL would do.
//!
//! Objects live in `BTreeMap`s keyed by qualified name while the script is
//! read, so lookups are cheap and iteration order is deterministic; they are
//! moved into a [`Catalog`] at the end.

use super::coltype::TypeNames;
use super::error::{Fail, Result};
use crate::catalog::{Catalog, Policy, QualifiedName, Rule, Sequence, Table, Trigger, View};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// Which tables may hold a constraint or an index of a given name, so that
/// choosing a default name (`ChooseRelationName`, several per table) does
/// not scan every table of the schema: that made a large file quadratic.
///
/// It may hold too much, never too little: a table is re-read whenever it
/// is handed out for changes ([`Builder::table_mut`]) or inserted
/// ([`Builder::insert_table`]), and entries left by drops and renames are
/// filtered out by checking the table itself. Debug builds compare every
/// answer with a scan of the schema.
#[derive(Debug, Default)]
struct NameIndex {
    /// Constraint and index name → tables that had one of that name,
    /// sorted. Most names belong to one table, and a one-element vector
    /// costs a small allocation where a set costs a tree node.
    owners: BTreeMap<String, Vec<QualifiedName>>,
    /// Parent → tables that had it as partition parent or `INHERITS`
    /// parent: `CREATE INDEX` looks for partitions to clone the index to.
    children: BTreeMap<QualifiedName, BTreeSet<QualifiedName>>,
    /// Tables changed since they were last read.
    dirty: BTreeSet<QualifiedName>,
}

impl NameIndex {
    /// Reads the names of every table changed since the last call.
    fn refresh(&mut self, tables: &BTreeMap<QualifiedName, Table>) {
        for name in std::mem::take(&mut self.dirty) {
            let Some(t) = tables.get(&name) else {
                continue;
            };
            let names = (t.primary_key.iter().chain(&t.unique_constraints))
                .map(|k| &k.name)
                .chain(t.foreign_keys.iter().map(|f| &f.name))
                .chain(t.checks.iter().map(|c| &c.name))
                .chain(t.indexes.iter().map(|i| &i.name));
            // A table is read again after every change, so most names are
            // known already: look before cloning anything.
            for parent in t.partition_of.iter().chain(&t.inherits) {
                match self.children.get_mut(parent) {
                    Some(set) => insert_missing(set, &name),
                    None => {
                        self.children
                            .insert(parent.clone(), BTreeSet::from([name.clone()]));
                    }
                }
            }
            for n in names {
                match self.owners.get_mut(n) {
                    Some(tables) => {
                        if let Err(at) = tables.binary_search(&name) {
                            tables.insert(at, name.clone());
                        }
                    }
                    None => {
                        self.owners.insert(n.clone(), vec![name.clone()]);
                    }
                }
            }
        }
    }
}

impl NameIndex {
    /// Records that `table` now has a constraint or index called `name`,
    /// without reading the table again; nothing to do when the table is
    /// to be read again anyway.
    fn learn(&mut self, table: &QualifiedName, name: &str) {
        if self.dirty.contains(table) {
            return;
        }
        match self.owners.get_mut(name) {
            Some(tables) => {
                if let Err(at) = tables.binary_search(table) {
                    tables.insert(at, table.clone());
                }
            }
            None => {
                self.owners.insert(name.to_string(), vec![table.clone()]);
            }
        }
    }
}

/// Adds `name` to `set` unless it is there, cloning it only then.
fn insert_missing(set: &mut BTreeSet<QualifiedName>, name: &QualifiedName) {
    if !set.contains(name) {
        set.insert(name.clone());
    }
}

/// A foreign key whose referenced table (or its primary key) did not exist
/// yet when the constraint was declared; resolved after the whole script.
#[derive(Debug, Clone)]
pub(crate) struct PendingFk {
    /// Table the constraint is on.
    pub table: QualifiedName,
    /// Constraint name.
    pub name: String,
    /// Referenced table as written (folded parts).
    pub target: Vec<String>,
    /// Referenced columns as written; empty means the primary key.
    pub ref_columns: Vec<String>,
    /// `search_path` in effect at the statement.
    pub search_path: Vec<String>,
    /// Absolute offset of the statement, for errors.
    pub statement_start: usize,
    /// Offset inside the statement of the reference.
    pub at: usize,
}

/// Everything read so far.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    /// Tables by name.
    pub tables: BTreeMap<QualifiedName, Table>,
    /// Sequences by name.
    pub sequences: BTreeMap<QualifiedName, Sequence>,
    /// Views by name.
    pub views: BTreeMap<QualifiedName, View>,
    /// Triggers in script order.
    pub triggers: Vec<Trigger>,
    /// Policies in script order.
    pub policies: Vec<Policy>,
    /// Rules in script order.
    pub rules: Vec<Rule>,
    /// `search_path` as set; `None` until a script sets it (then PostgreSQL's
    /// default `"$user", public` applies).
    pub search_path: Option<Vec<String>>,
    /// Types created by the script: enums, composites, ranges, domains.
    pub user_types: BTreeSet<QualifiedName>,
    /// The domains among them.
    pub domains: BTreeSet<QualifiedName>,
    /// Domains over an integer type, with that type.
    pub int_domains: BTreeMap<QualifiedName, crate::catalog::IntKind>,
    /// Functions and procedures created by the script.
    pub functions: BTreeSet<QualifiedName>,
    /// Source of each function the file creates in a readable language,
    /// for the triggers that run it.
    pub function_bodies: BTreeMap<QualifiedName, String>,
    /// Foreign keys to finish after the last statement.
    pub pending_fks: Vec<PendingFk>,
    /// Skipped statements by kind.
    pub skipped: BTreeMap<String, usize>,
    /// Relations a query may read that the catalog does not hold (foreign
    /// tables).
    pub foreign_tables: BTreeSet<QualifiedName>,
    /// Constraint and index names by table, for the name lookups below.
    names: RefCell<NameIndex>,
    /// Whether statements of the commonest forms may skip sqlparser
    /// (`fast_index`); off only to check that both paths agree.
    pub fast_paths: bool,
}

impl Builder {
    /// Counts a skipped statement.
    pub fn skip(&mut self, kind: impl Into<String>) {
        *self.skipped.entry(kind.into()).or_default() += 1;
    }

    /// The path as PostgreSQL would search it.
    pub fn path(&self) -> Vec<String> {
        self.search_path
            .clone()
            .unwrap_or_else(|| vec!["$user".to_string(), "public".to_string()])
    }

    /// Schemas searched for unqualified names. An empty path (pg_dump's
    /// `set_config('search_path', '', false)`) still finds `public`, which is
    /// what hand-written files that never set the path expect.
    pub fn lookup_schemas(path: &[String]) -> Vec<String> {
        let mut schemas: Vec<String> = path
            .iter()
            .filter(|s| !matches!(s.as_str(), "$user" | "pg_temp"))
            .cloned()
            .collect();
        if schemas.iter().all(|s| s == "pg_catalog") {
            schemas.push("public".to_string());
        }
        schemas
    }

    /// Schema unqualified new objects are created in.
    pub fn creation_schema(&self) -> String {
        Self::lookup_schemas(&self.path())
            .into_iter()
            .find(|s| s != "pg_catalog")
            .unwrap_or_else(|| "public".to_string())
    }

    /// The name a new object gets.
    pub fn qualify_new(&self, parts: &[String]) -> Result<QualifiedName> {
        match parts {
            [name] => Ok(QualifiedName::new(self.creation_schema(), name.clone())),
            [schema, name] | [_, schema, name] => {
                Ok(QualifiedName::new(schema.clone(), name.clone()))
            }
            _ => Err(Fail::new(format!(
                "improper qualified name `{}`",
                parts.join(".")
            ))),
        }
    }

    /// Resolves a name against `path` with `exists` deciding what counts.
    pub fn resolve_in(
        path: &[String],
        parts: &[String],
        exists: impl Fn(&QualifiedName) -> bool,
    ) -> Option<QualifiedName> {
        match parts {
            [name] => Self::lookup_schemas(path)
                .into_iter()
                .map(|s| QualifiedName::new(s, name.clone()))
                .find(|q| exists(q)),
            [schema, name] | [_, schema, name] => {
                Some(QualifiedName::new(schema.clone(), name.clone())).filter(|q| exists(q))
            }
            _ => None,
        }
    }

    /// Resolves with the current path.
    pub fn resolve(
        &self,
        parts: &[String],
        exists: impl Fn(&QualifiedName) -> bool,
    ) -> Option<QualifiedName> {
        Self::resolve_in(&self.path(), parts, exists)
    }

    /// An existing table.
    pub fn resolve_table(&self, parts: &[String]) -> Result<QualifiedName> {
        self.resolve(parts, |q| self.tables.contains_key(q))
            .ok_or_else(|| Fail::new(format!("unknown table `{}`", parts.join("."))))
    }

    /// An existing table or view (anything a query can read).
    pub fn resolve_readable(&self, parts: &[String]) -> Option<QualifiedName> {
        self.resolve(parts, |q| {
            self.tables.contains_key(q) || self.views.contains_key(q)
        })
    }

    /// Adds (or replaces) a table under its name.
    pub fn insert_table(&mut self, table: Table) {
        self.names.get_mut().dirty.insert(table.name.clone());
        self.tables.insert(table.name.clone(), table);
    }

    /// The table; callers resolved it first.
    pub fn table_mut(&mut self, name: &QualifiedName) -> Result<&mut Table> {
        insert_missing(&mut self.names.get_mut().dirty, name);
        self.tables
            .get_mut(name)
            .ok_or_else(|| Fail::new(format!("unknown table `{}`", name.display())))
    }

    /// The table, for adding one constraint or index called `added` and
    /// changing no other name: the name index learns that name at once
    /// instead of reading the whole table again at its next lookup, which
    /// for a table with several unnamed constraints was most of the time
    /// `CREATE TABLE` took.
    pub fn table_adding(&mut self, name: &QualifiedName, added: &str) -> Result<&mut Table> {
        self.names.get_mut().learn(name, added);
        self.tables
            .get_mut(name)
            .ok_or_else(|| Fail::new(format!("unknown table `{}`", name.display())))
    }

    /// Whether `schema.name` is used by any relation: table, sequence, view,
    /// index, or the index behind a PRIMARY KEY / UNIQUE constraint.
    pub fn relation_taken(&self, schema: &str, name: &str) -> bool {
        let q = QualifiedName::new(schema, name);
        let is_index = |t: &Table| {
            t.indexes.iter().any(|i| i.name == name)
                || t.primary_key
                    .iter()
                    .chain(&t.unique_constraints)
                    .any(|k| k.name == name)
        };
        let taken = self.tables.contains_key(&q)
            || self.sequences.contains_key(&q)
            || self.views.contains_key(&q)
            || self.tables_holding(schema, name).into_iter().any(is_index);
        debug_assert_eq!(
            taken,
            self.tables.contains_key(&q)
                || self.sequences.contains_key(&q)
                || self.views.contains_key(&q)
                || self.tables_in(schema).any(is_index),
            "the name index missed {schema}.{name}"
        );
        taken
    }

    /// Whether a constraint called `name` exists on any table of `schema`
    /// (PostgreSQL's `ConstraintNameExists`).
    pub fn constraint_taken(&self, schema: &str, name: &str) -> bool {
        let has = |t: &Table| {
            t.primary_key
                .iter()
                .chain(&t.unique_constraints)
                .any(|k| k.name == name)
                || t.foreign_keys.iter().any(|f| f.name == name)
                || t.checks.iter().any(|c| c.name == name)
        };
        let taken = self.tables_holding(schema, name).into_iter().any(has);
        debug_assert_eq!(
            taken,
            self.tables_in(schema).any(has),
            "the name index missed {schema}.{name}"
        );
        taken
    }

    /// The tables of `schema` that may have a constraint or index called
    /// `name`, sorted by name; see [`NameIndex`].
    fn tables_holding(&self, schema: &str, name: &str) -> Vec<&Table> {
        let mut names = self.names.borrow_mut();
        names.refresh(&self.tables);
        names.owners.get(name).map_or_else(Vec::new, |owners| {
            owners
                .iter()
                .filter(|t| t.schema == schema)
                .filter_map(|t| self.tables.get(t))
                .collect()
        })
    }

    /// Direct children of `table` (partitions, and with `inherited` also
    /// `INHERITS` children), sorted by name.
    pub fn children_of(&self, table: &QualifiedName, inherited: bool) -> Vec<QualifiedName> {
        let is_child = |t: &Table| {
            t.partition_of.as_ref() == Some(table) || (inherited && t.inherits.contains(table))
        };
        let mut names = self.names.borrow_mut();
        names.refresh(&self.tables);
        let children: Vec<QualifiedName> = names.children.get(table).map_or_else(Vec::new, |c| {
            c.iter()
                .filter(|n| self.tables.get(*n).is_some_and(is_child))
                .cloned()
                .collect()
        });
        debug_assert_eq!(
            children,
            self.tables
                .values()
                .filter(|t| is_child(t))
                .map(|t| t.name.clone())
                .collect::<Vec<_>>(),
            "the child index missed a child of {}",
            table.display()
        );
        children
    }

    /// Every table of `schema`: what [`Builder::tables_holding`] narrows,
    /// for the debug checks.
    fn tables_in<'a>(&'a self, schema: &'a str) -> impl Iterator<Item = &'a Table> + 'a {
        self.tables
            .values()
            .filter(move |t| t.name.schema == schema)
    }

    /// The table owning index `name` in `schema`.
    pub fn index_owner(&self, schema: &str, name: &str) -> Option<QualifiedName> {
        let has = |t: &&Table| t.indexes.iter().any(|i| i.name == name);
        let owner = self
            .tables_holding(schema, name)
            .into_iter()
            .find(has)
            .map(|t| t.name.clone());
        debug_assert_eq!(
            owner,
            self.tables_in(schema).find(has).map(|t| t.name.clone()),
            "the name index missed {schema}.{name}"
        );
        owner
    }

    /// A function named in a trigger: created by the script, or else built in.
    pub fn function_name(&self, parts: &[String]) -> QualifiedName {
        match parts {
            [name] => self
                .resolve(parts, |q| self.functions.contains(q))
                .unwrap_or_else(|| QualifiedName::new("pg_catalog", name.clone())),
            [.., schema, name] => QualifiedName::new(schema.clone(), name.clone()),
            [] => QualifiedName::new("pg_catalog", ""),
        }
    }

    /// Moves everything into a catalog.
    pub fn into_catalog(self) -> (Catalog, BTreeMap<String, usize>) {
        let mut catalog = Catalog {
            tables: self.tables.into_values().collect(),
            sequences: self.sequences.into_values().collect(),
            views: self.views.into_values().collect(),
            triggers: self
                .triggers
                .into_iter()
                .map(|t| Trigger {
                    function_body: self.function_bodies.get(&t.function).cloned(),
                    ..t
                })
                .collect(),
            policies: self.policies,
            rules: self.rules,
            table_stats: Vec::new(),
            distributed: Vec::new(),
        };
        catalog.normalize();
        (catalog, self.skipped)
    }
}

impl TypeNames for Builder {
    fn user_type(&self, parts: &[String]) -> Result<String> {
        let q = match parts {
            [_] => self
                .resolve(parts, |q| self.user_types.contains(q))
                .map_or_else(|| self.qualify_new(parts), Ok)?,
            _ => self.qualify_new(parts)?,
        };
        Ok(q.display())
    }

    fn domain_int_kind(&self, parts: &[String]) -> Option<crate::catalog::IntKind> {
        let q = match parts {
            [_] => self.resolve(parts, |q| self.user_types.contains(q))?,
            _ => self.qualify_new(parts).ok()?,
        };
        self.int_domains.get(&q).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_path_creates_in_public() {
        let b = Builder::default();
        assert_eq!(b.creation_schema(), "public");
        let q = b
            .qualify_new(&["t".to_string()])
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(q, QualifiedName::new("public", "t"));
    }

    #[test]
    fn empty_path_still_resolves_public() {
        let b = Builder {
            search_path: Some(Vec::new()),
            ..Builder::default()
        };
        assert_eq!(b.creation_schema(), "public");
    }

    #[test]
    fn explicit_path_picks_first_schema() {
        let b = Builder {
            search_path: Some(vec!["$user".into(), "app".into(), "public".into()]),
            ..Builder::default()
        };
        assert_eq!(b.creation_schema(), "app");
    }
}
