//! `DROP …` statements and the `DROP COLUMN` / `DROP CONSTRAINT` actions.
//!
//! Scripts written to be re-run start with `DROP TABLE IF EXISTS … CASCADE`;
//! dropping what exists keeps the catalog equal to what PostgreSQL would
//! hold afterwards. Dependent objects go with their table, as `CASCADE` (or
//! PostgreSQL's automatic dependencies) would take them.

use super::error::{Fail, Result};
use super::state::Builder;
use super::tokens::tokenize;
use crate::catalog::{IndexKey, QualifiedName};

/// Handles one `DROP …` statement.
pub(crate) fn drop_statement(b: &mut Builder, text: &str) -> Result<()> {
    let t = tokenize(text)?;
    let mut c = t.cursor(0, t.len());
    c.expect_kw("DROP")?;
    let kind = if c.eat_kws(&["MATERIALIZED", "VIEW"]) || c.eat_kw("VIEW") {
        "VIEW"
    } else if c.eat_kw("TABLE") {
        "TABLE"
    } else if c.eat_kw("INDEX") {
        c.eat_kw("CONCURRENTLY");
        "INDEX"
    } else if c.eat_kw("SEQUENCE") {
        "SEQUENCE"
    } else if c.eat_kw("TRIGGER") {
        "TRIGGER"
    } else if c.eat_kw("POLICY") {
        "POLICY"
    } else if c.eat_kw("RULE") {
        "RULE"
    } else {
        let what: Vec<String> = (1..3)
            .filter_map(|i| {
                t.word(i)
                    .filter(|w| w.quote_style.is_none())
                    .map(|w| w.value.to_ascii_uppercase())
            })
            .take_while(|w| w != "IF")
            .collect();
        let what = match what.first().map(String::as_str) {
            Some("TEXT" | "FOREIGN" | "EVENT" | "USER" | "OPERATOR" | "ACCESS") => what.join(" "),
            Some(w) => w.to_string(),
            None => String::new(),
        };
        b.skip(format!("DROP {what}").trim_end().to_string());
        return Ok(());
    };
    let if_exists = c.eat_kws(&["IF", "EXISTS"]);
    let mut names = Vec::new();
    loop {
        let at = t.offset(c.pos);
        names.push((c.object_name()?, at));
        if !c.eat(&sqlparser::tokenizer::Token::Comma) {
            break;
        }
    }
    let on = if c.eat_kw("ON") {
        Some(b.resolve_table(&c.object_name()?)?)
    } else {
        None
    };
    let mut missing = false;
    for (parts, at) in names {
        let found = match kind {
            "TABLE" => b
                .resolve(&parts, |q| b.tables.contains_key(q))
                .map(|q| drop_table(b, &q)),
            "VIEW" => b
                .resolve(&parts, |q| b.views.contains_key(q))
                .map(|q| drop_view(b, &q)),
            "SEQUENCE" => b
                .resolve(&parts, |q| b.sequences.contains_key(q))
                .map(|q| drop_sequence(b, &q)),
            "INDEX" => drop_index(b, &parts).map_err(|f| Fail { at: Some(at), ..f })?,
            _ => {
                let table = on
                    .clone()
                    .ok_or_else(|| Fail::at("expected ON table", at))?;
                let name = parts.last().cloned().unwrap_or_default();
                let before = b.triggers.len() + b.policies.len() + b.rules.len();
                match kind {
                    "TRIGGER" => b.triggers.retain(|x| !(x.table == table && x.name == name)),
                    "POLICY" => b.policies.retain(|x| !(x.table == table && x.name == name)),
                    _ => b.rules.retain(|x| !(x.table == table && x.name == name)),
                }
                (before != b.triggers.len() + b.policies.len() + b.rules.len()).then_some(())
            }
        };
        if found.is_none() {
            if !if_exists {
                return Err(Fail::at(
                    format!(
                        "{} `{}` does not exist",
                        kind.to_ascii_lowercase(),
                        parts.join(".")
                    ),
                    at,
                ));
            }
            missing = true;
        }
    }
    if missing {
        b.skip(format!("DROP {kind} IF EXISTS (nothing to drop)"));
    }
    Ok(())
}

/// Removes a table with its owned sequences, the foreign keys pointing at
/// it, the views, triggers, policies and rules that depend on it, and its
/// partitions.
pub(crate) fn drop_table(b: &mut Builder, q: &QualifiedName) {
    b.tables.remove(q);
    b.sequences
        .retain(|_, s| s.owned_by.as_ref().is_none_or(|(t, _)| t != q));
    for t in b.tables.values_mut() {
        t.foreign_keys.retain(|f| &f.referenced_table != q);
        t.inherits.retain(|p| p != q);
    }
    b.pending_fks.retain(|p| &p.table != q);
    b.triggers.retain(|x| &x.table != q);
    b.policies.retain(|x| &x.table != q);
    b.rules.retain(|x| &x.table != q);
    drop_dependent_views(b, q);
    let partitions: Vec<QualifiedName> = b
        .tables
        .values()
        .filter(|t| t.partition_of.as_ref() == Some(q))
        .map(|t| t.name.clone())
        .collect();
    for p in partitions {
        drop_table(b, &p);
    }
}

