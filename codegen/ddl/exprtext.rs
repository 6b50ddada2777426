//! Source text of expressions, and what they refer to.
//!
//! The catalog keeps expressions as PostgreSQL prints them. pg_dump output
//! already is that text, so the exact source slice is kept (sqlparser would
//! re-print `'{}'::jsonb` as `'{}'::JSONB`). The one expression keyshift
//! interprets, `nextval('seq'::regclass)`, is rewritten to name its sequence
//! schema-qualified, so the sequence can be found whatever `search_path` the
//! script used.

use super::names::fold;
use super::tokens::Tokens;
use crate::catalog::QualifiedName;
use sqlparser::ast::{
    CastKind, DataType, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Value,
};
use sqlparser::tokenizer::Token;

/// Words that end a `DEFAULT` expression in a column definition (the
/// grammar takes a `b_expr` there, which none of these can continue).
const DEFAULT_END: &[&str] = &[
    "NOT",
    "NULL",
    "CONSTRAINT",
    "PRIMARY",
    "UNIQUE",
    "REFERENCES",
    "CHECK",
    "DEFAULT",
    "GENERATED",
    "COLLATE",
    "DEFERRABLE",
    "INITIALLY",
];

/// Token range of the expression after the top-level `DEFAULT` in `lo..hi`.
pub(crate) fn default_range(t: &Tokens, lo: usize, hi: usize) -> Option<(usize, usize)> {
    let at = t.find_top(lo, hi, |i| t.is_kw(i, "DEFAULT"))?;
    let start = at + 1;
    let first_end = if t.is(start, &Token::LParen) {
        t.close_paren(start).map_or(hi, |c| c + 1)
    } else {
        start + 1
    };
    let end = t
        .find_top(first_end, hi, |i| {
            DEFAULT_END.iter().any(|kw| t.is_kw(i, kw))
        })
        .unwrap_or(hi);
    Some((start, end))
}

/// Inner token ranges of every top-level `CHECK ( … )` in `lo..hi`.
pub(crate) fn check_ranges(t: &Tokens, lo: usize, hi: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = lo;
    while let Some(at) = t.find_top(i, hi, |k| {
        t.is_kw(k, "CHECK") && t.is(k + 1, &Token::LParen)
    }) {
        match t.close_paren(at + 1) {
            Some(close) => {
                out.push((at + 2, close));
                i = close + 1;
            }
            None => break,
        }
    }
    out
}

/// Inner range of `GENERATED ALWAYS AS ( … )` in `lo..hi`.
pub(crate) fn generated_range(t: &Tokens, lo: usize, hi: usize) -> Option<(usize, usize)> {
    let g = t.find_top(lo, hi, |i| t.is_kw(i, "GENERATED"))?;
    let open = t.find_top(g, hi, |i| t.is_kw(i, "AS") && t.is(i + 1, &Token::LParen))? + 1;
    Some((open + 1, t.close_paren(open)?))
}

/// The literal inside `nextval('…'::regclass)` (or `nextval('…')`, which
/// PostgreSQL coerces to the same constant).
pub(crate) fn nextval_literal(expr: &Expr) -> Option<&str> {
    let Expr::Function(f) = expr else { return None };
    let parts: Vec<String> = f
        .name
        .0
        .iter()
        .map(|p| p.as_ident().map(super::names::fold_ident))
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [n] if n == "nextval" => {}
        [s, n] if s == "pg_catalog" && n == "nextval" => {}
        _ => return None,
    }
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    let [FunctionArg::Unnamed(FunctionArgExpr::Expr(arg))] = list.args.as_slice() else {
        return None;
    };
    let literal = match arg {
        Expr::Cast {
            kind: CastKind::DoubleColon | CastKind::Cast,
            expr,
            data_type: DataType::Regclass,
            ..
        } => expr.as_ref(),
        other => other,
    };
    match literal {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => Some(s.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// Parses `a."B".c` as PostgreSQL's regclass input does (unquoted parts
/// fold to lower case).
pub(crate) fn identifier_list(text: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut chars = text.trim().chars().peekable();
    loop {
        let mut part = String::new();
        let quoted = chars.peek() == Some(&'"');
        if quoted {
            chars.next();
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        part.push('"');
                    }
                    '"' => break,
                    c => part.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' || c == ',' || c.is_whitespace() {
                    break;
                }
                part.push(c);
                chars.next();
            }
        }
        if part.is_empty() {
            return None;
        }
        parts.push(fold(&part, quoted));
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        match chars.next() {
            None => return Some(parts),
            Some('.') => {}
            Some(_) => return None,
        }
    }
}

