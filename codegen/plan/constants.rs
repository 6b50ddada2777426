//! Integer constants that name rows ("magic ids") and sentinels (issue 11
//! §1): CHECK constraints, index predicates and key expressions, and
//! policies that compare a converted column with an integer literal
//! (`CHECK (id <> 1 OR …)`, `WHERE type_id = ANY (ARRAY[2, 5])`,
//! `COALESCE(parent_id, -1)`).
//! Once the column is uuid such an object no longer parses, so forward
//! recreates it with each constant replaced by a uuid literal, the rest of
//! its text unchanged, and rollback puts back the definition forward
//! recorded.
//!
//! Only forward knows which uuid a row gets, so the plan keeps each
//! translated expression as pieces: text, and constants that forward
//! resolves (`pg_temp.keyshift_constant_uuid`). A constant that names a row becomes
//! that row's uuid. One that names no row is a sentinel when it is zero or
//! negative, and becomes the key's sentinel uuid (the nil uuid unless
//! `keyshift.toml` sets another), the same value a declared reference's
//! kept orphans get (`on_orphan = "keep"`); a positive one that names no
//! row stops preflight and forward. An order comparison (`id > 0`)
//! translates only against a sentinel, only while every id of the key lies
//! above it, and only to the nil uuid, the smallest: uuids have no order
//! that keeps `id > 5`.
//!
//! Policies are dependents (dropped and recreated around the type change):
//! their translated clauses go with forward's record of them.
//!
//! What cannot be translated safely is a blocker naming the expression: an
//! order comparison with a positive id, a converted column cast to an
//! integer, an array that is cast or written as a string, and CHECK
//! constraints and indexes on a partition tree or inheritance family
//! (which PostgreSQL clones onto every member).

use super::integer_uses::{Cast, Ctx, Value, not_before, strip_casts};
use super::sql_lex::{
    COMPARISONS, Tok, close_paren, dotted_words, lex_spanned, operand_after, operand_before,
    split_commas, subquery_mask, unwrap_parens,
};
use super::{Blocker, TablePlan};
use crate::catalog::{Catalog, QualifiedName, display_ident};
use serde::Serialize;
use std::collections::BTreeMap;

/// An object recreated by forward with its constants translated.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Translation {
    /// The table the object is on.
    pub table: QualifiedName,
    pub kind: TranslatedKind,
    /// The constraint's, index's or policy's name.
    pub name: String,
    /// The expressions of the object that hold constants.
    pub clauses: Vec<TranslatedClause>,
}

/// What kind of object a [`Translation`] recreates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TranslatedKind {
    Check,
    Index,
    Policy,
}

/// Which expression of the object a clause is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Clause {
    /// A CHECK constraint's expression.
    Check,
    /// An index's key expression, by key number (from 1).
    Key(usize),
    /// A partial index's `WHERE`.
    Where,
    /// A policy's `USING`.
    Using,
    /// A policy's `WITH CHECK`.
    WithCheck,
}

/// One expression, as the catalog holds it and as pieces to translate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TranslatedClause {
    pub clause: Clause,
    /// The expression as the catalog holds it.
    pub original: String,
    /// The expression cut at its constants.
    pub pieces: Vec<Piece>,
}

/// Text kept as it is, or a constant forward replaces with a uuid literal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Piece {
    Text(String),
    Constant(Constant),
}

/// An integer constant compared with a converted column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Constant {
    /// The root whose ids the column holds: the table the row is looked up in.
    pub root: QualifiedName,
    /// The converted column it is compared with.
    pub column: String,
    pub value: i64,
    /// Compared by order (`<`, `>`, `BETWEEN`): only a sentinel may be.
    pub ordered: bool,
}

impl TranslatedKind {
    /// For messages and PLAN.md: `CHECK constraint x`.
    pub fn describe(self, name: &str) -> String {
        let name = display_ident(name);
        match self {
            TranslatedKind::Check => format!("CHECK constraint {name}"),
            TranslatedKind::Index => format!("index {name}"),
            TranslatedKind::Policy => format!("policy {name}"),
        }
    }
}

