//! PRIMARY KEY, UNIQUE, FOREIGN KEY and CHECK constraints, from either
//! `CREATE TABLE` or `ALTER TABLE … ADD`.
//!
//! Constraints are first collected as [`Decl`]s and then named and added in
//! the order PostgreSQL creates them (CHECKs with the table, then the primary
//! key, then UNIQUE indexes, then foreign keys), because an unnamed
//! constraint's name depends on which names are already taken.

use super::error::{Fail, Result};
use super::names::{choose_name, fold_ident, name_addition};
use super::state::{Builder, PendingFk};
use super::tokens::Tokens;
use crate::catalog::{
    CheckConstraint, FkAction, ForeignKey, KeyConstraint, MatchType, QualifiedName,
};
use sqlparser::ast::{
    ConstraintReferenceMatchKind, DeferrableInitial, Expr, ForeignKeyConstraint, IndexColumn,
    ReferentialAction,
};
use sqlparser::tokenizer::Token;

/// A constraint as declared, before it has a name.
#[derive(Debug, Clone)]
pub(crate) struct Decl {
    /// Explicit `CONSTRAINT name`.
    pub name: Option<String>,
    /// What it is.
    pub kind: DeclKind,
    /// Offset in the statement, for errors.
    pub at: usize,
}

/// The kinds of constraint the catalog models.
#[derive(Debug, Clone)]
pub(crate) enum DeclKind {
    /// `PRIMARY KEY (columns)`.
    Primary(Vec<String>),
    /// `UNIQUE (columns)`.
    Unique(Vec<String>),
    /// `FOREIGN KEY`.
    Foreign(FkDecl),
    /// `CHECK (expression)` with the columns it mentions.
    Check(String, Vec<String>),
}

/// A foreign key before its referenced table is resolved.
#[derive(Debug, Clone)]
pub(crate) struct FkDecl {
    /// Referencing columns.
    pub columns: Vec<String>,
    /// Referenced table, folded parts as written.
    pub target: Vec<String>,
    /// Referenced columns; empty means "the primary key".
    pub ref_columns: Vec<String>,
    /// The rest of the definition, with a placeholder table.
    pub template: ForeignKey,
}

/// Folds the plain columns of a key; expressions are not allowed there.
pub(crate) fn key_columns(columns: &[IndexColumn]) -> Result<Vec<String>> {
    columns
        .iter()
        .map(|c| match &c.column.expr {
            Expr::Identifier(i) => Ok(fold_ident(i)),
            other => Err(Fail::new(format!("`{other}` is not a column name"))),
        })
        .collect()
}

fn action(a: Option<ReferentialAction>) -> FkAction {
    match a {
        None | Some(ReferentialAction::NoAction) => FkAction::NoAction,
        Some(ReferentialAction::Restrict) => FkAction::Restrict,
        Some(ReferentialAction::Cascade) => FkAction::Cascade,
        Some(ReferentialAction::SetNull) => FkAction::SetNull,
        Some(ReferentialAction::SetDefault) => FkAction::SetDefault,
    }
}

/// Translates sqlparser's foreign key; `columns` replaces the (empty) list
/// of a column-level `REFERENCES`.
pub(crate) fn foreign_key(
    fk: &ForeignKeyConstraint,
    columns: Option<Vec<String>>,
    validated: bool,
) -> Result<FkDecl> {
    let columns = match columns {
        Some(c) => c,
        None => fk.columns.iter().map(fold_ident).collect(),
    };
    let match_type = match fk.match_kind {
        None | Some(ConstraintReferenceMatchKind::Simple) => MatchType::Simple,
        Some(ConstraintReferenceMatchKind::Full) => MatchType::Full,
        Some(ConstraintReferenceMatchKind::Partial) => {
            return Err(Fail::new("MATCH PARTIAL is not implemented by PostgreSQL"));
        }
    };
    let (deferrable, initially_deferred) = match &fk.characteristics {
        None => (false, false),
        Some(c) => {
            let deferred = c.initially == Some(DeferrableInitial::Deferred);
            (c.deferrable.unwrap_or(deferred), deferred)
        }
    };
    Ok(FkDecl {
        columns,
        target: super::names::name_parts(&fk.foreign_table)?,
        ref_columns: fk.referred_columns.iter().map(fold_ident).collect(),
        template: ForeignKey {
            name: String::new(),
            columns: Vec::new(),
            referenced_table: QualifiedName::new("", ""),
            referenced_columns: Vec::new(),
            on_update: action(fk.on_update),
            on_delete: action(fk.on_delete),
            match_type,
            deferrable,
            initially_deferred,
            validated,
        },
    })
}