/// Removes a view and the views built on it.
pub(crate) fn drop_view(b: &mut Builder, q: &QualifiedName) {
    b.views.remove(q);
    b.rules.retain(|x| &x.table != q);
    b.triggers.retain(|x| &x.table != q);
    drop_dependent_views(b, q);
}

fn drop_dependent_views(b: &mut Builder, q: &QualifiedName) {
    let dependents: Vec<QualifiedName> = b
        .views
        .values()
        .filter(|v| v.depends_on.contains(q))
        .map(|v| v.name.clone())
        .collect();
    for v in dependents {
        drop_view(b, &v);
    }
}

/// Removes a sequence and the defaults that call it.
pub(crate) fn drop_sequence(b: &mut Builder, q: &QualifiedName) {
    b.sequences.remove(q);
    for t in b.tables.values_mut() {
        for c in &mut t.columns {
            if c.nextval_sequence().as_ref() == Some(q) {
                c.default = None;
            }
        }
    }
}

/// Removes an index; `Ok(None)` when there is none of that name.
fn drop_index(b: &mut Builder, parts: &[String]) -> Result<Option<()>> {
    let Some(owner) = b.resolve(parts, |q| b.index_owner(&q.schema, &q.name).is_some()) else {
        let is_constraint = b
            .resolve(parts, |q| b.relation_taken(&q.schema, &q.name))
            .is_some();
        if is_constraint {
            return Err(Fail::new(format!(
                "cannot drop index `{}`: a constraint or other relation uses the name",
                parts.join(".")
            )));
        }
        return Ok(None);
    };
    if let Some(table) = b.index_owner(&owner.schema, &owner.name) {
        b.table_mut(&table)?
            .indexes
            .retain(|i| i.name != owner.name);
    }
    Ok(Some(()))
}

/// `ALTER TABLE … DROP COLUMN`: the column goes with every constraint and
/// index on it, the foreign keys that reference it, and its owned sequences.
pub(crate) fn drop_column(
    b: &mut Builder,
    table: &QualifiedName,
    name: &str,
    if_exists: bool,
) -> Result<()> {
    let t = b.table_mut(table)?;
    if t.column(name).is_none() {
        if if_exists {
            return Ok(());
        }
        return Err(Fail::new(format!(
            "column `{name}` of table `{}` does not exist",
            table.display()
        )));
    }
    t.columns.retain(|c| c.name != name);
    let uses = |cols: &[String]| cols.iter().any(|c| c == name);
    if t.primary_key.as_ref().is_some_and(|k| uses(&k.columns)) {
        t.primary_key = None;
    }
    t.unique_constraints.retain(|k| !uses(&k.columns));
    t.foreign_keys.retain(|f| !uses(&f.columns));
    t.checks.retain(|c| !uses(&c.columns));
    t.indexes.retain(|i| {
        !(i.keys
            .iter()
            .any(|k| matches!(k, IndexKey::Column(c) if c == name))
            || uses(&i.include)
            || uses(&i.expression_columns))
    });
    for other in b.tables.values_mut() {
        other
            .foreign_keys
            .retain(|f| !(&f.referenced_table == table && uses(&f.referenced_columns)));
    }
    b.sequences.retain(|_, s| {
        s.owned_by
            .as_ref()
            .is_none_or(|(t, c)| !(t == table && c == name))
    });
    Ok(())
}

/// `ALTER TABLE … DROP CONSTRAINT`.
pub(crate) fn drop_constraint(
    b: &mut Builder,
    table: &QualifiedName,
    name: &str,
    if_exists: bool,
) -> Result<()> {
    let t = b.table_mut(table)?;
    let before = t.unique_constraints.len()
        + t.foreign_keys.len()
        + t.checks.len()
        + usize::from(t.primary_key.is_some());
    if t.primary_key.as_ref().is_some_and(|k| k.name == name) {
        t.primary_key = None;
    }
    t.unique_constraints.retain(|k| k.name != name);
    t.foreign_keys.retain(|f| f.name != name);
    t.checks.retain(|c| c.name != name);
    let after = t.unique_constraints.len()
        + t.foreign_keys.len()
        + t.checks.len()
        + usize::from(t.primary_key.is_some());
    if before == after && !if_exists {
        return Err(Fail::new(format!(
            "constraint `{name}` of table `{}` does not exist",
            table.display()
        )));
    }
    b.pending_fks
        .retain(|p| !(&p.table == table && p.name == name));
    Ok(())
}
