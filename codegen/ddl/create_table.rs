//! `CREATE TABLE`, including `UNLOGGED`, `IF NOT EXISTS`, `INHERITS`,
//! `PARTITION BY` and `PARTITION OF`.
//!
//! sqlparser gives the structure; the token stream gives the exact text of
//! defaults and CHECK expressions and hides identity option lists sqlparser
//! cannot read. Elements of the table body are matched to the AST by
//! position: columns and table constraints each keep their source order.

use super::columns::{
    BuiltColumn, IdentityOptions, attach_sequence, build_column, identity_options,
};
use super::constraints::{
    Decl, DeclKind, add_all, foreign_key, index_storage_clauses, key_columns,
    reject_action_column_lists,
};
use super::error::{Fail, Result};
use super::exprtext::{check_ranges, mentioned_columns};
use super::index::clone_to_partition;
use super::names::{fold_ident, name_parts};
use super::state::Builder;
use super::tokens::{Tokens, tokenize};
use crate::catalog::{Column, PartitionKey, PartitionStrategy, QualifiedName, Table, TableKind};
use sqlparser::ast::{CreateTable, Statement, TableConstraint};
use sqlparser::tokenizer::Token;

/// Words that start a table constraint rather than a column.
const CONSTRAINT_START: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "UNIQUE",
    "FOREIGN",
    "CHECK",
    "LIKE",
];

/// What a `CREATE TABLE` statement says on its own, before the catalog
/// built so far is consulted: its tokens, identity options and syntax
/// tree. Reading them is most of a statement's cost and needs no
/// [`Builder`], so a script's statements are read ahead on another
/// thread (see `ddl::ahead`) while the builder takes them in order.
pub(crate) struct Read<'a> {
    t: Tokens<'a>,
    identity: IdentityOptions,
    ct: CreateTable,
}

/// Reads one `CREATE TABLE` statement; see [`Read`].
pub(crate) fn read(text: &str) -> Result<Read<'_>> {
    let t = tokenize(text)?;
    reject_action_column_lists(&t)?;
    let identity = identity_options(&t)?;
    let mut hidden = identity.hidden.clone();
    hidden.extend(index_storage_clauses(&t));
    let Statement::CreateTable(ct) = t.parse_without("CREATE TABLE", &hidden)? else {
        return Err(Fail::new("expected a CREATE TABLE statement"));
    };
    Ok(Read { t, identity, ct })
}