impl Translation {
    /// Every constant of the object, in text order.
    pub fn constants(&self) -> impl Iterator<Item = (Clause, &Constant)> {
        self.clauses.iter().flat_map(|c| {
            c.pieces.iter().filter_map(move |p| match p {
                Piece::Constant(k) => Some((c.clause, k)),
                Piece::Text(_) => None,
            })
        })
    }
}

/// An object of a table, with the expressions of it that may hold constants.
type Object<'a> = (TranslatedKind, &'a str, Vec<(Clause, &'a str)>);

/// The objects to translate, and blockers for those that cannot be.
pub fn find(
    catalog: &Catalog,
    tables: &[TablePlan],
    sentinels: &BTreeMap<QualifiedName, String>,
) -> (Vec<Translation>, Vec<Blocker>) {
    let mut translations = Vec::new();
    let mut blockers = Vec::new();
    for plan in tables {
        let Some(table) = catalog.table(&plan.table) else {
            continue;
        };
        let columns: Vec<&str> = plan.columns.iter().map(|c| c.name.as_str()).collect();
        if columns.is_empty() {
            continue;
        }
        let root_of = |column: &str| {
            plan.columns
                .iter()
                .find(|c| c.name == column)
                .map(|c| c.root.clone())
                .expect("a converted column")
        };
        // Read only for a table with constants: it scans every table.
        let in_family = || {
            table.partition_of.is_some()
                || table.partition_key.is_some()
                || !table.inherits.is_empty()
                || catalog
                    .tables
                    .iter()
                    .any(|t| t.inherits.contains(&table.name))
        };
        let mut objects: Vec<Object> = Vec::new();
        for check in &table.checks {
            objects.push((
                TranslatedKind::Check,
                &check.name,
                vec![(Clause::Check, &check.expression)],
            ));
        }
        for index in &table.indexes {
            let keys = index
                .keys
                .iter()
                .enumerate()
                .filter_map(|(k, key)| match key {
                    crate::catalog::IndexKey::Expression(text) => {
                        Some((Clause::Key(k + 1), text.as_str()))
                    }
                    crate::catalog::IndexKey::Column(_) => None,
                });
            let clauses: Vec<(Clause, &str)> = keys
                .chain(index.predicate.as_deref().map(|p| (Clause::Where, p)))
                .collect();
            if !clauses.is_empty() {
                objects.push((TranslatedKind::Index, &index.name, clauses));
            }
        }
        for p in catalog.policies.iter().filter(|p| p.table == plan.table) {
            let clauses = [
                (Clause::Using, &p.using),
                (Clause::WithCheck, &p.with_check),
            ]
            .into_iter()
            .filter_map(|(c, text)| text.as_deref().map(|t| (c, t)))
            .collect();
            objects.push((TranslatedKind::Policy, &p.name, clauses));
        }
        for (kind, name, clauses) in objects {
            let mut translated = Vec::new();
            let mut refused = Vec::new();
            for (clause, text) in clauses {
                let found = constants_in(text, &columns, &table.name.name);
                if found.is_empty() {
                    continue;
                }
                let mut pieces = Vec::new();
                let mut at = 0;
                for f in &found {
                    let operand = &text[f.span.0..f.span.1];
                    let why = match f.value {
                        None => Some(format!(
                            "{} meets {} in a form keyshift cannot rewrite as uuid literals",
                            f.column, operand
                        )),
                        Some(v) if f.ordered && v > 0 => Some(format!(
                            "compares {} with {v} by order, which uuids cannot keep",
                            f.column
                        )),
                        Some(v) if f.ordered && sentinels.contains_key(&root_of(&f.column)) => {
                            Some(format!(
                                "compares {} with the sentinel {v} by order, which only the nil uuid (the smallest) keeps, and keyshift.toml gives {} another sentinel",
                                f.column,
                                root_of(&f.column).display()
                            ))
                        }
                        _ if f.span.0 < at => Some(format!(
                            "compares {} with {operand} where another constant overlaps it",
                            f.column
                        )),
                        _ => None,
                    };
                    if let Some(why) = why {
                        refused.push((f.column.clone(), why));
                        continue;
                    }
                    if f.span.0 > at {
                        pieces.push(Piece::Text(text[at..f.span.0].to_string()));
                    }
                    pieces.push(Piece::Constant(Constant {
                        root: root_of(&f.column),
                        column: f.column.clone(),
                        value: f.value.expect("checked above"),
                        ordered: f.ordered,
                    }));
                    at = f.span.1;
                }
                if at < text.len() {
                    pieces.push(Piece::Text(text[at..].to_string()));
                }
                translated.push(TranslatedClause {
                    clause,
                    original: text.to_string(),
                    pieces,
                });
            }
            if translated.is_empty() && refused.is_empty() {
                continue;
            }
            let object = format!("{} on {}", kind.describe(name), table.name.display());
            let exclude =
                |column: &str| super::integer_uses::exclude_table_option(&root_of(column));
            if let Some((column, why)) = refused.first() {
                let text: Vec<&str> = translated.iter().map(|c| c.original.as_str()).collect();
                blockers.push(Blocker {
                    object: object.clone(),
                    reason: format!("{why}{}", expression_note(&text)),
                    help: format!(
                        "Rewrite the expression so it compares the key only with = or <> against fixed ids (keyshift translates those), or keep the ids it names as integers with {}.",
                        exclude(column)
                    ),
                });
                continue;
            }
            if kind != TranslatedKind::Policy && in_family() {
                let column = first_column(&translated);
                blockers.push(Blocker {
                    object,
                    reason: format!(
                        "compares {column} with fixed ids on a table of a partition tree or inheritance family, whose constraints and indexes PostgreSQL keeps alike on every member; keyshift does not translate those yet"
                    ),
                    help: format!(
                        "Drop the object before migrating and create it again with the new uuids, or keep the ids as integers with {}.",
                        exclude(&column)
                    ),
                });
                continue;
            }
            translations.push(Translation {
                table: plan.table.clone(),
                kind,
                name: name.to_string(),
                clauses: translated,
            });
        }
    }
    translations.sort();
    blockers.sort();
    (translations, blockers)
}

/// The column the first constant of `clauses` is compared with.
fn first_column(clauses: &[TranslatedClause]) -> String {
    clauses
        .iter()
        .flat_map(|c| &c.pieces)
        .find_map(|p| match p {
            Piece::Constant(k) => Some(k.column.clone()),
            Piece::Text(_) => None,
        })
        .expect("a translated clause holds a constant")
}

fn expression_note(texts: &[&str]) -> String {
    match texts {
        [] => String::new(),
        _ => format!(" (in {})", texts.join("; ")),
    }
}

// ---------------------------------------------------------------------------
// Reading constants out of an expression

/// A constant compared with a converted column, where it stands in the text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Found {
    /// Byte range of the constant (with its casts and parentheses).
    span: (usize, usize),
    column: String,
    /// `None` where the constant cannot be rewritten as a uuid literal.
    value: Option<i64>,
    ordered: bool,
}

