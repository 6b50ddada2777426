//! The schema model every stage works from.
//!
//! Both producers, offline DDL parsing (`crate::ddl`) and live introspection,
//! build exactly this type, so everything downstream (graph, plan, render)
//! never needs to know where a schema came from. The model does no I/O and
//! keeps every collection in a deterministic order: tables, sequences and views
//! sorted by qualified name; columns in physical (`attnum`) order; constraints
//! and indexes sorted by name.

mod ident;
mod types;

pub use ident::{
    QualifiedName, control_pictures, derived_name, display_ident, dollar_quote, quote_ident,
    quote_literal, split_identifier_list,
};
pub use types::{ColumnType, IntKind};

use serde::{Deserialize, Serialize};

/// A whole database schema as far as keyshift needs to know it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// Ordinary, partitioned and unlogged tables, sorted by name.
    pub tables: Vec<Table>,
    /// Stand-alone and owned sequences, sorted by name.
    pub sequences: Vec<Sequence>,
    /// Views and materialized views, sorted by name.
    pub views: Vec<View>,
    /// Triggers on tables, sorted by table then name.
    pub triggers: Vec<Trigger>,
    /// Row-level security policies, sorted by table then name.
    pub policies: Vec<Policy>,
    /// Rewrite rules other than view `_RETURN` rules, sorted by table then name.
    pub rules: Vec<Rule>,
    /// Facts only a live database knows (row estimates, sizes), sorted by
    /// table. Empty from the DDL path; [`Catalog::schema_only`] is the one
    /// place that drops them when two catalogs are compared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub table_stats: Vec<TableStats>,
    /// On a Citus coordinator, how each table in scope is distributed,
    /// sorted by table. Live only, like `table_stats`: a schema dump does
    /// not say.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub distributed: Vec<DistributedTable>,
}

/// A table Citus spreads over worker nodes (`pg_dist_partition`): its
/// rows live in shards elsewhere, placed by its distribution column, so an
/// `ALTER` or a rebuild on the coordinator cannot change them safely.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributedTable {
    /// The table.
    pub table: QualifiedName,
    /// `pg_dist_partition.partmethod`: `h` hash, `r` range, `a` append,
    /// `n` none (a reference table, copied to every node, when `repmodel`
    /// is `t`, or a single-shard table).
    pub method: String,
    /// The distribution column, if the table has one.
    pub column: Option<String>,
}

impl DistributedTable {
    /// What the table is, in Citus' terms, for messages.
    pub fn describe(&self) -> String {
        match (self.method.as_str(), &self.column) {
            ("h", Some(c)) => format!("a hash-distributed table (distribution column {c})"),
            ("r", Some(c)) => format!("a range-distributed table (distribution column {c})"),
            ("a", Some(c)) => format!("an append-distributed table (distribution column {c})"),
            ("n", _) => "a reference table (a copy on every node)".to_string(),
            (m, _) => format!("a distributed table (method {m:?})"),
        }
    }
}

impl Catalog {
    /// Looks a table up by its qualified name.
    pub fn table(&self, name: &QualifiedName) -> Option<&Table> {
        self.tables
            .binary_search_by(|t| t.name.cmp(name))
            .ok()
            .map(|i| &self.tables[i])
    }

    /// Looks a sequence up by its qualified name.
    pub fn sequence(&self, name: &QualifiedName) -> Option<&Sequence> {
        self.sequences
            .binary_search_by(|s| s.name.cmp(name))
            .ok()
            .map(|i| &self.sequences[i])
    }

    /// The catalog without [`Catalog::table_stats`] and
    /// [`Catalog::distributed`]: what a schema file can
    /// say, so a live catalog and a parsed one compare equal.
    pub fn schema_only(&self) -> Catalog {
        Catalog {
            table_stats: Vec::new(),
            distributed: Vec::new(),
            ..self.clone()
        }
    }

    /// Restores the ordering invariants after a producer has pushed objects in
    /// whatever order it met them.
    pub fn normalize(&mut self) {
        self.tables.sort_by(|a, b| a.name.cmp(&b.name));
        for t in &mut self.tables {
            t.unique_constraints.sort_by(|a, b| a.name.cmp(&b.name));
            t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
            t.checks.sort_by(|a, b| a.name.cmp(&b.name));
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        }
        self.sequences.sort_by(|a, b| a.name.cmp(&b.name));
        self.views.sort_by(|a, b| a.name.cmp(&b.name));
        self.triggers
            .sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
        self.policies
            .sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
        self.rules
            .sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
        self.table_stats.sort_by(|a, b| a.table.cmp(&b.table));
        self.distributed.sort_by(|a, b| a.table.cmp(&b.table));
    }
}

