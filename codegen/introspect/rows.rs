//! Plain row structs, one per catalog query, and their decoding from
//! `postgres::Row`. Each field is named after the query's output column; the
//! structs hold data exactly as the server returned it, and `lower` gives
//! it meaning.

use postgres::Row;
use postgres::types::FromSql;
use std::collections::BTreeMap;

/// Everything the catalog queries returned, in no particular order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rows {
    /// `relations.sql`.
    pub relations: Vec<RelationRow>,
    /// `columns.sql`.
    pub columns: Vec<ColumnRow>,
    /// `constraints.sql`.
    pub constraints: Vec<ConstraintRow>,
    /// `indexes.sql`.
    pub indexes: Vec<IndexRow>,
    /// `sequences.sql`.
    pub sequences: Vec<SequenceRow>,
    /// `views.sql`.
    pub views: Vec<ViewRow>,
    /// `table_objects.sql`.
    pub table_objects: Vec<TableObjectRow>,
    /// `citus.sql`, on a Citus coordinator only; empty elsewhere.
    pub distributed: Vec<DistributedRow>,
}

/// One table in `pg_dist_partition`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributedRow {
    pub schema: String,
    pub table_name: String,
    pub method: String,
    pub column: Option<String>,
}

impl DistributedRow {
    pub(crate) fn decode(r: &Row) -> Result<Self> {
        const Q: &str = "citus.sql";
        Ok(DistributedRow {
            schema: get(r, Q, "schema")?,
            table_name: get(r, Q, "table_name")?,
            method: get(r, Q, "method")?,
            column: get(r, Q, "column_name")?,
        })
    }
}

/// One ordinary or partitioned table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationRow {
    pub schema: String,
    pub name: String,
    /// `pg_class.relkind`: `r` or `p`.
    pub relkind: String,
    pub unlogged: bool,
    pub is_partition: bool,
    /// `pg_inherits` parents in `inhseqno` order, paired with `parent_names`.
    pub parent_schemas: Vec<String>,
    pub parent_names: Vec<String>,
    /// `reltuples`, rounded; `None` when never analyzed (PostgreSQL 14+).
    pub row_estimate: Option<i64>,
    pub total_bytes: i64,
    /// For a table never analyzed: the most rows its heap's pages can hold.
    pub row_bound: Option<i64>,
    /// `pg_partitioned_table.partstrat` (`r`, `l`, `h`) of a partitioned table.
    pub partition_strategy: Option<String>,
    /// Columns its partition key reads, in attnum order.
    pub partition_columns: Vec<String>,
}

/// One table column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnRow {
    pub schema: String,
    pub table_name: String,
    pub attnum: i32,
    pub name: String,
    /// `format_type(atttypid, atttypmod)`.
    pub type_name: String,
    pub type_oid: i64,
    /// For a domain, the type under it (through any nested domains).
    pub domain_base_oid: Option<i64>,
    pub not_null: bool,
    pub default_expr: Option<String>,
    pub generated_expr: Option<String>,
    /// `attidentity`: empty, `a` (ALWAYS) or `d` (BY DEFAULT).
    pub identity: String,
    pub identity_sequence_schema: Option<String>,
    pub identity_sequence_name: Option<String>,
}

/// One PRIMARY KEY, UNIQUE, FOREIGN KEY or CHECK constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintRow {
    pub schema: String,
    pub table_name: String,
    pub name: String,
    /// `contype`: `p`, `u`, `f` or `c`.
    pub kind: String,
    /// `conkey` in constraint order.
    pub columns: Vec<String>,
    /// `conkey` in attnum order (what a CHECK mentions).
    pub columns_by_attnum: Vec<String>,
    pub referenced_schema: Option<String>,
    pub referenced_table: Option<String>,
    /// `confkey` in constraint order.
    pub referenced_columns: Vec<String>,
    /// `confupdtype`, `confdeltype`: `a`, `r`, `c`, `n`, `d` (space when not an FK).
    pub on_update: String,
    pub on_delete: String,
    /// `confmatchtype`: `s`, `f` (`p` is unimplemented in PostgreSQL).
    pub match_type: String,
    pub deferrable: bool,
    pub initially_deferred: bool,
    pub validated: bool,
    pub check_expr: Option<String>,
    /// With filters only: `referenced` when this foreign key's referenced
    /// table is not read, `table` when its own table is not read.
    pub left_out: Option<String>,
}

