//! `CREATE INDEX`, and the indexes a partition inherits from its parent.
//!
//! An unnamed index is named like PostgreSQL's `ChooseIndexName`: the table,
//! then the key and INCLUDE column names (an expression contributes its
//! function name, or `expr`), then `idx`, made unique in the schema.

use super::constraints::{Decl, DeclKind, add_all};
use super::error::{Fail, Result};
use super::exprtext::mentioned_columns;
use super::fast_index;
use super::names::{choose_name, fold_ident, name_addition, name_parts};
use super::state::Builder;
use super::tokens::{Tokens, tokenize};
use crate::catalog::{Index, IndexKey, QualifiedName};
use sqlparser::ast::{DataType, Expr, IndexType, Statement};
use sqlparser::tokenizer::Token;

/// Handles one `CREATE INDEX` statement.
pub(crate) fn create_index(b: &mut Builder, text: &str) -> Result<()> {
    if b.fast_paths
        && let Some(simple) = fast_index::read(text)
        && add_simple(b, simple)
    {
        return Ok(());
    }
    let t = tokenize(text)?;
    // sqlparser cannot read `ON ONLY t`; the flag matters for partitioning.
    let on = t.find_top(0, t.len(), |i| t.is_kw(i, "ON"));
    let only = on.filter(|&i| t.is_kw(i + 1, "ONLY"));
    let hidden: Vec<(usize, usize)> = only.map(|i| (i + 1, i + 2)).into_iter().collect();
    let Statement::CreateIndex(ci) = t.parse_without("CREATE INDEX", &hidden)? else {
        return Err(Fail::new("expected a CREATE INDEX statement"));
    };
    let target = name_parts(&ci.table_name)?;
    let Some(table) = b.resolve(&target, |q| b.tables.contains_key(q)) else {
        if b.resolve(&target, |q| b.views.contains_key(q)).is_some() {
            b.skip("CREATE INDEX on a materialized view");
            return Ok(());
        }
        return Err(Fail::new(format!("unknown table `{}`", target.join("."))));
    };
    let open = t
        .find_top(on.unwrap_or(0), t.len(), |i| t.is(i, &Token::LParen))
        .ok_or_else(|| Fail::new("cannot find the index key list"))?;
    let close = t
        .close_paren(open)
        .ok_or_else(|| Fail::at("unbalanced parenthesis", t.offset(open)))?;
    let elements = t.split_commas(open + 1, close);
    if elements.len() != ci.columns.len() {
        return Err(Fail::new(
            "cannot match the index keys to the parsed statement",
        ));
    }
    let tdef = b
        .tables
        .get(&table)
        .ok_or_else(|| Fail::new("unknown table"))?;
    let columns: Vec<String> = tdef.columns.iter().map(|c| c.name.clone()).collect();
    let cols: Vec<&str> = columns.iter().map(String::as_str).collect();
    let check_column = |c: &str, at: usize| -> Result<()> {
        if cols.contains(&c) {
            Ok(())
        } else {
            Err(Fail::at(
                format!("column `{c}` of table `{}` does not exist", table.display()),
                at,
            ))
        }
    };

    let mut keys = Vec::new();
    let mut key_names = Vec::new();
    let mut mentioned: Vec<(usize, usize)> = Vec::new();
    for (ic, &(lo, hi)) in ci.columns.iter().zip(&elements) {
        match simple_column(&ic.column.expr) {
            Some(c) => {
                check_column(&c, t.offset(lo))?;
                key_names.push(c.clone());
                keys.push(IndexKey::Column(c));
            }
            None => {
                let (elo, ehi) = key_expr_range(&t, lo, hi);
                key_names
                    .push(figure_colname(&ic.column.expr).unwrap_or_else(|| "expr".to_string()));
                keys.push(IndexKey::Expression(t.slice(elo, ehi).to_string()));
                mentioned.push((elo, ehi));
            }
        }
    }
    let include: Vec<String> = ci.include.iter().map(fold_ident).collect();
    for c in &include {
        check_column(c, t.offset(close))?;
    }
    let predicate = ci.predicate.as_ref().and_then(|_| {
        let w = t.find_top(close, t.len(), |i| t.is_kw(i, "WHERE"))?;
        mentioned.push((w + 1, t.len()));
        Some(t.slice(w + 1, t.len()).to_string())
    });
    let expression_columns = {
        let mut all: Vec<String> = Vec::new();
        for (lo, hi) in &mentioned {
            all.extend(mentioned_columns(&t, *lo, *hi, &cols));
        }
        columns
            .iter()
            .filter(|c| all.contains(c))
            .cloned()
            .collect()
    };
    let mut colnames = key_names;
    colnames.extend(include.iter().cloned());
    let name = match &ci.name {
        Some(n) => {
            let name = name_parts(n)?.pop().unwrap_or_default();
            if b.relation_taken(&table.schema, &name) {
                if ci.if_not_exists {
                    b.skip("CREATE INDEX IF NOT EXISTS (already exists)");
                    return Ok(());
                }
                return Err(Fail::new(format!("relation `{name}` already exists")));
            }
            name
        }
        None => choose_name(
            &table.name,
            Some(&name_addition(&unique_colnames(colnames))),
            "idx",
            |n| b.relation_taken(&table.schema, n),
        ),
    };
    let index = Index {
        name: name.clone(),
        unique: ci.unique,
        method: ci
            .using
            .as_ref()
            .map_or_else(|| "btree".to_string(), method_name),
        keys,
        include,
        predicate,
        expression_columns,
    };
    b.table_adding(&table, &name)?.indexes.push(index.clone());
    if only.is_none() {
        let partitions = b.children_of(&table, false);
        for p in partitions {
            clone_index(b, &p, &index);
        }
    }
    Ok(())
}

