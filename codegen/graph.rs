//! The foreign-key graph: which tables reference which, in what order they
//! can be processed, and where the references form cycles.
//!
//! The migration itself does not depend on this order (all affected foreign
//! keys are dropped before any column changes type and re-added afterwards),
//! so cycles and self-references need no special treatment when running it.
//! The order exists for people: files and PLAN.md read parents before
//! children, and the same schema always yields the same order.

use crate::catalog::{Catalog, QualifiedName};
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One foreign key seen as an edge from the referencing table to the
/// referenced one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// Referencing (child) table.
    pub from: QualifiedName,
    /// Referenced (parent) table.
    pub to: QualifiedName,
    /// Constraint name.
    pub constraint: String,
}

/// The analysed graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FkGraph {
    /// Every table, referenced tables before the tables that reference them;
    /// ties and members of one cycle in lexicographic order.
    pub order: Vec<QualifiedName>,
    /// Every foreign key, sorted by child table then constraint name.
    pub edges: Vec<Edge>,
    /// Groups of two or more tables whose foreign keys form a cycle, each
    /// sorted, the groups sorted by their first member.
    pub cycles: Vec<Vec<QualifiedName>>,
    /// Tables with a foreign key to themselves, sorted.
    pub self_references: Vec<QualifiedName>,
    /// Each table's index in `order`, built once: plans and files sort
    /// every table and foreign key by it, and a search of `order` per
    /// lookup made that quadratic.
    #[serde(skip)]
    positions: BTreeMap<QualifiedName, usize>,
}

impl FkGraph {
    /// Builds the graph of `catalog`. Foreign keys to tables the catalog does
    /// not hold are ignored here; the plan reports them.
    pub fn build(catalog: &Catalog) -> FkGraph {
        FkGraph::build_with(catalog, &[])
    }

    /// As [`FkGraph::build`], plus `declared`: references the database does
    /// not hold as constraints (from `keyshift.toml`), which order tables
    /// just as foreign keys do. Their `constraint` names what declared them.
    pub fn build_with(catalog: &Catalog, declared: &[Edge]) -> FkGraph {
        let mut graph = DiGraph::<QualifiedName, ()>::new();
        let mut index: BTreeMap<&QualifiedName, NodeIndex> = BTreeMap::new();
        for table in &catalog.tables {
            index.insert(&table.name, graph.add_node(table.name.clone()));
        }

        let mut edges = Vec::new();
        let mut self_references = BTreeSet::new();
        // Parallel foreign keys make one graph edge. `update_edge` would
        // find that out by scanning the parent's edges, which is quadratic
        // when one table is referenced by thousands.
        let mut linked: BTreeSet<(NodeIndex, NodeIndex)> = BTreeSet::new();
        let constraints = catalog.tables.iter().flat_map(|table| {
            table.foreign_keys.iter().map(|fk| Edge {
                from: table.name.clone(),
                to: fk.referenced_table.clone(),
                constraint: fk.name.clone(),
            })
        });
        for edge in constraints.chain(declared.iter().cloned()) {
            let (Some(&parent), Some(&child)) = (index.get(&edge.to), index.get(&edge.from)) else {
                continue;
            };
            if edge.to == edge.from {
                self_references.insert(edge.from.clone());
            } else {
                // Parent → child, so a topological order lists parents first.
                if linked.insert((parent, child)) {
                    graph.add_edge(parent, child, ());
                }
            }
            edges.push(edge);
        }
        edges.sort_by(|a, b| (&a.from, &a.constraint).cmp(&(&b.from, &b.constraint)));

        let components = components_in_order(&graph);
        let cycles = components
            .iter()
            .filter(|c| c.len() > 1)
            .map(|c| c.iter().map(|&n| graph[n].clone()).collect())
            .collect::<BTreeSet<Vec<QualifiedName>>>()
            .into_iter()
            .collect();
        let order: Vec<QualifiedName> = components
            .into_iter()
            .flatten()
            .map(|n| graph[n].clone())
            .collect();
        let positions = order
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i))
            .collect();

        FkGraph {
            order,
            edges,
            cycles,
            self_references: self_references.into_iter().collect(),
            positions,
        }
    }

    /// Position of a table in [`FkGraph::order`], for sorting other lists.
    pub fn position(&self, table: &QualifiedName) -> usize {
        self.positions.get(table).copied().unwrap_or(usize::MAX)
    }
}