/// Adds a `CREATE TABLE` statement, as [`read`], to the catalog.
pub(crate) fn apply(b: &mut Builder, read: Read, statement_start: usize) -> Result<()> {
    let Read { t, identity, ct } = read;
    if ct.query.is_some() {
        return Err(Fail::new(
            "CREATE TABLE … AS is not supported: its column types come from a query",
        )
        .with_help("Load the script into PostgreSQL and introspect the database instead."));
    }
    if ct.like.is_some() {
        return Err(Fail::new("CREATE TABLE … (LIKE …) is not supported"));
    }
    let name = b.qualify_new(&name_parts(&ct.name)?)?;
    if b.tables.contains_key(&name) || b.relation_taken(&name.schema, &name.name) {
        if ct.if_not_exists {
            b.skip("CREATE TABLE IF NOT EXISTS (already exists)");
            return Ok(());
        }
        return Err(Fail::new(format!(
            "relation `{}` already exists",
            name.display()
        )));
    }
    let (columns_src, constraints_src) = body_elements(&t)?;
    if columns_src.len() != ct.columns.len() || constraints_src.len() != ct.constraints.len() {
        return Err(Fail::new(
            "cannot match the table body to the parsed statement",
        ));
    }

    let mut table = Table {
        name: name.clone(),
        kind: if ct.partition_by.is_some() {
            TableKind::Partitioned
        } else {
            TableKind::Ordinary
        },
        unlogged: ct.unlogged,
        columns: Vec::new(),
        primary_key: None,
        unique_constraints: Vec::new(),
        foreign_keys: Vec::new(),
        checks: Vec::new(),
        indexes: Vec::new(),
        inherits: Vec::new(),
        partition_of: None,
        partition_key: None,
    };
    if let Some(parent) = &ct.partition_of {
        let parent = b.resolve_table(&name_parts(parent)?)?;
        table.columns = inherited_columns(b, &parent, true);
        table.partition_of = Some(parent);
    }
    for parent in ct.inherits.iter().flatten() {
        let parent = b.resolve_table(&name_parts(parent)?)?;
        for c in inherited_columns(b, &parent, false) {
            merge_column(&mut table.columns, c, t.offset(0))?;
        }
        table.inherits.push(parent);
    }

    let mut built: Vec<BuiltColumn> = Vec::new();
    for (cd, range) in ct.columns.iter().zip(&columns_src) {
        let mut column = build_column(b, &t, cd, *range, &identity)?;
        attach_sequence(b, &name, &mut column, t.offset(range.0))?;
        built.push(column);
    }
    for c in &built {
        merge_column(&mut table.columns, c.column.clone(), t.offset(0))?;
    }
    let names: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    table.partition_key = partition_key(&t, &names)?;

    let mut decls: Vec<Decl> = Vec::new();
    // Column and table constraints keep their relative source order.
    let mut elements: Vec<(usize, Vec<Decl>)> = Vec::new();
    for (c, range) in built.into_iter().zip(&columns_src) {
        let mut ds = c.decls;
        for (cname, (lo, hi), at) in c.checks {
            let cols = mentioned_columns(&t, lo, hi, &names);
            ds.push(Decl {
                name: cname,
                kind: DeclKind::Check(t.slice(lo, hi).to_string(), cols),
                at,
            });
        }
        elements.push((range.0, ds));
    }
    for (tc, range) in ct.constraints.iter().zip(&constraints_src) {
        if let Some(d) = table_constraint(b, &t, tc, *range, &names)? {
            elements.push((range.0, vec![d]));
        }
    }
    elements.sort_by_key(|(start, _)| *start);
    for (_, ds) in elements {
        decls.extend(ds);
    }

    b.insert_table(table);
    add_all(b, &name, decls, statement_start)?;
    if let Some(parent) = b.tables.get(&name).and_then(|t| t.partition_of.clone()) {
        clone_to_partition(b, &parent, &name)?;
    }
    Ok(())
}

/// Token ranges of the column definitions and of the table constraints in
/// the parenthesized body, if there is one.
type Ranges = Vec<(usize, usize)>;
fn body_elements(t: &Tokens) -> Result<(Ranges, Ranges)> {
    let mut c = t.cursor(0, t.len());
    c.expect_kw("CREATE")?;
    for kw in ["GLOBAL", "LOCAL", "TEMPORARY", "TEMP", "UNLOGGED"] {
        c.eat_kw(kw);
    }
    c.expect_kw("TABLE")?;
    c.eat_kws(&["IF", "NOT", "EXISTS"]);
    c.object_name()?;
    if c.eat_kws(&["PARTITION", "OF"]) {
        c.object_name()?;
    }
    if c.peek() != Some(&Token::LParen) {
        return Ok((Vec::new(), Vec::new()));
    }
    let close = t
        .close_paren(c.pos)
        .ok_or_else(|| c.fail("unbalanced parenthesis"))?;
    let (mut columns, mut constraints) = (Vec::new(), Vec::new());
    for (lo, hi) in t.split_commas(c.pos + 1, close) {
        if lo == hi {
            continue;
        }
        // EXCLUDE is not reserved: only `EXCLUDE (` / `EXCLUDE USING` start a
        // constraint, anything else is a column of that name.
        let exclude =
            t.is_kw(lo, "EXCLUDE") && (t.is(lo + 1, &Token::LParen) || t.is_kw(lo + 1, "USING"));
        if exclude || CONSTRAINT_START.iter().any(|kw| t.is_kw(lo, kw)) {
            constraints.push((lo, hi));
        } else {
            columns.push((lo, hi));
        }
    }
    Ok((columns, constraints))
}