/// Size facts about one table, read from a live database only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableStats {
    /// The table.
    pub table: QualifiedName,
    /// `pg_class.reltuples`, rounded; `None` when the table was never
    /// analyzed or vacuumed (and for a partitioned parent before 14).
    pub row_estimate: Option<i64>,
    /// Heap, indexes and TOAST in bytes, from `relpages`: an estimate as
    /// fresh as `row_estimate` (VACUUM and ANALYZE update both). Exact
    /// (`pg_total_relation_size`) for a table never analyzed, whose
    /// `relpages` is 0 whatever it holds.
    pub total_bytes: i64,
    /// For a table never analyzed, the most rows its heap can hold (its
    /// pages times `MaxHeapTuplesPerPage`): a bound known without reading a
    /// row, where `row_estimate` is unknown. `None` otherwise, and in a
    /// catalog.json written before keyshift read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_bound: Option<i64>,
}

/// How a table stores its rows; only ordinary tables are converted today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// A plain heap table.
    Ordinary,
    /// A `PARTITION BY` parent.
    Partitioned,
}

/// One table with the constraints and indexes defined on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Schema-qualified name.
    pub name: QualifiedName,
    /// Ordinary or partitioned.
    pub kind: TableKind,
    /// `CREATE UNLOGGED TABLE`.
    pub unlogged: bool,
    /// Columns in physical order; rollback must reproduce this order exactly.
    pub columns: Vec<Column>,
    /// The primary key, if any.
    pub primary_key: Option<KeyConstraint>,
    /// UNIQUE constraints (not unique indexes, which are in `indexes`).
    pub unique_constraints: Vec<KeyConstraint>,
    /// Foreign keys declared on this table.
    pub foreign_keys: Vec<ForeignKey>,
    /// CHECK constraints declared on this table (NOT NULL is on the column).
    pub checks: Vec<CheckConstraint>,
    /// Indexes created with `CREATE INDEX`, not those backing constraints.
    pub indexes: Vec<Index>,
    /// Legacy inheritance parents (`INHERITS`).
    pub inherits: Vec<QualifiedName>,
    /// The parent when this table is a partition.
    pub partition_of: Option<QualifiedName>,
    /// `PARTITION BY` of a partitioned table: converting a column its
    /// partitions are routed by would move rows or break bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_key: Option<PartitionKey>,
}

impl Table {
    /// Looks a column up by name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// How a partitioned table routes rows to its partitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionKey {
    /// `RANGE`, `LIST` or `HASH`.
    pub strategy: PartitionStrategy,
    /// Columns the key reads, plainly or inside expressions, in physical
    /// order (both producers can tell that much, not the expression text).
    pub columns: Vec<String>,
}

/// `PARTITION BY` strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionStrategy {
    /// `PARTITION BY RANGE`.
    Range,
    /// `PARTITION BY LIST`.
    List,
    /// `PARTITION BY HASH`.
    Hash,
}

impl PartitionStrategy {
    /// The keyword, for messages.
    pub fn keyword(self) -> &'static str {
        match self {
            PartitionStrategy::Range => "RANGE",
            PartitionStrategy::List => "LIST",
            PartitionStrategy::Hash => "HASH",
        }
    }
}

/// One table column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Column name, case-folded the way PostgreSQL stores it.
    pub name: String,
    /// Declared type.
    pub data_type: ColumnType,
    /// `NOT NULL`.
    pub not_null: bool,
    /// Default expression as PostgreSQL prints it (`pg_get_expr`), if any.
    pub default: Option<String>,
    /// Identity definition, if the column is `GENERATED … AS IDENTITY`.
    pub identity: Option<Identity>,
    /// Generation expression of a `GENERATED ALWAYS AS (…) STORED` column.
    pub generated: Option<String>,
}

impl Column {
    /// The sequence behind a `nextval('…'::regclass)` default, i.e. the
    /// `serial` style, which forward must detach and rollback reattach.
    pub fn nextval_sequence(&self) -> Option<QualifiedName> {
        let default = self.default.as_deref()?;
        let rest = default.strip_prefix("nextval('")?;
        let end = rest.find("'::regclass)")?;
        QualifiedName::parse_regclass_literal(&rest[..end])
    }
}

/// `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY` with its sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `ALWAYS` rather than `BY DEFAULT`.
    pub always: bool,
    /// The implicit sequence; its options live in [`Catalog::sequences`].
    pub sequence: QualifiedName,
}

