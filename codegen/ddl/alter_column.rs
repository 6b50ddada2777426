//! `ALTER TABLE … ALTER [COLUMN] c …`.
//!
//! Defaults, NOT NULL and types come through sqlparser; identity changes
//! (`ADD GENERATED … AS IDENTITY (…)`, `SET GENERATED`, `SET INCREMENT BY`,
//! `DROP IDENTITY`) are read from tokens because sqlparser cannot parse the
//! option lists pg_dump writes. Without `ONLY`, PostgreSQL applies these
//! changes to inheritance children and partitions too, and so do we.

use super::alter_table::children_of;
use super::coltype::column_type;
use super::columns::{BuiltColumn, IdentityOptions, attach_sequence};
use super::defaults::canonical_default;
use super::error::{Fail, Result};
use super::sequence::{alter_sequence, parse_options};
use super::state::Builder;
use super::tokens::Tokens;
use crate::catalog::{Column, ColumnType, Identity, QualifiedName};
use sqlparser::ast::{AlterColumnOperation, Expr};

/// Applies `f` to column `name` of `table` and, unless `only`, of every
/// descendant that has it.
fn for_column(
    b: &mut Builder,
    table: &QualifiedName,
    name: &str,
    only: bool,
    at: usize,
    f: &dyn Fn(&mut Column),
) -> Result<()> {
    let column = b
        .table_mut(table)?
        .columns
        .iter_mut()
        .find(|c| c.name == name)
        .ok_or_else(|| {
            Fail::at(
                format!(
                    "column `{name}` of table `{}` does not exist",
                    table.display()
                ),
                at,
            )
        })?;
    f(column);
    if !only {
        for child in children_of(b, table) {
            if b.tables
                .get(&child)
                .is_some_and(|c| c.column(name).is_some())
            {
                for_column(b, &child, name, false, at, f)?;
            }
        }
    }
    Ok(())
}

/// Applies an `ALTER COLUMN` operation parsed by sqlparser.
pub(crate) fn alter_column(
    b: &mut Builder,
    t: &Tokens,
    table: &QualifiedName,
    (lo, hi): (usize, usize),
    only: bool,
    name: &str,
    op: &AlterColumnOperation,
) -> Result<()> {
    let at = t.offset(lo);
    match op {
        AlterColumnOperation::SetNotNull => {
            for_column(b, table, name, only, at, &|c| c.not_null = true)
        }
        AlterColumnOperation::DropNotNull => {
            for_column(b, table, name, only, at, &|c| c.not_null = false)
        }
        AlterColumnOperation::DropDefault => {
            for_column(b, table, name, only, at, &|c| c.default = None)
        }
        AlterColumnOperation::SetDefault { value } => {
            let ty = b
                .tables
                .get(table)
                .and_then(|x| x.column(name))
                .map(|c| c.data_type.clone())
                .ok_or_else(|| {
                    Fail::at(
                        format!(
                            "column `{name}` of table `{}` does not exist",
                            table.display()
                        ),
                        at,
                    )
                })?;
            let text = default_text(b, t, (lo, hi), value, &ty)?;
            for_column(b, table, name, only, at, &|c| c.default = text.clone())
        }
        AlterColumnOperation::SetDataType { data_type, .. } => {
            let ty = column_type(data_type, b).map_err(|f| Fail {
                at: f.at.or(Some(at)),
                ..f
            })?;
            for_column(b, table, name, only, at, &|c| c.data_type = ty.clone())
        }
        other => Err(Fail::at(
            format!("unsupported ALTER COLUMN action `{other}`"),
            at,
        )),
    }
}

/// The default after `SET DEFAULT`, as PostgreSQL would store it.
fn default_text(
    b: &Builder,
    t: &Tokens,
    (lo, hi): (usize, usize),
    value: &Expr,
    ty: &ColumnType,
) -> Result<Option<String>> {
    let d = t
        .find_top(lo, hi, |i| t.is_kw(i, "DEFAULT"))
        .ok_or_else(|| Fail::at("cannot find the DEFAULT expression", t.offset(lo)))?;
    canonical_default(b, value, t.slice(d + 1, hi), ty, t.offset(d + 1))
}