/// Adds an index read by [`fast_index::read`], as the full path below
/// would; `false`, having changed nothing, where that path would report an
/// error or skip the statement (an unknown table or column, a name in use),
/// so that it runs and says so.
fn add_simple(b: &mut Builder, simple: fast_index::SimpleIndex) -> bool {
    let Some(table) = b.resolve(&simple.table, |q| b.tables.contains_key(q)) else {
        return false;
    };
    let Some(tdef) = b.tables.get(&table) else {
        return false;
    };
    if !simple
        .columns
        .iter()
        .all(|c| tdef.columns.iter().any(|col| &col.name == c))
    {
        return false;
    }
    let name = match simple.name {
        Some(name) if b.relation_taken(&table.schema, &name) => return false,
        Some(name) => name,
        None => choose_name(
            &table.name,
            Some(&name_addition(&unique_colnames(simple.columns.clone()))),
            "idx",
            |n| b.relation_taken(&table.schema, n),
        ),
    };
    let index = Index {
        name,
        unique: simple.unique,
        method: "btree".to_string(),
        keys: simple.columns.into_iter().map(IndexKey::Column).collect(),
        include: Vec::new(),
        predicate: None,
        expression_columns: Vec::new(),
    };
    let Ok(t) = b.table_adding(&table, &index.name) else {
        return false;
    };
    t.indexes.push(index.clone());
    if !simple.only {
        for p in b.children_of(&table, false) {
            clone_index(b, &p, &index);
        }
    }
    true
}

/// The column name PostgreSQL derives from an index expression's text.
fn expression_colname(text: &str) -> String {
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    sqlparser::parser::Parser::new(&dialect)
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr())
        .ok()
        .and_then(|e| figure_colname(&e))
        .unwrap_or_else(|| "expr".to_string())
}

/// `col` or `(col)`: PostgreSQL treats both as a plain column key.
fn simple_column(e: &Expr) -> Option<String> {
    match e {
        Expr::Identifier(i) => Some(fold_ident(i)),
        Expr::Nested(inner) => simple_column(inner),
        _ => None,
    }
}

/// The expression part of an index element, without collation, operator
/// class and ordering: a parenthesized expression or a function call.
fn key_expr_range(t: &Tokens, lo: usize, hi: usize) -> (usize, usize) {
    if t.is(lo, &Token::LParen) {
        let close = t.close_paren(lo).unwrap_or(hi);
        // `(f(x))`: PostgreSQL prints a function call without the parens.
        let (ilo, ihi) = key_expr_range(t, lo + 1, close);
        if ihi == close && t.word(ilo).is_some() && t.is(ihi - 1, &Token::RParen) {
            return (ilo, ihi);
        }
        return (lo, close + 1);
    }
    let mut k = lo;
    while t.word(k).is_some() && t.is(k + 1, &Token::Period) {
        k += 2;
    }
    if t.is(k + 1, &Token::LParen) {
        return (lo, t.close_paren(k + 1).map_or(hi, |c| c + 1));
    }
    (lo, k + 1)
}

/// PostgreSQL's `FigureIndexColname` for the expressions it names.
fn figure_colname(e: &Expr) -> Option<String> {
    match e {
        Expr::Identifier(i) => Some(fold_ident(i)),
        Expr::CompoundIdentifier(parts) => parts.last().map(fold_ident),
        Expr::Nested(inner) | Expr::Collate { expr: inner, .. } => figure_colname(inner),
        Expr::Function(f) => f.name.0.last().and_then(|p| p.as_ident()).map(fold_ident),
        Expr::Cast {
            expr, data_type, ..
        } => {
            if let c @ Some(_) = simple_name(expr) {
                return c;
            }
            Some(internal_type_name(data_type))
        }
        Expr::Case { .. } => Some("case".to_string()),
        Expr::Exists { .. } => Some("exists".to_string()),
        Expr::Array(_) => Some("array".to_string()),
        _ => None,
    }
}

