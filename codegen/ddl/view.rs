//! `CREATE [MATERIALIZED] VIEW` and the relations a view reads.
//!
//! The dependency list must be complete: a view that reads a key column
//! blocks `ALTER COLUMN … TYPE`, so a missed dependency is a failed
//! migration. Without sqlparser's `visitor` feature there is no generic AST
//! walk, so the walk is structural for queries and `FROM` clauses, and every
//! other part (projections, `WHERE`, `ON`, function arguments, …) is
//! re-printed and scanned for parenthesized subqueries, which are parsed and
//! walked in turn. No expression form can hide a subquery from that scan.

use super::error::{Fail, Result};
use super::names::{fold_ident, name_parts};
use super::state::Builder;
use super::tokens::tokenize;
use crate::catalog::{QualifiedName, View, ViewKind};
use sqlparser::ast::{ObjectName, Query, Select, SetExpr, Statement, TableFactor, TableWithJoins};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};
use std::collections::BTreeSet;

/// Handles one `CREATE [OR REPLACE] [MATERIALIZED] VIEW` statement.
pub(crate) fn create_view(b: &mut Builder, text: &str) -> Result<()> {
    let t = tokenize(text)?;
    let n = t.len();
    let mut hidden = Vec::new();
    let recursive = (0..n.min(6)).find(|&i| t.is_kw(i, "RECURSIVE"));
    if let Some(i) = recursive {
        hidden.push((i, i + 1));
    }
    // Trailing clauses sqlparser rejects and the catalog does not need.
    if n >= 2 && t.is_kw(n - 1, "DATA") {
        let with = if t.is_kw(n - 2, "NO") { n - 3 } else { n - 2 };
        if t.is_kw(with, "WITH") {
            hidden.push((with, n));
        }
    } else if n >= 3 && t.is_kws(n - 2, &["CHECK", "OPTION"]) {
        let with = if t.is_kw(n - 3, "CASCADED") || t.is_kw(n - 3, "LOCAL") {
            n - 4
        } else {
            n - 3
        };
        if t.is_kw(with, "WITH") {
            hidden.push((with, n));
        }
    }
    let Statement::CreateView(cv) = t.parse_without("CREATE VIEW", &hidden)? else {
        return Err(Fail::new("expected a CREATE VIEW statement"));
    };
    let name = b.qualify_new(&name_parts(&cv.name)?)?;
    if b.views.contains_key(&name) {
        if cv.if_not_exists {
            b.skip("CREATE VIEW IF NOT EXISTS (already exists)");
            return Ok(());
        }
        if !cv.or_replace {
            return Err(Fail::new(format!(
                "relation `{}` already exists",
                name.display()
            )));
        }
    } else if b.relation_taken(&name.schema, &name.name) {
        return Err(Fail::new(format!(
            "relation `{}` already exists",
            name.display()
        )));
    }
    let mut deps = Deps {
        b,
        scopes: Vec::new(),
        out: BTreeSet::new(),
    };
    if recursive.is_some() {
        deps.scopes.push(BTreeSet::from([name.name.clone()]));
    }
    deps.query(&cv.query)?;
    let view = View {
        name: name.clone(),
        kind: if cv.materialized {
            ViewKind::Materialized
        } else {
            ViewKind::View
        },
        depends_on: deps.out.into_iter().collect(),
    };
    b.views.insert(name, view);
    Ok(())
}

/// Collects the relations a query reads.
struct Deps<'a> {
    b: &'a Builder,
    /// CTE names visible at the current point, innermost last.
    scopes: Vec<BTreeSet<String>>,
    out: BTreeSet<QualifiedName>,
}

