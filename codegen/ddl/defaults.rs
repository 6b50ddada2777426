//! Column defaults as PostgreSQL prints them (`pg_get_expr` with an empty
//! `search_path`).
//!
//! pg_dump output already holds that text, so it is kept as written. A
//! hand-written default is normalized where the printed form is certain
//! (each rule below was checked against PostgreSQL 15): `nextval` names its
//! sequence schema-qualified, constants print the way `get_const_expr` does,
//! SQL value functions print in upper case, a call without arguments of a
//! function the script creates names its schema, and an untyped `NULL` on a
//! type without a modifier is not stored at all. Anything else keeps its
//! source text, which then may differ from what a live database reports;
//! for a key's default, preflight reports that difference, and rollback
//! restores the default forward recorded in the database, not this text.

use super::coltype::column_type;
use super::columns::sequence_for_literal;
use super::error::Result;
use super::exprtext::{nextval_default, nextval_literal};
use super::names::fold_ident;
use super::state::Builder;
use crate::catalog::ColumnType;
use sqlparser::ast::{CastKind, Expr, FunctionArguments, UnaryOperator, Value};

/// SQL value functions, which `ruleutils` prints as keywords.
const VALUE_FUNCTIONS: &[&str] = &[
    "current_date",
    "current_time",
    "current_timestamp",
    "localtime",
    "localtimestamp",
    "current_user",
    "current_role",
    "session_user",
    "user",
    "current_catalog",
    "current_schema",
];

/// The stored default of a column of type `ty`, from its expression and
/// source text; `None` when PostgreSQL stores no default.
pub(crate) fn canonical_default(
    b: &Builder,
    expr: &Expr,
    source: &str,
    ty: &ColumnType,
    at: usize,
) -> Result<Option<String>> {
    if let Some(literal) = nextval_literal(expr) {
        return Ok(Some(nextval_default(&sequence_for_literal(
            b, literal, at,
        )?)));
    }
    // Domains coerce through their base type, which is not tracked here.
    let domain = b.domains.iter().any(|d| d.display() == ty.name);
    if domain {
        return Ok(Some(source.to_string()));
    }
    Ok(match constant(b, expr, ty) {
        Some(Printed::Nothing) => None,
        Some(Printed::Text(t)) => Some(t),
        None => Some(source.to_string()),
    })
}

/// What a recognized expression prints as.
enum Printed {
    /// No default is stored.
    Nothing,
    /// This text.
    Text(String),
}

fn constant(b: &Builder, expr: &Expr, ty: &ColumnType) -> Option<Printed> {
    let text = |s: String| Some(Printed::Text(s));
    match expr {
        Expr::Nested(inner) => constant(b, inner, ty),
        // `'x'::type` to the column's own type: the type prints canonically.
        Expr::Cast {
            kind: CastKind::DoubleColon,
            expr,
            data_type,
            format: None,
        } => {
            let Expr::Value(v) = expr.as_ref() else {
                return None;
            };
            let (Value::SingleQuotedString(s) | Value::EscapedStringLiteral(s)) = &v.value else {
                return None;
            };
            let cast = column_type(data_type, b).ok()?;
            let plain = unmodified(&ty.name).unwrap_or_else(|| ty.name.clone());
            (cast.name == plain).then(|| string(s, &cast)).flatten()
        }
        Expr::Value(v) => match &v.value {
            Value::Null => match unmodified(&ty.name) {
                Some(base) => text(format!("NULL::{base}")),
                None => Some(Printed::Nothing),
            },
            Value::Boolean(b) if ty.name == "boolean" => text(b.to_string()),
            Value::Number(n, false) => number(n, false),
            Value::SingleQuotedString(s) | Value::EscapedStringLiteral(s) => string(s, ty),
            _ => None,
        },
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => match expr.as_ref() {
            Expr::Value(v) => match &v.value {
                Value::Number(n, false) => number(n, true),
                _ => None,
            },
            _ => None,
        },
        Expr::Function(f) => {
            if let Some(own) = script_function_call(b, f) {
                return Some(own);
            }
            let [part] = f.name.0.as_slice() else {
                return None;
            };
            let ident = part.as_ident()?;
            if ident.quote_style.is_some() {
                return None;
            }
            let name = fold_ident(ident);
            match &f.args {
                FunctionArguments::None if VALUE_FUNCTIONS.contains(&name.as_str()) => {
                    text(name.to_ascii_uppercase())
                }
                FunctionArguments::List(l)
                    if l.args.is_empty() && f.over.is_none() && builtin_niladic(&name) =>
                {
                    text(format!("{name}()"))
                }
                _ => None,
            }
        }
        Expr::Identifier(i) if i.quote_style.is_none() => {
            let name = fold_ident(i);
            VALUE_FUNCTIONS
                .contains(&name.as_str())
                .then(|| Printed::Text(name.to_ascii_uppercase()))
        }
        _ => None,
    }
}