/// Names and adds `decls` to `table`, in PostgreSQL's creation order.
pub(crate) fn add_all(
    b: &mut Builder,
    table: &QualifiedName,
    decls: Vec<Decl>,
    statement_start: usize,
) -> Result<()> {
    let decls = drop_redundant_keys(decls);
    let rank = |d: &Decl| match d.kind {
        DeclKind::Check(..) => 0,
        DeclKind::Primary(_) => 1,
        DeclKind::Unique(_) => 2,
        DeclKind::Foreign(_) => 3,
    };
    let mut ordered: Vec<&Decl> = decls.iter().collect();
    ordered.sort_by_key(|d| rank(d));
    for d in ordered {
        add(b, table, d, statement_start).map_err(|f| {
            if f.at.is_some() {
                f
            } else {
                Fail {
                    at: Some(d.at),
                    ..f
                }
            }
        })?;
    }
    Ok(())
}

/// PostgreSQL builds one index for key constraints over the same columns
/// (`transformIndexConstraints`): a later duplicate is dropped, the primary
/// key being considered first, and its name passes to the survivor when that
/// one had none.
fn drop_redundant_keys(decls: Vec<Decl>) -> Vec<Decl> {
    let key = |d: &Decl| match &d.kind {
        DeclKind::Primary(c) | DeclKind::Unique(c) => Some(c.clone()),
        _ => None,
    };
    let (primary, rest): (Vec<Decl>, Vec<Decl>) = decls
        .into_iter()
        .partition(|d| matches!(d.kind, DeclKind::Primary(_)));
    let mut kept: Vec<Decl> = Vec::new();
    for d in primary.into_iter().chain(rest) {
        let prior =
            key(&d).and_then(|cols| kept.iter().position(|k| key(k).as_ref() == Some(&cols)));
        match prior {
            Some(p) if matches!(d.kind, DeclKind::Unique(_)) => {
                if kept[p].name.is_none() {
                    kept[p].name = d.name;
                }
            }
            _ => kept.push(d),
        }
    }
    kept
}

fn add(b: &mut Builder, table: &QualifiedName, d: &Decl, statement_start: usize) -> Result<()> {
    let schema = table.schema.clone();
    let t = b
        .tables
        .get(table)
        .ok_or_else(|| Fail::new(format!("unknown table `{}`", table.display())))?;
    let columns_of = |cols: &[String]| -> Result<()> {
        match cols.iter().find(|c| t.column(c).is_none()) {
            Some(c) => Err(Fail::at(
                format!("column `{c}` of table `{}` does not exist", table.display()),
                d.at,
            )),
            None => Ok(()),
        }
    };
    let explicit = |b: &Builder, name: &str, relation: bool| -> Result<()> {
        let on_table = b.tables.get(table).is_some_and(|t| {
            t.primary_key
                .iter()
                .chain(&t.unique_constraints)
                .any(|k| k.name == name)
                || t.foreign_keys.iter().any(|f| f.name == name)
                || t.checks.iter().any(|c| c.name == name)
        });
        if on_table || (relation && b.relation_taken(&schema, name)) {
            return Err(Fail::at(
                format!("constraint or relation `{name}` already exists"),
                d.at,
            ));
        }
        Ok(())
    };
    match &d.kind {
        DeclKind::Check(expression, columns) => {
            let name = match &d.name {
                Some(n) => {
                    explicit(b, n, false)?;
                    n.clone()
                }
                None => {
                    let single = (columns.len() == 1).then(|| columns[0].as_str());
                    choose_name(&table.name, single, "check", |n| {
                        b.constraint_taken(&schema, n)
                    })
                }
            };
            let t = b.table_adding(table, &name)?;
            t.checks.push(CheckConstraint {
                name,
                expression: expression.clone(),
                columns: columns.clone(),
            });
        }
        DeclKind::Primary(columns) => {
            columns_of(columns)?;
            if t.primary_key.is_some() {
                return Err(Fail::at(
                    format!("multiple primary keys for table `{}`", table.display()),
                    d.at,
                ));
            }
            let name = key_name(b, table, d, None, "pkey", &explicit)?;
            let t = b.table_adding(table, &name)?;
            for c in &mut t.columns {
                if columns.contains(&c.name) {
                    c.not_null = true;
                }
            }
            t.primary_key = Some(KeyConstraint {
                name,
                columns: columns.clone(),
            });
        }
        DeclKind::Unique(columns) => {
            columns_of(columns)?;
            let name = key_name(b, table, d, Some(&name_addition(columns)), "key", &explicit)?;
            b.table_adding(table, &name)?
                .unique_constraints
                .push(KeyConstraint {
                    name,
                    columns: columns.clone(),
                });
        }
        DeclKind::Foreign(fk) => {
            columns_of(&fk.columns)?;
            let name = match &d.name {
                Some(n) => {
                    explicit(b, n, false)?;
                    n.clone()
                }
                None => choose_name(
                    &table.name,
                    Some(&name_addition(&fk.columns)),
                    "fkey",
                    |n| b.constraint_taken(&schema, n),
                ),
            };
            let mut model = fk.template.clone();
            model.name = name.clone();
            model.columns = fk.columns.clone();
            let path = b.path();
            match resolve_target(b, &path, &fk.target, &fk.ref_columns)? {
                Some((target, ref_columns)) => {
                    check_arity(&model.columns, &ref_columns, d.at)?;
                    model.referenced_table = target;
                    model.referenced_columns = ref_columns;
                }
                None => b.pending_fks.push(PendingFk {
                    table: table.clone(),
                    name,
                    target: fk.target.clone(),
                    ref_columns: fk.ref_columns.clone(),
                    search_path: path,
                    statement_start,
                    at: d.at,
                }),
            }
            b.table_adding(table, &model.name)?.foreign_keys.push(model);
        }
    }
    Ok(())
}