/// One index that backs no constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRow {
    pub schema: String,
    pub table_name: String,
    pub name: String,
    pub is_unique: bool,
    pub method: String,
    /// Per key: the column name, or `None` for an expression.
    pub key_columns: Vec<Option<String>>,
    /// Per key: `pg_get_indexdef(index, k, false)` for an expression,
    /// `None` for a plain column.
    pub key_expressions: Vec<Option<String>>,
    pub include: Vec<String>,
    pub predicate: Option<String>,
    /// Columns read by expressions and the predicate, in attnum order.
    pub expression_columns: Vec<String>,
}

/// One sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceRow {
    pub schema: String,
    pub name: String,
    /// `format_type(seqtypid, NULL)`.
    pub type_name: String,
    pub start: i64,
    pub increment: i64,
    pub min_value: i64,
    pub max_value: i64,
    pub cache: i64,
    pub cycle: bool,
    pub owner_schema: Option<String>,
    pub owner_table: Option<String>,
    pub owner_column: Option<String>,
}

/// One view or materialized view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewRow {
    pub schema: String,
    pub name: String,
    /// `v` or `m`.
    pub relkind: String,
    /// What it reads, paired with `depends_on_names`.
    pub depends_on_schemas: Vec<String>,
    pub depends_on_names: Vec<String>,
}

/// A trigger, rule or policy on a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableObjectRow {
    /// `trigger`, `rule` or `policy`.
    pub kind: String,
    pub schema: String,
    pub table_name: String,
    pub name: String,
    pub function_schema: Option<String>,
    pub function_name: Option<String>,
    /// A trigger function's source, unless it is C or internal.
    pub function_body: Option<String>,
    /// A policy's `USING` expression (`pg_get_expr(polqual, polrelid)`).
    pub policy_using: Option<String>,
    /// A policy's `WITH CHECK` expression (`polwithcheck`).
    pub policy_with_check: Option<String>,
    /// A trigger's definition when it has a `WHEN` condition
    /// (`pg_get_triggerdef(oid, true)`), a rule's (`pg_get_ruledef(oid,
    /// true)`); lowering cuts the condition out of it.
    pub definition: Option<String>,
}

/// A column that could not be decoded: the query and the server disagree.
#[derive(Debug)]
pub struct DecodeError {
    /// Query file.
    pub query: &'static str,
    /// Column name.
    pub column: &'static str,
    /// The driver's message.
    pub message: String,
}

type Result<T> = std::result::Result<T, DecodeError>;

/// Column names by table and attnum, from `columns.sql`'s rows: every
/// column of every table read. Constraint and index rows carry attnums,
/// and decoding names them here rather than the server joining
/// `pg_attribute` once more per query.
pub(crate) struct ColumnNames<'a> {
    /// Per table, the names indexed by attnum (there are no columns 0 and
    /// below, and dropped columns are gaps).
    by_table: BTreeMap<(&'a str, &'a str), Vec<Option<&'a str>>>,
}

impl<'a> ColumnNames<'a> {
    pub(crate) fn new(columns: &'a [ColumnRow]) -> Self {
        let mut by_table: BTreeMap<(&str, &str), Vec<Option<&str>>> = BTreeMap::new();
        for c in columns {
            if let Ok(i) = usize::try_from(c.attnum) {
                let names = by_table
                    .entry((c.schema.as_str(), c.table_name.as_str()))
                    .or_default();
                if names.len() <= i {
                    names.resize(i + 1, None);
                }
                names[i] = Some(c.name.as_str());
            }
        }
        ColumnNames { by_table }
    }

    fn name(
        &self,
        query: &'static str,
        column: &'static str,
        schema: &str,
        table: &str,
        attnum: i16,
    ) -> Result<String> {
        self.by_table
            .get(&(schema, table))
            .and_then(|t| t.get(usize::try_from(attnum).ok()?).copied().flatten())
            .map(str::to_string)
            .ok_or_else(|| DecodeError {
                query,
                column,
                message: format!(
                    "attnum {attnum} of {schema}.{table} is not among columns.sql's rows"
                ),
            })
    }

    fn name_all(
        &self,
        query: &'static str,
        column: &'static str,
        schema: &str,
        table: &str,
        attnums: &[i16],
    ) -> Result<Vec<String>> {
        attnums
            .iter()
            .map(|&attnum| self.name(query, column, schema, table, attnum))
            .collect()
    }
}

