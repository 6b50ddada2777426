//! The whole job in one call: DDL text (or a catalog read elsewhere, e.g. by
//! live introspection or from a saved snapshot) → catalog → graph → plan →
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
    Ok(from_catalog(source, catalog, skipped, options))
}

/// Runs the stages after the catalog. `source` names where the catalog came
/// from (a file, or a database URL without its password) in file headers.
pub fn from_catalog(
    source: &str,
    catalog: Catalog,
    skipped: BTreeMap<String, usize>,
    options: &Options,
) -> Output {
    let graph = FkGraph::build(&catalog);
    let plan = Plan::build(&catalog, &graph, options);
    let bundle = render::render(&plan, source, catalog.tables.len());
    Output {
        catalog,
        skipped,
        plan,
        bundle,
    }
}
