//! Live introspection: a running PostgreSQL to the same [`Catalog`] the DDL
//! path builds.
//!
//! Three types, three steps:
//! - the catalog queries are `.sql` files in `queries/`, compiled in with
//!   `include_str!`; there is a fixed number of them (one per kind of
//!   object, never one per table);
//! - [`read_rows`] runs them all in one `REPEATABLE READ READ ONLY`
//!   transaction (one consistent snapshot) with `search_path` set to `''`,
//!   so `format_type` and `pg_get_expr` qualify names exactly as pg_dump
//!   prints them and as `crate::ddl` expects, and decodes each row into a
//!   plain struct (`rows`);
//! - [`lower`] turns the rows into the catalog, with no I/O.
//!
//! Rules shared with the DDL path (see `crate::ddl`'s module docs) live in
//! the queries: pg_catalog rather than information_schema (constraint names
//! are unique only per table, `key_column_usage` hides columns the user has
//! no privilege on), key column order from `unnest(conkey) WITH ORDINALITY`,
//! FKs cloned to partitions and inherited CHECKs left out, system schemas
//! (`pg_*`, `information_schema`) and extension-owned relations
//! (`pg_depend.deptype = 'e'`) excluded.
//!
//! The one live-only fact, [`crate::catalog::TableStats`], lands in
//! `Catalog::table_stats`; [`Catalog::schema_only`] drops it for comparison.

mod lower;
mod rows;

pub mod source;

pub use lower::{LowerError, lower};
pub use rows::{
    ColumnRow, ConstraintRow, DecodeError, IndexRow, RelationRow, Rows, SequenceRow,
    TableObjectRow, ViewRow,
};

use crate::catalog::Catalog;
use postgres::{Client, IsolationLevel, Row};
use std::fmt;

/// The oldest server the queries are written for (`server_version_num`).
pub const MIN_SERVER_VERSION: i32 = 140000;

/// The catalog queries, by file name, in the order they run.
pub const QUERIES: [(&str, &str); 7] = [
    ("relations.sql", include_str!("queries/relations.sql")),
    ("columns.sql", include_str!("queries/columns.sql")),
    ("constraints.sql", include_str!("queries/constraints.sql")),
    ("indexes.sql", include_str!("queries/indexes.sql")),
    ("sequences.sql", include_str!("queries/sequences.sql")),
    ("views.sql", include_str!("queries/views.sql")),
    (
        "table_objects.sql",
        include_str!("queries/table_objects.sql"),
    ),
];

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
    lower(&read_rows(client)?).map_err(IntrospectError::Lower)
}

/// Runs every query in [`QUERIES`] in one read-only repeatable-read
/// transaction and decodes the rows.
pub fn read_rows(client: &mut Client) -> Result<Rows, IntrospectError> {
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
             pg_catalog.current_setting('server_version')",
            &[],
        )
        .map_err(query_err("server version"))?;
    let version_num: i32 = version.get(0);
    if version_num < MIN_SERVER_VERSION {
        return Err(IntrospectError::UnsupportedServer {
            version: version.get(1),
        });
    }
    tx.batch_execute("SET LOCAL search_path = ''")
        .map_err(query_err("SET LOCAL search_path"))?;

    let mut run = |i: usize| -> Result<Vec<Row>, IntrospectError> {
        let (name, sql) = QUERIES[i];
        tx.query(sql, &[]).map_err(query_err(name))
    };
    let relations = decode_all(run(0)?, RelationRow::decode)?;
    let columns = decode_all(run(1)?, ColumnRow::decode)?;
    let constraints = decode_all(run(2)?, ConstraintRow::decode)?;
    let indexes = decode_all(run(3)?, IndexRow::decode)?;
    let sequences = decode_all(run(4)?, SequenceRow::decode)?;
    let views = decode_all(run(5)?, ViewRow::decode)?;
    let table_objects = decode_all(run(6)?, TableObjectRow::decode)?;
    tx.commit().map_err(query_err("COMMIT"))?;
    Ok(Rows {
        relations,
        columns,
        constraints,
        indexes,
        sequences,
        views,
        table_objects,
    })
}

fn decode_all<T>(
    rows: Vec<Row>,
    f: fn(&Row) -> Result<T, DecodeError>,
) -> Result<Vec<T>, IntrospectError> {
    rows.iter()
        .map(f)
        .collect::<Result<Vec<_>, _>>()
        .map_err(IntrospectError::Decode)
}
