//! The whole offline job in one call: DDL text → catalog → graph → plan →
//! bundle. The CLI and the tests both go through here, so what the tests
//! check is exactly what users run.

use crate::catalog::Catalog;
use crate::ddl::{self, DdlError, ParsedSchema};
use crate::graph::FkGraph;
use crate::plan::{Options, Plan};
use crate::render::{self, Bundle};
use std::collections::BTreeMap;

/// Everything the offline job produces.
pub struct Output {
    /// The schema as parsed.
    pub catalog: Catalog,
    /// Statements that did not change the model, counted by kind.
    pub skipped: BTreeMap<String, usize>,
    /// The plan.
    pub plan: Plan,
    /// The rendered files.
    pub bundle: Bundle,
}

/// Runs every stage on `sql`, which was read from `source` (used in
/// messages and file headers exactly as given).
pub fn run(source: &str, sql: &str, options: &Options) -> Result<Output, Box<DdlError>> {
    let ParsedSchema { catalog, skipped } = ddl::parse_schema(source, sql).map_err(Box::new)?;
    let graph = FkGraph::build(&catalog);
    let plan = Plan::build(&catalog, &graph, options);
    let bundle = render::render(&plan, source, catalog.tables.len());
    Ok(Output {
        catalog,
        skipped,
        plan,
        bundle,
    })
}
