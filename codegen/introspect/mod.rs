//! Live introspection: a running PostgreSQL to the same [`Catalog`] the DDL
//! path builds.
//!
//! Three types, three steps:
//! - the catalog queries are `.sql` files in `queries/`, compiled in with
//!   `include_str!`; there is a fixed number of them (one per kind of
//!   object, never one per table). The first applies the filters
//!   (`scope.sql`) and returns every relation in scope; the others take
//!   those relations back as parameters (`scoped.sql`) instead of
//!   evaluating the filters again;
//! - [`read_rows`] runs them all in one `REPEATABLE READ READ ONLY`
//!   transaction (one consistent snapshot) with `search_path` set to `''`,
//!   so `format_type` and `pg_get_expr` qualify names exactly as pg_dump
//!   prints them and as `crate::ddl` expects, and decodes each row into a
//!   plain struct (`rows`), naming constraint and index columns (which the
//!   queries return as attnums) from the column rows;
//! - [`lower`] turns the rows into the catalog, with no I/O.
//!
//! Rules shared with the DDL path (see `crate::ddl`'s module docs) live in
//! the queries: pg_catalog rather than information_schema (constraint names
//! are unique only per table, `key_column_usage` hides columns the user has
//! no privilege on), key column order from `conkey` as stored,
//! FKs cloned to partitions and inherited CHECKs left out, system schemas
//! (`pg_*`, `information_schema`) and extension-owned relations
//! (`pg_depend.deptype = 'e'`) excluded.
//!
//! The one live-only fact, [`crate::catalog::TableStats`], lands in
//! `Catalog::table_stats`; [`Catalog::schema_only`] drops it for comparison.

mod lower;
mod rows;

use rows::ColumnNames;

pub mod evidence;
pub mod source;
pub mod tls;

pub use lower::{LowerError, lower};
use rows::ScopeRow;
pub use rows::{
    ColumnRow, ConstraintRow, DecodeError, DistributedRow, IndexRow, RelationRow, Rows,
    SequenceRow, TableObjectRow, ViewRow,
};

use crate::catalog::Catalog;
use postgres::types::Type;
use postgres::{Client, IsolationLevel, Row};
use std::fmt;

/// The oldest server the queries are written for (`server_version_num`).
pub const MIN_SERVER_VERSION: i32 = 140000;

/// The catalog queries, by file name, in the order they run. The first is
/// `queries/scope.sql` (the relations in scope, after the filters) followed
/// by `queries/relations.sql`, and returns every relation in scope; each
/// other one is `queries/scoped.sql`, which takes those relations back as
/// parameters ([`SCOPED_PARAMS`]), followed by its own file.
pub const QUERIES: [(&str, &str); 7] = [
    (
        "relations.sql",
        concat!(
            include_str!("queries/scope.sql"),
            include_str!("queries/relations.sql")
        ),
    ),
    (
        "columns.sql",
        concat!(
            include_str!("queries/scoped.sql"),
            include_str!("queries/columns.sql")
        ),
    ),
    (
        "constraints.sql",
        concat!(
            include_str!("queries/scoped.sql"),
            include_str!("queries/constraints.sql")
        ),
    ),
    (
        "indexes.sql",
        concat!(
            include_str!("queries/scoped.sql"),
            include_str!("queries/indexes.sql")
        ),
    ),
    (
        "sequences.sql",
        concat!(
            include_str!("queries/scoped.sql"),
            include_str!("queries/sequences.sql")
        ),
    ),
    (
        "views.sql",
        concat!(
            include_str!("queries/scoped.sql"),
            include_str!("queries/views.sql")
        ),
    ),
    (
        "table_objects.sql",
        concat!(
            include_str!("queries/scoped.sql"),
            include_str!("queries/table_objects.sql")
        ),
    ),
];

/// Run after [`QUERIES`], only on a Citus coordinator (where the version
/// statement finds `pg_dist_partition`): one more statement there, none
/// elsewhere.
pub const CITUS_QUERY: (&str, &str) = (
    "citus.sql",
    concat!(
        include_str!("queries/scoped.sql"),
        include_str!("queries/citus.sql")
    ),
);

/// The parameter types of every query after the first (`queries/scoped.sql`):
/// the relations' oids, schemas, names and relkinds, and whether a filter
/// was given. Declared, so a query need not mention every one.
pub const SCOPED_PARAMS: [Type; 5] = [
    Type::OID_ARRAY,
    Type::TEXT_ARRAY,
    Type::TEXT_ARRAY,
    Type::TEXT_ARRAY,
    Type::BOOL,
];