/// Strongly connected components in a deterministic topological order:
/// Kahn's algorithm over the condensed graph, always taking the ready
/// component whose smallest member sorts first. Members of each component
/// are sorted by name.
fn components_in_order(graph: &DiGraph<QualifiedName, ()>) -> Vec<Vec<NodeIndex>> {
    let mut components: Vec<Vec<NodeIndex>> = tarjan_scc(graph);
    for c in &mut components {
        c.sort_by(|a, b| graph[*a].cmp(&graph[*b]));
    }
    let mut component_of = vec![0usize; graph.node_count()];
    for (ci, c) in components.iter().enumerate() {
        for n in c {
            component_of[n.index()] = ci;
        }
    }

    let mut successors: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); components.len()];
    let mut in_degree = vec![0usize; components.len()];
    for edge in graph.raw_edges() {
        let (from, to) = (
            component_of[edge.source().index()],
            component_of[edge.target().index()],
        );
        if from != to && successors[from].insert(to) {
            in_degree[to] += 1;
        }
    }

    let key = |ci: usize| graph[components[ci][0]].clone();
    let mut ready: BTreeMap<QualifiedName, usize> = (0..components.len())
        .filter(|&ci| in_degree[ci] == 0)
        .map(|ci| (key(ci), ci))
        .collect();
    let mut ordered = Vec::with_capacity(components.len());
    while let Some((_, ci)) = ready.pop_first() {
        for &next in &successors[ci] {
            in_degree[next] -= 1;
            if in_degree[next] == 0 {
                ready.insert(key(next), next);
            }
        }
        ordered.push(components[ci].clone());
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{
        Column, ColumnType, FkAction, ForeignKey, IntKind, KeyConstraint, MatchType, Table,
        TableKind,
    };

    fn table(name: &str, refs: &[&str]) -> Table {
        Table {
            name: QualifiedName::new("public", name),
            kind: TableKind::Ordinary,
            unlogged: false,
            columns: vec![Column {
                name: "id".into(),
                data_type: ColumnType::int(IntKind::Integer),
                not_null: true,
                default: None,
                identity: None,
                generated: None,
            }],
            primary_key: Some(KeyConstraint {
                name: format!("{name}_pkey"),
                columns: vec!["id".into()],
            }),
            unique_constraints: vec![],
            foreign_keys: refs
                .iter()
                .map(|r| ForeignKey {
                    name: format!("{name}_{r}_fkey"),
                    columns: vec![format!("{r}_id")],
                    referenced_table: QualifiedName::new("public", *r),
                    referenced_columns: vec!["id".into()],
                    on_update: FkAction::NoAction,
                    on_delete: FkAction::NoAction,
                    match_type: MatchType::Simple,
                    deferrable: false,
                    initially_deferred: false,
                    validated: true,
                })
                .collect(),
            checks: vec![],
            indexes: vec![],
            inherits: vec![],
            partition_of: None,
            partition_key: None,
        }
    }

    fn names(list: &[QualifiedName]) -> Vec<&str> {
        list.iter().map(|n| n.name.as_str()).collect()
    }

    #[test]
    fn parents_come_first_with_lexicographic_ties() {
        let mut catalog = Catalog {
            tables: vec![
                table("journals", &["users"]),
                table("tags", &[]),
                table("journal_tags", &["journals", "tags"]),
                table("users", &[]),
            ],
            ..Catalog::default()
        };
        catalog.normalize();
        let graph = FkGraph::build(&catalog);
        assert_eq!(
            names(&graph.order),
            ["tags", "users", "journals", "journal_tags"]
        );
        assert!(graph.cycles.is_empty());
    }

    #[test]
    fn cycles_and_self_references_are_reported_not_rejected() {
        let mut catalog = Catalog {
            tables: vec![
                table("staff", &["store", "staff"]),
                table("store", &["staff"]),
                table("rental", &["staff"]),
            ],
            ..Catalog::default()
        };
        catalog.normalize();
        let graph = FkGraph::build(&catalog);
        assert_eq!(names(&graph.order), ["staff", "store", "rental"]);
        assert_eq!(graph.cycles.len(), 1);
        assert_eq!(names(&graph.cycles[0]), ["staff", "store"]);
        assert_eq!(names(&graph.self_references), ["staff"]);
    }
}
