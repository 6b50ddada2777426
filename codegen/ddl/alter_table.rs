//! `ALTER TABLE`: one statement may carry several comma-separated actions.
//!
//! Each action is first classified from its leading words. Actions that do
//! not change the catalog (`OWNER TO`, `REPLICA IDENTITY`, `CLUSTER ON`,
//! `SET STATISTICS`, …) are counted and skipped without parsing. The forms
//! sqlparser cannot read (`ATTACH PARTITION … DEFAULT`, `ADD GENERATED … AS
//! IDENTITY (SEQUENCE NAME …)`, identity changes, `VALIDATE CONSTRAINT`,
//! `INHERIT`) are parsed from tokens. The rest is handed to sqlparser one
//! action at a time: the other actions' tokens are hidden from it, so its
//! error positions still point into the original statement.

use super::alter_column::{alter_column, token_column_action};
use super::columns::{attach_sequence, build_column, identity_options};
use super::constraints::{
    Decl, DeclKind, add_all, index_storage_clauses, reject_action_column_lists,
};
use super::create_table::table_constraint;
use super::drop::{drop_column, drop_constraint};
use super::error::{Fail, Result};
use super::exprtext::mentioned_columns;
use super::index::clone_to_partition;
use super::names::fold_ident;
use super::rename::{rename_in_table, rename_relation};
use super::state::Builder;
use super::tokens::{Tokens, tokenize};
use crate::catalog::{QualifiedName, TableKind};
use sqlparser::ast::{AlterTableOperation, Statement, TableConstraint};
use sqlparser::tokenizer::Token;

/// Handles one `ALTER TABLE` statement.
pub(crate) fn alter_table(b: &mut Builder, text: &str, statement_start: usize) -> Result<()> {
    let t = tokenize(text)?;
    let mut c = t.cursor(0, t.len());
    c.expect_kw("ALTER")?;
    c.expect_kw("TABLE")?;
    if c.peek_kw("ALL") {
        b.skip("ALTER TABLE ALL IN TABLESPACE");
        return Ok(());
    }
    let if_exists = c.eat_kws(&["IF", "EXISTS"]);
    let only = c.eat_kw("ONLY");
    let name_at = c.pos;
    let target = c.object_name()?;
    c.eat(&Token::Mul);
    let actions = t.split_commas(c.pos, t.len());
    let kinds: Vec<Option<String>> = actions
        .iter()
        .map(|&(lo, hi)| skip_label(&t, lo, hi))
        .collect();
    if kinds.iter().all(Option::is_some) {
        for k in kinds.into_iter().flatten() {
            b.skip(k);
        }
        return Ok(());
    }
    let Some(table) = b.resolve(&target, |q| b.tables.contains_key(q)) else {
        // ALTER TABLE also works on views and sequences; only a rename
        // matters to the catalog there.
        let other = b.resolve(&target, |q| {
            b.views.contains_key(q) || b.sequences.contains_key(q)
        });
        if let Some(other) = other {
            if let [(lo, _)] = actions.as_slice()
                && t.is_kws(*lo, &["RENAME", "TO"])
            {
                let new = t.cursor(lo + 2, t.len()).ident()?;
                return rename_relation(b, &other, &new).map_err(|f| Fail {
                    at: Some(t.offset(*lo)),
                    ..f
                });
            }
            b.skip("ALTER TABLE on a view or sequence");
            return Ok(());
        }
        if if_exists {
            b.skip("ALTER TABLE IF EXISTS (no such table)");
            return Ok(());
        }
        return Err(Fail::at(
            format!("unknown table `{}`", target.join(".")),
            t.offset(name_at),
        ));
    };
    reject_action_column_lists(&t)?;
    let identity = identity_options(&t)?;
    let mut decls: Vec<Decl> = Vec::new();
    for (k, (&(lo, hi), kind)) in actions.iter().zip(&kinds).enumerate() {
        if let Some(label) = kind {
            b.skip(label.clone());
            continue;
        }
        if token_action(b, &t, &table, (lo, hi), only, &identity)? {
            continue;
        }
        // Everything but the header and this action is hidden from sqlparser.
        let mut hidden: Vec<(usize, usize)> = Vec::new();
        for (j, &(alo, ahi)) in actions.iter().enumerate() {
            if j != k {
                hidden.push((alo, ahi));
            }
        }
        hidden.extend(commas(&actions));
        hidden.extend(identity.hidden.iter().copied());
        hidden.extend(index_storage_clauses(&t));
        let Statement::AlterTable(at) = t.parse_without("ALTER TABLE", &hidden)? else {
            return Err(Fail::at("expected an ALTER TABLE statement", t.offset(lo)));
        };
        for op in &at.operations {
            sql_action(b, &t, &table, (lo, hi), only, op, &mut decls)?;
        }
    }
    if !decls.is_empty() {
        let partitioned = b
            .tables
            .get(&table)
            .is_some_and(|x| x.kind == TableKind::Partitioned);
        add_all(b, &table, decls, statement_start)?;
        if partitioned && !only {
            for p in partitions_of(b, &table) {
                clone_to_partition(b, &table, &p)?;
            }
        }
    }
    Ok(())
}

