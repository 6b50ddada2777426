//! `ALTER INDEX` and `ALTER [MATERIALIZED] VIEW`.
//!
//! Only renames change the catalog; pg_dump's `ALTER INDEX … ATTACH
//! PARTITION` (which sqlparser cannot parse) ties a partition's index to its
//! parent's, which the catalog does not record, so it is counted.

use super::error::{Fail, Result};
use super::rename::rename_relation;
use super::state::Builder;
use super::tokens::tokenize;

/// Handles `ALTER INDEX …`.
pub(crate) fn alter_index(b: &mut Builder, text: &str) -> Result<()> {
    let t = tokenize(text)?;
    let mut c = t.cursor(0, t.len());
    c.expect_kw("ALTER")?;
    c.expect_kw("INDEX")?;
    if c.peek_kw("ALL") {
        b.skip("ALTER INDEX ALL IN TABLESPACE");
        return Ok(());
    }
    let if_exists = c.eat_kws(&["IF", "EXISTS"]);
    let at = t.offset(c.pos);
    let parts = c.object_name()?;
    if c.eat_kws(&["RENAME", "TO"]) {
        let new = c.ident()?;
        let Some(old) = b.resolve(&parts, |q| b.relation_taken(&q.schema, &q.name)) else {
            if if_exists {
                b.skip("ALTER INDEX IF EXISTS (no such index)");
                return Ok(());
            }
            return Err(Fail::at(format!("unknown index `{}`", parts.join(".")), at));
        };
        return rename_relation(b, &old, &new).map_err(|f| Fail { at: Some(at), ..f });
    }
    let what = if c.eat_kws(&["ATTACH", "PARTITION"]) {
        "ALTER INDEX ATTACH PARTITION"
    } else {
        "ALTER INDEX"
    };
    b.skip(what);
    Ok(())
}

/// Handles `ALTER [MATERIALIZED] VIEW …`.
pub(crate) fn alter_view(b: &mut Builder, text: &str) -> Result<()> {
    let t = tokenize(text)?;
    let mut c = t.cursor(0, t.len());
    c.expect_kw("ALTER")?;
    let materialized = c.eat_kw("MATERIALIZED");
    c.expect_kw("VIEW")?;
    let if_exists = c.eat_kws(&["IF", "EXISTS"]);
    let at = t.offset(c.pos);
    let parts = c.object_name()?;
    let verb = if materialized {
        "ALTER MATERIALIZED VIEW"
    } else {
        "ALTER VIEW"
    };
    if c.eat_kws(&["RENAME", "TO"]) {
        let new = c.ident()?;
        let Some(old) = b.resolve(&parts, |q| b.views.contains_key(q)) else {
            if if_exists {
                b.skip(format!("{verb} IF EXISTS (no such view)"));
                return Ok(());
            }
            return Err(Fail::at(format!("unknown view `{}`", parts.join(".")), at));
        };
        return rename_relation(b, &old, &new).map_err(|f| Fail { at: Some(at), ..f });
    }
    if c.peek_kw("SET") && t.is_kw(c.pos + 1, "SCHEMA") {
        return Err(Fail::at(
            format!("{verb} … SET SCHEMA is not supported"),
            at,
        ));
    }
    b.skip(verb);
    Ok(())
}
