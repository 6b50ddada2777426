//! Renames of tables, columns, constraints, indexes, sequences and views.
//!
//! PostgreSQL refers to objects by OID, so a rename is seen everywhere at
//! once; the catalog refers to them by name, so every reference is updated
//! here. Expression texts (CHECKs, index expressions, non-`nextval`
//! defaults) keep the old spelling: PostgreSQL would re-print them, which
//! this parser cannot do faithfully.

use super::error::{Fail, Result};
use super::exprtext::nextval_default;
use super::state::Builder;
use super::tokens::{Cursor, Tokens};
use crate::catalog::{IndexKey, QualifiedName};

/// `ALTER TABLE t RENAME …`, after the `RENAME` keyword.
pub(crate) fn rename_in_table(
    b: &mut Builder,
    t: &Tokens,
    table: &QualifiedName,
    c: &mut Cursor,
) -> Result<()> {
    let at = t.offset(c.pos);
    if c.eat_kw("TO") {
        let new = c.ident()?;
        return rename_relation(b, table, &new).map_err(|f| Fail { at: Some(at), ..f });
    }
    if c.eat_kw("CONSTRAINT") {
        let old = c.ident()?;
        c.expect_kw("TO")?;
        let new = c.ident()?;
        return rename_constraint(b, table, &old, &new).map_err(|f| Fail { at: Some(at), ..f });
    }
    c.eat_kw("COLUMN");
    let old = c.ident()?;
    c.expect_kw("TO")?;
    let new = c.ident()?;
    rename_column(b, table, &old, &new).map_err(|f| Fail { at: Some(at), ..f })
}

/// Renames any relation (table, view, sequence, or index) in its schema.
pub(crate) fn rename_relation(b: &mut Builder, old: &QualifiedName, new_name: &str) -> Result<()> {
    let new = QualifiedName::new(old.schema.clone(), new_name);
    if b.relation_taken(&new.schema, &new.name) {
        return Err(Fail::new(format!(
            "relation `{}` already exists",
            new.display()
        )));
    }
    let swap = |q: &mut QualifiedName| {
        if q == old {
            *q = new.clone();
        }
    };
    if let Some(mut table) = b.tables.remove(old) {
        table.name = new.clone();
        b.insert_table(table);
        let children: Vec<QualifiedName> = b
            .tables
            .values()
            .filter(|t| t.partition_of.as_ref() == Some(old) || t.inherits.contains(old))
            .map(|t| t.name.clone())
            .collect();
        // Their parent's name changes below: the child index must see it.
        for child in &children {
            b.table_mut(child)?;
        }
        for t in b.tables.values_mut() {
            t.foreign_keys
                .iter_mut()
                .for_each(|f| swap(&mut f.referenced_table));
            t.inherits.iter_mut().for_each(swap);
            if let Some(p) = &mut t.partition_of {
                swap(p);
            }
        }
        for s in b.sequences.values_mut() {
            if let Some((t, _)) = &mut s.owned_by {
                swap(t);
            }
        }
        b.triggers.iter_mut().for_each(|x| swap(&mut x.table));
        b.policies.iter_mut().for_each(|x| swap(&mut x.table));
        b.rules.iter_mut().for_each(|x| swap(&mut x.table));
        b.pending_fks.iter_mut().for_each(|p| swap(&mut p.table));
    } else if let Some(mut seq) = b.sequences.remove(old) {
        seq.name = new.clone();
        b.sequences.insert(new.clone(), seq);
        let default = nextval_default(&new);
        for t in b.tables.values_mut() {
            for c in &mut t.columns {
                if c.nextval_sequence().as_ref() == Some(old) {
                    c.default = Some(default.clone());
                }
                if let Some(i) = &mut c.identity {
                    swap(&mut i.sequence);
                }
            }
        }
    } else if let Some(mut view) = b.views.remove(old) {
        view.name = new.clone();
        b.views.insert(new.clone(), view);
    } else if let Some(owner) = b.index_owner(&old.schema, &old.name) {
        let t = b.table_mut(&owner)?;
        t.indexes
            .iter_mut()
            .filter(|i| i.name == old.name)
            .for_each(|i| i.name = new_name.to_string());
    } else if let Some(owner) = key_owner(b, old) {
        // The index behind a PRIMARY KEY or UNIQUE constraint: both rename.
        rename_constraint(b, &owner, &old.name, new_name)?;
    } else {
        return Err(Fail::new(format!(
            "relation `{}` does not exist",
            old.display()
        )));
    }
    for v in b.views.values_mut() {
        v.depends_on.iter_mut().for_each(swap);
        v.depends_on.sort();
    }
    Ok(())
}