/// Tokens of the commas between actions.
fn commas(actions: &[(usize, usize)]) -> Vec<(usize, usize)> {
    actions.windows(2).map(|w| (w[0].1, w[1].0)).collect()
}

/// The partitions of `table`.
pub(crate) fn partitions_of(b: &Builder, table: &QualifiedName) -> Vec<QualifiedName> {
    b.children_of(table, false)
}

/// Direct children (partitions and inheritance children) of `table`.
pub(crate) fn children_of(b: &Builder, table: &QualifiedName) -> Vec<QualifiedName> {
    b.children_of(table, true)
}

/// The skip label of an action that does not change the catalog.
fn skip_label(t: &Tokens, lo: usize, hi: usize) -> Option<String> {
    let w = |i: usize| {
        if i < hi {
            t.word(i).map(|w| w.value.to_ascii_uppercase())
        } else {
            None
        }
    };
    let first = w(lo)?;
    let label = |s: &str| Some(format!("ALTER TABLE {s}"));
    match first.as_str() {
        "OWNER" => label("OWNER TO"),
        "REPLICA" => label("REPLICA IDENTITY"),
        "CLUSTER" => label("CLUSTER ON"),
        "RESET" => label("RESET"),
        "OF" => label("OF"),
        "FORCE" => label("FORCE ROW LEVEL SECURITY"),
        "NO" if t.is_kw(lo + 1, "FORCE") => label("NO FORCE ROW LEVEL SECURITY"),
        "NOT" if t.is_kw(lo + 1, "OF") => label("NOT OF"),
        "ENABLE" | "DISABLE" => {
            let words: Vec<String> = (lo..hi.min(lo + 4))
                .filter_map(&w)
                .take_while(|x| x != "ON")
                .collect();
            let what = if words.iter().any(|x| x == "ROW") {
                "ROW LEVEL SECURITY"
            } else if words.iter().any(|x| x == "RULE") {
                "RULE"
            } else {
                "TRIGGER"
            };
            label(&format!("{first} {what}"))
        }
        "SET" => match w(lo + 1).as_deref() {
            Some("LOGGED" | "UNLOGGED") => None,
            Some("WITHOUT") if t.is_kw(lo + 2, "CLUSTER") => label("SET WITHOUT CLUSTER"),
            _ => label("SET"),
        },
        "ALTER" => {
            let col = if t.is_kw(lo + 1, "COLUMN") {
                lo + 3
            } else {
                lo + 2
            };
            let op = w(col)?;
            let next = w(col + 1);
            match (op.as_str(), next.as_deref()) {
                ("SET", Some(x @ ("STATISTICS" | "STORAGE" | "COMPRESSION"))) => {
                    label(&format!("ALTER COLUMN SET {x}"))
                }
                ("SET", None) if t.is(col + 1, &Token::LParen) => label("ALTER COLUMN SET"),
                ("RESET", _) => label("ALTER COLUMN RESET"),
                ("OPTIONS", _) => label("ALTER COLUMN OPTIONS"),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Actions parsed from tokens; returns false when sqlparser should do it.
fn token_action(
    b: &mut Builder,
    t: &Tokens,
    table: &QualifiedName,
    (lo, hi): (usize, usize),
    only: bool,
    identity: &super::columns::IdentityOptions,
) -> Result<bool> {
    let mut c = t.cursor(lo, hi);
    if c.eat_kws(&["ATTACH", "PARTITION"]) {
        let at = t.offset(c.pos);
        let part = b
            .resolve_table(&c.object_name()?)
            .map_err(|f| Fail { at: Some(at), ..f })?;
        let p = b.table_mut(&part)?;
        if p.partition_of.is_some() {
            return Err(Fail::at(
                format!("`{}` is already a partition", part.display()),
                at,
            ));
        }
        p.partition_of = Some(table.clone());
        clone_to_partition(b, table, &part)?;
        return Ok(true);
    }
    if c.eat_kws(&["DETACH", "PARTITION"]) {
        let part = b.resolve_table(&c.object_name()?)?;
        b.table_mut(&part)?.partition_of = None;
        return Ok(true);
    }
    if c.eat_kws(&["VALIDATE", "CONSTRAINT"]) {
        let name = c.ident()?;
        let tbl = b.table_mut(table)?;
        match tbl.foreign_keys.iter_mut().find(|f| f.name == name) {
            Some(fk) => fk.validated = true,
            None if tbl.checks.iter().any(|k| k.name == name) => {}
            None => {
                return Err(Fail::at(
                    format!("constraint `{name}` does not exist"),
                    t.offset(lo + 2),
                ));
            }
        }
        return Ok(true);
    }
    if c.eat_kws(&["ALTER", "CONSTRAINT"]) {
        let name = c.ident()?;
        let deferrable = if c.eat_kws(&["NOT", "DEFERRABLE"]) {
            Some(false)
        } else {
            c.eat_kw("DEFERRABLE").then_some(true)
        };
        let deferred = if c.eat_kws(&["INITIALLY", "DEFERRED"]) {
            Some(true)
        } else {
            c.eat_kws(&["INITIALLY", "IMMEDIATE"]).then_some(false)
        };
        let tbl = b.table_mut(table)?;
        let fk = tbl
            .foreign_keys
            .iter_mut()
            .find(|f| f.name == name)
            .ok_or_else(|| {
                Fail::at(
                    format!("foreign key `{name}` does not exist"),
                    t.offset(lo + 2),
                )
            })?;
        if let Some(d) = deferrable {
            fk.deferrable = d;
        }
        if let Some(d) = deferred {
            fk.initially_deferred = d;
            fk.deferrable |= d;
        }
        return Ok(true);
    }
    if c.eat_kw("INHERIT") {
        let parent = b.resolve_table(&c.object_name()?)?;
        b.table_mut(table)?.inherits.push(parent);
        return Ok(true);
    }
    if c.eat_kws(&["NO", "INHERIT"]) {
        let parent = b.resolve_table(&c.object_name()?)?;
        b.table_mut(table)?.inherits.retain(|p| p != &parent);
        return Ok(true);
    }
    if c.eat_kws(&["SET", "LOGGED"]) || c.eat_kws(&["SET", "UNLOGGED"]) {
        b.table_mut(table)?.unlogged = t.is_kw(lo + 1, "UNLOGGED");
        return Ok(true);
    }
    if c.eat_kw("RENAME") {
        rename_in_table(b, t, table, &mut c)?;
        return Ok(true);
    }
    token_column_action(b, t, table, (lo, hi), only, identity)
}

/// Applies one action parsed by sqlparser.
fn sql_action(
    b: &mut Builder,
    t: &Tokens,
    table: &QualifiedName,
    (lo, hi): (usize, usize),
    only: bool,
    op: &AlterTableOperation,
    decls: &mut Vec<Decl>,
) -> Result<()> {
    let at = t.offset(lo);
    let names: Vec<String> = b
        .tables
        .get(table)
        .map(|x| x.columns.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    match op {
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid,
        } => {
            if let TableConstraint::PrimaryKeyUsingIndex(u) | TableConstraint::UniqueUsingIndex(u) =
                constraint
            {
                let primary = matches!(constraint, TableConstraint::PrimaryKeyUsingIndex(_));
                return constraint_using_index(
                    b,
                    table,
                    u.name.as_ref().map(fold_ident),
                    &fold_ident(&u.index_name),
                    primary,
                    at,
                );
            }
            if let Some(mut d) = table_constraint(b, t, constraint, (lo, hi), &names)? {
                if let DeclKind::Foreign(fk) = &mut d.kind {
                    fk.template.validated = !*not_valid;
                }
                decls.push(d);
            }
        }
        AlterTableOperation::AddColumn {
            if_not_exists,
            column_def,
            ..
        } => {
            // The definition starts after `ADD [COLUMN] [IF NOT EXISTS]`.
            let mut c = t.cursor(lo, hi);
            c.eat_kw("ADD");
            c.eat_kw("COLUMN");
            c.eat_kws(&["IF", "NOT", "EXISTS"]);
            let def_lo = c.pos;
            let name = fold_ident(&column_def.name);
            if b.tables
                .get(table)
                .is_some_and(|x| x.column(&name).is_some())
            {
                if *if_not_exists {
                    b.skip("ALTER TABLE ADD COLUMN IF NOT EXISTS (already exists)");
                    return Ok(());
                }
                return Err(Fail::at(
                    format!(
                        "column `{name}` of table `{}` already exists",
                        table.display()
                    ),
                    at,
                ));
            }
            let identity = identity_options(t)?;
            let mut built = build_column(b, t, column_def, (def_lo, hi), &identity)?;
            attach_sequence(b, table, &mut built, at)?;
            let column = built.column.clone();
            b.table_mut(table)?.columns.push(column.clone());
            if !only {
                for child in children_of(b, table) {
                    let tbl = b.table_mut(&child)?;
                    if tbl.column(&column.name).is_none() {
                        tbl.columns.push(crate::catalog::Column {
                            identity: None,
                            ..column.clone()
                        });
                    }
                }
            }
            let mut all = names.clone();
            all.push(&name);
            decls.extend(built.decls);
            for (cname, (clo, chi), cat) in built.checks {
                let cols = mentioned_columns(t, clo, chi, &all);
                decls.push(Decl {
                    name: cname,
                    kind: DeclKind::Check(t.slice(clo, chi).to_string(), cols),
                    at: cat,
                });
            }
        }
        AlterTableOperation::AlterColumn { column_name, op } => {
            alter_column(b, t, table, (lo, hi), only, &fold_ident(column_name), op)?;
        }
        AlterTableOperation::DropColumn {
            column_names,
            if_exists,
            ..
        } => {
            for c in column_names {
                drop_column(b, table, &fold_ident(c), *if_exists).map_err(|f| Fail {
                    at: f.at.or(Some(at)),
                    ..f
                })?;
            }
        }
        AlterTableOperation::DropConstraint {
            name, if_exists, ..
        } => {
            drop_constraint(b, table, &fold_ident(name), *if_exists).map_err(|f| Fail {
                at: f.at.or(Some(at)),
                ..f
            })?;
        }
        AlterTableOperation::DropPrimaryKey { .. } => {
            b.table_mut(table)?.primary_key = None;
        }
        other => {
            return Err(Fail::at(
                format!("unsupported ALTER TABLE action `{other}`"),
                at,
            ));
        }
    }
    Ok(())
}

/// `ADD [CONSTRAINT name] PRIMARY KEY | UNIQUE USING INDEX index`: the
/// index becomes the constraint's index and takes its name.
fn constraint_using_index(
    b: &mut Builder,
    table: &QualifiedName,
    name: Option<String>,
    index: &str,
    primary: bool,
    at: usize,
) -> Result<()> {
    let tbl = b.table_mut(table)?;
    let pos = tbl
        .indexes
        .iter()
        .position(|i| i.name == index)
        .ok_or_else(|| {
            Fail::at(
                format!("index `{index}` does not exist on `{}`", table.display()),
                at,
            )
        })?;
    let idx = tbl.indexes.remove(pos);
    let columns: Vec<String> = idx
        .keys
        .iter()
        .map(|k| match k {
            crate::catalog::IndexKey::Column(c) => Ok(c.clone()),
            crate::catalog::IndexKey::Expression(e) => {
                Err(Fail::at(format!("index key `{e}` is not a column"), at))
            }
        })
        .collect::<Result<_>>()?;
    let key = crate::catalog::KeyConstraint {
        name: name.unwrap_or(idx.name),
        columns,
    };
    if primary {
        for c in &mut tbl.columns {
            if key.columns.contains(&c.name) {
                c.not_null = true;
            }
        }
        tbl.primary_key = Some(key);
    } else {
        tbl.unique_constraints.push(key);
    }
    Ok(())
}
