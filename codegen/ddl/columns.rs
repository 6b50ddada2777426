//! One column definition, from `CREATE TABLE` or `ALTER TABLE … ADD COLUMN`.
//!
//! `serial` and identity columns bring a sequence with them; it is created
//! here, named as PostgreSQL names it (`<table>_<column>_seq`, made unique in
//! the schema), and owned by the column.

use super::coltype::{DeclaredType, declared_type};
use super::constraints::{Decl, DeclKind, foreign_key};
use super::defaults::canonical_default;
use super::error::{Fail, Result};
use super::exprtext::{
    check_ranges, default_range, generated_range, identifier_list, nextval_default,
};
use super::names::{choose_name, fold_ident};
use super::sequence::{SeqOptions, new_sequence, parse_options};
use super::state::Builder;
use super::tokens::Tokens;
use crate::catalog::{Column, ColumnType, Identity, IntKind, QualifiedName};
use sqlparser::ast::{ColumnDef, ColumnOption, GeneratedAs};
use sqlparser::tokenizer::Token;
use std::collections::BTreeMap;

/// Identity option lists found in a statement, by the index of their
/// `IDENTITY` token, plus the token ranges to hide from sqlparser (which
/// cannot read `SEQUENCE NAME`).
pub(crate) struct IdentityOptions {
    /// Parsed options by `IDENTITY` token index.
    pub by_token: BTreeMap<usize, SeqOptions>,
    /// Token ranges of the `( … )` groups.
    pub hidden: Vec<(usize, usize)>,
}

/// Finds every `AS IDENTITY ( … )` and parses its options.
pub(crate) fn identity_options(t: &Tokens) -> Result<IdentityOptions> {
    let mut out = IdentityOptions {
        by_token: BTreeMap::new(),
        hidden: Vec::new(),
    };
    for i in 1..t.len() {
        if t.is_kw(i, "IDENTITY") && t.is_kw(i - 1, "AS") {
            let mut options = SeqOptions::default();
            if t.is(i + 1, &Token::LParen) {
                let close = t
                    .close_paren(i + 1)
                    .ok_or_else(|| Fail::at("unbalanced parenthesis", t.offset(i + 1)))?;
                options = parse_options(&mut t.cursor(i + 2, close))?;
                out.hidden.push((i + 1, close + 1));
            }
            out.by_token.insert(i, options);
        }
    }
    Ok(out)
}

/// A column with what it implies for the rest of the table.
pub(crate) struct BuiltColumn {
    /// The column.
    pub column: Column,
    /// Constraints declared on it (checks without their column lists yet).
    pub decls: Vec<Decl>,
    /// CHECK constraints: explicit name, token range of the expression, offset.
    pub checks: Vec<(Option<String>, (usize, usize), usize)>,
    /// Serial pseudo-type.
    pub serial: Option<IntKind>,
    /// Identity: `ALWAYS`, and its options.
    pub identity: Option<(bool, SeqOptions)>,
}