/// A table-level constraint as a [`Decl`]; `None` for kinds the catalog
/// does not model (counted as skipped).
pub(crate) fn table_constraint(
    b: &mut Builder,
    t: &Tokens,
    tc: &TableConstraint,
    (lo, hi): (usize, usize),
    columns: &[&str],
) -> Result<Option<Decl>> {
    let at = t.offset(lo);
    let (name, kind) = match tc {
        TableConstraint::PrimaryKey(pk) => (
            pk.name.as_ref(),
            DeclKind::Primary(key_columns(&pk.columns)?),
        ),
        TableConstraint::Unique(u) => (u.name.as_ref(), DeclKind::Unique(key_columns(&u.columns)?)),
        TableConstraint::ForeignKey(fk) => (
            fk.name.as_ref(),
            DeclKind::Foreign(foreign_key(fk, None, true)?),
        ),
        TableConstraint::Check(c) => {
            let (clo, chi) = check_ranges(t, lo, hi)
                .into_iter()
                .next()
                .ok_or_else(|| Fail::at("cannot find the CHECK expression", at))?;
            let cols = mentioned_columns(t, clo, chi, columns);
            (
                c.name.as_ref(),
                DeclKind::Check(t.slice(clo, chi).to_string(), cols),
            )
        }
        TableConstraint::Exclude(_) => {
            b.skip("EXCLUDE constraint");
            return Ok(None);
        }
        other => {
            return Err(Fail::at(
                format!("unsupported table constraint `{other}`"),
                at,
            ));
        }
    };
    Ok(Some(Decl {
        name: name.map(fold_ident),
        kind,
        at,
    }))
}

/// The `PARTITION BY` clause after the table body: its strategy and the
/// columns its keys read.
fn partition_key(t: &Tokens, columns: &[&str]) -> Result<Option<PartitionKey>> {
    let Some(at) = t.find_top(0, t.len(), |i| {
        t.is_kw(i, "PARTITION") && t.is_kw(i + 1, "BY")
    }) else {
        return Ok(None);
    };
    let strategy = if t.is_kw(at + 2, "RANGE") {
        PartitionStrategy::Range
    } else if t.is_kw(at + 2, "LIST") {
        PartitionStrategy::List
    } else if t.is_kw(at + 2, "HASH") {
        PartitionStrategy::Hash
    } else {
        return Err(Fail::at(
            "expected RANGE, LIST or HASH after PARTITION BY",
            t.offset(at),
        ));
    };
    let open = at + 3;
    let close = t
        .is(open, &Token::LParen)
        .then(|| t.close_paren(open))
        .flatten()
        .ok_or_else(|| Fail::at("expected the partition key in parentheses", t.offset(at)))?;
    Ok(Some(PartitionKey {
        strategy,
        columns: mentioned_columns(t, open + 1, close, columns),
    }))
}

/// Columns a child gets from `parent`: everything but the identity for
/// legacy inheritance, which PostgreSQL does not pass on.
fn inherited_columns(b: &Builder, parent: &QualifiedName, partition: bool) -> Vec<Column> {
    b.tables.get(parent).map_or_else(Vec::new, |p| {
        p.columns
            .iter()
            .map(|c| Column {
                identity: if partition { c.identity.clone() } else { None },
                ..c.clone()
            })
            .collect()
    })
}

/// Adds `c`, or merges it into an inherited column of the same name (whose
/// position it keeps), as PostgreSQL's `MergeAttributes` does.
fn merge_column(columns: &mut Vec<Column>, c: Column, at: usize) -> Result<()> {
    match columns.iter_mut().find(|e| e.name == c.name) {
        None => columns.push(c),
        Some(e) => {
            if e.data_type != c.data_type {
                return Err(Fail::at(
                    format!(
                        "column `{}` has a type conflict: {} versus {}",
                        c.name, e.data_type, c.data_type
                    ),
                    at,
                ));
            }
            e.not_null |= c.not_null;
            if c.default.is_some() {
                e.default = c.default;
            }
            if c.generated.is_some() {
                e.generated = c.generated;
            }
            if c.identity.is_some() {
                e.identity = c.identity;
            }
        }
    }
    Ok(())
}