/// Reads one named column of `row`.
fn get<'a, T: FromSql<'a>>(row: &'a Row, query: &'static str, column: &'static str) -> Result<T> {
    row.try_get(column).map_err(|e| DecodeError {
        query,
        column,
        message: e.to_string(),
    })
}

/// One relation in scope (`relations.sql` returns tables, views,
/// materialized views and sequences alike).
pub(crate) struct ScopeRow {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    /// `r`, `p`, `v`, `m` or `S`.
    pub relkind: String,
}

impl ScopeRow {
    pub(crate) fn decode(r: &Row) -> Result<Self> {
        const Q: &str = "relations.sql";
        Ok(ScopeRow {
            oid: get(r, Q, "oid")?,
            schema: get(r, Q, "schema")?,
            name: get(r, Q, "name")?,
            relkind: get(r, Q, "relkind")?,
        })
    }
}

impl RelationRow {
    pub(crate) fn decode(r: &Row) -> Result<Self> {
        const Q: &str = "relations.sql";
        Ok(RelationRow {
            schema: get(r, Q, "schema")?,
            name: get(r, Q, "name")?,
            relkind: get(r, Q, "relkind")?,
            unlogged: get(r, Q, "unlogged")?,
            is_partition: get(r, Q, "is_partition")?,
            parent_schemas: get(r, Q, "parent_schemas")?,
            parent_names: get(r, Q, "parent_names")?,
            row_estimate: get(r, Q, "row_estimate")?,
            total_bytes: get(r, Q, "total_bytes")?,
            row_bound: get(r, Q, "row_bound")?,
            partition_strategy: get(r, Q, "partition_strategy")?,
            partition_columns: get(r, Q, "partition_columns")?,
        })
    }
}

impl ColumnRow {
    pub(crate) fn decode(r: &Row) -> Result<Self> {
        const Q: &str = "columns.sql";
        Ok(ColumnRow {
            schema: get(r, Q, "schema")?,
            table_name: get(r, Q, "table_name")?,
            attnum: get(r, Q, "attnum")?,
            name: get(r, Q, "name")?,
            type_name: get(r, Q, "type_name")?,
            type_oid: get(r, Q, "type_oid")?,
            domain_base_oid: get(r, Q, "domain_base_oid")?,
            not_null: get(r, Q, "not_null")?,
            default_expr: get(r, Q, "default_expr")?,
            generated_expr: get(r, Q, "generated_expr")?,
            identity: get(r, Q, "identity")?,
            identity_sequence_schema: get(r, Q, "identity_sequence_schema")?,
            identity_sequence_name: get(r, Q, "identity_sequence_name")?,
        })
    }
}

impl ConstraintRow {
    /// Decodes one row of `constraints.sql`, naming its key columns from
    /// `names` (the columns of the tables read) or, where the query gives
    /// them, from the server's own names.
    pub(crate) fn decode(r: &Row, names: &ColumnNames<'_>) -> Result<Self> {
        const Q: &str = "constraints.sql";
        let schema: String = get(r, Q, "schema")?;
        let table_name: String = get(r, Q, "table_name")?;
        let key_attnums: Vec<i16> = get(r, Q, "key_attnums")?;
        let key_names: Option<Vec<String>> = get(r, Q, "key_names")?;
        let referenced_schema: Option<String> = get(r, Q, "referenced_schema")?;
        let referenced_table: Option<String> = get(r, Q, "referenced_table")?;
        let referenced_attnums: Vec<i16> = get(r, Q, "referenced_attnums")?;
        let referenced_names: Option<Vec<String>> = get(r, Q, "referenced_names")?;
        let columns = match key_names {
            Some(n) => n,
            None => names.name_all(Q, "key_attnums", &schema, &table_name, &key_attnums)?,
        };
        if columns.len() != key_attnums.len() {
            return Err(DecodeError {
                query: Q,
                column: "key_names",
                message: format!("{} names for {} attnums", columns.len(), key_attnums.len()),
            });
        }
        let mut by_attnum: Vec<(i16, &String)> =
            key_attnums.iter().copied().zip(&columns).collect();
        by_attnum.sort_by_key(|(attnum, _)| *attnum);
        let columns_by_attnum = by_attnum.into_iter().map(|(_, n)| n.clone()).collect();
        let referenced_columns = match (referenced_names, &referenced_schema, &referenced_table) {
            (Some(n), _, _) => n,
            (None, Some(rs), Some(rt)) => {
                names.name_all(Q, "referenced_attnums", rs, rt, &referenced_attnums)?
            }
            (None, _, _) => Vec::new(),
        };
        Ok(ConstraintRow {
            schema,
            table_name,
            name: get(r, Q, "name")?,
            kind: get(r, Q, "kind")?,
            columns,
            columns_by_attnum,
            referenced_schema,
            referenced_table,
            referenced_columns,
            on_update: get(r, Q, "on_update")?,
            on_delete: get(r, Q, "on_delete")?,
            match_type: get(r, Q, "match_type")?,
            deferrable: get(r, Q, "deferrable")?,
            initially_deferred: get(r, Q, "initially_deferred")?,
            validated: get(r, Q, "validated")?,
            check_expr: get(r, Q, "check_expr")?,
            left_out: get(r, Q, "left_out")?,
        })
    }
}