/// A PRIMARY KEY or UNIQUE constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyConstraint {
    /// Constraint name (also the name of its index).
    pub name: String,
    /// Key columns in constraint order.
    pub columns: Vec<String>,
}

/// `ON DELETE` / `ON UPDATE` action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    /// The default.
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

/// `MATCH` type of a foreign key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchType {
    /// The default.
    Simple,
    /// `MATCH FULL`.
    Full,
}

/// A FOREIGN KEY constraint with everything needed to recreate it verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// Constraint name.
    pub name: String,
    /// Referencing columns, in constraint order (`conkey`).
    pub columns: Vec<String>,
    /// Referenced table.
    pub referenced_table: QualifiedName,
    /// Referenced columns, paired position by position with `columns` (`confkey`).
    pub referenced_columns: Vec<String>,
    /// `ON UPDATE`.
    pub on_update: FkAction,
    /// `ON DELETE`.
    pub on_delete: FkAction,
    /// `MATCH FULL` or simple.
    pub match_type: MatchType,
    /// `DEFERRABLE`.
    pub deferrable: bool,
    /// `INITIALLY DEFERRED`.
    pub initially_deferred: bool,
    /// False for a constraint added `NOT VALID` and never validated.
    pub validated: bool,
}

/// A CHECK constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckConstraint {
    /// Constraint name.
    pub name: String,
    /// The expression, as written.
    pub expression: String,
    /// Columns the expression mentions, as far as the producer can tell.
    pub columns: Vec<String>,
}

/// One key of an index: a plain column or an expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexKey {
    /// A plain column reference.
    Column(String),
    /// Any other expression, as written.
    Expression(String),
}

/// A `CREATE INDEX` index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Index name (in the table's schema).
    pub name: String,
    /// `UNIQUE`.
    pub unique: bool,
    /// Access method (`btree`, `gin`, …).
    pub method: String,
    /// Keys in index order.
    pub keys: Vec<IndexKey>,
    /// `INCLUDE` columns.
    pub include: Vec<String>,
    /// `WHERE` predicate of a partial index, as written.
    pub predicate: Option<String>,
    /// Columns mentioned by expressions and the predicate, as far as known.
    pub expression_columns: Vec<String>,
}

/// A sequence with the options rollback needs to recreate it exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    /// Schema-qualified name.
    pub name: QualifiedName,
    /// `AS smallint|integer|bigint`.
    pub data_type: IntKind,
    /// `START WITH`.
    pub start: i64,
    /// `INCREMENT BY`.
    pub increment: i64,
    /// `MINVALUE`, or `None` for `NO MINVALUE` (the type's default).
    pub min_value: Option<i64>,
    /// `MAXVALUE`, or `None` for `NO MAXVALUE`.
    pub max_value: Option<i64>,
    /// `CACHE`.
    pub cache: i64,
    /// `CYCLE`.
    pub cycle: bool,
    /// `OWNED BY table.column`.
    pub owned_by: Option<(QualifiedName, String)>,
}

/// Plain or materialized view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewKind {
    /// `CREATE VIEW`.
    View,
    /// `CREATE MATERIALIZED VIEW`.
    Materialized,
}

/// A view and the tables it reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// Schema-qualified name.
    pub name: QualifiedName,
    /// Plain or materialized.
    pub kind: ViewKind,
    /// Tables and views the query reads, sorted and deduplicated.
    pub depends_on: Vec<QualifiedName>,
}

/// A trigger; its function body is opaque to keyshift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// Table the trigger is on.
    pub table: QualifiedName,
    /// Trigger name.
    pub name: String,
    /// Function it executes.
    pub function: QualifiedName,
    /// The function's source (`pg_proc.prosrc`) when it is written in a
    /// language keyshift can read (not C or internal), so PLAN.md can name
    /// the converted columns it mentions for a human to check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_body: Option<String>,
    /// The `WHEN` condition, without the parentheses around it: as written
    /// in a schema file, or as `pg_get_triggerdef(oid, true)` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

/// A row-level security policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Table the policy is on.
    pub table: QualifiedName,
    /// Policy name.
    pub name: String,
    /// The `USING` expression, as written in a schema file or as the
    /// server prints it (`pg_get_expr(polqual, polrelid)`), without the
    /// parentheses around it; `None` when the policy has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    /// The `WITH CHECK` expression likewise (`polwithcheck`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<String>,
}

/// A rewrite rule created with `CREATE RULE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Table the rule is on.
    pub table: QualifiedName,
    /// Rule name.
    pub name: String,
    /// The `WHERE` condition: as written in a schema file, or as
    /// `pg_get_ruledef(oid, true)` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}
