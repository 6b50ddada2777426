//! Offline DDL parser: SQL text (hand-written, or `pg_dump --schema-only`
//! output) to the [`Catalog`].
//!
//! The pipeline is: split the script the way psql does (quotes, dollar
//! quoting, comments, `COPY … FROM stdin` data, meta-commands), classify each
//! statement from its first words, and hand the ones that shape the catalog
//! to a handler per statement kind. Handlers use sqlparser
//! (`PostgreSqlDialect`) for structure and sqlparser's tokens for the pg_dump
//! forms it cannot parse and for exact expression text. Statements that do
//! not affect the catalog are counted in [`ParsedSchema::skipped`]; a
//! statement that affects it and cannot be understood is an error, never
//! skipped.
//!
//! # Conventions shared with live introspection
//!
//! The result must equal what introspecting the loaded schema produces.
//! Checked against PostgreSQL 15 for the whole corpus (pg_dump files compare
//! equal field by field), these are the rules both producers follow:
//!
//! - Names are as stored: unquoted identifiers folded to lower case (ASCII
//!   only), every identifier cut to 63 bytes; names PostgreSQL chooses
//!   (`t_pkey`, `t_a_b_key`, `t_a_fkey`, `t_a_check`, `t_check`, `t_a_idx`,
//!   `t_id_seq`, numbered on collision) are chosen the same way.
//! - Types are `format_type(atttypid, atttypmod)` with `search_path = ''`
//!   (so user types are schema-qualified); a domain is never an integer.
//! - Defaults, generation expressions, CHECK expressions (the text inside
//!   `CHECK (…)`), index expressions and predicates are `pg_get_expr` /
//!   per-column `pg_get_indexdef(…, false)` text with `search_path = ''`.
//!   pg_dump writes exactly that text, so it is kept; hand-written defaults
//!   are normalized where the printed form is certain (see `defaults`), other
//!   hand-written expressions keep their source text.
//! - `CheckConstraint::columns` and `Index::expression_columns` are in
//!   column (`attnum`) order.
//! - Partitions list the key constraints and indexes PostgreSQL creates on
//!   them; foreign keys cloned to partitions (`conparentid <> 0`) and CHECKs
//!   inherited from a parent (`conislocal = false`) are not listed.
//! - A view depends on the tables and views it reads, not on sequences,
//!   foreign tables or system catalogs.
//! - A sequence's `min_value` / `max_value` are `None` when they are the
//!   defaults for its type and direction.
//! - A trigger's function is schema-qualified (`pg_catalog` for built-ins).

mod ahead;
mod alter_column;
mod alter_misc;
mod alter_table;
mod classify;
mod coltype;
mod columns;
mod constraints;
mod create_table;
mod defaults;
mod drop;
mod error;
mod exprtext;
mod fast_index;
mod index;
mod names;
mod objects;
pub use objects::{rule_condition, trigger_when};
mod rename;
mod resolve;
mod sequence;
mod sequence_stmt;
mod session;
mod split;
mod state;
mod tokens;
mod view;

#[cfg(test)]
mod tests;

pub use error::DdlError;

use crate::catalog::Catalog;
use classify::{Kind, classify};
use split::{PieceKind, split};
use state::Builder;
use std::collections::BTreeMap;

/// A parsed schema script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedSchema {
    /// The catalog the script builds.
    pub catalog: Catalog,
    /// Statements that do not affect the catalog, by kind (e.g. `GRANT`,
    /// `COMMENT`, `CREATE FUNCTION`, `psql meta-command`, `COPY data`).
    pub skipped: BTreeMap<String, usize>,
}

/// Parses a whole script. `file_name` is only used in error messages.
pub fn parse_schema(file_name: &str, sql: &str) -> Result<ParsedSchema, DdlError> {
    parse_schema_with(file_name, sql, true)
}

/// As [`parse_schema`], with every statement read by sqlparser: what the
/// fast paths (`fast_index`) are checked against.
#[doc(hidden)]
pub fn parse_schema_without_fast_paths(
    file_name: &str,
    sql: &str,
) -> Result<ParsedSchema, DdlError> {
    parse_schema_with(file_name, sql, false)
}

fn parse_schema_with(
    file_name: &str,
    sql: &str,
    fast_paths: bool,
) -> Result<ParsedSchema, DdlError> {
    let mut b = Builder::default();
    b.fast_paths = fast_paths;
    let pieces = split(sql);
    ahead::with_tables(sql, &pieces, |mut tables| {
        for piece in &pieces {
            let text = &sql[piece.start..piece.end];
            let done = match piece.kind {
                PieceKind::MetaCommand => {
                    b.skip(meta_label(text));
                    Ok(())
                }
                PieceKind::CopyData => {
                    b.skip("COPY data");
                    Ok(())
                }
                PieceKind::Statement if ahead::is_create_table(sql, piece) => tables
                    .next(text, piece.start)
                    .and_then(|read| create_table::apply(&mut b, read, piece.start)),
                PieceKind::Statement => statement(&mut b, text, piece.start),
            };
            done.map_err(|f| DdlError::new(file_name, sql, piece.start, f))?;
        }
        Ok(())
    })?;
    resolve::finish(&mut b).map_err(|(start, f)| DdlError::new(file_name, sql, start, f))?;
    let (catalog, skipped) = b.into_catalog();
    Ok(ParsedSchema { catalog, skipped })
}