/// A call without arguments of a function the script creates, such as
/// `next_ticket()`: PostgreSQL stores the function it resolved through the
/// `search_path` of the statement and prints it schema-qualified
/// (`public.next_ticket()`). A built-in of the same name wins, as it does in
/// PostgreSQL, since `pg_catalog` is searched first.
fn script_function_call(b: &Builder, f: &sqlparser::ast::Function) -> Option<Printed> {
    let FunctionArguments::List(l) = &f.args else {
        return None;
    };
    if !l.args.is_empty()
        || l.duplicate_treatment.is_some()
        || !l.clauses.is_empty()
        || f.over.is_some()
        || f.filter.is_some()
        || !f.within_group.is_empty()
    {
        return None;
    }
    let parts = f
        .name
        .0
        .iter()
        .map(|p| p.as_ident().map(fold_ident))
        .collect::<Option<Vec<String>>>()?;
    if let [name] = parts.as_slice()
        && builtin_niladic(name)
    {
        return None;
    }
    let function = b.resolve(&parts, |q| b.functions.contains(q))?;
    Some(Printed::Text(format!("{}()", function.display())))
}

/// Built-in functions without arguments that defaults commonly call; a
/// user function would print schema-qualified, so only these are safe.
fn builtin_niladic(name: &str) -> bool {
    matches!(
        name,
        "now"
            | "gen_random_uuid"
            | "clock_timestamp"
            | "statement_timestamp"
            | "transaction_timestamp"
            | "timeofday"
            | "random"
            | "pg_backend_pid"
            | "inet_client_addr"
            | "txid_current"
    )
}

/// A numeric literal: non-negative ones print bare, negative ones quoted
/// with the literal's own type.
fn number(n: &str, negative: bool) -> Option<Printed> {
    if !n.chars().all(|c| c.is_ascii_digit() || c == '.') || n.starts_with('.') || n.ends_with('.')
    {
        return None;
    }
    if !negative {
        return Some(Printed::Text(n.to_string()));
    }
    let ty = if n.contains('.') {
        "numeric"
    } else if let Ok(v) = format!("-{n}").parse::<i64>() {
        if i32::try_from(v).is_ok() {
            "integer"
        } else {
            "bigint"
        }
    } else {
        "numeric"
    };
    Some(Printed::Text(format!("'-{n}'::{ty}")))
}

/// A string literal coerced to the column type.
fn string(s: &str, ty: &ColumnType) -> Option<Printed> {
    if ty.int_kind.is_some() {
        let v: i64 = s.trim().parse().ok()?;
        return number(&v.unsigned_abs().to_string(), v < 0);
    }
    if ty.name == "boolean" {
        return match s.trim().to_ascii_lowercase().as_str() {
            "t" | "true" | "yes" | "on" | "1" => Some(Printed::Text("true".into())),
            "f" | "false" | "no" | "off" | "0" => Some(Printed::Text("false".into())),
            _ => None,
        };
    }
    if matches!(ty.name.as_str(), "numeric" | "real" | "double precision")
        || ty.name.starts_with("numeric(")
    {
        return None;
    }
    let base = unmodified(&ty.name).unwrap_or_else(|| ty.name.clone());
    Some(Printed::Text(format!(
        "'{}'::{base}",
        s.replace('\'', "''")
    )))
}