/// Identity actions, read from tokens; false when the action is another one.
pub(crate) fn token_column_action(
    b: &mut Builder,
    t: &Tokens,
    table: &QualifiedName,
    (lo, hi): (usize, usize),
    _only: bool,
    identity: &IdentityOptions,
) -> Result<bool> {
    let mut c = t.cursor(lo, hi);
    if !c.eat_kw("ALTER") {
        return Ok(false);
    }
    c.eat_kw("COLUMN");
    let name_at = c.pos;
    let name = c.ident()?;
    let at = t.offset(name_at);
    let column = |b: &Builder| -> Result<Column> {
        b.tables
            .get(table)
            .and_then(|x| x.column(&name))
            .cloned()
            .ok_or_else(|| {
                Fail::at(
                    format!(
                        "column `{name}` of table `{}` does not exist",
                        table.display()
                    ),
                    at,
                )
            })
    };
    if c.eat_kws(&["ADD", "GENERATED"]) {
        let always = c.eat_kw("ALWAYS");
        if !always {
            c.expect_kw("BY")?;
            c.expect_kw("DEFAULT")?;
        }
        c.expect_kw("AS")?;
        let ident_at = c.pos;
        c.expect_kw("IDENTITY")?;
        let col = column(b)?;
        if col.identity.is_some() || col.default.is_some() {
            return Err(Fail::at(
                format!("column `{name}` already has a default or identity"),
                at,
            ));
        }
        let options = identity
            .by_token
            .get(&ident_at)
            .cloned()
            .unwrap_or_default();
        let mut built = BuiltColumn {
            column: col,
            decls: Vec::new(),
            checks: Vec::new(),
            serial: None,
            identity: Some((always, options)),
        };
        attach_sequence(b, table, &mut built, at)?;
        let updated = built.column;
        for_column(b, table, &name, true, at, &|c| {
            c.identity = updated.identity.clone();
            c.not_null = true;
        })?;
        return Ok(true);
    }
    if c.eat_kws(&["DROP", "IDENTITY"]) {
        let if_exists = c.eat_kws(&["IF", "EXISTS"]);
        match column(b)?.identity {
            Some(Identity { sequence, .. }) => {
                b.sequences.remove(&sequence);
                for_column(b, table, &name, true, at, &|c| c.identity = None)?;
            }
            None if if_exists => {}
            None => {
                return Err(Fail::at(
                    format!("column `{name}` is not an identity column"),
                    at,
                ));
            }
        }
        return Ok(true);
    }
    if c.eat_kws(&["SET", "EXPRESSION", "AS"]) {
        let open = c.pos;
        let close = t
            .close_paren(open)
            .filter(|_| t.is(open, &sqlparser::tokenizer::Token::LParen))
            .ok_or_else(|| c.fail("expected ( expression )"))?;
        let text = t.slice(open + 1, close).to_string();
        for_column(b, table, &name, true, at, &|c| {
            c.generated = Some(text.clone())
        })?;
        return Ok(true);
    }
    if c.eat_kws(&["DROP", "EXPRESSION"]) {
        for_column(b, table, &name, true, at, &|c| c.generated = None)?;
        return Ok(true);
    }
    if !(c.peek_kw("RESTART")
        || (c.peek_kw("SET")
            && !t.is_kw(c.pos + 1, "DEFAULT")
            && !t.is_kw(c.pos + 1, "NOT")
            && !t.is_kw(c.pos + 1, "DATA")))
    {
        return Ok(false);
    }
    // `SET GENERATED …`, `SET <sequence option>`, `RESTART`, in any mix.
    let Some(Identity { sequence, always }) = column(b)?.identity else {
        return Err(Fail::at(
            format!("column `{name}` is not an identity column"),
            at,
        ));
    };
    let mut always = always;
    while !c.at_end() {
        if c.eat_kws(&["SET", "GENERATED"]) {
            always = c.eat_kw("ALWAYS");
            if !always {
                c.expect_kw("BY")?;
                c.expect_kw("DEFAULT")?;
            }
            continue;
        }
        c.eat_kw("SET");
        let start = c.pos;
        let mut end = start + 1;
        while end < hi && !t.is_kw(end, "SET") && !t.is_kw(end, "RESTART") {
            end += 1;
        }
        let options = parse_options(&mut t.cursor(start, end))?;
        if let Some(seq) = b.sequences.get_mut(&sequence) {
            alter_sequence(seq, &options);
        }
        c.pos = end;
    }
    let sequence = sequence.clone();
    for_column(b, table, &name, true, at, &|c| {
        c.identity = Some(Identity {
            always,
            sequence: sequence.clone(),
        })
    })?;
    Ok(true)
}