/// A column or function name, the names a cast prefers over its type.
fn simple_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) | Expr::Function(_) => figure_colname(e),
        Expr::Nested(inner) => simple_name(inner),
        Expr::Cast { expr, .. } => simple_name(expr),
        _ => None,
    }
}

/// The name PostgreSQL uses internally for a type (`int4` for `integer`).
fn internal_type_name(dt: &DataType) -> String {
    match dt {
        DataType::Int(_) | DataType::Integer(_) | DataType::Int4(_) => "int4".into(),
        DataType::BigInt(_) | DataType::Int8(_) => "int8".into(),
        DataType::SmallInt(_) | DataType::Int2(_) => "int2".into(),
        DataType::Varchar(_) | DataType::CharacterVarying(_) | DataType::CharVarying(_) => {
            "varchar".into()
        }
        DataType::Char(_) | DataType::Character(_) => "bpchar".into(),
        DataType::Bool | DataType::Boolean => "bool".into(),
        DataType::Real | DataType::Float4 => "float4".into(),
        DataType::DoublePrecision | DataType::Float8 => "float8".into(),
        DataType::Timestamp(
            _,
            sqlparser::ast::TimezoneInfo::WithTimeZone | sqlparser::ast::TimezoneInfo::Tz,
        ) => "timestamptz".into(),
        DataType::Custom(name, _) => name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map_or_else(String::new, fold_ident),
        other => other
            .to_string()
            .to_ascii_lowercase()
            .split('(')
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

/// `ChooseIndexColumnNames`: a repeated name gets a number appended.
fn unique_colnames(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let mut candidate = n.clone();
        let mut i = 1;
        while out.contains(&candidate) {
            candidate = format!("{n}{i}");
            i += 1;
        }
        out.push(candidate);
    }
    out
}

fn method_name(m: &IndexType) -> String {
    match m {
        IndexType::Custom(i) => fold_ident(i),
        other => other.to_string().to_ascii_lowercase(),
    }
}

/// Gives `partition` the parent's keys and (non-`ONLY`) indexes it lacks,
/// as `CREATE TABLE … PARTITION OF` and `ATTACH PARTITION` do.
pub(crate) fn clone_to_partition(
    b: &mut Builder,
    parent: &QualifiedName,
    partition: &QualifiedName,
) -> Result<()> {
    let (Some(p), Some(c)) = (b.tables.get(parent), b.tables.get(partition)) else {
        return Ok(());
    };
    let has_key = |cols: &Vec<String>| {
        c.primary_key
            .iter()
            .chain(&c.unique_constraints)
            .any(|k| &k.columns == cols)
    };
    let mut decls = Vec::new();
    if let Some(pk) = &p.primary_key
        && !has_key(&pk.columns)
    {
        decls.push(Decl {
            name: None,
            kind: DeclKind::Primary(pk.columns.clone()),
            at: 0,
        });
    }
    for u in &p.unique_constraints {
        if !has_key(&u.columns) {
            decls.push(Decl {
                name: None,
                kind: DeclKind::Unique(u.columns.clone()),
                at: 0,
            });
        }
    }
    let indexes: Vec<Index> = p
        .indexes
        .iter()
        .filter(|i| {
            !c.indexes
                .iter()
                .any(|e| e.keys == i.keys && e.predicate == i.predicate && e.unique == i.unique)
        })
        .cloned()
        .collect();
    add_all(b, partition, decls, 0)?;
    for i in &indexes {
        clone_index(b, partition, i);
    }
    // A partition that is partitioned itself passes the keys on.
    let subpartitions = b.children_of(partition, false);
    for sub in subpartitions {
        clone_to_partition(b, partition, &sub)?;
    }
    Ok(())
}

/// A copy of `index` on `table`, named for it.
fn clone_index(b: &mut Builder, table: &QualifiedName, index: &Index) {
    let mut names: Vec<String> = index
        .keys
        .iter()
        .map(|k| match k {
            IndexKey::Column(c) => c.clone(),
            IndexKey::Expression(text) => expression_colname(text),
        })
        .collect();
    names.extend(index.include.iter().cloned());
    let name = choose_name(
        &table.name,
        Some(&name_addition(&unique_colnames(names))),
        "idx",
        |n| b.relation_taken(&table.schema, n),
    );
    if let Ok(t) = b.table_adding(table, &name) {
        t.indexes.push(Index {
            name,
            ..index.clone()
        });
    }
    let subpartitions = b.children_of(table, false);
    for sub in subpartitions {
        clone_index(b, &sub, index);
    }
}