/// The table whose PRIMARY KEY or UNIQUE constraint index is `index`.
fn key_owner(b: &Builder, index: &QualifiedName) -> Option<QualifiedName> {
    b.tables
        .values()
        .filter(|t| t.name.schema == index.schema)
        .find(|t| {
            t.primary_key
                .iter()
                .chain(&t.unique_constraints)
                .any(|k| k.name == index.name)
        })
        .map(|t| t.name.clone())
}

fn rename_constraint(b: &mut Builder, table: &QualifiedName, old: &str, new: &str) -> Result<()> {
    let t = b.table_mut(table)?;
    let mut found = false;
    for k in t
        .primary_key
        .iter_mut()
        .chain(t.unique_constraints.iter_mut())
    {
        if k.name == old {
            k.name = new.to_string();
            found = true;
        }
    }
    for f in t.foreign_keys.iter_mut().filter(|f| f.name == old) {
        f.name = new.to_string();
        found = true;
    }
    for c in t.checks.iter_mut().filter(|c| c.name == old) {
        c.name = new.to_string();
        found = true;
    }
    if !found {
        return Err(Fail::new(format!(
            "constraint `{old}` of table `{}` does not exist",
            table.display()
        )));
    }
    for p in b
        .pending_fks
        .iter_mut()
        .filter(|p| &p.table == table && p.name == old)
    {
        p.name = new.to_string();
    }
    Ok(())
}

fn rename_column(b: &mut Builder, table: &QualifiedName, old: &str, new: &str) -> Result<()> {
    let t = b.table_mut(table)?;
    if t.column(new).is_some() {
        return Err(Fail::new(format!(
            "column `{new}` of table `{}` already exists",
            table.display()
        )));
    }
    let column = t
        .columns
        .iter_mut()
        .find(|c| c.name == old)
        .ok_or_else(|| {
            Fail::new(format!(
                "column `{old}` of table `{}` does not exist",
                table.display()
            ))
        })?;
    column.name = new.to_string();
    let fix = |cols: &mut Vec<String>| {
        cols.iter_mut()
            .filter(|c| *c == old)
            .for_each(|c| *c = new.to_string())
    };
    for k in t
        .primary_key
        .iter_mut()
        .chain(t.unique_constraints.iter_mut())
    {
        fix(&mut k.columns);
    }
    t.foreign_keys.iter_mut().for_each(|f| fix(&mut f.columns));
    t.checks.iter_mut().for_each(|c| fix(&mut c.columns));
    for i in &mut t.indexes {
        for k in &mut i.keys {
            if let IndexKey::Column(c) = k
                && c == old
            {
                *c = new.to_string();
            }
        }
        fix(&mut i.include);
        fix(&mut i.expression_columns);
    }
    for other in b.tables.values_mut() {
        for f in other
            .foreign_keys
            .iter_mut()
            .filter(|f| &f.referenced_table == table)
        {
            fix(&mut f.referenced_columns);
        }
    }
    for s in b.sequences.values_mut() {
        if let Some((t, c)) = &mut s.owned_by
            && t == table
            && c == old
        {
            *c = new.to_string();
        }
    }
    Ok(())
}
