//! Where the catalog shows a converted key's values used as integers (issue
//! 11 §3): a referencing column whose default computes an integer
//! (`current_setting('app.tenant')::integer`), and policies, trigger `WHEN`
//! conditions, rule `WHERE` conditions, CHECK constraints and partial-index
//! predicates that compare a converted column with a setting, an integer
//! cast or an integer literal. Each one says the application almost
//! certainly knows those ids as integers too, so the real choice for the
//! referenced table may be to keep them (`--exclude-table`), which PLAN.md
//! names.
//!
//! Catalog text only, read by a small lexer (`lex`) that knows PostgreSQL's
//! quoting (double-quoted identifiers, string literals of every kind,
//! dollar quotes, comments) and then looks only at comparisons whose one
//! side is a converted column of the object's own table, outside any
//! subquery. It errs towards saying nothing: a uuid or text comparison, a
//! column of another table, arithmetic on a key, a check that ids are
//! positive (`id > 0`) are not reported.

use super::TablePlan;
use super::sql_lex::{
    COMPARISONS, Tok, close_paren, depth_between, dotted_words, lex, operand_after, operand_before,
    split_commas, subquery_mask, unwrap_parens,
};
use crate::catalog::{Catalog, QualifiedName, display_ident};
use serde::Serialize;

/// One place where a converted key's values are used as integers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct IntegerUse {
    /// The root table whose ids these are: the table `--exclude-table`
    /// would keep.
    pub root: QualifiedName,
    /// The table the object is on.
    pub table: QualifiedName,
    /// The object, as prose: `policy tenant_isolation (USING)`, `default of
    /// column tenant_id`, `trigger x (WHEN)`, `rule x (WHERE)`, `CHECK
    /// constraint x`, `index x (WHERE)`.
    pub object: String,
    /// The converted column the expression reads.
    pub column: String,
    /// What the column is compared with, or `default` for a default.
    pub compared_with: ComparedWith,
    /// The whole expression, as the catalog holds it.
    pub expression: String,
}

/// What a converted column meets in an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComparedWith {
    /// The column's own default computes an integer.
    Default,
    /// A setting (`current_setting(…)`), the way an application passes ids.
    Setting,
    /// An expression cast to an integer type.
    IntegerCast,
    /// An integer literal: a "magic id".
    Literal,
}

impl ComparedWith {
    /// For PLAN.md: what the column is compared with.
    pub fn describe(self) -> &'static str {
        match self {
            ComparedWith::Default => "computes an integer",
            ComparedWith::Setting => "compared with a setting read as an integer",
            ComparedWith::IntegerCast => "compared with an integer cast",
            ComparedWith::Literal => "compared with an integer literal (a fixed id)",
        }
    }
}