/// The columns of `columns` an expression such as a generation expression
/// mentions, in column order: a token scan (`exprtext::mentioned_columns`)
/// that works the same on source text and on what the server prints, and
/// errs towards finding a column. An expression that does not tokenize
/// mentions every column.
pub fn mentioned_columns(expression: &str, columns: &[&str]) -> Vec<String> {
    match tokens::tokenize(expression) {
        Ok(t) => exprtext::mentioned_columns(&t, 0, t.len(), columns),
        Err(_) => columns.iter().map(|c| c.to_string()).collect(),
    }
}

/// The statements of a script as psql would send them (without the
/// terminating `;`), and its meta-command lines (starting with `\`), in
/// order; `COPY … FROM stdin` data is left out. For tools that need to
/// look at statements one by one, such as re-parsing generated SQL.
pub fn split_statements(sql: &str) -> Vec<&str> {
    split(sql)
        .into_iter()
        .filter(|p| p.kind != PieceKind::CopyData)
        .map(|p| &sql[p.start..p.end])
        .collect()
}

/// psql's `\i` includes are named apart: the parser does no I/O, so the
/// included files are not read.
fn meta_label(text: &str) -> &'static str {
    let command = text.split_whitespace().next().unwrap_or_default();
    match command {
        "\\i" | "\\ir" | "\\include" | "\\include_relative" => "psql \\i include (not followed)",
        _ => "psql meta-command",
    }
}

/// Dispatches one statement to its handler.
fn statement(b: &mut Builder, text: &str, start: usize) -> error::Result<()> {
    match classify(text) {
        Kind::CreateTable => create_table::read(text).and_then(|r| create_table::apply(b, r, start)),
        Kind::CreateIndex => index::create_index(b, text),
        Kind::CreateView => view::create_view(b, text),
        Kind::CreateSequence => sequence_stmt::create_sequence(b, text),
        Kind::CreateTrigger => objects::create_trigger(b, text),
        Kind::CreatePolicy => objects::create_policy(b, text),
        Kind::AlterPolicy => objects::alter_policy(b, text),
        Kind::CreateRule => objects::create_rule(b, text),
        // Only names are kept: a form we cannot name is still just a type,
        // function or foreign table, none of which the catalog holds.
        Kind::CreateType(keyword) => {
            if let Ok(name) = objects::created_name(b, text, keyword) {
                if keyword == "DOMAIN" {
                    b.domains.insert(name.clone());
                    match objects::domain_int_kind(b, text) {
                        Some(kind) => b.int_domains.insert(name.clone(), kind),
                        None => b.int_domains.remove(&name),
                    };
                }
                b.user_types.insert(name);
            }
            b.skip(format!("CREATE {keyword}"));
            Ok(())
        }
        Kind::CreateFunction(keyword) => {
            if let Ok(name) = objects::created_name(b, text, keyword) {
                match objects::function_body(text) {
                    Some(body) => b.function_bodies.insert(name.clone(), body),
                    None => b.function_bodies.remove(&name),
                };
                b.functions.insert(name);
            }
            b.skip(format!("CREATE {keyword}"));
            Ok(())
        }
        Kind::CreateForeignTable => {
            if let Ok(name) = objects::created_name(b, text, "TABLE") {
                b.foreign_tables.insert(name);
            }
            b.skip("CREATE FOREIGN TABLE");
            Ok(())
        }
        Kind::AlterTable => alter_table::alter_table(b, text, start),
        Kind::AlterSequence => sequence_stmt::alter_sequence_stmt(b, text),
        Kind::AlterIndex => alter_misc::alter_index(b, text),
        Kind::AlterView => alter_misc::alter_view(b, text),
        Kind::Drop => drop::drop_statement(b, text),
        Kind::Set => session::set(b, text),
        Kind::Reset => session::reset(b, text),
        Kind::Select => session::select(b, text),
        Kind::Do if classify::runs_ddl(text) => Err(error::Fail::new(
            "this DO block changes tables, indexes, sequences or views, which keyshift cannot follow",
        )
        .with_help("Write the DDL as plain statements, or introspect a loaded database instead.")),
        Kind::CreateSchema if classify::runs_ddl(text) => Err(error::Fail::new(
            "CREATE SCHEMA with embedded schema elements is not supported",
        )
        .with_help("Create the schema, then its tables, views and indexes as separate statements.")),
        Kind::CreateSchema => {
            b.skip("CREATE SCHEMA");
            Ok(())
        }
        Kind::Do => {
            b.skip("DO");
            Ok(())
        }
        Kind::Skip(label) => {
            b.skip(label);
            Ok(())
        }
    }
}
