//! Session settings a script changes that affect name resolution:
//! `SET search_path …`, `RESET search_path`, and pg_dump's
//! `SELECT pg_catalog.set_config('search_path', '', false)`.
//!
//! Other `SET`s and `SELECT`s are counted and skipped; a `SELECT … INTO`
//! creates a table whose columns only a database could work out, so it is an
//! error rather than a silent gap in the catalog.

use super::error::{Fail, Result};
use super::exprtext::identifier_list;
use super::names::fold_word;
use super::state::Builder;
use super::tokens::tokenize;
use sqlparser::tokenizer::Token;

/// Handles `SET …`.
pub(crate) fn set(b: &mut Builder, text: &str) -> Result<()> {
    let t = tokenize(text)?;
    let mut c = t.cursor(0, t.len());
    c.expect_kw("SET")?;
    let _scope = c.eat_kw("SESSION") || c.eat_kw("LOCAL");
    if !c.eat_kw("search_path") {
        b.skip("SET");
        return Ok(());
    }
    if !(c.eat_kw("TO") || c.eat(&Token::Eq)) {
        return Err(c.fail("expected TO or = after search_path"));
    }
    if c.eat_kw("DEFAULT") {
        b.search_path = None;
        b.skip("SET");
        return Ok(());
    }
    let mut path = Vec::new();
    for (lo, hi) in t.split_commas(c.pos, t.len()) {
        match &t.toks[lo..hi] {
            [tok] => match &tok.token {
                Token::Word(w) => path.push(fold_word(w)),
                Token::SingleQuotedString(s) => path.extend(
                    path_list(s).ok_or_else(|| Fail::at("bad search_path entry", tok.start))?,
                ),
                _ => return Err(Fail::at("bad search_path entry", tok.start)),
            },
            _ => return Err(Fail::at("bad search_path entry", t.offset(lo))),
        }
    }
    b.search_path = Some(path);
    b.skip("SET");
    Ok(())
}

/// Handles `RESET …`.
pub(crate) fn reset(b: &mut Builder, text: &str) -> Result<()> {
    let t = tokenize(text)?;
    if t.is_kw(1, "search_path") || t.is_kw(1, "ALL") {
        b.search_path = None;
    }
    b.skip("RESET");
    Ok(())
}

/// Handles `SELECT …`.
pub(crate) fn select(b: &mut Builder, text: &str) -> Result<()> {
    let t = tokenize(text)?;
    if let Some(into) = t.find_top(0, t.len(), |i| t.is_kw(i, "INTO")) {
        return Err(Fail::at(
            "SELECT … INTO creates a table keyshift cannot describe without a database",
            t.offset(into),
        )
        .with_help("Use CREATE TABLE with explicit columns, or introspect a loaded database."));
    }
    let call = (0..t.len()).find(|&i| {
        t.is_kw(i, "set_config")
            && t.is(i + 1, &Token::LParen)
            && matches!(&t.toks.get(i + 2).map(|x| &x.token), Some(Token::SingleQuotedString(s)) if s.eq_ignore_ascii_case("search_path"))
            && t.is(i + 3, &Token::Comma)
    });
    if let Some(i) = call
        && let Some(Token::SingleQuotedString(value)) = t.toks.get(i + 4).map(|x| &x.token)
    {
        b.search_path = Some(
            path_list(value).ok_or_else(|| Fail::at("bad search_path value", t.offset(i + 4)))?,
        );
    }
    b.skip("SELECT");
    Ok(())
}

/// A `search_path` string such as `"$user", public` (an empty string is an
/// empty path).
fn path_list(value: &str) -> Option<Vec<String>> {
    if value.trim().is_empty() {
        return Some(Vec::new());
    }
    let mut out = Vec::new();
    for part in split_outside_quotes(value) {
        out.extend(identifier_list(&part).filter(|p| p.len() == 1)?);
    }
    Some(out)
}

fn split_outside_quotes(value: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quoted = false;
    for ch in value.chars() {
        match ch {
            ',' if !quoted => parts.push(String::new()),
            _ => {
                if ch == '"' {
                    quoted = !quoted;
                }
                if let Some(p) = parts.last_mut() {
                    p.push(ch);
                }
            }
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_paths() {
        assert_eq!(path_list(""), Some(vec![]));
        assert_eq!(
            path_list("\"$user\", Public, \"A,b\""),
            Some(vec!["$user".into(), "public".into(), "A,b".into()])
        );
    }

    #[test]
    fn set_and_set_config_change_the_path() {
        let mut b = Builder::default();
        set(&mut b, "SET search_path = app, \"Other\"").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            b.search_path,
            Some(vec!["app".to_string(), "Other".to_string()])
        );
        select(
            &mut b,
            "SELECT pg_catalog.set_config('search_path', '', false)",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(b.search_path, Some(vec![]));
        set(&mut b, "SET search_path TO DEFAULT").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(b.search_path, None);
        assert_eq!(b.skipped.get("SET"), Some(&2));
    }

    #[test]
    fn select_into_is_an_error() {
        let mut b = Builder::default();
        assert!(select(&mut b, "SELECT * INTO new_table FROM old").is_err());
        assert!(select(&mut b, "SELECT pg_catalog.setval('s', 5, true)").is_ok());
    }
}