/// Every integer use of a converted column, sorted by root, table, object.
pub fn find(catalog: &Catalog, tables: &[TablePlan]) -> Vec<IntegerUse> {
    let mut out = Vec::new();
    for plan in tables {
        let Some(table) = catalog.table(&plan.table) else {
            continue;
        };
        let columns: Vec<(&str, &QualifiedName)> = plan
            .columns
            .iter()
            .map(|c| (c.name.as_str(), &c.root))
            .collect();
        if columns.is_empty() {
            continue;
        }
        let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        let root_of = |c: &str| {
            columns
                .iter()
                .find(|(n, _)| *n == c)
                .map(|(_, r)| (*r).clone())
                .expect("a converted column")
        };
        let mut push = |object: String, column: &str, with: ComparedWith, expression: &str| {
            out.push(IntegerUse {
                root: root_of(column),
                table: plan.table.clone(),
                object,
                column: column.to_string(),
                compared_with: with,
                expression: expression.to_string(),
            });
        };
        // A referencing column's default other than an integer constant
        // (which forward translates): the application computes the id.
        for c in &plan.columns {
            if let Some(default) = &c.default
                && default.trim().parse::<i64>().is_err()
            {
                let object = format!("default of column {}", display_ident(&c.name));
                push(object, &c.name, ComparedWith::Default, default);
            }
        }
        // Literals in policies, CHECK constraints and index predicates are
        // translated (`constants.rs`), or refused there: PLAN.md lists them
        // as translated constants instead.
        let not_translated = |(_, with): &(String, ComparedWith)| *with != ComparedWith::Literal;
        let table_name = &table.name.name;
        let scan = |expression: &str| comparisons(expression, &names, table_name, false);
        let scan_old_new = |expression: &str| comparisons(expression, &names, table_name, true);
        for p in catalog.policies.iter().filter(|p| p.table == plan.table) {
            for (clause, text) in [("USING", &p.using), ("WITH CHECK", &p.with_check)] {
                let Some(text) = text else { continue };
                for (column, with) in scan(text).into_iter().filter(not_translated) {
                    let object = format!("policy {} ({clause})", display_ident(&p.name));
                    push(object, &column, with, text);
                }
            }
        }
        for t in catalog.triggers.iter().filter(|t| t.table == plan.table) {
            let Some(when) = &t.when else { continue };
            for (column, with) in scan_old_new(when) {
                let object = format!("trigger {} (WHEN)", display_ident(&t.name));
                push(object, &column, with, when);
            }
        }
        for r in catalog.rules.iter().filter(|r| r.table == plan.table) {
            let Some(condition) = &r.condition else {
                continue;
            };
            for (column, with) in scan_old_new(condition) {
                let object = format!("rule {} (WHERE)", display_ident(&r.name));
                push(object, &column, with, condition);
            }
        }
        for check in &table.checks {
            for (column, with) in scan(&check.expression).into_iter().filter(not_translated) {
                let object = format!("CHECK constraint {}", display_ident(&check.name));
                push(object, &column, with, &check.expression);
            }
        }
        for index in &table.indexes {
            let Some(predicate) = &index.predicate else {
                continue;
            };
            for (column, with) in scan(predicate).into_iter().filter(not_translated) {
                let object = format!("index {} (WHERE)", display_ident(&index.name));
                push(object, &column, with, predicate);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `--exclude-table NAME` as a shell word: the name as a reader writes it
/// (quoted identifiers where PostgreSQL needs them), in single quotes when
/// the shell would read anything in it.
pub fn exclude_table_option(root: &QualifiedName) -> String {
    let name = root.display();
    if name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
    {
        format!("--exclude-table {name}")
    } else {
        format!("--exclude-table '{}'", name.replace('\'', r"'\''"))
    }
}

/// The converted columns of `expression` compared with an integer value,
/// with what they meet. `columns` are the converted columns of the object's
/// table; a column counts unqualified or qualified by `table` (or, where
/// `old_new`, by `old` or `new`), and only outside subqueries.
fn comparisons(
    expression: &str,
    columns: &[&str],
    table: &str,
    old_new: bool,
) -> Vec<(String, ComparedWith)> {
    let toks = lex(expression);
    let in_subquery = subquery_mask(&toks);
    let ctx = Ctx {
        toks: &toks,
        columns,
        table,
        old_new,
        in_subquery: &in_subquery,
    };
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let (lhs, rhs, range) = match &toks[i] {
            Tok::Op(op) if COMPARISONS.contains(&op.as_str()) => (
                operand_before(&toks, i),
                operand_after(&toks, i + 1),
                !matches!(op.as_str(), "=" | "<>" | "!="),
            ),
            t if t.is_kw("in") && toks.get(i + 1) == Some(&Tok::Punct('(')) => {
                let lhs = operand_before(&toks, not_before(&toks, i));
                let close = close_paren(&toks, i + 1).unwrap_or(toks.len());
                if let Some((name, cast)) = ctx.column(lhs.0, lhs.1) {
                    for (lo, hi) in split_commas(&toks, i + 2, close) {
                        if let Some(with) = meets(cast, ctx.value(lo, hi), false) {
                            out.push((name.clone(), with));
                        }
                    }
                }
                continue;
            }
            t if t.is_kw("between") => {
                let lhs = operand_before(&toks, not_before(&toks, i));
                let mut start = i + 1;
                if toks.get(start).is_some_and(|t| t.is_kw("symmetric")) {
                    start += 1;
                }
                let low = operand_after(&toks, start);
                let and = low.1;
                let high = if toks.get(and).is_some_and(|t| t.is_kw("and")) {
                    operand_after(&toks, and + 1)
                } else {
                    (and, and)
                };
                if let Some((name, cast)) = ctx.column(lhs.0, lhs.1) {
                    for (lo, hi) in [low, high] {
                        if let Some(with) = meets(cast, ctx.value(lo, hi), true) {
                            out.push((name.clone(), with));
                        }
                    }
                }
                continue;
            }
            _ => continue,
        };
        for ((a, b), (c, d)) in [(lhs, rhs), (rhs, lhs)] {
            if let Some((name, cast)) = ctx.column(a, b)
                && let Some(with) = meets(cast, ctx.value(c, d), range)
            {
                out.push((name, with));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `i`, or the `NOT` just before it (`id NOT IN (…)`).
pub(super) fn not_before(toks: &[Tok], i: usize) -> usize {
    if i > 0 && toks[i - 1].is_kw("not") {
        i - 1
    } else {
        i
    }
}

/// Whether a column, cast as it is, meeting `value` uses it as an integer.
/// A range comparison with -1, 0 or 1 (`id > 0`) checks that ids are
/// positive, which names no id: not reported.
fn meets(cast: Cast, value: Value, range: bool) -> Option<ComparedWith> {
    match (cast, value) {
        (_, Value::Literal(true)) if range => None,
        (Cast::None | Cast::Integer, Value::Literal(_)) => Some(ComparedWith::Literal),
        (Cast::None | Cast::Integer, Value::Setting(Cast::Integer)) => Some(ComparedWith::Setting),
        (Cast::None | Cast::Integer, Value::IntegerCast) => Some(ComparedWith::IntegerCast),
        // `id::text = current_setting('app.tenant')`: the setting holds
        // the integer id as text.
        (Cast::Text, Value::Setting(Cast::None | Cast::Text)) => Some(ComparedWith::Setting),
        _ => None,
    }
}

/// A cast applied to an operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cast {
    None,
    Integer,
    Text,
    Other,
}

/// What the other side of a comparison is, as far as it matters here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Value {
    /// An integer literal (or a quoted one, or one cast to an integer);
    /// true when it is -1, 0 or 1.
    Literal(bool),
    /// `current_setting(…)`, with the cast applied to it.
    Setting(Cast),
    /// Any other expression cast to an integer type.
    IntegerCast,
    /// Anything else.
    Other,
}

pub(super) struct Ctx<'a> {
    pub toks: &'a [Tok],
    pub columns: &'a [&'a str],
    pub table: &'a str,
    pub old_new: bool,
    pub in_subquery: &'a [bool],
}

impl Ctx<'_> {
    /// Tokens `lo..hi` as a converted column with the cast applied to it.
    pub(super) fn column(&self, lo: usize, hi: usize) -> Option<(String, Cast)> {
        let (lo, hi, cast) = strip_casts(self.toks, lo, hi)?;
        if lo < hi && self.in_subquery[lo] {
            return None;
        }
        let (lo, hi) = unwrap_parens(self.toks, lo, hi);
        if (lo, hi) != strip_casts(self.toks, lo, hi).map(|(a, b, _)| (a, b))? {
            // `(id::int)`: an inner cast; take the inner one.
            let (name, inner) = self.column(lo, hi)?;
            return Some((name, if cast == Cast::None { inner } else { cast }));
        }
        let words = dotted_words(self.toks, lo, hi)?;
        let (column, qualifiers) = words.split_last()?;
        if !self.columns.contains(&column.as_str()) {
            return None;
        }
        let qualified_ok = match qualifiers {
            [] => true,
            [q] => q == self.table || (self.old_new && (q == "old" || q == "new")),
            [_, q] => q == self.table,
            _ => false,
        };
        qualified_ok.then(|| (column.clone(), cast))
    }

    /// Tokens `lo..hi` as a value a column is compared with.
    pub(super) fn value(&self, lo: usize, hi: usize) -> Value {
        let Some((lo, hi, cast)) = strip_casts(self.toks, lo, hi) else {
            return Value::Other;
        };
        let (lo, hi) = unwrap_parens(self.toks, lo, hi);
        if lo >= hi {
            return Value::Other;
        }
        let inner = match strip_casts(self.toks, lo, hi) {
            Some((a, b, _)) if (a, b) != (lo, hi) => self.value(lo, hi),
            _ => self.primary(lo, hi),
        };
        match (inner, cast) {
            (Value::Literal(small), Cast::None | Cast::Integer) => Value::Literal(small),
            (Value::Setting(Cast::None), c) => Value::Setting(c),
            (Value::Setting(c), Cast::None) => Value::Setting(c),
            (_, Cast::Integer) => Value::IntegerCast,
            (v, Cast::None) => v,
            _ => Value::Other,
        }
    }

    /// A value without casts around it.
    fn primary(&self, lo: usize, hi: usize) -> Value {
        let t = &self.toks[lo..hi];
        let integer = |s: &str| {
            let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| Value::Literal(matches!(digits.trim_start_matches('0'), "" | "1")))
        };
        match t {
            [Tok::Number(n)] if integer(n).is_some() => integer(n).expect("checked"),
            [Tok::Op(sign), Tok::Number(n)]
                if (sign == "-" || sign == "+") && integer(n).is_some() =>
            {
                integer(n).expect("checked")
            }
            [Tok::Str(s)] if integer(s.trim()).is_some() => integer(s.trim()).expect("checked"),
            // ANY (ARRAY[1, 2]), ANY ('{1,2}'::integer[]): `IN (…)` as the
            // server prints it.
            [kw, Tok::Punct('('), .., Tok::Punct(')')]
                if (kw.is_kw("any") || kw.is_kw("some") || kw.is_kw("all"))
                    && close_paren(self.toks, lo + 1) == Some(hi - 1) =>
            {
                self.array(lo + 2, hi - 1)
            }
            [kw, Tok::Punct('('), .., Tok::Punct(')')]
                if kw.is_kw("cast") && close_paren(self.toks, lo + 1) == Some(hi - 1) =>
            {
                let Some(as_at) = (lo + 2..hi - 1).find(|&k| {
                    self.toks[k].is_kw("as") && depth_between(self.toks, lo + 2, k) == 0
                }) else {
                    return Value::Other;
                };
                let inner = self.value(lo + 2, as_at);
                match (inner, type_cast(self.toks, as_at + 1, hi - 1)) {
                    (Value::Setting(_), c) => Value::Setting(c),
                    (Value::Literal(small), Cast::Integer) => Value::Literal(small),
                    (_, Cast::Integer) => Value::IntegerCast,
                    _ => Value::Other,
                }
            }
            _ => {
                // A function call: `current_setting(…)`, `pg_catalog.current_setting(…)`.
                let Some(open) = (lo..hi).find(|&k| self.toks[k] == Tok::Punct('(')) else {
                    return Value::Other;
                };
                if close_paren(self.toks, open) != Some(hi - 1) {
                    return Value::Other;
                }
                match dotted_words(self.toks, lo, open).as_deref() {
                    Some([f]) | Some([_, f]) if f == "current_setting" => {
                        Value::Setting(Cast::None)
                    }
                    _ => Value::Other,
                }
            }
        }
    }

    /// `ARRAY[…]` or a cast array literal, inside `ANY (…)`.
    fn array(&self, lo: usize, hi: usize) -> Value {
        let Some((a, b, cast)) = strip_casts(self.toks, lo, hi) else {
            return Value::Other;
        };
        let (a, b) = unwrap_parens(self.toks, a, b);
        match &self.toks[a..b] {
            [Tok::Str(_)] if cast == Cast::Integer => Value::Literal(false),
            [kw, Tok::Punct('['), .., Tok::Punct(']')] if kw.is_kw("array") => {
                let values: Vec<Value> = split_commas(self.toks, a + 2, b - 1)
                    .into_iter()
                    .map(|(x, y)| self.value(x, y))
                    .collect();
                if values.contains(&Value::Setting(Cast::Integer)) {
                    Value::Setting(Cast::Integer)
                } else if values.contains(&Value::IntegerCast) {
                    Value::IntegerCast
                } else if !values.is_empty()
                    && values.iter().all(|v| matches!(v, Value::Literal(_)))
                {
                    if cast == Cast::Integer || cast == Cast::None {
                        Value::Literal(false)
                    } else {
                        Value::Other
                    }
                } else if cast == Cast::Integer {
                    Value::IntegerCast
                } else {
                    Value::Other
                }
            }
            _ if cast == Cast::Integer => Value::IntegerCast,
            _ => Value::Other,
        }
    }
}

/// `lo..hi` without the casts at its end, and the outermost cast (the one
/// applied last). `None` when a cast names no type.
pub(super) fn strip_casts(toks: &[Tok], lo: usize, hi: usize) -> Option<(usize, usize, Cast)> {
    // The first `::` at depth 0; everything after it is types and casts.
    let mut depth = 0i32;
    let mut first = None;
    for (k, t) in toks.iter().enumerate().take(hi).skip(lo) {
        match t {
            Tok::Punct('(' | '[') => depth += 1,
            Tok::Punct(')' | ']') => depth -= 1,
            Tok::Cast if depth == 0 => {
                first = Some(k);
                break;
            }
            _ => {}
        }
    }
    let Some(first) = first else {
        return Some((lo, hi, Cast::None));
    };
    // The last `::` at depth 0 gives the outermost cast.
    let last = (first..hi)
        .rev()
        .find(|&k| toks[k] == Tok::Cast && depth_between(toks, first, k) == 0)?;
    if last + 1 >= hi {
        return None;
    }
    Some((lo, first, type_cast(toks, last + 1, hi)))
}

/// The kind of the type named by `lo..hi` (`integer`, `pg_catalog.int4`,
/// `bigint[]`, `character varying(10)`).
fn type_cast(toks: &[Tok], lo: usize, hi: usize) -> Cast {
    let words: Vec<&str> = toks[lo..hi]
        .iter()
        .take_while(|t| !matches!(t, Tok::Punct('(' | '[')))
        .filter_map(|t| match t {
            Tok::Word { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let name = match words.as_slice() {
        ["pg_catalog", rest @ ..] => rest.join(" "),
        w => w.join(" "),
    };
    match name.as_str() {
        "int" | "int2" | "int4" | "int8" | "integer" | "smallint" | "bigint" => Cast::Integer,
        "text" | "varchar" | "character varying" | "char" | "character" | "bpchar" | "name" => {
            Cast::Text
        }
        _ => Cast::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::super::sql_lex::{Tok, lex};
    use super::{ComparedWith, comparisons, exclude_table_option};
    use crate::catalog::QualifiedName;
    use ComparedWith::*;

    fn found(expr: &str) -> Vec<(String, ComparedWith)> {
        comparisons(expr, &["id", "tenant_id", "Owner"], "t", true)
    }

    fn one(column: &str, with: ComparedWith) -> Vec<(String, ComparedWith)> {
        vec![(column.to_string(), with)]
    }

    #[test]
    fn settings_as_written_and_as_the_server_prints_them() {
        let want = one("id", Setting);
        assert_eq!(found("id = current_setting('app.tenant')::integer"), want);
        assert_eq!(
            found("(id = (current_setting('app.tenant'::text))::integer)"),
            want
        );
        assert_eq!(
            found("tenant_id = pg_catalog.current_setting('app.tenant', true)::int8"),
            one("tenant_id", Setting)
        );
        assert_eq!(
            found("CAST(current_setting('app.tenant') AS bigint) = t.id"),
            want
        );
        assert_eq!(
            found("(id)::text = current_setting('app.tenant'::text)"),
            want
        );
        assert_eq!(
            found("id = ANY ((string_to_array(current_setting('app.ids'), ','))::integer[])"),
            one("id", IntegerCast)
        );
    }

    #[test]
    fn literals_casts_lists_and_ranges() {
        assert_eq!(found("old.id > 1000"), one("id", Literal));
        assert_eq!(found("(old.id = 1)"), one("id", Literal));
        assert_eq!(found("1 <> new.id"), one("id", Literal));
        assert_eq!(found("id > '-7'::integer"), one("id", Literal));
        assert_eq!(found("id IN (1, 2, 3)"), one("id", Literal));
        assert_eq!(found("id NOT IN (1, 2)"), one("id", Literal));
        assert_eq!(found("(id = ANY (ARRAY[1, 2]))"), one("id", Literal));
        assert_eq!(found("id BETWEEN 1 AND 10"), one("id", Literal));
        assert_eq!(found("id = (x ->> 'id')::integer"), one("id", IntegerCast));
        assert_eq!(
            found("\"Owner\" >= 7 AND name <> 'x'"),
            one("Owner", Literal)
        );
        assert_eq!(found("t.tenant_id=-1"), one("tenant_id", Literal));
        assert_eq!(found("id = 0"), one("id", Literal));
        assert_eq!(found("id >= 2"), one("id", Literal));
        assert_eq!(found("id = $$7$$"), one("id", Literal));
    }

    #[test]
    fn no_false_positives() {
        for expr in [
            "id = current_setting('app.tenant')::uuid",
            "(id = (current_setting('app.tenant'::text))::uuid)",
            "id::text = '5b1d…'",
            "name = '1'",
            "owner = 5",              // not the quoted "Owner"
            "\"id = 1\" IS NOT NULL", // a quoted identifier, not an expression
            "note = 'id = 1'",        // a string literal
            "note = $$ id = 1 $$",
            "note = $x$ id = 1 $x$",
            "note = E'\\' id = 1'",
            "other.id = 1", // another table's column
            "id = other_id",
            "tenant_id IN (SELECT id FROM members WHERE user_id = 3)",
            "EXISTS (SELECT 1 FROM m WHERE m.id = 1 AND id = 2)",
            "id % 10 = 3", // arithmetic, not a comparison of the key
            "id IS NOT NULL",
            "id > 0", // ids are positive: names no id
            "id >= 1 AND tenant_id > -1",
            "id BETWEEN 0 AND 1",
            "id = gen_random_uuid()",
            "-- id = 1\n name <> ''",
            "/* id = 1 */ name <> ''",
        ] {
            assert_eq!(found(expr), vec![], "{expr}");
        }
    }

    #[test]
    fn lexing_keeps_quotes_apart() {
        assert_eq!(
            lex("\"A\"\"b\" = 'it''s'::text"),
            vec![
                Tok::Word {
                    text: "A\"b".into(),
                    quoted: true
                },
                Tok::Op("=".into()),
                Tok::Str("it's".into()),
                Tok::Cast,
                Tok::Word {
                    text: "text".into(),
                    quoted: false
                },
            ]
        );
        assert_eq!(lex("x<>-1")[1], Tok::Op("<>".into()));
        assert_eq!(lex("$a$ x $$ y $a$"), vec![Tok::Str(" x $$ y ".into())]);
    }

    #[test]
    fn exclude_option_is_one_shell_word() {
        assert_eq!(
            exclude_table_option(&QualifiedName::new("public", "tenants")),
            "--exclude-table public.tenants"
        );
        assert_eq!(
            exclude_table_option(&QualifiedName::new("public", "Ten'ants")),
            "--exclude-table 'public.\"Ten'\\''ants\"'"
        );
    }
}

#[cfg(test)]
mod plan_tests {
    use super::ComparedWith;
    use crate::catalog::QualifiedName;
    use crate::pipeline;
    use crate::plan::Options;

    /// Issue 11's schema: tenant ids passed to the database in a setting.
    const TENANTS: &str = "CREATE TABLE tenants (id serial PRIMARY KEY, name text);
CREATE TABLE accounts (
    id serial PRIMARY KEY,
    tenant_id integer NOT NULL
        DEFAULT current_setting('app.current_tenant')::integer
        REFERENCES tenants (id),
    CONSTRAINT not_the_demo_tenant CHECK (tenant_id <> 42),
    CONSTRAINT positive CHECK (id > 0)
);
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_tenant ON accounts
    USING (tenant_id = current_setting('app.current_tenant')::integer)
    WITH CHECK (tenant_id::text = current_setting('app.current_tenant'));
CREATE POLICY by_uuid ON accounts USING (id = current_setting('app.account')::uuid);
";

    #[test]
    fn a_tenant_setting_names_the_tenants_table_and_its_exclusion() {
        let output = pipeline::run("t.sql", TENANTS, &Options::default()).expect("parses");
        let uses: Vec<(&str, &str, ComparedWith)> = output
            .plan
            .integer_uses
            .iter()
            .map(|u| (u.root.name.as_str(), u.object.as_str(), u.compared_with))
            .collect();
        assert_eq!(
            uses,
            [
                (
                    "tenants",
                    "default of column tenant_id",
                    ComparedWith::Default
                ),
                (
                    "tenants",
                    "policy own_tenant (USING)",
                    ComparedWith::Setting
                ),
                (
                    "tenants",
                    "policy own_tenant (WITH CHECK)",
                    ComparedWith::Setting
                ),
            ]
        );
        let plan_md = output
            .bundle
            .files()
            .find(|(f, _)| *f == "PLAN.md")
            .map(|(_, t)| t.to_string())
            .expect("PLAN.md");
        assert!(plan_md.contains("## Ids used as integers"), "{plan_md}");
        assert!(
            plan_md.contains("Keep its integer ids: `--exclude-table public.tenants`."),
            "{plan_md}"
        );
        assert!(
            plan_md.contains("`current_setting('app.current_tenant')::integer`"),
            "{plan_md}"
        );
        // The fixed id in a CHECK constraint is translated, not listed here;
        // `id > 0` is a sentinel comparison.
        let translated: Vec<(&str, i64, bool)> = output
            .plan
            .translations
            .iter()
            .flat_map(|t| t.constants())
            .map(|(_, k)| (k.column.as_str(), k.value, k.ordered))
            .collect();
        assert_eq!(translated, [("tenant_id", 42, false), ("id", 0, true)]);

        // Taking the choice: nothing of tenants converts, nothing is listed.
        let options = Options {
            exclude_tables: [QualifiedName::new("public", "tenants")].into(),
            ..Options::default()
        };
        let output = pipeline::run("t.sql", TENANTS, &options).expect("parses");
        assert!(
            output.plan.integer_uses.is_empty(),
            "{:?}",
            output.plan.integer_uses
        );
    }
}