/// Every statement [`read_rows`] sends, whatever the size of the database:
/// `BEGIN`, the server version (and search path, and whether this is a
/// Citus coordinator), one `SET LOCAL` batch, the [`QUERIES`], `COMMIT`;
/// plus [`CITUS_QUERY`] on a Citus coordinator.
pub const STATEMENTS: usize = QUERIES.len() + 4;

/// Why introspection failed once connected.
#[derive(Debug)]
pub enum IntrospectError {
    /// The server is older than [`MIN_SERVER_VERSION`].
    UnsupportedServer {
        /// `server_version` as the server reports it.
        version: String,
    },
    /// A statement failed (lost connection, missing privilege, …).
    Query {
        /// The query file, or the statement, that failed.
        what: &'static str,
        /// The driver's error.
        source: postgres::Error,
    },
    /// A row did not have the shape its query promises.
    Decode(DecodeError),
    /// The rows did not fit the model.
    Lower(LowerError),
    /// A foreign key crosses the filters' edge (see [`Filter`]).
    CutForeignKey(String),
}

impl fmt::Display for IntrospectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntrospectError::UnsupportedServer { version } => write!(
                f,
                "PostgreSQL {version} is not supported; keyshift needs {} or newer",
                MIN_SERVER_VERSION / 10000
            ),
            IntrospectError::Query { what, source } => {
                write!(
                    f,
                    "reading the catalog failed ({what}): {}",
                    describe(source)
                )
            }
            IntrospectError::Decode(e) => write!(
                f,
                "unexpected result from {} (column {}): {}",
                e.query, e.column, e.message
            ),
            IntrospectError::Lower(e) => write!(f, "unexpected catalog contents: {e}"),
            IntrospectError::CutForeignKey(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for IntrospectError {}

/// A driver error in one line: the server's message (and detail) when
/// there is one, else the driver's own text.
pub fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{}: {}", db.severity(), db.message());
            if let Some(detail) = db.detail() {
                s.push_str(&format!(" ({detail})"));
            }
            s
        }
        None => match std::error::Error::source(e) {
            Some(inner) if !e.to_string().contains(&inner.to_string()) => format!("{e}: {inner}"),
            _ => e.to_string(),
        },
    }
}

/// Reads the whole catalog through `client`.
pub fn introspect(client: &mut Client) -> Result<Catalog, IntrospectError> {
    introspect_filtered(client, &Filter::default())
}

/// Reads the part of the catalog `filter` selects through `client`.
pub fn introspect_filtered(
    client: &mut Client,
    filter: &Filter,
) -> Result<Catalog, IntrospectError> {
    let rows = read_rows(client, filter)?;
    if let Some(k) = rows.constraints.iter().find(|k| k.left_out.is_some()) {
        return Err(IntrospectError::CutForeignKey(lower::cut_foreign_key(k)));
    }
    lower(&rows).map_err(IntrospectError::Lower)
}