/// The integer constants `expression` compares with converted `columns`
/// (unqualified or qualified by `table`, outside subqueries), in text order.
fn constants_in(expression: &str, columns: &[&str], table: &str) -> Vec<Found> {
    let (toks, spans) = lex_spanned(expression);
    let in_subquery = subquery_mask(&toks);
    let ctx = Ctx {
        toks: &toks,
        columns,
        table,
        old_new: false,
        in_subquery: &in_subquery,
    };
    let mut out = Vec::new();
    let mut push = |column: &str, cast: Cast, lo: usize, hi: usize, ordered: bool| {
        for (lo, hi, value) in operand_constants(&ctx, lo, hi) {
            out.push(Found {
                span: (spans[lo].0, spans[hi - 1].1),
                column: column.to_string(),
                // `id::bigint = 5` would become `id::bigint = '…'::uuid`.
                value: value.filter(|_| cast == Cast::None),
                ordered,
            });
        }
    };
    for i in 0..toks.len() {
        match &toks[i] {
            Tok::Op(op) if COMPARISONS.contains(&op.as_str()) => {
                let ordered = !matches!(op.as_str(), "=" | "<>" | "!=");
                let lhs = operand_before(&toks, i);
                let rhs = operand_after(&toks, i + 1);
                for ((a, b), (c, d)) in [(lhs, rhs), (rhs, lhs)] {
                    if let Some((name, cast)) = ctx.column(a, b).or_else(|| coalesced(&ctx, a, b)) {
                        push(&name, cast, c, d, ordered);
                    }
                }
            }
            t if t.is_kw("in") && toks.get(i + 1) == Some(&Tok::Punct('(')) => {
                let (a, b) = operand_before(&toks, not_before(&toks, i));
                let close = close_paren(&toks, i + 1).unwrap_or(toks.len());
                if let Some((name, cast)) = ctx.column(a, b) {
                    for (lo, hi) in split_commas(&toks, i + 2, close) {
                        push(&name, cast, lo, hi, false);
                    }
                }
            }
            t if t.is_kw("between") => {
                let (a, b) = operand_before(&toks, not_before(&toks, i));
                let mut start = i + 1;
                if toks.get(start).is_some_and(|t| t.is_kw("symmetric")) {
                    start += 1;
                }
                let low = operand_after(&toks, start);
                let and = low.1;
                if let Some((name, cast)) = ctx.column(a, b) {
                    push(&name, cast, low.0, low.1, true);
                    if toks.get(and).is_some_and(|t| t.is_kw("and")) {
                        let high = operand_after(&toks, and + 1);
                        push(&name, cast, high.0, high.1, true);
                    }
                }
            }
            // COALESCE(parent_id, -1): the constant stands in for an id.
            t if t.is_kw("coalesce")
                && toks.get(i + 1) == Some(&Tok::Punct('('))
                && !in_subquery[i] =>
            {
                let close = close_paren(&toks, i + 1).unwrap_or(toks.len());
                let args = split_commas(&toks, i + 2, close);
                let column = args.iter().find_map(|&(a, b)| ctx.column(a, b));
                if let Some((name, cast)) = column {
                    for &(lo, hi) in &args {
                        if ctx.column(lo, hi).is_none() {
                            push(&name, cast, lo, hi, false);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `COALESCE(…)` over a converted column, as that column: what it is
/// compared with stands for one of its ids.
fn coalesced(ctx: &Ctx, lo: usize, hi: usize) -> Option<(String, Cast)> {
    let toks = ctx.toks;
    let (lo, hi) = unwrap_parens(toks, lo, hi);
    let is_call = hi > lo + 2
        && toks[lo].is_kw("coalesce")
        && toks[lo + 1] == Tok::Punct('(')
        && close_paren(toks, lo + 1) == Some(hi - 1)
        && !ctx.in_subquery[lo];
    if !is_call {
        return None;
    }
    split_commas(toks, lo + 2, hi - 1)
        .into_iter()
        .find_map(|(a, b)| ctx.column(a, b))
}

/// The integer constants in operand `lo..hi`: the operand itself, or each
/// element of `ANY (ARRAY[…])`; `None` for an integer value keyshift cannot
/// rewrite (an array cast or written as a string). Nothing for operands
/// that are not integer constants.
fn operand_constants(ctx: &Ctx, lo: usize, hi: usize) -> Vec<(usize, usize, Option<i64>)> {
    if lo >= hi || !matches!(ctx.value(lo, hi), Value::Literal(_)) {
        return Vec::new();
    }
    let toks = ctx.toks;
    let (a, b) = unwrap_parens(toks, lo, hi);
    let is_list = toks[a].is_kw("any") || toks[a].is_kw("some") || toks[a].is_kw("all");
    if !is_list {
        return vec![(lo, hi, integer_of(toks, lo, hi))];
    }
    // ANY ( ARRAY [ … ] ), with nothing cast.
    let (x, y) = unwrap_parens(toks, a + 1, b);
    match &toks[x..y] {
        [kw, Tok::Punct('['), .., Tok::Punct(']')] if kw.is_kw("array") => {
            split_commas(toks, x + 2, y - 1)
                .into_iter()
                .map(|(p, q)| (p, q, integer_of(toks, p, q)))
                .collect()
        }
        _ => vec![(lo, hi, None)],
    }
}

/// The value of an integer constant (`5`, `-1`, `'-1'::integer`, `(2)`,
/// `CAST(3 AS bigint)`).
fn integer_of(toks: &[Tok], lo: usize, hi: usize) -> Option<i64> {
    let (a, b, cast) = strip_casts(toks, lo, hi)?;
    if !matches!(cast, Cast::None | Cast::Integer) {
        return None;
    }
    if (a, b) != (lo, hi) {
        return integer_of(toks, a, b);
    }
    let (a, b) = unwrap_parens(toks, lo, hi);
    if (a, b) != (lo, hi) {
        return integer_of(toks, a, b);
    }
    match &toks[lo..hi] {
        [Tok::Number(n)] => n.parse().ok(),
        [Tok::Op(sign), Tok::Number(n)] if sign == "-" => format!("-{n}").parse().ok(),
        [Tok::Op(sign), Tok::Number(n)] if sign == "+" => n.parse().ok(),
        [Tok::Str(s)] => s.trim().parse().ok(),
        [kw, Tok::Punct('('), .., Tok::Punct(')')] if kw.is_kw("cast") => {
            let as_at = (lo + 2..hi - 1).find(|&k| toks[k].is_kw("as"))?;
            let words = dotted_words(toks, as_at + 1, hi - 1)?;
            let integer = matches!(
                words.last().map(String::as_str),
                Some("int" | "int2" | "int4" | "int8" | "integer" | "smallint" | "bigint")
            );
            if integer {
                integer_of(toks, lo + 2, as_at)
            } else {
                None
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{Found, constants_in};

    /// (text replaced, value, ordered) for each constant found.
    fn found(expr: &str) -> Vec<(String, Option<i64>, bool)> {
        constants_in(expr, &["id", "type_id", "parent_id"], "t")
            .into_iter()
            .map(
                |Found {
                     span,
                     value,
                     ordered,
                     ..
                 }| { (expr[span.0..span.1].to_string(), value, ordered) },
            )
            .collect()
    }

    fn one(text: &str, value: i64, ordered: bool) -> Vec<(String, Option<i64>, bool)> {
        vec![(text.to_string(), Some(value), ordered)]
    }

    #[test]
    fn constants_as_written_and_as_the_server_prints_them() {
        assert_eq!(found("id <> 1 OR is_system"), one("1", 1, false));
        assert_eq!(found("((id <> 1) OR is_system)"), one("1", 1, false));
        assert_eq!(found("1 = t.id"), one("1", 1, false));
        assert_eq!(found("id > 0"), one("0", 0, true));
        assert_eq!(found("id > '-1'::integer"), one("'-1'::integer", -1, true));
        assert_eq!(found("type_id=-1"), one("-1", -1, false));
        assert_eq!(found("type_id = (7)"), one("(7)", 7, false));
        assert_eq!(
            found("type_id = CAST(7 AS bigint)"),
            one("CAST(7 AS bigint)", 7, false)
        );
        assert_eq!(
            found("type_id IN (2, 5)"),
            vec![("2".into(), Some(2), false), ("5".into(), Some(5), false)]
        );
        assert_eq!(
            found("(type_id = ANY (ARRAY[2, 5, 6]))"),
            vec![
                ("2".into(), Some(2), false),
                ("5".into(), Some(5), false),
                ("6".into(), Some(6), false)
            ]
        );
        assert_eq!(
            found("COALESCE(parent_id, '-1'::integer)"),
            one("'-1'::integer", -1, false)
        );
        assert_eq!(
            found("COALESCE(parent_id, 0) = 0"),
            vec![("0".into(), Some(0), false), ("0".into(), Some(0), false)]
        );
        assert_eq!(
            found("id BETWEEN -5 AND 0"),
            vec![("-5".into(), Some(-5), true), ("0".into(), Some(0), true)]
        );
    }

    #[test]
    fn forms_that_cannot_be_rewritten_are_found_without_a_value() {
        assert_eq!(
            found("type_id = ANY ('{2,5}'::integer[])"),
            vec![("ANY ('{2,5}'::integer[])".into(), None, false)]
        );
        assert_eq!(found("id::bigint = 5"), vec![("5".into(), None, false)]);
    }

    #[test]
    fn not_constants_of_a_converted_column() {
        for expr in [
            "name = '1'",
            "other.id = 1",
            "id = current_setting('app.id')::integer",
            "priority > 3",
            "note = 'id = 1'",
            "id IS NOT NULL",
            "EXISTS (SELECT 1 FROM m WHERE m.id = 1 AND id = 2)",
            "COALESCE(priority, 0) > 1",
            "id % 10 = 3",
        ] {
            assert_eq!(found(expr), vec![], "{expr}");
        }
    }
}

#[cfg(test)]
mod plan_tests {
    use crate::pipeline;
    use crate::plan::Options;

    fn blockers(sql: &str) -> Vec<String> {
        let output = pipeline::run("t.sql", sql, &Options::default());
        match output {
            Ok(o) => o
                .plan
                .blockers
                .iter()
                .map(|b| format!("{} {}", b.object, b.reason))
                .collect(),
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn what_cannot_be_translated_is_refused_by_name() {
        let found = blockers(
            "CREATE TABLE kinds (id serial PRIMARY KEY);
CREATE TABLE t (
    id serial PRIMARY KEY,
    kind_id integer REFERENCES kinds (id),
    CONSTRAINT late CHECK (kind_id < 5),
    CONSTRAINT cast_key CHECK (kind_id::bigint <> 3)
);
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
CREATE POLICY not_kind_two ON t USING (kind_id <> 2);
",
        );
        // The policy's fixed id is translated, not refused.
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("CHECK constraint cast_key on public.t kind_id meets 3"));
        assert!(
            found[1]
                .starts_with("CHECK constraint late on public.t compares kind_id with 5 by order")
        );
    }

    #[test]
    fn an_order_comparison_needs_the_nil_sentinel() {
        let sql = "CREATE TABLE users (id serial PRIMARY KEY);
CREATE TABLE t (id serial PRIMARY KEY, user_id integer REFERENCES users (id), CONSTRAINT real_user CHECK (user_id > 0));
";
        assert_eq!(blockers(sql), Vec::<String>::new());
        let options = Options {
            sentinels: [(
                crate::catalog::QualifiedName::new("public", "users"),
                "ffffffff-ffff-ffff-ffff-ffffffffffff".to_string(),
            )]
            .into(),
            ..Options::default()
        };
        let plan = pipeline::run("t.sql", sql, &options).expect("plans").plan;
        assert_eq!(plan.blockers.len(), 1, "{:#?}", plan.blockers);
        assert!(
            plan.blockers[0].reason.starts_with(
                "compares user_id with the sentinel 0 by order, which only the nil uuid"
            ),
            "{:#?}",
            plan.blockers
        );
    }

    #[test]
    fn a_family_member_is_refused() {
        let found = blockers(
            "CREATE TABLE kinds (id serial PRIMARY KEY);
CREATE TABLE events (id serial, kind_id integer REFERENCES kinds (id), CONSTRAINT not_two CHECK (kind_id <> 2)) PARTITION BY RANGE (id);
CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (1) TO (100);
",
        );
        assert!(
            found
                .iter()
                .any(|b| b.contains("partition tree or inheritance family")),
            "{found:#?}"
        );
    }
}
