//! The whole job in one call: DDL text (or a catalog read elsewhere, e.g. by
//! live introspection or from a saved snapshot) → catalog → graph → plan →
//! bundle. The CLI and the tests both go through here, so what the tests
//! check is exactly what users run.

use crate::catalog::Catalog;
use crate::config::{Config, ConfigError};
use crate::ddl::{self, DdlError, ParsedSchema};
use crate::graph::{Edge, FkGraph};
use crate::plan::{ColumnRoots, Options, Plan};
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

/// Everything before rendering: what the CLI needs to decide whether to
/// write, and to render straight to disk with [`Planned::render_into`].
pub struct Planned {
    /// The schema as parsed. Rendering does not read it, so a caller may
    /// replace it with an empty one to free its memory first.
    pub catalog: Catalog,
    /// Statements that did not change the model, counted by kind.
    pub skipped: BTreeMap<String, usize>,
    /// The plan.
    pub plan: Plan,
    source: String,
    table_count: usize,
}

impl Planned {
    /// Hands each file of the bundle to `sink` as it is rendered.
    pub fn render_into(&self, sink: &mut dyn render::Sink) -> std::io::Result<()> {
        render::render_into(&self.plan, &self.source, self.table_count, sink)
    }

    /// Hands each file of the bundle, laid out for `format`, to `sink`
    /// (see [`render::formats`]), with `--version` and `--after`.
    pub fn render_format_into(
        &self,
        format: render::Format,
        options: &render::formats::RunnerOptions,
        sink: &mut dyn render::Sink,
    ) -> Result<(), render::FormatError> {
        render::render_format(
            format,
            &self.plan,
            &self.source,
            self.table_count,
            options,
            sink,
        )
    }

    /// Renders the bundle in memory.
    pub fn render(self) -> Output {
        let bundle = render::render(&self.plan, &self.source, self.table_count);
        Output {
            catalog: self.catalog,
            skipped: self.skipped,
            plan: self.plan,
            bundle,
        }
    }
}

/// Runs every stage on `sql`, which was read from `source` (used in
/// messages and file headers exactly as given).
pub fn run(source: &str, sql: &str, options: &Options) -> Result<Output, Box<DdlError>> {
    let ParsedSchema { catalog, skipped } = ddl::parse_schema(source, sql).map_err(Box::new)?;
    Ok(from_catalog(source, catalog, skipped, options))
}

/// As [`run`], with a configuration file checked against the parsed
/// schema first; a problem in either is returned and nothing is rendered.
pub fn run_configured(
    source: &str,
    sql: &str,
    options: &Options,
    config: Option<&Config>,
) -> Result<Output, InputError> {
    plan_configured(source, sql, options, config).map(Planned::render)
}

/// As [`run_configured`], stopping before rendering.
pub fn plan_configured(
    source: &str,
    sql: &str,
    options: &Options,
    config: Option<&Config>,
) -> Result<Planned, InputError> {
    let ParsedSchema { catalog, skipped } =
        ddl::parse_schema(source, sql).map_err(|e| InputError::Ddl(Box::new(e)))?;
    plan_from_catalog_configured(source, catalog, skipped, options, config)
        .map_err(InputError::Config)
}

/// As [`from_catalog`], with a configuration file checked against
/// `catalog` first.
pub fn from_catalog_configured(
    source: &str,
    catalog: Catalog,
    skipped: BTreeMap<String, usize>,
    options: &Options,
    config: Option<&Config>,
) -> Result<Output, ConfigError> {
    plan_from_catalog_configured(source, catalog, skipped, options, config).map(Planned::render)
}

/// As [`from_catalog_configured`], stopping before rendering.
pub fn plan_from_catalog_configured(
    source: &str,
    catalog: Catalog,
    skipped: BTreeMap<String, usize>,
    options: &Options,
    config: Option<&Config>,
) -> Result<Planned, ConfigError> {
    let mut options = options.clone();
    if let Some(config) = config {
        config.apply(&catalog, &mut options)?;
    }
    Ok(plan_from_catalog(source, catalog, skipped, &options))
}

/// Bad input: the schema does not parse, or the configuration file does
/// not fit it.
#[derive(Debug)]
pub enum InputError {
    /// The DDL, with its source span for a miette report.
    Ddl(Box<DdlError>),
    /// The configuration file, one line with its position.
    Config(ConfigError),
}

/// Runs the stages after the catalog. `source` names where the catalog came
/// from (a file, or a database URL without its password) in file headers.
pub fn from_catalog(
    source: &str,
    catalog: Catalog,
    skipped: BTreeMap<String, usize>,
    options: &Options,
) -> Output {
    plan_from_catalog(source, catalog, skipped, options).render()
}

/// As [`from_catalog`], stopping before rendering.
pub fn plan_from_catalog(
    source: &str,
    catalog: Catalog,
    skipped: BTreeMap<String, usize>,
    options: &Options,
) -> Planned {
    // The graph and the roots of the converted columns read only the
    // catalog and the options: built at once, on two threads.
    let (graph, roots) = std::thread::scope(|s| {
        let graph = s.spawn(|| FkGraph::build_with(&catalog, &declared_edges(options)));
        let roots = ColumnRoots::resolve(&catalog, options);
        (graph.join().expect("the graph is built"), roots)
    });
    let plan = Plan::build_from(&catalog, &graph, options, roots);
    Planned {
        source: source.to_string(),
        table_count: catalog.tables.len(),
        catalog,
        skipped,
        plan,
    }
}

/// The references `options` declares, as graph edges labelled by the
/// column, so declared parents are ordered before their children.
fn declared_edges(options: &Options) -> Vec<Edge> {
    let declared = options.references.iter().map(|r| Edge {
        from: r.table.clone(),
        to: r.referenced_table.clone(),
        constraint: format!("{} (declared)", r.column),
    });
    let polymorphic = options.polymorphic.iter().flat_map(|p| {
        p.types.values().map(|to| Edge {
            from: p.table.clone(),
            to: to.clone(),
            constraint: format!("{} (polymorphic)", p.id_column),
        })
    });
    declared.chain(polymorphic).collect()
}
