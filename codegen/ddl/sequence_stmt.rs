//! `CREATE SEQUENCE` and `ALTER SEQUENCE`, parsed from tokens.
//!
//! sqlparser 0.64 reads pg_dump's `CREATE SEQUENCE` but not
//! `CREATE UNLOGGED SEQUENCE` nor any `ALTER SEQUENCE … OWNED BY`, which is
//! how pg_dump ties every serial sequence to its column; one small parser
//! covers both statements.

use super::error::{Fail, Result};
use super::rename::rename_relation;
use super::sequence::{SeqOptions, alter_sequence, new_sequence, parse_options};
use super::state::Builder;
use super::tokens::tokenize;
use crate::catalog::{IntKind, QualifiedName};

/// Handles one `CREATE SEQUENCE` statement.
pub(crate) fn create_sequence(b: &mut Builder, text: &str) -> Result<()> {
    let t = tokenize(text)?;
    let mut c = t.cursor(0, t.len());
    c.expect_kw("CREATE")?;
    for kw in ["TEMPORARY", "TEMP", "UNLOGGED"] {
        c.eat_kw(kw);
    }
    c.expect_kw("SEQUENCE")?;
    let if_not_exists = c.eat_kws(&["IF", "NOT", "EXISTS"]);
    let name_at = t.offset(c.pos);
    let name = b.qualify_new(&c.object_name()?)?;
    let options = parse_options(&mut c)?;
    if b.relation_taken(&name.schema, &name.name) {
        if if_not_exists {
            b.skip("CREATE SEQUENCE IF NOT EXISTS (already exists)");
            return Ok(());
        }
        return Err(Fail::at(
            format!("relation `{}` already exists", name.display()),
            name_at,
        ));
    }
    let mut seq = new_sequence(name.clone(), &options, IntKind::Bigint);
    seq.owned_by = owner(b, &options)
        .map_err(|f| Fail {
            at: f.at.or(Some(name_at)),
            ..f
        })?
        .flatten();
    b.sequences.insert(name, seq);
    Ok(())
}

/// Handles one `ALTER SEQUENCE` statement.
pub(crate) fn alter_sequence_stmt(b: &mut Builder, text: &str) -> Result<()> {
    let t = tokenize(text)?;
    let mut c = t.cursor(0, t.len());
    c.expect_kw("ALTER")?;
    c.expect_kw("SEQUENCE")?;
    let if_exists = c.eat_kws(&["IF", "EXISTS"]);
    let name_at = t.offset(c.pos);
    let parts = c.object_name()?;
    if c.peek_kw("OWNER") {
        b.skip("ALTER SEQUENCE OWNER TO");
        return Ok(());
    }
    let Some(name) = b.resolve(&parts, |q| b.sequences.contains_key(q)) else {
        if if_exists {
            b.skip("ALTER SEQUENCE IF EXISTS (no such sequence)");
            return Ok(());
        }
        return Err(Fail::at(
            format!("unknown sequence `{}`", parts.join(".")),
            name_at,
        ));
    };
    if c.eat_kws(&["RENAME", "TO"]) {
        let new = c.ident()?;
        return rename_relation(b, &name, &new).map_err(|f| Fail {
            at: Some(name_at),
            ..f
        });
    }
    if c.eat_kws(&["SET", "SCHEMA"]) {
        return Err(Fail::at(
            "ALTER SEQUENCE … SET SCHEMA is not supported",
            name_at,
        ));
    }
    if c.eat_kws(&["SET", "LOGGED"]) || c.eat_kws(&["SET", "UNLOGGED"]) {
        b.skip("ALTER SEQUENCE SET LOGGED");
        return Ok(());
    }
    let options = parse_options(&mut c)?;
    let owned = owner(b, &options).map_err(|f| Fail {
        at: f.at.or(Some(name_at)),
        ..f
    })?;
    let seq = b
        .sequences
        .get_mut(&name)
        .ok_or_else(|| Fail::at("unknown sequence", name_at))?;
    alter_sequence(seq, &options);
    if let Some(owned) = owned {
        seq.owned_by = owned;
    }
    Ok(())
}

/// Resolves `OWNED BY table.column`; `Some(None)` for `OWNED BY NONE`.
fn owner(b: &Builder, o: &SeqOptions) -> Result<Option<Option<(QualifiedName, String)>>> {
    let Some(owned) = &o.owned_by else {
        return Ok(None);
    };
    let Some(parts) = owned else {
        return Ok(Some(None));
    };
    let (column, table) = parts
        .split_last()
        .filter(|(_, t)| !t.is_empty())
        .ok_or_else(|| Fail::new("OWNED BY needs table.column"))?;
    let table = b.resolve_table(table)?;
    if b.tables
        .get(&table)
        .and_then(|t| t.column(column))
        .is_none()
    {
        return Err(Fail::new(format!(
            "column `{column}` of table `{}` does not exist",
            table.display()
        )));
    }
    Ok(Some(Some((table, column.clone()))))
}