/// Reads one column definition spanning tokens `lo..hi`.
pub(crate) fn build_column(
    b: &Builder,
    t: &Tokens,
    cd: &ColumnDef,
    (lo, hi): (usize, usize),
    identity: &IdentityOptions,
) -> Result<BuiltColumn> {
    let name = fold_ident(&cd.name);
    let at = t.offset(lo);
    let (data_type, serial) = match declared_type(&cd.data_type, b).map_err(|f| Fail {
        at: f.at.or(Some(at)),
        ..f
    })? {
        DeclaredType::Plain(ty) => (ty, None),
        DeclaredType::Serial(kind) => (ColumnType::int(kind), Some(kind)),
    };
    let mut out = BuiltColumn {
        column: Column {
            name: name.clone(),
            data_type,
            not_null: serial.is_some(),
            default: None,
            identity: None,
            generated: None,
        },
        decls: Vec::new(),
        checks: Vec::new(),
        serial,
        identity: None,
    };
    let mut check_texts = check_ranges(t, lo, hi).into_iter();
    for def in &cd.options {
        let constraint_name = def.name.as_ref().map(fold_ident);
        match &def.option {
            ColumnOption::Null | ColumnOption::Collation(_) | ColumnOption::Comment(_) => {}
            ColumnOption::NotNull => out.column.not_null = true,
            ColumnOption::Default(expr) => {
                if serial.is_some() {
                    return Err(Fail::at(
                        format!("multiple default values specified for column `{name}`"),
                        at,
                    ));
                }
                let (dlo, dhi) = default_range(t, lo, hi)
                    .ok_or_else(|| Fail::at("cannot find the DEFAULT expression", at))?;
                out.column.default = canonical_default(
                    b,
                    expr,
                    t.slice(dlo, dhi),
                    &out.column.data_type,
                    t.offset(dlo),
                )?;
            }
            ColumnOption::PrimaryKey(pk) => out.decls.push(Decl {
                name: constraint_name.or_else(|| pk.name.as_ref().map(fold_ident)),
                kind: DeclKind::Primary(vec![name.clone()]),
                at,
            }),
            ColumnOption::Unique(u) => out.decls.push(Decl {
                name: constraint_name.or_else(|| u.name.as_ref().map(fold_ident)),
                kind: DeclKind::Unique(vec![name.clone()]),
                at,
            }),
            ColumnOption::ForeignKey(fk) => out.decls.push(Decl {
                name: constraint_name.or_else(|| fk.name.as_ref().map(fold_ident)),
                kind: DeclKind::Foreign(foreign_key(fk, Some(vec![name.clone()]), true)?),
                at,
            }),
            ColumnOption::Check(c) => {
                let range = check_texts
                    .next()
                    .ok_or_else(|| Fail::at("cannot find the CHECK expression", at))?;
                out.checks.push((
                    constraint_name.or_else(|| c.name.as_ref().map(fold_ident)),
                    range,
                    at,
                ));
            }
            ColumnOption::Generated {
                generation_expr: Some(_),
                ..
            } => {
                let (glo, ghi) = generated_range(t, lo, hi)
                    .ok_or_else(|| Fail::at("cannot find the generation expression", at))?;
                out.column.generated = Some(t.slice(glo, ghi).to_string());
            }
            ColumnOption::Generated { generated_as, .. } => {
                let token = (lo..hi).find(|i| identity.by_token.contains_key(i));
                let options = token
                    .and_then(|i| identity.by_token.get(&i))
                    .cloned()
                    .unwrap_or_default();
                out.identity = Some((matches!(generated_as, GeneratedAs::Always), options));
                out.column.not_null = true;
            }
            other => {
                return Err(Fail::at(
                    format!("unsupported column option `{other}` on column `{name}`"),
                    at,
                ));
            }
        }
    }
    if out.identity.is_some() && (out.serial.is_some() || out.column.default.is_some()) {
        return Err(Fail::at(
            format!("both default and identity specified for column `{name}`"),
            at,
        ));
    }
    Ok(out)
}

/// The sequence a `nextval('…')` literal names, looked up on the path; a
/// sequence not (yet) defined resolves to the creation schema.
pub(crate) fn sequence_for_literal(b: &Builder, literal: &str, at: usize) -> Result<QualifiedName> {
    let parts = identifier_list(literal)
        .ok_or_else(|| Fail::at(format!("`{literal}` is not a sequence name"), at))?;
    match b.resolve(&parts, |q| b.sequences.contains_key(q)) {
        Some(q) => Ok(q),
        None => b.qualify_new(&parts),
    }
}

/// Creates the sequence behind a serial or identity column of `table` and
/// wires the column to it.
pub(crate) fn attach_sequence(
    b: &mut Builder,
    table: &QualifiedName,
    built: &mut BuiltColumn,
    at: usize,
) -> Result<()> {
    let column = &mut built.column;
    let (options, always) = match (&built.serial, &built.identity) {
        (Some(_), _) => (SeqOptions::default(), None),
        (None, Some((always, options))) => (options.clone(), Some(*always)),
        (None, None) => return Ok(()),
    };
    let kind = column.data_type.int_kind.ok_or_else(|| {
        Fail::at(
            format!(
                "identity column `{}` must be smallint, integer, or bigint",
                column.name
            ),
            at,
        )
    })?;
    let name = match &options.sequence_name {
        Some(parts) => {
            let q = match parts.as_slice() {
                [n] => QualifiedName::new(table.schema.clone(), n.clone()),
                _ => b.qualify_new(parts)?,
            };
            if b.relation_taken(&q.schema, &q.name) {
                return Err(Fail::at(
                    format!("relation `{}` already exists", q.display()),
                    at,
                ));
            }
            q
        }
        None => QualifiedName::new(
            table.schema.clone(),
            choose_name(&table.name, Some(&column.name), "seq", |n| {
                b.relation_taken(&table.schema, n)
            }),
        ),
    };
    let mut seq = new_sequence(name.clone(), &options, kind);
    seq.owned_by = Some((table.clone(), column.name.clone()));
    b.sequences.insert(name.clone(), seq);
    match always {
        None => column.default = Some(nextval_default(&name)),
        Some(always) => {
            column.identity = Some(Identity {
                always,
                sequence: name,
            })
        }
    }
    Ok(())
}
