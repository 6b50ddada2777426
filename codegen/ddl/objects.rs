//! Triggers, policies and rules (dependencies of a table), and the names of
//! types, domains and functions (needed to resolve column types and trigger
//! functions). All are read from tokens: sqlparser rejects several
//! `CREATE TRIGGER` forms pg_dump writes (string arguments to the trigger
//! function), `CREATE RULE`, and `CREATE DOMAIN … NOT NULL`, and only a few
//! names are needed from each.

use super::coltype::TypeNames;
use super::error::{Fail, Result};
use super::state::Builder;
use super::tokens::{Cursor, Tokens, tokenize};
use crate::catalog::{IntKind, Policy, QualifiedName, Rule, Trigger};
use sqlparser::tokenizer::Token;

/// Skips `CREATE [OR REPLACE]` and any of `modifiers`.
fn header(c: &mut Cursor, modifiers: &[&str]) -> Result<()> {
    c.expect_kw("CREATE")?;
    c.eat_kws(&["OR", "REPLACE"]);
    while modifiers.iter().any(|m| c.eat_kw(m)) {}
    Ok(())
}

/// The table or view a trigger, policy or rule is attached to.
fn target(b: &Builder, c: &mut Cursor) -> Result<QualifiedName> {
    let at = c.t.offset(c.pos);
    let parts = c.object_name()?;
    b.resolve_readable(&parts)
        .ok_or_else(|| Fail::at(format!("unknown table or view `{}`", parts.join(".")), at))
}

/// `CREATE [OR REPLACE] [CONSTRAINT] TRIGGER name … ON table … EXECUTE
/// {FUNCTION | PROCEDURE} f(…)`.
pub(crate) fn create_trigger(b: &mut Builder, text: &str) -> Result<()> {
    let t = tokenize(text)?;
    let mut c = t.cursor(0, t.len());
    header(&mut c, &["CONSTRAINT"])?;
    c.expect_kw("TRIGGER")?;
    let name = c.ident()?;
    let on = t
        .find_top(c.pos, t.len(), |i| t.is_kw(i, "ON"))
        .ok_or_else(|| c.fail("expected ON table"))?;
    c.pos = on + 1;
    let table = target(b, &mut c)?;
    let exec = t
        .find_top(c.pos, t.len(), |i| {
            t.is_kw(i, "EXECUTE") && (t.is_kw(i + 1, "FUNCTION") || t.is_kw(i + 1, "PROCEDURE"))
        })
        .ok_or_else(|| c.fail("expected EXECUTE FUNCTION"))?;
    c.pos = exec + 2;
    let function = b.function_name(&c.object_name()?);
    if !matches!(c.peek(), Some(Token::LParen)) {
        return Err(c.fail("expected the trigger function's argument list"));
    }
    // The catalog lists triggers on tables only: a trigger on a view is
    // recreated with its view, which is what the live catalog reads too.
    if b.tables.contains_key(&table) {
        b.triggers.retain(|x| !(x.table == table && x.name == name));
        b.triggers.push(Trigger {
            table,
            name,
            function,
            function_body: None, // filled in from the final function bodies
            when: trigger_when(text),
        });
    }
    Ok(())
}

/// `CREATE POLICY name ON table … [USING (…)] [WITH CHECK (…)]`, with
/// both expressions as written, without their parentheses (the server
/// prints them its own way; `tests/parity.rs` has it print these).
pub(crate) fn create_policy(b: &mut Builder, text: &str) -> Result<()> {
    let t = tokenize(text)?;
    let mut c = t.cursor(0, t.len());
    header(&mut c, &[])?;
    c.expect_kw("POLICY")?;
    let name = c.ident()?;
    c.expect_kw("ON")?;
    let table = target(b, &mut c)?;
    let (using, with_check) = policy_clauses(&t, c.pos)?;
    b.policies.push(Policy {
        table,
        name,
        using,
        with_check,
    });
    Ok(())
}

/// The `USING ( … )` and `WITH CHECK ( … )` texts of a policy statement
/// from token `from` on, without their parentheses.
fn policy_clauses(t: &Tokens, from: usize) -> Result<(Option<String>, Option<String>)> {
    let clause = |at: Option<usize>| -> Result<Option<String>> {
        let Some(open) = at else { return Ok(None) };
        let close = t
            .close_paren(open)
            .ok_or_else(|| Fail::at("unbalanced parentheses", t.offset(open)))?;
        Ok(Some(t.slice(open + 1, close).to_string()))
    };
    let using = clause(
        t.find_top(from, t.len(), |i| {
            t.is_kw(i, "USING") && t.is(i + 1, &Token::LParen)
        })
        .map(|i| i + 1),
    )?;
    let with_check = clause(
        t.find_top(from, t.len(), |i| {
            t.is_kws(i, &["WITH", "CHECK"]) && t.is(i + 2, &Token::LParen)
        })
        .map(|i| i + 2),
    )?;
    Ok((using, with_check))
}

