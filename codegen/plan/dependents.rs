//! Views, materialized views and row-level security policies that must be
//! dropped before the type change and recreated after it.
//!
//! `ALTER COLUMN … TYPE` refuses to touch a column that a view's query or a
//! policy's expression uses. Which columns a view really uses is only known
//! to the server (`SELECT *`, GROUP BY functional dependencies on a primary
//! key), so the plan works a level up: every view that reads a converted
//! table, and every view that reads one of those, is recreated, and so is
//! every policy on a converted table. Recreating a view that never touched a
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

/// A row-level security policy or a trigger the migration drops and
/// recreates, both named per table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DependentPolicy {
    /// The converted table the policy or trigger is on.
    pub table: QualifiedName,
    /// Its name.
    pub name: String,
}

/// Every rewrite rule on a converted table, by table then name: a rule's
/// condition or action that uses a converted column blocks the type change,
/// and recreating the others changes nothing.
pub fn rules(catalog: &Catalog, tables: &[TablePlan]) -> Vec<DependentPolicy> {
    catalog
        .rules
        .iter()
        .filter(|r| tables.iter().any(|p| p.table == r.table))
        .map(|r| DependentPolicy {
            table: r.table.clone(),
            name: r.name.clone(),
        })
        .collect()
}

/// Every trigger on a converted table, by table then name. Only those with
/// an `UPDATE OF` list or a `WHEN` condition on a converted column block the
/// type change, but which ones do is known to the server alone; recreating
/// the others gives them back unchanged (PostgreSQL fires triggers in name
/// order, so creation order does not matter).
pub fn triggers(catalog: &Catalog, tables: &[TablePlan]) -> Vec<DependentPolicy> {
    catalog
        .triggers
        .iter()
        .filter(|t| tables.iter().any(|p| p.table == t.table))
        .map(|t| DependentPolicy {
            table: t.table.clone(),
            name: t.name.clone(),
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
    options
        .view_queries
        .keys()
        .filter(|name| !views.iter().any(|v| &v.name == *name))
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

/// Every policy on a converted table, by table then name.
pub fn policies(catalog: &Catalog, tables: &[TablePlan]) -> Vec<DependentPolicy> {
    catalog
        .policies
        .iter()
        .filter(|p| tables.iter().any(|t| t.table == p.table))
        .map(|p| DependentPolicy {
            table: p.table.clone(),
            name: p.name.clone(),
        })
        .collect()
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
            partitioned: false,
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
