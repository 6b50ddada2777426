//! Citus: refuse what keyshift cannot do safely across nodes. A
//! distributed or reference table's rows live in shards on the workers;
//! rebuilding it on the coordinator, or altering the type of its
//! distribution column, would at best fail midway across nodes and at
//! worst leave shards placed by values that no longer exist. Until
//! keyshift drives Citus' own functions, each such table that would change
//! is a blocker naming what it is.

use super::{Blocker, TablePlan};
use crate::catalog::{Catalog, QualifiedName, display_ident};
use std::collections::BTreeMap;

/// A blocker for each planned table Citus distributes.
pub fn blockers(catalog: &Catalog, tables: &[TablePlan]) -> Vec<Blocker> {
    if catalog.distributed.is_empty() {
        return Vec::new();
    }
    let planned: BTreeMap<&QualifiedName, &TablePlan> =
        tables.iter().map(|t| (&t.table, t)).collect();
    let mut out = Vec::new();
    for d in &catalog.distributed {
        let Some(t) = planned.get(&d.table) else {
            continue;
        };
        let key_moves = d
            .column
            .as_ref()
            .is_some_and(|c| t.columns.iter().any(|converted| &converted.name == c));
        out.push(Blocker {
            object: format!("table {}", t.table.display()),
            reason: format!(
                "is {} on this Citus coordinator{}; keyshift does not convert Citus tables yet (their rows live in shards on the workers)",
                d.describe(),
                if key_moves {
                    format!(
                        ", and its distribution column {} would become uuid, which moves every row to another shard",
                        display_ident(d.column.as_deref().unwrap_or_default())
                    )
                } else {
                    String::new()
                }
            ),
            help: format!(
                "Exclude it ({}) together with the tables linked to it by converted keys, or change it with Citus' own tools (undistribute_table, then convert, then distribute again).",
                super::integer_uses::exclude_table_option(&t.table)
            ),
        });
    }
    out
}