/// Runs every query in [`QUERIES`] in one read-only repeatable-read
/// transaction and decodes the rows: [`STATEMENTS`] statements in all.
///
/// JIT is turned off for the transaction: the catalog queries are cheap
/// per row, but their cost estimates (set-returning functions over arrays)
/// can exceed `jit_above_cost`, and compiling them then costs seconds
/// (four times the whole read on 2,000 tables). The queries have no
/// `ORDER BY`: [`lower`] sorts.
pub fn read_rows(client: &mut Client, filter: &Filter) -> Result<Rows, IntrospectError> {
    let query_err = |what: &'static str| move |source| IntrospectError::Query { what, source };
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(query_err("BEGIN"))?;
    let version = tx
        .query_one(
            "SELECT pg_catalog.current_setting('server_version_num')::int4, \
             pg_catalog.current_setting('server_version'), \
             pg_catalog.current_schemas(true)::text[], \
             pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL",
            &[],
        )
        .map_err(query_err("server version"))?;
    let version_num: i32 = version.get(0);
    if version_num < MIN_SERVER_VERSION {
        return Err(IntrospectError::UnsupportedServer {
            version: version.get(1),
        });
    }
    let search_path: Vec<String> = version.get(2);
    let citus: bool = version.get(3);
    tx.batch_execute("SET LOCAL search_path = ''; SET LOCAL jit = off")
        .map_err(query_err("SET LOCAL"))?;

    let p = filter.params();
    let params: [&(dyn postgres::types::ToSql + Sync); 5] = [
        &p.schemas,
        &p.exclude_schemas,
        &p.table_schemas,
        &p.table_names,
        &search_path,
    ];
    let (name, sql) = QUERIES[0];
    let in_scope = tx.query(sql, &params).map_err(query_err(name))?;
    let mut scope = Scope::default();
    let mut relations = Vec::new();
    for row in &in_scope {
        let relation = ScopeRow::decode(row).map_err(IntrospectError::Decode)?;
        if matches!(relation.relkind.as_str(), "r" | "p") {
            relations.push(RelationRow::decode(row).map_err(IntrospectError::Decode)?);
        }
        scope.push(relation);
    }
    drop(in_scope);
    let filtered = !filter.is_empty();
    let params: [&(dyn postgres::types::ToSql + Sync); 5] = [
        &scope.oids,
        &scope.schemas,
        &scope.names,
        &scope.relkinds,
        &filtered,
    ];
    let mut run = |(name, sql): (&'static str, &'static str)| -> Result<Vec<Row>, IntrospectError> {
        let statement = tx
            .prepare_typed(sql, &SCOPED_PARAMS)
            .map_err(query_err(name))?;
        tx.query(&statement, &params).map_err(query_err(name))
    };
    let columns = decode_all(run(QUERIES[1])?, ColumnRow::decode)?;
    let names = ColumnNames::new(&columns);
    let constraints = decode_all(run(QUERIES[2])?, |r| ConstraintRow::decode(r, &names))?;
    let indexes = decode_all(run(QUERIES[3])?, |r| IndexRow::decode(r, &names))?;
    drop(names);
    let sequences = decode_all(run(QUERIES[4])?, SequenceRow::decode)?;
    let views = decode_all(run(QUERIES[5])?, ViewRow::decode)?;
    let table_objects = decode_all(run(QUERIES[6])?, TableObjectRow::decode)?;
    let distributed = if citus {
        decode_all(run(CITUS_QUERY)?, DistributedRow::decode)?
    } else {
        Vec::new()
    };
    tx.commit().map_err(query_err("COMMIT"))?;
    Ok(Rows {
        relations,
        columns,
        constraints,
        indexes,
        sequences,
        views,
        table_objects,
        distributed,
    })
}

/// The relations `relations.sql` returned, as the parameters of the other
/// queries (`queries/scoped.sql`): parallel arrays.
#[derive(Debug, Default)]
struct Scope {
    oids: Vec<u32>,
    schemas: Vec<String>,
    names: Vec<String>,
    relkinds: Vec<String>,
}

impl Scope {
    fn push(&mut self, r: ScopeRow) {
        self.oids.push(r.oid);
        self.schemas.push(r.schema);
        self.names.push(r.name);
        self.relkinds.push(r.relkind);
    }
}

/// What to read, in pg_dump's terms: `--schema`/`-n`, `--exclude-schema`/`-N`
/// and `--table`/`-t` patterns (each repeatable). Empty: everything.
///
/// As in pg_dump: a pattern is a name in which `*` matches any run of
/// characters and `?` any one character; letters outside double quotes are
/// folded to lower case, and a double-quoted part is matched exactly (`""`
/// in it is one `"`); other regular-expression characters outside quotes
/// keep their meaning, except `$`, which is literal. A table pattern may be
/// `schema.table`; without a schema it matches the tables visible in the
/// connection's search path. `--table` selects relations (tables, views,
/// materialized views, sequences) whatever the schema filters say; with no
/// `--table`, a relation is read when its schema matches some `--schema`
/// (if any is given) and no `--exclude-schema`. A sequence owned by a table
/// that is read is read too. The filters are applied by the catalog
/// queries themselves (`queries/scope.sql`), as query parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// `--schema` patterns.
    pub schemas: Vec<String>,
    /// `--exclude-schema` patterns.
    pub exclude_schemas: Vec<String>,
    /// `--table` patterns.
    pub tables: Vec<String>,
}

/// The filter as the queries take it: anchored regular expressions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterParams {
    /// `$1`.
    pub schemas: Vec<String>,
    /// `$2`.
    pub exclude_schemas: Vec<String>,
    /// `$3`: each `--table`'s schema part, `None` when it has none.
    pub table_schemas: Vec<Option<String>>,
    /// `$4`: each `--table`'s name part.
    pub table_names: Vec<String>,
}

impl Filter {
    /// Whether it selects everything.
    pub fn is_empty(&self) -> bool {
        self.schemas.is_empty() && self.exclude_schemas.is_empty() && self.tables.is_empty()
    }

