//! The `keyshift` command: argument parsing, file I/O and exit codes only;
//! the work happens in the library.

use clap::{CommandFactory, Parser, Subcommand};
use keyshift::catalog::{Catalog, QualifiedName};
use keyshift::config::Config;
use keyshift::introspect::{self, Filter, source};
use keyshift::pipeline;
use keyshift::plan::Options;
use keyshift::render::{DriftCheck, Format, Staging};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Codegen makes and frees millions of small strings (names, quoted
/// identifiers, SQL fragments); mimalloc does that in about two thirds of
/// the time the system allocator takes (`cargo bench --bench codegen`).
/// It is built not to ask the kernel for transparent huge pages (`no_thp`
/// in Cargo.toml; a kernel set to `always` still gives them): they kept
/// 20-25 MiB more resident at 10,000 tables and cost more time clearing
/// pages than they saved.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The crate version and the `plan.json` format it writes, which is what a
/// script reading bundles needs to know.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (plan format 1)");

/// Generate a reviewed, reversible SQL bundle that moves integer primary
/// keys, and every foreign key pointing at them, to UUIDs.
#[derive(Parser)]
#[command(name = "keyshift", version = VERSION)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the bundle for a schema file (pg_dump --schema-only output or
    /// hand-written DDL), a saved catalog (.json) or a live database into a
    /// directory.
    Generate {
        /// Schema file, catalog .json, or postgres:// URL (default: DATABASE_URL).
        schema: Option<String>,
        /// Directory to write; replaced as a whole.
        #[arg(long)]
        out: PathBuf,
        /// Write nothing; print a diff and exit 1 if the directory differs.
        #[arg(long)]
        check: bool,
        /// Write the bundle even though the plan has blockers (its
        /// preflight.sql still fails on each), e.g. to review it.
        #[arg(long)]
        allow_blockers: bool,
        /// Lay the bundle out for a migration runner: psql (plain files, the
        /// default), rails, django, alembic, flyway, sqitch, dbmate, goose,
        /// golang-migrate, sqlx or diesel.
        #[arg(long, value_name = "FORMAT", default_value = "psql", value_parser = parse_format)]
        format: Format,
        /// The runner migration's version (contract gets the next number);
        /// default: derived from the plan hash. Choose one above the
        /// project's latest migration.
        #[arg(long = "version", value_name = "NUMBER", value_parser = clap::value_parser!(u64).range(1..=keyshift::render::formats::MAX_VERSION))]
        migration_version: Option<u64>,
        /// With --format django (`app_label.migration_name`) or alembic (a
        /// revision id): the application migration the up migration
        /// depends on, so a database migrated from scratch has its tables first.
        #[arg(long, value_name = "MIGRATION")]
        after: Option<String>,
        #[command(flatten)]
        filter: FilterArgs,
        #[command(flatten)]
        plan: PlanArgs,
    },
    /// Print PLAN.md for a schema file without writing anything.
    Plan {
        /// Schema file, catalog .json, or postgres:// URL (default: DATABASE_URL).
        schema: Option<String>,
        #[command(flatten)]
        filter: FilterArgs,
        #[command(flatten)]
        plan: PlanArgs,
    },
    /// Print a draft keyshift.toml that answers every candidate: integer
    /// columns named like references with no foreign key. From a live
    /// database each comes with its evidence, and those whose every value
    /// has a parent row are declared; the rest are left for you to decide.
    Init {
        /// Schema file, catalog .json, or postgres:// URL (default: DATABASE_URL).
        schema: Option<String>,
        /// Write the draft to FILE (which must not exist) instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        filter: FilterArgs,
        #[command(flatten)]
        plan: PlanArgs,
    },
    /// Read a live database's catalog and write it as JSON, for review and
    /// for `generate`/`plan` later without a connection.
    Inspect {
        /// postgres:// URL (default: DATABASE_URL).
        url: Option<String>,
        /// Where to write the catalog JSON.
        #[arg(short = 'o', long = "output", value_name = "CATALOG.json")]
        output: PathBuf,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Print a shell completion script to standard output, e.g.
    /// `keyshift completions bash > /etc/bash_completion.d/keyshift`.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to standard output, e.g.
    /// `keyshift man > /usr/local/share/man/man1/keyshift.1`.
    Man,
}

/// `--format`: one of [`Format::ALL`] by name.
fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

/// What to read from a live database, spelled as in pg_dump. Unlike
/// pg_dump's `-T`, `--exclude-table` is not among them: it leaves a table
/// unconverted but still reads it, so foreign keys between it and
/// converted tables are seen.
#[derive(clap::Args)]
struct FilterArgs {
    /// Read only schemas matching PATTERN (pg_dump's pattern syntax; repeatable; live databases only).
    #[arg(short = 'n', long = "schema", value_name = "PATTERN")]
    schemas: Vec<String>,
    /// Do not read schemas matching PATTERN (repeatable; live databases only).
    #[arg(short = 'N', long = "exclude-schema", value_name = "PATTERN")]
    exclude_schemas: Vec<String>,
    /// Read only tables, views and sequences matching PATTERN, plus the sequences they own (repeatable; live databases only).
    #[arg(short = 't', long = "table", value_name = "PATTERN")]
    tables: Vec<String>,
}

impl FilterArgs {
    fn filter(&self) -> Result<Filter, String> {
        let filter = Filter {
            schemas: self.schemas.clone(),
            exclude_schemas: self.exclude_schemas.clone(),
            tables: self.tables.clone(),
        };
        filter.validate()?;
        Ok(filter)
    }
}

/// Reads a live database's catalog, narrowed by `filter`.
fn read_live(url: &str, filter: &Filter) -> Result<Catalog, String> {
    if filter.is_empty() {
        return source::read_catalog(url);
    }
    let mut client = source::connect(url)?;
    introspect::introspect_filtered(&mut client, filter)
        .map_err(|e| format!("{}: {e}", source::redact(url)))
}

#[derive(clap::Args)]
struct PlanArgs {
    /// Leave a table exactly as it is (`schema.table`; repeatable).
    #[arg(long = "exclude-table", value_name = "SCHEMA.TABLE")]
    exclude_tables: Vec<String>,
    /// Let contract.sql drop the old id → uuid maps instead of keeping them.
    #[arg(long)]
    drop_id_map: bool,
    /// Alter every table in place (ACCESS EXCLUSIVE throughout) instead of
    /// rebuilding it beside the original and swapping it in.
    #[arg(long)]
    in_place: bool,
    /// The new keys' UUID version: v4 (random; the default) or v7
    /// (time-ordered, for denser indexes). Wins over `uuid` in keyshift.toml.
    #[arg(long, value_name = "VERSION", value_parser = ["v4", "v7"])]
    uuid: Option<String>,
    /// maintenance (the default): forward.sql, one transaction in which
    /// writes wait. online: phases (expand, backfill, catch-up, cutover)
    /// while the application writes; see PLAN.md. Wins over `mode` in
    /// keyshift.toml.
    #[arg(long, value_name = "MODE", value_parser = ["maintenance", "online"])]
    mode: Option<String>,
    /// keyshift.toml: references without foreign keys, polymorphic pairs,
    /// tables to leave alone (see README).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

impl PlanArgs {
    fn options(&self) -> Result<Options, String> {
        let mut exclude = BTreeSet::new();
        for t in &self.exclude_tables {
            let name = QualifiedName::parse_regclass_literal(t)
                .ok_or_else(|| format!("--exclude-table {t:?} is not a table name"))?;
            exclude.insert(name);
        }
        Ok(Options {
            exclude_tables: exclude,
            drop_id_map: self.drop_id_map,
            in_place: self.in_place,
            uuid: self.uuid.as_deref().map(str::parse).transpose()?,
            mode: self.mode.as_deref().map(str::parse).transpose()?,
            ..Options::default()
        })
    }

    /// Reads and parses the configuration file, if one was given.
    fn config(&self) -> Result<Option<Config>, String> {
        let Some(path) = &self.config else {
            return Ok(None);
        };
        let name = path.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {name}: {e}"))?;
        Config::parse(&name, &text)
            .map(Some)
            .map_err(|e| e.to_string())
    }
}

/// The command line's filters plus the configuration file's `[read]`
/// table; patterns from both apply, as if all were given as options.
fn merged_filter(
    filter: &FilterArgs,
    config: Option<&Config>,
) -> Result<(Filter, Option<String>), String> {
    let mut merged = filter.filter()?;
    let Some(read) = config.and_then(Config::read_filter) else {
        return Ok((merged, None));
    };
    merged.schemas.extend(read.schemas);
    merged.exclude_schemas.extend(read.exclude_schemas);
    merged.tables.extend(read.tables);
    merged
        .validate()
        .map_err(|e| format!("{}: {e}", read.location))?;
    let location = (!merged.is_empty()).then_some(read.location);
    Ok((merged, location))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Generate {
            schema,
            out,
            check,
            allow_blockers,
            format,
            migration_version,
            after,
            filter,
            plan,
        } => {
            let runner = keyshift::render::formats::RunnerOptions {
                version: migration_version,
                after,
            };
            if let Some(after) = &runner.after {
                keyshift::render::formats::check_after(format, after).map_err(|e| e.to_string())?;
            }
            let mut output = build(schema, &filter, &plan, Blockers::Print)?;
            if !output.plan.blockers.is_empty() && !allow_blockers && !check {
                return Err(format!(
                    "{} blocker(s) above: nothing written. Resolve them, or pass --allow-blockers to write a bundle whose preflight.sql fails on them; `keyshift plan` prints the whole plan",
                    output.plan.blockers.len()
                ));
            }
            // Rendering reads only the plan; free the catalog first.
            output.catalog = Catalog::default();
            if check {
                let cannot_read = |e| format!("cannot read {}: {e}", out.display());
                let mut drift = DriftCheck::new(&out).map_err(cannot_read)?;
                output
                    .render_format_into(format, &runner, &mut drift)
                    .map_err(|e| format!("cannot check {}: {e}", out.display()))?;
                let drift = drift.finish().map_err(cannot_read)?;
                if drift.diffs.is_empty() {
                    eprintln!("{} is up to date", out.display());
                    return Ok(ExitCode::SUCCESS);
                }
                for diff in &drift.diffs {
                    print!("{diff}");
                }
                eprintln!(
                    "{} is out of date: {} file(s) differ; run without --check to rewrite it",
                    out.display(),
                    drift.diffs.len()
                );
                return Ok(ExitCode::FAILURE);
            }
            let cannot_write = |e| format!("cannot write {}: {e}", out.display());
            let mut staging = Staging::new(&out).map_err(cannot_write)?;
            output
                .render_format_into(format, &runner, &mut staging)
                .map_err(|e| match e {
                    keyshift::render::FormatError::Io(e) => cannot_write(e),
                    refused => refused.to_string(),
                })?;
            staging.commit().map_err(cannot_write)?;
            // The process ends here: freeing the plan would only cost time.
            std::mem::forget(output);
            eprintln!(
                "wrote {}; start with {}/PLAN.md",
                out.display(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Inspect {
            url,
            output,
            filter,
        } => {
            let filter = filter.filter()?;
            let url = or_database_url(url)?;
            if !source::is_database_url(&url) {
                return Err(format!("{url} is not a postgres:// or postgresql:// URL"));
            }
            let catalog = read_live(&url, &filter)?;
            let json = serde_json::to_string_pretty(&catalog).map_err(|e| e.to_string())? + "\n";
            std::fs::write(&output, json)
                .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
            eprintln!(
                "{}: {} tables, {} sequences, {} views; wrote {}",
                source::redact(&url),
                catalog.tables.len(),
                catalog.sequences.len(),
                catalog.views.len(),
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Init {
            schema,
            output,
            filter,
            plan,
        } => {
            if let Some(path) = &output
                && path.exists()
            {
                return Err(format!(
                    "{} exists; init never overwrites a configuration (print the draft to standard output, or choose another file)",
                    path.display()
                ));
            }
            let schema = or_database_url(schema)?;
            // The draft answers the candidate blockers; listing them too
            // would bury the rest.
            let planned = build(Some(schema.clone()), &filter, &plan, Blockers::Quiet)?;
            let (source, evidence) = if source::is_database_url(&schema) {
                let mut client = source::connect(&schema)?;
                let p = &planned.plan;
                let evidence = introspect::evidence::gather(
                    &mut client,
                    &p.candidates,
                    &p.polymorphic_candidates,
                    |table, value| keyshift::draft::type_target(p, table, value),
                )
                .map_err(|e| format!("{}: {e}", source::redact(&schema)))?;
                (source::redact(&schema), Some(evidence))
            } else {
                (source_label(Path::new(&schema)), None)
            };
            let text = keyshift::draft::draft(&planned.plan, &source, evidence.as_ref());
            match output {
                None => print!("{text}"),
                Some(path) => write_new(&path, &text)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut cli = Cli::command();
            clap_complete::generate(shell, &mut cli, "keyshift", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command())
                .render(&mut std::io::stdout())
                .map_err(|e| format!("cannot write the man page: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Plan {
            schema,
            filter,
            plan,
        } => {
            let output = build(schema, &filter, &plan, Blockers::Print)?.render();
            print!("{}", output.bundle.get("PLAN.md").unwrap_or_default());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Reads and plans a schema file, reporting parse errors with their source
/// location and summarising what was skipped.
fn build(
    schema: Option<String>,
    filter: &FilterArgs,
    plan: &PlanArgs,
    blockers: Blockers,
) -> Result<pipeline::Planned, String> {
    let options = plan.options()?;
    let config = plan.config()?;
    let (filter, read_location) = merged_filter(filter, config.as_ref())?;
    let config = config.as_ref();
    let schema = or_database_url(schema)?;
    if source::is_database_url(&schema) {
        let catalog = read_live(&schema, &filter)?;
        let output = pipeline::plan_from_catalog_configured(
            &source::redact(&schema),
            catalog,
            Default::default(),
            &options,
            config,
        )
        .map_err(|e| e.to_string())?;
        return Ok(summarise(&source::redact(&schema), output, blockers));
    }
    if let Some(location) = read_location {
        return Err(format!(
            "{location}: [read] chooses what to read from a live database; {schema} is a file \
             (filter when you dump it: pg_dump takes the same options)"
        ));
    }
    if !filter.is_empty() {
        return Err(format!(
            "--schema, --exclude-schema and --table read part of a live database; \
             {schema} is a file (filter when you dump it: pg_dump takes the same options)"
        ));
    }
    let schema = Path::new(&schema);
    let source = source_label(schema);
    let bytes = std::fs::read(schema).map_err(|e| format!("cannot read {source}: {e}"))?;
    let sql = keyshift::encoding::decode_sql(&source, &bytes)?;
    if schema.extension().is_some_and(|e| e == "json") {
        let mut catalog: Catalog = serde_json::from_str(&sql)
            .map_err(|e| format!("{source} is not a keyshift catalog: {e}"))?;
        catalog.normalize();
        let output = pipeline::plan_from_catalog_configured(
            &source,
            catalog,
            Default::default(),
            &options,
            config,
        )
        .map_err(|e| e.to_string())?;
        return Ok(summarise(&source, output, blockers));
    }
    let output =
        pipeline::plan_configured(&source, &sql, &options, config).map_err(|e| match e {
            pipeline::InputError::Ddl(e) => {
                let report = miette::Report::new(*e);
                format!("{report:?}")
            }
            pipeline::InputError::Config(e) => e.to_string(),
        })?;
    Ok(summarise(&source, output, blockers))
}

/// How a schema file is named in messages and in every file header: the
/// same file must give the same bundle however its path was spelled, or
/// `--check` reports drift that is only spelling. An absolute path under
/// the working directory becomes relative to it, `.` and `name/..` steps go,
/// and separators are `/`.
fn source_label(path: &Path) -> String {
    use std::path::Component;
    let relative = std::env::current_dir().ok().and_then(|cwd| {
        let canonical = cwd.canonicalize().unwrap_or_else(|_| cwd.clone());
        [cwd, canonical]
            .iter()
            .find_map(|dir| path.strip_prefix(dir).ok().map(Path::to_path_buf))
    });
    let path = relative.as_deref().unwrap_or(path);
    let mut parts: Vec<String> = Vec::new();
    let mut rooted = false;
    for component in path.components() {
        match component {
            Component::RootDir => rooted = true,
            Component::Prefix(p) => parts.push(p.as_os_str().to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.last().is_some_and(|p| p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..".to_string());
                }
            }
            Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if rooted { format!("/{joined}") } else { joined }
}

/// Writes `text` to the new file `path` whole or not at all: a temporary
/// file beside it, renamed into place without replacing anything.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(text.as_bytes())?;
    file.as_file().sync_all()?;
    file.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

/// The source given, else `DATABASE_URL`.
fn or_database_url(source: Option<String>) -> Result<String, String> {
    match source {
        Some(s) => Ok(s),
        None => std::env::var("DATABASE_URL").map_err(|_| {
            "no schema given: name a schema file, a catalog .json or a postgres:// URL, or set DATABASE_URL"
                .to_string()
        }),
    }
}

/// Whether [`summarise`] lists the plan's blockers on standard error.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Blockers {
    Print,
    Quiet,
}

/// Prints what was read and what blocks the migration.
fn summarise(source: &str, output: pipeline::Planned, blockers: Blockers) -> pipeline::Planned {
    let skipped: Vec<String> = output
        .skipped
        .iter()
        .map(|(kind, n)| format!("{kind} ×{n}"))
        .collect();
    eprintln!(
        "{source}: {} tables, {} change; skipped statements: {}",
        output.catalog.tables.len(),
        output.plan.tables.len(),
        if skipped.is_empty() {
            "none".to_string()
        } else {
            skipped.join(", ")
        }
    );
    for b in output
        .plan
        .blockers
        .iter()
        .filter(|_| blockers == Blockers::Print)
    {
        eprintln!("blocker: {} {}. help: {}", b.object, b.reason, b.help);
    }
    output
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_names_the_plan_format() {
        assert!(super::VERSION.ends_with(&format!(
            "(plan format {})",
            keyshift::render::PLAN_FORMAT_VERSION
        )));
    }
}