impl Deps<'_> {
    fn query(&mut self, q: &Query) -> Result<()> {
        let names: BTreeSet<String> = q
            .with
            .iter()
            .flat_map(|w| &w.cte_tables)
            .map(|c| fold_ident(&c.alias.name))
            .collect();
        self.scopes.push(names);
        for cte in q.with.iter().flat_map(|w| &w.cte_tables) {
            self.query(&cte.query)?;
        }
        self.set_expr(&q.body)?;
        if let Some(o) = &q.order_by {
            self.scan(&o.to_string())?;
        }
        if let Some(l) = &q.limit_clause {
            self.scan(&l.to_string())?;
        }
        self.scopes.pop();
        Ok(())
    }

    fn set_expr(&mut self, s: &SetExpr) -> Result<()> {
        match s {
            SetExpr::Select(sel) => self.select(sel),
            SetExpr::Query(q) => self.query(q),
            SetExpr::SetOperation { left, right, .. } => {
                self.set_expr(left)?;
                self.set_expr(right)
            }
            SetExpr::Table(t) => {
                let name: Vec<sqlparser::ast::Ident> =
                    t.schema_name.iter().chain(&t.table_name).cloned().collect();
                self.relation(&ObjectName::from(name))
            }
            other => self.scan(&other.to_string()),
        }
    }

    fn select(&mut self, sel: &Select) -> Result<()> {
        for twj in &sel.from {
            self.joins(twj)?;
        }
        let mut rest = sel.clone();
        rest.from.clear();
        self.scan(&rest.to_string())
    }

    fn joins(&mut self, twj: &TableWithJoins) -> Result<()> {
        self.factor(&twj.relation)?;
        for j in &twj.joins {
            self.factor(&j.relation)?;
            self.scan(&j.to_string())?;
        }
        Ok(())
    }

    fn factor(&mut self, f: &TableFactor) -> Result<()> {
        match f {
            TableFactor::Table {
                name, args: None, ..
            } => self.relation(name),
            TableFactor::Derived { subquery, .. } => self.query(subquery),
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => self.joins(table_with_joins),
            other => self.scan(&other.to_string()),
        }
    }

    fn relation(&mut self, name: &ObjectName) -> Result<()> {
        let parts = name_parts(name)?;
        if let [single] = parts.as_slice()
            && self.scopes.iter().any(|s| s.contains(single))
        {
            return Ok(());
        }
        if let Some(q) = self.b.resolve_readable(&parts) {
            self.out.insert(q);
            return Ok(());
        }
        // Readable, but not something the catalog holds.
        let b = self.b;
        if b.resolve(&parts, |q| {
            b.sequences.contains_key(q) || b.foreign_tables.contains(q)
        })
        .is_some()
        {
            return Ok(());
        }
        let system = match parts.as_slice() {
            [n] => n.starts_with("pg_"),
            [s, _] | [_, s, _] => s == "pg_catalog" || s == "information_schema",
            _ => false,
        };
        if system {
            return Ok(());
        }
        Err(Fail::new(format!(
            "the view reads `{}`, which is not a table or view defined before it",
            parts.join(".")
        )))
    }

    /// Finds `( SELECT | WITH | VALUES …)` in printed SQL and walks each.
    fn scan(&mut self, sql: &str) -> Result<()> {
        if !sql.contains('(') {
            return Ok(());
        }
        let dialect = PostgreSqlDialect {};
        let tokens: Vec<Token> = Tokenizer::new(&dialect, sql)
            .tokenize()
            .map_err(|e| Fail::new(format!("cannot re-read view query: {e}")))?
            .into_iter()
            .filter(|t| !matches!(t, Token::Whitespace(_)))
            .collect();
        let mut i = 0;
        while i < tokens.len() {
            let opens_query = tokens[i] == Token::LParen
                && matches!(tokens.get(i + 1), Some(Token::Word(w)) if w.quote_style.is_none()
                    && ["SELECT", "WITH", "VALUES"].iter().any(|k| w.value.eq_ignore_ascii_case(k)));
            if !opens_query {
                i += 1;
                continue;
            }
            let mut depth = 0usize;
            let mut close = tokens.len();
            for (j, t) in tokens.iter().enumerate().skip(i) {
                match t {
                    Token::LParen => depth += 1,
                    Token::RParen => {
                        depth -= 1;
                        if depth == 0 {
                            close = j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let inner = tokens[i + 1..close.min(tokens.len())].to_vec();
            let q = Parser::new(&dialect)
                .with_tokens(inner)
                .parse_query()
                .map_err(|e| Fail::new(format!("cannot re-read a subquery of the view: {e}")))?;
            self.query(&q)?;
            i = close + 1;
        }
        Ok(())
    }
}