    /// Checks every pattern, naming the first bad one.
    pub fn validate(&self) -> Result<(), String> {
        for (flag, patterns, max_parts) in [
            ("--schema", &self.schemas, 1),
            ("--exclude-schema", &self.exclude_schemas, 1),
            ("--table", &self.tables, 2),
        ] {
            for p in patterns {
                let parts = pattern_regexes(p)?;
                if parts.len() > max_parts {
                    return Err(format!(
                        "{flag} {p:?}: improper qualified name (too many dotted names)"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The query parameters. Patterns that [`Filter::validate`] rejects
    /// select nothing.
    pub fn params(&self) -> FilterParams {
        let one = |p: &String| match pattern_regexes(p).as_deref() {
            Ok([only]) => only.clone(),
            _ => NOTHING.to_string(),
        };
        let mut params = FilterParams {
            schemas: self.schemas.iter().map(one).collect(),
            exclude_schemas: self.exclude_schemas.iter().map(one).collect(),
            ..FilterParams::default()
        };
        for p in &self.tables {
            let (schema, name) = match pattern_regexes(p).as_deref() {
                Ok([name]) => (None, name.clone()),
                Ok([schema, name]) => (Some(schema.clone()), name.clone()),
                _ => (Some(NOTHING.to_string()), NOTHING.to_string()),
            };
            params.table_schemas.push(schema);
            params.table_names.push(name);
        }
        params
    }
}

/// A regular expression no name matches.
const NOTHING: &str = "^\\b\\B$";

/// A pg_dump name pattern as one anchored regular expression per dotted
/// part (PostgreSQL's `patternToSQLRegex`). An empty part matches anything.
pub fn pattern_regexes(pattern: &str) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if in_quotes && chars.peek() == Some(&'"') => {
                chars.next();
                current.push('"');
            }
            '"' => in_quotes = !in_quotes,
            '.' if !in_quotes => parts.push(std::mem::take(&mut current)),
            '*' if !in_quotes => current.push_str(".*"),
            '?' if !in_quotes => current.push('.'),
            '$' if !in_quotes => current.push_str("\\$"),
            c if !in_quotes => current.push(c.to_ascii_lowercase()),
            c if "|*+?()[]{}.^$\\".contains(c) => {
                current.push('\\');
                current.push(c);
            }
            c => current.push(c),
        }
    }
    if in_quotes {
        return Err(format!("pattern {pattern:?} has an unterminated quote"));
    }
    parts.push(current);
    Ok(parts
        .into_iter()
        .map(|p| {
            if p.is_empty() {
                "^.*$".to_string()
            } else {
                format!("^({p})$")
            }
        })
        .collect())
}

fn decode_all<T>(
    rows: Vec<Row>,
    f: impl Fn(&Row) -> Result<T, DecodeError>,
) -> Result<Vec<T>, IntrospectError> {
    rows.iter()
        .map(f)
        .collect::<Result<Vec<_>, _>>()
        .map_err(IntrospectError::Decode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_follow_pg_dump() {
        let re = |p: &str| pattern_regexes(p).expect("valid");
        assert_eq!(re("Users"), ["^(users)$"]);
        assert_eq!(re("app.user_*"), ["^(app)$", "^(user_.*)$"]);
        assert_eq!(re("t?"), ["^(t.)$"]);
        assert_eq!(re("\"Mixed.Case*\""), ["^(Mixed\\.Case\\*)$"]);
        assert_eq!(re("\"App\".\"Q\"\"x\""), ["^(App)$", "^(Q\"x)$"]);
        assert_eq!(re("cost$"), ["^(cost\\$)$"]);
        assert_eq!(re("t[0-9]"), ["^(t[0-9])$"], "regex classes pass through");
        assert_eq!(re("app."), ["^(app)$", "^.*$"]);
        assert!(pattern_regexes("\"open").is_err());
    }

    #[test]
    fn filters_become_parameters() {
        let f = Filter {
            schemas: vec!["App*".into()],
            exclude_schemas: vec!["app_old".into()],
            tables: vec!["users".into(), "billing.inv*".into()],
        };
        f.validate().expect("valid");
        let p = f.params();
        assert_eq!(p.schemas, ["^(app.*)$"]);
        assert_eq!(p.exclude_schemas, ["^(app_old)$"]);
        assert_eq!(p.table_schemas, [None, Some("^(billing)$".to_string())]);
        assert_eq!(p.table_names, ["^(users)$", "^(inv.*)$"]);
        assert!(Filter::default().is_empty());
        let bad = Filter {
            schemas: vec!["a.b".into()],
            ..Filter::default()
        };
        assert!(bad.validate().unwrap_err().contains("--schema \"a.b\""));
        let bad = Filter {
            tables: vec!["a.b.c".into()],
            ..Filter::default()
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn the_statement_count_is_fixed() {
        // BEGIN, version, SET LOCAL, the queries, COMMIT; the live test in
        // tests/introspect_filters.rs counts what the server logs.
        assert_eq!(STATEMENTS, 11);
        assert!(QUERIES.iter().all(|(_, sql)| sql.contains("scope AS")));
    }
}