impl IndexRow {
    /// Decodes one row of `indexes.sql`, naming its columns from `names`.
    pub(crate) fn decode(r: &Row, names: &ColumnNames<'_>) -> Result<Self> {
        const Q: &str = "indexes.sql";
        let schema: String = get(r, Q, "schema")?;
        let table_name: String = get(r, Q, "table_name")?;
        let attnums: Vec<i16> = get(r, Q, "attnums")?;
        let key_count: i32 = get(r, Q, "key_count")?;
        let key_count = usize::try_from(key_count)
            .ok()
            .filter(|&n| n <= attnums.len())
            .ok_or_else(|| DecodeError {
                query: Q,
                column: "key_count",
                message: format!("{key_count} keys in {} columns", attnums.len()),
            })?;
        let (keys, included) = attnums.split_at(key_count);
        let key_columns = keys
            .iter()
            .map(|&attnum| match attnum {
                0 => Ok(None),
                _ => names
                    .name(Q, "attnums", &schema, &table_name, attnum)
                    .map(Some),
            })
            .collect::<Result<Vec<_>>>()?;
        let key_expressions: Option<Vec<Option<String>>> = get(r, Q, "key_expressions")?;
        let key_expressions = key_expressions.unwrap_or_else(|| vec![None; key_count]);
        let include = names.name_all(Q, "attnums", &schema, &table_name, included)?;
        Ok(IndexRow {
            schema,
            table_name,
            name: get(r, Q, "name")?,
            is_unique: get(r, Q, "is_unique")?,
            method: get(r, Q, "method")?,
            key_columns,
            key_expressions,
            include,
            predicate: get(r, Q, "predicate")?,
            expression_columns: get(r, Q, "expression_columns")?,
        })
    }
}

impl SequenceRow {
    pub(crate) fn decode(r: &Row) -> Result<Self> {
        const Q: &str = "sequences.sql";
        Ok(SequenceRow {
            schema: get(r, Q, "schema")?,
            name: get(r, Q, "name")?,
            type_name: get(r, Q, "type_name")?,
            start: get(r, Q, "start")?,
            increment: get(r, Q, "increment")?,
            min_value: get(r, Q, "min_value")?,
            max_value: get(r, Q, "max_value")?,
            cache: get(r, Q, "cache")?,
            cycle: get(r, Q, "cycle")?,
            owner_schema: get(r, Q, "owner_schema")?,
            owner_table: get(r, Q, "owner_table")?,
            owner_column: get(r, Q, "owner_column")?,
        })
    }
}

impl ViewRow {
    pub(crate) fn decode(r: &Row) -> Result<Self> {
        const Q: &str = "views.sql";
        Ok(ViewRow {
            schema: get(r, Q, "schema")?,
            name: get(r, Q, "name")?,
            relkind: get(r, Q, "relkind")?,
            depends_on_schemas: get(r, Q, "depends_on_schemas")?,
            depends_on_names: get(r, Q, "depends_on_names")?,
        })
    }
}

impl TableObjectRow {
    pub(crate) fn decode(r: &Row) -> Result<Self> {
        const Q: &str = "table_objects.sql";
        Ok(TableObjectRow {
            kind: get(r, Q, "kind")?,
            schema: get(r, Q, "schema")?,
            table_name: get(r, Q, "table_name")?,
            name: get(r, Q, "name")?,
            function_schema: get(r, Q, "function_schema")?,
            function_body: get(r, Q, "function_body")?,
            function_name: get(r, Q, "function_name")?,
            policy_using: get(r, Q, "policy_using")?,
            policy_with_check: get(r, Q, "policy_with_check")?,
            definition: get(r, Q, "definition")?,
        })
    }
}
