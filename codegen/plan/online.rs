//! Online mode: the application keeps writing while the keys move.
//!
//! The copies of the rebuilt tables are filled in batches that commit,
//! while a trigger on each original records which rows changed since; a
//! catch-up replays those rows into the copies, and a cutover of a few
//! milliseconds replays the last of them and swaps the copies in. The
//! change log is keyed by each table's primary key, so a table without one
//! cannot be caught up, and what maintenance mode alters in place (under
//! ACCESS EXCLUSIVE for the whole rewrite) has no online form yet: both
//! are blockers, named with the table, rather than a silent fallback.

use super::{Blocker, Plan, UuidVersion};
use crate::catalog::Catalog;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// How the bundle runs: one transaction in a maintenance window, or in
/// phases while the application writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// forward.sql: one transaction; writes wait until it commits.
    #[default]
    Maintenance,
    /// expand, backfill, catch-up, cutover: writes go on throughout.
    Online,
}

impl Mode {
    /// For `skip_serializing_if`: a maintenance plan serializes, and so
    /// hashes, as it did before online mode existed.
    pub fn is_maintenance(&self) -> bool {
        *self == Mode::Maintenance
    }
}

impl FromStr for Mode {
    type Err = String;

    fn from_str(s: &str) -> Result<Mode, String> {
        match s {
            "maintenance" => Ok(Mode::Maintenance),
            "online" => Ok(Mode::Online),
            other => Err(format!(
                "unknown mode {other:?}: use \"maintenance\" or \"online\""
            )),
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Maintenance => "maintenance",
            Mode::Online => "online",
        })
    }
}

/// Gives each converted table the columns its change log records (its
/// primary key), and returns what online mode cannot do for this plan.
pub fn prepare(catalog: &Catalog, plan: &mut Plan) -> Vec<Blocker> {
    let mut blockers = Vec::new();
    if plan.uuid == UuidVersion::V7 {
        blockers.push(Blocker {
            object: "option --uuid v7".to_string(),
            reason: "is not available in online mode yet: its fallback order numbers every row at once, which batches cannot do".to_string(),
            help: "Use --uuid v4 with --mode online, or --mode maintenance with --uuid v7.".to_string(),
        });
    }
    for r in &plan.declared_references {
        blockers.push(Blocker {
            object: format!("column {}.{}", r.table.display(), crate::catalog::display_ident(&r.column)),
            reason: format!(
                "is a reference to {} that keyshift.toml declares, and online mode does not convert declared references yet: no constraint stops a row written during backfill from pointing at no row, and its copy would hold NULL there",
                r.referenced_table.display()
            ),
            help: "Add the foreign key to the schema (it may be NOT VALID), or convert with --mode maintenance, which counts such rows under its locks.".to_string(),
        });
    }
    for t in &plan.tables {
        for p in &t.polymorphic {
            blockers.push(Blocker {
                object: format!("column {}.{}", t.table.display(), crate::catalog::display_ident(&p.name)),
                reason: format!(
                    "is a polymorphic reference that keyshift.toml declares (by {}), and online mode does not convert declared references yet: no constraint stops a row written during backfill from pointing at no row, and its copy would hold NULL there",
                    p.type_column
                ),
                help: "Convert with --mode maintenance, which counts such rows under its locks.".to_string(),
            });
        }
    }
    for t in &mut plan.tables {
        let object = format!("table {}", t.table.display());
        if let super::Conversion::InPlace { reason } = &t.conversion {
            blockers.push(Blocker {
                object: object.clone(),
                reason: format!(
                    "would be altered in place ({reason}), which holds ACCESS EXCLUSIVE for its whole rewrite; online mode only rebuilds and swaps"
                ),
                help: "Convert it with --mode maintenance, or exclude it and the tables linked to it.".to_string(),
            });
        }
        match catalog.table(&t.table).and_then(|c| c.primary_key.as_ref()) {
            Some(pk) => t.capture_key = pk.columns.clone(),
            None => blockers.push(Blocker {
                object,
                reason: "has no primary key, which online mode needs to find the rows that changed while it was copied".to_string(),
                help: "Add a primary key, or convert it with --mode maintenance.".to_string(),
            }),
        }
    }
    blockers
}