type Explicit<'a> = dyn Fn(&Builder, &str, bool) -> Result<()> + 'a;

/// Name of an index-backed constraint: explicit, or `ChooseRelationName`.
fn key_name(
    b: &Builder,
    table: &QualifiedName,
    d: &Decl,
    addition: Option<&str>,
    label: &str,
    explicit: &Explicit,
) -> Result<String> {
    match &d.name {
        Some(n) => {
            explicit(b, n, true)?;
            Ok(n.clone())
        }
        None => Ok(choose_name(&table.name, addition, label, |n| {
            b.relation_taken(&table.schema, n) || b.constraint_taken(&table.schema, n)
        })),
    }
}

/// Referencing and referenced column lists must pair up.
pub(crate) fn check_arity(columns: &[String], ref_columns: &[String], at: usize) -> Result<()> {
    if columns.len() != ref_columns.len() {
        return Err(Fail::at(
            "number of referencing and referenced columns for foreign key disagree",
            at,
        ));
    }
    Ok(())
}

/// The referenced table and columns if they can be known now: `Ok(None)`
/// when the table or its primary key is still missing.
pub(crate) fn resolve_target(
    b: &Builder,
    path: &[String],
    target: &[String],
    ref_columns: &[String],
) -> Result<Option<(QualifiedName, Vec<String>)>> {
    let Some(name) = Builder::resolve_in(path, target, |q| b.tables.contains_key(q)) else {
        return Ok(None);
    };
    let Some(t) = b.tables.get(&name) else {
        return Ok(None);
    };
    if ref_columns.is_empty() {
        return Ok(t
            .primary_key
            .as_ref()
            .map(|pk| (name.clone(), pk.columns.clone())));
    }
    if let Some(c) = ref_columns.iter().find(|c| t.column(c).is_none()) {
        return Err(Fail::new(format!(
            "column `{c}` referenced in foreign key does not exist in `{}`",
            name.display()
        )));
    }
    Ok(Some((name, ref_columns.to_vec())))
}

/// PostgreSQL 15's `ON DELETE SET NULL (columns)` / `SET DEFAULT (columns)`
/// limits the action to some of the key's columns. The catalog's
/// [`ForeignKey`] has no place for that list, and dropping it would turn
/// the action into one that clears every key column, so such a key is
/// refused rather than silently changed.
pub(crate) fn reject_action_column_lists(t: &Tokens) -> Result<()> {
    for i in 0..t.len() {
        let set_action = t.is_kws(i, &["ON", "DELETE", "SET"])
            && (t.is_kw(i + 3, "NULL") || t.is_kw(i + 3, "DEFAULT"));
        if set_action && t.is(i + 4, &Token::LParen) {
            let close = t.close_paren(i + 4).unwrap_or(t.len());
            return Err(Fail::at(
                format!(
                    "`{}` limits the action to some columns, which keyshift's catalog cannot represent yet",
                    t.slice(i, close + 1)
                ),
                t.offset(i),
            )
            .with_help("The foreign key would be recreated clearing every key column; use a plain SET NULL / SET DEFAULT, or wait for catalog support."));
        }
    }
    Ok(())
}

/// Index storage clauses of PRIMARY KEY / UNIQUE constraints, which pg_dump
/// writes (`… PRIMARY KEY (id) WITH (fillfactor='80')`, `… USING INDEX
/// TABLESPACE ts`) and sqlparser cannot read; they do not affect the
/// catalog, so their token ranges are hidden from the parser.
pub(crate) fn index_storage_clauses(t: &Tokens) -> Vec<(usize, usize)> {
    // The `(` matching each `)`, found in one pass.
    let mut opener = vec![None; t.len()];
    let mut stack = Vec::new();
    for (i, tok) in t.toks.iter().enumerate() {
        match tok.token {
            Token::LParen => stack.push(i),
            Token::RParen => opener[i] = stack.pop(),
            _ => {}
        }
    }
    let mut hidden = Vec::new();
    for i in 1..t.len() {
        let Some(open) = opener[i - 1] else { continue };
        let key_list = open > 0
            && ["KEY", "UNIQUE", "DISTINCT", "INCLUDE"]
                .iter()
                .any(|k| t.is_kw(open - 1, k));
        if !key_list {
            continue;
        }
        if t.is_kw(i, "WITH") && t.is(i + 1, &Token::LParen) {
            if let Some(close) = t.close_paren(i + 1) {
                hidden.push((i, close + 1));
            }
        } else if t.is_kws(i, &["USING", "INDEX", "TABLESPACE"]) {
            hidden.push((i, i + 4));
        }
    }
    hidden
}