/// The canonical default for a sequence: `nextval('schema.name'::regclass)`.
pub(crate) fn nextval_default(seq: &QualifiedName) -> String {
    format!("nextval('{}'::regclass)", seq.display().replace('\'', "''"))
}

/// Columns of `columns` that the tokens `lo..hi` mention, in column order.
///
/// A token scan rather than an AST walk: it cannot miss a reference hidden
/// in an expression form the walker does not know, and the few false
/// positives (a type or keyword spelled like a column) only make keyshift
/// more careful.
pub(crate) fn mentioned_columns(t: &Tokens, lo: usize, hi: usize, columns: &[&str]) -> Vec<String> {
    let mut seen = vec![false; columns.len()];
    let mut i = lo;
    while i < hi.min(t.len()) {
        let after_cast = i > 0 && (t.is(i - 1, &Token::DoubleColon) || t.is_kw(i - 1, "AS"));
        if after_cast {
            // A type name, possibly several words (`character varying`).
            i += 1;
            while ["varying", "precision", "with", "without", "time", "zone"]
                .iter()
                .any(|w| t.is_kw(i, w))
            {
                i += 1;
            }
            continue;
        }
        if let Some(w) = t.word(i) {
            let call = t.is(i + 1, &Token::LParen);
            let qualifier = t.is(i + 1, &Token::Period);
            if !call && !qualifier {
                let name = fold(&w.value, w.quote_style.is_some());
                if let Some(k) = columns.iter().position(|c| *c == name) {
                    seen[k] = true;
                }
            }
        }
        i += 1;
    }
    columns
        .iter()
        .zip(seen)
        .filter(|(_, s)| *s)
        .map(|(c, _)| c.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddl::tokens::tokenize;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn expr(sql: &str) -> Expr {
        let dialect = PostgreSqlDialect {};
        Parser::new(&dialect)
            .try_with_sql(sql)
            .and_then(|mut p| p.parse_expr())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn finds_default_text() {
        let t = tokenize("id integer DEFAULT nextval('s'::regclass) NOT NULL")
            .unwrap_or_else(|e| panic!("{e:?}"));
        let (lo, hi) = default_range(&t, 0, t.len()).unwrap_or((0, 0));
        assert_eq!(t.slice(lo, hi), "nextval('s'::regclass)");
        let t = tokenize("a text DEFAULT NULL").unwrap_or_else(|e| panic!("{e:?}"));
        let (lo, hi) = default_range(&t, 0, t.len()).unwrap_or((0, 0));
        assert_eq!(t.slice(lo, hi), "NULL");
        let t = tokenize("a date DEFAULT ('now'::text)::date CHECK (a > '2000-01-01')")
            .unwrap_or_else(|e| panic!("{e:?}"));
        let (lo, hi) = default_range(&t, 0, t.len()).unwrap_or((0, 0));
        assert_eq!(t.slice(lo, hi), "('now'::text)::date");
        let checks: Vec<&str> = check_ranges(&t, 0, t.len())
            .into_iter()
            .map(|(l, h)| t.slice(l, h))
            .collect();
        assert_eq!(checks, vec!["a > '2000-01-01'"]);
    }

    #[test]
    fn recognizes_nextval_defaults() {
        assert_eq!(
            nextval_literal(&expr("nextval('public.s'::regclass)")),
            Some("public.s")
        );
        assert_eq!(nextval_literal(&expr("NEXTVAL('S')")), Some("S"));
        assert_eq!(
            nextval_literal(&expr("nextval(('s'::text)::regclass)")),
            None
        );
        assert_eq!(nextval_literal(&expr("now()")), None);
    }

    #[test]
    fn parses_regclass_literals() {
        assert_eq!(
            identifier_list("Public.\"Odd\"\"Seq\""),
            Some(vec!["public".into(), "Odd\"Seq".into()])
        );
        assert_eq!(identifier_list("a..b"), None);
        assert_eq!(
            nextval_default(&QualifiedName::new("public", "Users_seq")),
            "nextval('public.\"Users_seq\"'::regclass)"
        );
    }

    #[test]
    fn finds_mentioned_columns() {
        let t = tokenize("lower(email::text) || name || 'x'::status AND t.id > 0")
            .unwrap_or_else(|e| panic!("{e:?}"));
        let got = mentioned_columns(&t, 0, t.len(), &["id", "name", "email", "status", "lower"]);
        assert_eq!(got, vec!["id", "name", "email"]);
    }
}
