//! Views, materialized views, and the triggers, rules and row-level
//! security policies on converted tables, that must be dropped before the
//! type change and recreated after it.
//!
//! `ALTER COLUMN … TYPE` refuses to touch a column that a view's query or a
//! policy's expression uses. Which columns a view really uses is only known
//! to the server (`SELECT *`, GROUP BY functional dependencies on a primary
//! key), so the plan works a level up: every view that reads a converted
//! table, and every view that reads one of those, is recreated, and so is
//! every trigger, rule and policy on a converted table. Recreating a view that never touched a
//! key gives it back unchanged, so the wider set costs time, never
//! correctness. The SQL records each object's definition from the live
//! catalog at run time, so the recreated object is the one in the database,
//! not the one in a possibly older schema file.

use super::{Blocker, Options, TablePlan};
use crate::catalog::{Catalog, QualifiedName, ViewKind};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A view or materialized view the migration drops and recreates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DependentView {
    /// The view.
    pub name: QualifiedName,
    /// Plain or materialized.
    pub kind: ViewKind,
    /// Converted tables and recreated views its query reads, sorted.
    pub reads: Vec<QualifiedName>,
    /// The query forward creates it from instead of its own
    /// ([`super::Options::view_queries`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward_query: Option<String>,
}

/// A trigger, rewrite rule or row-level security policy on a converted
/// table, which the migration drops and recreates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DependentOnTable {
    /// The converted table it is on.
    pub table: QualifiedName,
    /// Its name.
    pub name: String,
}

/// The objects of one kind (the catalog's triggers, rules or policies) on
/// converted tables, in the catalog's order (by table then name).
///
/// All of them are recreated, not only those that use a converted column:
/// a trigger's `UPDATE OF` list or `WHEN`, a rule's condition or action and
/// a policy's expressions block the type change only when they use one,
/// and which do is known to the server alone. Recreating the others gives
/// them back unchanged; PostgreSQL fires triggers in name order, so
/// creation order does not matter.
pub fn on_tables<T>(
    objects: &[T],
    tables: &[TablePlan],
    table_and_name: impl Fn(&T) -> (&QualifiedName, &String),
) -> Vec<DependentOnTable> {
    let converted: BTreeSet<&QualifiedName> = tables.iter().map(|p| &p.table).collect();
    objects
        .iter()
        .map(table_and_name)
        .filter(|(table, _)| converted.contains(table))
        .map(|(table, name)| DependentOnTable {
            table: table.clone(),
            name: name.clone(),
        })
        .collect()
}

/// The views to recreate, each after every view it reads (creation order;
/// dropping goes in reverse). Ties are broken by name so the order is
/// deterministic.
pub fn views(catalog: &Catalog, tables: &[TablePlan], options: &Options) -> Vec<DependentView> {
    let mut affected: BTreeSet<&QualifiedName> = tables.iter().map(|t| &t.table).collect();
    let mut chosen: BTreeMap<&QualifiedName, DependentView> = BTreeMap::new();
    loop {
        let before = chosen.len();
        for view in &catalog.views {
            let reads: Vec<QualifiedName> = view
                .depends_on
                .iter()
                .filter(|d| affected.contains(d))
                .cloned()
                .collect();
            if reads.is_empty() {
                continue;
            }
            affected.insert(&view.name);
            chosen.insert(
                &view.name,
                DependentView {
                    name: view.name.clone(),
                    kind: view.kind,
                    reads,
                    forward_query: options.view_queries.get(&view.name).cloned(),
                },
            );
        }
        if chosen.len() == before {
            break;
        }
    }
    creation_order(chosen.into_values().collect())
}

/// A replacement query for a view forward does not recreate would be
/// silently ignored; say so instead.
pub fn unused_view_queries(options: &Options, views: &[DependentView]) -> Vec<Blocker> {
    let recreated: BTreeSet<&QualifiedName> = views.iter().map(|v| &v.name).collect();
    options
        .view_queries
        .keys()
        .filter(|name| !recreated.contains(name))
        .map(|name| Blocker {
            object: format!("view {}", name.display()),
            reason: "has a replacement query, but it is not a view that reads a converted table, so forward never recreates it".into(),
            help: "Remove the replacement query, or check the view's name.".into(),
        })
        .collect()
}

/// Kahn's algorithm over the recreated views, smallest name first.
fn creation_order(views: Vec<DependentView>) -> Vec<DependentView> {
    let names: BTreeSet<QualifiedName> = views.iter().map(|v| v.name.clone()).collect();
    let mut pending: BTreeMap<QualifiedName, DependentView> =
        views.into_iter().map(|v| (v.name.clone(), v)).collect();
    let mut placed: BTreeSet<QualifiedName> = BTreeSet::new();
    let mut out = Vec::new();
    while !pending.is_empty() {
        let next = pending
            .values()
            .find(|v| {
                v.reads
                    .iter()
                    .all(|r| !names.contains(r) || placed.contains(r) || *r == v.name)
            })
            .map(|v| v.name.clone())
            // Views cannot form a cycle in PostgreSQL; should a broken
            // catalog claim one, fall back to name order rather than loop.
            .unwrap_or_else(|| pending.keys().next().expect("not empty").clone());
        let view = pending.remove(&next).expect("chosen from pending");
        placed.insert(next);
        out.push(view);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::View;

    fn q(n: &str) -> QualifiedName {
        QualifiedName::new("public", n)
    }

    fn view(name: &str, reads: &[&str]) -> View {
        View {
            name: q(name),
            kind: ViewKind::View,
            depends_on: reads.iter().map(|r| q(r)).collect(),
        }
    }

    fn plan(name: &str) -> TablePlan {
        TablePlan {
            table: q(name),
            root: None,
            columns: Vec::new(),
            all_columns: Vec::new(),
            hashable_rows: true,
            generated_columns: Vec::new(),
            partitioned: false,
            capture_key: Vec::new(),
            conversion: crate::plan::Conversion::Rebuild,
            polymorphic: Vec::new(),
        }
    }

    #[test]
    fn views_on_views_come_after_what_they_read() {
        let catalog = Catalog {
            views: vec![
                view("a_top", &["m_mid"]),
                view("m_mid", &["users", "z_base"]),
                view("unrelated", &["other"]),
                view("z_base", &["users"]),
            ],
            ..Catalog::default()
        };
        let order: Vec<String> = views(&catalog, &[plan("users")], &Options::default())
            .into_iter()
            .map(|v| v.name.name)
            .collect();
        assert_eq!(order, ["z_base", "m_mid", "a_top"]);
    }

    #[test]
    fn a_view_reading_nothing_converted_stays() {
        let catalog = Catalog {
            views: vec![view("v", &["other"])],
            ..Catalog::default()
        };
        assert!(views(&catalog, &[plan("users")], &Options::default()).is_empty());
    }
}