/// `ALTER POLICY name ON table RENAME TO new`, or `ALTER POLICY name ON
/// table [TO roles] [USING (…)] [WITH CHECK (…)]`: a clause given replaces
/// the policy's text, one not given keeps it, as PostgreSQL does.
pub(crate) fn alter_policy(b: &mut Builder, text: &str) -> Result<()> {
    let t = tokenize(text)?;
    let mut c = t.cursor(0, t.len());
    c.expect_kw("ALTER")?;
    c.expect_kw("POLICY")?;
    let name = c.ident()?;
    c.expect_kw("ON")?;
    let table = target(b, &mut c)?;
    let rename = if c.eat_kws(&["RENAME", "TO"]) {
        Some(c.ident()?)
    } else {
        None
    };
    let (using, with_check) = policy_clauses(&t, c.pos)?;
    let Some(policy) = b
        .policies
        .iter_mut()
        .find(|p| p.table == table && p.name == name)
    else {
        return Err(Fail::new(format!(
            "policy {name} on {} does not exist",
            table.display()
        )));
    };
    if let Some(new_name) = rename {
        policy.name = new_name;
    }
    if using.is_some() {
        policy.using = using;
    }
    if with_check.is_some() {
        policy.with_check = with_check;
    }
    Ok(())
}

/// `CREATE [OR REPLACE] RULE name AS ON event TO table …`.
pub(crate) fn create_rule(b: &mut Builder, text: &str) -> Result<()> {
    let t = tokenize(text)?;
    let mut c = t.cursor(0, t.len());
    header(&mut c, &[])?;
    c.expect_kw("RULE")?;
    let name = c.ident()?;
    c.expect_kw("AS")?;
    c.expect_kw("ON")?;
    c.pos += 1; // the event
    c.expect_kw("TO")?;
    let table = target(b, &mut c)?;
    // As with triggers, a rule on a view travels with the view.
    if b.tables.contains_key(&table) {
        b.rules.retain(|x| !(x.table == table && x.name == name));
        b.rules.push(Rule {
            table,
            name,
            condition: rule_condition(text),
        });
    }
    Ok(())
}

/// The `WHEN ( … )` condition of a `CREATE TRIGGER` statement, without
/// its parentheses: from a schema file, and from `pg_get_triggerdef`'s
/// text on a live database, so both paths cut it the same way.
pub fn trigger_when(text: &str) -> Option<String> {
    let t = tokenize(text).ok()?;
    let exec = t.find_top(0, t.len(), |i| t.is_kw(i, "EXECUTE"))?;
    let when = t.find_top(0, exec, |i| {
        t.is_kw(i, "WHEN") && t.is(i + 1, &Token::LParen)
    })?;
    let close = t.close_paren(when + 1)?;
    Some(t.slice(when + 2, close).to_string())
}

/// The `WHERE` condition of a `CREATE RULE` statement (between `WHERE` and
/// `DO`), likewise from a schema file or `pg_get_ruledef`'s text.
pub fn rule_condition(text: &str) -> Option<String> {
    let t = tokenize(text).ok()?;
    let to = t.find_top(0, t.len(), |i| t.is_kw(i, "TO"))?;
    let do_at = t.find_top(to, t.len(), |i| t.is_kw(i, "DO"))?;
    let where_at = t.find_top(to, do_at, |i| t.is_kw(i, "WHERE"))?;
    Some(t.slice(where_at + 1, do_at).to_string()).filter(|c| !c.is_empty())
}

/// The source of a `CREATE FUNCTION`, as `pg_proc.prosrc` holds it: the
/// string after the top-level `AS`. `None` for C and internal functions
/// (their "source" is a symbol name) and for SQL-standard `BEGIN ATOMIC`
/// bodies, which have no source string.
pub(crate) fn function_body(text: &str) -> Option<String> {
    let t = tokenize(text).ok()?;
    let language = (0..t.len())
        .find(|&i| t.is_kw(i, "LANGUAGE"))
        .and_then(|i| t.word(i + 1).map(|w| w.value.to_ascii_lowercase()));
    if matches!(language.as_deref(), Some("c" | "internal")) {
        return None;
    }
    let at = t.find_top(0, t.len(), |i| t.is_kw(i, "AS"))?;
    match t.token(at + 1)? {
        Token::DollarQuotedString(s) => Some(s.value.clone()),
        Token::SingleQuotedString(s) | Token::EscapedStringLiteral(s) => Some(s.clone()),
        _ => None,
    }
}

/// The integer type a `CREATE DOMAIN name [AS] type …` is over, directly
/// or through another such domain; `None` for any other base type.
pub(crate) fn domain_int_kind(b: &Builder, text: &str) -> Option<IntKind> {
    let t = tokenize(text).ok()?;
    let at = t.find_top(0, t.len().min(8), |i| t.is_kw(i, "DOMAIN"))?;
    let mut c = t.cursor(at + 1, t.len());
    c.object_name().ok()?;
    c.eat_kws(&["AS"]);
    let parts = c.object_name().ok()?;
    if matches!(c.peek(), Some(Token::LParen | Token::LBracket)) {
        return None; // numeric(…), int[]: not an integer key type
    }
    match parts.as_slice() {
        [n] | [_, n] if !n.contains("serial") && (parts.len() == 1 || parts[0] == "pg_catalog") => {
            IntKind::from_type_name(n).or_else(|| b.domain_int_kind(&parts))
        }
        _ => b.domain_int_kind(&parts),
    }
}

/// The name created by `CREATE <object> [IF NOT EXISTS] name …`, where
/// `object` is the keyword before the name (`DOMAIN`, `TYPE`, `FUNCTION`,
/// `PROCEDURE`, `TABLE` of a foreign table).
pub(crate) fn created_name(b: &Builder, text: &str, object: &str) -> Result<QualifiedName> {
    let t = tokenize(text)?;
    let at = t
        .find_top(0, t.len().min(8), |i| t.is_kw(i, object))
        .ok_or_else(|| Fail::new(format!("expected {object}")))?;
    let mut c = t.cursor(at + 1, t.len());
    c.eat_kws(&["IF", "NOT", "EXISTS"]);
    b.qualify_new(&c.object_name()?)
}