/// `format_type(type, -1)` for a type printed with a modifier
/// (`character varying(10)` → `character varying`, `character(3)` →
/// `bpchar`); `None` when the type has no modifier.
fn unmodified(name: &str) -> Option<String> {
    let (base, array) = match name.strip_suffix("[]") {
        Some(b) => (b, "[]"),
        None => (name, ""),
    };
    let open = base.find('(')?;
    let close = base[open..].find(')')? + open;
    let stripped = format!("{}{}", &base[..open], &base[close + 1..]);
    let stripped = match stripped.as_str() {
        "character" => "bpchar".to_string(),
        _ => stripped,
    };
    Some(format!("{stripped}{array}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::IntKind;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn printed(sql: &str, ty: &ColumnType) -> Option<String> {
        let dialect = PostgreSqlDialect {};
        let e = Parser::new(&dialect)
            .try_with_sql(sql)
            .and_then(|mut p| p.parse_expr())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut b = Builder::default();
        b.user_types = [crate::catalog::QualifiedName::new("public", "mood")].into();
        canonical_default(&b, &e, sql, ty, 0).unwrap_or_else(|e| panic!("{e:?}"))
    }

    // Expected values are what PostgreSQL 15 printed for these defaults.
    #[test]
    fn matches_postgresql() {
        let int = ColumnType::int(IntKind::Integer);
        let big = ColumnType::int(IntKind::Bigint);
        let o = ColumnType::other;
        let cases: Vec<(&str, ColumnType, Option<&str>)> = vec![
            ("NULL", int.clone(), None),
            (
                "NULL",
                o("character varying(10)"),
                Some("NULL::character varying"),
            ),
            ("NULL", o("character varying"), None),
            ("NULL", o("character(3)"), Some("NULL::bpchar")),
            ("NULL", o("numeric(5,2)"), Some("NULL::numeric")),
            (
                "NULL",
                o("timestamp(3) without time zone"),
                Some("NULL::timestamp without time zone"),
            ),
            ("TRUE", o("boolean"), Some("true")),
            ("'true'", o("boolean"), Some("true")),
            ("'x'", o("text"), Some("'x'::text")),
            (
                "'y'",
                o("character varying(5)"),
                Some("'y'::character varying"),
            ),
            ("'z'", o("character(2)"), Some("'z'::bpchar")),
            ("'ok'", o("public.mood"), Some("'ok'::public.mood")),
            ("-1", int.clone(), Some("'-1'::integer")),
            ("'5'", int.clone(), Some("5")),
            ("0", o("numeric"), Some("0")),
            ("1.5", o("numeric(4,2)"), Some("1.5")),
            ("-5", big.clone(), Some("'-5'::integer")),
            ("'2020-01-01'", o("date"), Some("'2020-01-01'::date")),
            ("NOW()", o("timestamp with time zone"), Some("now()")),
            ("current_date", o("date"), Some("CURRENT_DATE")),
            (
                "current_timestamp",
                o("timestamp without time zone"),
                Some("CURRENT_TIMESTAMP"),
            ),
            ("'{}'", o("jsonb"), Some("'{}'::jsonb")),
            ("gen_random_uuid()", o("uuid"), Some("gen_random_uuid()")),
            ("'{}'", o("text[]"), Some("'{}'::text[]")),
            ("(1)", int.clone(), Some("1")),
            ("E'a\\'b'", o("text"), Some("'a''b'::text")),
            (
                "'{}'",
                o("character varying(3)[]"),
                Some("'{}'::character varying[]"),
            ),
            ("-1.5", o("numeric"), Some("'-1.5'::numeric")),
            ("-0.5", o("double precision"), Some("'-0.5'::numeric")),
            ("localtime", o("time without time zone"), Some("LOCALTIME")),
            ("current_user", o("text"), Some("CURRENT_USER")),
            ("'1 day'", o("interval"), Some("'1 day'::interval")),
            // Kept as written: PostgreSQL would print `(1 + 1)`.
            ("1+1", int.clone(), Some("1+1")),
            ("'G'::mood", o("public.mood"), Some("'G'::public.mood")),
            ("'x'::TEXT", o("text"), Some("'x'::text")),
            ("'x'::text", o("character varying(3)"), Some("'x'::text")),
        ];
        for (sql, ty, want) in cases {
            assert_eq!(printed(sql, &ty).as_deref(), want, "{sql} as {}", ty.name);
        }
    }
}
